"""Which ipywidgets the widget tests run against.

`make test` runs the widget tests with the ipywidgets in .venv (8.x); `make test-compat`
reruns them with ipywidgets 7.7.1, the version Colab ships, and sets
NNEDU_EXPECT_IPYWIDGETS=7.7.1 so that this test proves the older version was really used.
"""

import os

import ipywidgets


def test_ipywidgets_version_is_the_one_expected():
    expected = os.environ.get("NNEDU_EXPECT_IPYWIDGETS")
    if expected:
        assert ipywidgets.__version__ == expected
    else:
        major = int(ipywidgets.__version__.split(".")[0])
        assert major in (7, 8), f"nnedu supports ipywidgets 7.6+ and 8.x, found {ipywidgets.__version__}"

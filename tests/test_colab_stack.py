"""`make test-colab` really ran on Colab's versions (tests/colab-stack.txt), not on .venv's.

The target sets NNEDU_COLAB_STACK to that file; elsewhere the test is skipped, since the
stack of .venv is the newest one, not Colab's.
"""

import os
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

STACK = os.environ.get("NNEDU_COLAB_STACK")


def pins(path):
    """{package: version} from a requirements file of `name==version` lines."""
    lines = Path(path).read_text().splitlines()
    return dict(line.split("==") for line in lines if line and not line.startswith("#"))


@pytest.mark.skipif(not STACK, reason="only under `make test-colab` (NNEDU_COLAB_STACK unset)")
def test_every_package_has_colabs_version():
    expected = pins(STACK)
    assert {name: version(name) for name in expected} == expected
    assert sys.version_info[:2] == (3, 13)


def test_pins_file_lists_the_stack_notes_md_names():
    expected = pins(Path(__file__).with_name("colab-stack.txt"))
    assert expected["ipywidgets"] == "7.7.1" and expected["numpy"] == "2.1.3"
    assert set(expected) >= {"ipython", "ipykernel", "ipywidgets", "numpy", "matplotlib"}

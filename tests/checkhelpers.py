"""Helpers shared by the tests of the chapter checks (tests/test_checks_chNN.py).

A plain module, imported as ``from checkhelpers import fails_with``: pytest puts
tests/ on sys.path because tests/ is not a package (no __init__.py).
"""

import pytest

from nnedu.checks._core import WIDTH, CheckFailed

# The longest first line: "✗ cross_entropy_from_logits: " is 29 characters, PREFIX allows 28;
# 97 characters fit the red error box in JupyterLab's output area of a notebook 850 px wide
# (748 px, 7.48 px a character, measured in chromium by scripts/screenshot_notebooks.py).
LONGEST_LINE = WIDTH + 1


def fails_with(check, student, *phrases):
    """Run a check that must fail; assert its message contains every phrase."""
    with pytest.raises(CheckFailed) as info:
        check(student)
    message = str(info.value)
    flat = message.replace("\n", " ")
    for phrase in phrases:
        assert phrase in flat, f"{phrase!r} not in {message!r}"
    assert_fits_the_notebook(message)
    return message


def assert_fits_the_notebook(message):
    """A check's message is at most two lines that fit the notebook's output area."""
    lines = message.splitlines()
    assert len(lines) <= 2, f"{len(lines)} lines: {message!r}"
    for line in lines:
        assert len(line) <= LONGEST_LINE, f"a line of {len(line)} characters: {line!r}"


def blank(*args):
    """A student's function not attempted yet: it still raises NotImplementedError."""
    raise NotImplementedError()

"""Helpers shared by the tests of the chapter checks (tests/test_checks_chNN.py).

A plain module, imported as ``from checkhelpers import fails_with``: pytest puts
tests/ on sys.path because tests/ is not a package (no __init__.py).
"""

import pytest

from nnedu.checks._core import CheckFailed


def fails_with(check, student, *phrases):
    """Run a check that must fail; assert its message contains every phrase."""
    with pytest.raises(CheckFailed) as info:
        check(student)
    message = str(info.value)
    for phrase in phrases:
        assert phrase in message, f"{phrase!r} not in {message!r}"
    return message


def blank(*args):
    """A student's function not attempted yet: it still raises NotImplementedError."""
    raise NotImplementedError()

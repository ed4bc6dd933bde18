"""Exercise checks, one module per chapter: ``nnedu.checks.ch01`` and so on.

In a notebook::

    from nnedu.checks import ch01
    ch01.step(step)      # ✓ / … not attempted yet / ✗ with what was expected

How to write a check: see :mod:`nnedu.checks._core`.
"""

from nnedu.checks._core import (
    MIME,
    NOT_ATTEMPTED,
    CheckFailed,
    CheckResult,
    call,
    diagnose,
    exercise,
    expect_close,
    expect_equal,
    expect_shape,
    expect_true,
    load_chapter,
    matches,
    registry,
)

__all__ = [
    "MIME", "NOT_ATTEMPTED", "CheckFailed", "CheckResult", "call", "diagnose", "exercise",
    "expect_close", "expect_equal", "expect_shape", "expect_true", "load_chapter", "matches",
    "registry",
]

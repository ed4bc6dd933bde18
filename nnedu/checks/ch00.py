"""Checks of chapter 00 (welcome): one demo exercise to show how checks work."""

from nnedu.checks._core import call, exercise, expect_close


@exercise("00", "double", points=1)
def double(student_double):
    """Check double(x) = 2 x on a few numbers and an array.

    Example: ``double(lambda x: 2 * x)`` shows "✓ double: all 4 cases passed".
    """
    import numpy as np

    for x in [0.0, 1.5, -3.0, np.array([1.0, -2.0, 0.5])]:
        got = call(student_double, x)
        expect_close(got, 2 * x, what="double(x)", inputs={"x": x},
                     hint="multiply the input by 2 and return the result.")

"""Tests of nnedu._validate: the shared input checks and their messages."""

import numpy as np
import pytest

from nnedu._validate import (
    as_float_array,
    check_choice,
    check_finite,
    check_positive,
    check_same_shape,
)


def test_as_float_array_converts_numbers_lists_and_arrays():
    assert as_float_array(3, "z").dtype == np.float64
    np.testing.assert_array_equal(as_float_array([1, 2], "z"), [1.0, 2.0])
    np.testing.assert_array_equal(as_float_array(np.array([True, False]), "z"), [1.0, 0.0])
    x = np.zeros(3)
    assert as_float_array(x, "z") is x  # float64 arrays are not copied


@pytest.mark.parametrize("bad, message", [
    ("abc", "z must be a number or an array of numbers, but got str"),
    (None, "but got NoneType"),
    ([1, "a"], "z must contain numbers, but got an array of dtype <U21"),
    ([1 + 2j], "dtype complex128"),
])
def test_as_float_array_rejects_non_numbers(bad, message):
    with pytest.raises(TypeError, match=message):
        as_float_array(bad, "z")


def test_as_float_array_checks_ndim_and_ragged_lists():
    with pytest.raises(ValueError, match=r"x must be a 2-dimensional array, but got an array "
                                         r"of shape \(3,\) \(1 dimensions\)"):
        as_float_array([1, 2, 3], "x", ndim=2)
    with pytest.raises(ValueError, match="x could not be turned into an array"):
        as_float_array([[1, 2], [3]], "x")


def test_check_finite_says_where():
    check_finite(np.ones(3), "a")
    with pytest.raises(ValueError, match=r"a contains inf at index \(1, 0\) \(2 non-finite"):
        check_finite(np.array([[0.0, 1.0], [np.inf, np.nan]]), "a")


def test_check_same_shape_names_both():
    check_same_shape(np.ones(2), np.zeros(2), "a", "b")
    with pytest.raises(ValueError, match=r"a has shape \(2,\) and b has shape \(2, 1\)"):
        check_same_shape(np.ones(2), np.ones((2, 1)), "a", "b")


def test_check_choice_lists_valid_names():
    check_choice("relu", ["relu", "tanh"], "activation")
    with pytest.raises(ValueError, match="unknown activation 'relux'; valid names: 'relu', 'tanh'"):
        check_choice("relux", ["relu", "tanh"], "activation")


def test_check_positive():
    check_positive(0.1, "rate")
    check_positive(0, "rate", allow_zero=True)
    with pytest.raises(ValueError, match="rate must be > 0, but got 0"):
        check_positive(0, "rate")
    with pytest.raises(ValueError, match="rate must be >= 0, but got -1"):
        check_positive(-1, "rate", allow_zero=True)
    with pytest.raises(TypeError, match="rate must be a number, but got str"):
        check_positive("1", "rate")

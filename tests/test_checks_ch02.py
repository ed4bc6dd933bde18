"""Tests for nnedu.checks.ch02: right answers pass, typical wrong answers fail with a named hint."""

import numpy as np
import pytest
from checkhelpers import fails_with

from nnedu.checks import ch02
from nnedu.checks._core import NOT_ATTEMPTED

# ---------------------------------------------------------------- right answers

def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def relu(z):
    return np.maximum(z, 0.0)


def leaky_relu(z, alpha=0.01):
    return np.where(z > 0, z, alpha * z)


def tanh(z):
    return 2 * sigmoid(2 * z) - 1


def sigmoid_grad(z):
    s = sigmoid(z)
    return s * (1 - s)


def relu_grad(z):
    return (np.asarray(z) > 0).astype(float)


def leaky_relu_grad(z, alpha=0.01):
    return np.where(z > 0, 1.0, alpha)


def tanh_grad(z):
    return 1 - tanh(z) ** 2


def numerical_derivative(f, z, eps=1e-5):
    return (f(z + eps) - f(z - eps)) / (2 * eps)


def derivative_error(f, f_grad, z):
    numeric, analytic = numerical_derivative(f, z), f_grad(z)
    scale = max(np.max(np.abs(numeric)), np.max(np.abs(analytic)), 1e-12)
    return float(np.max(np.abs(numeric - analytic)) / scale)


@pytest.mark.parametrize("name, student, cases", [
    ("sigmoid", sigmoid, 17), ("relu", relu, 16), ("leaky_relu", leaky_relu, 16),
    ("tanh", tanh, 17), ("sigmoid_grad", sigmoid_grad, 16), ("relu_grad", relu_grad, 16),
    ("leaky_relu_grad", leaky_relu_grad, 12), ("tanh_grad", tanh_grad, 16),
    ("numerical_derivative", numerical_derivative, 8), ("derivative_error", derivative_error, 12),
])
def test_right_answers_pass(name, student, cases):
    result = getattr(ch02, name)(student)
    assert result["passed"] and result["message"] == f"all {cases} cases passed"


def test_points_add_up_to_eleven():
    from nnedu.checks._core import registry

    assert sum(registry("02").values()) == 11


def test_not_attempted_is_reported():
    def blank(z):
        raise NotImplementedError()

    result = ch02.sigmoid(blank)
    assert not result["passed"] and result["message"] == NOT_ATTEMPTED


# ---------------------------------------------------------------- sigmoid

def test_naive_sigmoid_fails_on_overflow():
    fails_with(ch02.sigmoid, lambda z: 1 / (1 + np.exp(-z)),
               "sigmoid warned: overflow encountered in exp", "stable form")


def test_sigmoid_with_np_where_on_unsafe_branches_fails():
    def both_branches(z):
        return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))

    fails_with(ch02.sigmoid, both_branches, "warned: overflow", "np.where evaluates BOTH branches")


def test_sigmoid_complement_fails():
    fails_with(ch02.sigmoid, lambda z: 1 - sigmoid(z), "expected sigmoid(z)[0] = 0.119203",
               "that is 1 - sigmoid(z)")


def test_sigmoid_that_loses_small_values_fails():
    def one_minus(z):
        return np.where(z >= 0, sigmoid(np.abs(z)), 1 - sigmoid(np.abs(z)))

    fails_with(ch02.sigmoid, one_minus, "z = [-40, -700]", "rounds to 0")


# ---------------------------------------------------------------- relu, leaky relu

def test_sigmoid_in_float32_is_told_to_use_float64():
    fails_with(ch02.sigmoid, lambda z: sigmoid(z).astype(np.float32), "expected sigmoid(z)",
               "compute in float64")


def test_sigmoid_alternative_with_logaddexp_passes():
    assert ch02.sigmoid(lambda z: np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float))))[
        "passed"]


def test_relu_with_np_max_fails():
    fails_with(ch02.relu, lambda z: np.max(z, 0), "np.max(z, 0) returns the LARGEST entry")


def test_relu_in_place_fails():
    def in_place(z):
        z[z < 0] = 0
        return z

    fails_with(ch02.relu, in_place, "changed its input", "instead of z[z < 0] = 0")


def test_relu_that_only_takes_arrays_fails_on_a_number():
    def array_only(z):
        return (z > 0) * z + (z <= 0).astype(float) * 0.0

    fails_with(ch02.relu, array_only, "your function raised AttributeError", "for input (0)",
               "z may be a plain number")


def test_relu_returning_the_mask_fails():
    fails_with(ch02.relu, lambda z: (z > 0).astype(float), "that is the derivative")


def test_leaky_relu_with_default_slope_01_fails():
    fails_with(ch02.leaky_relu, lambda z, alpha=0.1: np.where(z > 0, z, alpha * z),
               "expected leaky_relu(z) = ", "the default slope is alpha = 0.01")


def test_leaky_relu_ignoring_alpha_fails():
    fails_with(ch02.leaky_relu, lambda z, alpha=0.01: np.where(z > 0, z, 0.01 * z),
               "alpha = 0.1", "use the alpha you are given")


def test_leaky_relu_on_the_wrong_side_fails():
    fails_with(ch02.leaky_relu, lambda z, alpha=0.01: np.where(z > 0, alpha * z, z),
               "belongs to the NEGATIVE side")


# ---------------------------------------------------------------- tanh

def test_tanh_calling_np_tanh_fails_as_the_statement_says():
    def library_tanh(z):
        return np.tanh(z)

    fails_with(ch02.tanh, library_tanh, "your tanh calls np.tanh", "build it from your sigmoid")


def test_tanh_alternative_from_the_other_sigmoid_passes():
    def other_form(z):
        return 1 - 2 * sigmoid(-2 * np.asarray(z, dtype=float))

    assert ch02.tanh(other_form)["passed"]


def test_relu_grad_returning_ints_fails_as_the_statement_says():
    fails_with(ch02.relu_grad, lambda z: (np.asarray(z) > 0).astype(int),
               "expected floats from relu_grad, got int64 values", "return floats")


def test_relu_grad_alternative_with_np_where_passes():
    assert ch02.relu_grad(lambda z: np.where(np.asarray(z) > 0, 1.0, 0.0))["passed"]


def test_tanh_without_doubling_the_argument_fails():
    fails_with(ch02.tanh, lambda z: 2 * sigmoid(z) - 1, "the argument is 2z")


def test_tanh_without_the_factor_two_fails():
    fails_with(ch02.tanh, lambda z: sigmoid(2 * z) - 1, "multiply the sigmoid by 2")


def test_tanh_on_a_naive_sigmoid_fails():
    fails_with(ch02.tanh, lambda z: 2 / (1 + np.exp(-2 * z)) - 1, "warned: overflow",
               "call your stable sigmoid")


# ---------------------------------------------------------------- derivatives

def test_sigmoid_grad_without_sigmoid_fails():
    fails_with(ch02.sigmoid_grad, lambda z: z * (1 - z), "expected sigmoid_grad(z)[0] = 0.104994",
               "apply the sigmoid first")


def test_sigmoid_grad_returning_sigmoid_fails():
    fails_with(ch02.sigmoid_grad, sigmoid, "that is the sigmoid; its derivative")


def test_relu_grad_one_at_zero_fails():
    fails_with(ch02.relu_grad, lambda z: (np.asarray(z) >= 0).astype(float),
               "at z = 0 use 0, as libraries do")


def test_relu_grad_returning_relu_fails():
    fails_with(ch02.relu_grad, relu, "that is relu itself")


def test_leaky_relu_grad_copied_from_relu_fails():
    fails_with(ch02.leaky_relu_grad, lambda z, alpha=0.01: (z > 0).astype(float),
               "for z <= 0 the slope is alpha")


def test_leaky_relu_grad_ignoring_alpha_fails():
    fails_with(ch02.leaky_relu_grad, lambda z, alpha=0.01: np.where(z > 0, 1.0, 0.01),
               "alpha = 0.1", "use the alpha you are given")


def test_tanh_grad_without_tanh_fails():
    fails_with(ch02.tanh_grad, lambda z: 1 - z ** 2, "apply tanh first")


def test_tanh_grad_without_square_fails():
    fails_with(ch02.tanh_grad, lambda z: 1 - np.tanh(z), "square it")


# ---------------------------------------------------------------- numerical derivative

def test_forward_difference_fails():
    fails_with(ch02.numerical_derivative, lambda f, z, eps=1e-5: (f(z + eps) - f(z)) / eps,
               "f = z ** 3", "use the centred difference")


def test_dividing_by_eps_fails():
    fails_with(ch02.numerical_derivative,
               lambda f, z, eps=1e-5: (f(z + eps) - f(z - eps)) / eps, "divide by 2 * eps")


def test_missing_parentheses_fail():
    fails_with(ch02.numerical_derivative,
               lambda f, z, eps=1e-5: (f(z + eps) - f(z - eps)) / 2 * eps,
               "write / (2 * eps)")


def test_ignoring_eps_fails():
    fails_with(ch02.numerical_derivative,
               lambda f, z, eps=1e-5: (f(z + 1e-5) - f(z - 1e-5)) / 2e-5,
               "eps = 0.01", "use the eps you are given")


def test_nudging_z_in_place_fails():
    def in_place(f, z, eps=1e-5):
        z += eps
        f_plus = f(z)
        z -= 2 * eps
        f_minus = f(z)
        return (f_plus - f_minus) / (2 * eps)

    fails_with(ch02.numerical_derivative, in_place, "changed z", "do not write z += eps")


# ---------------------------------------------------------------- derivative error

def test_derivative_error_values_by_hand():
    # relu at a kink: numeric 0.5 at z = 0, analytic 0; scale 1 -> 0.5.
    from nnedu.activations import relu as relu_lib
    from nnedu.activations import relu_grad as relu_grad_lib

    assert derivative_error(relu_lib, relu_grad_lib, np.array([-1.0, 0.0, 2.0])) == \
        pytest.approx(0.5)
    # A derivative 1 % too big: |1.01 g - g| / (1.01 g) at the largest g.
    assert derivative_error(np.sin, lambda z: 1.01 * np.cos(z), np.array([0.0])) == \
        pytest.approx(0.01 / 1.01, rel=1e-6)


def test_absolute_error_fails():
    def absolute(f, f_grad, z):
        return float(np.max(np.abs(numerical_derivative(f, z) - f_grad(z))))

    fails_with(ch02.derivative_error, absolute, "twice too big", "divide by the scale")


def test_mean_instead_of_max_fails():
    def mean(f, f_grad, z):
        numeric, analytic = numerical_derivative(f, z), f_grad(z)
        return float(np.mean(np.abs(numeric - analytic))
                     / max(np.max(np.abs(numeric)), np.max(np.abs(analytic))))

    fails_with(ch02.derivative_error, mean, "not the mean")


def test_elementwise_errors_fail():
    def per_entry(f, f_grad, z):
        numeric, analytic = numerical_derivative(f, z), f_grad(z)
        return np.abs(numeric - analytic) / np.maximum(np.abs(numeric), 1e-12)

    fails_with(ch02.derivative_error, per_entry, "expected one number", "np.max")

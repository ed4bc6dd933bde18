"""Tests of nnedu.gradcheck: numerical gradients, relative error, verdicts, layer checks."""

import numpy as np
import pytest

from nnedu.gradcheck import (
    check_gradients,
    check_layer,
    numerical_gradient,
    rel_error,
    verdict,
)


def test_numerical_gradient_of_a_quadratic():
    # f(x) = sum(x^2) + x_00 * x_11 -> grad = 2x + (x_11 at 00, x_00 at 11)
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    grad = numerical_gradient(lambda x: np.sum(x ** 2) + x[0, 0] * x[1, 1], x)
    np.testing.assert_allclose(grad, [[2.0 + 3.0, -4.0], [1.0, 6.0 + 1.0]], atol=1e-9)


def test_numerical_gradient_restores_x():
    x = np.array([0.1, 0.2, 0.3])
    before = x.copy()
    numerical_gradient(lambda x: np.sum(np.sin(x)), x)
    np.testing.assert_array_equal(x, before)


def test_numerical_gradient_error_is_of_order_eps_squared():
    # d/dx x^3 = 3 at x = 1; the centred difference is 3 + eps^2 exactly
    x = np.array([1.0])
    grad = numerical_gradient(lambda x: x[0] ** 3, x, eps=1e-3)
    assert grad[0] == pytest.approx(3.0 + 1e-6, abs=1e-10)


def test_numerical_gradient_needs_a_float_array_and_a_scalar_f():
    with pytest.raises(TypeError, match="float64 NumPy array, but got ndarray of dtype int64"):
        numerical_gradient(np.sum, np.array([1, 2], dtype=np.int64))
    with pytest.raises(TypeError, match="but got list"):
        numerical_gradient(np.sum, [1.0, 2.0])
    with pytest.raises(ValueError, match=r"returned an array of shape \(2,\)"):
        numerical_gradient(lambda x: x * 2, np.array([1.0, 2.0]))


def test_rel_error_values():
    assert rel_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert rel_error([1.0, 2.0], [1.0, 2.2]) == pytest.approx(0.2 / 2.2)
    assert rel_error([0.0, 0.0], [0.0, 0.0]) == 0.0
    assert rel_error([1e-3, 100.0], [2e-3, 100.0]) == pytest.approx(1e-5)
    with pytest.raises(ValueError, match=r"shapes \(2,\) and \(3,\)"):
        rel_error([1.0, 2.0], [1.0, 2.0, 3.0])


def test_verdicts():
    assert [verdict(e) for e in (1e-9, 1e-6, 1e-2)] == ["good", "suspicious", "wrong"]


def test_check_gradients_finds_a_wrong_gradient():
    w = np.array([[1.0, 2.0], [-0.5, 0.3]])
    b = np.array([0.1, -0.2])

    def loss():
        return np.sum((w @ np.array([1.0, 2.0]) + b) ** 2)

    y = w @ np.array([1.0, 2.0]) + b
    right = {"w": np.outer(2 * y, [1.0, 2.0]), "b": 2 * y}
    report = check_gradients(loss, {"w": w, "b": b}, right)
    assert report.ok and report["w"].verdict == "good" and report["b"].rel_error < 1e-9
    wrong = {"w": right["w"], "b": y}  # forgot the factor 2
    report = check_gradients(loss, {"w": w, "b": b}, wrong)
    assert not report.ok
    assert report["b"].verdict == "wrong" and report["w"].verdict == "good"
    text = str(report)
    assert "parameter" in text and "wrong" in text and "(2, 2)" in text


def test_check_gradients_reports_missing_or_misshapen_gradients():
    w = np.ones(3)
    with pytest.raises(ValueError, match=r"no analytic gradient for \['w'\]"):
        check_gradients(lambda: np.sum(w), {"w": w}, {})
    with pytest.raises(ValueError, match=r"shape of 'w', \(3,\), but has shape \(2,\)"):
        check_gradients(lambda: np.sum(w), {"w": w}, {"w": np.ones(2)})


class TinyDense:
    """A minimal layer with the nnedu contract: y = tanh(x @ kernel + bias)."""

    def __init__(self, bug=False):
        rng = np.random.default_rng(0)
        self.params = {"kernel": rng.standard_normal((3, 2)), "bias": rng.standard_normal(2)}
        self.grads = {}
        self.bug = bug

    def forward(self, x, training=False):
        self.x = x
        self.y = np.tanh(x @ self.params["kernel"] + self.params["bias"])
        return self.y

    def backward(self, dy):
        dz = dy * (1 - self.y ** 2)
        self.grads["kernel"] = self.x.T @ dz
        self.grads["bias"] = dz.sum(axis=0) * (2 if self.bug else 1)
        return dz @ self.params["kernel"].T


def test_check_layer_passes_a_correct_layer():
    x = np.random.default_rng(1).standard_normal((4, 3))
    report = check_layer(TinyDense(), x)
    assert list(report) == ["x", "kernel", "bias"]
    assert report.ok
    assert max(r.rel_error for r in report.values()) < 1e-7


def test_check_layer_catches_a_bug():
    x = np.random.default_rng(1).standard_normal((4, 3))
    report = check_layer(TinyDense(bug=True), x)
    assert report["bias"].verdict == "wrong"
    assert report["kernel"].verdict == "good" and report["x"].verdict == "good"


def test_check_layer_without_parameters():
    class Square:
        def forward(self, x, training=False):
            self.x = x
            return x ** 2

        def backward(self, dy):
            return 2 * self.x * dy

    report = check_layer(Square(), np.array([[1.0, -2.0, 0.5]]))
    assert list(report) == ["x"] and report.ok


def test_check_gradients_checks_every_shape_before_calling_f():
    calls = []
    w, b = np.ones(3), np.ones(2)

    def loss():
        calls.append(1)
        return np.sum(w) + np.sum(b)

    with pytest.raises(ValueError, match=r"gradient of 'b' must have the shape of 'b', \(2,\)"):
        check_gradients(loss, {"w": w, "b": b}, {"w": np.ones(3), "b": np.ones(5)})
    assert calls == []  # refused before any arithmetic


def test_numerical_gradient_of_a_non_smooth_function_is_flagged_suspicious_or_wrong():
    # |x| at x = 1e-6 < eps: the centred difference straddles the kink
    x = np.array([1e-6])
    numeric = numerical_gradient(lambda x: np.sum(np.abs(x)), x)
    assert numeric[0] == pytest.approx(0.1)  # (1e-6 + 1e-5 - (1e-5 - 1e-6)) / 2e-5
    assert verdict(rel_error(numeric, np.sign(x))) == "wrong"


class _DeviceLikeArray:
    """A float64 array that is not a NumPy ndarray (as a CuPy array is not)."""

    def __init__(self, values):
        self._values = np.array(values, dtype=np.float64)
        self.dtype, self.shape = self._values.dtype, self._values.shape

    def __getitem__(self, index):
        return self._values[index]

    def __setitem__(self, index, value):
        self._values[index] = value

    def __array__(self, dtype=None, copy=None):
        return self._values if dtype is None else self._values.astype(dtype)


def test_numerical_gradient_takes_float_arrays_that_are_not_ndarrays():
    x = _DeviceLikeArray([1.0, -2.0, 0.5])
    grad = numerical_gradient(lambda v: float(np.sum(np.asarray(v) ** 3)), x)
    np.testing.assert_allclose(grad, 3 * np.array([1.0, -2.0, 0.5]) ** 2, rtol=1e-8)
    np.testing.assert_array_equal(np.asarray(x), [1.0, -2.0, 0.5])      # restored

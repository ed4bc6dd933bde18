"""Tests of nnedu.activations: values, derivatives, stability, look-up by name."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnedu import activations as act
from nnedu.gradcheck import numerical_gradient, rel_error

ELEMENTWISE = [name for name in act.ACTIVATIONS if name != "softmax"]

# Points away from 0, where relu, leaky_relu, elu and selu have kinks.
Z = np.array([-3.7, -1.2, -0.4, 0.3, 0.9, 2.5])


# --------------------------------------------------------------- known values

def test_sigmoid_values_and_slope_at_zero():
    assert float(act.sigmoid(0.0)) == 0.5
    assert float(act.sigmoid_grad(0.0)) == 0.25
    assert float(act.sigmoid(2.0)) == pytest.approx(1 / (1 + math.exp(-2.0)), abs=1e-15)


def test_tanh_slope_at_zero_is_one():
    assert float(act.tanh_grad(0.0)) == 1.0


def test_relu_and_its_derivative():
    np.testing.assert_array_equal(act.relu([-2.0, 0.0, 3.0]), [0.0, 0.0, 3.0])
    np.testing.assert_array_equal(act.relu_grad([-2.0, 0.0, 3.0]), [0.0, 0.0, 1.0])


def test_leaky_relu_default_slope_is_0_01():
    np.testing.assert_allclose(act.leaky_relu([-2.0, 3.0]), [-0.02, 3.0])
    np.testing.assert_allclose(act.leaky_relu_grad([-2.0, 3.0]), [0.01, 1.0])
    np.testing.assert_allclose(act.leaky_relu(-2.0, alpha=0.1), -0.2)


def test_elu_value():
    assert float(act.elu(-1.0)) == pytest.approx(math.exp(-1) - 1, abs=1e-15)
    assert float(act.elu(-1.0, alpha=2.0)) == pytest.approx(2 * (math.exp(-1) - 1), abs=1e-15)


def test_selu_constants():
    assert act.SELU_ALPHA == pytest.approx(1.6732632423543772, abs=1e-15)
    assert act.SELU_SCALE == pytest.approx(1.0507009873554805, abs=1e-15)
    assert float(act.selu(1.0)) == pytest.approx(1.0507009873554805, abs=1e-15)
    # the negative limit is -scale * alpha
    assert float(act.selu(-50.0)) == pytest.approx(-1.0507009873554805 * 1.6732632423543772)


def test_gelu_is_exact_erf_form():
    for z in [-2.5, -0.3, 0.0, 0.7, 3.0]:
        exact = 0.5 * z * (1 + math.erf(z / math.sqrt(2)))
        assert abs(float(act.gelu(z)) - exact) <= 1e-15
    # about 0.8413 at 1: 1 * Phi(1); the tanh approximation gives 0.8412
    assert float(act.gelu(1.0)) == pytest.approx(0.8413447460685429, abs=1e-12)


def test_swish_silu_mish_softplus_values():
    assert act.silu is act.swish
    assert float(act.swish(1.0)) == pytest.approx(1 / (1 + math.exp(-1)), abs=1e-15)
    assert float(act.softplus(0.0)) == pytest.approx(math.log(2), abs=1e-15)
    assert float(act.mish(1.0)) == pytest.approx(math.tanh(math.log1p(math.e)), abs=1e-15)
    assert float(act.mish_grad(0.0)) == pytest.approx(0.6, abs=1e-15)  # tanh(log 2) = 0.6


def test_linear_is_identity_and_copies():
    z = np.array([1.0, -2.0])
    out = act.linear(z)
    np.testing.assert_array_equal(out, z)
    out[0] = 5.0
    assert z[0] == 1.0


@given(st.floats(-20, 20))
@settings(max_examples=50, deadline=None)
def test_tanh_is_a_rescaled_sigmoid(z):
    assert float(act.tanh(z)) == pytest.approx(2 * float(act.sigmoid(2 * z)) - 1, abs=1e-12)


def test_accepts_scalars_and_lists_returns_float64_and_keeps_float32():
    out = act.relu([1, -2, 3])
    assert out.dtype == np.float64 and out.shape == (3,)
    assert np.ndim(act.sigmoid(0)) == 0
    assert act.tanh(np.zeros((2, 3), dtype=np.float32)).dtype == np.float32


# ------------------------------------------------------ derivatives, numerically

@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_numerical_gradient(name):
    f, f_grad = act.get(name), act.get_grad(name)
    z = Z.copy()
    numeric = numerical_gradient(lambda z: np.sum(f(z)), z)
    assert rel_error(numeric, f_grad(Z)) < 1e-7


@pytest.mark.parametrize("alpha", [0.1, 0.3])
def test_parametrised_derivatives_match_numerical_gradient(alpha):
    for f, f_grad in [(act.leaky_relu, act.leaky_relu_grad), (act.elu, act.elu_grad)]:
        z = Z.copy()
        numeric = numerical_gradient(lambda z, f=f: np.sum(f(z, alpha=alpha)), z)
        assert rel_error(numeric, f_grad(Z, alpha=alpha)) < 1e-7


def test_softmax_jacobian_matches_numerical_gradient():
    z = np.array([[0.5, -1.0, 2.0, 0.1], [3.0, 0.0, -2.0, 1.0]])
    jac = act.softmax_grad(z)
    assert jac.shape == (2, 4, 4)
    for n in range(2):
        for i in range(4):  # row i of sample n's Jacobian = gradient of p[n, i]
            zn = z[n].copy()
            numeric = numerical_gradient(lambda v, i=i: act.softmax(v)[i], zn)
            assert rel_error(numeric, jac[n, i]) < 1e-7


def test_softmax_jacobian_is_diag_p_minus_p_outer_p():
    p = act.softmax([1.0, 2.0, 3.0])
    np.testing.assert_allclose(act.softmax_grad([1.0, 2.0, 3.0]), np.diag(p) - np.outer(p, p),
                               atol=1e-15)


def test_softmax_backward_through_the_jacobian():
    # the recipe in the module docstring: dz = einsum("nij,ni->nj", J, dy)
    rng = np.random.default_rng(0)
    z, dy = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    dz = np.einsum("nij,ni->nj", act.softmax_grad(z), dy)
    numeric = numerical_gradient(lambda z: np.sum(act.softmax(z) * dy), z.copy())
    assert rel_error(numeric, dz) < 1e-7
    p = act.softmax(z)  # the same in closed form: p * (dy - sum(p * dy))
    np.testing.assert_allclose(dz, p * (dy - np.sum(p * dy, axis=1, keepdims=True)), atol=1e-15)


def test_softmax_jacobian_along_axis_0():
    z = np.array([[0.5, -1.0], [2.0, 0.1], [3.0, 0.0]])  # K = 3 down the columns
    np.testing.assert_allclose(act.softmax_grad(z, axis=0), act.softmax_grad(z.T), atol=1e-15)


# ---------------------------------------------------------------------- softmax

finite_rows = arrays(np.float64, (3, 5), elements=st.floats(-50, 50))


@given(finite_rows, st.floats(-100, 100))
@settings(max_examples=50, deadline=None)
def test_softmax_sums_to_one_and_is_shift_invariant(z, c):
    p = act.softmax(z)
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-12)
    assert np.all(p >= 0)
    np.testing.assert_allclose(act.softmax(z + c), p, rtol=1e-9, atol=1e-300)


def test_softmax_worked_example_and_axis():
    np.testing.assert_allclose(act.softmax([1.0, 2.0, 3.0]),
                               [0.09003057317038046, 0.24472847105479764, 0.6652409557748219],
                               rtol=1e-12)
    z = np.array([[1.0, 2.0], [3.0, 5.0]])
    np.testing.assert_allclose(act.softmax(z, axis=0).sum(axis=0), [1.0, 1.0])


# -------------------------------------------------------------------- stability

def test_no_warnings_and_finite_at_large_inputs():
    z = np.array([-1e4, -1000.0, -50.0, 0.0, 50.0, 1000.0, 1e4])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in act.ACTIVATIONS:
            assert np.all(np.isfinite(act.get(name)(z))), name
            assert np.all(np.isfinite(act.get_grad(name)(z))), name


def test_extreme_values_are_the_exact_limits():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert float(act.sigmoid(-1000.0)) == 0.0
        assert float(act.sigmoid(1000.0)) == 1.0
        assert float(act.softplus(1000.0)) == 1000.0
        assert float(act.softplus(-1000.0)) == 0.0
        assert float(act.gelu(1e4)) == 1e4 and float(act.gelu(-1e4)) == 0.0
        assert float(act.swish(1e4)) == 1e4 and float(act.mish(-1e4)) == 0.0
        p = act.softmax([1000.0, 0.0, -1000.0])
        np.testing.assert_array_equal(p, [1.0, 0.0, 0.0])


# ------------------------------------------------------------------------ get()

def test_get_returns_functions_by_keras_name():
    assert act.get("relu") is act.relu
    assert act.get("silu") is act.swish
    assert act.get(None) is act.linear
    assert act.get_grad("tanh") is act.tanh_grad
    assert act.get_grad(None) is act.linear_grad
    assert act.get(act.sigmoid) is act.sigmoid
    assert act.get_grad(act.sigmoid) is act.sigmoid_grad


def test_get_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match=r"unknown activation 'relux'; valid names: .*'relu'"):
        act.get("relux")


def test_get_grad_of_foreign_function_explains():
    with pytest.raises(ValueError, match="not an nnedu activation"):
        act.get_grad(np.sin)


def test_get_rejects_non_strings():
    with pytest.raises(TypeError, match="got int"):
        act.get(3)


def test_non_numeric_input_is_a_type_error():
    with pytest.raises(TypeError, match="z must be an array of numbers, but got str"):
        act.relu("abc")
    with pytest.raises(TypeError, match="dtype object"):
        act.sigmoid([1.0, None])


# |z| <= 3: further out the slopes of tanh and sigmoid are so small (1.8e-4 at z = 5) that the
# rounding error of the centred difference, ~1e-16 / eps, is itself ~1e-7 of the slope. The
# saturated regime is checked against its exact limits below.
away_from_kinks = arrays(np.float64, (6,), elements=st.floats(-3, 3).filter(lambda v: abs(v) > 0.01))


@pytest.mark.parametrize("name", ELEMENTWISE)
@given(z=away_from_kinks)
@settings(max_examples=15, deadline=None)
def test_derivative_matches_numerical_gradient_anywhere(name, z):
    f, f_grad = act.get(name), act.get_grad(name)
    numeric = numerical_gradient(lambda v: np.sum(f(v)), z.copy())
    assert rel_error(numeric, f_grad(z)) < 1e-7


def test_float32_extreme_inputs_stay_float32_without_warnings():
    # float32 stays float32 (a float32 network computes in float32 end to end)
    z = np.array([-1e4, -100.0, 0.0, 100.0, 1e4], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in act.ACTIVATIONS:
            out, slope = act.get(name)(z), act.get_grad(name)(z)
            assert out.dtype == np.float32 and slope.dtype == np.float32, name
            assert np.all(np.isfinite(out)) and np.all(np.isfinite(slope)), name
    expected = np.array([0.0, act.sigmoid(-100.0), 0.5, act.sigmoid(100.0), 1.0], np.float32)
    np.testing.assert_array_equal(act.sigmoid(z), expected)


def test_derivatives_at_extreme_inputs_are_the_limits():
    z = np.array([-1e4, 1e4])
    np.testing.assert_array_equal(act.sigmoid_grad(z), [0.0, 0.0])
    np.testing.assert_array_equal(act.tanh_grad(z), [0.0, 0.0])
    np.testing.assert_array_equal(act.softplus_grad(z), [0.0, 1.0])
    np.testing.assert_array_equal(act.gelu_grad(z), [0.0, 1.0])
    np.testing.assert_array_equal(act.swish_grad(z), [0.0, 1.0])
    np.testing.assert_array_equal(act.elu_grad(z), [0.0, 1.0])
    np.testing.assert_allclose(act.selu_grad(z), [0.0, act.SELU_SCALE], rtol=1e-15)


def test_hand_computed_derivatives():
    s1 = 1 / (1 + math.exp(-1.0))
    assert float(act.swish_grad(1.0)) == pytest.approx(s1 + s1 * (1 - s1), abs=1e-15)
    assert float(act.elu_grad(-1.0)) == pytest.approx(math.exp(-1.0), abs=1e-15)
    # GELU'(0) = Phi(0) = 1/2; GELU'(1) = Phi(1) + phi(1) = 0.8413... + 0.2420...
    assert float(act.gelu_grad(0.0)) == 0.5
    assert float(act.gelu_grad(1.0)) == pytest.approx(0.8413447460685429 + 0.24197072451914337,
                                                      abs=1e-12)
    assert float(act.softplus_grad(0.0)) == 0.5
    assert float(act.selu_grad(-1.0)) == pytest.approx(
        act.SELU_SCALE * act.SELU_ALPHA * math.exp(-1.0), abs=1e-15)


# ------------------------------------------------------------------------ erf, erfc

def _erf_points():
    """~10^5 points: a fine grid over [-30, 30], both tails on a log scale, the region ends."""
    tails = np.geomspace(1e-300, 40.0, 10_000)
    edges = np.array([0.0, 0.46875, 0.46875 + 1e-12, 4.0, 4.0 + 1e-12, 26.543, 26.6, 1e300])
    grid = np.linspace(-30.0, 30.0, 80_001)
    return np.concatenate([grid, tails, -tails, edges, -edges])


def test_erf_is_math_erf_to_1e_12_everywhere():
    x = _erf_points()
    reference = np.array([math.erf(v) for v in x])
    error = np.abs(act.erf(x) - reference) / np.maximum(np.abs(reference), 1e-300)
    assert error.max() < 1e-12, x[error.argmax()]
    assert act.erf(np.inf) == 1.0 and act.erf(-np.inf) == -1.0


def test_erfc_is_math_erfc_to_1e_12_also_in_the_tails():
    x = _erf_points()
    reference = np.array([math.erfc(v) for v in x])
    got = act.erfc(x)
    normal_size = reference > 1e-300          # below that, float64 itself has no digits left
    error = np.abs(got - reference) / np.maximum(reference, 1e-300)
    assert error[normal_size].max() < 1e-12, x[normal_size][error[normal_size].argmax()]
    assert np.abs(got - reference)[~normal_size].max() < 1e-300
    assert float(act.erfc(10.0)) == pytest.approx(2.088487583762545e-45, rel=1e-12)


def test_gelu_tails_are_exact_where_1_plus_erf_cancels():
    # Phi(-10) = 7.6e-24: 1 + erf(-10 / sqrt 2) rounds to 0, erfc keeps every digit
    assert float(act.gelu(-10.0)) == pytest.approx(-10 * 0.5 * math.erfc(10 / math.sqrt(2)),
                                                   rel=1e-12)


def test_erf_and_gelu_are_vectorized_and_fast():
    # CPU time of this process (the best of 3), so that a busy machine does not count;
    # np.frompyfunc(math.erf) took 0.5 s here, the vectorized form about 0.04 s
    import time

    z = np.random.default_rng(0).normal(size=1_000_000) * 3
    for f in (act.gelu, act.gelu_grad):
        best = min(_cpu_seconds(f, z, time) for _ in range(3))
        assert best < 0.1, f"{f.__name__} took {best:.3f} s of CPU on 1e6 numbers"


def _cpu_seconds(f, z, time):
    start = time.process_time()
    f(z)
    return time.process_time() - start


def test_softmax_of_an_empty_axis_is_a_clear_error():
    with pytest.raises(ValueError, match=r"needs at least one there, but got an array of "
                                         r"shape \(0,\)"):
        act.softmax([])
    with pytest.raises(ValueError, match=r"shape \(3, 0\)"):
        act.softmax(np.zeros((3, 0)))
    assert act.softmax(np.zeros((0, 4))).shape == (0, 4)   # an empty batch is fine


def test_activations_go_through_the_array_module_xp():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(act))
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    assert "np" not in names and "numpy" not in names
    assert "frompyfunc" not in inspect.getsource(act)

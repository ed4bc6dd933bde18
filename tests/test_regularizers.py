"""Tests for nnedu.regularizers: penalty values, gradients, MaxNorm, lookup and configs."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnedu import regularizers
from nnedu.backend import to_numpy
from nnedu.gradcheck import numerical_gradient, rel_error
from nnedu.regularizers import L1, L1L2, L2, MaxNorm

W = np.array([[1.0, -2.0], [0.5, 0.0]])


def test_penalty_values_by_hand():
    assert L1(0.1)(W) == pytest.approx(0.1 * 3.5)           # |1| + |-2| + |0.5| + |0|
    assert L2(0.1)(W) == pytest.approx(0.1 * 5.25)          # 1 + 4 + 0.25 + 0
    assert L1L2(0.1, 0.2)(W) == pytest.approx(0.35 + 0.2 * 5.25)
    assert L1L2()(W) == 0.0                                 # Keras' defaults: both 0


def test_defaults_follow_keras():
    assert L1().l1 == 0.01 and L2().l2 == 0.01
    assert (L1L2().l1, L1L2().l2) == (0.0, 0.0)
    assert (MaxNorm().max_value, MaxNorm().axis) == (2.0, 0)


def test_gradients_by_hand():
    np.testing.assert_array_equal(L1(0.1).gradient(W), 0.1 * np.array([[1, -1], [1, 0]]))
    np.testing.assert_array_equal(L2(0.1).gradient(W), 0.2 * W)
    np.testing.assert_allclose(L1L2(0.1, 0.2).gradient(W), to_numpy(L1(0.1).gradient(W)) + 0.4 * W)


@settings(max_examples=25, deadline=None)
@given(weights=arrays(np.float64, (3, 4), elements=st.floats(-3, 3).filter(
    lambda v: abs(v) > 1e-3)), l1=st.floats(0, 1), l2=st.floats(0, 1))
def test_gradients_match_numerical_gradients(weights, l1, l2):
    for reg in (L1(l1), L2(l2), L1L2(l1, l2)):
        numeric = numerical_gradient(lambda w, reg=reg: reg(w), weights.copy(), eps=1e-6)
        assert rel_error(reg.gradient(weights), numeric) < 1e-6 or np.abs(numeric).max() < 1e-9


def test_course_formula_is_keras_l2_with_lambda_over_2m():
    lam, m = 0.7, 50                                    # lambda / (2 m) * sum ||W||^2
    assert L2(lam / (2 * m))(W) == pytest.approx(lam / (2 * m) * np.sum(W ** 2))


def test_max_norm_clips_long_columns_only():
    kernel = np.array([[3.0, 0.3], [4.0, 0.4]])          # column norms 5 and 0.5
    clipped = MaxNorm(2.0)(kernel)
    np.testing.assert_allclose(clipped[:, 0], [1.2, 1.6])  # rescaled to norm 2
    np.testing.assert_array_equal(clipped[:, 1], [0.3, 0.4])
    np.testing.assert_array_equal(kernel[:, 0], [3.0, 4.0])  # the input is not modified


def test_max_norm_per_conv_filter():
    kernel = np.random.default_rng(0).normal(size=(3, 3, 2, 4)) * 5
    clipped = MaxNorm(1.0, axis=[0, 1, 2])(kernel)
    norms = np.sqrt(np.sum(clipped ** 2, axis=(0, 1, 2)))
    np.testing.assert_allclose(norms, 1.0)
    zero = MaxNorm(1.0)(np.zeros((2, 2)))                  # no division by zero
    np.testing.assert_array_equal(zero, 0.0)


def test_get_by_name_object_config_and_none():
    assert regularizers.get(None) is None
    assert isinstance(regularizers.get("l1"), L1)
    assert isinstance(regularizers.get("L2"), L2)
    assert isinstance(regularizers.get("l1l2"), L1L2)
    assert isinstance(regularizers.get("max_norm"), MaxNorm)
    reg = L2(0.3)
    assert regularizers.get(reg) is reg
    for obj in (L1(0.2), L2(0.05), L1L2(0.1, 0.2), MaxNorm(3.0, axis=[0, 1, 2])):
        rebuilt = regularizers.get(regularizers.serialize(obj))
        assert type(rebuilt) is type(obj) and rebuilt.get_config() == obj.get_config()
    assert regularizers.serialize(None) is None


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="unknown regularizer 'l3'"):
        regularizers.get("l3")
    with pytest.raises(TypeError, match="got int"):
        regularizers.get(3)
    with pytest.raises(ValueError, match="l2 must be >= 0"):
        L2(-0.1)
    with pytest.raises(ValueError, match="max_value must be > 0"):
        MaxNorm(0)
    with pytest.raises(ValueError, match="class_name"):
        regularizers.get({"class_name": "Dropout"})

"""Tests of nnedu.losses: hand-computed values, numerical gradients, validation."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnedu import losses
from nnedu.activations import sigmoid, softmax
from nnedu.backend import to_numpy, xp
from nnedu.gradcheck import numerical_gradient, rel_error

Y_ONEHOT = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
P = np.array([[0.2, 0.7, 0.1], [0.5, 0.25, 0.25]])


def _numeric(loss, y_true, y_pred):
    """Numerical gradient of loss(y_true, .) at y_pred."""
    return numerical_gradient(lambda p: loss(y_true, p), np.array(y_pred, dtype=np.float64))


# ------------------------------------------------------------ hand-made values

def test_mse_is_the_mean_of_squared_errors():
    # errors 1, -2, 0, 3 -> squares 1, 4, 0, 9 -> mean 3.5
    assert losses.mse([[1.0, 2.0], [3.0, 4.0]], [[2.0, 0.0], [3.0, 7.0]]) == 3.5
    np.testing.assert_allclose(losses.mse.gradient([[1.0, 2.0]], [[2.0, 0.0]]), [[1.0, -2.0]])


def test_mae_is_the_mean_of_absolute_errors():
    assert losses.mae([1.0, 2.0, 3.0, 4.0], [2.0, 0.0, 3.0, 7.0]) == 1.5
    np.testing.assert_allclose(losses.mae.gradient([1.0, 2.0, 3.0, 4.0], [2.0, 0.0, 3.0, 7.0]),
                               [0.25, -0.25, 0.0, 0.25])


def test_binary_crossentropy_value():
    expected = -(math.log(0.9) + math.log(1 - 0.2)) / 2
    assert losses.binary_crossentropy([1.0, 0.0], [0.9, 0.2]) == pytest.approx(expected,
                                                                               rel=1e-12)


def test_categorical_crossentropy_value():
    expected = -(math.log(0.7) + math.log(0.5)) / 2
    assert losses.categorical_crossentropy(Y_ONEHOT, P) == pytest.approx(expected, rel=1e-12)
    assert losses.sparse_categorical_crossentropy([1, 0], P) == pytest.approx(expected,
                                                                              rel=1e-12)


def test_hinge_value_and_zero_one_labels():
    # margins y*s = 2, -0.5, 0.5 -> max(0, 1 - m) = 0, 1.5, 0.5 -> mean 2/3
    assert losses.hinge([1.0, 1.0, -1.0], [2.0, -0.5, -0.5]) == pytest.approx(2 / 3)
    assert losses.hinge([1.0, 1.0, 0.0], [2.0, -0.5, -0.5]) == pytest.approx(2 / 3)


def test_confident_wrong_answer_costs_a_large_finite_loss():
    # p = 0 clipped to 1e-7: -log(1e-7) = 16.118...
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert losses.binary_crossentropy([1.0], [0.0]) == pytest.approx(-math.log(1e-7),
                                                                         rel=1e-6)
        assert losses.categorical_crossentropy([[0.0, 1.0]], [[1.0, 0.0]]) == pytest.approx(
            -math.log(1e-7), rel=1e-6)


def test_cross_entropy_is_not_symmetric():
    p, q = np.array([0.5, 0.5]), np.array([0.9, 0.1])
    h_pq = losses.categorical_crossentropy(p, q)  # -sum p log q
    h_qp = losses.categorical_crossentropy(q, p)  # -sum q log p
    assert h_pq == pytest.approx(-(0.5 * math.log(0.9) + 0.5 * math.log(0.1)), rel=1e-12)
    assert h_pq == pytest.approx(1.2039728043259361, rel=1e-12)
    assert h_qp == pytest.approx(math.log(2), rel=1e-12)  # 0.6931...
    assert h_pq != pytest.approx(h_qp)


def test_labels_of_shape_n_accepted_for_predictions_n_by_1():
    y, p = np.array([1.0, 0.0]), np.array([[0.9], [0.2]])
    assert losses.binary_crossentropy(y, p) == losses.binary_crossentropy(y[:, None], p)
    assert losses.binary_crossentropy.gradient(y, p).shape == (2, 1)
    assert losses.mse(y[:, None], p[:, 0]) == losses.mse(y, p[:, 0])
    assert losses.mse.gradient(y[:, None], p[:, 0]).shape == (2,)


# ----------------------------------------------------- properties of every loss

PAIRS = {  # name -> (y_true, y_pred), y_pred away from kinks and clip edges
    "mse": (Y_ONEHOT, P),
    "mae": (Y_ONEHOT, P),
    "binary_crossentropy": (Y_ONEHOT, P),
    "categorical_crossentropy": (Y_ONEHOT, P),
    "sparse_categorical_crossentropy": (np.array([1, 0]), P),
    "hinge": (np.array([[1.0, -1.0], [-1.0, 1.0]]), np.array([[0.3, 0.5], [-2.0, -0.4]])),
}


@pytest.mark.parametrize("name", list(PAIRS))
def test_gradient_matches_numerical_gradient(name):
    loss = losses.get(name)
    y_true, y_pred = PAIRS[name]
    grad = loss.gradient(y_true, y_pred)
    assert grad.shape == y_pred.shape
    assert rel_error(_numeric(loss, y_true, y_pred), grad) < 1e-7


@pytest.mark.parametrize("name", list(PAIRS))
def test_loss_is_a_float_and_not_negative(name):
    value = losses.get(name)(*PAIRS[name])
    assert isinstance(value, float) and value >= 0


@pytest.mark.parametrize("name", ["mse", "mae", "binary_crossentropy",
                                  "categorical_crossentropy"])
def test_perfect_prediction_costs_almost_nothing(name):
    value = losses.get(name)(Y_ONEHOT, Y_ONEHOT)
    assert value == pytest.approx(0.0, abs=1e-6)  # exactly 0 for mse/mae, ~1e-7 after clipping


def test_perfect_hinge_prediction_costs_nothing():
    assert losses.hinge([1.0, -1.0], [1.5, -3.0]) == 0.0
    np.testing.assert_array_equal(losses.hinge.gradient([1.0, -1.0], [1.5, -3.0]), [0.0, 0.0])


@given(arrays(np.float64, (4, 3), elements=st.floats(-5, 5)),
       arrays(np.float64, (4, 3), elements=st.floats(-5, 5)))
@settings(max_examples=30, deadline=None)
def test_mse_gradient_is_two_errors_over_n(y, p):
    np.testing.assert_allclose(losses.mse.gradient(y, p), 2 * (p - y) / 12, atol=1e-15)
    assert losses.mse(y, p) >= 0


# ---------------------------------------------------------------- from logits

LOGITS = np.array([[2.0, 1.0, 0.1], [0.5, -1.0, 3.0], [0.0, 0.0, 0.0]])
LABELS = np.array([0, 2, 1])


def test_softmax_cross_entropy_value_and_gradient_p_minus_y():
    loss, dlogits = losses.softmax_cross_entropy(LOGITS, LABELS)
    p, y = to_numpy(softmax(LOGITS)), np.eye(3)[LABELS]
    assert loss == pytest.approx(-np.mean(np.log(p[np.arange(3), LABELS])), rel=1e-12)
    np.testing.assert_allclose(dlogits, (p - y) / 3, atol=1e-15)
    # the same with one-hot labels
    loss_onehot, dlogits_onehot = losses.softmax_cross_entropy(LOGITS, y)
    assert loss_onehot == pytest.approx(loss, rel=1e-15)
    np.testing.assert_allclose(dlogits_onehot, dlogits, atol=1e-15)


def test_softmax_cross_entropy_gradient_numerically():
    z = LOGITS.copy()
    numeric = numerical_gradient(lambda z: losses.softmax_cross_entropy(z, LABELS)[0], z)
    assert rel_error(numeric, losses.softmax_cross_entropy(LOGITS, LABELS)[1]) < 1e-7


def test_softmax_cross_entropy_of_uniform_logits_is_log_k():
    loss, _ = losses.softmax_cross_entropy(np.zeros((2, 4)), [0, 3])
    assert loss == pytest.approx(math.log(4), rel=1e-15)


def test_softmax_cross_entropy_is_stable_for_huge_logits():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, dlogits = losses.softmax_cross_entropy([[1000.0, 0.0, -1000.0]], [2])
    assert loss == pytest.approx(2000.0)
    np.testing.assert_allclose(dlogits, [[1.0, 0.0, -1.0]], atol=1e-15)


def test_sigmoid_cross_entropy_matches_bce_and_its_gradient():
    z, y = np.array([[1.5], [-0.3], [0.2]]), np.array([[1.0], [0.0], [1.0]])
    loss, dlogits = losses.sigmoid_cross_entropy(z, y)
    assert loss == pytest.approx(losses.binary_crossentropy(y, sigmoid(z)), rel=1e-12)
    np.testing.assert_allclose(dlogits, (to_numpy(sigmoid(z)) - y) / 3, atol=1e-15)
    numeric = numerical_gradient(lambda z: losses.sigmoid_cross_entropy(z, y)[0], z.copy())
    assert rel_error(numeric, dlogits) < 1e-7


def test_sigmoid_cross_entropy_is_stable_for_huge_logits():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, _ = losses.sigmoid_cross_entropy([1000.0, -1000.0], [0.0, 1.0])
    assert loss == 1000.0


# ------------------------------------------------------------------------ get()

@pytest.mark.parametrize("name, cls", [
    ("mse", losses.MeanSquaredError), ("mean_squared_error", losses.MeanSquaredError),
    ("mae", losses.MeanAbsoluteError), ("mean_absolute_error", losses.MeanAbsoluteError),
    ("binary_crossentropy", losses.BinaryCrossentropy),
    ("categorical_crossentropy", losses.CategoricalCrossentropy),
    ("sparse_categorical_crossentropy", losses.SparseCategoricalCrossentropy),
    ("hinge", losses.Hinge),
])
def test_get_by_keras_name(name, cls):
    loss = losses.get(name)
    assert isinstance(loss, cls)
    assert loss.name == cls.name


def test_get_passes_loss_objects_through():
    assert losses.get(losses.mse) is losses.mse
    assert isinstance(losses.get(losses.Hinge), losses.Hinge)
    assert losses.mse.name == "mean_squared_error"


def test_get_unknown_name():
    with pytest.raises(ValueError, match=r"unknown loss 'msee'; valid names: .*'mse'"):
        losses.get("msee")
    with pytest.raises(TypeError, match="got int"):
        losses.get(3)


# ------------------------------------------------------------------ validation

def test_mismatched_shapes_name_both():
    with pytest.raises(ValueError, match=r"y_true has shape \(2, 3\) and y_pred has shape "
                                         r"\(2, 2\)"):
        losses.mse(np.zeros((2, 3)), np.zeros((2, 2)))


def test_label_out_of_range_names_label_and_k():
    with pytest.raises(ValueError, match=r"label 3 is out of range: with K=3 classes"):
        losses.sparse_categorical_crossentropy([1, 3], P)
    with pytest.raises(ValueError, match=r"label -1 is out of range: with K=3 classes"):
        losses.softmax_cross_entropy(LOGITS, [0, -1, 1])


def test_non_integer_labels_are_rejected():
    with pytest.raises(ValueError, match="whole numbers, but got 0.5"):
        losses.sparse_categorical_crossentropy([0.5, 1], P)


def test_nan_is_rejected():
    with pytest.raises(ValueError, match=r"y_pred contains nan at index \(0, 1\)"):
        losses.mse(Y_ONEHOT, [[0.1, np.nan, 0.2], [0.0, 0.0, 0.0]])
    with pytest.raises(ValueError, match="logits contains nan"):
        losses.softmax_cross_entropy([[np.nan, 0.0]], [0])


def test_logits_given_as_probabilities_are_caught():
    with pytest.raises(ValueError, match="are these logits"):
        losses.categorical_crossentropy(Y_ONEHOT, LOGITS[:2])


def test_hinge_rejects_other_labels():
    with pytest.raises(ValueError, match=r"labels in \{-1, \+1\}"):
        losses.hinge([2.0, 1.0], [0.5, 0.5])


def test_integer_labels_given_to_a_one_hot_loss_are_explained():
    with pytest.raises(ValueError, match=r"y_true of shape \(2,\) looks like integer class "
                                         r"labels.*sparse_categorical_crossentropy.*one_hot"):
        losses.categorical_crossentropy([1, 0], P)
    with pytest.raises(ValueError, match="looks like integer class labels"):
        losses.categorical_crossentropy.gradient([1, 0], P)


def test_empty_predictions_are_refused_before_arithmetic():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"y_pred is empty \(shape \(0, 3\)\)"):
            losses.sparse_categorical_crossentropy(np.zeros(0), np.zeros((0, 3)))
        with pytest.raises(ValueError, match=r"y_pred is empty \(shape \(0,\)\)"):
            losses.mse([], [])
        with pytest.raises(ValueError, match=r"logits is empty \(shape \(0, 3\)\)"):
            losses.softmax_cross_entropy(np.zeros((0, 3)), np.zeros(0))


# ------------------------------------------- property tests (hypothesis) for every loss

probabilities = arrays(np.float64, (4, 3), elements=st.floats(0.0, 1.0))
scores = arrays(np.float64, (4, 3), elements=st.floats(-20, 20))
zero_one = arrays(np.float64, (4, 3), elements=st.sampled_from([0.0, 1.0]))
class_labels = arrays(np.int64, (4,), elements=st.integers(0, 2))


@given(zero_one, probabilities)
@settings(max_examples=40, deadline=None)
def test_regression_and_binary_losses_are_never_negative(y, p):
    for name in ["mse", "mae", "binary_crossentropy"]:
        assert losses.get(name)(y, p) >= 0, name
    assert losses.hinge(y, 2 * p - 1) >= 0


@given(class_labels, probabilities)
@settings(max_examples=40, deadline=None)
def test_categorical_losses_are_never_negative_and_agree(labels, p):
    p = (p + 0.01) / (p + 0.01).sum(axis=1, keepdims=True)  # rows of probabilities
    sparse = losses.sparse_categorical_crossentropy(labels, p)
    dense = losses.categorical_crossentropy(np.eye(3)[labels], p)
    assert sparse >= 0
    assert dense == pytest.approx(sparse, rel=1e-12)
    np.testing.assert_allclose(losses.categorical_crossentropy.gradient(np.eye(3)[labels], p),
                               losses.sparse_categorical_crossentropy.gradient(labels, p),
                               rtol=1e-12)


@given(class_labels)
@settings(max_examples=20, deadline=None)
def test_perfect_one_hot_prediction_costs_only_the_clip(labels):
    y = np.eye(3)[labels]
    # p = 1 is clipped to 1 - 1e-7, so the loss is -log(1 - 1e-7) ~ 1e-7, not exactly 0
    expected = -np.log(1 - losses.EPSILON)
    assert losses.categorical_crossentropy(y, y) == pytest.approx(expected, rel=1e-9)
    assert losses.sparse_categorical_crossentropy(labels, y) == pytest.approx(expected, rel=1e-9)
    assert losses.mse(y, y) == 0.0 and losses.mae(y, y) == 0.0


@given(scores, class_labels, st.floats(-1e3, 1e3))
@settings(max_examples=40, deadline=None)
def test_softmax_cross_entropy_is_positive_shift_invariant_and_gradient_rows_sum_to_0(
        z, labels, c):
    loss, dlogits = losses.softmax_cross_entropy(z, labels)
    assert loss >= 0
    shifted_loss, shifted_grad = losses.softmax_cross_entropy(z + c, labels)
    assert shifted_loss == pytest.approx(loss, rel=1e-9, abs=1e-9)
    np.testing.assert_allclose(shifted_grad, dlogits, atol=1e-9)
    np.testing.assert_allclose(to_numpy(dlogits).sum(axis=1), 0.0, atol=1e-15)  # sum_j (p_j - y_j) = 0
    # the loss from logits equals cross-entropy of the softmax (away from the clip)
    p_true = to_numpy(softmax(z))[np.arange(4), labels]
    if p_true.min() > 1e-6 and p_true.max() < 1 - 1e-6:
        assert loss == pytest.approx(
            losses.sparse_categorical_crossentropy(labels, softmax(z)), rel=1e-9)


@given(arrays(np.float64, (5,), elements=st.floats(-30, 30)),
       arrays(np.float64, (5,), elements=st.floats(0.0, 1.0)))
@settings(max_examples=40, deadline=None)
def test_sigmoid_cross_entropy_gradient_numerically_for_any_input(z, y):
    loss, dlogits = losses.sigmoid_cross_entropy(z, y)
    assert loss >= 0
    numeric = numerical_gradient(lambda v: losses.sigmoid_cross_entropy(v, y)[0], z.copy())
    np.testing.assert_allclose(dlogits, numeric, atol=1e-9)


@pytest.mark.parametrize("name", ["mse", "mae", "binary_crossentropy",
                                  "categorical_crossentropy"])
def test_float32_inputs_give_the_same_float64_values(name):
    loss = losses.get(name)
    value64 = loss(Y_ONEHOT, P)
    value32 = loss(Y_ONEHOT.astype(np.float32), P.astype(np.float32))
    assert value32 == pytest.approx(value64, rel=1e-6)
    assert loss.gradient(Y_ONEHOT, P.astype(np.float32)).dtype == xp.float64


def test_sparse_gradient_numerically_with_labels_of_shape_n_by_1():
    labels = np.array([[2], [0]])
    grad = losses.sparse_categorical_crossentropy.gradient(labels, P)
    numeric = _numeric(losses.sparse_categorical_crossentropy, labels, P)
    assert rel_error(numeric, grad) < 1e-7
    np.testing.assert_allclose(grad, [[0, 0, -1 / (2 * 0.1)], [-1 / (2 * 0.5), 0, 0]])


@pytest.mark.parametrize("call", [
    lambda: losses.binary_crossentropy([-1.0, 1.0], [0.2, 0.9]),
    lambda: losses.binary_crossentropy.gradient([-1.0, 1.0], [0.2, 0.9]),
    lambda: losses.categorical_crossentropy([[2.0, -1.0]], [[0.5, 0.5]]),
    lambda: losses.categorical_crossentropy.gradient([[2.0, -1.0]], [[0.5, 0.5]]),
    lambda: losses.sigmoid_cross_entropy([0.3, -0.2], [-1.0, 1.0]),
    lambda: losses.softmax_cross_entropy([[0.3, -0.2]], [[2.0, -1.0]]),
], ids=["bce", "bce_grad", "cce", "cce_grad", "sigmoid_ce", "softmax_ce"])
def test_cross_entropy_targets_outside_0_1_are_refused(call):
    # with y = -1 the "loss" could be negative: refuse it and say what to do
    with pytest.raises(ValueError, match=r"y_true must hold labels in \[0, 1\].*from -1 to"):
        call()


# ------------------------------------------- per-sample values, sample_weight, fused gradients

def test_per_sample_values_and_keras_weighted_mean():
    y, p = [[1.0, 2.0], [3.0, 4.0]], [[2.0, 0.0], [3.0, 7.0]]
    # squared errors (1, 4) and (0, 9): per sample 2.5 and 4.5
    np.testing.assert_allclose(losses.mse.per_sample(y, p), [2.5, 4.5])
    # Keras: sum_n w_n L_n / N = (1 * 2.5 + 3 * 4.5) / 2
    assert losses.mse(y, p, sample_weight=[1.0, 3.0]) == pytest.approx(8.0, rel=1e-15)
    # per-sample gradient 2 (p - y) / 2 = (1, -2) and (0, 3), each times w_n / N
    np.testing.assert_allclose(losses.mse.gradient(y, p, sample_weight=[1.0, 3.0]),
                               [[0.5, -1.0], [0.0, 4.5]], rtol=1e-15)
    np.testing.assert_allclose(losses.mae.per_sample(y, p), [1.5, 1.5])
    np.testing.assert_allclose(losses.sparse_categorical_crossentropy.per_sample([1, 0], P),
                               [-math.log(0.7), -math.log(0.5)], rtol=1e-12)


@pytest.mark.parametrize("name", list(PAIRS))
def test_weighted_gradient_matches_the_weighted_loss_numerically(name):
    loss = losses.get(name)
    y_true, y_pred = PAIRS[name]
    w = np.array([0.3, 2.0])
    numeric = numerical_gradient(lambda p: loss(y_true, p, sample_weight=w), y_pred.copy())
    assert rel_error(loss.gradient(y_true, y_pred, sample_weight=w), numeric) < 1e-7
    per_sample = to_numpy(loss.per_sample(y_true, y_pred))
    assert loss(y_true, y_pred, w) == pytest.approx(np.dot(w, per_sample) / 2, rel=1e-12)
    assert loss(y_true, y_pred) == pytest.approx(per_sample.mean(), rel=1e-12)


def test_sample_weight_must_have_one_weight_per_sample():
    with pytest.raises(ValueError, match=r"one weight per sample, shape \(2,\), but got "
                                         r"shape \(3,\)"):
        losses.mse(Y_ONEHOT, P, sample_weight=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="sample_weight contains nan"):
        losses.mse(Y_ONEHOT, P, sample_weight=[1.0, np.nan])


@pytest.mark.parametrize("loss, y", [
    (losses.sparse_categorical_crossentropy, LABELS),
    (losses.categorical_crossentropy, np.eye(3)[LABELS]),
])
def test_a_softmax_loss_knows_its_fused_gradient(loss, y):
    assert loss.fused_activation == "softmax"
    w = np.array([1.0, 0.5, 2.0])
    # the fast path takes the backend's arrays (the model converts once, at its boundary)
    value, dlogits = loss.value_and_gradient_from_logits(xp.asarray(y), xp.asarray(LOGITS),
                                                         xp.asarray(w))
    expected_value, expected_grad = losses.softmax_cross_entropy(LOGITS, LABELS, w)
    assert value == pytest.approx(expected_value, rel=1e-14)
    np.testing.assert_allclose(dlogits, expected_grad, rtol=1e-14)
    p = to_numpy(softmax(LOGITS))
    np.testing.assert_allclose(dlogits, (p - np.eye(3)[LABELS]) * w[:, None] / 3, rtol=1e-12)
    numeric = numerical_gradient(lambda z: loss.value_and_gradient_from_logits(
        xp.asarray(y), xp.asarray(z), xp.asarray(w))[0], LOGITS.copy())
    assert rel_error(dlogits, numeric) < 1e-8


def test_the_sigmoid_loss_knows_its_fused_gradient():
    z, y = np.array([[-3.0], [0.5], [40.0]]), np.array([[1.0], [0.0], [0.0]])
    assert losses.binary_crossentropy.fused_activation == "sigmoid"
    value, dz = losses.binary_crossentropy.value_and_gradient_from_logits(xp.asarray(y),
                                                                          xp.asarray(z))
    assert value == pytest.approx((3 + math.log1p(math.exp(-3)) + 0.5 + math.log1p(
        math.exp(-0.5)) + 40 + math.log1p(math.exp(-40))) / 3, rel=1e-14)
    np.testing.assert_allclose(dz, (to_numpy(sigmoid(z)) - y) / 3, rtol=1e-14)
    assert losses.mse.fused_activation is None


def test_from_logits_the_loss_does_not_stop_at_the_clip():
    # true-class probability e^-60: 60, not -log(1e-7) = 16.1, and a gradient of -1 there
    value, dlogits = losses.sparse_categorical_crossentropy.value_and_gradient_from_logits(
        xp.asarray([1]), xp.asarray([[0.0, -60.0]]))
    assert value == pytest.approx(60.0, rel=1e-14)
    np.testing.assert_allclose(dlogits, [[1.0, -1.0]], atol=1e-15)
    assert losses.sparse_categorical_crossentropy([1], softmax(np.array([[0.0, -60.0]]))) \
        == pytest.approx(-math.log(losses.EPSILON))


def test_soft_targets_whose_rows_do_not_sum_to_1_get_the_exact_gradient():
    y = np.array([[0.2, 0.3, 0.0], [0.0, 1.0, 1.0]])
    z = LOGITS[:2].copy()
    value, dz = losses.softmax_cross_entropy(z, y)
    numeric = numerical_gradient(lambda v: losses.softmax_cross_entropy(v, y)[0], z.copy())
    assert rel_error(dz, numeric) < 1e-8
    assert value > 0


def test_rows_of_zeros_are_not_one_hot_targets():
    y = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 0.0]])
    with pytest.raises(ValueError, match="row 1 of the one-hot targets is all zeros"):
        losses.categorical_crossentropy(y, P)
    with pytest.raises(ValueError, match="row 1 of the one-hot targets is all zeros"):
        losses.softmax_cross_entropy(LOGITS[:2], y)


def test_a_loss_of_ones_own_defines_call_and_call_gradient():
    class Quartic(losses.Loss):  # written with xp, so that it also runs on the GPU
        def call(self, y_true, y_pred):
            return xp.mean((y_pred - y_true) ** 4, axis=-1)

        def call_gradient(self, y_true, y_pred):
            return 4 * (y_pred - y_true) ** 3 / y_pred.shape[-1]

    quartic = Quartic()
    assert quartic(Y_ONEHOT, P) == pytest.approx(np.mean((P - Y_ONEHOT) ** 4), rel=1e-12)
    assert rel_error(quartic.gradient(Y_ONEHOT, P), _numeric(quartic, Y_ONEHOT, P)) < 1e-7
    with pytest.raises(NotImplementedError, match="must define call"):
        losses.Loss()(Y_ONEHOT, P)

"""Tests for nnedu.checks.ch04: right answers pass, typical wrong answers fail with a named hint."""

import numpy as np
import pytest
from checkhelpers import blank, fails_with

from nnedu.checks import ch04
from nnedu.checks._core import NOT_ATTEMPTED, registry

CHECKS = [ch04.one_hot, ch04.softmax, ch04.binary_cross_entropy,
          ch04.cross_entropy_from_logits, ch04.cross_entropy_gradient, ch04.train_step]


@pytest.mark.parametrize("check", CHECKS)
def test_not_attempted_is_reported_not_raised(check):
    result = check(blank)
    assert not result["passed"] and result["message"] == NOT_ATTEMPTED


def test_registry_lists_the_six_exercises():
    assert list(registry("04")) == ["one_hot", "softmax", "binary_cross_entropy",
                                    "cross_entropy_from_logits", "cross_entropy_gradient",
                                    "train_step"]


# ---------------------------------------------------------------- right answers

def one_hot_right(labels, num_classes):
    out = np.zeros((len(labels), num_classes))
    out[np.arange(len(labels)), labels] = 1.0
    return out


def softmax_right(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def log_softmax_right(z):
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def bce_right(y, p):
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def ce_right(z, labels):
    return -np.mean(log_softmax_right(z)[np.arange(len(labels)), labels])


def gradient_right(z, labels):
    return (softmax_right(z) - one_hot_right(labels, z.shape[1])) / len(labels)


def train_step_right(W, b, X, labels, learning_rate):
    z = X @ W + b
    dz = gradient_right(z, labels)
    return W - learning_rate * X.T @ dz, b - learning_rate * dz.sum(axis=0), ce_right(z, labels)


@pytest.mark.parametrize("check, student, cases", [
    (ch04.one_hot, one_hot_right, 8), (ch04.softmax, softmax_right, 10),
    (ch04.binary_cross_entropy, bce_right, 4), (ch04.cross_entropy_from_logits, ce_right, 4),
    (ch04.cross_entropy_gradient, gradient_right, 9), (ch04.train_step, train_step_right, 15),
])
def test_reference_passes_every_case(check, student, cases):
    result = check(student)
    assert result["passed"] and result["message"] == f"all {cases} cases passed"


def test_reference_values_by_hand():
    """The numbers the lesson quotes, from the references used above."""
    assert np.allclose(softmax_right(np.array([[2.0, 1.0, 0.1]])), [[0.6590, 0.2424, 0.0986]],
                       atol=5e-5)
    assert np.isclose(ce_right(np.array([[2.0, 1.0, 0.1]]), np.array([0])), 0.4170, atol=5e-5)
    assert np.isclose(bce_right(np.array([1.0]), np.array([0.8])), -np.log(0.8))


# ---------------------------------------------------------------- one_hot

def test_one_hot_transposed_fails():
    fails_with(ch04.one_hot, lambda labels, k: one_hot_right(labels, k).T, "transposed")


def test_one_hot_ignoring_num_classes_fails():
    fails_with(ch04.one_hot, lambda labels, k: one_hot_right(labels, labels.max() + 1),
               "labels = [1, 1]", "shape (2, 4), got shape (2, 2)", "use num_classes")


def test_one_hot_of_ints_fails_as_the_statement_says():
    fails_with(ch04.one_hot, lambda labels, k: one_hot_right(labels, k).astype(int),
               "expected a float array, got dtype int64", "np.zeros")


def test_one_hot_alternative_with_np_eye_passes():
    assert ch04.one_hot(lambda labels, k: np.eye(k)[labels])["passed"]


def test_one_hot_counting_from_one_fails():
    def from_one(labels, k):
        out = np.zeros((len(labels), k))
        out[np.arange(len(labels)), labels - 1] = 1.0
        return out

    fails_with(ch04.one_hot, from_one, "numbered from 0")


# ---------------------------------------------------------------- softmax

def test_softmax_naive_overflows_and_is_told_so():
    def naive(z):
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    with np.errstate(all="ignore"):
        fails_with(ch04.softmax, naive, "large logits", "nan or inf",
                   "Subtract each row's maximum first")


def test_softmax_over_the_wrong_axis_fails():
    def columns(z):
        e = np.exp(z - z.max())
        return e / e.sum(axis=0, keepdims=True)

    fails_with(ch04.softmax, columns, "one row", "got 1", "axis=1")


def test_softmax_with_the_global_maximum_fails():
    def global_max(z):
        e = np.exp(z - z.max())
        return e / e.sum(axis=1, keepdims=True)

    with np.errstate(all="ignore"):
        fails_with(ch04.softmax, global_max, "very different rows",
                   "not the whole array's")


def test_softmax_changing_z_in_place_fails():
    def in_place(z):
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    fails_with(ch04.softmax, in_place, "your softmax changed the z passed in", "not z -= m")


def test_softmax_alternative_through_log_sum_exp_passes():
    assert ch04.softmax(lambda z: np.exp(log_softmax_right(z)))["passed"]


def test_softmax_without_exp_fails():
    fails_with(ch04.softmax, lambda z: z / z.sum(axis=1, keepdims=True), "exponential first")


# ---------------------------------------------------------------- binary cross-entropy

def test_bce_with_sum_fails():
    fails_with(ch04.binary_cross_entropy,
               lambda y, p: -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)),
               "expected the loss = 0.612192, got 2.44877",
               "MEAN over the examples")


def test_bce_without_the_zero_label_term_fails():
    fails_with(ch04.binary_cross_entropy, lambda y, p: -np.mean(y * np.log(p)),
               "y = [0]", "(1 - y) log(1 - p)")


def test_bce_with_flipped_sign_fails():
    fails_with(ch04.binary_cross_entropy, lambda y, p: -bce_right(y, p),
               "expected the loss = 0.223144, got -0.223144",
               "sign is flipped")


# ---------------------------------------------------------------- cross-entropy from logits

def test_ce_naive_overflows_and_is_told_so():
    def naive(z, labels):
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        return -np.mean(np.log(p[np.arange(len(labels)), labels]))

    with np.errstate(all="ignore"):
        fails_with(ch04.cross_entropy_from_logits, naive, "large logits", "nan or inf")


def test_ce_as_stable_softmax_then_log_is_pointed_to_log_sum_exp():
    def log_of_softmax(z, labels):
        p = softmax_right(z)
        return -np.mean(np.log(p[np.arange(len(labels)), labels]))

    with np.errstate(all="ignore"):
        message = fails_with(ch04.cross_entropy_from_logits, log_of_softmax, "large logits",
                             "got inf", "use log-sum-exp")
    assert "each row's maximum" not in message   # it did: that is not the cause


def test_ce_alternative_with_logaddexp_passes():
    def with_logaddexp(z, labels):
        rows = np.arange(len(labels))
        return float(np.mean(np.logaddexp.reduce(z, axis=1) - z[rows, labels]))

    assert ch04.cross_entropy_from_logits(with_logaddexp)["passed"]


def test_ce_with_sum_fails():
    fails_with(ch04.cross_entropy_from_logits,
               lambda z, labels: -np.sum(log_softmax_right(z)[np.arange(len(labels)), labels]),
               "three examples", "MEAN")


def test_ce_summing_all_classes_fails():
    fails_with(ch04.cross_entropy_from_logits,
               lambda z, labels: -np.mean(log_softmax_right(z).sum(axis=1)),
               "only the true class counts")


def test_ce_with_the_first_column_fails():
    fails_with(ch04.cross_entropy_from_logits,
               lambda z, labels: -np.mean(log_softmax_right(z)[:, 0]), "OWN label")


# ---------------------------------------------------------------- gradient

def test_gradient_without_mean_fails():
    fails_with(ch04.cross_entropy_gradient,
               lambda z, labels: softmax_right(z) - one_hot_right(labels, z.shape[1]),
               "three examples", "divide by N")


def test_gradient_with_flipped_sign_fails():
    fails_with(ch04.cross_entropy_gradient, lambda z, labels: -gradient_right(z, labels),
               "one example", "not y - p")


def test_gradient_returning_p_fails():
    fails_with(ch04.cross_entropy_gradient,
               lambda z, labels: softmax_right(z) / len(labels), "subtract the one-hot")


def test_gradient_changing_z_in_place_fails():
    def in_place(z, labels):
        z -= z.max(axis=1, keepdims=True)
        return gradient_right(z, labels)

    fails_with(ch04.cross_entropy_gradient, in_place, "changed the z passed in")


def test_gradient_alternative_subtracting_one_at_the_labels_passes():
    def subtract_one(z, labels):
        g = softmax_right(z)
        g[np.arange(len(labels)), labels] -= 1.0
        return g / len(labels)

    assert ch04.cross_entropy_gradient(subtract_one)["passed"]


def test_gradient_row_sums_property_catches_a_wrong_shape_after_the_cases():
    calls = []

    def right_then_wrong(z, labels):
        calls.append(1)
        g = gradient_right(z, labels)
        return g if len(calls) <= 4 else g + 1.0

    fails_with(ch04.cross_entropy_gradient, right_then_wrong, "rows of your gradient sum to",
               "p - y sums to 0")


# ---------------------------------------------------------------- train_step

def test_train_step_uphill_fails():
    def uphill(W, b, X, labels, lr):
        return train_step_right(W, b, X, labels, -lr)

    fails_with(ch04.train_step, uphill, "W_new", "stepped UPHILL")


def test_train_step_without_bias_update_fails():
    def no_bias(W, b, X, labels, lr):
        W_new, _, loss = train_step_right(W, b, X, labels, lr)
        return W_new, b, loss

    fails_with(ch04.train_step, no_bias, "b_new", "update the bias:")


def test_train_step_with_the_loss_after_the_update_fails():
    def loss_after(W, b, X, labels, lr):
        W_new, b_new, _ = train_step_right(W, b, X, labels, lr)
        return W_new, b_new, ce_right(X @ W_new + b_new, labels)

    fails_with(ch04.train_step, loss_after, "the loss", "BEFORE the update")


def test_train_step_changing_inputs_in_place_fails():
    def in_place(W, b, X, labels, lr):
        W_new, b_new, loss = train_step_right(W, b, X, labels, lr)
        W -= W - W_new
        return W_new, b_new, loss

    fails_with(ch04.train_step, in_place, "changed the W passed in")


def test_train_step_changing_the_bias_in_place_fails():
    # b -= ... makes the returned b right, so only the in-place check can notice
    def bias_in_place(W, b, X, labels, lr):
        W_new, b_new, loss = train_step_right(W, b, X, labels, lr)
        b -= b - b_new
        return W_new, b, loss

    fails_with(ch04.train_step, bias_in_place, "changed the b passed in", "not b -= ...")


def test_train_step_alternative_with_one_hot_matrix_passes():
    def with_eye(W, b, X, labels, lr):
        z = X @ W + b
        dz = (softmax_right(z) - np.eye(W.shape[1])[labels]) / len(labels)
        return W - lr * np.dot(X.T, dz), b - lr * np.sum(dz, axis=0), float(ce_right(z, labels))

    assert ch04.train_step(with_eye)["passed"]


def test_train_step_returning_two_things_fails():
    fails_with(ch04.train_step, lambda W, b, X, labels, lr: (W, b), "(W_new, b_new, loss)")

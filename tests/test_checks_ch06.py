"""Tests for nnedu.checks.ch06: right answers pass, typical wrong answers fail with a named hint."""

import numpy as np
import pytest
from checkhelpers import blank, fails_with

from nnedu.checks import ch06
from nnedu.checks._core import NOT_ATTEMPTED, registry
from nnedu.gradcheck import numerical_gradient, rel_error

CHECKS = [ch06.sigmoid_backward, ch06.dense_backward, ch06.mlp_loss_and_grads,
          ch06.gradient_check, ch06.train_step]


@pytest.mark.parametrize("check", CHECKS)
def test_not_attempted_is_reported_not_raised(check):
    result = check(blank)
    assert not result["passed"] and result["message"] == NOT_ATTEMPTED


def test_registry_lists_the_five_exercises():
    assert list(registry("06")) == ["sigmoid_backward", "dense_backward", "mlp_loss_and_grads",
                                    "gradient_check", "train_step"]


# ---------------------------------------------------------------- right answers

def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def sigmoid_backward_right(z, dout):
    s = sigmoid(z)
    return dout * s * (1 - s)


def sigmoid_backward_alternative(z, dout):
    """Through tanh: sigmoid(z) = (1 + tanh(z / 2)) / 2, and a list in, array out."""
    s = (1 + np.tanh(np.asarray(z) / 2)) / 2
    return np.asarray(dout) * (s - s ** 2)


def dense_backward_right(dY, X, W):
    return dY @ W.T, X.T @ dY, dY.sum(axis=0)


def dense_backward_loops(dY, X, W):
    """Sums written out with loops."""
    n, d = X.shape
    m = W.shape[1]
    dX, dW, db = np.zeros((n, d)), np.zeros((d, m)), np.zeros(m)
    for i in range(n):
        for j in range(m):
            db[j] += dY[i, j]
            for k in range(d):
                dW[k, j] += X[i, k] * dY[i, j]
                dX[i, k] += dY[i, j] * W[k, j]
    return dX, dW, db


def softmax_ce(Z, labels):
    shifted = Z - Z.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-np.mean(log_p[np.arange(len(labels)), labels])), np.exp(log_p)


def mlp_right(params, X, labels):
    A1 = sigmoid(X @ params["W1"] + params["b1"])
    loss, P = softmax_ce(A1 @ params["W2"] + params["b2"], labels)
    dZ2 = (P - np.eye(P.shape[1])[labels]) / len(labels)
    dZ1 = (dZ2 @ params["W2"].T) * A1 * (1 - A1)
    return loss, {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": A1.T @ dZ2,
                  "b2": dZ2.sum(axis=0)}


def mlp_with_layers(params, X, labels):
    """The alternative: nnedu's own Dense layers and loss do the backward pass."""
    from nnedu.layers import Dense
    from nnedu.losses import softmax_cross_entropy
    from nnedu.models import Sequential

    model = Sequential([Dense(params["W1"].shape[1], activation="sigmoid",
                              input_shape=(X.shape[1],)), Dense(params["W2"].shape[1])])
    model.set_weights([params["W1"], params["b1"], params["W2"], params["b2"]])
    loss, dZ2 = softmax_cross_entropy(model.forward(X, training=True), labels)
    model.backward(dZ2)
    first, second = model.layers
    return loss, {"W1": first.grads["kernel"], "b1": first.grads["bias"],
                  "W2": second.grads["kernel"], "b2": second.grads["bias"]}


def gradient_check_right(f, params, grads, eps=1e-5):
    errors = {}
    for name, p in params.items():
        numeric = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            saved = p[i]
            p[i] = saved + eps
            plus = f()
            p[i] = saved - eps
            minus = f()
            p[i] = saved
            numeric[i] = (plus - minus) / (2 * eps)
        errors[name] = rel_error(grads[name], numeric)
    return errors


def gradient_check_with_nnedu(f, params, grads, eps=1e-5):
    return {name: rel_error(grads[name], numerical_gradient(lambda _: f(), p, eps))
            for name, p in params.items()}


def train_step_right(params, X, labels, learning_rate):
    loss, grads = mlp_right(params, X, labels)
    return {k: params[k] - learning_rate * grads[k] for k in params}, loss


def train_step_alternative(params, X, labels, learning_rate):
    loss, grads = mlp_with_layers(params, X, labels)
    new = {}
    for name in ("W1", "b1", "W2", "b2"):
        new[name] = params[name].copy()
        new[name] -= learning_rate * grads[name]
    return new, loss


@pytest.mark.parametrize("check, student, cases", [
    (ch06.sigmoid_backward, sigmoid_backward_right, 4),
    (ch06.sigmoid_backward, sigmoid_backward_alternative, 4),
    (ch06.dense_backward, dense_backward_right, 9), (ch06.dense_backward, dense_backward_loops, 9),
    (ch06.mlp_loss_and_grads, mlp_right, 18), (ch06.mlp_loss_and_grads, mlp_with_layers, 18),
    (ch06.gradient_check, gradient_check_right, 4),
    (ch06.gradient_check, gradient_check_with_nnedu, 4),
    (ch06.train_step, train_step_right, 15), (ch06.train_step, train_step_alternative, 15),
])
def test_right_answers_pass_every_case(check, student, cases):
    with np.errstate(over="ignore"):  # the naive sigmoid at z = -30 is fine, exp(30) is not inf
        result = check(student)
    assert result["passed"] and result["message"] == f"all {cases} cases passed"


# ---------------------------------------------------------------- sigmoid_backward

def test_sigmoid_backward_without_dout_fails():
    fails_with(ch06.sigmoid_backward, lambda z, dout: sigmoid(z) * (1 - sigmoid(z)),
               "z = [0], dout = [-0.5]", "multiply by dout")


def test_sigmoid_backward_on_z_instead_of_s_fails():
    fails_with(ch06.sigmoid_backward, lambda z, dout: dout * z * (1 - z),
               "expected dz = [0.25], got [0]", "OUTPUT s = sigmoid(z)")


def test_sigmoid_backward_changing_z_in_place_fails():
    def in_place(z, dout):
        z[...] = sigmoid(z)
        return dout * z * (1 - z)

    fails_with(ch06.sigmoid_backward, in_place, "changed its input z in place")


# ---------------------------------------------------------------- dense_backward

def test_dense_backward_with_transposed_dW_fails():
    fails_with(ch06.dense_backward, lambda dY, X, W: (dY @ W.T, dY.T @ X, dY.sum(axis=0)),
               "expected dW of shape (2, 3), got shape (3, 2)",
               "X.T @ dY")


def test_dense_backward_with_mean_bias_fails():
    fails_with(ch06.dense_backward, lambda dY, X, W: (dY @ W.T, X.T @ dY, dY.mean(axis=0)),
               "X = 4x3", "db", "SUM dY over the batch")


def test_dense_backward_with_transposed_dX_fails():
    fails_with(ch06.dense_backward, lambda dY, X, W: (W @ dY.T, X.T @ dY, dY.sum(axis=0)),
               "dX", "its transpose")


def test_dense_backward_changing_dY_in_place_fails():
    def in_place(dY, X, W):
        dX, dW, db = dense_backward_right(dY, X, W)
        dY *= 0.0
        return dX, dW, db

    fails_with(ch06.dense_backward, in_place, "changed its input dY in place")


# ---------------------------------------------------------------- the MLP

def test_mlp_without_the_mean_fails():
    def no_mean(params, X, labels):
        loss, grads = mlp_right(params, X, labels)
        return loss, {k: g * len(labels) for k, g in grads.items()}

    fails_with(ch06.mlp_loss_and_grads, no_mean, "N = 4", "dW2", "the loss is a MEAN")


def test_mlp_without_the_sigmoid_derivative_fails():
    def no_sigmoid(params, X, labels):
        A1 = sigmoid(X @ params["W1"] + params["b1"])
        loss, P = softmax_ce(A1 @ params["W2"] + params["b2"], labels)
        dZ2 = (P - np.eye(P.shape[1])[labels]) / len(labels)
        dZ1 = dZ2 @ params["W2"].T
        return loss, {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": A1.T @ dZ2,
                      "b2": dZ2.sum(axis=0)}

    fails_with(ch06.mlp_loss_and_grads, no_sigmoid, "dW1", "go through the sigmoid")


def test_mlp_with_the_sign_flipped_fails():
    def flipped(params, X, labels):
        loss, grads = mlp_right(params, X, labels)
        return loss, {k: -g for k, g in grads.items()}

    fails_with(ch06.mlp_loss_and_grads, flipped, "N = 1", "the sign is flipped")


def test_mlp_changing_its_weights_in_place_fails():
    def in_place(params, X, labels):
        loss, grads = mlp_right(params, X, labels)
        params["W1"] -= grads["W1"]
        return loss, grads

    fails_with(ch06.mlp_loss_and_grads, in_place, "changed its input W1 in place")


# ---------------------------------------------------------------- gradient_check

def test_gradient_check_with_one_sided_differences_fails():
    def one_sided(f, params, grads, eps=1e-5):
        errors = {}
        for name, p in params.items():
            numeric, base = np.zeros_like(p), f()
            for i in np.ndindex(p.shape):
                p[i] += eps
                numeric[i] = (f() - base) / eps
                p[i] -= eps
            errors[name] = rel_error(grads[name], numeric)
        return errors

    fails_with(ch06.gradient_check, one_sided, "for exact gradients of 'u'", "below 1e-8",
               "one-sided 1e-5")


def test_gradient_check_with_the_absolute_error_fails():
    def absolute(f, params, grads, eps=1e-5):
        return {name: float(np.max(np.abs(grads[name] - numerical_gradient(
            lambda _: f(), p, eps)))) for name, p in params.items()}

    fails_with(ch06.gradient_check, absolute, "parameter = u", "relative, not absolute")


def test_gradient_check_that_forgets_to_restore_fails():
    def no_restore(f, params, grads, eps=1e-5):
        errors = {}
        for name, p in params.items():
            numeric = np.zeros_like(p)
            for i in np.ndindex(p.shape):
                p[i] += eps
                plus = f()
                p[i] -= 2 * eps
                numeric[i] = (plus - f()) / (2 * eps)
            errors[name] = rel_error(grads[name], numeric)
        return errors

    fails_with(ch06.gradient_check, no_restore, "changed its input u in place")


# ---------------------------------------------------------------- train_step

def test_train_step_uphill_fails():
    fails_with(ch06.train_step, lambda p, X, labels, lr: train_step_right(p, X, labels, -lr),
               "the new W1", "stepped UPHILL")


def test_train_step_returning_the_loss_after_fails():
    def after(params, X, labels, lr):
        new, _ = train_step_right(params, X, labels, lr)
        return new, mlp_right(new, X, labels)[0]

    fails_with(ch06.train_step, after, "the loss", "BEFORE the update")


def test_train_step_in_place_fails():
    def in_place(params, X, labels, lr):
        loss, grads = mlp_right(params, X, labels)
        for k in params:
            params[k] -= lr * grads[k]
        return params, loss

    fails_with(ch06.train_step, in_place, "changed its input W1 in place")

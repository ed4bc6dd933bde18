"""Tests for nnedu.checks.ch07: right answers pass, typical wrong answers fail with a named hint."""

import math

import numpy as np
import pytest
from checkhelpers import blank, fails_with

from nnedu.checks import ch07
from nnedu.checks._core import NOT_ATTEMPTED, registry

CHECKS = [ch07.gd_step, ch07.momentum_step, ch07.step_decay, ch07.adam_trajectory,
          ch07.minibatches, ch07.minibatch_sgd]


@pytest.mark.parametrize("check", CHECKS)
def test_not_attempted_is_reported_not_raised(check):
    result = check(blank)
    assert not result["passed"] and result["message"] == NOT_ATTEMPTED


def test_registry_lists_the_six_exercises():
    assert list(registry("07")) == ["gd_step", "momentum_step", "step_decay",
                                    "adam_trajectory", "minibatches", "minibatch_sgd"]


# ---------------------------------------------------------------- right answers and alternatives

def gd_right(w, grad, learning_rate):
    return w - learning_rate * grad


def gd_loop(w, grad, learning_rate):  # element by element, on lists
    flat = [a - learning_rate * b for a, b in zip(np.ravel(w).tolist(), np.ravel(grad).tolist())]
    return np.array(flat).reshape(np.shape(w))


def momentum_right(w, v, g, lr, beta):
    v_new = beta * v - lr * g
    return w + v_new, v_new


def momentum_copy_then_in_place(w, v, g, lr, beta):
    w, v = w.copy(), v.copy()
    v *= beta
    v -= lr * g
    w += v
    return w, v


def decay_right(lr0, drop, k, epoch):
    return lr0 * drop ** math.floor(epoch / k)


def decay_loop(lr0, drop, k, epoch):
    rate = lr0
    for e in range(1, epoch + 1):
        if e % k == 0:
            rate *= drop
    return rate


def adam_right(grad_fn, w0, steps, learning_rate=0.001, beta_1=0.9, beta_2=0.999,
               epsilon=1e-7):
    w = np.array(w0, dtype=float)
    m, v, points = np.zeros_like(w), np.zeros_like(w), [w.copy()]
    for t in range(1, steps + 1):
        g = grad_fn(w)
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g**2
        m_hat, v_hat = m / (1 - beta_1**t), v / (1 - beta_2**t)
        w = w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon)
        points.append(w.copy())
    return np.array(points)


def adam_keras_form(grad_fn, w0, steps, learning_rate=0.001, beta_1=0.9, beta_2=0.999,
                    epsilon=1e-7):
    """Keras' way: the correction folded into the step size; a list of points."""
    w = list(np.array(w0, dtype=float))
    m, v, points = np.zeros(len(w)), np.zeros(len(w)), [list(w)]
    for t in range(1, steps + 1):
        g = grad_fn(np.array(w))
        m += (1 - beta_1) * (g - m)
        v += (1 - beta_2) * (g * g - v)
        alpha = learning_rate * math.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        w = list(np.array(w) - alpha * m / (np.sqrt(v) + epsilon))
        points.append(w)
    return points


def minibatches_right(X, y, batch_size, seed):
    order = np.random.default_rng(seed).permutation(len(X))
    return [(X[order[i:i + batch_size]], y[order[i:i + batch_size]])
            for i in range(0, len(X), batch_size)]


def minibatches_generator(X, y, batch_size, seed):
    order = np.random.default_rng(seed).permutation(len(X))
    for start in range(0, len(X), batch_size):
        index = order[start:start + batch_size]
        yield list(X[index]), list(y[index])


def sgd_right(X, y, w0, learning_rate, batch_size, epochs, seed):
    w, losses = np.array(w0, dtype=float), []
    for epoch in range(epochs):
        for xb, yb in minibatches_right(X, y, batch_size, seed + epoch):
            w = w - learning_rate * 2 / len(xb) * xb.T @ (xb @ w - yb)
        losses.append(np.mean((X @ w - y) ** 2))
    return w, losses


def sgd_loop(X, y, w0, learning_rate, batch_size, epochs, seed):
    """Per-sample gradients summed in a loop, losses as an array."""
    w, losses = np.array(w0, dtype=float), np.zeros(epochs)
    for epoch in range(epochs):
        for xb, yb in minibatches_right(X, y, batch_size, seed + epoch):
            grad = np.zeros_like(w)
            for xi, yi in zip(xb, yb):
                grad += 2 * (xi @ w - yi) * xi
            w = w - learning_rate * grad / len(xb)
        losses[epoch] = np.mean((X @ w - y) ** 2)
    return w, losses


@pytest.mark.parametrize("check, student", [
    (ch07.gd_step, gd_right), (ch07.gd_step, gd_loop),
    (ch07.momentum_step, momentum_right), (ch07.momentum_step, momentum_copy_then_in_place),
    (ch07.step_decay, decay_right), (ch07.step_decay, decay_loop),
    (ch07.adam_trajectory, adam_right), (ch07.adam_trajectory, adam_keras_form),
    (ch07.minibatches, minibatches_right), (ch07.minibatches, minibatches_generator),
    (ch07.minibatch_sgd, sgd_right), (ch07.minibatch_sgd, sgd_loop),
])
def test_right_answers_and_alternatives_pass(check, student):
    result = check(student)
    assert result["passed"] and result["message"].startswith("all ")


def test_reference_adam_first_step_moves_every_weight_by_the_learning_rate():
    points = ch07.reference_adam(lambda w: np.array([1e-2, -50.0]), (0.0, 0.0), 1, 0.1,
                                 0.9, 0.999, 1e-7)
    assert np.allclose(points[1], [-0.1, 0.1], atol=1e-4)  # whatever the gradient's size


# ---------------------------------------------------------------- wrong answers

def test_gd_wrong_sign_fails():
    fails_with(ch07.gd_step, lambda w, g, lr: w + lr * g, "UPHILL")


def test_gd_without_learning_rate_fails():
    fails_with(ch07.gd_step, lambda w, g, lr: w - g, "learning rate is missing")


def test_gd_in_place_fails():
    def in_place(w, g, lr):
        w -= lr * g
        return w

    fails_with(ch07.gd_step, in_place, "changed its input w in place")


def test_momentum_as_some_notes_write_it_fails():
    def shrinking(w, v, g, lr, beta):
        return beta * w - lr * g, beta * v - lr * g

    fails_with(ch07.momentum_step, shrinking, "is NOT momentum")


def test_momentum_with_the_old_velocity_fails():
    def old_velocity(w, v, g, lr, beta):
        return w + v, beta * v - lr * g

    fails_with(ch07.momentum_step, old_velocity, "add the NEW velocity")


def test_momentum_velocity_sign_fails():
    fails_with(ch07.momentum_step, lambda w, v, g, lr, b: (w + b * v + lr * g, b * v + lr * g),
               "AGAINST the gradient")


def test_momentum_in_place_fails():
    def in_place(w, v, g, lr, beta):
        v *= beta
        v -= lr * g
        w += v
        return w, v

    fails_with(ch07.momentum_step, in_place, "changed its input w, velocity in place")


def test_decay_without_floor_fails():
    fails_with(ch07.step_decay, lambda lr0, d, k, e: lr0 * d ** (e / k), "round the exponent DOWN")


def test_decay_off_by_one_fails():
    fails_with(ch07.step_decay, lambda lr0, d, k, e: lr0 * d ** math.floor((1 + e) / k),
               "off by one", "epoch=9")


def test_decay_every_epoch_fails():
    fails_with(ch07.step_decay, lambda lr0, d, k, e: lr0 * d ** e, "not every epoch")


def test_adam_without_bias_correction_fails():
    def uncorrected(grad_fn, w0, steps, learning_rate, beta_1, beta_2, epsilon):
        w = np.array(w0, dtype=float)
        m, v, points = np.zeros_like(w), np.zeros_like(w), [w.copy()]
        for _ in range(steps):
            g = grad_fn(w)
            m = beta_1 * m + (1 - beta_1) * g
            v = beta_2 * v + (1 - beta_2) * g**2
            w = w - learning_rate * m / (np.sqrt(v) + epsilon)
            points.append(w.copy())
        return np.array(points)

    fails_with(ch07.adam_trajectory, uncorrected, "bias correction is missing", "ravine")


def test_adam_without_the_start_fails():
    def no_start(grad_fn, w0, steps, *hyperparameters):
        return adam_right(grad_fn, w0, steps, *hyperparameters)[1:]

    fails_with(ch07.adam_trajectory, no_start, "the first row must be the start")


def test_adam_counting_from_zero_fails():
    def from_zero(grad_fn, w0, steps, learning_rate, beta_1, beta_2, epsilon):
        w = np.array(w0, dtype=float)
        m, v, points = np.zeros_like(w), np.zeros_like(w), [w.copy()]
        for t in range(steps):
            g = grad_fn(w)
            m = beta_1 * m + (1 - beta_1) * g
            v = beta_2 * v + (1 - beta_2) * g**2
            w = w - learning_rate * (m / (1 - beta_1**t)) / (np.sqrt(v / (1 - beta_2**t))
                                                            + epsilon)
            points.append(w.copy())
        return np.array(points)

    with np.errstate(all="ignore"):
        fails_with(ch07.adam_trajectory, from_zero, "from t = 1")


def test_adam_changing_w0_in_place_fails():
    def in_place(grad_fn, w0, steps, *hyperparameters):
        points = adam_right(grad_fn, w0, steps, *hyperparameters)
        w0 += 1.0
        return points

    fails_with(ch07.adam_trajectory, in_place, "changed the array w0")


def test_minibatches_dropping_the_last_batch_fails():
    def drop_last(X, y, b, seed):
        return minibatches_right(X, y, b, seed)[:len(X) // b]

    fails_with(ch07.minibatches, drop_last, "N = 1050", "keep the last, smaller batch: 11 batches")


def test_minibatches_without_shuffling_fails():
    def in_order(X, y, b, seed):
        return [(X[i:i + b], y[i:i + b]) for i in range(0, len(X), b)]

    fails_with(ch07.minibatches, in_order, "original order")


def test_minibatches_shuffling_x_and_y_separately_fails():
    def separately(X, y, b, seed):
        rng = np.random.default_rng(seed)
        X, y = X[rng.permutation(len(X))], y[rng.permutation(len(y))]
        return [(X[i:i + b], y[i:i + b]) for i in range(0, len(X), b)]

    fails_with(ch07.minibatches, separately, "do not belong to y_batch")


def test_minibatches_shuffling_in_place_fails():
    def in_place(X, y, b, seed):
        order = np.random.default_rng(seed).permutation(len(X))
        X[:], y[:] = X[order], y[order]
        return [(X[i:i + b], y[i:i + b]) for i in range(0, len(X), b)]

    fails_with(ch07.minibatches, in_place, "changed its input X, y in place")


def test_sgd_with_a_summed_gradient_fails():
    def summed(X, y, w0, lr, b, epochs, seed):
        w, losses = np.array(w0, dtype=float), []
        with np.errstate(all="ignore"):
            for epoch in range(epochs):
                for xb, yb in minibatches_right(X, y, b, seed + epoch):
                    w = w - lr * 2 * xb.T @ (xb @ w - yb)
                losses.append(np.mean((X @ w - y) ** 2))
        return w, losses

    fails_with(ch07.minibatch_sgd, summed, "divide by the batch size")


def test_sgd_with_the_same_order_every_epoch_fails():
    def same_order(X, y, w0, lr, b, epochs, seed):
        w, losses = np.array(w0, dtype=float), []
        for _ in range(epochs):
            for xb, yb in minibatches_right(X, y, b, seed):
                w = w - lr * 2 / len(xb) * xb.T @ (xb @ w - yb)
            losses.append(np.mean((X @ w - y) ** 2))
        return w, losses

    fails_with(ch07.minibatch_sgd, same_order, "new order every epoch")


def test_sgd_changing_w0_in_place_fails():
    def in_place(X, y, w0, lr, b, epochs, seed):
        w, losses = sgd_right(X, y, w0, lr, b, epochs, seed)
        w0[:] = w
        return w, losses

    fails_with(ch07.minibatch_sgd, in_place, "changed its input w0 in place")

"""Tests for nnedu.checks.ch09: right answers pass, typical wrong answers fail with a named hint."""

import numpy as np
import pytest
from checkhelpers import blank, fails_with

from nnedu.checks import ch09
from nnedu.checks._core import NOT_ATTEMPTED, registry

CHECKS = [ch09.l2_penalty, ch09.dropout_forward, ch09.dropout_backward,
          ch09.batchnorm_forward, ch09.batchnorm_backward, ch09.regularized_step]


@pytest.mark.parametrize("check", CHECKS)
def test_not_attempted_is_reported_not_raised(check):
    result = check(blank)
    assert not result["passed"] and result["message"] == NOT_ATTEMPTED


def test_registry_lists_the_six_exercises():
    assert registry("09") == {"l2_penalty": 1, "dropout_forward": 1, "dropout_backward": 1,
                              "batchnorm_forward": 2, "batchnorm_backward": 2,
                              "regularized_step": 2}


# ---------------------------------------------------------------- right answers and alternatives

def l2_right(W, lam, m):
    return lam / (2 * m) * np.sum(W ** 2), lam / m * W


def l2_loop(W, lam, m):
    """An alternative: a loop over the entries, lists returned."""
    total = 0.0
    for value in np.ravel(W):
        total += value * value
    return [lam * total / m / 2, (np.asarray(W) * lam / m).tolist()]


def dropout_right(x, keep_prob, training, rng):
    if not training:
        return x, None
    mask = rng.random(x.shape) < keep_prob
    return x * mask / keep_prob, mask


def dropout_binomial(x, keep_prob, training, rng):
    """An alternative: a 0/1 float mask from rng.binomial, np.where for the output."""
    if not training:
        return x.copy(), None
    mask = rng.binomial(1, keep_prob, size=x.shape).astype(float)
    return np.where(mask == 1, x / keep_prob, 0.0), mask


def dropout_backward_right(dy, mask, keep_prob):
    return dy * mask / keep_prob


def dropout_backward_where(dy, mask, keep_prob):
    return np.where(mask, dy, 0.0) / keep_prob


def bn_forward_right(x, gamma, beta, running_mean, running_var, training, momentum=0.99,
                     eps=1e-3):
    if training:
        mean, var = x.mean(axis=0), x.var(axis=0)
        running_mean = momentum * running_mean + (1 - momentum) * mean
        running_var = momentum * running_var + (1 - momentum) * var
    else:
        mean, var = running_mean, running_var
    return gamma * (x - mean) / np.sqrt(var + eps) + beta, running_mean, running_var


def bn_forward_loop(x, gamma, beta, running_mean, running_var, training, momentum=0.99,
                    eps=1e-3):
    """An alternative: feature by feature, with the variance written out."""
    out, new_mean, new_var = np.empty_like(x), running_mean.copy(), running_var.copy()
    for j in range(x.shape[1]):
        col = x[:, j]
        if training:
            mean = sum(col) / len(col)
            var = sum((col - mean) ** 2) / len(col)
            new_mean[j] = momentum * running_mean[j] + (1 - momentum) * mean
            new_var[j] = momentum * running_var[j] + (1 - momentum) * var
        else:
            mean, var = running_mean[j], running_var[j]
        out[:, j] = gamma[j] * (col - mean) / (var + eps) ** 0.5 + beta[j]
    return out, new_mean, new_var


def bn_backward_right(dy, x, gamma, eps=1e-3):
    m = x.shape[0]
    inv_std = 1.0 / np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - x.mean(axis=0)) * inv_std
    dbeta, dgamma = dy.sum(axis=0), (dy * x_hat).sum(axis=0)
    return gamma * inv_std / m * (m * dy - dbeta - x_hat * dgamma), dgamma, dbeta


def bn_backward_chain(dy, x, gamma, eps=1e-3):
    """An alternative: the step-by-step chain rule through mean and variance."""
    m = x.shape[0]
    mu, var = x.mean(axis=0), x.var(axis=0)
    std = np.sqrt(var + eps)
    x_hat = (x - mu) / std
    dx_hat = dy * gamma
    dvar = np.sum(dx_hat * (x - mu) * -0.5 * std ** -3, axis=0)
    dmu = np.sum(-dx_hat / std, axis=0) + dvar * np.mean(-2 * (x - mu), axis=0)
    dx = dx_hat / std + dvar * 2 * (x - mu) / m + dmu / m
    return dx, np.sum(dy * x_hat, axis=0), np.sum(dy, axis=0)


def step_right(W, b, X, labels, learning_rate, lam):
    n = len(labels)
    z = X @ W + b
    shifted = z - z.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -np.mean(log_p[np.arange(n), labels]) + lam / (2 * n) * np.sum(W ** 2)
    y = np.eye(W.shape[1])[labels]
    dz = (np.exp(log_p) - y) / n
    return (W - learning_rate * (X.T @ dz + lam / n * W), b - learning_rate * dz.sum(axis=0),
            loss)


@pytest.mark.parametrize("check, student", [
    (ch09.l2_penalty, l2_right), (ch09.l2_penalty, l2_loop),
    (ch09.dropout_forward, dropout_right), (ch09.dropout_forward, dropout_binomial),
    (ch09.dropout_backward, dropout_backward_right),
    (ch09.dropout_backward, dropout_backward_where),
    (ch09.batchnorm_forward, bn_forward_right), (ch09.batchnorm_forward, bn_forward_loop),
    (ch09.batchnorm_backward, bn_backward_right), (ch09.batchnorm_backward, bn_backward_chain),
    (ch09.regularized_step, step_right),
])
def test_right_answers_and_alternatives_pass(check, student):
    result = check(student)
    assert result["passed"], result
    assert result["message"].startswith("all ") and result["message"].endswith("cases passed")


def test_chain_rule_alternative_really_is_a_different_computation():
    rng = np.random.default_rng(0)
    x, gamma, dy = rng.normal(size=(5, 3)), rng.uniform(1, 2, 3), rng.normal(size=(5, 3))
    for a, b in zip(bn_backward_right(dy, x, gamma), bn_backward_chain(dy, x, gamma)):
        assert np.allclose(a, b)


# ---------------------------------------------------------------- l2_penalty

def test_l2_without_the_half_fails():
    fails_with(ch09.l2_penalty, lambda W, lam, m: (lam / m * np.sum(W ** 2), lam / m * W),
               "the penalty", "has a 1/2")


def test_l2_gradient_with_the_two_fails():
    fails_with(ch09.l2_penalty,
               lambda W, lam, m: (lam / (2 * m) * np.sum(W ** 2), 2 * lam / m * W),
               "the gradient", "cancels the 1/2")


def test_l2_without_m_fails():
    fails_with(ch09.l2_penalty, lambda W, lam, m: (lam / 2 * np.sum(W ** 2), lam * W),
               "m = 10", "divide by m")


def test_l2_changing_w_in_place_fails():
    def in_place(W, lam, m):
        penalty = lam / (2 * m) * np.sum(W ** 2)
        W *= lam / m
        return penalty, W

    fails_with(ch09.l2_penalty, in_place, "changed its input W")


# ---------------------------------------------------------------- dropout_forward

def test_dropout_dividing_by_the_drop_rate_fails():
    def by_drop_rate(x, keep_prob, training, rng):
        if not training:
            return x, None
        mask = rng.random(x.shape) < keep_prob
        return x * mask / (1 - keep_prob), mask

    fails_with(ch09.dropout_forward, by_drop_rate, "keep_prob = 0.8", "not by the drop rate")


def test_dropout_without_scaling_fails():
    def unscaled(x, keep_prob, training, rng):
        if not training:
            return x, None
        mask = rng.random(x.shape) < keep_prob
        return x * mask, mask

    fails_with(ch09.dropout_forward, unscaled, "inverted dropout")


def test_dropout_keeping_with_the_drop_rate_fails():
    def drops_keep_prob(x, keep_prob, training, rng):
        if not training:
            return x, None
        mask = rng.random(x.shape) >= keep_prob
        return x * mask / keep_prob, mask

    fails_with(ch09.dropout_forward, drops_keep_prob, "keeps 0.2", "probability to KEEP")


def test_dropout_at_inference_fails():
    def always(x, keep_prob, training, rng):
        mask = rng.random(x.shape) < keep_prob
        return x * mask / keep_prob, mask

    fails_with(ch09.dropout_forward, always, "training=False", "return x unchanged")


def test_dropout_ignoring_the_rng_fails():
    def global_random(x, keep_prob, training, rng):
        if not training:
            return x, None
        mask = np.random.random(x.shape) < keep_prob
        return x * mask / keep_prob, mask

    fails_with(ch09.dropout_forward, global_random, "same seed gave different masks")


def test_dropout_in_place_fails():
    def in_place(x, keep_prob, training, rng):
        if not training:
            return x, None
        mask = rng.random(x.shape) < keep_prob
        x *= mask / keep_prob
        return x, mask

    fails_with(ch09.dropout_forward, in_place, "changed its input x")


# ---------------------------------------------------------------- dropout_backward

def test_dropout_backward_without_scaling_fails():
    fails_with(ch09.dropout_backward, lambda dy, mask, keep_prob: dy * mask,
               "dx", "scale by 1 / keep_prob")


def test_dropout_backward_without_mask_fails():
    fails_with(ch09.dropout_backward, lambda dy, mask, keep_prob: dy / keep_prob,
               "multiply by the mask")


def test_dropout_backward_in_place_fails():
    def in_place(dy, mask, keep_prob):
        dy *= mask / keep_prob
        return dy

    fails_with(ch09.dropout_backward, in_place, "changed its input dy")


# ---------------------------------------------------------------- batchnorm_forward

def test_bn_forward_always_batch_statistics_fails():
    def always_batch(x, gamma, beta, rm, rv, training, momentum=0.99, eps=1e-3):
        out, m, v = bn_forward_right(x, gamma, beta, rm, rv, True)
        return (out, m, v) if training else (out, rm, rv)

    fails_with(ch09.batchnorm_forward, always_batch, "training = False",
               "use running_mean and running_var")


def test_bn_forward_momentum_swapped_fails():
    def swapped(x, gamma, beta, rm, rv, training, momentum=0.99, eps=1e-3):
        return bn_forward_right(x, gamma, beta, rm, rv, training, momentum=0.01)

    fails_with(ch09.batchnorm_forward, swapped, "running_mean", "weighs the OLD value")


def test_bn_forward_without_eps_fails():
    def no_eps(x, gamma, beta, rm, rv, training, momentum=0.99, eps=1e-3):
        return bn_forward_right(x, gamma, beta, rm, rv, training, eps=0.0)

    fails_with(ch09.batchnorm_forward, no_eps, "out", "sqrt(var + eps)")


def test_bn_forward_per_example_fails():
    def layer_norm(x, gamma, beta, rm, rv, training, momentum=0.99, eps=1e-3):
        _, m, v = bn_forward_right(x, gamma, beta, rm, rv, training)
        mean, var = x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True)
        return gamma * (x - mean) / np.sqrt(var + eps) + beta, m, v

    fails_with(ch09.batchnorm_forward, layer_norm, "each FEATURE over the batch")


def test_bn_forward_updating_in_place_fails():
    def in_place(x, gamma, beta, rm, rv, training, momentum=0.99, eps=1e-3):
        out, m, v = bn_forward_right(x, gamma, beta, rm, rv, training)
        rm[...] = m
        rv[...] = v
        return out, rm, rv

    fails_with(ch09.batchnorm_forward, in_place, "changed its input running_mean, running_var")


# ---------------------------------------------------------------- batchnorm_backward

def test_bn_backward_with_constant_statistics_fails():
    def constant_stats(dy, x, gamma, eps=1e-3):
        _dx, dgamma, dbeta = bn_backward_right(dy, x, gamma, eps)
        return gamma * dy / np.sqrt(x.var(axis=0) + eps), dgamma, dbeta

    fails_with(ch09.batchnorm_backward, constant_stats, "dx", "depend on every x_i")


def test_bn_backward_dgamma_with_raw_x_fails():
    def raw_x(dy, x, gamma, eps=1e-3):
        dx, _, dbeta = bn_backward_right(dy, x, gamma, eps)
        return dx, (dy * x).sum(axis=0), dbeta

    fails_with(ch09.batchnorm_backward, raw_x, "dgamma", "NORMALIZED x_hat")


def test_bn_backward_mean_instead_of_sum_fails():
    def mean_beta(dy, x, gamma, eps=1e-3):
        dx, dgamma, _ = bn_backward_right(dy, x, gamma, eps)
        return dx, dgamma, dy.mean(axis=0)

    fails_with(ch09.batchnorm_backward, mean_beta, "dbeta", "SUM of dy")


def test_bn_backward_in_place_fails():
    def in_place(dy, x, gamma, eps=1e-3):
        result = bn_backward_right(dy, x, gamma, eps)
        x -= x.mean(axis=0)
        return result

    fails_with(ch09.batchnorm_backward, in_place, "changed its input x")


# ---------------------------------------------------------------- regularized_step

def test_step_penalizing_the_bias_fails():
    def bias_too(W, b, X, labels, lr, lam):
        W_new, _, loss = step_right(W, b, X, labels, lr, lam)
        n = len(labels)
        dz_sum = (b - step_right(W, b, X, labels, lr, 0.0)[1]) / lr
        return W_new, b - lr * (dz_sum + lam / n * b), loss

    fails_with(ch09.regularized_step, bias_too, "b_new", "do not penalize the bias")


def test_step_without_penalty_gradient_fails():
    def no_penalty_grad(W, b, X, labels, lr, lam):
        W_new, b_new, _ = step_right(W, b, X, labels, lr, 0.0)
        return W_new, b_new, step_right(W, b, X, labels, lr, lam)[2]

    fails_with(ch09.regularized_step, no_penalty_grad, "W_new", "has a gradient too")


def test_step_without_penalty_in_the_loss_fails():
    def no_penalty_loss(W, b, X, labels, lr, lam):
        W_new, b_new, _ = step_right(W, b, X, labels, lr, lam)
        return W_new, b_new, step_right(W, b, X, labels, lr, 0.0)[2]

    fails_with(ch09.regularized_step, no_penalty_loss, "the loss", "add the penalty")


def test_step_in_place_fails():
    def in_place(W, b, X, labels, lr, lam):
        W_new, b_new, loss = step_right(W, b, X, labels, lr, lam)
        W[...] = W_new
        return W, b_new, loss

    fails_with(ch09.regularized_step, in_place, "changed its input W")


def test_step_returning_two_things_fails():
    fails_with(ch09.regularized_step, lambda W, b, X, labels, lr, lam: (W, b),
               "(W_new, b_new, loss)")

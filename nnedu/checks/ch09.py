"""Checks for chapter 09, regularization.

Six exercises, easy to hard:

- ``l2_penalty(W, lam, m)``: the textbook L2 term lam / (2m) * sum W^2 and its
  gradient lam / m * W, returned as (penalty, gradient);
- ``dropout_forward(x, keep_prob, training, rng)``: inverted dropout, returns
  (out, mask); ``mask`` True where a unit is kept, None at inference;
- ``dropout_backward(dy, mask, keep_prob)``: its gradient dy * mask / keep_prob;
- ``batchnorm_forward(x, gamma, beta, running_mean, running_var, training,
  momentum=0.99, eps=1e-3)``: (out, new running mean, new running variance);
- ``batchnorm_backward(dy, x, gamma, eps=1e-3)``: (dx, dgamma, dbeta) of the
  training-mode forward pass, checked against numerical gradients;
- ``regularized_step(W, b, X, labels, learning_rate, lam)``: one gradient-descent
  step of softmax regression on mean cross-entropy + lam / (2N) * sum W^2, the
  bias not penalized; returns (W_new, b_new, loss before the step).

Dropout is random, so its checks do not compare with fixed numbers: they test the
returned mask (its shape, that about keep_prob of the units are kept) and that the
output follows from it. Every check also fails an answer that changes the arrays it
was given.
"""

import numpy as np

from nnedu.checks._core import (
    call,
    diagnose,
    exercise,
    expect_close,
    expect_parts,
    expect_true,
    expect_unchanged,
)

# ---------------------------------------------------------------------------
# Shared pieces
# ---------------------------------------------------------------------------


def _expect_unchanged(originals, passed):
    """Fail if the student's function changed any array it was given (in place)."""
    expect_unchanged(originals, passed,
                     hint="return new arrays (y = x * m) instead of writing into the inputs (x *= m).")


def _bn_stats(x):
    return x.mean(axis=0), x.var(axis=0)


def _bn_forward(x, gamma, beta, running_mean, running_var, training, momentum=0.99,
                eps=1e-3):
    """Reference batch-norm forward pass on (N, D)."""
    if training:
        mean, var = _bn_stats(x)
        new_mean = momentum * running_mean + (1 - momentum) * mean
        new_var = momentum * running_var + (1 - momentum) * var
    else:
        mean, var, new_mean, new_var = running_mean, running_var, running_mean, running_var
    return gamma * (x - mean) / np.sqrt(var + eps) + beta, new_mean, new_var


def _bn_backward(dy, x, gamma, eps=1e-3):
    """Reference batch-norm backward pass (training mode) on (N, D)."""
    m = x.shape[0]
    mean, var = _bn_stats(x)
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    dbeta, dgamma = dy.sum(axis=0), (dy * x_hat).sum(axis=0)
    dx = gamma * inv_std / m * (m * dy - dbeta - x_hat * dgamma)
    return dx, dgamma, dbeta


# ---------------------------------------------------------------------------
# Exercise 1: the L2 penalty and its gradient
# ---------------------------------------------------------------------------

@exercise("09", "l2_penalty", points=1)
def l2_penalty(student_l2):
    """Check l2_penalty(W, lam, m) -> (lam / (2m) * sum W^2, lam / m * W)."""
    rng = np.random.default_rng(90)
    cases = [(np.array([[1.0, -2.0], [0.5, 3.0]]), 0.1, 1),
             (np.array([[1.0, -2.0], [0.5, 3.0]]), 0.1, 10),
             (rng.normal(size=(4, 3)), 0.01, 50), (rng.normal(size=(6, 5)), 2.0, 7)]
    for W, lam, m in cases:
        want_penalty, want_grad = lam / (2 * m) * np.sum(W ** 2), lam / m * W
        W_in = W.copy()
        got = expect_parts(call(student_l2, W_in, lam, m), ("penalty", "gradient"))
        inputs = {"lam": lam, "m": m}
        hint = diagnose(got[0], [
            (lam / m * np.sum(W ** 2), "the term has a 1/2: lam / (2m) * sum W^2."),
            (lam / 2 * np.sum(W ** 2) if m > 1 else None, "divide by m: lam / (2m) * sum W^2."),
            (lam / (2 * m) * np.sum(np.abs(W)), "square the weights (L2), not |W| (L1)."),
            (lam / (2 * m) * np.sqrt(np.sum(W ** 2)), "no square root: sum W**2."),
        ], "penalty = lam / (2 * m) * np.sum(W ** 2).")
        expect_close(got[0], want_penalty, what="the penalty", inputs=inputs, hint=hint)
        hint = diagnose(got[1], [
            (2 * lam / m * W, "the 2 of W^2 cancels the 1/2: lam / m * W."),
            (lam / (2 * m) * W, "d(W^2)/dW = 2W, so the gradient is lam / m * W."),
            (lam * W if m > 1 else None, "divide by m: lam / m * W."),
            (lam / m * np.sign(W), "that is L1's gradient; L2's is lam / m * W."),
        ], "gradient = lam / m * W, W's shape.")
        expect_close(got[1], want_grad, what="the gradient", inputs=inputs, hint=hint)
        _expect_unchanged({"W": W}, {"W": W_in})


# ---------------------------------------------------------------------------
# Exercise 2: inverted dropout, forward
# ---------------------------------------------------------------------------

def _dropout_case(student, x, keep_prob, training, seed):
    x_in = x.copy()
    got = call(student, x_in, keep_prob, training, np.random.default_rng(seed))
    out, mask = expect_parts(got, ("out", "mask"))
    _expect_unchanged({"x": x}, {"x": x_in})
    return out, mask


@exercise("09", "dropout_forward", points=1)
def dropout_forward(student_dropout):
    """Check inverted dropout: mask ~ Bernoulli(keep_prob), out = x * mask / keep_prob."""
    x_small = np.arange(1.0, 13.0).reshape(3, 4)
    out, mask = _dropout_case(student_dropout, x_small, 0.5, False, 0)
    expect_close(out, x_small, what="out (training=False)", inputs={"keep_prob": 0.5},
                 hint="at inference return x unchanged (and None).")
    expect_true(mask is None, f"at inference the mask should be None, got {type(mask).__name__}",
                hint="return x, None when training is False.")
    big = np.random.default_rng(91).uniform(0.5, 2.0, size=(200, 500))
    for keep_prob in (0.8, 0.5, 0.3):
        out, mask = _dropout_case(student_dropout, big, keep_prob, True, 1)
        inputs = {"keep_prob": keep_prob}
        mask_arr = np.asarray(mask) if mask is not None else None
        expect_true(mask_arr is not None and mask_arr.shape == big.shape,
                    f"for keep_prob = {keep_prob} the mask should have x's shape {big.shape}, got "
                    f"{None if mask_arr is None else mask_arr.shape}",
                    hint="mask = rng.random(x.shape) < keep_prob (one entry per unit).")
        expect_true(np.all((mask_arr == 0) | (mask_arr == 1)),
                    "the mask should hold only True/False (or 1/0)",
                    hint="mask = rng.random(x.shape) < keep_prob.")
        kept = float(np.mean(mask_arr))
        expect_true(abs(kept - keep_prob) < 0.02,
                    f"for keep_prob = {keep_prob} your mask keeps {kept:.3f} of the units",
                    hint=("keep_prob is the probability to KEEP: rng.random(x.shape) < "
                          "keep_prob." if abs(kept - (1 - keep_prob)) < 0.02
                          else "each unit is kept with probability keep_prob."))
        kept_mask = mask_arr.astype(bool)
        hint = diagnose(out, [
            (big * kept_mask / (1 - keep_prob), "divide by keep_prob, not by the drop rate."),
            (big * kept_mask, "scale the kept units by 1 / keep_prob (inverted dropout)."),
            (big * kept_mask * keep_prob, "DIVIDE by keep_prob, do not multiply."),
            (big / keep_prob, "set the dropped units to 0: multiply by the mask."),
        ], "out = x * mask / keep_prob.")
        expect_close(out, big * kept_mask / keep_prob, what="out", inputs=inputs, hint=hint)
    masks = [np.asarray(_dropout_case(student_dropout, big, 0.5, True, 2)[1]) for _ in range(2)]
    expect_true(np.array_equal(masks[0], masks[1]),
                "two rngs with the same seed gave different masks",
                hint="draw the mask with the rng you are given, not np.random.")


# ---------------------------------------------------------------------------
# Exercise 3: inverted dropout, backward
# ---------------------------------------------------------------------------

@exercise("09", "dropout_backward", points=1)
def dropout_backward(student_backward):
    """Check dropout_backward(dy, mask, keep_prob) = dy * mask / keep_prob."""
    rng = np.random.default_rng(92)
    cases = [(np.array([[1.0, 2.0, 3.0, 4.0]]), np.array([[True, False, True, True]]), 0.75)]
    for shape, keep_prob in [((3, 5), 0.5), ((10, 8), 0.8), ((4, 6), 0.2)]:
        cases.append((rng.normal(size=shape), rng.random(shape) < keep_prob, keep_prob))
    for dy, mask, keep_prob in cases:
        want = dy * mask / keep_prob
        dy_in, mask_in = dy.copy(), mask.copy()
        got = call(student_backward, dy_in, mask_in, keep_prob)
        hint = diagnose(got, [
            (dy * mask, "scale by 1 / keep_prob, as in the forward pass."),
            (dy / keep_prob, "dropped units pass no gradient: multiply by the mask."),
            (dy * mask / (1 - keep_prob), "divide by keep_prob, not by the drop rate."),
            (dy, "dx = dy * mask / keep_prob."),
        ], "dx = dy * mask / keep_prob.")
        expect_close(got, want, what="dx", inputs={"keep_prob": keep_prob},
                     hint=hint)
        _expect_unchanged({"dy": dy, "mask": mask}, {"dy": dy_in, "mask": mask_in})


# ---------------------------------------------------------------------------
# Exercise 4: batch normalization, forward in both modes
# ---------------------------------------------------------------------------

def _bn_cases():
    rng = np.random.default_rng(93)
    x1 = np.array([[1.0, 10.0], [3.0, 20.0], [5.0, 30.0], [7.0, 0.0]])
    yield "small batch", x1, np.ones(2), np.zeros(2), np.zeros(2), np.ones(2)
    x2 = rng.normal(3.0, 2.0, size=(16, 5))
    yield ("gamma and beta", x2, rng.uniform(0.5, 2.0, 5), rng.normal(size=5),
           rng.normal(size=5), rng.uniform(0.5, 2.0, 5))


@exercise("09", "batchnorm_forward", points=2)
def batchnorm_forward(student_bn):
    """Check batchnorm_forward in training mode (batch statistics) and inference mode."""
    for name, x, gamma, beta, run_mean, run_var in _bn_cases():
        for training in (True, False):
            want = _bn_forward(x, gamma, beta, run_mean, run_var, training)
            given = {"x": x, "gamma": gamma, "beta": beta, "running_mean": run_mean,
                     "running_var": run_var}
            passed = {key: value.copy() for key, value in given.items()}
            got = expect_parts(call(student_bn, passed["x"], passed["gamma"], passed["beta"],
                                 passed["running_mean"], passed["running_var"], training), ("out", "running_mean", "running_var"))
            inputs = {"case": name, "training": training}
            _check_bn_out(got[0], want[0], x, gamma, beta, run_mean, run_var, training, inputs)
            mean, var = _bn_stats(x)
            hint = diagnose(got[1], [
                ((1 - 0.99) * run_mean + 0.99 * mean, ("momentum weighs the OLD value: "
                 "0.99 * old + 0.01 * batch.")),
                (mean if training else None, "keep a moving average, not the batch mean."),
                (run_mean if training else None, "update the running mean in training."),
                (0.99 * run_mean + 0.01 * mean if not training else None,
                 "at inference return the running statistics unchanged."),
            ], "momentum * running_mean + (1 - momentum) * batch mean (training).")
            expect_close(got[1], want[1], what="the new running_mean", inputs=inputs, hint=hint)
            hint = diagnose(got[2], [
                (0.99 * run_var + 0.01 * x.var(axis=0, ddof=1) if training else None,
                 "use the biased variance, np.var (divides by m)."),
                (0.99 * run_var + 0.01 * np.sqrt(var) if training else None,
                 "average the VARIANCE, not the standard deviation."),
            ], "momentum * running_var + (1 - momentum) * batch variance (training).")
            expect_close(got[2], want[2], what="the new running_var", inputs=inputs, hint=hint)
            _expect_unchanged(given, passed)


def _check_bn_out(got, want, x, gamma, beta, run_mean, run_var, training, inputs):
    mean, var = _bn_stats(x)
    hint = diagnose(got, [
        (_bn_forward(x, gamma, beta, run_mean, run_var, not training)[0],
         "training=True: use the BATCH mean and variance." if training else
         "training=False: use running_mean and running_var."),
        (gamma * (x - mean) / np.sqrt(var) + beta if training else None,
         "add eps: sqrt(var + eps)."),
        (gamma * (x - mean) / np.sqrt(var + 1e-3) if training else None,
         "add beta at the end: gamma * x_hat + beta."),
        (gamma * (x - x.mean(axis=1, keepdims=True)) / np.sqrt(
            x.var(axis=1, keepdims=True) + 1e-3) + beta,
         "normalize each FEATURE over the batch (axis=0)."),
        (gamma * (x - mean) / (var + 1e-3) + beta if training else None,
         "divide by sqrt(var + eps), not var + eps."),
    ], "out = gamma * (x - mean) / sqrt(var + eps) + beta.")
    expect_close(got, want, what="out", inputs=inputs, hint=hint)


# ---------------------------------------------------------------------------
# Exercise 5: batch normalization, backward
# ---------------------------------------------------------------------------

def _numerical_dx(dy, x, gamma, eps, h=1e-6):
    dx = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[index] += h
        minus[index] -= h
        dx[index] = np.sum(dy * (_bn_forward(plus, gamma, 0.0, 0, 1, True, eps=eps)[0]
                                 - _bn_forward(minus, gamma, 0.0, 0, 1, True, eps=eps)[0])) / (2 * h)
    return dx


@exercise("09", "batchnorm_backward", points=2)
def batchnorm_backward(student_backward):
    """Check (dx, dgamma, dbeta) of training-mode batch norm against numerical gradients."""
    rng = np.random.default_rng(94)
    for n, d in [(4, 2), (8, 3), (16, 5)]:
        x = rng.normal(2.0, 3.0, size=(n, d))
        gamma, dy = rng.uniform(0.5, 2.0, size=d), rng.normal(size=(n, d))
        want_dx, want_dgamma, want_dbeta = _bn_backward(dy, x, gamma)
        assert np.allclose(want_dx, _numerical_dx(dy, x, gamma, 1e-3), atol=1e-6)
        given = {"dy": dy, "x": x, "gamma": gamma}
        passed = {key: value.copy() for key, value in given.items()}
        got = expect_parts(call(student_backward, passed["dy"], passed["x"], passed["gamma"]), ("dx", "dgamma", "dbeta"))
        inputs = {"x shape": x.shape}
        x_hat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + 1e-3)
        hint = diagnose(got[2], [(dy.mean(axis=0), "dbeta is the SUM of dy over the batch."),
                                 (dy.sum(axis=1), "sum over the batch (axis=0).")],
                        "dbeta = dy.sum(axis=0).")
        expect_close(got[2], want_dbeta, what="dbeta", inputs=inputs, hint=hint)
        hint = diagnose(got[1], [((dy * x).sum(axis=0), ("multiply dy by the NORMALIZED x_hat, "
                                                        "not by x."))],
                        "dgamma = (dy * x_hat).sum(axis=0).")
        expect_close(got[1], want_dgamma, what="dgamma", inputs=inputs, hint=hint)
        inv_std = 1.0 / np.sqrt(x.var(axis=0) + 1e-3)
        hint = diagnose(got[0], [
            (gamma * inv_std * dy, "mu and var depend on every x_i too: use both sums."),
            (inv_std / n * (n * dy - dy.sum(axis=0) - x_hat * (dy * x_hat).sum(axis=0)),
             "multiply by gamma."),
            (gamma * inv_std * (dy - dy.mean(axis=0)), "add the path through the variance."),
        ], "gamma*inv_std/m * (m*dy - sum(dy) - x_hat*sum(dy*x_hat)).")
        expect_close(got[0], want_dx, what="dx", inputs=inputs, hint=hint, atol=1e-7, rtol=1e-5)
        _expect_unchanged(given, passed)


# ---------------------------------------------------------------------------
# Exercise 6: putting it together, a regularized training step
# ---------------------------------------------------------------------------

def _log_softmax(z):
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _step_parts(W, b, X, labels, lam):
    """Reference: data loss, penalty, dz, for mean CE + lam / (2N) * sum W^2."""
    n = len(labels)
    log_p = _log_softmax(X @ W + b)
    data_loss = float(-np.mean(log_p[np.arange(n), labels]))
    y = np.zeros_like(log_p)
    y[np.arange(n), labels] = 1.0
    return data_loss, lam / (2 * n) * np.sum(W ** 2), (np.exp(log_p) - y) / n


@exercise("09", "regularized_step", points=2)
def regularized_step(student_step):
    """Check regularized_step(W, b, X, labels, learning_rate, lam) -> (W_new, b_new, loss)."""
    rng = np.random.default_rng(95)
    for n, d, k, lam in [(2, 2, 2, 0.5), (6, 3, 3, 1.0), (10, 5, 4, 0.1)]:
        W, b = rng.normal(size=(d, k)), rng.normal(size=k)
        X, labels, lr = rng.normal(size=(n, d)), rng.integers(0, k, size=n), 0.3
        data_loss, penalty, dz = _step_parts(W, b, X, labels, lam)
        dW, db = X.T @ dz + lam / n * W, dz.sum(axis=0)
        given = {"W": W, "b": b, "X": X}
        passed = {key: value.copy() for key, value in given.items()}
        got = expect_parts(call(student_step, passed["W"], passed["b"], passed["X"],
                             labels.copy(), lr, lam), ("W_new", "b_new", "loss"))
        inputs = {"N": n, "lam": lam}
        hint = diagnose(got[2], [
            (data_loss, "add the penalty lam / (2N) * sum W^2."),
            (data_loss + penalty + lam / (2 * n) * np.sum(b ** 2),
             "do not penalize the bias."),
            (data_loss + lam / 2 * np.sum(W ** 2), "divide the penalty by N: lam / (2N)."),
        ], "mean cross-entropy + lam / (2N) * sum W^2, before the step.")
        expect_close(got[2], data_loss + penalty, what="the loss", inputs=inputs, hint=hint)
        hint = diagnose(got[0], [
            (W - lr * (X.T @ dz), "the penalty has a gradient too: + lam / N * W."),
            (W - lr * (X.T @ dz + 2 * lam / n * W), "the penalty's gradient is lam / N * W."),
            (W + lr * dW, "you stepped uphill: W - learning_rate * dW."),
        ], "dW = X.T @ dz + lam / N * W, dz = (softmax - one_hot) / N.")
        expect_close(got[0], W - lr * dW, what="W_new", inputs=inputs, hint=hint)
        hint = diagnose(got[1], [
            (b - lr * (db + lam / n * b), "do not penalize the bias: db = dz.sum(axis=0)."),
            (b, "update the bias too."),
        ], "b_new = b - learning_rate * dz.sum(axis=0).")
        expect_close(got[1], b - lr * db, what="b_new", inputs=inputs, hint=hint)
        _expect_unchanged(given, passed)

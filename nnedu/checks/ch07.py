"""Checks for chapter 07, gradient descent and optimizers.

Six exercises, easy to hard:

- ``gd_step(w, grad, learning_rate)``: one plain gradient-descent step, a new array;
- ``momentum_step(w, velocity, grad, learning_rate, momentum)``: one step of SGD
  with momentum, v <- momentum v - lr g; w <- w + v; returns (w_new, v_new);
- ``step_decay(initial_lr, drop, epochs_per_drop, epoch)``: the rate of a
  step-decay schedule, initial_lr * drop ** floor(epoch / epochs_per_drop);
- ``adam_trajectory(grad_fn, w0, steps, learning_rate, beta_1, beta_2, epsilon)``:
  the points Adam visits, checked against nnedu's Adam (Keras' formulas);
- ``minibatches(X, y, batch_size, seed)``: the list of (X_batch, y_batch) of one
  shuffled epoch, order ``np.random.default_rng(seed).permutation(N)``;
- ``minibatch_sgd(X, y, w0, learning_rate, batch_size, epochs, seed)``: putting it
  together, linear least squares trained with the student's mini-batches.

Each check recomputes the typical wrong answers (the gradient added instead of
subtracted, "w <- beta w - lr g" for momentum, Adam without bias correction, the
last partial batch dropped, ...) and names the mistake.
"""

import math

import numpy as np

from nnedu.checks._core import (
    CheckFailed,
    call,
    diagnose,
    exercise,
    expect_close,
    expect_equal,
    expect_true,
    expect_unchanged,
    matches,
)
from nnedu.optimizers import Adam


def _short(a):
    """A small array as a short list: [1, -2], [[1, 0], [0, 1]]."""
    return str(np.round(np.asarray(a, dtype=float), 4).tolist()).replace(".0,", ",").replace(
        ".0]", "]")


def _unchanged(names, before, after):
    """Fail when an input array was changed in place (names, originals, what was passed)."""
    expect_unchanged(dict(zip(names, before)), dict(zip(names, after)),
                     hint="return new arrays (w - ...), no -= or += on inputs.")


# ---------------------------------------------------------------------------
# Exercise 1: one gradient-descent step
# ---------------------------------------------------------------------------

GD_CASES = [
    (np.array([1.0, -2.0]), np.array([0.5, 0.5]), 0.1),
    (np.array([3.0]), np.array([-4.0]), 0.25),
    (np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[0.1, -0.2], [0.3, 0.0]]), 1.0),
    (np.array([0.0, 0.0, 1.0]), np.array([2.0, -1.0, 0.5]), 0.01),
]


@exercise("07", "gd_step", points=1)
def gd_step(student_gd_step):
    """Check gd_step(w, grad, learning_rate) = w - learning_rate * grad (a new array)."""
    for w, g, lr in GD_CASES:
        w_in, g_in = w.copy(), g.copy()
        got = call(student_gd_step, w_in, g_in, lr)
        want = w - lr * g
        hint = diagnose(got, [
            (w + lr * g, "it goes UPHILL: w - learning_rate * grad."),
            (w - g, "the learning rate is missing."),
            (-lr * g, "return the new weights, not only the change."),
        ], "w_new = w - learning_rate * grad.")
        expect_close(got, want, what="w_new", inputs={"w": w, "grad": g, "lr": lr}, hint=hint)
        _unchanged(("w", "grad"), (w, g), (w_in, g_in))


# ---------------------------------------------------------------------------
# Exercise 2: SGD with momentum
# ---------------------------------------------------------------------------

MOMENTUM_CASES = [
    (np.array([1.0, -2.0]), np.array([0.0, 0.0]), np.array([0.5, 0.5]), 0.1, 0.9),
    (np.array([1.0, -2.0]), np.array([-0.05, -0.05]), np.array([0.4, 0.6]), 0.1, 0.9),
    (np.array([2.0]), np.array([0.3]), np.array([-1.0]), 0.5, 0.5),
    (np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[0.1, 0.2], [0.3, 0.4]]),
     np.array([[1.0, -1.0], [0.5, 0.0]]), 0.01, 0.99),
]


@exercise("07", "momentum_step", points=2)
def momentum_step(student_momentum_step):
    """Check momentum_step(w, velocity, grad, learning_rate, momentum) -> (w_new, v_new)."""
    for w, v, g, lr, beta in MOMENTUM_CASES:
        inputs = {"case": f"w {_short(w)}, v {_short(v)}, g {_short(g)}, lr {lr}, m {beta}"}
        args = (w.copy(), v.copy(), g.copy())
        got = call(student_momentum_step, *args, lr, beta)
        expect_true(isinstance(got, (tuple, list)) and len(got) == 2,
                    f"expected a pair (w_new, v_new), got {type(got).__name__}",
                    hint="return w_new, v_new")
        got_w, got_v = got
        v_new = beta * v - lr * g
        hint_v = diagnose(got_v, [
            (beta * v + lr * g, "move AGAINST the gradient: - lr * g."),
            (v - lr * g, "multiply the old velocity by momentum."),
            ((1 - beta) * v - lr * g, "multiply by momentum, not 1 - momentum."),
        ], "v_new = momentum * velocity - learning_rate * grad.")
        expect_close(got_v, v_new, what="v_new", inputs=inputs, hint=hint_v)
        hint_w = diagnose(got_w, [
            (beta * w - lr * g, "momentum * w - lr * g is NOT momentum."),
            (w + v, "add the NEW velocity: w_new = w + v_new."),
            (w - v_new, "add the velocity (it points downhill): w + v_new."),
        ], "w_new = w + v_new.")
        expect_close(got_w, w + v_new, what="w_new", inputs=inputs, hint=hint_w)
        _unchanged(("w", "velocity", "grad"), (w, v, g), args)


# ---------------------------------------------------------------------------
# Exercise 3: a step-decay schedule
# ---------------------------------------------------------------------------

DECAY_CASES = [(0.1, 0.5, 10, 0), (0.1, 0.5, 10, 9), (0.1, 0.5, 10, 10), (0.1, 0.5, 10, 25),
               (1.0, 0.1, 3, 7), (0.01, 0.9, 1, 4)]


@exercise("07", "step_decay", points=1)
def step_decay(student_step_decay):
    """Check step_decay(initial_lr, drop, epochs_per_drop, epoch) = lr0 * drop**floor(e / k)."""
    for lr0, drop, k, epoch in DECAY_CASES:
        got = call(student_step_decay, lr0, drop, k, epoch)
        want = lr0 * drop ** math.floor(epoch / k)
        hint = diagnose(got, [
            (lr0 * drop ** (epoch / k), "round the exponent DOWN: floor(epoch / epochs_per_drop)."),
            (lr0 * drop ** math.floor((1 + epoch) / k), ("off by one: the first drop is at epoch "
                                                        "= epochs_per_drop.")),
            (lr0 * drop ** epoch, "it drops every epochs_per_drop epochs, not every epoch."),
            (lr0 * (1 - drop) ** math.floor(epoch / k), "multiply by drop, not by 1 - drop."),
        ], "initial_lr * drop ** floor(epoch / epochs_per_drop).")
        expect_close(got, want, what="the rate",
                     inputs={"case": f"step_decay({lr0}, {drop}, {k}, epoch={epoch})"},
                     hint=hint)


# ---------------------------------------------------------------------------
# Exercise 4: Adam, against known trajectories
# ---------------------------------------------------------------------------

def _ravine_grad(w):
    return np.array([w[0], 20.0 * w[1]])


def _rosenbrock_grad(w):
    x, y = w
    return np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])


def _quadratic_3d_grad(w):
    return np.array([2.0, 0.5, 8.0]) * w - np.array([1.0, 0.0, -2.0])


ADAM_CASES = [  # (name, grad_fn, w0, steps, learning_rate, beta_1, beta_2, epsilon)
    ("ravine", _ravine_grad, (-4.5, 1.0), 30, 0.3, 0.9, 0.999, 1e-7),
    ("rosenbrock", _rosenbrock_grad, (-1.5, 2.0), 50, 0.05, 0.9, 0.999, 1e-7),
    ("a 3-D quadratic", _quadratic_3d_grad, (1.0, -1.0, 0.5), 20, 0.1, 0.8, 0.99, 1e-8),
]


def reference_adam(grad_fn, w0, steps, learning_rate, beta_1, beta_2, epsilon):
    """The points (steps + 1, D) that nnedu's Adam (Keras' formulas) visits from w0."""
    opt = Adam(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)
    w = np.array(w0, dtype=float)
    points = [w.copy()]
    for _ in range(steps):
        opt.step([w], [grad_fn(w.copy())])
        points.append(w.copy())
    return np.array(points)


def _adam_variant(grad_fn, w0, steps, lr, b1, b2, eps, bias_correction=True, t0=1,
                  square=True):
    """Adam with a typical mistake switched on (for naming it)."""
    w = np.array(w0, dtype=float)
    m, v, points = np.zeros_like(w), np.zeros_like(w), [w.copy()]
    with np.errstate(all="ignore"):
        for t in range(t0, t0 + steps):
            g = grad_fn(w.copy())
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * (g * g if square else g)
            m_hat, v_hat = (m / (1 - b1**t), v / (1 - b2**t)) if bias_correction else (m, v)
            w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
            points.append(w.copy())
    return np.array(points)


@exercise("07", "adam_trajectory", points=2)
def adam_trajectory(student_adam):
    """Check adam_trajectory(grad_fn, w0, steps, ...) -> the points (steps + 1, D) visited."""
    for name, grad_fn, w0, steps, lr, b1, b2, eps in ADAM_CASES:
        want = reference_adam(grad_fn, w0, steps, lr, b1, b2, eps)
        w0_in = np.array(w0, dtype=float)
        got = call(student_adam, grad_fn, w0_in, steps, lr, b1, b2, eps)
        args = (grad_fn, w0, steps, lr, b1, b2, eps)
        textbook = _adam_variant(*args)  # m_hat / (sqrt(v_hat) + eps): within 1e-5 of Keras'
        hint = diagnose(got, [
            (_adam_variant(*args, bias_correction=False),
             "the bias correction is missing: m / (1 - beta_1**t), ..."),
            (_adam_variant(*args, t0=0), "count the steps from t = 1."),
            (_adam_variant(*args, square=False), "v averages the SQUARED gradients, g * g."),
            *[(points[:-1], "return steps + 1 points, the start w0 first.")
              for points in (want, textbook)],
            *[(points[1:], "the first row must be the start w0.") for points in (want, textbook)],
        ], "m = beta_1 m + (1 - beta_1) g; v = beta_2 v + (1 - beta_2) g**2; "
           "w -= lr * m_hat / (sqrt(v_hat) + epsilon), m_hat = m / (1 - beta_1**t), ...",
           equal_nan=True)
        expect_close(got, want, what="the points",
                     inputs={"case": f"the {name}, lr {lr}"},
                     hint=hint, atol=1e-5, rtol=1e-4)
        expect_true(np.array_equal(w0_in, np.array(w0, dtype=float)),
                    "your function changed the array w0 that was passed in",
                    hint="start from a copy: np.array(w0, dtype=float).")


# ---------------------------------------------------------------------------
# Exercise 5: mini-batches
# ---------------------------------------------------------------------------

def reference_minibatches(X, y, batch_size, seed):
    order = np.random.default_rng(seed).permutation(len(X))
    return [(X[order[i:i + batch_size]], y[order[i:i + batch_size]])
            for i in range(0, len(X), batch_size)]


def _as_batches(got):
    """The student's batches as a list of (X_batch, y_batch) arrays (a generator is fine)."""
    try:
        batches = [(np.asarray(xb), np.asarray(yb)) for xb, yb in got]
    except (TypeError, ValueError):
        raise CheckFailed(f"expected a list of (X_batch, y_batch) pairs, got "
                          f"{type(got).__name__}") from None
    return batches


MINIBATCH_CASES = [(1000, 10, 0), (1050, 100, 1), (7, 3, 2), (5, 8, 3)]


@exercise("07", "minibatches", points=2)
def minibatches(student_minibatches):
    """Check minibatches(X, y, batch_size, seed): shuffled with permutation(N), last batch kept."""
    for n, b, seed in MINIBATCH_CASES:
        X = np.arange(2 * n, dtype=float).reshape(n, 2)
        y = np.arange(n)
        X_in, y_in = X.copy(), y.copy()
        batches = _as_batches(call(student_minibatches, X_in, y_in, b, seed))
        want = reference_minibatches(X, y, b, seed)
        inputs = {"case": f"N = {n}, batch_size = {b}"}
        where = f"N = {n}, batch_size = {b}"
        sizes = [len(yb) for _, yb in batches]
        want_sizes = [len(yb) for _, yb in want]
        hint = diagnose(sizes, [
            (want_sizes[:-1], f"keep the last, smaller batch: {len(want)} batches."),
            ([b] * len(want_sizes), "the last batch holds only the samples that are left."),
        ], f"ceil(N / batch_size) = {len(want)} batches.")
        expect_equal(sizes, want_sizes, what="the batch sizes", inputs=inputs, hint=hint)
        for (xb, yb) in batches:
            expect_true(matches(xb, X[yb.astype(int)]),
                        f"for {where}: rows of X_batch do not belong to y_batch",
                        hint="index X and y with the SAME order: X[index], y[index].")
        got_order = np.concatenate([yb for _, yb in batches])
        hint = diagnose(got_order, [
            (np.arange(n), "the samples are in their original order: shuffle them."),
        ], "order = np.random.default_rng(seed).permutation(N).")
        expect_close(got_order, np.concatenate([yb for _, yb in want]),
                     what="the order", inputs=inputs, hint=hint)
        _unchanged(("X", "y"), (X, y), (X_in, y_in))


# ---------------------------------------------------------------------------
# Exercise 6: putting it together, mini-batch SGD for least squares
# ---------------------------------------------------------------------------

def reference_minibatch_sgd(X, y, w0, learning_rate, batch_size, epochs, seed):
    w, losses = np.array(w0, dtype=float), []
    for epoch in range(epochs):
        for xb, yb in reference_minibatches(X, y, batch_size, seed + epoch):
            w = w - learning_rate * 2 / len(xb) * xb.T @ (xb @ w - yb)
        losses.append(float(np.mean((X @ w - y) ** 2)))
    return w, losses


def _sgd_variant(X, y, w0, lr, b, epochs, seed, mean=True, same_seed=False, sign=1):
    w, losses = np.array(w0, dtype=float), []
    with np.errstate(all="ignore"):
        for epoch in range(epochs):
            for xb, yb in reference_minibatches(X, y, b, seed if same_seed else seed + epoch):
                scale = 2 / len(xb) if mean else 2
                w = w - sign * lr * scale * xb.T @ (xb @ w - yb)
            losses.append(float(np.mean((X @ w - y) ** 2)))
    return w, losses


def _regression_data(n, d, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    return X, X @ np.arange(1.0, d + 1) + 0.1 * rng.normal(size=n)


SGD_CASES = [(100, 2, 0.05, 10, 3, 0), (57, 3, 0.02, 8, 4, 5), (40, 1, 0.1, 40, 2, 9)]


@exercise("07", "minibatch_sgd", points=2)
def minibatch_sgd(student_sgd):
    """Check minibatch_sgd(X, y, w0, learning_rate, batch_size, epochs, seed) -> (w, losses)."""
    for n, d, lr, b, epochs, seed in SGD_CASES:
        X, y = _regression_data(n, d, seed)
        w0 = np.zeros(d)
        args = (X.copy(), y.copy(), w0.copy())
        got = call(student_sgd, *args, lr, b, epochs, seed)
        expect_true(isinstance(got, (tuple, list)) and len(got) == 2,
                    f"expected a pair (w, losses), got {type(got).__name__}",
                    hint="return w, losses")
        got_w, got_losses = got
        want_w, want_losses = reference_minibatch_sgd(X, y, w0, lr, b, epochs, seed)
        inputs = {"case": f"N = {n}, lr {lr}, batch {b}, {epochs} epochs, seed {seed}"}
        call_args = (X, y, w0, lr, b, epochs, seed)
        hint = diagnose(got_w, [
            (_sgd_variant(*call_args, mean=False)[0], ("a MEAN over the batch: divide by the "
                                                      "batch size B.")),
            (_sgd_variant(*call_args, same_seed=True)[0], ("use a new order every epoch: seed + "
                                                          "epoch.")),
            (_sgd_variant(*call_args, sign=-1)[0], "step against the gradient."),
        ], "each batch: w = w - lr * 2 / B * X_b.T @ (X_b @ w - y_b).",
           equal_nan=True)
        expect_close(got_w, want_w, what="w", inputs=inputs, hint=hint)
        expect_close(got_losses, want_losses, what="the losses", inputs=inputs,
                     hint="after each epoch: np.mean((X @ w - y) ** 2) on ALL of X.")
        _unchanged(("X", "y", "w0"), (X, y, w0), args)

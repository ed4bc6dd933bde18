"""Checks for chapter 04, loss functions, softmax and cross-entropy.

Six exercises, easy to hard:

- ``one_hot(labels, num_classes)``: integer labels (N,) -> one-hot rows (N, K);
- ``softmax(z)``: the stable softmax of every row of the logits (N, K);
- ``binary_cross_entropy(y, p)``: the mean BCE of probabilities p for 0/1 labels y;
- ``cross_entropy_from_logits(z, labels)``: the mean cross-entropy of softmax(z),
  computed stably (log-sum-exp) from logits (N, K) and integer labels (N,);
- ``cross_entropy_gradient(z, labels)``: its gradient (p - y) / N, shape (N, K);
- ``train_step(W, b, X, labels, learning_rate)``: one gradient-descent step of
  softmax regression; returns (new W, new b, the loss before the step).

Losses are MEANS over the batch (as Keras and ``nnedu.losses``). When an answer is
wrong, each check recomputes the typical wrong answers (a sum instead of the mean,
the sign flipped, the naive softmax that overflows, ...) and names the mistake.
"""

import numpy as np

from nnedu.checks._core import (
    _fmt,
    call,
    diagnose,
    exercise,
    expect_close,
    expect_true,
    matches,
)

# ---------------------------------------------------------------------------
# Reference answers (written out here so that each check reads on its own)
# ---------------------------------------------------------------------------


def _one_hot(labels, k):
    """Reference one-hot: (N,) ints -> (N, k) floats."""
    out = np.zeros((len(labels), k))
    out[np.arange(len(labels)), labels] = 1.0
    return out


def _log_softmax(z):
    """Stable log softmax of every row: z - max - log sum exp(z - max)."""
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _softmax(z):
    return np.exp(_log_softmax(z))


def _cross_entropy(z, labels):
    return float(-np.mean(_log_softmax(z)[np.arange(len(labels)), labels]))


def _gradient(z, labels):
    return (_softmax(z) - _one_hot(labels, z.shape[1])) / len(labels)


def _quiet(fn, *args):
    """fn(*args) with floating-point warnings silenced (to compute a naive wrong answer)."""
    with np.errstate(all="ignore"):
        try:
            return fn(*args)
        except (ValueError, IndexError, FloatingPointError):
            return None


def _not_finite_hint(got, hint):
    """A hint about overflow when the answer holds nan or inf, else ``hint``."""
    try:
        finite = bool(np.all(np.isfinite(np.asarray(got, dtype=float))))
    except (TypeError, ValueError):
        return hint
    if finite:
        return hint
    return "nan or inf: e^z overflows. Subtract each row's maximum first."


def _expect_unchanged(z_in, z, name):
    """Fail when the student's function changed its input array z."""
    expect_true(np.array_equal(z_in, z), f"your {name} changed the z passed in",
                hint="build new arrays (shifted = z - m), not z -= m or z[...] -= 1.")


# ---------------------------------------------------------------------------
# Exercise 1: one-hot
# ---------------------------------------------------------------------------

@exercise("04", "one_hot", points=1)
def one_hot(student_one_hot):
    """Check one_hot(labels, num_classes): (N,) ints -> (N, num_classes), a 1 per row."""
    cases = [
        (np.array([0, 1, 2]), 3),
        (np.array([2, 0, 1, 1]), 3),
        (np.array([1, 1]), 4),               # the largest class does not occur
        (np.array([3, 0, 9, 4, 4, 7]), 10),
    ]
    for labels, k in cases:
        want = _one_hot(labels, k)
        got = call(student_one_hot, labels.copy(), k)
        hint = diagnose(got, [
            (want.T, "transposed: one ROW per label, shape (N, num_classes)."),
            (_one_hot(labels, labels.max() + 1), "use num_classes columns, not labels.max() + 1."),
            (np.roll(want, -1, axis=1), ("classes are numbered from 0: label 0 puts its 1 in "
                                        "column 0.")),
        ], "row i is all zeros except a 1 in column labels[i].")
        expect_close(got, want, what="one_hot", inputs={"labels": labels, "num_classes": k},
                     hint=hint)
        expect_true(np.asarray(got).dtype.kind == "f",
                    f"expected a float array, got dtype {np.asarray(got).dtype}",
                    hint="start from np.zeros((N, num_classes)), which is float.")


# ---------------------------------------------------------------------------
# Exercise 2: the stable softmax
# ---------------------------------------------------------------------------

def _global_max_softmax(z):
    """The wrong stabilization: the maximum of the whole array, not of each row."""
    e = np.exp(z - z.max())
    return e / e.sum(axis=1, keepdims=True)


def _same_with_nan(got, value):
    """Like matches, but nan in the same places counts as equal."""
    try:
        got_arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    if value is None or not matches(np.nan_to_num(got_arr), np.nan_to_num(value)):
        return False
    return bool(np.array_equal(np.isnan(got_arr), np.isnan(value)))


@exercise("04", "softmax", points=1)
def softmax(student_softmax):
    """Check softmax(z) row by row on (N, K) logits, including z = 1000 (overflow)."""
    cases = [
        ("one row", np.array([[2.0, 1.0, 0.1]])),
        ("two rows", np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])),
        ("three rows, four classes", np.array([[1.0, -1.0, 0.5, 2.0], [3.0, 3.0, 0.0, -2.0],
                                               [0.1, 0.2, 0.3, 0.4]])),
        ("large logits", np.array([[1000.0, 999.0, 998.1]])),
        ("very different rows", np.array([[1000.0, 0.0], [-1000.0, -1001.0]])),
    ]
    for name, z in cases:
        want = _softmax(z)
        z_in = z.copy()
        got = call(student_softmax, z_in)
        hint = diagnose(got, [
            (_quiet(lambda v: np.exp(v) / np.exp(v).sum(axis=0, keepdims=True), z),
             "normalize each ROW: sum over axis=1 (keepdims=True), not axis=0."),
            (_quiet(lambda v: np.exp(v) / np.exp(v).sum(), z),
             "normalize each ROW: np.sum(e, axis=1, keepdims=True), not the whole sum."),
            (_quiet(lambda v: v / v.sum(axis=1, keepdims=True), z),
             "take the exponential first: p = e^z / sum e^z."),
        ], None) or _not_finite_hint(got, "p = e^(z - m) / sum e^(z - m) per row, m the row's "
                                          "maximum.")
        if _same_with_nan(got, _quiet(_global_max_softmax, z)):
            hint = "subtract each ROW's maximum, not the whole array's (0 / 0 far below)."
        expect_close(got, want, what="softmax(z)", inputs={"case": name}, hint=hint)
        _expect_unchanged(z_in, z, "softmax")


# ---------------------------------------------------------------------------
# Exercise 3: binary cross-entropy
# ---------------------------------------------------------------------------

@exercise("04", "binary_cross_entropy", points=1)
def binary_cross_entropy(student_bce):
    """Check binary_cross_entropy(y, p) = -mean(y log p + (1 - y) log(1 - p))."""
    cases = [
        (np.array([1.0]), np.array([0.8])),
        (np.array([0.0]), np.array([0.8])),
        (np.array([1.0, 0.0, 1.0, 0.0]), np.array([0.9, 0.2, 0.3, 0.6])),
        (np.array([0.0, 1.0, 1.0, 1.0, 0.0, 0.0]), np.array([0.01, 0.99, 0.5, 0.7, 0.45, 0.2])),
    ]
    for y, p in cases:
        terms = y * np.log(p) + (1 - y) * np.log(1 - p)
        want = float(-np.mean(terms))
        got = call(student_bce, y.copy(), p.copy())
        hint = diagnose(got, [
            (float(np.mean(terms)), ("the sign is flipped: the loss is MINUS the mean, a "
                                    "positive number.")),
            (float(-np.sum(terms)), "take the MEAN over the examples, not the sum."),
            (float(-np.mean(y * np.log(p))), ("add the (1 - y) log(1 - p) term: label-0 examples "
                                             "cost too.")),
            (float(-np.mean(y * np.log10(p) + (1 - y) * np.log10(1 - p))),
             "use the natural logarithm np.log, not np.log10."),
        ], "-mean(y * log(p) + (1 - y) * log(1 - p)).")
        expect_close(got, want, what="the loss", inputs={"y": y, "p": p}, hint=hint)


# ---------------------------------------------------------------------------
# Exercise 4: cross-entropy from logits
# ---------------------------------------------------------------------------

@exercise("04", "cross_entropy_from_logits", points=2)
def cross_entropy_from_logits(student_ce):
    """Check the mean cross-entropy of softmax(z) for integer labels, stable at z = 1000."""
    cases = [
        ("one example", np.array([[2.0, 1.0, 0.1]]), np.array([0])),
        ("three examples", np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0], [0.0, 0.0, 0.0]]),
         np.array([2, 1, 0])),
        ("five examples, four classes", np.random.default_rng(4).normal(0, 2, size=(5, 4)),
         np.array([0, 3, 1, 1, 2])),
        ("large logits", np.array([[1000.0, 0.0, -1000.0], [5.0, 1005.0, 0.0]]),
         np.array([0, 0])),
    ]
    for name, z, labels in cases:
        want = _cross_entropy(z, labels)
        got = call(student_ce, z.copy(), labels.copy())
        picked = _log_softmax(z)[np.arange(len(labels)), labels]
        rows = np.arange(len(labels))
        hint = diagnose(got, [
            (float(np.mean(picked)), "the sign is flipped: -log p of the true class is positive."),
            (float(-np.sum(picked)), "take the MEAN over the examples, not the sum."),
            (float(-np.mean(_log_softmax(z)[:, 0])), ("pick each example's OWN label: "
                                                     "log_p[np.arange(N), labels].")),
            (float(-np.mean(_log_softmax(z).sum(axis=1))),
             "only the true class counts: -log p[true], not a sum over classes."),
            (_quiet(lambda v, r, k: float(-np.mean(np.log(_softmax(v)[r, k]))), z, rows, labels),
             ("log(softmax) is log 0 = -inf when p underflows: use log-sum-exp, "
             "z - m - log(sum(exp(z - m))).")),
        ], None) or _not_finite_hint(got, "the mean of -log p[true], with log p = z - m - "
                                          "log(sum(exp(z - m))), m the row max.")
        expect_close(got, want, what="the loss", inputs={"case": name}, hint=hint)


# ---------------------------------------------------------------------------
# Exercise 5: its gradient
# ---------------------------------------------------------------------------

@exercise("04", "cross_entropy_gradient", points=2)
def cross_entropy_gradient(student_gradient):
    """Check cross_entropy_gradient(z, labels) = (softmax(z) - one_hot(labels)) / N."""
    cases = [
        ("one example", np.array([[2.0, 1.0, 0.1]]), np.array([0])),
        ("three examples", np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0], [0.0, 0.0, 0.0]]),
         np.array([2, 1, 0])),
        ("five examples, four classes", np.random.default_rng(5).normal(0, 2, size=(5, 4)),
         np.array([0, 3, 1, 1, 2])),
        ("large logits", np.array([[1000.0, 0.0, -1000.0], [5.0, 1005.0, 0.0]]),
         np.array([0, 0])),
    ]
    for name, z, labels in cases:
        want = _gradient(z, labels)
        n = len(labels)
        p, y = _softmax(z), _one_hot(labels, z.shape[1])
        z_in = z.copy()
        got = call(student_gradient, z_in, labels.copy())
        hint = diagnose(got, [
            ((p - y) if n > 1 else None, ("divide by N: the loss is a MEAN, so its gradient is "
                                         "(p - y) / N.")),
            ((y - p) / n, "the sign is flipped: the gradient is p - y, not y - p."),
            (p / n, "subtract the one-hot labels: (p - y) / N."),
        ], None) or _not_finite_hint(got, "(softmax(z) - one_hot(labels)) / N, shape (N, K).")
        expect_close(got, want, what="dL/dz", inputs={"case": name}, hint=hint)
        _expect_unchanged(z_in, z, "cross_entropy_gradient")
    _check_gradient_rows(student_gradient)


def _check_gradient_rows(student_gradient):
    """Each row of p - y sums to 0: a property check on random logits."""
    rng = np.random.default_rng(6)
    z, labels = rng.normal(0, 3, size=(7, 5)), rng.integers(0, 5, size=7)
    got = np.asarray(call(student_gradient, z, labels), dtype=float)
    sums = np.round(got.sum(axis=-1), 6) if got.ndim else got
    expect_true(got.shape == (7, 5) and np.allclose(got.sum(axis=1), 0.0, atol=1e-12),
                f"for random logits (7, 5), the rows of your gradient sum to {_fmt(sums)}",
                hint="p and the one-hot y both sum to 1 per row, so p - y sums to 0.")


# ---------------------------------------------------------------------------
# Exercise 6: putting it together, one training step of softmax regression
# ---------------------------------------------------------------------------

def _train_step(W, b, X, labels, learning_rate):
    """Reference: logits, loss, (p - y) / N, dW = X^T dz, db = sum dz; one step down."""
    z = X @ W + b
    dz = _gradient(z, labels)
    return W - learning_rate * (X.T @ dz), b - learning_rate * dz.sum(axis=0), \
        _cross_entropy(z, labels)


@exercise("04", "train_step", points=2)
def train_step(student_train_step):
    """Check train_step(W, b, X, labels, learning_rate) -> (W_new, b_new, loss before)."""
    rng = np.random.default_rng(40)
    cases = []
    for n, d, k in [(1, 2, 2), (4, 2, 3), (8, 5, 4)]:
        cases.append((rng.normal(size=(d, k)), rng.normal(size=k), rng.normal(size=(n, d)),
                      rng.integers(0, k, size=n), 0.5))
    for W, b, X, labels, lr in cases:
        want_W, want_b, want_loss = _train_step(W, b, X, labels, lr)
        W_in, b_in = W.copy(), b.copy()
        got = call(student_train_step, W_in, b_in, X.copy(), labels.copy(), lr)
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            expect_true(False, f"expected a tuple (W_new, b_new, loss), got {_fmt(got)}",
                        hint="end with `return W_new, b_new, loss`.")
        # in place first: W -= ... or b -= ... also makes the returned values look right
        for name, passed_in, original in [("W", W_in, W), ("b", b_in, b)]:
            expect_true(np.array_equal(passed_in, original),
                        f"your train_step changed the {name} passed in ({name} -= ...)",
                        hint=f"return a new array, {name}_new = {name} - ..., not {name} -= ...")
        got_W, got_b, got_loss = got
        inputs = {"case": f"N = {X.shape[0]}, D = {X.shape[1]}, K = {W.shape[1]} (rate {lr})"}
        dz = _gradient(X @ W + b, labels)
        hint_W = diagnose(got_W, [
            (W + lr * (X.T @ dz), "you stepped UPHILL: W - learning_rate * dW."),
            (W - (X.T @ dz), "multiply the gradient by learning_rate."),
            (W - lr * (X.T @ (dz * len(labels))) if len(labels) > 1 else None,
             "the loss is a MEAN: dz = (p - y) / N."),
            (W, "W did not change: W_new = W - learning_rate * X.T @ dz."),
        ], "dz = (softmax(X @ W + b) - one_hot) / N, W_new = W - learning_rate * X.T @ dz.")
        expect_close(got_W, want_W, what="W_new", inputs=inputs, hint=hint_W)
        hint_b = diagnose(got_b, [
            (b, "update the bias: b - learning_rate * dz.sum(axis=0)."),
            (b + lr * dz.sum(axis=0), "the bias stepped uphill: subtract its gradient."),
        ], "db = dz.sum(axis=0), one number per class; b_new = b - learning_rate * db.")
        expect_close(got_b, want_b, what="b_new", inputs=inputs, hint=hint_b)
        after = _cross_entropy(X @ want_W + want_b, labels)
        hint_loss = diagnose(got_loss, [
            (after, "return the loss BEFORE the update (from the old W and b)."),
        ], "the mean cross-entropy of softmax(X @ W + b), before the step.")
        expect_close(got_loss, want_loss, what="the loss", inputs=inputs, hint=hint_loss)

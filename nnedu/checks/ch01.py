"""Checks for chapter 01, the perceptron.

Five exercises, easy to hard:

- ``predict(w, b, X)``: the step of the weighted sum, one 0/1 per row of X;
- ``update(w, b, x, y, learning_rate)``: one perceptron learning step;
- ``train(X, y, epochs, learning_rate)``: the whole training loop;
- ``separates(w, b, X, y)``: does the line w . x + b = 0 classify every row right?
- ``find_separator(X, y, values)``: search a grid of weights and biases for a
  separating line (none exists for XOR; one does for AND, OR, NAND, NOR).

Conventions (the same as ``nnedu.perceptron.Perceptron``): labels are 0 and 1,
the neuron fires (outputs 1) when z = w . x + b >= 0, and training starts from
w = 0, b = 0.

When an answer is wrong, each check recomputes the typical wrong answers
(no bias, ``>`` instead of ``>=``, the wrong sign, ...) and, if the student's
result matches one of them, names that mistake in the hint.
"""

import itertools

import numpy as np

from nnedu.checks._core import (
    CheckFailed,
    _fmt,
    call,
    diagnose,
    exercise,
    expect_close,
    expect_equal,
    expect_true,
)
from nnedu.perceptron import Perceptron

# The four inputs of a two-input logic gate and the gates' outputs, in that row order.
GATE_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
GATES = {
    "and": np.array([0, 0, 0, 1]),
    "or": np.array([0, 1, 1, 1]),
    "nand": np.array([1, 1, 1, 0]),
    "nor": np.array([1, 0, 0, 0]),
    "xor": np.array([0, 1, 1, 0]),
}


# ---------------------------------------------------------------------------
# Reference answers (written out here so that each check reads on its own)
# ---------------------------------------------------------------------------

def _step(z):
    """1 where z >= 0, else 0 (int array)."""
    return (np.asarray(z) >= 0).astype(np.int64)


def _predict(w, b, X):
    """Reference: step(X @ w + b), shape (N,)."""
    return _step(X @ w + b)


def _separates(w, b, X, y):
    """Reference: True when every row of X gets its label y."""
    return bool(np.all(_predict(w, b, X) == y))


# ---------------------------------------------------------------------------
# Exercise 1: predict
# ---------------------------------------------------------------------------

@exercise("01", "predict", points=1)
def predict(student_predict):
    """Check predict(w, b, X) = step(X @ w + b): one 0/1 per row of X (N, D) -> (N,)."""
    rng = np.random.default_rng(1)
    cases = [
        ("AND neuron (w = [1, 1], b = -1.5)", np.array([1.0, 1.0]), -1.5, GATE_X),
        ("OR neuron (w = [1, 1], b = -0.5)", np.array([1.0, 1.0]), -0.5, GATE_X),
        ("w = [0, 0], b = -1", np.array([0.0, 0.0]), -1.0, GATE_X),
        ("points on the line (w = [1, -1], b = 0)", np.array([1.0, -1.0]), 0.0, GATE_X),
        ("5 samples, 3 features", np.array([0.5, -1.0, 2.0]), 0.25,
         rng.integers(-2, 3, size=(5, 3)).astype(float)),
    ]
    for name, w, b, X in cases:
        z = X @ w + b
        want = _step(z)
        got = _call_with_hint(student_predict, (w.copy(), b, X.copy()),
                              "write X @ w, not w @ X: X is (N, D), one row per sample.")
        hint = diagnose(got, [
            (_step(X @ w), "did you forget the bias? z = X @ w + b."),
            ((z > 0).astype(int), "z = 0 counts as firing: use z >= 0, not z > 0."),
            (z, "apply the step: 1 where z >= 0, else 0, not z."),
            (1 - want, "the step is the wrong way round: z >= 0 gives 1, z < 0 gives 0."),
        ], "1 where X @ w + b >= 0, else 0: one value per row of X.")
        expect_close(got, want, what="predict(w, b, X)",
                     inputs={"case": name}, hint=hint)


def _call_with_hint(student_fn, args, hint):
    """call() the student's function; when it crashes, add ``hint`` to the message."""
    try:
        return call(student_fn, *args)
    except CheckFailed as err:
        expect_true(False, err.message, hint=hint)


# ---------------------------------------------------------------------------
# Exercise 2: one update step
# ---------------------------------------------------------------------------

@exercise("01", "update", points=1)
def update(student_update):
    """Check update(w, b, x, y, learning_rate) -> (new w, new b): one perceptron step."""
    cases = [
        # (w, b, x, y, learning_rate): right answer / missed a 1 / fired on a 0 / alpha / z = 0
        (np.array([1.0, 1.0]), -1.5, np.array([1.0, 1.0]), 1, 1.0),
        (np.array([0.0, 0.0]), -1.0, np.array([1.0, 1.0]), 1, 1.0),
        (np.array([1.0, 1.0]), 0.0, np.array([1.0, 0.0]), 0, 1.0),
        (np.array([0.5, -0.25]), 0.5, np.array([2.0, 1.0]), 0, 0.5),
        (np.array([1.0, -1.0]), 0.0, np.array([1.0, 1.0]), 0, 1.0),      # z = 0 fires
        (np.array([0.2, 0.1, -0.3]), -0.5, np.array([1.0, -2.0, 0.5]), 1, 0.1),
    ]
    for w, b, x, y, alpha in cases:
        z = float(x @ w + b)
        y_hat = int(z >= 0)
        want_w, want_b = w + alpha * (y - y_hat) * x, b + alpha * (y - y_hat)
        w_in = w.copy()
        got = call(student_update, w_in, b, x.copy(), y, alpha)
        inputs = {"w": w, "b": b, "x": x, "y": y}
        if alpha != 1.0:
            inputs["learning_rate"] = alpha
        got_w, got_b = _unpack_pair(got, "update")
        if np.ndim(got_w) == 0 and np.ndim(got_b) == 1:
            expect_true(False, f"expected (w_new, b_new), got a number first and an array "
                               f"second ({_fmt(got_w)}, {_fmt(got_b)})",
                        hint="the pair is swapped: end with `return w_new, b_new`.")
        hint_w = diagnose(got_w, [
            (w + alpha * (y - int(z > 0)) * x if z == 0 else None,
             "z = 0 counts as firing: y_hat = 1 when w . x + b >= 0."),
            (w - alpha * (y - y_hat) * x, "the sign is flipped: w + learning_rate * (y - y_hat) * x."),
            (w + (y - y_hat) * x, "multiply by learning_rate."),
            (w + alpha * (y - z) * x, "in y - y_hat use the step output (0 or 1), not z."),
            (w + alpha * y * x, "change w by the error y - y_hat only: a right answer changes nothing."),
        ], "w + learning_rate * (y - y_hat) * x, with y_hat = 1 if w . x + b >= 0 else 0.")
        expect_close(got_w, want_w, what="w_new", inputs=inputs, hint=hint_w)
        hint_b = diagnose(got_b, [
            (b, "update the bias too: b + learning_rate * (y - y_hat)."),
            (b - alpha * (y - y_hat), "the sign of the bias update is flipped."),
        ], "b + learning_rate * (y - y_hat).")
        expect_close(got_b, want_b, what="b_new", inputs=inputs, hint=hint_b)
        expect_true(np.array_equal(w_in, w),
                    f"for w = {_fmt(w)}, your function changed the w passed in "
                    f"(to {_fmt(w_in)})",
                    hint="return a new array, w + ..., instead of w += ... (the caller "
                         "may still need w).")


def _unpack_pair(got, name):
    """Split a returned (w, b) pair, or fail with a message that says what came back."""
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        expect_true(False, f"expected {name} to return a pair (w, b), got "
                           f"{type(got).__name__} {_fmt(got)}",
                    hint="end with `return w, b`.")
    return got[0], got[1]


# ---------------------------------------------------------------------------
# Exercise 3: the training loop
# ---------------------------------------------------------------------------

def _train_cases():
    """(name, X, y, epochs, learning_rate) for the training check, easy to hard."""
    rng = np.random.default_rng(3)
    # 30 points in 2-D on a grid of quarters, labelled by a line with a margin: separable,
    # and every sum the perceptron forms is exact in floating point (no ties decided by
    # rounding), so any correct implementation matches the reference exactly.
    points = rng.integers(-8, 9, size=(60, 2)) / 4.0
    score = points @ np.array([1.0, -2.0]) + 0.5
    keep = np.abs(score) >= 0.5
    X_sep, y_sep = points[keep][:30], (score[keep][:30] > 0).astype(int)
    return [
        ("AND", GATE_X, GATES["and"], 100, 1.0),
        ("OR", GATE_X, GATES["or"], 100, 1.0),
        ("NAND", GATE_X, GATES["nand"], 100, 0.5),
        ("XOR (never converges)", GATE_X, GATES["xor"], 12, 1.0),
        ("30 separable points", X_sep, y_sep, 100, 0.25),
    ]


def _errors_counted_after_the_update(X, y, epochs, learning_rate):
    """A typical wrong loop: it counts a mistake with the weights AFTER the update."""
    w, b, errors = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        mistakes = 0
        for x_i, y_i in zip(X, y):
            y_hat = int(x_i @ w + b >= 0)
            w, b = w + learning_rate * (y_i - y_hat) * x_i, b + learning_rate * (y_i - y_hat)
            mistakes += int(int(x_i @ w + b >= 0) != y_i)
        errors.append(mistakes)
        if mistakes == 0:
            break
    return errors


@exercise("01", "train", points=2)
def train(student_train):
    """Check train(X, y, epochs, learning_rate) -> (w, b, errors) against nnedu's Perceptron."""
    for name, X, y, epochs, alpha in _train_cases():
        reference = Perceptron(learning_rate=alpha).fit(X, y, epochs=epochs)
        want_errors = list(reference.errors_)
        got = call(student_train, X.copy(), y.copy(), epochs, alpha)
        inputs = {"data": name} if alpha == 1.0 else {"data": name, "learning_rate": alpha}
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            expect_true(False, f"for {name}, expected train to return (w, b, errors), got "
                               f"{type(got).__name__} {_fmt(got)}",
                        hint="end with `return w, b, errors`.")
        got_w, got_b, got_errors = got
        got_errors = [int(e) for e in np.asarray(got_errors).ravel()]
        stop_hint = "stop after an epoch without mistakes: `if mistakes == 0: break`."
        hint = diagnose(got_errors, [
            (want_errors + [0] * (epochs - len(want_errors)), stop_hint),
            (np.cumsum(want_errors), "reset the counter to 0 at the start of every epoch."),
            (_errors_counted_after_the_update(X, y, epochs, alpha),
             "count a mistake BEFORE the update: predict with the w and b the row met."),
        ], "start from w = 0, b = 0; visit the rows in order; count mistakes before updating.")
        if len(got_errors) == epochs and len(want_errors) < epochs:
            hint = stop_hint
        expect_equal(got_errors, want_errors, what="errors",
                     inputs=inputs, hint=hint)
        expect_close(got_w, reference.weights_, what="the final w", inputs=inputs,
                     hint="errors agree, w does not: start from w = 0; scale each update "
                          "by learning_rate.")
        expect_close(got_b, reference.bias_, what="the final b", inputs=inputs,
                     hint="w agrees but b does not: update b on every mistake.")


# ---------------------------------------------------------------------------
# Exercise 4: does a line separate the data?
# ---------------------------------------------------------------------------

@exercise("01", "separates", points=1)
def separates(student_separates):
    """Check separates(w, b, X, y) -> True when every row of X is classified as y says."""
    w11 = np.array([1.0, 1.0])
    cases = [
        ("AND with w = [1, 1], b = -1.5", w11, -1.5, GATE_X, GATES["and"]),
        ("AND with the OR line (one row wrong)", w11, -0.5, GATE_X, GATES["and"]),
        ("OR, w = [1, 1], b = -1 (two points on the line)", w11, -1.0, GATE_X, GATES["or"]),
        ("NAND with w = [1, 1], b = -1.5 (every row wrong)", w11, -1.5, GATE_X, GATES["nand"]),
        ("XOR with w = [1, 1], b = -0.5 (3 of 4 right)", w11, -0.5, GATE_X, GATES["xor"]),
        ("NOR with w = [-1, -1], b = 0.5", -w11, 0.5, GATE_X, GATES["nor"]),
    ]
    for name, w, b, X, y in cases:
        want = _separates(w, b, X, y)
        got = call(student_separates, w.copy(), b, X.copy(), y.copy())
        expect_true(np.ndim(got) == 0 and not isinstance(got, str),
                    f"for {name}, expected one True or False, got {_fmt(got)}",
                    hint="one bool for all the rows: bool(np.all(predict(w, b, X) == y)).")
        correct = _predict(w, b, X) == y
        if correct.any() and not correct.all():
            hint = "every row must be right: use all(...), not any(...)."
        elif not correct.any():
            hint = "a line that gets every row wrong does not separate the data."
        else:
            hint = "w . x + b = 0 gives 1, as in predict: right if the label is 1."
        expect_equal(bool(got), want, inputs={"case": name},
                     hint=hint)


# ---------------------------------------------------------------------------
# Exercise 5 (putting it together): search weight space for a separating line
# ---------------------------------------------------------------------------

def _reference_search(X, y, values):
    """The first (w, b) with w in values^D and b in values that separates (X, y), or None."""
    for *w, b in itertools.product(values, repeat=X.shape[1] + 1):
        if _separates(np.array(w), b, X, y):
            return np.array(w), b
    return None


@exercise("01", "find_separator", points=2)
def find_separator(student_find_separator):
    """Check find_separator(X, y, values) -> a (w, b) that separates, or None if none on the grid.

    Any separating (w, b) from the grid is accepted, not only the first in
    itertools.product order.
    """
    grid = np.linspace(-2.0, 2.0, 9)   # -2, -1.5, ..., 2
    X3 = np.array(list(itertools.product([0.0, 1.0], repeat=3)))
    majority = (X3.sum(axis=1) >= 2).astype(int)
    parity = (X3.sum(axis=1) % 2).astype(int)
    cases = [
        ("AND", GATE_X, GATES["and"], grid),
        ("OR", GATE_X, GATES["or"], grid),
        ("NAND", GATE_X, GATES["nand"], grid),
        ("NOR", GATE_X, GATES["nor"], grid),
        ("XOR", GATE_X, GATES["xor"], grid),
        ("AND, values = [0, 1] (no negative bias)", GATE_X, GATES["and"], np.array([0.0, 1.0])),
        ("majority of 3 inputs (D = 3)", X3, majority, grid),
        ("parity of 3 inputs (D = 3)", X3, parity, grid),
    ]
    for name, X, y, values in cases:
        found = _reference_search(X, y, values)
        got = _call_with_hint(student_find_separator, (X.copy(), y.copy(), values.copy()),
                              f"here D = {X.shape[1]}: do not assume D = 2; use "
                              "product(values, repeat=X.shape[1] + 1).")
        if found is None:
            expect_true(got is None, f"for {name}, no (w, b) on this grid separates the data: "
                                     f"expected None, got {_fmt(got)}",
                        hint="return None only after trying every candidate.")
            continue
        example = f"w = {_fmt(found[0])}, b = {_fmt(found[1])}"
        expect_true(got is not None and not isinstance(got, bool),
                    f"for {name}, expected a separating (w, b), e.g. {example}; got "
                    f"{_fmt(got)}",
                    hint="try every (w, b): product(values, repeat=D + 1).")
        w, b = _unpack_pair(got, "find_separator")
        w = np.asarray(w, dtype=float)
        expect_true(w.shape == (X.shape[1],),
                    f"for {name}, expected w of shape ({X.shape[1]},), got shape {w.shape}",
                    hint="one weight per feature: D = X.shape[1] weights.")
        wrong = int(np.sum(_predict(w, float(b), X) != y))
        expect_true(wrong == 0,
                    f"for {name}, your w = {_fmt(w)}, b = {_fmt(b)} gets {wrong} of {len(y)} "
                    f"rows wrong ({example} gets none)",
                    hint="return a (w, b) for which separates(w, b, X, y) is True.")

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
        ("the AND neuron", np.array([1.0, 1.0]), -1.5, GATE_X),
        ("the OR neuron", np.array([1.0, 1.0]), -0.5, GATE_X),
        ("zero weights, negative bias", np.array([0.0, 0.0]), -1.0, GATE_X),
        ("points exactly on the line", np.array([1.0, -1.0]), 0.0, GATE_X),
        ("5 samples, 3 features", np.array([0.5, -1.0, 2.0]), 0.25,
         rng.integers(-2, 3, size=(5, 3)).astype(float)),
    ]
    for name, w, b, X in cases:
        z = X @ w + b
        want = _step(z)
        got = call(student_predict, w.copy(), b, X.copy())
        hint = diagnose(got, [
            (_step(X @ w), "did you forget the bias? z = X @ w + b."),
            ((z > 0).astype(int), "z = 0 counts as firing: use z >= 0, not z > 0."),
            (z, "apply the step: return 1 where z >= 0 and 0 elsewhere, not z itself."),
            (1 - want, "the step is the wrong way round: z >= 0 gives 1, z < 0 gives 0."),
        ], "predict(w, b, X) = 1 where X @ w + b >= 0, else 0, one value per row of X.")
        expect_close(got, want, what="predict(w, b, X)",
                     inputs={"case": name, "w": w, "b": b, "X": X}, hint=hint)


# ---------------------------------------------------------------------------
# Exercise 2: one update step
# ---------------------------------------------------------------------------

@exercise("01", "update", points=1)
def update(student_update):
    """Check update(w, b, x, y, learning_rate) -> (new w, new b): one perceptron step."""
    cases = [
        # (w, b, x, y, learning_rate): right answer / missed a 1 / fired on a 0 / alpha
        (np.array([1.0, 1.0]), -1.5, np.array([1.0, 1.0]), 1, 1.0),
        (np.array([0.0, 0.0]), -1.0, np.array([1.0, 1.0]), 1, 1.0),
        (np.array([1.0, 1.0]), 0.0, np.array([1.0, 0.0]), 0, 1.0),
        (np.array([0.5, -0.25]), 0.5, np.array([2.0, 1.0]), 0, 0.5),
        (np.array([0.2, 0.1, -0.3]), -0.5, np.array([1.0, -2.0, 0.5]), 1, 0.1),
    ]
    for w, b, x, y, alpha in cases:
        z = float(x @ w + b)
        y_hat = int(z >= 0)
        want_w, want_b = w + alpha * (y - y_hat) * x, b + alpha * (y - y_hat)
        w_in = w.copy()
        got = call(student_update, w_in, b, x.copy(), y, alpha)
        inputs = {"w": w, "b": b, "x": x, "y": y, "learning_rate": alpha}
        got_w, got_b = _unpack_pair(got, "update", inputs)
        hint_w = diagnose(got_w, [
            (w - alpha * (y - y_hat) * x, ("the sign is flipped: w + learning_rate * (y - y_hat) "
                                          "* x, with y the label and y_hat the prediction.")),
            (w + (y - y_hat) * x, "did you forget to multiply by learning_rate?"),
            (w + alpha * (y - z) * x, ("use the step output y_hat (0 or 1), not the weighted "
                                      "sum z, in y - y_hat.")),
            (w + alpha * y * x, ("update only by the error y - y_hat: a right answer changes "
                                "nothing.")),
        ], "w <- w + learning_rate * (y - y_hat) * x, where y_hat = 1 if w . x + b >= 0 else 0.")
        expect_close(got_w, want_w, what="the new w", inputs=inputs, hint=hint_w)
        hint_b = diagnose(got_b, [
            (b, "did you forget to update the bias? b <- b + learning_rate * (y - y_hat)."),
            (b - alpha * (y - y_hat), "the sign of the bias update is flipped."),
        ], "b <- b + learning_rate * (y - y_hat).")
        expect_close(got_b, want_b, what="the new b", inputs=inputs, hint=hint_b)
        expect_true(np.array_equal(w_in, w),
                    f"for w = {w}: your function changed the array w that was passed in "
                    f"(it became {w_in})",
                    hint="return a new array (w_new = w + ...) instead of updating in place "
                         "(w += ...): the caller may still need the old w.")


def _unpack_pair(got, name, inputs):
    """Split a returned (w, b) pair, or fail with a message that says what came back."""
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        shown = ", ".join(f"{k} = {v}" for k, v in inputs.items())
        raise CheckFailed(f"for {shown} expected {name} to return a pair (w, b), got "
                          f"{type(got).__name__} {got!r:.80}. Hint: end with `return w, b`.")
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


@exercise("01", "train", points=2)
def train(student_train):
    """Check train(X, y, epochs, learning_rate) -> (w, b, errors) against nnedu's Perceptron."""
    for name, X, y, epochs, alpha in _train_cases():
        reference = Perceptron(learning_rate=alpha).fit(X, y, epochs=epochs)
        want_errors = list(reference.errors_)
        got = call(student_train, X.copy(), y.copy(), epochs, alpha)
        inputs = {"data": name, "epochs": epochs, "learning_rate": alpha}
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            raise CheckFailed(f"for data = {name} expected train to return three things "
                              f"(w, b, errors), got {type(got).__name__} {got!r:.80}. "
                              "Hint: end with `return w, b, errors`.")
        got_w, got_b, got_errors = got
        got_errors = [int(e) for e in np.asarray(got_errors).ravel()]
        hint = diagnose(got_errors, [
            (want_errors + [0] * (epochs - len(want_errors)),
             "stop after the first epoch without a mistake (`if mistakes == 0: break`)."),
            (np.cumsum(want_errors), ("count the mistakes of each epoch separately: "
                                     "set the counter to 0 at the start of every epoch.")),
        ], "start from w = 0 and b = 0, visit the rows in order, update after each one, "
           "append that epoch's number of mistakes, stop after an epoch without mistakes.")
        if len(got_errors) == epochs and len(want_errors) < epochs:
            hint = "stop after the first epoch without a mistake (`if mistakes == 0: break`)."
        expect_equal(got_errors, want_errors, what="errors (mistakes per epoch)",
                     inputs=inputs, hint=hint)
        expect_close(got_w, reference.weights_, what="the final w", inputs=inputs,
                     hint="the mistake counts agree but the weights do not: did you start "
                          "from w = 0 and apply learning_rate to every update?")
        expect_close(got_b, reference.bias_, what="the final b", inputs=inputs,
                     hint="the weights agree but the bias does not: update b on every mistake.")


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
        ("OR with w = [1, 1], b = -1 (two points on the line)", w11, -1.0, GATE_X, GATES["or"]),
        ("NAND with w = [1, 1], b = -1.5 (every row wrong)", w11, -1.5, GATE_X, GATES["nand"]),
        ("XOR with w = [1, 1], b = -0.5 (3 of 4 right)", w11, -0.5, GATE_X, GATES["xor"]),
        ("NOR with w = [-1, -1], b = 0.5", -w11, 0.5, GATE_X, GATES["nor"]),
    ]
    for name, w, b, X, y in cases:
        want = _separates(w, b, X, y)
        got = call(student_separates, w.copy(), b, X.copy(), y.copy())
        inputs = {"case": name}
        expect_true(np.ndim(got) == 0 and not isinstance(got, str),
                    f"for {name} expected one True or False, got {got!r:.80}",
                    hint="return a single bool for the whole data set, e.g. "
                         "bool(np.all(predictions == y)), not an array with one entry per row.")
        correct = _predict(w, b, X) == y
        if correct.any() and not correct.all():
            hint = "every row must be right: use all(...), not any(...)."
        elif not correct.any():
            hint = "a line that gets every row wrong does not separate the data."
        else:
            hint = ("use the same step as predict: a point with w . x + b = 0 is predicted 1, "
                    "so it is right when its label is 1.")
        expect_equal(bool(got), want, what="separates(w, b, X, y)", inputs=inputs, hint=hint)


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
    """Check find_separator(X, y, values) -> (w, b) that separates, or None if none on the grid."""
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
        ("AND, but values = [0, 1] (no negative bias to try)", GATE_X, GATES["and"],
         np.array([0.0, 1.0])),
        ("majority of 3 inputs (D = 3)", X3, majority, grid),
        ("parity of 3 inputs (D = 3)", X3, parity, grid),
    ]
    for name, X, y, values in cases:
        found = _reference_search(X, y, values)
        got = call(student_find_separator, X.copy(), y.copy(), values.copy())
        inputs = {"data": name, "values": values}
        if found is None:
            expect_true(got is None, f"for data = {name}: no (w, b) on this grid separates the "
                                     f"data, so expected None, got {got!r:.80}",
                        hint="return None only after trying every candidate; never return a "
                             "(w, b) that separates() rejects.")
            continue
        example = f"w = {found[0].tolist()}, b = {found[1]}"
        expect_true(got is not None and not (isinstance(got, bool)),
                    f"for data = {name} expected a (w, b) that separates the data (one "
                    f"exists on this grid, the first is {example}), but you returned "
                    f"{got!r:.80}",
                    hint="try every w in values^D (D = X.shape[1]: itertools.product(values, "
                         "repeat=D)) and every b in values.")
        w, b = _unpack_pair(got, "find_separator", inputs)
        w = np.asarray(w, dtype=float)
        expect_true(w.shape == (X.shape[1],),
                    f"for data = {name}: expected w of shape ({X.shape[1]},), got shape {w.shape}",
                    hint="one weight per feature: D = X.shape[1] weights.")
        expect_true(_separates(w, float(b), X, y),
                    f"for data = {name} expected a (w, b) that gets every row right (the "
                    f"first on the grid is {example}), but you returned w = {w}, b = {b}, "
                    f"which gets {int(np.sum(_predict(w, float(b), X) != y))} of {len(y)} "
                    "rows wrong",
                    hint="return the first (w, b) for which separates(w, b, X, y) is True.")

"""Checks for chapter 08, training in practice: data, curves, initialization.

Five exercises, easy to hard:

- ``split(X, y, val_fraction, test_fraction, seed)``: shuffle once and cut into
  training, validation and test parts; returns six arrays;
- ``early_stopping(val_losses, patience, min_delta)``: the epoch where training
  stops and the epoch whose weights are restored;
- ``glorot_uniform(shape, rng)``: Uniform(-limit, limit), limit = sqrt(6 / (n_in + n_out));
- ``he_normal(shape, rng)``: normal with variance 2 / n_in;
- ``diagnose(train_losses, val_losses, high)``: putting it together, name the
  learning curves "overfitting", "underfitting" or "good fit" and say where
  early stopping (exercise 2) would stop and which weights it would keep.

The initializers are random, so their checks measure what matters on many
draws: the shape, the range and the variance (against Glorot's 2/(n_in + n_out)
and He's 2/n_in), and they recognise the usual mix-ups by the variance they get.
"""

import numpy as np

from nnedu.checks._core import (
    CheckFailed,
    call,
    exercise,
    expect_close,
    expect_equal,
    expect_true,
)
from nnedu.checks._core import (
    diagnose as name_mistake,
)

# ---------------------------------------------------------------------------
# Exercise 1: split a data set
# ---------------------------------------------------------------------------

SPLIT_CASES = [(100, 0.15, 0.15, 0), (48, 0.2, 0.2, 1), (10, 0.3, 0.1, 2), (200, 0.1, 0.25, 3)]


def _six(got):
    if not isinstance(got, (tuple, list)) or len(got) != 6:
        raise CheckFailed(f"expected six arrays (X_train, y_train, X_val, y_val, X_test, "
                          f"y_test), got {type(got).__name__}"
                          + (f" of length {len(got)}" if isinstance(got, (tuple, list)) else ""))
    return [np.asarray(a) for a in got]


@exercise("08", "split", points=1)
def split(student_split):
    """Check split(X, y, val_fraction, test_fraction, seed): sizes, disjoint, aligned, shuffled."""
    for n, val_f, test_f, seed in SPLIT_CASES:
        X = np.arange(3 * n, dtype=float).reshape(n, 3)  # row i is (3i, 3i+1, 3i+2)
        y = np.arange(n)                                  # y holds each row's index
        X_in, y_in = X.copy(), y.copy()
        parts = _six(call(student_split, X_in, y_in, val_f, test_f, seed))
        inputs = f"N = {n}, fractions {val_f}/{test_f}"
        n_test, n_val = round(n * test_f), round(n * val_f)
        want = [n - n_val - n_test, n_val, n_test]
        sizes = [len(parts[1]), len(parts[3]), len(parts[5])]
        hint = name_mistake(sizes, [
            ([n - int(n * val_f) - int(n * test_f), int(n * val_f), int(n * test_f)],
             "round(N * fraction), not int(N * fraction)."),
            ([n - n_val - n_test, n_test, n_val], "return the parts as train, val, test."),
        ], "n_test = round(N * test_fraction), n_val = round(N * val_fraction).")
        expect_equal(sizes, want, what="the sizes", inputs={"case": inputs}, hint=hint)
        for (xs, ys), name in zip([(parts[0], parts[1]), (parts[2], parts[3]),
                                   (parts[4], parts[5])], ("train", "val", "test")):
            expect_true(np.array_equal(xs, X[ys.astype(int)]),
                        f"for {inputs}: {name} rows of X do not belong to their y",
                        hint="index X and y with the SAME shuffled indices.")
        every = np.concatenate([parts[1], parts[3], parts[5]]).astype(int)
        expect_true(len(set(every.tolist())) == n,
                    f"for {inputs}: the parts must not overlap",
                    hint="cut ONE shuffled order into three consecutive pieces.")
        expect_true(not np.array_equal(np.sort(parts[1]), np.arange(want[0])) or n <= 10,
                    f"for {inputs}: the data was not shuffled",
                    hint="order = np.random.default_rng(seed).permutation(N), then cut it.")
        expect_true(np.array_equal(X_in, X) and np.array_equal(y_in, y),
                    "your function changed the arrays X or y that were passed in",
                    hint="index with the order (X[order]); do not shuffle in place.")


# ---------------------------------------------------------------------------
# Exercise 2: early stopping
# ---------------------------------------------------------------------------

def reference_early_stopping(val_losses, patience, min_delta=0.0):
    """(stop_epoch or None, best_epoch), epochs counted from 0, as Keras' EarlyStopping."""
    best, best_epoch, wait = np.inf, 0, 0
    for epoch, loss in enumerate(val_losses):
        if loss < best - min_delta:
            best, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch, best_epoch
    return None, best_epoch


def _early_variant(val_losses, patience, min_delta=0.0, strict=True, offset=0, last=False,
                   ignore_delta=False):
    best, best_epoch, wait = np.inf, 0, 0
    delta = 0.0 if ignore_delta else min_delta
    for epoch, loss in enumerate(val_losses):
        better = loss < best - delta if strict else loss <= best - delta
        if better:
            best, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
            if wait >= patience + offset:
                return epoch, epoch if last else best_epoch
    return None, (len(val_losses) - 1 if last else best_epoch)


EARLY_CASES = [
    ([1.0, 0.8, 0.7, 0.72, 0.75, 0.71, 0.9], 2, 0.0),
    ([1.0, 0.8, 0.7, 0.72, 0.75, 0.71, 0.9], 3, 0.0),
    ([1.0, 0.9, 0.8, 0.7, 0.6], 1, 0.0),
    ([0.5, 0.5, 0.5, 0.4, 0.4], 2, 0.0),
    ([1.0, 0.95, 0.92, 0.91, 0.905, 0.9], 2, 0.02),
    ([0.3, 0.6, 0.2, 0.25, 0.26, 0.1], 3, 0.0),
]


@exercise("08", "early_stopping", points=2)
def early_stopping(student_early_stopping):
    """Check early_stopping(val_losses, patience, min_delta) -> (stop_epoch or None, best)."""
    for losses, patience, delta in EARLY_CASES:
        given = list(losses)
        got = call(student_early_stopping, given, patience, delta)
        want = reference_early_stopping(losses, patience, delta)
        args = (losses, patience, delta)
        hint = name_mistake([-1 if v is None else v for v in got] if isinstance(
            got, (tuple, list)) and len(got) == 2 else None, [
            ([-1 if v is None else v for v in _early_variant(*args, offset=1)],
             "off by one: stop when the count reaches patience."),
            ([-1 if v is None else v for v in _early_variant(*args, strict=False)],
             "an equal loss is not an improvement: loss < best - min_delta."),
            ([-1 if v is None else v for v in _early_variant(*args, last=True)],
             "keep the BEST epoch, not the last one."),
            ([-1 if v is None else v for v in _early_variant(*args, ignore_delta=True)],
             "it must beat the best by more than min_delta."),
        ], "count the epochs since the best; stop when the count reaches patience.")
        expect_true(isinstance(got, (tuple, list)) and len(got) == 2,
                    f"expected a pair (stop_epoch, best_epoch), got {got!r}",
                    hint="return stop_epoch, best_epoch (None if it never stops).")
        inputs = f"{losses}, patience {patience}, min_delta {delta}"
        expect_true(tuple(got) == want,
                    f"for {inputs}: expected {want}, got {tuple(got)}", hint=hint)
        expect_true(given == list(losses), "your function changed the list val_losses",
                    hint="read the losses; do not sort, pop or overwrite them.")


# ---------------------------------------------------------------------------
# Exercises 3 and 4: Glorot and He
# ---------------------------------------------------------------------------

INIT_SHAPES = [(400, 600), (1000, 100), (50, 2000)]


def _draw(student_init, shape, seed):
    got = call(student_init, shape, np.random.default_rng(seed))
    arr = np.asarray(got, dtype=float)
    expect_equal(arr.shape, shape, what="the shape",
                 inputs={"shape": shape}, hint="return an array of exactly the given shape "
                                               "(n_in, n_out).")
    return arr


def _ratio_hint(ratio, named, default):
    """The hint of the first (ratio, hint) in ``named`` within 6 % of the measured ratio."""
    for value, hint in named:
        if abs(ratio / value - 1) < 0.06:
            return hint
    return default


@exercise("08", "glorot_uniform", points=1)
def glorot_uniform(student_glorot):
    """Check glorot_uniform(shape, rng): Uniform(-limit, limit), limit = sqrt(6/(n_in + n_out))."""
    for i, (n_in, n_out) in enumerate(INIT_SHAPES):
        w = _draw(student_glorot, (n_in, n_out), i)
        limit, var = np.sqrt(6 / (n_in + n_out)), 2 / (n_in + n_out)
        measured = float(w.var())
        hint = _ratio_hint(measured / var, [
            (0.5, "sqrt(6 / ...), not sqrt(3 / ...): that is half the variance."),
            ((n_in + n_out) / n_in, "Glorot averages the fans: n_in + n_out, not n_in."),
            ((n_in + n_out) / n_out, "use both fans, n_in + n_out, not n_out alone."),
            (3.0, "limit ends the range: rng.uniform(-limit, limit, size=shape)."),
        ], "Var = limit**2 / 3 = 2 / (n_in + n_out).")
        expect_true(abs(float(w.mean())) < 0.05 * limit,
                    f"for shape ({n_in}, {n_out}): the weights' mean is {w.mean():.3g}, not 0",
                    hint="draw from [-limit, limit], symmetric around 0: "
                         "rng.uniform(-limit, limit, size=shape).")
        expect_true(float(np.abs(w).max()) <= limit * (1 + 1e-12),
                    f"for shape ({n_in}, {n_out}): |w| = {np.abs(w).max():.4g} > the limit "
                    f"{limit:.4g}",
                    hint=hint if abs(measured / var - 1) > 0.06 else
                    "draw from a UNIFORM distribution on [-limit, limit].")
        expect_close(measured, var, what="the variance of the weights",
                     inputs={"shape": (n_in, n_out)}, hint=hint, rtol=0.05)


@exercise("08", "he_normal", points=1)
def he_normal(student_he):
    """Check he_normal(shape, rng): normal with mean 0 and variance 2 / n_in."""
    for i, (n_in, n_out) in enumerate(INIT_SHAPES):
        w = _draw(student_he, (n_in, n_out), 10 + i)
        var = 2 / n_in
        measured = float(w.var())
        hint = _ratio_hint(measured / var, [
            (0.5, "that is 1 / n_in (LeCun's); He's is 2 / n_in."),
            (n_in / n_out, "use n_in = shape[0], not n_out."),
            (n_in / (n_in + n_out), "that is Glorot's 2 / (n_in + n_out)."),
            (var, "rng.normal wants the STANDARD DEVIATION sqrt(2 / n_in)."),
            (n_in / 2, "multiply by sqrt(2 / n_in): rng.normal alone has variance 1."),
        ], "rng.normal(0.0, np.sqrt(2 / n_in), size=shape).")
        expect_true(len(np.unique(w)) > 0.99 * w.size,
                    "many weights are equal: each must be drawn on its own",
                    hint="draw the whole array at once: rng.normal(..., size=shape).")
        expect_true(abs(float(w.mean())) < 0.05 * np.sqrt(var),
                    f"for shape ({n_in}, {n_out}): the weights' mean is {w.mean():.3g}, not 0",
                    hint="draw around 0: rng.normal(0.0, std, size=shape).")
        expect_close(measured, var, what="the variance of the weights",
                     inputs={"shape": (n_in, n_out)}, hint=hint, rtol=0.05)


# ---------------------------------------------------------------------------
# Exercise 5: putting it together, reading learning curves
# ---------------------------------------------------------------------------

def reference_diagnose(train_losses, val_losses, high=0.5, patience=3):
    val = np.asarray(val_losses, dtype=float)
    if val[-1] > 1.1 * val.min():
        verdict = "overfitting"
    elif train_losses[-1] > high:
        verdict = "underfitting"
    else:
        verdict = "good fit"
    stop, best = reference_early_stopping(val_losses, patience)
    return verdict, stop, best


def example_curves():
    """Three pictures: overfitting, underfitting and a good fit (20 epochs each)."""
    e = np.arange(20)
    over_train = 1.0 * 0.8**e
    over_val = 0.6 + 0.4 * 0.7**e + 0.002 * (e - 6).clip(0) ** 2
    under_train = 0.9 - 0.2 * (1 - 0.8**e)
    under_val = under_train + 0.03
    good_train = 0.05 + 0.9 * 0.7**e
    good_val = good_train + 0.05
    return [("overfitting", over_train, over_val), ("underfitting", under_train, under_val),
            ("good fit", good_train, good_val),
            ("overfitting, both high", 1.2 - 0.3 * (1 - 0.8**e), over_val + 0.5)]


@exercise("08", "diagnose", points=2)
def diagnose(student_diagnose):
    """Check diagnose(train_losses, val_losses, high, patience) -> (verdict, stop, best)."""
    for name, train, val in example_curves():
        given = (list(train), list(val))
        got = call(student_diagnose, *given, 0.5, 3)
        want = reference_diagnose(list(train), list(val), 0.5, 3)
        expect_true(isinstance(got, (tuple, list)) and len(got) == 3,
                    f"expected (verdict, stop_epoch, best_epoch), got {got!r}",
                    hint="return three things: the verdict string and your early_stopping's pair.")
        verdict = got[0]
        hint = {
            ("underfitting", "overfitting"): "check overfitting FIRST: val turned up.",
            ("good fit", "overfitting"): "val ended > 10 % above its lowest: overfitting.",
            ("overfitting", "good fit"): "val is still near its lowest value at the end.",
            ("good fit", "underfitting"): "the training loss ends above `high`.",
        }.get((verdict, want[0]), "val[-1] > 1.1 * min(val), then train[-1] > high.")
        expect_true(verdict == want[0],
                    f"for the '{name}' curves: expected {want[0]!r}, got {verdict!r}",
                    hint=hint)
        expect_true(tuple(got[1:]) == want[1:],
                    f"for the '{name}' curves: expected (stop_epoch, best_epoch) = {want[1:]}, "
                    f"got {tuple(got[1:])}",
                    hint="use your early_stopping(val_losses, patience).")
        expect_true(given == (list(train), list(val)), "your function changed the loss lists",
                    hint="read the curves; do not sort or change them.")

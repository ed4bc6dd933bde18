"""Tests for nnedu.checks.ch08: right answers pass, typical wrong answers fail with a named hint."""

import numpy as np
import pytest
from checkhelpers import blank, fails_with

from nnedu import initializers
from nnedu.checks import ch08
from nnedu.checks._core import NOT_ATTEMPTED, registry

CHECKS = [ch08.split, ch08.early_stopping, ch08.glorot_uniform, ch08.he_normal, ch08.diagnose]


@pytest.mark.parametrize("check", CHECKS)
def test_not_attempted_is_reported_not_raised(check):
    result = check(blank)
    assert not result["passed"] and result["message"] == NOT_ATTEMPTED


def test_registry_lists_the_five_exercises():
    assert list(registry("08")) == ["split", "early_stopping", "glorot_uniform", "he_normal",
                                    "diagnose"]


# ---------------------------------------------------------------- right answers and alternatives

def split_right(X, y, val_fraction, test_fraction, seed):
    n = len(X)
    order = np.random.default_rng(seed).permutation(n)
    n_test, n_val = round(n * test_fraction), round(n * val_fraction)
    test, val, train = order[:n_test], order[n_test:n_test + n_val], order[n_test + n_val:]
    return X[train], y[train], X[val], y[val], X[test], y[test]


def split_lists(X, y, val_fraction, test_fraction, seed):
    """Shuffle an index list with Python's random module; parts as lists."""
    import random

    index = list(range(len(X)))
    random.Random(seed).shuffle(index)
    n_val, n_test = round(len(X) * val_fraction), round(len(X) * test_fraction)
    parts = index[:len(X) - n_val - n_test], index[len(X) - n_val - n_test:len(X) - n_test], \
        index[len(X) - n_test:]
    out = []
    for part in parts:
        out += [[X[i] for i in part], [y[i] for i in part]]
    return tuple(out)


def early_right(val_losses, patience, min_delta=0.0):
    best, best_epoch, wait = float("inf"), 0, 0
    for epoch, loss in enumerate(val_losses):
        if loss < best - min_delta:
            best, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch, best_epoch
    return None, best_epoch


def early_with_arrays(val_losses, patience, min_delta=0.0):
    """Vectorized: the running best, then the first epoch `patience` past the last improvement."""
    losses = np.asarray(val_losses)
    for epoch in range(len(losses)):
        best_epoch = 0
        best = np.inf
        for e in range(epoch + 1):
            if losses[e] < best - min_delta:
                best, best_epoch = losses[e], e
        if epoch - best_epoch >= patience:
            return epoch, best_epoch
    return None, best_epoch


def glorot_right(shape, rng):
    limit = np.sqrt(6 / (shape[0] + shape[1]))
    return rng.uniform(-limit, limit, size=shape)


def glorot_from_unit(shape, rng):
    return (2 * rng.random(shape) - 1) * np.sqrt(6 / sum(shape))


def he_right(shape, rng):
    return rng.normal(0.0, np.sqrt(2 / shape[0]), size=shape)


def he_keras_truncated(shape, rng):
    return initializers.he_normal(shape, seed=int(rng.integers(1 << 30)))


def diagnose_right(train_losses, val_losses, high=0.5, patience=3):
    if val_losses[-1] > 1.1 * min(val_losses):
        verdict = "overfitting"
    elif train_losses[-1] > high:
        verdict = "underfitting"
    else:
        verdict = "good fit"
    return (verdict, *early_right(val_losses, patience))


@pytest.mark.parametrize("check, student", [
    (ch08.split, split_right), (ch08.split, split_lists),
    (ch08.early_stopping, early_right), (ch08.early_stopping, early_with_arrays),
    (ch08.glorot_uniform, glorot_right), (ch08.glorot_uniform, glorot_from_unit),
    (ch08.glorot_uniform, lambda shape, rng: initializers.glorot_uniform(shape, seed=1)),
    (ch08.he_normal, he_right), (ch08.he_normal, he_keras_truncated),
    (ch08.diagnose, diagnose_right),
    (ch08.diagnose, lambda t, v, high, patience: list(diagnose_right(t, v, high, patience))),
])
def test_right_answers_and_alternatives_pass(check, student):
    result = check(student)
    assert result["passed"] and result["message"].startswith("all ")


def test_reference_early_stopping_matches_keras_early_stopping():
    """The same epochs as nnedu's EarlyStopping callback (Keras' rule) would pick."""
    from nnedu.callbacks import EarlyStopping

    for losses, patience, delta in ch08.EARLY_CASES:
        callback = EarlyStopping(patience=patience, min_delta=delta)
        callback.model = type("M", (), {"stop_training": False, "get_weights": list})()
        callback.on_train_begin()
        stopped = None
        for epoch, loss in enumerate(losses):
            callback.on_epoch_end(epoch, {"val_loss": loss})
            if callback.model.stop_training:
                stopped = epoch
                break
        assert ch08.reference_early_stopping(losses, patience, delta) == \
            (stopped, callback.best_epoch)


# ---------------------------------------------------------------- wrong answers: split

def test_split_without_shuffling_fails():
    def in_order(X, y, val_fraction, test_fraction, seed):
        n = len(X)
        n_test, n_val = round(n * test_fraction), round(n * val_fraction)
        cut = n - n_val - n_test
        return X[:cut], y[:cut], X[cut:cut + n_val], y[cut:cut + n_val], X[cut + n_val:], \
            y[cut + n_val:]

    fails_with(ch08.split, in_order, "was not shuffled")


def test_split_with_int_sizes_fails():
    def floored(X, y, val_fraction, test_fraction, seed):
        n = len(X)
        order = np.random.default_rng(seed).permutation(n)
        n_test, n_val = int(n * test_fraction), int(n * val_fraction)
        test, val, train = order[:n_test], order[n_test:n_test + n_val], order[n_test + n_val:]
        return X[train], y[train], X[val], y[val], X[test], y[test]

    fails_with(ch08.split, floored, "N = 48", "round(N * fraction)")


def test_split_shuffling_x_and_y_apart_fails():
    def apart(X, y, val_fraction, test_fraction, seed):
        rng = np.random.default_rng(seed)
        return split_right(X[rng.permutation(len(X))], y, val_fraction, test_fraction, seed)

    fails_with(ch08.split, apart, "do not belong to")


def test_split_with_overlapping_parts_fails():
    def overlap(X, y, val_fraction, test_fraction, seed):
        parts = list(split_right(X, y, val_fraction, test_fraction, seed))
        parts[4], parts[5] = parts[0][:len(parts[5])], parts[1][:len(parts[5])]
        return tuple(parts)

    fails_with(ch08.split, overlap, "must not overlap")


def test_split_shuffling_in_place_fails():
    def in_place(X, y, val_fraction, test_fraction, seed):
        order = np.random.default_rng(seed).permutation(len(X))
        X[:], y[:] = X[order], y[order]
        n_test, n_val = round(len(X) * test_fraction), round(len(X) * val_fraction)
        cut = len(X) - n_val - n_test
        return X[:cut].copy(), y[:cut].copy(), X[cut:cut + n_val].copy(), \
            y[cut:cut + n_val].copy(), X[cut + n_val:].copy(), y[cut + n_val:].copy()

    fails_with(ch08.split, in_place, "changed the arrays X or y")


# ---------------------------------------------------------------- wrong answers: early stopping

def test_early_stopping_off_by_one_fails():
    def late(val_losses, patience, min_delta=0.0):
        return ch08._early_variant(val_losses, patience, min_delta, offset=1)

    fails_with(ch08.early_stopping, late, "off by one")


def test_early_stopping_keeping_the_last_weights_fails():
    def last(val_losses, patience, min_delta=0.0):
        stop, _ = early_right(val_losses, patience, min_delta)
        return stop, len(val_losses) - 1 if stop is None else stop

    fails_with(ch08.early_stopping, last, "BEST epoch")


def test_early_stopping_counting_ties_as_improvement_fails():
    def ties(val_losses, patience, min_delta=0.0):
        return ch08._early_variant(val_losses, patience, min_delta, strict=False)

    fails_with(ch08.early_stopping, ties, "equal loss is not an improvement")


def test_early_stopping_ignoring_min_delta_fails():
    fails_with(ch08.early_stopping, lambda v, p, d=0.0: early_right(v, p), "min_delta")


def test_early_stopping_changing_the_list_fails():
    def pops(val_losses, patience, min_delta=0.0):
        result = early_right(val_losses, patience, min_delta)
        val_losses.clear()
        return (None, 0) if result[0] is None else result

    fails_with(ch08.early_stopping, pops, "changed the list val_losses")


# ---------------------------------------------------------------- wrong answers: initializers

def test_glorot_with_sqrt_3_fails():
    fails_with(ch08.glorot_uniform,
               lambda shape, rng: rng.uniform(-1, 1, shape) * np.sqrt(3 / sum(shape)),
               "half the variance")


def test_glorot_with_fan_in_only_fails():
    fails_with(ch08.glorot_uniform,
               lambda shape, rng: rng.uniform(-1, 1, shape) * np.sqrt(6 / shape[0]),
               "averages the fans")


def test_glorot_drawn_from_a_normal_fails():
    fails_with(ch08.glorot_uniform,
               lambda shape, rng: rng.normal(0, np.sqrt(2 / sum(shape)), shape), "UNIFORM")


def test_glorot_from_zero_to_one_fails():
    fails_with(ch08.glorot_uniform,
               lambda shape, rng: rng.uniform(0, np.sqrt(6 / sum(shape)), shape), "mean")


def test_he_with_lecun_variance_fails():
    fails_with(ch08.he_normal, lambda shape, rng: rng.normal(0, np.sqrt(1 / shape[0]), shape),
               "LeCun")


def test_he_with_fan_out_fails():
    fails_with(ch08.he_normal, lambda shape, rng: rng.normal(0, np.sqrt(2 / shape[1]), shape),
               "not n_out")


def test_he_with_the_variance_as_stddev_fails():
    fails_with(ch08.he_normal, lambda shape, rng: rng.normal(0, 2 / shape[0], shape),
               "STANDARD DEVIATION")


def test_he_with_the_wrong_shape_fails():
    fails_with(ch08.he_normal, lambda shape, rng: he_right(shape, rng).T, "shape")


def test_he_changing_nothing_but_drawing_one_number_fails():
    fails_with(ch08.he_normal,
               lambda shape, rng: np.full(shape, rng.normal(0, np.sqrt(2 / shape[0]))),
               "drawn on its own")


# ---------------------------------------------------------------- wrong answers: diagnose

def test_diagnose_checking_underfitting_first_fails():
    def under_first(train, val, high=0.5, patience=3):
        if train[-1] > high:
            verdict = "underfitting"
        elif val[-1] > 1.1 * min(val):
            verdict = "overfitting"
        else:
            verdict = "good fit"
        return (verdict, *early_right(val, patience))

    fails_with(ch08.diagnose, under_first, "overfitting FIRST", "both high")


def test_diagnose_looking_for_a_rising_training_loss_fails():
    def rising_train(train, val, high=0.5, patience=3):
        if train[-1] > 1.1 * min(train):
            verdict = "overfitting"
        elif train[-1] > high:
            verdict = "underfitting"
        else:
            verdict = "good fit"
        return (verdict, *early_right(val, patience))

    fails_with(ch08.diagnose, rising_train, "'overfitting' curves", "ended > 10 % above")


def test_diagnose_without_early_stopping_fails():
    fails_with(ch08.diagnose, lambda t, v, high, patience: (diagnose_right(t, v)[0], None, 0),
               "stop_epoch, best_epoch")


def test_diagnose_changing_the_curves_fails():
    def sorts(train, val, high=0.5, patience=3):
        result = diagnose_right(train, val, high, patience)
        val.sort()
        return result

    fails_with(ch08.diagnose, sorts, "changed the loss lists")

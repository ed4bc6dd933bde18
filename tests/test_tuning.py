"""Tests for nnedu.tuning: the learning-rate range test, grid/random search, per-class recall."""

import doctest
import math

import numpy as np
import pytest

from nnedu import tuning
from nnedu.data import load_digits
from nnedu.layers import Dense
from nnedu.models import Sequential


def test_docstring_examples():
    failures, tried = doctest.testmod(tuning)
    assert tried >= 5 and failures == 0


def test_exponential_rates_are_evenly_spaced_on_a_log_axis():
    rates = tuning.exponential_rates(1e-4, 1.0, 5)
    assert np.allclose(rates, [1e-4, 1e-3, 1e-2, 1e-1, 1.0])
    assert np.allclose(np.diff(np.log10(rates)), 1.0)
    with pytest.raises(ValueError, match="max_lr must be larger"):
        tuning.exponential_rates(1.0, 0.1, 5)
    with pytest.raises(ValueError, match="steps must be >= 2"):
        tuning.exponential_rates(1e-3, 1.0, 1)


def test_smooth_is_a_bias_corrected_moving_average():
    assert np.allclose(tuning.smooth([2.0, 2.0, 2.0], beta=0.9), 2.0)  # no pull towards 0
    s = tuning.smooth([0.0, 10.0], beta=0.9)
    assert s[1] == pytest.approx(0.1 * 10 / (1 - 0.81))


def _digits():
    (x, y), _ = load_digits(split=True)
    return x / 16.0, y


def _build():
    return Sequential([Dense(32, activation="relu", input_shape=(64,), seed=0),
                       Dense(10, activation="softmax", seed=1)])


def test_lr_range_test_falls_then_blows_up_and_stops():
    x, y = _digits()
    result = tuning.lr_range_test(_build, x, y, loss="sparse_categorical_crossentropy",
                                  min_lr=1e-4, max_lr=100.0, batch_size=16)
    rates, smoothed = result["learning_rates"], result["smoothed"]
    full_epoch = math.ceil(len(x) / 16)
    assert len(rates) == len(result["losses"]) == len(smoothed) <= full_epoch
    assert np.all(np.diff(np.log(rates)) > 0)
    assert rates[0] == pytest.approx(1e-4)
    assert smoothed[0] == pytest.approx(np.log(10), abs=0.3)       # untrained: ~log 10
    assert smoothed.min() < smoothed[0] - 0.1                      # it learned something
    assert smoothed[-1] > smoothed.min() + 0.2                     # and rose again at the end
    assert 0.05 < result["best_lr"] < 5
    assert result["suggested_lr"] == pytest.approx(result["best_lr"] / 10)
    assert 1e-4 <= result["steepest_lr"] <= result["best_lr"]


def test_lr_range_test_never_warns_when_it_diverges():
    x, y = _digits()
    with np.errstate(all="raise"):
        result = tuning.lr_range_test(_build, x[:400], y[:400],
                                      loss="sparse_categorical_crossentropy",
                                      min_lr=1.0, max_lr=1e4, batch_size=8)
    assert np.all(np.isfinite(result["losses"]))


def test_param_grid_and_sample_params():
    grid = tuning.param_grid({"a": [1, 2, 3], "b": ["x", "y"]})
    assert len(grid) == 6 and grid[0] == {"a": 1, "b": "x"} and grid[-1] == {"a": 3, "b": "y"}
    trials = tuning.sample_params({"lr": (1e-4, 1e-1, "log"), "units": (8, 64),
                                   "act": ["relu", "tanh"], "p": (0.0, 0.5)}, 200, seed=1)
    lrs = np.array([t["lr"] for t in trials])
    assert np.all((lrs >= 1e-4) & (lrs <= 1e-1))
    # log-uniform: about a third of the draws in each decade
    per_decade = np.histogram(np.log10(lrs), bins=[-4, -3, -2, -1])[0]
    assert np.all(per_decade > 40)
    assert all(isinstance(t["units"], int) and 8 <= t["units"] <= 64 for t in trials)
    assert {t["act"] for t in trials} == {"relu", "tanh"}
    assert trials == tuning.sample_params({"lr": (1e-4, 1e-1, "log"), "units": (8, 64),
                                           "act": ["relu", "tanh"], "p": (0.0, 0.5)}, 200, seed=1)
    with pytest.raises(ValueError, match="low < high"):
        tuning.sample_params({"lr": (1.0, 0.1)}, 3)
    with pytest.raises(TypeError, match="non-empty dict"):
        tuning.param_grid([1, 2])


def test_grid_and_random_search_rank_by_score():
    def score(x, y):
        return (x - 1) ** 2 + (y + 2) ** 2

    results = tuning.grid_search(score, {"x": [0, 1, 2], "y": [-2, 0]})
    assert results[0] == {"params": {"x": 1, "y": -2}, "score": 0.0}
    assert [r["score"] for r in results] == sorted(r["score"] for r in results)
    assert len(results) == 6
    found = tuning.random_search(score, {"x": (-3.0, 3.0), "y": (-3.0, 3.0)}, 50, seed=0)
    assert len(found) == 50 and found[0]["score"] < 0.5
    with_nan = tuning.search(lambda a: math.nan if a == 0 else a, [{"a": 0}, {"a": 2}])
    assert [r["params"]["a"] for r in with_nan] == [2, 0]  # a diverged run sorts last


def test_per_class_recall_and_balanced_weights():
    y_true = np.array([0, 0, 0, 0, 1, 1, 2, 2])
    y_pred = np.array([0, 0, 0, 1, 1, 0, 2, 2])
    assert np.allclose(tuning.per_class_recall(y_true, y_pred), [0.75, 0.5, 1.0])
    recall = tuning.per_class_recall(np.array([0, 0]), np.array([0, 1]), num_classes=3)
    assert recall[0] == 0.5 and np.isnan(recall[1]) and np.isnan(recall[2])  # absent: nan
    weights = tuning.balanced_class_weight(y_true)
    assert weights == pytest.approx({0: 8 / 12, 1: 8 / 6, 2: 8 / 6})
    counts = np.bincount(y_true)
    assert sum(weights[k] * counts[k] for k in weights) == pytest.approx(len(y_true))
    with pytest.raises(ValueError, match="integer class labels"):
        tuning.per_class_recall(np.array([0.5]), np.array([0]))
    with pytest.raises(ValueError, match="same shape"):
        tuning.per_class_recall(np.array([0, 1]), np.array([0]))


def test_reduce_lr_on_plateau_divides_the_rate_after_patience_epochs():
    from nnedu.optimizers import SGD

    callback = tuning.ReduceLROnPlateau(factor=0.5, patience=2, min_delta=0.0, min_lr=0.02)
    callback.model = type("M", (), {"optimizer": SGD(learning_rate=0.1)})()
    callback.on_train_begin()
    for epoch, loss in enumerate([1.0, 0.9, 0.95, 0.91, 0.92, 0.93, 0.8, 0.85, 0.86, 0.9, 0.9]):
        callback.on_epoch_end(epoch, {"val_loss": loss})
    # no improvement in epochs 2, 3 -> 0.05; 4, 5 -> 0.025; 6 improves; 7, 8 -> 0.02 (min_lr)
    assert callback.lr_history == pytest.approx([0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025,
                                                 0.025, 0.02, 0.02])
    with pytest.raises(ValueError, match="monitors 'val_loss'"):
        callback.on_epoch_end(11, {"loss": 1.0})
    with pytest.raises(ValueError, match="factor must be in"):
        tuning.ReduceLROnPlateau(factor=2)


def test_reduce_lr_on_plateau_in_fit():
    x, y = _digits()
    model = _build()
    from nnedu.optimizers import SGD

    # a rate so small that the loss never improves by min_delta after the first epoch
    model.compile(optimizer=SGD(learning_rate=1e-6), loss="sparse_categorical_crossentropy")
    callback = tuning.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1)
    model.fit(x[:200], y[:200], epochs=5, batch_size=50, verbose=0, callbacks=[callback],
              seed=0)
    assert callback.lr_history == pytest.approx([1e-6, 1e-6, 5e-7, 2.5e-7, 1.25e-7])
    assert model.optimizer.learning_rate == pytest.approx(6.25e-8)

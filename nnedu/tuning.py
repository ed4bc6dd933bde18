"""Choosing hyperparameters: a learning-rate range test, grid and random search (ch. 07-08).

Three tools, each a plain loop you could write yourself:

- ``lr_range_test(build, x, y)``: train ONE fresh model for one epoch while the
  learning rate grows exponentially from ``min_lr`` to ``max_lr``, and record
  the loss after every step (Smith, 2018, "A disciplined approach to neural
  network hyper-parameters"). The loss first barely moves (rate too small),
  then falls fast, then blows up (rate too large). A good rate lies where it
  still falls steeply, about ten times below the rate of the lowest loss.
- ``grid_search(score, grid)``: try every combination of the listed values;
  ``random_search(score, space, n_trials)``: draw combinations at random.
  ``score(**params)`` trains on the TRAINING set and returns a figure on the
  VALIDATION set (lower is better); the test set is never used here.
- ``ReduceLROnPlateau``: a callback that divides the learning rate when the
  validation loss has stopped improving (Keras' callback of that name);
- ``per_class_recall(y_true, y_pred)`` and ``balanced_class_weight(y)``: for
  imbalanced classes, where accuracy alone misleads.

Example::

    def build():
        return Sequential([Dense(32, activation="relu", input_shape=(64,)),
                           Dense(10, activation="softmax")])
    test = lr_range_test(build, X, y, loss="sparse_categorical_crossentropy")
    test["suggested_lr"]     # about a tenth of the rate where the loss was lowest
"""

import itertools
import math
import warnings

import numpy as np

from nnedu._validate import as_numbers, check_int, check_positive
from nnedu.callbacks import Callback
from nnedu.data import minibatches
from nnedu.models import DivergenceWarning
from nnedu.optimizers import SGD

# ---------------------------------------------------------------- learning-rate range test


def exponential_rates(min_lr, max_lr, steps):
    """``steps`` learning rates from min_lr to max_lr, evenly spaced on a log axis.

    lr_k = min_lr * (max_lr / min_lr) ** (k / (steps - 1)),  k = 0 .. steps - 1.

    >>> exponential_rates(1e-3, 1e-1, 3).round(6).tolist()
    [0.001, 0.01, 0.1]
    """
    check_positive(min_lr, "min_lr")
    check_positive(max_lr, "max_lr")
    check_int(steps, "steps", minimum=2)
    if not max_lr > min_lr:
        raise ValueError(f"max_lr must be larger than min_lr, but got {max_lr} <= {min_lr}")
    return min_lr * (max_lr / min_lr) ** (np.arange(steps) / (steps - 1))


def smooth(values, beta=0.9):
    """Bias-corrected exponential moving average (the same correction as Adam's).

    s_k = beta s_(k-1) + (1 - beta) v_k,  s_0 = 0;  smoothed_k = s_k / (1 - beta^(k+1)).
    values (n,) -> (n,). The first entry is values[0] exactly.

    >>> smooth([1.0, 3.0], beta=0.5).tolist()   # (0.25*1 + 0.5*3) / (1 - 0.25) = 2.333...
    [1.0, 2.3333333333333335]
    """
    values = as_numbers(values, "values")
    out, s = np.empty(len(values)), 0.0
    for k, v in enumerate(values):
        s = beta * s + (1 - beta) * v
        out[k] = s / (1 - beta ** (k + 1))
    return out


def lr_range_test(build, x, y, loss, min_lr=1e-4, max_lr=10.0, batch_size=32, optimizer=SGD,
                  beta=0.9, stop_factor=4.0, seed=0):
    """Sweep the learning rate exponentially over one epoch; record the loss of every step.

    build: a function () -> a NEW, uncompiled model. It is compiled with
    ``optimizer(learning_rate=...)`` and ``loss``, then trained on one shuffled
    pass over (x, y) in batches of ``batch_size``; before step k the rate is set
    to lr_k of :func:`exponential_rates`. The sweep stops early once the smoothed
    loss exceeds ``stop_factor`` times its lowest value, or is not finite.

    Returns a dict: "learning_rates" (k,), "losses" (k,), "smoothed" (k,) (see
    :func:`smooth`), "best_lr" (the rate of the lowest smoothed loss) and
    "suggested_lr" = best_lr / 10 (still on the steep part of the curve).
    """
    check_positive(stop_factor, "stop_factor")
    steps = math.ceil(len(x) / batch_size)
    rates = exponential_rates(min_lr, max_lr, max(steps, 2))
    model = build()
    model.compile(optimizer=optimizer(learning_rate=float(rates[0])), loss=loss)
    losses, smoothed = [], []
    for rate, (xb, yb) in zip(rates, minibatches(x, y, batch_size, seed=seed)):
        model.optimizer.learning_rate = float(rate)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DivergenceWarning)  # divergence is the point
            losses.append(float(model.train_on_batch(xb, yb)))
        if not math.isfinite(losses[-1]):
            losses.pop()
            break
        smoothed = smooth(losses, beta)
        if smoothed[-1] > stop_factor * smoothed.min():
            break
    if not losses:
        raise ValueError(f"the loss was not finite from the first step at min_lr={min_lr}: "
                         "lower min_lr")
    smoothed = np.asarray(smoothed)
    best = int(np.argmin(smoothed))
    slopes = np.gradient(smoothed[:best + 1], np.log(rates[:best + 1])) if best > 0 else [0.0]
    return {"learning_rates": rates[:len(losses)], "losses": np.array(losses),
            "smoothed": smoothed, "best_lr": float(rates[best]),
            "steepest_lr": float(rates[int(np.argmin(slopes))]),
            "suggested_lr": float(rates[best]) / 10}


class ReduceLROnPlateau(Callback):
    """Multiply the learning rate by ``factor`` when ``monitor`` has not improved for
    ``patience`` epochs (Keras' callback, without its cooldown).

    An epoch improves when value < best - min_delta. After ``patience`` epochs in
    a row without improvement: lr <- max(lr * factor, min_lr), and the count
    starts again. ``lr_history`` records the rate used in every epoch. The
    optimizer must have a plain number as its learning rate (not a schedule).
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, min_delta=1e-4, min_lr=0.0):
        super().__init__()
        if not 0 < factor < 1:
            raise ValueError(f"factor must be in (0, 1), but got {factor!r}")
        self.monitor, self.factor, self.min_delta, self.min_lr = monitor, factor, min_delta, min_lr
        self.patience = check_int(patience, "patience", minimum=0)

    def on_train_begin(self, logs=None):
        self.best, self.wait, self.lr_history = math.inf, 0, []

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.monitor not in logs:
            raise ValueError(f"ReduceLROnPlateau monitors {self.monitor!r}, but fit reports "
                             f"only: {', '.join(sorted(logs)) or 'none'}")
        optimizer = self.model.optimizer
        self.lr_history.append(float(optimizer.learning_rate))
        if logs[self.monitor] < self.best - self.min_delta:
            self.best, self.wait = float(logs[self.monitor]), 0
            return
        self.wait += 1
        if self.wait >= self.patience:
            optimizer.learning_rate = max(float(optimizer.learning_rate) * self.factor,
                                          self.min_lr)
            self.wait = 0


# ---------------------------------------------------------------- grid and random search


def param_grid(grid):
    """Every combination of a grid {name: [values]}: a list of dicts, the last name fastest.

    >>> param_grid({"lr": [0.1, 0.01], "units": [8, 32]})
    [{'lr': 0.1, 'units': 8}, {'lr': 0.1, 'units': 32}, {'lr': 0.01, 'units': 8}, {'lr': 0.01, 'units': 32}]
    """
    _check_space(grid, "grid")
    names = list(grid)
    return [dict(zip(names, combo)) for combo in itertools.product(*grid.values())]


def sample_params(space, n_trials, seed=0):
    """``n_trials`` random combinations from a search space {name: spec}.

    spec: a list of values (one is picked, each equally likely), or a tuple
    (low, high) for a uniform number, or (low, high, "log") for a number
    uniform on a log axis (the right way to draw a learning rate). An int pair
    (low, high) draws integers low .. high.
    """
    check_int(n_trials, "n_trials", minimum=1)
    _check_space(space, "space")
    rng = np.random.default_rng(seed)
    return [{name: _draw(spec, rng) for name, spec in space.items()} for _ in range(n_trials)]


def _draw(spec, rng):
    """One value from a spec of :func:`sample_params`."""
    if isinstance(spec, list):
        return spec[int(rng.integers(len(spec)))]
    low, high = spec[0], spec[1]
    if len(spec) == 3 and spec[2] == "log":
        return float(np.exp(rng.uniform(np.log(low), np.log(high))))
    if isinstance(low, int) and isinstance(high, int):
        return int(rng.integers(low, high + 1))
    return float(rng.uniform(low, high))


def _check_space(space, name):
    if not isinstance(space, dict) or not space:
        raise TypeError(f"{name} must be a non-empty dict {{name: values}}, but got "
                        f"{type(space).__name__}: {space!r}")
    for key, spec in space.items():
        if isinstance(spec, tuple):
            if len(spec) not in (2, 3) or (len(spec) == 3 and spec[2] != "log") \
                    or not spec[0] < spec[1]:
                raise ValueError(f"{name}[{key!r}] must be (low, high) or (low, high, 'log') "
                                 f"with low < high, but got {spec!r}")
        elif not isinstance(spec, list) or not spec:
            raise TypeError(f"{name}[{key!r}] must be a non-empty list of values or a "
                            f"(low, high) tuple, but got {spec!r}")


def search(score, candidates):
    """Score every candidate; the results, best (lowest score) first.

    score: a function (**params) -> float, e.g. the validation loss of a model
    trained with those hyperparameters. candidates: a list of dicts.
    Returns a list of dicts {"params": ..., "score": ...}, sorted by score
    (a nan score, from a run that diverged, sorts last).
    """
    results = [{"params": params, "score": float(score(**params))} for params in candidates]
    return sorted(results, key=lambda r: (math.isnan(r["score"]), r["score"]))


def grid_search(score, grid):
    """:func:`search` over every combination of ``grid`` ({name: [values]})."""
    return search(score, param_grid(grid))


def random_search(score, space, n_trials, seed=0):
    """:func:`search` over ``n_trials`` random combinations from ``space`` (see sample_params)."""
    return search(score, sample_params(space, n_trials, seed))


# ---------------------------------------------------------------- imbalanced classes


def per_class_recall(y_true, y_pred, num_classes=None):
    """Recall of every class: of the samples of class k, the fraction predicted as k.

    recall_k = #(y_pred == k and y_true == k) / #(y_true == k)   (nan if class k is absent).
    y_true, y_pred: integer labels (N,). Returns (num_classes,) floats.

    >>> per_class_recall([0, 0, 0, 1], [0, 0, 0, 0]).tolist()   # accuracy 0.75, class 1 never found
    [1.0, 0.0]
    """
    y_true, y_pred = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must have the same shape, but got "
                         f"{y_true.shape} and {y_pred.shape}")
    k = num_classes or int(max(y_true.max(initial=-1), y_pred.max(initial=-1)) + 1)
    hits = np.bincount(y_true[y_true == y_pred], minlength=k)[:k].astype(float)
    counts = np.bincount(y_true, minlength=k)[:k]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, hits / np.maximum(counts, 1), np.nan)


def balanced_class_weight(y):
    """Class weights for ``fit(class_weight=...)`` that make every class count the same.

    weight_k = N / (K * count_k): a class with half the average count weighs 2.
    y: integer labels (N,). Returns {class: weight} for the classes present.

    >>> balanced_class_weight([0, 0, 0, 1])
    {0: 0.6666666666666666, 1: 2.0}
    """
    y = _labels(y, "y")
    classes, counts = np.unique(y, return_counts=True)
    return {int(c): len(y) / (len(classes) * int(n)) for c, n in zip(classes, counts)}


def _labels(y, name):
    arr = np.asarray(y)
    if arr.ndim != 1 or arr.dtype.kind not in "iu":
        raise ValueError(f"{name} must be integer class labels of shape (N,), but got "
                         f"dtype {arr.dtype} and shape {arr.shape}")
    if arr.size and arr.min() < 0:
        raise ValueError(f"{name} must hold labels >= 0, but got {arr.min()}")
    return arr


__all__ = ["ReduceLROnPlateau", "balanced_class_weight", "exponential_rates", "grid_search", "lr_range_test",
           "param_grid", "per_class_recall", "random_search", "sample_params", "search",
           "smooth"]

"""The batch-size explorer: the same training run with different mini-batch sizes (chapter 07).

A small network (64 -> 32 ReLU -> 10 softmax) learns the 8x8 digits with plain
SGD, once per batch size. Each run measures, after every epoch, the loss on the
whole training set and the time spent training so far (the measurement itself
is not counted). Two pictures of the same runs:

- loss against epochs: small batches make many updates per epoch, so they
  go down faster per pass over the data (noisily);
- loss against wall time: each of those updates costs about as much Python
  overhead as a big one, so per second the picture can turn around.

The times are measured on this machine, so they change from run to run. Every
run is cached per (batch size, learning rate) and only ever extended: ticking a
batch size again shows it at once, and more epochs train only the new ones
(the response to a change stays well under 0.5 s; see benchmarks/bench_viz.py).
"""

import time
import warnings

import ipywidgets as widgets
import numpy as np

from nnedu import data
from nnedu.layers import Dense
from nnedu.models import DivergenceWarning, Sequential
from nnedu.optimizers import SGD
from nnedu.viz import style
from nnedu.viz._base import Explorer, int_slider, log_slider

FULL = "full"  # the value that stands for "the whole training set in one batch"
BATCH_SIZES = (1, 8, 32, 128, FULL)
COLORS = dict(zip(BATCH_SIZES, (style.VERMILLION, style.ORANGE, style.GREEN, style.BLUE,
                                style.BLACK)))


def digits_subset(n_samples, seed=0):
    """``n_samples`` random 8x8 digits: X (n, 64) scaled to [0, 1], y (n,) labels 0-9."""
    X, y = data.load_digits()
    index = np.random.default_rng(seed).permutation(len(X))[:n_samples]
    return X[index] / 16.0, y[index]


class Run:
    """One training run that can be extended epoch by epoch (so a longer run reuses a
    shorter one: moving the epochs slider trains only the epochs that are new).

    Epoch e shuffles with seed + e, so the first k epochs are the same whether the run
    was asked for k epochs or extended to more later. After every epoch it records the
    loss on the whole training set and the seconds spent training so far (the
    measurement itself is not counted).
    """

    def __init__(self, batch_size, learning_rate, X, y, seed=0):
        self.size = len(X) if batch_size == FULL else batch_size
        self.X, self.y, self.seed = X, y, seed
        self.model = Sequential([Dense(32, activation="relu", input_shape=(64,), seed=seed),
                                 Dense(10, activation="softmax", seed=seed + 1)])
        self.model.compile(optimizer=SGD(learning_rate=learning_rate),
                           loss="sparse_categorical_crossentropy")
        self.losses, self.seconds, self.diverged = [self._loss()], [0.0], False

    def _loss(self):
        return self.model.evaluate(self.X, self.y, batch_size=len(self.X))

    def extend(self, epochs):
        """Train until ``epochs`` epochs are done (or the loss diverged); return how many
        epochs were trained now (0 when the run was already long enough)."""
        trained = 0
        while len(self.losses) <= epochs and not self.diverged:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", DivergenceWarning)
                start = time.perf_counter()
                self.model.fit(self.X, self.y, batch_size=self.size, epochs=1, verbose=0,
                               seed=self.seed + len(self.losses) - 1)
                elapsed = time.perf_counter() - start
            trained += 1
            if any(issubclass(w.category, DivergenceWarning) for w in caught):
                self.diverged = True
                break
            self.seconds.append(self.seconds[-1] + elapsed)
            self.losses.append(self._loss())
        return trained

    def result(self, epochs):
        """The dict of ``run`` for the first ``epochs`` epochs (extending the run if needed)."""
        self.extend(epochs)
        k = epochs + 1
        return {"loss": np.array(self.losses[:k], dtype=float),
                "seconds": np.array(self.seconds[:k], dtype=float),
                "diverged": self.diverged and len(self.losses) < k}


def run(batch_size, learning_rate, epochs, X, y, seed=0):
    """Train a fresh 64-32-10 network with SGD(learning_rate) for ``epochs`` epochs.

    batch_size: an int or FULL (= len(X)). X (N, 64), y (N,) labels.
    Returns a dict of arrays: "loss" (epochs + 1,) from epoch 0 (before training)
    on, "seconds" (epochs + 1,) the training time so far, and "diverged" (bool;
    the arrays then stop at the last finite epoch).
    The same seed gives the same initial weights for every batch size.
    """
    return Run(batch_size, learning_rate, X, y, seed).result(epochs)


def label(batch_size, n_samples):
    """How a batch size is written: "batch 32", or "full batch (200)"."""
    return f"full batch ({n_samples})" if batch_size == FULL else f"batch {batch_size}"


class BatchSizeExplorer(Explorer):
    """Controls: batch_sizes (several at once), learning_rate, epochs."""

    def __init__(self, batch_sizes=(1, 32, FULL), learning_rate=0.1, epochs=5, n_samples=200,
                 seed=0):
        batch_sizes = tuple(batch_sizes)
        for size in batch_sizes:
            if size not in BATCH_SIZES:
                raise ValueError(f"batch sizes must be among {BATCH_SIZES}, but got {size!r}")
        self.X, self.y = digits_subset(n_samples, seed)
        self.seed = seed
        self.cache = {}  # (batch_size, learning_rate) -> Run, extended as needed
        self.train_count = 0
        controls = {
            "batch_sizes": widgets.SelectMultiple(
                options=[(label(b, n_samples), b) for b in BATCH_SIZES],
                value=batch_sizes, rows=len(BATCH_SIZES), description="batch sizes",
                style={"description_width": "initial"}),
            "learning_rate": log_slider(learning_rate, 1e-3, 1.0, "learning rate",
                                        continuous=False, fmt=".3g"),
            "epochs": int_slider(epochs, 1, 20, "epochs", continuous=False),
        }
        self._build_figure()
        super().__init__(controls, self.figure, rows=[["batch_sizes"],
                                                      ["learning_rate", "epochs"]])

    def _build_figure(self):
        fig, (ax, ax_time) = style.new_figure(1, 2, figsize=(9.6, 3.8), sharey=True)
        self.figure, self.ax, self.ax_time = fig, ax, ax_time
        self.curves, self.time_curves = {}, {}
        for size in BATCH_SIZES:
            name = label(size, len(self.X))
            (self.curves[size],) = ax.plot([], [], "-o", ms=3, color=COLORS[size], label=name)
            (self.time_curves[size],) = ax_time.plot([], [], "-o", ms=3, color=COLORS[size])
        ax.set_yscale("log")
        style.apply(ax, title="Training loss per epoch", xlabel="epoch",
                    ylabel="cross-entropy (training set)")
        style.apply(ax_time, title="The same runs against time (measured)",
                    xlabel="training time (s)")
        self.legend = ax.legend(loc="lower left", fontsize=style.TEXT_SIZE - 1)

    def result(self, batch_size):
        """The run for one batch size at the current settings: cached, or trained now."""
        key = (batch_size, float(self.controls["learning_rate"].value))
        epochs = self.controls["epochs"].value
        if key not in self.cache:
            self.cache[key] = Run(batch_size, key[1], self.X, self.y, self.seed)
        if self.cache[key].extend(epochs):
            self.train_count += 1
        return self.cache[key].result(epochs)

    def update(self):
        chosen = [b for b in BATCH_SIZES if b in self.controls["batch_sizes"].value]
        parts, losses, seconds = [], [], []
        for size in BATCH_SIZES:
            shown = size in chosen
            self.curves[size].set_visible(shown)
            self.time_curves[size].set_visible(shown)
            if shown:
                parts.append(self._draw_run(size, losses, seconds))
        self._set_limits(losses, seconds)
        if not parts:
            return "no batch size selected: choose one or more"
        return "; ".join(parts)

    def _draw_run(self, size, losses, seconds):
        """Update one batch size's curves; return its part of the readout."""
        result = self.result(size)
        loss = np.where(np.isfinite(result["loss"]), result["loss"], np.nan)
        epochs = np.arange(len(loss))
        self.curves[size].set_data(epochs, loss)
        self.time_curves[size].set_data(result["seconds"], loss)
        losses.append(loss)
        seconds.append(result["seconds"])
        name = label(size, len(self.X))
        if result["diverged"]:
            return f"{name}: diverged"
        return f"{name}: loss {loss[-1]:.3g} in {result['seconds'][-1]:.2f} s"

    def _set_limits(self, losses, seconds):
        epochs = self.controls["epochs"].value
        self.ax.set_xlim(-0.3, epochs + 0.3)
        values = np.concatenate(losses) if losses else np.array([])
        values = values[np.isfinite(values) & (values > 0)]
        if values.size:
            self.ax.set_ylim(values.min() / 1.5, values.max() * 1.5)
        longest = max((float(np.max(s)) for s in seconds), default=1.0)
        self.ax_time.set_xlim(0, max(longest, 1e-3) * 1.05)


def batch_size_explorer(batch_sizes=(1, 32, FULL), learning_rate=0.1, epochs=5, n_samples=200,
                        seed=0):
    """Loss against epochs and against measured time, for several mini-batch sizes.

    Trains a 64-32-10 network on ``n_samples`` 8x8 digits with plain SGD, once
    per selected batch size (1, 8, 32, 128 or "full"), from the same initial
    weights. Controls: batch sizes, learning rate (log scale), epochs.
    Runs are cached per (batch size, learning rate) and extended when epochs grow.

    Example: ``batch_size_explorer(batch_sizes=(1, 8, 32, 128, "full"))``.
    """
    return BatchSizeExplorer(batch_sizes=batch_sizes, learning_rate=learning_rate,
                             epochs=epochs, n_samples=n_samples, seed=seed)

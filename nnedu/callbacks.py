"""Callbacks: code that ``fit`` runs at fixed moments of training.

``model.fit(..., callbacks=[...])`` calls, on every callback, in this order::

    on_train_begin(logs)
        on_epoch_begin(epoch, logs)
            on_batch_end(batch, logs)     after each optimizer step
        on_epoch_end(epoch, logs)         after the validation pass
    on_train_end(logs)

``epoch`` and ``batch`` count from 0 (as in Keras). ``logs`` is a dict of
floats: after a batch, the running means over the epoch so far ("loss",
"accuracy"); after an epoch, the epoch's figures, with "val_loss",
"val_accuracy" when there is validation data. A callback can stop training by
setting ``self.model.stop_training = True``.

History, EarlyStopping, ProgressBar and LivePlot are here. ``fit`` always
adds a History (returned, and kept as ``model.history``) and, unless
``verbose=0``, a ProgressBar.

This module imports neither matplotlib nor ipywidgets nor tqdm: ProgressBar
and LivePlot import what they draw with when training starts.
"""

import base64
import io
import sys
import time
import warnings

import numpy as np


class Callback:
    """Base class: every hook does nothing. ``self.model`` is set by ``fit``."""

    def __init__(self):
        self.model = None

    def set_model(self, model):
        self.model = model

    def on_train_begin(self, logs=None):
        """Called once, before the first epoch."""

    def on_train_end(self, logs=None):
        """Called once, after the last epoch (or after training was stopped)."""

    def on_epoch_begin(self, epoch, logs=None):
        """Called at the start of epoch ``epoch`` (0-based)."""

    def on_epoch_end(self, epoch, logs=None):
        """Called at the end of an epoch with its figures: loss, accuracy, val_loss, ..."""

    def on_batch_end(self, batch, logs=None):
        """Called after each optimizer step with the epoch's running means so far."""

    def wants_batch_logs(self):
        """True when this callback defines on_batch_end (fit skips the running means if none does)."""
        return type(self).on_batch_end is not Callback.on_batch_end


class History(Callback):
    """Records each epoch's figures: ``history.history["loss"]`` is a list with one float per epoch.

    >>> h = History(); h.on_train_begin(); h.on_epoch_end(0, {"loss": 0.5})
    >>> h.history, h.epoch
    ({'loss': [0.5]}, [0])
    """

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.history = {}
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(float(value))


class EarlyStopping(Callback):
    """Stop training when the monitored figure has stopped improving for ``patience`` epochs.

    An epoch improves on the best so far when (mode "min") value < best - min_delta,
    or (mode "max") value > best + min_delta. After ``patience`` epochs in a row
    without improvement, training stops. ``mode="auto"`` picks "max" for names
    containing "acc" and "min" otherwise. With ``restore_best_weights=True`` the
    model gets back the weights of its best epoch when training stops.

    ``stopped_epoch`` (0-based; 0 if it never stopped), ``best`` and ``best_epoch``
    say what happened.
    """

    def __init__(self, monitor="val_loss", min_delta=0.0, patience=0, mode="auto",
                 restore_best_weights=False):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"EarlyStopping(mode=...) must be 'auto', 'min' or 'max', "
                             f"but got {mode!r}")
        if not isinstance(patience, int) or patience < 0:
            raise ValueError(f"EarlyStopping(patience=...) must be an int >= 0, "
                             f"but got {patience!r}")
        self.monitor = monitor
        self.min_delta = abs(float(min_delta))
        self.patience = patience
        self.restore_best_weights = bool(restore_best_weights)
        if mode == "auto":
            mode = "max" if "acc" in monitor else "min"
        self.mode = mode

    def on_train_begin(self, logs=None):
        self.warned = False
        self.wait = 0
        self.stopped_epoch = 0
        self.best = np.inf if self.mode == "min" else -np.inf
        self.best_epoch = 0
        self.best_weights = None

    def _improved(self, value):
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.monitor not in logs:
            self._warn_missing(logs)
            return
        value = float(logs[self.monitor])
        if self._improved(value):
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def _warn_missing(self, logs):
        """One warning per fit when the monitored figure is not reported (as Keras)."""
        if not self.warned:
            available = ", ".join(sorted(logs)) or "none"
            warnings.warn(f"EarlyStopping monitors {self.monitor!r}, but fit reports only: "
                          f"{available} (val_* figures need validation data); training goes on "
                          "without early stopping", UserWarning, stacklevel=4)
            self.warned = True

    def on_train_end(self, logs=None):
        if self.restore_best_weights and self.best_weights is not None:
            self.model.set_weights(self.best_weights)


def format_logs(logs):
    """'loss: 0.3100 - accuracy: 0.9000' from a dict of figures (Keras' style).

    As Keras, a figure of magnitude 1e-3 or less keeps its digits in
    scientific notation instead of printing as 0.0000:

    >>> format_logs({"loss": 1.2543e-06, "accuracy": 1.0})
    'loss: 1.2543e-06 - accuracy: 1.0000'
    """
    return " - ".join(f"{key}: {format_value(value)}" for key, value in logs.items())


def format_value(value):
    """One figure as Keras' progress bar prints it: 0.3100, or 1.2543e-06 when |value| <= 1e-3."""
    return f"{value:.4f}" if abs(value) > 1e-3 else f"{value:.4e}"


class ProgressBar(Callback):
    """Keras-like progress display: a bar per epoch (verbose=1) or one line per epoch (2).

    verbose: "auto" (= 1), 0 (nothing), 1 (a tqdm bar per epoch, showing the running
    loss; in a notebook tqdm draws a widget, in a terminal text), 2 (one line per epoch).
    ``stream`` is where the text goes (default sys.stderr, as tqdm).
    """

    def __init__(self, verbose="auto", stream=None):
        super().__init__()
        if verbose == "auto":
            verbose = 1
        if verbose not in (0, 1, 2):
            raise ValueError(f"verbose must be 'auto', 0, 1 or 2, but got {verbose!r}")
        self.verbose = verbose
        self.stream = stream
        self._bar = None

    def on_train_begin(self, logs=None):
        self.epochs = self.model.fit_info["epochs"]
        self.steps = self.model.fit_info["steps"]

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()
        if self.verbose == 1:
            from tqdm.auto import tqdm  # here, so that importing nnedu never loads ipywidgets

            self._bar = tqdm(total=self.steps, desc=f"Epoch {epoch + 1}/{self.epochs}",
                             unit="batch", file=self.stream or sys.stderr, leave=True,
                             mininterval=0.2)

    def on_batch_end(self, batch, logs=None):
        if self._bar is not None:
            self._bar.update(1)
            if batch % 10 == 0 or batch + 1 == self.steps:
                self._bar.set_postfix_str(format_logs(logs or {}), refresh=False)

    def on_epoch_end(self, epoch, logs=None):
        seconds = time.perf_counter() - self._start
        if self._bar is not None:
            self._bar.set_postfix_str(format_logs(logs or {}), refresh=False)
            self._bar.close()
            self._bar = None
        elif self.verbose == 2:
            stream = self.stream or sys.stderr
            print(f"Epoch {epoch + 1}/{self.epochs} - {seconds:.1f}s - {format_logs(logs or {})}",
                  file=stream)

    def on_train_end(self, logs=None):
        if self._bar is not None:  # training was stopped inside an epoch
            self._bar.close()
            self._bar = None


class LivePlot(Callback):
    """Redraw the training and validation curves (loss, accuracy) after every epoch.

    In a notebook the figure is shown once and then updated in place; anywhere
    else (a script, a test) nothing is displayed, but ``.figure`` (a
    matplotlib Figure, two axes: loss and accuracy) and ``.readout`` (a line
    such as "epoch 5/10: loss 0.31, val_loss 0.35") are still kept up to date.
    matplotlib is imported when training starts, not when nnedu is imported.
    """

    def __init__(self, figsize=(9, 3.2)):
        super().__init__()
        self.figsize = figsize
        self.figure = None
        self.readout = ""
        self._handles = None

    def on_train_begin(self, logs=None):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.epochs = self.model.fit_info["epochs"]
        self.logs = {}
        self.figure = Figure(figsize=self.figsize, layout="constrained")
        FigureCanvasAgg(self.figure)  # renders without pyplot or a screen
        self.axes = self.figure.subplots(1, 2)
        self._handles = _display_handles()

    def on_epoch_end(self, epoch, logs=None):
        for key, value in (logs or {}).items():
            self.logs.setdefault(key, []).append(float(value))
        self.readout = _readout(epoch, self.epochs, logs or {})
        self._redraw()
        if self._handles is not None:
            _show(self._handles, self.figure, self.readout)

    def _redraw(self):
        for ax, what in zip(self.axes, ("loss", "accuracy")):
            ax.clear()
            for key, style in ((what, "-"), ("val_" + what, "--")):
                if key in self.logs:
                    values = self.logs[key]
                    ax.plot(range(1, len(values) + 1), values, style, marker="o",
                            markersize=3, label=key.replace("_", " "))
            ax.set_xlabel("epoch")
            ax.set_ylabel(what)
            ax.set_title(f"{what}: training (solid) and validation (dashed)", fontsize=9)
            if ax.lines:
                ax.legend(fontsize=8)
        self.figure.suptitle(self.readout, fontsize=10)


def _readout(epoch, epochs, logs):
    """'epoch 5/10: loss 0.31, val_loss 0.35' (two significant digits)."""
    figures = ", ".join(f"{key} {value:.2g}" for key, value in logs.items())
    return f"epoch {epoch + 1}/{epochs}: {figures}"


def _display_handles():
    """Two IPython display handles (readout text, figure image) in a notebook; else None."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        return None
    shell = get_ipython()
    if shell is None or not hasattr(shell, "kernel"):
        return None  # a script or a plain terminal: nothing to draw into
    text = display({"text/plain": ""}, raw=True, display_id=True)
    image = display({"text/plain": "(the curves appear after the first epoch)"}, raw=True,
                    display_id=True)
    return text, image


def _show(handles, figure, readout):
    """Replace the displayed readout and image with the current ones (rendered to PNG)."""
    buffer = io.BytesIO()
    figure.canvas.print_png(buffer)
    png = base64.b64encode(buffer.getvalue()).decode("ascii")
    text, image = handles
    text.update({"text/plain": readout}, raw=True)
    image.update({"image/png": png, "text/plain": readout}, raw=True)

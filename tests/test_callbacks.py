"""Tests for nnedu.callbacks: History, EarlyStopping, ProgressBar and LivePlot."""

import subprocess
import sys
import warnings

import numpy as np
import pytest

from nnedu.callbacks import Callback, EarlyStopping, History, LivePlot, ProgressBar, format_logs
from nnedu.layers import Dense
from nnedu.models import Sequential
from nnedu.optimizers import SGD, Adam


class FakeModel:
    """Just what EarlyStopping touches: weights and the stop flag."""

    def __init__(self):
        self.weights = [np.array([0.0])]
        self.stop_training = False

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [w.copy() for w in weights]


def run_scripted(callback, values, key="val_loss"):
    """Feed ``values`` as the monitored figure of successive epochs; the model's weight is
    the epoch number. Returns (epochs run, model)."""
    model = FakeModel()
    callback.set_model(model)
    callback.on_train_begin()
    epochs = 0
    for epoch, value in enumerate(values):
        model.weights = [np.array([float(epoch)])]
        callback.on_epoch_end(epoch, {key: value})
        epochs += 1
        if model.stop_training:
            break
    callback.on_train_end()
    return epochs, model


def test_early_stopping_waits_patience_epochs():
    stop = EarlyStopping(patience=2)
    epochs, _ = run_scripted(stop, [1.0, 0.8, 0.9, 0.85, 0.7, 0.6])
    # best 0.8 at epoch 1; epochs 2 and 3 do not improve: stop after epoch 3
    assert epochs == 4
    assert stop.stopped_epoch == 3 and stop.best == 0.8 and stop.best_epoch == 1


def test_early_stopping_patience_zero_stops_at_the_first_non_improvement():
    epochs, _ = run_scripted(EarlyStopping(), [3.0, 2.0, 2.0, 1.0])
    assert epochs == 3


def test_min_delta_requires_a_large_enough_improvement():
    stop = EarlyStopping(patience=1, min_delta=0.1)
    epochs, _ = run_scripted(stop, [1.0, 0.95, 0.8, 0.75])
    # 0.95 is not 0.1 better than 1.0: epoch 1 is a miss, stop there
    assert epochs == 2 and stop.best == 1.0


def test_restore_best_weights():
    epochs, model = run_scripted(EarlyStopping(patience=2, restore_best_weights=True),
                                 [0.5, 0.3, 0.4, 0.45, 0.2])
    assert epochs == 4
    assert model.weights[0][0] == 1.0  # the weights seen at epoch 1, the best one
    _, kept = run_scripted(EarlyStopping(patience=2), [0.5, 0.3, 0.4, 0.45, 0.2])
    assert kept.weights[0][0] == 3.0  # without restoring: the last epoch's


def test_auto_mode_maximizes_accuracy():
    stop = EarlyStopping(monitor="val_accuracy", patience=1)
    epochs, _ = run_scripted(stop, [0.5, 0.7, 0.6, 0.9], key="val_accuracy")
    assert stop.mode == "max" and epochs == 3 and stop.best == 0.7


def test_early_stopping_names_a_missing_figure_once_and_lets_training_go_on():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        epochs, model = run_scripted(EarlyStopping(), [1.0, 1.0, 1.0], key="loss")
    assert epochs == 3 and not model.stop_training
    assert len(caught) == 1
    assert "monitors 'val_loss', but fit reports only: loss" in str(caught[0].message)
    with pytest.raises(ValueError, match="mode"):
        EarlyStopping(mode="lowest")


def test_early_stopping_on_val_loss_without_validation_data_in_fit():
    # as Keras: one warning, every epoch runs, the History is returned
    x, y = data(n=40)
    stop = EarlyStopping(monitor="val_loss", patience=0, restore_best_weights=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = small_model().fit(x, y, epochs=4, verbose=0, callbacks=[stop])
    assert [str(w.message).split(",")[0] for w in caught] == [
        "EarlyStopping monitors 'val_loss'"]
    assert len(history.history["loss"]) == 4 and stop.stopped_epoch == 0


def test_small_figures_keep_their_digits_as_in_keras():
    assert format_logs({"loss": 1.2543e-06, "accuracy": 1.0}) == \
        "loss: 1.2543e-06 - accuracy: 1.0000"
    assert format_logs({"loss": 0.31, "mae": -2e-4}) == "loss: 0.3100 - mae: -2.0000e-04"
    assert format_logs({"loss": 0.0011}) == "loss: 0.0011"


def test_verbose_2_prints_a_tiny_loss_with_its_digits(capsys):
    # one linear unit with weight 1: outputs 0, targets +-d, so mse = d**2 = 1.2543e-06
    d = np.sqrt(1.2543e-06)
    model = Sequential([Dense(1, input_shape=(1,), kernel_initializer="ones")])
    model.compile(SGD(0.0), "mse")
    model.fit(np.zeros((2, 1)), np.array([[d], [-d]]), epochs=1, verbose=2)
    line = capsys.readouterr().err.strip()
    assert line.endswith(" - loss: 1.2543e-06"), line


def test_history_records_every_epoch():
    history = History()
    history.on_train_begin()
    for epoch, loss in enumerate([0.9, 0.5]):
        history.on_epoch_end(epoch, {"loss": np.float64(loss), "accuracy": 0.5 + epoch / 4})
    assert history.history == {"loss": [0.9, 0.5], "accuracy": [0.5, 0.75]}
    assert history.epoch == [0, 1]
    assert all(type(v) is float for v in history.history["loss"])


# ------------------------------------------------------------------ with a real fit


def data(n=96, seed=0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    x = rng.normal(size=(n, 3)) + 2.0 * y[:, None]
    return x, y


def small_model(lr=0.05):
    model = Sequential([Dense(4, activation="tanh", input_shape=(3,), seed=0),
                        Dense(2, activation="softmax", seed=1)])
    model.compile(Adam(lr), "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


class Recorder(Callback):
    def __init__(self):
        super().__init__()
        self.calls = []

    def on_train_begin(self, logs=None):
        self.calls.append("train_begin")

    def on_epoch_begin(self, epoch, logs=None):
        self.calls.append(f"epoch_begin {epoch}")

    def on_batch_end(self, batch, logs=None):
        self.calls.append(f"batch {batch} {sorted(logs)}")

    def on_epoch_end(self, epoch, logs=None):
        self.calls.append(f"epoch_end {epoch} {sorted(logs)}")

    def on_train_end(self, logs=None):
        self.calls.append("train_end")


def test_fit_calls_the_hooks_in_order():
    x, y = data(n=40)
    recorder = Recorder()
    small_model().fit(x, y, batch_size=16, epochs=2, verbose=0, callbacks=[recorder],
                      validation_split=0.2)
    batch = "['accuracy', 'loss']"
    epoch = "['accuracy', 'loss', 'val_accuracy', 'val_loss']"
    assert recorder.calls == [
        "train_begin",
        "epoch_begin 0", f"batch 0 {batch}", f"batch 1 {batch}", f"epoch_end 0 {epoch}",
        "epoch_begin 1", f"batch 0 {batch}", f"batch 1 {batch}", f"epoch_end 1 {epoch}",
        "train_end"]


def test_early_stopping_in_fit_restores_the_best_epoch():
    x, y = data()
    model = small_model(lr=0.5)
    weights = []

    class Snapshot(Callback):
        def on_epoch_end(self, epoch, logs=None):
            weights.append(self.model.get_weights())

    stop = EarlyStopping(monitor="val_loss", patience=1, restore_best_weights=True)
    history = model.fit(x, y, epochs=60, batch_size=8, verbose=0, validation_split=0.5,
                        callbacks=[Snapshot(), stop], seed=0)
    epochs_run = len(history.history["loss"])
    assert epochs_run < 60
    assert stop.best == min(history.history["val_loss"])
    best = int(np.argmin(history.history["val_loss"]))
    for w, w_best in zip(model.get_weights(), weights[best]):
        np.testing.assert_array_equal(w, w_best)


def test_progress_bar_verbose_modes(capsys):
    x, y = data(n=40)
    small_model().fit(x, y, epochs=2, verbose=0)
    assert capsys.readouterr().err == ""
    small_model().fit(x, y, epochs=2, verbose=2)
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("Epoch 1/2 - ") and "loss: " in lines[0]
    assert "accuracy: " in lines[1]
    small_model().fit(x, y, epochs=3, batch_size=8, verbose="auto")
    err = capsys.readouterr().err
    assert "Epoch 3/3" in err and "5/5" in err and "loss=" not in err and "loss: " in err


def test_progress_bar_rejects_unknown_verbose():
    with pytest.raises(ValueError, match="verbose must be 'auto', 0, 1 or 2, but got 3"):
        ProgressBar(verbose=3)


def test_live_plot_headless_keeps_figure_and_readout():
    x, y = data()
    plot = LivePlot()
    model = small_model()
    history = model.fit(x, y, epochs=3, verbose=0, validation_split=0.25, callbacks=[plot])
    loss_axis, accuracy_axis = plot.figure.axes
    labels = [line.get_label() for line in loss_axis.lines]
    assert labels == ["loss", "val loss"]
    np.testing.assert_allclose(loss_axis.lines[0].get_ydata(), history.history["loss"])
    np.testing.assert_allclose(accuracy_axis.lines[1].get_ydata(),
                               history.history["val_accuracy"])
    assert plot.readout.startswith("epoch 3/3: loss ")
    assert f"val_loss {history.history['val_loss'][-1]:.2g}" in plot.readout
    assert type(plot.figure).__module__ == "matplotlib.figure"


def test_live_plot_without_validation_draws_training_curves_only():
    x, y = data()
    plot = LivePlot()
    small_model().fit(x, y, epochs=2, verbose=0, callbacks=[plot])
    assert [len(ax.lines) for ax in plot.figure.axes] == [1, 1]


def test_importing_callbacks_does_not_import_matplotlib_or_tqdm():
    code = ("import sys, nnedu.callbacks, nnedu.models; "
            "print(sorted(m for m in ('matplotlib', 'tqdm', 'ipywidgets') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_fit_rejects_non_callbacks():
    x, y = data(n=8)
    with pytest.raises(TypeError, match="callbacks must be Callback objects"):
        small_model().fit(x, y, verbose=0, callbacks=[print])
    model = Sequential([Dense(2, activation="softmax", input_shape=(3,))])
    model.compile(SGD(), "sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="verbose must be"):
        model.fit(x, y, verbose="loud")


class FakeHandle:
    """Stands in for an IPython DisplayHandle: records what update() receives."""

    def __init__(self):
        self.updates = []

    def update(self, data, raw=False):
        self.updates.append(data)


def test_live_plot_updates_its_display_in_place(monkeypatch):
    import base64

    from nnedu import callbacks

    text, image = FakeHandle(), FakeHandle()
    monkeypatch.setattr(callbacks, "_display_handles", lambda: (text, image))
    x, y = data()
    plot = LivePlot()
    small_model().fit(x, y, epochs=2, verbose=0, callbacks=[plot])
    assert len(image.updates) == 2 and len(text.updates) == 2
    png = base64.b64decode(image.updates[-1]["image/png"])
    assert png.startswith(b"\x89PNG")
    assert text.updates[0]["text/plain"].startswith("epoch 1/2: loss ")
    assert text.updates[-1]["text/plain"] == plot.readout


NOTEBOOK_CELL = """
import numpy as np
from nnedu.callbacks import LivePlot
from nnedu.layers import Dense
from nnedu.models import Sequential
x = np.random.default_rng(0).normal(size=(64, 3))
y = (x[:, 0] > 0).astype(int)
model = Sequential([Dense(2, activation="softmax", input_shape=(3,), seed=0)])
model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
plot = LivePlot()
history = model.fit(x, y, epochs=3, validation_split=0.25, callbacks=[plot])
"""


def test_in_a_kernel_one_figure_is_updated_and_tqdm_draws_a_bar_per_epoch():
    nbclient = pytest.importorskip("nbclient")
    nbformat = pytest.importorskip("nbformat")
    notebook = nbformat.v4.new_notebook()
    notebook.cells.append(nbformat.v4.new_code_cell(NOTEBOOK_CELL))
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    outputs = notebook.cells[0].outputs
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    bars = [o for o in outputs
            if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(images) == 1  # updated in place, not appended once per epoch
    assert images[0]["data"]["text/plain"].startswith("epoch 3/3: loss ")
    assert [b["data"]["text/plain"].split(":")[0] for b in bars] == [
        "Epoch 1/3", "Epoch 2/3", "Epoch 3/3"]

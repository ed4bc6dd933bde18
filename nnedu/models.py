"""Sequential: a stack of layers, trained with Keras' compile / fit / evaluate / predict.

    model = Sequential([Dense(64, activation="relu", input_shape=(64,)),
                        Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x_train, y_train, epochs=10, validation_split=0.1)
    model.evaluate(x_test, y_test)          # [loss, accuracy]

One training step (``train_on_batch``) is the four-step loop of chapter 06:

1. forward:  out = layer_n(... layer_1(x))        (training=True)
2. loss:     L = loss(y, out) + regularization penalties
3. backward: dL/dout, then each layer's backward, last to first, fills its grads
4. update:   optimizer.step(params, grads) for the trainable layers, then
             each layer's constraints (MaxNorm) are applied.

The fused gradient. When the last layer ends in a softmax and the loss is a
categorical cross-entropy (one-hot or sparse), dL/dz for the logits z is
simply (p - y) / N: the softmax Jacobian and the 1/p of the loss cancel. The
model then computes that directly and runs the last layer's backward with
its activation skipped: faster, and exact even where p underflows to 0. The
same holds for a sigmoid output with binary cross-entropy: (p - y) / n.

Checks happen once per call of fit/evaluate/predict, before any arithmetic
(shapes, lengths, nan/inf, labels against the number of outputs), so the
per-batch loop stays lean. If the loss becomes nan or inf during fit (the
learning rate is too large), training stops with ONE warning and the history
of the finished epochs is returned.
"""

import json
import math
import numbers
import warnings
import zipfile
import zlib

import numpy as np

from nnedu import callbacks as callbacks_module
from nnedu import layers as layers_module
from nnedu import losses as losses_module
from nnedu import optimizers as optimizers_module
from nnedu.layers import Input, Layer

FORMAT = "nnedu.Sequential"
FORMAT_VERSION = 1
CE_EPSILON = 1e-7  # probabilities are clipped to [eps, 1 - eps] before the log, as in Keras


class DivergenceWarning(UserWarning):
    """The loss became nan or inf during fit: training was stopped."""


class Sequential:
    """A linear stack of layers: the output of each is the input of the next.

    layers: a list of Layer objects (or add them one by one with ``add``).
    The model is built, i.e. every layer gets its weights, as soon as the input
    shape is known: from an ``Input`` layer or the first layer's ``input_shape``,
    or else from the first data it sees.

    Example: the 2-3-2 network of chapter 03 has 2*3+3 + 3*2+2 = 17 parameters.

    >>> import numpy as np
    >>> from nnedu.layers import Dense
    >>> model = Sequential([Dense(3, input_shape=(2,), activation="relu"),
    ...                     Dense(2, activation="softmax")])
    >>> model.count_params()
    17
    >>> model.predict(np.zeros((4, 2))).shape
    (4, 2)
    """

    def __init__(self, layers=None, name=None):
        if name is not None and not isinstance(name, str):
            raise TypeError(f"a model name must be a string, but got {name!r}")
        self.name = name or "sequential"
        self.layers = []
        self.input_shape = None
        self.optimizer = None
        self.loss = None
        self.metrics = []
        self.history = None
        self.stop_training = False
        self.fit_info = None  # epochs, steps per epoch, ... of the current fit (for callbacks)
        if layers is not None and not isinstance(layers, (list, tuple)):
            raise TypeError(f"Sequential expects a list of layers, but got "
                            f"{type(layers).__name__}")
        for layer in layers or []:
            self.add(layer)

    # ------------------------------------------------------------ building

    def add(self, layer):
        """Append a layer on top of the stack (and build it if the input shape is known)."""
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential.add expects a Layer (e.g. Dense(3)), but got "
                            f"{type(layer).__name__}: {layer!r}")
        if isinstance(layer, Input) and self.layers:
            raise ValueError("an Input layer can only be the first layer of a Sequential")
        if any(layer is other for other in self.layers):
            raise ValueError(f"layer '{layer.name}' is already in this model")
        self.layers.append(layer)
        if self.layers[0].built:
            self.build(self.layers[0].input_shape)

    @property
    def built(self):
        return self.input_shape is not None and all(layer.built for layer in self.layers)

    def build(self, input_shape):
        """Build every layer for samples of ``input_shape`` (no batch axis), in order."""
        if not self.layers:
            raise ValueError("this Sequential has no layers: add some before using it")
        shape = tuple(input_shape)
        for layer in self.layers:
            if not layer.built:
                layer.build(shape)
            elif layer.input_shape != shape:
                raise ValueError(f"layer '{layer.name}' was built for inputs of shape "
                                 f"{(None,) + layer.input_shape}, but the layer before it "
                                 f"outputs {(None,) + shape}")
            shape = layer.output_shape
        self.input_shape = self.layers[0].input_shape

    @property
    def output_shape(self):
        """Shape of one output sample (no batch axis); None before the model is built."""
        return self.layers[-1].output_shape if self.built else None

    def _require_built(self, what):
        if not self.built:
            raise ValueError(f"{what}: this model has not been built yet. Give the first "
                             "layer an input_shape (or start with Input(shape)), or call "
                             "fit/predict on data first.")

    # ------------------------------------------------------------ summary

    def count_params(self):
        """Number of weights in the model, trainable or not."""
        self._require_built("count_params()")
        return sum(layer.count_params() for layer in self.layers)

    def summary_text(self):
        """Keras' summary table as a string (see ``summary``)."""
        self._require_built("summary()")
        rows = [(f"{layer.name} ({type(layer).__name__})",
                 str((None,) + tuple(layer.output_shape)),
                 f"{layer.count_params():,}")
                for layer in self.layers if not isinstance(layer, Input)]
        width = max(30, *(len(r[0]) + 2 for r in rows))
        rule = "─" * (width + 26 + 13)
        lines = [f'Model: "{self.name}"', rule,
                 f"{'Layer (type)':<{width}}{'Output Shape':<26}{'Param #':>13}", rule]
        lines += [f"{a:<{width}}{b:<26}{c:>13}" for a, b, c in rows]
        total = self.count_params()
        trainable = sum(layer.count_trainable_params() for layer in self.layers)
        lines += [rule,
                  f"Total params: {total:,} ({_memory(total)})",
                  f"Trainable params: {trainable:,} ({_memory(trainable)})",
                  f"Non-trainable params: {total - trainable:,} ({_memory(total - trainable)})"]
        return "\n".join(lines)

    def summary(self):
        """Print the table of layers: name (type), output shape (None = batch), parameters."""
        print(self.summary_text())

    # ------------------------------------------------------------ forward / backward

    def forward(self, x, training=False):
        """The model's output for the batch ``x``: (N, *input_shape) -> (N, *output_shape)."""
        for layer in self.layers:
            x = layer.forward(x, training=training)
        return x

    def __call__(self, x, training=False):
        return self.forward(x, training=training)

    def backward(self, dy):
        """dL/dx from dy = dL/d(output); fills every layer's ``grads`` on the way down."""
        for layer in reversed(self.layers):
            dy = layer.backward(dy)
        return dy

    # ------------------------------------------------------------ weights

    def get_weights(self):
        """All layers' weights (copies), layer after layer, each in Keras' order."""
        return [w for layer in self.layers for w in layer.get_weights()]

    def set_weights(self, weights):
        """Set all weights from a list as returned by ``get_weights``."""
        self._require_built("set_weights()")
        weights = list(weights)
        counts = [len(layer.get_weights()) for layer in self.layers]
        if len(weights) != sum(counts):
            raise ValueError(f"model '{self.name}' has {sum(counts)} weight arrays, but got "
                             f"a list of {len(weights)}")
        start = 0
        for layer, count in zip(self.layers, counts):
            if count:
                layer.set_weights(weights[start:start + count])
            start += count

    # ------------------------------------------------------------ compile

    def compile(self, optimizer="rmsprop", loss=None, metrics=None):
        """Choose the optimizer, the loss and the metrics (names as in Keras, or objects).

        metrics: a list of "accuracy" (or "acc") and loss names such as "mae".
        """
        self.optimizer = optimizers_module.get(optimizer)
        self.loss = None if loss is None else losses_module.get(loss)
        metrics = list(metrics or [])
        for metric in metrics:
            if not isinstance(metric, str):
                raise TypeError(f"metrics are given by name, e.g. ['accuracy'], but got "
                                f"{type(metric).__name__}: {metric!r}")
            if metric not in ("accuracy", "acc") and metric not in losses_module.LOSSES:
                raise ValueError(f"unknown metric {metric!r}; use 'accuracy' or a loss name "
                                 "such as 'mae'")
        self.metrics = metrics

    def _require_compiled(self, what):
        if self.optimizer is None or self.loss is None:
            raise ValueError(f"{what} needs a loss and an optimizer: call "
                             "model.compile(optimizer=..., loss=...) first")

    # ------------------------------------------------------------ fit

    def fit(self, x, y, batch_size=32, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            seed=None):
        """Train for ``epochs`` passes over (x, y); return a History.

        x: (N, *input_shape); y: targets for the loss (one-hot (N, K), integer
        labels (N,) for the sparse loss, values (N, K) for mse, ...).
        validation_split takes the LAST fraction of the samples (before any
        shuffling, as Keras) as validation data; validation_data=(x_val, y_val)
        gives it explicitly. class_weight={class: weight} scales each sample's
        loss by the weight of its class. seed fixes the shuffling order.
        ``history.history`` has one float per epoch under "loss", each metric
        ("accuracy"), and "val_loss", "val_accuracy" with validation data.
        """
        self._require_compiled("fit")
        _check_int(batch_size, "batch_size", 1)
        _check_int(epochs, "epochs", 0)
        x, y = self._check_data(x, y)
        (x, y), validation = self._split_validation(x, y, validation_split, validation_data)
        weights = self._class_weights(y, class_weight)
        history = callbacks_module.History()
        callback_list = self._callbacks(callbacks, history, verbose)
        steps = math.ceil(len(x) / batch_size)
        self.fit_info = {"epochs": epochs, "steps": steps, "batch_size": batch_size,
                         "samples": len(x)}
        self.stop_training = False
        self.history = history
        rng = np.random.default_rng(seed)
        _call(callback_list, "on_train_begin")
        for epoch in range(epochs):
            _call(callback_list, "on_epoch_begin", epoch)
            order = rng.permutation(len(x)) if shuffle else np.arange(len(x))
            logs = self._train_epoch(x, y, weights, order, batch_size, epoch, callback_list)
            if logs is None:  # diverged
                break
            if validation is not None:
                logs.update(self._evaluate_logs(*validation, batch_size, prefix="val_"))
                if not math.isfinite(logs["val_loss"]):
                    _warn_divergence(epoch, steps, "on the validation data", stacklevel=3)
                    break
            _call(callback_list, "on_epoch_end", epoch, logs)
            if self.stop_training:
                break
        _call(callback_list, "on_train_end")
        return history

    def _callbacks(self, callbacks, history, verbose):
        """The user's callbacks, plus History first and a ProgressBar unless verbose=0."""
        callbacks = list(callbacks or [])
        for callback in callbacks:
            if not isinstance(callback, callbacks_module.Callback):
                raise TypeError(f"callbacks must be Callback objects, but got "
                                f"{type(callback).__name__}: {callback!r}")
        progress = callbacks_module.ProgressBar(verbose)  # also checks the value of verbose
        every = [history] + callbacks
        if progress.verbose != 0 and not any(
                isinstance(c, callbacks_module.ProgressBar) for c in callbacks):
            every.append(progress)
        for callback in every:
            callback.set_model(self)
        return every

    def _train_epoch(self, x, y, weights, order, batch_size, epoch, callback_list):
        """One pass over the data in batches; the epoch's logs, or None if the loss diverged."""
        totals, seen = {}, 0
        for batch, start in enumerate(range(0, len(x), batch_size)):
            index = order[start:start + batch_size]
            yb = y[index]
            wb = None if weights is None else weights[index]
            loss, out = self._train_step(x[index], yb, wb)
            if not math.isfinite(loss):
                _warn_divergence(epoch, batch + 1)
                return None
            n = len(index)
            seen += n
            for key, value in self._batch_figures(loss, yb, out).items():
                totals[key] = totals.get(key, 0.0) + value * n
            _call(callback_list, "on_batch_end", batch,
                  {key: total / seen for key, total in totals.items()})
        return {key: total / seen for key, total in totals.items()}

    def _batch_figures(self, loss, y, out):
        figures = {"loss": loss}
        for metric in self.metrics:
            figures[metric] = self._metric(metric, y, out)
        return figures

    # ------------------------------------------------------------ one step

    def train_on_batch(self, x, y, class_weight=None):
        """One forward/backward/update on the batch (x, y); returns the loss (and metrics)."""
        self._require_compiled("train_on_batch")
        x, y = self._check_data(x, y)
        weights = self._class_weights(y, class_weight)
        loss, out = self._train_step(x, y, weights)
        if not math.isfinite(loss):
            warnings.warn("loss diverged: try a smaller learning rate", DivergenceWarning,
                          stacklevel=2)
        if not self.metrics:
            return loss
        return [loss] + [self._metric(m, y, out) for m in self.metrics]

    def _train_step(self, x, y, weights):
        """forward, loss, backward, update on one batch; returns (loss, output).

        Computed under np.errstate: an overflow shows up as a nan/inf loss, which
        fit reports once, instead of a flood of RuntimeWarnings.
        """
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            out = self._forward_guarded(x, training=True)
            if out is None:
                return math.nan, out
            loss, dy, fused = self._loss_and_gradient(y, out, weights)
            loss += self._regularization_loss()
            if not math.isfinite(loss):
                return loss, out
            self._backward_training(dy, fused)
            params, grads = self._trainable_params_and_grads()
            self.optimizer.step(params, grads)
            for layer in self.layers:
                layer.apply_constraints()
        return loss, out

    def _forward_guarded(self, x, training):
        """forward(x, training), or None when the activations overflowed to inf/nan.

        The layers refuse non-finite inputs with a ValueError; the data was checked
        before, so a non-finite input here means the weights diverged.
        """
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            for layer in self.layers:
                try:
                    x = layer.forward(x, training=training)
                except ValueError:
                    if np.isfinite(x).all():
                        raise
                    return None
        return x if np.isfinite(x).all() else None

    def _backward_training(self, dy, fused):
        """Backward from the last layer down to the first one with trainable weights."""
        first = self._first_trainable_index()
        last = len(self.layers) - 1
        for i in range(last, first - 1, -1):
            layer = self.layers[i]
            if i == last and fused:
                dy = layer.backward_from_preactivation(dy)  # dy is dL/dlogits = (p - y) / N
            else:
                dy = layer.backward(dy)

    def _first_trainable_index(self):
        """Layers below this index have nothing to train: no need to backpropagate into them."""
        for i, layer in enumerate(self.layers):
            if layer.trainable and layer.params:
                return i
        return len(self.layers) - 1

    def _trainable_params_and_grads(self):
        params, grads = [], []
        for layer in self.layers:
            if layer.trainable:
                for key, value in layer.params.items():
                    params.append(value)
                    grads.append(layer.grads[key])
        return params, grads

    def _regularization_loss(self):
        return sum(layer.regularization_loss() for layer in self.layers)

    # ------------------------------------------------------------ loss and metrics

    def _fused_activation(self):
        """'softmax' or 'sigmoid' when the output activation and the loss fuse; else None."""
        activation = getattr(self.layers[-1], "activation", None)
        ce = (losses_module.CategoricalCrossentropy, losses_module.SparseCategoricalCrossentropy)
        if activation == "softmax" and isinstance(self.loss, ce):
            return "softmax"
        if activation == "sigmoid" and isinstance(self.loss, losses_module.BinaryCrossentropy):
            return "sigmoid"
        return None

    def _loss_and_gradient(self, y, out, weights=None):
        """(mean loss, dL/d(out) or dL/d(logits), fused?) for one batch.

        weights: (N,) per-sample weights (class_weight) or None; the loss is
        then sum_i w_i loss_i / N and each row of the gradient is scaled by w_i.
        """
        fused = self._fused_activation()
        if fused is not None:
            loss, dz = _fused_loss_and_gradient(y, out, weights, fused)
            return loss, dz, True
        if weights is None:
            return self.loss.loss(y, out), self.loss.gradient(y, out), False
        dy = self.loss.gradient(y, out) * weights.reshape((-1,) + (1,) * (out.ndim - 1))
        return _weighted_mean_loss(self.loss, y, out, weights), dy, False

    def _metric(self, metric, y, out):
        if metric in ("accuracy", "acc"):
            return accuracy(y, out)
        return losses_module.get(metric).loss(y, out)

    # ------------------------------------------------------------ evaluate, predict

    def evaluate(self, x, y, batch_size=32, verbose=0):
        """Loss (with regularization) and metrics on (x, y): [loss, *metrics], or the loss alone.

        Computed in inference mode (no dropout, batch-norm moving averages).
        """
        self._require_compiled("evaluate")
        _check_int(batch_size, "batch_size", 1)
        x, y = self._check_data(x, y)
        logs = self._evaluate_logs(x, y, batch_size)
        if verbose:
            print(callbacks_module.format_logs(logs))
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def _evaluate_logs(self, x, y, batch_size, prefix=""):
        """{"loss": ..., metric: ...} on (x, y) in inference mode; nan if the model diverged."""
        outputs = [self._forward_guarded(x[i:i + batch_size], training=False)
                   for i in range(0, len(x), batch_size)]
        if any(out is None for out in outputs):
            return {prefix + key: math.nan for key in ["loss", *self.metrics]}
        out = np.concatenate(outputs, axis=0)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            loss = self._loss_and_gradient(y, out)[0] + self._regularization_loss()
        logs = {prefix + "loss": float(loss)}
        for metric in self.metrics:
            logs[prefix + metric] = float(self._metric(metric, y, out))
        return logs

    def predict(self, x, batch_size=32, verbose=0):
        """The model's outputs for x, computed ``batch_size`` samples at a time (inference)."""
        _check_int(batch_size, "batch_size", 1)
        x = self._check_inputs(x)
        return self._predict_batches(x, batch_size)

    def _predict_batches(self, x, batch_size):
        outputs = [self.forward(x[i:i + batch_size]) for i in range(0, len(x), batch_size)]
        return np.concatenate(outputs, axis=0)

    # ------------------------------------------------------------ checks (once per call)

    def _check_inputs(self, x):
        """x as a float array of shape (N, *input_shape) without nan/inf; builds the model."""
        x = _as_numbers(x, "x")
        if x.ndim < 2 or len(x) == 0:
            raise ValueError(f"x must be a batch of samples (first axis = samples), but got "
                             f"an array of shape {x.shape}")
        if not self.built:
            self.build(x.shape[1:])
        if x.shape[1:] != self.input_shape:
            raise ValueError(f"model '{self.name}' expects inputs of shape "
                             f"{(None,) + self.input_shape}, but got an array of shape "
                             f"{x.shape}")
        _check_finite(x, "x")
        return x

    def _check_data(self, x, y):
        """Check x and y together: same length, finite, y fitting the loss and the outputs."""
        x = self._check_inputs(x)
        y = _as_numbers(y, "y")
        if len(y) != len(x):
            raise ValueError(f"x and y must have the same number of samples, but x has "
                             f"{len(x)} and y has {len(y)}")
        _check_finite(y, "y")
        return x, _check_targets(y, self.output_shape, self.loss)

    def _split_validation(self, x, y, validation_split, validation_data):
        """((x_train, y_train), (x_val, y_val) or None): the last fraction, as Keras."""
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise ValueError("validation_data must be a pair (x_val, y_val)")
            return (x, y), self._check_data(*validation_data)
        if not isinstance(validation_split, numbers.Real) or not 0 <= validation_split < 1:
            raise ValueError(f"validation_split must be a number in [0, 1), but got "
                             f"{validation_split!r}")
        if validation_split == 0:
            return (x, y), None
        split_at = math.ceil(len(x) * (1 - validation_split))
        if split_at == len(x):
            raise ValueError(f"validation_split={validation_split} of {len(x)} samples leaves "
                             "no validation sample; use a larger fraction")
        return (x[:split_at], y[:split_at]), (x[split_at:], y[split_at:])

    def _class_weights(self, y, class_weight):
        """Per-sample weights (N,) from {class: weight} (classes missing weigh 1), or None."""
        if class_weight is None:
            return None
        if not isinstance(class_weight, dict):
            raise TypeError(f"class_weight must be a dict {{class: weight}}, but got "
                            f"{type(class_weight).__name__}")
        classes = class_labels(y, self.output_shape)
        n_classes = max(int(classes.max()) + 1, self.output_shape[-1])
        table = np.ones(n_classes)
        for key, value in class_weight.items():
            if not isinstance(key, (int, np.integer)) or not 0 <= key < n_classes:
                raise ValueError(f"class_weight keys must be class labels 0..{n_classes - 1}, "
                                 f"but got {key!r}")
            table[key] = float(value)
        return table[classes]

    # ------------------------------------------------------------ saving

    def save(self, path):
        """Save the architecture (JSON) and the weights in ONE compressed .npz file.

        The optimizer's state is not saved; the compile settings are when they
        are plain names and numbers. NumPy adds ".npz" to a path without it.
        Load with ``load_model(path)``.
        """
        self._require_built("save()")
        weights = self.get_weights()
        architecture = {
            "format": FORMAT, "version": FORMAT_VERSION, "name": self.name,
            "input_shape": list(self.input_shape), "n_weights": len(weights),
            "layers": [{"class_name": type(layer).__name__, "config": layer.get_config()}
                       for layer in self.layers],
            "compile": self._compile_config(),
        }
        arrays = {f"weight_{i}": w for i, w in enumerate(weights)}
        np.savez_compressed(path, architecture=np.array(json.dumps(architecture)), **arrays)

    def _compile_config(self):
        """The compile settings as JSON, when they are built-in names and plain numbers."""
        if self.optimizer is None or self.loss is None:
            return None
        optimizer, loss = type(self.optimizer), type(self.loss).__name__
        config = self.optimizer.get_config()
        plain = all(isinstance(v, (int, float, bool)) for v in config.values())
        if optimizer not in optimizers_module.OPTIMIZERS.values() or not plain \
                or loss not in losses_module.LOSSES:
            return None  # e.g. a learning-rate schedule or a loss of one's own: not saved
        return {"optimizer": optimizer.__name__, "optimizer_config": config, "loss": loss,
                "metrics": self.metrics}


def load_model(path):
    """Load a model written by ``Sequential.save``: same layers, same weights.

    Raises ValueError naming the file when it is truncated, corrupt or not
    an nnedu model (FileNotFoundError when it does not exist).
    """
    architecture, weights = _read_model_file(path)
    layers = [layers_module.layer_from_config(entry["class_name"], entry["config"])
              for entry in architecture["layers"]]
    model = Sequential(layers, name=architecture["name"])
    if not model.built:
        model.build(tuple(architecture["input_shape"]))
    model.set_weights(weights)
    settings = architecture.get("compile")
    if settings:
        optimizer = getattr(optimizers_module, settings["optimizer"])(
            **settings["optimizer_config"])
        model.compile(optimizer, settings["loss"], settings["metrics"])
    return model


def _read_model_file(path):
    """(architecture dict, list of weight arrays) from a saved model, or a ValueError."""
    try:
        with np.load(path, allow_pickle=False) as data:
            architecture = json.loads(str(data["architecture"]))
            if architecture.get("format") != FORMAT:
                raise ValueError(f"its format is {architecture.get('format')!r}")
            weights = [data[f"weight_{i}"] for i in range(architecture["n_weights"])]
    except FileNotFoundError:
        raise
    except (OSError, ValueError, KeyError, TypeError, AttributeError, EOFError,
            zipfile.BadZipFile, zlib.error) as err:
        raise ValueError(f"{path} is not a model saved by nnedu's model.save(), or the file is "
                         f"truncated or damaged ({type(err).__name__}: {err})") from None
    return architecture, weights


# ---------------------------------------------------------------- helpers


def _warn_divergence(epoch, batch, where="", stacklevel=4):
    """The one warning fit gives when the loss became nan or inf (epoch, batch 1-based)."""
    where = f" {where}" if where else ""
    warnings.warn(f"loss diverged at epoch {epoch + 1}, batch {batch}{where}: try a smaller "
                  "learning rate", DivergenceWarning, stacklevel=stacklevel)


def _call(callback_list, hook, *args):
    for callback in callback_list:
        getattr(callback, hook)(*args)


def _fused_loss_and_gradient(y, p, weights, activation):
    """Cross-entropy of the probabilities p and its gradient with respect to the LOGITS.

    softmax + categorical CE:  L = -mean_n sum_k y_nk log p_nk,   dL/dz = (p - y) / N
    (sparse labels: y is the one-hot of the integer label; no one-hot array is built);
    sigmoid + binary CE:       L = -mean [y log p + (1-y) log(1-p)],  dL/dz = (p - y) / n.
    p is clipped to [1e-7, 1 - 1e-7] inside the log only. weights: (N,) or None.
    """
    n = len(p)
    clipped = np.clip(p, CE_EPSILON, 1 - CE_EPSILON)
    dz = p.copy()
    if activation == "sigmoid":
        per_sample = -(y * np.log(clipped) + (1 - y) * np.log(1 - clipped))
        per_sample = per_sample.reshape(n, -1).mean(axis=1)
        dz -= y
        dz /= p.size
    elif y.ndim == 1:  # sparse integer labels
        rows = np.arange(n)
        per_sample = -np.log(clipped[rows, y])
        dz[rows, y] -= 1
        dz /= n
    else:
        per_sample = -np.sum(y * np.log(clipped), axis=-1).reshape(n, -1).sum(axis=1)
        dz -= y
        dz /= n
    if weights is None:
        return float(per_sample.mean()), dz
    dz *= weights.reshape((-1,) + (1,) * (p.ndim - 1))
    return float(np.dot(weights, per_sample) / n), dz


def _weighted_mean_loss(loss, y, out, weights):
    """sum_i w_i loss_i / N, from the loss's batch means over the samples of equal weight."""
    total = 0.0
    for value in np.unique(weights):
        group = weights == value
        total += value * group.sum() * loss.loss(y[group], out[group])
    return total / len(out)


def accuracy(y, out):
    """Fraction of correct predictions, with Keras' rules for "accuracy".

    One output unit (sigmoid):  predicted class = out > 0.5, compared with y.
    K outputs, integer labels y (N,):  argmax(out) == y        (sparse accuracy)
    K outputs, one-hot y (N, K):       argmax(out) == argmax(y) (categorical accuracy)
    """
    if out.shape[-1] == 1:
        correct = (out.reshape(len(out), -1) > 0.5) == (np.reshape(y, (len(out), -1)) > 0.5)
    else:
        truth = y if y.ndim == out.ndim - 1 else np.argmax(y, axis=-1)
        correct = np.argmax(out, axis=-1) == truth
    return np.count_nonzero(correct) / correct.size


def class_labels(y, output_shape):
    """The class of each sample, (N,) ints: the label, the one-hot's argmax, or y > 0.5."""
    if output_shape[-1] == 1:
        return (np.reshape(y, (len(y), -1))[:, 0] > 0.5).astype(np.intp)
    if y.ndim == 1:
        return y.astype(np.intp)
    return np.argmax(y.reshape(len(y), -1), axis=-1)


def _check_targets(y, output_shape, loss):
    """y reshaped for the loss, after checking it against the outputs; or a ValueError.

    sparse CE: integer labels (N,) in 0..K-1. categorical CE: one-hot (N, K).
    Any other loss: y of shape (N, *output_shape) ((N,) is accepted for one output).
    """
    units = output_shape[-1]
    if isinstance(loss, losses_module.SparseCategoricalCrossentropy):
        return _check_integer_labels(y, units)
    if y.ndim == 1 and output_shape == (1,):
        y = y.reshape(-1, 1)
    expected = (len(y),) + tuple(output_shape)
    if isinstance(loss, losses_module.CategoricalCrossentropy) and y.ndim == 1:
        raise ValueError(f"categorical_crossentropy expects one-hot targets of shape {expected}"
                         f", but y has shape {y.shape}; for integer labels use "
                         f"loss='sparse_categorical_crossentropy' or one_hot(y, {units})")
    if y.shape != expected:
        raise ValueError(f"the model has {units} output units (outputs of shape "
                         f"{(None,) + tuple(output_shape)}), so y must have shape {expected}, "
                         f"but got shape {y.shape}")
    if isinstance(loss, losses_module.BinaryCrossentropy) and (y.min() < 0 or y.max() > 1):
        raise ValueError(f"binary_crossentropy expects targets in [0, 1], but y ranges from "
                         f"{y.min():g} to {y.max():g}")
    return y


def _check_integer_labels(y, units):
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"sparse_categorical_crossentropy expects integer labels of shape "
                         f"({len(y)},), but y has shape {y.shape} (one-hot targets go with "
                         f"loss='categorical_crossentropy')")
    if np.any(y != np.round(y)):
        raise ValueError(f"labels must be whole numbers, but y contains "
                         f"{y[y != np.round(y)][0]}")
    bad = (y < 0) | (y >= units)
    if bad.any():
        raise ValueError(f"label {y[bad][0]:g} is out of range for a model with {units} "
                         f"output units: labels must be integers in 0..{units - 1}")
    return y.astype(np.intp)


def _as_numbers(x, name):
    """x as an array of numbers: float32 stays float32, anything else becomes float64."""
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be an array of numbers, but got {type(x).__name__}")
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"{name} must contain numbers, but got an array of dtype {x.dtype}")
    return x if x.dtype == np.float32 else x.astype(np.float64, copy=False)


def _check_finite(x, name):
    bad = ~np.isfinite(x)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"{name} contains {x[where]} at index {where} "
                         f"({int(bad.sum())} non-finite value(s)): clean the data first")


def _check_int(value, name, minimum):
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, but got {type(value).__name__}: {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, but got {value}")


def _memory(n_params):
    """Size of n float64 numbers, as Keras prints it: '136.00 B', '3.62 MB'."""
    size = n_params * 8.0
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.2f} {unit}"
        size /= 1024

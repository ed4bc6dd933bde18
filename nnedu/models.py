"""Sequential: a stack of layers, trained with Keras' compile / fit / evaluate / predict.

    model = Sequential([Input((64,)),
                        Dense(64, activation="relu"),
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
loss knows this (``loss.value_and_gradient_from_logits``): it computes the
loss from the logits with log-sum-exp and returns dL/dz, and the model runs
the last layer's backward with its activation skipped. The loss reported,
the gradient descended and a numerical gradient of the reported loss are then
the same function, even where p underflows. The same holds for a sigmoid
output with binary cross-entropy.

Checks happen once per call of fit/evaluate/predict/forward, at the model's
boundary, before any arithmetic (types, shapes, lengths, nan/inf, labels
against the number of outputs); the inputs are converted there to the float
type of ``nnedu.config.floatx()``. The per-batch loop stays lean. If the loss
becomes nan or inf during fit (the learning rate is too large), training
stops with ONE warning and the history of the finished epochs is returned.

Saving is in ``nnedu.saving`` and the metrics in ``nnedu.metrics``; the
model's ``save``, ``save_weights``, ``load_weights`` call them.
"""

import math
import numbers
import warnings

import numpy as np

from nnedu import callbacks as callbacks_module
from nnedu import losses as losses_module
from nnedu import metrics as metrics_module
from nnedu import optimizers as optimizers_module
from nnedu import saving
from nnedu._validate import as_numbers, check_bool, check_finite, check_int, check_positive
from nnedu.backend import float_dtype, host_rng, to_numpy, xp
from nnedu.layers import Activation, Dense, Input, Layer, unique_name
from nnedu.metrics import accuracy, class_labels  # noqa: F401  (their old home)
from nnedu.saving import load_model  # noqa: F401  (nnedu.models.load_model, as before)


class DivergenceWarning(UserWarning):
    """The loss became nan or inf during fit: training was stopped."""


class Sequential:
    """A linear stack of layers: the output of each is the input of the next.

    layers: a list of Layer objects (or add them one by one with ``add``).
    The model is built, i.e. every layer gets its weights, as soon as the input
    shape is known: from an ``Input`` (which declares the shape and is not
    itself listed in ``model.layers``, as in Keras) or the first layer's
    ``input_shape``, or else from the first data it sees.

    Example: the 2-3-2 network of chapter 03 has 2*3+3 + 3*2+2 = 17 parameters.

    >>> import numpy as np
    >>> from nnedu.layers import Dense, Input
    >>> model = Sequential([Input((2,)), Dense(3, activation="relu"),
    ...                     Dense(2, activation="softmax")])
    >>> model.count_params(), len(model.layers)
    (17, 2)
    >>> model.predict(np.zeros((4, 2))).shape
    (4, 2)
    """

    def __init__(self, layers=None, name=None):
        if name is not None and not isinstance(name, str):
            raise TypeError(f"a model name must be a string, but got {name!r}")
        if layers is not None and not isinstance(layers, (list, tuple)):
            raise TypeError(f"Sequential expects a list of layers, but got "
                            f"{type(layers).__name__}")
        self.name = name or unique_name("sequential")  # "sequential", "sequential_1", ...
        self.layers = []
        self.input_shape = None   # one sample's shape, known from an Input or the data
        self.optimizer = None
        self.loss = None
        self.metrics = []
        self._metric_functions = {}
        self.history = None
        self.stop_training = False
        self.fit_info = None  # epochs, steps per epoch, ... of the current fit (for callbacks)
        for layer in layers or []:
            self.add(layer)

    # ------------------------------------------------------------ building

    def add(self, layer):
        """Append a layer on top of the stack (and build it if the input shape is known).

        An ``Input(shape)`` only declares the input shape: it must come first and
        is not listed in ``model.layers``.
        """
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential.add expects a Layer (e.g. Dense(3)), but got "
                            f"{type(layer).__name__}: {layer!r}")
        if isinstance(layer, Input):
            if self.layers or self.input_shape is not None:
                raise ValueError("an Input layer can only be the first layer of a Sequential")
            self.input_shape = tuple(layer.output_shape)
            return
        if any(layer is other for other in self.layers):
            raise ValueError(f"layer '{layer.name}' is already in this model")
        self.layers.append(layer)
        if self.input_shape is not None:
            self.build(self.input_shape)
        elif self.layers[0].built:
            self.build(self.layers[0].input_shape)

    def pop(self):
        """Remove the last layer and return it (as Keras' ``model.pop()``)."""
        if not self.layers:
            raise TypeError(f"model '{self.name}' has no layers to pop")
        return self.layers.pop()

    @property
    def built(self):
        return (self.input_shape is not None and bool(self.layers)
                and all(layer.built for layer in self.layers))

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
                                 f"{(None,) + tuple(layer.input_shape)}, but the layer before "
                                 f"it outputs {(None,) + shape}")
            shape = tuple(layer.output_shape)
        self.input_shape = tuple(input_shape)

    @property
    def output_shape(self):
        """Shape of one output sample (no batch axis); None before the model is built."""
        return tuple(self.layers[-1].output_shape) if self.built else None

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
                for layer in self.layers]
        width = max(30, *(len(r[0]) + 2 for r in rows))
        rule = "─" * (width + 26 + 13)
        lines = [f'Model: "{self.name}"', rule,
                 f"{'Layer (type)':<{width}}{'Output Shape':<26}{'Param #':>13}", rule]
        lines += [f"{a:<{width}}{b:<26}{c:>13}" for a, b, c in rows]
        total = self.count_params()
        trainable = sum(layer.count_trainable_params() for layer in self.layers)
        weights = self.weights
        dtype = weights[0].dtype if weights else float_dtype()
        size = xp.finfo(dtype).bits // 8                              # 8 or 4 bytes a number
        frozen = total - trainable
        lines += [rule,
                  f"Total params: {total:,} ({_memory(total, size)})",
                  f"Trainable params: {trainable:,} ({_memory(trainable, size)})",
                  f"Non-trainable params: {frozen:,} ({_memory(frozen, size)})"]
        return "\n".join(lines)

    def summary(self):
        """Print the table of layers: name (type), output shape (None = batch), parameters."""
        print(self.summary_text())

    # ------------------------------------------------------------ forward / backward

    def forward(self, x, training=False):
        """The model's output for the batch ``x``: (N, *input_shape) -> (N, *output_shape).

        x is checked once here (numbers, shape, no nan/inf) and converted to floatx.
        """
        return self._forward(self._check_inputs(x), training)

    def _forward(self, x, training):
        """forward without the checks: the per-batch path of fit, evaluate and predict."""
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

    @property
    def weights(self):
        """All weight arrays themselves (not copies), layer after layer, in Keras' order.

        Each layer contributes its trainable ``params`` then its ``state``
        (BatchNormalization: gamma, beta, moving_mean, moving_variance).
        """
        return [w for layer in self.layers
                for w in [*layer.params.values(), *layer.state.values()]]

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

    def save(self, path):
        """Save architecture, weights and compile settings in ONE file, named exactly ``path``.

        Any extension works ("model.keras", "model.npz"); load with ``nnedu.load_model(path)``.
        """
        saving.save(self, path)

    def save_weights(self, path):
        """Save the weights only (``get_weights()`` order) to the file ``path``."""
        saving.save_weights(self, path)

    def load_weights(self, path):
        """Load weights saved by ``save_weights`` (or ``save``) into this model."""
        saving.load_weights(self, path)

    # ------------------------------------------------------------ compile

    def compile(self, optimizer="rmsprop", loss=None, metrics=None):
        """Choose the optimizer, the loss and the metrics (names as in Keras, or objects).

        metrics: a list of "accuracy" (or "acc") and loss names such as "mae".
        """
        self.optimizer = optimizers_module.get(optimizer)
        self.loss = None if loss is None else losses_module.get(loss)
        metrics = list(metrics or [])
        self._metric_functions = {m: metrics_module.get(m) for m in metrics}  # checks names
        self.metrics = metrics

    def _require_compiled(self, what):
        if self.optimizer is None or self.loss is None:
            raise ValueError(f"{what} needs a loss and an optimizer: call "
                             "model.compile(optimizer=..., loss=...) first")

    # ------------------------------------------------------------ fit

    def fit(self, x, y, batch_size=32, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, seed=None):
        """Train for ``epochs`` passes over (x, y); return a History.

        x: (N, *input_shape); y: targets for the loss (one-hot (N, K), integer
        labels (N,) for the sparse loss, values (N, K) for mse, ...).
        validation_split takes the LAST fraction of the samples (before any
        shuffling, as Keras) as validation data (with its part of sample_weight);
        validation_data=(x_val, y_val) or (x_val, y_val, w_val) gives it
        explicitly. class_weight={class: weight} weighs each training sample's
        loss by the weight of its class, sample_weight (N,) by its own weight
        (the loss is then sum_n w_n L_n / N). seed fixes the shuffling order.
        ``history.history`` has one float per epoch under "loss", each metric
        ("accuracy"), and "val_loss", "val_accuracy" with validation data.
        """
        self._require_compiled("fit")
        batch_size = check_int(batch_size, "batch_size", 1)
        epochs = check_int(epochs, "epochs", 0)
        shuffle = check_bool(shuffle, "shuffle")
        x, y = self._check_data(x, y)
        given = self._sample_weights(y, None, sample_weight)
        (x, y, given), validation = self._split_validation(x, y, given, validation_split,
                                                           validation_data)
        weights = self._sample_weights(y, class_weight, given)  # class weights: training only
        history = callbacks_module.History()
        callback_list = self._callbacks(callbacks, history, verbose)
        steps = math.ceil(x.shape[0] / batch_size)
        self.fit_info = {"epochs": epochs, "steps": steps, "batch_size": batch_size,
                         "samples": x.shape[0]}
        self.stop_training = False
        self.history = history
        rng = host_rng(seed)  # the order is drawn on the host, then moved with xp.asarray
        _call(callback_list, "on_train_begin")
        with _overflow_is_divergence():
            for epoch in range(epochs):
                _call(callback_list, "on_epoch_begin", epoch)
                order = xp.asarray(rng.permutation(x.shape[0])) if shuffle else None
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
        """One pass over the data in batches; the epoch's logs, or None if the loss diverged.

        order: the shuffled sample indices, or None for the samples in their order.
        """
        listeners = [c for c in callback_list if c.wants_batch_logs()]
        fused = self._fused_activation()
        totals, seen = dict.fromkeys(["loss", *self.metrics], 0.0), 0
        for batch, start in enumerate(range(0, x.shape[0], batch_size)):
            stop = min(start + batch_size, x.shape[0])
            index = slice(start, stop) if order is None else order[start:stop]
            yb = _rows(y, index)
            wb = None if weights is None else _rows(weights, index)
            loss, out = self._train_step(_rows(x, index), yb, wb, fused)
            if not math.isfinite(loss):
                _warn_divergence(epoch, batch + 1)
                return None
            n = yb.shape[0]
            seen += n
            totals["loss"] += loss * n
            for metric, function in self._metric_functions.items():
                totals[metric] += function(yb, out) * n
            if listeners:
                _call(listeners, "on_batch_end", batch,
                      {key: total / seen for key, total in totals.items()})
        return {key: total / seen for key, total in totals.items()}

    # ------------------------------------------------------------ one step

    def train_on_batch(self, x, y, class_weight=None, sample_weight=None):
        """One forward/backward/update on the batch (x, y); returns the loss (and metrics)."""
        self._require_compiled("train_on_batch")
        x, y = self._check_data(x, y)
        weights = self._sample_weights(y, class_weight, sample_weight)
        with _overflow_is_divergence():
            loss, out = self._train_step(x, y, weights, self._fused_activation())
        if not math.isfinite(loss):
            warnings.warn("loss diverged: try a smaller learning rate", DivergenceWarning,
                          stacklevel=2)
        if not self.metrics:
            return loss
        return [loss] + [function(y, out) for function in self._metric_functions.values()]

    def _train_step(self, x, y, weights, fused):
        """forward, loss, backward, update on one batch; returns (loss, output).

        fused: the output activation fused with the loss ("softmax", "sigmoid") or None.
        The caller runs it under ``_overflow_is_divergence()``: an overflow shows up
        as a nan/inf loss, which fit reports once, instead of a flood of RuntimeWarnings.
        """
        out, logits = self._forward_with_logits(x, True, fused)
        loss, dy = self._loss_and_gradient(y, out, logits, weights)
        loss += self._regularization_loss()
        if not math.isfinite(loss):
            return loss, out
        self._backward_training(dy, fused=logits is not None)
        params, grads = self._trainable_params_and_grads()
        self.optimizer.step(params, grads)
        for layer in self.layers:
            layer.apply_constraints()
        return loss, out

    def _forward_with_logits(self, x, training, fused):
        """(output, logits of the fused softmax/sigmoid, or None if not fused) for x, no checks.

        The logits z are the last layer's pre-activation: its input when it is an
        Activation layer, x @ kernel + bias for a Dense layer.
        """
        last = self.layers[-1]
        for layer in self.layers[:-1]:
            x = layer.forward(x, training=training)
        out = last.forward(x, training=training)
        if fused is None:
            return out, None
        if isinstance(last, Activation):
            return out, x
        logits = x @ last.params["kernel"]
        if "bias" in last.params:
            logits += last.params["bias"]
        return out, logits

    def _backward_training(self, dy, fused):
        """Backward from the last layer down to the first one with trainable weights.

        Meanwhile that layer's ``needs_input_gradient`` is False: a layer that can
        (Conv2D) then skips computing the dL/dx that nothing below it uses.
        """
        first = self._first_trainable_index()
        last = len(self.layers) - 1
        self.layers[first].needs_input_gradient = False  # its dL/dx would go nowhere
        for i in range(last, first - 1, -1):
            layer = self.layers[i]
            if i == last and fused:
                dy = layer.backward_from_preactivation(dy)  # dy is dL/dlogits = (p - y) / N
            else:
                dy = layer.backward(dy)
        self.layers[first].needs_input_gradient = True

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

    # ------------------------------------------------------------ loss

    def _fused_activation(self):
        """'softmax' or 'sigmoid' when the last layer's activation fuses with the loss; else None.

        Fused: a Dense or Activation layer whose activation is the loss's
        ``fused_activation`` (softmax for the categorical cross-entropies,
        sigmoid for the binary one).
        """
        last = self.layers[-1]
        fused = getattr(self.loss, "fused_activation", None)
        if fused is None or not isinstance(last, (Dense, Activation)):
            return None
        if last.get_config().get("activation") != fused:
            return None
        return fused

    def _loss_and_gradient(self, y, out, logits, weights):
        """(mean loss, dL/d(out), or dL/d(logits) when logits are given) for one batch.

        weights: (N,) per-sample weights (class_weight, sample_weight) or None;
        the loss is then sum_n w_n L_n / N and each row of the gradient is scaled by w_n.
        """
        if logits is not None:
            return self.loss.value_and_gradient_from_logits(y, logits, weights)
        return self.loss.value_and_gradient(y, out, weights)

    # ------------------------------------------------------------ evaluate, predict

    def evaluate(self, x, y, batch_size=32, verbose=0, sample_weight=None):
        """Loss (with regularization) and metrics on (x, y): [loss, *metrics], or the loss alone.

        Computed in inference mode (no dropout, batch-norm moving averages);
        sample_weight (N,) weighs each sample's loss: sum_n w_n L_n / N.
        """
        self._require_compiled("evaluate")
        batch_size = check_int(batch_size, "batch_size", 1)
        x, y = self._check_data(x, y)
        weights = self._sample_weights(y, None, sample_weight)
        logs = self._evaluate_logs(x, y, weights, batch_size)
        if verbose:
            print(callbacks_module.format_logs(logs))
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def _evaluate_logs(self, x, y, weights, batch_size, prefix=""):
        """{"loss": ..., metric: ...} on (x, y) in inference mode; nan if the model diverged.

        weights: (N,) sample weights of the loss, or None.
        """
        with _overflow_is_divergence():
            fused = self._fused_activation()
            batches = [self._forward_with_logits(x[i:min(i + batch_size, x.shape[0]), ...], False, fused)
                       for i in range(0, x.shape[0], batch_size)]
            out = xp.concat([b[0] for b in batches], axis=0)
            logits = None if batches[0][1] is None else \
                xp.concat([b[1] for b in batches], axis=0)
            loss = self._loss_and_gradient(y, out, logits, weights)[0]
            logs = {prefix + "loss": float(loss + self._regularization_loss())}
            for metric, function in self._metric_functions.items():
                logs[prefix + metric] = float(function(y, out))
        return logs

    def predict(self, x, batch_size=32, verbose=0, *, to_host=True):
        """The model's outputs for x, computed ``batch_size`` samples at a time (inference).

        x: (N, *input_shape) -> (N, *output_shape). An empty batch (0, *input_shape)
        gives an empty result (0, *output_shape), as Keras.
        to_host=True (the default): a NumPy array on the host, as in Keras, whatever
        the backend computes with, ready for plotting and for NumPy code.
        to_host=False: the backend's own array (on the GPU with CuPy), to compute on
        with ``xp`` without a copy to the host and back.
        """
        batch_size = check_int(batch_size, "batch_size", 1)
        to_host = check_bool(to_host, "to_host")
        x = self._check_inputs(x, allow_empty=True)
        outputs = [self._forward(x[i:min(i + batch_size, x.shape[0]), ...], training=False)
                   for i in range(0, x.shape[0], batch_size)]
        out = xp.concat(outputs, axis=0) if outputs else \
            xp.zeros((0,) + self.output_shape, dtype=x.dtype)
        return to_numpy(out) if to_host else out

    # ------------------------------------------------------------ checks (once per call)

    def _check_inputs(self, x, allow_empty=False):
        """x as a floatx array of shape (N, *input_shape) without nan/inf; builds the model."""
        x = as_numbers(x, "x")
        if x.ndim < 2 or (x.shape[0] == 0 and not allow_empty):
            raise ValueError(f"x must be a batch of samples (first axis = samples), but got "
                             f"an array of shape {x.shape}")
        if not self.built:
            self.build(x.shape[1:])
        if x.shape[1:] != self.input_shape:
            raise ValueError(f"model '{self.name}' expects inputs of shape "
                             f"{(None,) + self.input_shape}, but got an array of shape "
                             f"{x.shape}")
        check_finite(x, "x")
        return xp.astype(x, float_dtype(), copy=False)

    def _check_data(self, x, y):
        """Check x and y together: same length, finite, y fitting the loss and the outputs."""
        x = self._check_inputs(x)
        y = as_numbers(y, "y")
        if y.ndim == 0 or y.shape[0] != x.shape[0]:
            raise ValueError(f"x and y must have the same number of samples, but x has "
                             f"{x.shape[0]} and y has {y.shape[0] if y.ndim else 'none (a scalar)'}")
        check_finite(y, "y")
        return x, _check_targets(y, self.output_shape, self.loss)

    def _split_validation(self, x, y, weights, validation_split, validation_data):
        """((x, y, w) to train on, (x_val, y_val, w_val) or None): the last fraction, as Keras."""
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
                raise ValueError("validation_data must be a pair (x_val, y_val) or a triple "
                                 "(x_val, y_val, sample_weight_val)")
            x_val, y_val = self._check_data(*validation_data[:2])
            w_val = None if len(validation_data) == 2 else \
                self._sample_weights(y_val, None, validation_data[2])
            return (x, y, weights), (x_val, y_val, w_val)
        if not isinstance(validation_split, numbers.Real) or not 0 <= validation_split < 1:
            raise ValueError(f"validation_split must be a number in [0, 1), but got "
                             f"{validation_split!r}")
        if validation_split == 0:
            return (x, y, weights), None
        split_at = math.ceil(x.shape[0] * (1 - validation_split))
        if split_at == x.shape[0]:
            raise ValueError(f"validation_split={validation_split} of {x.shape[0]} samples leaves "
                             "no validation sample; use a larger fraction")
        if weights is None:
            return (x[:split_at, ...], y[:split_at, ...], None), (x[split_at:, ...], y[split_at:, ...], None)
        return ((x[:split_at, ...], y[:split_at, ...], weights[:split_at, ...]),
                (x[split_at:, ...], y[split_at:, ...], weights[split_at:, ...]))

    def _sample_weights(self, y, class_weight, sample_weight):
        """Per-sample weights (N,): class_weight[class of n] * sample_weight[n], or None."""
        weights = None
        if class_weight is not None:
            weights = self._class_weights(y, class_weight)
        if sample_weight is not None:
            given = as_numbers(sample_weight, "sample_weight")
            if given.shape != (y.shape[0],):
                raise ValueError(f"sample_weight must have one weight per sample, shape "
                                 f"({y.shape[0]},), but got shape {given.shape}")
            check_finite(given, "sample_weight")
            weights = given if weights is None else weights * given
        return None if weights is None else xp.astype(weights, float_dtype(), copy=False)

    def _class_weights(self, y, class_weight):
        """Per-sample weights (N,) from {class: weight} (classes missing weigh 1).

        The classes are 0..K-1 for K outputs, and 0 and 1 for one sigmoid output,
        whatever classes this y happens to contain.
        """
        if not isinstance(class_weight, dict):
            raise TypeError(f"class_weight must be a dict {{class: weight}}, but got "
                            f"{type(class_weight).__name__}")
        units = self.output_shape[-1]
        n_classes = 2 if units == 1 else units
        table = xp.ones(n_classes)
        for key, value in class_weight.items():
            if not isinstance(key, (int, np.integer)) or isinstance(key, bool) \
                    or not 0 <= key < n_classes:
                raise ValueError(f"class_weight keys must be class labels 0..{n_classes - 1}, "
                                 f"but got {key!r}")
            check_positive(value, f"class_weight[{key}]", allow_zero=True)
            table[key] = value
        return table[class_labels(y, self.output_shape)]


# ---------------------------------------------------------------- helpers


def _warn_divergence(epoch, batch, where="", stacklevel=4):
    """The one warning fit gives when the loss became nan or inf (epoch, batch 1-based)."""
    where = f" {where}" if where else ""
    warnings.warn(f"loss diverged at epoch {epoch + 1}, batch {batch}{where}: try a smaller "
                  "learning rate", DivergenceWarning, stacklevel=stacklevel)


def _overflow_is_divergence():
    """np.errstate ignoring overflows: a diverging model shows a nan/inf loss, not warnings."""
    return np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore")


def _rows(a, index):
    """The samples ``index`` (a slice, or an array of sample numbers) of the array a."""
    return a[index, ...] if isinstance(index, slice) else xp.take(a, index, axis=0)


def _call(callback_list, hook, *args):
    for callback in callback_list:
        getattr(callback, hook)(*args)


def _check_targets(y, output_shape, loss):
    """y reshaped for the loss, after checking it against the outputs; or a ValueError.

    sparse CE: integer labels (N,) in 0..K-1 for outputs (None, K).
    categorical CE: one-hot (N, *output_shape), no row without a class.
    Any other loss: y of shape (N, *output_shape) ((N,) is accepted for one output).
    """
    units = output_shape[-1]
    if isinstance(loss, losses_module.SparseCategoricalCrossentropy):
        return _check_integer_labels(y, output_shape)
    if y.ndim == 1 and output_shape == (1,):
        y = xp.reshape(y, (-1, 1))
    expected = (y.shape[0],) + tuple(output_shape)
    if isinstance(loss, losses_module.CategoricalCrossentropy) and y.ndim == 1:
        raise ValueError(f"categorical_crossentropy expects one-hot targets of shape {expected}"
                         f", but y has shape {y.shape}; for integer labels use "
                         f"loss='sparse_categorical_crossentropy' or one_hot(y, {units})")
    if y.shape != expected:
        raise ValueError(f"the model has {units} output units (outputs of shape "
                         f"{(None,) + tuple(output_shape)}), so y must have shape {expected}, "
                         f"but got shape {y.shape}")
    if isinstance(loss, (losses_module.BinaryCrossentropy,
                         losses_module.CategoricalCrossentropy)) \
            and (float(xp.min(y)) < 0 or float(xp.max(y)) > 1):
        raise ValueError(f"{loss.name} expects targets in [0, 1], but y ranges from "
                         f"{float(xp.min(y)):g} to {float(xp.max(y)):g}")
    if isinstance(loss, losses_module.CategoricalCrossentropy):
        losses_module.check_no_empty_rows(y)
    return xp.astype(y, float_dtype(), copy=False)


def _check_integer_labels(y, output_shape):
    """Integer labels (N,) for outputs (None, K): one label per sample and K classes."""
    units = output_shape[-1]
    if len(output_shape) != 1:
        raise ValueError(f"sparse_categorical_crossentropy compares one label per sample with "
                         f"one row of K probabilities, but the model's outputs have shape "
                         f"{(None,) + tuple(output_shape)}: add Flatten() and "
                         f"Dense(K, activation='softmax') at the end of the model")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"sparse_categorical_crossentropy expects integer labels of shape "
                         f"({y.shape[0]},), but y has shape {y.shape} (one-hot targets go with "
                         f"loss='categorical_crossentropy')")
    fractional = y != xp.round(y)
    if bool(xp.any(fractional)):
        raise ValueError(f"labels must be whole numbers, but y contains "
                         f"{float(y[fractional][0])}")
    bad = (y < 0) | (y >= units)
    if bool(xp.any(bad)):
        raise ValueError(f"label {float(y[bad][0]):g} is out of range for a model with {units} "
                         f"output units: labels must be integers in 0..{units - 1}")
    return xp.astype(y, xp.int64)


def _memory(n_params, itemsize):
    """Size of n numbers of ``itemsize`` bytes, as Keras prints it: '136.00 B', '3.62 MB'."""
    size = n_params * float(itemsize)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.2f} {unit}"
        size /= 1024

"""Layers: the building blocks of a network, each a forward/backward pair.

Every layer works on a BATCH: the first axis of every array is the sample
axis, N. Shapes written without that axis (``input_shape``, ``output_shape``)
are the shapes of ONE sample, as in Keras: ``Dense(3, input_shape=(2,))``
takes arrays of shape (N, 2) and returns arrays of shape (N, 3).

What every layer has (the contract the model and the optimizers rely on):

- ``name``: unique and Keras-like ("dense", "dense_1", "conv2d", ...);
- ``trainable``: a frozen layer (False) is skipped by the optimizer (its
  backward still fills ``grads`` and returns dx, so the layers below it learn);
- ``build(input_shape)``: creates the weights for that input shape;
  ``built``, ``input_shape`` and ``output_shape`` say what was built;
- ``params``: dict name -> array of the TRAINABLE weights ("kernel", "bias",
  "gamma", "beta"); ``state``: the non-trainable arrays (BatchNormalization's
  moving averages); ``grads``: same keys as ``params``, filled by ``backward``;
- ``forward(x, training=False) -> y`` and ``backward(dy) -> dx``: backward
  uses what the last forward call cached, and returns dL/dx given dL/dy;
- ``get_weights()`` / ``set_weights(list)`` in Keras' order;
- ``count_params()``, ``count_trainable_params()``, ``count_non_trainable_params()``;
- ``get_config()`` and ``layer_from_config(class_name, config)`` to rebuild it;
- ``regularization_loss()`` (the penalty the layer adds to the loss) and
  ``apply_constraints()`` (called by the model after each optimizer step).

Numbers: weights are float64. Inputs of any float type are accepted; float32
inputs stay float32 (the weights are cast on the fly), anything else is
computed in float64.

Regularization: when a layer has a ``kernel_regularizer``, ``backward`` ADDS
the penalty's gradient to ``grads["kernel"]``, and the model adds
``regularization_loss()`` to the loss it reports. Biases are not penalized.
"""

import numpy as np

from nnedu import activations, initializers, regularizers
from nnedu import conv as conv_ops
from nnedu._validate import check_choice, check_positive

# ------------------------------------------------------------------ names

_name_counts = {}


def unique_name(base):
    """Keras-style unique layer name: "dense", then "dense_1", "dense_2", ..."""
    count = _name_counts.get(base, 0)
    _name_counts[base] = count + 1
    return base if count == 0 else f"{base}_{count}"


def reset_names():
    """Start the naming over ("dense" again), like ``keras.backend.clear_session()``."""
    _name_counts.clear()


# ------------------------------------------------------------------ the base class


class Layer:
    """Base class: names, weights bookkeeping, input checks. Subclasses add the math.

    A subclass defines ``base_name``, ``weight_names`` (Keras' order of
    ``get_weights``), ``compute_output_shape``, ``_create_weights`` (if it has
    weights), ``_forward`` and ``_backward``.
    """

    base_name = "layer"
    weight_names = ()  # in get_weights() order; each is in params or in state
    any_input_shape = False  # True: after the build, inputs of other shapes are fine too

    def __init__(self, name=None, trainable=True, input_shape=None):
        if name is not None and not isinstance(name, str):
            raise TypeError(f"a layer name must be a string, but got {name!r}")
        self.name = name if name is not None else unique_name(self.base_name)
        self.trainable = bool(trainable)
        self.built = False
        self.input_shape = None
        self.output_shape = None
        self.params = {}
        self.grads = {}
        self.state = {}
        self._cache = None
        self._given_input_shape = None if input_shape is None else _as_shape(input_shape)

    def _build_if_given(self):
        """Build right away when the constructor received ``input_shape`` (call it last)."""
        if self._given_input_shape is not None:
            self.build(self._given_input_shape)

    def __repr__(self):
        return f"<{type(self).__name__} '{self.name}' output_shape={self.output_shape}>"

    # ---------------------------------------------------------- building

    def build(self, input_shape):
        """Create the weights for inputs of shape ``input_shape`` (one sample, no batch axis)."""
        input_shape = _as_shape(input_shape)
        self.output_shape = self.compute_output_shape(input_shape)
        self.input_shape = input_shape
        self._create_weights(input_shape)
        self.grads = {key: np.zeros_like(value) for key, value in self.params.items()}
        self.built = True

    def compute_output_shape(self, input_shape):
        """Shape of one output sample for one input sample of ``input_shape``."""
        return _as_shape(input_shape)

    def _create_weights(self, input_shape):
        """Subclasses with weights fill ``self.params`` (and ``self.state``) here."""

    # ---------------------------------------------------------- forward / backward

    def forward(self, x, training=False):
        """Output of the layer for the batch ``x`` (N, *input_shape) -> (N, *output_shape).

        ``training=True`` switches Dropout and BatchNormalization to their
        training behaviour; other layers ignore it. The input is checked first.
        """
        x = self._check_input(x)
        return self._forward(x, training)

    def backward(self, dy):
        """dL/dx from dL/dy (shape (N, *output_shape)); fills ``self.grads``."""
        if self._cache is None:
            raise RuntimeError(f"{type(self).__name__} '{self.name}': call forward before "
                               "backward (backward uses what forward computed)")
        dy = np.asarray(dy)
        expected = self._cache_batch_shape()
        if dy.shape != expected:
            raise ValueError(f"{type(self).__name__} '{self.name}': backward expects dy of "
                             f"shape {expected} (the shape of the last output), but got an "
                             f"array of shape {dy.shape}.")
        return self._backward(dy)

    def backward_from_preactivation(self, dz):
        """Like backward, but given dL/dz for the PRE-activation z (the activation is skipped).

        The model uses it for softmax + cross-entropy, whose gradient with respect to
        the logits z is simply (p - y) / N: no need to go through softmax's Jacobian.
        A layer without a fused activation treats this exactly like backward.
        """
        saved = getattr(self, "_f", None)
        self._f = None  # _f = None means "linear": dL/dz passes straight through
        try:
            return self.backward(dz)
        finally:
            self._f = saved

    def _cache_batch_shape(self):
        return (self._batch_size,) + tuple(self._last_output_shape)

    def __call__(self, x, training=False):
        return self.forward(x, training=training)

    # ---------------------------------------------------------- input checks

    def _check_input(self, x):
        """Convert ``x`` to a float array and check its shape and values BEFORE any math."""
        x = _as_float_input(x, self)
        if not self.built:
            if x.ndim < 2:
                raise ValueError(f"{type(self).__name__} '{self.name}' expects a batch of "
                                 f"samples (first axis = samples), but got an array of shape "
                                 f"{x.shape}.")
            self.build(x.shape[1:])
        if x.shape[1:] != self.input_shape and not self.any_input_shape:
            raise ValueError(self._shape_message(x.shape))
        _check_finite_input(x, self)
        self._batch_size = x.shape[0]
        self._last_output_shape = (self.compute_output_shape(x.shape[1:])
                                   if self.any_input_shape else self.output_shape)
        return x

    def _shape_message(self, got):
        expected = (None,) + self.input_shape
        return (f"{type(self).__name__} '{self.name}' expects inputs of shape {expected} "
                f"(it was built with input_shape={self.input_shape}), but got an array of "
                f"shape {got}.")

    # ---------------------------------------------------------- weights

    def get_weights(self):
        """Copies of the weights as a list, in Keras' order (e.g. [kernel, bias])."""
        return [self._weight(key).copy() for key in self.weight_names if self._has(key)]

    def set_weights(self, weights):
        """Set the weights from a list in Keras' order; shapes must match exactly.

        The arrays are written INTO the existing ones (``params[k][...] = w``),
        so an optimizer that keeps state per array keeps working.
        """
        names = [key for key in self.weight_names if self._has(key)]
        if not self.built:
            raise ValueError(f"{type(self).__name__} '{self.name}' has no weights yet: build it "
                             "first (give input_shape, or add it to a model with an input)")
        if not isinstance(weights, (list, tuple)) or len(weights) != len(names):
            got = len(weights) if isinstance(weights, (list, tuple)) else type(weights).__name__
            raise ValueError(f"{type(self).__name__} '{self.name}' expects a list of "
                             f"{len(names)} arrays ({', '.join(names)}), but got {got}.")
        for key, value in zip(names, weights):
            value = np.asarray(value, dtype=np.float64)
            target = self._weight(key)
            if value.shape != target.shape:
                raise ValueError(f"{type(self).__name__} '{self.name}': weight '{key}' must "
                                 f"have shape {target.shape}, but got shape {value.shape}.")
        for key, value in zip(names, weights):
            self._weight(key)[...] = value

    def _has(self, key):
        return key in self.params or key in self.state

    def _weight(self, key):
        return self.params[key] if key in self.params else self.state[key]

    def count_params(self):
        """Number of numbers in all weights, trainable or not (the summary's "Param #")."""
        arrays = list(self.params.values()) + list(self.state.values())
        return int(sum(a.size for a in arrays))

    def count_trainable_params(self):
        """Numbers the optimizer updates: ``params`` of a trainable layer, else 0."""
        return int(sum(a.size for a in self.params.values())) if self.trainable else 0

    def count_non_trainable_params(self):
        """Numbers the optimizer never updates (moving averages, frozen weights)."""
        return self.count_params() - self.count_trainable_params()

    # ---------------------------------------------------------- regularization

    def regularization_loss(self):
        """Penalty this layer adds to the loss (0.0 without a regularizer)."""
        regularizer = getattr(self, "kernel_regularizer", None)
        if regularizer is None or "kernel" not in self.params:
            return 0.0
        return float(regularizer(self.params["kernel"]))

    def _add_regularizer_gradient(self):
        regularizer = getattr(self, "kernel_regularizer", None)
        if regularizer is not None:
            self.grads["kernel"] = self.grads["kernel"] + regularizer.gradient(
                self.params["kernel"])

    def apply_constraints(self):
        """Project the kernel back into its constraint set (e.g. MaxNorm), in place."""
        constraint = getattr(self, "kernel_constraint", None)
        if constraint is not None and "kernel" in self.params:
            self.params["kernel"][...] = constraint(self.params["kernel"])

    # ---------------------------------------------------------- config

    def get_config(self):
        """The constructor's arguments as a JSON-able dict (used by model.save)."""
        config = {"name": self.name, "trainable": self.trainable}
        if self.input_shape is not None or self._given_input_shape is not None:
            shape = self._given_input_shape or self.input_shape
            config["input_shape"] = list(shape)
        return config


# ------------------------------------------------------------------ small helpers


def _as_shape(shape):
    """A shape as a tuple of positive ints: 3 -> (3,), [28, 28, 1] -> (28, 28, 1)."""
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    try:
        dims = tuple(shape)
    except TypeError:
        raise TypeError(f"a shape is a tuple of ints such as (28, 28, 1), but got "
                        f"{type(shape).__name__}: {shape!r}") from None
    if not all(isinstance(d, (int, np.integer)) and not isinstance(d, bool) for d in dims):
        raise TypeError(f"a shape is a tuple of ints such as (28, 28, 1), but got {shape!r} "
                        "(leave the batch axis out: no None)")
    if any(d <= 0 for d in dims):
        raise ValueError(f"every size in a shape must be positive, but got {dims}")
    return tuple(int(d) for d in dims)


def _as_float_input(x, layer):
    """``x`` as a float array: float32 stays float32, everything else becomes float64."""
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{type(layer).__name__} '{layer.name}' expects an array of numbers, "
                        f"but got {type(x).__name__}: {x!r}")
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"{type(layer).__name__} '{layer.name}' expects an array of numbers, "
                        f"but got an array of dtype {x.dtype}")
    if x.dtype != np.float32:
        x = x.astype(np.float64, copy=False)
    return x


def _check_finite_input(x, layer):
    """Raise ValueError if ``x`` holds nan or inf (a cheap sum first, the full scan if needed)."""
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.add.reduce(x, axis=None)
    if np.isfinite(total):
        return
    bad = ~np.isfinite(x)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"{type(layer).__name__} '{layer.name}' got an input containing "
                         f"{x[where]} at index {where} ({int(bad.sum())} non-finite value(s)); "
                         "check the data, or lower the learning rate if the network diverged.")


def _activation_pair(activation):
    """(name, f, f_grad) for an activation name or None (None means linear: no activation)."""
    if activation is None or activation == "linear":
        return "linear", None, None
    f = activations.get(activation)
    name = activation if isinstance(activation, str) else f.__name__
    return name, f, activations.get_grad(activation)


def _apply_activation(layer, z):
    """y = f(z) for the layer's fused activation (``_f is None`` means linear: y = z)."""
    if layer._f is None:
        return z
    return layer._f(z).astype(z.dtype, copy=False)


def _activation_backward(layer, dy, z, y):
    """dL/dz from dL/dy through the fused activation (softmax: Jacobian-vector product).

    With ``layer._f`` set to None the activation is skipped and dL/dz = dy: the
    model uses this when it computes dL/dz itself (softmax + cross-entropy: p - y).
    """
    if layer._f is None:
        return dy
    if layer.activation == "softmax":
        return softmax_backward(dy, y)
    return dy * layer._f_grad(z).astype(z.dtype, copy=False)


def softmax_backward(dy, p):
    """Jacobian-vector product of softmax along the last axis, without building the Jacobian.

    With p = softmax(z) and J[i, j] = p_i (delta_ij - p_j):
    dz_j = sum_i dy_i J[i, j] = p_j (dy_j - sum_i dy_i p_i).
    dy, p: (..., K) -> dz: (..., K).
    """
    return p * (dy - np.sum(dy * p, axis=-1, keepdims=True))


def _initializer_name(initializer):
    """Initializers are saved by name: a string as given, a function by its __name__."""
    return initializer if isinstance(initializer, str) else initializer.__name__


def _set_kernel_options(layer, activation, use_bias, kernel_initializer, bias_initializer,
                        kernel_regularizer, kernel_constraint, seed):
    """Store the options Dense and Conv2D share on ``layer``, each looked up by name.

    The fused activation (name, f, f'), whether there is a bias, the kernel's and the
    bias' initializers (and their names, for saving), the kernel's regularizer and
    constraint, and the seed of the initializers.
    """
    layer.activation, layer._f, layer._f_grad = _activation_pair(activation)
    layer.use_bias = bool(use_bias)
    layer.kernel_initializer = initializers.get(kernel_initializer)
    layer.bias_initializer = initializers.get(bias_initializer)
    layer.kernel_regularizer = regularizers.get(kernel_regularizer)
    layer.kernel_constraint = regularizers.get(kernel_constraint)
    layer.seed = seed
    layer._init_names = (_initializer_name(kernel_initializer),
                         _initializer_name(bias_initializer))


def _kernel_options_config(layer):
    """The options of :func:`_set_kernel_options` as ``get_config`` saves them (a dict)."""
    return {"activation": layer.activation, "use_bias": layer.use_bias,
            "kernel_initializer": layer._init_names[0],
            "bias_initializer": layer._init_names[1],
            "kernel_regularizer": regularizers.serialize(layer.kernel_regularizer),
            "kernel_constraint": regularizers.serialize(layer.kernel_constraint),
            "seed": layer.seed}


# ------------------------------------------------------------------ Input


class Input(Layer):
    """Declares the shape of one input sample: ``Input(shape=(28, 28, 1))``.

    It has no weights; forward checks the input's shape and returns it unchanged.
    """

    base_name = "input_layer"

    def __init__(self, shape, name=None):
        super().__init__(name=name, input_shape=shape)
        self.shape = self._given_input_shape
        self._build_if_given()

    def _forward(self, x, training):
        self._cache = True
        return x

    def _backward(self, dy):
        return dy

    def get_config(self):
        return {"name": self.name, "shape": list(self.shape)}


# ------------------------------------------------------------------ Dense


class Dense(Layer):
    """Fully connected layer: y = f(x W + b), on the LAST axis of x.

    x: (N, ..., D) -> y: (N, ..., units); kernel W: (D, units); bias b: (units,).
    Parameters: D * units + units. ``Dense(16)`` on inputs (20, 20, 3) acts on
    each pixel's 3 channels: output (20, 20, 16), 3 * 16 + 16 = 64 parameters.

    Backward, with z = x W + b and dz = dL/dz = dy * f'(z):
    dW = x^T dz (summed over every position), db = sum of dz, dx = dz W^T.

    >>> layer = Dense(3, input_shape=(2,))
    >>> layer.forward(np.ones((5, 2))).shape
    (5, 3)
    """

    base_name = "dense"
    weight_names = ("kernel", "bias")

    def __init__(self, units, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, kernel_constraint=None, input_shape=None,
                 seed=None, name=None, trainable=True):
        super().__init__(name=name, trainable=trainable, input_shape=input_shape)
        self.units = _check_positive_int(units, "units", "Dense")
        _set_kernel_options(self, activation, use_bias, kernel_initializer, bias_initializer,
                            kernel_regularizer, kernel_constraint, seed)
        self._build_if_given()

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def _create_weights(self, input_shape):
        shape = (input_shape[-1], self.units)
        self.params["kernel"] = self.kernel_initializer(shape, seed=self.seed)
        if self.use_bias:
            self.params["bias"] = self.bias_initializer((self.units,), seed=self.seed)

    def _shape_message(self, got):
        if len(self.input_shape) == 1:
            return (f"Dense '{self.name}' expects inputs with {self.input_shape[0]} features "
                    f"(it was built with input_shape={self.input_shape}), but got an array of "
                    f"shape {got}.")
        return super()._shape_message(got)

    def _forward(self, x, training):
        kernel = self.params["kernel"].astype(x.dtype, copy=False)
        z = x @ kernel
        if self.use_bias:
            z += self.params["bias"].astype(x.dtype, copy=False)
        y = _apply_activation(self, z)
        self._cache = (x, z, y)
        return y

    def _backward(self, dy):
        x, z, y = self._cache
        dz = _activation_backward(self, dy, z, y)
        x2 = x.reshape(-1, x.shape[-1])      # every position is one sample for W
        dz2 = dz.reshape(-1, self.units)
        self.grads["kernel"] = (x2.T @ dz2).astype(np.float64, copy=False)
        if self.use_bias:
            self.grads["bias"] = dz2.sum(axis=0).astype(np.float64, copy=False)
        self._add_regularizer_gradient()
        return dz @ self.params["kernel"].T.astype(dz.dtype, copy=False)

    def get_config(self):
        config = super().get_config()
        config.update(units=self.units, **_kernel_options_config(self))
        return config


def _check_positive_int(value, name, layer):
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
        raise TypeError(f"{layer}({name}=...) must be an int, but got "
                        f"{type(value).__name__}: {value!r}")
    if value <= 0:
        raise ValueError(f"{layer}({name}=...) must be positive, but got {value}")
    return int(value)


# ------------------------------------------------------------------ Activation


class Activation(Layer):
    """Applies an activation function on its own: y = f(x), elementwise.

    ``Activation("softmax")`` normalizes the last axis; its backward is the
    Jacobian-vector product (see ``softmax_backward``), the others multiply
    by f'(x). x: (N, ...) -> y: same shape, any shape (also after the build). No weights.
    """

    base_name = "activation"
    any_input_shape = True

    def __init__(self, activation, name=None, input_shape=None):
        super().__init__(name=name, input_shape=input_shape)
        self.activation, self._f, self._f_grad = _activation_pair(activation)
        self._build_if_given()

    def _forward(self, x, training):
        y = _apply_activation(self, x)
        self._cache = (x, y)
        return y

    def _backward(self, dy):
        x, y = self._cache
        return _activation_backward(self, dy, x, y)

    def get_config(self):
        config = super().get_config()
        config.update(activation=self.activation)
        return config


# ------------------------------------------------------------------ Conv2D


class Conv2D(Layer):
    """2-D convolution (cross-correlation) on channels-last images, with a fused activation.

    x: (N, H, W, C) -> y: (N, Ho, Wo, filters); kernel: (kh, kw, C, filters);
    bias: (filters,). Parameters: kh * kw * C * filters + filters, e.g.
    Conv2D(32, 3) on 16 channels has 3*3*16*32 + 32 = 4640.
    Ho = floor((H - kh) / sh) + 1 with padding "valid", ceil(H / sh) with "same"
    (Keras' padding: an odd number of zeros puts the extra one at the bottom/right).
    The math lives in ``nnedu.conv`` (``conv2d_forward`` / ``conv2d_backward``).
    """

    base_name = "conv2d"
    weight_names = ("kernel", "bias")

    def __init__(self, filters, kernel_size, strides=1, padding="valid", activation=None,
                 use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, kernel_constraint=None, input_shape=None, seed=None,
                 name=None, trainable=True):
        super().__init__(name=name, trainable=trainable, input_shape=input_shape)
        self.filters = _check_positive_int(filters, "filters", "Conv2D")
        self.kernel_size = conv_ops._pair(kernel_size, "Conv2D kernel_size")
        self.strides = conv_ops._pair(strides, "Conv2D strides")
        check_choice(padding, conv_ops.PADDINGS, "padding")
        self.padding = padding
        _set_kernel_options(self, activation, use_bias, kernel_initializer, bias_initializer,
                            kernel_regularizer, kernel_constraint, seed)
        self._build_if_given()

    def compute_output_shape(self, input_shape):
        height, width = _image_hw(self, input_shape, self.kernel_size)
        (kh, kw), (sh, sw) = self.kernel_size, self.strides
        return (conv_ops.output_size(height, kh, self.padding, sh),
                conv_ops.output_size(width, kw, self.padding, sw), self.filters)

    def _create_weights(self, input_shape):
        shape = self.kernel_size + (input_shape[-1], self.filters)
        self.params["kernel"] = self.kernel_initializer(shape, seed=self.seed)
        if self.use_bias:
            self.params["bias"] = self.bias_initializer((self.filters,), seed=self.seed)

    def _forward(self, x, training):
        kernel = self.params["kernel"].astype(x.dtype, copy=False)
        bias = self.params["bias"] if self.use_bias else None
        z, conv_cache = conv_ops.conv2d_forward(x, kernel, bias, self.strides, self.padding)
        y = _apply_activation(self, z)
        self._cache = (conv_cache, z, y)
        return y

    def _backward(self, dy):
        conv_cache, z, y = self._cache
        dz = _activation_backward(self, dy, z, y)
        dx, dkernel, dbias = conv_ops.conv2d_backward(dz, conv_cache)
        self.grads["kernel"] = dkernel.astype(np.float64, copy=False)
        if self.use_bias:
            self.grads["bias"] = dbias.astype(np.float64, copy=False)
        self._add_regularizer_gradient()
        return dx

    def get_config(self):
        config = super().get_config()
        config.update(filters=self.filters, kernel_size=list(self.kernel_size),
                      strides=list(self.strides), padding=self.padding,
                      **_kernel_options_config(self))
        return config


def _image_hw(layer, input_shape, window):
    """(H, W) of an image input_shape (H, W, C), or a ValueError that says what is wrong."""
    kind = type(layer).__name__
    if len(input_shape) != 3:
        raise ValueError(f"{kind} '{layer.name}' expects images of shape (height, width, "
                         f"channels), but was given input_shape={input_shape}; reshape the "
                         f"data to (N, H, W, C), e.g. x.reshape(-1, 28, 28, 1).")
    height, width = input_shape[0], input_shape[1]
    if getattr(layer, "padding", "valid") == "valid" and (height < window[0]
                                                         or width < window[1]):
        raise ValueError(f"{kind} '{layer.name}': a {window[0]}x{window[1]} window does not fit "
                         f"in images of {height}x{width} pixels with padding 'valid'.")
    return height, width


# ------------------------------------------------------------------ pooling


class _Pooling2D(Layer):
    """Shared part of MaxPooling2D and AveragePooling2D: sizes, shapes and config."""

    def __init__(self, pool_size=2, strides=None, padding="valid", name=None,
                 input_shape=None):
        super().__init__(name=name, input_shape=input_shape)
        kind = type(self).__name__
        self.pool_size = conv_ops._pair(pool_size, f"{kind} pool_size")
        self.strides = conv_ops._pair(strides if strides is not None else pool_size,
                                      f"{kind} strides")
        check_choice(padding, conv_ops.PADDINGS, "padding")
        self.padding = padding
        self._build_if_given()

    def compute_output_shape(self, input_shape):
        height, width = _image_hw(self, input_shape, self.pool_size)
        (ph, pw), (sh, sw) = self.pool_size, self.strides
        return (conv_ops.output_size(height, ph, self.padding, sh),
                conv_ops.output_size(width, pw, self.padding, sw), input_shape[2])

    def get_config(self):
        config = super().get_config()
        config.update(pool_size=list(self.pool_size), strides=list(self.strides),
                      padding=self.padding)
        return config


class MaxPooling2D(_Pooling2D):
    """Max pooling: the largest value of each pool_size window, per channel. No weights.

    x: (N, H, W, C) -> y: (N, Ho, Wo, C); ``strides`` defaults to ``pool_size``,
    so the default 2x2 pooling halves height and width. Backward sends each
    dy to the position of its window's maximum (``nnedu.conv.maxpool_backward``).
    """

    base_name = "max_pooling2d"

    def _forward(self, x, training):
        y, self._cache = conv_ops.maxpool_forward(x, self.pool_size, self.strides, self.padding)
        return y

    def _backward(self, dy):
        return conv_ops.maxpool_backward(dy, self._cache)


class AveragePooling2D(_Pooling2D):
    """Average pooling: the mean of each pool_size window, per channel. No weights.

    x: (N, H, W, C) -> y: (N, Ho, Wo, C). Backward spreads each dy evenly over
    its window (``nnedu.conv.avgpool_backward``).
    """

    base_name = "average_pooling2d"

    def _forward(self, x, training):
        y, self._cache = conv_ops.avgpool_forward(x, self.pool_size, self.strides, self.padding)
        return y

    def _backward(self, dy):
        return conv_ops.avgpool_backward(dy, self._cache)


# ------------------------------------------------------------------ Flatten


class Flatten(Layer):
    """Flattens each sample into a vector: (N, H, W, C) -> (N, H*W*C). No weights.

    Backward reshapes dy back to the input's shape.
    """

    base_name = "flatten"

    def __init__(self, name=None, input_shape=None):
        super().__init__(name=name, input_shape=input_shape)
        self._build_if_given()

    def compute_output_shape(self, input_shape):
        return (int(np.prod(input_shape)),)

    def _forward(self, x, training):
        self._cache = x.shape
        return x.reshape(x.shape[0], -1)

    def _backward(self, dy):
        return dy.reshape(self._cache)


# ------------------------------------------------------------------ Dropout


class Dropout(Layer):
    """Inverted dropout: in training, drop each unit with probability ``rate``.

    ``rate`` is the fraction DROPPED (Keras' meaning): Dropout(0.8) keeps about
    20 % of the units. Kept units are scaled by 1 / (1 - rate), so the
    expected value of every unit is unchanged and inference needs no change:
    with ``training=False`` the layer is the identity.

    Training: mask ~ Bernoulli(1 - rate) per unit, y = x * mask / (1 - rate),
    dx = dy * mask / (1 - rate). ``last_mask`` keeps the last training mask
    (True = kept), e.g. to grey out dropped units in a diagram.
    ``seed`` makes the sequence of masks reproducible.
    x: (N, ...) -> y: same shape, any shape (also after the build).
    """

    base_name = "dropout"
    any_input_shape = True

    def __init__(self, rate, seed=None, name=None, input_shape=None):
        super().__init__(name=name, input_shape=input_shape)
        check_positive(rate, "Dropout rate", allow_zero=True)
        if rate >= 1:
            raise ValueError(f"Dropout rate is the fraction of units dropped, in [0, 1), but "
                             f"got {rate}")
        self.rate = float(rate)
        self.seed = seed
        self._rng = np.random.default_rng(seed)
        self.last_mask = None
        self._build_if_given()

    def _forward(self, x, training):
        if not training or self.rate == 0.0:
            self._cache = "identity"
            return x
        mask = self._rng.random(x.shape) >= self.rate
        self.last_mask = mask
        scale = 1.0 / (1.0 - self.rate)
        self._cache = mask * np.asarray(scale, dtype=x.dtype)   # 0 or 1/(1-rate)
        return x * self._cache

    def _backward(self, dy):
        if isinstance(self._cache, str):
            return dy
        return dy * self._cache

    def get_config(self):
        config = super().get_config()
        config.update(rate=self.rate, seed=self.seed)
        return config


# ------------------------------------------------------------------ BatchNormalization


class BatchNormalization(Layer):
    """Batch normalization: normalize each feature over the batch, then scale and shift.

    Training (``training=True``), with batch mean mu and BIASED batch variance var
    (over every axis except ``axis``: the batch for (N, D) inputs, the batch and
    the pixels for (N, H, W, C) images):

        x_hat = (x - mu) / sqrt(var + epsilon),   y = gamma * x_hat + beta,
        moving_mean <- momentum * moving_mean + (1 - momentum) * mu
        moving_variance <- momentum * moving_variance + (1 - momentum) * var

    (Keras also uses the biased variance for the moving average; PyTorch uses the
    unbiased one.) Inference (``training=False``) uses moving_mean and
    moving_variance instead of mu and var. As in Keras, a frozen layer
    (``trainable=False``) always runs in inference mode.

    gamma, beta: trainable, shape (D,); moving_mean, moving_variance: non-trainable.
    get_weights() order: gamma, beta, moving_mean, moving_variance (4 * D numbers).
    Backward (training), with m numbers per feature and the sums over the same axes:
        dx = gamma / (m * sqrt(var + eps)) * (m * dy - sum(dy) - x_hat * sum(dy * x_hat)).
    """

    base_name = "batch_normalization"
    weight_names = ("gamma", "beta", "moving_mean", "moving_variance")

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, name=None, trainable=True,
                 input_shape=None):
        super().__init__(name=name, trainable=trainable, input_shape=input_shape)
        if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool) or axis == 0:
            raise ValueError(f"BatchNormalization axis must be a non-zero int (the feature "
                             f"axis; 0 is the batch), but got {axis!r}")
        check_positive(momentum, "momentum", allow_zero=True)
        check_positive(epsilon, "epsilon")
        self.axis, self.momentum, self.epsilon = int(axis), float(momentum), float(epsilon)
        self._build_if_given()

    def _create_weights(self, input_shape):
        rank = len(input_shape) + 1
        if not -rank <= self.axis < rank:
            raise ValueError(f"BatchNormalization '{self.name}': axis={self.axis} does not "
                             f"exist for inputs of shape {(None,) + input_shape}")
        self._feature_axis = self.axis % rank
        features = (input_shape[self._feature_axis - 1],)
        self.params["gamma"] = np.ones(features)
        self.params["beta"] = np.zeros(features)
        self.state["moving_mean"] = np.zeros(features)
        self.state["moving_variance"] = np.ones(features)

    def _per_feature(self, v, dtype):
        """A (D,) vector shaped to broadcast along the feature axis of a batch."""
        shape = [1] * (len(self.input_shape) + 1)
        shape[self._feature_axis] = -1
        return v.reshape(shape).astype(dtype, copy=False)

    def _forward(self, x, training):
        axes = tuple(a for a in range(x.ndim) if a != self._feature_axis)
        if training and self.trainable:
            mean = x.mean(axis=axes, keepdims=True)
            var = x.var(axis=axes, keepdims=True)        # biased: divides by m
            self._update_moving(mean.ravel(), var.ravel())
        else:
            mean = self._per_feature(self.state["moving_mean"], x.dtype)
            var = self._per_feature(self.state["moving_variance"], x.dtype)
        inv_std = 1.0 / np.sqrt(var + self.epsilon)
        x_hat = (x - mean) * inv_std
        gamma = self._per_feature(self.params["gamma"], x.dtype)
        y = gamma * x_hat + self._per_feature(self.params["beta"], x.dtype)
        self._cache = (x_hat, inv_std, axes, training and self.trainable)
        return y

    def _update_moving(self, mean, var):
        m = self.momentum
        self.state["moving_mean"][...] = m * self.state["moving_mean"] + (1 - m) * mean
        self.state["moving_variance"][...] = m * self.state["moving_variance"] + (1 - m) * var

    def _backward(self, dy):
        x_hat, inv_std, axes, batch_stats = self._cache
        dbeta = dy.sum(axis=axes, keepdims=True)
        dgamma = (dy * x_hat).sum(axis=axes, keepdims=True)
        self.grads["gamma"] = dgamma.ravel().astype(np.float64, copy=False)
        self.grads["beta"] = dbeta.ravel().astype(np.float64, copy=False)
        gamma = self._per_feature(self.params["gamma"], dy.dtype)
        if not batch_stats:  # inference: mean and var are constants
            return gamma * inv_std * dy
        m = dy.size // dbeta.size  # numbers averaged per feature
        return gamma * inv_std / m * (m * dy - dbeta - x_hat * dgamma)

    def get_config(self):
        config = super().get_config()
        config.update(axis=self.axis, momentum=self.momentum, epsilon=self.epsilon)
        return config


# ------------------------------------------------------------------ rebuilding from a config

LAYERS = {cls.__name__: cls for cls in (Input, Dense, Activation, Conv2D, MaxPooling2D,
                                        AveragePooling2D, Flatten, Dropout, BatchNormalization)}


def layer_from_config(class_name, config):
    """Rebuild a layer from its class name and ``get_config()`` dict (used by load_model).

    >>> layer_from_config("Dense", Dense(4, input_shape=(3,)).get_config()).output_shape
    (4,)
    """
    if class_name not in LAYERS:
        raise ValueError(f"unknown layer class {class_name!r}; known layers: "
                         f"{', '.join(LAYERS)}")
    config = dict(config)
    trainable = config.pop("trainable", True)
    layer = LAYERS[class_name](**config)
    layer.trainable = trainable
    return layer

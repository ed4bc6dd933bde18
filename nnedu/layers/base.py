"""The base class of every layer: a forward/backward pair and the bookkeeping around it.

A layer works on a BATCH: the first axis of every array is the sample axis, N.
Shapes written without that axis (``input_shape``, ``output_shape``) are the
shapes of ONE sample, as in Keras: ``Dense(3, input_shape=(2,))`` takes arrays
of shape (N, 2) and returns arrays of shape (N, 3).

Each layer class writes its own math in two methods:

- ``forward(x, training=False) -> y`` computes the output and keeps in
  ``self._cache`` what backward will need (the docstring says what);
- ``backward(dy) -> dx`` gets dy = dL/dy, fills ``self.grads`` (dL/dweight
  for every weight in ``self.params``) and returns dx = dL/dx.

This class holds what every layer shares: its name, ``build`` (the weights
are created, in ``nnedu.config.floatx()``, once the input shape is known),
the cheap input check at the top of each forward, ``get_weights`` /
``set_weights`` in Keras' order, parameter counts, the regularization hooks
and ``get_config``. ``Input`` (a layer that only declares a shape) is here
too, with the helpers Dense and Conv2D share (the fused activation and the
kernel options).
"""

import numbers

from nnedu import activations, initializers, regularizers
from nnedu._validate import as_numbers, check_int
from nnedu.backend import xp
from nnedu.config import floatx

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
    """Base class: name, weights bookkeeping, the input check. Subclasses add the math.

    A subclass defines ``base_name``, ``weight_names`` (Keras' order of
    ``get_weights``), ``compute_output_shape``, ``_create_weights`` (if it has
    weights), ``forward`` and ``backward``.

    Attributes: ``name``, ``trainable``, ``built``, ``input_shape``,
    ``output_shape`` (one sample, no batch axis), ``dtype`` (the float type
    of the weights and outputs, fixed at the build), ``params`` (trainable
    arrays), ``state`` (non-trainable arrays), ``grads`` (same keys as
    params, filled by backward).
    """

    base_name = "layer"
    weight_names = ()  # in get_weights() order; each is in params or in state
    any_input_shape = False  # True: after the build, inputs of other shapes are fine too

    def __init__(self, name=None, trainable=True, input_shape=None):
        if name is not None and not isinstance(name, str):
            raise TypeError(f"a layer name must be a string, but got {type(name).__name__}: "
                            f"{name!r}")
        self.name = name if name is not None else unique_name(self.base_name)
        self.trainable = bool(trainable)
        self.built = False
        self.input_shape = None
        self.output_shape = None
        self.dtype = None
        self.params = {}
        self.grads = {}
        self.state = {}
        self._cache = None
        self._given_input_shape = None if input_shape is None else as_shape(input_shape)

    def _build_if_given(self):
        """Build right away when the constructor received ``input_shape`` (call it last)."""
        if self._given_input_shape is not None:
            self.build(self._given_input_shape)

    def __repr__(self):
        return f"<{type(self).__name__} '{self.name}' output_shape={self.output_shape}>"

    def __call__(self, x, training=False):
        return self.forward(x, training=training)

    # ---------------------------------------------------------- building

    def build(self, input_shape):
        """Create the weights for inputs of shape ``input_shape`` (one sample, no batch axis).

        The weights get the float type ``nnedu.config.floatx()`` has now.
        """
        input_shape = as_shape(input_shape)
        self.output_shape = self.compute_output_shape(input_shape)
        self.input_shape = input_shape
        self.dtype = floatx()
        self._create_weights(input_shape)
        self.grads = {key: xp.zeros_like(value) for key, value in self.params.items()}
        self.built = True

    def compute_output_shape(self, input_shape):
        """Shape of one output sample for one input sample of ``input_shape``."""
        return as_shape(input_shape)

    def _create_weights(self, input_shape):
        """Subclasses with weights fill ``self.params`` (and ``self.state``) here."""

    # ---------------------------------------------------------- forward / backward

    def forward(self, x, training=False):
        """Output of the layer for the batch ``x``: (N, *input_shape) -> (N, *output_shape)."""
        raise NotImplementedError(f"{type(self).__name__} defines no forward")

    def backward(self, dy):
        """dL/dx from dy = dL/dy (N, *output_shape); fills ``self.grads``."""
        raise NotImplementedError(f"{type(self).__name__} defines no backward")

    def backward_from_preactivation(self, dz):
        """Like backward, but given dL/dz for the pre-activation z (the activation skipped).

        The model uses it for softmax or sigmoid + cross-entropy, whose gradient
        with respect to the logits z is simply (p - y) / N. A layer without a
        fused activation treats it exactly like backward.
        """
        return self.backward(dz)

    # ---------------------------------------------------------- the input check

    def _check_input(self, x):
        """``x`` ready for the math: an array of ``self.dtype``, of the shape built for.

        Constant time (the type, the shape, and a cast when the float type
        differs from the weights'): the nan/inf scan of the data happens once,
        at the model's boundary. A layer not built yet is built here, for x's shape.
        """
        if not hasattr(x, "dtype") or x.dtype.kind not in "biuf":  # lists, numbers, strings
            x = as_numbers(x, f"the input of {type(self).__name__} '{self.name}'")
        if not self.built:
            if x.ndim < 2:
                raise ValueError(f"{type(self).__name__} '{self.name}' expects a batch of "
                                 f"samples (first axis = samples), but got an array of shape "
                                 f"{x.shape}.")
            self.build(x.shape[1:])
        if x.shape[1:] != self.input_shape and not self.any_input_shape:
            raise ValueError(self._shape_message(x.shape))
        if x.dtype != self.dtype:
            x = x.astype(self.dtype)
        self._output_batch_shape = (x.shape if self.any_input_shape
                                    else (x.shape[0],) + self.output_shape)
        return x

    def _shape_message(self, got):
        expected = (None,) + self.input_shape
        return (f"{type(self).__name__} '{self.name}' expects inputs of shape {expected} "
                f"(it was built with input_shape={self.input_shape}), but got an array of "
                f"shape {got}.")

    def _check_upstream(self, dy):
        """``dy`` as an array of the last output's shape and float type (constant time)."""
        if self._cache is None:
            raise RuntimeError(f"{type(self).__name__} '{self.name}': call forward before "
                               "backward (backward uses what forward computed)")
        dy = xp.asarray(dy)
        if dy.shape != self._output_batch_shape:
            raise ValueError(f"{type(self).__name__} '{self.name}': backward expects dy of "
                             f"shape {self._output_batch_shape} (the shape of the last "
                             f"output), but got an array of shape {dy.shape}.")
        return dy if dy.dtype == self.dtype else dy.astype(self.dtype)

    # ---------------------------------------------------------- weights

    @property
    def weights(self):
        """The weight arrays themselves (not copies), in Keras' order (e.g. [kernel, bias])."""
        return [self._weight(key) for key in self.weight_names if self._has(key)]

    def get_weights(self):
        """Copies of the weights as a list, in Keras' order (e.g. [kernel, bias])."""
        return [w.copy() for w in self.weights]

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
        values = [as_numbers(value, f"weight '{key}'") for key, value in zip(names, weights)]
        for key, value in zip(names, values):
            target = self._weight(key)
            if value.shape != target.shape:
                raise ValueError(f"{type(self).__name__} '{self.name}': weight '{key}' must "
                                 f"have shape {target.shape}, but got shape {value.shape}.")
        for key, value in zip(names, values):
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

    def _with_penalty_gradient(self, dkernel):
        """dkernel plus the kernel regularizer's gradient (dkernel itself without one)."""
        regularizer = getattr(self, "kernel_regularizer", None)
        if regularizer is None:
            return dkernel
        return dkernel + regularizer.gradient(self.params["kernel"])

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


# ------------------------------------------------------------------ Input


class Input(Layer):
    """Declares the shape of one input sample: ``Input(shape=(28, 28, 1))``.

    It has no weights: forward checks the input's shape and returns it (as
    an array of floatx), backward returns dy unchanged. x: (N, *shape) -> same.
    """

    base_name = "input_layer"

    def __init__(self, shape, name=None):
        super().__init__(name=name, input_shape=shape)
        self.shape = self._given_input_shape
        self._build_if_given()

    def forward(self, x, training=False):
        """y = x. Cache: the batch's shape (only so that backward can check dy)."""
        x = self._check_input(x)
        self._cache = x.shape
        return x

    def backward(self, dy):
        """dx = dy."""
        return self._check_upstream(dy)

    def get_config(self):
        return {"name": self.name, "shape": list(self.shape)}


# ------------------------------------------------------------------ shapes


def as_shape(shape):
    """A shape as a tuple of positive ints: 3 -> (3,), [28, 28, 1] -> (28, 28, 1).

    >>> as_shape([28, 28, 1])
    (28, 28, 1)
    """
    if isinstance(shape, numbers.Integral):
        shape = (shape,)
    try:
        dims = tuple(shape)
    except TypeError:
        raise TypeError(f"a shape is a tuple of ints such as (28, 28, 1), but got "
                        f"{type(shape).__name__}: {shape!r}") from None
    if any(d is None for d in dims):
        raise TypeError(f"a shape is a tuple of ints such as (28, 28, 1), but got {shape!r} "
                        "(leave the batch axis out: no None)")
    return tuple(check_int(d, "every size in a shape", minimum=1) for d in dims)


# ------------------------------------------------------------------ what Dense and Conv2D share


def set_activation(layer, activation):
    """Store the fused activation on ``layer``: its name, f and f' (None is "linear")."""
    if activation is None:
        activation = "linear"
    layer.activation_fn = activations.get(activation)
    layer.activation_grad = activations.get_grad(activation)
    layer.activation = activation if isinstance(activation, str) else layer.activation_fn.__name__


def activation_forward(layer, z):
    """y = f(z) for the layer's activation ("linear": y is z itself). z: any shape."""
    if layer.activation == "linear":
        return z
    return layer.activation_fn(z)


def activation_backward(layer, dy, z, y):
    """dL/dz from dL/dy through the activation, with z its input and y = f(z) its output.

    Elementwise f: dz = dy * f'(z). Softmax mixes a row, so its Jacobian is
    applied without being built (see ``softmax_backward``). "linear": dz = dy.
    """
    if layer.activation == "linear":
        return dy
    if layer.activation == "softmax":
        return softmax_backward(dy, y)
    return dy * layer.activation_grad(z)


def softmax_backward(dy, p):
    """Jacobian-vector product of softmax along the last axis, without building the Jacobian.

    With p = softmax(z) and J[i, j] = p_i (delta_ij - p_j):
    dz_j = sum_i dy_i J[i, j] = p_j (dy_j - sum_i dy_i p_i).
    dy, p: (..., K) -> dz: (..., K).
    """
    return p * (dy - xp.sum(dy * p, axis=-1, keepdims=True))


def set_kernel_options(layer, activation, use_bias, kernel_initializer, bias_initializer,
                       kernel_regularizer, kernel_constraint, seed):
    """Store the options Dense and Conv2D share on ``layer``, each looked up by name.

    The fused activation, whether there is a bias, the kernel's and the bias'
    initializers (and their names, for saving), the kernel's regularizer and
    constraint, and the seed of the initializers.
    """
    set_activation(layer, activation)
    layer.use_bias = bool(use_bias)
    layer.kernel_initializer = initializers.get(kernel_initializer)
    layer.bias_initializer = initializers.get(bias_initializer)
    layer.kernel_regularizer = regularizers.get(kernel_regularizer)
    layer.kernel_constraint = regularizers.get(kernel_constraint)
    layer.seed = seed
    layer._init_names = (_initializer_name(kernel_initializer),
                         _initializer_name(bias_initializer))


def create_kernel_and_bias(layer, kernel_shape, units):
    """``params["kernel"]`` (kernel_shape) and ``params["bias"]`` ((units,), if use_bias)."""
    layer.params["kernel"] = layer.kernel_initializer(kernel_shape, seed=layer.seed,
                                                      dtype=layer.dtype)
    if layer.use_bias:
        layer.params["bias"] = layer.bias_initializer((units,), seed=layer.seed,
                                                      dtype=layer.dtype)


def kernel_options_config(layer):
    """The options of :func:`set_kernel_options` as ``get_config`` saves them (a dict)."""
    return {"activation": layer.activation, "use_bias": layer.use_bias,
            "kernel_initializer": layer._init_names[0],
            "bias_initializer": layer._init_names[1],
            "kernel_regularizer": regularizers.serialize(layer.kernel_regularizer),
            "kernel_constraint": regularizers.serialize(layer.kernel_constraint),
            "seed": layer.seed}


def _initializer_name(initializer):
    """Initializers are saved by name: a string as given, a function by its __name__."""
    return initializer if isinstance(initializer, str) else initializer.__name__

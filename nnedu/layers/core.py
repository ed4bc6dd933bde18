"""Core layers: Dense (a weighted sum and an activation), Activation, Flatten.

Dense is the layer of chapter 03: every output unit j takes a weighted sum of
all the inputs plus a bias, z_j = sum_i x_i W[i, j] + b_j, then applies the
activation, y_j = f(z_j). For a whole batch x (N, D) that is one matrix
product, z = x @ W + b, with the kernel W (D, units) and the bias b (units,).

Backward (chapter 06) runs the same computation in reverse. With dy = dL/dy:

    dz = dy * f'(z)          through the activation
    dW = x^T dz              each weight collects input * gradient over the batch
    db = sum of dz           over the batch
    dx = dz W^T              what the layer below receives

Activation applies f alone; Flatten turns each sample into a vector, so that
a Dense layer can follow a convolution.
"""

from nnedu._validate import check_int
from nnedu.layers.base import (
    Layer,
    activation_backward,
    activation_forward,
    create_kernel_and_bias,
    kernel_options_config,
    set_activation,
    set_kernel_options,
    softmax_backward,  # noqa: F401  (importable from here, as it always was)
)


class Dense(Layer):
    """Fully connected layer: y = f(x W + b), on the LAST axis of x.

    x: (N, ..., D) -> y: (N, ..., units); kernel W: (D, units); bias b: (units,).
    Parameters: D * units + units. ``Dense(16)`` on inputs (20, 20, 3) acts on
    each pixel's 3 channels: output (20, 20, 16), 3 * 16 + 16 = 64 parameters.
    ``layer.kernel`` and ``layer.bias`` are ``params["kernel"]`` and ``params["bias"]``.

    >>> import numpy as np
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
        self.units = check_int(units, "units", minimum=1)
        set_kernel_options(self, activation, use_bias, kernel_initializer, bias_initializer,
                           kernel_regularizer, kernel_constraint, seed)
        self._build_if_given()

    @property
    def kernel(self):
        """W, the (D, units) weight matrix: ``params["kernel"]``."""
        return self.params["kernel"]

    @property
    def bias(self):
        """b, the (units,) bias: ``params["bias"]`` (None with use_bias=False)."""
        return self.params.get("bias")

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def _create_weights(self, input_shape):
        create_kernel_and_bias(self, (input_shape[-1], self.units), self.units)

    def _shape_message(self, got):
        if len(self.input_shape) == 1:
            return (f"Dense '{self.name}' expects inputs with {self.input_shape[0]} features "
                    f"(it was built with input_shape={self.input_shape}), but got an array of "
                    f"shape {got}.")
        return super()._shape_message(got)

    def forward(self, x, training=False):
        """y = f(z) with z = x W + b (the bias broadcast over the rows).

        x: (N, ..., D) -> y: (N, ..., units). Cache: (x, z, y), for backward.
        x is cast once to the weights' float type if it has another one.
        """
        x = self._check_input(x)
        z = x @ self.kernel + self.bias if self.use_bias else x @ self.kernel
        y = activation_forward(self, z)
        self._cache = (x, z, y)
        return y

    def backward(self, dy):
        """dz = dy * f'(z) through the activation, then the linear part (see below).

        dy: (N, ..., units) -> dx: (N, ..., D); fills grads["kernel"], grads["bias"].
        """
        dy = self._check_upstream(dy)
        _, z, y = self._cache
        return self.backward_from_preactivation(activation_backward(self, dy, z, y))

    def backward_from_preactivation(self, dz):
        """The linear part: dW = x^T dz, db = sum of dz, dx = dz W^T.

        dz = dL/dz: (N, ..., units). With more than one axis before the last,
        every position is one more sample for W: x and dz are flattened to
        (M, D) and (M, units) first. Adds the regularizer's gradient to dW.
        """
        dz = self._check_upstream(dz)
        x = self._cache[0]
        x2, dz2 = x.reshape(-1, x.shape[-1]), dz.reshape(-1, self.units)
        self.grads["kernel"] = self._with_penalty_gradient(x2.T @ dz2)
        if self.use_bias:
            self.grads["bias"] = dz2.sum(axis=0)
        return dz @ self.kernel.T

    def get_config(self):
        config = super().get_config()
        config.update(units=self.units, **kernel_options_config(self))
        return config


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
        set_activation(self, activation)
        self._build_if_given()

    def forward(self, x, training=False):
        """y = f(x). x: (N, ...) -> y: same shape. Cache: (x, y)."""
        x = self._check_input(x)
        y = activation_forward(self, x)
        self._cache = (x, y)
        return y

    def backward(self, dy):
        """dx = dy * f'(x) (softmax: p * (dy - sum(dy * p)) per row). dy, dx: x's shape."""
        dy = self._check_upstream(dy)
        x, y = self._cache
        return activation_backward(self, dy, x, y)

    def backward_from_preactivation(self, dz):
        """dz = dL/dx already (the activation skipped): dx = dz."""
        return self._check_upstream(dz)

    def get_config(self):
        config = super().get_config()
        config.update(activation=self.activation)
        return config


class Flatten(Layer):
    """Flattens each sample into a vector: (N, H, W, C) -> (N, H*W*C). No weights."""

    base_name = "flatten"

    def __init__(self, name=None, input_shape=None):
        super().__init__(name=name, input_shape=input_shape)
        self._build_if_given()

    def compute_output_shape(self, input_shape):
        size = 1
        for d in input_shape:
            size *= d
        return (size,)

    def forward(self, x, training=False):
        """y = x.reshape(N, -1). x: (N, d_1, ..., d_k) -> y: (N, d_1 * ... * d_k).

        Cache: x's shape.
        """
        x = self._check_input(x)
        self._cache = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dy):
        """dx = dy reshaped back to x's shape: (N, d_1 * ... * d_k) -> (N, d_1, ..., d_k)."""
        dy = self._check_upstream(dy)
        return dy.reshape(self._cache)

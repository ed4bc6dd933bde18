"""Conv2D: a small filter slid over the image, the same weights at every position.

Where Dense connects every input to every unit, a convolution looks at one
kh x kw window of the image at a time and computes, for each filter f,

    z[n, i, j, f] = sum over (a, b, c) of x[n, i*s + a, j*s + b, c] * kernel[a, b, c, f] + bias[f]

(a cross-correlation: the kernel is not flipped, as in every CNN library),
then y = activation(z). The same kernel at every position is what makes it
cheap (a 3x3 filter on 16 channels has 3*3*16 + 1 weights whatever the image
size) and what makes a feature found in one place recognised anywhere.
Images are channels-last, (N, H, W, C), as in Keras. The loops and their
vectorized form (im2col and one matrix product) are in ``nnedu.conv``.
"""

from nnedu import conv as conv_ops
from nnedu._validate import check_choice, check_int, check_pair
from nnedu.layers.base import (
    Layer,
    activation_backward,
    activation_forward,
    create_kernel_and_bias,
    kernel_options_config,
    set_kernel_options,
)


class Conv2D(Layer):
    """2-D convolution (cross-correlation) on channels-last images, with a fused activation.

    x: (N, H, W, C) -> y: (N, Ho, Wo, filters); kernel: (kh, kw, C, filters);
    bias: (filters,). Parameters: kh * kw * C * filters + filters, e.g.
    Conv2D(32, 3) on 16 channels has 3*3*16*32 + 32 = 4640.
    Ho = floor((H - kh) / sh) + 1 with padding "valid", ceil(H / sh) with "same"
    (Keras' padding: an odd number of zeros puts the extra one at the bottom/right).
    ``layer.kernel`` and ``layer.bias`` are ``params["kernel"]`` and ``params["bias"]``.
    ``needs_input_gradient = False`` makes backward skip dx (and return None):
    the model sets it on its first layer during training, as nothing below uses dx.
    """

    base_name = "conv2d"
    weight_names = ("kernel", "bias")
    needs_input_gradient = True

    def __init__(self, filters, kernel_size, strides=1, padding="valid", activation=None,
                 use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, kernel_constraint=None, input_shape=None, seed=None,
                 name=None, trainable=True):
        super().__init__(name=name, trainable=trainable, input_shape=input_shape)
        self.filters = check_int(filters, "filters", minimum=1)
        self.kernel_size = check_pair(kernel_size, "kernel_size")
        self.strides = check_pair(strides, "strides")
        check_choice(padding, conv_ops.PADDINGS, "padding")
        self.padding = padding
        set_kernel_options(self, activation, use_bias, kernel_initializer, bias_initializer,
                           kernel_regularizer, kernel_constraint, seed)
        self._build_if_given()

    @property
    def kernel(self):
        """The (kh, kw, C, filters) filters: ``params["kernel"]``."""
        return self.params["kernel"]

    @property
    def bias(self):
        """The (filters,) bias: ``params["bias"]`` (None with use_bias=False)."""
        return self.params.get("bias")

    def compute_output_shape(self, input_shape):
        height, width = image_hw(self, input_shape, self.kernel_size)
        (kh, kw), (sh, sw) = self.kernel_size, self.strides
        return (conv_ops.output_size(height, kh, self.padding, sh),
                conv_ops.output_size(width, kw, self.padding, sw), self.filters)

    def _create_weights(self, input_shape):
        create_kernel_and_bias(self, self.kernel_size + (input_shape[-1], self.filters),
                               self.filters)

    def forward(self, x, training=False):
        """y = f(z) with z = conv(x, kernel) + bias (``nnedu.conv.conv2d_forward``).

        x: (N, H, W, C) -> y: (N, Ho, Wo, filters). Cache: (the convolution's
        cache, z, y); the convolution's cache holds the padded input's windows.
        x is cast once to the weights' float type if it has another one.
        """
        x = self._check_input(x)
        z, conv_cache = conv_ops.conv2d_forward(x, self.kernel, self.bias, self.strides,
                                                self.padding)
        y = activation_forward(self, z)
        self._cache = (conv_cache, z, y)
        return y

    def backward(self, dy):
        """dz = dy * f'(z) through the activation, then the convolution's backward.

        dy: (N, Ho, Wo, filters) -> dx: (N, H, W, C); fills grads["kernel"], grads["bias"].
        """
        dy = self._check_upstream(dy)
        _, z, y = self._cache
        return self.backward_from_preactivation(activation_backward(self, dy, z, y))

    def backward_from_preactivation(self, dz):
        """dkernel = sum over windows of window * dz, dbias = sum of dz, dx = dz spread back.

        dz = dL/dz: (N, Ho, Wo, filters) -> dx: (N, H, W, C)
        (``nnedu.conv.conv2d_backward``), or None if not ``needs_input_gradient``.
        Adds the regularizer's gradient to dkernel.
        """
        dz = self._check_upstream(dz)
        dx, dkernel, dbias = conv_ops.conv2d_backward(dz, self._cache[0],
                                                      self.needs_input_gradient)
        self.grads["kernel"] = self._with_penalty_gradient(dkernel)
        if self.use_bias:
            self.grads["bias"] = dbias
        return dx

    def get_config(self):
        config = super().get_config()
        config.update(filters=self.filters, kernel_size=list(self.kernel_size),
                      strides=list(self.strides), padding=self.padding,
                      **kernel_options_config(self))
        return config


def image_hw(layer, input_shape, window=None):
    """(H, W) of an image input_shape (H, W, C), or a ValueError that says what is wrong.

    With a ``window`` (kh, kw) and padding "valid", the window must fit in the image.
    """
    kind = type(layer).__name__
    if len(input_shape) != 3:
        raise ValueError(f"{kind} '{layer.name}' expects images of shape (height, width, "
                         f"channels), but was given input_shape={input_shape}; reshape the "
                         f"data to (N, H, W, C), e.g. x.reshape(-1, 28, 28, 1).")
    height, width = check_int(input_shape[0], "height"), check_int(input_shape[1], "width")
    if window is not None and getattr(layer, "padding", "valid") == "valid" and (
            height < window[0] or width < window[1]):
        raise ValueError(f"{kind} '{layer.name}': a {window[0]}x{window[1]} window does not fit "
                         f"in images of {height}x{width} pixels with padding 'valid'.")
    return height, width

"""Pooling: summarize each window of an image by one number, channel by channel.

MaxPooling2D keeps the largest value of each pool_size window, AveragePooling2D
its mean; with the default 2x2 windows and strides 2 both halve the height
and the width. They have no weights: they make the image smaller (less
computation further up) and a little insensitive to where exactly a feature
is. Backward sends each dy back into its window: all of it to the position of
the maximum (max), or an equal share to every pixel (average).

The global versions pool over the WHOLE image: one number per channel,
(N, H, W, C) -> (N, C), as Keras' GlobalAveragePooling2D / GlobalMaxPooling2D.
A network that ends its convolutions with a global average instead of Flatten
has far fewer weights in its classifier: C per unit instead of H * W * C.
"""

from nnedu import conv as conv_ops
from nnedu._validate import check_bool, check_choice, check_pair
from nnedu.backend import copy, xp
from nnedu.layers.base import Layer
from nnedu.layers.convolutional import image_hw


class _Pooling2D(Layer):
    """Shared part of MaxPooling2D and AveragePooling2D: sizes, shapes and config."""

    def __init__(self, pool_size=2, strides=None, padding="valid", name=None,
                 input_shape=None):
        super().__init__(name=name, input_shape=input_shape)
        self.pool_size = check_pair(pool_size, "pool_size")
        self.strides = check_pair(strides if strides is not None else pool_size, "strides")
        check_choice(padding, conv_ops.PADDINGS, "padding")
        self.padding = padding
        self._build_if_given()

    def compute_output_shape(self, input_shape):
        height, width = image_hw(self, input_shape, self.pool_size)
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
    so the default 2x2 pooling halves height and width.
    """

    base_name = "max_pooling2d"

    def forward(self, x, training=False):
        """y[n, i, j, c] = max of x[n, window (i, j), c] (``nnedu.conv.maxpool_forward``).

        x: (N, H, W, C) -> y: (N, Ho, Wo, C). Cache: the pooling's cache (masks
        of where each window's maximum improved, to find where it was).
        """
        x = self._check_input(x)
        y, self._cache = conv_ops.maxpool_forward(x, self.pool_size, self.strides,
                                                  self.padding)
        return y

    def backward(self, dy):
        """Each dy goes to the position of its window's maximum (the first one, on ties).

        dy: (N, Ho, Wo, C) -> dx: (N, H, W, C) (``nnedu.conv.maxpool_backward``).
        """
        return conv_ops.maxpool_backward(self._check_upstream(dy), self._cache)


class AveragePooling2D(_Pooling2D):
    """Average pooling: the mean of each pool_size window, per channel. No weights.

    x: (N, H, W, C) -> y: (N, Ho, Wo, C). With padding "same" a window
    overlapping the border averages only its real pixels (as Keras does).
    """

    base_name = "average_pooling2d"

    def forward(self, x, training=False):
        """y[n, i, j, c] = mean of x[n, window (i, j), c] (``nnedu.conv.avgpool_forward``).

        x: (N, H, W, C) -> y: (N, Ho, Wo, C). Cache: the pooling's cache (the
        shapes, and the number of pixels in each window).
        """
        x = self._check_input(x)
        y, self._cache = conv_ops.avgpool_forward(x, self.pool_size, self.strides,
                                                  self.padding)
        return y

    def backward(self, dy):
        """Each dy is shared equally by the pixels of its window: dy / count to each.

        dy: (N, Ho, Wo, C) -> dx: (N, H, W, C) (``nnedu.conv.avgpool_backward``).
        """
        return conv_ops.avgpool_backward(self._check_upstream(dy), self._cache)


class _GlobalPooling2D(Layer):
    """Shared part of the global poolings: the (C,) or (1, 1, C) output shape, keepdims."""

    def __init__(self, keepdims=False, name=None, input_shape=None):
        super().__init__(name=name, input_shape=input_shape)
        self.keepdims = check_bool(keepdims, "keepdims")
        self._build_if_given()

    def compute_output_shape(self, input_shape):
        image_hw(self, input_shape)
        channels = input_shape[2]
        return (1, 1, channels) if self.keepdims else (channels,)

    def get_config(self):
        config = super().get_config()
        config.update(keepdims=self.keepdims)
        return config


class GlobalAveragePooling2D(_GlobalPooling2D):
    """The mean of each channel over the whole image: (N, H, W, C) -> (N, C). No weights.

    ``keepdims=True`` keeps the pixel axes: (N, 1, 1, C), as in Keras.

    >>> import numpy as np
    >>> GlobalAveragePooling2D().forward(np.arange(8.0).reshape(1, 2, 2, 2))
    array([[3., 4.]])
    """

    base_name = "global_average_pooling2d"

    def forward(self, x, training=False):
        """y[n, c] = (1 / (H W)) sum over i, j of x[n, i, j, c].

        x: (N, H, W, C) -> y: (N, C) (or (N, 1, 1, C) with keepdims). Cache: x's shape.
        """
        x = self._check_input(x)
        self._cache = x.shape
        return xp.mean(x, axis=(1, 2), keepdims=self.keepdims)

    def backward(self, dy):
        """Every pixel had weight 1 / (H W) in its channel's mean: dx[n, i, j, c] = dy[n, c] / (H W).

        dy: (N, C) (or (N, 1, 1, C)) -> dx: (N, H, W, C).
        """
        dy = self._check_upstream(dy)
        n, height, width, channels = self._cache
        share = xp.reshape(dy, (n, 1, 1, channels)) / (height * width)
        return copy(xp.broadcast_to(share, self._cache))


class GlobalMaxPooling2D(_GlobalPooling2D):
    """The largest value of each channel over the whole image: (N, H, W, C) -> (N, C).

    ``keepdims=True`` keeps the pixel axes: (N, 1, 1, C), as in Keras. No weights.

    >>> import numpy as np
    >>> GlobalMaxPooling2D().forward(np.arange(8.0).reshape(1, 2, 2, 2))
    array([[6., 7.]])
    """

    base_name = "global_max_pooling2d"

    def forward(self, x, training=False):
        """y[n, c] = max over i, j of x[n, i, j, c].

        x: (N, H, W, C) -> y: (N, C) (or (N, 1, 1, C) with keepdims). Cache:
        ``is_max`` (N, H, W, C), 1.0 where x equals its channel's maximum, else 0.0.
        """
        x = self._check_input(x)
        y = xp.max(x, axis=(1, 2), keepdims=True)             # (N, 1, 1, C)
        self._cache = xp.astype(x == y, x.dtype)
        return y if self.keepdims else xp.reshape(y, (x.shape[0], x.shape[3]))

    def backward(self, dy):
        """dy goes to the position of the maximum; on a tie it is shared equally (as Keras).

        dx[n, i, j, c] = dy[n, c] * is_max[n, i, j, c] / (number of maxima of (n, c)).
        dy: (N, C) (or (N, 1, 1, C)) -> dx: (N, H, W, C).
        """
        dy = self._check_upstream(dy)
        is_max = self._cache
        n, _, _, channels = is_max.shape
        count = xp.sum(is_max, axis=(1, 2), keepdims=True)   # 1 unless there is a tie
        return is_max * (xp.reshape(dy, (n, 1, 1, channels)) / count)

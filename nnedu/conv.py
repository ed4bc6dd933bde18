"""Convolution and pooling on images, twice: naive loops to read, vectorized code to use.

Images are channels-last, as in Keras: a batch ``x`` has shape (N, H, W, C)
(samples, rows, columns, channels). A convolution kernel has shape
(kh, kw, C, F): one kh x kw x C filter for each of the F output channels.

Cross-correlation, not convolution. What CNN libraries (Keras, PyTorch, and
this one) call "convolution" slides the kernel over the image WITHOUT flipping
it: on the image [[1, 2], [3, 4]] the kernel [[a, b], [c, d]] gives
a + 2b + 3c + 4d. The convolution of mathematics flips the kernel first and
gives 4a + 3b + 2c + d. Since the kernel is learned, the flip does not matter.

Output size of a window of size f slid with stride s over n pixels with p
zeros added on each side: floor((n + 2p - f) / s) + 1. "valid" means p = 0
(n - f + 1 at stride 1); "same" pads just enough that the output has
ceil(n / s) pixels, which keeps n at stride 1 (see ``output_size``).

Every operation comes as a forward/backward pair, in two versions that take
and return the same things, so that one can replace the other (as in
cs231n's ``conv_forward_naive`` and ``conv_forward_fast``)::

    y, cache = conv2d_forward_naive(x, kernel, bias, stride, padding)   # loops
    y, cache = conv2d_forward(x, kernel, bias, stride, padding)         # fast
    dx, dkernel, dbias = conv2d_backward(dy, cache)    # (or conv2d_backward_naive)

The cache is whatever the backward pass needs; only the matching backward
reads it. Likewise ``maxpool_forward[_naive]`` / ``maxpool_backward[_naive]``
and ``avgpool_forward[_naive]`` / ``avgpool_backward[_naive]``.

The naive functions loop over every output number: slow (seconds for a real
batch), but each line is the formula. The vectorized ones compute the same
numbers with a few large array operations:

- im2col: copy the pixel under position (a, b, c) of every window into row
  (a, b, c) of a matrix ``cols`` (kh*kw*C rows, one column per output
  pixel, N*Ho*Wo of them). The whole convolution is then ONE matrix product,
  y = cols^T @ kernel.reshape(kh*kw*C, F). The bias rides along as a last
  row of ones in cols (cs231n's "bias trick").
- backward: dkernel = cols @ dy, dcols = kernel @ dy^T, and ``col2im``
  adds the gradient of every window copy back onto the pixel it came from:
  the same kh*kw slices as im2col, with += instead of =. A network's first
  layer skips dx (``input_gradient=False``): nothing below it learns.
- memory layout: the copies are what cost, and a copy is fast when it moves
  long runs of neighbouring numbers. With few channels (C < MANY_CHANNELS)
  the images are copied channels-first, (C, N, H, W), so that each slice
  moves whole image rows. With many channels a pixel's C numbers are the
  long run: the windows are read channels-last straight from x
  (``window_view``), cols is the (N*Ho*Wo, kh*kw*C) transpose of the matrix
  above, and dx is built one window position at a time, dy @ kernel[a, b]^T
  added onto its slice of pixels. Both give the same numbers.
- pooling: loop over the ph*pw positions INSIDE a window (4 for 2x2), each
  a strided slice of the whole batch, combined with a maximum or a sum.
  Backward sends dy to the slice that held the maximum (or spreads it).

Arrays are made through ``nnedu.backend.xp``, and the work is slicing, matrix
products and elementwise operations, so the same code runs on any array-API
module (CuPy on a GPU; the tests run it under array-api-strict). On NumPy
arrays a few steps take a faster NumPy-only road (``_is_numpy``; CuPy and the
others take the generic one, which suits a GPU well): the windows
as a strided view (``window_view``) instead of stacked slices, and products
written into a preallocated result (``out=``) a block at a time. Both roads
give the same numbers. The inputs are checked for shape and type only, never
scanned for nan: a model checks its data once, at its boundary.
float32 and float64 inputs keep their type; other numbers become ``nnedu.config.floatx()``.

>>> x = xp.arange(16.0).reshape(1, 4, 4, 1)
>>> y, cache = conv2d_forward(x, xp.ones((2, 2, 1, 1)), stride=2)
>>> y[0, :, :, 0]
array([[10., 18.],
       [42., 50.]])
"""

import numpy
from numpy.lib.stride_tricks import as_strided

from nnedu._validate import as_numbers, check_int, check_pair
from nnedu.backend import copy, xp

PADDINGS = ("valid", "same")


# ------------------------------------------------------------------ sizes


def output_size(n, f, padding="valid", stride=1):
    """Number of output pixels along one axis: floor((n + 2p - f) / s) + 1.

    n: input size, f: window (kernel or pool) size, s: stride.
    ``padding`` is "valid" (p = 0), "same" (Keras: the output has ceil(n / s)
    pixels, however large f is) or an int p (zeros added on EACH side).

    >>> output_size(28, 3), output_size(28, 3, "same"), output_size(28, 2, "valid", 2)
    (26, 28, 14)
    """
    for value, what in ((n, "n"), (f, "f"), (stride, "stride")):
        check_int(value, what, minimum=1)
    if padding == "same":
        return -(-n // stride)  # ceil(n / stride)
    if padding == "valid":
        p = 0
    elif isinstance(padding, str):
        raise ValueError(f"padding must be 'valid', 'same' or an int, but got {padding!r}")
    else:
        p = check_int(padding, "padding", minimum=0)
    if n + 2 * p < f:
        raise ValueError(f"a window of size {f} does not fit in {n} pixels padded with {p} "
                         f"on each side (n + 2p = {n + 2 * p} < f)")
    return (n + 2 * p - f) // stride + 1


def pad_amounts(n, f, padding="valid", stride=1):
    """Zeros added (before, after) along one axis for "valid" or "same" padding (Keras' rule).

    "same": total = max((ceil(n / s) - 1) * s + f - n, 0) so that ceil(n / s)
    windows fit; before = total // 2 and after = total - before, so an ODD
    total puts the extra zero at the end (bottom / right), as Keras does.

    >>> pad_amounts(28, 3, "same"), pad_amounts(28, 2, "same"), pad_amounts(28, 3)
    ((1, 1), (0, 1), (0, 0))
    """
    _check_padding(padding)
    if padding == "valid":
        return 0, 0
    out = output_size(n, f, "same", stride)
    total = max((out - 1) * stride + f - n, 0)
    return total // 2, total - total // 2


# ------------------------------------------------------------------ naive loops


def conv2d_forward_naive(x, kernel, bias=None, stride=1, padding="valid"):
    """2-D cross-correlation with explicit loops (for reading and checking; slow).

    y[n, i, j, f] = bias[f] + sum over (a, b, c) of
                    x_pad[n, i*sh + a, j*sw + b, c] * kernel[a, b, c, f],
    where x_pad is x with the padding zeros added.

    Inputs:
    - x: (N, H, W, C) images
    - kernel: (kh, kw, C, F), one kh x kw x C filter per output channel
    - bias: (F,), or None for no bias
    - stride: int or pair (sh, sw); padding: "valid" or "same"
    Returns (y, cache):
    - y: (N, Ho, Wo, F), with Ho = output_size(H, kh, padding, sh), Wo likewise
    - cache: (x, kernel, (sh, sw), padding), for ``conv2d_backward_naive``
    """
    x, kernel, bias = _check_conv_args(x, kernel, bias)
    (sh, sw), (kh, kw, _, filters) = check_pair(stride, "stride"), kernel.shape
    x_pad, _ = _pad(x, kh, kw, (sh, sw), padding)
    n_samples, out_h, out_w = x.shape[0], *_out_hw(x_pad.shape[1:3], kh, kw, (sh, sw))
    y = xp.zeros((n_samples, out_h, out_w, filters), dtype=x.dtype)
    for n in range(n_samples):
        for i in range(out_h):
            for j in range(out_w):
                window = x_pad[n, i * sh:i * sh + kh, j * sw:j * sw + kw, :]  # (kh, kw, C)
                for f in range(filters):
                    y[n, i, j, f] = xp.sum(window * kernel[:, :, :, f]) + bias[f]
    return y, (x, kernel, (sh, sw), padding)


def conv2d_backward_naive(dy, cache, input_gradient=True):
    """Gradients of ``conv2d_forward_naive`` with explicit loops: (dx, dkernel, dbias).

    Each output y[n, i, j, f] used one window of x_pad and filter f, so its
    gradient g = dy[n, i, j, f] flows back to both:
    dkernel[:, :, :, f] += g * window,  dx_pad[window] += g * kernel[:, :, :, f],
    dbias[f] += g.

    Inputs:
    - dy: (N, Ho, Wo, F), the gradient of the loss with respect to y
    - cache: from ``conv2d_forward_naive``
    - input_gradient: False skips dx (returned as None), e.g. for a network's
      first layer, below which nothing needs it
    Returns dx: (N, H, W, C), dkernel: (kh, kw, C, F), dbias: (F,).
    """
    x, kernel, (sh, sw), padding = cache
    kh, kw, _, filters = kernel.shape
    x_pad, (top, left) = _pad(x, kh, kw, (sh, sw), padding)
    dy = _check_upstream(dy, (x.shape[0], *_out_hw(x_pad.shape[1:3], kh, kw, (sh, sw)),
                              filters), x.dtype)
    dx_pad, dkernel = xp.zeros_like(x_pad), xp.zeros_like(kernel)
    dbias = xp.zeros(filters, dtype=x.dtype)
    for n in range(dy.shape[0]):
        for i in range(dy.shape[1]):
            for j in range(dy.shape[2]):
                rows, cols = slice(i * sh, i * sh + kh), slice(j * sw, j * sw + kw)
                for f in range(filters):
                    g = dy[n, i, j, f]
                    dkernel[:, :, :, f] += g * x_pad[n, rows, cols, :]
                    if input_gradient:
                        dx_pad[n, rows, cols, :] += g * kernel[:, :, :, f]
                    dbias[f] += g
    if not input_gradient:
        return None, dkernel, dbias
    return dx_pad[:, top:top + x.shape[1], left:left + x.shape[2], :], dkernel, dbias


def maxpool_forward_naive(x, pool_size=2, stride=None, padding="valid"):
    """Max pooling with explicit loops: y[n, i, j, c] = the largest of window (i, j), channel c.

    Inputs: x: (N, H, W, C); pool_size: int or (ph, pw); stride: int, pair or
    None for ``pool_size`` (Keras); padding: "valid" or "same" (padded
    positions are never the maximum).
    Returns (y, cache): y: (N, Ho, Wo, C); cache: (x, (ph, pw), (sh, sw), padding).
    """
    return _pool_forward_naive(x, pool_size, stride, padding, xp.max)


def maxpool_backward_naive(dy, cache):
    """Gradient of max pooling, with loops: each dy goes to the position of its window's max.

    If several positions share the max, the first one in row-major order gets
    it (as PyTorch does). dy: (N, Ho, Wo, C), cache from
    ``maxpool_forward_naive`` -> dx: (N, H, W, C).
    """
    x, pool, stride, padding = cache
    dy = _check_upstream(dy, (x.shape[0], *_pool_out_hw(x, pool, stride, padding), x.shape[3]),
                         x.dtype)
    dx = xp.zeros_like(x)
    for n, i, j, rows, cols in _pool_windows(x, pool, stride, padding):
        for c in range(x.shape[3]):
            window = x[n, rows, cols, c]
            a, b = divmod(int(xp.argmax(window)), window.shape[1])  # row, column of the max
            dx[n, rows.start + a, cols.start + b, c] += dy[n, i, j, c]
    return dx


def avgpool_forward_naive(x, pool_size=2, stride=None, padding="valid"):
    """Average pooling with explicit loops: y[n, i, j, c] = the mean of window (i, j), channel c.

    Same inputs as ``maxpool_forward_naive``. With "same" padding the mean is
    over the real pixels of the window only (padding is not counted), as in Keras.
    Returns (y, cache): y: (N, Ho, Wo, C); cache: (x, (ph, pw), (sh, sw), padding).
    """
    return _pool_forward_naive(x, pool_size, stride, padding, xp.mean)


def avgpool_backward_naive(dy, cache):
    """Gradient of average pooling, with loops: dy / count goes to each of the count pixels.

    dy: (N, Ho, Wo, C), cache from ``avgpool_forward_naive`` -> dx: (N, H, W, C).
    """
    x, pool, stride, padding = cache
    dy = _check_upstream(dy, (x.shape[0], *_pool_out_hw(x, pool, stride, padding), x.shape[3]),
                         x.dtype)
    dx = xp.zeros_like(x)
    for n, i, j, rows, cols in _pool_windows(x, pool, stride, padding):
        count = (rows.stop - rows.start) * (cols.stop - cols.start)
        dx[n, rows, cols, :] += dy[n, i, j, :] / count
    return dx


def _pool_forward_naive(x, pool_size, stride, padding, reduce):
    x = _check_images(x)
    pool, stride = _pool_args(pool_size, stride)
    y = xp.zeros((x.shape[0], *_pool_out_hw(x, pool, stride, padding), x.shape[3]),
                 dtype=x.dtype)
    for n, i, j, rows, cols in _pool_windows(x, pool, stride, padding):
        for c in range(x.shape[3]):
            y[n, i, j, c] = reduce(x[n, rows, cols, c])
    return y, (x, pool, stride, padding)


def _pool_windows(x, pool, stride, padding):
    """Yield (n, i, j, rows, cols): each output position and its window, clipped to x."""
    (ph, pw), (sh, sw) = pool, stride
    height, width = x.shape[1], x.shape[2]
    top, left = pad_amounts(height, ph, padding, sh)[0], pad_amounts(width, pw, padding, sw)[0]
    out_h, out_w = _pool_out_hw(x, pool, stride, padding)
    for n in range(x.shape[0]):
        for i in range(out_h):
            r0 = i * sh - top
            rows = slice(max(r0, 0), min(r0 + ph, height))
            for j in range(out_w):
                c0 = j * sw - left
                yield n, i, j, rows, slice(max(c0, 0), min(c0 + pw, width))


# ------------------------------------------------------------------ im2col / col2im


def im2col(x_pad, kh, kw, stride=1, out=None):
    """Copy every kh x kw window of the padded images into one column: cols (kh*kw*C, N*Ho*Wo).

    cols[(a, b, c), (n, i, j)] = x_pad[c, n, i*sh + a, j*sw + b]: row (a, b, c)
    holds what lies under position (a, b) of the window, channel c, for every
    output pixel (n, i, j). The rows are in the order of
    ``kernel.reshape(kh*kw*C, F)``, so ``cols.T @ kernel.reshape(-1, F)`` is
    the whole convolution. One slice copy per window position (a, b).

    x_pad: (C, N, Hp, Wp), padded and channels-first (see ``_pad_channels_first``).
    out: None, or (NumPy) a C-contiguous (kh*kw*C, N*Ho*Wo) array to write cols into.
    """
    x_pad = xp.asarray(x_pad)
    (sh, sw), (channels, n, height, width) = check_pair(stride, "stride"), x_pad.shape
    out_h, out_w = _out_hw((height, width), kh, kw, (sh, sw))
    parts = [x_pad[:, :, _span(a, out_h, sh), _span(b, out_w, sw)]   # (C, N, Ho, Wo) each
             for a in range(kh) for b in range(kw)]
    if out is None:
        return xp.reshape(xp.stack(parts), (kh * kw * channels, n * out_h * out_w))
    cols = out.reshape(kh * kw, channels, n, out_h, out_w)  # a view of out
    for position, part in enumerate(parts):
        cols[position] = part
    return out


def col2im(dcols, x_pad_shape, kh, kw, stride=1):
    """im2col backwards: add the gradient of every window copy back onto its pixel.

    A pixel lies in several windows, so its gradient is the SUM of the
    gradients of all its copies:
    dx_pad[c, n, i*sh + a, j*sw + b] += dcols[(a, b, c), (n, i, j)],
    done as one slice addition per window position (a, b), the same slices
    that ``im2col`` copied.

    dcols: (kh*kw*C, N*Ho*Wo), im2col's layout
    -> dx_pad: x_pad_shape = (C, N, Hp, Wp), channels-first.
    """
    (sh, sw), (channels, n, height, width) = check_pair(stride, "stride"), x_pad_shape
    out_h, out_w = _out_hw((height, width), kh, kw, (sh, sw))
    dcols = xp.reshape(xp.asarray(dcols), (kh, kw, channels, n, out_h, out_w))
    dx_pad = xp.zeros(x_pad_shape, dtype=dcols.dtype)
    for a in range(kh):
        for b in range(kw):
            dx_pad[:, :, _span(a, out_h, sh), _span(b, out_w, sw)] += dcols[a, b, ...]
    return dx_pad


def window_view(x_pad, kh, kw, stride=1):
    """Every kh x kw window of channels-last images, as a view (no copy): (N, Ho, Wo, kh, kw, C).

    view[n, i, j, a, b, c] = x_pad[n, i*sh + a, j*sw + b, c], built by giving
    the same memory new strides: one step along j moves sw columns, one step
    along b moves one column. ``view.reshape(N*Ho*Wo, kh*kw*C)`` is im2col in
    the channels-last layout (one copy). Read-only, as the windows overlap.
    NumPy only (CuPy has as_strided too; the array API has no strides).
    x_pad: (N, Hp, Wp, C), already padded.
    """
    (sh, sw), (n, height, width, channels) = check_pair(stride, "stride"), x_pad.shape
    out_h, out_w = _out_hw((height, width), kh, kw, (sh, sw))
    s_n, s_h, s_w, s_c = x_pad.strides
    return as_strided(x_pad, shape=(n, out_h, out_w, kh, kw, channels),
                      strides=(s_n, s_h * sh, s_w * sw, s_h, s_w, s_c), writeable=False)


def _stacked_windows(x_pad, kh, kw, stride):
    """im2col in the channels-last layout: cols (N*Ho*Wo, kh*kw*C), one ROW per output pixel.

    cols[(n, i, j), (a, b, c)] = x_pad[n, i*sh + a, j*sw + b, c], from the
    kh*kw slices of the window positions stacked (as ``im2col`` does), for any
    array module; ``_windows_times_kernel`` uses ``window_view`` on NumPy.
    x_pad: (N, Hp, Wp, C), padded.
    """
    (sh, sw), (n, height, width, channels) = stride, x_pad.shape
    out_h, out_w = _out_hw((height, width), kh, kw, stride)
    windows = xp.stack([x_pad[:, _span(a, out_h, sh), _span(b, out_w, sw), :]
                        for a in range(kh) for b in range(kw)], axis=3)  # (N, Ho, Wo, kh*kw, C)
    return xp.reshape(windows, (n * out_h * out_w, kh * kw * channels))


# ------------------------------------------------------------------ vectorized convolution

# Copying windows is what costs, and a copy is fast when it moves long runs of
# neighbouring numbers. With few channels the runs are image rows, so the
# images are copied channels-first (C, N, H, W); from this many channels on,
# a pixel's C channels are a long enough run and the channels-last layout
# (N, H, W, C), which needs no transposing, is faster (measured in PERF.md's shapes).
MANY_CHANNELS = 8
CACHE_BLOCK = 2 ** 15  # numbers of dy (256 KiB in float64) handled at a time for dx
COL2IM_BLOCK = 2 ** 17  # numbers of dy (1 MiB) per block of the channels-first dx
# The matrix products with cols are taken this many output pixels (columns of
# cols, or rows in the channels-last layout) at a time: the same sums, but
# OpenBLAS runs these narrow products up to 25 % faster on blocks that stay in
# the CPU cache.
GEMM_BLOCK = 4096
# In the channels-last forward pass, cols is copied and multiplied about this
# many rows (whole samples) at a time, while the copy is still in the cache.
WINDOW_ROWS = 256


def conv2d_forward(x, kernel, bias=None, stride=1, padding="valid"):
    """Vectorized 2-D cross-correlation: im2col and one matrix product.

    y = cols^T @ K + bias, with cols = im2col(x padded), one column per output
    pixel and one row per (a, b, c) of the window, and K = kernel as a
    (kh*kw*C, F) matrix. Same inputs and outputs as ``conv2d_forward_naive``:

    Inputs:
    - x: (N, H, W, C), kernel: (kh, kw, C, F), bias: (F,) or None
    - stride: int or pair (sh, sw); padding: "valid" or "same"
    Returns (y, cache):
    - y: (N, Ho, Wo, F)
    - cache: (cols, kernel, x.shape, x_pad.shape, (top, left), (sh, sw)), for
      ``conv2d_backward``; cols is kept because dkernel needs it. With fewer
      than MANY_CHANNELS channels, x_pad is channels-first and cols is
      (kh*kw*C + 1, N*Ho*Wo), with a last row of ones for the bias
      (cs231n's "bias trick": y = [cols; 1]^T @ [K; bias]); otherwise x_pad is
      channels-last and cols is the (N*Ho*Wo, kh*kw*C) matrix of ``window_view``.
    """
    x, kernel, bias = _check_conv_args(x, kernel, bias)
    stride = check_pair(stride, "stride")
    if x.shape[3] >= MANY_CHANNELS:
        return _forward_channels_last(x, kernel, bias, stride, padding)
    return _forward_channels_first(x, kernel, bias, stride, padding)


def conv2d_backward(dy, cache, input_gradient=True):
    """Gradients of ``conv2d_forward``: (dx, dkernel, dbias), as ``conv2d_backward_naive``.

    With dy2 = dy as an (N*Ho*Wo, F) matrix and K = kernel as (kh*kw*C, F):
    dkernel = cols @ dy2, dbias = the sum of dy2's rows, and
    dx = col2im(K @ dy2^T) without the padding.

    Inputs: dy: (N, Ho, Wo, F); cache from ``conv2d_forward``; input_gradient:
    False skips dx (returned as None), which a network's first layer does not
    need (nothing below it learns).
    Returns dx: (N, H, W, C), dkernel: (kh, kw, C, F), dbias: (F,).
    """
    channels = cache[1].shape[2]  # the kernel's C decided the layout, as in conv2d_forward
    if channels >= MANY_CHANNELS:
        return _backward_channels_last(dy, cache, input_gradient)
    return _backward_channels_first(dy, cache, input_gradient)


def _forward_channels_first(x, kernel, bias, stride, padding):
    """conv2d_forward for few channels: x_pad (C, N, Hp, Wp), cols (kh*kw*C + 1, N*Ho*Wo)."""
    kh, kw, _, filters = kernel.shape
    x_pad, pads = _pad_channels_first(x, kh, kw, stride, padding)   # (C, N, Hp, Wp)
    out_h, out_w = _out_hw(x_pad.shape[2:], kh, kw, stride)
    cols = _im2col_with_ones(x_pad, kh, kw, stride)                # [cols; 1]
    weights = xp.concat([xp.reshape(kernel, (-1, filters)),
                         xp.reshape(bias, (1, filters))])           # [K; bias]
    y = _matmul(cols.T, weights)                                    # (N*Ho*Wo, F)
    cache = (cols, kernel, x.shape, x_pad.shape, pads, stride)
    return xp.reshape(y, (x.shape[0], out_h, out_w, filters)), cache


def _backward_channels_first(dy, cache, input_gradient):
    """[dkernel; dbias] = [cols; 1] @ dy2 (the row of ones sums dy2), dx = col2im(K @ dy2^T)."""
    cols, kernel, x_shape, x_pad_shape, (top, left), stride = cache
    kh, kw, _, filters = kernel.shape
    out_hw = _out_hw(x_pad_shape[2:], kh, kw, stride)
    dy = _check_upstream(dy, (x_shape[0], *out_hw, filters), cols.dtype)
    dy2 = xp.reshape(dy, (-1, filters))                             # (N*Ho*Wo, F)
    dweights = _matmul_sum(cols, dy2)                               # (kh*kw*C + 1, F)
    dkernel, dbias = xp.reshape(dweights[:-1, :], kernel.shape), dweights[-1, :]
    if not input_gradient:
        return None, dkernel, dbias
    return _input_gradient_channels_first(dy2, kernel, x_shape, x_pad_shape, (top, left),
                                          stride), dkernel, dbias


def _input_gradient_channels_first(dy2, kernel, x_shape, x_pad_shape, pads, stride):
    """dx = col2im(K @ dy2^T) without the padding, a few samples at a time.

    Taken whole, K @ dy2^T is a (kh*kw*C, N*Ho*Wo) matrix of many megabytes;
    block by block it stays in the CPU cache and col2im reads it from there.
    dy2: (N*Ho*Wo, F), kernel: (kh, kw, C, F) -> dx: x_shape = (N, H, W, C).
    """
    kh, kw, channels, filters = kernel.shape
    (n, height, width, _), (top, left) = x_shape, pads
    per_sample = dy2.shape[0] // n                                  # Ho*Wo
    k2 = xp.reshape(kernel, (-1, filters))                          # (kh*kw*C, F)
    dx = xp.empty(x_shape, dtype=dy2.dtype)
    step = max(1, COL2IM_BLOCK // (per_sample * filters))           # samples per block
    for start in range(0, n, step):
        stop = min(start + step, n)
        dcols = k2 @ dy2[start * per_sample:stop * per_sample, :].T  # (kh*kw*C, samples*Ho*Wo)
        dx_pad = col2im(dcols, (channels, stop - start, *x_pad_shape[2:]), kh, kw, stride)
        dx[start:stop, ...] = xp.permute_dims(
            dx_pad[:, :, top:top + height, left:left + width], (1, 2, 3, 0))
    return dx


def _forward_channels_last(x, kernel, bias, stride, padding):
    """conv2d_forward for many channels: x_pad (N, Hp, Wp, C), cols (N*Ho*Wo, kh*kw*C)."""
    kh, kw, _, filters = kernel.shape
    x_pad, pads = _pad(x, kh, kw, stride, padding)                 # (N, Hp, Wp, C)
    out_h, out_w = _out_hw(x_pad.shape[1:3], kh, kw, stride)
    cols, y = _windows_times_kernel(x_pad, kernel, stride)         # y = cols @ K: (N*Ho*Wo, F)
    y += bias
    cache = (cols, kernel, x.shape, x_pad.shape, pads, stride)
    return xp.reshape(y, (x.shape[0], out_h, out_w, filters)), cache


def _backward_channels_last(dy, cache, input_gradient):
    """dkernel = cols^T @ dy2, dbias = 1^T @ dy2, dx = col2im(dy2 @ K^T), channels-last."""
    cols, kernel, x_shape, x_pad_shape, (top, left), stride = cache
    kh, kw, _, filters = kernel.shape
    out_hw = _out_hw(x_pad_shape[1:3], kh, kw, stride)
    dy = _check_upstream(dy, (x_shape[0], *out_hw, filters), cols.dtype)
    dy2 = xp.reshape(dy, (-1, filters))                            # (N*Ho*Wo, F)
    dkernel_t = _matmul_sum(dy2.T, cols)            # dkernel^T: (F, kh*kw*C); dy2^T @ cols
    dkernel = xp.reshape(dkernel_t.T, kernel.shape)                # is faster than cols^T @ dy2
    dbias = xp.ones(dy2.shape[0], dtype=dy2.dtype) @ dy2           # faster than a sum
    if not input_gradient:
        return None, dkernel, dbias
    if stride == (1, 1):
        return _input_gradient_stride_1(dy, kernel, x_shape, x_pad_shape, (top, left)), \
            dkernel, dbias
    dx_pad = _input_gradient(dy, kernel, x_pad_shape, stride)      # (N, Hp, Wp, C)
    return dx_pad[:, top:top + x_shape[1], left:left + x_shape[2], :], dkernel, dbias


def _input_gradient_stride_1(dy, kernel, x_shape, x_pad_shape, pads):
    """dx at stride 1 as a convolution of its own: dy, zero-padded, with the kernel turned.

    At stride 1 the input pixel (i, j) sits under kernel position (a, b) of the
    window of output (i + top - a, j + left - b), so
    dx[n, i, j, c] = sum over a, b, f of dy[n, i + top - a, j + left - b, f] * kernel[a, b, c, f].
    With dy zero-padded by kh - 1 - top above and kh - 1 - bottom below (kw - 1 - left
    and kw - 1 - right at the sides), that is a "valid" convolution of dy with the
    kernel turned by 180 degrees, its C and F axes swapped: one window matrix and
    one product, as in the forward pass (faster than col2im's kh*kw products).
    dy: (N, Ho, Wo, F), kernel: (kh, kw, C, F) -> dx: x_shape = (N, H, W, C).
    """
    kh, kw, _, filters = kernel.shape
    n, height, width, _ = x_shape
    (top, left), (out_h, out_w) = pads, dy.shape[1:3]
    above, before = kh - 1 - top, kw - 1 - left
    dy_pad = xp.zeros((n, height + kh - 1, width + kw - 1, filters), dtype=dy.dtype)
    dy_pad[:, above:above + out_h, before:before + out_w, :] = dy
    turned = copy(xp.permute_dims(xp.flip(kernel, axis=(0, 1)), (0, 1, 3, 2)))  # (kh, kw, F, C)
    _, dx = _windows_times_kernel(dy_pad, turned, (1, 1), keep_cols=False)  # (N*H*W, C)
    return xp.reshape(dx, x_shape)


def _input_gradient(dy, kernel, x_pad_shape, stride):
    """col2im(dy2 @ K^T) in the channels-last layout, one kernel position (a, b) at a time.

    The pixels under position (a, b) of every window receive dy2 @ kernel[a, b]^T,
    an (N*Ho*Wo, C) block: the same numbers as col2im, without building the big
    (N*Ho*Wo, kh*kw*C) matrix. The batch is taken a few samples at a time so that
    the kh*kw products re-read a block of dy that is still in the CPU cache.
    dy: (N, Ho, Wo, F), kernel: (kh, kw, C, F) -> dx_pad: x_pad_shape = (N, Hp, Wp, C).
    """
    kh, kw, channels, filters = kernel.shape
    (n, out_h, out_w, _), (sh, sw) = dy.shape, stride
    dx_pad = xp.zeros(x_pad_shape, dtype=dy.dtype)
    step = max(1, CACHE_BLOCK // (out_h * out_w * filters))        # samples per block
    for start in range(0, n, step):
        rows = slice(start, min(start + step, n))
        dy2 = xp.reshape(dy[rows, ...], (-1, filters))              # (samples*Ho*Wo, F)
        for a in range(kh):
            for b in range(kw):
                grad = dy2 @ kernel[a, b, :, :].T                   # (samples*Ho*Wo, C)
                where = (rows, _span(a, out_h, sh), _span(b, out_w, sw), slice(None))
                dx_pad[where] += xp.reshape(grad, (-1, out_h, out_w, channels))
    return dx_pad


def _windows_times_kernel(x_pad, kernel, stride, keep_cols=True):
    """cols, the (N*Ho*Wo, kh*kw*C) window matrix of x_pad, and y = cols @ K: (N*Ho*Wo, F).

    K is the kernel as a (kh*kw*C, F) matrix. NumPy copies the windows of a
    few samples (WINDOW_ROWS rows of cols) at a time out of ``window_view``
    and multiplies each block while it is still in the CPU cache (about 20 %
    faster than one big copy, then one big product); with keep_cols=False
    (nothing needs cols afterwards) one block-sized buffer is reused and cols
    comes back as None. Other array modules stack the slices
    (``_stacked_windows``) and multiply once.
    """
    kh, kw, _, filters = kernel.shape
    k2 = xp.reshape(kernel, (-1, filters))
    if not _is_numpy(x_pad):
        cols = _stacked_windows(x_pad, kh, kw, stride)
        return cols, cols @ k2
    windows = window_view(x_pad, kh, kw, stride)                    # (N, Ho, Wo, kh, kw, C)
    n, out_h, out_w = windows.shape[:3]
    step = max(1, WINDOW_ROWS // (out_h * out_w))                   # samples per block
    shape = windows.shape if keep_cols else (min(step, n), *windows.shape[1:])
    cols = numpy.empty(shape, dtype=x_pad.dtype)
    y = numpy.empty((n, out_h, out_w, filters), dtype=x_pad.dtype)
    for start in range(0, n, step):
        part = slice(start, min(start + step, n))
        block = cols[part] if keep_cols else cols[:part.stop - part.start]
        block[...] = windows[part]
        numpy.matmul(block.reshape(-1, k2.shape[0]), k2, out=y[part].reshape(-1, filters))
    return (cols.reshape(-1, k2.shape[0]) if keep_cols else None), y.reshape(-1, filters)


def _im2col_with_ones(x_pad, kh, kw, stride):
    """im2col(x_pad) with a last row of ones for the bias trick: (kh*kw*C + 1, N*Ho*Wo).

    NumPy writes im2col straight into the rows above the ones; other array
    modules join the two (one more copy).
    """
    if not _is_numpy(x_pad):
        cols = im2col(x_pad, kh, kw, stride)
        return xp.concat([cols, xp.ones((1, cols.shape[1]), dtype=cols.dtype)])
    channels, n = x_pad.shape[:2]
    out_h, out_w = _out_hw(x_pad.shape[2:], kh, kw, stride)
    cols = xp.empty((kh * kw * channels + 1, n * out_h * out_w), dtype=x_pad.dtype)
    im2col(x_pad, kh, kw, stride, out=cols[:-1])
    cols[-1] = 1.0
    return cols


def _matmul(a, b):
    """a @ b; on NumPy, GEMM_BLOCK rows of a at a time, written into one result."""
    if not _is_numpy(a):
        return a @ b
    out = numpy.empty((a.shape[0], b.shape[1]), dtype=a.dtype)
    for start in range(0, a.shape[0], GEMM_BLOCK):
        part = slice(start, start + GEMM_BLOCK)
        numpy.matmul(a[part], b, out=out[part])
    return out


def _matmul_sum(a, b):
    """a @ b; on NumPy as the sum of a[:, part] @ b[part], GEMM_BLOCK columns of a at a time."""
    if not _is_numpy(a):
        return a @ b
    total = a[:, :GEMM_BLOCK] @ b[:GEMM_BLOCK]
    for start in range(GEMM_BLOCK, a.shape[1], GEMM_BLOCK):
        total += a[:, start:start + GEMM_BLOCK] @ b[start:start + GEMM_BLOCK]
    return total


def _is_numpy(a):
    """True for NumPy arrays: they take the NumPy-only road (strided views, out=)."""
    return isinstance(a, numpy.ndarray)


# ------------------------------------------------------------------ vectorized pooling


def maxpool_forward(x, pool_size=2, stride=None, padding="valid"):
    """Vectorized max pooling: y = the elementwise maximum of ph*pw strided slices of x.

    For 2x2 windows at stride 2 these are the 4 slices x[:, 0::2, 0::2],
    x[:, 0::2, 1::2], x[:, 1::2, 0::2], x[:, 1::2, 1::2], each covering the
    whole batch. On the way, ``improved[k - 1]`` marks where slice k beat the
    maximum of the slices before it (strictly: on a tie the earlier one
    stays); the backward pass reads from these masks where each maximum was.
    Same inputs and outputs as ``maxpool_forward_naive``:
    x: (N, H, W, C) -> y: (N, Ho, Wo, C) and a cache
    (x.shape, x.dtype, x_pad.shape, (top, left), improved, (ph, pw), (sh, sw))
    for ``maxpool_backward``; improved: ph*pw - 1 boolean arrays shaped like y.
    """
    x = _check_images(x)
    (ph, pw), stride = _pool_args(pool_size, stride)
    x_pad, pads = _pad(x, ph, pw, stride, padding, value=-xp.inf)
    out_h, out_w = _out_hw(x_pad.shape[1:3], ph, pw, stride)
    first, *others = _pool_slices(ph, pw, stride, out_h, out_w)
    y, improved = x_pad[first], []              # a view of x until the first maximum
    for k, where in enumerate(others):
        part = x_pad[where]
        improved.append(part > y)               # a new maximum for these windows
        y = xp.maximum(y, part) if k == 0 else _maximum(y, part)   # then in place
    y = copy(y) if not others else y            # a 1x1 pool: never hand out a view of x
    return y, (x.shape, x.dtype, x_pad.shape, pads, improved, (ph, pw), stride)


def maxpool_backward(dy, cache):
    """Gradient of max pooling: dy goes to the position that held each window's max.

    That is the LAST position k whose slice improved on the ones before it
    (position 0 if none did), which is also the FIRST position holding the
    max: on ties it gets the gradient, as in PyTorch. Going from the last
    position back, ``later`` marks the windows whose max lies further on.
    When windows do not overlap (stride >= pool size, the usual 2x2 stride 2)
    every pixel belongs to at most one window, so the gradient is written
    into dx instead of added; if the windows also tile the image exactly,
    every pixel is written once and dx needs no zeros to start from.
    dy: (N, Ho, Wo, C), cache from ``maxpool_forward`` -> dx: (N, H, W, C).
    """
    x_shape, dtype, x_pad_shape, (top, left), improved, (ph, pw), (sh, sw) = cache
    out_h, out_w = _out_hw(x_pad_shape[1:3], ph, pw, (sh, sw))
    dy = _check_upstream(dy, (x_shape[0], out_h, out_w, x_shape[3]), dtype)
    overlap = sh < ph or sw < pw
    tiled = not overlap and x_pad_shape[1:3] == (out_h * ph, out_w * pw)
    dx_pad = (xp.empty if tiled else xp.zeros)(x_pad_shape, dtype=dy.dtype)
    slices = list(_pool_slices(ph, pw, (sh, sw), out_h, out_w))
    later = xp.zeros(dy.shape, dtype=xp.bool)   # the window's max lies further on
    for k in range(len(slices) - 1, -1, -1):
        here = ~later if k == 0 else improved[k - 1] & ~later
        _put(dx_pad, slices[k], dy, here, add=overlap)
        if k > 0:
            later = later | improved[k - 1]
    return dx_pad[:, top:top + x_shape[1], left:left + x_shape[2], :]


def avgpool_forward(x, pool_size=2, stride=None, padding="valid"):
    """Vectorized average pooling: the sum of ph*pw strided slices of x, divided by the count.

    The count is ph*pw, or with "same" padding the number of real pixels in
    each window (the window sums of an image of ones). Same inputs and
    outputs as ``avgpool_forward_naive``: x: (N, H, W, C) -> y: (N, Ho, Wo, C)
    and a cache (x.shape, x_pad.shape, (top, left), counts, (ph, pw), (sh, sw)).
    """
    x = _check_images(x)
    (ph, pw), stride = _pool_args(pool_size, stride)
    x_pad, pads = _pad(x, ph, pw, stride, padding)
    out_h, out_w = _out_hw(x_pad.shape[1:3], ph, pw, stride)
    ones = _pad(xp.ones((1, x.shape[1], x.shape[2], 1), dtype=x.dtype), ph, pw, stride,
                padding)[0]
    counts = _window_sums(ones, ph, pw, stride, out_h, out_w)          # (1, Ho, Wo, 1)
    y = _window_sums(x_pad, ph, pw, stride, out_h, out_w) / counts
    return y, (x.shape, x_pad.shape, pads, counts, (ph, pw), stride)


def avgpool_backward(dy, cache):
    """Gradient of average pooling: each window's dy / count is added to every pixel of it.

    dy: (N, Ho, Wo, C), cache from ``avgpool_forward`` -> dx: (N, H, W, C).
    """
    x_shape, x_pad_shape, (top, left), counts, (ph, pw), (sh, sw) = cache
    out_h, out_w = counts.shape[1:3]
    share = _check_upstream(dy, (x_shape[0], out_h, out_w, x_shape[3]), counts.dtype) / counts
    dx_pad = xp.zeros(x_pad_shape, dtype=share.dtype)
    for where in _pool_slices(ph, pw, (sh, sw), out_h, out_w):
        dx_pad[where] += share
    return dx_pad[:, top:top + x_shape[1], left:left + x_shape[2], :]


def _window_sums(x_pad, ph, pw, stride, out_h, out_w):
    """Sum of every ph x pw window (stride ``stride``) of x_pad: (N, Ho, Wo, C)."""
    total = None
    for where in _pool_slices(ph, pw, stride, out_h, out_w):
        part = x_pad[where]
        if total is None:
            total = copy(part)
        else:
            total += part
    return total


def _pool_slices(ph, pw, stride, out_h, out_w):
    """Yield the index of each window position (a, b), row-major: x_pad[index] is (N, Ho, Wo, C)."""
    for a in range(ph):
        for b in range(pw):
            yield slice(None), _span(a, out_h, stride[0]), _span(b, out_w, stride[1]), slice(None)


def _maximum(y, part):
    """The elementwise maximum of y and part; NumPy writes it into y (no new array)."""
    return numpy.maximum(y, part, out=y) if _is_numpy(y) else xp.maximum(y, part)


def _put(dx_pad, where, dy, mask, add):
    """dx_pad[where] = dy where mask is True and 0 elsewhere (+= instead when ``add``)."""
    if _is_numpy(dy) and not add:
        numpy.multiply(dy, mask, out=dx_pad[where])      # straight into place
        return
    part = dy * xp.astype(mask, dy.dtype)
    if add:
        dx_pad[where] += part
    else:
        dx_pad[where] = part


# ------------------------------------------------------------------ the names of before


def conv2d_naive(x, kernel, bias=None, stride=1, padding="valid"):
    """y alone from ``conv2d_forward_naive`` (the name this function had before; kept)."""
    return conv2d_forward_naive(x, kernel, bias, stride, padding)[0]


# ------------------------------------------------------------------ helpers


def _span(offset, count, stride):
    """The slice offset, offset + stride, ..., (count positions): one window position."""
    return slice(offset, offset + stride * (count - 1) + 1, stride)


def _out_hw(padded_hw, kh, kw, stride):
    """(Ho, Wo) of a kh x kw window slid with ``stride`` over padded images (Hp, Wp)."""
    return (padded_hw[0] - kh) // stride[0] + 1, (padded_hw[1] - kw) // stride[1] + 1


def _pad_sizes(x_shape, kh, kw, stride, padding):
    """((top, bottom), (left, right)) for images x_shape = (N, H, W, C), or a ValueError."""
    top_bottom = pad_amounts(x_shape[1], kh, padding, stride[0])
    left_right = pad_amounts(x_shape[2], kw, padding, stride[1])
    if x_shape[1] + sum(top_bottom) < kh or x_shape[2] + sum(left_right) < kw:
        raise ValueError(f"a {kh}x{kw} window does not fit in images of {x_shape[1]}x"
                         f"{x_shape[2]} pixels with padding {padding!r}")
    return top_bottom, left_right


def _pad(x, kh, kw, stride, padding, value=0.0):
    """x (N, H, W, C) with the padding for a kh x kw window; returns (x_pad, (top, left))."""
    (top, bottom), (left, right) = _pad_sizes(x.shape, kh, kw, stride, padding)
    if top == bottom == left == right == 0:
        return x, (0, 0)
    n, height, width, channels = x.shape
    x_pad = xp.full((n, height + top + bottom, width + left + right, channels), value,
                    dtype=x.dtype)
    x_pad[:, top:top + height, left:left + width, :] = x
    return x_pad, (top, left)


def _pad_channels_first(x, kh, kw, stride, padding):
    """x (N, H, W, C) padded AND transposed in one copy: (x_pad (C, N, Hp, Wp), (top, left))."""
    (top, bottom), (left, right) = _pad_sizes(x.shape, kh, kw, stride, padding)
    n, height, width, channels = x.shape
    x_pad = xp.zeros((channels, n, height + top + bottom, width + left + right), dtype=x.dtype)
    x_pad[:, :, top:top + height, left:left + width] = xp.permute_dims(x, (3, 0, 1, 2))
    return x_pad, (top, left)


def _check_padding(padding):
    if padding not in PADDINGS:
        raise ValueError(f"padding must be 'valid' or 'same', but got {padding!r}")


def _pool_args(pool_size, stride):
    """(ph, pw), (sh, sw) from pool_size and stride (None: the pool size, as in Keras)."""
    pool = check_pair(pool_size, "pool_size")
    return pool, (pool if stride is None else check_pair(stride, "stride"))


def _pool_out_hw(x, pool, stride, padding):
    (ph, pw), (sh, sw) = pool, stride
    _check_padding(padding)
    return output_size(x.shape[1], ph, padding, sh), output_size(x.shape[2], pw, padding, sw)


def _check_images(x):
    """x as an array of shape (N, H, W, C) (float32 and float64 kept), or a clear error.

    Cheap on purpose (no scan of the values): the model checks its inputs once.
    """
    x = as_numbers(x, "x")
    if x.ndim != 4:
        raise ValueError(f"x must be a batch of images of shape (N, H, W, C), but got "
                         f"an array of shape {x.shape}")
    return x


def _check_conv_args(x, kernel, bias):
    """Check x (N, H, W, C), kernel (kh, kw, C, F) and bias (F,) agree; bias None -> zeros."""
    x = _check_images(x)
    kernel = xp.asarray(kernel, dtype=x.dtype)
    if kernel.ndim != 4 or kernel.shape[2] != x.shape[3]:
        raise ValueError(f"kernel must have shape (kh, kw, {x.shape[3]}, filters) for inputs "
                         f"with {x.shape[3]} channels, but got shape {kernel.shape}")
    filters = kernel.shape[3]
    bias = xp.zeros(filters, dtype=x.dtype) if bias is None else xp.asarray(bias, dtype=x.dtype)
    if bias.shape != (filters,):
        raise ValueError(f"bias must have shape ({filters},), but got shape {bias.shape}")
    return x, kernel, bias


def _check_upstream(dy, shape, dtype):
    """dy as an array of ``dtype`` with the shape of the forward output, or a ValueError."""
    dy = xp.asarray(dy, dtype=dtype)
    if dy.shape != tuple(shape):
        raise ValueError(f"dy must have the shape of the forward pass's output {tuple(shape)}, "
                         f"but got shape {dy.shape}")
    return dy


_pair = check_pair  # the name nnedu.layers used for check_pair before it moved to _validate

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

The naive functions (``conv2d_naive``, ``maxpool_naive``, ...) are explicit
loops over every output number: slow, but each line is the formula. The
vectorized ones (``conv2d_forward`` / ``conv2d_backward``, ...) compute the
same numbers with a few large array operations:

- im2col: copy every kh x kw x C window into one row of a matrix ``cols``
  (N*Ho*Wo rows); the whole convolution is then ONE matrix product
  ``cols @ kernel.reshape(kh*kw*C, F)``;
- backward: dkernel = cols^T dy, dcols = dy kernel^T, and ``col2im`` adds
  the gradient of every window copy back onto the pixel it came from;
- pooling: loop over the ph*pw positions INSIDE a window (4 for 2x2), each a
  strided slice of the whole batch, combined with np.maximum or a sum.
"""

import numpy as np
from numpy.lib.stride_tricks import as_strided

PADDINGS = ("valid", "same")
CACHE_BLOCK = 2 ** 17  # numbers of dy (1 MiB in float64) handled at a time in the backward pass


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
        _check_int(value, what, minimum=1)
    if padding == "same":
        return -(-n // stride)  # ceil(n / stride)
    if padding == "valid":
        p = 0
    elif isinstance(padding, (int, np.integer)) and not isinstance(padding, bool):
        p = _check_int(padding, "padding", minimum=0)
    else:
        raise ValueError(f"padding must be 'valid', 'same' or an int, but got {padding!r}")
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
    if padding not in PADDINGS:
        raise ValueError(f"padding must be 'valid' or 'same', but got {padding!r}")
    if padding == "valid":
        return 0, 0
    out = output_size(n, f, "same", stride)
    total = max((out - 1) * stride + f - n, 0)
    return total // 2, total - total // 2


# ------------------------------------------------------------------ naive loops


def conv2d_naive(x, kernel, bias=None, stride=1, padding="valid"):
    """2-D cross-correlation with explicit loops (for reading and checking; slow).

    y[n, i, j, f] = sum over (a, b, c) of xp[n, i*sh + a, j*sw + b, c] * kernel[a, b, c, f]
                    + bias[f],
    where xp is x with the padding zeros added.

    x: (N, H, W, C), kernel: (kh, kw, C, F), bias: (F,) or None -> y: (N, Ho, Wo, F).
    """
    x, kernel, bias = _check_conv_args(x, kernel, bias)
    (sh, sw), (kh, kw, _, filters) = _pair(stride, "stride"), kernel.shape
    xp, _ = _pad_for(x, kh, kw, (sh, sw), padding)
    n_samples, height, width = x.shape[0], xp.shape[1], xp.shape[2]
    out_h, out_w = (height - kh) // sh + 1, (width - kw) // sw + 1
    y = np.zeros((n_samples, out_h, out_w, filters), dtype=x.dtype)
    for n in range(n_samples):
        for i in range(out_h):
            for j in range(out_w):
                window = xp[n, i * sh:i * sh + kh, j * sw:j * sw + kw, :]  # (kh, kw, C)
                for f in range(filters):
                    y[n, i, j, f] = np.sum(window * kernel[:, :, :, f]) + bias[f]
    return y


def conv2d_naive_backward(dy, x, kernel, stride=1, padding="valid"):
    """Gradients of ``conv2d_naive`` with explicit loops: (dx, dkernel, dbias).

    Each output y[n, i, j, f] used one window of xp and filter f, so its
    gradient dy[n, i, j, f] flows back to both:
    dkernel[..., f] += dy[n, i, j, f] * window,  dxp[window] += dy[n, i, j, f] * kernel[..., f],
    dbias[f] += dy[n, i, j, f].

    dy: (N, Ho, Wo, F), x: (N, H, W, C), kernel: (kh, kw, C, F)
    -> dx: (N, H, W, C), dkernel: (kh, kw, C, F), dbias: (F,).
    """
    x, kernel, _ = _check_conv_args(x, kernel, None)
    (sh, sw), (kh, kw, _, filters) = _pair(stride, "stride"), kernel.shape
    xp, (top, left) = _pad_for(x, kh, kw, (sh, sw), padding)
    dxp, dkernel = np.zeros_like(xp), np.zeros_like(kernel)
    dbias = np.zeros(filters, dtype=x.dtype)
    dy = np.asarray(dy, dtype=x.dtype)
    for n in range(dy.shape[0]):
        for i in range(dy.shape[1]):
            for j in range(dy.shape[2]):
                rows, cols = slice(i * sh, i * sh + kh), slice(j * sw, j * sw + kw)
                for f in range(filters):
                    g = dy[n, i, j, f]
                    dkernel[:, :, :, f] += g * xp[n, rows, cols, :]
                    dxp[n, rows, cols, :] += g * kernel[:, :, :, f]
                    dbias[f] += g
    dx = dxp[:, top:top + x.shape[1], left:left + x.shape[2], :]
    return dx, dkernel, dbias


def maxpool_naive(x, pool_size=2, stride=None, padding="valid"):
    """Max pooling with explicit loops: the largest value of each window, channel by channel.

    x: (N, H, W, C) -> y: (N, Ho, Wo, C). ``stride`` defaults to ``pool_size``
    (Keras). With "same" padding the padded positions are ignored.
    """
    return _pool_naive(x, pool_size, stride, padding, np.max)


def avgpool_naive(x, pool_size=2, stride=None, padding="valid"):
    """Average pooling with explicit loops: the mean of each window, channel by channel.

    x: (N, H, W, C) -> y: (N, Ho, Wo, C). With "same" padding the mean is over
    the real pixels of the window only (the padding is not counted), as in Keras.
    """
    return _pool_naive(x, pool_size, stride, padding, np.mean)


def maxpool_naive_backward(dy, x, pool_size=2, stride=None, padding="valid"):
    """Gradient of max pooling, with loops: each dy goes to the position of its window's max.

    (If several positions share the max, the first one in row-major order gets it.)
    dy: (N, Ho, Wo, C), x: (N, H, W, C) -> dx: (N, H, W, C).
    """
    x = _check_images(x, "x")
    dx = np.zeros_like(x)
    dy = np.asarray(dy, dtype=x.dtype)
    for n, i, j, rows, cols in _pool_windows(x, pool_size, stride, padding):
        for c in range(x.shape[3]):
            window = x[n, rows, cols, c]
            a, b = np.unravel_index(np.argmax(window), window.shape)
            dx[n, rows.start + a, cols.start + b, c] += dy[n, i, j, c]
    return dx


def _pool_naive(x, pool_size, stride, padding, reduce):
    x = _check_images(x, "x")
    out_h, out_w = _pool_output_hw(x, pool_size, stride, padding)
    y = np.zeros((x.shape[0], out_h, out_w, x.shape[3]), dtype=x.dtype)
    for n, i, j, rows, cols in _pool_windows(x, pool_size, stride, padding):
        for c in range(x.shape[3]):
            y[n, i, j, c] = reduce(x[n, rows, cols, c])
    return y


def _pool_windows(x, pool_size, stride, padding):
    """Yield (n, i, j, rows, cols): each output position and its window, clipped to x."""
    (ph, pw), (sh, sw) = _pair(pool_size, "pool_size"), _pair(stride or pool_size, "stride")
    height, width = x.shape[1], x.shape[2]
    top = pad_amounts(height, ph, padding, sh)[0]
    left = pad_amounts(width, pw, padding, sw)[0]
    out_h, out_w = _pool_output_hw(x, pool_size, stride, padding)
    for n in range(x.shape[0]):
        for i in range(out_h):
            r0 = i * sh - top
            rows = slice(max(r0, 0), min(r0 + ph, height))
            for j in range(out_w):
                c0 = j * sw - left
                yield n, i, j, rows, slice(max(c0, 0), min(c0 + pw, width))


def _pool_output_hw(x, pool_size, stride, padding):
    (ph, pw), (sh, sw) = _pair(pool_size, "pool_size"), _pair(stride or pool_size, "stride")
    if padding not in PADDINGS:
        raise ValueError(f"padding must be 'valid' or 'same', but got {padding!r}")
    return (output_size(x.shape[1], ph, padding, sh), output_size(x.shape[2], pw, padding, sw))


# ------------------------------------------------------------------ im2col / col2im


def window_view(xp, kh, kw, stride=1):
    """Every kh x kw window of ``xp`` as a view (no copy): (N, Ho, Wo, kh, kw, C).

    view[n, i, j, a, b, c] = xp[n, i*sh + a, j*sw + b, c]. Built with
    ``as_strided``: moving one window right is sw columns in memory, moving
    inside the window is one column. Read-only: the windows overlap.
    xp: (N, Hp, Wp, C), already padded.
    """
    sh, sw = _pair(stride, "stride")
    n, height, width, channels = xp.shape
    out_h, out_w = (height - kh) // sh + 1, (width - kw) // sw + 1
    s_n, s_h, s_w, s_c = xp.strides
    return as_strided(xp, shape=(n, out_h, out_w, kh, kw, channels),
                      strides=(s_n, s_h * sh, s_w * sw, s_h, s_w, s_c), writeable=False)


def im2col(xp, kh, kw, stride=1):
    """Copy every window of ``xp`` into one row: cols (N*Ho*Wo, kh*kw*C).

    Row (n, i, j) holds the window under output pixel (i, j) of sample n, in
    the same (a, b, c) order as ``kernel.reshape(kh*kw*C, F)``, so
    ``cols @ kernel.reshape(-1, F)`` is the whole convolution.
    xp: (N, Hp, Wp, C), already padded.
    """
    windows = window_view(xp, kh, kw, stride)
    n, out_h, out_w = windows.shape[:3]
    return windows.reshape(n * out_h * out_w, -1)


def col2im(dcols, xp_shape, kh, kw, stride=1):
    """Inverse bookkeeping of im2col: add the gradient of every window copy back onto its pixel.

    A pixel lies in several windows, so its gradient is the SUM of the
    gradients of all its copies. The loop runs over the kh*kw positions
    (a, b) inside a window; each adds one strided slice for the whole batch:
    dxp[:, a + i*sh, b + j*sw, :] += dcols[(n, i, j), (a, b, :)].

    dcols: (N*Ho*Wo, kh*kw*C), im2col's layout -> dxp: xp_shape = (N, Hp, Wp, C).
    """
    sh, sw = _pair(stride, "stride")
    n, height, width, channels = xp_shape
    out_h, out_w = (height - kh) // sh + 1, (width - kw) // sw + 1
    dcols = dcols.reshape(n, out_h, out_w, kh, kw, channels)
    dxp = np.zeros(xp_shape, dtype=dcols.dtype)
    for a in range(kh):
        for b in range(kw):
            dxp[:, _span(a, out_h, sh), _span(b, out_w, sw), :] += dcols[:, :, :, a, b, :]
    return dxp


# ------------------------------------------------------------------ vectorized convolution


def conv2d_forward(x, kernel, bias=None, stride=1, padding="valid"):
    """Vectorized 2-D cross-correlation via im2col and one matrix product.

    x: (N, H, W, C), kernel: (kh, kw, C, F), bias: (F,) or None
    -> y: (N, Ho, Wo, F) and a cache for ``conv2d_backward``.
    Same numbers as ``conv2d_naive``.
    """
    x, kernel, bias = _check_conv_args(x, kernel, bias)
    stride = _pair(stride, "stride")
    kh, kw, _, filters = kernel.shape
    xp, pads = _pad_for(x, kh, kw, stride, padding)
    cols = im2col(xp, kh, kw, stride)                    # (N*Ho*Wo, kh*kw*C)
    y = cols @ kernel.reshape(-1, filters)               # (N*Ho*Wo, F)
    y += bias
    out_h, out_w = _conv_output_hw(xp.shape, kh, kw, stride)
    cache = (x.shape, xp.shape, pads, cols, kernel, stride)
    return y.reshape(x.shape[0], out_h, out_w, filters), cache


def conv2d_backward(dy, cache):
    """Gradients of ``conv2d_forward``: (dx, dkernel, dbias).

    With dy2 = dy as a (N*Ho*Wo, F) matrix and K = kernel as a (kh*kw*C, F) matrix:
    dkernel = cols^T dy2, dbias = sum of dy2 over rows, and
    dx = col2im(dy2 K^T) without the padding.
    dy: (N, Ho, Wo, F) -> dx: (N, H, W, C), dkernel: (kh, kw, C, F), dbias: (F,).
    """
    x_shape, xp_shape, (top, left), cols, kernel, stride = cache
    dy = np.asarray(dy, dtype=cols.dtype)
    dy2 = dy.reshape(-1, kernel.shape[3])
    dkernel = (dy2.T @ cols).T.reshape(kernel.shape)  # = cols^T dy2 (this order is faster)
    dbias = dy2.sum(axis=0)
    dxp = _input_gradient(dy, kernel, xp_shape, stride)
    dx = dxp[:, top:top + x_shape[1], left:left + x_shape[2], :]
    return dx, dkernel, dbias


def _input_gradient(dy, kernel, xp_shape, stride):
    """dxp = col2im(dy2 @ K^T), computed one kernel position (a, b) at a time.

    The pixels under position (a, b) of every window receive dy2 @ kernel[a, b]^T,
    an (N*Ho*Wo, C) block: the same numbers as col2im, without building the big
    (N*Ho*Wo, kh*kw*C) matrix. The batch is taken a few samples at a time so that
    the kh*kw products re-read a block of dy that is still in the CPU cache.
    dy: (N, Ho, Wo, F), kernel: (kh, kw, C, F) -> dxp: xp_shape = (N, Hp, Wp, C).
    """
    kh, kw, channels, filters = kernel.shape
    n, out_h, out_w = dy.shape[:3]
    dxp = np.zeros(xp_shape, dtype=dy.dtype)
    step = max(1, CACHE_BLOCK // (out_h * out_w * filters))   # samples per block
    for start in range(0, n, step):
        dy2 = dy[start:start + step].reshape(-1, filters)
        dxp_block = dxp[start:start + step]                    # a view: adds land in dxp
        for a in range(kh):
            for b in range(kw):
                grad = (dy2 @ kernel[a, b].T).reshape(-1, out_h, out_w, channels)
                dxp_block[:, _span(a, out_h, stride[0]), _span(b, out_w, stride[1]), :] += grad
    return dxp


def _conv_output_hw(xp_shape, kh, kw, stride):
    """(Ho, Wo) of a valid convolution of the padded images xp_shape = (N, Hp, Wp, C)."""
    return (xp_shape[1] - kh) // stride[0] + 1, (xp_shape[2] - kw) // stride[1] + 1


# ------------------------------------------------------------------ vectorized pooling


def maxpool_forward(x, pool_size=2, stride=None, padding="valid"):
    """Vectorized max pooling: y = the max of the ph*pw strided slices of x.

    For 2x2 windows this is np.maximum of 4 slices (x[:, 0::2, 0::2],
    x[:, 0::2, 1::2], ...), each covering the whole batch.
    x: (N, H, W, C) -> y: (N, Ho, Wo, C) and a cache for ``maxpool_backward``.
    """
    x = _check_images(x, "x")
    (ph, pw), stride = _pair(pool_size, "pool_size"), _pair(stride or pool_size, "stride")
    xp, pads = _pad_for(x, ph, pw, stride, padding, value=-np.inf)
    out_h, out_w = (xp.shape[1] - ph) // stride[0] + 1, (xp.shape[2] - pw) // stride[1] + 1
    y = None
    for a in range(ph):
        for b in range(pw):
            part = xp[:, _span(a, out_h, stride[0]), _span(b, out_w, stride[1]), :]
            y = part.copy() if y is None else np.maximum(y, part, out=y)
    return y, (x.shape, xp, pads, y, (ph, pw), stride)


def maxpool_backward(dy, cache):
    """Gradient of max pooling: dy goes to the position that held each window's max.

    The loop visits the window positions in row-major order; ``free`` marks
    windows whose max has not been found yet, so on ties only the first
    position gets the gradient (as PyTorch does). When windows do not overlap
    (stride >= pool size, the usual 2x2 stride 2) every pixel belongs to at
    most one window, so the gradient is written into dx instead of added.
    dy: (N, Ho, Wo, C) -> dx: (N, H, W, C).
    """
    x_shape, xp, (top, left), y, (ph, pw), (sh, sw) = cache
    out_h, out_w = y.shape[1:3]
    dy = np.asarray(dy, dtype=y.dtype)
    dxp = np.zeros(xp.shape, dtype=y.dtype)
    free = np.ones(y.shape, dtype=bool)
    hit = np.empty(y.shape, dtype=bool)
    for a in range(ph):
        for b in range(pw):
            where = (slice(None), _span(a, out_h, sh), _span(b, out_w, sw))
            np.equal(xp[where], y, out=hit)   # this position holds the max ...
            hit &= free                       # ... and no earlier position did
            free ^= hit
            if sh < ph or sw < pw:            # overlapping windows: add
                dxp[where] += dy * hit
            else:
                np.multiply(dy, hit, out=dxp[where])
    return dxp[:, top:top + x_shape[1], left:left + x_shape[2], :]


def avgpool_forward(x, pool_size=2, stride=None, padding="valid"):
    """Vectorized average pooling: the sum of the ph*pw strided slices, divided by the count.

    The count is ph*pw, or with "same" padding the number of real pixels in
    each window. x: (N, H, W, C) -> y: (N, Ho, Wo, C) and a cache.
    """
    x = _check_images(x, "x")
    (ph, pw), stride = _pair(pool_size, "pool_size"), _pair(stride or pool_size, "stride")
    xp, pads = _pad_for(x, ph, pw, stride, padding)
    out_h, out_w = (xp.shape[1] - ph) // stride[0] + 1, (xp.shape[2] - pw) // stride[1] + 1
    counts = _window_sums(_pad_for(np.ones((1,) + x.shape[1:3] + (1,), x.dtype), ph, pw,
                                   stride, padding)[0], ph, pw, stride, out_h, out_w)
    y = _window_sums(xp, ph, pw, stride, out_h, out_w) / counts
    return y, (x.shape, xp.shape, pads, counts, (ph, pw), stride)


def avgpool_backward(dy, cache):
    """Gradient of average pooling: each window's dy / count is added to every pixel of it.

    dy: (N, Ho, Wo, C) -> dx: (N, H, W, C).
    """
    x_shape, xp_shape, (top, left), counts, (ph, pw), (sh, sw) = cache
    share = np.asarray(dy) / counts
    out_h, out_w = share.shape[1:3]
    dxp = np.zeros(xp_shape, dtype=share.dtype)
    for a in range(ph):
        for b in range(pw):
            dxp[:, _span(a, out_h, sh), _span(b, out_w, sw), :] += share
    return dxp[:, top:top + x_shape[1], left:left + x_shape[2], :]


def _window_sums(xp, ph, pw, stride, out_h, out_w):
    """Sum of every ph x pw window (stride ``stride``) of xp: (N, Ho, Wo, C)."""
    total = None
    for a in range(ph):
        for b in range(pw):
            part = xp[:, _span(a, out_h, stride[0]), _span(b, out_w, stride[1]), :]
            total = part.copy() if total is None else np.add(total, part, out=total)
    return total


# ------------------------------------------------------------------ helpers


def _span(offset, count, stride):
    """The slice offset, offset + stride, ..., (count positions): one window position."""
    return slice(offset, offset + stride * (count - 1) + 1, stride)


def _pad_for(x, kh, kw, stride, padding, value=0.0):
    """x padded for the given window and padding; returns (xp, (top, left))."""
    sh, sw = _pair(stride, "stride")
    top, bottom = pad_amounts(x.shape[1], kh, padding, sh)
    left, right = pad_amounts(x.shape[2], kw, padding, sw)
    if x.shape[1] + top + bottom < kh or x.shape[2] + left + right < kw:
        raise ValueError(f"a {kh}x{kw} window does not fit in images of {x.shape[1]}x"
                         f"{x.shape[2]} pixels with padding {padding!r}")
    if top == bottom == left == right == 0:
        return x, (0, 0)
    n, height, width, channels = x.shape
    xp = np.full((n, height + top + bottom, width + left + right, channels), value, x.dtype)
    xp[:, top:top + height, left:left + width, :] = x
    return xp, (top, left)


def _pair(value, name):
    """An int or a pair of ints as a pair: 2 -> (2, 2), (1, 2) -> (1, 2)."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = (value, value)
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise ValueError(f"{name} must be an int or a pair of ints, but got {value!r}")
    return (_check_int(value[0], name, 1), _check_int(value[1], name, 1))


def _check_int(value, name, minimum):
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, but got {type(value).__name__}: {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, but got {value}")
    return int(value)


def _check_images(x, name):
    """x as a float array of shape (N, H, W, C) (float32 kept), or a clear error."""
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers, but has dtype {x.dtype}")
    if x.ndim != 4:
        raise ValueError(f"{name} must be a batch of images of shape (N, H, W, C), but got "
                         f"an array of shape {x.shape}")
    return x if x.dtype == np.float32 else x.astype(np.float64, copy=False)


def _check_conv_args(x, kernel, bias):
    """Check x (N, H, W, C), kernel (kh, kw, C, F) and bias (F,) agree; bias None -> zeros."""
    x = _check_images(x, "x")
    kernel = np.asarray(kernel, dtype=x.dtype)
    if kernel.ndim != 4 or kernel.shape[2] != x.shape[3]:
        raise ValueError(f"kernel must have shape (kh, kw, {x.shape[3]}, filters) for inputs "
                         f"with {x.shape[3]} channels, but got shape {kernel.shape}")
    filters = kernel.shape[3]
    bias = np.zeros(filters, x.dtype) if bias is None else np.asarray(bias, dtype=x.dtype)
    if bias.shape != (filters,):
        raise ValueError(f"bias must have shape ({filters},), but got shape {bias.shape}")
    return x, kernel, bias

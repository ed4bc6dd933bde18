"""Checks for chapter 10, convolutional networks.

Seven exercises, easy to hard (images are channels-last, (N, H, W, C); a kernel is
(kh, kw, C, F), as in Keras and ``nnedu.conv``):

- ``output_size(n, f, p, s)``: floor((n + 2p - f) / s) + 1;
- ``conv_forward(x, kernel, bias, stride=1, pad=0)``: the loop cross-correlation,
  (N, H, W, C) -> (N, Ho, Wo, F), with ``pad`` zeros on each side;
- ``maxpool_forward(x, pool=2, stride=2)``: (N, H, W, C) -> (N, Ho, Wo, C);
- ``maxpool_backward(dy, x, pool=2, stride=2)``: each dy to its window's maximum;
- ``im2col(x, kh, kw, stride=1)``: every window as a row, (N*Ho*Wo, kh*kw*C), rows in
  (n, i, j) order and columns in (a, b, c) order, like ``kernel.reshape(-1, F)``;
- ``conv_backward(dy, x, kernel, stride=1, pad=0)``: (dx, dkernel, dbias), compared
  with the reference and with numerical gradients;
- ``count_params(layers, input_shape)``: the parameters of every layer of a small
  layer list such as ``[("conv", 2, 3, "same"), ("flatten",), ("dense", 2)]``.

Every check also fails an answer that changes the arrays (or the list) it was given.
"""

import copy

import numpy as np

from nnedu import conv as conv_ops
from nnedu.checks._core import (
    call,
    diagnose,
    exercise,
    expect_close,
    expect_equal,
    expect_parts,
    expect_true,
    expect_unchanged,
)

# ---------------------------------------------------------------------------
# Shared pieces and reference answers
# ---------------------------------------------------------------------------


def _expect_unchanged(originals, passed):
    """Fail if the student's function changed any array it was given (in place)."""
    expect_unchanged(originals, passed,
                     hint="build new arrays (np.zeros, np.pad) instead of writing into the inputs.")


def _pad(x, pad):
    return np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))


def _conv(x, kernel, bias, stride=1, pad=0):
    return conv_ops.conv2d_forward(_pad(x, pad), kernel, bias, stride)[0]


def _conv_grads(dy, x, kernel, stride=1, pad=0):
    _, cache = conv_ops.conv2d_forward(_pad(x, pad), kernel, None, stride)
    dxp, dkernel, dbias = conv_ops.conv2d_backward(dy, cache)
    return dxp[:, pad:pad + x.shape[1], pad:pad + x.shape[2], :], dkernel, dbias


def _shape_hint(got, want, default):
    """A hint about the output shape when the shapes differ, else ``default``."""
    shape = np.shape(got) if isinstance(got, np.ndarray) else None
    if shape is not None and shape != want.shape and len(shape) == 4:
        return "(N, Ho, Wo, F) with Ho = (H + 2*pad - kh) // stride + 1."
    return default


def _conv_cases():
    rng = np.random.default_rng(100)
    yield ("2x2 image", np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 2, 2, 1),
           np.array([[1.0, 10.0], [100.0, 1000.0]]).reshape(2, 2, 1, 1), np.zeros(1), 1, 0)
    yield ("4x4, bias", rng.normal(size=(1, 4, 4, 1)),
           rng.normal(size=(3, 3, 1, 1)), np.array([0.5]), 1, 0)
    yield ("3 channels, pad 1", rng.normal(size=(2, 5, 5, 3)),
           rng.normal(size=(3, 3, 3, 2)), rng.normal(size=2), 1, 1)
    yield ("stride 2, pad 1", rng.normal(size=(2, 7, 6, 2)), rng.normal(size=(3, 3, 2, 4)),
           rng.normal(size=4), 2, 1)


# ---------------------------------------------------------------------------
# Exercise 1: output size
# ---------------------------------------------------------------------------

@exercise("10", "output_size", points=1)
def output_size(student_output_size):
    """Check output_size(n, f, p, s) = floor((n + 2p - f) / s) + 1."""
    for n, f, p, s in [(28, 3, 0, 1), (28, 3, 1, 1), (32, 5, 2, 1), (28, 2, 0, 2), (7, 3, 1, 2),
                       (31, 5, 2, 2), (10, 3, 0, 3), (224, 7, 3, 2)]:
        want = (n + 2 * p - f) // s + 1
        got = call(student_output_size, n, f, p, s)
        inputs = {"n": n, "f": f, "p": p, "s": s}
        hint = diagnose(got, [
            ((n + p - f) // s + 1 if p > 1 else None, "the padding is added on BOTH sides."),
            (want - 1, "add 1" + (" (and pad BOTH sides: n + 2p)." if p == 1 else ".")),
            ((n + 2 * p - f) / s + 1 if (n + 2 * p - f) % s else None,
             "round down: integer division //."),
            (-(-(n + 2 * p - f) // s) + 1, "round DOWN, not up: a window must fit completely."),
            ((n + 2 * p + f) // s + 1, "subtract the window size f: n + 2p - f."),
        ], "floor((n + 2p - f) / s) + 1.")
        expect_equal(got, want, what="the size", inputs=inputs, hint=hint)
        expect_true(isinstance(got, (int, np.integer)),
                    f"output_size should return an int, got {type(got).__name__} {got!r}",
                    hint="use // (integer division), which gives an int.")


# ---------------------------------------------------------------------------
# Exercise 2: the loop convolution
# ---------------------------------------------------------------------------

@exercise("10", "conv_forward", points=2)
def conv_forward(student_conv):
    """Check conv_forward(x, kernel, bias, stride, pad): the cross-correlation of nnedu.conv."""
    for name, x, kernel, bias, stride, pad in _conv_cases():
        want = _conv(x, kernel, bias, stride, pad)
        given = {"x": x, "kernel": kernel, "bias": bias}
        passed = {key: value.copy() for key, value in given.items()}
        got = call(student_conv, passed["x"], passed["kernel"], passed["bias"], stride, pad)
        hint = diagnose(got, [
            (_conv(x, kernel[::-1, ::-1], bias, stride, pad),
             "you flipped the kernel (true convolution); CNN layers compute cross-correlation."),
            (_conv(x, kernel, np.zeros_like(bias), stride, pad) if np.any(bias) else None,
             "add the bias of each filter: + bias[f]."),
            (_conv(x, kernel, bias, 1, pad) if stride > 1 else None,
             "window (i, j) starts at row i*stride, column j*stride."),
            (_conv(x, kernel, bias, stride, 0) if pad else None,
             "pad x with `pad` zeros on each side first (np.pad)."),
        ], _shape_hint(got, want, "sum(window * kernel[:, :, :, f]) + bias[f]."))
        expect_close(got, want, what="y", inputs={"case": name}, hint=hint)
        _expect_unchanged(given, passed)


# ---------------------------------------------------------------------------
# Exercises 3 and 4: max pooling, forward and backward
# ---------------------------------------------------------------------------

def _pool_cases():
    rng = np.random.default_rng(101)
    x4 = np.array([[1.0, 3.0, 2.0, 0.0], [5.0, 4.0, 1.0, 1.0], [0.0, 2.0, 9.0, 6.0],
                   [1.0, 1.0, 7.0, 8.0]]).reshape(1, 4, 4, 1)
    yield "4x4 image", x4, 2, 2
    yield "3 channels", rng.normal(size=(2, 6, 6, 3)), 2, 2
    yield "5x7 image", rng.normal(size=(1, 5, 7, 2)), 2, 2
    yield "overlapping 3x3", rng.normal(size=(2, 7, 7, 2)), 3, 2


def _maxpool(x, pool, stride):
    return conv_ops.maxpool_forward(x, pool, stride)[0]


def _maxpool_backward(dy, x, pool, stride):
    return conv_ops.maxpool_backward(dy, conv_ops.maxpool_forward(x, pool, stride)[1])


@exercise("10", "maxpool_forward", points=1)
def maxpool_forward(student_pool):
    """Check maxpool_forward(x, pool, stride): the maximum of every window, per channel."""
    for name, x, pool, stride in _pool_cases():
        want = _maxpool(x, pool, stride)
        x_in = x.copy()
        got = call(student_pool, x_in, pool, stride)
        avg = conv_ops.avgpool_forward(x, pool, stride)[0]
        hint = diagnose(got, [
            (avg, "take the MAXIMUM of each window, not the mean."),
            (x[:, :want.shape[1] * stride:stride, :want.shape[2] * stride:stride],
             "take the maximum of the whole window, not its first number."),
        ], "y[n, i, j, c] = max of x[n, i*s:i*s+pool, j*s:j*s+pool, c].")
        expect_close(got, want, what="y", inputs={"case": name}, hint=hint)
        _expect_unchanged({"x": x}, {"x": x_in})


@exercise("10", "maxpool_backward", points=2)
def maxpool_backward(student_backward):
    """Check maxpool_backward(dy, x, pool, stride): dy goes to each window's maximum."""
    for name, x, pool, stride in _pool_cases():
        y = _maxpool(x, pool, stride)
        dy = np.random.default_rng(102).normal(size=y.shape)
        want = _maxpool_backward(dy, x, pool, stride)
        given = {"dy": dy, "x": x}
        passed = {key: value.copy() for key, value in given.items()}
        got = call(student_backward, passed["dy"], passed["x"], pool, stride)
        spread = np.zeros_like(x)
        for i in range(y.shape[1]):
            for j in range(y.shape[2]):
                spread[:, i * stride:i * stride + pool, j * stride:j * stride + pool] += \
                    dy[:, i:i + 1, j:j + 1] / pool ** 2
        overwritten = np.zeros_like(x)
        for i in range(y.shape[1]):
            for j in range(y.shape[2]):
                window = x[:, i * stride:i * stride + pool, j * stride:j * stride + pool]
                hit = window == y[:, i:i + 1, j:j + 1]
                part = overwritten[:, i * stride:i * stride + pool, j * stride:j * stride + pool]
                part[hit] = np.broadcast_to(dy[:, i:i + 1, j:j + 1], hit.shape)[hit]
        hint = diagnose(got, [
            (spread, "that is AVERAGE pooling's gradient; max sends dy to the argmax only."),
            (overwritten if stride < pool else None,
             "windows overlap: ADD (+=) the gradients, do not overwrite."),
        ], "dx is 0 except at each window's argmax, which gets its dy.")
        expect_close(got, want, what="dx", inputs={"case": name}, hint=hint)
        _expect_unchanged(given, passed)


# ---------------------------------------------------------------------------
# Exercise 5: im2col
# ---------------------------------------------------------------------------

@exercise("10", "im2col", points=2)
def im2col(student_im2col):
    """Check im2col(x, kh, kw, stride): rows in (n, i, j) order, columns in (a, b, c) order."""
    rng = np.random.default_rng(103)
    cases = [("3x3 image", np.arange(1.0, 10.0).reshape(1, 3, 3, 1), 2, 2, 1),
             ("2 channels", rng.normal(size=(2, 4, 5, 2)), 3, 2, 1),
             ("stride 2", rng.normal(size=(2, 7, 7, 3)), 3, 3, 2)]
    for name, x, kh, kw, stride in cases:
        windows = conv_ops.window_view(x, kh, kw, stride)              # (N, Ho, Wo, kh, kw, C)
        n, out_h, out_w = windows.shape[:3]
        want = windows.reshape(n * out_h * out_w, -1)
        x_in = x.copy()
        got = call(student_im2col, x_in, kh, kw, stride)
        hint = diagnose(got, [
            (want.T, "one ROW per window: shape (N*Ho*Wo, kh*kw*C)."),
            (windows.transpose(0, 1, 2, 5, 3, 4).reshape(n * out_h * out_w, -1)
             if x.shape[3] > 1 else None,
             "order each row (a, b, c), channels fastest: window.ravel()."),
            (windows.transpose(0, 2, 1, 3, 4, 5).reshape(n * out_h * out_w, -1)
             if out_h > 1 else None,
             "rows in (n, i, j) order, j fastest."),
        ], "row (n, i, j) is x[n, i*s:i*s+kh, j*s:j*s+kw, :].ravel().")
        expect_close(got, want, what="cols", inputs={"case": name}, hint=hint)
        _expect_unchanged({"x": x}, {"x": x_in})
    x, kernel = rng.normal(size=(2, 6, 6, 3)), rng.normal(size=(3, 3, 3, 4))
    cols = np.asarray(call(student_im2col, x.copy(), 3, 3, 1), dtype=float)
    expect_true(cols.shape == (32, 27) and np.allclose(
        (cols @ kernel.reshape(-1, 4)).reshape(2, 4, 4, 4), _conv(x, kernel, np.zeros(4))),
        "cols @ kernel.reshape(-1, F) does not give the convolution",
        hint="order the columns like kernel.reshape(-1, F): (a, b, c).")


# ---------------------------------------------------------------------------
# Exercise 6: the loop convolution, backward
# ---------------------------------------------------------------------------

def _numerical_kernel_gradient(dy, x, kernel, stride, pad, h=1e-6):
    grad = np.zeros_like(kernel)
    for index in np.ndindex(kernel.shape):
        plus, minus = kernel.copy(), kernel.copy()
        plus[index] += h
        minus[index] -= h
        grad[index] = np.sum(dy * (_conv(x, plus, None, stride, pad)
                                   - _conv(x, minus, None, stride, pad))) / (2 * h)
    return grad


@exercise("10", "conv_backward", points=2)
def conv_backward(student_backward):
    """Check conv_backward(dy, x, kernel, stride, pad) -> (dx, dkernel, dbias)."""
    for name, x, kernel, _, stride, pad in list(_conv_cases())[1:]:
        dy = np.random.default_rng(104).normal(size=_conv(x, kernel, None, stride, pad).shape)
        want_dx, want_dk, want_db = _conv_grads(dy, x, kernel, stride, pad)
        assert np.allclose(want_dk, _numerical_kernel_gradient(dy, x, kernel, stride, pad),
                           atol=1e-6)                               # the reference, checked
        given = {"dy": dy, "x": x, "kernel": kernel}
        passed = {key: value.copy() for key, value in given.items()}
        got = expect_parts(call(student_backward, passed["dy"], passed["x"], passed["kernel"],
                             stride, pad), ("dx", "dkernel", "dbias"))
        inputs = {"case": name}
        hint = diagnose(got[2], [(dy.mean(axis=(0, 1, 2)), ("dbias is the SUM of dy over "
                                                            "axes 0, 1, 2.")),
                                 (dy.sum(axis=(1, 2)), "sum over the batch too: axes 0, 1, 2.")],
                        "dbias[f] = dy[..., f].sum().")
        expect_close(got[2], want_db, what="dbias", inputs=inputs, hint=hint)
        hint = diagnose(got[1], [
            (want_dk[::-1, ::-1], "do not flip: dkernel[..., f] += dy[n, i, j, f] * window."),
        ], "dkernel[..., f] += dy[n, i, j, f] * window, for every (n, i, j).")
        expect_close(got[1], want_dk, what="dkernel", inputs=inputs, hint=hint)
        hint = diagnose(got[0], [
            (_conv_grads(dy, x, kernel[::-1, ::-1], stride, pad)[0],
             "do not flip the kernel: dxp[window] += g * kernel[..., f]."),
        ], _dx_hint(got[0], x))
        expect_close(got[0], want_dx, what="dx", inputs=inputs, hint=hint)
        _expect_unchanged(given, passed)


def _dx_hint(got, x):
    if isinstance(got, np.ndarray) and got.shape != x.shape:
        return "cut the padding off: dx = dxp[:, pad:pad+H, pad:pad+W, :]."
    return "dxp[n, window] += dy[n, i, j, f] * kernel[..., f] (+=: windows overlap)."


# ---------------------------------------------------------------------------
# Exercise 7: putting it together, counting parameters
# ---------------------------------------------------------------------------

def _count(layers, input_shape, dense_flat=False, conv_bias=True, same_shrinks=False):
    """Reference parameter counts (and a few typical wrong variants)."""
    h, w, c = input_shape
    counts = []
    for layer in layers:
        kind = layer[0]
        if kind == "conv":
            _, filters, k, padding = layer
            counts.append(k * k * c * filters + (filters if conv_bias else 0))
            if padding == "valid" or same_shrinks:
                h, w = h - k + 1, w - k + 1
            c = filters
        elif kind == "pool":
            h, w = h // layer[1], w // layer[1]
            counts.append(0)
        elif kind == "flatten":
            h, w, c = 1, 1, h * w * c
            counts.append(0)
        else:
            inputs = h * w * c if dense_flat else c
            counts.append(inputs * layer[1] + layer[1])
            c = layer[1]
    return counts


COUNT_CASES = [
    ("small model", [("conv", 2, 3, "same"), ("conv", 3, 3, "same"),
                                    ("flatten",), ("dense", 2)]),
    ("valid model", [("dense", 16), ("conv", 32, 3, "valid"), ("conv", 64, 5, "valid"),
                            ("conv", 128, 7, "valid"), ("flatten",), ("dense", 2)]),
    ("pooled model", [("dense", 16), ("conv", 32, 3, "same"), ("pool", 2),
                      ("conv", 64, 5, "same"), ("flatten",), ("dense", 2)]),
]


@exercise("10", "count_params", points=2)
def count_params(student_count):
    """Check count_params(layers, input_shape) on the models of lesson 10's section 6."""
    for name, layers in COUNT_CASES:
        want = _count(layers, (20, 20, 3))
        passed = copy.deepcopy(layers)
        got = call(student_count, passed, (20, 20, 3))
        got_list = list(got) if isinstance(got, (list, tuple, np.ndarray)) else got
        hint = diagnose(got_list, [
            (_count(layers, (20, 20, 3), conv_bias=False),
             "each filter has a bias: k*k*C*F + F."),
            (_count(layers, (20, 20, 3), dense_flat=True),
             "Dense acts on the LAST axis: C*units + units (H*W*C after Flatten)."),
            (_count(layers, (20, 20, 3), same_shrinks=True),
             "'same' keeps H and W; only 'valid' shrinks them to n - k + 1."),
            (sum(want), "return one count PER LAYER, e.g. [56, 57, 0, 2402]."),
        ], "conv k*k*C*F + F; pool, flatten 0; dense C*units + units.")
        expect_close(got_list, want, what="the counts", inputs={"case": name}, hint=hint)
        expect_true(passed == layers, "your function changed the list of layers",
                    hint="read the list; do not append to it or edit it.")

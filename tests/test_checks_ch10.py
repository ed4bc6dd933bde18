"""Tests for nnedu.checks.ch10: right answers pass, typical wrong answers fail with a named hint."""

import numpy as np
import pytest
from checkhelpers import blank, fails_with

from nnedu.checks import ch10
from nnedu.checks._core import NOT_ATTEMPTED, registry

CHECKS = [ch10.output_size, ch10.conv_forward, ch10.maxpool_forward, ch10.maxpool_backward,
          ch10.im2col, ch10.conv_backward, ch10.count_params]


@pytest.mark.parametrize("check", CHECKS)
def test_not_attempted_is_reported_not_raised(check):
    result = check(blank)
    assert not result["passed"] and result["message"] == NOT_ATTEMPTED


def test_registry_lists_the_seven_exercises():
    assert registry("10") == {"output_size": 1, "conv_forward": 2, "maxpool_forward": 1,
                              "maxpool_backward": 2, "im2col": 2, "conv_backward": 2,
                              "count_params": 2}


# ---------------------------------------------------------------- right answers and alternatives

def output_size_right(n, f, p, s):
    return (n + 2 * p - f) // s + 1


def output_size_floor(n, f, p, s):
    """An alternative: math.floor of the true division."""
    import math
    return math.floor((n + 2 * p - f) / s) + 1


def pad(x, p):
    return np.pad(x, ((0, 0), (p, p), (p, p), (0, 0)))


def conv_right(x, kernel, bias, stride=1, p=0):
    xp = pad(x, p)
    kh, kw, _, filters = kernel.shape
    out_h, out_w = (xp.shape[1] - kh) // stride + 1, (xp.shape[2] - kw) // stride + 1
    y = np.zeros((x.shape[0], out_h, out_w, filters))
    for n in range(x.shape[0]):
        for i in range(out_h):
            for j in range(out_w):
                window = xp[n, i * stride:i * stride + kh, j * stride:j * stride + kw, :]
                for f in range(filters):
                    y[n, i, j, f] = np.sum(window * kernel[:, :, :, f]) + bias[f]
    return y


def conv_einsum(x, kernel, bias, stride=1, p=0):
    """An alternative: the windows of all images at once, contracted with einsum."""
    xp = pad(x, p)
    kh, kw = kernel.shape[:2]
    out_h, out_w = (xp.shape[1] - kh) // stride + 1, (xp.shape[2] - kw) // stride + 1
    y = np.empty((x.shape[0], out_h, out_w, kernel.shape[3]))
    for i in range(out_h):
        for j in range(out_w):
            window = xp[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :]
            y[:, i, j, :] = np.einsum("nabc,abcf->nf", window, kernel) + bias
    return y


def maxpool_right(x, pool=2, stride=2):
    out_h, out_w = (x.shape[1] - pool) // stride + 1, (x.shape[2] - pool) // stride + 1
    y = np.zeros((x.shape[0], out_h, out_w, x.shape[3]))
    for i in range(out_h):
        for j in range(out_w):
            y[:, i, j] = x[:, i * stride:i * stride + pool, j * stride:j * stride + pool].max(
                axis=(1, 2))
    return y


def maxpool_loops(x, pool=2, stride=2):
    """An alternative: every number with its own loop, a list turned into an array."""
    out_h, out_w = (x.shape[1] - pool) // stride + 1, (x.shape[2] - pool) // stride + 1
    return np.array([[[[max(x[n, i * stride + a, j * stride + b, c] for a in range(pool)
                            for b in range(pool)) for c in range(x.shape[3])]
                       for j in range(out_w)] for i in range(out_h)] for n in range(x.shape[0])])


def maxpool_backward_right(dy, x, pool=2, stride=2):
    dx = np.zeros_like(x)
    for n, i, j, c in np.ndindex(dy.shape):
        window = x[n, i * stride:i * stride + pool, j * stride:j * stride + pool, c]
        a, b = np.unravel_index(np.argmax(window), window.shape)
        dx[n, i * stride + a, j * stride + b, c] += dy[n, i, j, c]
    return dx


def maxpool_backward_mask(dy, x, pool=2, stride=2):
    """An alternative: a mask of the maxima per window (no ties in random data)."""
    dx = np.zeros_like(x)
    for i in range(dy.shape[1]):
        for j in range(dy.shape[2]):
            rows, cols = slice(i * stride, i * stride + pool), slice(j * stride, j * stride + pool)
            window = x[:, rows, cols, :]
            mask = window == window.max(axis=(1, 2), keepdims=True)
            dx[:, rows, cols, :] += mask * dy[:, i:i + 1, j:j + 1, :]
    return dx


def im2col_right(x, kh, kw, stride=1):
    out_h, out_w = (x.shape[1] - kh) // stride + 1, (x.shape[2] - kw) // stride + 1
    return np.array([x[n, i * stride:i * stride + kh, j * stride:j * stride + kw, :].ravel()
                     for n in range(x.shape[0]) for i in range(out_h) for j in range(out_w)])


def im2col_strided(x, kh, kw, stride=1):
    """An alternative: sliding_window_view, then the stride and a reshape."""
    windows = np.lib.stride_tricks.sliding_window_view(x, (kh, kw), axis=(1, 2))
    windows = windows[:, ::stride, ::stride]                  # (N, Ho, Wo, C, kh, kw)
    return windows.transpose(0, 1, 2, 4, 5, 3).reshape(-1, kh * kw * x.shape[3])


def conv_backward_right(dy, x, kernel, stride=1, p=0):
    xp = pad(x, p)
    kh, kw, _, filters = kernel.shape
    dxp, dk, db = np.zeros_like(xp), np.zeros_like(kernel), np.zeros(filters)
    for n, i, j, f in np.ndindex(dy.shape):
        rows, cols = slice(i * stride, i * stride + kh), slice(j * stride, j * stride + kw)
        dk[:, :, :, f] += dy[n, i, j, f] * xp[n, rows, cols, :]
        dxp[n, rows, cols, :] += dy[n, i, j, f] * kernel[:, :, :, f]
        db[f] += dy[n, i, j, f]
    return dxp[:, p:p + x.shape[1], p:p + x.shape[2], :], dk, db


def conv_backward_im2col(dy, x, kernel, stride=1, p=0):
    """An alternative: the matrix form dK = cols^T dY, dcols = dY K^T, then col2im."""
    xp = pad(x, p)
    kh, kw, channels, filters = kernel.shape
    cols = im2col_right(xp, kh, kw, stride)
    dy2 = dy.reshape(-1, filters)
    dk = (cols.T @ dy2).reshape(kernel.shape)
    dcols = (dy2 @ kernel.reshape(-1, filters).T).reshape(dy.shape[:3] + (kh, kw, channels))
    dxp = np.zeros_like(xp)
    for i in range(dy.shape[1]):
        for j in range(dy.shape[2]):
            dxp[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :] += dcols[:, i, j]
    return dxp[:, p:p + x.shape[1], p:p + x.shape[2], :], dk, dy2.sum(axis=0)


def count_right(layers, input_shape):
    h, w, c = input_shape
    counts = []
    for layer in layers:
        if layer[0] == "conv":
            _, filters, k, padding = layer
            counts.append(k * k * c * filters + filters)
            if padding == "valid":
                h, w = h - k + 1, w - k + 1
            c = filters
        elif layer[0] == "pool":
            h, w = h // layer[1], w // layer[1]
            counts.append(0)
        elif layer[0] == "flatten":
            h, w, c = 1, 1, h * w * c
            counts.append(0)
        else:
            counts.append(c * layer[1] + layer[1])
            c = layer[1]
    return counts


def count_with_shapes(layers, input_shape):
    """An alternative: keep the whole shape as a tuple, return a NumPy array."""
    shape, counts = tuple(input_shape), []
    for kind, *args in layers:
        if kind == "conv":
            filters, k, padding = args
            counts.append((k * k * shape[-1] + 1) * filters)
            shrink = k - 1 if padding == "valid" else 0
            shape = (shape[0] - shrink, shape[1] - shrink, filters)
        elif kind == "pool":
            shape, counts = (shape[0] // args[0], shape[1] // args[0], shape[2]), counts + [0]
        elif kind == "flatten":
            shape, counts = (int(np.prod(shape)),), counts + [0]
        else:
            counts.append((shape[-1] + 1) * args[0])
            shape = shape[:-1] + (args[0],)
    return np.array(counts)


@pytest.mark.parametrize("check, student", [
    (ch10.output_size, output_size_right), (ch10.output_size, output_size_floor),
    (ch10.conv_forward, conv_right), (ch10.conv_forward, conv_einsum),
    (ch10.maxpool_forward, maxpool_right), (ch10.maxpool_forward, maxpool_loops),
    (ch10.maxpool_backward, maxpool_backward_right),
    (ch10.maxpool_backward, maxpool_backward_mask),
    (ch10.im2col, im2col_right), (ch10.im2col, im2col_strided),
    (ch10.conv_backward, conv_backward_right), (ch10.conv_backward, conv_backward_im2col),
    (ch10.count_params, count_right), (ch10.count_params, count_with_shapes),
])
def test_right_answers_and_alternatives_pass(check, student):
    result = check(student)
    assert result["passed"], result
    assert result["message"].startswith("all ") and result["message"].endswith("cases passed")


def test_the_references_give_the_lesson_numbers():
    image = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 2, 2, 1)
    kernel = np.array([[1.0, 10.0], [100.0, 1000.0]]).reshape(2, 2, 1, 1)
    assert conv_right(image, kernel, np.zeros(1)).item() == 4321
    assert sum(count_right(ch10.COUNT_CASES[1][1], (20, 20, 3))) == 473_890
    assert sum(count_right(ch10.COUNT_CASES[2][1], (20, 20, 3))) == 68_770


# ---------------------------------------------------------------- output_size

def test_output_size_without_plus_one_fails():
    fails_with(ch10.output_size, lambda n, f, p, s: (n + 2 * p - f) // s,
               "n = 28, f = 3, p = 0, s = 1", "expected the size = 26, got 25",
               "add 1")


def test_output_size_padding_once_fails():
    fails_with(ch10.output_size, lambda n, f, p, s: (n + p - f) // s + 1, "p = 1", "BOTH sides")


def test_output_size_padding_once_is_named_for_larger_padding():
    def once_unless_one(n, f, p, s):
        return (n + 2 * p - f) // s + 1 if p < 2 else (n + p - f) // s + 1

    fails_with(ch10.output_size, once_unless_one, "p = 2", "added on BOTH sides")


def test_output_size_true_division_fails():
    fails_with(ch10.output_size, lambda n, f, p, s: (n + 2 * p - f) / s + 1, "should return an int",
               "integer division")


def test_output_size_rounding_up_fails():
    fails_with(ch10.output_size, lambda n, f, p, s: -(-(n + 2 * p - f) // s) + 1,
               "not up")


# ---------------------------------------------------------------- conv_forward

def test_conv_flipping_the_kernel_fails():
    fails_with(ch10.conv_forward,
               lambda x, k, b, s=1, p=0: conv_right(x, k[::-1, ::-1], b, s, p),
               "expected y = [[[[4321]]]], got [[[[1234]]]]", "cross-correlation")


def test_conv_without_bias_fails():
    fails_with(ch10.conv_forward,
               lambda x, k, b, s=1, p=0: conv_right(x, k, np.zeros_like(b), s, p),
               "bias of each filter")


def test_conv_ignoring_the_stride_fails():
    def stride_one_then_subsample(x, k, b, s=1, p=0):
        y = conv_right(x, k, b, 1, p)
        return y[:, :(y.shape[1] - 1) // s + 1, :(y.shape[2] - 1) // s + 1]   # right shape, wrong windows

    fails_with(ch10.conv_forward, stride_one_then_subsample, "stride 2, pad 1")


def test_conv_ignoring_pad_fails():
    fails_with(ch10.conv_forward, lambda x, k, b, s=1, p=0: conv_right(x, k, b, s, 0),
               "shape (2, 5, 5, 2), got shape (2, 3, 3, 2)", "pad x with `pad` zeros")


def test_conv_padding_in_place_fails():
    def in_place(x, k, b, s=1, p=0):
        y = conv_right(x, k, b, s, p)
        x[...] = 0.0
        return y

    fails_with(ch10.conv_forward, in_place, "changed its input x")


# ---------------------------------------------------------------- maxpool

def test_maxpool_mean_fails():
    def mean_pool(x, pool=2, stride=2):
        out_h, out_w = (x.shape[1] - pool) // stride + 1, (x.shape[2] - pool) // stride + 1
        y = np.zeros((x.shape[0], out_h, out_w, x.shape[3]))
        for i in range(out_h):
            for j in range(out_w):
                y[:, i, j] = x[:, i * stride:i * stride + pool,
                               j * stride:j * stride + pool].mean(axis=(1, 2))
        return y

    fails_with(ch10.maxpool_forward, mean_pool, "4x4 image", "MAXIMUM")


def test_maxpool_first_element_fails():
    fails_with(ch10.maxpool_forward,
               lambda x, pool=2, stride=2: x[:, :(x.shape[1] - pool) // stride * stride + 1:stride,
                                             :(x.shape[2] - pool) // stride * stride + 1:stride],
               "whole window")


def test_maxpool_in_place_fails():
    def in_place(x, pool=2, stride=2):
        y = maxpool_right(x, pool, stride)
        x.sort(axis=1)
        return y

    fails_with(ch10.maxpool_forward, in_place, "changed its input x")


def test_maxpool_backward_average_fails():
    def average(dy, x, pool=2, stride=2):
        dx = np.zeros_like(x)
        for i in range(dy.shape[1]):
            for j in range(dy.shape[2]):
                dx[:, i * stride:i * stride + pool, j * stride:j * stride + pool] += \
                    dy[:, i:i + 1, j:j + 1] / pool ** 2
        return dx

    fails_with(ch10.maxpool_backward, average, "AVERAGE pooling")


def test_maxpool_backward_overwriting_fails():
    def overwrite(dy, x, pool=2, stride=2):
        dx = np.zeros_like(x)
        for n, i, j, c in np.ndindex(dy.shape):
            window = x[n, i * stride:i * stride + pool, j * stride:j * stride + pool, c]
            a, b = np.unravel_index(np.argmax(window), window.shape)
            dx[n, i * stride + a, j * stride + b, c] = dy[n, i, j, c]
        return dx

    fails_with(ch10.maxpool_backward, overwrite, "overlapping 3x3", "ADD (+=)")


def test_maxpool_backward_in_place_fails():
    def in_place(dy, x, pool=2, stride=2):
        dx = maxpool_backward_right(dy, x, pool, stride)
        dy *= 0
        return dx

    fails_with(ch10.maxpool_backward, in_place, "changed its input dy")


# ---------------------------------------------------------------- im2col

def test_im2col_transposed_fails():
    fails_with(ch10.im2col, lambda x, kh, kw, s=1: im2col_right(x, kh, kw, s).T,
               "one ROW per window")


def test_im2col_channels_first_order_fails():
    def channels_first(x, kh, kw, s=1):
        out_h, out_w = (x.shape[1] - kh) // s + 1, (x.shape[2] - kw) // s + 1
        return np.array([x[n, i * s:i * s + kh, j * s:j * s + kw, :].transpose(2, 0, 1).ravel()
                         for n in range(x.shape[0]) for i in range(out_h) for j in range(out_w)])

    fails_with(ch10.im2col, channels_first, "2 channels", "(a, b, c)")


def test_im2col_column_major_positions_fails():
    def j_slowest(x, kh, kw, s=1):
        out_h, out_w = (x.shape[1] - kh) // s + 1, (x.shape[2] - kw) // s + 1
        return np.array([x[n, i * s:i * s + kh, j * s:j * s + kw, :].ravel()
                         for n in range(x.shape[0]) for j in range(out_w) for i in range(out_h)])

    fails_with(ch10.im2col, j_slowest, "(n, i, j) order")


def test_im2col_in_place_fails():
    def in_place(x, kh, kw, s=1):
        cols = im2col_right(x, kh, kw, s)
        x += 1.0
        return cols

    fails_with(ch10.im2col, in_place, "changed its input x")


# ---------------------------------------------------------------- conv_backward

def test_conv_backward_flipped_kernel_fails():
    def flipped(dy, x, k, s=1, p=0):
        _dx, dk, db = conv_backward_right(dy, x, k, s, p)
        return conv_backward_right(dy, x, k[::-1, ::-1], s, p)[0], dk, db

    fails_with(ch10.conv_backward, flipped, "dx", "do not flip the kernel")


def test_conv_backward_mean_bias_fails():
    def mean_bias(dy, x, k, s=1, p=0):
        dx, dk, _ = conv_backward_right(dy, x, k, s, p)
        return dx, dk, dy.mean(axis=(0, 1, 2))

    fails_with(ch10.conv_backward, mean_bias, "dbias", "SUM of dy")


def test_conv_backward_keeping_the_padding_fails():
    def padded(dy, x, k, s=1, p=0):
        _, dk, db = conv_backward_right(dy, x, k, s, p)
        xp = pad(x, p)
        dxp = np.zeros_like(xp)
        kh, kw = k.shape[:2]
        for n, i, j, f in np.ndindex(dy.shape):
            dxp[n, i * s:i * s + kh, j * s:j * s + kw, :] += dy[n, i, j, f] * k[:, :, :, f]
        return dxp, dk, db

    fails_with(ch10.conv_backward, padded, "cut the padding off")


def test_conv_backward_in_place_fails():
    def in_place(dy, x, k, s=1, p=0):
        result = conv_backward_right(dy, x, k, s, p)
        k *= 2
        return result

    fails_with(ch10.conv_backward, in_place, "changed its input kernel")


# ---------------------------------------------------------------- count_params

def test_count_without_bias_fails():
    def no_bias(layers, shape):
        counts = count_right(layers, shape)
        return [n - layer[1] if layer[0] == "conv" else n for n, layer in zip(counts, layers)]

    fails_with(ch10.count_params, no_bias, "small model", "has a bias")


def test_count_dense_on_the_whole_image_fails():
    def flat_dense(layers, shape):
        h, w, c = shape
        counts = count_right(layers, shape)
        if layers[0][0] == "dense":
            counts[0] = h * w * c * layers[0][1] + layers[0][1]
        return counts

    fails_with(ch10.count_params, flat_dense, "valid model", "LAST axis")


def test_count_same_shrinking_fails():
    def shrinking(layers, shape):
        return count_right([(l[0], l[1], l[2], "valid") if l[0] == "conv" else l
                            for l in layers], shape)

    fails_with(ch10.count_params, shrinking, "'same' keeps")


def test_count_total_only_fails():
    fails_with(ch10.count_params, lambda layers, shape: sum(count_right(layers, shape)),
               "PER LAYER")


def test_count_changing_the_list_fails():
    def appending(layers, shape):
        counts = count_right(layers, shape)
        layers.append(("flatten",))
        return counts

    fails_with(ch10.count_params, appending, "changed the list of layers")

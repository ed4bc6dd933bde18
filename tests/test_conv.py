"""Tests for nnedu.conv: sizes, padding, naive vs vectorized, gradients, pooling facts."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nnedu import conv
from nnedu.gradcheck import numerical_gradient, rel_error

# ------------------------------------------------------------------ output size and padding


@pytest.mark.parametrize("n, f, padding, stride, expected", [
    (28, 3, "valid", 1, 26),      # n - f + 1
    (28, 5, "valid", 1, 24),
    (28, 3, "same", 1, 28),       # same keeps n
    (28, 2, "valid", 2, 14),      # 2x2 stride 2 halves
    (28, 3, "same", 2, 14),       # ceil(28 / 2)
    (27, 3, "same", 2, 14),       # ceil(27 / 2)
    (7, 3, "valid", 2, 3),        # floor((7 - 3) / 2) + 1
    (5, 3, 1, 1, 5),              # explicit p = 1: floor((5 + 2 - 3) / 1) + 1
    (32, 5, 2, 1, 32),
    (6, 3, 1, 2, 3),              # floor((6 + 2 - 3) / 2) + 1
])
def test_output_size_values(n, f, padding, stride, expected):
    assert conv.output_size(n, f, padding, stride) == expected


@given(n=st.integers(1, 40), f=st.integers(1, 7))
def test_same_padding_keeps_n_at_stride_1(n, f):
    assert conv.output_size(n, f, "same", 1) == n
    before, after = conv.pad_amounts(n, f, "same", 1)
    assert before + after == f - 1 and after - before in (0, 1)


@pytest.mark.parametrize("n, f, stride, expected", [
    (28, 3, 1, (1, 1)), (28, 2, 1, (0, 1)), (28, 4, 1, (1, 2)), (28, 5, 1, (2, 2)),
    (28, 3, 2, (0, 1)),  # total = (14 - 1) * 2 + 3 - 28 = 1: the extra zero at the end
    (27, 3, 2, (1, 1)),
    (5, 1, 1, (0, 0)),
])
def test_pad_amounts_follow_keras(n, f, stride, expected):
    assert conv.pad_amounts(n, f, "same", stride) == expected
    assert conv.pad_amounts(n, f, "valid", stride) == (0, 0)


def test_output_size_rejects_bad_input():
    with pytest.raises(ValueError, match="does not fit"):
        conv.output_size(3, 5)
    with pytest.raises(ValueError, match="padding"):
        conv.output_size(5, 3, "full")
    with pytest.raises(TypeError, match="stride"):
        conv.output_size(5, 3, "valid", 1.5)


# ------------------------------------------------------------------ cross-correlation facts


def test_cross_correlation_fact_from_the_course():
    # image [[1, 2], [3, 4]], kernel [[a, b], [c, d]] -> a + 2b + 3c + 4d (no flip)
    a, b, c, d = 10.0, 100.0, 1000.0, 10000.0
    x = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 2, 2, 1)
    kernel = np.array([[a, b], [c, d]]).reshape(2, 2, 1, 1)
    expected = a + 2 * b + 3 * c + 4 * d             # 43210
    assert conv.conv2d_naive(x, kernel).item() == expected
    assert conv.conv2d_forward(x, kernel)[0].item() == expected
    assert expected != 4 * a + 3 * b + 2 * c + d      # the flipped (true) convolution differs


@settings(max_examples=20, deadline=None)
@given(n=st.integers(1, 3), h=st.integers(1, 7), w=st.integers(1, 7), c=st.integers(1, 3),
       seed=st.integers(0, 1000))
def test_delta_kernel_is_the_identity(n, h, w, c, seed):
    x = np.random.default_rng(seed).normal(size=(n, h, w, c))
    kernel = np.zeros((3, 3, c, c))
    for channel in range(c):
        kernel[1, 1, channel, channel] = 1.0   # a 1 in the centre, channel to itself
    y, _ = conv.conv2d_forward(x, kernel, padding="same")
    np.testing.assert_array_equal(y, x)


def test_hand_computed_convolution_with_stride_and_bias():
    x = np.arange(16.0).reshape(1, 4, 4, 1)      # rows 0..3, 4..7, 8..11, 12..15
    kernel = np.ones((2, 2, 1, 1))
    y, _ = conv.conv2d_forward(x, kernel, bias=[0.5], stride=2)
    # windows [[0,1],[4,5]] = 10, [[2,3],[6,7]] = 18, [[8,9],[12,13]] = 42, [[10,11],[14,15]] = 50
    np.testing.assert_array_equal(y.reshape(2, 2), [[10.5, 18.5], [42.5, 50.5]])


def test_same_padding_puts_the_extra_zero_at_the_bottom_right():
    rng = np.random.default_rng(1)
    x, kernel = rng.normal(size=(2, 5, 6, 2)), rng.normal(size=(2, 2, 2, 3))
    y, _ = conv.conv2d_forward(x, kernel, padding="same")
    padded = np.pad(x, ((0, 0), (0, 1), (0, 1), (0, 0)))  # kernel 2: pad 0 before, 1 after
    expected, _ = conv.conv2d_forward(padded, kernel, padding="valid")
    np.testing.assert_allclose(y, expected, rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------------ im2col / col2im


def test_im2col_by_hand():
    xp = np.arange(9.0).reshape(1, 3, 3, 1)
    cols = conv.im2col(xp, 2, 2)
    np.testing.assert_array_equal(cols, [[0, 1, 3, 4], [1, 2, 4, 5], [3, 4, 6, 7],
                                         [4, 5, 7, 8]])


def test_col2im_counts_the_windows_each_pixel_is_in():
    ones = np.ones((4, 4))                        # 4 windows of 2x2, im2col's layout
    counts = conv.col2im(ones, (1, 3, 3, 1), 2, 2)
    np.testing.assert_array_equal(counts[0, :, :, 0], [[1, 2, 1], [2, 4, 2], [1, 2, 1]])


def test_col2im_is_the_adjoint_of_im2col():
    # <im2col(x), g> == <x, col2im(g)> for any x and g: col2im is im2col's transpose
    rng = np.random.default_rng(2)
    xp = rng.normal(size=(2, 7, 6, 3))
    cols = conv.im2col(xp, 3, 2, (2, 1))
    g = rng.normal(size=cols.shape)
    lhs = np.sum(cols * g)
    rhs = np.sum(xp * conv.col2im(g, xp.shape, 3, 2, (2, 1)))
    assert abs(lhs - rhs) < 1e-10 * abs(lhs)


# ------------------------------------------------------------------ naive vs vectorized

conv_cases = st.fixed_dictionaries({
    "n": st.integers(1, 2), "h": st.integers(2, 7), "w": st.integers(2, 7),
    "c": st.integers(1, 3), "f": st.integers(1, 3), "kh": st.integers(1, 3),
    "kw": st.integers(1, 3), "sh": st.integers(1, 2), "sw": st.integers(1, 2),
    "padding": st.sampled_from(["valid", "same"]), "seed": st.integers(0, 10_000),
})


@settings(max_examples=30, deadline=None)
@given(case=conv_cases)
def test_naive_and_vectorized_convolution_agree(case):
    assume(case["padding"] == "same" or (case["kh"] <= case["h"] and case["kw"] <= case["w"]))
    rng = np.random.default_rng(case["seed"])
    x = rng.normal(size=(case["n"], case["h"], case["w"], case["c"]))
    kernel = rng.normal(size=(case["kh"], case["kw"], case["c"], case["f"]))
    bias = rng.normal(size=case["f"])
    stride, padding = (case["sh"], case["sw"]), case["padding"]
    expected = conv.conv2d_naive(x, kernel, bias, stride, padding)
    y, cache = conv.conv2d_forward(x, kernel, bias, stride, padding)
    np.testing.assert_allclose(y, expected, rtol=1e-10, atol=1e-12)
    dy = rng.normal(size=y.shape)
    for fast, slow in zip(conv.conv2d_backward(dy, cache),
                          conv.conv2d_naive_backward(dy, x, kernel, stride, padding)):
        np.testing.assert_allclose(fast, slow, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("kernel_size, stride, padding", [
    ((3, 3), 1, "valid"), ((3, 3), 1, "same"), ((2, 2), 1, "same"), ((3, 3), 2, "same"),
    ((2, 2), 2, "valid"), ((2, 3), (2, 1), "same"), ((4, 4), 2, "same"),
])
def test_conv_backward_matches_numerical_gradients(kernel_size, stride, padding):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 6, 5, 2))
    kernel = rng.normal(size=kernel_size + (2, 3))
    bias = rng.normal(size=3)
    y, cache = conv.conv2d_forward(x, kernel, bias, stride, padding)
    upstream = rng.normal(size=y.shape)
    dx, dkernel, dbias = conv.conv2d_backward(upstream, cache)

    def loss(_):
        return np.sum(conv.conv2d_forward(x, kernel, bias, stride, padding)[0] * upstream)

    for analytic, array in ((dx, x), (dkernel, kernel), (dbias, bias)):
        assert rel_error(analytic, numerical_gradient(loss, array)) < 1e-6


# ------------------------------------------------------------------ pooling

pool_cases = st.fixed_dictionaries({
    "n": st.integers(1, 2), "h": st.integers(2, 7), "w": st.integers(2, 7),
    "c": st.integers(1, 3), "ph": st.integers(1, 3), "pw": st.integers(1, 3),
    "stride": st.sampled_from([None, 1, 2, (2, 1)]),
    "padding": st.sampled_from(["valid", "same"]), "seed": st.integers(0, 10_000),
})


def _fits(case):
    return case["padding"] == "same" or (case["ph"] <= case["h"] and case["pw"] <= case["w"])


@settings(max_examples=30, deadline=None)
@given(case=pool_cases)
def test_naive_and_vectorized_pooling_agree(case):
    assume(_fits(case))
    rng = np.random.default_rng(case["seed"])
    x = rng.normal(size=(case["n"], case["h"], case["w"], case["c"]))
    args = ((case["ph"], case["pw"]), case["stride"], case["padding"])
    y, cache = conv.maxpool_forward(x, *args)
    np.testing.assert_array_equal(y, conv.maxpool_naive(x, *args))
    dy = rng.normal(size=y.shape)
    np.testing.assert_allclose(conv.maxpool_backward(dy, cache),
                               conv.maxpool_naive_backward(dy, x, *args), atol=1e-12)
    mean, _ = conv.avgpool_forward(x, *args)
    np.testing.assert_allclose(mean, conv.avgpool_naive(x, *args), rtol=1e-12, atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(case=pool_cases, value=st.floats(-100, 100))
def test_pooling_a_constant_gives_the_constant(case, value):
    assume(_fits(case))
    x = np.full((case["n"], case["h"], case["w"], case["c"]), value)
    args = ((case["ph"], case["pw"]), case["stride"], case["padding"])
    y, cache = conv.maxpool_forward(x, *args)
    assert np.all(y == value)
    assert np.allclose(conv.avgpool_forward(x, *args)[0], value, rtol=1e-12, atol=1e-12)
    # ties: each window sends its gradient to exactly one position
    dy = np.ones_like(y)
    assert conv.maxpool_backward(dy, cache).sum() == pytest.approx(dy.size)


def test_maxpool_by_hand():
    x = np.array([[1, 3, 2, 0],
                  [4, 2, 1, 5],
                  [0, 1, 7, 6],
                  [2, 9, 3, 1]], dtype=float).reshape(1, 4, 4, 1)
    y, cache = conv.maxpool_forward(x)
    np.testing.assert_array_equal(y.reshape(2, 2), [[4, 5], [9, 7]])
    dx = conv.maxpool_backward(np.array([10.0, 20, 30, 40]).reshape(1, 2, 2, 1), cache)
    expected = np.zeros((4, 4))
    expected[1, 0], expected[1, 3], expected[3, 1], expected[2, 2] = 10, 20, 30, 40
    np.testing.assert_array_equal(dx.reshape(4, 4), expected)
    mean, _ = conv.avgpool_forward(x)
    np.testing.assert_array_equal(mean.reshape(2, 2), [[2.5, 2.0], [3.0, 4.25]])


def test_avgpool_same_padding_averages_real_pixels_only():
    x = np.arange(9.0).reshape(1, 3, 3, 1)        # 2x2 same: pads one row/column at the end
    y, _ = conv.avgpool_forward(x, 2, padding="same")
    # windows: [[0,1],[3,4]] -> 2, [[2],[5]] -> 3.5, [[6,7]] -> 6.5, [[8]] -> 8
    np.testing.assert_array_equal(y.reshape(2, 2), [[2.0, 3.5], [6.5, 8.0]])


@pytest.mark.parametrize("pool_size, stride, padding", [
    (2, None, "valid"), (3, 2, "same"), (2, 1, "valid"), ((2, 3), None, "same"), (3, 1, "same"),
])
def test_pool_backward_matches_numerical_gradients(pool_size, stride, padding):
    rng = np.random.default_rng(4)
    x = rng.normal(size=(2, 5, 6, 2))
    for forward, backward in ((conv.maxpool_forward, conv.maxpool_backward),
                              (conv.avgpool_forward, conv.avgpool_backward)):
        y, cache = forward(x, pool_size, stride, padding)
        upstream = rng.normal(size=y.shape)
        dx = backward(upstream, cache)

        def loss(x_in, forward=forward, upstream=upstream):
            return np.sum(forward(x_in, pool_size, stride, padding)[0] * upstream)

        assert rel_error(dx, numerical_gradient(loss, x.copy())) < 1e-6


# ------------------------------------------------------------------ dtypes and errors


def test_float32_stays_float32():
    x = np.ones((1, 4, 4, 2), dtype=np.float32)
    y, cache = conv.conv2d_forward(x, np.ones((3, 3, 2, 1)), padding="same")
    assert y.dtype == np.float32
    assert conv.conv2d_backward(np.ones_like(y), cache)[0].dtype == np.float32
    assert conv.maxpool_forward(x)[0].dtype == np.float32
    assert conv.avgpool_forward(x)[0].dtype == np.float32


def test_conv_errors_name_the_expected_shape():
    x = np.ones((1, 4, 4, 2))
    with pytest.raises(ValueError, match=r"kernel must have shape \(kh, kw, 2, filters\)"):
        conv.conv2d_forward(x, np.ones((3, 3, 3, 1)))
    with pytest.raises(ValueError, match=r"\(N, H, W, C\).*\(4, 4, 2\)"):
        conv.conv2d_forward(x[0], np.ones((3, 3, 2, 1)))
    with pytest.raises(ValueError, match=r"bias must have shape \(1,\)"):
        conv.conv2d_forward(x, np.ones((3, 3, 2, 1)), bias=[1.0, 2.0])
    with pytest.raises(ValueError, match="does not fit"):
        conv.conv2d_forward(x, np.ones((5, 5, 2, 1)))
    with pytest.raises(ValueError, match="padding"):
        conv.maxpool_forward(x, 2, padding="full")

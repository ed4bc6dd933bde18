"""Tests for nnedu.conv: sizes, padding, naive vs vectorized, gradients, pooling facts."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nnedu import config, conv
from nnedu.gradcheck import numerical_gradient, rel_error

# The two versions of each operation: (forward, backward), naive first.
CONV_PAIRS = [(conv.conv2d_forward_naive, conv.conv2d_backward_naive),
              (conv.conv2d_forward, conv.conv2d_backward)]
MAXPOOL_PAIRS = [(conv.maxpool_forward_naive, conv.maxpool_backward_naive),
                 (conv.maxpool_forward, conv.maxpool_backward)]
AVGPOOL_PAIRS = [(conv.avgpool_forward_naive, conv.avgpool_backward_naive),
                 (conv.avgpool_forward, conv.avgpool_backward)]
POOL_PAIRS = MAXPOOL_PAIRS + AVGPOOL_PAIRS
naive_or_fast = pytest.mark.parametrize("version", [0, 1], ids=["naive", "fast"])

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
    with pytest.raises(TypeError, match="padding"):
        conv.output_size(5, 3, 1.5)


# ------------------------------------------------------------------ cross-correlation facts


@naive_or_fast
def test_cross_correlation_fact_from_the_course(version):
    # image [[1, 2], [3, 4]], kernel [[a, b], [c, d]] -> a + 2b + 3c + 4d (no flip)
    forward = CONV_PAIRS[version][0]
    a, b, c, d = 10.0, 100.0, 1000.0, 10000.0
    x = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 2, 2, 1)
    kernel = np.array([[a, b], [c, d]]).reshape(2, 2, 1, 1)
    expected = a + 2 * b + 3 * c + 4 * d             # 43210
    assert forward(x, kernel)[0].item() == expected
    assert expected != 4 * a + 3 * b + 2 * c + d      # the flipped (true) convolution differs


@settings(max_examples=15, deadline=None)
@given(n=st.integers(1, 3), h=st.integers(1, 7), w=st.integers(1, 7),
       c=st.sampled_from([1, 2, 3, conv.MANY_CHANNELS, conv.MANY_CHANNELS + 1]),
       seed=st.integers(0, 1000), version=st.sampled_from([0, 1]))
def test_delta_kernel_is_the_identity(n, h, w, c, seed, version):
    x = np.random.default_rng(seed).normal(size=(n, h, w, c))
    kernel = np.zeros((3, 3, c, c))
    for channel in range(c):
        kernel[1, 1, channel, channel] = 1.0   # a 1 in the centre, channel to itself
    y, cache = CONV_PAIRS[version][0](x, kernel, padding="same")
    np.testing.assert_array_equal(y, x)
    # and its gradient passes dy through unchanged
    dy = np.random.default_rng(seed + 1).normal(size=y.shape)
    np.testing.assert_array_equal(CONV_PAIRS[version][1](dy, cache)[0], dy)


@naive_or_fast
def test_hand_computed_convolution_with_stride_and_bias(version):
    x = np.arange(16.0).reshape(1, 4, 4, 1)      # rows 0..3, 4..7, 8..11, 12..15
    kernel = np.ones((2, 2, 1, 1))
    y, _ = CONV_PAIRS[version][0](x, kernel, bias=[0.5], stride=2)
    # windows [[0,1],[4,5]] = 10, [[2,3],[6,7]] = 18, [[8,9],[12,13]] = 42, [[10,11],[14,15]] = 50
    np.testing.assert_array_equal(y.reshape(2, 2), [[10.5, 18.5], [42.5, 50.5]])


@naive_or_fast
def test_hand_computed_gradients(version):
    # x 3x3, a 2x2 kernel at stride 1: 4 windows; dy = [[1, 2], [3, 4]]
    forward, backward = CONV_PAIRS[version]
    x = np.arange(9.0).reshape(1, 3, 3, 1)
    kernel = np.array([[1.0, 10.0], [100.0, 1000.0]]).reshape(2, 2, 1, 1)
    y, cache = forward(x, kernel, bias=[0.0])
    dx, dkernel, dbias = backward(np.array([1.0, 2.0, 3.0, 4.0]).reshape(y.shape), cache)
    # dbias = 1 + 2 + 3 + 4; dkernel[a, b] = sum over windows of dy * x[i + a, j + b]
    assert dbias.tolist() == [10.0]
    np.testing.assert_array_equal(dkernel.reshape(2, 2), [[0 + 2 + 9 + 16, 1 + 4 + 12 + 20],
                                                         [3 + 8 + 18 + 28, 4 + 10 + 21 + 32]])
    # dx[p] = sum over the windows holding p of dy * the kernel weight that touched p
    np.testing.assert_array_equal(dx.reshape(3, 3), [[1, 10 + 2, 20],
                                                     [100 + 3, 1000 + 200 + 30 + 4, 2000 + 40],
                                                     [300, 3000 + 400, 4000]])


def test_same_padding_puts_the_extra_zero_at_the_bottom_right():
    rng = np.random.default_rng(1)
    x, kernel = rng.normal(size=(2, 5, 6, 2)), rng.normal(size=(2, 2, 2, 3))
    y, _ = conv.conv2d_forward(x, kernel, padding="same")
    padded = np.pad(x, ((0, 0), (0, 1), (0, 1), (0, 0)))  # kernel 2: pad 0 before, 1 after
    expected, _ = conv.conv2d_forward(padded, kernel, padding="valid")
    np.testing.assert_allclose(y, expected, rtol=1e-12, atol=1e-12)


def test_nan_inputs_are_not_scanned_in_the_fast_path():
    # the model checks its inputs once; the per-batch kernels just compute (nan propagates)
    x = np.ones((1, 3, 3, 1))
    x[0, 0, 0, 0] = np.nan
    y, _ = conv.conv2d_forward(x, np.ones((2, 2, 1, 1)))
    assert np.isnan(y[0, 0, 0, 0]) and np.isfinite(y[0, 1, 1, 0])


# ------------------------------------------------------------------ im2col / col2im


def test_im2col_by_hand():
    # one 3x4 image, channels-first (C, N, H, W); 2x2 windows -> 4 rows (a, b), 6 columns (i, j)
    x_pad = np.arange(12.0).reshape(1, 1, 3, 4)   # rows 0..3, 4..7, 8..11
    cols = conv.im2col(x_pad, 2, 2)
    np.testing.assert_array_equal(cols, [[0, 1, 2, 4, 5, 6],      # (a, b) = (0, 0)
                                         [1, 2, 3, 5, 6, 7],      # (0, 1)
                                         [4, 5, 6, 8, 9, 10],     # (1, 0)
                                         [5, 6, 7, 9, 10, 11]])   # (1, 1)


def test_im2col_follows_its_formula_with_strides_and_channels():
    rng = np.random.default_rng(5)
    x_pad = rng.normal(size=(2, 3, 7, 6))          # C=2, N=3
    kh, kw, (sh, sw) = 3, 2, (2, 1)
    cols = conv.im2col(x_pad, kh, kw, (sh, sw)).reshape(kh, kw, 2, 3, 3, 5)
    for a, b, c, n, i, j in [(0, 0, 0, 0, 0, 0), (2, 1, 1, 2, 2, 4), (1, 0, 1, 1, 2, 3)]:
        assert cols[a, b, c, n, i, j] == x_pad[c, n, i * sh + a, j * sw + b]


def test_col2im_counts_the_windows_each_pixel_is_in():
    ones = np.ones((4, 4))                        # 4 windows of 2x2, im2col's layout
    counts = conv.col2im(ones, (1, 1, 3, 3), 2, 2)
    np.testing.assert_array_equal(counts[0, 0], [[1, 2, 1], [2, 4, 2], [1, 2, 1]])


def test_col2im_is_the_adjoint_of_im2col():
    # <im2col(x), g> == <x, col2im(g)> for any x and g: col2im is im2col's transpose
    rng = np.random.default_rng(2)
    x_pad = rng.normal(size=(3, 2, 7, 6))
    cols = conv.im2col(x_pad, 3, 2, (2, 1))
    g = rng.normal(size=cols.shape)
    lhs = np.sum(cols * g)
    rhs = np.sum(x_pad * conv.col2im(g, x_pad.shape, 3, 2, (2, 1)))
    assert abs(lhs - rhs) < 1e-10 * abs(lhs)


# ------------------------------------------------------------------ naive vs vectorized

# channels on both sides of conv.MANY_CHANNELS: the fast path has two memory layouts
CHANNELS = st.sampled_from([1, 2, 3, conv.MANY_CHANNELS, conv.MANY_CHANNELS + 1])
conv_cases = st.fixed_dictionaries({
    "n": st.integers(1, 2), "h": st.integers(1, 7), "w": st.integers(1, 7),
    "c": CHANNELS, "f": st.integers(1, 3), "kh": st.integers(1, 4),
    "kw": st.integers(1, 4), "sh": st.integers(1, 3), "sw": st.integers(1, 3),
    "padding": st.sampled_from(["valid", "same"]), "seed": st.integers(0, 10_000),
})


def _conv_inputs(case, dtype=np.float64):
    rng = np.random.default_rng(case["seed"])
    x = rng.normal(size=(case["n"], case["h"], case["w"], case["c"])).astype(dtype)
    kernel = rng.normal(size=(case["kh"], case["kw"], case["c"], case["f"])).astype(dtype)
    bias = rng.normal(size=case["f"]).astype(dtype)
    return rng, x, kernel, bias, (case["sh"], case["sw"]), case["padding"]


def _conv_fits(case):
    return case["padding"] == "same" or (case["kh"] <= case["h"] and case["kw"] <= case["w"])


@settings(max_examples=40, deadline=None)
@given(case=conv_cases)
def test_naive_and_vectorized_convolution_agree(case):
    assume(_conv_fits(case))
    rng, x, kernel, bias, stride, padding = _conv_inputs(case)
    y_slow, cache_slow = conv.conv2d_forward_naive(x, kernel, bias, stride, padding)
    y, cache = conv.conv2d_forward(x, kernel, bias, stride, padding)
    assert y.shape == y_slow.shape == (case["n"], conv.output_size(case["h"], case["kh"], padding,
                                                                   case["sh"]),
                                       conv.output_size(case["w"], case["kw"], padding,
                                                        case["sw"]), case["f"])
    np.testing.assert_allclose(y, y_slow, rtol=1e-10, atol=1e-12)
    dy = rng.normal(size=y.shape)
    fast, slow = conv.conv2d_backward(dy, cache), conv.conv2d_backward_naive(dy, cache_slow)
    for got, expected, shape in zip(fast, slow, (x.shape, kernel.shape, bias.shape)):
        assert got.shape == expected.shape == shape
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("channels", [2, conv.MANY_CHANNELS])
@pytest.mark.parametrize("gemm_block, dx_block", [(1, 1), (7, 96)])  # dy: 3x4x4 a sample
def test_the_products_are_the_same_block_by_block(monkeypatch, channels, gemm_block, dx_block):
    # tiny blocks: several matrix products (GEMM_BLOCK output pixels each) and several
    # blocks of samples for the channels-last dx (CACHE_BLOCK numbers of dy each)
    monkeypatch.setattr(conv, "GEMM_BLOCK", gemm_block)
    monkeypatch.setattr(conv, "CACHE_BLOCK", dx_block)
    rng = np.random.default_rng(7)
    x = rng.normal(size=(3, 5, 4, channels))
    kernel, bias = rng.normal(size=(3, 2, channels, 4)), rng.normal(size=4)
    y, cache = conv.conv2d_forward(x, kernel, bias, (2, 1), "same")
    y_slow, cache_slow = conv.conv2d_forward_naive(x, kernel, bias, (2, 1), "same")
    np.testing.assert_allclose(y, y_slow, rtol=1e-10, atol=1e-12)
    dy = rng.normal(size=y.shape)
    for got, want in zip(conv.conv2d_backward(dy, cache),
                         conv.conv2d_backward_naive(dy, cache_slow)):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


@settings(max_examples=15, deadline=None)
@given(case=conv_cases)
def test_float32_convolution_agrees_with_float64_and_stays_float32(case):
    assume(_conv_fits(case))
    _, x, kernel, bias, stride, padding = _conv_inputs(case, np.float32)
    y32, cache32 = conv.conv2d_forward(x, kernel, bias, stride, padding)
    y64, cache64 = conv.conv2d_forward(x.astype(np.float64), kernel, bias, stride, padding)
    assert y32.dtype == np.float32
    np.testing.assert_allclose(y32, y64, rtol=1e-4, atol=1e-4)
    grads32 = conv.conv2d_backward(np.ones_like(y32), cache32)
    grads64 = conv.conv2d_backward(np.ones_like(y64), cache64)
    for g32, g64 in zip(grads32, grads64):
        assert g32.dtype == np.float32
        np.testing.assert_allclose(g32, g64, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("kernel_size, stride, padding", [
    ((3, 3), 1, "valid"), ((3, 3), 1, "same"), ((2, 2), 1, "same"), ((3, 3), 2, "same"),
    ((2, 2), 2, "valid"), ((2, 3), (2, 1), "same"), ((4, 4), 2, "same"),
])
@pytest.mark.parametrize("channels", [2, conv.MANY_CHANNELS])
@naive_or_fast
def test_conv_backward_matches_numerical_gradients(kernel_size, stride, padding, channels,
                                                   version):
    forward, backward = CONV_PAIRS[version]
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 5, 4, channels))
    kernel = rng.normal(size=kernel_size + (channels, 3))
    bias = rng.normal(size=3)
    y, cache = forward(x, kernel, bias, stride, padding)
    upstream = rng.normal(size=y.shape)
    dx, dkernel, dbias = backward(upstream, cache)

    def loss(_):
        return np.sum(forward(x, kernel, bias, stride, padding)[0] * upstream)

    for analytic, array in ((dx, x), (dkernel, kernel), (dbias, bias)):
        assert rel_error(analytic, numerical_gradient(loss, array)) < 1e-7


# ------------------------------------------------------------------ pooling

pool_cases = st.fixed_dictionaries({
    "n": st.integers(1, 2), "h": st.integers(1, 7), "w": st.integers(1, 7),
    "c": st.integers(1, 3), "ph": st.integers(1, 3), "pw": st.integers(1, 3),
    "stride": st.sampled_from([None, 1, 2, 3, (2, 1), (1, 3)]),
    "padding": st.sampled_from(["valid", "same"]), "seed": st.integers(0, 10_000),
})


def _pool_fits(case):
    return case["padding"] == "same" or (case["ph"] <= case["h"] and case["pw"] <= case["w"])


@settings(max_examples=40, deadline=None)
@given(case=pool_cases)
def test_naive_and_vectorized_pooling_agree(case):
    assume(_pool_fits(case))
    rng = np.random.default_rng(case["seed"])
    x = rng.normal(size=(case["n"], case["h"], case["w"], case["c"]))
    args = ((case["ph"], case["pw"]), case["stride"], case["padding"])
    for (slow_forward, slow_backward), (forward, backward) in (MAXPOOL_PAIRS, AVGPOOL_PAIRS):
        y_slow, cache_slow = slow_forward(x, *args)
        y, cache = forward(x, *args)
        np.testing.assert_allclose(y, y_slow, rtol=1e-12, atol=1e-12)
        dy = rng.normal(size=y.shape)
        dx = backward(dy, cache)
        assert dx.shape == x.shape
        np.testing.assert_allclose(dx, slow_backward(dy, cache_slow), rtol=1e-12, atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(case=pool_cases, value=st.floats(-100, 100), version=st.sampled_from([0, 1]))
def test_pooling_a_constant_gives_the_constant(case, value, version):
    assume(_pool_fits(case))
    x = np.full((case["n"], case["h"], case["w"], case["c"]), value)
    args = ((case["ph"], case["pw"]), case["stride"], case["padding"])
    forward, backward = MAXPOOL_PAIRS[version]
    y, cache = forward(x, *args)
    assert np.all(y == value)
    np.testing.assert_allclose(AVGPOOL_PAIRS[version][0](x, *args)[0], value, rtol=1e-12,
                               atol=1e-12)
    # ties: each window sends its gradient to exactly one position
    dy = np.ones_like(y)
    assert backward(dy, cache).sum() == pytest.approx(dy.size)


@pytest.mark.parametrize("pairs", [MAXPOOL_PAIRS, AVGPOOL_PAIRS], ids=["max", "avg"])
@naive_or_fast
def test_pooling_by_hand(pairs, version):
    x = np.array([[1, 3, 2, 0],
                  [4, 2, 1, 5],
                  [0, 1, 7, 6],
                  [2, 9, 3, 1]], dtype=float).reshape(1, 4, 4, 1)
    forward, backward = pairs[version]
    y, cache = forward(x)
    dx = backward(np.array([10.0, 20, 30, 40]).reshape(1, 2, 2, 1), cache).reshape(4, 4)
    if pairs is MAXPOOL_PAIRS:
        np.testing.assert_array_equal(y.reshape(2, 2), [[4, 5], [9, 7]])
        expected = np.zeros((4, 4))
        expected[1, 0], expected[1, 3], expected[3, 1], expected[2, 2] = 10, 20, 30, 40
    else:
        np.testing.assert_array_equal(y.reshape(2, 2), [[2.5, 2.0], [3.0, 4.25]])
        expected = np.kron([[10.0, 20.0], [30.0, 40.0]], np.ones((2, 2))) / 4
    np.testing.assert_array_equal(dx, expected)


@naive_or_fast
def test_maxpool_ties_go_to_the_first_position(version):
    forward, backward = MAXPOOL_PAIRS[version]
    x = np.array([[5.0, 5.0], [1.0, 5.0]]).reshape(1, 2, 2, 1)
    y, cache = forward(x)
    np.testing.assert_array_equal(backward(np.ones_like(y), cache).reshape(2, 2),
                                  [[1, 0], [0, 0]])


@naive_or_fast
def test_avgpool_same_padding_averages_real_pixels_only(version):
    x = np.arange(9.0).reshape(1, 3, 3, 1)        # 2x2 same: pads one row/column at the end
    forward, backward = AVGPOOL_PAIRS[version]
    y, cache = forward(x, 2, padding="same")
    # windows: [[0,1],[3,4]] -> 2, [[2],[5]] -> 3.5, [[6,7]] -> 6.5, [[8]] -> 8
    np.testing.assert_array_equal(y.reshape(2, 2), [[2.0, 3.5], [6.5, 8.0]])
    dx = backward(np.ones_like(y), cache).reshape(3, 3)
    np.testing.assert_array_equal(dx, [[0.25, 0.25, 0.5], [0.25, 0.25, 0.5], [0.5, 0.5, 1.0]])


@pytest.mark.parametrize("pool_size, stride, padding", [
    (2, None, "valid"), (3, 2, "same"), (2, 1, "valid"), ((2, 3), None, "same"), (3, 1, "same"),
])
@pytest.mark.parametrize("pair", range(4), ids=["max-naive", "max-fast", "avg-naive", "avg-fast"])
def test_pool_backward_matches_numerical_gradients(pool_size, stride, padding, pair):
    forward, backward = POOL_PAIRS[pair]
    rng = np.random.default_rng(4)
    x = rng.normal(size=(2, 5, 6, 2))
    y, cache = forward(x, pool_size, stride, padding)
    upstream = rng.normal(size=y.shape)
    dx = backward(upstream, cache)

    def loss(x_in):
        return np.sum(forward(x_in, pool_size, stride, padding)[0] * upstream)

    assert rel_error(dx, numerical_gradient(loss, x.copy())) < 1e-7


# ------------------------------------------------------------------ dtypes, names and errors


@pytest.mark.parametrize("pairs", [CONV_PAIRS, MAXPOOL_PAIRS, AVGPOOL_PAIRS],
                         ids=["conv", "max", "avg"])
@pytest.mark.parametrize("channels", [2, conv.MANY_CHANNELS])
@naive_or_fast
def test_float32_stays_float32(pairs, channels, version):
    forward, backward = pairs[version]
    x = np.arange(16 * channels, dtype=np.float32).reshape(1, 4, 4, channels)
    args = (np.ones((3, 3, channels, 1)), None, 1, "same") if pairs is CONV_PAIRS else (2,)
    y, cache = forward(x, *args)
    assert y.dtype == np.float32
    grads = backward(np.ones(y.shape), cache)   # a float64 dy does not widen the result
    for grad in (grads if pairs is CONV_PAIRS else (grads,)):
        assert grad.dtype == np.float32


def test_integers_become_floatx():
    x = np.arange(16).reshape(1, 4, 4, 1)
    assert conv.conv2d_forward(x, np.ones((2, 2, 1, 1)))[0].dtype == np.float64
    config.set_floatx("float32")
    try:
        assert conv.conv2d_forward(x, np.ones((2, 2, 1, 1)))[0].dtype == np.float32
        assert conv.maxpool_forward(x)[0].dtype == np.float32
    finally:
        config.set_floatx("float64")


def test_the_old_name_conv2d_naive_still_gives_y():
    rng = np.random.default_rng(6)
    x, kernel, bias = rng.normal(size=(1, 4, 5, 2)), rng.normal(size=(3, 2, 2, 2)), [1.0, 2.0]
    np.testing.assert_array_equal(conv.conv2d_naive(x, kernel, bias, 1, "same"),
                                  conv.conv2d_forward_naive(x, kernel, bias, 1, "same")[0])


@pytest.mark.parametrize("forward", [conv.conv2d_forward, conv.conv2d_forward_naive])
def test_conv_errors_name_the_expected_shape(forward):
    x = np.ones((1, 4, 4, 2))
    with pytest.raises(ValueError, match=r"kernel must have shape \(kh, kw, 2, filters\)"):
        forward(x, np.ones((3, 3, 3, 1)))
    with pytest.raises(ValueError, match=r"\(N, H, W, C\).*\(4, 4, 2\)"):
        forward(x[0], np.ones((3, 3, 2, 1)))
    with pytest.raises(ValueError, match=r"bias must have shape \(1,\)"):
        forward(x, np.ones((3, 3, 2, 1)), bias=[1.0, 2.0])
    with pytest.raises(ValueError, match="does not fit"):
        forward(x, np.ones((5, 5, 2, 1)))
    with pytest.raises(TypeError, match="stride"):
        forward(x, np.ones((3, 3, 2, 1)), stride=1.5)
    with pytest.raises(TypeError, match="x must contain numbers"):
        forward(np.full((1, 4, 4, 2), "a"), np.ones((3, 3, 2, 1)))


@pytest.mark.parametrize("pair", range(6), ids=["conv-naive", "conv-fast", "max-naive",
                                                "max-fast", "avg-naive", "avg-fast"])
@pytest.mark.parametrize("channels", [1, conv.MANY_CHANNELS])
def test_backward_rejects_a_dy_of_the_wrong_shape(pair, channels):
    forward, backward = (CONV_PAIRS + POOL_PAIRS)[pair]
    x = np.ones((2, 4, 4, channels))
    y, cache = forward(x, np.ones((2, 2, channels, 3))) if pair < 2 else forward(x)
    with pytest.raises(ValueError, match=r"dy must have the shape .*" + str(y.shape[1:-1])[1:-1]):
        backward(np.ones(y.shape[:-1] + (y.shape[-1] + 1,)), cache)


@pytest.mark.parametrize("forward", [f for f, _ in POOL_PAIRS])
def test_pool_errors(forward):
    x = np.ones((1, 4, 4, 2))
    with pytest.raises(ValueError, match="padding"):
        forward(x, 2, padding="full")
    with pytest.raises(ValueError, match="does not fit"):
        forward(x, 5)
    with pytest.raises(TypeError, match="pool_size"):
        forward(x, 2.0)


# ------------------------------------------------------------------ the first layer's shortcut


@pytest.mark.parametrize("channels, stride, padding", [
    (2, 1, "same"), (2, 2, "valid"), (conv.MANY_CHANNELS, 1, "same"),
    (conv.MANY_CHANNELS, (2, 1), "valid"),
])
@naive_or_fast
def test_backward_without_input_gradient_gives_the_same_weight_gradients(channels, stride,
                                                                          padding, version):
    forward, backward = CONV_PAIRS[version]
    rng = np.random.default_rng(11)
    x = rng.normal(size=(2, 6, 5, channels))
    y, cache = forward(x, rng.normal(size=(3, 3, channels, 4)), rng.normal(size=4), stride,
                       padding)
    dy = rng.normal(size=y.shape)
    dx, dkernel, dbias = backward(dy, cache)
    skipped, dkernel_2, dbias_2 = backward(dy, cache, input_gradient=False)
    assert skipped is None and dx.shape == x.shape
    np.testing.assert_array_equal(dkernel_2, dkernel)
    np.testing.assert_array_equal(dbias_2, dbias)


def test_training_skips_only_the_first_layers_input_gradient(monkeypatch):
    from nnedu.layers import Conv2D, Dense, Flatten, MaxPooling2D
    from nnedu.models import Sequential

    calls = []
    real_backward = conv.conv2d_backward

    def spy(dy, cache, input_gradient=True):
        calls.append(input_gradient)
        return real_backward(dy, cache, input_gradient)

    monkeypatch.setattr(conv, "conv2d_backward", spy)
    model = Sequential([Conv2D(2, 3, padding="same", activation="relu", input_shape=(6, 6, 1),
                               seed=0), MaxPooling2D(), Conv2D(3, 3, activation="tanh", seed=1),
                        Flatten(), Dense(2, seed=2)])
    x = np.random.default_rng(3).normal(size=(4, 6, 6, 1))
    dy = np.random.default_rng(4).normal(size=(4, 2))
    model.forward(x, training=True)
    dx = model.backward(dy)                                   # the public backward: all of dx
    assert dx.shape == x.shape and calls == [True, True]
    full = [np.array(g) for layer in model.layers for g in layer.grads.values()]
    model._backward_training(dy, fused=False)                 # what fit and train_on_batch do
    assert calls[2:] == [True, False]                         # the upper conv, then the first
    assert all(layer.needs_input_gradient for layer in model.layers if hasattr(
        layer, "needs_input_gradient"))                       # set back once done
    skipped = [g for layer in model.layers for g in layer.grads.values()]
    assert len(skipped) == len(full) == 6
    for before, after in zip(full, skipped):
        np.testing.assert_array_equal(after, before)


# ------------------------------------------------------------------ max pooling with ties


@settings(max_examples=40, deadline=None)
@given(case=pool_cases)
def test_maxpool_with_many_ties_matches_the_naive_twin(case):
    # small integers after a ReLU: most windows hold their maximum more than once
    assume(_pool_fits(case))
    rng = np.random.default_rng(case["seed"])
    x = np.maximum(rng.integers(-2, 3, size=(case["n"], case["h"], case["w"], case["c"])), 0)
    x = x.astype(float)
    args = ((case["ph"], case["pw"]), case["stride"], case["padding"])
    y_slow, cache_slow = conv.maxpool_forward_naive(x, *args)
    y, cache = conv.maxpool_forward(x, *args)
    np.testing.assert_array_equal(y, y_slow)
    dy = rng.normal(size=y.shape)
    np.testing.assert_array_equal(conv.maxpool_backward(dy, cache),
                                  conv.maxpool_backward_naive(dy, cache_slow))


def test_maxpool_backward_sends_each_tie_to_the_first_position_of_its_window():
    x = np.array([[0, 0, 7, 1],
                  [0, 0, 1, 7],
                  [3, 2, 4, 4],
                  [3, 1, 4, 4]], dtype=float).reshape(1, 4, 4, 1)
    y, cache = conv.maxpool_forward(x)
    np.testing.assert_array_equal(y.reshape(2, 2), [[0, 7], [3, 4]])
    dx = conv.maxpool_backward(np.array([1.0, 2, 3, 4]).reshape(1, 2, 2, 1), cache)
    np.testing.assert_array_equal(dx.reshape(4, 4), [[1, 0, 2, 0],
                                                     [0, 0, 0, 0],
                                                     [3, 0, 4, 0],
                                                     [0, 0, 0, 0]])


# ------------------------------------------------------------------ the array-API road


@pytest.fixture
def strict():
    """nnedu computing in array-api-strict (the stand-in for CuPy), NumPy again afterwards."""
    from nnedu import backend

    module = pytest.importorskip("array_api_strict")
    backend._activate(module)
    yield module
    backend.use("numpy")


@pytest.mark.parametrize("channels, stride, padding", [
    (1, 1, "same"), (3, 2, "valid"), (conv.MANY_CHANNELS, 1, "same"),
    (conv.MANY_CHANNELS + 1, (1, 2), "same"),
])
def test_conv_without_numpy_arrays_gives_numpys_numbers(strict, channels, stride, padding):
    from nnedu import backend

    rng = np.random.default_rng(8)
    x, kernel = rng.normal(size=(3, 7, 6, channels)), rng.normal(size=(3, 2, channels, 4))
    bias = rng.normal(size=4)
    strict_args = [strict.asarray(a) for a in (x, kernel, bias)]
    y_strict, cache_strict = conv.conv2d_forward(*strict_args, stride, padding)
    assert isinstance(y_strict, type(strict.asarray(0.0)))
    backend.use("numpy")
    y, cache = conv.conv2d_forward(x, kernel, bias, stride, padding)
    dy = rng.normal(size=y.shape)
    grads = conv.conv2d_backward(dy, cache)
    backend._activate(strict)
    grads_strict = conv.conv2d_backward(strict.asarray(dy), cache_strict)
    np.testing.assert_allclose(np.asarray(y_strict), y, rtol=1e-12, atol=1e-12)
    for mine, numpys in zip(grads_strict, grads):
        np.testing.assert_allclose(np.asarray(mine), numpys, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("pool_size, stride, padding", [
    (2, None, "valid"), (3, 2, "same"), (2, 1, "valid"), ((2, 3), None, "same"),
])
@pytest.mark.parametrize("pair", [MAXPOOL_PAIRS[1], AVGPOOL_PAIRS[1]], ids=["max", "avg"])
def test_pooling_without_numpy_arrays_gives_numpys_numbers(strict, pair, pool_size, stride,
                                                           padding):
    from nnedu import backend

    forward, backward = pair
    rng = np.random.default_rng(9)
    x = np.maximum(rng.integers(-2, 3, size=(2, 5, 6, 3)), 0).astype(float)  # with ties
    y_strict, cache_strict = forward(strict.asarray(x), pool_size, stride, padding)
    backend.use("numpy")
    y, cache = forward(x, pool_size, stride, padding)
    dy = rng.normal(size=y.shape)
    dx = backward(dy, cache)
    backend._activate(strict)
    dx_strict = backward(strict.asarray(dy), cache_strict)
    np.testing.assert_array_equal(np.asarray(y_strict), y)
    np.testing.assert_allclose(np.asarray(dx_strict), dx, rtol=1e-12, atol=1e-12)


def test_max_pooling_never_hands_out_a_view_of_its_input():
    x = np.arange(16.0).reshape(1, 4, 4, 1)
    for pool in (1, 2):
        y, _ = conv.maxpool_forward(x, pool)
        y[...] = -5.0                                    # the caller writes into the output
        np.testing.assert_array_equal(x, np.arange(16.0).reshape(1, 4, 4, 1))

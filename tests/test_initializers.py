"""Tests for nnedu.initializers: fans, spreads, seeds, truncation and lookup by name."""

import numpy as np
import pytest

from nnedu import initializers
from nnedu.initializers import (
    TRUNCATED_STDDEV_FACTOR,
    compute_fans,
    get,
    glorot_normal,
    glorot_uniform,
    he_normal,
    he_uniform,
    lecun_normal,
    lecun_uniform,
    ones,
    random_normal,
    random_uniform,
    truncated_normal,
    zeros,
)

ALL_NAMES = [
    "zeros", "ones", "random_normal", "random_uniform", "truncated_normal",
    "glorot_uniform", "glorot_normal", "he_uniform", "he_normal",
    "lecun_uniform", "lecun_normal",
]


@pytest.mark.parametrize(
    "shape, fans",
    [
        ((), (1, 1)),
        ((7,), (7, 7)),
        ((2, 3), (2, 3)),
        ((3, 3, 16, 32), (144, 288)),  # 3*3*16, 3*3*32
        ((5, 1, 4), (5 * 1, 5 * 4)),  # Conv1D kernel (width, in, out)
    ],
)
def test_compute_fans_follows_keras(shape, fans):
    assert compute_fans(shape) == fans


def test_constants():
    np.testing.assert_array_equal(zeros((2, 3)), np.zeros((2, 3)))
    np.testing.assert_array_equal(ones(4), np.ones(4))
    assert zeros((2, 3)).dtype == np.float64
    assert ones((2,), dtype=np.float32).dtype == np.float32


@pytest.mark.parametrize("name", ALL_NAMES)
def test_every_initializer_has_shape_dtype_and_is_reproducible(name):
    init = get(name)
    a = init((4, 5), seed=3)
    b = init((4, 5), seed=3)
    assert a.shape == (4, 5)
    assert a.dtype == np.float64
    assert init((4, 5), seed=3, dtype=np.float32).dtype == np.float32
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", [n for n in ALL_NAMES if n not in ("zeros", "ones")])
def test_different_seeds_give_different_weights(name):
    init = get(name)
    assert not np.array_equal(init((4, 5), seed=0), init((4, 5), seed=1))


# (initializer, shape, expected variance of the weights, bound on |w| or None)
FAN_IN, FAN_OUT = 3 * 3 * 20, 3 * 3 * 30  # conv kernel (3, 3, 20, 30)
VARIANCE_CASES = [
    (glorot_uniform, 2 / (FAN_IN + FAN_OUT), np.sqrt(6 / (FAN_IN + FAN_OUT))),
    (he_uniform, 2 / FAN_IN, np.sqrt(6 / FAN_IN)),
    (lecun_uniform, 1 / FAN_IN, np.sqrt(3 / FAN_IN)),
    # truncated at 2 stddev where stddev = sqrt(var) / 0.8796...
    (glorot_normal, 2 / (FAN_IN + FAN_OUT),
     2 * np.sqrt(2 / (FAN_IN + FAN_OUT)) / TRUNCATED_STDDEV_FACTOR),
    (he_normal, 2 / FAN_IN, 2 * np.sqrt(2 / FAN_IN) / TRUNCATED_STDDEV_FACTOR),
    (lecun_normal, 1 / FAN_IN, 2 * np.sqrt(1 / FAN_IN) / TRUNCATED_STDDEV_FACTOR),
]


@pytest.mark.parametrize("init, variance, bound", VARIANCE_CASES,
                         ids=[c[0].__name__ for c in VARIANCE_CASES])
def test_scaled_initializers_have_the_variance_of_the_table(init, variance, bound):
    w = init((3, 3, 20, 30), seed=0)  # 54,000 weights: sample variance within ~1.5 %
    assert abs(w.mean()) < 0.02 * np.sqrt(variance)
    assert w.var() == pytest.approx(variance, rel=0.03)
    assert np.abs(w).max() <= bound
    # the samples come close to the bound: it is the real edge of the distribution
    assert np.abs(w).max() > 0.97 * bound


def test_glorot_uniform_dense_limit_by_hand():
    # Dense kernel (2, 3): limit = sqrt(6 / 5) = 1.0954...
    w = glorot_uniform((2, 3), seed=0)
    assert np.all(np.abs(w) <= np.sqrt(6 / 5))
    big = glorot_uniform((400, 600), seed=0)  # same fans rule, limit sqrt(6/1000)
    assert big.min() == pytest.approx(-np.sqrt(0.006), rel=1e-3)
    assert big.max() == pytest.approx(np.sqrt(0.006), rel=1e-3)


def test_truncated_normal_redraws_beyond_two_stddev():
    w = truncated_normal((100_000,), seed=1, mean=1.0, stddev=0.5)
    assert w.min() >= 0.0 and w.max() <= 2.0  # mean +- 2 stddev
    assert w.mean() == pytest.approx(1.0, abs=0.005)
    # the standard deviation of N(0, 1) cut to [-2, 2] is 0.8796...
    assert w.std() == pytest.approx(0.5 * TRUNCATED_STDDEV_FACTOR, rel=0.01)


def test_truncated_stddev_factor_is_the_std_of_a_cut_standard_normal():
    # Var of N(0,1) restricted to [-a, a]: 1 - 2 a phi(a) / (2 Phi(a) - 1), with a = 2
    from math import erf, exp, pi, sqrt

    a = 2.0
    phi = exp(-a * a / 2) / sqrt(2 * pi)
    mass = erf(a / sqrt(2))  # 2 Phi(a) - 1
    assert sqrt(1 - 2 * a * phi / mass) == pytest.approx(TRUNCATED_STDDEV_FACTOR, rel=1e-12)


def test_random_normal_and_uniform_keras_defaults():
    n = random_normal((100_000,), seed=0)
    assert n.mean() == pytest.approx(0.0, abs=0.001)
    assert n.std() == pytest.approx(0.05, rel=0.02)
    u = random_uniform((100_000,), seed=0)
    assert u.min() >= -0.05 and u.max() < 0.05
    assert u.var() == pytest.approx(0.1**2 / 12, rel=0.02)
    shifted = random_normal((50_000,), seed=0, mean=3.0, stddev=2.0)
    assert shifted.mean() == pytest.approx(3.0, abs=0.05)


def test_empty_kernel_does_not_divide_by_zero():
    assert glorot_uniform((0, 3), seed=0).shape == (0, 3)
    assert he_normal((0, 4), seed=0).shape == (0, 4)


def test_get_returns_functions_and_passes_callables_through():
    assert get("glorot_uniform") is glorot_uniform
    assert get("He_Normal") is he_normal
    assert get(zeros) is zeros
    assert set(ALL_NAMES) == set(initializers._INITIALIZERS)


def test_get_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown initializer 'xavier'; valid names: .*'glorot_uniform'"):
        get("xavier")
    with pytest.raises(TypeError, match="by its name"):
        get(3)


def test_bad_shapes_are_refused():
    with pytest.raises(TypeError, match=r"tuple of ints.*\(2\.0, 3\)"):
        zeros((2.0, 3))
    with pytest.raises(ValueError, match=r"negative sizes.*\(2, -1\)"):
        glorot_uniform((2, -1))
    with pytest.raises(TypeError, match="tuple of ints"):
        compute_fans(None)


@pytest.mark.parametrize("name", ALL_NAMES)
def test_the_default_dtype_is_floatx(name):
    from nnedu import config

    config.set_floatx("float32")
    try:
        assert get(name)((3, 2), seed=1).dtype == np.float32
    finally:
        config.set_floatx("float64")
    assert get(name)((3, 2), seed=1).dtype == np.float64

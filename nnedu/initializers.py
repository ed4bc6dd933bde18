"""Weight initializers: how a layer's kernel gets its first values.

Every initializer is a plain function with the same signature::

    glorot_uniform(shape, seed=None, dtype=None) -> array of that shape

and the Keras name of each one selects it: ``get("glorot_uniform")``.
``dtype=None`` means ``nnedu.config.floatx()`` (float64 unless changed).
Random ones draw from NumPy's ``np.random.default_rng(seed)`` on the host, so
the same seed gives the same array on every backend; the result is then an
array of the active array module (``nnedu.backend.xp``).

The scaled initializers (Glorot, He, LeCun) pick the spread of the weights
from the number of inputs (fan_in) and outputs (fan_out) of a unit, so that
the variance of the activations neither grows nor shrinks from layer to layer:

=================  ==================================  ======================
name               uniform on [-limit, limit]          normal (truncated)
=================  ==================================  ======================
glorot (Xavier)    limit = sqrt(6 / (fan_in+fan_out))  var = 2/(fan_in+fan_out)
he                 limit = sqrt(6 / fan_in)            var = 2 / fan_in
lecun              limit = sqrt(3 / fan_in)            var = 1 / fan_in
=================  ==================================  ======================

A uniform distribution on [-limit, limit] has variance limit**2 / 3, so each
row's uniform and normal versions have the same variance. (A fan of 0, from an
empty kernel, counts as 1, as in Keras.)

Like Keras, the "normal" versions draw from a TRUNCATED normal distribution:
values further than 2 standard deviations from the mean are drawn again.
Cutting the tails off lowers the variance by the factor 0.87962566103423978**2
(0.8796... is the standard deviation of a standard normal cut to [-2, 2]), so
Keras divides the standard deviation by 0.87962566103423978 first; the
weights then have exactly the variance in the table.
"""

import numpy as np

from nnedu._validate import check_choice
from nnedu.backend import xp
from nnedu.config import floatx

# Standard deviation of a standard normal distribution truncated to [-2, 2].
TRUNCATED_STDDEV_FACTOR = 0.87962566103423978


def compute_fans(shape):
    """Number of inputs and outputs of one unit for a kernel of this shape (Keras' rule).

    - ``()``: fan_in = fan_out = 1
    - ``(n,)``: fan_in = fan_out = n
    - Dense kernel ``(in, out)``: fan_in = in, fan_out = out
    - Conv kernel ``(kh, kw, in, out)``: receptive field = kh * kw,
      fan_in = kh * kw * in, fan_out = kh * kw * out

    >>> compute_fans((2, 3))            # Dense kernel: 2 inputs, 3 units
    (2, 3)
    >>> compute_fans((3, 3, 16, 32))    # Conv2D kernel: 3*3*16, 3*3*32
    (144, 288)
    """
    shape = _check_shape(shape)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive_field = int(np.prod(shape[:-2]))
    return shape[-2] * receptive_field, shape[-1] * receptive_field


# ---------------------------------------------------------------- constants


def zeros(shape, seed=None, dtype=None):
    """All zeros (Keras' default for biases). ``seed`` is accepted and ignored."""
    return xp.zeros(_check_shape(shape), dtype=floatx() if dtype is None else dtype)


def ones(shape, seed=None, dtype=None):
    """All ones (Keras' default for BatchNormalization's gamma). ``seed`` is ignored."""
    return xp.ones(_check_shape(shape), dtype=floatx() if dtype is None else dtype)


# ---------------------------------------------------------------- plain random


def random_normal(shape, seed=None, dtype=None, mean=0.0, stddev=0.05):
    """Independent draws from the normal distribution N(mean, stddev**2).

    Keras' defaults: mean 0, stddev 0.05. shape: a tuple -> an array of that shape.

    >>> random_normal((2, 3), seed=0).shape
    (2, 3)
    """
    rng = np.random.default_rng(seed)
    return _to_array(rng.normal(mean, stddev, size=_check_shape(shape)), dtype)


def random_uniform(shape, seed=None, dtype=None, minval=-0.05, maxval=0.05):
    """Independent draws from the uniform distribution on [minval, maxval).

    Keras' defaults: minval -0.05, maxval 0.05. shape: a tuple -> an array of that shape.
    """
    rng = np.random.default_rng(seed)
    return _to_array(rng.uniform(minval, maxval, size=_check_shape(shape)), dtype)


def truncated_normal(shape, seed=None, dtype=None, mean=0.0, stddev=0.05):
    """Normal draws, where any value more than 2 stddev from the mean is drawn again.

    The result lies in [mean - 2 stddev, mean + 2 stddev]; its standard deviation is
    about 0.88 * stddev (see the module docstring). Keras' defaults: mean 0, stddev 0.05.
    """
    rng = np.random.default_rng(seed)
    values = rng.normal(0.0, 1.0, size=_check_shape(shape))
    outside = np.abs(values) > 2.0
    while outside.any():  # redraw only the values outside [-2, 2]
        values[outside] = rng.normal(0.0, 1.0, size=int(outside.sum()))
        outside = np.abs(values) > 2.0
    return _to_array(mean + stddev * values, dtype)


# ---------------------------------------------------------------- scaled (variance scaling)


def glorot_uniform(shape, seed=None, dtype=None):
    """Glorot/Xavier uniform (the Keras default for kernels).

    W ~ Uniform(-limit, limit) with limit = sqrt(6 / (fan_in + fan_out)),
    so Var(W) = 2 / (fan_in + fan_out). shape: a tuple -> an array of that shape.
    Example: a Dense kernel (2, 3) has limit sqrt(6/5) = 1.095...

    >>> w = glorot_uniform((2, 3), seed=0)
    >>> w.shape, bool(abs(w).max() <= (6 / 5) ** 0.5)
    ((2, 3), True)
    """
    fan_in, fan_out = compute_fans(shape)
    limit = np.sqrt(6.0 / max(1, fan_in + fan_out))
    return random_uniform(shape, seed, dtype, minval=-limit, maxval=limit)


def glorot_normal(shape, seed=None, dtype=None):
    """Glorot/Xavier normal: truncated normal with Var(W) = 2 / (fan_in + fan_out).

    stddev = sqrt(2 / (fan_in + fan_out)) / 0.87962566103423978 before truncation at 2 stddev
    (Keras' rule; the division makes up for the variance the truncation removes).
    """
    fan_in, fan_out = compute_fans(shape)
    return _scaled_truncated_normal(shape, seed, dtype, variance=2.0 / max(1, fan_in + fan_out))


def he_uniform(shape, seed=None, dtype=None):
    """He uniform, for ReLU layers: limit = sqrt(6 / fan_in), so Var(W) = 2 / fan_in."""
    fan_in, _ = compute_fans(shape)
    limit = np.sqrt(6.0 / max(1, fan_in))
    return random_uniform(shape, seed, dtype, minval=-limit, maxval=limit)


def he_normal(shape, seed=None, dtype=None):
    """He normal, for ReLU layers: truncated normal with Var(W) = 2 / fan_in.

    stddev = sqrt(2 / fan_in) / 0.87962566103423978 before truncation at 2 stddev.
    """
    fan_in, _ = compute_fans(shape)
    return _scaled_truncated_normal(shape, seed, dtype, variance=2.0 / max(1, fan_in))


def lecun_uniform(shape, seed=None, dtype=None):
    """LeCun uniform (used with SELU): limit = sqrt(3 / fan_in), so Var(W) = 1 / fan_in."""
    fan_in, _ = compute_fans(shape)
    limit = np.sqrt(3.0 / max(1, fan_in))
    return random_uniform(shape, seed, dtype, minval=-limit, maxval=limit)


def lecun_normal(shape, seed=None, dtype=None):
    """LeCun normal (used with SELU): truncated normal with Var(W) = 1 / fan_in.

    stddev = sqrt(1 / fan_in) / 0.87962566103423978 before truncation at 2 stddev.
    """
    fan_in, _ = compute_fans(shape)
    return _scaled_truncated_normal(shape, seed, dtype, variance=1.0 / max(1, fan_in))


# ---------------------------------------------------------------- lookup by name

_INITIALIZERS = {
    "zeros": zeros,
    "ones": ones,
    "random_normal": random_normal,
    "random_uniform": random_uniform,
    "truncated_normal": truncated_normal,
    "glorot_uniform": glorot_uniform,
    "glorot_normal": glorot_normal,
    "he_uniform": he_uniform,
    "he_normal": he_normal,
    "lecun_uniform": lecun_uniform,
    "lecun_normal": lecun_normal,
}


def get(name):
    """Return the initializer called ``name`` (a Keras name); a function is returned as is.

    >>> get("he_normal") is he_normal
    True
    >>> get("he_normal")((3, 4), seed=0).shape
    (3, 4)
    """
    if callable(name):
        return name
    if not isinstance(name, str):
        raise TypeError(f"an initializer is given by its name (a string) or as a function, "
                        f"but got {type(name).__name__}: {name!r}")
    key = name.lower()
    check_choice(key, list(_INITIALIZERS), "initializer")
    return _INITIALIZERS[key]


# ---------------------------------------------------------------- helpers


def _scaled_truncated_normal(shape, seed, dtype, variance):
    """Truncated normal whose variance AFTER truncation is ``variance`` (Keras' rule)."""
    stddev = np.sqrt(variance) / TRUNCATED_STDDEV_FACTOR
    return truncated_normal(shape, seed, dtype, mean=0.0, stddev=stddev)


def _to_array(values, dtype):
    """NumPy ``values`` drawn on the host as an array of ``xp`` of ``dtype`` (None: floatx)."""
    return xp.asarray(values.astype(floatx() if dtype is None else dtype, copy=False))


def _check_shape(shape):
    """Turn an int or a sequence of ints into a tuple of non-negative ints, or raise."""
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    try:
        dims = tuple(shape)
    except TypeError:
        raise TypeError(f"a shape is a tuple of ints such as (3, 4), but got "
                        f"{type(shape).__name__}: {shape!r}") from None
    if not all(isinstance(d, (int, np.integer)) and not isinstance(d, bool) for d in dims):
        raise TypeError(f"a shape is a tuple of ints such as (3, 4), but got {shape!r}")
    if any(d < 0 for d in dims):
        raise ValueError(f"a shape cannot have negative sizes, but got {dims}")
    return tuple(int(d) for d in dims)

"""Activation functions and their derivatives.

Each activation ``f(z)`` is applied elementwise to an array ``z`` of any shape
and has a companion ``f_grad(z)`` = df/dz, elementwise, of the same shape. The
one exception is ``softmax``, which mixes the entries of a row: its
``softmax_grad`` returns the full Jacobian of each row (see its docstring).

Inputs may be Python numbers, lists or arrays; outputs are float arrays of
the same shape (a scalar in gives a 0-dimensional result: use ``float(...)``
to turn it into a Python number). float32 and float64 arrays keep their
type; integers, booleans and lists become ``nnedu.config.floatx()`` (float64
by default). The arrays are those of ``nnedu.backend.xp`` (NumPy by default).

Every function is written in a numerically stable form: no overflow warnings
and finite results for inputs as large as |z| = 1e4.

Look functions up by their Keras names::

    f = get("relu")            # the function
    f_grad = get_grad("relu")  # its derivative
    f(-2.0), f_grad(3.0)       # -> 0.0, 1.0

``get(None)`` is ``linear``, as in Keras. The table behind both is
``ACTIVATIONS``, a dict name -> (f, f_grad). A layer applying ``f`` passes
the gradient back as ``dz = dy * f_grad(z)``, except for softmax, whose
Jacobian gives ``dz = einsum("nij,ni->nj", softmax_grad(z), dy)``.
"""

import math

from nnedu._validate import as_numbers, check_choice
from nnedu.backend import xp

# SELU's two constants (Klambauer et al., 2017), the values Keras uses.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


# ----------------------------------------------------------------- sigmoid, tanh

def sigmoid(z):
    """Logistic sigmoid s(z) = 1 / (1 + e^-z), range (0, 1).

    Stable form: e^-|z| never overflows, and
    s(z) = 1 / (1 + e^-|z|) for z >= 0,  s(z) = e^-|z| / (1 + e^-|z|) for z < 0.
    z: any shape -> same shape.

    >>> sigmoid([-1000.0, 0.0, 2.0]).round(4)
    array([0.    , 0.5   , 0.8808])
    """
    z = as_numbers(z, "z")
    e = xp.exp(-xp.abs(z))  # in (0, 1]: no overflow
    return xp.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_grad(z):
    """Derivative of the sigmoid: s'(z) = s(z) (1 - s(z)); its maximum is 0.25 at z = 0.

    z: any shape -> same shape.

    >>> sigmoid_grad([0.0, 5.0]).round(4)
    array([0.25  , 0.0066])
    """
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    """Hyperbolic tangent, range (-1, 1); tanh(z) = 2 sigmoid(2z) - 1.

    tanh(z) = (e^z - e^-z) / (e^z + e^-z). z: any shape -> same shape.
    """
    return xp.tanh(as_numbers(z, "z"))


def tanh_grad(z):
    """Derivative of tanh: 1 - tanh(z)^2; its maximum is 1 at z = 0. z: any shape -> same shape.

    >>> tanh_grad([0.0, 1000.0])
    array([1., 0.])
    """
    t = tanh(z)
    return 1.0 - t * t


# ------------------------------------------------------------- the ReLU family

def relu(z):
    """Rectified linear unit: max(0, z). z: any shape -> same shape.

    >>> relu([-2.0, 0.0, 3.0])
    array([0., 0., 3.])
    """
    return xp.maximum(as_numbers(z, "z"), 0.0)


def relu_grad(z):
    """Derivative of ReLU: 1 for z > 0, else 0 (at z = 0 we use 0, as libraries do).

    z: any shape -> same shape.

    >>> relu_grad([-2.0, 0.0, 3.0])
    array([0., 0., 1.])
    """
    z = as_numbers(z, "z")
    return (z > 0).astype(z.dtype)


def leaky_relu(z, alpha=0.01):
    """Leaky ReLU: z for z > 0, alpha * z otherwise.

    alpha = 0.01 is the classic slope (Maas et al., 2013). Keras chose other
    defaults: 0.2 in ``keras.activations.leaky_relu``, 0.3 in the LeakyReLU layer.
    z: any shape -> same shape.

    >>> leaky_relu([-2.0, 3.0])
    array([-0.02,  3.  ])
    """
    z = as_numbers(z, "z")
    return xp.where(z > 0, z, alpha * z)


def leaky_relu_grad(z, alpha=0.01):
    """Derivative of leaky ReLU: 1 for z > 0, alpha otherwise. z: any shape -> same shape."""
    z = as_numbers(z, "z")
    return xp.where(z > 0, 1.0, alpha).astype(z.dtype)


def elu(z, alpha=1.0):
    """Exponential linear unit: z for z > 0, alpha * (e^z - 1) for z <= 0.

    Tends to -alpha for very negative z. z: any shape -> same shape.

    >>> elu([-1000.0, 2.0])
    array([-1.,  2.])
    """
    z = as_numbers(z, "z")
    return xp.where(z > 0, z, alpha * xp.expm1(xp.minimum(z, 0.0)))


def elu_grad(z, alpha=1.0):
    """Derivative of ELU: 1 for z > 0, alpha * e^z for z <= 0. z: any shape -> same shape."""
    z = as_numbers(z, "z")
    return xp.where(z > 0, 1.0, alpha * xp.exp(xp.minimum(z, 0.0)))


def selu(z):
    """Scaled ELU: scale * elu(z, alpha) with alpha ~ 1.67326 and scale ~ 1.05070.

    The constants are chosen so that activations keep mean 0 and variance 1
    through many layers (with lecun_normal weights). z: any shape -> same shape.

    >>> selu([1.0, -1000.0]).round(4)
    array([ 1.0507, -1.7581])
    """
    return SELU_SCALE * elu(z, alpha=SELU_ALPHA)


def selu_grad(z):
    """Derivative of SELU: scale for z > 0, scale * alpha * e^z for z <= 0.

    z: any shape -> same shape.
    """
    return SELU_SCALE * elu_grad(z, alpha=SELU_ALPHA)


# ------------------------------------------------------------ smooth activations

def erf(x):
    """The error function erf(x) = 2 / sqrt(pi) * integral from 0 to x of e^(-t^2) dt.

    Vectorized and as exact as ``math.erf`` (to ~1e-13 or better): W. J. Cody's
    rational approximations (1969), the ones behind C libraries' erf. Near 0
    a ratio of two polynomials in x^2; further out erf(x) = 1 - erfc(|x|),
    with the sign of x. x: any shape -> same shape.

    >>> round(float(erf(1.0)), 15)     # math.erf(1.0) = 0.8427007929497149
    0.842700792949715
    """
    return _blockwise(_erf_block, as_numbers(x, "x"))


def erfc(x):
    """The complementary error function erfc(x) = 1 - erf(x), exact also where it is tiny.

    erfc(5) = 1.5e-12, which 1 - erf(5) would lose to rounding, so it is
    computed directly (Cody's approximations, see ``erf``), with
    erfc(-x) = 2 - erfc(x). x: any shape -> same shape.
    """
    return _blockwise(_erfc_block, as_numbers(x, "x"))


def _erf_block(x):
    """erf of a 1-d array: x A(x^2) / B(x^2) near 0, else sign(x) (1 - erfc(|x|))."""
    result = xp.empty_like(x)
    near_zero = xp.abs(x) <= _CODY_SPLIT
    result[near_zero] = _erf_near_zero(x[near_zero])
    away = ~near_zero
    outer = 1.0 - _erfc_away_from_zero(xp.abs(x[away]))
    result[away] = xp.where(x[away] < 0, -outer, outer)
    return result


def _erfc_block(x):
    """erfc of a 1-d array: 1 - erf(x) near 0, else erfc(|x|), or 2 - erfc(|x|) for x < 0."""
    y = xp.abs(x)
    result = xp.empty_like(y)
    near_zero = y <= _CODY_SPLIT
    result[near_zero] = 1.0 - _erf_near_zero(x[near_zero])
    away = ~near_zero
    result[away] = _erfc_away_from_zero(y[away])
    negative = away & (x < 0)
    result[negative] = 2.0 - result[negative]
    return result


def _blockwise(f, x, block=2 ** 14):
    """f applied to x in flat blocks of ``block`` numbers, which stay in the CPU's cache.

    The ~30 array operations of Cody's formulas then run at cache speed
    instead of memory speed: 2-3 times faster on a million numbers.
    """
    flat = x.reshape(-1)
    if flat.size <= block:
        return f(flat).reshape(x.shape)
    out = xp.empty_like(flat)
    for start in range(0, flat.size, block):
        out[start:start + block] = f(flat[start:start + block])
    return out.reshape(x.shape)


# Cody's coefficients: erf = x A(x^2) / B(x^2) for |x| <= 0.46875; erfc = e^(-y^2) C(y) / D(y)
# for 0.46875 < y <= 4; erfc = e^(-y^2) / y * (1/sqrt(pi) - P(1/y^2) / (y^2 Q(1/y^2))) above.
_CODY_SPLIT, _CODY_FAR, _ERFC_ZERO = 0.46875, 4.0, 26.543  # erfc(y) < 1e-308 above 26.543
_CODY_A = (3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02,
           3.20937758913846947e03, 1.85777706184603153e-1)
_CODY_B = (2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
           2.84423683343917062e03)
_CODY_C = (5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
           2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03,
           2.05107837782607147e03, 1.23033935479799725e03, 2.15311535474403846e-8)
_CODY_D = (1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
           1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03,
           3.43936767414372164e03, 1.23033935480374942e03)
_CODY_P = (3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
           1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2)
_CODY_Q = (2.56852019228982242e00, 1.87295284992346725e00, 5.27905102951428412e-1,
           6.05183413124413191e-2, 2.33520497626869185e-3)


def _cody_ratio(t, num, den):
    """num(t) / den(t) by Horner's rule in Cody's order (the last numerator coefficient first).

    Written in place (``top += a; top *= t``): two arrays for the whole loop
    instead of two new ones per coefficient, which halves the time.
    """
    top, bottom = num[-1] * t, t.copy()
    for a, b in zip(num[:len(den) - 1], den[:-1]):
        top += a
        top *= t
        bottom += b
        bottom *= t
    top += num[len(den) - 1]
    bottom += den[-1]
    top /= bottom
    return top


def _erf_near_zero(x):
    """erf(x) for |x| <= 0.46875: x A(x^2) / B(x^2)."""
    return x * _cody_ratio(x * x, _CODY_A, _CODY_B)


def _erfc_away_from_zero(y):
    """erfc(y) for 1-d y > 0.46875: e^(-y^2) times a ratio (0 above 26.543)."""
    ratio = xp.empty_like(y)
    middle = y <= _CODY_FAR
    ratio[middle] = _cody_ratio(y[middle], _CODY_C, _CODY_D)
    far = ~middle
    y_far = xp.minimum(y[far], _ERFC_ZERO)              # keeps 1 / y^2 and e^(-y^2) finite
    t = 1.0 / (y_far * y_far)
    ratio[far] = (1.0 / math.sqrt(math.pi) - t * _cody_ratio(t, _CODY_P, _CODY_Q)) / y_far
    y_safe = xp.minimum(y, _ERFC_ZERO)
    return xp.where(y > _ERFC_ZERO, 0.0, xp.exp(-y_safe * y_safe) * ratio)


def _normal_cdf(z):
    """Standard normal CDF: Phi(z) = (1 + erf(z / sqrt 2)) / 2 = erfc(-z / sqrt 2) / 2."""
    return 0.5 * erfc(-z / math.sqrt(2.0))


def gelu(z):
    """Gaussian error linear unit, exact form: z * Phi(z) = z (1 + erf(z / sqrt 2)) / 2.

    This is Keras' default (``approximate=False``); the tanh approximation is not used.
    Phi is the standard normal CDF. z: any shape -> same shape.

    >>> gelu([-1.0, 0.0, 1.0]).round(4)
    array([-0.1587,  0.    ,  0.8413])
    """
    z = as_numbers(z, "z")
    return z * _normal_cdf(z)


def gelu_grad(z):
    """Derivative of GELU: Phi(z) + z * phi(z), with phi(z) = e^(-z^2/2) / sqrt(2 pi).

    z: any shape -> same shape.
    """
    z = as_numbers(z, "z")
    phi = xp.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
    return _normal_cdf(z) + z * phi


def swish(z):
    """Swish, also called SiLU: z * sigmoid(z). z: any shape -> same shape.

    >>> swish([-1.0, 0.0, 1.0]).round(4)
    array([-0.2689,  0.    ,  0.7311])
    """
    z = as_numbers(z, "z")
    return z * sigmoid(z)


def swish_grad(z):
    """Derivative of swish: s + z s (1 - s) with s = sigmoid(z). z: any shape -> same shape."""
    z = as_numbers(z, "z")
    s = sigmoid(z)
    return s + z * s * (1.0 - s)


silu = swish
silu_grad = swish_grad


def softplus(z):
    """Softplus: log(1 + e^z), a smooth ReLU.

    Stable form: log(1 + e^z) = max(z, 0) + log(1 + e^-|z|), so softplus(1000) = 1000.
    z: any shape -> same shape.

    >>> softplus([-1000.0, 0.0, 5.0]).round(4)
    array([0.    , 0.6931, 5.0067])
    """
    z = as_numbers(z, "z")
    return xp.maximum(z, 0.0) + xp.log1p(xp.exp(-xp.abs(z)))


def softplus_grad(z):
    """Derivative of softplus: the sigmoid, 1 / (1 + e^-z). z: any shape -> same shape."""
    return sigmoid(z)


def mish(z):
    """Mish: z * tanh(softplus(z)) = z * tanh(log(1 + e^z)). z: any shape -> same shape.

    >>> mish([0.0, 1.0]).round(4)
    array([0.    , 0.8651])
    """
    z = as_numbers(z, "z")
    return z * xp.tanh(softplus(z))


def mish_grad(z):
    """Derivative of mish: tanh(sp) + z (1 - tanh(sp)^2) sigmoid(z), with sp = softplus(z).

    z: any shape -> same shape.
    """
    z = as_numbers(z, "z")
    t = xp.tanh(softplus(z))
    return t + z * (1.0 - t * t) * sigmoid(z)


def linear(z):
    """The identity, f(z) = z (Keras' "linear", what ``activation=None`` means).

    z: any shape -> a copy of the same shape.
    """
    return as_numbers(z, "z").copy()


def linear_grad(z):
    """Derivative of the identity: 1 everywhere. z: any shape -> same shape."""
    return xp.ones_like(as_numbers(z, "z"))


# ------------------------------------------------------------------------ softmax

def softmax(z, axis=-1):
    """Softmax along ``axis``: p_j = e^(z_j) / sum_k e^(z_k).

    z: any shape, e.g. (N, K) logits -> p: same shape, each row sums to 1.
    Stable form: subtract the row's maximum first (softmax(z) = softmax(z - c)),
    so the largest exponent is e^0 = 1 and nothing overflows.

    >>> softmax([1.0, 2.0, 3.0]).round(4)
    array([0.09  , 0.2447, 0.6652])
    """
    z = as_numbers(z, "z")
    if z.ndim == 0 or z.shape[axis] == 0:
        raise ValueError(f"softmax normalizes the values along axis {axis}, so it needs at "
                         f"least one there, but got an array of shape {z.shape}")
    e = xp.exp(z - xp.max(z, axis=axis, keepdims=True))
    return e / xp.sum(e, axis=axis, keepdims=True)


def softmax_grad(z, axis=-1):
    """Jacobian of softmax for every row: J[..., i, j] = dp_i / dz_j = p_i (delta_ij - p_j).

    Unlike the other ``*_grad`` functions this is NOT elementwise, because each
    p_i depends on every z_j of its row.

    z: shape (..., K) (with K on ``axis``) -> J: shape (..., K, K), the other
    axes in their original order followed by the two softmax axes.
    For logits of shape (N, K) this gives N matrices of shape (K, K).
    """
    p = xp.moveaxis(softmax(z, axis=axis), axis, -1)           # (..., K)
    eye = xp.eye(p.shape[-1], dtype=p.dtype)
    return p[..., :, None] * (eye - p[..., None, :])            # (..., K, K)


# ----------------------------------------------------------------- look-up by name

# name -> (function, derivative). Keras names; "silu" is another name for swish.
ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_grad),
    "tanh": (tanh, tanh_grad),
    "relu": (relu, relu_grad),
    "leaky_relu": (leaky_relu, leaky_relu_grad),
    "elu": (elu, elu_grad),
    "selu": (selu, selu_grad),
    "gelu": (gelu, gelu_grad),
    "swish": (swish, swish_grad),
    "silu": (silu, silu_grad),
    "mish": (mish, mish_grad),
    "softplus": (softplus, softplus_grad),
    "softmax": (softmax, softmax_grad),
    "linear": (linear, linear_grad),
}


def _lookup(name):
    """The (function, derivative) pair for a Keras name, None, or one of our functions."""
    if name is None:
        return ACTIVATIONS["linear"]
    if callable(name):
        for pair in ACTIVATIONS.values():
            if name is pair[0]:
                return pair
        raise ValueError(f"{getattr(name, '__name__', name)!r} is not an nnedu activation, so "
                         f"its derivative is unknown; pass one of the names: "
                         f"{', '.join(ACTIVATIONS)}")
    if not isinstance(name, str):
        raise TypeError(f"an activation is given by its name (a string) or None, "
                        f"but got {type(name).__name__}: {name!r}")
    check_choice(name, list(ACTIVATIONS), "activation")
    return ACTIVATIONS[name]


def get(name):
    """The activation function called ``name`` (a Keras name; None means "linear").

    A function from this module is returned unchanged.

    >>> get("relu")([-1.0, 2.0])
    array([0., 2.])
    """
    return _lookup(name)[0]


def get_grad(name):
    """The derivative of the activation called ``name`` (or of one of our functions).

    >>> float(get_grad("sigmoid")(0.0))
    0.25
    """
    return _lookup(name)[1]

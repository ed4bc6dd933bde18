"""Numerical gradients: the way to check a backward pass.

A derivative written by hand (or by a backward pass) is checked against the
centred difference

    df/dx_i ~ (f(x + eps e_i) - f(x - eps e_i)) / (2 eps),

whose error shrinks like eps^2. The two are compared with a relative error
(see ``rel_error``), read as

    < 1e-7   "good"        the analytic gradient is right
    < 1e-4   "suspicious"  right only if f has kinks near x (relu, max, abs)
    else     "wrong"       there is a bug

Typical use::

    from nnedu.activations import sigmoid, sigmoid_grad
    z = np.array([-1.0, 0.5, 2.0])
    numeric = numerical_gradient(lambda z: np.sum(sigmoid(z)), z)
    rel_error(numeric, sigmoid_grad(z))      # ~1e-11

``check_layer(layer, x)`` does the whole check for a layer.
"""

import numpy as np

from nnedu.backend import to_numpy, xp

GOOD = 1e-7        # below this relative error the gradient is "good"
SUSPICIOUS = 1e-4  # below this it is "suspicious", above it "wrong"
TINY = 1e-12       # floor of rel_error's denominator, so that 0 vs 0 is no error


def numerical_gradient(f, x, eps=1e-5):
    """Centred-difference gradient of a scalar function f at x.

    f: called as f(x), returns one number.
    x: float64 array of any shape. Each entry is nudged IN PLACE by +eps and
       -eps, then restored, so f may also read x through a closure (the
       weights of a layer, for example).
    Returns: array of the shape of x, entry i = (f(x + eps e_i) - f(x - eps e_i)) / (2 eps).

    >>> numerical_gradient(lambda x: np.sum(x ** 2), np.array([1.0, -3.0])).round(6)
    array([ 2., -6.])
    """
    dtype = getattr(x, "dtype", None)
    if dtype != np.float64 or not hasattr(x, "shape"):
        raise TypeError("numerical_gradient nudges x in place, so x must be a float64 NumPy "
                        f"array, but got {type(x).__name__}"
                        + (f" of dtype {dtype}" if dtype is not None else ""))
    grad = xp.zeros_like(x)
    for i in np.ndindex(x.shape):
        saved = x[i]
        x[i] = saved + eps
        f_plus = _scalar(f(x))
        x[i] = saved - eps
        f_minus = _scalar(f(x))
        x[i] = saved  # restore
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def _scalar(value):
    """The single number f returned, or a ValueError saying what came instead."""
    if np.ndim(value) != 0:
        raise ValueError("f must return a single number (the loss), but it returned an "
                         f"array of shape {np.shape(value)}; sum it, e.g. np.sum(...)")
    return float(value)


def rel_error(a, b):
    """Relative error between two arrays of the same shape.

        rel_error(a, b) = max_i |a_i - b_i| / max(max_i |a_i|, max_i |b_i|, 1e-12)

    The largest difference, measured against the largest magnitude in either
    array (so an entry that is ~0 in both does not blow up the ratio). It is
    0 for identical arrays and about 1 when the two have nothing in common.
    a, b: any shape, the same for both. Returns a float.

    >>> round(rel_error([1.0, 2.0], [1.0, 2.2]), 4)    # 0.2 / 2.2
    0.0909
    """
    a, b = to_numpy(a).astype(np.float64), to_numpy(b).astype(np.float64)  # on the host
    if a.shape != b.shape:
        raise ValueError(f"cannot compare gradients of shapes {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    scale = max(np.max(np.abs(a)), np.max(np.abs(b)), TINY)
    return float(np.max(np.abs(a - b)) / scale)


def verdict(error):
    """"good" (< 1e-7), "suspicious" (< 1e-4) or "wrong", for a relative error.

    >>> verdict(3e-9), verdict(2e-6), verdict(0.5)
    ('good', 'suspicious', 'wrong')
    """
    if error < GOOD:
        return "good"
    return "suspicious" if error < SUSPICIOUS else "wrong"


class GradCheckResult:
    """The check of one parameter: its name, shape, relative error and verdict."""

    def __init__(self, name, numeric, analytic):
        self.name = name
        numeric, analytic = to_numpy(numeric), to_numpy(analytic)
        self.shape = numeric.shape
        self.rel_error = rel_error(numeric, analytic)
        self.max_abs_error = float(np.max(np.abs(numeric - analytic), initial=0.0))
        self.verdict = verdict(self.rel_error)

    def __repr__(self):
        return (f"GradCheckResult(name={self.name!r}, rel_error={self.rel_error:.2e}, "
                f"verdict={self.verdict!r})")


class GradCheckReport(dict):
    """Results of a gradient check: a dict name -> GradCheckResult, printed as a table."""

    @property
    def ok(self):
        """True when every parameter's verdict is "good"."""
        return all(r.verdict == "good" for r in self.values())

    def __str__(self):
        lines = [f"{'parameter':<12} {'shape':<16} {'rel. error':>10}  verdict"]
        for r in self.values():
            lines.append(f"{r.name:<12} {r.shape!s:<16} {r.rel_error:>10.2e}  {r.verdict}")
        return "\n".join(lines)


def check_gradients(f, params, analytic, eps=1e-5):
    """Compare analytic gradients with numerical ones, parameter by parameter.

    f: called as f() with no arguments, returns the loss (one number); it must
       read the arrays in ``params``, which are nudged in place.
    params: dict name -> float64 array.
    analytic: dict name -> array of the same shape (the gradients to check).
    Returns a GradCheckReport; ``print`` it for a table, ``.ok`` for all good.
    """
    missing = sorted(set(params) - set(analytic))
    if missing:
        raise ValueError(f"no analytic gradient for {missing}; got gradients for "
                         f"{sorted(analytic)}")
    report = GradCheckReport()
    for name, value in params.items():
        if np.shape(analytic[name]) != np.shape(value):
            raise ValueError(f"the gradient of {name!r} must have the shape of {name!r}, "
                             f"{np.shape(value)}, but has shape {np.shape(analytic[name])}")
    for name, value in params.items():
        numeric = numerical_gradient(lambda _: f(), value, eps)
        report[name] = GradCheckResult(name, numeric, analytic[name])
    return report


def check_layer(layer, x, training=True, eps=1e-5, seed=0):
    """Check a layer's backward pass (dx and every grads[name]) numerically.

    The layer follows the nnedu contract: ``forward(x, training) -> y``,
    ``backward(dy) -> dx``, ``params`` (dict name -> float64 array, the very
    arrays forward uses, nudged in place here) and ``grads`` (filled by
    backward). A Sequential model works too.

    The loss is L = sum(forward(x) * R) for a fixed random R of y's shape, so
    dL/dy = R: we call backward(R) and compare its dx and grads with the
    numerical gradients of L. forward must give the same y for the same x
    (for Dropout, pass training=False or fix its mask). Note that forward is
    called many times, so state such as BatchNormalization's moving averages
    changes.

    x: the input batch, e.g. (N, D) or (N, H, W, C).
    Returns a GradCheckReport with an entry "x" and one per parameter.
    """
    x = xp.array(x, dtype=np.float64)  # our own copy, nudged in place
    y = layer.forward(x, training=training)
    upstream = xp.asarray(np.random.default_rng(seed).standard_normal(np.shape(y)))
    dx = layer.backward(upstream)
    params = dict(getattr(layer, "params", {}))
    analytic = {name: xp.array(g, dtype=np.float64)
                for name, g in getattr(layer, "grads", {}).items()}

    def loss(x_in):
        return xp.sum(layer.forward(x_in, training=training) * upstream)

    report = GradCheckReport()
    report["x"] = GradCheckResult("x", numerical_gradient(loss, x, eps), dx)
    report.update(check_gradients(lambda: loss(x), params, analytic, eps))
    return report

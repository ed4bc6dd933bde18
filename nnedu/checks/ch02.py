"""Checks for chapter 02, activation functions.

The exercises, easy to hard:

- ``sigmoid(z)``: the stable sigmoid (no overflow warning at z = -1000);
- ``relu(z)`` and ``leaky_relu(z, alpha=0.01)``;
- ``tanh(z)``, built from the sigmoid: tanh(z) = 2 sigmoid(2z) - 1;
- the four derivatives ``sigmoid_grad``, ``relu_grad``, ``leaky_relu_grad``, ``tanh_grad``;
- ``numerical_derivative(f, z, eps=1e-5)``: the centred difference, elementwise;
- ``derivative_error(f, f_grad, z)`` (putting it together): the relative error between a
  derivative and its numerical estimate, as ``nnedu.gradcheck.rel_error`` defines it.

Every function works elementwise on an array ``z`` of any shape (or a number) and
returns an array of the same shape. The checks compare with ``nnedu.activations``,
watch for RuntimeWarnings (overflow in exp) and for functions that change their input,
and when an answer is wrong they recompute the typical wrong answers to name the
mistake in the hint.
"""

import ast
import inspect
import textwrap
import warnings

import numpy as np

from nnedu import activations as act
from nnedu.checks._core import (
    CheckFailed,
    _fmt,
    call,
    diagnose,
    exercise,
    expect_close,
    expect_true,
)

# Inputs used by most cases: ordinary values, a 2-D array, the extremes, and a plain number.
VECTOR = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
MATRIX = np.array([[-4.0, -1.0, 0.0], [0.25, 1.0, 6.0]])
EXTREME = np.array([-1000.0, -50.0, 50.0, 1000.0])
STANDARD = [VECTOR, MATRIX, EXTREME, 0.0]
NUMBER_HINT = "z may be a plain number: start with z = np.asarray(z, dtype=float)."
FLOAT_HINT = "return floats: (z > 0).astype(float), or np.where(z > 0, 1.0, 0.0)."
FLOAT64_HINT = "compute in float64: z = np.asarray(z, dtype=float) (float32 underflows)."


# ---------------------------------------------------------------------------
# Helpers shared by the checks
# ---------------------------------------------------------------------------

def _call_quietly(student_fn, *args, **kwargs):
    """Call the student's function; return (result, messages of the RuntimeWarnings it raised)."""
    with np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"), \
            warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = call(student_fn, *args, **kwargs)
    runtime = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
    return got, runtime


def _quiet(fn, *args, **kwargs):
    """Evaluate a (possibly naive, overflowing) wrong answer without warnings."""
    with np.errstate(all="ignore"):
        return fn(*args, **kwargs)


def _check_elementwise(student_fn, name, reference, cases, mistakes, default_hint,
                       overflow_hint=None, rtol=1e-7, atol=1e-10):
    """Run ``cases`` [(z, kwargs)] through the student's elementwise function ``name``.

    Each case checks four things: no RuntimeWarning, the right values (same shape),
    floats (not ints or bools), and the input array left unchanged. A 0-d case is passed
    as a plain Python float.
    """
    for z, kwargs in cases:
        z_in = float(z) if np.ndim(z) == 0 else np.array(z, dtype=float)   # a number stays one
        try:
            got, warned = _call_quietly(student_fn, z_in, **kwargs)
        except CheckFailed as err:
            if np.ndim(z) == 0:
                expect_true(False, err.message, hint=NUMBER_HINT)
            raise
        inputs = {"z": z, **kwargs}
        expect_true(not warned, f"for z = {_fmt(z)}, {name} warned: {warned[:1][0] if warned else ''}",
                    hint=overflow_hint or "something overflowed: avoid np.exp of large "
                                          "positive numbers.")
        z_arr = np.array(z, dtype=float)
        wrong_answers = ((_quiet(wrong, z_arr, **kwargs), h) for wrong, h in mistakes)
        hint = diagnose(got, wrong_answers, default_hint, equal_nan=True)  # computed lazily
        if _dtype(got).kind == "f" and _dtype(got).itemsize < 8:
            hint = FLOAT64_HINT
        expect_close(got, reference(z, **kwargs), what=f"{name}(z)", inputs=inputs, hint=hint,
                     rtol=rtol, atol=atol)
        expect_true(_dtype(got).kind == "f",
                    f"for z = {_fmt(z)}, expected floats from {name}, got {_dtype(got)} values",
                    hint=FLOAT_HINT)
        expect_true(np.array_equal(z_in, np.array(z, dtype=float)),
                    f"for z = {_fmt(z)}, your {name} changed its input (to {_fmt(z_in)})",
                    hint="build a new array (np.maximum, np.where) instead of z[z < 0] = 0.")


def _dtype(value):
    """The NumPy dtype of a result (a Python float is float64, an int int64)."""
    return np.asarray(value).dtype


def _calls_attribute(fn, attribute):
    """True when the source of ``fn`` calls ``something.attribute(...)``, e.g. np.tanh.

    Reads the function's source (Jupyter keeps it for functions defined in cells); a
    function whose source cannot be read is given the benefit of the doubt.
    """
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):
        return False
    return any(isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
               and node.func.attr == attribute for node in ast.walk(tree))


# ---------------------------------------------------------------------------
# Exercise 1: the stable sigmoid
# ---------------------------------------------------------------------------

OVERFLOW_HINT = ("use the stable form, e = np.exp(-np.abs(z)): np.where evaluates BOTH "
                 "branches.")

SIGMOID_MISTAKES = [
    (lambda z: np.exp(-z) / (1 + np.exp(-z)),
     "that is 1 - sigmoid(z): sigmoid is 0.5 at 0 and rises to 1."),
    (lambda z: 1 / (1 + np.exp(z)), "the sign in the exponent: sigmoid(z) = 1 / (1 + e^(-z))."),
    (lambda z: np.where(z >= 0, 1 - 1 / (1 + np.exp(-np.abs(z))), 1 / (1 + np.exp(-np.abs(z)))),
     "the two branches are swapped: 1 / (1 + e) belongs to z >= 0."),
]


@exercise("02", "sigmoid", points=1)
def sigmoid(student_sigmoid):
    """Check the stable sigmoid: right values, any shape, no warning at |z| = 1000."""
    cases = [(z, {}) for z in STANDARD]
    _check_elementwise(student_sigmoid, "sigmoid", act.sigmoid, cases, SIGMOID_MISTAKES,
                       "sigmoid(z) = 1 / (1 + e^(-z)), elementwise.", OVERFLOW_HINT)
    # Relative accuracy far out on the left: 1 - sigmoid(40) rounds to 0 in float64.
    z = np.array([-40.0, -700.0])
    got, _ = _call_quietly(student_sigmoid, z.copy())
    hint = ("for z < 0 use e / (1 + e), e = np.exp(z); 1 - sigmoid(-z) rounds to 0."
            if _dtype(got).itemsize >= 8 else FLOAT64_HINT)
    expect_close(got, act.sigmoid(z), what="sigmoid(z)", inputs={"z": z}, atol=0.0, rtol=1e-6,
                 hint=hint)


# ---------------------------------------------------------------------------
# Exercises 2 and 3: relu and leaky relu
# ---------------------------------------------------------------------------

@exercise("02", "relu", points=1)
def relu(student_relu):
    """Check relu(z) = max(0, z), elementwise."""
    cases = [(z, {}) for z in STANDARD]
    mistakes = [
        (lambda z: np.max(z, 0), ("np.max(z, 0) returns the LARGEST entry; np.maximum(z, 0) "
                                 "compares each with 0.")),
        (lambda z: (z > 0).astype(float), ("that is the derivative (0 or 1): relu keeps z where "
                                          "z > 0.")),
        (lambda z: np.minimum(z, 0), "np.minimum keeps the negative part: use np.maximum."),
        (np.abs, "negative inputs give 0, not |z|."),
    ]
    _check_elementwise(student_relu, "relu", act.relu, cases, mistakes,
                       "relu(z) = np.maximum(z, 0): z where z > 0, else 0.")


@exercise("02", "leaky_relu", points=1)
def leaky_relu(student_leaky_relu):
    """Check leaky_relu(z, alpha=0.01): z for z > 0, alpha * z otherwise."""
    z = np.array([-100.0, -1.0, 0.0, 2.0])
    cases = [(z, {}), (z, {"alpha": 0.1}), (MATRIX, {"alpha": 0.2}), (EXTREME, {"alpha": 0.3})]
    mistakes = [
        (lambda z, alpha=0.01: np.where(z > 0, z, 0.1 * z),
         "the default slope is alpha = 0.01 (some notes use 0.1)."),
        (lambda z, alpha=0.01: np.where(z > 0, z, 0.01 * z),
         "use the alpha you are given, not a fixed 0.01."),
        (lambda z, alpha=0.01: np.where(z > 0, alpha * z, z),
         "alpha belongs to the NEGATIVE side: alpha * z for z <= 0."),
        (lambda z, alpha=0.01: np.maximum(z, 0), "that is plain relu: negative z give alpha * z."),
    ]
    _check_elementwise(student_leaky_relu, "leaky_relu", act.leaky_relu, cases, mistakes,
                       "leaky_relu(z, alpha) = np.where(z > 0, z, alpha * z).")


# ---------------------------------------------------------------------------
# Exercise 4: tanh from the sigmoid
# ---------------------------------------------------------------------------

@exercise("02", "tanh", points=1)
def tanh(student_tanh):
    """Check tanh(z) = 2 sigmoid(2z) - 1 without np.tanh (read from the source), also at +-1000."""
    expect_true(not _calls_attribute(student_tanh, "tanh"),
                "your tanh calls np.tanh (or another library's tanh)",
                hint="build it from your sigmoid: 2 * sigmoid(2 * z) - 1.")
    cases = [(z, {}) for z in STANDARD]
    mistakes = [
        (lambda z: 2 * act.sigmoid(z) - 1, "the argument is 2z (2 sigmoid(z) - 1 is tanh(z / 2))."),
        (lambda z: act.sigmoid(2 * z) - 1, "multiply the sigmoid by 2: 2 sigmoid(2z) - 1."),
        (lambda z: 2 * act.sigmoid(2 * z) + 1, "subtract 1: 2 sigmoid(2z) - 1 lies in (-1, 1)."),
        (lambda z: 2 * act.sigmoid(z / 2) - 1, "the argument is 2z, not z / 2."),
    ]
    _check_elementwise(student_tanh, "tanh", act.tanh, cases, mistakes,
                       "tanh(z) = 2 * sigmoid(2 * z) - 1, with your stable sigmoid.",
                       "an overflow: call your stable sigmoid from exercise 1.")


# ---------------------------------------------------------------------------
# Exercise 5: the derivatives
# ---------------------------------------------------------------------------

@exercise("02", "sigmoid_grad", points=1)
def sigmoid_grad(student_sigmoid_grad):
    """Check sigmoid'(z) = s (1 - s) with s = sigmoid(z); 0.25 at z = 0."""
    cases = [(z, {}) for z in STANDARD]
    mistakes = [
        (lambda z: z * (1 - z), "apply the sigmoid first: s * (1 - s) with s = sigmoid(z)."),
        (act.sigmoid, "that is the sigmoid; its derivative is s * (1 - s)."),
        (lambda z: act.sigmoid(z) * (1 + act.sigmoid(z)), "a minus sign: s * (1 - s)."),
        (lambda z: act.sigmoid(z) ** 2, "s * (1 - s), not s * s."),
    ]
    _check_elementwise(student_sigmoid_grad, "sigmoid_grad", act.sigmoid_grad, cases, mistakes,
                       "s * (1 - s) with s = sigmoid(z); it is 0.25 at z = 0.",
                       "an overflow: compute s with your stable sigmoid.")


@exercise("02", "relu_grad", points=1)
def relu_grad(student_relu_grad):
    """Check relu'(z): 1 for z > 0, else 0 (0 at z = 0, as libraries do)."""
    cases = [(z, {}) for z in STANDARD]
    mistakes = [
        (lambda z: (z >= 0).astype(float), "at z = 0 use 0, as libraries do: z > 0, not z >= 0."),
        (act.relu, "that is relu itself; its derivative is 1 where z > 0, else 0."),
        (lambda z: np.ones_like(z), "the derivative is 0 for z < 0 (the flat part)."),
    ]
    _check_elementwise(student_relu_grad, "relu_grad", act.relu_grad, cases, mistakes,
                       "1.0 where z > 0, else 0.0: (z > 0).astype(float).")


@exercise("02", "leaky_relu_grad", points=1)
def leaky_relu_grad(student_leaky_relu_grad):
    """Check leaky_relu'(z, alpha): 1 for z > 0, alpha otherwise (alpha at z = 0)."""
    z = np.array([-3.0, -0.5, 0.0, 0.5, 4.0])
    cases = [(z, {}), (z, {"alpha": 0.1}), (MATRIX, {"alpha": 0.25})]
    mistakes = [
        (lambda z, alpha=0.01: (z > 0).astype(float),
         "that is relu's derivative: for z <= 0 the slope is alpha."),
        (lambda z, alpha=0.01: np.where(z >= 0, 1.0, alpha),
         "at z = 0 use alpha (the left slope), as with relu: z > 0, not z >= 0."),
        (lambda z, alpha=0.01: np.where(z > 0, 1.0, 0.01), "use the alpha you are given."),
        (lambda z, alpha=0.01: np.where(z > 0, z, alpha * z),
         "that is leaky_relu itself; its derivative is 1 or alpha."),
    ]
    _check_elementwise(student_leaky_relu_grad, "leaky_relu_grad", act.leaky_relu_grad, cases,
                       mistakes, "np.where(z > 0, 1.0, alpha).")


@exercise("02", "tanh_grad", points=1)
def tanh_grad(student_tanh_grad):
    """Check tanh'(z) = 1 - tanh(z)^2; 1 at z = 0."""
    cases = [(z, {}) for z in STANDARD]
    mistakes = [
        (lambda z: 1 - z ** 2, "apply tanh first: t = tanh(z), then 1 - t ** 2."),
        (lambda z: 1 - np.tanh(z), "square it: 1 - tanh(z) ** 2."),
        (lambda z: 1 + np.tanh(z) ** 2, "a minus sign: 1 - tanh(z) ** 2."),
        (lambda z: 4 * act.sigmoid_grad(z), "the chain rule gives 4 sigmoid'(2z): 2z inside."),
    ]
    _check_elementwise(student_tanh_grad, "tanh_grad", act.tanh_grad, cases, mistakes,
                       "1 - tanh(z) ** 2; it is 1 at z = 0.",
                       "an overflow: compute tanh with your stable version.")


# ---------------------------------------------------------------------------
# Exercise 6: the numerical derivative
# ---------------------------------------------------------------------------

def _centred(f, z, eps=1e-5):
    return (f(z + eps) - f(z - eps)) / (2 * eps)


@exercise("02", "numerical_derivative", points=1)
def numerical_derivative(student_numerical_derivative):
    """Check the centred difference (f(z + eps) - f(z - eps)) / (2 eps), elementwise."""
    cube = lambda z: z ** 3
    cube.__name__ = "z ** 3"
    cases = [
        (cube, np.array([-1.0, 0.5, 2.0]), {}),
        (np.sin, MATRIX, {}),
        (np.exp, np.array([0.0, 1.0]), {"eps": 1e-2}),
        (act.sigmoid, np.array(0.0), {}),
    ]
    for f, z, kwargs in cases:
        eps = kwargs.get("eps", 1e-5)
        z_in = z.copy()
        got = call(student_numerical_derivative, f, z_in, **kwargs)
        want = _centred(f, z, eps)
        mistakes = [
            ((f(z + eps) - f(z)) / eps, "use the centred difference: f(z + eps) - f(z - eps)."),
            ((f(z + eps) - f(z - eps)) / eps, "divide by 2 * eps: the two points are 2 eps apart."),
            ((f(z + eps) - f(z - eps)) / 2 * eps, "write / (2 * eps): / 2 * eps MULTIPLIES by eps."),
            (_centred(f, z), "use the eps you are given, not a fixed 1e-5."),
        ]
        hint = diagnose(got, mistakes, "(f(z + eps) - f(z - eps)) / (2 * eps), one value per "
                        "entry of z.", equal_nan=True)
        inputs = {"f": getattr(f, "__name__", repr(f)), "z": z, **kwargs}
        expect_close(got, want, what="the estimate", inputs=inputs, hint=hint,
                     rtol=1e-6, atol=1e-9)
        expect_true(np.array_equal(z_in, z),
                    f"for z = {_fmt(z)}, your numerical_derivative changed z",
                    hint="compute z + eps and z - eps as new arrays; do not write z += eps.")


# ---------------------------------------------------------------------------
# Exercise 7 (putting it together): how wrong is a derivative?
# ---------------------------------------------------------------------------

def _relative_error(numeric, analytic):
    """max |a - b| / max(max |a|, max |b|, 1e-12), as nnedu.gradcheck.rel_error."""
    scale = max(np.max(np.abs(numeric)), np.max(np.abs(analytic)), 1e-12)
    return float(np.max(np.abs(numeric - analytic)) / scale)


def _derivative_cases():
    """(description, f, f_grad, z): right pairs, a kink and wrong derivatives."""
    z = np.linspace(-4.0, 4.0, 9)
    big = lambda z: 1e6 * act.sigmoid(z)
    big_grad_off = lambda z: 1.01e6 * act.sigmoid_grad(z)
    return [
        ("sigmoid with sigmoid_grad (right)", act.sigmoid, act.sigmoid_grad, z),
        ("tanh with 1 - tanh^2 (right)", act.tanh, act.tanh_grad, z),
        ("sigmoid with 2 s (1 - s) (twice too big)", act.sigmoid,
         lambda z: 2 * act.sigmoid_grad(z), z),
        ("tanh with 1 - tanh (wrong)", act.tanh, lambda z: 1 - act.tanh(z), z),
        ("relu at z = -1, 0, 2 (a kink at 0)", act.relu, act.relu_grad, np.array([-1.0, 0.0, 2.0])),
        ("1e6 * sigmoid with a derivative 1 % too big", big, big_grad_off, z),
    ]


@exercise("02", "derivative_error", points=2)
def derivative_error(student_derivative_error):
    """Check derivative_error(f, f_grad, z) = rel_error(numerical_derivative(f, z), f_grad(z))."""
    for name, f, f_grad, z in _derivative_cases():
        numeric = _centred(f, z)
        analytic = f_grad(z)
        want = _relative_error(numeric, analytic)
        got = call(student_derivative_error, f, f_grad, z.copy())
        inputs = {"case": name}
        expect_true(np.ndim(got) == 0, f"for {name}, expected one number, got an array of "
                                       f"shape {np.shape(got)}",
                    hint="take np.max of the differences: the result is one float.")
        diff = np.abs(numeric - analytic)
        mistakes = [
            (float(np.max(diff)), ("divide by the scale max(max |n|, max |a|, 1e-12): a "
                                  "RELATIVE error.")),
            (float(np.mean(diff)) / max(np.max(np.abs(numeric)), np.max(np.abs(analytic))),
             "take the LARGEST difference (np.max), not the mean."),
        ]
        hint = diagnose(got, mistakes, "max |n - a| / max(max |n|, max |a|, 1e-12), n numeric, "
                                       "a = f_grad(z).", equal_nan=True)
        if want < 1e-7:   # a right derivative: only the order of magnitude is meaningful
            expect_true(0 <= float(got) < 1e-7,
                        f"for {name}, the derivative is right: expected an error below 1e-7 "
                        f"(about {want:.1e}), got {float(got):.3g}", hint=hint)
        else:
            expect_close(got, want, what="the error", inputs=inputs, hint=hint, rtol=1e-4,
                         atol=0.0)

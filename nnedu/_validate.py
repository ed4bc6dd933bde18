"""Small input checks shared by the whole library.

Every public function in nnedu checks its inputs BEFORE doing any arithmetic,
so that a mistake gives a message that says what was expected and what came,
instead of a NumPy traceback three calls deeper. These helpers keep those
checks short and the messages consistent:

>>> as_float_array([1, 2, 3], "z")
array([1., 2., 3.])
>>> check_choice("relux", ["relu", "tanh"], "activation")
Traceback (most recent call last):
...
ValueError: unknown activation 'relux'; valid names: 'relu', 'tanh'
"""

import numbers

import numpy as np

from nnedu.backend import float_dtype, to_numpy, xp

_NUMBERS = ("bool", "integral", "real floating")  # the dtypes that hold numbers


def as_float_array(x, name, ndim=None):
    """Convert ``x`` to a float64 ndarray, or explain why it cannot be.

    Accepts Python numbers, (nested) lists and NumPy arrays of numbers or
    booleans. ``name`` is used in the messages ("z", "y_pred", ...).

    Raises
    ------
    TypeError
        if ``x`` holds something that is not a number (a string, None, an
        object), naming ``name`` and the type received.
    ValueError
        if ``ndim`` is given and the array has another number of dimensions,
        naming the expected number and the shape received.
    """
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be a number or an array of numbers, "
                        f"but got {type(x).__name__}: {x!r}")
    arr = _as_array(x, name, "could not be turned into an array")
    if not xp.isdtype(arr.dtype, _NUMBERS):
        raise TypeError(f"{name} must contain numbers, but got an array of dtype "
                        f"{arr.dtype} (from {type(x).__name__})")
    arr = xp.astype(arr, xp.float64, copy=False)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-dimensional array, "
                         f"but got an array of shape {arr.shape} ({arr.ndim} dimensions)")
    return arr


def as_host_floats(x, name, ndim=None):
    """``as_float_array`` brought to the host: a float64 NumPy array, whatever the backend.

    For the code that stays in NumPy on purpose: the chapter-01 Perceptron, the
    2-D loss surfaces and the quadratic analysis (a handful of numbers each).
    """
    return to_numpy(as_float_array(x, name, ndim))


def check_finite(x, name):
    """Raise ValueError if the array ``x`` holds nan or inf, saying where.

    Cheap when all is well: one sum over x (nan or inf make it non-finite);
    only then the full elementwise scan, to say where.

    >>> check_finite(np.array([1.0, np.nan]), "y_pred")
    Traceback (most recent call last):
    ...
    ValueError: y_pred contains nan at index (1,) (1 non-finite value(s) in total)
    """
    x = xp.asarray(x)
    if not xp.isdtype(x.dtype, "real floating"):
        return  # integers and booleans are always finite
    with np.errstate(over="ignore", invalid="ignore"):
        total = xp.sum(x)  # one pass, no temporary array: finite when every value is
    if bool(xp.isfinite(total)):
        return
    bad = ~xp.isfinite(x)  # the sum may also overflow on huge finite values: look closely
    if bool(xp.any(bad)):
        where = tuple(int(indices[0]) for indices in xp.nonzero(bad))  # the first bad one
        raise ValueError(f"{name} contains {float(x[where])} at index {where} "
                         f"({int(xp.count_nonzero(bad))} non-finite value(s) in total)")


def as_numbers(x, name):
    """``x`` as an array of numbers, keeping float32 and float64; ints and bools become floatx.

    The cheap conversion for the model's boundary (fit, evaluate, predict):
    no copy for a float array, a clear message for strings, None, objects and
    ragged lists.
    """
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be an array of numbers, but got {type(x).__name__}: "
                        f"{x!r}")
    arr = _as_array(x, name, "could not be turned into an array (are all rows the same length?)")
    if arr.dtype == xp.float64 or arr.dtype == xp.float32:
        return arr                                   # the usual case, checked first: fast
    if not xp.isdtype(arr.dtype, _NUMBERS):
        raise TypeError(f"{name} must contain numbers, but got an array of dtype {arr.dtype} "
                        f"(from {type(x).__name__})")
    return xp.astype(arr, float_dtype())             # ints, bools, float16


def _as_array(x, name, ragged_message):
    """xp.asarray(x), with a clear message for ragged lists and for non-numbers."""
    try:
        return xp.asarray(x)
    except ValueError as err:  # ragged nested lists
        raise ValueError(f"{name} {ragged_message}: {err}") from None
    except TypeError:  # the array API refuses object arrays outright (NumPy makes one)
        raise TypeError(f"{name} must contain numbers, but got an array of dtype "
                        f"{np.asarray(x).dtype} (from {type(x).__name__})") from None


def check_int(value, name, minimum=None):
    """``value`` as an int (TypeError if it is not one, bools refused), >= ``minimum`` if given.

    >>> check_int(3, "epochs", minimum=1)
    3
    >>> check_int(2.5, "epochs")
    Traceback (most recent call last):
    ...
    TypeError: epochs must be an int, but got float: 2.5
    """
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, but got {type(value).__name__}: {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, but got {value}")
    return int(value)


def check_pair(value, name, minimum=1):
    """An int or a pair of ints as a pair of ints >= ``minimum``: 2 -> (2, 2), (1, 2) -> (1, 2).

    >>> check_pair(3, "kernel_size")
    (3, 3)
    """
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = (value, value)
    if not isinstance(value, (tuple, list)):
        raise TypeError(f"{name} must be an int or a pair of ints, but got "
                        f"{type(value).__name__}: {value!r}")
    if len(value) != 2:
        raise ValueError(f"{name} must be an int or a pair of ints, but got {value!r}")
    return (check_int(value[0], name, minimum), check_int(value[1], name, minimum))


def check_bool(value, name):
    """Raise TypeError unless ``value`` is True or False (``shuffle="yes"`` is refused)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, but got {type(value).__name__}: "
                        f"{value!r}")
    return bool(value)


def in_kernel():
    """True when running inside a Jupyter kernel (where displaying a widget means something)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def check_same_shape(a, b, name_a, name_b):
    """Raise ValueError if arrays ``a`` and ``b`` do not have the same shape."""
    if np.shape(a) != np.shape(b):
        raise ValueError(f"{name_a} and {name_b} must have the same shape, but "
                         f"{name_a} has shape {np.shape(a)} and {name_b} has shape "
                         f"{np.shape(b)}")


def check_choice(value, choices, what):
    """Raise ValueError if ``value`` is not one of ``choices``.

    ``what`` names the kind of thing chosen ("activation", "loss", "padding").
    """
    if value not in choices:
        valid = ", ".join(repr(c) for c in choices)
        raise ValueError(f"unknown {what} {value!r}; valid names: {valid}")


def check_positive(value, name, allow_zero=False):
    """Raise ValueError unless ``value`` is a number > 0 (>= 0 if ``allow_zero``)."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"{name} must be a number, but got {type(value).__name__}: {value!r}")
    if value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {bound}, but got {value!r}")

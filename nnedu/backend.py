"""The array module the library computes with: NumPy by default, CuPy on a GPU.

Library code writes ``xp.zeros(...)``, ``xp.exp(...)`` exactly as it would
write ``np.``; ``xp`` hands every name to the active module, so switching
the backend with ``use()`` reaches code that imported ``xp`` earlier::

    from nnedu.backend import xp
    z = xp.maximum(0, x)          # numpy.maximum today, cupy.maximum on a GPU

There is no wrapper around the arrays themselves: what ``xp`` returns is a
plain NumPy (or CuPy) array. Plotting code and a student's exercise code use
plain NumPy; ``to_numpy(a)`` brings an array back to the host.

>>> name()
'numpy'
>>> xp.zeros(2)
array([0., 0.])

``use("cupy")`` switches to the GPU (CuPy must be installed and see a
device); ``use("auto")`` takes CuPy when it can and NumPy otherwise, and says
which once. Arrays made before a switch stay where they were: build (or
``set_weights``) a model after choosing its backend.

The training path uses only what the Python array API standard defines
(https://data-apis.org/array-api/), which NumPy and CuPy both provide:
functions rather than array methods (``xp.sum(x, axis=0)``,
``xp.reshape(x, shape)``, ``xp.astype(x, dtype)``), dtypes as objects
(``float_dtype()``), and random numbers drawn with NumPy on the host. The
test suite checks that by running the layer, loss and training tests under a
second, strict implementation of the standard (array-api-strict) in place of
NumPy (``_activate``).
"""

import contextlib

import numpy

from nnedu.config import floatx

_active = numpy
_announced = False


class _ArrayModule:
    """``xp``: every attribute is looked up on the active array module.

    A few array-API names that NumPy before 2.1 and CuPy lack come from
    ``_FILLED_IN`` instead (e.g. ``xp.astype``), written with their methods.
    """

    def __getattribute__(self, attr):  # every lookup, first (faster than __getattr__)
        try:
            return getattr(_active, attr)
        except AttributeError:
            if attr in _FILLED_IN:
                return _FILLED_IN[attr]
            raise

    def __repr__(self):
        return f"<nnedu array module: {_active.__name__}>"


xp = _ArrayModule()


def name():
    """The active array module's name: "numpy" or "cupy"."""
    return _active.__name__.split(".")[0]


def module():
    """The active array module itself (``numpy`` or ``cupy``)."""
    return _active


def _activate(array_module):
    """Compute with any array-API module from now on (the tests' stand-in for CuPy).

    Private: students choose with ``use()``. The test suite activates
    ``array_api_strict`` with it, so that every call the array API lacks fails
    on the CPU rather than on a student's GPU.
    """
    global _active
    _active = array_module


def use(backend="auto"):
    """Make ``backend`` ("numpy", "cupy" or "auto") the array module; return its name.

    "auto" picks CuPy when it imports and a GPU answers, else NumPy, and prints
    which (once per session). "cupy" without a usable GPU is an error that says why.
    """
    global _active, _announced
    if backend not in ("numpy", "cupy", "auto"):
        raise ValueError(f"backend must be 'numpy', 'cupy' or 'auto', but got {backend!r}")
    if backend == "numpy":
        _active = numpy
        return name()
    cupy, why_not = probe_cupy()
    if backend == "cupy" and cupy is None:
        raise RuntimeError(f"the CuPy backend is not available here: {why_not}")
    _active = numpy if cupy is None else cupy
    if backend == "auto" and not _announced:
        print(f"nnedu backend: {describe(why_not)}")
        _announced = True
    return name()


@contextlib.contextmanager
def on_host():
    """Compute with NumPy inside the ``with`` block, whatever the backend; restore it after.

    For the explorers' tiny computations (a walk of two parameters on a loss
    surface): on a GPU each of their thousands of small steps would cost a
    kernel launch and a transfer, so they stay on the host.
    """
    global _active
    before, _active = _active, numpy
    try:
        yield
    finally:
        _active = before


def probe_cupy():
    """(the cupy module, None) when CuPy imports and sees a GPU, else (None, the reason)."""
    try:
        import cupy
    except ImportError:
        return None, "CuPy is not installed (pip install cupy-cuda12x on a GPU machine)"
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as err:  # noqa: BLE001 - no driver, no device: all mean "no GPU"
        return None, f"CuPy is installed but finds no GPU ({err})"
    if count == 0:
        return None, "CuPy is installed but finds no GPU"
    return cupy, None


def describe(why_not_gpu=None):
    """One line on the active backend: its module, and the device and memory on a GPU."""
    if name() not in ("numpy", "cupy"):
        return f"{name()} on the CPU (a stand-in array library, for tests)"
    if name() != "cupy":
        reason = f" ({why_not_gpu})" if why_not_gpu else ""
        return f"NumPy on the CPU{reason}"
    return f"CuPy on {describe_gpu(_active)}"


def describe_gpu(cupy):
    """'GPU 0 (NVIDIA T4, 14.6 of 15.0 GiB free)': the current CuPy device and its memory."""
    device = cupy.cuda.Device()
    free, total = device.mem_info
    props = cupy.cuda.runtime.getDeviceProperties(device.id)
    label = props["name"].decode() if isinstance(props["name"], bytes) else props["name"]
    return f"GPU {device.id} ({label}, {free / 2**30:.1f} of {total / 2**30:.1f} GiB free)"


def to_numpy(a):
    """``a`` as a NumPy array on the host (a no-op for NumPy arrays and Python numbers)."""
    if hasattr(a, "get") and not isinstance(a, numpy.ndarray):  # CuPy arrays copy back with .get()
        return a.get()
    return numpy.asarray(a)


# ------------------------------------------------------------------ array-API helpers
# What NumPy spells its own way (string dtypes, arr.copy()), once here for every backend.


def float_dtype(dtype=None):
    """The active module's float type named ``dtype`` ("float32", "float64"; None: floatx()).

    Array-API modules take dtypes as objects, not strings: ``xp.zeros(3,
    dtype=float_dtype())``. A NumPy dtype (``np.float32``) names the active
    module's type of the same name; another module's dtype is returned as it is.

    >>> float_dtype() is numpy.float64, float_dtype("float32") is numpy.float32
    (True, True)
    """
    if dtype is None:
        dtype = floatx()
    if not isinstance(dtype, str):
        try:
            dtype = numpy.dtype(dtype).name  # np.float32 -> "float32"
        except TypeError:
            return dtype  # already a dtype of the active module (array_api_strict.float32)
    return getattr(_active, dtype)


def _astype(x, dtype, copy=True):
    return x.astype(dtype, copy=copy)


# isdtype's kinds as NumPy's one-letter dtype.kind
_KIND_LETTERS = {"bool": "b", "signed integer": "i", "unsigned integer": "u",
                 "integral": "iu", "real floating": "f", "complex floating": "c",
                 "numeric": "iufc"}


def _isdtype(dtype, kind):
    kinds = (kind,) if isinstance(kind, str) else kind
    return any(numpy.dtype(dtype).kind in _KIND_LETTERS[k] for k in kinds)


def _concat(arrays, axis=0):
    return _active.concatenate(arrays, axis=axis)


def _permute_dims(x, axes):
    return _active.transpose(x, axes)


def _unique_values(x):
    return _active.unique(x)


# The array API's names for what NumPy < 2 (or < 2.1) and CuPy spell otherwise.
_FILLED_IN = {"astype": _astype, "isdtype": _isdtype, "concat": _concat,
              "permute_dims": _permute_dims, "unique_values": _unique_values}


def host_rng(seed=None):
    """NumPy's random generator ``numpy.random.default_rng(seed)``, for every backend.

    The array API has no random numbers: they are drawn on the host and moved
    with ``xp.asarray``, so the same seed gives the same numbers on every backend.
    """
    return numpy.random.default_rng(seed)


def copy(a):
    """A new array with the values of ``a``, on the same device (NumPy's ``a.copy()``)."""
    if hasattr(a, "copy"):  # NumPy and CuPy arrays
        return a.copy()
    return _active.asarray(a, copy=True)  # the array API (NumPy 1.x has no copy= here)

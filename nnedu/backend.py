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
"""

import numpy

_active = numpy
_announced = False


class _ArrayModule:
    """``xp``: every attribute is looked up on the active array module."""

    def __getattr__(self, attr):
        return getattr(_active, attr)

    def __repr__(self):
        return f"<nnedu array module: {_active.__name__}>"


xp = _ArrayModule()


def name():
    """The active array module's name: "numpy" or "cupy"."""
    return _active.__name__.split(".")[0]


def module():
    """The active array module itself (``numpy`` or ``cupy``)."""
    return _active


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

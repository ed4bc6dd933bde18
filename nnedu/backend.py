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
"""

import numpy

_active = numpy


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


def to_numpy(a):
    """``a`` as a NumPy array on the host (a no-op for NumPy arrays and Python numbers)."""
    if hasattr(a, "get") and not isinstance(a, numpy.ndarray):  # CuPy arrays copy back with .get()
        return a.get()
    return numpy.asarray(a)

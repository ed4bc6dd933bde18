"""Library-wide settings, named as in ``keras.config``.

Only one setting so far: the float type of weights and activations.
float64 is the default, because the course checks gradients numerically and
float64 keeps those checks exact to ~1e-10; float32 is twice as fast on
convolutions and is what the frameworks use on GPUs.

>>> floatx()
'float64'
>>> set_floatx("float32"); floatx()
'float32'
>>> set_floatx("float64")
"""

_FLOAT_TYPES = ("float32", "float64")
_floatx = "float64"


def floatx():
    """The name of the float type new layers and models compute in ("float64" or "float32")."""
    return _floatx


def set_floatx(value):
    """Make ``value`` ("float32" or "float64") the float type of everything built from now on.

    Layers built before the call keep their weights' type; build the model again
    (or ``set_weights``) after changing it.
    """
    global _floatx
    if value not in _FLOAT_TYPES:
        raise ValueError(f"floatx must be one of {_FLOAT_TYPES}, but got {value!r}")
    _floatx = value

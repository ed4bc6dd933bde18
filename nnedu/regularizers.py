"""Weight penalties (L1, L2, L1L2) and the max-norm constraint, with Keras' definitions.

A regularizer is a callable that turns a weight array W into a penalty added
to the loss, and knows its gradient::

    reg = L2(0.01)
    reg(W)            # 0.01 * sum(W**2), a float
    reg.gradient(W)   # 0.02 * W, same shape as W

Keras' convention (followed here): the penalty is NOT divided by the number
of samples and has NO factor 1/2. Textbooks (and COURSE.md chapter 09) often
write the L2 term as lambda / (2 m) * sum ||W||^2, with m the number of
training samples; that is ``L2(l2=lambda / (2 * m))`` here. Since the loss
is a mean over the batch, the Keras form adds the same penalty however large
the batch is.

A layer with ``kernel_regularizer=L2(0.01)`` adds ``reg(kernel)`` to the loss
(``layer.regularization_loss()``) and ``reg.gradient(kernel)`` to its kernel
gradient in ``backward``. Biases are not penalized.

A constraint is applied AFTER each optimizer step and projects the weights
back into an allowed set: ``MaxNorm(2)`` rescales every unit's incoming
weight vector whose length is above 2 down to length 2.
"""

from nnedu._validate import check_positive
from nnedu.backend import xp


class Regularizer:
    """Base class: ``reg(W) -> float`` penalty and ``reg.gradient(W) -> array``."""

    def __call__(self, weights):
        raise NotImplementedError

    def gradient(self, weights):
        raise NotImplementedError

    def get_config(self):
        """The constructor's arguments as a dict (for saving a model)."""
        return dict(vars(self))

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class L1(Regularizer):
    """L1 penalty: l1 * sum |W|. Gradient: l1 * sign(W). Drives weights to exactly 0.

    >>> L1(0.5)([1.0, -2.0])
    1.5
    """

    def __init__(self, l1=0.01):
        check_positive(l1, "l1", allow_zero=True)
        self.l1 = float(l1)

    def __call__(self, weights):
        return self.l1 * float(xp.sum(xp.abs(weights)))

    def gradient(self, weights):
        """d/dW of l1 * sum |W| = l1 * sign(W) (0 at W = 0, the subgradient we pick)."""
        return self.l1 * xp.sign(weights)


class L2(Regularizer):
    """L2 penalty (weight decay): l2 * sum W^2. Gradient: 2 * l2 * W.

    No 1/2 and no 1/m (Keras' definition); lambda/(2m) sum W^2 is L2(lambda / (2m)).

    >>> L2(0.5)([1.0, -2.0])
    2.5
    """

    def __init__(self, l2=0.01):
        check_positive(l2, "l2", allow_zero=True)
        self.l2 = float(l2)

    def __call__(self, weights):
        return self.l2 * float(xp.sum(xp.square(weights)))

    def gradient(self, weights):
        """d/dW of l2 * sum W^2 = 2 * l2 * W."""
        return 2.0 * self.l2 * xp.asarray(weights)


class L1L2(Regularizer):
    """Both at once (the "elastic net"): l1 * sum |W| + l2 * sum W^2.

    Keras' defaults are 0 for both, so ``L1L2()`` penalizes nothing.
    """

    def __init__(self, l1=0.0, l2=0.0):
        check_positive(l1, "l1", allow_zero=True)
        check_positive(l2, "l2", allow_zero=True)
        self.l1 = float(l1)
        self.l2 = float(l2)

    def __call__(self, weights):
        return L1(self.l1)(weights) + L2(self.l2)(weights)

    def gradient(self, weights):
        """l1 * sign(W) + 2 * l2 * W."""
        return L1(self.l1).gradient(weights) + L2(self.l2).gradient(weights)


class MaxNorm:
    """Max-norm constraint: the norm of each unit's weight vector is at most ``max_value``.

    W_unit <- W_unit * min(1, max_value / ||W_unit||), norms taken along ``axis``.
    For a Dense kernel (in, units) the default ``axis=0`` measures each unit's
    incoming weights; for a Conv2D kernel (kh, kw, cin, filters) use
    ``axis=[0, 1, 2]`` for one norm per filter. Applied after each optimizer step.

    >>> MaxNorm(1.0)([[3.0], [4.0]]).ravel()
    array([0.6, 0.8])
    """

    def __init__(self, max_value=2, axis=0):
        check_positive(max_value, "max_value")
        self.max_value = float(max_value)
        self.axis = axis if isinstance(axis, int) else [int(a) for a in axis]

    def __call__(self, weights):
        """The weights with every too-long unit vector scaled back to length ``max_value``."""
        axis = self.axis if isinstance(self.axis, int) else tuple(self.axis)
        weights = xp.asarray(weights)
        norms = xp.sqrt(xp.sum(xp.square(weights), axis=axis, keepdims=True))
        scale = xp.minimum(1.0, self.max_value / xp.maximum(norms, 1e-12))
        return weights * scale

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}

    def __repr__(self):
        return f"MaxNorm(max_value={self.max_value}, axis={self.axis})"


# ------------------------------------------------------------------ lookup

_BY_NAME = {"l1": L1, "l2": L2, "l1l2": L1L2, "l1_l2": L1L2, "max_norm": MaxNorm,
            "maxnorm": MaxNorm}
_CLASSES = {"L1": L1, "L2": L2, "L1L2": L1L2, "MaxNorm": MaxNorm}


def get(identifier):
    """A regularizer or constraint from a name, an object, a saved config, or None.

    - ``None`` -> None (no penalty);
    - "l1", "l2", "l1l2" (Keras' names) -> that class with its default strength;
      "max_norm" -> MaxNorm();
    - an object (L2(0.001), MaxNorm(3)) is returned as is;
    - ``{"class_name": "L2", "config": {"l2": 0.001}}`` (see ``serialize``) is rebuilt.
    """
    if identifier is None or isinstance(identifier, (Regularizer, MaxNorm)):
        return identifier
    if isinstance(identifier, dict):
        if identifier.get("class_name") not in _CLASSES:
            raise ValueError(f"unknown regularizer config {identifier!r}; expected "
                             f"class_name one of {', '.join(_CLASSES)}")
        return _CLASSES[identifier["class_name"]](**identifier.get("config", {}))
    if isinstance(identifier, str):
        key = identifier.lower()
        if key not in _BY_NAME:
            raise ValueError(f"unknown regularizer {identifier!r}; valid names: "
                             f"{', '.join(repr(k) for k in _BY_NAME)}")
        return _BY_NAME[key]()
    raise TypeError(f"a regularizer is a name such as 'l2', an object such as L2(0.01), or "
                    f"None, but got {type(identifier).__name__}: {identifier!r}")


def serialize(regularizer):
    """A JSON-able description, ``{"class_name": ..., "config": ...}``, or None."""
    if regularizer is None:
        return None
    return {"class_name": type(regularizer).__name__, "config": regularizer.get_config()}

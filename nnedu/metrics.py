"""Metrics: figures that say how well a model does, reported by fit and evaluate.

A metric is a function ``metric(y_true, y_pred) -> float`` over a batch. The
loss says how wrong the probabilities are; accuracy says how often the most
probable class is the right one, which is what people usually want to know.

Keras' rules for the name "accuracy" (it picks the right one from the shapes):

=====================================  ==========================================
one output unit (sigmoid), y 0/1       binary_accuracy:      (y_pred > 0.5) == y
K outputs, integer labels y (N,)       sparse_categorical_accuracy: argmax == y
K outputs, one-hot y (N, K)            categorical_accuracy: argmax == argmax(y)
=====================================  ==========================================

Any loss name ("mae", "mse", ...) is a metric too: the mean loss, with no
gradient. ``get(name)`` returns the function for a name.

>>> import numpy as np
>>> accuracy(np.array([1, 0]), np.array([[0.2, 0.8], [0.3, 0.7]]))
0.5
"""

from nnedu import losses
from nnedu.backend import xp


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """Fraction of entries where (y_pred > threshold) equals (y_true > threshold)."""
    y_true, y_pred = xp.asarray(y_true), xp.asarray(y_pred)
    n = y_pred.shape[0]
    correct = (xp.reshape(y_pred, (n, -1)) > threshold) == (xp.reshape(y_true, (n, -1)) > threshold)
    return int(xp.count_nonzero(correct)) / correct.size


def sparse_categorical_accuracy(y_true, y_pred):
    """Fraction of samples whose most probable class, argmax(y_pred), is the label y_true."""
    y_true, y_pred = xp.asarray(y_true), xp.asarray(y_pred)
    correct = xp.argmax(y_pred, axis=-1) == xp.reshape(y_true, y_pred.shape[:-1])
    return int(xp.count_nonzero(correct)) / correct.size


def categorical_accuracy(y_true, y_pred):
    """Fraction of samples where argmax(y_pred) == argmax(y_true) (one-hot targets)."""
    y_true, y_pred = xp.asarray(y_true), xp.asarray(y_pred)
    correct = xp.argmax(y_pred, axis=-1) == xp.argmax(y_true, axis=-1)
    return int(xp.count_nonzero(correct)) / correct.size


def accuracy(y_true, y_pred):
    """Fraction of correct predictions, with Keras' rules for "accuracy" (see above).

    y_pred: (N, ..., K) model outputs; y_true: labels (N, ...) or one-hot (N, ..., K).
    """
    if y_pred.shape[-1] == 1:
        return binary_accuracy(y_true, y_pred)
    if xp.asarray(y_true).ndim == y_pred.ndim - 1:
        return sparse_categorical_accuracy(y_true, y_pred)
    return categorical_accuracy(y_true, y_pred)


def class_labels(y, output_shape):
    """The class of each sample, (N,) ints: the label, the one-hot's argmax, or y > 0.5.

    output_shape: the model's output shape of one sample; (1,) means one sigmoid
    unit, whose two classes are 0 and 1.

    >>> import numpy as np
    >>> class_labels(np.array([[0.0, 1.0], [1.0, 0.0]]), (2,)).tolist()
    [1, 0]
    """
    y = xp.asarray(y)
    n = y.shape[0]
    if output_shape[-1] == 1:
        return xp.astype(xp.reshape(y, (n, -1))[:, 0] > 0.5, xp.int64)
    if y.ndim == 1:
        return xp.astype(y, xp.int64)
    return xp.argmax(xp.reshape(y, (n, -1)), axis=-1)


METRICS = {"accuracy": accuracy, "acc": accuracy, "binary_accuracy": binary_accuracy,
           "categorical_accuracy": categorical_accuracy,
           "sparse_categorical_accuracy": sparse_categorical_accuracy}


def get(name):
    """The metric function for a name: an accuracy, or a loss name as its mean value.

    >>> import numpy as np
    >>> get("mae")(np.array([1.0, 2.0]), np.array([1.5, 0.0]))
    1.25
    """
    if not isinstance(name, str):
        raise TypeError(f"metrics are given by name, e.g. ['accuracy'], but got "
                        f"{type(name).__name__}: {name!r}")
    if name in METRICS:
        return METRICS[name]
    if name in losses.LOSSES:
        loss = losses.get(name)
        return lambda y_true, y_pred: losses.weighted_mean(loss.call(xp.asarray(y_true),
                                                                     xp.asarray(y_pred)))
    raise ValueError(f"unknown metric {name!r}; use 'accuracy' or a loss name such as 'mae'")


__all__ = ["accuracy", "binary_accuracy", "categorical_accuracy", "class_labels", "get",
           "sparse_categorical_accuracy"]

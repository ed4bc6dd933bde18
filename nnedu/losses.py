"""Loss functions: how wrong a prediction is, and the gradient that says how to fix it.

Every loss is a small object with

    loss(y_true, y_pred)           -> float, the MEAN over the batch (as Keras)
    loss.gradient(y_true, y_pred)  -> dL/dy_pred, an array of y_pred's shape
    loss.name                      -> its Keras name, e.g. "mean_squared_error"

Get one by its Keras name or alias, ``get("mse")``, or use the instances
below: ``mse``, ``mae``, ``binary_crossentropy``, ``categorical_crossentropy``,
``sparse_categorical_crossentropy``, ``hinge``.

Shapes: y_pred is (N, K) for a batch of N examples with K outputs (or (N,)).
y_true has the same shape, except for sparse categorical cross-entropy
(integer labels, (N,)); as in Keras, y_true of shape (N,) is also accepted
for y_pred of shape (N, 1), and the other way round.

Probabilities are clipped to [EPSILON, 1 - EPSILON] with EPSILON = 1e-7
(Keras' epsilon) before the log, so a confident wrong answer costs a large
but finite loss: -log(1e-7) ~ 16.1. The gradients are the exact derivatives
of the clipped losses (0 where the clip is active).

When the model's last layer is a softmax or a sigmoid, it is more accurate
to compute the loss from the logits: ``softmax_cross_entropy`` and
``sigmoid_cross_entropy`` return the loss and its gradient with respect to
the logits, (p - y) / N, in one stable step (log-sum-exp).
"""

import numpy as np

from nnedu._validate import as_float_array, check_choice, check_finite, check_same_shape
from nnedu.activations import sigmoid

EPSILON = 1e-7  # Keras' backend epsilon


class Loss:
    """A loss: ``loss(y_true, y_pred)`` is the batch mean, ``loss.gradient`` its gradient."""

    name = "loss"

    def __call__(self, y_true, y_pred):
        """``loss(y_true, y_pred)`` is ``loss.loss(y_true, y_pred)``."""
        return self.loss(y_true, y_pred)

    def loss(self, y_true, y_pred):
        """The mean loss over the batch, a float."""
        raise NotImplementedError

    def gradient(self, y_true, y_pred):
        """d(mean loss)/d(y_pred), an array of y_pred's shape."""
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}()"


# ------------------------------------------------------------------- regression

class MeanSquaredError(Loss):
    """MSE = mean over all entries of (y_pred - y_true)^2.

    (Keras: mean over the last axis, then over the batch; the same number.)
    Gradient: 2 (y_pred - y_true) / n, with n the number of entries.
    y_true, y_pred: the same shape, e.g. (N, K) or (N,); gradient: y_pred's shape.

    >>> mse([1.0, 2.0], [1.0, 4.0])      # errors 0 and 2: (0 + 4) / 2
    2.0
    >>> mse.gradient([1.0, 2.0], [1.0, 4.0])
    array([0., 2.])
    """

    name = "mean_squared_error"

    def loss(self, y_true, y_pred):
        y_true, y_pred = _prepare(y_true, y_pred)
        return float(np.mean((y_pred - y_true) ** 2))

    def gradient(self, y_true, y_pred):
        y_true, y_pred = _prepare(y_true, y_pred)
        return 2.0 * (y_pred - y_true) / y_pred.size


class MeanAbsoluteError(Loss):
    """MAE = mean over all entries of |y_pred - y_true|.

    Gradient: sign(y_pred - y_true) / n (0 where y_pred == y_true, the kink).
    y_true, y_pred: the same shape, e.g. (N, K) or (N,); gradient: y_pred's shape.

    >>> mae([1.0, 2.0], [1.5, 0.0])      # errors 0.5 and 2: (0.5 + 2) / 2
    1.25
    """

    name = "mean_absolute_error"

    def loss(self, y_true, y_pred):
        y_true, y_pred = _prepare(y_true, y_pred)
        return float(np.mean(np.abs(y_pred - y_true)))

    def gradient(self, y_true, y_pred):
        y_true, y_pred = _prepare(y_true, y_pred)
        return np.sign(y_pred - y_true) / y_pred.size


# --------------------------------------------------------------- classification

class BinaryCrossentropy(Loss):
    """BCE = -mean( y log p + (1 - y) log(1 - p) ), p = y_pred clipped to [eps, 1 - eps].

    y_true: 0/1 labels (or soft labels in [0, 1]); y_pred: probabilities, same shape.
    Gradient: (-(y / p) + (1 - y) / (1 - p)) / n, with n the number of entries.

    >>> round(binary_crossentropy([1.0, 0.0], [0.9, 0.2]), 4)   # -(log 0.9 + log 0.8) / 2
    0.1643
    """

    name = "binary_crossentropy"

    def loss(self, y_true, y_pred):
        y_true, y_pred = _prepare_probabilities(y_true, y_pred)
        p, _ = _clip_with_mask(y_pred)
        return float(-np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))

    def gradient(self, y_true, y_pred):
        y_true, y_pred = _prepare_probabilities(y_true, y_pred)
        p, inside = _clip_with_mask(y_pred)
        return inside * (-y_true / p + (1 - y_true) / (1 - p)) / y_pred.size


class CategoricalCrossentropy(Loss):
    """CCE = mean over the batch of -sum_k y_k log p_k, p = y_pred clipped to [eps, 1 - eps].

    y_true: one-hot labels (N, K); y_pred: probabilities (N, K), rows summing to 1.
    Gradient: -y / p / N, shape (N, K). (Keras also rescales each row of y_pred to
    sum to 1; for a softmax output that changes nothing.)

    >>> round(categorical_crossentropy([[0.0, 1.0, 0.0]], [[0.2, 0.7, 0.1]]), 4)  # -log 0.7
    0.3567
    """

    name = "categorical_crossentropy"

    def loss(self, y_true, y_pred):
        y_true, y_pred = _prepare_probabilities(y_true, y_pred)
        p, _ = _clip_with_mask(y_pred)
        return float(-np.sum(y_true * np.log(p)) / _batch_size(y_pred))

    def gradient(self, y_true, y_pred):
        y_true, y_pred = _prepare_probabilities(y_true, y_pred)
        p, inside = _clip_with_mask(y_pred)
        return inside * (-y_true / p) / _batch_size(y_pred)


def _batch_size(y_pred):
    """N for y_pred of shape (N, ..., K); 1 for a single example of shape (K,)."""
    return y_pred.shape[0] if y_pred.ndim > 1 else 1


class SparseCategoricalCrossentropy(Loss):
    """Categorical cross-entropy with integer labels: mean over n of -log p[n, y_n].

    y_true: integer labels (N,) (or (N, 1)) in 0..K-1; y_pred: probabilities (N, K).
    Gradient: -1 / (N p[n, y_n]) at the true class of each row, 0 elsewhere; shape (N, K).

    >>> round(sparse_categorical_crossentropy([1], [[0.2, 0.7, 0.1]]), 4)  # -log 0.7
    0.3567
    """

    name = "sparse_categorical_crossentropy"

    def loss(self, y_true, y_pred):
        labels, y_pred = _prepare_sparse(y_true, y_pred)
        p, _ = _clip_with_mask(y_pred[np.arange(len(labels)), labels])
        return float(-np.mean(np.log(p)))

    def gradient(self, y_true, y_pred):
        labels, y_pred = _prepare_sparse(y_true, y_pred)
        rows = np.arange(len(labels))
        p, inside = _clip_with_mask(y_pred[rows, labels])
        grad = np.zeros_like(y_pred)
        grad[rows, labels] = -inside / p / len(labels)
        return grad


def _prepare_sparse(y_true, y_pred):
    """Validate integer labels (N,) against probabilities (N, K); return (labels, y_pred)."""
    y_pred = as_float_array(y_pred, "y_pred", ndim=2)
    if y_pred.size == 0:
        raise ValueError(f"y_pred is empty (shape {y_pred.shape}): nothing to average")
    check_finite(y_pred, "y_pred")
    _check_probabilities(y_pred)
    return _integer_labels(y_true, *y_pred.shape), y_pred


def _integer_labels(y_true, n, k):
    """Integer class labels of shape (n,) with values in [0, k), or a ValueError."""
    y = as_float_array(y_true, "y_true")
    if y.shape == (n, 1):
        y = y[:, 0]
    if y.shape != (n,):
        raise ValueError(f"integer labels y_true must have shape ({n},) to match {n} rows of "
                         f"predictions, but got shape {y.shape}")
    check_finite(y, "y_true")
    if np.any(y != np.round(y)):
        raise ValueError(f"labels must be whole numbers, but got {y[y != np.round(y)][0]}")
    bad = (y < 0) | (y >= k)
    if bad.any():
        raise ValueError(f"label {int(y[bad][0])} is out of range: with K={k} classes, labels "
                         f"must be in 0..{k - 1}")
    return y.astype(np.intp)


class Hinge(Loss):
    """Hinge = mean of max(0, 1 - y * s), for labels y in {-1, +1} and scores s.

    Labels in {0, 1} are converted to {-1, +1} first (y -> 2y - 1), as Keras does.
    Gradient: -y / n where 1 - y s > 0, else 0 (0 at the kink y s = 1).
    y_true, y_pred: the same shape, e.g. (N,) or (N, K); gradient: y_pred's shape.

    >>> hinge([1.0, -1.0], [2.0, 0.5])   # margins 2 and -0.5: (0 + 1.5) / 2
    0.75
    """

    name = "hinge"

    def loss(self, y_true, y_pred):
        y, s = _hinge_labels(*_prepare(y_true, y_pred))
        return float(np.mean(np.maximum(0.0, 1.0 - y * s)))

    def gradient(self, y_true, y_pred):
        y, s = _hinge_labels(*_prepare(y_true, y_pred))
        return np.where(1.0 - y * s > 0, -y, 0.0) / s.size


def _hinge_labels(y_true, y_pred):
    """Labels in {-1, +1} (converting {0, 1}), or a ValueError."""
    values = set(np.unique(y_true).tolist())
    if values <= {0.0, 1.0}:
        return 2.0 * y_true - 1.0, y_pred
    if values <= {-1.0, 1.0}:
        return y_true, y_pred
    raise ValueError(f"hinge loss needs labels in {{-1, +1}} (or {{0, 1}}), but y_true holds "
                     f"{sorted(values)[:5]}")


# ------------------------------------------------------------------ from logits

def softmax_cross_entropy(logits, y_true):
    """Softmax followed by cross-entropy, from the logits, in one stable step.

    logits: (N, K). y_true: one-hot (N, K) or integer labels (N,).
    log p = z - logsumexp(z), with logsumexp(z) = m + log sum_k e^(z_k - m), m = max_k z_k.
    Returns (loss, dlogits): the mean cross-entropy (a float) and its gradient
    with respect to the logits, (p - y) / N, of shape (N, K).

    >>> loss, dlogits = softmax_cross_entropy([[0.0, 0.0]], [1])   # p = (0.5, 0.5)
    >>> round(loss, 4), dlogits                                    # log 2, p - y
    (0.6931, array([[ 0.5, -0.5]]))
    """
    z = as_float_array(logits, "logits", ndim=2)
    if z.size == 0:
        raise ValueError(f"logits is empty (shape {z.shape}): nothing to average")
    check_finite(z, "logits")
    n, k = z.shape
    y = np.asarray(y_true)
    if y.ndim == 1 or y.shape == (n, 1):
        y = np.eye(k)[_integer_labels(y, n, k)]  # integer labels -> one-hot
    y = as_float_array(y, "y_true")
    check_same_shape(y, z, "y_true", "logits")
    check_finite(y, "y_true")
    _check_label_range(y)
    shifted = z - z.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    loss = -np.sum(y * log_p) / n
    return float(loss), (np.exp(log_p) - y) / n


def sigmoid_cross_entropy(logits, y_true):
    """Sigmoid followed by binary cross-entropy, from the logits, in one stable step.

    logits z and labels y in [0, 1]: same shape, e.g. (N, 1) or (N,).
    -[y log s(z) + (1 - y) log(1 - s(z))] = max(z, 0) - z y + log(1 + e^-|z|).
    Returns (loss, dlogits): the mean over all entries, and (s(z) - y) / n (z's shape).

    >>> loss, dlogits = sigmoid_cross_entropy([0.0], [1.0])   # s(0) = 0.5
    >>> round(loss, 4), dlogits
    (0.6931, array([-0.5]))
    """
    y, z = _prepare(y_true, logits, pred_name="logits")
    _check_label_range(y)
    loss = np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))
    return float(loss), (sigmoid(z) - y) / z.size


# ------------------------------------------------------------ instances, get()

mse = mean_squared_error = MeanSquaredError()
mae = mean_absolute_error = MeanAbsoluteError()
binary_crossentropy = BinaryCrossentropy()
categorical_crossentropy = CategoricalCrossentropy()
sparse_categorical_crossentropy = SparseCategoricalCrossentropy()
hinge = Hinge()

LOSSES = {
    "mean_squared_error": MeanSquaredError, "mse": MeanSquaredError,
    "MeanSquaredError": MeanSquaredError,
    "mean_absolute_error": MeanAbsoluteError, "mae": MeanAbsoluteError,
    "MeanAbsoluteError": MeanAbsoluteError,
    "binary_crossentropy": BinaryCrossentropy, "BinaryCrossentropy": BinaryCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "CategoricalCrossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
    "SparseCategoricalCrossentropy": SparseCategoricalCrossentropy,
    "hinge": Hinge, "Hinge": Hinge,
}


def get(identifier):
    """A loss object from a Keras name ("mse", "categorical_crossentropy", ...).

    A Loss object is returned unchanged; a Loss class is instantiated.

    >>> get("mse")([1.0, 2.0], [1.0, 4.0])
    2.0
    """
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if not isinstance(identifier, str):
        raise TypeError(f"a loss is given by its name (a string) or a Loss object, but got "
                        f"{type(identifier).__name__}: {identifier!r}")
    check_choice(identifier, list(LOSSES), "loss")
    return LOSSES[identifier]()


# ---------------------------------------------------------------------- helpers

def _prepare(y_true, y_pred, pred_name="y_pred"):
    """Validate a (y_true, y_pred) pair of the same shape; return them as float arrays."""
    y_true = as_float_array(y_true, "y_true")
    y_pred = as_float_array(y_pred, pred_name)
    if y_pred.shape == y_true.shape + (1,):    # labels (N,) for predictions (N, 1)
        y_true = y_true[..., None]
    elif y_true.shape == y_pred.shape + (1,):  # labels (N, 1) for predictions (N,)
        y_true = y_true[..., 0]
    _check_not_integer_labels(y_true, y_pred)
    check_same_shape(y_true, y_pred, "y_true", pred_name)
    if y_pred.size == 0:
        raise ValueError(f"{pred_name} is empty (shape {y_pred.shape}): nothing to average")
    check_finite(y_true, "y_true")
    check_finite(y_pred, pred_name)
    return y_true, y_pred


def _check_not_integer_labels(y_true, y_pred):
    """Integer labels (N,) next to predictions (N, K): say which loss takes them."""
    if y_true.ndim == 1 and y_pred.ndim == 2 and len(y_true) == len(y_pred) > 0 \
            and y_pred.shape[1] > 1 and np.all(y_true == np.round(y_true)):
        raise ValueError(f"y_true of shape {y_true.shape} looks like integer class labels, but "
                         f"this loss needs one row per example like y_pred {y_pred.shape}: use "
                         "sparse_categorical_crossentropy, or one-hot encode the labels "
                         "(nnedu.data.one_hot)")


def _prepare_probabilities(y_true, y_pred):
    """:func:`_prepare` for the cross-entropies: y_pred must hold probabilities, y_true labels."""
    y_true, y_pred = _prepare(y_true, y_pred)
    _check_probabilities(y_pred)
    _check_label_range(y_true)
    return y_true, y_pred


def _check_label_range(y_true):
    """Cross-entropy targets are probabilities too: 0/1 labels, one-hot rows or soft labels."""
    if y_true.min() < 0 or y_true.max() > 1:
        raise ValueError(f"y_true must hold labels in [0, 1] (0/1, one-hot or soft labels), but "
                         f"its values range from {y_true.min():.4g} to {y_true.max():.4g}; "
                         "labels -1/+1? use (y_true + 1) / 2, or the hinge loss")


def _check_probabilities(y_pred):
    """Cross-entropies need probabilities in [0, 1], not logits."""
    if y_pred.min() < 0 or y_pred.max() > 1:
        raise ValueError(f"y_pred must hold probabilities in [0, 1], but its values range from "
                         f"{y_pred.min():.4g} to {y_pred.max():.4g}; are these logits? Then use "
                         "softmax_cross_entropy or sigmoid_cross_entropy")


def _clip_with_mask(p):
    """Clip p to [EPSILON, 1 - EPSILON]; also return where the clip did not act (1.0 or 0.0)."""
    inside = ((p >= EPSILON) & (p <= 1 - EPSILON)).astype(np.float64)
    return np.clip(p, EPSILON, 1 - EPSILON), inside

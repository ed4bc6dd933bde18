"""Loss functions: how wrong a prediction is, and the gradient that says how to fix it.

Every loss is a small object with

    loss(y_true, y_pred)                 -> float, the MEAN over the batch (as Keras)
    loss(y_true, y_pred, sample_weight)  -> sum_n w_n L_n / N (Keras' weighted mean)
    loss.gradient(y_true, y_pred)        -> dL/dy_pred, an array of y_pred's shape
    loss.per_sample(y_true, y_pred)      -> the N losses L_n, shape (N,)
    loss.name                            -> its Keras name, e.g. "mean_squared_error"

Get one by its Keras name or alias, ``get("mse")``, or use the instances
below: ``mse``, ``mae``, ``binary_crossentropy``, ``categorical_crossentropy``,
``sparse_categorical_crossentropy``, ``hinge``.

A loss is written as two formulas for ONE sample (Keras' ``call``):
``call(y_true, y_pred)`` gives the N per-sample losses L_n and
``call_gradient(y_true, y_pred)`` their derivatives dL_n/dy_pred_n. The batch
loss is their (weighted) mean and its gradient is w_n dL_n/dy_pred_n / N:
``value_and_gradient`` does that, without input checks, for the model's
training loop (the model checks the data once, before the first batch).

Shapes: y_pred is (N, K) for a batch of N examples with K outputs (or (N,)).
y_true has the same shape, except for sparse categorical cross-entropy
(integer labels, (N,)); as in Keras, y_true of shape (N,) is also accepted
for y_pred of shape (N, 1), and the other way round.

Probabilities are clipped to [EPSILON, 1 - EPSILON] with EPSILON = 1e-7
(Keras' epsilon) before the log, so a confident wrong answer costs a large
but finite loss: -log(1e-7) ~ 16.1. The gradients are the exact derivatives
of the clipped losses (0 where the clip is active).

From the logits. When the model's last layer is a softmax or a sigmoid, the
cross-entropies know their FUSED gradient: ``value_and_gradient_from_logits``
computes the loss from the logits z with log-sum-exp (nothing is clipped,
nothing underflows) and its gradient with respect to z, (p - y) / N, so the
loss reported, the gradient descended and a numerical gradient of that loss
agree everywhere. ``softmax_cross_entropy`` and ``sigmoid_cross_entropy`` do
the same as plain functions, with input checks.
"""

from nnedu._validate import as_float_array, check_choice, check_finite, check_same_shape
from nnedu.activations import sigmoid
from nnedu.backend import to_numpy, xp

EPSILON = 1e-7  # Keras' backend epsilon


class Loss:
    """A loss: ``loss(y_true, y_pred)`` is the batch mean, ``loss.gradient`` its gradient.

    A subclass defines ``call`` (the per-sample losses, shape (N,)) and
    ``call_gradient`` (dL_n/dy_pred, y_pred's shape); ``check`` validates the
    inputs of the public methods.
    """

    name = "loss"
    fused_activation = None  # "softmax" / "sigmoid": the output whose gradient fuses with it

    def __call__(self, y_true, y_pred, sample_weight=None):
        """``loss(y_true, y_pred)`` is ``loss.loss(y_true, y_pred)``."""
        return self.loss(y_true, y_pred, sample_weight)

    def loss(self, y_true, y_pred, sample_weight=None):
        """The (weighted) mean loss over the batch, sum_n w_n L_n / N, a float."""
        y_true, y_pred = self.check(y_true, y_pred)
        return weighted_mean(self.call(y_true, y_pred), _sample_weight(sample_weight, y_pred))

    def per_sample(self, y_true, y_pred):
        """The loss of each sample, L_n: an array of shape (N,)."""
        return self.call(*self.check(y_true, y_pred))

    def gradient(self, y_true, y_pred, sample_weight=None):
        """d(mean loss)/d(y_pred), an array of y_pred's shape."""
        shape = as_float_array(y_pred, "y_pred").shape   # (K,) for one example, say
        y_true, y_pred = self.check(y_true, y_pred)
        weights = _sample_weight(sample_weight, y_pred)
        return xp.reshape(self.value_and_gradient(y_true, y_pred, weights)[1], shape)

    def value_and_gradient(self, y_true, y_pred, sample_weight=None):
        """(mean loss, dL/dy_pred) for checked arrays: no input checks (the model's fast path)."""
        if type(self).call is Loss.call and type(self).loss is not Loss.loss:
            return self._batch_mean_only(y_true, y_pred, sample_weight)
        values = self.call(y_true, y_pred)
        gradient = self.call_gradient(y_true, y_pred)
        return weighted_mean(values, sample_weight), scale_rows(gradient, sample_weight)

    def _batch_mean_only(self, y_true, y_pred, sample_weight):
        """A loss of one's own written as ``loss`` and ``gradient`` (batch means), not ``call``."""
        if sample_weight is not None:
            raise ValueError(f"{type(self).__name__} defines only the batch mean (loss, "
                             "gradient); sample or class weights need per-sample values: "
                             "define call(y_true, y_pred) and call_gradient(y_true, y_pred)")
        return self.loss(y_true, y_pred), self.gradient(y_true, y_pred)

    def check(self, y_true, y_pred):
        """Validated (y_true, y_pred) as float arrays of the same shape, or a clear error."""
        return _prepare(y_true, y_pred)

    def call(self, y_true, y_pred):
        """The per-sample losses L_n, shape (N,) (no checks)."""
        raise NotImplementedError(f"{type(self).__name__} must define call(y_true, y_pred)")

    def call_gradient(self, y_true, y_pred):
        """dL_n/dy_pred for every sample n, y_pred's shape (no checks)."""
        raise NotImplementedError(f"{type(self).__name__} must define "
                                  "call_gradient(y_true, y_pred)")

    def __repr__(self):
        return f"{type(self).__name__}()"


def weighted_mean(values, sample_weight=None):
    """sum_n w_n values_n / N as a float (Keras' "sum over batch size"); the mean without w."""
    if sample_weight is None:
        return float(xp.sum(values)) / values.shape[0]
    return float(xp.sum(sample_weight * values)) / values.shape[0]


def scale_rows(gradient, sample_weight=None):
    """gradient_n * w_n / N for each sample n: the per-sample derivatives -> the batch mean's."""
    n = gradient.shape[0] if gradient.ndim else 1
    if sample_weight is None:
        return gradient / n
    return gradient * xp.reshape(sample_weight / n, (-1,) + (1,) * (gradient.ndim - 1))


def _mean_per_sample(values):
    """The mean over every axis but the first: (N, ...) -> (N,); (N,) stays (N,)."""
    return xp.mean(xp.reshape(values, (values.shape[0], -1)), axis=1)


def _entries_per_sample(y_pred):
    """How many numbers one sample has (1 for y_pred of shape (N,))."""
    return y_pred.size // y_pred.shape[0]


# ------------------------------------------------------------------- regression

class MeanSquaredError(Loss):
    """MSE = mean over all entries of (y_pred - y_true)^2.

    Per sample (Keras): L_n = mean over its K entries of (y_pred - y_true)^2.
    Gradient of the batch mean: 2 (y_pred - y_true) / n, with n = N * K entries.
    y_true, y_pred: the same shape, e.g. (N, K) or (N,); gradient: y_pred's shape.

    >>> mse([1.0, 2.0], [1.0, 4.0])      # errors 0 and 2: (0 + 4) / 2
    2.0
    >>> mse.gradient([1.0, 2.0], [1.0, 4.0])
    array([0., 2.])
    """

    name = "mean_squared_error"

    def call(self, y_true, y_pred):
        return _mean_per_sample((y_pred - y_true) ** 2)

    def call_gradient(self, y_true, y_pred):
        return 2.0 * (y_pred - y_true) / _entries_per_sample(y_pred)


class MeanAbsoluteError(Loss):
    """MAE = mean over all entries of |y_pred - y_true|.

    Gradient: sign(y_pred - y_true) / n (0 where y_pred == y_true, the kink).
    y_true, y_pred: the same shape, e.g. (N, K) or (N,); gradient: y_pred's shape.

    >>> mae([1.0, 2.0], [1.5, 0.0])      # errors 0.5 and 2: (0.5 + 2) / 2
    1.25
    """

    name = "mean_absolute_error"

    def call(self, y_true, y_pred):
        return _mean_per_sample(xp.abs(y_pred - y_true))

    def call_gradient(self, y_true, y_pred):
        return xp.sign(y_pred - y_true) / _entries_per_sample(y_pred)


# --------------------------------------------------------------- classification

class BinaryCrossentropy(Loss):
    """BCE = -mean( y log p + (1 - y) log(1 - p) ), p = y_pred clipped to [eps, 1 - eps].

    y_true: 0/1 labels (or soft labels in [0, 1]); y_pred: probabilities, same shape.
    Gradient: (-(y / p) + (1 - y) / (1 - p)) / n, with n the number of entries.
    From the logits z (p = sigmoid(z)): see ``sigmoid_cross_entropy``.

    >>> round(binary_crossentropy([1.0, 0.0], [0.9, 0.2]), 4)   # -(log 0.9 + log 0.8) / 2
    0.1643
    """

    name = "binary_crossentropy"
    fused_activation = "sigmoid"

    def check(self, y_true, y_pred):
        return _prepare_probabilities(y_true, y_pred)

    def call(self, y_true, y_pred):
        p = xp.clip(y_pred, EPSILON, 1 - EPSILON)
        return _mean_per_sample(-(y_true * xp.log(p) + (1 - y_true) * xp.log(1 - p)))

    def call_gradient(self, y_true, y_pred):
        p, inside = _clip_with_mask(y_pred)
        return inside * (-y_true / p + (1 - y_true) / (1 - p)) / _entries_per_sample(y_pred)

    def call_from_logits(self, y_true, logits):
        """(L_n, dL_n/dz) from the logits z, stable for any z (no checks).

        -[y log s(z) + (1 - y) log(1 - s(z))] = max(z, 0) - z y + log(1 + e^-|z|);
        its derivative is s(z) - y.
        """
        z, m = logits, _entries_per_sample(logits)
        values = xp.maximum(z, 0) - z * y_true + xp.log1p(xp.exp(-xp.abs(z)))
        return _mean_per_sample(values), (sigmoid(z) - y_true) / m

    def value_and_gradient_from_logits(self, y_true, logits, sample_weight=None):
        """(mean loss, dL/dlogits) for the sigmoid's logits (no checks: the model's fast path)."""
        return _from_logits(self, y_true, logits, sample_weight)


class CategoricalCrossentropy(Loss):
    """CCE = mean over the batch of -sum_k y_k log p_k, p = y_pred clipped to [eps, 1 - eps].

    y_true: one-hot labels (N, K); y_pred: probabilities (N, K), rows summing to 1.
    Gradient: -y / p / N, shape (N, K). (Keras also rescales each row of y_pred to
    sum to 1; for a softmax output that changes nothing.) A single example may be
    given as y_true, y_pred of shape (K,). From the logits: ``softmax_cross_entropy``.

    >>> round(categorical_crossentropy([[0.0, 1.0, 0.0]], [[0.2, 0.7, 0.1]]), 4)  # -log 0.7
    0.3567
    """

    name = "categorical_crossentropy"
    fused_activation = "softmax"

    def check(self, y_true, y_pred):
        y_true, y_pred = _prepare_probabilities(y_true, y_pred)
        if y_pred.ndim == 1:  # one example (K,)
            y_true, y_pred = y_true[None, ...], y_pred[None, ...]
        check_no_empty_rows(y_true)
        return y_true, y_pred

    def call(self, y_true, y_pred):
        p = xp.clip(y_pred, EPSILON, 1 - EPSILON)
        return _mean_per_sample(-xp.sum(y_true * xp.log(p), axis=-1))

    def call_gradient(self, y_true, y_pred):
        p, inside = _clip_with_mask(y_pred)
        return inside * (-y_true / p) / (y_pred.size // (y_pred.shape[0] * y_pred.shape[-1]))

    def call_from_logits(self, y_true, logits):
        """(L_n, dL_n/dz) from the logits z (no checks).

        log p = z - logsumexp(z); L = -sum_k y_k log p_k;  dL/dz = p sum_k y_k - y
        (= p - y for a one-hot row).
        """
        log_p = log_softmax(logits)
        values = -xp.sum(y_true * log_p, axis=-1)
        dz = xp.exp(log_p) * xp.sum(y_true, axis=-1, keepdims=True) - y_true
        return _mean_per_sample(values), dz / (values.size // values.shape[0])

    def value_and_gradient_from_logits(self, y_true, logits, sample_weight=None):
        """(mean loss, dL/dlogits) for the softmax's logits (no checks: the model's fast path)."""
        return _from_logits(self, y_true, logits, sample_weight)


class SparseCategoricalCrossentropy(Loss):
    """Categorical cross-entropy with integer labels: mean over n of -log p[n, y_n].

    y_true: integer labels (N,) (or (N, 1)) in 0..K-1; y_pred: probabilities (N, K).
    Gradient: -1 / (N p[n, y_n]) at the true class of each row, 0 elsewhere; shape (N, K).
    From the logits z: L_n = logsumexp(z_n) - z[n, y_n], gradient (p - onehot(y)) / N.

    >>> round(sparse_categorical_crossentropy([1], [[0.2, 0.7, 0.1]]), 4)  # -log 0.7
    0.3567
    """

    name = "sparse_categorical_crossentropy"
    fused_activation = "softmax"

    def check(self, y_true, y_pred):
        return _prepare_sparse(y_true, y_pred)

    def call(self, y_true, y_pred):
        p = y_pred[xp.arange(y_true.shape[0]), y_true]
        return -xp.log(xp.clip(p, EPSILON, 1 - EPSILON))

    def call_gradient(self, y_true, y_pred):
        p, inside = _clip_with_mask(y_pred[xp.arange(y_true.shape[0]), y_true])
        at_true_class = one_hot(y_true, y_pred.shape[1], y_pred.dtype)   # (N, K)
        return at_true_class * (-inside / p)[:, None]

    def call_from_logits(self, y_true, logits):
        """(L_n, dL_n/dz) from the logits z (no checks): logsumexp(z) - z_y and p - onehot(y).

        With s = z - max(z) (so that e^s <= 1): L_n = log sum_k e^s_k - s_y, p = e^s / sum e^s.
        """
        shifted = logits - xp.max(logits, axis=-1, keepdims=True)
        exp = xp.exp(shifted)
        total = xp.sum(exp, axis=-1)
        dz = exp / total[:, None] - one_hot(y_true, logits.shape[1], logits.dtype)  # p - y
        return xp.log(total) - shifted[xp.arange(y_true.shape[0]), y_true], dz

    def value_and_gradient_from_logits(self, y_true, logits, sample_weight=None):
        """(mean loss, dL/dlogits) for the softmax's logits (no checks: the model's fast path)."""
        return _from_logits(self, y_true, logits, sample_weight)


def _from_logits(loss, y_true, logits, sample_weight):
    """(weighted mean of L_n, w_n dL_n/dz / N) from a cross-entropy's ``call_from_logits``."""
    values, gradient = loss.call_from_logits(y_true, logits)
    return weighted_mean(values, sample_weight), scale_rows(gradient, sample_weight)


def one_hot(labels, k, dtype):
    """Integer labels (N,) as one-hot rows (N, K): row n is 1 at column labels[n], else 0."""
    return xp.astype(labels[:, None] == xp.arange(k), dtype)


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
    if xp.any(y != xp.round(y)):
        raise ValueError(f"labels must be whole numbers, but got {float(y[y != xp.round(y)][0])}")
    bad = (y < 0) | (y >= k)
    if xp.any(bad):
        raise ValueError(f"label {int(y[bad][0])} is out of range: with K={k} classes, labels "
                         f"must be in 0..{k - 1}")
    return xp.astype(y, xp.int64)


class Hinge(Loss):
    """Hinge = mean of max(0, 1 - y * s), for labels y in {-1, +1} and scores s.

    Labels in {0, 1} are converted to {-1, +1} first (0 -> -1), as Keras does.
    Gradient: -y / n where 1 - y s > 0, else 0 (0 at the kink y s = 1).
    y_true, y_pred: the same shape, e.g. (N,) or (N, K); gradient: y_pred's shape.

    >>> hinge([1.0, -1.0], [2.0, 0.5])   # margins 2 and -0.5: (0 + 1.5) / 2
    0.75
    """

    name = "hinge"

    def check(self, y_true, y_pred):
        y_true, y_pred = _prepare(y_true, y_pred)
        _check_hinge_labels(y_true)
        return y_true, y_pred

    def call(self, y_true, y_pred):
        y = xp.where(y_true == 0, -1.0, y_true)
        return _mean_per_sample(xp.maximum(0.0, 1.0 - y * y_pred))

    def call_gradient(self, y_true, y_pred):
        y = xp.where(y_true == 0, -1.0, y_true)
        return xp.where(1.0 - y * y_pred > 0, -y, 0.0) / _entries_per_sample(y_pred)


def _check_hinge_labels(y_true):
    """Labels in {-1, +1} or {0, 1}, or a ValueError."""
    values = set(to_numpy(xp.unique_values(y_true)).tolist())  # a few numbers, on the host
    if not (values <= {0.0, 1.0} or values <= {-1.0, 1.0}):
        raise ValueError(f"hinge loss needs labels in {{-1, +1}} (or {{0, 1}}), but y_true "
                         f"holds {sorted(values)[:5]}")


# ------------------------------------------------------------------ from logits

def log_softmax(z):
    """log softmax(z) along the last axis, stable: z - m - log sum_k e^(z_k - m), m = max_k z_k."""
    shifted = z - xp.max(z, axis=-1, keepdims=True)
    return shifted - xp.log(xp.sum(xp.exp(shifted), axis=-1, keepdims=True))


def softmax_cross_entropy(logits, y_true, sample_weight=None):
    """Softmax followed by cross-entropy, from the logits, in one stable step.

    logits: (N, K). y_true: one-hot (N, K) or integer labels (N,).
    log p = z - logsumexp(z), with logsumexp(z) = m + log sum_k e^(z_k - m), m = max_k z_k.
    Returns (loss, dlogits): the mean cross-entropy (a float) and its gradient
    with respect to the logits, (p - y) / N, of shape (N, K). With
    sample_weight (N,): the weighted mean sum_n w_n L_n / N, rows scaled by w_n.

    >>> loss, dlogits = softmax_cross_entropy([[0.0, 0.0]], [1])   # p = (0.5, 0.5)
    >>> round(loss, 4), dlogits                                    # log 2, p - y
    (0.6931, array([[ 0.5, -0.5]]))
    """
    z, y = _prepare_logits_and_classes(logits, y_true)
    w = _sample_weight(sample_weight, z)
    log_p = z - xp.max(z, axis=1, keepdims=True)                    # z - m: every e^. <= 1
    log_p -= xp.log(xp.sum(xp.exp(log_p), axis=1, keepdims=True))  # minus log sum e^(z - m)
    per_sample = -xp.sum(y * log_p, axis=1)
    dlogits = xp.exp(log_p) * xp.sum(y, axis=1, keepdims=True) - y  # p - y for one-hot y
    return weighted_mean(per_sample, w), scale_rows(dlogits, w)


def _prepare_logits_and_classes(logits, y_true):
    """Validated logits (N, K) and one-hot (or soft) targets (N, K) from labels or rows."""
    z = as_float_array(logits, "logits", ndim=2)
    if z.size == 0:
        raise ValueError(f"logits is empty (shape {z.shape}): nothing to average")
    check_finite(z, "logits")
    n, k = z.shape
    y = xp.asarray(y_true)
    if y.ndim == 1 or y.shape == (n, 1):
        y = one_hot(_integer_labels(y, n, k), k, z.dtype)  # integer labels -> one-hot
    y = as_float_array(y, "y_true")
    check_same_shape(y, z, "y_true", "logits")
    check_finite(y, "y_true")
    _check_label_range(y)
    check_no_empty_rows(y)
    return z, y


def sigmoid_cross_entropy(logits, y_true, sample_weight=None):
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
    return binary_crossentropy.value_and_gradient_from_logits(y, z, _sample_weight(
        sample_weight, z))


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


def _sample_weight(sample_weight, y_pred):
    """sample_weight as a float array (N,) matching y_pred's N samples, or None."""
    if sample_weight is None:
        return None
    w = as_float_array(sample_weight, "sample_weight")
    n = y_pred.shape[0]
    if w.shape != (n,):
        raise ValueError(f"sample_weight must have one weight per sample, shape ({n},), but "
                         f"got shape {w.shape}")
    check_finite(w, "sample_weight")
    return w


def _check_not_integer_labels(y_true, y_pred):
    """Integer labels (N,) next to predictions (N, K): say which loss takes them."""
    if y_true.ndim == 1 and y_pred.ndim == 2 and y_true.shape[0] == y_pred.shape[0] > 0 \
            and y_pred.shape[1] > 1 and xp.all(y_true == xp.round(y_true)):
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
    low, high = float(xp.min(y_true)), float(xp.max(y_true))
    if low < 0 or high > 1:
        raise ValueError(f"y_true must hold labels in [0, 1] (0/1, one-hot or soft labels), but "
                         f"its values range from {low:.4g} to {high:.4g}; "
                         "labels -1/+1? use (y_true + 1) / 2, or the hinge loss")


def check_no_empty_rows(y_true):
    """A one-hot (or soft) target row must name a class: a row of zeros has loss 0, learns nothing."""
    empty = xp.sum(xp.reshape(y_true, (-1, y_true.shape[-1])), axis=1) == 0
    if xp.any(empty):
        row = int(xp.argmax(xp.astype(empty, xp.int8)))
        raise ValueError(f"row {row} of the one-hot targets is all zeros "
                         f"({int(xp.count_nonzero(empty))} such "
                         "row(s)): each row needs a 1 at its class, or its loss is 0 and "
                         "nothing is learned from it")


def _check_probabilities(y_pred):
    """Cross-entropies need probabilities in [0, 1], not logits."""
    low, high = float(xp.min(y_pred)), float(xp.max(y_pred))
    if low < 0 or high > 1:
        raise ValueError(f"y_pred must hold probabilities in [0, 1], but its values range from "
                         f"{low:.4g} to {high:.4g}; are these logits? Then use "
                         "softmax_cross_entropy or sigmoid_cross_entropy")


def _clip_with_mask(p):
    """Clip p to [EPSILON, 1 - EPSILON]; also return where the clip did not act (1.0 or 0.0)."""
    inside = xp.astype((p >= EPSILON) & (p <= 1 - EPSILON), p.dtype)
    return xp.clip(p, EPSILON, 1 - EPSILON), inside

"""Batch normalization: give every feature mean 0 and variance 1 over the batch.

A deep network trains faster when the inputs of each layer keep a steady
scale. BatchNormalization standardizes each feature with the mean and the
variance of the current batch, then lets the network choose the scale and
shift it prefers through two learned vectors, gamma and beta:

    x_hat = (x - mu) / sqrt(var + epsilon),    y = gamma * x_hat + beta.

At inference there may be a single sample, so the layer uses running
averages of mu and var gathered during training instead (``moving_mean``,
``moving_variance``). Backward in training mode is longer than usual because
mu and var depend on every sample of the batch (see ``backward``).
"""

from nnedu._validate import check_int, check_positive
from nnedu.backend import xp
from nnedu.layers.base import Layer


class BatchNormalization(Layer):
    """Normalize each feature over the batch, then scale by gamma and shift by beta.

    Training (``training=True``), with the batch mean mu and the BIASED batch
    variance var (dividing by m) over every axis except ``axis``: the batch for
    (N, D) inputs, the batch and the pixels for (N, H, W, C) images, so m = N
    or N * H * W numbers per feature:

        x_hat = (x - mu) / sqrt(var + epsilon),   y = gamma * x_hat + beta,
        moving_mean <- momentum * moving_mean + (1 - momentum) * mu
        moving_variance <- momentum * moving_variance + (1 - momentum) * var

    (Keras also uses the biased variance for the moving average; PyTorch uses the
    unbiased one.) Inference (``training=False``) uses moving_mean and
    moving_variance instead of mu and var. As in Keras, a frozen layer
    (``trainable=False``) always runs in inference mode.

    gamma, beta: trainable, shape (D,); moving_mean, moving_variance: non-trainable.
    get_weights() order: gamma, beta, moving_mean, moving_variance (4 * D numbers).
    """

    base_name = "batch_normalization"
    weight_names = ("gamma", "beta", "moving_mean", "moving_variance")

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, name=None, trainable=True,
                 input_shape=None):
        super().__init__(name=name, trainable=trainable, input_shape=input_shape)
        axis = check_int(axis, "BatchNormalization axis")
        if axis == 0:
            raise ValueError("BatchNormalization axis must be the feature axis, not 0 (the "
                             "batch), but got 0")
        check_positive(momentum, "momentum", allow_zero=True)
        check_positive(epsilon, "epsilon")
        self.axis, self.momentum, self.epsilon = axis, float(momentum), float(epsilon)
        self._build_if_given()

    def _create_weights(self, input_shape):
        rank = len(input_shape) + 1
        if not -rank <= self.axis < rank:
            raise ValueError(f"BatchNormalization '{self.name}': axis={self.axis} does not "
                             f"exist for inputs of shape {(None,) + input_shape}")
        feature_axis = self.axis % rank
        features = (input_shape[feature_axis - 1],)
        self._reduce_axes = tuple(a for a in range(rank) if a != feature_axis)
        self._broadcast_shape = tuple(-1 if a == feature_axis else 1 for a in range(rank))
        self.params["gamma"] = xp.ones(features, dtype=self.dtype)
        self.params["beta"] = xp.zeros(features, dtype=self.dtype)
        self.state["moving_mean"] = xp.zeros(features, dtype=self.dtype)
        self.state["moving_variance"] = xp.ones(features, dtype=self.dtype)

    def _per_feature(self, name):
        """The (D,) vector ``name`` shaped to broadcast along the feature axis, e.g. (1, 1, 1, D)."""
        vector = self.params[name] if name in self.params else self.state[name]
        return vector.reshape(self._broadcast_shape)

    def forward(self, x, training=False):
        """y = gamma * x_hat + beta, x_hat = (x - mu) / sqrt(var + epsilon).

        mu, var: the batch's (training, updating the moving averages) or the
        moving averages (inference, or a frozen layer). x: (N, ..., D, ...) ->
        y: same shape. Cache: (x_hat, inv_std = 1 / sqrt(var + epsilon) with
        keepdims, whether mu and var came from the batch).
        """
        x = self._check_input(x)
        batch_statistics = training and self.trainable
        if batch_statistics:
            mean = x.mean(axis=self._reduce_axes, keepdims=True)
            var = x.var(axis=self._reduce_axes, keepdims=True)        # biased: divides by m
            self._update_moving_averages(mean.ravel(), var.ravel())
        else:
            mean, var = self._per_feature("moving_mean"), self._per_feature("moving_variance")
        inv_std = 1.0 / xp.sqrt(var + self.epsilon)
        x_hat = (x - mean) * inv_std
        y = self._per_feature("gamma") * x_hat + self._per_feature("beta")
        self._cache = (x_hat, inv_std, batch_statistics)
        return y

    def _update_moving_averages(self, mean, var):
        """moving <- momentum * moving + (1 - momentum) * batch value, in place. mean, var: (D,)."""
        m = self.momentum
        self.state["moving_mean"][...] = m * self.state["moving_mean"] + (1 - m) * mean
        self.state["moving_variance"][...] = m * self.state["moving_variance"] + (1 - m) * var

    def backward(self, dy):
        """dgamma = sum(dy * x_hat), dbeta = sum(dy), and dx, all sums over the m numbers per feature.

        Inference: mu and var are constants, so dx = gamma * inv_std * dy.
        Training: mu and var depend on x too, which gives
            dx = gamma * inv_std / m * (m * dy - sum(dy) - x_hat * sum(dy * x_hat)).
        dy: x's shape -> dx: x's shape; grads["gamma"], grads["beta"]: (D,).
        """
        dy = self._check_upstream(dy)
        x_hat, inv_std, batch_statistics = self._cache
        dbeta = dy.sum(axis=self._reduce_axes, keepdims=True)
        dgamma = (dy * x_hat).sum(axis=self._reduce_axes, keepdims=True)
        self.grads["gamma"] = dgamma.ravel()
        self.grads["beta"] = dbeta.ravel()
        gamma = self._per_feature("gamma")
        if not batch_statistics:
            return gamma * inv_std * dy
        m = dy.size // dbeta.size                                     # numbers per feature
        return gamma * inv_std / m * (m * dy - dbeta - x_hat * dgamma)

    def get_config(self):
        config = super().get_config()
        config.update(axis=self.axis, momentum=self.momentum, epsilon=self.epsilon)
        return config

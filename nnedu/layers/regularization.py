"""Dropout: in training, switch off a random part of the units at every step.

A unit that may vanish at any step cannot rely on a few particular partners,
so the network learns features that are useful on their own: it overfits
less (Srivastava et al., 2014). Each training step draws a new random mask;
at inference nothing is dropped.

"Inverted" dropout scales the units that are kept by 1 / (1 - rate) during
training, so that every unit's expected value is the same in both modes and
inference needs no correction.
"""

from nnedu._validate import check_positive
from nnedu.backend import xp
from nnedu.layers.base import Layer


class Dropout(Layer):
    """Inverted dropout: in training, drop each unit with probability ``rate``.

    ``rate`` is the fraction DROPPED (Keras' meaning): Dropout(0.8) keeps about
    20 % of the units. ``last_mask`` keeps the last training mask (True = kept),
    e.g. to grey out dropped units in a diagram; ``seed`` makes the sequence of
    masks reproducible. x: (N, ...) -> y: same shape, any shape (also after the build).
    """

    base_name = "dropout"
    any_input_shape = True

    def __init__(self, rate, seed=None, name=None, input_shape=None):
        super().__init__(name=name, input_shape=input_shape)
        check_positive(rate, "Dropout rate", allow_zero=True)
        if rate >= 1:
            raise ValueError(f"Dropout rate is the fraction of units dropped, in [0, 1), but "
                             f"got {rate}")
        self.rate = float(rate)
        self.seed = seed
        self._rng = xp.random.default_rng(seed)
        self.last_mask = None
        self._build_if_given()

    def forward(self, x, training=False):
        """y = x * keep, with keep = mask / (1 - rate) in training and 1 at inference.

        Training: mask ~ Bernoulli(1 - rate), drawn anew for every unit of x.
        x: (N, ...) -> y: same shape. Cache: keep (x's shape in training, a
        0-d 1 at inference), the factor each unit was multiplied by.
        """
        x = self._check_input(x)
        if training and self.rate > 0:
            mask = self._rng.random(x.shape) >= self.rate    # True with probability 1 - rate
            self.last_mask = mask
            keep = mask.astype(x.dtype) / (1.0 - self.rate)
        else:
            keep = xp.ones((), dtype=x.dtype)
        self._cache = keep
        return x * keep

    def backward(self, dy):
        """dx = dy * keep: the dropped units pass no gradient, the kept ones 1 / (1 - rate) of it.

        dy: x's shape -> dx: x's shape.
        """
        dy = self._check_upstream(dy)
        return dy * self._cache

    def get_config(self):
        config = super().get_config()
        config.update(rate=self.rate, seed=self.seed)
        return config

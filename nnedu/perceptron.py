"""Rosenblatt's perceptron (1958): one artificial neuron with a step function.

The neuron computes a weighted sum of its inputs plus a bias, the net input

    z = w . x + b = w_1 x_1 + ... + w_D x_D + b,

and fires (outputs 1) when z >= 0, else outputs 0. At exactly z = 0 it outputs 1:
that is our convention for the step function (the Heaviside step with H(0) = 1), so
that a perceptron whose weights are all still zero predicts 1 for every input.

Learning (labels y in {0, 1}, prediction y_hat in {0, 1}), one sample at a time::

    w <- w + learning_rate * (y - y_hat) * x
    b <- b + learning_rate * (y - y_hat)

When the prediction is right, y - y_hat = 0 and nothing changes; on a mistake
y - y_hat is +1 (missed a 1) or -1 (fired on a 0).

How this relates to the rule with labels in {-1, +1} (COURSE.md, chapter 01):
write the label as s = 2 y - 1. On a mistake y - y_hat equals s exactly (+1 when
y = 1, -1 when y = 0), so the update above IS the textbook rule
"on a mistake, w <- w + alpha * s * x, b <- b + alpha * s". (In +-1 terms the
error s - s_hat is +-2, which is why that rule is written with s, not s - s_hat:
(s - s_hat) / 2 = y - y_hat.)

The delta rule, w_j <- w_j - alpha * (y_hat - y) * x_j, is gradient descent on
the squared error. With the step output as y_hat and 0/1 labels, -(y_hat - y) is
the same number as (y - y_hat), so both rules make the SAME update at every step;
``rule="delta"`` computes it in that form so the two can be compared side by side.
(With the linear output z as y_hat instead, the delta rule becomes Widrow and
Hoff's ADALINE, which keeps updating even on correct predictions.)

Example:

>>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
>>> y = np.array([0, 0, 0, 1])               # AND
>>> p = Perceptron(learning_rate=1.0).fit(X, y)
>>> p.predict(X)
array([0, 0, 0, 1])
>>> p.errors_                                # mistakes per epoch, the last one 0
[2, 3, 3, 2, 1, 0]
"""

import numpy as np

from nnedu._validate import as_host_floats, check_choice, check_positive

RULES = ("perceptron", "delta")


class Perceptron:
    """A single neuron with a step activation, trained by the perceptron or delta rule.

    Parameters
    ----------
    learning_rate : float > 0, the step size alpha of every update (default 1.0).
    rule : "perceptron" or "delta"; both give the same updates (see the module docstring).
    seed : None (default) starts from all-zero weights and bias; an int starts from
        small random weights drawn from N(0, 0.01**2) with that seed (bias still 0).

    Attributes, set by ``fit``
    --------------------------
    weights_ : (D,) float array, the weight vector w.
    bias_ : float, the bias b.
    errors_ : list of int, the number of mistakes in each epoch (one entry per epoch run).
    converged_ : bool, True when the last epoch made no mistake (training stopped there).
    weights_history_ : list of (w, b) pairs, w a (D,) copy and b a float: entry 0 is the
        state before training, entry k the state right after the k-th sample was shown
        (counted over all epochs, mistake or not). Sample k (k >= 1) is sample number
        (k - 1) % N of epoch (k - 1) // N, so the list has 1 + N * len(errors_) entries.
    """

    def __init__(self, learning_rate=1.0, rule="perceptron", seed=None):
        check_positive(learning_rate, "learning_rate")
        check_choice(rule, RULES, "rule")
        self.learning_rate = learning_rate
        self.rule = rule
        self.seed = seed
        self.weights_ = None
        self.bias_ = None
        self.errors_ = []
        self.converged_ = False
        self.weights_history_ = []

    def fit(self, X, y, epochs=100, record_history=True):
        """Train on X (N, D) with labels y (N,) in {0, 1}; return self.

        Starts again from the initial weights (zeros unless ``seed`` was given), then
        visits the samples in their given order, ``epochs`` times at most, updating
        after each sample. Stops after the first epoch without a mistake.
        ``record_history=False`` skips ``weights_history_`` (saves memory on big data).
        """
        X, y = self._check_data(X, y)
        if not isinstance(epochs, (int, np.integer)) or isinstance(epochs, bool) or epochs < 1:
            raise ValueError(f"epochs must be a positive int, but got {epochs!r}.")
        self._initialize(n_features=X.shape[1])
        self.weights_history_ = [(self.weights_.copy(), self.bias_)] if record_history else []
        for _ in range(epochs):
            mistakes = 0
            for x_i, y_i in zip(X, y):
                mistakes += self.update(x_i, y_i)
                if record_history:
                    self.weights_history_.append((self.weights_.copy(), self.bias_))
            self.errors_.append(mistakes)
            if mistakes == 0:
                self.converged_ = True
                break
        return self

    def update(self, x, target):
        """One learning step on one sample x (D,) with label target (0 or 1).

        Returns 1 if the neuron got this sample wrong (and so changed), else 0.
        """
        x = as_host_floats(x, "x")
        if self.weights_ is None or x.shape != self.weights_.shape:
            expected = "call fit first" if self.weights_ is None else self.weights_.shape
            raise ValueError(f"update expects one sample x of shape {expected}, "
                             f"but got shape {x.shape}.")
        if target not in (0, 1):
            raise ValueError(f"update expects a label target of 0 or 1, but got {target!r}.")
        y_hat = int(x @ self.weights_ + self.bias_ >= 0.0)
        if self.rule == "perceptron":
            change = self.learning_rate * (target - y_hat)      # +-alpha on a mistake, else 0
        else:
            change = -self.learning_rate * (y_hat - target)     # delta rule: minus the gradient
        self.weights_ = self.weights_ + change * x
        self.bias_ = float(self.bias_ + change)
        return int(y_hat != target)

    def net_input(self, X):
        """The weighted sums z = X w + b for a batch X (N, D); returns shape (N,)."""
        X = self._check_inputs(X)
        return X @ self.weights_ + self.bias_

    def predict(self, X):
        """The step output for a batch X (N, D): 1 where X w + b >= 0, else 0; shape (N,) int."""
        return (self.net_input(X) >= 0.0).astype(np.int64)

    def __repr__(self):
        return f"Perceptron(learning_rate={self.learning_rate!r}, rule={self.rule!r})"

    # ------------------------------------------------------------ helpers

    def _initialize(self, n_features):
        """Start weights (zeros, or N(0, 0.01**2) with ``seed``), bias 0 and empty records."""
        if self.seed is None:
            self.weights_ = np.zeros(n_features)
        else:
            self.weights_ = np.random.default_rng(self.seed).normal(0.0, 0.01, n_features)
        self.bias_ = 0.0
        self.errors_ = []
        self.converged_ = False

    def _check_inputs(self, X):
        """X must be a 2-D array (N, D) whose D matches the weights."""
        if self.weights_ is None:
            raise RuntimeError(
                "This Perceptron has no weights yet: call fit(X, y) first "
                "(or set weights_ and bias_ yourself)."
            )
        X = _as_matrix(X)
        n_features = np.shape(self.weights_)[0]
        if X.shape[1] != n_features:
            raise ValueError(
                f"This Perceptron has {n_features} weights, so it expects inputs of shape "
                f"(N, {n_features}), but got an array of shape {X.shape}."
            )
        return X

    @staticmethod
    def _check_data(X, y):
        """X (N, D) of numbers and y (N,) of 0/1 labels, or a ValueError saying what is wrong."""
        X = _as_matrix(X)
        y_arr = np.asarray(y)
        if y_arr.ndim != 1 or y_arr.shape[0] != X.shape[0]:
            raise ValueError(
                f"y must hold one label per row of X, shape ({X.shape[0]},), "
                f"but got shape {y_arr.shape}."
            )
        labels = as_host_floats(y_arr, "y")
        if not np.isin(labels, (0.0, 1.0)).all():
            found = np.unique(labels[~np.isin(labels, (0.0, 1.0))])[:5]
            raise ValueError(
                f"The Perceptron takes labels 0 and 1 only, but y also contains {found} "
                f"(labels -1/+1? use (y + 1) // 2)."
            )
        return X, labels.astype(np.int64)


def _as_matrix(X):
    """Float64 array of shape (N, D) with N, D >= 1 and no nan/inf, or raise ValueError."""
    arr = as_host_floats(X, "X")
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        hint = " (one sample? use X.reshape(1, -1))" if arr.ndim == 1 else ""
        raise ValueError(
            f"X must be a 2-D array of shape (N, D), one sample a row, "
            f"but got an array of shape {arr.shape}{hint}."
        )
    if not np.isfinite(arr).all():
        raise ValueError("X contains nan or inf; the Perceptron needs finite numbers.")
    return arr

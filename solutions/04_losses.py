# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 04 · Loss functions, softmax and cross-entropy: exercises
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/nnedu-course/nnedu/blob/main/solutions/04_losses.ipynb) [![Open In Kaggle](https://kaggle.com/static/images/open-in-kaggle.svg)](https://kaggle.com/kernels/welcome?src=https://github.com/nnedu-course/nnedu/blob/main/solutions/04_losses.ipynb)
#
# Six exercises, from one-hot labels to a full training step of a softmax classifier.
# Write your code where it says `# YOUR CODE HERE` (delete the `raise
# NotImplementedError()` line), then run the check cell under it: it prints ✓ when your
# function is right, or the input, the expected answer, what came back and a hint.
# The small cells that try a function out say "not written yet" while a function is still
# empty, so *Run All* goes on past them.
#
# **Goals**
#
# - encode labels one-hot and write a softmax that never overflows;
# - compute binary cross-entropy, and cross-entropy straight from the logits;
# - write the gradient $(p - y)/N$ and use it to train a softmax classifier.
#
# Conventions (the same as the lesson, Keras and `nnedu.losses`): logits `z` have shape
# `(N, K)`, one row per example; integer labels have shape `(N,)` with values
# `0 .. K-1`; every loss is the **mean** over the examples; `log` is the natural
# logarithm (`np.log`). Use NumPy only (not `nnedu.losses`, which would do the work for
# you).

# %% tags=["setup", "nbval-skip"]
# Setup: on Colab or Kaggle this installs nnedu; on your own machine it does nothing.
try:
    import nnedu
except ImportError:
    # %pip install -q "nnedu @ git+https://github.com/nnedu-course/nnedu"
    import nnedu

# %%
import numpy as np

from nnedu.checks import ch04
from nnedu.data import make_blobs
from nnedu.gradcheck import numerical_gradient, rel_error

# %% [markdown]
# ## Exercise 1 · One-hot encoding (1 point)
#
# Write `one_hot(labels, num_classes)`: row $i$ of the result is all zeros except a 1
# in column `labels[i]`.
#
# - `labels`: integer array, shape `(N,)`, values `0 .. num_classes-1`;
# - return a float array of shape `(N, num_classes)` (the check refuses ints).
#
# Hints: start from `np.zeros((N, num_classes))`; `out[np.arange(N), labels] = 1.0` sets
# one entry per row. Use `num_classes` for the width, not `labels.max() + 1`: a batch may
# not contain every class.

# %%
def one_hot(labels, num_classes):
    """Integer labels (N,) -> one-hot rows (N, num_classes), floats."""
    ### BEGIN SOLUTION
    out = np.zeros((len(labels), num_classes))
    out[np.arange(len(labels)), labels] = 1.0
    return out
    ### END SOLUTION


# %% tags=["raises-exception"]
try:
    print(one_hot(np.array([0, 1, 2, 1]), 3))      # cat, dog, lizard, dog
except NotImplementedError:
    print("… not written yet: this cell shows its output once the functions above are.")

# %%
ch04.one_hot(one_hot)
### BEGIN HIDDEN TESTS
from nnedu.checks import call, expect_close, expect_equal


def hidden_one_hot(one_hot):
    """Repeated labels, a class never seen, a single sample."""
    for labels, k in [(np.array([2, 0, 2, 1]), 4), (np.array([0]), 3)]:
        expect_close(call(one_hot, labels.copy(), k), np.eye(k)[labels],
                     what=f"one_hot({labels.tolist()}, {k})")


assert ch04.one_hot(one_hot, hidden=hidden_one_hot)["passed"], "a hidden test failed"
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 2 · A softmax that never overflows (1 point)
#
# Write `softmax(z)` for logits of shape `(N, K)`: each ROW becomes probabilities,
#
# $$ p_{nj} = \frac{e^{z_{nj} - m_n}}{\sum_k e^{z_{nk} - m_n}}, \qquad m_n = \max_k z_{nk} . $$
#
# Subtracting the row's maximum changes nothing mathematically (softmax is shift
# invariant) but keeps `np.exp` from overflowing: the check includes a row with logits
# near 1000, and rows of very different sizes.
#
# Hints: `z.max(axis=1, keepdims=True)` has shape `(N, 1)` and broadcasts against `z`.
# Sum over `axis=1` with `keepdims=True`, too. Do not change `z` in place (`z -= ...`):
# the caller still needs its logits, and the check tests that `z` is unchanged (the same
# holds for exercise 5).

# %%
def softmax(z):
    """Stable softmax of every row: z (N, K) -> p (N, K), rows summing to 1."""
    ### BEGIN SOLUTION
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
    ### END SOLUTION


# %% tags=["raises-exception"]
try:
    print(softmax(np.array([[2.0, 1.0, 0.1], [1000.0, 999.0, 998.1]])).round(4))
except NotImplementedError:
    print("… not written yet: this cell shows its output once the functions above are.")

# %%
ch04.softmax(softmax)
### BEGIN HIDDEN TESTS
from nnedu.checks import call, expect_close, expect_equal


def hidden_softmax(softmax):
    """Huge logits (shift invariance), one row of ties."""
    z = np.array([[1000.0, 1001.0, 1002.0], [-5.0, -5.0, -5.0]])
    shifted = np.exp(z - z.max(axis=1, keepdims=True))
    expect_close(call(softmax, z.copy()), shifted / shifted.sum(axis=1, keepdims=True),
                 what="softmax(z)")


assert ch04.softmax(softmax, hidden=hidden_softmax)["passed"], "a hidden test failed"
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 3 · Binary cross-entropy (1 point)
#
# Write `binary_cross_entropy(y, p)`: the mean over the examples of
#
# $$ -\big[\, y \log p + (1 - y) \log(1 - p) \,\big] . $$
#
# - `y`: labels 0 or 1, shape `(N,)`; `p`: predicted probabilities of class 1, shape
#   `(N,)`, strictly between 0 and 1;
# - return a float.
#
# Mistakes the check recognises: the minus sign forgotten, a sum instead of the mean, the
# $(1 - y)$ term left out, `np.log10` instead of `np.log`.

# %%
def binary_cross_entropy(y, p):
    """Mean binary cross-entropy of probabilities p (N,) for 0/1 labels y (N,); a float."""
    ### BEGIN SOLUTION
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    ### END SOLUTION


# %% tags=["raises-exception"]
try:
    print(binary_cross_entropy(np.array([1.0, 0.0]), np.array([0.8, 0.8])))  # -(log 0.8 + log 0.2) / 2
except NotImplementedError:
    print("… not written yet: this cell shows its output once the functions above are.")

# %%
ch04.binary_cross_entropy(binary_cross_entropy)

# %% [markdown]
# ## Exercise 4 · Cross-entropy from the logits (2 points)
#
# Write `cross_entropy_from_logits(z, labels)`: the mean over the batch of
# $-\log p_{n, \text{labels}[n]}$ with $p = \mathrm{softmax}(z)$. Compute $\log p$ directly,
# without taking the log of a probability that may have underflowed to 0:
#
# $$ \log p_{nj} = (z_{nj} - m_n) - \log \sum_k e^{z_{nk} - m_n} . $$
#
# - `z`: logits `(N, K)`; `labels`: integers `(N,)`; return a float.
#
# Hints: build the whole `(N, K)` array of $\log p$, then pick one entry per row with
# `log_p[np.arange(N), labels]`. The check uses logits like $(1000, 0, -1000)$ with the
# true class first: that example's loss is about 0, not nan.

# %%
def cross_entropy_from_logits(z, labels):
    """Mean cross-entropy of softmax(z) (N, K) for integer labels (N,), computed stably."""
    ### BEGIN SOLUTION
    shifted = z - z.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return float(-np.mean(log_p[np.arange(len(labels)), labels]))
    ### END SOLUTION


# %% tags=["raises-exception"]
try:
    print(cross_entropy_from_logits(np.array([[2.0, 1.0, 0.1]]), np.array([0])))   # about 0.417
except NotImplementedError:
    print("… not written yet: this cell shows its output once the functions above are.")

# %%
ch04.cross_entropy_from_logits(cross_entropy_from_logits)

# %% [markdown]
# ## Exercise 5 · The gradient (2 points)
#
# Write `cross_entropy_gradient(z, labels)`: the gradient of the mean cross-entropy of
# exercise 4 with respect to the logits,
#
# $$ \frac{\partial L}{\partial z} = \frac{1}{N}\big(\mathrm{softmax}(z) - Y\big), $$
#
# where $Y$ is the one-hot matrix of the labels. Return an array of shape `(N, K)`.
#
# Hints: reuse your `softmax` and `one_hot`. Do not forget the $\frac1N$ (the loss is a
# mean). Each row of the result sums to 0, which the check also tests. Compare with a
# numerical gradient below if in doubt.

# %%
def cross_entropy_gradient(z, labels):
    """d(mean cross-entropy)/dz = (softmax(z) - one_hot(labels)) / N, shape (N, K)."""
    ### BEGIN SOLUTION
    return (softmax(z) - one_hot(labels, z.shape[1])) / len(labels)
    ### END SOLUTION


# %% tags=["raises-exception"]
try:
    z_try, labels_try = np.random.default_rng(0).normal(size=(3, 4)), np.array([0, 2, 3])
    numeric = numerical_gradient(lambda v: cross_entropy_from_logits(v, labels_try), z_try.copy())
    print("relative error vs numerical gradient:",
          rel_error(cross_entropy_gradient(z_try, labels_try), numeric))
except NotImplementedError:
    print("… not written yet: this cell shows its output once the functions above are.")

# %%
ch04.cross_entropy_gradient(cross_entropy_gradient)

# %% [markdown]
# ## Question (not graded)
#
# A photo app tags each photo with **every** animal it shows: a photo may show a cat and
# a dog at once. Would you give the network a softmax output with categorical
# cross-entropy, or something else? Explain in two or three sentences.

# %% [markdown]
# ### BEGIN SOLUTION
# This is a multi-label problem, not a multi-class one. Softmax forces the class
# probabilities to sum to 1, so "cat" and "dog" would compete: a photo with both could
# at best get 0.5 for each. Instead give each class its own sigmoid output (the
# probability that this animal is in the photo) and train each with binary
# cross-entropy; the targets are vectors that may hold several 1s.
# ### END SOLUTION

# %% [markdown]
# ## Exercise 6 · Putting it together: one training step (2 points)
#
# A **softmax regression** classifier is a single dense layer with a softmax: logits
# $z = XW + b$. Write `train_step(W, b, X, labels, learning_rate)` that does one step of
# gradient descent on the mean cross-entropy and returns `(W_new, b_new, loss)`:
#
# 1. logits `z = X @ W + b` and the loss (your exercise 4) — return this loss, the one
#    BEFORE the step;
# 2. `dz` = your exercise 5, shape `(N, K)`;
# 3. the gradients of the weights: `dW = X.T @ dz` (shape `(D, K)`, like `W`) and
#    `db = dz.sum(axis=0)` (shape `(K,)`);
# 4. `W_new = W - learning_rate * dW`, `b_new = b - learning_rate * db`.
#
# Shapes: `W (D, K)`, `b (K,)`, `X (N, D)`, `labels (N,)`. Return new arrays; do not
# change `W` or `b` in place. (Why `X.T @ dz`? Chapter 06 derives it; here, check that
# the shapes fit.) Below the check, a loop trains a classifier on three blobs of points
# with your function.

# %%
def train_step(W, b, X, labels, learning_rate):
    """One gradient-descent step of softmax regression; returns (W_new, b_new, loss before)."""
    ### BEGIN SOLUTION
    z = X @ W + b
    loss = cross_entropy_from_logits(z, labels)
    dz = cross_entropy_gradient(z, labels)
    W_new = W - learning_rate * (X.T @ dz)
    b_new = b - learning_rate * dz.sum(axis=0)
    return W_new, b_new, loss
    ### END SOLUTION


# %%
ch04.train_step(train_step)

# %% tags=["raises-exception"]
X_blobs, y_blobs = make_blobs(n_samples=150, centers=3, noise=0.6, seed=0)
W, b, history = np.zeros((2, 3)), np.zeros(3), []
try:
    for step in range(201):
        W, b, loss = train_step(W, b, X_blobs, y_blobs, learning_rate=0.5)
        history.append(loss)
        if step % 50 == 0:
            print(f"step {step:3d}: loss {loss:.4f}")
    accuracy = np.mean(np.argmax(X_blobs @ W + b, axis=1) == y_blobs)
    print(f"log 3 = {np.log(3):.4f}; training accuracy after 201 steps: {accuracy:.2f}")
    assert np.isclose(history[0], np.log(3)) and history[-1] < history[0]
except NotImplementedError:
    print("… train_step (or a function it calls) is not written yet: this cell trains the "
          "classifier once it is.")

# %% [markdown]
# The loss starts at $\log 3 \approx 1.0986$ (all-zero weights give every class
# probability 1/3) and falls; the cell also prints the fraction of points that end up in
# their own blob's class.
#
# ## Summary
#
# You wrote the pieces every classifier needs: one-hot labels, a softmax that survives
# logits of 1000, binary cross-entropy, cross-entropy computed from the logits with
# log-sum-exp, and its gradient $(p - y)/N$. Together with $dW = X^\top dz$ they trained
# a softmax classifier.
#
# ## What's next
#
# In **05 · Computation graphs and the chain rule** you will see where a formula such as
# $dW = X^\top dz$ comes from, by following gradients backwards through a graph of simple
# operations.

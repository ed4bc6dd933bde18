# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 06 · Backpropagation: exercises
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/nnedu-course/nnedu/blob/main/exercises/06_backprop.ipynb) [![Open In Kaggle](https://kaggle.com/static/images/open-in-kaggle.svg)](https://kaggle.com/kernels/welcome?src=https://github.com/nnedu-course/nnedu/blob/main/exercises/06_backprop.ipynb)
#
# Five exercises, from the backward pass of one sigmoid to training your own two-layer
# network. Write your code where it says `# YOUR CODE HERE` (delete the `raise
# NotImplementedError()` line), then run the check cell under it: it prints ✓ when your
# function is right, or the input, the expected answer, what came back and a hint.
# The small cells that try a function out are tagged `raises-exception`, so *Run All*
# goes on past them while a function is still empty.
#
# **Goals**
#
# - write the backward pass of a sigmoid and of a dense layer on a batch;
# - backpropagate through a whole two-layer MLP;
# - check your gradients numerically, and read the relative error;
# - train the network on a toy data set.
#
# Conventions: a batch `X` has shape `(N, D)`, one row per example; a dense layer's
# kernel `W` is `(D, M)` and its bias `(M,)`. The network of exercises 3-5 is
#
# $$ Z_1 = X W_1 + b_1,\quad A_1 = \sigma(Z_1),\quad Z_2 = A_1 W_2 + b_2,\quad
#    L = \text{mean cross-entropy of } \mathrm{softmax}(Z_2), $$
#
# with `params` a dict of `"W1"` `(D, H)`, `"b1"` `(H,)`, `"W2"` `(H, K)`, `"b2"` `(K,)`,
# and integer labels `(N,)`. Use NumPy; never change an array you were given.

# %% tags=["setup", "nbval-skip"]
# Setup: on Colab or Kaggle this installs nnedu; on your own machine it does nothing.
try:
    import nnedu
except ImportError:
    # %pip install -q "nnedu @ git+https://github.com/nnedu-course/nnedu"
    import nnedu

# %%
import numpy as np

from nnedu.checks import ch06
from nnedu.data import make_moons
from nnedu.gradcheck import rel_error

# %% [markdown]
# ## Exercise 1 · The backward pass of the sigmoid (1 point)
#
# Write `sigmoid_backward(z, dout)`: given the pre-activation `z` and the gradient
# `dout` $= \partial L/\partial a$ of the activation $a = \sigma(z)$, return
#
# $$ dz = \frac{\partial L}{\partial z} = dout \cdot \sigma(z)\,\big(1 - \sigma(z)\big) . $$
#
# `z` and `dout` are arrays of the same shape; so is the result.
#
# Hints: compute $s = 1/(1 + e^{-z})$ first; the derivative uses $s$, not $z$. In the
# chapter's worked example, $z_3 = 0$ and $dout = a_3 - y = -0.5$ give $dz = -0.125$.

# %%
def sigmoid_backward(z, dout):
    """dL/dz = dout * s (1 - s) with s = sigmoid(z); same shape as z."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% tags=["raises-exception"]
print(sigmoid_backward(np.array([0.0]), np.array([-0.5])))      # the worked example: -0.125

# %%
ch06.sigmoid_backward(sigmoid_backward)

# %% [markdown]
# ## Exercise 2 · The backward pass of a dense layer (2 points)
#
# A dense layer computes `Y = X @ W + b`. Write `dense_backward(dY, X, W)` that returns
# `(dX, dW, db)` for the gradient `dY` $= \partial L/\partial Y$:
#
# $$ dX = dY\, W^\top, \qquad dW = X^\top dY, \qquad db = \textstyle\sum_n dY_{n,:} . $$
#
# Shapes: `dY (N, M)`, `X (N, D)`, `W (D, M)`; `dX (N, D)`, `dW (D, M)`, `db (M,)`.
#
# Hints: let the shapes guide you. `dW` must have the shape of `W`: which product of `X`
# and `dY` is `(D, M)`? `db` sums over the batch axis (`axis=0`); do not average: if the
# loss is a mean, its $1/N$ is already in `dY`.

# %%
def dense_backward(dY, X, W):
    """(dX, dW, db) for Y = X @ W + b, given dY = dL/dY."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% tags=["raises-exception"]
rng = np.random.default_rng(0)
X_try, W_try, dY_try = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=(4, 2))
print([g.shape for g in dense_backward(dY_try, X_try, W_try)])   # [(4, 3), (3, 2), (2,)]

# %%
ch06.dense_backward(dense_backward)

# %% [markdown]
# ## Exercise 3 · Backprop through a two-layer MLP (2 points)
#
# Write `mlp_loss_and_grads(params, X, labels)` for the network of the introduction and
# return `(loss, grads)`, where `grads` is a dict with the keys `"W1"`, `"b1"`, `"W2"`,
# `"b2"` and arrays of the shapes of the parameters.
#
# 1. Forward: `Z1`, `A1 = sigmoid(Z1)`, `Z2`; the loss is the mean over the batch of
#    $-\log \mathrm{softmax}(Z_2)_{n, \text{labels}[n]}$ (compute it stably, as in
#    chapter 04).
# 2. Backward: `dZ2 = (softmax(Z2) - Y) / N` with `Y` the one-hot labels (chapter 04);
#    then your `dense_backward` for the second layer gives `dA1`, `dW2`, `db2`; your
#    `sigmoid_backward` turns `dA1` into `dZ1`; `dense_backward` again gives `dW1`, `db1`.
#
# Hints: keep `Z1` and `A1` from the forward pass, the backward pass needs them. The
# check recognises a missing $1/N$, a flipped sign and a forgotten sigmoid derivative.

# %%
def mlp_loss_and_grads(params, X, labels):
    """Mean softmax cross-entropy of the 2-layer sigmoid MLP and the gradients of its params."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %%
ch06.mlp_loss_and_grads(mlp_loss_and_grads)

# %% [markdown]
# ## Exercise 4 · Gradient-check your MLP (2 points)
#
# Write `gradient_check(f, params, grads, eps=1e-5)`. `f()` takes no arguments and
# returns the loss computed from the arrays in the dict `params`; `grads` holds your
# analytic gradients (same keys and shapes). For every parameter, compute the centred
# differences
#
# $$ n_i = \frac{f(\theta + \varepsilon e_i) - f(\theta - \varepsilon e_i)}{2\varepsilon} $$
#
# by nudging each entry of `params[name]` **in place** (so that `f` sees it) and
# restoring it afterwards, and return a dict `name -> relative error`
#
# $$ \frac{\max_i |a_i - n_i|}{\max(\max_i |a_i|,\ \max_i |n_i|)} $$
#
# (`nnedu.gradcheck.rel_error(a, n)` computes exactly that; you may use it).
#
# Hints: `np.ndindex(p.shape)` visits every entry of an array of any shape. Save the
# entry, set it to `saved + eps`, call `f()`, set it to `saved - eps`, call `f()`, then
# put `saved` back; the check verifies that your parameters are unchanged afterwards.

# %%
def gradient_check(f, params, grads, eps=1e-5):
    """{name: relative error between grads[name] and the centred-difference gradient}."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %%
ch06.gradient_check(gradient_check)

# %% [markdown]
# Now check **your** MLP of exercise 3 with **your** gradient check, on a small random
# network. Every relative error should be far below $10^{-7}$:

# %% tags=["raises-exception"]
rng = np.random.default_rng(1)
params = {"W1": rng.normal(size=(2, 4)), "b1": rng.normal(size=4),
          "W2": rng.normal(size=(4, 3)), "b2": rng.normal(size=3)}
X_check, labels_check = rng.normal(size=(6, 2)), rng.integers(0, 3, size=6)
_, my_grads = mlp_loss_and_grads(params, X_check, labels_check)
errors = gradient_check(lambda: mlp_loss_and_grads(params, X_check, labels_check)[0],
                        params, my_grads)
for name, error in errors.items():
    print(f"{name}: relative error {error:.1e}")
assert max(errors.values()) < 1e-7

# %% [markdown]
# ## Question (not graded)
#
# A classmate's gradient check prints a relative error of $3 \cdot 10^{-3}$ for `W1` and
# $10^{-11}$ for `W2`, `b2`. They say "$3 \cdot 10^{-3}$ is small, so it is fine". Do you
# agree? What would you look at?

# %% [markdown]
# YOUR ANSWER HERE

# %% [markdown]
# ## Exercise 5 · Putting it together: train your network (2 points)
#
# Write `train_step(params, X, labels, learning_rate)`: compute the loss and gradients
# with your exercise 3, and return `(new_params, loss)` where `new_params` is a **new**
# dict with `new_params[k] = params[k] - learning_rate * grads[k]` for every parameter,
# and `loss` is the loss *before* the step. Do not change the arrays in `params`.
#
# Below the check, a loop of 1000 steps trains a 2-16-2 network on the two moons with
# your function, and prints the training accuracy.

# %%
def train_step(params, X, labels, learning_rate):
    """One gradient-descent step on the MLP; returns (new params, the loss before the step)."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %%
ch06.train_step(train_step)

# %% tags=["raises-exception"]
X_moons, y_moons = make_moons(200, noise=0.1, seed=0)
rng = np.random.default_rng(0)
net = {"W1": rng.normal(0, 1, size=(2, 16)), "b1": np.zeros(16),
       "W2": rng.normal(0, 0.25, size=(16, 2)), "b2": np.zeros(2)}
losses = []
for step in range(1000):
    net, loss = train_step(net, X_moons, y_moons, learning_rate=2.0)
    losses.append(loss)
hidden = 1 / (1 + np.exp(-(X_moons @ net["W1"] + net["b1"])))
accuracy = np.mean(np.argmax(hidden @ net["W2"] + net["b2"], axis=1) == y_moons)
print(f"loss {losses[0]:.3f} -> {losses[-1]:.3f}; training accuracy {accuracy:.3f}")
assert losses[-1] < losses[0] and accuracy > 0.95

# %% [markdown]
# ## Summary
#
# You wrote backprop from its pieces: the sigmoid's local rule, the dense layer's
# $dW = X^\top dY$, $db = \sum dY$, $dX = dY\,W^\top$, chained them through a two-layer
# network, verified the result with your own gradient check, and trained the network on
# the moons.
#
# ## What's next
#
# **07 · Gradient descent and optimizers**: the update step you wrote in exercise 5 is
# plain gradient descent. Chapter 07 looks at batch sizes, learning rates, momentum and
# Adam.

# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 07 · Gradient descent and optimizers: exercises
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/nnedu-course/nnedu/blob/main/solutions/07_optimizers.ipynb) [![Open In Kaggle](https://kaggle.com/static/images/open-in-kaggle.svg)](https://kaggle.com/kernels/welcome?src=https://github.com/nnedu-course/nnedu/blob/main/solutions/07_optimizers.ipynb)
#
# Six exercises, from one gradient-descent step to mini-batch training of a linear model.
# Write your code where it says `# YOUR CODE HERE` (delete the `raise
# NotImplementedError()` line), then run the check cell under it: it prints ✓ when your
# function is right, or the input, the expected answer, what came back and a hint.
# The small cells that try a function out are tagged `raises-exception`, so *Run All*
# goes on past them while a function is still empty.
#
# **Goals**
#
# - write the update rules of plain gradient descent, momentum and Adam;
# - write a step-decay schedule and a mini-batch iterator;
# - put them together to train a model with mini-batch SGD.
#
# Use NumPy only (not `nnedu.optimizers`, which would do the work for you). Return new
# arrays: never change the arrays you are given (no `w -= ...` on an input).

# %% tags=["setup", "nbval-skip"]
# Setup: on Colab or Kaggle this installs nnedu; on your own machine it does nothing.
try:
    import nnedu
except ImportError:
    # %pip install -q "nnedu @ git+https://github.com/nnedu-course/nnedu"
    import nnedu

# %%
import math

import numpy as np

from nnedu.checks import ch07

# %% [markdown]
# ## Exercise 1 · One gradient-descent step (1 point)
#
# Write `gd_step(w, grad, learning_rate)` that returns $w - \alpha\, \nabla L$:
#
# - `w`: the weights, an array of any shape; `grad`: the gradient, the same shape;
# - return a NEW array of that shape.
#
# Hints: one line. `w -= ...` would change the caller's array: write `w - ...`.

# %%
def gd_step(w, grad, learning_rate):
    """One step of gradient descent: w - learning_rate * grad (a new array)."""
    ### BEGIN SOLUTION
    return w - learning_rate * grad
    ### END SOLUTION


# %% tags=["raises-exception"]
print(gd_step(np.array([1.0, -2.0]), np.array([0.5, 0.5]), 0.1))   # [0.95, -2.05]

# %%
ch07.gd_step(gd_step)

# %% [markdown]
# ## Exercise 2 · SGD with momentum (2 points)
#
# Write `momentum_step(w, velocity, grad, learning_rate, momentum)` that returns
# `(w_new, v_new)`:
#
# $$ v_{\text{new}} = \beta\, v - \alpha\, g, \qquad w_{\text{new}} = w + v_{\text{new}} . $$
#
# All arrays have the same shape. Hints: compute `v_new` first and add the NEW velocity.
# Some notes write $w \leftarrow \beta w - \alpha g$: that is not momentum (it shrinks the
# weights), and the check will tell you so.

# %%
def momentum_step(w, velocity, grad, learning_rate, momentum):
    """One step of SGD with momentum; returns (w_new, v_new)."""
    ### BEGIN SOLUTION
    v_new = momentum * velocity - learning_rate * grad
    return w + v_new, v_new
    ### END SOLUTION


# %% tags=["raises-exception"]
w, v = np.array([1.0]), np.array([0.0])
for step in range(3):   # a constant gradient: the steps grow 0.1, 0.19, 0.271, ...
    w, v = momentum_step(w, v, np.array([1.0]), 0.1, 0.9)
    print(f"step {step + 1}: w = {w[0]:.3f}, v = {v[0]:.3f}")

# %%
ch07.momentum_step(momentum_step)

# %% [markdown]
# ## Exercise 3 · A step-decay schedule (1 point)
#
# Write `step_decay(initial_lr, drop, epochs_per_drop, epoch)`: the learning rate of
# epoch `epoch` (counted from 0) when the rate is multiplied by `drop` once every
# `epochs_per_drop` epochs,
#
# $$ \alpha(\text{epoch}) = \alpha_0 \cdot \text{drop}^{\lfloor \text{epoch} /
#    \text{epochs\_per\_drop} \rfloor} . $$
#
# Return a float. Hints: `math.floor` (or `//`). With 0.1, 0.5 and 10: epochs 0-9 use
# 0.1, epochs 10-19 use 0.05. (A popular blog post writes `floor((1 + epoch) / k)`,
# which drops one epoch too early.)

# %%
def step_decay(initial_lr, drop, epochs_per_drop, epoch):
    """The learning rate of ``epoch`` under step decay."""
    ### BEGIN SOLUTION
    return initial_lr * drop ** math.floor(epoch / epochs_per_drop)
    ### END SOLUTION


# %% tags=["raises-exception"]
print([step_decay(0.1, 0.5, 10, e) for e in (0, 9, 10, 25)])   # 0.1, 0.1, 0.05, 0.025

# %%
ch07.step_decay(step_decay)

# %% [markdown]
# ## Exercise 4 · Adam (2 points)
#
# Write `adam_trajectory(grad_fn, w0, steps, learning_rate=0.001, beta_1=0.9,
# beta_2=0.999, epsilon=1e-7)`: run `steps` Adam steps from `w0` and return every point
# visited, an array of shape `(steps + 1, D)` (the start first). `grad_fn(w)` returns the
# gradient at `w`, shape `(D,)`. For $t = 1, 2, \ldots$ (counted from 1):
#
# $$ m \leftarrow \beta_1 m + (1-\beta_1) g, \quad v \leftarrow \beta_2 v + (1-\beta_2) g^2,
#    \quad \hat m = \frac{m}{1-\beta_1^t}, \quad \hat v = \frac{v}{1-\beta_2^t}, \quad
#    w \leftarrow w - \alpha \frac{\hat m}{\sqrt{\hat v} + \epsilon} , $$
#
# with $m$ and $v$ starting at zero. The check runs your function on the ravine, on
# Rosenbrock's valley and on a 3-D bowl and compares every point with the path of
# `nnedu.optimizers.Adam` (the defaults are Keras'; PyTorch uses $\epsilon = 10^{-8}$).
#
# Hints: start from a copy, `w = np.array(w0, dtype=float)`; collect `w.copy()` in a
# list after every step; `np.array(points)` at the end.

# %%
def adam_trajectory(grad_fn, w0, steps, learning_rate=0.001, beta_1=0.9, beta_2=0.999,
                    epsilon=1e-7):
    """The points (steps + 1, D) that Adam visits from w0, the start first."""
    ### BEGIN SOLUTION
    w = np.array(w0, dtype=float)
    m, v = np.zeros_like(w), np.zeros_like(w)
    points = [w.copy()]
    for t in range(1, steps + 1):
        g = grad_fn(w)
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g**2
        m_hat, v_hat = m / (1 - beta_1**t), v / (1 - beta_2**t)
        w = w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon)
        points.append(w.copy())
    return np.array(points)
    ### END SOLUTION


# %% tags=["raises-exception"]
path = adam_trajectory(lambda w: np.array([w[0], 20 * w[1]]), [-4.5, 1.0], 3,
                       learning_rate=0.3)
print(path.round(4))    # the first step moves each weight by about 0.3

# %%
ch07.adam_trajectory(adam_trajectory)

# %% [markdown]
# ## Exercise 5 · Mini-batches (2 points)
#
# Write `minibatches(X, y, batch_size, seed)` that returns the list of `(X_batch,
# y_batch)` pairs of one shuffled epoch:
#
# 1. `order = np.random.default_rng(seed).permutation(N)` (`N = len(X)`);
# 2. batch $i$ holds the samples `order[i * batch_size:(i + 1) * batch_size]`, of `X`
#    AND of `y` (the same indices for both);
# 3. keep the last, smaller batch: 1050 samples in batches of 100 give 11 batches, the
#    last of 50.
#
# Shapes: `X (N, D)`, `y (N,)`; each batch `(B, D)` and `(B,)`. Do not shuffle `X` in
# place.

# %%
def minibatches(X, y, batch_size, seed):
    """The (X_batch, y_batch) pairs of one epoch, in the order permutation(N) of seed."""
    ### BEGIN SOLUTION
    order = np.random.default_rng(seed).permutation(len(X))
    batches = []
    for start in range(0, len(X), batch_size):
        index = order[start:start + batch_size]
        batches.append((X[index], y[index]))
    return batches
    ### END SOLUTION


# %% tags=["raises-exception"]
print([len(yb) for _, yb in minibatches(np.zeros((1050, 2)), np.zeros(1050), 100, 0)])

# %%
ch07.minibatches(minibatches)

# %% [markdown]
# ## Question (not graded)
#
# Your training loss goes down smoothly with the full batch but jumps up and down with
# batch size 8, at the same learning rate. Is something wrong? What would you try if you
# wanted the small batches and a smoother curve?

# %% [markdown]
# ### BEGIN SOLUTION
# Nothing is wrong: each step of batch 8 follows the gradient of only 8 examples, a noisy
# estimate of the full gradient (its error shrinks like $1/\sqrt{B}$), so some steps make
# the loss of the whole set worse. To smooth it, lower the learning rate (or decay it as
# training goes on), add momentum, which averages the noisy gradients over steps, or
# increase the batch size a little.
# ### END SOLUTION

# %% [markdown]
# ## Exercise 6 · Putting it together: mini-batch SGD (2 points)
#
# Train a linear model $\hat y = Xw$ on the mean squared error with your mini-batches.
# Write `minibatch_sgd(X, y, w0, learning_rate, batch_size, epochs, seed)` that returns
# `(w, losses)`:
#
# - for epoch $e = 0, 1, \ldots$: for each batch of `minibatches(X, y, batch_size,
#   seed + e)` (a new order every epoch) do one `gd_step` with the gradient of the
#   batch's mean squared error,
#   $\nabla_w = \frac{2}{B} X_b^\top (X_b w - y_b)$ (shape `(D,)`);
# - after each epoch append the mean squared error on ALL the data,
#   `np.mean((X @ w - y) ** 2)`, to `losses`.
#
# Shapes: `X (N, D)`, `y (N,)`, `w0 (D,)`. Return `w` (D,) and a list of `epochs` floats.
# Below the check, your function fits a line with slope 3.

# %%
def minibatch_sgd(X, y, w0, learning_rate, batch_size, epochs, seed):
    """Mini-batch SGD for least squares; returns (w, losses per epoch)."""
    ### BEGIN SOLUTION
    w, losses = np.array(w0, dtype=float), []
    for epoch in range(epochs):
        for xb, yb in minibatches(X, y, batch_size, seed + epoch):
            w = gd_step(w, 2 / len(xb) * xb.T @ (xb @ w - yb), learning_rate)
        losses.append(float(np.mean((X @ w - y) ** 2)))
    return w, losses
    ### END SOLUTION


# %%
ch07.minibatch_sgd(minibatch_sgd)

# %% tags=["raises-exception"]
rng = np.random.default_rng(0)
x_line = rng.uniform(-1, 1, size=200)
X_line = np.column_stack([x_line, np.ones(200)])           # slope and intercept
y_line = 3 * x_line + 0.5 + 0.1 * rng.normal(size=200)
w_fit, losses = minibatch_sgd(X_line, y_line, np.zeros(2), 0.1, 20, 10, seed=0)
print("slope and intercept:", w_fit.round(3), " loss per epoch:", np.round(losses, 4))
assert abs(w_fit[0] - 3) < 0.1 and abs(w_fit[1] - 0.5) < 0.05

# %% [markdown]
# Ten epochs of batches of 20 find the slope 3 and the intercept 0.5 up to the noise.
#
# ## Summary
#
# You wrote the update rules of the lesson: a plain gradient step, momentum (with the
# velocity added to the weights, not the weights shrunk), Adam with its bias correction,
# a step-decay schedule, and a shuffled mini-batch iterator that keeps the last batch;
# together they trained a linear model.
#
# ## What's next
#
# In **08 · Training in practice** you split data into training, validation and test
# sets, write early stopping, and initialize weights the way Glorot and He suggest.

# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 09 · Regularization: exercises
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/nnedu-course/nnedu/blob/main/solutions/09_regularization.ipynb) [![Open In Kaggle](https://kaggle.com/static/images/open-in-kaggle.svg)](https://kaggle.com/kernels/welcome?src=https://github.com/nnedu-course/nnedu/blob/main/solutions/09_regularization.ipynb)
#
# Six exercises, from the L2 penalty to a regularized training step. Write your code
# where it says `# YOUR CODE HERE` (delete the `raise NotImplementedError()` line), then
# run the check cell under it: it prints ✓ when your function is right, or the input,
# the expected answer, what came back and a hint. The small cells that try a function
# out are tagged `raises-exception`, so *Run All* goes on past them while a function is
# still empty.
#
# **Goals**
#
# - write the L2 penalty and its gradient;
# - implement inverted dropout, forward and backward, with the right scaling;
# - write batch normalization in training and inference mode, and its backward pass,
#   checked against a numerical gradient;
# - train with an L2 penalty that leaves the bias alone.
#
# Conventions: a batch `x` has shape `(N, D)`, one row per example; `keep_prob` is the
# probability to KEEP a unit (Keras' `Dropout(rate)` takes the drop rate
# `1 - keep_prob`). Use NumPy only (not `nnedu.layers`, which would do the work for you).
# Never change the arrays you are given: compute new ones.

# %% tags=["setup", "nbval-skip"]
# Setup: on Colab or Kaggle this installs nnedu; on your own machine it does nothing.
try:
    import nnedu
except ImportError:
    # %pip install -q "nnedu @ git+https://github.com/nnedu-course/nnedu"
    import nnedu

# %%
import numpy as np

from nnedu.checks import ch09
from nnedu.data import make_blobs
from nnedu.gradcheck import numerical_gradient, rel_error

# %% [markdown]
# ## Exercise 1 · The L2 penalty and its gradient (1 point)
#
# Write `l2_penalty(W, lam, m)` for the textbook form of the L2 term, with `m` the
# number of training examples:
#
# $$ R(W) = \frac{\lambda}{2m} \sum_{ij} W_{ij}^2, \qquad
#    \frac{\partial R}{\partial W} = \frac{\lambda}{m} W . $$
#
# - `W`: a weight matrix of any shape; `lam`: $\lambda \ge 0$; `m`: an int;
# - return `(penalty, gradient)`: a float, and an array of `W`'s shape.
#
# Hints: the 2 from differentiating $W^2$ cancels the $\frac12$. Do not confuse it with
# L1 ($\sum |W|$, gradient $\operatorname{sign}(W)$).

# %%
def l2_penalty(W, lam, m):
    """(lam / (2m) * sum W^2, lam / m * W) for a weight array W."""
    ### BEGIN SOLUTION
    return lam / (2 * m) * float(np.sum(W ** 2)), lam / m * W
    ### END SOLUTION


# %% tags=["raises-exception"]
print(l2_penalty(np.array([[1.0, -2.0], [0.5, 3.0]]), lam=0.1, m=1))   # 0.7125 and 0.1 * W

# %%
ch09.l2_penalty(l2_penalty)

# %% [markdown]
# ## Exercise 2 · Inverted dropout, forward (1 point)
#
# Write `dropout_forward(x, keep_prob, training, rng)`:
#
# - in training (`training=True`): draw a mask that keeps each unit with probability
#   `keep_prob`, `mask = rng.random(x.shape) < keep_prob`, and return
#   `(x * mask / keep_prob, mask)`;
# - at inference (`training=False`): return `(x, None)`: dropout does nothing.
#
# `x`: any shape; `rng`: a `np.random.Generator` (use it, not `np.random`, so that
# the same seed gives the same mask).
#
# Hints: divide by `keep_prob`, the probability to keep, NOT by the drop rate
# `1 - keep_prob` (a mix-up that circulates): the check recognises both, and forgetting
# the scaling.

# %%
def dropout_forward(x, keep_prob, training, rng):
    """Inverted dropout: (x * mask / keep_prob, mask) in training, (x, None) at inference."""
    ### BEGIN SOLUTION
    if not training:
        return x, None
    mask = rng.random(x.shape) < keep_prob
    return x * mask / keep_prob, mask
    ### END SOLUTION


# %% tags=["raises-exception"]
out_try, mask_try = dropout_forward(np.ones((2, 5)), 0.8, True, np.random.default_rng(0))
print(mask_try)
print(out_try)                 # 1.25 where kept, 0 where dropped

# %%
ch09.dropout_forward(dropout_forward)

# %% [markdown]
# ## Exercise 3 · Inverted dropout, backward (1 point)
#
# Write `dropout_backward(dy, mask, keep_prob)`: the gradient with respect to `x` of
# `out = x * mask / keep_prob`, given `dy` = dL/d(out) and the mask of the forward pass.
# Shapes: `dy` and `mask` alike; return an array of that shape.

# %%
def dropout_backward(dy, mask, keep_prob):
    """dL/dx = dy * mask / keep_prob."""
    ### BEGIN SOLUTION
    return dy * mask / keep_prob
    ### END SOLUTION


# %%
ch09.dropout_backward(dropout_backward)

# %% [markdown]
# ## Exercise 4 · Batch normalization, forward (2 points)
#
# Write `batchnorm_forward(x, gamma, beta, running_mean, running_var, training,
# momentum=0.99, eps=1e-3)` for `x` of shape `(N, D)` (normalize each of the D
# features over the N examples):
#
# - training: $\mu$ = `x.mean(axis=0)`, $\sigma^2$ = `x.var(axis=0)` (the biased
#   variance, as Keras); $\hat x = (x - \mu)/\sqrt{\sigma^2 + \varepsilon}$,
#   `out = gamma * x_hat + beta`; new running mean
#   `momentum * running_mean + (1 - momentum) * mu`, the same for the variance;
# - inference: use `running_mean` and `running_var` instead of $\mu$, $\sigma^2$, and
#   return them unchanged.
#
# `gamma`, `beta`, `running_mean`, `running_var`: shape `(D,)`. Return
# `(out, new_running_mean, new_running_var)` as new arrays (do not update the given
# ones in place).

# %%
def batchnorm_forward(x, gamma, beta, running_mean, running_var, training, momentum=0.99,
                      eps=1e-3):
    """Batch norm on (N, D): (out, new running mean, new running variance)."""
    ### BEGIN SOLUTION
    if training:
        mean, var = x.mean(axis=0), x.var(axis=0)
        running_mean = momentum * running_mean + (1 - momentum) * mean
        running_var = momentum * running_var + (1 - momentum) * var
    else:
        mean, var = running_mean, running_var
    out = gamma * (x - mean) / np.sqrt(var + eps) + beta
    return out, running_mean, running_var
    ### END SOLUTION


# %% tags=["raises-exception"]
x_try = np.array([[1.0, 10.0], [3.0, 20.0], [5.0, 30.0], [7.0, 0.0]])
out_try, mean_try, var_try = batchnorm_forward(x_try, np.ones(2), np.zeros(2), np.zeros(2),
                                               np.ones(2), training=True)
print(out_try.mean(axis=0).round(6), out_try.std(axis=0).round(4), mean_try, var_try)

# %%
ch09.batchnorm_forward(batchnorm_forward)

# %% [markdown]
# ## Exercise 5 · Batch normalization, backward (2 points)
#
# Write `batchnorm_backward(dy, x, gamma, eps=1e-3)`: the gradients of the training-mode
# forward pass with respect to `x`, `gamma` and `beta`, given `dy` = dL/d(out), all for
# `(N, D)` inputs. With $m = N$, $\hat x$ as above and sums over the batch:
#
# $$ \frac{\partial L}{\partial \beta} = \sum_i dy_i, \qquad
#    \frac{\partial L}{\partial \gamma} = \sum_i dy_i\, \hat x_i, \qquad
#    \frac{\partial L}{\partial x} = \frac{\gamma}{m\sqrt{\sigma^2 + \varepsilon}}
#    \Big(m\, dy - \sum_i dy_i - \hat x \sum_i dy_i\, \hat x_i\Big). $$
#
# Return `(dx, dgamma, dbeta)`: shapes `(N, D)`, `(D,)`, `(D,)`.
#
# Hints: $\mu$ and $\sigma^2$ depend on every $x_i$, which is where the two sums come
# from; treating them as constants gives only $\gamma\, dy / \sqrt{\sigma^2 + \varepsilon}$.
# The cell below compares your dx with a numerical gradient first.

# %%
def batchnorm_backward(dy, x, gamma, eps=1e-3):
    """Gradients (dx, dgamma, dbeta) of training-mode batch norm on (N, D)."""
    ### BEGIN SOLUTION
    m = x.shape[0]
    inv_std = 1.0 / np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - x.mean(axis=0)) * inv_std
    dbeta = dy.sum(axis=0)
    dgamma = (dy * x_hat).sum(axis=0)
    dx = gamma * inv_std / m * (m * dy - dbeta - x_hat * dgamma)
    return dx, dgamma, dbeta
    ### END SOLUTION


# %% tags=["raises-exception"]
rng_try = np.random.default_rng(0)
x_try, gamma_try, dy_try = rng_try.normal(size=(6, 3)), np.array([1.0, 2.0, 0.5]), \
    rng_try.normal(size=(6, 3))


def loss_of_x(x):
    out, _, _ = batchnorm_forward(x, gamma_try, np.zeros(3), np.zeros(3), np.ones(3), True)
    return np.sum(out * dy_try)          # a loss whose gradient with respect to out is dy


numeric = numerical_gradient(loss_of_x, x_try.copy())
print("relative error of dx:", rel_error(batchnorm_backward(dy_try, x_try, gamma_try)[0], numeric))

# %%
ch09.batchnorm_backward(batchnorm_backward)

# %% [markdown]
# ## Question (not graded)
#
# You train with `Dropout(0.5)` and your validation accuracy, measured with
# `training=True` by mistake, jumps around from one evaluation to the next. Why, and
# what should the evaluation do instead?

# %% [markdown]
# ### BEGIN SOLUTION
# With `training=True` every evaluation draws new dropout masks, so each one measures a
# different random thinned network: the numbers are noisy (and lower than they should
# be). Evaluation must run in inference mode (`training=False`), where inverted dropout
# is the identity and the full network, whose expected activations match training,
# makes the predictions. The same holds for batch normalization: inference mode uses the
# moving averages, not the statistics of the evaluation batch.
# ### END SOLUTION

# %% [markdown]
# ## Exercise 6 · Putting it together: a regularized training step (2 points)
#
# Softmax regression (logits `z = X @ W + b`, as in chapter 04) with the L2 penalty of
# exercise 1, with $m = N$ the batch size. Write
# `regularized_step(W, b, X, labels, learning_rate, lam)` that returns
# `(W_new, b_new, loss)`:
#
# 1. `loss` = mean cross-entropy of `softmax(z)` + $\frac{\lambda}{2N}\sum W^2$, computed
#    BEFORE the step (the bias is not penalized);
# 2. `dz = (softmax(z) - one_hot(labels)) / N`;
# 3. `dW = X.T @ dz + lam / N * W` (your exercise 1), `db = dz.sum(axis=0)`;
# 4. `W_new = W - learning_rate * dW`, `b_new = b - learning_rate * db`.
#
# Shapes: `W (D, K)`, `b (K,)`, `X (N, D)`, `labels (N,)`. Compute the softmax stably
# (subtract each row's maximum). Below the check, a loop trains a classifier with
# several `lam` and prints the size of the weights.

# %%
def regularized_step(W, b, X, labels, learning_rate, lam):
    """One step on mean cross-entropy + lam / (2N) sum W^2; returns (W_new, b_new, loss)."""
    ### BEGIN SOLUTION
    n = len(labels)
    z = X @ W + b
    shifted = z - z.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    penalty, penalty_grad = l2_penalty(W, lam, n)
    loss = float(-np.mean(log_p[np.arange(n), labels])) + penalty
    dz = np.exp(log_p)
    dz[np.arange(n), labels] -= 1.0
    dz /= n
    W_new = W - learning_rate * (X.T @ dz + penalty_grad)
    b_new = b - learning_rate * dz.sum(axis=0)
    return W_new, b_new, loss
    ### END SOLUTION


# %%
ch09.regularized_step(regularized_step)

# %% tags=["raises-exception"]
X_blobs, y_blobs = make_blobs(n_samples=150, centers=3, noise=0.6, seed=0)
for lam in (0.0, 10.0, 100.0):
    W, b = np.zeros((2, 3)), np.zeros(3)
    for step in range(300):
        W, b, loss = regularized_step(W, b, X_blobs, y_blobs, 0.5, lam)
    accuracy = np.mean(np.argmax(X_blobs @ W + b, axis=1) == y_blobs)
    print(f"lam {lam:5.1f}: sum of W^2 = {np.sum(W ** 2):7.3f}, training accuracy {accuracy:.2f}")

# %% [markdown]
# The larger $\lambda$, the smaller the weights (and the less confident the classifier);
# with a very large $\lambda$ it starts to underfit.
#
# ## Summary
#
# You wrote the L2 penalty and its gradient, inverted dropout forward and backward
# (divide by the keep probability), batch normalization in both modes with its backward
# pass checked numerically, and a training step whose penalty leaves the bias alone.
#
# ## What's next
#
# In **10 · Convolutional networks** you will write a convolution, pooling and im2col,
# and count the parameters that weight sharing saves.

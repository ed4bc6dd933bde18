# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 08 · Training in practice: exercises
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/nnedu-course/nnedu/blob/main/exercises/08_training.ipynb) [![Open In Kaggle](https://kaggle.com/static/images/open-in-kaggle.svg)](https://kaggle.com/kernels/welcome?src=https://github.com/nnedu-course/nnedu/blob/main/exercises/08_training.ipynb)
#
# Five exercises: split a data set, decide when to stop, draw Glorot and He weights, and
# read three pictures of learning curves. Write your code where it says `# YOUR CODE
# HERE` (delete the `raise NotImplementedError()` line), then run the check cell under
# it: it prints ✓ when your function is right, or what went wrong and a hint. The small
# cells that try a function out are tagged `raises-exception`, so *Run All* goes on
# past them while a function is still empty.
#
# **Goals**
#
# - split data into training, validation and test parts without mixing them;
# - write the logic of early stopping with patience;
# - initialize weights with the variances of Glorot and He;
# - tell overfitting from underfitting in learning curves.
#
# Use NumPy only. Never change the arrays or lists you are given.

# %% tags=["setup", "nbval-skip"]
# Setup: on Colab or Kaggle this installs nnedu; on your own machine it does nothing.
try:
    import nnedu
except ImportError:
    # %pip install -q "nnedu @ git+https://github.com/nnedu-course/nnedu"
    import nnedu

# %%
# %matplotlib inline
import numpy as np

from nnedu.checks import ch08
from nnedu.viz import style

# %% [markdown]
# ## Exercise 1 · Split a data set (1 point)
#
# Write `split(X, y, val_fraction, test_fraction, seed)` that returns the six arrays
# `X_train, y_train, X_val, y_val, X_test, y_test`:
#
# 1. `order = np.random.default_rng(seed).permutation(N)` (one shuffle for everything);
# 2. `n_test = round(N * test_fraction)`, `n_val = round(N * val_fraction)`;
# 3. the first `n_test` indices of `order` are the test set, the next `n_val` the
#    validation set, the rest the training set.
#
# Shapes: `X (N, D)`, `y (N,)`. Hints: index `X` and `y` with the SAME index arrays, so
# each row keeps its label; the three parts must not share a sample.

# %%
def split(X, y, val_fraction, test_fraction, seed):
    """Shuffle once, then cut into (X_train, y_train, X_val, y_val, X_test, y_test)."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% tags=["raises-exception"]
parts = split(np.arange(20.0).reshape(10, 2), np.arange(10), 0.2, 0.2, seed=0)
print("sizes:", [len(p) for p in parts[1::2]], " test labels:", parts[5])

# %%
ch08.split(split)

# %% [markdown]
# ## Exercise 2 · Early stopping (2 points)
#
# Write `early_stopping(val_losses, patience, min_delta=0.0)`. Go through the losses
# epoch by epoch (epochs counted from 0), as Keras' `EarlyStopping` does:
#
# - an epoch **improves** when its loss is `< best - min_delta` (an equal loss does not);
#   then it becomes the best and the count of bad epochs goes back to 0;
# - otherwise the count grows by 1; when it reaches `patience`, training stops at this
#   epoch.
#
# Return `(stop_epoch, best_epoch)`: the epoch at which training stops (`None` when it
# never stops) and the epoch whose weights `restore_best_weights` would bring back.
# Example: losses `[1.0, 0.8, 0.7, 0.72, 0.75, ...]` with patience 2 stop at epoch 4;
# the best epoch is 2.

# %%
def early_stopping(val_losses, patience, min_delta=0.0):
    """(stop_epoch or None, best_epoch) for a list of validation losses."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% tags=["raises-exception"]
print(early_stopping([1.0, 0.8, 0.7, 0.72, 0.75, 0.71, 0.9], patience=2))   # (4, 2)

# %%
ch08.early_stopping(early_stopping)

# %% [markdown]
# ## Exercise 3 · Glorot uniform (1 point)
#
# Write `glorot_uniform(shape, rng)` for a kernel of shape `(n_in, n_out)`: weights drawn
# uniformly from $[-\ell, \ell]$ with $\ell = \sqrt{6 / (n_{in} + n_{out})}$, which gives
# them the variance $\ell^2/3 = 2/(n_{in} + n_{out})$.
#
# `rng` is a `np.random.Generator`: use `rng.uniform(low, high, size=shape)`. The check
# draws large kernels and measures the mean (0), the range and the variance.

# %%
def glorot_uniform(shape, rng):
    """Glorot/Xavier uniform weights of shape (n_in, n_out)."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% tags=["raises-exception"]
w = glorot_uniform((400, 600), np.random.default_rng(0))
print(f"variance {w.var():.5f} (2 / 1000 = 0.002), largest |w| {np.abs(w).max():.4f}")

# %%
ch08.glorot_uniform(glorot_uniform)

# %% [markdown]
# ## Exercise 4 · He normal (1 point)
#
# Write `he_normal(shape, rng)`: weights of shape `(n_in, n_out)` from a normal
# distribution with mean 0 and **variance** $2/n_{in}$, the initialization for ReLU
# layers. (Keras draws from a truncated normal with the same variance; a plain normal
# is fine here.)
#
# Hints: `rng.normal(loc, scale, size)` takes the standard deviation as `scale`.
# `n_in` is `shape[0]`, the number of inputs of each unit.

# %%
def he_normal(shape, rng):
    """He normal weights of shape (n_in, n_out): N(0, 2 / n_in)."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% tags=["raises-exception"]
w = he_normal((400, 600), np.random.default_rng(0))
print(f"variance {w.var():.5f} (2 / 400 = 0.005)")

# %%
ch08.he_normal(he_normal)

# %% [markdown]
# ## Question (not graded)
#
# A model reaches 99 % accuracy on a test set in which 99 % of the examples belong to
# class 0. What would you look at before believing it is good, and what could you change
# in training if it turns out to miss class 1?

# %% [markdown]
# YOUR ANSWER HERE

# %% [markdown]
# ## Exercise 5 · Putting it together: read the learning curves (2 points)
#
# Write `diagnose(train_losses, val_losses, high=0.5, patience=3)` that returns
# `(verdict, stop_epoch, best_epoch)`:
#
# - `verdict` is `"overfitting"` when the validation loss has turned up, i.e. its last
#   value is more than 10 % above its lowest (`val[-1] > 1.1 * min(val)`); otherwise
#   `"underfitting"` when the training loss ends above `high`; otherwise `"good fit"`.
#   Check overfitting first: a model can overfit with a high training loss too;
# - `stop_epoch, best_epoch` are what your `early_stopping(val_losses, patience)` says.
#
# The lists hold one loss per epoch. Below the check, the three pictures the check uses
# are drawn with your verdicts as titles.

# %%
def diagnose(train_losses, val_losses, high=0.5, patience=3):
    """('overfitting' | 'underfitting' | 'good fit', stop_epoch, best_epoch)."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %%
ch08.diagnose(diagnose)

# %% tags=["raises-exception"]
pictures = ch08.example_curves()[:3]
fig, axes = style.new_figure(1, 3, figsize=(10, 3.3), sharey=True)
for ax, (_, train, val) in zip(axes, pictures):
    verdict, stop, best = diagnose(list(train), list(val))
    ax.plot(train, color=style.ROLE["train"], label="training")
    ax.plot(val, color=style.ROLE["validation"], label="validation")
    if stop is not None:
        ax.axvline(best, color=style.GREY, ls="--", label=f"best epoch {best}")
    style.apply(ax, title=verdict, xlabel="epoch")
    ax.legend(loc="upper right", fontsize=8)
axes[0].set_ylabel("loss")
fig

# %% [markdown]
# ## Summary
#
# You split data with one shuffle into parts that never share a sample, wrote early
# stopping exactly as Keras counts it (patience, `min_delta`, best epoch), drew Glorot
# and He weights with the right variances, and turned learning curves into a diagnosis.
#
# ## What's next
#
# **09 · Regularization** gives the overfitting model more remedies: weight penalties,
# dropout, data augmentation and batch normalization.

# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 10 · Convolutional networks: exercises
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/nnedu-course/nnedu/blob/main/exercises/10_cnn.ipynb) [![Open In Kaggle](https://kaggle.com/static/images/open-in-kaggle.svg)](https://kaggle.com/kernels/welcome?src=https://github.com/nnedu-course/nnedu/blob/main/exercises/10_cnn.ipynb)
#
# Seven exercises, from the output-size formula to counting the parameters of a whole
# network. Write your code where it says `# YOUR CODE HERE` (delete the
# `raise NotImplementedError()` line), then run the check cell under it: it prints ✓
# when your function is right, or the input, the expected answer, what came back and a
# hint. The small cells that try a function out are tagged `raises-exception`, so
# *Run All* goes on past them while a function is still empty.
#
# **Goals**
#
# - compute output sizes;
# - write a convolution and max pooling with loops, forward and backward;
# - write im2col and see that one matrix product does the whole convolution;
# - count the parameters of a CNN layer by layer.
#
# Conventions (as in the lesson, Keras and `nnedu.conv`): images are channels-last,
# `x` has shape `(N, H, W, C)`; a kernel has shape `(kh, kw, C, F)`, one
# `kh x kw x C` filter per output channel; "convolution" means cross-correlation (the
# kernel is NOT flipped). Use NumPy only (not `nnedu.conv`, which would do the work for
# you). Never change the arrays you are given.

# %% tags=["setup", "nbval-skip"]
# Setup: on Colab or Kaggle this installs nnedu; on your own machine it does nothing.
try:
    import nnedu
except ImportError:
    # %pip install -q "nnedu @ git+https://github.com/nnedu-course/nnedu"
    import nnedu

# %%
import numpy as np

from nnedu.checks import ch10
from nnedu.gradcheck import numerical_gradient, rel_error

# %% [markdown]
# ## Exercise 1 · Output size (1 point)
#
# Write `output_size(n, f, p, s)`: how many positions a window of size `f` has when it
# slides with stride `s` over `n` pixels padded with `p` zeros on EACH side,
#
# $$ \left\lfloor \frac{n + 2p - f}{s} \right\rfloor + 1 . $$
#
# Return an int. Hint: `//` is integer division, which rounds down.

# %%
def output_size(n, f, p, s):
    """floor((n + 2p - f) / s) + 1, an int."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% tags=["raises-exception"]
print(output_size(28, 3, 0, 1), output_size(28, 3, 1, 1), output_size(28, 2, 0, 2))   # 26 28 14

# %%
ch10.output_size(output_size)

# %% [markdown]
# ## Exercise 2 · A convolution with loops (2 points)
#
# Write `conv_forward(x, kernel, bias, stride=1, pad=0)`:
#
# $$ y[n, i, j, f] = \sum_{a, b, c} x_p[n,\; i s + a,\; j s + b,\; c] \cdot
#    \text{kernel}[a, b, c, f] + \text{bias}[f], $$
#
# where $x_p$ is `x` with `pad` zeros added around each image:
# `np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))`.
#
# - `x`: `(N, H, W, C)`; `kernel`: `(kh, kw, C, F)`; `bias`: `(F,)`; `stride`, `pad`: ints;
# - return `y` of shape `(N, Ho, Wo, F)` with `Ho = (H + 2*pad - kh) // stride + 1`
#   (your exercise 1) and `Wo` alike.
#
# Hints: loop over `n`, `i`, `j` and `f`; the window of output `(i, j)` is
# `xp[n, i*stride:i*stride+kh, j*stride:j*stride+kw, :]`, and `np.sum(window *
# kernel[:, :, :, f])` does the triple sum. Do not flip the kernel.

# %%
def conv_forward(x, kernel, bias, stride=1, pad=0):
    """Loop cross-correlation: (N, H, W, C) * (kh, kw, C, F) + (F,) -> (N, Ho, Wo, F)."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% tags=["raises-exception"]
image = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 2, 2, 1)
kernel_try = np.array([[1.0, 10.0], [100.0, 1000.0]]).reshape(2, 2, 1, 1)
print(conv_forward(image, kernel_try, np.zeros(1)))     # a + 2b + 3c + 4d = 4321

# %%
ch10.conv_forward(conv_forward)

# %% [markdown]
# ## Exercise 3 · Max pooling, forward (1 point)
#
# Write `maxpool_forward(x, pool=2, stride=2)`: for every image and channel, the
# maximum of each `pool x pool` window, the windows `stride` apart (no padding; a last
# row or column that does not fill a window is not used).
# `x`: `(N, H, W, C)` -> `(N, Ho, Wo, C)`, `Ho = (H - pool) // stride + 1`.
#
# Hint: `window.max(axis=(1, 2))` on `x[:, i*s:i*s+pool, j*s:j*s+pool, :]` does every
# image and channel at once.

# %%
def maxpool_forward(x, pool=2, stride=2):
    """Max pooling: (N, H, W, C) -> (N, Ho, Wo, C)."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %%
ch10.maxpool_forward(maxpool_forward)

# %% [markdown]
# ## Exercise 4 · Max pooling, backward (2 points)
#
# Write `maxpool_backward(dy, x, pool=2, stride=2)`: the gradient with respect to `x`.
# Each output was the maximum of its window, so its gradient `dy[n, i, j, c]` goes to
# the ONE position of that window that held the maximum; every other pixel gets 0.
# Shapes: `dy (N, Ho, Wo, C)`, `x (N, H, W, C)` -> `dx (N, H, W, C)`.
#
# Hints: for one window of one channel, `np.unravel_index(np.argmax(w), w.shape)` gives
# the row and column of the maximum. When windows overlap (stride < pool) a pixel can be
# the maximum of several windows: ADD their gradients (`+=`).

# %%
def maxpool_backward(dy, x, pool=2, stride=2):
    """dL/dx of max pooling: each dy goes to the argmax of its window."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %%
ch10.maxpool_backward(maxpool_backward)

# %% [markdown]
# ## Exercise 5 · im2col (2 points)
#
# Write `im2col(x, kh, kw, stride=1)` (no padding: pad `x` first if you need it): a matrix
# with one ROW per window, in the order of the outputs `(n, i, j)` (j fastest), each row
# the window `x[n, i*s:i*s+kh, j*s:j*s+kw, :]` flattened in `(a, b, c)` order (channels
# fastest), the order of `kernel.reshape(-1, F)`. Shape `(N*Ho*Wo, kh*kw*C)`.
#
# Then `im2col(x, kh, kw, s) @ kernel.reshape(-1, F)`, reshaped to `(N, Ho, Wo, F)`, is
# the whole convolution: the check tests that too.
#
# Hint: `window.ravel()` flattens in exactly that order; collect the rows in a list and
# `np.array(rows)`.

# %%
def im2col(x, kh, kw, stride=1):
    """Every kh x kw window of x (N, H, W, C) as a row: (N*Ho*Wo, kh*kw*C)."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% tags=["raises-exception"]
print(im2col(np.arange(1.0, 10.0).reshape(1, 3, 3, 1), 2, 2))   # rows [1 2 4 5], [2 3 5 6], ...

# %%
ch10.im2col(im2col)

# %% [markdown]
# ## Exercise 6 · The convolution, backward (2 points)
#
# Write `conv_backward(dy, x, kernel, stride=1, pad=0)`: the gradients of your
# `conv_forward` with respect to `x`, `kernel` and `bias`, given `dy` = dL/dy of shape
# `(N, Ho, Wo, F)`. Each output `y[n, i, j, f]` used one window of `xp` and filter `f`,
# so its gradient `g = dy[n, i, j, f]` flows back to both:
#
# - `dkernel[:, :, :, f] += g * window`,
# - `dxp[n, window position] += g * kernel[:, :, :, f]`,
# - `dbias[f] += g`.
#
# At the end cut the padding off: `dx = dxp[:, pad:pad+H, pad:pad+W, :]`. Return
# `(dx, dkernel, dbias)` with the shapes of `x`, `kernel` and `(F,)`. The cell below the
# function compares your `dkernel` with a numerical gradient.

# %%
def conv_backward(dy, x, kernel, stride=1, pad=0):
    """Gradients (dx, dkernel, dbias) of conv_forward."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% tags=["raises-exception"]
rng_try = np.random.default_rng(0)
x_try, k_try = rng_try.normal(size=(2, 5, 5, 2)), rng_try.normal(size=(3, 3, 2, 3))
dy_try = rng_try.normal(size=(2, 5, 5, 3))                          # stride 1, pad 1
numeric = numerical_gradient(
    lambda k: np.sum(conv_forward(x_try, k, np.zeros(3), 1, 1) * dy_try), k_try.copy())
print("relative error of dkernel:", rel_error(conv_backward(dy_try, x_try, k_try, 1, 1)[1],
                                              numeric))

# %%
ch10.conv_backward(conv_backward)

# %% [markdown]
# ## Question (not graded)
#
# A max-pooling layer has no parameters. Does it still need a backward pass, and what
# does it send back for the pixels that were not the maximum of their window?

# %% [markdown]
# YOUR ANSWER HERE

# %% [markdown]
# ## Exercise 7 · Putting it together: count the parameters (2 points)
#
# Write `count_params(layers, input_shape)` for a list of layers given as tuples,
# applied in order to inputs of shape `input_shape = (H, W, C)`:
#
# - `("conv", F, k, padding)`: Conv2D with F filters of size k x k, stride 1, padding
#   `"same"` (keeps H and W) or `"valid"` (H and W shrink to `H - k + 1`):
#   `k*k*C*F + F` parameters; afterwards C = F;
# - `("pool", size)`: max pooling, `size x size`, stride `size`: 0 parameters, H and W
#   divided by `size` (rounded down);
# - `("flatten",)`: 0 parameters; afterwards the shape is `(H*W*C,)`;
# - `("dense", units)`: Dense acts on the LAST axis (as in Keras: on an image, on every
#   pixel's C channels): `C*units + units`; afterwards C = units.
#
# Return a list with one count per layer, e.g. `[56, 57, 0, 2402]` for
# `[("conv", 2, 3, "same"), ("conv", 3, 3, "same"), ("flatten",), ("dense", 2)]` on
# `(20, 20, 3)`. Keep track of the current `(H, W, C)` as you go (after Flatten use
# `H = W = 1`). The check uses the models of the lesson's section 6.

# %%
def count_params(layers, input_shape):
    """Parameters of every layer of a (conv / pool / flatten / dense) list, in order."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %%
ch10.count_params(count_params)

# %% tags=["raises-exception"]
model = [("dense", 16), ("conv", 32, 3, "valid"), ("conv", 64, 5, "valid"),
         ("conv", 128, 7, "valid"), ("flatten",), ("dense", 2)]
counts = count_params(model, (20, 20, 3))
print(counts, "total", sum(counts))
assert sum(counts) == 473_890

# %% [markdown]
# The total, 473,890, is what `model.summary()` shows for the same network in the
# lesson (and in Keras).
#
# ## Summary
#
# You computed output sizes, wrote a convolution and max pooling with loops and their
# backward passes, turned the convolution into one matrix product with im2col, and
# counted a CNN's parameters layer by layer.
#
# ## What's next
#
# In **11 · From scratch to frameworks (and the GPU)** the same layers appear in Keras
# and PyTorch, with the same parameter counts.

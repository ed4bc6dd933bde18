# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 11 · From scratch to frameworks: exercises
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/nnedu-course/nnedu/blob/main/exercises/11_frameworks.ipynb) [![Open In Kaggle](https://kaggle.com/static/images/open-in-kaggle.svg)](https://kaggle.com/kernels/welcome?src=https://github.com/nnedu-course/nnedu/blob/main/exercises/11_frameworks.ipynb)
#
# Five exercises, from moving one layer's weights between libraries to transfer learning.
# Write your code where it says `# YOUR CODE HERE` (delete the `raise
# NotImplementedError()` line), then run the check cell under it: it prints ✓ when your
# function is right, or the input, the expected answer, what came back and a hint.
# The small cells that try a function out are tagged `raises-exception`, so *Run All*
# goes on past them while a function is still empty.
#
# **Goals**
#
# - move Dense and convolution weights between PyTorch's layout and Keras' (which is
#   nnedu's), and images between channels-first and channels-last;
# - compute the bottleneck features of a trained model;
# - reuse a trained network on a new task: freeze its features, give it a new head,
#   fine-tune the head.
#
# Use NumPy and nnedu only: PyTorch is not needed (the weights below are the arrays
# PyTorch would give you through `layer.weight.detach().numpy()`).

# %% tags=["setup", "nbval-skip"]
# Setup: on Colab or Kaggle this installs nnedu; on your own machine it does nothing.
try:
    import nnedu
except ImportError:
    # %pip install -q "nnedu @ git+https://github.com/nnedu-course/nnedu"
    import nnedu

# %%
import numpy as np

import nnedu
from nnedu.checks import ch11
from nnedu.layers import Dense, Dropout

# %% [markdown]
# ## Exercise 1 · From `nn.Linear` to `Dense` (1 point)
#
# PyTorch's `nn.Linear(inputs, units)` stores `weight` with shape `(units, inputs)` and
# computes $x W^\top + b$; a Dense kernel in nnedu and Keras has shape `(inputs, units)`
# and the layer computes $x K + b$. Write `linear_to_dense(weight, bias)` that returns
# the list `[kernel, bias]` that `Dense.set_weights` takes, computing the same function.
#
# - `weight`: array `(units, inputs)`; `bias`: array `(units,)`;
# - return `[kernel, bias]` with kernel `(inputs, units)` and bias `(units,)`.
#
# Hint: the shapes alone do not decide it. `weight.reshape(inputs, units)` has the right
# shape and the wrong numbers; the check tries a square layer too.

# %%
def linear_to_dense(weight, bias):
    """PyTorch nn.Linear (weight (units, inputs), bias (units,)) -> [kernel (inputs, units), bias]."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% tags=["raises-exception"]
weight = np.arange(6.0).reshape(2, 3)          # a Linear(3, 2): 2 units, 3 inputs
kernel, bias = linear_to_dense(weight, np.zeros(2))
print(kernel.shape)
print(np.ones((1, 3)) @ kernel, "should equal", np.ones((1, 3)) @ weight.T)

# %%
ch11.linear_to_dense(linear_to_dense)

# %% [markdown]
# ## Exercise 2 · Convolution kernels (1 point)
#
# PyTorch's `nn.Conv2d` stores its weight as `(filters, channels, kh, kw)`; Keras and
# nnedu store a Conv2D kernel as `(kh, kw, channels, filters)`. Write
# `conv_to_keras(weight)` returning the Keras kernel: entry `[i, j, c, f]` of the result
# is entry `[f, c, i, j]` of the weight.
#
# Hint: `np.transpose(a, axes)` puts axis `axes[k]` of `a` at position `k` of the
# result. `weight.T` reverses all four axes, which is not the same.

# %%
def conv_to_keras(weight):
    """(filters, channels, kh, kw) -> (kh, kw, channels, filters)."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% tags=["raises-exception"]
print(conv_to_keras(np.zeros((8, 3, 5, 5))).shape, "should be (5, 5, 3, 8)")

# %%
ch11.conv_to_keras(conv_to_keras)

# %% [markdown]
# ## Exercise 3 · Channels first to channels last (1 point)
#
# A batch of images in PyTorch has shape `(N, C, H, W)`; nnedu and Keras use
# `(N, H, W, C)`. Write `to_channels_last(images)`.
#
# - `images`: array `(N, C, H, W)`; return `(N, H, W, C)` with
#   `result[n, i, j, c] == images[n, c, i, j]`.

# %%
def to_channels_last(images):
    """(N, C, H, W) -> (N, H, W, C)."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% tags=["raises-exception"]
print(to_channels_last(np.zeros((16, 3, 32, 32))).shape, "should be (16, 32, 32, 3)")

# %%
ch11.to_channels_last(to_channels_last)

# %% [markdown]
# ## Exercise 4 · Bottleneck features (1 point)
#
# Write `bottleneck_features(model, x)`: run the batch `x` through every layer of the
# nnedu `Sequential` `model` except the last one, in **inference** mode, and return what
# comes out, the input the last layer would receive.
#
# - `model`: a built Sequential; `model.layers` is its list of layers; each layer has
#   `forward(x, training=False)`;
# - `x`: array `(N, ...)`; return an array `(N, D)` for a model whose last layer is a
#   Dense on D features.
#
# Hint: the check's model contains a Dropout layer. With `training=True` it would drop
# units at random; features are computed with `training=False`. Do not change the
# model's weights or `x`.

# %%
def bottleneck_features(model, x):
    """Outputs of model.layers[:-1] for the batch x, in inference mode."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% tags=["raises-exception"]
demo = nnedu.Sequential([Dense(8, activation="relu", input_shape=(6,)), Dropout(0.5),
                         Dense(3, activation="softmax")])
print(bottleneck_features(demo, np.ones((2, 6))).shape, "should be (2, 8)")

# %%
ch11.bottleneck_features(bottleneck_features)

# %% [markdown]
# ## Exercise 5 · Putting it together: transfer learning (2 points)
#
# Write `transfer(trained, x_new, y_new, num_classes)`:
#
# 1. take every layer of the trained Sequential `trained` except its last (its head),
#    and freeze each one (`layer.trainable = False`);
# 2. build a **new** `nnedu.Sequential` of those layers followed by a new
#    `Dense(num_classes, activation="softmax")`;
# 3. compile it (Adam, `"sparse_categorical_crossentropy"`) and fit it on `x_new`
#    (N, ...) with integer labels `y_new` (N,) in `0 .. num_classes-1`;
# 4. return the new model.
#
# The check trains a base network on the digits 0-4 (8x8 images, flattened to 64
# numbers), gives your function 100 images of the digits 5-9 (labels 0-4), and
# expects the frozen layers unchanged and at least 75 % accuracy on other images of
# 5-9.
#
# Hint: freeze before you `fit`; a Dense head learns quickly, but give it a few dozen
# epochs on 100 images.

# %%
def transfer(trained, x_new, y_new, num_classes):
    """A new model: trained.layers[:-1] frozen + a new softmax head, fitted on (x_new, y_new)."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %%
ch11.transfer(transfer)

# %% [markdown]
# ## Question (not graded)
#
# A colleague has a network pretrained on a million photographs and 300 labelled X-ray
# images of a new task. She fine-tunes the whole network with the original learning
# rate of 0.01, and validation accuracy drops below that of the frozen network with a
# new head. What went wrong, and what would you do instead?

# %% [markdown]
# YOUR ANSWER HERE

# %% [markdown]
# ## Summary
#
# - nnedu and Keras share their weight layouts; PyTorch stores Dense weights transposed,
#   convolution weights as (filters, channels, kh, kw) and images channels-first. A
#   transpose converts; a reshape only looks as if it did.
# - Bottleneck features are the inputs of the last layer, computed in inference mode.
# - Transfer learning in four lines: freeze, new head, compile, fit.
#
# ## What's next
#
# You can now read a Keras or PyTorch model and say what every line does. The lesson's
# last section points to the families of networks that come next.

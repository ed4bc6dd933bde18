# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 03 · Multilayer networks: exercises
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/nnedu-course/nnedu/blob/main/exercises/03_multilayer.ipynb) [![Open In Kaggle](https://kaggle.com/static/images/open-in-kaggle.svg)](https://kaggle.com/kernels/welcome?src=https://github.com/nnedu-course/nnedu/blob/main/exercises/03_multilayer.ipynb)
#
# Four exercises, from one dense layer to the forward pass of a whole model. Write your
# code where it says `# YOUR CODE HERE` (delete the `raise NotImplementedError()` line),
# then run the check cell under it: it prints ✓ when your function is right, or the
# input, the expected answer, what came back and a hint. The small cells that try a
# function out say "not written yet" while a function is still empty, so *Run All* goes on
# past them.
#
# **Goals**
#
# - compute a dense layer for a whole batch with one matrix product;
# - count the parameters of a network from its layer sizes;
# - choose, by hand, weights for a 2-2-1 network that computes XOR;
# - run the forward pass of an nnedu `Sequential` yourself, layer by layer.
#
# Conventions (the same as the lesson, Keras and `nnedu.layers.Dense`): a batch `X` has
# shape `(N, D)`, one example per row; a kernel `W` has shape `(D, units)`, one column per
# unit; a bias `b` has shape `(units,)`.

# %% tags=["setup", "nbval-skip"]
# Setup: on Colab or Kaggle this installs nnedu; on your own machine it does nothing.
try:
    import nnedu
except ImportError:
    # %pip install -q "nnedu @ git+https://github.com/nnedu-course/nnedu"
    import nnedu

# %%
import numpy as np

from nnedu import activations
from nnedu.checks import ch03
from nnedu.data import logic_gate
from nnedu.layers import Dense
from nnedu.models import Sequential

# %% [markdown]
# ## Exercise 1 · One dense layer (1 point)
#
# Write `dense_forward(X, W, b, activation)`: the output of a dense layer for a batch,
#
# $$ H = f(XW + b). $$
#
# - `X`: shape `(N, D)`; `W`: shape `(D, units)`; `b`: shape `(units,)`;
# - `activation`: a function such as `activations.relu`, applied to every entry;
# - return `H`, shape `(N, units)`.
#
# Hints: `X @ W` has shape `(N, units)`, and adding `b` adds it to every row. Mistakes the
# check recognises: the bias forgotten, the activation forgotten or applied before adding
# the bias, `W.T` instead of `W`.

# %%
def dense_forward(X, W, b, activation):
    """f(X @ W + b) for a batch: X (N, D), W (D, units), b (units,) -> H (N, units)."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% tags=["raises-exception"]
try:
    X_demo = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    W_demo = np.array([[0.5, -1.0, 2.0], [1.5, 0.5, -1.0]])
    print(dense_forward(X_demo, W_demo, np.array([0.1, 0.2, -0.3]), activations.relu))
except NotImplementedError:
    print("… not written yet: this cell shows its output once the functions above are.")

# %%
ch03.dense_forward(dense_forward)

# %% [markdown]
# ## Exercise 2 · Counting parameters (1 point)
#
# Write `count_params(sizes)`: the number of learnable parameters of a chain of dense
# layers with the layer sizes `sizes`, input size first. For example `[2, 3, 2]` is a
# network with 2 inputs, a hidden layer of 3 units and an output layer of 2 units, which
# has $2 \cdot 3 + 3 + 3 \cdot 2 + 2 = 17$ parameters.
#
# - `sizes`: a list of positive ints, at least one (a list of one size has no layers);
# - return an `int`.
#
# Hints: every layer maps $D$ inputs to $u$ units with a kernel $(D, u)$ and a bias
# $(u,)$. The input "layer" is the data and has no parameters. `zip(sizes[:-1],
# sizes[1:])` walks over neighbouring pairs.

# %%
def count_params(sizes):
    """Learnable parameters of dense layers with these sizes, e.g. [2, 3, 2] -> 17."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% tags=["raises-exception"]
try:
    print(count_params([2, 3, 2]), "parameters; the model says",
          Sequential([Dense(3, input_shape=(2,)), Dense(2)]).count_params())
except NotImplementedError:
    print("… not written yet: this cell shows its output once the functions above are.")

# %%
ch03.count_params(count_params)


# %% [markdown]
# ## Exercise 3 · XOR by hand (2 points)
#
# The network of this exercise has 2 inputs, 2 sigmoid hidden units and 1 sigmoid
# output:
#
# $$ \hat y = \sigma\big(\sigma(X W_1 + b_1)\, W_2 + b_2\big). $$
#
# Write `xor_weights()` that returns `(W1, b1, W2, b2)` with shapes `(2, 2)`, `(2,)`,
# `(2, 1)` and `(1,)`, chosen so that the output is within 0.1 of XOR on the four inputs:
# below 0.1 for $(0,0)$ and $(1,1)$, above 0.9 for $(0,1)$ and $(1,0)$.
#
# Hints: XOR = (x1 OR x2) AND NOT (x1 AND x2) = OR AND NAND. One sigmoid unit can compute
# each of OR, NAND and AND: pick weights and a bias so that the weighted sum is clearly
# positive where the gate gives 1 and clearly negative where it gives 0. Column $j$ of
# `W1` holds the weights of hidden unit $j$. A sigmoid is near 0 or 1 only when its input
# is large: if your outputs are on the right side of 0.5 but not close enough, multiply
# all weights and biases by 10.

# %%
def xor_weights():
    """(W1 (2, 2), b1 (2,), W2 (2, 1), b2 (1,)) of a sigmoid 2-2-1 network computing XOR."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% tags=["raises-exception"]
try:
    W1, b1, W2, b2 = xor_weights()
    X_xor, y_xor = logic_gate("xor")
    hidden = activations.sigmoid(X_xor @ W1 + b1)
    print("hidden units:\n", hidden.round(3))
    print("output:", activations.sigmoid(hidden @ W2 + b2)[:, 0].round(3), " target:", y_xor)
except NotImplementedError:
    print("… not written yet: this cell shows its output once the functions above are.")

# %%
ch03.xor_weights(xor_weights)

# %% [markdown]
# ## Question (not graded)
#
# Suppose you remove every activation function from a deep network, so that each layer
# computes just $XW + b$. Why can such a network, however many layers it has, never
# compute XOR? What single layer is it equivalent to?

# %% [markdown]
# YOUR ANSWER HERE

# %% [markdown]
# ## Exercise 4 · Putting it together: the forward pass of a Sequential (2 points)
#
# Write `sequential_forward(model, X)`: the output of an nnedu `Sequential` model made of
# `Dense` layers, computed by you, one layer after the other. Everything you need is on
# each layer in `model.layers`:
#
# - `layer.params["kernel"]`, shape `(inputs, units)`, and `layer.params["bias"]`,
#   shape `(units,)`;
# - `layer.activation`, the activation's name (`"relu"`, `"softmax"`, `"linear"`, ...);
#   `activations.get(name)` turns a name into the function.
#
# Return an array of shape `(N, units of the last layer)`. Do not call `model.forward`
# or `model.predict`: the check switches them off and compares your result with what
# they would have returned.
#
# Hints: use your `dense_forward` in a loop, and feed each layer's output into the next.
# Every layer applies its own activation, not only the last one.

# %%
def sequential_forward(model, X):
    """The output of a Sequential of Dense layers for the batch X (N, D), layer by layer."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %% tags=["raises-exception"]
try:
    model = Sequential([Dense(3, input_shape=(2,), activation="relu", seed=0),
                        Dense(2, activation="softmax", seed=1)])
    print(sequential_forward(model, X_demo).round(4))
    print("matches model.forward:", np.allclose(sequential_forward(model, X_demo),
                                                model.forward(X_demo)))
except NotImplementedError:
    print("… not written yet: this cell shows its output once the functions above are.")

# %%
ch03.sequential_forward(sequential_forward)

# %% [markdown]
# ## Summary
#
# You computed a dense layer as one matrix product, counted parameters as
# $D \cdot u + u$ per layer, built XOR from OR, NAND and AND with three sigmoid units,
# and ran a whole model's forward pass from its kernels, biases and activation names,
# which is all `Sequential.forward` does.
#
# ## What's next
#
# In **04 · Loss functions, softmax and cross-entropy** you will write softmax (the stable
# way), the cross-entropy loss and its gradient: the number that says how wrong the
# network's output is, and the direction that makes it less wrong.

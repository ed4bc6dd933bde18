# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 06 · Backpropagation
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/nnedu-course/nnedu/blob/main/notebooks/06_backprop.ipynb) [![Open In Kaggle](https://kaggle.com/static/images/open-in-kaggle.svg)](https://kaggle.com/kernels/welcome?src=https://github.com/nnedu-course/nnedu/blob/main/notebooks/06_backprop.ipynb)
#
# Chapter 05 carried gradients backwards through a graph of scalar operations.
# **Backpropagation** is the same chain rule applied to a whole network, layer by layer:
# one backward sweep gives the gradient of the loss with respect to every weight, at
# about the cost of one forward pass. This chapter works through a tiny network by hand,
# number by number, shows what a sign error that circulates in lecture notes does to
# training, explains why gradients shrink in deep sigmoid networks, writes the backward
# pass of a dense layer for a whole batch with matrices, and ends with the tool that
# catches backprop bugs: the gradient check.
#
# **After this lesson you can**
#
# - describe the training loop: forward, loss, backward, update, repeated for epochs;
# - backpropagate by hand through a chain of sigmoid units and update its weights;
# - say why $\partial L/\partial a = a - y$ (and not $y - a$) for $L = \tfrac12 (y - a)^2$,
#   and what the wrong sign does to the loss;
# - explain the vanishing gradient with the factor $\sigma'(0) = 0.25$ per layer;
# - write a dense layer's backward pass for a batch, $dW = X^\top dY$,
#   $db = \sum_n dY_n$, $dX = dY\,W^\top$, and find it from the shapes alone;
# - check any backward pass numerically and read its relative error.

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

import nnedu
from nnedu import viz
from nnedu.activations import sigmoid, sigmoid_grad
from nnedu.data import make_moons
from nnedu.gradcheck import GOOD, SUSPICIOUS, check_gradients, numerical_gradient, rel_error
from nnedu.layers import Dense
from nnedu.losses import softmax_cross_entropy
from nnedu.models import Sequential
from nnedu.viz import style
from nnedu.viz.backprop import sigmoid_chain

# %% [markdown]
# ## 1. The training loop
#
# Every network in this course learns with the same four steps, repeated:
#
# 1. **forward**: run a batch of inputs through the network, keeping what each layer
#    computed;
# 2. **loss**: compare the outputs with the targets (chapter 04);
# 3. **backward**: starting from $\partial L/\partial(\text{output})$, apply the chain
#    rule layer by layer, from the last to the first, to get $\partial L/\partial w$ for
#    every weight $w$;
# 4. **update**: move every weight a little against its gradient,
#    $w \leftarrow w - \eta\, \partial L/\partial w$, with the learning rate $\eta$.
#
# One pass over the whole training set is an **epoch**; training runs for many epochs.
# Steps 1, 2 and 4 are simple. Step 3 is backpropagation, and the rest of this chapter
# is about doing it right.
#
# ## 2. A worked example, number by number
#
# The smallest network with depth: one input and three layers of one sigmoid unit
# each, $x \to 1 \to 1 \to 1$:
#
# $$ z_1 = W_1 x + b_1,\; a_1 = \sigma(z_1), \qquad z_2 = W_2 a_1 + b_2,\; a_2 =
#    \sigma(z_2), \qquad z_3 = W_3 a_2 + b_3,\; a_3 = \sigma(z_3), $$
#
# with the loss $L = \tfrac12 (y - a_3)^2$. Take $x = 0.5$, target $y = 1$, every weight
# $1.0$, every bias $-0.5$, and the learning rate $\eta = 0.1$.
#
# **Forward.** $z_1 = 1 \cdot 0.5 - 0.5 = 0$, so $a_1 = \sigma(0) = 0.5$; then $z_2 = 1
# \cdot 0.5 - 0.5 = 0$ again, and so on: every pre-activation is 0 and every activation
# 0.5. The loss is $\tfrac12 (1 - 0.5)^2 = 0.125$.

# %%
x, y = 0.5, 1.0
W = {1: 1.0, 2: 1.0, 3: 1.0}
b = {1: -0.5, 2: -0.5, 3: -0.5}
learning_rate = 0.1

a, z = {0: x}, {}
for layer in (1, 2, 3):
    z[layer] = W[layer] * a[layer - 1] + b[layer]
    a[layer] = float(sigmoid(z[layer]))
loss = 0.5 * (y - a[3]) ** 2
print("z:", [z[k] for k in (1, 2, 3)], " a:", [a[k] for k in (1, 2, 3)], " loss:", loss)
assert all(z[k] == 0.0 and a[k] == 0.5 for k in (1, 2, 3)) and loss == 0.125

# %% [markdown]
# **Backward.** Start at the loss. With $L = \tfrac12 (y - a_3)^2$ the chain rule gives
#
# $$ \frac{\partial L}{\partial a_3} = \tfrac12 \cdot 2\,(y - a_3) \cdot (-1) = a_3 - y
#    = 0.5 - 1 = -0.5 . $$
#
# Keep the minus sign that comes from differentiating $-a_3$ inside the square: it is
# where the error in many notes comes from (section 3). Then through each unit, with
# $\sigma'(z) = \sigma(z)(1 - \sigma(z)) = 0.25$ at $z = 0$. Write
# $\delta_l = \partial L/\partial z_l$ for the gradient arriving at unit $l$'s
# pre-activation:
#
# $$ \delta_3 = \frac{\partial L}{\partial a_3}\,\sigma'(z_3), \qquad
#    \delta_2 = \delta_3\, W_3\, \sigma'(z_2), \qquad
#    \delta_1 = \delta_2\, W_2\, \sigma'(z_1), $$
#
# and since $z_l = W_l a_{l-1} + b_l$, each layer's gradients are
# $\partial L/\partial W_l = \delta_l\, a_{l-1}$ (the product rule swaps: the gradient of
# the weight is its input) and $\partial L/\partial b_l = \delta_l$ (the sum passes it
# through).

# %%
dL_da3 = a[3] - y                                   # the correct sign
delta, dW, db = {}, {}, {}
upstream = dL_da3                                   # dL/da_l, arriving from above
for layer in (3, 2, 1):
    delta[layer] = upstream * a[layer] * (1 - a[layer])   # times sigma'(z_l) = a (1 - a)
    dW[layer] = delta[layer] * a[layer - 1]
    db[layer] = delta[layer]
    upstream = delta[layer] * W[layer]              # dL/da_(l-1)
for layer in (3, 2, 1):
    print(f"layer {layer}: dL/dW{layer} = {dW[layer]:+.8f}   dL/db{layer} = {db[layer]:+.8f}")
assert dL_da3 == -0.5
assert (dW[3], dW[2], dW[1]) == (-0.0625, -0.015625, -0.00390625)
assert (db[3], db[2], db[1]) == (-0.125, -0.03125, -0.0078125)
assert all(dW[k] == 0.5 * db[k] for k in (1, 2, 3))   # dW_l = delta_l * a_(l-1), a_(l-1) = 0.5

# %% [markdown]
# The six gradients: $\partial L/\partial W_3 = -0.0625$, $\partial L/\partial W_2 =
# -0.015625$, $\partial L/\partial W_1 = -0.00390625$, and $\partial L/\partial b_3 =
# -0.125$, $\partial L/\partial b_2 = -0.03125$, $\partial L/\partial b_1 = -0.0078125$.
# All are negative: increasing any weight or bias would raise $a_3$ towards the target
# and lower the loss.
#
# **Update.** $w \leftarrow w - 0.1 \cdot \partial L/\partial w$ for all six:

# %%
W_new = {k: W[k] - learning_rate * dW[k] for k in W}
b_new = {k: b[k] - learning_rate * db[k] for k in b}
for layer in (3, 2, 1):
    print(f"W{layer} = {W_new[layer]:.9f}   b{layer} = {b_new[layer]:.8f}")
assert np.allclose([W_new[3], W_new[2], W_new[1]], [1.00625, 1.0015625, 1.000390625],
                   rtol=0, atol=1e-15)
assert np.allclose([b_new[3], b_new[2], b_new[1]], [-0.4875, -0.496875, -0.49921875],
                   rtol=0, atol=1e-15)

# %% [markdown]
# $W_3 = 1.00625$, $W_2 = 1.0015625$, $W_1 = 1.000390625$, $b_3 = -0.4875$,
# $b_2 = -0.496875$, $b_1 = -0.49921875$. Every parameter went *up*, and the layer
# nearest the output moved the most.
#
# The same numbers come out of nnedu's layers, which do this bookkeeping for every
# network in the course, and out of chapter 05's scalar engine:

# %%
chain = Sequential([Dense(1, activation="sigmoid", input_shape=(1,)),
                    Dense(1, activation="sigmoid"), Dense(1, activation="sigmoid")])
chain.set_weights([np.array([[1.0]]), np.array([-0.5])] * 3)
a_out = chain.forward(np.array([[x]]), training=True)
chain.backward(a_out - y)                           # dL/da_out = a_out - y
layer_grads = [(float(lay.grads["kernel"][0, 0]), float(lay.grads["bias"][0]))
               for lay in chain.layers]
engine = sigmoid_chain([1.0] * 3, [-0.5] * 3, x, y)  # nnedu.graph.Value, chapter 05
print("Dense layers (dW, db) per layer:", layer_grads)
print("Value engine dW:", engine["dW"], " db:", engine["db"])
assert layer_grads == [(dW[k], db[k]) for k in (1, 2, 3)]
assert engine["dW"] == [dW[k] for k in (1, 2, 3)] and engine["db"] == [db[k] for k in (1, 2, 3)]

# %% [markdown]
# ## 3. The sign error, and what it does
#
# Widely shared lecture notes work through this very example and get it wrong. They
# write $\partial L/\partial a_3 = y - a_3 = +0.5$, dropping the minus sign of the inner
# derivative. Every gradient then has the wrong sign, and the update $w \leftarrow w -
# \eta \cdot \text{gradient}$ *lowers* every weight and bias. (The same notes also switch
# the target between $y = 0$ and $y = 1$ halfway through, which hides the problem: with
# $y = 0$, lowering the output would be right.) Lowering the weights lowers $a_3$, away
# from the target $y = 1$. One step of each, side by side:

# %%
def one_step(sign):
    """Backprop with dL/da3 = sign * (a3 - y), one update; returns new W, b and the loss."""
    out = sigmoid_chain([W[k] for k in (1, 2, 3)], [b[k] for k in (1, 2, 3)], x, y)
    new_W = [W[k] - learning_rate * sign * g for k, g in zip((1, 2, 3), out["dW"])]
    new_b = [b[k] - learning_rate * sign * g for k, g in zip((1, 2, 3), out["db"])]
    after = sigmoid_chain(new_W, new_b, x, y)
    return new_W, new_b, after["a"][-1], after["loss"]


right, wrong = one_step(+1.0), one_step(-1.0)
print(f"{'':24}{'right: a - y':>16}{'wrong: y - a':>16}")
for i, name in enumerate(("W1", "W2", "W3")):
    print(f"{name + ' after the step':24}{right[0][i]:>16.9f}{wrong[0][i]:>16.9f}")
print(f"{'output a3 after':24}{right[2]:>16.6f}{wrong[2]:>16.6f}")
print(f"{'loss after (was 0.125)':24}{right[3]:>16.6f}{wrong[3]:>16.6f}")
assert right[3] < loss < wrong[3]
assert right[2] > a[3] > wrong[2]
assert all(w_r > 1.0 > w_w for w_r, w_w in zip(right[0], wrong[0]))

# %%
fig, (ax_out, ax_loss) = style.new_figure(1, 2, figsize=(9.0, 3.4))
for ax, before, values, what in ((ax_out, a[3], (right[2], wrong[2]), "output a3"),
                                 (ax_loss, loss, (right[3], wrong[3]), "loss")):
    changes = [v - before for v in values]
    ax.bar([0, 1], changes, color=[style.GREEN, style.VERMILLION])
    ax.axhline(0, color=style.GREY, lw=0.8)
    ax.set_xticks([0, 1])
    ax.set_xticklabels(["dL/da = a - y\n(right)", "dL/da = y - a\n(wrong)"])
    style.apply(ax, title=f"Change of the {what} after one step",
                ylabel=f"{what} after − before")
fig

# %% [markdown]
# With the correct sign the output moves towards the target and the loss goes down; with
# the wrong sign the output moves away and the loss goes **up**. A network trained with
# that sign climbs the loss instead of descending it. The cure is the one from
# chapter 05: derive the gradient with every factor, and check it numerically.
#
# ## 4. The vanishing gradient, in numbers
#
# Look at the bias gradients again: $-0.125$, $-0.03125$, $-0.0078125$. Each layer
# further from the output gets a quarter of the layer after it. The reason is in the
# recursion $\delta_{l} = \delta_{l+1}\, W_{l+1}\, \sigma'(z_l)$: with every weight 1 and
# every $z = 0$, each layer multiplies by $\sigma'(0) = 0.25$, and that is the **largest**
# value the sigmoid's derivative ever takes.

# %%
z_grid = np.linspace(-6, 6, 1201)
print(f"sigma'(0) = {float(sigmoid_grad(0.0))}, max over [-6, 6] = {sigmoid_grad(z_grid).max()}")
assert sigmoid_grad(0.0) == 0.25 and sigmoid_grad(z_grid).max() == 0.25
assert db[1] / db[2] == db[2] / db[3] == 0.25
deep = sigmoid_chain([1.0] * 10, [-0.5] * 10, x, y)
ratio_10 = deep["dW"][0] / deep["dW"][-1]
print(f"10 layers: dL/dW1 / dL/dW10 = {ratio_10:.3e} = 0.25^9 = {0.25 ** 9:.3e}")
assert np.isclose(ratio_10, 0.25 ** 9, rtol=1e-12)
assert np.isclose(0.25 ** 9, 3.8e-6, rtol=0.01) and 1 / 0.25 ** 9 == 262144

# %% [markdown]
# In a chain of 10 such units, the first layer's gradient is $0.25^9 \approx 3.8 \cdot
# 10^{-6}$ of the last one's: it learns about a quarter of a million times more slowly.
# This is the **vanishing gradient**, and it is why deep networks use ReLU (derivative
# 1 for positive inputs) in their hidden layers, and initializations that keep signals at
# a healthy size (chapter 08). With large weights the opposite can happen: factors above
# 1 compound into an **exploding** gradient.
#
# Explore it: change the depth, the weights and the biases of the chain. The left panel
# shows each layer's weight gradient on a log scale next to the "0.25 per layer" line;
# the right one shows the loss change after one step, with the right sign and with the
# sign flipped. Try a bias of 3 (the units saturate: everything gets smaller), or a
# weight of 3 with bias $-1.5$.

# %%
explorer = viz.backprop_explorer()
explorer

# %% [markdown]
# ## 5. Backprop for a dense layer, a whole batch at once
#
# Real layers have many units and see a batch of $N$ examples at a time. A dense layer
# computes $Y = XW + b$ with $X$ of shape $(N, D)$, the kernel $W$ of shape $(D, M)$,
# $b$ of shape $(M,)$ and $Y$ of shape $(N, M)$. The backward pass receives
# $dY = \partial L/\partial Y$, also $(N, M)$, and must return three gradients. Entry by
# entry, $Y_{nm} = \sum_d X_{nd} W_{dm} + b_m$, so by the chain rule (summing over every
# output that a parameter touches):
#
# $$ \frac{\partial L}{\partial W_{dm}} = \sum_n X_{nd}\, dY_{nm}, \qquad
#    \frac{\partial L}{\partial b_m} = \sum_n dY_{nm}, \qquad
#    \frac{\partial L}{\partial X_{nd}} = \sum_m dY_{nm}\, W_{dm} . $$
#
# The sums are matrix products:
#
# $$ dW = X^\top dY, \qquad db = \textstyle\sum_n dY_{n,:}\ \ (\text{sum over the batch}),
#    \qquad dX = dY\, W^\top . $$
#
# The weights' gradient sums the contributions of all $N$ examples: a weight is shared
# by the whole batch, a fan-out of chapter 05. (With a mean loss, the $1/N$ is already
# inside $dY$.) nnedu's `Dense` does exactly this. Its `backward` first passes $dY$ back
# through the layer's activation ($dZ = dY \odot f'(Z)$), then hands $dZ$ to the linear
# part, where the three formulas are three lines:

# %%
nnedu.show_source(Dense.backward)

# %%
nnedu.show_source(Dense.backward_from_preactivation)

# %% [markdown]
# ### The dimension-analysis trick
#
# You do not need to memorise where the transposes go. A gradient always has the shape
# of the thing it is the gradient of: $dW$ is $(D, M)$ like $W$, $dX$ is $(N, D)$ like
# $X$. And it must be a product of what is at hand, $dY$ $(N, M)$ with $X$ $(N, D)$ or
# $W$ $(D, M)$. Try the candidates, and only one product has the right shape. Here with
# $N = 4$, $D = 3$, $M = 2$:

# %%
N, D, M = 4, 3, 2
viz.draw_matmul_shapes([("dW", (D, M), "Xᵀ", (D, N), "dY", (N, M)),
                        ("dW", (D, M), "dYᵀ", (M, N), "X", (N, D)),
                        ("dW", (D, M), "X", (N, D), "dY", (N, M)),
                        ("dX", (N, D), "dY", (N, M), "Wᵀ", (M, D)),
                        ("dX", (N, D), "W", (D, M), "dYᵀ", (M, N))])

# %% [markdown]
# $X^\top dY$ is the only way to combine $X$ and $dY$ into a $(D, M)$ array, and
# $dY\,W^\top$ the only way to get an $(N, D)$ one from $dY$ and $W$; the sum over the
# batch axis turns $dY$ $(N, M)$ into $db$ $(M,)$. (When two sizes happen to be equal the
# shapes no longer decide, which is one reason to test with all sizes different.) The
# cell checks the three formulas against numerical gradients of a random loss
# $L = \sum Y \odot R$, for which $dY = R$:

# %%
rng = np.random.default_rng(0)
X_batch, W_k, b_k = rng.normal(size=(N, D)), rng.normal(size=(D, M)), rng.normal(size=M)
R = rng.normal(size=(N, M))                        # dL/dY for L = sum(Y * R)


def dense_loss():
    return np.sum((X_batch @ W_k + b_k) * R)


formulas = {"X": R @ W_k.T, "W": X_batch.T @ R, "b": R.sum(axis=0)}
report = check_gradients(dense_loss, {"X": X_batch, "W": W_k, "b": b_k}, formulas)
print(report)
assert report.ok and all(r.rel_error < 1e-9 for r in report.values())

# %% [markdown]
# ## 6. Gradient checking
#
# A backward pass that runs without an error can still be wrong, and a network will
# often train a little even with a wrong gradient, which makes the bug hard to see. The
# remedy is to compare the analytic gradient $a$ with a numerical one $n$ from centred
# differences,
#
# $$ n_i = \frac{L(\theta + \varepsilon e_i) - L(\theta - \varepsilon e_i)}{2\varepsilon},
#    \qquad \text{relative error} = \frac{\max_i |a_i - n_i|}{\max(\max_i |a_i|,\
#    \max_i |n_i|)} . $$
#
# Centred differences are accurate to order $\varepsilon^2$ (the one-sided
# $(L(\theta + \varepsilon) - L(\theta))/\varepsilon$ only to order $\varepsilon$). The
# *relative* error makes the verdict independent of the gradient's scale: an absolute
# difference of $10^{-6}$ is excellent for a gradient of size 10 and hopeless for one of
# size $10^{-6}$. How to read it, in float64:
#
# - around $10^{-7}$ or below: the gradient is right (what is left is rounding and the
#   $\varepsilon^2$ term);
# - between $10^{-7}$ and $10^{-4}$: suspicious, fine only near a kink (ReLU at 0, max);
# - above $10^{-4}$, and certainly at $10^{-2}$ and above: a bug. A wrong term, a missing
#   factor, a transpose.
#
# `nnedu.gradcheck` implements exactly this:

# %%
nnedu.show_source(rel_error)
assert (GOOD, SUSPICIOUS) == (1e-7, 1e-4)   # nnedu's verdicts: "good", "suspicious", "wrong"

# %% [markdown]
# Now the real test: a two-layer MLP written out by hand, $X \to$ dense $(H)$ $\to$
# sigmoid $\to$ dense $(K)$ $\to$ softmax cross-entropy, the network of this chapter's
# exercises, with its backward pass in six lines. We check it, and a copy with a typical
# bug (the sigmoid's derivative forgotten on the way down):

# %%
def mlp_loss_and_grads(params, X, labels, forget_sigmoid=False):
    """Loss and gradients of X -> sigmoid(X W1 + b1) -> W2, b2 -> softmax cross-entropy."""
    A1 = sigmoid(X @ params["W1"] + params["b1"])           # (N, H)
    Z2 = A1 @ params["W2"] + params["b2"]                   # (N, K)
    loss, dZ2 = softmax_cross_entropy(Z2, labels)           # dZ2 = (p - y) / N
    dA1 = dZ2 @ params["W2"].T                              # (N, H)
    dZ1 = dA1 if forget_sigmoid else dA1 * A1 * (1 - A1)    # through the sigmoid
    grads = {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": A1.T @ dZ2, "b2": dZ2.sum(axis=0)}
    return loss, grads


rng = np.random.default_rng(1)
params = {"W1": rng.normal(size=(2, 5)), "b1": rng.normal(size=5),
          "W2": rng.normal(size=(5, 3)), "b2": rng.normal(size=3)}
X_small, labels_small = rng.normal(size=(8, 2)), rng.integers(0, 3, size=8)
reports = {}
for bug in (False, True):
    _, analytic = mlp_loss_and_grads(params, X_small, labels_small, forget_sigmoid=bug)
    reports[bug] = check_gradients(lambda: mlp_loss_and_grads(params, X_small, labels_small)[0],
                                   params, analytic)
    print("with the bug:" if bug else "correct backward pass:")
    print(reports[bug], "\n")
assert reports[False].ok and max(r.rel_error for r in reports[False].values()) < 1e-8
assert reports[True]["W1"].rel_error > 1e-2 and reports[True]["W2"].verdict == "good"

# %% [markdown]
# The correct backward pass gets errors well below $10^{-7}$ (the table shows them). The buggy one is flagged at once, and the table even says *where*:
# $W_2$ and $b_2$ are fine (the bug lies below them), $W_1$ and $b_1$ are wrong. On a log
# scale the two are far apart; the plot also shows how the error of the correct gradient
# depends on $\varepsilon$:

# %%
eps_values = np.logspace(-12, -1, 23)
_, exact = mlp_loss_and_grads(params, X_small, labels_small)
_, buggy = mlp_loss_and_grads(params, X_small, labels_small, forget_sigmoid=True)
errors_vs_eps = []
for eps in eps_values:
    numeric = numerical_gradient(
        lambda _: mlp_loss_and_grads(params, X_small, labels_small)[0], params["W1"], eps)
    errors_vs_eps.append(rel_error(exact["W1"], numeric))
errors_vs_eps = np.array(errors_vs_eps)
best = eps_values[np.argmin(errors_vs_eps)]
buggy_error = reports[True]["W1"].rel_error

fig, ax = style.new_figure(figsize=(8.5, 4.0))
ax.loglog(eps_values, errors_vs_eps, "o-", color=style.BLUE, ms=4,
          label="correct dW1 vs centred difference")
ax.axhline(buggy_error, color=style.VERMILLION, lw=2, label="the bug (eps = 1e-5)")
ax.axhspan(1e-17, GOOD, color=style.GREEN, alpha=0.12, lw=0)
ax.axhspan(SUSPICIOUS, 10, color=style.VERMILLION, alpha=0.08, lw=0)
ax.text(2e-12, 3e-15, "right (< 1e-7)", fontsize=style.TEXT_SIZE, color=style.GREEN)
ax.text(2e-12, 2e-3, "wrong (> 1e-4)", fontsize=style.TEXT_SIZE, color=style.VERMILLION)
ax.set_ylim(1e-15, 10)
ax.legend(loc="lower right", fontsize=style.TICK_SIZE)
style.apply(ax, title="Relative error of dW1: a correct gradient vs a bug",
            xlabel="finite-difference step eps (log scale)",
            ylabel="relative error (log scale)")
print(f"smallest error {errors_vs_eps.min():.1e} at eps = {best:.0e}; "
      f"the bug: {buggy_error:.2f}")
assert errors_vs_eps.min() < 1e-9 and 1e-8 <= best <= 1e-3
assert errors_vs_eps[0] > 100 * errors_vs_eps.min() and errors_vs_eps[-1] > 100 * errors_vs_eps.min()
assert errors_vs_eps[np.argmin(np.abs(np.log10(eps_values) + 5))] < 1e-8   # eps = 1e-5
assert buggy_error > 1e6 * errors_vs_eps.min()
fig

# %% [markdown]
# The correct gradient's error has a valley (the printout gives its bottom). To the
# right of it, the $\varepsilon^2$ error of the difference formula grows with
# $\varepsilon$; to the left, rounding takes over: $L(\theta \pm \varepsilon)$ differ
# only in their last digits, and dividing that noise by a tiny $2\varepsilon$ blows it
# up. A step of $10^{-5}$ lies in the valley in float64, which is why it is the usual
# default. The bug's error is a million times higher and more, and no choice of
# $\varepsilon$ brings it down: that is how a real bug looks.
#
# ## 7. The loop, for real
#
# With a checked backward pass, the four steps of section 1 train the MLP on the two
# moons (integer labels, two classes): 1000 full-batch steps of gradient descent.

# %%
X_moons, y_moons = make_moons(200, noise=0.1, seed=0)
rng = np.random.default_rng(0)
net = {"W1": rng.normal(0, 1, size=(2, 16)), "b1": np.zeros(16),
       "W2": rng.normal(0, 0.25, size=(16, 2)), "b2": np.zeros(2)}
history = []
for step in range(1000):
    loss_value, grads = mlp_loss_and_grads(net, X_moons, y_moons)   # forward, loss, backward
    net = {k: net[k] - 2.0 * grads[k] for k in net}                 # update
    history.append(loss_value)


def predict(points):
    return sigmoid(points @ net["W1"] + net["b1"]) @ net["W2"] + net["b2"]


accuracy = np.mean(predict(X_moons).argmax(axis=1) == y_moons)
print(f"loss {history[0]:.3f} -> {history[-1]:.3f}; training accuracy {accuracy:.3f}")
assert history[-1] < 0.2 * history[0] and accuracy > 0.95
viz.draw_decision_boundary(lambda p: predict(p)[:, 1] - predict(p)[:, 0], X_moons, y_moons,
                           title="2-16-2 sigmoid MLP after 1000 steps")

# %% [markdown]
# ## Check your understanding
#
# 1. In the worked example, every weight's gradient is exactly half of its bias's
#    gradient, in all three layers. Why half? And where does the factor 0.25 between
#    *layers* come from?
#
# <details><summary>Answer</summary>
#
# $\partial L/\partial W_l = \delta_l\, a_{l-1}$ and $\partial L/\partial b_l = \delta_l$,
# so their ratio is the layer's input $a_{l-1}$, which is 0.5 for every layer (the input
# $x$ and both hidden activations). The factor between layers is
# $W_{l+1}\, \sigma'(z_l) = 1 \cdot 0.25$: the weight times the sigmoid's slope.
#
# </details>
#
# 2. A dense layer has $X$ of shape $(32, 784)$ and 128 units. What are the shapes of
#    $W$, $dY$, $dW$ and $dX$, and which product gives $dW$?
#
# <details><summary>Answer</summary>
#
# $W$ is $(784, 128)$; $dY$ is $(32, 128)$ like $Y$; $dW$ is $(784, 128)$ like $W$, and
# the only product of $X$ and $dY$ with that shape is $X^\top dY$: $(784, 32) \times
# (32, 128)$. $dX = dY\,W^\top$ is $(32, 784)$ like $X$.
#
# </details>
#
# 3. Your gradient check reports a relative error of $0.3$ for one layer's weights and
#    $10^{-10}$ for every layer after it. Where do you look for the bug?
#
# <details><summary>Answer</summary>
#
# In that layer's own backward step, or in what arrives at it from the layer just
# after it: the layers nearer the output are right, so the gradient is correct up to
# where it enters this layer. Typical culprits: the activation's derivative left out or
# applied to the wrong array, a missing transpose, a sum over the wrong axis.
#
# </details>
#
# (The cell below checks the shapes quoted in the second answer with a real `Dense`
# layer.)

# %%
layer = Dense(128, input_shape=(784,))
layer.forward(np.zeros((32, 784)), training=True)
dX_big = layer.backward(np.ones((32, 128)))           # dY has the shape of Y
assert layer.params["kernel"].shape == layer.grads["kernel"].shape == (784, 128)
assert dX_big.shape == (32, 784)

# %% [markdown]
# ## Summary
#
# - Training repeats forward, loss, backward, update; backpropagation is the backward
#   step: the chain rule, layer by layer from the output.
# - The worked chain $x \to 1 \to 1 \to 1$ (every weight 1, every bias $-0.5$, $x = 0.5$,
#   $y = 1$): every activation 0.5; with $\partial L/\partial a = a - y = -0.5$ the
#   gradients are $-0.0625, -0.015625, -0.00390625$ (weights) and $-0.125, -0.03125,
#   -0.0078125$ (biases); one step of 0.1 raises every parameter and lowers the loss. The
#   wrong sign $y - a$ lowers them and raises the loss.
# - Each sigmoid layer multiplies the gradient by at most $\sigma'(0) = 0.25$: gradients
#   vanish in deep sigmoid networks.
# - A dense layer on a batch: $dW = X^\top dY$, $db = \sum_n dY_n$, $dX = dY\,W^\top$;
#   the shapes alone pick the right product.
# - Check every backward pass numerically: centred differences and the relative error;
#   about $10^{-7}$ or less is right, $10^{-2}$ or more is a bug.
#
# ## What's next
#
# We can now compute every gradient of a network. **07 · Gradient descent and
# optimizers** is about the update step: batch sizes, learning rates, momentum, Adam.

# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 02 · Activation functions
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/nnedu-course/nnedu/blob/main/notebooks/02_activations.ipynb) [![Open In Kaggle](https://kaggle.com/static/images/open-in-kaggle.svg)](https://kaggle.com/kernels/welcome?src=https://github.com/nnedu-course/nnedu/blob/main/notebooks/02_activations.ipynb)
#
# The perceptron's step function answers 0 or 1 and has slope 0 everywhere it has a
# slope at all, so it tells gradient descent nothing. Modern networks put a smooth (or
# piecewise linear) **activation function** after every weighted sum instead. This
# lesson is about which ones exist, what their derivatives look like, and why that
# matters for training.
#
# **After this lesson you can**
#
# - explain, with matrices, why a network without activations is just one linear map;
# - state the range and the derivative of sigmoid, tanh, ReLU, leaky ReLU, PReLU, ELU,
#   SELU, GELU, Swish, Mish, Maxout and softmax (section 4 writes each one out and
#   checks it numerically);
# - explain saturation and vanishing gradients (for tanh as well as sigmoid) and the
#   dying-ReLU problem, and show each with numbers;
# - compute a sigmoid that never overflows;
# - choose activations for hidden layers and for the output.

# %% tags=["setup", "nbval-skip"]
# Setup: on Colab or Kaggle this installs nnedu; on your own machine it does nothing.
try:
    import nnedu
except ImportError:
    # %pip install -q "nnedu @ git+https://github.com/nnedu-course/nnedu"
    import nnedu

# %%
# %matplotlib inline
import warnings

import numpy as np

import nnedu
from nnedu import activations as act
from nnedu import viz
from nnedu.gradcheck import numerical_gradient, rel_error
from nnedu.viz import style

# %% [markdown]
# ## 1. Why anything non-linear at all?
#
# A layer computes $h = W x + b$. Stack two of them without anything in between:
#
# $$ W_2 (W_1 x + b_1) + b_2 = (W_2 W_1)\, x + (W_2 b_1 + b_2) = W x + b . $$
#
# The product $W_2 W_1$ is just another matrix, so two linear layers are exactly one
# linear layer, and so are a hundred. Depth buys nothing until something non-linear sits
# between the layers. Let us check it with numbers: a 3 → 5 → 2 network without
# activations equals a single 3 → 2 layer.
#
# (Here one input $x$ is a column and $W$ has shape (outputs, inputs), as in most maths
# texts. Chapter 03 stores a batch with one example per row, $X$ of shape $(N, D)$, and
# writes the same layer as $H = X W + b$ with $W$ of shape (inputs, outputs), the layout
# of Keras: each row of $H$ is $(W_{\text{col}}\, x + b)^\top$ with $W = W_{\text{col}}^\top$.)

# %%
rng = np.random.default_rng(0)
W1, b1 = rng.normal(size=(5, 3)), rng.normal(size=5)
W2, b2 = rng.normal(size=(2, 5)), rng.normal(size=2)
x = rng.normal(size=3)

two_layers = W2 @ (W1 @ x + b1) + b2
W, b = W2 @ W1, W2 @ b1 + b2                     # the single equivalent layer
print("W2 @ W1 has shape", W.shape)
print("two layers:", two_layers, "\none layer :", W @ x + b)
assert W.shape == (2, 3) and np.allclose(two_layers, W @ x + b)

# %% [markdown]
# Put a ReLU between the layers and this collapse is gone: no single matrix reproduces
# the network, because a linear map must satisfy $f(x + x') = f(x) + f(x')$ and the
# ReLU network does not.

# %%
def with_relu(x):
    """The same two layers without biases, and a ReLU in between."""
    return W2 @ act.relu(W1 @ x)


x2 = rng.normal(size=3)
print("f(x + x') =", with_relu(x + x2), "\nf(x) + f(x') =", with_relu(x) + with_relu(x2))
assert not np.allclose(with_relu(x + x2), with_relu(x) + with_relu(x2))

# %% [markdown]
# ## 2. The classic pair: sigmoid and tanh
#
# **Sigmoid** (the logistic function):
#
# $$ \sigma(z) = \frac{1}{1 + e^{-z}}, \qquad \sigma(z) \in (0, 1), \qquad
#    \sigma'(z) = \sigma(z)\,\bigl(1 - \sigma(z)\bigr). $$
#
# Its derivative is largest at $z = 0$, where $\sigma = 1/2$ gives $\sigma'(0) = 1/4$.
#
# **Hyperbolic tangent**, a stretched and shifted sigmoid:
#
# $$ \tanh(z) = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}} = 2\sigma(2z) - 1, \qquad
#    \tanh(z) \in (-1, 1), \qquad \tanh'(z) = 1 - \tanh^2(z), $$
#
# with its largest slope, 1, also at $z = 0$. Unlike the sigmoid it is **zero-centred**
# ($\tanh(0) = 0$), which keeps the next layer's inputs balanced around 0. The cell
# asserts each of these facts on a fine grid.

# %%
z = np.linspace(-8, 8, 160_001)                  # step 1e-4, includes z = 0
s, t = act.sigmoid(z), act.tanh(z)
assert np.all((s > 0) & (s < 1)) and np.all((t > -1) & (t < 1))
assert np.isclose(act.sigmoid_grad(z).max(), 0.25) and z[act.sigmoid_grad(z).argmax()] == 0
assert np.isclose(act.tanh_grad(z).max(), 1.0) and z[act.tanh_grad(z).argmax()] == 0
assert np.allclose(t, 2 * act.sigmoid(2 * z) - 1)
print(f"max sigmoid' = {act.sigmoid_grad(z).max():.4f} at z = {z[act.sigmoid_grad(z).argmax()]:g}")
print(f"max tanh'    = {act.tanh_grad(z).max():.4f} at z = {z[act.tanh_grad(z).argmax()]:g}")

# %% [markdown]
# The library writes each function next to its derivative:

# %%
nnedu.show_source(act.sigmoid_grad)
nnedu.show_source(act.tanh_grad)

# %% [markdown]
# ## 3. The ReLU family
#
# **ReLU**, the rectified linear unit, $\mathrm{relu}(z) = \max(0, z)$, range $[0, \infty)$.
# Its derivative is 0 for $z < 0$ and 1 for $z > 0$; at $z = 0$ it is undefined (the
# graph has a corner), and libraries simply use 0 there. It is cheap, it does not
# saturate for $z > 0$, and its output is exactly 0 for every negative input, so in a
# layer many units output 0 at once (a *sparse* output).
#
# **Leaky ReLU** gives the negative side a small slope $\alpha$ so that the gradient is
# never exactly 0: $z$ for $z > 0$, $\alpha z$ otherwise. The classic slope is
# $\alpha = 0.01$, our default; some lecture notes use 0.1, and other libraries pick other
# defaults, so always say which one you mean.
#
# **PReLU** (parametric ReLU) has the same formula, but $\alpha$ is a *parameter that is
# learned* by gradient descent, one per unit or per channel. Its gradient with respect
# to $\alpha$ is $\partial f / \partial \alpha = z$ where $z \le 0$, and 0 elsewhere.
#
# **ELU**: $z$ for $z > 0$ and $\alpha (e^z - 1)$ for $z \le 0$; smooth for $\alpha = 1$,
# its negative side bends towards $-\alpha$ instead of going down forever.
#
# **SELU** is a scaled ELU, $\lambda\, \mathrm{elu}(z; \alpha)$, with two constants,
# $\lambda \approx 1.0507$ and $\alpha \approx 1.67326$, chosen by Klambauer et al. (2017) so
# that activations keep mean 0 and variance 1 from layer to layer (with weights drawn with
# variance $1/\text{fan-in}$).

# %%
print("relu'(0) =", act.relu_grad(0.0), "| leaky_relu(-1) =", act.leaky_relu(-1.0),
      "| with alpha = 0.1:", act.leaky_relu(-1.0, alpha=0.1))
assert act.relu_grad(0.0) == 0.0 and act.relu_grad(1e-9) == 1.0
assert act.leaky_relu(-1.0) == -0.01 and act.leaky_relu(-1.0, alpha=0.1) == -0.1
assert np.isclose(act.elu(-50.0), -1.0) and act.elu(2.0) == 2.0
print(f"SELU: lambda = {act.SELU_SCALE:.4f}, alpha = {act.SELU_ALPHA:.5f}")
assert round(act.SELU_SCALE, 4) == 1.0507 and round(act.SELU_ALPHA, 5) == 1.67326

# %% [markdown]
# The SELU promise, checked: push 2,000 samples with 256 features through 20 layers of
# 256 SELU units each (weights with variance 1/256) and look at the mean and variance of
# the last layer's activations.

# %%
h = rng.normal(size=(2000, 256))
for _ in range(20):
    h = act.selu(h @ rng.normal(0.0, np.sqrt(1 / 256), size=(256, 256)))
print(f"after 20 SELU layers: mean {h.mean():+.3f}, variance {h.var():.3f}")
assert abs(h.mean()) < 0.1 and abs(h.var() - 1) < 0.1

# %% [markdown]
# PReLU in one gradient step: one unit sees the pre-activations below; the loss asks for
# larger outputs on the negative side, so the learned slope $\alpha$ goes up.

# %%
z_batch = np.array([-2.0, -1.0, 0.5, 3.0])
target = np.array([-0.6, -0.3, 0.5, 3.0])        # what a slope of 0.3 would produce
assert np.allclose(target[:2], 0.3 * z_batch[:2])
alpha_p = 0.01
output = np.where(z_batch > 0, z_batch, alpha_p * z_batch)
d_loss_d_output = 2 * (output - target) / len(z_batch)              # mean squared error
d_output_d_alpha = np.where(z_batch > 0, 0.0, z_batch)              # z on the negative side
grad_alpha = float(np.sum(d_loss_d_output * d_output_d_alpha))
alpha_new = alpha_p - 0.5 * grad_alpha                             # learning rate 0.5
print(f"dL/dalpha = {grad_alpha:.4f}; alpha: {alpha_p} -> {alpha_new:.4f}")
assert grad_alpha < 0 and alpha_new > alpha_p

# %% [markdown]
# ## 4. Smooth newcomers, Maxout and softmax
#
# - **GELU** (Hendrycks and Gimpel, 2016): $z\,\Phi(z)$, with $\Phi$ the standard normal
#   CDF. Used in BERT, GPT and most transformers.
# - **Swish**, also called **SiLU**: $z\,\sigma(z)$.
# - **Mish**: $z \tanh(\mathrm{softplus}(z))$ with $\mathrm{softplus}(z) = \ln(1 + e^z)$.
#
# All three look like a ReLU with the corner rounded off, and all three dip slightly
# below zero before coming back to 0 for large negative $z$ (the cell finds each minimum).
#
# - **Maxout** (Goodfellow et al., 2013) is not a function applied to one number: a
#   Maxout unit computes *two* (or $k$) affine maps of its input and keeps the larger,
#   $\max(w_1 \cdot x + b_1,\ w_2 \cdot x + b_2)$. It can learn ReLU ($w_2 = 0, b_2 = 0$) or
#   $|z|$ ($w_2 = -w_1$), but every unit needs two sets of weights: it doubles the
#   parameters of the layer.
# - **Softmax** turns a vector of $K$ scores into $K$ probabilities,
#   $p_j = e^{z_j} / \sum_k e^{z_k}$: all positive, summing to 1. It mixes the entries, so
#   it is not an activation for an ordinary hidden layer; its main place is the output
#   of a classifier (chapter 04), and inside networks it turns scores into weights that
#   sum to 1, as in the attention layers of transformers.
#
# **Their derivatives.** With $\sigma$ the sigmoid, $\Phi$ and $\varphi$ the standard normal
# CDF and density, and $\mathrm{sp}(z) = \ln(1 + e^z)$ (whose derivative is $\sigma(z)$):
#
# | function | $f(z)$ | $f'(z)$ |
# |---|---|---|
# | ELU | $z$ ($z > 0$), $\alpha(e^z - 1)$ ($z \le 0$) | $1$ ($z > 0$), $\alpha e^z = f(z) + \alpha$ ($z \le 0$) |
# | SELU | $\lambda\, \mathrm{elu}(z; \alpha)$ | $\lambda$ ($z > 0$), $\lambda \alpha e^z$ ($z \le 0$) |
# | GELU | $z\,\Phi(z)$ | $\Phi(z) + z\,\varphi(z)$ |
# | Swish | $z\,\sigma(z)$ | $\sigma(z) + z\,\sigma(z)\,(1 - \sigma(z))$ |
# | Mish | $z \tanh(\mathrm{sp}(z))$ | $\tanh(\mathrm{sp}(z)) + z\,\sigma(z)\,(1 - \tanh^2(\mathrm{sp}(z)))$ |
# | Maxout | $\max_i (w_i \cdot x + b_i)$ | the gradient flows only into the piece that won: $x$ for its $w_i$, 0 for the others |
# | softmax | $p_j = e^{z_j} / \sum_k e^{z_k}$ | $\partial p_j / \partial z_k = p_j(\delta_{jk} - p_k)$: the matrix $\mathrm{diag}(p) - p p^\top$ |
#
# Softmax is the one whose "derivative" is a matrix: every output depends on every input.
# The next cell checks each row of the table against the numerical derivative.

# %%
for name in ["gelu", "swish", "mish"]:
    values = act.get(name)(z)
    print(f"{name:>5}: minimum {values.min():.4f} at z = {z[values.argmin()]:.3f}")
    assert values.min() < 0 and np.isclose(act.get(name)(-40.0), 0.0, atol=1e-12)

# %%
n_in, n_units = 100, 50
dense_params = n_in * n_units + n_units                   # kernel + bias
maxout_params = 2 * (n_in * n_units + n_units)            # two affine maps per unit
print(f"Dense {n_in} -> {n_units}: {dense_params} parameters; "
      f"Maxout with 2 pieces: {maxout_params} ({maxout_params / dense_params:.0f}x)")
assert maxout_params == 2 * dense_params == 10_100

# Maxout reproducing relu and |z| for a single input z (w1 = 1, b1 = 0):
zs = np.linspace(-3, 3, 7)
assert np.array_equal(np.maximum(1 * zs + 0, 0 * zs + 0), act.relu(zs))
assert np.array_equal(np.maximum(1 * zs, -1 * zs), np.abs(zs))

p = act.softmax(np.array([2.0, 1.0, -1.0]))
print("softmax([2, 1, -1]) =", p.round(4), "sum", p.sum())
assert np.isclose(p.sum(), 1.0) and np.all(p > 0)

# %%
from math import erf, pi  # noqa: E402  (the normal CDF, for GELU's row of the table)

zt = np.linspace(-4, 4, 81)
zt = zt[np.abs(zt) > 1e-9]                                    # away from the kink at 0
sp, sg = np.log1p(np.exp(zt)), act.sigmoid(zt)
table = {
    "elu": np.where(zt > 0, 1.0, np.exp(zt)),
    "selu": act.SELU_SCALE * np.where(zt > 0, 1.0, act.SELU_ALPHA * np.exp(zt)),
    "gelu": 0.5 * (1 + np.vectorize(erf)(zt / np.sqrt(2))) + zt * np.exp(-zt ** 2 / 2) / np.sqrt(2 * pi),
    "swish": sg + zt * sg * (1 - sg),
    "mish": np.tanh(sp) + zt * sg * (1 - np.tanh(sp) ** 2),
}
for name, formula in table.items():
    numeric = (act.get(name)(zt + 1e-6) - act.get(name)(zt - 1e-6)) / 2e-6
    assert rel_error(numeric, formula) < 1e-7, name
    assert np.allclose(act.get_grad(name)(zt), formula)
# softmax: the Jacobian diag(p) - p p^T against one numerical column per input
zs3 = np.array([2.0, 1.0, -1.0])
jacobian = np.diag(act.softmax(zs3)) - np.outer(act.softmax(zs3), act.softmax(zs3))
numeric_jacobian = np.stack([(act.softmax(zs3 + 1e-6 * e) - act.softmax(zs3 - 1e-6 * e))
                             / 2e-6 for e in np.eye(3)], axis=1)
assert rel_error(numeric_jacobian, jacobian) < 1e-7
# Maxout: the gradient of max(w_a . x, w_b . x) is x for the winning piece, 0 for the other
x_in, w_a, w_b = np.array([1.0, 2.0]), np.array([1.0, 0.0]), np.array([0.0, 1.0])


def maxout(wa, wb):
    return max(x_in @ wa, x_in @ wb)


grad_a = [(maxout(w_a + 1e-6 * e, w_b) - maxout(w_a - 1e-6 * e, w_b)) / 2e-6 for e in np.eye(2)]
grad_b = [(maxout(w_a, w_b + 1e-6 * e) - maxout(w_a, w_b - 1e-6 * e)) / 2e-6 for e in np.eye(2)]
assert x_in @ w_b > x_in @ w_a                       # piece b wins (2 > 1)
assert np.allclose(grad_b, x_in) and np.allclose(grad_a, 0.0)
print(f"the table's derivatives of {', '.join(table)} and softmax's Jacobian agree with "
      "numerical derivatives")
print("softmax Jacobian at z = [2, 1, -1]:\n", jacobian.round(4))

# %% [markdown]
# All of them at once: each function (solid) with its derivative (dashed), on the same
# axes $z \in [-4, 4]$. The smooth newcomers differ from ReLU only near 0; sigmoid and
# tanh are the only ones whose slope dies on *both* sides.

# %%
grid_names = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "swish",
              "mish", "softplus"]
fig, axes = style.new_figure(4, 3, figsize=(7.6, 8.4), sharex=True)
zg = np.linspace(-4, 4, 401)
for ax, name in zip(axes.ravel(), grid_names):
    alpha_kw = {"alpha": 0.1} if name == "leaky_relu" else {}     # a slope you can see
    f_z, g_z = act.get(name)(zg, **alpha_kw), act.get_grad(name)(zg, **alpha_kw)
    ax.plot(zg, f_z, color=style.BLUE, lw=2, label="f(z)")
    ax.plot(zg, g_z, color=style.ORANGE, lw=2, ls="--", label="f'(z)")
    ax.axhline(0, color=style.GREY, lw=0.8)
    ax.set_ylim(min(-1.2, f_z.min() - 0.2), max(1.3, min(f_z.max(), 4.2) + 0.2))
    style.apply(ax, title=name + (" (alpha 0.1)" if alpha_kw else ""))
axes[-1, 0].set_xlabel("z")
handles, labels = axes[0, 0].get_legend_handles_labels()
axes[-1, 1].legend(handles, labels, loc="center", frameon=False)   # in an empty panel
for ax in axes.ravel()[len(grid_names):]:
    ax.axis("off")
fig

# %% [markdown]
# Every derivative in the library is checked against the numerical derivative, the
# centred difference $(f(z+\epsilon) - f(z-\epsilon)) / 2\epsilon$, at random points away
# from the kinks at 0. (You will write this check yourself in the exercises.)

# %%
z_test = rng.uniform(0.1, 3.0, size=20) * rng.choice([-1.0, 1.0], size=20)
names = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "swish", "mish",
         "softplus"]
for name in names:
    f, f_grad = act.get(name), act.get_grad(name)
    numeric = numerical_gradient(lambda v, f=f: float(np.sum(f(v))), z_test.copy())
    error = rel_error(numeric, f_grad(z_test))
    assert error < 1e-7, (name, error)
print(f"all {len(names)} derivatives agree with the numerical derivative "
      "(relative error < 1e-7)")

# %% [markdown]
# ## 5. Saturation and vanishing gradients
#
# Far from 0, the sigmoid is flat: $\sigma'(5) \approx 0.0066$, $\sigma'(10) \approx 0.000045$.
# A unit whose input lands there is **saturated**: its output barely changes, and
# neither does anything gradient descent computes through it. Backpropagation
# (chapter 06) multiplies, per layer, one such slope *and* the layer's weights. The
# slopes alone shrink the gradient by at least a factor 4 per sigmoid layer, so through
# $n$ layers whose weights are at most 1 in size the gradient is scaled by at most
# $0.25^n$, below $10^{-6}$ after 10 layers. Larger weights can make up for the slopes
# (and can also make gradients explode); chapter 08 chooses the weights' size so that
# neither happens.
#
# **A popular claim corrected.** Some notes say tanh "avoids" the vanishing gradient
# because it is zero-centred. It does not. Being zero-centred helps the *next* layer,
# and tanh's maximum slope is 1 instead of 0.25, but tanh saturates just the same, and
# even faster in $z$: at $z = 5$ its slope is smaller than the sigmoid's.

# %%
for zz in [0.0, 2.0, 5.0, 10.0]:
    print(f"z = {zz:4}: sigmoid' = {float(act.sigmoid_grad(zz)):.2e}, "
          f"tanh' = {float(act.tanh_grad(zz)):.2e}")
assert act.tanh_grad(5.0) < act.sigmoid_grad(5.0) < 0.01
assert round(float(act.sigmoid_grad(5.0)), 4) == 0.0066
assert round(float(act.sigmoid_grad(10.0)), 6) == 0.000045
assert 0.25 ** 10 < 1e-6

# %% [markdown]
# How much of the gradient survives depends on where the pre-activations $z$ sit. If they
# are spread like a normal distribution with standard deviation $\sigma_z$, the average
# slope per layer is (estimated on 200,000 samples):

# %%
spreads = [0.5, 1.0, 2.0, 4.0]
z_samples = rng.normal(size=200_000)
mean_slope = {name: [float(act.get_grad(name)(sd * z_samples).mean()) for sd in spreads]
              for name in ["sigmoid", "tanh", "relu"]}
print("std of z:      " + "  ".join(f"{sd:6}" for sd in spreads))
for name, slopes in mean_slope.items():
    print(f"{name:>8} mean f': " + "  ".join(f"{v:6.3f}" for v in slopes))
print(f"tanh, std 4, over 10 layers: {mean_slope['tanh'][-1] ** 10:.1e}")
assert mean_slope["tanh"][-1] < 0.25 and mean_slope["tanh"][-1] ** 10 < 1e-6
assert all(abs(v - 0.5) < 0.01 for v in mean_slope["relu"])

# %% [markdown]
# For sigmoid and tanh the average slope falls as the inputs spread out; with $\sigma_z = 4$
# tanh keeps less than a quarter of the gradient per layer, so ten such layers leave less
# than a millionth. ReLU's average is 1/2 whatever the spread, because its slope is
# exactly 1 on every active unit: the units that pass a gradient pass all of it. That,
# plus cheapness, is why ReLU made deep networks trainable. Good weight initialization
# (chapter 08) keeps $\sigma_z$ near 1 and helps every function.

# %%
fig, axes = style.new_figure(1, 3, figsize=(7.6, 3.2), sharey=True)
zp = np.linspace(-6, 6, 601)
titles = {"sigmoid": "sigmoid: f' ≤ 0.25", "tanh": "tanh: f' ≤ 1, flat far out",
          "relu": "relu: f' is 0 or 1"}
for ax, name in zip(axes, ["sigmoid", "tanh", "relu"]):
    ax.plot(zp, act.get(name)(zp), color=style.BLUE, lw=2, label="f(z)")
    ax.plot(zp, act.get_grad(name)(zp), color=style.ORANGE, lw=2, ls="--", label="f'(z)")
    ax.axhline(0, color=style.GREY, lw=0.8)
    ax.set_ylim(-1.2, 2.2)
    style.apply(ax, title=titles[name], xlabel="z")
axes[0].set_ylabel("value")
axes[0].legend(loc="upper left")      # above the curves: they stay below 1 on the left
fig

# %% [markdown]
# ## 6. The dying ReLU
#
# ReLU has its own failure. A unit whose pre-activation $z = w \cdot x + b$ is negative
# for **every** input outputs 0 everywhere and has slope 0 everywhere, so every gradient
# that reaches its weights is exactly 0. Nothing can ever move them again: the unit is
# dead. A large learning-rate step that throws the bias far negative is a typical cause.
#
# The demo fits one unit to data made by $\mathrm{relu}(x_1 - x_2 + 0.5)$, starting from
# bias $-3$, where $z \le -2$ for every input in $[-1, 1]^2$. Plain ReLU never moves; leaky
# ReLU gets a small gradient on the negative side, walks back into the data and fits it.

# %%
X = rng.uniform(-1, 1, size=(1000, 2))
y = act.relu(X @ np.array([1.0, -1.0]) + 0.5)


def fit_one_unit(f, f_grad, steps=300, learning_rate=1.0):
    """Gradient descent on the mean squared error of f(X w + b); returns the loss per step."""
    w, b, losses = np.array([0.5, 0.5]), -3.0, []
    for _ in range(steps):
        z = X @ w + b
        losses.append(float(np.mean((f(z) - y) ** 2)))
        d_z = 2 * (f(z) - y) / len(y) * f_grad(z)        # dLoss/dz, shape (1000,)
        w, b = w - learning_rate * X.T @ d_z, b - learning_rate * d_z.sum()
    return np.array(losses), w, b


relu_losses, w_relu, b_relu = fit_one_unit(act.relu, act.relu_grad)
leaky_losses, w_leaky, b_leaky = fit_one_unit(act.leaky_relu, act.leaky_relu_grad)
z_start = X @ np.array([0.5, 0.5]) - 3.0
print(f"relu : largest z at the start {z_start.max():.3f}; "
      f"after 300 steps w = {w_relu}, b = {b_relu}, loss {relu_losses[-1]:.3f}")
print(f"leaky: after 300 steps w = {w_leaky.round(3)}, b = {b_leaky:.3f}, "
      f"loss {leaky_losses[-1]:.1e}")
assert z_start.max() <= -2 and np.array_equal(w_relu, [0.5, 0.5]) and b_relu == -3.0
assert leaky_losses[-1] < 1e-3 < relu_losses[-1]

# %%
fig, ax = style.new_figure(figsize=(6.4, 3.6))
ax.semilogy(relu_losses, color=style.VERMILLION, lw=2, label="ReLU: dead, never moves")
ax.semilogy(leaky_losses, color=style.BLUE, lw=2, label="leaky ReLU (alpha = 0.01)")
ax.legend()
style.apply(ax, title="A dead ReLU unit gets no gradient", xlabel="gradient-descent step",
            ylabel="mean squared error (log scale)")
fig

# %% [markdown]
# ## 7. A sigmoid that never overflows
#
# Written as it stands, $1 / (1 + e^{-z})$ computes $e^{1000}$ for $z = -1000$, which does not
# fit in a float64 (the largest is about $1.8 \times 10^{308}$): NumPy returns `inf`, warns
# "overflow encountered in exp", and only by luck the final answer, $1/\infty = 0$, is
# right. The stable form never exponentiates a positive number: with $e = e^{-|z|} \in
# (0, 1]$,
#
# $$ \sigma(z) = \frac{1}{1 + e} \ (z \ge 0), \qquad \sigma(z) = \frac{e}{1 + e} \ (z < 0). $$
#
# Both are the same function (multiply the top and bottom of $1/(1+e^{-z})$ by $e^{z}$ for
# negative $z$). The cell counts the warnings of each version on extreme inputs.

# %%
def naive_sigmoid(z):
    return 1 / (1 + np.exp(-z))


extreme = np.array([-1000.0, -100.0, 0.0, 100.0, 1000.0])
for name, f in [("naive", naive_sigmoid), ("stable", act.sigmoid)]:
    with warnings.catch_warnings(record=True) as caught, np.errstate(over="warn"):
        warnings.simplefilter("always")
        values = f(extreme)
    print(f"{name:>6}: {values} -> {len(caught)} warning(s)",
          [str(w.message) for w in caught])
    if name == "naive":
        assert len(caught) == 1
    else:
        assert len(caught) == 0 and np.allclose(values, [0, 0, 0.5, 1, 1])
print("largest float64:", np.finfo(np.float64).max)
assert round(np.finfo(np.float64).max / 1e308, 1) == 1.8

# %%
nnedu.show_source(act.sigmoid)

# %% [markdown]
# ## 8. Which one to use
#
# | where | use | why |
# |---|---|---|
# | hidden layers | ReLU first; leaky ReLU, ELU, GELU or Swish if units die or for a little extra | slope 1 on active units, cheap |
# | output, two classes (or several yes/no labels) | sigmoid | a probability in (0, 1) |
# | output, one of $K$ classes | softmax | $K$ probabilities that sum to 1 |
# | output, regression | linear (none) | any real number |
#
# Avoid sigmoid and tanh in deep stacks of hidden layers unless there is a reason (tanh
# still appears inside recurrent networks and as a gate), and never put a ReLU on the
# output of a regression that may need negative values.
#
# ## 9. Explore
#
# Pick a function, slide $\alpha$ (for leaky ReLU and ELU), and set the number of layers:
# the left panel shows $f$ and $f'$ (its y-range follows the function), the right panel
# how much of a gradient is left after passing back through $n$ layers. Both curves on
# the right assume weights of 1 and biases of 0: the dashed one multiplies the steepest
# slope $n$ times, the other follows one unit through a chain $a_k = f(a_{k-1})$ from
# $a_0 = 1$. Real weights multiply in too (section 5). Try sigmoid with 10 layers, then
# tanh, then ReLU.

# %%
ex = viz.activation_explorer()
ex

# %% [markdown]
# ## Check your understanding
#
# 1. A network has three layers, each $h = W x + b$, and no activations. How many layers
#    does one need to compute the same function?
#
#    <details><summary>Answer</summary>
#
#    One: $W_3 (W_2 (W_1 x + b_1) + b_2) + b_3 = (W_3 W_2 W_1) x + b'$, a single linear
#    layer (section 1).
#    </details>
#
# 2. Pre-activations $z = 3$ reach a sigmoid and a ReLU. Which unit passes more of the
#    gradient back, and by how much?
#
#    <details><summary>Answer</summary>
#
#    $\sigma'(3) = \sigma(3)(1 - \sigma(3)) \approx 0.045$, $\mathrm{relu}'(3) = 1$: the ReLU
#    passes about 22 times more. (The cell below computes it.)
#    </details>
#
# 3. Why can a leaky ReLU unit recover from a bias of $-3$ while a ReLU unit cannot?
#
#    <details><summary>Answer</summary>
#
#    For $z < 0$ the ReLU's slope is exactly 0, so every gradient reaching its weights is
#    0 and nothing moves them (section 6). The leaky ReLU's slope there is $\alpha > 0$: a
#    small gradient remains and walks the bias back.
#    </details>

# %%
ratio = float(act.relu_grad(3.0) / act.sigmoid_grad(3.0))
print(f"sigmoid'(3) = {float(act.sigmoid_grad(3.0)):.4f}, relu'(3) = 1: ratio {ratio:.1f}")
assert round(float(act.sigmoid_grad(3.0)), 3) == 0.045 and round(ratio) == 22

# %% [markdown]
# ## Summary
#
# - Without activations, stacked layers collapse to one matrix ($W_2 W_1$).
# - Sigmoid: range (0, 1), $\sigma' = \sigma(1 - \sigma) \le 0.25$. Tanh: range (-1, 1),
#   $\tanh' = 1 - \tanh^2 \le 1$, zero-centred, and it saturates too.
# - ReLU: slope 1 or 0 (0 at $z = 0$ by convention); leaky ReLU (0.01 by default), PReLU
#   (learned slope), ELU, SELU (1.0507, 1.67326), GELU, Swish, Mish; Maxout doubles the
#   parameters; softmax for multi-class outputs.
# - Saturated units pass tiny gradients (sigmoid and tanh alike); a ReLU unit that is
#   negative on all inputs is dead for good.
# - Compute the sigmoid in its stable form: no overflow, no warnings.
#
# ## What's next
#
# **03 · Multilayer networks and the forward pass** stacks neurons with these
# activations into layers, and a hidden layer finally computes XOR.

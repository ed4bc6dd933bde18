# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 09 · Regularization
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/nnedu-course/nnedu/blob/main/notebooks/09_regularization.ipynb) [![Open In Kaggle](https://kaggle.com/static/images/open-in-kaggle.svg)](https://kaggle.com/kernels/welcome?src=https://github.com/nnedu-course/nnedu/blob/main/notebooks/09_regularization.ipynb)
#
# A network with enough weights can learn its training set by heart, including the
# mistakes in it, and then do worse on new data than a smaller, more modest network.
# This chapter is about fighting that: first with more data, then with the tools that
# make a big network behave as if it were smaller. Every tool is measured on the same
# problem, so you can see what each one buys.
#
# **After this lesson you can**
#
# - say why a model that fits its training data perfectly can still be bad, and why
#   more data is the best cure;
# - add an L2 or L1 penalty (and both: the elastic net), write its gradient, see L2 as
#   weight decay, and say why biases are not penalized; use a max-norm constraint;
# - implement inverted dropout with the right scaling (1 / keep probability), and say
#   why nothing changes at test time;
# - explain batch normalization in training and inference mode, and layer
#   normalization as its per-sample cousin;
# - augment image data (flips, shifts, rotations, noise), on the training data only;
# - read a table of train and validation accuracy and say which regularizer helped.

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
from nnedu.data import (
    add_noise,
    augment_images,
    flip_horizontal,
    load_mnist_subset,
    rotate_images,
    shift_images,
)
from nnedu.gradcheck import check_layer
from nnedu.layers import Activation, BatchNormalization, Dense, Dropout, Flatten
from nnedu.regularizers import L1, L1L2, L2, MaxNorm
from nnedu.viz import style

# %% [markdown]
# ## 1. Capacity and data
#
# A network's **capacity** is how many different functions it can represent; it grows
# with the number of weights. When the capacity is large compared with the amount of
# data, the network can fit every training example exactly, noise included. Its training
# accuracy then says nothing about new data. That is **overfitting**, and the sign of it
# is a gap between training and validation accuracy.
#
# To see it clearly, the whole chapter uses one deliberately hard problem: **300** MNIST
# digits for training, a quarter of them with a **wrong, random label** (as if a tired
# person had labelled them), and 500 other digits with correct labels for validation.
# The network, 784 → 256 → 256 → 10, has about 270,000 weights: roughly 900 per
# training image.

# %%
(x_all, y_all), (x_test, y_test) = load_mnist_subset()
pick = np.random.default_rng(0).permutation(len(x_all))
NOISE = 0.25                                         # fraction of labels replaced at random


def noisy_labels(labels, seed):
    """A copy of the labels with about NOISE of them replaced by a random class."""
    rng = np.random.default_rng(seed)
    out = labels.copy()
    wrong = rng.random(len(out)) < NOISE
    out[wrong] = rng.integers(0, 10, size=wrong.sum())
    return out


x_train, y_train = x_all[pick[:300]], noisy_labels(y_all[pick[:300]], seed=1)
x_val, y_val = x_test[:500], y_test[:500]
wrong_share = np.mean(y_train != y_all[pick[:300]])
print(f"training images {x_train.shape}, labels that are wrong: {wrong_share:.0%}")
print(f"validation images {x_val.shape}")
assert x_train.shape == (300, 28, 28, 1) and x_val.shape == (500, 28, 28, 1)
assert 0.17 < wrong_share < 0.27     # a random label is right by chance 1 time in 10

# %% [markdown]
# (A replaced label is right by chance one time in ten, so a bit less than 25 % end up
# wrong: the cell prints the share.) Each regularizer below is a variant of one recipe:
# build the network, train 30 epochs of Adam with batches of 32, and measure accuracy on
# the training images (with their noisy labels) and on the validation images.

# %%
EPOCHS = 30


def build_network(kernel_regularizer=None, dropout=0.0, batch_norm=False):
    """784 -> 256 -> 256 -> 10 with ReLU, optionally penalized, with dropout or batch norm."""
    layers = [Flatten(input_shape=(28, 28, 1))]
    for i in range(2):
        layers.append(Dense(256, activation=None if batch_norm else "relu",
                            kernel_regularizer=kernel_regularizer, seed=i))
        if batch_norm:
            layers += [BatchNormalization(), Activation("relu")]
        if dropout:
            layers.append(Dropout(dropout, seed=i))
    layers.append(Dense(10, activation="softmax", seed=9))
    model = nnedu.Sequential(layers)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def train_and_measure(model, x, y, augment=None):
    """Train for EPOCHS (with a fresh augmented copy of x every epoch if augment is given)."""
    for epoch in range(EPOCHS):
        x_epoch = x if augment is None else augment(x, seed=epoch)
        model.fit(x_epoch, y, batch_size=32, epochs=1, verbose=0, seed=epoch)
    return {"train": model.evaluate(x_train, y_train)[1], "val": model.evaluate(x_val, y_val)[1]}


plain_model = build_network()
results = {"none": train_and_measure(plain_model, x_train, y_train)}
print(f"no regularization: train accuracy {results['none']['train']:.3f}, "
      f"validation accuracy {results['none']['val']:.3f}")
n_weights = plain_model.count_params()
print(f"{n_weights:,} weights, {n_weights / len(x_train):.0f} per training image")
assert results["none"]["train"] > 0.99                       # the wrong labels learned too
assert results["none"]["val"] < results["none"]["train"] - 0.2
assert n_weights == 269_322 and round(n_weights / len(x_train), -2) == 900

# %% [markdown]
# The unregularized network gets (almost) all 300 training labels "right", including the
# wrong ones: it has memorized them. On the validation images it is far worse. The
# **best** cure is more data: the same network trained on four times as many images (with
# the same share of wrong labels) cannot memorize them all so easily, and every correct
# image pulls the network towards the real digit shapes.

# %%
x_more, y_more = x_all[pick[:1200]], noisy_labels(y_all[pick[:1200]], seed=2)
more_model = build_network()
for epoch in range(10):
    more_model.fit(x_more, y_more, batch_size=32, epochs=1, verbose=0, seed=epoch)
more_val = more_model.evaluate(x_val, y_val)[1]
updates_300, updates_1200 = EPOCHS * int(np.ceil(300 / 32)), 10 * int(np.ceil(1200 / 32))
print(f"validation accuracy with 300 images: {results['none']['val']:.3f}, "
      f"with 1,200 images (10 epochs): {more_val:.3f}")
print(f"weight updates: {updates_300} (300 images, {EPOCHS} epochs), {updates_1200} (1,200, 10)")
assert more_val > results["none"]["val"] + 0.05
assert (updates_300, updates_1200) == (300, 380)

# %% [markdown]
# (Ten epochs over 1,200 images are 380 weight updates, about as many as the 300 of our
# 30 epochs over 300 images.) More data is not always to be had. The rest of the chapter is about what to do then:
# **regularization**, anything that makes a model generalize better without more data.
#
# ## 2. Weight penalties: L2, L1, elastic net
#
# Large weights let a network bend sharply around single points. A penalty on the size
# of the weights, added to the loss, makes every weight "pay" for being large:
#
# $$ L_{\text{total}} = L_{\text{data}} + \lambda \sum_{\text{kernels}} \sum_{ij} W_{ij}^2
#    \quad (\text{L2}), \qquad
#    L_{\text{total}} = L_{\text{data}} + \lambda \sum |W_{ij}| \quad (\text{L1}). $$
#
# Two conventions circulate. Keras (and nnedu) write the L2 penalty as
# $\lambda \sum W^2$; many textbooks write $\frac{\lambda}{2m} \sum \|W\|^2$ with $m$ the
# number of training examples. They are the same penalty with a different $\lambda$:
# the textbook's $\lambda$ is `L2(l2=lambda / (2 * m))` here. The library's L2:

# %%
nnedu.show_source(L2)

# %%
W = np.array([[0.5, -1.0], [2.0, 0.0]])
print("L2(0.01)(W) =", L2(0.01)(W), "  gradient:", L2(0.01).gradient(W).tolist())
print("L1(0.01)(W) =", L1(0.01)(W), "  gradient:", L1(0.01).gradient(W).tolist())
assert np.isclose(L2(0.01)(W), 0.01 * (0.25 + 1 + 4))                 # 0.0525
assert np.allclose(L2(0.01).gradient(W), 2 * 0.01 * W)
assert np.isclose(L1(0.01)(W), 0.01 * 3.5)
assert np.allclose(L1(0.01).gradient(W), 0.01 * np.sign(W))
lam, m = 0.1, 300                                                     # a textbook lambda
assert np.isclose(L2(lam / (2 * m))(W), lam / (2 * m) * np.sum(W ** 2))

# %% [markdown]
# The gradients: $\partial(\lambda \sum W^2)/\partial W = 2\lambda W$ and
# $\partial(\lambda \sum |W|)/\partial W = \lambda \operatorname{sign}(W)$. For W above
# the L2 penalty is $0.01 \cdot (0.25 + 1 + 4) = 0.0525$.
#
# **L2 is weight decay.** One gradient-descent step with the L2 gradient is
# $W \leftarrow W - \eta(\nabla L_{\text{data}} + 2\lambda W)
#   = (1 - 2\eta\lambda)\,W - \eta \nabla L_{\text{data}}$:
# before each ordinary step, every weight shrinks by the factor $1 - 2\eta\lambda$.

# %%
eta, lam = 0.1, 0.05
grad_data = np.array([[0.3, -0.2], [0.1, 0.4]])
step_with_penalty = W - eta * (grad_data + L2(lam).gradient(W))
decay_then_step = (1 - 2 * eta * lam) * W - eta * grad_data
print("decay factor 1 - 2*eta*lambda =", 1 - 2 * eta * lam)
assert np.allclose(step_with_penalty, decay_then_step)

# %% [markdown]
# (For plain SGD the two are the same; Adam divides the gradient by its running scale,
# which is why "AdamW" applies the decay separately. That is beyond this chapter.)
#
# **L1 makes weights exactly zero.** Its gradient has the same size $\lambda$ for a tiny
# weight as for a big one, so it keeps pushing small weights all the way to 0, while
# L2's push $2\lambda W$ fades as $W$ shrinks. L1 therefore gives **sparse** weights
# (many zeros: a kind of feature selection). The **elastic net** uses both,
# $\lambda_1 \sum |W| + \lambda_2 \sum W^2$ (`L1L2`).

# %%
both = L1L2(l1=0.01, l2=0.01)
assert np.isclose(both(W), L1(0.01)(W) + L2(0.01)(W))
assert np.allclose(both.gradient(W), L1(0.01).gradient(W) + L2(0.01).gradient(W))

# the push towards 0 on a weight of 0.001 and on one of 1.0
tiny_and_big = np.array([0.001, 1.0])
print("L1 push:", L1(0.01).gradient(tiny_and_big), " L2 push:", L2(0.01).gradient(tiny_and_big))
assert np.allclose(L1(0.01).gradient(tiny_and_big), [0.01, 0.01])
assert np.allclose(L2(0.01).gradient(tiny_and_big), [0.00002, 0.02])

# %% [markdown]
# **Biases are not penalized.** A bias only shifts a unit; it does not make the function
# bend more, and there are few of them. A layer adds its regularizer's penalty for the
# kernel only, so changing the bias leaves the penalty unchanged:

# %%
layer = Dense(3, kernel_regularizer=L2(0.01), input_shape=(2,), seed=0)
kernel, bias = layer.get_weights()
before = layer.regularization_loss()
layer.set_weights([kernel, bias + 100.0])
print(f"penalty {before:.6f} before and {layer.regularization_loss():.6f} after adding 100 "
      "to every bias")
assert np.isclose(before, L2(0.01)(kernel)) and layer.regularization_loss() == before

# %% [markdown]
# **Max-norm** is a constraint rather than a penalty: after each optimizer step, the
# vector of incoming weights of every unit is scaled back to length $c$ if it got
# longer, $w \leftarrow w \cdot \min(1, c / \|w\|)$. It pairs well with dropout. Here
# with $c = 2$ on a kernel whose first unit has length 5:

# %%
kernel = np.array([[3.0, 0.6], [4.0, 0.8]])               # columns = units, lengths 5 and 1
clipped = MaxNorm(2.0)(kernel)
print("unit lengths before:", np.linalg.norm(kernel, axis=0),
      " after:", np.linalg.norm(clipped, axis=0))
assert np.allclose(np.linalg.norm(clipped, axis=0), [2.0, 1.0])
assert np.allclose(clipped[:, 0], [1.2, 1.6])             # direction kept

# %% [markdown]
# On our overfitting problem, an L2 and an L1 penalty on every kernel:

# %%
results["L2"] = train_and_measure(build_network(kernel_regularizer=L2(1e-3)), x_train, y_train)
l1_model = build_network(kernel_regularizer=L1(1e-4))
results["L1"] = train_and_measure(l1_model, x_train, y_train)
share_small = {name: np.mean(np.abs(model.layers[1].get_weights()[0]) < 1e-3)
               for name, model in [("none", plain_model), ("L1", l1_model)]}
for name in ("L2", "L1"):
    print(f"{name}: train {results[name]['train']:.3f}, validation {results[name]['val']:.3f}")
print(f"share of first-layer weights below 0.001: none {share_small['none']:.1%}, "
      f"L1 {share_small['L1']:.1%}")
assert share_small["L1"] > 3 * share_small["none"]

# %% [markdown]
# L1 has pushed several times as many weights to (almost) zero as training without a
# penalty. The accuracies go into the table of section 6, where we compare.
#
# ## 3. Dropout
#
# During training, **dropout** switches off a random part of the units for each batch:
# every unit is **kept with probability $p$** and dropped (set to 0) with probability
# $1 - p$, the **drop rate**. A unit can no longer rely on particular other units being
# there, so the network learns redundant, more robust features.
#
# **The ensemble view.** Each mask gives a different "thinned" network; with $n$ units
# there are $2^n$ of them, all sharing weights. Training with dropout trains a huge
# ensemble at once, and using the full network at test time approximates averaging the
# ensemble's predictions.
#
# **Inverted dropout.** A kept unit is divided by $p$:
# $y = x \cdot m / p$ with $m \sim \text{Bernoulli}(p)$. Then
# $\mathbb{E}[y] = p \cdot x / p = x$: on average every unit has the same value as
# without dropout, so at **inference** the layer simply does nothing.
#
# Keras' `Dropout(rate)` takes the **drop** rate: `Dropout(0.2)` keeps 80 % of the units
# and divides them by 0.8. One popular set of notes mixes the two numbers up and divides
# by the drop rate. What each version does to the mean activation, with keep probability
# $p = 0.8$ on 100,000 units that are all 1:

# %%
rng = np.random.default_rng(0)
keep, drop = 0.8, 0.2
x_units = np.ones(100_000)
mask = rng.random(x_units.shape) < keep
right = x_units * mask / keep             # inverted dropout: divide by the KEEP probability
wrong = x_units * mask / drop             # the mix-up: divide by the DROP rate
unscaled = x_units * mask                 # no scaling at all
for name, y in [("/ keep (right)", right), ("/ drop (wrong)", wrong), ("no scaling", unscaled)]:
    print(f"{name:15s} mean activation in training: {y.mean():.3f}   at test time: 1.000")
assert abs(mask.mean() - keep) < 0.01
assert abs(right.mean() - 1.0) < 0.01
assert abs(wrong.mean() - 4.0) < 0.05     # keep / drop = 0.8 / 0.2 = 4 times too large
assert abs(unscaled.mean() - 0.8) < 0.01
assert abs(1 / unscaled.mean() - 1.25) < 0.02      # test time / training without scaling

# %% [markdown]
# Only division by the keep probability gives a mean of 1 in training, the same as at
# test time. Dividing by the drop rate makes the next layer see activations **4 times**
# ($0.8 / 0.2$) too large during training, and at test time it sees a quarter of what it
# was trained on. Without any scaling, test-time activations are $1/0.8 = 1.25$ times
# larger than in training (the original 2012 dropout fixed that by multiplying the weights
# by $p$ at test time; inverted dropout moves the fix into training).
#
# The library's layer, and a check that `Dropout(0.2)` keeps about 80 %, is unbiased and
# is the identity at inference:

# %%
nnedu.show_source(Dropout.forward)
nnedu.show_source(Dropout.backward)

# %%
dropout = Dropout(0.2, seed=0)
h = np.random.default_rng(1).uniform(0, 2, size=(500, 200))
h_train = dropout(h, training=True)
h_test = dropout(h, training=False)
print(f"kept in training: {dropout.last_mask.mean():.3f};  mean activation "
      f"{h.mean():.3f} -> {h_train.mean():.3f} (training), {h_test.mean():.3f} (inference)")
assert abs(dropout.last_mask.mean() - 0.8) < 0.01
assert np.allclose(h_train[dropout.last_mask], h[dropout.last_mask] / 0.8)
assert np.all(h_train[~dropout.last_mask] == 0)
assert abs(h_train.mean() - h.mean()) < 0.01 and np.array_equal(h_test, h)

# %% [markdown]
# The backward pass uses the same mask: $dx = dy \cdot m / p$ (a dropped unit passes no
# gradient). And the ensemble view in numbers: for a linear layer, the average of the
# outputs over many random masks is the output without dropout.

# %%
W_demo = np.random.default_rng(2).normal(size=(200, 3))
x_one = h[:1]
outputs = dropout(np.repeat(x_one, 10_000, axis=0), training=True) @ W_demo   # 10,000 masks
print("mean over 10,000 thinned networks:", outputs.mean(axis=0).round(2))
print("full network (no dropout):       ", (x_one @ W_demo).round(2))
assert np.allclose(outputs.mean(axis=0), (x_one @ W_demo)[0], atol=0.4)

# %% [markdown]
# On the overfitting problem, dropout with rate 0.5 after each hidden layer:

# %%
results["dropout"] = train_and_measure(build_network(dropout=0.5), x_train, y_train)
print(f"dropout 0.5: train {results['dropout']['train']:.3f}, "
      f"validation {results['dropout']['val']:.3f}")

# %% [markdown]
# ## 4. Batch normalization
#
# **Batch normalization** normalizes every feature over the batch, then lets the network
# choose the scale and the shift it wants. For a batch of $m$ values of one feature:
#
# $$ \mu = \frac1m \sum_i x_i, \quad \sigma^2 = \frac1m \sum_i (x_i - \mu)^2, \quad
#    \hat x_i = \frac{x_i - \mu}{\sqrt{\sigma^2 + \varepsilon}}, \quad
#    y_i = \gamma \hat x_i + \beta , $$
#
# with $\gamma$ (scale) and $\beta$ (shift) **learned** like weights, one per feature,
# starting at 1 and 0. It keeps the inputs of every layer in a stable range, which allows
# larger learning rates, and the noise of the batch statistics acts as a mild
# regularizer.
#
# **Training vs inference.** At test time there may be one image, not a batch; and a
# prediction should not depend on which other images happen to share the batch. So in
# training the layer also keeps **moving averages** of $\mu$ and $\sigma^2$,
# $\text{moving} \leftarrow 0.99 \cdot \text{moving} + 0.01 \cdot \text{batch value}$
# (Keras' momentum 0.99, $\varepsilon = 10^{-3}$), and at inference it uses those instead
# of the batch's statistics.

# %%
nnedu.show_source(BatchNormalization.forward)

# %%
bn = BatchNormalization(input_shape=(3,))
batch = np.random.default_rng(3).normal(loc=[5.0, -2.0, 0.0], scale=[2.0, 0.5, 10.0],
                                        size=(256, 3))
out_train = bn(batch, training=True)
gamma, beta, moving_mean, moving_var = bn.get_weights()
print("batch mean per feature:", batch.mean(axis=0).round(3))
print("output mean:", out_train.mean(axis=0).round(6), " output std:", out_train.std(axis=0).round(4))
print("moving mean after one batch:", moving_mean.round(4))
assert bn.momentum == 0.99 and bn.epsilon == 1e-3
assert np.allclose(out_train.mean(axis=0), 0, atol=1e-9)
assert np.allclose(out_train.std(axis=0), np.sqrt(batch.var(axis=0) / (batch.var(axis=0) + 1e-3)))
assert np.allclose(moving_mean, 0.01 * batch.mean(axis=0))          # 0.99 * 0 + 0.01 * mu
assert np.allclose(moving_var, 0.99 * 1.0 + 0.01 * batch.var(axis=0))

# %% [markdown]
# In training mode the output has mean 0 and standard deviation (almost exactly) 1 per
# feature; the $\varepsilon$ makes it a hair below 1. After one batch the moving mean
# has moved only 1 % of the way from 0 to the batch mean. Inference uses the moving
# statistics, so right after the start it gives quite different numbers; after a few
# thousand batches the moving averages have caught up ($0.99^{1000} \approx 4 \cdot 10^{-5}$
# of the starting value is left):

# %%
out_infer_early = bn(batch, training=False)
for _ in range(1000):
    bn(batch, training=True)
out_infer_late = bn(batch, training=False)
gap_early = np.abs(out_infer_early - out_train).max()
gap_late = np.abs(out_infer_late - out_train).max()
print(f"largest |inference - training| output: after 1 batch {gap_early:.2f}, "
      f"after 1,001 batches {gap_late:.4f}")
assert gap_early > 1.0 and gap_late < 0.01
assert np.isclose(0.99 ** 1000, 4.3e-5, rtol=0.01)    # what is left of the starting value

# %% [markdown]
# The backward pass has to account for $\mu$ and $\sigma^2$ depending on every $x_i$ of
# the batch, which is where the two sums come from (you write it in the exercises):

# %%
nnedu.show_source(BatchNormalization.backward)

# %% [markdown]
# Checked numerically:

# %%
report = check_layer(BatchNormalization(input_shape=(4,)),
                     np.random.default_rng(4).normal(size=(8, 4)))
print(report)
assert all(result.rel_error < 1e-7 for result in report.values())

# %% [markdown]
# **Layer normalization** is the per-sample cousin: it normalizes each example over its
# own features instead of each feature over the batch, so it works with a batch of one
# and is the same in training and inference (transformers use it). Batch norm on a
# batch of a single example in training mode has nothing to compare with: every
# $x_i - \mu$ is 0.

# %%
single = batch[:1]                                            # a batch of ONE example
bn_single = BatchNormalization(input_shape=(3,))(single, training=True)
layer_norm = (single - single.mean(axis=1, keepdims=True)) / np.sqrt(
    single.var(axis=1, keepdims=True) + 1e-3)                 # normalize over the features
print("batch norm, batch of one:", bn_single.round(3), "  layer norm:", layer_norm.round(3))
assert np.allclose(bn_single, 0.0) and not np.allclose(layer_norm, 0.0)

# %% [markdown]
# On the overfitting problem, batch normalization before each ReLU:

# %%
results["batch norm"] = train_and_measure(build_network(batch_norm=True), x_train, y_train)
print(f"batch norm: train {results['batch norm']['train']:.3f}, "
      f"validation {results['batch norm']['val']:.3f}")

# %% [markdown]
# ## 5. Data augmentation
#
# For images there is a way to get more data for free: transformations that do not
# change the label. A digit moved by two pixels, turned by ten degrees or with a little
# noise is still the same digit. **Data augmentation** trains on a fresh random variant of
# every training image in every epoch, so the network never sees exactly the same image
# twice and cannot memorize pixels.
#
# Two rules. The transformations must keep the label: a horizontal **flip** is right for
# photos of cats, but a mirrored 3 is no 3 (and a rotated 6 may be a 9). And augment the
# **training data only**: validation and test images must stay real, or they no longer
# measure how the model does on real data. nnedu.data has the four operations:

# %%
digit = x_train[:1]
variants = {
    "original": digit,
    "flipped (wrong for digits)": flip_horizontal(digit),
    "shifted 2 down, 3 left": shift_images(digit, 2, -3),
    "rotated 15°": rotate_images(digit, 15),
    "noise (std 0.2)": add_noise(digit, 0.2, seed=0),
    "random mix": augment_images(digit, seed=3, max_shift=2, max_degrees=10, noise=0.05),
}
fig, axes = style.new_figure(1, 6, figsize=(10.0, 2.4))
for ax, (name, image) in zip(axes, variants.items()):
    ax.imshow(image[0, :, :, 0], cmap="gray_r", vmin=0, vmax=1)
    ax.set_title(name, fontsize=10)
    ax.set_axis_off()
fig.suptitle("One training digit and label-preserving variants (28 × 28 pixels)", fontsize=12)
fig

# %%
assert np.array_equal(variants["flipped (wrong for digits)"][0, :, ::-1], digit[0])
assert np.array_equal(variants["shifted 2 down, 3 left"][0, 2:, :-3], digit[0, :-2, 3:])
assert np.isclose(variants["rotated 15°"].sum(), digit.sum(), rtol=0.05)   # ink kept
assert np.array_equal(digit, x_train[:1])                                  # input unchanged

# %% [markdown]
# A shift moves the pixels and fills the border with 0 (white); a rotation interpolates
# between the four nearest pixels and keeps nearly all the ink. The library code of the
# rotation:

# %%
nnedu.show_source(rotate_images)

# %% [markdown]
# On the overfitting problem: every epoch a new copy of the 300 training images, each
# shifted by up to 2 pixels and rotated by up to 10 degrees (no flips: these are digits).

# %%
def augment(x, seed):
    return augment_images(x, seed=seed, max_shift=2, max_degrees=10.0)


results["augmentation"] = train_and_measure(build_network(), x_train, y_train, augment=augment)
print(f"augmentation: train {results['augmentation']['train']:.3f}, "
      f"validation {results['augmentation']['val']:.3f}")

# %% [markdown]
# ## 6. All of them on the same problem
#
# Same data, same network, same 30 epochs; only the regularizer changes. Training accuracy
# is measured on the training images with their noisy labels (without dropout or
# augmentation), validation accuracy on 500 real, correctly labelled digits.

# %%
print(f"{'regularizer':<14}{'train acc':>10}{'val acc':>10}{'gap':>8}")
for name, r in results.items():
    print(f"{name:<14}{r['train']:>10.3f}{r['val']:>10.3f}{r['train'] - r['val']:>8.3f}")
val = {name: r["val"] for name, r in results.items()}
gap = {name: r["train"] - r["val"] for name, r in results.items()}
assert list(results) == ["none", "L2", "L1", "dropout", "batch norm", "augmentation"]
assert val["augmentation"] > val["none"] + 0.05 and val["dropout"] > val["none"] + 0.02
assert gap["augmentation"] < gap["none"] - 0.1 and gap["dropout"] < gap["none"] - 0.03
assert max(val, key=val.get) in ("augmentation", "dropout")
assert all(abs(val[name] - val["none"]) < 0.06 for name in ("L2", "L1", "batch norm"))
assert abs(results["augmentation"]["train"] - (1 - wrong_share)) < 0.12
assert all(results[name]["train"] > 0.99 for name in ("L2", "L1", "batch norm"))

# %% [markdown]
# What the table says, on this problem:
#
# - **Augmentation** helps most: validation accuracy rises by more than 5 points, and
#   the network no longer learns the noisy labels by heart: its training accuracy is
#   close to the share of training labels that are right (it learned the digits, not
#   the mistakes). It is the only method here that adds information (that digits may
#   move and turn).
# - **Dropout** is second: it shrinks the gap a little and raises validation accuracy by
#   a few points.
# - The small **L2** and **L1** penalties and **batch normalization** change validation
#   accuracy by only a few points either way; the network still memorizes every label
#   (training accuracy 100 %). Batch norm is mainly a tool for faster, more stable
#   training; its regularizing effect is small.
#
# The lesson is not "L2 is useless" (on other problems it is the first thing to try) but
# that a regularizer is a hypothesis to measure, on validation data, like any other
# choice. Several of them combine well (augmentation + dropout + a little L2 is a common
# recipe).
#
# ## 7. Explore: dropout and L2
#
# The explorer trains a much smaller network (2 → 32 → 32 → 1) on 30 noisy points of two
# interleaved "moons", with a dropout rate slider (the fraction of units dropped, as in
# Keras) and the L2 $\lambda$. Left: training and validation loss per step (the gap is
# overfitting); middle: the decision regions; right: the network with the units dropped
# in one training step greyed out. Try:
#
# - rate 0: the validation loss turns up while the training loss falls (memorization);
# - rate 0.5: a smoother boundary and a smaller gap; at 0.9 the network underfits;
# - L2 alone, then both.

# %%
explorer = viz.dropout_explorer(rate=0.5, l2=0.0)
explorer

# %% [markdown]
# ## Check your understanding
#
# 1. A model has 99 % training accuracy and 70 % validation accuracy. Would you first
#    add dropout, or collect more labelled data if you could?
#
# <details><summary>Answer</summary>
#
# More data, if it can be had: it is the most reliable cure for overfitting, and
# section 1 shows it. Regularizers are what you use when you cannot get more data (and
# they combine with it).
# </details>
#
# 2. `Dropout(0.3)`: what fraction of units is kept, and by what number are they
#    divided during training? What does the layer do at inference?
#
# <details><summary>Answer</summary>
#
# 70 % are kept (0.3 is the drop rate) and divided by 0.7, so the expected activation is
# unchanged. At inference the layer passes its input through untouched.
# </details>
#
# 3. Why may you not augment the validation images?
#
# <details><summary>Answer</summary>
#
# The validation set estimates the accuracy on real future inputs; transformed images
# are not what the model will see, so the estimate would be off (usually worse, with
# digits that were shifted out of the frame). Augmentation is a training trick.
# </details>
#
# ## Summary
#
# - Overfitting: more capacity than the data supports; the network memorizes the
#   training set, even wrong labels. More data is the best cure; regularization the next.
# - L2 adds $\lambda \sum W^2$ (gradient $2\lambda W$; textbooks' $\frac{\lambda}{2m}$ is the
#   same with another $\lambda$) and is weight decay for SGD; L1 adds $\lambda \sum |W|$
#   and gives sparse weights; the elastic net uses both. Biases are not penalized.
#   Max-norm caps each unit's weight vector.
# - Dropout keeps each unit with probability $p$ and divides kept units by $p$ (inverted
#   dropout), so the mean is unchanged and inference needs no dropout. Keras'
#   `Dropout(rate)` takes the drop rate $1 - p$; dividing by it is a bug. It trains an
#   ensemble of thinned networks.
# - Batch normalization normalizes each feature with the batch's mean and variance, then
#   scales by $\gamma$ and shifts by $\beta$ (learned); inference uses moving averages
#   (momentum 0.99, $\varepsilon = 10^{-3}$). Layer normalization normalizes each sample.
# - Augmentation (shifts, small rotations, noise; flips only where they keep the label)
#   on the training data only.
# - On our problem augmentation and dropout helped most; measure, don't assume.
#
# ## What's next
#
# Augmentation worked because it told the network something about images: that a digit
# may move. **10 · Convolutional networks** builds that knowledge into the architecture:
# layers that look at small patches and use the same weights everywhere in the image.

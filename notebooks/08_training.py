# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 08 · Training in practice: data, curves, initialization
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/nnedu-course/nnedu/blob/main/notebooks/08_training.ipynb) [![Open In Kaggle](https://kaggle.com/static/images/open-in-kaggle.svg)](https://kaggle.com/kernels/welcome?src=https://github.com/nnedu-course/nnedu/blob/main/notebooks/08_training.ipynb)
#
# A network that reaches a training loss of 0.001 may still be useless: what counts is
# how it does on data it has never seen. This chapter is about the craft around
# `fit`: how to split the data so that the numbers we report are honest, how to read
# learning curves, when to stop, what to do when one class is rare, how to choose
# hyperparameters without fooling ourselves, and why the very first values of the
# weights decide whether a deep network can learn at all.
#
# **After this lesson you can**
#
# - say what the training, validation and test sets are for, and split a data set;
# - read learning curves: overfitting (validation loss turns up while the training loss
#   keeps falling) and underfitting (both stay high), and name a remedy for each;
# - stop training early with patience and get the best weights back;
# - watch the curves live during `fit`, with a progress bar;
# - handle class imbalance with `class_weight` and per-class recall;
# - compare grid and random search on the validation set, touching the test set once;
# - initialize weights (zeros, normal, Glorot, He) and measure vanishing and exploding
#   gradients layer by layer;
# - tell supervised, unsupervised and semi-supervised learning apart, and explain the
#   curse of dimensionality.

# %% tags=["setup", "nbval-skip"]
# Setup: on Colab or Kaggle this installs nnedu; on your own machine it does nothing.
try:
    import nnedu
except ImportError:
    # %pip install -q "nnedu @ git+https://github.com/nnedu-course/nnedu"
    import nnedu

# %%
# %matplotlib inline
import math

import numpy as np

import nnedu
from nnedu import data, initializers, losses, tuning, viz
from nnedu.callbacks import EarlyStopping, LivePlot
from nnedu.layers import Dense
from nnedu.models import Sequential
from nnedu.optimizers import SGD, Adam
from nnedu.regularizers import L2
from nnedu.viz import style
from nnedu.viz.init import forward_activations, make_kernels

# %% [markdown]
# ## 1. Training, validation and test data
#
# We split the labelled data once, at random, into three parts with three jobs:
#
# - the **training set** is the only data that changes the weights (every gradient step
#   is computed on it);
# - the **validation set** chooses everything the gradient does not: the number of
#   epochs, the learning rate, the size of the network. Each time we pick the setting
#   with the best validation score we *fit* the validation set a little;
# - the **test set** is touched **once**, at the very end, to report how well the final
#   model does on new data. Used more often, it turns into a second validation set and
#   its score becomes optimistic.
#
# `nnedu.data.train_val_test_split` shuffles and cuts (with `stratify=True`, class by
# class, so that each part keeps the class proportions):

# %%
X_all, y_all = data.load_digits()
X_all = X_all / 16.0                     # pixel values 0..16 -> 0..1
x_train, y_train, x_val, y_val, x_test, y_test = data.train_val_test_split(
    X_all, y_all, val_fraction=0.2, test_fraction=0.2, seed=0, stratify=True)
print(f"{len(X_all)} digits -> train {len(x_train)}, validation {len(x_val)}, "
      f"test {len(x_test)}")
share = [np.bincount(part, minlength=10) / len(part) for part in (y_train, y_val, y_test)]
print("share of class 0 in each part:", np.round([s[0] for s in share], 3))
assert (len(x_train), len(x_val), len(x_test)) == (1079, 359, 359)
assert np.max(np.abs(share[0] - share[2])) < 0.01

# %% [markdown]
# The 1797 digits become 1079 for training and 359 each for validation and test, and
# every class has the same share (to within 1 %) in all three parts.
#
# ## 2. Learning curves: overfitting, live
#
# A **learning curve** is the loss (or accuracy) after every epoch, on the training and
# on the validation data. To see a model overfit, give a big network little data: a
# 64-256-256-10 network (83,000 weights) and only 60 training digits. The `LivePlot`
# callback redraws both curves after every epoch while `fit` runs (in Jupyter you watch
# them grow):

# %%
def wide_network(seed=0):
    return Sequential([Dense(256, activation="relu", input_shape=(64,), seed=seed),
                       Dense(256, activation="relu", seed=seed + 1),
                       Dense(10, activation="softmax", seed=seed + 2)])


few_x, few_y = x_train[:60], y_train[:60]
model = wide_network()
model.compile(optimizer=Adam(0.003), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
print(f"{model.count_params()} weights for {len(few_x)} training examples")
live = LivePlot()
history = model.fit(few_x, few_y, batch_size=20, epochs=50, verbose=0,
                    validation_data=(x_val, y_val), callbacks=[live], seed=0)

# %%
curves = history.history
train_loss, val_loss = np.array(curves["loss"]), np.array(curves["val_loss"])
turn = int(np.argmin(val_loss))
print(f"training loss: {train_loss[0]:.3f} -> {train_loss[-1]:.4f} (falls all the way)")
print(f"validation loss: lowest {val_loss[turn]:.3f} at epoch {turn + 1}, "
      f"then up to {val_loss[-1]:.3f}")
assert model.count_params() == 64 * 256 + 256 + 256 * 256 + 256 + 256 * 10 + 10 == 85002
assert train_loss[-1] < 0.01 and np.all(np.diff(train_loss[turn:]) < 0.05)
assert val_loss[-1] > 1.1 * val_loss[turn] and turn < 30
live.figure

# %% [markdown]
# This is **overfitting**: the training loss keeps falling towards 0 (the network learns
# the 60 examples by heart), while the validation loss reaches its lowest point early
# and then turns **up**. Some notes describe overfitting as the training loss
# "increasing": it does not, it keeps decreasing; what rises is the validation loss,
# and the growing gap between the two curves is the sign. Remedies: more data (or data
# augmentation), a smaller network, regularization (chapter 09), and stopping early.
#
# **Underfitting** is the opposite: the model cannot even fit its training data, so both
# losses stay high and close together. A network with a hidden layer of only 2 units
# is too small for ten classes:

# %%
tiny = Sequential([Dense(2, activation="relu", input_shape=(64,), seed=0),
                   Dense(10, activation="softmax", seed=1)])
tiny.compile(optimizer=Adam(0.003), loss="sparse_categorical_crossentropy")
tiny_curves = tiny.fit(few_x, few_y, batch_size=20, epochs=50, verbose=0,
                       validation_data=(x_val, y_val), seed=0).history
fig, (ax_over, ax_under) = style.new_figure(1, 2, figsize=(10, 3.6), sharey=True)
for ax, c, title in [(ax_over, curves, "Overfitting: 64-256-256-10, 60 examples"),
                     (ax_under, tiny_curves, "Underfitting: 64-2-10")]:
    epochs = np.arange(1, len(c["loss"]) + 1)
    ax.plot(epochs, c["loss"], color=style.ROLE["train"], label="training")
    ax.plot(epochs, c["val_loss"], color=style.ROLE["validation"], label="validation")
    style.apply(ax, title=title, xlabel="epoch")
ax_over.set_ylabel("cross-entropy")
ax_over.legend(loc="upper right")
print(f"underfitting: training loss {tiny_curves['loss'][-1]:.2f}, "
      f"validation loss {tiny_curves['val_loss'][-1]:.2f}")
assert tiny_curves["loss"][-1] > 1.5 and tiny_curves["val_loss"][-1] > 1.5
fig

# %% [markdown]
# Both losses stay above 1.5 (an untrained guess among ten classes scores
# $\log 10 \approx 2.3$). Remedies for underfitting: a bigger network, more epochs, a
# better learning rate, less regularization.
#
# While training, `fit` also shows a **progress bar** (the default `verbose="auto"`),
# with the running loss of the epoch; `verbose=2` prints one line per epoch instead:

# %%
quick = wide_network()
quick.compile(optimizer=Adam(0.003), loss="sparse_categorical_crossentropy")
quick_history = quick.fit(x_train, y_train, batch_size=64, epochs=2,
                          validation_data=(x_val, y_val), seed=0)
assert len(quick_history.history["loss"]) == 2

# %% [markdown]
# ## 3. Early stopping
#
# If the validation loss turns up, the weights at its lowest point were the best ones we
# had. **Early stopping** watches the validation loss after every epoch, counts the
# epochs without improvement, stops after `patience` of them, and (with
# `restore_best_weights=True`) puts the best weights back:

# %%
nnedu.show_source(EarlyStopping.on_epoch_end)

# %%
model = wide_network()
model.compile(optimizer=Adam(0.003), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
stopper = EarlyStopping(monitor="val_loss", patience=5, restore_best_weights=True)
stopped = model.fit(few_x, few_y, batch_size=20, epochs=50, verbose=0,
                    validation_data=(x_val, y_val), callbacks=[stopper], seed=0).history
restored_loss, restored_accuracy = model.evaluate(x_val, y_val, batch_size=len(x_val))
print(f"stopped after epoch {stopper.stopped_epoch + 1} of 50; best epoch "
      f"{stopper.best_epoch + 1}, validation loss {stopper.best:.3f}")
print(f"the model now has the best epoch's weights: validation loss {restored_loss:.3f}")
assert len(stopped["loss"]) == stopper.stopped_epoch + 1 == stopper.best_epoch + 1 + 5
assert stopper.best_epoch == turn
assert math.isclose(restored_loss, stopper.best, rel_tol=1e-9)
assert math.isclose(restored_loss, val_loss.min(), rel_tol=1e-9)

# %% [markdown]
# Training stopped 5 epochs after the best one, instead of running all 50, and the
# model holds the weights of the best epoch (the same epoch, and the same validation
# loss, as the lowest point of the curve above). Exercise 2 writes this logic.
#
# ## 4. Class imbalance
#
# When one class is rare, accuracy misleads. Two overlapping clouds of points, 95 % of
# class 0 and 5 % of class 1: a model that always says "class 0" is 95 % accurate and
# useless for finding class 1. The measure to look at is the **recall** of each class:
# of the examples of class $k$, the fraction the model labels $k$.

# %%
X_pts, y_pts = data.make_blobs(n_samples=2000, centers=2, noise=1.5, seed=0)
keep = np.r_[np.flatnonzero(y_pts == 0)[:950], np.flatnonzero(y_pts == 1)[:50]]
X_pts, y_pts = X_pts[keep], y_pts[keep]
xp_train, yp_train, xp_val, yp_val, _, _ = data.train_val_test_split(
    X_pts, y_pts, val_fraction=0.3, test_fraction=0.0, seed=0, stratify=True)
always_zero = np.zeros_like(yp_val)
print(f"class 1 is {np.mean(y_pts == 1):.0%} of the data; "
      f"always answering 0 is {np.mean(always_zero == yp_val):.0%} accurate, with recall "
      f"{tuning.per_class_recall(yp_val, always_zero)}")
assert np.mean(always_zero == yp_val) == 0.95

# %% [markdown]
# The cure is to **weight the loss per class**, so that a mistake on a rare example costs
# more. Keras' `fit` takes `class_weight={class: weight}`, and so does nnedu's. A
# common choice, `balanced_class_weight`, gives class $k$ the weight
# $N / (K \cdot N_k)$, so that every class adds the same total weight to the loss:

# %%
weights = tuning.balanced_class_weight(yp_train)
print("balanced class weights:", {k: round(v, 3) for k, v in weights.items()})
results = {}
for name, class_weight in [("unweighted", None), ("class_weight", weights)]:
    clf = Sequential([Dense(2, activation="softmax", input_shape=(2,), seed=0)])
    clf.compile(optimizer=Adam(0.05), loss="sparse_categorical_crossentropy")
    clf.fit(xp_train, yp_train, batch_size=32, epochs=30, verbose=0, seed=0,
            class_weight=class_weight)
    predicted = clf.predict(xp_val).argmax(axis=1)
    results[name] = (np.mean(predicted == yp_val), tuning.per_class_recall(yp_val, predicted))
    print(f"{name:12s}: accuracy {results[name][0]:.3f}, recall per class "
          f"{results[name][1].round(2)}")
assert math.isclose(weights[1], len(yp_train) / (2 * np.sum(yp_train == 1)))
assert results["unweighted"][1][1] < 0.6 < 0.8 < results["class_weight"][1][1]
assert results["class_weight"][0] < results["unweighted"][0]

# %% [markdown]
# Without weights the model finds fewer than 60 % of the rare class; weighted, more than
# 80 %. Its accuracy *drops* (it now labels some class-0 points as class 1), which is
# the right trade when missing a rare case is expensive (a disease, a fraud). Report
# per-class recall (or a confusion matrix), never accuracy alone, on imbalanced data.

# %%
nnedu.show_source(tuning.per_class_recall)

# %% [markdown]
# ## 5. Choosing hyperparameters: grid or random search
#
# The learning rate, the network size, the strength of a penalty: the gradient does not
# set them, the validation set does. Two ways to try settings of two hyperparameters,
# here the learning rate of SGD and the L2 penalty $\lambda$ (chapter 09) of a 64-32-10
# network trained for 5 epochs:
#
# - **grid search** tries every combination of a few values of each (3 x 3 = 9 runs);
# - **random search** draws 9 settings at random, the learning rate and $\lambda$
#   uniform on a log axis.
#
# Both train on the training set only and score each setting by its **validation**
# loss.

# %%
def validation_loss(learning_rate, l2):
    """Train 64-32-10 with SGD(learning_rate) and an L2(l2) penalty; the validation loss."""
    penalty = L2(l2) if l2 > 0 else None
    net = Sequential([Dense(32, activation="relu", input_shape=(64,), seed=0,
                            kernel_regularizer=penalty),
                      Dense(10, activation="softmax", seed=1)])
    net.compile(optimizer=SGD(learning_rate), loss="sparse_categorical_crossentropy")
    net.fit(x_train, y_train, batch_size=32, epochs=5, verbose=0, seed=0)
    return net.evaluate(x_val, y_val, batch_size=len(x_val))


grid = tuning.grid_search(validation_loss, {"learning_rate": [0.01, 0.1, 1.0],
                                            "l2": [1e-5, 1e-3, 1e-1]})
randomly = tuning.random_search(validation_loss, {"learning_rate": (0.01, 1.0, "log"),
                                                  "l2": (1e-5, 1e-1, "log")},
                                n_trials=9, seed=0)
fig, ax = style.new_figure(figsize=(7.5, 4.0))
for results_, marker, name in [(grid, "s", "grid"), (randomly, "o", "random")]:
    lr_values = [r["params"]["learning_rate"] for r in results_]
    l2_values = [r["params"]["l2"] for r in results_]
    scores = [r["score"] for r in results_]
    points = ax.scatter(lr_values, l2_values, c=scores, cmap="viridis_r", marker=marker, s=80,
                        vmin=0, vmax=2.3, edgecolors="black", label=name)
fig.colorbar(points, ax=ax, label="validation loss")
ax.set_xscale("log")
ax.set_yscale("log")
style.apply(ax, title="9 grid points (squares) and 9 random points (circles)",
            xlabel="learning rate (log scale)", ylabel="L2 lambda (log scale)")
ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.15), ncol=2)
for name, results_ in [("grid", grid), ("random", randomly)]:
    distinct = len({r["params"]["learning_rate"] for r in results_})
    print(f"{name:6s}: best {results_[0]['params']} -> validation loss "
          f"{results_[0]['score']:.3f}; {distinct} different learning rates tried")
assert len({r["params"]["learning_rate"] for r in grid}) == 3
assert len({r["params"]["learning_rate"] for r in randomly}) == 9
assert abs(grid[0]["score"] - randomly[0]["score"]) < 0.05
fig

# %% [markdown]
# The grid tried only 3 learning rates, each three times (with different $\lambda$);
# random search tried 9 different learning rates with the same budget. When one
# hyperparameter matters much more than the other (here the learning rate), random
# search explores it far better (Bergstra and Bengio, 2012). Here both land in the good
# region (their best validation losses are within 0.05 of each other); with more
# hyperparameters, of which only one or two matter, the grid falls behind quickly. In practice: random
# search on log scales first, then a finer search around the best region.
#
# Only now, with the setting chosen, do we touch the test set, **once**: train the
# chosen setting and report its test loss and accuracy.

# %%
best = min([grid[0], randomly[0]], key=lambda r: r["score"])
chosen = best["params"]
final = Sequential([Dense(32, activation="relu", input_shape=(64,), seed=0,
                          kernel_regularizer=L2(chosen["l2"])),
                    Dense(10, activation="softmax", seed=1)])
final.compile(optimizer=SGD(chosen["learning_rate"]), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
final.fit(x_train, y_train, batch_size=32, epochs=5, verbose=0, seed=0)
test_loss, test_accuracy = final.evaluate(x_test, y_test, batch_size=len(x_test))
print(f"chosen on validation: {chosen}; validation loss {best['score']:.3f}")
print(f"test set, used once: loss {test_loss:.3f}, accuracy {test_accuracy:.3f}")
assert test_accuracy > 0.9

# %% [markdown]
# ## 6. Initialization: the first weights matter
#
# Gradient descent needs a starting point. Three bad ones and two good ones.
#
# **All zeros.** Every hidden unit computes the same number, receives the same gradient
# and takes the same step: the units are identical copies and stay so, whatever the
# training (the *symmetry* never breaks). With zeros even the gradients of the hidden
# layer are 0; with any other constant they are equal. Start a 64-8-10 network with
# every hidden weight 0.1 and train it:

# %%
zero = Sequential([Dense(8, activation="tanh", input_shape=(64,), kernel_initializer="zeros"),
                   Dense(10, activation="softmax", kernel_initializer="zeros")])
zero.compile(optimizer=SGD(0.1), loss="sparse_categorical_crossentropy")
zero.fit(x_train, y_train, batch_size=32, epochs=5, verbose=0, seed=0)
print("zeros: hidden kernel after 5 epochs is still all 0:",
      bool(np.all(zero.layers[0].get_weights()[0] == 0)))
assert np.all(zero.layers[0].get_weights()[0] == 0)

sym = Sequential([Dense(8, activation="tanh", input_shape=(64,), seed=0),
                  Dense(10, activation="softmax", seed=1)])
sym.set_weights([np.full((64, 8), 0.1), np.zeros(8), np.full((8, 10), 0.1), np.zeros(10)])
sym.compile(optimizer=SGD(0.1), loss="sparse_categorical_crossentropy")
sym.fit(x_train, y_train, batch_size=32, epochs=5, verbose=0, seed=0)
kernel = sym.layers[0].get_weights()[0]
hidden = sym.layers[0](x_val[:5])
print("hidden activations of 5 digits after training (one row per digit):")
print(hidden.round(3))
assert np.allclose(kernel, kernel[:, :1]) and np.allclose(hidden, hidden[:, :1])
assert not np.allclose(kernel, 0.1)   # the weights did change, all in the same way

# %% [markdown]
# Five epochs later the 8 hidden units still compute exactly the same number for every
# digit: the network has one hidden unit, copied 8 times. Random initial weights break
# the symmetry.
#
# **Random, but how large?** Take a deep network, 10 layers of 100 units, and send a
# batch of inputs $x \sim \mathcal N(0, 1)$ through it. With standard normal weights
# each unit sums 100 terms of variance 1, so its input has variance about 100: tanh
# saturates at $\pm 1$ (where its gradient is 0) and ReLU's activations grow by a factor
# of about $\sqrt{100/2} \approx 7$ per layer and explode.

# %%
x_batch = np.random.default_rng(0).normal(size=(200, 100))
spread = {}
for name, init, activation in [("normal(0, 1), tanh", "random_normal", "tanh"),
                               ("normal(0, 1), relu", "random_normal", "relu"),
                               ("glorot_uniform, tanh", "glorot_uniform", "tanh"),
                               ("he_normal, relu", "he_normal", "relu")]:
    layers = forward_activations(x_batch, make_kernels(init, 10, 100, stddev=1.0), activation)
    spread[name] = [float(a.std()) for a in layers]
    saturated = np.mean(np.abs(layers[-1]) > 0.99) if activation == "tanh" else float("nan")
    print(f"{name:22s}: std of layers 1, 5, 10 = "
          f"{', '.join(f'{spread[name][i]:.3g}' for i in (0, 4, 9))}"
          + (f"; saturated units in layer 10: {saturated:.0%}" if activation == "tanh" else ""))
growth = np.array(spread["normal(0, 1), relu"][1:]) / np.array(spread["normal(0, 1), relu"][:-1])
assert np.all((growth > 5) & (growth < 10))
assert 0.2 < spread["glorot_uniform, tanh"][-1] < 0.7
assert 0.3 < spread["he_normal, relu"][-1] / spread["he_normal, relu"][0] < 3

# %% [markdown]
# The fix is to scale the weights by the number of inputs of a unit, $n_{in}$ (its
# *fan-in*), so that the variance of the signal stays the same from layer to layer:
#
# - **Xavier/Glorot** (for tanh and sigmoid): $\operatorname{Var}(W) = 1/n_{in}$ keeps
#   the forward signal steady, $1/n_{out}$ the backward one; the compromise is
#   $\operatorname{Var}(W) = 2/(n_{in} + n_{out})$. As a uniform distribution on
#   $[-\ell, \ell]$ (variance $\ell^2/3$) that is the limit
#   $\ell = \sqrt{6/(n_{in} + n_{out})}$. **`glorot_uniform` is the Keras default** for
#   every `Dense` kernel (and nnedu's);
# - **He** (for ReLU, which zeroes half of its inputs, halving the variance):
#   $\operatorname{Var}(W) = 2/n_{in}$.
#
# The library's initializers, measured on a $400 \times 600$ kernel:

# %%
n_in, n_out = 400, 600
measured = {name: float(initializers.get(name)((n_in, n_out), seed=0).var())
            for name in ("glorot_uniform", "glorot_normal", "he_normal", "he_uniform",
                         "lecun_normal")}
formula = {"glorot_uniform": 2 / (n_in + n_out), "glorot_normal": 2 / (n_in + n_out),
           "he_normal": 2 / n_in, "he_uniform": 2 / n_in, "lecun_normal": 1 / n_in}
for name in measured:
    print(f"{name:15s}: variance {measured[name]:.5f}, formula {formula[name]:.5f}")
w = initializers.glorot_uniform((n_in, n_out), seed=0)
limit = math.sqrt(6 / (n_in + n_out))
print(f"glorot_uniform: largest |w| {np.abs(w).max():.4f} <= limit {limit:.4f}")
assert all(abs(measured[k] / formula[k] - 1) < 0.02 for k in measured)
assert np.abs(w).max() <= limit and math.isclose(formula["glorot_uniform"], 0.002)
assert math.isclose(formula["he_normal"], 0.005)
assert Dense(3).kernel_initializer is initializers.glorot_uniform

# %% [markdown]
# Glorot: $2/(400 + 600) = 0.002$, He: $2/400 = 0.005$, LeCun (the $1/n_{in}$ form):
# 0.0025, each within 2 % in the measurement, and the uniform Glorot weights never
# exceed $\sqrt{6/1000} \approx 0.0775$.
#
# ### Vanishing and exploding gradients, layer by layer
#
# The same thing happens to the gradients on the way back. Build a 10-layer network,
# send one batch forward and the loss gradient back layer by layer (each layer's
# `backward`, chapter 06), and measure the size of the gradient that reaches each
# layer, $\partial L / \partial a$ for the layer's input $a$:

# %%
ce = losses.get("sparse_categorical_crossentropy")


def gradient_sizes(activation, initializer, scale=1.0, depth=10):
    """||dL/da|| at the input of every hidden layer (layer 1 first), for one batch."""
    net = Sequential([Dense(64, activation=activation, kernel_initializer=initializer,
                            input_shape=(64,) if i == 0 else None, seed=i)
                      for i in range(depth)] + [Dense(10, activation="softmax", seed=99)])
    net.set_weights([w * scale if w.ndim == 2 else w for w in net.get_weights()])
    out = net.forward(x_train[:128], training=True)
    grad, sizes = ce.gradient(y_train[:128], out), []
    for layer in reversed(net.layers):
        grad = layer.backward(grad)
        sizes.append(float(np.linalg.norm(grad)))
    return np.array(sizes[::-1][:depth])


sizes = {"sigmoid, glorot_uniform": gradient_sizes("sigmoid", "glorot_uniform"),
         "tanh, glorot_uniform": gradient_sizes("tanh", "glorot_uniform"),
         "relu, he_normal": gradient_sizes("relu", "he_normal"),
         "relu, 2 x he_normal": gradient_sizes("relu", "he_normal", scale=2.0)}
fig, ax = style.new_figure(figsize=(7.5, 3.8))
for i, (name, values) in enumerate(sizes.items()):
    ax.plot(np.arange(1, 11), values, "-o", color=style.color(i), label=name)
ax.set_yscale("log")
style.apply(ax, title="Size of the gradient reaching each layer (one batch)",
            xlabel="layer (1 = next to the input)", ylabel="||dL/da|| (log scale)")
ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
ratio = {name: values[0] / values[-1] for name, values in sizes.items()}
print({name: f"{value:.2g}" for name, value in ratio.items()}, "(layer 1 / layer 10)")
assert ratio["sigmoid, glorot_uniform"] < 3.5 ** -9   # vanishing, > 3.5x per layer
assert 0.2 < ratio["tanh, glorot_uniform"] < 5 and 0.2 < ratio["relu, he_normal"] < 5
assert 1.5 < ratio["relu, 2 x he_normal"] ** (1 / 9) < 2.5   # exploding, ~2x per layer
fig

# %% [markdown]
# With sigmoid units the gradient shrinks by a factor of more than 3.5 per layer on
# the way back (the sigmoid's slope is at most 1/4): the first layers hardly learn, the
# **vanishing gradient**. Glorot with tanh and He with ReLU keep it about level; the
# same He weights doubled make it grow about twofold per layer, the **exploding
# gradient**. Good initialization (and ReLU-like activations, normalization layers and
# residual connections, later) is what makes deep networks trainable.
#
# ## 7. Explore: the initialization explorer
#
# Choose the depth, the initializer (and the scale of `random_normal`) and the
# activation; each ridge is the histogram of one layer's activations, layer 1 at the
# top. Try zeros, random_normal with scale 1 for tanh and for relu, then glorot_uniform
# with tanh and he_normal with relu.

# %%
init_explorer = viz.init_explorer(depth=10, initializer="random_normal", activation="tanh",
                                  scale=1.0)
init_explorer

# %% [markdown]
# ## 8. Kinds of learning, and the curse of dimensionality
#
# **Supervised learning** learns a mapping from inputs to given targets: every training
# example comes with its label (all of this course so far: digits with their class).
#
# **Unsupervised learning** has inputs only and looks for structure in them: clusters of
# similar examples, a few directions that explain most of the variation (PCA), a
# compressed code from which the input can be rebuilt (an autoencoder, chapter 12).
#
# **Semi-supervised learning** has a few labelled examples and many unlabelled ones. The
# simplest recipe is **pseudo-labelling**: train on the labelled examples, let the model
# label the unlabelled ones, keep the labels it is most confident about, and train
# again on both.
#
# Finally a warning about high-dimensional inputs. Draw 500 random points in a unit cube
# and look at the distances from one point to the others: as the dimension grows, the
# nearest and the farthest point end up almost equally far away. "Near" loses its
# meaning, and the amount of data needed to cover the space grows exponentially: the
# **curse of dimensionality**.

# %%
rng = np.random.default_rng(0)
dims = [2, 10, 100, 1000]
contrast = {}
fig, ax = style.new_figure(figsize=(7.5, 3.6))
for i, d in enumerate(dims):
    cloud = rng.uniform(size=(501, d))
    dist = np.linalg.norm(cloud[1:] - cloud[0], axis=1)
    contrast[d] = float((dist.max() - dist.min()) / dist.min())
    ax.hist(dist / dist.mean(), bins=40, range=(0, 2), histtype="step", lw=1.8,
            color=style.color(i), label=f"d = {d}")
style.apply(ax, title="Distances from one point to 500 others, divided by their mean",
            xlabel="distance / mean distance", ylabel="number of points")
ax.legend(loc="upper left")
print({d: round(c, 2) for d, c in contrast.items()}, "= (farthest - nearest) / nearest")
assert contrast[2] > 10 * contrast[100] and contrast[10] > contrast[100] > contrast[1000]
assert contrast[2] > 10 and contrast[1000] < 0.15
fig

# %% [markdown]
# In 2 dimensions the farthest point is more than ten times farther than the nearest; in
# 1000 dimensions it is less than 15 % farther: all 500 distances are nearly the same. Real images are
# not random points (they lie near much lower-dimensional surfaces), which is why
# learning from them works at all.
#
# ## Check your understanding
#
# 1. You tuned the learning rate by looking at test accuracy after each run. What is
#    wrong with the test accuracy you report?
#
# <details><summary>Answer</summary>
#
# It is optimistic: the learning rate was chosen to make that very number high, so the
# test set has become a validation set. Choose on a validation set and report the test
# score of the final model once.
# </details>
#
# 2. Training loss 0.02 and falling, validation loss 0.9 and rising. Diagnosis and two
#    remedies?
#
# <details><summary>Answer</summary>
#
# Overfitting. Stop earlier (early stopping with the best weights), get more data or
# augment it, use a smaller network or regularization (weight decay, dropout).
# </details>
#
# 3. Why not initialize all weights to zero, and why does ReLU get a variance of
#    $2/n_{in}$ rather than $1/n_{in}$?
#
# <details><summary>Answer</summary>
#
# With equal weights every hidden unit computes and learns the same thing, so the
# layer acts as a single unit. ReLU sets the negative half of its inputs to zero, which
# halves the second moment of the signal at each layer; doubling the weights' variance
# makes up for it.
# </details>
#
# ## Summary
#
# - The training set updates the weights, the validation set chooses hyperparameters
#   and the epoch to stop at, the test set is used once at the end.
# - Overfitting: training loss keeps falling, validation loss turns up. Underfitting:
#   both stay high. `LivePlot` draws the curves during `fit`; `EarlyStopping(patience,
#   restore_best_weights=True)` stops and keeps the best weights.
# - On imbalanced classes look at per-class recall; `class_weight` (e.g. balanced,
#   $N/(K N_k)$) trades accuracy for the recall of the rare class.
# - Random search explores the important hyperparameter better than a grid of the same
#   size; both are scored on the validation set.
# - Zeros never break the symmetry; large normal weights saturate or explode;
#   Glorot ($2/(n_{in}+n_{out})$, limit $\sqrt{6/(n_{in}+n_{out})}$, Keras' default) and
#   He ($2/n_{in}$, for ReLU) keep activations and gradients level through the layers.
#
# ## What's next
#
# The wide network above overfits 60 digits. **09 · Regularization** fights that
# directly: weight penalties, dropout, data augmentation and batch normalization.

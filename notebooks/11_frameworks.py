# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 11 · From scratch to frameworks (and the GPU)
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/nnedu-course/nnedu/blob/main/notebooks/11_frameworks.ipynb) [![Open In Kaggle](https://kaggle.com/static/images/open-in-kaggle.svg)](https://kaggle.com/kernels/welcome?src=https://github.com/nnedu-course/nnedu/blob/main/notebooks/11_frameworks.ipynb)
#
# Ten chapters built every part of a neural network by hand: the neuron, activations,
# losses, the chain rule, backpropagation, optimizers, regularization and convolution.
# The frameworks used in research and industry, Keras and PyTorch, contain the same
# parts. This chapter puts nnedu next to them, call by call and weight by weight, so that
# what you learned carries over unchanged; shows how the same code runs on a GPU; and
# reuses a trained network for a new task (transfer learning), which is how most real
# projects start.
#
# **After this lesson you can**
#
# - translate an nnedu model into Keras and PyTorch and back: every call
#   (`compile`, `fit`, `evaluate`, `predict`, `summary`) and every weight layout;
# - check that a GPU is present on Colab or Kaggle, switch nnedu to it, and say what
#   speed-up to expect and why small networks gain little;
# - freeze the convolutions of a trained CNN, give it a new head and fine-tune it on a
#   new task, and say when transfer beats training from scratch;
# - tell the two ways of reusing a network apart: bottleneck features (computed once)
#   and fine-tuning (the top layers unfrozen with a smaller learning rate);
# - name the families of networks that come next (RNN/LSTM, autoencoders, GANs,
#   transformers) and where to read about them.

# %% tags=["setup", "nbval-skip"]
# Setup: on Colab or Kaggle this installs nnedu; on your own machine it does nothing.
try:
    import nnedu
except ImportError:
    # %pip install -q "nnedu @ git+https://github.com/nnedu-course/nnedu"
    import nnedu

# %%
# %matplotlib inline
import importlib.util
import os
import time

import numpy as np

import nnedu
from nnedu import backend, viz
from nnedu.data import load_digits, train_val_test_split
from nnedu.layers import Conv2D, Dense, Flatten, MaxPooling2D
from nnedu.viz import style

# Keras and PyTorch are optional: the framework cells below run only where they are
# installed (`pip install "nnedu[frameworks]"`, or Colab and Kaggle, which have both).
HAVE_TORCH = importlib.util.find_spec("torch") is not None
HAVE_KERAS = importlib.util.find_spec("keras") is not None
if HAVE_KERAS and HAVE_TORCH:
    os.environ.setdefault("KERAS_BACKEND", "torch")   # Keras 3 on PyTorch, like the tests
print(f"PyTorch installed: {HAVE_TORCH}; Keras installed: {HAVE_KERAS}")
if not (HAVE_TORCH and HAVE_KERAS):
    print('To run the framework cells: pip install "nnedu[frameworks]" (torch and keras), '
          "then restart the kernel.")

# %% [markdown]
# ## 1. One model, three libraries
#
# The task: the 8x8 handwritten digits that ship with nnedu (1,797 images), pixels
# scaled to $[0, 1]$, and a network with one hidden layer of 32 ReLU units and a softmax
# output over the 10 digits, trained by Adam (learning rate 0.01) for 20 epochs of
# batches of 64. First in nnedu, as in every chapter so far:

# %%
X, y = load_digits()
X = X / 16.0                                         # pixels 0..16 -> 0..1
x_train, y_train, x_val, y_val, x_test, y_test = train_val_test_split(
    X, y, val_fraction=0.0, test_fraction=0.2, seed=0, stratify=True)
print("train", x_train.shape, "test", x_test.shape)

nnedu.layers.reset_names()
ours = nnedu.Sequential([
    Dense(32, activation="relu", input_shape=(64,)),
    Dense(10, activation="softmax"),
])
ours.compile(optimizer=nnedu.optimizers.Adam(learning_rate=0.01),
             loss="sparse_categorical_crossentropy", metrics=["accuracy"])
ours.summary()
start = time.perf_counter()
ours.fit(x_train, y_train, batch_size=64, epochs=20, verbose=0, seed=0)
ours_seconds = time.perf_counter() - start
ours_loss, ours_acc = ours.evaluate(x_test, y_test, verbose=0)
print(f"nnedu: test accuracy {ours_acc:.3f} after 20 epochs ({ours_seconds:.2f} s)")
assert ours.count_params() == 64 * 32 + 32 + 32 * 10 + 10 == 2410
assert ours_acc > 0.9

# %% [markdown]
# The same model in **Keras** is the same text with `keras.` in front: the layer names,
# the arguments, the strings for the optimizer and the loss, and the table printed by
# `summary()` are those nnedu copied. Only the input is declared with `keras.Input`
# instead of `input_shape=`, which Keras 3 prefers (nnedu accepts both).

# %%
if HAVE_KERAS:
    import keras

    keras.utils.set_random_seed(0)
    theirs = keras.Sequential([
        keras.Input(shape=(64,)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    theirs.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                   loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    theirs.summary()
    start = time.perf_counter()
    theirs.fit(x_train, y_train, batch_size=64, epochs=20, verbose=0)
    keras_seconds = time.perf_counter() - start
    keras_loss, keras_acc = theirs.evaluate(x_test, y_test, verbose=0)
    print(f"Keras ({keras.backend.backend()} backend): test accuracy {keras_acc:.3f} "
          f"({keras_seconds:.2f} s)")
    assert theirs.count_params() == ours.count_params() == 2410
    assert abs(keras_acc - ours_acc) < 0.05         # different random starts, same quality
else:
    print("Keras is not installed here: this cell would build the same model in Keras.")

# %% [markdown]
# **PyTorch** has no `compile` or `fit`: you write the training loop yourself, which by
# now is the loop you know from chapters 06 and 07 (forward, loss, backward, step). Its
# `nn.Linear` is our `Dense`; `nn.CrossEntropyLoss` takes **logits** and integer labels
# and applies the softmax itself (the fused, stable form of chapter 04), so the network
# ends without a softmax.

# %%
if HAVE_TORCH:
    import torch
    from torch import nn

    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    optimizer = torch.optim.Adam(net.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    xt = torch.tensor(x_train, dtype=torch.float32)
    yt = torch.tensor(y_train, dtype=torch.long)
    generator = torch.Generator().manual_seed(0)
    start = time.perf_counter()
    for epoch in range(20):
        order = torch.randperm(len(xt), generator=generator)
        for i in range(0, len(xt), 64):                     # one mini-batch of 64
            batch = order[i:i + 64]
            optimizer.zero_grad()                           # gradients accumulate otherwise
            loss = loss_fn(net(xt[batch]), yt[batch])       # forward + loss
            loss.backward()                                 # backward
            optimizer.step()                                # update
    torch_seconds = time.perf_counter() - start
    with torch.no_grad():
        logits = net(torch.tensor(x_test, dtype=torch.float32))
    torch_acc = float((logits.argmax(dim=1).numpy() == y_test).mean())
    torch_params = sum(p.numel() for p in net.parameters())
    print(f"PyTorch: test accuracy {torch_acc:.3f} ({torch_seconds:.2f} s), "
          f"{torch_params} parameters")
    assert torch_params == ours.count_params() == 2410
    assert abs(torch_acc - ours_acc) < 0.05
else:
    print("PyTorch is not installed here: this cell would train the same model in PyTorch.")

# %% [markdown]
# ### Every call, one to one
#
# | what | nnedu | Keras | PyTorch |
# |---|---|---|---|
# | a dense layer | `Dense(32, activation="relu")` | `keras.layers.Dense(32, activation="relu")` | `nn.Linear(64, 32)`, `nn.ReLU()` |
# | the model | `nnedu.Sequential([...])` | `keras.Sequential([...])` | `nn.Sequential(...)` |
# | the table | `model.summary()` | `model.summary()` | `print(net)`; count with `p.numel()` |
# | choose the training | `model.compile(optimizer, loss, metrics)` | `model.compile(...)` | make `torch.optim.Adam(...)` and a loss object |
# | train | `model.fit(x, y, batch_size, epochs)` | `model.fit(...)` | your loop: `zero_grad`, forward, loss, `backward`, `step` |
# | measure | `model.evaluate(x, y)` | `model.evaluate(x, y)` | a loop under `torch.no_grad()` |
# | predict | `model.predict(x)` | `model.predict(x)` | `net(x)` under `torch.no_grad()` |
# | the weights | `model.get_weights()` | `model.get_weights()` | `net.state_dict()` |
# | images | (N, H, W, C) | (N, H, W, C) | (N, C, H, W) |
#
# ### The same weights give the same numbers
#
# The three libraries compute the same function. To see it, copy nnedu's trained weights
# into the other two and compare their predictions. Keras stores a Dense kernel as
# (inputs, units), exactly as nnedu does; PyTorch's `nn.Linear` stores its weight as
# (units, inputs), the **transpose**, and computes $x W^\top + b$.

# %%
kernel, bias = ours.layers[0].get_weights()
print("nnedu Dense kernel:", kernel.shape, " bias:", bias.shape)
ours_probs = ours.predict(x_test)
if HAVE_KERAS:
    theirs.set_weights(ours.get_weights())           # the same list, the same order
    keras_probs = np.asarray(theirs.predict(x_test, verbose=0), dtype=np.float64)
    keras_gap = np.abs(keras_probs - ours_probs).max()
    print(f"Keras with nnedu's weights: largest difference in a probability {keras_gap:.1e}")
    assert keras_gap < 1e-5                           # float32 in Keras vs float64 here
if HAVE_TORCH:
    with torch.no_grad():
        for torch_layer, layer in zip([net[0], net[2]], ours.layers):
            k, b = layer.get_weights()
            torch_layer.weight.copy_(torch.tensor(k.T))   # (in, units) -> (units, in)
            torch_layer.bias.copy_(torch.tensor(b))
        torch_probs = torch.softmax(net(torch.tensor(x_test, dtype=torch.float32)), dim=1)
    torch_gap = np.abs(torch_probs.numpy() - ours_probs).max()
    print(f"PyTorch with nnedu's weights (kernel transposed): largest difference {torch_gap:.1e}")
    assert torch_gap < 1e-5

# %% [markdown]
# The differences are round-off: Keras and PyTorch compute in float32 by default, nnedu
# in float64 (`nnedu.config.set_floatx("float32")` switches it). Forget the transpose
# and PyTorch refuses the copy, since (64, 32) is not (32, 64); with a square layer it
# would silently compute something else, which is why the exercises practise it.

# %% [markdown]
# ## 2. The GPU
#
# A GPU runs thousands of multiply-adds at once. The large matrix products of a network
# (a Dense layer on a batch, a convolution as im2col + one product, chapter 10) are
# exactly what it is good at.
#
# - **Colab**: *Runtime → Change runtime type → T4 GPU* (or another GPU), then run
#   the notebook again from the top.
# - **Kaggle**: *Settings → Accelerator → GPU*.
# - **Check**: `!nvidia-smi` in a cell lists the GPU; `nnedu doctor` says whether
#   CuPy or PyTorch can use it.
#
# nnedu computes with one array module, `nnedu.backend.xp`: NumPy on the CPU, or CuPy,
# NumPy's twin on NVIDIA GPUs, when it is installed and finds a device. Every layer
# writes `xp.exp`, `xp.zeros`, ... where it would write `np.`, so one switch moves the
# whole library. Here is the switch:

# %%
nnedu.show_source(backend.use)

# %% [markdown]
# `backend.use("auto")` picks and says which:

# %%
chosen = backend.use("auto")
print("active backend:", chosen)
assert chosen in ("numpy", "cupy")
if HAVE_TORCH:
    print("PyTorch sees a GPU:", torch.cuda.is_available())

# %% [markdown]
# What speed-up to expect depends on the size of the work. A GPU call costs
# microseconds to start whatever its size, so a network as small as this chapter's
# (2,410 weights, batches of 32) runs no faster there: the time goes into starting calls,
# not into arithmetic. Large convolutions and large batches gain ten to a hundred times.
# On a machine with a GPU the next cell times one large matrix product both ways; here it
# times the CPU only.

# %%
a = np.random.default_rng(0).standard_normal((1024, 1024)).astype(np.float32)
start = time.perf_counter()
for _ in range(5):
    a @ a
cpu_ms = (time.perf_counter() - start) / 5 * 1000
print(f"1024x1024 float32 matrix product on the CPU: {cpu_ms:.1f} ms")
if chosen == "cupy":
    xp = backend.module()
    a_gpu = xp.asarray(a)
    (a_gpu @ a_gpu).sum().item()                     # the first call compiles and warms up
    start = time.perf_counter()
    for _ in range(5):
        a_gpu @ a_gpu
    xp.cuda.Device().synchronize()                   # GPU calls return before they finish
    gpu_ms = (time.perf_counter() - start) / 5 * 1000
    print(f"... on the GPU: {gpu_ms:.2f} ms, {cpu_ms / gpu_ms:.0f}x faster")
else:
    print("No GPU here (the lesson runs everywhere; switch the runtime to see the GPU line).")
backend.use("numpy")                                 # the rest of the lesson: the CPU

# %% [markdown]
# ## 3. Transfer learning: reuse what a network learned
#
# The convolutions of a trained CNN detect strokes, edges and corners (chapter 10 drew
# them). Those detectors are useful for more than the task they were trained on. With few
# labelled examples of a **new** task, it often pays to keep them and train only a new
# output layer, the **head**.
#
# The experiment, on the MNIST subset that ships with nnedu: train a small CNN on the
# digits **0-4** only. Then take the digits **5-9**, a task the network has never seen,
# with only a few labelled images, and compare:
#
# - **from scratch**: the same CNN, random weights, trained on the few new images;
# - **transfer**: the trained convolutions, frozen (`trainable = False`), with a new
#   softmax head trained on the few new images.

# %%
(mnist_x, mnist_y), (mnist_x_test, mnist_y_test) = nnedu.data.load_mnist_subset()
x_old, y_old = mnist_x[mnist_y < 5], mnist_y[mnist_y < 5]
x_pool, y_pool = mnist_x[mnist_y >= 5], mnist_y[mnist_y >= 5] - 5    # classes 5..9 -> 0..4
x_new_test, y_new_test = mnist_x_test[mnist_y_test >= 5], mnist_y_test[mnist_y_test >= 5] - 5
print(f"old task: {len(x_old)} training images of 0-4; new task: {len(x_pool)} images of 5-9 "
      f"to draw a few from, {len(x_new_test)} to test on; image shape {x_old.shape[1:]}")


def convolutions():
    """The feature extractor: two conv + pool blocks, then Flatten -> 800 numbers."""
    return [Conv2D(16, 3, activation="relu", input_shape=(28, 28, 1)),
            MaxPooling2D(2),
            Conv2D(32, 3, activation="relu"),
            MaxPooling2D(2),
            Flatten()]


def compiled(layers, learning_rate=0.01):
    model = nnedu.Sequential(layers)
    model.compile(optimizer=nnedu.optimizers.Adam(learning_rate=learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


nnedu.layers.reset_names()
start = time.perf_counter()
base = compiled(convolutions() + [Dense(5, activation="softmax")], learning_rate=0.005)
base.fit(x_old, y_old, batch_size=32, epochs=4, verbose=0, seed=0)
old_test = mnist_y_test < 5
base_acc = base.evaluate(mnist_x_test[old_test], mnist_y_test[old_test], verbose=0)[1]
print(f"the base CNN on 0-4: test accuracy {base_acc:.3f} ({time.perf_counter() - start:.1f} s)")
assert base_acc > 0.95

# %% [markdown]
# What do the borrowed detectors respond to? Each of the 16 first-layer filters is a
# 3x3 kernel, the kind chapter 10's convolution explorer slides over an image. The cell
# loads the filter with the strongest weights into the explorer as a custom kernel: move
# the window, change the image (a "7" was never part of the training), or type your own
# nine numbers to compare.

# %%
first_kernels = base.layers[0].get_weights()[0][:, :, 0, :]       # (3, 3, 16)
strongest = int(np.argmax(np.abs(first_kernels).sum(axis=(0, 1))))
kernel_3x3 = first_kernels[:, :, strongest]
kernel_text = "; ".join(" ".join(f"{v:.2f}" for v in row) for row in kernel_3x3)
print(f"filter {strongest} of the first layer:\n{kernel_3x3.round(2)}")
filters_view = viz.conv_explorer(image="digit 7", kernel="custom")
filters_view.controls["custom"].value = kernel_text
assert filters_view.controls["kernel"].value == "custom"
filters_view

# %% [markdown]
# Now the transfer. Trained layers are Python objects holding their weights, so a new
# `Sequential` can take them as they are. Freezing a layer tells the optimizer to leave
# its weights alone; backpropagation still passes gradients through it.

# %%
def transfer_model(trained, head_units=5):
    """The trained model's feature layers, frozen, with a new softmax head."""
    features = trained.layers[:-1]                    # everything but the old head
    for layer in features:
        layer.trainable = False
    return compiled(features + [Dense(head_units, activation="softmax")])


def copy_of(model):
    """A new model of the same layers with the same weights (the original stays as it is)."""
    twin = nnedu.Sequential(convolutions() + [Dense(5, activation="softmax")])
    twin.set_weights(model.get_weights())
    return twin


transfer = transfer_model(copy_of(base))
transfer.summary()
frozen_before = [w.copy() for w in transfer.layers[0].get_weights()]
head_before = transfer.layers[-1].get_weights()
transfer.fit(x_pool[:50], y_pool[:50], batch_size=16, epochs=30, verbose=0, seed=0)
assert all(np.array_equal(w, w0)
           for w, w0 in zip(transfer.layers[0].get_weights(), frozen_before))
head_params = transfer.layers[-1].count_params()
assert head_params == 800 * 5 + 5 == 4005
print(f"after training, the frozen convolutions kept every weight; {head_params} weights learned")

# %% [markdown]
# The summary counts the frozen weights as *non-trainable*: only the head's
# $800 \cdot 5 + 5 = 4{,}005$ weights learn. And since the frozen layers never change,
# they give every image the same 800 numbers in every epoch. So compute those numbers
# **once** and train the head alone on them: the same head, the same batches, the same
# result, without running the convolutions again. The cell checks that it really is the
# same training:

# %%
extractor = nnedu.Sequential(transfer.layers[:-1])   # the frozen layers as a model
pool_features = extractor.predict(x_pool)            # (2000, 800): computed once
test_features = extractor.predict(x_new_test)
head_only = compiled([Dense(5, activation="softmax", input_shape=(800,))])
head_only.set_weights(head_before)                   # the head's starting weights
head_only.fit(pool_features[:50], y_pool[:50], batch_size=16, epochs=30, verbose=0, seed=0)
gap = max(np.abs(a - b).max()
          for a, b in zip(head_only.get_weights(), transfer.layers[-1].get_weights()))
print(f"features {pool_features.shape}; largest difference between the two heads: {gap:.1e}")
assert gap < 1e-9

# %% [markdown]
# That is what makes the comparison cheap. For several numbers of training images of the
# new task, each trained to convergence (150 steps for the CNN from scratch, 500 for the
# head, which costs almost nothing), 5 random draws of the images each:

# %%
def accuracy_after(model, x, y, x_test, steps, seed):
    batches_per_epoch = -(-len(x) // 16)
    model.fit(x, y, batch_size=16, epochs=max(1, round(steps / batches_per_epoch)),
              verbose=0, seed=seed)
    return model.evaluate(x_test, y_new_test, verbose=0)[1]


sizes = [10, 25, 50, 100, 250]
rng = np.random.default_rng(0)
scratch_acc, transfer_acc = [], []
start = time.perf_counter()
for n in sizes:
    scratch, transferred = [], []
    for seed in range(5):
        pick = rng.permutation(len(x_pool))[:n]
        fresh = compiled(convolutions() + [Dense(5, activation="softmax")])
        scratch.append(accuracy_after(fresh, x_pool[pick], y_pool[pick], x_new_test, 150, seed))
        head = compiled([Dense(5, activation="softmax", input_shape=(800,))])
        transferred.append(accuracy_after(head, pool_features[pick], y_pool[pick],
                                          test_features, 500, seed))
    scratch_acc.append(np.mean(scratch))
    transfer_acc.append(np.mean(transferred))
scratch_acc, transfer_acc = np.array(scratch_acc), np.array(transfer_acc)
print(f"({time.perf_counter() - start:.1f} s)")
print("images per task:  " + "".join(f"{n:>7}" for n in sizes))
print("from scratch:     " + "".join(f"{a:>7.3f}" for a in scratch_acc))
print("transfer:         " + "".join(f"{a:>7.3f}" for a in transfer_acc))
assert transfer_acc[:3].mean() > scratch_acc[:3].mean() + 0.02   # few images: transfer ahead
assert abs(transfer_acc[-1] - scratch_acc[-1]) < 0.05             # many: the gap closes

# %%
fig, ax = style.new_figure(figsize=(7.5, 4.0))
ax.plot(sizes, scratch_acc, "o-", color=style.ORANGE, label="from scratch")
ax.plot(sizes, transfer_acc, "s-", color=style.BLUE, label="transfer: frozen convolutions")
ax.set_xscale("log")
ax.set_xticks(sizes)
ax.set_xticklabels([str(n) for n in sizes])
ax.set_ylim(0.4, 1.0)
style.apply(ax, title="Digits 5-9: accuracy against the number of training images",
            xlabel="training images of the new task (log scale)",
            ylabel="test accuracy on 5-9 (mean of 5 draws)")
ax.legend(loc="lower right", fontsize=9)
fig

# %% [markdown]
# With ten images, two per class, the transferred network is ahead: its convolutions
# already respond to strokes and loops, and a few examples suffice to learn which
# combination means "7". Training from scratch must learn the features too, from almost
# nothing. As the number of new images grows, the gap closes: with enough images, the
# network learns features that fit the new task as well as the borrowed ones. The
# borrowed features here come from only 2,000 small images; features learned on
# millions of photographs (ImageNet) transfer much further, which is why nearly every
# image model in practice starts from a pretrained network.
#
# ## 4. Bottleneck features or fine-tuning
#
# The lecture notes this course grew from describe two ways of reusing a trained
# network, and we have just used the first:
#
# - **Bottleneck features.** Run the frozen extractor over every image **once** and
#   keep its outputs (here 800 numbers per image, the "bottleneck"); a small classifier
#   then trains on those vectors. Fast: the convolutions never run again.
# - **Fine-tuning.** Start from the transferred model with its trained head, then also
#   **unfreeze** the top layers of the extractor and train them with a **smaller
#   learning rate**, so that the good features are adjusted, not destroyed.
#
# Both on the same split (250 images of 5-9):

# %%
n = 250
nnedu.layers.reset_names()
start = time.perf_counter()
head = compiled([Dense(5, activation="softmax", input_shape=(800,))])
head.fit(pool_features[:n], y_pool[:n], batch_size=16, epochs=30, verbose=0, seed=0)
bottleneck_seconds = time.perf_counter() - start
bottleneck_acc = head.evaluate(test_features, y_new_test, verbose=0)[1]
print(f"bottleneck features: accuracy {bottleneck_acc:.3f}, trained in {bottleneck_seconds:.2f} s")

fine = transfer_model(copy_of(base))
fine.layers[-1].set_weights(head.get_weights())      # start from the trained head
fine.layers[2].trainable = True                      # unfreeze the top convolution
fine.compile(optimizer=nnedu.optimizers.Adam(learning_rate=0.001),   # 10x smaller
             loss="sparse_categorical_crossentropy", metrics=["accuracy"])
start = time.perf_counter()
fine.fit(x_pool[:n], y_pool[:n], batch_size=16, epochs=5, verbose=0, seed=0)
fine_seconds = time.perf_counter() - start
fine_acc = fine.evaluate(x_new_test, y_new_test, verbose=0)[1]
print(f"fine-tuning (top convolution unfrozen, learning rate 0.001): accuracy {fine_acc:.3f}, "
      f"trained in {fine_seconds:.2f} s")
assert bottleneck_acc > 0.85 and fine_acc > 0.85
assert fine_acc >= bottleneck_acc - 0.02             # it starts from the bottleneck head
assert fine_seconds > bottleneck_seconds             # and pays for the convolutions

# %% [markdown]
# Fine-tuning starts where the bottleneck classifier ended and adjusts the top
# convolution too, so it can only add what the new task needs; it costs a full forward
# and backward pass through the network for every step. Bottleneck features train only
# the head, on vectors computed once, which is why they are the first thing to try with
# a large pretrained network (an ImageNet ResNet, say) and a small data set. In Keras the
# same ideas read `base.trainable = False`, `base.predict(x)` for the features, and
# `compile(optimizer=keras.optimizers.Adam(1e-5))` after unfreezing: the names are the
# ones used here.
#
# ## 5. Where to go next
#
# - **Recurrent networks (RNN, LSTM).** For sequences (text, sound, time series) a
#   network reads one step at a time and carries a hidden state; backpropagation runs
#   back through the time steps, and the vanishing gradient of chapter 06 returns
#   across time. The LSTM's gates are the remedy. Start with Christopher Olah's
#   "Understanding LSTM Networks" (2015).
# - **Autoencoders.** A network trained to reproduce its input through a narrow middle
#   layer learns a compressed representation; denoising autoencoders learn to clean
#   inputs. See chapter 14 of Goodfellow, Bengio and Courville, *Deep Learning* (2016).
# - **Generative adversarial networks.** A generator learns to produce images that a
#   discriminator cannot tell from real ones. CycleGAN (Zhu et al., 2017) translates
#   between two image domains without paired examples, using **cycle consistency**:
#   translating a horse to a zebra and back must return the original horse.
# - **Transformers.** Attention lets every position of a sequence look at every other,
#   weighted by a softmax (chapter 04's softmax, used inside a network); they power
#   today's language models. Start with Vaswani et al., "Attention Is All You Need"
#   (2017), and Jay Alammar's "The Illustrated Transformer".
#
# ## Check your understanding
#
# 1. You copy an nnedu Dense kernel of shape (64, 64) into a PyTorch `nn.Linear(64, 64)`
#    without transposing. What happens?
#
# <details><summary>Answer</summary>
#
# Nothing complains, since the shapes agree, but PyTorch computes $x W^\top$: the
# layer now computes a different function and its predictions are wrong. With a
# non-square layer the copy fails with a shape error, which is the lucky case.
# </details>
#
# 2. Why does the frozen convolution still receive gradients during backpropagation, if
#    its weights never change?
#
# <details><summary>Answer</summary>
#
# The gradient with respect to its **input** is needed by any trainable layer below it.
# Freezing only tells the optimizer to skip its weights. (When nothing below is
# trainable, as here, that work could be skipped; bottleneck features skip it
# altogether.)
# </details>
#
# 3. You have 50,000 labelled images of the new task. Bottleneck features, fine-tuning
#    or training from scratch?
#
# <details><summary>Answer</summary>
#
# With that much data, fine-tuning (or training from scratch) usually wins: there are
# enough examples to adapt the features to the new task. Bottleneck features are the
# choice for small data sets or when training time is short.
# </details>
#
# ## Summary
#
# - Keras has nnedu's names, defaults and weight layouts; PyTorch has the same layers
#   (`nn.Linear` stores its weight transposed and images channels-first) and a training
#   loop you write yourself. Given the same weights, all three compute the same numbers.
# - A GPU runs large matrix products much faster; tiny networks gain nothing. nnedu
#   switches with `nnedu.backend.use("auto")`.
# - Transfer learning: freeze a trained extractor, train a new head. With few examples
#   it beats training from scratch by a wide margin.
# - Bottleneck features (extractor run once, a classifier on the outputs) are fast;
#   fine-tuning (top layers unfrozen, smaller learning rate) adapts the features.
#
# ## What's next
#
# This is the last chapter of the core course. Chapters 12 (autoencoders) and 13
# (recurrent networks) are planned; until then the pointers above lead on, and the
# exercises of this chapter move weights between nnedu and PyTorch by hand.

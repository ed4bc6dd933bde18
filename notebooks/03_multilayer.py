# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 03 · Multilayer networks and the forward pass
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/nnedu-course/nnedu/blob/main/notebooks/03_multilayer.ipynb) [![Open In Kaggle](https://kaggle.com/static/images/open-in-kaggle.svg)](https://kaggle.com/kernels/welcome?src=https://github.com/nnedu-course/nnedu/blob/main/notebooks/03_multilayer.ipynb)
#
# One neuron draws one straight line, and chapter 01 ended with XOR, which no straight
# line can separate. The way out is to put neurons side by side into **layers** and
# stack the layers, so that the output of one layer is the input of the next. This
# chapter builds such networks and computes what they output: the **forward pass**.
#
# **After this lesson you can**
#
# - name the parts of a network: input, hidden and output layers, dense layers, and
#   the hyperparameters that fix its architecture;
# - compute a dense layer for a whole batch at once, $H = f(XW + b)$, and say the shape
#   of every array in it;
# - count the learnable parameters of a network by hand and check the count with
#   `model.summary()`;
# - solve XOR with a 2-2-1 network, first with weights chosen by hand, then learned;
# - build a network with the Keras-style API (`Sequential`, `Dense`) and say what a
#   dense layer does to an input with more than one axis;
# - explain, without proofs, why more hidden units let a network draw more complicated
#   functions.

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
from nnedu.activations import relu, softmax
from nnedu.data import logic_gate
from nnedu.layers import Dense, reset_names
from nnedu.models import Sequential
from nnedu.optimizers import Adam
from nnedu.viz import style
from nnedu.viz.diagrams import network_figure

# %% [markdown]
# ## 1. From one neuron to layers
#
# A **layer** is a row of neurons that all read the same inputs. Each neuron of the
# layer has its own weights and its own bias, so each computes its own weighted sum
# and passes it through the activation function (chapter 02). A network is a chain of
# layers:
#
# - the **input layer** is not a layer of neurons at all: it is the data, one number
#   per feature (two features for the points of XOR);
# - the **hidden layers** sit in between; nobody tells them what to output, they find
#   their own intermediate features during training;
# - the **output layer** produces the answer: one number for a yes/no question, one
#   score per class for a choice among $K$ classes.
#
# When every neuron of a layer is connected to every output of the previous layer,
# the layer is **dense** (or *fully connected*). All layers in this chapter are dense.
#
# The choices that fix a network's shape before any training are its **architecture
# hyperparameters**: the number of layers, the number of units (neurons) in each, and
# the activation function of each. They are *hyper*parameters because training does
# not change them; training only changes the weights and biases, the **parameters**.
# A network is often named by its layer sizes: "2-3-2" means 2 inputs, a hidden layer
# of 3 units and an output layer of 2 units.
#
# ## 2. The matrix form of a dense layer
#
# Write unit $j$ of a layer with inputs $x \in \mathbb{R}^D$ as
# $h_j = f\big(\sum_{i=1}^{D} x_i W_{ij} + b_j\big)$. Column $j$ of the matrix $W$ holds
# the weights of unit $j$. Stack $N$ examples as the rows of a matrix $X$ and the whole
# layer, for the whole batch, is one line:
#
# $$ H = f(XW + b), \qquad X: (N, D), \quad W: (D, \text{units}), \quad
#    b: (\text{units},), \quad H: (N, \text{units}). $$
#
# The bias is added to every row (NumPy broadcasting), and $f$ acts on every entry.
# $W$ has one **row per input** and one **column per unit**. That is exactly the layout of
# the `kernel` of a Keras `Dense` layer, and of nnedu's, so the weights you read here are
# the ones you will meet in Keras. (Chapter 02 wrote one example as a column,
# $h = W' x + b$ with $W'$ of shape (units, $D$); here $W = W'^\top$ and each row of $H$
# is that $h$ for one example.)
#
# The picture shows the 2-3-2 network with the shape of every array for a batch of $N$
# examples: the kernel between two columns has one row per unit on its left and one
# column per unit on its right.

# %%
network_figure((2, 3, 2))

# %% [markdown]
#
# Let us compute a layer of 3 units on a batch of 4 examples with 2 features, once unit
# by unit with loops and once with the matrix product:

# %%
X = np.array([[0.0, 0.0],
              [0.0, 1.0],
              [1.0, 0.0],
              [1.0, 1.0]])                      # (N, D) = (4, 2)
W = np.array([[0.5, -1.0, 2.0],
              [1.5, 0.5, -1.0]])                # (D, units) = (2, 3)
b = np.array([0.1, 0.2, -0.3])                  # (units,) = (3,)

H_loops = np.zeros((4, 3))
for n in range(4):                              # every example
    for j in range(3):                          # every unit
        z = sum(X[n, i] * W[i, j] for i in range(2)) + b[j]
        H_loops[n, j] = relu(z)

H = relu(X @ W + b)                             # the whole layer, the whole batch
print("H =\n", H)
print("shape of H:", H.shape)
assert H.shape == (4, 3) and np.allclose(H, H_loops)

# %% [markdown]
# The two agree, and the matrix form is both shorter and much faster (NumPy runs the
# loops in compiled code). Here is the library's dense layer doing the same
# computation: `z = x @ self.kernel + self.bias` (the bias broadcast over the rows;
# a layer made with `use_bias=False` computes only `x @ self.kernel`), then the
# activation gives `y = f(z)`. (The first line checks that the input has the shape the
# layer was built for; `self._cache` keeps x, z and y for the backward pass of
# chapter 06.)

# %%
nnedu.show_source(Dense.forward)

# %% [markdown]
# We can give a `Dense` layer our own weights with `set_weights([kernel, bias])` (the
# order Keras uses) and check that it computes exactly `H`:

# %%
layer = Dense(3, activation="relu", input_shape=(2,))
layer.set_weights([W, b])
assert np.allclose(layer.forward(X), H)
print("Dense(3, relu) gives the same H:", np.allclose(layer.forward(X), H))

# %% [markdown]
# A frequent slip is to write `W @ X`, the order of the "one column per example"
# notation of many textbooks. With our layout (examples in rows) the shapes (2, 3) and
# (4, 2) do not fit together. `X @ W.T` is a different convention, not that notation:
# PyTorch's `nn.Linear` stores its weight as (units, $D$), one row per unit, and computes
# `X @ weight.T`, with the examples still in the rows of `X`. With our (D, units) kernel
# `W.T` is wrong (for a square kernel it even runs, silently swapping the weights).
# The library checks the shape before doing any arithmetic and says what it expected:

# %%
try:
    layer.forward(X.T)                          # (2, 4): examples in columns, wrong here
except ValueError as err:
    print("ValueError:", err)

# %% [markdown]
# ## 3. Counting parameters
#
# A dense layer from $D$ inputs to $u$ units has a kernel of $D \cdot u$ weights and a
# bias of $u$ numbers:
#
# $$ \text{parameters} = D \cdot u + u = (D + 1)\,u . $$
#
# For the 2-3-2 network: the hidden layer has $2 \cdot 3 + 3 = 9$ parameters, the output
# layer $3 \cdot 2 + 2 = 8$, together 17. The cell computes it from the layer sizes:

# %%
def count_dense_params(sizes):
    """Parameters of a chain of dense layers with these sizes, e.g. [2, 3, 2] -> 17."""
    return sum(d * u + u for d, u in zip(sizes[:-1], sizes[1:]))


per_layer = [d * u + u for d, u in zip([2, 3], [3, 2])]
print("per layer:", per_layer, " total:", count_dense_params([2, 3, 2]))
assert per_layer == [9, 8] and count_dense_params([2, 3, 2]) == 17

# %% [markdown]
# Forgetting the biases is the classic counting mistake: it gives
# $2 \cdot 3 + 3 \cdot 2 = 12$ instead of 17. Note also that the input layer has no
# parameters: it holds the data.

# %%
without_biases = sum(d * u for d, u in zip([2, 3], [3, 2]))
print("without the biases:", without_biases)
assert without_biases == 12

# %% [markdown]
# ## 4. The Keras-style API
#
# Writing every matrix by hand gets tedious. nnedu builds networks the way Keras does:
# a `Sequential` model is a list of layers, each layer's output feeding the next. The
# first layer is told the shape of ONE input example, `input_shape=(2,)`; every later
# layer works out its input size from the layer before.
#
# In Keras the network is `Sequential([Dense(3, input_shape=(2,), activation="relu"),
# Dense(2, activation="softmax")])`, and in nnedu too. Two extras make this page read
# the same every time you run it: `seed=` fixes each layer's random starting weights (an
# nnedu shortcut; Keras would say `kernel_initializer=GlorotUniform(seed=0)`), and
# `reset_names()` restarts the automatic layer names at "dense".

# %%
reset_names()
model = Sequential([
    Dense(3, input_shape=(2,), activation="relu", seed=0),
    Dense(2, activation="softmax", seed=1),
])
model.summary()
assert model.count_params() == 17
assert [layer.count_params() for layer in model.layers] == [9, 8]
assert model.output_shape == (2,)

# %% [markdown]
# The table lists each layer with its output shape and its parameter count: 9 and 8,
# 17 in total, the number we computed. `None` in the output shape stands for the batch
# size, which the model does not fix: it takes any number of examples at once.
#
# The output layer uses the **softmax** activation, which turns the two scores of each
# example into two probabilities that add up to 1 (chapter 04 explains it in detail).
# The **forward pass** of the whole model is the two layers one after the other. The
# cell below computes it by hand from the model's own weights and compares it with
# `model.forward`:

# %%
kernel_1, bias_1, kernel_2, bias_2 = model.get_weights()
print("kernel shapes:", kernel_1.shape, kernel_2.shape, " bias shapes:", bias_1.shape,
      bias_2.shape)
hidden = relu(X @ kernel_1 + bias_1)            # (4, 3)
probabilities = softmax(hidden @ kernel_2 + bias_2)  # (4, 2)
print("by hand:\n", probabilities.round(4))
print("row sums:", probabilities.sum(axis=1))
assert np.allclose(model.forward(X), probabilities)
assert np.allclose(model.predict(X), probabilities)        # predict: the same, in batches
assert np.allclose(probabilities.sum(axis=1), 1.0)
assert np.allclose(probabilities[0], [0.5, 0.5])           # x = (0, 0) with zero biases

# %% [markdown]
# `model.predict(X)` gives the same numbers as `model.forward(X)`; it is the name Keras
# uses, and it works through a large data set in batches. The weights were drawn at
# random (Keras' default `glorot_uniform` for kernels, zeros for biases), so these
# probabilities mean nothing yet. One row can be read off without any arithmetic: for
# $x = (0, 0)$ every weighted sum is just a bias, all biases start at 0, so the two output
# scores are equal and softmax gives 0.5 and 0.5. Training is what will make the outputs
# meaningful: section 6 shows it at work, chapters 05 to 07 explain how it works.
#
# ## 5. XOR with a hidden layer: weights chosen by hand
#
# Why does a hidden layer help with XOR? Because the hidden units can compute *new
# features* in which the problem becomes linear. Take two ReLU units that both look at
# $s = x_1 + x_2$, the number of inputs that are on:
#
# $$ h_1 = \mathrm{relu}(x_1 + x_2), \qquad h_2 = \mathrm{relu}(x_1 + x_2 - 1), \qquad
#    \hat y = h_1 - 2 h_2 . $$
#
# $h_1$ counts the inputs that are on; $h_2$ is nonzero only when both are. The output
# takes the count and removes 2 when both are on. So it gives 0, 1, 1, 0, which is XOR,
# exactly. As a 2-2-1 network: kernel $W_1 = \begin{pmatrix}1 & 1\\ 1 & 1\end{pmatrix}$,
# bias $b_1 = (0, -1)$, then $W_2 = \begin{pmatrix}1\\ -2\end{pmatrix}$, $b_2 = (0)$ and no
# activation on the output (a "linear" output).

# %%
X_xor, y_xor = logic_gate("xor")
reset_names()
xor_net = Sequential([Dense(2, activation="relu", input_shape=(2,)), Dense(1)])
xor_net.set_weights([np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([0.0, -1.0]),
                     np.array([[1.0], [-2.0]]), np.array([0.0])])
out = xor_net.forward(X_xor)
hidden_xor = xor_net.layers[0].forward(X_xor)
for x_row, h_row, o in zip(X_xor, hidden_xor, out[:, 0]):
    print(f"x = {x_row}  ->  h = {h_row}  ->  output {o:+.1f}")
assert np.array_equal(out[:, 0], y_xor)

# %% [markdown]
# The middle column shows the trick. In the hidden space, $(0,1)$ and $(1,0)$ land on the
# *same* point $(1, 0)$, while $(0,0)$ goes to $(0,0)$ and $(1,1)$ to $(2,1)$. There a
# straight line separates the two classes, which a single neuron can draw:

# %%
fig, (ax_in, ax_hid) = style.new_figure(1, 2, figsize=(7.6, 3.6))
for ax, points in [(ax_in, X_xor), (ax_hid, hidden_xor)]:
    for label, face in [(1, style.ROLE["positive"]), (0, "white")]:
        pts = points[y_xor == label]
        ax.scatter(pts[:, 0], pts[:, 1], s=110, facecolor=face, linewidth=1.5,
                   edgecolor=style.ROLE["positive"], label=f"XOR = {label}", zorder=3)
    ax.set_aspect("equal")
# output = h1 - 2 h2 = 0.5 is the line h2 = (h1 - 0.5) / 2
ax_hid.plot([0.5, 2.5], [0.0, 1.0], color=style.ROLE["highlight"], label="output = 0.5")
ax_hid.text(1.1, 0.0, "← (0,1) and (1,0)", va="center", fontsize=style.TEXT_SIZE)
ax_in.set_xlim(-0.4, 1.4)
ax_in.set_ylim(-0.4, 1.4)
ax_hid.set_xlim(-0.3, 2.4)
ax_hid.set_ylim(-0.3, 1.4)
ax_in.set_xticks([0, 1])
ax_in.set_yticks([0, 1])
style.apply(ax_in, title="Input space: no line", xlabel="x1", ylabel="x2")
style.apply(ax_hid, title="Hidden space: one line does", xlabel="h1 = relu(x1 + x2)",
            ylabel="h2 = relu(x1 + x2 - 1)")
ax_hid.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0))   # beside the axes, off the data
fig

# %% [markdown]
# The line in the hidden space is where the output $h_1 - 2h_2$ equals 0.5, halfway
# between the two labels: the 1s lie below it, the 0s above.
#
# ## 6. XOR learned
#
# Nobody chooses weights by hand for real problems. Let the network find them: a 2-2-1
# network with tanh hidden units and a sigmoid output (a probability for "XOR = 1"),
# trained with the Adam optimizer on the binary cross-entropy loss (both explained in
# chapters 04 and 07; here they are just the tools). `fit` repeats the training step
# for the given number of epochs; `shuffle=False` because the four points are one
# batch anyway. Tiny networks are fickle: with only two hidden units, some random
# starting points end in a poor spot. The cell trains from ten different random starts
# (seeds) and prints, for each, the final loss and the network's probability of
# "XOR = 1" for the four inputs (0,0), (0,1), (1,0), (1,1):

# %%
def train_xor(seed, hidden_units=2, epochs=600):
    """Train a 2-hidden_units-1 tanh/sigmoid network on XOR; return (model, final loss)."""
    net = Sequential([Dense(hidden_units, activation="tanh", input_shape=(2,), seed=seed),
                      Dense(1, activation="sigmoid", seed=seed + 100)])
    net.compile(optimizer=Adam(learning_rate=0.1), loss="binary_crossentropy")
    history = net.fit(X_xor, y_xor, batch_size=4, epochs=epochs, verbose=0, shuffle=False)
    return net, history.history["loss"][-1]


def solves_xor(net):
    """True when the network's output, rounded at 0.5, is XOR on all four inputs."""
    return bool(np.array_equal((net.predict(X_xor)[:, 0] > 0.5).astype(int), y_xor))


seeds = range(10)
stuck_loss = 0.5 * np.log(2)                   # two points right, two undecided (see below)
solved, stuck = [], []
for seed in seeds:
    net, final_loss = train_xor(seed)
    p_one = net.predict(X_xor)[:, 0]
    print(f"seed {seed}: final loss {final_loss:.3f}, P(XOR = 1) = {p_one.round(2)}, "
          f"solved: {solves_xor(net)}")
    if solves_xor(net):
        solved.append(seed)
        assert final_loss < 0.01                # solved runs end close to a loss of 0
    elif abs(final_loss - stuck_loss) < 0.01:
        stuck.append(seed)
        assert np.allclose(np.sort(p_one), [0.0, 0.5, 0.5, 1.0], atol=0.05)
n_solved = len(solved)
print(f"{n_solved} of {len(seeds)} random starts solve XOR with 2 hidden units; "
      f"{len(stuck)} of the {len(seeds) - n_solved} others stop at a loss of "
      f"(1/2) ln 2 = {stuck_loss:.3f}")
assert 0 < n_solved < len(seeds) and len(stuck) > 0

# %% [markdown]
# Some starts solve XOR and the others do not. Look at the outputs of a failed run: two
# of the four points get the right answer with a probability near 1, and the network is
# undecided, probability 0.5, on the other two. Each sure point costs $-\log 1 = 0$, each
# undecided one $-\log 0.5 = \ln 2$, so the mean loss is $\tfrac14 (0 + 0 + \ln 2 + \ln 2)
# = \tfrac12 \ln 2 \approx 0.347$, the number the cell printed. The training has come to
# rest in a poor spot of the loss, where its steps no longer lead anywhere better
# (chapter 07 looks at such spots). Two hidden units are *just enough* for XOR, and with
# just enough room the training can get stuck. Give the network a little more room, four
# hidden units, and the same ten starts behave much better:

# %%
wide_solved = sum(solves_xor(train_xor(seed, hidden_units=4)[0]) for seed in seeds)
print(f"with 4 hidden units: {wide_solved} of {len(seeds)} random starts solve XOR "
      f"(2 hidden units: {n_solved} of {len(seeds)})")
assert wide_solved > n_solved

# %% [markdown]
# Wider networks than strictly needed are easier to train: that is one reason real
# networks have many more units than a hand-made solution would use.
#
# ## 7. Dense layers on inputs with more axes
#
# So far every example was a vector. A `Dense` layer also takes examples with more
# axes, such as images of shape (height, width, channels), and then it acts on the
# **last axis** only: it applies the same kernel to every position's vector of features.
# `Dense(16)` on a 20x20 image with 3 channels turns each pixel's 3 numbers into 16 numbers.
# It has a kernel of shape (3, 16) and a bias of 16, so $3 \cdot 16 + 16 = 64$
# parameters, however large the image:

# %%
reset_names()
pixelwise = Sequential([Dense(16, input_shape=(20, 20, 3))])
pixelwise.summary()
images = np.random.default_rng(0).normal(size=(5, 20, 20, 3))   # a batch of 5 images
out_images = pixelwise.forward(images)
kernel, bias = pixelwise.get_weights()
print("kernel", kernel.shape, "bias", bias.shape, "-> output", out_images.shape)
assert pixelwise.layers[0].output_shape == (20, 20, 16)
assert pixelwise.count_params() == 3 * 16 + 16 == 64
# The same numbers as treating every pixel as one example of 3 features:
flat = images.reshape(-1, 3) @ kernel + bias           # (5 * 400, 16)
print("as rows of 3 features:", images.reshape(-1, 3).shape, "->", flat.shape)
assert flat.shape == (2000, 16) and np.allclose(out_images, flat.reshape(5, 20, 20, 16))

# %% [markdown]
# The check at the end shows what "acts on the last axis" means: reshaping the batch
# into $5 \cdot 20 \cdot 20 = 2000$ rows of 3 features, applying the layer, and
# reshaping back gives the same numbers. To connect *every* pixel to every unit instead,
# flatten the image first (`Flatten()`, chapter 10): then the layer would have
# $1200 \cdot 16 + 16$ parameters.

# %%
print("Dense(16) after Flatten on a 20x20x3 image:", 20 * 20 * 3 * 16 + 16, "parameters")
assert 20 * 20 * 3 * 16 + 16 == 19216

# %% [markdown]
# ## 8. More hidden units, more bends
#
# How much can one hidden layer express? The **universal approximation theorem**
# (Cybenko 1989, Hornik 1991) says: enough hidden units with a suitable nonlinear
# activation can approximate any continuous function on a bounded region as closely as
# you like. It promises that a good set of weights *exists*; it says nothing about how
# many units are needed or whether training will find those weights.
#
# The intuition is easiest with ReLU. Each hidden unit $\mathrm{relu}(w x + b)$ is a
# straight line with one **bend** (at $x = -b/w$). The output adds up these bent lines,
# so a network with $n$ hidden units on one input draws a broken line with at most $n$
# bends. More units, more bends, a closer fit. The cell fits the curve
# $y = \sin(2x) + 0.3x$ on $[-3, 3]$ with 2, 8 and 32 hidden units. One detail: with the
# default zero biases every bend would start at $x = 0$ and training would spend a long
# time spreading them out, so each unit starts with its bend at a random place in
# $[-3, 3]$ (the kernel is $w$, the bias $-w \cdot$ the bend's position).

# %%
x_curve = np.linspace(-3, 3, 120)[:, None]                  # (120, 1)
y_curve = np.sin(2 * x_curve) + 0.3 * x_curve               # (120, 1)


def fit_curve(units, epochs=800):
    """A 1-units-1 ReLU network fitted to the curve; returns (model, final mse)."""
    net = Sequential([Dense(units, activation="relu", input_shape=(1,)), Dense(1, seed=4)])
    rng = np.random.default_rng(units)
    slopes = rng.choice([-1.0, 1.0], size=units) * rng.uniform(0.5, 1.5, size=units)
    bend_at = rng.uniform(-3, 3, size=units)        # start each bend somewhere in [-3, 3]
    net.layers[0].set_weights([slopes[None, :], -slopes * bend_at])
    net.compile(optimizer=Adam(learning_rate=0.03), loss="mse")
    history = net.fit(x_curve, y_curve, batch_size=120, epochs=epochs, verbose=0,
                      shuffle=False)
    return net, history.history["loss"][-1]


def bends_inside(net, low=-3.0, high=3.0):
    """How many hidden ReLU units bend inside [low, high] (where w x + b = 0)."""
    w, b = net.layers[0].params["kernel"][0], net.layers[0].params["bias"]
    where = -b[w != 0] / w[w != 0]
    return int(np.sum((where > low) & (where < high)))


fits = {units: fit_curve(units) for units in (2, 8, 32)}
fig, ax = style.new_figure(figsize=(7.6, 4.0))
ax.plot(x_curve, y_curve, color=style.BLACK, lw=2.5, label="target sin(2x) + 0.3x")
for i, (units, (net, mse)) in enumerate(fits.items()):
    ax.plot(x_curve, net.predict(x_curve), color=style.color(i), lw=1.8,
            label=f"{units} hidden units: {bends_inside(net)} bend(s), MSE {mse:.3f}")
    print(f"{units:2d} hidden units: {bends_inside(net):2d} bends inside [-3, 3], "
          f"mean squared error {mse:.4f}")
style.apply(ax, title="More hidden ReLU units draw more bends", xlabel="input x (no unit)",
            ylabel="output y (no unit)")
ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=style.TEXT_SIZE)
mses = [mse for _, mse in fits.values()]
assert mses[0] > mses[1] > mses[2] and mses[0] > 5 * mses[2]     # more units, closer fit
assert all(bends_inside(net) <= units for units, (net, _) in fits.items())
fig

# %% [markdown]
# Two units can draw at most two bends, far too few for the wave; eight get the
# shape roughly; thirty-two follow it closely. The mean squared error printed above (the
# average squared distance between the two curves, chapter 04) falls with every step up
# in units, and 32 units fit at least five times better than 2 (in fact far better:
# compare the printed numbers); the asserts in the cell check both. Not every unit's
# bend needs to land inside the plotted range, which is why the count of bends can be
# smaller than the number of units.
#
# Depth helps in a different way: a second layer bends the already-bent lines again,
# so the number of pieces can grow much faster with depth than with width. That is a
# large part of why *deep* networks work well, but it is beyond this chapter.
#
# ## 9. Explore: the playground
#
# Now try it yourself. Choose a data set (xor, circles, moons, spiral, gauss), the
# number of hidden layers and units, and the activation. The playground then trains the
# network for a few hundred steps and draws the decision regions (the colour is the
# network's probability of class 1, the black line where it is 0.5) and the loss curve,
# for the training points (circles) and for held-out test points (diamonds). Its XOR
# data are noisy clouds of points around the four corners. It starts with one hidden
# layer of 2 tanh units, the network of section 6. "play" and "step" train on from
# there and "reset" starts again from epoch 0; "show network" draws every unit's output
# over the plane and the weights as lines, and "show code" prints the `nnedu` code that
# builds and trains the same network (`playground.model` is that trained model).
# Things to try:
#
# - XOR with 1 hidden layer of 2 units: press "train again" (new random starting
#   weights) a few times. Does it always succeed? (Section 6.) Then try 4 units.
# - Circles with 2 hidden units, then 4: how many straight pieces does the boundary
#   need?
# - Spiral: the hardest. Compare 1 wide hidden layer with 2 or 3 narrower ones.
# - 0 hidden layers: whatever the data set, the boundary is a straight line, as for the
#   single neuron of chapter 01. (Stacking layers without activation functions would
#   not help either: the exercises ask why.)
# - Circles with 0 hidden layers, but the inputs $x_1^2$ and $x_2^2$ ticked instead of
#   $x_1$ and $x_2$: one neuron is enough now. Why? (The circle $x_1^2 + x_2^2 = r^2$ is a
#   straight line in those two new inputs.)

# %%
playground = viz.playground("xor", hidden_layers=1, units=2, activation="tanh")
playground

# %% [markdown]
# ## Check your understanding
#
# 1. A batch of 5 examples with 4 features goes through `Dense(6)`. What are the shapes
#    of $X$, $W$, $b$ and $H$?
#
#    <details><summary>Answer</summary>
#
#    $X$: (5, 4), $W$: (4, 6), $b$: (6,), $H$: (5, 6); one row of $H$ per example, one
#    column per unit.
#    </details>
#
# 2. How many parameters does a 4-16-3 network of dense layers have?
#
#    <details><summary>Answer</summary>
#
#    $4 \cdot 16 + 16 = 80$ for the hidden layer and $16 \cdot 3 + 3 = 51$ for the
#    output, 131 in all (the cell below counts them with `Sequential`).
#    </details>
#
# 3. Why does the hidden layer of section 5 make XOR solvable by one more neuron?
#
#    <details><summary>Answer</summary>
#
#    It maps the four inputs to new points in which the two classes can be split by a
#    line: $(0, 1)$ and $(1, 0)$ land on the same hidden point $(1, 0)$, away from the
#    images of $(0, 0)$ and $(1, 1)$. The output neuron draws that line.
#    </details>

# %%
quiz_shapes = Dense(6, input_shape=(4,), seed=0)
H_quiz = quiz_shapes.forward(np.zeros((5, 4)))
quiz_model = Sequential([Dense(16, input_shape=(4,)), Dense(3)])
print("H:", H_quiz.shape, " kernel:", quiz_shapes.params["kernel"].shape,
      " bias:", quiz_shapes.params["bias"].shape, " 4-16-3 parameters:",
      quiz_model.count_params())
assert H_quiz.shape == (5, 6) and quiz_model.count_params() == 131 == count_dense_params(
    [4, 16, 3])
assert count_dense_params([4, 16]) == 80 and count_dense_params([16, 3]) == 51

# %% [markdown]
# ## Summary
#
# - A network is a chain of layers: input (the data), hidden layers, and an output
#   layer. In a dense layer every unit sees every input. The number of layers, the
#   units per layer and the activations are the architecture hyperparameters.
# - For a batch, a dense layer computes $H = f(XW + b)$ with $X$ (N, D), the kernel $W$
#   (D, units) as in Keras, the bias (units,), and $H$ (N, units).
# - A dense layer has $D \cdot u + u$ parameters; the 2-3-2 network has 17, as
#   `model.summary()` confirms.
# - A hidden layer turns XOR into a linearly separable problem: 2-2-1 works with hand
#   weights; training finds weights too, more reliably with a few extra units.
# - `Sequential([Dense(3, input_shape=(2,), activation="relu"), Dense(2,
#   activation="softmax")])` is the Keras-style way to write it; `Dense` on a
#   multi-axis input acts on the last axis (Dense(16) on 20x20x3: 64 parameters).
# - More hidden units draw more bends: one hidden layer can approximate any continuous
#   function, given enough units (universal approximation).
#
# ## What's next
#
# The network now computes an output, but how wrong is it? **04 · Loss functions,
# softmax and cross-entropy** turns "wrong" into a number, the loss, and finds the
# gradient that tells each output how to move. Chapters 05 and 06 then carry that
# gradient back through the layers (backpropagation).

# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 01 · The perceptron
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/nnedu-course/nnedu/blob/main/notebooks/01_perceptron.ipynb) [![Open In Kaggle](https://kaggle.com/static/images/open-in-kaggle.svg)](https://kaggle.com/kernels/welcome?src=https://github.com/nnedu-course/nnedu/blob/main/notebooks/01_perceptron.ipynb)
#
# The perceptron is the oldest learning machine in this course and the simplest: one
# artificial neuron that draws one straight line. Everything later (layers, gradients,
# training loops) grows out of it, and so does the first big disappointment of the field.
#
# **After this lesson you can**
#
# - compute what a neuron outputs: a weighted sum plus a bias, then a step;
# - read the decision boundary $w \cdot x + b = 0$ as a line in the input plane;
# - apply the perceptron learning rule by hand, and say why the delta rule makes the
#   same updates when the labels are 0/1 and the output is a step;
# - train a perceptron on the logic gates AND, OR, NAND and NOR;
# - explain why it never learns XOR, and what the convergence theorem promises (and
#   does not).

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
from nnedu.data import logic_gate, make_xor
from nnedu.perceptron import Perceptron
from nnedu.viz import style
from nnedu.viz.diagrams import neuron_figure

# %% [markdown]
# ## 1. One artificial neuron
#
# A nerve cell collects signals from other cells through its **dendrites**; the
# junctions (synapses) pass some signals on strongly and others weakly. The cell
# body, the **soma**, adds up what arrives, and when the total crosses a threshold the
# cell fires a pulse down its **axon**. That is as far as the biology goes here: the
# artificial neuron keeps only "weigh, add, compare with a threshold".
#
# Inputs $x_1, \dots, x_D$ arrive with weights $w_1, \dots, w_D$. The neuron adds them up
# together with a **bias** $b$ (minus the threshold) into its *net input*
#
# $$ z = w \cdot x + b = \sum_{j=1}^{D} w_j x_j + b , $$
#
# and outputs the **step** of it:
#
# $$ \hat y = H(z) = \begin{cases} 1 & z \ge 0 \\ 0 & z < 0 . \end{cases} $$
#
# (At exactly $z = 0$ we say the neuron fires. Any fixed choice works; this one is the
# library's, and the exercises use it too.) The picture shows the whole neuron: each input
# travels along its own weight into the sum, the bias joins it, and the step turns the
# sum into 0 or 1.

# %%
neuron_figure()

# %% [markdown]
#
# Weights $w = (1, 1)$ and bias $b = -1.5$ make a neuron that fires only when both
# inputs are 1: the AND gate. The library's `Perceptron` computes exactly this; we set
# its weights by hand and ask it for predictions on the four rows of the truth table.

# %%
X, y_and = logic_gate("and")
neuron = Perceptron()
neuron.weights_, neuron.bias_ = np.array([1.0, 1.0]), -1.5
print("inputs:", X.tolist())
print("z     :", neuron.net_input(X).tolist())
print("y_hat :", neuron.predict(X).tolist(), "  AND:", y_and.tolist())
assert neuron.predict(X).tolist() == [0, 0, 0, 1]

# %% [markdown]
# Here is the library's code for those two steps, the weighted sum and the step:

# %%
nnedu.show_source(Perceptron.net_input)
nnedu.show_source(Perceptron.predict)

# %% [markdown]
# ### The decision boundary is a line
#
# The neuron changes its answer where $z = 0$, that is on the set
# $w_1 x_1 + w_2 x_2 + b = 0$: a straight line in the plane of inputs (a plane in 3-D,
# a hyperplane in general). On one side $\hat y = 1$, on the other $\hat y = 0$. The
# weights set the line's direction ($w$ points towards the side that fires) and the bias
# shifts it. For the AND neuron the line is $x_2 = 1.5 - x_1$.

# %%
def draw_gate(ax, X, y, w, b, title):
    """Scatter the four points of a gate (filled = 1, hollow = 0) and the line w.x + b = 0."""
    xs = np.linspace(-0.5, 1.5, 2)
    for label, face in [(1, style.ROLE["positive"]), (0, "white")]:
        pts = X[y == label]
        ax.scatter(pts[:, 0], pts[:, 1], s=90, facecolor=face,
                   edgecolor=style.ROLE["positive"], linewidth=1.5, label=f"label {label}",
                   zorder=3)
    if w[1] != 0:
        ax.plot(xs, -(w[0] * xs + b) / w[1], color=style.ROLE["highlight"], label="w·x + b = 0")
    elif w[0] != 0:
        ax.axvline(-b / w[0], color=style.ROLE["highlight"], label="w·x + b = 0")
    ax.set_xlim(-0.5, 1.5)
    ax.set_ylim(-0.5, 1.5)
    ax.set_xticks([0, 1])          # the inputs are 0 or 1: two ticks that never collide
    ax.set_yticks([0, 1])
    ax.set_aspect("equal")
    style.apply(ax, title=title, xlabel="input x1", ylabel="input x2")


fig, ax = style.new_figure(figsize=(6.0, 3.6))
draw_gate(ax, X, y_and, neuron.weights_, neuron.bias_,
          "AND: only (1, 1) lies on the firing side")
ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0))   # beside the square, off the data
fig

# %% [markdown]
# ## 2. A short history
#
# Frank Rosenblatt proposed the perceptron in 1958, in a paper titled *"The
# perceptron: a probabilistic model for information storage and organization in the
# brain"*, and built it as a machine that learned to tell simple shapes apart. The new
# part was not the neuron (McCulloch and Pitts had described threshold units in 1943)
# but the **learning rule**: the machine found its own weights from examples.
#
# In 1969 Marvin Minsky and Seymour Papert published *Perceptrons*, a careful
# mathematical study of what such machines can and cannot compute. Among its results:
# a single-layer perceptron cannot compute XOR ("one input or the other, but not
# both"). The book was widely read as a verdict on neural networks in general, and
# funding for them shrank for years. The way out, several layers trained together, is
# the subject of chapters 03 to 06.

# %%
timeline = {1943: "McCulloch and Pitts: the threshold neuron",
           1958: "Rosenblatt: the perceptron and its learning rule",
           1969: "Minsky and Papert, Perceptrons: one layer cannot compute XOR"}
for year, event in timeline.items():
    print(year, event)
print(f"{1969 - 1958} years passed between the perceptron and the book about its limits.")
assert 1969 - 1958 == 11

# %% [markdown]
# ## 3. The perceptron learning rule
#
# Start with all weights and the bias at zero. Show the neuron one example $(x, y)$ at
# a time; when it is right, leave it alone; when it is wrong, nudge the line towards
# the right answer. Written with labels $s \in \{-1, +1\}$, as in most textbooks:
#
# $$ \text{on a mistake:}\quad w \leftarrow w + \alpha\, s\, x, \qquad
#    b \leftarrow b + \alpha\, s , $$
#
# with a **learning rate** $\alpha > 0$. Why this helps: after the update the net input on
# the same $x$ has changed by $\alpha s (\lVert x \rVert^2 + 1)$, which has the sign of $s$,
# so $z$ has moved towards the correct side.
#
# With labels $y \in \{0, 1\}$ (the ones this course uses, like Keras) the same rule reads
#
# $$ w \leftarrow w + \alpha\,(y - \hat y)\, x, \qquad b \leftarrow b + \alpha\,(y - \hat y). $$
#
# The factor $y - \hat y$ is $0$ when the neuron is right, $+1$ when it missed a 1, and
# $-1$ when it fired on a 0: exactly $s = 2y - 1$ on a mistake, and no update otherwise.
# One **epoch** is one pass over all examples; training stops after an epoch without
# mistakes. Here is the library's update step:

# %%
nnedu.show_source(Perceptron.update)

# %% [markdown]
# Let us watch the first epoch on AND, one sample at a time. `weights_history_` keeps the
# state after every sample, so we can print the whole story.

# %%
p = Perceptron(learning_rate=1.0).fit(X, y_and, epochs=1)
print(" x        y   z     y_hat   w after      b after")
for i, (x_i, y_i) in enumerate(zip(X, y_and)):
    w_before, b_before = p.weights_history_[i]
    z = float(x_i @ w_before + b_before)
    w_after, b_after = p.weights_history_[i + 1]
    print(f" {x_i.astype(int)}   {y_i}  {z:+.0f}    {int(z >= 0)}       {w_after}   {b_after:+.0f}")
print("mistakes in epoch 1:", p.errors_[0])
w_1, b_1 = p.weights_history_[1]                 # after the first sample, (0, 0)
w_4, b_4 = p.weights_history_[4]                 # after the last sample, (1, 1)
assert p.errors_ == [2] and b_1 == -1.0 and w_1.tolist() == [0.0, 0.0]
assert (w_4 - p.weights_history_[3][0]).tolist() == [1.0, 1.0] and b_4 - p.weights_history_[3][1] == 1

# %% [markdown]
# The first sample $(0,0)$ gives $z = 0$, so the fresh neuron fires and is wrong: the
# bias drops to $-1$. The last sample $(1,1)$ should fire and does not: both weights and
# the bias go up by 1. The cell counts 2 mistakes in this epoch.
#
# ## 4. The delta rule gives the same updates
#
# A second rule comes from calculus. Treat the error on one example as
# $E = \tfrac12 (\hat y - y)^2$ and walk downhill: $w_j \leftarrow w_j - \alpha\,
# \partial E / \partial w_j$. When $\hat y$ is the *linear* output $z$, the chain rule gives
# $\partial E / \partial w_j = (\hat y - y)\, x_j$, so
#
# $$ w_j \leftarrow w_j - \alpha\,(\hat y - y)\, x_j . $$
#
# This is the **delta rule** (Widrow and Hoff, 1960). Now put the step output $\hat y \in
# \{0, 1\}$ into it: $-(\hat y - y) = y - \hat y$, which is the perceptron rule for 0/1
# labels, number for number. The library offers both as `rule="perceptron"` and
# `rule="delta"`; the cell below trains both on every gate and compares every
# intermediate state, and also runs the $\pm 1$ textbook form written out in four lines.

# %%
def textbook_rule(X, s, epochs, alpha=1.0):
    """The perceptron rule with labels s in {-1, +1}; returns the (w, b) after every sample."""
    w, b, states = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        for x_i, s_i in zip(X, s):
            predicted = 1 if x_i @ w + b >= 0 else -1
            if predicted != s_i:                                  # a mistake
                w, b = w + alpha * s_i * x_i, b + alpha * s_i
            states.append((w.copy(), b))
    return states


for gate in ["and", "or", "nand", "nor", "xor"]:
    Xg, yg = logic_gate(gate)
    per = Perceptron(rule="perceptron").fit(Xg, yg, epochs=8)
    delta = Perceptron(rule="delta").fit(Xg, yg, epochs=8)
    pm1 = textbook_rule(Xg, 2 * yg - 1, epochs=len(per.errors_))
    same = all(np.array_equal(w1, w2) and b1 == b2
               for (w1, b1), (w2, b2) in zip(per.weights_history_, delta.weights_history_))
    same_pm1 = all(np.array_equal(w1, w2) and b1 == b2
                   for (w1, b1), (w2, b2) in zip(per.weights_history_[1:], pm1))
    steps = len(per.weights_history_)
    print(f"{gate:>4}: {steps:2d} states, delta rule identical: {same}, "
          f"±1 rule identical: {same_pm1}")
    assert same and same_pm1 and len(delta.weights_history_) == steps

# %% [markdown]
# The two rules part ways only when $\hat y$ is the linear output $z$ (Widrow and Hoff's
# ADALINE). Then even a *correct* answer moves the weights, because $z$ is rarely exactly
# equal to the label. For the AND neuron on input $(1, 1)$: $z = 0.5$, the step says 1
# (right), the linear delta rule still changes $w$ by $\alpha (1 - 0.5) x$:

# %%
x11, w_and, b_and, alpha = np.array([1.0, 1.0]), np.array([1.0, 1.0]), -1.5, 1.0
z = x11 @ w_and + b_and
step_change = alpha * (1 - int(z >= 0)) * x11
linear_change = alpha * (1 - z) * x11
print("z =", z, "| step output -> change", step_change, "| linear output -> change",
      linear_change)
assert z == 0.5 and np.all(step_change == 0) and np.allclose(linear_change, [0.5, 0.5])

# %% [markdown]
# ## 5. Learning the logic gates
#
# AND, OR, NAND and NOR can each be drawn with one line, so the perceptron should learn
# them. The cell trains each from zero weights and counts the epochs it takes (the last
# epoch is the one without mistakes that confirms it).

# %%
epochs_needed = {}
fig, axes = style.new_figure(2, 2, figsize=(6.4, 6.4))
for ax, gate in zip(axes.ravel(), ["and", "or", "nand", "nor"]):
    Xg, yg = logic_gate(gate)
    model = Perceptron(learning_rate=1.0).fit(Xg, yg, epochs=100)
    assert model.converged_ and model.predict(Xg).tolist() == yg.tolist()
    epochs_needed[gate] = len(model.errors_)
    draw_gate(ax, Xg, yg, model.weights_, model.bias_,
              f"{gate.upper()}: learned in {epochs_needed[gate]} epochs")
fig

# %%
print("epochs to converge:", epochs_needed)
print("mistakes per epoch on AND:", Perceptron().fit(X, y_and).errors_)
assert max(epochs_needed.values()) <= 6

# %% [markdown]
# Every gate is learned in at most the number of epochs the cell asserts (six), and the
# last epoch of each is error-free.
#
# **Does the learning rate matter?** Starting from zero, every update adds $\pm\alpha x$
# or $\pm\alpha$, so with learning rate $\alpha$ all weights are exactly $\alpha$ times the
# weights with rate 1, and the *line* $w \cdot x + b = 0$ is the same. The cell below
# checks this with $\alpha = 0.25$ (a power of two, so the arithmetic is exact in floating
# point).
#
# With $\alpha = 0.1$ the mistake counts on AND do differ, but not because the rate
# matters: 0.1 has no exact binary form, so sums of multiples of 0.1 are rounded
# (0.1 + 0.2 - 0.3 is not 0 in floating point). A net input that is exactly $z = 0$ with
# rate 1, where the neuron fires, comes out a hair below 0 with rate 0.1, and the tie is
# decided the other way. The second cell finds that sample.

# %%
for gate in ["and", "or", "nand", "nor"]:
    Xg, yg = logic_gate(gate)
    one, quarter = Perceptron(learning_rate=1.0).fit(Xg, yg), Perceptron(0.25).fit(Xg, yg)
    assert one.errors_ == quarter.errors_
    assert np.array_equal(quarter.weights_, 0.25 * one.weights_)
    assert quarter.bias_ == 0.25 * one.bias_
print("learning rate 0.25: same mistakes, weights exactly 0.25 x those with rate 1")
tenth, one = Perceptron(0.1).fit(X, y_and), Perceptron(1.0).fit(X, y_and)
print("AND, mistakes per epoch with rate 1:", one.errors_, " with rate 0.1:", tenth.errors_)
print("0.1 + 0.2 - 0.3 =", 0.1 + 0.2 - 0.3, "in floating point, not 0")
assert tenth.errors_ != one.errors_ and 0.1 + 0.2 - 0.3 != 0

# %%
# the first sample where the two runs decide differently: a tie z = 0 with rate 1
for i, ((w_one, b_one), (w_tenth, b_tenth)) in enumerate(
        zip(one.weights_history_, tenth.weights_history_)):
    x_i = X[i % len(X)]
    z_one, z_tenth = x_i @ w_one + b_one, x_i @ w_tenth + b_tenth
    if (z_one >= 0) != (z_tenth >= 0):
        break
print(f"sample {i + 1}, x = {x_i}: z = {z_one} with rate 1 (fires), "
      f"z = {z_tenth:.3g} with rate 0.1 (does not)")
assert z_one == 0 and z_tenth < 0 and abs(z_tenth) < 1e-15

# %% [markdown]
# From a random start the rate does matter. The updates have size $\alpha$, the random
# initial weights do not shrink with it, so the smaller the rate, the longer the initial
# weights keep their say. With the explorer's start (weights drawn from
# $N(0, 0.01^2)$, `seed=0`) rates 1 and 0.01 still take the same path on AND, but at rate
# 0.001 a single update is no larger than the initial weights and the path changes:

# %%
random_start = {rate: Perceptron(rate, seed=0).fit(X, y_and).errors_
                for rate in [1.0, 0.01, 0.001]}
for rate, errors in random_start.items():
    print(f"seed 0, rate {rate:<5}: mistakes per epoch {errors}")
assert random_start[1.0] == random_start[0.01] != random_start[0.001]

# %% [markdown]
# ## 6. XOR: the error count never reaches zero
#
# XOR fires when exactly one input is 1. Train the same perceptron on it for 30 epochs:

# %%
X_xor, y_xor = logic_gate("xor")
xor_model = Perceptron().fit(X_xor, y_xor, epochs=30)
print("mistakes per epoch:", xor_model.errors_)
print("converged:", xor_model.converged_)
assert not xor_model.converged_ and min(xor_model.errors_) > 0 and len(xor_model.errors_) == 30

# %% [markdown]
# It never has an epoch without mistakes. Worse, it is stuck in a loop: look at the state
# $(w, b)$ at the end of each epoch.

# %%
history = xor_model.weights_history_
ends = [(history[4 * k][0].tolist(), history[4 * k][1]) for k in range(1, 31)]
print("end of epoch 1:", ends[0])
print("end of epoch 2:", ends[1])
print("end of epoch 3:", ends[2])
repeats_from = next(k for k in range(30) if all(e == ends[k] for e in ends[k:]))
print(f"from epoch {repeats_from + 1} on, every epoch ends in the same state:", ends[-1])
print("mistakes in each of those epochs:", set(xor_model.errors_[repeats_from + 1:]))
assert all(e == ends[-1] for e in ends[repeats_from:])
assert set(xor_model.errors_[repeats_from + 1:]) == {4}          # every sample is a mistake

# %% [markdown]
# Inside each epoch the weights go round the same cycle of four mistakes (every sample
# is wrong, as the cell shows), forever. The plot shows the weights and bias after every
# single sample. On the right is a bigger XOR problem: 100 random points in the square
# $[-1, 1]^2$, labelled 1 where $x_1$ and $x_2$ have different signs. There the number of
# mistakes per epoch keeps jumping up and down instead of settling.

# %%
steps = np.arange(len(history))
params = np.array([[w[0], w[1], b] for w, b in history])
X_cloud, y_cloud = make_xor(100, noise=0.0, seed=0)
cloud = Perceptron().fit(X_cloud, y_cloud, epochs=60)
assert not cloud.converged_ and len(y_cloud) == 100

fig, (ax1, ax2) = style.new_figure(1, 2, figsize=(7.6, 3.6))
for k, name in enumerate(["w1", "w2", "b"]):
    ax1.step(steps[:40], params[:40, k], where="post", label=name, color=style.color(k))
ax1.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3)   # under the axes
style.apply(ax1, title="XOR gate: weights cycle",
            xlabel="samples seen", ylabel="value (no unit)")
ax2.plot(np.arange(1, 61), cloud.errors_, marker=".", color=style.ROLE["train"])
ax2.set_ylim(0, None)
style.apply(ax2, title="XOR cloud: never 0 mistakes",
            xlabel="epoch", ylabel="mistakes in the epoch")
fig

# %%
print(f"XOR cloud: mistakes per epoch between {min(cloud.errors_)} and {max(cloud.errors_)}")
assert min(cloud.errors_) > 0

# %% [markdown]
# ### Why no line can do it
#
# A line that computes XOR would need, with our step ($z \ge 0$ fires):
#
# $$ \begin{aligned}
#   (0,0) \mapsto 0:&\quad b < 0 \\
#   (0,1) \mapsto 1:&\quad w_2 + b \ge 0 \\
#   (1,0) \mapsto 1:&\quad w_1 + b \ge 0 \\
#   (1,1) \mapsto 0:&\quad w_1 + w_2 + b < 0
# \end{aligned} $$
#
# Add the middle two: $w_1 + w_2 + 2b \ge 0$, so $w_1 + w_2 + b \ge -b > 0$ (the first
# line says $-b > 0$). That contradicts the last line. No weights at all satisfy the four
# conditions, so no amount of training can find them. This is Minsky and Papert's
# example. As a sanity check, the cell tries 200,000 random $(w_1, w_2, b)$: some of them
# compute AND, none computes XOR.

# %%
rng = np.random.default_rng(0)
candidates = rng.uniform(-3, 3, size=(200_000, 3))          # rows (w1, w2, b)
outputs = (X @ candidates[:, :2].T + candidates[:, 2] >= 0).astype(int)   # (4, 200000)
and_hits = int(np.all(outputs == y_and[:, None], axis=0).sum())
xor_hits = int(np.all(outputs == y_xor[:, None], axis=0).sum())
assert candidates.shape[0] == 200_000
print(f"random lines computing AND: {and_hits}, computing XOR: {xor_hits}")
assert and_hits > 0 and xor_hits == 0

# %% [markdown]
# ## 7. The perceptron convergence theorem
#
# For data that *can* be separated, the rule is guaranteed to stop. Fold the bias into
# the weights (append a constant input 1 to each $x$, so $\theta = (w, b)$ and
# $\tilde x = (x, 1)$), and use the labels $s = \pm 1$. Suppose
#
# - every $\lVert \tilde x_i \rVert \le R$, and
# - some unit vector $u$ separates the data with a margin $\gamma > 0$:
#   $s_i\, u \cdot \tilde x_i \ge \gamma$ for every $i$.
#
# Then the perceptron, started from zero, makes at most $(R / \gamma)^2$ mistakes in total,
# in any order of the samples and for any learning rate (Block 1962, Novikoff 1962).
# *Why*: each mistake raises $u \cdot \theta$ by at least $\alpha\gamma$, so after $k$ mistakes
# $\lVert\theta\rVert \ge u \cdot \theta \ge k\alpha\gamma$; and each mistake raises
# $\lVert\theta\rVert^2$ by at most $\alpha^2 R^2$ (the cross term $2\alpha s\, \theta \cdot \tilde x$
# is $\le 0$ on a mistake), so $\lVert\theta\rVert^2 \le k \alpha^2 R^2$. Together:
# $k^2 \alpha^2\gamma^2 \le k\alpha^2 R^2$, that is $k \le (R/\gamma)^2$.
#
# Let us compute the bound for AND with the hand-made separator $(1, 1, -1.5)$ and
# compare it with the number of mistakes training actually made.

# %%
X_tilde = np.hstack([X, np.ones((4, 1))])
s_and = 2 * y_and - 1
u = np.array([1.0, 1.0, -1.5])
u = u / np.linalg.norm(u)
gamma = float(np.min(s_and * (X_tilde @ u)))
R = float(np.max(np.linalg.norm(X_tilde, axis=1)))
bound = (R / gamma) ** 2
mistakes = sum(Perceptron().fit(X, y_and).errors_)
print(f"R = {R:.4f}, gamma = {gamma:.4f}, bound (R/gamma)^2 = {bound:.1f}, "
      f"mistakes made = {mistakes}")
assert np.isclose(bound, 51.0) and mistakes == 11 and mistakes <= bound

# %% [markdown]
# The bound, 51, is loose but finite; training made 11 mistakes. A separator with a wider
# margin gives a tighter bound. The theorem says nothing about data that no line
# separates: there, as we saw with XOR, the perceptron cycles forever. (Keeping the best
# weights seen so far, the "pocket" algorithm, is one practical patch; a hidden layer is
# the real cure.)
#
# ## 8. Explore: train it yourself
#
# Pick a gate, a learning rate and a rule, then move the step slider (or press Play) to
# go through training one sample at a time and watch the line move. The shaded side is
# where the neuron outputs 1; the sample just shown is ringed, in black when it was a
# mistake. Things to try:
#
# - AND: count the mistakes until the line settles; compare with the table in section 5.
# - Switch the rule between perceptron and delta: nothing changes (section 4).
# - Change the learning rate. The explorer starts from small random weights, so a rate
#   as small as 0.001 changes the path (section 5); run
#   `viz.perceptron_explorer(seed=None)` to start from zero, and the line no longer
#   depends on the rate. The title says whether and when training converged; the line
#   under the picture gives the weights after the step.
# - XOR: step through several epochs and watch the line keep moving without ever
#   settling.

# %%
ex = viz.perceptron_explorer()
ex

# %% [markdown]
# ## Check your understanding
#
# 1. A neuron has $w = (2, -1)$ and $b = -1$. What does it output for $x = (1, 1)$, and
#    for $x = (0, 0)$?
#
#    <details><summary>Answer</summary>
#
#    $z = 2 - 1 - 1 = 0$ for $(1, 1)$, and $z = 0 \ge 0$ fires: $\hat y = 1$. For
#    $(0, 0)$, $z = b = -1 < 0$: $\hat y = 0$. (The cell below computes both.)
#    </details>
#
# 2. The neuron predicts 1 for a sample whose label is 0. Which way do $w$ and $b$ move,
#    and why does $z$ on that sample go down?
#
#    <details><summary>Answer</summary>
#
#    $y - \hat y = -1$, so $w \leftarrow w - \alpha x$ and $b \leftarrow b - \alpha$. On the
#    same $x$ the net input changes by $-\alpha(\lVert x \rVert^2 + 1) < 0$: it moves towards
#    the side that outputs 0 (section 3).
#    </details>
#
# 3. Why can no amount of training, with any learning rate, make one perceptron compute
#    XOR, while the same rule always learns AND?
#
#    <details><summary>Answer</summary>
#
#    XOR's four conditions on $(w_1, w_2, b)$ contradict each other (section 6): no line
#    separates its points, so there is nothing to converge to. AND is separable, and the
#    convergence theorem bounds the number of mistakes by $(R/\gamma)^2$ (section 7).
#    </details>

# %%
quiz = Perceptron()
quiz.weights_, quiz.bias_ = np.array([2.0, -1.0]), -1.0
print("z for (1, 1) and (0, 0):", quiz.net_input(np.array([[1.0, 1.0], [0.0, 0.0]])),
      "-> y_hat", quiz.predict(np.array([[1.0, 1.0], [0.0, 0.0]])))
assert quiz.predict(np.array([[1.0, 1.0], [0.0, 0.0]])).tolist() == [1, 0]

# %% [markdown]
# ## Summary
#
# - A perceptron computes $\hat y = H(w \cdot x + b)$: weigh, add, step. Its decision
#   boundary is the line (hyperplane) $w \cdot x + b = 0$.
# - Learning rule: on a mistake, $w \leftarrow w + \alpha (y - \hat y) x$ and
#   $b \leftarrow b + \alpha (y - \hat y)$, the same as $w \leftarrow w + \alpha s x$ with
#   $\pm1$ labels; the delta rule with a step output makes the very same updates.
# - AND, OR, NAND, NOR are learned in a few epochs. On separable data the convergence
#   theorem bounds the number of mistakes by $(R/\gamma)^2$.
# - XOR is not linearly separable: the four conditions on $(w, b)$ contradict each
#   other, and training cycles forever (Minsky and Papert, 1969).
#
# ## What's next
#
# In **02 · Activation functions** we replace the hard step by smooth functions such as
# the sigmoid and ReLU. A smooth output has a useful derivative, which is what lets
# gradient descent train many neurons stacked in layers, and stacked layers are what
# finally solve XOR (chapter 03).

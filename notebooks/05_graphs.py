# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 05 · Computation graphs and the chain rule
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/nnedu-course/nnedu/blob/main/notebooks/05_graphs.ipynb) [![Open In Kaggle](https://kaggle.com/static/images/open-in-kaggle.svg)](https://kaggle.com/kernels/welcome?src=https://github.com/nnedu-course/nnedu/blob/main/notebooks/05_graphs.ipynb)
#
# Chapter 04 gave us a loss and its gradient with respect to the network's output. To
# train, we need the gradient with respect to *every weight*, and a network is a long
# formula: thousands of multiplications, additions and activations. Differentiating it
# by hand is hopeless; differentiating it numerically, one weight at a time, is far too
# slow. The way out is to see the formula as a **graph** of small operations, each of
# which knows its own derivative, and to let the **chain rule** carry the gradient back
# through the graph, one node at a time. This is all that "automatic differentiation"
# is, and by the end of this lesson you will have read a complete engine that does it
# and trained a real network with it.
#
# **After this lesson you can**
#
# - draw a formula as a computation graph, fill in its values with a forward pass and its
#   gradients with a backward pass, starting from $dF/dF = 1$;
# - state the local derivatives of $+$ (passes the gradient through), $\times$ (swaps the
#   inputs), $e^x$, $\tanh$ and $x^k$, and say why gradients **add up** when a value is
#   used twice;
# - check a gradient with a finite difference;
# - read `nnedu.graph.Value`, a scalar autograd engine, and say what `backward()` does
#   with gradients left over from an earlier call (and what PyTorch does);
# - backpropagate through a neuron $\tanh(w_1 x_1 + w_2 x_2 + b)$ by hand and with the
#   engine;
# - train a small network built from `Value`s and explain why real frameworks work on
#   whole arrays instead.

# %% tags=["setup", "nbval-skip"]
# Setup: on Colab or Kaggle this installs nnedu; on your own machine it does nothing.
try:
    import nnedu
except ImportError:
    # %pip install -q "nnedu @ git+https://github.com/nnedu-course/nnedu"
    import nnedu

# %%
# %matplotlib inline
import ast
import inspect
import math
import time

import numpy as np

import nnedu
from nnedu import viz
from nnedu.data import make_moons
from nnedu.graph import Value, topological_order
from nnedu.graph_nn import MLP, Module, Neuron
from nnedu.layers import Dense
from nnedu.models import Sequential
from nnedu.optimizers import SGD

# %% [markdown]
# ## 1. A formula is a graph
#
# Take the small formula
#
# $$ F(a, b, c) = 3\,(a + b)\,c . $$
#
# A computer evaluates it in steps, each one a **primitive operation** with one or two
# inputs. Give every intermediate result a name:
#
# $$ u = a + b, \qquad v = u \cdot c, \qquad F = 3 v . $$
#
# Drawn as a picture, the inputs $a, b, c$ are on the left, each operation is a node, and
# arrows carry values to the right, towards the output $F$. That picture is the
# **computation graph**. Evaluating it from left to right, at $a = 2$, $b = 4$, $c = 8$, is
# the **forward pass**:

# %%
a, b, c = 2.0, 4.0, 8.0
u = a + b
v = u * c
F = 3 * v
print(f"u = a + b = {u},  v = u c = {v},  F = 3 v = {F}")
assert (u, v, F) == (6.0, 48.0, 144.0)

# %% [markdown]
# So $u = 6$, $v = 48$ and $F = 144$.
#
# ## 2. The backward pass and the chain rule
#
# Now the question training asks: how much does $F$ change when we nudge an input? We
# want $\partial F/\partial a$, $\partial F/\partial b$ and $\partial F/\partial c$. The
# **chain rule** says that the derivative through a chain of steps is the product of the
# derivatives of the steps. For $a$, whose effect travels $a \to u \to v \to F$:
#
# $$ \frac{\partial F}{\partial a} = \frac{\partial F}{\partial v}\,
#    \frac{\partial v}{\partial u}\, \frac{\partial u}{\partial a} . $$
#
# Each factor is a **local derivative**: it looks at one node only. $F = 3v$ gives
# $\partial F/\partial v = 3$; $v = u c$ gives $\partial v/\partial u = c$ and
# $\partial v/\partial c = u$; $u = a + b$ gives $\partial u/\partial a =
# \partial u/\partial b = 1$.
#
# The **backward pass** multiplies these factors from the output back to the inputs,
# filling in one gradient per node. It starts with $\partial F/\partial F = 1$ (nudge $F$
# by $\varepsilon$ and $F$ changes by $\varepsilon$), and at each node it multiplies the
# gradient that arrived from above by the node's local derivative:

# %%
dF_dF = 1.0
dF_dv = dF_dF * 3           # F = 3 v
dF_du = dF_dv * c           # v = u c: the gradient of u is c times the gradient of v
dF_dc = dF_dv * u           # ... and the gradient of c is u times it
dF_da = dF_du * 1           # u = a + b: passes the gradient through
dF_db = dF_du * 1
print(f"dF/dv = {dF_dv}, dF/du = {dF_du}, dF/dc = {dF_dc}, dF/da = {dF_da}, dF/db = {dF_db}")
assert dF_da == dF_db == 3 * c == 24.0
assert dF_dc == 3 * (a + b) == 18.0

# %% [markdown]
# So $\partial F/\partial a = \partial F/\partial b = 3c = 24$ and
# $\partial F/\partial c = 3(a + b) = 18$. Notice that the backward pass needed the
# values of the forward pass ($c$ and $u$): every autograd engine stores them for that.
#
# ### Check it with a finite difference
#
# A derivative is a rate of change, so we can measure it: nudge $a$ from 2 to 2.001 and
# see how much $F$ moves.

# %%
def F_of(a, b, c):
    """F(a, b, c) = 3 (a + b) c."""
    return 3 * (a + b) * c


nudged = F_of(2.001, 4.0, 8.0)
ratio = (nudged - F_of(2.0, 4.0, 8.0)) / 0.001
print(f"F(2.001, 4, 8) = {nudged:.6f}; (F(2.001) - F(2)) / 0.001 = {ratio:.6f}")
assert math.isclose(nudged, 144.024, abs_tol=1e-9)
assert math.isclose(ratio, 24.0, abs_tol=1e-6)

# %% [markdown]
# $F$ goes from 144 to 144.024: a change of 0.024 for a nudge of 0.001, a ratio of 24,
# exactly what the backward pass said. (Here the ratio is exact because $F$ is linear in
# $a$; for a curved function a centred difference $\big(F(a+h) - F(a-h)\big)/2h$ is
# much more accurate than this one-sided one, and chapter 06 makes it a routine check.)
# Finite differences need one extra evaluation of the whole formula *per input*; the
# backward pass gets all the gradients in one sweep. With a million weights that is the
# difference between one pass and a million.
#
# ## 3. Local derivatives, and what happens at fan-out
#
# Every operation an engine supports comes with its local rule. Write $\bar{x}$ for
# $\partial F / \partial x$, the gradient that the backward pass computes, and
# $\overline{\text{out}}$ for the gradient arriving at an operation's output:
#
# | operation | local derivative | backward rule |
# |---|---|---|
# | $\text{out} = a + b$ | $1$, $1$ | $\bar a \mathrel{+}= \overline{\text{out}}$, $\bar b \mathrel{+}= \overline{\text{out}}$ (passes through) |
# | $\text{out} = a \cdot b$ | $b$, $a$ | $\bar a \mathrel{+}= b\, \overline{\text{out}}$, $\bar b \mathrel{+}= a\, \overline{\text{out}}$ (the inputs swap) |
# | $\text{out} = e^x$ | $e^x$ | $\bar x \mathrel{+}= \text{out}\cdot \overline{\text{out}}$ |
# | $\text{out} = \tanh x$ | $1 - \tanh^2 x$ | $\bar x \mathrel{+}= (1 - \text{out}^2)\, \overline{\text{out}}$ |
# | $\text{out} = x^k$ | $k x^{k-1}$ | $\bar x \mathrel{+}= k x^{k-1}\, \overline{\text{out}}$ |
#
# Addition is a *distributor*: it hands the same gradient to both inputs. Multiplication
# is a *swapper*: each input gets the *other* input times the gradient. $e^x$ and $\tanh$
# can reuse their own output. The cell checks every rule against a centred difference at
# a few points:

# %%
RULES = {  # name -> (function, local derivative)
    "a + 3": (lambda x: x + 3.0, lambda x: 1.0),
    "a * 3": (lambda x: x * 3.0, lambda x: 3.0),
    "exp": (lambda x: x.exp() if isinstance(x, Value) else math.exp(x), math.exp),
    "tanh": (lambda x: x.tanh() if isinstance(x, Value) else math.tanh(x),
             lambda x: 1 - math.tanh(x) ** 2),
    "x ** 3": (lambda x: x ** 3, lambda x: 3 * x ** 2),
}
h = 1e-6
for name, (f, derivative) in RULES.items():
    for x0 in (-1.0, 0.5, 2.0):
        x = Value(x0)
        f(x).backward()
        numeric = (f(x0 + h) - f(x0 - h)) / (2 * h)
        assert math.isclose(x.grad, derivative(x0), rel_tol=1e-12, abs_tol=1e-12)
        assert math.isclose(x.grad, numeric, rel_tol=1e-6, abs_tol=1e-6)
    print(f"{name:7}: engine = rule = centred difference at x = -1, 0.5, 2")

# %% [markdown]
# Why "$\mathrel{+}=$" and not "$=$" in the table? Because a value may be **used more than
# once**: it then has several arrows leaving it (the graph *fans out*), and a nudge of it
# changes $F$ along every one of those paths. The multivariable chain rule says the
# effects **add up**. Two small examples:
#
# - $F = a + a$: each use passes $1$ back, so $\partial F/\partial a = 1 + 1 = 2$.
# - $F = (a + 1)(a + 2)$: $a$ feeds two additions. Through the left factor it gets
#   $(a + 2)$, through the right one $(a + 1)$, so $\partial F/\partial a = 2a + 3$, which
#   is 9 at $a = 3$ (the same as differentiating $a^2 + 3a + 2$).

# %%
a = Value(3.0)
F = a + a
F.backward()
print("F = a + a:          dF/da =", a.grad)
assert a.grad == 2.0

a = Value(3.0)
F = (a + 1) * (a + 2)
F.backward()
print("F = (a + 1)(a + 2): dF/da =", a.grad, " (2a + 3 =", 2 * 3.0 + 3, ")")
assert a.grad == 2 * 3.0 + 3 == 9.0

# %% [markdown]
# An engine that *assigned* the gradient (`a.grad = ...`) instead of adding would keep
# only one path's share, $a + 1$ or $a + 2$, and report a wrong gradient for the second
# example: a classic bug, and the reason the library's tests include exactly this case.
#
# ## 4. The engine: `nnedu.graph.Value`
#
# An automatic differentiation engine needs only three things:
#
# 1. a number that **remembers where it came from**: its inputs (`parents`) and the
#    operation (`op`) that made it;
# 2. for every operation, a tiny function that applies the operation's local rule,
#    adding into its inputs' `grad`;
# 3. a `backward()` that calls those functions in the right order, from the output back
#    to the inputs.
#
# `nnedu.graph.Value` is such an engine for scalars. Here is multiplication, the
# swapper: it makes the output Value, remembering its two inputs, and attaches its
# `_backward` rule, a small function that is handed the output `out` and adds
# `other.data * out.grad` into `self.grad` and `self.data * out.grad` into `other.grad`.

# %%
nnedu.show_source(Value.__mul__)

# %% [markdown]
# And here is the backward pass. It lists every node in **topological order** (each
# node after the nodes it was computed from), sets $\partial F/\partial F = 1$ and walks
# the list from the end, so that a node passes its gradient on only once every node
# that uses it has added its share:

# %%
nnedu.show_source(Value.backward)

# %%
nnedu.show_source(topological_order)

# %% [markdown]
# The whole module, every operation with its checks and messages included, is short.
# The cell counts its lines of code (not comments, blank lines or docstrings):

# %%
source = inspect.getsource(nnedu.graph)
docstring_lines = set()
for node in ast.walk(ast.parse(source)):
    if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and ast.get_docstring(node):
        docstring_lines.update(range(node.body[0].lineno, node.body[0].end_lineno + 1))
code_lines = [line for number, line in enumerate(source.splitlines(), 1)
              if line.strip() and not line.strip().startswith("#")
              and number not in docstring_lines]
print(f"nnedu/graph.py: {len(code_lines)} lines of code")
assert len(code_lines) < 150

# %% [markdown]
# Under 150 lines. It is worth reading in full (`nnedu.show_source(nnedu.graph)`) once
# you have finished this lesson: there is nothing else in it.
#
# Now run the worked example through the engine and draw its graph. Each box shows a
# value's `data` (forward pass) and `grad` (backward pass); each orange circle is an
# operation.

# %%
a, b, c = Value(2.0, label="a"), Value(4.0, label="b"), Value(8.0, label="c")
u = a + b
u.label = "u"
v = u * c
v.label = "v"
F = 3 * v
F.label = "F"
F.backward()
print(f"F = {F.data}; dF/da = {a.grad}, dF/db = {b.grad}, dF/dc = {c.grad}, "
      f"dF/du = {u.grad}, dF/dv = {v.grad}")
assert (F.data, a.grad, b.grad, c.grad, u.grad, v.grad) == (144.0, 24.0, 24.0, 18.0, 24.0, 3.0)
three = F.parents[1]                    # 3 * v is computed as v * 3: the constant is second
assert three.data == 3.0 and three.grad == v.data == 48.0
viz.draw_graph(F)

# %% [markdown]
# The same numbers as by hand: $F = 144$, $\partial F/\partial a = \partial F/\partial b
# = 24$, $\partial F/\partial c = 18$. (The box labelled 3 is the constant; the engine
# computes its gradient too, $v = 48$, and nobody uses it.)
#
# ### `backward()` twice, and how PyTorch differs
#
# What happens to the gradients when `backward()` is called a second time? In
# `nnedu.graph`, `backward()` first **resets** every `grad` in the graph to 0, then fills
# them in. Calling it twice therefore gives the same gradients, never doubled ones.
#
# PyTorch makes the opposite choice: `loss.backward()` **adds** into each parameter's
# `.grad`, and the gradients **accumulate** from call to call until you clear them with
# `optimizer.zero_grad()` (or `tensor.grad.zero_()`). That is deliberate: it lets you sum
# the gradients of several small batches before one update. But it means a PyTorch
# training loop that forgets `zero_grad()` silently steps with the sum of every
# gradient so far. The habit to carry over: **clear the gradients once per step**. The
# MLP below has a `zero_grad()` for that reason, even though our `backward()` would not
# need it.

# %%
F.backward()
F.backward()
print(f"nnedu: after three backward() calls, dF/da = {a.grad}")
assert a.grad == 24.0

try:
    import torch
except ImportError:
    torch = None

if torch is None:
    print("PyTorch is not installed here. With PyTorch, the second backward() would add "
          "another 24 into a.grad (48), and zero_grad() would set it back to 0.")
else:
    at, bt, ct = (torch.tensor(x, dtype=torch.float64, requires_grad=True)
                  for x in (2.0, 4.0, 8.0))
    seen = []
    for _ in range(2):
        Ft = 3 * (at + bt) * ct          # PyTorch frees the graph after backward: rebuild it
        Ft.backward()
        seen.append(at.grad.item())
    at.grad.zero_()                      # what optimizer.zero_grad() does for every parameter
    print(f"PyTorch: dF/da after one backward() = {seen[0]}, after two = {seen[1]}, "
          f"after zero_grad() = {at.grad.item()}")
    assert seen == [24.0, 48.0] and at.grad.item() == 0.0

# %% [markdown]
# ## 5. A neuron as a graph
#
# A neuron with two inputs computes $o = \tanh(w_1 x_1 + w_2 x_2 + b)$: two
# multiplications, two additions and a $\tanh$. Take $x = (2, 0)$, $w = (-3, 1)$ and
# $b = 6.8813735870195432$, chosen so that $n = w_1 x_1 + w_2 x_2 + b = 0.8813\ldots$ and
# $o = \tanh n = 1/\sqrt{2} \approx 0.7071$.
#
# **By hand**, from the output back:
#
# - $\partial o/\partial n = 1 - o^2 = 1 - \tfrac12 = 0.5$ (the tanh rule);
# - $n = x_1 w_1 + x_2 w_2 + b$ is a sum, so $\partial o/\partial b$ and the gradients of
#   both products are 0.5 too (passed through);
# - each product swaps: $\partial o/\partial w_1 = 0.5\, x_1 = 1$,
#   $\partial o/\partial x_1 = 0.5\, w_1 = -1.5$, $\partial o/\partial w_2 = 0.5\, x_2 = 0$,
#   $\partial o/\partial x_2 = 0.5\, w_2 = 0.5$.

# %%
x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
bias = Value(6.8813735870195432, label="b")
x1w1, x2w2 = x1 * w1, x2 * w2
x1w1.label, x2w2.label = "x1w1", "x2w2"
products = x1w1 + x2w2
products.label = "x1w1 + x2w2"
n = products + bias
n.label = "n"
o = n.tanh()
o.label = "o"
o.backward()
by_hand = {"n": 0.5, "b": 0.5, "w1": 1.0, "x1": -1.5, "w2": 0.0, "x2": 0.5}
engine = {"n": n.grad, "b": bias.grad, "w1": w1.grad, "x1": x1.grad, "w2": w2.grad,
          "x2": x2.grad}
print(f"o = {o.data:.4f} (1/sqrt 2 = {1 / math.sqrt(2):.4f})")
for name in by_hand:
    print(f"  do/d{name:2}: by hand {by_hand[name]:+.2f}, engine {engine[name]:+.4f}")
    assert math.isclose(engine[name], by_hand[name], abs_tol=1e-12)
assert math.isclose(o.data, 1 / math.sqrt(2), abs_tol=1e-12)
assert math.isclose(n.data, 0.8813735870195432, abs_tol=1e-12)
viz.draw_graph(o)

# %% [markdown]
# The gradient of $w_2$ is 0 because its input $x_2$ is 0: a weight whose input is zero
# does not affect the output, so training leaves it alone this step.
#
# ## 6. Explore: the graph with sliders
#
# Move the inputs and watch the forward values and the gradients change. Things to try
# on $F = 3(a + b)c$:
#
# - Change $a$: the gradients of $a$ and $b$ stay at $3c$; only $\partial F/\partial c$
#   moves. Why?
# - Set $c = 0$: now $a$ and $b$ have no influence on $F$ at all.
#
# And on the neuron (the second explorer): make $n$ large (say $b = 5$) and watch every
# gradient shrink towards 0. The tanh has **saturated** (chapter 02), and a saturated
# unit barely learns.

# %%
explorer = viz.graph_explorer("3(a+b)c")
explorer

# %%
neuron_explorer = viz.graph_explorer("neuron")
neuron_explorer

# %% [markdown]
# ## 7. The engine at work: a network made of `Value`s
#
# Nothing in `Value` is specific to small formulas. A **neuron** is a list of weight
# Values and a bias Value; a **layer** is a list of neurons; an **MLP** is a list of
# layers. `nnedu.graph_nn` builds exactly that, in a few dozen lines. Each part has
# `parameters()` (the Values to learn), `zero_grad()` and `step(learning_rate)`, which is
# gradient descent, $p \leftarrow p - \eta\, \partial L/\partial p$:

# %%
nnedu.show_source(Neuron)

# %%
nnedu.show_source(Module.step)

# %% [markdown]
# Let us train one on the "two moons", two interleaving half circles that no straight
# line separates. The network is 2 → 8 → 8 → 1 with tanh hidden units and a linear
# output score $s$; a point is predicted class 1 when $s > 0$. With labels
# $t = \pm 1$, the loss is the mean hinge loss $\max(0, 1 - t s)$ of chapter 04, written
# with `relu`. Each step takes a random mini-batch of 16 points, and is the loop every
# training run in this course follows: **forward, loss, zero the gradients, backward,
# update**.

# %%
X, y = make_moons(100, noise=0.1, seed=0)
t = 2.0 * y - 1                                  # labels -1 / +1 for the hinge loss
model = MLP(2, [8, 8, 1], activation="tanh", seed=0)
print(model, "with", len(model.parameters()), "parameters")


def hinge_loss(model, X_batch, t_batch):
    """Mean hinge loss max(0, 1 - t s) of the model's scores s, one Value."""
    scores = [model(list(x))[0] for x in X_batch]
    return sum((1 - ti * s).relu() for ti, s in zip(t_batch, scores)) * (1.0 / len(X_batch))


LEARNING_RATE, STEPS, BATCH = 0.5, 300, 16
initial_weights = model.get_weights()           # kept, to train the same network again below
batches = np.random.default_rng(0)
batch_list = [batches.choice(len(X), BATCH, replace=False) for _ in range(STEPS)]

start = time.perf_counter()
value_losses = []
for batch in batch_list:
    loss = hinge_loss(model, X[batch], t[batch])   # forward + loss
    model.zero_grad()
    loss.backward()                                 # backward
    model.step(LEARNING_RATE)                       # update
    value_losses.append(loss.data)
value_seconds = time.perf_counter() - start
graph_size = len(topological_order(loss))
scores = np.array([model(list(x))[0].data for x in X])
accuracy = np.mean((scores > 0) == (y == 1))
print(f"{STEPS} steps in {value_seconds:.2f} s; the last step's graph had {graph_size} nodes")
print(f"mean hinge loss of the first 20 steps {np.mean(value_losses[:20]):.3f}, "
      f"of the last 20 {np.mean(value_losses[-20:]):.3f}; training accuracy {accuracy:.2f}")
assert accuracy >= 0.95 and np.mean(value_losses[-20:]) < np.mean(value_losses[:20])
assert graph_size > 1000

# %% [markdown]
# The accuracy and the loss are printed above: the network separates the moons. Here is
# the boundary it drew (the score is computed by the `Value` network at every point of a
# grid):

# %%
viz.draw_decision_boundary(lambda points: [model(list(p))[0].data for p in points], X, y,
                           resolution=40,
                           title="2-8-8-1 network of Values: where it predicts class 1")

# %% [markdown]
# ### Why frameworks vectorize
#
# Every step above built a graph of thousands of scalar nodes (the printout gives the
# count) and Python visited each one, forward and backward. The same network written
# with nnedu's `Dense` layers does the same arithmetic as a handful of matrix products
# on whole arrays, in NumPy's compiled code. To make the comparison fair, the cell loads
# the *same* initial weights into a `Sequential` of `Dense` layers, trains it on the *same*
# mini-batches with the same loss and learning rate, and checks that it follows the
# same path: the loss of every step agrees to 9 decimals.

# %%
twin = Sequential([Dense(8, activation="tanh", input_shape=(2,)), Dense(8, activation="tanh"),
                   Dense(1)])
twin.set_weights(initial_weights)
twin.compile(optimizer=SGD(learning_rate=LEARNING_RATE), loss="hinge")
start = time.perf_counter()
dense_losses = [twin.train_on_batch(X[batch], t[batch][:, None]) for batch in batch_list]
dense_seconds = time.perf_counter() - start
speedup = value_seconds / dense_seconds
print(f"Value network: {value_seconds:.3f} s   Dense layers: {dense_seconds:.3f} s   "
      f"-> the vectorized version is {speedup:.0f}x faster")
assert np.allclose(value_losses, dense_losses, atol=1e-9)
assert np.allclose(twin.predict(X)[:, 0], scores, atol=1e-9)
assert speedup > 3

# %% [markdown]
# Same numbers, measured just now on this machine: the `Dense` version is many times
# faster (the printout says how many), and the gap grows with the size of the network,
# since NumPy's matrix products get more efficient per number while Python's cost per
# scalar node stays the same. That is why PyTorch, TensorFlow and nnedu's own layers work
# on tensors, and it is what the next chapter does: backpropagation for whole layers at
# once, with $dW = X^\top dY$ in place of thousands of little `_backward` calls. The
# idea, though, is exactly the one in this chapter.
#
# ## Check your understanding
#
# 1. In $F = 3(a + b)c$, what is $\partial F/\partial a$ at $a = 2$, $b = 4$, $c = 8$,
#    and why does it not depend on $a$?
#
# <details><summary>Answer</summary>
#
# $\partial F/\partial a = 3c = 24$. The path from $a$ to $F$ goes through an addition
# (local derivative 1) and a multiplication by $c$ and by 3; none of these factors
# contains $a$, because $F$ is linear in $a$.
#
# </details>
#
# 2. A value $x$ is used three times in a formula. How does the backward pass combine
#    what it receives, and which line of `Value`'s code makes that happen?
#
# <details><summary>Answer</summary>
#
# It adds the three contributions: $\partial F/\partial x$ is the sum over all paths. In
# the code every rule writes `self.grad += ...` (never `=`), and `backward()` visits $x$
# only after all three users have added their share.
#
# </details>
#
# 3. You port a training loop to PyTorch and forget `optimizer.zero_grad()`. What happens
#    at the second step?
#
# <details><summary>Answer</summary>
#
# PyTorch adds the new gradients to the old ones, so the second update uses the sum of
# the gradients of steps one and two, the third the sum of three, and so on: the steps
# grow and training goes wrong. nnedu's `Value.backward()` resets the gradients itself,
# which is why calling it twice gives the same numbers, but a good habit is to clear
# gradients once per step in any framework.
#
# </details>
#
# ## Summary
#
# - A formula is a **graph** of primitive operations. The forward pass fills in values;
#   the backward pass fills in gradients, from $\partial F/\partial F = 1$ back to the
#   inputs, multiplying local derivatives (the **chain rule**).
# - $F = 3(a + b)c$ at $(2, 4, 8)$: $u = 6$, $v = 48$, $F = 144$; $\partial F/\partial a
#   = \partial F/\partial b = 24$, $\partial F/\partial c = 18$; nudging $a$ to 2.001
#   gives 144.024, a ratio of 24.
# - $+$ passes gradients through, $\times$ swaps its inputs, $e^x$, $\tanh$ and $x^k$
#   have their own rules; when a value is used more than once its gradients **add up**.
# - `nnedu.graph.Value` is a complete engine in under 150 lines; `backward()` resets
#   gradients (twice is safe), PyTorch accumulates them until `zero_grad()`.
# - A network made of Values trains, but slowly: the same network in vectorized layers
#   gives the same numbers many times faster.
#
# ## What's next
#
# **06 · Backpropagation** applies the chain rule to whole networks: the four-step
# training loop, a worked example through three sigmoid units (and the sign error that
# circulates in lecture notes), the vanishing gradient, the matrix form of a dense
# layer's backward pass, and gradient checking.

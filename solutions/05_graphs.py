# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 05 · Computation graphs and the chain rule: exercises
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/nnedu-course/nnedu/blob/main/solutions/05_graphs.ipynb) [![Open In Kaggle](https://kaggle.com/static/images/open-in-kaggle.svg)](https://kaggle.com/kernels/welcome?src=https://github.com/nnedu-course/nnedu/blob/main/solutions/05_graphs.ipynb)
#
# Six exercises, from the backward rule of a single operation to the gradients of a
# whole neuron. Write your code where it says `# YOUR CODE HERE` (delete the `raise
# NotImplementedError()` line), then run the check cell under it: it prints ✓ when your
# function is right, or the input, the expected answer, what came back and a hint.
# The small cells that try a function out are tagged `raises-exception`, so *Run All*
# goes on past them while a function is still empty.
#
# **Goals**
#
# - write the backward rules of $+$, $\times$, $e^x$, $\tanh$ and $x^k$;
# - add up the gradients of a value used twice;
# - put the nodes of a graph in topological order, the order `backward()` needs;
# - check any gradient with centred finite differences;
# - backpropagate through a whole neuron $\tanh(w \cdot x + b)$ by hand.
#
# Conventions: a backward rule receives `dout` $= \partial F / \partial\,\text{out}$, the
# gradient that arrives from above, and returns $\partial F / \partial\,\text{input} =
# (\text{local derivative}) \times$ `dout`. The rules work entry by entry, so your
# functions should accept NumPy arrays as well as plain numbers (write them with NumPy
# operations, `np.exp`, `np.tanh`, `*`, and they do). Never change an array you were
# given: return new ones.

# %% tags=["setup", "nbval-skip"]
# Setup: on Colab or Kaggle this installs nnedu; on your own machine it does nothing.
try:
    import nnedu
except ImportError:
    # %pip install -q "nnedu @ git+https://github.com/nnedu-course/nnedu"
    import nnedu

# %%
import numpy as np

from nnedu.checks import ch05
from nnedu.graph import Value

# %% [markdown]
# ## Exercise 1 · The backward rules of + and × (1 point)
#
# Write `binary_backward(op, a, b, dout)` for `out = a + b` (`op == "+"`) and
# `out = a * b` (`op == "*"`). Return the pair `(da, db)`:
#
# $$ \text{+}: \quad da = 1 \cdot dout, \quad db = 1 \cdot dout \qquad\qquad
#    \times: \quad da = b \cdot dout, \quad db = a \cdot dout . $$
#
# - `a`, `b`, `dout`: numbers, or arrays of one shape; `da` has the shape of `a` and
#   `db` the shape of `b`.
#
# Hints: for `+` with arrays, `dout * np.ones_like(a)` has the shape of `a`. For `×` the
# inputs *swap*: the gradient of `a` is `b` times `dout`.

# %%
def binary_backward(op, a, b, dout):
    """(dF/da, dF/db) for out = a + b or out = a * b, given dout = dF/dout."""
    ### BEGIN SOLUTION
    if op == "+":
        return dout * np.ones_like(a), dout * np.ones_like(b)
    return b * dout, a * dout
    ### END SOLUTION


# %% tags=["raises-exception"]
# F = 3 v with v = u c and u = a + b (a = 2, b = 4, c = 8): dF/dv = 3
du, dc = binary_backward("*", 6.0, 8.0, 3.0)
print("dF/du =", du, " dF/dc =", dc)                    # 24 and 18
print("dF/da, dF/db =", binary_backward("+", 2.0, 4.0, du))

# %%
ch05.binary_backward(binary_backward)

# %% [markdown]
# ## Exercise 2 · The backward rules of exp, tanh and pow (1 point)
#
# Write `unary_backward(op, x, dout, k=2)`, returning `dx` for
#
# | `op` | out | local derivative $d\,\text{out}/dx$ |
# |---|---|---|
# | `"exp"` | $e^x$ | $e^x$ |
# | `"tanh"` | $\tanh x$ | $1 - \tanh^2 x$ |
# | `"pow"` | $x^k$ | $k\, x^{k-1}$ |
#
# and `dx = local derivative * dout`, with the shape of `x`.
#
# Hints: in $1 - \tanh^2 x$ you square the *output* $\tanh x$, not $x$. For `pow` the
# exponent comes down as a factor and goes down by one.

# %%
def unary_backward(op, x, dout, k=2):
    """dF/dx for out = exp(x), tanh(x) or x ** k, given dout = dF/dout."""
    ### BEGIN SOLUTION
    if op == "exp":
        local = np.exp(x)
    elif op == "tanh":
        local = 1 - np.tanh(x) ** 2
    else:
        local = k * x ** (k - 1)
    return local * dout
    ### END SOLUTION


# %% tags=["raises-exception"]
x_try = np.array([-1.0, 0.0, 2.0])
for op in ("exp", "tanh", "pow"):
    print(f"{op:5}", unary_backward(op, x_try, np.ones(3)).round(4))

# %%
ch05.unary_backward(unary_backward)

# %% [markdown]
# ## Exercise 3 · A value used twice (1 point)
#
# In $F(x, y) = (x + y) \cdot x$ the input $x$ is used twice: once inside $u = x + y$
# and once directly in the product $F = u \cdot x$. Draw the graph on paper, then write
# `fan_out_gradients(x, y)` that returns `(F, dF_dx, dF_dy)`, going backwards through
# the graph with the rules of exercise 1:
#
# 1. $dF/du$ and the direct $dF/dx$ from the product;
# 2. $dF/dx$ and $dF/dy$ through $u = x + y$;
# 3. $x$ receives a gradient along **both** paths: add them.
#
# `x` and `y` are numbers or arrays of one shape; so are the three results.

# %%
def fan_out_gradients(x, y):
    """F = (x + y) * x and its gradients (F, dF/dx, dF/dy); x is used twice."""
    ### BEGIN SOLUTION
    u = x + y
    F = u * x
    du, dx_direct = binary_backward("*", u, x, 1.0)      # F = u * x
    dx_via_u, dy = binary_backward("+", x, y, du)        # u = x + y
    return F, dx_direct + dx_via_u, dy
    ### END SOLUTION


# %% tags=["raises-exception"]
print(fan_out_gradients(2.0, 4.0))                      # F = 12, dF/dx = 2x + y = 8, dF/dy = 2
a, b = Value(2.0), Value(4.0)
F = (a + b) * a
F.backward()
print("the engine:", F.data, a.grad, b.grad)

# %%
ch05.fan_out_gradients(fan_out_gradients)

# %% [markdown]
# ## Exercise 4 · Topological order (2 points)
#
# `Value.backward()` must visit a node only after every node that *uses* it has passed
# its gradient down. It gets that order by sorting the graph: write
# `topological_order(root)` that returns a list of every `Value` that `root` depends on
# (and `root` itself), each **once**, every value **after** the values it was computed
# from (`value.parents`), and `root` last. `backward()` then walks the list from the end.
#
# Hints: a depth-first search. Keep a `set` of the values already visited (by
# `id(value)` or the value itself) so that a value used twice is listed once; append a
# value only after all its parents. A recursive function is fine for the check's graphs
# (up to 300 levels deep); `nnedu.graph.topological_order` uses an explicit stack so that
# it also works for graphs deeper than Python's recursion limit. Only *read* the graph.

# %%
def topological_order(root):
    """Every Value root depends on, each once, parents before children, root last."""
    ### BEGIN SOLUTION
    order, seen = [], set()

    def visit(node):
        if id(node) in seen:
            return
        seen.add(id(node))
        for parent in node.parents:
            visit(parent)
        order.append(node)

    visit(root)
    return order
    ### END SOLUTION


# %% tags=["raises-exception"]
a, b, c = Value(2.0, label="a"), Value(4.0, label="b"), Value(8.0, label="c")
u = a + b
u.label = "u"
F = 3 * (u * c)
print([v.label or v.op for v in topological_order(F)])

# %%
ch05.topological_order(topological_order)

# %% [markdown]
# ## Question (not graded)
#
# Why can `backward()` not simply visit the nodes in *any* order, say a breadth-first
# walk from the root? Think of the value `a` in `(a + 1) * (a + 2)` and of a node with
# fan-out whose two users sit at different depths.

# %% [markdown]
# ### BEGIN SOLUTION
# A node may pass its gradient down only once its own gradient is complete, that is,
# after every value that uses it has added its share. In a graph with fan-out a node can
# be reached along a short path and a long one; an order that visits it after the short
# path alone would send an incomplete gradient to its inputs, and the share that arrives
# later along the long path would never reach them. A topological order, walked from
# the root backwards, visits every user of a node before the node itself, so each
# gradient is final when it is used.
# ### END SOLUTION

# %% [markdown]
# ## Exercise 5 · Checking a gradient with finite differences (1 point)
#
# Write `finite_differences(f, x, h)`: for a function `f` that takes an array and
# returns one number, return the array of centred differences
#
# $$ \frac{\partial f}{\partial x_i} \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h}, $$
#
# where $e_i$ is 1 at entry $i$ and 0 elsewhere. `x` may have any shape (use
# `np.ndindex(x.shape)` to visit every entry); the result has the shape of `x`.
#
# Hints: nudge one entry, evaluate, nudge the other way, evaluate, and **restore** the
# entry (or work on a copy): the caller's `x` must be unchanged. The centred form is far
# more accurate than $(f(x + h) - f(x))/h$: its error shrinks like $h^2$, not $h$.

# %%
def finite_differences(f, x, h=1e-5):
    """Centred-difference gradient of a scalar function f at the array x."""
    ### BEGIN SOLUTION
    grad = np.zeros_like(x, dtype=float)
    for i in np.ndindex(x.shape):
        saved = x[i]
        x[i] = saved + h
        f_plus = f(x)
        x[i] = saved - h
        f_minus = f(x)
        x[i] = saved
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad
    ### END SOLUTION


# %% tags=["raises-exception"]
def worked(v):
    """F(a, b, c) = 3 (a + b) c, the lesson's example."""
    return 3 * (v[0] + v[1]) * v[2]


print(finite_differences(worked, np.array([2.0, 4.0, 8.0]), 1e-3))   # about 24, 24, 18

# %%
ch05.finite_differences(finite_differences)

# %% [markdown]
# ## Exercise 6 · Putting it together: a whole neuron (2 points)
#
# A neuron with inputs `x` (shape `(D,)`), weights `w` (`(D,)`) and bias `b` (a number)
# computes $n = w \cdot x + b$ and $o = \tanh(n)$. Write `neuron_gradients(x, w, b)`
# returning `(o, dx, dw, db)` with
#
# $$ \frac{\partial o}{\partial n} = 1 - o^2, \qquad
#    \frac{\partial o}{\partial w} = \frac{\partial o}{\partial n}\, x, \qquad
#    \frac{\partial o}{\partial x} = \frac{\partial o}{\partial n}\, w, \qquad
#    \frac{\partial o}{\partial b} = \frac{\partial o}{\partial n} . $$
#
# Shapes: `dx` and `dw` `(D,)`, `o` and `db` numbers. You may reuse your rules from
# exercises 1 and 2. Below the check, your gradients are compared with the engine's
# and with your finite differences of exercise 5.

# %%
def neuron_gradients(x, w, b):
    """o = tanh(w . x + b) and (o, do/dx, do/dw, do/db)."""
    ### BEGIN SOLUTION
    n = w @ x + b
    o = np.tanh(n)
    dn = unary_backward("tanh", n, 1.0)                 # 1 - o^2
    return o, dn * w, dn * x, dn
    ### END SOLUTION


# %%
ch05.neuron_gradients(neuron_gradients)

# %% tags=["raises-exception"]
x_n, w_n, b_n = np.array([2.0, 0.0]), np.array([-3.0, 1.0]), 6.8813735870195432
o, dx, dw, db = neuron_gradients(x_n, w_n, b_n)
xs, ws, bv = [Value(v) for v in x_n], [Value(v) for v in w_n], Value(b_n)
out = (xs[0] * ws[0] + xs[1] * ws[1] + bv).tanh()
out.backward()
numeric_dw = finite_differences(lambda v: np.tanh(v @ x_n + b_n), w_n.copy())
print(f"o = {o:.4f}; dw by hand {dw}, by the engine {[v.grad for v in ws]}, "
      f"by finite differences {numeric_dw.round(6)}")
assert np.allclose(dw, [v.grad for v in ws]) and np.allclose(dw, numeric_dw, atol=1e-8)
assert np.isclose(o, 1 / np.sqrt(2)) and np.isclose(db, 0.5)

# %% [markdown]
# The neuron outputs $o = 1/\sqrt 2 \approx 0.7071$, so $\partial o/\partial n = 1 - o^2 =
# 0.5$ (the assert checks both), and hand, engine and finite differences agree.
#
# ## Summary
#
# You wrote the local backward rules that every autograd engine is built from, added up
# the gradients of a value used twice, put a graph in topological order, checked
# gradients with centred differences and chained all of it through a neuron.
#
# ## What's next
#
# In **06 · Backpropagation** the same rules, applied to whole layers at once, train a
# network: forward, loss, backward, update.

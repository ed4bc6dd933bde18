# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 01 · The perceptron: exercises
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/nnedu-course/nnedu/blob/main/solutions/01_perceptron.ipynb) [![Open In Kaggle](https://kaggle.com/static/images/open-in-kaggle.svg)](https://kaggle.com/kernels/welcome?src=https://github.com/nnedu-course/nnedu/blob/main/solutions/01_perceptron.ipynb)
#
# Five exercises, from one prediction to a search through all of weight space. Write
# your code where it says `# YOUR CODE HERE` (delete the `raise NotImplementedError()`
# line), then run the check cell under it: it prints ✓ when your function is right, or
# the input, the expected answer, what came back and a hint. Later exercises may call
# your earlier functions (`train` can use `update`, `find_separator` uses `separates`).
# The truth tables come from `nnedu.data.logic_gate("and")`, which returns `(X, y)`. The
# small cells that try a function out say "not written yet" while a function is still
# empty, so *Run All* goes on past them; add cells of your own to try more inputs.
#
# **Goals**
#
# - compute a perceptron's predictions with NumPy, for a whole batch at once;
# - write the learning rule and the training loop yourself;
# - show with a search through weight space that no line computes XOR, while lines
#   for AND, OR, NAND and NOR are easy to find.
#
# Conventions (the same as the lesson and `nnedu.perceptron.Perceptron`): labels are 0
# and 1, and the neuron fires (outputs 1) when $z = w \cdot x + b \ge 0$.

# %% tags=["setup", "nbval-skip"]
# Setup: on Colab or Kaggle this installs nnedu; on your own machine it does nothing.
try:
    import nnedu
except ImportError:
    # %pip install -q "nnedu @ git+https://github.com/nnedu-course/nnedu"
    import nnedu

# %%
import itertools

import numpy as np

from nnedu.checks import ch01
from nnedu.data import logic_gate

# %% [markdown]
# ## Exercise 1 · Predict (1 point)
#
# Write `predict(w, b, X)`: the perceptron's output for every row of `X`.
#
# - `w`: weights, shape `(D,)`; `b`: the bias, a number; `X`: inputs, shape `(N, D)`, one
#   sample per row.
# - Return an array of shape `(N,)` with 1 where $x \cdot w + b \ge 0$ and 0 elsewhere.
#
# Hints: `X @ w` computes all $N$ weighted sums at once. Do not forget `b`, and note
# that $z = 0$ gives 1. `(z >= 0).astype(int)` turns True/False into 1/0.

# %%
def predict(w, b, X):
    """Step of the net input: 1 where X @ w + b >= 0, else 0. X (N, D), w (D,) -> (N,)."""
    ### BEGIN SOLUTION
    z = X @ w + b
    return (z >= 0).astype(int)
    ### END SOLUTION


# %% tags=["raises-exception"]
X_and, y_and = logic_gate("and")
try:
    print("the AND neuron w = (1, 1), b = -1.5:", predict(np.array([1.0, 1.0]), -1.5, X_and),
          " AND:", y_and)
except NotImplementedError:
    print("predict is not written yet: this cell shows its output once it is.")

# %%
ch01.predict(predict)
### BEGIN HIDDEN TESTS
from nnedu.checks import call, expect_close, expect_equal


def hidden_predict(predict):
    """Three features and rows whose net input is exactly 0 or just below it."""
    X = np.array([[1.0, -2.0, 0.5], [0.0, 0.0, 0.0], [-1.0, 1.0, 2.0], [2.0, 4.0, 1.0]])
    for w, b in [(np.array([0.5, 0.25, -1.0]), 0.0), (np.array([1.0, -0.5, 0.0]), -0.25)]:
        want = (X @ w + b >= 0).astype(int)
        expect_close(call(predict, w.copy(), b, X.copy()), want, what="predict(w, b, X)")


assert ch01.predict(predict, hidden=hidden_predict)["passed"], "a hidden test failed"
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 2 · One update step (1 point)
#
# Write `update(w, b, x, y, learning_rate=1.0)`: show the neuron ONE sample and return
# the new weights and bias, `(w_new, b_new)`.
#
# $$ \hat y = H(w \cdot x + b), \qquad w_{new} = w + \alpha\,(y - \hat y)\, x, \qquad
#    b_{new} = b + \alpha\,(y - \hat y) $$
#
# - `w`: shape `(D,)`; `b`: a number; `x`: ONE sample, shape `(D,)`; `y`: its label, 0 or 1.
# - $z = w \cdot x + b = 0$ counts as firing: $\hat y = 1$ when $z \ge 0$.
# - Return the pair in that order, `(w_new, b_new)`: `w_new` a NEW array of shape `(D,)`
#   (write `w + ...`, not `w += ...`, which would change the caller's array) and `b_new`
#   a number.
#
# Common mistakes the check recognises: the sign flipped ($\hat y - y$), the bias not
# updated, the learning rate forgotten, using $z$ instead of $\hat y$.

# %%
def update(w, b, x, y, learning_rate=1.0):
    """One perceptron step on sample x (D,) with label y in {0, 1}; returns (w_new, b_new)."""
    ### BEGIN SOLUTION
    y_hat = 1 if x @ w + b >= 0 else 0
    error = y - y_hat                    # 0 when right, +1 or -1 on a mistake
    return w + learning_rate * error * x, b + learning_rate * error
    ### END SOLUTION


# %%
ch01.update(update)

# %% [markdown]
# ## Exercise 3 · The training loop (2 points)
#
# Write `train(X, y, epochs=100, learning_rate=1.0)` and return `(w, b, errors)`:
#
# 1. start from `w = np.zeros(D)` and `b = 0.0`;
# 2. in each epoch visit the rows of `X` **in order**, and for each row call `update`;
#    count the samples the neuron got wrong **before** its update;
# 3. append that epoch's count to the list `errors`;
# 4. stop after the first epoch with 0 mistakes, or after `epochs` epochs.
#
# The check compares `w`, `b` and `errors` with `nnedu.perceptron.Perceptron` on AND, OR,
# NAND, XOR and 30 random separable points.
#
# Hint: a sample was a mistake when `predict(w, b, x[None, :])[0] != y_i`, or equally when
# `update` changed anything. Reset the count to 0 at the start of every epoch.

# %%
def train(X, y, epochs=100, learning_rate=1.0):
    """Perceptron training from zero weights. X (N, D), y (N,) -> (w (D,), b, errors list)."""
    ### BEGIN SOLUTION
    w, b, errors = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        mistakes = 0
        for x_i, y_i in zip(X, y):
            if predict(w, b, x_i[None, :])[0] != y_i:
                mistakes += 1
            w, b = update(w, b, x_i, y_i, learning_rate)
        errors.append(mistakes)
        if mistakes == 0:
            break
    return w, b, errors
    ### END SOLUTION


# %% tags=["raises-exception"]
try:
    w_trained, b_trained, errors = train(X_and, y_and)
    print("AND: w =", w_trained, " b =", b_trained, " mistakes per epoch:", errors)
except NotImplementedError:
    print("train (or update) is not written yet: this cell shows its output once it is.")

# %%
ch01.train(train)

# %% [markdown]
# ## Exercise 4 · Does a line separate the data? (1 point)
#
# Write `separates(w, b, X, y)`: return `True` when the perceptron with weights `w` and
# bias `b` classifies **every** row of `X` (shape `(N, D)`) as its label in `y` (shape
# `(N,)`), else `False`. Return ONE bool, not an array.
#
# Hint: reuse `predict`; `np.all(...)` is True only when every entry is.

# %%
def separates(w, b, X, y):
    """True when predict(w, b, X) equals y on every row. X (N, D), w (D,), y (N,) -> bool."""
    ### BEGIN SOLUTION
    return bool(np.all(predict(w, b, X) == y))
    ### END SOLUTION


# %%
ch01.separates(separates)
### BEGIN HIDDEN TESTS
from nnedu.checks import call, expect_close, expect_equal


def hidden_separates(separates):
    """Three inputs; one line that separates the rows, one that misses a single row."""
    X = np.array([[0.0, 0.0, 1.0], [1.0, 1.0, 0.0], [1.0, 0.0, 1.0]])
    y = np.array([0, 1, 1])
    for w, b in [(np.array([1.0, 1.0, -1.0]), -0.5), (np.array([1.0, 1.0, 1.0]), -1.5)]:
        want = bool(np.all((X @ w + b >= 0).astype(int) == y))
        expect_equal(bool(call(separates, w.copy(), b, X.copy(), y.copy())), want,
                     what="separates(w, b, X, y)")


assert ch01.separates(separates, hidden=hidden_separates)["passed"], "a hidden test failed"
### END HIDDEN TESTS

# %% [markdown]
# ## Exercise 5 · Putting it together: search weight space (2 points)
#
# Minsky and Papert proved that no perceptron computes XOR. Let us look for one anyway,
# by brute force. Write `find_separator(X, y, values)`:
#
# - try every weight vector whose $D$ entries are taken from `values` (a 1-D array of
#   numbers; $D$ = `X.shape[1]`), together with every bias `b` in `values`;
# - return a `(w, b)` for which `separates(w, b, X, y)` is True: `w` a NumPy array of
#   shape `(D,)` and `b` a Python float (`float(b)`; a NumPy number would print as
#   `np.float64(-1.0)` under NumPy 2). Any separating candidate counts, not only the
#   first in the loop's order: the check tests that your `(w, b)` separates the data;
# - return `None` if no candidate separates the data.
#
# Hint: `itertools.product(values, repeat=D + 1)` yields every tuple
# $(w_1, \dots, w_D, b)$; with 9 values and $D = 2$ that is $9^3 = 729$ candidates. Do not
# assume $D = 2$: the check also uses data with 3 inputs.

# %%
grid = np.linspace(-2, 2, 9)                       # -2, -1.5, ..., 2: the check's grid
n_candidates = len(list(itertools.product(grid, repeat=3)))
print(grid, "->", n_candidates, "candidates (w1, w2, b)")
assert n_candidates == 9 ** 3 == 729

# %%
def find_separator(X, y, values):
    """First (w (D,), b) with every entry from values that separates (X, y), or None."""
    ### BEGIN SOLUTION
    for *w, b in itertools.product(values, repeat=X.shape[1] + 1):
        w = np.array(w)
        if separates(w, b, X, y):
            return w, float(b)
    return None
    ### END SOLUTION


# %% tags=["raises-exception"]
try:
    for gate in ["and", "or", "nand", "nor", "xor"]:
        print(f"{gate:>4}:", find_separator(*logic_gate(gate), grid))
except NotImplementedError:
    print("find_separator (or separates) is not written yet: this cell shows its output "
          "once it is.")

# %%
ch01.find_separator(find_separator)

# %% [markdown]
# ## Question (not graded)
#
# Your search found no separating line for XOR among the $9^3$ candidates of the grid.
# Why does that not yet **prove** that no perceptron computes XOR? Then give a real proof:
# write down the four conditions that $(w_1, w_2, b)$ would have to meet, one per row of
# the truth table, and show that they contradict each other.

# %% [markdown]
# ### BEGIN SOLUTION
# A grid holds finitely many candidates: a separator could have weights between the
# grid points, or outside the range searched (as AND has none on the grid $\{0, 1\}$
# because its bias must be negative). A proof has to cover all real weights.
#
# With the step $z \ge 0 \Rightarrow 1$, computing XOR would need
# $b < 0$ (row $(0,0) \mapsto 0$), $w_2 + b \ge 0$ and $w_1 + b \ge 0$ (rows $(0,1)$ and
# $(1,0) \mapsto 1$), and $w_1 + w_2 + b < 0$ (row $(1,1) \mapsto 0$). Adding the middle
# two gives $w_1 + w_2 + 2b \ge 0$, so $w_1 + w_2 + b \ge -b > 0$, which contradicts the
# last condition. No real $(w_1, w_2, b)$ exists.
# ### END SOLUTION

# %% [markdown]
# ## Summary
#
# You wrote a perceptron from scratch: `predict` for a batch, `update` for one learning
# step, `train` for the loop that stops when an epoch is error-free. With `separates`
# and `find_separator` you searched weight space and found lines for AND, OR, NAND and
# NOR but none for XOR, and you saw why a search alone is not a proof.
#
# ## What's next
#
# Chapter **02 · Activation functions** replaces the step by smooth functions (sigmoid,
# tanh, ReLU and friends) and you will implement them, with their derivatives, in its
# exercises.

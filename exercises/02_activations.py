# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 02 · Activation functions: exercises
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/nnedu-course/nnedu/blob/main/exercises/02_activations.ipynb) [![Open In Kaggle](https://kaggle.com/static/images/open-in-kaggle.svg)](https://kaggle.com/kernels/welcome?src=https://github.com/nnedu-course/nnedu/blob/main/exercises/02_activations.ipynb)
#
# You will write the activation functions of the lesson, their derivatives, and the tool
# that tells you whether a derivative is right. Write your code where it says
# `# YOUR CODE HERE` (delete the `raise NotImplementedError()` line) and run the check
# cell under it. The cell that tries your functions out says "not written yet" while they
# are still empty, so *Run All* goes on past it.
#
# **Goals**
#
# - write a sigmoid that never overflows, ReLU and leaky ReLU with NumPy, elementwise;
# - build tanh from the sigmoid, $\tanh(z) = 2\sigma(2z) - 1$;
# - differentiate each function, and check each derivative numerically.
#
# **Rules for every function here.** `z` is a NumPy array of any shape (or a number);
# return floats (float64) in an array of the same shape, computed elementwise, and do not
# change `z` itself; the checks test all three. No Python loops are needed: NumPy applies
# `np.exp`, `np.maximum`, `np.where` and arithmetic to every entry at once. Do not call
# `nnedu.activations`: the point is to write them yourself.

# %% tags=["setup", "nbval-skip"]
# Setup: on Colab or Kaggle this installs nnedu; on your own machine it does nothing.
try:
    import nnedu
except ImportError:
    # %pip install -q "nnedu @ git+https://github.com/nnedu-course/nnedu"
    import nnedu

# %%
import numpy as np

from nnedu.checks import ch02

# %% [markdown]
# ## Exercise 1 · A sigmoid that never overflows (1 point)
#
# $$ \sigma(z) = \frac{1}{1 + e^{-z}} $$
#
# Written like that, `1 / (1 + np.exp(-z))` overflows for $z = -1000$ ($e^{1000}$ is far
# beyond the largest float64) and NumPy warns. Use the stable form: with
# `e = np.exp(-np.abs(z))`, which is always in $(0, 1]$,
#
# $$ \sigma(z) = \frac{1}{1 + e} \text{ for } z \ge 0, \qquad
#    \sigma(z) = \frac{e}{1 + e} \text{ for } z < 0 . $$
#
# Hints: `np.where(condition, a, b)` picks from `a` where the condition holds and from `b`
# elsewhere, but it computes **both** `a` and `b` for every entry first, so both must be
# safe everywhere (they are, with `e` as above). Start with `z = np.asarray(z, dtype=float)`
# so that a plain number works too (and the result is float64: float32 keeps only about 7
# digits and rounds $\sigma(-700)$ to 0). The check also wants $\sigma(-40) \approx 4.2
# \times 10^{-18}$ to full precision, which `1 - sigmoid(40)` cannot give.

# %%
def sigmoid(z):
    """Stable logistic sigmoid 1 / (1 + e^-z), elementwise; any shape in, same shape out."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %%
ch02.sigmoid(sigmoid)

# %% [markdown]
# ## Exercise 2 · ReLU (1 point)
#
# $\mathrm{relu}(z) = \max(0, z)$, elementwise.
#
# Hint: `np.maximum(z, 0)` compares each entry with 0. (`np.max(z, 0)` is something else:
# the largest entry along axis 0.) Do not write `z[z < 0] = 0`: that changes the caller's
# array.

# %%
def relu(z):
    """Rectified linear unit max(0, z), elementwise; any shape in, same shape out."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %%
ch02.relu(relu)


# %% [markdown]
# ## Exercise 3 · Leaky ReLU (1 point)
#
# $z$ where $z > 0$, and $\alpha z$ elsewhere. The default slope is $\alpha = 0.01$ (some notes
# use 0.1: keep 0.01 as the default, and use whatever `alpha` the caller passes).

# %%
def leaky_relu(z, alpha=0.01):
    """Leaky ReLU: z for z > 0, alpha * z otherwise; any shape in, same shape out."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %%
ch02.leaky_relu(leaky_relu)

# %% [markdown]
# ## Exercise 4 · Tanh from the sigmoid (1 point)
#
# Write `tanh` **without** `np.tanh` (the check reads your function's source and refuses a
# call to any `.tanh(...)`), using your `sigmoid`:
#
# $$ \tanh(z) = 2\,\sigma(2z) - 1 . $$
#
# Because your sigmoid is stable, this tanh is stable too: the check tries $z = \pm 1000$.

# %%
def tanh(z):
    """Hyperbolic tangent as 2 sigmoid(2z) - 1; any shape in, same shape out."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %%
ch02.tanh(tanh)

# %% [markdown]
# ## Exercise 5 · The derivatives (4 × 1 point)
#
# Write the derivative of each function, elementwise:
#
# - `sigmoid_grad(z)` $= \sigma(z)\,(1 - \sigma(z))$: compute $s = \sigma(z)$ first (with your
#   stable sigmoid), then $s(1 - s)$;
# - `relu_grad(z)` $= 1$ for $z > 0$, else $0$ (at $z = 0$ the derivative does not exist;
#   use 0, as libraries do);
# - `leaky_relu_grad(z, alpha=0.01)` $= 1$ for $z > 0$, else $\alpha$ (also at $z = 0$);
# - `tanh_grad(z)` $= 1 - \tanh^2(z)$, with your `tanh`.
#
# Return floats, as the rules above say: the check refuses ints and bools
# (`(z > 0).astype(float)` turns True/False into 1.0/0.0).

# %%
def sigmoid_grad(z):
    """Derivative of the sigmoid, s (1 - s) with s = sigmoid(z); same shape as z."""
    # YOUR CODE HERE
    raise NotImplementedError()


def relu_grad(z):
    """Derivative of relu: 1.0 where z > 0, else 0.0; same shape as z."""
    # YOUR CODE HERE
    raise NotImplementedError()


def leaky_relu_grad(z, alpha=0.01):
    """Derivative of leaky relu: 1.0 where z > 0, else alpha; same shape as z."""
    # YOUR CODE HERE
    raise NotImplementedError()


def tanh_grad(z):
    """Derivative of tanh, 1 - tanh(z)^2; same shape as z."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %%
ch02.sigmoid_grad(sigmoid_grad)

# %%
ch02.relu_grad(relu_grad)

# %%
ch02.leaky_relu_grad(leaky_relu_grad)

# %%
ch02.tanh_grad(tanh_grad)

# %% [markdown]
# ## Exercise 6 · The numerical derivative (1 point)
#
# How do you know a derivative you wrote is right? Compare it with the slope measured
# numerically. Write `numerical_derivative(f, z, eps=1e-5)`, the **centred difference**
#
# $$ f'(z) \approx \frac{f(z + \epsilon) - f(z - \epsilon)}{2\epsilon} , $$
#
# elementwise for an elementwise function `f` and an array `z`.
#
# Hints: write `/ (2 * eps)` with the parentheses. The one-sided difference
# $(f(z + \epsilon) - f(z)) / \epsilon$ is less accurate (its error shrinks like $\epsilon$, the
# centred one's like $\epsilon^2$); the check can tell them apart. Do not change `z` in place
# (`z += eps`): build `z + eps` and `z - eps` as new arrays.

# %%
def numerical_derivative(f, z, eps=1e-5):
    """Centred difference (f(z + eps) - f(z - eps)) / (2 eps), elementwise; same shape as z."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %%
ch02.numerical_derivative(numerical_derivative)

# %% [markdown]
# ## Exercise 7 · Putting it together: check every derivative (2 points)
#
# Write `derivative_error(f, f_grad, z)`: one number that says how far `f_grad(z)` is from
# `numerical_derivative(f, z)`, the **relative error**
#
# $$ \frac{\max_i \lvert n_i - a_i \rvert}{\max\bigl(\max_i \lvert n_i \rvert,\ \max_i \lvert a_i \rvert,\
#    10^{-12}\bigr)} $$
#
# with $n$ the numerical and $a$ the analytic derivative (the same formula as
# `nnedu.gradcheck.rel_error`). Below about $10^{-7}$ the derivative is right; around 1 it has
# nothing to do with the function.
#
# Hints: a relative error, not an absolute one (a function with values near $10^6$ has
# large absolute differences even when its derivative is right to many digits); the
# largest difference (`np.max`), not the mean; return one float.
#
# Then run the cell after the check: it uses your function on all your pairs.

# %%
def derivative_error(f, f_grad, z):
    """Relative error between numerical_derivative(f, z) and f_grad(z): one float."""
    # YOUR CODE HERE
    raise NotImplementedError()


# %%
ch02.derivative_error(derivative_error)

# %% [markdown]
# All your functions, checked by your own tool at 50 random points (none exactly at the
# kink $z = 0$ of relu and leaky relu):

# %% tags=["raises-exception"]
z_test = np.random.default_rng(0).uniform(-5, 5, size=50)
z_test = z_test[np.abs(z_test) > 1e-3]
for name, f, f_grad in [("sigmoid", sigmoid, sigmoid_grad), ("relu", relu, relu_grad),
                        ("leaky_relu", leaky_relu, leaky_relu_grad), ("tanh", tanh, tanh_grad)]:
    try:
        error = derivative_error(f, f_grad, z_test)
        print(f"{name:>10}: relative error {error:.1e}", "✓" if error < 1e-7 else "✗")
    except NotImplementedError:
        print(f"{name:>10}: not written yet (or derivative_error is not)")

# %% [markdown]
# ## Questions (not graded)
#
# 1. Your `derivative_error(relu, relu_grad, np.array([-1.0, 0.0, 2.0]))` is 0.5, not
#    tiny, although `relu_grad` is right. Why?
# 2. A classmate says: "tanh is zero-centred, so it does not suffer from vanishing
#    gradients." What is right and what is wrong in that sentence? Use your
#    `sigmoid_grad` and `tanh_grad` at $z = 5$ in the argument.

# %% [markdown]
# YOUR ANSWER HERE

# %% [markdown]
# ## Summary
#
# You wrote the stable sigmoid, ReLU, leaky ReLU and tanh, the derivative of each, the
# centred difference and a relative-error check, which is exactly how deep-learning code
# is tested: every hand-written derivative is compared with a numerical one.
#
# ## What's next
#
# Chapter **03 · Multilayer networks and the forward pass** uses these functions inside
# layers of neurons.

# %% [markdown]
# ## Appendix: the numbers quoted in this notebook
#
# Computed with the library's functions (read this after you answered the questions: it
# holds numbers their answers use).

# %%
from nnedu import activations as act
from nnedu.gradcheck import rel_error

kink = (act.relu(1e-5) - act.relu(-1e-5)) / 2e-5
z_kink = np.array([-1.0, 0.0, 2.0])
relu_numeric = (act.relu(z_kink + 1e-5) - act.relu(z_kink - 1e-5)) / 2e-5
relu_error = rel_error(relu_numeric, act.relu_grad(z_kink))
print(f"relative error of relu_grad at z = {z_kink}: {relu_error}")
assert np.isclose(relu_error, 0.5)
print(f"sigmoid(-40) = {float(act.sigmoid(-40.0)):.2e}, centred difference of relu at 0 = "
      f"{float(kink)}")
print(f"tanh'(5) = {float(act.tanh_grad(5.0)):.1e}, sigmoid'(5) = "
      f"{float(act.sigmoid_grad(5.0)):.1e}")
assert round(float(act.sigmoid(-40.0)) / 1e-18, 1) == 4.2 and kink == 0.5
assert round(float(act.tanh_grad(5.0)) / 1e-4, 1) == 1.8
assert round(float(act.sigmoid_grad(5.0)) / 1e-3, 1) == 6.6

# Exercise 6's claim, on sin at z = 1 (true slope cos 1): the centred difference is far
# more accurate than the one-sided one.
eps = 1e-3
one_sided_error = abs((np.sin(1 + eps) - np.sin(1)) / eps - np.cos(1))
centred_error = abs((np.sin(1 + eps) - np.sin(1 - eps)) / (2 * eps) - np.cos(1))
print(f"eps = {eps}: one-sided error {one_sided_error:.1e}, centred error {centred_error:.1e}")
assert centred_error < 1e-3 * one_sided_error

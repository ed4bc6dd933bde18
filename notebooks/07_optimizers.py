# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 07 · Gradient descent and optimizers
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/nnedu-course/nnedu/blob/main/notebooks/07_optimizers.ipynb) [![Open In Kaggle](https://kaggle.com/static/images/open-in-kaggle.svg)](https://kaggle.com/kernels/welcome?src=https://github.com/nnedu-course/nnedu/blob/main/notebooks/07_optimizers.ipynb)
#
# Chapter 06 gave us the gradient of the loss with respect to every weight. This chapter
# is about what to *do* with it. The answer, "take a small step against the gradient",
# leaves three questions open that decide whether training takes seconds, hours or never
# ends: how many examples to look at before each step, how big the step is, and whether
# the step should remember the previous ones. The optimizers used in practice (SGD with
# momentum, RMSprop, Adam) are different answers to the last two.
#
# **After this lesson you can**
#
# - tell batch, stochastic and mini-batch gradient descent apart and count the
#   iterations of an epoch;
# - recognise a learning rate that is too small or too large, and decay it with a
#   schedule or when the validation loss stalls;
# - write momentum the right way ($v \leftarrow \beta v - \alpha g$, $w \leftarrow w + v$),
#   explain Nesterov's look-ahead and why momentum helps in an ill-conditioned ravine;
# - state what AdaGrad, AdaDelta, RMSprop and Adam divide by, and Adam's defaults;
# - read loss landscapes: bowl, ravine, Rosenbrock's valley, a saddle point, two minima;
# - weigh batch sizes (gradient noise, time per epoch, memory) on a real data set;
# - pick a learning rate with a range test.

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
import time

import numpy as np

import nnedu
from nnedu import data, optimizers, quadratic, schedules, surfaces, tuning, viz
from nnedu.activations import softmax
from nnedu.layers import Dense
from nnedu.models import Sequential
from nnedu.viz import style
from nnedu.viz.batch_size import run as batch_run
from nnedu.viz.lr import compare_optimizers

# %% [markdown]
# ## 1. Gradient descent, and how much data goes into one step
#
# The gradient $\nabla L(w)$ points in the direction in which the loss grows fastest.
# **Gradient descent** walks the other way, by a step proportional to the learning rate
# $\alpha$:
#
# $$ w \leftarrow w - \alpha \, \nabla L(w) . $$
#
# The loss of a network is a mean over the training examples, so its gradient is a mean
# of one gradient per example. How many examples we average before each step gives
# three flavours:
#
# - **batch** gradient descent: all $N$ examples, one step per pass over the data.
#   The exact gradient, but one step costs a full pass;
# - **stochastic** gradient descent (SGD, in the strict sense): one example per step,
#   $N$ noisy steps per pass;
# - **mini-batch** gradient descent: $B$ examples per step (typically 16 to 512). This is
#   what everybody means by "SGD" today, and what `fit(batch_size=B)` does.
#
# One pass over the training data is an **epoch**; one step is an **iteration**. With
# $N$ examples and batch size $B$ an epoch has $\lceil N / B \rceil$ iterations, the last
# one holding what is left over. `nnedu.data.minibatches` cuts an epoch into batches:

# %%
def batch_sizes(n_samples, batch_size):
    """The sizes of the batches of one epoch, from nnedu.data.minibatches."""
    X, y = np.zeros((n_samples, 1)), np.zeros(n_samples)
    return [len(yb) for _, yb in data.minibatches(X, y, batch_size, seed=0)]


sizes_a, sizes_b = batch_sizes(1000, 10), batch_sizes(1050, 100)
print(f"1000 samples, batch 10:  {len(sizes_a)} iterations per epoch")
print(f"1050 samples, batch 100: {len(sizes_b)} iterations, sizes {sizes_b}")
assert len(sizes_a) == 100 and set(sizes_a) == {10}
assert len(sizes_b) == 11 and sizes_b[-1] == 50 and sizes_b[:-1] == [100] * 10
assert len(sizes_b) == math.ceil(1050 / 100)

# %% [markdown]
# 1000 examples with batch size 10 make 100 iterations per epoch; 1050 with batch size
# 100 make 11, the last one of only 50 examples (it is kept: dropping it would skip 50
# examples every epoch). The library's SGD step is one line, the formula above:

# %%
nnedu.show_source(optimizers.SGD.update_step)

# %% [markdown]
# ## 2. The learning rate
#
# To see optimizers move we need a loss we can draw: a function of just two weights
# $w = (x, y)$. `nnedu.surfaces` has five. The first is a **ravine**,
# $f = 0.5x^2 + 10y^2$: steep across ($y$), shallow along ($x$). Its curvatures (the
# eigenvalues of the matrix of second derivatives, the Hessian) are 1 and 20; their ratio
# is the **condition number**.

# %%
ravine = surfaces.get("ravine")
hessian = ravine.hessian(np.array([1.0, 1.0]))
kappa = surfaces.condition_number("ravine")
print("Hessian of the ravine:\n", hessian.round(6))
print(f"condition number: {kappa:.1f}")
assert np.allclose(hessian, [[1.0, 0.0], [0.0, 20.0]], atol=1e-6)
assert math.isclose(kappa, 20.0, rel_tol=1e-6)

# %% [markdown]
# The round **bowl** $f = x^2 + y^2$ is the other extreme: curvature 2 in every
# direction, condition number 1. There one rate suits every direction, and
# $\alpha = 1/2$ (one over the curvature) lands on the minimum in a single step:

# %%
bowl = surfaces.get("bowl")
points, _ = surfaces.descend(bowl, optimizers.SGD(0.5), steps=1)
print(f"bowl: condition number {surfaces.condition_number('bowl'):.1f}; "
      f"one SGD step with lr 0.5 from {points[0]} reaches {points[1]}")
assert math.isclose(surfaces.condition_number("bowl"), 1.0, rel_tol=1e-6)
assert np.allclose(points[1], [0.0, 0.0])

# %% [markdown]
# Along each axis one gradient step multiplies the distance to the minimum by
# $1 - \alpha\lambda$ ($\lambda$ the curvature along that axis). It shrinks only while
# $|1 - \alpha\lambda| < 1$, i.e. $\alpha < 2/\lambda$. The steep direction decides:
# $\alpha < 2/20 = 0.1$. Just below that limit SGD zig-zags across the ravine and
# still converges; just above it, every step overshoots further and the weights run
# away. A rate 100 times smaller is safe but crawls. The picture shows all three, from
# the same start (the X marks where a run left the picture):

# %%
runs = {"SGD lr=0.001 (too small)": optimizers.SGD(learning_rate=0.001),
        "SGD lr=0.09": optimizers.SGD(learning_rate=0.09),
        "SGD lr=0.11 (too large)": optimizers.SGD(learning_rate=0.11)}
fig, results = compare_optimizers("ravine", runs, steps=60)
small, good, large = (results[name] for name in runs)
gap = {name: ravine.f(points[-1]) for name, (points, _) in results.items()}
print({name: f"{value:.3g}" for name, value in gap.items()})
assert small[1] is None and good[1] is None and large[1] is not None
assert gap["SGD lr=0.09"] < 1e-2 < gap["SGD lr=0.001 (too small)"]
x_start, x_end = small[0][0, 0], small[0][-1, 0]
print(f"lr=0.001 moved along the ravine from x = {x_start} to x = {x_end:.2f}")
assert abs(x_end) > 0.9 * abs(x_start)   # less than 10 % of the way along the ravine
fig

# %% [markdown]
# The too-small rate has covered less than a tenth of the way along the ravine after 60
# steps; 0.09 reaches the bottom; 0.11
# diverges after a few steps, which the picture says in words (the optimizer stops
# there instead of filling the screen with overflow warnings). **Typical ranges**: for
# SGD on normalized inputs, 0.001 to 0.1; for Adam and RMSprop the default 0.001 is a
# good first try, 1e-4 to 1e-2 the usual range. The exact value depends on the
# problem, which is why section 8 measures it.
#
# ### Learning-rate schedules
#
# Far from a minimum large steps help; close to it they make the weights jump around the
# bottom. A **schedule** lowers the rate as training goes on. Three common ones, written
# as a function of the step (or epoch) $t$:
#
# $$ \text{step decay: } \alpha_0\, d^{\lfloor t/k \rfloor}, \qquad
#    \text{exponential: } \alpha_0\, d^{\,t/k}, \qquad
#    \text{1/t: } \frac{\alpha_0}{1 + d\, t / k} . $$
#
# They are in `nnedu.schedules` with Keras' names; an optimizer accepts one wherever it
# accepts a rate, e.g. `SGD(learning_rate=StepDecay(0.1, decay_steps=10, decay_rate=0.5))`.

# %%
step = schedules.StepDecay(0.1, decay_steps=10, decay_rate=0.5)
expo = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
inverse = schedules.InverseTimeDecay(0.1, decay_steps=10, decay_rate=1.0)
t = np.arange(41)
fig, ax = style.new_figure(figsize=(7.0, 3.4))
for schedule, name in [(step, "step decay"), (expo, "exponential"), (inverse, "1/t")]:
    ax.plot(t, [schedule(k) for k in t], lw=2, label=name)
style.apply(ax, title="Three schedules, all starting at 0.1", xlabel="step t",
            ylabel="learning rate")
ax.legend(loc="upper right")
assert [step(k) for k in (0, 9, 10, 25)] == [0.1, 0.1, 0.05, 0.025]
assert math.isclose(expo(10), 0.05) and math.isclose(inverse(10), 0.05)
assert math.isclose(expo(5), 0.1 * 0.5 ** 0.5)
fig

# %% [markdown]
# All three halve the rate by step 10; step decay keeps it constant in between
# (0.1 up to step 9, 0.05 from step 10, 0.025 at step 25), the others decay smoothly,
# the 1/t schedule ever more slowly.
#
# Instead of fixing the times in advance, **reduce on plateau** watches the validation
# loss and divides the rate (by 10, say) when the loss has not improved for a few
# epochs. Keras calls the callback `ReduceLROnPlateau`; nnedu has it in `nnedu.tuning`:

# %%
nnedu.show_source(tuning.ReduceLROnPlateau.on_epoch_end)

# %% [markdown]
# On the 8x8 handwritten digits (1438 training images; 1000 train here, the other 438
# validate), starting from a deliberately large rate of 0.5
# and halving it after 2 epochs without a better validation loss:

# %%
(x_train, y_train), (x_test, y_test) = data.load_digits(split=True)
x_train, x_test = x_train / 16.0, x_test / 16.0
assert len(x_train) == 1438 and len(x_train[1000:]) == 438
plateau = tuning.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2)
net = Sequential([Dense(32, activation="relu", input_shape=(64,), seed=0),
                  Dense(10, activation="softmax", seed=1)])
net.compile(optimizer=optimizers.SGD(0.5), loss="sparse_categorical_crossentropy")
plateau_history = net.fit(x_train[:1000], y_train[:1000], batch_size=32, epochs=25, verbose=0,
                          validation_data=(x_train[1000:], y_train[1000:]),
                          callbacks=[plateau], seed=0).history
print("learning rate per epoch:", plateau.lr_history)
print("validation loss:", np.round(plateau_history["val_loss"], 3))
drops = int(np.sum(np.diff(plateau.lr_history) < 0))
assert plateau.lr_history[0] == 0.5 and drops >= 3
assert plateau_history["val_loss"][-1] < plateau_history["val_loss"][1]

# %% [markdown]
# The rate stays at 0.5 while the validation loss keeps improving, then halves at every
# stall (three times or more here), and the validation loss settles lower than the
# large rate let it.

# %% [markdown]
# ## 3. Momentum, done right
#
# In the ravine plain SGD wastes its steps: the rate is capped by the steep direction,
# so along the shallow one each step removes only $\alpha \cdot 1 = 9\%$ of the distance.
# **Momentum** lets the steps build up speed where the gradients agree and cancel where
# they flip sign. It keeps a velocity $v$ (starting at 0):
#
# $$ v \leftarrow \beta v - \alpha\, g, \qquad w \leftarrow w + v , $$
#
# with $\beta$ (the `momentum`, typically 0.9) saying how much of the last velocity
# survives. Along the shallow axis the gradients all point the same way and the steps
# grow towards $\alpha/(1-\beta)$, ten times a plain step; across the ravine they
# alternate and mostly cancel.
#
# Some lecture notes write the update as $w \leftarrow \beta w - \alpha g$. That is not
# momentum: it multiplies the *weights* by $\beta$ at every step, which pulls them
# towards 0 (a very strong weight decay) and keeps no memory of past steps. On a
# surface whose minimum is not at the origin, such as Rosenbrock's valley with its
# minimum at $(1, 1)$, that update settles at the wrong place:

# %%
rosen = surfaces.get("rosenbrock")
w_wrong = np.array([0.5, 0.5])
for _ in range(2000):
    w_wrong = 0.9 * w_wrong - 0.001 * rosen.grad(w_wrong)   # the wrong "momentum"
right_points, _ = surfaces.descend(rosen, optimizers.SGD(0.001, momentum=0.9),
                                   start=(0.5, 0.5), steps=2000)
print(f"w <- 0.9 w - lr g stops at {w_wrong.round(3)}, loss {rosen.f(w_wrong):.3f}")
print(f"real momentum reaches      {right_points[-1].round(3)}, "
      f"loss {rosen.f(right_points[-1]):.2e}")
assert np.linalg.norm(w_wrong - 1) > 0.5 and rosen.f(w_wrong) > 0.1
assert np.allclose(right_points[-1], [1.0, 1.0], atol=0.02)

# %% [markdown]
# The wrong update stops far from $(1, 1)$, where $0.1\,w = -\alpha \nabla f(w)$ rather
# than where the gradient vanishes. The library's momentum:

# %%
nnedu.show_source(optimizers.SGD)

# %% [markdown]
# **Nesterov momentum** takes the gradient at the point the velocity is about to carry
# the weights to, $w + \beta v$, instead of at $w$: it looks ahead and brakes earlier
# when the slope turns. Keras (and nnedu) write it in an equivalent form that needs only
# the gradient at $w$: $v \leftarrow \beta v - \alpha g$, $w \leftarrow w + \beta v -
# \alpha g$.
#
# How much does momentum buy in the ravine? Count the steps until the loss is below
# $10^{-6}$, for each method at its best setting on a grid of learning rates and
# momentum values:

# %%
def steps_to(surface, optimizer, target=1e-6, steps=300):
    """The first step at which the loss is below ``target`` (None: never, or diverged)."""
    points, diverged = surfaces.descend(surface, optimizer, steps=steps)
    below = np.flatnonzero(surface.f(points.T) < target)
    return None if diverged or below.size == 0 else int(below[0])


rates = np.round(np.geomspace(0.01, 0.3, 20), 4)
best = {}
for name, betas, nesterov in [("SGD", [0.0], False), ("momentum", [0.4, 0.9], False),
                              ("Nesterov", [0.4, 0.7, 0.9], True)]:
    counts = {(lr, beta): steps_to(ravine, optimizers.SGD(lr, momentum=beta, nesterov=nesterov))
              for lr in rates for beta in betas}
    setting = min((key for key in counts if counts[key] is not None), key=counts.get)
    best[name] = (setting, counts[setting])
    print(f"{name:9s} best lr {setting[0]:<6} momentum {setting[1]}: {counts[setting]} steps")
lr_star, beta_star = quadratic.optimal_momentum([1.0, 20.0])
print(f"theory for this quadratic: momentum {beta_star:.2f}, lr {lr_star:.3f}")
assert best["momentum"][1] < best["SGD"][1] / 2 and best["Nesterov"][1] < best["SGD"][1] / 2
assert best["momentum"][0][1] == 0.4 and abs(best["momentum"][0][0] - lr_star) < 0.02
assert best["SGD"][0][0] < 0.1   # SGD's rate is capped by 2 / 20
assert math.isclose(beta_star, ((math.sqrt(20) - 1) / (math.sqrt(20) + 1)) ** 2)

# %% [markdown]
# Momentum gets there in a third of SGD's steps or fewer. For a quadratic everything
# can be computed exactly (`nnedu.quadratic`): per direction of curvature $\lambda$ one
# step maps $(w, v)$ through a $2 \times 2$ matrix, and the largest magnitude of its
# eigenvalues is the factor by which the error shrinks per step (1 or more: it
# diverges). The best settings are momentum
# $\big((\sqrt\kappa - 1)/(\sqrt\kappa + 1)\big)^2 \approx 0.40$ and rate
# $4/(\sqrt{\lambda_{\max}} + \sqrt{\lambda_{\min}})^2 \approx 0.134$, and the grid above
# finds exactly that. The map of that shrink factor over all rates and momenta of the
# ravine:

# %%
map_rates = np.geomspace(0.005, 0.3, 50)
map_momenta = np.linspace(0.0, 0.95, 40)
shrink = quadratic.convergence_map(map_rates, map_momenta, [1.0, 20.0])
fig, ax = style.new_figure(figsize=(7.5, 3.8))
ax.set_facecolor(style.GREY)   # the cells that diverge are left out: grey shows through
image = ax.pcolormesh(map_rates, map_momenta, np.ma.masked_where(shrink >= 1.0, shrink),
                      cmap="viridis", shading="auto", vmin=0.6, vmax=1.0)
ax.contour(map_rates, map_momenta, shrink, levels=[1.0], colors="white", linewidths=1.5)
ax.plot([lr_star], [beta_star], "*", color=style.YELLOW, ms=14, mec="black",
        label="best: lr 0.134, momentum 0.40")
ax.plot([quadratic.optimal_learning_rate([1.0, 20.0])], [0.0], "o", color=style.VERMILLION,
        mec="black", ms=9, label="best without momentum")
ax.text(0.24, 0.5, "diverges", color="white", ha="center", fontsize=style.LABEL_SIZE)
ax.set_xscale("log")
fig.colorbar(image, ax=ax, label="error shrink factor per step")
style.apply(ax, title="Gradient descent with momentum on the ravine (exact)",
            xlabel="learning rate (log scale)", ylabel="momentum", grid=False)
ax.legend(loc="lower left", fontsize=style.TEXT_SIZE)
best_factor = shrink.min()
sgd_factor = quadratic.spectral_radius(quadratic.optimal_learning_rate([1.0, 20.0]), 0.0, 1.0)
print(f"best shrink factor on the grid with momentum {best_factor:.3f}, "
      f"without {sgd_factor:.3f}")
assert math.isclose(sgd_factor, (kappa - 1) / (kappa + 1), rel_tol=1e-9)
best_possible = max(quadratic.spectral_radius(lr_star, beta_star, lam) for lam in (1.0, 20.0))
print(f"at the best setting exactly: {best_possible:.3f}")
assert math.isclose(best_possible, (math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1), rel_tol=1e-6)
assert round(best_possible, 2) == 0.63 and round(sgd_factor, 3) == 0.905
assert best_factor < 0.65 < 0.9 < sgd_factor
assert shrink[0, -1] >= 1.0     # no momentum and lr 0.3 > 2 / 20: diverges
fig

# %% [markdown]
# Without momentum the error shrinks at best by $(\kappa - 1)/(\kappa + 1) = 19/21
# \approx 0.905$ per step; with the best momentum by
# $(\sqrt\kappa - 1)/(\sqrt\kappa + 1) \approx 0.63$. Plain gradient descent needs a
# number of steps that grows like $\kappa$, momentum like $\sqrt\kappa$, and the best
# momentum approaches 1 as $\kappa$ grows: real networks are very badly conditioned,
# which is why 0.9 is the usual default there. Momentum also enlarges the region of
# rates that converge (grey: the settings that diverge; the white line is their edge).
#
# ## 4. A rate per weight: AdaGrad, AdaDelta, RMSprop and Adam
#
# Another cure for the ravine: give each weight its own step size, small where the
# gradients are large and large where they are small. All of these divide the step by a
# running size of the gradients, element by element ($g^2$ and $\sqrt{\cdot}$ act on
# each weight; $\epsilon$ avoids a division by 0):
#
# - **AdaGrad**: divide by the root of the *sum* of all squared gradients so far,
#   $a \leftarrow a + g^2$, $w \leftarrow w - \alpha\, g / \sqrt{a + \epsilon}$. The sum
#   only grows, so the steps shrink forever: good for sparse features, often too
#   cautious for long training;
# - **RMSprop**: divide by the root of a *moving average* of squared gradients,
#   $s \leftarrow \rho s + (1-\rho) g^2$, $w \leftarrow w - \alpha\, g / \sqrt{s +
#   \epsilon}$ ($\rho = 0.9$): old gradients are forgotten, so the steps do not die out;
# - **AdaDelta**: like RMSprop, and it also keeps a moving average of the squared
#   *steps*, using $\sqrt{E[\Delta w^2] + \epsilon} / \sqrt{E[g^2] + \epsilon}$ as the
#   step size, so the step has the units of the weights (its paper needs no learning
#   rate at all; Keras multiplies by one anyway);
# - **Adam**: momentum and RMSprop together. It keeps moving averages of $g$ (the first
#   moment $m$) and of $g^2$ (the second moment $v$), both starting at 0. Early averages
#   are biased towards 0, so Adam divides them by $1 - \beta^t$ (the **bias correction**;
#   $t$ counts the steps from 1):
#
# $$ m \leftarrow \beta_1 m + (1-\beta_1) g, \quad v \leftarrow \beta_2 v + (1-\beta_2) g^2,
#    \quad \hat m = \frac{m}{1-\beta_1^t}, \quad \hat v = \frac{v}{1-\beta_2^t}, \quad
#    w \leftarrow w - \alpha \frac{\hat m}{\sqrt{\hat v} + \epsilon} . $$

# %%
nnedu.show_source(optimizers.Adam.update_step)

# %% [markdown]
# Keras folds the two corrections into the step size (the `alpha` line): the same
# update up to where $\epsilon$ sits, a difference of order $\epsilon$. The defaults,
# read from the library (which follows Keras) and, when PyTorch is installed, from
# PyTorch:

# %%
adam = optimizers.Adam()
print(f"nnedu / Keras: learning_rate {adam.learning_rate}, beta_1 {adam.beta_1}, "
      f"beta_2 {adam.beta_2}, epsilon {adam.epsilon}")
assert (adam.learning_rate, adam.beta_1, adam.beta_2, adam.epsilon) == (0.001, 0.9, 0.999, 1e-7)
try:
    import torch
except ImportError:
    torch = None
if torch is not None:
    torch_defaults = torch.optim.Adam([torch.zeros(1, requires_grad=True)]).defaults
    torch_eps = torch_defaults["eps"]
    print(f"PyTorch: lr {torch_defaults['lr']}, betas {torch_defaults['betas']}, "
          f"eps {torch_eps}")
    assert torch_defaults["lr"] == 0.001 and tuple(torch_defaults["betas"]) == (0.9, 0.999)
else:
    torch_eps = 1e-8   # PyTorch's documented default (torch.optim.Adam, eps=1e-08)
    print("PyTorch is not installed; its documented default is eps = 1e-8")
assert torch_eps == 1e-8

# %% [markdown]
# Both use $\alpha = 0.001$, $\beta_1 = 0.9$, $\beta_2 = 0.999$; Keras' $\epsilon$ is
# $10^{-7}$, PyTorch's $10^{-8}$ (and PyTorch adds it outside the root for RMSprop and
# AdaGrad too, Keras inside).
#
# One consequence of the division: on the first step $\hat m / \sqrt{\hat v} =
# g/|g|$, so every weight moves by about $\alpha$, whatever the size of its gradient.

# %%
w = np.array([0.0, 0.0])
optimizers.Adam(learning_rate=0.1).step([w], [np.array([0.01, -500.0])])
print("after one Adam step with gradients 0.01 and -500:", w.round(4))
assert np.allclose(w, [-0.1, 0.1], atol=1e-3)

# %% [markdown]
# ## 5. Every optimizer on the same surfaces
#
# Now all of them side by side, each with a learning rate that suits it (AdaDelta with
# the settings of its paper: rate 1, $\rho = 0.95$, $\epsilon = 10^{-6}$), on the ravine and
# on Rosenbrock's banana-shaped valley $f = (1 - x)^2 + 100(y - x^2)^2$, whose minimum
# at $(1, 1)$ sits at the end of a long, curved, flat-bottomed valley. Left: the paths;
# right: the loss per step (its distance to the minimum, on a log axis).

# %%
def every_optimizer(rates):
    """The seven optimizers of the comparison, each at its own learning rate."""
    return {"SGD": optimizers.SGD(rates[0]),
            "momentum": optimizers.SGD(rates[1], momentum=0.9),
            "Nesterov": optimizers.SGD(rates[1], momentum=0.9, nesterov=True),
            "AdaGrad": optimizers.Adagrad(rates[2]),
            "RMSprop": optimizers.RMSprop(rates[3]),
            "Adam": optimizers.Adam(rates[4]),
            "AdaDelta": optimizers.Adadelta(1.0, rho=0.95, epsilon=1e-6)}


fig, on_ravine = compare_optimizers("ravine", every_optimizer([0.09, 0.02, 1.0, 0.1, 0.3]),
                                    steps=100)
final = {name: ravine.f(points[-1]) for name, (points, _) in on_ravine.items()}
print({name: f"{value:.1e}" for name, value in final.items()})
assert all(diverged is None for _, diverged in on_ravine.values())
assert max(v for name, v in final.items() if name != "AdaDelta") < 0.05
assert final["AdaDelta"] > 1 and final["AdaDelta"] < ravine.f(np.array(ravine.start))
fig

# %%
fig, on_rosen = compare_optimizers("rosenbrock",
                                   every_optimizer([0.001, 0.0005, 0.5, 0.01, 0.05]), steps=400)
final = {name: rosen.f(points[-1]) for name, (points, _) in on_rosen.items()}
print({name: f"{value:.1e}" for name, value in final.items()})
assert final["momentum"] < final["SGD"] / 10 and final["Adam"] < final["SGD"] / 10
fig

# %% [markdown]
# On the ravine every method but AdaDelta gets to the bottom; the adaptive ones
# (AdaGrad, RMSprop, Adam) scale the two directions apart and head more directly for
# the minimum. AdaDelta's first steps are about $\sqrt{\epsilon} = 10^{-3}$ long (its
# numerator starts at $\sqrt{0 + \epsilon}$) and grow only slowly: after 100 steps it
# is still far from the minimum, which is why Keras multiplies it by a learning rate
# and people rarely use it today. In
# Rosenbrock's valley plain SGD reaches the valley floor quickly and then creeps along
# it; momentum, Nesterov and Adam keep their speed along the floor and end more than
# ten times lower; AdaGrad's steps have shrunk too much by then and RMSprop keeps
# bouncing off the valley walls; AdaDelta again barely gets going. No optimizer wins
# everywhere, and each needs its learning rate: that is what the explorer below is for.
#
# ### Saddle points and two minima
#
# Two more surfaces show what a picture of a high-dimensional loss cannot. A **saddle
# point** $f = 0.5x^2 + 0.25y^4 - 0.5y^2$ curves up along $x$ and down along $y$ at
# $(0, 0)$: the gradient vanishes there without it being a minimum. A start on the
# ridge line $y \approx 0$ slides towards the saddle and waits there a long time; any
# tiny offset in $y$ eventually grows and carries it off to a minimum. On a surface
# with **two minima** the start decides which one you reach:

# %%
saddle = surfaces.get("saddle")
points, _ = surfaces.descend(saddle, optimizers.SGD(0.1), start=(-4.0, 1e-6), steps=200)
print(f"saddle: from (-4, 1e-6), after 60 SGD steps w = {points[60].round(4)}, "
      f"after 200 steps w = {points[200].round(4)}")
assert np.linalg.norm(points[60]) < 0.01 and saddle.f(points[60]) > saddle.minimum_value() + 0.2
assert np.allclose(points[200], [0.0, 1.0], atol=1e-3)   # the minimum (0, 1)

two = surfaces.get("two_minima")
ends = {}
for start in [(1.8, 1.5), (-1.8, 1.5)]:
    points, _ = surfaces.descend(two, optimizers.SGD(0.05), start=start, steps=300)
    ends[start] = points[-1]
    print(f"two minima: from {start} SGD ends at {points[-1].round(3)}, "
          f"loss {two.f(points[-1]):.3f}")
(global_x, _), (local_x, _) = two.minima
assert np.isclose(ends[(1.8, 1.5)][0], local_x, atol=1e-3)
assert np.isclose(ends[(-1.8, 1.5)][0], global_x, atol=1e-3)
assert two.f(ends[(1.8, 1.5)]) > two.f(ends[(-1.8, 1.5)])

# %% [markdown]
# Started a millionth off the ridge, the saddle run still sits next to $(0, 0)$ after 60
# steps, with a loss well above the minima's; by step 200 the offset has grown and the
# run has reached the minimum $(0, 1)$. On the double well the right-hand start ends in the *higher*, local minimum,
# the left-hand start in the global one. Real networks have many saddle points and many
# minima; noise in the gradient (small batches) and momentum help to leave the first.
#
# ## 6. Explore: the learning-rate explorer
#
# Choose a surface, one or more optimizers, the learning rate (log scale), the momentum,
# the number of steps and the start. Things to try:
#
# - the ravine with SGD: find the rate where it starts to diverge (about 0.1, as
#   computed above), then add momentum;
# - Rosenbrock with SGD against Adam at the same rate;
# - the saddle with a start at $y = 0.01$ and at $y = 0$ exactly;
# - two minima: move the start until the run lands in the other well;
# - the ravine or the bowl, lower row: the map shows, for every (learning rate, momentum),
#   whether gradient descent with momentum converges, oscillates or diverges on that bowl
#   (the black dot is the sliders' setting, the ring below it plain GD at the same rate),
#   and the right panel splits the loss into the two eigen-directions. Press "optimal lr"
#   and "optimal momentum" and compare how fast each direction shrinks.

# %%
explorer = viz.lr_explorer(surface="ravine", optimizers=("sgd", "momentum", "adam"),
                           learning_rate=0.05, momentum=0.9, steps=100)
explorer

# %% [markdown]
# ## 7. Batch size, measured on real data
#
# Back to a real network: a 64-32-10 network learning the 8x8 handwritten digits (the
# 1438 training images loaded in section 2), with plain SGD at the same learning rate and from the same initial
# weights, for several batch sizes. For each, the loss on the whole training set after
# every epoch, and the training time measured on this machine:

# %%
studies = {size: batch_run(size, 0.1, 8, x_train, y_train) for size in (4, 16, 64, "full")}
fig, (ax_epochs, ax_time) = style.new_figure(1, 2, figsize=(10, 3.8), sharey=True)
for i, (size, result) in enumerate(studies.items()):
    name = f"full batch ({len(x_train)})" if size == "full" else f"batch {size}"
    ax_epochs.plot(result["loss"], "-o", ms=3, color=style.color(i), label=name)
    ax_time.plot(result["seconds"], result["loss"], "-o", ms=3, color=style.color(i))
ax_epochs.set_yscale("log")
style.apply(ax_epochs, title="Training loss per epoch", xlabel="epoch",
            ylabel="cross-entropy (training set)")
style.apply(ax_time, title="The same runs against time (measured here)",
            xlabel="training time (s)")
ax_epochs.legend(loc="lower left")
final = {size: result["loss"][-1] for size, result in studies.items()}
seconds = {size: result["seconds"][-1] for size, result in studies.items()}
print("loss after 8 epochs:", {k: round(float(v), 3) for k, v in final.items()})
print("seconds for 8 epochs:", {k: round(float(v), 3) for k, v in seconds.items()})
assert final[4] < final[64] < final["full"]          # more updates per epoch: lower loss
assert seconds[4] > seconds["full"]                    # ... but each epoch takes longer
fig

# %% [markdown]
# Per epoch, small batches win: batch 4 makes 360 updates per epoch, the full batch
# one. Per second the picture changes: every update pays a fixed price (Python, the
# layers' bookkeeping) whatever its size, and a big matrix product uses the processor
# better than many small ones, so the small batches' lead shrinks or turns around
# (the times are measured, so they vary from run to run and machine to machine).
#
# Three forces set the batch size:
#
# - **noise**: the mini-batch gradient is an estimate of the full gradient; its spread
#   shrinks like $1/\sqrt{B}$. Some noise is welcome (it helps leave saddle points and
#   sharp minima), too much slows convergence. Measured on the digits, for a softmax
#   regression at fixed weights:

# %%
def gradient(W, X, labels):
    """Gradient of the mean cross-entropy of softmax(X @ W) with respect to W (D, K)."""
    return X.T @ (softmax(X @ W) - data.one_hot(labels, 10)) / len(X)


rng = np.random.default_rng(0)
W0 = rng.normal(0, 0.1, size=(64, 10))
full_gradient = gradient(W0, x_train, y_train)
spread = {}
for b in (4, 16, 64, 256):
    errors = [np.linalg.norm(gradient(W0, x_train[i], y_train[i]) - full_gradient)
              for i in (rng.choice(len(x_train), b, replace=False) for _ in range(200))]
    spread[b] = float(np.mean(errors))
    print(f"batch {b:3d}: mean distance to the full gradient {spread[b]:.4f}")
ratios = [spread[b] / spread[4 * b] for b in (4, 16, 64)]
print("each 4x larger batch divides it by", np.round(ratios, 2))
assert all(1.6 < r < 2.4 for r in ratios)   # about sqrt(4) = 2

# %% [markdown]
# Four times the batch, half the error: the $1/\sqrt{B}$ law.
#
# - **speed per epoch**: larger batches make fewer, better-vectorized steps (the time
#   axis above); on a GPU this matters even more, up to the size the device can process
#   at once;
# - **memory**: the activations of every layer are kept for the backward pass, so memory
#   grows linearly with $B$. For this small network it is nothing:

# %%
units = 64 + 32 + 10            # numbers stored per example: input, hidden, output
bytes_per_example = units * 8   # float64
print(f"{bytes_per_example} bytes per example; batch 128: {128 * bytes_per_example / 1024:.0f} KiB")
assert bytes_per_example == 848 and 128 * bytes_per_example / 1024 == 106.0

# %% [markdown]
# 848 bytes per example, 106 KiB for a batch of 128; an image network with millions of
# activations per example is where the limit bites.
#
# **Powers of two** (32, 64, 128) are a habit, not a law: batch 100 works as well as 128;
# on GPUs multiples of 8 or 32 can help the hardware a little. And a larger batch acts
# like a smaller learning rate, because it reduces the noise of each step: Smith et al.
# (2017, "Don't decay the learning rate, increase the batch size") show that growing the
# batch during training can replace a learning-rate decay, with the same accuracy and
# fewer updates.
#
# Explore it yourself (every run is measured on this machine, and cached):

# %%
batch_explorer = viz.batch_size_explorer(batch_sizes=(1, 32, "full"), learning_rate=0.1,
                                         epochs=5)
batch_explorer

# %% [markdown]
# ## 8. Finding a learning rate: the range test
#
# Trying rates one full training at a time is expensive. Smith (2018, "A disciplined
# approach to neural network hyper-parameters") suggests a **range test**: train once,
# for one epoch, while the rate grows exponentially from tiny to huge (here from
# $10^{-4}$ to $10$, so every step multiplies it by the same factor), and plot the loss
# of every step against the rate on a log axis. The loss is noisy, so we look at its
# moving average (with Adam's bias correction).

# %%
def build_digits_model():
    return Sequential([Dense(64, activation="relu", input_shape=(64,), seed=0),
                       Dense(10, activation="softmax", seed=1)])


sweep = tuning.lr_range_test(build_digits_model, x_train, y_train,
                             loss="sparse_categorical_crossentropy", min_lr=1e-4,
                             max_lr=10.0, batch_size=16)
fig, ax = style.new_figure(figsize=(7.5, 3.8))
ax.plot(sweep["learning_rates"], sweep["losses"], color=style.LIGHT_GREY, label="loss per step")
ax.plot(sweep["learning_rates"], sweep["smoothed"], color=style.BLUE, lw=2, label="smoothed")
ax.axvline(sweep["best_lr"], color=style.VERMILLION, ls="--", label="lowest loss")
ax.axvline(sweep["suggested_lr"], color=style.GREEN, ls="--", label="pick: a tenth of it")
ax.set_xscale("log")
style.apply(ax, title="Learning-rate range test (one epoch, digits)",
            xlabel="learning rate (log scale)", ylabel="training loss")
ax.legend(loc="upper left")
print(f"{len(sweep['losses'])} steps; lowest smoothed loss at lr = {sweep['best_lr']:.3g}; "
      f"pick {sweep['suggested_lr']:.3g}")
assert 0.1 < sweep["best_lr"] < 5
assert sweep["smoothed"][0] > sweep["smoothed"].min() + 0.3
fig

# %% [markdown]
# Read the curve from left to right: at first the rate is too small to change anything
# (flat); then the loss falls, faster and faster; at some rate it reaches its lowest
# point, and beyond that the steps are too large and the loss shoots up (the test stops
# there). The best rate is **not** the one at the lowest point: that rate was only
# reached at the end of a short sweep, with the loss already about to explode. A rate
# about ten times smaller sits on the steep, falling part of the curve, safely away
# from the blow-up. Check the pick by training for three epochs at it, at ten times
# more and at a hundred times less:

# %%
def three_epochs(learning_rate):
    model = build_digits_model()
    model.compile(optimizer=optimizers.SGD(learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, batch_size=16, epochs=3, verbose=0, seed=0)
    return model.evaluate(x_train, y_train, batch_size=len(x_train))


pick = sweep["suggested_lr"]
check = {rate: three_epochs(rate) for rate in (pick / 100, pick, pick * 10)}
for rate, (loss, accuracy) in check.items():
    print(f"lr {rate:.3g}: training loss {loss:.3f}, accuracy {accuracy:.3f}")
assert check[pick][0] < check[pick / 100][0]
assert check[pick][1] > 0.9

# %% [markdown]
# The picked rate trains well in three epochs; a hundred times less barely starts.
# (Ten times more may work too for a few epochs, or may not: it sits at the edge of the
# blow-up, which is why we step back from it.)
#
# ## Check your understanding
#
# 1. You have 60,000 images and train with batch size 128 for 5 epochs. How many
#    optimizer steps is that?
#
# <details><summary>Answer</summary>
#
# $\lceil 60000/128 \rceil = 469$ steps per epoch (468 full batches and one of 96), so
# $5 \times 469 = 2345$ steps.
# </details>
#
# 2. A colleague's loss goes 2.3, 2.1, 5.7, 48, nan. What do you change first, and why
#    not the batch size?
#
# <details><summary>Answer</summary>
#
# The learning rate: the loss growing step after step is divergence, every step
# overshooting further. Divide it by 10 (or run a range test). A larger batch reduces
# the noise of each step, but a step that is too large in the steep directions stays
# too large.
# </details>
#
# 3. Why does Adam's first step move every weight by about the learning rate, and why is
#    the bias correction needed for that?
#
# <details><summary>Answer</summary>
#
# On step 1, $m = (1-\beta_1) g$ and $v = (1-\beta_2) g^2$; the corrections divide them by
# exactly $1-\beta_1$ and $1-\beta_2$, so $\hat m / \sqrt{\hat v} = g/|g| = \pm 1$.
# Without the correction the ratio would be $(1-\beta_1)/\sqrt{1-\beta_2} \approx 3.2$
# and the first steps would be three times too big.
# </details>
#
# ## Summary
#
# - Gradient descent steps $w \leftarrow w - \alpha \nabla L$. Batch, stochastic and
#   mini-batch GD differ in how many examples each step averages; an epoch of $N$
#   examples in batches of $B$ has $\lceil N/B \rceil$ iterations (1000/10: 100;
#   1050/100: 11, the last of 50).
# - Too small a rate crawls, too large a rate diverges ($\alpha < 2/\lambda_{\max}$ on a
#   quadratic); schedules (step, exponential, 1/t) and reduce-on-plateau lower it
#   during training.
# - Momentum is $v \leftarrow \beta v - \alpha g$, $w \leftarrow w + v$ (not
#   $w \leftarrow \beta w - \alpha g$); it helps most where the condition number is
#   large. Nesterov evaluates the gradient ahead.
# - AdaGrad, RMSprop, AdaDelta and Adam divide each weight's step by a running size of
#   its gradients; Adam adds momentum and bias correction; defaults 0.001, 0.9, 0.999 and
#   $\epsilon = 10^{-7}$ (Keras) or $10^{-8}$ (PyTorch).
# - Small batches: more, noisier updates per epoch (noise $\propto 1/\sqrt{B}$); large
#   batches: faster epochs, more memory. A range test finds a learning rate in one epoch.
#
# ## What's next
#
# We can now train a network. **08 · Training in practice** asks whether what it learned
# is any good: training, validation and test data, learning curves that reveal over- and
# underfitting, early stopping, class imbalance, the choice of hyperparameters, and
# why the very first weights matter.

# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 00 · Welcome: how this course works
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/nnedu-course/nnedu/blob/main/notebooks/00_welcome.ipynb) [![Open In Kaggle](https://kaggle.com/static/images/open-in-kaggle.svg)](https://kaggle.com/kernels/welcome?src=https://github.com/nnedu-course/nnedu/blob/main/notebooks/00_welcome.ipynb)
#
# *Neural networks from scratch* builds neural networks out of NumPy arrays, one idea
# at a time, and lets you read every line of the code that does it. This first notebook
# teaches no neural networks yet: it makes sure your set-up works, so that the next
# eleven chapters are about the ideas and not about installation problems.
#
# **After this notebook you can**
#
# - say what the three notebooks of every chapter are for: lesson, exercises, solutions;
# - run the course on your own machine, on Google Colab or on Kaggle;
# - tell whether a GPU is present, and know that you do not need one;
# - move a slider and see the notebook answer (widgets work);
# - run an exercise check and read what it tells you.

# %% tags=["setup", "nbval-skip"]
# Setup: on Colab or Kaggle this installs nnedu; on your own machine it does nothing.
try:
    import nnedu
except ImportError:
    # %pip install -q "nnedu @ git+https://github.com/nnedu-course/nnedu"
    import nnedu

# %% [markdown]
# ## How the course works
#
# Every chapter `NN` comes as three notebooks with the same file name, in three folders:
#
# | folder | what it is | what you do with it |
# |---|---|---|
# | `notebooks/` | the **lesson**: text, formulas, demos, plots and sliders | read it and run it, top to bottom |
# | `exercises/` | the **exercises**: functions with `raise NotImplementedError()` where your code goes | write your code, run the check under it |
# | `solutions/` | the same exercises, solved | compare once you have tried |
#
# The library `nnedu` *is* the textbook's code. When a lesson explains the sigmoid,
# it shows you the source of `nnedu.activations.sigmoid` (with `nnedu.show_source`)
# instead of a second copy, and you can open any file under `nnedu/` and read it.
#
# **Checks.** After each exercise comes a cell that checks your function on a few
# inputs, from easy to hard. It answers in one line:
#
# - `✓ name: all N cases passed`: done;
# - `… name: not attempted yet`: the function still raises `NotImplementedError`
#   (the notebook goes on running, so *Run All* works on a fresh copy);
# - `✗ name: for x = ... expected ..., got .... Hint: ...`: what went in, what should
#   have come out, what came out, and where to look.
#
# **Grading.** An instructor runs `nnedu grade` on the exercise notebooks. It reruns
# each notebook from the top in a fresh Python process and collects the same checks you
# see, so the mark is what your checks said. Two consequences: your notebook must run
# top to bottom (*Kernel → Restart Kernel and Run All Cells* before you hand it in),
# and a cell that runs forever is stopped after a time limit.
#
# Some exercises ask a question in words (a markdown cell with *YOUR ANSWER HERE*).
# Those have no automatic check; your instructor reads them.

# %% [markdown]
# ## Where to run it
#
# **On your own machine.** Clone the repository and, in its folder, run
#
# ```
# make lab
# ```
#
# It creates a virtual environment in `.venv`, installs everything, and starts
# JupyterLab on this notebook; it prints the address to open in your browser.
#
# **On Google Colab.** Click the *Open in Colab* badge at the top of any notebook. The
# setup cell installs `nnedu` (about half a minute, once per session). For a GPU:
# *Runtime → Change runtime type → GPU*, then run the notebook again.
#
# **On Kaggle.** Click the *Open in Kaggle* badge. Switch *Internet* on in the side
# panel (the setup cell downloads `nnedu`), and for a GPU choose
# *Settings → Accelerator → GPU*.
#
# Every notebook starts with that same setup cell. On your own machine `nnedu` is
# already installed, so the cell does nothing.

# %% [markdown]
# ## Is everything in place?
#
# The course comes with a small doctor. It checks the Python version, the packages the
# course needs, where the notebook runs, whether a GPU is usable and whether the
# notebook can draw widgets. Each line says `OK`, or `WARN` followed by what to do.
# (In a terminal, the same report is `nnedu doctor`.)

# %%
from nnedu.course.doctor import report

print(report())

# %% [markdown]
# **Do I need a GPU?** No. Every chapter runs on an ordinary laptop CPU in well under a
# minute per notebook; the networks are small on purpose. Chapter 11 shows what a GPU
# changes, and the `GPU:` line above tells you whether this session has one.

# %% [markdown]
# ## A first widget
#
# The lessons use sliders to let you change a number and watch what happens. Move the
# slider below: the text under it shows $\sigma(z) = 1 / (1 + e^{-z})$, the sigmoid
# function you will meet in chapter 2, for the value you picked. If you see a slider
# and the number changes when you move it, widgets work. If you see text such as
# `IntSlider(...)` instead, the widget front end is missing: the doctor's `widgets`
# line says how to fix it.

# %%
import ipywidgets as widgets

from nnedu.activations import sigmoid

z_slider = widgets.FloatSlider(value=0.0, min=-6.0, max=6.0, step=0.5, description="z")
readout = widgets.Label()


def show_sigmoid(change=None):
    """Write sigmoid(z) for the slider's current value into the readout."""
    z = z_slider.value
    readout.value = f"sigmoid({z:+.1f}) = {float(sigmoid(z)):.4f}"


z_slider.observe(show_sigmoid, names="value")
show_sigmoid()
widgets.VBox([z_slider, readout])

# %% [markdown]
# The readout is computed by the notebook's Python process each time the slider moves.
# The same thing can be done without a slider; here are the values at $z = -2, 0, 2$
# (note that $\sigma(0) = 0.5$ and $\sigma(-z) = 1 - \sigma(z)$):

# %%
import numpy as np

z = np.array([-2.0, 0.0, 2.0])
values = sigmoid(z)
print(values.round(4))
assert np.isclose(values[1], 0.5) and np.isclose(values[0], 1 - values[2])

# %% [markdown]
# ## A check, tried out
#
# Here is a pretend exercise: write `double(x)` that returns twice its input. The
# check after it calls your function on numbers and on an array.

# %%
from nnedu.checks import ch00


def double(x):
    """Return 2 x (for a number or a NumPy array)."""
    return 2 * x


ch00.double(double)

# %% [markdown]
# That is what success looks like. In an exercise notebook the function starts out as
#
# ```python
# def double(x):
#     # YOUR CODE HERE
#     raise NotImplementedError()
# ```
#
# and the check answers `… double: not attempted yet` until you write it. A wrong
# answer is shown as one red line that names the input, the expected value and what
# came back. Try it: change `2 * x` to `x + 2` above, run both cells again, and read
# the message. (Put it back afterwards.)

# %% [markdown]
# ## The chapters
#
# | | chapter | what you build |
# |---|---|---|
# | 00 | Welcome and set-up | this notebook |
# | 01 | The perceptron | one neuron, the perceptron rule, why XOR fails |
# | 02 | Activation functions | sigmoid, tanh, ReLU and friends, and their derivatives |
# | 03 | Multilayer networks and the forward pass | dense layers, shapes, a network that solves XOR |
# | 04 | Loss functions, softmax and cross-entropy | what "wrong" means, numerically stable |
# | 05 | Computation graphs and the chain rule | a tiny autograd engine on scalars |
# | 06 | Backpropagation | gradients of a whole network, checked numerically |
# | 07 | Gradient descent and optimizers | SGD, momentum, RMSprop, Adam, schedules |
# | 08 | Training in practice | data, learning curves, initialization |
# | 09 | Regularization | L1/L2, dropout, batch normalization, early stopping |
# | 10 | Convolutional networks | convolution, pooling, a CNN on digits |
# | 11 | From scratch to frameworks | the same model in Keras and PyTorch, and the GPU |
#
# Open the lesson first, then the exercises of the same chapter.

# %% [markdown]
# ## Summary and what's next
#
# - Each chapter has a lesson (`notebooks/`), exercises (`exercises/`) with a check after
#   each one, and solutions (`solutions/`); grading reruns the same checks.
# - The course runs locally (`make lab`), on Colab and on Kaggle; the setup cell at the
#   top of every notebook takes care of the installation there.
# - `nnedu doctor` tells you what is installed and whether a GPU is present; none is
#   needed.
# - If the slider above moved its readout, widgets work.
#
# **Next:** chapter 01, *The perceptron*: one artificial neuron, a straight line through
# the plane, and the learning rule that moves it.

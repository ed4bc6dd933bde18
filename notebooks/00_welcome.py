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
# teaches no neural networks yet: it makes sure your set-up works, so that the chapters
# after it (listed, and counted by a cell, at the end of this notebook) are about the
# ideas and not about installation problems.
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
# inputs, from easy to hard. It answers in one line, or two when a wrong answer needs a
# hint:
#
# - `✓ name: all N cases passed`: done;
# - `… name: not attempted yet`: the function still raises `NotImplementedError`
#   (the notebook goes on running, so *Run All* works on a fresh copy);
# - `✗ name: for x = ... expected ..., got .... Hint: ...`: what went in, what should
#   have come out, what came out, and where to look. Arrays too big for the line are
#   named by their shape and their first entry that differs.
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
# setup cell installs `nnedu` (once per session; the notebook waits until it is done).
# For a GPU: *Runtime → Change runtime type → GPU*, then run the notebook again.
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
# **Do I need a GPU?** No. Every chapter runs on an ordinary laptop CPU: the networks are
# small on purpose (the cell after the next one times this notebook, as an example).
# Chapter 11 shows what a GPU changes. The doctor's `GPU:` line above says whether
# nnedu can use one; the next cell asks the machine directly, without the doctor: the
# NVIDIA driver's `nvidia-smi`, then PyTorch and CuPy if they are installed.

# %%
import shutil
import subprocess
import time

notebook_started = time.perf_counter()   # for the timing cell below


def gpu_report():
    """What this machine says about GPUs: nvidia-smi, torch.cuda, cupy (each if present)."""
    lines = []
    if shutil.which("nvidia-smi"):
        try:
            found = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True,
                                   timeout=20).stdout.strip()
        except (OSError, subprocess.SubprocessError) as err:
            found = f"could not run it ({err})"
        lines.append(f"nvidia-smi: {found or 'no GPU listed'}")
    else:
        lines.append("nvidia-smi: not found (no NVIDIA driver on this machine)")
    try:
        import torch

        lines.append(f"torch {torch.__version__}: cuda available = {torch.cuda.is_available()}")
    except ImportError:
        lines.append("torch: not installed")
    try:
        import cupy

        lines.append(f"cupy: {cupy.cuda.runtime.getDeviceCount()} device(s)")
    except ImportError:
        lines.append("cupy: not installed")
    except Exception as err:  # noqa: BLE001 - a CuPy without a usable GPU raises its own errors
        lines.append(f"cupy: installed, but no usable GPU ({type(err).__name__})")
    return lines


for line in gpu_report():
    print(line)

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
# answer is shown in red, in one or two lines, naming the input, the expected value,
# what came back and a hint. Try it: change `2 * x` to `x + 2` above, run the cell
# again, and read the message. (Put it back afterwards.) Here is what that message
# looks like, caught so that this notebook runs on:

# %%
from nnedu.checks import CheckFailed

try:
    ch00.double(lambda x: x + 2)
except CheckFailed as failure:
    message = str(failure)
print(message)
assert message.startswith("✗ double: for x = 0 expected double(x) = 0, got 2")
assert len(message.splitlines()) <= 2

# %% [markdown]
# ## The chapters
#
# The cell writes the table of chapters and counts them; in a copy of the repository it
# also compares the list with the README's table and counts the lessons that are there.

# %%
from pathlib import Path

from IPython.display import Markdown, display

CHAPTERS = [
    ("00", "Welcome and set-up", "this notebook"),
    ("01", "The perceptron", "one neuron, the perceptron rule, why XOR fails"),
    ("02", "Activation functions", "sigmoid, tanh, ReLU and friends, and their derivatives"),
    ("03", "Multilayer networks and the forward pass", "dense layers, shapes, XOR solved"),
    ("04", "Loss functions, softmax and cross-entropy", 'what "wrong" means, stably'),
    ("05", "Computation graphs and the chain rule", "a tiny autograd engine on scalars"),
    ("06", "Backpropagation", "gradients of a whole network, checked numerically"),
    ("07", "Gradient descent and optimizers", "SGD, momentum, RMSprop, Adam, schedules"),
    ("08", "Training in practice", "data, learning curves, initialization"),
    ("09", "Regularization", "L1/L2, dropout, batch normalization, early stopping"),
    ("10", "Convolutional networks", "convolution, pooling, a CNN on digits"),
    ("11", "From scratch to frameworks", "the same model in Keras and PyTorch, and the GPU"),
]
rows = "\n".join(f"| {n} | {title} | {what} |" for n, title, what in CHAPTERS)
display(Markdown("| | chapter | what you build |\n|---|---|---|\n" + rows))
print(f"{len(CHAPTERS)} notebooks: this welcome and {len(CHAPTERS) - 1} chapters after it")
assert [n for n, _, _ in CHAPTERS] == [f"{k:02d}" for k in range(len(CHAPTERS))]

readme = Path("..") / "README.md"        # present in a clone of the repository, not on Colab
if readme.exists():
    in_readme = [line.split("|")[1].strip() for line in readme.read_text().splitlines()
                 if line.startswith("| ") and line.split("|")[1].strip().isdigit()]
    lessons_here = sorted(p.name[:2] for p in Path(".").glob("[0-9][0-9]_*.ipynb"))
    print(f"README lists chapters {in_readme[0]}-{in_readme[-1]}; lessons in this folder: "
          f"{', '.join(lessons_here)}")
    assert in_readme == [n for n, _, _ in CHAPTERS]

# %% [markdown]
# Open the lesson first, then the exercises of the same chapter.
#
# ## Check your understanding
#
# 1. You opened `exercises/01_perceptron.ipynb` and ran all cells without writing
#    anything. What do the check cells say, and does *Run All* stop?
#
#    <details><summary>Answer</summary>
#
#    Each says `… name: not attempted yet`; *Run All* goes on, because a function that
#    still raises `NotImplementedError` is reported, not raised.
#    </details>
#
# 2. Your exercise notebook works only when you run its cells in a certain order by hand.
#    Why is that a problem for the grade?
#
#    <details><summary>Answer</summary>
#
#    `nnedu grade` reruns the notebook from the top in a fresh Python process: what is
#    not defined by the cells in their order is missing there. Use *Restart Kernel and
#    Run All Cells* before handing in.
#    </details>
#
# 3. The doctor's `GPU:` line says "none found". Can you do the course?
#
#    <details><summary>Answer</summary>
#
#    Yes: every chapter runs on the CPU; the timing cell below measures this notebook.
#    </details>

# %%
elapsed = time.perf_counter() - notebook_started
print(f"this notebook ran in {elapsed:.1f} s (from the GPU cell to here, on this machine)")
assert elapsed > 0

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

"""nnedu: neural networks from scratch, the library behind the course.

Every module is small and meant to be read::

    nnedu.activations   sigmoid, relu, softmax, ... and their derivatives
    nnedu.losses        mse, cross-entropy, ... with their gradients
    nnedu.graph         Value, a scalar autograd engine
    nnedu.graph_nn      Neuron, Layer, MLP made of Values (chapter 05)
    nnedu.perceptron    the perceptron of 1958
    nnedu.initializers  zeros, glorot_uniform, he_normal, ...
    nnedu.layers        Dense, Conv2D, MaxPooling2D, Dropout, BatchNormalization, ...
    nnedu.conv          convolution and pooling, naive and vectorized
    nnedu.optimizers    SGD, Adam, ... and learning-rate schedules
    nnedu.regularizers  L1, L2, MaxNorm
    nnedu.models        Sequential and its training loop
    nnedu.saving        save / load_model / save_weights / load_weights
    nnedu.metrics       accuracy and friends
    nnedu.callbacks     History, EarlyStopping, ProgressBar, LivePlot
    nnedu.data          toy data sets, digits, MNIST
    nnedu.gradcheck     numerical gradients
    nnedu.backend       the array module ``xp`` (NumPy, or CuPy on a GPU)
    nnedu.config        floatx: float64 (default) or float32
    nnedu.surfaces      loss surfaces for the optimizer pictures
    nnedu.quadratic     gradient descent and momentum on a quadratic bowl, solved exactly
    nnedu.viz           plots and the widget explorers (imports matplotlib)
    nnedu.checks        the exercise checks
    nnedu.course        the `nnedu` command

Submodules are imported the first time you use them (``nnedu.layers.Dense``
works right after ``import nnedu``), so ``import nnedu`` stays fast and never
loads matplotlib or ipywidgets.
"""

import importlib

__version__ = "0.1.0"

_SUBMODULES = {
    "activations", "losses", "graph", "graph_nn", "perceptron", "initializers", "layers", "conv",
    "optimizers", "regularizers", "models", "callbacks", "data", "gradcheck", "surfaces",
    "viz", "checks", "course", "backend", "config", "saving", "metrics", "schedules",
    "quadratic",
}

# Names re-exported at the top level: name -> module that defines it.
_SHORTCUTS = {
    "show_source": "nnedu._source",
    "Sequential": "nnedu.models",
    "load_model": "nnedu.saving",
    "Input": "nnedu.layers",  # as keras.Input
}

__all__ = [
    "Input", "Sequential", "activations", "backend", "callbacks", "checks", "config", "conv",
    "course", "data", "gradcheck", "graph", "graph_nn", "initializers", "layers", "load_model",
    "losses", "metrics", "models", "optimizers", "perceptron", "quadratic", "regularizers",
    "saving", "schedules", "show_source", "surfaces", "viz",
]


def __getattr__(name):
    """Import a submodule or a shortcut the first time it is asked for (PEP 562)."""
    if name in _SUBMODULES:
        return importlib.import_module(f"nnedu.{name}")
    if name in _SHORTCUTS:
        return getattr(importlib.import_module(_SHORTCUTS[name]), name)
    raise AttributeError(f"module 'nnedu' has no attribute {name!r}")


def __dir__():
    return __all__ + ["__version__"]

"""Plots and widget explorers for the course (matplotlib + ipywidgets).

Each explorer is one call in a lesson and returns an ``Explorer`` (see
``nnedu.viz._base``) that displays itself::

    from nnedu import viz
    viz.lr_explorer(surface="rosenbrock", optimizers=("sgd", "adam"))

The explorers are imported on first use, so ``import nnedu.viz`` stays quick
and one explorer's module never stops another from loading.
"""

import importlib

from nnedu.viz import style
from nnedu.viz._base import Explorer

# public name -> module (inside nnedu.viz) that defines it
_LAZY = {
    "draw_graph": "graph",
    "graph_explorer": "graph",
    "backprop_explorer": "backprop",
    "draw_matmul_shapes": "backprop",
    "draw_decision_boundary": "boundary",
    "lr_explorer": "lr",
    "activation_explorer": "activation",
    "softmax_explorer": "softmax",
    "perceptron_explorer": "perceptron",
    "conv_explorer": "conv",
    "cnn_explorer": "cnn",
    # NOT a module called "playground": importing nnedu.viz.playground would set the
    # package attribute `playground` to that module, hiding the function (viz-2's fix).
    "playground": "playground_explorer",
    "dropout_explorer": "dropout",
    "batch_size_explorer": "batch_size",
    "init_explorer": "init",
}

__all__ = [  # noqa: RUF022 - grouped as in _LAZY
    "Explorer", "style", "draw_graph", "graph_explorer", "backprop_explorer",
    "draw_matmul_shapes", "draw_decision_boundary", "lr_explorer", "activation_explorer",
    "softmax_explorer", "perceptron_explorer", "conv_explorer", "cnn_explorer", "playground",
    "dropout_explorer", "batch_size_explorer", "init_explorer",
]


def __getattr__(name):
    """Import an explorer's module the first time one of its names is used."""
    if name not in _LAZY:
        raise AttributeError(f"module 'nnedu.viz' has no attribute {name!r}")
    module = importlib.import_module(f"nnedu.viz.{_LAZY[name]}")
    value = getattr(module, name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))

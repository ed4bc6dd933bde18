"""The examples in the library's docstrings are part of the text students read: run them."""

import doctest
import importlib

import pytest

MODULES = [
    "nnedu.activations", "nnedu.losses", "nnedu.graph", "nnedu.graph_nn", "nnedu.gradcheck", "nnedu._validate",
    "nnedu.initializers", "nnedu.perceptron", "nnedu.data", "nnedu.layers", "nnedu.conv",
    "nnedu.regularizers", "nnedu.optimizers", "nnedu.schedules", "nnedu.models", "nnedu.callbacks",
    "nnedu.checks._core", "nnedu.quadratic", "nnedu.backend", "nnedu.config",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} has no docstring examples to run"
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"

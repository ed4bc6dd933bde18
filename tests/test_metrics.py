"""Tests for nnedu.metrics: Keras' rules for "accuracy", class labels, metrics by name."""

import numpy as np
import pytest

from nnedu import metrics
from nnedu.backend import to_numpy

PROBABILITIES = np.array([[0.1, 0.7, 0.2], [0.6, 0.3, 0.1], [0.2, 0.2, 0.6]])


def test_accuracy_follows_keras_rules():
    assert metrics.accuracy(np.array([1, 0, 0]), PROBABILITIES) == pytest.approx(2 / 3)
    assert metrics.accuracy(np.eye(3)[[1, 1, 2]], PROBABILITIES) == pytest.approx(2 / 3)
    sigmoid_out = np.array([[0.4], [0.6], [0.51]])
    assert metrics.accuracy(np.array([[0.0], [1.0], [0.0]]), sigmoid_out) == pytest.approx(2 / 3)
    assert metrics.accuracy(np.array([0.0, 1.0, 1.0]), sigmoid_out) == pytest.approx(1.0)


def test_the_three_accuracies():
    assert metrics.sparse_categorical_accuracy(np.array([1, 1, 2]), PROBABILITIES) == 2 / 3
    assert metrics.categorical_accuracy(np.eye(3)[[0, 0, 2]], PROBABILITIES) == 2 / 3
    assert metrics.binary_accuracy(np.array([1.0, 0.0]), np.array([[0.7], [0.2]])) == 1.0
    assert metrics.binary_accuracy(np.array([1.0, 0.0]), np.array([[0.7], [0.2]]),
                                   threshold=0.8) == 0.5


def test_class_labels():
    def labels(y, output_shape):
        return to_numpy(metrics.class_labels(y, output_shape)).tolist()

    assert labels(np.array([2, 0]), (3,)) == [2, 0]
    assert labels(np.eye(3)[[2, 1]], (3,)) == [2, 1]
    assert labels(np.array([[0.9], [0.1]]), (1,)) == [1, 0]
    assert labels(np.array([1.0, 1.0]), (1,)) == [1, 1]


def test_get_by_name():
    assert metrics.get("acc") is metrics.accuracy
    assert metrics.get("mae")(np.array([1.0, 2.0]), np.array([1.5, 0.0])) == 1.25
    with pytest.raises(ValueError, match="unknown metric 'precision'"):
        metrics.get("precision")
    with pytest.raises(TypeError, match="given by name"):
        metrics.get(len)


def test_the_old_home_still_works():
    from nnedu import models

    assert models.accuracy is metrics.accuracy and models.class_labels is metrics.class_labels


@pytest.mark.numpy_only("the docstring examples print NumPy arrays (.tolist() on a result)")
def test_docstring_examples():
    import doctest

    result = doctest.testmod(metrics, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0

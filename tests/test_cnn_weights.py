"""The CNN weights shipped for chapter 10: they reach >= 95 % and match scripts/train_cnn.py.

nnedu/_data/mnist_cnn.weights.npz is written by ``python scripts/train_cnn.py``; lesson
10 builds the same network (its own copy of ``build_cnn``) and loads the file.
"""

import importlib.util
import json
import re
from pathlib import Path

import numpy as np
import pytest

import nnedu
from nnedu.data import CNN_WEIGHTS, load_mnist_subset

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "train_cnn.py"
LESSON = ROOT / "notebooks" / "10_cnn.py"


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("train_cnn", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def saved():
    with np.load(CNN_WEIGHTS) as data:
        return {key: data[key] for key in data.files}


@pytest.fixture
def float32():
    nnedu.config.set_floatx("float32")
    yield
    nnedu.config.set_floatx("float64")


def _weights(saved):
    count = len([key for key in saved if key.startswith("weight_")])
    return [saved[f"weight_{i}"] for i in range(count)]


def test_the_file_is_small_float32_and_ships_in_the_package(saved):
    assert CNN_WEIGHTS.parent == ROOT / "nnedu" / "_data"
    assert CNN_WEIGHTS.stat().st_size < 300 * 1024
    weights = _weights(saved)
    assert all(w.dtype == np.float32 for w in weights)
    assert sum(w.size for w in weights) == 56_714
    assert int(saved["epochs"]) == 10 and float(saved["train_seconds"]) > 0


def test_the_script_builds_the_architecture_of_the_file(script, saved):
    model = script.build_cnn()
    assert script.architecture(model) == str(saved["architecture"])
    assert [w.shape for w in model.get_weights()] == [w.shape for w in _weights(saved)]
    assert model.count_params() == 56_714


def test_the_lesson_builds_the_same_network_as_the_script(script):
    source = LESSON.read_text(encoding="utf-8")
    match = re.search(r"^def build_cnn\(\):\n(?:(?:    .*)?\n)+", source, re.MULTILINE)
    assert match, "notebooks/10_cnn.py has no build_cnn()"
    namespace = {}
    exec("import nnedu\nfrom nnedu.layers import Conv2D, Dense, Flatten, MaxPooling2D\n"  # noqa: S102 -- our own lesson
         + match.group(0), namespace)
    lesson_model = namespace["build_cnn"]()
    assert script.architecture(lesson_model) == script.architecture(script.build_cnn())
    for a, b in zip(lesson_model.get_weights(), script.build_cnn().get_weights()):
        assert np.array_equal(a, b)                      # same seeds, same initial weights


def test_the_shipped_weights_reach_95_percent(script, saved, float32):
    (_, _), (x_test, y_test) = load_mnist_subset()
    model = script.build_cnn()
    model.set_weights(_weights(saved))
    accuracy = model.evaluate(x_test, y_test)[1]
    assert accuracy >= 0.95
    assert abs(accuracy - float(saved["test_accuracy"])) < 0.005
    assert json.loads(str(saved["architecture"]))[0]["class_name"] == "Conv2D"


def test_one_epoch_of_the_script_learns_and_saves_a_loadable_file(script, tmp_path):
    model, accuracy, seconds = script.train(epochs=1, verbose=0)
    assert accuracy > 0.85 and seconds > 0
    assert nnedu.config.floatx() == "float64"            # the script restores the default
    out = tmp_path / "cnn.npz"
    script.save(model, accuracy, seconds, out)
    with np.load(out) as data:
        assert int(data["epochs"]) == 1
        assert str(data["architecture"]) == script.architecture(script.build_cnn())

"""The CNN weights shipped for chapter 10: they reach >= 95 % and match scripts/train_cnn.py.

``python scripts/train_cnn.py`` writes nnedu/_data/mnist_cnn.weights.npz (model.save_weights)
and the record mnist_cnn.json; lesson 10 builds the same network (its own copy of
``build_cnn``) and loads the weights with model.load_weights.
"""

import importlib.util
import json
import re
from pathlib import Path

import numpy as np
import pytest

import nnedu
from nnedu.data import CNN_RECORD, CNN_WEIGHTS, load_mnist_subset

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
def record():
    return json.loads(CNN_RECORD.read_text(encoding="utf-8"))


@pytest.fixture
def float32():
    nnedu.config.set_floatx("float32")
    yield
    nnedu.config.set_floatx("float64")


def test_the_files_are_small_float32_and_ship_in_the_package(record):
    assert CNN_WEIGHTS.parent == CNN_RECORD.parent == ROOT / "nnedu" / "_data"
    assert CNN_WEIGHTS.stat().st_size < 300 * 1024
    with np.load(CNN_WEIGHTS) as data:
        weights = [data[name] for name in data.files if name.startswith("weight_")]
    assert all(w.dtype == np.float32 for w in weights)
    assert sum(w.size for w in weights) == 56_714
    assert record["epochs"] == 10 and 0 < record["train_seconds"] < 60
    assert record["command"] == "python scripts/train_cnn.py"


def test_the_script_builds_the_architecture_of_the_record(script, record):
    model = script.build_cnn()
    assert script.architecture(model) == record["architecture"]
    model.load_weights(CNN_WEIGHTS)                      # the shapes fit, or this raises
    assert model.count_params() == 56_714


def test_the_lesson_builds_the_same_network_as_the_script(script):
    source = LESSON.read_text(encoding="utf-8")
    match = re.search(r"^def build_cnn\(\):\n(?:(?:    .*)?\n)+", source, re.MULTILINE)
    assert match, "notebooks/10_cnn.py has no build_cnn()"
    namespace = {}
    code = "import nnedu\nfrom nnedu.layers import Conv2D, Dense, Flatten, MaxPooling2D\n"
    exec(code + match.group(0), namespace)  # noqa: S102 -- the function from our own lesson
    lesson_model = namespace["build_cnn"]()
    assert script.architecture(lesson_model) == script.architecture(script.build_cnn())
    for a, b in zip(lesson_model.get_weights(), script.build_cnn().get_weights()):
        assert np.array_equal(a, b)                      # same seeds, same initial weights


def test_the_shipped_weights_reach_95_percent(script, record, float32):
    (_, _), (x_test, y_test) = load_mnist_subset()
    model = script.build_cnn()
    model.load_weights(CNN_WEIGHTS)
    accuracy = model.evaluate(x_test, y_test)[1]
    assert accuracy >= 0.95
    assert abs(accuracy - record["test_accuracy"]) < 0.005


def test_one_epoch_of_the_script_learns_and_saves_loadable_files(script, tmp_path):
    model, accuracy, seconds = script.train(epochs=1, verbose=0)
    assert accuracy > 0.85 and seconds > 0
    assert nnedu.config.floatx() == "float64"            # the script restores the default
    weights, info = tmp_path / "cnn.weights.npz", tmp_path / "cnn.json"
    script.save(model, accuracy, seconds, weights, info)
    again = script.build_cnn()
    again.load_weights(weights)
    assert all(np.array_equal(a, b) for a, b in zip(again.get_weights(), model.get_weights()))
    assert json.loads(info.read_text(encoding="utf-8"))["epochs"] == 1

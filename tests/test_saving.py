"""Tests for nnedu.saving: model files round-trip exactly, under the name given."""

import numpy as np
import pytest

import nnedu
from nnedu import layers, saving
from nnedu.layers import BatchNormalization, Conv2D, Dense, Dropout, Flatten, Input, MaxPooling2D
from nnedu.models import Sequential, load_model
from nnedu.optimizers import SGD, Adam, schedules


@pytest.fixture(autouse=True)
def fresh_layer_names():
    layers.reset_names()


# Each file test runs on a conv net and on a dense net with batch norm: the conv net is
# skipped under the stand-in array library until nnedu.conv is array-API clean (conftest.py
# skips tests whose name says "conv"); the dense one runs there already.
KINDS = ["conv_net", "dense_net"]


def trained_model(kind="conv_net"):
    """A small 4-class model of 8 weight arrays, trained 2 epochs; (model, x, y)."""
    if kind == "conv_net":
        body = [Input((8, 8, 1)), Conv2D(3, 3, padding="same", activation="relu"),
                BatchNormalization(), MaxPooling2D(2), Flatten()]
    else:
        body = [Input((8, 8, 1)), Flatten(), Dense(3, activation="relu"), BatchNormalization()]
    model = Sequential(body + [Dropout(0.2), Dense(4, activation="softmax")])
    model.compile(Adam(0.01), "sparse_categorical_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(0)
    x, y = rng.random((16, 8, 8, 1)), np.arange(16) % 4
    model.fit(x, y, epochs=2, verbose=0, seed=0)
    return model, x, y


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", ["final_model.keras", "model.npz", "weights", "a.b.c"])
def test_save_writes_exactly_the_file_named_and_load_model_finds_it(tmp_path, name, kind):
    model, x, _ = trained_model(kind)
    model.save(tmp_path / name)
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
    loaded = nnedu.load_model(tmp_path / name)
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    assert loaded.summary_text() == model.summary_text()
    assert loaded.metrics == ["accuracy"] and loaded.optimizer.get_config() == \
        model.optimizer.get_config()
    assert nnedu.load_model is load_model is saving.load_model


@pytest.mark.parametrize("kind", KINDS)
def test_save_weights_and_load_weights_round_trip(tmp_path, kind):
    model, x, _ = trained_model(kind)
    model.save_weights(tmp_path / "model.weights.h5")
    layers.reset_names()
    fresh, _, _ = trained_model(kind)
    fresh.fit(x, np.zeros(16), epochs=3, verbose=0)  # other weights
    assert not np.array_equal(fresh.predict(x), model.predict(x))
    fresh.load_weights(tmp_path / "model.weights.h5")
    np.testing.assert_array_equal(fresh.predict(x), model.predict(x))
    for w, v in zip(fresh.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(w, v)


@pytest.mark.parametrize("kind", KINDS)
def test_load_weights_checks_the_architecture_and_the_file(tmp_path, kind):
    model, _, _ = trained_model(kind)
    model.save_weights(tmp_path / "w.npz")
    other = Sequential([Dense(2, input_shape=(3,))])
    with pytest.raises(ValueError, match="has 2 weight arrays, but got a list of 8"):
        other.load_weights(tmp_path / "w.npz")
    (tmp_path / "broken.npz").write_bytes((tmp_path / "w.npz").read_bytes()[:100])
    with pytest.raises(ValueError, match="broken.npz is not a weights file saved by nnedu"):
        model.load_weights(tmp_path / "broken.npz")
    with pytest.raises(ValueError, match="w.npz is not a model saved by nnedu"):
        load_model(tmp_path / "w.npz")  # a weights file is not a model
    model.save(tmp_path / "whole.keras")
    model.load_weights(tmp_path / "whole.keras")  # a model file holds the weights too


def test_compile_settings_are_saved_only_when_they_are_plain(tmp_path):
    model = Sequential([Dense(2, input_shape=(3,))])
    model.compile(SGD(0.1, momentum=0.5, nesterov=True), "mse", metrics=["mae"])
    model.save(tmp_path / "m")
    loaded = load_model(tmp_path / "m")
    assert isinstance(loaded.optimizer, SGD) and loaded.optimizer.get_config() == {
        "learning_rate": 0.1, "momentum": 0.5, "nesterov": True}
    assert loaded.loss.name == "mean_squared_error" and loaded.metrics == ["mae"]
    model.compile(SGD(schedules.ExponentialDecay(0.1, 10, 0.5)), "mse")
    model.save(tmp_path / "scheduled")
    assert load_model(tmp_path / "scheduled").optimizer is None


def test_an_unbuilt_model_cannot_be_saved(tmp_path):
    with pytest.raises(ValueError, match="has no weights yet"):
        Sequential([Dense(2)]).save(tmp_path / "m")
    assert list(tmp_path.iterdir()) == []

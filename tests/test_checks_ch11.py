"""Tests for nnedu.checks.ch11: right answers pass, typical wrong answers fail with a named hint."""

import numpy as np
import pytest
from checkhelpers import blank, fails_with

import nnedu
from nnedu.checks import ch11
from nnedu.checks._core import NOT_ATTEMPTED, registry
from nnedu.layers import Dense

CHECKS = [ch11.linear_to_dense, ch11.conv_to_keras, ch11.to_channels_last,
          ch11.bottleneck_features, ch11.transfer]


@pytest.mark.parametrize("check", CHECKS)
def test_not_attempted_is_reported_not_raised(check):
    result = check(blank)
    assert not result["passed"] and result["message"] == NOT_ATTEMPTED


def test_registry_lists_the_five_exercises_with_their_points():
    assert registry("11") == {"linear_to_dense": 1, "conv_to_keras": 1, "to_channels_last": 1,
                              "bottleneck_features": 1, "transfer": 2}


# ---------------------------------------------------------------- exercise 1

def test_linear_to_dense_right_and_alternative():
    assert ch11.linear_to_dense(lambda w, b: [w.T, b])["passed"]
    # a loop over entries, returning a tuple: also right
    def loop(w, b):
        kernel = np.empty((w.shape[1], w.shape[0]))
        for i in range(w.shape[1]):
            for j in range(w.shape[0]):
                kernel[i, j] = w[j, i]
        return (kernel, list(b))
    assert ch11.linear_to_dense(loop)["passed"]


def test_linear_to_dense_wrong_answers_are_named():
    fails_with(ch11.linear_to_dense, lambda w, b: [w.reshape(w.shape[1], w.shape[0]), b],
               "a reshape only relabels axes: use weight.T")
    fails_with(ch11.linear_to_dense, lambda w, b: [w, b], "nn.Linear is (units, inputs): transpose it")
    fails_with(ch11.linear_to_dense, lambda w, b: w.T, "expected a list [kernel, bias], got ndarray of shape (5, 3)")


def test_linear_to_dense_that_changes_its_input_fails():
    def in_place(w, b):
        b += 0.0
        w *= 2.0
        return [w.T / 2.0, b]
    fails_with(ch11.linear_to_dense, in_place, "changed its input weight in place")


# ---------------------------------------------------------------- exercise 2

def test_conv_to_keras_right_and_alternative():
    assert ch11.conv_to_keras(lambda w: np.transpose(w, (2, 3, 1, 0)))["passed"]
    assert ch11.conv_to_keras(lambda w: np.moveaxis(w, [0, 1], [3, 2]))["passed"]


def test_conv_to_keras_wrong_answers_are_named():
    fails_with(ch11.conv_to_keras, lambda w: w.T, "weight.T reverses all axes")
    fails_with(ch11.conv_to_keras, lambda w: w.reshape(w.shape[2], w.shape[3], w.shape[1],
                                                       w.shape[0]), "a reshape only relabels axes: use a transpose")
    fails_with(ch11.conv_to_keras, lambda w: np.transpose(w, (2, 3, 0, 1)),
               "channels come before filters")


# ---------------------------------------------------------------- exercise 3

def test_to_channels_last_right_and_alternative():
    assert ch11.to_channels_last(lambda x: x.transpose(0, 2, 3, 1))["passed"]
    assert ch11.to_channels_last(lambda x: np.moveaxis(x, 1, -1).tolist())["passed"]


def test_to_channels_last_wrong_answers_are_named():
    fails_with(ch11.to_channels_last, lambda x: x.transpose(0, 3, 2, 1),
               "that swaps H and W too")
    fails_with(ch11.to_channels_last, lambda x: x.reshape(x.shape[0], x.shape[2], x.shape[3],
                                                          x.shape[1]), "a reshape mixes channels")


def test_to_channels_last_that_changes_its_input_fails():
    def in_place(x):
        out = x.transpose(0, 2, 3, 1).copy()
        x.fill(0.0)
        return out
    fails_with(ch11.to_channels_last, in_place, "changed its input images in place")


# ---------------------------------------------------------------- exercise 4

def features_right(model, x):
    for layer in model.layers[:-1]:
        x = layer.forward(x, training=False)
    return x


def test_bottleneck_features_right_and_alternative():
    assert ch11.bottleneck_features(features_right)["passed"]
    # the same through a new model made of the first layers
    assert ch11.bottleneck_features(
        lambda model, x: nnedu.Sequential(model.layers[:-1]).predict(x))["passed"]


def test_bottleneck_features_wrong_answers_are_named():
    fails_with(ch11.bottleneck_features, lambda model, x: model.predict(x),
               "drop the last layer")

    def training_mode(model, x):
        for layer in model.layers[:-1]:
            x = layer.forward(x, training=True)
        return x
    fails_with(ch11.bottleneck_features, training_mode, "training=False")


def test_bottleneck_features_that_changes_its_input_fails():
    def in_place(model, x):
        out = features_right(model, x.copy())
        x[...] = 0.0
        return out
    fails_with(ch11.bottleneck_features, in_place, "changed its input x in place")


# ---------------------------------------------------------------- exercise 5

def transfer_right(trained, x_new, y_new, num_classes, epochs=40, freeze=True):
    features = trained.layers[:-1]
    for layer in features:
        layer.trainable = not freeze
    model = nnedu.Sequential(features + [Dense(num_classes, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x_new, y_new, batch_size=16, epochs=epochs, verbose=0, seed=0)
    return model


def test_transfer_right_and_alternative():
    result = ch11.transfer(transfer_right)
    assert result["passed"] and result["max_points"] == 2
    # an alternative: one-hot labels with the categorical loss, RMSprop, pop-free rebuild
    def one_hot_version(trained, x_new, y_new, num_classes):
        features = list(trained.layers[:-1])
        for layer in features:
            layer.trainable = False
        model = nnedu.Sequential(features)
        model.add(Dense(num_classes, activation="softmax"))
        model.compile(optimizer="rmsprop", loss="categorical_crossentropy")
        model.fit(x_new, np.eye(num_classes)[y_new], epochs=40, batch_size=16, verbose=0,
                  seed=1)
        return model
    assert ch11.transfer(one_hot_version)["passed"]


def test_transfer_wrong_answers_are_named():
    fails_with(ch11.transfer, lambda *a: transfer_right(*a, freeze=False),
               "must be frozen")
    fails_with(ch11.transfer, lambda *a: transfer_right(*a, epochs=2),
               "accuracy on unseen digits 5-9")
    fails_with(ch11.transfer, lambda trained, x, y, k: trained, "returned the trained model itself")

    def extra_head(trained, x_new, y_new, num_classes):
        for layer in trained.layers:
            layer.trainable = False
        model = nnedu.Sequential(trained.layers + [Dense(num_classes, activation="softmax")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        model.fit(x_new, y_new, epochs=5, verbose=0)
        return model
    fails_with(ch11.transfer, extra_head, "with the old head")

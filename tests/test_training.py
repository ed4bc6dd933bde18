"""End-to-end training: the course's MLP on the digits and its CNN on the MNIST subset.

Both are seeded (weights and shuffling), so each run gives the same numbers.
These are the slowest tests of the library (the CNN takes ~30 s on 2 cores);
the time per epoch is measured by benchmarks/bench_training.py, not here.
"""

import os

import pytest

from nnedu.data import load_digits, load_mnist_subset
from nnedu.layers import Conv2D, Dense, Dropout, Flatten, Input, MaxPooling2D
from nnedu.models import Sequential
from nnedu.optimizers import Adam


def standardized_digits():
    """The fixed digits split, each pixel standardized with the TRAINING mean and std."""
    (x_train, y_train), (x_test, y_test) = load_digits(split=True)
    mean, std = x_train.mean(axis=0), x_train.std(axis=0) + 1e-8
    return ((x_train - mean) / std, y_train), ((x_test - mean) / std, y_test)


def test_mlp_reaches_97_percent_on_the_digits():
    # A plain 64-128-10 net lands at 96.7-97.2 % on this split (seeds 0-4): too close to
    # the line. A wider layer with dropout gave 97.2-98.6 % over the same seeds.
    (x_train, y_train), (x_test, y_test) = standardized_digits()
    model = Sequential([Dense(512, activation="relu", input_shape=(64,), seed=0),
                        Dropout(0.5, seed=0),
                        Dense(10, activation="softmax", seed=100)])
    model.compile(Adam(learning_rate=1e-3), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x_train, y_train, batch_size=32, epochs=30, verbose=0, seed=0)
    _, accuracy = model.evaluate(x_test, y_test)
    assert history.history["loss"][-1] < history.history["loss"][0] / 10
    assert accuracy >= 0.97


@pytest.mark.skipif(bool(os.environ.get("NNEDU_ARRAY_BACKEND")),
                    reason="~30 s of training, too long for the stand-in run (make test-standin); "
                           "test_stand_in.py trains a small CNN under the stand-in instead")
def test_cnn_reaches_95_percent_on_the_mnist_subset():
    (x_train, y_train), (x_test, y_test) = load_mnist_subset()
    model = Sequential([
        Input((28, 28, 1)),
        Conv2D(16, 3, padding="same", activation="relu", seed=0),
        MaxPooling2D(2),
        Conv2D(32, 3, padding="same", activation="relu", seed=1),
        MaxPooling2D(2),
        Flatten(),
        Dense(64, activation="relu", seed=2),
        Dense(10, activation="softmax", seed=3),
    ])
    model.compile(Adam(learning_rate=1e-3), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x_train, y_train, batch_size=32, epochs=6, verbose=0, seed=0)
    _, accuracy = model.evaluate(x_test, y_test, batch_size=250)
    assert accuracy >= 0.95

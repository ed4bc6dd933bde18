"""The stand-in for CuPy is really used: nnedu computes in array-api-strict, not NumPy.

array-api-strict implements the Python array API and nothing more: its arrays
have no ``.sum()`` or ``.reshape()``, its functions take no NumPy arrays and it
has no ``random``. A layer, loss or training step that still calls NumPy
directly fails under it, exactly as it would fail (or silently copy to the
host) under CuPy. These tests prove that the stand-in run (``make
test-standin``) computes with it: the layers' outputs and the weights are
array_api_strict arrays, ``fit`` trains them, and ``predict`` hands back NumPy.
They activate the stand-in themselves, so they also run in the plain suite.
"""

import os

import numpy as np
import pytest

from nnedu import backend

array_api_strict = pytest.importorskip("array_api_strict")
STRICT_ARRAY = type(array_api_strict.asarray(0.0))


@pytest.fixture
def stand_in():
    backend._activate(array_api_strict)
    yield
    backend.use("numpy")


def test_the_stand_in_run_computes_with_the_module_it_names():
    name = os.environ.get("NNEDU_ARRAY_BACKEND")
    if not name:
        pytest.skip("NNEDU_ARRAY_BACKEND is not set: this is the NumPy run")
    assert backend.name() == name
    assert backend.module().__name__ == name
    assert not isinstance(backend.xp.zeros(2), np.ndarray)


def test_the_stand_in_refuses_what_numpy_allows(stand_in):
    a = backend.xp.ones((2, 3))
    assert isinstance(a, STRICT_ARRAY)
    with pytest.raises(AttributeError):
        a.sum()                                          # no array methods
    with pytest.raises(TypeError):
        a + np.ones((2, 3))                              # no NumPy arrays mixed in
    assert not hasattr(backend.xp, "random")             # no random module
    assert backend.float_dtype() == array_api_strict.float64
    assert "stand-in" in backend.describe()


def test_dense_forward_and_backward_return_stand_in_arrays(stand_in):
    from nnedu.layers import Dense

    dense = Dense(3, activation="relu", input_shape=(4,), seed=0)
    y = dense.forward(np.ones((2, 4)))                   # NumPy in: moved to the backend
    assert isinstance(y, STRICT_ARRAY) and y.shape == (2, 3)
    assert all(isinstance(w, STRICT_ARRAY) for w in dense.weights)
    dx = dense.backward(np.ones((2, 3)))
    assert isinstance(dx, STRICT_ARRAY) and isinstance(dense.grads["kernel"], STRICT_ARRAY)
    assert all(isinstance(w, np.ndarray) for w in dense.get_weights())  # Keras: NumPy copies


def test_conv2d_forward_and_backward_return_stand_in_arrays(stand_in):
    from nnedu.layers import Conv2D

    conv = Conv2D(2, 3, padding="same", activation="tanh", input_shape=(5, 5, 1), seed=0)
    y = conv.forward(np.ones((2, 5, 5, 1)))
    assert isinstance(y, STRICT_ARRAY) and y.shape == (2, 5, 5, 2)
    assert isinstance(conv.backward(np.ones((2, 5, 5, 2))), STRICT_ARRAY)


def _weights(model):
    return [w for layer in model.layers for w in layer.weights]


def _blobs(n, seed=0):
    """Two separable clouds of 2-d points, labels 0 and 1 (NumPy, as a student has them)."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    x = rng.normal(size=(n, 2)) * 0.5 + np.where(y[:, None] == 1, 1.5, -1.5)
    return x, y


def test_fit_trains_stand_in_weights_and_predict_returns_numpy(stand_in):
    from nnedu.layers import Dense
    from nnedu.models import Sequential

    x, y = _blobs(200)
    model = Sequential([Dense(8, activation="relu", input_shape=(2,), seed=0),
                        Dense(2, activation="softmax", seed=1)])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    before = [np.array(w) for w in _weights(model)]                    # copies
    history = model.fit(x, y, batch_size=32, epochs=5, verbose=0)
    assert all(isinstance(w, STRICT_ARRAY) for w in _weights(model))      # trained in place
    assert not np.allclose(before[0], np.asarray(_weights(model)[0]))
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["accuracy"][-1] > 0.9
    p = model.predict(x)
    assert type(p) is np.ndarray and p.shape == (200, 2)               # on the host
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    loss, accuracy = model.evaluate(x, y)
    assert isinstance(loss, float) and accuracy > 0.9


def test_a_small_cnn_trains_under_the_stand_in(stand_in):
    from nnedu.layers import Conv2D, Dense, Flatten, MaxPooling2D
    from nnedu.models import Sequential

    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 6, 6, 1))
    y = (x[:, :3].mean(axis=(1, 2, 3)) > x[:, 3:].mean(axis=(1, 2, 3))).astype(int)
    model = Sequential([Conv2D(4, 3, padding="same", activation="relu", input_shape=(6, 6, 1),
                               seed=0),
                        MaxPooling2D(2), Flatten(), Dense(2, activation="softmax", seed=1)])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, batch_size=16, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert all(isinstance(w, STRICT_ARRAY) for w in _weights(model))
    assert type(model.predict(x[:5])) is np.ndarray

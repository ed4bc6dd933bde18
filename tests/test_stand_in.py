"""The stand-in for CuPy is really used: nnedu computes in array-api-strict, not NumPy.

array-api-strict implements the Python array API and nothing more: its arrays
have no ``.sum()`` or ``.reshape()``, its functions take no NumPy arrays and it
has no ``random``. A layer, loss or training step that still calls NumPy
directly fails under it, exactly as it would fail (or silently copy to the
host) under CuPy. These tests prove that the stand-in run (``make
test-standin``) computes with it: the layers' outputs, the losses' gradients
and the weights are array_api_strict arrays, ``fit`` trains them, ``predict``
hands back NumPy (the backend's array with ``to_host=False``), and the
explorers convert to NumPy before they plot.
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


def test_losses_and_metrics_compute_with_the_stand_in(stand_in):
    from nnedu import losses, metrics

    y, p = np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([[0.2, 0.8], [0.6, 0.4]])
    for loss in (losses.mse, losses.binary_crossentropy, losses.categorical_crossentropy):
        assert isinstance(loss(y, p), float)
        assert isinstance(loss.gradient(y, p), STRICT_ARRAY)
        assert isinstance(loss.per_sample(y, p), STRICT_ARRAY)
    assert isinstance(losses.sparse_categorical_crossentropy.gradient([1, 0], p), STRICT_ARRAY)
    value, dlogits = losses.softmax_cross_entropy(np.log(p), [1, 0])
    assert isinstance(dlogits, STRICT_ARRAY) and abs(value - losses.sparse_categorical_crossentropy(
        [1, 0], p)) < 1e-12
    assert isinstance(metrics.class_labels(y, (2,)), STRICT_ARRAY)
    assert metrics.accuracy(backend.xp.asarray([1, 1]), backend.xp.asarray(p)) == 0.5


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
    kept = model.predict(x, to_host=False)                             # asked: stays there
    assert isinstance(kept, STRICT_ARRAY)
    np.testing.assert_array_equal(backend.to_numpy(kept), p)


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


# ------------------------------------------------------------------ plotting converts first


def _agg():
    """matplotlib with the Agg backend (pictures in memory), or a skip without it."""
    pytest.importorskip("matplotlib")
    pytest.importorskip("ipywidgets")
    import vizhelpers  # noqa: F401  (selects Agg before nnedu.viz is imported)


def test_the_cnn_explorer_plots_the_stand_ins_feature_maps_as_numpy(stand_in):
    _agg()
    from nnedu import viz
    from nnedu.layers import Activation, Dense, Flatten, Input
    from nnedu.models import Sequential

    images = np.random.default_rng(0).normal(size=(6, 5, 5, 1))
    model = Sequential([Input((5, 5, 1)), Activation("relu"), Flatten(),
                        Dense(3, activation="softmax", seed=0)])
    assert isinstance(model.forward(images), STRICT_ARRAY)
    # given the stand-in's own arrays (what a student has after computing on the GPU)
    ex = viz.cnn_explorer(model, backend.xp.asarray(images),
                          backend.xp.asarray([0, 1, 2, 0, 1, 2]), index=4)
    assert ex.map_layers == [0]                               # relu's (5, 5, 1) maps
    assert all(type(out) is np.ndarray for _, out in ex.outputs)
    np.testing.assert_allclose(ex.probabilities, model.predict(images[4:5])[0], atol=1e-12)
    fmap = np.maximum(images[4, :, :, 0], 0)
    np.testing.assert_allclose(ex.map_images[0][0].get_array(),
                               (fmap - fmap.min()) / (fmap.max() - fmap.min()))
    ex.controls["digit"].value = 1
    np.testing.assert_allclose(ex.probabilities, model.predict(images[1:2])[0], atol=1e-12)
    ex.figure.canvas.draw()                                   # matplotlib draws it all
    assert ex.readout.startswith("test image 1: label 1, predicted")


def test_the_conv_explorer_plots_the_stand_ins_feature_map_as_numpy(stand_in):
    _agg()
    from nnedu import viz
    from nnedu.viz.conv import KERNELS, make_image

    ex = viz.conv_explorer("digit 3", kernel="edge", stride=1, padding=1)
    assert type(ex.out) is np.ndarray and ex.out.shape == (8, 8)
    padded, kernel = np.pad(make_image("digit 3"), 1), np.array(KERNELS["edge"], dtype=float)
    expected = [[np.sum(padded[i:i + 3, j:j + 3] * kernel) for j in range(8)] for i in range(8)]
    np.testing.assert_allclose(ex.out, expected, atol=1e-12)
    np.testing.assert_allclose(ex.out_image.get_array(), expected, atol=1e-12)
    ex.figure.canvas.draw()


def test_the_softmax_perceptron_init_and_lr_explorers_compute_under_the_stand_in(stand_in):
    _agg()
    from nnedu import viz

    ex = viz.softmax_explorer((2.0, 1.0, 0.1), true_class=0)   # the loss gradient is a strict array
    assert "p = [0.659, 0.242, 0.099]" in ex.readout
    assert "cross-entropy 0.4170" in ex.readout               # -ln 0.659

    ex = viz.perceptron_explorer("and", learning_rate=1.0, seed=None)   # computes on the host
    assert type(ex.model.weights_) is np.ndarray
    assert ex.title.get_text() == "AND, perceptron rule, lr 1: converged, epoch 6 made no mistake"

    ex = viz.init_explorer(depth=5, initializer="zeros", activation="tanh")
    assert all(type(a) is np.ndarray for a in ex.layers)      # brought to the host to plot
    np.testing.assert_array_equal(ex.stds, 0.0)               # zero weights: every unit equal
    ex.controls["initializer"].value = "glorot_uniform"
    assert np.all(ex.stds > 0.05)
    ex.figure.canvas.draw()

    from nnedu import quadratic, surfaces
    from nnedu.optimizers import SGD
    ex = viz.lr_explorer("ravine", ("sgd", "momentum"), learning_rate=0.05, steps=20)
    ex.set_optimal("lr")                                  # 2 / (1 + 20), the quadratic on the host
    assert ex.controls["learning_rate"].value == pytest.approx(2 / 21)
    points, _ = surfaces.descend("ravine", SGD(learning_rate=2 / 21), None, 20)
    assert type(points) is np.ndarray                     # the walk ran in NumPy (backend.on_host)
    assert backend.name() == "array_api_strict"           # ... and the stand-in is back after it
    assert quadratic.optimal_learning_rate((1.0, 20.0)) == pytest.approx(2 / 21)

    from nnedu.viz.network_picture import layer_outputs
    ex = viz.playground("xor", hidden_layers=2, units=3, steps=20)
    points = np.array([[0.5, -0.5], [-0.2, 0.1]])
    outputs = layer_outputs(ex.model, points)              # the network picture's numbers
    assert [type(o) for o in outputs] == [np.ndarray] * 4
    np.testing.assert_allclose(outputs[-1], ex.model.predict(points), atol=1e-12)
    ex.show_network.value = True
    assert ex.network_png().startswith(b"\x89PNG")

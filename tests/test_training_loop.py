"""fit/evaluate/predict held to values: batch order, weights, the fused loss, bad input.

Each test fixes what a plausible bug would change: a fit that shuffles when told
not to, ignores batch_size, class_weight or validation_split, a loss reported
from clipped probabilities while the step descends the logits' loss, ...
"""

import re
import warnings

import numpy as np
import pytest

import nnedu
from nnedu import config, layers, models
from nnedu.backend import to_numpy, xp
from nnedu.gradcheck import numerical_gradient, rel_error
from nnedu.layers import BatchNormalization, Conv2D, Dense, Input
from nnedu.models import DivergenceWarning, Sequential
from nnedu.optimizers import SGD, Adam


@pytest.fixture(autouse=True)
def fresh_layer_names():
    layers.reset_names()


def blobs(n=40, seed=0, classes=3, features=4):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % classes
    x = rng.normal(size=(n, features))
    x[np.arange(n), y] += 3.0
    return x, y


def mlp(seed=0, optimizer=None, loss="sparse_categorical_crossentropy"):
    model = Sequential([Dense(5, activation="tanh", input_shape=(4,), seed=seed),
                        Dense(3, activation="softmax", seed=seed + 1)])
    model.compile(optimizer or SGD(0.3, momentum=0.5), loss)
    return model


def by_hand(model, batches, sample_weights=None):
    """train_on_batch on each (x, y) batch in turn: what fit must do without shuffling."""
    for i, (xb, yb) in enumerate(batches):
        weights = None if sample_weights is None else sample_weights[i]
        model.train_on_batch(xb, yb, sample_weight=weights)
    return model.get_weights()


def assert_same_weights(a, b):
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)


# ------------------------------------------------------------------ batches and their order


def test_fit_without_shuffling_takes_the_batches_in_order():
    x, y = blobs(n=22)
    fitted = mlp()
    fitted.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0, seed=123)
    expected = by_hand(mlp(), [(x[0:8], y[0:8]), (x[8:16], y[8:16]), (x[16:], y[16:])])
    assert_same_weights(fitted.get_weights(), expected)


def test_fit_with_shuffling_follows_its_seed_and_differs_from_the_order():
    x, y = blobs(n=22)
    runs = []
    for seed in (1, 1, 2):
        model = mlp()
        model.fit(x, y, batch_size=8, epochs=1, verbose=0, seed=seed)
        runs.append(model.get_weights())
    assert_same_weights(runs[0], runs[1])
    assert not np.allclose(runs[0][0], runs[2][0])
    order = np.random.default_rng(1).permutation(22)
    batches = [(x[order[i:i + 8]], y[order[i:i + 8]]) for i in (0, 8, 16)]
    assert_same_weights(runs[0], by_hand(mlp(), batches))


def test_the_epoch_loss_is_the_sample_weighted_mean_of_the_batch_losses():
    x, y = blobs(n=10)
    x[:5] = -x[:5]  # the first samples are misclassified: batches differ in accuracy
    model = mlp(optimizer=SGD(0.0))  # nothing moves: every batch sees the same weights
    model.compile(SGD(0.0), "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    per_batch = [model.evaluate(x[i:i + 4], y[i:i + 4]) for i in (0, 4, 8)]
    for k, key in enumerate(["loss", "accuracy"]):
        expected = (4 * per_batch[0][k] + 4 * per_batch[1][k] + 2 * per_batch[2][k]) / 10
        assert history.history[key][0] == pytest.approx(expected, rel=1e-12)
        assert history.history[key][0] == pytest.approx(model.evaluate(x, y)[k], rel=1e-12)
    unweighted = np.mean([acc for _, acc in per_batch])
    assert history.history["accuracy"][0] != pytest.approx(unweighted)


def test_validation_split_trains_on_the_first_part_only():
    x, y = blobs(n=20)
    fitted = mlp()
    history = fitted.fit(x, y, batch_size=5, epochs=1, shuffle=False, validation_split=0.25,
                         verbose=0)
    expected = by_hand(mlp(), [(x[i:i + 5], y[i:i + 5]) for i in (0, 5, 10)])
    assert_same_weights(fitted.get_weights(), expected)
    assert history.history["val_loss"][0] == pytest.approx(fitted.evaluate(x[15:], y[15:]),
                                                           rel=1e-12)


def test_two_epochs_carry_the_optimizer_state_over():
    x, y = blobs(n=12)
    fitted = mlp(optimizer=Adam(0.05))
    fitted.fit(x, y, batch_size=6, epochs=2, shuffle=False, verbose=0)
    halves = [(x[:6], y[:6]), (x[6:], y[6:])]
    assert_same_weights(fitted.get_weights(), by_hand(mlp(optimizer=Adam(0.05)), halves * 2))


# ------------------------------------------------------------------ class and sample weights


def test_fit_with_class_weight_equals_fit_with_the_same_sample_weights():
    x, y = blobs(n=18)
    class_weight = {0: 3.0, 1: 0.5, 2: 1.0}
    per_sample = np.array([class_weight[c] for c in y])
    a, b = mlp(), mlp()
    a.fit(x, y, batch_size=6, epochs=2, shuffle=False, verbose=0, class_weight=class_weight)
    b.fit(x, y, batch_size=6, epochs=2, shuffle=False, verbose=0, sample_weight=per_sample)
    assert_same_weights(a.get_weights(), b.get_weights())
    plain = mlp()
    plain.fit(x, y, batch_size=6, epochs=2, shuffle=False, verbose=0)
    assert not np.allclose(plain.get_weights()[0], a.get_weights()[0])
    batches = [(x[i:i + 6], y[i:i + 6]) for i in (0, 6, 12)] * 2
    weights = [per_sample[i:i + 6] for i in (0, 6, 12)] * 2
    assert_same_weights(a.get_weights(), by_hand(mlp(), batches, weights))


def test_sample_weight_is_keras_weighted_mean_over_the_batch():
    x, y = blobs(n=6)
    model = mlp(optimizer=SGD(0.0))
    p = model.predict(x)
    per_sample = -np.log(p[np.arange(6), y])
    w = np.array([0.0, 1.0, 2.0, 3.0, 0.5, 1.5])
    loss = model.train_on_batch(x, y, sample_weight=w)
    assert loss == pytest.approx(np.sum(w * per_sample) / 6, rel=1e-12)


def test_class_weight_on_one_sigmoid_output_with_a_single_class_in_y():
    x = np.random.default_rng(0).normal(size=(8, 2))
    for y in (np.ones(8), np.zeros(8)):
        model = Sequential([Dense(1, activation="sigmoid", input_shape=(2,), seed=0)])
        model.compile(SGD(0.0), "binary_crossentropy")
        p = model.predict(x)[:, 0]
        per_sample = -(y * np.log(p) + (1 - y) * np.log(1 - p))
        loss = model.train_on_batch(x, y, class_weight={0: 1.0, 1: 4.0})
        weight = np.where(y == 1, 4.0, 1.0)
        assert loss == pytest.approx(np.mean(weight * per_sample), rel=1e-12)
        history = model.fit(x, y, batch_size=3, verbose=0, class_weight={1: 4.0})
        assert np.isfinite(history.history["loss"][0])
    with pytest.raises(ValueError, match="class_weight keys must be class labels 0..1"):
        model.fit(x, y, verbose=0, class_weight={2: 1.0})


# ------------------------------------------------------------------ the fused loss


def one_unit_model(activation, bias):
    """One Dense layer on a constant input 1: its logits are exactly its bias."""
    units = len(bias)
    model = Sequential([Dense(units, activation=activation, input_shape=(1,),
                              kernel_initializer="zeros")])
    model.layers[0].set_weights([np.zeros((1, units)), np.array(bias, dtype=float)])
    return model


@pytest.mark.parametrize("activation, loss, bias, y, expected", [
    ("softmax", "sparse_categorical_crossentropy", [0.0, -60.0], [1], 60.0),
    ("softmax", "categorical_crossentropy", [0.0, -60.0], [[0.0, 1.0]], 60.0),
    ("sigmoid", "binary_crossentropy", [-60.0], [[1.0]], 60.0),
    ("sigmoid", "binary_crossentropy", [40.0], [[0.0]], 40.0),  # p rounds to 1.0 exactly
])
def test_the_reported_loss_is_the_loss_whose_gradient_is_descended(activation, loss, bias, y,
                                                                   expected):
    # true-class probability e^-60: the clipped loss would say 16.1 and have gradient 0
    model = one_unit_model(activation, bias)
    model.compile(SGD(0.0), loss)
    x, y = np.ones((1, 1)), np.array(y)
    assert model.evaluate(x, y) == pytest.approx(expected, rel=1e-12)
    bias_array = model.layers[0].params["bias"]
    numeric = numerical_gradient(lambda _: model.evaluate(x, y), bias_array)
    model.train_on_batch(x, y)
    step = model.layers[0].grads["bias"]
    assert np.abs(step).max() > 0.5
    assert rel_error(step, numeric) < 1e-8


def test_fit_with_an_activation_layer_on_top_fuses_too():
    model = Sequential([Input((1,)), Dense(2, kernel_initializer="zeros"),
                        layers.Activation("softmax")])
    model.layers[0].set_weights([np.zeros((1, 2)), np.array([0.0, -60.0])])
    model.compile(SGD(0.0), "sparse_categorical_crossentropy")
    assert model.evaluate(np.ones((1, 1)), np.array([1])) == pytest.approx(60.0, rel=1e-12)


# ------------------------------------------------------------------ bad input, before arithmetic


def assert_refused(model, error, message, **fit_args):
    before = model.get_weights() if model.built else None
    with pytest.raises(error, match=message):
        model.fit(verbose=0, **fit_args)
    if before is not None:
        assert_same_weights(model.get_weights(), before)


def test_image_outputs_against_one_label_per_sample_are_refused():
    model = Sequential([Input((8, 8, 1)), Conv2D(2, 3, activation="softmax")])  # (N, 6, 6, 2)
    model.compile("sgd", "sparse_categorical_crossentropy")
    assert_refused(model, ValueError, r"outputs have shape \(None, 6, 6, 2\).*add Flatten\(\)",
                   x=np.zeros((4, 8, 8, 1)), y=np.array([0, 1, 0, 1]))
    with pytest.raises(ValueError, match="add Flatten"):
        model.evaluate(np.zeros((4, 8, 8, 1)), np.array([0, 1, 0, 1]))


def test_a_ragged_list_as_x_is_refused():
    assert_refused(mlp(), ValueError, "x could not be turned into an array",
                   x=[[1.0, 2.0, 3.0, 4.0], [1.0, 2.0]], y=[0, 1])


def test_shuffle_must_be_a_bool():
    x, y = blobs()
    assert_refused(mlp(), TypeError, "shuffle must be True or False, but got str: 'yes'",
                   x=x, y=y, shuffle="yes")


def test_rows_of_zeros_in_one_hot_targets_are_refused():
    x, y = blobs(n=6)
    targets = np.eye(3)[y]
    targets[4] = 0.0
    assert_refused(mlp(loss="categorical_crossentropy"), ValueError,
                   "row 4 of the one-hot targets is all zeros", x=x, y=targets)


def test_class_weights_must_be_numbers_of_the_classes():
    x, y = blobs()
    assert_refused(mlp(), ValueError, r"class_weight\[1\] must be >= 0", x=x, y=y,
                   class_weight={1: -2.0})
    assert_refused(mlp(), ValueError, r"sample_weight must have one weight per sample, shape "
                   r"\(40,\)", x=x, y=y, sample_weight=np.ones(3))


def test_predict_on_an_empty_batch_returns_an_empty_result():
    out = mlp().predict(np.zeros((0, 4)))
    assert out.shape == (0, 3)
    with pytest.raises(ValueError, match=r"expects inputs of shape \(None, 4\)"):
        mlp().predict(np.zeros((0, 5)))
    with pytest.raises(ValueError, match=r"x must be a batch of samples.*shape \(0, 4\)"):
        mlp().evaluate(np.zeros((0, 4)), np.zeros(0))


def test_the_data_is_checked_once_per_call_not_per_batch(monkeypatch):
    x, y = blobs(n=40)
    scanned = []
    real = models.check_finite
    monkeypatch.setattr(models, "check_finite", lambda a, name: scanned.append(name) or
                        real(a, name))
    model = mlp()
    model.fit(x, y, batch_size=4, epochs=2, verbose=0, validation_split=0.5)
    assert scanned == ["x", "y"]
    scanned.clear()
    model.predict(x, batch_size=4)
    model.forward(x)
    assert scanned == ["x", "x"]


def test_divergence_is_seen_in_the_loss_of_a_single_layer_model():
    x, y = blobs()
    model = Sequential([Dense(1, input_shape=(4,), seed=0)])
    model.compile(SGD(1e10), "mse")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(x, y * 1e3, epochs=20, batch_size=8, verbose=0)
    assert [type(w.message) for w in caught] == [DivergenceWarning]
    assert len(history.history.get("loss", [])) < 20


# ------------------------------------------------------------------ floatx


def test_float32_through_the_model():
    x, y = blobs()
    config.set_floatx("float32")
    try:
        model = mlp(optimizer=Adam(0.05))
        history = model.fit(x.tolist(), y, epochs=3, verbose=0, seed=0)
        assert model.predict(x).dtype == np.float32
        assert model.predict(x.astype(int)).dtype == np.float32
        assert history.history["loss"][-1] < history.history["loss"][0]
        size = to_numpy(model.weights[0]).itemsize  # 4 once the layers build in floatx, 8 before
        assert f"Total params: 43 ({43 * size:.2f} B)" in model.summary_text()
    finally:
        config.set_floatx("float64")


# ------------------------------------------------------------------ Keras' API


def test_input_declares_the_shape_and_is_not_a_layer_of_the_model():
    with_input = Sequential([Input((2,)), Dense(3, activation="relu"), Dense(2)])
    layers.reset_names()
    without = Sequential([Dense(3, activation="relu", input_shape=(2,)), Dense(2)])
    assert [type(layer).__name__ for layer in with_input.layers] == ["Dense", "Dense"]
    assert with_input.built and with_input.input_shape == (2,)
    table = with_input.summary_text().splitlines()[1:]
    assert table == without.summary_text().splitlines()[1:]
    assert nnedu.Input is layers.Input


def test_default_model_names_are_unique():
    names = [Sequential().name for _ in range(3)]
    assert names == ["sequential", "sequential_1", "sequential_2"]
    assert Sequential(name="mine").name == "mine"
    assert Sequential().name == "sequential_3"


def test_model_weights_are_the_arrays_in_keras_order():
    model = Sequential([Dense(3, input_shape=(2,)), BatchNormalization(), Dense(1)])
    shapes = [w.shape for w in model.weights]
    assert shapes == [(2, 3), (3,), (3,), (3,), (3,), (3,), (3, 1), (1,)]
    assert model.weights[0] is model.layers[0].params["kernel"]
    assert model.weights[4] is model.layers[1].state["moving_mean"]
    for w, copy in zip(model.weights, model.get_weights()):
        np.testing.assert_array_equal(w, copy)


def test_pop_removes_the_last_layer():
    model = Sequential([Input((4,)), Dense(5), Dense(3)])
    last = model.pop()
    assert last.output_shape == (3,) and len(model.layers) == 1
    assert model.predict(np.zeros((2, 4))).shape == (2, 5)
    model.pop()
    with pytest.raises(TypeError, match="no layers to pop"):
        model.pop()


def test_summary_of_a_model_with_an_input_still_has_the_keras_table():
    model = Sequential([Input((20, 20, 3)), Conv2D(2, 3, padding="same"), layers.Flatten(),
                        Dense(2)])
    text = model.summary_text()
    assert "input_layer" not in text
    assert re.search(r"conv2d \(Conv2D\)\s+\(None, 20, 20, 2\)\s+56\n", text)
    assert "Total params: 1,658 " in text


def test_a_loss_written_as_batch_mean_and_gradient_still_trains():
    class HalfSquares(nnedu.losses.Loss):  # written with xp, so that it also runs on the GPU
        def loss(self, y_true, y_pred):
            return float(0.5 * xp.sum((y_true - y_pred) ** 2) / y_pred.shape[0])

        def gradient(self, y_true, y_pred):
            return (y_pred - y_true) / y_pred.shape[0]

    x, y = blobs(n=12)
    targets = np.eye(3)[y]
    model = mlp(optimizer=SGD(0.0), loss=HalfSquares())
    expected = 0.5 * np.sum((targets - model.predict(x)) ** 2) / 12
    assert model.train_on_batch(x, targets) == pytest.approx(expected, rel=1e-12)
    with pytest.raises(ValueError, match="define call"):
        model.fit(x, targets, verbose=0, class_weight={0: 2.0})


@pytest.mark.parametrize("loss, units, activation", [
    ("categorical_crossentropy", 3, "softmax"),
    ("binary_crossentropy", 2, "sigmoid"),
    ("mse", 3, "tanh"),
])
def test_fused_and_plain_gradients_on_outputs_of_several_axes(loss, units, activation):
    # outputs (N, 2, 2, units): Keras averages the loss over the positions too
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 2, 2, 4))
    labels = rng.integers(0, units, size=(5, 2, 2))
    y = np.eye(units)[labels] if loss != "binary_crossentropy" else \
        rng.integers(0, 2, size=(5, 2, 2, units)).astype(float)
    model = Sequential([Dense(units, activation=activation, input_shape=(2, 2, 4), seed=0)])
    model.compile(SGD(0.0), loss)
    numeric = [numerical_gradient(lambda _: model.evaluate(x, y), w)
               for w in model.layers[0].params.values()]
    model.train_on_batch(x, y)
    for key, n in zip(model.layers[0].params, numeric):
        assert rel_error(model.layers[0].grads[key], n) < 1e-7
    p = model.predict(x)
    if loss == "categorical_crossentropy":
        assert model.evaluate(x, y) == pytest.approx(-np.mean(np.log(p[y == 1])), rel=1e-12)


def test_sample_weights_reach_the_validation_loss_and_class_weights_do_not():
    x, y = blobs(n=20)
    w = np.linspace(0.5, 2.0, 20)
    model = mlp()
    history = model.fit(x, y, batch_size=5, shuffle=False, validation_split=0.25,
                        sample_weight=w, class_weight={0: 3.0}, verbose=0)
    # as Keras: the validation part keeps its sample weights, class weights are for training
    assert history.history["val_loss"][0] == pytest.approx(
        model.evaluate(x[15:], y[15:], sample_weight=w[15:]), rel=1e-12)
    assert model.evaluate(x[15:], y[15:], sample_weight=w[15:]) != pytest.approx(
        model.evaluate(x[15:], y[15:]))
    history = model.fit(x[:15], y[:15], verbose=0, validation_data=(x[15:], y[15:], w[15:]))
    assert history.history["val_loss"][0] == pytest.approx(
        model.evaluate(x[15:], y[15:], sample_weight=w[15:]), rel=1e-12)
    p = model.predict(x)
    per_sample = -np.log(p[np.arange(20), y])
    assert model.evaluate(x, y, sample_weight=w) == pytest.approx(np.dot(w, per_sample) / 20,
                                                                  rel=1e-12)
    with pytest.raises(ValueError, match="validation_data must be a pair"):
        model.fit(x, y, verbose=0, validation_data=(x,))

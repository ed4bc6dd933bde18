"""Tests for nnedu.layers: gradients, shapes, parameter counts, modes, weights and errors."""


import numpy as np
import pytest

from nnedu import activations, layers
from nnedu import conv as conv_ops
from nnedu.gradcheck import check_layer, numerical_gradient, rel_error
from nnedu.layers import (
    Activation,
    AveragePooling2D,
    BatchNormalization,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    GlobalAveragePooling2D,
    GlobalMaxPooling2D,
    Input,
    MaxPooling2D,
    layer_from_config,
)
from nnedu.regularizers import L2, MaxNorm

TOLERANCE = 1e-6


def assert_gradients_ok(layer, x, training=True):
    """Every entry of check_layer's report (dx and each param) below the tolerance."""
    report = check_layer(layer, x, training=training)
    errors = {name: result.rel_error for name, result in report.items()}
    assert set(errors) == {"x"} | set(layer.params), errors
    assert max(errors.values()) < TOLERANCE, errors


def normal(*shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape)


# ------------------------------------------------------------------ gradient checks


@pytest.mark.parametrize("activation", [None, "tanh", "sigmoid", "softmax", "swish"])
def test_dense_gradients(activation):
    layer = Dense(3, activation=activation, input_shape=(4,), seed=1)
    layer.params["bias"][...] = normal(3, seed=2)  # non-zero biases
    assert_gradients_ok(layer, normal(5, 4))


def test_dense_on_rank_3_input_gradients_and_shape():
    layer = Dense(2, activation="tanh", input_shape=(3, 4), seed=1)
    assert layer.output_shape == (3, 2)
    assert_gradients_ok(layer, normal(2, 3, 4))


@pytest.mark.parametrize("name", ["relu", "tanh", "sigmoid", "softmax", "elu", "softplus"])
def test_activation_layer_gradients(name):
    x = normal(4, 5)
    x[np.abs(x) < 1e-3] = 0.5                     # keep away from ReLU's kink
    assert_gradients_ok(Activation(name), x)


def test_softmax_backward_is_the_jacobian_vector_product():
    p = activations.softmax(normal(3, 4))
    dy = normal(3, 4, seed=1)
    jacobians = activations.softmax_grad(np.log(p))   # (3, 4, 4)
    expected = np.einsum("ni,nij->nj", dy, jacobians)
    np.testing.assert_allclose(layers.softmax_backward(dy, p), expected, atol=1e-14)


@pytest.mark.parametrize("kernel_size, strides, padding", [
    (3, 1, "valid"), (3, 1, "same"), (2, 1, "same"), (3, 2, "same"), (2, 2, "valid"),
    ((2, 3), (2, 1), "same"), (4, 2, "same"),
])
def test_conv2d_gradients(kernel_size, strides, padding):
    layer = Conv2D(3, kernel_size, strides=strides, padding=padding, activation="tanh",
                   input_shape=(6, 5, 2), seed=1)
    layer.params["bias"][...] = normal(3, seed=2)
    assert_gradients_ok(layer, normal(2, 6, 5, 2))


@pytest.mark.parametrize("cls", [MaxPooling2D, AveragePooling2D])
@pytest.mark.parametrize("pool_size, strides, padding", [
    (2, None, "valid"), (3, 2, "same"), (2, 1, "valid"), ((2, 3), None, "same"),
])
def test_pooling_gradients(cls, pool_size, strides, padding):
    layer = cls(pool_size, strides, padding, input_shape=(5, 6, 2))
    assert_gradients_ok(layer, normal(2, 5, 6, 2))


def test_flatten_gradients_and_shape():
    layer = Flatten(input_shape=(3, 4, 2))
    assert layer.output_shape == (24,)
    assert_gradients_ok(layer, normal(2, 3, 4, 2))


@pytest.mark.parametrize("shape", [(6, 4), (3, 4, 5, 3)])
def test_batchnorm_training_gradients(shape):
    layer = BatchNormalization(input_shape=shape[1:])
    layer.params["gamma"][...] = 1.0 + normal(shape[-1], seed=1)
    layer.params["beta"][...] = normal(shape[-1], seed=2)
    # (seed 5: check_layer's upstream gradient comes from seed 0; the same draws would make
    # dL/dy a linear function of x_hat, for which dx is ~0 and the check meaningless)
    assert_gradients_ok(layer, normal(*shape, seed=5) * 3 + 1, training=True)


def test_batchnorm_inference_gradients():
    layer = BatchNormalization(input_shape=(4,))
    layer.state["moving_mean"][...] = normal(4, seed=1)
    layer.state["moving_variance"][...] = 1 + normal(4, seed=2) ** 2
    assert_gradients_ok(layer, normal(5, 4), training=False)


def test_dropout_gradients_with_a_fixed_mask():
    x, upstream = normal(6, 5), normal(6, 5, seed=1)
    layer = Dropout(0.4, seed=3)
    layer.forward(x, training=True)
    dx = layer.backward(upstream)

    def loss(x_in):  # a new layer with the same seed draws the same mask
        return np.sum(Dropout(0.4, seed=3).forward(x_in, training=True) * upstream)

    assert rel_error(dx, numerical_gradient(loss, x.copy())) < TOLERANCE


# ------------------------------------------------------------------ shapes and parameter counts


def chain(input_shape, *stack):
    """Build each layer on the previous output; return [(output_shape, params)] per layer."""
    shape, rows = input_shape, []
    for layer in stack:
        layer.build(shape)
        shape = layer.output_shape
        rows.append((shape, layer.count_params()))
    return rows


def test_parameter_counts_of_chapter_10_small_cnn():
    rows = chain((20, 20, 3), Conv2D(2, 3, padding="same"), Conv2D(3, 3, padding="same"),
                 Flatten(), Dense(2))
    assert rows == [((20, 20, 2), 56), ((20, 20, 3), 57), ((1200,), 0), ((2,), 2402)]
    assert sum(count for _, count in rows) == 2515


def test_parameter_counts_of_chapter_10_valid_cnn():
    rows = chain((20, 20, 3), Dense(16), Conv2D(32, 3), Conv2D(64, 5), Conv2D(128, 7),
                 Flatten(), Dense(2))
    assert rows == [((20, 20, 16), 64), ((18, 18, 32), 4640), ((14, 14, 64), 51264),
                    ((8, 8, 128), 401536), ((8192,), 0), ((2,), 16386)]
    assert sum(count for _, count in rows) == 473_890


def test_parameter_counts_of_chapter_10_same_cnn():
    rows = chain((20, 20, 3), Dense(16), Conv2D(32, 3, padding="same"),
                 Conv2D(64, 5, padding="same"), Conv2D(128, 7, padding="same"),
                 Flatten(), Dense(2))
    assert [shape for shape, _ in rows[:4]] == [(20, 20, 16), (20, 20, 32), (20, 20, 64),
                                               (20, 20, 128)]
    assert rows[-1] == ((2,), 102_402)
    assert sum(count for _, count in rows) == 559_906


def test_parameter_counts_with_pooling():
    rows = chain((20, 20, 3), Dense(16), Conv2D(32, 3, padding="same"), MaxPooling2D(2, 2),
                 Conv2D(64, 5, padding="same"), Flatten(), Dense(2))
    assert rows[2] == ((10, 10, 32), 0)
    assert sum(count for _, count in rows) == 68_770


def test_dense_2_3_2_has_17_parameters_and_keras_weight_shapes():
    first, second = Dense(3, input_shape=(2,)), Dense(2, input_shape=(3,))
    assert first.count_params() + second.count_params() == 17
    kernel, bias = first.get_weights()
    assert kernel.shape == (2, 3) and bias.shape == (3,)
    assert np.all(bias == 0)                              # Keras' default: zeros
    assert np.all(np.abs(kernel) <= np.sqrt(6 / 5))       # glorot_uniform's limit


def test_conv2d_kernel_layout_and_forward_shape():
    layer = Conv2D(4, (3, 2), strides=2, padding="same", input_shape=(7, 8, 3))
    assert layer.params["kernel"].shape == (3, 2, 3, 4)
    assert layer.output_shape == (4, 4, 4)
    assert layer.forward(normal(2, 7, 8, 3)).shape == (2, 4, 4, 4)


def test_conv2d_forward_is_the_conv_module():
    layer = Conv2D(2, 3, padding="same", activation="relu", input_shape=(5, 5, 1), seed=0)
    x = normal(2, 5, 5, 1)
    expected = np.maximum(conv_ops.conv2d_naive(x, layer.params["kernel"],
                                                       layer.params["bias"], 1, "same"), 0)
    np.testing.assert_allclose(layer.forward(x), expected, atol=1e-12)


def test_batchnorm_counts_trainable_and_non_trainable():
    layer = BatchNormalization(input_shape=(5, 5, 8))
    assert layer.count_params() == 32
    assert layer.count_trainable_params() == 16
    assert layer.count_non_trainable_params() == 16
    assert [w.shape for w in layer.get_weights()] == [(8,)] * 4
    layer.trainable = False
    assert layer.count_trainable_params() == 0 and layer.count_non_trainable_params() == 32


# ------------------------------------------------------------------ BatchNormalization modes


def test_batchnorm_training_normalizes_and_updates_moving_averages():
    x = np.array([[1.0, 10.0], [3.0, 10.0], [5.0, 40.0]])  # means 3, 20; biased vars 8/3, 200
    layer = BatchNormalization(input_shape=(2,))
    y = layer.forward(x, training=True)
    np.testing.assert_allclose(y[:, 0], np.array([-2.0, 0.0, 2.0]) / np.sqrt(8 / 3 + 1e-3))
    np.testing.assert_allclose(y.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(layer.state["moving_mean"], [0.01 * 3, 0.01 * 20])
    np.testing.assert_allclose(layer.state["moving_variance"],
                               [0.99 + 0.01 * 8 / 3, 0.99 + 0.01 * 200])
    layer.forward(x, training=True)                          # a second step
    np.testing.assert_allclose(layer.state["moving_mean"][0], 0.99 * 0.03 + 0.01 * 3)


def test_batchnorm_inference_uses_the_moving_statistics():
    layer = BatchNormalization(input_shape=(2,))
    layer.set_weights([np.array([2.0, 1.0]), np.array([0.5, 0.0]),
                       np.array([1.0, -1.0]), np.array([4.0, 0.25])])
    x = np.array([[3.0, 0.0], [1.0, -1.0]])
    before = layer.get_weights()
    y = layer.forward(x, training=False)
    expected = np.array([2.0, 1.0]) * (x - [1.0, -1.0]) / np.sqrt(np.array([4.0, 0.25]) + 1e-3)
    np.testing.assert_allclose(y, expected + [0.5, 0.0])
    for old, new in zip(before, layer.get_weights()):      # nothing moved
        np.testing.assert_array_equal(old, new)


def test_batchnorm_on_images_normalizes_each_channel():
    x = normal(4, 3, 3, 2) * np.array([1.0, 5.0]) + np.array([2.0, -7.0])
    y = BatchNormalization(input_shape=(3, 3, 2)).forward(x, training=True)
    np.testing.assert_allclose(y.mean(axis=(0, 1, 2)), 0.0, atol=1e-12)
    var = x.var(axis=(0, 1, 2))
    np.testing.assert_allclose(y.var(axis=(0, 1, 2)), var / (var + 1e-3))


def test_frozen_batchnorm_runs_in_inference_mode():
    layer = BatchNormalization(input_shape=(2,), trainable=False)
    x = normal(5, 2) + 3
    np.testing.assert_allclose(layer.forward(x, training=True), x / np.sqrt(1 + 1e-3))
    np.testing.assert_array_equal(layer.state["moving_mean"], [0.0, 0.0])


# ------------------------------------------------------------------ Dropout


def test_dropout_is_the_identity_at_inference():
    x = normal(4, 5)
    layer = Dropout(0.5, seed=0)
    np.testing.assert_array_equal(layer.forward(x), x)
    np.testing.assert_array_equal(layer.backward(np.ones_like(x)), np.ones_like(x))


def test_dropout_rate_is_the_fraction_dropped_and_the_mean_is_kept():
    x = np.ones((200, 500))
    layer = Dropout(0.8, seed=0)
    y = layer.forward(x, training=True)
    kept = layer.last_mask.mean()
    assert abs(kept - 0.2) < 0.005                  # 100,000 units: sd of the mean ~0.0013
    np.testing.assert_allclose(y, layer.last_mask * 5.0)  # kept units scaled by 1 / (1 - 0.8)
    assert abs(y.mean() - 1.0) < 0.03


def test_dropout_seed_reproduces_the_masks():
    x = np.ones((3, 10))
    a, b = Dropout(0.5, seed=7), Dropout(0.5, seed=7)
    for _ in range(2):
        np.testing.assert_array_equal(a.forward(x, training=True), b.forward(x, training=True))
    assert not np.array_equal(a.forward(x, training=True), Dropout(0.5, seed=8).forward(
        x, training=True))


def test_dropout_rejects_rates_outside_0_1():
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        Dropout(1.0)
    with pytest.raises(ValueError, match="rate"):
        Dropout(-0.1)


# ------------------------------------------------------------------ weights, config, names


def test_names_are_unique_and_keras_like():
    layers.reset_names()
    names = [Dense(1).name, Dense(1).name, Conv2D(1, 3).name, Dense(1).name,
             MaxPooling2D().name, BatchNormalization().name]
    assert names == ["dense", "dense_1", "conv2d", "dense_2", "max_pooling2d",
                     "batch_normalization"]
    assert Dense(1, name="out").name == "out"


def test_set_weights_writes_in_place_and_checks_shapes():
    layer = Dense(3, input_shape=(2,))
    kernel = layer.params["kernel"]
    layer.set_weights([np.ones((2, 3)), np.arange(3.0)])
    assert layer.params["kernel"] is kernel and np.all(kernel == 1)
    np.testing.assert_array_equal(layer.get_weights()[1], [0, 1, 2])
    with pytest.raises(ValueError, match=r"'kernel' must have shape \(2, 3\), but got shape "
                                         r"\(3, 2\)"):
        layer.set_weights([np.ones((3, 2)), np.zeros(3)])
    with pytest.raises(ValueError, match="expects a list of 2 arrays"):
        layer.set_weights([np.ones((2, 3))])
    with pytest.raises(ValueError, match="no weights yet"):
        Dense(3).set_weights([np.ones((2, 3)), np.zeros(3)])


def _example_layers():
    return [
        (Dense(3, activation="relu", kernel_regularizer=L2(0.1), kernel_constraint=MaxNorm(2),
               input_shape=(4,)), (2, 4)),
        (Conv2D(2, (3, 2), strides=(1, 2), padding="same", activation="tanh",
                input_shape=(5, 6, 3)), (2, 5, 6, 3)),
        (MaxPooling2D(3, 2, "same", input_shape=(5, 6, 3)), (2, 5, 6, 3)),
        (AveragePooling2D(2, input_shape=(5, 6, 3)), (2, 5, 6, 3)),
        (Flatten(input_shape=(2, 3)), (2, 2, 3)),
        (Dropout(0.3, seed=1, input_shape=(4,)), (2, 4)),
        (BatchNormalization(momentum=0.9, input_shape=(3,)), (5, 3)),
        (Activation("softmax", input_shape=(4,)), (2, 4)),
        (Input(shape=(4,)), (2, 4)),
    ]


@pytest.mark.parametrize("layer, x_shape", _example_layers(),
                         ids=lambda v: type(v).__name__ if isinstance(v, layers.Layer) else "")
def test_config_round_trip_rebuilds_the_same_layer(layer, x_shape):
    import json
    config = json.loads(json.dumps(layer.get_config()))    # must be JSON-able
    clone = layer_from_config(type(layer).__name__, config)
    assert clone.name == layer.name and clone.output_shape == layer.output_shape
    clone.set_weights(layer.get_weights())
    x = normal(*x_shape)
    np.testing.assert_allclose(clone.forward(x), layer.forward(x))
    assert clone.get_config() == layer.get_config()


def test_layer_from_config_rejects_unknown_classes():
    with pytest.raises(ValueError, match="unknown layer class 'Dense3D'"):
        layer_from_config("Dense3D", {})


def test_frozen_flag_survives_the_config():
    layer = Dense(2, input_shape=(3,), trainable=False)
    assert layer_from_config("Dense", layer.get_config()).trainable is False
    assert layer.count_trainable_params() == 0 and layer.count_non_trainable_params() == 8


# ------------------------------------------------------------------ regularizers and constraints


def test_kernel_regularizer_adds_to_loss_and_gradient():
    plain = Dense(3, input_shape=(4,), seed=0)
    regular = Dense(3, input_shape=(4,), seed=0, kernel_regularizer=L2(0.1))
    kernel = regular.params["kernel"]
    assert regular.regularization_loss() == pytest.approx(0.1 * np.sum(kernel ** 2))
    assert plain.regularization_loss() == 0.0
    x, dy = normal(5, 4), normal(5, 3, seed=1)
    for layer in (plain, regular):
        layer.forward(x)
        layer.backward(dy)
    np.testing.assert_allclose(regular.grads["kernel"], plain.grads["kernel"] + 0.2 * kernel)
    np.testing.assert_allclose(regular.grads["bias"], plain.grads["bias"])  # bias not penalized


def test_conv_regularizer_gradient_is_numerically_right():
    layer = Conv2D(2, 3, kernel_regularizer="l2", input_shape=(4, 4, 1), seed=0)
    x, upstream = normal(2, 4, 4, 1), normal(2, 2, 2, 2, seed=1)
    layer.forward(x)
    layer.backward(upstream)

    def total(_):
        return np.sum(layer.forward(x) * upstream) + layer.regularization_loss()

    numeric = numerical_gradient(total, layer.params["kernel"])
    assert rel_error(layer.grads["kernel"], numeric) < TOLERANCE


def test_apply_constraints_clips_unit_norms():
    layer = Dense(2, input_shape=(3,), kernel_constraint=MaxNorm(1.0))
    layer.set_weights([np.array([[3.0, 0.1], [4.0, 0.2], [0.0, 0.2]]), np.zeros(2)])
    kernel = layer.params["kernel"]
    layer.apply_constraints()
    assert layer.params["kernel"] is kernel
    np.testing.assert_allclose(kernel[:, 0], [0.6, 0.8, 0.0])
    np.testing.assert_allclose(kernel[:, 1], [0.1, 0.2, 0.2])   # norm 0.3 < 1: untouched


# ------------------------------------------------------------------ dtypes


def _dtype_cases():
    return [
        (lambda: Dense(3, activation="relu", input_shape=(4,)), (2, 4)),
        (lambda: Conv2D(2, 3, padding="same", input_shape=(4, 4, 1)), (2, 4, 4, 1)),
        (lambda: MaxPooling2D(input_shape=(4, 4, 1)), (2, 4, 4, 1)),
        (lambda: GlobalAveragePooling2D(input_shape=(4, 4, 1)), (2, 4, 4, 1)),
        (lambda: BatchNormalization(input_shape=(3,)), (5, 3)),
        (lambda: Dropout(0.5, input_shape=(3,)), (5, 3)),
    ]


@pytest.mark.parametrize("make, x_shape", _dtype_cases())
def test_inputs_of_another_float_type_are_cast_once_to_the_weights_type(make, x_shape):
    layer = make()                                    # built in floatx() = float64
    assert layer.dtype == "float64"
    assert all(w.dtype == np.float64 for w in layer.weights)
    y = layer.forward(normal(*x_shape).astype(np.float32), training=True)
    assert y.dtype == np.float64
    assert layer.backward(np.ones_like(y, dtype=np.float32)).dtype == np.float64
    assert all(g.dtype == np.float64 for g in layer.grads.values())


@pytest.fixture
def float32_layers():
    from nnedu import config
    config.set_floatx("float32")
    yield
    config.set_floatx("float64")


@pytest.mark.parametrize("make, x_shape", _dtype_cases())
def test_floatx_float32_builds_layers_that_compute_in_float32(float32_layers, make, x_shape):
    layer = make()
    assert layer.dtype == "float32"
    assert all(w.dtype == np.float32 for w in layer.weights)
    x = normal(*x_shape)                              # float64 data, cast once at the top
    y = layer.forward(x, training=True)
    assert y.dtype == np.float32
    assert layer.backward(np.ones_like(y)).dtype == np.float32
    assert all(g.dtype == np.float32 for g in layer.grads.values())


def test_integer_inputs_become_float64():
    y = Dense(2, input_shape=(3,)).forward(np.ones((2, 3), dtype=int))
    assert y.dtype == np.float64


# ------------------------------------------------------------------ input errors


def test_dense_wrong_feature_count_message():
    layer = Dense(3, input_shape=(2,), name="dense")
    with pytest.raises(ValueError) as info:
        layer.forward(np.ones((5, 3)))
    assert str(info.value) == ("Dense 'dense' expects inputs with 2 features (it was built "
                               "with input_shape=(2,)), but got an array of shape (5, 3).")


def test_conv2d_wrong_image_shape_message():
    layer = Conv2D(4, 3, input_shape=(28, 28, 1), name="conv")
    with pytest.raises(ValueError, match=r"Conv2D 'conv' expects inputs of shape "
                                         r"\(None, 28, 28, 1\).*got an array of shape "
                                         r"\(5, 28, 28\)"):
        layer.forward(np.ones((5, 28, 28)))
    with pytest.raises(ValueError, match=r"images of shape \(height, width, channels\).*"
                                         r"input_shape=\(784,\)"):
        Conv2D(4, 3, input_shape=(784,))
    with pytest.raises(ValueError, match="5x5 window does not fit in images of 3x3"):
        Conv2D(4, 5, input_shape=(3, 3, 1))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_inputs_are_refused_once_at_the_model_boundary(bad):
    # The nan/inf scan moved out of every layer's forward (it cost about half of a Dense
    # forward at batch 32): a bare layer computes with what it gets, the model refuses it.
    from nnedu.models import Sequential

    x = np.ones((2, 3))
    x[1, 2] = bad
    with np.errstate(all="ignore"):
        for layer in (Dense(2, input_shape=(3,)), BatchNormalization(input_shape=(3,))):
            assert not np.isfinite(layer.forward(x)[1]).all()
        np.testing.assert_array_equal(Activation("relu").forward(x), np.maximum(x, 0))
    model = Sequential([Dense(2, input_shape=(3,))])
    with pytest.raises(ValueError, match=r"x contains .* at index \(1, 2\)"):
        model.predict(x)


def test_huge_but_finite_inputs_are_accepted():
    x = np.full((2, 3), 1e308)                       # the sum overflows; the values are fine
    np.testing.assert_array_equal(Activation("relu").forward(x), x)


def test_other_input_errors():
    with pytest.raises(TypeError, match="array of numbers"):
        Dense(2).forward("abc")
    with pytest.raises(ValueError, match="batch of samples"):
        Dense(2).forward(np.ones(3))
    layer = Dense(2, input_shape=(3,))
    with pytest.raises(RuntimeError, match="call forward before backward"):
        layer.backward(np.ones((1, 2)))
    layer.forward(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"dy of shape \(4, 2\)"):
        layer.backward(np.ones((4, 3)))
    with pytest.raises(ValueError, match="unknown activation 'relux'"):
        Dense(2, activation="relux")
    with pytest.raises(ValueError, match="unknown padding 'full'"):
        Conv2D(2, 3, padding="full")
    with pytest.raises(ValueError, match="units"):
        Dense(0)


def test_weightless_activation_and_dropout_take_any_shape():
    for layer in (Activation("softmax"), Dropout(0.5, seed=0)):
        layer.forward(np.ones((2, 3)), training=True)
        y = layer.forward(np.ones((4, 5)), training=True)
        assert y.shape == (4, 5) and layer.backward(np.ones((4, 5))).shape == (4, 5)
    np.testing.assert_allclose(Activation("softmax").forward(np.zeros((1, 4))), 0.25)


def test_layers_build_on_first_forward():
    layer = Dense(4)
    assert not layer.built and layer.count_params() == 0
    y = layer.forward(np.ones((2, 3)))
    assert layer.built and layer.input_shape == (3,) and y.shape == (2, 4)
    assert layer.count_params() == 16


# ------------------------------------------------------------------ Keras reference (optional)


# The `keras` fixture (Keras 3 on PyTorch, or a skip) is in conftest.py.


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # raised inside keras' torch backend
def test_same_weights_give_keras_outputs(keras):
    rng = np.random.default_rng(0)
    cases = [
        (Conv2D(3, 3, strides=2, padding="same", activation="relu", input_shape=(7, 6, 2)),
         keras.layers.Conv2D(3, 3, strides=2, padding="same", activation="relu"),
         (2, 7, 6, 2)),
        (Conv2D(2, 2, padding="same", input_shape=(5, 5, 1)),
         keras.layers.Conv2D(2, 2, padding="same"), (2, 5, 5, 1)),
        (Dense(4, activation="softmax", input_shape=(3, 5)),
         keras.layers.Dense(4, activation="softmax"), (2, 3, 5)),
        (MaxPooling2D(3, 2, "same", input_shape=(5, 6, 2)),
         keras.layers.MaxPooling2D(3, 2, "same"), (2, 5, 6, 2)),
        (AveragePooling2D(2, 1, "same", input_shape=(5, 6, 2)),
         keras.layers.AveragePooling2D(2, 1, "same"), (2, 5, 6, 2)),
    ]
    for ours, theirs, x_shape in cases:
        x = rng.normal(size=x_shape)
        theirs.build((None,) + x_shape[1:])
        weights = [rng.normal(size=w.shape) for w in ours.get_weights()]
        ours.set_weights(weights)
        theirs.set_weights(weights)
        expected = keras.ops.convert_to_numpy(theirs(x.astype("float32")))
        np.testing.assert_allclose(ours.forward(x), expected, rtol=1e-4, atol=1e-5)
        assert ours.count_params() == theirs.count_params()


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_batchnorm_matches_keras_in_both_modes(keras):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(6, 3, 3, 2)).astype("float32") * 2 + 1
    ours = BatchNormalization(input_shape=(3, 3, 2))
    theirs = keras.layers.BatchNormalization()
    theirs.build((None, 3, 3, 2))
    weights = [rng.normal(size=2), rng.normal(size=2), rng.normal(size=2),
               1 + rng.random(size=2)]
    ours.set_weights(weights)
    theirs.set_weights(weights)
    for training in (True, False):
        expected = keras.ops.convert_to_numpy(theirs(x, training=training))
        np.testing.assert_allclose(ours.forward(x.astype(np.float64), training=training),
                                   expected, rtol=1e-4, atol=1e-4)
    for mine, reference in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(mine, reference, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("make", [
    lambda act: Dense(3, activation=act, input_shape=(4,), seed=0),
    lambda act: Conv2D(2, 3, padding="same", activation=act, input_shape=(5, 5, 2), seed=0),
    lambda act: Activation(act or "linear"),
])
def test_backward_from_preactivation_skips_only_the_activation(make):
    """With dL/dz given, the layer's backward equals that of the same layer without activation."""
    fused, linear = make("softmax"), make(None)
    shape = (2, 4) if isinstance(fused, Dense) else (2, 5, 5, 2)
    if isinstance(fused, Activation):
        shape = (2, 3)
    for layer in (fused, linear):
        layer.build(shape[1:])
    linear.set_weights(fused.get_weights())
    x = np.random.default_rng(0).normal(size=shape)
    fused.forward(x, training=True)
    linear.forward(x, training=True)
    dz = np.random.default_rng(1).normal(size=(shape[0], *linear.output_shape))
    np.testing.assert_allclose(fused.backward_from_preactivation(dz), linear.backward(dz))
    for name in linear.grads:
        np.testing.assert_allclose(fused.grads[name], linear.grads[name])
    assert fused.activation == "softmax"  # switched off for that one call only
    assert not np.allclose(fused.backward(dz), linear.backward(dz))


# ------------------------------------------------------------------ global pooling


def test_global_average_pooling_values_shape_and_gradient():
    x = np.arange(24.0).reshape(2, 2, 3, 2)
    layer = GlobalAveragePooling2D(input_shape=(2, 3, 2))
    assert layer.output_shape == (2,) and layer.count_params() == 0
    y = layer.forward(x)
    np.testing.assert_allclose(y, [[5.0, 6.0], [17.0, 18.0]])   # mean of 0, 2, ..., 10 is 5
    dy = np.array([[6.0, -12.0], [3.0, 0.0]])
    dx = layer.backward(dy)                                  # each of the 6 pixels gets dy / 6
    np.testing.assert_allclose(dx[0, :, :, 0], np.full((2, 3), 1.0))
    np.testing.assert_allclose(dx[0, :, :, 1], np.full((2, 3), -2.0))
    np.testing.assert_allclose(dx[1, :, :, 0], np.full((2, 3), 0.5))
    np.testing.assert_allclose(dx[1, :, :, 1], 0.0)


def test_global_max_pooling_values_shape_and_gradient():
    x = normal(2, 3, 4, 2)
    x[0, 2, 1, 0] = 10.0                                     # the maximum of (0, channel 0)
    layer = GlobalMaxPooling2D(input_shape=(3, 4, 2))
    y = layer.forward(x)
    assert y.shape == (2, 2) and layer.output_shape == (2,)
    np.testing.assert_array_equal(y, x.max(axis=(1, 2)))
    assert y[0, 0] == 10.0
    dx = layer.backward(np.array([[5.0, 1.0], [2.0, 3.0]]))
    assert dx[0, 2, 1, 0] == 5.0 and np.count_nonzero(dx[0, :, :, 0]) == 1
    for n in range(2):                                       # one entry per (sample, channel)
        for c in range(2):
            i, j = np.unravel_index(np.argmax(x[n, :, :, c]), (3, 4))
            assert dx[n, i, j, c] == [[5.0, 1.0], [2.0, 3.0]][n][c]
    np.testing.assert_allclose(dx.sum(axis=(1, 2)), [[5.0, 1.0], [2.0, 3.0]])


def test_global_max_pooling_shares_the_gradient_of_a_tie():
    x = np.zeros((1, 2, 2, 1))
    x[0, 0, 0, 0] = x[0, 1, 1, 0] = 1.0
    layer = GlobalMaxPooling2D()
    layer.forward(x)
    np.testing.assert_allclose(layer.backward(np.array([[4.0]]))[0, :, :, 0],
                               [[2.0, 0.0], [0.0, 2.0]])


@pytest.mark.parametrize("cls", [GlobalAveragePooling2D, GlobalMaxPooling2D])
@pytest.mark.parametrize("keepdims", [False, True])
def test_global_pooling_gradients_and_keras_shapes(cls, keepdims):
    layer = cls(keepdims=keepdims, input_shape=(3, 4, 5))
    assert layer.output_shape == ((1, 1, 5) if keepdims else (5,))
    assert_gradients_ok(layer, normal(2, 3, 4, 5))

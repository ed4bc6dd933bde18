"""Tests for nnedu.layers: gradients, shapes, parameter counts, modes, weights and errors."""

import ast

import numpy as np
import pytest

from nnedu import activations, layers
from nnedu import conv as conv_ops
from nnedu.backend import to_numpy, xp
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
    layer.params["bias"][...] = xp.asarray(normal(3, seed=2))  # non-zero biases
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
    np.testing.assert_allclose(layers.softmax_backward(xp.asarray(dy), p), expected, atol=1e-14)


@pytest.mark.parametrize("kernel_size, strides, padding", [
    (3, 1, "valid"), (3, 1, "same"), (2, 1, "same"), (3, 2, "same"), (2, 2, "valid"),
    ((2, 3), (2, 1), "same"), (4, 2, "same"),
])
def test_conv2d_gradients(kernel_size, strides, padding):
    layer = Conv2D(3, kernel_size, strides=strides, padding=padding, activation="tanh",
                   input_shape=(6, 5, 2), seed=1)
    layer.params["bias"][...] = xp.asarray(normal(3, seed=2))
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
    layer.params["gamma"][...] = xp.asarray(1.0 + normal(shape[-1], seed=1))
    layer.params["beta"][...] = xp.asarray(normal(shape[-1], seed=2))
    # (seed 5: check_layer's upstream gradient comes from seed 0; the same draws would make
    # dL/dy a linear function of x_hat, for which dx is ~0 and the check meaningless)
    assert_gradients_ok(layer, normal(*shape, seed=5) * 3 + 1, training=True)


def test_batchnorm_inference_gradients():
    layer = BatchNormalization(input_shape=(4,))
    layer.state["moving_mean"][...] = xp.asarray(normal(4, seed=1))
    layer.state["moving_variance"][...] = xp.asarray(1 + normal(4, seed=2) ** 2)
    assert_gradients_ok(layer, normal(5, 4), training=False)


def test_dropout_gradients_with_a_fixed_mask():
    x, upstream = normal(6, 5), normal(6, 5, seed=1)
    layer = Dropout(0.4, seed=3)
    layer.forward(x, training=True)
    dx = layer.backward(upstream)

    def loss(x_in):  # a new layer with the same seed draws the same mask
        return np.sum(to_numpy(Dropout(0.4, seed=3).forward(x_in, training=True)) * upstream)

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
    y = to_numpy(layer.forward(x, training=True))
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
    y = to_numpy(BatchNormalization(input_shape=(3, 3, 2)).forward(x, training=True))
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
    y = to_numpy(layer.forward(x, training=True))
    kept = to_numpy(layer.last_mask).mean()
    assert abs(kept - 0.2) < 0.005                  # 100,000 units: sd of the mean ~0.0013
    np.testing.assert_allclose(y, to_numpy(layer.last_mask) * 5.0)  # kept units scaled by 1 / (1 - 0.8)
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
    """(a function that makes the layer, an input shape): the layer is made inside the test,
    with the weights on the backend the test runs with."""
    return [
        (lambda: Dense(3, activation="relu", kernel_regularizer=L2(0.1),
                       kernel_constraint=MaxNorm(2), input_shape=(4,)), (2, 4)),
        (lambda: Conv2D(2, (3, 2), strides=(1, 2), padding="same", activation="tanh",
                        input_shape=(5, 6, 3)), (2, 5, 6, 3)),
        (lambda: MaxPooling2D(3, 2, "same", input_shape=(5, 6, 3)), (2, 5, 6, 3)),
        (lambda: AveragePooling2D(2, input_shape=(5, 6, 3)), (2, 5, 6, 3)),
        (lambda: Flatten(input_shape=(2, 3)), (2, 2, 3)),
        (lambda: Dropout(0.3, seed=1, input_shape=(4,)), (2, 4)),
        (lambda: BatchNormalization(momentum=0.9, input_shape=(3,)), (5, 3)),
        (lambda: Activation("softmax", input_shape=(4,)), (2, 4)),
        (lambda: Input(shape=(4,)), (2, 4)),
        (lambda: GlobalAveragePooling2D(input_shape=(3, 4, 2)), (2, 3, 4, 2)),
        (lambda: GlobalMaxPooling2D(keepdims=True, input_shape=(3, 4, 2)), (2, 3, 4, 2)),
        (lambda: Dense(2, use_bias=False, input_shape=(3,)), (2, 3)),
    ]


EXAMPLE_IDS = ["Dense", "Conv2D", "MaxPooling2D", "AveragePooling2D", "Flatten", "Dropout",
               "BatchNormalization", "Activation", "Input", "GlobalAveragePooling2D",
               "GlobalMaxPooling2D", "Dense-without-bias"]


@pytest.mark.parametrize("make, x_shape", _example_layers(), ids=EXAMPLE_IDS)
def test_config_round_trip_rebuilds_the_same_layer(make, x_shape):
    import json
    layer = make()
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
        return np.sum(to_numpy(layer.forward(x)) * upstream) + layer.regularization_loss()

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
    assert all(w.dtype == xp.float64 for w in layer.weights)
    y = layer.forward(normal(*x_shape).astype(np.float32), training=True)
    assert y.dtype == xp.float64
    assert layer.backward(np.ones(y.shape, dtype=np.float32)).dtype == xp.float64
    assert all(g.dtype == xp.float64 for g in layer.grads.values())


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
    assert all(w.dtype == xp.float32 for w in layer.weights)
    x = normal(*x_shape)                              # float64 data, cast once at the top
    y = layer.forward(x, training=True)
    assert y.dtype == xp.float32
    assert layer.backward(np.ones(y.shape)).dtype == xp.float32
    assert all(g.dtype == xp.float32 for g in layer.grads.values())


def test_integer_inputs_become_float64():
    y = Dense(2, input_shape=(3,)).forward(np.ones((2, 3), dtype=int))
    assert y.dtype == xp.float64


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
            assert not np.isfinite(to_numpy(layer.forward(x))[1]).all()
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
    dx = to_numpy(layer.backward(np.array([[5.0, 1.0], [2.0, 3.0]])))
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


# ------------------------------------------------------------------ every layer, gradient-checked


@pytest.mark.parametrize("activation", [None, "relu", "sigmoid", "softmax"])
def test_dense_without_bias_gradients(activation):
    layer = Dense(4, activation=activation, use_bias=False, input_shape=(3,), seed=2)
    assert set(layer.params) == {"kernel"} and layer.bias is None
    x = normal(5, 3)
    x[np.abs(x) < 1e-2] = 0.3
    assert_gradients_ok(layer, x)
    np.testing.assert_allclose(layer.forward(x), activations.get(activation)(x @ to_numpy(layer.kernel)))


@pytest.mark.parametrize("kernel_size, strides, padding", [
    (3, 1, "valid"), (3, 2, "same"), ((2, 3), (2, 1), "same"), (2, 3, "valid"),
])
def test_conv2d_without_bias_gradients(kernel_size, strides, padding):
    layer = Conv2D(2, kernel_size, strides=strides, padding=padding, use_bias=False,
                   activation="sigmoid", input_shape=(6, 7, 3), seed=4)
    assert set(layer.params) == {"kernel"} and layer.count_params() == layer.kernel.size
    assert_gradients_ok(layer, normal(2, 6, 7, 3))


def test_dense_and_conv2d_with_a_regularizer_pass_check_layer_on_x():
    # the penalty does not depend on x, so dx is unchanged; grads["kernel"] gains 2 * l2 * W
    for layer, shape in ((Dense(3, kernel_regularizer=L2(0.5), input_shape=(4,), seed=0),
                          (3, 4)),
                         (Conv2D(2, 2, kernel_regularizer=L2(0.5), input_shape=(3, 3, 2),
                                 seed=0), (2, 3, 3, 2))):
        report = check_layer(layer, normal(*shape))
        assert report["x"].rel_error < TOLERANCE
        assert report["kernel"].rel_error > 0.01      # the check's loss has no penalty in it
        assert report["bias"].rel_error < TOLERANCE


@pytest.mark.parametrize("axis, shape", [(1, (5, 3, 2, 2)), (-2, (5, 3, 4, 2)), (1, (6, 3))])
def test_batchnorm_on_another_axis_gradients_and_statistics(axis, shape):
    layer = BatchNormalization(axis=axis, input_shape=shape[1:])
    features = shape[axis]
    assert layer.params["gamma"].shape == (features,)
    layer.params["gamma"][...] = xp.asarray(1.0 + normal(features, seed=1))
    layer.params["beta"][...] = xp.asarray(normal(features, seed=2))
    assert_gradients_ok(layer, normal(*shape, seed=5) * 2 + 1, training=True)
    x = normal(*shape, seed=7) * 3 + 2
    y = layer.forward(x, training=True)
    axes = tuple(a for a in range(len(shape)) if a != axis % len(shape))
    gamma = to_numpy(layer.params["gamma"]).reshape([-1 if a not in axes else 1
                                                     for a in range(len(shape))])
    beta = to_numpy(layer.params["beta"]).reshape(gamma.shape)
    x_hat = (x - x.mean(axis=axes, keepdims=True)) / np.sqrt(x.var(axis=axes, keepdims=True)
                                                            + 1e-3)
    np.testing.assert_allclose(y, gamma * x_hat + beta, atol=1e-12)


def test_input_flatten_and_activation_pass_dy_through():
    x, dy = normal(3, 2, 2), normal(3, 2, 2, seed=1)
    layer = Input(shape=(2, 2))
    np.testing.assert_array_equal(layer.forward(x), x)
    np.testing.assert_array_equal(layer.backward(dy), dy)
    flatten = Flatten()
    np.testing.assert_array_equal(flatten.forward(x), x.reshape(3, 4))
    np.testing.assert_array_equal(flatten.backward(dy.reshape(3, 4)), dy)
    assert_gradients_ok(Input(shape=(2, 2)), x)


def test_dropout_at_inference_passes_check_layer():
    assert_gradients_ok(Dropout(0.6, seed=0, input_shape=(5,)), normal(4, 5), training=False)


# ------------------------------------------------------------------ Dropout, by the numbers


@pytest.mark.parametrize("rate", [0.2, 0.7])
def test_dropout_scales_kept_units_by_one_over_one_minus_rate(rate):
    # 1 / (1 - rate) and 1 / rate differ for every rate but 0.5
    x = normal(50, 40) + 3.0
    layer = Dropout(rate, seed=1)
    y = to_numpy(layer.forward(x, training=True))
    kept = to_numpy(layer.last_mask)
    assert kept.shape == x.shape and kept.dtype == bool
    np.testing.assert_allclose(y[kept], x[kept] / (1 - rate), rtol=1e-15)
    np.testing.assert_array_equal(y[~kept], 0.0)
    assert abs(kept.mean() - (1 - rate)) < 0.03             # 2,000 units: sd ~0.01


@pytest.mark.parametrize("rate", [0.2, 0.7])
def test_dropout_backward_applies_the_same_mask_and_scale(rate):
    x, dy = normal(20, 30), normal(20, 30, seed=2)
    layer = Dropout(rate, seed=3)
    layer.forward(x, training=True)
    dx = layer.backward(dy)
    kept = to_numpy(layer.last_mask)
    np.testing.assert_allclose(dx, np.where(kept, dy / (1 - rate), 0.0), rtol=1e-15)


def test_dropout_draws_a_new_mask_every_step_and_none_at_inference():
    x = np.ones((10, 20))
    layer = Dropout(0.3, seed=0)
    layer.forward(x, training=True)
    first = to_numpy(layer.last_mask).copy()
    layer.forward(x, training=True)
    assert not np.array_equal(first, layer.last_mask)
    second = to_numpy(layer.last_mask).copy()
    y = layer.forward(x * 2, training=False)                   # inference: the identity
    np.testing.assert_array_equal(y, x * 2)
    np.testing.assert_array_equal(layer.backward(np.full_like(x, 3.0)), 3.0)
    np.testing.assert_array_equal(layer.last_mask, second)    # no mask drawn at inference
    assert Dropout(0.0).forward(x, training=True) is not x    # rate 0 keeps everything
    np.testing.assert_array_equal(Dropout(0.0).forward(x, training=True), x)


# ------------------------------------------------------------------ BatchNormalization, by the numbers


def test_batchnorm_moving_averages_use_momentum_and_the_biased_variance():
    x = np.array([[1.0], [2.0], [6.0]])                      # mean 3, biased var 14/3 (unbiased 7)
    layer = BatchNormalization(momentum=0.6, input_shape=(1,))
    layer.forward(x, training=True)
    np.testing.assert_allclose(layer.state["moving_mean"], [0.4 * 3.0])
    np.testing.assert_allclose(layer.state["moving_variance"], [0.6 * 1.0 + 0.4 * 14 / 3])
    layer.forward(x + 1.0, training=True)                    # mean 4, the same variance
    np.testing.assert_allclose(layer.state["moving_mean"], [0.6 * 1.2 + 0.4 * 4.0])
    np.testing.assert_allclose(layer.state["moving_variance"],
                               [0.6 * (0.6 + 0.4 * 14 / 3) + 0.4 * 14 / 3])


def test_batchnorm_training_and_inference_differ_and_inference_moves_nothing():
    layer = BatchNormalization(epsilon=0.01, input_shape=(2,))
    layer.set_weights([np.array([2.0, 0.5]), np.array([1.0, -1.0]),
                       np.array([10.0, 0.0]), np.array([4.0, 1.0])])
    x = np.array([[10.0, 1.0], [12.0, 3.0], [14.0, 5.0]])
    train = layer.forward(x, training=True)
    mean, var = x.mean(axis=0), x.var(axis=0)
    np.testing.assert_allclose(train, [2.0, 0.5] * (x - mean) / np.sqrt(var + 0.01) + [1, -1])
    moved = [to_numpy(w).copy() for w in layer.weights]
    test = layer.forward(x, training=False)
    # inference uses the moving statistics as they are after the training step
    np.testing.assert_allclose(test, [2.0, 0.5] * (x - moved[2]) / np.sqrt(moved[3] + 0.01)
                               + [1, -1])
    assert not np.allclose(train, test)
    for before, after in zip(moved, layer.weights):
        np.testing.assert_array_equal(before, after)


def test_batchnorm_backward_by_hand_in_both_modes():
    x, dy = normal(4, 3, seed=1) * 2, normal(4, 3, seed=2)
    layer = BatchNormalization(input_shape=(3,))
    layer.params["gamma"][...] = xp.asarray([1.5, -0.5, 2.0])
    layer.forward(x, training=True)
    dx = layer.backward(dy)
    x_hat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + 1e-3)
    np.testing.assert_allclose(layer.grads["gamma"], (dy * x_hat).sum(axis=0))
    np.testing.assert_allclose(layer.grads["beta"], dy.sum(axis=0))
    expected = [1.5, -0.5, 2.0] / np.sqrt(x.var(axis=0) + 1e-3) / 4 * (
        4 * dy - dy.sum(axis=0) - x_hat * (dy * x_hat).sum(axis=0))
    np.testing.assert_allclose(dx, expected, atol=1e-12)
    layer.forward(x, training=False)
    inv_std = 1 / np.sqrt(layer.state["moving_variance"] + 1e-3)
    np.testing.assert_allclose(layer.backward(dy), [1.5, -0.5, 2.0] * inv_std * dy)


# ------------------------------------------------------------------ Dense and Conv2D by hand


def test_dense_forward_backward_by_hand():
    layer = Dense(2, input_shape=(3,))
    kernel, bias = np.array([[1.0, -1.0], [2.0, 0.5], [0.0, 3.0]]), np.array([0.5, -2.0])
    layer.set_weights([kernel, bias])
    assert layer.kernel is layer.params["kernel"] and layer.bias is layer.params["bias"]
    x = np.array([[1.0, 2.0, 3.0], [-1.0, 0.0, 1.0]])
    np.testing.assert_allclose(layer.forward(x), x @ kernel + bias)
    dz = np.array([[1.0, 2.0], [-3.0, 0.5]])
    np.testing.assert_allclose(layer.backward(dz), dz @ kernel.T)
    np.testing.assert_allclose(layer.grads["kernel"], x.T @ dz)
    np.testing.assert_allclose(layer.grads["bias"], [-2.0, 2.5])


def test_dense_on_rank_3_sums_the_kernel_gradient_over_every_position():
    layer = Dense(2, input_shape=(3, 4), seed=0)
    x, dz = normal(2, 3, 4), normal(2, 3, 2, seed=1)
    layer.forward(x)
    layer.backward(dz)
    np.testing.assert_allclose(layer.grads["kernel"], np.einsum("npi,npj->ij", x, dz))
    np.testing.assert_allclose(layer.grads["bias"], dz.sum(axis=(0, 1)))


def test_conv2d_backward_is_the_conv_module_and_strides_are_used():
    layer = Conv2D(2, 3, strides=2, padding="same", input_shape=(5, 5, 1), seed=0)
    assert layer.output_shape == (3, 3, 2)
    x, dy = normal(2, 5, 5, 1), normal(2, 3, 3, 2, seed=1)
    naive_y, naive_cache = conv_ops.conv2d_forward_naive(x, layer.kernel, layer.bias, 2, "same")
    np.testing.assert_allclose(layer.forward(x), naive_y, atol=1e-12)
    dx = layer.backward(dy)
    ndx, ndk, ndb = conv_ops.conv2d_backward_naive(dy, naive_cache)
    np.testing.assert_allclose(dx, ndx, atol=1e-12)
    np.testing.assert_allclose(layer.grads["kernel"], ndk, atol=1e-12)
    np.testing.assert_allclose(layer.grads["bias"], ndb, atol=1e-12)


def test_fused_activation_backward_multiplies_by_the_derivative():
    layer = Dense(3, activation="tanh", input_shape=(2,), seed=0)
    x, dy = normal(4, 2), normal(4, 3, seed=1)
    y = layer.forward(x)
    z = x @ layer.kernel + layer.bias
    np.testing.assert_allclose(y, np.tanh(z))
    np.testing.assert_allclose(layer.backward(dy), (dy * (1 - np.tanh(z) ** 2)) @ layer.kernel.T)


# ------------------------------------------------------------------ weights, caches, errors


def test_weights_are_the_arrays_themselves_in_keras_order():
    dense = Dense(3, input_shape=(2,))
    kernel, bias = dense.weights
    assert kernel is dense.params["kernel"] and bias is dense.params["bias"]
    norm = BatchNormalization(input_shape=(4,))
    assert [w is a for w, a in zip(norm.weights, [norm.params["gamma"], norm.params["beta"],
                                                  norm.state["moving_mean"],
                                                  norm.state["moving_variance"]])] == [True] * 4
    norm.weights[3][...] = 7.0                                # writing into them is writing the layer
    assert np.all(norm.get_weights()[3] == 7.0)
    assert norm.get_weights()[3] is not norm.weights[3]       # get_weights copies
    assert Flatten().weights == [] and Dense(3).weights == []


@pytest.mark.parametrize("make, x_shape", [
    (lambda: Dense(2), (3, 4)), (lambda: Activation("relu"), (3, 4)), (lambda: Flatten(), (3, 2, 2)),
    (lambda: Conv2D(2, 2), (2, 3, 3, 1)), (lambda: MaxPooling2D(), (2, 4, 4, 1)),
    (lambda: AveragePooling2D(), (2, 4, 4, 1)),
    (lambda: GlobalMaxPooling2D(), (2, 3, 3, 2)),
    (lambda: GlobalAveragePooling2D(), (2, 3, 3, 2)), (lambda: BatchNormalization(), (3, 4)),
    (lambda: Dropout(0.5), (3, 4)), (lambda: Input(shape=(4,)), (3, 4)),
])
@pytest.mark.parametrize("training", [False, True])
def test_no_layer_caches_a_sentinel(make, x_shape, training):
    layer = make()
    layer.forward(normal(*x_shape), training=training)
    cache = layer._cache                      # before: "identity" (Dropout), True (Input)
    assert cache is not None and not isinstance(cache, (bool, str))
    if isinstance(cache, tuple):
        assert not any(isinstance(part, str) for part in cache)
    dx = layer.backward(np.ones_like(layer.forward(normal(*x_shape), training=training)))
    assert dx.shape == x_shape


@pytest.mark.parametrize("make, message, error", [
    (lambda: Dense(2.5), "units must be an int, but got float", TypeError),
    (lambda: Dense(0), "units must be >= 1, but got 0", ValueError),
    (lambda: Conv2D(2, "3"), "kernel_size must be an int or a pair of ints, but got str",
     TypeError),
    (lambda: Conv2D(2, (3, 3, 3)), r"pair of ints, but got \(3, 3, 3\)", ValueError),
    (lambda: Conv2D(2, 3, strides=0), "strides must be >= 1, but got 0", ValueError),
    (lambda: MaxPooling2D(2.0), "pool_size must be an int", TypeError),
    (lambda: BatchNormalization(axis="channels"), "axis must be an int, but got str",
     TypeError),
    (lambda: BatchNormalization(axis=0), "not 0", ValueError),
    (lambda: Dropout("0.5"), "Dropout rate must be a number, but got str", TypeError),
    (lambda: GlobalAveragePooling2D(keepdims="yes"), "keepdims must be True or False",
     TypeError),
    (lambda: Input(shape=(28, None)), "leave the batch axis out", TypeError),
    (lambda: Input(shape=(28, 0)), "every size in a shape must be >= 1, but got 0", ValueError),
    (lambda: Dense(2, name=3), "a layer name must be a string, but got int", TypeError),
])
def test_wrong_types_are_type_errors_and_wrong_values_value_errors(make, message, error):
    with pytest.raises(error, match=message):
        make()


def test_global_pooling_needs_images():
    with pytest.raises(ValueError, match=r"images of shape \(height, width, channels\)"):
        GlobalAveragePooling2D(input_shape=(10,))
    with pytest.raises(ValueError, match=r"expects inputs of shape \(None, 3, 3, 2\)"):
        GlobalMaxPooling2D(input_shape=(3, 3, 2)).forward(np.ones((1, 3, 3, 1)))


def test_a_list_input_is_converted_and_a_ragged_one_explained():
    layer = Dense(1, input_shape=(2,))
    layer.set_weights([np.array([[1.0], [2.0]]), np.array([0.5])])
    np.testing.assert_allclose(layer.forward([[1, 1], [0, 2]]), [[3.5], [4.5]])
    with pytest.raises(ValueError, match="could not be turned into an array"):
        layer.forward([[1.0, 2.0], [3.0]])


def test_the_per_batch_input_check_does_not_scan_the_values(monkeypatch):
    # forward may look at the type and the shape, never at every value: no isfinite per batch
    from nnedu import backend

    class NoScan:
        def __getattr__(self, attr):
            if attr in ("isfinite", "isnan", "isinf"):
                raise AssertionError(f"forward called xp.{attr}")
            return getattr(np, attr)

    monkeypatch.setattr(backend, "_active", NoScan())
    x = normal(8, 4)
    for layer in (Dense(3, activation="relu", input_shape=(4,)), BatchNormalization(),
                  Dropout(0.3, seed=0), Activation("softmax")):
        y = layer.forward(x, training=True)
        layer.backward(np.ones_like(y))


LAYER_MODULES = ["nnedu.layers.base", "nnedu.layers.core", "nnedu.layers.convolutional",
                 "nnedu.layers.pooling", "nnedu.layers.normalization",
                 "nnedu.layers.regularization"]


@pytest.mark.parametrize("name", LAYER_MODULES)
def test_layer_modules_open_with_their_idea_and_use_only_xp(name):
    import importlib
    import inspect

    module = importlib.import_module(name)
    assert len(module.__doc__.strip().splitlines()) >= 5, "the module opens with its idea"
    tree = ast.parse(inspect.getsource(module))
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names]
    imported += [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [m for m in imported if m.split(".")[0] == "numpy"], imported  # xp only
    assert not [node for node in ast.walk(tree)
                if isinstance(node, ast.Name) and node.id in ("np", "numpy")]


@pytest.mark.numpy_only("the examples print NumPy arrays")
def test_layer_module_docstring_examples():
    import doctest
    import importlib

    attempted = 0
    for name in LAYER_MODULES:
        result = doctest.testmod(importlib.import_module(name),
                                 optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0, name
        attempted += result.attempted
    assert attempted >= 5


def test_dense_is_the_first_class_of_core():
    import inspect

    from nnedu.layers import core
    source = inspect.getsource(core)
    assert source.index("class Dense(") < source.index("class Activation(") < \
        source.index("class Flatten(")

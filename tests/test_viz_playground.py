"""The playground's TensorFlow-Playground controls, headless, by value.

test_viz_training.py moves every control of the playground (pixels and readout
change, going back restores both). Here: the features feed the model, the
numbers shown are the model's own (``model.evaluate``), play / step / reset
train the same network as one long run, the printed code builds the same
weights, regression, discretize, show test data and the network picture.
"""

import html

import numpy as np
import pytest
from vizhelpers import WARNINGS_AS_ERRORS

from nnedu import data, viz
from nnedu.viz import network_picture
from nnedu.viz import playground_explorer as pg

pytestmark = list(WARNINGS_AS_ERRORS)

OLD_CONTROLS = ("dataset", "noise", "hidden_layers", "units", "activation", "learning_rate",
                "l2", "train")


def small(**kwargs):
    """A playground that trains in a few ms: 60 points, 20 Adam steps per setting."""
    args = {"dataset": "circles", "hidden_layers": 1, "units": 4, "learning_rate": 0.1,
            "steps": 20, "n_samples": 60}
    return viz.playground(**{**args, **kwargs})


def weights_equal(a, b):
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


def test_old_control_names_and_arguments_still_work():
    ex = viz.playground("xor", hidden_layers=1, units=2, activation="tanh")  # lesson 03
    assert set(OLD_CONTROLS) <= set(ex.controls)
    assert ex.readout.startswith("xor, 1x2 tanh: epoch 300, train loss ")
    ex.controls["l2"].value = 0.01
    assert ex.model.layers[0].kernel_regularizer.l2 == 0.01


def test_features_are_the_models_inputs():
    ex = small()
    assert ex.model.layers[0].kernel.shape == (2, 4)
    ex.controls["x1^2"].value = True
    ex.controls["sin(pi*x2)"].value = True
    assert ex.model.layers[0].kernel.shape == (4, 4)  # x1, x2, x1^2, sin(pi*x2)
    (X_train, _), _ = ex.result().points
    inputs, _ = ex.train_data
    assert np.array_equal(inputs, data.expand_features(X_train, ["x1", "x2", "x1^2",
                                                                 "sin(pi*x2)"]))
    assert np.allclose(inputs[:, 2], X_train[:, 0] ** 2)
    assert "on x1, x2, x1^2, sin(pi*x2):" in ex.readout
    # the picture is the model's output on the features of the grid points
    box = ex.result().box
    assert np.allclose(ex.regions.get_array(),
                       pg.output_grid(ex.model, box, ["x1", "x2", "x1^2", "sin(pi*x2)"]))


def test_squared_features_let_a_network_without_hidden_layer_separate_circles():
    ex = viz.playground("circles", hidden_layers=0, steps=300)
    line = ex.result().curves["accuracy"][-1]
    with ex.hold():
        ex.controls["x1"].value = ex.controls["x2"].value = False
        ex.controls["x1^2"].value = ex.controls["x2^2"].value = True
    assert line < 0.75
    assert ex.result().curves["accuracy"][-1] >= 0.95


def test_no_feature_gives_a_message_not_an_error():
    ex = small()
    with ex.hold():
        ex.controls["x1"].value = ex.controls["x2"].value = False
    assert ex.readout == "circles: choose at least one input feature"
    assert ex.result() is None
    with pytest.raises(ValueError, match="no input feature is chosen"):
        ex.model  # noqa: B018 - the property raises
    ex.step()  # nothing to train, nothing raised
    ex.controls["x1"].value = True
    assert ex.readout.startswith("circles, 1x4 relu on x1: epoch 20")


def test_the_losses_shown_are_model_evaluate():
    ex = small(l2=0.01, regularization="L1", batch_size=10)
    run = ex.result()
    train = ex.model.evaluate(*ex.train_data)
    test = ex.model.evaluate(*ex.test_data)
    assert run.curves["loss"][-1] == pytest.approx(train[0], rel=1e-12)
    assert run.curves["val_loss"][-1] == pytest.approx(test[0], rel=1e-12)
    assert f"train loss {train[0]:.3f}, test loss {test[0]:.3f}" in ex.readout
    assert f"(accuracy {train[1]:.2f} train, {test[1]:.2f} test)" in ex.readout
    # the curves on the picture are the same numbers, one per epoch from epoch 0
    epochs, losses = ex.train_curve.get_data()
    assert np.array_equal(epochs, np.arange(run.epoch + 1))
    assert np.array_equal(losses, run.curves["loss"])
    assert np.array_equal(ex.val_curve.get_data()[1], run.curves["val_loss"])


def test_batch_size_train_share_and_steps():
    ex = small(batch_size=10, train_ratio=0.7)
    run = ex.result()
    assert len(ex.train_data[1]) == 42 and len(ex.test_data[1]) == 18  # 70 % of 60
    assert run.batch_size == 10 and run.batches_per_epoch == 5
    assert run.epoch == 4  # about 20 gradient steps: ceil(20 / 5) epochs
    assert ex.readout.startswith("circles, 1x4 relu: epoch 4, ")
    ex.controls["batch_size"].value = 0  # all: one step per epoch
    assert ex.result().batch_size == 42 and ex.result().epoch == 20


def test_step_and_play_train_on_the_same_network():
    ex = small()
    start = ex.epoch
    ex.step()
    assert ex.epoch == start + pg.STEP_UPDATES  # full batch: one step per epoch
    assert f"epoch {start + pg.STEP_UPDATES}," in ex.readout
    assert ex.epoch_label.value == f"<b>epoch</b> {start + pg.STEP_UPDATES}"
    ex.player.value += 1  # a tick of "play"
    ex.player.value += 1
    assert ex.epoch == start + 3 * pg.STEP_UPDATES
    ex.player.value = 0  # the Play widget's stop button: no training
    assert ex.epoch == start + 3 * pg.STEP_UPDATES
    ex.step_button.click()
    assert ex.epoch == start + 4 * pg.STEP_UPDATES
    assert len(ex.train_curve.get_data()[0]) == ex.epoch + 1
    # trained in pieces = trained in one go
    one_go = pg.Run(ex.result().settings)
    one_go.train(ex.epoch)
    assert weights_equal(one_go.model.get_weights(), ex.model.get_weights())
    assert one_go.curves == ex.result().curves


def test_reset_goes_back_to_epoch_0_with_the_same_initial_weights():
    ex = small()
    trained = ex.model.get_weights()
    ex.reset_button.click()
    assert ex.epoch == 0 and f"epoch 0, train loss {ex.result().curves['loss'][0]:.3f}" \
        in ex.readout
    initial = pg.build_mlp(1, 4, seed=0).get_weights()
    assert weights_equal(ex.model.get_weights(), initial)
    assert not weights_equal(trained, initial)
    ex.step(epochs=20)
    assert weights_equal(ex.model.get_weights(), trained)  # the same 20 epochs again


def test_train_again_draws_new_initial_weights():
    ex = small()
    first = ex.model.get_weights()
    ex.controls["train"].click()
    assert ex.result().settings["init_seed"] == 1000
    assert not weights_equal(ex.model.get_weights(), first)


@pytest.mark.parametrize("kwargs", [
    {},
    {"dataset": "moons", "features": ["x1", "x2", "x1*x2", "sin(pi*x1)"], "l2": 0.003,
     "regularization": "L1", "batch_size": 5, "train_ratio": 0.6, "hidden_layers": 2},
    {"dataset": "gaussian", "activation": "tanh", "l2": 0.001, "batch_size": 20},
    {"dataset": "gauss", "hidden_layers": 0, "noise": 0.3},
])
def test_the_code_builds_and_trains_the_same_model(kwargs):
    ex = small(**kwargs)
    ex.step()
    namespace = {}
    exec(ex.code(), namespace)  # noqa: S102 - the code the explorer prints
    model = namespace["model"]
    assert weights_equal(model.get_weights(), ex.model.get_weights())
    assert model.evaluate(namespace["inputs_test"], namespace["y_test"]) == \
        ex.model.evaluate(*ex.test_data)
    def layers(m):
        return [(layer.units, layer.activation, layer.seed, repr(layer.kernel_regularizer))
                for layer in m.layers]

    assert layers(model) == layers(ex.model)
    assert model.count_params() == ex.model.count_params()
    ex.show_code.value = True
    assert ex.code_widget.value == f"<pre>{html.escape(ex.code())}</pre>"
    ex.show_code.value = False
    assert ex.code_widget.value == ""


def test_regression_plane_and_gaussian():
    ex = small(dataset="plane")
    assert ex.controls["problem"].value == "regression"
    assert list(ex.controls["dataset"].options) == ["plane", "gaussian"]
    assert ex.model.layers[-1].activation == "linear"
    assert type(ex.model.loss).__name__ == "MeanSquaredError"
    loss = ex.model.evaluate(*ex.test_data)
    assert ex.readout.endswith(f"test loss {loss:.3f}")  # no accuracy for a regression
    assert ex.regions.get_clim() == (-1, 1)
    box = ex.result().box
    assert np.allclose(ex.regions.get_array(), np.clip(pg.output_grid(ex.model, box), -1, 1))
    ex.controls["discretize"].value = True
    assert set(np.unique(ex.regions.get_array())) <= {-1.0, 0.0, 1.0}
    assert ex.ax_loss.get_title() == "Loss (mean squared error)"


def test_problem_switch_remembers_the_data_set_of_each_problem():
    ex = small(dataset="spiral")
    ex.controls["problem"].value = "regression"
    assert ex.controls["dataset"].value == "plane"
    ex.controls["dataset"].value = "gaussian"
    ex.controls["problem"].value = "classification"
    assert ex.controls["dataset"].value == "spiral"
    assert ex.readout.startswith("spiral, ")
    ex.controls["problem"].value = "regression"
    assert ex.controls["dataset"].value == "gaussian"


def test_discretize_and_show_test_data_change_only_the_picture():
    ex = small()
    readout, pixels = ex.readout, ex.render_rgba()
    p = ex.regions.get_array().copy()
    ex.controls["discretize"].value = True
    assert np.array_equal(ex.regions.get_array(), (p >= 0.5).astype(float))
    assert ex.readout == readout and np.any(ex.render_rgba() != pixels)
    ex.controls["discretize"].value = False
    assert ex.val_points.get_visible()
    ex.controls["show_test"].value = False
    assert not ex.val_points.get_visible() and ex.readout == readout
    assert np.any(ex.render_rgba() != pixels)


def test_six_hidden_layers_and_the_limits():
    ex = small(hidden_layers=6, units=8)
    assert len(ex.model.layers) == 7
    assert ex.controls["hidden_layers"].max == 6 and ex.controls["units"].max == 16
    with pytest.raises(ValueError, match="hidden_layers must be in 0..6"):
        viz.playground(hidden_layers=7)
    with pytest.raises(ValueError, match="unknown feature|features must be"):
        viz.playground(features=["x3"])
    with pytest.raises(ValueError, match="batch_size must be one of"):
        viz.playground(batch_size=3)
    with pytest.raises(ValueError, match="regularization must be one of"):
        viz.playground(regularization="L3")


def test_network_picture_shows_every_neuron_and_weight():
    ex = small(hidden_layers=2, units=3, features=["x1", "x2", "x1^2"])
    assert ex.network.tiles == []  # not drawn while hidden: the main redraw stays fast
    ex.show_network.value = True
    kernels = [layer.kernel for layer in ex.model.layers]
    assert len(ex.network.tiles) == 3 + 3 + 3 + 1
    assert np.array_equal(ex.network.weights, np.concatenate([k.ravel() for k in kernels]))
    widths = ex.network.lines.get_linewidths()
    assert len(ex.network.lines.get_segments()) == 3 * 3 + 3 * 3 + 3 * 1
    largest = np.argmax(np.abs(ex.network.weights))
    assert widths[largest] == pytest.approx(0.3 + network_picture.MAX_LINE_WIDTH)
    colours = ex.network.lines.get_colors()
    positive = ex.network.weights >= 0
    assert np.all(colours[positive, 2] > colours[positive, 0])  # blue for w >= 0
    assert np.all(colours[~positive, 0] > colours[~positive, 2])  # vermillion for w < 0
    # the x1 square is x1 over the plane, scaled to [-1, 1]; a hidden square its unit's output
    box = ex.result().box
    xs = np.linspace(box[0], box[1], network_picture.TILE_PIXELS)
    assert np.allclose(ex.network.tiles[0][0], xs / np.abs(xs).max())
    grid = np.stack(np.meshgrid(xs, np.linspace(box[2], box[3], xs.size)), -1).reshape(-1, 2)
    hidden = ex.model.layers[0].forward(data.expand_features(grid, ["x1", "x2", "x1^2"]))
    assert np.allclose(ex.network.tiles[3].ravel(), network_picture.scaled(hidden[:, 0]))
    before = ex.network.weights.copy()
    ex.step()
    assert not np.array_equal(ex.network.weights, before)  # redrawn after each step


def test_network_picture_helpers():
    corners = network_picture.column_positions([2, 3, 1], gap=2.0)
    assert np.allclose(corners[1], [[3, 2.6], [3, 1.3], [3, 0]])  # x = 1 * (1 + gap)
    assert np.allclose(corners[0][:, 1], [1.95, 0.65])  # centred on the tallest column
    segments, values = network_picture.weight_segments(
        corners[:2], [np.arange(6.0).reshape(2, 3)])
    assert np.allclose(values, np.arange(6.0))
    assert np.allclose(segments[1], [[1, 1.95 + 0.5], [3, 1.3 + 0.5]])  # input 0 -> unit 1
    assert np.allclose(network_picture.line_widths(np.array([-2.0, 1.0, 0.0])),
                       [0.3 + 3.5, 0.3 + 1.75, 0.3])
    assert np.allclose(network_picture.scaled([0.0, -4.0, 2.0]), [0.0, -1.0, 0.5])


def test_a_slow_tick_slows_the_play_widget_down():
    ex = small()
    assert ex.player.interval == pg.PLAY_INTERVAL_MS
    ex.player.interval = 1  # a tick surely takes longer than 1 ms
    ex.player.value += 1
    assert 1 < ex.player.interval <= pg.MAX_PLAY_INTERVAL_MS
    fast = ex.player.interval = pg.MAX_PLAY_INTERVAL_MS
    ex.player.value += 1  # a tick of a few ms leaves a long interval alone
    assert ex.player.interval == fast

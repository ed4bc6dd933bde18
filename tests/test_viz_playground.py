"""The playground's TensorFlow-Playground controls, headless, by value.

test_viz_training.py moves every control of the playground (pixels and readout
change, going back restores both). Here: the features feed the model, the
numbers shown are the model's own (``model.evaluate``), play / step / reset
train the same network as one long run, the printed code builds the same
weights, regression, discretize, show test data, the network picture, and the
units of each hidden layer (units=(8, 4, 2), the units_1 ... units_6 boxes).
"""

import html

import ipywidgets as widgets
import numpy as np
import pytest
from vizhelpers import WARNINGS_AS_ERRORS, check_every_control

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


# ------------------------------------------------------------------ units per layer


def kernel_shapes(model):
    return [layer.kernel.shape for layer in model.layers]


def test_units_per_layer_argument_builds_those_layers():
    ex = small(hidden_layers=3, units=(8, 4, 2))
    assert kernel_shapes(ex.model) == [(2, 8), (8, 4), (4, 2), (2, 1)]
    assert ex.model.count_params() == (2 * 8 + 8) + (8 * 4 + 4) + (4 * 2 + 2) + (2 + 1)
    assert ex.readout.startswith("circles, 8-4-2 relu: epoch 20, ")
    assert [ex.controls[f"units_{i}"].value for i in (1, 2, 3)] == [8, 4, 2]
    # hidden_layers defaults to the number of counts; a list or an array works too
    assert kernel_shapes(small(hidden_layers=None, units=[3, 5]).model) == \
        [(2, 3), (3, 5), (5, 1)]
    assert kernel_shapes(small(hidden_layers=None, units=np.array([2])).model) == \
        [(2, 2), (2, 1)]
    # equal counts keep the old "2x8" readout, given as one int or per layer
    assert small(hidden_layers=None, units=(5, 5)).readout.startswith("circles, 2x5 relu:")
    assert viz.playground(units=8, steps=1, n_samples=20).readout.startswith("circles, 2x8")


def test_only_the_first_hidden_layers_unit_boxes_are_shown():
    ex = small(hidden_layers=2, units=(6, 3))
    shown = [ex.controls[name].layout.display != "none" for name in pg.UNIT_CONTROLS]
    assert shown == [True, True, False, False, False, False]
    assert [ex.controls[name].value for name in pg.UNIT_CONTROLS] == [6, 3, 3, 3, 3, 3]
    assert ex.controls["units"].value == 6  # the widest layer
    ex.controls["hidden_layers"].value = 4  # new layers start like the last one
    assert [ex.controls[name].layout.display != "none" for name in pg.UNIT_CONTROLS] == \
        [True] * 4 + [False] * 2
    assert kernel_shapes(ex.model) == [(2, 6), (6, 3), (3, 3), (3, 3), (3, 1)]
    assert ex.readout.startswith("circles, 6-3-3-3 relu:")
    ex.controls["hidden_layers"].value = 0
    assert all(ex.controls[name].layout.display == "none" for name in pg.UNIT_CONTROLS)
    assert kernel_shapes(ex.model) == [(2, 1)]
    # no hidden layer given as no counts: the boxes wait with 8 units, like the slider
    ex = small(hidden_layers=None, units=())
    assert kernel_shapes(ex.model) == [(2, 1)] and ex.readout.startswith("circles, no hidden")
    assert [ex.controls[name].value for name in ("units",) + pg.UNIT_CONTROLS] == [8] * 7
    ex.controls["hidden_layers"].value = 1
    assert kernel_shapes(ex.model) == [(2, 8), (8, 1)]
    assert small(hidden_layers=0, units=5).controls["units_1"].value == 5


def test_moving_one_layers_units_changes_only_that_layer():
    ex = small(hidden_layers=3, units=4)
    assert isinstance(ex.controls["units_2"], widgets.BoundedIntText)
    assert (ex.controls["units_2"].min, ex.controls["units_2"].max) == (1, pg.MAX_UNITS)
    assert kernel_shapes(ex.model) == [(2, 4), (4, 4), (4, 4), (4, 1)]
    ex.controls["units_2"].value = 7
    assert kernel_shapes(ex.model) == [(2, 4), (4, 7), (7, 4), (4, 1)]
    assert ex.readout.startswith("circles, 4-7-4 relu:")
    assert ex.controls["units"].value == 4 and ex.controls["units_1"].value == 4
    ex.controls["units_2"].value = 4  # back: the cached run, the old readout
    assert ex.readout.startswith("circles, 3x4 relu:")


def test_the_units_slider_sets_every_layer_with_one_training():
    ex = small(hidden_layers=3, units=(8, 4, 2))
    trained, redraws = ex.train_count, ex.redraw_count
    ex.controls["units"].value = 5
    assert [ex.controls[name].value for name in pg.UNIT_CONTROLS] == [5] * 6
    assert kernel_shapes(ex.model) == [(2, 5), (5, 5), (5, 5), (5, 1)]
    assert ex.readout.startswith("circles, 3x5 relu:")
    assert ex.train_count == trained + 1 and ex.redraw_count == redraws + 1


def test_every_layer_control_changes_picture_and_readout():
    # six hidden layers: every units_i box is shown, so check_every_control moves it (a
    # regression: six narrow layers learn it in 10 steps; a rate: L1 vs L2 matters)
    ex = small(dataset="plane", hidden_layers=6, units=3, steps=10, l2=0.01)
    check_every_control("playground, 6 layers", ex, picture_only=("show_test", "discretize"))


@pytest.mark.parametrize("kwargs, error, message", [
    ({"hidden_layers": 2, "units": (8, 4, 2)},
     ValueError, r"units gives 3 counts \(8, 4, 2\), one per hidden layer, but hidden_l"),
    ({"hidden_layers": 0, "units": [4]}, ValueError, "but hidden_layers is 0"),
    ({"units": (8, 0)}, ValueError, r"units must be in 1..16 \(per layer\), but got \(8, 0\)"),
    ({"units": (8, 17)}, ValueError, "units must be in 1..16"),
    ({"units": 17}, ValueError, "units must be in 1..16"),
    ({"units": (1,) * 7}, ValueError, "hidden_layers must be in 0..6, but got 7"),
    ({"units": (8, 2.5)}, TypeError, r"units\[1\] must be an int, but got float: 2.5"),
    ({"units": 4.0}, TypeError, "units must be an int or a sequence of ints"),
    ({"units": "8"}, TypeError, "units must be an int or a sequence of ints"),
    ({"units": (True, 2)}, TypeError, r"units\[0\] must be an int, but got bool"),
    ({"hidden_layers": 2.0}, TypeError, "hidden_layers must be an int, but got float"),
])
def test_bad_units_get_clear_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        viz.playground(**kwargs)


def test_build_mlp_and_architecture_take_counts_per_layer():
    model = pg.build_mlp(2, (6, 3), seed=0)
    assert kernel_shapes(model) == [(2, 6), (6, 3), (3, 1)]
    assert kernel_shapes(pg.build_mlp(1, 32)) == [(2, 32), (32, 1)]  # no playground limits
    assert pg.layer_units(3, 8) == (8, 8, 8) and pg.layer_units(None, [4, 2]) == (4, 2)
    assert pg.architecture(3, (8, 4, 2), "tanh") == "8-4-2 tanh"
    assert pg.architecture(2, (8, 8), "relu") == pg.architecture(2, 8, "relu") == "2x8 relu"
    assert pg.architecture(0, (), "relu") == "no hidden layer"


@pytest.mark.parametrize("kwargs", [{"units": (6, 3)}, {"units": (2, 5, 1), "l2": 0.01,
                                                         "activation": "tanh"}])
def test_the_code_builds_the_same_per_layer_model(kwargs):
    ex = small(hidden_layers=None, **kwargs)
    ex.step()
    assert f"Dense({kwargs['units'][0]}, activation=" in ex.code()
    namespace = {}
    exec(ex.code(), namespace)  # noqa: S102 - the code the explorer prints
    model = namespace["model"]
    assert kernel_shapes(model) == kernel_shapes(ex.model)
    assert weights_equal(model.get_weights(), ex.model.get_weights())


def test_network_picture_follows_the_units_of_each_layer():
    ex = small(hidden_layers=2, units=(6, 3))
    ex.show_network.value = True
    assert len(ex.network.tiles) == 2 + 6 + 3 + 1
    assert len(ex.network.lines.get_segments()) == 2 * 6 + 6 * 3 + 3 * 1
    picture = ex.network_png()
    ex.controls["units_2"].value = 1
    assert len(ex.network.tiles) == 2 + 6 + 1 + 1
    assert len(ex.network.lines.get_segments()) == 2 * 6 + 6 * 1 + 1 * 1
    assert np.array_equal(ex.network.weights,
                          np.concatenate([layer.kernel.ravel() for layer in ex.model.layers]))
    assert ex.network_png() != picture

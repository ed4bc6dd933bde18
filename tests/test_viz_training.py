"""The explorers that train (playground, dropout, batch size) and the init explorer, headless.

As in test_viz_basic.py: build each explorer, move every control to its
extremes and back, and check that the picture's pixels and the readout change,
that going back restores both (the training explorers answer from their cache),
and that no warning or exception escapes (warnings are errors in this module).
The training explorers get small data and few steps here so the file stays quick.
Runs with ipywidgets 8 and 7.7.1 (make test-compat).
"""

import ipywidgets as widgets
import matplotlib
import numpy as np
import pytest
from vizhelpers import (
    WARNINGS_AS_ERRORS,
    check_every_control,
    check_fast_path_matches_full_draw,
    extremes,
)

from nnedu import viz
from nnedu.activations import relu
from nnedu.viz import batch_size as batch_size_module
from nnedu.viz import dropout as dropout_module
from nnedu.viz import init as init_module
from nnedu.viz import playground_explorer as playground_module

pytestmark = list(WARNINGS_AS_ERRORS)  # every warning an error, but two that are not ours

# Small settings: every control matters in the starting state (random_normal, so that
# the init explorer's stddev slider is live), and training takes a few ms per setting.
EXPLORERS = {
    "init": lambda: viz.init_explorer(depth=6, initializer="random_normal", scale=0.5,
                                      units=32, batch_size=64),
    "playground": lambda: viz.playground("circles", noise=0.1, hidden_layers=1, units=4,
                                         learning_rate=0.1, l2=0.01, steps=25, n_samples=60),
    "dropout": lambda: viz.dropout_explorer(rate=0.2, l2=1e-3, steps=25, n_train=20,
                                            n_val=40),
    "batch_size": lambda: viz.batch_size_explorer(batch_sizes=(8, 32), epochs=2,
                                                  n_samples=40),
}


@pytest.mark.parametrize("key", list(EXPLORERS))
def test_every_control_changes_picture_and_readout(key):
    # the playground's buttons and player: see their own tests
    check_every_control(key, EXPLORERS[key](), picture_only=("show_test", "discretize"))


@pytest.mark.parametrize("key", list(EXPLORERS))
def test_explorer_parts(key):
    ex = EXPLORERS[key]()
    assert isinstance(ex.widget, widgets.VBox)
    assert isinstance(ex.figure, matplotlib.figure.Figure)
    assert all(isinstance(c, widgets.Widget) for c in ex.controls.values())
    assert ex.redraw_count == 1  # the first picture, drawn once


@pytest.mark.parametrize("key, control, value", [
    ("init", "scale", 2.0), ("playground", "l2", 0.1), ("dropout", "rate", 0.5),
    ("batch_size", "batch_sizes", (1, 8))])
def test_fast_path_draws_the_same_picture_as_a_full_draw(key, control, value):
    ex = EXPLORERS[key]()
    ex.controls[control].value = value
    check_fast_path_matches_full_draw(ex)


# ------------------------------------------------------------------ caching


@pytest.mark.parametrize("key", ["playground", "dropout", "batch_size"])
def test_a_setting_seen_before_is_not_trained_again(key):
    ex = EXPLORERS[key]()
    control = {"playground": "units", "dropout": "rate", "batch_size": "epochs"}[key]
    first, trained = ex.readout, ex.train_count
    start = ex.controls[control].value
    other = extremes(ex.controls[control])[-1]
    ex.controls[control].value = other
    assert ex.train_count > trained
    trained = ex.train_count
    ex.controls[control].value = start
    ex.controls[control].value = other
    ex.controls[control].value = start
    assert ex.train_count == trained, "a cached setting was trained again"
    assert ex.readout == first


def test_playground_button_trains_new_initial_weights():
    ex = EXPLORERS["playground"]()
    before, trained, pixels = ex.readout, ex.train_count, ex.render_rgba()
    assert ex.controls["train"].description == "train again"
    ex.controls["train"].click()
    assert ex.train_count == trained + 1
    assert ex.redraw_count == 2
    assert np.any(ex.render_rgba() != pixels)
    assert ex.readout.startswith("circles, 1x4 relu, L2 0.01: epoch 25, train loss ")
    assert len(ex.cache) == 2  # the old weights' result is kept: a new setting was trained
    assert before.startswith("circles, 1x4 relu, L2 0.01: epoch 25, train loss ")
    assert ex.readout != before


# ------------------------------------------------------------------ init explorer values


def test_forward_activations_is_the_layer_formula():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    swap = np.array([[0.0, 1.0], [1.0, 0.0]])
    layers = init_module.forward_activations(x, [swap, 2 * np.eye(2)], "relu")
    assert np.allclose(layers[0], relu(x @ swap))  # [[0, 1], [3, 0.5]]
    assert np.allclose(layers[0], [[0.0, 1.0], [3.0, 0.5]])
    assert np.allclose(layers[1], [[0.0, 2.0], [6.0, 1.0]])


def test_zeros_make_every_unit_identical():
    ex = viz.init_explorer(depth=5, initializer="zeros", activation="sigmoid", units=16,
                           batch_size=32)
    assert np.all(ex.stds == 0)
    assert np.allclose(ex.layers[-1], 0.5)  # sigmoid(0) in every unit
    assert ex.readout == "sigmoid + zeros, 5 layers: std of last layer 0 (every unit identical)"


def test_glorot_keeps_tanh_alive_and_large_normal_weights_explode_relu():
    ex = viz.init_explorer(depth=10, initializer="glorot_uniform", activation="tanh")
    assert 0.1 < ex.stds[-1] < 0.5
    assert ex.readout == f"tanh + glorot_uniform, 10 layers: std of last layer {ex.stds[-1]:.2g}"
    with ex.hold():
        ex.controls["initializer"].value = "random_normal"
        ex.controls["activation"].value = "relu"
        ex.controls["scale"].value = 1.0
    # each layer multiplies the spread by about sqrt(units / 2) = sqrt(50) ~ 7
    growth = ex.stds[1:] / ex.stds[:-1]
    assert np.all((growth > 5) & (growth < 10))
    assert ex.readout.startswith("relu + random_normal(stddev=1), 10 layers: std of last layer")


def test_he_normal_keeps_relu_spread_steady():
    ex = viz.init_explorer(depth=20, initializer="he_normal", activation="relu")
    assert 0.3 < ex.stds[-1] / ex.stds[0] < 3


def test_init_explorer_survives_overflow_and_rejects_bad_arguments():
    ex = viz.init_explorer(depth=20, initializer="random_normal", activation="relu", scale=10)
    assert ex.stds[-1] > 1e30 or not np.isfinite(ex.stds[-1])
    with pytest.raises(ValueError, match="initializer must be one of"):
        viz.init_explorer(initializer="ones")
    with pytest.raises(ValueError, match="depth must be in"):
        viz.init_explorer(depth=0)


def test_scale_slider_only_for_random_normal():
    ex = viz.init_explorer(initializer="glorot_uniform")
    assert ex.controls["scale"].disabled
    ex.controls["initializer"].value = "random_normal"
    assert not ex.controls["scale"].disabled


def test_round_up_and_ridge():
    assert [init_module._round_up(v) for v in (0.03, 1.0, 1.2, 3.0, 7.0)] == \
        [0.05, 1.0, 2.0, 5.0, 10.0]
    verts = init_module.ridge(np.array([0.1, 0.1, 0.9]), 0.0, 1.0, baseline=3.0, height=0.5)
    assert verts.shape == (2 * init_module.BINS + 2, 2)
    assert verts[:, 1].min() == pytest.approx(2.5)  # the tallest bar reaches baseline - height
    assert verts[0, 1] == verts[-1, 1] == 3.0


# ------------------------------------------------------------------ playground values


def test_build_mlp_parameter_counts():
    # 2x8: (2*8 + 8) + (8*8 + 8) + (8*1 + 1) = 24 + 72 + 9
    assert playground_module.build_mlp(2, 8).count_params() == 105
    assert playground_module.build_mlp(0, 8).count_params() == 3  # logistic regression
    with_dropout = playground_module.build_mlp(2, 4, dropout=0.5)
    assert [type(layer).__name__ for layer in with_dropout.layers] == \
        ["Dense", "Dropout", "Dense", "Dropout", "Dense"]


def test_playground_learns_circles_but_a_line_cannot():
    ex = viz.playground("circles", hidden_layers=2, units=8, steps=300)
    curves = ex.result().curves
    assert curves["accuracy"][-1] >= 0.9 and curves["val_accuracy"][-1] >= 0.85
    assert curves["loss"][-1] < curves["loss"][0] / 2
    assert ex.readout == (f"circles, 2x8 relu: epoch 300, train loss {curves['loss'][-1]:.3f}, "
                          f"test loss {curves['val_loss'][-1]:.3f} (accuracy "
                          f"{curves['accuracy'][-1]:.2f} train, {curves['val_accuracy'][-1]:.2f}"
                          " test)")
    ex.controls["hidden_layers"].value = 0  # a straight line cannot separate two circles
    assert ex.result().curves["accuracy"][-1] < 0.75
    assert ex.readout.startswith("circles, no hidden layer: epoch 300, train loss ")


def test_playground_probability_picture_matches_the_model():
    ex = EXPLORERS["playground"]()
    grid = ex.regions.get_array()
    assert grid.shape == (playground_module.GRID_POINTS,) * 2
    assert np.all((grid >= 0) & (grid <= 1))
    assert np.allclose(grid, playground_module.probability_grid(ex.model, ex.result().box))


def test_playground_divergence_is_reported_not_raised():
    ex = viz.playground("xor", hidden_layers=3, units=16, learning_rate=1.0, steps=40,
                        n_samples=60)
    assert "xor, 3x16 relu" in ex.readout  # trained or diverged, never an exception


def test_playground_rejects_bad_arguments():
    with pytest.raises(ValueError, match="dataset must be one of"):
        viz.playground("squares")
    with pytest.raises(ValueError, match="l2 must be one of"):
        viz.playground(l2=0.5)


# ------------------------------------------------------------------ dropout explorer values


def test_dropout_and_l2_shrink_the_gap_of_an_overfitting_network():
    ex = viz.dropout_explorer(rate=0.0, l2=0.0, steps=300)
    plain = ex.result()["curves"]
    gap_plain = plain["val_loss"][-1] - plain["loss"][-1]
    assert plain["loss"][-1] < 0.05 and gap_plain > 0.5  # learnt by heart
    assert plain["val_loss"][-1] > plain["val_loss"].min() + 0.3  # val loss turned up
    ex.controls["rate"].value = 0.5
    dropped = ex.result()["curves"]
    assert dropped["val_loss"][-1] - dropped["loss"][-1] < gap_plain
    ex.controls["rate"].value = 0.0
    ex.controls["l2"].value = 0.01
    penalized = ex.result()["curves"]
    assert penalized["val_loss"][-1] - penalized["loss"][-1] < gap_plain
    train, val = penalized["loss"][-1], penalized["val_loss"][-1]
    assert ex.readout == (f"dropout 0, L2 0.01: train loss {train:.2f}, val loss {val:.2f} "
                          f"(gap {val - train:.2f})")


def test_dropped_units_come_from_the_last_training_mask():
    ex = EXPLORERS["dropout"]()
    ex.controls["rate"].value = 0.0
    assert all(not d.any() for d in ex.result()["dropped"])  # rate 0 drops nothing
    ex.controls["rate"].value = 0.9
    dropped = ex.result()["dropped"]
    assert [d.shape for d in dropped] == [(32,), (32,)]
    assert 45 <= sum(int(d.sum()) for d in dropped) <= 64  # about 90 % of 64
    model = dropout_module.build_mlp(2, 32, dropout=0.5, seed=3)
    model.forward(np.zeros((4, 2)), training=True)
    masks = dropout_module.dropped_units(model)
    assert np.array_equal(masks[0], ~model.layers[1].last_mask[0])


def test_network_layout():
    layout = dropout_module.network_layout([2, 4, 1])
    assert [p.shape for p in layout] == [(2, 2), (4, 2), (1, 2)]
    assert np.allclose(layout[1][:, 1], [0.125, 0.375, 0.625, 0.875])
    assert np.allclose(layout[2], [[2.0, 0.5]])


# ------------------------------------------------------------------ batch-size explorer values


def test_batch_size_runs_share_the_start_and_measure_time():
    X, y = batch_size_module.digits_subset(40)
    assert X.shape == (40, 64) and X.max() <= 1.0
    runs = {b: batch_size_module.run(b, 0.1, 3, X, y) for b in (1, 8, "full")}
    for result in runs.values():
        assert result["loss"].shape == result["seconds"].shape == (4,)
        assert result["seconds"][0] == 0.0 and np.all(np.diff(result["seconds"]) >= 0)
        assert not result["diverged"]
    # the same initial weights: the same loss before training, about log(10) for 10 classes
    assert runs[1]["loss"][0] == runs[8]["loss"][0] == runs["full"]["loss"][0]
    assert runs[1]["loss"][0] == pytest.approx(np.log(10), abs=0.3)
    # 40 updates per epoch beat 1 update per epoch at the same learning rate
    assert runs[1]["loss"][-1] < runs["full"]["loss"][-1]


def test_batch_size_readout_and_empty_selection():
    ex = EXPLORERS["batch_size"]()
    parts = ex.readout.split("; ")
    assert [p.split(":")[0] for p in parts] == ["batch 8", "batch 32"]
    assert all(" in " in p and p.endswith(" s") for p in parts)
    ex.controls["batch_sizes"].value = ("full",)
    assert ex.readout.startswith("full batch (40): loss ")
    ex.controls["batch_sizes"].value = ()
    assert ex.readout == "no batch size selected: choose one or more"
    with pytest.raises(ValueError, match="batch sizes must be among"):
        viz.batch_size_explorer(batch_sizes=(3,))


def test_batch_size_run_extended_equals_a_fresh_longer_run():
    X, y = batch_size_module.digits_subset(40)
    short = batch_size_module.Run(8, 0.1, X, y)
    assert short.extend(2) == 2 and short.extend(2) == 0  # already long enough
    assert short.extend(4) == 2                             # only the new epochs train
    fresh = batch_size_module.run(8, 0.1, 4, X, y)
    assert np.array_equal(short.result(4)["loss"], fresh["loss"])
    assert np.array_equal(short.result(2)["loss"], fresh["loss"][:3])


def test_batch_size_more_epochs_train_only_the_new_ones():
    ex = EXPLORERS["batch_size"]()
    run = ex.cache[(8, float(ex.controls["learning_rate"].value))]
    ex.controls["epochs"].value = 5
    assert len(run.losses) == 6  # epochs 0..5: the 2 old ones were kept, 3 added
    ex.controls["epochs"].value = 3
    assert len(run.losses) == 6 and ex.readout.count("; ") == 1


def test_batch_size_far_too_large_rate_is_survived_quietly():
    X, y = batch_size_module.digits_subset(40)
    with np.errstate(all="raise"):  # no floating-point warning escapes
        result = batch_size_module.run(1, 1e3, 3, X, y)
    finite = result["loss"][np.isfinite(result["loss"])]
    assert result["diverged"] or finite[-1] > finite[0]  # no learning at such a rate


def test_dropout_records_about_100_points_and_the_last_step():
    train = playground_module.make_dataset("moons", 20, 0.3, 0)
    val = playground_module.make_dataset("moons", 40, 0.3, 1)
    _, curves = dropout_module.train_with_dropout(0.2, 0.0, train, val, steps=250)
    assert curves["steps"][0] == 2 and curves["steps"][-1] == 250
    assert np.all(np.diff(curves["steps"]) == 2)
    assert len(curves["loss"]) == len(curves["val_loss"]) == len(curves["steps"]) == 125
    _, curves = dropout_module.train_with_dropout(0.2, 0.0, train, val, steps=301)
    assert curves["steps"][-2:].tolist() == [300, 301]  # every 3rd step, and the last

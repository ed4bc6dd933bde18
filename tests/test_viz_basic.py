"""The widget explorers, driven headless (Agg) without a browser.

Every explorer is built, every control is moved to its extremes and back,
and we check that the picture's pixels and the readout change, that going
back restores both, and that no warning or exception escapes (warnings are
errors in this module). Runs with ipywidgets 8 and 7.7.1 (make test-compat).
"""

import ipywidgets as widgets
import matplotlib
import pytest
from vizhelpers import WARNINGS_AS_ERRORS, check_every_control, check_fast_path_matches_full_draw

from nnedu import viz
from nnedu.graph import Value
from nnedu.viz import style

pytestmark = list(WARNINGS_AS_ERRORS)  # every warning an error, but two that are not ours

# Explorer factories set up so that every control matters in the starting state
# (e.g. the alpha slider only changes leaky_relu and elu).
EXPLORERS = {
    "lr": lambda: viz.lr_explorer("ravine", ("sgd", "momentum", "adam"), learning_rate=0.05,
                                  steps=50),
    "activation": lambda: viz.activation_explorer("leaky_relu", alpha=0.5, layers=10),
    "softmax": lambda: viz.softmax_explorer((2.0, 1.0, 0.1), true_class=0),
    "perceptron": lambda: viz.perceptron_explorer("and"),
    "graph": lambda: viz.graph_explorer("3(a+b)c"),
    "graph_neuron": lambda: viz.graph_explorer("neuron"),
    "conv": lambda: viz.conv_explorer("digit 3", kernel="custom", stride=1, padding=1),
}
TEXT_VALUES = {"custom": ["0 0 0; 0 2 0; 0 0 0", "1 1 1; 0 0 0; -1 -1 -1"]}


@pytest.mark.parametrize("key", list(EXPLORERS))
def test_every_control_changes_picture_and_readout(key):
    check_every_control(key, EXPLORERS[key](), texts=TEXT_VALUES)


@pytest.mark.parametrize("key", list(EXPLORERS))
def test_explorer_parts(key):
    ex = EXPLORERS[key]()
    assert isinstance(ex.figure, matplotlib.figure.Figure)
    assert isinstance(ex.widget, widgets.VBox)
    assert ex.output in ex.widget.children and ex.readout_widget in ex.widget.children
    assert ex.readout in _unescape(ex.readout_widget.value)
    height, _ = ex.render_rgba().shape[:2]
    # fixed: the page does not jump (matplotlib 3.7 truncates the pixel size, 3.8+ rounds)
    assert abs(int(ex.output.layout.height.removesuffix("px")) - (height + 10)) <= 1
    png = ex.render_png()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    bundle = ex._repr_mimebundle_()
    if bundle is not None:  # ipywidgets 8; 7.x displays through _ipython_display_
        assert "application/vnd.jupyter.widget-view+json" in bundle


def _unescape(text):
    import html

    return html.unescape(text)


def test_figures_are_not_known_to_pyplot():
    import matplotlib.pyplot as plt

    before = set(plt.get_fignums())
    EXPLORERS["lr"]()
    viz.draw_graph(Value(1.0) * 2)
    assert set(plt.get_fignums()) == before


def test_fast_path_draws_the_same_picture_as_a_full_draw():
    ex = viz.lr_explorer("rosenbrock", ("sgd", "adam"), learning_rate=0.02)
    ex.controls["x0"].value = 0.5
    check_fast_path_matches_full_draw(ex)


def test_hold_redraws_once():
    ex = viz.softmax_explorer()
    count = ex.redraw_count
    with ex.hold():
        ex.controls["z0"].value = -1.0
        ex.controls["z1"].value = 3.0
    assert ex.redraw_count == count + 1
    # e^-1, e^3, e^0.1 = 0.368, 20.09, 1.105; sum 21.56 -> p = (0.017, 0.932, 0.051)
    assert "p = [0.017, 0.932, 0.051]" in ex.readout


# --------------------------------------------------------------- values in readouts


def test_softmax_readout_values():
    # e^2, e^1, e^0.1 = 7.389, 2.718, 1.105; sum 11.212 -> p = 0.659, 0.242, 0.099
    ex = viz.softmax_explorer((2.0, 1.0, 0.1), true_class=0)
    assert "p = [0.659, 0.242, 0.099]" in ex.readout
    assert "cross-entropy 0.4170" in ex.readout  # -ln 0.659 = 0.417
    assert "p - y = [-0.341, +0.242, +0.099]" in ex.readout
    ex.controls["true_class"].value = 2
    assert "cross-entropy 2.3170" in ex.readout  # -ln 0.0986 = 2.317


def test_graph_explorer_worked_example():
    # COURSE.md chapter 05: a=2, b=4, c=8 -> F = 144, dF/da = dF/db = 3c = 24, dF/dc = 18
    ex = viz.graph_explorer()
    assert ex.readout == "F = 144; dF/da=24, dF/db=24, dF/dc=18"
    ex.controls["c"].value = 1.0  # dF/da = 3c = 3, dF/dc = 3(a + b) = 18, F = 18
    assert ex.readout == "F = 18; dF/da=3, dF/db=3, dF/dc=18"


def test_graph_explorer_neuron():
    # n = 0.5 * 1 + 0.25 * (-2) + 0.5 = 0.5, o = tanh(0.5) = 0.462117,
    # do/dn = 1 - o^2 = 0.78645; do/dx1 = w1 * 0.78645, do/dw2 = x2 * 0.78645, ...
    ex = viz.graph_explorer("neuron")
    assert ex.readout == ("o = 0.462117; do/dx1=0.3932, do/dx2=0.1966, do/dw1=0.7864, "
                          "do/dw2=-1.573, do/db=0.7864")


def test_lr_explorer_divergence_is_labelled_not_raised():
    # SGD on x^2 + y^2 with lr 1.5: w <- w - 1.5 * 2w = -2w, so |x| = 4 * 2^k from x0 = -4.
    # The escape box is 3 box-widths (30) beyond the box [-5, 5]: |x| = 64 > 35 at step 4.
    ex = viz.lr_explorer("bowl", ("sgd",), learning_rate=1.5)
    assert ex.readout == "SGD, lr=1.5: diverged at step 4"
    assert ex.notes["sgd"].get_text() == "SGD: diverged at step 4"
    ex.controls["learning_rate"].value = 0.5  # w - 0.5 * 2w = 0: the minimum in one step
    assert ex.readout == "SGD, lr=0.5: loss 0 after 100 steps"
    assert ex.notes["sgd"].get_text() == ""


def test_lr_explorer_survives_every_surface_at_the_largest_learning_rate():
    ex = viz.lr_explorer(optimizers=("sgd", "momentum", "nesterov", "adagrad", "rmsprop",
                                     "adam"), learning_rate=10.0, steps=200)
    for surface in ("bowl", "ravine", "rosenbrock", "saddle", "two_minima"):
        ex.controls["surface"].value = surface
        assert ex.readout.count("SGD, lr=10: diverged at step") == 1
        assert ex.controls["x0"].value == viz.lr.surfaces.get(surface).start[0]
    assert "no optimizer selected" not in ex.readout
    ex.controls["optimizers"].value = ()
    assert ex.readout == "no optimizer selected"


def test_lr_explorer_rejects_bad_arguments():
    with pytest.raises(ValueError, match="unknown optimizer 'adamw'"):
        viz.lr_explorer(optimizers=("adamw",))
    with pytest.raises(ValueError, match="learning_rate must be in"):
        viz.lr_explorer(learning_rate=100.0)
    with pytest.raises(ValueError, match="surface"):
        viz.lr_explorer(surface="mountain")


def test_activation_readout_sigmoid_best_case():
    ex = viz.activation_explorer("sigmoid", layers=10)
    # sigmoid'(0) = 0.25 is the largest slope: 0.25^10 = 9.54e-07
    assert ex.readout.startswith("sigmoid: max |f'| = 0.25, so after 10 layers at most 9.54e-07")
    assert ex.controls["alpha"].disabled
    ex.controls["function"].value = "relu"  # relu'(z) = 1 for z > 0: the gradient survives
    assert ex.readout.endswith("at most 1; chain (w = 1, b = 0): 1")


def test_activation_explorer_fits_its_y_range_to_the_function():
    ex = viz.activation_explorer("sigmoid")
    low, high = ex.ax.get_ylim()
    assert -0.2 <= low < 0 and 1 < high <= 1.2      # sigmoid and its slope lie in [0, 1]
    ex.controls["function"].value = "relu"          # relu reaches 5 at z = 5
    assert ex.ax.get_ylim()[1] >= 5


def test_perceptron_steps_through_history():
    ex = viz.perceptron_explorer("and", learning_rate=1.0, seed=None)  # zero start weights
    step = ex.controls["step"]
    assert step.max == len(ex.model.weights_history_) - 1 == ex.play.max
    step.value = 1  # sample (0, 0), label 0: 0 >= 0 fires 1, a mistake: w -= x, b -= 1
    assert ex.readout == ("AND, lr=1, perceptron: step 1 (epoch 1): w=[0, 0], b=-1, "
                          "1 mistakes this epoch")
    assert ex.title.get_text() == "AND, perceptron rule, lr 1: converged, epoch 6 made no mistake"
    step.value = step.max
    assert ex.readout.endswith("0 mistakes this epoch")
    ex.controls["gate"].value = "xor"
    assert step.max == 4 * 20  # 20 epochs, none without a mistake
    assert "not converged in 20 epochs" in ex.title.get_text()


def test_perceptron_explorer_layout_shows_each_control_once_and_no_text_box():
    ex = viz.perceptron_explorer("and")
    assert ex.controls["learning_rate"].value == 1.0   # on the log slider's grid: not 1.02
    assert isinstance(ex.controls["rule"], widgets.Dropdown)   # no lone "rule" label

    def leaves(widget):
        children = getattr(widget, "children", None)
        return [leaf for child in children for leaf in leaves(child)] if children else [widget]

    shown = leaves(ex.widget)
    assert all(shown.count(c) == 1 for c in ex.controls.values())   # the step slider once
    assert ex.play in shown
    assert list(ex.ax.texts) == [ex.title]   # no text box over the line: the readout is below


@pytest.mark.parametrize("key", ["activation", "softmax", "perceptron"])
def test_explorers_fit_the_notebook_and_read_on_one_line(key):
    ex = EXPLORERS[key]()
    width_px = ex.figure.get_size_inches()[0] * ex.figure.dpi
    assert width_px <= 760 + 1          # the browser does not shrink it: no gap, text readable
    assert len(ex.readout) <= 96        # one line of monospace text (7.6 px a character)
    for control in ex.controls.values():
        if isinstance(control, (widgets.FloatSlider, widgets.IntSlider,
                                widgets.FloatLogSlider)):
            assert control.layout.width == "460px"   # a long track: fine control


def test_conv_explorer_arithmetic_and_bad_custom_kernel():
    ex = viz.conv_explorer("square", kernel="identity", stride=1, padding=1)
    assert "output 8x8 = floor((8 + 2*1 - 3)/1) + 1 = 8" in ex.readout
    ex.controls["stride"].value = 2  # floor(7 / 2) + 1 = 4
    assert "output 4x4 = floor((8 + 2*1 - 3)/2) + 1 = 4" in ex.readout
    assert ex.controls["step"].max == 15
    ex.controls["step"].value = 5  # row 1, column 1: window rows 1..3 of the padded image
    # identity kernel: y = the input pixel at the window centre, image[2, 2] of the square = 1
    assert ex.readout.endswith("window 5 at (1, 1): y = 1")
    ex.controls["kernel"].value = "custom"
    ex.controls["custom"].value = "1 2 3"
    assert "custom kernel: expected 3 rows of 3 numbers" in ex.readout


# --------------------------------------------------------------------- draw_graph


def test_draw_graph_layout_points_right():
    from nnedu.graph import topological_order
    from nnedu.viz.graph import _layout

    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    out = (a * b + a).tanh()
    out.backward()
    fig = viz.draw_graph(out)
    positions = _layout(out)
    nodes = topological_order(out)
    assert positions[id(out)][0] == max(c for c, _ in positions.values())
    for node in nodes:
        for parent in node._prev:
            assert positions[id(parent)][0] < positions[id(node)][0]
    texts = [t.get_text() for t in fig.axes[0].texts if t.get_text()]  # not the arrows
    assert f"a\ndata 2\ngrad {a.grad:.4g}" in texts
    assert len(texts) == len(nodes) + sum(1 for n in nodes if n._op)  # boxes + op circles


def test_draw_graph_rejects_non_values():
    with pytest.raises(TypeError, match="expects a nnedu.graph.Value"):
        viz.draw_graph(3.0)


# ----------------------------------------------------------------- package and style


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nonexistent_explorer'"):
        viz.nonexistent_explorer  # noqa: B018


def test_style_palette_and_figure():
    assert len(set(style.COLORS)) == 8 and style.color(8) == style.color(0)
    fig, axes = style.new_figure(1, 2)
    assert axes.shape == (2,) and fig.canvas is not None
    ax = style.apply(axes[0], title="t", xlabel="x", ylabel="y")
    assert ax.get_title() == "t" and not ax.spines["top"].get_visible()


ALL_EXPLORERS = {
    "perceptron": lambda: viz.perceptron_explorer(),
    "activation": lambda: viz.activation_explorer(),
    "playground": lambda: viz.playground(steps=20),
    "softmax": lambda: viz.softmax_explorer(),
    "graph": lambda: viz.graph_explorer(),
    "backprop": lambda: viz.backprop_explorer(),
    "lr": lambda: viz.lr_explorer(),
    "batch_size": lambda: viz.batch_size_explorer(),
    "init": lambda: viz.init_explorer(),
    "dropout": lambda: viz.dropout_explorer(),
    "conv": lambda: viz.conv_explorer(),
}
MIN_WIDTH_PX = 360   # a slider at least this wide has a track of 200 px or more


def _positions(control):
    """How many values a slider can stop at."""
    if isinstance(control, widgets.SelectionSlider):
        return len(control.options)
    return round((control.max - control.min) / control.step) + 1


@pytest.mark.parametrize("key", list(ALL_EXPLORERS))
def test_every_slider_of_every_explorer_gives_fine_control_and_keyboard_access(key):
    ex = ALL_EXPLORERS[key]()
    sliders = {name: c for name, c in ex.controls.items()
               if isinstance(c, (widgets.FloatSlider, widgets.IntSlider,
                                 widgets.FloatLogSlider, widgets.SelectionSlider))}
    assert sliders, f"{key} has no slider"
    for name, control in sliders.items():
        # a track of 200 px or more: 60 px of mouse travel never go from end to end
        width = control.layout.width or ""
        assert width.endswith("px") and int(width[:-2]) >= MIN_WIDTH_PX, (key, name, width)
        if isinstance(control, (widgets.FloatSlider, widgets.FloatLogSlider)):
            assert _positions(control) >= 11, (key, name, _positions(control))  # fine steps
        assert control.readout, (key, name)     # the value shown; a number can be typed in

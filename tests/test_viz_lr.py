"""The learning-rate explorer's quadratic panels, buttons and start point, headless (Agg).

What is drawn is read back from the artists (the map's mesh array, the lines' data)
and compared with what nnedu.quadratic and nnedu.surfaces compute.
"""

import ipywidgets as widgets
import numpy as np
import pytest
from vizhelpers import WARNINGS_AS_ERRORS, check_fast_path_matches_full_draw

from nnedu import optimizers, quadratic, surfaces, viz
from nnedu.viz import lr, lr_quadratic

pytestmark = list(WARNINGS_AS_ERRORS)


def drawn_map(ex, surface):
    """The map's cells as drawn: codes (B, L), lr centres (L,), momentum centres (B,)."""
    mesh = ex.quadratic_panels.meshes[surface]
    assert mesh.get_visible()
    corners = mesh.get_coordinates()                      # (B + 1, L + 1, 2): the cell edges
    codes = np.asarray(mesh.get_array()).reshape(corners.shape[0] - 1, corners.shape[1] - 1)
    lr_edges, momentum_edges = corners[0, :, 0], corners[:, 0, 1]
    return (codes, np.sqrt(lr_edges[:-1] * lr_edges[1:]),        # log axis: geometric mean
            (momentum_edges[:-1] + momentum_edges[1:]) / 2)


@pytest.mark.parametrize("surface", ["bowl", "ravine"])
def test_the_drawn_map_diverges_from_two_over_lambda_max_at_momentum_zero(surface):
    ex = viz.lr_explorer(surface, ("sgd",), learning_rate=0.01)
    codes, lrs, momenta = drawn_map(ex, surface)
    assert codes.shape == (100, 251) and momenta[0] == pytest.approx(0.0, abs=1e-12)
    edge = 2.0 / max(surfaces.get(surface).curvatures)       # bowl 2/2 = 1, ravine 2/20 = 0.1
    bottom = codes[0]
    diverges = bottom == quadratic.BEHAVIOURS.index("diverges")
    last_ok, first_out = lrs[~diverges].max(), lrs[diverges].min()
    assert last_ok < first_out                                  # one edge, no islands
    assert np.all(diverges[lrs > first_out]) and not np.any(diverges[lrs < last_ok])
    assert last_ok <= edge * (1 + 1e-9) and first_out >= edge * (1 - 1e-9)
    assert first_out / last_ok == pytest.approx(10 ** (1 / 50))  # within one cell of 2/lambda
    # the whole picture is the library's map, one cell per slider position
    np.testing.assert_array_equal(codes, quadratic.behaviour_map(
        lrs, momenta, surfaces.get(surface).curvatures))
    np.testing.assert_allclose(lrs, lr_quadratic.MAP_LEARNING_RATES, rtol=1e-12)
    # and the title says which optimizer the map is for
    assert "GD + momentum" in ex.ax_map.get_title()


def test_the_marker_moves_with_the_sliders_and_only_the_marker():
    ex = viz.lr_explorer("ravine", ("sgd", "momentum"), learning_rate=0.05, momentum=0.9)
    assert [list(d) for d in ex.quadratic_panels.point.get_data()] == [[0.05], [0.9]]
    assert [list(d) for d in ex.quadratic_panels.gd_point.get_data()] == [[0.05], [0.0]]
    before, mesh = ex.render_rgba(), ex.quadratic_panels.meshes["ravine"]
    count = len(ex._backgrounds)
    ex.controls["learning_rate"].value = 0.2
    ex.controls["momentum"].value = 0.3
    assert [list(d) for d in ex.quadratic_panels.point.get_data()] == [[0.2], [0.3]]
    assert np.any(ex.render_rgba() != before)
    assert ex.quadratic_panels.meshes["ravine"] is mesh and len(ex._backgrounds) == count  # cached
    check_fast_path_matches_full_draw(ex)


def test_optimal_buttons_set_the_librarys_rates_and_the_label_shows_them():
    ex = viz.lr_explorer("ravine", ("sgd", "momentum"), learning_rate=0.01, momentum=0.9)
    lam = surfaces.get("ravine").curvatures
    gd = quadratic.optimal_learning_rate(lam)                     # 2 / (1 + 20) = 0.0952
    heavy_lr, heavy_beta = quadratic.optimal_momentum(lam)        # 4 / (1 + sqrt 20)^2, ...
    assert gd == pytest.approx(2 / 21) and heavy_lr == pytest.approx(4 / (1 + 20**0.5) ** 2)
    for number in (gd, heavy_lr, heavy_beta):
        assert f"{number:.4g}" in ex.analysis_text
    assert ex.analysis_text in ex.analysis.value and ex.analysis in ex.widget.children
    count, before = ex.redraw_count, ex.render_rgba()
    ex.controls["optimal_lr"].click()
    assert np.any(ex.render_rgba() != before)                     # the picture follows
    assert ex.controls["learning_rate"].value == gd and ex.controls["momentum"].value == 0.9
    assert ex.redraw_count == count + 1
    assert "SGD, lr=0.0952:" in ex.readout
    # plain GD at its optimum: both directions shrink by (kappa - 1)/(kappa + 1) = 19/21, the
    # y direction with a sign flip each step (1 - 20 * 2/21 = -19/21)
    assert "plain GD oscillates (error × 0.905 per step)" in ex.analysis_text
    ex.controls["optimal_momentum"].click()
    assert ex.redraw_count == count + 2                           # two sliders, one redraw
    assert ex.controls["learning_rate"].value == heavy_lr
    assert ex.controls["momentum"].value == heavy_beta
    rate = np.sqrt(heavy_beta)                                    # (sqrt 20 - 1)/(sqrt 20 + 1)
    assert f"GD + momentum oscillates (error × {rate:.3f} per step)" in ex.analysis_text
    stars = np.transpose(ex.quadratic_panels.stars.get_data())
    np.testing.assert_allclose(stars, [[gd, 0.0], [heavy_lr, heavy_beta]])
    np.testing.assert_allclose(ex.quadratic_panels.point.get_xydata(), stars[1:])  # on the star


def test_the_split_lines_are_the_librarys_loss_per_direction():
    ex = viz.lr_explorer("ravine", ("momentum",), learning_rate=0.03, momentum=0.5, steps=40)
    for lr_value, beta, x0 in ((0.03, 0.5, -4.5), (0.08, 0.7, 2.0), (0.12, 0.0, 2.0)):
        with ex.hold():
            ex.controls["learning_rate"].value = lr_value
            ex.controls["momentum"].value = beta
            ex.controls["x0"].value = x0
        start = (x0, ex.controls["y0"].value)
        for momentum, kind in ((beta, "momentum"), (0.0, "gd")):
            split = quadratic.loss_per_direction([1.0, 20.0], start, lr_value, momentum, 40)
            for d, axis in enumerate("xy"):
                x, y = ex.quadratic_panels.lines[axis, kind].get_data()
                np.testing.assert_array_equal(x, np.arange(41))
                np.testing.assert_array_equal(y, lr_quadratic.drawn(split[:, d]))
    # the two directions add up to the loss curve of the Momentum optimizer (top right)
    ex.controls["learning_rate"].value, ex.controls["momentum"].value = 0.05, 0.5
    total = sum(ex.quadratic_panels.lines[axis, "momentum"].get_ydata() for axis in "xy")
    np.testing.assert_allclose(total, ex.curves["momentum"].get_ydata(), rtol=1e-9)


def test_a_diverging_direction_leaves_a_gap_not_a_warning():
    ex = viz.lr_explorer("ravine", ("sgd",), learning_rate=0.5, momentum=0.0, steps=500)
    y = ex.quadratic_panels.lines["y", "gd"].get_ydata()          # |1 - 0.5 * 20| = 9 per step
    assert np.isnan(y[-1]) and y[1] == pytest.approx(0.5 * 20 * (9 * 1.0) ** 2)
    assert "plain GD diverges (error × 9.000 per step)" in ex.analysis_text


def test_other_surfaces_grey_the_panels_and_disable_the_buttons():
    ex = viz.lr_explorer("ravine", ("sgd",), learning_rate=0.05)
    before = ex.render_rgba()
    ex.controls["surface"].value = "rosenbrock"
    assert not ex.quadratic_panels.meshes["ravine"].get_visible()
    assert not any(line.get_visible() for line in ex.quadratic_panels.lines.values())
    assert not ex.quadratic_panels.point.get_visible()
    assert all("rosenbrock is not a quadratic bowl" in note.get_text()
               for note in ex.quadratic_panels.notes)
    assert ex.controls["optimal_lr"].disabled and ex.controls["optimal_momentum"].disabled
    assert ex.analysis_text.startswith("rosenbrock is not a quadratic bowl")
    value = ex.controls["learning_rate"].value
    ex.set_optimal("lr")                                   # what a click would do: nothing
    with pytest.raises(ValueError, match="which"):
        ex.set_optimal("adam")
    assert ex.controls["learning_rate"].value == value
    ex.controls["surface"].value = "ravine"
    assert ex.quadratic_panels.meshes["ravine"].get_visible() and not ex.controls["optimal_lr"].disabled
    assert np.mean(ex.render_rgba() != before) < 1e-3      # the same picture as before


def test_start_argument_and_sliders_move_the_start():
    ex = viz.lr_explorer("ravine", ("sgd",), learning_rate=0.05, start=(2.0, -1.0))
    assert (ex.controls["x0"].value, ex.controls["y0"].value) == (2.0, -1.0)
    assert tuple(ex.paths["sgd"].get_xydata()[0]) == (2.0, -1.0)
    ex.controls["y0"].value = 0.5
    points, _ = surfaces.descend("ravine", optimizers.SGD(0.05), (2.0, 0.5), 100)
    np.testing.assert_array_equal(ex.paths["sgd"].get_xydata(), points)
    np.testing.assert_array_equal(ex.start_mark.get_xydata(), [[2.0, 0.5]])
    with pytest.raises(ValueError, match=r"start must be a point \(x, y\) inside ravine's"):
        viz.lr_explorer("ravine", start=(9.0, 0.0))
    with pytest.raises(ValueError, match="start must be a point"):
        viz.lr_explorer("ravine", start=(1.0, 0.0, 0.0))
    with pytest.raises(TypeError, match="start must be a number or an array"):
        viz.lr_explorer("ravine", start="middle")


def test_every_optimizer_of_the_library_can_be_chosen():
    classes = {type(lr.make_optimizer(name, 0.1)) for name in lr.OPTIMIZERS}
    assert classes == set(optimizers.OPTIMIZERS.values())        # SGD, Adagrad, Adadelta, ...
    ex = viz.lr_explorer("bowl", lr.OPTIMIZERS, learning_rate=1.0, steps=30)
    points, _ = surfaces.descend("bowl", optimizers.Adadelta(1.0), None, 30)
    np.testing.assert_array_equal(ex.paths["adadelta"].get_xydata(), points)
    assert f"Adadelta, lr=1: loss {surfaces.get('bowl').f(points[-1]):.4g}" in ex.readout
    assert len(ex.ax_loss.get_legend().texts) == len(lr.OPTIMIZERS)


def test_old_arguments_and_control_names_still_work():
    ex = viz.lr_explorer("ravine", ("sgd", "adam"), 0.05, 0.9, 50)   # positional, as before
    old = {"surface", "optimizers", "learning_rate", "momentum", "steps", "x0", "y0"}
    assert old | {"optimal_lr", "optimal_momentum"} == set(ex.controls)
    assert ex.readout.startswith("SGD, lr=0.05: loss")


def test_sliders_have_fine_steps_readouts_and_the_figure_fits_the_notebook():
    ex = viz.lr_explorer("ravine")
    for name, control in ex.controls.items():
        if isinstance(control, (widgets.FloatSlider, widgets.FloatLogSlider, widgets.IntSlider)):
            assert control.readout and control.layout.width == "460px", name
            assert (control.max - control.min) / control.step >= 80, name   # >= 80 steps
    assert ex.controls["learning_rate"].step == pytest.approx(1 / 50)       # 250 steps
    assert ex.figure.get_size_inches()[0] * ex.figure.dpi <= 760 + 1
    assert all(isinstance(ex.controls[k], widgets.Button)
               for k in ("optimal_lr", "optimal_momentum"))


def test_steps_axis_lengths_and_a_step_change_reuses_the_background():
    assert [lr.axis_steps(k) for k in (1, 3, 10, 11, 60, 100, 101, 499)] == [
        1, 5, 10, 20, 100, 100, 200, 500]
    ex = viz.lr_explorer("ravine", ("sgd",), learning_rate=0.05, steps=60)
    ex.render_rgba()
    count = len(ex._backgrounds)
    ex.controls["steps"].value = 80                        # the same axis, 0..100
    ex.render_rgba()
    assert len(ex._backgrounds) == count and ex.ax_loss.get_xlim() == (0, 100)
    assert len(ex.curves["sgd"].get_xdata()) == 81
    check_fast_path_matches_full_draw(ex)


def test_the_maps_speed_line_is_where_the_library_says_the_error_shrinks_by_0_9():
    ex = viz.lr_explorer("ravine", ("sgd",), learning_rate=0.05)
    lines = ex.quadratic_panels.rate_lines["ravine"]
    assert list(lines.levels) == [0.9]
    vertices = np.concatenate(lines.allsegs[0])
    assert len(vertices) > 50
    rates = [quadratic.convergence_map([a], [b], [1.0, 20.0])[0, 0] for a, b in vertices]
    # the line is interpolated between the cells (4.7 % apart in lr): close, except where
    # the rate has a kink (eigenvalues turning complex) or rises steeply to divergence
    off = np.abs(np.array(rates) - 0.9)
    assert np.median(off) < 0.005 and np.mean(off < 0.02) > 0.75 and off.max() < 0.2
    ex.controls["surface"].value = "saddle"                 # hidden with the map
    assert not any(t.get_visible() for t in lines.labelTexts)

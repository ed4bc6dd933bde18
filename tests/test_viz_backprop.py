"""The pictures of chapters 05-06: the backprop explorer, shapes as boxes, decision boundaries."""

import numpy as np
import pytest
from vizhelpers import WARNINGS_AS_ERRORS, check_every_control, check_fast_path_matches_full_draw

from nnedu import viz
from nnedu.viz.backprop import chain_step, sigmoid_chain

pytestmark = list(WARNINGS_AS_ERRORS)


def test_sigmoid_chain_gives_the_worked_example():
    out = sigmoid_chain([1.0] * 3, [-0.5] * 3, x=0.5, y=1.0)
    assert out["a"] == [0.5, 0.5, 0.5] and out["loss"] == 0.125
    assert out["dW"] == [-0.00390625, -0.015625, -0.0625]
    assert out["db"] == [-0.0078125, -0.03125, -0.125]


def test_chain_step_right_lowers_and_flipped_raises_the_loss():
    before, right = chain_step([1.0] * 3, [-0.5] * 3, 0.5, 1.0, 0.1)
    same, wrong = chain_step([1.0] * 3, [-0.5] * 3, 0.5, 1.0, 0.1, sign=-1.0)
    assert before == same == 0.125
    assert right < before < wrong


def test_sigmoid_chain_needs_matching_lists():
    with pytest.raises(ValueError, match="as many weights as biases"):
        sigmoid_chain([1.0, 1.0], [0.0], 0.5, 1.0)


def test_backprop_explorer_controls_and_readout():
    ex = viz.backprop_explorer()
    assert ex.readout.startswith("L = 3, x = 0.5, y = 1: loss 0.125; |dL/dW_1| / |dL/dW_L| = 0.0625")
    ex.controls["layers"].value = 6
    assert "0.000977 (0.25^5 = 0.000977)" in ex.readout
    check_every_control("backprop", viz.backprop_explorer())


def test_backprop_explorer_fast_redraw_matches_a_full_draw():
    ex = viz.backprop_explorer()
    ex.controls["weight"].value = 2.5      # the right panel's scale changes: a new background
    check_fast_path_matches_full_draw(ex)
    ex.controls["layers"].value = 1        # bars hidden
    check_fast_path_matches_full_draw(ex)


def test_draw_matmul_shapes_marks_the_product_that_fits():
    fig = viz.draw_matmul_shapes([("dW", (3, 2), "Xᵀ", (3, 4), "dY", (4, 2)),
                                  ("dW", (3, 2), "dYᵀ", (2, 4), "X", (4, 3)),
                                  ("dW", (3, 2), "X", (4, 3), "dY", (4, 2))])
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "✓ the shape of dW (3, 2)" in texts
    assert "✗ (2, 3), but dW is (3, 2)" in texts
    assert "✗ inner sizes 3 ≠ 4: no product" in texts
    assert "Xᵀ dY\n3×2" in texts
    assert fig.get_size_inches()[0] == 9.0


def test_draw_decision_boundary_colours_by_the_score():
    X = np.array([[-1.0, 0.0], [1.0, 0.0], [-0.5, 0.5], [0.5, -0.5]])
    y = np.array([0, 1, 0, 1])
    calls = []

    def score(points):
        calls.append(points.shape)
        return points[:, 0]  # class 1 where x1 > 0

    fig = viz.draw_decision_boundary(score, X, y, resolution=30)
    assert calls == [(900, 2)]
    ax = fig.axes[0]
    assert ax.get_xlabel() == "x1" and ax.get_title()
    assert len(ax.collections) >= 3  # the filled regions, the boundary line, the points
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        viz.draw_decision_boundary(score, np.zeros((4, 3)), y)

"""Loss surfaces: values at known points, gradients against finite differences, minima."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnedu import surfaces

NAMES = list(surfaces.SURFACES)


@pytest.mark.parametrize(("name", "point", "value"), [
    ("bowl", (-4.0, 3.0), 25.0),                     # 16 + 9
    ("ravine", (2.0, 1.0), 12.0),                    # 0.5 * 4 + 10 * 1
    ("rosenbrock", (0.0, 0.0), 1.0),                 # (1 - 0)^2 + 100 * 0
    ("rosenbrock", (-1.0, 2.0), 104.0),              # 4 + 100 * (2 - 1)^2
    ("saddle", (2.0, 2.0), 4.0),                     # 0.5*4 + 0.25*16 - 0.5*4 = 2 + 4 - 2
    ("two_minima", (1.0, 2.0), 2.3),                 # 0 + 0.3 + 0.5 * 4
])
def test_values_by_hand(name, point, value):
    assert surfaces.get(name).f(np.array(point)) == pytest.approx(value)


@pytest.mark.parametrize(("name", "point", "grad"), [
    ("bowl", (-4.0, 3.0), (-8.0, 6.0)),
    ("ravine", (2.0, 1.0), (2.0, 20.0)),
    ("rosenbrock", (0.0, 0.0), (-2.0, 0.0)),
    ("rosenbrock", (-1.0, 2.0), (-2 * 2 - 400 * -1 * 1, 200.0)),  # (396, 200)
    ("saddle", (1.0, 2.0), (1.0, 6.0)),                           # (x, y^3 - y)
])
def test_gradients_by_hand(name, point, grad):
    assert surfaces.get(name).grad(np.array(point)) == pytest.approx(np.array(grad))


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(NAMES), u=st.floats(0, 1), v=st.floats(0, 1))
def test_gradient_matches_central_differences(name, u, v):
    s = surfaces.get(name)
    xmin, xmax, ymin, ymax = s.box
    w = np.array([xmin + u * (xmax - xmin), ymin + v * (ymax - ymin)])
    h = 1e-6
    numeric = [(s.f(w + h * e) - s.f(w - h * e)) / (2 * h) for e in np.eye(2)]
    assert s.grad(w) == pytest.approx(np.array(numeric), rel=1e-5, abs=1e-4)


@pytest.mark.parametrize("name", NAMES)
def test_minima_are_stationary_and_lowest_nearby(name):
    s = surfaces.get(name)
    assert len(s.minima) >= 1
    for m in s.minima:
        m = np.array(m, dtype=float)
        assert np.abs(s.grad(m)).max() < 1e-9
        ring = [m + 1e-3 * np.array([np.cos(t), np.sin(t)]) for t in np.linspace(0, 6.28, 12)]
        assert all(s.f(p) > s.f(m) for p in ring)
        xmin, xmax, ymin, ymax = s.box
        assert xmin < m[0] < xmax and ymin < m[1] < ymax
    xmin, xmax, ymin, ymax = s.box
    assert xmin <= s.start[0] <= xmax and ymin <= s.start[1] <= ymax


def test_known_minimum_values():
    assert surfaces.get("bowl").minimum_value() == 0.0
    assert surfaces.get("ravine").minimum_value() == 0.0
    assert surfaces.get("rosenbrock").minimum_value() == 0.0
    assert surfaces.get("saddle").minimum_value() == pytest.approx(-0.25)  # 0.25 - 0.5 at y=1
    assert surfaces.get("saddle").f(np.zeros(2)) == 0.0                    # the saddle point


def test_two_minima_has_a_global_and_a_local_one():
    s = surfaces.get("two_minima")
    (x1, _), (x2, _) = s.minima
    # 4x^3 - 4x + 0.3 = 0: Newton from -1 and from +1, computed independently here
    for x, guess in ((x1, -1.0), (x2, 1.0)):
        root = guess
        for _ in range(50):
            root -= (4 * root**3 - 4 * root + 0.3) / (12 * root**2 - 4)
        assert x == pytest.approx(root, abs=1e-12)
    f1, f2 = s.f(np.array([x1, 0.0])), s.f(np.array([x2, 0.0]))
    assert f1 < f2 and s.minimum_value() == f1
    assert f1 == pytest.approx((x1**2 - 1) ** 2 + 0.3 * x1)


def test_grid_evaluation_keeps_the_grid_shape():
    s = surfaces.get("rosenbrock")
    xx, yy = np.meshgrid(np.linspace(-2, 2, 5), np.linspace(-1, 3, 4))
    w = np.stack([xx, yy])
    assert s.f(w).shape == (4, 5)
    assert s.grad(w).shape == (2, 4, 5)
    assert s.f(w)[1, 2] == pytest.approx(s.f(np.array([xx[1, 2], yy[1, 2]])))
    assert surfaces.get("bowl").grad(w).shape == (2, 4, 5)


def test_bad_input_is_explained():
    with pytest.raises(ValueError, match=r"shape \(2,\) or \(2, \.\.\.\).*\(3,\)"):
        surfaces.get("bowl").f(np.zeros(3))
    with pytest.raises(ValueError, match="surface"):
        surfaces.get("volcano")
    with pytest.raises(TypeError):
        surfaces.get("bowl").f("0, 0")
    assert surfaces.get(surfaces.get("bowl")) is surfaces.get("bowl")


def test_hessian_and_condition_number():
    ravine = surfaces.get("ravine")
    assert np.allclose(ravine.hessian(np.array([1.0, -0.5])), [[1.0, 0.0], [0.0, 20.0]])
    assert surfaces.condition_number("ravine") == pytest.approx(20.0)
    assert surfaces.condition_number("bowl") == pytest.approx(1.0)
    # Rosenbrock at its minimum (1, 1): H = [[802, -400], [-400, 200]]
    h = surfaces.get("rosenbrock").hessian(np.array([1.0, 1.0]))
    assert np.allclose(h, [[802.0, -400.0], [-400.0, 200.0]], atol=1e-4)
    lam = np.linalg.eigvalsh(np.array([[802.0, -400.0], [-400.0, 200.0]]))
    assert surfaces.condition_number("rosenbrock") == pytest.approx(lam[1] / lam[0], rel=1e-6)


def test_descend_follows_the_optimizer_and_reports_divergence():
    from nnedu.optimizers import SGD

    bowl = surfaces.get("bowl")
    points, diverged = surfaces.descend(bowl, SGD(learning_rate=0.25), steps=3)
    # w <- w - 0.25 * 2w = w / 2 on the bowl
    assert diverged is None
    assert np.allclose(points, [[-4.0, 3.0], [-2.0, 1.5], [-1.0, 0.75], [-0.5, 0.375]])
    with np.errstate(all="raise"):  # no floating-point warning on the way out
        points, diverged = surfaces.descend("ravine", SGD(learning_rate=0.2), steps=100)
    # along y: w <- (1 - 0.2 * 20) w = -3 w; the escape box ends 3 box-widths (30) past
    # y = 2, so 81 at step 4 is out
    assert diverged == 4 and len(points) == 4
    assert np.allclose(points[:, 1], [1.0, -3.0, 9.0, -27.0])


@pytest.mark.parametrize("name", NAMES)
def test_curvatures_name_the_quadratic_bowls(name):
    surf = surfaces.get(name)
    rng = np.random.default_rng(0)
    points = rng.uniform(-3, 3, size=(2, 50))
    if surf.curvatures is None:       # not a quadratic: f differs from every 1/2 w^T H w
        h = surf.hessian(np.array(surf.minima[0], dtype=float))
        shifted = points + np.array(surf.minima[0], dtype=float)[:, None]
        quad = surf.f(np.array(surf.minima[0], dtype=float)) + 0.5 * np.einsum(
            "in,ij,jn->n", points, h, points)
        assert not np.allclose(surf.f(shifted), quad, rtol=1e-6)
        return
    lam = np.array(surf.curvatures)
    np.testing.assert_allclose(surf.f(points), 0.5 * np.einsum("i,in->n", lam, points**2))
    np.testing.assert_allclose(surf.hessian(np.zeros(2)), np.diag(lam), atol=1e-6)

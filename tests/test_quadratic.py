"""nnedu.quadratic: gradient descent and momentum on a quadratic bowl, solved exactly."""

import numpy as np
import pytest

from nnedu import quadratic
from nnedu.optimizers import SGD

RAVINE = [1.0, 25.0]          # condition number 25


def run_sgd(curvatures, start, learning_rate, momentum, steps):
    """The library's own SGD on f = 1/2 sum lambda w^2: the weights after each step."""
    w = np.array(start, dtype=float)
    opt = SGD(learning_rate=learning_rate, momentum=momentum)
    path = [w.copy()]
    for _ in range(steps):
        opt.step([w], [np.asarray(curvatures) * w])
        path.append(w.copy())
    return np.array(path)


@pytest.mark.parametrize("momentum", [0.0, 0.5, 0.9])
def test_loss_per_direction_is_what_the_sgd_optimizer_does(momentum):
    start, lr = [1.0, -2.0], 0.05
    split = quadratic.loss_per_direction(RAVINE, start, lr, momentum, steps=30)
    path = run_sgd(RAVINE, start, lr, momentum, steps=30)
    np.testing.assert_allclose(split, 0.5 * np.array(RAVINE) * path**2, rtol=1e-12, atol=1e-300)


def test_plain_gd_boundary_is_two_over_lambda_max():
    # alpha < 2 / lambda_max converges, above it diverges; the map shows the same edge
    edge = 2.0 / max(RAVINE)
    assert quadratic.classify(edge * 0.99, 0.0, RAVINE) != "diverges"
    assert quadratic.classify(edge * 1.01, 0.0, RAVINE) == "diverges"
    lrs = np.linspace(0.01, 0.2, 96)
    rates = quadratic.convergence_map(lrs, [0.0], RAVINE)[0]
    first_diverging = lrs[np.argmax(rates >= 1.0)]
    assert lrs[rates < 1.0].max() < edge <= first_diverging


def test_momentum_extends_the_stable_range_to_two_times_one_plus_beta():
    beta = 0.5
    edge = 2.0 * (1 + beta) / max(RAVINE)
    assert quadratic.classify(edge * 0.99, beta, RAVINE) != "diverges"
    assert quadratic.classify(edge * 1.01, beta, RAVINE) == "diverges"


def test_optimal_rates_and_their_speed():
    kappa = max(RAVINE) / min(RAVINE)
    alpha = quadratic.optimal_learning_rate(RAVINE)
    assert alpha == pytest.approx(2.0 / 26.0)
    gd_rate = max(quadratic.spectral_radius(alpha, 0.0, lam) for lam in RAVINE)
    assert gd_rate == pytest.approx((kappa - 1) / (kappa + 1))         # 24/26
    alpha_m, beta_m = quadratic.optimal_momentum(RAVINE)
    assert alpha_m == pytest.approx(4.0 / (1.0 + 5.0) ** 2)
    assert beta_m == pytest.approx(((5.0 - 1.0) / (5.0 + 1.0)) ** 2)
    heavy_rate = max(quadratic.spectral_radius(alpha_m, beta_m, lam) for lam in RAVINE)
    assert heavy_rate == pytest.approx(np.sqrt(beta_m), rel=1e-6)       # 4/6 = 0.667
    assert heavy_rate < gd_rate                                          # momentum wins
    # no other point of a fine grid beats the optimum
    grid = quadratic.convergence_map(np.linspace(0.01, 0.3, 60), np.linspace(0, 0.95, 40),
                                     RAVINE)
    assert grid.min() >= heavy_rate - 1e-3


def test_classify_names_the_three_behaviours():
    assert quadratic.classify(0.01, 0.0, RAVINE) == "converges"          # small steps, no flips
    assert quadratic.classify(0.07, 0.0, RAVINE) == "oscillates"         # 1 - 0.07*25 < 0
    assert quadratic.classify(0.05, 0.9, RAVINE) == "oscillates"         # complex: spirals
    assert quadratic.classify(0.2, 0.0, RAVINE) == "diverges"


def test_diverging_run_shows_inf_without_warnings():
    with np.errstate(all="raise"):
        split = quadratic.loss_per_direction(RAVINE, [1.0, 1.0], 0.2, steps=400)
    assert np.isinf(split[-1, 1]) and split[-1, 0] < 1e-10


def test_bad_curvatures_and_start_are_refused():
    with pytest.raises(ValueError, match="curvatures must be positive"):
        quadratic.classify(0.1, 0.0, [1.0, -2.0])
    with pytest.raises(ValueError, match=r"one entry per curvature \(2\), but got shape \(3,\)"):
        quadratic.loss_per_direction(RAVINE, [1.0, 2.0, 3.0], 0.1)


def test_closed_form_eigenvalues_are_those_of_the_step_matrix():
    lrs, momenta = np.geomspace(1e-3, 0.5, 17), np.linspace(0.0, 0.99, 11)
    eig = quadratic.step_eigenvalues(lrs, momenta, 25.0)
    assert eig.shape == (11, 17, 2)
    for i, beta in enumerate(momenta):
        for j, alpha in enumerate(lrs):
            want = np.sort_complex(np.linalg.eigvals(quadratic.step_matrix(alpha, beta, 25.0)))
            np.testing.assert_allclose(np.sort_complex(eig[i, j]), want, atol=1e-9)


def test_the_maps_agree_with_the_step_matrix_point_by_point():
    lrs, momenta = np.geomspace(1e-3, 0.5, 23), np.linspace(0.0, 0.99, 12)
    codes = quadratic.behaviour_map(lrs, momenta, RAVINE)
    rates = quadratic.convergence_map(lrs, momenta, RAVINE)
    for i, beta in enumerate(momenta):
        for j, alpha in enumerate(lrs):
            eigs = [np.linalg.eigvals(quadratic.step_matrix(alpha, beta, lam)) for lam in RAVINE]
            radius = max(np.max(np.abs(e)) for e in eigs)
            assert rates[i, j] == pytest.approx(radius, rel=1e-9)
            if radius >= 1 + 1e-9:
                assert codes[i, j] == 2
            elif radius < 1 - 1e-9:
                wobbles = any(np.any((np.abs(e.imag) > 1e-6) | (e.real < -1e-9)) for e in eigs)
                settled = all(np.all((np.abs(e.imag) < 1e-15) & (e.real > 1e-9)) for e in eigs)
                if wobbles:
                    assert codes[i, j] == 1
                elif settled:
                    assert codes[i, j] == 0
    assert set(np.unique(codes)) == {0, 1, 2}          # the grid shows all three
    assert quadratic.BEHAVIOURS[codes[0, 0]] == quadratic.classify(lrs[0], 0.0, RAVINE)


def test_plain_gd_edge_is_exact_on_the_grid():
    # trace^2 - 4 beta = (1 - alpha lambda)^2 at beta = 0: the closed form gives 1 - alpha
    # lambda and 0 exactly, so alpha = 2 / lambda_max is on the diverging side (|-1| >= 1)
    assert quadratic.behaviour_map([0.08, 0.1], [0.0], RAVINE[:1] + [20.0]).tolist() == [[1, 2]]

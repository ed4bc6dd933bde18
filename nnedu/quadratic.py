"""Gradient descent on a quadratic bowl, solved exactly (chapter 07).

On f(w) = 1/2 sum_i lambda_i w_i^2 (a bowl whose curvatures lambda_i are the
eigenvalues of its Hessian) every eigen-direction moves on its own. With
momentum as Keras writes it,

    v <- beta v - alpha g,    w <- w + v,    g = lambda w in one direction,

one step maps the pair (w, v) of a direction through a 2x2 matrix

    M = [[1 - alpha lambda, beta],
         [  - alpha lambda, beta]]

so everything about the run is in M's eigenvalues: the run converges when
both have magnitude below 1 (their largest magnitude, the spectral radius, is
the factor by which the error shrinks per step), it oscillates when they are
complex or negative, and it diverges when one has magnitude 1 or more. For
plain gradient descent (beta = 0) that reads |1 - alpha lambda| < 1, i.e.
alpha < 2 / lambda_max. This is the analysis of Goh's "Why Momentum Really
Works" (Distill, 2017), as code.

>>> optimal_learning_rate([1.0, 10.0])            # 2 / (1 + 10)
0.18181818181818182
>>> classify(0.25, 0.0, [1.0, 10.0])              # 0.25 > 2 / 10: diverges
'diverges'
"""

import numpy as np

from nnedu._validate import as_host_floats, check_positive


def step_matrix(learning_rate, momentum, curvature):
    """M for one eigen-direction: (w, v) -> M @ (w, v), a (2, 2) array."""
    a = learning_rate * curvature
    return np.array([[1.0 - a, momentum], [-a, momentum]])


def spectral_radius(learning_rate, momentum, curvature):
    """The largest |eigenvalue| of M: the error's shrink factor per step (>= 1: diverges)."""
    return float(np.max(np.abs(np.linalg.eigvals(step_matrix(learning_rate, momentum,
                                                             curvature)))))


BEHAVIOURS = ("converges", "oscillates", "diverges")  # the codes 0, 1, 2 of behaviour_map


def step_eigenvalues(learning_rates, momenta, curvature):
    """M's two eigenvalues for every (momentum, learning rate) pair of a grid.

    A 2x2 matrix's eigenvalues solve z^2 - trace z + det = 0; here trace(M) =
    1 - alpha lambda + beta and det(M) = beta, so

        z = (trace +- sqrt(trace^2 - 4 beta)) / 2      (complex when trace^2 < 4 beta).

    learning_rates (L,), momenta (B,) -> complex array (B, L, 2).
    """
    alpha = np.asarray(learning_rates, dtype=float)[None, :]
    beta = np.asarray(momenta, dtype=float)[:, None]
    trace = 1.0 - alpha * curvature + beta
    root = np.sqrt((trace**2 - 4.0 * beta).astype(complex))
    return np.stack([(trace + root) / 2.0, (trace - root) / 2.0], axis=-1)


def classify(learning_rate, momentum, curvatures):
    """"converges", "oscillates" (converges with sign flips or spirals) or "diverges".

    curvatures: the eigenvalues lambda_i (> 0) of the bowl. The worst direction decides.
    """
    code = behaviour_map([learning_rate], [momentum], curvatures)[0, 0]
    return BEHAVIOURS[code]


def behaviour_map(learning_rates, momenta, curvatures):
    """What a run does on a grid: int array (len(momenta), len(learning_rates)).

    0 converges, 1 oscillates, 2 diverges (the names are BEHAVIOURS[code]).
    Diverges: some direction has an eigenvalue of magnitude >= 1. Oscillates:
    otherwise, some direction has a complex (a spiral) or negative (sign flips)
    eigenvalue. The worst direction decides.
    """
    curvatures = _curvatures(curvatures)
    codes = np.zeros((len(momenta), len(learning_rates)), dtype=int)
    for lam in curvatures:
        eig = step_eigenvalues(learning_rates, momenta, lam)
        wobbles = np.any((np.abs(eig.imag) > 1e-12) | (eig.real < 0), axis=-1)
        grows = np.max(np.abs(eig), axis=-1) >= 1.0
        codes = np.maximum(codes, np.where(grows, 2, np.where(wobbles, 1, 0)))
    return codes


def convergence_map(learning_rates, momenta, curvatures):
    """The rate (spectral radius, worst direction) on a grid: array (len(momenta), len(lrs)).

    Values >= 1 diverge; the smaller, the faster the run converges.
    """
    curvatures = _curvatures(curvatures)
    rates = np.zeros((len(momenta), len(learning_rates)))
    for lam in curvatures:
        eig = step_eigenvalues(learning_rates, momenta, lam)
        rates = np.maximum(rates, np.max(np.abs(eig), axis=-1))
    return rates


def optimal_learning_rate(curvatures):
    """Plain gradient descent's best rate 2 / (lambda_min + lambda_max).

    With it the error shrinks by (kappa - 1) / (kappa + 1) per step, kappa =
    lambda_max / lambda_min the condition number.
    """
    curvatures = _curvatures(curvatures)
    return float(2.0 / (curvatures.min() + curvatures.max()))


def optimal_momentum(curvatures):
    """Polyak's best (learning_rate, momentum) for the bowl.

    alpha = 4 / (sqrt(lambda_max) + sqrt(lambda_min))^2 and
    beta = ((sqrt(kappa) - 1) / (sqrt(kappa) + 1))^2; the error then shrinks by
    sqrt(beta) = (sqrt(kappa) - 1) / (sqrt(kappa) + 1) per step.
    """
    curvatures = _curvatures(curvatures)
    low, high = np.sqrt(curvatures.min()), np.sqrt(curvatures.max())
    return float(4.0 / (low + high) ** 2), float(((high - low) / (high + low)) ** 2)


def loss_per_direction(curvatures, start, learning_rate, momentum=0.0, steps=50):
    """Each direction's share 1/2 lambda_i w_i(t)^2 of the loss, steps 0..steps: (steps+1, D).

    start: the starting weights (D,) in the eigen-directions; v starts at 0.
    Runs the update exactly; a direction whose weight passes 1e100 has diverged and
    shows inf from then on (no overflow warnings).
    """
    curvatures = _curvatures(curvatures)
    w = as_host_floats(start, "start", ndim=1).copy()
    if w.shape != curvatures.shape:
        raise ValueError(f"start must have one entry per curvature ({curvatures.size}), but "
                         f"got shape {w.shape}")
    check_positive(learning_rate, "learning_rate")
    v = np.zeros_like(w)
    alive = np.ones(w.size, dtype=bool)          # directions that have not blown up
    out = np.empty((steps + 1, w.size))
    for t in range(steps + 1):
        out[t] = np.where(alive, 0.5 * curvatures * w**2, np.inf)
        v = np.where(alive, momentum * v - learning_rate * curvatures * w, 0.0)
        w = np.where(alive, w + v, 0.0)
        alive &= np.abs(w) < 1e100
    return out


def _curvatures(curvatures):
    lam = as_host_floats(curvatures, "curvatures")
    lam = np.atleast_1d(lam)
    if lam.ndim != 1 or lam.size == 0 or np.any(lam <= 0):
        raise ValueError(f"curvatures must be positive numbers (the bowl's eigenvalues), but got "
                         f"{curvatures!r}")
    return lam

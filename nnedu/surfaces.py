"""Loss surfaces of two weights, for watching optimizers move (chapter 07).

Each surface is a function f(w) of a point w = (x, y), its gradient grad(w),
a start point where the interesting behaviour begins, a view box for the
picture and its known minima. ``f`` and ``grad`` also take a whole grid:
w of shape (2, ...) gives f of shape (...) and grad of shape (2, ...).

    bowl        f = x^2 + y^2                              one minimum, round
    ravine      f = 0.5 x^2 + 10 y^2                       ill-conditioned (20:1)
    rosenbrock  f = (1 - x)^2 + 100 (y - x^2)^2            curved narrow valley
    saddle      f = 0.5 x^2 + 0.25 y^4 - 0.5 y^2           a saddle at (0, 0)
    two_minima  f = (x^2 - 1)^2 + 0.3 x + 0.5 y^2          a local and a global minimum

Example::

    s = get("rosenbrock")
    s.f(np.array([1.0, 1.0]))        # 0.0, the minimum
    s.grad(np.array([0.0, 0.0]))     # array([-2., 0.])

``descend(surface, optimizer, start, steps)`` runs any nnedu optimizer on a
surface and returns the points it visits (stopping, without a warning, when it
diverges); ``hessian`` and ``condition_number`` measure how stretched a
surface is at a point (the ravine's is 20: its curvatures are 1 and 20).
"""

import numpy as np

from nnedu._validate import as_host_floats, check_choice
from nnedu.backend import on_host


class Surface:
    """A loss surface f(x, y); subclasses define ``_f`` and ``_grad`` on x and y.

    Attributes: name, formula (str), start (2,), box (xmin, xmax, ymin, ymax),
    minima (k, 2) array of the points where f has a local minimum, and
    curvatures: (lambda_x, lambda_y) when f = 1/2 (lambda_x x^2 + lambda_y y^2), a
    quadratic bowl whose eigen-directions are the axes (see nnedu.quadratic), else None.
    """

    name = "surface"
    formula = ""
    start = (0.0, 0.0)
    box = (-1.0, 1.0, -1.0, 1.0)
    minima = ()
    curvatures = None

    def f(self, w):
        """The loss at w. w: (2,) or (2, ...) -> float or array (...)."""
        w = self._check(w)
        value = self._f(w[0], w[1])
        return float(value) if np.ndim(value) == 0 else value

    def grad(self, w):
        """The gradient (df/dx, df/dy) at w. w: (2,) or (2, ...) -> same shape as w."""
        w = self._check(w)
        dx, dy = self._grad(w[0], w[1])
        return np.stack([np.broadcast_to(dx, w[0].shape), np.broadcast_to(dy, w[1].shape)])

    def grad_xy(self, x, y):
        """The gradient at one point given as two floats, as a (2,) array.

        The same numbers as ``grad`` without its input checks: for the optimizer
        loops that call it thousands of times (~2 us instead of ~30 us a call).
        """
        return np.array(self._grad(x, y), dtype=float)

    def hessian(self, w, eps=1e-5):
        """The 2x2 matrix of second derivatives at w (2,), by centred differences of grad.

        H[i, j] = (grad_j(w + eps e_i) - grad_j(w - eps e_i)) / (2 eps), made symmetric.
        """
        w = self._check(w)
        rows = []
        for i in range(2):
            step = np.zeros(2)
            step[i] = eps
            rows.append((self.grad(w + step) - self.grad(w - step)) / (2 * eps))
        h = np.array(rows)
        return (h + h.T) / 2

    def minimum_value(self):
        """The lowest value of f over its known minima (the global minimum)."""
        return min(self.f(np.array(m, dtype=float)) for m in self.minima)

    def _check(self, w):
        w = as_host_floats(w, "w")  # two parameters: the surfaces compute on the host
        if w.ndim == 0 or w.shape[0] != 2:
            raise ValueError(f"{self.name}: w must have shape (2,) or (2, ...) "
                             f"(the point (x, y)), but got an array of shape {w.shape}")
        return w

    def __repr__(self):
        return f"<Surface {self.name}: f = {self.formula}>"


class Bowl(Surface):
    name, formula = "bowl", "x^2 + y^2"
    start, box, minima = (-4.0, 3.0), (-5.0, 5.0, -5.0, 5.0), ((0.0, 0.0),)
    curvatures = (2.0, 2.0)  # x^2 + y^2 = 1/2 (2 x^2 + 2 y^2)

    def _f(self, x, y):
        return x**2 + y**2

    def _grad(self, x, y):
        return 2 * x, 2 * y


class Ravine(Surface):
    name, formula = "ravine", "0.5 x^2 + 10 y^2"
    start, box, minima = (-4.5, 1.0), (-5.0, 5.0, -2.0, 2.0), ((0.0, 0.0),)
    curvatures = (1.0, 20.0)  # 0.5 x^2 + 10 y^2 = 1/2 (1 x^2 + 20 y^2)

    def _f(self, x, y):
        return 0.5 * x**2 + 10 * y**2

    def _grad(self, x, y):
        return x, 20 * y


class Rosenbrock(Surface):
    name, formula = "rosenbrock", "(1 - x)^2 + 100 (y - x^2)^2"
    start, box, minima = (-1.5, 2.0), (-2.0, 2.0, -1.0, 3.0), ((1.0, 1.0),)

    def _f(self, x, y):
        return (1 - x) ** 2 + 100 * (y - x**2) ** 2

    def _grad(self, x, y):
        return -2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)


class Saddle(Surface):
    name, formula = "saddle", "0.5 x^2 + 0.25 y^4 - 0.5 y^2"
    start, box, minima = (-4.0, 0.01), (-5.0, 5.0, -2.0, 2.0), ((0.0, -1.0), (0.0, 1.0))

    def _f(self, x, y):
        return 0.5 * x**2 + 0.25 * y**4 - 0.5 * y**2

    def _grad(self, x, y):
        return x, y**3 - y


def _double_well_minima():
    """x where d/dx [(x^2 - 1)^2 + 0.3 x] = 4x^3 - 4x + 0.3 = 0 and f'' > 0."""
    roots = np.sort(np.roots([4.0, 0.0, -4.0, 0.3]).real)
    return ((roots[0], 0.0), (roots[2], 0.0))  # the middle root is a maximum


class TwoMinima(Surface):
    name, formula = "two_minima", "(x^2 - 1)^2 + 0.3 x + 0.5 y^2"
    start, box, minima = (1.8, 1.5), (-2.0, 2.0, -2.0, 2.0), _double_well_minima()

    def _f(self, x, y):
        return (x**2 - 1) ** 2 + 0.3 * x + 0.5 * y**2

    def _grad(self, x, y):
        return 4 * x * (x**2 - 1) + 0.3, y


def condition_number(surface, w=None):
    """The ratio of the largest to the smallest curvature of ``surface`` at w (default: its
    first minimum): |lambda_max| / |lambda_min| of the Hessian. 1 for a round bowl; large for
    a ravine, where one step size cannot suit both directions.

    >>> round(condition_number(get("ravine")), 6)    # Hessian diag(1, 20)
    20.0
    """
    surface = get(surface)
    point = np.array(surface.minima[0] if w is None else w, dtype=float)
    eigenvalues = np.abs(np.linalg.eigvalsh(surface.hessian(point)))
    return float(eigenvalues.max() / eigenvalues.min())


ESCAPE = 3.0  # a point farther than 3 box-widths outside the view box has diverged


def descend(surface, optimizer, start=None, steps=100):
    """Run ``steps`` steps of an nnedu optimizer on ``surface`` from ``start`` (default:
    the surface's own start point).

    Returns (points, diverged_at): points (k + 1, 2), the start and every point
    reached; diverged_at is the step (1-based) at which w became inf/nan or went
    more than ESCAPE box-widths outside the view box (the walk stops there), else
    None. Never warns: an overflow is an expected outcome here, reported as such.
    """
    surface = get(surface)
    xmin, xmax, ymin, ymax = surface.box
    span = max(xmax - xmin, ymax - ymin)
    x_low, x_high = xmin - ESCAPE * span, xmax + ESCAPE * span
    y_low, y_high = ymin - ESCAPE * span, ymax + ESCAPE * span
    w = np.array(surface.start if start is None else start, dtype=float)
    points = [w.copy()]
    with np.errstate(all="ignore"), on_host():   # two parameters: NumPy is the fast place
        for k in range(1, steps + 1):
            optimizer.step([w], [surface.grad_xy(w[0], w[1])])
            x, y = float(w[0]), float(w[1])  # NaN fails every comparison below
            if not (x_low < x < x_high and y_low < y < y_high):
                return np.array(points), k
            points.append(w.copy())
    return np.array(points), None


SURFACES = {s.name: s for s in (Bowl(), Ravine(), Rosenbrock(), Saddle(), TwoMinima())}


def get(name):
    """The surface called ``name`` (one of SURFACES: bowl, ravine, rosenbrock, ...)."""
    if isinstance(name, Surface):
        return name
    check_choice(name, list(SURFACES), "surface")
    return SURFACES[name]

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
"""

import numpy as np

from nnedu._validate import as_float_array, check_choice


class Surface:
    """A loss surface f(x, y); subclasses define ``_f`` and ``_grad`` on x and y.

    Attributes: name, formula (str), start (2,), box (xmin, xmax, ymin, ymax),
    minima (k, 2) array of the points where f has a local minimum.
    """

    name = "surface"
    formula = ""
    start = (0.0, 0.0)
    box = (-1.0, 1.0, -1.0, 1.0)
    minima = ()

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

    def minimum_value(self):
        """The lowest value of f over its known minima (the global minimum)."""
        return min(self.f(np.array(m, dtype=float)) for m in self.minima)

    def _check(self, w):
        w = as_float_array(w, "w")
        if w.ndim == 0 or w.shape[0] != 2:
            raise ValueError(f"{self.name}: w must have shape (2,) or (2, ...) "
                             f"(the point (x, y)), but got an array of shape {w.shape}")
        return w

    def __repr__(self):
        return f"<Surface {self.name}: f = {self.formula}>"


class Bowl(Surface):
    name, formula = "bowl", "x^2 + y^2"
    start, box, minima = (-4.0, 3.0), (-5.0, 5.0, -5.0, 5.0), ((0.0, 0.0),)

    def _f(self, x, y):
        return x**2 + y**2

    def _grad(self, x, y):
        return 2 * x, 2 * y


class Ravine(Surface):
    name, formula = "ravine", "0.5 x^2 + 10 y^2"
    start, box, minima = (-4.5, 1.0), (-5.0, 5.0, -2.0, 2.0), ((0.0, 0.0),)

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


SURFACES = {s.name: s for s in (Bowl(), Ravine(), Rosenbrock(), Saddle(), TwoMinima())}


def get(name):
    """The surface called ``name`` (one of SURFACES: bowl, ravine, rosenbrock, ...)."""
    if isinstance(name, Surface):
        return name
    check_choice(name, list(SURFACES), "surface")
    return SURFACES[name]

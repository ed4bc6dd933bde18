"""The learning-rate explorer: optimizers walking down a loss surface (chapter 07).

Top left: the contour plot of a surface of two weights with one trajectory per
optimizer. Top right: the loss after every step (log scale, distance to the best
value). A trajectory that leaves the picture by far or turns into inf/nan is
stopped, drawn up to that point and labelled "diverged at step k".

Bottom (``lr_quadratic.QuadraticPanels``), on the quadratic surfaces (bowl,
ravine): the map of (learning rate, momentum) where GD + momentum converges,
oscillates or diverges, with the current setting marked, and the loss split per
eigen-direction. Two buttons set the optimal learning rate for plain GD,
2 / (lambda_min + lambda_max), and Polyak's optimal (learning rate, momentum);
a line under the controls gives those numbers (``ex.analysis``).
"""

import html

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import LogLocator, NullLocator

from nnedu import optimizers, quadratic, surfaces
from nnedu._validate import as_float_array, check_choice, check_int
from nnedu.viz import style
from nnedu.viz._base import Explorer, dropdown, float_slider, int_slider, log_slider
from nnedu.viz.lr_quadratic import QuadraticPanels
from nnedu.viz.lr_quadratic import set_contours_visible as _set_visible

OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam")
COLORS = {"sgd": style.BLUE, "momentum": style.ORANGE, "nesterov": style.GREEN,
          "adagrad": style.VERMILLION, "adadelta": "#8C564B", "rmsprop": style.PURPLE,
          "adam": style.BLACK}
NAMES = {"sgd": "SGD", "momentum": "Momentum", "nesterov": "Nesterov",
         "adagrad": "Adagrad", "adadelta": "Adadelta", "rmsprop": "RMSprop", "adam": "Adam"}
AXIS_STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500)  # the step axis's lengths
GRID_POINTS = 120  # the contour grid is GRID_POINTS x GRID_POINTS, computed once per surface


def make_optimizer(name, learning_rate, momentum=0.9):
    """The nnedu optimizer called ``name`` (see OPTIMIZERS), Keras defaults otherwise."""
    if name == "sgd":
        return optimizers.SGD(learning_rate=learning_rate)
    if name in ("momentum", "nesterov"):
        return optimizers.SGD(learning_rate=learning_rate, momentum=momentum,
                              nesterov=name == "nesterov")
    classes = {"adagrad": optimizers.Adagrad, "adadelta": optimizers.Adadelta,
               "rmsprop": optimizers.RMSprop, "adam": optimizers.Adam}
    return classes[name](learning_rate=learning_rate)


def trajectory(surface, optimizer, start, steps):
    """``surfaces.descend``: (points (k + 1, 2), diverged_at or None); never warns."""
    return surfaces.descend(surface, optimizer, start, steps)


_TRAJECTORIES = {}  # (surface, optimizer, lr, momentum, start, steps) -> (points, diverged)


def cached_trajectory(surface, name, learning_rate, momentum, start, steps):
    """``trajectory`` for a fresh optimizer, remembered (the last 256 settings)."""
    key = (surface.name, name, learning_rate, momentum, tuple(start), steps)
    if key not in _TRAJECTORIES:
        if len(_TRAJECTORIES) >= 256:
            _TRAJECTORIES.pop(next(iter(_TRAJECTORIES)))  # forget the oldest
        optimizer = make_optimizer(name, learning_rate, momentum)
        _TRAJECTORIES[key] = trajectory(surface, optimizer, start, steps)
    return _TRAJECTORIES[key]


class LearningRateExplorer(Explorer):
    """Controls: surface, optimizers, learning_rate, momentum, steps, x0, y0 and the
    buttons optimal_lr, optimal_momentum; ``analysis``: the line of numbers under them."""

    def __init__(self, surface="rosenbrock", optimizers=("sgd", "momentum", "adam"),
                 learning_rate=1e-3, momentum=0.9, steps=100, start=None):
        surf = surfaces.get(surface)
        optimizers = (optimizers,) if isinstance(optimizers, str) else tuple(optimizers)
        for name in optimizers:
            if name not in OPTIMIZERS:
                raise ValueError(f"unknown optimizer {name!r}; choose from {OPTIMIZERS}")
        if not 1e-4 <= learning_rate <= 10:
            raise ValueError(f"learning_rate must be in [1e-4, 10], but got {learning_rate}")
        start = _check_start(surf, start)
        controls = {
            "surface": dropdown(list(surfaces.SURFACES), surf.name, "surface"),
            "optimizers": widgets.SelectMultiple(
                options=[(NAMES[n], n) for n in OPTIMIZERS], value=optimizers,
                description="optimizers", rows=len(OPTIMIZERS)),
            "learning_rate": log_slider(learning_rate, 1e-4, 10, "learning rate",
                                        fmt=".3g"),
            "momentum": float_slider(momentum, 0.0, 0.99, 0.01, "momentum", fmt=".3f"),
            "steps": int_slider(steps, 1, 500, "steps"),
            "x0": float_slider(start[0], surf.box[0], surf.box[1], 0.05, "start x"),
            "y0": float_slider(start[1], surf.box[2], surf.box[3], 0.05, "start y"),
            "optimal_lr": widgets.Button(description="optimal lr",
                                         tooltip="plain GD: lr = 2 / (λmin + λmax)"),
            "optimal_momentum": widgets.Button(description="optimal momentum",
                                               tooltip="Polyak's best (lr, momentum)"),
        }
        controls["optimal_lr"].on_click(lambda _: self.set_optimal("lr"))
        controls["optimal_momentum"].on_click(lambda _: self.set_optimal("momentum"))
        self.analysis = widgets.HTML(value="")
        self._build_figure()
        self._surface_name = None
        rows = [["surface", "learning_rate", "momentum"], ["steps", "x0", "y0"], ["optimizers"],
                ["optimal_lr", "optimal_momentum"]]
        super().__init__(controls, self.figure, rows=rows)
        box, *rest = self.widget.children
        self.widget.children = (box, self.analysis, *rest)

    def set_optimal(self, which):
        """The buttons: "lr" sets the learning rate to plain GD's best, 2 / (λmin + λmax);
        "momentum" sets learning rate and momentum to ``quadratic.optimal_momentum``."""
        check_choice(which, ["lr", "momentum"], "which")
        curvatures = surfaces.get(self.controls["surface"].value).curvatures
        if curvatures is None:
            return  # the buttons are disabled on the other surfaces
        with self.hold():
            if which == "lr":
                self.controls["learning_rate"].value = quadratic.optimal_learning_rate(curvatures)
            else:
                lr, beta = quadratic.optimal_momentum(curvatures)
                self.controls["learning_rate"].value = lr
                self.controls["momentum"].value = beta

    def _build_figure(self):
        fig, axes = style.new_figure(2, 2, figsize=(9.6, 7.4),
                                     gridspec_kw={"width_ratios": [1.15, 1]})
        (ax, ax_loss), (ax_map, ax_split) = axes
        self.figure, self.ax, self.ax_loss = fig, ax, ax_loss
        self.quadratic_panels = QuadraticPanels(ax_map, ax_split)
        self.ax_map, self.ax_split = ax_map, ax_split
        self.animate(*self.quadratic_panels.animated())
        self._contours = {}
        self.paths, self.ends, self.curves, self.notes = {}, {}, {}, {}
        for name in OPTIMIZERS:
            c = COLORS[name]
            (self.paths[name],) = ax.plot([], [], "-o", color=c, ms=2.5, lw=1.5, zorder=3)
            (self.ends[name],) = ax.plot([], [], "X", color=c, ms=9, mec="white", zorder=4)
            (self.curves[name],) = ax_loss.plot([], [], "-", color=c, lw=1.6, label=NAMES[name])
            self.notes[name] = ax.text(0, 0, "", color=c, fontsize=style.TEXT_SIZE, zorder=6,
                                       ha="center", va="bottom",
                                       bbox={"facecolor": "white", "alpha": 0.8, "lw": 0})
        (self.minima,) = ax.plot([], [], "*", color=style.YELLOW, ms=14, mec="black", zorder=5)
        (self.start_mark,) = ax.plot([], [], "o", color="white", mec="black", ms=7, zorder=5)
        ax_loss.set_yscale("log")
        ax_loss.yaxis.set_major_locator(LogLocator(numticks=6))
        ax_loss.yaxis.set_minor_locator(NullLocator())  # fewer tick labels: faster redraws
        for name in OPTIMIZERS:
            self.animate(self.paths[name], self.ends[name], self.curves[name], self.notes[name])
        self.animate(self.start_mark)
        style.apply(ax, xlabel="weight x", ylabel="weight y", grid=False)
        style.apply(ax_loss, title="Loss per step (gap to the minimum)", xlabel="step",
                    ylabel="f(w) - f(w*)")

    def _set_surface(self, surf):
        """Draw the contours of a new surface (cached grid; only on a surface change)."""
        for contour in self._contours.values():
            _set_visible(contour, False)
        if surf.name not in self._contours:  # made once per surface, then shown or hidden
            xx, yy, zz, levels = _grid(surf.name)
            self._contours[surf.name] = self.ax.contourf(xx, yy, zz, levels=levels,
                                                         cmap="Greys", alpha=0.5, zorder=1)
        _set_visible(self._contours[surf.name], True)
        self.ax.set_xlim(surf.box[0], surf.box[1])
        self.ax.set_ylim(surf.box[2], surf.box[3])
        self.ax.set_title(f"{surf.name}: f = {surf.formula}", fontsize=style.TITLE_SIZE)
        minima = np.array(surf.minima, dtype=float)
        self.minima.set_data(minima[:, 0], minima[:, 1])
        self.quadratic_panels.set_surface(surf, self._loss_top(surf))
        for key in ("optimal_lr", "optimal_momentum"):
            self.controls[key].disabled = surf.curvatures is None
        self._surface_name = surf.name

    def _on_change(self, change):
        """A new surface also moves the start sliders to its box and start point."""
        if change["owner"] is self.controls["surface"]:
            surf = surfaces.get(change["new"])
            with self.hold():
                for key, (lo, hi), start in (("x0", surf.box[:2], surf.start[0]),
                                             ("y0", surf.box[2:], surf.start[1])):
                    s = self.controls[key]
                    s.min, s.max = min(s.min, lo), max(s.max, hi)  # never min > max
                    s.value, s.min, s.max = start, lo, hi
                self._pending = True
            return
        self.redraw()

    def background_key(self):
        """Contours, titles and axis limits depend only on the surface and the step axis's
        length (the legend of the loss panel is animated)."""
        v = self.values()
        return v["surface"], axis_steps(v["steps"])

    def update(self):
        v = self.values()
        surf = surfaces.get(v["surface"])
        if surf.name != self._surface_name:
            self._set_surface(surf)
        start = (v["x0"], v["y0"])
        self.start_mark.set_data([start[0]], [start[1]])
        parts = []
        for name in OPTIMIZERS:
            shown = name in v["optimizers"]
            for artist in (self.paths[name], self.ends[name], self.curves[name], self.notes[name]):
                artist.set_visible(shown)
            if shown:
                parts.append(self._run(name, surf, start, v))
        self._set_loss_axes(surf, v)
        self._update_analysis(surf, start, v)
        return "; ".join(parts) if parts else "no optimizer selected"

    def _update_analysis(self, surf, start, v):
        """The lower panels and the line of numbers under the controls."""
        text = self.quadratic_panels.update(v["learning_rate"], v["momentum"], start, v["steps"],
                                     axis_steps(v["steps"]))
        if surf.curvatures is None:
            text = (f"{surf.name} is not a quadratic bowl: the map, the split and the optimal "
                    "rates are for the bowl and the ravine")
        self.analysis.value = f'<div style="font-size: 0.9em;">{html.escape(text)}</div>'
        self.analysis_text = text

    def _run(self, name, surf, start, v):
        """Compute one trajectory, update its artists; return its part of the readout."""
        points, diverged = cached_trajectory(surf, name, v["learning_rate"], v["momentum"],
                                             start, v["steps"])
        gaps = np.maximum(surf.f(points.T) - surf.minimum_value(), 1e-16)
        self.paths[name].set_data(points[:, 0], points[:, 1])
        self.ends[name].set_data(points[-1:, 0], points[-1:, 1])
        self.ends[name].set_marker("X" if diverged else "o")
        self.curves[name].set_data(np.arange(len(gaps)), gaps)
        note = self.notes[name]
        note.set_text(f"{NAMES[name]}: diverged at step {diverged}" if diverged else "")
        xmin, xmax, ymin, ymax = surf.box
        note.set_position((np.clip(points[-1, 0], xmin + 0.25 * (xmax - xmin),
                                   xmax - 0.25 * (xmax - xmin)),
                           np.clip(points[-1, 1], ymin, ymax - 0.1 * (ymax - ymin))))
        return _summary(name, v["learning_rate"], surf, points, diverged)

    def _set_loss_axes(self, surf, v):
        """Limits from the surface (fixed, so the background can be cached) and the legend."""
        top = self._loss_top(surf)
        self.ax_loss.set_xlim(0, axis_steps(v["steps"]))
        self.ax_loss.set_ylim(1e-12, 10 * top)
        names = [n for n in OPTIMIZERS if n in v["optimizers"]]
        old = self.ax_loss.get_legend()
        if old is not None and getattr(old, "names", None) == names:
            return  # the same optimizers: keep the legend
        if old is not None:
            old.remove()
            self._dynamic.remove(old)
        if names:
            legend = self.ax_loss.legend(handles=[self.curves[n] for n in names],
                                         labels=[NAMES[n] for n in names], loc="lower left")
            legend.names = names
            self.animate(legend)  # drawn on top of the cached background: a click is fast


    @staticmethod
    def _loss_top(surf):
        """The largest loss gap over the view box (the loss axes' top, fixed per surface)."""
        return float(_grid(surf.name)[2].max() - surf.minimum_value())


def axis_steps(steps):
    """The step axis's length: the first of 1, 2, 5, 10, 20, 50, ... that holds ``steps``
    (so that dragging the steps slider mostly reuses a cached background)."""
    return next(length for length in AXIS_STEPS + (steps,) if steps <= length)


def _check_start(surf, start):
    """The start point: the surface's own when None, else a pair inside its view box."""
    if start is None:
        return tuple(float(c) for c in surf.start)
    point = as_float_array(start, "start", ndim=1)
    xmin, xmax, ymin, ymax = surf.box
    if point.shape != (2,) or not (xmin <= point[0] <= xmax and ymin <= point[1] <= ymax):
        raise ValueError(f"start must be a point (x, y) inside {surf.name}'s view box "
                         f"x in [{xmin}, {xmax}], y in [{ymin}, {ymax}], but got {start!r}")
    return float(point[0]), float(point[1])


def _summary(name, learning_rate, surf, points, diverged):
    """One optimizer's part of the readout."""
    head = f"{NAMES[name]}, lr={learning_rate:.3g}"
    if diverged is not None:
        return f"{head}: diverged at step {diverged}"
    return f"{head}: loss {surf.f(points[-1]):.4g} after {len(points) - 1} steps"


_GRIDS = {}


def _grid(name):
    """The contour grid of a surface (computed once, then cached): xx, yy, zz, levels."""
    if name not in _GRIDS:
        surf = surfaces.get(name)
        xmin, xmax, ymin, ymax = surf.box
        xx, yy = np.meshgrid(np.linspace(xmin, xmax, GRID_POINTS),
                             np.linspace(ymin, ymax, GRID_POINTS))
        zz = surf.f(np.stack([xx, yy]))
        low, gap = zz.min(), zz.max() - zz.min()
        levels = low + np.concatenate([[0.0], np.geomspace(gap * 1e-4, gap, 16)])
        _GRIDS[name] = (xx, yy, zz, levels)
    return _GRIDS[name]


def lr_explorer(surface="rosenbrock", optimizers=("sgd", "momentum", "adam"),
                learning_rate=1e-3, momentum=0.9, steps=100, start=None):
    """Watch optimizers walk down a loss surface; change the learning rate and see.

    surface: "bowl", "ravine", "rosenbrock", "saddle" or "two_minima";
    optimizers: any of "sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop",
    "adam"; learning_rate in [1e-4, 10] (log slider); momentum for "momentum"/"nesterov"
    (and the map's marker); steps: 1 to 500; start: the first point (x, y), default the
    surface's own (the x0 and y0 sliders). On the bowl and the ravine the lower row shows
    the (learning rate, momentum) map of GD + momentum and the loss per eigen-direction;
    the buttons "optimal lr" and "optimal momentum" set the best rates.
    Returns a LearningRateExplorer (it displays itself).

    Example::

        ex = lr_explorer("ravine", optimizers=("sgd", "adam"), learning_rate=0.05)
        ex.readout   # 'SGD, lr=0.05: loss ... after 100 steps; Adam, lr=0.05: ...'
        ex.controls["optimal_lr"].click()     # lr = 2 / (1 + 20) = 0.0952
    """
    return LearningRateExplorer(surface, optimizers, learning_rate, momentum, steps, start)


def compare_optimizers(surface, runs, steps=100, start=None, figsize=(10, 4)):
    """One picture of several optimizers on one surface: paths on the contour plot (left)
    and the loss gap f(w) - f(w*) per step on a log axis (right).

    runs: {label: an nnedu optimizer (fresh)}; each walks ``steps`` steps from
    ``start`` (default: the surface's start). A run that diverges is drawn up to
    that point, ends in an X and is labelled "diverged at step k" in the legend.
    Returns (figure, results) with results {label: (points (k + 1, 2), diverged_at)}.
    """
    surf = surfaces.get(surface)
    check_int(steps, "steps", minimum=1)
    if not isinstance(runs, dict) or not runs:
        raise TypeError(f"runs must be a non-empty dict {{label: optimizer}}, but got "
                        f"{type(runs).__name__}: {runs!r}")
    for name, optimizer in runs.items():
        if not isinstance(optimizer, optimizers.Optimizer):
            raise TypeError(f"runs[{name!r}] must be an nnedu optimizer such as SGD(0.1), "
                            f"but got {type(optimizer).__name__}: {optimizer!r}")
    fig, (ax, ax_loss) = style.new_figure(1, 2, figsize=figsize,
                                          gridspec_kw={"width_ratios": [1.15, 1]})
    xx, yy, zz, levels = _grid(surf.name)
    ax.contourf(xx, yy, zz, levels=levels, cmap="Greys", alpha=0.5, zorder=1)
    minima = np.array(surf.minima, dtype=float)
    ax.plot(minima[:, 0], minima[:, 1], "*", color=style.YELLOW, ms=14, mec="black", zorder=5)
    palette = list(COLORS.values()) + [style.SKY_BLUE, style.GREY]
    results = {}
    for i, (name, optimizer) in enumerate(runs.items()):
        points, diverged = surfaces.descend(surf, optimizer, start, steps)
        results[name] = (points, diverged)
        color = palette[i % len(palette)]
        label = f"{name}: diverged at step {diverged}" if diverged else name
        ax.plot(points[:, 0], points[:, 1], "-o", color=color, ms=2, lw=1.4, zorder=3)
        ax.plot(points[-1, 0], points[-1, 1], "X" if diverged else "o", color=color, ms=8,
                mec="white", zorder=4)
        if diverged:
            xmin, xmax, ymin, ymax = surf.box
            ax.text(np.clip(points[-1, 0], xmin + 0.2 * (xmax - xmin), xmax - 0.2 * (xmax - xmin)),
                    np.clip(points[-1, 1], ymin + 0.1 * (ymax - ymin), ymax - 0.1 * (ymax - ymin)),
                    f"{name}: diverged at step {diverged}", color=color, ha="center",
                    fontsize=style.TEXT_SIZE, zorder=6,
                    bbox={"facecolor": "white", "alpha": 0.85, "lw": 0})
        gaps = np.maximum(surf.f(points.T) - surf.minimum_value(), 1e-16)
        ax_loss.plot(np.arange(len(gaps)), gaps, color=color, lw=1.6, label=label)
    ax.set_xlim(surf.box[0], surf.box[1])
    ax.set_ylim(surf.box[2], surf.box[3])
    ax_loss.set_yscale("log")
    ax_loss.set_xlim(0, steps)
    ax_loss.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=style.TEXT_SIZE - 1)
    style.apply(ax, title=f"{surf.name}: f = {surf.formula}", xlabel="weight x",
                ylabel="weight y", grid=False)
    style.apply(ax_loss, title="Loss per step (gap to the minimum)", xlabel="step",
                ylabel="f(w) - f(w*)")
    return fig, results

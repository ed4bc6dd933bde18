"""The learning-rate explorer's lower row: a quadratic bowl solved exactly (chapter 07).

On a quadratic surface (``surface.curvatures`` is not None: the bowl and the
ravine) two panels show what ``nnedu.quadratic`` computes for gradient descent
with momentum (v <- beta v - lr g, w <- w + v):

- left, the map of (learning rate, momentum): for every setting of the two
  sliders, whether the run converges, oscillates or diverges (from the
  eigenvalues of the 2x2 step matrix of each eigen-direction), with the
  current setting marked (and plain GD, momentum 0, below it) and the two
  optimal settings as stars. The map is computed once per surface, on the
  sliders' own grid; moving a slider only moves the markers.
- right, the loss split per eigen-direction, 1/2 lambda_i w_i(t)^2, for the
  current setting (solid) and for plain GD at the same rate (dashed).

On any other surface both panels are greyed, with a note saying why.
"""

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch
from matplotlib.ticker import LogLocator, NullLocator

from nnedu import quadratic
from nnedu.viz import style

# the sliders' grids: the learning-rate slider moves in steps of 1/50 decade from 1e-4 to 10,
# the momentum slider in steps of 0.01 from 0 to 0.99; one map cell per slider position
MAP_LEARNING_RATES = 10.0 ** (np.arange(-200, 51) / 50)
MAP_MOMENTA = np.arange(100) / 100
BEHAVIOUR_COLORS = (style.GREEN, style.ORANGE, style.VERMILLION)  # converges, oscillates, diverges
DIRECTION_COLORS = ("#444444", style.SKY_BLUE)                      # the x and y directions
RATE_LEVELS = (0.9,)  # the map's line: the error shrinks by this factor per step
FLOOR = 1e-16  # a loss of 0 (the minimum reached) is drawn here on the log axis


def set_contours_visible(contour_set, visible):
    """Show or hide a contour plot and its labels.

    From matplotlib 3.8 a contour set is one artist; in 3.7 it is a list of collections.
    """
    if hasattr(contour_set, "set_visible"):
        contour_set.set_visible(visible)
    else:
        for collection in contour_set.collections:
            collection.set_visible(visible)
    for label in getattr(contour_set, "labelTexts", ()):
        label.set_visible(visible)


def _edges(centres, log):
    """The cell edges around grid centres (geometric means on a log axis)."""
    c = np.log10(centres) if log else np.asarray(centres, dtype=float)
    inner = (c[1:] + c[:-1]) / 2
    edges = np.concatenate([[2 * c[0] - inner[0]], inner, [2 * c[-1] - inner[-1]]])
    return 10.0**edges if log else edges


_SPLITS = {}  # (curvatures, start, lr, momentum, steps) -> loss per direction (steps + 1, 2)


def loss_split(curvatures, start, learning_rate, momentum, steps):
    """``quadratic.loss_per_direction``, remembered (the last 256 settings)."""
    key = (tuple(curvatures), tuple(start), learning_rate, momentum, steps)
    if key not in _SPLITS:
        if len(_SPLITS) >= 256:
            _SPLITS.pop(next(iter(_SPLITS)))
        _SPLITS[key] = quadratic.loss_per_direction(curvatures, start, learning_rate,
                                                    momentum, steps)
    return _SPLITS[key]


def drawn(loss):
    """What the split panel plots for a loss: inf (diverged) as a gap, 0 at FLOOR."""
    return np.where(np.isfinite(loss), np.maximum(loss, FLOOR), np.nan)


class QuadraticPanels:
    """The map (ax_map) and the split (ax_split) of the learning-rate explorer."""

    def __init__(self, ax_map, ax_split):
        self.ax_map, self.ax_split = ax_map, ax_split
        self.meshes, self.rate_lines, self.curvatures = {}, {}, None
        (self.point,) = ax_map.plot([], [], "o", ms=9, color=style.BLACK, mec="white",
                                    mew=1.5, zorder=6, label="now: lr, momentum")
        (self.gd_point,) = ax_map.plot([], [], "o", ms=8, mfc="none", mec=style.BLACK,
                                       mew=1.5, zorder=6, label="now, plain GD")
        (self.stars,) = ax_map.plot([], [], "*", ms=13, color=style.YELLOW, mec="black",
                                    zorder=5, label="optimal")
        self.edge_note = ax_map.text(0, 0.03, "", fontsize=style.TEXT_SIZE - 1, zorder=5,
                                     ha="left", va="bottom")
        self.lines = {}
        for d, axis in enumerate("xy"):
            for kind, dash in (("momentum", "-"), ("gd", "--")):
                (self.lines[axis, kind],) = ax_split.plot([], [], dash,
                                                          color=DIRECTION_COLORS[d], lw=1.6)
        self.notes = [ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center",
                              fontsize=style.TEXT_SIZE, zorder=7) for ax in (ax_map, ax_split)]
        self._style_axes()

    def _style_axes(self):
        """Fixed limits, scales and labels (the same for every surface: a steady layout)."""
        ax, lrs, momenta = self.ax_map, MAP_LEARNING_RATES, MAP_MOMENTA
        ax.set_xscale("log")
        ax.set_xlim(_edges(lrs, True)[0], _edges(lrs, True)[-1])
        ax.set_ylim(_edges(momenta, False)[0], _edges(momenta, False)[-1])
        style.apply(ax, title="GD + momentum: where the run converges", xlabel="learning rate",
                    ylabel="momentum", grid=False)
        handles = [Patch(color=style.pale(c), label=name)
                   for c, name in zip(BEHAVIOUR_COLORS, quadratic.BEHAVIOURS)]
        self.legend = ax.legend(handles=handles + [self.point, self.gd_point, self.stars],
                                loc="upper left", fontsize=style.TEXT_SIZE - 1, framealpha=0.9)
        ax.xaxis.set_minor_locator(NullLocator())   # fewer ticks: a faster full draw
        self.ax_split.set_yscale("log")
        self.ax_split.yaxis.set_major_locator(LogLocator(numticks=6))
        self.ax_split.yaxis.set_minor_locator(NullLocator())
        style.apply(self.ax_split, title="Loss per eigen-direction (GD + momentum)",
                    xlabel="step", ylabel="1/2 λ w²")

    def animated(self):
        """The artists that move with the sliders (the rest is the cached background)."""
        return [self.point, self.gd_point, *self.lines.values()]

    def set_surface(self, surf, top):
        """Show the map of a quadratic surface (computed once), or grey both panels."""
        for mesh in self.meshes.values():
            mesh.set_visible(False)
        for lines in self.rate_lines.values():
            set_contours_visible(lines, False)
        self.curvatures = surf.curvatures
        quadratic_surface = surf.curvatures is not None
        for artist in (self.stars, self.edge_note, self.legend, *self.animated()):
            artist.set_visible(quadratic_surface)
        for ax, note in zip((self.ax_map, self.ax_split), self.notes):
            ax.set_facecolor("white" if quadratic_surface else style.LIGHT_GREY)
            note.set_text("" if quadratic_surface else
                          f"{surf.name} is not a quadratic bowl:\nthis panel is exact for "
                          "the bowl and the ravine")
        self.ax_split.set_ylim(1e-12, 10 * top)
        if quadratic_surface:
            self._show_map(surf)
            self._legend_split(surf.curvatures)
        elif self.ax_split.get_legend() is not None:
            self.ax_split.get_legend().set_visible(False)

    def _show_map(self, surf):
        """The map of a surface: made on its first visit, then shown and hidden."""
        if surf.name not in self.meshes:
            self.meshes[surf.name], self.rate_lines[surf.name] = self._draw_map(surf.curvatures)
        self.meshes[surf.name].set_visible(True)
        set_contours_visible(self.rate_lines[surf.name], True)
        lam = np.array(surf.curvatures)
        gd = quadratic.optimal_learning_rate(lam)
        heavy = quadratic.optimal_momentum(lam)
        self.stars.set_data([gd, heavy[0]], [0.0, heavy[1]])
        edge = 2 / lam.max()
        self.edge_note.set_position((edge * 1.08, 0.03))
        self.edge_note.set_text(f"← 2/λmax = {edge:.3g}")

    def _draw_map(self, curvatures):
        """The behaviour of every cell (colours) and lines of equal speed: where the error
        shrinks by RATE_LEVELS per step (``quadratic.convergence_map``)."""
        codes = quadratic.behaviour_map(MAP_LEARNING_RATES, MAP_MOMENTA, curvatures)
        mesh = self.ax_map.pcolormesh(
            _edges(MAP_LEARNING_RATES, True), _edges(MAP_MOMENTA, False), codes,
            cmap=ListedColormap([style.pale(c) for c in BEHAVIOUR_COLORS]), vmin=-0.5, vmax=2.5,
            zorder=1, rasterized=True)
        rates = quadratic.convergence_map(MAP_LEARNING_RATES, MAP_MOMENTA, curvatures)
        lines = self.ax_map.contour(MAP_LEARNING_RATES, MAP_MOMENTA, rates, levels=RATE_LEVELS,
                                    colors="#555555", linewidths=0.8, zorder=2)
        self.ax_map.clabel(lines, fmt=lambda r: f"×{r:g}/step", fontsize=style.TEXT_SIZE - 1)
        return mesh, lines

    def _legend_split(self, curvatures):
        labels = [f"{axis} (λ = {lam:g}), GD + momentum" for axis, lam in zip("xy", curvatures)]
        labels += [f"{axis}, plain GD" for axis in "xy"]
        handles = [self.lines[axis, kind] for kind in ("momentum", "gd") for axis in "xy"]
        old = self.ax_split.get_legend()
        if old is not None:
            old.remove()
        self.ax_split.legend(handles=handles, labels=labels, loc="lower left",
                             fontsize=style.TEXT_SIZE - 1, ncol=2)

    def update(self, learning_rate, momentum, start, steps, axis_length):
        """Move the markers and the split lines; return the sentence for the label."""
        self.ax_split.set_xlim(0, axis_length)
        if self.curvatures is None:
            return ""
        self.point.set_data([learning_rate], [momentum])
        self.gd_point.set_data([learning_rate], [0.0])
        t = np.arange(steps + 1)
        for beta, kind in ((momentum, "momentum"), (0.0, "gd")):
            split = loss_split(self.curvatures, start, learning_rate, beta, steps)
            for d, axis in enumerate("xy"):
                self.lines[axis, kind].set_data(t, drawn(split[:, d]))
        return self._sentence(learning_rate, momentum)

    def _sentence(self, learning_rate, momentum):
        lam = np.array(self.curvatures)
        heavy = quadratic.optimal_momentum(lam)
        parts = [f"λ = {lam.min():g}, {lam.max():g}",
                 f"optimal lr (plain GD) 2/(λmin+λmax) = {quadratic.optimal_learning_rate(lam):.4g}",
                 f"optimal momentum: lr = {heavy[0]:.4g}, momentum = {heavy[1]:.4g}"]
        for name, beta in (("GD + momentum", momentum), ("plain GD", 0.0)):
            behaviour = quadratic.classify(learning_rate, beta, lam)
            rate = float(quadratic.convergence_map([learning_rate], [beta], lam)[0, 0])
            parts.append(f"{name} {behaviour} (error × {rate:.3f} per step)")
        return "; ".join(parts)

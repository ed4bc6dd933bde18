"""The perceptron explorer: step through training on a logic gate (chapter 01).

The perceptron is trained once per setting (gate, learning rate, rule); the
step slider (or the Play button) then walks through ``weights_history_``:
after step k the decision line w1 x1 + w2 x2 + b = 0 is drawn, the region the
neuron calls 1 is shaded and the sample just shown is ringed (black when the
neuron got it wrong and so moved its line). The title says how training ends;
the readout under the picture gives the state after the step.
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.patches import Polygon

from nnedu.data import GATES, logic_gate
from nnedu.perceptron import Perceptron
from nnedu.viz import style
from nnedu.viz._base import Explorer, dropdown, int_slider, log_slider

EPOCHS = 20
VIEW = (-0.5, 1.5)
_BOX = np.array([[VIEW[0], VIEW[0]], [VIEW[1], VIEW[0]], [VIEW[1], VIEW[1]],
                 [VIEW[0], VIEW[1]]])


def half_plane(w, b):
    """The part of the view where w . x + b >= 0, as polygon corners (k, 2).

    Walks round the view's square and keeps the corners inside, adding the
    point where the line w . x + b = 0 crosses each side it cuts.
    """
    z = _BOX @ w + b
    corners = []
    for i in range(4):
        j = (i + 1) % 4
        if z[i] >= 0:
            corners.append(_BOX[i])
        if (z[i] >= 0) != (z[j] >= 0):
            t = z[i] / (z[i] - z[j])
            corners.append(_BOX[i] + t * (_BOX[j] - _BOX[i]))
    return np.array(corners) if corners else np.zeros((1, 2)) + VIEW[0]


class PerceptronExplorer(Explorer):
    """Controls: gate, rule, learning_rate, step (and a Play button, self.play)."""

    def __init__(self, gate="and", learning_rate=1.0, rule="perceptron", seed=0):
        self.seed = seed
        controls = {
            "gate": dropdown(list(GATES), gate, "gate"),
            "rule": dropdown(["perceptron", "delta"], rule, "rule"),
            "learning_rate": log_slider(learning_rate, 0.01, 10.0, "learning rate", fmt=".3g"),
            "step": int_slider(0, 0, 1, "step"),
        }
        self.play = widgets.Play(value=0, min=0, max=1, interval=400, description="play")
        widgets.jslink((self.play, "value"), (controls["step"], "value"))
        self._build_figure()
        self._train(controls)
        super().__init__(controls, self.figure, rows=[["gate", "rule"], ["learning_rate"]])
        # the step slider once, beside its Play button, under the other controls
        box, *rest = self.widget.children
        self.widget.children = (box, widgets.HBox([self.play, controls["step"]]), *rest)

    def _build_figure(self):
        fig, ax = style.new_figure(figsize=(6.0, 4.6))
        self.figure, self.ax = fig, ax
        # the half-planes the neuron calls 1 (blue) and 0 (red)
        self.region = ax.add_patch(Polygon(_BOX, facecolor=style.BLUE, alpha=0.2, lw=0))
        self.region0 = ax.add_patch(Polygon(_BOX, facecolor=style.VERMILLION, alpha=0.15, lw=0))
        self.title = ax.text(0.5, 1.02, "", transform=ax.transAxes, ha="center", va="bottom",
                             fontsize=style.TITLE_SIZE)
        (self.line,) = ax.plot([], [], color=style.BLACK, lw=2)
        self.points = ax.scatter([0, 0, 1, 1], [0, 1, 0, 1], s=140, zorder=3,
                                 edgecolors="black")
        (self.ring,) = ax.plot([], [], "o", ms=22, mfc="none", mew=2.5, zorder=4)
        ax.set_xlim(*VIEW)
        ax.set_ylim(*VIEW)
        ax.set_xticks([0, 1])
        ax.set_yticks([0, 1])
        ax.set_aspect("equal")
        style.apply(ax, xlabel="input x1", ylabel="input x2", grid=False)
        self.animate(self.region, self.region0, self.line, self.points, self.ring, self.title)

    def _train(self, controls):
        """Fit on the chosen gate; set the step slider's range to the history."""
        X, y = logic_gate(controls["gate"].value)
        model = Perceptron(learning_rate=controls["learning_rate"].value,
                           rule=controls["rule"].value, seed=self.seed)
        self.X, self.y, self.model = X, y, model.fit(X, y, epochs=EPOCHS)
        step = controls["step"]
        step.max = self.play.max = len(model.weights_history_) - 1
        step.value = min(step.value, step.max)
        self.points.set_facecolor([style.BLUE if t else style.VERMILLION for t in y])
        self.title.set_text(f"{controls['gate'].value.upper()}, {controls['rule'].value} rule, "
                            f"lr {model.learning_rate:.3g}: {self._outcome()}")

    def background_key(self):
        return "fixed axes"  # everything that changes is animated

    def _on_change(self, change):
        if change["owner"] is not self.controls["step"]:
            with self.hold():
                self._train(self.controls)
                self._pending = True
            return
        self.redraw()

    def update(self):
        k = self.controls["step"].value
        history, n = self.model.weights_history_, len(self.y)
        w, b = history[k]
        self.region.set_xy(half_plane(w, b))
        self.region0.set_xy(half_plane(-w, -b))
        self._draw_line(w, b)
        epoch, mistakes = (k - 1) // n + 1 if k else 0, 0
        if k:
            first = (epoch - 1) * n + 1  # the first step of this epoch
            mistakes = sum(self._was_mistake(j) for j in range(first, k + 1))
            i = (k - 1) % n
            self.ring.set_data([self.X[i, 0]], [self.X[i, 1]])
            self.ring.set_color(style.BLACK if self._was_mistake(k) else style.GREEN)
        self.ring.set_visible(k > 0)
        return (f"{self.controls['gate'].value.upper()}, lr={self.model.learning_rate:.3g}, "
                f"{self.model.rule}: step {k} (epoch {epoch}): w=[{w[0]:.3g}, {w[1]:.3g}], "
                f"b={b:.3g}, {mistakes} mistakes this epoch")

    def _was_mistake(self, k):
        """Did step k change the weights (the neuron was wrong on that sample)?"""
        (w0, b0), (w1, b1) = self.model.weights_history_[k - 1], self.model.weights_history_[k]
        return bool(np.any(w0 != w1) or b0 != b1)

    def _outcome(self):
        errors = self.model.errors_
        if self.model.converged_:
            return f"converged, epoch {len(errors)} made no mistake"
        return f"not converged in {EPOCHS} epochs ({errors[-1]} mistakes in the last)"

    def _draw_line(self, w, b):
        """The line w1 x1 + w2 x2 + b = 0 across the view (hidden when w = 0)."""
        lo, hi = VIEW
        if abs(w[1]) > abs(w[0]) > 0 or (w[1] != 0 and w[0] == 0):
            xs = np.array([lo, hi])
            self.line.set_data(xs, -(w[0] * xs + b) / w[1])
        elif w[0] != 0:
            ys = np.array([lo, hi])
            self.line.set_data(-(w[1] * ys + b) / w[0], ys)
        else:
            self.line.set_data([], [])


def perceptron_explorer(gate="and", learning_rate=1.0, rule="perceptron", seed=0):
    """Step through perceptron training on a logic gate and watch the line move.

    gate: "and", "or", "nand", "nor" or "xor"; learning_rate: 0.01 to 10;
    rule: "perceptron" or "delta"; seed: the start weights (small random, see
    Perceptron; None starts at zero, where the learning rate changes nothing
    but the size of w). Training runs at most 20 epochs.
    """
    return PerceptronExplorer(gate, learning_rate, rule, seed)

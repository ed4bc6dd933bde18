"""The dropout explorer: regularization against overfitting (chapter 09).

A network much bigger than its data (2 -> 32 -> 32 -> 1, ReLU, on 30 noisy
"moons" points) learns the training set by heart: its training loss falls
towards 0 while the loss on fresh validation points turns up again. Two sliders
fight that: the dropout rate (a Dropout layer after each hidden layer; rate =
the fraction of units DROPPED, as in Keras) and the L2 penalty lambda on every
kernel. The explorer trains for a few hundred full-batch Adam steps and shows

- left: the training and validation loss per step (both measured without
  dropout, as at test time), and the gap between them at the end;
- middle: P(class 1) over the plane, with the training points: a wiggly
  boundary around single points is overfitting;
- right: the network, with the units that ONE training step dropped (the
  Dropout layers' ``last_mask`` for the first sample of the last step) greyed out.

Training starts when a slider is released (``continuous_update=False``); every
result is cached per setting.
"""

import itertools
import warnings

import ipywidgets as widgets
import numpy as np
from matplotlib.collections import LineCollection

from nnedu.callbacks import Callback
from nnedu.layers import Dropout
from nnedu.models import DivergenceWarning
from nnedu.optimizers import Adam
from nnedu.viz import style
from nnedu.viz._base import Explorer, slider_layout
from nnedu.viz.playground_explorer import (
    L2_VALUES,
    POINT_CMAP,
    REGION_CMAP,
    build_mlp,
    data_box,
    make_dataset,
    probability_grid,
)

RATES = tuple(round(0.1 * k, 1) for k in range(10))  # 0.0, 0.1, ..., 0.9
HIDDEN_UNITS = 32
HIDDEN_LAYERS = 2


class LossRecorder(Callback):
    """Every ``every`` epochs (and after the last), the loss on the training and on the
    validation data, both in inference mode (no dropout), each in ONE forward pass.

    ``steps`` lists the epochs (counted from 1) at which the losses were recorded.
    Recording every few steps instead of every step keeps the explorer quick; 100
    points draw the same curve.
    """

    def __init__(self, train_set, val_set, every=1):
        super().__init__()
        self.train_set, self.val_set, self.every = train_set, val_set, every
        self.losses, self.val_losses, self.steps = [], [], []

    def on_epoch_end(self, epoch, logs=None):
        last = epoch + 1 == self.model.fit_info["epochs"]
        if (epoch + 1) % self.every and not last:
            return
        self.steps.append(epoch + 1)
        for (x, y), losses in ((self.train_set, self.losses), (self.val_set, self.val_losses)):
            losses.append(self.model.evaluate(x, y, batch_size=len(x)))


def train_with_dropout(rate, l2, train_set, val_set, steps, learning_rate=0.01, seed=0):
    """Train 2 -> 32 -> 32 -> 1 with Dropout(rate) and L2(l2); full-batch Adam, ``steps`` steps.

    train_set, val_set: (X (N, 2), y (N,)) pairs. Returns the model and a dict:
    "loss" and "val_loss" (arrays, both without dropout) at the steps in "steps"
    (every step up to 100 steps, then about 100 evenly spaced ones, always the
    last) and "diverged" (bool).
    """
    model = build_mlp(HIDDEN_LAYERS, HIDDEN_UNITS, "relu", l2=l2, seed=seed, dropout=rate)
    model.compile(optimizer=Adam(learning_rate=learning_rate), loss="binary_crossentropy")
    recorder = LossRecorder(train_set, val_set, every=max(1, steps // 100))
    X, y = train_set
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DivergenceWarning)
        model.fit(X, y, batch_size=len(X), epochs=steps, verbose=0, shuffle=False,
                  callbacks=[recorder], seed=seed)
    curves = {"loss": np.array(recorder.losses, dtype=float),
              "val_loss": np.array(recorder.val_losses, dtype=float),
              "steps": np.array(recorder.steps, dtype=int),
              "diverged": any(issubclass(w.category, DivergenceWarning) for w in caught)}
    return model, curves


def dropped_units(model):
    """For each hidden layer, a bool array (units,): True where the LAST training step
    dropped the unit for the first sample of its batch (all False without dropout)."""
    masks = [np.zeros(HIDDEN_UNITS, bool) for _ in range(HIDDEN_LAYERS)]
    dropouts = [layer for layer in model.layers if isinstance(layer, Dropout)]
    for i, layer in enumerate(dropouts):
        if layer.last_mask is not None:  # None: rate 0, the layer never dropped anything
            masks[i] = ~layer.last_mask[0]
    return masks


def network_layout(sizes):
    """Node positions of a layered diagram: a list with one array (n, 2) per layer;
    layer i at x = i, its n nodes spread evenly over y in [0, 1]."""
    return [np.column_stack([np.full(n, float(i)), (np.arange(n) + 0.5) / n])
            for i, n in enumerate(sizes)]


class DropoutExplorer(Explorer):
    """Controls: rate (dropout), l2 (lambda of the L2 penalty)."""

    def __init__(self, rate=0.0, l2=0.0, steps=300, n_train=30, n_val=300, noise=0.35,
                 learning_rate=0.01, seed=0):
        if rate not in RATES:
            raise ValueError(f"rate must be one of {RATES}, but got {rate!r}")
        if l2 not in L2_VALUES:
            raise ValueError(f"l2 must be one of {L2_VALUES}, but got {l2!r}")
        self.steps, self.learning_rate, self.seed = steps, learning_rate, seed
        self.train_set = make_dataset("moons", n_train, noise, seed)
        self.val_set = make_dataset("moons", n_val, noise, seed + 1)
        self.box = data_box(np.r_[self.train_set[0], self.val_set[0]])
        self.cache = {}  # (rate, l2) -> trained result
        self.train_count = 0
        controls = {
            "rate": widgets.SelectionSlider(options=list(RATES), value=rate,
                                            description="dropout rate",
                                            continuous_update=False, layout=slider_layout(),
                                            style={"description_width": "initial"}),
            "l2": widgets.SelectionSlider(options=list(L2_VALUES), value=l2,
                                          description="L2 lambda", continuous_update=False,
                                          layout=slider_layout(),
                                          style={"description_width": "initial"}),
        }
        self._build_figure()
        super().__init__(controls, self.figure)

    def _build_figure(self):
        fig, (ax, ax_map, ax_net) = style.new_figure(
            1, 3, figsize=(10.8, 3.9), gridspec_kw={"width_ratios": [1.25, 1, 1]})
        self.figure, self.ax, self.ax_map, self.ax_net = fig, ax, ax_map, ax_net
        (self.train_curve,) = ax.plot([], [], color=style.ROLE["train"], label="training")
        (self.val_curve,) = ax.plot([], [], color=style.ROLE["validation"], label="validation")
        self.gap_arrow = ax.annotate("", xy=(0, 0), xytext=(0, 0),
                                     arrowprops={"arrowstyle": "<->", "color": style.BLACK})
        self.gap_text = ax.text(0, 0, "", ha="right", va="center", fontsize=style.TEXT_SIZE)
        ax.legend(loc="upper left")
        style.apply(ax, title="Loss per step (without dropout)", xlabel="step",
                    ylabel="binary cross-entropy")
        self.regions = ax_map.imshow(np.full((2, 2), 0.5), origin="lower", cmap=REGION_CMAP,
                                     vmin=0, vmax=1, aspect="auto", extent=self.box,
                                     interpolation="bilinear")
        X, y = self.train_set
        points = ax_map.scatter(X[:, 0], X[:, 1], s=20, c=POINT_CMAP(y.astype(float)),
                                edgecolors="white", linewidths=0.6, zorder=3)
        ax_map.set_xlim(self.box[0], self.box[1])
        ax_map.set_ylim(self.box[2], self.box[3])
        ax_map.set_xticks([])
        ax_map.set_yticks([])
        style.apply(ax_map, title="P(class 1), training points", grid=False)
        for spine in ax_map.spines.values():  # the picture is its own frame
            spine.set_visible(False)
        self._build_network(ax_net)
        # animated artists are drawn in this order, on top of the rest: points after regions
        self.animate(self.train_curve, self.val_curve, self.gap_arrow, self.gap_text,
                     self.regions, points, self.edges, self.nodes, self.net_note)

    def _build_network(self, ax):
        sizes = [2] + [HIDDEN_UNITS] * HIDDEN_LAYERS + [1]
        self.layout = network_layout(sizes)
        segments = [[a, b] for left, right in zip(self.layout, self.layout[1:])
                    for a in left for b in right]
        self.edges = LineCollection(segments, linewidths=0.4, zorder=1)
        ax.add_collection(self.edges)
        points = np.concatenate(self.layout)
        self.nodes = ax.scatter(points[:, 0], points[:, 1], s=22, zorder=2,
                                edgecolors=style.BLACK, linewidths=0.5)
        self.net_note = ax.text(1.5, -0.08, "", ha="center", va="top",
                                fontsize=style.TEXT_SIZE)
        ax.set_xlim(-0.3, len(sizes) - 0.7)
        ax.set_ylim(-0.2, 1.03)
        ax.set_axis_off()
        ax.set_title("One training step: dropped units in grey", fontsize=style.TITLE_SIZE)

    def background_key(self):
        return self.ax.get_ylim()

    def result(self):
        """The trained result for the current setting: from the cache, or trained now."""
        key = (self.controls["rate"].value, self.controls["l2"].value)
        if key not in self.cache:
            model, curves = train_with_dropout(*key, self.train_set, self.val_set, self.steps,
                                               self.learning_rate, self.seed)
            self.train_count += 1
            self.cache[key] = {"curves": curves, "dropped": dropped_units(model),
                               "grid": probability_grid(model, self.box)}
        return self.cache[key]

    def update(self):
        rate, l2 = self.controls["rate"].value, self.controls["l2"].value
        result = self.result()
        curves = result["curves"]
        self.regions.set_data(result["grid"])
        self._draw_network(result["dropped"])
        setting = f"dropout {rate:g}, L2 {l2:g}"
        if curves["diverged"] or len(curves["val_loss"]) == 0:
            self._draw_curves(curves, None)
            return f"{setting}: the loss diverged; lower the learning rate"
        train, val = curves["loss"][-1], curves["val_loss"][-1]
        self._draw_curves(curves, (train, val))
        return (f"{setting}: train loss {train:.2f}, val loss {val:.2f} "
                f"(gap {val - train:.2f})")

    def _draw_curves(self, curves, final):
        n = min(len(curves["loss"]), len(curves["val_loss"]))
        steps = curves["steps"][:n]
        self.train_curve.set_data(steps, curves["loss"][:n])
        self.val_curve.set_data(steps, curves["val_loss"][:n])
        values = np.r_[curves["loss"], curves["val_loss"]]
        values = values[np.isfinite(values)]
        top = float(np.ceil(max(values.max(), 0.8) * 1.1 * 2) / 2) if values.size else 1.0
        self.ax.set_xlim(0, self.steps)
        self.ax.set_ylim(0, top)
        self.gap_arrow.set_visible(final is not None)
        self.gap_text.set_visible(final is not None)
        if final is not None:
            train, val = final
            x = 0.97 * self.steps
            self.gap_arrow.xy = (x, val)
            self.gap_arrow.set_position((x, train))
            self.gap_text.set_position((x - 0.02 * self.steps, (train + val) / 2))
            self.gap_text.set_text(f"gap {val - train:.2f}")

    def _draw_network(self, dropped):
        """Grey out the dropped units and every connection that touches one."""
        off = [np.zeros(2, bool)] + list(dropped) + [np.zeros(1, bool)]
        node_colors = np.where(np.concatenate(off), "#DDDDDD", style.BLUE)
        self.nodes.set_facecolors(node_colors)
        edge_off = np.concatenate([(a[:, None] | b[None, :]).ravel()
                                   for a, b in itertools.pairwise(off)])
        colors = np.where(edge_off[:, None], [[0.85, 0.85, 0.85, 0.3]], [[0.2, 0.2, 0.2, 0.35]])
        self.edges.set_color(colors)
        hidden = sum(len(d) for d in dropped)
        self.net_note.set_text(f"{int(sum(d.sum() for d in dropped))} of {hidden} hidden "
                               "units dropped (first sample)")


def dropout_explorer(rate=0.0, l2=0.0, steps=300, n_train=30, n_val=300, noise=0.35,
                     learning_rate=0.01, seed=0):
    """Dropout and L2 against overfitting: a 2-32-32-1 network on 30 noisy points.

    Controls: the dropout rate (0 to 0.9, the fraction of units dropped) and the
    L2 lambda. Shows the training and validation loss (and their gap), the
    decision regions, and the units one training step dropped.
    ``steps`` full-batch Adam steps; results are cached per setting.

    Example: ``dropout_explorer(rate=0.5)``.
    """
    return DropoutExplorer(rate=rate, l2=l2, steps=steps, n_train=n_train, n_val=n_val,
                           noise=noise, learning_rate=learning_rate, seed=seed)

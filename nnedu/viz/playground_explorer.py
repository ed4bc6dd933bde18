"""The playground: train a small network on a 2-D data set and watch its decision regions.

In the spirit of TensorFlow Playground (chapter 03): pick a data set (xor,
circles, moons, spiral) and its noise, the hidden layers (0-3) and their units
(1-16), the activation, the learning rate and the L2 penalty; the explorer
trains an nnedu ``Sequential`` for a few hundred full-batch Adam steps and draws

- left: P(class 1) over the plane (the decision regions, the p = 0.5 boundary
  in black) with the training points (filled) and the validation points
  (hollow);
- right: the training and validation loss after every step.

Training starts when a control is released (``continuous_update=False``) or
when "train again" is pressed (new initial weights). Every result is cached per
setting, so going back to a setting shows it at once, without training.
"""

import warnings

import contourpy
import ipywidgets as widgets
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import LinearSegmentedColormap, to_rgb

from nnedu import data
from nnedu.layers import Dense, Dropout
from nnedu.models import DivergenceWarning, Sequential
from nnedu.regularizers import L2
from nnedu.viz import style
from nnedu.viz._base import Explorer, dropdown, int_slider, log_slider


def _pale(color, amount=0.55):
    """``color`` mixed with white: amount 0 keeps it, 1 gives white."""
    rgb = np.array(to_rgb(color))
    return tuple(rgb + (1.0 - rgb) * amount)


DATASETS = ("xor", "circles", "moons", "spiral")
ACTIVATIONS = ("relu", "tanh", "sigmoid")
L2_VALUES = (0.0, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1)
GRID_POINTS = 60  # the probability picture is GRID_POINTS x GRID_POINTS
# Class colours (colour-blind safe) for the points, and a paler version of the same
# for the regions: P(class 1) from vermillion (class 0) through white to blue (class 1).
POINT_CMAP = LinearSegmentedColormap.from_list(
    "nnedu_points", [style.ROLE["negative"], style.ROLE["positive"]])
REGION_CMAP = LinearSegmentedColormap.from_list(
    "nnedu_regions", [_pale(style.ROLE["negative"]), "#FFFFFF", _pale(style.ROLE["positive"])])


def make_dataset(name, n_samples=200, noise=0.1, seed=0):
    """One of the 2-D data sets: X (n_samples, 2) float64, y (n_samples,) int 0/1."""
    makers = {"xor": data.make_xor, "circles": data.make_circles,
              "moons": data.make_moons, "spiral": data.make_spirals}
    if name not in makers:
        raise ValueError(f"dataset must be one of {', '.join(DATASETS)}, but got {name!r}")
    X, y = makers[name](n_samples=n_samples, noise=noise, seed=seed)
    if name == "moons":  # centre the moons on the origin, like the other sets
        X = X - np.array([0.5, 0.25])
    return X, y


def build_mlp(hidden, units, activation="relu", l2=0.0, seed=0, dropout=0.0):
    """A Sequential: ``hidden`` Dense layers of ``units`` units, then Dense(1, sigmoid).

    Inputs are 2-D points (N, 2); the output is P(class 1), shape (N, 1).
    ``l2`` > 0 puts an L2(l2) penalty on every kernel; ``dropout`` > 0 adds a
    Dropout(dropout) layer after each hidden layer. Layer i uses seed ``seed + i``.
    """
    regularizer = L2(l2) if l2 > 0 else None
    layers = []
    for i in range(hidden):
        layers.append(Dense(units, activation=activation, kernel_regularizer=regularizer,
                            input_shape=(2,) if i == 0 else None, seed=seed + i))
        if dropout:
            layers.append(Dropout(dropout, seed=seed + 100 + i))
    layers.append(Dense(1, activation="sigmoid", kernel_regularizer=regularizer,
                        input_shape=(2,) if hidden == 0 else None, seed=seed + hidden))
    return Sequential(layers)


def train(model, train_set, val_set, steps, learning_rate):
    """Full-batch Adam for ``steps`` steps; the History's per-step figures as arrays.

    train_set, val_set: (X (N, 2), y (N,)) pairs. Returns a dict of arrays with
    "loss", "accuracy", "val_loss", "val_accuracy" (one entry per step; shorter
    when the loss diverged) and "diverged" (bool).
    """
    from nnedu.optimizers import Adam

    model.compile(optimizer=Adam(learning_rate=learning_rate), loss="binary_crossentropy",
                  metrics=["accuracy"])
    X, y = train_set
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DivergenceWarning)
        history = model.fit(X, y, batch_size=len(X), epochs=steps, verbose=0,
                            validation_data=val_set, shuffle=False)
    result = {k: np.array(v, dtype=float) for k, v in history.history.items()}
    result["diverged"] = any(issubclass(w.category, DivergenceWarning) for w in caught)
    return result


def probability_grid(model, box, points=GRID_POINTS):
    """P(class 1) on a points x points grid over box = (xmin, xmax, ymin, ymax).

    Returns an array (points, points): row i is y = ymin + i * (ymax - ymin) / (points - 1).
    """
    xs = np.linspace(box[0], box[1], points)
    ys = np.linspace(box[2], box[3], points)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    with np.errstate(all="ignore"):
        p = model.predict(grid, batch_size=len(grid))[:, 0]
    return np.nan_to_num(p, nan=0.5).reshape(points, points)


def boundary_lines(grid, box):
    """The decision boundary p = 0.5 of a probability grid (points, points) over box:
    a list of polylines, each an array (k, 2) of (x1, x2) points (empty: no boundary)."""
    xs = np.linspace(box[0], box[1], grid.shape[1])
    ys = np.linspace(box[2], box[3], grid.shape[0])
    return contourpy.contour_generator(xs, ys, grid, line_type="Separate").lines(0.5)


def data_box(X, margin=0.2):
    """(xmin, xmax, ymin, ymax) around the points X (N, 2), with a margin, rounded
    outwards to multiples of 0.5 (so that it rarely changes: fewer full redraws)."""
    low = np.floor((X.min(axis=0) - margin) * 2) / 2
    high = np.ceil((X.max(axis=0) + margin) * 2) / 2
    return float(low[0]), float(high[0]), float(low[1]), float(high[1])


def loss_axis_top(curves):
    """Top of the loss axis: 1 (a cross-entropy starts near log 2 = 0.69), or more
    when a curve goes higher (in steps of 1, capped at 5)."""
    values = np.r_[curves["loss"], curves["val_loss"]]
    values = values[np.isfinite(values)]
    highest = float(values.max()) if values.size else 1.0
    return float(min(max(np.ceil(highest * 1.05), 1.0), 5.0))


def architecture(hidden, units, activation):
    """"2x8 relu" for 2 hidden layers of 8 relu units; "no hidden layer" for 0."""
    if hidden == 0:
        return "no hidden layer"
    return f"{hidden}x{units} {activation}"


class Playground(Explorer):
    """Controls: dataset, noise, hidden_layers, units, activation, learning_rate, l2, train."""

    def __init__(self, dataset="circles", noise=0.1, hidden_layers=2, units=8,
                 activation="relu", learning_rate=0.03, l2=0.0, steps=300, n_samples=200,
                 seed=0):
        if dataset not in DATASETS:
            raise ValueError(f"dataset must be one of {', '.join(DATASETS)}, "
                             f"but got {dataset!r}")
        if l2 not in L2_VALUES:
            raise ValueError(f"l2 must be one of {L2_VALUES}, but got {l2!r}")
        self.steps, self.n_samples, self.seed = steps, n_samples, seed
        self.cache = {}  # setting -> trained result (see _train)
        self.train_count = 0  # how many times a network was actually trained
        self._restart = 0  # "train again" presses: part of the setting, so cached too
        controls = {
            "dataset": dropdown(DATASETS, dataset, "data set"),
            "noise": _slider(widgets.FloatSlider, noise, 0.0, 0.5, 0.05, "noise"),
            "hidden_layers": int_slider(hidden_layers, 0, 3, "hidden layers",
                                        continuous=False),
            "units": int_slider(units, 1, 16, "units per layer", continuous=False),
            "activation": dropdown(ACTIVATIONS, activation, "activation"),
            "learning_rate": log_slider(learning_rate, 1e-3, 1.0, "learning rate",
                                        continuous=False, fmt=".3g"),
            "l2": widgets.SelectionSlider(options=list(L2_VALUES), value=l2,
                                          description="L2 lambda", continuous_update=False,
                                          style={"description_width": "initial"}),
            "train": widgets.Button(description="train again", icon="refresh",
                                    tooltip="new initial weights, train again"),
        }
        controls["train"].on_click(self._train_again)
        self._build_figure()
        # the two drop-downs and the button first, then the sliders two by two (a row
        # that does not fit wraps): nothing ends at the page's right edge
        rows = [["dataset", "activation", "train"], ["hidden_layers", "units"],
                ["learning_rate", "l2"], ["noise"]]
        super().__init__(controls, self.figure, rows=rows)

    def _build_figure(self):
        fig, (ax, ax_loss) = style.new_figure(1, 2, figsize=(9.6, 4.2),
                                              gridspec_kw={"width_ratios": [1, 1.1]})
        self.figure, self.ax, self.ax_loss = fig, ax, ax_loss
        self.regions = ax.imshow(np.full((2, 2), 0.5), origin="lower", cmap=REGION_CMAP,
                                 vmin=0, vmax=1, aspect="auto", interpolation="bilinear")
        self.boundary = LineCollection([], colors=style.BLACK, linewidths=1.2, zorder=2)
        ax.add_collection(self.boundary)
        self.train_points = ax.scatter([], [], s=18, edgecolors="white", linewidths=0.6,
                                       zorder=3, label="training")
        self.val_points = ax.scatter([], [], s=14, marker="D", edgecolors="black",
                                     linewidths=0.5, zorder=3, label="validation")
        (self.train_curve,) = ax_loss.plot([], [], color=style.ROLE["train"], label="training")
        (self.val_curve,) = ax_loss.plot([], [], color=style.ROLE["validation"],
                                         label="validation")
        ax_loss.legend(loc="upper right")
        # animated artists are drawn in this order, on top of the rest (axes, ticks, labels)
        self.animate(self.regions, self.boundary, self.train_points, self.val_points,
                     self.train_curve, self.val_curve)
        for spine in ax.spines.values():  # the picture is its own frame
            spine.set_visible(False)
        ax.set_title("P(class 1); points: training o, validation \u25c6",
                     fontsize=style.TITLE_SIZE)
        style.apply(ax, xlabel="x1", ylabel="x2", grid=False)
        style.apply(ax_loss, title="Loss (binary cross-entropy)", xlabel="step",
                    ylabel="loss")

    def _train_again(self, _button=None):
        """New initial weights (a new seed), then train and draw."""
        self._restart += 1
        self.redraw()

    def setting(self):
        """The key of the current setting in the cache."""
        v = self.values()
        return (v["dataset"], round(v["noise"], 6), v["hidden_layers"], v["units"],
                v["activation"], float(v["learning_rate"]), v["l2"], self._restart)

    def result(self):
        """The trained result for the current setting: from the cache, or trained now."""
        key = self.setting()
        if key not in self.cache:
            self.cache[key] = self._train(*key)
        return self.cache[key]

    def _train(self, dataset, noise, hidden, units, activation, learning_rate, l2, restart):
        X, y = make_dataset(dataset, self.n_samples, noise, self.seed)
        X_train, y_train, X_val, y_val, _, _ = data.train_val_test_split(
            X, y, val_fraction=0.5, test_fraction=0.0, seed=self.seed)
        model = build_mlp(hidden, units, activation, l2, seed=self.seed + 1000 * restart)
        curves = train(model, (X_train, y_train), (X_val, y_val), self.steps, learning_rate)
        self.train_count += 1
        box = data_box(X)
        return {"curves": curves, "box": box, "grid": probability_grid(model, box),
                "train": (X_train, y_train), "val": (X_val, y_val)}

    def update(self):
        v = self.values()
        result = self.result()
        self._draw_regions(result)
        curves = result["curves"]
        self._draw_curves(curves)
        name = f"{v['dataset']}, {architecture(v['hidden_layers'], v['units'], v['activation'])}"
        steps = len(curves["loss"])
        if curves["diverged"] or steps == 0:
            return f"{name}: the loss diverged at step {steps + 1}: lower the learning rate"
        return (f"{name}: train acc {curves['accuracy'][-1]:.2f}, "
                f"val acc {curves['val_accuracy'][-1]:.2f} after {steps} steps")

    def _draw_regions(self, result):
        box = result["box"]
        self.regions.set_data(result["grid"])
        self.regions.set_extent(box)
        self.boundary.set_segments(boundary_lines(result["grid"], box))
        (X_train, y_train), (X_val, y_val) = result["train"], result["val"]
        self.train_points.set_offsets(X_train)
        self.train_points.set_facecolors(POINT_CMAP(y_train.astype(float)))
        self.val_points.set_offsets(X_val)
        self.val_points.set_facecolors(POINT_CMAP(y_val.astype(float)))
        self.ax.set_xlim(box[0], box[1])
        self.ax.set_ylim(box[2], box[3])

    def _draw_curves(self, curves):
        steps = np.arange(1, len(curves["loss"]) + 1)
        self.train_curve.set_data(steps, curves["loss"])
        self.val_curve.set_data(steps, curves["val_loss"])
        self.ax_loss.set_xlim(0, max(self.steps, 1))
        self.ax_loss.set_ylim(0, loss_axis_top(curves))

    def background_key(self):
        """What the non-animated part of the picture depends on: the axis limits."""
        return self.ax.get_xlim(), self.ax.get_ylim(), self.ax_loss.get_ylim()


def _slider(cls, value, low, high, step, description):
    """A slider that reports its value only when released (training is not instant)."""
    return cls(value=value, min=low, max=high, step=step, description=description,
               continuous_update=False, style={"description_width": "initial"})


def playground(dataset="circles", noise=0.1, hidden_layers=2, units=8, activation="relu",
               learning_rate=0.03, l2=0.0, steps=300, n_samples=200, seed=0):
    """A TensorFlow-Playground-like panel: train a small network on a 2-D data set.

    Controls: data set (xor, circles, moons, spiral), noise, hidden layers (0-3),
    units per layer (1-16), activation (relu, tanh, sigmoid), learning rate
    (log scale), L2 lambda, and "train again" (new initial weights).
    ``steps`` full-batch Adam steps on half of ``n_samples`` points; the other
    half is the validation set. Results are cached per setting.

    Example: ``playground("spiral", hidden_layers=3, units=16, activation="tanh")``.
    """
    return Playground(dataset=dataset, noise=noise, hidden_layers=hidden_layers, units=units,
                      activation=activation, learning_rate=learning_rate, l2=l2, steps=steps,
                      n_samples=n_samples, seed=seed)

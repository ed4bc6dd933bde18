"""The playground: train a small network on a 2-D data set and watch it learn.

In the spirit of TensorFlow Playground (chapter 03). Choose

- the problem: classification (data sets xor, circles, moons, spiral, gauss) or
  regression (plane, gaussian), the noise and the train:test ratio;
- the input features (x1, x2, x1^2, x2^2, x1*x2, sin(pi*x1), sin(pi*x2));
- 0-6 hidden layers, each of 1-16 units (one count per layer, or the same for
  all), the activation;
- the learning rate, the batch size, L1 or L2 regularization and its rate;

and the explorer trains an nnedu ``Sequential`` with Adam and draws

- left: the network's output over the plane (classification: P(class 1), the
  p = 0.5 boundary in black; regression: the predicted value), with the training
  points (circles) and, with "show test data", the test points (diamonds);
  "discretize output" shows only the sign (class 0 or 1, value < 0 or > 0);
- right: the training and test loss after every epoch (``model.evaluate``, the
  same numbers as the readout).

When a control is released the network is trained for about ``steps`` gradient
steps (a few hundred, so that every setting shows a trained network at once),
and the result is cached per setting. Then "play" trains on, a few epochs per
tick, "step" trains one chunk, "reset" goes back to epoch 0 (the same initial
weights) and "train again" starts from new initial weights. "show network"
draws every neuron as a small heatmap and the weights as lines (see
network_picture.py); "show code" prints the nnedu code that builds and trains
exactly this model. The trained model is ``ex.model``, its data
``ex.train_data`` and ``ex.test_data``, and ``ex.code()`` is that code.
"""

import time
import warnings

import contourpy
import ipywidgets as widgets
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import LinearSegmentedColormap

from nnedu import data
from nnedu._validate import check_int
from nnedu.layers import Dense, Dropout
from nnedu.models import DivergenceWarning, Sequential
from nnedu.optimizers import Adam
from nnedu.regularizers import L1, L2
from nnedu.viz import style
from nnedu.viz._base import Explorer, dropdown, int_slider, log_slider

DATASETS = ("xor", "circles", "moons", "spiral", "gauss")  # classification
REGRESSION_DATASETS = ("plane", "gaussian")
PROBLEMS = {"classification": DATASETS, "regression": REGRESSION_DATASETS}
ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
REGULARIZATIONS = ("L2", "L1")
L2_VALUES = (0.0, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1)  # also the dropout explorer's
RATE_VALUES = L2_VALUES + (0.3, 1.0)  # the playground's regularization rates
BATCH_SIZES = (("1", 1), ("2", 2), ("5", 5), ("10", 10), ("20", 20), ("50", 50), ("all", 0))
MAX_HIDDEN_LAYERS, MAX_UNITS = 6, 16
UNIT_CONTROLS = tuple(f"units_{i}" for i in range(1, MAX_HIDDEN_LAYERS + 1))  # one per layer
GRID_POINTS = 60  # the output picture is GRID_POINTS x GRID_POINTS
STEP_UPDATES = 10  # "step" and each tick of "play": about this many gradient steps
PLAY_SECONDS = 0.25  # ... but a tick of "play" stops after this long (the kernel keeps up)
PLAY_INTERVAL_MS, MAX_PLAY_INTERVAL_MS = 300, 2000  # the Play widget's ticks
# Class colours (colour-blind safe) for the points, and a paler version of the same
# for the regions: P(class 1) from vermillion (class 0) through white to blue (class 1).
POINT_CMAP = LinearSegmentedColormap.from_list(
    "nnedu_points", [style.ROLE["negative"], style.ROLE["positive"]])
REGION_CMAP = LinearSegmentedColormap.from_list(
    "nnedu_regions",
    [style.pale(style.ROLE["negative"]), "#FFFFFF", style.pale(style.ROLE["positive"])])
# data set name -> (the function of nnedu.data that makes it, shift that centres it)
MAKERS = {"xor": ("make_xor", None), "circles": ("make_circles", None),
          "moons": ("make_moons", (0.5, 0.25)), "spiral": ("make_spirals", None),
          "gauss": ("make_gauss", None), "plane": ("make_plane", None),
          "gaussian": ("make_hills", None)}


def problem_of(dataset):
    """"classification" or "regression": the kind of problem a data set poses."""
    return "regression" if dataset in REGRESSION_DATASETS else "classification"


def make_dataset(name, n_samples=200, noise=0.1, seed=0):
    """One of the 2-D data sets: X (n_samples, 2) float64 and y (n_samples,): int 0/1
    labels for the classification sets, float values for plane and gaussian."""
    if name not in MAKERS:
        raise ValueError(f"dataset must be one of {', '.join(DATASETS + REGRESSION_DATASETS)}"
                         f", but got {name!r}")
    function, shift = MAKERS[name]
    X, y = getattr(data, function)(n_samples=n_samples, noise=noise, seed=seed)
    if shift is not None:  # centre the moons on the origin, like the other sets
        X = X - np.array(shift)
    return X, y


def _regularizer(kind, rate):
    """L1(rate) or L2(rate); None when the rate is 0."""
    if not rate:
        return None
    return {"L1": L1, "L2": L2}[kind](rate)


def layer_units(hidden, units, limits=True):
    """The number of units of each hidden layer, a tuple of ``hidden`` ints in 1..MAX_UNITS
    (with ``limits``, the playground's; else any count >= 1, any number of layers).

    ``units``: one int for every layer (``layer_units(3, 8)`` -> (8, 8, 8)), or one
    count per layer (``layer_units(3, (8, 4, 2))`` -> (8, 4, 2)). ``hidden`` None:
    as many layers as counts (or 2 for an int). TypeError for a non-int, ValueError
    for a count outside 1..MAX_UNITS or a sequence whose length is not ``hidden``.
    """
    if isinstance(units, (list, tuple, range, np.ndarray)):
        counts = tuple(check_int(u, f"units[{i}]") for i, u in enumerate(units))
        hidden = len(counts) if hidden is None else check_int(hidden, "hidden_layers")
        if len(counts) != hidden:
            raise ValueError(f"units gives {len(counts)} counts {counts}, one per hidden layer,"
                             f" but hidden_layers is {hidden}: give {hidden} counts or one int")
    else:
        if isinstance(units, str) or not hasattr(units, "__index__"):
            raise TypeError("units must be an int or a sequence of ints (one per hidden "
                            f"layer), but got {type(units).__name__}: {units!r}")
        hidden = 2 if hidden is None else check_int(hidden, "hidden_layers")
        counts = (check_int(units, "units"),) * max(hidden, 0)
    if hidden < 0 or (limits and hidden > MAX_HIDDEN_LAYERS):
        raise ValueError(f"hidden_layers must be in 0..{MAX_HIDDEN_LAYERS}, but got {hidden}")
    if any(u < 1 or (limits and u > MAX_UNITS) for u in counts):
        allowed = f"in 1..{MAX_UNITS}" if limits else ">= 1"
        raise ValueError(f"units must be {allowed} (per layer), but got {units!r}")
    return counts


def build_mlp(hidden, units, activation="relu", l2=0.0, seed=0, dropout=0.0, n_inputs=2,
              regularization="L2", output="sigmoid"):
    """A Sequential: ``hidden`` Dense layers, then Dense(1, output). ``units``: the
    units of every hidden layer (an int), or one count per layer (``(8, 4, 2)``).

    Inputs are (N, n_inputs) (2: the points themselves); the output (N, 1) is
    P(class 1) with output="sigmoid", the predicted value with output="linear".
    ``l2`` > 0 puts a penalty of that rate on every kernel, L2 or L1 by
    ``regularization``; ``dropout`` > 0 adds a Dropout(dropout) layer after each
    hidden layer. Layer i uses seed ``seed + i``.
    """
    regularizer = _regularizer(regularization, l2)
    counts = layer_units(hidden, units, limits=False)
    layers = []
    for i in range(hidden):
        layers.append(Dense(counts[i], activation=activation, kernel_regularizer=regularizer,
                            input_shape=(n_inputs,) if i == 0 else None, seed=seed + i))
        if dropout:
            layers.append(Dropout(dropout, seed=seed + 100 + i))
    layers.append(Dense(1, activation=output, kernel_regularizer=regularizer,
                        input_shape=(n_inputs,) if hidden == 0 else None, seed=seed + hidden))
    return Sequential(layers)


def output_grid(model, box, features=("x1", "x2"), points=GRID_POINTS):
    """The model's output on a points x points grid over box = (xmin, xmax, ymin, ymax),
    each grid point turned into the input features first.

    Returns an array (points, points): row i is y = ymin + i * (ymax - ymin) / (points - 1).
    """
    xs = np.linspace(box[0], box[1], points)
    ys = np.linspace(box[2], box[3], points)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    with np.errstate(all="ignore"):
        out = model.predict(data.expand_features(grid, features), batch_size=len(grid))[:, 0]
    return np.asarray(out, dtype=float).reshape(points, points)


def probability_grid(model, box, points=GRID_POINTS, features=("x1", "x2")):
    """P(class 1) on a points x points grid over box (see output_grid); nan -> 0.5."""
    return np.nan_to_num(output_grid(model, box, features, points), nan=0.5)


def boundary_lines(grid, box, level=0.5):
    """The decision boundary p = level of a grid (points, points) over box: a list
    of polylines, each an array (k, 2) of (x1, x2) points (empty: no boundary)."""
    xs = np.linspace(box[0], box[1], grid.shape[1])
    ys = np.linspace(box[2], box[3], grid.shape[0])
    return contourpy.contour_generator(xs, ys, grid, line_type="Separate").lines(level)


def data_box(X, margin=0.2):
    """(xmin, xmax, ymin, ymax) around the points X (N, 2), with a margin, rounded
    outwards to multiples of 0.5 (so that it rarely changes: fewer full redraws)."""
    low = np.floor((X.min(axis=0) - margin) * 2) / 2
    high = np.ceil((X.max(axis=0) + margin) * 2) / 2
    return float(low[0]), float(high[0]), float(low[1]), float(high[1])


def loss_axis_top(curves, problem="classification"):
    """Top of the loss axis. Classification: 1 (a cross-entropy starts near
    log 2 = 0.69), or more when a curve goes higher (in steps of 1, capped at 5).
    Regression: the first of 0.1, 0.2, 0.5, 1, 2, 5 above the highest loss."""
    values = np.r_[curves["loss"], curves["val_loss"]]
    values = values[np.isfinite(values)]
    highest = float(values.max()) if values.size else 1.0
    if problem == "regression":
        return next((top for top in (0.1, 0.2, 0.5, 1.0, 2.0) if top >= highest * 1.05), 5.0)
    return float(min(max(np.ceil(highest * 1.05), 1.0), 5.0))


def architecture(hidden, units, activation):
    """"2x8 relu" for 2 hidden layers of 8 relu units, "8-4-2 relu" for layers of 8, 4
    and 2 units (``units`` an int or one count per layer); "no hidden layer" for 0."""
    if hidden == 0:
        return "no hidden layer"
    counts = layer_units(hidden, units)
    if len(set(counts)) == 1:
        return f"{hidden}x{counts[0]} {activation}"
    return "-".join(map(str, counts)) + f" {activation}"


# ---------------------------------------------------------------- one training run


class Run:
    """One network trained on one setting: its data, model, epoch and loss curves.

    ``settings``: a dict with dataset, noise, n_samples, seed (of the data and the
    split), train_ratio, features, hidden, units (one count per hidden layer, or
    one int for all), activation, learning_rate,
    regularization, rate, batch_size (0: all the training points) and init_seed
    (of the initial weights). The run does exactly what ``code()`` prints, so
    that code builds and trains the same model, to the last digit.

    curves: "loss", "val_loss" (and "accuracy", "val_accuracy" for classification)
    are lists with one entry per epoch, from epoch 0 (before training):
    ``model.evaluate`` on the training and on the test data.
    """

    def __init__(self, settings):
        s = self.settings = dict(settings)
        self.problem = problem_of(s["dataset"])
        X, y = make_dataset(s["dataset"], s["n_samples"], s["noise"], s["seed"])
        X_train, y_train, _, _, X_test, y_test = data.train_val_test_split(
            X, y, val_fraction=0.0, test_fraction=_test_fraction(s["train_ratio"]),
            seed=s["seed"])
        self.points = (X_train, y_train), (X_test, y_test)
        self.train_data = (data.expand_features(X_train, s["features"]), y_train)
        self.test_data = (data.expand_features(X_test, s["features"]), y_test)
        self.box = data_box(X)
        output = "linear" if self.problem == "regression" else "sigmoid"
        self.model = build_mlp(s["hidden"], s["units"], s["activation"], s["rate"],
                               seed=s["init_seed"], n_inputs=len(s["features"]),
                               regularization=s["regularization"], output=output)
        self.model.compile(optimizer=Adam(learning_rate=s["learning_rate"]), **self._loss())
        self.epoch, self.diverged = 0, False
        self.curves = {key: [] for key in self._curve_names()}
        self._record()

    def _loss(self):
        if self.problem == "regression":
            return {"loss": "mse"}
        return {"loss": "binary_crossentropy", "metrics": ["accuracy"]}

    def _curve_names(self):
        names = ["loss", "val_loss"]
        return names + ["accuracy", "val_accuracy"] if self.problem == "classification" else names

    @property
    def batch_size(self):
        """The batch size used: the setting, or all the training points for 0."""
        n = len(self.train_data[1])
        return min(self.settings["batch_size"] or n, n)

    @property
    def batches_per_epoch(self):
        return -(-len(self.train_data[1]) // self.batch_size)  # ceil

    def epochs_for(self, updates):
        """How many epochs give at least ``updates`` gradient steps (at least 1)."""
        return max(1, -(-updates // self.batches_per_epoch))

    def train(self, epochs, seconds=None):
        """Train ``epochs`` more epochs (fewer when it diverges, or after ``seconds``)."""
        start = time.perf_counter()
        X, y = self.train_data
        for _ in range(epochs):
            if self.diverged:
                return
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", DivergenceWarning)
                with np.errstate(all="ignore"):
                    self.model.fit(X, y, batch_size=self.batch_size, epochs=1, seed=self.epoch,
                                   verbose=0)
            self.epoch += 1
            self._record()
            self.diverged = any(issubclass(w.category, DivergenceWarning) for w in caught) \
                or not np.isfinite(self.curves["loss"][-1])
            if seconds is not None and time.perf_counter() - start > seconds:
                return

    def _record(self):
        """Append model.evaluate on the training and the test data to the curves."""
        for prefix, (X, y) in (("", self.train_data), ("val_", self.test_data)):
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore", DivergenceWarning)
                values = np.atleast_1d(self.model.evaluate(X, y, batch_size=max(len(X), 1)))
            for name, value in zip(["loss", "accuracy"], values):
                self.curves[prefix + name].append(float(value))

    def code(self):
        """The Python (nnedu) that builds and trains this model: the same weights."""
        return _code(self.settings, self.problem, self.batch_size, self.epoch)


def _test_fraction(train_ratio):
    """The test share of the data for a train:test ratio (a fraction of training)."""
    return round(1.0 - train_ratio, 6)


def _code(s, problem, batch_size, epochs):
    """The source text of Run: data, split, features, model, compile, training loop."""
    function, shift = MAKERS[s["dataset"]]
    imports = ["import numpy as np", "", "from nnedu import data",
               "from nnedu.layers import Dense", "from nnedu.models import Sequential",
               "from nnedu.optimizers import Adam"]
    reg = ""
    if s["rate"]:
        imports.append(f"from nnedu.regularizers import {s['regularization']}")
        reg = f", kernel_regularizer={s['regularization']}({s['rate']!r})"
    centre = "" if shift is None else \
        f"X = X - np.array([{shift[0]}, {shift[1]}])  # centred on the origin\n"
    layers = ""
    counts = layer_units(s["hidden"], s["units"]) + (1,)  # the output: one unit
    for i in range(s["hidden"] + 1):
        hidden = i < s["hidden"]
        units = counts[i]
        activation = s["activation"] if hidden else \
            ("linear" if problem == "regression" else "sigmoid")
        shape = f", input_shape=({len(s['features'])},)" if i == 0 else ""
        layers += (f"    Dense({units}, activation={activation!r}{shape}{reg}, "
                   f"seed={s['init_seed'] + i}),\n")
    loss = '"mse"' if problem == "regression" else '"binary_crossentropy", metrics=["accuracy"]'
    n_train = round(s["n_samples"] * s["train_ratio"])
    return "\n".join(imports) + f"""

X, y = data.{function}(n_samples={s['n_samples']}, noise={s['noise']!r}, seed={s['seed']})
{centre}X_train, y_train, _, _, X_test, y_test = data.train_val_test_split(
    X, y, val_fraction=0.0, test_fraction={_test_fraction(s['train_ratio'])!r}, seed={s['seed']})
features = {list(s['features'])!r}
inputs_train = data.expand_features(X_train, features)  # shape ({n_train}, {len(s['features'])})
inputs_test = data.expand_features(X_test, features)

model = Sequential([
{layers}])
model.compile(optimizer=Adam(learning_rate={s['learning_rate']!r}), loss={loss})
for epoch in range({epochs}):  # one fit per epoch; seed=epoch: its shuffling order
    model.fit(inputs_train, y_train, batch_size={batch_size}, epochs=1, seed=epoch, verbose=0)
print("train:", model.evaluate(inputs_train, y_train, batch_size=len(inputs_train)))
print("test:", model.evaluate(inputs_test, y_test, batch_size=len(inputs_test)))
"""


# ---------------------------------------------------------------- the explorer


class Playground(Explorer):
    """Controls: problem, dataset, activation, train (button), the features x1 ... sin(pi*x2),
    hidden_layers, units (sets every layer's count), units_1 ... units_6 (the units of
    each hidden layer; only the first hidden_layers are shown), learning_rate,
    batch_size, regularization, l2 (its rate, L1 or L2), train_ratio, noise, show_test,
    discretize. Below them: play, step, reset, show network, show code (``ex.player``,
    ``ex.step()``, ``ex.reset()``)."""

    def __init__(self, dataset="circles", noise=0.1, hidden_layers=None, units=8,
                 activation="relu", learning_rate=0.03, l2=0.0, steps=300, n_samples=200,
                 seed=0, features=("x1", "x2"), regularization="L2", batch_size=0,
                 train_ratio=0.5, show_test=True, discretize=False):
        counts = layer_units(hidden_layers, units)  # TypeError / ValueError for bad ones
        hidden_layers = len(counts)
        _check_arguments(dataset, l2, features, regularization, batch_size, train_ratio)
        self.steps, self.n_samples, self.seed = steps, n_samples, seed
        self.cache = {}  # setting -> Run (trained, and trained on by play and step)
        self.train_count = 0  # how many times a network was trained for a new setting
        self._restart = 0  # "train again" presses: part of the setting, so cached too
        problem = problem_of(dataset)
        self._last_dataset = {"classification": "circles", "regression": "plane", problem: dataset}
        controls = _make_controls(problem, dataset, noise, counts, units, activation,
                                  learning_rate, l2, features, regularization, batch_size,
                                  train_ratio, show_test, discretize)
        controls["train"].on_click(self._train_again)
        self._build_player()
        self._build_figure()
        from nnedu.viz.network_picture import NetworkPicture

        self.network = NetworkPicture()
        rows = [["problem", "dataset", "activation"], list(data.FEATURES),
                ["hidden_layers", "units"], list(UNIT_CONTROLS),
                ["learning_rate", "batch_size"], ["regularization", "l2"], ["train_ratio", "noise"],
                ["show_test", "discretize", "train"]]
        self._show_unit_controls(controls)
        super().__init__(controls, self.figure, rows=rows)
        self.widget.children = (self.widget.children[0], self.player_box,
                                *self.widget.children[1:], self.network_output,
                                self.code_widget)

    # -- the parts ----------------------------------------------------------
    def _build_player(self):
        """play / step / reset, the epoch, and the two optional views."""
        self.player = widgets.Play(value=0, min=0, max=10 ** 6, step=1, interval=PLAY_INTERVAL_MS,
                                   description="play", show_repeat=False)
        self.step_button = widgets.Button(description="step", icon="step-forward",
                                          tooltip="train a few more epochs")
        self.reset_button = widgets.Button(description="reset", icon="undo",
                                           tooltip="back to epoch 0, the same initial weights")
        self.epoch_label = widgets.HTML(value="")
        self.show_network = _checkbox(False, "show network")
        self.show_code = _checkbox(False, "show code")
        self.network_output = widgets.Output()
        self.code_widget = widgets.HTML(value="")
        self.player.observe(self._on_play, names="value")
        self.step_button.on_click(lambda _button: self.step())
        self.reset_button.on_click(lambda _button: self.reset())
        self.show_network.observe(lambda _change: self.redraw(), names="value")
        self.show_code.observe(lambda _change: self._show_code(), names="value")
        self.player_box = widgets.HBox(
            [self.player, self.step_button, self.reset_button, self.epoch_label,
             self.show_network, self.show_code], layout=widgets.Layout(flex_flow="row wrap"))

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
                                     linewidths=0.5, zorder=3, label="test")
        (self.train_curve,) = ax_loss.plot([], [], color=style.ROLE["train"], label="training")
        (self.val_curve,) = ax_loss.plot([], [], color=style.ROLE["validation"], label="test")
        ax_loss.legend(loc="upper right")
        # animated artists are drawn in this order, on top of the rest (axes, ticks, labels)
        self.animate(self.regions, self.boundary, self.train_points, self.val_points,
                     self.train_curve, self.val_curve)
        for spine in ax.spines.values():  # the picture is its own frame
            spine.set_visible(False)
        style.apply(ax, xlabel="x1", ylabel="x2", grid=False)
        style.apply(ax_loss, xlabel="epoch", ylabel="loss")

    # -- the setting and its run ----------------------------------------------
    def settings(self):
        """The current setting as Run's settings dict."""
        v = self.values()
        rate = v["l2"]
        return {"dataset": v["dataset"], "noise": round(v["noise"], 6),
                "n_samples": self.n_samples, "seed": self.seed,
                "train_ratio": round(v["train_ratio"], 6),
                "features": tuple(f for f in data.FEATURES if v[f]),
                "hidden": v["hidden_layers"],
                "units": tuple(v[name] for name in UNIT_CONTROLS[:v["hidden_layers"]]),
                "activation": v["activation"],
                "learning_rate": float(f"{v['learning_rate']:.4g}"),
                "regularization": v["regularization"] if rate else "L2", "rate": rate,
                "batch_size": v["batch_size"], "init_seed": self.seed + 1000 * self._restart}

    def setting(self):
        """The key of the current setting in the cache."""
        return tuple(self.settings().items())

    def result(self):
        """The Run of the current setting: from the cache, or trained now (None when
        no input feature is chosen)."""
        key = self.setting()
        if not dict(key)["features"]:
            return None
        if key not in self.cache:
            run = Run(dict(key))
            run.train(run.epochs_for(self.steps))
            self.cache[key] = run
            self.train_count += 1
        return self.cache[key]

    def _run(self):
        """The current Run; a ValueError when no input feature is chosen (no network)."""
        run = self.result()
        if run is None:
            raise ValueError("no input feature is chosen, so there is no network: "
                             f"tick at least one of {', '.join(data.FEATURES)}")
        return run

    @property
    def model(self):
        """The trained nnedu Sequential of the current setting (``summary()``, ``evaluate``)."""
        return self._run().model

    @property
    def train_data(self):
        """(inputs (N, k), targets (N,)): what the model is trained on (the chosen features)."""
        return self._run().train_data

    @property
    def test_data(self):
        """(inputs (M, k), targets (M,)): the test points, as the model sees them."""
        return self._run().test_data

    @property
    def epoch(self):
        """How many epochs the current network has been trained."""
        return self._run().epoch

    def code(self):
        """The nnedu code that builds and trains exactly ``ex.model`` (a string)."""
        return self._run().code()

    # -- play, step, reset, train again -------------------------------------------
    def step(self, epochs=None, seconds=None):
        """Train the current network on: ``epochs`` more epochs (default: about
        STEP_UPDATES gradient steps), then redraw."""
        run = self.result()
        if run is not None:
            run.train(epochs or run.epochs_for(STEP_UPDATES), seconds=seconds)
        self.redraw()

    def reset(self):
        """Back to epoch 0 of the current setting (the same initial weights)."""
        key = self.setting()
        if dict(key)["features"]:
            self.cache[key] = Run(dict(key))
        self.redraw()

    def _on_play(self, change):
        """A tick of play: train a few epochs and redraw. A tick that takes longer than the
        Play widget's interval slows the widget down, so that ticks never pile up (the
        ones sent before "pause" would otherwise go on training after it)."""
        if change["new"] <= change["old"]:  # the stop button sets the value back to 0
            return
        start = time.perf_counter()
        self.step(seconds=PLAY_SECONDS)
        took_ms = 1000 * (time.perf_counter() - start)
        if took_ms > 0.8 * self.player.interval:
            self.player.interval = int(min(MAX_PLAY_INTERVAL_MS, 1.5 * took_ms))

    def _train_again(self, _button=None):
        """New initial weights (a new seed), then train and draw."""
        self._restart += 1
        self.redraw()

    def _on_change(self, change):
        if change["owner"] is self.controls["problem"]:  # the data sets of that problem
            problem = change["new"]
            target = self._last_dataset[problem]  # read first: new options move the value
            with self.hold():
                self.controls["dataset"].options = list(PROBLEMS[problem])
                self.controls["dataset"].value = target
            self._last_dataset[problem] = target
            return
        if change["owner"] is self.controls["dataset"] and change["new"] is not None:
            self._last_dataset[problem_of(change["new"])] = change["new"]
        if change["owner"] is self.controls["units"]:  # every layer gets that many units
            with self.hold():
                for name in UNIT_CONTROLS:
                    self.controls[name].value = change["new"]
            return
        if change["owner"] is self.controls["hidden_layers"]:
            self._show_unit_controls(self.controls)
        self.redraw()

    @staticmethod
    def _show_unit_controls(controls):
        """Show the units_i box of each hidden layer; hide the others."""
        for i, name in enumerate(UNIT_CONTROLS):
            controls[name].layout.display = None if i < controls["hidden_layers"].value \
                else "none"

    # -- drawing ------------------------------------------------------------
    def update(self):
        v = self.values()
        run = self.result()
        problem = problem_of(v["dataset"])
        self._draw_titles(problem)
        if run is None:
            self._draw_empty()
            self.epoch_label.value = "<b>epoch</b> -"
            return f"{v['dataset']}: choose at least one input feature"
        grid = self._shown_grid(run)
        self._draw_regions(run, grid)
        self._draw_curves(run)
        self.epoch_label.value = f"<b>epoch</b> {run.epoch:,}"
        if self.show_network.value:
            self.network.update(run.model, run.settings["features"], run.box,
                                output_grid=grid if problem == "regression" else 2 * grid - 1)
        if self.show_code.value:
            self._show_code()
        return self._readout(run)

    def _readout(self, run):
        s, curves = run.settings, run.curves
        name = f"{s['dataset']}, {architecture(s['hidden'], s['units'], s['activation'])}"
        if s["features"] != ("x1", "x2"):
            name += " on " + ", ".join(s["features"])
        if s["rate"]:
            name += f", {s['regularization']} {s['rate']:g}"
        if run.diverged:
            return f"{name}: the loss diverged at epoch {run.epoch}: lower the learning rate"
        text = (f"{name}: epoch {run.epoch}, train loss {curves['loss'][-1]:.3f}, "
                f"test loss {curves['val_loss'][-1]:.3f}")
        if run.problem == "classification":
            text += (f" (accuracy {curves['accuracy'][-1]:.2f} train, "
                     f"{curves['val_accuracy'][-1]:.2f} test)")
        return text

    def _shown_grid(self, run):
        """The output over the plane as drawn: discretized when asked (class 0/1, sign)."""
        grid = output_grid(run.model, run.box, run.settings["features"])
        if run.problem == "classification":
            grid = np.nan_to_num(grid, nan=0.5)
            return (grid >= 0.5).astype(float) if self.controls["discretize"].value else grid
        grid = np.nan_to_num(grid, nan=0.0)
        return np.sign(grid) if self.controls["discretize"].value else np.clip(grid, -1, 1)

    def _draw_titles(self, problem):
        what = "P(class 1)" if problem == "classification" else "the network's output"
        self.ax.set_title(f"{what}; points: training o, test \u25c6", fontsize=style.TITLE_SIZE)
        loss = "binary cross-entropy" if problem == "classification" else "mean squared error"
        self.ax_loss.set_title(f"Loss ({loss})", fontsize=style.TITLE_SIZE)
        self.regions.set_clim(*((0, 1) if problem == "classification" else (-1, 1)))

    def _draw_empty(self):
        self.regions.set_data(np.full((2, 2), 0.5))
        self.boundary.set_segments([])
        for artist in (self.train_points, self.val_points):
            artist.set_offsets(np.zeros((0, 2)))
        self.train_curve.set_data([], [])
        self.val_curve.set_data([], [])

    def _draw_regions(self, run, grid):
        box = run.box
        self.regions.set_data(grid)
        self.regions.set_extent(box)
        level = 0.5 if run.problem == "classification" else 0.0
        lines = [] if self.controls["discretize"].value and run.problem == "regression" \
            else boundary_lines(grid, box, level)
        self.boundary.set_segments(lines)
        (X_train, y_train), (X_test, y_test) = run.points
        shade = (lambda y: y.astype(float)) if run.problem == "classification" else \
            (lambda y: np.clip((y + 1) / 2, 0, 1))
        self.train_points.set_offsets(X_train)
        self.train_points.set_facecolors(POINT_CMAP(shade(y_train)))
        self.val_points.set_offsets(X_test)
        self.val_points.set_facecolors(POINT_CMAP(shade(y_test)))
        self.val_points.set_visible(self.controls["show_test"].value)
        self.ax.set_xlim(box[0], box[1])
        self.ax.set_ylim(box[2], box[3])

    def _draw_curves(self, run):
        epochs = np.arange(len(run.curves["loss"]))
        self.train_curve.set_data(epochs, run.curves["loss"])
        self.val_curve.set_data(epochs, run.curves["val_loss"])
        right = max(run.epochs_for(self.steps), 1)
        while right < run.epoch:  # playing on: the axis grows in steps (fewer full redraws)
            right *= 2
        self.ax_loss.set_xlim(0, right)
        self.ax_loss.set_ylim(0, loss_axis_top(run.curves, run.problem))

    def background_key(self):
        """What the non-animated part of the picture depends on: limits and titles."""
        return (self.ax.get_xlim(), self.ax.get_ylim(), self.ax_loss.get_xlim(),
                self.ax_loss.get_ylim(), self.ax.get_title(), self.ax_loss.get_title())

    # -- showing --------------------------------------------------------------
    def _show(self):
        super()._show()
        if not self.show_network.value:
            if self.network_output.outputs:
                self.network_output.clear_output()
            return
        from nnedu.viz._base import _in_kernel

        if _in_kernel():
            from IPython.display import Image, clear_output, display

            with self.network_output:
                clear_output(wait=True)
                display(Image(data=self.network_png(), format="png"))

    def network_png(self):
        """The network picture as PNG bytes (drawn in full: it is not blitted)."""
        import io

        buffer = io.BytesIO()
        self.network.figure.savefig(buffer, format="png", dpi=self.network.figure.dpi)
        return buffer.getvalue()

    def _show_code(self):
        import html

        self.code_widget.value = ("" if not self.show_code.value or self.result() is None else
                                  f"<pre>{html.escape(self.code())}</pre>")


def _check_arguments(dataset, rate, features, regularization, batch_size, train_ratio):
    """ValueError for an argument that no control could show."""
    if dataset not in DATASETS + REGRESSION_DATASETS:
        raise ValueError(f"dataset must be one of {', '.join(DATASETS + REGRESSION_DATASETS)}"
                         f", but got {dataset!r}")
    if rate not in RATE_VALUES:
        raise ValueError(f"l2 must be one of {RATE_VALUES} (the regularization rate), "
                         f"but got {rate!r}")
    if isinstance(features, str) or any(f not in data.FEATURES for f in features):
        raise ValueError(f"features must be a list of names from {data.FEATURES}, "
                         f"but got {features!r}")
    if regularization not in REGULARIZATIONS:
        raise ValueError(f"regularization must be one of {REGULARIZATIONS}, "
                         f"but got {regularization!r}")
    if batch_size not in [b for _, b in BATCH_SIZES]:
        raise ValueError(f"batch_size must be one of 1, 2, 5, 10, 20, 50 or 0 (all), "
                         f"but got {batch_size!r}")
    if not 0.1 <= train_ratio <= 0.9:
        raise ValueError(f"train_ratio must be in [0.1, 0.9], but got {train_ratio!r}")


def _make_controls(problem, dataset, noise, counts, units, activation, learning_rate,
                   l2, features, regularization, batch_size, train_ratio, show_test,
                   discretize):
    """The playground's controls, by name, in the order they are shown. ``counts``: the
    units of each hidden layer (layer_units); ``units`` the argument (int or counts)."""
    if not counts:  # no hidden layer: every box gets the int (8 when none was given)
        every = rest = units if isinstance(units, (int, np.integer)) else 8
    else:
        every = max(counts)  # the "units" slider: the widest layer
        rest = counts[-1]  # a layer added later starts like the last one
    per_layer = counts + (rest,) * (MAX_HIDDEN_LAYERS - len(counts))
    controls = {
        "problem": _narrow(dropdown(list(PROBLEMS), problem, "problem")),
        "dataset": _narrow(dropdown(PROBLEMS[problem], dataset, "data set")),
        "activation": _narrow(dropdown(ACTIVATIONS, activation, "activation")),
        "train": widgets.Button(description="train again", icon="refresh",
                                tooltip="new initial weights, train again"),
    }
    for name in data.FEATURES:
        controls[name] = _checkbox(name in features, name)
    controls.update({
        "hidden_layers": _short(int_slider(len(counts), 0, MAX_HIDDEN_LAYERS,
                                           "hidden layers", continuous=False)),
        "units": _short(int_slider(every, 1, MAX_UNITS, "units, every layer",
                                   continuous=False)),
        **{name: _unit_box(count, i + 1) for i, (name, count)
           in enumerate(zip(UNIT_CONTROLS, per_layer))},
        "learning_rate": log_slider(learning_rate, 1e-3, 1.0, "learning rate",
                                    continuous=False, fmt=".3g"),
        "batch_size": _short(_selection(BATCH_SIZES, batch_size, "batch size")),
        "regularization": _narrow(dropdown(REGULARIZATIONS, regularization,
                                           "regularization"), "210px"),
        "l2": _short(_selection(RATE_VALUES, l2, "rate")),
        "train_ratio": _short(widgets.FloatSlider(
            value=train_ratio, min=0.1, max=0.9, step=0.05, description="training share",
            readout_format=".0%", continuous_update=False,
            style={"description_width": "initial"})),
        "noise": _short(_slider(widgets.FloatSlider, noise, 0.0, 0.5, 0.05, "noise")),
        "show_test": _checkbox(show_test, "show test data"),
        "discretize": _checkbox(discretize, "discretize output"),
    })
    return controls


def _slider(cls, value, low, high, step, description):
    """A slider that reports its value only when released (training is not instant)."""
    return cls(value=value, min=low, max=high, step=step, description=description,
               continuous_update=False, style={"description_width": "initial"})


def _selection(options, value, description):
    """A SelectionSlider (options: values, or (label, value) pairs), reporting on release."""
    return widgets.SelectionSlider(options=list(options), value=value, description=description,
                                   continuous_update=False,
                                   style={"description_width": "initial"})


def _unit_box(value, layer):
    """A small box for the units of one hidden layer: type a number, or its arrows."""
    return widgets.BoundedIntText(value=value, min=1, max=MAX_UNITS, step=1,
                                  description=f"layer {layer}", continuous_update=False,
                                  style={"description_width": "initial"},
                                  layout=widgets.Layout(width="118px"))


def _checkbox(value, description):
    return widgets.Checkbox(value=value, description=description, indent=False,
                            layout=widgets.Layout(width="auto", margin="0 12px 0 0"))


def _short(control, width="360px"):
    """A shorter slider, so that two fit on a row of the notebook (a track ~200 px)."""
    control.layout = widgets.Layout(width=width)
    return control


def _narrow(control, width="250px"):
    control.layout = widgets.Layout(width=width)
    return control


def playground(dataset="circles", noise=0.1, hidden_layers=None, units=8, activation="relu",
               learning_rate=0.03, l2=0.0, steps=300, n_samples=200, seed=0,
               features=("x1", "x2"), regularization="L2", batch_size=0, train_ratio=0.5,
               show_test=True, discretize=False):
    """A TensorFlow-Playground-like panel: train a small network on a 2-D data set.

    Controls: problem (classification, regression), data set (xor, circles, moons,
    spiral, gauss; plane, gaussian), the input features (x1, x2, x1^2, x2^2, x1*x2,
    sin(pi*x1), sin(pi*x2)), hidden layers (0-6), the units of every layer (1-16),
    the units of each hidden layer (units_1 ... units_6, one box each), activation,
    learning rate (log scale), batch size (0: all the training points), L2 or L1
    regularization with its rate ``l2``, the training share of the points
    (``train_ratio``), noise, "show test data", "discretize output", "train again"
    (new initial weights); play / step / reset; "show network", "show code".
    Each setting first trains for about ``steps`` Adam steps on ``n_samples``
    points; results are cached per setting. ``ex.model`` is the trained model,
    ``ex.code()`` the code that builds it, ``ex.step()`` trains on.

    ``units``: an int (every hidden layer that wide) or one count per hidden layer,
    e.g. ``units=(8, 4, 2)``; ``hidden_layers`` defaults to the number of counts
    (2 for an int).

    Example: ``playground("spiral", hidden_layers=3, units=8, activation="tanh",
    features=["x1", "x2", "sin(pi*x1)", "sin(pi*x2)"])``.
    """
    return Playground(dataset=dataset, noise=noise, hidden_layers=hidden_layers, units=units,
                      activation=activation, learning_rate=learning_rate, l2=l2, steps=steps,
                      n_samples=n_samples, seed=seed, features=features,
                      regularization=regularization, batch_size=batch_size,
                      train_ratio=train_ratio, show_test=show_test, discretize=discretize)

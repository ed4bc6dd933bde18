"""The initialization explorer: what the first weights do to a deep network (chapter 08).

A batch of inputs x ~ N(0, 1) goes forward through a deep MLP, every layer with
the same number of units, the same activation and weights from the same
initializer (biases are zero)::

    a_0 = x,    z_l = a_(l-1) @ W_l,    a_l = f(z_l),    l = 1 .. depth

Left: the histogram of the activations a_l of every layer, one ridge per layer
(layer 1 at the top). Right: their standard deviation and mean per layer, on a
log scale. What to look for:

- zeros: every unit computes the same number, so all units are identical
  (std 0) and stay so during training: the symmetry never breaks.
- random_normal with a large stddev: tanh and sigmoid saturate (piles at the
  ends), relu explodes; with a small stddev everything shrinks towards 0.
- glorot_uniform with tanh and he_normal with relu keep the spread about the
  same in every layer: that is what they were derived for.

Fast (a few ms for 20 layers), so the picture follows the sliders.
"""

import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator

from nnedu import activations, initializers
from nnedu.backend import to_numpy, xp
from nnedu.viz import style
from nnedu.viz._base import Explorer, dropdown, int_slider, log_slider

INITIALIZERS = ("zeros", "random_normal", "glorot_uniform", "he_normal")
ACTIVATIONS = ("tanh", "relu", "sigmoid")
MAX_DEPTH = 20
BINS = 50
FLOOR = 1e-8  # stds and means below this are drawn at the bottom of the log axis


def forward_activations(x, kernels, activation="tanh"):
    """The activations of every layer of an MLP with zero biases.

    a_0 = x; z_l = a_(l-1) @ W_l; a_l = f(z_l) for l = 1 .. len(kernels).

    x: (batch, units); kernels: list of (units, units) arrays W_l.
    Returns a list with one (batch, units) NumPy array a_l per layer (computed
    with the active backend, then brought to the host for plotting).
    Overflow (relu with large weights) gives inf/nan without warnings.
    """
    f = activations.get(activation)
    layers, a = [], xp.asarray(x)
    with np.errstate(all="ignore"):  # exploding activations are part of the lesson
        for kernel in kernels:
            a = f(a @ kernel)
            layers.append(to_numpy(a))
    return layers


def make_kernels(initializer, depth, units, stddev=1.0, seed=0):
    """``depth`` kernels of shape (units, units) drawn by ``initializer``.

    ``stddev`` is used by random_normal only. Layer l uses seed ``seed + l``.
    """
    init = initializers.get(initializer)
    if initializer == "random_normal":
        return [init((units, units), seed=seed + l, stddev=stddev) for l in range(depth)]
    return [init((units, units), seed=seed + l) for l in range(depth)]


def layer_stats(a):
    """(mean, std) of all the activations of one layer; (nan, inf) when they overflowed."""
    with np.errstate(all="ignore"):
        if not np.all(np.isfinite(a)):
            return np.nan, np.inf
        std = float(a.std())
        return float(a.mean()), (std if np.isfinite(std) else np.inf)


def histogram_range(activation, layers):
    """The x range of the histograms: the activation's range, or for relu (which has
    no upper bound) a round number above the 99th percentile of the widest layer."""
    if activation == "tanh":
        return -1.0, 1.0
    if activation == "sigmoid":
        return 0.0, 1.0
    with np.errstate(all="ignore"):
        tops = [np.percentile(a, 99) for a in layers if np.all(np.isfinite(a))]
    top = max(tops, default=1.0)
    return 0.0, _round_up(top) if top > 1e-3 else 1.0


def ridge(values, low, high, baseline, height=0.85):
    """One ridge: the outline of the histogram of ``values`` on [low, high], scaled so
    that its tallest bar is ``height``, standing on ``baseline`` (the y axis points down).

    values: any shape (flattened; values outside [low, high] land in the end bins).
    Returns the polygon's vertices, shape (2 * BINS + 2, 2).
    """
    v = np.clip(values[np.isfinite(values)].ravel(), low, high)
    counts, edges = np.histogram(v, bins=BINS, range=(low, high))
    peak = max(counts.max(), 1) if counts.size else 1
    heights = baseline - height * np.repeat(counts / peak, 2)
    xs = np.repeat(edges, 2)[1:-1]
    return np.column_stack([np.r_[low, xs, high], np.r_[baseline, heights, baseline]])


class InitExplorer(Explorer):
    """Controls: depth, initializer, scale (stddev of random_normal), activation."""

    def __init__(self, depth=10, initializer="glorot_uniform", activation="tanh",
                 scale=1.0, units=100, batch_size=200, seed=0):
        _check_choice(initializer, INITIALIZERS, "initializer")
        _check_choice(activation, ACTIVATIONS, "activation")
        if not 1 <= depth <= MAX_DEPTH:
            raise ValueError(f"depth must be in [1, {MAX_DEPTH}], but got {depth!r}")
        self.seed, self.units = seed, units
        self.x = np.random.default_rng(seed).normal(size=(batch_size, units))
        self._kernels = {}  # initializer -> its MAX_DEPTH kernels, drawn once
        self.layers, self.means, self.stds = [], np.zeros(0), np.zeros(0)
        self._key = None
        controls = {
            "depth": int_slider(depth, 1, MAX_DEPTH, "depth"),
            "activation": dropdown(ACTIVATIONS, activation, "activation"),
            "initializer": dropdown(INITIALIZERS, initializer, "initializer"),
            "scale": log_slider(scale, 0.01, 10.0, "stddev (random_normal)", fmt=".3g"),
        }
        self._build_figure()
        super().__init__(controls, self.figure, rows=[["depth", "activation"],
                                                      ["initializer", "scale"]])

    def _build_figure(self):
        fig, (ax, ax_std) = style.new_figure(1, 2, figsize=(9.6, 4.4),
                                             gridspec_kw={"width_ratios": [1.3, 1]})
        self.figure, self.ax, self.ax_std = fig, ax, ax_std
        self.ridges = PolyCollection([], facecolors=style.SKY_BLUE, edgecolors=style.BLUE,
                                     linewidths=0.8)
        ax.add_collection(self.ridges)
        (self.std_line,) = ax_std.plot([], [], "-o", color=style.BLUE, ms=3.5, label="std")
        (self.mean_line,) = ax_std.plot([], [], "--s", color=style.ORANGE, ms=3,
                                        label="|mean|")
        ax_std.set_yscale("log")
        # few tick labels, in plain text ("1e-04", not mathtext): each one costs redraw time
        ax_std.yaxis.set_major_locator(LogLocator(numticks=6))
        ax_std.yaxis.set_minor_locator(NullLocator())
        ax_std.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0e}"))
        ax_std.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]))
        ax_std.legend(loc="upper right")
        self.animate(self.ridges, self.std_line, self.mean_line)
        style.apply(ax, title="Histogram of a_l in every layer", xlabel="activation value",
                    ylabel="layer l", grid=False)
        style.apply(ax_std, title="Spread per layer (0 drawn at 1e-8)", xlabel="layer l",
                    ylabel="std and |mean| of a_l")

    def background_key(self):
        """Axis limits and ticks: they change with depth, activation and relu's range."""
        return self._key

    def update(self):
        v = self.values()
        depth, name, act = v["depth"], v["initializer"], v["activation"]
        self.controls["scale"].disabled = name != "random_normal"
        kernels = self._kernels_for(name, v["scale"])[:depth]  # layer l: seed + l
        self.layers = forward_activations(self.x, kernels, act)
        stats = np.array([layer_stats(a) for a in self.layers])
        self.means, self.stds = stats[:, 0], stats[:, 1]
        xlim = self._draw_ridges(act)
        ylim = self._draw_stats()
        self._key = (depth, xlim, ylim)
        return self._readout(v)

    def _kernels_for(self, name, scale):
        """The MAX_DEPTH kernels of one initializer, drawn once and kept.

        random_normal's kernels are drawn once with stddev 1 and multiplied by
        the scale: N(0, s^2) is s * N(0, 1).
        """
        if name not in self._kernels:
            self._kernels[name] = make_kernels(name, MAX_DEPTH, self.units, 1.0, self.seed)
        if name == "random_normal":
            return [scale * kernel for kernel in self._kernels[name]]
        return self._kernels[name]

    def _draw_ridges(self, act):
        low, high = histogram_range(act, self.layers)
        self.ridges.set_verts([ridge(a, low, high, baseline=l + 1)
                               for l, a in enumerate(self.layers)])
        depth = len(self.layers)
        self.ax.set_xlim(low, high)
        self.ax.set_ylim(depth + 0.3, 0.0)  # layer 1 at the top: the input flows down
        self.ax.set_yticks(range(1, depth + 1, 1 if depth <= 10 else 2))
        return low, high

    def _draw_stats(self):
        """Std and |mean| per layer on the log axis; returns its y limits."""
        layer = np.arange(1, len(self.layers) + 1)
        stds = _for_log_axis(self.stds)
        self.std_line.set_data(layer, stds)
        self.mean_line.set_data(layer, _for_log_axis(np.abs(self.means)))
        top = _round_up(max(10.0, stds.max()) * 10)  # a round top: fewer full redraws
        self.ax_std.set_xlim(0.5, max(len(layer), 2) + 0.5)
        self.ax_std.set_ylim(FLOOR / 3, top)
        return top

    def _readout(self, v):
        name, depth = v["initializer"], v["depth"]
        if name == "random_normal":
            name = f"random_normal(stddev={v['scale']:.3g})"
        last = self.stds[-1]
        if not np.isfinite(last):
            result = "the last layer overflowed (inf)"
        elif last == 0:
            result = "std of last layer 0 (every unit identical)"
        else:
            result = f"std of last layer {last:.2g}"
        layers = "layer" if depth == 1 else "layers"
        return f"{v['activation']} + {name}, {depth} {layers}: {result}"


def _for_log_axis(values):
    """Values as a log axis can show them: below FLOOR -> FLOOR, nan/inf -> huge."""
    return np.clip(np.nan_to_num(values, nan=1e300, posinf=1e300), FLOOR, 1e300)


def _round_up(value):
    """The smallest of 1, 2, 5 times a power of ten that is >= value (> 0)."""
    exponent = np.floor(np.log10(value))
    for mantissa in (1.0, 2.0, 5.0, 10.0):
        if mantissa * 10.0**exponent >= value:
            return float(mantissa * 10.0**exponent)
    return float(10.0 ** (exponent + 1))


def _check_choice(value, choices, name):
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, but got {value!r}")


def init_explorer(depth=10, initializer="glorot_uniform", activation="tanh", scale=1.0,
                  units=100, batch_size=200, seed=0):
    """Histograms of the activations of every layer of a deep MLP at initialization.

    Controls: depth (1-20), activation (tanh, relu, sigmoid), initializer
    (zeros, random_normal, glorot_uniform, he_normal) and the stddev
    ``scale`` of random_normal. ``units`` per layer; ``batch_size`` inputs
    x ~ N(0, 1) of shape (batch_size, units).

    Example: ``init_explorer(activation="relu", initializer="he_normal")``.
    """
    return InitExplorer(depth=depth, initializer=initializer, activation=activation,
                        scale=scale, units=units, batch_size=batch_size, seed=seed)

"""The playground's network picture: a small heatmap per neuron, the weights as lines.

As in TensorFlow Playground: one column per layer (the input features, each
hidden layer, the output). Each neuron is a small square showing its output
over the same plane as the big picture (each square scaled to its own largest
value: blue where it is positive, vermillion where negative, white at 0). The
lines between neighbouring columns are the weights of the Dense layer that joins
them: the wider the line, the larger |w|; blue lines are positive weights,
vermillion ones negative.

The squares are ONE image (a mosaic) and the lines ONE LineCollection, so a
picture of a hundred neurons draws in a few tens of milliseconds.
"""

import itertools

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba

from nnedu import data
from nnedu.backend import float_dtype, to_numpy, xp
from nnedu.viz import style

TILE_PIXELS = 18  # each neuron's heatmap is TILE_PIXELS x TILE_PIXELS grid points
GAP = 1.6  # the least horizontal space between two columns, in tile widths (for the lines)
MAX_GAP = 5.0  # ... and the most (a small network is spread over the width, up to this)
ROW = 1.3  # the vertical distance between two neurons of a column, in tile heights
MAX_LINE_WIDTH = 3.5  # points, for the largest |w| of the network


def layer_outputs(model, inputs):
    """The output of every layer for a batch: [inputs (N, k), layer 1 (N, u1), ..., output].

    ``model``: a built Sequential of Dense layers; inputs (N, k) its input features.
    Computed in inference mode, layer after layer (``layer.forward(h)``), with the
    active backend; each output comes back to the host (``to_numpy``) for plotting.
    """
    h = xp.asarray(inputs, dtype=float_dtype())
    outputs = [to_numpy(h)]
    with np.errstate(all="ignore"):
        for layer in model.layers:
            h = layer.forward(h, training=False)
            outputs.append(to_numpy(h))
    return outputs


def column_gap(sizes, aspect):
    """The space between columns (tile widths) that fills a picture ``aspect`` times as
    wide as high: between GAP and MAX_GAP."""
    height = max(sizes) * ROW
    gap = (aspect * height - 1) / max(len(sizes) - 1, 1) - 1
    return float(np.clip(gap, GAP, MAX_GAP))


def column_positions(sizes, gap=GAP):
    """Where each neuron's square sits: for layer sizes (k, u1, ..., 1), a list of
    arrays (size, 2) of the squares' lower-left corners (x, y), in tile units, with
    the columns ``gap`` apart and centred vertically on the tallest one."""
    tallest = max(sizes)
    corners = []
    for c, size in enumerate(sizes):
        top = (tallest - size) * ROW / 2
        y = top + ROW * np.arange(size)[::-1]  # the first neuron at the top
        corners.append(np.stack([np.full(size, c * (1 + gap)), y], axis=1))
    return corners


def weight_segments(corners, kernels):
    """The lines of the weights: kernel W (n_in, n_out) of layer l joins the right edge
    of column l's square i to the left edge of column l+1's square j.

    Returns segments (M, 2, 2) and the weights (M,) in the same order (i, then j).
    """
    segments, values = [], []
    for (left, right), w in zip(itertools.pairwise(corners), kernels):
        start = left + [1.0, 0.5]  # the middle of each square's right edge
        end = right + [0.0, 0.5]
        for i in range(len(left)):
            for j in range(len(right)):
                segments.append([start[i], end[j]])
                values.append(w[i, j])
    return np.array(segments, dtype=float).reshape(-1, 2, 2), np.array(values, dtype=float)


def line_widths(weights):
    """Line width (points) of each weight: 0.3 + MAX_LINE_WIDTH * |w| / max |w|."""
    largest = np.max(np.abs(weights)) if weights.size else 0.0
    scale = np.abs(weights) / largest if largest > 0 else np.zeros_like(weights)
    return 0.3 + MAX_LINE_WIDTH * np.nan_to_num(scale)


def scaled(values):
    """A neuron's values (n,) scaled by their largest |value| into [-1, 1] (0 stays 0)."""
    values = np.nan_to_num(np.asarray(values, dtype=float))
    largest = np.max(np.abs(values))
    return values / largest if largest > 0 else values


class NetworkPicture:
    """A figure of the network: ``update(model, features, box, output_grid)`` redraws it.

    Attributes after an update: ``tiles`` (one (TILE_PIXELS, TILE_PIXELS) array per
    neuron, column by column, the values shown in [-1, 1]), ``weights`` (M,) and
    ``lines`` (the LineCollection: segments, widths and colours, one per weight).
    """

    def __init__(self, figsize=(9.6, 3.6)):
        from nnedu.viz.playground_explorer import REGION_CMAP

        self.cmap = REGION_CMAP
        from nnedu.viz._base import _fit_width

        self.figure, self.ax = style.new_figure(figsize=figsize)
        _fit_width(self.figure)  # at most the notebook's width: the browser need not shrink it
        self.image = self.ax.imshow(np.zeros((2, 2, 4)), origin="lower", interpolation="nearest",
                                    zorder=2)
        self.lines = LineCollection([], zorder=1)
        self.ax.add_collection(self.lines)
        self.ax.set_axis_off()
        self.labels = []
        self.tiles, self.weights = [], np.zeros(0)

    def update(self, model, features, box, output_grid=None):
        """Redraw for ``model`` (Dense layers) fed with ``features`` over ``box``.

        output_grid: optional (n, n) array of what the big picture shows, used for
        the output square (so that "discretize" shows there too).
        """
        xs = np.linspace(box[0], box[1], TILE_PIXELS)
        ys = np.linspace(box[2], box[3], TILE_PIXELS)
        grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
        outputs = layer_outputs(model, data.expand_features(grid, features))
        sizes = [out.shape[1] for out in outputs]
        width, height = self.figure.get_size_inches()
        corners = column_positions(sizes, column_gap(sizes, 0.85 * width / height))
        self.tiles = [scaled(out[:, j]).reshape(TILE_PIXELS, TILE_PIXELS)
                      for out in outputs for j in range(out.shape[1])]
        if output_grid is not None:
            self.tiles[-1] = _resample(output_grid, TILE_PIXELS)
        self._draw_mosaic(corners)
        kernels = [np.asarray(layer.kernel) for layer in model.layers if hasattr(layer, "kernel")]
        segments, self.weights = weight_segments(corners, kernels)
        self.lines.set_segments(segments)
        self.lines.set_linewidths(line_widths(self.weights))
        colours = np.where(self.weights[:, None] >= 0, to_rgba(style.ROLE["positive"], 0.7),
                           to_rgba(style.ROLE["negative"], 0.7))
        self.lines.set_colors(colours.reshape(-1, 4))
        self._label(corners, features)
        self.ax.set_xlim(-1.4, corners[-1][0, 0] + 1.2)
        self.ax.set_ylim(-0.6, max(sizes) * ROW + 0.1)

    def _draw_mosaic(self, corners):
        """All squares in one RGBA image; transparent between them."""
        width = corners[-1][0, 0] + 1
        height = max(len(c) for c in corners) * ROW
        scale = TILE_PIXELS  # image pixels per tile unit
        mosaic = np.zeros((int(np.ceil(height * scale)) + 1, int(np.ceil(width * scale)) + 1, 4))
        for tile, (x, y) in zip(self.tiles, np.concatenate(corners)):
            r, c = round(float(y) * scale), round(float(x) * scale)
            mosaic[r:r + TILE_PIXELS, c:c + TILE_PIXELS] = self.cmap((tile + 1) / 2)
        self.image.set_data(mosaic)
        self.image.set_extent((0, mosaic.shape[1] / scale, 0, mosaic.shape[0] / scale))

    def _label(self, corners, features):
        """Names under the input squares and a title over each column."""
        for text in self.labels:
            text.remove()
        self.labels = []
        for (x, y), name in zip(corners[0], features):
            self.labels.append(self.ax.text(x - 0.1, y + 0.5, name, ha="right", va="center",
                                            fontsize=style.TICK_SIZE))
        names = ["inputs"] + [f"layer {i}" for i in range(1, len(corners) - 1)] + ["output"]
        for column, name in zip(corners, names):
            self.labels.append(self.ax.text(column[0, 0] + 0.5, -0.35, name, ha="center",
                                            va="center", fontsize=style.TICK_SIZE))


def _resample(grid, points):
    """A (n, n) grid picked at points x points evenly spaced rows and columns."""
    index = np.round(np.linspace(0, grid.shape[0] - 1, points)).astype(int)
    return np.asarray(grid, dtype=float)[np.ix_(index, index)]

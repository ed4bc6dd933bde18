"""Pictures for backpropagation (chapter 06): a chain of sigmoid units, and shapes as boxes.

``sigmoid_chain(weights, biases, x, y)`` runs the chain x -> 1 -> 1 -> ... -> 1
of sigmoid units with the loss L = 1/2 (y - a_out)^2 through ``nnedu.graph.Value``
and returns the loss and every gradient.

``backprop_explorer()`` slides the depth, the weights, the biases, the input,
the target and the learning rate of that chain, and shows (left) how big each
layer's gradient is, on a log scale, next to the factor sigma'(0) = 0.25 per
layer, and (right) how the loss changes after one step with the correct
gradient and after one step with the sign flipped.

``draw_matmul_shapes(products)`` draws matrix products as boxes whose sides
are the matrices' shapes: the dimension-analysis trick of chapter 06 (only one
product of the available matrices has the shape of the gradient wanted).
"""

import numpy as np
from matplotlib import patches

from nnedu.graph import Value
from nnedu.viz import style
from nnedu.viz._base import Explorer, float_slider, int_slider

MAX_LAYERS = 8


def sigmoid_chain(weights, biases, x, y):
    """One forward and backward pass through a chain of 1-unit sigmoid layers.

    a_0 = x, a_l = sigmoid(w_l a_(l-1) + b_l) for l = 1..L, L = 1/2 (y - a_L)^2.
    weights, biases: L numbers each (layer 1 first). Returns a dict with
    "loss", "a" (the L activations), "dW" and "db" (L gradients each).

    >>> out = sigmoid_chain([1.0, 1.0, 1.0], [-0.5, -0.5, -0.5], x=0.5, y=1.0)
    >>> out["loss"], out["dW"][2], out["db"][0]
    (0.125, -0.0625, -0.0078125)
    """
    if len(weights) != len(biases) or not weights:
        raise ValueError(f"need as many weights as biases (at least one), but got "
                         f"{len(weights)} weights and {len(biases)} biases")
    w = [Value(v) for v in weights]
    b = [Value(v) for v in biases]
    a, activations = Value(x), []
    for wl, bl in zip(w, b):
        a = (wl * a + bl).sigmoid()
        activations.append(a.data)
    loss = 0.5 * (y - a) ** 2
    loss.backward()
    return {"loss": loss.data, "a": activations, "dW": [v.grad for v in w],
            "db": [v.grad for v in b]}


def chain_step(weights, biases, x, y, learning_rate, sign=1.0):
    """The loss after one gradient step w <- w - learning_rate * sign * dL/dw (all w and b).

    sign=1.0 is gradient descent; sign=-1.0 is the mistake of writing dL/da = y - a.
    Returns (loss before, loss after).
    """
    before = sigmoid_chain(weights, biases, x, y)
    new_w = [w - learning_rate * sign * g for w, g in zip(weights, before["dW"])]
    new_b = [b - learning_rate * sign * g for b, g in zip(biases, before["db"])]
    return before["loss"], sigmoid_chain(new_w, new_b, x, y)["loss"]


class BackpropExplorer(Explorer):
    """Controls: layers, weight, bias (every layer the same), x, y, learning_rate."""

    def __init__(self, layers=3, weight=1.0, bias=-0.5, x=0.5, y=1.0, learning_rate=0.1):
        controls = {
            "layers": int_slider(layers, 1, MAX_LAYERS, "layers L"),
            "weight": float_slider(weight, -3.0, 3.0, 0.1, "every weight w"),
            "bias": float_slider(bias, -3.0, 3.0, 0.1, "every bias b"),
            "x": float_slider(x, -3.0, 3.0, 0.1, "input x"),
            "y": float_slider(y, 0.0, 1.0, 0.05, "target y"),
            "learning_rate": float_slider(learning_rate, 0.01, 2.0, 0.01, "learning rate"),
        }
        fig, (self.ax_g, self.ax_l) = style.new_figure(1, 2, figsize=(10.0, 3.8))
        layers_x = np.arange(1, MAX_LAYERS + 1)
        self.bars = self.ax_g.bar(layers_x, np.ones(MAX_LAYERS), color=style.BLUE,
                                  label="|dL/dW_l| (backprop)")
        (self.quarter,) = self.ax_g.plot([], [], "o--", color=style.VERMILLION, ms=4,
                                         label="|dL/dW_L| × 0.25 per layer back")
        self.ax_g.set_yscale("log")
        self.ax_g.set_ylim(1e-9, 1e3)  # every |dL/dW| here is below 1: the legend sits above
        self.ax_g.set_xlim(0.4, MAX_LAYERS + 0.6)
        self.ax_g.set_xticks(layers_x)
        legend = self.ax_g.legend(loc="upper left", fontsize=style.TICK_SIZE)
        style.apply(self.ax_g, title="Gradient of each layer's weight",
                    xlabel="layer l (1 = nearest the input)", ylabel="|dL/dW_l| (log scale)")
        self.change_bars = self.ax_l.bar([0, 1], [0.0, 0.0],
                                         color=[style.GREEN, style.VERMILLION])
        self.change_text = [self.ax_l.text(k, 0, "", ha="center", fontsize=style.TEXT_SIZE)
                            for k in (0, 1)]
        zero = self.ax_l.axhline(0, color=style.GREY, lw=0.8)
        self.ax_l.set_xticks([0, 1])
        self.ax_l.set_xticklabels(["w - lr·dL/dw\n(right)", "w + lr·dL/dw\n(sign flipped)"])
        style.apply(self.ax_l, title="Loss change after one step",
                    ylabel="loss after − loss before")
        self.ylim = (-1.0, 1.0)
        # in the order of a full draw (bars, lines, texts, legend), so both look the same
        self.animate(*self.bars, *self.change_bars, self.quarter, zero, *self.change_text, legend)
        super().__init__(controls, fig, rows=[["layers", "weight", "bias"],
                                              ["x", "y", "learning_rate"]])

    def background_key(self):
        return self.ylim  # the right panel's axis is rescaled to the changes

    def update(self):
        c = self.values()
        n = int(c["layers"])
        weights, biases = [c["weight"]] * n, [c["bias"]] * n
        out = sigmoid_chain(weights, biases, c["x"], c["y"])
        grads = np.abs(out["dW"])
        for k, bar in enumerate(self.bars):
            bar.set_visible(k < n)
            bar.set_height(max(grads[k], 1e-12) if k < n else 1e-12)
        layer_ids = np.arange(1, n + 1)
        self.quarter.set_data(layer_ids, grads[-1] * 0.25 ** (n - layer_ids))
        changes = [after - before for before, after in
                   (chain_step(weights, biases, c["x"], c["y"], c["learning_rate"], s)
                    for s in (1.0, -1.0))]
        top = max(1e-6, *np.abs(changes)) * 1.35
        self.ylim = (-top, top)
        self.ax_l.set_ylim(*self.ylim)
        for bar, text, k, change in zip(self.change_bars, self.change_text, (0, 1), changes):
            bar.set_height(change)
            text.set_position((k, change))
            text.set_text(f"{change:+.2e}")
            text.set_va("bottom" if change >= 0 else "top")
        ratio = grads[0] / grads[-1] if grads[-1] > 0 else float("nan")
        return (f"L = {n}, x = {c['x']:g}, y = {c['y']:g}: loss {out['loss']:.4g}; |dL/dW_1| / |dL/dW_L| = {ratio:.3g}"
                f" (0.25^{n - 1} = {0.25 ** (n - 1):.3g}); one step changes the loss by "
                f"{changes[0]:+.3g} (right) and {changes[1]:+.3g} (sign flipped)")


def backprop_explorer(layers=3, weight=1.0, bias=-0.5, x=0.5, y=1.0, learning_rate=0.1):
    """Slide a chain of sigmoid units; see each layer's gradient and one step right and wrong.

    The defaults are chapter 06's worked example (x = 0.5, y = 1, every weight 1,
    every bias -0.5, learning rate 0.1): every pre-activation is 0, so each
    layer's gradient is 0.25 of the next one's.

    Example::

        ex = backprop_explorer()
        ex.controls["layers"].value = 6
        ex.readout   # "L = 6, x = 0.5, y = 1: loss 0.125; |dL/dW_1| / |dL/dW_L| = 0.000977 ..."
    """
    return BackpropExplorer(layers, weight, bias, x, y, learning_rate)


# ------------------------------------------------------------ shapes as boxes

def draw_matmul_shapes(products, ax=None, scale=0.35,
                       title="Dimension analysis: which product has the shape of the gradient?"):
    """Draw matrix products as boxes sized by their shapes; mark which fit the target.

    products: a list of (target, target_shape, left, left_shape, right, right_shape),
    e.g. ("dW", (3, 2), "Xᵀ", (3, 4), "dY", (4, 2)): one row of the picture, the
    product left @ right, and whether it has the shape of the target
    (✓), has another shape (✗) or cannot be multiplied at all (✗, the inner
    sizes differ). A box of shape (rows, cols) is cols wide and rows high.
    ax: an Axes to draw into (None makes a figure); title: above the boxes.
    Returns the Figure.
    """
    created = ax is None
    if created:
        _, ax = style.new_figure(figsize=(9.0, 4.0))
    y = 0.0
    for target, target_shape, left, left_shape, right, right_shape in products:
        rows = max(target_shape[0], left_shape[0], right_shape[0]) * scale
        x = _box(ax, 0.0, y, left_shape, left, scale)
        x = _symbol(ax, x, y, "@")
        x = _box(ax, x, y, right_shape, right, scale, color=style.ORANGE)
        x = _symbol(ax, x, y, "=")
        if left_shape[1] != right_shape[0]:
            verdict = f"✗ inner sizes {left_shape[1]} ≠ {right_shape[0]}: no product"
            color = style.VERMILLION
        else:
            shape = (left_shape[0], right_shape[1])
            ok = tuple(shape) == tuple(target_shape)
            x = _box(ax, x, y, shape, f"{left} {right}", scale,
                     color=style.GREEN if ok else style.VERMILLION)
            verdict = (f"✓ the shape of {target} {tuple(target_shape)}" if ok
                       else f"✗ {shape}, but {target} is {tuple(target_shape)}")
            color = style.GREEN if ok else style.VERMILLION
        ax.text(x + 0.3, y - rows / 2, verdict, va="center", fontsize=style.LABEL_SIZE,
                color=color)
        y -= rows + 0.55
    ax.set_xlim(-0.3, 12.5)
    ax.set_ylim(y + 0.2, 0.35)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(title, fontsize=style.TITLE_SIZE)
    if created:  # a figure as high as the boxes need, at the notebook's width
        ax.figure.set_size_inches(9.0, 9.0 * (0.15 - y) / 12.8 + 0.4)
    return ax.figure


def _box(ax, x, y, shape, label, scale, color=style.BLUE):
    """A rectangle cols*scale wide, rows*scale high, top-left at (x, y); returns its right x."""
    rows, cols = shape
    width, height = cols * scale, rows * scale
    ax.add_patch(patches.Rectangle((x, y - height), width, height, facecolor=color,
                                   alpha=0.35, edgecolor=color, lw=1.5))
    ax.text(x + width / 2, y - height / 2, f"{label}\n{rows}×{cols}", ha="center",
            va="center", fontsize=style.TEXT_SIZE)
    return x + width


def _symbol(ax, x, y, text):
    ax.text(x + 0.3, y - 0.5, text, ha="center", va="center", fontsize=style.TITLE_SIZE + 2)
    return x + 0.6


"""The softmax explorer: three logits -> probabilities, cross-entropy, gradient p - y.

    p_k = e^(z_k) / sum_j e^(z_j)          (softmax of the logits z)
    L   = -log p_true                      (cross-entropy for the true class)
    dL/dz = p - y                          (y: the one-hot true class)

Left: the probabilities as bars, the true class outlined. Right: the gradient
p - y: negative (push the logit up) only for the true class.
"""

import numpy as np

from nnedu.backend import to_numpy
from nnedu.losses import softmax_cross_entropy
from nnedu.viz import style
from nnedu.viz._base import Explorer, dropdown, float_slider

CLASSES = ("class 0", "class 1", "class 2")


class SoftmaxExplorer(Explorer):
    """Controls: z0, z1, z2 (the logits) and true_class."""

    def __init__(self, logits=(2.0, 1.0, 0.1), true_class=0):
        if len(logits) != 3:
            raise ValueError(f"softmax_explorer takes 3 logits, but got {len(logits)}")
        controls = {f"z{k}": float_slider(float(z), -5.0, 5.0, 0.1, f"logit z{k}")
                    for k, z in enumerate(logits)}
        controls["true_class"] = dropdown([(name, k) for k, name in enumerate(CLASSES)],
                                          int(true_class), "true class")
        fig, (ax_p, ax_g) = style.new_figure(1, 2, figsize=(7.6, 3.4))
        self.figure = fig
        x = np.arange(3)
        self.p_bars = ax_p.bar(x, [0.3] * 3, color=style.BLUE, edgecolor="black", linewidth=0)
        self.g_bars = ax_g.bar(x, [0.1] * 3, color=style.GREEN)
        self.p_text = [ax_p.text(k, 0, "", ha="center", va="bottom") for k in x]
        self.g_text = [ax_g.text(k, 0, "", ha="center", va="bottom") for k in x]
        self.loss_text = ax_p.text(0.98, 0.96, "", transform=ax_p.transAxes, ha="right",
                                   va="top", fontsize=style.LABEL_SIZE)
        ax_p.set_ylim(0, 1.32)   # room above the tallest bar's label for the loss text
        ax_g.set_ylim(-1.15, 1.15)
        ax_g.axhline(0, color=style.GREY, lw=0.8)
        for ax in (ax_p, ax_g):
            ax.set_xticks(x)
            ax.set_xticklabels(CLASSES)
        style.apply(ax_p, title="Probabilities p = softmax(z)", ylabel="p")
        style.apply(ax_g, title="Gradient dL/dz = p - y", ylabel="dL/dz")
        self.animate(*self.p_bars, *self.g_bars, *self.p_text, *self.g_text, self.loss_text)
        super().__init__(controls, fig, rows=[["z0", "z1", "z2"], ["true_class"]])

    def background_key(self):
        return "fixed axes"

    def update(self):
        z = np.array([[self.controls[f"z{k}"].value for k in range(3)]])  # (1, 3)
        true = self.controls["true_class"].value
        loss, grad = softmax_cross_entropy(z, np.array([true]))
        y = np.eye(3)[true]
        p = to_numpy(grad)[0] + y  # grad = (p - y) / N with N = 1
        for k in range(3):
            self.p_bars[k].set_height(p[k])
            self.p_bars[k].set_linewidth(2.5 if k == true else 0)
            self.p_bars[k].set_facecolor(style.VERMILLION if k == true else style.BLUE)
            self.p_text[k].set_text(f"{p[k]:.3f}")
            self.p_text[k].set_y(p[k] + 0.01)
            g = p[k] - y[k]
            self.g_bars[k].set_height(g)
            self.g_text[k].set_text(f"{g:+.3f}")
            self.g_text[k].set_y(g + 0.02 if g >= 0 else g - 0.02)
            self.g_text[k].set_va("bottom" if g >= 0 else "top")
        self.loss_text.set_text(f"cross-entropy -log p[{true}] = {loss:.3f}")
        return (f"true class {true}: p = [{p[0]:.3f}, {p[1]:.3f}, {p[2]:.3f}], cross-entropy "
                f"{loss:.4f}, p - y = [{p[0] - y[0]:+.3f}, {p[1] - y[1]:+.3f}, {p[2] - y[2]:+.3f}]")


def softmax_explorer(logits=(2.0, 1.0, 0.1), true_class=0):
    """Slide three logits; see softmax, the cross-entropy of the true class and p - y.

    logits: three numbers in [-5, 5]; true_class: 0, 1 or 2.

    Example::

        ex = softmax_explorer((2.0, 1.0, 0.1), true_class=0)
        ex.readout   # "... p = [0.659, 0.242, 0.099], cross-entropy 0.4170, ..."
    """
    return SoftmaxExplorer(logits, true_class)

"""The activation explorer: a function, its derivative, and the gradient after n layers.

Left: f(z) and f'(z) for z in [-5, 5]. Right: how much of a gradient is left
after passing back through n layers, on a log scale, two ways:

- best case, (max_z |f'(z)|)^k: even at the steepest point of sigmoid
  (f'(0) = 0.25) the gradient shrinks by 4 per layer;
- a chain of one-unit layers with weight 1 and bias 0, a_k = f(a_{k-1}) from
  a_0 = 1: the gradient d a_k / d a_0 = f'(a_0) f'(a_1) ... f'(a_{k-1}).

Both assume weights of 1: in a real network each layer also multiplies the gradient
by its weights, which can shrink it further or make up for the slopes. The left
panel's y-range follows the function shown (sigmoid lives in [0, 1], relu reaches 5).
"""

import numpy as np
from matplotlib.ticker import LogLocator, NullLocator

from nnedu import activations
from nnedu.viz import style
from nnedu.viz._base import Explorer, dropdown, float_slider, int_slider

FUNCTIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "swish",
             "mish", "softplus")
WITH_ALPHA = ("leaky_relu", "elu")  # the functions that take a parameter alpha
Z = np.linspace(-5, 5, 401)
MAX_LAYERS = 50


def evaluate(name, z, alpha):
    """f(z) and f'(z) for the activation ``name`` (alpha used by leaky_relu and elu)."""
    f, f_grad = activations.get(name), activations.get_grad(name)
    if name in WITH_ALPHA:
        return f(z, alpha=alpha), f_grad(z, alpha=alpha)
    return f(z), f_grad(z)


def chain_gradient(name, alpha, layers, a0=1.0):
    """d a_k / d a_0 for k = 0..layers in the chain a_k = f(a_{k-1}): shape (layers + 1,)."""
    grads, a, g = [1.0], a0, 1.0
    for _ in range(layers):
        value, slope = evaluate(name, np.array(a), alpha)
        g, a = g * float(slope), float(value)
        grads.append(g)
    return np.array(grads)


class ActivationExplorer(Explorer):
    """Controls: function, alpha, layers."""

    def __init__(self, function="sigmoid", alpha=0.1, layers=10):
        controls = {
            "function": dropdown(FUNCTIONS, function, "function"),
            "alpha": float_slider(alpha, 0.0, 2.0, 0.01, "alpha"),
            "layers": int_slider(layers, 1, MAX_LAYERS, "layers n"),
        }
        fig, (ax, ax_chain) = style.new_figure(1, 2, figsize=(7.6, 3.9))
        self.figure, self.ax, self.ax_chain = fig, ax, ax_chain
        (self.f_line,) = ax.plot(Z, Z, color=style.BLUE, lw=2, label="f(z)")
        (self.g_line,) = ax.plot(Z, Z, color=style.ORANGE, lw=2, ls="--", label="f'(z)")
        ax.axhline(0, color=style.GREY, lw=0.8)
        ax.axvline(0, color=style.GREY, lw=0.8)
        ax.set_xlim(-5, 5)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, frameon=False)
        style.apply(ax, title="The function and its derivative", xlabel="z", ylabel="value")
        k = np.arange(MAX_LAYERS + 1)
        (self.best,) = ax_chain.plot(k, k * 0 + 1.0, "--", color=style.GREY, lw=1.5,
                                     label="best case (max |f'|)^k")
        (self.chain,) = ax_chain.plot(k, k * 0 + 1.0, "-o", color=style.VERMILLION, ms=3,
                                      label="chain, w = 1, b = 0")
        ax_chain.set_yscale("log")
        ax_chain.yaxis.set_major_locator(LogLocator(numticks=6))
        ax_chain.yaxis.set_minor_locator(NullLocator())
        ax_chain.set_xlim(0, MAX_LAYERS)
        ax_chain.set_ylim(1e-30, 1e10)
        ax_chain.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, frameon=False)
        style.apply(ax_chain, title="Gradient left after k layers", xlabel="layer k",
                    ylabel="d a_k / d a_0")
        self.animate(self.f_line, self.g_line, self.best, self.chain)
        super().__init__(controls, fig)

    def background_key(self):
        return self.ax.get_ylim()  # the left y-range follows the function; nothing else moves

    def update(self):
        name = self.controls["function"].value
        alpha = self.controls["alpha"].value
        n = self.controls["layers"].value
        self.controls["alpha"].disabled = name not in WITH_ALPHA
        f, df = evaluate(name, Z, alpha)
        self.ax.set_ylim(*y_range(f, df))
        self.f_line.set_ydata(f)
        self.g_line.set_ydata(df)
        steepest = float(np.max(np.abs(df)))
        k = np.arange(n + 1)
        tiny = 1e-300  # a gradient of exactly 0 cannot be drawn on a log scale
        self.best.set_data(k, np.maximum(steepest ** k, tiny))
        grads = chain_gradient(name, alpha, n)
        self.chain.set_data(k, np.maximum(np.abs(grads), tiny))
        label = f"{name}({alpha:g})" if name in WITH_ALPHA else name
        return (f"{label}: max |f'| = {steepest:.3g}, so after {n} layers at most "
                f"{steepest ** n:.3g}; chain (w = 1, b = 0): {grads[-1]:.3g}")


def y_range(*curves):
    """(low, high) that holds every curve with a margin of 8 %, rounded to 0.1."""
    low = min(0.0, *(float(np.min(c)) for c in curves))
    high = max(1.0, *(float(np.max(c)) for c in curves))
    margin = 0.08 * (high - low)
    return np.floor((low - margin) * 10) / 10, np.ceil((high + margin) * 10) / 10


def activation_explorer(function="sigmoid", alpha=0.1, layers=10):
    """Pick an activation, slide its alpha, see f, f' and the gradient after n layers.

    function: one of FUNCTIONS ("sigmoid", "tanh", "relu", "leaky_relu", ...);
    alpha: the parameter of leaky_relu and elu, 0 to 2; layers: 1 to 50.

    Example::

        ex = activation_explorer("sigmoid", layers=10)
        ex.readout   # "sigmoid: max |f'| = 0.25, so after 10 layers at most 9.54e-07; ..."
    """
    return ActivationExplorer(function, alpha, layers)

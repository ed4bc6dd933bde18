"""Static pictures for the lessons: one neuron (chapter 01), a layered network (chapter 03).

Both return a ``matplotlib.figure.Figure`` drawn in the course style (see style.py)::

    from nnedu.viz.diagrams import neuron_figure, network_figure
    neuron_figure()                       # x1..x3 -> weights -> sum + b -> step -> y_hat
    network_figure((2, 3, 2))             # circles, every connection, the shapes of X, W, b, H
"""

import numpy as np
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from nnedu.viz import style

NODE_RADIUS = 0.22


def neuron_figure(n_inputs=3, figsize=(7.4, 3.0)):
    """One artificial neuron: inputs x_j, weights w_j, the sum z = w . x + b, the step, y_hat."""
    fig, ax = style.new_figure(figsize=figsize)
    ys = np.linspace(1.6, -1.6, n_inputs)
    names = [f"$x_{j + 1}$" for j in range(n_inputs - 1)] + ["$x_D$"]
    weights = [f"$w_{j + 1}$" for j in range(n_inputs - 1)] + ["$w_D$"]
    if n_inputs > 2:
        names[-2], weights[-2] = "$\\vdots$", ""
    sum_xy, step_xy, out_xy = (3.2, 0.0), (5.2, 0.0), (7.0, 0.0)
    for y, name, weight in zip(ys, names, weights):
        if name == "$\\vdots$":
            ax.text(0.0, y, name, ha="center", va="center", fontsize=style.LABEL_SIZE + 4)
            continue
        _node(ax, (0.0, y), name, style.SKY_BLUE)
        _arrow(ax, (NODE_RADIUS, y), (sum_xy[0] - 0.45, sum_xy[1] + 0.15 * y))
        ax.text(1.35, y * 0.62 + 0.12, weight, ha="center", va="bottom",
                fontsize=style.LABEL_SIZE + 1, color=style.VERMILLION)
    _node(ax, sum_xy, "$\\Sigma$", style.ORANGE, radius=0.45)
    ax.text(sum_xy[0], sum_xy[1] - 0.75, "$z = w \\cdot x + b$", ha="center", va="top",
            fontsize=style.LABEL_SIZE + 1)
    _arrow(ax, (sum_xy[0], 1.55), (sum_xy[0], 0.47))
    ax.text(sum_xy[0], 1.6, "bias $b$", ha="center", va="bottom", fontsize=style.LABEL_SIZE,
            color=style.VERMILLION)
    _arrow(ax, (sum_xy[0] + 0.45, 0.0), (step_xy[0] - 0.5, 0.0))
    ax.add_patch(FancyBboxPatch((step_xy[0] - 0.5, -0.4), 1.0, 0.8,
                                boxstyle="round,pad=0.05", facecolor=style.LIGHT_GREY,
                                edgecolor=style.BLACK))
    zs = np.array([-0.35, 0.0, 0.0, 0.35])
    ax.plot(step_xy[0] + zs, [-0.22, -0.22, 0.22, 0.22], color=style.BLACK, lw=1.5)
    ax.text(step_xy[0], -0.5, "step $H(z)$", ha="center", va="top", fontsize=style.LABEL_SIZE)
    _arrow(ax, (step_xy[0] + 0.55, 0.0), (out_xy[0] - NODE_RADIUS, 0.0))
    _node(ax, out_xy, "$\\hat y$", style.GREEN)
    ax.text(out_xy[0], -0.4, "1 if $z \\geq 0$\nelse 0", ha="center", va="top",
            fontsize=style.TEXT_SIZE)
    ax.text(0.0, -2.15, "inputs", ha="center", fontsize=style.LABEL_SIZE)
    ax.text(1.35, -2.15, "weights", ha="center", fontsize=style.LABEL_SIZE, color=style.VERMILLION)
    ax.text(sum_xy[0], -2.15, "weigh and add", ha="center", fontsize=style.LABEL_SIZE)
    ax.text(step_xy[0], -2.15, "compare with 0", ha="center", fontsize=style.LABEL_SIZE)
    ax.text(out_xy[0], -2.15, "output", ha="center", fontsize=style.LABEL_SIZE)
    _finish(ax, (-0.6, 7.6), (-2.4, 2.1), "One neuron: weigh, add, step")
    return fig


def network_figure(sizes=(2, 3, 2), figsize=(7.4, 3.9)):
    """A dense network with layer ``sizes`` and the shapes of X, W, b and H for N examples.

    The input column is X (N, D); between columns k and k+1 sits the kernel W (in, out)
    with its bias b (out,); the hidden columns are H (N, units); the last is the output.
    """
    fig, ax = style.new_figure(figsize=figsize)
    xs = np.arange(len(sizes)) * 3.0
    columns = [np.linspace(-(n - 1) / 2, (n - 1) / 2, n)[::-1] * 1.0 for n in sizes]
    for k in range(len(sizes) - 1):   # every connection first, under the circles
        for y0 in columns[k]:
            for y1 in columns[k + 1]:
                ax.plot([xs[k], xs[k + 1]], [y0, y1], color=style.GREY, lw=0.9, zorder=1)
        ax.text((xs[k] + xs[k + 1]) / 2, max(columns[k].max(), columns[k + 1].max()) + 0.55,
                f"$W_{k + 1}$: ({sizes[k]}, {sizes[k + 1]})\n$b_{k + 1}$: ({sizes[k + 1]},)",
                ha="center", va="bottom", fontsize=style.LABEL_SIZE, color=style.VERMILLION)
    top = max(len(c) for c in columns) / 2
    for k, (x, ys) in enumerate(zip(xs, columns)):
        last = k == len(sizes) - 1
        colour = style.SKY_BLUE if k == 0 else (style.GREEN if last else style.ORANGE)
        for j, y in enumerate(ys):
            _node(ax, (x, y), f"{j + 1}", colour)
        if k == 0:
            name, what = "X", "inputs"
        elif last:
            name, what = "output", "output layer"
        else:
            name, what = "H" if len(sizes) == 3 else f"$H_{k}$", "hidden layer"
        ax.text(x, -top - 0.45, f"{what}\n{name}: (N, {sizes[k]})", ha="center", va="top",
                fontsize=style.LABEL_SIZE)
    title = "-".join(str(n) for n in sizes) + " network: one row of X per example"
    _finish(ax, (xs[0] - 1.0, xs[-1] + 1.0), (-top - 1.5, top + 1.25), title)
    return fig


def _node(ax, xy, text, colour, radius=NODE_RADIUS):
    ax.add_patch(Circle(xy, radius, facecolor=colour, edgecolor=style.BLACK, lw=1.2, zorder=3))
    ax.text(*xy, text, ha="center", va="center", fontsize=style.LABEL_SIZE + 1, zorder=4)


def _arrow(ax, start, end):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12,
                                 color=style.BLACK, lw=1.1, zorder=2))


def _finish(ax, xlim, ylim, title):
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=style.TITLE_SIZE)

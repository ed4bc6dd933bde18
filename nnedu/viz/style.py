"""One plot style for the whole course: colours, font sizes, figures.

Every picture in the lessons, the explorers and ``LivePlot`` is drawn with
these helpers, so that the same thing always has the same colour and size.

The palette is Okabe and Ito's (2008) eight colours, chosen so that people with
the common forms of colour blindness can still tell them apart. ``COLORS`` lists
them in the order plots use them; ``ROLE`` names the colours that mean the same
thing everywhere (training curves are blue, validation curves orange, ...).

Figures are made with ``new_figure``: a ``matplotlib.figure.Figure`` drawn by
the Agg renderer, NOT by ``pyplot``. Such a figure never shows itself in a
notebook, so an explorer can display it exactly once, where it wants to.

Example::

    from nnedu.viz import style
    fig, ax = style.new_figure()
    ax.plot(x, y, color=style.ROLE["train"])
    style.apply(ax, title="Loss falls", xlabel="epoch", ylabel="loss")
"""

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

# Okabe-Ito colours, in the order plots use them.
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
SKY_BLUE = "#56B4E9"
YELLOW = "#F0E442"
BLACK = "#000000"
GREY = "#999999"
LIGHT_GREY = "#DDDDDD"

COLORS = (BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY_BLUE, YELLOW, BLACK)

ROLE = {
    "train": BLUE,
    "validation": ORANGE,
    "positive": BLUE,      # class 1 / a positive value
    "negative": VERMILLION,  # class 0 / a negative value
    "highlight": VERMILLION,
    "gradient": GREEN,
    "muted": GREY,
    "text": BLACK,
}

# Two diverging colour maps that stay readable for colour-blind readers.
CMAP_SEQUENTIAL = "viridis"
CMAP_DIVERGING = "RdBu_r"

TITLE_SIZE = 11
LABEL_SIZE = 10
TICK_SIZE = 9
TEXT_SIZE = 9

DPI = 100
FIGSIZE = (6.4, 4.0)  # inches; 640 x 400 pixels at DPI

RC_PARAMS = {
    "axes.titlesize": TITLE_SIZE,
    "axes.labelsize": LABEL_SIZE,
    "xtick.labelsize": TICK_SIZE,
    "ytick.labelsize": TICK_SIZE,
    "legend.fontsize": TEXT_SIZE,
    "font.size": LABEL_SIZE,
    "axes.prop_cycle": matplotlib.cycler(color=list(COLORS)),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "image.cmap": CMAP_SEQUENTIAL,
}


def color(i):
    """The i-th colour of the palette (wraps around after eight)."""
    return COLORS[i % len(COLORS)]


def pale(color, amount=0.55):
    """``color`` mixed with white, as an (r, g, b) tuple: amount 0 keeps it, 1 gives white.

    For backgrounds (decision regions, the convergence map) that markers stand out on.
    """
    return tuple(amount + (1 - amount) * c for c in to_rgb(color))


def new_figure(nrows=1, ncols=1, figsize=None, squeeze=True, **subplots_kw):
    """A new off-screen figure and its axes, in the course style.

    The figure has an Agg canvas of its own and is unknown to ``pyplot``, so it
    is never shown twice; ``constrained`` layout places the axes (an explorer
    freezes that layout after its first draw so redraws stay fast).

    Returns (fig, ax) like ``plt.subplots``: ax is one Axes when
    nrows = ncols = 1 and squeeze is True, else an array of shape (nrows, ncols)
    (or (n,) for a single row or column).
    """
    figsize = FIGSIZE if figsize is None else figsize
    with matplotlib.rc_context(RC_PARAMS):
        fig = Figure(figsize=figsize, dpi=DPI, layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(nrows, ncols, squeeze=squeeze, **subplots_kw)
    return fig, axes


def apply(ax, title=None, xlabel=None, ylabel=None, grid=True):
    """Put the course style on one Axes: sizes, light grid, no top/right frame."""
    if title is not None:
        ax.set_title(title, fontsize=TITLE_SIZE)
    if xlabel is not None:
        ax.set_xlabel(xlabel, fontsize=LABEL_SIZE)
    if ylabel is not None:
        ax.set_ylabel(ylabel, fontsize=LABEL_SIZE)
    ax.tick_params(labelsize=TICK_SIZE)
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    if grid:
        ax.grid(True, color=LIGHT_GREY, linewidth=0.6)
        ax.set_axisbelow(True)
    return ax


def context():
    """A ``with`` block in which pyplot and new artists use the course style."""
    return matplotlib.rc_context(RC_PARAMS)

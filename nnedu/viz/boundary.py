"""The decision boundary of a 2-D classifier: its score on a grid, and the data on top.

``draw_decision_boundary(score, X, y)`` evaluates ``score`` on a grid of points
covering the data, colours the plane by the sign of the score (the class the
model predicts there), draws the line score = 0 and scatters the data.
"""

import numpy as np

from nnedu.viz import style


def draw_decision_boundary(score, X, y, ax=None, resolution=60, threshold=0.0, title=None):
    """Colour the plane by ``score(points) > threshold`` and draw the points of each class.

    score: a function from points (M, 2) to scores (M,) (or (M, 1)); a point is
           predicted class 1 where its score is above ``threshold`` (0 for
           tanh/linear scores, 0.5 for probabilities).
    X: (N, 2) data; y: (N,) labels 0/1 (or -1/+1).
    resolution: grid points per axis (score is called once, on resolution**2 points).
    Returns the Figure.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (N, 2) (points in the plane), but has shape "
                         f"{X.shape}")
    positive = np.asarray(y) > (0 if np.min(y) < 0 else 0.5)
    if ax is None:
        _, ax = style.new_figure(figsize=(6.2, 4.0))
    (x0, x1), (y0, y1) = [(lo - 0.3, hi + 0.3) for lo, hi in zip(X.min(0), X.max(0))]
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    s = np.asarray(score(grid), dtype=np.float64).reshape(gx.shape)
    ax.contourf(gx, gy, (s > threshold).astype(float), levels=[-0.5, 0.5, 1.5],
                colors=[style.SKY_BLUE, style.ORANGE], alpha=0.3)
    if s.min() < threshold < s.max():
        ax.contour(gx, gy, s, levels=[threshold], colors=style.BLACK, linewidths=1.2)
    ax.scatter(*X[~positive].T, s=14, color=style.BLUE, label="class 0")
    ax.scatter(*X[positive].T, s=14, color=style.VERMILLION, marker="^", label="class 1")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=style.TICK_SIZE)  # off the data
    style.apply(ax, title=title or "Decision boundary (black line: score = threshold)",
                xlabel="x1", ylabel="x2")
    return ax.figure

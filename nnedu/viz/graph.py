"""Computation graphs drawn with matplotlib, and the graph explorer (chapter 05).

``draw_graph(F)`` draws the graph behind a ``nnedu.graph.Value``: one box per
value (its label, data and grad), one circle per operation, arrows from the
inputs to the output. The layout is by depth: the output on the right, each
value one column left of the first value that uses it. No graphviz needed.

``graph_explorer()`` puts sliders on the inputs of a small expression and
redraws the graph with the new forward values and backward gradients.
"""

from nnedu.graph import Value, topological_order
from nnedu.viz import style
from nnedu.viz._base import Explorer, float_slider

OP_NAMES = {"+": "+", "*": "×", "**2": "x²", "exp": "exp", "log": "log", "tanh": "tanh",
            "sigmoid": "σ", "relu": "relu"}


def draw_graph(value, ax=None):
    """Draw the computation graph that produced ``value``; returns the Figure.

    value: a Value (call ``value.backward()`` first to see gradients).
    ax: a matplotlib Axes to draw into; None makes a new figure sized to the graph.
    Readable up to about 30 values.

    Example::

        a, b = Value(2.0, label="a"), Value(4.0, label="b")
        F = (a * b).tanh(); F.label = "F"; F.backward()
        draw_graph(F)
    """
    if not isinstance(value, Value):
        raise TypeError(f"draw_graph expects a nnedu.graph.Value, but got {type(value).__name__}")
    if ax is None:
        columns, rows = _grid_size(_layout(value))
        # about 850 px of notebook width: at most 10 inches wide (a bigger graph is shrunk)
        _, ax = style.new_figure(figsize=(min(2.1 * columns + 0.6, 10), min(1.0 * rows + 0.8, 6)))
    _draw(value, ax)
    return ax.figure


def _layout(root):
    """Position of every value: {id(node): (column, row)}, output in the last column.

    A value's depth is its longest distance from the output; its column is
    (max depth - depth), so every arrow points right.
    """
    order = topological_order(root)
    depth = {id(root): 0}
    for node in reversed(order):  # the output first: children before their parents
        for parent in node._prev:
            depth[id(parent)] = max(depth.get(id(parent), 0), depth[id(node)] + 1)
    deepest = max(depth.values())
    positions, rows_used = {}, {}
    for node in order:
        column = deepest - depth[id(node)]
        row = rows_used.get(column, 0)
        rows_used[column] = row + 1
        positions[id(node)] = (column, row)
    return positions


def _grid_size(positions):
    columns = 1 + max(c for c, _ in positions.values())
    rows = 1 + max(r for _, r in positions.values())
    return columns, rows


def _xy(positions, node):
    """Axes coordinates of a value box: columns 2 apart (the op circle sits between)."""
    column, row = positions[id(node)]
    counts = {}
    for c, _ in positions.values():
        counts[c] = counts.get(c, 0) + 1
    return 2.0 * column, row - (counts[column] - 1) / 2


def _draw(root, ax):
    """Draw boxes, op circles and arrows; return the value texts in topological order."""
    positions = _layout(root)
    columns, rows = _grid_size(positions)
    size = style.TEXT_SIZE if len(positions) <= 12 else style.TEXT_SIZE - 2
    texts = []
    for node in topological_order(root):
        x, y = _xy(positions, node)
        texts.append(ax.text(x, y, _node_text(node), ha="center", va="center", fontsize=size,
                             family="monospace", zorder=3,
                             bbox={"boxstyle": "round,pad=0.35", "facecolor": "white",
                                   "edgecolor": style.BLUE, "lw": 1.2}))
        if node._op:
            ox = x - 1.0
            ax.text(ox, y, OP_NAMES.get(node._op, node._op), ha="center", va="center",
                    fontsize=size + 1, zorder=3,
                    bbox={"boxstyle": "circle,pad=0.3", "facecolor": style.ORANGE,
                          "edgecolor": "none", "alpha": 0.9})
            _arrow(ax, (ox + 0.2, y), (x - 0.45, y))
            for parent in node._prev:
                _arrow(ax, _right_edge(_xy(positions, parent)), (ox - 0.2, y))
    ax.set_xlim(-0.8, 2.0 * (columns - 1) + 0.8)
    ax.set_ylim(-rows / 2 - 0.1, rows / 2 + 0.1)
    ax.set_axis_off()
    return texts


def _right_edge(xy):
    return xy[0] + 0.45, xy[1]


def _arrow(ax, start, end):
    ax.annotate("", xy=end, xytext=start, zorder=2,
                arrowprops={"arrowstyle": "->", "color": style.GREY, "lw": 1.2,
                            "shrinkA": 0, "shrinkB": 0})


def _node_text(node):
    """Three lines: the label (or the number, for an unnamed constant), data, grad."""
    name = node.label or (f"{node.data:g}" if not node._op else node._op)
    return f"{name}\ndata {node.data:.4g}\ngrad {node.grad:.4g}"


# --------------------------------------------------------------------- the explorer

EXPRESSIONS = {
    "3(a+b)c": {"a": 2.0, "b": 4.0, "c": 8.0},
    "neuron": {"x1": 1.0, "x2": -2.0, "w1": 0.5, "w2": 0.25, "b": 0.5},
}


def build_expression(expression, inputs):
    """The graph of ``expression`` at the given inputs, after backward(); returns the output."""
    v = {name: Value(x, label=name) for name, x in inputs.items()}
    if expression == "3(a+b)c":
        u = v["a"] + v["b"]
        u.label = "u"
        w = u * v["c"]
        w.label = "v"
        out = 3 * w
        out.label = "F"
    else:
        s = v["x1"] * v["w1"] + v["x2"] * v["w2"]
        s.label = "x1w1 + x2w2"
        n = s + v["b"]
        n.label = "n"
        out = n.tanh()
        out.label = "o"
    out.backward()
    return out


class GraphExplorer(Explorer):
    """Controls: one slider per input of the expression ("a", "b", "c" or x1..b)."""

    def __init__(self, expression="3(a+b)c"):
        if expression not in EXPRESSIONS:
            raise ValueError(f"unknown expression {expression!r}; choose from "
                             f"{list(EXPRESSIONS)}")
        self.expression = expression
        controls = {name: float_slider(x, -10.0, 10.0, 0.1, name)
                    for name, x in EXPRESSIONS[expression].items()}
        root = build_expression(expression, EXPRESSIONS[expression])
        fig, ax = style.new_figure(figsize=(9.0, 3.6))
        self.texts = _draw(root, ax)
        title = "F = 3 (a + b) c" if expression == "3(a+b)c" else "o = tanh(x1 w1 + x2 w2 + b)"
        ax.set_title(f"{title}: forward values (data) and gradients dOut/dnode (grad)",
                     fontsize=style.TITLE_SIZE)
        self.animate(*self.texts)
        super().__init__(controls, fig)

    def background_key(self):
        return self.expression  # boxes move never; only their texts change

    def update(self):
        root = build_expression(self.expression, self.values())
        nodes = topological_order(root)
        for text, node in zip(self.texts, nodes):
            text.set_text(_node_text(node))
        inputs = {n.label: n for n in nodes if not n._op and n.label in self.controls}
        grads = ", ".join(f"d{root.label}/d{name}={inputs[name].grad:.4g}"
                          for name in self.controls)
        return f"{root.label} = {root.data:.6g}; {grads}"


def graph_explorer(expression="3(a+b)c"):
    """Slide the inputs of a small expression; see its graph with values and gradients.

    expression: "3(a+b)c" (F = 3 (a + b) c, the chapter's worked example, at
    a=2, b=4, c=8: F = 144, dF/da = dF/db = 24, dF/dc = 18) or "neuron"
    (o = tanh(x1 w1 + x2 w2 + b)).
    """
    return GraphExplorer(expression)


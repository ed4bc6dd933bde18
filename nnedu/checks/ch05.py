"""Checks for chapter 05, computation graphs and the chain rule.

Six exercises, easy to hard:

- ``binary_backward(op, a, b, dout)``: the backward rule of "+" and "*":
  (da, db) = (dout, dout) for a + b, (b dout, a dout) for a * b;
- ``unary_backward(op, x, dout, k=2)``: the backward rule of "exp", "tanh" and
  "pow" (x ** k): dx = local derivative * dout;
- ``fan_out_gradients(x, y)``: F = (x + y) * x, where x is used twice; returns
  (F, dF/dx, dF/dy) with dF/dx = (x + y) + x, the two paths added;
- ``topological_order(root)``: every Value the root depends on, each once,
  inputs before the values computed from them, the root last;
- ``finite_differences(f, x, h)``: centred differences
  (f(x + h e_i) - f(x - h e_i)) / 2h for every entry of x;
- ``neuron_gradients(x, w, b)``: o = tanh(w . x + b) and its gradients
  (o, do/dx, do/dw, do/db), the chain rule through a whole neuron.

The rules work entry by entry, so the checks pass NumPy arrays as well as
numbers; an answer must not change the arrays it was given.
"""

import numpy as np

from nnedu.checks._core import (
    call,
    diagnose,
    exercise,
    expect_close,
    expect_true,
    fail,
    kind_of,
)
from nnedu.graph import Value
from nnedu.graph import topological_order as _reference_order

_CHANGED = "return new arrays (b * dout, not b *= dout): the caller still needs the old ones."


_fail, _kind = fail, kind_of   # the core's: fail at once; what came back, in words


def _arrays_unchanged(originals, passed, names):
    """Fail if any array the student was given was changed in place."""
    for original, given, name in zip(originals, passed, names):
        if isinstance(original, np.ndarray) and not np.array_equal(original, given):
            _fail(f"your function changed its input {name} in place", _CHANGED)


def _pair(got, what):
    """The (first, second) of an answer that must be a pair, or a CheckFailed."""
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        _fail(f"expected a pair ({what}), got {_kind(got)}", f"end with `return {what}`.")
    return got


def _copies(*values):
    return [v.copy() if isinstance(v, np.ndarray) else v for v in values]


# ---------------------------------------------------------------------------
# Exercise 1: the backward rule of + and *
# ---------------------------------------------------------------------------

BINARY_CASES = [
    ("+", 2.0, 4.0, 24.0),                 # u = a + b in F = 3 (a + b) c: du = 3 c = 24
    ("*", 6.0, 8.0, 3.0),                  # v = u * c in F = 3 (a + b) c: dv = 3
    ("*", -1.5, 0.5, 2.0),
    ("+", np.array([1.0, -2.0, 3.0]), np.array([0.5, 0.0, -1.0]), np.array([2.0, -1.0, 0.5])),
    ("*", np.array([1.0, -2.0, 3.0]), np.array([0.5, 4.0, -1.0]), np.array([2.0, -1.0, 0.5])),
]


@exercise("05", "binary_backward", points=1)
def binary_backward(student_binary_backward):
    """Check (da, db) for out = a + b and out = a * b, given dout = dF/dout."""
    for op, a, b, dout in BINARY_CASES:
        want = (dout * np.ones_like(a), dout * np.ones_like(b)) if op == "+" else \
            (b * dout, a * dout)
        given = _copies(a, b, dout)
        da, db = _pair(call(student_binary_backward, op, *given), "da, db")
        if op == "+":
            mistakes = [((1.0, 1.0), ("the pass-through rule still multiplies by dout: "
                                     "da = db = 1 * dout, not 1.")),
                        ((a * dout, b * dout), ("for a + b the local derivatives are 1: "
                                               "da = db = dout."))]
            hint = "d(a + b)/da = d(a + b)/db = 1, so da = db = dout."
        else:
            mistakes = [((a * dout, b * dout), ("the inputs swap: da = b * dout and "
                                               "db = a * dout (d(a b)/da = b).")),
                        ((b, a), ("multiply by dout, the gradient arriving from above: "
                                 "da = b * dout.")),
                        ((dout, dout), "that is the rule of +; for a * b the inputs swap.")]
            hint = "d(a b)/da = b and d(a b)/db = a, each times dout."
        inputs = {"op": op, "a": a, "b": b, "dout": dout}
        hint = diagnose(_pair_values(da, db), [((np.broadcast_to(x, np.shape(a)) * 1.0,
                                                  np.broadcast_to(y, np.shape(b)) * 1.0), h)
                                                for (x, y), h in mistakes], hint)
        expect_close(da, want[0], what="da", inputs=inputs, hint=hint)
        expect_close(db, want[1], what="db", inputs=inputs, hint=hint)
        _arrays_unchanged((a, b, dout), given, ("a", "b", "dout"))


def _pair_values(da, db):
    """(da, db) as one array (2, ...) for comparing with a wrong pair, or None."""
    try:
        return np.array([np.asarray(da, dtype=float), np.asarray(db, dtype=float)])
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------------------
# Exercise 2: the backward rule of exp, tanh and pow
# ---------------------------------------------------------------------------

UNARY_CASES = [
    ("exp", 0.0, 1.0, None),
    ("exp", np.array([-1.0, 0.5, 2.0]), np.array([1.0, 2.0, -1.0]), None),
    ("tanh", 0.5, 1.0, None),
    ("tanh", np.array([-2.0, 0.0, 0.8813735870195432]), np.array([1.0, 0.5, 2.0]), None),
    ("pow", 3.0, 1.0, 2),
    ("pow", np.array([0.5, 2.0, 4.0]), np.array([1.0, -1.0, 0.5]), 3),
    ("pow", np.array([1.0, 4.0, 9.0]), np.array([2.0, 1.0, 1.0]), 0.5),
]


def _unary_mistakes(op, x, dout, k):
    """(wrong dx, hint) pairs for the typical slips of each rule."""
    if op == "exp":
        return [(np.exp(x), "multiply the local derivative e^x by dout."),
                (x * dout, "d(e^x)/dx = e^x, the function itself.")]
    if op == "tanh":
        return [((1 - x ** 2) * dout, ("1 - tanh(x)^2, not 1 - x^2: square the OUTPUT "
                                      "t = tanh(x).")),
                (1 - np.tanh(x) ** 2, "multiply the local derivative by dout."),
                (np.tanh(x) * dout, "d(tanh x)/dx = 1 - tanh(x)^2.")]
    return [(x ** (k - 1) * dout, "bring the exponent down: d(x^k)/dx = k x^(k-1)."),
            (k * x ** k * dout, "lower the exponent by one: k x^(k-1), not k x^k."),
            (k * x ** (k - 1), "multiply the local derivative by dout.")]


@exercise("05", "unary_backward", points=1)
def unary_backward(student_unary_backward):
    """Check dx for out = exp(x), tanh(x) and x ** k, given dout = dF/dout."""
    for op, x, dout, k in UNARY_CASES:
        local = {"exp": np.exp(x), "tanh": 1 - np.tanh(x) ** 2,
                 "pow": (k or 2) * x ** ((k or 2) - 1)}[op]
        given = _copies(x, dout)
        got = call(student_unary_backward, op, *given, **({"k": k} if k is not None else {}))
        hint = diagnose(got, _unary_mistakes(op, x, dout, k or 2),
                        "dx = (the local derivative of op at x) * dout.")
        inputs = {"op": op, "x": x, "dout": dout, **({"k": k} if k is not None else {})}
        expect_close(got, local * dout, what="dx", inputs=inputs, hint=hint)
        _arrays_unchanged((x, dout), given, ("x", "dout"))


# ---------------------------------------------------------------------------
# Exercise 3: a value used twice
# ---------------------------------------------------------------------------

@exercise("05", "fan_out_gradients", points=1)
def fan_out_gradients(student_fan_out):
    """Check (F, dF/dx, dF/dy) for F = (x + y) * x: x reaches F along two paths."""
    cases = [(2.0, 4.0), (-1.0, 3.0), (np.array([0.5, 1.0, -2.0]), np.array([1.0, -3.0, 0.5]))]
    for x, y in cases:
        u = x + y
        given = _copies(x, y)
        got = call(student_fan_out, *given)
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            _fail(f"expected a tuple (F, dF_dx, dF_dy), got {_kind(got)}",
                  "end with `return F, dF_dx, dF_dy`.")
        F, dx, dy = got
        inputs = {"x": x, "y": y}
        expect_close(F, u * x, what="F", inputs=inputs, hint="F = (x + y) * x.")
        hint = diagnose(dx, [(u, ("x is used twice: add the path through u = x + y "
                                 "(dF/du * du/dx = x * 1) to the direct one (u).")),
                             (x, ("x is used twice: add the direct path (dF/dx through "
                                 "the product = u = x + y) to the path through u."))],
                        "dF/dx = (x + y) + x: the gradients of both uses add up.")
        expect_close(dx, u + x, what="dF/dx", inputs=inputs, hint=hint)
        expect_close(dy, x * np.ones_like(y), what="dF/dy", inputs=inputs,
                     hint="y reaches F only through u = x + y: dF/dy = dF/du * 1 = x.")
        _arrays_unchanged((x, y), given, ("x", "y"))


# ---------------------------------------------------------------------------
# Exercise 4: topological order
# ---------------------------------------------------------------------------

def _graphs():
    """(name, root) for small graphs, from a single input to a deep chain."""
    lone = Value(3.0, label="a")
    a, b, c = Value(2.0, label="a"), Value(4.0, label="b"), Value(8.0, label="c")
    ab = a + b
    ab.label = "u"
    v = ab * c
    v.label = "v"
    worked = 3 * v
    worked.label = "F"
    p, q = Value(0.5, label="p"), Value(-1.5, label="q")
    u = p * q
    fan_out = u + u.tanh()
    x = Value(1.0, label="x")
    square = x * x + x
    deep = Value(0.1, label="x")
    for _ in range(300):
        deep = deep.tanh() + deep
    u.label = "u"
    return [("a lone input", lone), ("3 (a + b) c", worked), ("u + tanh(u), u = p q", fan_out),
            ("x * x + x", square), ("a 300-deep chain", deep)]


def _name(v):
    """A short name for a Value in a message: its label, else its operation and number."""
    return v.label or f"{v.op or 'input'} ({v.data:.3g})"


def _snapshot(root):
    return [(id(n), n.data, n.grad, tuple(id(p) for p in n.parents))
            for n in _reference_order(root)]


@exercise("05", "topological_order", points=2)
def topological_order(student_topological_order):
    """Check that the order lists every node once, parents before children, the root last."""
    for name, root in _graphs():
        want = _reference_order(root)
        before = _snapshot(root)
        got = call(student_topological_order, root)
        if _snapshot(root) != before:
            _fail(f"for {name} your function changed the graph (data, grad or parents)",
                  "only read node.parents; build a new list.")
        if not isinstance(got, (list, tuple)) or not all(isinstance(n, Value) for n in got):
            _fail(f"for {name} expected a list of Values, got {_kind(got)}",
                  "return the list `order`.")
        ids = [id(n) for n in got]
        counts = {i: ids.count(i) for i in set(ids)}
        twice = [n for n in got if counts[id(n)] > 1]
        expect_true(not twice, f"for {name}: {_name(twice[0]) if twice else ''} appears "
                    f"{counts[id(twice[0])] if twice else 0} times in your order",
                    hint="keep a set of the values already visited and skip them.")
        missing = [n for n in want if id(n) not in counts]
        expect_true(not missing, f"for {name}: your order has {len(got)} values, the graph "
                    f"{len(want)}", hint="visit the parents of the parents too, up to the inputs.")
        position = {i: k for k, i in enumerate(ids)}
        late = [(n, p) for n in got for p in n.parents if position[id(p)] > position[id(n)]]
        hint = ("your list is reversed: inputs FIRST, the root LAST." if got and got[0] is root
                and len(got) > 1 else "add a value only after all its parents are in the list.")
        expect_true(not late, f"for {name}: {_name(late[0][0]) if late else ''} comes before "
                    f"its parent {_name(late[0][1]) if late else ''}", hint=hint)
        expect_true(got[-1] is root, f"for {name}: the root is not the last value",
                    hint="the root depends on everything, so it comes last.")


# ---------------------------------------------------------------------------
# Exercise 5: finite differences
# ---------------------------------------------------------------------------

def _centred(f, x, h):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = h
        grad[i] = (f(x + step) - f(x - step)) / (2 * h)
    return grad


def _forward(f, x, h):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = h
        grad[i] = (f(x + step) - f(x)) / h
    return grad


FD_CASES = [
    ("3 (a + b) c", lambda v: 3 * (v[0] + v[1]) * v[2], np.array([2.0, 4.0, 8.0]), 1e-3),
    ("sum(x^3)", lambda v: float(np.sum(v ** 3)), np.array([1.0, -2.0, 0.5, 3.0]), 1e-3),
    ("sum(tanh(x)), x (2, 3)", lambda v: float(np.sum(np.tanh(v))),
     np.array([[0.1, -0.4, 1.2], [2.0, -1.0, 0.0]]), 1e-4),
]


@exercise("05", "finite_differences", points=1)
def finite_differences(student_gradient):
    """Check the centred-difference gradient of scalar functions, entry by entry."""
    for name, f, x, h in FD_CASES:
        given = x.copy()
        got = call(student_gradient, f, given, h)
        want = _centred(f, x, h)
        hint = diagnose(got, [
            (2 * want, "divide by 2h: x + h and x - h are 2h apart."),
            (_forward(f, x, h), "use CENTRED differences (f(x+h) - f(x-h)) / 2h, not one-sided."),
        ], "entry i: (f(x + h e_i) - f(x - h e_i)) / 2h, e_i the i-th unit vector.")
        if not np.array_equal(given, x):
            _fail(f"for f = {name} your function changed x in place",
                  "restore each entry after nudging it (or nudge a copy of x).")
        expect_close(got, want, what="the gradient", inputs={"f": name, "h": h},
                     hint=hint, rtol=1e-7, atol=1e-9)


# ---------------------------------------------------------------------------
# Exercise 6: putting it together, a whole neuron
# ---------------------------------------------------------------------------

@exercise("05", "neuron_gradients", points=2)
def neuron_gradients(student_neuron):
    """Check (o, do/dx, do/dw, do/db) for o = tanh(w . x + b)."""
    rng = np.random.default_rng(5)
    cases = [(np.array([2.0, 0.0]), np.array([-3.0, 1.0]), 6.8813735870195432),
             (np.array([1.0, -2.0]), np.array([0.5, 0.25]), 0.5),
             (rng.normal(size=5), rng.normal(size=5), -0.3)]
    for x, w, b in cases:
        n = float(w @ x + b)
        o = np.tanh(n)
        slope = 1 - o ** 2
        given = _copies(x, w)
        got = call(student_neuron, *given, b)
        if not isinstance(got, (tuple, list)) or len(got) != 4:
            _fail(f"expected a tuple (o, dx, dw, db), got {_kind(got)}",
                  "end with `return o, dx, dw, db`.")
        got_o, dx, dw, db = got
        inputs = {"x": x, "w": w, "b": b}
        expect_close(got_o, o, what="o", inputs=inputs, hint="o = tanh(w . x + b).")
        hint = diagnose(dw, [(x, ("go through tanh first: do/dn = 1 - o^2, then "
                                 "do/dw = (1 - o^2) * x.")),
                             ((1 - n ** 2) * x, "1 - o^2 with o = tanh(n), not 1 - n^2."),
                             (slope * w, ("do/dw_i = do/dn * x_i: the inputs swap, as for "
                                         "any product."))],
                        "n = w . x + b, do/dn = 1 - o^2, do/dw = do/dn * x.")
        expect_close(dw, slope * x, what="do/dw", inputs=inputs, hint=hint)
        hint = diagnose(dx, [(slope * x, ("do/dx_i = do/dn * w_i: the WEIGHT, not the "
                                         "input (the inputs of a product swap).")),
                             (w, "go through tanh first: do/dx = (1 - o^2) * w.")],
                        "do/dx = (1 - o^2) * w.")
        expect_close(dx, slope * w, what="do/dx", inputs=inputs, hint=hint)
        expect_close(db, slope, what="do/db", inputs=inputs,
                     hint="b is added to w . x, so do/db = do/dn * 1 = 1 - o^2.")
        _arrays_unchanged((x, w), given, ("x", "w"))

"""Tests for nnedu.checks.ch05: right answers pass, typical wrong answers fail with a named hint."""

import math

import numpy as np
import pytest
from checkhelpers import blank, fails_with

from nnedu.checks import ch05
from nnedu.checks._core import NOT_ATTEMPTED, registry

CHECKS = [ch05.binary_backward, ch05.unary_backward, ch05.fan_out_gradients,
          ch05.topological_order, ch05.finite_differences, ch05.neuron_gradients]


@pytest.mark.parametrize("check", CHECKS)
def test_not_attempted_is_reported_not_raised(check):
    result = check(blank)
    assert not result["passed"] and result["message"] == NOT_ATTEMPTED


def test_registry_lists_the_six_exercises():
    assert list(registry("05")) == ["binary_backward", "unary_backward", "fan_out_gradients",
                                    "topological_order", "finite_differences",
                                    "neuron_gradients"]


# ---------------------------------------------------------------- right answers

def binary_right(op, a, b, dout):
    if op == "+":
        return dout * np.ones_like(a), dout * np.ones_like(b)
    return b * dout, a * dout


def binary_alternative(op, a, b, dout):
    """Plain Python on lists entry by entry, returned as a list."""
    a_, b_, d_ = (np.atleast_1d(v).tolist() for v in (a, b, dout))
    if op == "+":
        out = [list(d_), list(d_)]
    else:
        out = [[bi * di for bi, di in zip(b_, d_)], [ai * di for ai, di in zip(a_, d_)]]
    return [np.reshape(out[0], np.shape(a)), np.reshape(out[1], np.shape(b))]


def unary_right(op, x, dout, k=2):
    if op == "exp":
        return np.exp(x) * dout
    if op == "tanh":
        return (1 - np.tanh(x) ** 2) * dout
    return k * x ** (k - 1) * dout


def unary_alternative(op, x, dout, k=2):
    """With math, one entry at a time."""
    rule = {"exp": math.exp, "tanh": lambda v: 1 - math.tanh(v) ** 2,
            "pow": lambda v: k * v ** (k - 1)}[op]
    xs, ds = np.atleast_1d(x), np.atleast_1d(dout)
    return np.reshape([rule(v) * d for v, d in zip(xs, ds)], np.shape(x))


def fan_out_right(x, y):
    u = x + y
    return u * x, u + x, x * np.ones_like(y)


def fan_out_alternative(x, y):
    return x * x + x * y, 2 * x + y, x + 0 * y


def topological_right(root):
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in node.parents)
    return order


def topological_recursive(root):
    """micrograd's recursive version (fine for graphs a few hundred levels deep)."""
    order, seen = [], set()

    def visit(node):
        if id(node) not in seen:
            seen.add(id(node))
            for parent in node.parents:
                visit(parent)
            order.append(node)

    visit(root)
    return order


def fd_right(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        saved = x[i]
        x[i] = saved + h
        plus = f(x)
        x[i] = saved - h
        minus = f(x)
        x[i] = saved
        grad[i] = (plus - minus) / (2 * h)
    return grad


def fd_alternative(f, x, h=1e-5):
    """Nudges copies, through a flat view."""
    flat = x.ravel()
    out = []
    for i in range(flat.size):
        e = np.zeros(flat.size)
        e[i] = h
        out.append((f((flat + e).reshape(x.shape)) - f((flat - e).reshape(x.shape))) / (2 * h))
    return np.array(out).reshape(x.shape)


def neuron_right(x, w, b):
    o = np.tanh(w @ x + b)
    slope = 1 - o ** 2
    return o, slope * w, slope * x, slope


def neuron_alternative(x, w, b):
    """Loops instead of vectors, lists returned."""
    n = b + sum(wi * xi for wi, xi in zip(w, x))
    o = math.tanh(n)
    return o, [(1 - o * o) * wi for wi in w], [(1 - o * o) * xi for xi in x], 1 - o * o


@pytest.mark.parametrize("check, student, cases", [
    (ch05.binary_backward, binary_right, 10), (ch05.binary_backward, binary_alternative, 10),
    (ch05.unary_backward, unary_right, 7), (ch05.unary_backward, unary_alternative, 7),
    (ch05.fan_out_gradients, fan_out_right, 9), (ch05.fan_out_gradients, fan_out_alternative, 9),
    (ch05.topological_order, topological_right, 20),
    (ch05.topological_order, topological_recursive, 20),
    (ch05.finite_differences, fd_right, 3),
    (ch05.finite_differences, fd_alternative, 3),
    (ch05.neuron_gradients, neuron_right, 12), (ch05.neuron_gradients, neuron_alternative, 12),
])
def test_right_answers_pass_every_case(check, student, cases):
    result = check(student)
    assert result["passed"] and result["message"] == f"all {cases} cases passed"


def test_the_worked_numbers_through_the_references():
    assert binary_right("*", 6.0, 8.0, 3.0) == (24.0, 18.0)  # dF/du = 3 c, dF/dc = 3 u
    grad = fd_right(lambda v: 3 * (v[0] + v[1]) * v[2], np.array([2.0, 4.0, 8.0]), 1e-3)
    assert np.allclose(grad, [24.0, 24.0, 18.0])


# ---------------------------------------------------------------- binary_backward

def test_mul_without_the_swap_fails():
    fails_with(ch05.binary_backward,
               lambda op, a, b, d: (d, d) if op == "+" else (a * d, b * d),
               "op = *", "expected da = 24, got 18", "the inputs swap")


def test_mul_forgetting_dout_fails():
    fails_with(ch05.binary_backward,
               lambda op, a, b, d: (d, d) if op == "+" else (b, a), "multiply by dout")


def test_add_returning_one_fails():
    fails_with(ch05.binary_backward,
               lambda op, a, b, d: (1.0, 1.0) if op == "+" else (b * d, a * d),
               "op = +", "still multiplies by dout")


def test_binary_changing_an_input_in_place_fails():
    def in_place(op, a, b, dout):
        if op == "+" or not isinstance(dout, np.ndarray):
            return binary_right(op, a, b, dout)
        dout *= 1.0
        b *= dout
        return b, a * dout

    fails_with(ch05.binary_backward, in_place, "changed its input b in place")


# ---------------------------------------------------------------- unary_backward

def test_tanh_with_one_minus_x_squared_fails():
    def wrong(op, x, dout, k=2):
        return (1 - x ** 2) * dout if op == "tanh" else unary_right(op, x, dout, k)

    fails_with(ch05.unary_backward, wrong, "op = tanh", "not 1 - x^2")


def test_pow_without_the_factor_k_fails():
    def wrong(op, x, dout, k=2):
        return x ** (k - 1) * dout if op == "pow" else unary_right(op, x, dout, k)

    fails_with(ch05.unary_backward, wrong, "op = pow", "k = 2", "bring the exponent down")


def test_exp_forgetting_dout_fails():
    def wrong(op, x, dout, k=2):
        return np.exp(x) if op == "exp" else unary_right(op, x, dout, k)

    fails_with(ch05.unary_backward, wrong, "op = exp", "x = [-1, 0.5, 2]",
               "multiply the local derivative e^x by dout")


def test_unary_changing_an_input_in_place_fails():
    def in_place(op, x, dout, k=2):
        out = unary_right(op, x, dout, k)
        if isinstance(x, np.ndarray):
            x[...] = out
        return out

    fails_with(ch05.unary_backward, in_place, "changed its input x in place")


# ---------------------------------------------------------------- fan_out_gradients

def test_fan_out_with_only_the_direct_path_fails():
    fails_with(ch05.fan_out_gradients, lambda x, y: ((x + y) * x, x + y, x),
               "for x = 2, y = 4 expected dF/dx = 8, got 6", "x is used twice")


def test_fan_out_with_only_the_path_through_u_fails():
    fails_with(ch05.fan_out_gradients, lambda x, y: ((x + y) * x, x, x),
               "expected dF/dx = 8, got 2", "add the direct path")


def test_fan_out_returning_two_things_fails():
    fails_with(ch05.fan_out_gradients, lambda x, y: (x, y), "(F, dF_dx, dF_dy)")


def test_fan_out_changing_an_input_in_place_fails():
    def in_place(x, y):
        F, dx, dy = fan_out_right(x, y)
        if isinstance(y, np.ndarray):
            y += x
        return F, dx, dy

    fails_with(ch05.fan_out_gradients, in_place, "changed its input y in place")


# ---------------------------------------------------------------- topological_order

def test_order_without_a_visited_set_lists_shared_values_twice():
    def no_seen(root):
        order = []

        def visit(node):
            for parent in node.parents:
                visit(parent)
            order.append(node)

        visit(root)
        return order

    fails_with(ch05.topological_order, no_seen, "u + tanh(u), u = p q", "p appears 2 times",
               "set of the values already visited")


def test_reversed_order_fails():
    fails_with(ch05.topological_order, lambda root: topological_right(root)[::-1],
               "3 (a + b) c", "F comes before its parent v", "your list is reversed")


def test_only_the_direct_parents_fails():
    fails_with(ch05.topological_order, lambda root: [*root.parents, root],
               "3 (a + b) c", "your order has 3 values, the graph 7",
               "parents of the parents")


def test_order_that_changes_the_graph_fails():
    def zeroing(root):
        order = topological_right(root)
        for node in order:
            node.grad = 1.0
        return order

    fails_with(ch05.topological_order, zeroing, "changed the graph")


# ---------------------------------------------------------------- finite differences

def test_one_sided_difference_fails():
    def forward(f, x, h=1e-5):
        base, grad = f(x), np.zeros_like(x)
        for i in np.ndindex(x.shape):
            e = np.zeros_like(x)
            e[i] = h
            grad[i] = (f(x + e) - base) / h
        return grad

    fails_with(ch05.finite_differences, forward, "sum(x^3)", "CENTRED differences")


def test_forgetting_the_two_fails():
    fails_with(ch05.finite_differences, lambda f, x, h: 2 * fd_right(f, x, h),
               "expected the gradient = [24, 24, 18]", "divide by 2h")


def test_not_restoring_x_fails():
    def no_restore(f, x, h=1e-5):
        grad = np.zeros_like(x)
        for i in np.ndindex(x.shape):
            x[i] += h
            plus = f(x)
            x[i] -= 2 * h
            grad[i] = (plus - f(x)) / (2 * h)
        return grad

    fails_with(ch05.finite_differences, no_restore, "changed x in place",
               "restore each entry")


# ---------------------------------------------------------------- neuron

def test_neuron_without_the_tanh_derivative_fails():
    fails_with(ch05.neuron_gradients, lambda x, w, b: (np.tanh(w @ x + b), w, x, 1.0),
               "do/dw", "go through tanh first")


def test_neuron_with_one_minus_n_squared_fails():
    def wrong(x, w, b):
        n = w @ x + b
        return np.tanh(n), (1 - n ** 2) * w, (1 - n ** 2) * x, 1 - n ** 2

    fails_with(ch05.neuron_gradients, wrong, "not 1 - n^2")


def test_neuron_with_dx_and_dw_swapped_fails():
    def swapped(x, w, b):
        o, dx, dw, db = neuron_right(x, w, b)
        return o, dw, dx, db

    fails_with(ch05.neuron_gradients, swapped, "the inputs swap")


def test_neuron_changing_an_input_in_place_fails():
    def in_place(x, w, b):
        o, dx, _dw, db = neuron_right(x, w, b)
        x *= 1 - o ** 2
        return o, dx, x, db

    fails_with(ch05.neuron_gradients, in_place, "changed its input x in place")

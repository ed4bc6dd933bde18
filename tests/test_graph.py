"""Tests of nnedu.graph.Value: the worked examples of chapter 5 and the engine's rules."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnedu.graph import Value, topological_order


def F(a, b, c):
    """The chapter's example F(a, b, c) = 3 (a + b) c, for numbers or Values."""
    return 3 * (a + b) * c


# ------------------------------------------------------------- worked examples

def test_worked_example_144_and_its_gradients():
    a, b, c = Value(2.0), Value(4.0), Value(8.0)
    out = F(a, b, c)
    out.backward()
    assert out.data == 144.0
    assert (a.grad, b.grad, c.grad) == (24.0, 24.0, 18.0)


def test_worked_example_finite_difference_ratio_is_24():
    assert F(2.001, 4.0, 8.0) == pytest.approx(144.024, abs=1e-9)
    ratio = (F(2.001, 4.0, 8.0) - F(2.0, 4.0, 8.0)) / 0.001
    assert ratio == pytest.approx(24.0, abs=1e-6)


def test_tanh_neuron_by_hand():
    # o = tanh(w1 x1 + w2 x2 + b) with x = (2, 0), w = (-3, 1), b = 6.8813735870195432
    x1, x2, w1, w2 = Value(2.0), Value(0.0), Value(-3.0), Value(1.0)
    b = Value(6.8813735870195432)
    n = x1 * w1 + x2 * w2 + b
    o = n.tanh()
    o.backward()
    assert o.data == pytest.approx(math.tanh(0.8813735870195432), abs=1e-15)
    assert o.data == pytest.approx(1 / math.sqrt(2), abs=1e-12)  # tanh(asinh(1)) = 1/sqrt 2
    dn = 1 - o.data ** 2  # = 0.5
    assert n.grad == pytest.approx(0.5, abs=1e-12)
    assert (w1.grad, x1.grad) == (pytest.approx(dn * 2.0), pytest.approx(dn * -3.0))
    assert (w2.grad, x2.grad) == (pytest.approx(0.0), pytest.approx(dn * 1.0))
    assert b.grad == pytest.approx(dn)


# ------------------------------------------------------- each operation's rule

OPS = {  # name -> (function of Values or floats, derivative d/dx at x); x > 0
    "add": (lambda x: x + 3.0, lambda x: 1.0),
    "radd": (lambda x: 3.0 + x, lambda x: 1.0),
    "sub": (lambda x: x - 3.0, lambda x: 1.0),
    "rsub": (lambda x: 3.0 - x, lambda x: -1.0),
    "mul": (lambda x: x * 3.0, lambda x: 3.0),
    "div": (lambda x: x / 4.0, lambda x: 0.25),
    "rdiv": (lambda x: 2.0 / x, lambda x: -2.0 / x ** 2),
    "neg": (lambda x: -x, lambda x: -1.0),
    "pow": (lambda x: x ** 3, lambda x: 3 * x ** 2),
    "sqrt": (lambda x: x ** 0.5, lambda x: 0.5 / math.sqrt(x)),
    "exp": (lambda x: x.exp(), math.exp),
    "log": (lambda x: x.log(), lambda x: 1 / x),
    "tanh": (lambda x: x.tanh(), lambda x: 1 - math.tanh(x) ** 2),
    "sigmoid": (lambda x: x.sigmoid(), lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2),
    "relu": (lambda x: x.relu(), lambda x: 1.0),
}


@pytest.mark.parametrize("name", list(OPS))
@given(x=st.floats(0.1, 5.0))
@settings(max_examples=20, deadline=None)
def test_each_operation_backward_matches_its_derivative(name, x):
    f, derivative = OPS[name]
    v = Value(x)
    out = f(v)
    out.backward()
    assert v.grad == pytest.approx(derivative(x), rel=1e-12, abs=1e-12)
    # and a centred finite difference agrees
    h = 1e-6
    numeric = (f(Value(x + h)).data - f(Value(x - h)).data) / (2 * h)
    assert v.grad == pytest.approx(numeric, rel=1e-6, abs=1e-6)


def test_relu_of_a_negative_number():
    v = Value(-2.0)
    out = v.relu()
    out.backward()
    assert (out.data, v.grad) == (0.0, 0.0)


def test_op_names_and_parents():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    c = a * b
    assert c._op == "*" and c._prev == (a, b)
    assert (a + b)._op == "+" and a.tanh()._op == "tanh" and (a ** 2)._op == "**2"
    assert a._prev == () and a._op == ""


# ---------------------------------------------------------------- the rules

def test_fan_out_gradients_add_up():
    a = Value(3.0)
    out = a + a
    out.backward()
    assert a.grad == 2.0
    b = Value(3.0)
    out = b * b + b  # d/db = 2b + 1 = 7
    out.backward()
    assert b.grad == 7.0


def test_backward_twice_gives_the_same_gradients():
    a, b, c = Value(2.0), Value(4.0), Value(8.0)
    out = F(a, b, c)
    out.backward()
    out.backward()
    assert (a.grad, b.grad, c.grad) == (24.0, 24.0, 18.0)
    assert out.grad == 1.0


def test_zero_grad_resets_the_whole_graph():
    a, b = Value(2.0), Value(4.0)
    out = (a * b).tanh()
    out.backward()
    assert a.grad != 0.0
    out.zero_grad()
    assert [v.grad for v in topological_order(out)] == [0.0] * 4


def test_chain_of_10000_nodes():
    # 10,000 levels deep: a recursive topological sort would pass Python's recursion limit
    x = Value(0.5)
    y = x
    for _ in range(10_000):
        y = y.relu()
    y.backward()
    assert (y.data, x.grad) == (0.5, 1.0)
    assert len(topological_order(y)) == 10_001


def test_topological_order_puts_inputs_first():
    a, b = Value(1.0), Value(2.0)
    c = a + b
    d = c * a
    e = d.exp()
    order = topological_order(e)
    assert order[-1] is e
    assert len(order) == len({id(v) for v in order}) == 5
    position = {id(v): i for i, v in enumerate(order)}
    for v in order:
        for parent in v._prev:
            assert position[id(parent)] < position[id(v)]


def test_repr():
    assert repr(Value(6)) == "Value(data=6.0, grad=0.0)"
    assert repr(Value(1.5, label="u")) == "Value(data=1.5, grad=0.0, label='u')"


# --------------------------------------------------------------- stability

def test_extreme_inputs_give_exact_limits_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Value(1000.0).tanh().data == 1.0
        assert Value(-1000.0).tanh().data == -1.0
        assert Value(1000.0).sigmoid().data == 1.0
        assert Value(-1000.0).sigmoid().data == 0.0
        assert Value(-1000.0).exp().data == 0.0
        out = Value(-1000.0).sigmoid()
        out.backward()


def test_exp_overflow_is_a_clear_error():
    with pytest.raises(OverflowError, match=r"exp\(1000.0\) is larger than the largest float64"):
        Value(1000.0).exp()
    assert Value(709.0).exp().data == pytest.approx(math.exp(709.0))


# ------------------------------------------------------------------ bad input

def test_value_of_a_value_explains():
    with pytest.raises(TypeError, match=r"takes a number, but got a Value.*Value\(v.data\)"):
        Value(Value(2.0))


@pytest.mark.parametrize("bad, kind", [("2", "str"), (None, "NoneType"), (True, "bool"),
                                       (np.array([1.0, 2.0]), r"ndarray of shape \(2,\)"),
                                       (1 + 2j, "complex")])
def test_non_numbers_are_type_errors(bad, kind):
    with pytest.raises(TypeError, match=f"takes one real number, but got {kind}"):
        Value(bad)


def test_numpy_scalars_are_accepted():
    assert Value(np.float32(2.5)).data == 2.5
    assert Value(np.int64(3)).data == 3.0
    assert Value(np.array(4.0)).data == 4.0
    assert isinstance(Value(np.float64(1.0)).data, float)


def test_power_needs_a_number_and_a_valid_base():
    with pytest.raises(TypeError, match="needs a plain number k"):
        Value(2.0) ** Value(3.0)
    with pytest.raises(ValueError, match="no real power"):
        Value(-8.0) ** 0.5
    assert (Value(-2.0) ** 3).data == -8.0


def test_log_of_non_positive():
    with pytest.raises(ValueError, match=r"log\(0.0\): the logarithm needs a positive number"):
        Value(0.0).log()


def test_division_by_zero_is_explained():
    with pytest.raises(ZeroDivisionError, match=r"0.0 \*\* -1: zero has no negative power"):
        Value(1.0) / Value(0.0)
    with pytest.raises(ZeroDivisionError, match="zero has no negative power"):
        Value(1.0) / 0


def test_division_and_subtraction_by_hand():
    a, b = Value(6.0), Value(3.0)
    out = a / b - b  # 6/3 - 3 = -1; d/da = 1/b = 1/3, d/db = -a/b^2 - 1 = -2/3 - 1
    out.backward()
    assert out.data == -1.0
    assert a.grad == pytest.approx(1 / 3, abs=1e-15)
    assert b.grad == pytest.approx(-5 / 3, abs=1e-15)


def test_gradients_through_a_shared_subexpression_add_up():
    # u = a * b is used twice: F = u + u.tanh(); dF/da = b (1 + 1 - tanh(u)^2)
    a, b = Value(0.5), Value(-1.5)
    u = a * b
    out = u + u.tanh()
    out.backward()
    slope = 1 + (1 - math.tanh(-0.75) ** 2)
    assert u.grad == pytest.approx(slope, abs=1e-15)
    assert a.grad == pytest.approx(-1.5 * slope, abs=1e-15)
    assert b.grad == pytest.approx(0.5 * slope, abs=1e-15)


def test_a_value_that_is_the_left_operand_of_two_additions():
    # (a + 1) * (a + 2): a is the LEFT operand of two different additions, so its grad
    # must collect both paths, (a + 2) + (a + 1) = 2a + 3. An __add__ whose backward
    # writes `self.grad = out.grad` instead of `+=` keeps only the last path.
    a = Value(3.0)
    out = (a + 1) * (a + 2)
    out.backward()
    assert out.data == 20.0
    assert a.grad == 9.0
    b = Value(3.0)  # and as the right operand: (1 + b) * (2 + b)
    out = (1 + b) * (2 + b)
    out.backward()
    assert b.grad == 9.0


def test_a_value_that_is_the_left_operand_of_two_products():
    a = Value(3.0)
    out = (a * 2) + (a * 5)  # d/da = 7, only if __mul__'s backward adds up
    out.backward()
    assert a.grad == 7.0


def test_parents_and_op_are_public_and_read_only():
    a, b = Value(2.0), Value(3.0)
    c = a * b
    assert c.parents == (a, b) and c.op == "*"
    assert a.parents == () and a.op == ""
    with pytest.raises(AttributeError):
        c.parents = ()

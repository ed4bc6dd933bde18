"""Value: a scalar that remembers how it was computed, for automatic differentiation.

Each operation on Values builds a new Value whose ``_prev`` are its inputs and
whose ``_op`` names the operation. It also stores a small function,
``_backward(out)``, that adds the operation's LOCAL derivative times the output's
gradient ``out.grad`` into each input's ``grad`` (the chain rule, one node at a
time). ``backward()`` runs these functions from the output back to the inputs.

(The output is passed to ``_backward`` as an argument rather than remembered by
it: a Value whose function remembered the Value itself would form a reference
cycle, which only Python's slower garbage collector can free. Without cycles a
graph is freed the moment it is no longer used, and a network of Values trains
about three times faster.)

>>> a, b, c = Value(2.0), Value(4.0), Value(8.0)
>>> F = 3 * (a + b) * c
>>> F.backward()
>>> F.data, a.grad, b.grad, c.grad
(144.0, 24.0, 24.0, 18.0)
"""

import math
import numbers

import numpy as np


class Value:
    """A scalar node of a computation graph: ``data`` (the number) and ``grad`` (dF/dself).

    data:  the number (a Python float).
    grad:  the derivative of the output ``backward()`` was called on with respect
           to this value; 0.0 until then.
    label: an optional name, used when the graph is drawn.
    _prev: the Values this one was computed from (a tuple, empty for an input).
    _op:   the operation that made it: '+', '*', '**2', 'exp', 'tanh', ... ('' for an input).
    """

    def __init__(self, data, _prev=(), _op="", label=""):
        self.data = _as_number(data)
        self.grad = 0.0
        self.label = label
        self._prev = tuple(_prev)
        self._op = _op
        self._backward = lambda out: None  # an input has nothing to pass its gradient to

    @property
    def parents(self):
        """The Values this one was computed from: a tuple, empty for an input (read only)."""
        return self._prev

    @property
    def op(self):
        """The operation that made this Value ('+', '*', 'tanh', ...), '' for an input."""
        return self._op

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data}, grad={self.grad}{label})"

    # ----------------------------------------------------------- the operations

    def __add__(self, other):
        other = _as_value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward(out):  # d(a + b)/da = 1, d(a + b)/db = 1: the gradient passes through
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = _as_value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward(out):  # d(a b)/da = b, d(a b)/db = a: the inputs swap
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, k):
        """x ** k for a plain number k (x ** -1 is how division is built)."""
        if not isinstance(k, numbers.Real):
            raise TypeError(f"Value ** k needs a plain number k, but got {type(k).__name__}; "
                            "for a Value exponent write (k * x.log()).exp()")
        if self.data < 0 and k != int(k):
            raise ValueError(f"{self.data} ** {k}: a negative number has no real power {k}")
        if self.data == 0 and k < 0:
            raise ZeroDivisionError(f"0.0 ** {k}: zero has no negative power "
                                    "(a division by a Value whose data is 0?)")
        out = Value(self.data ** k, (self,), f"**{k:g}")

        def _backward(out):  # d(x^k)/dx = k x^(k-1)
            self.grad += k * self.data ** (k - 1) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        """e^x. For x > 709.78 the result does not fit a float64: OverflowError, not inf."""
        if self.data > _MAX_EXP:
            raise OverflowError(f"exp({self.data}) is larger than the largest float64 "
                                f"(about 1.8e308, reached at exp({_MAX_EXP:.2f}))")
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward(out):  # d(e^x)/dx = e^x
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def log(self):
        """The natural logarithm log(x), for x > 0."""
        if self.data <= 0:
            raise ValueError(f"log({self.data}): the logarithm needs a positive number")
        out = Value(math.log(self.data), (self,), "log")

        def _backward(out):  # d(log x)/dx = 1 / x
            self.grad += out.grad / self.data
        out._backward = _backward
        return out

    def tanh(self):
        """tanh(x); exactly +-1.0 for |x| >= 20, so tanh(1000) is 1.0."""
        out = Value(math.tanh(self.data), (self,), "tanh")  # math.tanh(1000) is exactly 1.0

        def _backward(out):  # d(tanh x)/dx = 1 - tanh(x)^2
            self.grad += (1 - out.data ** 2) * out.grad
        out._backward = _backward
        return out

    def sigmoid(self):
        """1 / (1 + e^-x), stable: sigmoid(-1000) is 0.0 and sigmoid(1000) is 1.0."""
        e = math.exp(-abs(self.data))  # stable: e^-|x| is at most 1
        s = 1 / (1 + e) if self.data >= 0 else e / (1 + e)
        out = Value(s, (self,), "sigmoid")

        def _backward(out):  # d(s(x))/dx = s (1 - s)
            self.grad += out.data * (1 - out.data) * out.grad
        out._backward = _backward
        return out

    def relu(self):
        """max(0, x); its derivative is 1 for x > 0, else 0."""
        out = Value(max(self.data, 0.0), (self,), "relu")

        def _backward(out):  # d(relu x)/dx = 1 for x > 0, else 0
            self.grad += (self.data > 0) * out.grad
        out._backward = _backward
        return out

    # ------------------------------------- the rest, written with the ones above

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-_as_value(other))

    def __truediv__(self, other):
        return self * _as_value(other) ** -1

    def __radd__(self, other):  # other + self, when other is a number
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return _as_value(other) - self

    def __rtruediv__(self, other):
        return _as_value(other) / self

    # ------------------------------------------------------------ the backward pass

    def backward(self):
        """Fill ``grad`` of every Value this one depends on with d(self)/d(that value).

        First every node's grad is reset to 0, then self.grad is set to 1 (dF/dF = 1),
        then each node, from the output back to the inputs, adds its local
        derivatives into its inputs. Because of the reset, calling backward()
        twice gives the same gradients, not doubled ones. Gradients from several
        uses of one Value add up (a + a gives a.grad = 2).
        """
        order = topological_order(self)
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):  # output first: a node's grad is complete before use
            node._backward(node)

    def zero_grad(self):
        """Set ``grad`` to 0 on this Value and everything it depends on."""
        for node in topological_order(self):
            node.grad = 0.0


def topological_order(root):
    """Every Value ``root`` depends on, inputs first and ``root`` last.

    Each node comes after all the nodes it was computed from. An explicit stack
    (no recursion) handles graphs of any depth, e.g. a chain of 10,000 additions.
    """
    order, seen = [], set()
    stack = [(root, False)]  # (node, are its inputs already in the order?)
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))  # comes back after its inputs
            stack.extend((p, False) for p in node._prev if id(p) not in seen)
    return order


_MAX_EXP = math.log(np.finfo(np.float64).max)  # 709.78...: exp of more overflows


def _as_number(data):
    """A Python float from a number (int, float or NumPy scalar), or a TypeError."""
    if isinstance(data, Value):
        raise TypeError(f"Value(...) takes a number, but got a Value ({data!r}); "
                        "use that Value itself, or pass its number: Value(v.data)")
    if isinstance(data, np.ndarray) and data.size == 1:
        data = data.item()
    if isinstance(data, (bool, np.bool_)) or not isinstance(data, numbers.Real):
        shape = f" of shape {data.shape}" if isinstance(data, np.ndarray) else ""
        raise TypeError(f"Value(...) takes one real number, but got "
                        f"{type(data).__name__}{shape}: {data!r}")
    return float(data)


def _as_value(x):
    """x itself if it is a Value, else Value(x) (a constant)."""
    return x if isinstance(x, Value) else Value(x)

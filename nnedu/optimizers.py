"""Optimizers: how a gradient becomes a change of the weights.

Every optimizer has one method, ``step(params, grads)``: given the list of
weight arrays and the list of their gradients (same order, same shapes), it
changes the weight arrays IN PLACE, so a layer that holds ``w`` sees the new
values without anything being copied back::

    opt = Adam(learning_rate=0.01)
    opt.step([layer.params["kernel"]], [layer.grads["kernel"]])

The formulas are Keras 3's, line by line (``keras/src/optimizers/*.py``), so a
model trained here and in Keras moves the same way. ``g`` is the gradient,
``lr`` the learning rate, ``t`` the step number counted from 1.

=========  ===============================================================
SGD        v <- momentum * v - lr * g;   w <- w + v
           (nesterov: w <- w + momentum * v - lr * g, with the new v)
Adagrad    a <- a + g**2;   w <- w - lr * g / sqrt(a + epsilon)
Adadelta   E[g2] <- rho E[g2] + (1-rho) g**2
           d <- -sqrt(E[d2] + epsilon) / sqrt(E[g2] + epsilon) * g
           E[d2] <- rho E[d2] + (1-rho) d**2;   w <- w + lr * d
RMSprop    E[g2] <- rho E[g2] + (1-rho) g**2;   w <- w - lr * g / sqrt(E[g2] + epsilon)
Adam       m <- m + (1-beta_1)(g - m);   v <- v + (1-beta_2)(g**2 - v)
           w <- w - lr * sqrt(1-beta_2**t) / (1-beta_1**t) * m / (sqrt(v) + epsilon)
=========  ===============================================================

Note where epsilon goes: Keras adds it INSIDE the square root for Adagrad,
Adadelta and RMSprop and outside for Adam (PyTorch puts it outside for all).

State. Each optimizer keeps some arrays per parameter (the velocity of
momentum, Adam's two moments, ...). They are stored in ``self.slots``, a dict
keyed by ``id(param)`` that also holds the parameter itself (so the id stays
unique). A parameter keeps its state as long as the SAME array object is
passed to ``step``; a new array starts from fresh state. ``iterations`` counts
the calls to ``step``; a learning-rate schedule is evaluated at it.
"""

import math
import numbers

import numpy as np

from nnedu import schedules
from nnedu.schedules import LearningRateSchedule


class Optimizer:
    """Base class. Subclasses define ``init_slots(w)`` and ``update(w, g, lr, slots)``.

    Parameters
    ----------
    learning_rate : float or LearningRateSchedule
        the step size, or a schedule ``lr(iterations)``.
    """

    def __init__(self, learning_rate):
        if not isinstance(learning_rate, LearningRateSchedule):
            _check_real(learning_rate, "learning_rate", minimum=0.0)
        self.learning_rate = learning_rate
        self.iterations = 0
        self.slots = {}

    @property
    def current_learning_rate(self):
        """The learning rate of the next step (a float): the schedule's value, if one is set."""
        if isinstance(self.learning_rate, LearningRateSchedule):
            return float(self.learning_rate(self.iterations))
        return float(self.learning_rate)

    def step(self, params, grads):
        """Update every array in ``params`` in place, from ``grads``; then count one iteration.

        params : list of float ndarrays (any shapes), changed in place.
        grads  : list of arrays, grads[i] has the shape of params[i].
        """
        params, grads = list(params), list(grads)
        _check_params_and_grads(params, grads)
        lr = self.current_learning_rate
        for w, g in zip(params, grads):
            self.update(w, g, lr, self._slots_for(w))
        self.iterations += 1

    def _slots_for(self, w):
        """The state arrays of parameter ``w`` (created on its first step)."""
        entry = self.slots.get(id(w))
        if entry is None or entry[0] is not w:
            entry = (w, self.init_slots(w))
            self.slots[id(w)] = entry
        return entry[1]

    def init_slots(self, w):
        """The state of a new parameter ``w``: a dict of name -> array (shape of ``w``)."""
        return {}

    def update(self, w, g, lr, slots):
        """Change ``w`` in place from its gradient ``g`` (one parameter, one step)."""
        raise NotImplementedError(f"{type(self).__name__} must define update()")

    def get_config(self):
        """The constructor arguments as a dict."""
        return {k: v for k, v in vars(self).items() if k not in ("iterations", "slots")}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    """Stochastic gradient descent, with optional (Nesterov) momentum.

    momentum = 0:   w <- w - lr * g
    momentum > 0:   v <- momentum * v - lr * g;   w <- w + v
    nesterov:       v <- momentum * v - lr * g;   w <- w + momentum * v - lr * g

    The velocity v starts at 0, so the first momentum step equals plain SGD.
    (Writing "w <- momentum * w - lr * g" instead, as some notes do, is not
    momentum: it shrinks the weights.)
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False):
        super().__init__(learning_rate)
        _check_real(momentum, "momentum", minimum=0.0, maximum=1.0)
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)

    def init_slots(self, w):
        return {"velocity": np.zeros_like(w)} if self.momentum > 0 else {}

    def update(self, w, g, lr, slots):
        if self.momentum == 0:
            w -= lr * g
            return
        v = slots["velocity"]
        v *= self.momentum
        v -= lr * g
        if self.nesterov:
            w += self.momentum * v - lr * g
        else:
            w += v


class Adagrad(Optimizer):
    """Adagrad: each weight's step shrinks with the sum of its squared gradients.

    a <- a + g**2            (a starts at initial_accumulator_value)
    w <- w - lr * g / sqrt(a + epsilon)
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7):
        super().__init__(learning_rate)
        _check_real(initial_accumulator_value, "initial_accumulator_value", minimum=0.0)
        _check_real(epsilon, "epsilon", minimum=0.0)
        self.initial_accumulator_value = float(initial_accumulator_value)
        self.epsilon = float(epsilon)

    def init_slots(self, w):
        return {"accumulator": np.full_like(w, self.initial_accumulator_value)}

    def update(self, w, g, lr, slots):
        a = slots["accumulator"]
        a += g * g
        w -= lr * g / np.sqrt(a + self.epsilon)


class Adadelta(Optimizer):
    """Adadelta: steps scaled by the ratio of two running RMS values.

    E[g2] <- rho * E[g2] + (1 - rho) * g**2
    d     <- -sqrt(E[d2] + epsilon) / sqrt(E[g2] + epsilon) * g
    E[d2] <- rho * E[d2] + (1 - rho) * d**2
    w     <- w + lr * d

    (Keras multiplies d by the learning rate; the original paper has none, i.e. lr = 1.)
    """

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7):
        super().__init__(learning_rate)
        _check_real(rho, "rho", minimum=0.0, maximum=1.0)
        _check_real(epsilon, "epsilon", minimum=0.0)
        self.rho = float(rho)
        self.epsilon = float(epsilon)

    def init_slots(self, w):
        return {"accumulated_grad": np.zeros_like(w), "accumulated_delta": np.zeros_like(w)}

    def update(self, w, g, lr, slots):
        eg2, ed2 = slots["accumulated_grad"], slots["accumulated_delta"]
        eg2 *= self.rho
        eg2 += (1 - self.rho) * g * g
        d = -np.sqrt(ed2 + self.epsilon) / np.sqrt(eg2 + self.epsilon) * g
        ed2 *= self.rho
        ed2 += (1 - self.rho) * d * d
        w += lr * d


class RMSprop(Optimizer):
    """RMSprop: divide the step by a running root-mean-square of the gradients.

    E[g2] <- rho * E[g2] + (1 - rho) * g**2
    centered: E[g] <- rho * E[g] + (1 - rho) * g,  denominator = E[g2] - E[g]**2 + epsilon
    else:     denominator = E[g2] + epsilon
    step = lr * g / sqrt(denominator)
    momentum > 0: m <- momentum * m + step;  w <- w - m
    else:         w <- w - step
    """

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
                 centered=False):
        super().__init__(learning_rate)
        _check_real(rho, "rho", minimum=0.0, maximum=1.0)
        _check_real(momentum, "momentum", minimum=0.0, maximum=1.0)
        _check_real(epsilon, "epsilon", minimum=0.0)
        self.rho = float(rho)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.centered = bool(centered)

    def init_slots(self, w):
        slots = {"velocity": np.zeros_like(w)}
        if self.momentum > 0:
            slots["momentum"] = np.zeros_like(w)
        if self.centered:
            slots["average_gradient"] = np.zeros_like(w)
        return slots

    def update(self, w, g, lr, slots):
        eg2 = slots["velocity"]
        eg2 *= self.rho
        eg2 += (1 - self.rho) * g * g
        if self.centered:
            eg = slots["average_gradient"]
            eg *= self.rho
            eg += (1 - self.rho) * g
            denominator = eg2 - eg * eg + self.epsilon
        else:
            denominator = eg2 + self.epsilon
        step = lr * g / np.sqrt(denominator)
        if self.momentum > 0:
            m = slots["momentum"]
            m *= self.momentum
            m += step
            step = m
        w -= step


class Adam(Optimizer):
    """Adam: momentum (first moment m) and RMSprop (second moment v), bias-corrected.

    t = iterations + 1
    m <- m + (1 - beta_1) * (g - m)            i.e. beta_1 * m + (1 - beta_1) * g
    v <- v + (1 - beta_2) * (g**2 - v)         i.e. beta_2 * v + (1 - beta_2) * g**2
    alpha = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)     (the bias correction)
    w <- w - alpha * m / (sqrt(v) + epsilon)

    amsgrad: v_hat <- max(v_hat, v) and v_hat is used in place of v.
    On the first step m/sqrt(v) = g/|g|: every weight moves by about lr
    against the sign of its gradient, whatever the gradient's size.
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False):
        super().__init__(learning_rate)
        _check_real(beta_1, "beta_1", minimum=0.0, maximum=1.0, open_max=True)
        _check_real(beta_2, "beta_2", minimum=0.0, maximum=1.0, open_max=True)
        _check_real(epsilon, "epsilon", minimum=0.0)
        self.beta_1 = float(beta_1)
        self.beta_2 = float(beta_2)
        self.epsilon = float(epsilon)
        self.amsgrad = bool(amsgrad)

    def init_slots(self, w):
        slots = {"m": np.zeros_like(w), "v": np.zeros_like(w)}
        if self.amsgrad:
            slots["v_hat"] = np.zeros_like(w)
        return slots

    def update(self, w, g, lr, slots):
        t = self.iterations + 1
        alpha = lr * math.sqrt(1 - self.beta_2 ** t) / (1 - self.beta_1 ** t)
        m, v = slots["m"], slots["v"]
        m += (1 - self.beta_1) * (g - m)
        v += (1 - self.beta_2) * (g * g - v)
        if self.amsgrad:
            np.maximum(slots["v_hat"], v, out=slots["v_hat"])
            v = slots["v_hat"]
        w -= alpha * m / (np.sqrt(v) + self.epsilon)


OPTIMIZERS = {"sgd": SGD, "adagrad": Adagrad, "adadelta": Adadelta,
              "rmsprop": RMSprop, "adam": Adam}


def get(identifier):
    """An optimizer from its Keras name ("sgd", "adam", ...; default settings) or as given.

    >>> get("adam")
    Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07, amsgrad=False)
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if not isinstance(identifier, str):
        raise TypeError(f"an optimizer must be a name such as 'adam' or an Optimizer object, "
                        f"but got {type(identifier).__name__}: {identifier!r}")
    key = identifier.lower()
    if key not in OPTIMIZERS:
        valid = ", ".join(repr(k) for k in OPTIMIZERS)
        raise ValueError(f"unknown optimizer {identifier!r}; valid names: {valid}")
    return OPTIMIZERS[key]()


def _check_params_and_grads(params, grads):
    """Raise unless params and grads are equally long lists of same-shaped float arrays."""
    if len(params) != len(grads):
        raise ValueError(f"step() needs one gradient per parameter, but got "
                         f"{len(params)} parameters and {len(grads)} gradients")
    for i, (w, g) in enumerate(zip(params, grads)):
        if not isinstance(w, np.ndarray) or w.dtype.kind != "f":
            raise TypeError(f"params[{i}] must be a float ndarray (it is updated in place), "
                            f"but got {type(w).__name__} {getattr(w, 'dtype', '')}")
        if np.shape(g) != w.shape:
            raise ValueError(f"grads[{i}] must have the shape of params[{i}], {w.shape}, "
                             f"but has shape {np.shape(g)}")


def _check_real(value, name, minimum, maximum=None, open_max=False):
    """Raise TypeError/ValueError unless ``value`` is a number in [minimum, maximum]."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"{name} must be a number, but got {type(value).__name__}: {value!r}")
    too_big = maximum is not None and (value > maximum or (open_max and value == maximum))
    if not value >= minimum or too_big:
        upper = "" if maximum is None else (f" and < {maximum}" if open_max
                                            else f" and <= {maximum}")
        raise ValueError(f"{name} must be >= {minimum}{upper}, but got {value!r}")


__all__ = ["SGD", "Adadelta", "Adagrad", "Adam", "Optimizer", "RMSprop", "get", "schedules"]

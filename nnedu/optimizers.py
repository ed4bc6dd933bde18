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

Keras' structure and names. ``step`` calls the subclass hook
``update_step(gradient, variable, learning_rate)`` once per array, which
changes ``variable`` in place. The state an optimizer keeps per variable has
Keras' names: "momentum" (SGD; Adam's first moment m; RMSprop's momentum),
"velocity" (Adam's second moment v; RMSprop's running mean of g**2),
"accumulator" (Adagrad), ... ``state(variable)`` returns that dict, created
by ``build_state(variable)`` on the variable's first step. A variable keeps
its state as long as the SAME array object is passed to ``step``; a new
array starts from fresh state. ``iterations`` counts the calls to ``step``;
a learning-rate schedule is evaluated at it.
"""

import math
import numbers

from nnedu import schedules
from nnedu.backend import xp
from nnedu.schedules import LearningRateSchedule


class Optimizer:
    """Base class. Subclasses define ``build_state(variable)`` and ``update_step``.

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
        self._states = {}  # id(variable) -> (variable, its state dict)

    @property
    def current_learning_rate(self):
        """The learning rate of the next step (a float): the schedule's value, if one is set."""
        if isinstance(self.learning_rate, LearningRateSchedule):
            return float(self.learning_rate(self.iterations))
        return float(self.learning_rate)

    def step(self, params, grads):
        """Update every array in ``params`` in place, from ``grads``; then count one iteration.

        params : list of float arrays (any shapes), changed in place.
        grads  : list of arrays, grads[i] has the shape of params[i].
        """
        params, grads = list(params), list(grads)
        _check_params_and_grads(params, grads)
        learning_rate = self.current_learning_rate
        for variable, gradient in zip(params, grads):
            self.update_step(gradient, variable, learning_rate)
        self.iterations += 1

    def state(self, variable):
        """The state arrays of ``variable`` (a dict of name -> array, made on its first step)."""
        entry = self._states.get(id(variable))
        if entry is None or entry[0] is not variable:
            entry = (variable, self.build_state(variable))
            self._states[id(variable)] = entry
        return entry[1]

    def build_state(self, variable):
        """The state of a new variable: a dict of name -> array of its shape (none by default)."""
        return {}

    def update_step(self, gradient, variable, learning_rate):
        """Change ``variable`` in place from its ``gradient`` (one array, one step)."""
        raise NotImplementedError(f"{type(self).__name__} must define update_step()")

    def get_config(self):
        """The constructor arguments as a dict (enough to build the optimizer again)."""
        return {"learning_rate": self.learning_rate}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    """Stochastic gradient descent, with optional (Nesterov) momentum.

    momentum = 0:   w <- w - lr * g
    momentum > 0:   m <- momentum * m - lr * g;   w <- w + m
    nesterov:       m <- momentum * m - lr * g;   w <- w + momentum * m - lr * g

    The velocity m (Keras calls it "momentum") starts at 0, so the first
    momentum step equals plain SGD. (Writing "w <- momentum * w - lr * g"
    instead, as some notes do, is not momentum: it shrinks the weights.)
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False):
        super().__init__(learning_rate)
        _check_real(momentum, "momentum", minimum=0.0, maximum=1.0)
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)

    def build_state(self, variable):
        return {"momentum": xp.zeros_like(variable)} if self.momentum > 0 else {}

    def update_step(self, gradient, variable, learning_rate):
        if self.momentum == 0:
            variable -= learning_rate * gradient
            return
        m = self.state(variable)["momentum"]
        m *= self.momentum
        m -= learning_rate * gradient
        if self.nesterov:
            variable += self.momentum * m - learning_rate * gradient
        else:
            variable += m

    def get_config(self):
        return {"learning_rate": self.learning_rate, "momentum": self.momentum,
                "nesterov": self.nesterov}


class Adagrad(Optimizer):
    """Adagrad: each weight's step shrinks with the sum of its squared gradients.

    a <- a + g**2            (a, the "accumulator", starts at initial_accumulator_value)
    w <- w - lr * g / sqrt(a + epsilon)
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7):
        super().__init__(learning_rate)
        _check_real(initial_accumulator_value, "initial_accumulator_value", minimum=0.0)
        _check_real(epsilon, "epsilon", minimum=0.0)
        self.initial_accumulator_value = float(initial_accumulator_value)
        self.epsilon = float(epsilon)

    def build_state(self, variable):
        return {"accumulator": xp.full_like(variable, self.initial_accumulator_value)}

    def update_step(self, gradient, variable, learning_rate):
        a = self.state(variable)["accumulator"]
        a += gradient * gradient
        variable -= learning_rate * gradient / xp.sqrt(a + self.epsilon)

    def get_config(self):
        return {"learning_rate": self.learning_rate,
                "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}


class Adadelta(Optimizer):
    """Adadelta: steps scaled by the ratio of two running RMS values.

    E[g2] <- rho * E[g2] + (1 - rho) * g**2                  ("accumulated_grad")
    d     <- -sqrt(E[d2] + epsilon) / sqrt(E[g2] + epsilon) * g
    E[d2] <- rho * E[d2] + (1 - rho) * d**2                  ("accumulated_delta")
    w     <- w + lr * d

    (Keras multiplies d by the learning rate; the original paper has none, i.e. lr = 1.)
    """

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7):
        super().__init__(learning_rate)
        _check_real(rho, "rho", minimum=0.0, maximum=1.0)
        _check_real(epsilon, "epsilon", minimum=0.0)
        self.rho = float(rho)
        self.epsilon = float(epsilon)

    def build_state(self, variable):
        return {"accumulated_grad": xp.zeros_like(variable),
                "accumulated_delta": xp.zeros_like(variable)}

    def update_step(self, gradient, variable, learning_rate):
        state = self.state(variable)
        eg2, ed2 = state["accumulated_grad"], state["accumulated_delta"]
        eg2 *= self.rho
        eg2 += (1 - self.rho) * gradient * gradient
        d = -xp.sqrt(ed2 + self.epsilon) / xp.sqrt(eg2 + self.epsilon) * gradient
        ed2 *= self.rho
        ed2 += (1 - self.rho) * d * d
        variable += learning_rate * d

    def get_config(self):
        return {"learning_rate": self.learning_rate, "rho": self.rho, "epsilon": self.epsilon}


class RMSprop(Optimizer):
    """RMSprop: divide the step by a running root-mean-square of the gradients.

    E[g2] <- rho * E[g2] + (1 - rho) * g**2                     ("velocity")
    centered: E[g] <- rho * E[g] + (1 - rho) * g,  denominator = E[g2] - E[g]**2 + epsilon
    else:     denominator = E[g2] + epsilon
    step = lr * g / sqrt(denominator)
    momentum > 0: m <- momentum * m + step;  w <- w - m        ("momentum")
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

    def build_state(self, variable):
        state = {"velocity": xp.zeros_like(variable)}
        if self.momentum > 0:
            state["momentum"] = xp.zeros_like(variable)
        if self.centered:
            state["average_gradient"] = xp.zeros_like(variable)
        return state

    def update_step(self, gradient, variable, learning_rate):
        state = self.state(variable)
        eg2 = state["velocity"]
        eg2 *= self.rho
        eg2 += (1 - self.rho) * gradient * gradient
        if self.centered:
            eg = state["average_gradient"]
            eg *= self.rho
            eg += (1 - self.rho) * gradient
            denominator = eg2 - eg * eg + self.epsilon
        else:
            denominator = eg2 + self.epsilon
        step = learning_rate * gradient / xp.sqrt(denominator)
        if self.momentum > 0:
            m = state["momentum"]
            m *= self.momentum
            m += step
            step = m
        variable -= step

    def get_config(self):
        return {"learning_rate": self.learning_rate, "rho": self.rho,
                "momentum": self.momentum, "epsilon": self.epsilon,
                "centered": self.centered}


class Adam(Optimizer):
    """Adam: momentum (first moment m) and RMSprop (second moment v), bias-corrected.

    t = iterations + 1
    m <- m + (1 - beta_1) * (g - m)       i.e. beta_1 m + (1 - beta_1) g      ("momentum")
    v <- v + (1 - beta_2) * (g**2 - v)    i.e. beta_2 v + (1 - beta_2) g**2   ("velocity")
    alpha = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)     (the bias correction)
    w <- w - alpha * m / (sqrt(v) + epsilon)

    amsgrad: v_hat <- max(v_hat, v) ("velocity_hat") is used in place of v.
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

    def build_state(self, variable):
        state = {"momentum": xp.zeros_like(variable), "velocity": xp.zeros_like(variable)}
        if self.amsgrad:
            state["velocity_hat"] = xp.zeros_like(variable)
        return state

    def update_step(self, gradient, variable, learning_rate):
        t = self.iterations + 1
        alpha = learning_rate * math.sqrt(1 - self.beta_2 ** t) / (1 - self.beta_1 ** t)
        state = self.state(variable)
        m, v = state["momentum"], state["velocity"]
        m += (1 - self.beta_1) * (gradient - m)
        v += (1 - self.beta_2) * (gradient * gradient - v)
        if self.amsgrad:
            state["velocity_hat"][...] = xp.maximum(state["velocity_hat"], v)
            v = state["velocity_hat"]
        variable -= alpha * m / (xp.sqrt(v) + self.epsilon)

    def get_config(self):
        return {"learning_rate": self.learning_rate, "beta_1": self.beta_1,
                "beta_2": self.beta_2, "epsilon": self.epsilon, "amsgrad": self.amsgrad}


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
    ndarray = type(xp.zeros(0))                 # np.ndarray, or the backend's array type
    for i, (w, g) in enumerate(zip(params, grads)):
        if not isinstance(w, ndarray) or not _is_float(w.dtype):
            raise TypeError(f"params[{i}] must be a float {ndarray.__name__} (it is updated "
                            f"in place), but got {type(w).__name__} {getattr(w, 'dtype', '')}")
        shape = g.shape if hasattr(g, "shape") else xp.asarray(g).shape
        if shape != w.shape:
            raise ValueError(f"grads[{i}] must have the shape of params[{i}], {w.shape}, "
                             f"but has shape {shape}")


def _is_float(dtype):
    """True for float32 and float64 (checked first: fast) and the other real float types."""
    return dtype == xp.float64 or dtype == xp.float32 or xp.isdtype(dtype, "real floating")


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

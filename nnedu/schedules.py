"""Learning-rate schedules: a learning rate that changes as training goes on.

A schedule is a function of the optimizer's step counter (``iterations``, the
number of updates done so far, starting at 0). Pass one wherever a learning
rate is expected and the optimizer asks it for the rate before every update::

    lr = ExponentialDecay(0.1, decay_steps=100, decay_rate=0.5)
    opt = SGD(learning_rate=lr)      # 0.1 at step 0, 0.05 at step 100, ...

The names and formulas are Keras' (``keras.optimizers.schedules``):

===========================  ================================================
ExponentialDecay             lr0 * decay_rate ** (step / decay_steps)
InverseTimeDecay             lr0 / (1 + decay_rate * step / decay_steps)
PiecewiseConstantDecay       values[i] while boundaries[i-1] < step <= boundaries[i]
StepDecay                    lr0 * decay_rate ** floor(step / decay_steps)
===========================  ================================================

With ``staircase=True`` the exponent ``step / decay_steps`` is rounded down,
so the rate drops in steps instead of smoothly (StepDecay is exactly that).
"""

import itertools
import math
import numbers


class LearningRateSchedule:
    """Base class: ``schedule(step) -> learning rate`` (a float)."""

    def __call__(self, step):
        raise NotImplementedError(f"{type(self).__name__} must define __call__(step)")

    def get_config(self):
        """The constructor arguments, as a dict (enough to build it again)."""
        return dict(vars(self))

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class _Decay(LearningRateSchedule):
    """What ExponentialDecay and InverseTimeDecay share: their arguments and ``_progress``."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False):
        _check_number(initial_learning_rate, "initial_learning_rate", minimum=0.0)
        _check_number(decay_steps, "decay_steps", minimum=0.0, strict=True)
        _check_number(decay_rate, "decay_rate", minimum=0.0)
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps = decay_steps
        self.decay_rate = float(decay_rate)
        self.staircase = bool(staircase)

    def _progress(self, step):
        """step / decay_steps, rounded down when ``staircase`` is True."""
        p = step / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        return p


class ExponentialDecay(_Decay):
    """Multiply the rate by ``decay_rate`` every ``decay_steps`` steps.

    lr(step) = initial_learning_rate * decay_rate ** (step / decay_steps),
    with the exponent rounded down when ``staircase`` is True.

    >>> ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)(20)
    0.025
    """

    def __call__(self, step):
        return self.initial_learning_rate * self.decay_rate ** self._progress(step)


class StepDecay(ExponentialDecay):
    """Step decay: multiply the rate by ``decay_rate`` once every ``decay_steps`` steps.

    lr(step) = initial_learning_rate * decay_rate ** floor(step / decay_steps)

    The same as ``ExponentialDecay(..., staircase=True)``; the name used in
    lecture notes ("halve the learning rate every 10 epochs").

    >>> [StepDecay(1.0, decay_steps=2, decay_rate=0.5)(s) for s in range(5)]
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase=True)

    def get_config(self):
        config = super().get_config()
        del config["staircase"]
        return config


class InverseTimeDecay(_Decay):
    """The "1/t" schedule: the rate falls like one over the number of steps.

    lr(step) = initial_learning_rate / (1 + decay_rate * step / decay_steps),
    with ``step / decay_steps`` rounded down when ``staircase`` is True.

    >>> InverseTimeDecay(0.1, decay_steps=1, decay_rate=1.0)(4)
    0.02
    """

    def __call__(self, step):
        return self.initial_learning_rate / (1.0 + self.decay_rate * self._progress(step))


class PiecewiseConstantDecay(LearningRateSchedule):
    """A constant rate on each interval of steps.

    lr(step) = values[0]  for step <= boundaries[0],
               values[i]  for boundaries[i-1] < step <= boundaries[i],
               values[-1] for step > boundaries[-1].

    ``values`` has one more entry than ``boundaries`` (increasing integers).

    >>> lr = PiecewiseConstantDecay(boundaries=[100, 200], values=[1.0, 0.5, 0.1])
    >>> lr(100), lr(101), lr(500)
    (1.0, 0.5, 0.1)
    """

    def __init__(self, boundaries, values):
        boundaries, values = list(boundaries), list(values)
        if len(values) != len(boundaries) + 1:
            raise ValueError(f"PiecewiseConstantDecay needs one more value than boundaries, "
                             f"but got {len(boundaries)} boundaries and {len(values)} values")
        if any(b >= c for b, c in itertools.pairwise(boundaries)):
            raise ValueError(f"boundaries must be increasing, but got {boundaries}")
        for v in values:
            _check_number(v, "each value", minimum=0.0)
        self.boundaries = boundaries
        self.values = [float(v) for v in values]

    def __call__(self, step):
        for boundary, value in zip(self.boundaries, self.values):
            if step <= boundary:
                return value
        return self.values[-1]


def _check_number(value, name, minimum, strict=False):
    """Raise TypeError/ValueError unless ``value`` is a real number >= minimum (> if strict)."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"{name} must be a number, but got {type(value).__name__}: {value!r}")
    if value < minimum or (strict and value == minimum) or math.isnan(value):
        bound = ">" if strict else ">="
        raise ValueError(f"{name} must be {bound} {minimum}, but got {value!r}")

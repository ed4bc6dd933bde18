"""Checks for chapter 03, multilayer networks and the forward pass.

Four exercises, easy to hard:

- ``dense_forward(X, W, b, activation)``: one dense layer for a batch, f(X W + b);
- ``count_params(sizes)``: learnable parameters of a chain of dense layers;
- ``xor_weights()``: hand-chosen weights of a 2-2-1 sigmoid network that computes XOR;
- ``sequential_forward(model, X)``: the forward pass of a whole ``Sequential``,
  layer by layer, from each layer's kernel, bias and activation.

Layout (the same as Keras and ``nnedu.layers.Dense``): X is (N, D), one example per
row; the kernel W is (D, units), one column per unit; the bias b is (units,).

When an answer is wrong, each check recomputes the typical wrong answers (no bias,
no activation, the activation in the wrong place, biases not counted, ...) and, if
the student's result matches one of them, names that mistake in the hint.
"""

import itertools
from types import SimpleNamespace

import numpy as np

from nnedu import activations
from nnedu.checks._core import (
    CheckFailed,
    _fmt,
    call,
    diagnose,
    exercise,
    expect_close,
    expect_equal,
    expect_true,
)
from nnedu.layers import Dense
from nnedu.models import Sequential

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_Y = np.array([0, 1, 1, 0])
GATES = {"OR": [0, 1, 1, 1], "AND": [0, 0, 0, 1], "NAND": [1, 1, 1, 0], "NOR": [1, 0, 0, 0]}


# ---------------------------------------------------------------------------
# Exercise 1: one dense layer
# ---------------------------------------------------------------------------

@exercise("03", "dense_forward", points=1)
def dense_forward(student_dense_forward):
    """Check dense_forward(X, W, b, activation) = activation(X @ W + b), (N, D) -> (N, units)."""
    rng = np.random.default_rng(3)
    cases = [
        # the first kernel is square, so that X @ W.T gives numbers (and its hint) not a crash
        ("1 example, 2 inputs, 2 units, identity", np.array([[1.0, 2.0]]),
         np.array([[0.5, 2.0], [-1.0, 0.25]]), np.array([0.25, -0.5]), activations.linear),
        ("1 example, 2 inputs, 1 unit, identity", np.array([[1.0, 2.0]]),
         np.array([[0.5], [-1.0]]), np.array([0.25]), activations.linear),
        ("4 examples, 2 inputs, 3 units, relu", np.array([[0, 0], [0, 1], [1, 0], [1, 1.0]]),
         np.array([[0.5, -1.0, 2.0], [1.5, 0.5, -1.0]]), np.array([0.1, 0.2, -0.3]),
         activations.relu),
        ("5 examples, 3 inputs, 2 units, sigmoid", rng.normal(size=(5, 3)),
         rng.normal(size=(3, 2)), np.array([0.5, -2.0]), activations.sigmoid),
        ("6 examples, 4 inputs, 4 units, tanh", rng.normal(size=(6, 4)),
         rng.normal(size=(4, 4)), rng.normal(size=4), activations.tanh),
    ]
    for name, X, W, b, f in cases:
        z = X @ W + b
        want = f(z)
        try:
            got = call(student_dense_forward, X.copy(), W.copy(), b.copy(), f)
        except CheckFailed as err:
            expect_true(False, f"for {name}, {err.message}",
                        hint="X @ W, not X @ W.T or W @ X: W is (D, units).")
        mistakes = [
            (f(X @ W), "did you forget the bias? H = f(X @ W + b)."),
            (z, "apply the activation: return activation(X @ W + b)."),
            (f(X @ W) + b, "add the bias BEFORE the activation: f(X @ W + b)."),
        ]
        if W.shape[0] == W.shape[1]:
            mistakes.append((f(X @ W.T + b), ("use W as it is, not W.T: it is (D, units), one "
                                             "column per unit.")))
        hint = diagnose(got, mistakes, "H = activation(X @ W + b): X (N, D), W (D, units), "
                                        "b (units,).")
        expect_close(got, want, what="H", inputs={"case": name}, hint=hint)


# ---------------------------------------------------------------------------
# Exercise 2: counting parameters
# ---------------------------------------------------------------------------

@exercise("03", "count_params", points=1)
def count_params(student_count_params):
    """Check count_params(sizes): sum over layers of inputs * units + units."""
    cases = [[2, 3, 2], [2, 2, 1], [3, 1], [784, 128, 10], [4, 16, 16, 16, 3], [5]]
    for sizes in cases:
        pairs = list(itertools.pairwise(sizes))
        want = sum(d * u + u for d, u in pairs)
        got = call(student_count_params, list(sizes))
        hint = diagnose(got, [
            (sum(d * u for d, u in pairs), ("did you forget the biases? Each layer has "
                                           "inputs * units weights PLUS units biases.")),
            (sum(d * u for d, u in pairs) + sum(sizes),
             "the input layer has no biases: one bias per hidden and output unit."),
            (sum(d * u + d for d, u in pairs), ("a layer has one bias per UNIT (output), not "
                                               "per input: inputs * units + units.")),
            (sum(u * u + u for _, u in pairs), ("the kernel of a layer is (inputs, units): "
                                               "use the size of the layer BEFORE it.")),
        ], "for each pair of neighbouring sizes (D, units) add D * units + units.")
        if sizes == [5]:
            hint = "a list with one size is just the input layer: no layers, 0 parameters."
        expect_equal(_as_int(got), want, what="count_params(sizes)", inputs={"sizes": sizes},
                     hint=hint)


def _as_int(got):
    """An integer-valued number as int (so 17.0 counts as 17); anything else unchanged."""
    number = isinstance(got, (int, np.integer, float, np.floating)) and not isinstance(got, bool)
    if number and np.isfinite(got) and float(got) == int(got):
        return int(got)
    return got


# ---------------------------------------------------------------------------
# Exercise 3: XOR with hand-chosen weights
# ---------------------------------------------------------------------------

def xor_net_forward(X, W1, b1, W2, b2):
    """The 2-2-1 network of exercise 3: sigmoid(sigmoid(X W1 + b1) W2 + b2), (N, 2) -> (N, 1)."""
    hidden = activations.sigmoid(X @ W1 + b1)
    return activations.sigmoid(hidden @ W2 + b2)


@exercise("03", "xor_weights", points=2)
def xor_weights(student_xor_weights):
    """Check xor_weights() -> (W1, b1, W2, b2): a sigmoid 2-2-1 net whose output is XOR."""
    got = call(student_xor_weights)
    if not isinstance(got, (tuple, list)) or len(got) != 4:
        came = f"{len(got)} things" if isinstance(got, (tuple, list)) else _fmt(got)
        expect_true(False, f"expected a tuple of four arrays (W1, b1, W2, b2), got {came}",
                    hint="end with `return W1, b1, W2, b2`.")
    shapes = {"W1": (2, 2), "b1": (2,), "W2": (2, 1), "b2": (1,)}
    arrays = []
    for (name, shape), value in zip(shapes.items(), got):
        arr = np.asarray(value, dtype=float)
        hint = "W1 (2, 2), b1 (2,), W2 (2, 1), b2 (1,)."
        if name == "b2" and arr.ndim == 0:
            hint += " Write b2 as np.array([value])."
        if name == "W2" and arr.shape == (2,):
            hint += " Write W2 as a column: [[w1], [w2]]."
        expect_equal(arr.shape, shape, what=f"the shape of {name}", hint=hint)
        arrays.append(arr)
    out = xor_net_forward(XOR_X, *arrays)[:, 0]
    computed = (out > 0.5).astype(int)
    expect_equal(computed, XOR_Y, what="the outputs, rounded", hint=_xor_hint(computed, arrays))
    for x_row, o, target in zip(XOR_X, out, XOR_Y):
        expect_true(abs(o - target) < 0.1,
                    f"for x = {_fmt(x_row)}, the output {o:.3f} is on the right side of 0.5 "
                    f"but not within 0.1 of {target}", hint=SHARPER)


SHARPER = "make the sigmoids sharper: multiply every weight and bias by 10."


def _xor_hint(computed, arrays):
    """Name what the network computes instead of XOR (a gate, a constant, soft sigmoids)."""
    W1, b1, W2, b2 = arrays
    steps = (((XOR_X @ W1 + b1) > 0).astype(float) @ W2 + b2 > 0)[:, 0].astype(int)
    if np.array_equal(steps, XOR_Y):
        return "the lines are right, the sigmoids too soft: multiply every weight and bias by 10."
    gate = next((g for g, table in GATES.items() if np.array_equal(computed, table)), None)
    recipe = "hidden units OR and NAND, the output AND of the two."
    if gate is not None:
        return f"your network computes {gate}, not XOR: {recipe}"
    if len(set(computed.tolist())) == 1:
        return f"the same answer for every input: {recipe}"
    return f"make the {recipe}"


# ---------------------------------------------------------------------------
# Exercise 4: the forward pass of a whole Sequential
# ---------------------------------------------------------------------------

def _reference_models():
    """(description, model, X) cases of rising size, with fixed seeds."""
    rng = np.random.default_rng(30)
    specs = [
        ("2-3-2, relu then softmax", (2,), [(3, "relu"), (2, "softmax")], 4),
        ("3-4-1, tanh then sigmoid", (3,), [(4, "tanh"), (1, "sigmoid")], 5),
        ("4-8-8-3, relu, relu, linear", (4,), [(8, "relu"), (8, "relu"), (3, None)], 6),
        ("5-6-4-2, sigmoid, tanh, softmax", (5,), [(6, "sigmoid"), (4, "tanh"),
                                                    (2, "softmax")], 7),
    ]
    cases = []
    for i, (name, shape, layers, n) in enumerate(specs):
        model = Sequential([Dense(units, activation=act, seed=100 * i + j,
                                  bias_initializer="random_normal",
                                  input_shape=shape if j == 0 else None)
                            for j, (units, act) in enumerate(layers)])
        cases.append((name, model, rng.normal(size=(n,) + shape)))
    return cases


def _layerwise(model, X, skip_activation=False, skip_bias=False, only_last_activation=False):
    """The forward pass with one typical mistake switched on (for the hints)."""
    out = X
    for index, layer in enumerate(model.layers):
        z = out @ layer.params["kernel"] + (0 if skip_bias else layer.params["bias"])
        last = index == len(model.layers) - 1
        use_f = not skip_activation and (last or not only_last_activation)
        out = activations.get(layer.activation)(z) if use_f else z
    return out


def _refuse_forward(x, training=False, batch_size=None, verbose=0):
    expect_true(False, "sequential_forward called model.forward (or model.predict)",
                hint="compute it layer by layer from layer.params['kernel'] and ['bias'].")


def _refuse_layer_forward(x, training=False):
    expect_true(False, "sequential_forward called layer.forward",
                hint="compute f(out @ layer.params['kernel'] + layer.params['bias']) yourself.")


@exercise("03", "sequential_forward", points=2)
def sequential_forward(student_sequential_forward):
    """Check sequential_forward(model, X) against model.forward on several models."""
    for name, model, X in _reference_models():
        want = model.forward(X)
        model.forward = model.predict = _refuse_forward  # the student computes it
        for layer in model.layers:
            layer.forward = _refuse_layer_forward
        got = call(student_sequential_forward, model, X.copy())
        hint = diagnose(got, [
            (_layerwise(model, X, skip_activation=True),
             "you skipped the activations (activations.get)."),
            (_layerwise(model, X, only_last_activation=True),
             "apply EVERY layer's activation, not only the last one's."),
            (_layerwise(model, X, skip_bias=True), "did you forget the biases?"),
            (_layerwise(SimpleNamespace(layers=model.layers[:1]), X),
             "feed each layer's OUTPUT into the next: loop over all of model.layers."),
        ], "for each layer: out = f(out @ layer.params['kernel'] + layer.params['bias']).")
        expect_close(got, want, what="the output", inputs={"case": name}, hint=hint)

"""Neurons, layers and a multilayer perceptron made of Values (chapter 05).

The scalar engine of ``nnedu.graph`` is enough to train a real network. A
neuron is a list of weight Values and one bias Value,

    out = activation(w_1 x_1 + ... + w_D x_D + b),

a layer is a list of neurons that read the same inputs, and an MLP is a list
of layers, the outputs of each the inputs of the next. Every number is its own
Value, so one forward pass builds a graph of thousands of nodes and
``backward()`` walks all of them. That is slow, since Python does each
multiplication one at a time, and that is the point: chapter 05 times this
MLP against the same network in nnedu's vectorized ``Dense`` layers, which do
the same arithmetic as a few matrix products.

``get_weights()`` / ``set_weights()`` use Keras' layout, a kernel (in, units)
and a bias (units,) per layer, so the same numbers can be loaded into a
``Sequential`` of ``Dense`` layers.

>>> model = MLP(2, [4, 1], seed=0)
>>> len(model.parameters())          # (2 * 4 + 4) + (4 * 1 + 1)
17
>>> out = model([0.5, -1.0])          # a list with one Value per output unit
>>> out[0].backward()
>>> model.parameters()[-1].grad       # d out / d (the output bias) = 1 (linear output)
1.0
"""

import numpy as np

from nnedu._validate import check_choice, check_int, check_positive
from nnedu.graph import Value

ACTIVATIONS = ("tanh", "relu", "sigmoid", None)  # None: linear (no activation)


class Module:
    """What every part of the network shares: its parameters, zero_grad and a step."""

    def parameters(self):
        """The list of parameter Values (weights and biases), in a fixed order."""
        return []

    def zero_grad(self):
        """Set every parameter's grad to 0 (``Value.backward()`` also resets them)."""
        for p in self.parameters():
            p.grad = 0.0

    def step(self, learning_rate):
        """One step of gradient descent: p <- p - learning_rate * dL/dp, for every parameter."""
        check_positive(learning_rate, "learning_rate")
        for p in self.parameters():
            p.data -= learning_rate * p.grad


class Neuron(Module):
    """One unit: activation(w . x + b), with a weight Value per input and a bias Value.

    weights: the initial weights, a sequence of D numbers; bias: a number.
    activation: "tanh", "relu", "sigmoid" or None (linear).
    """

    def __init__(self, weights, bias=0.0, activation="tanh"):
        check_choice(activation, ACTIVATIONS, "activation")
        self.w = [Value(w, label=f"w{i + 1}") for i, w in enumerate(weights)]
        self.b = Value(bias, label="b")
        self.activation = activation

    def __call__(self, x):
        """The neuron's output for inputs x (D numbers or Values): one Value."""
        if len(x) != len(self.w):
            raise ValueError(f"this neuron has {len(self.w)} weights, so it needs "
                             f"{len(self.w)} inputs, but got {len(x)}")
        z = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)  # w . x + b
        return z if self.activation is None else getattr(z, self.activation)()

    def parameters(self):
        return [*self.w, self.b]

    def __repr__(self):
        return f"Neuron({len(self.w)} inputs, activation={self.activation!r})"


class Layer(Module):
    """``units`` neurons reading the same inputs; kernel (n_inputs, units), bias (units,).

    The initial kernel is drawn as in Keras' Dense (glorot_uniform: uniform on
    [-limit, limit], limit = sqrt(6 / (n_inputs + units))); the bias starts at 0.
    """

    def __init__(self, n_inputs, units, activation="tanh", rng=None):
        n_inputs, units = check_int(n_inputs, "n_inputs", 1), check_int(units, "units", 1)
        rng = np.random.default_rng(rng)
        limit = np.sqrt(6.0 / (n_inputs + units))
        kernel = rng.uniform(-limit, limit, size=(n_inputs, units))
        self.neurons = [Neuron(kernel[:, j], 0.0, activation) for j in range(units)]

    def __call__(self, x):
        """The outputs for inputs x: a list of ``units`` Values."""
        return [neuron(x) for neuron in self.neurons]

    def parameters(self):
        return [p for neuron in self.neurons for p in neuron.parameters()]

    def get_weights(self):
        """[kernel (n_inputs, units), bias (units,)] as NumPy arrays (copies of the data)."""
        kernel = np.array([[w.data for w in n.w] for n in self.neurons]).T
        return [kernel, np.array([n.b.data for n in self.neurons])]

    def set_weights(self, weights):
        """Set the data of every weight and bias from [kernel (n_inputs, units), bias (units,)]."""
        kernel, bias = (np.asarray(w, dtype=np.float64) for w in weights)
        shape = (len(self.neurons[0].w), len(self.neurons))
        if kernel.shape != shape or bias.shape != shape[1:]:
            raise ValueError(f"this layer needs a kernel of shape {shape} and a bias of shape "
                             f"{shape[1:]}, but got {kernel.shape} and {bias.shape}")
        for j, neuron in enumerate(self.neurons):
            for i, w in enumerate(neuron.w):
                w.data = float(kernel[i, j])
            neuron.b.data = float(bias[j])

    def __repr__(self):
        n = self.neurons[0]
        return f"Layer({len(n.w)} -> {len(self.neurons)}, activation={n.activation!r})"


class MLP(Module):
    """A multilayer perceptron of Values: n_inputs -> units[0] -> ... -> units[-1].

    activation: of every hidden layer; output_activation: of the last one
    (None = linear, e.g. for scores fed to a hinge loss). seed: for the initial
    weights. Calling the model on D inputs returns a list of units[-1] Values.
    """

    def __init__(self, n_inputs, units, activation="tanh", output_activation=None, seed=None):
        n_inputs = check_int(n_inputs, "n_inputs", 1)
        if not isinstance(units, (list, tuple)) or not units:
            raise TypeError(f"units must be a non-empty list of layer sizes, e.g. [8, 8, 1], "
                            f"but got {units!r}")
        rng = np.random.default_rng(seed)
        sizes = [n_inputs, *units]
        acts = [activation] * (len(units) - 1) + [output_activation]
        self.layers = [Layer(sizes[i], sizes[i + 1], acts[i], rng) for i in range(len(units))]

    def __call__(self, x):
        """Forward pass for one example x (n_inputs numbers): a list of Values."""
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def get_weights(self):
        """All layers' [kernel, bias], layer after layer: the list Sequential.set_weights takes."""
        return [w for layer in self.layers for w in layer.get_weights()]

    def set_weights(self, weights):
        """Set every layer's weights from a list as returned by ``get_weights``."""
        weights = list(weights)
        if len(weights) != 2 * len(self.layers):
            raise ValueError(f"this MLP has {len(self.layers)} layers, so it needs "
                             f"{2 * len(self.layers)} arrays (kernel, bias per layer), "
                             f"but got {len(weights)}")
        for i, layer in enumerate(self.layers):
            layer.set_weights(weights[2 * i:2 * i + 2])

    def __repr__(self):
        return "MLP(" + ", ".join(repr(layer) for layer in self.layers) + ")"

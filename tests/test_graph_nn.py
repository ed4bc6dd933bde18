"""Tests of nnedu.graph_nn: an MLP made of Values computes what nnedu's Dense layers compute."""

import time

import numpy as np
import pytest

from nnedu.data import make_moons
from nnedu.gradcheck import numerical_gradient, rel_error
from nnedu.graph import Value
from nnedu.graph_nn import MLP, Layer, Neuron
from nnedu.layers import Dense
from nnedu.models import Sequential
from nnedu.optimizers import SGD


def dense_twin(model, activation="tanh"):
    """The same network as ``model`` (2 -> 8 -> 8 -> 1, say) in Dense layers, same weights."""
    weights = model.get_weights()
    sizes = [w.shape[1] for w in weights[::2]]
    layers = [Dense(sizes[0], activation=activation, input_shape=(weights[0].shape[0],))]
    layers += [Dense(units, activation=activation) for units in sizes[1:-1]]
    layers.append(Dense(sizes[-1]))
    twin = Sequential(layers)
    twin.set_weights(weights)
    return twin


def hinge(model, X, t):
    """The mean hinge loss max(0, 1 - t s) of the model's scores, a Value."""
    scores = [model(list(x))[0] for x in X]
    return sum((1 - ti * s).relu() for ti, s in zip(t, scores)) * (1.0 / len(X))


def test_parameter_count_matches_dense_layers():
    model = MLP(2, [8, 8, 1], seed=0)
    assert len(model.parameters()) == dense_twin(model).count_params() == 24 + 72 + 9
    assert len(MLP(2, [4, 1]).parameters()) == 17


def test_a_neuron_by_hand():
    neuron = Neuron([0.5, -1.0], bias=0.25, activation="tanh")
    out = neuron([2.0, 1.0])  # tanh(1 - 1 + 0.25)
    out.backward()
    assert out.data == pytest.approx(np.tanh(0.25), abs=1e-15)
    slope = 1 - np.tanh(0.25) ** 2
    assert [w.grad for w in neuron.w] == pytest.approx([2 * slope, 1 * slope], abs=1e-15)
    assert neuron.b.grad == pytest.approx(slope, abs=1e-15)
    assert Neuron([1.0], 2.0, activation=None)([3.0]).data == 5.0
    assert Neuron([1.0], -2.0, activation="relu")([1.0]).data == 0.0
    assert Neuron([0.0], 0.0, activation="sigmoid")([1.0]).data == 0.5


def test_forward_matches_dense_layers():
    model = MLP(3, [5, 4, 2], seed=3)
    X = np.random.default_rng(0).normal(size=(6, 3))
    want = dense_twin(model).forward(X)
    got = np.array([[v.data for v in model(list(x))] for x in X])
    assert got.shape == (6, 2)
    assert np.allclose(got, want, atol=1e-13)


def test_gradients_match_dense_backward():
    # L = sum over the batch of out . R: dL/d(out) = R for the Dense twin
    model = MLP(3, [5, 4, 2], seed=4)
    rng = np.random.default_rng(1)
    X, R = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    loss = sum(o * r for x, row in zip(X, R) for o, r in zip(model(list(x)), row))
    loss.backward()
    twin = dense_twin(model)
    twin.forward(X, training=True)
    twin.backward(R)
    for i, layer in enumerate(model.layers):
        grads = [np.array([[w.grad for w in n.w] for n in layer.neurons]).T,
                 np.array([n.b.grad for n in layer.neurons])]
        dense = twin.layers[i].grads
        assert rel_error(grads[0], dense["kernel"]) < 1e-12
        assert rel_error(grads[1], dense["bias"]) < 1e-12


def test_gradients_match_numerical_gradients():
    model = MLP(2, [3, 1], activation="sigmoid", seed=2)
    X, t = np.array([[0.5, -1.0], [1.5, 0.2], [-0.3, 0.8]]), np.array([1.0, -1.0, 1.0])
    loss = hinge(model, X, t)
    loss.backward()
    analytic = np.array([p.grad for p in model.parameters()])
    flat = np.array([p.data for p in model.parameters()])

    def f(values):
        for p, v in zip(model.parameters(), values):
            p.data = float(v)
        return hinge(model, X, t).data

    numeric = numerical_gradient(f, flat.copy())
    assert rel_error(analytic, numeric) < 1e-7


def test_zero_grad_and_step():
    model = MLP(2, [3, 1], seed=0)
    out = model([1.0, 2.0])[0]
    out.backward()
    before = [(p.data, p.grad) for p in model.parameters()]
    assert any(g != 0.0 for _, g in before)
    model.step(0.1)
    assert [p.data for p in model.parameters()] == pytest.approx(
        [d - 0.1 * g for d, g in before], abs=1e-15)
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_training_on_moons_matches_the_dense_twin_and_draws_a_boundary():
    X, y = make_moons(100, noise=0.1, seed=0)
    t = 2.0 * y - 1
    model = MLP(2, [8, 8, 1], seed=0)
    twin = dense_twin(model)
    twin.compile(optimizer=SGD(learning_rate=0.5), loss="hinge")
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    for _ in range(300):
        batch = rng.choice(len(X), 16, replace=False)
        loss = hinge(model, X[batch], t[batch])
        model.zero_grad()
        loss.backward()
        model.step(0.5)
        twin_loss = twin.train_on_batch(X[batch], t[batch][:, None])
        assert loss.data == pytest.approx(twin_loss, abs=1e-9)
    seconds = time.perf_counter() - start
    scores = np.array([model(list(x))[0].data for x in X])
    assert np.mean((scores > 0) == (y == 1)) >= 0.95
    assert np.allclose(scores, twin.predict(X)[:, 0], atol=1e-9)
    assert seconds < 60  # a few seconds on a quiet machine


def test_weights_round_trip():
    model = MLP(2, [3, 1], seed=0)
    weights = model.get_weights()
    assert [w.shape for w in weights] == [(2, 3), (3,), (3, 1), (1,)]
    other = MLP(2, [3, 1], seed=1)
    other.set_weights(weights)
    assert all(np.array_equal(a, b) for a, b in zip(other.get_weights(), weights))
    assert Layer(2, 3, rng=0).get_weights()[1].tolist() == [0.0, 0.0, 0.0]


def test_same_seed_same_weights():
    a, b = MLP(2, [4, 1], seed=7), MLP(2, [4, 1], seed=7)
    assert all(np.array_equal(u, v) for u, v in zip(a.get_weights(), b.get_weights()))
    limit = np.sqrt(6 / (2 + 4))
    assert np.all(np.abs(a.get_weights()[0]) <= limit)


def test_inputs_may_be_values():
    model = MLP(2, [2, 1], seed=0)
    x = [Value(1.0), Value(-1.0)]
    model(x)[0].backward()
    assert x[0].grad != 0.0


def test_bad_input_is_explained():
    with pytest.raises(ValueError, match="needs 2 inputs, but got 3"):
        MLP(2, [3, 1], seed=0)([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="unknown activation 'sigmoidd'"):
        MLP(2, [3, 1], activation="sigmoidd")
    with pytest.raises(TypeError, match="units must be a non-empty list"):
        MLP(2, 3)
    with pytest.raises(TypeError, match="n_inputs must be an int"):
        MLP(2.0, [3])
    with pytest.raises(ValueError, match=r"kernel of shape \(2, 3\)"):
        MLP(2, [3, 1]).set_weights([np.zeros((3, 2)), np.zeros(3), np.zeros((3, 1)), np.zeros(1)])
    with pytest.raises(ValueError, match="needs 4 arrays"):
        MLP(2, [3, 1]).set_weights([np.zeros((2, 3))])
    with pytest.raises(ValueError, match="learning_rate must be > 0"):
        MLP(2, [1]).step(-0.1)


def test_repr():
    assert repr(MLP(2, [3, 1])) == ("MLP(Layer(2 -> 3, activation='tanh'), "
                                    "Layer(3 -> 1, activation=None))")
    assert repr(Neuron([1.0, 2.0])) == "Neuron(2 inputs, activation='tanh')"

"""Tests for nnedu.perceptron: the learning rules by hand, logic gates, XOR, history, errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnedu.perceptron import Perceptron

X_GATE = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
GATES = {
    "and": [0, 0, 0, 1],
    "or": [0, 1, 1, 1],
    "nand": [1, 1, 1, 0],
    "nor": [1, 0, 0, 0],
}
XOR = [0, 1, 1, 0]


def test_first_epoch_of_and_by_hand():
    p = Perceptron(learning_rate=1.0).fit(X_GATE, GATES["and"], epochs=1)
    # start w = (0, 0), b = 0
    # (0,0): z = 0 -> fires 1 (step(0) = 1), label 0: w += -1*(0,0), b = -1
    # (0,1): z = -1 -> 0, right.  (1,0): z = -1 -> 0, right.
    # (1,1): z = -1 -> 0, label 1: w += +1*(1,1) = (1,1), b = 0
    expected = [((0, 0), 0.0), ((0, 0), -1.0), ((0, 0), -1.0), ((0, 0), -1.0), ((1, 1), 0.0)]
    assert len(p.weights_history_) == 5
    for (w, b), (w_exp, b_exp) in zip(p.weights_history_, expected):
        np.testing.assert_array_equal(w, w_exp)
        assert b == b_exp
    assert p.errors_ == [2]
    assert p.converged_ is False


@pytest.mark.parametrize("gate", list(GATES))
@pytest.mark.parametrize("rule", ["perceptron", "delta"])
def test_learns_linearly_separable_gates_in_a_few_epochs(gate, rule):
    p = Perceptron(learning_rate=1.0, rule=rule).fit(X_GATE, GATES[gate], epochs=100)
    np.testing.assert_array_equal(p.predict(X_GATE), GATES[gate])
    assert p.converged_
    assert p.errors_[-1] == 0 and 0 not in p.errors_[:-1]  # stopped at the first clean epoch
    assert len(p.errors_) <= 6  # observed: AND 6, OR 4, NAND 6, NOR 4 epochs


def test_and_epoch_counts_observed():
    assert Perceptron().fit(X_GATE, GATES["and"]).errors_ == [2, 3, 3, 2, 1, 0]
    assert Perceptron().fit(X_GATE, GATES["or"]).errors_ == [2, 2, 1, 0]


def test_xor_never_converges_and_keeps_cycling():
    p = Perceptron().fit(X_GATE, XOR, epochs=200)
    assert len(p.errors_) == 200
    assert 0 not in p.errors_
    assert min(p.errors_) >= 1 and not p.converged_
    # after a short transient the weights go round the same cycle, one epoch long
    history = p.weights_history_
    assert len(history) == 1 + 4 * 200
    for k in range(8, len(history) - 4):
        np.testing.assert_array_equal(history[k][0], history[k + 4][0])
        assert history[k][1] == history[k + 4][1]
    # and within one epoch the decision line moves at every step (it never rests)
    states = {(tuple(w), b) for w, b in history[8:12]}
    assert len(states) == 4


def test_xor_not_converging_with_random_starts_either():
    for seed in range(3):
        p = Perceptron(learning_rate=0.1, seed=seed).fit(X_GATE, XOR, epochs=200)
        assert 0 not in p.errors_ and len(p.errors_) == 200


def plus_minus_one_rule(X, y01, learning_rate, epochs):
    """COURSE.md's rule with labels s in {-1, +1}: on a mistake w += alpha s x, b += alpha s."""
    s = 2 * np.asarray(y01) - 1
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(epochs):
        for x_i, s_i in zip(X, s):
            s_hat = 1 if x_i @ w + b >= 0 else -1
            if s_hat != s_i:
                w, b = w + learning_rate * s_i * x_i, b + learning_rate * s_i
    return w, b


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    learning_rate=st.sampled_from([0.1, 0.5, 1.0, 2.0]),
    n=st.integers(1, 12),
)
def test_the_three_forms_of_the_rule_make_the_same_updates(seed, learning_rate, n):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = rng.integers(0, 2, size=n)
    p = Perceptron(learning_rate, rule="perceptron").fit(X, y, epochs=5)
    d = Perceptron(learning_rate, rule="delta").fit(X, y, epochs=5)
    assert p.errors_ == d.errors_
    for (wp, bp), (wd, bd) in zip(p.weights_history_, d.weights_history_):
        np.testing.assert_array_equal(wp, wd)
        assert bp == bd
    w_pm, b_pm = plus_minus_one_rule(X, y, learning_rate, epochs=len(p.errors_))
    np.testing.assert_allclose(p.weights_, w_pm)
    assert p.bias_ == pytest.approx(b_pm)


def test_converges_on_separable_data_and_separates_it():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(200, 2))
    margin = X @ np.array([2.0, -1.0]) + 0.3
    keep = np.abs(margin) > 0.1  # a gap around the true line
    X, y = X[keep], (margin[keep] > 0).astype(int)
    p = Perceptron(learning_rate=0.5).fit(X, y, epochs=1000)
    assert p.converged_
    np.testing.assert_array_equal(p.predict(X), y)


def test_net_input_predict_and_step_at_zero():
    p = Perceptron()
    p.weights_, p.bias_ = np.array([2.0, -1.0]), -1.0
    X = np.array([[1.0, 1.0], [0.0, 0.0], [1.0, 0.0], [3.0, 0.0]])
    np.testing.assert_allclose(p.net_input(X), [0.0, -1.0, 1.0, 5.0])
    pred = p.predict(X)
    np.testing.assert_array_equal(pred, [1, 0, 1, 1])  # z = 0 gives 1
    assert pred.dtype.kind == "i"


def test_update_returns_mistake_and_moves_weights():
    p = Perceptron(learning_rate=0.5)
    p.weights_, p.bias_ = np.array([0.0, 0.0]), 0.0
    assert p.update(np.array([1.0, 2.0]), 0) == 1  # fired on a 0
    np.testing.assert_array_equal(p.weights_, [-0.5, -1.0])
    assert p.bias_ == -0.5
    assert p.update(np.array([1.0, 2.0]), 0) == 0  # now right: no change
    np.testing.assert_array_equal(p.weights_, [-0.5, -1.0])


def test_fit_restarts_and_seed_gives_small_random_start():
    p = Perceptron(seed=4).fit(X_GATE, GATES["or"], epochs=1)
    w0, b0 = p.weights_history_[0]
    assert b0 == 0.0 and np.all(w0 != 0) and np.all(np.abs(w0) < 0.1)
    p.fit(X_GATE, GATES["or"], epochs=1)
    np.testing.assert_array_equal(p.weights_history_[0][0], w0)  # same start again
    assert len(p.errors_) == 1
    assert Perceptron().fit(X_GATE, GATES["or"], record_history=False).weights_history_ == []


def test_bad_inputs_are_explained():
    p = Perceptron()
    with pytest.raises(ValueError, match=r"shape \(N, D\).*shape \(4,\).*reshape\(1, -1\)"):
        p.fit(np.zeros(4), [0, 1, 0, 1])
    with pytest.raises(ValueError, match=r"one label per row of X, shape \(4,\).*shape \(3,\)"):
        p.fit(X_GATE, [0, 1, 0])
    with pytest.raises(ValueError, match=r"labels 0 and 1 only.*\[-1\.\].*\(y \+ 1\) // 2"):
        p.fit(X_GATE, [-1, 1, 1, -1])
    with pytest.raises(TypeError, match="X must contain numbers"):
        p.fit([["a", "b"]], [0])
    with pytest.raises(ValueError, match="nan or inf"):
        p.fit(np.array([[np.nan, 1.0]]), [0])
    with pytest.raises(ValueError, match="epochs must be a positive int, but got 0"):
        p.fit(X_GATE, XOR, epochs=0)
    with pytest.raises(RuntimeError, match="call fit"):
        Perceptron().predict(X_GATE)
    p.fit(X_GATE, XOR, epochs=1)
    with pytest.raises(ValueError, match=r"2 weights.*\(N, 2\).*shape \(4, 3\)"):
        p.predict(np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"unknown rule 'hebb'"):
        Perceptron(rule="hebb")
    with pytest.raises(ValueError, match="learning_rate must be > 0"):
        Perceptron(learning_rate=0)
    with pytest.raises(ValueError, match=r"one sample x of shape \(2,\).*\(3,\)"):
        p.update(np.zeros(3), 1)


def test_update_refuses_a_label_other_than_0_or_1_before_changing_anything():
    p = Perceptron()
    p.weights_, p.bias_ = np.array([0.0, 0.0]), 0.0
    with pytest.raises(ValueError, match="label target of 0 or 1, but got -1"):
        p.update(np.array([1.0, 2.0]), -1)
    with pytest.raises(TypeError, match="x must contain numbers"):
        p.update(["a", "b"], 1)
    np.testing.assert_array_equal(p.weights_, [0.0, 0.0])
    assert p.bias_ == 0.0


@pytest.mark.parametrize("rule", ["perceptron", "delta"])
@pytest.mark.parametrize("learning_rate", [0.1, 1.0])
def test_xor_never_reaches_zero_errors_with_either_rule(rule, learning_rate):
    p = Perceptron(learning_rate=learning_rate, rule=rule).fit(X_GATE, XOR, epochs=200)
    assert len(p.errors_) == 200 and min(p.errors_) >= 1
    assert not np.array_equal(p.predict(X_GATE), XOR)

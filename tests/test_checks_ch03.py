"""Tests for nnedu.checks.ch03: right answers pass, typical wrong answers fail with a named hint."""

import itertools

import numpy as np
import pytest
from checkhelpers import blank, fails_with

from nnedu import activations
from nnedu.checks import ch03
from nnedu.checks._core import NOT_ATTEMPTED


@pytest.mark.parametrize("check", [ch03.dense_forward, ch03.count_params, ch03.xor_weights,
                                   ch03.sequential_forward])
def test_not_attempted_is_reported_not_raised(check):
    result = check(blank)
    assert not result["passed"] and result["message"] == NOT_ATTEMPTED


def test_registry_lists_the_four_exercises_with_points():
    from nnedu.checks._core import registry

    assert registry("03") == {"dense_forward": 1, "count_params": 1, "xor_weights": 2,
                              "sequential_forward": 2}


# ---------------------------------------------------------------- dense_forward

def test_dense_forward_passes_the_reference():
    result = ch03.dense_forward(lambda X, W, b, f: f(X @ W + b))
    assert result["passed"] and result["message"] == "all 5 cases passed"


def test_dense_forward_alternative_with_np_dot_and_keyword_passes():
    assert ch03.dense_forward(lambda X, W, b, activation: activation(np.dot(X, W) + b))[
        "passed"]


def test_dense_forward_without_bias_fails():
    fails_with(ch03.dense_forward, lambda X, W, b, f: f(X @ W),
               "1 example, 2 inputs, 2 units", "expected H = [[-1.25, 2]]", "got [[-1.5, 2.5]]",
               "did you forget the bias?")


def test_dense_forward_without_activation_fails_on_the_relu_case():
    fails_with(ch03.dense_forward, lambda X, W, b, f: X @ W + b,
               "4 examples, 2 inputs, 3 units, relu", "apply the activation")


def test_dense_forward_with_bias_after_activation_fails():
    fails_with(ch03.dense_forward, lambda X, W, b, f: f(X @ W) + b,
               "relu", "add the bias BEFORE the activation")


def test_dense_forward_with_transposed_kernel_is_named_on_the_first_case():
    # the first kernel is square: X @ W.T gives numbers, and the hint names the transpose
    fails_with(ch03.dense_forward, lambda X, W, b, f: f(X @ W.T + b),
               "1 example, 2 inputs, 2 units", "not W.T")


def test_dense_forward_that_crashes_on_a_non_square_kernel_is_told_the_layout():
    def transposed_unless_square(X, W, b, f):
        return f(X @ (W if W.shape[0] == W.shape[1] else W.T) + b)

    fails_with(ch03.dense_forward, transposed_unless_square, "1 example, 2 inputs, 1 unit",
               "raised ValueError", "X @ W, not X @ W.T or W @ X")


def test_dense_forward_transposed_square_kernel_is_named():
    def transposed_only_when_square(X, W, b, f):
        return f(X @ (W.T if W.shape[0] == W.shape[1] else W) + b)

    fails_with(ch03.dense_forward, transposed_only_when_square, "identity", "not W.T")


# ---------------------------------------------------------------- count_params

def count_right(sizes):
    return sum(d * u + u for d, u in itertools.pairwise(sizes))


def test_count_params_passes_and_accepts_a_float_17():
    assert ch03.count_params(count_right)["message"] == "all 6 cases passed"
    assert ch03.count_params(lambda s: float(count_right(s)))["passed"]


def test_count_params_known_values_of_the_reference():
    assert count_right([2, 3, 2]) == 17 and count_right([784, 128, 10]) == 101770


def test_count_params_without_biases_fails():
    fails_with(ch03.count_params, lambda s: sum(d * u for d, u in itertools.pairwise(s)),
               "sizes = [2, 3, 2]", "expected count_params(sizes) = 17, got 12",
               "did you forget the biases?")


def test_count_params_with_input_biases_fails():
    fails_with(ch03.count_params, lambda s: count_right(s) + s[0],
               "got 19", "the input layer has no biases")


def test_count_params_with_bias_per_input_fails():
    fails_with(ch03.count_params,
               lambda s: sum(d * u + d for d, u in itertools.pairwise(s)),
               "sizes = [2, 2, 1]", "got 10", "one bias per UNIT")


def test_count_params_empty_network_hint():
    def crashes_on_one_size(sizes):
        return count_right(sizes) if len(sizes) > 1 else 5

    fails_with(ch03.count_params, crashes_on_one_size, "sizes = [5]", "0 parameters")


# ---------------------------------------------------------------- xor_weights

def xor_right():
    W1 = np.array([[20.0, -20.0], [20.0, -20.0]])
    return W1, np.array([-10.0, 30.0]), np.array([[20.0], [20.0]]), np.array([-30.0])


def test_xor_weights_passes_the_reference():
    result = ch03.xor_weights(xor_right)
    assert result["passed"] and result["points"] == 2


def test_xor_reference_outputs_really_are_xor():
    out = ch03.xor_net_forward(ch03.XOR_X, *xor_right())[:, 0]
    assert np.all(np.abs(out - np.array([0, 1, 1, 0])) < 1e-4)


def test_xor_weights_that_compute_or_fail_with_the_gate_named():
    def or_net():
        W1, b1 = xor_right()[:2]
        return W1, b1, np.array([[20.0], [0.0]]), np.array([-10.0])   # output = hidden OR

    fails_with(ch03.xor_weights, or_net, "your network computes OR, not XOR")


def test_xor_weights_too_soft_fail_with_the_scaling_hint():
    def soft():
        return tuple(w / 5 for w in xor_right())

    fails_with(ch03.xor_weights, soft, "not within 0.1 of 0", "sharper")


def test_xor_weights_with_scalar_bias_fail_on_shape():
    def scalar_b2():
        W1, b1, W2, _ = xor_right()
        return W1, b1, W2, -30.0

    fails_with(ch03.xor_weights, scalar_b2, "the shape of b2", "np.array([value])")


def test_xor_weights_all_zero_fail_with_the_constant_hint():
    def zeros():
        return np.zeros((2, 2)), np.zeros(2), np.zeros((2, 1)), np.zeros(1)

    fails_with(ch03.xor_weights, zeros, "got [0, 0, 0, 0]", "the same answer for every input")


def test_xor_weights_returning_three_arrays_fail():
    fails_with(ch03.xor_weights, lambda: xor_right()[:3], "a tuple of four arrays", "got 3 things")


def test_xor_weights_with_the_right_lines_but_soft_sigmoids_are_told_to_sharpen():
    def tiny():
        W1, b1, W2, b2 = xor_right()
        return W1 / 100, b1 / 100, W2 / 100, b2 / 100

    fails_with(ch03.xor_weights, tiny, "the lines are right, the sigmoids too soft")


# ---------------------------------------------------------------- sequential_forward

def forward_right(model, X):
    out = X
    for layer in model.layers:
        out = activations.get(layer.activation)(out @ layer.params["kernel"]
                                                + layer.params["bias"])
    return out


def test_sequential_forward_passes_the_reference():
    result = ch03.sequential_forward(forward_right)
    assert result["passed"] and result["message"] == "all 4 cases passed"


def test_sequential_forward_without_activations_fails():
    def linear(model, X):
        for layer in model.layers:
            X = X @ layer.params["kernel"] + layer.params["bias"]
        return X

    fails_with(ch03.sequential_forward, linear, "2-3-2, relu then softmax",
               "you skipped the activations")


def test_sequential_forward_with_only_the_last_activation_fails():
    def last_only(model, X):
        for layer in model.layers[:-1]:
            X = X @ layer.params["kernel"] + layer.params["bias"]
        last = model.layers[-1]
        return activations.get(last.activation)(X @ last.params["kernel"]
                                                + last.params["bias"])

    fails_with(ch03.sequential_forward, last_only, "apply EVERY layer's activation")


def test_sequential_forward_without_biases_fails():
    def no_bias(model, X):
        for layer in model.layers:
            X = activations.get(layer.activation)(X @ layer.params["kernel"])
        return X

    fails_with(ch03.sequential_forward, no_bias, "did you forget the biases?")


def test_sequential_forward_calling_model_forward_is_refused():
    fails_with(ch03.sequential_forward, lambda model, X: model.forward(X),
               "called model.forward", "layer by layer")
    # the check's own refusal comes through as it is, not as "your function raised ..."
    assert "raised" not in fails_with(ch03.sequential_forward, lambda model, X: model.forward(X))


def test_sequential_forward_calling_each_layers_forward_is_refused():
    def via_layers(model, X):
        for layer in model.layers:
            X = layer.forward(X)
        return X

    fails_with(ch03.sequential_forward, via_layers, "called layer.forward",
               "layer.params['kernel']")


def test_sequential_forward_calling_predict_is_refused():
    fails_with(ch03.sequential_forward, lambda model, X: model.predict(X, batch_size=2),
               "called model.forward (or model.predict)")


def test_xor_weights_with_a_flat_w2_fail_with_the_column_hint():
    def flat_w2():
        W1, b1, _, b2 = xor_right()
        return W1, b1, np.array([20.0, 20.0]), b2

    message = fails_with(ch03.xor_weights, flat_w2, "the shape of W2", "as a column")
    assert "bare number" not in message

"""Tests for nnedu.checks.ch01: right answers pass, typical wrong answers fail with a named hint."""

import itertools

import numpy as np
from checkhelpers import fails_with

from nnedu.checks import ch01
from nnedu.checks._core import NOT_ATTEMPTED

# ---------------------------------------------------------------- predict

def predict_right(w, b, X):
    return (X @ w + b >= 0).astype(int)


def test_predict_passes_the_reference_and_counts_cases():
    result = ch01.predict(predict_right)
    assert result["passed"] and result["points"] == 1
    assert result["message"] == "all 5 cases passed"


def test_predict_accepts_booleans():
    assert ch01.predict(lambda w, b, X: X @ w + b >= 0)["passed"]


def test_predict_without_bias_fails():
    fails_with(ch01.predict, lambda w, b, X: (X @ w >= 0).astype(int),
               "AND neuron", "expected predict(w, b, X) = [0, 0, 0, 1]",
               "did you forget the bias?")


def test_predict_with_strict_threshold_fails():
    fails_with(ch01.predict, lambda w, b, X: (X @ w + b > 0).astype(int),
               "points on the line", "use z >= 0, not z > 0")


def test_predict_returning_z_fails():
    fails_with(ch01.predict, lambda w, b, X: X @ w + b, "apply the step")


def test_predict_with_w_times_x_is_told_the_order():
    fails_with(ch01.predict, lambda w, b, X: (w @ X + b >= 0).astype(int),
               "your function raised ValueError", "write X @ w, not w @ X")


def test_predict_not_attempted_is_reported_not_raised():
    def blank(w, b, X):
        raise NotImplementedError()

    result = ch01.predict(blank)
    assert not result["passed"] and result["message"] == NOT_ATTEMPTED


# ---------------------------------------------------------------- update

def update_right(w, b, x, y, learning_rate=1.0):
    y_hat = int(x @ w + b >= 0)
    return w + learning_rate * (y - y_hat) * x, b + learning_rate * (y - y_hat)


def test_update_passes_the_reference():
    result = ch01.update(update_right)
    assert result["passed"] and result["message"] == "all 18 cases passed"


def test_update_with_flipped_sign_fails():
    def flipped(w, b, x, y, learning_rate=1.0):
        y_hat = int(x @ w + b >= 0)
        return w - learning_rate * (y - y_hat) * x, b - learning_rate * (y - y_hat)

    fails_with(ch01.update, flipped, "expected w_new = [1, 1]", "the sign is flipped")


def test_update_without_bias_fails():
    def no_bias(w, b, x, y, learning_rate=1.0):
        y_hat = int(x @ w + b >= 0)
        return w + learning_rate * (y - y_hat) * x, b

    fails_with(ch01.update, no_bias, "expected b_new = 0", "update the bias too")


def test_update_ignoring_learning_rate_fails():
    def no_rate(w, b, x, y, learning_rate=1.0):
        y_hat = int(x @ w + b >= 0)
        return w + (y - y_hat) * x, b + (y - y_hat)

    fails_with(ch01.update, no_rate, "learning_rate = 0.5", "multiply by learning_rate")


def test_update_with_linear_output_fails():
    def adaline(w, b, x, y, learning_rate=1.0):
        z = x @ w + b
        return w + learning_rate * (y - z) * x, b + learning_rate * (y - z)

    fails_with(ch01.update, adaline, "use the step output (0 or 1), not z")


def test_update_in_place_fails():
    def in_place(w, b, x, y, learning_rate=1.0):
        y_hat = int(x @ w + b >= 0)
        w += learning_rate * (y - y_hat) * x
        return w, b + learning_rate * (y - y_hat)

    fails_with(ch01.update, in_place, "changed the w passed in", "instead of w += ...")


def test_update_firing_only_above_zero_fails_on_the_tie():
    def strict(w, b, x, y, learning_rate=1.0):
        y_hat = int(x @ w + b > 0)
        return w + learning_rate * (y - y_hat) * x, b + learning_rate * (y - y_hat)

    fails_with(ch01.update, strict, "w = [1, -1], b = 0", "z = 0 counts as firing")


def test_update_returning_b_then_w_is_told_the_swap():
    fails_with(ch01.update, lambda w, b, x, y, learning_rate=1.0: update_right(
        w, b, x, y, learning_rate)[::-1], "got a number first", "the pair is swapped")


def test_update_alternative_with_heaviside_and_a_list_passes():
    def heaviside(w, b, x, y, learning_rate=1.0):
        error = y - float(np.heaviside(np.dot(w, x) + b, 1.0))
        return [w + learning_rate * error * x, float(b + learning_rate * error)]

    assert ch01.update(heaviside)["passed"]


def test_update_returning_one_value_fails():
    fails_with(ch01.update, lambda w, b, x, y, learning_rate=1.0: w,
               "expected update to return a pair (w, b)", "return w, b")


# ---------------------------------------------------------------- train

def train_right(X, y, epochs=100, learning_rate=1.0):
    w, b, errors = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        mistakes = 0
        for x_i, y_i in zip(X, y):
            y_hat = int(x_i @ w + b >= 0)
            w = w + learning_rate * (y_i - y_hat) * x_i
            b = b + learning_rate * (y_i - y_hat)
            mistakes += int(y_hat != y_i)
        errors.append(mistakes)
        if mistakes == 0:
            break
    return w, b, errors


def test_train_passes_the_reference():
    result = ch01.train(train_right)
    assert result["passed"] and result["points"] == 2
    assert result["message"] == "all 15 cases passed"


def test_train_reference_errors_are_the_ones_computed_by_hand():
    # AND from zero weights (see tests/test_perceptron.py for the first epoch by hand):
    # the perceptron needs 6 epochs, the last one without mistakes.
    assert train_right(ch01.GATE_X, ch01.GATES["and"])[2] == [2, 3, 3, 2, 1, 0]


def test_train_that_never_stops_fails():
    def no_stop(X, y, epochs=100, learning_rate=1.0):
        w, b, errors = np.zeros(X.shape[1]), 0.0, []
        for _ in range(epochs):
            mistakes = 0
            for x_i, y_i in zip(X, y):
                y_hat = int(x_i @ w + b >= 0)
                w, b = w + learning_rate * (y_i - y_hat) * x_i, b + learning_rate * (y_i - y_hat)
                mistakes += int(y_hat != y_i)
            errors.append(mistakes)
        return w, b, errors

    fails_with(ch01.train, no_stop, "for AND expected errors = [2, 3, 3, 2, 1, 0]", "stop after an epoch without mistakes")


def test_train_with_a_cumulative_counter_fails():
    def cumulative(X, y, epochs=100, learning_rate=1.0):
        w, b, errors, mistakes = np.zeros(X.shape[1]), 0.0, [], 0
        for _ in range(epochs):
            before = mistakes
            for x_i, y_i in zip(X, y):
                y_hat = int(x_i @ w + b >= 0)
                w, b = w + learning_rate * (y_i - y_hat) * x_i, b + learning_rate * (y_i - y_hat)
                mistakes += int(y_hat != y_i)
            errors.append(mistakes)
            if mistakes == before:
                break
        return w, b, errors

    fails_with(ch01.train, cumulative, "set the counter to 0 at the start of every epoch")


def test_train_counting_mistakes_after_the_update_fails():
    def after(X, y, epochs=100, learning_rate=1.0):
        w, b, errors = np.zeros(X.shape[1]), 0.0, []
        for _ in range(epochs):
            mistakes = 0
            for x_i, y_i in zip(X, y):
                w, b = update_right(w, b, x_i, y_i, learning_rate)
                mistakes += int(int(x_i @ w + b >= 0) != y_i)
            errors.append(mistakes)
            if mistakes == 0:
                break
        return w, b, errors

    fails_with(ch01.train, after, "expected errors = [2, 3, 3, 2, 1, 0]",
               "count a mistake BEFORE the update")


def test_train_alternative_using_update_passes():
    def with_update(X, y, epochs=100, learning_rate=1.0):
        w, b, errors = np.zeros(X.shape[1]), 0.0, []
        for _ in range(epochs):
            mistakes = 0
            for x_i, y_i in zip(X, y):
                w_new, b_new = update_right(w, b, x_i, y_i, learning_rate)
                mistakes += int(b_new != b)          # the bias moves exactly on a mistake
                w, b = w_new, b_new
            errors.append(mistakes)
            if not mistakes:
                break
        return w, b, np.array(errors)

    assert ch01.train(with_update)["passed"]


def test_train_from_random_weights_fails():
    def random_start(X, y, epochs=100, learning_rate=1.0):
        w0 = np.random.default_rng(0).normal(size=X.shape[1])
        w, b, errors = train_right(X, y, epochs, learning_rate)
        return w + w0, b, errors

    fails_with(ch01.train, random_start, "expected the final w", "start from w = 0")


def test_train_returning_only_weights_fails():
    fails_with(ch01.train, lambda X, y, epochs=100, learning_rate=1.0: train_right(X, y)[0],
               "expected train to return (w, b, errors)")


# ---------------------------------------------------------------- separates

def separates_right(w, b, X, y):
    return bool(np.all((X @ w + b >= 0).astype(int) == y))


def test_separates_passes_the_reference():
    assert ch01.separates(separates_right)["message"] == "all 12 cases passed"


def test_separates_with_any_fails():
    fails_with(ch01.separates, lambda w, b, X, y: bool(np.any((X @ w + b >= 0) == y)),
               "AND with the OR line", "expected False, got True",
               "use all(...), not any(...)")


def test_separates_returning_an_array_fails():
    fails_with(ch01.separates, lambda w, b, X, y: (X @ w + b >= 0) == y,
               "expected one True or False", "one bool for all the rows")


def test_separates_with_strict_threshold_fails():
    fails_with(ch01.separates, lambda w, b, X, y: bool(np.all((X @ w + b > 0) == y)),
               "two points on the line", "w . x + b = 0 gives 1")


# ---------------------------------------------------------------- find_separator

def find_separator_right(X, y, values):
    for *w, b in itertools.product(values, repeat=X.shape[1] + 1):
        if separates_right(np.array(w), b, X, y):
            return np.array(w), b
    return None


def test_find_separator_passes_the_reference():
    result = ch01.find_separator(find_separator_right)
    assert result["passed"] and result["points"] == 2


def test_find_separator_finds_nothing_for_xor_but_a_line_for_and():
    grid = np.linspace(-2, 2, 9)
    assert find_separator_right(ch01.GATE_X, ch01.GATES["xor"], grid) is None
    w, b = find_separator_right(ch01.GATE_X, ch01.GATES["and"], grid)
    assert (w.tolist(), b) == ([0.5, 0.5], -1.0)   # first hit in product order, by hand


def test_find_separator_that_returns_the_last_candidate_fails():
    def last_tried(X, y, values):
        for *w, b in itertools.product(values, repeat=X.shape[1] + 1):
            pass
        return np.array(w), b

    fails_with(ch01.find_separator, last_tried, "for AND,", "rows wrong",
               "return a (w, b) for which separates")


def test_find_separator_for_two_features_only_fails():
    def two_features(X, y, values):
        for w1, w2, b in itertools.product(values, repeat=3):
            if separates_right(np.array([w1, w2]), b, X[:, :2], y):
                return np.array([w1, w2]), b
        return None

    fails_with(ch01.find_separator, two_features, "majority of 3 inputs",
               "got None", "product(values, repeat=D + 1)")


def test_find_separator_assuming_two_features_is_told_about_d():
    def d_is_two(X, y, values):
        for w1, w2, b in itertools.product(values, repeat=3):
            if separates_right(np.array([w1, w2]), b, X, y):
                return np.array([w1, w2]), b
        return None

    fails_with(ch01.find_separator, d_is_two, "here D = 3",
               "your function raised ValueError", "do not assume D = 2")


def test_find_separator_returning_any_separator_passes():
    def last_separator(X, y, values):
        found = None
        for *w, b in itertools.product(values[::-1], repeat=X.shape[1] + 1):
            if separates_right(np.array(w), b, X, y):
                found = np.array(w), float(b)
        return found

    assert ch01.find_separator(last_separator)["passed"]


def test_find_separator_that_always_answers_fails():
    def never_none(X, y, values):
        found = find_separator_right(X, y, values)
        return found if found is not None else (np.zeros(X.shape[1]), 0.0)

    fails_with(ch01.find_separator, never_none, "for XOR,", "expected None")


def test_find_separator_that_gives_up_is_shown_the_first_separator():
    fails_with(ch01.find_separator, lambda X, y, values: None, "for AND,",
               "expected a separating (w, b), e.g. w = [0.5, 0.5], b = -1; got None")

"""The check machinery: messages, outcomes, display records and the registry."""

import numpy as np
import pytest

from nnedu.checks import _core
from nnedu.checks._core import (
    MIME,
    CheckFailed,
    call,
    diagnose,
    exercise,
    expect_close,
    expect_equal,
    expect_shape,
    expect_true,
    matches,
    registry,
)


@exercise("99", "step", points=2)
def check_step(student_step):
    """A check like the chapters' ones: step(z) = 1 if z >= 0 else 0."""
    for z, want in [(2.0, 1), (-0.5, 0), (0.0, 1)]:
        got = call(student_step, z)
        expect_close(got, want, what="step(z)", inputs={"z": z},
                     hint="z >= 0 gives 1.")


@exercise("99", "weights", points=1)
def check_weights(student_weights):
    expect_shape(student_weights, (2, 3), what="the kernel")
    expect_close(student_weights, np.arange(6.0).reshape(2, 3), what="the kernel")


def not_attempted(z):
    raise NotImplementedError()


def test_correct_answer_passes_and_counts_its_cases(capsys):
    result = check_step(lambda z: 1 if z >= 0 else 0)
    assert result == {"chapter": "99", "exercise": "step", "passed": True, "points": 2,
                      "max_points": 2, "message": "all 3 cases passed"}
    assert capsys.readouterr().out == "✓ step: all 3 cases passed\n"


def test_not_attempted_is_reported_not_raised(capsys):
    result = check_step(not_attempted)
    assert (result["passed"], result["points"], result["message"]) == \
        (False, 0, "not attempted yet")
    assert capsys.readouterr().out.startswith("… step: not attempted yet")


def test_wrong_answer_raises_with_input_expected_got_and_hint(capsys):
    with pytest.raises(CheckFailed) as caught:
        check_step(lambda z: 1 if z > -1 else 0)
    message = "✗ step: for z = -0.5 expected step(z) = 0, got 1. Hint: z >= 0 gives 1."
    assert str(caught.value) == message
    assert caught.value._render_traceback_() == [message]
    assert isinstance(caught.value, AssertionError)  # so nbval and pytest see a failure
    assert caught.value.record["passed"] is False and caught.value.record["points"] == 0
    assert capsys.readouterr().out == ""  # the raised error is the only message


def test_crash_in_student_code_names_the_exception_and_input():
    with pytest.raises(CheckFailed, match=r"your function raised ZeroDivisionError: "
                                          r"division by zero for input\s\(2\)"):
        check_step(lambda z: 1 / 0)


def test_forgotten_return_and_non_function_are_explained():
    with pytest.raises(CheckFailed, match=r"got None \(is `return`\smissing\?\)"):
        check_step(lambda z: None)
    with pytest.raises(CheckFailed, match="expected a function, but got int 1"):
        check_step(1)


def test_array_mismatch_names_the_shape_or_the_first_differing_index():
    with pytest.raises(CheckFailed, match=r"expected the kernel of shape "
                                          r"\(2, 3\), got shape \(3, 2\)"):
        check_weights(np.zeros((3, 2)))
    wrong = np.arange(6.0).reshape(2, 3)
    wrong[1, 2] = 9.0
    with pytest.raises(CheckFailed, match=r"expected the kernel\[1, 2\] = 5, got 9"):
        check_weights(wrong)
    wrong[1, 2] = 5.0001
    with pytest.raises(CheckFailed, match=r"expected the kernel\[1, 2\] = 5, got 5.0001 "
                                          r"\(shape\s\(2,\s3\)\)"):
        check_weights(wrong)


def test_expect_helpers_on_their_own():
    expect_close(0.1 + 0.2, 0.3)
    expect_equal([1, 2], [1, 2])
    expect_equal(np.array([1, 2]), np.array([1, 2]))
    with pytest.raises(CheckFailed, match="expected 3, got 4"):
        expect_equal(4, 3)
    with pytest.raises(CheckFailed, match=r"^the loss must be positive\.$"):
        expect_true(False, "the loss must be positive")
    with pytest.raises(CheckFailed, match=r"for x = 1, y = \[1, 2\] expected"):
        expect_close(1.0, 2.0, inputs={"x": 1, "y": [1, 2]})


def test_matches_compares_shape_and_numbers_as_np_allclose_with_atol_1e_9():
    # |got - value| <= 1e-9 + 1e-5 |value|: 2 + 1e-5 is within 1e-9 + 2e-5 of 2, 2 + 1e-4 is not
    assert matches([1.0, 2.0], np.array([1.0, 2.0 + 1e-5]))
    assert not matches([1.0, 2.0], [1.0, 2.0 + 1e-4])
    assert matches(0.0, 5e-10) and not matches(0.0, 2e-9)   # near 0 only atol counts
    assert not matches([1.0, 2.0], [[1.0, 2.0]])            # shape (2,) vs (1, 2)
    assert matches(3, 3.0) and matches(np.int64(1), 1.0)
    assert not matches("abc", 1.0)                          # not numbers
    assert not matches([1.0, "x"], [1.0, 2.0])
    assert not matches(1.0, None) and not matches(None, None)   # None matches nothing


def test_matches_counts_nan_as_equal_only_when_asked():
    got, wrong = np.array([np.nan, 1.0]), np.array([np.nan, 1.0])
    assert not matches(got, wrong)
    assert matches(got, wrong, equal_nan=True)
    assert not matches(got, [1.0, 1.0], equal_nan=True)


def test_diagnose_returns_the_first_matching_hint_else_the_default():
    mistakes = [(None, "not computable"), (np.array([1.0, 2.0]), "first"),
                ([1.0, 2.0], "second"), ([2.0, 1.0], "reversed")]
    assert diagnose([1.0, 2.0], mistakes, "default") == "first"
    assert diagnose([2.0, 1.0], mistakes, "default") == "reversed"
    assert diagnose([0.0, 0.0], mistakes, "default") == "default"
    assert diagnose(np.nan, [(np.nan, "nan")], "default") == "default"
    assert diagnose(np.nan, [(np.nan, "nan")], "default", equal_nan=True) == "nan"


def test_diagnose_computes_wrong_answers_lazily():
    computed = []

    def wrong_answers():
        for value, hint in [(1.0, "one"), (2.0, "two"), (3.0, "three")]:
            computed.append(value)
            yield value, hint

    assert diagnose(2.0, wrong_answers(), "default") == "two"
    assert computed == [1.0, 2.0]   # the third wrong answer was never computed


def test_registry_lists_exercises_in_order_with_points():
    assert registry("99") == {"step": 2, "weights": 1}
    assert registry("98") == {}
    registry("99")["step"] = 100  # a copy: the registry itself is unchanged
    assert registry("99")["step"] == 2


def test_exercise_rejects_bad_arguments():
    with pytest.raises(ValueError, match="two-digit string"):
        exercise("1", "step")
    with pytest.raises(ValueError, match="whole number"):
        exercise("01", "step", points=-1)


def test_in_ipython_the_record_is_displayed_under_the_mime_type(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(_core, "_ipython_shell", lambda: object())
    monkeypatch.setattr(IPython.display, "display",
                        lambda bundle, raw: shown.append((bundle, raw)))
    check_step(lambda z: int(z >= 0))
    with pytest.raises(CheckFailed):
        check_step(lambda z: 0)
    (passed, raw_passed), (failed, _) = shown
    assert raw_passed is True
    assert passed[MIME]["passed"] is True and passed["text/plain"].startswith("✓ step")
    assert "✓ step: all 3 cases passed" in passed["text/html"]
    assert failed[MIME]["message"].startswith("for z = 2 expected step(z) = 1, got 0.")


# ---------------------------------------------------------------- formatting of messages

def test_numbers_that_differ_are_printed_with_enough_digits_to_differ():
    with pytest.raises(CheckFailed, match=r"expected 0.30000001, got 0.30000002"):
        expect_close(0.30000002, 0.30000001, atol=0, rtol=1e-12)
    with pytest.raises(CheckFailed, match=r"expected 1, got 1.0000001"):
        expect_equal(1.0000001, 1.0)
    assert _core._fmt_pair(0.5, 0.5) == ("0.5", "0.5")


def test_small_arrays_are_shown_whole_and_the_first_difference_is_named():
    with pytest.raises(CheckFailed) as caught:
        expect_close(np.array([1.0, 2.5, 3.0]), np.array([1.0, 2.0, 3.0]), what="f(z)")
    assert str(caught.value).replace("\n", " ") == (
        "expected f(z) = [1, 2, 3], got [1, 2.5, 3].")
    with pytest.raises(CheckFailed, match=r"expected f\(z\)\[1\] = 2, got 2.00001 \(shape \(2,\)\)"):
        expect_close(np.array([1.0, 2.00001]), np.array([1.0, 2.0]), what="f(z)", rtol=1e-9)


def test_large_arrays_are_shown_by_shape_and_first_differing_entry():
    want = np.linspace(0.0, 1.0, 60).reshape(3, 20)
    got = want.copy()
    got[2, 7] += 1e-5
    with pytest.raises(CheckFailed) as caught:
        expect_close(got, want, what="softmax(z)", inputs={"z": want}, atol=0, rtol=1e-9)
    lines = str(caught.value).splitlines()
    assert " ".join(lines) == (f"for z = an array of shape (3, 20) expected softmax(z)[2, 7] = "
                               f"{want[2, 7]:.6g}, got {got[2, 7]:.6g} (shape (3, 20)).")
    assert len(lines) <= 2 and all(len(line) <= _core.WIDTH for line in lines)


def test_a_long_message_takes_two_lines_that_fit_the_notebook():
    hint = "a hint of several words that does not fit on the first line together with it"
    with pytest.raises(CheckFailed) as caught:
        expect_close(np.ones(40), np.zeros(40), what="the output", hint=hint)
    lines = str(caught.value).splitlines()
    assert len(lines) == 2 and lines[1] == f"Hint: {hint}"
    assert len(lines[0]) <= _core.WIDTH - _core.PREFIX and len(lines[1]) <= _core.WIDTH
    assert lines[0] == "expected the output[0] = 0, got 1 (shape (40,))."


def test_a_long_exception_is_cut_to_its_first_words():
    def crash(z):
        raise ValueError("matmul: Input operand 1 has a mismatch in its core dimension 0, "
                         "with gufunc signature (n?,k),(k?,m?)->(n?,m?) (size 3 is different "
                         "from 2)\nsecond line")

    with pytest.raises(CheckFailed) as caught:
        check_step(crash)
    message = str(caught.value)
    assert "your function raised ValueError: matmul: Input operand 1 has a…" in message
    assert "second line" not in message
    assert all(len(line) <= _core.WIDTH for line in message.splitlines())


# --- hidden tests, grading mode, nbgrader ------------------------------------

def hidden_step(student_step):
    """Two cases the student's copy never shows."""
    for z in [1e-9, -1e-9]:
        expect_close(call(student_step, z), float(z >= 0), what="step(z)", inputs={"z": z})


def test_hidden_cases_run_after_the_visible_ones_and_never_show_their_inputs():
    record = check_step(lambda z: float(z >= 0), hidden=hidden_step)
    assert record["passed"] and record["message"] == "all 5 cases passed (2 hidden)"
    with pytest.raises(CheckFailed) as caught:
        check_step(lambda z: float(z > -1e-6), hidden=hidden_step)
    assert str(caught.value) == ("✗ step: failed a hidden test case (the grader's own inputs, "
                                 "not shown)")
    assert "1e-09" not in str(caught.value)


@pytest.fixture
def grading():
    _core.grading_mode(True)
    yield
    _core.grading_mode(False)


def test_grading_mode_counts_every_case_for_partial_credit(grading):
    record = check_step(lambda z: 1.0, hidden=hidden_step)   # right for z >= 0 only
    assert (record["passed"], record["cases"], record["ok"], record["failed"],
            record["hidden_failed"], record["aborted"]) == (False, 5, 3, 1, 1, False)
    assert record["message"].startswith("for z = -0.5 expected step(z) = 0, got 1.")
    assert _core._LAST["step"] == dict(record)


def test_grading_mode_stops_at_a_crash_and_says_so(grading):
    def crashes(z):
        raise ZeroDivisionError("boom")

    record = check_step(crashes)
    assert (record["passed"], record["ok"], record["aborted"]) == (False, 0, True)
    assert record["message"] == "your function raised ZeroDivisionError: boom for input (2)"


def test_under_nbgrader_a_blank_fails_its_check_cell(monkeypatch):
    assert check_step(not_attempted)["message"] == "not attempted yet"
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(CheckFailed, match="not attempted yet"):
        check_step(not_attempted)


def test_expect_unchanged_names_every_input_changed_in_place():
    x, w = np.ones(3), np.zeros(2)
    _core.expect_unchanged({"x": x.copy(), "w": w.copy()}, {"x": x, "w": w})
    x[0], w[1] = 5.0, 1.0
    with pytest.raises(CheckFailed, match="your function changed its input x, w in place"):
        _core.expect_unchanged({"x": np.ones(3), "w": np.zeros(2)}, {"x": x, "w": w})


def test_expect_parts_wants_one_value_per_name():
    assert _core.expect_parts([1, 2], ("dx", "dw")) == (1, 2)
    with pytest.raises(CheckFailed, match=r"expected \(dx, dw, db\), got 2 values"):
        _core.expect_parts((1, 2), ("dx", "dw", "db"))
    with pytest.raises(CheckFailed, match=r"expected \(dx, dw\), got ndarray"):
        _core.expect_parts(np.zeros(2), ("dx", "dw"))

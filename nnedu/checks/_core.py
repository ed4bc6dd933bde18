"""The machinery behind every exercise check.

A chapter's checks live in ``nnedu/checks/chNN.py``. Each one is a plain
function, decorated with :func:`exercise`, that takes the student's function
(or value) and runs cases from easy to hard with the ``expect_*`` helpers::

    from nnedu.checks._core import call, exercise, expect_close

    @exercise("01", "step", points=1)
    def step(student_step):
        '''Check step(z) = 1 if z >= 0 else 0.'''
        for z, want in [(2.0, 1), (-0.5, 0), (0.0, 1)]:
            got = call(student_step, z)
            expect_close(got, want, what="step(z)", inputs={"z": z},
                         hint="the threshold belongs to the 'fires' side: z >= 0 gives 1.")

In the notebook the student writes ``ch01.step(step)`` after the exercise
and sees one of three lines:

- ``✓ step: all 3 cases passed``;
- ``… step: not attempted yet`` (the function still raises
  NotImplementedError; Run All goes on);
- ``✗ step: for z = 0.0 expected step(z) = 1, got 0. Hint: ...``, raised
  as :class:`CheckFailed`, so that the cell fails (and nbval fails a broken
  solution notebook) but Jupyter shows that one line, not a stack.

Every outcome is also displayed as a structured record under the MIME type
:data:`MIME`: the student's feedback. ``nnedu grade`` never reads points from
those records; it runs every check itself, on a private copy of this module
loaded before the submission ran (see :mod:`nnedu.course.grade`).
:func:`registry` lists a chapter's exercises.

Hidden tests: a solution notebook may pass extra cases that the students'
copy never contains, as a function of the student's function::

    ### BEGIN HIDDEN TESTS
    def hidden_step(step):
        for z in [1e-9, -1e-9]:
            expect_close(call(step, z), float(z >= 0), what="step(z)")

    assert ch01.step(step, hidden=hidden_step)["passed"], "a hidden test failed"
    ### END HIDDEN TESTS

The check runs its own cases, then the hidden ones; a failing hidden case
says that it failed but never shows its inputs.

Under nbgrader's autograder (environment variable ``NBGRADER_EXECUTION``) an
exercise not attempted yet raises :class:`CheckFailed`, because nbgrader
gives the points of a check cell that runs without an error.

For the grader a check runs in *grading mode* (:func:`grading_mode`): a wrong
case is counted and the check goes on with the next one, so that a check of
several cases gives partial credit; the record then also holds "cases",
"failed", "hidden_failed" and "aborted".

Conceptual questions (markdown answers between the solution markers) have
no check: they are not graded automatically.
"""

import functools
import html
import os
import sys

import numpy as np

MIME = "application/vnd.nnedu.check+json"
NOT_ATTEMPTED = "not attempted yet"

HIDDEN_FAILED = "failed a hidden test case (the grader's own inputs, not shown)"

_REGISTRY = {}     # chapter -> {exercise name: max points}, in definition order
_counters = []     # one _Cases per check that is running (checks may nest)
_GRADING = {"on": False}   # grading mode: count wrong cases instead of stopping at the first
_LAST = {}                 # exercise name -> the record of its latest run (for the grader)


class CheckFailed(AssertionError):
    """A check found a wrong answer; ``str(err)`` is the message for the student.

    Jupyter (IPython) shows an exception through ``_render_traceback_`` when
    the class defines it, so the student sees the message and nothing else.
    ``record`` holds the structured result when the error comes from a check.
    """

    def __init__(self, message, record=None):
        super().__init__(message)
        self.message = message
        self.record = record

    def _render_traceback_(self):
        return self.message.splitlines()


class CheckResult(dict):
    """The record a check returns; a dict that adds no second output in Jupyter."""

    def _ipython_display_(self):
        pass  # the check has already displayed itself


# ---------------------------------------------------------------------------
# The decorator and the registry
# ---------------------------------------------------------------------------

def exercise(chapter, name, points=1):
    """Turn a check function into a graded exercise of ``chapter`` ("01", ...).

    The decorated check, ``check(student, ..., hidden=None)``, returns a
    :class:`CheckResult` record {"chapter", "exercise", "passed", "points",
    "max_points", "message"} when the student passed or has not attempted the
    exercise yet, and raises :class:`CheckFailed` (after displaying the
    record) when an answer is wrong. ``hidden``: a function of the student's
    function that runs more cases after the check's own (hidden tests).
    """
    _validate_exercise(chapter, name, points)
    _REGISTRY.setdefault(chapter, {})[name] = points

    def decorate(check):
        @functools.wraps(check)
        def run_check(student, *args, hidden=None, **kwargs):
            cases = _Cases()
            _counters.append(cases)
            try:
                check(student, *args, **kwargs)
                if hidden is not None:
                    cases.hidden_from = cases.count
                    hidden(student)
            except NotImplementedError:
                record = _LAST[name] = _record(chapter, name, points, False, NOT_ATTEMPTED, cases)
                _report(record)
                if os.environ.get("NBGRADER_EXECUTION") and not _GRADING["on"]:
                    # nbgrader scores a check cell that runs without an error: fail it
                    raise CheckFailed(f"✗ {name}: {NOT_ATTEMPTED}", record) from None
                return CheckResult(record)
            except CheckFailed as err:
                cases.abort(err.message)
            except Exception as err:  # grading mode: an answer broke the check
                if not _GRADING["on"]:
                    raise
                cases.abort(f"the check could not go on with what your function returned "
                            f"({type(err).__name__}: {err})")
            finally:
                _counters.pop()
            record = _record(chapter, name, points, cases.passed, cases.summary(), cases)
            _LAST[name] = record
            _report(record)
            if not cases.passed and not _GRADING["on"]:
                raise CheckFailed(f"✗ {name}: {record['message']}", record) from None
            return CheckResult(record)

        run_check.chapter, run_check.exercise, run_check.points = chapter, name, points
        return run_check

    return decorate


class _Cases:
    """What one running check has seen: cases counted, the wrong ones, hidden or not."""

    def __init__(self):
        self.count, self.hidden_from = 0, None
        self.failures = []          # (message, hidden?) of each wrong case
        self.aborted = False        # the check stopped before its last case

    @property
    def in_hidden(self):
        return self.hidden_from is not None

    @property
    def passed(self):
        return not self.failures and not self.aborted

    def fail(self, message):
        self.failures.append((message, self.in_hidden))

    def abort(self, message):
        if not self.failures or self.failures[-1][0] != message:
            self.failures.append((message, self.in_hidden))
        self.aborted = True

    def summary(self):
        """The message of the record: the first wrong case (hidden inputs not shown)."""
        if self.passed:
            hidden = f" ({self.count - self.hidden_from} hidden)" if self.in_hidden else ""
            return f"all {self.count} cases passed{hidden}"
        message, hidden = self.failures[0]
        return HIDDEN_FAILED if hidden else message


def grading_mode(on=True):
    """Switch grading mode on or off (the grader's private copy of this module uses it)."""
    _GRADING["on"] = bool(on)


def registry(chapter):
    """The exercises of ``chapter`` as {name: max points}, in definition order.

    Only checks that have been imported are known: import
    ``nnedu.checks.chNN`` first (``load_chapter`` does both).
    """
    return dict(_REGISTRY.get(chapter, {}))


def load_chapter(chapter):
    """Import ``nnedu.checks.ch<chapter>`` and return its registry ({} if none)."""
    import importlib

    try:
        importlib.import_module(f"nnedu.checks.ch{chapter}")
    except ModuleNotFoundError as err:
        if err.name != f"nnedu.checks.ch{chapter}":
            raise
    return registry(chapter)


def _validate_exercise(chapter, name, points):
    if not (isinstance(chapter, str) and len(chapter) == 2 and chapter.isdigit()):
        raise ValueError(f"exercise chapter must be a two-digit string such as '01', "
                         f"but got {chapter!r}")
    if not (isinstance(name, str) and name.isidentifier()):
        raise ValueError(f"exercise name must be a Python identifier, but got {name!r}")
    if not isinstance(points, int) or points < 0:
        raise ValueError(f"exercise points must be a whole number >= 0, but got {points!r}")


# ---------------------------------------------------------------------------
# Helpers used inside a check body: each expect_* call is one case
# ---------------------------------------------------------------------------

def call(student_fn, *args, **kwargs):
    """Call the student's function; turn its crashes into a readable failure.

    NotImplementedError goes through unchanged (the exercise is "not
    attempted yet"); any other exception becomes a :class:`CheckFailed`
    naming the exception and the input.
    """
    if not callable(student_fn):
        raise CheckFailed(f"expected a function, but got {_describe_type(student_fn)}. "
                          "Pass the function itself, without calling it: check(f), not check(f()).")
    try:
        return student_fn(*args, **kwargs)
    except (NotImplementedError, CheckFailed):
        raise   # not attempted yet, or a check's own trap (e.g. a forbidden call) sprang
    except Exception as err:  # noqa: BLE001 -- any error in student code is reported
        shown = ", ".join([_fmt(a) for a in args] + [f"{k}={_fmt(v)}" for k, v in kwargs.items()])
        where = f" for input ({shown})" if len(shown) <= 30 else ""
        raise CheckFailed(_wrap(f"your function raised {type(err).__name__}: "
                                f"{_first_words(err)}{where}")) from None


def expect_close(got, expected, what="", inputs=None, hint=None, atol=1e-8, rtol=1e-6):
    """Fail unless ``got`` equals ``expected`` within |got - expected| <= atol + rtol |expected|.

    Works for numbers and arrays of any shape (shapes must match exactly).
    """
    _count_case()
    where = _where(inputs)
    expected_arr = np.asarray(expected, dtype=float)
    got_arr = _as_numbers(got, what, where, hint)
    if got_arr.shape != expected_arr.shape:
        _fail(f"{where}expected {what or 'an array'} of shape {expected_arr.shape}, "
              f"got shape {got_arr.shape}", hint)
    close = np.isclose(got_arr, expected_arr, atol=atol, rtol=rtol, equal_nan=True)
    if not np.all(close):
        _fail(where + _mismatch(what, expected, got, close), hint)


def expect_equal(got, expected, what="", inputs=None, hint=None):
    """Fail unless ``got == expected`` (exactly; arrays element by element)."""
    _count_case()
    if isinstance(expected, np.ndarray) or isinstance(got, np.ndarray):
        same = np.shape(got) == np.shape(expected) and bool(np.all(np.equal(got, expected)))
    else:
        same = got == expected
    if not same:
        shown_expected, shown_got = _fmt_pair(expected, got)
        _fail(f"{_where(inputs)}expected {_what(what)}{shown_expected}, got {shown_got}", hint)


def expect_shape(got, shape, what="", inputs=None, hint=None):
    """Fail unless ``got`` is an array of shape ``shape``."""
    _count_case()
    got_shape = np.shape(got) if got is not None else None
    if got_shape != tuple(shape):
        came = "None" if got is None else f"shape {got_shape}"
        _fail(f"{_where(inputs)}expected {what or 'an array'} of shape {tuple(shape)}, "
              f"got {came}", hint)


def expect_true(condition, message, hint=None):
    """Fail with ``message`` unless ``condition`` holds."""
    _count_case()
    if not condition:
        _fail(message, hint)


def fail(message, hint=None):
    """Fail at once, outside the counted cases (an input changed, an answer of the wrong kind)."""
    raise CheckFailed(_lines(message, hint))


def kind_of(got):
    """What came back, in a few words: 'a float', 'a tuple of 2', 'None'."""
    if got is None:
        return "None"
    size = f" of {len(got)}" if isinstance(got, (tuple, list, dict)) else ""
    return f"a {type(got).__name__}{size}"


def expect_unchanged(originals, passed, hint="return new arrays instead of writing into the "
                                                 "inputs (x *= m changes x)."):
    """Fail if the student's function changed an array it was given, in place.

    originals: {name: a copy made before the call}; passed: {name: what was passed}.
    """
    changed = [name for name, value in originals.items()
               if not np.array_equal(passed[name], value)]
    expect_true(not changed, f"your function changed its input {', '.join(changed)} in place",
                hint=hint)


def expect_parts(got, names):
    """``got`` as a tuple of len(names) parts, or a failure naming what to return."""
    if not isinstance(got, (tuple, list)) or len(got) != len(names):
        came = f"{len(got)} values" if isinstance(got, (tuple, list)) else type(got).__name__
        expect_true(False, f"expected ({', '.join(names)}), got {came}",
                    hint=f"return {', '.join(names)}.")
    return tuple(got)


# ---------------------------------------------------------------------------
# Naming the mistake: compare a wrong answer with the typical wrong answers
# ---------------------------------------------------------------------------

def matches(got, value, equal_nan=False):
    """True when ``got`` has the shape of ``value`` and, entry by entry, its numbers.

    "The same number" as np.allclose with atol=1e-9: |got - value| <= 1e-9 + 1e-5 |value|.
    A ``value`` of None (a wrong answer that could not be computed) matches
    nothing, and neither does a ``got`` that is not numbers. With
    ``equal_nan=True``, nan in the same places counts as equal.

    >>> matches([1.0, 2.0], np.array([1.0, 2.0 + 1e-12]))
    True
    >>> matches([1.0, 2.0], [[1.0, 2.0]])     # shape (2,) is not shape (1, 2)
    False
    """
    if value is None:
        return False
    try:
        got_arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    value = np.asarray(value, dtype=float)
    return got_arr.shape == value.shape and bool(
        np.allclose(got_arr, value, atol=1e-9, equal_nan=equal_nan))


def diagnose(got, mistakes, default, equal_nan=False):
    """The hint of the first (wrong value, hint) pair that ``got`` :func:`matches`, else ``default``.

    ``mistakes`` may be a generator, so that a wrong value is only computed
    when the earlier ones did not match; a wrong value of None is skipped.

    >>> diagnose(-1.0, [(1.0, "the sign"), (-1.0, "no bias")], "look again")
    'no bias'
    """
    for wrong, hint in mistakes:
        if matches(got, wrong, equal_nan=equal_nan):
            return hint
    return default


def _count_case():
    if _counters:
        _counters[-1].count += 1


def _fail(message, hint):
    text = _lines(message, hint)
    if _GRADING["on"] and _counters:
        _counters[-1].fail(text)    # grading mode: count it and go on with the next case
        return
    raise CheckFailed(text)


def _as_numbers(got, what, where, hint):
    if got is None:
        _fail(f"{where}expected {_be(what)}a number, got None (is `return` missing?)", hint)
    try:
        arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        _fail(f"{where}expected {_be(what)}a number or an array of numbers, "
              f"got {_describe_type(got)}", hint)
    return arr


def _where(inputs):
    if inputs is None:
        return ""
    if isinstance(inputs, dict):
        return "for " + ", ".join(_input(k, v) for k, v in inputs.items()) + " "
    return f"for {inputs} "


def _input(name, value):
    """``name = value``; a case's description (a string under "case") stands alone."""
    if name in ("case", "data") and isinstance(value, str):
        return value
    return f"{name} = {value if isinstance(value, str) else _fmt(value, SHORT_INPUT)}"


def _what(what):
    return f"{what} = " if what else ""


def _be(what):
    return f"{what} to be " if what else ""


def _describe_type(value):
    return f"{type(value).__name__} {_fmt(value)}"


# ---------------------------------------------------------------------------
# Formatting: a message is at most two lines that fit the notebook's width
# ---------------------------------------------------------------------------

WIDTH = 96       # characters per line: JupyterLab's output area at ~850 px, 13 px monospace
PREFIX = 28      # room left on the first line for the "✗ exercise_name: " the check adds
SHORT = 20       # an array whose one-line rendering is longer is shown by its shape
SHORT_INPUT = 24  # the same for an input named in the message (a little more room)


def _lines(message, hint):
    """``message.`` and ``Hint: hint``: one line if they fit, else the hint on a line of its
    own if each fits, else both wrapped at spaces (the checks keep that to two lines).

    >>> print(_lines("expected 1, got 2", "add one"))
    expected 1, got 2. Hint: add one
    """
    text = message if message.endswith((".", "?", "…")) else f"{message}."
    if not hint:
        return _wrap(text)
    one_line = f"{text} Hint: {hint}"
    if len(one_line) <= WIDTH - PREFIX:
        return one_line
    if len(text) <= WIDTH - PREFIX and len(hint) + 6 <= WIDTH:
        return f"{text}\nHint: {hint}"
    return _wrap(one_line)


def _wrap(text, first_line=WIDTH - PREFIX):
    """Break ``text`` at spaces into lines of at most WIDTH characters (the first shorter)."""
    import textwrap

    lines = textwrap.wrap(text, width=WIDTH, initial_indent=" " * (WIDTH - first_line),
                          break_long_words=False, break_on_hyphens=False)
    return "\n".join(line.strip() for line in lines) if lines else text


def _first_words(err, limit=30):
    """The first line of an exception's message, cut at ``limit`` characters."""
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _mismatch(what, expected, got, close):
    """"expected <what> = E, got G" for two arrays (or numbers) of one shape that differ.

    Short arrays are shown in full when their renderings differ; otherwise the message
    names the shape and the first entry that differs, with as many digits as it takes
    to tell the two numbers apart.
    """
    expected_arr, got_arr = np.asarray(expected, dtype=float), np.asarray(got, dtype=float)
    if expected_arr.ndim == 0:
        shown_expected, shown_got = _fmt_pair(float(expected_arr), float(got_arr))
        return f"expected {_what(what)}{shown_expected}, got {shown_got}"
    index = tuple(int(i) for i in np.argwhere(~close)[0])
    first_expected, first_got = _fmt_pair(float(expected_arr[index]), float(got_arr[index]))
    at = f"[{', '.join(map(str, index))}]"
    full_expected, full_got = _fmt(np.asarray(expected)), _fmt(np.asarray(got))
    if _is_short(full_expected) and _is_short(full_got) and full_expected != full_got:
        return f"expected {_what(what)}{full_expected}, got {full_got}"
    return (f"expected {what or 'entry '}{at} = {first_expected}, got {first_got} "
            f"(shape {expected_arr.shape})")


def _is_short(text, limit=SHORT):
    return len(text) <= limit and not any(part in text for part in ("\n", "shape", "..."))


def _fmt_pair(expected, got):
    """Render two numbers with the fewest digits (6 to 17) that show they differ."""
    if not all(isinstance(v, (float, np.floating)) for v in (expected, got)):
        return _fmt(expected), _fmt(got)
    for digits in range(6, 18):
        shown = f"{float(expected):.{digits}g}", f"{float(got):.{digits}g}"
        if shown[0] != shown[1]:
            return shown
    return shown


def _fmt(value, limit=SHORT):
    """A short, one-line rendering of a number, array or other value.

    >>> _fmt(0.1 + 0.2), _fmt(np.array([1.0, -2.5])), _fmt(np.zeros((10, 10)))
    ('0.3', '[1, -2.5]', 'an array of shape (10, 10)')
    """
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.6g}"
    if isinstance(value, np.ndarray) or (isinstance(value, list) and value
                                        and all(isinstance(v, (int, float)) for v in value)):
        arr = np.asarray(value)
        if arr.dtype.kind in "biuf":
            text = _fmt_array(arr) if arr.size <= 12 else "..."
            return text if _is_short(text, limit) else f"an array of shape {arr.shape}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _fmt_array(arr):
    """[1, -2.5] style: 4 significant digits, no padding, nested for 2-D and more."""
    if arr.ndim == 0:
        value = arr.item()
        return f"{value:.4g}" if isinstance(value, float) else str(value)
    return "[" + ", ".join(_fmt_array(row) for row in arr) + "]"


# ---------------------------------------------------------------------------
# Showing a result: in Jupyter as a display with the MIME record, else print
# ---------------------------------------------------------------------------

def _record(chapter, name, points, passed, message, cases=None):
    record = {"chapter": chapter, "exercise": name, "passed": passed,
              "points": points if passed else 0, "max_points": points, "message": message}
    if cases is not None and _GRADING["on"]:
        record.update(cases=cases.count, ok=cases.count - len(cases.failures) + cases.aborted,
                      failed=sum(not h for _, h in cases.failures),
                      hidden_failed=sum(h for _, h in cases.failures), aborted=cases.aborted,
                      messages=[HIDDEN_FAILED if h else m for m, h in cases.failures])
    return record


def _report(record):
    """Display the result of one check (its record); return the record."""
    name, message = record["exercise"], record["message"]
    if record["passed"]:
        text, colour = f"✓ {name}: {message}", "#1a7f37"
    elif message == NOT_ATTEMPTED:
        # short enough for one line at the notebook's width, even for the longest names
        text, colour = (f"… {name}: {NOT_ATTEMPTED}: replace "
                        "`raise NotImplementedError()`"), "#6e7781"
    else:
        text, colour = "", None  # the raised CheckFailed shows the message once
    if not _GRADING["on"]:
        _show(record, text, colour)
    return record


def _show(record, text, colour):
    shell = _ipython_shell()
    if shell is None:
        if text:
            print(text)
        return
    from IPython.display import display

    bundle = {MIME: record, "text/plain": text}
    if text:
        bundle["text/html"] = (f'<pre style="color: {colour}; margin: 0">'
                               f"{html.escape(text)}</pre>")
    display(bundle, raw=True)


def _ipython_shell():
    """The running IPython shell, or None (never imports IPython itself)."""
    if "IPython" not in sys.modules:
        return None
    return sys.modules["IPython"].get_ipython()

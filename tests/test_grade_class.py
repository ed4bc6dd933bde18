"""A class of 30 submissions, graded at once: full, blank, partial, and every known attack.

The class is graded without the namespace sandbox (NNEDU_GRADER_SANDBOX=0), so that what
is asserted here holds for a grader with no special rights; tests/test_grade.py checks
what the sandbox adds where the machine allows it.

One grader run (``nnedu grade class/ --jobs 2``) over chapter 97 of the tiny course
in gradecourse.py; the test asserts the whole gradebook, the messages that explain
the attacks, that the victims of the attacks were not harmed, and the time it took.
"""

import csv
import json
import time
from pathlib import Path

import nbformat
import pytest
from gradecourse import FULL_ANSWERS as FULL
from gradecourse import MIME, environment, make_course, record_output, run_nnedu, submission

# Per cell. Generous: in `make test` this class is graded while other test workers run
# notebooks on the same 2 cores, and a cell importing numpy and nnedu then takes seconds.
CELL_TIMEOUT_S = 20

FULL2 = {"add_one": "    return 1.0 + x", "negate": "    return 0.0 - x",
         "square": "    return x ** 2"}
RECORD = {"chapter": "97", "exercise": "add_one", "passed": True, "points": 2,
          "max_points": 2, "message": "all 2 cases passed"}

# student -> (add_one, negate, square); out of 2 + 1 + 3 = 6
EXPECTED = {
    "alice": (2, 1, 3), "bob": (2, 1, 3), "carol": (2, 1, 3), "dan": (0, 0, 0),
    "erin": (0, 0, 0), "fay": (2, 0, 0), "gus": (2, 1, 0.75), "hal": (2, 1, 2.25),
    "ivy": (0, 1, 3), "jon": (2, 0, 3), "kim": (0, 0, 0), "lee": (0, 0, 0), "max": (0, 0, 0),
    "ned": (0, 0, 0), "oli": (2, 1, 3), "pam": (0, 0, 0), "quin": (0, 0, 0), "rob": (0, 0, 0),
    "sue": (0, 0, 0), "tom": (2, 1, 0), "uma": (2, 1, 0), "vic": (0, 0, 0), "wendy": (2, 1, 3),
    "xav": (0, 0, 0), "yan": (0, 0, 0), "zed": (0, 0, 0), "amy": (2, 1, 3), "bea": (0, 0, 0),
    "cal": (2, 1, 3), "deb": (0, 0, 0),
}


def build_class(course, folder, gradebook):
    """Write the 30 submissions; returns {student: path}."""
    folder.mkdir()
    paths = {}

    def put(student, nb, layout="file", name="97_demo.ipynb"):
        if layout == "file":
            path = folder / f"{student}__{name}"
        else:
            (folder / student).mkdir()
            path = folder / student / name
        nbformat.write(nb, path)
        paths[student] = path

    sub = submission
    put("alice", sub(course, FULL))
    put("bob", sub(course, FULL2), layout="folder")
    put("carol", sub(course, FULL), layout="folder", name="my_work.ipynb")  # renamed copy
    put("dan", sub(course))
    put("erin", sub(course), layout="folder")
    put("fay", sub(course, {"add_one": FULL["add_one"]}))
    put("gus", sub(course, {**FULL, "square": "    return x + x"}))         # 1 of 4 cases
    put("hal", sub(course, {**FULL, "square": "    return x * abs(x)"}))    # fails the hidden
    put("ivy", sub(course, {**FULL, "add_one": "    raise ValueError('no')"}))
    put("jon", sub(course, {**FULL, "negate": "    return x"}))
    # forged records: saved in an empty cell, in a skipped check cell, displayed, _report
    put("kim", sub(course, extra=[("", [record_output("add_one")])]))
    put("lee", sub(course, extra=[("ch97.add_one(add_one)", [record_output("add_one")])],
                   tags={0: ["skip-execution"]}))
    put("max", sub(course, extra=[((f"from IPython.display import display\n"
                                   f"display({{{MIME!r}: {RECORD!r}}}, raw=True)"), [])]))
    put("ned", sub(course, extra=[(("from nnedu.checks._core import _report\n"
                                   f"_report({RECORD!r})"), [])]))
    bonus = dict(RECORD, exercise="bonus", points=100, max_points=100)
    put("oli", sub(course, FULL, extra=[(f"display({{{MIME!r}: {bonus!r}}}, raw=True)", [])]))
    no = dict(RECORD, exercise="negate", passed="no", points=1, max_points=1)
    put("pam", sub(course, extra=[(f"display({{{MIME!r}: {no!r}}}, raw=True)", [])]))
    # patched checks: expect_close, diagnose, numpy
    wrong = {"add_one": "    return 0.0", "negate": "    return 0.0", "square": "    return 0.0"}
    put("quin", sub(course, wrong, extra=[(
        "import nnedu.checks._core as core\ncore.expect_close = lambda *a, **k: None", [])]))
    put("rob", sub(course, FULL, extra=[(
        "import nnedu.checks as ck\nck.diagnose = lambda *a, **k: ''", [])]))
    put("sue", sub(course, wrong, extra=[(
        "import numpy\nnumpy.isclose = lambda a, b, **k: numpy.ones(numpy.shape(b), bool)",
        [])]))
    # the reference answers shipped in nnedu.checks
    put("tom", sub(course, {**FULL, "square": "    return ch97._square(x)"}))
    put("uma", sub(course, {**FULL, "square": "    from nnedu.checks.ch97 import _square\n"
                                              "    return _square(x)"}))
    # attacks on other students, the package, the gradebook and the grader
    put("vic", sub(course, extra=[(
        (f"import glob, os\nfor p in glob.glob({str(folder)!r} + '/**/*wendy*', "
        "recursive=True):\n    os.remove(p)"), [])]))
    put("wendy", sub(course, FULL))
    put("xav", sub(course, extra=[(
        (f"import shutil\nshutil.copy({str(folder / 'alice__97_demo.ipynb')!r}, "
        f"{str(folder / 'yan__97_demo.ipynb')!r})"), [])]))
    put("yan", sub(course))
    put("zed", sub(course, extra=[(
        ("import pathlib, nnedu.checks.ch97 as m\n"
        "pathlib.Path(m.__file__).write_text('from nnedu.checks._core import exercise\\n'\n"
        "    + ''.join(f'@exercise(\"97\", \"{n}\", points=9)\\ndef {n}(fn):\\n    pass\\n'\n"
        "              for n in ['add_one', 'negate', 'square']))"), [])]))
    put("amy", sub(course, FULL, extra=[(
        ("import subprocess, sys\n"
        "code = ('import os, time\\nif os.fork(): os._exit(0)\\nos.setsid()\\n'\n"
        "        'while True:\\n    time.sleep(0.05)\\n'\n"
        f"        '    open({str(gradebook)!r}, \"a\").write(\"hacked\\\\n\")')\n"
        "subprocess.Popen([sys.executable, '-c', code], start_new_session=True)"), [])]))
    put("bea", sub(course, FULL, extra=[("import os\nos.kill(os.getppid(), 9)", [])]))
    put("cal", sub(course, FULL, extra=[("while True:\n    pass", [])]))
    (folder / "deb__97_demo.ipynb").write_text(
        nbformat.writes(sub(course, FULL))[:200])                  # a truncated file
    paths["deb"] = folder / "deb__97_demo.ipynb"
    return paths


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade the class once; (course, gradebook rows, records, feedback folder, seconds)."""
    course = make_course(tmp_path_factory.mktemp("course"))
    checks = (course / "nnedu" / "checks" / "ch97.py").read_text()
    out = course / "out"
    gradebook = out / "grades.csv"
    build_class(course, course / "class", gradebook)
    start = time.monotonic()
    # without the namespace sandbox: the protections that need no special rights must hold
    env = dict(environment(course), NNEDU_GRADER_SANDBOX="0")
    status = run_nnedu(course, "grade", "class", "--csv", str(gradebook), "--json",
                       str(out / "grades.json"), "--jobs", "2", "--timeout", str(CELL_TIMEOUT_S),
                       "--notebook-timeout", "60", env=env)
    seconds = time.monotonic() - start
    print(f"\ngraded 30 submissions in {seconds:.1f} s with --jobs 2")
    print(status.stdout[-3000:], status.stderr[-3000:])
    time.sleep(1.0)  # a process left behind would write into the gradebook now
    assert status.returncode == 1, status.stdout + status.stderr   # deb could not be read
    assert (course / "nnedu" / "checks" / "ch97.py").read_text() == checks  # restored
    with open(gradebook, newline="") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    records = json.loads((out / "grades.json").read_text())
    return course, rows, records, out / "feedback", seconds


def messages(records, student):
    return {r["exercise"]: r["message"] for r in records if r["student"] == student}


def test_the_whole_gradebook(graded):
    _, rows, _, _, _ = graded
    assert set(rows) == set(EXPECTED)
    got = {s: tuple(float(rows[s][f"97.{n}"]) for n in ("add_one", "negate", "square"))
           for s in rows}
    assert got == {s: tuple(map(float, v)) for s, v in EXPECTED.items()}
    for student, points in EXPECTED.items():
        assert float(rows[student]["total"]) == pytest.approx(sum(points)), student
        assert rows[student]["out_of"] == "6"


def test_grading_the_class_takes_well_under_ten_minutes(graded):
    assert graded[4] < 600


def test_partial_credit_and_hidden_tests(graded):
    _, _, records, feedback, _ = graded
    assert messages(records, "gus")["square"].startswith("1 of 4 cases passed; for x = 1 ")
    hal = messages(records, "hal")["square"]
    assert hal == "3 of 4 cases passed; failed a hidden test case (the grader's own inputs, " \
        "not shown)"
    assert messages(records, "alice")["square"] == "all 4 cases passed (1 hidden)"
    assert messages(records, "ivy")["add_one"].startswith("0 of 2 cases passed; your function "
                                                          "raised ValueError: no")
    text = (feedback / "hal.md").read_text()
    assert "2.25 / 3" in text and "-2" not in text   # the hidden input is not revealed


def test_forged_records_are_never_points(graded):
    _, _, records, _, _ = graded
    for student in ("kim", "lee"):
        assert "that no check made" in messages(records, student)["add_one"], student
    for student in ("max", "ned"):
        assert "forged record" in messages(records, student)["add_one"], student
    assert "forged record" in messages(records, "pam")["negate"]
    assert [r["exercise"] for r in records if r["student"] == "oli"] == [
        "add_one", "negate", "square"]                                     # no "bonus"


def test_patched_checks_and_reference_answers_get_no_points(graded):
    _, _, records, _, _ = graded
    assert set(messages(records, "quin").values()) == {
        ("the checks were modified in this notebook (nnedu.checks._core.expect_close was "
        "replaced); no points")}
    assert "nnedu.checks.diagnose was replaced" in messages(records, "rob")["add_one"]
    assert "numpy.isclose was replaced" in messages(records, "sue")["square"]
    for student in ("tom", "uma"):
        assert messages(records, student)["square"].startswith(
            "your code called the reference answers shipped in nnedu.checks (_square)")


def test_attacks_on_others_the_package_and_the_grader(graded):
    course, rows, records, _, _ = graded
    assert rows["wendy"]["total"] == "6" and rows["yan"]["total"] == "0"  # victims unharmed
    assert "modified the installed nnedu package" in messages(records, "zed")["add_one"]
    assert "the grading worker was killed" in messages(records, "bea")["add_one"]
    assert "hacked" not in (course / "out" / "grades.csv").read_text()
    assert "cannot read deb__97_demo.ipynb: it is not a valid notebook" in rows["deb"]["notes"]


def test_feedback_files(graded):
    _, _, _, feedback, _ = graded
    assert sorted(p.stem for p in feedback.glob("*.md")) == sorted(EXPECTED)
    cal = (feedback / "cal.md").read_text()
    assert "**Total: 6 / 6**" in cal
    assert f"was stopped after {CELL_TIMEOUT_S:g} s (the cell time limit)" in cal
    oli = (feedback / "oli.md").read_text()
    assert "check records for exercises that do not exist (bonus)" in oli


def test_the_files_of_the_class_were_read_before_any_ran(graded):
    course = graded[0]
    assert not list(Path(course / "class").glob("wendy*"))   # vic did delete it

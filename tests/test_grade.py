"""nnedu grade: naming submissions, scoring, time limits, the kernel precheck.

The class of 30 (every attack) is tests/test_grade_class.py; these tests cover the
rest with as few kernels as possible.
"""

import json
import os
import sys

import nbformat
import pytest
from gradecourse import FULL_ANSWERS, ROOT, make_course, run_nnedu, submission

from nnedu.course.cli import main
from nnedu.course.grade import DID_NOT_RUN, collect, score


@pytest.mark.parametrize("args, complaint", [
    (["--timeout", "0"], "--timeout must be a positive number of seconds, got 0"),
    (["--notebook-timeout", "-1"], "--notebook-timeout must be a positive number"),
    (["--jobs", "0"], "--jobs must be a whole number >= 1, got 0"),
])
def test_bad_limits_are_refused_before_anything_runs(tmp_path, capsys, args, complaint):
    assert main(["grade", str(tmp_path), *args]) == 2
    assert complaint in capsys.readouterr().err


def test_collect_names_students_chapters_and_unreadable_files(tmp_path):
    nb = nbformat.v4.new_notebook()
    renamed = nbformat.v4.new_notebook(metadata={"nnedu": {"generated_from":
                                                            "solutions/02_activations.ipynb"}})
    nbformat.write(nb, tmp_path / "ann__01_perceptron.ipynb")
    (tmp_path / "ben").mkdir()
    nbformat.write(nb, tmp_path / "ben" / "03_multilayer.ipynb")
    nbformat.write(renamed, tmp_path / "ben" / "mine.ipynb")
    (tmp_path / "cy__04_losses.ipynb").write_text('{"cells": [')
    (tmp_path / "dee__04_losses.ipynb").write_bytes(b"\xff\xfe")
    found = {(s.student, s.chapter, s.error) for s in collect([tmp_path])}
    assert found == {
        ("ann", "01", None), ("ben", "02", None), ("ben", "03", None),
        ("cy", "04", ("cannot read cy__04_losses.ipynb: it is not a valid notebook "
                     "(Notebook does not appear to be JSON: '{\"cells\": [')")),
        ("dee", "04", "cannot read dee__04_losses.ipynb: it is not UTF-8 text")}


def _raw(record, **extra):
    return {"results": {"square": {"record": record, "reference": [], "tampered": []}},
            "forged": {}, **extra}


def _record(passed, ok, cases, aborted=False, message="m"):
    return {"passed": passed, "ok": ok, "cases": cases, "aborted": aborted,
            "message": message, "failed": cases - ok}


@pytest.mark.parametrize("record, total, expected", [
    (_record(True, 4, 4, message="all 4 cases passed"), None, (3, True, "all 4 cases passed")),
    (_record(False, 3, 4), None, (2.25, False, "3 of 4 cases passed; m")),
    (_record(False, 1, 1, aborted=True), 4, (0.75, False, "1 of 4 cases passed; m")),
    (_record(False, 0, 0, aborted=True), None, (0, False, "0 of 1 cases passed; m")),
    (_record(False, 0, 0, message="not attempted yet"), None, (0, False, "not attempted yet")),
])
def test_score_gives_partial_credit_per_case(record, total, expected):
    exercise = {"name": "square", "points": 3}
    assert score(exercise, _raw(record), lambda name: total) == expected


def test_score_gives_nothing_for_tampering_references_forgery_or_a_missing_run():
    exercise = {"name": "square", "points": 3}
    good = _record(True, 4, 4)
    tampered = _raw(good)
    tampered["results"]["square"]["tampered"] = ["nnedu.checks._core.expect_close"]
    assert score(exercise, tampered, None)[2].startswith("the checks were modified")
    reference = _raw(good)
    reference["results"]["square"]["reference"] = ["_square"]
    assert score(exercise, reference, None)[:2] == (0, False)
    assert score(exercise, _raw(good, forged={"square": "forged"}), None) == (0, False, "forged")
    assert score(exercise, {"results": {}, "forged": {}}, None) == (0, False, DID_NOT_RUN)


def test_a_kernel_without_nnedu_is_named_before_grading(tmp_path):
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    launcher = ("import sys; sys.modules['nnedu'] = None; "
                "from ipykernel import kernelapp; kernelapp.launch_new_instance()")
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-c", launcher, "-f", "{connection_file}"],
        "display_name": "Python 3 without nnedu", "language": "python"}))
    nbformat.write(nbformat.v4.new_notebook(), tmp_path / "ann__01_perceptron.ipynb")
    env = {**__import__("os").environ, "JUPYTER_PATH": str(tmp_path / "jupyter"),
           "PYTHONPATH": str(ROOT)}
    status = run_nnedu(ROOT, "grade", str(tmp_path / "ann__01_perceptron.ipynb"), env=env,
                       timeout=300)
    assert status.returncode == 2
    assert f"the python3 kernel ({sys.executable}) cannot import nnedu" in status.stdout
    assert "every notebook would score 0" in status.stdout


def test_time_limits_take_fractions_and_the_notebook_limit_stops_the_run(tmp_path):
    course = make_course(tmp_path / "course")
    nb = submission(course, FULL_ANSWERS)
    at = next(i for i, c in enumerate(nb.cells) if c.source.startswith("def negate("))
    nb.cells[at:at] = [nbformat.v4.new_code_cell("import time\ntime.sleep(1.2)")
                       for _ in range(3)]
    nbformat.write(nb, course / "ann__97_demo.ipynb")
    status = run_nnedu(course, "grade", "ann__97_demo.ipynb", "--json", "out/g.json",
                       "--timeout", "1.5", "--notebook-timeout", "2.5")
    assert status.returncode == 0, status.stdout + status.stderr
    records = {r["exercise"]: r for r in json.loads((course / "out" / "g.json").read_text())}
    assert records["add_one"]["points"] == 2
    assert records["negate"]["points"] == 0
    assert records["negate"]["message"].startswith("`negate` is not defined in the notebook")
    feedback = (course / "out" / "feedback" / "ann.md").read_text()
    assert "the notebook ran past its 2.5 s limit" in feedback
    assert "  add_one   yes     2/2" in status.stdout       # the table of one notebook


@pytest.mark.skipif(os.environ.get("NNEDU_GRADER_SANDBOX") != "1",
                    reason="the namespace sandbox is opt-in (NNEDU_GRADER_SANDBOX=1)")
def test_the_sandbox_makes_the_files_read_only_to_a_kernel(tmp_path):
    from nnedu.course._worker import sandbox_works

    if not sandbox_works([str(tmp_path)]):
        pytest.skip("this machine does not let an ordinary process use user namespaces")
    course = make_course(tmp_path / "course")
    (course / "class").mkdir()
    package = (course / "nnedu" / "checks" / "ch97.py").read_text()
    attacks = {
        "vic": f"import os\nos.remove({str(course / 'class' / 'wendy__97_demo.ipynb')!r})",
        "zed": "import pathlib, nnedu.checks.ch97 as m\npathlib.Path(m.__file__).write_text('')",
    }
    for student, attack in {**attacks, "wendy": "pass"}.items():
        nb = submission(course, FULL_ANSWERS, extra=[(attack, [])])
        nbformat.write(nb, course / "class" / f"{student}__97_demo.ipynb")
    status = run_nnedu(course, "grade", "class", "--csv", "out/g.csv", "--jobs", "2")
    assert status.returncode == 0, status.stdout + status.stderr
    assert "each kernel in its own user, PID and mount namespaces" in status.stdout
    rows = (course / "out" / "g.csv").read_text().splitlines()[1:]
    assert [row.split(",")[:5] for row in rows] == [[s, "2", "1", "3", "6"] for s in
                                                    ("vic", "wendy", "zed")]
    assert (course / "class" / "wendy__97_demo.ipynb").exists()
    assert (course / "nnedu" / "checks" / "ch97.py").read_text() == package
    for student in ("vic", "zed"):
        assert "Read-only file system" in (course / "out" / "feedback" /
                                           f"{student}.md").read_text()

"""nnedu grade on small notebooks written here: marks, messages, timeouts, JSON and CSV.

Each test runs real kernels, so there are only two notebooks, each run once.
"""

import csv
import json
import sys
import time

import nbformat
import pytest

from nnedu.course.cli import main
from nnedu.course.grade import DID_NOT_RUN, grade_notebook

# Four exercises of a pretend chapter 97, importable by the kernel (its cwd is the
# notebook's folder) and by the grader (through sys.path below).
CHECKS = '''
from nnedu.checks import call, exercise, expect_close


@exercise("97", "add_one", points=2)
def add_one(fn):
    for x in [0.0, 1.5]:
        expect_close(call(fn, x), x + 1, inputs={"x": x})


@exercise("97", "negate", points=1)
def negate(fn):
    expect_close(call(fn, 2.0), -2.0, inputs={"x": 2.0})


@exercise("97", "square", points=3)
def square(fn):
    for x in [0.0, 3.0]:
        expect_close(call(fn, x), x * x, inputs={"x": x}, hint="x times x")


@exercise("97", "halve", points=1)
def halve(fn):
    expect_close(call(fn, 2.0), 1.0)
'''

STUDENT = [
    "import grade_checks as ck",
    "def add_one(x):\n    return x + 1\n\nck.add_one(add_one)",
    "def negate(x):\n    raise NotImplementedError()\n\nck.negate(negate)",
    "def square(x):\n    return 2 * x\n\nck.square(square)",  # wrong for x = 3
    "print('the cell checking halve was deleted')",
]

LOOPING = [
    "import grade_checks as ck",
    "ck.add_one(lambda x: x + 1)",
    "while True:\n    pass",
    "ck.negate(lambda x: -x)",
]


def write_notebook(folder, name, sources, metadata=None):
    nb = nbformat.v4.new_notebook(metadata=metadata or {})
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    path = folder / name
    nbformat.write(nb, path)
    return path


@pytest.fixture
def folder(tmp_path, monkeypatch):
    (tmp_path / "grade_checks.py").write_text(CHECKS)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "grade_checks", raising=False)
    import grade_checks  # noqa: F401 -- registers chapter 97 in this process

    return tmp_path


def test_records_for_full_marks_not_attempted_wrong_and_deleted(folder):
    # a renamed submission: the chapter comes from the metadata `nnedu build` wrote
    path = write_notebook(folder, "alice.ipynb", STUDENT,
                          {"nnedu": {"generated_from": "solutions/97_student.ipynb"}})
    records = grade_notebook(path, timeout=30)
    summary = [(r["exercise"], r["passed"], r["points"], r["max_points"]) for r in records]
    assert summary == [("add_one", True, 2, 2), ("negate", False, 0, 1),
                       ("square", False, 0, 3), ("halve", False, 0, 1)]
    messages = {r["exercise"]: r["message"] for r in records}
    assert messages["add_one"] == "all 2 cases passed"
    assert messages["negate"] == "not attempted yet"
    assert messages["square"] == "for x = 3 expected 9, got 6. Hint: x times x"
    assert messages["halve"] == DID_NOT_RUN
    assert {r["notebook"] for r in records} == {str(path)}


def test_endless_loop_is_stopped_and_reported(folder, capsys):
    path = write_notebook(folder, "97_loop.ipynb", LOOPING)
    json_path, csv_path = folder / "marks.json", folder / "marks.csv"
    start = time.monotonic()
    status = main(["grade", str(path), "--json", str(json_path), "--csv", str(csv_path),
                   "--timeout", "5"])
    elapsed = time.monotonic() - start
    assert status == 0
    assert elapsed < 65, f"grading took {elapsed:.0f} s"

    records = json.loads(json_path.read_text())
    assert [(r["exercise"], r["passed"], r["points"]) for r in records] == [
        ("add_one", True, 2), ("negate", False, 0), ("square", False, 0), ("halve", False, 0)]
    assert records[1]["message"] == "timed out after 5 s in cell 3 of 4"
    assert set(records[0]) == {"notebook", "exercise", "passed", "points", "max_points",
                               "message"}
    with open(csv_path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(row["exercise"], row["points"], row["max_points"]) for row in rows] == [
        ("add_one", "2", "2"), ("negate", "0", "1"), ("square", "0", "3"), ("halve", "0", "1")]

    table = capsys.readouterr().out
    assert "add_one   yes     2/2" in table
    assert "total             2/7" in table


def test_missing_notebook_is_reported(tmp_path, capsys):
    assert main(["grade", str(tmp_path / "nope.ipynb")]) == 1
    assert "cannot grade" in capsys.readouterr().out

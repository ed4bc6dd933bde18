"""nbgrader (0.9.6, from PyPI) uses solutions/ as its source notebooks.

nbgrader lives in a venv of its own, .venv-nbgrader (``make nbgrader-venv``; `make test`
creates it), because its dependencies must not change the course's .venv. Its kernel is
the course's Python (a kernelspec in a private JUPYTER_PATH), so the autograded
notebooks import this nnedu.

- ``generate_assignment`` makes a student version whose code cells are those of exercises/;
- ``autograde`` gives a full solution full marks and a blank one 0.
"""

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nnedu.course import notebooks

ROOT = Path(__file__).resolve().parents[1]
NBGRADER = ROOT / ".venv-nbgrader" / "bin" / "nbgrader"
CHAPTERS = sorted(p.stem for p in (ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
GRADED = "01_perceptron"

pytestmark = pytest.mark.skipif(
    not NBGRADER.exists(), reason="nbgrader is not installed in .venv-nbgrader "
    "(`make nbgrader-venv` creates it; `make test` does so first)")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """An nbgrader course directory whose source notebooks are the solutions."""
    root = tmp_path_factory.mktemp("nbgrader")
    (root / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.root = {str(root)!r}\n"
        "c.ExecutePreprocessor.timeout = 300\n")
    kernel = root / "jupyter" / "kernels" / "python3"
    kernel.mkdir(parents=True)
    (kernel / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (nnedu)", "language": "python",
        "env": {"PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1"}}))
    for assignment, stems in [("ch", CHAPTERS), ("auto", [GRADED])]:
        (root / "source" / assignment).mkdir(parents=True)
        for stem in stems:
            shutil.copy(ROOT / "solutions" / f"{stem}.ipynb", root / "source" / assignment)
        nbgrader(root, "db", "assignment", "add", assignment)
        nbgrader(root, "generate_assignment", assignment, "--force")
    for student in ("full", "blank"):
        nbgrader(root, "db", "student", "add", student)
    return root


def nbgrader(root, *args):
    env = dict(os.environ, JUPYTER_PATH=str(root / "jupyter"), PYTHONPATH="",
               PATH=f"{NBGRADER.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    done = subprocess.run([str(NBGRADER), *args], cwd=root, env=env, capture_output=True,
                          text=True, timeout=900, check=False)
    assert done.returncode == 0, f"nbgrader {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done


def code_cells(nb):
    return [cell.source for cell in nb.cells if cell.cell_type == "code"]


@pytest.mark.parametrize("stem", CHAPTERS)
def test_generate_assignment_gives_the_exercise_code_cells(course, stem):
    released = notebooks.read(course / "release" / "ch" / f"{stem}.ipynb")
    assert code_cells(released) == code_cells(notebooks.read(ROOT / "exercises" /
                                                             f"{stem}.ipynb"))


def test_autograde_gives_a_full_solution_full_marks_and_a_blank_zero(course):
    for student, source in [("full", ROOT / "solutions"),
                            ("blank", course / "release" / "auto")]:
        folder = course / "submitted" / student / "auto"
        folder.mkdir(parents=True)
        shutil.copy(source / f"{GRADED}.ipynb", folder / f"{GRADED}.ipynb")
    nbgrader(course, "autograde", "auto", "--force")
    nbgrader(course, "export")
    with open(course / "grades.csv", newline="") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)
                if row["assignment"] == "auto"}
    chapter = int(GRADED[:2])
    from nnedu.checks import load_chapter

    total = sum(load_chapter(f"{chapter:02d}").values())
    assert float(rows["full"]["max_score"]) == total
    assert float(rows["full"]["score"]) == total
    assert float(rows["blank"]["score"]) == 0

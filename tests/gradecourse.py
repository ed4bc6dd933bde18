"""A tiny course for the grader tests: chapter 97, three exercises, one notebook.

A plain module (``from gradecourse import make_course``). :func:`make_course`
copies the nnedu package into a temporary folder, adds the check module
``nnedu/checks/ch97.py`` and the solution notebook ``solutions/97_demo.ipynb``,
and builds ``exercises/97_demo.ipynb`` with ``nnedu build``. The grader then
runs as a subprocess with that folder first on PYTHONPATH, so that a
submission that rewrites "the installed package" rewrites this copy only.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

import nnedu
from nnedu.course import notebooks

ROOT = Path(__file__).resolve().parents[1]
MIME = "application/vnd.nnedu.check+json"
FULL_ANSWERS = {"add_one": "    return x + 1", "negate": "    return -x",
                "square": "    return x * x"}

PYPROJECT = """\
[project]
name = "course"

[project.urls]
Repository = "https://github.com/someone/course"
"""

CHECKS = '''"""Checks of the pretend chapter 97."""

from nnedu.checks._core import call, exercise, expect_close


def _square(x):
    """The reference answer of square (what a student must not call)."""
    return x * x


@exercise("97", "add_one", points=2)
def add_one(fn):
    for x in [0.0, 1.5]:
        expect_close(call(fn, x), x + 1, what="add_one(x)", inputs={"x": x})


@exercise("97", "negate", points=1)
def negate(fn):
    expect_close(call(fn, 2.0), -2.0, what="negate(x)", inputs={"x": 2.0})


@exercise("97", "square", points=3)
def square(fn):
    for x in [0.0, 1.0, 3.0]:
        expect_close(call(fn, x), _square(x), what="square(x)", inputs={"x": x},
                     hint="x times x")
'''

HIDDEN_SQUARE = '''ch97.square(square)
### BEGIN HIDDEN TESTS
from nnedu.checks import call, expect_close


def hidden_square(square):
    expect_close(call(square, -2.0), 4.0, what="square(x)")


assert ch97.square(square, hidden=hidden_square)["passed"], "a hidden test failed"
### END HIDDEN TESTS'''

SOLUTION = [
    ("markdown", "# 97 · Demo\n\nThree small exercises."),
    ("code", "import numpy as np\n\nfrom nnedu.checks import ch97"),
    ("markdown", "## Exercise 1 · add one (2 points)"),
    ("code", "def add_one(x):\n    ### BEGIN SOLUTION\n    return x + 1\n    ### END SOLUTION"),
    ("code", "ch97.add_one(add_one)"),
    ("code", "def negate(x):\n    ### BEGIN SOLUTION\n    return -x\n    ### END SOLUTION"),
    ("code", "ch97.negate(negate)"),
    ("code", "def square(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION"),
    ("code", HIDDEN_SQUARE),
]


def new_notebook(cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = dict(notebooks.KERNELSPEC)
    make = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell}
    nb.cells = [make[kind](source) for kind, source in cells]
    for index, cell in enumerate(nb.cells):
        cell.id = f"cell-{index}"
    return nb


def make_course(folder):
    """A course in ``folder`` (a copy of nnedu with chapter 97); returns the folder."""
    folder = Path(folder)
    shutil.copytree(Path(nnedu.__file__).parent, folder / "nnedu",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "nnedu" / "checks" / "ch97.py").write_text(CHECKS)
    (folder / "pyproject.toml").write_text(PYPROJECT)
    shutil.copy(ROOT / "jupytext.toml", folder / "jupytext.toml")
    (folder / "solutions").mkdir()
    nbformat.write(new_notebook(SOLUTION), folder / "solutions" / "97_demo.ipynb")
    status = run_nnedu(folder, "build", "--root", str(folder))
    assert status.returncode == 0, status.stdout + status.stderr
    return folder


def environment(folder):
    return dict(os.environ, PYTHONPATH=str(folder), OPENBLAS_NUM_THREADS="1",
                OMP_NUM_THREADS="1", PYTHONDONTWRITEBYTECODE="1")


def run_nnedu(folder, *args, timeout=900, env=None):
    """``nnedu ARGS`` in a subprocess that imports the course's copy of nnedu."""
    return subprocess.run([sys.executable, "-m", "nnedu.course.cli", *args], cwd=folder,
                          env=env or environment(folder), capture_output=True, text=True,
                          timeout=timeout, check=False)


def exercise_notebook(course):
    return notebooks.read(Path(course) / "exercises" / "97_demo.ipynb")


def submission(course, answers=None, extra=(), tags=None):
    """The exercise notebook with some answers filled in and extra cells appended.

    ``answers`` maps a function name to its body (one line, indented by the
    caller); ``extra`` is a list of (source, outputs) cells; ``tags`` maps an
    index of ``extra`` to its cell tags.
    """
    nb = exercise_notebook(course)
    for cell in nb.cells:
        for name, body in (answers or {}).items():
            if cell.source.startswith(f"def {name}("):
                cell.source = cell.source.replace(
                    "    # YOUR CODE HERE\n    raise NotImplementedError()", body)
    for index, (source, outputs) in enumerate(extra):
        cell = nbformat.v4.new_code_cell(source)
        cell.outputs = outputs or []
        if tags and index in tags:
            cell.metadata["tags"] = tags[index]
        nb.cells.append(cell)
    return nb


def record_output(exercise, passed=True, points=2, max_points=2, message="all 2 cases passed"):
    """A display_data output carrying a (forged) check record."""
    record = {"chapter": "97", "exercise": exercise, "passed": passed, "points": points,
              "max_points": max_points, "message": message}
    return nbformat.v4.new_output("display_data", data={MIME: record, "text/plain": "✓"})

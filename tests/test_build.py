"""nnedu build: marker stripping, --check, and never overwriting a student's work."""

import shutil
from pathlib import Path

import nbformat
import pytest

from nnedu.course import notebooks
from nnedu.course.build import MarkerError, build, content_hash, recorded_hash, strip_markers
from nnedu.course.cli import main

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = """\
[project]
name = "course"

[project.urls]
Repository = "https://github.com/someone/course"
"""

SOLUTION_CELLS = [
    ("markdown", "# 05 · Demo\n\nLearning goals."),
    ("code", "import numpy as np"),
    ("code", ("def double(x):\n    \"\"\"Twice x.\"\"\"\n    ### BEGIN SOLUTION\n"
             "    y = 2 * x\n    return y\n    ### END SOLUTION")),
    ("code", ("assert double(1) == 2\n### BEGIN HIDDEN TESTS\nassert double(3) == 6\n"
             "### END HIDDEN TESTS")),
    ("code", "### BEGIN HIDDEN TESTS\nassert double(-1) == -2\n### END HIDDEN TESTS"),
    ("markdown", ("Why does it work?\n\n### BEGIN SOLUTION\nBecause 2 x = x + x.\n"
                 "### END SOLUTION\n\nThe end.")),
]


def new_notebook(cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = dict(notebooks.KERNELSPEC)
    make = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell}
    nb.cells = [make[kind](source) for kind, source in cells]
    return nb


@pytest.fixture
def course(tmp_path):
    """A tiny course repository with one solution notebook (with outputs and widget state)."""
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    shutil.copy(ROOT / "jupytext.toml", tmp_path / "jupytext.toml")
    (tmp_path / "solutions").mkdir()
    nb = new_notebook(SOLUTION_CELLS)
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="hello\n")]
    nb.cells[1].execution_count = 3
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    nbformat.write(nb, tmp_path / "solutions" / "05_demo.ipynb")
    return tmp_path


# --- one cell ---------------------------------------------------------------

def test_solution_becomes_placeholder_at_the_markers_indentation():
    source = "def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\nf(1)"
    assert strip_markers(source, "code", "nb, cell 1") == \
        "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()\nf(1)"
    top_level = "### BEGIN SOLUTION\nw = 1\n### END SOLUTION"
    assert strip_markers(top_level, "code", "nb") == "# YOUR CODE HERE\nraise NotImplementedError()"


def test_hidden_tests_are_removed_with_their_markers():
    source = "check(f)\n### BEGIN HIDDEN TESTS\nassert f(2) == 4\n### END HIDDEN TESTS\ndone()"
    assert strip_markers(source, "code", "nb") == "check(f)\ndone()"


def test_markdown_answer_becomes_your_answer_here():
    source = "Why?\n\n### BEGIN SOLUTION\nBecause.\nReally.\n### END SOLUTION\n\nNext."
    assert strip_markers(source, "markdown", "nb") == "Why?\n\nYOUR ANSWER HERE\n\nNext."


@pytest.mark.parametrize("source, complaint", [
    ("### BEGIN SOLUTION\nx = 1", "'### BEGIN SOLUTION' on line 1 is never closed"),
    ("x = 1\n### END SOLUTION", "'### END SOLUTION' on line 2 has no matching"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n### END SOLUTION",
     "'### BEGIN SOLUTION' on line 2 is nested inside '### BEGIN SOLUTION' opened on line 1"),
    ("### BEGIN SOLUTION\n### BEGIN HIDDEN TESTS\n### END HIDDEN TESTS\n### END SOLUTION",
     "'### BEGIN HIDDEN TESTS' on line 2 is nested"),
    ("### BEGIN HIDDEN TESTS\nx = 1\n### END SOLUTION", "'### END SOLUTION' on line 3 has no"),
])
def test_bad_markers_name_the_place(source, complaint):
    with pytest.raises(MarkerError) as caught:
        strip_markers(source, "code", "solutions/05_demo.ipynb, cell 4 of 9")
    assert str(caught.value).startswith("solutions/05_demo.ipynb, cell 4 of 9: ")
    assert complaint in str(caught.value)


def test_build_names_notebook_and_cell_of_a_bad_marker(course, capsys):
    nb = new_notebook([("markdown", "# T"), ("code", "### BEGIN SOLUTION\nx = 1")])
    nbformat.write(nb, course / "solutions" / "06_bad.ipynb")
    assert main(["build", "--root", str(course)]) == 2
    assert "solutions/06_bad.ipynb, cell 2 of 2: '### BEGIN SOLUTION' on line 1 is never " \
        "closed" in capsys.readouterr().err


# --- whole notebooks ----------------------------------------------------------

def test_build_writes_the_exercise_notebook_and_its_pair(course):
    assert build(course, out=lambda line: None) == 0
    exercise = notebooks.read(course / "exercises" / "05_demo.ipynb")
    sources = [cell.source for cell in exercise.cells]
    assert sources[0].splitlines()[:3] == [
        "# 05 · Demo", "", notebooks.badge_line("someone/course", "exercises/05_demo.ipynb")]
    assert sources[1] == notebooks.setup_source("someone/course")
    assert exercise.cells[1].metadata.tags == ["setup", "nbval-skip"]
    assert sources[2:] == [
        "import numpy as np",
        'def double(x):\n    """Twice x."""\n    # YOUR CODE HERE\n    raise NotImplementedError()',
        "assert double(1) == 2",  # the cell of only hidden tests is gone
        "Why does it work?\n\nYOUR ANSWER HERE\n\nThe end.",
    ]
    assert all(c.get("outputs", []) == [] and c.get("execution_count") is None
               for c in exercise.cells)
    assert "widgets" not in exercise.metadata
    assert exercise.metadata.kernelspec.name == "python3"
    assert recorded_hash(exercise) == content_hash(exercise)
    pair = notebooks.read_percent(course / "exercises" / "05_demo.py", course)
    assert notebooks.cell_sources(pair) == notebooks.cell_sources(exercise)


def test_check_passes_when_up_to_date_and_fails_after_a_solution_edit(course, capsys):
    assert main(["build", "--check", "--root", str(course)]) == 1  # nothing built yet
    assert "out of date: exercises/05_demo.ipynb (missing)" in capsys.readouterr().out
    assert main(["build", "--root", str(course)]) == 0
    assert main(["build", "--check", "--root", str(course)]) == 0
    assert "exercises/ is up to date" in capsys.readouterr().out

    solution = course / "solutions" / "05_demo.ipynb"
    nb = notebooks.read(solution)
    nb.cells[2].source = nb.cells[2].source.replace("2 * x", "x + x")
    nb.cells[1].source = "import numpy"
    nbformat.write(nb, solution)
    before = (course / "exercises" / "05_demo.ipynb").read_bytes()
    assert main(["build", "--check", "--root", str(course)]) == 1
    assert "out of date: exercises/05_demo.ipynb (stale)" in capsys.readouterr().out
    assert (course / "exercises" / "05_demo.ipynb").read_bytes() == before  # wrote nothing
    assert main(["build", "--root", str(course)]) == 0
    assert notebooks.read(course / "exercises" / "05_demo.ipynb").cells[2].source == \
        "import numpy"


@pytest.mark.parametrize("edited", ["ipynb", "py"])
def test_edited_exercise_is_never_overwritten_without_force(course, capsys, edited):
    build(course, out=lambda line: None)
    target = course / "exercises" / "05_demo.ipynb"
    if edited == "ipynb":
        nb = notebooks.read(target)
        nb.cells[3].source = nb.cells[3].source.replace("raise NotImplementedError()",
                                                        "return 2 * x")
        nbformat.write(nb, target)
    else:
        script = target.with_suffix(".py")
        script.write_text(script.read_text().replace("raise NotImplementedError()",
                                                     "return 2 * x"))
    # the solution changes too, so a plain build would want to rewrite the exercise
    solution = notebooks.read(course / "solutions" / "05_demo.ipynb")
    solution.cells[1].source = "import numpy"
    nbformat.write(solution, course / "solutions" / "05_demo.ipynb")
    files = [target, target.with_suffix(".py")]
    before = [f.read_bytes() for f in files]

    assert main(["build", "--root", str(course)]) == 1
    out = capsys.readouterr().out
    assert "refusing to overwrite exercises/05_demo.ipynb: it was edited" in out
    assert "nnedu build --force" in out
    assert [f.read_bytes() for f in files] == before
    assert main(["build", "--check", "--root", str(course)]) == 1
    assert "(edited)" in capsys.readouterr().out

    assert main(["build", "--force", "--root", str(course)]) == 0
    regenerated = notebooks.read(target)
    assert "raise NotImplementedError()" in regenerated.cells[3].source
    assert regenerated.cells[2].source == "import numpy"


def test_running_an_exercise_is_not_editing_it(course):
    """Outputs from running the notebook are neither an edit nor staleness: it is left alone."""
    build(course, out=lambda line: None)
    target = course / "exercises" / "05_demo.ipynb"
    nb = notebooks.read(target)
    nb.cells[2].outputs = [nbformat.v4.new_output("stream", text="ran\n")]
    nb.cells[2].execution_count = 1
    nbformat.write(nb, target)
    assert build(course, check=True, out=lambda line: None) == 0
    assert build(course, out=lambda line: None) == 0
    assert notebooks.read(target).cells[2].outputs[0].text == "ran\n"


def _edit_answer(path):
    nb = notebooks.read(path)
    cell = next(c for c in nb.cells if "raise NotImplementedError()" in c.source)
    cell.source = cell.source.replace("raise NotImplementedError()", "return 2 * x  # mine")
    nbformat.write(nb, path)


def test_force_keeps_a_backup_and_can_name_one_notebook(course, capsys):
    nb = new_notebook(SOLUTION_CELLS)
    nb.cells[0].source = "# 06 · Other"
    nbformat.write(nb, course / "solutions" / "06_other.ipynb")
    build(course, out=lambda line: None)
    demo, other = course / "exercises" / "05_demo.ipynb", course / "exercises" / "06_other.ipynb"
    _edit_answer(demo)
    _edit_answer(other)
    edited = demo.read_bytes()

    assert main(["build", "--force", "05_demo", "--root", str(course)]) == 1  # 06 still refused
    out = capsys.readouterr().out
    assert "refusing to overwrite exercises/06_other.ipynb" in out
    backups = sorted((course / "exercises" / "backups").glob("05_demo.*.ipynb"))
    assert len(backups) == 1 and backups[0].read_bytes() == edited
    assert backups[0].with_suffix(".py").exists()
    assert f"kept a backup of exercises/05_demo.ipynb in exercises/backups/{backups[0].name}" \
        in out
    assert "# mine" not in demo.read_text()
    assert "# mine" in other.read_text()
    assert not list((course / "exercises").glob("backups/06_other.*"))


def test_into_writes_fresh_copies_elsewhere(course, tmp_path):
    build(course, out=lambda line: None)
    _edit_answer(course / "exercises" / "05_demo.ipynb")
    mine = tmp_path / "my-work"
    assert main(["build", "--into", str(mine), "--root", str(course)]) == 0
    fresh = notebooks.read(mine / "05_demo.ipynb")
    assert "raise NotImplementedError()" in fresh.cells[3].source
    assert not (mine / "05_demo.py").exists()
    assert "# mine" in (course / "exercises" / "05_demo.ipynb").read_text()   # untouched
    assert main(["build", "--into", str(mine), "--root", str(course)]) == 0   # up to date


def test_update_keeps_the_students_answer_and_adds_new_exercises(course, capsys):
    build(course, out=lambda line: None)
    target = course / "exercises" / "05_demo.ipynb"
    _edit_answer(target)
    nb = notebooks.read(target)
    own = nbformat.v4.new_code_cell("print(double(21))  # my own cell")
    own.outputs = [nbformat.v4.new_output("stream", text="42\n")]
    nb.cells.insert(4, own)
    nbformat.write(nb, target)
    # the course changes: new lesson text, a new exercise with its check
    solution_path = course / "solutions" / "05_demo.ipynb"
    solution = notebooks.read(solution_path)
    solution.cells[0].source = "# 05 · Demo\n\nLearning goals, rewritten."
    new_cells = [nbformat.v4.new_code_cell("def triple(x):\n    ### BEGIN SOLUTION\n    "
                                           "return 3 * x\n    ### END SOLUTION"),
                 nbformat.v4.new_code_cell("assert triple(2) == 6")]
    for n, cell in enumerate(new_cells):
        cell.id = f"new-{n}"
    solution.cells[4:4] = new_cells
    nbformat.write(solution, solution_path)

    assert main(["build", "--root", str(course)]) == 1           # refuses: it was edited
    capsys.readouterr()
    assert main(["update", str(target), "--root", str(course)]) == 0
    assert "updated exercises/05_demo.ipynb: 2 new cell(s), 1 refreshed, 2 of your cell(s) " \
        "kept" in capsys.readouterr().out
    sources = [c.source for c in notebooks.read(target).cells]
    assert sources[0].startswith("# 05 · Demo") and "rewritten" in sources[0]
    assert any("return 2 * x  # mine" in s for s in sources)             # the answer kept
    mine = next(c for c in notebooks.read(target).cells if "my own cell" in c.source)
    assert mine.outputs[0].text == "42\n"                               # with its output
    at = sources.index("def triple(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()")
    assert sources[at + 1] == "assert triple(2) == 6"
    assert sources.index("print(double(21))  # my own cell") < at
    assert list((course / "exercises" / "backups").glob("05_demo.*.ipynb"))
    assert main(["update", str(target), "--root", str(course)]) == 0
    assert "is up to date" in capsys.readouterr().out


def test_nbgrader_metadata_is_stamped_the_same_every_build(course):
    build(course, out=lambda line: None)
    first = (course / "solutions" / "05_demo.ipynb").read_text()
    meta = [c.metadata.get("nbgrader") for c in notebooks.read(course / "solutions" /
                                                                  "05_demo.ipynb").cells]
    assert [m and (m["grade_id"], m["grade"], m["solution"]) for m in meta] == [
        None, None, ("solution-double", False, True), None, None, ("answer-1", True, True)]
    assert build(course, out=lambda line: None) == 0
    assert (course / "solutions" / "05_demo.ipynb").read_text() == first
    assert main(["build", "--check", "--root", str(course)]) == 0


def test_course_notebooks_do_not_import_build():
    import subprocess
    import sys

    code = "import sys, nnedu.course.notebooks; print('nnedu.course.build' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"


# --- nnedu sync -----------------------------------------------------------------

SCRIPT = """\
# %% [markdown]
# # 05 · Demo
#
# Learning goals.

# %%
def double(x):
    ### BEGIN SOLUTION
    return 2 * x
    ### END SOLUTION
"""


def test_sync_creates_stamps_and_rebuilds_then_changes_nothing(course, capsys):
    (course / "solutions" / "05_demo.ipynb").unlink()
    (course / "solutions" / "05_demo.py").write_text(SCRIPT)
    assert main(["sync", "--root", str(course)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "stamped solutions/05_demo.ipynb", "stamped nbgrader metadata in solutions/05_demo.ipynb",
        "wrote exercises/05_demo.ipynb (missing)"]
    solution = notebooks.read(course / "solutions" / "05_demo.ipynb")
    assert notebooks.badge_line("someone/course", "solutions/05_demo.ipynb") in \
        solution.cells[0].source.splitlines()
    assert solution.cells[1].source == notebooks.setup_source("someone/course")
    assert solution.metadata.kernelspec.name == "python3"
    script = (course / "solutions" / "05_demo.py").read_text()
    assert script.startswith("# ---\n# jupyter:\n#   kernelspec:")  # the header came back
    assert "# %% tags=[\"setup\", \"nbval-skip\"]" in script

    assert main(["sync", "--root", str(course)]) == 0
    assert capsys.readouterr().out == "exercises/ is up to date\n"

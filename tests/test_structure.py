"""The course's shape: every committed notebook is clean, headed, paired and up to date.

When one of these fails, `make sync` (nnedu sync) usually fixes it: it strips
outputs, stamps the badges and the setup cell, syncs the jupytext pairs and
rebuilds exercises/.
"""

import re
from pathlib import Path

import pytest

from nnedu.course import notebooks
from nnedu.course.build import plan

ROOT = Path(__file__).resolve().parents[1]
REPO = notebooks.repository(ROOT)
NOTEBOOKS = notebooks.notebook_paths(ROOT)
IDS = [path.relative_to(ROOT).as_posix() for path in NOTEBOOKS]


@pytest.fixture(params=NOTEBOOKS, ids=IDS)
def notebook(request):
    path = request.param
    return path.relative_to(ROOT).as_posix(), notebooks.read(path)


def test_there_are_notebooks_and_a_welcome():
    assert (ROOT / "notebooks" / "00_welcome.ipynb") in NOTEBOOKS


def test_committed_without_outputs_or_widget_state(notebook):
    name, nb = notebook
    ran = [i + 1 for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
           and (cell.outputs or cell.execution_count is not None)]
    assert not ran, f"{name}: cells {ran} have outputs or execution counts; run `make sync`"
    assert "widgets" not in nb.metadata, f"{name} carries widget state; run `make sync`"


def test_python3_kernelspec(notebook):
    name, nb = notebook
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3", \
        f"{name} has no python3 kernelspec (JupyterLab would ask for a kernel)"


def test_header_title_badges_and_setup_cell(notebook):
    name, nb = notebook
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), \
        f"{name}: the first cell must be markdown starting with the '# ' title"
    assert notebooks.badge_line(REPO, name) in first.source.splitlines(), \
        f"{name}: the badge line is missing or points elsewhere; run `make sync`"
    setup = [cell for cell in nb.cells if "setup" in cell.metadata.get("tags", [])]
    assert len(setup) == 1, f"{name}: expected one cell tagged 'setup', found {len(setup)}"
    assert "nbval-skip" in setup[0].metadata.tags
    assert setup[0].source == notebooks.setup_source(REPO), f"{name}: run `make sync`"


def test_jupytext_pair_exists_and_agrees(notebook):
    name, nb = notebook
    script = (ROOT / name).with_suffix(".py")
    assert script.exists(), f"{name} has no paired {script.name}; run `make sync`"
    pair = notebooks.read_percent(script, ROOT)
    assert notebooks.cell_sources(pair) == notebooks.cell_sources(nb), \
        f"{name} and {script.name} have drifted apart; run `make sync`"


def test_every_script_has_its_notebook():
    scripts = [p for folder in notebooks.NOTEBOOK_FOLDERS
               for p in (ROOT / folder).glob("[0-9][0-9]_*.py")]
    lonely = [p.relative_to(ROOT).as_posix() for p in scripts
              if not p.with_suffix(".ipynb").exists()]
    assert not lonely, f"scripts without a notebook: {lonely}; run `make sync`"


def test_exercises_are_up_to_date():
    stale = [f"{target.relative_to(ROOT).as_posix()} ({state})"
             for target, _, state in plan(ROOT) if state != "up to date"]
    assert not stale, f"exercises/ out of date: {stale}; run `make exercises`"
    solutions = {p.name for p in (ROOT / "solutions").glob("*.ipynb")}
    orphans = [p.name for p in (ROOT / "exercises").glob("*.ipynb") if p.name not in solutions]
    assert not orphans, f"exercises without a solution notebook: {orphans}"


def runtime_dependencies():
    """Names of [project] dependencies in pyproject.toml (a regex: Python 3.10 has no tomllib)."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    block = re.search(r"^dependencies\s*=\s*\[(.*?)\]", text, re.MULTILINE | re.DOTALL)
    return [re.match(r"[A-Za-z0-9_.-]+", spec).group(0)
            for spec in re.findall(r'"([^"]+)"', block.group(1))]


def test_environment_yml_names_every_runtime_dependency():
    names = runtime_dependencies()
    assert {"numpy", "matplotlib", "ipywidgets", "tqdm"} <= set(names)
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    missing = [n for n in names if not re.search(rf"^\s*-\s*{re.escape(n)}\b", text, re.MULTILINE)]
    assert not missing, f"environment.yml lacks {missing} (pyproject.toml depends on them)"

"""Notebook helpers shared by ``nnedu build``, ``nnedu sync`` and the tests.

This module imports nothing from nnedu.course: build.py, key.py and grade.py
use it, never the other way round.

Every course notebook starts with the same header:

1. a first markdown cell with the title, the learning goals and a badge line
   (Open in Colab, Open in Kaggle) whose links name the notebook's own path;
2. a setup cell, tagged ``setup`` and ``nbval-skip``, that installs nnedu
   with ``%pip`` only where it is missing (Colab, Kaggle).

OWNER/REPO lives in one place, pyproject.toml's ``[project.urls] Repository``;
:func:`stamp_header` rewrites the badges and the setup cell from it, so they
never drift. Notebooks are paired with jupytext percent scripts
(``NN_topic.py``) configured by jupytext.toml at the repository root.
"""

import copy
import re
from pathlib import Path

import nbformat

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
NOTEBOOK_FOLDERS = ("notebooks", "solutions", "exercises")
SETUP_TAGS = ["setup", "nbval-skip"]
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
KAGGLE_BADGE = "https://kaggle.com/static/images/open-in-kaggle.svg"
SETUP_TEMPLATE = """\
# Setup: on Colab or Kaggle this installs nnedu; on your own machine it does nothing.
try:
    import nnedu
except ImportError:
    %pip install -q "nnedu @ git+https://github.com/{repo}"
    import nnedu"""


# ---------------------------------------------------------------------------
# Where things are
# ---------------------------------------------------------------------------

def find_root(start=None):
    """The repository root: the nearest folder at or above ``start`` with a pyproject.toml."""
    here = Path(start or Path.cwd()).resolve()
    for folder in [here, *here.parents]:
        if (folder / "pyproject.toml").is_file():
            return folder
    raise FileNotFoundError(f"no pyproject.toml in {here} or any folder above it; "
                            "run nnedu from inside the course repository or pass --root")


def repository(root):
    """OWNER/REPO from pyproject.toml's [project.urls] Repository (a GitHub URL)."""
    text = (Path(root) / "pyproject.toml").read_text(encoding="utf-8")
    section = re.search(r"^\[project\.urls\]\s*$(.*?)(?=^\[|\Z)", text, re.MULTILINE | re.DOTALL)
    url = section and re.search(r'^\s*Repository\s*=\s*"([^"]+)"', section.group(1),
                                  re.MULTILINE)
    match = url and re.fullmatch(r"https://github\.com/([\w.-]+/[\w.-]+?)(?:\.git)?/?",
                                 url.group(1))
    if not match:
        raise ValueError(f"{Path(root) / 'pyproject.toml'} must name the course repository as "
                         'Repository = "https://github.com/OWNER/REPO" under [project.urls]')
    return match.group(1)


def notebook_paths(root, folders=NOTEBOOK_FOLDERS):
    """All NN_topic.ipynb files of the given folders, sorted."""
    return sorted(p for folder in folders for p in (Path(root) / folder).glob("*.ipynb"))


def chapter_of(path):
    """The chapter id of a notebook: the two-digit prefix of its file name, or None."""
    match = re.match(r"(\d\d)_", Path(path).name)
    return match.group(1) if match else None


# ---------------------------------------------------------------------------
# The header: badges and setup cell
# ---------------------------------------------------------------------------

def badge_line(repo, path):
    """The markdown line with the Colab and Kaggle badges for ``path`` (relative, posix)."""
    blob = f"{repo}/blob/main/{path}"
    return (f"[![Open In Colab]({COLAB_BADGE})](https://colab.research.google.com/github/{blob}) "
            f"[![Open In Kaggle]({KAGGLE_BADGE})](https://kaggle.com/kernels/welcome?src="
            f"https://github.com/{blob})")


def setup_source(repo):
    """The source of the setup cell for OWNER/REPO ``repo``."""
    return SETUP_TEMPLATE.format(repo=repo)


def stamp_header(nb, repo, path):
    """Bring the badge line and the setup cell of ``nb`` up to date, in place.

    The badge line replaces any line of the first markdown cell that holds a
    badge, or goes right under the title. The setup cell is the cell tagged
    ``setup``; one is inserted after the first cell if there is none. Also
    sets the python3 kernelspec. Returns True when something changed.
    """
    before = copy.deepcopy(nb)
    if not nb.cells or nb.cells[0].cell_type != "markdown":
        raise ValueError(f"{path}: the first cell must be a markdown cell with the title")
    first = nb.cells[0]
    lines = [ln for ln in first.source.splitlines() if COLAB_BADGE not in ln
             and KAGGLE_BADGE not in ln]
    title_at = next((i for i, ln in enumerate(lines) if ln.startswith("# ")), 0)
    lines.insert(title_at + 1, "")
    lines.insert(title_at + 2, badge_line(repo, path))
    first.source = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    setup = next((c for c in nb.cells if "setup" in c.metadata.get("tags", [])), None)
    if setup is None:
        setup = nbformat.v4.new_code_cell()
        setup.id = "setup"  # a fixed id, so that stamping twice gives the same notebook
        nb.cells.insert(1, setup)
    setup.source = setup_source(repo)
    tags = setup.metadata.setdefault("tags", [])
    tags.extend(t for t in SETUP_TAGS if t not in tags)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    return nb != before


# ---------------------------------------------------------------------------
# Reading, writing, jupytext pairs
# ---------------------------------------------------------------------------

def read(path):
    """Read a notebook (.ipynb) as nbformat v4."""
    return nbformat.read(str(path), as_version=4)


def clean(nb):
    """Drop outputs, execution counts and widget state, in place (the committed form)."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    return nb


def to_json(nb):
    """The text nbformat writes for ``nb`` (what is saved in a .ipynb)."""
    return nbformat.writes(nb) + "\n"


def jupytext_config(root):
    """The jupytext configuration of the repository (jupytext.toml)."""
    from jupytext.config import load_jupytext_configuration_file

    return load_jupytext_configuration_file(str(Path(root) / "jupytext.toml"))


def to_percent(nb, root):
    """The percent-format script paired with ``nb`` (jupytext, with jupytext.toml)."""
    import jupytext

    return jupytext.writes(nb, fmt="py:percent", config=jupytext_config(root))


def read_percent(path, root):
    """Read a percent-format script as a notebook."""
    import jupytext

    return jupytext.read(str(path), fmt="py:percent", config=jupytext_config(root))


def cell_sources(nb):
    """[(cell type, source)] of a notebook: what a pair must agree on."""
    return [(cell.cell_type, cell.source) for cell in nb.cells]


def write_pair(nb, path, root):
    """Write ``nb`` to ``path`` (.ipynb) and its percent script next to it."""
    path = Path(path)
    path.write_text(to_json(nb), encoding="utf-8")
    path.with_suffix(".py").write_text(to_percent(nb, root), encoding="utf-8")


def sync_pair(path):
    """jupytext --sync on one .ipynb and its paired script: the newer of the two wins."""
    from jupytext.cli import jupytext as jupytext_cli

    jupytext_cli(["--sync", "--quiet", str(path)])

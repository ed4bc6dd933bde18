"""``nnedu build``: generate exercises/NN_topic.ipynb from solutions/NN_topic.ipynb.

The solution notebooks use nbgrader's markers, so instructors can also feed
them to nbgrader:

- code between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` becomes
  ``# YOUR CODE HERE`` and ``raise NotImplementedError()``, indented like the
  BEGIN marker;
- a block between ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS`` is
  removed, markers included;
- in a markdown cell, the region between the solution markers becomes
  ``YOUR ANSWER HERE``.

A marker left open, closed twice or nested inside another block is an error
naming the notebook and the cell. Each generated notebook records a hash of
its cells (metadata ``nnedu.generated_hash``); a later build refuses to
overwrite a notebook whose cells no longer match that hash (someone worked
in it) unless ``--force`` is given.
"""

import copy
import hashlib
import json
from pathlib import Path

from nnedu.course import notebooks

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
MARKERS = {BEGIN_SOLUTION: END_SOLUTION, BEGIN_HIDDEN: END_HIDDEN}


class MarkerError(ValueError):
    """Solution or hidden-test markers that do not pair up."""


# ---------------------------------------------------------------------------
# Stripping one cell
# ---------------------------------------------------------------------------

def strip_markers(source, cell_type, where):
    """The exercise version of one cell's source.

    ``where`` names the cell in error messages ("solutions/01_x.ipynb, cell 3 of 9").
    """
    out, block, begin_line = [], None, 0
    for number, line in enumerate(source.splitlines(), start=1):
        marker = line.strip()
        if marker in MARKERS:
            if block is not None:
                raise MarkerError(f"{where}: '{marker}' on line {number} is nested inside "
                                  f"'{block}' opened on line {begin_line}; close that block first")
            block, begin_line = marker, number
            if marker == BEGIN_SOLUTION:
                out.extend(_placeholder(line, cell_type))
        elif marker in MARKERS.values():
            if block is None or MARKERS[block] != marker:
                raise MarkerError(f"{where}: '{marker}' on line {number} has no matching "
                                  f"'{_begin_of(marker)}' before it")
            block = None
        elif block is None:
            out.append(line)
    if block is not None:
        raise MarkerError(f"{where}: '{block}' on line {begin_line} is never closed by "
                          f"'{MARKERS[block]}'")
    return "\n".join(out)


def _placeholder(marker_line, cell_type):
    if cell_type == "markdown":
        return ["YOUR ANSWER HERE"]
    indent = marker_line[: len(marker_line) - len(marker_line.lstrip())]
    return [f"{indent}# YOUR CODE HERE", f"{indent}raise NotImplementedError()"]


def _begin_of(end_marker):
    return next(begin for begin, end in MARKERS.items() if end == end_marker)


# ---------------------------------------------------------------------------
# One notebook
# ---------------------------------------------------------------------------

def make_exercise(solution, name, repo, path):
    """The exercise notebook generated from the ``solution`` notebook.

    ``name`` names the solution in errors; ``path`` is the exercise's own path
    (for its badges). Returns a new notebook: no outputs, no widget state,
    python3 kernelspec, and ``nnedu.generated_hash`` set.
    """
    nb = notebooks.clean(copy.deepcopy(solution))
    nb.nbformat, nb.nbformat_minor = 4, max(nb.get("nbformat_minor", 5), 5)  # cell ids
    cells = []
    for index, cell in enumerate(nb.cells):
        where = f"{name}, cell {index + 1} of {len(nb.cells)}"
        stripped = strip_markers(cell.source, cell.cell_type, where)
        if cell.source.strip() and not stripped.strip():
            continue  # the cell held only hidden tests
        cell.source = stripped
        cell.id = cell.get("id") or f"cell-{index}"
        cell.metadata.pop("nbgrader", None)
        cells.append(cell)
    nb.cells = cells
    notebooks.stamp_header(nb, repo, path)
    nb.metadata.pop("jupytext", None)
    nb.metadata["nnedu"] = {"generated_from": name}
    nb.metadata["nnedu"]["generated_hash"] = content_hash(nb)
    return nb


def content_hash(nb):
    """SHA-256 of a notebook's cells (type and source): what a student's work changes."""
    text = json.dumps(notebooks.cell_sources(nb), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def recorded_hash(nb):
    """The hash ``nnedu build`` recorded in a notebook, or None."""
    return nb.metadata.get("nnedu", {}).get("generated_hash")


# ---------------------------------------------------------------------------
# The whole folder
# ---------------------------------------------------------------------------

def plan(root):
    """[(exercise path, generated notebook, state)] for every solution notebook.

    state is "up to date", "missing", "stale" (generated from an older
    solution, safe to overwrite) or "edited" (its cells changed since it was
    generated: overwriting would lose work).
    """
    root = Path(root)
    repo = notebooks.repository(root)
    result = []
    for solution_path in notebooks.notebook_paths(root, ["solutions"]):
        target = root / "exercises" / solution_path.name
        name = solution_path.relative_to(root).as_posix()
        generated = make_exercise(notebooks.read(solution_path), name, repo,
                                  target.relative_to(root).as_posix())
        result.append((target, generated, _state(target, generated, root)))
    return result


def _state(target, generated, root):
    script = target.with_suffix(".py")
    if not target.exists():
        return "missing"
    current = notebooks.read(target)
    if recorded_hash(current) != content_hash(current):
        return "edited"
    if script.exists() and content_hash(notebooks.read_percent(script, root)) != \
            recorded_hash(current):
        return "edited"
    same_script = script.exists() and \
        script.read_text(encoding="utf-8") == notebooks.to_percent(generated, root)
    return "up to date" if current == generated and same_script else "stale"


def build(root, check=False, force=False, out=print):
    """Generate exercises/ from solutions/; return the exit status (0 ok, 1 not).

    check: write nothing; list the exercise notebooks that are out of date.
    force: overwrite exercise notebooks even when they were edited.
    """
    root = Path(root)
    (root / "exercises").mkdir(exist_ok=True)
    status, wrote = 0, False
    for target, generated, state in plan(root):
        shown = target.relative_to(root).as_posix()
        if state == "up to date":
            continue
        if check:
            out(f"out of date: {shown} ({state})")
            status = 1
        elif state == "edited" and not force:
            out(f"refusing to overwrite {shown}: it was edited after `nnedu build` generated "
                "it. Save your changes elsewhere (or move the file away) and run `nnedu build` "
                "again, or run `nnedu build --force` to replace it.")
            status = 1
        else:
            notebooks.write_pair(generated, target, root)
            out(f"wrote {shown} ({state})")
            wrote = True
    if status == 0 and not wrote:
        out("exercises/ is up to date")
    return status

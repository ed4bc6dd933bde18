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
naming the notebook and the cell. Before generating, the build stamps the
solution notebooks with nbgrader's cell metadata (:func:`nnedu.course.key.stamp`),
so that nbgrader can use them as its source notebooks too.

Students' work is never lost. Each generated notebook records a hash of its
cells (metadata ``nnedu.generated_hash``) and of each cell (``nnedu.cells``);

- a later build refuses to overwrite a notebook whose cells no longer match
  that hash (someone worked in it); ``--force [NOTEBOOK]`` replaces it anyway
  after copying it to exercises/backups/;
- a notebook that was only run (outputs, same sources) is left alone;
- ``--into DIR`` writes fresh copies into another folder;
- :func:`update` brings a student's copy up to date: new exercise cells and
  new lesson text come in, every cell the student wrote in stays.

The dependency runs one way: build imports notebooks and key, never the reverse.
"""

import copy
import hashlib
import json
import shutil
import time
from pathlib import Path

from nnedu.course import key, notebooks
from nnedu.course.markers import BEGIN_HIDDEN, BEGIN_SOLUTION, END_HIDDEN, MARKERS

__all__ = ["BEGIN_HIDDEN", "BEGIN_SOLUTION", "END_HIDDEN", "MarkerError", "build", "plan",
           "strip_markers", "update"]


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
    python3 kernelspec, no nbgrader metadata, and ``nnedu.generated_hash`` and
    ``nnedu.cells`` (the hash of each cell, by cell id) set.
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
    nb.metadata["nnedu"] = {"generated_from": name,
                            "cells": {cell.id: cell_hash(cell) for cell in nb.cells}}
    nb.metadata["nnedu"]["generated_hash"] = content_hash(nb)
    return nb


def content_hash(nb):
    """SHA-256 of a notebook's cells (type and source): what a student's work changes."""
    text = json.dumps(notebooks.cell_sources(nb), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cell_hash(cell):
    """SHA-256 of one cell's type and source."""
    text = json.dumps([cell.cell_type, cell.source], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def recorded_hash(nb):
    """The hash ``nnedu build`` recorded in a notebook, or None."""
    return nb.metadata.get("nnedu", {}).get("generated_hash")


def _inputs(nb):
    """What makes two exercise notebooks the same, outputs aside."""
    return (notebooks.cell_sources(nb), [c.metadata.get("tags", []) for c in nb.cells],
            nb.metadata.get("nnedu"), nb.metadata.get("kernelspec"))


# ---------------------------------------------------------------------------
# Stamping the solutions
# ---------------------------------------------------------------------------

def stamp_solutions(root, check=False, out=print):
    """Write nbgrader metadata into every solution notebook; return the paths it changed.

    With ``check``, write nothing and only return what would change.
    """
    from nnedu.checks import load_chapter

    changed = []
    for path in notebooks.notebook_paths(root, ["solutions"]):
        nb = notebooks.read(path)
        if key.stamp(nb, load_chapter):
            changed.append(path)
            if not check:
                path.write_text(notebooks.to_json(nb), encoding="utf-8")
                out(f"stamped nbgrader metadata in {path.relative_to(root).as_posix()}")
    return changed


# ---------------------------------------------------------------------------
# The whole folder
# ---------------------------------------------------------------------------

def plan(root, into=None):
    """[(exercise path, generated notebook, state)] for every solution notebook.

    state is "up to date" (same cells, whether or not it was run), "missing",
    "stale" (generated from an older solution, safe to overwrite) or "edited"
    (its cells changed since it was generated: overwriting would lose work).
    ``into``: plan fresh copies in that folder instead of exercises/.
    """
    root = Path(root)
    repo = notebooks.repository(root)
    folder = Path(into) if into else root / "exercises"
    result = []
    for solution_path in notebooks.notebook_paths(root, ["solutions"]):
        target = folder / solution_path.name
        name = solution_path.relative_to(root).as_posix()
        generated = make_exercise(notebooks.read(solution_path), name, repo,
                                  f"exercises/{solution_path.name}")
        result.append((target, generated, _state(target, generated, root, pair=not into)))
    return result


def _state(target, generated, root, pair=True):
    script = target.with_suffix(".py")
    if not target.exists():
        return "missing"
    current = notebooks.read(target)
    if recorded_hash(current) != content_hash(current):
        return "edited"
    if pair and script.exists() and content_hash(notebooks.read_percent(script, root)) != \
            recorded_hash(current):
        return "edited"
    same_script = not pair or (script.exists() and
                               script.read_text(encoding="utf-8") ==
                               notebooks.to_percent(generated, root))
    return "up to date" if _inputs(current) == _inputs(generated) and same_script else "stale"


def _forced(force, target):
    if force is True:
        return True
    if not force:
        return False
    wanted = Path(str(force))
    return wanted.name in (target.name, target.stem) or wanted.stem == target.stem


def backup(target, root):
    """Copy an exercise notebook (and its .py) to exercises/backups/; return the copy's path."""
    folder = target.parent / "backups"
    folder.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    copy_path, n = folder / f"{target.stem}.{stamp}.ipynb", 2
    while copy_path.exists():
        copy_path, n = folder / f"{target.stem}.{stamp}-{n}.ipynb", n + 1
    shutil.copy2(target, copy_path)
    if target.with_suffix(".py").exists():
        shutil.copy2(target.with_suffix(".py"), copy_path.with_suffix(".py"))
    return copy_path


def build(root, check=False, force=False, into=None, out=print):
    """Stamp solutions/, generate exercises/ from them; return the exit status (0 ok, 1 not).

    check: write nothing; list what is out of date (solutions' metadata, exercises).
    force: True to replace edited exercise notebooks, or the name of one notebook;
        each replaced edited notebook is first copied to exercises/backups/.
    into: write fresh copies into this folder instead of exercises/ (no .py twins).
    """
    root = Path(root)
    status, wrote = 0, False
    for path in stamp_solutions(root, check=check, out=out):
        if check:
            out(f"out of date: {path.relative_to(root).as_posix()} (nbgrader metadata)")
            status = 1
    folder = Path(into) if into else root / "exercises"
    if not check:
        folder.mkdir(parents=True, exist_ok=True)
    for target, generated, state in plan(root, into):
        shown = _shown(target, root)
        if state == "up to date":
            continue
        if check:
            out(f"out of date: {shown} ({state})")
            status = 1
        elif state == "edited" and not _forced(force, target):
            out(f"refusing to overwrite {shown}: it was edited after `nnedu build` generated "
                "it. Save your changes elsewhere (or move the file away) and run `nnedu build` "
                f"again, run `nnedu update {shown}` to bring in what is new and keep your "
                f"work, or run `nnedu build --force {target.name}` to replace it (a backup "
                "is kept).")
            status = 1
        else:
            if state == "edited":
                out(f"kept a backup of {shown} in {_shown(backup(target, root), root)}")
            if into:
                target.write_text(notebooks.to_json(generated), encoding="utf-8")
            else:
                notebooks.write_pair(generated, target, root)
            out(f"wrote {shown} ({state})")
            wrote = True
    if status == 0 and not wrote:
        out(f"{_shown(folder, root)}/ is up to date")
    return status


def _shown(path, root):
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return str(path)


# ---------------------------------------------------------------------------
# nnedu update: new exercises into a student's copy, their work kept
# ---------------------------------------------------------------------------

def merge(current, generated):
    """The student's notebook ``current`` brought up to ``generated``; (notebook, summary).

    A cell the student wrote in (its hash differs from the one recorded when it
    was generated) or added is kept with its outputs; a cell they never touched
    is replaced by its new version (new lesson text) or dropped when the course
    dropped it; cells new in the course are inserted after the cell they follow.
    """
    recorded = current.metadata.get("nnedu", {}).get("cells", {})
    fresh = {cell.id: cell for cell in generated.cells}
    merged, summary = [], {"added": 0, "refreshed": 0, "kept": 0}
    for cell in current.cells:
        cell_id = cell.get("id")
        new = fresh.get(cell_id)
        edited = cell_hash(cell) != recorded[cell_id] if cell_id in recorded \
            else new is None or cell_hash(cell) != cell_hash(new)
        if edited:
            merged.append(cell)
            summary["kept"] += new is not None or cell_id not in recorded
        elif new is not None:
            summary["refreshed"] += cell_hash(cell) != cell_hash(new)
            merged.append(copy.deepcopy(new))
    present = {cell.get("id") for cell in merged}
    for index, cell in enumerate(generated.cells):
        if cell.id in present:
            continue
        before = [c.id for c in generated.cells[:index]]
        at = max([i + 1 for i, c in enumerate(merged) if c.get("id") in before], default=0)
        merged.insert(at, copy.deepcopy(cell))
        present.add(cell.id)
        summary["added"] += 1
    nb = copy.deepcopy(current)
    nb.cells = merged
    nb.nbformat_minor = max(nb.get("nbformat_minor", 5), 5)
    nb.metadata["kernelspec"] = generated.metadata["kernelspec"]
    nb.metadata["nnedu"] = copy.deepcopy(generated.metadata["nnedu"])
    return nb, summary


def update(path, root, out=print):
    """``nnedu update NOTEBOOK``: merge the newest exercise version into a student's copy.

    Keeps a backup of the copy in a backups/ folder next to it first. Returns 0.
    """
    path, root = Path(path), Path(root)
    if not path.is_file():
        raise FileNotFoundError(f"no such notebook: {path}")
    current = notebooks.read(path)
    name = current.metadata.get("nnedu", {}).get("generated_from")
    solution = root / name if name else None
    if solution is None or not solution.is_file():
        chapter = notebooks.chapter_of(path)
        found = sorted((root / "solutions").glob(f"{chapter}_*.ipynb")) if chapter else []
        if not found:
            raise FileNotFoundError(f"cannot tell which solution notebook {path.name} comes "
                                    "from: its name should start with the chapter (NN_)")
        solution = found[0]
    name = solution.relative_to(root).as_posix()
    generated = make_exercise(notebooks.read(solution), name, notebooks.repository(root),
                              f"exercises/{solution.name}")
    merged, summary = merge(current, generated)
    if _inputs(merged) == _inputs(current):
        out(f"{_shown(path, root)} is up to date")
        return 0
    copy_path = backup(path, root)
    if path.with_suffix(".py").exists():
        notebooks.write_pair(merged, path, root)
    else:
        path.write_text(notebooks.to_json(merged), encoding="utf-8")
    out(f"updated {_shown(path, root)}: {summary['added']} new cell(s), {summary['refreshed']} "
        f"refreshed, {summary['kept']} of your cell(s) kept (backup: {_shown(copy_path, root)})")
    return 0


# ---------------------------------------------------------------------------
# nnedu sync
# ---------------------------------------------------------------------------

def sync(root, out=print):
    """``nnedu sync``: sync the jupytext pairs, stamp every header, rebuild exercises/.

    Works on notebooks/ and solutions/ (exercises/ is generated). A notebook
    written only as a .py script gets its .ipynb. Returns the exit status of
    the exercise build (0 when everything is up to date).
    """
    root = Path(root)
    repo = notebooks.repository(root)
    for folder in ("notebooks", "solutions"):
        stems = sorted({p.with_suffix("") for p in (root / folder).glob("*.ipynb")}
                       | {p.with_suffix("") for p in (root / folder).glob("[0-9][0-9]_*.py")})
        for stem in stems:
            ipynb = stem.with_suffix(".ipynb")
            if ipynb.exists():
                notebooks.sync_pair(ipynb)
                nb = notebooks.read(ipynb)
            else:  # a notebook written as a script: create the .ipynb
                nb = notebooks.read_percent(stem.with_suffix(".py"), root)
            changed = _keep_jupytext_filters(nb, root)
            changed |= notebooks.stamp_header(nb, repo, ipynb.relative_to(root).as_posix())
            if changed or not ipynb.exists() or nb != notebooks.clean(copy.deepcopy(nb)):
                notebooks.write_pair(notebooks.clean(nb), ipynb, root)
                out(f"stamped {ipynb.relative_to(root).as_posix()}")
    return build(root, out=out)


def _keep_jupytext_filters(nb, root):
    """Record jupytext.toml's filters in the notebook (jupytext reads them from there).

    jupytext copies a script's header choices into the notebook (a script written
    without a header records "-all", which would drop the kernelspec from the
    script for good); this puts the repository's filters back. Returns True
    when something changed.
    """
    config = notebooks.jupytext_config(root)
    wanted = {"cell_metadata_filter": config.cell_metadata_filter,
              "notebook_metadata_filter": config.notebook_metadata_filter}
    if nb.metadata.get("jupytext") == wanted:
        return False
    nb.metadata["jupytext"] = wanted
    return True

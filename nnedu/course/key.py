"""The answer key: what a solution notebook says about its exercises.

A solution notebook (solutions/NN_topic.ipynb) is the source of truth for
grading. Its cells are of three kinds:

- *solution cells*: code (or a markdown answer) between ``### BEGIN SOLUTION``
  and ``### END SOLUTION``;
- *check cells*: code that calls a chapter check, ``ch01.predict(predict)``,
  optionally followed by a ``### BEGIN HIDDEN TESTS`` block that the
  students' copy never contains;
- everything else (lesson text, demos).

:func:`stamp` writes the cell metadata nbgrader expects from that
classification (solution cells, grade cells with points and ids), with ids
made from the exercise names, so that every build gives the same metadata.
:func:`read_key` turns a solution notebook into the grader's key: for each
exercise its points, the expression naming the student's function and the
hidden tests.

This module reads notebooks; it imports nothing else from nnedu.course.
"""

import ast
import re

from nnedu.course.markers import BEGIN_HIDDEN, BEGIN_SOLUTION, END_HIDDEN

SCHEMA_VERSION = 3


def _parse(source):
    """The AST of a cell's code, IPython magics and shell lines blanked out; None if invalid."""
    lines = ["" if line.lstrip().startswith(("%", "!")) else line
             for line in source.splitlines()]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def chapter_aliases(nb):
    """{name: chapter} for every name a notebook binds to a check module nnedu.checks.chNN."""
    aliases = {}
    for cell in nb.cells:
        tree = _parse(cell.source) if cell.cell_type == "code" else None
        for node in ast.walk(tree) if tree else []:
            if isinstance(node, ast.ImportFrom) and node.module == "nnedu.checks":
                for alias in node.names:
                    if re.fullmatch(r"ch\d\d", alias.name):
                        aliases[alias.asname or alias.name] = alias.name[2:]
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    match = re.fullmatch(r"nnedu\.checks\.ch(\d\d)", alias.name)
                    if match and alias.asname:
                        aliases[alias.asname] = match.group(1)
    return aliases


def check_calls(source, aliases):
    """[(chapter, exercise, argument source, hidden?)] for each check call in a cell's code."""
    tree = _parse(source)
    calls = []
    for node in ast.walk(tree) if tree else []:
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id in aliases
                and not node.func.attr.startswith("_") and node.args):
            hidden = any(k.arg == "hidden" for k in node.keywords)
            calls.append((aliases[node.func.value.id], node.func.attr,
                          ast.unparse(node.args[0]), hidden))
    return sorted(calls, key=lambda c: source.find(f".{c[1]}("))


def hidden_blocks(source):
    """The code of each hidden-test block of a cell (markers excluded)."""
    blocks, current = [], None
    for line in source.splitlines():
        marker = line.strip()
        if marker == BEGIN_HIDDEN:
            current = []
        elif marker == END_HIDDEN and current is not None:
            blocks.append("\n".join(current))
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def _visible(source):
    """The source without its hidden-test blocks."""
    return re.sub(rf"(?ms)^[ \t]*{re.escape(BEGIN_HIDDEN)}.*?{re.escape(END_HIDDEN)}[ \t]*$",
                  "", source)


def _defined_names(source):
    tree = _parse(source)
    return [node.name for node in (tree.body if tree else [])
            if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))]


# ---------------------------------------------------------------------------
# nbgrader metadata
# ---------------------------------------------------------------------------

def _meta(grade_id, grade, solution, locked, points=None):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked,
            "schema_version": SCHEMA_VERSION, "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return meta


def _unique(grade_id, used):
    wanted, n = grade_id, 2
    while grade_id in used:
        grade_id, n = f"{wanted}-{n}", n + 1
    used.add(grade_id)
    return grade_id


def stamp(nb, registry_points):
    """Write nbgrader cell metadata into a solution notebook, in place; True if it changed.

    ``registry_points(chapter) -> {exercise: points}`` gives the points of the
    checks (``@exercise(points=...)``); a check cell that already says its
    points in ``nbgrader.points`` keeps them (an instructor's choice). Cells
    that are neither solution nor check cells lose any nbgrader metadata.
    """
    aliases = chapter_aliases(nb)
    used, changed, answers = set(), False, 0
    for cell in nb.cells:
        old = cell.metadata.get("nbgrader")
        has_solution = any(line.strip() == BEGIN_SOLUTION for line in cell.source.splitlines())
        calls = [c for c in check_calls(_visible(cell.source), aliases)] \
            if cell.cell_type == "code" else []
        if calls:
            names = [name for _, name, _, _ in calls]
            points = sum(registry_points(ch).get(name, 1) for ch, name, _, _ in calls)
            if len(calls) == 1 and old and old.get("grade") and "points" in old:
                points = old["points"]
            new = _meta(_unique(f"check-{names[0]}", used), True, False, True, points)
        elif has_solution and cell.cell_type == "markdown":
            answers += 1
            new = _meta(_unique(f"answer-{answers}", used), True, True, False, 0)
        elif has_solution:
            defined = _defined_names(cell.source)
            new = _meta(_unique(f"solution-{defined[0] if defined else 'code'}", used),
                        False, True, False)
        else:
            new = None
        if new is None and old is not None:
            del cell.metadata["nbgrader"]
            changed = True
        elif new is not None and new != old:
            cell.metadata["nbgrader"] = new
            changed = True
    return changed


# ---------------------------------------------------------------------------
# The grader's key
# ---------------------------------------------------------------------------

def read_key(nb, chapter, registry_points):
    """The key of one chapter from its solution notebook.

    Returns {"chapter", "aliases": [names bound to the check module],
    "exercises": [{"name", "points", "arg", "hidden"}]} in notebook order,
    then any exercise of the registry the notebook never checks. ``points``
    come from the check cell's ``nbgrader.points`` (one exercise per cell),
    else the registry, else 1; ``arg`` is the expression the solution passes
    to the check (the student's function, looked up in the student's
    kernel); ``hidden`` the code of the hidden-test block that checks it, or None.
    """
    aliases = chapter_aliases(nb)
    points_of = registry_points(chapter)
    exercises = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        calls = [c for c in check_calls(_visible(cell.source), aliases) if c[0] == chapter]
        meta = cell.metadata.get("nbgrader", {})
        for _, name, arg, _ in calls:
            points = meta["points"] if len(calls) == 1 and "points" in meta \
                else points_of.get(name, 1)
            exercises.setdefault(name, {"name": name, "points": points, "arg": arg,
                                        "hidden": None})
        for block in hidden_blocks(cell.source):
            for ch, name, _, _ in check_calls(block, aliases):
                if ch == chapter and name in exercises:
                    exercises[name]["hidden"] = block
    for name, points in points_of.items():
        exercises.setdefault(name, {"name": name, "points": points, "arg": name, "hidden": None})
    return {"chapter": chapter, "aliases": sorted(a for a, c in aliases.items() if c == chapter)
            or [f"ch{chapter}"], "exercises": list(exercises.values())}

"""``nnedu grade``: run notebooks in fresh kernels and collect the check results.

Each check displays a structured record under the MIME type
``application/vnd.nnedu.check+json`` (see :mod:`nnedu.checks._core`). The
grader executes a notebook with nbclient, in its own folder, errors allowed
(one broken cell does not hide the rest) and every cell bounded by a
timeout, then reads those records from the outputs. The last record of an
exercise wins. Every exercise of the chapter (``nnedu.checks.registry``)
gets a record: one whose check never ran counts as failed.

A timed-out cell stops the notebook: its kernel is killed and every
exercise not yet reported fails with a message naming the cell.
"""

import csv
import json
from pathlib import Path

from nnedu.checks._core import MIME, load_chapter
from nnedu.course import notebooks

FIELDS = ["notebook", "exercise", "passed", "points", "max_points", "message"]
DID_NOT_RUN = "check did not run (the cell was deleted or an earlier error stopped it)"


def grade_notebook(path, timeout=60):
    """Execute one notebook and return its records, one per exercise.

    Each record is {"notebook", "exercise", "passed", "points", "max_points",
    "message"}; exercises come in the order the chapter defines them.
    """
    path = Path(path)
    nb = notebooks.read(path)
    stopped = _execute(nb, path.parent, timeout)
    reported = _collect(nb)
    chapter = chapter_of(path, nb)
    expected = load_chapter(chapter) if chapter else {}
    records = []
    for name in [*expected, *(n for n in reported if n not in expected)]:
        max_points = expected.get(name, reported.get(name, {}).get("max_points", 0))
        if name in reported:
            got = reported[name]
            passed = bool(got.get("passed"))
            message = str(got.get("message", ""))
        else:
            passed, message = False, stopped or DID_NOT_RUN
        records.append({"notebook": str(path), "exercise": name, "passed": passed,
                        "points": max_points if passed else 0, "max_points": max_points,
                        "message": message})
    return records


def chapter_of(path, nb):
    """The chapter of a notebook: its file name's NN_ prefix, else the solution it came from.

    A renamed submission (alice.ipynb) is still recognised through the
    ``nnedu.generated_from`` metadata that ``nnedu build`` writes.
    """
    source = nb.metadata.get("nnedu", {}).get("generated_from", "")
    return notebooks.chapter_of(path) or notebooks.chapter_of(source)


def _execute(nb, folder, timeout):
    """Run ``nb`` in place; return None, or why the run stopped early."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    current = {"index": 0}

    def on_cell_execute(cell, cell_index):
        current["index"] = cell_index

    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            shutdown_kernel="immediate", record_timing=False,
                            resources={"metadata": {"path": str(folder)}},
                            on_cell_execute=on_cell_execute)
    try:
        client.execute()
    except CellTimeoutError:
        return f"timed out after {timeout:g} s in cell {current['index'] + 1} of {len(nb.cells)}"
    except DeadKernelError:
        return (f"the kernel died in cell {current['index'] + 1} of {len(nb.cells)} "
                "(out of memory, or the process was killed)")
    finally:
        _make_sure_kernel_is_gone(client)
    return None


def _make_sure_kernel_is_gone(client):
    """Kill the kernel if nbclient left it running (it normally shuts it down itself)."""
    km = getattr(client, "km", None)
    if km is not None and km.has_kernel:
        km.shutdown_kernel(now=True)


def _collect(nb):
    """{exercise: record} from every check record in the executed notebook; last one wins."""
    reported = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            record = output.get("data", {}).get(MIME)
            if output.get("output_type") == "display_data" and isinstance(record, dict) \
                    and "exercise" in record:
                reported[str(record["exercise"])] = record
    return reported


# ---------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------

def table(records):
    """A plain-text table of one notebook's records, with the total."""
    width = max([len("exercise"), *(len(r["exercise"]) for r in records)])
    lines = [records[0]["notebook"] if records else "(no exercises)",
             f"  {'exercise':<{width}}  passed  points  message"]
    for r in records:
        points = f"{r['points']}/{r['max_points']}"
        message = r["message"] if len(r["message"]) <= 70 else r["message"][:67] + "..."
        lines.append(f"  {r['exercise']:<{width}}  {'yes' if r['passed'] else 'no':<6}  "
                     f"{points:<6}  {message}")
    total = sum(r["points"] for r in records)
    lines.append(f"  {'total':<{width}}          {total}/{sum(r['max_points'] for r in records)}")
    return "\n".join(lines)


def write_json(records, path):
    """Write the records as a JSON list."""
    Path(path).write_text(json.dumps(records, indent=2, ensure_ascii=False) + "\n",
                          encoding="utf-8")


def write_csv(records, path):
    """Write the records as CSV with the columns of FIELDS."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(records)


def grade(paths, json_path=None, csv_path=None, timeout=60, out=print):
    """``nnedu grade``: grade each notebook, print its table, write the files.

    Returns the exit status: 0 when every notebook was graded (whatever the
    marks), 1 when a notebook could not be read.
    """
    records, status = [], 0
    for path in paths:
        if not Path(path).is_file():
            out(f"cannot grade {path}: no such file")
            status = 1
            continue
        graded = grade_notebook(path, timeout=timeout)
        out(table(graded) if graded else f"{path}\n  (no exercises found)")
        records.extend(graded)
    if json_path:
        write_json(records, json_path)
    if csv_path:
        write_csv(records, csv_path)
    return status

"""One submission's grading, in a process of its own (the grading worker).

``nnedu grade`` starts one worker per notebook, as ``python -c <this file's
text>`` (text the grader read before any submission ran), and sends it the
job on stdin: the notebook, the key of its chapter, the check sources and
the time limits. The worker

1. becomes a *child subreaper* (Linux ``prctl(PR_SET_CHILD_SUBREAPER)``): a
   process the notebook starts and orphans, even in a new session, is
   re-parented to the worker instead of init, so none escapes;
2. writes the notebook into a fresh private folder (mode 0700) and runs it
   in a fresh python3 kernel there: first the grader's bootstrap
   (nnedu/course/_inkernel.py), then every code cell, each bounded by the
   cell timeout and all by the notebook timeout;
3. runs each exercise's check through the bootstrap and reads the results;
4. shuts the kernel down, stops then kills every process still below it, and
   deletes the folder;
5. writes the result, as one JSON line after a token, on a pipe that the
   kernel never inherited (the kernel's stdout and stderr go to /dev/null).

A kernel that kills its parent kills this worker, not the grader, which then
records why that notebook has no marks. The process helpers here are also
used by the grader itself.
"""

import contextlib
import ctypes
import json
import os
import shutil
import signal
import sys
import tempfile
import time

PR_SET_CHILD_SUBREAPER = 36
MIME = "application/vnd.nnedu.check+json"
NOT_ATTEMPTED = "not attempted yet"


# ---------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------

def become_subreaper():
    """Adopt orphaned descendants (Linux); True when it worked."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _parents():
    """{pid: parent pid} of every process visible in /proc."""
    found = {}
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as handle:
                    stat = handle.read().decode("utf-8", "replace")
                found[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    return found


def descendants(pid, skip=()):
    """Every process below ``pid``, except the subtrees rooted at the pids in ``skip``."""
    parents = _parents()
    children = {}
    for child, parent in parents.items():
        children.setdefault(parent, []).append(child)
    found, todo = [], [c for c in children.get(pid, []) if c not in skip]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(c for c in children.get(current, []) if c not in skip)
    return found


def end_descendants(pid=None, skip=(), rounds=20):
    """Stop, then kill, every process below ``pid`` (default: this one); reap our children.

    Stopping first means that no process can fork a new one while the others
    are being killed. Returns the number of processes ended.
    """
    pid = pid or os.getpid()
    ended = 0
    for _ in range(rounds):
        found = descendants(pid, skip)
        if not found:
            break
        for signum in (signal.SIGSTOP, signal.SIGKILL):
            for target in found:
                with contextlib.suppress(OSError):
                    os.kill(target, signum)
        ended += len(found)
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline and descendants(pid, skip):
            _reap()
            time.sleep(0.02)
        _reap()
    return ended


def _reap():
    """Collect the exit status of every finished child (no zombies)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


# ---------------------------------------------------------------------------
# Records the notebook itself shows (feedback, never points)
# ---------------------------------------------------------------------------

def _records(cell):
    for output in cell.get("outputs", []):
        record = output.get("data", {}).get(MIME) if isinstance(output, dict) else None
        if record is not None:
            yield record


def planted_records(nb, names):
    """{exercise: reason} for check records saved in the submitted file that no check made."""
    planted = {}
    for index, cell in enumerate(nb.cells):
        tags = cell.get("metadata", {}).get("tags", [])
        for record in _records(cell):
            name = str(record.get("exercise")) if isinstance(record, dict) else "?"
            made_here = (cell.cell_type == "code" and "skip-execution" not in tags
                         and f".{name}(" in cell.source)
            if name in names and not made_here:
                planted[name] = (f"the submitted notebook carries a check record for {name} in "
                                 f"cell {index + 1} that no check made (a saved or hand-made "
                                 "output); records in a notebook are never points, and a "
                                 "forged one costs the exercise its points")
    return planted


def shown_records(nb, names):
    """[(exercise, claims a pass?, well formed?, cell source)] for the records a run displayed."""
    shown = []
    for cell in nb.cells:
        for record in _records(cell):
            if not isinstance(record, dict):
                shown.append(("?", False, False, cell.source))
                continue
            name = str(record.get("exercise"))
            passed = record.get("passed")
            well_formed = (name in names and isinstance(passed, bool)
                           and record.get("points") in (0, names.get(name), record.get("max_points")))
            shown.append((name, passed is True, well_formed, cell.source))
    return shown


def forged_at_run_time(shown, results, names):
    """{exercise: reason} for displayed records that claim what the grader's check denies."""
    forged = {}
    for name, claims_pass, well_formed, source in shown:
        if name not in names:
            continue
        record = (results.get(name) or {}).get("record") or {}
        public_ok = record.get("message") != NOT_ATTEMPTED and record.get("failed", 1) == 0
        if not well_formed or (claims_pass and (not public_ok or f".{name}(" not in source)):
            forged[name] = (f"the notebook displayed a check record for {name} that the "
                            "grader's own run of the check does not confirm (a forged record); "
                            "records in a notebook are never points")
    return forged


# ---------------------------------------------------------------------------
# Running the notebook
# ---------------------------------------------------------------------------

def sandbox_command(read_only, run=None):
    """The command that runs a kernel in new user, PID and mount namespaces (Linux).

    Inside, the folders ``read_only`` are mounted read-only and the kernel is
    process 1 of its own PID namespace: it sees no process outside (it cannot
    signal or trace the grader), and when it ends every process it started ends.
    """
    import shlex

    mounts = "".join(f"mount --bind {shlex.quote(d)} {shlex.quote(d)} && "
                     f"mount -o remount,bind,ro {shlex.quote(d)} {shlex.quote(d)} && "
                     for d in read_only)
    run = run or f'exec {shlex.quote(sys.executable)} -m ipykernel_launcher -f "$1"'
    script = f"{mounts}{run}"
    return ["unshare", "--user", "--map-root-user", "--pid", "--fork", "--kill-child",
            "--mount", "--mount-proc", "sh", "-c", script, "sh"]


def sandboxed_kernel(folder, sandbox):
    """A KernelManager whose kernel runs in the sandbox of :func:`sandbox_command`."""
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpecManager

    spec = os.path.join(folder, "kernels", "nnedu-sandbox")
    os.makedirs(spec)
    with open(os.path.join(spec, "kernel.json"), "w", encoding="utf-8") as handle:
        json.dump({"argv": [*sandbox_command(sandbox["read_only"]), "{connection_file}"],
                   "display_name": "nnedu grading sandbox", "language": "python",
                   "interrupt_mode": "message"}, handle)
    specs = KernelSpecManager(kernel_dirs=[os.path.join(folder, "kernels")])
    return KernelManager(kernel_name="nnedu-sandbox", kernel_spec_manager=specs)


def sandbox_works(read_only):
    """True when the sandbox was asked for (NNEDU_GRADER_SANDBOX=1) and this machine allows it.

    Off by default: in this version a kernel that dies inside the sandbox can
    leave its worker waiting (nbclient does not notice), so it is for trying out.
    """
    import subprocess

    if not sys.platform.startswith("linux") or os.environ.get("NNEDU_GRADER_SANDBOX") != "1":
        return False
    command = sandbox_command(read_only, run="true")
    try:
        return subprocess.run(command, capture_output=True, timeout=30, check=False) \
            .returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _first_error_line(cell):
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return f"{output.get('ename', 'Error')}: {str(output.get('evalue', ''))[:200]}"
    return None


def run(job):
    """Run one notebook and its checks; return the raw result (the grader scores it)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    token = job["token"]
    names = {ex["name"]: ex["points"] for ex in job["key"]["exercises"]}
    nb = nbformat.reads(job["notebook"], as_version=4)
    planted = planted_records(nb, names)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    folder = tempfile.mkdtemp(prefix="nnedu-grade-")
    os.chmod(folder, 0o700)
    nbformat.write(nb, os.path.join(folder, "submission.ipynb"))
    limit = [job["timeout"]]
    extra = {"km": sandboxed_kernel(folder, job["sandbox"])} if job.get("sandbox") else {}
    client = NotebookClient(
        nb, kernel_name="python3", allow_errors=True, interrupt_on_timeout=True, **extra,
        error_on_timeout={"ename": "CellTimeoutError", "evalue": "timed out", "traceback": []},
        skip_cells_with_tag="nnedu-grader-runs-every-cell", record_timing=False,
        shutdown_kernel="immediate", startup_timeout=120, timeout_func=lambda cell: limit[0],
        resources={"metadata": {"path": folder}})
    notes, stopped, results = [], None, {}
    try:
        with client.setup_kernel():
            bootstrap = nbformat.v4.new_code_cell(
                f"def _nnedu_grader_bootstrap():\n"
                f"    namespace = {{'__name__': '_nnedu_grader'}}\n"
                f"    exec(compile({job['inkernel']!r}, '<nnedu grader>', 'exec'), namespace)\n"
                f"    return namespace['install'](__import__('json').loads("
                f"{json.dumps(job['spec'])!r}))\n"
                f"_nnedu_grader_{token} = _nnedu_grader_bootstrap()\n"
                f"del _nnedu_grader_bootstrap")
            limit[0] = 120
            _execute_extra(client, nb, bootstrap)
            if _first_error_line(bootstrap):
                raise RuntimeError(f"the grader's bootstrap failed: {_first_error_line(bootstrap)}")
            stopped = _run_cells(client, nb, job, limit, notes)
            if stopped is None or "kernel died" not in stopped:
                results = _run_checks(client, nb, job, limit, notes)
    except DeadKernelError:
        stopped = stopped or "the kernel died (out of memory, or the process was killed)"
    finally:
        with contextlib.suppress(Exception):
            if client.km is not None and client.km.has_kernel:
                client.km.shutdown_kernel(now=True)
        end_descendants()
        shutil.rmtree(folder, ignore_errors=True)
    shown = shown_records(nb, names)
    forged = {**forged_at_run_time(shown, results, names), **planted}
    unknown = sorted({n for n, *_ in shown if n not in names})
    if unknown:
        notes.append("the notebook displayed check records for exercises that do not exist "
                     f"({', '.join(unknown)}); they count for nothing")
    return {"results": results, "forged": forged, "notes": notes, "stopped": stopped}


def _execute_extra(client, nb, cell):
    """Execute a cell of the grader's own (nbclient stores every cell it runs in the notebook)."""
    nb.cells.append(cell)
    try:
        client.execute_cell(cell, len(nb.cells) - 1, store_history=False)
    finally:
        nb.cells.pop()


def _run_cells(client, nb, job, limit, notes):
    """Execute the notebook's code cells; return why the run stopped early, or None."""
    from nbclient.exceptions import DeadKernelError

    deadline = time.monotonic() + job["notebook_timeout"]
    total = len(nb.cells)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        left = deadline - time.monotonic()
        if left <= 0:
            return (f"the notebook ran past its {job['notebook_timeout']:g} s limit: cells "
                    f"{index + 1} to {total} did not run")
        limit[0] = min(job["timeout"], left)
        start = time.monotonic()
        try:
            client.execute_cell(cell, index)
        except DeadKernelError:
            return f"the kernel died in cell {index + 1} of {total} (out of memory, or killed)"
        error = _first_error_line(cell)
        if time.monotonic() - start >= limit[0]:
            kind = "cell" if limit[0] == job["timeout"] else "notebook"
            notes.append(f"cell {index + 1} of {total} was stopped after {limit[0]:g} s "
                         f"(the {kind} time limit)")
        elif error and len(notes) < 20:
            notes.append(f"cell {index + 1} of {total} raised {error}")
    return None


def _run_checks(client, nb, job, limit, notes):
    """Run every exercise's check in the kernel; {exercise: raw result}."""
    import nbformat
    from nbclient.exceptions import DeadKernelError

    token, results = job["token"], {}
    for exercise in job["key"]["exercises"]:
        exercise = dict(exercise, chapter=job["key"]["chapter"], aliases=job["key"]["aliases"])
        cell = nbformat.v4.new_code_cell(
            f"_nnedu_grader_{token}(__import__('json').loads({json.dumps(exercise)!r}))")
        limit[0] = job["timeout"]
        start = time.monotonic()
        try:
            _execute_extra(client, nb, cell)
        except DeadKernelError:
            notes.append("the kernel died while the checks ran")
            break
        text = "".join(o.get("text", "") for o in cell.outputs if o.get("name") == "stdout")
        lines = [ln[len(token):] for ln in text.splitlines() if ln.startswith(token)]
        if lines:
            results[exercise["name"]] = json.loads(lines[-1])
        elif time.monotonic() - start >= limit[0]:
            results[exercise["name"]] = {"error": f"the check timed out after {job['timeout']:g} "
                                                  "s (your function did not return)"}
        else:
            results[exercise["name"]] = {"error": "the grader could not run the check here ("
                                         f"{_first_error_line(cell) or 'no result'})"}
    return results


def main():
    """Read one job on stdin, write its result on the private pipe (see the module's doc)."""
    result_fd = os.dup(1)
    os.set_inheritable(result_fd, False)
    job = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1) if os.environ.get("NNEDU_GRADER_DEBUG") else (0, 1, 2):
        os.dup2(devnull, fd)
    become_subreaper()
    try:
        result = run(job)
    except BaseException as err:  # noqa: BLE001 -- whatever happened, the grader hears of it
        result = {"fatal": f"{type(err).__name__}: {err}"}
    finally:
        end_descendants()
    os.write(result_fd, (job["token"] + json.dumps(result, default=str) + "\n").encode("utf-8"))
    os.close(result_fd)


if __name__ == "__main__":
    main()

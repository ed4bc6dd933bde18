"""``nnedu grade``: grade a class; points come from the grader's own run of the checks.

    nnedu grade submissions/ --csv grades.csv --json grades.json --jobs 2

For every submitted notebook the grader

1. reads it into memory, together with every other submission, before any of
   them runs (a submission cannot reach another's file);
2. runs it in a worker process of its own (nnedu/course/_worker.py), in a
   fresh kernel in a private temporary folder, with a per-cell and a
   per-notebook time limit;
3. has the worker run each exercise's check itself, with the hidden tests of
   the solution notebook, from a private copy of the check code loaded
   before the notebook's cells ran (nnedu/course/_inkernel.py), on the
   student's function looked up by name in the kernel's final state;
4. scores it: partial credit for the cases passed, no points for an exercise
   whose checks were patched, whose record was forged or whose code called
   the reference answers in nnedu.checks;
5. ends every process the submission started, checks that the installed
   nnedu package is unchanged (restoring it, and re-grading alone every
   notebook that was running, when it is not), and rewrites the gradebook
   (CSV, JSON, one feedback file per student) atomically.

The records a check displays in a notebook are the student's feedback: the
grader never reads points from them. A submission is a notebook file, or a
folder of student folders, or a folder of files named
``student__NN_topic.ipynb``. The key (exercises, points, hidden tests) comes
from the course's solutions/ folder (see :mod:`nnedu.course.key`).
"""

import contextlib
import csv
import io
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from nnedu.course import _worker, key, notebooks

FIELDS = ["student", "notebook", "exercise", "passed", "points", "max_points", "message"]
NOT_ATTEMPTED = "not attempted yet"
DID_NOT_RUN = "the check did not run (the notebook stopped before the grader could run it)"
KEY_STUDENT = "(answer key)"
# Messages that also go into the gradebook's notes column (not ordinary wrong answers).
NOTEWORTHY = ("no points", "forged", "no check made", "cannot", "killed", "took longer",
              "the kernel died")


# ---------------------------------------------------------------------------
# What was submitted
# ---------------------------------------------------------------------------

@dataclass
class Submission:
    """One notebook of one student, read into memory (``data``) or the reason it could not be."""

    student: str
    path: str
    chapter: str = None
    data: str = None
    error: str = None
    result: dict = field(default=None, repr=False)


def collect(paths):
    """Every submission under ``paths``, each read now (before anything runs)."""
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            for entry in sorted(path.iterdir()):
                if entry.is_dir() and not entry.name.startswith("."):
                    found += [_read(nb, entry.name) for nb in sorted(entry.rglob("*.ipynb"))
                              if ".ipynb_checkpoints" not in nb.parts]
                elif entry.suffix == ".ipynb":
                    found.append(_read(entry, None))
        elif path.suffix == ".ipynb" or path.exists():
            found.append(_read(path, None))
        else:
            found.append(Submission(student=path.stem.split("__")[0], path=str(path),
                                    error="no such file or folder"))
    return found


def _read(path, student):
    """A Submission for one file; the student is its folder, or the part before '__'."""
    stem = path.stem
    if student is None:
        if "__" in stem:
            student, stem = stem.split("__", 1)
        elif notebooks.chapter_of(path) and path.parent.name:
            student = path.parent.resolve().name
        else:
            student = stem
    submission = Submission(student=student, path=str(path))
    try:
        submission.data = path.read_bytes().decode("utf-8")
        nb = _parse(submission.data)
    except (OSError, UnicodeDecodeError, ValueError) as err:
        submission.data = None
        submission.error = f"cannot read {path.name}: {_reason(err)}"
        submission.chapter = notebooks.chapter_of(stem + ".ipynb")
        return submission
    source = nb.metadata.get("nnedu", {}).get("generated_from", "")
    submission.chapter = notebooks.chapter_of(stem + ".ipynb") or notebooks.chapter_of(source)
    if submission.chapter is None:
        submission.error = (f"cannot tell which chapter {path.name} is: name it NN_topic.ipynb "
                            "(or student__NN_topic.ipynb)")
    return submission


def _parse(text):
    import nbformat

    nb = nbformat.reads(text, as_version=4)
    if not isinstance(nb.get("cells"), list):
        raise ValueError("it is not a notebook (no list of cells)")  # noqa: TRY004 -- content
    return nb


def _reason(err):
    if isinstance(err, UnicodeDecodeError):
        return "it is not UTF-8 text"
    text = str(err).splitlines()[0] if str(err) else type(err).__name__
    return f"it is not a valid notebook ({text[:150]})" if isinstance(err, ValueError) else text


# ---------------------------------------------------------------------------
# The course: key, check sources, the installed package
# ---------------------------------------------------------------------------

class Course:
    """What the grader reads before any submission runs."""

    def __init__(self, root):
        import nnedu
        import nnedu.checks
        from nnedu.checks import load_chapter

        self.root = Path(root)
        self.load_chapter = load_chapter
        here = Path(__file__).parent
        self.inkernel = (here / "_inkernel.py").read_text(encoding="utf-8")
        self.worker = (here / "_worker.py").read_text(encoding="utf-8")
        checks = Path(nnedu.checks.__file__).parent
        self.sources = {p.stem: p.read_text(encoding="utf-8") for p in sorted(checks.glob("*.py"))
                        if p.stem in ("__init__", "_core") or p.stem.startswith("ch")}
        self.package = Snapshot(Path(nnedu.__file__).parent)
        self.keys, self.totals = {}, {}

    def key(self, chapter):
        """The key of ``chapter`` from solutions/NN_*.ipynb (ValueError when there is none)."""
        if chapter not in self.keys:
            found = sorted((self.root / "solutions").glob(f"{chapter}_*.ipynb"))
            if not found:
                raise ValueError(f"no solution notebook for chapter {chapter} in "
                                 f"{self.root / 'solutions'}: the grader needs it as its key")
            self.keys[chapter] = key.read_key(notebooks.read(found[0]), chapter,
                                              self.load_chapter)
            self.keys[chapter]["solution"] = str(found[0])
        return self.keys[chapter]


class Snapshot:
    """The bytes of every file of a folder, to notice and undo changes to it."""

    def __init__(self, folder):
        import compileall

        self.folder = Path(folder)
        with contextlib.suppress(OSError):   # no legitimate .pyc should appear later
            compileall.compile_dir(str(self.folder), quiet=2)
        self.files = self._read()

    def _read(self):
        return {p: p.read_bytes() for p in self.folder.rglob("*") if p.is_file()}

    def restore(self):
        """Put every file back as it was; return the changed paths (those outside __pycache__)."""
        changed = []
        now = set(self.folder.rglob("*"))
        for path in sorted(p for p in now if p.is_file() and p not in self.files):
            with contextlib.suppress(OSError):   # not ours to delete: nobody's then
                path.unlink(missing_ok=True)
            if "__pycache__" not in path.parts:
                changed.append(path)
        for path, data in self.files.items():
            try:
                same = path.read_bytes() == data
            except OSError:
                same = False
            if not same:
                with contextlib.suppress(OSError):
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(data)
                changed.append(path)
        return [p.relative_to(self.folder.parent).as_posix() for p in changed]


def find_course(root=None):
    """The course root holding solutions/: ``root``, else above the current folder, else nnedu's."""
    import nnedu

    candidates = [Path(root)] if root else []
    if not root:
        try:
            candidates.append(notebooks.find_root())
        except FileNotFoundError:
            pass
        candidates.append(Path(nnedu.__file__).resolve().parents[1])
    for candidate in candidates:
        if (candidate / "solutions").is_dir():
            return candidate
    raise FileNotFoundError(f"no solutions/ folder (the answer key) in {candidates[0]}; "
                            "run nnedu grade inside the course repository or pass --root")


def precheck_kernel():
    """None when the python3 kernel imports nnedu, else what is wrong and what to do."""
    from jupyter_client.manager import start_new_kernel

    try:
        km, kc = start_new_kernel(kernel_name="python3", startup_timeout=120)
    except Exception as err:  # noqa: BLE001 -- no kernel at all
        return (f"cannot start the python3 Jupyter kernel ({type(err).__name__}: {err}); "
                'install one with `pip install ipykernel` (or `pip install "nnedu[dev]"`)')
    out = []
    try:
        reply = kc.execute_interactive("import sys\nprint(sys.executable)\nimport nnedu",
                                       timeout=120, output_hook=out.append)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    if reply["content"]["status"] == "ok":
        return None
    python = next((m["content"].get("text", "").strip() for m in out
                   if m["msg_type"] == "stream"), "its Python")
    return (f"the python3 kernel ({python}) cannot import nnedu "
            f"({reply['content'].get('ename')}: {reply['content'].get('evalue')}), so every "
            "notebook would score 0. Install nnedu into that environment (`pip install -e .` in "
            "the course folder) or register a kernel for this one (`python -m ipykernel "
            "install --user --name python3`).")


# ---------------------------------------------------------------------------
# Running one notebook in a worker
# ---------------------------------------------------------------------------

def run_worker(course, submission, key_of_chapter, timeout, notebook_timeout, running=None,
               sandbox=None):
    """The worker's raw result for one submission (``{"fatal": ...}`` when it has none)."""
    token = "nnedu" + secrets.token_hex(16)
    spec = {"token": token, "sources": course.sources}
    job = {"token": token, "notebook": submission.data, "key": key_of_chapter, "spec": spec,
           "inkernel": course.inkernel, "timeout": timeout, "notebook_timeout": notebook_timeout,
           "sandbox": sandbox}
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    debug = bool(os.environ.get("NNEDU_GRADER_DEBUG"))
    process = subprocess.Popen([sys.executable, "-c", course.worker], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=None if debug else subprocess.DEVNULL,
                               env=env, cwd=str(course.root), start_new_session=True)
    if running is not None:
        running.add(process.pid)
    limit = notebook_timeout + (len(key_of_chapter["exercises"]) + 2) * timeout + 300
    try:
        output, _ = process.communicate(json.dumps(job).encode("utf-8"), timeout=limit)
    except subprocess.TimeoutExpired:
        _worker.end_descendants(process.pid)
        process.kill()
        output, _ = process.communicate()
        return {"fatal": f"grading this notebook took longer than {limit:g} s"}
    finally:
        if running is not None:
            running.discard(process.pid)
    lines = [ln for ln in output.decode("utf-8", "replace").splitlines() if ln.startswith(token)]
    if not lines:
        return {"fatal": "the grading worker was killed before it could report (did the "
                         "notebook kill its parent process?)"}
    return json.loads(lines[-1][len(token):])


# ---------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------

def score(exercise, raw, total_of):
    """(points, passed, message) of one exercise from the worker's raw result."""
    name, max_points = exercise["name"], exercise["points"]
    if raw.get("fatal"):
        return 0, False, raw["fatal"]
    results = raw.get("results", {})
    tampered = sorted({t for r in results.values() for t in r.get("tampered") or []})
    if raw.get("package_changed"):
        return 0, False, ("the notebook modified the installed nnedu package "
                          f"({', '.join(raw['package_changed'][:3])}); no points")
    if tampered:
        return 0, False, (f"the checks were modified in this notebook ({tampered[0]} was "
                          "replaced); no points")
    result = results.get(name)
    if result is None:
        return 0, False, raw.get("stopped") or DID_NOT_RUN
    if result.get("reference"):
        return 0, False, ("your code called the reference answers shipped in nnedu.checks ("
                          f"{', '.join(result['reference'][:3])}); no points: write your own")
    if name in raw.get("forged", {}):
        return 0, False, raw["forged"][name]
    if result.get("error") or not result.get("record"):
        return 0, False, result.get("error") or DID_NOT_RUN
    record = result["record"]
    if record["message"] == NOT_ATTEMPTED:
        return 0, False, NOT_ATTEMPTED
    if record["passed"]:
        return max_points, True, record["message"]
    total = record["cases"]
    if record["aborted"]:
        total = max(total_of(name) or 0, record["ok"] + 1)
    points = round(max_points * record["ok"] / total, 2) if total else 0
    return points, False, f"{record['ok']} of {total} cases passed; {record['message']}"


def records_of(submission, course, total_of):
    """The DESIGN.md records of one graded (or unreadable) submission."""
    base = {"student": submission.student, "notebook": submission.path}
    try:
        exercises = course.key(submission.chapter)["exercises"] if submission.chapter else []
    except ValueError as err:
        submission.error = submission.error or str(err)
        exercises = []
    if submission.error:
        return [dict(base, exercise=ex["name"] if exercises else "", passed=False, points=0,
                     max_points=ex["points"] if exercises else 0, message=submission.error)
                for ex in exercises or [{"name": "", "points": 0}]]
    records = []
    for exercise in exercises:
        points, passed, message = score(exercise, submission.result, total_of)
        records.append(dict(base, exercise=exercise["name"], passed=passed, points=points,
                            max_points=exercise["points"], message=message))
    return records


# ---------------------------------------------------------------------------
# Gradebook and feedback
# ---------------------------------------------------------------------------

def _atomic_write(path, text):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def gradebook_csv(graded, columns):
    """The CSV text: a row per student, a column per exercise (NN.name), total, out of, notes.

    ``graded`` is [(submission, its records)]; ``columns`` [(chapter, exercise, max points)].
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", *(f"{ch}.{name}" for ch, name, _ in columns), "total", "out_of",
                     "notes"])
    for student in sorted({s.student for s, _ in graded}):
        points, notes = {}, []
        for submission, records in graded:
            if submission.student != student:
                continue
            for r in records:
                points[(submission.chapter, r["exercise"])] = r["points"]
                if any(word in r["message"] for word in NOTEWORTHY):
                    notes.append(r["message"])
        row = [_number(points.get((ch, name), 0)) for ch, name, _ in columns]
        total = _number(round(sum(points.get((ch, n), 0) for ch, n, _ in columns), 2))
        writer.writerow([student, *row, total, _number(sum(m for _, _, m in columns)),
                         "; ".join(sorted(set(notes)))])
    return buffer.getvalue()


def _number(value):
    return int(value) if float(value).is_integer() else value


def feedback_text(student, records, extra):
    """The Markdown feedback of one student: each exercise, its points and the messages."""
    total = _number(round(sum(r["points"] for r in records), 2))
    out_of = _number(sum(r["max_points"] for r in records))
    lines = [f"# Feedback for {student}", "", f"**Total: {total} / {out_of}**", ""]
    for notebook in sorted({r["notebook"] for r in records}):
        mine = [r for r in records if r["notebook"] == notebook]
        lines += [f"## {Path(notebook).name}", "", "| exercise | points | message |",
                  "|---|---|---|"]
        for r in mine:
            mark = "✓" if r["passed"] else "✗"
            message = r["message"].replace("|", "\\|").replace("\n", " ")
            lines.append(f"| {mark} {r['exercise'] or '-'} | {_number(r['points'])} / "
                         f"{r['max_points']} | {message} |")
        notes = extra.get(notebook, [])
        if notes:
            lines += ["", "While the notebook ran:", ""] + [f"- {n}" for n in notes]
        lines.append("")
    lines += [("Failed hidden tests are the grader's own cases: their inputs are not shown. "
               "Try edge cases (zeros, negative numbers, other shapes) in your own cells."), ""]
    return "\n".join(lines)


def table(records):
    """A plain-text table of one notebook's records, with the total."""
    width = max([len("exercise"), *(len(r["exercise"]) for r in records)])
    lines = [records[0]["notebook"] if records else "(no exercises)",
             f"  {'exercise':<{width}}  passed  points  message"]
    for r in records:
        points = f"{_number(r['points'])}/{r['max_points']}"
        message = r["message"] if len(r["message"]) <= 70 else r["message"][:67] + "..."
        lines.append(f"  {r['exercise']:<{width}}  {'yes' if r['passed'] else 'no':<6}  "
                     f"{points:<6}  {message}")
    total = _number(round(sum(r["points"] for r in records), 2))
    lines.append(f"  {'total':<{width}}          {total}/{sum(r['max_points'] for r in records)}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# The whole class
# ---------------------------------------------------------------------------

class Grading:
    """One run of ``nnedu grade``: submissions, workers, the gradebook after each student."""

    def __init__(self, course, submissions, timeout, notebook_timeout, jobs, outputs, out):
        self.course, self.submissions = course, submissions
        self.timeout, self.notebook_timeout, self.jobs = timeout, notebook_timeout, jobs
        self.outputs, self.out = outputs, out
        self.running, self.workers = set(), set()
        self.lock = threading.Lock()
        self.sandbox = None

    def total_of(self, chapter):
        """A function name -> number of cases of that check on the answer key (run once)."""
        def total(name):
            if chapter not in self.course.totals:
                solution = self.course.key(chapter)["solution"]
                answer = Submission(KEY_STUDENT, solution, chapter,
                                    Path(solution).read_text(encoding="utf-8"))
                raw = self._run(answer)
                self.course.totals[chapter] = {
                    n: (r.get("record") or {}).get("cases") for n, r in
                    raw.get("results", {}).items()}
            return self.course.totals[chapter].get(name)
        return total

    def _run(self, submission):
        with self.lock:
            self.running.add(id(submission))
        try:
            return run_worker(self.course, submission, self.course.key(submission.chapter),
                              self.timeout, self.notebook_timeout, self.workers, self.sandbox)
        finally:
            with self.lock:
                self.running.discard(id(submission))
                self._end_orphans()

    def _end_orphans(self):
        """Kill what a dead worker left behind: our children that are not workers."""
        _worker.end_descendants(os.getpid(), skip=set(self.workers))

    def run(self):
        todo = [s for s in self.submissions if s.error is None]
        for s in todo:
            self._key_or_error(s)
        todo = [s for s in todo if s.error is None]
        suspects = []
        with ThreadPoolExecutor(max_workers=self.jobs) as pool:
            futures = {pool.submit(self._run, s): s for s in todo}
            tainted = set()
            for future in as_completed(futures):
                submission = futures[future]
                with self.lock:
                    changed = self.course.package.restore()
                    if changed:
                        tainted |= {id(s) for s in todo if id(s) in self.running}
                        suspects.append(submission)
                        self.out(f"the installed nnedu package changed while "
                                 f"{submission.path} ran ({', '.join(changed[:3])}): restored; "
                                 "the notebooks that were running are graded again, one by one")
                        continue
                if id(submission) in tainted:
                    suspects.append(submission)
                    continue
                submission.result = future.result()
                self._finished(submission)
        for submission in suspects:
            submission.result = self._run(submission)
            changed = self.course.package.restore()
            if changed:
                submission.result = dict(submission.result, package_changed=changed)
            self._finished(submission)
        self._finished(None)

    def _key_or_error(self, submission):
        try:
            self.course.key(submission.chapter)
        except ValueError as err:
            submission.error = str(err)

    def _finished(self, submission):
        """Print one line and rewrite the gradebook (atomically) with every student so far."""
        done = [s for s in self.submissions if s.result is not None or s.error is not None]
        graded = [(s, records_of(s, self.course, self.total_of(s.chapter) if s.chapter
                                 else None)) for s in done]
        records = [r for _, rs in graded for r in rs]
        if submission is not None:
            mine = [r for r in records if r["notebook"] == submission.path]
            total = _number(round(sum(r["points"] for r in mine), 2))
            self.out(f"{submission.student}: {total}/{sum(r['max_points'] for r in mine)} "
                     f"({Path(submission.path).name})")
        self.records = records
        columns = []
        for chapter in sorted({s.chapter for s in self.submissions if s.chapter}):
            if chapter in self.course.keys:
                columns += [(chapter, ex["name"], ex["points"])
                            for ex in self.course.keys[chapter]["exercises"]]
        if self.outputs.get("csv"):
            _atomic_write(self.outputs["csv"], gradebook_csv(graded, columns))
        if self.outputs.get("json"):
            _atomic_write(self.outputs["json"], json.dumps(records, indent=2,
                                                           ensure_ascii=False) + "\n")
        if self.outputs.get("feedback"):
            for student in sorted({r["student"] for r in records}):
                extra = {s.path: _notes(s) for s in done if s.student == student}
                text = feedback_text(student, [r for r in records if r["student"] == student],
                                     extra)
                _atomic_write(Path(self.outputs["feedback"]) / f"{_safe(student)}.md", text)


def _notes(submission):
    raw = submission.result or {}
    notes = list(raw.get("notes", []))
    if raw.get("stopped"):
        notes.append(raw["stopped"])
    return notes


def _safe(name):
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name) or "student"


def grade(paths, json_path=None, csv_path=None, timeout=60, notebook_timeout=600, jobs=1,
          feedback_dir=None, root=None, out=print):
    """``nnedu grade``: grade every submission under ``paths``; write the gradebook.

    Returns the exit status: 0 when every notebook was graded (whatever the
    marks), 1 when a file could not be read (it still has its row), 2 when
    the kernel cannot import nnedu (nothing is graded).
    """
    course = Course(find_course(root))
    submissions = collect(paths)
    if not submissions:
        out("nothing to grade: no .ipynb files found")
        return 1
    problem = precheck_kernel()
    if problem:
        out(f"cannot grade: {problem}")
        return 2
    if feedback_dir is None and (csv_path or json_path):
        feedback_dir = Path(csv_path or json_path).parent / "feedback"
    protections = ["submissions read into memory before any ran",
                   ("one worker process and one fresh kernel per notebook, in a private "
                    "temporary folder"),
                   "checks run from private copies loaded before the notebook's cells",
                   "installed nnedu package verified and restored after each notebook"]
    if _worker.become_subreaper():
        protections.append("child subreaper: every process a notebook starts is ended")
    grading = Grading(course, submissions, timeout, notebook_timeout, max(1, jobs),
                      {"csv": csv_path, "json": json_path, "feedback": feedback_dir}, out)
    read_only = _read_only_folders(course, paths, [csv_path, json_path, feedback_dir])
    if _worker.sandbox_works(read_only):
        grading.sandbox = {"read_only": read_only}
        protections.append("each kernel in its own user, PID and mount namespaces (it sees no "
                           "process outside; the course, the package, the submissions and the "
                           "gradebook are read-only to it)")
    start = time.monotonic()
    grading.run()
    if len(submissions) <= 3:
        for s in submissions:
            mine = [r for r in grading.records if r["notebook"] == s.path]
            out(table(mine) if mine else f"{s.path}\n  (no exercises found)")
    out(f"graded {len(submissions)} notebook(s) in {time.monotonic() - start:.1f} s; "
        f"protections: {'; '.join(protections)}")
    return 1 if any(s.error for s in submissions) else 0


def _read_only_folders(course, paths, outputs):
    """The folders a sandboxed kernel may read but not change (no folder inside another)."""
    folders = {course.root.resolve(), course.package.folder.resolve()}
    folders |= {Path(p).resolve() if Path(p).is_dir() else Path(p).resolve().parent
                for p in paths if Path(p).exists()}
    for output in filter(None, outputs):
        folder = Path(output).resolve()
        folder = folder if folder.suffix == "" and folder.is_dir() else folder.parent
        folder.mkdir(parents=True, exist_ok=True)
        folders.add(folder)
    scratch = Path(tempfile.gettempdir()).resolve()      # the kernels' own folders live here
    folders = {f for f in folders if f != scratch and f not in scratch.parents}
    return sorted(str(f) for f in folders
                  if not any(f != g and g in f.parents for g in folders))


def grade_notebook(path, timeout=60, notebook_timeout=600, root=None):
    """Grade one notebook (no gradebook written); its records, one per exercise."""
    course = Course(find_course(root))
    submissions = collect([path])
    grading = Grading(course, submissions, timeout, notebook_timeout, 1, {}, lambda line: None)
    grading.run()
    return grading.records

"""How long each lesson takes to run top to bottom (`make lesson-times`).

Every notebook in notebooks/ (or the paths given) is executed in a fresh kernel with
nbclient, one after the other, and its wall time printed, kernel start included. The
course's budget is 60 s a lesson on 2 cores; a lesson over it is marked. Cells tagged
nbval-skip (the Colab setup cell) are skipped, as nbval does.

    python benchmarks/lesson_times.py [NOTEBOOK ...] [--runs N]
"""

import argparse
import pathlib
import statistics
import sys
import time

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[1]
BUDGET_S = 60.0


def run_once(path):
    """Seconds to execute ``path`` in a fresh kernel (its setup cell left out)."""
    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells if "nbval-skip" not in c.get("metadata", {}).get("tags", [])]
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path)
    parser.add_argument("--runs", type=int, default=1, help="runs per lesson (median shown)")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    over = []
    print(f"{'lesson':<28}{'seconds':>9}  (median of {args.runs}; budget {BUDGET_S:.0f} s)")
    for path in paths:
        seconds = statistics.median(run_once(path) for _ in range(args.runs))
        mark = "  OVER BUDGET" if seconds > BUDGET_S else ""
        print(f"{path.stem:<28}{seconds:>9.1f}{mark}", flush=True)
        if seconds > BUDGET_S:
            over.append(path.stem)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())

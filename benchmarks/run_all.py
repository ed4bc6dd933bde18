"""Run every benchmark (`make bench`) and print one table of the ratios against their targets.

Run: .venv/bin/python benchmarks/run_all.py [--threads T] [--repeat R]

Runs bench_conv.py (convolution and pooling), bench_training.py (one epoch
of the MLP and of the CNN), bench_viz.py (the explorers' redraws) and
bench_backends.py (the CNN epoch on each available array backend), each
in its own process with ``--threads`` BLAS / PyTorch threads (1 by default;
OPENBLAS_NUM_THREADS is set for each process before NumPy loads). Each
prints its own table; every line with a "ratio R.RRx" (nnedu time / PyTorch
time, measured in the same process) is then collected into the summary,
with the target from issue 9 and whether it holds. Targets hold for
float64; float32 ratios are listed as reported. The viz benchmark has no
PyTorch to compare with: its own verdict line is carried over.
"""

import argparse
import os
import pathlib
import re
import subprocess
import sys

HERE = pathlib.Path(__file__).parent
BENCHMARKS = ["bench_conv.py", "bench_training.py", "bench_viz.py", "bench_backends.py"]
TARGETS = {"conv": 1.3, "maxpool": 1.0, "avgpool": 1.0, "MLP": 0.5, "CNN": 1.0}  # by first word
RATIO = re.compile(r"^(?P<name>.+?)\s+nnedu\b.*\bratio\s+(?P<ratio>[0-9.]+)x")
DTYPE = re.compile(r"\bfloat(32|64)\b")


def run(script, args):
    """Run one benchmark with ``args``, echo its output; return (exit code, its lines)."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(args.threads))
    command = [sys.executable, str(HERE / script), "--threads", str(args.threads)]
    if script == "bench_conv.py":
        command += ["--repeat", str(args.repeat)]
    if script == "bench_viz.py":
        command = command[:2]  # it draws pictures: no threads or repeat to set
    print(f"\n=== {script} ===", flush=True)
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    print(result.stdout, end="")
    print(result.stderr, end="", file=sys.stderr)
    return result.returncode, result.stdout.splitlines()


def ratios(lines):
    """(name, dtype, ratio) for every line with a ratio; the dtype is the line's or its header's."""
    found, dtype = [], "float64"
    for line in lines:
        match, named = RATIO.match(line), DTYPE.search(line)
        if match is None:
            dtype = f"float{named.group(1)}" if named else dtype  # a header line
            continue
        name = DTYPE.sub("", match["name"]).strip()  # bench_conv has a dtype column
        found.append((name, f"float{named.group(1)}" if named else dtype, float(match["ratio"])))
    return found


def target(name):
    """The target ratio of a case, from the first word of its name (None: no target)."""
    return TARGETS.get(name.split()[0])


def summary(rows, viz_verdict):
    """The table: case, dtype, ratio, target, verdict; returns the number of missed targets."""
    print("\n=== summary: nnedu time / PyTorch time, measured in the same process ===")
    print(f"{'case':<44}{'dtype':<9}{'ratio':>7}{'target':>9}  verdict")
    missed = 0
    for name, dtype, ratio in rows:
        goal = target(name)
        if goal is None or dtype != "float64":
            verdict, goal_text = "(reported)", "-" if goal is None else f"<={goal}x"
        else:
            verdict, goal_text = ("ok" if ratio <= goal else "MISSED"), f"<={goal}x"
            missed += ratio > goal
        print(f"{name:<44}{dtype:<9}{ratio:>6.2f}x{goal_text:>9}  {verdict}")
    if viz_verdict:
        print(f"{'viz explorers (own targets, no PyTorch)':<44}{'':<25}  {viz_verdict}")
    return missed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="BLAS / PyTorch threads")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per conv case")
    args = parser.parse_args()
    failed, rows, viz_verdict = [], [], None
    for script in BENCHMARKS:
        code, lines = run(script, args)
        if code != 0:
            failed.append(script)
        rows += ratios(lines)
        if script == "bench_viz.py" and lines:
            viz_verdict = lines[-1]
    missed = summary(rows, viz_verdict)
    print(f"{missed} target(s) missed" if missed else "every target holds")
    if failed:
        print(f"failed: {', '.join(failed)}")
        sys.exit(1)


if __name__ == "__main__":
    main()

"""Speed of nnedu's convolution and pooling against PyTorch CPU, as ratios measured in one run.

Run: .venv/bin/python benchmarks/bench_conv.py [--repeat R] [--threads T] [--clock cpu]

For each case (the three convolution shapes of PERF.md, and 2x2 max and
average pooling on (64, 28, 28, 16)) it times forward + backward in nnedu
and in PyTorch, in float64 and in float32, and prints the median of
``--repeat`` runs (3 by default) of each and their ratio nnedu / PyTorch.
One run is a few calls in a row (at least 50 ms), divided by their number;
the two libraries take turns within each round, so a machine that gets
busier or quieter during the run affects both alike: on a shared machine
compare the ratios, not the times. Targets (issue 9, float64): convolution <= 1.3x,
pooling <= 1.0x; float32 is reported beside them.

Both libraries get ONE thread by default (OPENBLAS_NUM_THREADS is set before
NumPy is imported, torch.set_num_threads(1)); ``--threads 2`` gives both two.
``--clock cpu`` measures the CPU time of the running thread instead of the
wall time (steadier on a busy machine; single-threaded only).
PyTorch works channels-first (N, C, H, W), so it gets the same numbers in its
own layout; converting layouts is not timed. Without torch installed, only
nnedu's times are printed.
"""

import argparse
import os
import statistics
import sys
import time

PARSER = argparse.ArgumentParser(description=__doc__.splitlines()[0])
PARSER.add_argument("--repeat", type=int, default=3, help="timed runs per case (median)")
PARSER.add_argument("--threads", type=int, default=1, help="BLAS / PyTorch threads")
PARSER.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                    help="wall time, or the CPU time of this thread (with --threads 1)")
ARGS = PARSER.parse_known_args()[0]
os.environ["OPENBLAS_NUM_THREADS"] = str(ARGS.threads)  # before NumPy loads OpenBLAS

import numpy as np

from nnedu import conv

# (name, input shape N x H x W x C, filters, kernel size, padding)
CONV_CASES = [
    ("conv 64x28x28x1, 8@3x3 same", (64, 28, 28, 1), 8, 3, "same"),
    ("conv 64x14x14x16, 32@3x3 same", (64, 14, 14, 16), 32, 3, "same"),
    ("conv 32x32x32x3, 16@5x5 same", (32, 32, 32, 3), 16, 5, "same"),
]
POOL_CASES = [("maxpool 2x2 on 64x28x28x16", "max", (64, 28, 28, 16), 2),
              ("avgpool 2x2 on 64x28x28x16", "avg", (64, 28, 28, 16), 2)]
TARGETS = {"conv": 1.3, "maxpool": 1.0, "avgpool": 1.0}  # float64, nnedu / PyTorch


def median_times(steps, repeat, clock, min_time=0.05):
    """Median time in seconds of one call of each function in ``steps``, over ``repeat`` runs.

    One run calls a function ``loops`` times in a row and divides (as timeit
    does), with ``loops`` chosen so that a run of the first function lasts at
    least ``min_time``: single calls of a few milliseconds are at the mercy
    of the other processes. The functions take turns within each run (ours,
    then torch's), so a change in the machine's load affects both alike.
    """
    for step in steps:  # warm-up: first calls, caches, thread pools
        step()
    start = clock()
    steps[0]()
    loops = max(1, int(min_time / max(clock() - start, 1e-6)))
    times = [[] for _ in steps]
    for _ in range(repeat):
        for step, record in zip(steps, times):
            start = clock()
            for _ in range(loops):
                step()
            record.append((clock() - start) / loops)
    return [statistics.median(record) for record in times]


def nnedu_conv_step(x, kernel, bias, padding):
    def step():
        y, cache = conv.conv2d_forward(x, kernel, bias, 1, padding)
        conv.conv2d_backward(np.ones_like(y), cache)
    return step


def nnedu_pool_step(kind, x, size):
    forward, backward = {"max": (conv.maxpool_forward, conv.maxpool_backward),
                         "avg": (conv.avgpool_forward, conv.avgpool_backward)}[kind]

    def step():
        y, cache = forward(x, size)
        backward(np.ones_like(y), cache)
    return step


def torch_conv_step(torch, x, kernel, bias, padding):
    xt = torch.tensor(x.transpose(0, 3, 1, 2).copy(), requires_grad=True)
    wt = torch.tensor(kernel.transpose(3, 2, 0, 1).copy(), requires_grad=True)
    bt = torch.tensor(bias, requires_grad=True)

    def step():
        y = torch.nn.functional.conv2d(xt, wt, bt, padding=padding)
        y.backward(torch.ones_like(y))
    return step


def torch_pool_step(torch, kind, x, size):
    xt = torch.tensor(x.transpose(0, 3, 1, 2).copy(), requires_grad=True)
    pool = {"max": torch.nn.functional.max_pool2d, "avg": torch.nn.functional.avg_pool2d}[kind]

    def step():
        y = pool(xt, size)
        y.backward(torch.ones_like(y))
    return step


def load_torch(threads):
    """torch using ``threads`` threads, or None (with a message) when it is not installed."""
    try:
        import torch
    except ImportError:
        print("PyTorch is not installed (pip install 'nnedu[frameworks]'): "
              "printing nnedu's times only.")
        return None
    torch.set_num_threads(threads)
    return torch


def target_of(name):
    """The float64 target ratio of a case, from the first word of its name."""
    return TARGETS[name.split()[0]]


def report(name, dtype, times):
    """One line: nnedu's time, and torch's time, the ratio and the verdict when torch ran."""
    ours = times[0]
    line = f"{name:32s} {dtype:8s} nnedu {ours * 1e3:8.2f} ms"
    if len(times) > 1:
        ratio = ours / times[1]
        verdict = (("ok" if ratio <= target_of(name) else "MISSED")
                   + f" (target <= {target_of(name)}x)") if dtype == "float64" else "(reported)"
        line += f"   torch {times[1] * 1e3:8.2f} ms   ratio {ratio:5.2f}x   {verdict}"
    print(line, flush=True)


def cases(torch, dtype, rng):
    """(name, [nnedu step, torch step]) for every case, inputs of ``dtype``."""
    for name, shape, filters, size, padding in CONV_CASES:
        x = rng.normal(size=shape).astype(dtype)
        kernel = (rng.normal(size=(size, size, shape[3], filters)) * 0.1).astype(dtype)
        bias = rng.normal(size=filters).astype(dtype)
        steps = [nnedu_conv_step(x, kernel, bias, padding)]
        if torch is not None:
            steps.append(torch_conv_step(torch, x, kernel, bias, padding))
        yield name, steps
    for name, kind, shape, size in POOL_CASES:
        x = rng.normal(size=shape).astype(dtype)
        steps = [nnedu_pool_step(kind, x, size)]
        if torch is not None:
            steps.append(torch_pool_step(torch, kind, x, size))
        yield name, steps


def main():
    args = PARSER.parse_args()
    if args.clock == "cpu" and args.threads != 1:
        sys.exit("--clock cpu measures one thread: use it with --threads 1")
    clock = time.thread_time if args.clock == "cpu" else time.perf_counter
    torch = load_torch(args.threads)
    print(f"forward + backward, median of {args.repeat} runs, {args.threads} thread(s) each, "
          f"{args.clock} clock; numpy {np.__version__}"
          + ("" if torch is None else f", torch {torch.__version__}"))
    for dtype in ("float64", "float32"):
        rng = np.random.default_rng(0)
        for name, steps in cases(torch, dtype, rng):
            report(name, dtype, median_times(steps, args.repeat, clock))


if __name__ == "__main__":
    main()

"""Speed of nnedu's convolution and pooling against PyTorch CPU (float64, 2 threads).

Run: .venv/bin/python benchmarks/bench_conv.py [--repeat R] [--threads T]

On a busy machine, single-threaded figures are steadier:
OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_conv.py --threads 1

For each case it prints the median time of forward + backward in nnedu and in
PyTorch, measured in the same run, and their ratio (target: within 3x).
PyTorch works channels-first (N, C, H, W), so it gets the same numbers in its
own layout; converting layouts is not timed. Without torch installed, only
nnedu's times are printed.
"""

import argparse
import statistics
import time

import numpy as np

from nnedu import conv

# (name, input shape N x H x W x C, filters, kernel size, padding)
CONV_CASES = [
    ("conv 64x28x28x1, 8@3x3 same", (64, 28, 28, 1), 8, 3, "same"),
    ("conv 64x14x14x16, 32@3x3 same", (64, 14, 14, 16), 32, 3, "same"),
    ("conv 32x32x32x3, 16@5x5 same", (32, 32, 32, 3), 16, 5, "same"),
]
POOL_CASES = [("maxpool 2x2 on 64x28x28x16", (64, 28, 28, 16), 2)]


def median_times(steps, repeat, warmup=2):
    """Median wall time in seconds of each function in ``steps``, over ``repeat`` rounds.

    The functions take turns within each round (ours, then torch's), so a
    machine that gets busier or quieter during the run affects both alike.
    """
    for _ in range(warmup):
        for step in steps:
            step()
    times = [[] for _ in steps]
    for _ in range(repeat):
        for step, record in zip(steps, times):
            start = time.perf_counter()
            step()
            record.append(time.perf_counter() - start)
    return [statistics.median(record) for record in times]


def nnedu_conv_step(x, kernel, bias, padding):
    def step():
        y, cache = conv.conv2d_forward(x, kernel, bias, 1, padding)
        conv.conv2d_backward(np.ones_like(y), cache)
    return step


def nnedu_pool_step(x, size):
    def step():
        y, cache = conv.maxpool_forward(x, size)
        conv.maxpool_backward(np.ones_like(y), cache)
    return step


def torch_conv_step(torch, x, kernel, bias, padding):
    xt = torch.tensor(x.transpose(0, 3, 1, 2).copy(), requires_grad=True)
    wt = torch.tensor(kernel.transpose(3, 2, 0, 1).copy(), requires_grad=True)
    bt = torch.tensor(bias, requires_grad=True)

    def step():
        y = torch.nn.functional.conv2d(xt, wt, bt, padding=padding)
        y.backward(torch.ones_like(y))
    return step


def torch_pool_step(torch, x, size):
    xt = torch.tensor(x.transpose(0, 3, 1, 2).copy(), requires_grad=True)

    def step():
        y = torch.nn.functional.max_pool2d(xt, size)
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


def report(name, times):
    """One line: nnedu's time, and torch's time and the ratio when torch ran."""
    ours, theirs = times[0], (times[1] if len(times) > 1 else None)
    if theirs is None:
        print(f"{name:34s} nnedu {ours * 1e3:8.2f} ms")
    else:
        print(f"{name:34s} nnedu {ours * 1e3:8.2f} ms   torch {theirs * 1e3:8.2f} ms   "
              f"ratio {ours / theirs:5.2f}x")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="timed runs per case")
    parser.add_argument("--threads", type=int, default=2, help="PyTorch's threads")
    args = parser.parse_args()
    torch = load_torch(args.threads)
    rng = np.random.default_rng(0)
    print(f"forward + backward, float64, median of {args.repeat} runs, "
          f"torch threads: {args.threads}")
    for name, shape, filters, size, padding in CONV_CASES:
        x = rng.normal(size=shape)
        kernel = rng.normal(size=(size, size, shape[3], filters)) * 0.1
        bias = rng.normal(size=filters)
        steps = [nnedu_conv_step(x, kernel, bias, padding)]
        if torch is not None:
            steps.append(torch_conv_step(torch, x, kernel, bias, padding))
        report(name, median_times(steps, args.repeat))
    for name, shape, size in POOL_CASES:
        x = rng.normal(size=shape)
        steps = [nnedu_pool_step(x, size)]
        if torch is not None:
            steps.append(torch_pool_step(torch, x, size))
        report(name, median_times(steps, args.repeat))


if __name__ == "__main__":
    main()

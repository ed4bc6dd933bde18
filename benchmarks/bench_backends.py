"""One epoch of the chapter-10 CNN on every available array backend, against PyTorch.

Run: .venv/bin/python benchmarks/bench_backends.py [--repeat R] [--images N]

For each backend nnedu can use here (NumPy always; CuPy where it imports and finds a
GPU) it times one epoch of ``model.fit`` of the chapter-10 CNN (Conv2D 16 -> pool ->
Conv2D 32 -> pool -> Dense 64 -> Dense 10, batch 32, Adam, float32) on the MNIST
subset, and the same model as a plain PyTorch loop on the same device (CPU for NumPy,
CUDA for CuPy; one thread on the CPU, as numpy's BLAS under OPENBLAS_NUM_THREADS=1).
It prints the median times and the ratio nnedu / PyTorch. A backend
that fails prints why (the GPU path is only as good as its last run on a GPU).
"""

import argparse
import statistics
import time

import numpy as np

from nnedu import backend, config
from nnedu.data import load_mnist_subset


def nnedu_epoch_seconds(x, y, repeat):
    from nnedu.layers import Conv2D, Dense, Flatten, MaxPooling2D
    from nnedu.models import Sequential

    model = Sequential([Conv2D(16, 3, padding="same", activation="relu", input_shape=(28, 28, 1)),
                        MaxPooling2D(2), Conv2D(32, 3, padding="same", activation="relu"),
                        MaxPooling2D(2), Flatten(), Dense(64, activation="relu"),
                        Dense(10, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    xs, ys = backend.xp.asarray(x), backend.xp.asarray(y)
    model.fit(xs[:256], ys[:256], batch_size=32, epochs=1, verbose=0)   # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        model.fit(xs, ys, batch_size=32, epochs=1, verbose=0, shuffle=False)
        _synchronize()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _synchronize():
    if backend.name() == "cupy":
        backend.module().cuda.Device().synchronize()


def torch_epoch_seconds(x, y, repeat, device, threads=1):
    import torch
    from torch import nn

    torch.manual_seed(0)
    if device == "cpu":
        torch.set_num_threads(threads)  # like numpy's BLAS (run_all sets OPENBLAS_NUM_THREADS)
    net = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Linear(32 * 7 * 7, 64), nn.ReLU(),
                        nn.Linear(64, 10)).to(device)
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    xt = torch.tensor(x.transpose(0, 3, 1, 2)).to(device)            # channels first
    yt = torch.tensor(y, dtype=torch.long).to(device)

    def epoch(n):
        for i in range(0, n, 32):
            optimizer.zero_grad()
            loss_fn(net(xt[i:i + 32]), yt[i:i + 32]).backward()
            optimizer.step()
        if device == "cuda":
            torch.cuda.synchronize()

    epoch(256)                                                        # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        epoch(len(xt))
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--images", type=int, default=4000)
    parser.add_argument("--threads", type=int, default=1, help="PyTorch CPU threads")
    args = parser.parse_args(argv)
    (x, y), _ = load_mnist_subset()
    x, y = x[:args.images].astype(np.float32), y[:args.images]
    try:
        import torch
    except ImportError:
        torch = None
    config.set_floatx("float32")
    print(f"one epoch of the chapter-10 CNN, {len(x)} images, batch 32, float32; median of "
          f"{args.repeat}")
    print(f"{'backend':<8}{'device':<8}{'nnedu s':>10}{'PyTorch s':>11}{'ratio':>8}")
    for name in ("numpy", "cupy"):
        try:
            backend.use(name)
        except RuntimeError as err:
            print(f"{name:<8}{'-':<8}  {err}")
            continue
        device = "cuda" if name == "cupy" else "cpu"
        try:
            ours = nnedu_epoch_seconds(x, y, args.repeat)
        except Exception as err:  # noqa: BLE001 - report the failing backend, go on
            print(f"{name:<8}{device:<8}  nnedu failed: {type(err).__name__}: {err}")
            continue
        theirs = torch_epoch_seconds(x, y, args.repeat, device, args.threads) if torch else float("nan")
        print(f"{name:<8}{device:<8}{ours:>10.2f}{theirs:>11.2f}{ours / theirs:>7.2f}x")
    backend.use("numpy")
    config.set_floatx("float64")


if __name__ == "__main__":
    main()

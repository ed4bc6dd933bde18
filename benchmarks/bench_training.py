"""One training epoch in nnedu against PyTorch CPU, same model and batch, float64 and float32.

Run: .venv/bin/python benchmarks/bench_training.py [--repeat R] [--full] [--threads T]
     [--floatx float64,float32] [--cases mlp,cnn]

Two cases, the course's two reference models:
- MLP 64-128-10 (relu, softmax) on the 1,438 training digits, batch 32, Adam;
- CNN Conv2D(16, 3, same, relu) -> MaxPool 2 -> Conv2D(32, 3, same, relu) ->
  MaxPool 2 -> Flatten -> Dense(64, relu) -> Dense(10, softmax) on the 4,000
  MNIST-subset training images, batch 32, Adam.

For each float type (``nnedu.config.set_floatx``; PyTorch gets ``.double()`` or
``.float()``) it prints the median time of one epoch (``model.fit(..., epochs=1)``
against a plain PyTorch loop: shuffle, zero_grad, forward, loss, backward, step)
and the ratio nnedu / PyTorch, the median of the per-round ratios (the two take
turns in each round, so a busy machine slows both). Targets: MLP <= 0.5x, CNN
<= 1.0x. For the MLP it also times the same model written as one plain NumPy
loop: the floor, so the difference is nnedu's own per-batch overhead. With
``--full`` it also trains both models as the tests do (MLP 30 epochs, CNN 8)
and prints the total time and the test accuracy of each framework. PyTorch
runs on 1 thread by default and OpenBLAS should too (OPENBLAS_NUM_THREADS=1),
for steady ratios. Without torch installed, only nnedu's figures are printed.
"""

import argparse
import statistics
import time

import numpy as np

from nnedu import config
from nnedu.data import load_digits, load_mnist_subset
from nnedu.layers import Conv2D, Dense, Flatten, Input, MaxPooling2D
from nnedu.models import Sequential
from nnedu.optimizers import Adam

BATCH_SIZE = 32


# ------------------------------------------------------------------ data and nnedu models


def digits():
    (x_train, y_train), (x_test, y_test) = load_digits(split=True)
    mean, std = x_train.mean(axis=0), x_train.std(axis=0) + 1e-8
    return ((x_train - mean) / std, y_train), ((x_test - mean) / std, y_test)


def mnist():
    (x_train, y_train), (x_test, y_test) = load_mnist_subset()
    return ((x_train.astype(np.float64), y_train), (x_test.astype(np.float64), y_test))


def nnedu_mlp():
    return Sequential([Dense(128, activation="relu", input_shape=(64,), seed=0),
                       Dense(10, activation="softmax", seed=1)])


def nnedu_cnn():
    return Sequential([Input((28, 28, 1)),
                       Conv2D(16, 3, padding="same", activation="relu", seed=0),
                       MaxPooling2D(2),
                       Conv2D(32, 3, padding="same", activation="relu", seed=1),
                       MaxPooling2D(2), Flatten(),
                       Dense(64, activation="relu", seed=2),
                       Dense(10, activation="softmax", seed=3)])


def nnedu_trainer(make_model, x, y):
    """A function that trains a fresh-compiled model for ``epochs`` and returns it.

    No metrics: the PyTorch loop computes none either (the same work on both sides).
    """
    model = make_model()
    model.compile(Adam(learning_rate=1e-3), "sparse_categorical_crossentropy")

    def train(epochs=1):
        model.fit(x, y, batch_size=BATCH_SIZE, epochs=epochs, verbose=0)
        return model
    return train


def numpy_mlp_trainer(x, y):
    """The floor: the same MLP and Adam written as one plain NumPy loop, no library."""
    rng = np.random.default_rng(0)
    limit1, limit2 = np.sqrt(6 / (64 + 128)), np.sqrt(6 / (128 + 10))
    params = [rng.uniform(-limit1, limit1, (64, 128)), np.zeros(128),
              rng.uniform(-limit2, limit2, (128, 10)), np.zeros(10)]
    params = [p.astype(x.dtype) for p in params]
    moments = [[np.zeros_like(p), np.zeros_like(p)] for p in params]
    step = [0]

    def adam(grads, lr=1e-3, b1=0.9, b2=0.999, eps=1e-7):
        step[0] += 1
        alpha = lr * np.sqrt(1 - b2 ** step[0]) / (1 - b1 ** step[0])
        for p, g, (m, v) in zip(params, grads, moments):
            m += (1 - b1) * (g - m)
            v += (1 - b2) * (g * g - v)
            p -= alpha * m / (np.sqrt(v) + eps)

    def train(epochs=1):
        w1, b1, w2, b2 = params
        for _ in range(epochs):
            order = rng.permutation(len(x))
            for start in range(0, len(x), BATCH_SIZE):
                index = order[start:start + BATCH_SIZE]
                xb, yb = x[index], y[index]
                h = np.maximum(xb @ w1 + b1, 0)
                z = h @ w2 + b2
                p = np.exp(z - z.max(axis=1, keepdims=True))
                p /= p.sum(axis=1, keepdims=True)
                p[np.arange(len(yb)), yb] -= 1
                dz = p / len(yb)
                dh = (dz @ w2.T) * (h > 0)
                adam([xb.T @ dh, dh.sum(axis=0), h.T @ dz, dz.sum(axis=0)])
    return train


# ------------------------------------------------------------------ the same in PyTorch


def torch_mlp(torch):
    nn = torch.nn
    return nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))


def torch_cnn(torch):
    nn = torch.nn
    return nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(32 * 7 * 7, 64), nn.ReLU(),
                         nn.Linear(64, 10))


def torch_trainer(torch, make_model, x, y):
    """The plain PyTorch training loop; the softmax is inside CrossEntropyLoss."""
    torch.manual_seed(0)
    model = make_model(torch).to(torch.float64 if x.dtype == np.float64 else torch.float32)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = torch.nn.CrossEntropyLoss()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))

    def train(epochs=1):
        for _ in range(epochs):
            order = torch.randperm(len(xt))
            for start in range(0, len(xt), BATCH_SIZE):
                index = order[start:start + BATCH_SIZE]
                optimizer.zero_grad()
                loss = loss_fn(model(xt[index]), yt[index])
                loss.backward()
                optimizer.step()
        return model
    return train


def torch_accuracy(torch, model, x, y):
    with torch.no_grad():
        predicted = model(torch.from_numpy(x)).argmax(dim=1).numpy()
    return float(np.mean(predicted == y))


# ------------------------------------------------------------------ timing


def median_epoch_times(trainers, repeat):
    """Per trainer, the list of seconds per epoch; they take turns within each round."""
    for train in trainers:
        train(1)  # warm-up: first calls, caches, thread pools
    times = [[] for _ in trainers]
    for _ in range(repeat):
        for train, record in zip(trainers, times):
            start = time.perf_counter()
            train(1)
            record.append(time.perf_counter() - start)
    return times


def cases(torch, dtype, names):
    """(name, nnedu data and model, torch data and model, test data, epochs of a full run)."""
    found = []
    if "mlp" in names:
        (xd, yd), (xt, yt) = digits()
        found.append(("MLP 64-128-10, digits (1,438), 1 epoch", (xd.astype(dtype), yd, nnedu_mlp),
                      (xd.astype(dtype), yd, torch_mlp), (xt.astype(dtype), yt), 30))
    if "cnn" in names:
        (xm, ym), (xt, yt) = mnist()
        xm = xm.astype(dtype)
        xm_torch = None if torch is None else np.ascontiguousarray(xm.transpose(0, 3, 1, 2))
        found.append(("CNN 16c-32c-64d, MNIST (4,000), 1 epoch", (xm, ym, nnedu_cnn),
                      (xm_torch, ym, torch_cnn), (xt.astype(dtype), yt), 8))
    return found


def run_case(torch, name, ours, theirs, repeat):
    """Time one case; returns the ratio nnedu / PyTorch (None without torch)."""
    x, y, make = ours
    trainers = [nnedu_trainer(make, x, y)]
    if torch is not None:
        trainers.append(torch_trainer(torch, theirs[2], theirs[0], theirs[1]))
    if make is nnedu_mlp:
        trainers.append(numpy_mlp_trainer(x, y))
    times = median_epoch_times(trainers, repeat)
    medians = [statistics.median(t) for t in times]
    line = f"{name:<42} nnedu {medians[0] * 1e3:8.1f} ms"
    ratio = None
    if torch is not None:
        ratio = statistics.median(a / b for a, b in zip(times[0], times[1]))
        line += f"   torch {medians[1] * 1e3:8.1f} ms   ratio {ratio:5.2f}x"
    if make is nnedu_mlp:
        line += f"   (plain numpy loop {medians[-1] * 1e3:.1f} ms)"
    print(line, flush=True)
    return ratio


def full_run(torch, name, ours, theirs, test, epochs):
    x, y, make = ours
    start = time.perf_counter()
    model = nnedu_trainer(make, x, y)(epochs)
    seconds = time.perf_counter() - start
    accuracy = float(np.mean(model.predict(test[0], batch_size=250).argmax(axis=1) == test[1]))
    line = f"{name.split(',')[0]} x {epochs} epochs: nnedu {seconds:6.1f} s, {accuracy:.3f}"
    if torch is not None:
        x_test = test[0] if test[0].ndim == 2 else test[0].transpose(0, 3, 1, 2).copy()
        start = time.perf_counter()
        torch_model = torch_trainer(torch, theirs[2], theirs[0], theirs[1])(epochs)
        torch_seconds = time.perf_counter() - start
        torch_acc = torch_accuracy(torch, torch_model, x_test, test[1])
        line += f"   torch {torch_seconds:6.1f} s, {torch_acc:.3f}"
    print(line, flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed epochs per case")
    parser.add_argument("--full", action="store_true", help="also train to the end")
    parser.add_argument("--threads", type=int, default=1,
                        help="PyTorch threads (default 1, as OpenBLAS with "
                             "OPENBLAS_NUM_THREADS=1: steady ratios on a busy machine)")
    parser.add_argument("--floatx", default="float64,float32",
                        help="float types to run, comma-separated")
    parser.add_argument("--cases", default="mlp,cnn", help="cases to run: mlp, cnn")
    args = parser.parse_args()
    try:
        import torch
        torch.set_num_threads(args.threads)
    except ImportError:
        torch = None
        print("torch is not installed (pip install 'nnedu[frameworks]'): nnedu times only")
    for dtype in args.floatx.split(","):
        config.set_floatx(dtype)
        print(f"\n{dtype}: median of {args.repeat} epochs, batch {BATCH_SIZE}, Adam(1e-3)"
              + ("" if torch is None else f", torch threads: {args.threads}"), flush=True)
        for name, ours, theirs, test, epochs in cases(torch, dtype, args.cases.split(",")):
            run_case(torch, name, ours, theirs, args.repeat)
            if args.full:
                full_run(torch, name, ours, theirs, test, epochs)
    config.set_floatx("float64")


if __name__ == "__main__":
    main()

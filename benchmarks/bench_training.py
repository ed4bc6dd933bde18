"""One training epoch in nnedu against PyTorch CPU (float64, 2 threads), same model and batch.

Run: .venv/bin/python benchmarks/bench_training.py [--repeat R] [--full]

Two cases, the course's two reference models:
- MLP 64-128-10 (relu, softmax) on the 1,438 training digits, batch 32, Adam;
- CNN Conv2D(16, 3, same, relu) -> MaxPool 2 -> Conv2D(32, 3, same, relu) ->
  MaxPool 2 -> Flatten -> Dense(64, relu) -> Dense(10, softmax) on the 4,000
  MNIST-subset training images, batch 32, Adam.

For each it prints the median time of one epoch (``model.fit(..., epochs=1)``
against a plain PyTorch loop: shuffle, zero_grad, forward, loss, backward,
step) and the ratio nnedu / PyTorch (targets: MLP within 2x). Both work in
float64 on the same numbers; PyTorch gets the images channels-first. For the
MLP it also times the same model written as one plain NumPy loop: the floor,
so the difference is nnedu's own per-batch overhead. With
``--full`` it also trains both models as the tests do (MLP 30 epochs, CNN 8)
and prints the total time and the test accuracy of each framework.
Without torch installed, only nnedu's figures are printed.
"""

import argparse
import statistics
import time

import numpy as np

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
    """A function that trains a fresh-compiled model for ``epochs`` and returns it."""
    model = make_model()
    model.compile(Adam(learning_rate=1e-3), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])

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
    model = make_model(torch).double()
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
    """Median seconds per epoch of each trainer; they take turns within each round."""
    for train in trainers:
        train(1)  # warm-up: first calls, caches, thread pools
    times = [[] for _ in trainers]
    for _ in range(repeat):
        for train, record in zip(trainers, times):
            start = time.perf_counter()
            train(1)
            record.append(time.perf_counter() - start)
    return [statistics.median(record) for record in times]


def cases(torch):
    """(name, nnedu data and model, torch data and model, epochs of a full run)."""
    (xd, yd), test_d = digits()
    (xm, ym), test_m = mnist()
    xm_torch = None if torch is None else np.ascontiguousarray(xm.transpose(0, 3, 1, 2))
    return [
        ("MLP 64-128-10, digits (1,438), 1 epoch", (xd, yd, nnedu_mlp), (xd, yd, torch_mlp),
         test_d, 30),
        ("CNN 16c-32c-64d, MNIST (4,000), 1 epoch", (xm, ym, nnedu_cnn),
         (xm_torch, ym, torch_cnn), test_m, 8),
    ]


def run_case(torch, name, ours, theirs, repeat):
    x, y, make = ours
    trainers = [nnedu_trainer(make, x, y)]
    if torch is not None:
        trainers.append(torch_trainer(torch, theirs[2], theirs[0], theirs[1]))
    if make is nnedu_mlp:
        trainers.append(numpy_mlp_trainer(x, y))
    times = median_epoch_times(trainers, repeat)
    line = f"{name:<44} nnedu {times[0] * 1e3:9.1f} ms"
    if torch is not None:
        line += f"   torch {times[1] * 1e3:9.1f} ms   ratio {times[0] / times[1]:5.2f}x"
    if make is nnedu_mlp:
        line += f"   (plain numpy loop {times[-1] * 1e3:.1f} ms)"
    print(line, flush=True)


def full_run(torch, name, ours, theirs, test, epochs):
    x, y, make = ours
    start = time.perf_counter()
    model = nnedu_trainer(make, x, y)(epochs)
    seconds = time.perf_counter() - start
    accuracy = model.evaluate(*test, batch_size=250)[1]
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
    parser.add_argument("--threads", type=int, default=2,
                        help="PyTorch threads (default 2; 1 is fairer on a busy machine)")
    args = parser.parse_args()
    try:
        import torch
        torch.set_num_threads(args.threads)
    except ImportError:
        torch = None
        print("torch is not installed (pip install 'nnedu[frameworks]'): nnedu times only")
    print(f"median of {args.repeat} epochs, batch {BATCH_SIZE}, float64, Adam(1e-3)"
          + ("" if torch is None else f", torch threads: {args.threads}"))
    for name, ours, theirs, test, epochs in cases(torch):
        run_case(torch, name, ours, theirs, args.repeat)
        if args.full:
            full_run(torch, name, ours, theirs, test, epochs)


if __name__ == "__main__":
    main()

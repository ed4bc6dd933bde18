"""nnedu.backend: the array module the library computes with, and choosing it."""

import sys
import types

import numpy as np
import pytest

from nnedu import backend


@pytest.fixture(autouse=True)
def _numpy_after_each_test(monkeypatch):
    monkeypatch.setattr(backend, "_announced", False)
    yield
    backend.use("numpy")


def test_xp_hands_every_name_to_the_active_module():
    assert backend.name() == "numpy"
    assert backend.xp.exp is np.exp
    assert isinstance(backend.xp.zeros(3), np.ndarray)


def test_xp_follows_a_switch_made_after_it_was_imported(monkeypatch):
    from nnedu.backend import xp

    stand_in = types.SimpleNamespace(__name__="standin", zeros=lambda n: ["stand-in"] * n)
    monkeypatch.setattr(backend, "_active", stand_in)
    assert xp.zeros(2) == ["stand-in", "stand-in"]
    assert backend.name() == "standin"


def test_auto_without_cupy_picks_numpy_and_says_so_once(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "cupy", None)  # import cupy -> ImportError
    assert backend.use("auto") == "numpy"
    assert backend.use("auto") == "numpy"
    out = capsys.readouterr().out
    assert out.count("nnedu backend:") == 1
    assert "NumPy on the CPU (CuPy is not installed" in out


def test_cupy_without_a_gpu_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", None)
    with pytest.raises(RuntimeError, match="CuPy backend is not available here: CuPy is not"):
        backend.use("cupy")
    assert backend.name() == "numpy"


def test_unknown_backend_is_refused_before_anything_changes():
    with pytest.raises(ValueError, match="'numpy', 'cupy' or 'auto', but got 'torch'"):
        backend.use("torch")
    assert backend.name() == "numpy"


def test_to_numpy_brings_arrays_and_numbers_to_the_host():
    a = np.arange(3.0)
    assert backend.to_numpy(a) is a
    np.testing.assert_array_equal(backend.to_numpy([1, 2]), [1, 2])

    class Device:  # what CuPy arrays offer: .get() copies to the host
        def get(self):
            return np.array([7.0])

    np.testing.assert_array_equal(backend.to_numpy(Device()), [7.0])


def test_xp_fills_in_the_array_api_names_old_numpy_lacks(monkeypatch):
    # NumPy 1.24 (the oldest supported) has no astype, isdtype, concat, permute_dims or
    # unique_values functions; CuPy lacks some too. xp supplies them from the methods.
    old = types.SimpleNamespace(__name__="numpy", concatenate=np.concatenate,
                                transpose=np.transpose, unique=np.unique)
    monkeypatch.setattr(backend, "_active", old)
    xp = backend.xp
    a = np.arange(6).reshape(2, 3)
    assert xp.astype(a, np.float32).dtype == np.float32
    assert xp.astype(a, a.dtype, copy=False) is a
    assert xp.isdtype(a.dtype, ("bool", "integral")) and not xp.isdtype(a.dtype, "real floating")
    assert xp.isdtype(np.dtype(np.float32), "real floating")
    np.testing.assert_array_equal(xp.concat([a, a], axis=1), np.hstack([a, a]))
    np.testing.assert_array_equal(xp.permute_dims(a, (1, 0)), a.T)
    np.testing.assert_array_equal(xp.unique_values(np.array([3, 1, 3])), [1, 3])
    with pytest.raises(AttributeError):
        xp.no_such_function  # noqa: B018 - an unknown name is still an AttributeError


def test_float_dtype_names_the_active_modules_type():
    from nnedu import config

    assert backend.float_dtype() == np.float64
    assert backend.float_dtype("float32") == np.float32
    assert backend.float_dtype(np.float32) == np.float32
    config.set_floatx("float32")
    try:
        assert backend.float_dtype() == np.float32
    finally:
        config.set_floatx("float64")


def test_copy_and_host_rng():
    a = np.arange(3.0)
    b = backend.copy(a)
    b[0] = 5.0
    assert a[0] == 0.0 and b.dtype == a.dtype
    np.testing.assert_array_equal(backend.host_rng(3).random(4), np.random.default_rng(3).random(4))


def test_activate_makes_any_array_module_the_backend():
    strict = pytest.importorskip("array_api_strict")
    backend._activate(strict)
    assert backend.name() == "array_api_strict" and backend.module() is strict
    assert backend.float_dtype() == strict.float64
    assert backend.float_dtype(np.float32) == strict.float32   # a NumPy dtype names its twin
    a = backend.xp.asarray([1.0, 2.0])
    assert type(a) is type(strict.asarray(0.0))
    c = backend.copy(a)
    c[0] = 9.0
    assert float(a[0]) == 1.0
    np.testing.assert_array_equal(backend.to_numpy(a), [1.0, 2.0])
    assert backend.describe() == "array_api_strict on the CPU (a stand-in array library, for tests)"


def test_on_host_computes_with_numpy_inside_and_restores_the_backend(monkeypatch):
    stand_in = types.SimpleNamespace(__name__="standin", zeros=lambda n: ["stand-in"] * n)
    monkeypatch.setattr(backend, "_active", stand_in)
    with backend.on_host():
        assert backend.name() == "numpy" and isinstance(backend.xp.zeros(2), np.ndarray)
    assert backend.module() is stand_in
    with pytest.raises(ZeroDivisionError), backend.on_host():
        raise ZeroDivisionError                                # restored after an error too
    assert backend.module() is stand_in


def test_as_host_floats_gives_numpy_whatever_the_backend():
    from nnedu._validate import as_host_floats

    strict = pytest.importorskip("array_api_strict")
    backend._activate(strict)
    got = as_host_floats([1, 2], "w", ndim=1)
    assert type(got) is np.ndarray and got.dtype == np.float64
    np.testing.assert_array_equal(got, [1.0, 2.0])
    with pytest.raises(ValueError, match="w must be a 1-dimensional array"):
        as_host_floats([[1.0]], "w", ndim=1)

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

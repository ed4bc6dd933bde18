"""`nnedu doctor` names the array backend, and the GPU CuPy could use with its memory."""

import importlib.machinery
import sys
import types

import pytest

from nnedu import backend
from nnedu.course.doctor import collect


def fake_cupy(devices=1, name=b"NVIDIA T4", free=14.5 * 2**30, total=15.0 * 2**30):
    """A module that answers like CuPy on a machine with ``devices`` GPUs."""
    class Device:
        id = 0
        mem_info = (free, total)

        def synchronize(self):
            pass

    runtime = types.SimpleNamespace(getDeviceCount=lambda: devices,
                                    getDeviceProperties=lambda i: {"name": name})
    module = types.ModuleType("cupy")
    module.__spec__ = importlib.machinery.ModuleSpec("cupy", None)
    module.cuda = types.SimpleNamespace(runtime=runtime, Device=Device)
    return module


@pytest.fixture(autouse=True)
def _numpy_afterwards():
    yield
    backend.use("numpy")


def backend_line(monkeypatch, cupy):
    monkeypatch.setitem(sys.modules, "cupy", cupy)
    items = {item.name: item for item in collect(environ={}, probe_gpu=True)}
    return items["backend"]


def test_without_cupy_the_doctor_says_numpy_and_why_no_gpu(monkeypatch):
    item = backend_line(monkeypatch, None)
    assert item.status == "OK"
    assert item.message == ("nnedu computes with NumPy on the CPU; GPU backend: CuPy is not "
                            "installed (pip install cupy-cuda12x on a GPU machine)")


def test_with_a_gpu_the_doctor_names_it_and_its_memory(monkeypatch):
    item = backend_line(monkeypatch, fake_cupy())
    assert item.message == ("nnedu computes with NumPy on the CPU; CuPy can use GPU 0 (NVIDIA "
                            "T4, 14.5 of 15.0 GiB free): nnedu.backend.use('cupy') switches "
                            "to it")


def test_cupy_without_a_device_is_reported_as_such(monkeypatch):
    item = backend_line(monkeypatch, fake_cupy(devices=0))
    assert item.message.endswith("GPU backend: CuPy is installed but finds no GPU")


def test_use_auto_with_a_gpu_picks_cupy_and_says_so(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "cupy", fake_cupy())
    monkeypatch.setattr(backend, "_announced", False)
    assert backend.use("auto") == "cupy"
    assert "nnedu backend: CuPy on GPU 0 (NVIDIA T4, 14.5 of 15.0 GiB free)" in capsys.readouterr().out
    item = {i.name: i for i in collect(environ={}, probe_gpu=True)}["backend"]
    assert item.message == "nnedu computes with CuPy on GPU 0 (NVIDIA T4, 14.5 of 15.0 GiB free)"

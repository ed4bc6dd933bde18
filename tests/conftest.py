"""Shared fixtures, and the stand-in array library for the GPU path.

``NNEDU_ARRAY_BACKEND=array_api_strict pytest tests/test_layers.py`` runs the
tests with nnedu computing in array-api-strict (a strict implementation of the
Python array API, the part of NumPy that CuPy shares) instead of NumPy:
every NumPy-only call on the training path then fails here, on the CPU, and
not on a student's GPU. ``make test`` does that for the layer, loss,
optimizer and training tests. A test of NumPy-only behaviour is marked
``@pytest.mark.numpy_only("why")`` and skipped under the stand-in.
"""

import importlib
import os

import pytest
from hypothesis import settings

from nnedu import backend

STAND_IN = os.environ.get("NNEDU_ARRAY_BACKEND", "").strip()

# In CI the property tests draw the same examples every run (a red CI always means a
# change, never bad luck); locally they explore new examples each time.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def keras(pytestconfig):
    """Keras 3 on PyTorch (the reference for layers, losses and optimizers), or a skip.

    Keras is imported with pytest's output capture switched off: imported inside a
    captured test, it keeps a handle on that test's (later closed) stderr, and a later
    test in the same worker then fails with "I/O operation on closed file".
    """
    os.environ.setdefault("KERAS_BACKEND", "torch")
    capture = pytestconfig.pluginmanager.getplugin("capturemanager")
    try:
        with capture.global_and_fixture_disabled():
            import keras
    except Exception as err:  # noqa: BLE001 - keras absent, or its backend cannot load
        pytest.skip(f"keras is not usable here: {err}")
    if keras.backend.backend() != "torch":
        pytest.skip("keras was already imported with another backend")
    return keras


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "numpy_only(reason): NumPy-specific behaviour, skipped under the stand-in "
                   "array library (NNEDU_ARRAY_BACKEND)")


def stand_in_module():
    """The module NNEDU_ARRAY_BACKEND names (None when unset), or a skip if it is absent."""
    if not STAND_IN:
        return None
    try:
        return importlib.import_module(STAND_IN)
    except ImportError as err:
        pytest.skip(f"NNEDU_ARRAY_BACKEND={STAND_IN} is not installed ({err}); "
                    "pip install array-api-strict to run the stand-in tests")


@pytest.fixture(autouse=True)
def _array_backend(request):
    """Every test computes with the stand-in when NNEDU_ARRAY_BACKEND names one."""
    module = stand_in_module()
    if module is None:
        yield
        return
    marker = request.node.get_closest_marker("numpy_only")
    if marker is not None:
        pytest.skip(f"NumPy only: {marker.args[0] if marker.args else 'NumPy behaviour'}")
    backend._activate(module)
    try:
        yield
    finally:
        backend.use("numpy")


"""Shared fixtures."""

import os

import pytest
from hypothesis import settings

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

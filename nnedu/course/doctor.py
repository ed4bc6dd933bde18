"""``nnedu doctor``: is this environment ready for the course?

One line per item, ``OK`` or ``WARN`` followed by what to do::

    OK   Python 3.11.7
    OK   numpy 2.1.0
    WARN jupyterlab is not installed: run `pip install "nnedu[dev]"` (or `make lab`)
    OK   running locally
    OK   GPU: none found (not needed: every chapter runs on the CPU)

In a notebook: ``from nnedu.course.doctor import report; print(report())``.
Only the GPU probe imports a heavy library (CuPy or PyTorch), and only when
it is installed.
"""

import importlib.util
import os
import re
import sys
from collections import namedtuple
from importlib import metadata

Item = namedtuple("Item", "status name message")   # status: "OK" or "WARN"

# (distribution, lowest version, first version too new or None) as in pyproject.toml
PACKAGES = [("numpy", (1, 24), None), ("matplotlib", (3, 7), None),
            ("ipywidgets", (7, 6), (9,)), ("jupyterlab", (4,), None)]
INSTALL = 'run `pip install "nnedu[dev]"` in the course folder (or `make lab`)'
PLACES = {"colab": "on Google Colab", "kaggle": "on Kaggle", "jupyterlite": "in JupyterLite",
          "local": "locally"}


def collect(environ=os.environ, platform=sys.platform, probe_gpu=True):
    """The doctor's findings as a list of Items (Python, packages, where, GPU, widgets)."""
    where = where_running(environ, platform)
    items = [_python_item()]
    items += [_package_item(name, low, high, where) for name, low, high in PACKAGES]
    items.append(Item("OK", "platform", f"running {PLACES[where]}"))
    if probe_gpu:
        items.append(_gpu_item(where))
        items.append(_backend_item())
    items.append(_widgets_item(where))
    return items


def report(environ=os.environ, platform=sys.platform, probe_gpu=True):
    """The doctor's findings as text, one line per item."""
    return "\n".join(f"{item.status:<4} {item.message}"
                     for item in collect(environ, platform, probe_gpu))


def where_running(environ=os.environ, platform=sys.platform):
    """"colab", "kaggle", "jupyterlite" or "local", from the environment."""
    if "COLAB_RELEASE_TAG" in environ:
        return "colab"
    if "KAGGLE_KERNEL_RUN_TYPE" in environ:
        return "kaggle"
    if platform == "emscripten":
        return "jupyterlite"
    return "local"


def version_of(distribution):
    """The installed version of a distribution, or None when it is absent."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def version_tuple(text):
    """'2.1.0rc1' -> (2, 1, 0): the leading numeric parts of a version string."""
    match = re.match(r"\d+(\.\d+)*", text)
    return tuple(int(part) for part in match.group(0).split(".")) if match else ()


def _python_item():
    version = ".".join(map(str, sys.version_info[:3]))
    if (3, 10) <= sys.version_info[:2] <= (3, 13):
        return Item("OK", "python", f"Python {version}")
    return Item("WARN", "python", f"Python {version}: the course is tested on Python 3.10 to "
                "3.13; create an environment with one of those (`make lab` does)")


def _package_item(name, low, high, where):
    version = version_of(name)
    if version is None:
        if name == "jupyterlab" and where != "local":
            return Item("OK", name, f"jupyterlab not installed (not needed {PLACES[where]})")
        return Item("WARN", name, f"{name} is not installed: {INSTALL}")
    found = version_tuple(version)
    wanted = ".".join(map(str, low)) + (f", < {'.'.join(map(str, high))}" if high else "")
    if found < low or (high and found >= high):
        return Item("WARN", name, f"{name} {version}: the course needs {name} >= {wanted}; "
                    f'run `pip install "{name}>={".".join(map(str, low))}"`')
    return Item("OK", name, f"{name} {version}")


def _gpu_item(where):
    """Whether a GPU is usable, through CuPy or PyTorch if one of them is installed."""
    advice = {"colab": "Runtime -> Change runtime type -> GPU",
              "kaggle": "Settings -> Accelerator -> GPU"}.get(where, "")
    advice = f"; to get one: {advice}" if advice else ""
    if importlib.util.find_spec("cupy") is not None:
        try:
            import cupy

            count = cupy.cuda.runtime.getDeviceCount()
        except Exception as err:  # noqa: BLE001 -- a broken CUDA set-up is reported
            return Item("WARN", "gpu", f"GPU: CuPy is installed but cannot use a GPU ({err})")
        if count:
            return Item("OK", "gpu", f"GPU: {count} device(s) found through CuPy")
    if importlib.util.find_spec("torch") is not None:
        import torch

        if torch.cuda.is_available():
            return Item("OK", "gpu", f"GPU: {torch.cuda.get_device_name(0)} (through PyTorch)")
    return Item("OK", "gpu", f"GPU: none found (not needed: every chapter runs on the CPU)"
                f"{advice}")


def _backend_item():
    """Which array module nnedu computes with, and whether the GPU one could be used."""
    from nnedu import backend

    active = f"nnedu computes with {backend.describe()}"
    if backend.name() == "cupy":
        return Item("OK", "backend", active)
    cupy, why_not = backend.probe_cupy()
    if cupy is None:
        return Item("OK", "backend", f"{active}; GPU backend: {why_not}")
    return Item("OK", "backend", f"{active}; CuPy can use {backend.describe_gpu(cupy)}: "
                                 "nnedu.backend.use('cupy') switches to it")


def _widgets_item(where):
    """Whether the notebook front end can draw ipywidgets (sliders, buttons)."""
    if where in ("colab", "kaggle"):
        return Item("OK", "widgets", f"widgets: drawn by the notebook front end {PLACES[where]}")
    widgets = version_of("ipywidgets")
    lab, classic = version_of("jupyterlab_widgets"), version_of("widgetsnbextension")
    if lab is None and classic is None:
        return Item("WARN", "widgets", "widgets: no front end installed (jupyterlab_widgets), "
                    f"so sliders will not appear: {INSTALL}")
    if widgets and lab and version_tuple(widgets)[:1] == (8,) and version_tuple(lab) < (3,):
        return Item("WARN", "widgets", f"widgets: ipywidgets {widgets} needs jupyterlab_widgets "
                    f'3, found {lab}: run `pip install "jupyterlab_widgets>=3"`')
    found = ", ".join(f"{n} {v}" for n, v in [("jupyterlab_widgets", lab),
                                             ("widgetsnbextension", classic)] if v)
    return Item("OK", "widgets", f"widgets: front end installed ({found})")

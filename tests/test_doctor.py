"""nnedu doctor: where it runs, what is missing, and what it tells the student to do."""

import importlib.util

import pytest

from nnedu.course import doctor
from nnedu.course.cli import main


@pytest.fixture
def local(monkeypatch):
    """A plain local environment: no Colab or Kaggle variables."""
    monkeypatch.delenv("COLAB_RELEASE_TAG", raising=False)
    monkeypatch.delenv("KAGGLE_KERNEL_RUN_TYPE", raising=False)


def by_name(items):
    return {item.name: item for item in items}


def test_detects_colab_kaggle_jupyterlite_and_local(local, monkeypatch):
    assert doctor.where_running() == "local"
    assert doctor.where_running(platform="emscripten") == "jupyterlite"
    monkeypatch.setenv("KAGGLE_KERNEL_RUN_TYPE", "Interactive")
    assert doctor.where_running() == "kaggle"
    monkeypatch.setenv("COLAB_RELEASE_TAG", "release-colab_20251101-060000")
    assert doctor.where_running() == "colab"
    items = by_name(doctor.collect(probe_gpu=False))
    assert items["platform"] == ("OK", "platform", "running on Google Colab")
    assert items["widgets"].status == "OK"


def test_missing_package_is_a_warning_that_says_what_to_do(local, monkeypatch):
    versions = {"numpy": "2.1.0", "matplotlib": "3.7.0", "ipywidgets": "8.1.5",
                "jupyterlab": None, "jupyterlab_widgets": "3.0.13", "widgetsnbextension": None}
    monkeypatch.setattr(doctor, "version_of", versions.get)
    items = by_name(doctor.collect(probe_gpu=False))
    assert items["numpy"] == ("OK", "numpy", "numpy 2.1.0")
    assert items["jupyterlab"].status == "WARN"
    assert items["jupyterlab"].message.startswith("jupyterlab is not installed: run `pip install")
    assert items["widgets"] == ("OK", "widgets",
                                "widgets: front end installed (jupyterlab_widgets 3.0.13)")

    monkeypatch.setenv("KAGGLE_KERNEL_RUN_TYPE", "Batch")  # no JupyterLab needed there
    assert by_name(doctor.collect(probe_gpu=False))["jupyterlab"].status == "OK"


def test_versions_outside_the_supported_range_are_warned(local, monkeypatch):
    versions = {"numpy": "1.21.6", "matplotlib": "3.8.0", "ipywidgets": "9.0.0",
                "jupyterlab": "4.2.0", "jupyterlab_widgets": None, "widgetsnbextension": None}
    monkeypatch.setattr(doctor, "version_of", versions.get)
    items = by_name(doctor.collect(probe_gpu=False))
    assert items["numpy"].message == ('numpy 1.21.6: the course needs numpy >= 1.24; '
                                      'run `pip install "numpy>=1.24"`')
    assert items["ipywidgets"].status == "WARN" and "< 9" in items["ipywidgets"].message
    assert items["matplotlib"].status == "OK"
    assert items["widgets"].status == "WARN"
    assert "sliders will not appear" in items["widgets"].message


def test_no_gpu_library_means_no_gpu_and_says_how_to_get_one(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    monkeypatch.setenv("COLAB_RELEASE_TAG", "x")
    item = by_name(doctor.collect())["gpu"]
    assert item.status == "OK"
    assert item.message == ("GPU: none found (not needed: every chapter runs on the CPU); "
                            "to get one: Runtime -> Change runtime type -> GPU")


def test_version_tuple():
    assert doctor.version_tuple("2.1.0rc1") == (2, 1, 0)
    assert doctor.version_tuple("8.1.5") == (8, 1, 5)
    assert doctor.version_tuple("dev") == ()


def test_report_has_one_ok_or_warn_line_per_item(local, monkeypatch, capsys):
    monkeypatch.setattr(doctor, "_gpu_item", lambda where: doctor.Item("OK", "gpu", "GPU: test"))
    assert main(["doctor"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 9  # Python, 4 packages, platform, GPU, backend, widgets
    assert all(line[:5] in ("OK   ", "WARN ") for line in lines)
    assert "OK   running locally" in lines and "OK   GPU: test" in lines

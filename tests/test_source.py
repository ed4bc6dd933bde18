"""Tests for nnedu._source.show_source: plain text outside notebooks, HTML inside."""

import inspect
import sys
import types

import pytest

from nnedu import _source, data
from nnedu._source import show_source
from nnedu.perceptron import Perceptron


def test_prints_the_exact_source_with_where_it_lives(capsys):
    result = show_source(data.one_hot)
    out = capsys.readouterr().out
    assert result is None
    first_line = inspect.getsourcelines(data.one_hot)[1]
    assert out.splitlines()[0] == f"# nnedu/data.py, line {first_line}"
    assert out.split("\n", 1)[1] == inspect.getsource(data.one_hot)


def test_classes_methods_and_modules(capsys):
    show_source(Perceptron.fit)
    assert "    def fit(self, X, y, epochs=100" in capsys.readouterr().out
    show_source(Perceptron)
    assert "class Perceptron:" in capsys.readouterr().out
    show_source(_source)
    out = capsys.readouterr().out
    assert out.startswith("# nnedu/_source.py, line 1\n")
    assert "def _in_notebook():" in out


def test_code_outside_the_package_folder_gets_its_full_path(capsys):
    import json

    show_source(json.dumps)
    first_line = inspect.getsourcelines(json.dumps)[1]
    header = capsys.readouterr().out.splitlines()[0]
    assert header.startswith("# /") and header.endswith(f"json/__init__.py, line {first_line}")


def test_not_a_notebook_under_pytest():
    assert _source._in_notebook() is False


def test_objects_without_python_source():
    with pytest.raises(TypeError, match=r"<built-in function len>.*has none.*function, class"):
        show_source(len)
    with pytest.raises(TypeError, match="a int"):
        show_source(3)


@pytest.fixture
def fake_notebook(monkeypatch):
    """Pretend to run in a Jupyter kernel and collect what gets displayed."""
    shown = []
    pytest.importorskip("IPython")
    import IPython.display

    monkeypatch.setattr(_source, "_in_notebook", lambda: True)
    monkeypatch.setattr(IPython.display, "display", shown.append)
    return shown


def test_in_a_notebook_shows_highlighted_html(fake_notebook, capsys):
    pytest.importorskip("pygments")
    assert show_source(data.one_hot) is None
    assert capsys.readouterr().out == ""  # nothing printed, only displayed
    (shown,) = fake_notebook
    page = shown._repr_html_() if hasattr(shown, "_repr_html_") else shown.data
    assert "style=" in page and "<span" in page  # colours as inline styles
    assert "one_hot" in page and "# nnedu/data.py" in page


def test_in_a_notebook_without_pygments_a_plain_pre(fake_notebook, monkeypatch):
    monkeypatch.setitem(sys.modules, "pygments", None)  # makes `import pygments` fail
    show_source(data.one_hot)
    page = fake_notebook[0].data
    assert page.startswith("<pre># nnedu/data.py")
    assert "Y[i, y[i]] = 1" in page  # no markup inside
    assert "-&gt;" in page  # "->" in the docstring, escaped


def test_in_notebook_detects_a_kernel(monkeypatch):
    shell = types.SimpleNamespace(kernel=object())
    fake_ipython = types.SimpleNamespace(get_ipython=lambda: shell)
    monkeypatch.setitem(sys.modules, "IPython", fake_ipython)
    assert _source._in_notebook() is True
    shell.kernel = None  # a terminal IPython has no kernel
    assert _source._in_notebook() is False
    fake_ipython.get_ipython = lambda: None  # IPython imported, no shell running
    assert _source._in_notebook() is False

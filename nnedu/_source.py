"""show_source: print the code of a library function, so a lesson shows the real thing.

A lesson calls ``nnedu.show_source(sigmoid)`` instead of pasting a second copy of the
code, so what students read is exactly what runs. In a Jupyter notebook the code is
shown with syntax colours (as HTML); anywhere else it is printed as plain text.
"""

import html
import inspect
import sys
from pathlib import Path


def show_source(obj):
    """Show the source code of a function, class, method or module; return None.

    The code comes with a first line saying where it lives, e.g.
    ``# nnedu/perceptron.py, line 42``. Example: ``show_source(Perceptron.fit)``.
    """
    try:
        lines, first_line = inspect.getsourcelines(obj)
    except TypeError:
        raise TypeError(
            f"show_source shows Python code, but {obj!r} (a {type(obj).__name__}) has none "
            f"that Python can read: pass a function, class, method or module."
        ) from None
    except OSError as err:
        raise OSError(f"The source code of {obj!r} cannot be found ({err}).") from None
    source = "".join(lines)
    caption = f"# {_where(obj)}, line {max(first_line, 1)}"
    if _in_notebook():
        from IPython.display import HTML, display

        display(HTML(_to_html(caption + "\n" + source)))
    else:
        print(caption)
        print(source, end="" if source.endswith("\n") else "\n")


def _in_notebook():
    """True inside a Jupyter kernel (an IPython shell with a kernel), False elsewhere."""
    if "IPython" not in sys.modules:  # never import IPython just to find out
        return False
    shell = sys.modules["IPython"].get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _to_html(code):
    """Python code as HTML: coloured by pygments when it is installed, else a plain <pre>."""
    try:
        from pygments import highlight
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import PythonLexer
    except ImportError:
        return f"<pre>{html.escape(code)}</pre>"
    return highlight(code, PythonLexer(), HtmlFormatter(noclasses=True))  # inline styles


def _where(obj):
    """The file that defines obj: relative to the folder above the package ("nnedu/...")."""
    path = Path(inspect.getsourcefile(obj) or inspect.getfile(obj)).resolve()
    package_parent = Path(__file__).resolve().parents[1]
    try:
        return path.relative_to(package_parent).as_posix()
    except ValueError:  # not part of nnedu
        return path.as_posix()

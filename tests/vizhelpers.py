"""Helpers shared by the headless explorer tests (test_viz_basic.py, test_viz_training.py).

Importing this module selects matplotlib's Agg backend (pictures in memory, no
window), so import it before ``nnedu.viz``. It is a plain module, imported as
``from vizhelpers import ...``: pytest puts tests/ on sys.path because tests/ is
not a package (no __init__.py).
"""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import ipywidgets as widgets
import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from nnedu.viz._base import Explorer

# The explorer test modules set ``pytestmark = list(WARNINGS_AS_ERRORS)``: every warning
# is an error, except two that are not ours to fix.
WARNINGS_AS_ERRORS = [
    pytest.mark.filterwarnings("error"),
    # ipywidgets 7.7.1 (Colab's) with a current ipykernel: a warning about ipykernel's
    # own API, raised whenever any widget is created.
    pytest.mark.filterwarnings("ignore:The `ipykernel.comm.Comm` class has been deprecated"),
    # matplotlib 3.7 (the oldest supported) calls pyparsing APIs that pyparsing 3.3 deprecates.
    pytest.mark.filterwarnings("ignore::DeprecationWarning:matplotlib"),
]


def option_values(control):
    """The values of a selection control, whether its options are values or (label, value)."""
    options = list(control.options)
    return [v for _, v in options] if isinstance(options[0], tuple) else options


def extremes(control, texts=()):
    """The values a control is moved to: the ends of a slider (or selection slider), every
    option of a drop-down or toggle, all / first / last of a multiple selection, the
    other state of a checkbox, and ``texts`` for a text box."""
    if isinstance(control, widgets.SelectMultiple):
        values = option_values(control)
        return [tuple(values), (values[0],), (values[-1],)]
    if isinstance(control, widgets.SelectionSlider):
        values = option_values(control)
        return [values[0], values[-1]]
    if hasattr(control, "options"):
        return option_values(control)
    if isinstance(control, widgets.Text):
        return list(texts)
    if isinstance(control, widgets.Checkbox):
        return [not control.value]
    if isinstance(control, widgets.FloatLogSlider):
        return [control.base ** control.min, control.base ** control.max]
    return [control.min, control.max]


def check_every_control(key, ex, texts=None, picture_only=()):
    """Move each control of explorer ``ex`` to its extremes and back (``texts``: the
    strings for each text box, by control name; ``picture_only``: the names of the
    controls that change only how the result is drawn, not the readout).

    Asserts that each move changes the picture's pixels and the readout, and that
    going back restores the readout and (up to 0.1 % of the pixels) the picture.
    Controls without a value (buttons) and hidden controls (layout.display "none")
    are skipped.
    """
    texts = texts or {}
    assert isinstance(ex, Explorer)
    assert ex.readout and ex.readout == ex.readout_text
    start_pixels = ex.render_rgba()
    for name, control in ex.controls.items():
        if not control.has_trait("value") or isinstance(control, widgets.FileUpload):
            continue  # a button or an upload: their own tests click them
        if control.layout.display == "none":
            continue  # hidden (e.g. the units of a layer the playground does not have)
        start_value, start_readout = control.value, ex.readout
        pixels_changed = readout_changed = False
        for value in extremes(control, texts.get(name, ())):
            if value == start_value:
                continue
            control.value = value
            pixels = ex.render_rgba()
            pixels_changed |= bool(np.any(pixels != start_pixels))
            readout_changed |= ex.readout != start_readout
        control.value = start_value
        assert pixels_changed, f"{key}: moving {name!r} left the picture unchanged"
        assert readout_changed or name in picture_only, \
            f"{key}: moving {name!r} left the readout unchanged"
        assert ex.readout == start_readout, f"{key}: {name!r} back did not restore the readout"
        back = ex.render_rgba()
        assert np.mean(back != start_pixels) < 1e-3, f"{key}: {name!r} back changed the picture"
        start_pixels = back


def check_fast_path_matches_full_draw(ex):
    """The explorer's fast redraw (cached background, animated artists on top) shows the
    same picture (up to 0.1 % of the pixels) as a full draw of its figure."""
    fast = ex.render_rgba()
    ex.figure.canvas.draw()  # what anyone else drawing the figure sees
    full = np.asarray(ex.figure.canvas.buffer_rgba())
    assert np.mean(fast != full) < 1e-3

"""The explorers under ipympl (``%matplotlib widget``): the figure is a live canvas widget.

When a student turns on ipympl, an explorer shows its figure as an ipympl
canvas instead of a PNG, and a control change redraws that canvas in place
(``draw_idle``). The backend is chosen when matplotlib starts, so the check runs
in a fresh Python with MPLBACKEND set, one explorer after another; this test
reads what it reports.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("ipympl")
pytest.importorskip("ipywidgets")

ROOT = Path(__file__).resolve().parents[1]

# name -> (how to make it, the control to move, the value to move it to)
CASES = {
    "perceptron": ("viz.perceptron_explorer()", "learning_rate", 0.1),
    "activation": ("viz.activation_explorer()", "function", "relu"),
    "playground": ("viz.playground(steps=50)", "learning_rate", 0.3),
    "softmax": ("viz.softmax_explorer()", "z0", 3.0),
    "graph": ("viz.graph_explorer()", "a", -1.0),
    "backprop": ("viz.backprop_explorer()", "layers", 5),
    "lr": ("viz.lr_explorer('ravine', ('sgd', 'momentum'))", "learning_rate", 0.05),
    "init": ("viz.init_explorer()", "initializer", "he_normal"),
    "dropout": ("viz.dropout_explorer()", "rate", 0.5),
    "conv": ("viz.conv_explorer()", "stride", 2),
}

SCRIPT = r"""
import json, sys
import numpy as np
import matplotlib
from ipympl.backend_nbagg import Canvas
from nnedu import viz

report = {}
for name, (make, control, value) in json.loads(sys.argv[1]).items():
    ex = eval(make)
    canvas = ex.figure.canvas
    idle = []
    canvas.draw_idle = lambda *a, _f=canvas.draw_idle, **k: (idle.append(1), _f(*a, **k))
    before_pixels, before_readout = ex.render_rgba(), ex.readout
    ex.controls[control].value = value
    report[name] = {
        "backend": matplotlib.get_backend(),
        "canvas_is_ipympl": isinstance(canvas, Canvas),
        "canvas_shown": canvas in ex.widget.children,
        "control_moved": ex.controls[control].value == value,
        "redrawn_in_place": len(idle) >= 1,
        "picture_changed": bool(np.any(ex.render_rgba() != before_pixels)),
        "readout_changed": ex.readout != before_readout,
    }
print(json.dumps(report))
"""


@pytest.fixture(scope="module")
def report():
    env = dict(os.environ, MPLBACKEND="module://ipympl.backend_nbagg",
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    done = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(CASES)], env=env, check=False,
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_explorer_draws_on_a_live_ipympl_canvas_and_redraws_it(report, name):
    got = report[name]
    assert "ipympl" in got["backend"]
    assert got["canvas_is_ipympl"] and got["canvas_shown"], got
    assert got["control_moved"], got
    assert got["redrawn_in_place"] and got["picture_changed"] and got["readout_changed"], got

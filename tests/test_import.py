"""`import nnedu` stays light: no plotting or widget libraries, and fast next to numpy.

Each check runs in a fresh Python (a subprocess), since this test session has long
imported everything.
"""

import json
import subprocess
import sys

HEAVY = ["matplotlib", "ipywidgets", "IPython", "torch", "keras"]


def run_fresh(code):
    """Run code in a new interpreter and return what it printed, parsed as JSON."""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_import_nnedu_does_not_import_plotting_or_widgets():
    loaded = run_fresh(
        "import json, sys\n"
        "import nnedu\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    assert loaded == [], f"`import nnedu` imported {loaded}; only nnedu.viz may."


def test_numpy_only_modules_stay_numpy_only():
    loaded = run_fresh(
        "import json, sys\n"
        "import nnedu.data, nnedu.initializers, nnedu.perceptron, nnedu._source\n"
        "nnedu._source.show_source(nnedu.data.one_hot)\n"  # prints; must not pull in IPython
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    assert loaded == []


def test_import_nnedu_costs_little_more_than_numpy():
    # One fresh interpreter per run: time `import numpy`, then `import nnedu` on top of it
    # (what nnedu adds). The best of 3 runs filters out a busy machine.
    code = (
        "import json, time\n"
        "t0 = time.perf_counter()\n"
        "import numpy\n"
        "t1 = time.perf_counter()\n"
        "import nnedu\n"
        "t2 = time.perf_counter()\n"
        "print(json.dumps([t1 - t0, t2 - t1]))\n"
    )
    runs = [run_fresh(code) for _ in range(3)]
    numpy_time = min(r[0] for r in runs)
    extra = min(r[1] for r in runs)
    assert extra < 0.3, (
        f"`import nnedu` takes {extra:.3f} s on top of numpy ({numpy_time:.3f} s); "
        f"the limit is 0.3 s: import heavy modules lazily."
    )


def test_top_level_names_are_the_submodules_and_shortcuts():
    import nnedu

    assert sorted(nnedu.__all__) == sorted(nnedu._SUBMODULES | set(nnedu._SHORTCUTS))
    assert nnedu.Sequential is nnedu.models.Sequential
    assert nnedu.load_model is nnedu.models.load_model


def test_input_is_keras_input_at_the_top_level():
    import nnedu
    import nnedu.layers

    assert nnedu.Input is nnedu.layers.Input
    assert nnedu.Sequential([nnedu.Input((3,)), nnedu.layers.Dense(2)]).count_params() == 8
    assert nnedu.load_model is nnedu.saving.load_model

"""nnedu.viz.lr.compare_optimizers: several optimizers on one surface, in one picture."""

import numpy as np
from vizhelpers import WARNINGS_AS_ERRORS  # selects the Agg backend first

from nnedu import optimizers, surfaces
from nnedu.viz.lr import compare_optimizers

pytestmark = list(WARNINGS_AS_ERRORS)


def test_compare_draws_every_run_and_labels_divergence():
    runs = {"SGD 0.09": optimizers.SGD(learning_rate=0.09),
            "SGD 0.11": optimizers.SGD(learning_rate=0.11),
            "Adam": optimizers.Adam(learning_rate=0.3)}
    with np.errstate(all="raise"):
        fig, results = compare_optimizers("ravine", runs, steps=100)
    assert set(results) == set(runs)
    # along y, SGD multiplies by 1 - 20 lr: -0.8 (shrinks) for 0.09, -1.2 (grows) for 0.11
    assert results["SGD 0.09"][1] is None
    assert abs(results["SGD 0.09"][0][-1, 1]) < 1e-6
    assert results["SGD 0.11"][1] is not None
    ax, ax_loss = fig.axes
    labels = [t.get_text() for t in ax_loss.get_legend().get_texts()]
    assert labels[1] == f"SGD 0.11: diverged at step {results['SGD 0.11'][1]}"
    assert any("diverged at step" in t.get_text() for t in ax.texts)
    assert len(ax_loss.lines) == 3
    start = surfaces.get("ravine").start
    assert all(np.allclose(points[0], start) for points, _ in results.values())


def test_compare_rejects_bad_runs():
    import pytest

    with pytest.raises(TypeError, match="non-empty dict"):
        compare_optimizers("bowl", [optimizers.SGD(0.1)])
    with pytest.raises(TypeError, match=r"runs\['a'\] must be an nnedu optimizer"):
        compare_optimizers("bowl", {"a": "sgd"})
    with pytest.raises(ValueError, match="steps must be >= 1"):
        compare_optimizers("bowl", {"a": optimizers.SGD(0.1)}, steps=0)

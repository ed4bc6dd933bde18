"""Median redraw time per widget explorer (`make bench`).

Run: .venv/bin/python benchmarks/bench_viz.py [--repeat N]

For each explorer it changes one control N times (going through a list of
values in turn) and times what a notebook pays per change: the observer's
update plus rendering the PNG that the Output widget shows. The learning
rates are all different, so no trajectory comes from the explorer's cache;
switching between two surfaces does reuse each surface's cached background
after the first visit (the "full draw" column is the price of a first visit). Printed beside it, measured in
the same run:
- "full draw": the same figure drawn from scratch (canvas.draw + PNG, CPU time),
  what a redraw would cost without the cached background;
- the floor from PERF.md: a plain 640x480 figure with a 100x100 contour and a
  200-point line, drawn and encoded.
Targets (issue 5): median under 100 ms per change. The explorers that train
(playground, dropout, batch size; issue 11): under 0.5 s per change, measured
with a NEW setting at every change (nothing from their caches), median of
several changes. Explorers whose module is not there yet are skipped.
"""

import argparse
import importlib
import io
import statistics
import time

import matplotlib

matplotlib.use("Agg")

import numpy as np

from nnedu.viz import style

STEP, STEP_NETWORK = "step()", "step()+network"  # not controls: the playground's step button
LEARNING_RATES = tuple(np.geomspace(1e-3, 3e-3, 25))  # all new: nothing comes from a cache
MOMENTA = tuple(np.linspace(0.5, 0.6, 25))
# (explorer, keyword arguments, control changed, values it goes through in turn, target s)
CASES = [
    ("lr_explorer", {}, "learning_rate", LEARNING_RATES, 0.1),
    ("lr_explorer", {"optimizers": ("sgd", "momentum", "nesterov", "adagrad", "adadelta",
                                    "rmsprop", "adam"), "steps": 500}, "learning_rate",
     LEARNING_RATES, 0.1),
    ("lr_explorer", {}, "surface", ("bowl", "ravine"), 0.1),
    # the ravine: the (lr, momentum) map's marker and the loss per eigen-direction move too
    ("lr_explorer", {"surface": "ravine"}, "momentum", MOMENTA, 0.1),
    ("lr_explorer", {"surface": "ravine"}, "steps", tuple(range(51, 100)), 0.1),
    ("activation_explorer", {}, "layers", (10, 20), 0.1),
    ("activation_explorer", {}, "function", ("tanh", "gelu"), 0.1),
    ("softmax_explorer", {}, "z0", (1.0, 2.0), 0.1),
    ("perceptron_explorer", {}, "step", (3, 9), 0.1),
    ("perceptron_explorer", {}, "gate", ("or", "nand"), 0.1),
    ("graph_explorer", {}, "a", (1.0, 2.0), 0.1),
    ("graph_explorer", {"expression": "neuron"}, "w1", (1.0, 2.0), 0.1),
    ("conv_explorer", {}, "step", (5, 30), 0.1),
    ("conv_explorer", {}, "stride", (1, 2), 0.1),
    ("init_explorer", {}, "depth", (5, 10), 0.1),
    # the explorers that train: every value new, so each change trains
    ("playground", {}, "units", (3, 5, 7, 9, 11, 13), 0.5),
    ("playground", {}, "units_2", (3, 5, 7, 9, 11, 13), 0.5),                 # one layer only
    ("playground", {}, "learning_rate", (0.011, 0.021, 0.052, 0.11, 0.21, 0.52), 0.5),
    ("playground", {}, "x1^2", (True,), 0.5),
    ("playground", {}, "batch_size", (1, 2, 5, 10, 20, 50), 0.5),
    ("playground", {"hidden_layers": 6}, "problem", ("regression",), 0.5),
    ("playground", {}, "show_test", (False, True), 0.1),  # drawing only: no training
    ("playground", {}, "discretize", (True, False), 0.1),
    # play / step: train on (10 epochs here) and redraw; with the network picture too
    ("playground", {}, STEP, (None,) * 6, 0.5),
    ("playground", {"hidden_layers": 6}, STEP_NETWORK, (None,) * 6, 0.5),
    ("dropout_explorer", {}, "rate", (0.1, 0.2, 0.3, 0.4, 0.6, 0.7), 0.5),
    ("batch_size_explorer", {}, "learning_rate", (0.051, 0.12, 0.21, 0.31, 0.41, 0.52), 0.5),
    ("batch_size_explorer", {}, "epochs", (2, 6, 7, 8, 9, 10), 0.5),
]
TRAINING = {"playground", "dropout_explorer", "batch_size_explorer"}


def find(name):
    """The explorer function ``name`` from nnedu.viz, or None when its module is absent."""
    viz = importlib.import_module("nnedu.viz")
    try:
        return getattr(viz, name)
    except (ImportError, AttributeError):
        return None


def time_changes(explorer, control, values, repeat):
    """Median wall and CPU seconds of (set control value + render PNG) over ``repeat`` changes.

    The CPU time (this process only) is the steadier figure on a shared machine.
    """
    wall, cpu = [], []
    if control == STEP_NETWORK:
        explorer.show_network.value = True
    for i in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        if control in (STEP, STEP_NETWORK):
            explorer.step()
        else:
            explorer.controls[control].value = values[i % len(values)]
        explorer.render_png()
        if control == STEP_NETWORK:
            explorer.network.figure.savefig(io.BytesIO(), format="png")
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def time_full_draw(figure, repeat):
    """Median CPU seconds to draw ``figure`` from scratch and encode it as PNG."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        figure.canvas.draw()
        figure.savefig(io.BytesIO(), format="png", pil_kwargs={"compress_level": 1})
        times.append(time.process_time() - start)
    return statistics.median(times)


def floor_time(repeat):
    """PERF.md's reference figure: 640x480, a 100x100 contour and a 200-point line."""
    fig, ax = style.new_figure(figsize=(6.4, 4.8))
    fig.set_layout_engine(None)
    x = np.linspace(-2, 2, 100)
    xx, yy = np.meshgrid(x, x)
    ax.contourf(xx, yy, xx**2 + yy**2)
    ax.plot(np.linspace(-2, 2, 200), np.zeros(200))
    return time_full_draw(fig, repeat)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="changes per explorer")
    args = parser.parse_args()
    floor = floor_time(args.repeat)
    print(f"floor (PERF.md figure, full draw + PNG, CPU): {1000 * floor:.0f} ms "
          f"(PERF.md: ~55 ms on a quiet machine)")
    print("medians per change; the verdict uses the CPU time (steady on a shared machine)")
    print(f"{'explorer':<22}{'control':<16}{'wall':>8}{'CPU':>8}{'full draw':>11}"
          f"{'target':>9}  verdict")
    misses = 0
    for name, kwargs, control, values, target in CASES:
        make = find(name)
        if make is None:
            print(f"{name:<22}{control:<16}  skipped (module not present)")
            continue
        repeat = len(values) if name in TRAINING and control not in (STEP, STEP_NETWORK) \
            else args.repeat
        explorer = make(**kwargs)
        wall, cpu = time_changes(explorer, control, values, repeat)
        full = time_full_draw(explorer.figure, min(repeat, 5))
        ok = cpu < target
        misses += not ok
        print(f"{name:<22}{control:<16}{1000 * wall:>6.0f}ms{1000 * cpu:>6.0f}ms"
              f"{1000 * full:>9.0f}ms{1000 * target:>7.0f}ms  {'ok' if ok else 'SLOW'}")
    print(f"{misses} case(s) over target" if misses else "every case within its target")


if __name__ == "__main__":
    main()

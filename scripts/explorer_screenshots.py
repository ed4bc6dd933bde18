"""Draw every explorer in nnedu.viz as a PNG for the README's explorer table.

    python scripts/explorer_screenshots.py [--out docs/explorers] [--only lr conv ...]

Each explorer is made with the arguments below, headless (no browser, no kernel), and
saved with ``render_png()``: exactly the picture a notebook shows under its controls.
The controls themselves are drawn by the browser, so they are not in the pictures.
``--only playground playground_network`` draws just those.
"""

import argparse
import pathlib
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]


def small_cnn():
    """A small CNN on the MNIST subset (about 10 s): what chapter 10 trains, smaller."""
    import nnedu
    from nnedu.layers import Conv2D, Dense, Flatten, MaxPooling2D

    (x, y), (x_test, y_test) = nnedu.data.load_mnist_subset()
    model = nnedu.Sequential([Conv2D(8, 3, activation="relu", input_shape=(28, 28, 1)),
                              MaxPooling2D(2), Conv2D(16, 3, activation="relu"),
                              MaxPooling2D(2), Flatten(), Dense(10, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(x, y, epochs=2, verbose=0, seed=0)
    return model, x_test[:100], y_test[:100]


def playground_network():
    """The playground's "show network" picture: every neuron's heatmap, the weights as lines."""
    from nnedu import viz

    ex = viz.playground("spiral", hidden_layers=3, units=6, activation="tanh",
                        features=["x1", "x2", "x1^2", "x2^2", "sin(pi*x1)", "sin(pi*x2)"])
    ex.show_network.value = True
    return ex.network_png()


def explorers():
    """(file name, what it shows, a function making the explorer)."""
    from nnedu import viz

    return [
        ("perceptron", "01: the perceptron learning a gate", lambda: viz.perceptron_explorer()),
        ("activation", "02: an activation, its derivative, the gradient through n layers",
         lambda: viz.activation_explorer()),
        ("playground", "03: a network learning a 2-D data set", lambda: viz.playground()),
        ("playground_network", "03: the playground's network, a heatmap per neuron",
         playground_network),
        ("softmax", "04: logits, softmax, cross-entropy and p - y",
         lambda: viz.softmax_explorer()),
        ("graph", "05: a computation graph with values and gradients",
         lambda: viz.graph_explorer()),
        ("backprop", "06: a chain of sigmoid units: each layer's gradient, one step right and wrong",
         lambda: viz.backprop_explorer()),
        ("lr", "07: optimizers on a loss surface; on a bowl, the (lr, momentum) map",
         lambda: viz.lr_explorer("ravine", ("sgd", "momentum", "adam"), learning_rate=0.05)),
        ("batch_size", "07: batch sizes on a real training run",
         lambda: viz.batch_size_explorer()),
        ("init", "08: initialization and the activations of each layer",
         lambda: viz.init_explorer()),
        ("dropout", "09: dropout and L2 against overfitting", lambda: viz.dropout_explorer()),
        ("conv", "10: a kernel sliding over an image, with the formula view",
         lambda: viz.conv_explorer()),
        ("cnn", "10: every layer's feature maps of a trained CNN",
         lambda: viz.cnn_explorer(*small_cnn())),
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / "docs" / "explorers")
    parser.add_argument("--only", nargs="+", metavar="NAME",
                        help="draw only these pictures (file names without .png)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    chosen = explorers()
    if args.only:
        unknown = set(args.only) - {name for name, _, _ in chosen}
        if unknown:
            parser.error(f"unknown picture(s) {sorted(unknown)}; choose from "
                         f"{[name for name, _, _ in chosen]}")
        chosen = [entry for entry in chosen if entry[0] in args.only]
    for name, what, make in chosen:
        start = time.perf_counter()
        path = args.out / f"{name}.png"
        picture = make()  # an explorer, or the PNG bytes of a picture of its own
        path.write_bytes(picture if isinstance(picture, bytes) else picture.render_png())
        print(f"{path}  ({what}; {time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main()

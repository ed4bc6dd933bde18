"""The CNN explorer: every layer's feature maps of a trained CNN for one digit (chapter 10).

Top row: the input digit and the predicted probabilities of the ten classes.
Below: one row per convolution or pooling layer, its first six feature maps
(channels) as small images, each scaled to its own range so that a weak map is
still visible. Moving the digit slider runs the chosen test image through the
model (``model.layers[k].forward`` one layer after another, the forward pass of
chapter 03) and redraws every map.

Any trained nnedu Sequential on images (N, H, W, 1) with a softmax output works;
chapter 10's lesson passes the CNN it trained.
"""

import numpy as np

from nnedu.backend import to_numpy
from nnedu.viz import style
from nnedu.viz._base import Explorer, int_slider

MAPS_PER_ROW = 6


def layer_outputs(model, image):
    """[(layer, output)] for one image (H, W, C) run through every layer (training=False).

    Each output is one sample's, as a NumPy array for matplotlib (``to_numpy``: the
    layers compute with the backend, e.g. on the GPU).
    """
    x = image[None, ...]
    outputs = []
    for layer in model.layers:
        x = layer.forward(x, training=False)
        outputs.append((layer, to_numpy(x[0, ...])))
    return outputs


def _is_map(output):
    return output.ndim == 3  # (H, W, C): a stack of feature maps


class CNNExplorer(Explorer):
    """Controls: digit (which test image). Attributes: outputs, probabilities."""

    def __init__(self, model, images, labels, index=0, class_names=None):
        images, labels = to_numpy(images), to_numpy(labels)  # NumPy, for matplotlib
        if images.ndim != 4:
            raise ValueError(f"cnn_explorer expects images of shape (N, H, W, C), but got an "
                             f"array of shape {images.shape}")
        if len(labels) != len(images):
            raise ValueError(f"cnn_explorer got {len(images)} images but {len(labels)} labels")
        self.model, self.images, self.labels = model, images, labels
        sample = layer_outputs(model, images[0])
        self.map_layers = [k for k, (_, out) in enumerate(sample) if _is_map(out)]
        classes = sample[-1][1].shape[-1]
        self.class_names = list(class_names or range(classes))
        controls = {"digit": int_slider(index, 0, len(images) - 1, "test image")}
        self._build_figure(sample, classes)
        super().__init__(controls, self.figure)

    def _build_figure(self, sample, classes):
        rows = 1 + len(self.map_layers)
        fig, axes = style.new_figure(rows, MAPS_PER_ROW, figsize=(7.6, 1.5 + 1.0 * rows),
                                     squeeze=False)
        grid = axes[0, 0].get_gridspec()
        for ax in axes[0]:
            ax.remove()
        self.figure = fig
        top = grid[0, :].subgridspec(1, 2, width_ratios=[1.0, 2.6])  # margins of its own
        ax_in = fig.add_subplot(top[0, 0])
        ax_probs = fig.add_subplot(top[0, 1])
        self.in_image = ax_in.imshow(np.zeros(self.images.shape[1:3]), cmap="gray_r",
                                     vmin=0, vmax=float(self.images.max()) or 1.0)
        ax_in.set_xticks([])
        ax_in.set_yticks([])
        self.in_title = ax_in.text(0.0, 1.04, " ", transform=ax_in.transAxes,
                                   fontsize=style.TEXT_SIZE, va="bottom")
        self.bars = ax_probs.bar(range(classes), np.zeros(classes), color=style.BLUE)
        ax_probs.set_ylim(0, 1)
        ax_probs.set_xticks(range(classes), [str(c) for c in self.class_names])
        style.apply(ax_probs, title="predicted probabilities", xlabel="class",
                    ylabel="probability")
        self.map_images = []
        for row, k in enumerate(self.map_layers, start=1):
            layer, out = sample[k]
            images = []
            for c, ax in enumerate(axes[row]):
                ax.set_xticks([])
                ax.set_yticks([])
                if c >= out.shape[-1]:
                    ax.set_visible(False)
                    continue
                images.append(ax.imshow(np.zeros(out.shape[:2]), cmap="magma", vmin=0, vmax=1))
                if c == 0:
                    ax.set_ylabel(f"{layer.name}\n{out.shape[0]}x{out.shape[1]}x"
                                  f"{out.shape[2]}", fontsize=style.TEXT_SIZE)
            self.map_images.append(images)
        self.animate(self.in_image, self.in_title, *self.bars,
                     *[im for row in self.map_images for im in row])

    def background_key(self):
        return "fixed axes"

    def update(self):
        k = self.controls["digit"].value
        self.outputs = layer_outputs(self.model, self.images[k])
        self.probabilities = np.asarray(self.outputs[-1][1], dtype=float)
        predicted = int(np.argmax(self.probabilities))
        label = int(self.labels[k])
        self.in_image.set_data(self.images[k][:, :, 0])
        verdict = "right" if predicted == label else "WRONG"
        self.in_title.set_text(f"test image {k}: label {self.class_names[label]}, "
                               f"predicted {self.class_names[predicted]} ({verdict})")
        for c, bar in enumerate(self.bars):
            bar.set_height(self.probabilities[c])
            bar.set_color(style.ORANGE if c == label else style.BLUE)
        for row, layer_index in zip(self.map_images, self.map_layers):
            maps = self.outputs[layer_index][1]
            for c, image in enumerate(row):
                fmap = maps[:, :, c]
                low, high = float(fmap.min()), float(fmap.max())
                image.set_data((fmap - low) / (high - low) if high > low else fmap * 0)
        return (f"test image {k}: label {self.class_names[label]}, predicted "
                f"{self.class_names[predicted]} with probability "
                f"{self.probabilities[predicted]:.3f}")


def cnn_explorer(model, images, labels, index=0, class_names=None):
    """Every conv and pooling layer's feature maps of ``model`` for one of ``images``.

    model: a trained nnedu Sequential on images (N, H, W, C) ending in a softmax;
    images (N, H, W, C) and labels (N,): the test images to choose from (a slider);
    index: the first one shown; class_names: labels for the probability bars.
    """
    if not hasattr(model, "layers"):
        raise TypeError(f"cnn_explorer expects an nnedu Sequential, but got "
                        f"{type(model).__name__}")
    return CNNExplorer(model, images, labels, index, class_names)

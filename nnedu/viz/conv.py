"""The convolution explorer: a 3x3 kernel sliding over a small image (chapter 10).

Left: the input, padded with p zeros on each side, with the current 3x3
window outlined. Middle: the kernel. Right: the output feature map, the
pixel the window produces outlined. Below: the output-size arithmetic

    out = floor((n + 2p - f) / s) + 1,   e.g. floor((8 + 2*1 - 3)/1) + 1 = 8

and the formula view: the nine products window * kernel behind the outlined
output pixel and their sum, which is that pixel's value. A stride that does
not fit the padded input exactly is flagged in words (the formula's floor
drops the last rows and columns). Your own picture can be uploaded: it is
turned grey, its dark strokes taken as ink, and shrunk to 8x8.
"""

import functools
import io

import ipywidgets as widgets
import numpy as np
from matplotlib.patches import Rectangle

from nnedu.backend import to_numpy
from nnedu.conv import conv2d_forward, output_size
from nnedu.viz import style
from nnedu.viz._base import Explorer, dropdown, int_slider

KERNELS = {
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
    "edge": [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],
    "vertical edge": [[1, 0, -1], [2, 0, -2], [1, 0, -1]],
    "horizontal edge": [[1, 2, 1], [0, 0, 0], [-1, -2, -1]],
    "blur": [[1 / 9] * 3] * 3,
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "custom": None,  # read from the text box
}
MAX_PADDING = 2
IMAGES = ("digit 0", "digit 3", "digit 7", "square", "diagonal")


@functools.cache
def _digit(label):
    """The first 8x8 image of a digit in nnedu.data's digits, scaled to [0, 1] (cached)."""
    from nnedu.data import load_digits

    X, y = load_digits(return_images=True)
    return X[int(np.argmax(y == label)), :, :, 0] / 16.0


def make_image(name):
    """An 8x8 grey image in [0, 1]: a handwritten digit (nnedu.data) or a simple shape."""
    if name.startswith("digit"):
        return _digit(int(name.split()[1])).copy()
    image = np.zeros((8, 8))
    if name == "square":
        image[2:6, 2:6] = 1.0
    else:
        image[np.arange(8), np.arange(8)] = 1.0
    return image


def image_from_bytes(data, size=8):
    """An uploaded picture (PNG, JPEG, ... bytes) as a (size, size) grey image in [0, 1].

    Dark pixels become ink (1), as in the digits: a pen drawing on white paper
    looks like the shipped digits. The picture is shrunk by averaging blocks.
    """
    from PIL import Image, UnidentifiedImageError

    try:
        picture = Image.open(io.BytesIO(bytes(data))).convert("L")
    except (UnidentifiedImageError, OSError):
        raise ValueError("the uploaded file is not a picture (expected PNG, JPEG, ...)") from None
    grey = np.asarray(picture.resize((size, size), Image.BOX), dtype=float) / 255.0
    return 1.0 - grey


def uploaded_bytes(value):
    """The bytes of the first file in a FileUpload's value (ipywidgets 7 and 8), or None.

    ipywidgets 7 gives {name: {"metadata": ..., "content": bytes}}; ipywidgets 8
    gives a tuple of dicts with "name" and "content" (a memoryview).
    """
    files = list(value.values()) if isinstance(value, dict) else list(value or ())
    return bytes(files[0]["content"]) if files else None


def tiling_note(n, f, p, s):
    """'' when windows of size f with stride s tile the padded input exactly, else why not.

    >>> tiling_note(8, 3, 1, 2)
    ''
    >>> tiling_note(8, 3, 0, 2)[:41]
    'stride 2 does not fit: 8 + 2*0 - 3 = 5 is'
    """
    room = n + 2 * p - f
    if room < 0:
        return f"the {f}x{f} kernel is larger than the padded {n + 2 * p}x{n + 2 * p} input"
    left = room % s
    if left == 0:
        return ""
    return (f"stride {s} does not fit: {n} + 2*{p} - {f} = {room} is not a multiple of {s}, "
            f"so the last {left} row(s) and column(s) are never covered")


def formula(products, i, j):
    """The formula view: 'y[i,j] = a*b + ... ' over the rows of the window, and the sum."""
    rows = [" + ".join(f"{x:5.2f}*{w:5.2f}" for x, w in row) for row in products]
    head = f"y[{i},{j}] = "
    lines = [head + rows[0]] + [" " * (len(head) - 2) + "+ " + r for r in rows[1:]]
    total = sum(x * w for row in products for x, w in row)
    return "\n".join(lines) + f"  = {total:.4g}", total


def parse_kernel(text):
    """Nine numbers (rows split by ';' or new lines) -> a (3, 3) array, or a ValueError."""
    rows = [r.replace(",", " ").split() for r in text.replace("\n", ";").split(";") if r.strip()]
    try:
        kernel = np.array([[float(v) for v in row] for row in rows])
    except ValueError:
        raise ValueError(f"custom kernel: expected numbers, got {text!r}") from None
    if kernel.shape != (3, 3):
        raise ValueError(f"custom kernel: expected 3 rows of 3 numbers, got {text!r}")
    return kernel


class ConvExplorer(Explorer):
    """Controls: image, kernel, custom, stride, padding, step."""

    def __init__(self, image="digit 3", kernel="edge", stride=1, padding=1):
        controls = {
            "image": dropdown(IMAGES, image, "image"),
            "kernel": dropdown(list(KERNELS), kernel, "kernel"),
            "custom": widgets.Text(value="1 0 -1; 1 0 -1; 1 0 -1", description="custom",
                                   continuous_update=False),
            "stride": int_slider(stride, 1, 3, "stride s"),
            "padding": int_slider(padding, 0, MAX_PADDING, "padding p"),
            "step": int_slider(0, 0, 1, "window position"),
            "upload": widgets.FileUpload(accept="image/*", multiple=False,
                                         description="your image"),
        }
        self.uploaded = None
        self._build_figure()
        self._compute(controls)
        super().__init__(controls, self.figure, rows=[["image", "kernel", "custom"],
                                                      ["stride", "padding", "upload"],
                                                      ["step"]])

    def _build_figure(self):
        fig, (ax_in, ax_k, ax_out) = style.new_figure(
            1, 3, figsize=(7.6, 4.4), gridspec_kw={"width_ratios": [1.2, 0.6, 1.2]})
        self.figure, self.ax_in, self.ax_k, self.ax_out = fig, ax_in, ax_k, ax_out
        self.in_image = ax_in.imshow(np.zeros((8, 8)), cmap="gray_r", vmin=0, vmax=1)
        self.k_image = ax_k.imshow(np.zeros((3, 3)), cmap=style.CMAP_DIVERGING)
        self.k_text = [[ax_k.text(j, i, "", ha="center", va="center", fontsize=style.TEXT_SIZE,
                                  bbox={"facecolor": "white", "alpha": 0.7, "lw": 0,
                                        "pad": 1})
                        for j in range(3)] for i in range(3)]
        self.out_image = ax_out.imshow(np.zeros((8, 8)), cmap=style.CMAP_DIVERGING)
        self.border = Rectangle((-0.5, -0.5), 8, 8, fill=False, ec=style.BLUE, lw=1.5, ls="--")
        ax_in.add_patch(self.border)
        self.window = Rectangle((0, 0), 3, 3, fill=False, ec=style.VERMILLION, lw=3)
        self.pixel = Rectangle((0, 0), 1, 1, fill=False, ec=style.VERMILLION, lw=3)
        ax_in.add_patch(self.window)
        ax_out.add_patch(self.pixel)
        self.sum_text = fig.text(0.5, 0.19, "", ha="center", fontsize=style.LABEL_SIZE,
                                 family="monospace")
        self.formula_text = fig.text(0.5, 0.01, "", ha="center", va="bottom",
                                     fontsize=style.TEXT_SIZE, family="monospace")
        for ax, title in ((ax_in, "input (padded)"), (ax_k, "kernel 3x3"), (ax_out, " ")):
            ax.set_title(title, fontsize=style.TITLE_SIZE)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.spines[:].set_visible(False)
        self.out_title = ax_out.text(0.5, 1.0, "", transform=ax_out.transAxes, ha="center",
                                     va="bottom", fontsize=style.TITLE_SIZE)
        most = 8 + 2 * MAX_PADDING  # fixed limits: room for the largest padding and output
        ax_in.set_xlim(-MAX_PADDING - 0.5, most - MAX_PADDING - 0.5)
        ax_in.set_ylim(most - MAX_PADDING - 0.5, -MAX_PADDING - 0.5)
        ax_out.set_xlim(-0.5, most - 3 + 0.5)
        ax_out.set_ylim(most - 3 + 0.5, -0.5)
        fig.get_layout_engine().set(rect=(0, 0.24, 1, 0.76))
        numbers = [text for row in self.k_text for text in row]
        self.animate(self.in_image, self.border, self.k_image, *numbers, self.out_image,
                     self.out_title, self.window, self.pixel, self.sum_text, self.formula_text)

    def _kernel(self, controls):
        preset = controls["kernel"].value
        if preset != "custom":
            return np.array(KERNELS[preset], dtype=float)
        return parse_kernel(controls["custom"].value)

    def _compute(self, controls):
        """Convolve; refresh the images (non-animated) and the step slider's range."""
        try:
            kernel = self._kernel(controls)
            self.error = ""
        except ValueError as err:
            kernel, self.error = np.zeros((3, 3)), str(err)
        s, p = controls["stride"].value, controls["padding"].value
        name = controls["image"].value
        image = self.uploaded if name == "uploaded" else make_image(name)
        padded = np.pad(image, p)
        y, _ = conv2d_forward(padded[None, :, :, None], kernel[:, :, None, None], stride=s)
        out = to_numpy(y[0, :, :, 0])  # computed with the backend, plotted from NumPy
        self.image, self.kernel, self.padded, self.out = image, kernel, padded, out
        n = padded.shape[0]
        self.in_image.set_data(padded)
        self.in_image.set_extent((-p - 0.5, n - p - 0.5, n - p - 0.5, -p - 0.5))
        limit = max(float(np.abs(kernel).max()), 1e-9)
        self.k_image.set_data(kernel)
        self.k_image.set_clim(-limit, limit)
        for i in range(3):
            for j in range(3):
                self.k_text[i][j].set_text(f"{kernel[i, j]:.2g}")
        self._show_output()
        step = controls["step"]
        step.max = self.out.size - 1
        step.value = min(step.value, step.max)

    def _show_output(self):
        out = self.out
        rows, cols = out.shape
        limit = max(float(np.abs(out).max()), 1e-9)
        self.out_image.set_data(out)
        self.out_image.set_clim(-limit, limit)
        self.out_image.set_extent((-0.5, cols - 0.5, rows - 0.5, -0.5))
        self.out_title.set_text(f"output feature map {rows}x{cols}")

    def background_key(self):
        return "fixed axes"  # images, kernel numbers and titles are all animated

    def load_image(self, image):
        """Show ``image`` (an (8, 8) array in [0, 1]) as "uploaded" and select it."""
        self.uploaded = np.clip(np.asarray(image, dtype=float), 0.0, 1.0)
        chooser = self.controls["image"]
        with self.hold():
            if "uploaded" not in chooser.options:
                chooser.options = list(chooser.options) + ["uploaded"]
            chooser.value = "uploaded"
            self._compute(self.controls)
            self._pending = True

    def _on_change(self, change):
        if change["owner"] is self.controls.get("upload"):
            data = uploaded_bytes(change["new"])
            if data is not None:
                try:
                    self.load_image(image_from_bytes(data))
                except ValueError as err:
                    self.error = str(err)
                    self.redraw()
            return
        if change["owner"] is not self.controls["step"]:
            with self.hold():
                self._compute(self.controls)
                self._pending = True
            return
        self.redraw()

    def update(self):
        s, p = self.controls["stride"].value, self.controls["padding"].value
        k = self.controls["step"].value
        i, j = divmod(k, self.out.shape[1])
        self.window.set_xy((j * s - p - 0.5, i * s - p - 0.5))
        self.pixel.set_xy((j - 0.5, i - 0.5))
        value = self.out[i, j]  # = sum(padded[i*s:i*s+3, j*s:j*s+3] * kernel)
        window = self.padded[i * s:i * s + 3, j * s:j * s + 3]
        self.products = window * self.kernel
        text, self.formula_sum = formula(np.stack([window, self.kernel], axis=-1), i, j)
        self.formula_text.set_text(text)
        self.note = tiling_note(8, 3, p, s)
        self.sum_text.set_text(f"{arithmetic(8, 3, p, s)}    y[{i},{j}] = sum(window * kernel) "
                               f"= {value:.3g}" + (f"   ({self.error})" if self.error else "")
                               + (f"\n{self.note}" if self.note else ""))
        name = self.controls["kernel"].value
        flag = f"{self.note}; " if self.note else ""
        return (f"{flag}{name} kernel, stride {s}, padding {p}: output "
                f"{self.out.shape[0]}x{self.out.shape[1]} = {arithmetic(8, 3, p, s)}; "
                f"window {k} at ({i}, {j}): y = {value:.4g}"
                + (f"; {self.error}" if self.error else ""))


def arithmetic(n, f, p, s):
    """The output-size formula with the numbers in: 'floor((8 + 2*1 - 3)/1) + 1 = 8'."""
    return f"floor(({n} + 2*{p} - {f})/{s}) + 1 = {output_size(n, f, padding=p, stride=s)}"


def conv_explorer(image="digit 3", kernel="edge", stride=1, padding=1):
    """Slide a 3x3 kernel over an 8x8 image; see the feature map and the size arithmetic.

    image: one of IMAGES ("digit 0", "digit 3", "digit 7", "square", "diagonal");
    kernel: a preset of KERNELS ("identity", "edge", "vertical edge", "horizontal edge",
    "blur", "sharpen") or "custom" (nine numbers typed in the text box, rows split by ';');
    stride 1 to 3; padding p = 0 to 2 zeros on each side; "your image" uploads a picture.
    The attributes ``products`` (the 3x3 window * kernel) and ``formula_sum`` (their sum)
    are the formula view's numbers; ``note`` says when the stride does not fit.
    """
    return ConvExplorer(image, kernel, stride, padding)

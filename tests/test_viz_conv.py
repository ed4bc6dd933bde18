"""The convolution explorer's formula view, stride check and image upload (issue 16)."""

import io

import numpy as np
import pytest
from PIL import Image

from nnedu import viz
from nnedu.conv import conv2d_forward, output_size
from nnedu.viz.conv import image_from_bytes, make_image, tiling_note, uploaded_bytes


def png_bytes(array):
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="png")
    return buffer.getvalue()


@pytest.mark.parametrize("stride, padding", [(1, 0), (1, 1), (2, 1), (2, 0), (3, 2)])
def test_formula_view_sum_is_the_output_cell_for_every_window(stride, padding):
    ex = viz.conv_explorer("digit 3", kernel="sharpen", stride=stride, padding=padding)
    kernel = np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=float)
    padded = np.pad(make_image("digit 3"), padding)
    y, _ = conv2d_forward(padded[None, :, :, None], kernel[:, :, None, None], stride=stride)
    out = y[0, :, :, 0]
    assert out.shape == (output_size(8 + 2 * padding, 3, stride=stride),) * 2
    for step in range(out.size):
        ex.controls["step"].value = step
        i, j = divmod(step, out.shape[1])
        window = padded[i * stride:i * stride + 3, j * stride:j * stride + 3]
        np.testing.assert_allclose(ex.products, window * kernel)
        assert ex.formula_sum == pytest.approx(out[i, j], abs=1e-12)
        assert ex.formula_text.get_text().endswith(f"= {out[i, j]:.4g}")
        assert ex.formula_text.get_text().startswith(f"y[{i},{j}] = ")


def test_formula_view_shows_nine_products_in_three_rows():
    ex = viz.conv_explorer("square", kernel="identity", stride=1, padding=0)
    ex.controls["step"].value = 1 * 6 + 1            # window at (1, 1): rows 1..3 of the square
    lines = ex.formula_text.get_text().splitlines()
    assert len(lines) == 3 and sum(line.count("*") for line in lines) == 9
    assert ex.formula_sum == 1.0                     # identity: the centre pixel, image[2, 2]


@pytest.mark.parametrize("padding", [0, 1, 2])
@pytest.mark.parametrize("stride", [1, 2, 3])
def test_stride_that_does_not_fit_is_flagged_in_words(stride, padding):
    room = 8 + 2 * padding - 3
    ex = viz.conv_explorer("digit 0", kernel="blur", stride=stride, padding=padding)
    out = output_size(8 + 2 * padding, 3, stride=stride)
    last_covered = (out - 1) * stride + 2            # last padded row a window reaches
    uncovered = 8 + 2 * padding - 1 - last_covered
    assert uncovered == room % stride
    if uncovered:
        assert ex.note == tiling_note(8, 3, padding, stride) != ""
        assert f"the last {uncovered} row(s) and column(s) are never covered" in ex.note
        assert ex.readout.startswith(f"stride {stride} does not fit")
    else:
        assert ex.note == "" and not ex.readout.startswith("stride")


def test_uploaded_picture_becomes_an_8x8_ink_image():
    picture = np.full((40, 40), 255, np.uint8)      # white paper
    picture[:, 15:25] = 0                            # a black vertical stroke
    image = image_from_bytes(png_bytes(picture))
    assert image.shape == (8, 8)
    np.testing.assert_allclose(image[:, 3:5], 1.0)   # ink where the stroke is
    np.testing.assert_allclose(image[:, :3], 0.0)    # paper elsewhere
    np.testing.assert_allclose(image[:, 5:], 0.0)
    with pytest.raises(ValueError, match="not a picture"):
        image_from_bytes(b"not an image")


def test_upload_value_of_ipywidgets_7_and_8():
    content = png_bytes(np.zeros((8, 8), np.uint8))
    seven = {"a.png": {"metadata": {"name": "a.png"}, "content": content}}
    eight = ({"name": "a.png", "content": memoryview(content)},)
    assert uploaded_bytes(seven) == content == uploaded_bytes(eight)
    assert uploaded_bytes({}) is None and uploaded_bytes(()) is None


def test_upload_selects_the_picture_and_convolves_it():
    ex = viz.conv_explorer("digit 3", kernel="identity", stride=1, padding=0)
    picture = np.full((16, 16), 255, np.uint8)
    picture[4:12, 4:12] = 0                          # a black square in the middle
    upload = ex.controls["upload"]
    ex._on_change({"owner": upload, "new": {"sq.png": {"content": png_bytes(picture)}}})
    assert ex.controls["image"].value == "uploaded"
    expected = image_from_bytes(png_bytes(picture))
    np.testing.assert_allclose(ex.out, expected[1:-1, 1:-1])   # identity kernel, valid
    ex._on_change({"owner": upload, "new": {"x.txt": {"content": b"hello"}}})
    assert "not a picture" in ex.readout

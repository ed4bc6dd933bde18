"""cnn_explorer: every layer's feature maps and the probabilities, equal to the model's own."""

import numpy as np
import pytest

import nnedu
from nnedu import viz
from nnedu.data import load_digits
from nnedu.layers import Conv2D, Dense, Flatten, MaxPooling2D


@pytest.fixture(scope="module")
def digits_cnn():
    images, labels = load_digits(return_images=True)
    images = images / 16.0
    model = nnedu.Sequential([Conv2D(4, 3, padding="same", activation="relu",
                                     input_shape=(8, 8, 1)),
                              MaxPooling2D(2), Conv2D(8, 3, activation="relu"), Flatten(),
                              Dense(10, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(images[:600], labels[:600], epochs=5, verbose=0, seed=0)
    return model, images[600:640], labels[600:640]


def test_maps_and_probabilities_are_the_models_own(digits_cnn):
    model, images, labels = digits_cnn
    ex = viz.cnn_explorer(model, images, labels, index=3)
    assert [k for k in ex.map_layers] == [0, 1, 2]            # conv, pool, conv: maps
    assert len(ex.map_images[0]) == 4 and len(ex.map_images[2]) == 6  # at most 6 shown
    for k in (3, 17, 39):
        ex.controls["digit"].value = k
        np.testing.assert_allclose(ex.probabilities, model.predict(images[k:k + 1])[0],
                                   atol=1e-12)
        x = images[k:k + 1]
        for index, (layer, out) in enumerate(ex.outputs):
            x = model.layers[index].forward(x)
            np.testing.assert_allclose(out, x[0])
        predicted = int(np.argmax(ex.probabilities))
        assert ex.readout == (f"test image {k}: label {labels[k]}, predicted {predicted} "
                              f"with probability {ex.probabilities[predicted]:.3f}")
        heights = [bar.get_height() for bar in ex.bars]
        np.testing.assert_allclose(heights, ex.probabilities)
        first_map = ex.outputs[0][1][:, :, 0]
        shown = ex.map_images[0][0].get_array()
        if first_map.max() > first_map.min():                  # each map scaled to [0, 1]
            np.testing.assert_allclose(shown, (first_map - first_map.min())
                                       / (first_map.max() - first_map.min()))


def test_moving_the_slider_changes_the_picture(digits_cnn):
    model, images, labels = digits_cnn
    ex = viz.cnn_explorer(model, images, labels)
    before = ex.render_rgba()
    ex.controls["digit"].value = 5
    assert not np.array_equal(before, ex.render_rgba())
    ex.controls["digit"].value = 0
    np.testing.assert_array_equal(before, ex.render_rgba())


def test_bad_arguments_are_explained(digits_cnn):
    model, images, labels = digits_cnn
    with pytest.raises(ValueError, match=r"images of shape \(N, H, W, C\), but got .*\(40, 64\)"):
        viz.cnn_explorer(model, images.reshape(40, 64), labels)
    with pytest.raises(ValueError, match="40 images but 3 labels"):
        viz.cnn_explorer(model, images, labels[:3])
    with pytest.raises(TypeError, match="expects an nnedu Sequential, but got ndarray"):
        viz.cnn_explorer(images, images, labels)

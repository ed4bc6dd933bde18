"""The worked example of COURSE.md chapter 06, reproduced with nnedu's layers and model.

A chain x -> 1 -> 1 -> 1 of sigmoid units, every weight 1.0, every bias -0.5,
x = 0.5, y = 1, loss 1/2 (y - a)^2, learning rate 0.1. Every pre-activation
is 0 and every activation 0.5; dL/da_out = a_out - y = -0.5.
"""

import numpy as np
import pytest

from nnedu.layers import Dense
from nnedu.losses import Loss
from nnedu.models import Sequential
from nnedu.optimizers import SGD

GRADIENTS = {  # layer index -> (dL/dW, dL/db), from the course text
    2: (-0.0625, -0.125),
    1: (-0.015625, -0.03125),
    0: (-0.00390625, -0.0078125),
}
UPDATED = {  # layer index -> (W, b) after one step of SGD(0.1)
    2: (1.00625, -0.4875),
    1: (1.0015625, -0.496875),
    0: (1.000390625, -0.49921875),
}
X = np.array([[0.5]])
Y = np.array([[1.0]])


class HalfSquaredError(Loss):
    """L = 1/2 (y - a)^2 summed over the outputs, averaged over the batch; dL/da = (a - y) / N."""

    name = "half_squared_error"

    def loss(self, y_true, y_pred):
        return float(0.5 * np.sum((y_true - y_pred) ** 2) / len(y_pred))

    def gradient(self, y_true, y_pred):
        return (y_pred - y_true) / len(y_pred)


def chain():
    model = Sequential([Dense(1, activation="sigmoid", input_shape=(1,)),
                        Dense(1, activation="sigmoid"),
                        Dense(1, activation="sigmoid")])
    model.set_weights([np.array([[1.0]]), np.array([-0.5])] * 3)
    return model


def test_forward_every_activation_is_one_half():
    model = chain()
    a = X
    for layer in model.layers:
        a = layer.forward(a)
        assert a[0, 0] == 0.5
    assert model.forward(X)[0, 0] == 0.5


def test_backward_gives_the_gradients_of_the_text():
    model = chain()
    a_out = model.forward(X, training=True)
    model.backward(a_out - Y)  # dL/da_out for L = 1/2 (y - a)^2, with the correct sign
    for i, (dw, db) in GRADIENTS.items():
        assert model.layers[i].grads["kernel"][0, 0] == pytest.approx(dw, abs=1e-12)
        assert model.layers[i].grads["bias"][0] == pytest.approx(db, abs=1e-12)


def test_one_sgd_step_gives_the_updated_weights():
    model = chain()
    model.compile(optimizer=SGD(learning_rate=0.1), loss=HalfSquaredError())
    loss = model.train_on_batch(X, Y)
    assert loss == pytest.approx(0.5 * 0.5 ** 2, abs=1e-15)  # the loss BEFORE the step
    for i, (w, b) in UPDATED.items():
        assert model.layers[i].params["kernel"][0, 0] == pytest.approx(w, abs=1e-12)
        assert model.layers[i].params["bias"][0] == pytest.approx(b, abs=1e-12)


def test_the_correct_step_lowers_the_loss_and_the_wrong_sign_raises_it():
    right, wrong = chain(), chain()
    before = 0.5 * (1 - right.forward(X)[0, 0]) ** 2
    for model, sign in ((right, 1.0), (wrong, -1.0)):
        a_out = model.forward(X, training=True)
        model.backward(sign * (a_out - Y))  # the wrong notes use y - a
        for layer in model.layers:
            SGD(learning_rate=0.1).step(list(layer.params.values()),
                                        [layer.grads[k] for k in layer.params])
    assert 0.5 * (1 - right.forward(X)[0, 0]) ** 2 < before
    assert 0.5 * (1 - wrong.forward(X)[0, 0]) ** 2 > before


def test_gradients_shrink_by_a_quarter_per_layer():
    # sigmoid'(0) = 0.25 and every weight is 1: each layer further from the output
    # gets a quarter of the gradient of the layer after it
    model = chain()
    model.backward(model.forward(X, training=True) - Y)
    db = [layer.grads["bias"][0] for layer in model.layers]
    assert db[0] / db[1] == pytest.approx(0.25, abs=1e-15)
    assert db[1] / db[2] == pytest.approx(0.25, abs=1e-15)

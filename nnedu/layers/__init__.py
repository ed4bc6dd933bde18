"""Layers: the building blocks of a network, each a forward/backward pair.

Laid out as in Keras, one module per kind of layer, each opening with its idea:

    core            Dense, Activation, Flatten
    convolutional   Conv2D
    pooling         MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D
    normalization   BatchNormalization
    regularization  Dropout
    base            Layer (what every layer shares), Input, the layer names

Import them from here: ``from nnedu.layers import Dense, Conv2D``.

What every layer has (the contract the model and the optimizers rely on):

- ``name``: unique and Keras-like ("dense", "dense_1", "conv2d", ...);
- ``trainable``: a frozen layer (False) is skipped by the optimizer (its
  backward still fills ``grads`` and returns dx, so the layers below it learn);
- ``build(input_shape)``: creates the weights for that input shape, in the
  float type ``nnedu.config.floatx()`` (``dtype``); ``built``, ``input_shape``
  and ``output_shape`` say what was built;
- ``params``: dict name -> array of the TRAINABLE weights ("kernel", "bias",
  "gamma", "beta"); ``state``: the non-trainable arrays (BatchNormalization's
  moving averages); ``grads``: same keys as ``params``, filled by ``backward``;
  ``weights``: the arrays themselves in Keras' order;
- ``forward(x, training=False) -> y`` and ``backward(dy) -> dx``: backward
  uses what the last forward call cached, and returns dL/dx given dL/dy;
  ``backward_from_preactivation(dz)`` skips the fused activation;
- ``get_weights()`` / ``set_weights(list)`` in Keras' order;
- ``count_params()``, ``count_trainable_params()``, ``count_non_trainable_params()``;
- ``get_config()`` and ``layer_from_config(class_name, config)`` to rebuild it;
- ``regularization_loss()`` (the penalty the layer adds to the loss) and
  ``apply_constraints()`` (called by the model after each optimizer step).

Numbers: an input whose float type differs from the layer's weights is cast
once, at the top of forward, to the weights' type. A forward checks only what
is cheap (the type and the shape); the data's nan/inf scan happens once, at
the model's boundary (fit, evaluate, predict).

Regularization: when a layer has a ``kernel_regularizer``, ``backward`` ADDS
the penalty's gradient to ``grads["kernel"]``, and the model adds
``regularization_loss()`` to the loss it reports. Biases are not penalized.
"""

from nnedu.layers.base import Input, Layer, reset_names, softmax_backward, unique_name
from nnedu.layers.convolutional import Conv2D
from nnedu.layers.core import Activation, Dense, Flatten
from nnedu.layers.normalization import BatchNormalization
from nnedu.layers.pooling import (
    AveragePooling2D,
    GlobalAveragePooling2D,
    GlobalMaxPooling2D,
    MaxPooling2D,
)
from nnedu.layers.regularization import Dropout

__all__ = [
    "LAYERS",
    "Activation",
    "AveragePooling2D",
    "BatchNormalization",
    "Conv2D",
    "Dense",
    "Dropout",
    "Flatten",
    "GlobalAveragePooling2D",
    "GlobalMaxPooling2D",
    "Input",
    "Layer",
    "MaxPooling2D",
    "layer_from_config",
    "reset_names",
    "softmax_backward",
    "unique_name",
]

LAYERS = {cls.__name__: cls for cls in (
    Input, Dense, Activation, Flatten, Conv2D, MaxPooling2D, AveragePooling2D,
    GlobalAveragePooling2D, GlobalMaxPooling2D, BatchNormalization, Dropout)}


def layer_from_config(class_name, config):
    """Rebuild a layer from its class name and ``get_config()`` dict (used by load_model).

    >>> layer_from_config("Dense", Dense(4, input_shape=(3,)).get_config()).output_shape
    (4,)
    """
    if class_name not in LAYERS:
        raise ValueError(f"unknown layer class {class_name!r}; known layers: "
                         f"{', '.join(LAYERS)}")
    config = dict(config)
    trainable = config.pop("trainable", True)
    layer = LAYERS[class_name](**config)
    layer.trainable = trainable
    return layer

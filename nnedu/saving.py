"""Saving and loading models: the architecture as JSON and the weights as arrays, in one file.

    model.save("final_model.keras")              # writes exactly that file
    model = nnedu.load_model("final_model.keras")
    model.save_weights("digits.weights.npz")     # the weights only
    other.load_weights("digits.weights.npz")     # into a model of the same layers

The file is a compressed NumPy archive (.npz, a zip file) whatever its name:
an entry "architecture" (JSON: the layers' configs, the input shape, the
compile settings) and one entry per weight array, in ``get_weights()``
order. No pickle: loading never runs code from the file. The optimizer's
state is not saved (a loaded model starts its optimizer afresh).
"""

import json
import zipfile
import zlib

import numpy as np

from nnedu import layers as layers_module
from nnedu import losses as losses_module
from nnedu import optimizers as optimizers_module
from nnedu.backend import to_numpy

FORMAT = "nnedu.Sequential"
WEIGHTS_FORMAT = "nnedu.weights"
FORMAT_VERSION = 1


def save(model, path):
    """Write ``model`` (architecture, weights, compile settings) to the file ``path``."""
    _require_built(model, "save()")
    weights = model.get_weights()
    architecture = {
        "format": FORMAT, "version": FORMAT_VERSION, "name": model.name,
        "input_shape": list(model.input_shape), "n_weights": len(weights),
        "layers": [{"class_name": type(layer).__name__, "config": layer.get_config()}
                   for layer in model.layers],
        "compile": compile_config(model),
    }
    _write(path, architecture, weights)


def load_model(path):
    """Load a model written by ``save``: same layers, same weights, same compile settings.

    Raises ValueError naming the file when it is truncated, corrupt or not
    an nnedu model (FileNotFoundError when it does not exist).
    """
    from nnedu.models import Sequential  # here: models imports this module

    architecture, weights = _read(path, FORMAT)
    layers = [layers_module.layer_from_config(entry["class_name"], entry["config"])
              for entry in architecture["layers"]]
    model = Sequential(layers, name=architecture["name"])
    if not model.built:
        model.build(tuple(architecture["input_shape"]))
    model.set_weights(weights)
    settings = architecture.get("compile")
    if settings:
        optimizer = optimizers_module.OPTIMIZERS[settings["optimizer"].lower()](
            **settings["optimizer_config"])
        model.compile(optimizer, settings["loss"], settings["metrics"])
    return model


def save_weights(model, path):
    """Write the model's weights (``get_weights()`` order) to the file ``path``."""
    _require_built(model, "save_weights()")
    weights = model.get_weights()
    _write(path, {"format": WEIGHTS_FORMAT, "version": FORMAT_VERSION,
                  "n_weights": len(weights), "shapes": [list(w.shape) for w in weights]},
           weights)


def load_weights(model, path):
    """Set the model's weights from a file written by ``save_weights`` (or ``save``)."""
    _, weights = _read(path, WEIGHTS_FORMAT, FORMAT)
    model.set_weights(weights)


def compile_config(model):
    """The compile settings as JSON, when they are built-in names and plain numbers; else None."""
    if model.optimizer is None or model.loss is None:
        return None
    optimizer, loss = type(model.optimizer), type(model.loss).__name__
    config = model.optimizer.get_config()
    plain = all(isinstance(v, (int, float, bool)) for v in config.values())
    if optimizer not in optimizers_module.OPTIMIZERS.values() or not plain \
            or loss not in losses_module.LOSSES:
        return None  # e.g. a learning-rate schedule or a loss of one's own: not saved
    return {"optimizer": optimizer.__name__, "optimizer_config": config, "loss": loss,
            "metrics": list(model.metrics)}


def _require_built(model, what):
    if not model.built:
        raise ValueError(f"{what}: model '{model.name}' has no weights yet; build it first "
                         "(an Input, an input_shape, or fit/predict on data)")


def _write(path, header, weights):
    """One .npz archive at exactly ``path`` (np.savez alone would append ".npz")."""
    arrays = {f"weight_{i}": to_numpy(w) for i, w in enumerate(weights)}  # host arrays
    with open(path, "wb") as file:
        np.savez_compressed(file, architecture=np.array(json.dumps(header)), **arrays)


def _read(path, *formats):
    """(header dict, list of weight arrays) from a file of one of ``formats``, or a ValueError."""
    try:
        with np.load(path, allow_pickle=False) as data:
            header = json.loads(str(data["architecture"]))
            if header.get("format") not in formats:
                raise ValueError(f"its format is {header.get('format')!r}")
            weights = [data[f"weight_{i}"] for i in range(header["n_weights"])]
    except FileNotFoundError:
        raise
    except (OSError, ValueError, KeyError, TypeError, AttributeError, EOFError,
            zipfile.BadZipFile, zlib.error) as err:
        what = "a model saved by nnedu's model.save()" if formats[0] == FORMAT else \
            "a weights file saved by nnedu's model.save_weights()"
        raise ValueError(f"{path} is not {what}, or the file is truncated or damaged "
                         f"({type(err).__name__}: {err})") from None
    return header, weights

"""Checks for chapter 11, from scratch to frameworks.

Five exercises, easy to hard:

- ``linear_to_dense(weight, bias)``: a PyTorch ``nn.Linear`` weight (units, inputs) and
  bias (units,) -> ``[kernel, bias]`` for an nnedu/Keras Dense, kernel (inputs, units);
- ``conv_to_keras(weight)``: a PyTorch ``nn.Conv2d`` weight (filters, channels, kh, kw)
  -> the Keras/nnedu Conv2D kernel (kh, kw, channels, filters);
- ``to_channels_last(images)``: a PyTorch batch (N, C, H, W) -> (N, H, W, C);
- ``bottleneck_features(model, x)``: the outputs of every layer but the last, in
  inference mode, for the batch x;
- ``transfer(trained, x_new, y_new, num_classes)``: a new model of the trained model's
  layers but the last, frozen, with a new softmax head, trained on the new task.

The layout mistakes these checks name are the ones that cost hours in practice: a
reshape where a transpose is needed gives an array of the right shape holding the
wrong numbers.
"""

import numpy as np

from nnedu.checks._core import (
    CheckFailed,
    call,
    diagnose,
    exercise,
    expect_close,
    expect_true,
    expect_unchanged,
)

# ---------------------------------------------------------------------------
# Exercise 1: nn.Linear -> Dense
# ---------------------------------------------------------------------------


def _unchanged(name, before, after):
    """Fail when the student's function changed one of its input arrays in place."""
    expect_unchanged({name: before}, {name: after},
                     hint="leave the inputs as they are and return new arrays.")


def _pair(got):
    """``got`` as a (kernel, bias) pair, or a failure that says what came instead."""
    if not isinstance(got, (list, tuple)) or len(got) != 2:
        shape = f" of shape {np.shape(got)}" if hasattr(got, "shape") else ""
        raise CheckFailed(f"expected a list [kernel, bias], got {type(got).__name__}{shape}.")
    return got


@exercise("11", "linear_to_dense", points=1)
def linear_to_dense(student_fn):
    """Check linear_to_dense(weight, bias) -> [weight.T, bias]."""
    rng = np.random.default_rng(11)
    for units, inputs in [(3, 5), (4, 4), (10, 64)]:
        weight = rng.standard_normal((units, inputs))
        bias = rng.standard_normal(units)
        inputs_shown = {"weight": weight.copy(), "bias": bias.copy()}
        got = _pair(call(student_fn, weight, bias))
        _unchanged("weight", inputs_shown["weight"], weight)
        _unchanged("bias", inputs_shown["bias"], bias)
        kernel, got_bias = got
        hint = diagnose(kernel, [
            (weight, "nn.Linear is (units, inputs): transpose it."),
            (weight.reshape(inputs, units), "a reshape only relabels axes: use weight.T."),
        ], "kernel[i, j] = weight[j, i]: weight.T.")
        expect_close(kernel, weight.T, what="the kernel", hint=hint)
        expect_close(got_bias, bias, what="the bias", inputs={"bias": bias},
                     hint="the bias is the same vector.")


# ---------------------------------------------------------------------------
# Exercise 2: nn.Conv2d -> Conv2D
# ---------------------------------------------------------------------------


@exercise("11", "conv_to_keras", points=1)
def conv_to_keras(student_fn):
    """Check conv_to_keras(weight): (F, C, kh, kw) -> (kh, kw, C, F)."""
    rng = np.random.default_rng(12)
    for shape in [(4, 2, 3, 3), (8, 1, 5, 5), (6, 3, 3, 2)]:
        weight = rng.standard_normal(shape)
        want = weight.transpose(2, 3, 1, 0).copy()
        got = call(student_fn, weight)
        _unchanged("weight", want.transpose(3, 2, 0, 1), weight)
        hint = diagnose(got, [
            (weight.T, "weight.T reverses all axes: use transpose(2, 3, 1, 0)."),
            (weight.reshape(want.shape), "a reshape only relabels axes: use a transpose."),
            (weight.transpose(2, 3, 0, 1), "channels come before filters: transpose(2, 3, 1, 0)."),
        ], "kh, kw, C, F are the weight's axes 2, 3, 1, 0.")
        expect_close(got, want, what="the kernel", hint=hint)


# ---------------------------------------------------------------------------
# Exercise 3: channels first -> channels last
# ---------------------------------------------------------------------------


@exercise("11", "to_channels_last", points=1)
def to_channels_last(student_fn):
    """Check to_channels_last(images): (N, C, H, W) -> (N, H, W, C)."""
    rng = np.random.default_rng(13)
    for shape in [(2, 3, 4, 5), (1, 1, 6, 6), (3, 2, 5, 4)]:
        images = rng.standard_normal(shape)
        want = images.transpose(0, 2, 3, 1).copy()
        got = call(student_fn, images)
        _unchanged("images", want.transpose(0, 3, 1, 2), images)
        hint = diagnose(got, [
            (images.transpose(0, 3, 2, 1), "that swaps H and W too: transpose(0, 2, 3, 1)."),
            (images.reshape(want.shape), "a reshape mixes channels: use a transpose."),
            (np.moveaxis(images, 0, -1), "the batch axis stays first: move axis 1 last."),
        ], "move axis 1 (channels) to the end.")
        expect_close(got, want, what="the result",
                     hint=hint)


# ---------------------------------------------------------------------------
# Exercise 4: bottleneck features
# ---------------------------------------------------------------------------


def _small_model(seed, dropout=True):
    """A built model on 6 inputs: Dense(8, relu) [-> Dropout(0.5)] -> Dense(3, softmax)."""
    from nnedu.layers import Dense, Dropout
    from nnedu.models import Sequential

    layers = [Dense(8, activation="relu", input_shape=(6,))]
    layers += [Dropout(0.5, seed=seed)] if dropout else []
    model = Sequential(layers + [Dense(3, activation="softmax")])
    rng = np.random.default_rng(seed)
    model.set_weights([rng.standard_normal(w.shape) for w in model.get_weights()])
    return model


def _features(model, x, training=False):
    for layer in model.layers[:-1]:
        x = layer.forward(x, training=training)
    return x


@exercise("11", "bottleneck_features", points=1)
def bottleneck_features(student_fn):
    """Check bottleneck_features(model, x): every layer but the last, training=False."""
    rng = np.random.default_rng(14)
    for seed, n in [(0, 5), (1, 12)]:
        model = _small_model(seed)
        weights = [w.copy() for w in model.get_weights()]
        x = rng.standard_normal((n, 6))
        x_before = x.copy()
        want = _features(model, x)
        got = call(student_fn, model, x)
        _unchanged("x", x_before, x)
        hint = diagnose(got, [
            (model.predict(x), "that is the whole model's output: drop the last layer."),
            (x, "apply model.layers[:-1] to x."),
        ], "run x through model.layers[:-1] with training=False.")
        if np.shape(got) == want.shape and not np.allclose(got, want):
            shifted = _features(model, x, training=True)
            if not np.allclose(shifted, want):
                hint = "units were dropped: call each layer with training=False."
        expect_close(got, want, what="the features", inputs={"x": x}, hint=hint)
        expect_true(all(np.array_equal(a, b) for a, b in zip(model.get_weights(), weights)),
                    "bottleneck_features changed the model's weights; it must only read them.")


# ---------------------------------------------------------------------------
# Exercise 5: putting it together, transfer learning
# ---------------------------------------------------------------------------


def _two_tasks():
    """The 8x8 digits: a base MLP trained on 0-4, and 5-9 split into train and test."""
    from nnedu.data import load_digits, train_val_test_split
    from nnedu.layers import Dense
    from nnedu.models import Sequential

    X, y = load_digits()
    X = X / 16.0
    base = Sequential([Dense(128, activation="relu", input_shape=(64,)),
                       Dense(5, activation="softmax")])
    base.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    base.fit(X[y < 5], y[y < 5], batch_size=32, epochs=20, verbose=0, seed=0)
    x_tr, y_tr, _, _, x_te, y_te = train_val_test_split(
        X[y >= 5], y[y >= 5] - 5, val_fraction=0.0, test_fraction=0.5, seed=0, stratify=True)
    return base, x_tr[:100], y_tr[:100], x_te, y_te


@exercise("11", "transfer", points=2)
def transfer(student_fn):
    """Check transfer(trained, x_new, y_new, num_classes) -> a new, trained model."""
    base, x_new, y_new, x_test, y_test = _two_tasks()
    features_before = [w.copy() for layer in base.layers[:-1] for w in layer.get_weights()]
    old_head = base.layers[-1]
    model = call(student_fn, base, x_new, y_new, 5)
    if not hasattr(model, "layers") or not hasattr(model, "predict"):
        raise CheckFailed(f"expected transfer to return the new model (an nnedu Sequential), "
                          f"got {type(model).__name__}.")
    expect_true(model is not base, "transfer returned the trained model itself: build a NEW "
                                   "Sequential from its layers (all but the last) and a new "
                                   "head.")
    layers = model.layers
    expect_true(len(layers) == len(base.layers) and old_head not in layers,
                f"expected {len(base.layers) - 1} reused layer(s) + a new head, got "
                f"{len(layers)} layer(s)" + (" with the old head" if old_head in layers else "")
                + ".", hint="trained.layers[:-1] + [Dense(num_classes, ...)].")
    expect_true(all(a is b for a, b in zip(layers[:-1], base.layers[:-1])),
                "the new model's first layers are not the trained ones: reuse the layer "
                "objects of trained.layers[:-1] (that is what carries the learned weights).")
    expect_true(all(not layer.trainable for layer in layers[:-1]) and layers[-1].trainable,
                "the feature layers must be frozen (trainable = False) and the new head "
                "trainable.")
    features_after = [w for layer in layers[:-1] for w in layer.get_weights()]
    expect_true(all(np.array_equal(a, b) for a, b in zip(features_after, features_before)),
                "the frozen layers' weights changed during training: set trainable = False "
                "BEFORE compile and fit.")
    probs = model.predict(x_test)
    expect_true(np.shape(probs) == (len(x_test), 5),
                f"the new model's output should have shape ({len(x_test)}, 5), one probability "
                f"per new class; got {np.shape(probs)}.")
    accuracy = float(np.mean(np.argmax(probs, axis=1) == y_test))
    expect_true(accuracy >= 0.75,
                f"the new model reaches {accuracy:.2f} accuracy on unseen digits 5-9 (0.75 needed).",
                hint="fit longer, e.g. 40 epochs of batches of 16.")

"""Checks for chapter 06, backpropagation.

Five exercises, easy to hard:

- ``sigmoid_backward(z, dout)``: dz = dout * s (1 - s) with s = sigmoid(z);
- ``dense_backward(dY, X, W)``: for Y = X W + b, return (dX, dW, db) =
  (dY W^T, X^T dY, sum of dY over the batch);
- ``mlp_loss_and_grads(params, X, labels)``: a 2-layer MLP
  (X W1 + b1 -> sigmoid -> W2, b2 -> softmax cross-entropy, mean over the
  batch): the loss and the gradients of W1, b1, W2, b2;
- ``gradient_check(f, params, grads, eps)``: centred-difference gradients of
  f() with respect to every array in params, compared with grads: a dict
  name -> relative error max|a - n| / max(max|a|, max|n|);
- ``train_step(params, X, labels, learning_rate)``: one step of gradient
  descent on that MLP; returns (new params, the loss before the step).

Shapes: X (N, D), W1 (D, H), b1 (H,), W2 (H, K), b2 (K,), labels (N,) integers.
An answer must not change the arrays it was given.
"""

import numpy as np

from nnedu.checks._core import (
    call,
    diagnose,
    exercise,
    expect_close,
    expect_true,
    fail,
    kind_of,
)

NAMES = ("W1", "b1", "W2", "b2")


def _sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


_fail, _kind = fail, kind_of   # the core's: fail at once; what came back, in words


def _changed(originals, given, names):
    """Fail if an array the student was given has changed."""
    for original, now, name in zip(originals, given, names):
        if not np.array_equal(original, now):
            _fail(f"your function changed its input {name} in place",
                  "compute new arrays (W_new = W - ...), never W -= ... or x[...] = ...")


def _three(got, what):
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        _fail(f"expected a tuple ({what}), got {_kind(got)}", f"end with `return {what}`.")
    return got


# ---------------------------------------------------------------------------
# Exercise 1: the backward pass of the sigmoid
# ---------------------------------------------------------------------------

@exercise("06", "sigmoid_backward", points=1)
def sigmoid_backward(student_sigmoid_backward):
    """Check dz = dout * s (1 - s), s = sigmoid(z), for arrays of any shape."""
    cases = [(np.array([0.0]), np.array([1.0])),
             (np.array([0.0]), np.array([-0.5])),           # the worked example's last unit
             (np.array([-2.0, 0.5, 3.0]), np.array([1.0, 2.0, -1.0])),
             (np.array([[1.0, -1.0], [10.0, -30.0]]), np.array([[0.5, 0.5], [1.0, 1.0]]))]
    for z, dout in cases:
        s = _sigmoid(z)
        given = (z.copy(), dout.copy())
        got = call(student_sigmoid_backward, *given)
        hint = diagnose(got, [
            (s * (1 - s), "multiply by dout, the gradient arriving from above."),
            (z * (1 - z) * dout, "s (1 - s) uses the OUTPUT s = sigmoid(z), not z itself."),
            (s * dout, "the derivative of the sigmoid is s (1 - s), not s."),
        ], "dz = dout * s * (1 - s) with s = 1 / (1 + e^-z).")
        _changed((z, dout), given, ("z", "dout"))
        expect_close(got, dout * s * (1 - s), what="dz", inputs={"z": z, "dout": dout},
                     hint=hint)


# ---------------------------------------------------------------------------
# Exercise 2: the backward pass of a dense layer
# ---------------------------------------------------------------------------

@exercise("06", "dense_backward", points=2)
def dense_backward(student_dense_backward):
    """Check (dX, dW, db) = (dY W^T, X^T dY, dY summed over the batch)."""
    rng = np.random.default_rng(6)
    cases = [(1, 2, 3), (4, 3, 2), (5, 4, 6)]
    for n, d, m in cases:
        X, W, dY = rng.normal(size=(n, d)), rng.normal(size=(d, m)), rng.normal(size=(n, m))
        given = (dY.copy(), X.copy(), W.copy())
        dX, dW, db = _three(call(student_dense_backward, *given), "dX, dW, db")
        _changed((dY, X, W), given, ("dY", "X", "W"))
        inputs = {"X": f"{n}x{d}", "W": f"{d}x{m}"}
        hint = diagnose(dW, [(dY.T @ X, "dW = X.T @ dY, (D, M) like W; dY.T @ X is its transpose."),
                             ((X.T @ dY) / n, "no 1/N here: a mean loss has it in dY already.")],
                        "dW = X.T @ dY: (D, N) @ (N, M) = (D, M), the shape of W.")
        expect_close(dW, X.T @ dY, what="dW", inputs=inputs, hint=hint)
        hint = diagnose(db, [(dY.mean(axis=0), "SUM dY over the batch (axis 0), do not average."),
                             (dY.sum(axis=1), "sum over the batch, axis=0, not axis=1.")],
                        "db = dY.sum(axis=0), shape (M,).")
        expect_close(db, dY.sum(axis=0), what="db", inputs=inputs, hint=hint)
        hint = diagnose(dX, [(W @ dY.T, "dX = dY @ W.T, (N, D) like X; W @ dY.T is its transpose.")],
                        "dX = dY @ W.T: (N, M) @ (M, D) = (N, D), the shape of X.")
        expect_close(dX, dY @ W.T, what="dX", inputs=inputs, hint=hint)


# ---------------------------------------------------------------------------
# Exercise 3: a 2-layer MLP, forward and backward
# ---------------------------------------------------------------------------

def _mlp(params, X, labels, mistake=None):
    """Reference loss and grads; ``mistake`` computes a typical wrong version."""
    W1, b1, W2, b2 = (params[k] for k in NAMES)
    n = len(labels)
    A1 = _sigmoid(X @ W1 + b1)
    Z2 = A1 @ W2 + b2
    shifted = Z2 - Z2.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = float(-np.mean(log_p[np.arange(n), labels]))
    Y = np.eye(W2.shape[1])[labels]
    dZ2 = (np.exp(log_p) - Y) / (1 if mistake == "no mean" else n)
    if mistake == "sign":
        dZ2 = -dZ2
    dA1 = dZ2 @ W2.T
    dZ1 = dA1 if mistake == "no sigmoid" else dA1 * A1 * (1 - A1)
    return loss, {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": A1.T @ dZ2,
                  "b2": dZ2.sum(axis=0)}


def _mlp_cases():
    rng = np.random.default_rng(7)
    cases = []
    for n, d, h, k in [(1, 2, 3, 2), (4, 2, 3, 2), (6, 3, 5, 4)]:
        params = {"W1": rng.normal(size=(d, h)), "b1": rng.normal(size=h),
                  "W2": rng.normal(size=(h, k)), "b2": rng.normal(size=k)}
        cases.append((params, rng.normal(size=(n, d)), rng.integers(0, k, size=n)))
    return cases


def _copy(params):
    return {k: np.array(v, dtype=float) for k, v in params.items()}


MLP_HINTS = {
    "no mean": "the loss is a MEAN: dZ2 = (softmax(Z2) - Y) / N.",
    "sign": "the sign is flipped: dZ2 = p - y, not y - p.",
    "no sigmoid": "go through the sigmoid: dZ1 = dA1 * A1 * (1 - A1), not dA1.",
}


@exercise("06", "mlp_loss_and_grads", points=2)
def mlp_loss_and_grads(student_mlp):
    """Check the loss and dW1, db1, dW2, db2 of sigmoid hidden layer + softmax cross-entropy."""
    for params, X, labels in _mlp_cases():
        want_loss, want = _mlp(params, X, labels)
        given = _copy(params)
        got = call(student_mlp, given, X.copy(), labels.copy())
        if not isinstance(got, (tuple, list)) or len(got) != 2 or not isinstance(got[1], dict):
            _fail(f"expected a tuple (loss, grads), got {_kind(got)}",
                  "end with `return loss, grads` (grads a dict).")
        loss, grads = got
        _changed([params[k] for k in NAMES], [given[k] for k in NAMES], NAMES)
        inputs = {"N": len(labels), "H": params["W1"].shape[1]}
        expect_close(loss, want_loss, what="the loss", inputs=inputs,
                     hint="the mean over the batch of -log softmax(Z2)[n, labels[n]].")
        missing = [k for k in NAMES if k not in grads]
        expect_true(not missing, f"your grads has no entry {missing[0] if missing else ''!r}; "
                    f"it has {sorted(grads)}", hint="return grads with the keys "
                    "'W1', 'b1', 'W2', 'b2'.")
        for name in ("W2", "b2", "W1", "b1"):  # backwards, as the gradients are computed
            wrong = [(_mlp(params, X, labels, m)[1][name], MLP_HINTS[m]) for m in MLP_HINTS
                     if not (m == "no mean" and len(labels) == 1)]
            hint = diagnose(grads[name], wrong, "dZ2 = (p - Y) / N, dW2 = A1.T @ dZ2, dA1 = "
                            "dZ2 @ W2.T, dZ1 = dA1 A1 (1 - A1), dW1 = X.T @ dZ1.")
            expect_close(grads[name], want[name], what=f"d{name}", inputs=inputs, hint=hint)


# ---------------------------------------------------------------------------
# Exercise 4: gradient checking
# ---------------------------------------------------------------------------

def _rel_error(a, b):
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(a)), np.max(np.abs(b)), 1e-12))


@exercise("06", "gradient_check", points=2)
def gradient_check(student_gradient_check):
    """Check the relative errors reported for right and deliberately wrong gradients."""
    rng = np.random.default_rng(8)
    A = rng.normal(size=(3, 3))
    params = {"u": rng.normal(size=(3,)), "v": rng.normal(size=(2, 2))}
    given = _copy(params)

    def f():  # f = u^T A u + sum(v^3): a smooth function of both arrays
        return float(given["u"] @ A @ given["u"] + np.sum(given["v"] ** 3))

    exact = {"u": (A + A.T) @ params["u"], "v": 3 * params["v"] ** 2}
    off = {"u": exact["u"].copy(), "v": exact["v"] * 1.1}    # v's gradient 10 % too big
    off["u"][1] += 0.5
    for label, grads in (("the exact gradients", exact), ("wrong gradients", off)):
        got = call(student_gradient_check, f, given, _copy(grads), 1e-5)
        _changed([params[k] for k in params], [given[k] for k in params], ("u", "v"))
        if not isinstance(got, dict) or set(got) != set(params):
            _fail(f"expected a dict {{name: relative error}} for {sorted(params)}, got "
                  f"{_kind(got)}")
        for name in params:
            want = _rel_error(grads[name], exact[name])
            inputs = {"parameter": name}
            abs_err = float(np.max(np.abs(grads[name] - exact[name])))
            hint = diagnose(got[name], [(abs_err, ("divide by max(max|a|, max|n|): relative, "
                                                  "not absolute."))], None)
            if label == "the exact gradients":
                ok = isinstance(got[name], (float, np.floating)) and got[name] < 1e-8
                expect_true(ok, f"for exact gradients of {name!r} expected an error below "
                            f"1e-8, got {got[name]!r:.6}", hint=hint or (
                                "centred differences give about 1e-10 here, one-sided 1e-5."))
            else:
                expect_close(got[name], want, what="the relative error", inputs=inputs,
                             hint=hint or "max|a - n| / max(max|a|, max|n|).",
                             rtol=1e-4, atol=1e-9)


# ---------------------------------------------------------------------------
# Exercise 5: putting it together, one training step
# ---------------------------------------------------------------------------

@exercise("06", "train_step", points=2)
def train_step(student_train_step):
    """Check (new params, loss before) after params <- params - learning_rate * grads."""
    for params, X, labels in _mlp_cases():
        lr = 0.5
        loss, grads = _mlp(params, X, labels)
        want = {k: params[k] - lr * grads[k] for k in NAMES}
        given = _copy(params)
        got = call(student_train_step, given, X.copy(), labels.copy(), lr)
        if not isinstance(got, (tuple, list)) or len(got) != 2 or not isinstance(got[0], dict):
            _fail(f"expected a tuple (new_params, loss), got {_kind(got)}",
                  "end with `return new_params, loss` (new_params a dict).")
        new, got_loss = got
        _changed([params[k] for k in NAMES], [given[k] for k in NAMES], NAMES)
        inputs = {"N": len(labels), "learning_rate": lr}
        for name in NAMES:
            hint = diagnose(new.get(name), [
                (params[name] + lr * grads[name], "you stepped UPHILL: W - learning_rate * dW."),
                (params[name] - grads[name], "multiply the gradient by learning_rate."),
                (params[name], f"{name} did not change."),
            ], "new = old - learning_rate * gradient, for every parameter.")
            expect_close(new.get(name), want[name], what=f"the new {name}", inputs=inputs,
                         hint=hint)
        after = _mlp(want, X, labels)[0]
        hint = diagnose(got_loss, [(after, "return the loss BEFORE the update.")],
                        "the loss that mlp_loss_and_grads returns for the old parameters.")
        expect_close(got_loss, loss, what="the loss", inputs=inputs, hint=hint)

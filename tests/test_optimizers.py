"""Tests for nnedu.optimizers and nnedu.schedules: the update formulas, step by step."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnedu import optimizers, schedules
from nnedu.backend import to_numpy, xp
from nnedu.optimizers import SGD, Adadelta, Adagrad, Adam, Optimizer, RMSprop

# The quadratic bowl f(w) = 0.5 * (A * w0**2 + B * w1**2); its gradient is (A w0, B w1).
A, B = 1.0, 10.0
W_START = np.array([1.0, 1.0])


def arr(values):
    """A float64 copy of ``values`` on the active backend (the optimizers update it in place)."""
    return xp.asarray(np.array(values, dtype=np.float64))


def arr_zeros(n):
    return arr(np.zeros(n))


def quadratic_grad(w):
    return xp.stack([A * w[0], B * w[1]])


def run(optimizer, steps, w=W_START):
    """Apply ``steps`` updates of ``optimizer`` to the quadratic bowl; return every w (NumPy)."""
    w = arr(w)
    path = []
    for _ in range(steps):
        optimizer.step([w], [quadratic_grad(w)])
        path.append(to_numpy(w).copy())
    return np.array(path)


# ---------------------------------------------------------------- SGD


def test_plain_sgd_first_step_by_hand():
    w = arr([1.0, 1.0])
    SGD(learning_rate=0.1).step([w], [quadratic_grad(w)])
    # w - 0.1 * (1, 10) = (0.9, 0.0)
    np.testing.assert_allclose(w, [0.9, 0.0], atol=1e-15)


def test_momentum_first_two_steps_by_hand():
    opt = SGD(learning_rate=0.1, momentum=0.9)
    path = run(opt, 2)
    # step 1: v = -0.1 * (1, 10) = (-0.1, -1);  w = (0.9, 0)
    np.testing.assert_allclose(path[0], [0.9, 0.0], atol=1e-15)
    # step 2: g = (0.9, 0); v = 0.9 * (-0.1, -1) - 0.1 * (0.9, 0) = (-0.18, -0.9)
    np.testing.assert_allclose(path[1], [0.72, -0.9], atol=1e-15)


def reference_momentum(lr, beta, steps, nesterov=False):
    """An independent, plain loop of the textbook momentum formulas."""
    w0, w1 = 1.0, 1.0
    v0, v1 = 0.0, 0.0
    out = []
    for _ in range(steps):
        g0, g1 = A * w0, B * w1
        v0, v1 = beta * v0 - lr * g0, beta * v1 - lr * g1
        if nesterov:
            w0, w1 = w0 + beta * v0 - lr * g0, w1 + beta * v1 - lr * g1
        else:
            w0, w1 = w0 + v0, w1 + v1
        out.append((w0, w1))
    return np.array(out)


@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_follows_the_formula_for_30_steps(nesterov):
    path = run(SGD(learning_rate=0.05, momentum=0.8, nesterov=nesterov), 30)
    np.testing.assert_allclose(path, reference_momentum(0.05, 0.8, 30, nesterov), rtol=1e-12,
                               atol=1e-14)


def test_momentum_is_not_weight_shrinking():
    # the wrong "w <- beta w - lr g" would give 0.9 * 1 - 0.1 * 1 = 0.8 on step 1
    path = run(SGD(learning_rate=0.1, momentum=0.9), 1)
    assert path[0, 0] == pytest.approx(0.9)


# ---------------------------------------------------------------- Adam


def reference_adam(lr, b1, b2, eps, steps):
    """Kingma & Ba's algorithm with the bias corrections, in a plain loop (Keras' epsilon)."""
    w = [1.0, 1.0]
    m = [0.0, 0.0]
    v = [0.0, 0.0]
    out = []
    for t in range(1, steps + 1):
        g = [A * w[0], B * w[1]]
        for i in range(2):
            m[i] = b1 * m[i] + (1 - b1) * g[i]
            v[i] = b2 * v[i] + (1 - b2) * g[i] ** 2
            m_hat = m[i] / (1 - b1 ** t)
            v_hat = v[i] / (1 - b2 ** t)
            # Keras adds epsilon to sqrt(v) before the bias correction: eps_hat = eps*sqrt(1-b2^t)
            w[i] -= lr * m_hat / (math.sqrt(v_hat) + eps / math.sqrt(1 - b2 ** t))
        out.append(tuple(w))
    return np.array(out)


def test_adam_first_step_moves_each_weight_by_lr():
    opt = Adam(learning_rate=0.01)
    path = run(opt, 1)
    # m_hat / sqrt(v_hat) = g / |g| = 1 for both coordinates, whatever their size (1 and 10)
    # (epsilon adds a relative 1e-7 / (sqrt(1 - 0.999) * |g|) <= 3.2e-6)
    np.testing.assert_allclose(W_START - path[0], [0.01, 0.01], rtol=4e-6)


def test_adam_second_step_by_hand():
    opt = Adam(learning_rate=0.1, epsilon=0.0)
    w = arr([2.0])
    opt.step([w], [arr([1.0])])
    assert float(w[0]) == pytest.approx(1.9, abs=1e-12)
    opt.step([w], [arr([3.0])])
    # m = 0.09 + 0.3 = 0.39, v = 0.000999 + 0.009 = 0.009999;
    # alpha = 0.1 * sqrt(1 - 0.999**2) / (1 - 0.81); step = alpha * 0.39 / sqrt(0.00999)
    expected = 1.9 - 0.1 * math.sqrt(1 - 0.999 ** 2) / 0.19 * 0.39 / math.sqrt(0.009999)
    assert float(w[0]) == pytest.approx(expected, abs=1e-12)


def test_adam_follows_the_formula_for_50_steps():
    path = run(Adam(learning_rate=0.05, beta_1=0.8, beta_2=0.99, epsilon=1e-3), 50)
    np.testing.assert_allclose(path, reference_adam(0.05, 0.8, 0.99, 1e-3, 50), rtol=1e-12)


def test_amsgrad_keeps_the_largest_second_moment():
    opt = Adam(learning_rate=0.1, amsgrad=True, epsilon=0.0)
    w = arr([0.0])
    opt.step([w], [arr([10.0])])
    opt.step([w], [arr([0.001])])
    assert float(opt.state(w)["velocity_hat"][0]) == pytest.approx(0.001 * 100)


gradients = arrays(np.float64, st.integers(1, 6),
                   elements=st.floats(-1e3, 1e3).filter(lambda v: abs(v) > 1e-2))


@settings(max_examples=50, deadline=None)
@given(g=gradients, lr=st.floats(1e-4, 1.0))
def test_adam_first_step_is_lr_times_sign_for_any_gradient(g, lr):
    w = arr(np.zeros_like(g))
    Adam(learning_rate=lr).step([w], [arr(g)])
    np.testing.assert_allclose(w, -lr * np.sign(g), rtol=1e-3)


@settings(max_examples=50, deadline=None)
@given(g=gradients)
def test_zero_gradient_moves_nothing_after_a_fresh_start(g):
    for opt in (SGD(0.1, momentum=0.9), Adagrad(0.1), RMSprop(0.1), Adam(0.1), Adadelta(1.0)):
        w = arr(g)
        opt.step([w], [arr(np.zeros_like(g))])
        np.testing.assert_array_equal(w, g)


# ---------------------------------------------------------------- the others, one step by hand


def test_adagrad_first_step():
    w = arr([1.0])
    Adagrad(learning_rate=0.1).step([w], [arr([2.0])])
    # accumulator 0.1 + 4 = 4.1; w = 1 - 0.1 * 2 / sqrt(4.1 + 1e-7)
    assert float(w[0]) == pytest.approx(1 - 0.2 / math.sqrt(4.1 + 1e-7), abs=1e-15)


def test_rmsprop_first_step_epsilon_inside_the_root():
    w = arr([1.0])
    RMSprop(learning_rate=0.1, epsilon=0.5).step([w], [arr([2.0])])
    # velocity 0.1 * 4 = 0.4; w = 1 - 0.1 * 2 / sqrt(0.4 + 0.5)
    assert float(w[0]) == pytest.approx(1 - 0.2 / math.sqrt(0.9), abs=1e-15)


def test_rmsprop_centered_and_momentum_two_steps():
    w = arr([0.0])
    opt = RMSprop(learning_rate=0.1, rho=0.5, momentum=0.5, epsilon=0.0, centered=True)
    opt.step([w], [arr([1.0])])
    # E[g2] = 0.5, E[g] = 0.5, denominator 0.25: step = 0.1 * 1 / 0.5 = 0.2; m = 0.2
    assert float(w[0]) == pytest.approx(-0.2, abs=1e-15)
    opt.step([w], [arr([-1.0])])
    # E[g2] = 0.5*0.5 + 0.5 = 0.75, E[g] = 0.5*0.5 - 0.5 = -0.25
    # denominator 0.75 - 0.0625 = 0.6875; step = -0.1 / sqrt(0.6875); m = 0.1 + step
    m = 0.5 * 0.2 - 0.1 / math.sqrt(0.6875)
    assert float(w[0]) == pytest.approx(-0.2 - m, abs=1e-15)


def test_adadelta_first_step():
    w = arr([1.0])
    Adadelta(learning_rate=1.0, rho=0.5, epsilon=0.01).step([w], [arr([2.0])])
    # E[g2] = 2; d = -sqrt(0 + 0.01) / sqrt(2 + 0.01) * 2
    assert float(w[0]) == pytest.approx(1 - 0.1 / math.sqrt(2.01) * 2, abs=1e-15)


# ---------------------------------------------------------------- every optimizer learns


def least_squares_problem():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3))
    y = x @ np.array([1.0, -2.0, 0.5]) + 0.3
    return x, y


def least_squares_loss_and_grads(w, b, x, y):
    r = x @ w + b - y
    return float(0.5 * xp.mean(r ** 2)), x.T @ r / y.shape[0], xp.reshape(xp.mean(r), (1,))


@pytest.mark.parametrize("name, lr", [("sgd", 0.1), ("adagrad", 0.1), ("adadelta", 1.0),
                                      ("rmsprop", 0.01), ("adam", 0.01)])
def test_every_optimizer_decreases_the_loss(name, lr):
    x, y = (arr(a) for a in least_squares_problem())
    opt = optimizers.get(name)
    opt.learning_rate = lr
    w, b = arr(np.zeros(3)), arr(np.zeros(1))
    first = least_squares_loss_and_grads(w, b, x, y)[0]
    for _ in range(100):
        _, gw, gb = least_squares_loss_and_grads(w, b, x, y)
        opt.step([w, b], [gw, gb])
    last = least_squares_loss_and_grads(w, b, x, y)[0]
    assert last < 0.8 * first
    assert opt.iterations == 100


# ---------------------------------------------------------------- state, validation, get


def test_state_is_kept_per_parameter_array():
    opt = SGD(learning_rate=0.1, momentum=0.9)
    a, b = arr([1.0]), arr([1.0])
    opt.step([a], [arr([1.0])])
    opt.step([a, b], [arr([0.0]), arr([1.0])])
    # a still moves with its velocity -0.09; b starts fresh at -0.1
    assert float(a[0]) == pytest.approx(1 - 0.1 - 0.09)
    assert float(b[0]) == pytest.approx(0.9)


def test_step_rejects_mismatches_before_changing_anything():
    w = arr([1.0, 2.0])
    with pytest.raises(ValueError, match="one gradient per parameter"):
        SGD().step([w], [])
    with pytest.raises(ValueError, match=r"shape of params\[0\], \(2,\)"):
        SGD().step([w], [arr_zeros(3)])
    with pytest.raises(TypeError, match=f"float {type(xp.zeros(0)).__name__}"):  # ndarray
        SGD().step([[1.0, 2.0]], [arr_zeros(2)])
    np.testing.assert_array_equal(w, [1.0, 2.0])


@pytest.mark.parametrize("make, message", [
    (lambda: SGD(learning_rate=-1), "learning_rate must be >= 0"),
    (lambda: SGD(momentum=1.5), "momentum must be >= 0.0 and <= 1.0"),
    (lambda: Adam(beta_1=1.0), "beta_1 must be >= 0.0 and < 1.0"),
    (lambda: RMSprop(rho=-0.1), "rho must be"),
])
def test_bad_hyperparameters(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_get_by_name_and_object():
    assert isinstance(optimizers.get("Adam"), Adam)
    assert optimizers.get("sgd").learning_rate == 0.01
    opt = RMSprop()
    assert optimizers.get(opt) is opt
    with pytest.raises(ValueError, match="unknown optimizer 'adamw'; valid names: 'sgd'"):
        optimizers.get("adamw")
    with pytest.raises(TypeError, match="but got int"):
        optimizers.get(3)


def test_keras_defaults():
    assert (SGD().learning_rate, SGD().momentum, SGD().nesterov) == (0.01, 0.0, False)
    adam = Adam()
    assert (adam.learning_rate, adam.beta_1, adam.beta_2, adam.epsilon) == (
        0.001, 0.9, 0.999, 1e-7)
    assert (RMSprop().rho, RMSprop().epsilon) == (0.9, 1e-7)
    assert Adagrad().initial_accumulator_value == 0.1
    assert (Adadelta().learning_rate, Adadelta().rho) == (0.001, 0.95)
    assert issubclass(Adam, Optimizer)


# ---------------------------------------------------------------- schedules


def test_exponential_decay_smooth_and_staircase():
    lr = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    assert lr(0) == 0.1
    assert lr(5) == pytest.approx(0.1 * 0.5 ** 0.5)
    assert lr(20) == pytest.approx(0.025)
    stairs = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True)
    assert [stairs(s) for s in (9, 10, 19, 20)] == pytest.approx([0.1, 0.05, 0.05, 0.025])


def test_step_decay_is_the_staircase():
    lr = schedules.StepDecay(1.0, decay_steps=3, decay_rate=0.1)
    assert [lr(s) for s in range(7)] == pytest.approx([1, 1, 1, 0.1, 0.1, 0.1, 0.01])


def test_inverse_time_decay():
    lr = schedules.InverseTimeDecay(1.0, decay_steps=2, decay_rate=0.5)
    assert lr(4) == pytest.approx(1.0 / (1 + 0.5 * 2))
    stairs = schedules.InverseTimeDecay(1.0, decay_steps=2, decay_rate=0.5, staircase=True)
    assert stairs(3) == pytest.approx(1.0 / 1.5)


def test_piecewise_constant_decay_boundaries_belong_to_the_left():
    lr = schedules.PiecewiseConstantDecay([2, 5], [1.0, 0.5, 0.1])
    assert [lr(s) for s in range(8)] == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.1, 0.1]
    with pytest.raises(ValueError, match="one more value than boundaries"):
        schedules.PiecewiseConstantDecay([1, 2], [1.0])


def test_optimizer_reads_the_schedule_at_its_iteration_count():
    opt = SGD(learning_rate=schedules.PiecewiseConstantDecay([0], [1.0, 0.5]))
    w = arr([0.0])
    opt.step([w], [arr([1.0])])  # iterations 0 -> rate 1.0
    opt.step([w], [arr([1.0])])  # iterations 1 -> rate 0.5
    assert float(w[0]) == pytest.approx(-1.5)
    assert opt.current_learning_rate == 0.5
    assert optimizers.schedules is schedules


def test_schedule_validation():
    with pytest.raises(ValueError, match="decay_steps must be > 0"):
        schedules.ExponentialDecay(0.1, decay_steps=0, decay_rate=0.5)
    with pytest.raises(TypeError, match="initial_learning_rate must be a number"):
        schedules.InverseTimeDecay("0.1", 1, 1)


# ---------------------------------------------------------------- against Keras itself


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("name, kwargs", [
    ("SGD", {"learning_rate": 0.125, "momentum": 0.9}),
    ("SGD", {"learning_rate": 0.125, "momentum": 0.9, "nesterov": True}),
    ("Adagrad", {"learning_rate": 0.25}),
    ("Adadelta", {"learning_rate": 1.0}),
    ("RMSprop", {"learning_rate": 0.0625, "momentum": 0.5, "centered": True}),
    ("RMSprop", {"learning_rate": 0.0625}),
    ("Adam", {"learning_rate": 0.125}),
    ("Adam", {"learning_rate": 0.125, "amsgrad": True}),
])
def test_matches_keras(name, kwargs, keras):
    # learning rates are powers of two: Keras stores them in float32
    rng = np.random.default_rng(1)
    w0 = rng.normal(size=(3, 2))
    w = arr(w0)
    kvar = keras.Variable(w0.copy(), dtype="float64")
    kopt = getattr(keras.optimizers, name)(**kwargs)
    opt = getattr(optimizers, name)(**kwargs)
    for _ in range(6):
        g = rng.normal(size=(3, 2))
        kopt.apply_gradients([(keras.ops.convert_to_tensor(g, dtype="float64"), kvar)])
        opt.step([w], [arr(g)])
    np.testing.assert_allclose(w, keras.ops.convert_to_numpy(kvar), rtol=1e-12, atol=1e-14)


# ---------------------------------------------------------------- hand-computed trajectories


def test_adam_first_three_steps_with_the_bias_correction_by_hand():
    # lr 0.1, betas 0.9 / 0.999, epsilon 0; gradients 1, -2, 0.5 on w = 1
    # t=1: m = 0.1, v = 0.001, alpha = 0.1 sqrt(0.001) / 0.1 = 0.0316228; w = 1 - 0.1 = 0.9
    #      (without the correction the step would be 0.1 * 0.1 / sqrt(0.001) = 0.316)
    # t=2: m = -0.11, v = 0.004999, alpha = 0.1 sqrt(0.001999) / 0.19 = 0.0235317;
    #      w = 0.9 + 0.0235317 * 0.11 / sqrt(0.004999) = 0.9366104
    # t=3: m = -0.049, v = 0.005244001, alpha = 0.1 sqrt(0.002997001) / 0.271 = 0.0202011;
    #      w = 0.9366104 + 0.0202011 * 0.049 / sqrt(0.005244001) = 0.9502794
    opt = Adam(learning_rate=0.1, epsilon=0.0)
    w = arr([1.0])
    trajectory = []
    for g in (1.0, -2.0, 0.5):
        opt.step([w], [arr([g])])
        trajectory.append(w[0])
    np.testing.assert_allclose(trajectory, [0.9, 0.9366104, 0.9502794], atol=1e-7)
    np.testing.assert_allclose(opt.state(w)["momentum"], [-0.049], rtol=1e-12)
    np.testing.assert_allclose(opt.state(w)["velocity"], [0.005244001], rtol=1e-12)


def test_nesterov_momentum_first_two_steps_by_hand():
    # f(w) = w^2 / 2, gradient w; lr 0.1, momentum 0.9, from w = 1
    # step 1: g = 1, m = -0.1, w = 1 + 0.9 * (-0.1) - 0.1 * 1 = 0.81
    # step 2: g = 0.81, m = -0.09 - 0.081 = -0.171, w = 0.81 - 0.1539 - 0.081 = 0.5751
    opt = SGD(learning_rate=0.1, momentum=0.9, nesterov=True)
    w = arr([1.0])
    path = []
    for _ in range(2):
        opt.step([w], [arr(to_numpy(w))])
        path.append(w[0])
    np.testing.assert_allclose(path, [0.81, 0.5751], atol=1e-15)
    np.testing.assert_allclose(opt.state(w)["momentum"], [-0.171], atol=1e-15)


def test_plain_momentum_third_step_by_hand():
    # same bowl without Nesterov: w = 0.9, 0.72, then m = -0.162 - 0.072 = -0.234, w = 0.486
    opt = SGD(learning_rate=0.1, momentum=0.9)
    w = arr([1.0])
    for _ in range(3):
        opt.step([w], [arr(to_numpy(w))])
    assert float(w[0]) == pytest.approx(0.486, abs=1e-15)


# ---------------------------------------------------------------- Keras' names and hooks


@pytest.mark.parametrize("opt, names", [
    (SGD(momentum=0.9), {"momentum"}),
    (SGD(), set()),
    (Adam(), {"momentum", "velocity"}),
    (Adam(amsgrad=True), {"momentum", "velocity", "velocity_hat"}),
    (RMSprop(), {"velocity"}),
    (RMSprop(momentum=0.5, centered=True), {"velocity", "momentum", "average_gradient"}),
    (Adagrad(), {"accumulator"}),
    (Adadelta(), {"accumulated_grad", "accumulated_delta"}),
])
def test_state_has_keras_names(opt, names):
    w = arr([1.0, 2.0])
    opt.step([w], [arr([0.5, -0.5])])
    assert set(opt.state(w)) == names
    assert all(a.shape == w.shape for a in opt.state(w).values())


def test_a_subclass_defines_update_step_only():
    class SignSGD(Optimizer):
        """w <- w - lr * sign(g)."""

        def update_step(self, gradient, variable, learning_rate):
            variable -= learning_rate * xp.sign(gradient)

    opt = SignSGD(learning_rate=0.5)
    a, b = arr([1.0, 1.0]), arr([0.0])
    opt.step([a, b], [arr([3.0, -0.1]), arr([0.0])])
    np.testing.assert_array_equal(a, [0.5, 1.5])
    np.testing.assert_array_equal(b, [0.0])
    assert opt.iterations == 1 and opt.get_config() == {"learning_rate": 0.5}
    with pytest.raises(NotImplementedError, match="must define update_step"):
        Optimizer(0.1).step([a], [arr(to_numpy(a))])


@pytest.mark.parametrize("opt, config", [
    (SGD(0.1, momentum=0.5, nesterov=True),
     {"learning_rate": 0.1, "momentum": 0.5, "nesterov": True}),
    (Adam(0.01, beta_1=0.8), {"learning_rate": 0.01, "beta_1": 0.8, "beta_2": 0.999,
                              "epsilon": 1e-7, "amsgrad": False}),
    (RMSprop(rho=0.8), {"learning_rate": 0.001, "rho": 0.8, "momentum": 0.0,
                        "epsilon": 1e-7, "centered": False}),
    (Adagrad(initial_accumulator_value=0.2), {"learning_rate": 0.001,
                                              "initial_accumulator_value": 0.2,
                                              "epsilon": 1e-7}),
    (Adadelta(rho=0.9), {"learning_rate": 0.001, "rho": 0.9, "epsilon": 1e-7}),
])
def test_get_config_rebuilds_the_optimizer(opt, config):
    assert opt.get_config() == config
    opt.step([arr([1.0])], [arr([1.0])])
    assert opt.get_config() == config  # the state is not configuration
    assert type(opt)(**config).get_config() == config

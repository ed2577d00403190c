"""Tests for course_lib.optimizers: Keras' update rules, decay, state handling and errors.

The expected numbers are worked out by hand in the comments, or come from a plain scalar
re-statement of the published update rules written here in the test (``reference_steps``).
"""
import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from course_lib import optimizers as opt
from course_lib.optimizers import SGD, Adam, RMSprop

# ---------------------------------------------------------------------------------------------
# single steps worked out by hand
# ---------------------------------------------------------------------------------------------


def test_adam_one_step_by_hand():
    w = np.array([1.0, -2.0])
    g = np.array([0.5, 0.1])
    adam = Adam(learning_rate=0.1)  # beta_1 = 0.9, beta_2 = 0.999, epsilon = 1e-7
    adam.apply_gradients([w], [g])
    # t = 1:  m = 0.1 * g = [0.05, 0.01]
    #         v = 0.001 * g**2 = [0.00025, 0.00001], so sqrt(v) = sqrt(0.001) * |g|
    #         lr_t = 0.1 * sqrt(1 - 0.999) / (1 - 0.9) = sqrt(0.001) = 0.0316227766
    # step = lr_t * m / (sqrt(v) + eps) = 0.1 * g / (|g| + 1e-7 / sqrt(0.001))
    #      = 0.1 * g / (|g| + 3.16227766e-6)
    #   first:  0.05 / 0.50000316228 = 0.09999936755   -> w = 0.90000063245
    #   second: 0.01 / 0.10000316228 = 0.09999683782   -> w = -2.09999683782
    np.testing.assert_allclose(w, [0.90000063245153, -2.09999683782234], rtol=1e-12)
    assert adam.iterations == 1


def test_sgd_momentum_two_steps_by_hand():
    w = np.array([1.0])
    sgd = SGD(learning_rate=0.1, momentum=0.9)
    sgd.apply_gradients([w], [np.array([2.0])])
    # v = 0.9 * 0 - 0.1 * 2 = -0.2;             w = 1 - 0.2 = 0.8
    np.testing.assert_allclose(w, [0.8], rtol=1e-14)
    sgd.apply_gradients([w], [np.array([1.0])])
    # v = 0.9 * (-0.2) - 0.1 * 1 = -0.28;       w = 0.8 - 0.28 = 0.52
    np.testing.assert_allclose(w, [0.52], rtol=1e-14)


def test_sgd_nesterov_two_steps_by_hand():
    w = np.array([1.0])
    sgd = SGD(learning_rate=0.1, momentum=0.9, nesterov=True)
    sgd.apply_gradients([w], [np.array([2.0])])
    # v = -0.2;  w = 1 + 0.9 * (-0.2) - 0.1 * 2 = 1 - 0.18 - 0.2 = 0.62
    np.testing.assert_allclose(w, [0.62], rtol=1e-14)
    sgd.apply_gradients([w], [np.array([1.0])])
    # v = -0.28; w = 0.62 + 0.9 * (-0.28) - 0.1 * 1 = 0.62 - 0.252 - 0.1 = 0.268
    np.testing.assert_allclose(w, [0.268], rtol=1e-13)


def test_plain_sgd_step_by_hand():
    w = np.array([[1.0, 2.0], [3.0, 4.0]])
    SGD(learning_rate=0.5).apply_gradients([w], [np.array([[1.0, -1.0], [0.0, 4.0]])])
    # w - 0.5 * g
    np.testing.assert_array_equal(w, [[0.5, 2.5], [3.0, 2.0]])


def test_rmsprop_one_step_by_hand():
    # Keras' documented example: loss = w**2 / 2 at w = 10, so g = 10.
    w = np.array([10.0])
    RMSprop(learning_rate=0.1).apply_gradients([w], [np.array([10.0])])
    # s = 0.9 * 0 + 0.1 * 10**2 = 10
    # w = 10 - 0.1 * 10 / (sqrt(10) + 1e-7) = 10 - 1 / 3.16227776 = 10 - 0.31622775 = 9.68377224
    np.testing.assert_allclose(w, [9.683772243983162], rtol=1e-12)


def test_rmsprop_momentum_two_steps_by_hand():
    w = np.array([1.0])
    rms = RMSprop(learning_rate=0.01, rho=0.9, momentum=0.5)
    rms.apply_gradients([w], [np.array([1.0])])
    # s = 0.1;  step = 0.01 / (sqrt(0.1) + 1e-7) = 0.0316227666;  m = step;  w = 0.9683772334
    np.testing.assert_allclose(w, [0.968377233398313], rtol=1e-12)
    rms.apply_gradients([w], [np.array([1.0])])
    # s = 0.9 * 0.1 + 0.1 * 1 = 0.19;  step = 0.01 / (sqrt(0.19) + 1e-7) = 0.0229415681
    # m = 0.5 * 0.0316227666 + 0.0229415681 = 0.0387529514;  w = 0.9683772334 - m = 0.9296242820
    np.testing.assert_allclose(w, [0.92962428197357], rtol=1e-12)


def test_amsgrad_divides_by_the_largest_second_moment():
    w = np.array([0.0])
    adam = Adam(learning_rate=0.1, beta_1=0.0, beta_2=0.5, epsilon=1e-7, amsgrad=True)
    adam.apply_gradients([w], [np.array([4.0])])
    # t = 1: m = 4, v = 0.5 * 16 = 8, v_hat = 8, lr_t = 0.1 * sqrt(0.5) / 1
    #        step = 0.1 * sqrt(0.5) * 4 / (sqrt(8) + 1e-7) = 0.1 * 4 / (4 + sqrt(2) * 1e-7)
    first = 0.4 / (4 + math.sqrt(2) * 1e-7)
    np.testing.assert_allclose(w, [-first], rtol=1e-12)
    adam.apply_gradients([w], [np.array([1.0])])
    # t = 2: m = 1, v = 0.5 * 8 + 0.5 * 1 = 4.5, v_hat = max(8, 4.5) = 8 (plain Adam: 4.5)
    #        lr_t = 0.1 * sqrt(1 - 0.25) / 1;  step = 0.1 * sqrt(0.75) * 1 / (sqrt(8) + 1e-7)
    second = 0.1 * math.sqrt(0.75) / (math.sqrt(8) + 1e-7)
    np.testing.assert_allclose(w, [-first - second], rtol=1e-12)


def test_decay_learning_rate_at_step_3_by_hand():
    # decay: the update number t (t = 0, 1, 2, ...) uses lr / (1 + decay * t).
    w = np.array([0.0])
    sgd = SGD(learning_rate=0.1, decay=0.5)
    assert sgd.current_learning_rate == pytest.approx(0.1)
    one = [np.array([1.0])]
    for _ in range(3):
        sgd.apply_gradients([w], one)
    # t = 0: 0.1 / 1 = 0.1;  t = 1: 0.1 / 1.5 = 0.0666667;  t = 2: 0.1 / 2 = 0.05
    np.testing.assert_allclose(w, [-(0.1 + 0.1 / 1.5 + 0.05)], rtol=1e-14)
    # t = 3: 0.1 / (1 + 0.5 * 3) = 0.1 / 2.5 = 0.04
    assert sgd.iterations == 3
    assert sgd.current_learning_rate == pytest.approx(0.04, rel=1e-14)
    before = w.copy()
    sgd.apply_gradients([w], one)
    np.testing.assert_allclose(before - w, [0.04], rtol=1e-12)


def test_decay_with_adam_uses_the_decayed_rate_in_the_bias_correction():
    # Keras 2: lr_t = lr / (1 + decay * iterations) * sqrt(1 - b2**t) / (1 - b1**t).
    w = np.array([0.0])
    adam = Adam(lr=0.01, decay=1.0)
    adam.apply_gradients([w], [np.array([1.0])])
    adam.apply_gradients([w], [np.array([1.0])])
    # A constant gradient g = 1 gives m = 1 - 0.9**t and v = 1 - 0.999**t, which the bias
    # correction cancels: step = lr_decayed * 1 / (1 + eps / sqrt(v)).
    # t = 1 (decayed lr 0.01 / 1):  v = 0.001
    # t = 2 (decayed lr 0.01 / 2):  v = 0.999 * 0.001 + 0.001 = 0.001999
    step0 = 0.01 / (1 + 1e-7 / math.sqrt(0.001))
    step1 = 0.005 / (1 + 1e-7 / math.sqrt(0.001999))
    np.testing.assert_allclose(w, [-(step0 + step1)], rtol=1e-9)


# ---------------------------------------------------------------------------------------------
# several steps against a plain re-statement of the rules
# ---------------------------------------------------------------------------------------------

def reference_steps(kind, w0, grads, lr, decay=0.0, **hp):
    """The published update rules, one scalar weight at a time, in plain Python."""
    out = []
    for i, w in enumerate(w0):
        a = b = c = 0.0  # the optimizer's memory for this weight
        for t, gs in enumerate(grads):
            g = gs[i]
            lr_t = lr / (1 + decay * t)
            if kind == "sgd":
                mu = hp.get("momentum", 0.0)
                a = mu * a - lr_t * g
                w = w + (mu * a - lr_t * g if hp.get("nesterov") else a)
            elif kind == "rmsprop":
                rho, mom, eps = hp.get("rho", 0.9), hp.get("momentum", 0.0), 1e-7
                a = rho * a + (1 - rho) * g * g
                b = mom * b + lr_t * g / (math.sqrt(a) + eps)
                w = w - b
            else:
                b1, b2, eps = 0.9, 0.999, 1e-7
                a = b1 * a + (1 - b1) * g
                b = b2 * b + (1 - b2) * g * g
                c = max(c, b) if hp.get("amsgrad") else b
                corr = math.sqrt(1 - b2 ** (t + 1)) / (1 - b1 ** (t + 1))
                w = w - lr_t * corr * a / (math.sqrt(c) + eps)
        out.append(w)
    return np.array(out)


@pytest.mark.parametrize("make, kind, hp", [
    (lambda: SGD(0.05, decay=0.1), "sgd", {}),
    (lambda: SGD(0.05, momentum=0.8, decay=0.1), "sgd", {"momentum": 0.8}),
    (lambda: SGD(0.05, momentum=0.8, nesterov=True, decay=0.1), "sgd",
     {"momentum": 0.8, "nesterov": True}),
    (lambda: RMSprop(0.05, decay=0.1), "rmsprop", {}),
    (lambda: RMSprop(0.05, rho=0.7, momentum=0.6, decay=0.1), "rmsprop",
     {"rho": 0.7, "momentum": 0.6}),
    (lambda: Adam(0.05, decay=0.1), "adam", {}),
    (lambda: Adam(0.05, decay=0.1, amsgrad=True), "adam", {"amsgrad": True}),
])
def test_many_steps_match_the_rules(make, kind, hp):
    rng = np.random.default_rng(7)
    w0 = rng.normal(size=5)
    grads = rng.normal(size=(6, 5)) * np.array([1e-3, 0.1, 1.0, 10.0, 100.0])
    w = w0.copy()
    optimizer = make()
    for g in grads:
        optimizer.apply_gradients([w], [g])
    np.testing.assert_allclose(w, reference_steps(kind, w0, grads, 0.05, 0.1, **hp),
                               rtol=1e-10, atol=1e-14)
    assert optimizer.iterations == 6


# ---------------------------------------------------------------------------------------------
# they minimise
# ---------------------------------------------------------------------------------------------

# An elongated bowl L(w) = 1/2 sum_i a_i (w_i - c_i)**2, minimum at c, gradient a * (w - c).
A = np.array([1.0, 10.0])
C = np.array([3.0, -1.0])


def bowl_gradient(w):
    return A * (w - C)


@pytest.mark.parametrize("optimizer, steps", [
    (SGD(learning_rate=0.1), 300),
    (SGD(learning_rate=0.02, momentum=0.9), 300),
    (SGD(learning_rate=0.02, momentum=0.9, nesterov=True), 300),
    (RMSprop(learning_rate=0.05, decay=0.05), 3000),
    (RMSprop(learning_rate=0.01, momentum=0.9, decay=0.05), 3000),
    (Adam(learning_rate=0.1), 1000),
    (Adam(learning_rate=0.1, amsgrad=True), 1000),
], ids=["sgd", "momentum", "nesterov", "rmsprop", "rmsprop-momentum", "adam", "amsgrad"])
def test_reaches_the_bottom_of_a_quadratic_bowl(optimizer, steps):
    w = np.array([-2.0, 4.0])
    for _ in range(steps):
        optimizer.apply_gradients([w], [bowl_gradient(w)])
    np.testing.assert_allclose(w, C, atol=1e-3)


def test_minimises_with_several_parameters_of_several_shapes():
    # Least squares y = X @ W + b, gradients written out by hand; the answer from lstsq.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3))
    y = X @ np.array([[1.0], [-2.0], [0.5]]) + 0.3 + 0.01 * rng.normal(size=(50, 1))
    W, b = np.zeros((3, 1)), np.zeros(1)
    adam = Adam(learning_rate=0.05)
    for _ in range(1500):
        r = X @ W + b - y                       # residuals (50, 1)
        adam.apply_gradients([W, b], [X.T @ r / 50, r.mean(axis=0)])
    coef, *_ = np.linalg.lstsq(np.hstack([X, np.ones((50, 1))]), y, rcond=None)
    np.testing.assert_allclose(np.r_[W.ravel(), b], coef.ravel(), atol=1e-3)


# ---------------------------------------------------------------------------------------------
# state: in place, dtypes, slots per parameter
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("make", [lambda: SGD(0.1, momentum=0.5), lambda: RMSprop(momentum=0.5),
                                  lambda: Adam(amsgrad=True)])
def test_updates_in_place_and_keeps_float32(make):
    optimizer = make()
    buffer = np.ones(6, dtype=np.float32)
    w = buffer[::2]                                     # a view: the update must reach buffer
    k = np.ones((2, 2), dtype=np.float32)
    for _ in range(3):
        optimizer.apply_gradients([w, k], [np.ones(3), np.ones((2, 2), dtype=np.float64)])
    assert w.dtype == np.float32 and k.dtype == np.float32
    assert np.all(buffer[::2] < 1) and np.all(buffer[1::2] == 1)
    assert np.all(k < 1)
    for _, slots in optimizer._slots.values():
        for slot in slots.values():
            assert slot.dtype == np.float32


def test_each_parameter_has_its_own_state():
    rng = np.random.default_rng(3)
    grads = rng.normal(size=(4, 2, 3))
    together = [np.zeros(3), np.zeros(3)]
    adam = Adam(learning_rate=0.1)
    for g in grads:
        adam.apply_gradients(together, [g[0], g[1]])
    for i in range(2):
        alone = np.zeros(3)
        single = Adam(learning_rate=0.1)
        for g in grads:
            single.apply_gradients([alone], [g[i]])
        np.testing.assert_array_equal(together[i], alone)


def test_lr_is_the_older_spelling_of_learning_rate():
    assert Adam(lr=0.05).learning_rate == 0.05
    assert SGD(lr=0.5).lr == 0.5
    assert RMSprop().learning_rate == 0.001 and SGD().learning_rate == 0.01
    assert Adam().learning_rate == 0.001
    sgd = SGD(0.1)
    sgd.lr = 0.2
    assert sgd.learning_rate == 0.2
    with pytest.raises(TypeError, match="'learning_rate'.*'lr'"):
        Adam(learning_rate=0.1, lr=0.1)


def test_seed_style_call_runs():
    # The seeds' Keras 2 call, unchanged.
    adam = Adam(lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8, decay=1e-3 / 200)
    assert adam.decay == pytest.approx(5e-6) and adam.epsilon == 1e-8


@pytest.mark.parametrize("optimizer", [SGD(0.2, momentum=0.3, nesterov=True, decay=0.1),
                                       RMSprop(0.01, rho=0.8, momentum=0.2, epsilon=1e-6),
                                       Adam(0.002, beta_1=0.8, beta_2=0.99, amsgrad=True)])
def test_get_config_round_trip(optimizer):
    config = optimizer.get_config()
    assert config["name"] == type(optimizer).__name__.lower()
    clone = type(optimizer).from_config(config)
    assert clone.get_config() == config
    assert clone.iterations == 0
    assert type(optimizer).__name__ in repr(optimizer)


def test_get():
    for name, cls in [("sgd", SGD), ("rmsprop", RMSprop), ("adam", Adam), ("Adam", Adam)]:
        made = opt.get(name)
        assert type(made) is cls and made.iterations == 0
        assert made.get_config() == cls().get_config()
    assert opt.get("adam") is not opt.get("adam")  # fresh each time
    mine = SGD(0.3)
    assert opt.get(mine) is mine


# ---------------------------------------------------------------------------------------------
# invariants
# ---------------------------------------------------------------------------------------------

finite = st.floats(-1e3, 1e3, allow_nan=False).filter(lambda x: abs(x) > 1e-2)


@settings(max_examples=50, deadline=None)
@given(g=st.lists(finite, min_size=1, max_size=6), lr=st.floats(1e-4, 1.0))
def test_adam_first_step_moves_each_weight_by_about_lr_against_the_gradient(g, lr):
    g = np.array(g)
    w = np.zeros_like(g)
    Adam(learning_rate=lr).apply_gradients([w], [g])
    # m = 0.1 g, sqrt(v) = sqrt(0.001) |g|, lr_t = lr sqrt(0.001) / 0.1, so the move is
    # -lr g / (|g| + eps / sqrt(0.001)): just under lr, whatever the size of g.
    assert np.all(np.abs(w) <= lr) and np.all(np.sign(w) == -np.sign(g))
    np.testing.assert_allclose(w, -lr * g / (np.abs(g) + 1e-7 / math.sqrt(0.001)), rtol=1e-9)
    np.testing.assert_allclose(w, -lr * np.sign(g), rtol=5e-4)


@settings(max_examples=50, deadline=None)
@given(g=st.lists(finite.filter(lambda x: abs(x) > 0.1), min_size=1, max_size=6),
       scale=st.floats(0.1, 100.0))
@example(g=[0.1001, -1000.0], scale=0.1)  # epsilon matters most for the smallest gradients
def test_rmsprop_and_adam_ignore_the_scale_of_the_gradient(g, scale):
    g = np.array(g)
    for make in (lambda: RMSprop(0.01), lambda: Adam(0.01)):
        w1, w2 = np.zeros_like(g), np.zeros_like(g)
        o1, o2 = make(), make()
        for k in range(3):
            o1.apply_gradients([w1], [g * (k + 1)])
            o2.apply_gradients([w2], [scale * g * (k + 1)])
        np.testing.assert_allclose(w1, w2, rtol=1e-3)


# ---------------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("cls", [SGD, RMSprop, Adam])
def test_bad_learning_rate_and_decay(cls):
    with pytest.raises(ValueError, match=f"{cls.__name__}: argument 'learning_rate' must be > 0"):
        cls(learning_rate=0.0)
    with pytest.raises(ValueError, match="'lr'"):
        cls(lr=-0.1)
    with pytest.raises(TypeError, match="'learning_rate'"):
        cls(learning_rate="fast")
    with pytest.raises(ValueError, match="'decay'"):
        cls(decay=-1e-3)
    with pytest.raises(ValueError, match="'learning_rate'"):
        cls().learning_rate = -1.0


def test_bad_hyperparameters():
    with pytest.raises(ValueError, match="'momentum'"):
        SGD(momentum=1.5)
    with pytest.raises(ValueError, match="'momentum'"):
        SGD(momentum=-0.1)
    with pytest.raises(ValueError, match="'momentum'"):
        RMSprop(momentum=2.0)
    with pytest.raises(TypeError, match="'nesterov'"):
        SGD(nesterov="yes")
    with pytest.raises(ValueError, match="'rho'"):
        RMSprop(rho=1.0)
    with pytest.raises(ValueError, match="'epsilon'"):
        RMSprop(epsilon=0.0)
    with pytest.raises(ValueError, match="'beta_1'"):
        Adam(beta_1=1.0)
    with pytest.raises(ValueError, match="'beta_2'"):
        Adam(beta_2=-0.1)
    with pytest.raises(ValueError, match="'epsilon'"):
        Adam(epsilon=-1e-7)
    with pytest.raises(TypeError, match="'amsgrad'"):
        Adam(amsgrad=1)


@pytest.mark.parametrize("cls", [SGD, RMSprop, Adam])
def test_bad_apply_gradients_calls_change_nothing(cls):
    optimizer = cls(momentum=0.5) if cls is not Adam else cls()
    w, b = np.ones((2, 3)), np.zeros(3)
    good = [np.ones((2, 3)), np.ones(3)]
    name = f"{cls.__name__}.apply_gradients"
    with pytest.raises(ValueError, match=f"{name}: arguments 'params' and 'grads'.*length"):
        optimizer.apply_gradients([w, b], good[:1])
    with pytest.raises(ValueError, match=r"'grads\[1\]'.*\(3,\).*\(4,\)"):
        optimizer.apply_gradients([w, b], [good[0], np.ones(4)])
    with pytest.raises(ValueError, match=r"'grads\[1\]' contains 1 NaN"):
        optimizer.apply_gradients([w, b], [good[0], np.array([0.0, np.nan, 1.0])])
    with pytest.raises(ValueError, match=r"'grads\[0\]'.*infinite"):
        optimizer.apply_gradients([w, b], [np.full((2, 3), np.inf), good[1]])
    with pytest.raises(TypeError, match=r"'params\[0\]' must be a NumPy array"):
        optimizer.apply_gradients([[1.0, 2.0, 3.0]], [np.ones(3)])
    with pytest.raises(TypeError, match=r"'params\[0\]' must be a floating-point array"):
        optimizer.apply_gradients([np.arange(3)], [np.ones(3)])
    with pytest.raises(TypeError, match="'params'.*list of arrays"):
        optimizer.apply_gradients(w, good[0])
    with pytest.raises(TypeError, match="'grads'"):
        optimizer.apply_gradients([w], None)
    with pytest.raises(TypeError, match=r"'grads\[0\]'"):
        optimizer.apply_gradients([b], ["abc"])
    frozen = np.ones(3)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match=r"'params\[0\]' is read-only"):
        optimizer.apply_gradients([frozen], [np.ones(3)])
    # Nothing moved and no step was counted.
    np.testing.assert_array_equal(w, 1.0)
    np.testing.assert_array_equal(b, 0.0)
    assert optimizer.iterations == 0


def test_get_bad_input():
    with pytest.raises(ValueError, match="'name_or_optimizer'") as info:
        opt.get("adagrad")
    assert all(name in str(info.value) for name in ("'sgd'", "'rmsprop'", "'adam'"))
    with pytest.raises(TypeError, match="'name_or_optimizer'"):
        opt.get(0.01)

"""Tests for course_lib.layers: forward passes against loops written here, backward passes
against centred finite differences in float64, weights, shapes and error messages."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib.layers import (Activation, AveragePooling2D, BatchNormalization, Conv2D, Dense,
                               Dropout, Flatten, MaxPooling2D)
from course_lib.models import Sequential
from course_lib.utils import set_random_seed
from reference import centred_differences




def check_layer_gradients(layer, x, training=False, before_forward=None, tol=1e-6):
    """L = sum(layer(x) * R): compare backward(R) with finite differences for x and weights."""
    rng = np.random.default_rng(1)
    if before_forward:
        before_forward()
    y = layer(x, training=training)
    r = rng.normal(size=y.shape)

    def loss():
        if before_forward:
            before_forward()
        return float(np.sum(layer(x, training=training) * r))

    if before_forward:
        before_forward()
    layer(x, training=training)
    dx = layer.backward(r)
    grads = [g.copy() for g in layer.grads]
    np.testing.assert_allclose(dx, centred_differences(loss, x), rtol=tol, atol=tol)
    assert len(grads) == len(layer.trainable_weights)
    for w, g in zip(layer.trainable_weights, grads):
        np.testing.assert_allclose(g, centred_differences(loss, w), rtol=tol, atol=tol)


# --- Dense --------------------------------------------------------------------------------

def test_dense_forward_matches_a_loop(float64):
    set_random_seed(0)
    layer = Dense(3, activation="relu")
    x = np.random.default_rng(0).normal(size=(4, 5))
    y = layer(x)
    k, b = layer.kernel, layer.bias
    layer.set_weights([k, np.array([0.1, -0.2, 0.3])])
    y = layer(x)
    expected = np.zeros((4, 3))
    for n in range(4):
        for j in range(3):
            s = 0.1 * (j == 0) - 0.2 * (j == 1) + 0.3 * (j == 2)
            for i in range(5):
                s += x[n, i] * k[i, j]
            expected[n, j] = max(s, 0.0)
    np.testing.assert_allclose(y, expected, rtol=1e-12, atol=1e-12)
    assert layer.kernel.shape == (5, 3) and layer.bias.shape == (3,)


def test_dense_acts_on_the_last_axis_of_a_rank_3_input(float64):
    set_random_seed(0)
    layer = Dense(2)
    x = np.random.default_rng(0).normal(size=(3, 4, 5))
    y = layer(x)
    assert y.shape == (3, 4, 2)
    for t in range(4):
        np.testing.assert_allclose(y[:, t], x[:, t] @ layer.kernel + layer.bias)


@pytest.mark.parametrize("activation", ["linear", "sigmoid", "tanh", "relu", "elu", "softmax"])
def test_dense_backward_matches_finite_differences(float64, activation):
    set_random_seed(0)
    layer = Dense(4, activation=activation)
    x = np.random.default_rng(2).normal(size=(3, 5))
    check_layer_gradients(layer, x)


def test_dense_backward_on_rank_3_input(float64):
    set_random_seed(0)
    layer = Dense(3, activation="tanh")
    check_layer_gradients(layer, np.random.default_rng(3).normal(size=(2, 4, 5)))


def test_dense_without_bias_has_only_a_kernel(float64):
    layer = Dense(3, use_bias=False)
    layer(np.ones((2, 4)))
    assert [w.shape for w in layer.weights] == [(4, 3)]
    assert layer.count_params() == 12
    check_layer_gradients(layer, np.random.default_rng(0).normal(size=(2, 4)))


def test_dense_kernel_initializer_is_used(float64):
    layer = Dense(3, kernel_initializer="zeros")
    layer(np.ones((1, 4)))
    assert np.all(layer.kernel == 0)


def test_dense_bad_arguments_name_them():
    with pytest.raises(ValueError, match="'units'"):
        Dense(0)
    with pytest.raises(TypeError, match="'units'"):
        Dense(2.5)
    with pytest.raises(ValueError, match="'activation'.*relu"):
        Dense(3, activation="relux")
    with pytest.raises(ValueError, match="'input_shape'"):
        Dense(3, input_shape=(0,))
    with pytest.raises(TypeError, match="'input_shape'"):
        Dense(3, input_shape="8")
    with pytest.raises(TypeError, match="'kernel_size'"):
        Dense(3, kernel_size=3)


def test_layer_rejects_an_input_of_another_shape_once_built():
    layer = Dense(2)
    layer(np.ones((3, 4)))
    with pytest.raises(ValueError, match=r"\(None, 4\)"):
        layer(np.ones((3, 5)))


# --- Conv2D -------------------------------------------------------------------------------

def conv_reference(x, k, b, stride, pad_before, out_hw):
    """Plain loops over output pixels; x is already padded at the top-left by pad_before."""
    n, _, _, _ = x.shape
    kh, kw, _, c_out = k.shape
    ho, wo = out_hw
    y = np.zeros((n, ho, wo, c_out))
    for i in range(ho):
        for j in range(wo):
            r, c = i * stride - pad_before[0], j * stride - pad_before[1]
            for u in range(kh):
                for v in range(kw):
                    if 0 <= r + u < x.shape[1] and 0 <= c + v < x.shape[2]:
                        y[:, i, j, :] += x[:, r + u, c + v, :] @ k[u, v]
    return y + b


@pytest.mark.parametrize("size,padding,stride,out,before", [
    (7, "valid", 2, 3, (0, 0)),   # floor((7 - 3) / 2) + 1
    (8, "valid", 2, 3, (0, 0)),   # floor((8 - 3) / 2) + 1
    (7, "same", 2, 4, (1, 1)),    # ceil(7 / 2); padding total (4-1)*2+3-7 = 2 -> 1 before
    (8, "same", 2, 4, (0, 0)),    # ceil(8 / 2); total (4-1)*2+3-8 = 1 -> 0 before, 1 after
    (5, "same", 1, 5, (1, 1)),
])
def test_conv2d_forward_matches_loops(float64, size, padding, stride, out, before):
    set_random_seed(0)
    layer = Conv2D(2, (3, 3), strides=stride, padding=padding)
    x = np.random.default_rng(0).normal(size=(2, size, size, 3))
    layer(x)
    layer.set_weights([layer.kernel, np.array([0.5, -1.0])])
    y = layer(x)
    assert y.shape == (2, out, out, 2)
    assert layer.compute_output_shape((size, size, 3)) == (out, out, 2)
    np.testing.assert_allclose(y, conv_reference(x, layer.kernel, layer.bias, stride, before,
                                                 (out, out)), atol=1e-12)


@pytest.mark.parametrize("padding,stride", [("valid", 1), ("same", 2), ("valid", 2)])
def test_conv2d_backward_matches_finite_differences(float64, padding, stride):
    set_random_seed(0)
    layer = Conv2D(2, 3, strides=stride, padding=padding, activation="tanh")
    check_layer_gradients(layer, np.random.default_rng(4).normal(size=(2, 5, 5, 2)))


def test_conv2d_bad_arguments_name_them():
    with pytest.raises(ValueError, match="'padding'"):
        Conv2D(4, 3, padding="full")
    with pytest.raises(ValueError, match="'filters'"):
        Conv2D(0, 3)
    with pytest.raises(ValueError, match="'kernel_size'"):
        Conv2D(4, (3, 3, 3))
    with pytest.raises(ValueError, match="'strides'"):
        Conv2D(4, 3, strides=0)
    with pytest.raises(ValueError, match=r"\(N, H, W, C\)"):
        Conv2D(4, 3)(np.ones((2, 8)))


# --- pooling, flatten ---------------------------------------------------------------------

def test_max_pooling_forward_by_hand():
    x = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1)
    y = MaxPooling2D()(x)
    np.testing.assert_array_equal(y[0, :, :, 0], [[5, 7], [13, 15]])
    y = AveragePooling2D()(x)
    np.testing.assert_array_equal(y[0, :, :, 0], [[2.5, 4.5], [10.5, 12.5]])


@pytest.mark.parametrize("cls", [MaxPooling2D, AveragePooling2D])
@pytest.mark.parametrize("kwargs,out", [({}, 2), ({"padding": "same"}, 3),
                                         ({"pool_size": 3, "strides": 1}, 3)])
def test_pooling_backward_matches_finite_differences(float64, cls, kwargs, out):
    layer = cls(**kwargs)
    x = np.random.default_rng(5).normal(size=(2, 5, 5, 2))
    assert layer(x).shape == (2, out, out, 2)
    check_layer_gradients(layer, x)
    assert layer.count_params() == 0 and layer.grads == []


def test_pooling_bad_arguments_name_them():
    with pytest.raises(ValueError, match="'pool_size'"):
        MaxPooling2D(pool_size=0)
    with pytest.raises(ValueError, match="'padding'"):
        AveragePooling2D(padding="full")


def test_flatten_forward_and_backward(float64):
    layer = Flatten()
    x = np.random.default_rng(0).normal(size=(2, 3, 4, 5))
    y = layer(x)
    assert y.shape == (2, 60)
    np.testing.assert_array_equal(y[1], x[1].ravel())
    check_layer_gradients(layer, x)


# --- Dropout ------------------------------------------------------------------------------

def test_dropout_is_identity_at_inference():
    x = np.random.default_rng(0).normal(size=(5, 7)).astype(np.float32)
    layer = Dropout(0.5)
    np.testing.assert_array_equal(layer(x, training=False), x)
    np.testing.assert_array_equal(layer.backward(np.ones_like(x)), np.ones_like(x))


@settings(max_examples=25, deadline=None)
@given(rate=st.floats(0.05, 0.9), seed=st.integers(0, 1000))
def test_dropout_keeps_or_scales_each_entry(rate, seed):
    layer = Dropout(rate, seed=seed)
    x = np.ones((40, 50))
    y = layer(x.astype(np.float32), training=True)
    kept = y != 0
    np.testing.assert_allclose(y[kept], 1 / (1 - rate), rtol=1e-6)
    # backward uses the same mask
    g = layer.backward(np.full(x.shape, 2.0, dtype=np.float32))
    np.testing.assert_allclose(g, 2 * y, rtol=1e-6)


def test_dropout_keeps_the_expected_value():
    layer = Dropout(0.3, seed=0)
    y = layer(np.ones((200, 500), dtype=np.float32), training=True)
    assert abs((y == 0).mean() - 0.3) < 0.01
    assert abs(y.mean() - 1.0) < 0.02


def test_dropout_backward_with_a_fixed_mask(float64):
    layer = Dropout(0.4)
    x = np.random.default_rng(0).normal(size=(4, 6))

    def same_mask():
        layer.rng = np.random.default_rng(11)
    check_layer_gradients(layer, x, training=True, before_forward=same_mask)


def test_dropout_bad_rate_names_it():
    with pytest.raises(ValueError, match="'rate'"):
        Dropout(1.0)
    with pytest.raises(ValueError, match="'rate'"):
        Dropout(-0.1)


# --- BatchNormalization -------------------------------------------------------------------

def test_batch_norm_training_forward_and_moving_averages(float64):
    layer = BatchNormalization(momentum=0.9, epsilon=1e-3)
    x = np.random.default_rng(0).normal(2.0, 3.0, size=(6, 4))
    layer(x)  # build
    gamma, beta = np.array([1.0, 2.0, 0.5, -1.0]), np.array([0.0, 1.0, -1.0, 2.0])
    layer.set_weights([gamma, beta, np.zeros(4), np.ones(4)])
    y = layer(x, training=True)
    mu = x.sum(axis=0) / 6
    var = ((x - mu) ** 2).sum(axis=0) / 6
    np.testing.assert_allclose(y, gamma * (x - mu) / np.sqrt(var + 1e-3) + beta, rtol=1e-12)
    np.testing.assert_allclose(layer.moving_mean, 0.1 * mu, rtol=1e-12)
    np.testing.assert_allclose(layer.moving_variance, 0.9 + 0.1 * var, rtol=1e-12)
    # inference uses the moving statistics, and does not change them
    y = layer(x, training=False)
    np.testing.assert_allclose(y, gamma * (x - 0.1 * mu) / np.sqrt(0.9 + 0.1 * var + 1e-3)
                               + beta, rtol=1e-12)
    np.testing.assert_allclose(layer.moving_mean, 0.1 * mu, rtol=1e-12)


def test_batch_norm_weights_trainable_and_not():
    layer = BatchNormalization()
    layer(np.ones((2, 3, 3, 5), dtype=np.float32))
    assert [w.shape for w in layer.trainable_weights] == [(5,), (5,)]
    assert [w.shape for w in layer.non_trainable_weights] == [(5,), (5,)]
    assert layer.count_params() == 20


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("shape", [(6, 3), (2, 3, 3, 2)])
def test_batch_norm_backward_matches_finite_differences(float64, training, shape):
    layer = BatchNormalization()
    rng = np.random.default_rng(6)
    x = rng.normal(size=shape)
    layer(x)
    c = shape[-1]
    layer.set_weights([rng.normal(size=c), rng.normal(size=c), rng.normal(size=c),
                       rng.uniform(0.5, 2, size=c)])
    check_layer_gradients(layer, x, training=training)


def test_batch_norm_bad_arguments_name_them():
    with pytest.raises(ValueError, match="'axis'"):
        BatchNormalization(axis=1)
    with pytest.raises(ValueError, match="'momentum'"):
        BatchNormalization(momentum=1.5)
    with pytest.raises(ValueError, match="'epsilon'"):
        BatchNormalization(epsilon=0)


# --- Activation ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh", "softmax", "leaky_relu"])
def test_activation_layer_backward(float64, name):
    check_layer_gradients(Activation(name), np.random.default_rng(7).normal(size=(3, 4)))


def test_activation_layer_forward_by_hand():
    y = Activation("relu")(np.array([[-1.0, 0.0, 2.0]]))
    np.testing.assert_array_equal(y, [[0.0, 0.0, 2.0]])
    y = Activation("sigmoid")(np.array([[0.0]], dtype=np.float32))
    assert y.dtype == np.float32 and y[0, 0] == 0.5


def test_activation_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match="'activation'.*'sigmoid'"):
        Activation("sigmoidd")


# --- weights, names, dtype ----------------------------------------------------------------

def test_get_and_set_weights_copy_and_check_shapes():
    layer = Dense(2, name="hidden")
    layer(np.ones((1, 3), dtype=np.float32))
    kernel_array = layer.kernel
    w = layer.get_weights()
    w[0][:] = 7
    assert not np.any(layer.kernel == 7)  # get_weights gives copies
    layer.set_weights([np.full((3, 2), 2.0), np.zeros(2)])
    assert layer.kernel is kernel_array and np.all(layer.kernel == 2)  # same array, new values
    with pytest.raises(ValueError, match=r"'weights\[0\]'.*\(3, 2\).*'hidden'"):
        layer.set_weights([np.ones((2, 3)), np.zeros(2)])
    with pytest.raises(ValueError, match="'weights'"):
        layer.set_weights([np.ones((3, 2))])


def test_frozen_layer_moves_its_weights_to_non_trainable():
    layer = Dense(2)
    layer(np.ones((1, 3), dtype=np.float32))
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 2
    layer.backward(np.ones((1, 2), dtype=np.float32))
    assert layer.grads == []


def test_default_names_follow_keras():
    assert Dense(2).name == "dense"
    assert MaxPooling2D().name == "max_pooling2d"
    assert BatchNormalization().name == "batch_normalization"
    assert Conv2D(2, 3, name="c1").name == "c1"


def test_layers_compute_in_floatx():
    layer = Dense(2)
    assert layer(np.ones((1, 3))).dtype == np.float32
    assert layer.kernel.dtype == np.float32


def test_count_params_before_build_is_a_plain_error():
    with pytest.raises(ValueError, match="not built"):
        Dense(3).count_params()


@pytest.mark.parametrize("layer, name", [
    (lambda: Conv2D(4, 5, input_shape=(3, 3, 1)), r"Conv2D 'conv2d': kernel_size \(5, 5\) "
                                                   r"does not fit in its 3x3 input"),
    (lambda: MaxPooling2D(4, input_shape=(3, 8, 1)), r"MaxPooling2D 'max_pooling2d': "
                                                     r"pool_size \(4, 4\) does not fit"),
])
def test_a_window_larger_than_its_input_is_named_by_its_layer(layer, name):
    with pytest.raises(ValueError, match=name):
        Sequential([layer()])


# --- initializers are checked when the layer is constructed, not when it is built ----------

@pytest.mark.parametrize("cls, args", [(Dense, (3,)), (Conv2D, (4, 3))])
def test_unknown_initializer_fails_at_construction(cls, args):
    name = cls.__name__
    with pytest.raises(ValueError, match=rf"{name}: argument 'kernel_initializer' must be one "
                                         rf"of .*'glorot_uniform'.*'he_normal'.*got 'glorot' "
                                         rf"\(did you mean 'glorot_uniform' or "
                                         rf"'glorot_normal'\?\)"):
        cls(*args, kernel_initializer="glorot")
    with pytest.raises(ValueError, match=rf"{name}: argument 'bias_initializer'.*'zeros'.*"
                                         rf"got 'zero_s'"):
        cls(*args, bias_initializer="zero_s")
    with pytest.raises(TypeError, match=rf"{name}: argument 'kernel_initializer' must be an "
                                        rf"initializer name.*got 3 \(int\)"):
        cls(*args, kernel_initializer=3)


def test_known_initializers_still_work_by_every_spelling(float64):
    def halves(shape, random_state=None, dtype=np.float32):
        return np.full(shape, 0.5, dtype=dtype)

    for init in ("he_normal", "HeNormal", "normal", halves):
        layer = Dense(2, kernel_initializer=init)
        assert layer.kernel_initializer is init  # kept as given, as before
        layer(np.ones((1, 3)))
        assert layer.kernel.shape == (3, 2)
    np.testing.assert_array_equal(layer.kernel, 0.5)

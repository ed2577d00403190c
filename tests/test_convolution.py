"""Tests for course_lib.convolution.

Every expected value comes from somewhere other than the code under test: SciPy's
``scipy.signal.correlate``, plain loops written here, small cases worked out by hand, and centred
finite differences in float64 for the backward passes. The 'same' padding used by the
references is recomputed here from TensorFlow's rule, not taken from the module.
"""
import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.signal import correlate

from course_lib.convolution import (average_pool2d, average_pool2d_backward, conv2d,
                                    conv2d_backward, conv_output_size, max_pool2d,
                                    max_pool2d_backward, same_padding)
from reference import centred_differences


# ------------------------------------------------------------------------------------------
# independent references
# ------------------------------------------------------------------------------------------

def tf_pads(n, f, s, padding):
    """TensorFlow's rule, written out again for the tests: (out, before, after)."""
    if padding == "valid":
        return (n - f) // s + 1, 0, 0
    out = math.ceil(n / s)
    total = max((out - 1) * s + f - n, 0)
    return out, total // 2, total - total // 2


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def pad_image(x, kh, kw, strides, padding, value=0.0):
    sh, sw = pair(strides)
    _, top, bottom = tf_pads(x.shape[1], kh, sh, padding)
    _, left, right = tf_pads(x.shape[2], kw, sw, padding)
    return np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=value)


def conv_scipy(x, kernel, bias, strides, padding):
    """Cross-correlate each (image, input channel) with SciPy, sum the channels, then stride."""
    kh, kw, c_in, c_out = kernel.shape
    sh, sw = pair(strides)
    xp = pad_image(x, kh, kw, strides, padding)
    out = []
    for n in range(x.shape[0]):
        maps = []
        for o in range(c_out):
            full = sum(correlate(xp[n, :, :, c], kernel[:, :, c, o], mode="valid")
                       for c in range(c_in))
            maps.append(full[::sh, ::sw] + (0.0 if bias is None else bias[o]))
        out.append(np.stack(maps, axis=-1))
    return np.stack(out)


def conv_loop(x, kernel, bias, strides, padding):
    """The definition, one output number at a time."""
    kh, kw, c_in, c_out = kernel.shape
    sh, sw = pair(strides)
    xp = pad_image(x, kh, kw, strides, padding)
    ho = (xp.shape[1] - kh) // sh + 1
    wo = (xp.shape[2] - kw) // sw + 1
    y = np.zeros((x.shape[0], ho, wo, c_out))
    for n in range(x.shape[0]):
        for i in range(ho):
            for j in range(wo):
                for o in range(c_out):
                    total = 0.0 if bias is None else bias[o]
                    for u in range(kh):
                        for v in range(kw):
                            for c in range(c_in):
                                total += xp[n, i * sh + u, j * sw + v, c] * kernel[u, v, c, o]
                    y[n, i, j, o] = total
    return y


def pool_loop(x, pool_size, strides, padding, kind):
    """Max or mean over the real (unpadded) pixels of each window, by loops."""
    ph, pw = pair(pool_size)
    sh, sw = pair(pool_size if strides is None else strides)
    n_, h, w, c_ = x.shape
    ho, top, _ = tf_pads(h, ph, sh, padding)
    wo, left, _ = tf_pads(w, pw, sw, padding)
    y = np.zeros((n_, ho, wo, c_))
    for n in range(n_):
        for i in range(ho):
            for j in range(wo):
                for c in range(c_):
                    vals = [x[n, r, q, c]
                            for r in range(i * sh - top, i * sh - top + ph)
                            for q in range(j * sw - left, j * sw - left + pw)
                            if 0 <= r < h and 0 <= q < w]
                    y[n, i, j, c] = max(vals) if kind == "max" else sum(vals) / len(vals)
    return y


def rel_error(a, b):
    return np.max(np.abs(a - b)) / max(np.max(np.abs(a) + np.abs(b)), 1e-300)


# ------------------------------------------------------------------------------------------
# sizes and padding
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("n, f, s, padding, expected", [
    (28, 3, 1, "valid", 26),
    (28, 3, 1, "same", 28),
    (28, 3, 2, "same", 14),
    (7, 3, 2, "valid", 3),     # windows start at 0, 2, 4
    (7, 2, 3, "valid", 2),     # windows start at 0, 3 (the one at 6 would not fit)
    (7, 2, 3, "same", 3),      # ceil(7 / 3)
    (5, 5, 1, "valid", 1),
    (5, 1, 3, "same", 2),
])
def test_conv_output_size_by_hand(n, f, s, padding, expected):
    assert conv_output_size(n, f, s, padding) == expected


@pytest.mark.parametrize("n, f, s, expected", [
    (5, 3, 1, (1, 1)),
    (4, 2, 1, (0, 1)),   # odd total: the extra zero goes after
    (6, 3, 2, (0, 1)),   # out 3, total (3-1)*2 + 3 - 6 = 1
    (7, 4, 2, (1, 2)),   # out 4, total 3*2 + 4 - 7 = 3
    (7, 1, 3, (0, 0)),   # stride larger than the window: no padding needed
    (3, 5, 1, (2, 2)),
])
def test_same_padding_by_hand(n, f, s, expected):
    assert same_padding(n, f, s) == expected


@settings(max_examples=200, deadline=None)
@given(n=st.integers(1, 40), f=st.integers(1, 9), s=st.integers(1, 5))
def test_output_size_formula_agrees_with_padding(n, f, s):
    before, after = same_padding(n, f, s)
    assert before + after == max((math.ceil(n / s) - 1) * s + f - n, 0)
    assert after - before in (0, 1)
    assert conv_output_size(n, f, s, "same") == math.ceil(n / s)
    assert conv_output_size(n, f, s, "same") == (n + before + after - f) // s + 1
    if f <= n:
        assert conv_output_size(n, f, s, "valid") == (n - f) // s + 1


# ------------------------------------------------------------------------------------------
# conv2d forward
# ------------------------------------------------------------------------------------------

# (H, W) odd and even, kernels odd, even and mixed, several channel counts
CONV_CASES = [
    (hw, k, s, padding, ch)
    for (hw, k, ch), s, padding in itertools.product(
        [((7, 9), (3, 3), (1, 1)), ((8, 6), (2, 4), (3, 2)), ((9, 8), (4, 3), (2, 5)),
         ((6, 7), (1, 1), (2, 3))],
        [1, 2, 3, (2, 1)],
        ["valid", "same"])
]


@pytest.mark.parametrize("hw, k, strides, padding, ch", CONV_CASES)
def test_conv2d_matches_scipy_and_loop(hw, k, strides, padding, ch):
    rng = np.random.default_rng(sum(hw) * 100 + sum(k) * 10 + sum(ch))
    x = rng.normal(size=(2, *hw, ch[0]))
    kernel = rng.normal(size=(*k, *ch))
    bias = rng.normal(size=ch[1])
    y = conv2d(x, kernel, bias, strides=strides, padding=padding)
    np.testing.assert_allclose(y, conv_scipy(x, kernel, bias, strides, padding), atol=1e-12)
    np.testing.assert_allclose(y, conv_loop(x, kernel, bias, strides, padding), atol=1e-12)


def test_conv2d_by_hand():
    # a 3x3 image and a 2x2 kernel that adds the top-left and subtracts the bottom-right pixel
    x = np.arange(9.0).reshape(1, 3, 3, 1)
    kernel = np.array([[1.0, 0.0], [0.0, -1.0]]).reshape(2, 2, 1, 1)
    np.testing.assert_array_equal(conv2d(x, kernel)[0, :, :, 0], [[-4, -4], [-4, -4]])
    # 'same' pads one zero after (bottom / right): the last row and column see x - 0
    np.testing.assert_array_equal(conv2d(x, kernel, padding="same")[0, :, :, 0],
                                  [[-4, -4, 2], [-4, -4, 5], [6, 7, 8]])


def test_conv2d_without_bias_and_with_lists():
    x = [[[[1.0], [2.0]], [[3.0], [4.0]]]]
    y = conv2d(x, np.ones((2, 2, 1, 1)))
    assert y.shape == (1, 1, 1, 1) and y[0, 0, 0, 0] == 10.0


def test_conv2d_dtypes():
    rng = np.random.default_rng(0)
    x32 = rng.normal(size=(1, 5, 5, 2)).astype(np.float32)
    k32 = rng.normal(size=(3, 3, 2, 4)).astype(np.float32)
    assert conv2d(x32, k32, np.zeros(4, np.float32), padding="same").dtype == np.float32
    dx, dk, db = conv2d_backward(np.ones((1, 5, 5, 4), np.float32), x32, k32, padding="same")
    assert dx.dtype == dk.dtype == db.dtype == np.float32
    # integer images (e.g. uint8 pixels) and other floats are computed in float64
    x_int = rng.integers(0, 255, size=(1, 5, 5, 2)).astype(np.uint8)
    assert conv2d(x_int, k32.astype(np.float64)).dtype == np.float64
    assert conv2d(x32.astype(np.float16), k32.astype(np.float16)).dtype == np.float64
    assert conv2d(x32, k32.astype(np.float64)).dtype == np.float64
    np.testing.assert_allclose(conv2d(x32, k32), conv_loop(x32.astype(float), k32.astype(float),
                                                           None, 1, "valid"), rtol=1e-5,
                               atol=1e-5)


# ------------------------------------------------------------------------------------------
# pooling forward
# ------------------------------------------------------------------------------------------

POOL_CASES = [
    (hw, pool, strides, padding)
    for hw, (pool, strides), padding in itertools.product(
        [(7, 9), (8, 6)],
        [(2, None), (3, None), (3, 1), (2, 3), ((2, 3), None), (3, 2), ((3, 2), (1, 2))],
        ["valid", "same"])
]


@pytest.mark.parametrize("kind", ["max", "average"])
@pytest.mark.parametrize("hw, pool, strides, padding", POOL_CASES)
def test_pooling_matches_loop(kind, hw, pool, strides, padding):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, *hw, 3))
    f = max_pool2d if kind == "max" else average_pool2d
    y = f(x, pool_size=pool, strides=strides, padding=padding)
    np.testing.assert_allclose(y, pool_loop(x, pool, strides, padding, kind), atol=1e-12)


def test_pooling_by_hand():
    x = np.arange(9.0).reshape(1, 3, 3, 1)
    # 'same' with pool 2, stride 2: one padded row and column after; the corner window holds 8
    np.testing.assert_array_equal(max_pool2d(x, 2, padding="same")[0, :, :, 0],
                                  [[4, 5], [7, 8]])
    # averages count only the real pixels: (0+1+3+4)/4, (2+5)/2, (6+7)/2, 8/1
    np.testing.assert_array_equal(average_pool2d(x, 2, padding="same")[0, :, :, 0],
                                  [[2, 3.5], [6.5, 8]])
    np.testing.assert_array_equal(max_pool2d(x, 2)[0, :, :, 0], [[4]])
    # negative values: padding with zeros would wrongly win, -inf padding never does
    np.testing.assert_array_equal(max_pool2d(-1 - x, 2, padding="same")[0, :, :, 0],
                                  [[-1, -3], [-7, -9]])


def test_pooling_dtypes():
    x32 = np.random.default_rng(0).normal(size=(1, 4, 4, 2)).astype(np.float32)
    for f, b in [(max_pool2d, max_pool2d_backward), (average_pool2d, average_pool2d_backward)]:
        y = f(x32, padding="same")
        assert y.dtype == np.float32
        assert b(np.ones_like(y), x32, padding="same").dtype == np.float32
        assert f(x32.astype(np.float16)).dtype == np.float64
        assert f(np.arange(16).reshape(1, 4, 4, 1)).dtype == np.float64


# ------------------------------------------------------------------------------------------
# backward passes against centred finite differences
# ------------------------------------------------------------------------------------------

GRAD_CASES = [((5, 6), (3, 3), 1, "same"), ((6, 5), (2, 3), 2, "same"),
              ((7, 7), (3, 2), 3, "valid"), ((6, 6), (2, 2), (1, 2), "valid"),
              ((5, 7), (4, 4), 3, "same")]


@pytest.mark.parametrize("hw, k, strides, padding", GRAD_CASES)
def test_conv2d_backward_matches_finite_differences(hw, k, strides, padding):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(2, *hw, 3))
    kernel = rng.normal(size=(*k, 3, 2))
    bias = rng.normal(size=2)
    y_shape = conv2d(x, kernel, bias, strides, padding).shape
    weights = rng.normal(size=y_shape)  # L = sum(weights * y), so dL/dy = weights

    def loss():
        return np.sum(weights * conv2d(x, kernel, bias, strides, padding))

    dx, dkernel, dbias = conv2d_backward(weights, x, kernel, strides, padding)
    assert dx.shape == x.shape and dkernel.shape == kernel.shape and dbias.shape == bias.shape
    assert rel_error(dx, centred_differences(loss, x)) < 1e-6
    assert rel_error(dkernel, centred_differences(loss, kernel)) < 1e-6
    assert rel_error(dbias, centred_differences(loss, bias)) < 1e-6


@pytest.mark.parametrize("strides, padding", [(1, "same"), ((2, 1), "same"), (3, "valid")])
def test_conv2d_in_many_cache_blocks_is_the_same_convolution(monkeypatch, strides, padding):
    """Forward and backward work on pieces of the batch (``_BLOCK_BYTES``); with pieces made
    tiny, every image and every 256 rows is a piece of its own. The forward is compared with
    the plain loop; the backward, too big for finite differences, with the dot-product test of
    a linear map A and its transpose: <A(x'), g> = <x', A^T(g)> for random x' (A = convolution
    with the kernel, so A^T(g) = dx) and likewise for the kernel, so any wrong entry of dx or
    dkernel shows."""
    import course_lib.convolution as conv

    monkeypatch.setattr(conv, "_BLOCK_BYTES", 1)
    rng = np.random.default_rng(11)
    x = rng.normal(size=(3, 20, 23, 3))
    kernel = rng.normal(size=(3, 4, 3, 5))
    y = conv2d(x, kernel, None, strides, padding)
    np.testing.assert_allclose(y, conv_loop(x, kernel, np.zeros(5), strides, padding),
                               atol=1e-12)
    g = rng.normal(size=y.shape)
    dx, dkernel, dbias = conv2d_backward(g, x, kernel, strides, padding)
    assert len(dx.reshape(-1, 3)) > 4 * 256  # the backward really ran in several pieces
    for _ in range(3):
        x_probe, k_probe = rng.normal(size=x.shape), rng.normal(size=kernel.shape)
        np.testing.assert_allclose(np.sum(conv2d(x_probe, kernel, None, strides, padding) * g),
                                   np.sum(x_probe * dx), rtol=1e-10)
        np.testing.assert_allclose(np.sum(conv2d(x, k_probe, None, strides, padding) * g),
                                   np.sum(k_probe * dkernel), rtol=1e-10)
    np.testing.assert_allclose(dbias, g.sum(axis=(0, 1, 2)), rtol=1e-12)


@pytest.mark.parametrize("kind", ["max", "average"])
@pytest.mark.parametrize("hw, pool, strides, padding", [
    ((6, 6), 2, None, "valid"), ((5, 7), 2, None, "same"), ((6, 5), 3, 1, "same"),
    ((7, 6), (3, 2), 2, "valid"), ((5, 5), 3, 2, "same")])
def test_pooling_backward_matches_finite_differences(kind, hw, pool, strides, padding):
    rng = np.random.default_rng(11)
    shape = (2, *hw, 2)
    # distinct values 0.01 apart: no ties, and a step of eps never changes the arg-max
    x = rng.permutation(np.prod(shape)).reshape(shape) * 0.01
    f, backward = ((max_pool2d, max_pool2d_backward) if kind == "max"
                   else (average_pool2d, average_pool2d_backward))
    weights = rng.normal(size=f(x, pool, strides, padding).shape)

    def loss():
        return np.sum(weights * f(x, pool, strides, padding))

    dx = backward(weights, x, pool, strides, padding)
    assert dx.shape == x.shape
    assert rel_error(dx, centred_differences(loss, x)) < 1e-6


def test_max_pool_backward_ties_go_to_the_first_element():
    x = np.array([[5.0, 5.0], [1.0, 5.0]]).reshape(1, 2, 2, 1)
    dx = max_pool2d_backward(np.array([[[[3.0]]]]), x, 2)
    np.testing.assert_array_equal(dx[0, :, :, 0], [[3, 0], [0, 0]])


def test_average_pool_backward_by_hand():
    x = np.zeros((1, 3, 3, 1))
    dx = average_pool2d_backward(np.array([1.0, 2.0, 4.0, 8.0]).reshape(1, 2, 2, 1), x, 2,
                                 padding="same")
    # each window shares its gradient among its real pixels: 4, 2, 2 and 1 of them
    np.testing.assert_array_equal(dx[0, :, :, 0], [[0.25, 0.25, 1], [0.25, 0.25, 1], [2, 2, 8]])


# ------------------------------------------------------------------------------------------
# invariants for random sizes
# ------------------------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(h=st.integers(1, 12), w=st.integers(1, 12), kh=st.integers(1, 5), kw=st.integers(1, 5),
       sh=st.integers(1, 4), sw=st.integers(1, 4), padding=st.sampled_from(["valid", "same"]),
       c_in=st.integers(1, 3), c_out=st.integers(1, 3))
def test_conv2d_output_shape_formula(h, w, kh, kw, sh, sw, padding, c_in, c_out):
    x = np.ones((2, h, w, c_in))
    kernel = np.ones((kh, kw, c_in, c_out))
    if padding == "valid" and (kh > h or kw > w):
        with pytest.raises(ValueError, match="larger than"):
            conv2d(x, kernel, strides=(sh, sw), padding=padding)
        return
    if padding == "same":
        expected = (math.ceil(h / sh), math.ceil(w / sw))
    else:
        expected = ((h - kh) // sh + 1, (w - kw) // sw + 1)
    y = conv2d(x, kernel, strides=(sh, sw), padding=padding)
    assert y.shape == (2, *expected, c_out)
    dx, dkernel, dbias = conv2d_backward(np.ones_like(y), x, kernel, (sh, sw), padding)
    assert (dx.shape, dkernel.shape, dbias.shape) == (x.shape, kernel.shape, (c_out,))


@settings(max_examples=60, deadline=None)
@given(h=st.integers(1, 12), w=st.integers(1, 12), ph=st.integers(1, 4), pw=st.integers(1, 4),
       strides=st.one_of(st.none(), st.tuples(st.integers(1, 4), st.integers(1, 4))),
       padding=st.sampled_from(["valid", "same"]), seed=st.integers(0, 2**16))
def test_pooling_shape_and_gradient_mass(h, w, ph, pw, strides, padding, seed):
    x = np.random.default_rng(seed).normal(size=(2, h, w, 2))
    sh, sw = (ph, pw) if strides is None else strides
    if padding == "valid" and (ph > h or pw > w):
        with pytest.raises(ValueError, match="larger than"):
            max_pool2d(x, (ph, pw), strides, padding)
        return
    if padding == "same":
        expected = (math.ceil(h / sh), math.ceil(w / sw))
    else:
        expected = ((h - ph) // sh + 1, (w - pw) // sw + 1)
    for f, backward in [(max_pool2d, max_pool2d_backward),
                        (average_pool2d, average_pool2d_backward)]:
        y = f(x, (ph, pw), strides, padding)
        assert y.shape == (2, *expected, 2)
        # every window hands on exactly the gradient it received, no more, no less
        g = np.random.default_rng(seed + 1).normal(size=y.shape)
        dx = backward(g, x, (ph, pw), strides, padding)
        assert dx.shape == x.shape
        np.testing.assert_allclose(dx.sum(), g.sum(), atol=1e-9)
    # the max of a window is one of its values and bounds its mean
    assert np.all(max_pool2d(x, (ph, pw), strides, padding)
                  >= average_pool2d(x, (ph, pw), strides, padding) - 1e-12)


# ------------------------------------------------------------------------------------------
# bad input
# ------------------------------------------------------------------------------------------

X = np.ones((1, 5, 5, 3))
K = np.ones((3, 3, 3, 2))


def test_conv_output_size_bad_input():
    with pytest.raises(ValueError, match="'f'"):
        conv_output_size(3, 5, 1, "valid")
    with pytest.raises(ValueError, match="'stride'"):
        conv_output_size(5, 3, 0)
    with pytest.raises(ValueError, match="'padding'"):
        conv_output_size(5, 3, 1, "full")
    with pytest.raises(TypeError, match="'n'"):
        conv_output_size(5.5, 3)


def test_same_padding_bad_input():
    with pytest.raises(ValueError, match="'stride'"):
        same_padding(5, 3, -1)
    with pytest.raises(ValueError, match="'f'"):
        same_padding(5, 0, 1)


def test_conv2d_bad_rank():
    with pytest.raises(ValueError, match=r"'x' must have 4 dimensions \(N, H, W, C\)"):
        conv2d(np.ones((28, 28)), K)
    with pytest.raises(ValueError, match="'kernel' must have 4 dimensions"):
        conv2d(X, np.ones((3, 3)))


def test_conv2d_channel_mismatch():
    with pytest.raises(ValueError, match="conv2d: input has 3 channels but the kernel "
                                         "expects 1.*'x'"):
        conv2d(X, np.ones((3, 3, 1, 4)))


def test_conv2d_kernel_larger_than_input():
    with pytest.raises(ValueError, match="larger than.*'x'.*padding='valid'"):
        conv2d(X, np.ones((6, 3, 3, 1)))
    # with 'same' the input is padded, so the same kernel is fine
    assert conv2d(X, np.ones((6, 3, 3, 1)), padding="same").shape == (1, 5, 5, 1)


def test_conv2d_bad_padding_strides_bias_nan():
    with pytest.raises(ValueError, match="'padding'"):
        conv2d(X, K, padding="SAME")
    with pytest.raises(ValueError, match="'strides'"):
        conv2d(X, K, strides=0)
    with pytest.raises(ValueError, match="'strides'"):
        conv2d(X, K, strides=(1, -2))
    with pytest.raises(TypeError, match="'strides'"):
        conv2d(X, K, strides=1.5)
    with pytest.raises(ValueError, match="'bias'.*C_out = 2"):
        conv2d(X, K, bias=np.ones(3))
    bad = X.copy()
    bad[0, 1, 2, 0] = np.nan
    with pytest.raises(ValueError, match="'x' contains 1 NaN"):
        conv2d(bad, K)
    with pytest.raises(TypeError, match="'x'"):
        conv2d("image", K)


def test_conv2d_backward_bad_input():
    with pytest.raises(ValueError, match="'grad_out'.*shape"):
        conv2d_backward(np.ones((1, 5, 5, 2)), X, K)  # 'valid' gives (1, 3, 3, 2)
    with pytest.raises(ValueError, match="'grad_out' must have 4 dimensions"):
        conv2d_backward(np.ones((3, 3)), X, K)
    with pytest.raises(ValueError, match="input has 3 channels.*'x'"):
        conv2d_backward(np.ones((1, 3, 3, 2)), X, np.ones((3, 3, 1, 2)))
    with pytest.raises(ValueError, match="'padding'"):
        conv2d_backward(np.ones((1, 3, 3, 2)), X, K, padding="full")


@pytest.mark.parametrize("f", [max_pool2d, average_pool2d])
def test_pooling_bad_input(f):
    with pytest.raises(ValueError, match=r"'x' must have 4 dimensions \(N, H, W, C\)"):
        f(np.ones((5, 5, 3)))
    with pytest.raises(ValueError, match="'pool_size'"):
        f(X, pool_size=0)
    with pytest.raises(ValueError, match="'strides'"):
        f(X, strides=(0, 1))
    with pytest.raises(ValueError, match="'padding'"):
        f(X, padding="full")
    with pytest.raises(ValueError, match="larger than.*'x'"):
        f(X, pool_size=6)
    with pytest.raises(ValueError, match="'x' contains"):
        f(np.full((1, 2, 2, 1), np.inf))


@pytest.mark.parametrize("backward", [max_pool2d_backward, average_pool2d_backward])
def test_pooling_backward_bad_input(backward):
    with pytest.raises(ValueError, match="'grad_out'.*shape"):
        backward(np.ones((1, 3, 3, 3)), X, 2)  # 'valid' pool 2 gives (1, 2, 2, 3)
    with pytest.raises(ValueError, match="'x' must have 4 dimensions"):
        backward(np.ones((1, 2, 2, 3)), np.ones((5, 5)), 2)
    with pytest.raises(ValueError, match="'grad_out' contains"):
        backward(np.full((1, 2, 2, 3), np.nan), X, 2)

"""Tests for course_lib.activations.

References are independent of the code under test: values worked out by hand, SciPy
(expit, softmax), and centred finite differences written out again in this file.
"""
import warnings

import numpy as np
import pytest
import scipy.special
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays

from course_lib import activations as A

ELEMENTWISE = ["linear", "step", "sigmoid", "tanh", "relu", "leaky_relu", "elu"]


def fd_derivative(f, x, h=1e-6):
    """Centred differences of an elementwise f, entry by entry, in float64."""
    x = np.asarray(x, dtype=np.float64)
    return (np.asarray(f(x + h)) - np.asarray(f(x - h))) / (2 * h)


def fd_jacobian(f, x, h=1e-6):
    """J[i, j] = d f(x)_i / d x_j of a vector function, one column per perturbed input."""
    x = np.asarray(x, dtype=np.float64)
    cols = []
    for j in range(x.size):
        e = np.zeros_like(x)
        e[j] = h
        cols.append((f(x + e) - f(x - e)) / (2 * h))
    return np.stack(cols, axis=-1)


def rel_err(a, b):
    return np.max(np.abs(a - b)) / max(np.max(np.abs(a) + np.abs(b)), 1e-300)


# Points kept away from the kink at 0, where a finite difference straddles two branches.
POINTS = np.array([-7.5, -2.0, -0.6, -0.01, 0.01, 0.3, 1.0, 2.5, 9.0])


# --- values ---------------------------------------------------------------------------------

def test_values_by_hand():
    x = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(A.linear(x), [-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(A.step(x), [0.0, 1.0, 1.0])  # step(0) = 1: the unit fires
    np.testing.assert_array_equal(A.relu(x), [0.0, 0.0, 3.0])
    np.testing.assert_allclose(A.leaky_relu(x), [-0.6, 0.0, 3.0])  # 0.3 * -2
    np.testing.assert_allclose(A.leaky_relu(x, alpha=0.1), [-0.2, 0.0, 3.0])
    # elu(-2) = e^-2 - 1 = 0.1353352832 - 1
    np.testing.assert_allclose(A.elu(x), [0.1353352832366127 - 1, 0.0, 3.0], rtol=1e-12)
    np.testing.assert_allclose(A.elu(x, alpha=2.0), [2 * (0.1353352832366127 - 1), 0, 3])
    # sigmoid(ln 3) = 1 / (1 + 1/3) = 3/4; sigmoid(0) = 1/2
    np.testing.assert_allclose(A.sigmoid([np.log(3.0), 0.0]), [0.75, 0.5], rtol=1e-14)
    # tanh(ln 2) = (2 - 1/2) / (2 + 1/2) = 3/5
    np.testing.assert_allclose(A.tanh(np.log(2.0)), 0.6, rtol=1e-14)
    # softmax(0, ln 2, ln 5) = (1, 2, 5) / 8
    np.testing.assert_allclose(A.softmax([0.0, np.log(2.0), np.log(5.0)]),
                               [1 / 8, 2 / 8, 5 / 8], rtol=1e-14)


def test_against_scipy():
    x = np.random.default_rng(1).normal(scale=20, size=(5, 7))
    np.testing.assert_allclose(A.sigmoid(x), scipy.special.expit(x), rtol=1e-12)
    np.testing.assert_allclose(A.softmax(x), scipy.special.softmax(x, axis=-1), rtol=1e-12)
    np.testing.assert_allclose(A.softmax(x, axis=0), scipy.special.softmax(x, axis=0),
                               rtol=1e-12)


def test_derivative_values_at_kinks_and_by_hand():
    x = np.array([-1.0, 0.0, 2.0])
    np.testing.assert_array_equal(A.relu_derivative(x), [0.0, 0.0, 1.0])  # relu'(0) = 0
    np.testing.assert_allclose(A.leaky_relu_derivative(x), [0.3, 0.3, 1.0])
    np.testing.assert_allclose(A.elu_derivative(x, alpha=0.5), [0.5 * np.exp(-1), 0.5, 1.0])
    np.testing.assert_array_equal(A.step_derivative(x), [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(A.linear_derivative(x), [1.0, 1.0, 1.0])
    assert A.sigmoid_derivative(0.0) == pytest.approx(0.25)  # (1/2)(1/2)
    assert A.tanh_derivative(0.0) == pytest.approx(1.0)


# --- derivatives against finite differences ------------------------------------------------

@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_finite_differences(name):
    f, df = A.get(name)
    assert rel_err(df(POINTS), fd_derivative(f, POINTS)) < 1e-6


@pytest.mark.parametrize("alpha", [0.01, 0.5, 2.0])
def test_parametrised_derivatives_match_finite_differences(alpha):
    for f, df in [(A.leaky_relu, A.leaky_relu_derivative), (A.elu, A.elu_derivative)]:
        numeric = fd_derivative(lambda v: f(v, alpha=alpha), POINTS)
        assert rel_err(df(POINTS, alpha=alpha), numeric) < 1e-6


@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_softmax_jacobian_matches_finite_differences(axis):
    x = np.random.default_rng(2).normal(size=(3, 4))
    jac = A.softmax_derivative(x, axis=axis)
    moved = np.moveaxis(x, axis, -1)  # (M, K): one softmax vector per row
    assert jac.shape == moved.shape + (moved.shape[-1],)
    for m in range(moved.shape[0]):
        numeric = fd_jacobian(lambda v: scipy.special.softmax(v), moved[m])
        assert rel_err(jac[m], numeric) < 1e-6


def test_softmax_jacobian_structure_by_hand():
    # s = (1/4, 3/4): J = diag(s) - s s^T = [[3/16, -3/16], [-3/16, 3/16]]
    jac = A.softmax_derivative([0.0, np.log(3.0)])
    np.testing.assert_allclose(jac, [[3 / 16, -3 / 16], [-3 / 16, 3 / 16]], atol=1e-15)


@pytest.mark.parametrize("axis", [-1, 0])
def test_softmax_backward_matches_finite_differences(axis):
    # L(x) = sum(g * softmax(x)) has dL/dx = softmax_backward(g, softmax(x)).
    rng = np.random.default_rng(3)
    x = rng.normal(size=(4, 5))
    g = rng.normal(size=(4, 5))
    analytic = A.softmax_backward(g, A.softmax(x, axis=axis), axis=axis)
    numeric = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[idx] = 1e-6
        plus = np.sum(g * scipy.special.softmax(x + e, axis=axis))
        minus = np.sum(g * scipy.special.softmax(x - e, axis=axis))
        numeric[idx] = (plus - minus) / 2e-6
    assert rel_err(analytic, numeric) < 1e-6


def test_softmax_backward_equals_jacobian_product():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(2, 3, 6))
    g = rng.normal(size=(2, 3, 6))
    jac = A.softmax_derivative(x)
    expected = np.einsum("...ij,...i->...j", jac, g)
    np.testing.assert_allclose(A.softmax_backward(g, A.softmax(x)), expected, atol=1e-14)


# --- stability and invariants ----------------------------------------------------------------

finite_floats = st.floats(-1000, 1000, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 6)), elements=finite_floats),
       arrays(np.float64, st.integers(1, 4), elements=finite_floats))
def test_softmax_rows_sum_to_one_and_ignore_a_constant_per_row(x, shift):
    shift = np.resize(shift, x.shape[0])[:, None]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = A.softmax(x)
        shifted = A.softmax(x + shift)
    assert np.all(np.isfinite(s)) and np.all(s >= 0)
    np.testing.assert_allclose(s.sum(axis=-1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(shifted, s, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.integers(1, 20), elements=finite_floats))
def test_sigmoid_is_finite_symmetric_and_silent(x):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = A.sigmoid(x)
        s_neg = A.sigmoid(-x)
        d = A.sigmoid_derivative(x)
    assert np.all(np.isfinite(s)) and np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(s_neg, 1 - s, atol=1e-15)
    assert np.all((d >= 0) & (d <= 0.25))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extreme_inputs_give_no_warning(dtype):
    x = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        outputs = [A.get(n)[i](x) for n in ELEMENTWISE for i in (0, 1)]
        outputs += [A.softmax(x), A.softmax_derivative(x)]
    for out in outputs:
        assert np.all(np.isfinite(out))
    np.testing.assert_array_equal(A.sigmoid(x)[[0, -1]], [0.0, 1.0])
    np.testing.assert_allclose(A.softmax(x), [0, 0, 0, 0, 1], atol=1e-30)
    np.testing.assert_allclose(A.elu(x)[0], -1.0)


@pytest.mark.parametrize("name", ELEMENTWISE + ["softmax"])
def test_float_policy(name):
    f, df = A.get(name)
    x32 = np.array([[-1.0, 0.5, 2.0]], dtype=np.float32)
    assert f(x32).dtype == np.float32
    assert df(x32).dtype == np.float32
    assert f(x32.astype(np.float64)).dtype == np.float64
    assert f(np.array([[1, 2, 3]])).dtype == np.float64  # integers become float64


def test_scalar_in_scalar_out_and_input_untouched():
    assert float(A.sigmoid(0)) == 0.5
    assert np.ndim(A.relu(-3)) == 0
    x = np.array([-1.0, 2.0])
    out = A.linear(x)
    out[0] = 99.0
    np.testing.assert_array_equal(x, [-1.0, 2.0])


# --- get ---------------------------------------------------------------------------------------

def test_get_names_and_none():
    assert A.get("relu") == (A.relu, A.relu_derivative)
    assert A.get("softmax") == (A.softmax, A.softmax_derivative)
    assert A.get(None) == (A.linear, A.linear_derivative)
    assert A.get(A.tanh) == (A.tanh, A.tanh_derivative)


def test_get_bad_input():
    with pytest.raises(ValueError, match="'name'.*'sigmoid'.*'swish'") as info:
        A.get("swish")
    for known in ["linear", "step", "tanh", "relu", "leaky_relu", "elu", "softmax"]:
        assert repr(known) in str(info.value)
    with pytest.raises(TypeError, match="'name'"):
        A.get(3)
    with pytest.raises(ValueError, match="'name'"):
        A.get(np.exp)


# --- bad input for every function ----------------------------------------------------------------

ALL_ELEMENTWISE_FUNCS = [getattr(A, n) for n in ELEMENTWISE] + \
    [getattr(A, n + "_derivative") for n in ELEMENTWISE]


@pytest.mark.parametrize("f", ALL_ELEMENTWISE_FUNCS + [A.softmax, A.softmax_derivative],
                         ids=lambda f: f.__name__)
def test_bad_x(f):
    with pytest.raises(ValueError, match=rf"{f.__name__}: argument 'x'.*NaN"):
        f(np.array([1.0, np.nan]))
    with pytest.raises(TypeError, match="'x'"):
        f("1, 2, 3")
    with pytest.raises(TypeError, match="'x'"):
        f([[1, 2], [3]])


@pytest.mark.parametrize("f", [A.leaky_relu, A.leaky_relu_derivative, A.elu, A.elu_derivative],
                         ids=lambda f: f.__name__)
def test_bad_alpha(f):
    with pytest.raises(TypeError, match="'alpha'"):
        f([1.0], alpha="0.3")
    with pytest.raises(ValueError, match="'alpha'"):
        f([1.0], alpha=np.inf)


@pytest.mark.parametrize("f", [A.softmax, A.softmax_derivative], ids=lambda f: f.__name__)
def test_softmax_bad_axis(f):
    with pytest.raises(ValueError, match="'axis'"):
        f(np.ones((2, 3)), axis=2)
    with pytest.raises(TypeError, match="'axis'"):
        f(np.ones((2, 3)), axis=1.0)
    with pytest.raises(ValueError, match="'x'"):
        f(1.0)


def test_softmax_backward_bad_input():
    s = A.softmax(np.ones((2, 3)))
    with pytest.raises(ValueError, match="'grad_out' and 's'"):
        A.softmax_backward(np.ones((2, 4)), s)
    with pytest.raises(ValueError, match="'s'.*probabilities"):
        A.softmax_backward(np.ones((2, 3)), np.full((2, 3), 5.0))  # logits passed by mistake
    with pytest.raises(ValueError, match="'grad_out'"):
        A.softmax_backward(np.full((2, 3), np.nan), s)
    with pytest.raises(ValueError, match="'axis'"):
        A.softmax_backward(np.ones((2, 3)), s, axis=-3)

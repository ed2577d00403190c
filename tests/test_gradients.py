"""Tests for course_lib.gradients: the finite-difference gradient and the relative error.

numerical_gradient is checked only against derivatives known in closed form, so that the other
test files may then trust it.
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays

from course_lib.gradients import numerical_gradient, relative_error


def test_gradient_of_quadratic_form_matches_closed_form():
    # f(x) = x^T A x + b^T x has gradient (A + A^T) x + b.
    rng = np.random.default_rng(0)
    A = rng.normal(size=(4, 4))
    b = rng.normal(size=4)
    x = rng.normal(size=4)
    grad = numerical_gradient(lambda v: v @ A @ v + b @ v, x)
    expected = (A + A.T) @ x + b
    assert np.max(np.abs(grad - expected)) < 1e-8


def test_gradient_of_elementwise_function_on_a_3d_array():
    # f(x) = sum(sin(x) * x^2), df/dx = cos(x) x^2 + 2 x sin(x), entry by entry, any shape.
    x = np.linspace(-2, 2, 24).reshape(2, 3, 4)
    grad = numerical_gradient(lambda v: np.sum(np.sin(v) * v**2), x)
    assert grad.shape == (2, 3, 4)
    np.testing.assert_allclose(grad, np.cos(x) * x**2 + 2 * x * np.sin(x), atol=1e-8)


def test_gradient_of_log_sum_exp_is_softmax_by_hand():
    # d/dx log(e^x1 + e^x2 + e^x3) = e^xi / sum e^xj; at x = (0, ln 2, ln 3) that is (1, 2, 3)/6.
    x = np.array([0.0, np.log(2.0), np.log(3.0)])
    grad = numerical_gradient(lambda v: np.log(np.exp(v).sum()), x)
    np.testing.assert_allclose(grad, [1 / 6, 2 / 6, 3 / 6], atol=1e-9)


def test_x_is_restored_and_perturbed_in_place_for_closures():
    # The gradient-check pattern: f ignores its argument and reads the weights it closes over.
    w = np.array([[1.0, -2.0], [0.5, 3.0]])
    before = w.copy()
    seen = []

    def loss(_):
        seen.append(w.copy())
        return float(np.sum(w**3))

    grad = numerical_gradient(loss, w)
    np.testing.assert_allclose(grad, 3 * before**2, rtol=1e-8)
    np.testing.assert_array_equal(w, before)
    # The closure saw w move, one entry at a time.
    assert any(not np.array_equal(s, before) for s in seen)
    assert all(np.sum(s != before) == 1 for s in seen)


def test_x_is_restored_when_f_raises():
    w = np.array([1.0, 2.0])
    calls = []

    def loss(v):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("boom")
        return float(v.sum())

    with pytest.raises(RuntimeError, match="boom"):
        numerical_gradient(loss, w)
    np.testing.assert_array_equal(w, [1.0, 2.0])


def test_list_and_integer_input_are_copied_to_float64():
    x = [1, 2, 3]
    grad = numerical_gradient(lambda v: float(np.sum(v**2)), x)
    assert grad.dtype == np.float64
    np.testing.assert_allclose(grad, [2.0, 4.0, 6.0], atol=1e-8)
    assert x == [1, 2, 3]
    xi = np.array([1, 2, 3])
    numerical_gradient(lambda v: float(np.sum(v**2)), xi)
    np.testing.assert_array_equal(xi, [1, 2, 3])


def test_float32_uses_the_step_actually_taken():
    # In float32, x = 100 moves by 2^-17 steps, not by 1e-6: dividing by the real step keeps
    # the slope of a linear function exact.
    x = np.array([100.0, -3.0], dtype=np.float32)
    grad = numerical_gradient(lambda v: float(np.sum(v.astype(np.float64) * [2.0, -5.0])), x,
                              eps=1e-3)
    assert grad.dtype == np.float32
    np.testing.assert_allclose(grad, [2.0, -5.0], rtol=1e-6)


def test_eps_too_small_for_dtype_is_refused():
    x = np.array([1e6], dtype=np.float32)
    with pytest.raises(ValueError, match="'eps'"):
        numerical_gradient(lambda v: float(v.sum()), x, eps=1e-6)


def test_numerical_gradient_bad_input():
    with pytest.raises(TypeError, match="'f'"):
        numerical_gradient("not a function", np.ones(2))
    with pytest.raises(TypeError, match="'f'"):
        numerical_gradient(lambda v: v * 2, np.ones(2))  # returns an array, not a number
    with pytest.raises(ValueError, match="'x'"):
        numerical_gradient(lambda v: 0.0, np.array([1.0, np.nan]))
    with pytest.raises(TypeError, match="'x'"):
        numerical_gradient(lambda v: 0.0, "abc")
    with pytest.raises(ValueError, match="'eps'"):
        numerical_gradient(lambda v: 0.0, np.ones(2), eps=0)
    with pytest.raises(TypeError, match="'eps'"):
        numerical_gradient(lambda v: 0.0, np.ones(2), eps="small")


def test_relative_error_by_hand():
    # max|a-b| = 0.5, max(|a|+|b|) = max(2.5, 4, 0) = 4  ->  0.125
    assert relative_error([1.0, -2.0, 0.0], [1.5, -2.0, 0.0]) == pytest.approx(0.125)
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    # Opposite signs are maximally different.
    assert relative_error([1.0], [-1.0]) == pytest.approx(1.0)
    assert isinstance(relative_error([1.0], [1.0]), float)


# Magnitudes kept above 1e-100: scaling a subnormal number loses digits, which would make the
# scale-free property fail for reasons that have nothing to do with relative_error.
_entries = st.one_of(st.just(0.0), st.floats(1e-100, 1e6), st.floats(-1e6, -1e-100))


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, st.integers(1, 6), elements=_entries), st.floats(1e-3, 1e3))
def test_relative_error_is_symmetric_bounded_and_scale_free(a, scale):
    b = a[::-1].copy()
    err = relative_error(a, b)
    assert 0.0 <= err <= 1.0
    assert err == relative_error(b, a)
    assert relative_error(a, a) == 0.0
    assert relative_error(a * scale, b * scale) == pytest.approx(err, rel=1e-9, abs=1e-12)


def test_relative_error_bad_input():
    with pytest.raises(ValueError, match="'a'.*'b'"):
        relative_error(np.ones(3), np.ones((3, 1)))
    with pytest.raises(ValueError, match="'a'"):
        relative_error([np.nan], [1.0])
    with pytest.raises(TypeError, match="'b'"):
        relative_error([1.0], None)

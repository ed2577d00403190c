"""Numerical gradients and the relative error, the two tools of a gradient check.

A backward pass is easy to get subtly wrong. The check: nudge each input a little in both
directions, see how the loss moves, and compare with the analytic gradient::

    df/dx_i  ~=  (f(x + h e_i) - f(x - h e_i)) / (2 h)

The centred difference is accurate to O(h^2) (the one-sided one only to O(h)); with h = 1e-6 in
float64 the two gradients typically agree to 1e-8 or better, so a relative error above ~1e-6
points at a bug.
"""
from __future__ import annotations

import numbers

import numpy as np

from ._validation import _describe, as_array, check_positive, check_same_shape

__all__ = ["numerical_gradient", "relative_error"]


def _scalar_value(value, func: str) -> float:
    """The float a function under test returned, or a clear error when it is not a scalar."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    arr = np.asarray(value) if isinstance(value, np.ndarray) or np.isscalar(value) else None
    if arr is not None and arr.size == 1 and np.issubdtype(arr.dtype, np.number):
        return float(arr.reshape(()))
    raise TypeError(f"{func}: argument 'f' must return a single number (the loss), but it "
                    f"returned {_describe(value)}")


def numerical_gradient(f, x, eps=1e-6):
    """Centred finite-difference gradient of a scalar function f at x.

    grad[i] = (f(x + h e_i) - f(x - h e_i)) / (2 h), for every index i of x (any shape).

    f: callable taking an array shaped like x and returning a number.
    x: array of any shape. If it is a writable float NumPy array it is perturbed IN PLACE, one
       entry at a time, and every entry is restored afterwards (also when f raises), so f may
       ignore its argument and read x through a closure, as in ``lambda _: model_loss()`` with x
       one of the model's weight arrays. Anything else (a list, an integer array) is first
       copied to float64 and f receives the copy.
    eps: the step h > 0.
    Returns an array of x's shape and float dtype.

    In float32, x + 1e-6 rounds back to x for |x| > ~8, so the step actually taken is
    (x + h) - (x - h) as stored; we divide by that, and raise if it is 0. Gradient checks still
    belong in float64 (float32 round-off in f alone limits agreement to ~1e-3).
    """
    func = "numerical_gradient"
    if not callable(f):
        raise TypeError(f"{func}: argument 'f' must be a function of x returning a number, "
                        f"got {_describe(f)}")
    eps = check_positive(eps, "eps", func)
    in_place = (isinstance(x, np.ndarray) and np.issubdtype(x.dtype, np.floating)
                and x.flags.writeable)
    if in_place:
        as_array(x, "x", func)  # only to reject NaN / inf with the usual message
        work = x
    else:
        work = as_array(x, "x", func).astype(np.float64, copy=True)
    grad = np.empty(work.shape, dtype=work.dtype)
    # One Python iteration per entry is inherent to the method: each entry needs its own pair of
    # evaluations of f.
    for index in np.ndindex(work.shape):
        original = work[index]
        try:
            work[index] = original + eps
            plus_x = work[index]
            f_plus = _scalar_value(f(work), func)
            work[index] = original - eps
            minus_x = work[index]
            f_minus = _scalar_value(f(work), func)
        finally:
            work[index] = original
        step = float(plus_x) - float(minus_x)
        if step == 0:
            raise ValueError(f"{func}: argument 'eps' = {eps} is too small for x[{index}] = "
                             f"{float(original)} in {work.dtype}: x + eps rounds back to x; use "
                             f"a larger eps or float64")
        grad[index] = (f_plus - f_minus) / step
    return grad


def relative_error(a, b):
    """Relative difference of two arrays of the same shape, a single number in [0, 1].

    err = max |a - b| / max(max(|a| + |b|), tiny), with tiny the smallest positive float64, so
    that two all-zero arrays give 0 instead of 0 / 0. Scaling by the largest entry rather than
    entry by entry keeps gradients with some near-zero entries from looking wrong.
    a, b: arrays of the same shape (no broadcasting). Returns a Python float.
    """
    func = "relative_error"
    a = as_array(a, "a", func).astype(np.float64, copy=False)
    b = as_array(b, "b", func).astype(np.float64, copy=False)
    check_same_shape(a, b, "a", "b", func)
    if a.size == 0:
        return 0.0
    scale = max(float(np.max(np.abs(a) + np.abs(b))), np.finfo(np.float64).tiny)
    return float(np.max(np.abs(a - b))) / scale

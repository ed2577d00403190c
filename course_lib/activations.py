"""Activation functions and their derivatives, as Keras names them.

Every function here acts elementwise on an array of any shape (``softmax`` acts along one axis)
and keeps the float dtype of its input: float32 stays float32, float64 stays float64, integers and
booleans become float64. A 0-d input gives a NumPy scalar back.

``<name>_derivative(x)`` is the derivative f'(x) evaluated *at the input* x, elementwise, which is
what a backward pass multiplies the incoming gradient by::

    dL/dx = dL/dy * f'(x)          with y = f(x)

At a kink, where f'(x) does not exist, we pick the value TensorFlow/Keras use, so that what the
students compute here matches what the framework does later:

* ``relu'(0) = 0``            (the gradient flows only where x > 0)
* ``leaky_relu'(0) = alpha``  (the negative branch owns the kink)
* ``elu'(0) = alpha``         (equal to 1 for the default alpha = 1, so no kink then)
* ``step'(x) = 0``            everywhere, including x = 0 where the true derivative is a spike

Softmax couples the entries along its axis, so its derivative is a Jacobian matrix rather than an
elementwise factor: ``softmax_derivative`` builds it, ``softmax_backward`` applies it to a
gradient without building it.
"""
from __future__ import annotations

import numpy as np

from ._validation import _describe, as_array, check_int, check_probabilities, check_same_shape

__all__ = [
    "linear", "linear_derivative",
    "step", "step_derivative",
    "sigmoid", "sigmoid_derivative",
    "tanh", "tanh_derivative",
    "relu", "relu_derivative",
    "leaky_relu", "leaky_relu_derivative",
    "elu", "elu_derivative",
    "softmax", "softmax_derivative", "softmax_backward",
    "get",
]


def _input(x, func: str) -> np.ndarray:
    # NaN has no activation; infinity is rejected too, so that no function has to guess what
    # inf - inf (softmax) or 0 * inf (derivatives) should mean.
    return as_array(x, "x", func)


def _output(arr: np.ndarray):
    """Arrays come back as arrays, a 0-d result as a NumPy scalar (``sigmoid(0.0) -> 0.5``)."""
    return arr[()] if arr.ndim == 0 else arr


def _alpha(alpha, func: str, x: np.ndarray):
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float, np.integer, np.floating)):
        raise TypeError(f"{func}: argument 'alpha' must be a number, got {_describe(alpha)}")
    if not np.isfinite(alpha):
        raise ValueError(f"{func}: argument 'alpha' must be finite, got {alpha}")
    # A Python float would promote float32 arrays to float64 under older NumPy rules.
    return x.dtype.type(alpha)


def _axis(axis, x: np.ndarray, func: str) -> int:
    axis = check_int(axis, "axis", func)
    if x.ndim == 0:
        raise ValueError(f"{func}: argument 'x' must have at least 1 dimension (the axis the "
                         f"probabilities are spread over), got a scalar")
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"{func}: argument 'axis' must lie in [{-x.ndim}, {x.ndim - 1}] for "
                         f"an input of shape {x.shape}, got {axis}")
    return axis % x.ndim


# --- linear -------------------------------------------------------------------------------

def linear(x):
    """Identity activation, f(x) = x (what a regression output layer uses).

    x: any shape; returns the same shape and float dtype (a copy, never a view of the input).
    """
    return _output(_input(x, "linear").copy())


def linear_derivative(x):
    """f'(x) = 1 everywhere. x: any shape; returns ones of the same shape."""
    return _output(np.ones_like(_input(x, "linear_derivative")))


# --- step ---------------------------------------------------------------------------------

def step(x):
    """Heaviside step, the perceptron's activation: f(x) = 1 if x >= 0 else 0.

    The unit fires once the weighted sum reaches the threshold, so f(0) = 1.
    x: any shape; returns 0.0 / 1.0 in the same shape and float dtype.
    """
    x = _input(x, "step")
    return _output((x >= 0).astype(x.dtype))


def step_derivative(x):
    """f'(x) = 0 for every x (at x = 0 the true derivative does not exist; we use 0).

    This is why a network of step units cannot learn by gradient descent: no gradient flows.
    x: any shape; returns zeros of the same shape.
    """
    return _output(np.zeros_like(_input(x, "step_derivative")))


# --- sigmoid ------------------------------------------------------------------------------

def _sigmoid(x: np.ndarray) -> np.ndarray:
    # 1 / (1 + exp(-x)) overflows for x << 0. With e = exp(-|x|) <= 1 both branches are safe:
    #   x >= 0:  1 / (1 + e)        x < 0:  e / (1 + e)  (= 1 / (1 + exp(-x)) times e/e)
    # exp underflowing to 0 for |x| > ~745 is exact enough and deliberately silent.
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


def sigmoid(x):
    """Logistic sigmoid, f(x) = 1 / (1 + exp(-x)), with values in (0, 1).

    Computed without overflow for inputs of any size (exp is only ever taken of -|x|).
    x: any shape; returns the same shape and float dtype.
    """
    return _output(_sigmoid(_input(x, "sigmoid")))


def sigmoid_derivative(x):
    """f'(x) = s (1 - s) with s = sigmoid(x); at most 1/4 (at x = 0), near 0 for large |x|.

    x: any shape; returns the same shape and float dtype.
    """
    s = _sigmoid(_input(x, "sigmoid_derivative"))
    return _output(s * (1 - s))


# --- tanh ---------------------------------------------------------------------------------

def tanh(x):
    """Hyperbolic tangent, f(x) = (e^x - e^-x) / (e^x + e^-x), with values in (-1, 1).

    x: any shape; returns the same shape and float dtype.
    """
    return _output(np.tanh(_input(x, "tanh")))


def tanh_derivative(x):
    """f'(x) = 1 - tanh(x)^2; equals 1 at x = 0. x: any shape; returns the same shape."""
    t = np.tanh(_input(x, "tanh_derivative"))
    return _output(1 - t * t)


# --- relu ---------------------------------------------------------------------------------

def relu(x):
    """Rectified linear unit, f(x) = max(x, 0). x: any shape; returns the same shape."""
    x = _input(x, "relu")
    return _output(np.maximum(x, x.dtype.type(0)))


def relu_derivative(x):
    """f'(x) = 1 if x > 0 else 0, with relu'(0) = 0 as in TensorFlow.

    x: any shape; returns 0.0 / 1.0 in the same shape and float dtype.
    """
    x = _input(x, "relu_derivative")
    return _output((x > 0).astype(x.dtype))


# --- leaky relu ---------------------------------------------------------------------------

def leaky_relu(x, alpha=0.3):
    """Leaky ReLU, f(x) = x if x > 0 else alpha * x (Keras' default slope alpha = 0.3).

    The small slope on the negative side keeps a gradient alive where plain ReLU has none.
    x: any shape; returns the same shape and float dtype.
    """
    x = _input(x, "leaky_relu")
    a = _alpha(alpha, "leaky_relu", x)
    return _output(np.where(x > 0, x, a * x))


def leaky_relu_derivative(x, alpha=0.3):
    """f'(x) = 1 if x > 0 else alpha (at x = 0: alpha, as in TensorFlow).

    x: any shape; returns the same shape and float dtype.
    """
    x = _input(x, "leaky_relu_derivative")
    a = _alpha(alpha, "leaky_relu_derivative", x)
    return _output(np.where(x > 0, x.dtype.type(1), a).astype(x.dtype, copy=False))


# --- elu ----------------------------------------------------------------------------------

def _negative_part(x: np.ndarray) -> np.ndarray:
    # Only the negative branch needs exp; feeding it min(x, 0) keeps exp(1000) from overflowing
    # in the half of np.where that is thrown away.
    return np.minimum(x, x.dtype.type(0))


def elu(x, alpha=1.0):
    """Exponential linear unit, f(x) = x if x > 0 else alpha * (exp(x) - 1).

    Smooth at 0 for alpha = 1, and saturating at -alpha for very negative x.
    x: any shape; returns the same shape and float dtype.
    """
    x = _input(x, "elu")
    a = _alpha(alpha, "elu", x)
    with np.errstate(under="ignore"):
        negative = a * np.expm1(_negative_part(x))
    return _output(np.where(x > 0, x, negative))


def elu_derivative(x, alpha=1.0):
    """f'(x) = 1 if x > 0 else alpha * exp(x) (at x = 0: alpha, which is 1 by default).

    x: any shape; returns the same shape and float dtype.
    """
    x = _input(x, "elu_derivative")
    a = _alpha(alpha, "elu_derivative", x)
    with np.errstate(under="ignore"):
        negative = a * np.exp(_negative_part(x))
    return _output(np.where(x > 0, x.dtype.type(1), negative).astype(x.dtype, copy=False))


# --- softmax ------------------------------------------------------------------------------

def _softmax(x: np.ndarray, axis: int) -> np.ndarray:
    # softmax(x) = softmax(x - c) for any constant c; with c = max the largest exponent is
    # exp(0) = 1, so nothing overflows and the sum is at least 1.
    with np.errstate(under="ignore"):
        e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def softmax(x, axis=-1):
    """Softmax along ``axis``: s_k = exp(x_k) / sum_j exp(x_j), a probability distribution.

    x: (..., K) for the default axis=-1 (any shape, K along ``axis``); returns the same shape,
    each slice along ``axis`` positive and summing to 1. Stable for inputs of any size.
    """
    x = _input(x, "softmax")
    return _softmax(x, _axis(axis, x, "softmax"))


def softmax_derivative(x, axis=-1):
    """The Jacobian of softmax at x: J[..., i, j] = ds_i / dx_j = s_i (delta_ij - s_j).

    In matrix form J = diag(s) - s s^T, symmetric, with rows summing to 0.
    x: (..., K) for axis=-1; returns (..., K, K). For another axis, that axis is moved to the end
    first: x of shape (N, K, M) with axis=1 gives (N, M, K, K).
    Building J costs K^2 memory per sample; a backward pass should use ``softmax_backward``.
    """
    x = _input(x, "softmax_derivative")
    axis = _axis(axis, x, "softmax_derivative")
    s = np.moveaxis(_softmax(x, axis), axis, -1)
    eye = np.eye(s.shape[-1], dtype=s.dtype)
    return s[..., :, None] * eye - s[..., :, None] * s[..., None, :]


def softmax_backward(grad_out, s, axis=-1):
    """Vector-Jacobian product through softmax, given its output s = softmax(x).

    With g = dL/ds, dL/dx = J^T g = s * (g - sum_k g_k s_k), the sum taken along ``axis``.
    This never builds the K x K Jacobian, so it costs O(K) per sample instead of O(K^2).
    grad_out: same shape as s; s: (..., K) for axis=-1, a softmax output (values in [0, 1]).
    Returns dL/dx, the same shape as s.
    """
    func = "softmax_backward"
    g = as_array(grad_out, "grad_out", func)
    s = as_array(s, "s", func)
    check_same_shape(g, s, "grad_out", "s", func)
    # Catches the easy slip of passing the logits x instead of the softmax output.
    check_probabilities(s, "s", func)
    axis = _axis(axis, s, func)
    dtype = np.result_type(g, s)
    g, s = g.astype(dtype, copy=False), s.astype(dtype, copy=False)
    return s * (g - (g * s).sum(axis=axis, keepdims=True))


# --- lookup by name -----------------------------------------------------------------------

_REGISTRY = {
    "linear": (linear, linear_derivative),
    "step": (step, step_derivative),
    "sigmoid": (sigmoid, sigmoid_derivative),
    "tanh": (tanh, tanh_derivative),
    "relu": (relu, relu_derivative),
    "leaky_relu": (leaky_relu, leaky_relu_derivative),
    "elu": (elu, elu_derivative),
    "softmax": (softmax, softmax_derivative),
}


def get(name):
    """Return ``(f, f_derivative)`` for an activation name, as Keras' ``activation='relu'``.

    ``None`` means no activation, i.e. 'linear'. One of our own activation functions is also
    accepted and paired with its derivative. Unknown names raise ValueError listing the known
    ones. For 'softmax' the derivative is the Jacobian (see ``softmax_derivative``).
    """
    if name is None:
        return _REGISTRY["linear"]
    if callable(name):
        for pair in _REGISTRY.values():
            if pair[0] is name:
                return pair
        raise ValueError(f"get: argument 'name' is a function that is not one of course_lib's "
                         f"activations ({', '.join(_REGISTRY)}), got {_describe(name)}")
    if not isinstance(name, str):
        raise TypeError(f"get: argument 'name' must be an activation name (a string) or None, "
                        f"got {_describe(name)}")
    key = name.strip().lower()
    if key not in _REGISTRY:
        known = ", ".join(repr(k) for k in _REGISTRY)
        raise ValueError(f"get: argument 'name' must be one of {known} (or None for linear), "
                         f"got {name!r}")
    return _REGISTRY[key]

"""Weight initializers, with Keras' names, defaults and fan rules.

Why the starting weights matter: a layer computes ``z = x @ W``. If the ``fan_in`` inputs are
independent with unit variance and the weights have variance ``Var(W)``, then
``Var(z) = fan_in * Var(W)``. Too large and the activations explode layer after layer; too small
and they (and the gradients) fade to zero. Each scheme below picks ``Var(W)`` to keep the signal
at a steady size:

===================  ==================================  ====================================
initializer          target variance ``Var(W)``          distribution
===================  ==================================  ====================================
``glorot_uniform``   ``2 / (fan_in + fan_out)``          ``U(-l, l)``, ``l = sqrt(6 / (fan_in + fan_out))``
``glorot_normal``    ``2 / (fan_in + fan_out)``          truncated normal
``he_uniform``       ``2 / fan_in``  (for ReLU)          ``U(-l, l)``, ``l = sqrt(6 / fan_in)``
``he_normal``        ``2 / fan_in``                      truncated normal
``lecun_uniform``    ``1 / fan_in``  (for SELU)          ``U(-l, l)``, ``l = sqrt(3 / fan_in)``
``lecun_normal``     ``1 / fan_in``                      truncated normal
===================  ==================================  ====================================

A uniform ``U(-l, l)`` has variance ``l**2 / 3``, which is where the 6 and the 3 come from.
The "normal" schemes draw from a normal cut at two standard deviations (values beyond are drawn
again), as Keras does. Cutting the tails shrinks the spread: a standard normal truncated to
``[-2, 2]`` has standard deviation 0.87962566103423978, so the scale is divided by that number
and the weights end up with exactly the target variance.

Every function has the signature ``f(shape, random_state=None, dtype=np.float32)``:
``random_state`` is None (fresh randomness), an int seed (same seed, same array) or a
``numpy.random.Generator`` (draws continue from it). Example::

    W = glorot_uniform((784, 128), random_state=0)     # a Dense(128) kernel on 784 inputs
    K = he_normal((3, 3, 1, 32), random_state=0)       # a Conv2D(32, 3) kernel on gray images
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from ._validation import _describe, as_rng, check_positive

__all__ = [
    "compute_fans",
    "zeros",
    "ones",
    "random_normal",
    "random_uniform",
    "glorot_uniform",
    "glorot_normal",
    "he_normal",
    "he_uniform",
    "lecun_normal",
    "lecun_uniform",
    "get",
]

# Standard deviation of a standard normal truncated to [-2, 2] (the same constant as Keras'
# VarianceScaling). Dividing the scale by it makes the variance after truncation right.
TRUNCATED_NORMAL_STDDEV = 0.87962566103423978


def _check_shape(shape, func: str) -> tuple[int, ...]:
    """Turn ``shape`` (an int or a sequence of ints >= 0) into a tuple of ints."""
    if isinstance(shape, numbers.Integral) and not isinstance(shape, bool):
        shape = (shape,)
    if isinstance(shape, np.ndarray) and shape.ndim == 1:
        shape = tuple(shape.tolist())
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"{func}: argument 'shape' must be a tuple of ints such as (784, 128), "
                        f"got {_describe(shape)}")
    dims = []
    for dim in shape:
        if isinstance(dim, bool) or not isinstance(dim, numbers.Integral):
            raise TypeError(f"{func}: argument 'shape' must hold ints, got {shape!r}")
        if dim < 0:
            raise ValueError(f"{func}: argument 'shape' must hold sizes >= 0, got {shape!r}")
        dims.append(int(dim))
    return tuple(dims)


def _check_dtype(dtype, func: str, *, floating: bool = True) -> np.dtype:
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{func}: argument 'dtype' must be a NumPy dtype such as np.float32, "
                        f"got {_describe(dtype)}") from None
    ok = np.issubdtype(dt, np.floating) or (not floating and (np.issubdtype(dt, np.number)
                                                              or dt == np.bool_))
    if not ok:
        kind = "a floating dtype (np.float32 or np.float64)" if floating else "a numeric dtype"
        raise TypeError(f"{func}: argument 'dtype' must be {kind}, got {dt}")
    return dt


def compute_fans(shape) -> tuple[int, int]:
    """Number of inputs and outputs of one unit for a weight tensor of this ``shape``.

    Keras' rules:

    - rank 0 (a scalar): ``fan_in = fan_out = 1``;
    - rank 1 (a bias or a scale vector ``(n,)``): ``fan_in = fan_out = n``;
    - rank 2 (a Dense kernel ``(n_in, n_out)``): ``fan_in = n_in``, ``fan_out = n_out``;
    - rank >= 3 (a conv kernel ``(kh, kw, c_in, c_out)``): each output sees a
      ``kh * kw`` window of every input channel, so with ``receptive = prod(shape[:-2])``,
      ``fan_in = c_in * receptive`` and ``fan_out = c_out * receptive``.

    Example: ``compute_fans((3, 3, 16, 32)) == (144, 288)``.
    """
    shape = _check_shape(shape, "compute_fans")
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


def _variance_scaling(shape, random_state, dtype, *, scale: float, mode: str,
                      distribution: str, func: str) -> np.ndarray:
    """Draw weights with ``Var(W) = scale / n``, ``n`` being fan_in, fan_out or their mean."""
    shape = _check_shape(shape, func)
    dt = _check_dtype(dtype, func)
    rng = as_rng(random_state, func)
    fan_in, fan_out = compute_fans(shape)
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    # An empty dimension gives n = 0; Keras uses at least one unit so nothing divides by zero.
    variance = scale / max(1.0, n)
    if distribution == "uniform":
        limit = math.sqrt(3.0 * variance)  # U(-l, l) has variance l**2 / 3
        values = rng.uniform(-limit, limit, size=shape)
    else:
        values = _truncated_standard_normal(rng, shape) * (math.sqrt(variance)
                                                           / TRUNCATED_NORMAL_STDDEV)
    return values.astype(dt, copy=False)


def _truncated_standard_normal(rng: np.random.Generator, shape) -> np.ndarray:
    """Standard normal draws cut at +-2: the ones outside are drawn again until none is left."""
    values = rng.standard_normal(shape)
    outside = np.abs(values) > 2.0
    # About 4.6% land outside each round, so a handful of rounds redraws them all.
    while outside.any():
        values[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(values) > 2.0
    return values


def zeros(shape, random_state=None, dtype=np.float32) -> np.ndarray:
    """All zeros, e.g. for biases (Keras' default ``bias_initializer``). ``random_state`` is
    accepted for a uniform signature and not used."""
    shape = _check_shape(shape, "zeros")
    dt = _check_dtype(dtype, "zeros", floating=False)
    as_rng(random_state, "zeros")
    return np.zeros(shape, dtype=dt)


def ones(shape, random_state=None, dtype=np.float32) -> np.ndarray:
    """All ones, e.g. for the scale ``gamma`` of BatchNormalization. ``random_state`` is
    accepted for a uniform signature and not used."""
    shape = _check_shape(shape, "ones")
    dt = _check_dtype(dtype, "ones", floating=False)
    as_rng(random_state, "ones")
    return np.ones(shape, dtype=dt)


def random_normal(shape, random_state=None, dtype=np.float32, *, mean=0.0,
                  stddev=0.05) -> np.ndarray:
    """Draws from ``N(mean, stddev**2)``, not truncated. Keras' defaults: mean 0, stddev 0.05.

    The scale does not depend on the layer's size, which is exactly why deep networks started
    with this train badly and the fan-based schemes were invented.
    """
    func = "random_normal"
    shape = _check_shape(shape, func)
    dt = _check_dtype(dtype, func)
    check_positive(stddev, "stddev", func)
    if isinstance(mean, bool) or not isinstance(mean, numbers.Real) or not math.isfinite(mean):
        raise TypeError(f"{func}: argument 'mean' must be a finite number, got "
                        f"{_describe(mean)}")
    rng = as_rng(random_state, func)
    return rng.normal(mean, stddev, size=shape).astype(dt, copy=False)


def random_uniform(shape, random_state=None, dtype=np.float32, *, minval=-0.05,
                   maxval=0.05) -> np.ndarray:
    """Draws from ``U(minval, maxval)``. Keras' defaults: -0.05 and 0.05."""
    func = "random_uniform"
    shape = _check_shape(shape, func)
    dt = _check_dtype(dtype, func)
    for name, value in (("minval", minval), ("maxval", maxval)):
        if (isinstance(value, bool) or not isinstance(value, numbers.Real)
                or not math.isfinite(value)):
            raise TypeError(f"{func}: argument '{name}' must be a finite number, got "
                            f"{_describe(value)}")
    if not minval < maxval:
        raise ValueError(f"{func}: argument 'maxval' must be greater than 'minval', got "
                         f"minval={minval}, maxval={maxval}")
    rng = as_rng(random_state, func)
    return rng.uniform(minval, maxval, size=shape).astype(dt, copy=False)


def glorot_uniform(shape, random_state=None, dtype=np.float32) -> np.ndarray:
    """Glorot (Xavier) uniform, Keras' default kernel initializer.

    ``W ~ U(-l, l)`` with ``l = sqrt(6 / (fan_in + fan_out))``, so
    ``Var(W) = 2 / (fan_in + fan_out)``: a compromise between keeping the forward signal
    (``1 / fan_in``) and the backward gradient (``1 / fan_out``) steady.
    """
    return _variance_scaling(shape, random_state, dtype, scale=1.0, mode="fan_avg",
                             distribution="uniform", func="glorot_uniform")


def glorot_normal(shape, random_state=None, dtype=np.float32) -> np.ndarray:
    """Glorot (Xavier) normal: truncated normal with ``Var(W) = 2 / (fan_in + fan_out)``.

    Drawn with ``stddev = sqrt(2 / (fan_in + fan_out)) / 0.8796...`` and cut at two of those
    standard deviations, which leaves exactly the target variance.
    """
    return _variance_scaling(shape, random_state, dtype, scale=1.0, mode="fan_avg",
                             distribution="truncated_normal", func="glorot_normal")


def he_normal(shape, random_state=None, dtype=np.float32) -> np.ndarray:
    """He normal, for ReLU layers: truncated normal with ``Var(W) = 2 / fan_in``.

    ReLU zeroes half of its inputs, halving the variance it passes on; the factor 2 makes up
    for it. Drawn with ``stddev = sqrt(2 / fan_in) / 0.8796...``, cut at two of those.
    """
    return _variance_scaling(shape, random_state, dtype, scale=2.0, mode="fan_in",
                             distribution="truncated_normal", func="he_normal")


def he_uniform(shape, random_state=None, dtype=np.float32) -> np.ndarray:
    """He uniform: ``W ~ U(-l, l)``, ``l = sqrt(6 / fan_in)``, so ``Var(W) = 2 / fan_in``."""
    return _variance_scaling(shape, random_state, dtype, scale=2.0, mode="fan_in",
                             distribution="uniform", func="he_uniform")


def lecun_normal(shape, random_state=None, dtype=np.float32) -> np.ndarray:
    """LeCun normal, for SELU layers: truncated normal with ``Var(W) = 1 / fan_in``.

    Drawn with ``stddev = sqrt(1 / fan_in) / 0.8796...``, cut at two of those.
    """
    return _variance_scaling(shape, random_state, dtype, scale=1.0, mode="fan_in",
                             distribution="truncated_normal", func="lecun_normal")


def lecun_uniform(shape, random_state=None, dtype=np.float32) -> np.ndarray:
    """LeCun uniform: ``W ~ U(-l, l)``, ``l = sqrt(3 / fan_in)``, so ``Var(W) = 1 / fan_in``."""
    return _variance_scaling(shape, random_state, dtype, scale=1.0, mode="fan_in",
                             distribution="uniform", func="lecun_uniform")


_REGISTRY = {f.__name__: f for f in (zeros, ones, random_normal, random_uniform, glorot_uniform,
                                     glorot_normal, he_normal, he_uniform, lecun_normal,
                                     lecun_uniform)}
# Other spellings Keras accepts: its class names and the short Keras 1/2 names.
_ALIASES = {
    "zero": "zeros", "one": "ones", "normal": "random_normal", "uniform": "random_uniform",
    "Zeros": "zeros", "Ones": "ones", "RandomNormal": "random_normal",
    "RandomUniform": "random_uniform", "GlorotUniform": "glorot_uniform",
    "GlorotNormal": "glorot_normal", "HeNormal": "he_normal", "HeUniform": "he_uniform",
    "LecunNormal": "lecun_normal", "LecunUniform": "lecun_uniform",
}


def get(name):
    """The initializer called ``name`` (``'glorot_uniform'``, ``'he_normal'``, ...).

    Keras' class names (``'GlorotUniform'``) work too, and a function passes through unchanged
    so that ``kernel_initializer=`` can take either a name or your own function.
    """
    if callable(name):
        return name
    if not isinstance(name, str):
        raise TypeError(f"get: argument 'name' must be an initializer name or a function, got "
                        f"{_describe(name)}")
    key = _ALIASES.get(name, name)
    if key not in _REGISTRY:
        known = ", ".join(repr(k) for k in _REGISTRY)
        raise ValueError(f"get: argument 'name' must be one of {known}, got {name!r}")
    return _REGISTRY[key]

"""Loss functions with Keras' names and numerics, each with its gradient.

Every loss has the signature ``loss(y_true, y_pred, *, sample_weight=None) -> float`` (the
cross-entropies add ``from_logits=False``) and returns what ``model.evaluate`` would report in
Keras: the per-sample loss l_i, averaged over the batch with Keras' default reduction
('sum_over_batch_size')::

    L = sum_i w_i * l_i / n          (n = number of per-sample losses, w_i = 1 by default)

Note the divisor is n, not sum(w): weights rescale samples, they do not renormalise the mean.

The per-sample loss l_i reduces the last axis of y_pred:

* mean_absolute_error             l = mean_k |y_k - p_k|
* mean_squared_error              l = mean_k (y_k - p_k)^2
* mean_absolute_percentage_error  l = 100 * mean_k |y_k - p_k| / max(|y_k|, 1e-7)
* binary_crossentropy             l = -mean_k [y_k log p_k + (1 - y_k) log(1 - p_k)]
* categorical_crossentropy        l = -sum_k y_k log p_k
* sparse_categorical_crossentropy l = -log p_{label}

Shapes: y_pred is (N, K) (or (N, ..., K)); a 1-D y_pred of shape (N,) is N samples with one
output each, exactly what Keras does with the (N, 1) output of ``Dense(1)``. y_true must have
the shape of y_pred, except that (N,) against (N, 1) (either way round) is accepted, as Keras
does; we never broadcast (N,) against (N, 1) into an (N, N) table.

Keras numerics: cross-entropies on probabilities clip p to [1e-7, 1 - 1e-7] before the log
(categorical ones first rescale each row of p to sum to 1); with ``from_logits=True`` they work on
raw scores through a numerically stable form instead, with no clipping.

``<name>_gradient(y_true, y_pred, ...)`` returns dL/dy_pred for the SAME scalar L, 1/n and
sample weights included, so a finite difference of the loss reproduces it; with
``from_logits=True`` it is the gradient with respect to the logits. Where clipping is active
(p < 1e-7 or p > 1 - 1e-7) the clipped expression does not change with p, so its derivative there
is 0, as in TensorFlow. |x| has derivative sign(x), taken as 0 at x = 0.
Results keep y_pred's float dtype (float32 stays float32).
"""
from __future__ import annotations

import numpy as np

from ._validation import _describe, as_array, check_labels, check_probabilities
from .activations import sigmoid

__all__ = [
    "mean_absolute_error", "mean_absolute_error_gradient",
    "mean_squared_error", "mean_squared_error_gradient",
    "mean_absolute_percentage_error", "mean_absolute_percentage_error_gradient",
    "binary_crossentropy", "binary_crossentropy_gradient",
    "categorical_crossentropy", "categorical_crossentropy_gradient",
    "sparse_categorical_crossentropy", "sparse_categorical_crossentropy_gradient",
    "mae", "mse", "mape", "mae_gradient", "mse_gradient", "mape_gradient",
    "EPSILON", "get",
]

#: Keras' fuzz factor (``keras.backend.epsilon()``): the clipping margin of probabilities and
#: the floor on |y_true| in MAPE.
EPSILON = 1e-7


# --- shared argument handling -------------------------------------------------------------

def _check_bool(value, name: str, func: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{func}: argument '{name}' must be True or False, got "
                        f"{_describe(value)}")
    return bool(value)


def _predictions(y_pred, func: str, *, min_ndim: int = 1, hint: str = "(N,) or (N, K)"):
    y_pred = as_array(y_pred, "y_pred", func)
    if y_pred.ndim < min_ndim:
        raise ValueError(f"{func}: argument 'y_pred' must have at least {min_ndim} "
                         f"dimension(s) {hint}, got shape {y_pred.shape}")
    if y_pred.size == 0:
        raise ValueError(f"{func}: argument 'y_pred' must hold at least one sample, got shape "
                         f"{y_pred.shape}")
    return y_pred


def _match_targets(y_true: np.ndarray, y_pred: np.ndarray, func: str) -> np.ndarray:
    """y_true reshaped to y_pred's shape, accepting only Keras' (N,) <-> (N, 1) squeeze."""
    if y_true.shape == y_pred.shape:
        return y_true
    if (y_true.ndim == y_pred.ndim + 1 and y_true.shape[-1] == 1
            and y_true.shape[:-1] == y_pred.shape) or \
       (y_pred.ndim == y_true.ndim + 1 and y_pred.shape[-1] == 1
            and y_pred.shape[:-1] == y_true.shape):
        return y_true.reshape(y_pred.shape)
    raise ValueError(f"{func}: arguments 'y_true' and 'y_pred' must have the same shape (one "
                     f"target per prediction), got {y_true.shape} and {y_pred.shape}")


def _elementwise_inputs(y_true, y_pred, func: str):
    """y_true and y_pred as arrays of one shape and y_pred's float dtype."""
    y_pred = _predictions(y_pred, func)
    y_true = as_array(y_true, "y_true", func)
    y_true = _match_targets(y_true, y_pred, func).astype(y_pred.dtype, copy=False)
    return y_true, y_pred


def _per_sample_shape(y_pred: np.ndarray) -> tuple:
    # A 1-D y_pred is N samples with one output each, so nothing is averaged away.
    return y_pred.shape[:-1] if y_pred.ndim >= 2 else y_pred.shape


def _batch_factors(sample_weight, loss_shape: tuple, dtype, func: str) -> np.ndarray:
    """c with L = sum(c * l): c_i = w_i / n, broadcast to the shape of the per-sample losses."""
    n = int(np.prod(loss_shape))
    if sample_weight is None:
        return np.full(loss_shape, 1 / n, dtype=dtype)
    w = as_array(sample_weight, "sample_weight", func).astype(dtype, copy=False)
    if w.ndim == len(loss_shape) + 1 and w.shape[-1] == 1:
        w = w.reshape(w.shape[:-1])  # (N, 1) weights for (N,) losses, as Keras squeezes them
    if w.shape != loss_shape[:w.ndim]:
        raise ValueError(f"{func}: argument 'sample_weight' must have shape {loss_shape[:1]} "
                         f"(one weight per sample) or {loss_shape}, got {w.shape}")
    if w.size and w.min() < 0:
        raise ValueError(f"{func}: argument 'sample_weight' must hold weights >= 0, got "
                         f"{float(w.min()):.4g}")
    w = w.reshape(w.shape + (1,) * (len(loss_shape) - w.ndim))
    return np.broadcast_to(w / dtype.type(n), loss_shape)


def _reduce(per_sample: np.ndarray, factors: np.ndarray) -> float:
    return float(np.sum(factors * per_sample))


def _spread(factors: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """dL/de for the elementwise terms e that a last-axis mean turns into per-sample losses."""
    if y_pred.ndim >= 2:
        return factors[..., None] / y_pred.dtype.type(y_pred.shape[-1])
    return factors


def _check_targets_in_unit_interval(y_true: np.ndarray, func: str) -> None:
    if y_true.size and (y_true.min() < 0 or y_true.max() > 1):
        raise ValueError(f"{func}: argument 'y_true' must hold targets in [0, 1] (class "
                         f"labels 0/1 or probabilities), got values from "
                         f"{float(y_true.min()):.4g} to {float(y_true.max()):.4g}")


# --- regression losses --------------------------------------------------------------------

def mean_absolute_error(y_true, y_pred, *, sample_weight=None):
    """MAE: L = sum_i w_i * mean_k |y_ik - p_ik| / N.

    y_true, y_pred: (N, K), or (N,) for one output; sample_weight: (N,) or None.
    Returns a Python float.
    """
    func = "mean_absolute_error"
    y_true, y_pred = _elementwise_inputs(y_true, y_pred, func)
    c = _batch_factors(sample_weight, _per_sample_shape(y_pred), y_pred.dtype, func)
    e = np.abs(y_true - y_pred)
    return _reduce(e.mean(axis=-1) if y_pred.ndim >= 2 else e, c)


def mean_absolute_error_gradient(y_true, y_pred, *, sample_weight=None):
    """dL/dp_ik = w_i * sign(p_ik - y_ik) / (N K), with sign(0) = 0. Same shape as y_pred."""
    func = "mean_absolute_error_gradient"
    y_true, y_pred = _elementwise_inputs(y_true, y_pred, func)
    c = _batch_factors(sample_weight, _per_sample_shape(y_pred), y_pred.dtype, func)
    return _spread(c, y_pred) * np.sign(y_pred - y_true)


def mean_squared_error(y_true, y_pred, *, sample_weight=None):
    """MSE: L = sum_i w_i * mean_k (y_ik - p_ik)^2 / N.

    y_true, y_pred: (N, K), or (N,) for one output; sample_weight: (N,) or None.
    Returns a Python float.
    """
    func = "mean_squared_error"
    y_true, y_pred = _elementwise_inputs(y_true, y_pred, func)
    c = _batch_factors(sample_weight, _per_sample_shape(y_pred), y_pred.dtype, func)
    e = (y_true - y_pred) ** 2
    return _reduce(e.mean(axis=-1) if y_pred.ndim >= 2 else e, c)


def mean_squared_error_gradient(y_true, y_pred, *, sample_weight=None):
    """dL/dp_ik = w_i * 2 (p_ik - y_ik) / (N K). Same shape as y_pred."""
    func = "mean_squared_error_gradient"
    y_true, y_pred = _elementwise_inputs(y_true, y_pred, func)
    c = _batch_factors(sample_weight, _per_sample_shape(y_pred), y_pred.dtype, func)
    return _spread(c, y_pred) * 2 * (y_pred - y_true)


def _mape_denominator(y_true: np.ndarray) -> np.ndarray:
    # Keras floors |y| at epsilon so that a zero target gives a huge but finite error.
    return np.maximum(np.abs(y_true), y_true.dtype.type(EPSILON))


def mean_absolute_percentage_error(y_true, y_pred, *, sample_weight=None):
    """MAPE in percent: L = sum_i w_i * 100 mean_k |y_ik - p_ik| / max(|y_ik|, 1e-7) / N.

    y_true, y_pred: (N, K), or (N,) for one output; sample_weight: (N,) or None.
    Returns a Python float.
    """
    func = "mean_absolute_percentage_error"
    y_true, y_pred = _elementwise_inputs(y_true, y_pred, func)
    c = _batch_factors(sample_weight, _per_sample_shape(y_pred), y_pred.dtype, func)
    e = 100 * np.abs(y_true - y_pred) / _mape_denominator(y_true)
    return _reduce(e.mean(axis=-1) if y_pred.ndim >= 2 else e, c)


def mean_absolute_percentage_error_gradient(y_true, y_pred, *, sample_weight=None):
    """dL/dp_ik = w_i * 100 sign(p_ik - y_ik) / max(|y_ik|, 1e-7) / (N K). Shape of y_pred."""
    func = "mean_absolute_percentage_error_gradient"
    y_true, y_pred = _elementwise_inputs(y_true, y_pred, func)
    c = _batch_factors(sample_weight, _per_sample_shape(y_pred), y_pred.dtype, func)
    return _spread(c, y_pred) * 100 * np.sign(y_pred - y_true) / _mape_denominator(y_true)


# --- binary cross-entropy -----------------------------------------------------------------

def _bce_inputs(y_true, y_pred, from_logits, func: str):
    from_logits = _check_bool(from_logits, "from_logits", func)
    y_true, y_pred = _elementwise_inputs(y_true, y_pred, func)
    _check_targets_in_unit_interval(y_true, func)
    if not from_logits:
        check_probabilities(y_pred, "y_pred", func)
    return y_true, y_pred, from_logits


def _clip_bounds(dtype):
    eps = dtype.type(EPSILON)
    return eps, dtype.type(1) - eps


def binary_crossentropy(y_true, y_pred, *, sample_weight=None, from_logits=False):
    """Binary cross-entropy: L = sum_i w_i * l_i / N with
    l_i = -mean_k [y_ik log p_ik + (1 - y_ik) log(1 - p_ik)], p clipped to [1e-7, 1 - 1e-7].

    With from_logits=True, y_pred holds scores z (p = sigmoid(z)) and the elementwise term is
    the stable, unclipped max(z, 0) - z y + log(1 + exp(-|z|)).
    y_true: targets in [0, 1], shape of y_pred; y_pred: (N, K) or (N,); sample_weight: (N,).
    Returns a Python float.
    """
    func = "binary_crossentropy"
    y_true, y_pred, from_logits = _bce_inputs(y_true, y_pred, from_logits, func)
    c = _batch_factors(sample_weight, _per_sample_shape(y_pred), y_pred.dtype, func)
    if from_logits:
        z = y_pred
        with np.errstate(under="ignore"):
            e = np.maximum(z, 0) - z * y_true + np.log1p(np.exp(-np.abs(z)))
    else:
        p = np.clip(y_pred, *_clip_bounds(y_pred.dtype))
        e = -(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))
    return _reduce(e.mean(axis=-1) if y_pred.ndim >= 2 else e, c)


def binary_crossentropy_gradient(y_true, y_pred, *, sample_weight=None, from_logits=False):
    """dL/dp_ik = w_i / (N K) * (p - y) / (p (1 - p)), and 0 where p is clipped
    (p < 1e-7 or p > 1 - 1e-7).

    With from_logits=True: dL/dz_ik = w_i / (N K) * (sigmoid(z_ik) - y_ik).
    Same shape as y_pred.
    """
    func = "binary_crossentropy_gradient"
    y_true, y_pred, from_logits = _bce_inputs(y_true, y_pred, from_logits, func)
    c = _spread(_batch_factors(sample_weight, _per_sample_shape(y_pred), y_pred.dtype, func),
                y_pred)
    if from_logits:
        return c * (sigmoid(y_pred) - y_true)
    low, high = _clip_bounds(y_pred.dtype)
    p = np.clip(y_pred, low, high)
    inside = (y_pred >= low) & (y_pred <= high)
    return np.where(inside, c * (p - y_true) / (p * (1 - p)), y_pred.dtype.type(0))


# --- categorical cross-entropies ----------------------------------------------------------

def _log_softmax(z: np.ndarray) -> np.ndarray:
    shifted = z - z.max(axis=-1, keepdims=True)
    with np.errstate(under="ignore"):
        return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _check_class_scores(y_pred: np.ndarray, from_logits: bool, func: str) -> None:
    if from_logits:
        return
    check_probabilities(y_pred, "y_pred", func)
    totals = y_pred.sum(axis=-1)
    if np.any(totals <= 0):
        row = tuple(int(i) for i in np.argwhere(totals <= 0)[0])
        raise ValueError(f"{func}: argument 'y_pred' must hold class probabilities with a "
                         f"positive sum along the last axis, but the row at index {row} is all "
                         f"zeros")


def _categorical_inputs(y_true, y_pred, from_logits, func: str):
    from_logits = _check_bool(from_logits, "from_logits", func)
    y_pred = _predictions(y_pred, func, min_ndim=2, hint="(N, K), one column per class")
    y_true = as_array(y_true, "y_true", func)
    if y_true.shape != y_pred.shape:
        k = y_pred.shape[-1]
        if k > 1 and y_true.shape in (y_pred.shape[:-1], y_pred.shape[:-1] + (1,)):
            raise ValueError(f"{func}: argument 'y_true' has shape {y_true.shape}, which looks "
                             f"like integer class labels, but categorical_crossentropy expects "
                             f"one-hot targets of shape {y_pred.shape}; use "
                             f"sparse_categorical_crossentropy for labels 0..{k - 1} (or one-hot "
                             f"encode them)")
        raise ValueError(f"{func}: arguments 'y_true' and 'y_pred' must have the same shape "
                         f"(N, K), got {y_true.shape} and {y_pred.shape}")
    _check_targets_in_unit_interval(y_true, func)
    _check_class_scores(y_pred, from_logits, func)
    return y_true.astype(y_pred.dtype, copy=False), y_pred, from_logits


def _sparse_inputs(y_true, y_pred, from_logits, func: str):
    from_logits = _check_bool(from_logits, "from_logits", func)
    y_pred = _predictions(y_pred, func, min_ndim=2, hint="(N, K), one column per class")
    k = y_pred.shape[-1]
    labels = as_array(y_true, "y_true", func, allow_int=True)
    if labels.shape == y_pred.shape and k > 1:
        raise ValueError(f"{func}: argument 'y_true' has shape {labels.shape}, the shape of "
                         f"y_pred, which looks like one-hot targets, but "
                         f"sparse_categorical_crossentropy expects integer labels of shape "
                         f"{y_pred.shape[:-1]}; use categorical_crossentropy for one-hot "
                         f"targets (or pass y_true.argmax(axis=-1))")
    if labels.shape == y_pred.shape[:-1] + (1,):
        labels = labels.reshape(y_pred.shape[:-1])
    if labels.shape != y_pred.shape[:-1]:
        raise ValueError(f"{func}: argument 'y_true' must hold one integer label per sample, "
                         f"shape {y_pred.shape[:-1]} (or {y_pred.shape[:-1] + (1,)}) for "
                         f"y_pred of shape {y_pred.shape}, got {labels.shape}")
    labels = check_labels(labels, "y_true", func, n_classes=k)
    _check_class_scores(y_pred, from_logits, func)
    one_hot = (labels[..., None] == np.arange(k)).astype(y_pred.dtype)
    return one_hot, y_pred, from_logits


def _categorical_value(y_true, y_pred, from_logits, c, log_p=None) -> float:
    if from_logits:
        log_p = _log_softmax(y_pred) if log_p is None else log_p
    else:
        # Keras rescales the scores to sum to 1 before clipping, so unnormalised rows still
        # give a cross-entropy.
        q = y_pred / y_pred.sum(axis=-1, keepdims=True)
        log_p = np.log(np.clip(q, *_clip_bounds(y_pred.dtype)))
    return _reduce(-(y_true * log_p).sum(axis=-1), c)


def _categorical_grad(y_true, y_pred, from_logits, c, log_p=None) -> np.ndarray:
    c = c[..., None]
    if from_logits:
        # d/dz of -sum_k y_k log softmax(z)_k is softmax(z) * sum(y) - y (sum(y) = 1 for
        # one-hot targets; soft targets need not sum to 1).
        s = np.exp(_log_softmax(y_pred) if log_p is None else log_p)
        return c * (s * y_true.sum(axis=-1, keepdims=True) - y_true)
    total = y_pred.sum(axis=-1, keepdims=True)
    q = y_pred / total
    low, high = _clip_bounds(y_pred.dtype)
    inside = (q >= low) & (q <= high)
    # g = dl/dq, zero where the clip is active; then through q = p / sum(p):
    # dq_j/dp_k = (delta_jk - q_j) / sum(p), so dl/dp_k = (g_k - sum_j g_j q_j) / sum(p).
    g = np.where(inside, -y_true / np.clip(q, low, high), y_pred.dtype.type(0))
    return c * (g - (g * q).sum(axis=-1, keepdims=True)) / total


def _categorical_value_and_grad(y_true, y_pred, from_logits, c):
    """Both at once, with one log-softmax of logits between them."""
    log_p = _log_softmax(y_pred) if from_logits else None
    return (_categorical_value(y_true, y_pred, from_logits, c, log_p),
            _categorical_grad(y_true, y_pred, from_logits, c, log_p))


def categorical_crossentropy(y_true, y_pred, *, sample_weight=None, from_logits=False):
    """Categorical cross-entropy for one-hot (or soft) targets:
    L = sum_i w_i * l_i / N,  l_i = -sum_k y_ik log q_ik,
    q = clip(p / sum_k p_k, 1e-7, 1 - 1e-7) (Keras rescales each row to sum to 1, then clips).

    With from_logits=True, y_pred holds scores z and log q = log_softmax(z), without clipping.
    y_true: (N, K) one-hot; y_pred: (N, K) (or (N, ..., K)); sample_weight: (N,).
    Integer labels belong to ``sparse_categorical_crossentropy``. Returns a Python float.
    """
    func = "categorical_crossentropy"
    y_true, y_pred, from_logits = _categorical_inputs(y_true, y_pred, from_logits, func)
    c = _batch_factors(sample_weight, y_pred.shape[:-1], y_pred.dtype, func)
    return _categorical_value(y_true, y_pred, from_logits, c)


def categorical_crossentropy_gradient(y_true, y_pred, *, sample_weight=None,
                                      from_logits=False):
    """dL/dy_pred of ``categorical_crossentropy``, same shape as y_pred.

    Probabilities: with g_k = -y_k / q_k (0 where q_k is clipped) and S = sum_k p_k,
    dL/dp_k = w_i / N * (g_k - sum_j g_j q_j) / S; for a normalised row and one-hot y this is
    -w_i / (N p_label) on the true class plus a term that sums the row back to zero.
    Logits: dL/dz = w_i / N * (softmax(z) - y) for one-hot y.
    """
    func = "categorical_crossentropy_gradient"
    y_true, y_pred, from_logits = _categorical_inputs(y_true, y_pred, from_logits, func)
    c = _batch_factors(sample_weight, y_pred.shape[:-1], y_pred.dtype, func)
    return _categorical_grad(y_true, y_pred, from_logits, c)


def sparse_categorical_crossentropy(y_true, y_pred, *, sample_weight=None, from_logits=False):
    """Categorical cross-entropy with integer labels: l_i = -log q_{i, y_i}, q as in
    ``categorical_crossentropy`` (rescaled and clipped, or log_softmax of logits).

    y_true: (N,) or (N, 1) integer labels 0..K-1; y_pred: (N, K); sample_weight: (N,).
    Returns a Python float.
    """
    func = "sparse_categorical_crossentropy"
    one_hot, y_pred, from_logits = _sparse_inputs(y_true, y_pred, from_logits, func)
    c = _batch_factors(sample_weight, y_pred.shape[:-1], y_pred.dtype, func)
    return _categorical_value(one_hot, y_pred, from_logits, c)


def sparse_categorical_crossentropy_gradient(y_true, y_pred, *, sample_weight=None,
                                             from_logits=False):
    """dL/dy_pred of ``sparse_categorical_crossentropy`` (the categorical gradient with the
    labels one-hot encoded); same shape as y_pred. Logits: w_i / N * (softmax(z) - onehot(y)).
    """
    func = "sparse_categorical_crossentropy_gradient"
    one_hot, y_pred, from_logits = _sparse_inputs(y_true, y_pred, from_logits, func)
    c = _batch_factors(sample_weight, y_pred.shape[:-1], y_pred.dtype, func)
    return _categorical_grad(one_hot, y_pred, from_logits, c)


def _with_gradient(inputs, func: str):
    """The loss ``func`` and its gradient from one check of the inputs (``inputs``: its
    ``_categorical_inputs`` or ``_sparse_inputs``)."""
    def both(y_true, y_pred, *, sample_weight=None, from_logits=False):
        y_true, y_pred, from_logits = inputs(y_true, y_pred, from_logits, func)
        c = _batch_factors(sample_weight, y_pred.shape[:-1], y_pred.dtype, func)
        return _categorical_value_and_grad(y_true, y_pred, from_logits, c)

    return both


#: Loss -> ``f(y_true, y_pred, *, sample_weight, from_logits) -> (L, dL/dy_pred)``, the inputs
#: checked once (the cross-entropies' labels and one-hot targets are most of their work):
#: what ``fit`` needs every step. Other losses pair their two functions (:func:`with_gradient`).
_WITH_GRADIENT = {
    categorical_crossentropy: _with_gradient(_categorical_inputs, "categorical_crossentropy"),
    sparse_categorical_crossentropy: _with_gradient(_sparse_inputs,
                                                    "sparse_categorical_crossentropy"),
}


def with_gradient(loss, gradient):
    """``f(y_true, y_pred, **kw) -> (loss(...), gradient(...))`` for a pair from :func:`get`,
    in one pass where this module has one."""
    both = _WITH_GRADIENT.get(loss)
    if both is not None:
        return both
    return lambda y_true, y_pred, **kw: (loss(y_true, y_pred, **kw),
                                         gradient(y_true, y_pred, **kw))


# --- Keras' short names and lookup --------------------------------------------------------

mae, mae_gradient = mean_absolute_error, mean_absolute_error_gradient
mse, mse_gradient = mean_squared_error, mean_squared_error_gradient
mape, mape_gradient = mean_absolute_percentage_error, mean_absolute_percentage_error_gradient

_REGISTRY = {
    "mean_absolute_error": (mean_absolute_error, mean_absolute_error_gradient),
    "mean_squared_error": (mean_squared_error, mean_squared_error_gradient),
    "mean_absolute_percentage_error": (mean_absolute_percentage_error,
                                       mean_absolute_percentage_error_gradient),
    "binary_crossentropy": (binary_crossentropy, binary_crossentropy_gradient),
    "categorical_crossentropy": (categorical_crossentropy, categorical_crossentropy_gradient),
    "sparse_categorical_crossentropy": (sparse_categorical_crossentropy,
                                        sparse_categorical_crossentropy_gradient),
}
_ALIASES = {
    "mae": "mean_absolute_error", "MAE": "mean_absolute_error",
    "mse": "mean_squared_error", "MSE": "mean_squared_error",
    "mape": "mean_absolute_percentage_error", "MAPE": "mean_absolute_percentage_error",
}


def get(name_or_function):
    """Return ``(loss, gradient)`` for a loss name, an alias or a function, as Keras'
    ``compile(loss=...)`` accepts them.

    Names: 'mean_absolute_error' ('mae'), 'mean_squared_error' ('mse'),
    'mean_absolute_percentage_error' ('mape'), 'binary_crossentropy',
    'categorical_crossentropy', 'sparse_categorical_crossentropy'.
    One of this module's functions (or gradients) is paired with its partner. Any other
    callable ``f(y_true, y_pred) -> float`` is returned as ``(f, None)``: no analytic gradient
    is known for it, and the caller (the model) has to differentiate it numerically or refuse.
    Unknown names raise ValueError listing the known ones.
    """
    if isinstance(name_or_function, str):
        key = _ALIASES.get(name_or_function, name_or_function)
        if key not in _REGISTRY:
            known = ", ".join(repr(k) for k in [*_REGISTRY, "mae", "mse", "mape"])
            raise ValueError(f"get: argument 'name_or_function' must be one of {known} or a "
                             f"function, got {name_or_function!r}")
        return _REGISTRY[key]
    if callable(name_or_function):
        for pair in _REGISTRY.values():
            if name_or_function in pair:
                return pair
        return name_or_function, None
    raise TypeError(f"get: argument 'name_or_function' must be a loss name (a string) or a "
                    f"function, got {_describe(name_or_function)}")

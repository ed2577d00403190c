"""Metrics for ``Sequential.compile(metrics=[...])``, named and resolved as Keras does.

Every metric is ``metric(y_true, y_pred) -> float``, the mean over the batch:

- ``binary_accuracy``: mean of ``[y_pred > threshold] == y_true`` (a 1-unit sigmoid output);
- ``categorical_accuracy``: mean of ``argmax(y_true) == argmax(y_pred)`` (one-hot targets);
- ``sparse_categorical_accuracy``: mean of ``y_true == argmax(y_pred)`` (integer labels);
- ``mean_absolute_error`` (``mae``), ``mean_squared_error`` (``mse``),
  ``mean_absolute_percentage_error`` (``mape``): the losses of the same name.

``'accuracy'`` (or ``'acc'``) means one of the three accuracies, picked from the loss and the
shapes the way Keras picks it (see ``resolve``).
"""
from __future__ import annotations

import numpy as np

from ._validation import as_array, check_in_range, check_labels
from . import losses as _losses

__all__ = ["binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
           "mean_absolute_error", "mean_squared_error", "mean_absolute_percentage_error",
           "mae", "mse", "mape", "get", "resolve"]


def binary_accuracy(y_true, y_pred, threshold=0.5) -> float:
    """Share of outputs on the right side of ``threshold``: mean([y_pred > t] == y_true).

    y_true: 0/1 targets, y_pred: probabilities, both (N,) or (N, 1) (or any equal size).
    """
    func = "binary_accuracy"
    y_true = as_array(y_true, "y_true", func)
    y_pred = as_array(y_pred, "y_pred", func)
    _check_size(y_true, y_pred, func)
    if y_true.size == 0:
        raise ValueError(f"{func}: 'y_true' and 'y_pred' are empty; an accuracy needs at least "
                         f"one sample")
    threshold = check_in_range(threshold, "threshold", func, 0.0, 1.0)
    predicted = (y_pred.reshape(y_true.shape) > threshold)
    return float(np.mean(predicted == (y_true > 0.5)))


def categorical_accuracy(y_true, y_pred) -> float:
    """Share of samples whose top class is the true one: mean(argmax y_true == argmax y_pred).

    y_true: one-hot (N, K), y_pred: scores or probabilities (N, K).
    """
    y_true = as_array(y_true, "y_true", "categorical_accuracy", ndim=(2, 3, 4))
    y_pred = as_array(y_pred, "y_pred", "categorical_accuracy", ndim=(2, 3, 4))
    if y_true.shape != y_pred.shape:
        raise ValueError(f"categorical_accuracy: 'y_true' must be one-hot with the shape of "
                         f"'y_pred' {y_pred.shape}, got {y_true.shape} (for integer labels use "
                         f"sparse_categorical_accuracy)")
    return float(np.mean(y_true.argmax(axis=-1) == y_pred.argmax(axis=-1)))


def sparse_categorical_accuracy(y_true, y_pred) -> float:
    """Share of samples whose most likely class is the label: mean(y_true == argmax y_pred).

    y_true: integer labels (N,) or (N, 1), y_pred: scores or probabilities (N, K).
    """
    y_pred = as_array(y_pred, "y_pred", "sparse_categorical_accuracy", ndim=(2, 3, 4))
    labels = check_labels(y_true, "y_true", "sparse_categorical_accuracy")
    if labels.ndim == y_pred.ndim and labels.shape[-1] == 1:
        labels = labels[..., 0]
    if labels.shape != y_pred.shape[:-1]:
        raise ValueError(f"sparse_categorical_accuracy: 'y_true' must hold one integer label "
                         f"per sample, shape {y_pred.shape[:-1]}, got {labels.shape} (for "
                         f"one-hot targets use categorical_accuracy)")
    # a label the model has no output for would silently count as wrong
    check_labels(labels, "y_true", "sparse_categorical_accuracy", n_classes=y_pred.shape[-1])
    return float(np.mean(labels == y_pred.argmax(axis=-1)))


def mean_absolute_error(y_true, y_pred) -> float:
    """mean |y_true - y_pred|, the loss of the same name used as a metric."""
    return float(_losses.mean_absolute_error(y_true, y_pred))


def mean_squared_error(y_true, y_pred) -> float:
    """mean (y_true - y_pred)^2, the loss of the same name used as a metric."""
    return float(_losses.mean_squared_error(y_true, y_pred))


def mean_absolute_percentage_error(y_true, y_pred) -> float:
    """100 * mean |y_true - y_pred| / max(|y_true|, eps), the loss used as a metric."""
    return float(_losses.mean_absolute_percentage_error(y_true, y_pred))


mae = mean_absolute_error
mse = mean_squared_error
mape = mean_absolute_percentage_error

_BY_NAME = {
    "binary_accuracy": binary_accuracy,
    "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "mean_absolute_error": mean_absolute_error,
    "mae": mean_absolute_error,
    "mean_squared_error": mean_squared_error,
    "mse": mean_squared_error,
    "mean_absolute_percentage_error": mean_absolute_percentage_error,
    "mape": mean_absolute_percentage_error,
}
_ACCURACY = ("accuracy", "acc")


def _check_size(y_true, y_pred, func):
    if y_true.size != y_pred.size:
        raise ValueError(f"{func}: 'y_true' and 'y_pred' must hold one value per output, got "
                         f"shapes {y_true.shape} and {y_pred.shape}")


def get(identifier):
    """Look a metric up by name (or pass a function through); ``'accuracy'`` stays unresolved.

    Returns the function, or the string ``'accuracy'``/``'acc'`` which ``resolve`` turns into
    one of the accuracies once the loss and the shapes are known.
    """
    if callable(identifier):
        return identifier
    if isinstance(identifier, str):
        if identifier in _ACCURACY:
            return identifier
        if identifier in _BY_NAME:
            return _BY_NAME[identifier]
    known = ", ".join(repr(n) for n in (*_ACCURACY, *_BY_NAME))
    raise ValueError(f"metrics.get: argument 'identifier' is not a known metric, got "
                     f"{identifier!r}; known metrics are {known}, or pass a function "
                     f"f(y_true, y_pred)")


def resolve(identifier, y_true_shape, y_pred_shape, loss_name=None):
    """The metric function behind ``identifier``, picking the accuracy as Keras does.

    ``'accuracy'`` is binary accuracy for a single output unit or binary cross-entropy, sparse
    categorical accuracy when the labels have one axis fewer than the predictions (or a last axis
    of 1 against several outputs), and categorical accuracy otherwise.
    """
    metric = get(identifier)
    if not isinstance(metric, str):
        return metric
    p_last = y_pred_shape[-1] if len(y_pred_shape) > 1 else 1
    t_last = y_true_shape[-1] if len(y_true_shape) > 1 else 1
    if p_last == 1 or loss_name == "binary_crossentropy":
        return binary_accuracy
    if len(y_true_shape) < len(y_pred_shape) or (t_last == 1 and p_last > 1):
        return sparse_categorical_accuracy
    return categorical_accuracy

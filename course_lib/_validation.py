"""Argument checks shared by every module of course_lib.

Students call the library with lists, wrong shapes and stray NaNs. Each check here turns such a
mistake into a ``ValueError`` or ``TypeError`` whose message names the function, the argument,
what was expected and what came, e.g.::

    ValueError: conv2d: argument 'x' must have 4 dimensions (N, H, W, C), got shape (28, 28)

All of course_lib validates through these helpers so that the messages read the same everywhere.
"""
from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "as_array",
    "check_ndim",
    "as_data_matrix",
    "check_finite",
    "check_real",
    "check_positive",
    "check_nonnegative",
    "check_int",
    "check_in_range",
    "check_choice",
    "check_same_shape",
    "check_probabilities",
    "check_labels",
    "as_rng",
    "as_pair",
]


def _describe(value) -> str:
    """A short description of what came, for error messages."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"


def as_array(value, name: str, func: str, *, dtype=None, ndim=None, shape_hint: str = "",
             finite: bool = True, allow_int: bool = False) -> np.ndarray:
    """Convert ``value`` to a NumPy array, with a clear error when it cannot be.

    ``dtype=None`` keeps float arrays as they are (float32 stays float32) and turns anything else
    into float64, unless ``allow_int`` keeps integer arrays integer. ``ndim`` is an int or a tuple
    of allowed ranks; ``shape_hint`` names the axes for the message (``"(N, H, W, C)"``).
    ``finite`` rejects NaN and infinity.
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{func}: argument '{name}' must be array-like (a list or a NumPy "
                        f"array of numbers), got {_describe(value)}")
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as exc:  # ragged lists and the like
        raise TypeError(f"{func}: argument '{name}' must be array-like with a regular shape, "
                        f"got {_describe(value)} ({exc})") from None
    # dtype kinds (b)ool, (i)nt, (u)nsigned, (f)loat, (c)omplex: the np.issubdtype tests at a
    # tenth of their cost, which counts here, as every training step checks its arrays
    if arr.dtype.kind not in "biufc":
        raise TypeError(f"{func}: argument '{name}' must contain numbers, got an array of "
                        f"dtype {arr.dtype}")
    if dtype is not None:
        arr = arr.astype(dtype, copy=False)
    elif arr.dtype.kind != "f":
        if not (allow_int and arr.dtype.kind in "iu"):
            arr = arr.astype(np.float64)
    if ndim is not None:
        check_ndim(arr, ndim, name, func, shape_hint)
    if finite:
        check_finite(arr, name, func)
    return arr


def check_ndim(arr: np.ndarray, ndim, name: str, func: str, shape_hint: str = "") -> None:
    """Raise ``ValueError`` unless ``arr.ndim`` is ``ndim`` (an int or a tuple of ints)."""
    allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    if arr.ndim not in allowed:
        want = " or ".join(str(d) for d in allowed)
        hint = f" {shape_hint}" if shape_hint else ""
        raise ValueError(f"{func}: argument '{name}' must have {want} dimensions{hint}, "
                         f"got shape {arr.shape}")


def as_data_matrix(X, func: str, name: str = "X") -> np.ndarray:
    """``X`` as a finite 2-D float array (n_samples, n_features) with at least one of each.

    The one check every scikit-learn-style estimator makes; a 1-D array gets the hint that
    scikit-learn gives, since it is the commonest slip."""
    arr = as_array(X, name, func)
    if arr.ndim == 1:
        raise ValueError(f"{func}: argument '{name}' must be 2-D (n_samples, n_features), got "
                         f"a 1-D array of shape {arr.shape}; use X.reshape(-1, 1) for a single "
                         f"feature or X.reshape(1, -1) for a single sample")
    if arr.ndim != 2:
        raise ValueError(f"{func}: argument '{name}' must be 2-D (n_samples, n_features), got "
                         f"shape {arr.shape}")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{func}: argument '{name}' must hold at least one sample and one "
                         f"feature, got shape {arr.shape}")
    return arr


def check_finite(arr: np.ndarray, name: str, func: str) -> None:
    """Raise ``ValueError`` if ``arr`` holds NaN or infinity, saying how many and where."""
    if arr.dtype.kind in "fc":  # floating or complex
        # one sum, no temporary array: finite values give a finite sum unless it overflows,
        # and only then (or with NaN / infinity really there) is every value looked at
        with np.errstate(all="ignore"):  # an overflowing sum is not the caller's problem
            if arr.size and np.isfinite(np.add.reduce(arr, axis=None)):  # np.sum, unwrapped
                return
        bad = ~np.isfinite(arr)
        if bad.any():
            first = tuple(int(i) for i in np.argwhere(bad)[0])
            kind = "NaN" if np.isnan(arr[first]) else "infinite"
            raise ValueError(f"{func}: argument '{name}' contains {int(bad.sum())} NaN or "
                             f"infinite value(s) (the first, {kind}, at index {first}); "
                             f"remove or impute them first")


def check_real(value, name: str, func: str) -> float:
    """Return ``value`` as a float if it is a finite real number (not a bool), else raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{func}: argument '{name}' must be a number, got {_describe(value)}")
    if not np.isfinite(value):
        raise ValueError(f"{func}: argument '{name}' must be finite, got {value}")
    return float(value)


def check_positive(value, name: str, func: str):
    """Return ``value`` if it is a real number > 0, else raise."""
    check_real(value, name, func)
    if value <= 0:
        raise ValueError(f"{func}: argument '{name}' must be > 0, got {value}")
    return value


def check_nonnegative(value, name: str, func: str):
    """Return ``value`` if it is a real number >= 0, else raise."""
    check_real(value, name, func)
    if value < 0:
        raise ValueError(f"{func}: argument '{name}' must be >= 0, got {value}")
    return value


def check_in_range(value, name: str, func: str, low, high, *, low_inclusive=True,
                   high_inclusive=True):
    """Return ``value`` if it lies in the interval from ``low`` to ``high``, else raise."""
    check_real(value, name, func)
    ok_low = value >= low if low_inclusive else value > low
    ok_high = value <= high if high_inclusive else value < high
    if not (ok_low and ok_high):
        left = "[" if low_inclusive else "("
        right = "]" if high_inclusive else ")"
        raise ValueError(f"{func}: argument '{name}' must lie in {left}{low}, {high}{right}, "
                         f"got {value}")
    return value


def check_int(value, name: str, func: str, *, minimum=None, maximum=None) -> int:
    """Return ``value`` as an int if it is an integer within the bounds, else raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{func}: argument '{name}' must be an integer, got {_describe(value)}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{func}: argument '{name}' must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{func}: argument '{name}' must be <= {maximum}, got {value}")
    return value


def check_choice(value, name: str, func: str, choices) -> str:
    """Return ``value`` if it is one of ``choices`` (strings), else raise listing them."""
    listed = ", ".join(repr(c) for c in choices)
    if not isinstance(value, str):
        raise TypeError(f"{func}: argument '{name}' must be one of {listed}, "
                        f"got {_describe(value)}")
    if value not in choices:
        raise ValueError(f"{func}: argument '{name}' must be one of {listed}, got {value!r}")
    return value


def check_same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str, func: str) -> None:
    """Raise ``ValueError`` unless ``a`` and ``b`` have the same shape."""
    if a.shape != b.shape:
        raise ValueError(f"{func}: arguments '{name_a}' and '{name_b}' must have the same "
                         f"shape, got {a.shape} and {b.shape}")


def check_probabilities(arr: np.ndarray, name: str, func: str) -> None:
    """Raise ``ValueError`` unless every entry of ``arr`` lies in [0, 1]."""
    if arr.size and (arr.min() < 0 or arr.max() > 1):
        raise ValueError(f"{func}: argument '{name}' must hold probabilities in [0, 1], got "
                         f"values from {arr.min():.4g} to {arr.max():.4g} (if these are raw "
                         f"scores, pass from_logits=True)")


def check_labels(arr, name: str, func: str, n_classes: int | None = None) -> np.ndarray:
    """Return ``arr`` as an int64 array of class labels 0..n_classes-1, else raise."""
    labels = as_array(arr, name, func, allow_int=True)
    if labels.dtype.kind == "f":
        if not np.all(labels == np.round(labels)):
            raise ValueError(f"{func}: argument '{name}' must hold whole-number class labels, "
                             f"got non-integer values such as {labels[labels != np.round(labels)][0]}")
    labels = labels.astype(np.int64)
    if labels.size and labels.min() < 0:
        raise ValueError(f"{func}: argument '{name}' must hold labels >= 0, got "
                         f"{int(labels.min())}")
    if n_classes is not None and labels.size and labels.max() >= n_classes:
        raise ValueError(f"{func}: argument '{name}' holds label {int(labels.max())}, out of "
                         f"range for {n_classes} classes (labels must be 0..{n_classes - 1})")
    return labels


def as_rng(random_state, func: str = "course_lib") -> np.random.Generator:
    """Turn ``random_state`` (None, an int seed or a Generator) into a ``np.random.Generator``."""
    if isinstance(random_state, np.random.Generator):
        return random_state
    if random_state is None:
        return np.random.default_rng()
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(f"{func}: argument 'random_state' must be >= 0, got {random_state}")
        return np.random.default_rng(int(random_state))
    raise TypeError(f"{func}: argument 'random_state' must be None, an integer seed or a "
                    f"numpy.random.Generator, got {_describe(random_state)}")


def as_pair(value, name: str, func: str) -> tuple[int, int]:
    """Turn an int or a pair of ints (sizes, strides) into a pair of positive ints."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{func}: argument '{name}' must be an int or a pair of ints, "
                             f"got {value!r}")
        return (check_int(value[0], name, func, minimum=1),
                check_int(value[1], name, func, minimum=1))
    v = check_int(value, name, func, minimum=1)
    return (v, v)

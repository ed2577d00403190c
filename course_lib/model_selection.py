"""Model selection: hold-out splits, K-fold indices and cross-validated scores.

The functions follow scikit-learn's conventions, so that a chapter can put the course's version
next to scikit-learn's and get the same numbers:

- ``train_test_split`` shuffles once and cuts the rows into a training and a test part;
- ``kfold_indices`` cuts ``range(n_samples)`` into ``n_splits`` consecutive folds (after an
  optional shuffle); each fold validates once while the others train;
- ``iterated_kfold_indices`` repeats K-fold with a fresh shuffle each time;
- ``time_series_indices`` respects the arrow of time: every round trains on the past and
  validates on the block that follows it (scikit-learn's ``TimeSeriesSplit``);
- ``cross_val_score`` fits a fresh copy of a model on every training part and scores it on the
  matching validation part.

Indices are what the "fold picture" widget draws: ``kfold_indices(10, 3)`` says which rows
train and which validate in each of the three rounds.
"""
from __future__ import annotations

import copy
import math
import numbers

import numpy as np

from ._validation import _describe, as_array, as_rng, check_int

__all__ = [
    "train_test_split",
    "kfold_indices",
    "iterated_kfold_indices",
    "time_series_indices",
    "cross_val_score",
    "SCORERS",
]


# ---------------------------------------------------------------------------------------------
# Indexing rows of arrays, lists and pandas objects alike
# ---------------------------------------------------------------------------------------------

def _n_rows(value, name: str, func: str) -> int:
    """Number of rows (first-axis length) of an array-like, with a clear error if it has none."""
    if value is None or isinstance(value, (str, bytes, numbers.Number)):
        raise TypeError(f"{func}: argument '{name}' must be array-like (a list, a NumPy array "
                        f"or a pandas object) with one row per sample, got {_describe(value)}")
    shape = getattr(value, "shape", None)
    if shape is not None:
        if len(shape) == 0:
            raise ValueError(f"{func}: argument '{name}' must have at least one dimension "
                             f"(one row per sample), got a scalar array")
        return int(shape[0])
    try:
        return len(value)
    except TypeError:
        raise TypeError(f"{func}: argument '{name}' must be array-like (a list, a NumPy array "
                        f"or a pandas object) with one row per sample, "
                        f"got {_describe(value)}") from None


def _take_rows(value, idx: np.ndarray):
    """Rows ``idx`` of ``value``, keeping its kind: pandas by position (index kept), lists as
    lists, anything else through NumPy fancy indexing."""
    if hasattr(value, "iloc"):
        return value.iloc[idx]
    if isinstance(value, (list, tuple)):
        return [value[i] for i in idx]
    if isinstance(value, np.ndarray) or hasattr(value, "shape"):
        return value[idx]
    return np.asarray(value)[idx]


# ---------------------------------------------------------------------------------------------
# Hold-out
# ---------------------------------------------------------------------------------------------

def _n_test(test_size, n_samples: int, func: str) -> int:
    """How many rows go to the test part: ceil(test_size * n) for a share, or the count itself."""
    if isinstance(test_size, bool) or not isinstance(test_size, numbers.Real):
        raise TypeError(f"{func}: argument 'test_size' must be a share in (0, 1) or a number of "
                        f"rows, got {_describe(test_size)}")
    if isinstance(test_size, numbers.Integral):
        n_test = int(test_size)
        if not 1 <= n_test <= n_samples - 1:
            raise ValueError(f"{func}: argument 'test_size' as a number of rows must lie in "
                             f"[1, {n_samples - 1}] so that both parts get a row "
                             f"({n_samples} samples), got {n_test}")
        return n_test
    if not 0.0 < test_size < 1.0:
        raise ValueError(f"{func}: argument 'test_size' as a share must lie strictly between "
                         f"0 and 1, got {test_size}")
    # Rounding up, as scikit-learn does, so a small share still gives the test part a row.
    n_test = math.ceil(test_size * n_samples)
    if n_test >= n_samples:
        raise ValueError(f"{func}: argument 'test_size'={test_size} of {n_samples} samples "
                         f"leaves no row for training; use a smaller share")
    return n_test


def _stratified_counts(class_counts: np.ndarray, n_test: int, rng) -> np.ndarray:
    """Test rows per class, as close as whole numbers allow to ``n_test * share of the class``.

    Largest-remainder rounding: every class gets the floor of its exact quota, and the rows
    still missing go to the classes with the largest fractional parts (ties broken at random,
    so that no class is favoured by its position).
    """
    quota = n_test * class_counts / class_counts.sum()
    counts = np.floor(quota).astype(np.int64)
    missing = n_test - int(counts.sum())
    if missing:
        remainder = quota - counts
        tie_breaker = rng.random(len(class_counts))
        order = np.lexsort((tie_breaker, -remainder))
        counts[order[:missing]] += 1
    return counts


def train_test_split(*arrays, test_size=0.25, shuffle=True, random_state=None, stratify=None):
    """Split the rows of each array into a training part and a test part.

    Parameters
    ----------
    *arrays : array-likes with the same number of rows ``N``: NumPy arrays, lists, pandas
        DataFrames or Series (kept as pandas, with their index).
    test_size : float in (0, 1) for a share, ``n_test = ceil(test_size * N)``; or an int for a
        number of rows. The training part gets the other ``N - n_test`` rows.
    shuffle : shuffle the rows before cutting. ``False`` keeps the order (the test part is the
        last ``n_test`` rows), which respects the arrow of time for time series.
    random_state : None, an int seed or a ``numpy.random.Generator``.
    stratify : None, or labels ``(N,)``: then each class keeps (up to rounding to whole rows)
        its share in both parts. Every class needs at least two members.

    Returns
    -------
    list ``[a_train, a_test, b_train, b_test, ...]`` in the order the arrays came.
    """
    func = "train_test_split"
    if not arrays:
        raise ValueError(f"{func}: at least one array is required, e.g. "
                         f"train_test_split(X, y, test_size=0.2)")
    lengths = [_n_rows(a, f"arrays[{i}]", func) for i, a in enumerate(arrays)]
    if len(set(lengths)) > 1:
        first = lengths[0]
        odd = next(i for i, n in enumerate(lengths) if n != first)
        raise ValueError(f"{func}: all arrays must have the same number of rows, but arrays[0] "
                         f"has {first} and arrays[{odd}] has {lengths[odd]} "
                         f"(lengths: {lengths})")
    n_samples = lengths[0]
    if n_samples < 2:
        raise ValueError(f"{func}: argument 'arrays' must have at least 2 rows to split, got "
                         f"{n_samples}")
    n_test = _n_test(test_size, n_samples, func)
    if not isinstance(shuffle, (bool, np.bool_)):
        raise TypeError(f"{func}: argument 'shuffle' must be True or False, "
                        f"got {_describe(shuffle)}")
    rng = as_rng(random_state, func)

    if stratify is None:
        if shuffle:
            order = rng.permutation(n_samples)
            test_idx, train_idx = order[:n_test], order[n_test:]
        else:
            train_idx = np.arange(n_samples - n_test)
            test_idx = np.arange(n_samples - n_test, n_samples)
    else:
        if not shuffle:
            raise ValueError(f"{func}: argument 'stratify' needs shuffle=True (a stratified "
                             f"split picks rows from every class, it cannot keep the order)")
        labels = np.asarray(stratify)
        if labels.ndim != 1 or len(labels) != n_samples:
            raise ValueError(f"{func}: argument 'stratify' must hold one label per row, shape "
                             f"({n_samples},), got shape {labels.shape}")
        classes, y_idx, class_counts = np.unique(labels, return_inverse=True,
                                                 return_counts=True)
        if class_counts.min() < 2:
            lonely = classes[np.argmin(class_counts)]
            raise ValueError(f"{func}: argument 'stratify' has a class with a single member "
                             f"({lonely!r}); every class needs at least 2 rows to appear on "
                             f"both sides of a stratified split")
        if n_test < len(classes) or n_samples - n_test < len(classes):
            raise ValueError(f"{func}: argument 'test_size' gives {n_test} test and "
                             f"{n_samples - n_test} training rows, fewer than the "
                             f"{len(classes)} classes in 'stratify'")
        test_counts = _stratified_counts(class_counts, n_test, rng)
        test_parts, train_parts = [], []
        for c, k in enumerate(test_counts):
            members = rng.permutation(np.flatnonzero(y_idx == c))
            test_parts.append(members[:k])
            train_parts.append(members[k:])
        # Mix the classes so the parts are not sorted by class.
        test_idx = rng.permutation(np.concatenate(test_parts))
        train_idx = rng.permutation(np.concatenate(train_parts))

    out = []
    for a in arrays:
        out.append(_take_rows(a, train_idx))
        out.append(_take_rows(a, test_idx))
    return out


# ---------------------------------------------------------------------------------------------
# K-fold
# ---------------------------------------------------------------------------------------------

def _check_n_splits(n_samples, n_splits, func: str) -> tuple[int, int]:
    n_samples = check_int(n_samples, "n_samples", func, minimum=1)
    n_splits = check_int(n_splits, "n_splits", func, minimum=2)
    if n_splits > n_samples:
        raise ValueError(f"{func}: argument 'n_splits'={n_splits} is larger than 'n_samples'="
                         f"{n_samples}; every fold needs at least one sample")
    return n_samples, n_splits


def _folds(order: np.ndarray, n_splits: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Cut ``order`` into ``n_splits`` consecutive folds, the first ``n % k`` one longer."""
    n_samples = len(order)
    fold_sizes = np.full(n_splits, n_samples // n_splits, dtype=np.int64)
    fold_sizes[: n_samples % n_splits] += 1
    stops = np.cumsum(fold_sizes)
    starts = stops - fold_sizes
    pairs = []
    for start, stop in zip(starts, stops):
        in_val = np.zeros(n_samples, dtype=bool)
        in_val[order[start:stop]] = True
        # Sorted row numbers on both sides, as scikit-learn yields them.
        pairs.append((np.flatnonzero(~in_val), np.flatnonzero(in_val)))
    return pairs


def kfold_indices(n_samples, n_splits=5, shuffle=False, random_state=None):
    """K-fold cross-validation indices: ``n_splits`` pairs ``(train_idx, val_idx)``.

    The rows ``0 .. n_samples-1`` (shuffled first when ``shuffle=True``) are cut into
    ``n_splits`` consecutive folds. Fold sizes are ``n // k`` and the first ``n % k`` folds get
    one more, the rule of scikit-learn's ``KFold``. Round ``i`` validates on fold ``i`` and trains
    on the others, so every row is validated exactly once.

    Parameters
    ----------
    n_samples : int, number of rows ``N``.
    n_splits : int ``k`` with ``2 <= k <= N``.
    shuffle : shuffle the rows before cutting them into folds.
    random_state : seed or Generator for the shuffle; only meaningful with ``shuffle=True``.

    Returns
    -------
    list of ``k`` tuples ``(train_idx, val_idx)`` of sorted int64 arrays.
    """
    func = "kfold_indices"
    n_samples, n_splits = _check_n_splits(n_samples, n_splits, func)
    if not isinstance(shuffle, (bool, np.bool_)):
        raise TypeError(f"{func}: argument 'shuffle' must be True or False, "
                        f"got {_describe(shuffle)}")
    if shuffle:
        order = as_rng(random_state, func).permutation(n_samples)
    else:
        if random_state is not None:
            # A seed that silently does nothing hides a misunderstanding; scikit-learn says so too.
            raise ValueError(f"{func}: argument 'random_state' has no effect without "
                             f"shuffle=True; pass shuffle=True or leave random_state=None")
        order = np.arange(n_samples)
    return _folds(order, n_splits)


def iterated_kfold_indices(n_samples, n_splits=5, n_repeats=3, random_state=None):
    """Iterated (repeated) K-fold: K-fold ``n_repeats`` times, with a fresh shuffle each time.

    Averaging the scores of all ``n_splits * n_repeats`` rounds lowers the variance that comes
    from one particular cut of the data into folds.

    Returns
    -------
    list of ``n_splits * n_repeats`` tuples ``(train_idx, val_idx)``, repeat by repeat: the first
    ``n_splits`` pairs are the first repeat, and so on. Within a repeat the validation folds
    partition ``range(n_samples)``.
    """
    func = "iterated_kfold_indices"
    n_samples, n_splits = _check_n_splits(n_samples, n_splits, func)
    n_repeats = check_int(n_repeats, "n_repeats", func, minimum=1)
    rng = as_rng(random_state, func)
    pairs = []
    for _ in range(n_repeats):
        pairs.extend(_folds(rng.permutation(n_samples), n_splits))
    return pairs


def time_series_indices(n_samples, n_splits=5, test_size=None, gap=0):
    """Time-ordered splits: train on the past, validate on the block right after it.

    The rows ``0 .. N-1`` are taken to be in time order. With ``k = n_splits`` and
    ``t = test_size`` (default ``N // (k + 1)``), round ``i = 0 .. k-1`` validates on the ``t``
    rows starting at ``s_i = N - (k - i) t`` and trains on every row before ``s_i - gap``::

        train_i = [0, s_i - gap),    val_i = [s_i, s_i + t)

    so the last block ends at row ``N - 1``, the training part grows from round to round, and
    no round ever trains on a row later than one it validates on. This is scikit-learn's
    ``TimeSeriesSplit(n_splits, test_size=test_size, gap=gap)`` (without ``max_train_size``).

    Parameters
    ----------
    n_samples : int ``N``; n_splits : int ``k >= 2``; test_size : None or int ``t >= 1``;
    gap : int ``>= 0``, rows left out between the training part and the validation block.

    Returns
    -------
    list of ``k`` tuples ``(train_idx, val_idx)`` of sorted int64 arrays.
    """
    func = "time_series_indices"
    n_samples = check_int(n_samples, "n_samples", func, minimum=1)
    n_splits = check_int(n_splits, "n_splits", func, minimum=2)
    gap = check_int(gap, "gap", func, minimum=0)
    if test_size is None:
        if n_splits + 1 > n_samples:
            raise ValueError(f"{func}: argument 'n_splits'={n_splits} needs at least "
                             f"{n_splits + 1} samples (one block to train on before the first "
                             f"validation block), got n_samples={n_samples}")
        test_size = n_samples // (n_splits + 1)
    else:
        test_size = check_int(test_size, "test_size", func, minimum=1)
    first_start = n_samples - n_splits * test_size
    if first_start - gap <= 0:
        raise ValueError(f"{func}: {n_splits} validation blocks of test_size={test_size} rows "
                         f"after a gap of {gap} leave no row to train on in the first round "
                         f"(n_samples={n_samples}); use fewer splits, a smaller test_size or "
                         f"gap")
    pairs = []
    for i in range(n_splits):
        start = first_start + i * test_size
        pairs.append((np.arange(start - gap, dtype=np.int64),
                      np.arange(start, start + test_size, dtype=np.int64)))
    return pairs


# ---------------------------------------------------------------------------------------------
# Scores
# ---------------------------------------------------------------------------------------------

def _as_float_pair(y_true, y_pred):
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64).reshape(y_true.shape)
    return y_true, y_pred


def _accuracy(y_true, y_pred) -> float:
    """Share of exact matches: mean(y_true == y_pred)."""
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred).reshape(y_true.shape)
    return float(np.mean(y_true == y_pred))


def _r2(y_true, y_pred) -> float:
    """Coefficient of determination R^2 = 1 - SS_res / SS_tot, averaged over outputs.

    A constant target (SS_tot = 0) scores 1 for a perfect prediction and 0 otherwise, as in
    scikit-learn, instead of dividing by zero.
    """
    y_true, y_pred = _as_float_pair(y_true, y_pred)
    if y_true.ndim == 1:
        y_true, y_pred = y_true[:, None], y_pred[:, None]
    ss_res = np.sum((y_true - y_pred) ** 2, axis=0)
    ss_tot = np.sum((y_true - y_true.mean(axis=0)) ** 2, axis=0)
    safe = ss_tot > 0
    r2 = np.where(ss_res == 0, 1.0, 0.0)
    r2[safe] = 1.0 - ss_res[safe] / ss_tot[safe]
    return float(np.mean(r2))


def _neg_mae(y_true, y_pred) -> float:
    """-mean |y_true - y_pred| (negated so that larger is better)."""
    y_true, y_pred = _as_float_pair(y_true, y_pred)
    return -float(np.mean(np.abs(y_true - y_pred)))


def _neg_mse(y_true, y_pred) -> float:
    """-mean (y_true - y_pred)^2 (negated so that larger is better)."""
    y_true, y_pred = _as_float_pair(y_true, y_pred)
    return -float(np.mean((y_true - y_pred) ** 2))


def _neg_rmse(y_true, y_pred) -> float:
    """-sqrt(mean (y_true - y_pred)^2) per output, averaged (negated: larger is better)."""
    y_true, y_pred = _as_float_pair(y_true, y_pred)
    return -float(np.mean(np.sqrt(np.mean((y_true - y_pred) ** 2, axis=0))))


#: The scoring names ``cross_val_score`` knows, as in scikit-learn: a score is always "larger is
#: better", which is why errors appear negated.
SCORERS = {
    "accuracy": _accuracy,
    "r2": _r2,
    "neg_mean_absolute_error": _neg_mae,
    "neg_mean_squared_error": _neg_mse,
    "neg_root_mean_squared_error": _neg_rmse,
}


def _fresh_copy(estimator):
    """An unfitted copy: scikit-learn's ``clone`` when the estimator supports it (it rebuilds
    from the constructor arguments), else a deep copy of the object as it was passed."""
    if hasattr(estimator, "get_params"):
        from sklearn.base import clone
        try:
            return clone(estimator)
        except (TypeError, RuntimeError):
            # Objects with a get_params that clone cannot rebuild from: copy them instead.
            pass
    return copy.deepcopy(estimator)


def cross_val_score(estimator, X, y, cv=5, scoring=None, random_state=None):
    """Cross-validated scores: fit a fresh copy per fold, score it on that fold's validation rows.

    For each pair ``(train_idx, val_idx)``::

        model = copy of estimator;  model.fit(X[train_idx], y[train_idx])
        score_i = scoring(y[val_idx], model.predict(X[val_idx]))

    Parameters
    ----------
    estimator : unfitted object with ``fit(X, y)`` and ``predict(X)`` (or ``score(X, y)`` when
        ``scoring`` is None). It is never fitted itself: each fold gets a fresh copy
        (``sklearn.base.clone`` if it has ``get_params``, else ``copy.deepcopy``).
    X : array-like or DataFrame ``(N, ...)``; y : array-like or Series ``(N,)`` or ``(N, m)``.
    cv : int ``k`` for K-fold over the rows in order (no shuffle, as scikit-learn does for
        regressors; scikit-learn stratifies for classifiers, this function does not), or a
        list of ``(train_idx, val_idx)`` pairs such as ``kfold_indices`` returns.
    scoring : None for ``estimator.score``, a name from ``SCORERS`` ('accuracy', 'r2',
        'neg_mean_absolute_error', 'neg_mean_squared_error', 'neg_root_mean_squared_error'),
        or a callable ``scoring(y_true, y_pred) -> float``.
    random_state : with an int ``cv``, shuffle the rows before cutting the folds using this
        seed; None keeps the rows in order.

    Returns
    -------
    float64 array of one score per fold.
    """
    func = "cross_val_score"
    if not callable(getattr(estimator, "fit", None)):
        raise TypeError(f"{func}: argument 'estimator' must have a fit method (a model such as "
                        f"LinearRegression()), got {_describe(estimator)}")
    n_samples = _n_rows(X, "X", func)
    n_y = _n_rows(y, "y", func)
    if n_y != n_samples:
        raise ValueError(f"{func}: arguments 'X' and 'y' must have the same number of rows, "
                         f"got {n_samples} in X and {n_y} in y")

    if scoring is None:
        if not callable(getattr(estimator, "score", None)):
            raise TypeError(f"{func}: argument 'estimator' has no score method; pass "
                            f"'scoring' (one of {', '.join(map(repr, SCORERS))} or a callable)")
        score_fn = None
    elif isinstance(scoring, str):
        if scoring not in SCORERS:
            raise ValueError(f"{func}: argument 'scoring' must be one of "
                             f"{', '.join(map(repr, SCORERS))} or a callable "
                             f"f(y_true, y_pred), got {scoring!r}")
        score_fn = SCORERS[scoring]
    elif callable(scoring):
        score_fn = scoring
    else:
        raise TypeError(f"{func}: argument 'scoring' must be None, a name or a callable "
                        f"f(y_true, y_pred), got {_describe(scoring)}")
    if score_fn is not None and not callable(getattr(estimator, "predict", None)):
        raise TypeError(f"{func}: argument 'estimator' needs a predict method to be scored "
                        f"with 'scoring'={scoring!r}")

    if isinstance(cv, numbers.Integral) and not isinstance(cv, bool):
        if cv < 2 or cv > n_samples:
            raise ValueError(f"{func}: argument 'cv' must lie in [2, {n_samples}] (at least two "
                             f"folds, at most one per sample), got {cv}")
        if random_state is None:
            splits = kfold_indices(n_samples, int(cv))
        else:
            rng = as_rng(random_state, func)
            splits = kfold_indices(n_samples, int(cv), shuffle=True, random_state=rng)
    else:
        if random_state is not None:
            raise ValueError(f"{func}: argument 'random_state' only applies when 'cv' is a "
                             f"number of folds; with explicit index pairs, shuffle when "
                             f"making them")
        splits = _check_cv_pairs(cv, n_samples, func)

    scores = np.empty(len(splits), dtype=np.float64)
    for i, (train_idx, val_idx) in enumerate(splits):
        model = _fresh_copy(estimator)
        model.fit(_take_rows(X, train_idx), _take_rows(y, train_idx))
        X_val, y_val = _take_rows(X, val_idx), _take_rows(y, val_idx)
        if score_fn is None:
            scores[i] = model.score(X_val, y_val)
        else:
            scores[i] = score_fn(np.asarray(y_val), np.asarray(model.predict(X_val)))
    return scores


def _check_cv_pairs(cv, n_samples: int, func: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """Validate a list of (train_idx, val_idx) pairs and return them as int arrays."""
    if isinstance(cv, (str, bytes)):
        raise TypeError(f"{func}: argument 'cv' must be a number of folds or a list of "
                        f"(train_idx, val_idx) pairs, got {_describe(cv)}")
    try:
        pairs = list(cv)
    except TypeError:
        raise TypeError(f"{func}: argument 'cv' must be a number of folds or a list of "
                        f"(train_idx, val_idx) pairs, got {_describe(cv)}") from None
    if not pairs:
        raise ValueError(f"{func}: argument 'cv' is an empty list of folds")
    checked = []
    for i, pair in enumerate(pairs):
        if isinstance(pair, (str, bytes)) or not hasattr(pair, "__len__") or len(pair) != 2:
            raise ValueError(f"{func}: argument 'cv' must hold (train_idx, val_idx) pairs, but "
                             f"item {i} is {_describe(pair)}")
        parts = []
        for part_name, part in zip(("train_idx", "val_idx"), pair):
            idx = as_array(part, "cv", func, allow_int=True)
            if idx.ndim != 1 or idx.size == 0 or not np.issubdtype(idx.dtype, np.integer):
                raise ValueError(f"{func}: argument 'cv' item {i}: {part_name} must be a "
                                 f"non-empty 1-D array of integer row numbers, got "
                                 f"{_describe(idx)}")
            if idx.min() < 0 or idx.max() >= n_samples:
                raise ValueError(f"{func}: argument 'cv' item {i}: {part_name} holds row "
                                 f"numbers from {idx.min()} to {idx.max()}, outside "
                                 f"[0, {n_samples - 1}]")
            parts.append(idx)
        checked.append((parts[0], parts[1]))
    return checked

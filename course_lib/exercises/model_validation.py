"""The visible checks of chapter 11_model_validation, with their catalogue of known mistakes.

Each exercise's test cell calls its ``check_<exercise>`` with the student's function, then runs
the hidden tests (kept in the solution notebook, never released) and ``passed(...)``. The
hidden tests of ``find_leaky_column`` reuse ``leaky_column_of``.
"""
from __future__ import annotations

import numpy as np
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import KFold
from sklearn.model_selection import cross_val_score as sk_cross_val_score
from sklearn.tree import DecisionTreeClassifier

from course_lib import model_selection as ms
from course_lib.checks import check_close, check_shape, check_true
from course_lib.datasets import make_medical_leak

__all__ = ["check_kfold_indices", "check_cross_validated_scores", "check_find_leaky_column",
           "check_rows_seen_in_training", "leaky_column_of"]


def check_kfold_indices(kfold_indices):
    """kfold_indices(10, 3): 3 pairs, validation folds of sizes 4, 3, 3, and each round's
    val_idx and train_idx as integer row numbers in increasing order."""
    folds = kfold_indices(10, 3)
    check_true(isinstance(folds, (list, tuple)) and len(folds) == 3,
               "kfold_indices(10, 3) should return a list of 3 pairs (train_idx, val_idx), one "
               "per round.")
    check_true(all(isinstance(p, (list, tuple)) and len(p) == 2 for p in folds),
               "Each item of the list should be a pair (train_idx, val_idx).")
    val_sizes = [len(np.asarray(v)) for _, v in folds]
    check_close(val_sizes, [4, 3, 3], "the list of validation fold sizes for n = 10, k = 3",
                mistakes=[([3, 3, 3], "Your folds have n // k = 3 rows each, so row 9 is never "
                                      "validated (equal folds exist only when k divides n). "
                                      "The first n % k folds get one row more: 4, 3, 3."),
                          ([3, 3, 4], "The extra row went to the last fold. scikit-learn's "
                                      "KFold gives the extra rows to the FIRST n % k folds: "
                                      "4, 3, 3."),
                          ([6, 7, 7], "These are the sizes of the training parts: train_idx "
                                      "and val_idx are swapped. Each pair is (train_idx, "
                                      "val_idx)."),
                          ([7, 7, 6], "These are the sizes of the training parts, and the "
                                      "extra row went to the last fold. Each pair is "
                                      "(train_idx, val_idx), and the first n % k folds are the "
                                      "longer ones.")],
                hint="sizes = np.full(k, n // k); sizes[: n % k] += 1")
    for i, (expected_val, expected_train) in enumerate([
            ([0, 1, 2, 3], [4, 5, 6, 7, 8, 9]),
            ([4, 5, 6], [0, 1, 2, 3, 7, 8, 9]),
            ([7, 8, 9], [0, 1, 2, 3, 4, 5, 6])]):
        t, v = folds[i]
        check_close(np.asarray(v), expected_val, f"val_idx of round {i} for n = 10, k = 3",
                    hint="Fold i is the i-th consecutive block of rows.")
        check_close(np.asarray(t), expected_train, f"train_idx of round {i} for n = 10, k = 3",
                    hint="train_idx is every row that is not in val_idx, in increasing order.")
        check_true(np.issubdtype(np.asarray(t).dtype, np.integer)
                   and np.issubdtype(np.asarray(v).dtype, np.integer),
                   "The indices should be integers (row numbers), e.g. from np.arange, not "
                   "floats.")


def check_cross_validated_scores(cross_validated_scores):
    """23 rows in 4 folds: one score per fold, equal to scikit-learn's cross_val_score with
    KFold(4), and X and y left unchanged."""
    rng = np.random.default_rng(5)
    X = rng.normal(size=(23, 3))
    y = X @ np.array([1.5, -2.0, 0.5]) + rng.normal(scale=1.5, size=23)
    X_copy, y_copy = X.copy(), y.copy()
    scores = cross_validated_scores(X, y, 4)
    ref = sk_cross_val_score(LinearRegression(), X, y, cv=KFold(4))
    pairs = ms.kfold_indices(23, 4)
    on_train = [LinearRegression().fit(X[t], y[t]).score(X[t], y[t]) for t, _ in pairs]
    fit_all = LinearRegression().fit(X, y)
    seen = [fit_all.score(X[v], y[v]) for _, v in pairs]
    swapped = [LinearRegression().fit(X[v], y[v]).score(X[t], y[t]) for t, v in pairs]
    check_true(np.ndim(scores) != 0,
               "cross_validated_scores returned a single number. Return one score per fold (an "
               "array of n_splits scores), not their mean: the spread of the scores matters "
               "too.")
    check_close(np.asarray(scores, dtype=float), ref,
                "cross_validated_scores(X, y, 4) for 23 rows", rtol=1e-6,
                mistakes=[(on_train, "These are the R^2 of each fold's model on its own "
                                     "TRAINING rows. Score on the validation rows: "
                                     "model.score(X[val_idx], y[val_idx])."),
                          (seen, "These are the scores of ONE model fitted on all rows, then "
                                 "scored on each fold: every validation row was in its "
                                 "training data. Fit a fresh LinearRegression on X[train_idx] "
                                 "in each round."),
                          (swapped, "The model was fitted on the validation fold and scored on "
                                    "the training rows: train_idx and val_idx are swapped.")],
                hint="for train_idx, val_idx in ms.kfold_indices(len(X), n_splits): fit on the "
                     "training rows, score on the validation rows.")
    check_true(np.array_equal(X, X_copy) and np.array_equal(y, y_copy),
               "cross_validated_scores changed its input X or y; leave them as they are.")


def leaky_column_of(table):
    """The neutral name of the after-the-fact column (took_antibiotics) in a table from
    make_medical_leak(..., neutral_names=True), which records it (the hidden tests use it too)."""
    return [k for k, v in table.attrs["original_names"].items()
            if v == "took_antibiotics"][0]


def check_find_leaky_column(find_leaky_column):
    """One clinic's table of 500 patients: a column name is returned, not the target, one of
    the table's columns, not the weakest, and the leaky one."""
    table = make_medical_leak(500, random_state=21, neutral_names=True)
    found = find_leaky_column(table, "diagnosis")
    check_true(isinstance(found, str),
               f"find_leaky_column should return a column name (a string such as 'm3'), got "
               f"{type(found).__name__}. Return the name, not its score or the column itself.")
    check_true(found != "diagnosis",
               "You returned the target column itself: of course it predicts itself perfectly. "
               "Leave the target out of the columns you score.")
    check_true(found in table.columns,
               f"{found!r} is not a column of the table; its columns are "
               f"{list(table.columns)}.")
    y_table = table["diagnosis"].to_numpy()
    alone = {c: ms.cross_val_score(DecisionTreeClassifier(max_depth=1),
                                   table[[c]].to_numpy(dtype=float), y_table, cv=5,
                                   scoring="accuracy").mean()
             for c in table.columns if c != "diagnosis"}
    check_true(found == leaky_column_of(table) or alone[found] > min(alone.values()),
               f"{found!r} is the column that predicts the diagnosis WORST on its own. The leak "
               f"is the column with the HIGHEST single-column score: max, not min.")
    check_true(found == leaky_column_of(table),
               f"{found!r} is an honest measurement: on its own it predicts the diagnosis only "
               f"a little better than the base rate. Score every feature column alone "
               f"(cross-validated accuracy of a one-column decision stump) and return the "
               f"one with the highest score, for the table you are given, not for `clinic`.")


def check_rows_seen_in_training(rows_seen_in_training):
    """4 training rows and 7 test rows: a boolean mask of shape (7,) marking the test rows equal
    to a whole training row, and the inputs left unchanged."""
    train = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9], [1, 5, 9]])
    test = np.array([[4, 5, 6], [1, 2, 4], [9, 8, 7], [1, 5, 9], [4, 8, 6], [0, 0, 0],
                     [0, 0, 0]])
    train_copy, test_copy = train.copy(), test.copy()
    mask = rows_seen_in_training(train, test)
    check_shape(np.asarray(mask), (7,),
                "rows_seen_in_training(X_train, X_test) for 7 test rows")
    check_true(np.asarray(mask).dtype == bool,
               f"The answer should be a boolean array (True / False per test row), got dtype "
               f"{np.asarray(mask).dtype}.")
    check_close(np.asarray(mask, dtype=float), [1, 0, 0, 1, 0, 0, 0],
                "which of the 7 test rows appear in X_train",
                mistakes=[([1, 1, 1, 1, 1, 0, 0], "Every value of rows 1, 2 and 4 occurs "
                                                  "SOMEWHERE in the training data (np.isin "
                                                  "looks at single values), but no training "
                                                  "row equals them. Compare whole rows."),
                          ([1, 1, 0, 1, 1, 0, 0], "You compared only the first column. A row is "
                                                  "seen only when ALL its columns match one "
                                                  "training row."),
                          ([1, 0, 1, 1, 0, 0, 0], "[9, 8, 7] holds the same values as the "
                                                  "training row [7, 8, 9] but in another "
                                                  "order: that is a different row. Compare "
                                                  "columns in order (no sorting, no sets of "
                                                  "values)."),
                          ([0, 0, 0, 0, 0, 1, 1], "You marked the rows that are duplicated "
                                                  "WITHIN X_test; the question is which test "
                                                  "rows also appear in X_train.")],
                hint="(X_test[:, None, :] == X_train[None, :, :]).all(axis=2).any(axis=1)")
    check_true(np.array_equal(train, train_copy) and np.array_equal(test, test_copy),
               "rows_seen_in_training changed its inputs; leave them as they are.")

"""Small stand-in classifiers with scikit-learn's ``fit`` / ``predict_proba`` / ``classes_``.

Exercises that take a model *factory* (chapter 16's pseudo-labelling round) are checked with
these: their probabilities are known in advance or follow from the labelled data by a rule a
reader can verify, and, being course code, they can be handed to the student's code by value
when it is graded in its own process (``course_lib.grading.wire``).
"""
from __future__ import annotations

import numpy as np

from ._validation import as_data_matrix

__all__ = ["FixedProbabilityClassifier", "NearestCentroidClassifier"]


class FixedProbabilityClassifier:
    """Probabilities fixed in advance: row ``x`` gets ``table[int(x[0])]``.

    table: (M, K) rows of class probabilities; classes: (K,) the class of each column.
    ``fit`` only records what it was given (``fitted_on_``), so a check can see it was called.
    """

    def __init__(self, table, classes):
        self.table = np.asarray(table, dtype=float)
        self.classes_ = np.asarray(classes)
        if self.table.ndim != 2 or self.table.shape[1] != len(self.classes_):
            raise ValueError(f"FixedProbabilityClassifier: argument 'table' must have one "
                             f"column per class ({len(self.classes_)}), got shape "
                             f"{self.table.shape}")

    def fit(self, X, y):
        self.fitted_on_ = (np.array(X, dtype=float), np.array(y))
        return self

    def predict_proba(self, X) -> np.ndarray:
        """(N, K): the table row named by each row's first feature."""
        rows = as_data_matrix(X, "FixedProbabilityClassifier.predict_proba")[:, 0].astype(int)
        return self.table[rows]


class NearestCentroidClassifier:
    """A classifier learned from the labelled rows: one centroid per class, and

    p(class k | x) = softmax_k(-||x - c_k||^2 / temperature).

    classes_: the sorted distinct labels seen by ``fit``; centroids_: (K, n_features).
    """

    def __init__(self, temperature=1.0):
        self.temperature = float(temperature)

    def fit(self, X, y):
        X = as_data_matrix(X, "NearestCentroidClassifier.fit")
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        self.centroids_ = np.stack([X[y == c].mean(axis=0) for c in self.classes_])
        return self

    def predict_proba(self, X) -> np.ndarray:
        X = as_data_matrix(X, "NearestCentroidClassifier.predict_proba")
        d2 = ((X[:, None, :] - self.centroids_[None]) ** 2).sum(axis=-1)
        z = -d2 / self.temperature
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

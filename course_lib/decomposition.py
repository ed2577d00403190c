"""Principal component analysis by the singular value decomposition of the centred data.

With ``Xc = X - mean(X)`` (n_samples, n_features) and its thin SVD ``Xc = U S V^T``:

* the rows of ``V^T`` are the principal directions (``components_``), orthonormal, ordered by
  the variance they carry;
* the variance of the data along direction ``k`` is ``S_k^2 / (n_samples - 1)``
  (``explained_variance_``), and its share of the total variance is
  ``S_k^2 / sum_j S_j^2`` (``explained_variance_ratio_``);
* the coordinates of a sample in the new basis (its *scores*) are ``(x - mean) V``.

No covariance matrix is formed: the SVD of ``Xc`` is more accurate than the eigen-decomposition
of ``Xc^T Xc``, whose condition number is the square of that of ``Xc``. The API follows
scikit-learn's ``sklearn.decomposition.PCA``.
"""
from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from ._validation import as_array, as_data_matrix

__all__ = ["PCA"]


class PCA:
    """Principal component analysis (linear dimensionality reduction).

    Parameters
    ----------
    n_components : how many components to keep.
        ``None``: all, ``min(n_samples, n_features)``;
        an int ``1 <= k <= min(n_samples, n_features)``;
        a float in (0, 1): the fewest components whose explained variance ratios add up to
        *more than* that share (scikit-learn's rule), e.g. 0.95 for 95% of the variance.

    Attributes (after ``fit``)
    --------------------------
    components_ : (n_components, n_features), the principal directions as rows (unit norm).
    explained_variance_ : (n_components,), ``S_k^2 / (n_samples - 1)``.
    explained_variance_ratio_ : (n_components,), ``S_k^2 / sum of all S_j^2``.
    singular_values_ : (n_components,), ``S_k``.
    mean_ : (n_features,), the feature means removed before the SVD.
    n_components_ : int, the number of components kept.
    n_features_in_, n_samples_ : ints.
    feature_names_in_ : the column names, when ``fit`` was given a pandas DataFrame.

    Signs: an SVD fixes each direction only up to sign (``v`` and ``-v`` explain the same
    variance). To make results reproducible, every component is flipped so that its entry of
    largest absolute value is positive (for ties, the first such entry), which is also what
    current scikit-learn does.
    """

    def __init__(self, n_components=None):
        self.n_components = n_components

    def __repr__(self):
        return f"PCA(n_components={self.n_components!r})"

    # -- helpers --------------------------------------------------------------------------------

    def _n_kept(self, ratio_cumsum: np.ndarray, n_samples: int, n_features: int) -> int:
        func = "PCA.fit"
        limit = min(n_samples, n_features)
        k = self.n_components
        if k is None:
            return limit
        if isinstance(k, bool) or not isinstance(k, numbers.Real):
            raise TypeError(f"{func}: argument 'n_components' must be None, an int or a float "
                            f"in (0, 1), got {k!r} ({type(k).__name__})")
        if isinstance(k, numbers.Integral):
            if not 1 <= k <= limit:
                raise ValueError(f"{func}: argument 'n_components' must be between 1 and "
                                 f"min(n_samples, n_features) = min({n_samples}, {n_features}) "
                                 f"= {limit}, got {k}")
            return int(k)
        if not 0 < k < 1:
            raise ValueError(f"{func}: argument 'n_components' given as a float is a share of "
                             f"variance and must lie in (0, 1), got {k} (pass an int for a "
                             f"number of components)")
        # the fewest components whose cumulative share exceeds k
        return int(min(np.searchsorted(ratio_cumsum, k, side="right") + 1, limit))

    def _check_fitted(self, method: str):
        if not hasattr(self, "components_"):
            raise ValueError(f"PCA.{method}: this PCA instance is not fitted yet; call fit(X) "
                             f"first")

    # -- public API -----------------------------------------------------------------------------

    def fit(self, X, y=None):
        """Find the principal components of ``X`` (n_samples, n_features). Returns ``self``."""
        func = "PCA.fit"
        names = getattr(X, "columns", None)
        X = as_data_matrix(X, func)
        n_samples, n_features = X.shape
        if n_samples < 2:
            raise ValueError(f"{func}: argument 'X' needs at least 2 samples to have a "
                             f"variance, got {n_samples}")
        if self.n_components is not None and isinstance(self.n_components, numbers.Integral):
            self._n_kept(np.zeros(0), n_samples, n_features)   # fail before the SVD
        self.mean_ = X.mean(axis=0)
        Xc = X - self.mean_
        U, S, Vt = np.linalg.svd(Xc, full_matrices=False)
        # Sign convention: largest |entry| of every component positive.
        pivots = np.argmax(np.abs(Vt), axis=1)
        signs = np.sign(Vt[np.arange(Vt.shape[0]), pivots])
        signs[signs == 0] = 1
        Vt *= signs[:, None]
        variance = S ** 2 / (n_samples - 1)
        total = variance.sum()
        # Constant data has no variance to share out; report zero shares rather than 0 / 0.
        ratio = variance / total if total > 0 else np.zeros_like(variance)
        k = self._n_kept(np.cumsum(ratio), n_samples, n_features)
        self.n_components_ = k
        self.components_ = Vt[:k].copy()
        self.explained_variance_ = variance[:k]
        self.explained_variance_ratio_ = ratio[:k]
        self.singular_values_ = S[:k].copy()
        self.n_features_in_ = n_features
        self.n_samples_ = n_samples
        if names is not None:
            self.feature_names_in_ = np.asarray([str(c) for c in names], dtype=object)
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        return self

    def transform(self, X) -> np.ndarray:
        """Scores of new data: ``Z = (X - mean_) components_^T``, (n_samples, n_components_)."""
        self._check_fitted("transform")
        func = "PCA.transform"
        X = as_data_matrix(X, func)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"{func}: argument 'X' has {X.shape[1]} features, but this PCA was "
                             f"fitted on {self.n_features_in_}")
        return (X - self.mean_) @ self.components_.T

    def fit_transform(self, X, y=None) -> np.ndarray:
        """``fit(X)`` then ``transform(X)``."""
        return self.fit(X).transform(X)

    def inverse_transform(self, Z) -> np.ndarray:
        """Back to feature space: ``X_hat = Z components_ + mean_``, (n_samples, n_features).

        With all components kept this undoes ``transform`` exactly (up to rounding); with fewer
        it gives the closest reconstruction in the kept subspace.
        """
        self._check_fitted("inverse_transform")
        func = "PCA.inverse_transform"
        Z = as_array(Z, "Z", func)
        if Z.ndim != 2 or Z.shape[1] != self.n_components_:
            raise ValueError(f"{func}: argument 'Z' must have shape (n_samples, n_components_) "
                             f"= (n, {self.n_components_}), got {Z.shape}")
        return Z @ self.components_ + self.mean_

    def loadings(self, feature_names=None) -> pd.DataFrame:
        """The components as a table: one row per feature, one column per component.

        ``loadings()[f"PC{k}"][feature] = components_[k - 1, feature]``: how much each original
        feature contributes to each principal direction (unscaled, i.e. ``components_.T``, not
        multiplied by the standard deviation of the component).

        Parameters
        ----------
        feature_names : names of the n_features features; by default the DataFrame columns
            seen in ``fit``, else ``x0, x1, ...``.

        Returns
        -------
        pandas.DataFrame of shape (n_features, n_components_), columns ``PC1, PC2, ...``.
        """
        self._check_fitted("loadings")
        func = "PCA.loadings"
        if feature_names is None:
            names = getattr(self, "feature_names_in_", None)
            if names is None:
                names = [f"x{i}" for i in range(self.n_features_in_)]
        else:
            if isinstance(feature_names, str) or not hasattr(feature_names, "__len__"):
                raise TypeError(f"{func}: argument 'feature_names' must be a list of "
                                f"{self.n_features_in_} names, got {feature_names!r}")
            names = list(feature_names)
            if len(names) != self.n_features_in_:
                raise ValueError(f"{func}: argument 'feature_names' must have one name per "
                                 f"feature ({self.n_features_in_}), got {len(names)}")
        columns = [f"PC{k + 1}" for k in range(self.n_components_)]
        return pd.DataFrame(self.components_.T, index=list(names), columns=columns)

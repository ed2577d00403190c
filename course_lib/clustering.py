"""K-means clustering, as a whole estimator and as single steps.

Lloyd's algorithm alternates two steps until the centres stop moving:

* **assign**: give every sample the label of its nearest centre,
  ``labels[i] = argmin_j ||x_i - c_j||^2``;
* **update**: move every centre to the mean of the samples it owns,
  ``c_j = mean{x_i : labels[i] == j}``.

Neither step can raise the inertia ``sum_i ||x_i - c_{labels[i]}||^2``, so the loop always
settles, but only in a *local* minimum: where it ends depends on where it starts. Hence the
careful seeding (:func:`kmeans_plusplus`) and the ``n_init`` restarts of :class:`KMeans`.

The step functions (:func:`kmeans_assign`, :func:`kmeans_update`, :func:`kmeans_inertia`,
:func:`kmeans_plusplus`) are public so that a notebook can run the algorithm one step at a
time. :class:`KMeans` follows scikit-learn's ``sklearn.cluster.KMeans``: same argument names,
same fitted attributes (``cluster_centers_``, ``labels_``, ``inertia_``, ``n_iter_``).
"""
from __future__ import annotations


import warnings

import numpy as np

from ._validation import (as_array, as_data_matrix, as_rng, check_choice, check_int,
                          check_nonnegative)

__all__ = [
    "KMeans",
    "kmeans_assign",
    "kmeans_update",
    "kmeans_inertia",
    "kmeans_plusplus",
]


class ConvergenceWarning(UserWarning):
    """K-means ended in fewer distinct clusters than asked for (scikit-learn's warning too)."""



# ----------------------------------------------------------------------------------------------
# argument checks
# ----------------------------------------------------------------------------------------------

def _check_centers(centers, X: np.ndarray, func: str) -> np.ndarray:
    """centers as an array (n_clusters, n_features) matching X's features and dtype."""
    c = as_array(centers, "centers", func, dtype=X.dtype)
    if c.ndim != 2 or c.shape[0] == 0:
        raise ValueError(f"{func}: argument 'centers' must be 2-D (n_clusters, n_features) "
                         f"with at least one centre, got shape {c.shape}")
    if c.shape[1] != X.shape[1]:
        raise ValueError(f"{func}: argument 'centers' has {c.shape[1]} features but 'X' has "
                         f"{X.shape[1]}")
    return c


def _check_cluster_labels(labels, X: np.ndarray, n_clusters: int, func: str) -> np.ndarray:
    lab = as_array(labels, "labels", func, allow_int=True)
    if lab.ndim != 1 or lab.shape[0] != X.shape[0]:
        raise ValueError(f"{func}: argument 'labels' must be 1-D with one label per row of "
                         f"'X' ({X.shape[0]}), got shape {lab.shape}")
    if np.issubdtype(lab.dtype, np.floating) and not np.all(lab == np.round(lab)):
        raise ValueError(f"{func}: argument 'labels' must hold whole numbers (cluster "
                         f"indices), got non-integer values")
    lab = lab.astype(np.intp)
    if lab.size and (lab.min() < 0 or lab.max() >= n_clusters):
        raise ValueError(f"{func}: argument 'labels' must hold cluster indices "
                         f"0..{n_clusters - 1}, got values from {lab.min()} to {lab.max()}")
    return lab


# ----------------------------------------------------------------------------------------------
# the single steps
# ----------------------------------------------------------------------------------------------

def _squared_distances(X: np.ndarray, centers: np.ndarray, x_sq=None) -> np.ndarray:
    """(n_samples, n_clusters) squared Euclidean distances by one matrix product.

    ||x - c||^2 = ||x||^2 - 2 x.c + ||c||^2. Rounding can make the expansion slightly negative
    for a sample sitting on a centre, hence the clip at 0.
    """
    if x_sq is None:
        x_sq = np.einsum("ij,ij->i", X, X)
    c_sq = np.einsum("ij,ij->i", centers, centers)
    d2 = X @ centers.T
    d2 *= -2
    d2 += x_sq[:, None]
    d2 += c_sq[None, :]
    np.maximum(d2, 0, out=d2)
    return d2


def _nearest(XT: np.ndarray, centers: np.ndarray, *, with_onehot: bool = False):
    """Labels of the nearest centres, given the data transposed, XT: (n_features, n_samples).

    ||x||^2 is the same for every centre, so argmin_j ||x - c_j||^2 = argmin_j (||c_j||^2 -
    2 c_j.x). The scores are laid out (n_clusters, n_samples) so that the minimum runs across
    contiguous rows; ``argmin(axis=1)`` over a handful of clusters per sample is several times
    slower. With ``with_onehot`` also return the (n_clusters, n_samples) membership matrix
    ``onehot[j, i] = (labels[i] == j)`` in the data's dtype, which the update step needs.
    """
    n_clusters, n_samples = centers.shape[0], XT.shape[1]
    scores = (centers * -2) @ XT
    scores += np.einsum("ij,ij->i", centers, centers)[:, None]
    if n_clusters > 16:
        # Many clusters: argmin is efficient again, and a dense membership matrix is not.
        labels = scores.argmin(axis=0)
        return (labels, _membership(labels, n_clusters, XT.dtype)) if with_onehot else labels
    member = scores == scores.min(axis=0)
    if np.count_nonzero(member) != n_samples:
        # Some sample is exactly as close to two centres: keep only the lowest index, as
        # argmin does.
        tied = np.flatnonzero(member.sum(axis=0) > 1)
        first = member[:, tied].argmax(axis=0)
        member[:, tied] = False
        member[first, tied] = True
    onehot = member.astype(XT.dtype)
    # One nonzero per column, so this product picks out each sample's cluster index exactly.
    labels = (np.arange(n_clusters, dtype=XT.dtype) @ onehot).astype(np.intp)
    return (labels, onehot) if with_onehot else labels


def _membership(labels: np.ndarray, n_clusters: int, dtype) -> np.ndarray:
    onehot = np.zeros((n_clusters, labels.size), dtype=dtype)
    onehot[labels, np.arange(labels.size)] = 1
    return onehot


def kmeans_assign(X, centers) -> np.ndarray:
    """The assignment step: the index of the nearest centre for every sample.

    Parameters
    ----------
    X : (n_samples, n_features) data.
    centers : (n_clusters, n_features) current centres.

    Returns
    -------
    labels : (n_samples,) int array, ``labels[i] = argmin_j ||x_i - c_j||^2``
        (ties go to the lowest index).

    The distances come from ``||x||^2 - 2 x.c + ||c||^2``: one matrix product of the centres
    with the data instead of a loop over samples (``||x||^2`` is left out, it is the same for
    every centre and cannot change the argmin).
    """
    func = "kmeans_assign"
    X = as_data_matrix(X, func)
    centers = _check_centers(centers, X, func)
    return _nearest(np.ascontiguousarray(X.T), centers)


def _update(X: np.ndarray, labels: np.ndarray, centers: np.ndarray,
            onehot: np.ndarray | None = None) -> np.ndarray:
    n_clusters = centers.shape[0]
    counts = np.bincount(labels, minlength=n_clusters)
    # The (n_clusters, n_samples) membership matrix turns the per-cluster sums into one
    # matrix product; bincount per feature would loop over features, add.at is slow.
    if onehot is None:
        onehot = _membership(labels, n_clusters, X.dtype)
    sums = onehot @ X
    new = np.empty_like(centers)
    filled = counts > 0
    new[filled] = sums[filled] / counts[filled, None]
    empty = np.flatnonzero(~filled)
    if empty.size:
        # Each empty cluster takes the sample worst served by the current centres: the one
        # farthest from the centre it is assigned to (scikit-learn's rule). That sample then
        # has a centre of its own, which can only lower the inertia at the next assignment.
        diff = X - centers[labels]
        far = np.einsum("ij,ij->i", diff, diff)
        worst = np.argsort(far, kind="stable")[::-1][: empty.size]
        new[empty[: worst.size]] = X[worst]
        # More empty clusters than samples cannot happen when n_clusters <= n_samples; keep
        # the old centres for any left over rather than invent points.
        new[empty[worst.size:]] = centers[empty[worst.size:]]
    return new


def kmeans_update(X, labels, centers) -> np.ndarray:
    """The update step: move every centre to the mean of the samples assigned to it.

    Parameters
    ----------
    X : (n_samples, n_features) data.
    labels : (n_samples,) cluster index of every sample, in ``0..n_clusters-1``.
    centers : (n_clusters, n_features) the current centres. Only needed for empty clusters
        (and to know ``n_clusters``).

    Returns
    -------
    new_centers : (n_clusters, n_features), ``c_j = (1 / n_j) sum_{i: labels[i] = j} x_i``.

    Empty clusters: a centre that owns no sample has no mean. It is moved onto the sample
    farthest from the centre that sample is currently assigned to (the worst-served sample,
    as in scikit-learn), several empty clusters taking the several farthest samples. The
    input ``centers`` is not modified.
    """
    func = "kmeans_update"
    X = as_data_matrix(X, func)
    centers = _check_centers(centers, X, func)
    labels = _check_cluster_labels(labels, X, centers.shape[0], func)
    return _update(X, labels, centers)


def kmeans_inertia(X, centers, labels) -> float:
    """The K-means objective: ``inertia = sum_i ||x_i - c_{labels[i]}||^2``.

    Parameters
    ----------
    X : (n_samples, n_features) data.
    centers : (n_clusters, n_features) centres.
    labels : (n_samples,) cluster index of every sample.

    Returns
    -------
    float, the within-cluster sum of squared distances (not divided by n_samples).
    """
    func = "kmeans_inertia"
    X = as_data_matrix(X, func)
    centers = _check_centers(centers, X, func)
    labels = _check_cluster_labels(labels, X, centers.shape[0], func)
    diff = X - centers[labels]
    return float(np.einsum("ij,ij->", diff, diff))


def _plusplus(X: np.ndarray, n_clusters: int, rng: np.random.Generator, x_sq: np.ndarray):
    n_samples = X.shape[0]
    n_local_trials = 2 + int(np.log(n_clusters))
    indices = np.empty(n_clusters, dtype=np.intp)
    indices[0] = rng.integers(n_samples)
    closest = _squared_distances(X, X[indices[:1]], x_sq)[:, 0]
    potential = closest.sum()
    for j in range(1, n_clusters):
        if potential > 0:
            # Draw candidates with probability proportional to D(x)^2.
            draws = rng.random(n_local_trials) * potential
            candidates = np.searchsorted(np.cumsum(closest), draws)
            np.minimum(candidates, n_samples - 1, out=candidates)
        else:
            # Every sample already sits on a centre (duplicates): any choice is as good.
            candidates = rng.integers(n_samples, size=n_local_trials)
        # Greedy step: keep the candidate that lowers the total D^2 the most.
        d2 = _squared_distances(X, X[candidates], x_sq)          # (n_samples, n_trials)
        np.minimum(d2, closest[:, None], out=d2)
        totals = d2.sum(axis=0)
        best = int(np.argmin(totals))
        indices[j] = candidates[best]
        closest = d2[:, best]
        potential = totals[best]
    return X[indices].copy(), indices


def kmeans_plusplus(X, n_clusters, random_state=None, *, return_indices=False):
    """k-means++ seeding: spread-out starting centres chosen among the samples.

    The first centre is a sample drawn uniformly. Each further centre is drawn with
    probability proportional to ``D(x)^2``, the squared distance from ``x`` to its nearest
    centre chosen so far, so far-away regions are likely to get a centre (Arthur and
    Vassilvitskii, 2007). This is the *greedy* variant used by scikit-learn: at each step
    ``2 + int(log(n_clusters))`` candidates are drawn that way and the one that lowers the total
    ``sum_x D(x)^2`` the most is kept.

    Parameters
    ----------
    X : (n_samples, n_features) data.
    n_clusters : int, 1 <= n_clusters <= n_samples.
    random_state : None, int or numpy.random.Generator.
    return_indices : if True also return the row indices of the chosen samples.

    Returns
    -------
    centers : (n_clusters, n_features), or ``(centers, indices)`` with ``return_indices``.
    """
    func = "kmeans_plusplus"
    X = as_data_matrix(X, func)
    n_clusters = _check_n_clusters(n_clusters, X.shape[0], func)
    rng = as_rng(random_state, func)
    centers, indices = _plusplus(X, n_clusters, rng, np.einsum("ij,ij->i", X, X))
    return (centers, indices) if return_indices else centers


def _check_n_clusters(n_clusters, n_samples: int, func: str) -> int:
    n_clusters = check_int(n_clusters, "n_clusters", func, minimum=1)
    if n_clusters > n_samples:
        raise ValueError(f"{func}: argument 'n_clusters' ({n_clusters}) must not exceed the "
                         f"number of samples ({n_samples})")
    return n_clusters


# ----------------------------------------------------------------------------------------------
# the estimator
# ----------------------------------------------------------------------------------------------

class KMeans:
    """K-means clustering (Lloyd's algorithm) with k-means++ or random seeding and restarts.

    Parameters
    ----------
    n_clusters : int, the number of clusters k.
    init : ``'k-means++'`` (see :func:`kmeans_plusplus`), ``'random'`` (k distinct samples
        drawn uniformly) or an array (n_clusters, n_features) of starting centres, in which
        case a single run is made whatever ``n_init`` says.
    n_init : int (or ``'auto'``: 1 run for k-means++, 10 for random), the number of runs from
        different starts; the run with the lowest inertia is kept.
    max_iter : int, the most assign + update iterations in one run.
    tol : float, a run stops when ``sum_j ||c_j(new) - c_j(old)||^2 <= tol * mean variance of
        the features of X`` (scikit-learn's rule, which makes ``tol`` independent of the scale
        of the data), or when the labels no longer change.
    random_state : None, int or numpy.random.Generator, for the seeding.

    Attributes (after ``fit``)
    --------------------------
    cluster_centers_ : (n_clusters, n_features)
    labels_ : (n_samples,) the label of every training sample, consistent with the centres.
    inertia_ : float, ``sum_i ||x_i - c_{labels_[i]}||^2`` of the kept run.
    n_iter_ : int, the number of iterations of the kept run.
    n_features_in_ : int.
    """

    def __init__(self, n_clusters=8, init="k-means++", n_init=10, max_iter=300, tol=1e-4,
                 random_state=None):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

    def __repr__(self):
        return (f"KMeans(n_clusters={self.n_clusters!r}, init={self.init!r}, "
                f"n_init={self.n_init!r}, max_iter={self.max_iter!r}, tol={self.tol!r}, "
                f"random_state={self.random_state!r})")

    # -- helpers --------------------------------------------------------------------------------

    def _check_params(self, X: np.ndarray):
        func = "KMeans.fit"
        n_clusters = _check_n_clusters(self.n_clusters, X.shape[0], func)
        max_iter = check_int(self.max_iter, "max_iter", func, minimum=1)
        tol = check_nonnegative(self.tol, "tol", func)
        init = self.init
        if isinstance(init, str):
            check_choice(init, "init", func, ("k-means++", "random"))
            init_centers = None
        else:
            init_centers = as_array(init, "init", func, dtype=X.dtype)
            if init_centers.shape != (n_clusters, X.shape[1]):
                raise ValueError(f"{func}: argument 'init' given as an array must have shape "
                                 f"(n_clusters, n_features) = {(n_clusters, X.shape[1])}, got "
                                 f"{init_centers.shape}")
        if isinstance(self.n_init, str):
            check_choice(self.n_init, "n_init", func, ("auto",))
            n_init = 10 if init == "random" else 1
        else:
            n_init = check_int(self.n_init, "n_init", func, minimum=1)
        if init_centers is not None:
            n_init = 1
        return n_clusters, max_iter, tol, init_centers, n_init

    def _check_fitted(self, method: str):
        if not hasattr(self, "cluster_centers_"):
            raise ValueError(f"KMeans.{method}: this KMeans instance is not fitted yet; call "
                             f"fit(X) first")

    def _check_new_data(self, X, method: str) -> np.ndarray:
        self._check_fitted(method)
        func = f"KMeans.{method}"
        X = as_data_matrix(X, func)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"{func}: argument 'X' has {X.shape[1]} features, but this KMeans "
                             f"was fitted on {self.n_features_in_}")
        return X

    @staticmethod
    def _lloyd(X, XT, centers, max_iter, tol_abs):
        labels_old = None
        converged = False
        for it in range(max_iter):
            labels, onehot = _nearest(XT, centers, with_onehot=True)
            new = _update(X, labels, centers, onehot)
            shift = float(((new - centers) ** 2).sum())
            centers = new
            if labels_old is not None and np.array_equal(labels, labels_old):
                converged = True       # nothing moved: the centres are the exact means
                break
            if shift <= tol_abs:
                break
            labels_old = labels
        if not converged:
            # The centres moved in the last update, so recompute the labels to match them.
            labels = _nearest(XT, centers)
        diff = X - centers[labels]
        inertia = float(np.einsum("ij,ij->", diff, diff))
        return centers, labels, inertia, it + 1

    # -- public API -----------------------------------------------------------------------------

    def fit(self, X, y=None):
        """Cluster ``X`` (n_samples, n_features). ``y`` is ignored. Returns ``self``."""
        X = as_data_matrix(X, "KMeans.fit")
        n_clusters, max_iter, tol, init_centers, n_init = self._check_params(X)
        rng = as_rng(self.random_state, "KMeans.fit")
        # Work on centred data: the ||x||^2 - 2 x.c + ||c||^2 expansion loses precision far
        # from the origin. Distances, labels and inertia are unchanged by the shift.
        offset = X.mean(axis=0)
        Xc = X - offset
        XcT = np.ascontiguousarray(Xc.T)
        x_sq = np.einsum("ij,ij->i", Xc, Xc)
        tol_abs = tol * float(np.mean(np.var(Xc, axis=0)))
        best = None
        for _ in range(n_init):
            if init_centers is not None:
                start = init_centers - offset
            elif self.init == "random":
                start = Xc[rng.choice(X.shape[0], size=n_clusters, replace=False)]
            else:
                start, _idx = _plusplus(Xc, n_clusters, rng, x_sq)
            run = self._lloyd(Xc, XcT, start, max_iter, tol_abs)
            if best is None or run[2] < best[2]:
                best = run
        centers, labels, inertia, n_iter = best
        distinct = len(np.unique(labels))
        if distinct < n_clusters:
            # as scikit-learn does: usually duplicate points, fewer distinct rows than clusters
            warnings.warn(f"KMeans.fit: found only {distinct} distinct clusters, fewer than "
                          f"n_clusters={n_clusters}; does X have duplicate rows? The empty "
                          f"clusters' centres coincide with others", ConvergenceWarning,
                          stacklevel=2)
        self.cluster_centers_ = (centers + offset).astype(X.dtype, copy=False)
        self.labels_ = labels
        self.inertia_ = inertia
        self.n_iter_ = n_iter
        self.n_features_in_ = X.shape[1]
        return self

    def predict(self, X) -> np.ndarray:
        """The index of the nearest fitted centre for every row of ``X``: (n_samples,)."""
        X = self._check_new_data(X, "predict")
        return _nearest(np.ascontiguousarray(X.T), self.cluster_centers_)

    def fit_predict(self, X, y=None) -> np.ndarray:
        """``fit(X)`` then return ``labels_``."""
        return self.fit(X).labels_

    def transform(self, X) -> np.ndarray:
        """Euclidean distances from every row of ``X`` to every centre: (n_samples, n_clusters)."""
        X = self._check_new_data(X, "transform")
        return np.sqrt(_squared_distances(X, self.cluster_centers_))

    def fit_transform(self, X, y=None) -> np.ndarray:
        """``fit(X)`` then ``transform(X)``."""
        return self.fit(X).transform(X)

    def score(self, X, y=None) -> float:
        """Minus the inertia of ``X`` with the fitted centres (higher is better)."""
        X = self._check_new_data(X, "score")
        return -float(_squared_distances(X, self.cluster_centers_).min(axis=1).sum())

"""Feature utilities: entropy, mutual information and target encoding.

* :func:`entropy` -- how uncertain a discrete variable is, ``H(X) = -sum_x p(x) log p(x)``.
* :func:`mutual_information` -- how much knowing one variable tells about another,
  ``I(X; Y) = H(X) + H(Y) - H(X, Y) >= 0``, zero exactly when they are independent. Unlike a
  correlation coefficient it sees any kind of dependence, not only a straight line.
* :func:`target_encode` / :class:`MEstimateEncoder` -- replace a category by the (smoothed)
  mean of the target over the rows of that category.

All logarithms are natural (results in nats) unless a ``base`` is given.
"""
from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree
from scipy.special import digamma

from ._validation import as_array, as_rng, check_int, check_nonnegative, check_positive

__all__ = ["entropy", "mutual_information", "target_encode", "MEstimateEncoder"]


# ----------------------------------------------------------------------------------------------
# argument checks
# ----------------------------------------------------------------------------------------------

def _discrete_codes(values, name: str, func: str):
    """Any 1-D sequence of hashable labels (numbers, strings, ...) -> (codes 0..K-1, uniques).

    Labels are compared as values, so [2, 'a', 2] has two classes. NaN/None is refused: a
    missing value is not a class unless the caller makes it one (e.g. fillna('missing')).
    """
    if values is None or isinstance(values, (str, bytes)):
        raise TypeError(f"{func}: argument '{name}' must be a 1-D sequence of labels, got "
                        f"{values!r}")
    try:
        # A plain list goes through dtype=object: NumPy would turn ['a', nan] into ['a', 'nan']
        # and hide the missing value.
        arr = np.asarray(values, dtype=object if isinstance(values, (list, tuple)) else None)
    except (ValueError, TypeError) as exc:
        raise TypeError(f"{func}: argument '{name}' must be a 1-D sequence of labels ({exc})"
                        ) from None
    if arr.ndim != 1:
        raise ValueError(f"{func}: argument '{name}' must be 1-D (one label per sample), got "
                         f"shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{func}: argument '{name}' is empty; it needs at least one sample")
    missing = pd.isna(arr)
    if missing.any():
        first = int(np.flatnonzero(missing)[0])
        raise ValueError(f"{func}: argument '{name}' contains {int(missing.sum())} missing "
                         f"value(s) (NaN/None, the first at index {first}); remove them or "
                         f"make them a category of their own first")
    try:
        codes, uniques = pd.factorize(arr, sort=False)
    except TypeError as exc:             # unhashable entries such as lists
        raise TypeError(f"{func}: argument '{name}' must hold hashable labels ({exc})") from None
    return codes.astype(np.intp), uniques


def _continuous(values, name: str, func: str) -> np.ndarray:
    arr = as_array(values, name, func, ndim=1, shape_hint="(n_samples,)")
    if arr.size == 0:
        raise ValueError(f"{func}: argument '{name}' is empty; it needs at least one sample")
    return arr


def _check_same_length(n_x: int, n_y: int, name_x: str, name_y: str, func: str) -> None:
    if n_x != n_y:
        raise ValueError(f"{func}: arguments '{name_x}' and '{name_y}' must have the same "
                         f"length (one entry per sample), got {n_x} and {n_y}")


def _check_bool(value, name: str, func: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{func}: argument '{name}' must be True or False, got {value!r}")
    return bool(value)


# ----------------------------------------------------------------------------------------------
# entropy
# ----------------------------------------------------------------------------------------------

def _entropy_of_counts(counts: np.ndarray) -> float:
    counts = counts[counts > 0]
    n = counts.sum()
    # -sum p log p with p = c / n, written as log n - sum c log c / n to avoid tiny p's.
    return float(np.log(n) - np.sum(counts * np.log(counts)) / n)


def entropy(labels, base=None) -> float:
    """Shannon entropy of the empirical distribution of discrete labels.

    ``H = -sum_k p_k log(p_k)`` with ``p_k = n_k / n`` the share of samples carrying label k.
    0 for a constant variable, ``log(K)`` for K equally frequent labels.

    Parameters
    ----------
    labels : (n_samples,) any hashable labels (ints, strings, ...), no NaN.
    base : None for nats (natural log), 2 for bits, any positive number other than 1.

    Returns
    -------
    float >= 0.
    """
    func = "entropy"
    codes, _ = _discrete_codes(labels, "labels", func)
    h = _entropy_of_counts(np.bincount(codes))
    if base is not None:
        check_positive(base, "base", func)
        if base == 1:
            raise ValueError(f"{func}: argument 'base' must not be 1 (log base 1 is undefined), "
                             f"got {base}")
        h /= np.log(base)
    return max(h, 0.0)


# ----------------------------------------------------------------------------------------------
# mutual information
# ----------------------------------------------------------------------------------------------

def _mi_discrete(cx: np.ndarray, cy: np.ndarray) -> float:
    """Plug-in MI: sum_{x,y} p(x,y) log(p(x,y) / (p(x) p(y))) from the contingency counts."""
    n = cx.size
    n_y = cy.max() + 1
    joint = np.bincount(cx * n_y + cy)
    nz = np.flatnonzero(joint)
    n_xy = joint[nz]
    n_x = np.bincount(cx)[nz // n_y]
    n_y_counts = np.bincount(cy)[nz % n_y]
    # p(x,y)/(p(x)p(y)) = n n_xy / (n_x n_y), in logs to keep large counts exact enough
    terms = n_xy * (np.log(n_xy) + np.log(n) - np.log(n_x) - np.log(n_y_counts))
    return float(terms.sum() / n)


def _standardise_with_noise(v: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Unit variance, plus a 1e-10-sized jitter that breaks exact ties between neighbours.

    The k-NN estimators count neighbours within a max-norm ball, so the relative scale of
    the two variables matters; unit variance makes the estimate independent of the units.
    Ties (repeated values) make distances of zero that the estimators do not expect; Kraskov
    et al. advise the tiny noise, scikit-learn adds the same.
    """
    v = v.astype(np.float64)
    std = v.std()
    if std > 0:
        v = v / std
    return v + 1e-10 * max(1.0, float(np.mean(np.abs(v)))) * rng.standard_normal(v.size)


def _mi_ksg(x: np.ndarray, y: np.ndarray, k: int) -> float:
    """Kraskov-Stoegbauer-Grassberger estimator (their algorithm 1), both variables continuous.

    For each sample i, eps_i is the max-norm distance to its k-th nearest neighbour in the
    joint (x, y) space; n_x(i) and n_y(i) count the other samples strictly closer than eps_i
    in x alone and in y alone. Then
    ``I = psi(N) + psi(k) - mean(psi(n_x + 1)) - mean(psi(n_y + 1))``.
    """
    n = x.size
    xy = np.column_stack([x, y])
    dist, _ = cKDTree(xy).query(xy, k=k + 1, p=np.inf)        # column 0 is the sample itself
    radius = np.nextafter(dist[:, -1], 0)                       # "strictly closer than eps"
    xs, ys = x[:, None], y[:, None]
    n_x = cKDTree(xs).query_ball_point(xs, r=radius, p=np.inf, return_length=True) - 1
    n_y = cKDTree(ys).query_ball_point(ys, r=radius, p=np.inf, return_length=True) - 1
    return float(digamma(n) + digamma(k) - np.mean(digamma(n_x + 1))
                 - np.mean(digamma(n_y + 1)))


def _mi_ross(c: np.ndarray, codes: np.ndarray, k: int, func: str) -> float:
    """Ross's estimator, one continuous variable c and one discrete variable (class codes).

    For each sample i of class d_i (with N_{d_i} samples): r_i is the distance to its k-th
    nearest neighbour *within its class* (k lowered to N_{d_i} - 1 for small classes), and m_i
    counts the samples of *any* class within r_i. Then
    ``I = psi(N) + mean(psi(k_i)) - mean(psi(N_{d_i})) - mean(psi(m_i))``.
    Samples whose class occurs once carry no neighbour information and are left out.
    """
    n_classes = codes.max() + 1
    class_size = np.bincount(codes, minlength=n_classes)
    radius = np.zeros(c.size)
    k_used = np.zeros(c.size)
    for label in np.flatnonzero(class_size > 1):         # a loop over classes, not samples
        members = np.flatnonzero(codes == label)
        k_label = min(k, members.size - 1)
        pts = c[members, None]
        dist, _ = cKDTree(pts).query(pts, k=k_label + 1)
        radius[members] = np.nextafter(dist[:, -1], 0)
        k_used[members] = k_label
    keep = class_size[codes] > 1
    if not keep.any():
        raise ValueError(f"{func}: every class of the discrete variable occurs only once, so "
                         f"there are no within-class neighbours to estimate from; is the "
                         f"variable really discrete?")
    pts = c[keep, None]
    # m_i includes the sample itself, matching the "within r_i, k-th neighbour included" count
    m = cKDTree(pts).query_ball_point(pts, r=radius[keep], return_length=True)
    return float(digamma(keep.sum()) + np.mean(digamma(k_used[keep]))
                 - np.mean(digamma(class_size[codes][keep])) - np.mean(digamma(m)))


def mutual_information(x, y, discrete_x=True, discrete_y=True, n_neighbors=3,
                       random_state=None) -> float:
    """Mutual information I(x; y) between two variables, in nats.

    ``I(X; Y) = sum_{x,y} p(x, y) log(p(x, y) / (p(x) p(y)))``: 0 when X and Y are
    independent, ``H(X)`` when Y determines X (so ``I(x, x) = entropy(x)``).

    How it is computed
    ------------------
    * both discrete: exactly, with the empirical frequencies of the contingency table in place
      of p (the "plug-in" value, as ``sklearn.metrics.mutual_info_score``). Biased upwards for
      variables with many rare values.
    * both continuous: the Kraskov-Stoegbauer-Grassberger k-nearest-neighbour estimator
      (A. Kraskov, H. Stoegbauer, P. Grassberger, "Estimating mutual information", Phys. Rev. E
      69, 066138, 2004, algorithm 1): around every sample take the smallest max-norm square in
      the (x, y) plane holding its ``n_neighbors`` nearest neighbours, and count how many
      samples fall in the matching strips in x alone and in y alone; dependence shows up as
      few samples in the strips compared with the square.
    * one discrete, one continuous: B. C. Ross, "Mutual Information between Discrete and
      Continuous Data Sets", PLoS ONE 9(2), e87357, 2014: the radius to the ``n_neighbors``-th
      neighbour of the same class, against how many samples of any class lie within it.

    These are the estimators behind scikit-learn's ``mutual_info_regression`` and
    ``mutual_info_classif``, and as there continuous variables are first scaled to unit
    variance and given a 1e-10-sized jitter (drawn from ``random_state``) that breaks ties.
    Estimates can come out slightly negative by chance; they are clipped at 0.

    Parameters
    ----------
    x, y : (n_samples,) the two variables. Discrete ones may hold any hashable labels.
    discrete_x, discrete_y : bool, whether each variable is discrete.
    n_neighbors : int >= 1, the k of the estimators (ignored when both are discrete). Small k
        has less bias and more variance.
    random_state : None, int or numpy.random.Generator, for the jitter.

    Returns
    -------
    float >= 0, in nats (divide by ``log(2)`` for bits).
    """
    func = "mutual_information"
    discrete_x = _check_bool(discrete_x, "discrete_x", func)
    discrete_y = _check_bool(discrete_y, "discrete_y", func)
    x_arr = _discrete_codes(x, "x", func)[0] if discrete_x else _continuous(x, "x", func)
    y_arr = _discrete_codes(y, "y", func)[0] if discrete_y else _continuous(y, "y", func)
    _check_same_length(x_arr.size, y_arr.size, "x", "y", func)
    if discrete_x and discrete_y:
        return max(_mi_discrete(x_arr, y_arr), 0.0)
    k = check_int(n_neighbors, "n_neighbors", func, minimum=1)
    rng = as_rng(random_state, func)
    if not discrete_x and not discrete_y:
        if x_arr.size <= k:
            raise ValueError(f"{func}: argument 'n_neighbors' ({k}) must be smaller than the "
                             f"number of samples ({x_arr.size})")
        xs = _standardise_with_noise(x_arr, rng)
        ys = _standardise_with_noise(y_arr, rng)
        return max(_mi_ksg(xs, ys, k), 0.0)
    if discrete_x:
        return max(_mi_ross(_standardise_with_noise(y_arr, rng), x_arr, k, func), 0.0)
    return max(_mi_ross(_standardise_with_noise(x_arr, rng), y_arr, k, func), 0.0)


# ----------------------------------------------------------------------------------------------
# target encoding
# ----------------------------------------------------------------------------------------------

def _check_m(m, func: str) -> float:
    return float(check_nonnegative(m, "m", func))


def _check_prior(prior, func: str):
    if prior is None:
        return None
    if isinstance(prior, bool) or not isinstance(prior, numbers.Real):
        raise TypeError(f"{func}: argument 'prior' must be None or a number, got {prior!r}")
    if not np.isfinite(prior):
        raise ValueError(f"{func}: argument 'prior' must be finite, got {prior}")
    return float(prior)


class MEstimateEncoder:
    """Target encoding with m-estimate smoothing.

    Every category c is replaced by a blend of its own target mean and a prior::

        enc(c) = (n_c * mean_c + m * prior) / (n_c + m)

    where n_c is the number of training rows of category c and mean_c their target mean. It
    behaves as if m extra rows with target ``prior`` had been added to every category: a
    category seen a few times is pulled strongly towards the prior, a frequent one keeps
    nearly its own mean. ``m = 0`` gives the raw means. Categories not seen in ``fit`` get the
    prior.

    Fit it on training rows and apply it to other rows: encoding the rows whose target went
    into the means leaks the target into the feature.

    Parameters
    ----------
    m : float >= 0, the smoothing weight.
    prior : None (the overall target mean of the training rows) or a number.

    Attributes (after ``fit``)
    --------------------------
    mapping_ : pandas.Series, category -> encoded value.
    table_ : pandas.DataFrame indexed by category with columns ``count``, ``mean`` and
        ``encoding`` (to see the smoothing at work).
    prior_ : float, the prior used.
    """

    def __init__(self, m=1.0, prior=None):
        self.m = m
        self.prior = prior

    def __repr__(self):
        return f"MEstimateEncoder(m={self.m!r}, prior={self.prior!r})"

    def _fit(self, categories, target, func: str):
        m = _check_m(self.m, func)
        prior = _check_prior(self.prior, func)
        codes, uniques = _discrete_codes(categories, "categories", func)
        y = _continuous(target, "target", func)
        _check_same_length(codes.size, y.size, "categories", "target", func)
        counts = np.bincount(codes)
        sums = np.bincount(codes, weights=y)
        self.prior_ = float(y.mean()) if prior is None else prior
        encoded = (sums + m * self.prior_) / (counts + m)
        index = pd.Index(uniques, name="category")
        self._dtype = y.dtype
        self.mapping_ = pd.Series(encoded.astype(y.dtype), index=index, name="encoding")
        self.table_ = pd.DataFrame({"count": counts, "mean": sums / counts,
                                    "encoding": encoded.astype(y.dtype)}, index=index)
        return codes

    def fit(self, categories, target):
        """Learn the encoding table from ``categories`` (n,) and numeric ``target`` (n,)."""
        self._fit(categories, target, "MEstimateEncoder.fit")
        return self

    def _encode(self, categories, func: str) -> np.ndarray:
        codes, uniques = _discrete_codes(categories, "categories", func)
        position = self.mapping_.index.get_indexer(pd.Index(uniques))
        values = self.mapping_.to_numpy()
        table = np.where(position >= 0, values[np.maximum(position, 0)], self.prior_)
        return table[codes].astype(self._dtype, copy=False)

    def transform(self, categories) -> np.ndarray:
        """Encoded values for ``categories`` (n,): (n,) floats; unseen categories -> prior_."""
        if not hasattr(self, "mapping_"):
            raise ValueError("MEstimateEncoder.transform: this MEstimateEncoder is not fitted "
                             "yet; call fit(categories, target) first")
        return self._encode(categories, "MEstimateEncoder.transform")

    def fit_transform(self, categories, target) -> np.ndarray:
        """``fit`` then ``transform`` on the same rows (mind the leak, see the class notes)."""
        return self.fit(categories, target).transform(categories)


def target_encode(categories, target, m=1.0, prior=None) -> np.ndarray:
    """Encode every row's category by its m-estimate of the target mean.

    ``enc(c) = (n_c * mean_c + m * prior) / (n_c + m)``, with ``prior`` the overall mean of
    ``target`` unless given; see :class:`MEstimateEncoder`, which this wraps (use the class to
    keep the per-category table and encode new rows).

    Parameters
    ----------
    categories : (n,) labels (strings, ints, ...), no missing values.
    target : (n,) numbers.
    m : float >= 0, the smoothing weight.
    prior : None or a number.

    Returns
    -------
    (n,) float array, the encoded value of each row.
    """
    encoder = MEstimateEncoder(m=m, prior=prior)
    encoder._fit(categories, target, "target_encode")
    return encoder._encode(categories, "target_encode")

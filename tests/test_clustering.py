"""Tests for course_lib.clustering: the K-means steps against plain loops, KMeans against
scikit-learn, hand-worked cases (empty clusters) and the error messages."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.spatial.distance import cdist
from sklearn.cluster import KMeans as SkKMeans
from sklearn.datasets import load_iris, make_blobs
from threadpoolctl import threadpool_limits

from course_lib.clustering import (KMeans, kmeans_assign, kmeans_inertia, kmeans_plusplus,
                                   kmeans_update)


# ---------------------------------------------------------------------------------------------
# plain-loop references, written only here
# ---------------------------------------------------------------------------------------------

def loop_assign(X, centers):
    labels = []
    for x in X:
        best, best_j = np.inf, -1
        for j, c in enumerate(centers):
            d = sum((xi - ci) ** 2 for xi, ci in zip(x, c))
            if d < best:
                best, best_j = d, j
        labels.append(best_j)
    return np.array(labels)


def loop_means(X, labels, k):
    out = np.zeros((k, X.shape[1]))
    for j in range(k):
        members = [x for x, lab in zip(X, labels) if lab == j]
        out[j] = sum(members) / len(members)
    return out


def loop_inertia(X, centers, labels):
    return sum(float(((x - centers[lab]) ** 2).sum()) for x, lab in zip(X, labels))


@pytest.fixture(autouse=True)
def _one_thread():
    # scikit-learn's KMeans runs OpenMP threads; on a busy 2-core CI machine their spin-waits
    # make these small fits take seconds. One thread is plenty for the sizes used here.
    with threadpool_limits(limits=1):
        yield


def rng_data(seed=0, n=60, d=3):
    return np.random.default_rng(seed).normal(size=(n, d))


# ---------------------------------------------------------------------------------------------
# the step functions
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("k", [1, 2, 5, 20])
def test_assign_matches_plain_loop(k):
    X = rng_data(1, n=80, d=4)
    centers = np.random.default_rng(2).normal(size=(k, 4))
    np.testing.assert_array_equal(kmeans_assign(X, centers), loop_assign(X, centers))


def test_assign_ties_go_to_the_lowest_index():
    # duplicate centres, and a sample exactly half-way between two centres
    np.testing.assert_array_equal(
        kmeans_assign([[0.0], [0.2], [0.9], [0.5]], [[0.0], [0.0], [1.0]]), [0, 0, 2, 0])
    np.testing.assert_array_equal(kmeans_assign([[0.5], [0.5]], [[1.0], [0.0]]), [0, 0])


def test_assign_accepts_lists_and_far_from_origin_data():
    # One feature, far from the origin: the expansion must still find the right centre.
    X = [[1e6 + 0.1], [1e6 + 0.9], [1e6 + 0.45]]
    np.testing.assert_array_equal(kmeans_assign(X, [[1e6], [1e6 + 1.0]]), [0, 1, 0])


def test_update_matches_plain_loop():
    X = rng_data(3, n=50, d=2)
    centers = X[:4].copy()
    labels = loop_assign(X, centers)
    assert len(set(labels)) == 4
    np.testing.assert_allclose(kmeans_update(X, labels, centers), loop_means(X, labels, 4),
                               rtol=1e-12, atol=1e-12)


def test_update_moves_empty_cluster_to_worst_served_sample():
    # Worked by hand: cluster 2 owns nothing. Distances of the samples to their own centre:
    # 0, 4, 0, 1, so the sample 2.0 (farthest from its centre 0.0) becomes centre 2.
    X = np.array([[0.0], [2.0], [10.0], [11.0]])
    centers = np.array([[0.0], [10.0], [100.0]])
    labels = np.array([0, 0, 1, 1])
    new = kmeans_update(X, labels, centers)
    np.testing.assert_allclose(new, [[1.0], [10.5], [2.0]])
    np.testing.assert_array_equal(centers, [[0.0], [10.0], [100.0]])   # input untouched


def test_update_two_empty_clusters_take_the_two_worst_samples():
    X = np.array([[0.0], [3.0], [10.0], [11.0], [12.5]])
    centers = np.array([[0.0], [10.0], [-50.0], [50.0]])
    labels = np.array([0, 0, 1, 1, 1])
    # distances to own centre: 0, 9, 0, 1, 6.25 -> the worst are 3.0 then 12.5
    new = kmeans_update(X, labels, centers)
    np.testing.assert_allclose(new[:2], [[1.5], [11.166666666666666]])
    assert sorted(new[2:, 0].tolist()) == [3.0, 12.5]


def test_inertia_matches_plain_loop():
    X = rng_data(4, n=40, d=3)
    centers = X[[0, 5, 9]]
    labels = loop_assign(X, centers)
    assert kmeans_inertia(X, centers, labels) == pytest.approx(
        loop_inertia(X, centers, labels), rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_one_assign_update_step_never_raises_inertia(data):
    n = data.draw(st.integers(3, 25))
    d = data.draw(st.integers(1, 3))
    k = data.draw(st.integers(1, 3))
    elements = st.floats(-100, 100, allow_nan=False, allow_infinity=False)
    X = data.draw(hnp.arrays(np.float64, (n, d), elements=elements))
    # Arbitrary starting centres, so that empty clusters do happen.
    centers = data.draw(hnp.arrays(np.float64, (k, d), elements=elements))
    labels = kmeans_assign(X, centers)
    before = kmeans_inertia(X, centers, labels)
    for _ in range(3):
        centers = kmeans_update(X, labels, centers)
        labels = kmeans_assign(X, centers)
        after = kmeans_inertia(X, centers, labels)
        assert after <= before + 1e-9 * (1.0 + float((X ** 2).sum()))
        before = after


def test_plusplus_picks_distinct_samples_one_per_separated_blob():
    X, y = make_blobs(300, 2, centers=[[0, 0], [100, 0], [0, 100]], cluster_std=0.5,
                      random_state=0)
    for seed in range(5):
        centers, idx = kmeans_plusplus(X, 3, random_state=seed, return_indices=True)
        np.testing.assert_array_equal(centers, X[idx])
        assert sorted(y[idx].tolist()) == [0, 1, 2]
    np.testing.assert_array_equal(kmeans_plusplus(X, 3, random_state=7),
                                  kmeans_plusplus(X, 3, random_state=7))


def test_plusplus_with_duplicate_points_and_all_clusters():
    X = np.array([[1.0, 1.0]] * 4 + [[2.0, 2.0]])
    centers = kmeans_plusplus(X, 2, random_state=0)
    assert sorted(map(tuple, centers)) == [(1.0, 1.0), (2.0, 2.0)]
    # n_clusters == n_samples with duplicates must still return n_clusters rows.
    assert kmeans_plusplus(X, 5, random_state=0).shape == (5, 2)


# ---------------------------------------------------------------------------------------------
# the estimator against scikit-learn
# ---------------------------------------------------------------------------------------------

def _datasets():
    blobs, _ = make_blobs(500, 5, centers=6, cluster_std=2.0, random_state=3)
    iris = load_iris().data
    uniform = np.random.default_rng(5).uniform(size=(400, 2))
    many, _ = make_blobs(1000, 3, centers=20, cluster_std=0.3, center_box=(-30, 30),
                         random_state=1)
    return {"blobs": (blobs, 6), "iris": (iris, 3), "iris-8": (iris, 8), "blobs-20": (many, 20),
            "uniform": (uniform, 7)}


# Random starts on 20 tight blobs land in a different poor local minimum on every seed (for
# scikit-learn too), so that pair compares luck, not the algorithm: it is left out.
@pytest.mark.parametrize("name, init", [(name, init) for name in _datasets()
                                        for init in ("k-means++", "random")
                                        if (name, init) != ("blobs-20", "random")])
def test_inertia_within_one_percent_of_sklearn(name, init):
    X, k = _datasets()[name]
    ours = KMeans(n_clusters=k, init=init, n_init=10, random_state=0).fit(X)
    theirs = SkKMeans(n_clusters=k, init=init, n_init=10, random_state=0).fit(X)
    assert abs(ours.inertia_ - theirs.inertia_) <= 0.01 * theirs.inertia_
    # the reported inertia is the inertia of the reported centres and labels
    assert ours.inertia_ == pytest.approx(
        loop_inertia(X, ours.cluster_centers_, ours.labels_), rel=1e-9)
    np.testing.assert_array_equal(ours.labels_, loop_assign(X, ours.cluster_centers_))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_same_start_gives_sklearns_centres_and_iterations(seed):
    X, _ = make_blobs(300, 3, centers=4, cluster_std=3.0, random_state=seed)
    start = X[np.random.default_rng(seed).choice(300, 4, replace=False)]
    for tol in (1e-4, 1e-1):
        ours = KMeans(4, init=start, n_init=10, tol=tol).fit(X)
        theirs = SkKMeans(4, init=start, n_init=1, tol=tol, algorithm="lloyd").fit(X)
        np.testing.assert_allclose(ours.cluster_centers_, theirs.cluster_centers_,
                                   rtol=1e-9, atol=1e-9)
        assert ours.n_iter_ == theirs.n_iter_
        np.testing.assert_array_equal(ours.labels_, theirs.labels_)


def test_fit_relocates_an_empty_cluster():
    # Worked by hand: the start centre at 1000 owns nothing after the first assignment and
    # moves to 10.1 (the sample farthest from its centre 5); the next step finds the 3 pairs.
    X = np.array([[0.0], [0.1], [5.0], [5.1], [10.0], [10.1]])
    km = KMeans(3, init=np.array([[0.0], [5.0], [1000.0]])).fit(X)
    np.testing.assert_allclose(np.sort(km.cluster_centers_[:, 0]), [0.05, 5.05, 10.05])
    assert km.inertia_ == pytest.approx(6 * 0.05 ** 2)
    assert sorted(np.bincount(km.labels_).tolist()) == [2, 2, 2]


def test_predict_transform_score_on_new_data():
    X, _ = make_blobs(200, 2, centers=3, random_state=1)
    new = np.random.default_rng(0).normal(size=(30, 2)) * 5
    km = KMeans(3, random_state=0).fit(X)
    np.testing.assert_array_equal(km.predict(new), loop_assign(new, km.cluster_centers_))
    np.testing.assert_allclose(km.transform(new), cdist(new, km.cluster_centers_),
                               rtol=1e-9, atol=1e-9)
    labels = loop_assign(new, km.cluster_centers_)
    assert km.score(new) == pytest.approx(-loop_inertia(new, km.cluster_centers_, labels))
    assert km.score(X) == pytest.approx(-km.inertia_)
    np.testing.assert_array_equal(KMeans(3, random_state=0).fit_predict(X), km.labels_)
    np.testing.assert_allclose(KMeans(3, random_state=0).fit_transform(X),
                               cdist(X, km.cluster_centers_), atol=1e-9)


def test_reproducible_and_fit_returns_self():
    X = rng_data(6, n=100, d=2)
    km = KMeans(4, random_state=3)
    assert km.fit(X) is km
    other = KMeans(4, random_state=3).fit(X)
    np.testing.assert_array_equal(km.cluster_centers_, other.cluster_centers_)
    assert km.n_iter_ >= 1 and km.n_features_in_ == 2


def test_max_iter_bounds_the_iterations():
    X = rng_data(7, n=200, d=2)
    km = KMeans(5, n_init=1, max_iter=1, random_state=0).fit(X)
    assert km.n_iter_ == 1
    # labels are recomputed after the last update, so they match the centres
    np.testing.assert_array_equal(km.labels_, loop_assign(X, km.cluster_centers_))


def test_float32_stays_float32():
    X = rng_data(8, n=100, d=3).astype(np.float32)
    km = KMeans(3, random_state=0).fit(X)
    assert km.cluster_centers_.dtype == np.float32
    assert km.transform(X).dtype == np.float32
    theirs = SkKMeans(3, n_init=10, random_state=0).fit(X)
    assert abs(km.inertia_ - theirs.inertia_) <= 0.01 * theirs.inertia_


def test_n_init_auto_and_integer_input():
    X = np.array([[0, 0], [0, 1], [10, 10], [10, 11]])
    km = KMeans(2, n_init="auto", random_state=0).fit(X)
    assert km.cluster_centers_.dtype == np.float64
    np.testing.assert_allclose(sorted(km.cluster_centers_.tolist()), [[0, 0.5], [10, 10.5]])


# ---------------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------------

def test_errors_n_clusters_larger_than_samples():
    with pytest.raises(ValueError, match="'n_clusters'.*5.*3"):
        KMeans(5).fit(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="'n_clusters'"):
        kmeans_plusplus(np.zeros((3, 2)), 4)
    with pytest.raises(ValueError, match="'n_clusters'"):
        KMeans(0).fit(np.zeros((3, 2)))
    with pytest.raises(TypeError, match="'n_clusters'"):
        KMeans(2.5).fit(np.zeros((3, 2)))


def test_errors_nan_and_rank():
    X = rng_data(0, n=10, d=2)
    X[3, 1] = np.nan
    with pytest.raises(ValueError, match="'X'.*NaN"):
        KMeans(2).fit(X)
    with pytest.raises(ValueError, match=r"'X'.*reshape\(-1, 1\)"):
        KMeans(2).fit(np.arange(10.0))
    with pytest.raises(ValueError, match="'X'"):
        KMeans(2).fit(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="'X'"):
        kmeans_assign(np.zeros((0, 2)), np.zeros((1, 2)))
    with pytest.raises(TypeError, match="'X'"):
        KMeans(2).fit("data")


def test_errors_not_fitted_is_not_attribute_error():
    km = KMeans(2)
    for method in (km.predict, km.transform, km.score):
        with pytest.raises(ValueError, match="not fitted.*fit") as info:
            method(np.zeros((3, 2)))
        assert not isinstance(info.value, AttributeError)


def test_errors_bad_params():
    X = rng_data(0, n=10, d=2)
    with pytest.raises(ValueError, match="'init'.*'k-means\\+\\+'"):
        KMeans(2, init="kmeans++").fit(X)
    with pytest.raises(ValueError, match="'init'.*shape"):
        KMeans(2, init=np.zeros((3, 2))).fit(X)
    with pytest.raises(ValueError, match="'n_init'"):
        KMeans(2, n_init=0).fit(X)
    with pytest.raises(ValueError, match="'n_init'"):
        KMeans(2, n_init="many").fit(X)
    with pytest.raises(ValueError, match="'max_iter'"):
        KMeans(2, max_iter=0).fit(X)
    with pytest.raises(ValueError, match="'tol'"):
        KMeans(2, tol=-1.0).fit(X)
    with pytest.raises(TypeError, match="'random_state'"):
        KMeans(2, random_state="seed").fit(X)
    km = KMeans(2, random_state=0).fit(X)
    with pytest.raises(ValueError, match="'X'.*3 features.*2"):
        km.predict(np.zeros((4, 3)))


def test_errors_step_functions():
    X = rng_data(0, n=6, d=2)
    with pytest.raises(ValueError, match="'centers'.*3 features"):
        kmeans_assign(X, np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"'X'.*reshape\(-1, 1\)"):
        kmeans_assign(np.arange(4.0), np.zeros((2, 1)))
    with pytest.raises(ValueError, match="'centers'"):
        kmeans_assign(X, np.zeros(2))
    with pytest.raises(ValueError, match="'labels'.*0..1"):
        kmeans_update(X, [0, 1, 2, 0, 1, 0], np.zeros((2, 2)))
    with pytest.raises(ValueError, match="'labels'.*one label per row"):
        kmeans_update(X, [0, 1], np.zeros((2, 2)))
    with pytest.raises(ValueError, match="'labels'.*whole numbers"):
        kmeans_inertia(X, np.zeros((2, 2)), [0, 1, 0.5, 0, 1, 0])
    with pytest.raises(ValueError, match="'centers'.*NaN"):
        kmeans_inertia(X, np.full((2, 2), np.nan), [0] * 6)
    with pytest.raises(TypeError, match="'random_state'"):
        kmeans_plusplus(X, 2, random_state=1.5)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_fit_on_arbitrary_small_data_is_consistent(data):
    # Duplicates and constant columns included: no numeric warnings (errors in this suite),
    # labels that match the centres, and the reported inertia is their inertia. Fewer distinct
    # rows than clusters is warned about (tested on its own above).
    import warnings

    from course_lib.clustering import ConvergenceWarning

    n = data.draw(st.integers(1, 15))
    X = data.draw(hnp.arrays(np.float64, (n, 2), elements=st.sampled_from([-1.0, 0.0, 2.5])))
    k = data.draw(st.integers(1, n))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        km = KMeans(k, n_init=2, random_state=0).fit(X)
    assert km.cluster_centers_.shape == (k, 2)
    assert km.inertia_ == pytest.approx(
        loop_inertia(X, km.cluster_centers_, km.labels_), abs=1e-9)
    d2 = cdist(X, km.cluster_centers_, "sqeuclidean")
    assert np.allclose(d2[np.arange(n), km.labels_], d2.min(axis=1), atol=1e-9)


def test_fewer_distinct_clusters_than_asked_are_warned_about_as_scikit_learn_does():
    import warnings

    from sklearn.cluster import KMeans as SkKMeans
    from sklearn.exceptions import ConvergenceWarning as SkConvergenceWarning

    from course_lib.clustering import ConvergenceWarning

    X = np.array([[0.0, 0.0]] * 6 + [[5.0, 5.0]] * 6)  # two distinct rows, three clusters
    with pytest.warns(SkConvergenceWarning, match="distinct clusters"):  # the reference
        SkKMeans(n_clusters=3, n_init=1, random_state=0).fit(X)
    with pytest.warns(ConvergenceWarning, match=r"only 2 distinct clusters.*n_clusters=3"):
        KMeans(n_clusters=3, n_init=1, random_state=0).fit(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        KMeans(n_clusters=2, n_init=1, random_state=0).fit(X)  # as many as there are: silent

"""Tests for course_lib.decomposition.PCA against scikit-learn, NumPy's covariance and
hand-worked cases."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.datasets import load_iris, load_wine
from sklearn.decomposition import PCA as SkPCA

from course_lib.decomposition import PCA


def _datasets():
    rng = np.random.default_rng(0)
    correlated = rng.normal(size=(200, 4)) @ rng.normal(size=(4, 4)) + [100, -5, 3, 0]
    return {
        "iris": load_iris().data,
        "wine": load_wine().data,
        "correlated": correlated,
        "wide": rng.normal(size=(6, 10)),        # fewer samples than features
    }


def assert_equal_up_to_sign(a, b, rtol=1e-8, atol=1e-10):
    for row_a, row_b in zip(a, b):
        sign = 1.0 if np.dot(row_a, row_b) >= 0 else -1.0
        np.testing.assert_allclose(row_a, sign * row_b, rtol=rtol, atol=atol)


@pytest.mark.parametrize("name", list(_datasets()))
@pytest.mark.parametrize("n_components", [None, 2])
def test_matches_sklearn(name, n_components):
    X = _datasets()[name]
    ours = PCA(n_components).fit(X)
    theirs = SkPCA(n_components, svd_solver="full").fit(X)
    assert ours.n_components_ == theirs.n_components_
    assert_equal_up_to_sign(ours.components_, theirs.components_)
    np.testing.assert_allclose(ours.explained_variance_, theirs.explained_variance_, rtol=1e-8)
    np.testing.assert_allclose(ours.explained_variance_ratio_,
                               theirs.explained_variance_ratio_, rtol=1e-8)
    np.testing.assert_allclose(ours.singular_values_, theirs.singular_values_, rtol=1e-8)
    np.testing.assert_allclose(ours.mean_, theirs.mean_, rtol=1e-12)
    # scores agree column by column up to the same sign flips
    Z, Zs = ours.transform(X), theirs.transform(X)
    signs = np.sign(np.sum(ours.components_ * theirs.components_, axis=1))
    np.testing.assert_allclose(Z, Zs * signs, rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("share", [0.5, 0.8, 0.95, 0.99, 0.999999])
def test_float_n_components_matches_sklearn(share):
    X = load_wine().data
    X = (X - X.mean(0)) / X.std(0)
    ours = PCA(share).fit(X)
    theirs = SkPCA(share, svd_solver="full").fit(X)
    assert ours.n_components_ == theirs.n_components_
    assert ours.explained_variance_ratio_.sum() > share
    assert ours.explained_variance_ratio_[:-1].sum() <= share


def test_float_n_components_needs_strictly_more_than_the_share():
    # Two uncorrelated features of equal variance: each component explains exactly half,
    # and "more than 50%" takes both (scikit-learn's side='right' rule).
    X = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, -1.0]])
    pca = PCA(0.5).fit(X)
    np.testing.assert_array_equal(pca.explained_variance_ratio_, [0.5, 0.5])
    assert pca.n_components_ == 2
    assert PCA(0.49).fit(X).n_components_ == 1


def test_against_covariance_eigen_decomposition():
    # An independent route: the eigenvalues of np.cov are the explained variances.
    X = _datasets()["correlated"]
    eigvals = np.sort(np.linalg.eigvalsh(np.cov(X, rowvar=False)))[::-1]
    pca = PCA().fit(X)
    np.testing.assert_allclose(pca.explained_variance_, eigvals, rtol=1e-9)
    np.testing.assert_allclose(pca.explained_variance_ratio_, eigvals / eigvals.sum(),
                               rtol=1e-9)
    np.testing.assert_allclose(pca.components_ @ pca.components_.T, np.eye(4), atol=1e-12)


def test_hand_worked_line():
    # Points on the line y = x: all the variance lies along (1, 1)/sqrt(2).
    X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    pca = PCA().fit(X)
    np.testing.assert_allclose(pca.components_[0], [2 ** -0.5, 2 ** -0.5])
    # variance along the line: scores -1.5*sqrt2, ..., sum of squares 10, / (n - 1) = 10/3
    np.testing.assert_allclose(pca.explained_variance_, [10 / 3, 0.0], atol=1e-12)
    np.testing.assert_allclose(pca.explained_variance_ratio_, [1.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(pca.mean_, [1.5, 1.5])


def test_signs_are_fixed_largest_entry_positive():
    X = _datasets()["correlated"]
    for data in (X, -X, X[::-1]):
        comps = PCA().fit(data).components_
        rows = np.arange(comps.shape[0])
        assert np.all(comps[rows, np.argmax(np.abs(comps), axis=1)] > 0)


@pytest.mark.parametrize("name", list(_datasets()))
def test_inverse_transform_round_trip(name):
    X = _datasets()[name]
    pca = PCA()
    Z = pca.fit_transform(X)
    np.testing.assert_allclose(pca.inverse_transform(Z), X, rtol=1e-9, atol=1e-9)


def test_truncated_reconstruction_error_is_the_dropped_variance():
    X = _datasets()["correlated"]
    pca = PCA(2).fit(X)
    X_hat = pca.inverse_transform(pca.transform(X))
    full = PCA().fit(X)
    dropped = full.explained_variance_[2:].sum() * (X.shape[0] - 1)
    assert np.sum((X - X_hat) ** 2) == pytest.approx(dropped, rel=1e-8)


@settings(max_examples=40, deadline=None)
@given(hnp.arrays(np.float64, st.tuples(st.integers(2, 12), st.integers(1, 5)),
                  elements=st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)))
def test_invariants(X):
    pca = PCA().fit(X)
    k = min(X.shape)
    assert pca.components_.shape == (k, X.shape[1])
    assert np.all(np.diff(pca.explained_variance_) <= 1e-9 * (1 + pca.explained_variance_[0]))
    total = X.var(axis=0, ddof=1).sum()
    assert pca.explained_variance_.sum() == pytest.approx(total, rel=1e-7, abs=1e-7)
    scale = 1 + np.abs(X).max()
    np.testing.assert_allclose(pca.inverse_transform(pca.transform(X)), X, atol=1e-8 * scale)


def test_float32_stays_float32():
    X = load_iris().data.astype(np.float32)
    pca = PCA(2).fit(X)
    assert pca.components_.dtype == np.float32
    assert pca.transform(X).dtype == np.float32
    np.testing.assert_allclose(pca.explained_variance_,
                               SkPCA(2, svd_solver="full").fit(X).explained_variance_,
                               rtol=1e-4)


def test_loadings_table():
    iris = load_iris()
    pca = PCA(2).fit(iris.data)
    table = pca.loadings(iris.feature_names)
    assert isinstance(table, pd.DataFrame)
    assert list(table.columns) == ["PC1", "PC2"]
    assert list(table.index) == list(iris.feature_names)
    np.testing.assert_array_equal(table.to_numpy(), pca.components_.T)
    assert table.loc["petal length (cm)", "PC1"] == pca.components_[0, 2]
    assert list(pca.loadings().index) == ["x0", "x1", "x2", "x3"]


def test_loadings_default_to_dataframe_columns():
    frame = pd.DataFrame(load_wine().data[:, :3], columns=["alcohol", "malic", "ash"])
    pca = PCA().fit(frame)
    assert list(pca.loadings().index) == ["alcohol", "malic", "ash"]
    assert list(pca.loadings().columns) == ["PC1", "PC2", "PC3"]
    # a refit on a plain array forgets the names
    assert list(pca.fit(frame.to_numpy()).loadings().index) == ["x0", "x1", "x2"]


def test_constant_data_has_zero_ratios_not_nan():
    X = np.ones((5, 3))
    pca = PCA().fit(X)
    np.testing.assert_array_equal(pca.explained_variance_ratio_, np.zeros(3))


# ---------------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------------

def test_errors_n_components():
    X = np.random.default_rng(0).normal(size=(5, 3))
    with pytest.raises(ValueError, match=r"'n_components'.*min\(5, 3\) = 3, got 4"):
        PCA(4).fit(X)
    with pytest.raises(ValueError, match="'n_components'.*min"):
        PCA(4).fit(X.T)                           # 3 samples, 5 features
    with pytest.raises(ValueError, match="'n_components'"):
        PCA(0).fit(X)
    with pytest.raises(ValueError, match=r"'n_components'.*\(0, 1\)"):
        PCA(1.5).fit(X)
    with pytest.raises(TypeError, match="'n_components'"):
        PCA("all").fit(X)


def test_errors_data():
    X = np.random.default_rng(0).normal(size=(5, 3))
    X[2, 2] = np.nan
    with pytest.raises(ValueError, match="'X'.*NaN"):
        PCA().fit(X)
    with pytest.raises(ValueError, match=r"'X'.*reshape\(-1, 1\)"):
        PCA().fit(np.arange(5.0))
    with pytest.raises(ValueError, match="'X'.*2-D"):
        PCA().fit(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="'X'.*at least 2 samples"):
        PCA().fit(np.zeros((1, 3)))
    with pytest.raises(TypeError, match="'X'"):
        PCA().fit("table")


def test_errors_not_fitted():
    pca = PCA()
    for call in (lambda: pca.transform(np.zeros((2, 2))),
                 lambda: pca.inverse_transform(np.zeros((2, 2))),
                 lambda: pca.loadings()):
        with pytest.raises(ValueError, match="not fitted.*fit") as info:
            call()
        assert not isinstance(info.value, AttributeError)


def test_errors_after_fit():
    pca = PCA(2).fit(np.random.default_rng(0).normal(size=(10, 3)))
    with pytest.raises(ValueError, match="'X'.*4 features.*3"):
        pca.transform(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="'Z'.*n_components_"):
        pca.inverse_transform(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="'Z'.*NaN"):
        pca.inverse_transform(np.full((2, 2), np.nan))
    with pytest.raises(ValueError, match="'feature_names'.*3.*got 2"):
        pca.loadings(["a", "b"])
    with pytest.raises(TypeError, match="'feature_names'"):
        pca.loadings("abc")

"""Tests for course_lib.model_selection.

References are independent of the code under test: scikit-learn's KFold and cross_val_score,
counts worked out by hand, and set arithmetic written here.
"""
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.model_selection import KFold, TimeSeriesSplit
from sklearn.model_selection import cross_val_score as sk_cross_val_score
from sklearn.model_selection import train_test_split as sk_train_test_split

from course_lib.model_selection import (
    SCORERS,
    cross_val_score,
    iterated_kfold_indices,
    kfold_indices,
    time_series_indices,
    train_test_split,
)


# ----------------------------------------------------------------------------- kfold_indices

@pytest.mark.parametrize("n_samples, n_splits", [
    (n, k) for n in [2, 3, 7, 10, 11, 23, 100] for k in [2, 3, 4, 5, 10] if k <= n
] + [(7, 7), (100, 100), (101, 17)])
def test_kfold_matches_sklearn_without_shuffle(n_samples, n_splits):
    ours = kfold_indices(n_samples, n_splits)
    theirs = list(KFold(n_splits).split(np.zeros(n_samples)))
    assert len(ours) == len(theirs) == n_splits
    for (tr, va), (sk_tr, sk_va) in zip(ours, theirs):
        np.testing.assert_array_equal(tr, sk_tr)
        np.testing.assert_array_equal(va, sk_va)
        assert np.issubdtype(tr.dtype, np.integer) and np.issubdtype(va.dtype, np.integer)


def test_kfold_by_hand():
    # 7 rows, 3 folds: sizes 3, 2, 2 (the first 7 % 3 = 1 fold gets the extra row).
    folds = kfold_indices(7, 3)
    assert [va.tolist() for _, va in folds] == [[0, 1, 2], [3, 4], [5, 6]]
    assert [tr.tolist() for tr, _ in folds] == [[3, 4, 5, 6], [0, 1, 2, 5, 6], [0, 1, 2, 3, 4]]


@settings(max_examples=60, deadline=None)
@given(n_samples=st.integers(2, 200), data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_kfold_shuffled_partitions(n_samples, data, seed):
    n_splits = data.draw(st.integers(2, n_samples))
    folds = kfold_indices(n_samples, n_splits, shuffle=True, random_state=seed)
    assert len(folds) == n_splits
    everything = set(range(n_samples))
    seen = []
    for tr, va in folds:
        assert set(tr).isdisjoint(va)
        assert set(tr) | set(va) == everything
        assert len(tr) + len(va) == n_samples  # no duplicates
        seen.extend(va.tolist())
    assert sorted(seen) == list(range(n_samples))  # validation folds partition range(n)
    sizes = [len(va) for _, va in folds]
    assert max(sizes) - min(sizes) <= 1
    assert sizes == sorted(sizes, reverse=True)  # the longer folds come first


def test_kfold_shuffle_is_reproducible_and_shuffles():
    a = kfold_indices(30, 3, shuffle=True, random_state=1)
    b = kfold_indices(30, 3, shuffle=True, random_state=1)
    c = kfold_indices(30, 3, shuffle=True, random_state=2)
    for (ta, va), (tb, vb) in zip(a, b):
        np.testing.assert_array_equal(va, vb)
        np.testing.assert_array_equal(ta, tb)
    assert any(not np.array_equal(va, vc) for (_, va), (_, vc) in zip(a, c))
    # Shuffled folds are not the consecutive blocks of the unshuffled split.
    assert a[0][1].tolist() != list(range(10))


@pytest.mark.parametrize("kwargs, exc, name", [
    (dict(n_samples=10, n_splits=1), ValueError, "n_splits"),
    (dict(n_samples=10, n_splits=11), ValueError, "n_splits"),
    (dict(n_samples=10, n_splits=2.5), TypeError, "n_splits"),
    (dict(n_samples=0, n_splits=2), ValueError, "n_samples"),
    (dict(n_samples="10", n_splits=2), TypeError, "n_samples"),
    (dict(n_samples=10, n_splits=2, shuffle="yes"), TypeError, "shuffle"),
    (dict(n_samples=10, n_splits=2, random_state=0), ValueError, "random_state"),
    (dict(n_samples=10, n_splits=2, shuffle=True, random_state=-1), ValueError, "random_state"),
])
def test_kfold_bad_input(kwargs, exc, name):
    with pytest.raises(exc, match=f"kfold_indices.*'{name}'"):
        kfold_indices(**kwargs)


# -------------------------------------------------------------------- iterated_kfold_indices

@settings(max_examples=30, deadline=None)
@given(n_samples=st.integers(6, 120), n_splits=st.integers(2, 6), n_repeats=st.integers(1, 4),
       seed=st.integers(0, 10_000))
def test_iterated_kfold_each_repeat_is_a_partition(n_samples, n_splits, n_repeats, seed):
    pairs = iterated_kfold_indices(n_samples, n_splits, n_repeats, random_state=seed)
    assert len(pairs) == n_splits * n_repeats
    for r in range(n_repeats):
        repeat = pairs[r * n_splits:(r + 1) * n_splits]
        val = np.concatenate([va for _, va in repeat])
        assert sorted(val.tolist()) == list(range(n_samples))
        for tr, va in repeat:
            assert set(tr).isdisjoint(va) and len(tr) + len(va) == n_samples
        sizes = [len(va) for _, va in repeat]
        assert max(sizes) - min(sizes) <= 1


def test_iterated_kfold_repeats_differ_and_are_reproducible():
    pairs = iterated_kfold_indices(40, 4, 3, random_state=0)
    repeats = [[va.tolist() for _, va in pairs[r * 4:(r + 1) * 4]] for r in range(3)]
    assert repeats[0] != repeats[1] and repeats[1] != repeats[2] and repeats[0] != repeats[2]
    again = iterated_kfold_indices(40, 4, 3, random_state=0)
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(pairs, again))


@pytest.mark.parametrize("kwargs, exc, name", [
    (dict(n_samples=10, n_splits=1), ValueError, "n_splits"),
    (dict(n_samples=3, n_splits=4), ValueError, "n_splits"),
    (dict(n_samples=10, n_splits=2, n_repeats=0), ValueError, "n_repeats"),
    (dict(n_samples=10, n_splits=2, n_repeats=1.0), TypeError, "n_repeats"),
    (dict(n_samples=10, n_splits=2, random_state="x"), TypeError, "random_state"),
])
def test_iterated_kfold_bad_input(kwargs, exc, name):
    with pytest.raises(exc, match=f"iterated_kfold_indices.*'{name}'"):
        iterated_kfold_indices(**kwargs)


# -------------------------------------------------------------------------- train_test_split

def test_split_sizes_follow_sklearn_rule():
    X = np.arange(20).reshape(10, 2)
    # A share rounds the test part up: ceil(0.25 * 10) = 3.
    X_tr, X_te = train_test_split(X, random_state=0)
    assert (len(X_tr), len(X_te)) == (7, 3)
    X_tr, X_te = train_test_split(X, test_size=4, random_state=0)
    assert (len(X_tr), len(X_te)) == (6, 4)
    X_tr, X_te = train_test_split(X, test_size=0.01, random_state=0)
    assert (len(X_tr), len(X_te)) == (9, 1)


@pytest.mark.parametrize("n", [2, 3, 7, 10, 33, 100])
@pytest.mark.parametrize("share", [0.1, 0.25, 0.3, 0.33, 0.5, 0.7, 0.9, 0.99])
def test_split_sizes_match_sklearn(n, share):
    try:
        expected = len(sk_train_test_split(np.arange(n), test_size=share)[1])
    except ValueError:
        with pytest.raises(ValueError, match="'test_size'"):
            train_test_split(np.arange(n), test_size=share)
        return
    assert len(train_test_split(np.arange(n), test_size=share, random_state=0)[1]) == expected


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 300), share=st.floats(0.01, 0.99), seed=st.integers(0, 1000))
def test_split_disjoint_and_complete(n, share, seed):
    expected_test = int(np.ceil(share * n))
    if expected_test >= n:
        with pytest.raises(ValueError, match="'test_size'"):
            train_test_split(np.arange(n), test_size=share, random_state=seed)
        return
    rows = np.arange(n)
    other = rows * 10
    tr, te, otr, ote = train_test_split(rows, other, test_size=share, random_state=seed)
    assert len(te) == expected_test and len(tr) == n - expected_test
    assert set(tr).isdisjoint(te) and set(tr) | set(te) == set(range(n))
    # The rows stay aligned across arrays.
    np.testing.assert_array_equal(otr, tr * 10)
    np.testing.assert_array_equal(ote, te * 10)


def test_split_is_reproducible():
    X = np.arange(100)
    a = train_test_split(X, random_state=3)
    b = train_test_split(X, random_state=3)
    c = train_test_split(X, random_state=4)
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[1], c[1])


def test_split_without_shuffle_keeps_order():
    tr, te = train_test_split(list(range(10)), test_size=0.3, shuffle=False)
    assert tr == list(range(7)) and te == [7, 8, 9]


def test_split_keeps_pandas_and_lists():
    df = pd.DataFrame({"a": range(12), "b": list("abcdefghijkl")},
                      index=[f"r{i}" for i in range(12)])
    s = pd.Series(np.arange(12) * 2.0, index=df.index, name="target")
    lst = list(range(12))
    df_tr, df_te, s_tr, s_te, l_tr, l_te = train_test_split(df, s, lst, test_size=4,
                                                            random_state=0)
    assert isinstance(df_tr, pd.DataFrame) and isinstance(s_te, pd.Series)
    assert isinstance(l_tr, list) and isinstance(l_te, list)
    assert list(df_tr.columns) == ["a", "b"] and s_tr.name == "target"
    # The index travels with the rows and the arrays stay aligned.
    assert list(df_tr.index) == list(s_tr.index)
    assert list(df_tr.index) == [f"r{i}" for i in l_tr]
    assert (s_te.to_numpy() == df_te["a"].to_numpy() * 2.0).all()


@pytest.mark.parametrize("seed", range(5))
def test_split_stratified_keeps_class_shares(seed):
    # 60 / 30 / 10 rows; a 20 % test part should hold exactly 12 / 6 / 2 of them.
    y = np.repeat([0, 1, 2], [60, 30, 10])
    rng = np.random.default_rng(seed)
    y = rng.permutation(y)
    X = np.arange(100)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, random_state=seed,
                                              stratify=y)
    assert np.bincount(y_te, minlength=3).tolist() == [12, 6, 2]
    assert np.bincount(y_tr, minlength=3).tolist() == [48, 24, 8]
    np.testing.assert_array_equal(y[X_te], y_te)


@settings(max_examples=40, deadline=None)
@given(counts=st.lists(st.integers(2, 40), min_size=2, max_size=5),
       share=st.floats(0.1, 0.6), seed=st.integers(0, 1000))
def test_split_stratified_shares_within_one_row(counts, share, seed):
    y = np.repeat(np.arange(len(counts)), counts)
    n = len(y)
    n_test = int(np.ceil(share * n))
    if n_test < len(counts) or n - n_test < len(counts):
        return
    _, y_te = train_test_split(y, test_size=share, stratify=y, random_state=seed)
    assert len(y_te) == n_test
    got = np.bincount(y_te, minlength=len(counts))
    exact = n_test * np.asarray(counts) / n
    assert np.all(np.abs(got - exact) < 1.0)


def test_split_stratify_accepts_strings():
    y = np.array(["cat"] * 6 + ["dog"] * 4)
    _, y_te = train_test_split(y, test_size=0.5, stratify=y, random_state=0)
    assert sorted(y_te.tolist()) == ["cat"] * 3 + ["dog"] * 2


def test_split_different_lengths_names_the_arrays():
    with pytest.raises(ValueError, match=r"arrays\[0\] has 5 and arrays\[2\] has 4"):
        train_test_split(np.zeros(5), np.zeros(5), np.zeros(4))


@pytest.mark.parametrize("kwargs, exc, name", [
    (dict(test_size=0.0), ValueError, "test_size"),
    (dict(test_size=1.0), ValueError, "test_size"),
    (dict(test_size=-0.2), ValueError, "test_size"),
    (dict(test_size=10), ValueError, "test_size"),
    (dict(test_size=0), ValueError, "test_size"),
    (dict(test_size=0.999), ValueError, "test_size"),
    (dict(test_size="0.2"), TypeError, "test_size"),
    (dict(shuffle=None), TypeError, "shuffle"),
    (dict(random_state=1.5), TypeError, "random_state"),
    (dict(stratify=[0] * 9 + [1]), ValueError, "stratify"),
    (dict(stratify=[0, 1] * 4), ValueError, "stratify"),
    (dict(stratify=[0, 1] * 5, shuffle=False), ValueError, "stratify"),
    (dict(stratify=[0] * 5 + [1] * 5, test_size=1), ValueError, "test_size"),
])
def test_split_bad_input(kwargs, exc, name):
    with pytest.raises(exc, match=f"train_test_split.*'{name}'"):
        train_test_split(np.arange(10), **kwargs)


def test_split_bad_arrays():
    with pytest.raises(ValueError, match="at least one array"):
        train_test_split()
    with pytest.raises(TypeError, match=r"'arrays\[1\]'"):
        train_test_split(np.arange(4), 3)
    with pytest.raises(ValueError, match="'arrays'"):
        train_test_split([1])


# --------------------------------------------------------------------------- cross_val_score

@pytest.fixture(scope="module")
def regression_data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(53, 4))
    y = X @ np.array([1.5, -2.0, 0.5, 0.0]) + 0.3 * rng.normal(size=53)
    return X, y


@pytest.fixture(scope="module")
def classification_data():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(61, 3))
    y = (X[:, 0] - X[:, 1] + 0.5 * rng.normal(size=61) > 0).astype(int)
    return X, y


@pytest.mark.parametrize("scoring", [None, "r2", "neg_mean_absolute_error",
                                     "neg_mean_squared_error", "neg_root_mean_squared_error"])
@pytest.mark.parametrize("cv", [2, 5, 7])
def test_cross_val_score_regression_matches_sklearn(regression_data, scoring, cv):
    X, y = regression_data
    ours = cross_val_score(LinearRegression(), X, y, cv=cv, scoring=scoring)
    theirs = sk_cross_val_score(LinearRegression(), X, y, cv=KFold(cv), scoring=scoring)
    assert ours.dtype == np.float64 and ours.shape == (cv,)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("scoring", [None, "accuracy", "neg_mean_absolute_error"])
@pytest.mark.parametrize("cv", [3, 5])
def test_cross_val_score_classification_matches_sklearn(classification_data, scoring, cv):
    X, y = classification_data
    ours = cross_val_score(LogisticRegression(), X, y, cv=cv, scoring=scoring)
    theirs = sk_cross_val_score(LogisticRegression(), X, y, cv=KFold(cv), scoring=scoring)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def test_cross_val_score_with_index_pairs_and_seed(regression_data):
    X, y = regression_data
    folds = kfold_indices(len(y), 4, shuffle=True, random_state=7)
    ours = cross_val_score(Ridge(alpha=1.0), X, y, cv=folds, scoring="r2")
    theirs = sk_cross_val_score(Ridge(alpha=1.0), X, y, cv=folds, scoring="r2")
    np.testing.assert_allclose(ours, theirs, rtol=1e-10)
    # An int cv with a seed uses the same shuffled folds.
    seeded = cross_val_score(Ridge(alpha=1.0), X, y, cv=4, scoring="r2", random_state=7)
    np.testing.assert_allclose(seeded, theirs, rtol=1e-10)


def test_cross_val_score_callable_scoring_by_hand():
    # Predicts the training mean; on fold [0, 1] the training rows are 2, 3 (mean 25) and so on.
    class MeanModel:
        def fit(self, X, y):
            self.mean_ = float(np.mean(y))
            return self

        def predict(self, X):
            return np.full(len(X), self.mean_)

    X = np.zeros((4, 1))
    y = np.array([0.0, 10.0, 20.0, 30.0])
    max_error = lambda yt, yp: float(np.max(np.abs(yt - yp)))
    scores = cross_val_score(MeanModel(), X, y, cv=2, scoring=max_error)
    np.testing.assert_allclose(scores, [25.0, 25.0])


def test_cross_val_score_fits_fresh_copies_and_leaves_estimator_alone(regression_data):
    X, y = regression_data

    class Counting:  # no get_params: deep-copied
        def __init__(self):
            self.fits = 0

        def fit(self, X, y):
            self.fits += 1
            self.mean_ = float(np.mean(y))
            return self

        def score(self, X, y):
            return float(self.fits)  # 1 if every fold got a fresh, never-fitted copy

    model = Counting()
    np.testing.assert_array_equal(cross_val_score(model, X, y, cv=3), [1.0, 1.0, 1.0])
    assert model.fits == 0
    lr = LinearRegression()
    cross_val_score(lr, X, y, cv=3)
    assert not hasattr(lr, "coef_")


def test_cross_val_score_accepts_pandas(regression_data):
    X, y = regression_data
    df = pd.DataFrame(X, columns=list("abcd"), index=np.arange(len(y)) + 100)
    s = pd.Series(y, index=df.index)
    ours = cross_val_score(LinearRegression(), df, s, cv=4, scoring="neg_mean_absolute_error")
    theirs = sk_cross_val_score(LinearRegression(), X, y, cv=KFold(4),
                                scoring="neg_mean_absolute_error")
    np.testing.assert_allclose(ours, theirs, rtol=1e-10)


def test_scorers_by_hand():
    yt, yp = np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 2.0, 4.0, 2.0])
    assert SCORERS["neg_mean_absolute_error"](yt, yp) == pytest.approx(-0.75)
    assert SCORERS["neg_mean_squared_error"](yt, yp) == pytest.approx(-1.25)
    assert SCORERS["neg_root_mean_squared_error"](yt, yp) == pytest.approx(-np.sqrt(1.25))
    # SS_res = 5, SS_tot = 5: R^2 = 0.
    assert SCORERS["r2"](yt, yp) == pytest.approx(0.0)
    assert SCORERS["accuracy"]([0, 1, 1, 2], [0, 1, 2, 2]) == pytest.approx(0.75)
    # A constant target: perfect prediction scores 1, anything else 0, with no warning.
    assert SCORERS["r2"]([2.0, 2.0], [2.0, 2.0]) == 1.0
    assert SCORERS["r2"]([2.0, 2.0], [2.0, 3.0]) == 0.0


def test_cross_val_score_unknown_scoring_lists_the_known_ones(regression_data):
    X, y = regression_data
    with pytest.raises(ValueError, match="'scoring'.*'accuracy'.*'r2'.*got 'mse'"):
        cross_val_score(LinearRegression(), X, y, scoring="mse")


@pytest.mark.parametrize("kwargs, exc, name", [
    (dict(cv=1), ValueError, "cv"),
    (dict(cv=54), ValueError, "cv"),
    (dict(cv="five"), TypeError, "cv"),
    (dict(cv=2.0), TypeError, "cv"),
    (dict(cv=[]), ValueError, "cv"),
    (dict(cv=[(np.arange(10), np.arange(10, 60))]), ValueError, "cv"),
    (dict(cv=[(np.arange(10), np.array([0.5]))]), ValueError, "cv"),
    (dict(cv=[np.arange(3)]), ValueError, "cv"),
    (dict(scoring=3), TypeError, "scoring"),
    (dict(cv=[(np.arange(10), np.arange(10, 20))], random_state=0), ValueError,
     "random_state"),
    (dict(random_state="seed"), TypeError, "random_state"),
])
def test_cross_val_score_bad_input(regression_data, kwargs, exc, name):
    X, y = regression_data
    with pytest.raises(exc, match=f"cross_val_score.*'{name}'"):
        cross_val_score(LinearRegression(), X, y, **kwargs)


def test_cross_val_score_bad_estimator_and_data(regression_data):
    X, y = regression_data
    with pytest.raises(TypeError, match="'estimator'"):
        cross_val_score("LinearRegression", X, y)
    with pytest.raises(ValueError, match="'X' and 'y'.*53 in X and 52 in y"):
        cross_val_score(LinearRegression(), X, y[:-1])
    with pytest.raises(TypeError, match="'y'"):
        cross_val_score(LinearRegression(), X, None)

    class NoScore:
        def fit(self, X, y):
            return self

    with pytest.raises(TypeError, match="'estimator'"):
        cross_val_score(NoScore(), X, y)
    with pytest.raises(TypeError, match="'estimator'"):
        cross_val_score(NoScore(), X, y, scoring="r2")


# ------------------------------------------------------------------------ time_series_indices

@pytest.mark.parametrize("n_samples, n_splits, test_size, gap", [
    (10, 3, None, 0), (11, 3, None, 0), (12, 5, None, 0), (7, 6, None, 0), (100, 4, None, 0),
    (30, 3, 5, 0), (30, 4, None, 2), (25, 2, 7, 3), (13, 12, None, 0),
])
def test_time_series_matches_sklearn(n_samples, n_splits, test_size, gap):
    ours = time_series_indices(n_samples, n_splits, test_size=test_size, gap=gap)
    theirs = list(TimeSeriesSplit(n_splits, test_size=test_size, gap=gap)
                  .split(np.zeros(n_samples)))
    assert len(ours) == len(theirs) == n_splits
    for (tr, va), (sk_tr, sk_va) in zip(ours, theirs):
        np.testing.assert_array_equal(tr, sk_tr)
        np.testing.assert_array_equal(va, sk_va)


def test_time_series_by_hand():
    # 10 rows, 3 splits: blocks of 10 // 4 = 2 rows ending at row 9, training on all before.
    folds = time_series_indices(10, 3)
    assert [va.tolist() for _, va in folds] == [[4, 5], [6, 7], [8, 9]]
    assert [tr.tolist() for tr, _ in folds] == [[0, 1, 2, 3], list(range(6)), list(range(8))]
    # Never a training row later than a validation row.
    for tr, va in time_series_indices(57, 6, gap=3):
        assert tr.max() + 3 < va.min()


@pytest.mark.parametrize("kwargs, exc, name", [
    (dict(n_samples=3, n_splits=3), ValueError, "n_splits"),
    (dict(n_samples=10, n_splits=1), ValueError, "n_splits"),
    (dict(n_samples=10, n_splits=3, test_size=4), ValueError, "test_size"),
    (dict(n_samples=10, n_splits=3, gap=4), ValueError, "gap"),
    (dict(n_samples=10, n_splits=3, test_size=0), ValueError, "test_size"),
    (dict(n_samples=10, n_splits=3, gap=-1), ValueError, "gap"),
    (dict(n_samples=10.0, n_splits=3), TypeError, "n_samples"),
])
def test_time_series_bad_input(kwargs, exc, name):
    with pytest.raises(exc, match=name):
        time_series_indices(**kwargs)

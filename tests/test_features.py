"""Tests for course_lib.features: entropy and mutual information against SciPy, scikit-learn
and closed forms; target encoding against tables worked out by hand."""
import numpy as np
import pandas as pd
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad
from sklearn.feature_selection import mutual_info_classif, mutual_info_regression
from sklearn.metrics import mutual_info_score

from course_lib.features import MEstimateEncoder, entropy, mutual_information, target_encode

labels_strategy = st.lists(st.integers(0, 5), min_size=1, max_size=60)


# ---------------------------------------------------------------------------------------------
# entropy
# ---------------------------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(labels_strategy)
def test_entropy_equals_scipy_of_the_counts(labels):
    counts = np.bincount(labels)
    assert entropy(labels) == pytest.approx(scipy.stats.entropy(counts), abs=1e-12)
    assert entropy(labels, base=2) == pytest.approx(scipy.stats.entropy(counts, base=2),
                                                    abs=1e-12)


def test_entropy_by_hand_and_any_label_type():
    assert entropy(["a", "a", "a"]) == 0.0
    assert entropy(["cat", "dog"], base=2) == pytest.approx(1.0)
    assert entropy([1, 2, 3, 4]) == pytest.approx(np.log(4))
    # p = (1/2, 1/4, 1/4): H = 1.5 bits
    assert entropy(np.array(["x", "x", "y", "z"], dtype=object), base=2) == pytest.approx(1.5)
    assert entropy(pd.Series([0.5, 0.5, 1.5, 2.5])) == pytest.approx(
        scipy.stats.entropy([2, 1, 1]))


# ---------------------------------------------------------------------------------------------
# mutual information, discrete
# ---------------------------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 3)), min_size=1, max_size=80))
def test_discrete_mi_equals_sklearn(pairs):
    x, y = map(list, zip(*pairs))
    assert mutual_information(x, y) == pytest.approx(mutual_info_score(x, y), abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(labels_strategy)
def test_mi_of_a_variable_with_itself_is_its_entropy(labels):
    assert mutual_information(labels, labels) == pytest.approx(entropy(labels), abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.sampled_from("abc")), min_size=1, max_size=60))
def test_discrete_mi_symmetric_and_bounded_by_the_entropies(pairs):
    x, y = map(list, zip(*pairs))
    i_xy = mutual_information(x, y)
    assert i_xy == pytest.approx(mutual_information(y, x), abs=1e-12)
    assert 0.0 <= i_xy <= min(entropy(x), entropy(y)) + 1e-12
    # I = H(x) + H(y) - H(x, y)
    joint = [f"{a}|{b}" for a, b in pairs]
    assert i_xy == pytest.approx(entropy(x) + entropy(y) - entropy(joint), abs=1e-12)


def test_discrete_mi_by_hand():
    # y is a function of x that merges x's classes {0, 1}: I = H(y) = log 2 here.
    x = [0, 1, 2, 3]
    y = ["low", "low", "high", "high"]
    assert mutual_information(x, y) == pytest.approx(np.log(2))
    # independent by construction: every (x, y) pair equally often
    assert mutual_information([0, 0, 1, 1], [0, 1, 0, 1]) == 0.0


# ---------------------------------------------------------------------------------------------
# mutual information, continuous (KSG) and mixed (Ross)
# ---------------------------------------------------------------------------------------------

def bivariate_normal(rho, n=2000, seed=0):
    rng = np.random.default_rng(seed)
    z = rng.multivariate_normal([0.0, 0.0], [[1.0, rho], [rho, 1.0]], size=n)
    return z[:, 0], z[:, 1]


@pytest.mark.parametrize("rho", [0.3, 0.6, 0.9])
def test_ksg_close_to_the_gaussian_closed_form(rho):
    # I = -0.5 log(1 - rho^2) for a bivariate normal. Over 20 seeds the KSG estimate with
    # k=3, n=2000 scatters by about 0.02 nats around it; 0.06 nats is three standard deviations.
    x, y = bivariate_normal(rho, seed=int(rho * 10))
    exact = -0.5 * np.log(1 - rho ** 2)
    assert mutual_information(x, y, discrete_x=False, discrete_y=False,
                              random_state=0) == pytest.approx(exact, abs=0.06)


def test_ksg_does_not_depend_on_units():
    x, y = bivariate_normal(0.7, n=500, seed=3)
    a = mutual_information(x, y, False, False, random_state=0)
    b = mutual_information(1000 * x + 5, 0.01 * y, False, False, random_state=0)
    assert a == pytest.approx(b, abs=1e-6)


def test_mi_of_independent_data_is_near_zero():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=2000), rng.uniform(size=2000)
    assert 0.0 <= mutual_information(x, y, False, False, random_state=0) < 0.03
    d = rng.integers(0, 3, size=2000)
    assert 0.0 <= mutual_information(d, y, True, False, random_state=0) < 0.03


@pytest.mark.parametrize("seed", [0, 1])
def test_ksg_close_to_sklearn_mutual_info_regression(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=800)
    y = np.sin(2 * x) + 0.3 * rng.normal(size=800)        # dependent, not linearly
    ours = mutual_information(x, y, discrete_x=False, discrete_y=False, random_state=0)
    theirs = mutual_info_regression(x[:, None], y, random_state=0)[0]
    assert ours == pytest.approx(theirs, abs=1e-6)


def test_ross_close_to_sklearn_mutual_info_classif():
    rng = np.random.default_rng(2)
    d = rng.integers(0, 4, size=600)
    c = d * 0.7 + rng.normal(size=600)
    theirs = mutual_info_classif(c[:, None], d, random_state=0)[0]
    assert mutual_information(c, d, discrete_x=False, random_state=0) == pytest.approx(
        theirs, abs=1e-6)
    assert mutual_information(d, c, discrete_y=False, random_state=0) == pytest.approx(
        theirs, abs=1e-6)


def test_ross_close_to_numerical_integral():
    # d in {0, 1} equally likely, c | d ~ N(2 d, 1). I = h(c) - h(c | d), with
    # h(c | d) = 0.5 log(2 pi e) and h(c) of the two-bump mixture integrated numerically.
    rng = np.random.default_rng(4)
    d = rng.integers(0, 2, size=2000)
    c = 2.0 * d + rng.normal(size=2000)

    def p(t):
        return 0.5 * (scipy.stats.norm.pdf(t) + scipy.stats.norm.pdf(t, loc=2.0))

    h_c = quad(lambda t: -p(t) * np.log(p(t)), -12, 14)[0]
    exact = h_c - 0.5 * np.log(2 * np.pi * np.e)
    assert mutual_information(d, c, discrete_y=False, random_state=0) == pytest.approx(
        exact, abs=0.05)


def test_estimate_is_clipped_at_zero_not_negative():
    rng = np.random.default_rng(0)
    results = [mutual_information(rng.normal(size=60), rng.normal(size=60), False, False,
                                  random_state=0) for _ in range(20)]
    assert min(results) == 0.0          # some raw estimates are negative for n = 60


# ---------------------------------------------------------------------------------------------
# target encoding
# ---------------------------------------------------------------------------------------------

def test_target_encode_hand_table():
    cats = ["a", "a", "b", "c", "c", "c"]
    target = [1.0, 0.0, 1.0, 0.0, 0.0, 1.0]
    # prior = 3/6 = 0.5; m = 1:
    # a: (2 * 0.5 + 0.5) / 3 = 0.5;  b: (1 * 1 + 0.5) / 2 = 0.75;  c: (3 * 1/3 + 0.5) / 4 = 0.375
    np.testing.assert_allclose(target_encode(cats, target, m=1.0),
                               [0.5, 0.5, 0.75, 0.375, 0.375, 0.375])
    # m = 0: raw means; a very large m: everything at the prior
    np.testing.assert_allclose(target_encode(cats, target, m=0.0),
                               [0.5, 0.5, 1.0, 1 / 3, 1 / 3, 1 / 3])
    np.testing.assert_allclose(target_encode(cats, target, m=1e9), [0.5] * 6, atol=1e-8)
    # prior given, m = 2: a = (1 + 2 * 0) / 4, b = (1 + 2 * 0) / 3, c = (1 + 2 * 0) / 5
    np.testing.assert_allclose(target_encode(cats, target, m=2.0, prior=0.0),
                               [0.25, 0.25, 1 / 3, 0.2, 0.2, 0.2])


def test_encoder_table_and_unseen_categories():
    enc = MEstimateEncoder(m=2.0).fit(["x", "y", "y", "y"], [10.0, 0.0, 2.0, 4.0])
    # prior = 4; x: (10 + 8) / 3 = 6; y: (6 + 8) / 5 = 2.8
    assert enc.prior_ == pytest.approx(4.0)
    assert enc.mapping_.to_dict() == pytest.approx({"x": 6.0, "y": 2.8})
    assert enc.table_.loc["y", "count"] == 3 and enc.table_.loc["y", "mean"] == 2.0
    np.testing.assert_allclose(enc.transform(["y", "new", "x"]), [2.8, 4.0, 6.0])
    np.testing.assert_allclose(enc.fit_transform(["x", "y"], [1.0, 3.0]),
                               [(1 + 2 * 2) / 3, (3 + 2 * 2) / 3])


def test_target_encode_equals_a_groupby_formula():
    rng = np.random.default_rng(0)
    cats = rng.choice(["ford", "audi", "fiat", "kia"], size=200)
    target = rng.normal(size=200)
    frame = pd.DataFrame({"c": cats, "t": target})
    stats = frame.groupby("c")["t"].agg(["count", "mean"])
    m, prior = 5.0, target.mean()
    expected = frame["c"].map((stats["count"] * stats["mean"] + m * prior)
                              / (stats["count"] + m))
    np.testing.assert_allclose(target_encode(frame["c"], frame["t"], m=m), expected,
                               rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.floats(-100, 100)), min_size=1, max_size=40),
       st.floats(0, 50))
def test_encoding_lies_between_category_mean_and_prior(rows, m):
    cats, target = map(np.array, zip(*rows))
    enc = target_encode(cats, target, m=m)
    prior = target.mean()
    for c in np.unique(cats):
        mean_c = target[cats == c].mean()
        lo, hi = min(mean_c, prior), max(mean_c, prior)
        tol = 1e-9 * (1 + abs(lo) + abs(hi))
        assert np.all((enc[cats == c] >= lo - tol) & (enc[cats == c] <= hi + tol))


def test_target_encode_dtypes_and_numeric_categories():
    out = target_encode([3, 1, 3], np.array([1.0, 2.0, 3.0], dtype=np.float32))
    assert out.dtype == np.float32
    assert target_encode([3, 1, 3], [1, 2, 3]).dtype == np.float64


# ---------------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------------

def test_errors_entropy():
    with pytest.raises(ValueError, match="'labels'.*empty"):
        entropy([])
    with pytest.raises(ValueError, match="'labels'.*missing"):
        entropy([1.0, np.nan])
    with pytest.raises(ValueError, match="'labels'.*missing"):
        entropy(["a", None])
    with pytest.raises(ValueError, match="'labels'.*1-D"):
        entropy([[1, 2], [3, 4]])
    with pytest.raises(TypeError, match="'labels'"):
        entropy("abc")
    with pytest.raises(ValueError, match="'base'"):
        entropy([1, 2], base=1)
    with pytest.raises(ValueError, match="'base'"):
        entropy([1, 2], base=-2)


def test_errors_mutual_information():
    with pytest.raises(ValueError, match="'x' and 'y'.*3 and 2"):
        mutual_information([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="'x' and 'y'"):
        mutual_information([1.0, 2.0, 3.0], [1.0, 2.0], False, False)
    with pytest.raises(ValueError, match="'y'.*NaN"):
        mutual_information([1.0, 2.0], [1.0, np.nan], False, False)
    with pytest.raises(ValueError, match="'x'.*missing"):
        mutual_information([1.0, np.nan], [1, 2])
    with pytest.raises(ValueError, match="'x'.*empty"):
        mutual_information([], [])
    with pytest.raises(ValueError, match="'n_neighbors'"):
        mutual_information([1.0, 2.0, 3.0], [1.0, 2.0, 4.0], False, False, n_neighbors=3)
    with pytest.raises(ValueError, match="'n_neighbors'"):
        mutual_information([1.0, 2.0, 3.0], [1.0, 2.0, 4.0], False, False, n_neighbors=0)
    with pytest.raises(TypeError, match="'discrete_x'"):
        mutual_information([1, 2], [1, 2], discrete_x="yes")
    with pytest.raises(TypeError, match="'y'"):
        mutual_information([1.0, 2.0], ["a", "b"], True, False)
    with pytest.raises(ValueError, match="occurs only once"):
        mutual_information([1, 2, 3], [0.1, 0.5, 0.2], True, False)


def test_errors_target_encode():
    with pytest.raises(ValueError, match="'categories' and 'target'.*3 and 2"):
        target_encode(["a", "b", "a"], [1.0, 2.0])
    with pytest.raises(ValueError, match="'m'"):
        target_encode(["a", "b"], [1.0, 2.0], m=-1)
    with pytest.raises(ValueError, match="'target'.*NaN"):
        target_encode(["a", "b"], [1.0, np.nan])
    with pytest.raises(ValueError, match="'categories'.*missing"):
        target_encode(["a", np.nan], [1.0, 2.0])
    with pytest.raises(ValueError, match="'categories'.*empty"):
        target_encode([], [])
    with pytest.raises(TypeError, match="'prior'"):
        target_encode(["a"], [1.0], prior="mean")
    with pytest.raises(TypeError, match="'target'"):
        target_encode(["a", "b"], ["x", "y"])


def test_errors_encoder():
    with pytest.raises(ValueError, match="not fitted.*fit"):
        MEstimateEncoder().transform(["a"])
    with pytest.raises(ValueError, match="'m'"):
        MEstimateEncoder(m=-0.5).fit(["a"], [1.0])
    enc = MEstimateEncoder().fit(["a", "b"], [0.0, 1.0])
    with pytest.raises(ValueError, match="'categories'.*missing"):
        enc.transform([None])
    with pytest.raises(ValueError, match="'categories'.*1-D"):
        enc.transform([["a"], ["b"]])

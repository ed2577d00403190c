"""Tests for course_lib.losses.

References: arithmetic worked out by hand (written in the comments), the numbers printed in
Keras' documentation for the same inputs, scikit-learn's metrics, the probability version of each
from_logits loss, and centred finite differences written out again in this file.
"""
import math
import warnings
import zlib

import numpy as np
import pytest
import scipy.special
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays
from sklearn import metrics

from course_lib import losses as L

LN = math.log

ELEMENTWISE = ["mean_absolute_error", "mean_squared_error", "mean_absolute_percentage_error",
               "binary_crossentropy"]
CATEGORICAL = ["categorical_crossentropy", "sparse_categorical_crossentropy"]
ALL_LOSSES = ELEMENTWISE + CATEGORICAL


def fd_gradient(f, x, h=1e-6):
    """Centred differences of a scalar function of an array, entry by entry, in float64."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[idx] = h
        grad[idx] = (f(x + e) - f(x - e)) / (2 * h)
    return grad


def rel_err(a, b):
    return np.max(np.abs(a - b)) / max(np.max(np.abs(a) + np.abs(b)), 1e-300)


def loss_pair(name):
    return getattr(L, name), getattr(L, name + "_gradient")


# --- values by hand and from Keras' documentation ---------------------------------------------

def test_regression_losses_by_hand():
    y = [[1.0, 2.0], [3.0, 4.0]]
    p = [[2.0, 2.0], [3.0, 1.0]]
    # |diff| rows (1, 0) and (0, 3): per-sample means 0.5 and 1.5, batch mean 1.0
    assert L.mean_absolute_error(y, p) == pytest.approx(1.0)
    # squared rows (1, 0) and (0, 9): 0.5 and 4.5 -> 2.5
    assert L.mean_squared_error(y, p) == pytest.approx(2.5)
    # weights (2, 0): (2 * 0.5 + 0 * 4.5) / 2 samples = 0.5 (Keras divides by N, not by sum(w))
    assert L.mean_squared_error(y, p, sample_weight=[2.0, 0.0]) == pytest.approx(0.5)
    # |diff| / |y| rows (1/1, 0/2) and (0/3, 3/4): 100 * (0.5, 0.375) -> 43.75
    assert L.mean_absolute_percentage_error(y, p) == pytest.approx(43.75)
    # A zero target is floored at 1e-7: 100 * 2e-7 / 1e-7 = 200
    assert L.mean_absolute_percentage_error([0.0], [2e-7]) == pytest.approx(200.0)
    assert L.mae is L.mean_absolute_error and L.mse is L.mean_squared_error
    assert L.mape is L.mean_absolute_percentage_error


def test_regression_losses_match_keras_documentation():
    # Keras' MeanSquaredError / MeanAbsoluteError docstrings: 0.5, and 0.25 with weights (0.7, 0.3)
    y, p = [[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]
    assert L.mse(y, p) == pytest.approx(0.5)
    assert L.mse(y, p, sample_weight=[0.7, 0.3]) == pytest.approx(0.25)
    assert L.mae(y, p) == pytest.approx(0.5)
    assert L.mae(y, p, sample_weight=[0.7, 0.3]) == pytest.approx(0.25)
    # MeanAbsolutePercentageError docstring: 50.0, and 20.0 with weights (0.7, 0.3)
    y, p = [[2.0, 1.0], [2.0, 3.0]], [[1.0, 1.0], [1.0, 0.0]]
    assert L.mape(y, p) == pytest.approx(50.0)
    assert L.mape(y, p, sample_weight=[0.7, 0.3]) == pytest.approx(20.0)


def test_binary_crossentropy_by_hand_and_keras_documentation():
    # -(ln 0.8 + ln 0.6) / 2 for targets (1, 0) and predictions (0.8, 0.4)
    assert L.binary_crossentropy([[1, 0]], [[0.8, 0.4]]) == pytest.approx(-(LN(0.8) + LN(0.6)) / 2)
    # Keras' BinaryCrossentropy docstring: per-sample (0.916, 0.714), mean 0.815, weights (1, 0)
    # give 0.458
    y, p = [[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]]
    assert L.binary_crossentropy(y, p) == pytest.approx(0.815, abs=1e-3)
    assert L.binary_crossentropy(y, p, sample_weight=[1, 0]) == pytest.approx(0.458, abs=1e-3)
    # by hand: sample 1 = -(ln 0.4 + ln 0.4)/2 = -ln 0.4, sample 2 = -(ln 0.6 + ln 0.4)/2
    expected = (-LN(0.4) - (LN(0.6) + LN(0.4)) / 2) / 2
    assert L.binary_crossentropy(y, p) == pytest.approx(expected, rel=1e-12)


def test_binary_crossentropy_clips_like_keras():
    # p = 0 for a positive is clipped to 1e-7: -ln(1e-7) = 7 ln 10 = 16.118095650958...
    assert L.binary_crossentropy([1.0], [0.0]) == pytest.approx(7 * LN(10), rel=1e-9)
    assert L.binary_crossentropy([0.0], [1.0]) == pytest.approx(7 * LN(10), rel=1e-6)
    # and the loss is finite and silent at the ends of [0, 1]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isfinite(L.binary_crossentropy([[0, 1, 1, 0]], [[0, 0, 1, 1]]))


def test_binary_crossentropy_from_logits_by_hand():
    # Keras' docstring example, summed by hand: z = (-18.6, 0.51, 2.94, -12.8), y = (0, 1, 0, 0)
    # terms log(1+e^-18.6), log(1+e^-0.51), 2.94 + log(1+e^-2.94), log(1+e^-12.8)
    z = [-18.6, 0.51, 2.94, -12.8]
    terms = [LN(1 + math.exp(-18.6)), LN(1 + math.exp(-0.51)), 2.94 + LN(1 + math.exp(-2.94)),
             LN(1 + math.exp(-12.8))]
    assert L.binary_crossentropy([0, 1, 0, 0], z, from_logits=True) == \
        pytest.approx(sum(terms) / 4, rel=1e-12)
    # A confidently wrong logit costs its full size, with no clipping: z = 1000, y = 0 -> 1000
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert L.binary_crossentropy([0.0], [1000.0], from_logits=True) == pytest.approx(1000.0)
        assert L.binary_crossentropy([1.0], [1000.0], from_logits=True) == 0.0


def test_categorical_crossentropies_by_hand_and_keras_documentation():
    # -ln 0.5 for the true class at 0.5
    assert L.categorical_crossentropy([[0, 1, 0]], [[0.2, 0.5, 0.3]]) == pytest.approx(LN(2))
    # unnormalised scores are rescaled first: (1, 2, 1) / 4 -> -ln 0.5 again
    assert L.categorical_crossentropy([[0, 1, 0]], [[0.25, 0.5, 0.25]]) == pytest.approx(LN(2))
    assert L.categorical_crossentropy([[0, 1, 0]], [[0.1, 0.2, 0.1]]) == pytest.approx(LN(2))
    # Keras' CategoricalCrossentropy / SparseCategoricalCrossentropy docstrings: 1.177, and 0.814
    # with weights (0.3, 0.7); by hand (-ln 0.95 - ln 0.1) / 2 and (-0.3 ln 0.95 - 0.7 ln 0.1) / 2
    y_hot, labels = [[0, 1, 0], [0, 0, 1]], [1, 2]
    p = [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]]
    plain = (-LN(0.95) - LN(0.1)) / 2
    weighted = (-0.3 * LN(0.95) - 0.7 * LN(0.1)) / 2
    for loss, y in [(L.categorical_crossentropy, y_hot), (L.sparse_categorical_crossentropy,
                                                          labels)]:
        assert loss(y, p) == pytest.approx(1.177, abs=1e-3)
        assert loss(y, p) == pytest.approx(plain, rel=1e-12)
        assert loss(y, p, sample_weight=[0.3, 0.7]) == pytest.approx(0.814, abs=1e-3)
        assert loss(y, p, sample_weight=[0.3, 0.7]) == pytest.approx(weighted, rel=1e-12)
    # (N, 1) labels are accepted as Keras does
    assert L.sparse_categorical_crossentropy([[1], [2]], p) == pytest.approx(plain)
    # a true class at probability 0 is clipped to 1e-7: 7 ln 10
    assert L.categorical_crossentropy([[1, 0]], [[0.0, 1.0]]) == pytest.approx(7 * LN(10))


def test_categorical_from_logits_by_hand():
    # logits (0, ln 3): softmax (1/4, 3/4); class 0 -> ln 4, class 1 -> ln(4/3)
    z = [[0.0, LN(3)], [0.0, LN(3)]]
    expected = (LN(4) + LN(4 / 3)) / 2
    assert L.sparse_categorical_crossentropy([0, 1], z, from_logits=True) == \
        pytest.approx(expected, rel=1e-12)
    assert L.categorical_crossentropy([[1, 0], [0, 1]], z, from_logits=True) == \
        pytest.approx(expected, rel=1e-12)
    # huge logits stay finite and silent: the true class 1000 below the best costs 1000
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert L.sparse_categorical_crossentropy([0], [[0.0, 1000.0]], from_logits=True) == \
            pytest.approx(1000.0)


# --- against scikit-learn ----------------------------------------------------------------------

def test_against_scikit_learn():
    rng = np.random.default_rng(0)
    y = rng.normal(size=(20, 3)) + 5
    p = rng.normal(size=(20, 3)) + 5
    w = rng.uniform(0.5, 1.5, size=20)
    w = w / w.mean()  # sklearn divides by sum(w), Keras by N: equal when mean(w) = 1
    for ours, theirs, scale in [(L.mse, metrics.mean_squared_error, 1),
                                (L.mae, metrics.mean_absolute_error, 1),
                                (L.mape, metrics.mean_absolute_percentage_error, 100)]:
        assert ours(y, p) == pytest.approx(scale * theirs(y, p), rel=1e-12)
        assert ours(y, p, sample_weight=w) == pytest.approx(scale * theirs(y, p, sample_weight=w),
                                                            rel=1e-12)
    labels = rng.integers(0, 2, size=30)
    prob = rng.uniform(0.01, 0.99, size=30)
    assert L.binary_crossentropy(labels, prob) == pytest.approx(metrics.log_loss(labels, prob),
                                                                rel=1e-12)
    classes = np.arange(30) % 4
    probs = scipy.special.softmax(rng.normal(size=(30, 4)), axis=1)
    assert L.sparse_categorical_crossentropy(classes, probs) == \
        pytest.approx(metrics.log_loss(classes, probs), rel=1e-12)


# --- from_logits against the probability version ---------------------------------------------

def test_from_logits_equals_probability_version():
    rng = np.random.default_rng(1)
    z = rng.normal(scale=3, size=(6, 4))
    y_bin = rng.integers(0, 2, size=(6, 4)).astype(float)
    assert L.binary_crossentropy(y_bin, z, from_logits=True) == \
        pytest.approx(L.binary_crossentropy(y_bin, scipy.special.expit(z)), rel=1e-10)
    labels = rng.integers(0, 4, size=6)
    y_hot = np.eye(4)[labels]
    s = scipy.special.softmax(z, axis=-1)
    w = rng.uniform(0, 2, size=6)
    assert L.categorical_crossentropy(y_hot, z, from_logits=True, sample_weight=w) == \
        pytest.approx(L.categorical_crossentropy(y_hot, s, sample_weight=w), rel=1e-10)
    assert L.sparse_categorical_crossentropy(labels, z, from_logits=True) == \
        pytest.approx(L.sparse_categorical_crossentropy(labels, s), rel=1e-10)


# --- gradients against finite differences -----------------------------------------------------

def _case(name, shape, rng, from_logits=False):
    """Targets and predictions for a loss, kept away from kinks and clipping."""
    if name == "sparse_categorical_crossentropy":
        k = shape[-1]
        y = rng.integers(0, k, size=shape[:-1])
        p = rng.normal(size=shape) if from_logits else rng.uniform(0.05, 1.0, size=shape)
        return y, p
    if name == "categorical_crossentropy":
        y = np.eye(shape[-1])[rng.integers(0, shape[-1], size=shape[:-1])]
        if rng.uniform() < 0.5:
            # soft targets, not even summing to 1: the gradient must not assume they do
            y = rng.dirichlet(np.ones(shape[-1]), size=shape[:-1]) * rng.uniform(0.5, 1.0)
        p = rng.normal(size=shape) if from_logits else rng.uniform(0.05, 1.0, size=shape)
        return y, p
    if name == "binary_crossentropy":
        y = rng.uniform(0, 1, size=shape)
        p = rng.normal(size=shape) if from_logits else rng.uniform(0.05, 0.95, size=shape)
        return y, p
    y = rng.uniform(0.5, 2.0, size=shape) * rng.choice([-1, 1], size=shape)
    # offsets of at least 0.05 keep |y - p| away from its kink at 0
    p = y + rng.uniform(0.05, 1.0, size=shape) * rng.choice([-1, 1], size=shape)
    return y, p


GRADIENT_CASES = [(name, shape, logits) for name in ALL_LOSSES
                  for shape in ([(5,), (4, 3), (2, 3, 4)] if name in ELEMENTWISE
                                else [(4, 3), (2, 3, 5)])
                  for logits in ([False, True] if "crossentropy" in name else [False])]


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("name,shape,from_logits", GRADIENT_CASES)
def test_gradient_matches_finite_differences(name, shape, from_logits, weighted):
    rng = np.random.default_rng(zlib.crc32(repr((name, shape, from_logits, weighted)).encode()))
    loss, gradient = loss_pair(name)
    y, p = _case(name, shape, rng, from_logits)
    kwargs = {"from_logits": True} if from_logits else {}
    if weighted:
        kwargs["sample_weight"] = rng.uniform(0.0, 3.0, size=shape[0])
    analytic = gradient(y, p, **kwargs)
    assert analytic.shape == p.shape
    numeric = fd_gradient(lambda v: loss(y, v, **kwargs), p)
    assert rel_err(analytic, numeric) < 1e-6


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("name,shape,from_logits", GRADIENT_CASES)
def test_loss_with_gradient_gives_the_pair_in_one_call(name, shape, from_logits, weighted):
    # fit's one call per batch: the same numbers, to the bit, as the two functions apart
    rng = np.random.default_rng(zlib.crc32(repr((name, shape, from_logits)).encode()))
    loss, gradient = loss_pair(name)
    y, p = _case(name, shape, rng, from_logits)
    kwargs = {"from_logits": True} if from_logits else {}
    if weighted:
        kwargs["sample_weight"] = rng.uniform(0.0, 3.0, size=shape[0])
    value, grad = L.with_gradient(loss, gradient)(y, p, **kwargs)
    assert type(value) is float and value == loss(y, p, **kwargs)
    np.testing.assert_array_equal(grad, gradient(y, p, **kwargs))
    assert rel_err(grad, fd_gradient(lambda v: loss(y, v, **kwargs), p)) < 1e-6


@pytest.mark.parametrize("name", CATEGORICAL)
def test_loss_with_gradient_names_the_loss_in_its_errors(name):
    both = L.with_gradient(*loss_pair(name))
    with pytest.raises(ValueError, match=f"^{name}: argument 'y_true'"):
        both(np.array([0, 5]), np.full((2, 3), 1 / 3))


def test_gradients_by_hand():
    # MSE, targets (1, 2), predictions (2, 4), N = 2: dL/dp = 2 (p - y) / 2 = (1, 2)
    np.testing.assert_allclose(L.mse_gradient([1.0, 2.0], [2.0, 4.0]), [1.0, 2.0])
    # MAE: sign(p - y) / (N K) with N K = 4, and sign(0) = 0 at the kink
    np.testing.assert_allclose(L.mae_gradient([[0.0, 0.0], [1.0, 1.0]], [[1.0, -1.0], [1.0, 3.0]]),
                               [[0.25, -0.25], [0.0, 0.25]])
    # BCE from logits: (sigmoid(z) - y) / N = (1/2 - 1, 3/4 - 0) / 2 at z = (0, ln 3)
    np.testing.assert_allclose(L.binary_crossentropy_gradient([1.0, 0.0], [0.0, LN(3)],
                                                              from_logits=True),
                               [-0.25, 0.375])
    # sparse CE from logits: (softmax(z) - onehot) / N = ((1/4, 3/4) - (0, 1)) / 1
    np.testing.assert_allclose(L.sparse_categorical_crossentropy_gradient(
        [1], [[0.0, LN(3)]], from_logits=True), [[0.25, -0.25]])


def test_gradient_is_zero_where_clipping_is_active():
    # p below 1e-7 or above 1 - 1e-7 is clipped: the loss does not move with p there
    y = np.array([1.0, 0.0, 1.0, 0.0])
    p = np.array([1e-9, 1 - 1e-9, 0.0, 1.0])
    grad = L.binary_crossentropy_gradient(y, p)
    np.testing.assert_array_equal(grad, 0.0)
    numeric = fd_gradient(lambda v: L.binary_crossentropy(y[:2], v), p[:2], h=1e-11)
    np.testing.assert_array_equal(numeric, 0.0)
    # categorical: true class at 1e-9 of the row sum -> clipped, gradient 0 for the whole row
    grad = L.categorical_crossentropy_gradient([[1.0, 0.0]], [[1e-9, 1.0]])
    np.testing.assert_array_equal(grad, 0.0)


@pytest.mark.parametrize("name", ALL_LOSSES)
def test_float_policy_and_return_type(name):
    rng = np.random.default_rng(5)
    loss, gradient = loss_pair(name)
    y, p = _case(name, (3, 4), rng)
    p32 = p.astype(np.float32)
    value = loss(y, p32)
    assert type(value) is float
    assert value == pytest.approx(loss(y, p), rel=1e-5)
    assert gradient(y, p32).dtype == np.float32
    assert gradient(y, p).dtype == np.float64


# --- invariants (hypothesis) -------------------------------------------------------------------

@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 4)),
              elements=st.floats(-50, 50)),
       st.floats(0.0, 10.0))
def test_bce_from_logits_is_finite_silent_and_scales_with_uniform_weight(z, c):
    y = (z > 0).astype(float)[::-1]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plain = L.binary_crossentropy(y, z * 20, from_logits=True)
        weighted = L.binary_crossentropy(y, z * 20, from_logits=True,
                                         sample_weight=np.full(z.shape[0], c))
        grad = L.binary_crossentropy_gradient(y, z * 20, from_logits=True)
    assert np.isfinite(plain) and plain >= 0
    assert weighted == pytest.approx(c * plain, rel=1e-9, abs=1e-12)
    # |dL/dz| <= 1 / (N K): the logit gradient is bounded, whatever the logits
    assert np.all(np.abs(grad) <= 1 / z.size + 1e-15)


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(2, 5)),
              elements=st.floats(-1000, 1000)))
def test_logit_gradient_of_sparse_ce_rows_sum_to_zero(z):
    labels = np.arange(z.shape[0]) % z.shape[1]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        grad = L.sparse_categorical_crossentropy_gradient(labels, z, from_logits=True)
    # softmax(z) - onehot sums to 1 - 1 = 0 in every row
    np.testing.assert_allclose(grad.sum(axis=-1), 0.0, atol=1e-12)


# --- shapes Keras accepts, shapes it does not -----------------------------------------------

def test_column_and_flat_targets_are_paired_not_broadcast():
    # (N,) targets with (N, 1) predictions: 3 pairs, squared errors (0, 0, 1) -> 1/3, not an
    # (N, N) table of all pairs
    assert L.mse([1.0, 2.0, 3.0], [[1.0], [2.0], [4.0]]) == pytest.approx(1 / 3)
    assert L.mse([[1.0], [2.0], [3.0]], [1.0, 2.0, 4.0]) == pytest.approx(1 / 3)
    assert L.mse_gradient([1.0, 2.0, 3.0], [[1.0], [2.0], [4.0]]).shape == (3, 1)
    # (N, 1) sample weights for (N,) losses, as Keras squeezes them
    assert L.mse([1.0, 2.0], [2.0, 2.0], sample_weight=[[4.0], [1.0]]) == pytest.approx(2.0)


# --- bad input ---------------------------------------------------------------------------------

def _valid(name):
    if name == "sparse_categorical_crossentropy":
        return [0, 1], [[0.3, 0.7], [0.6, 0.4]]
    if name == "categorical_crossentropy":
        return [[1, 0], [0, 1]], [[0.3, 0.7], [0.6, 0.4]]
    return [[1, 0], [0, 1]], [[0.3, 0.7], [0.6, 0.4]]


ALL_FUNCS = [f for name in ALL_LOSSES for f in loss_pair(name)]


@pytest.mark.parametrize("f", ALL_FUNCS, ids=lambda f: f.__name__)
def test_bad_input_common(f):
    base = f.__name__.replace("_gradient", "")
    y, p = _valid(base)
    f(y, p)  # the valid case runs
    with pytest.raises(ValueError, match=rf"{f.__name__}: argument 'y_pred'.*NaN"):
        f(y, [[0.3, np.nan], [0.6, 0.4]])
    y_nan = np.array(y, dtype=float)
    y_nan.flat[0] = np.nan
    with pytest.raises(ValueError, match="'y_true'.*NaN"):
        f(y_nan, p)
    with pytest.raises(TypeError, match="'y_pred'"):
        f(y, "0.5")
    with pytest.raises(ValueError, match="'y_true'"):
        f(np.ones((3, 2)) if np.ndim(y) == 2 else [0, 1, 1], p)
    with pytest.raises(ValueError, match="'sample_weight'"):
        f(y, p, sample_weight=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="'sample_weight'.*>= 0"):
        f(y, p, sample_weight=[1.0, -1.0])
    with pytest.raises(ValueError, match="'y_pred'"):
        f(np.zeros((0, 2)) if np.ndim(y) == 2 else np.zeros(0, int), np.zeros((0, 2)))


@pytest.mark.parametrize("f", [f for name in ["binary_crossentropy"] + CATEGORICAL
                               for f in loss_pair(name)], ids=lambda f: f.__name__)
def test_bad_input_crossentropy(f):
    base = f.__name__.replace("_gradient", "")
    y, p = _valid(base)
    with pytest.raises(ValueError, match="'y_pred'.*probabilities.*from_logits=True"):
        f(y, [[2.0, -1.0], [0.5, 0.5]])
    with pytest.raises(TypeError, match="'from_logits'"):
        f(y, p, from_logits="yes")
    f(y, [[2.0, -1.0], [0.5, 0.5]], from_logits=True)  # the same scores are fine as logits


@pytest.mark.parametrize("f", loss_pair("binary_crossentropy"), ids=lambda f: f.__name__)
def test_bce_targets_outside_unit_interval(f):
    with pytest.raises(ValueError, match="'y_true'.*\\[0, 1\\]"):
        f([[2.0, 0.0]], [[0.5, 0.5]])


@pytest.mark.parametrize("f", loss_pair("categorical_crossentropy"), ids=lambda f: f.__name__)
def test_categorical_rejects_integer_labels_and_names_the_sparse_loss(f):
    p = [[0.3, 0.7], [0.6, 0.4]]
    for labels in ([1, 0], [[1], [0]]):
        with pytest.raises(ValueError, match="'y_true'.*sparse_categorical_crossentropy"):
            f(labels, p)
    with pytest.raises(ValueError, match="'y_true' and 'y_pred'"):
        f([[1, 0, 0]], p)
    with pytest.raises(ValueError, match="'y_pred'.*all zeros"):
        f([[1, 0], [0, 1]], [[0.0, 0.0], [0.5, 0.5]])
    with pytest.raises(ValueError, match="'y_pred'.*dimension"):
        f([1, 0], [0.3, 0.7])
    with pytest.raises(ValueError, match="'y_true'.*\\[0, 1\\]"):
        f([[2, 0], [0, 1]], p)


@pytest.mark.parametrize("f", loss_pair("sparse_categorical_crossentropy"),
                         ids=lambda f: f.__name__)
def test_sparse_rejects_one_hot_and_bad_labels(f):
    p = [[0.3, 0.7], [0.6, 0.4]]
    with pytest.raises(ValueError, match="'y_true'.*one-hot.*categorical_crossentropy"):
        f([[0, 1], [1, 0]], p)
    with pytest.raises(ValueError, match="'y_true'.*label 2.*2 classes"):
        f([2, 0], p)
    with pytest.raises(ValueError, match="'y_true'.*>= 0"):
        f([-1, 0], p)
    with pytest.raises(ValueError, match="'y_true'.*whole-number"):
        f([0.5, 1], p)
    with pytest.raises(ValueError, match="'y_true'"):
        f([0, 1, 1], p)
    with pytest.raises(ValueError, match="'y_pred'.*all zeros"):
        f([0, 1], [[0.0, 0.0], [0.5, 0.5]])


# --- get ---------------------------------------------------------------------------------------

def test_get_names_aliases_and_functions():
    assert L.get("mse") == (L.mean_squared_error, L.mean_squared_error_gradient)
    assert L.get("MAE") == (L.mean_absolute_error, L.mean_absolute_error_gradient)
    assert L.get("mape")[0] is L.mean_absolute_percentage_error
    for name in ALL_LOSSES:
        assert L.get(name) == loss_pair(name)
        assert L.get(getattr(L, name)) == loss_pair(name)
    assert L.get(L.binary_crossentropy_gradient) == loss_pair("binary_crossentropy")

    def custom(y_true, y_pred):
        return float(np.mean(np.abs(np.asarray(y_true) - y_pred) ** 3))

    assert L.get(custom) == (custom, None)


def test_get_bad_input():
    with pytest.raises(ValueError, match="'name_or_function'.*'mse'.*'hinge'") as info:
        L.get("hinge")
    for name in ALL_LOSSES:
        assert repr(name) in str(info.value)
    with pytest.raises(TypeError, match="'name_or_function'"):
        L.get(None)
    with pytest.raises(TypeError, match="'name_or_function'"):
        L.get(42)

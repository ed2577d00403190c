"""Tests for course_lib.metrics against scikit-learn, Keras' rules for 'accuracy', and the
error messages."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.metrics import accuracy_score
from sklearn.metrics import mean_absolute_error as sk_mae
from sklearn.metrics import mean_squared_error as sk_mse

from course_lib import metrics
from course_lib.metrics import (binary_accuracy, categorical_accuracy, mae, mse,
                                sparse_categorical_accuracy)


def test_binary_accuracy_by_hand():
    assert binary_accuracy([1, 0, 1, 0], [0.9, 0.2, 0.4, 0.6]) == 0.5
    assert binary_accuracy([[1], [0]], [[0.7], [0.1]]) == 1.0
    assert binary_accuracy([1, 0], [0.3, 0.1], threshold=0.2) == 1.0
    # (N,) targets against a (N, 1) output, as from Dense(1, activation='sigmoid')
    assert binary_accuracy([1, 0, 0], np.array([[0.8], [0.6], [0.1]])) == pytest.approx(2 / 3)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 40), st.integers(2, 6))
def test_accuracies_match_scikit_learn(seed, n, k):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, k, size=n)
    scores = rng.random((n, k))
    expected = accuracy_score(labels, scores.argmax(1))
    assert sparse_categorical_accuracy(labels, scores) == pytest.approx(expected)
    assert sparse_categorical_accuracy(labels[:, None], scores) == pytest.approx(expected)
    assert categorical_accuracy(np.eye(k)[labels], scores) == pytest.approx(expected)
    p = scores[:, 0]
    assert binary_accuracy(labels % 2, p) == pytest.approx(
        accuracy_score(labels % 2, (p > 0.5).astype(int)))


@settings(max_examples=30, deadline=None)
@given(arrays(np.float64, st.integers(1, 30), elements=st.floats(-1e3, 1e3)),
       st.integers(0, 10_000))
def test_errors_match_scikit_learn(y, seed):
    p = y + np.random.default_rng(seed).normal(size=y.shape)
    assert mae(y, p) == pytest.approx(sk_mae(y, p), rel=1e-9, abs=1e-12)
    assert mse(y, p) == pytest.approx(sk_mse(y, p), rel=1e-9, abs=1e-12)
    assert metrics.mean_absolute_percentage_error([2.0, -4.0], [1.0, -5.0]) == pytest.approx(
        100 * (0.5 + 0.25) / 2)


@pytest.mark.parametrize("y_true_shape,y_pred_shape,loss,expected", [
    ((10,), (10, 1), "binary_crossentropy", binary_accuracy),      # one sigmoid unit
    ((10, 1), (10, 1), "mse", binary_accuracy),                    # one output unit
    ((10, 3), (10, 3), "binary_crossentropy", binary_accuracy),    # multi-label BCE
    ((10,), (10, 3), "sparse_categorical_crossentropy", sparse_categorical_accuracy),
    ((10, 1), (10, 3), "sparse_categorical_crossentropy", sparse_categorical_accuracy),
    ((10, 3), (10, 3), "categorical_crossentropy", categorical_accuracy),
])
def test_accuracy_is_resolved_as_keras_does(y_true_shape, y_pred_shape, loss, expected):
    assert metrics.resolve("accuracy", y_true_shape, y_pred_shape, loss) is expected
    assert metrics.resolve("acc", y_true_shape, y_pred_shape, loss) is expected


def test_get_knows_names_and_passes_functions():
    assert metrics.get("mae") is mae
    assert metrics.get("mean_squared_error") is mse
    assert metrics.get("accuracy") == "accuracy"
    assert metrics.get(len) is len
    assert metrics.resolve("mae", (3,), (3, 1)) is mae
    with pytest.raises(ValueError, match="'identifier'.*'accuracy'.*'mae'"):
        metrics.get("acuracy")
    with pytest.raises(ValueError, match="'identifier'"):
        metrics.get(3)


def test_bad_inputs_name_the_argument():
    with pytest.raises(ValueError, match="'y_true'"):
        categorical_accuracy([0, 1], [[0.2, 0.8], [0.6, 0.4]])
    with pytest.raises(ValueError, match="'y_true'"):
        sparse_categorical_accuracy([[0, 1], [1, 0]], [[0.2, 0.8], [0.6, 0.4]])
    with pytest.raises(ValueError, match="'y_true'"):
        sparse_categorical_accuracy([0.5, 1], [[0.2, 0.8], [0.6, 0.4]])
    with pytest.raises(ValueError, match="'y_pred'"):
        categorical_accuracy([[0, 1]], [0.2, 0.8])
    with pytest.raises(ValueError, match="'y_true'"):
        binary_accuracy([1, 0, 1], [0.2, 0.8])
    with pytest.raises(TypeError, match="'y_pred'"):
        binary_accuracy([1], "0.5")


@pytest.mark.parametrize("call, error, words", [
    (lambda: binary_accuracy([], []), ValueError, "empty"),
    (lambda: binary_accuracy([1, 0], [0.7, 0.2], threshold=1.5), ValueError, "threshold"),
    (lambda: binary_accuracy([1, 0], [0.7, 0.2], threshold=-0.1), ValueError, "threshold"),
    (lambda: binary_accuracy([1, 0], [0.7, 0.2], threshold="half"), TypeError, "threshold"),
    # label 3 has no output among 3 classes: it would silently count as a wrong answer
    (lambda: sparse_categorical_accuracy([0, 3], [[0.9, 0.05, 0.05], [0.1, 0.1, 0.8]]),
     ValueError, "label 3"),
    (lambda: sparse_categorical_accuracy([-1, 0], [[0.9, 0.1], [0.2, 0.8]]),
     ValueError, ">= 0"),
])
def test_accuracies_name_bad_input(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_to_categorical_memory_grows_with_the_labels_not_the_square_of_the_largest():
    from course_lib.utils import to_categorical

    # a K x K identity for K = 200_000 would need 160 GB in float32; one row per label does not
    import tracemalloc

    tracemalloc.start()
    try:
        out = to_categorical([3, 199_999], num_classes=200_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20, f"to_categorical allocated {peak / 2**20:.0f} MiB for two labels"
    assert out.shape == (2, 200_000) and out.dtype == np.float32
    assert out[0, 3] == 1 and out[1, 199_999] == 1 and out.sum() == 2
    np.testing.assert_array_equal(to_categorical([[0, 2], [1, 1]], 3),
                                  [[[1, 0, 0], [0, 0, 1]], [[0, 1, 0], [0, 1, 0]]])

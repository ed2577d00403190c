"""The shared argument checks: each turns a mistake into a message naming function and argument."""
import numpy as np
import pytest

from course_lib import _validation as v


def test_as_array_keeps_float32_and_converts_lists_to_float64():
    assert v.as_array(np.zeros(3, np.float32), "x", "f").dtype == np.float32
    assert v.as_array([1, 2, 3], "x", "f").dtype == np.float64
    assert v.as_array([1, 2, 3], "x", "f", allow_int=True).dtype.kind == "i"


@pytest.mark.parametrize("bad, exc", [("abc", TypeError), (None, TypeError),
                                      ([[1, 2], [3]], TypeError), ([object()], TypeError)])
def test_as_array_rejects_non_numbers_naming_the_argument(bad, exc):
    with pytest.raises(exc, match=r"myfunc: argument 'data'"):
        v.as_array(bad, "data", "myfunc")


def test_as_array_reports_nan_position_and_count():
    x = np.ones((2, 3))
    x[1, 2] = np.nan
    x[0, 0] = np.inf
    with pytest.raises(ValueError, match=r"'x' contains 2 NaN or infinite.*index \(0, 0\)"):
        v.as_array(x, "x", "f")
    assert v.as_array(x, "x", "f", finite=False) is x


def test_finite_values_whose_sum_overflows_are_accepted_quietly():
    import warnings

    huge = np.full(4, 3e38, np.float32)  # finite, but their float32 sum is infinite
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert v.as_array(huge, "x", "f") is huge
        assert v.as_array(np.array([1e308, -1e308, 1e308]), "x", "f").shape == (3,)
    huge[2] = -np.inf  # and an infinity among them is still found, by position
    with pytest.raises(ValueError, match=r"'x' contains 1 NaN or infinite.*index \(2,\)"):
        v.as_array(huge, "x", "f")


def test_ndim_message_names_expected_axes_and_actual_shape():
    with pytest.raises(ValueError, match=r"'x' must have 4 dimensions \(N, H, W, C\), got shape \(28, 28\)"):
        v.as_array(np.zeros((28, 28)), "x", "conv2d", ndim=4, shape_hint="(N, H, W, C)")
    with pytest.raises(ValueError, match="2 or 3 dimensions"):
        v.check_ndim(np.zeros(3), (2, 3), "x", "f")


@pytest.mark.parametrize("func, value, exc, text", [
    (v.check_positive, 0, ValueError, "> 0"),
    (v.check_positive, -0.1, ValueError, "got -0.1"),
    (v.check_positive, "1", TypeError, "must be a number"),
    (v.check_positive, True, TypeError, "must be a number"),
    (v.check_positive, float("nan"), ValueError, "finite"),
    (v.check_nonnegative, -1, ValueError, ">= 0"),
])
def test_number_checks(func, value, exc, text):
    with pytest.raises(exc, match=text):
        func(value, "learning_rate", "SGD")


def test_number_checks_return_valid_values():
    assert v.check_positive(0.5, "a", "f") == 0.5
    assert v.check_nonnegative(0, "a", "f") == 0
    assert v.check_in_range(0.9, "beta_1", "Adam", 0, 1, high_inclusive=False) == 0.9
    with pytest.raises(ValueError, match=r"'beta_1' must lie in \[0, 1\), got 1"):
        v.check_in_range(1, "beta_1", "Adam", 0, 1, high_inclusive=False)


def test_check_int_bounds_and_types():
    assert v.check_int(np.int64(3), "k", "f", minimum=1) == 3
    with pytest.raises(TypeError, match="'k' must be an integer"):
        v.check_int(2.5, "k", "f")
    with pytest.raises(ValueError, match="'k' must be >= 2, got 1"):
        v.check_int(1, "k", "f", minimum=2)
    with pytest.raises(ValueError, match="'k' must be <= 5, got 6"):
        v.check_int(6, "k", "f", maximum=5)


def test_check_choice_lists_the_choices():
    assert v.check_choice("same", "padding", "conv2d", ("valid", "same")) == "same"
    with pytest.raises(ValueError, match=r"'padding' must be one of 'valid', 'same', got 'full'"):
        v.check_choice("full", "padding", "conv2d", ("valid", "same"))
    with pytest.raises(TypeError, match="'padding'"):
        v.check_choice(1, "padding", "conv2d", ("valid", "same"))


def test_shape_probability_and_label_checks():
    with pytest.raises(ValueError, match=r"'y_true' and 'y_pred' must have the same shape"):
        v.check_same_shape(np.zeros(2), np.zeros(3), "y_true", "y_pred", "mse")
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\].*from_logits=True"):
        v.check_probabilities(np.array([0.5, 1.5]), "y_pred", "bce")
    v.check_probabilities(np.array([0.0, 1.0]), "y_pred", "bce")
    np.testing.assert_array_equal(v.check_labels([0.0, 2.0], "y", "f", 3), [0, 2])
    with pytest.raises(ValueError, match="label 3, out of range for 3 classes"):
        v.check_labels([0, 3], "y", "f", 3)
    with pytest.raises(ValueError, match="labels >= 0"):
        v.check_labels([-1], "y", "f")
    with pytest.raises(ValueError, match="whole-number"):
        v.check_labels([0.5], "y", "f")


def test_as_rng_and_as_pair():
    a = v.as_rng(3).random(4)
    b = v.as_rng(3).random(4)
    np.testing.assert_array_equal(a, b)
    g = np.random.default_rng(0)
    assert v.as_rng(g) is g
    with pytest.raises(TypeError, match="'random_state'"):
        v.as_rng("seed")
    with pytest.raises(ValueError, match="'random_state'"):
        v.as_rng(-1)
    assert v.as_pair(2, "strides", "f") == (2, 2)
    assert v.as_pair((1, 3), "strides", "f") == (1, 3)
    with pytest.raises(ValueError, match="'strides'"):
        v.as_pair((1, 2, 3), "strides", "f")
    with pytest.raises(ValueError, match="'strides' must be >= 1"):
        v.as_pair(0, "strides", "f")


def test_as_data_matrix_wants_samples_by_features():
    assert v.as_data_matrix([[1, 2], [3, 4]], "PCA.fit").shape == (2, 2)
    with pytest.raises(ValueError, match=r"'X' must be 2-D .*reshape\(-1, 1\)"):
        v.as_data_matrix([1, 2, 3], "KMeans.fit")
    with pytest.raises(ValueError, match=r"'X' must be 2-D .*got shape \(1, 2, 3\)"):
        v.as_data_matrix(np.zeros((1, 2, 3)), "KMeans.fit")
    with pytest.raises(ValueError, match="at least one sample and one feature"):
        v.as_data_matrix(np.zeros((0, 3)), "PCA.fit")

"""Tests for course_lib.checks: every diagnosis fires with its words, hidden checks keep quiet.

The expected values here are written by hand; the checks under test only compare them.
"""
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from course_lib.checks import (CheckFailed, check_close, check_probabilities, check_shape,
                               check_true, check_type, passed)


def failure(func, *args, **kwargs) -> str:
    """The message of the CheckFailed that func(*args, **kwargs) raises."""
    with pytest.raises(CheckFailed) as info:
        func(*args, **kwargs)
    assert isinstance(info.value, AssertionError)
    return str(info.value)


# --- check_close: passing -------------------------------------------------------------------

@pytest.mark.parametrize("actual, expected", [
    (1.0, 1.0),
    (np.float32(0.5), 0.5),
    ([1, 2, 3], np.array([1.0, 2.0, 3.0])),
    (np.array([[1.0, 2.0], [3.0, 4.0]]), [[1, 2], [3, 4]]),
    (pd.Series([1.0, 2.0]), [1.0, 2.0]),
    (pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]}), [[1.0, 3.0], [2.0, 4.0]]),
    (np.array([True, False]), [1, 0]),
    (7, 7.0),
])
def test_check_close_passes_equal_values(actual, expected):
    assert check_close(actual, expected) is None


def test_check_close_passes_within_rtol_and_fails_beyond():
    check_close(1.0 + 0.9e-6, 1.0)            # |diff| <= atol + rtol * 1
    check_close(100.0 * (1 + 5e-4), 100.0, rtol=1e-3)
    failure(check_close, 1.0 + 1e-4, 1.0)     # far beyond the default rtol=1e-6
    failure(check_close, 100.2, 100.0, rtol=1e-3)


@settings(max_examples=50, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(max_dims=3, max_side=5),
                  elements=st.floats(-1e6, 1e6)),
       st.floats(-0.9, 0.9))
def test_check_close_accepts_any_answer_inside_the_tolerance(expected, fraction):
    # Moving every entry by less than the allowed |diff| must still pass.
    rtol, atol = 1e-5, 1e-8
    actual = expected + fraction * (atol + rtol * np.abs(expected))
    check_close(actual, expected, rtol=rtol, atol=atol)


# --- check_close: the diagnoses -------------------------------------------------------------

def test_none_says_forgot_return():
    msg = failure(check_close, None, 2.5, "mae(y, p)")
    assert "mae(y, p) is None" in msg and "forget `return`" in msg


def test_function_instead_of_result():
    def mean_absolute_error(a, b):
        return 0.0
    msg = failure(check_close, mean_absolute_error, 2.5)
    assert "function `mean_absolute_error` itself" in msg
    assert "forget to call it" in msg


def test_text_instead_of_number():
    msg = failure(check_close, "2.5", 2.5)
    assert "str" in msg and "number itself" in msg


def test_nan_and_inf_are_named():
    msg = failure(check_close, [1.0, np.nan, 3.0], [1.0, 2.0, 3.0])
    assert "NaN" in msg and "1 of 3" in msg and "0/0" in msg
    msg = failure(check_close, np.inf, 1.0)
    assert "infinity" in msg


def test_nan_expected_at_the_same_place_passes():
    check_close([1.0, np.nan], [1.0, np.nan])


def test_transposed_shape():
    expected = np.arange(6.0).reshape(2, 3)
    msg = failure(check_close, expected.T, expected)
    assert "wrong shape" in msg and "(3, 2)" in msg and "(2, 3)" in msg
    assert "transposed" in msg


def test_many_values_where_one_was_expected():
    msg = failure(check_close, np.array([1.0, 2.0, 3.0]), 2.0)
    assert "3 values where a single number was expected" in msg
    assert "np.mean" in msg


def test_one_value_where_many_were_expected():
    msg = failure(check_close, 6.0, [1.0, 2.0, 3.0])
    assert "single number where 3 values were expected" in msg


def test_extra_axis_is_named_with_its_length():
    msg = failure(check_close, np.ones((4, 3)), np.ones(4))
    assert "extra axis of length 3 (axis 1)" in msg
    assert "returned 3 values for each entry" in msg
    msg = failure(check_close, np.ones((4, 1)), np.ones(4))
    assert "extra axis of length 1" in msg and ".ravel()" in msg


def test_missing_axis_is_named():
    msg = failure(check_close, np.ones(4), np.ones((4, 3)))
    assert "missing axis 1" in msg and "one value where 3 were expected" in msg


def test_sign_flipped():
    msg = failure(check_close, [-1.0, 2.0, -3.0], [1.0, -2.0, 3.0])
    assert "sign is flipped" in msg
    msg = failure(check_close, -0.75, 0.75)      # also for a single number
    assert "sign is flipped" in msg


def test_factor_equal_to_a_size_reads_as_sum_instead_of_mean():
    msg = failure(check_close, 12.0, 3.0, sizes={"N": 4})
    assert "N = 4 times too large" in msg and "sum instead of averaging" in msg
    msg = failure(check_close, 0.75, 3.0, sizes={"N": 4})
    assert "N = 4 times too small" in msg


def test_constant_factor_is_said_for_arrays():
    msg = failure(check_close, [2.5, 5.0, 7.5], [1.0, 2.0, 3.0])
    assert "constant factor of 2.5" in msg
    msg = failure(check_close, [3.0, 6.0], [1.0, 2.0])
    assert "constant factor of 3" in msg and "summed instead of averaging" in msg


def test_single_number_with_an_arbitrary_ratio_claims_no_factor():
    # Any wrong number is *some* multiple of the right one; saying so would be noise.
    msg = failure(check_close, 3.7, 1.3)
    assert "factor" not in msg


def test_constant_offset_and_the_callers_hint():
    msg = failure(check_close, [3.0, 4.0, 5.0], [1.0, 2.0, 3.0])
    assert "off by the same constant 2" in msg
    assert "Hint" not in msg
    hint = {"offset": "Did you forget the bias b?"}
    msg = failure(check_close, [3.0, 4.0, 5.0], [1.0, 2.0, 3.0], hint=hint)
    assert "Hint: Did you forget the bias b?" in msg
    # A hint tied to one diagnosis stays silent for another.
    msg = failure(check_close, [-1.0, -2.0, -3.0], [1.0, 2.0, 3.0], hint=hint)
    assert "bias" not in msg


def test_string_hint_is_added_to_any_failure():
    msg = failure(check_close, 2.0, 1.0, hint="Use np.abs.")
    assert msg.endswith("Hint: Use np.abs.")


def test_flipped_labels_read_as_reversed_rule():
    msg = failure(check_close, [1, 0, 0, 1], [0, 1, 1, 0])
    assert "swapped" in msg and "reversed" in msg


def test_right_values_wrong_order():
    msg = failure(check_close, [3.0, 1.0, 2.0], [1.0, 2.0, 3.0])
    assert "wrong order" in msg


def test_other_wrong_values_point_at_the_first_difference():
    msg = failure(check_close, [1.0, 2.0, 9.0, 4.0], [1.0, 2.0, 3.0, 5.0])
    assert "2 of 4 values differ" in msg and "index 2" in msg
    assert "expected 3, got 9" in msg


def test_named_mistake_is_recognised_by_value():
    y, p = np.array([1.0, 2.0, 3.0]), np.array([2.0, 2.0, 5.0])
    mae = 1.0                  # (1 + 0 + 2) / 3, by hand
    mse = 5.0 / 3.0            # (1 + 0 + 4) / 3
    msg = failure(check_close, mse, mae, "mean_absolute_error(y, p)",
                  mistakes=[(mse, "This is the mean squared error; the exercise asks for "
                                  "the mean absolute error.")])
    assert msg.startswith("mean_absolute_error(y, p) is not right.")
    assert "This is the mean squared error" in msg
    assert "expected: 1" in msg and "got:      1.66667" in msg
    # An answer that is neither right nor the known mistake does not get that message.
    msg = failure(check_close, 4.0, mae, mistakes=[(mse, "This is the mean squared error")])
    assert "mean squared error" not in msg


def test_default_name_opens_the_sentence_with_a_capital():
    assert failure(check_close, 2.0, 1.0).startswith("Your answer is not right.")


# --- reveal=False never shows the expected value --------------------------------------------

def _numbers_in(arr):
    return {f"{v:.6g}" for v in np.ravel(arr)} | {f"{v:.2f}" for v in np.ravel(arr)}


@settings(max_examples=40, deadline=None)
@given(hnp.arrays(np.float64, st.integers(2, 6), elements=st.floats(1000, 2000)),
       st.sampled_from(["random", "factor", "offset", "shape", "mistake", "scalar", "sign",
                        "transposed", "nan"]))
def test_hidden_checks_never_print_the_expected_values(expected, kind):
    rng = np.random.default_rng(0)
    mistakes = None
    if kind == "random":
        actual = expected + rng.uniform(1, 5, expected.shape)
    elif kind == "factor":
        actual = 3.5 * expected
    elif kind == "offset":
        actual = expected + 0.25
    elif kind == "shape":
        actual = expected[:, None]
    elif kind == "mistake":
        actual = expected ** 2
        mistakes = [(expected ** 2, "You squared the values.")]
    elif kind == "scalar":
        expected = expected[0]
        actual = expected * 1.01
    elif kind == "sign":
        actual = -expected
    elif kind == "transposed":
        # one row more than columns, so that the transpose has a different shape
        expected = np.vstack([expected + k for k in range(len(expected) + 1)])
        actual = expected.T
    else:
        actual = expected.copy()
        actual[0] = np.nan
    msg = failure(check_close, actual, expected, "f(x_hidden)", reveal=False,
                  mistakes=mistakes)
    for text in _numbers_in(expected):
        assert text not in msg, f"hidden message shows {text}: {msg}"
    # The answer on hidden inputs is not printed either: with it and the diagnosis, the
    # expected value could be worked back.
    for text in _numbers_in(actual[np.isfinite(actual)]):
        assert text not in msg
    if kind == "mistake":
        assert "You squared the values." in msg
    if kind == "sign":
        assert "sign is flipped" in msg
    if kind == "transposed":
        assert "transposed" in msg


def test_hidden_check_suggests_trying_own_cases():
    msg = failure(check_close, [1.0, 2.0, 7.0], [1.0, 2.0, 3.0], reveal=False)
    assert "hidden check" in msg


# --- check_shape, check_type, check_true ----------------------------------------------------

def test_check_shape_passes_and_accepts_wildcards():
    check_shape(np.zeros((5, 3)), (5, 3))
    check_shape(np.zeros((5, 3)), (None, 3))
    check_shape([[1, 2, 3]], (1, 3))
    check_shape(pd.DataFrame({"a": [1, 2]}), (2, 1))
    check_shape(np.zeros(4), 4)


def test_check_shape_diagnoses():
    msg = failure(check_shape, np.zeros((3, 5)), (5, 3), "X")
    assert "X has the wrong shape" in msg and "transposed" in msg
    msg = failure(check_shape, np.zeros((10, 8, 8)), (None, 8, 8, 1), "images")
    assert "lacks an axis of length 1 at position 3" in msg
    msg = failure(check_shape, np.zeros((8, 4)), (8, 3), reveal=False)
    assert "(8, 3)" not in msg and "(8, 4)" in msg and "Axis 1 has length 4" in msg
    msg = failure(check_shape, None, (2,))
    assert "forget `return`" in msg
    msg = failure(check_shape, "abc", (3,))
    assert "str" in msg


def test_check_type():
    check_type(2.5, float)
    check_type(np.float64(2.5), float)          # NumPy's float64 is a Python float
    check_type([1], (list, tuple))
    msg = failure(check_type, np.array([2.5, 1.0]), float, "mae(y, p)")
    assert "should be a float" in msg and "shape (2,)" in msg and "np.mean" in msg
    msg = failure(check_type, None, float)
    assert "forget `return`" in msg
    msg = failure(check_type, pd.Series([1.0]), pd.DataFrame, "X")
    assert "X should be a pandas.DataFrame" in msg and "pandas.Series" in msg


def test_check_true():
    check_true(True, "never shown")
    check_true(np.array([True, True]), "never shown")
    assert failure(check_true, False, "X must not contain the target column.") == \
        "X must not contain the target column."
    failure(check_true, np.array([True, False]), "not all")
    failure(check_true, np.array([], dtype=bool), "empty is not a pass")


# --- check_probabilities --------------------------------------------------------------------

def test_check_probabilities_passes_softmax_rows():
    check_probabilities([[0.2, 0.8], [0.5, 0.5]])
    check_probabilities([0.1, 0.2, 0.7])
    check_probabilities([[0.2, 0.5], [0.8, 0.5]], axis=0)


def test_check_probabilities_wrong_axis():
    p = np.array([[0.2, 0.6], [0.8, 0.4]])   # columns sum to 1, rows do not
    msg = failure(check_probabilities, p, -1, "softmax(z)")
    assert "does not sum to 1 along axis -1" in msg
    assert "sums to 1 along axis 0 instead" in msg and "wrong axis" in msg


def test_check_probabilities_unnormalised_negative_and_nan():
    msg = failure(check_probabilities, [[1.0, 3.0], [2.0, 2.0]])
    assert "between 0 and 1" in msg
    msg = failure(check_probabilities, [[0.2, 0.2], [0.1, 0.3]])
    assert "sums to 0.4" in msg and "normalise" in msg
    msg = failure(check_probabilities, [[-0.5, 1.5]])
    assert "cannot be negative" in msg
    msg = failure(check_probabilities, [np.nan, 1.0])
    assert "NaN" in msg and "subtract the maximum" in msg
    msg = failure(check_probabilities, 0.5)
    assert "single number" in msg


# --- passed ---------------------------------------------------------------------------------

def test_passed_prints_one_friendly_line(capsys):
    passed("mean_absolute_error")
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert "mean_absolute_error" in out and "visible checks passed" in out
    assert "hidden tests" in out


# --- bad input from the notebook author -----------------------------------------------------

@pytest.mark.parametrize("call, error, arg", [
    (lambda: check_close(1.0, 1.0, rtol=-1), ValueError, "rtol"),
    (lambda: check_close(1.0, 1.0, atol="0"), TypeError, "atol"),
    (lambda: check_close(1.0, 1.0, name=3), TypeError, "name"),
    (lambda: check_close(1.0, "one"), TypeError, "expected"),
    (lambda: check_close(1.0, 1.0, hint=3), TypeError, "hint"),
    (lambda: check_close(1.0, 1.0, hint={"bias": "x"}), ValueError, "hint"),
    (lambda: check_close(1.0, 1.0, mistakes=(2.0, "x")), ValueError, "mistakes"),
    (lambda: check_close(1.0, 1.0, mistakes="MSE"), TypeError, "mistakes"),
    (lambda: check_close(1.0, 1.0, sizes=5), TypeError, "sizes"),
    (lambda: check_close(1.0, 1.0, sizes={"N": 0}), ValueError, "sizes"),
    (lambda: check_shape(np.zeros(2), "2"), TypeError, "expected_shape"),
    (lambda: check_shape(np.zeros(2), (2,), name=None), TypeError, "name"),
    (lambda: check_type(1.0, "float"), TypeError, "expected_type"),
    (lambda: check_true(True, 3), TypeError, "message"),
    (lambda: check_probabilities([0.5, 0.5], axis="last"), TypeError, "axis"),
    (lambda: check_probabilities([0.5, 0.5], axis=1), ValueError, "axis"),
    (lambda: passed(3), TypeError, "exercise"),
])
def test_bad_arguments_name_the_function_and_argument(call, error, arg):
    with pytest.raises(error, match=f"'{re.escape(arg)}'") as info:
        call()
    assert not isinstance(info.value, CheckFailed)


def test_names_written_as_words_open_the_sentence_with_a_capital():
    assert failure(check_close, 2.0, 1.0, "the MAE of 3 values").startswith("The MAE of 3")
    # Code and variable names stay exactly as written.
    assert failure(check_close, 2.0, 1.0, "mae(y, p)").startswith("mae(y, p) is not right")
    assert failure(check_close, 2.0, 1.0, "probs").startswith("probs is not right")
    assert failure(check_shape, np.zeros(2), (3,), "y").startswith("y has the wrong shape")


def test_huge_values_are_diagnosed_without_overflow_warnings():
    # pyproject turns RuntimeWarnings from course_lib into errors: squaring 1e200 must not warn.
    msg = failure(check_close, [1e200, -2e200, 5e200], [1e200, 3e200, 4e200])
    assert "2 of 3 values differ" in msg
    msg = failure(check_close, [-1e300, -2e300], [1e300, 2e300])
    assert "sign is flipped" in msg


def test_an_expected_value_of_none_is_the_check_cells_fault_not_the_students():
    with pytest.raises(TypeError, match="fault in the check cell, not in your answer"):
        check_close([1.0, 2.0], None, "f(x)")

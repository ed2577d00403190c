"""The visible checks of chapter 01_what_is_ml, with their catalogue of known mistakes.

Each exercise's test cell calls its ``check_<exercise>`` with the student's function, then runs
the hidden tests (kept in the solution notebook, never released) and ``passed(...)``.
"""
from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from course_lib.checks import check_close, check_shape, check_true, check_type

__all__ = ["check_rule_sentiment", "check_split_features_target", "check_fit_threshold",
           "check_mean_absolute_error", "threshold_accuracy"]


def check_rule_sentiment(rule_sentiment):
    """A positive and a negative review, then five more, where a tie or an empty review gives 0
    (a `>=` named)."""
    pos, neg = {"good", "great"}, {"bad", "boring"}
    check_close(rule_sentiment(["a", "great", "film"], pos, neg), 1,
                'rule_sentiment(["a", "great", "film"], ...)')
    check_close(rule_sentiment(["so", "boring"], pos, neg), 0,
                'rule_sentiment(["so", "boring"], ...)')
    examples = [["good", "fun"], ["bad", "and", "boring"], ["good", "but", "boring"], [], ["meh"]]
    check_close([rule_sentiment(r, pos, neg) for r in examples], [1, 0, 0, 0, 0],
                "the list of your answers for the reviews " + str(examples),
                mistakes=[([1, 0, 1, 1, 1], "A tie (as many positive as negative words, or "
                                            "none at all) must give 0: compare with > rather "
                                            "than >=.")])


def check_split_features_target(split_features_target):
    """A table of 3 people split on 'salary': a pair is returned, the table is left alone, X is
    a DataFrame of the other columns in order, y the 'salary' Series."""
    table = pd.DataFrame({"age": [23, 19, 34], "education_years": [16, 12, 18],
                          "experience_years": [1, 1, 9], "salary": [41_000, 28_000, 67_000]})
    result = split_features_target(table, "salary")
    check_true(isinstance(result, tuple) and len(result) == 2,
               "split_features_target should return two things, X and y: end with "
               "`return X, y`.")
    X_check, y_check = result
    check_true("salary" in table.columns,
               "Your function removed the 'salary' column from the table it was given. Build X "
               "as a new table with table.drop(columns=target) and leave the input alone.")
    check_type(X_check, pd.DataFrame, "X")
    check_true("salary" not in X_check.columns,
               "X still contains the target column 'salary': the model would see the answer "
               "among its inputs. Drop it from X.")
    check_true(list(X_check.columns) == ["age", "education_years", "experience_years"],
               f"X should hold every column except the target, in the original order "
               f"(age, education_years, experience_years); it holds {list(X_check.columns)}.")
    check_true(not isinstance(y_check, pd.DataFrame),
               "y is a one-column DataFrame; take the column with table[target] (one pair of "
               "brackets) to get a Series.")
    check_type(y_check, pd.Series, "y")
    check_close(y_check, [41_000, 28_000, 67_000], "y")
    check_shape(X_check, (3, 3), "X")


def threshold_accuracy(t, x, y):
    """The training accuracy of the rule `x > t` on labels y (0/1), as a float (the hidden tests
    use it too)."""
    return float(np.mean((np.asarray(x) > t) == np.asarray(y)))


def check_fit_threshold(fit_threshold):
    """Six points, where the best threshold (a number, not the mean 3.5) gets 5 of 6 right, and
    five separable points, where the threshold must lie in [3, 10)."""
    x, y = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]), np.array([0, 0, 1, 0, 1, 1])
    t = fit_threshold(x, y)
    check_type(t, numbers.Real, "fit_threshold(x, y)")
    check_true(not np.isclose(t, 3.5),
               "Your threshold is 3.5, the mean of x (here also the midpoint between the two "
               "class means): a reasonable guess, but not the threshold with the highest "
               "accuracy. Try every candidate threshold and keep the best one.")
    check_close(threshold_accuracy(t, x, y), 5 / 6,
                f"the training accuracy of your threshold t = {t} on x = {list(x)}, "
                f"y = {list(y)}",
                hint="Try every midpoint between sorted distinct values, compute the accuracy "
                     "of each, and return the best. The rule predicts 1 when x > t.")
    t = fit_threshold([1.0, 2.0, 3.0, 10.0, 11.0], [0, 0, 0, 1, 1])
    check_true(3.0 <= t < 10.0, f"For x = [1, 2, 3, 10, 11] with labels [0, 0, 0, 1, 1] a "
                                f"threshold between 3 and 10 separates the classes perfectly; "
                                f"yours is {t}.")


def check_mean_absolute_error(mean_absolute_error):
    """The MAE of four predictions (the MSE, the RMSE and a mean without np.abs named), and 0
    for perfect predictions."""
    y_true = np.array([3.0, -0.5, 2.0, 7.0])
    y_pred = np.array([2.5, 0.0, 2.0, 8.0])
    check_close(mean_absolute_error(y_true, y_pred), 0.5,
                "mean_absolute_error([3, -0.5, 2, 7], [2.5, 0, 2, 8])",
                sizes={"N": 4},
                mistakes=[(0.375, "This is the mean squared error (you squared the "
                                  "differences); the exercise asks for the mean absolute "
                                  "error: take np.abs."),
                          (np.sqrt(0.375), "This is the root mean squared error; the exercise "
                                           "asks for the mean of the absolute differences."),
                          (-0.25, "The differences were averaged without taking their "
                                  "absolute value, so positive and negative errors cancel "
                                  "out: use np.abs."),
                          (0.25, "The differences were averaged without taking their absolute "
                                 "value, so positive and negative errors cancel out: use "
                                 "np.abs.")])
    check_close(mean_absolute_error([1, 2, 3], [1, 2, 3]), 0.0, "the MAE of perfect predictions")

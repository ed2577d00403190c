"""The visible checks of chapter 05_losses, with their catalogue of known mistakes.

Each exercise's test cell calls its ``check_<exercise>`` with the student's answer, then runs
the hidden tests (kept in the solution notebook, never released) and ``passed(...)``.
"""
from __future__ import annotations

import numpy as np

from course_lib.checks import CheckFailed, check_close, check_true, check_type

__all__ = ["check_mean_absolute_percentage_error", "check_binary_crossentropy",
           "check_categorical_crossentropy", "check_sparse_categorical_crossentropy",
           "check_loss_for", "sparse_answer", "SHORT_NAMES", "pick_loss", "check_pick"]


def check_mean_absolute_percentage_error(mean_absolute_percentage_error):
    """The MAPE of the worked example (four prices) and of perfect predictions (0)."""
    y = np.array([200.0, 300.0, 150.0, 500.0])
    p = np.array([210.0, 280.0, 150.0, 400.0])
    relative = np.abs(y - p) / y
    check_close(mean_absolute_percentage_error(y, p), 100 * np.mean(relative),
                "mean_absolute_percentage_error(prices, predicted) for the worked example",
                sizes={"N": 4},
                mistakes=[(np.mean(relative), "This is the MAPE as a fraction (0.079): multiply "
                                              "by 100 to get percent."),
                          (100 * np.mean(np.abs(y - p) / p), "You divided by the predictions; "
                                                             "divide each error by its TRUE "
                                                             "value |y_true|."),
                          (100 * np.sum(np.abs(y - p)) / np.sum(y),
                           "You divided the total error by the total of the true values; MAPE "
                           "divides each error by its own true value, then averages.")],
                hint={"factor": "MAPE = 100 * mean(|y_true - y_pred| / max(|y_true|, "
                                "EPSILON))."})
    check_close(mean_absolute_percentage_error([10.0, 20.0], [10.0, 20.0]), 0.0,
                "the MAPE of perfect predictions")


def check_binary_crossentropy(binary_crossentropy):
    """The BCE of four labels and probabilities, and of two confidently wrong answers (p = 0
    and 1, which need the clipping)."""
    y = np.array([1.0, 0.0, 1.0, 0.0])
    p = np.array([0.9, 0.2, 0.6, 0.4])
    terms = y * np.log(p) + (1 - y) * np.log(1 - p)
    check_close(binary_crossentropy(y, p), -np.mean(terms),
                "binary_crossentropy([1, 0, 1, 0], [0.9, 0.2, 0.6, 0.4])", sizes={"N": 4},
                mistakes=[(-np.mean(y * np.log(p)),
                           "The (1 - y) log(1 - p) term is missing: samples with label 0 then "
                           "cost nothing, whatever the prediction."),
                          (-np.mean(y * np.log(p) - (1 - y) * np.log(1 - p)),
                           "The sign in front of (1 - y) log(1 - p) is flipped: both terms are "
                           "inside one bracket, -[y log p + (1 - y) log(1 - p)]."),
                          (-np.mean(terms) / np.log(10),
                           "You used log10; cross-entropy uses the natural logarithm np.log.")],
                hint={"sign": "BCE is -mean(...): the logs of probabilities are negative, the "
                              "minus sign makes the loss positive."})
    check_close(binary_crossentropy([1.0, 0.0], [0.0, 1.0]), -np.log(1e-7),
                "binary_crossentropy([1, 0], [0, 1]), two confidently wrong answers", rtol=1e-6,
                hint={"nan": "log(0) is -inf: clip y_pred to [EPSILON, 1 - EPSILON] with "
                             "np.clip before taking the log.",
                      "default": "Clip y_pred to [EPSILON, 1 - EPSILON] with EPSILON = 1e-7, "
                                 "as Keras does."})


def check_categorical_crossentropy(categorical_crossentropy):
    """The CCE of the worked example: 3 one-hot samples, 4 classes."""
    probs = np.array([[0.70, 0.10, 0.10, 0.10],
                      [0.20, 0.50, 0.20, 0.10],
                      [0.05, 0.05, 0.10, 0.80]])
    onehot = np.eye(4)[[0, 2, 3]]
    log_true = np.log(np.array([0.7, 0.2, 0.8]))
    check_close(categorical_crossentropy(onehot, probs), -np.mean(log_true),
                "categorical_crossentropy for the worked example (3 samples, 4 classes)",
                sizes={"N": 3},
                mistakes=[(-np.sum(log_true) / 12,
                           "You averaged over the classes too (np.mean of all N*K entries): sum "
                           "over the classes, average over the samples only."),
                          (-np.sum(log_true) / 4,
                           "You summed over the samples (axis 0) and averaged over the classes: "
                           "the classes are the last axis, so sum with axis=-1 and then "
                           "average."),
                          (-np.mean(onehot * np.log(probs) + (1 - onehot) * np.log(1 - probs)),
                           "This is binary cross-entropy applied to every class; categorical "
                           "cross-entropy keeps only -sum_k y_k log p_k per sample.")])


def sparse_answer(sparse_categorical_crossentropy, labels, probs):
    """The student's ``sparse_categorical_crossentropy(labels, probs)``, with a shape error
    (integer labels used as one-hot rows) turned into a CheckFailed that says so (the hidden
    tests use it too)."""
    try:
        return sparse_categorical_crossentropy(labels, probs)
    except (ValueError, IndexError) as error:
        if "broadcast" in str(error) or "shape" in str(error):
            raise CheckFailed(
                "sparse_categorical_crossentropy raised an error about shapes:\n"
                f"  {type(error).__name__}: {error}\n"
                f"The labels are integers, shape {np.shape(labels)}, not one-hot rows of shape "
                f"{np.shape(probs)}: multiplying them with log(p) treats them as one-hot. Pick "
                "each row's entry with y_pred[np.arange(N), labels] instead.") from None
        raise


def check_sparse_categorical_crossentropy(sparse_categorical_crossentropy):
    """The sparse CCE of the worked example: integer labels 0, 2, 3 and 4 classes."""
    probs = np.array([[0.70, 0.10, 0.10, 0.10],
                      [0.20, 0.50, 0.20, 0.10],
                      [0.05, 0.05, 0.10, 0.80]])
    labels = np.array([0, 2, 3])
    check_close(sparse_answer(sparse_categorical_crossentropy, labels, probs),
                -np.mean(np.log([0.7, 0.2, 0.8])),
                "sparse_categorical_crossentropy([0, 2, 3], probs) for the worked example",
                sizes={"N": 3},
                mistakes=[(-np.mean(np.log(probs[:, labels])),
                           "y_pred[:, labels] picks whole columns (an N x N table), not one "
                           "entry per row: use y_pred[np.arange(N), labels]."),
                          (-np.mean(np.log(np.take(probs, labels))),
                           "np.take without an axis reads the flattened array: labels 0, 2, 3 "
                           "then index the first row only. Use y_pred[np.arange(N), labels].")])


#: The short names a student may write for the regression losses, and their Keras names.
SHORT_NAMES = {"mae": "mean_absolute_error", "mse": "mean_squared_error",
               "mape": "mean_absolute_percentage_error"}


def pick_loss(loss_for, key):
    """The loss ``loss_for[key]`` names, in lower case, short names spelled out."""
    value = loss_for[key].strip().lower()
    return SHORT_NAMES.get(value, value)


def check_pick(loss_for, key, right, why):
    """Fail unless ``loss_for[key]`` is one of the losses ``right``, explaining a wrong choice
    with ``why[choice]`` (the hidden tests use it too)."""
    got = pick_loss(loss_for, key)
    if got not in right:
        raise CheckFailed(f"loss_for[{key!r}] = {loss_for[key]!r} is not the best choice.\n"
                          + why.get(got, "Read the problem again: what is the target, and "
                                         "what does the last layer output?"))


def check_loss_for(loss_for):
    """A dict with exactly the keys of PROBLEMS, each value a loss name, and the right loss
    for spam_filter and digit_classes."""
    names = {"mean_absolute_error", "mean_squared_error", "mean_absolute_percentage_error",
             "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
             "ctc"}
    keys = ["spam_filter", "digit_classes", "news_topic", "photo_tags", "speech_to_text",
            "house_price", "temperature", "shop_sales"]

    check_type(loss_for, dict, "loss_for")
    check_true(set(loss_for) == set(keys),
               f"loss_for should have exactly the keys of PROBLEMS; missing: "
               f"{sorted(set(keys) - set(loss_for))}, not expected: "
               f"{sorted(map(str, set(loss_for) - set(keys)))}.")
    for key, value in loss_for.items():
        check_true(isinstance(value, str) and SHORT_NAMES.get(value.strip().lower(),
                                                              value.strip().lower()) in names,
                   f"loss_for[{key!r}] is {value!r}, which is not one of LOSS_NAMES: "
                   f"{sorted(names)}. Check the spelling (Keras writes crossentropy as one "
                   "word).")

    check_pick(loss_for, "spam_filter", {"binary_crossentropy"}, {
        "categorical_crossentropy": "There is one sigmoid output, not a softmax over one-hot "
                                    "classes: categorical cross-entropy of a single output is 0 "
                                    "whatever the prediction.",
        "sparse_categorical_crossentropy": "There is one sigmoid output giving P(spam); the "
                                           "sparse loss expects a softmax with one output per "
                                           "class.",
        "mean_squared_error": "A sigmoid output with the squared error learns slowly when it is "
                              "confidently wrong (section 5)."})
    check_pick(loss_for, "digit_classes", {"sparse_categorical_crossentropy"}, {
        "categorical_crossentropy": "The labels are stored as integers 0-9, not one-hot: "
                                    "categorical_crossentropy would need to_categorical first. "
                                    "Which loss takes integer labels?",
        "binary_crossentropy": "Binary cross-entropy treats the 10 outputs as 10 independent "
                               "yes/no questions; here exactly one class is true (a softmax)."})

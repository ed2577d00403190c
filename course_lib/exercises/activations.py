"""The visible checks of chapter 04_activations, with their catalogue of known mistakes.

Each exercise's test cell calls its ``check_<exercise>`` with the student's answer, then runs the
hidden tests (kept in the solution notebook, never released) and ``passed(...)``.
"""
from __future__ import annotations

import warnings

import numpy as np

from course_lib.checks import check_close, check_true

__all__ = ["check_sigmoid", "check_relu", "check_relu_derivative", "check_softmax",
           "check_output_activation", "quietly", "WHY_WRONG"]


def quietly(f, *args, **kwargs):
    """Call f and return (result, the warnings it raised), NumPy's overflow, invalid-value and
    division warnings included (the hidden tests use it too)."""
    with (warnings.catch_warnings(record=True) as caught,
          np.errstate(over="warn", invalid="warn", divide="warn", under="ignore")):
        warnings.simplefilter("always")
        result = f(*args, **kwargs)
    return result, [str(w.message) for w in caught]


def check_sigmoid(sigmoid):
    """Five inputs around 0 (1/1 + exp(-x) and sigma(-x) named), sigmoid(0.0), and -1000 and
    1000 without NaN and without a NumPy warning."""
    z = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    with np.errstate(all="ignore"):
        mistakes = [(1 / 1 + np.exp(-z), "You computed 1/1 + exp(-x), that is 1 + exp(-x): the "
                                         "whole 1 + exp(-x) is the denominator, so write "
                                         "1 / (1 + np.exp(-x))."),
                    (1 / (1 + np.exp(z)), "The sign in the exponent is flipped: this is "
                                          "sigma(-x) = 1 - sigma(x)."),
                    (np.exp(-z) / (1 + np.exp(-z)), "This is sigma(-x) = 1 - sigma(x): for "
                                                    "x >= 0 use 1/(1 + e^-x), for x < 0 use "
                                                    "e^x/(1 + e^x).")]
    check_close(sigmoid(z), [0.11920292, 0.37754067, 0.5, 0.62245933, 0.88079708],
                "sigmoid([-2, -0.5, 0, 0.5, 2])", rtol=1e-6, mistakes=mistakes)
    check_close(sigmoid(0.0), 0.5, "sigmoid(0.0)")
    out, warned = quietly(sigmoid, np.array([-1000.0, 1000.0]))
    check_close(out, [0.0, 1.0], "sigmoid([-1000, 1000])", atol=1e-12,
                hint={"nan": "exp(x)/(1 + exp(x)) is inf/inf = NaN for x = 1000: exponentiate "
                             "only -|x|, which is never positive."})
    check_true(not warned, "sigmoid([-1000, 1000]) gives the right numbers but NumPy warned: "
               f"{warned[0] if warned else ''}. Some exp(...) overflowed; if you used "
               "np.where, remember it computes both branches for every element. Exponentiate "
               "only -|x|.")


def check_relu(relu):
    """Five inputs around 0 (min(x, 0), |x| and np.max named)."""
    x = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
    check_close(relu(x), [0.0, 0.0, 0.0, 0.5, 3.0], "relu([-2, -0.5, 0, 0.5, 3])",
                hint={"shape": "np.max(x, 0) takes the largest entry along axis 0; the "
                               "elementwise maximum with 0 is np.maximum(x, 0)."},
                mistakes=[(np.minimum(x, 0), "This is min(x, 0), which keeps the negative "
                                             "part; ReLU keeps the positive part: max(x, 0)."),
                          (np.abs(x), "This is |x|; ReLU sets negative inputs to 0.")])


def check_relu_derivative(relu_derivative):
    """Five inputs around 0 (relu itself, a slope of 1 at 0 and np.sign named)."""
    x = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
    check_close(relu_derivative(x), [0.0, 0.0, 0.0, 1.0, 1.0],
                "relu_derivative([-2, -0.5, 0, 0.5, 3])",
                mistakes=[(np.maximum(x, 0), "This is relu(x) itself, not its slope: the slope "
                                             "is 1 where x > 0 and 0 elsewhere."),
                          ([0.0, 0.0, 1.0, 1.0, 1.0], "At x = 0 the slope should be 0 (the "
                                                      "convention TensorFlow uses): compare "
                                                      "with x > 0, not x >= 0."),
                          (np.sign(x), "np.sign gives -1 for negative inputs, but ReLU is flat "
                                       "(slope 0) there.")])


def check_softmax(softmax):
    """Three scores (exp(x) not normalised named), two rows (a sum over the wrong axis or over
    everything named), and [1000, 1001, 1002] without NaN and without a NumPy warning."""
    check_close(softmax(np.array([2.0, 1.0, 0.1])), [0.65900114, 0.24243297, 0.09856589],
                "softmax([2, 1, 0.1])", rtol=1e-6,
                mistakes=[(np.exp([2.0, 1.0, 0.1]), "These are exp(x) without dividing by "
                                                    "their sum: normalise so the values add up "
                                                    "to 1.")])
    scores = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])
    e = np.exp(scores)
    check_close(softmax(scores), [[0.09003057, 0.24472847, 0.66524096], [1 / 3, 1 / 3, 1 / 3]],
                "softmax([[1, 2, 3], [1, 1, 1]]), one row per sample", rtol=1e-6,
                mistakes=[(e / e.sum(axis=0, keepdims=True), "Each column sums to 1, but the "
                           "classes are along the last axis: take max and sum with axis=axis "
                           "(here -1), not axis=0."),
                          (e / e.sum(), "The whole array sums to 1: you summed over every "
                           "element instead of along the class axis. Use np.sum(..., "
                           "axis=axis, keepdims=True).")])
    out, warned = quietly(softmax, np.array([1000.0, 1001.0, 1002.0]))
    check_close(out, [0.09003057, 0.24472847, 0.66524096], "softmax([1000, 1001, 1002])",
                rtol=1e-6, hint={"nan": "exp(1000) overflows to infinity and inf/inf is NaN: "
                                        "subtract the maximum along the axis before np.exp."})
    check_true(not warned, "softmax([1000, 1001, 1002]) warned: "
               f"{warned[0] if warned else ''}. Subtract the maximum before np.exp.")


# (task, activation) -> why that output activation does not fit the task (the hidden tests
# use it too).
WHY_WRONG = {
    ("digit_recognition", "sigmoid"): "Ten sigmoids give ten independent probabilities that "
        "need not sum to 1; for exactly one digit per image the classes compete.",
    ("digit_recognition", "linear"): "Raw scores are not probabilities over the ten digits.",
    ("spam_filter", "softmax"): "A single output neuron with softmax always outputs 1.",
    ("tumour_malignant", "softmax"): "A single output neuron with softmax always outputs 1.",
    ("spam_filter", "linear"): "A linear output is not a probability: it can be below 0 or "
        "above 1.",
    ("tumour_malignant", "linear"): "A linear output is not a probability: it can be below 0 "
        "or above 1.",
    ("temperature_change", "sigmoid"): "A sigmoid squeezes every prediction into (0, 1): a "
        "change of -3 or +5 degrees could never be predicted.",
    ("delivery_delay", "sigmoid"): "A sigmoid squeezes every prediction into (0, 1): a delay "
        "of 30 minutes could never be predicted.",
    ("temperature_change", "softmax"): "This is a regression, not a choice among classes; "
        "one softmax neuron always outputs 1.",
    ("delivery_delay", "softmax"): "This is a regression, not a choice among classes; one "
        "softmax neuron always outputs 1.",
    ("news_topic", "sigmoid"): "Five sigmoids suit several tags at once; an article with "
        "exactly one topic needs probabilities that compete and sum to 1.",
    ("news_topic", "linear"): "Raw scores are not probabilities over the five topics.",
}


def check_output_activation(OUTPUT_ACTIVATIONS):
    """A dict with exactly the six tasks as keys, each value one of the three activation names,
    and the choice for 'digit_recognition' (why a wrong one does not fit named)."""
    tasks = ["spam_filter", "digit_recognition", "temperature_change", "tumour_malignant",
             "news_topic", "delivery_delay"]
    allowed = ("sigmoid", "softmax", "linear")
    check_true(isinstance(OUTPUT_ACTIVATIONS, dict),
               "OUTPUT_ACTIVATIONS should be a dictionary from task name to activation name.")
    check_true(sorted(OUTPUT_ACTIVATIONS) == sorted(tasks),
               f"OUTPUT_ACTIVATIONS should have exactly the keys {tasks}; it has "
               f"{sorted(OUTPUT_ACTIVATIONS)}.")
    for task in tasks:
        check_true(OUTPUT_ACTIVATIONS[task] in allowed,
                   f"OUTPUT_ACTIVATIONS[{task!r}] is {OUTPUT_ACTIVATIONS[task]!r}; choose one "
                   f"of {allowed}, spelled exactly like that.")
    check_true(OUTPUT_ACTIVATIONS["digit_recognition"] == "softmax",
               "The choice for 'digit_recognition' is not right. "
               + WHY_WRONG.get(("digit_recognition", OUTPUT_ACTIVATIONS["digit_recognition"]),
                               ""))

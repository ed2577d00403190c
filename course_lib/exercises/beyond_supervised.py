"""The visible checks of chapter 16_beyond_supervised, with their catalogue of known mistakes.

Each exercise's test cell calls its ``check_<exercise>`` with the student's function (and the
notebook data it needs), then runs the hidden tests (kept in the solution notebook, never
released) and ``passed(...)``.
"""
from __future__ import annotations

import numpy as np

from course_lib.checks import check_close, check_true
from course_lib.standins import FixedProbabilityClassifier

__all__ = ["check_train_autoencoder", "check_pseudo_label_round", "autoencoder_problems",
           "autoencoder_error", "fixed_classifier", "pseudo_label_answer"]


def autoencoder_problems(model, x):
    """Check what the returned model computes on the rows x: a trained model whose predict
    gives finite (20, 64) reconstructions, with at most 2,200 parameters (the hidden tests use
    it too)."""
    # Judged by what the model computes on plain arrays, nothing else.
    check_true(model is not None, "train_autoencoder returned None: did you forget "
                                  "`return model`?")
    check_true(hasattr(model, "predict"),
               "train_autoencoder should return the trained model: return `model`, not what "
               "`model.fit(...)` returns (a History).")
    r = np.asarray(model.predict(np.asarray(x[:20], dtype=np.float32)), dtype=float)
    check_true(r.shape == (20, 64),
               f"model.predict on 20 rows of 64 pixels gave shape {r.shape}, not (20, 64): "
               f"an autoencoder's output has the input's shape, so the last layer needs 64 "
               f"units, Dense(64, activation='sigmoid').")
    check_true(np.all(np.isfinite(r)), "The reconstructions contain NaN or infinity: lower "
                                      "the learning rate.")
    check_true(model.count_params() <= 2200,
               f"The network has {model.count_params()} parameters; the exercise allows at "
               f"most 2,200. Without a bottleneck an autoencoder can just copy its input: "
               f"make the middle layer small, Dense(16) between the input and Dense(64).")


def autoencoder_error(model, x):
    """The model's mean squared reconstruction error on the rows x (the hidden tests use it
    too)."""
    r = np.asarray(model.predict(np.asarray(x, dtype=np.float32)), dtype=float)
    return float(np.mean((r - np.asarray(x, dtype=float)) ** 2))


def check_train_autoencoder(train_autoencoder, x_train, x_test):
    """Train on the notebook's digits: x_train left unchanged, a small finite (20, 64) model
    that was trained and reconstructs the test digits with an error of at most 0.02
    (printed)."""
    x_seen = x_train.copy()
    model = train_autoencoder(x_train)
    check_close(x_train, x_seen, "x_train after the call",
                hint="train_autoencoder changed its input: work on a copy.")
    autoencoder_problems(model, x_test)
    err = autoencoder_error(model, x_test)
    check_true(err < 0.06,
               f"The test error is {err:.4f}, no better than outputting the average digit "
               f"(0.073): the model was not trained. Call model.fit(x_train, x_train, ...) "
               f"before returning it; the target is the input itself.")
    check_true(err <= 0.02,
               f"Your autoencoder's mean squared error on the test digits is {err:.4f}; it "
               f"must be at most 0.02. Use a 16-unit code, Adam(learning_rate=0.01) and about "
               f"20 epochs.")
    print(f"test MSE: {err:.4f}")


# Stand-ins whose probabilities are known in advance (course_lib.standins): the first feature
# of a row is its number in the table. They let the checks know exactly which rows are confident.
def fixed_classifier(table, classes):
    """A make_classifier giving FixedProbabilityClassifier(table, classes): row i of the
    unlabelled data (first feature i) gets the probabilities table[i] (the hidden tests use it
    too)."""
    return lambda: FixedProbabilityClassifier(table, classes)


def pseudo_label_answer(pseudo_label_round, *args):
    """Call the student's pseudo_label_round, check it gave a pair (x_new, y_new) and return it
    as two arrays (the hidden tests use it too)."""
    out = pseudo_label_round(*args)
    check_true(isinstance(out, (tuple, list)) and len(out) == 2,
               f"pseudo_label_round should return a pair (x_new, y_new), got {out!r}.")
    return np.asarray(out[0], dtype=float), np.asarray(out[1])


def check_pseudo_label_round(pseudo_label_round):
    """One round on four unlabelled rows of known probabilities: inputs left unchanged, the
    labelled rows then the confident ones in order, classes_ as labels, a probability equal
    to the threshold counted as confident, and no confident row at all."""
    table = [[0.9, 0.1], [0.4, 0.6], [0.2, 0.8], [0.5, 0.5]]
    xl, yl = np.array([[10.0, 1.0], [11.0, 2.0]]), np.array([3, 7])
    xu = np.array([[0.0, 5.0], [1.0, 6.0], [2.0, 7.0], [3.0, 8.0]])
    kept = (xl.copy(), yl.copy(), xu.copy())
    x_new, y_new = pseudo_label_answer(pseudo_label_round, fixed_classifier(table, [3, 7]), xl,
                                       yl, xu, 0.75)
    for given, copy, name in zip((xl, yl, xu), kept, ("x_labelled", "y_labelled",
                                                      "x_unlabelled")):
        check_close(given, copy, f"{name} after the call",
                    hint="pseudo_label_round changed its input: build new arrays instead.")
    check_true(x_new.shape == (4, 2),
               f"x_new should have shape (4, 2): the 2 labelled rows first, then the 2 "
               f"confident unlabelled rows (largest probability 0.9 and 0.8, threshold 0.75); "
               f"got shape {x_new.shape}. Did you forget the labelled rows, or keep every row?")
    check_close(x_new, [[10, 1], [11, 2], [0, 5], [2, 7]], "x_new",
                mistakes=[([[10, 1], [11, 2], [2, 7], [0, 5]],
                           "Keep the confident rows in their original order.")])
    check_close(y_new, [3, 7, 3, 7], "y_new (classes_ is [3, 7])",
                mistakes=[([3, 7, 0, 1], "Your pseudo-labels are column numbers (0, 1) of "
                                         "predict_proba, not classes: use classes_[argmax].")])
    x_new, y_new = pseudo_label_answer(pseudo_label_round, fixed_classifier(table, [3, 7]), xl,
                                       yl, xu, 0.8)
    check_true(len(y_new) != 3,
               "With threshold 0.8 the row whose largest probability is exactly 0.8 is "
               "missing: a row whose probability equals the threshold is confident, use >= "
               "threshold, not >.")
    check_close(y_new, [3, 7, 3, 7], "y_new with threshold 0.8 (one row has exactly 0.8)",
                mistakes=[([3, 7, 3], "A row whose probability equals the threshold is "
                                      "confident: use >= threshold, not >.")])
    x_new, y_new = pseudo_label_answer(pseudo_label_round, fixed_classifier(table, [3, 7]), xl,
                                       yl, xu, 0.95)
    check_close(x_new, xl, "x_new when no row is confident (threshold 0.95)",
                hint="With no confident row the new training set is the labelled data alone.")
    check_close(y_new, yl, "y_new when no row is confident")

"""The visible checks of chapter 08_training_networks, with their catalogue of known mistakes.

Each exercise's test cell calls its ``check_<exercise>`` with the student's answer (and the
chapter's data arrays it trains and tests on), then runs the hidden tests (kept in the solution
notebook, never released) and ``passed(...)``.
"""
from __future__ import annotations

import numpy as np

from course_lib.checks import check_close, check_probabilities, check_shape, check_true, check_type
from course_lib.keras.models import Sequential

__all__ = ["check_keras_validation_split", "check_train_digit_classifier",
           "check_train_price_regressor", "check_balanced_class_weight",
           "digit_model_problems", "digit_accuracy", "regressor_problems", "house_mae"]


def check_keras_validation_split(keras_validation_split):
    """x = [0, 1, ..., 9] with validation_split=0.25: two pairs, the last 3 rows in their order
    validate (not the first rows, not 2 rows, not shuffled), y cut at the same index."""
    x = np.arange(10) * 1.0
    y = np.arange(10) * 10
    result = keras_validation_split(x, y, 0.25)
    check_true(isinstance(result, tuple) and len(result) == 2
               and all(isinstance(pair, tuple) and len(pair) == 2 for pair in result),
               "keras_validation_split should return two pairs: "
               "`return (x_train, y_train), (x_val, y_val)`.")
    (x_train, y_train), (x_val, y_val) = result
    x_val = np.asarray(x_val)
    check_true(not np.array_equal(x_val, [0.0, 1.0])
               and not np.array_equal(x_val, [0.0, 1.0, 2.0]),
               "Your validation part is the FIRST rows of x. Keras takes the LAST fraction of the "
               "samples for validation (before shuffling): validate on x[s:], train on x[:s].")
    check_true(not np.array_equal(x_val, [8.0, 9.0]),
               "Your validation part has 2 rows: you rounded N * v = 2.5 to get the size of the "
               "validation set. Keras computes the split index s = floor(N * (1 - v)) = "
               "floor(7.5) = 7, so the last 3 rows validate.")
    check_true(np.array_equal(x_val, [7.0, 8.0, 9.0])
               or not np.array_equal(np.sort(x_val), [7.0, 8.0, 9.0]),
               "The validation part holds the right rows but in another order: keep the rows in "
               "their original order (no shuffling, no sorting).")
    check_true(len(x_val) != 3 or sorted(x_val.tolist()) == [7.0, 8.0, 9.0],
               "Your validation part has the right size but not the last rows: did you shuffle "
               "before splitting? validation_split takes the last rows BEFORE any shuffling.")
    check_close(x_val, [7.0, 8.0, 9.0], "x_val for x = [0, 1, ..., 9] and validation_split=0.25",
                hint="s = int(np.floor(N * (1 - validation_split))); x_val = x[s:], in order.")
    check_close(np.asarray(x_train), np.arange(7.0), "x_train for the same call")
    check_close(np.asarray(y_val), [70, 80, 90], "y_val for the same call",
                hint="Split y at the same index as x, so each label stays with its sample.")
    check_close(np.asarray(y_train), np.arange(7) * 10, "y_train for the same call")


def digit_model_problems(model, x_test):
    """Name what is wrong with a digit classifier before its accuracy is measured: None, no
    predict, outputs not (20, 10) on x_test[:20], sigmoid outputs, not probabilities, a loss
    that is not a cross-entropy. Judged by what the model computes, so Dense(10,
    activation="softmax") and Dense(10) + Activation("softmax") both pass."""
    check_true(model is not None, "train_digit_classifier returned None: did you forget "
                                  "`return model`?")
    check_true(hasattr(model, "predict"),
               "train_digit_classifier should return the fitted model (it has no predict "
               "method): return `model`, not what `model.fit(...)` returns.")
    probs = np.asarray(model.predict(x_test[:20]), dtype=float)
    check_true(probs.shape == (20, 10),
               f"model.predict on 20 test images gave shape {probs.shape}, not (20, 10). A "
               f"classifier over 10 digits needs one output per class, and the images must "
               f"be flattened first: Flatten(), then Dense(...), ending in 10 units.")
    sums = probs.sum(axis=-1)
    check_true(not (np.all((probs >= 0) & (probs <= 1)) and not np.allclose(sums, 1.0, atol=1e-4)),
               "Each of the 10 outputs lies between 0 and 1, but a row does not sum to 1: the "
               "output layer uses a sigmoid, so each unit answers yes/no on its own. End with a "
               "softmax (Dense(10, activation='softmax'), or Dense(10) then "
               "Activation('softmax')).")
    check_probabilities(probs, axis=-1, name="the model's outputs for 20 test images")
    check_true("crossentropy" in str(getattr(model, "loss", "")),
               f"The model was compiled with loss {getattr(model, 'loss', None)!r}. For classes "
               f"use the cross-entropy: loss='sparse_categorical_crossentropy' with integer "
               f"labels.")


def digit_accuracy(model, x, y):
    """The share of the images x whose argmax output is their label y (computed here from
    predict, not the model's own metric; the hidden tests use it too)."""
    return float(np.mean(np.asarray(model.predict(x)).argmax(axis=-1) == y))


def check_train_digit_classifier(train_digit_classifier, x_train, y_train, x_test, y_test):
    """The model trained on (x_train, y_train): a softmax classifier over 10 digits compiled with
    a cross-entropy, with a test accuracy of at least 0.95 (printed)."""
    model = train_digit_classifier(x_train, y_train)
    digit_model_problems(model, x_test)
    acc = digit_accuracy(model, x_test, y_test)
    check_true(acc >= 0.95,
               f"Your model's accuracy on the test images is {acc:.3f}; it must be at least "
               f"0.95. Train a little longer (more epochs), use more hidden units (32 to 64), or "
               f"a larger learning rate (Adam(learning_rate=0.005)).")
    print(f"test accuracy: {acc:.3f}")


def regressor_problems(result, x):
    """Name what is wrong with ``train_price_regressor(x, ...)``'s result: not (model, mean, std),
    not a Sequential, a last layer other than a linear Dense(1), a cross-entropy loss, mean and
    std not the statistics of the features of x (the hidden tests use it too)."""
    check_true(isinstance(result, tuple) and len(result) == 3,
               "train_price_regressor should return three things: `return model, mean, std`.")
    model, mean, std = result
    check_type(model, Sequential, "the model returned by train_price_regressor")
    last = model.layers[-1]
    check_true(getattr(last, "units", None) == 1,
               f"The last layer has {getattr(last, 'units', '?')} units; one price per house "
               f"needs Dense(1).")
    check_true(getattr(last, "activation", None) == "linear",
               f"The output layer uses activation {getattr(last, 'activation', '?')!r}, which "
               f"limits the values it can predict (a sigmoid stays in (0, 1), a ReLU never goes "
               f"below 0). A regression output has no activation: Dense(1).")
    check_true("crossentropy" not in str(model.loss),
               f"The model was compiled with loss {model.loss!r}. Cross-entropy compares "
               f"probabilities of classes; for a price use loss='mse' (or 'mae').")
    check_shape(np.asarray(mean), (x.shape[1],), "mean")
    check_shape(np.asarray(std), (x.shape[1],), "std")
    check_true(not (np.allclose(mean, 0) and np.allclose(std, 1)),
               "mean is all 0 and std all 1: the features were not standardised. Compute "
               "mean = x_train.mean(axis=0) and std = x_train.std(axis=0) and train on "
               "(x_train - mean) / std.")
    check_close(np.asarray(mean, dtype=float), x.mean(axis=0), "mean", rtol=1e-4,
                hint="The mean of each feature (column) of x_train: x_train.mean(axis=0).")
    check_close(np.asarray(std, dtype=float), x.std(axis=0), "std", rtol=1e-3,
                hint="The standard deviation of each feature of x_train: "
                     "x_train.std(axis=0).")


def house_mae(result, x, y):
    """The mean absolute error of ``(model, mean, std)`` on the houses x with prices y
    (computed here from predict, not the model's metric; the hidden tests use it too)."""
    model, mean, std = result
    pred = np.asarray(model.predict((x - mean) / std), dtype=float).reshape(-1)
    return float(np.mean(np.abs(pred - y)))


def check_train_price_regressor(train_price_regressor, xh_train, yh_train, xh_test, yh_test):
    """The result of training on (xh_train, yh_train): a linear Dense(1) regressor with the
    training features' mean and std, and a test MAE of at most 20 k€ (printed)."""
    result = train_price_regressor(xh_train, yh_train)
    regressor_problems(result, xh_train)
    mae = house_mae(result, xh_test, yh_test)
    check_true(mae <= 20.0,
               f"Your model's MAE on the test houses is {mae:.1f} k€; it must be at most 20 k€. "
               f"Check that you train on the standardised features, and train a little longer "
               f"(more epochs) or with a larger learning rate.")
    print(f"test MAE: {mae:.1f} k€")


def check_balanced_class_weight(balanced_class_weight):
    """y = [0, 0, 0, 1]: a dict with the keys 0 and 1, the weights N / (K * n_c) = 2/3 and 2,
    and a total weight of N."""
    w = balanced_class_weight(np.array([0, 0, 0, 1]))
    check_type(w, dict, "balanced_class_weight([0, 0, 0, 1])")
    check_true(sorted(w) == [0, 1], f"The dict should have one key per label, 0 and 1; its keys "
                                    f"are {sorted(w)}.")
    check_close([w[0], w[1]], [4 / 6, 2.0], "[w[0], w[1]] for y = [0, 0, 0, 1]",
                mistakes=[([0.75, 0.25], "These are the class frequencies n_c / N: common "
                                         "classes would weigh MORE. The weight is the inverse: "
                                         "N / (K * n_c)."),
                          ([3.0, 1.0], "These are the class counts n_c: the weight must be "
                                       "large for the RARE class: N / (K * n_c)."),
                          ([4 / 3, 4.0], "You computed N / n_c and forgot to divide by the "
                                         "number of classes K: w_c = N / (K * n_c)."),
                          ([1 / 3, 1.0], "You computed 1 / n_c; multiply by N / K: "
                                         "w_c = N / (K * n_c).")])
    check_close(sum(w[c] * n for c, n in [(0, 3), (1, 1)]), 4.0,
                "the total weight of all samples (it should equal N)")

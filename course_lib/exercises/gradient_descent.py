"""The visible checks of chapter 06_gradient_descent, with their catalogue of known mistakes.

Each exercise's test cell calls its ``check_<exercise>`` with the student's function, then runs
the hidden tests (kept in the solution notebook, never released) and ``passed(...)``.
"""
from __future__ import annotations

import numpy as np

from course_lib.checks import check_close, check_shape, check_true

__all__ = ["check_sgd_step", "check_iterate_minibatches", "check_adam_step", "epoch_batches"]


def check_sgd_step(sgd_step):
    """One step on three weights, w - 0.1 * grad, and the caller's w left unchanged."""
    w = np.array([1.0, -2.0, 0.5])
    grad = np.array([0.5, -1.0, 4.0])
    check_close(sgd_step(w, grad, 0.1), [0.95, -1.9, 0.1],
                "sgd_step([1, -2, 0.5], [0.5, -1, 4], 0.1)",
                mistakes=[([1.05, -2.1, 0.9], "The sign is flipped: you added the gradient, "
                                              "which climbs uphill (gradient ascent). Subtract "
                                              "it."),
                          ([0.995, -1.99, 0.46], "The learning rate is applied twice: the step "
                                                  "is learning_rate**2 * grad. Multiply by it "
                                                  "once."),
                          ([0.9, -1.8, -0.3], "The step was taken twice (2 * learning_rate * "
                                              "grad): apply it once."),
                          ([0.5, -1.0, -3.5], "The learning rate is missing: the step is the "
                                              "whole gradient. Multiply it by learning_rate."),
                          ([-0.05, 0.1, -0.4], "You returned only the step -learning_rate * "
                                               "grad; return the new weights w - learning_rate "
                                               "* grad.")])
    check_true(np.array_equal(w, [1.0, -2.0, 0.5]),
               "sgd_step changed the array w it was given (an in-place `w -= ...`). Return a new "
               "array, `w - learning_rate * grad`, and leave w alone.")


def epoch_batches(iterate_minibatches, X, y, batch_size, random_state):
    """The batches of one epoch as a list of (X_batch, y_batch) arrays, after checking that the
    student's generator gave pairs (the hidden tests use it too)."""
    out = iterate_minibatches(X, y, batch_size, random_state=random_state)
    check_true(out is not None, "iterate_minibatches gave None: yield (or return) the batches.")
    out = list(out)
    for pair in out:
        check_true(isinstance(pair, (tuple, list)) and len(pair) == 2,
                   "Each batch should be a pair (X_batch, y_batch): `yield X[idx], y[idx]`.")
    return [(np.asarray(a), np.asarray(b)) for a, b in out]


def check_iterate_minibatches(iterate_minibatches):
    """10 samples in batches of 4: sizes 4, 4, 2, each sample once, shuffled, pairs kept
    together, and the same random_state giving the same epoch."""
    # y is 5 times the first feature, so that each label can be matched to its sample
    X = np.arange(20.0).reshape(10, 2)
    y = 5.0 * X[:, 0]
    batches = epoch_batches(iterate_minibatches, X, y, 4, 0)
    sizes = [len(b) for _, b in batches]
    check_true(sizes != [4, 4],
               "10 samples in batches of 4 gave only the batch sizes [4, 4]: the last, partial "
               "batch of 2 was dropped, so 2 samples are never learned from. Keep it.")
    check_close(sizes, [4, 4, 2], "the batch sizes for 10 samples in batches of 4")
    check_shape(batches[0][0], (4, 2), "the first X_batch")
    check_shape(batches[0][1], (4,), "the first y_batch")
    order = np.concatenate([a for a, _ in batches])[:, 0] / 2
    check_true(sorted(order.tolist()) == list(range(10)),
               "Over one epoch every sample must appear exactly once, but some samples appear "
               "twice and others never: shuffle a permutation of the indices "
               "(rng.permutation(N)), do not draw indices at random with replacement.")
    check_true(not np.array_equal(order, np.arange(10)),
               "The samples come in their original order 0, 1, 2, ...: shuffle them with "
               "rng.permutation(N) before cutting the batches.")
    check_true(all(np.array_equal(b, 5.0 * a[:, 0]) for a, b in batches),
               "The labels no longer belong to their samples: X and y were shuffled in different "
               "orders. Index both with the same shuffled indices.")
    again = epoch_batches(iterate_minibatches, X, y, 4, 0)
    check_true(all(np.array_equal(a, c) for (a, _), (c, _) in zip(batches, again)),
               "The same random_state must give the same batches: make the generator with "
               "np.random.default_rng(random_state) inside the function.")


def check_adam_step(adam_step):
    """The first two Adam updates of three weights from m = v = 0 (learning_rate=0.1), against
    Kingma and Ba's Algorithm 1 with t = iterations + 1."""
    w = np.array([1.0, -2.0, 0.5])
    grad = np.array([0.5, -0.1, 2.0])
    zeros = np.zeros(3)
    out = adam_step(w.copy(), grad.copy(), zeros.copy(), zeros.copy(), 0, learning_rate=0.1)
    check_true(isinstance(out, (tuple, list)) and len(out) == 3,
               "adam_step should return three arrays: `return w, m, v` (the new weights and the "
               "two running means).")
    w1, m1, v1 = out
    check_close(m1, [0.05, -0.01, 0.2], "m_new after the first update",
                hint="m = beta_1 * m + (1 - beta_1) * grad.")
    check_close(v1, [2.5e-4, 1e-5, 4e-3], "v_new after the first update",
                mistakes=[([0.0005, -0.0001, 0.002], "v is a running mean of the SQUARED "
                                                     "gradients: use grad ** 2.")],
                hint="v = beta_2 * v + (1 - beta_2) * grad ** 2.")
    check_close(w1, [0.90000002, -1.9000001, 0.4],
                "w_new after the first update (learning_rate=0.1)",
                mistakes=[([0.68377423, -1.68378223, 0.18377273],
                           "This is Adam without the bias correction: m and v start at zero, so "
                           "divide them by (1 - beta_1**t) and (1 - beta_2**t) before the step."),
                          ([1.09999998, -2.0999999, 0.6], "The sign is flipped: subtract the "
                                                          "step (gradient ascent otherwise)."),
                          ([0.90000063, -1.90000316, 0.40000016],
                           "This is Keras' efficient form (the corrections folded into the "
                           "learning rate, epsilon added to sqrt(v) instead of sqrt(v_hat)). It "
                           "is a fine optimizer, but here write the paper's Algorithm 1: "
                           "w - learning_rate * m_hat / (sqrt(v_hat) + epsilon).")],
                hint={"nan": "1 - beta_1**t is 0 when t = 0: the first update is t = "
                             "iterations + 1 = 1, not 0.",
                      "default": "The first step of Adam is about learning_rate * sign(grad)."})
    w2, _, _ = adam_step(np.array(w1, dtype=float), np.array([0.4, 0.3, -1.0]),
                         np.array(m1, dtype=float), np.array(v1, dtype=float), 1,
                         learning_rate=0.1)
    check_close(w2, [0.80118746, -1.94941906, 0.3733663],
                "w_new after the second update (iterations=1)",
                mistakes=[([0.76721185, -1.96641123, 0.3642086],
                           "The bias correction uses t = iterations. The update after 1 earlier "
                           "update is number t = 2: use t = iterations + 1.")])

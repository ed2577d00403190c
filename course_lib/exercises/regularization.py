"""The visible checks of chapter 10_regularization, with their catalogue of known mistakes.

Each exercise's test cell calls its ``check_<exercise>`` with the student's function, then runs
the hidden tests (kept in the solution notebook, never released) and ``passed(...)``. The hidden
tests reuse the visible cases' inputs (``dropout_forward_case``, ``dropout_backward_case``) and
the reference batch normalisation (``batch_norm_reference``).
"""
from __future__ import annotations

import numpy as np

from course_lib.checks import check_close, check_shape, check_true

__all__ = ["check_dropout_forward", "check_dropout_backward", "check_batch_norm_forward",
           "dropout_forward_case", "dropout_backward_case", "batch_norm_reference"]


def dropout_forward_case():
    """The visible case of dropout_forward: x, the uniform draws u, and the mask of the entries
    kept at rate 0.25 (new arrays on each call; the hidden tests reuse x and u)."""
    x = np.array([[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]])
    u = np.array([[0.9, 0.1, 0.6, 0.3], [0.2, 0.7, 0.5, 0.8]])
    keep = (u >= 0.25).astype(float)
    return x, u, keep


def check_dropout_forward(dropout_forward):
    """A (2, 4) x with rate 0.25: the kept entries scaled by 1 / 0.75 in training, x itself at
    inference, and x left unchanged."""
    x, u, keep = dropout_forward_case()
    x_copy = x.copy()
    check_close(dropout_forward(x, 0.25, u, training=True),
                [[4 / 3, 0.0, 4.0, 16 / 3], [0.0, 8.0, 28 / 3, 32 / 3]],
                "dropout_forward(x, rate=0.25, u, training=True)",
                hint="Keep x where u >= rate, zero elsewhere, and divide what you keep by "
                     "1 - rate.",
                mistakes=[(x * keep, "The right entries are dropped, but the kept ones are not "
                                     "divided by 1 - rate: inverted dropout scales them up "
                                     "during training so their expected value stays x."),
                          (x * keep / 0.25, "You divided by rate; divide by the probability of "
                                            "keeping an entry, 1 - rate."),
                          (x * keep * 0.75, "You multiplied the kept entries by 1 - rate: that "
                                            "is the paper's test-time weight scaling, applied at "
                                            "training time. Inverted dropout divides by "
                                            "1 - rate."),
                          (x * (1 - keep) / 0.75, "You kept the entries where u < rate, so a "
                                                  "share `rate` survives. `rate` is the "
                                                  "fraction to drop: keep where u >= rate."),
                          (x * (1 - keep), "You kept the entries where u < rate (a share `rate` "
                                           "survives) and did not rescale. Keep where u >= rate "
                                           "and divide by 1 - rate.")])
    check_close(dropout_forward(x, 0.25, u, training=False), x,
                "dropout_forward(x, rate=0.25, u, training=False)",
                hint="At inference inverted dropout is the identity: return x.",
                mistakes=[(x * 0.75, "At inference you multiplied by 1 - rate: that is the "
                                     "original paper's test-time rule. With inverted dropout "
                                     "the scaling was already done in training, so inference "
                                     "returns x unchanged."),
                          (x * keep / 0.75, "You applied the random mask at inference too; "
                                            "dropout only acts while training."),
                          (x * keep, "You applied the random mask at inference too; dropout "
                                     "only acts while training.")])
    check_true(np.array_equal(x, x_copy),
               "dropout_forward changed the array x it was given (an in-place `x[...] = 0` or "
               "`x *= ...`). Compute a new array and leave x alone.")


def dropout_backward_case():
    """The visible case of dropout_backward: grad_out, the uniform draws u, and the mask of the
    entries kept at rate 0.4 (new arrays on each call; the hidden tests reuse all three)."""
    grad_out = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -3.0]])
    u = np.array([[0.05, 0.6, 0.35], [0.9, 0.2, 0.45]])
    keep = (u >= 0.4).astype(float)
    return grad_out, u, keep


def check_dropout_backward(dropout_backward):
    """A (2, 3) grad_out with rate 0.4: the kept entries' gradients scaled by 1 / 0.6 in
    training, grad_out itself at inference, and grad_out left unchanged."""
    g, u, keep = dropout_backward_case()
    g_copy = g.copy()
    check_close(dropout_backward(g, 0.4, u, training=True),
                [[0.0, -5 / 3, 0.0], [2.5, 0.0, -5.0]],
                "dropout_backward(grad_out, rate=0.4, u, training=True)",
                hint="The gradient goes back through the kept entries only, scaled by "
                     "1 / (1 - rate), exactly like the forward pass.",
                mistakes=[(g, "You passed the gradient back unchanged, but in training the "
                              "dropped entries did not influence the loss: their gradient is "
                              "0."),
                          (g * keep, "The dropped entries get 0, right, but the kept ones must "
                                     "be scaled by 1 / (1 - rate) as in the forward pass: "
                                     "y = x * mask / (1 - rate), so dy/dx = mask / (1 - rate)."),
                          (g * keep / 0.4, "You divided by rate; the forward pass divided by "
                                           "1 - rate, and so does its slope."),
                          (g * (1 - keep) / 0.6, "You used the opposite mask: the gradient "
                                                 "flows through the entries that were kept, "
                                                 "u >= rate.")])
    check_close(dropout_backward(g, 0.4, u, training=False), g,
                "dropout_backward(grad_out, rate=0.4, u, training=False)",
                hint="At inference y = x, so dL/dx = dL/dy.",
                mistakes=[(g * keep / 0.6, "At inference nothing was dropped: the gradient "
                                           "passes unchanged.")])
    check_true(np.array_equal(g, g_copy),
               "dropout_backward changed the array grad_out it was given; return a new array.")


def batch_norm_reference(x, gamma, beta, moving_mean, moving_variance, training, momentum=0.99,
                         epsilon=1e-3):
    """Batch normalisation's forward pass, (y, new_moving_mean, new_moving_variance), written
    out column by column, independent of any vectorised answer (the hidden tests use it too)."""
    x = np.asarray(x, dtype=float)
    flat = x.reshape(-1, x.shape[-1])
    y = np.empty_like(flat)
    new_mm = np.array(moving_mean, dtype=float)
    new_mv = np.array(moving_variance, dtype=float)
    for c in range(flat.shape[1]):
        col = flat[:, c]
        if training:
            m = sum(col) / len(col)
            v = sum((col - m) ** 2) / len(col)
            new_mm[c] = momentum * moving_mean[c] + (1 - momentum) * m
            new_mv[c] = momentum * moving_variance[c] + (1 - momentum) * v
        else:
            m, v = moving_mean[c], moving_variance[c]
        y[:, c] = gamma[c] * (col - m) / (v + epsilon) ** 0.5 + beta[c]
    return y.reshape(x.shape), new_mm, new_mv


def check_batch_norm_forward(batch_norm_forward):
    """A batch of 4 samples with 2 features: the arguments left unchanged, y and the updated
    moving statistics in training, then y and the unchanged moving statistics at inference."""
    x = np.array([[1.0, 20.0], [2.0, 40.0], [3.0, 10.0], [6.0, 30.0]])
    gamma, beta = np.array([2.0, 0.5]), np.array([0.1, -1.0])
    mm, mv = np.array([0.5, 10.0]), np.array([2.0, 50.0])
    args_copy = [a.copy() for a in (x, gamma, beta, mm, mv)]
    ey, emm, emv = batch_norm_reference(x, gamma, beta, mm, mv, True)
    ey_inf = gamma * (x - mm) / np.sqrt(mv + 1e-3) + beta
    mm, mv = mm.copy(), mv.copy()
    out = batch_norm_forward(x, gamma, beta, mm, mv, training=True)
    check_true(all(np.array_equal(a, b) for a, b in zip((x, gamma, beta, mm, mv), args_copy)),
               "batch_norm_forward changed one of its arguments (an in-place update such as "
               "`moving_mean *= momentum`). Return new arrays and leave the arguments alone.")
    check_true(isinstance(out, (tuple, list)) and len(out) == 3,
               "batch_norm_forward should return a tuple of three arrays: (y, new_moving_mean, "
               "new_moving_variance).")
    y, new_mm, new_mv = out
    mu, var = x.mean(axis=0), x.var(axis=0)
    var1 = x.var(axis=0, ddof=1)
    mu_rows, var_rows = x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True)
    check_shape(y, (4, 2), "y in training mode")
    check_close(y, ey, "y = batch_norm_forward(x, gamma, beta, ..., training=True)",
                hint="Per feature (column): subtract the batch mean, divide by sqrt(batch "
                     "variance + epsilon), then multiply by gamma and add beta.",
                mistakes=[(gamma * (x - mu) / np.sqrt(var1 + 1e-3) + beta,
                           "You used the unbiased variance (ddof=1, dividing by m - 1). Batch "
                           "normalisation in Keras and in the paper's training step divides by "
                           "m: np.var's default."),
                          (gamma * (x - mu) / (np.sqrt(var) + 1e-3) + beta,
                           "epsilon is added outside the square root; it belongs inside: "
                           "sqrt(variance + epsilon)."),
                          ((x - mu) / np.sqrt(var + 1e-3),
                           "This is x_hat: the scale gamma and the shift beta are missing."),
                          (gamma * (x - mu_rows) / np.sqrt(var_rows + 1e-3) + beta,
                           "You normalised each sample (row) over its features. Batch "
                           "normalisation normalises each feature (column) over the batch: "
                           "average over axis 0, every axis but the last."),
                          (gamma * (x - mm) / np.sqrt(mv + 1e-3) + beta,
                           "In training mode the batch's own mean and variance are used; the "
                           "moving statistics are only for inference.")])
    check_close(new_mm, emm, "new_moving_mean after one training step",
                hint="moving_mean * momentum + batch_mean * (1 - momentum)",
                mistakes=[(0.01 * mm + 0.99 * mu, "momentum weighs the OLD moving value: "
                                                  "momentum * moving_mean + (1 - momentum) * "
                                                  "batch_mean (Keras' momentum 0.99 moves 1% "
                                                  "towards the batch)."),
                          (mm, "The moving mean was not updated; in training it moves towards "
                               "the batch mean."),
                          (mu, "You replaced the moving mean by the batch mean; it is a running "
                               "average: momentum * moving_mean + (1 - momentum) * "
                               "batch_mean.")])
    check_close(new_mv, emv, "new_moving_variance after one training step",
                hint="moving_variance * momentum + batch_variance * (1 - momentum), with the "
                     "biased batch variance (divide by m).",
                mistakes=[(0.99 * mv + 0.01 * var1, "The moving variance averages the biased "
                                                    "batch variance (divide by m), as Keras "
                                                    "does; you used the unbiased one (m - 1)."),
                          (0.01 * mv + 0.99 * var, "momentum weighs the OLD moving value: "
                                                   "momentum * moving_variance + "
                                                   "(1 - momentum) * batch_variance."),
                          (mv, "The moving variance was not updated in training."),
                          (0.99 * mv + 0.01 * np.sqrt(var), "You averaged the standard "
                                                            "deviation; the layer keeps the "
                                                            "variance.")])
    out = batch_norm_forward(x, gamma, beta, mm, mv, training=False)
    check_true(isinstance(out, (tuple, list)) and len(out) == 3,
               "batch_norm_forward should return a tuple of three arrays in inference mode too.")
    y, new_mm, new_mv = out
    check_close(y, ey_inf, "y = batch_norm_forward(x, gamma, beta, ..., training=False)",
                hint="At inference use moving_mean and moving_variance in place of the batch "
                     "statistics.",
                mistakes=[(gamma * (x - mu) / np.sqrt(var + 1e-3) + beta,
                           "At inference you used the batch's statistics; use the moving ones, "
                           "so that each example's output does not depend on the rest of its "
                           "batch."),
                          (gamma * (x - mm) / (mv + 1e-3) + beta,
                           "You divided by the variance; divide by the standard deviation "
                           "sqrt(moving_variance + epsilon).")])
    check_close(new_mm, mm, "new_moving_mean at inference",
                hint="At inference the moving statistics are used, never updated.",
                mistakes=[(emm, "You updated the moving mean at inference; it only changes in "
                                "training.")])
    check_close(new_mv, mv, "new_moving_variance at inference",
                mistakes=[(emv, "You updated the moving variance at inference; it only changes "
                                "in training.")])
    check_true(all(np.array_equal(a, b) for a, b in zip((x, gamma, beta, mm, mv), args_copy)),
               "batch_norm_forward changed one of its arguments in inference mode. Return new "
               "arrays and leave the arguments alone.")

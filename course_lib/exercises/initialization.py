"""The visible checks of chapter 09_initialization, with their catalogue of known mistakes.

Each exercise's test cell calls its ``check_<exercise>`` with the student's function, then runs
the hidden tests (kept in the solution notebook, never released) and ``passed(...)``.
"""
from __future__ import annotations

import numpy as np

from course_lib.checks import check_close, check_shape, check_true

__all__ = ["check_glorot_uniform", "check_he_normal", "check_layer_variances"]


def check_glorot_uniform(glorot_uniform):
    """glorot_uniform((250, 100), seed): the shape, the same seed giving the same array and
    another seed another, the variance 2 / 350, no weight beyond the limit, mean 0, and a
    largest |w| close to the limit."""
    shape = (250, 100)
    limit = np.sqrt(6 / 350)
    W = glorot_uniform(shape, 0)
    check_shape(W, shape, "glorot_uniform((250, 100), 0)")
    W = np.asarray(W, dtype=float)
    check_true(np.array_equal(W, np.asarray(glorot_uniform(shape, 0), dtype=float)),
               "glorot_uniform((250, 100), 0) gave a different array when called again with the "
               "same seed. Draw with rng = np.random.default_rng(seed), not np.random.uniform.")
    check_true(not np.array_equal(W, np.asarray(glorot_uniform(shape, 1), dtype=float)),
               "Seeds 0 and 1 gave the same array: build the generator from the seed argument, "
               "np.random.default_rng(seed).")
    check_close(np.var(W), 2 / 350, "the variance of glorot_uniform((250, 100), 0)", rtol=0.05,
                hint="Var(W) should be 2 / (fan_in + fan_out) = 2 / 350.",
                mistakes=[(1 / 250, "This is 1 / fan_in, LeCun's rule: Glorot uses both fans, "
                                    "limit = sqrt(6 / (fan_in + fan_out))."),
                          (2 / 250, "This is 2 / fan_in, He's rule for ReLU: Glorot uses "
                                    "6 / (fan_in + fan_out) under the square root."),
                          (2 / 350 / 3, "The variance is a third of the target: you used the "
                                        "standard deviation sqrt(2 / (fan_in + fan_out)) as the "
                                        "limit. U(-l, l) has variance l**2 / 3, so "
                                        "l = sqrt(6 / (fan_in + fan_out))."),
                          (1 / 350, "You used sqrt(3 / (fan_in + fan_out)): the variance "
                                    "target is 2 / (fan_in + fan_out), so the limit is "
                                    "sqrt(3 * 2 / (fan_in + fan_out)) = "
                                    "sqrt(6 / (fan_in + fan_out))."),
                          ((6 / 250 + 100) / 3, "Brackets: you computed "
                                                "sqrt(6 / fan_in + fan_out). "
                                                "Write np.sqrt(6 / (fan_in + fan_out))."),
                          (6 / 350 / 12, "Your weights are all positive: draw from "
                                         "U(-limit, limit), not U(0, limit).")])
    check_true(np.max(np.abs(W)) <= limit * (1 + 1e-12),
               f"Some weights lie outside [-limit, limit] (the largest |w| is "
               f"{np.max(np.abs(W)):.4f}, the limit {limit:.4f}): a normal distribution has no "
               f"limit. Draw uniformly: rng.uniform(-limit, limit, size=shape).")
    check_close(np.mean(W), 0.0, "the mean of glorot_uniform((250, 100), 0)", atol=0.03 * limit,
                hint="The weights should be centred on 0: draw from U(-limit, limit).")
    check_close(np.max(np.abs(W)), limit, "the largest |w| of glorot_uniform((250, 100), 0)",
                rtol=0.01, hint="With 25,000 uniform draws the largest |w| is very close to the "
                                "limit sqrt(6 / (fan_in + fan_out)).")


def check_he_normal(he_normal):
    """he_normal((400, 200), seed): the shape, the same seed giving the same array and another
    seed another, no clipping to the edge, the variance 2 / 400, no weight beyond the cut at
    2 s, and mean 0."""
    shape = (400, 200)
    s = np.sqrt(2 / 400) / 0.87962566103423978
    W = he_normal(shape, 0)
    check_shape(W, shape, "he_normal((400, 200), 0)")
    W = np.asarray(W, dtype=float)
    check_true(np.array_equal(W, np.asarray(he_normal(shape, 0), dtype=float)),
               "he_normal((400, 200), 0) gave a different array when called again with the same "
               "seed. Draw with rng = np.random.default_rng(seed).")
    check_true(not np.array_equal(W, np.asarray(he_normal(shape, 1), dtype=float)),
               "Seeds 0 and 1 gave the same array: build the generator from the seed argument.")
    at_edge = np.mean(np.isclose(np.abs(W), np.abs(W).max(), rtol=1e-9, atol=0))
    check_true(at_edge < 0.001,
               f"{at_edge:.1%} of the weights sit exactly at the largest value: you clipped the "
               f"outliers to the edge (np.clip) instead of drawing them again.")
    check_close(np.var(W), 2 / 400, "the variance of he_normal((400, 200), 0)", rtol=0.03,
                hint="Var(W) should be 2 / fan_in = 2 / 400.",
                mistakes=[(2 / 400 * 0.87962566103423978 ** 2,
                           "The variance is 77% of the target: you truncated but did not divide "
                           "the scale by 0.87962566103423978, the std of a normal cut at +-2."),
                          (1 / 400, "This is 1 / fan_in, LeCun's rule: He uses 2 / fan_in."),
                          (2 / 200, "You used fan_out: He's rule divides by fan_in, the first "
                                    "entry of the shape."),
                          (2 / 600, "You used fan_in + fan_out: He's rule uses fan_in alone."),
                          ((2 / 400) ** 2, "The variance is the square of the target: you took "
                                           "2 / fan_in as the standard deviation. Take its "
                                           "square root."),
                          (2 / 400 / 0.87962566103423978 ** 2,
                           "The variance is 1.29 times the target: you divided by 0.8796... but "
                           "drew from a plain normal. The division only makes up for the "
                           "truncation: redraw every standard-normal value with |v| > 2 first."),
                          (1.0, "These are unscaled standard normals (variance 1): multiply by "
                                "sqrt(2 / fan_in) / 0.87962566103423978.")])
    beyond = np.mean(np.abs(W) > 2 * s * (1 + 1e-9))
    check_true(beyond == 0,
               f"{beyond:.2%} of the weights lie beyond the cut at 2 s = {2 * s:.4f}: "
               + ("you did not truncate at all. Draw standard normals, redraw every value with "
                  "|v| > 2, then scale." if beyond > 0.01 else
                  "a few values are still outside. Redraw in a while loop until no value with "
                  "|v| > 2 is left; one redraw leaves some behind."))
    check_close(np.mean(W), 0.0, "the mean of he_normal((400, 200), 0)", atol=0.03 * s)


def check_layer_variances(layer_variances):
    """A 3-4-2 network on 4 samples: the two layer variances with relu, the input x left
    unchanged, and the variances with tanh."""
    x = np.array([[1.0, -2.0, 0.5], [0.0, 1.0, -1.0], [2.0, 0.5, 1.5], [-1.0, -1.0, 0.0]])
    W1 = np.array([[0.5, -1.0, 0.3, 0.8], [-0.4, 0.6, 1.2, -0.7], [0.9, 0.2, -0.5, 0.4]])
    W2 = np.array([[1.1, -0.3], [-0.6, 0.9], [0.4, 0.7], [-0.8, -1.2]])
    x_before = x.copy()
    out = layer_variances(x, [W1, W2], "relu")
    check_close(out, [0.78621094, 0.2997375], "layer_variances(x, [W1, W2], 'relu')", rtol=1e-6,
                hint={"shape": "Return one variance per layer (2 here), not one for the input "
                               "too."},
                mistakes=[([2.32874023, 2.63143711], "These are the variances of the weighted "
                                                     "sums z = a @ W, before the activation: "
                                                     "take the variance of a = f(z)."),
                          ([0.88668537, 0.54748288], "These are standard deviations: use np.var, "
                                                     "not np.std."),
                          ([0.78621094, 1.32434219], "The second layer got the weighted sums z "
                                                     "of the first instead of its activations: "
                                                     "feed a = f(z) into the next layer."),
                          ([0.66539063, 0.2972375], "This is the mean of each unit's variance "
                                                    "(np.var(a, axis=0).mean()): take the "
                                                    "variance of all N x n values, np.var(a)."),
                          ([0.838625, 0.34255714], "You used ddof=1 (the sample variance): use "
                                                   "np.var(a) as it is.")])
    check_true(np.array_equal(x, x_before), "layer_variances changed the input array x: work on "
                                            "new arrays, do not modify x in place.")
    check_close(layer_variances(x, [W1, W2], "tanh"), [0.62204397, 0.48946165],
                "layer_variances(x, [W1, W2], 'tanh')", rtol=1e-6,
                hint="Use the activation named by the argument; here tanh.",
                mistakes=[([0.78621094, 0.2997375], "These are the relu results: apply the "
                                                    "activation named by the argument."),
                          ([0.62204397, 0.57737308], "The second layer got the weighted sums z "
                                                     "of the first instead of its activations: "
                                                     "feed a = f(z) into the next layer.")])

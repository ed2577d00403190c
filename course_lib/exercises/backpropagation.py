"""The visible checks of chapter 07_backpropagation, with their catalogue of known mistakes.

Each exercise's test cell calls its ``check_<exercise>`` with the student's function, then runs
the hidden tests (kept in the solution notebook, never released) and ``passed(...)``.
"""
from __future__ import annotations

import numpy as np

from course_lib.checks import check_close, check_true, check_type

__all__ = ["check_dense_sigmoid_backward", "check_numerical_gradient", "check_relative_error",
           "reference_backward", "known_mistakes", "check_backward", "one_sided",
           "gradient_mistakes", "cube"]


def reference_backward(x, W, b, g):
    """The backward pass of a sigmoid Dense layer as plain loops over examples and nodes,
    written for the checks only: (dx, dW, db, dz)."""
    N, n_in = x.shape
    n_out = W.shape[1]
    dz = np.zeros((N, n_out))
    for n in range(N):
        for j in range(n_out):
            z = b[j] + sum(x[n, k] * W[k, j] for k in range(n_in))
            s = 1.0 / (1.0 + np.exp(-z))
            dz[n, j] = g[n, j] * s * (1.0 - s)
    dW = np.zeros((n_in, n_out))
    dx = np.zeros((N, n_in))
    for n in range(N):
        for k in range(n_in):
            for j in range(n_out):
                dW[k, j] += x[n, k] * dz[n, j]
                dx[n, k] += W[k, j] * dz[n, j]
    return dx, dW, dz.sum(axis=0), dz


def known_mistakes(x, W, b, g):
    """The values some common wrong answers give: (dx, dW, db) each, with their diagnosis."""
    s = 1.0 / (1.0 + np.exp(-(x @ W + b)))
    dz = g * s * (1 - s)
    sa = 1.0 / (1.0 + np.exp(-s))                 # sigmoid' evaluated at a instead of z
    dz_a = g * sa * (1 - sa)
    no_derivative = ("You left out the sigmoid's derivative: dL/dz = dL/da * sigmoid'(z), with "
                     "sigmoid'(z) = s (1 - s).")
    at_a = ("You evaluated the sigmoid's derivative at the output a instead of at z = x @ W + b: "
            "use sigmoid_derivative(z), or s * (1 - s) with s = sigmoid(z).")
    return {
        "dx": [(g @ W.T, no_derivative), (dz_a @ W.T, at_a)],
        "dW": [(x.T @ g, no_derivative), (x.T @ dz_a, at_a),
               (x.T @ dz / len(x), "You averaged dW over the batch: the upstream gradient "
                                   "already holds the loss's 1/N, so the examples' "
                                   "contributions are summed (x.T @ dz), not averaged.")],
        "db": [(g.sum(axis=0), no_derivative), (dz_a.sum(axis=0), at_a),
               (dz.mean(axis=0), "You averaged db over the batch: the upstream gradient already "
                                 "holds the loss's 1/N, so sum dz over the examples (axis 0) "
                                 "instead of taking the mean.")],
    }


def check_backward(dense_sigmoid_backward, x, W, b, g, label, reveal=True):
    """Check the student's ``dense_sigmoid_backward(x, W, b, g)``: a tuple of three arrays,
    dW, db and dx against ``reference_backward`` (with ``known_mistakes``), and the arguments
    left unchanged (the hidden tests use it too)."""
    x, W, b, g = (np.array(v, dtype=float) for v in (x, W, b, g))
    copies = [v.copy() for v in (x, W, b, g)]
    result = dense_sigmoid_backward(x, W, b, g)
    check_true(isinstance(result, tuple) and len(result) == 3,
               f"dense_sigmoid_backward should return a tuple (dx, dW, db) of three arrays; "
               f"it returned {type(result).__name__}"
               + (f" of length {len(result)}" if isinstance(result, (tuple, list)) else "") + ".")
    dx_ref, dW_ref, db_ref, _ = reference_backward(x, W, b, g)
    known = known_mistakes(x, W, b, g)
    sizes = {"N": x.shape[0]}
    hint_dW = {"shape": "dW must have W's shape (n_in, n_out): dW = x.T @ dz."}
    check_close(result[1], dW_ref, f"your dW {label}", mistakes=known["dW"], reveal=reveal,
                sizes=sizes, hint=hint_dW, rtol=1e-6, atol=1e-10)
    check_close(result[2], db_ref, f"your db {label}", mistakes=known["db"], reveal=reveal,
                sizes=sizes, rtol=1e-6, atol=1e-10,
                hint={"shape": "db has one entry per output node: sum dz over the batch "
                               "axis, dz.sum(axis=0)."})
    check_close(result[0], dx_ref, f"your dx {label}", mistakes=known["dx"], reveal=reveal,
                sizes=sizes, rtol=1e-6, atol=1e-10,
                hint={"shape": "dx must have x's shape (N, n_in): dx = dz @ W.T."})
    check_true(all(np.array_equal(v, c) for v, c in zip((x, W, b, g), copies)),
               f"dense_sigmoid_backward changed one of its arguments {label}; work on new "
               f"arrays (x = x - ... creates one, x -= ... changes the caller's).")


def check_dense_sigmoid_backward(dense_sigmoid_backward):
    """dx, dW and db for a batch of 3 examples, 2 inputs and 3 outputs, and the arguments left
    unchanged."""
    x = [[1.0, 0.5], [-0.5, 2.0], [0.0, -1.0]]
    W = [[0.5, 0.3, -0.2], [-0.4, 0.8, 0.1]]
    b = [0.1, -0.2, 0.0]
    g = [[0.2, -0.1, 0.4], [0.0, 0.3, -0.2], [-0.5, 0.1, 0.1]]
    check_backward(dense_sigmoid_backward, x, W, b, g, "for the batch of 3 examples above")


def one_sided(f, x, h, forward=True):
    """What a forward (or backward) difference gives, computed here for the diagnosis."""
    x = np.array(x, dtype=float)
    out = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        xp = x.copy()
        xp[i] += h if forward else -h
        out[i] = (f(xp) - f(x)) / h if forward else (f(x) - f(xp)) / h
    return out


def gradient_mistakes(f, x, h, expected):
    """The known wrong gradients of ``f`` at ``x`` with step ``h`` (the two one-sided
    differences, twice the derivative), with their diagnosis."""
    return [(one_sided(f, x, h, True), "This is the one-sided difference (f(x + h) - f(x)) / h: "
             "its error shrinks only like h. Use the centred difference (f(x + h) - f(x - h)) / "
             "(2 h), whose error shrinks like h squared."),
            (one_sided(f, x, h, False), "This is the one-sided difference (f(x) - f(x - h)) / h: "
             "its error shrinks only like h. Use the centred difference (f(x + h) - f(x - h)) / "
             "(2 h)."),
            (2 * np.asarray(expected), "Your answer is twice the derivative: the two evaluations "
             "are 2 h apart, so divide their difference by 2 h, not by h.")]


def cube(v):
    """sum(v ** 3), whose gradient is 3 v^2."""
    return float(np.sum(v ** 3))


def check_numerical_gradient(numerical_gradient):
    """The gradient of sum(v ** 3) at three numbers, with x left unchanged, and of
    sum(C * v ** 2) at a 2 x 3 array."""
    x = np.array([1.0, 2.0, -1.0])
    x_before = x.copy()
    expected = 3 * x_before ** 2
    check_close(numerical_gradient(cube, x), expected,
                "numerical_gradient(lambda v: np.sum(v ** 3), [1.0, 2.0, -1.0]) (exact: 3 v^2)",
                rtol=1e-7, atol=1e-9, mistakes=gradient_mistakes(cube, x_before, 1e-5, expected))
    check_true(np.array_equal(x, x_before),
               "numerical_gradient changed the caller's x: perturb a copy (np.array(x, "
               "dtype=float)), or put every entry back after using it.")
    C = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]])

    def quad(v):                                     # gradient 2 C v
        return float(np.sum(C * v ** 2))

    X = np.array([[0.5, 1.0, -2.0], [1.5, 3.0, 0.25]])
    check_close(numerical_gradient(quad, X), 2 * C * X,
                "the gradient of sum(C * v**2) at a 2 x 3 array (exact: 2 C v)", rtol=1e-7,
                atol=1e-9, hint={"shape": "Return one partial derivative per entry of x, in x's "
                                          "shape: loop over np.ndindex(x.shape)."})


def check_relative_error(relative_error):
    """A float, max |a - b| / max(|a| + |b|) for two small arrays, and 0.0 for two all-zero
    arrays."""
    a, b = [1.0, -200.0], [1.5, -200.0]
    err = relative_error(a, b)
    check_type(err, float, "relative_error([1.0, -200.0], [1.5, -200.0])")
    check_close(err, 0.5 / 400.0, "relative_error([1.0, -200.0], [1.5, -200.0])", rtol=1e-9,
                mistakes=[(0.5, "This is max |a - b| without the normalisation: divide by "
                                "max(|a| + |b|), so that the error does not depend on the scale "
                                "of the gradients."),
                          (0.2, "You divided entry by entry and took the largest ratio; the "
                                "exercise divides the largest difference by the largest "
                                "|a_i| + |b_i|, so that tiny entries do not dominate."),
                          (0.5 / 200.0, "You divided by max |a| (or max |b|) alone; the formula "
                                        "divides by max(|a| + |b|)."),
                          (0.25 / 400.0, "You averaged the differences; the formula takes the "
                                         "largest one, max |a - b|.")])
    check_close(relative_error([0.0, 0.0], [0.0, 0.0]), 0.0,
                "relative_error of two all-zero arrays", hint="Return 0.0 when max(|a| + |b|) "
                                                              "is 0 instead of dividing 0 by 0.")

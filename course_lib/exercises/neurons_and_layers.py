"""The visible checks of chapter 03_neurons_and_layers, with their catalogue of known mistakes.

Each exercise's test cell calls its ``check_<exercise>`` with the student's function, then runs
the hidden tests (kept in the solution notebook, never released) and ``passed(...)``.
"""
from __future__ import annotations

import numpy as np

from course_lib.checks import CheckFailed, check_close, check_shape, check_true

__all__ = ["check_linear_unit", "check_dense_forward", "check_collapse_linear",
           "check_count_dense_params", "call_dense_forward", "call_collapse_linear"]


def check_linear_unit(linear_unit):
    """A neuron with two inputs (a missing, repeated or subtracted bias named), and chapter 1's
    line at 180 cm."""
    check_close(linear_unit(np.array([1.0, 2.0]), np.array([-0.55, 0.1]), 1.0), 0.65,
                "linear_unit(x=[1, 2], w=[-0.55, 0.1], b=1)",
                hint={"shape": "Multiply each input by its weight, then add the products up "
                               "(np.dot or np.sum) and add b once."},
                mistakes=[(-0.35, "This is the weighted sum without the bias: add b."),
                          (1.65, "The bias was added once per input (np.sum(w * x + b) adds b "
                                 "n times). Add it once, after summing the products."),
                          (1.35, "The bias was subtracted; the unit computes w . x + b.")])
    check_close(linear_unit(np.array([180.0]), np.array([0.9]), -85.0), 77.0,
                "linear_unit(x=[180], w=[0.9], b=-85), chapter 1's line at 180 cm")


def call_dense_forward(dense_forward, X, W, b, activation):
    """Call the answer dense_forward(X, W, b, activation); a shape error becomes feedback
    (CheckFailed) instead of a NumPy traceback (the hidden tests use it too)."""
    try:
        return dense_forward(X, W, b, activation)
    except ValueError as err:
        raise CheckFailed(
            f"dense_forward raised ValueError: {err}\n"
            f"With X of shape {X.shape} (N, n_in) and W of shape {W.shape} (n_in, n_out), "
            f"X @ W has shape (N, n_out). W @ X, X @ W.T or W.T @ X fit only when the shapes "
            f"happen to agree: keep Keras' layout, X @ W.") from None


def check_dense_forward(dense_forward, identity, relu):
    """One sample through two neurons with identity (W transposed and a missing bias named),
    then two samples through three neurons with relu and with identity (a missing bias, the
    bias after the activation, no activation, and always ReLU named)."""
    Xs = np.array([[1.0, 2.0]])
    Ws = np.array([[1.0, 2.0], [3.0, 4.0]])
    bs = np.array([0.5, -0.5])
    check_close(call_dense_forward(dense_forward, Xs, Ws, bs, identity), [[7.5, 9.5]],
                "dense_forward(X=[[1, 2]], W=[[1, 2], [3, 4]], b=[0.5, -0.5], identity)",
                mistakes=[([[5.5, 10.5]], "This is X @ W.T + b: W was used transposed. In "
                           "Keras' layout W has shape (n_in, n_out) and neuron j's weights are "
                           "column j, so the product is X @ W."),
                          ([[7.0, 10.0]], "The bias is missing: add b to X @ W.")])
    X = np.array([[1.0, 2.0], [0.0, -1.0]])
    W = np.array([[1.0, -1.0, 0.5], [2.0, 0.0, -1.0]])
    b = np.array([0.0, 1.0, -0.5])
    check_close(call_dense_forward(dense_forward, X, W, b, relu),
                [[5.0, 0.0, 0.0], [0.0, 1.0, 0.5]],
                "dense_forward(X_example, W_example, b_example, relu)",
                mistakes=[([[5.0, 0.0, 0.0], [0.0, 0.0, 1.0]], "The bias is missing: add b to "
                           "X @ W before the activation."),
                          ([[5.0, 1.0, -0.5], [0.0, 1.0, 0.5]], "The bias was added after the "
                           "activation: the neuron computes activation(X @ W + b), so add b "
                           "first."),
                          ([[5.0, 0.0, -2.0], [-2.0, 1.0, 0.5]], "The activation was not "
                           "applied: return activation(X @ W + b).")])
    check_close(call_dense_forward(dense_forward, X, W, b, identity),
                [[5.0, 0.0, -2.0], [-2.0, 1.0, 0.5]],
                "dense_forward(X_example, W_example, b_example, identity)",
                mistakes=[([[5.0, 0.0, 0.0], [0.0, 1.0, 0.5]], "With activation=identity the "
                           "answer still went through ReLU: call the `activation` you are "
                           "given.")])


def call_collapse_linear(collapse_linear, W1, b1, W2, b2):
    """Call the answer collapse_linear(W1, b1, W2, b2); a shape error becomes feedback
    (CheckFailed) instead of a NumPy traceback (the hidden tests use it too)."""
    try:
        return collapse_linear(W1, b1, W2, b2)
    except ValueError as err:
        raise CheckFailed(
            f"collapse_linear raised ValueError: {err}\n"
            f"In Keras' layout W1 has shape {W1.shape} (n_in, n_hidden) and W2 {W2.shape} "
            f"(n_hidden, n_out): the product that fits is W1 @ W2, and the first bias goes "
            f"through the second layer as b1 @ W2. W2 @ W1 and W2 @ b1 are the textbook "
            f"(column) order.") from None


def check_collapse_linear(collapse_linear):
    """The worked example 1 -> 2 -> 1: a pair is returned, W, and b (b2 alone or b1 @ W2 alone
    named); then random layers 3 -> 2 -> 4: the shapes, and X @ W + b equal to the two
    layers."""
    W1, b1 = np.array([[2.0, -1.0]]), np.array([1.0, 3.0])
    W2, b2 = np.array([[1.0], [4.0]]), np.array([-2.0])
    result = call_collapse_linear(collapse_linear, W1, b1, W2, b2)
    check_true(isinstance(result, tuple) and len(result) == 2,
               "collapse_linear should return two things, the weights and the bias: end with "
               "`return W, b`.")
    W, b = result
    check_close(W, [[-2.0]], "the weights W for the worked example (W1 = [[2, -1]], "
                "W2 = [[1], [4]])",
                hint={"shape": "In Keras' layout the product is W1 @ W2: (n_in, n_hidden) @ "
                               "(n_hidden, n_out) gives (n_in, n_out)."})
    check_close(b, [11.0], "the bias b for the worked example (b1 = [1, 3], b2 = [-2])",
                hint={"shape": "b must have one entry per output neuron, shape (n_out,): the "
                               "first bias has to pass through W2 (b1 @ W2) before it can be "
                               "added to b2."},
                mistakes=[([-2.0], "This is b2 alone: the first layer's bias also reaches the "
                                   "output, multiplied by W2. b = b1 @ W2 + b2."),
                          ([13.0], "This is b1 @ W2 without b2: the second layer adds its own "
                                   "bias too.")])
    rng = np.random.default_rng(33)
    W1, b1 = rng.normal(size=(3, 2)), rng.normal(size=2)
    W2, b2 = rng.normal(size=(2, 4)), rng.normal(size=4)
    X = rng.normal(size=(5, 3))
    W, b = call_collapse_linear(collapse_linear, W1, b1, W2, b2)
    check_shape(W, (3, 4), "the weights W for layers 3 -> 2 -> 4")
    check_shape(b, (4,), "the bias b for layers 3 -> 2 -> 4")
    check_close(X @ W + b, (X @ W1 + b1) @ W2 + b2,
                "X @ W + b compared with the two layers applied one after the other")


def check_count_dense_params(count_dense_params):
    """The networks [2, 3, 2] and [3, 5, 2] (connections only, biases on the inputs, per input
    or in the first layer only named), and a single neuron with two inputs."""
    check_close(count_dense_params([2, 3, 2]), 17, "count_dense_params([2, 3, 2])",
                mistakes=[(12, "12 counts the connections only (2*3 + 3*2): every neuron after "
                               "the input layer also has a bias, a learnable parameter too."),
                          (19, "19 gives a bias to every unit, the inputs included; the input "
                               "layer has no parameters, so only the 3 + 2 neurons of the "
                               "other layers have one."),
                          (7, "7 is the number of units; count the weights (one per "
                              "connection) and the biases (one per neuron after the input)."),
                          (9, "9 is the first layer alone (2*3 + 3); add the parameters of "
                              "every later layer too.")])
    check_close(count_dense_params([3, 5, 2]), 32, "count_dense_params([3, 5, 2])",
                mistakes=[(25, "25 counts the connections only (3*5 + 5*2): add one bias per "
                               "neuron after the input layer."),
                          (33, "33 gives each layer one bias per *input* (n_in * (n_out + 1)); "
                               "biases belong to the receiving neurons: (n_in + 1) * n_out."),
                          (35, "35 gives a bias to the input units too; the input layer has no "
                               "parameters.")])
    check_close(count_dense_params([2, 1]), 3, "count_dense_params([2, 1]), a single neuron "
                "with two inputs", hint="Two weights and one bias.")

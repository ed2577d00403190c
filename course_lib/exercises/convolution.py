"""The visible checks of chapter 14_convolution, with their catalogue of known mistakes.

Each exercise's test cell calls its ``check_<exercise>`` with the student's function, then runs
the hidden tests (kept in the solution notebook, never released) and ``passed(...)``. The
library's own convolution and pooling are the reference the answers are compared with.
"""
from __future__ import annotations

import numpy as np

from course_lib import convolution as conv
from course_lib.checks import check_close, check_shape, check_true

__all__ = ["check_conv_output_size", "check_conv2d_naive", "check_max_pool",
           "check_conv_param_count", "reference_conv2d", "reference_max_pool",
           "CONV2D_SHAPE_HINT", "MAX_POOL_SHAPE_HINT"]

#: The hint of conv2d_naive's checks when the output is wrong (the hidden tests use it too).
CONV2D_SHAPE_HINT = ("The output is (H_out, W_out, C_out) with H_out = (H - kh) // stride + 1: "
                     "one row per window position, one channel per kernel.")

#: The hint of max_pool's checks when the output has the wrong shape (the hidden tests use it
#: too).
MAX_POOL_SHAPE_HINT = {"shape": "H_out = (H - pool_size) // stride + 1 with stride = pool_size "
                                "when stride is None (a 3 x 3 result for a 4 x 4 image means "
                                "you used stride 1); the channels stay."}


def check_conv_output_size(conv_output_size):
    """Lengths for 'valid' (stride 1 and 2, odd and even sizes), padding=1 and 'same' with
    stride 2, and a whole number (an int) as the result."""
    hint = {"mistake": "Check the formula floor((n + 2p - f) / stride) + 1, and "
                       "ceil(n / stride) for 'same'."}
    check_close(conv_output_size(28, 3), 26, "conv_output_size(28, 3), a 3x3 kernel on 28 x 28",
                hint=hint, mistakes=[(25, "This is n - f: the window starts at 0, 1, ..., "
                                          "n - f, which is n - f + 1 positions."),
                                     (28, "'valid' means no padding, so the output shrinks: "
                                          "n - f + 1.")])
    check_close(conv_output_size(7, 3, stride=2), 3, "conv_output_size(7, 3, stride=2)",
                hint=hint, mistakes=[(5, "This is n - f + 1, the length for stride 1: divide "
                                         "(n - f) by the stride before adding 1."),
                                     (2, "You divided (n - f + 1) by the stride, or forgot the "
                                         "+ 1 after dividing: it is floor((n - f) / s) + 1.")])
    check_close(conv_output_size(8, 3, stride=2), 3, "conv_output_size(8, 3, stride=2)",
                hint=hint, mistakes=[(3.5, "There is no half pixel: round (n - f) / s down "
                                           "with // before adding 1 (the last window that does "
                                           "not fit is dropped)."),
                                     (4, "You rounded up; a window that does not fit is "
                                         "dropped, so round (n - f) / s down with //."),
                                     (6, "The stride is missing: divide by it.")])
    check_close(conv_output_size(8, 3, padding=1), 8, "conv_output_size(8, 3, padding=1)",
                hint=hint, mistakes=[(7, "p zeros go on each side, so the padded length is "
                                         "n + 2p, not n + p."),
                                     (6, "The padding is missing: with p zeros on each side "
                                         "the input is n + 2p long.")])
    check_close(conv_output_size(8, 3, stride=2, padding="same"), 4,
                "conv_output_size(8, 3, stride=2, padding='same')", hint=hint,
                mistakes=[(8, "'same' keeps the length only for stride 1; TensorFlow's rule is "
                              "ceil(n / stride)."),
                          (3, "This is the 'valid' length; 'same' gives ceil(n / stride).")])
    check_close(conv_output_size(7, 3, stride=2, padding="same"), 4,
                "conv_output_size(7, 3, stride=2, padding='same')", hint=hint,
                mistakes=[(3, "You rounded 7 / 2 down; 'same' rounds up: ceil(n / stride)."),
                          (3.5, "A length is a whole number: 'same' gives ceil(n / stride)."),
                          (7, "'same' keeps the length only for stride 1; TensorFlow's rule is "
                              "ceil(n / stride).")])
    r = conv_output_size(9, 2, stride=3)
    check_true(float(r) == int(r) and not isinstance(r, float),
               f"conv_output_size(9, 2, stride=3) returned {r!r}; return a whole number (an "
               "int): use // rather than / and round.")


def reference_conv2d(x, kernel, bias, stride=1):
    """The library's convolution of one (H, W, C_in) image: what conv2d_naive should return
    (the hidden tests use it too)."""
    return conv.conv2d(np.asarray(x, float)[None], np.asarray(kernel, float),
                       np.asarray(bias, float), strides=stride)[0]


def check_conv2d_naive(conv2d_naive):
    """A 4x4x1 image with a 2x2 kernel and bias worked out by hand, a 5x6 RGB image with two
    3x2 kernels, and a 7x7 image with stride 2, against the library (no kernel flip, bias
    added)."""
    # By hand: x[i, j] = 4i + j, so each output is x[i, j] + 2 x[i, j+1] - x[i+1, j+1] + 0.5
    # = 8i + 2j - 2.5.
    x = np.arange(16.0).reshape(4, 4, 1)
    k = np.array([[1.0, 2.0], [0.0, -1.0]]).reshape(2, 2, 1, 1)
    b = np.array([0.5])
    i, j = np.meshgrid(np.arange(3), np.arange(3), indexing="ij")
    expected = (8 * i + 2 * j - 2.5)[:, :, None]
    y = conv2d_naive(x, k, b)
    check_shape(y, (3, 3, 1), "conv2d_naive of a 4x4x1 image with a 2x2 kernel")
    check_close(y, expected, "conv2d_naive of a 4x4x1 image with a 2x2 kernel, bias 0.5",
                hint=CONV2D_SHAPE_HINT,
                mistakes=[((8 * i + 2 * j + 13.5)[:, :, None],
                           "You flipped the kernel (the convolution of signal processing). Deep "
                           "learning's convolution is a cross-correlation: window[u, v] times "
                           "kernel[u, v], no flip."),
                          (expected - 0.5, "The bias is missing: add bias[o] to every output "
                                           "of filter o.")])
    rng = np.random.default_rng(14)
    x = rng.normal(size=(5, 6, 3))
    k = rng.normal(size=(3, 2, 3, 2))
    b = np.array([0.3, -1.0])
    expected = reference_conv2d(x, k, b)
    check_close(conv2d_naive(x, k, b), expected,
                "conv2d_naive of a 5x6 RGB image with two 3x2 kernels", hint=CONV2D_SHAPE_HINT,
                mistakes=[(reference_conv2d(x, k[::-1, ::-1], b), "You flipped the kernel: deep "
                           "learning's convolution is a cross-correlation, window * kernel with "
                           "no flip."),
                          (expected - b, "The bias is missing: add bias[o] to every output of "
                                         "filter o.")])
    x7 = rng.normal(size=(7, 7, 1))
    k3 = rng.normal(size=(3, 3, 1, 1))
    check_close(conv2d_naive(x7, k3, [0.0], stride=2), reference_conv2d(x7, k3, [0.0], 2),
                "conv2d_naive of a 7x7 image with a 3x3 kernel and stride 2",
                hint={"shape": "With stride s the window starts at rows 0, s, 2s, ...: H_out = "
                               "(H - kh) // s + 1 and window i starts at row i * s.",
                      "default": "Window (i, j) starts at row i * stride and column j * "
                                 "stride."})


def reference_max_pool(x, pool_size=2, stride=None):
    """The library's max pooling of one (H, W, C) image: what max_pool should return (the
    hidden tests use it too)."""
    return conv.max_pool2d(np.asarray(x, float)[None], pool_size, stride)[0]


def check_max_pool(max_pool):
    """2x2 pooling of a 4x4 image (not the average), of a 5x5 image (the last row and column
    dropped) and of negative values, each channel on its own, and pool_size=3 with stride 1."""
    x = np.array([[1.0, 3.0, 2.0, 0.0],
                  [4.0, 2.0, 1.0, 5.0],
                  [0.0, 1.0, 3.0, 2.0],
                  [2.0, 6.0, 1.0, 1.0]])[:, :, None]
    check_close(max_pool(x), [[[4.0], [5.0]], [[6.0], [3.0]]], "max_pool of a 4x4x1 image",
                hint=MAX_POOL_SHAPE_HINT,
                mistakes=[([[[2.5], [2.0]], [[2.25], [1.75]]], "These are the averages of the "
                           "windows (average pooling); max pooling keeps the largest value.")])
    x5 = np.arange(25.0).reshape(5, 5, 1)
    check_shape(max_pool(x5), (2, 2, 1), "max_pool of a 5x5x1 image with 2x2 windows")
    check_close(max_pool(x5), [[[6.0], [8.0]], [[16.0], [18.0]]],
                "max_pool of a 5x5x1 image with 2x2 windows",
                hint="With 'valid' the last row and column of an odd size are never read.")
    neg = -np.arange(1.0, 17.0).reshape(4, 4, 1)
    check_close(max_pool(neg), [[[-1.0], [-3.0]], [[-9.0], [-11.0]]],
                "max_pool of an image with only negative values",
                mistakes=[(np.zeros((2, 2, 1)), "Every window gave 0: did you start the running "
                           "maximum at 0? For negative values start from the first value of the "
                           "window (or -inf), or use window.max().")])
    rng = np.random.default_rng(41)
    x = rng.normal(size=(4, 6, 3))
    check_close(max_pool(x), reference_max_pool(x), "max_pool of a 4x6 image with 3 channels",
                mistakes=[(np.repeat(reference_max_pool(x).max(axis=2, keepdims=True), 3,
                                     axis=2),
                           "You took the maximum over all channels together; pooling works on "
                           "each channel separately: window.max(axis=(0, 1)).")],
                hint={"shape": "Keep one output channel per input channel: the result is "
                               "(H_out, W_out, C).",
                      "default": "Take the maximum over the two window axes only: "
                                 "window.max(axis=(0, 1))."})
    check_close(max_pool(x, pool_size=3, stride=1), reference_max_pool(x, 3, 1),
                "max_pool(x, pool_size=3, stride=1) of a 4x6x3 image", hint=MAX_POOL_SHAPE_HINT)


def check_conv_param_count(conv_param_count):
    """The seed model's first Conv2D (biases and input channels as known mistakes), a 1x1
    convolution and a 5x3 kernel."""
    check_close(conv_param_count(3, 3, 16, 32), 4640,
                "conv_param_count(3, 3, 16, 32), the seed model's first Conv2D",
                mistakes=[(4608, "The biases are missing: each of the c_out kernels has one "
                                 "bias."),
                          (4624, "One bias per kernel (c_out of them), not one per input "
                                 "channel."),
                          (4656, "One bias per kernel: c_out biases, not c_in + c_out."),
                          (320, "The input channels are missing: each kernel is c_in channels "
                                "deep, so it has kh * kw * c_in weights."),
                          (160, "Each kernel is c_in channels deep and there are c_out of them: "
                                "kh * kw * c_in * c_out weights.")])
    check_close(conv_param_count(1, 1, 256, 64), 16448, "conv_param_count(1, 1, 256, 64)",
                mistakes=[(16384, "The biases are missing: each of the c_out kernels has one "
                                  "bias.")])
    check_close(conv_param_count(5, 3, 3, 8), 368, "conv_param_count(5, 3, 3, 8), a 5x3 kernel",
                hint="kh * kw * c_in * c_out + c_out")

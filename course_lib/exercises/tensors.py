"""The visible checks of chapter 02_tensors, with their catalogue of known mistakes.

Each exercise's test cell calls its ``check_<exercise>`` with the student's function, then runs
the hidden tests (kept in the solution notebook, never released) and ``passed(...)``.
"""
from __future__ import annotations

import numpy as np

from course_lib.checks import check_close, check_true

__all__ = ["check_to_image_batch", "check_to_channels_last", "check_one_hot",
           "check_one_hot_decode"]


def check_to_image_batch(to_image_batch):
    """Two flat images of 2 x 3 pixels: the wrong shapes (no channel axis, height and width
    swapped, samples last) and a column-by-column fill named, then the values."""
    X = np.arange(12.0).reshape(2, 6)            # 2 images of 2 x 3 pixels, one row each
    batch = to_image_batch(X, 2, 3)
    known_shapes = {
        (2, 2, 3): "It has no channel axis. Keras wants (samples, height, width, channels) "
                   "even for grey images: give it a last axis of length 1.",
        (2, 3, 2, 1): "Height and width are swapped: an image of height 2 and width 3 has 2 "
                      "rows of 3 pixels, so the shape is (samples, 2, 3, 1).",
        (2, 3, 2): "The samples axis must come first, and a channel axis of length 1 last: "
                   "(samples, height, width, 1).",
    }
    for wrong, message in known_shapes.items():
        check_true(np.shape(batch) != wrong,
                   f"to_image_batch(X, height=2, width=3) for X of shape (2, 6) has shape "
                   f"{wrong}. " + message)
    check_close(batch, [[[[0.0], [1.0], [2.0]], [[3.0], [4.0], [5.0]]],
                        [[[6.0], [7.0], [8.0]], [[9.0], [10.0], [11.0]]]],
                "to_image_batch(np.arange(12.0).reshape(2, 6), 2, 3)",
                mistakes=[(np.swapaxes(np.reshape(X, (2, 3, 2, 1)), 1, 2),
                           "Each image is filled column by column (what order='F', or a reshape "
                           "to (samples, width, height) followed by swapping those axes, does). "
                           "The rows are stored one after the other: row i of image n is "
                           "X[n, i * width : (i + 1) * width]. Keep NumPy's default row-major "
                           "order.")])


def check_to_channels_last(to_channels_last):
    """One image of 3 channels of 2 x 2 pixels: `x.T`, the opposite conversion, a reshape and
    swapped height and width named, then the values."""
    x = np.arange(12).reshape(1, 3, 2, 2)        # one image: 3 channels of 2 x 2 pixels
    out = to_channels_last(x)
    check_true(np.shape(out) != (2, 2, 3, 1),
               "to_channels_last(x) for x of shape (1, 3, 2, 2) has shape (2, 2, 3, 1): the "
               "samples axis ended up last. `x.T` (np.transpose without axes) reverses all the "
               "axes; give the new order explicitly: np.transpose(x, (0, 2, 3, 1)).")
    check_true(np.shape(out) != (1, 2, 3, 2),
               "to_channels_last(x) for x of shape (1, 3, 2, 2) has shape (1, 2, 3, 2): the "
               "axes (0, 3, 1, 2) are the opposite conversion (channels last to channels "
               "first). Axis k of the result is axis axes[k] of x: you want (0, 2, 3, 1).")
    check_close(out, [[[[0, 4, 8], [1, 5, 9]], [[2, 6, 10], [3, 7, 11]]]],
                "to_channels_last(np.arange(12).reshape(1, 3, 2, 2))",
                mistakes=[(x.reshape(1, 2, 2, 3),
                           "This is a reshape: the shape is right but the values stay in their "
                           "storage order, so each 'pixel' mixes values of different pixels and "
                           "channels. Move the channel axis with np.transpose(x, (0, 2, 3, 1)) "
                           "instead."),
                          (np.swapaxes(x, 1, 3),
                           "Height and width are swapped (every image is mirrored along its "
                           "diagonal): swapping axes 1 and 3 puts the width before the height. "
                           "The new order is (0, 2, 3, 1).")])


def check_one_hot(one_hot):
    """Four labels of 3 classes (labels shifted by one named), and two labels with
    num_classes=4."""
    check_close(one_hot([0, 2, 1, 2]), [[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1]],
                "one_hot([0, 2, 1, 2])",
                mistakes=[([[0, 0, 1], [0, 1, 0], [1, 0, 0], [0, 1, 0]],
                           "Every 1 sits one column too far to the left (class 0 wrapped around "
                           "to the last column): the labels already start at 0, so label k goes "
                           "in column k. Do not subtract 1.")])
    check_close(one_hot(np.array([1, 0]), num_classes=4), [[0, 1, 0, 0], [1, 0, 0, 0]],
                "one_hot(np.array([1, 0]), num_classes=4)",
                hint={"shape": "When num_classes is given, the matrix has num_classes columns, "
                               "even if the largest label is smaller."})


def check_one_hot_decode(one_hot_decode):
    """Five one-hot rows of 3 classes: the argmax over axis 0 or over the whole matrix named,
    then the labels and their integer dtype."""
    Y = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0],
                  [0.0, 0.0, 1.0]])                # 5 samples, 3 classes
    labels = one_hot_decode(Y)
    check_true(np.shape(labels) != (3,),
               "one_hot_decode(Y) for Y of shape (5, 3) gave 3 values, one per class: you took "
               "the argmax over axis 0 (down each column, across the samples). The classes are "
               "along axis 1 (the last axis): use axis=1 or axis=-1.")
    check_true(np.shape(labels) != (),
               "one_hot_decode(Y) gave a single number: np.argmax without an axis looks at the "
               "whole matrix flattened. Give axis=-1 to get one label per row.")
    check_close(labels, [1, 0, 2, 1, 2], "one_hot_decode(Y) for 5 one-hot rows of 3 classes")
    check_true(np.issubdtype(np.asarray(labels).dtype, np.integer),
               f"The labels should be whole numbers (an integer array), but their dtype is "
               f"{np.asarray(labels).dtype}. np.argmax returns integers; avoid computing the "
               f"labels with float arithmetic.")

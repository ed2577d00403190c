"""The visible checks of chapter 15_cnns, with their catalogue of known mistakes.

Each exercise's test cell calls its ``check_<exercise>`` with the student's function (and the
notebook data it needs), then runs the hidden tests (kept in the solution notebook, never
released) and ``passed(...)``.
"""
from __future__ import annotations

import numpy as np
from scipy import ndimage

from course_lib.checks import check_close, check_probabilities, check_shape, check_true

__all__ = ["check_conv_layer_shape", "check_train_digit_cnn", "check_augment",
           "conv_layer_answer", "cnn_problems", "cnn_accuracy", "shift_reference",
           "augment_reference"]


def conv_layer_answer(conv_layer_shape, *args, **kwargs):
    """Call the student's conv_layer_shape and check it gave a pair (output_shape, n_params)
    (the hidden tests use it too)."""
    result = conv_layer_shape(*args, **kwargs)
    check_true(isinstance(result, (tuple, list)) and len(result) == 2,
               f"conv_layer_shape should return a pair (output_shape, n_params), got "
               f"{result!r}.")
    return result


def check_conv_layer_shape(conv_layer_shape):
    """Output shapes and parameter counts of Conv2D layers: 'valid' with stride 1 and 2, 16
    input channels, and 'same' with stride 2."""
    shape, params = conv_layer_answer(conv_layer_shape, (8, 8, 1), 8, 3)
    check_close(shape, [6, 6, 8], "the output shape of Conv2D(8, 3) on (8, 8, 1)",
                hint="'valid': (8 - 3) // 1 + 1 = 6 rows and columns, and one channel per "
                     "filter.")
    check_close(params, 80, "the parameter count of Conv2D(8, 3) on (8, 8, 1)",
                mistakes=[(72, "That is 3 * 3 * 1 * 8 weights without the biases: every "
                               "filter has one bias too.")])
    shape, params = conv_layer_answer(conv_layer_shape, (20, 20, 16), 32, 3)
    check_close(params, 4640, "the parameter count of Conv2D(32, 3) on (20, 20, 16)",
                mistakes=[(320, "A filter spans all 16 input channels: multiply by C_in, "
                                "(3 * 3 * 16 + 1) * 32."),
                          (4608, "These are the weights alone: add one bias per filter.")])
    shape, params = conv_layer_answer(conv_layer_shape, (28, 28, 3), 4, 3, strides=2)
    check_close(shape, [13, 13, 4],
                "the output shape of Conv2D(4, 3, strides=2) on (28, 28, 3)",
                mistakes=[([13.5, 13.5, 4], "(28 - 3) / 2 + 1 = 13.5: a window that would "
                                            "stick out is not used, so round down with // "
                                            "(floor).")])
    shape, params = conv_layer_answer(conv_layer_shape, (7, 7, 3), 4, 3, strides=2,
                                      padding="same")
    check_close(shape, [4, 4, 4], "the output shape of Conv2D(4, 3, strides=2, "
                "padding='same') on (7, 7, 3)",
                mistakes=[([7, 7, 4], "'same' keeps the size only with stride 1; in general "
                                      "the output has ceil(n / strides) rows and columns."),
                          ([3, 3, 4], "With 'same' the image is padded: ceil(7 / 2) = 4, not "
                                      "the 'valid' size 3.")])
    check_close(params, 112, "the parameter count of Conv2D(4, 3) on (7, 7, 3)")


def cnn_problems(model, x):
    """Check what the returned model computes on the images x: a fitted model whose predict
    gives (20, 10) softmax probabilities, with at most 5,000 parameters (the hidden tests use
    it too)."""
    # Judged by what the model computes on plain arrays, nothing else.
    check_true(model is not None, "train_digit_cnn returned None: did you forget "
                                  "`return model`?")
    check_true(hasattr(model, "predict"),
               "train_digit_cnn should return the fitted model: return `model`, not what "
               "`model.fit(...)` returns (a History).")
    p = np.asarray(model.predict(x[:20]), dtype=float)
    check_true(p.shape == (20, 10),
               f"model.predict on 20 images of shape (8, 8, 1) gave shape {p.shape}, not "
               f"(20, 10): the network must end in Flatten() ... Dense(10, activation="
               f"'softmax'), one output per digit.")
    sums = p.sum(axis=-1)
    check_true(not (np.all((p >= 0) & (p <= 1)) and not np.allclose(sums, 1.0, atol=1e-4)),
               "The 10 outputs lie between 0 and 1 but do not sum to 1: the output layer uses "
               "a sigmoid. One digit per image needs a softmax: Dense(10, activation="
               "'softmax').")
    check_probabilities(p, axis=-1, name="the model's outputs for 20 images")
    check_true(model.count_params() <= 5000,
               f"The network has {model.count_params()} parameters; the exercise allows at "
               f"most 5,000. Use fewer filters, pool before Flatten, or a smaller Dense layer.")


def cnn_accuracy(model, x, y):
    """The model's accuracy on (x, y) from the argmax of its outputs, not the model's own
    metric (the hidden tests use it too)."""
    return float(np.mean(np.asarray(model.predict(x)).argmax(axis=-1) == np.asarray(y)))


def check_train_digit_cnn(train_digit_cnn, x_train, y_train, x_test, y_test):
    """Train on the notebook's training digits: a softmax model of at most 5,000 parameters
    that was trained and reaches 0.93 accuracy on the test digits (printed)."""
    model = train_digit_cnn(x_train, y_train)
    cnn_problems(model, x_test)
    acc = cnn_accuracy(model, x_test, y_test)
    check_true(acc > 0.2,
               f"The accuracy on the test digits is {acc:.3f}, about chance (0.1): the model "
               f"was not trained. Call model.fit(x_train, y_train, ...) before returning it.")
    check_true(acc >= 0.93,
               f"Your model's accuracy on the test digits is {acc:.3f}; it must be at least "
               f"0.93. Train longer (more epochs) or faster (Adam(learning_rate=0.01)).")
    print(f"test accuracy: {acc:.3f}")


def shift_reference(img, dy, dx):
    """One (H, W) image shifted by dy rows and dx columns with zero fill, as a plain loop over
    the pixels."""
    out = np.zeros_like(img)
    for r in range(img.shape[0]):
        for c in range(img.shape[1]):
            if 0 <= r - dy < img.shape[0] and 0 <= c - dx < img.shape[1]:
                out[r, c] = img[r - dy, c - dx]
    return out


def augment_reference(images, shifts, angles, noise, rotate_first=True):
    """What augment should return: each image rotated, then shifted, then the noise added and
    the result clipped to [0, 1]; rotate_first=False gives the shift-then-rotate mistake (the
    hidden tests use it too)."""
    out = np.zeros(np.shape(images))
    for i in range(len(images)):
        img = np.asarray(images[i], dtype=float)[:, :, 0]
        if rotate_first:
            img = shift_reference(ndimage.rotate(img, angles[i], reshape=False, order=1),
                                  *shifts[i])
        else:
            img = ndimage.rotate(shift_reference(img, *shifts[i]), angles[i], reshape=False,
                                 order=1)
        out[i, :, :, 0] = img
    return np.clip(out + noise, 0, 1)


def check_augment(augment, x_test):
    """A bright pixel shifted by whole pixels (input left unchanged, rows first, zero fill, not
    np.roll, float32 result), then three test digits rotated, shifted and noised (clipped, in
    that order)."""
    # A single bright pixel, moved by whole pixels.
    dot = np.zeros((2, 5, 5, 1))
    dot[:, 4, 1, 0] = 1.0                                        # bottom row, second column
    none = np.zeros((2, 5, 5, 1))
    kept = dot.copy()
    want = shift_reference(dot[0, :, :, 0], -1, 2)               # computed before the call
    swapped = shift_reference(dot[0, :, :, 0], 2, -1)
    opposite = shift_reference(dot[0, :, :, 0], 1, -2)
    rolled = np.roll(dot[1, :, :, 0], 1, axis=0)
    out = augment(dot, np.array([[-1, 2], [1, 0]]), np.zeros(2), none)
    check_close(dot, kept, "the images you were given (after the call)",
                hint="augment changed its input: work on a new array (np.zeros or .copy()), "
                     "not on `images` in place.")
    check_shape(out, (2, 5, 5, 1), "augment of a (2, 5, 5, 1) batch")
    check_close(out[0, :, :, 0], want,
                "the first image shifted by (dy, dx) = (-1, 2): one row up, two columns right",
                mistakes=[(swapped, "You moved dx rows and dy columns: shifts[i] is (dy, dx), "
                                    "rows first."),
                          (opposite, "The content moved the opposite way: positive dy moves it "
                                     "down, positive dx to the right.")])
    check_close(out[1, :, :, 0], np.zeros((5, 5)),
                "the second image: its bright pixel in the bottom row moved one row down",
                mistakes=[(rolled, "The pixel that left at the bottom came back at the top: "
                                   "np.roll wraps around. Fill with zeros instead.")],
                hint="A pixel moved out of the image is lost; what comes in is 0.")
    check_true(np.asarray(out).dtype == np.float32,
               f"augment should return float32 images, got {np.asarray(out).dtype}: finish "
               f"with .astype(np.float32).")
    # Rotation, then shift, then noise and clipping, on real digits.
    imgs = x_test[:3].astype(np.float64)
    shifts = np.array([[1, 0], [0, -1], [-1, 1]])
    angles = np.array([12.0, -8.0, 5.0])
    noise = np.random.default_rng(0).normal(0.0, 0.3, size=imgs.shape)
    out = augment(imgs, shifts, angles, noise)
    unclipped = augment_reference(imgs, shifts, angles, 0) + noise
    check_close(out, augment_reference(imgs, shifts, angles, noise), "augment of three digits",
                atol=1e-5, rtol=1e-5,
                mistakes=[(unclipped, "Some pixels are below 0 or above 1: clip the result to "
                                      "[0, 1] after adding the noise (np.clip)."),
                          (augment_reference(imgs, shifts, angles, noise, rotate_first=False),
                           "You shifted before rotating. The order is: rotate about the centre, "
                           "then shift, then add the noise.")])

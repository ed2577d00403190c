"""Tests for chapter 14's convolution explorer: the numbers it shows are the right ones."""
import numpy as np
import pytest
from matplotlib.figure import Figure
from scipy import signal

from course_lib.widgets.convolution import (KERNELS, conv_window, convolution_explorer,
                                            draw_convolution)


def new_axes():
    fig = Figure()
    return [fig.add_subplot(1, 3, k) for k in (1, 2, 3)]


def small_image(h=7, w=6, seed=0):
    return np.random.default_rng(seed).random((h, w))


def test_valid_window_is_the_hand_slice_and_matches_scipy_correlation():
    image = small_image()
    kernel = np.array([[1.0, 2.0, 0.0], [-1.0, 0.5, 3.0]])    # asymmetric: flipping would show
    reference = signal.correlate2d(image, kernel, mode="valid")  # 6x4
    for row, col in [(0, 0), (2, 3), (5, 1)]:
        info = conv_window(image, kernel, 1, "valid", row, col)
        np.testing.assert_array_equal(info["window"], image[row:row + 2, col:col + 3])
        np.testing.assert_allclose(info["products"], image[row:row + 2, col:col + 3] * kernel)
        assert info["value"] == pytest.approx(reference[row, col])
    assert conv_window(image, kernel)["out_shape"] == reference.shape


def test_stride_and_same_padding_follow_tensorflow():
    # n = 7, f = 3, s = 2: out = ceil(7 / 2) = 4, total pad = (4 - 1) * 2 + 3 - 7 = 2 -> (1, 1).
    # n = 6, f = 3, s = 2: out = 3, total pad = (3 - 1) * 2 + 3 - 6 = 1 -> (0, 1), extra after.
    image = small_image(7, 6)
    kernel = KERNELS["sharpen 3x3"]
    info = conv_window(image, kernel, 2, "same", 3, 2)
    assert info["out_shape"] == (4, 3)
    assert info["pads"] == ((1, 1), (0, 1))
    padded = np.zeros((9, 7))
    padded[1:8, 0:6] = image
    np.testing.assert_array_equal(info["padded"], padded)
    assert (info["top"], info["left"]) == (6, 4)
    assert info["value"] == pytest.approx(float(np.sum(padded[6:9, 4:7] * kernel)))
    # valid with stride 2: floor((7 - 3) / 2) + 1 = 3 rows, floor((6 - 3) / 2) + 1 = 2 columns
    assert conv_window(image, kernel, 2, "valid")["out_shape"] == (3, 2)


def test_row_and_col_are_clipped_into_the_output():
    info = conv_window(small_image(), KERNELS["box blur 3x3"], 1, "valid", 99, 99)
    assert (info["row"], info["col"]) == (4, 3)


def test_bias_is_added_and_bad_arguments_are_named():
    image = small_image()
    plain = conv_window(image, KERNELS["identity 3x3"], row=1, col=2)
    assert plain["value"] == pytest.approx(image[2, 3])
    assert conv_window(image, KERNELS["identity 3x3"], row=1, col=2,
                       bias=0.5)["value"] == pytest.approx(image[2, 3] + 0.5)
    with pytest.raises(ValueError, match="padding"):
        conv_window(image, KERNELS["identity 3x3"], padding="full")
    with pytest.raises(ValueError, match="kernel"):
        conv_window(image, "no such kernel")
    with pytest.raises(ValueError, match="image"):
        conv_window(np.zeros((2, 3, 4)), KERNELS["identity 3x3"])
    with pytest.raises(TypeError, match="axes"):
        draw_convolution(new_axes()[:2], image, KERNELS["identity 3x3"])


def test_drawing_shows_the_products_the_window_and_the_output():
    image = small_image(8, 9)
    kernel = KERNELS["vertical edges (Sobel x) 3x3"]
    axes = new_axes()
    info = draw_convolution(axes, image, kernel, 1, "valid", 2, 4)
    reference = signal.correlate2d(image, kernel, mode="valid")
    np.testing.assert_allclose(axes[2].images[0].get_array(), reference)
    np.testing.assert_allclose(axes[1].images[0].get_array(), image[2:5, 4:7] * kernel)
    assert info["library_value"] == pytest.approx(reference[2, 4])
    # the products are written into their cells, in reading order
    texts = [t.get_text() for t in axes[1].texts]
    assert len(texts) == 9
    assert texts[2] == f"{image[2, 6] * kernel[0, 2]:.2f}"
    # the red window on the input covers rows 2..4 and columns 4..6
    window = [p for p in axes[0].patches if p.get_gid() == "conv-window"][0]
    assert (window.get_x(), window.get_y(), window.get_width(), window.get_height()) == (
        3.5, 1.5, 3, 3)
    # redrawing with a 5x5 kernel rebuilds the product grid with 25 cells
    draw_convolution(axes, image, KERNELS["box blur 5x5"], 1, "same", 0, 0)
    assert len(axes[1].texts) == 25 and len(axes[1].images) == 1


def test_explorer_wires_the_controls_and_agrees_with_scipy():
    image = small_image(12, 10, seed=3)
    box = convolution_explorer(image, kernel="sharpen 3x3", row=2, col=3)
    assert "course-widget" in box._dom_classes
    reference = signal.correlate2d(image, KERNELS["sharpen 3x3"], mode="valid")
    assert f"{reference[2, 3]:.4f}" in box.readout.value
    assert box.row_slider.max == 9 and box.col_slider.max == 7
    # the read-out writes the sum out: the centre pixel (3, 4) times the centre weight 5
    assert f"{image[3, 4]:.2f}&times;(5)" in box.readout.value
    assert "rows 2..4, columns 3..5" in box.readout.value
    before = box.image.value
    box.col_slider.value = 5
    assert box.image.value != before
    assert f"{reference[2, 5]:.4f}" in box.readout.value
    # stride 3, valid: floor((12 - 3) / 3) + 1 = 4 rows, floor((10 - 3) / 3) + 1 = 3 columns
    box.stride_slider.value = 3
    assert (box.row_slider.max, box.col_slider.max) == (3, 2)
    assert box.col_slider.value == 2
    assert f"{reference[6, 6]:.4f}" in box.readout.value
    box.padding_buttons.value = "same"
    assert (box.row_slider.max, box.col_slider.max) == (3, 3)   # ceil(12/3), ceil(10/3)
    # every slider starts on one of its steps
    for slider in (box.row_slider, box.col_slider, box.stride_slider):
        assert (slider.value - slider.min) % slider.step == 0


def test_default_explorer_uses_the_sample_photo():
    box = convolution_explorer()
    assert box.axes[0].images[0].get_array().shape == (48, 41)
    assert box.axes[2].images[0].get_array().shape == (46, 39)

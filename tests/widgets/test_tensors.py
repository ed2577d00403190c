"""Tests for course_lib.widgets.tensors: the slice, its picture and its shape read back right.

References are built independently here: slices by plain loops over the kept axes, shapes by
deleting one entry of the shape tuple by hand.
"""
import itertools
import time

import ipywidgets as widgets
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from course_lib.widgets.tensors import (draw_tensor_slice, slice_expression, slice_picture,
                                        tensor_slice, tensor_slice_explorer)

# A batch of 2 images of 3 x 4 pixels with 1 channel, every entry distinct: x[n, h, w, 0] =
# 100 n + 10 h + w, so any misplaced value shows.
X = np.array([[[[100.0 * n + 10.0 * h + w] for w in range(4)] for h in range(3)]
              for n in range(2)])


def loop_slice(x, axis, index):
    """x[..., index, ...] by a plain loop over every kept index (the test's own reference)."""
    kept = [range(d) for k, d in enumerate(x.shape) if k != axis]
    out = np.empty([d for k, d in enumerate(x.shape) if k != axis])
    for idx in itertools.product(*kept):
        full = list(idx)
        full.insert(axis, index)
        out[idx] = x[tuple(full)]
    return out


def shown(fig):
    (image,) = fig.axes[0].images
    return np.asarray(image.get_array(), dtype=float)


def test_tensor_slice_removes_the_chosen_axis():
    # Worked by hand: image 1, pixel row 2 is 120, 121, 122, 123.
    np.testing.assert_array_equal(tensor_slice(X, 0, 1)[2, :, 0], [120, 121, 122, 123])
    # Row 1 of every image: (2, 4, 1), values 10..13 and 110..113.
    np.testing.assert_array_equal(tensor_slice(X, 1, 1)[..., 0],
                                  [[10, 11, 12, 13], [110, 111, 112, 113]])
    assert tensor_slice(X, 3, 0).shape == (2, 3, 4)
    # Negative axis and index count from the end, as in NumPy.
    np.testing.assert_array_equal(tensor_slice(X, -2, -1), loop_slice(X, 2, 3))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=2, max_size=5), st.data())
def test_tensor_slice_matches_a_loop_for_any_shape(shape, data):
    x = np.arange(np.prod(shape), dtype=float).reshape(shape)
    axis = data.draw(st.integers(0, len(shape) - 1))
    index = data.draw(st.integers(0, shape[axis] - 1))
    part = tensor_slice(x, axis, index)
    assert part.shape == tuple(shape[:axis] + shape[axis + 1:])
    np.testing.assert_array_equal(part, loop_slice(x, axis, index))


def test_slice_expression():
    assert slice_expression(4, 0, 5) == "x[5]"
    assert slice_expression(4, 1, 3) == "x[:, 3]"
    assert slice_expression(4, 3, 0, name="images") == "images[:, :, :, 0]"
    assert slice_expression(3, -1, 2) == "x[:, :, 2]"


def test_slice_picture_layouts():
    np.testing.assert_array_equal(slice_picture(np.array([1.0, 2.0, 3.0])), [[1, 2, 3]])
    m = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(slice_picture(m), m)
    # A single grey image with its channel axis: the channel is dropped.
    np.testing.assert_array_equal(slice_picture(m[..., None]), m)
    # A pixel row of a photo, (n, 3), is a strip of colour pixels only when asked for.
    row = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    assert slice_picture(row, rgb=True).shape == (1, 2, 3)
    assert slice_picture(row).shape == (2, 3)
    # A colour image stays (h, w, 3) unless colour is switched off.
    rgb = np.zeros((2, 5, 3))
    assert slice_picture(rgb).shape == (2, 5, 3)
    # Three 2 x 2 grey tiles go in a 2 x 2 grid (ceil(sqrt(3)) = 2 columns) with a 1-pixel
    # NaN gap: 2 + 1 + 2 = 5 pixels each way, and the fourth cell stays empty.
    tiles = np.stack([np.full((2, 2), k) for k in (1.0, 2.0, 3.0)])
    grid = slice_picture(tiles)
    assert grid.shape == (5, 5)
    np.testing.assert_array_equal(grid[:2, :2], 1.0)
    np.testing.assert_array_equal(grid[:2, 3:], 2.0)
    np.testing.assert_array_equal(grid[3:, :2], 3.0)
    assert np.isnan(grid[2, :]).all() and np.isnan(grid[:, 2]).all()
    assert np.isnan(grid[3:, 3:]).all()


def test_draw_shows_the_slice_and_its_shape():
    fig = Figure()
    text = draw_tensor_slice(fig, X, 1, 2, axis_names=("sample", "height", "width", "channel"))
    # Row 2 of both images: (2, 4, 1), shown as a 2 x 4 grey picture.
    np.testing.assert_array_equal(shown(fig), loop_slice(X, 1, 2)[..., 0])
    assert fig.axes[0].get_title() == "x[:, 2]  →  shape (2, 4, 1)"
    assert "<b>(2, 4, 1)</b>" in text and "axis 1 (height)" in text
    assert "(sample, width, channel)" in text and "a rank-3 tensor" in text
    # One grey scale for the whole tensor, so slices compare by brightness.
    assert fig.axes[0].images[0].get_clim() == (0.0, 123.0)


def test_redrawing_replaces_the_picture_in_place():
    fig = Figure()
    draw_tensor_slice(fig, X, 0, 0)
    n_children = len(fig.axes[0].get_children())
    text = draw_tensor_slice(fig, X, 3, 0)
    assert len(fig.axes) == 1 and len(fig.axes[0].get_children()) == n_children
    assert "<b>(2, 3, 4)</b>" in text and "a rank-3 tensor" in text
    # Two 3 x 4 images side by side in a 1 x 2 grid with a gap: 3 x 9.
    picture = shown(fig)
    assert picture.shape == (3, 9)
    np.testing.assert_array_equal(picture[:, :4], X[0, :, :, 0])
    np.testing.assert_array_equal(picture[:, 5:], X[1, :, :, 0])
    assert fig.axes[0].get_xlim() == (-0.5, 8.5)


def test_a_colour_photo_is_drawn_in_colour_scaled_to_its_range():
    photo = np.zeros((4, 5, 3))
    photo[..., 0] = 2.0            # pure red at twice the unit range
    fig = Figure()
    draw_tensor_slice(fig, photo, 0, 1)    # one pixel row: a strip of 5 colour pixels
    picture = shown(fig)
    assert picture.shape == (1, 5, 3)
    np.testing.assert_allclose(picture[0], [[1.0, 0.0, 0.0]] * 5)
    text = draw_tensor_slice(fig, photo, 2, 1)   # the green channel: a grey (4, 5) matrix
    assert "a matrix" in text and shown(fig).shape == (4, 5)


def test_explorer_container_controls_and_picture():
    box = tensor_slice_explorer(X, axis_names=("sample", "height", "width", "channel"))
    assert isinstance(box, widgets.Box) and "course-widget" in box._dom_classes
    sliders = [w for w in box.children[0].children if isinstance(w, widgets.IntSlider)]
    assert sliders == [box.index_slider]
    assert isinstance(box.axis_dropdown, widgets.Dropdown)
    assert [value for _, value in box.axis_dropdown.options] == [0, 1, 2, 3]
    assert bytes(box.image.value).startswith(b"\x89PNG")
    assert (box.index_slider.min, box.index_slider.max) == (0, 1)


def test_moving_the_controls_redraws_and_the_slider_follows_the_axis():
    box = tensor_slice_explorer(X)
    before = box.image.value
    box.index_slider.value = 1
    assert box.image.value != before
    np.testing.assert_array_equal(shown(box.figure), X[1, :, :, 0])
    box.axis_dropdown.value = 2               # the width axis has 4 positions
    assert box.index_slider.max == 3
    box.index_slider.value = 3
    np.testing.assert_array_equal(shown(box.figure), loop_slice(X, 2, 3)[..., 0])
    assert "<b>(2, 3, 1)</b>" in box.readout.value
    box.axis_dropdown.value = 3               # one channel: the slider shrinks to 0..0
    assert (box.index_slider.max, box.index_slider.value) == (0, 0)
    assert "<code>x[:, :, :, 0]</code>" in box.readout.value


def test_a_slider_move_is_fast_enough_to_feel_live():
    rng = np.random.default_rng(0)
    box = tensor_slice_explorer(rng.uniform(size=(12, 8, 8, 1)).astype(np.float32))
    times = []
    for value in [1, 2, 3, 4, 5, 6, 7]:
        start = time.perf_counter()
        box.index_slider.value = value
        times.append(time.perf_counter() - start)
    # Typically 30-60 ms here; the bound leaves room for a busy shared CI machine.
    assert np.median(times) < 0.3


@pytest.mark.parametrize("call, error, arg", [
    (lambda: tensor_slice(np.zeros(3), 0, 0), ValueError, "x"),
    (lambda: tensor_slice(np.zeros((2, 2, 2, 2, 2, 2)), 0, 0), ValueError, "x"),
    (lambda: tensor_slice("abc", 0, 0), TypeError, "x"),
    (lambda: tensor_slice(np.zeros((0, 3)), 0, 0), ValueError, "x"),
    (lambda: tensor_slice(X, 4, 0), ValueError, "axis"),
    (lambda: tensor_slice(X, 1.0, 0), TypeError, "axis"),
    (lambda: tensor_slice(X, 0, 2), ValueError, "index"),
    (lambda: slice_expression(0, 0, 0), ValueError, "ndim"),
    (lambda: slice_expression(3, 0, 0, name=1), TypeError, "name"),
    (lambda: draw_tensor_slice(Figure(), X, 0, 0, axis_names=("a", "b")), ValueError,
     "axis_names"),
    (lambda: draw_tensor_slice(Figure(), [[1.0, np.nan]], 0, 0), ValueError, "x"),
    (lambda: tensor_slice_explorer(X, index=5), ValueError, "index"),
    (lambda: tensor_slice_explorer(X, axis="0"), TypeError, "axis"),
])
def test_bad_input_names_the_argument(call, error, arg):
    with pytest.raises(error, match=f"'{arg}'"):
        call()

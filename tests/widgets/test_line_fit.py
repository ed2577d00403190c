"""Tests for course_lib.widgets: the drawing reads back right, the sliders are wired."""
import re

import ipywidgets as widgets
import numpy as np
import pytest
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure

from course_lib.widgets import draw_line_fit, line_fit_explorer, render_png

# A small case worked out by hand: with w = 2, b = 1 the line gives 1, 3, 5, 7, so the
# residuals y - y_hat are 1, -1, 0, 2: MAE = 4/4 = 1.0 and MSE = 6/4 = 1.5.
X = np.array([0.0, 1.0, 2.0, 3.0])
Y = np.array([2.0, 2.0, 5.0, 9.0])


def new_axes():
    return Figure().add_subplot()


def title_numbers(ax):
    title = ax.get_title()
    return {k: float(v) for k, v in re.findall(r"(\w+) = (-?[\d.]+)", title)}


def test_draw_line_fit_returns_and_shows_mae_and_mse():
    ax = new_axes()
    mae, mse = draw_line_fit(ax, X, Y, 2.0, 1.0)
    assert mae == pytest.approx(1.0) and mse == pytest.approx(1.5)
    shown = title_numbers(ax)
    assert shown == {"w": 2.0, "b": 1.0, "MAE": 1.0, "MSE": 1.5}
    ax2 = new_axes()
    draw_line_fit(ax2, X, Y, 2.0, 1.0, show_mse=False)
    assert "MSE" not in ax2.get_title()


def test_draw_line_fit_draws_the_line_points_and_residuals():
    ax = new_axes()
    draw_line_fit(ax, X, Y, 2.0, 1.0)
    (line,) = ax.lines
    xs, ys = (np.asarray(v, dtype=float) for v in line.get_data())
    np.testing.assert_allclose(ys, 2.0 * xs + 1.0)
    # The line crosses the whole visible range.
    np.testing.assert_allclose(xs, ax.get_xlim())
    points = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(points) == 1
    np.testing.assert_allclose(points[0].get_offsets(), np.column_stack([X, Y]))
    segments = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(segments) == 1
    segs = segments[0].get_segments()
    assert len(segs) == len(X)
    for (x_i, y_i), seg in zip(zip(X, Y), segs):
        np.testing.assert_allclose(seg, [[x_i, y_i], [x_i, 2.0 * x_i + 1.0]])


def test_every_point_lies_in_view():
    ax = new_axes()
    draw_line_fit(ax, X, Y, 0.0, 0.0)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert x0 < X.min() and X.max() < x1 and y0 < Y.min() and Y.max() < y1


def test_redrawing_moves_the_artists_instead_of_adding_more():
    ax = new_axes()
    draw_line_fit(ax, X, Y, 2.0, 1.0)
    n_children = len(ax.get_children())
    mae, _ = draw_line_fit(ax, X, Y, 0.0, 4.5)     # residuals -2.5, -2.5, 0.5, 4.5
    assert mae == pytest.approx(10.0 / 4)
    assert len(ax.get_children()) == n_children
    (line,) = ax.lines
    np.testing.assert_allclose(line.get_data()[1], [4.5, 4.5])
    assert title_numbers(ax)["MAE"] == pytest.approx(2.5)


def test_a_perfect_fit_has_zero_error_and_accepts_lists():
    ax = new_axes()
    mae, mse = draw_line_fit(ax, [1, 2, 3], [1, 3, 5], 2, -1)
    assert mae == 0.0 and mse == 0.0


def test_explorer_container_sliders_and_class():
    box = line_fit_explorer(X, Y)
    assert isinstance(box, widgets.Box)
    assert "course-widget" in box._dom_classes
    sliders = [w for w in box.children[0].children if isinstance(w, widgets.FloatSlider)]
    assert sliders == [box.w_slider, box.b_slider]
    assert isinstance(box.image, widgets.Image) and box.image in box.children
    assert bytes(box.image.value).startswith(b"\x89PNG")
    # The default slider ranges hold the least-squares line, by hand
    # w = Sxy / Sxx = 12 / 5 = 2.4 and b = mean(y) - w mean(x) = 4.5 - 2.4 * 1.5 = 0.9.
    assert box.w_slider.min < 2.4 < box.w_slider.max
    assert box.b_slider.min < 0.9 < box.b_slider.max


def test_moving_a_slider_redraws_the_picture_and_the_numbers():
    box = line_fit_explorer(X, Y, w=0.0, b=0.0)
    before_png, before_text = box.image.value, box.readout.value
    box.w_slider.value = 2.0
    box.b_slider.value = 1.0
    assert box.image.value != before_png
    assert box.readout.value != before_text
    assert "MAE = <b>1.000</b>" in box.readout.value
    assert "MSE = <b>1.500</b>" in box.readout.value
    assert title_numbers(box.ax)["MAE"] == pytest.approx(1.0)
    (line,) = box.ax.lines
    xs, ys = line.get_data()
    np.testing.assert_allclose(ys, 2.0 * np.asarray(xs) + 1.0)


def test_explorer_respects_given_ranges_and_start_values():
    box = line_fit_explorer(X, Y, w=1.0, b=-2.0, w_range=(-3, 3), b_range=(-5, 5))
    # the grid is laid through the start value: the range moves by less than half a step
    step = box.w_slider.step
    assert step == pytest.approx(6 / 200)
    assert abs(box.w_slider.min - -3) <= step / 2 and abs(box.w_slider.max - 3) <= step / 2
    assert (box.b_slider.min, box.b_slider.max) == (-5, 5)  # -2.0 is on the grid already
    assert (box.w_slider.value, box.b_slider.value) == (1.0, -2.0)
    assert title_numbers(box.ax)["w"] == 1.0


def test_render_png_gives_png_bytes():
    ax = new_axes()
    draw_line_fit(ax, X, Y, 1.0, 0.0)
    assert render_png(ax.figure).startswith(b"\x89PNG")


@pytest.mark.parametrize("call, error, arg", [
    (lambda: draw_line_fit(new_axes(), [1, 2], [1, 2, 3], 1.0, 0.0), ValueError, "x"),
    (lambda: draw_line_fit(new_axes(), [[1, 2]], [1, 2], 1.0, 0.0), ValueError, "x"),
    (lambda: draw_line_fit(new_axes(), [1, 2], "ab", 1.0, 0.0), TypeError, "y"),
    (lambda: draw_line_fit(new_axes(), [1, 2], [1, np.nan], 1.0, 0.0), ValueError, "y"),
    (lambda: draw_line_fit(new_axes(), [1, 2], [1, 2], "1", 0.0), TypeError, "w"),
    (lambda: draw_line_fit(new_axes(), [1, 2], [1, 2], 1.0, np.inf), ValueError, "b"),
    (lambda: draw_line_fit(new_axes(), [], [], 1.0, 0.0), ValueError, "x"),
    (lambda: line_fit_explorer([1, 2], [1, 2], w_range=(3, 1)), ValueError, "w_range"),
    (lambda: line_fit_explorer([1, 2], [1, 2], b_range=5), ValueError, "b_range"),
    (lambda: line_fit_explorer([1, 2], [1, 2], w=None), TypeError, "w"),
])
def test_bad_input_names_the_argument(call, error, arg):
    with pytest.raises(error, match=f"'{arg}'"):
        call()

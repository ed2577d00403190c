"""Tests for chapter 05's explorer: BCE and squared error of one sample, and their gradients.

References are independent of the module: cases worked out by hand, course_lib.losses (its own
implementation with Keras numerics) and centred finite differences in float64.
"""
import re

import ipywidgets as widgets
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from course_lib import losses
from course_lib.widgets.losses import (binary_loss_values, draw_loss_comparison,
                                       loss_explorer)

probabilities = st.floats(min_value=1e-3, max_value=1 - 1e-3)
labels = st.sampled_from([0, 1])


def test_values_worked_out_by_hand():
    # y = 1, p = 1/2: BCE = -log(1/2) = log 2, SE = 1/4; the sigmoid's slope p(1-p) = 1/4, so
    # dBCE/dz = p - y = -1/2 and dSE/dz = 2 (p - y) p (1 - p) = -1/4;
    # dBCE/dp = (p - y) / (p (1 - p)) = -2 and dSE/dp = 2 (p - y) = -1.
    v = binary_loss_values(0.5, 1, "logit")
    assert v == pytest.approx({"bce": np.log(2), "mse": 0.25, "bce_grad": -0.5,
                               "mse_grad": -0.25})
    v = binary_loss_values(0.5, 1, "probability")
    assert v["bce_grad"] == pytest.approx(-2.0) and v["mse_grad"] == pytest.approx(-1.0)
    # y = 0, p = 0.9: BCE = -log(0.1), SE = 0.81, dBCE/dz = 0.9, dSE/dz = 2 * 0.9 * 0.09.
    v = binary_loss_values(0.9, 0)
    assert v == pytest.approx({"bce": -np.log(0.1), "mse": 0.81, "bce_grad": 0.9,
                               "mse_grad": 0.162})


@settings(max_examples=40, deadline=None)
@given(p=probabilities, y=labels)
def test_losses_agree_with_the_library(p, y):
    v = binary_loss_values(p, y, "probability")
    assert v["bce"] == pytest.approx(losses.binary_crossentropy([y], [p]), rel=1e-9)
    assert v["mse"] == pytest.approx(losses.mean_squared_error([y], [p]), rel=1e-9, abs=1e-15)
    assert v["bce_grad"] == pytest.approx(
        losses.binary_crossentropy_gradient([y], [p])[0], rel=1e-9)
    assert v["mse_grad"] == pytest.approx(
        losses.mean_squared_error_gradient([y], [p])[0], rel=1e-9, abs=1e-15)
    z = np.log(p) - np.log1p(-p)     # the logit whose sigmoid is p
    v = binary_loss_values(p, y, "logit")
    assert v["bce_grad"] == pytest.approx(
        losses.binary_crossentropy_gradient([y], [z], from_logits=True)[0], rel=1e-6, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(p=st.floats(min_value=0.01, max_value=0.99), y=labels)
def test_logit_gradients_match_finite_differences(p, y):
    z, h = np.log(p) - np.log1p(-p), 1e-5

    def sigmoid(t):
        return 1.0 / (1.0 + np.exp(-t))

    def bce(t):
        q = sigmoid(t)
        return -(y * np.log(q) + (1 - y) * np.log(1 - q))

    def se(t):
        return (y - sigmoid(t)) ** 2

    v = binary_loss_values(p, y, "logit")
    assert v["bce_grad"] == pytest.approx((bce(z + h) - bce(z - h)) / (2 * h), abs=1e-7)
    assert v["mse_grad"] == pytest.approx((se(z + h) - se(z - h)) / (2 * h), abs=1e-7)


@settings(max_examples=60, deadline=None)
@given(p=probabilities, y=labels)
def test_bce_gradient_on_the_logit_is_always_at_least_twice_the_squared_errors(p, y):
    # |dSE/dz| = 2 |p - y| p (1 - p) <= |p - y| / 2 = |dBCE/dz| / 2, since p (1 - p) <= 1/4:
    # the picture's lesson holds everywhere, most of all for confident wrong answers.
    v = binary_loss_values(p, y, "logit")
    assert abs(v["mse_grad"]) <= abs(v["bce_grad"]) / 2 + 1e-15
    # Mirror symmetry: label 0 at p is label 1 at 1 - p, gradients with the opposite sign.
    w = binary_loss_values(1 - p, 1 - y, "logit")
    assert w["bce"] == pytest.approx(v["bce"], rel=1e-6)
    assert w["mse"] == pytest.approx(v["mse"], rel=1e-6, abs=1e-15)
    assert w["bce_grad"] == pytest.approx(-v["bce_grad"], rel=1e-6, abs=1e-15)


def test_confident_wrong_answer_squared_error_gradient_vanishes():
    v = binary_loss_values(0.001, 1, "logit")
    assert abs(v["mse_grad"]) < 0.002 and v["bce_grad"] == pytest.approx(-0.999)


def test_arrays_come_back_with_the_shape_of_p():
    p = np.array([[0.2, 0.4], [0.6, 0.8]])
    v = binary_loss_values(p, 1)
    for key in ("bce", "mse", "bce_grad", "mse_grad"):
        assert v[key].shape == (2, 2)
    np.testing.assert_allclose(v["bce"], -np.log(p))


def _artist(ax, gid):
    return next(a for a in ax.get_children() if a.get_gid() == gid)


def test_drawing_puts_every_marker_on_its_curve_at_p():
    fig = Figure()
    v = draw_loss_comparison(fig, 0.2, 1, "logit")
    ax_loss, ax_grad = fig.axes
    for ax, kind in ((ax_loss, ""), (ax_grad, "_grad")):
        for name in ("bce", "mse"):
            xs, ys = _artist(ax, name + kind).get_data()
            mx, my = _artist(ax, name + kind + "_at").get_data()
            assert mx[0] == 0.2 and my[0] == pytest.approx(v[name + kind])
            assert np.interp(0.2, xs, ys) == pytest.approx(my[0], rel=2e-3)
    assert "y = 1" in ax_loss.get_title() and "logit" in ax_grad.get_title()
    assert ax_grad.get_ylim() == pytest.approx((-1.1, 1.1))


def test_redrawing_moves_the_artists_and_follows_y_and_wrt():
    fig = Figure()
    draw_loss_comparison(fig, 0.2, 1, "logit")
    counts = [len(ax.get_children()) for ax in fig.axes]
    v = draw_loss_comparison(fig, 0.7, 0, "probability")
    assert [len(ax.get_children()) for ax in fig.axes] == counts
    ax_loss, ax_grad = fig.axes
    xs, ys = _artist(ax_loss, "bce").get_data()
    np.testing.assert_allclose(ys, -np.log1p(-np.asarray(xs)))      # y = 0: -log(1 - p)
    mx, my = _artist(ax_grad, "bce_grad_at").get_data()
    assert mx[0] == 0.7 and my[0] == pytest.approx(0.7 / (0.7 * 0.3))
    assert v["bce_grad"] == pytest.approx(1 / 0.3)
    assert ax_grad.get_ylim() == pytest.approx((-10, 10)) and "dL/dp" in ax_grad.get_ylabel()
    assert list(_artist(ax_loss, "p").get_xdata()) == [0.7, 0.7]


def test_explorer_is_a_course_widget_whose_first_slider_is_p():
    box = loss_explorer(p=0.05, y=1)
    assert isinstance(box, widgets.Box) and "course-widget" in box._dom_classes
    first_row = box.children[0].children
    assert isinstance(first_row[0], widgets.FloatSlider) and first_row[0] is box.p_slider
    assert (box.p_slider.min, box.p_slider.max) == (0.001, 0.999)
    assert bytes(box.image.value).startswith(b"\x89PNG")
    shown = dict(re.findall(r"(BCE|squared error) = <b>([\d.]+)</b>", box.readout.value))
    assert float(shown["BCE"]) == pytest.approx(-np.log(0.05), abs=1e-3)
    assert float(shown["squared error"]) == pytest.approx(0.95 ** 2, abs=1e-3)


def test_moving_the_controls_redraws_picture_and_readout():
    box = loss_explorer(p=0.05, y=1)
    png, text = box.image.value, box.readout.value
    box.p_slider.value = 0.8
    assert box.image.value != png and box.readout.value != text
    assert "dBCE/dz = <b>-0.200</b>" in box.readout.value
    box.wrt_buttons.value = "probability"
    assert "dBCE/dp = <b>-1.250</b>" in box.readout.value          # -0.2 / (0.8 * 0.2)
    box.y_buttons.value = 0
    assert "BCE = <b>1.609</b>" in box.readout.value               # -log(0.2)


@pytest.mark.parametrize("call, error, arg", [
    (lambda: binary_loss_values(0.0, 1), ValueError, "p"),
    (lambda: binary_loss_values([0.5, 1.0], 1), ValueError, "p"),
    (lambda: binary_loss_values("0.5", 1), TypeError, "p"),
    (lambda: binary_loss_values(0.5, 2), ValueError, "y"),
    (lambda: binary_loss_values(0.5, True), ValueError, "y"),
    (lambda: binary_loss_values(0.5, 1, "z"), ValueError, "wrt"),
    (lambda: draw_loss_comparison(Figure(), 1.5, 1), ValueError, "p"),
    (lambda: draw_loss_comparison(Figure(), None, 1), TypeError, "p"),
    (lambda: draw_loss_comparison(Figure(), 0.5, 0.5), ValueError, "y"),
    (lambda: loss_explorer(p=0.0), ValueError, "p"),
    (lambda: loss_explorer(y=-1), ValueError, "y"),
    (lambda: loss_explorer(wrt=3), TypeError, "wrt"),
])
def test_bad_input_names_the_argument(call, error, arg):
    with pytest.raises(error, match=f"'{arg}'"):
        call()

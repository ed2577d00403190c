"""Tests for chapter 04's explorer: the curves read back right, the controls are wired."""
import time

import ipywidgets as widgets
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from course_lib.widgets.activations import (ACTIVATIONS, activation_curve, activation_explorer,
                                            draw_activation)


def new_axes():
    fig = Figure()
    return [fig.add_subplot(2, 1, 1), fig.add_subplot(2, 1, 2)]


def sigmoid_ref(z):
    # Written here independently: sigma(z) = e^z / (1 + e^z) for the small z these tests use.
    return np.exp(z) / (1.0 + np.exp(z))


# The formulas written out by hand, for inputs away from the kinks.
REFERENCE = {
    "linear": lambda z: z,
    "step": lambda z: (z >= 0).astype(float),
    "sigmoid": sigmoid_ref,
    "tanh": lambda z: (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z)),
    "relu": lambda z: np.where(z > 0, z, 0.0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.3 * z),
    "elu": lambda z: np.where(z > 0, z, np.exp(np.minimum(z, 0)) - 1.0),
}


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_curve_and_slope_match_the_formula_and_finite_differences(name):
    w, b = 1.7, -0.4
    # Points chosen so that no z = w x + b sits within 1e-3 of the kink at 0.
    x = np.array([-3.1, -1.2, -0.05, 0.5, 1.3, 2.9])
    y, slope, local = activation_curve(name, w, b, x)
    np.testing.assert_allclose(y, REFERENCE[name](w * x + b), rtol=1e-12, atol=1e-12)
    h = 1e-6
    numeric = (REFERENCE[name](w * (x + h) + b) - REFERENCE[name](w * (x - h) + b)) / (2 * h)
    np.testing.assert_allclose(slope, numeric, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(slope, w * local)


def test_draw_activation_draws_the_curve_and_the_slope():
    axes = new_axes()
    info = draw_activation(axes, "sigmoid", 2.0, 1.0, x_range=(-3, 3), n_points=61)
    xs, ys = (np.asarray(v, float) for v in axes[0].lines[0].get_data())
    np.testing.assert_allclose(xs, np.linspace(-3, 3, 61))
    np.testing.assert_allclose(ys, sigmoid_ref(2 * xs + 1))
    _, slope = (np.asarray(v, float) for v in axes[1].lines[0].get_data())
    s = sigmoid_ref(2 * xs + 1)
    np.testing.assert_allclose(slope, 2 * s * (1 - s), rtol=1e-12, atol=1e-15)
    # By hand: f(b) = sigma(1) = 0.7311; the steepest slope w/4 = 0.5 is reached at x = -0.5,
    # a grid point.
    assert info["y_at_0"] == pytest.approx(1 / (1 + np.exp(-1)))
    assert info["max_slope"] == pytest.approx(0.5)
    assert "sigmoid" in axes[0].get_title() and "w = 2.00" in axes[0].get_title()


def test_flat_share_counts_where_the_gradient_vanishes():
    # relu with w = 1, b = 0 on a symmetric grid: f'(z) = 0 for x <= 0, i.e. 51 of 101 points.
    info = draw_activation(new_axes(), "relu", 1.0, 0.0, x_range=(-1, 1), n_points=101)
    assert info["flat_share"] == pytest.approx(51 / 101)
    # sigmoid'(z) = s(1 - s) < 0.01 exactly when |z| > log((1 + sqrt(0.96)) / (1 - sqrt(0.96))),
    # about 4.595; on [-6, 6] with w = 1 that is the share of |x| > 4.595.
    x = np.linspace(-6, 6, 401)
    z_cut = np.log((1 + np.sqrt(0.96)) / (1 - np.sqrt(0.96)))
    info = draw_activation(new_axes(), "sigmoid", 1.0, 0.0)
    assert info["flat_share"] == pytest.approx(np.mean(np.abs(x) > z_cut))
    # Larger weights saturate more of the range; linear never saturates, step always does.
    assert draw_activation(new_axes(), "sigmoid", 4.0, 0.0)["flat_share"] > info["flat_share"]
    assert draw_activation(new_axes(), "linear", 1.0, 0.0)["flat_share"] == 0.0
    assert draw_activation(new_axes(), "step", 1.0, 0.0)["flat_share"] == 1.0


@settings(max_examples=25, deadline=None)
@given(w=st.floats(-5, 5), b=st.floats(-5, 5))
def test_tanh_is_a_rescaled_sigmoid(w, b):
    # tanh(z) = 2 sigmoid(2z) - 1: the tanh curve of (w, b) is the sigmoid curve of (2w, 2b).
    x = np.linspace(-6, 6, 41)
    y_tanh, slope_tanh, _ = activation_curve("tanh", w, b, x)
    y_sig, slope_sig, _ = activation_curve("sigmoid", 2 * w, 2 * b, x)
    np.testing.assert_allclose(y_tanh, 2 * y_sig - 1, atol=1e-12)
    np.testing.assert_allclose(slope_tanh, 2 * slope_sig, atol=1e-12)


def test_redrawing_moves_the_artists_instead_of_adding_more():
    axes = new_axes()
    draw_activation(axes, "sigmoid", 1.0, 0.0)
    counts = [len(ax.get_children()) for ax in axes]
    draw_activation(axes, "relu", -2.0, 1.0)
    assert [len(ax.get_children()) for ax in axes] == counts
    xs, ys = axes[0].lines[0].get_data()
    np.testing.assert_allclose(ys, np.maximum(-2.0 * np.asarray(xs) + 1.0, 0.0))
    # The whole curve is in view.
    y0, y1 = axes[0].get_ylim()
    assert y0 < np.min(ys) and np.max(ys) < y1


def test_explorer_container_controls_and_class():
    box = activation_explorer()
    assert isinstance(box, widgets.Box) and "course-widget" in box._dom_classes
    row = list(box.children[0].children)
    assert row == [box.activation_dropdown, box.w_slider, box.b_slider]
    assert isinstance(box.w_slider, widgets.FloatSlider)
    assert tuple(box.activation_dropdown.options) == ACTIVATIONS
    assert bytes(box.image.value).startswith(b"\x89PNG")
    assert "0.500" in box.readout.value     # sigmoid(0)


def test_moving_controls_redraws_picture_and_numbers():
    box = activation_explorer("sigmoid", w=1.0, b=0.0)
    png, text = box.image.value, box.readout.value
    box.activation_dropdown.value = "relu"
    box.b_slider.value = 2.0
    box.w_slider.value = 0.5
    assert box.image.value != png and box.readout.value != text
    assert "output at x = 0: <b>2.000</b>" in box.readout.value     # relu(0.5 * 0 + 2)
    xs, ys = box.axes[0].lines[0].get_data()
    np.testing.assert_allclose(ys, np.maximum(0.5 * np.asarray(xs) + 2.0, 0.0))


def test_a_slider_move_is_fast_enough_to_feel_live():
    box = activation_explorer()
    times = []
    for value in np.linspace(-3, 3, 7):
        start = time.process_time()
        box.w_slider.value = float(value)
        times.append(time.process_time() - start)
    # About 0.07 s of CPU on the development machine; a generous bound for a busy CI box.
    assert np.median(times) < 0.5


@pytest.mark.parametrize("call, error, arg", [
    (lambda: draw_activation(new_axes(), "softmax", 1.0, 0.0), ValueError, "activation"),
    (lambda: draw_activation(new_axes(), 3, 1.0, 0.0), TypeError, "activation"),
    (lambda: draw_activation(new_axes(), "relu", "1", 0.0), TypeError, "w"),
    (lambda: draw_activation(new_axes(), "relu", 1.0, np.nan), ValueError, "b"),
    (lambda: draw_activation(new_axes()[0], "relu", 1.0, 0.0), TypeError, "axes"),
    (lambda: draw_activation(new_axes(), "relu", 1.0, 0.0, x_range=(2, 1)), ValueError,
     "x_range"),
    (lambda: draw_activation(new_axes(), "relu", 1.0, 0.0, n_points=1), ValueError,
     "n_points"),
    (lambda: activation_curve("tan", 1.0, 0.0, [0.0]), ValueError, "activation"),
    (lambda: activation_explorer("Sigmoid"), ValueError, "activation"),
    (lambda: activation_explorer(w=None), TypeError, "w"),
    (lambda: activation_explorer(b_range=(1, 1)), ValueError, "b_range"),
])
def test_bad_input_names_the_argument(call, error, arg):
    with pytest.raises(error, match=f"'{arg}'"):
        call()

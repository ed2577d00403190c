"""Tests for chapter 03's neuron explorer and network picture, against numbers worked by hand."""
import ipywidgets as widgets
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from course_lib.widgets._base import find_artist
from course_lib.widgets.neuron import (draw_dense_network, draw_neuron, neuron_explorer,
                                       neuron_output)


def texts(ax):
    """{gid: text} of the diagram's labelled texts."""
    return {t.get_gid(): t.get_text() for t in ax.texts if t.get_gid()}


# The bias example of the seed notes, done right: inputs 1 and 2 with weights -0.55 and 0.1
# give the weighted sum 1 * (-0.55) + 2 * 0.1 = -0.35; a bias of +1 makes it +0.65 (not -0.65).
@pytest.mark.parametrize("b, activation, z, y", [
    (0.0, "identity", -0.35, -0.35),
    (0.0, "relu", -0.35, 0.0),
    (1.0, "relu", 0.65, 0.65),
    (1.0, "step", 0.65, 1.0),
    (0.0, "step", -0.35, 0.0),
])
def test_neuron_output_by_hand(b, activation, z, y):
    got_z, got_y = neuron_output([1.0, 2.0], [-0.55, 0.1], b, activation)
    assert got_z == pytest.approx(z, abs=1e-12)
    assert got_y == pytest.approx(y, abs=1e-12)
    assert isinstance(got_z, float) and isinstance(got_y, float)


def test_the_step_fires_at_zero():
    # 1 * (-0.5) + 2 * 0.25 = 0 exactly in binary floating point.
    assert neuron_output([1.0, 2.0], [-0.5, 0.25], 0.0, "step") == (0.0, 1.0)


def test_one_input_may_be_a_plain_number():
    assert neuron_output(3.0, 2.0, -1.0) == (5.0, 5.0)      # y = 2 * 3 - 1


finite = st.floats(-50, 50, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(finite, finite), min_size=1, max_size=6), finite)
def test_weighted_sum_matches_a_plain_loop_and_activations_keep_their_range(pairs, b):
    x = [p[0] for p in pairs]
    w = [p[1] for p in pairs]
    total = b
    for xi, wi in pairs:
        total += xi * wi
    z, y = neuron_output(x, w, b)
    assert z == pytest.approx(total, rel=1e-9, abs=1e-9)
    assert y == z
    z, y = neuron_output(x, w, b, "relu")
    assert y == max(z, 0.0)
    z, y = neuron_output(x, w, b, "step")
    assert y == (1.0 if z >= 0 else 0.0)


def test_draw_neuron_writes_every_value_on_the_diagram():
    fig = Figure()
    z, y = draw_neuron(fig, [1.0, 2.0], [-0.55, 0.1], 1.0, "relu")
    assert (z, y) == (pytest.approx(0.65), pytest.approx(0.65))
    diagram, curve = fig.axes
    shown = texts(diagram)
    assert shown["neuron-input-0"] == "x1\n1.00" and shown["neuron-input-1"] == "x2\n2.00"
    assert shown["neuron-input-2"] == "1"                       # the bias unit
    assert shown["neuron-weight-0"] == "w1 = -0.55"
    assert shown["neuron-weight-1"] == "w2 = 0.10"
    assert shown["neuron-weight-2"] == "b = 1.00"
    assert shown["neuron-z"] == "z = 0.65" and shown["neuron-y"] == "y = 0.65"
    assert "ReLU" in shown["neuron-g-name"]


def test_connections_show_the_sign_and_size_of_their_weight():
    fig = Figure()
    draw_neuron(fig, [1.0, 1.0, 1.0], [2.0, -0.5, 0.0], -3.0)
    diagram = fig.axes[0]
    edges = [find_artist(diagram, f"neuron-edge-{i}") for i in range(4)]
    colors = [e.get_color() for e in edges]
    assert colors[0] == "tab:blue" and colors[1] == "tab:red" and colors[3] == "tab:red"
    assert colors[2] not in ("tab:blue", "tab:red")             # a zero weight is neither
    widths = [e.get_linewidth() for e in edges]
    assert widths[3] > widths[0] > widths[1] > widths[2]        # |-3| > |2| > |-0.5| > 0


def test_the_curve_is_the_output_as_x1_varies():
    fig = Figure()
    # z(t) = 2 t + (-1) * 0.5 + 0.5 = 2 t, so y = relu(2 t); the point sits at t = x1 = 1.5.
    z, y = draw_neuron(fig, [1.5, 0.5], [2.0, -1.0], 0.5, "relu", x_range=(-2, 2))
    assert (z, y) == (3.0, 3.0)
    curve = fig.axes[1]
    t, z_t = find_artist(curve, "neuron-curve-z").get_data()
    t2, y_t = find_artist(curve, "neuron-curve-y").get_data()
    np.testing.assert_allclose(z_t, 2.0 * np.asarray(t))
    np.testing.assert_allclose(y_t, np.maximum(2.0 * np.asarray(t2), 0.0))
    assert (min(t), max(t)) == (-2.0, 2.0) and curve.get_xlim() == (-2.0, 2.0)
    px, py = find_artist(curve, "neuron-point").get_data()
    assert (list(px), list(py)) == ([1.5], [3.0])


def test_redrawing_updates_in_place_and_a_new_input_count_rebuilds():
    fig = Figure()
    draw_neuron(fig, [1.0, 2.0], [1.0, 1.0], 0.0)
    counts = [len(ax.get_children()) for ax in fig.axes]
    z, y = draw_neuron(fig, [-1.0, 0.5], [2.0, 4.0], 1.0, "step")   # z = -2 + 2 + 1 = 1
    assert (z, y) == (1.0, 1.0)
    assert [len(ax.get_children()) for ax in fig.axes] == counts
    assert texts(fig.axes[0])["neuron-z"] == "z = 1.00"
    draw_neuron(fig, [1.0], [3.0], 0.0)
    assert len(fig.axes) == 2
    assert "neuron-input-1" in texts(fig.axes[0])                # the bias unit, now second
    assert texts(fig.axes[0])["neuron-input-1"] == "1"
    assert texts(fig.axes[0])["neuron-z"] == "z = 3.00"


def test_explorer_container_controls_and_class():
    box = neuron_explorer()
    assert isinstance(box, widgets.Box) and "course-widget" in box._dom_classes
    sliders = [c for row in box.children[:-2] for c in row.children
               if isinstance(c, widgets.FloatSlider)]
    assert sliders[0] is box.x_sliders[0]                       # the browser test drags it
    assert sliders == [box.x_sliders[0], box.w_sliders[0], box.x_sliders[1],
                       box.w_sliders[1], box.b_slider]
    assert isinstance(box.activation_dropdown, widgets.Dropdown)
    assert set(box.activation_dropdown.options) == {("identity", "identity"), ("ReLU", "relu"),
                                                    ("step", "step")}
    assert bytes(box.image.value).startswith(b"\x89PNG")
    # Defaults x = (1, 0.5), w = (1, -0.5), b = 0: z = 1 - 0.25 = 0.75.
    assert "<b>0.75</b>" in box.readout.value


def test_moving_the_controls_redraws_the_picture_and_the_sum():
    box = neuron_explorer(2, x=[0.0, 0.0], w=[1.0, 1.0], b=0.0)
    before = bytes(box.image.value)
    box.x_sliders[0].value = 2.0
    box.x_sliders[1].value = -1.0
    box.w_sliders[1].value = 3.0
    box.b_slider.value = -0.5                                   # z = 2 - 3 - 0.5 = -1.5
    assert bytes(box.image.value) != before
    assert "= <b>-1.50</b>" in box.readout.value
    assert "identity(z) = <b>-1.50</b>" in box.readout.value
    box.activation_dropdown.value = "relu"
    assert "ReLU(z) = <b>0.00</b>" in box.readout.value
    box.activation_dropdown.value = "step"
    assert "step(z) = <b>0.00</b>" in box.readout.value
    assert texts(box.figure.axes[0])["neuron-y"] == "y = 0.00"


@pytest.mark.parametrize("n", [1, 3])
def test_explorer_with_one_or_three_inputs(n):
    box = neuron_explorer(n, x=[1.0] * n, w=[2.0] * n, b=1.0)
    assert len(box.x_sliders) == len(box.w_sliders) == n
    assert f"<b>{2 * n + 1:.2f}</b>" in box.readout.value


def test_explorer_start_values_are_kept_within_the_ranges():
    box = neuron_explorer(1, x=[10.0], w=[0.5], b=0.0, x_range=(-2, 2))
    assert box.x_sliders[0].value == 2.0 and box.x_sliders[0].max == 2.0


def count_by_hand(sizes):
    total = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        total.append(n_in * n_out + n_out)
    return total


def test_dense_network_picture_2_3_2():
    ax = Figure().add_subplot()
    counts = draw_dense_network(ax, [2, 3, 2])
    assert counts == [9, 8]                                      # 2*3 + 3 and 3*2 + 2
    weights = find_artist(ax, "network-weights")
    biases = find_artist(ax, "network-biases")
    assert isinstance(weights, LineCollection) and len(weights.get_segments()) == 12
    assert len(biases.get_segments()) == 5
    assert "17 parameters" in ax.get_title()
    ax2 = Figure().add_subplot()
    draw_dense_network(ax2, (4, 1), show_biases=False, title=False)
    assert find_artist(ax2, "network-biases") is None and ax2.get_title() == ""


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 8), min_size=2, max_size=5))
def test_dense_network_counts_every_line(sizes):
    ax = Figure().add_subplot()
    counts = draw_dense_network(ax, sizes)
    assert counts == count_by_hand(sizes)
    n_lines = len(find_artist(ax, "network-weights").get_segments())
    n_bias_lines = len(find_artist(ax, "network-biases").get_segments())
    assert n_lines + n_bias_lines == sum(counts)


@pytest.mark.parametrize("call, error, arg", [
    (lambda: neuron_output([1, 2], [1], 0.0), ValueError, "w"),
    (lambda: neuron_output([], [], 0.0), ValueError, "x"),
    (lambda: neuron_output([[1, 2]], [1, 2], 0.0), ValueError, "x"),
    (lambda: neuron_output("ab", [1, 2], 0.0), TypeError, "x"),
    (lambda: neuron_output([1, np.nan], [1, 2], 0.0), ValueError, "x"),
    (lambda: neuron_output([1, 2], [1, 2], "0"), TypeError, "b"),
    (lambda: neuron_output([1, 2], [1, 2], 0.0, "sigmoid"), ValueError, "activation"),
    (lambda: draw_neuron(Figure(), [1] * 7, [1] * 7, 0.0), ValueError, "x"),
    (lambda: draw_neuron(Figure(), [1], [1], np.inf), ValueError, "b"),
    (lambda: draw_neuron(Figure(), [1], [1], 0.0, x_range=(2, 1)), ValueError, "x_range"),
    (lambda: neuron_explorer(4), ValueError, "n_inputs"),
    (lambda: neuron_explorer(2.0), TypeError, "n_inputs"),
    (lambda: neuron_explorer(2, x=[1.0]), ValueError, "x"),
    (lambda: neuron_explorer(2, w_range=5), ValueError, "w_range"),
    (lambda: neuron_explorer(1, activation="tanh"), ValueError, "activation"),
    (lambda: draw_dense_network(Figure().add_subplot(), [3]), ValueError, "layer_sizes"),
    (lambda: draw_dense_network(Figure().add_subplot(), [3, 0]), ValueError, "layer_sizes"),
    (lambda: draw_dense_network(Figure().add_subplot(), [3, 2.5]), TypeError, "layer_sizes"),
])
def test_bad_input_names_the_argument(call, error, arg):
    with pytest.raises(error, match=f"'{arg}'"):
        call()

"""Tests for chapter 07's backward-pass stepper.

References are independent of the module: numbers worked out by hand, a forward pass written
with plain loops in this file and differentiated by centred finite differences, and
course_lib.layers.Dense's own backward pass.
"""
import math

import ipywidgets as widgets
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from course_lib.layers import Dense
from course_lib.widgets._base import find_artist
from course_lib.widgets.backprop import (WORKED_EXAMPLE, backprop_explorer, backprop_steps,
                                         draw_backprop, network_gradients)
from reference import centred_differences


def loop_cost(x, y, kernels, biases):
    """C_0 = sum_j (a_j - y_j)^2 of a sigmoid network, one weight at a time."""
    a = list(x)
    for w, b in zip(kernels, biases):
        n_in, n_out = len(w), len(w[0])
        z = [b[j] + sum(w[k][j] * a[k] for k in range(n_in)) for j in range(n_out)]
        a = [1.0 / (1.0 + math.exp(-zj)) for zj in z]
    return sum((aj - yj) ** 2 for aj, yj in zip(a, y))


def example():
    ex = WORKED_EXAMPLE
    return (ex["x"].copy(), ex["y"].copy(), [k.copy() for k in ex["kernels"]],
            [b.copy() for b in ex["biases"]])


def test_worked_example_by_hand():
    net = network_gradients(*example())
    # z_0 = 0.5 * 1 + (-0.4) * 0.5 + 0.1 = 0.4 and z_1 = 0.3 * 1 + 0.8 * 0.5 - 0.2 = 0.5
    np.testing.assert_allclose(net["z"][1], [0.4, 0.5], atol=1e-12)
    s = lambda t: 1 / (1 + math.exp(-t))  # noqa: E731
    a1 = [s(0.4), s(0.5)]
    np.testing.assert_allclose(net["a"][1], a1, rtol=1e-12)
    z2 = 0.7 * a1[0] - 0.6 * a1[1] + 0.2
    a2 = s(z2)
    assert net["z"][2][0] == pytest.approx(z2, rel=1e-12)
    assert net["cost"] == pytest.approx((a2 - 1.0) ** 2, rel=1e-12)
    # backwards: dC/da = 2 (a - y), delta = dC/da * a (1 - a), dC/dw_0k = delta * a_k
    d2 = 2 * (a2 - 1.0) * a2 * (1 - a2)
    assert net["delta"][2][0] == pytest.approx(d2, rel=1e-12)
    np.testing.assert_allclose(net["dC_dw"][2][:, 0], [d2 * a1[0], d2 * a1[1]], rtol=1e-12)
    # the hidden layer: dC/da_k = w_0k delta_0, then the sigmoid's slope
    d1 = [0.7 * d2 * a1[0] * (1 - a1[0]), -0.6 * d2 * a1[1] * (1 - a1[1])]
    np.testing.assert_allclose(net["delta"][1], d1, rtol=1e-12)
    np.testing.assert_allclose(net["dC_db"][1], d1, rtol=1e-12)
    # kernel[k, j] = w_jk, so dC/dkernel[k, j] = x_k * delta_j
    np.testing.assert_allclose(net["dC_dw"][1], [[1.0 * d1[0], 1.0 * d1[1]],
                                                 [0.5 * d1[0], 0.5 * d1[1]]], rtol=1e-12)


sizes = st.lists(st.integers(1, 3), min_size=2, max_size=4)


@settings(max_examples=30, deadline=None)
@given(sizes, st.integers(0, 2**32 - 1))
def test_every_gradient_matches_centred_differences_of_a_loop_forward_pass(layer_sizes, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=layer_sizes[0])
    y = rng.uniform(size=layer_sizes[-1])
    ks = [rng.normal(size=(m, n)) for m, n in zip(layer_sizes[:-1], layer_sizes[1:])]
    bs = [rng.normal(size=n) for n in layer_sizes[1:]]
    net = network_gradients(x, y, ks, bs)
    cost = lambda: loop_cost(x, y, ks, bs)  # noqa: E731
    assert net["cost"] == pytest.approx(cost(), rel=1e-10)
    for l in range(1, len(ks) + 1):
        np.testing.assert_allclose(net["dC_dw"][l], centred_differences(cost, ks[l - 1]), atol=1e-8)
        np.testing.assert_allclose(net["dC_db"][l], centred_differences(cost, bs[l - 1]), atol=1e-8)
    np.testing.assert_allclose(net["dC_da"][0], centred_differences(cost, x), atol=1e-8)


def test_gradients_agree_with_the_library_dense_layers():
    x, y, ks, bs = example()
    layers = [Dense(k.shape[1], activation="sigmoid") for k in ks]
    out = x[None, :]
    for layer, k, b in zip(layers, ks, bs):
        layer(out)                                   # builds the weights
        layer.set_weights([k, b])
        out = layer(out)
    grad = 2 * (out - y[None, :])                   # dC_0/da^(L) for the one example
    for layer in reversed(layers):
        grad = layer.backward(grad)
    net = network_gradients(x, y, ks, bs)
    for l, layer in enumerate(layers, start=1):
        np.testing.assert_allclose(layer.grads[0], net["dC_dw"][l], rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(layer.grads[1], net["dC_db"][l], rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(grad[0], net["dC_da"][0], rtol=1e-5, atol=1e-7)


def test_steps_go_forward_then_backward_layer_by_layer():
    assert backprop_steps(2) == [("input", 0), ("forward", 1), ("forward", 2), ("delta", 2),
                                 ("weights", 2), ("delta", 1), ("weights", 1)]
    assert len(backprop_steps(3)) == 10


def texts(ax):
    return {t.get_gid(): t.get_text() for t in ax.texts if t.get_gid()}


def test_drawing_reveals_values_step_by_step():
    fig = Figure()
    draw_backprop(fig, *example(), step=0)
    shown = texts(fig.axes[0])
    assert shown["a-0-0"] == "1.00" and shown["a-0-1"] == "0.50"
    assert shown["a-1-0"] == "?" and shown["a-2-0"] == "?"
    assert shown["w-1-0-1"] == "w₀₁ = -0.40"              # kernel[1, 0]: input 1 -> node 0
    assert shown["w-1-1-0"] == "w₁₀ = 0.30"
    assert shown["dw-1-0-0"] == "" and shown["grad-1-0"] == "" and shown["cost"] == ""

    caption = draw_backprop(fig, *example(), step=2)
    shown = texts(fig.axes[0])
    assert shown["a-1-0"] == f"{1 / (1 + math.exp(-0.4)):.3f}"
    assert shown["z-1-1"].startswith("z = 0.500")
    assert "0.193" in shown["cost"] and "C₀" in caption
    assert shown["grad-2-0"] == ""

    draw_backprop(fig, *example(), step=3)
    shown = texts(fig.axes[0])
    assert "δ = -0.216" in shown["grad-2-0"] and shown["grad-1-0"] == ""
    assert shown["dw-2-0-0"] == ""

    draw_backprop(fig, *example(), step=6)
    shown = texts(fig.axes[0])
    net = network_gradients(*example())
    assert shown["dw-1-0-1"] == f"{net['dC_dw'][1][1, 0]:.3f}"
    assert shown["dw-2-0-1"] == f"{net['dC_dw'][2][1, 0]:.3f}"
    assert f"δ = {net['delta'][1][1]:.3f}" in shown["grad-1-1"]


def test_active_layer_is_coloured_and_redraws_update_in_place():
    fig = Figure()
    draw_backprop(fig, *example(), step=1)
    ax = fig.axes[0]
    n_children = len(ax.get_children())
    assert find_artist(ax, "edge-1-0-0").get_color() == "tab:blue"
    assert find_artist(ax, "edge-2-0-0").get_color() != "tab:blue"
    draw_backprop(fig, *example(), step=5)
    assert fig.axes[0] is ax and len(ax.get_children()) == n_children
    assert find_artist(ax, "edge-1-1-1").get_color() == "tab:red"
    assert find_artist(ax, "edge-2-0-0").get_color() not in ("tab:red", "tab:blue")


def test_explorer_container_and_moving_the_sliders():
    box = backprop_explorer()
    assert isinstance(box, widgets.Box) and "course-widget" in box._dom_classes
    first = [c for row in box.children[:-2] for c in row.children
             if isinstance(c, (widgets.IntSlider, widgets.FloatSlider))][0]
    assert first is box.step_slider and box.step_slider.max == 6
    assert bytes(box.image.value).startswith(b"\x89PNG")
    before = bytes(box.image.value)
    box.step_slider.value = 2
    assert bytes(box.image.value) != before and "0.193" in box.readout.value
    box.x_sliders[1].value = 0.0          # z_0^(1) = 0.5 + 0.1 = 0.6 in the caption
    box.step_slider.value = 1
    assert "<b>0.600</b>" in box.readout.value


@pytest.mark.parametrize("kwargs, match", [
    ({"x": [1.0, 2.0, 3.0]}, "'kernels\\[0\\]'"),
    ({"y": [1.0, 0.0]}, "'y'"),
    ({"kernels": "w"}, "'kernels'"),
    ({"biases": [np.zeros(2)]}, "'biases'"),
    ({"biases": [np.zeros(3), np.zeros(1)]}, "'biases\\[0\\]'"),
    ({"x": [np.nan, 1.0]}, "'x'"),
])
def test_bad_networks_name_the_argument(kwargs, match):
    args = dict(zip(["x", "y", "kernels", "biases"], example()))
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        network_gradients(**args)
    with pytest.raises(ValueError, match=match):
        draw_backprop(Figure(), **args)
    with pytest.raises(ValueError, match=match):
        backprop_explorer(**args)


def test_too_many_nodes_and_bad_steps_are_refused():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="'x' and 'kernels'"):
        network_gradients(np.ones(4), [1.0], [rng.normal(size=(4, 1))], [np.zeros(1)])
    with pytest.raises(ValueError, match="'step'"):
        draw_backprop(Figure(), *example(), step=7)
    with pytest.raises(TypeError, match="'step'"):
        backprop_explorer(step=1.5)
    with pytest.raises(ValueError, match="'n_layers'"):
        backprop_steps(0)


def test_a_three_node_layer_gets_a_taller_picture():
    rng = np.random.default_rng(1)
    box = backprop_explorer([0.5, -0.5], [1.0, 0.0], [rng.normal(size=(2, 3)),
                                                      rng.normal(size=(3, 2))],
                            [np.zeros(3), np.zeros(2)], step=6)
    assert tuple(box.figure.get_size_inches()) == pytest.approx((9.0, 1.5 + 1.35 * 3))
    assert box.step_slider.max == 6
    assert tuple(backprop_explorer().figure.get_size_inches()) == pytest.approx((9.0, 4.2))

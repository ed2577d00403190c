"""Tests for chapter 09's explorer: the statistics follow the variance rules, the gradients
match finite differences, the picture shows those numbers, the controls are wired."""
import time

import ipywidgets as widgets
import numpy as np
import pytest
from matplotlib.figure import Figure

from course_lib import initializers
from course_lib.widgets.initialization import (ACTIVATIONS, HISTOGRAM_RANGES, INITIALIZERS,
                                               MAX_DEPTH, deep_net_statistics,
                                               draw_initialization, initialization_explorer)


def new_axes():
    fig = Figure()
    return [fig.add_subplot(1, 2, 1), fig.add_subplot(1, 2, 2)]


# The activations written out by hand.
F = {"linear": lambda z: z,
     "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
     "tanh": np.tanh,
     "relu": lambda z: np.where(z > 0, z, 0.0)}


def kernels(init, depth, width, seed):
    """The kernels as the module documents them: one seeded stream per layer."""
    out = []
    for layer in range(depth):
        rng = np.random.default_rng([seed, layer])
        if init == "standard_normal":
            out.append(rng.normal(0.0, 1.0, (width, width)))
        else:
            out.append(initializers.get(init)((width, width), rng, np.float64))
    return out


def forward(x, ws, f):
    outs = [x]
    for w in ws:
        outs.append(f(outs[-1] @ w))
    return outs


def test_activation_variances_follow_the_variance_rules():
    # Var(z) = fan_in * Var(W) * E[a^2] (zero-mean weights, independent of the inputs).
    # Linear layers with Glorot on square kernels: Var(W) = 1/n, so the variance stays at 1.
    stats = deep_net_statistics("glorot_uniform", "linear", 10, width=200, n_samples=400)
    np.testing.assert_allclose(stats["activation_var"], 1.0, rtol=0.2)
    # Standard-normal weights: each layer multiplies the variance by the width (here 50).
    stats = deep_net_statistics("standard_normal", "linear", 6, width=50, n_samples=400)
    ratios = stats["activation_var"][1:] / stats["activation_var"][:-1]
    assert np.all((ratios > 50 / 1.5) & (ratios < 50 * 1.5))
    # ReLU with He: Var(z) = 2 in every layer; a ReLU of N(0, 2) has variance
    # 2 (1/2 - 1/(2 pi)) = 1 - 1/pi.
    stats = deep_net_statistics("he_normal", "relu", 5, width=200, n_samples=400)
    np.testing.assert_allclose(stats["activation_var"], 1 - 1 / np.pi, rtol=0.15)
    # ReLU with Glorot (1/n on square kernels): the variance halves layer after layer.
    stats = deep_net_statistics("glorot_uniform", "relu", 12, width=200, n_samples=400)
    ratio = (stats["activation_var"][-1] / stats["activation_var"][1]) ** (1 / 10)
    assert ratio == pytest.approx(0.5, rel=0.1)


def test_statistics_match_an_independent_forward_pass():
    width, n, depth = 20, 30, 4
    stats = deep_net_statistics("lecun_normal", "tanh", depth, width=width, n_samples=n,
                                random_state=3)
    x = np.random.default_rng(3).standard_normal((n, width))
    outs = forward(x, kernels("lecun_normal", depth, width, 3), np.tanh)
    np.testing.assert_allclose(stats["activation_var"], [np.var(a) for a in outs[1:]])
    np.testing.assert_allclose(stats["activation_std"], [np.std(a) for a in outs[1:]])
    # tanh'(z) = 1 - tanh(z)^2 < 0.01 where |tanh(z)| > sqrt(0.99).
    np.testing.assert_allclose(stats["flat_share"],
                               [np.mean(1 - a ** 2 < 0.01) for a in outs[1:]])


@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_weight_gradients_match_finite_differences(activation):
    # The loss is L = sum(g * a_L) / n with g the documented upstream draw.
    width, n, depth, seed = 4, 5, 3, 7
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, width))
    g = rng.standard_normal((n, width))
    ws = kernels("he_normal", depth, width, seed)
    f = F[activation]

    def loss(ws):
        return np.sum(g * forward(x, ws, f)[-1]) / n

    h = 1e-6
    expected = []
    for layer in range(depth):
        grad = np.zeros((width, width))
        for i in range(width):
            for j in range(width):
                up = [w.copy() for w in ws]
                down = [w.copy() for w in ws]
                up[layer][i, j] += h
                down[layer][i, j] -= h
                grad[i, j] = (loss(up) - loss(down)) / (2 * h)
        expected.append(np.std(grad))
    stats = deep_net_statistics("he_normal", activation, depth, width=width, n_samples=n,
                                random_state=seed)
    np.testing.assert_allclose(stats["gradient_std"], expected, rtol=1e-5)


def test_sigmoid_gradients_vanish_toward_the_input():
    stats = deep_net_statistics("glorot_uniform", "sigmoid", 20)
    # Each sigmoid layer multiplies the backward signal by at most 1/4 times the weights' gain.
    assert stats["gradient_std"][0] < 1e-6 * stats["gradient_std"][-1]
    stats = deep_net_statistics("lecun_normal", "tanh", 20)
    assert 0.1 < stats["gradient_std"][0] / stats["gradient_std"][-1] < 10


def test_a_deeper_net_starts_with_the_same_layers():
    short = deep_net_statistics("he_normal", "relu", 5)
    long = deep_net_statistics("he_normal", "relu", 15)
    np.testing.assert_array_equal(short["activation_var"], long["activation_var"][:5])


def test_draw_shows_the_statistics_and_the_histograms():
    axes = new_axes()
    width, n, depth = 20, 30, 6
    info = draw_initialization(axes, "glorot_uniform", "tanh", depth, width=width,
                               n_samples=n, random_state=1)
    x = np.random.default_rng(1).standard_normal((n, width))
    outs = forward(x, kernels("glorot_uniform", depth, width, 1), np.tanh)
    edges = np.linspace(-1, 1, len(info["edges"]))
    np.testing.assert_allclose(info["edges"], edges)
    for layer in range(depth):
        np.testing.assert_array_equal(info["counts"][layer],
                                      np.histogram(outs[layer + 1], bins=edges)[0])
    # One ridge per layer, on its baseline, its peak 0.9 above.
    ridges = axes[0].collections[0].get_paths()
    assert len(ridges) == depth
    for layer, path in enumerate(ridges):
        ys = path.vertices[:, 1]
        assert ys.min() == pytest.approx(layer + 1) and ys.max() == pytest.approx(layer + 1.9)
    # The right panel plots exactly the standard deviations per layer.
    act_line, grad_line = axes[1].lines
    np.testing.assert_allclose(act_line.get_ydata(), [np.std(a) for a in outs[1:]])
    np.testing.assert_allclose(act_line.get_xdata(), np.arange(1, depth + 1))
    np.testing.assert_allclose(grad_line.get_ydata(), info["gradient_std"])
    assert axes[1].get_yscale() == "log"


def test_exploding_values_pile_up_in_the_end_bins():
    info = draw_initialization(new_axes(), "standard_normal", "relu", 8)
    counts = info["counts"]
    assert counts.sum(axis=1) == pytest.approx(np.full(8, 100 * 200))
    # By layer 8 the activations are ~1e7: every positive one sits in the last bin.
    assert counts[-1, -1] > 0.4 * counts[-1].sum()
    assert HISTOGRAM_RANGES["relu"][1] == info["edges"][-1]


def test_redrawing_moves_the_artists_instead_of_adding_more():
    axes = new_axes()
    draw_initialization(axes, "he_normal", "relu", 10)
    counts = [len(ax.get_children()) for ax in axes]
    draw_initialization(axes, "glorot_uniform", "sigmoid", 25)
    assert [len(ax.get_children()) for ax in axes] == counts
    assert len(axes[0].collections[0].get_paths()) == 25
    low, high = axes[1].get_ylim()
    ys = np.concatenate([line.get_ydata() for line in axes[1].lines])
    assert low < ys.min() and ys.max() < high


def test_explorer_container_controls_and_class():
    box = initialization_explorer()
    assert isinstance(box, widgets.Box) and "course-widget" in box._dom_classes
    assert list(box.children[0].children) == [box.depth_slider, box.init_dropdown,
                                              box.activation_dropdown]
    slider = box.depth_slider
    assert isinstance(slider, widgets.IntSlider)
    assert (slider.min, slider.max, slider.step, slider.value) == (1, MAX_DEPTH, 1, 10)
    assert tuple(box.init_dropdown.options) == INITIALIZERS
    assert tuple(box.activation_dropdown.options) == ACTIVATIONS
    assert bytes(box.image.value).startswith(b"\x89PNG")
    std = deep_net_statistics("standard_normal", "sigmoid", 10)["activation_std"][-1]
    assert f"{std:.3g}" in box.readout.value


def test_moving_controls_redraws_picture_and_numbers():
    box = initialization_explorer("standard_normal", "sigmoid", 10)
    png, text = box.image.value, box.readout.value
    box.depth_slider.value = 4
    assert box.image.value != png and box.readout.value != text
    assert len(box.axes[0].collections[0].get_paths()) == 4
    box.init_dropdown.value = "he_normal"
    box.activation_dropdown.value = "relu"
    stats = deep_net_statistics("he_normal", "relu", 4)
    assert f"layer 4 <b>{stats['gradient_std'][-1]:.3g}</b>" in box.readout.value


def test_a_slider_move_is_fast_enough_to_feel_live():
    box = initialization_explorer()
    times = []
    for value in range(11, 18):
        start = time.process_time()
        box.depth_slider.value = value
        times.append(time.process_time() - start)
    # About 0.05 s of CPU on the development machine; a generous bound for a busy CI box.
    assert np.median(times) < 0.5


@pytest.mark.parametrize("call, error, arg", [
    (lambda: deep_net_statistics("xavier", "relu"), ValueError, "init"),
    (lambda: deep_net_statistics("he_normal", "softmax"), ValueError, "activation"),
    (lambda: deep_net_statistics("he_normal", "relu", 0), ValueError, "depth"),
    (lambda: deep_net_statistics("he_normal", "relu", MAX_DEPTH + 1), ValueError, "depth"),
    (lambda: deep_net_statistics("he_normal", "relu", 2.5), TypeError, "depth"),
    (lambda: deep_net_statistics("he_normal", "relu", width=0), ValueError, "width"),
    (lambda: deep_net_statistics("he_normal", "relu", n_samples=1), ValueError, "n_samples"),
    (lambda: draw_initialization(new_axes()[0], "he_normal", "relu", 3), TypeError, "axes"),
    (lambda: initialization_explorer(init=3), TypeError, "init"),
])
def test_bad_arguments_are_named(call, error, arg):
    with pytest.raises(error, match=f"'{arg}'"):
        call()


def test_relu_ridges_are_scaled_by_the_bars_after_the_zeros():
    axes = new_axes()
    info = draw_initialization(axes, "he_normal", "relu", 3)
    for layer, path in enumerate(axes[0].collections[0].get_paths()):
        row = info["counts"][layer]
        heights = path.vertices[1:1 + len(row), 1] - (layer + 1)   # the points over the bins
        # The zeros' bar is cut at 0.9; the tallest of the others reaches 0.9 exactly.
        assert heights[0] == pytest.approx(0.9)
        assert heights[1:].max() == pytest.approx(0.9)
        np.testing.assert_allclose(heights[1:], 0.9 * row[1:] / row[1:].max())

"""Chapter 09's explorer: activations and gradients through a deep net, by init scheme.

A batch of ``n_samples`` standard-normal inputs goes through ``depth`` dense layers of ``width``
units each, all with the same activation, zero biases and kernels drawn by one initializer:

``z_l = a_{l-1} @ W_l``,  ``a_l = f(z_l)``,  ``a_0 = x``  (``x: (n_samples, width)``).

Then a gradient comes back from the last layer. It starts as a fixed random array ``g`` of
shape ``(n_samples, width)`` with unit variance (what a loss would send back), and the chain
rule carries it down, layer by layer:

``delta_L = g * f'(z_L)``,  ``dW_l = a_{l-1}.T @ delta_l / n_samples``,
``delta_{l-1} = (delta_l @ W_l.T) * f'(z_{l-1})``.

The picture shows, for every layer, the histogram of its activations (a "ridge" per layer, the
first at the bottom) and, on a log scale, the standard deviation of each layer's activations
and of its weight gradients ``dW_l``. A well-matched initializer keeps both roughly level; a
badly matched one makes them shrink (vanish) or grow (explode) geometrically with depth.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from .. import activations, initializers
from .._validation import check_choice, check_int
from ..models import _one_blas_thread
from ._base import build_explorer, find_artist

__all__ = ["INITIALIZERS", "ACTIVATIONS", "MAX_DEPTH", "HISTOGRAM_RANGES",
           "deep_net_statistics", "draw_initialization", "initialization_explorer"]

#: The weight initializers the explorer offers. ``'standard_normal'`` is N(0, 1) whatever the
#: layer size (the seed notes' "default"); the others are course_lib.initializers' functions.
INITIALIZERS = ("standard_normal", "random_normal", "lecun_normal", "glorot_uniform",
                "he_normal")

#: The hidden-layer activations the explorer offers.
ACTIVATIONS = ("linear", "sigmoid", "tanh", "relu")

#: The deepest network the explorer builds (the depth slider's maximum).
MAX_DEPTH = 30

#: The value range each activation's histograms cover; values outside are counted in the end
#: bins, so an exploding layer shows as a pile at the edge.
HISTOGRAM_RANGES = {"linear": (-4.0, 4.0), "sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0),
                    "relu": (0.0, 4.0)}

_N_BINS = 60
_TINY = 1e-300  # the floor of the log-scale panel (a standard deviation of exactly 0)
_GID_RIDGES = "init-ridges"
_GID_ACT = "init-activation-std"
_GID_GRAD = "init-gradient-std"


def _kernel(init, shape, rng):
    if init == "standard_normal":
        return initializers.random_normal(shape, rng, np.float64, stddev=1.0)
    return initializers.get(init)(shape, rng, np.float64)


@lru_cache(maxsize=8)
def _forward(init, activation, depth, width, n_samples, random_state):
    """Everything the forward pass gives, for every layer (cached, so read only).

    Returns a dict: ``'kernels'``, ``'outputs'`` (``a_0 = x, a_1, ..., a_depth``),
    ``'slopes'`` (``f'(z_l)``), ``'upstream'`` (the gradient arriving from the loss) and the
    per-layer ``'activation_var'``, ``'activation_std'`` and ``'flat_share'``.
    """
    rng = np.random.default_rng(random_state)
    x = rng.standard_normal((n_samples, width))
    upstream = rng.standard_normal((n_samples, width))
    f, f_prime = activations.get(activation)
    kernels, slopes, outputs = [], [], [x]
    with np.errstate(over="ignore", invalid="ignore"):
        for layer in range(depth):
            # Each layer's kernel has its own seeded stream: layer l is the same at every depth.
            w = _kernel(init, (width, width), np.random.default_rng([random_state, layer]))
            z = outputs[-1] @ w
            kernels.append(w)
            slopes.append(np.asarray(f_prime(z), dtype=np.float64))
            outputs.append(np.asarray(f(z), dtype=np.float64))
    acts = outputs[1:]
    result = {"kernels": kernels, "outputs": outputs, "slopes": slopes, "upstream": upstream,
              "activation_var": np.array([np.var(a) for a in acts]),
              "activation_std": np.array([np.std(a) for a in acts]),
              "flat_share": np.array([np.mean(s < 0.01) for s in slopes])}
    for value in result.values():
        for arr in (value if isinstance(value, list) else [value]):
            arr.flags.writeable = False
    return result


@lru_cache(maxsize=8)
def _histograms(init, activation, width, n_samples, random_state):
    """Counts of every layer's activations in ``_N_BINS`` bins over the activation's range."""
    outputs = _forward(init, activation, MAX_DEPTH, width, n_samples, random_state)["outputs"]
    low, high = HISTOGRAM_RANGES[activation]
    edges = np.linspace(low, high, _N_BINS + 1)
    counts = np.empty((MAX_DEPTH, _N_BINS))
    for layer, a in enumerate(outputs[1:]):
        counts[layer] = np.histogram(np.clip(a, low, high), bins=edges)[0]
    counts.flags.writeable = False
    edges.flags.writeable = False
    return edges, counts


def _check_net(init, activation, depth, width, n_samples, random_state, func):
    check_choice(init, "init", func, INITIALIZERS)
    check_choice(activation, "activation", func, ACTIVATIONS)
    depth = check_int(depth, "depth", func, minimum=1, maximum=MAX_DEPTH)
    width = check_int(width, "width", func, minimum=1)
    n_samples = check_int(n_samples, "n_samples", func, minimum=2)
    random_state = check_int(random_state, "random_state", func, minimum=0)
    return depth, width, n_samples, random_state


@_one_blas_thread
def deep_net_statistics(init, activation, depth=10, *, width=100, n_samples=200,
                        random_state=0):
    """Send a batch forward through a deep dense net and a gradient back; measure each layer.

    ``init`` is one of :data:`INITIALIZERS`, ``activation`` one of :data:`ACTIVATIONS`,
    ``1 <= depth <= MAX_DEPTH`` layers of ``width`` units (square ``(width, width)`` kernels,
    zero biases), ``n_samples`` standard-normal inputs; everything is seeded by
    ``random_state``. See the module docstring for the formulas.

    Returns a dict of arrays of shape ``(depth,)``, entry ``l`` for layer ``l + 1``:
    ``'activation_var'`` and ``'activation_std'`` (``np.var`` / ``np.std`` of all
    ``n_samples * width`` values of ``a_l``), ``'gradient_std'`` (``np.std`` of ``dW_l``) and
    ``'flat_share'`` (the share of the layer's units whose slope ``f'(z_l) < 0.01``: saturated
    or dead, they pass almost no gradient back).
    """
    func = "deep_net_statistics"
    depth, width, n_samples, random_state = _check_net(init, activation, depth, width,
                                                       n_samples, random_state, func)
    # The first `depth` layers of the deepest net are the net of this depth (same seeds).
    net = _forward(init, activation, MAX_DEPTH, width, n_samples, random_state)
    kernels, outputs, slopes = net["kernels"], net["outputs"], net["slopes"]
    grad_std = np.empty(depth)
    delta = net["upstream"] * slopes[depth - 1]
    with np.errstate(over="ignore", invalid="ignore"):
        for layer in range(depth - 1, -1, -1):
            grad_std[layer] = np.std(outputs[layer].T @ delta) / n_samples
            if layer:
                delta = (delta @ kernels[layer].T) * slopes[layer - 1]
    return {"activation_var": net["activation_var"][:depth].copy(),
            "activation_std": net["activation_std"][:depth].copy(),
            "gradient_std": grad_std,
            "flat_share": net["flat_share"][:depth].copy()}


def _ridges(edges, counts, depth, skip_first_bin=False):
    """One outline polygon per layer: its histogram, scaled to height 0.9, on baseline l.

    With ``skip_first_bin`` the scale comes from the other bins (the first is cut at 0.9):
    ReLU's exact zeros, half of all values, would otherwise flatten the rest of the ridge.
    """
    centres = 0.5 * (edges[:-1] + edges[1:])
    xs = np.concatenate([[edges[0]], centres, [edges[-1]]])
    polygons = []
    for layer in range(depth):
        row = counts[layer]
        peak = row[1:].max() if skip_first_bin else 0.0
        if peak <= 0:
            peak = row.max()
        heights = np.minimum(0.9 * row / peak, 0.9) if peak > 0 else row
        ys = layer + 1 + np.concatenate([[0.0], heights, [0.0]])
        polygons.append(np.column_stack([xs, ys]))
    return polygons


def _log_limits(values):
    low, high = float(np.min(values)), float(np.max(values))
    return low / 3.0, high * 3.0


def draw_initialization(axes, init, activation, depth, *, width=100, n_samples=200,
                        random_state=0):
    """Draw the net of :func:`deep_net_statistics` on ``axes = (ridges, stds)``.

    ``axes[0]``: for each layer ``l = 1 .. depth`` the histogram of its activations over
    :data:`HISTOGRAM_RANGES` ``[activation]`` (values outside counted at the edges), drawn as a
    ridge on the baseline ``y = l`` and scaled so its highest bar is 0.9 tall (for ReLU the
    highest bar after the first, the first, holding the zeros, cut at 0.9).
    ``axes[1]``: the standard deviation of each layer's activations and of its weight
    gradients against the layer number, on a log scale.

    Called again on the same axes it moves the existing artists. Returns the statistics dict of
    :func:`deep_net_statistics` plus ``'counts'`` (``(depth, n_bins)`` histogram counts) and
    ``'edges'`` (the ``n_bins + 1`` bin edges).
    """
    func = "draw_initialization"
    if (not isinstance(axes, (tuple, list)) or len(axes) != 2
            or not all(hasattr(ax, "plot") for ax in axes)):
        raise TypeError(f"{func}: argument 'axes' must be a pair of matplotlib Axes (ridges, "
                        f"standard deviations), got {axes!r}")
    depth, width, n_samples, random_state = _check_net(init, activation, depth, width,
                                                       n_samples, random_state, func)
    stats = deep_net_statistics(init, activation, depth, width=width, n_samples=n_samples,
                                random_state=random_state)
    edges, counts = _histograms(init, activation, width, n_samples, random_state)
    ax_h, ax_s = axes

    ridges = find_artist(ax_h, _GID_RIDGES)
    if ridges is None:
        from matplotlib.collections import PolyCollection
        from matplotlib.ticker import MaxNLocator
        ridges = PolyCollection([], facecolors="tab:blue", edgecolors="navy", alpha=0.45,
                                linewidths=0.6, gid=_GID_RIDGES)
        ax_h.add_collection(ridges, autolim=False)
        ax_h.set_xlabel("activation value (one histogram per layer)")
        ax_h.set_ylabel("layer")
        # Few ticks and no titles: laying out text is most of a redraw's cost.
        ax_h.yaxis.set_major_locator(MaxNLocator(5, integer=True))
        ax_h.xaxis.set_major_locator(MaxNLocator(5))
        (act_line,) = ax_s.plot([], [], "o-", color="tab:blue", markersize=3,
                                label="activations", gid=_GID_ACT)
        (grad_line,) = ax_s.plot([], [], "s-", color="tab:orange", markersize=3,
                                 label="weight gradients", gid=_GID_GRAD)
        ax_s.set_yscale("log")
        # Plain "1e-20" labels: the default 10^k ones go through the slow mathtext parser.
        from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator
        ax_s.yaxis.set_major_locator(LogLocator(base=10.0, numticks=5))
        ax_s.yaxis.set_minor_locator(NullLocator())
        ax_s.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0e}".replace("e+0", "e").replace("e-0", "e-").replace("e+", "e")))
        ax_s.set_xlabel("layer")
        # The label names the two lines: a legend box would cost more to draw than the rest.
        ax_s.set_ylabel("std: blue activations, orange gradients")
        ax_s.xaxis.set_major_locator(MaxNLocator(5, integer=True))
    else:
        act_line = find_artist(ax_s, _GID_ACT)
        grad_line = find_artist(ax_s, _GID_GRAD)

    ridges.set_verts(_ridges(edges, counts, depth, skip_first_bin=activation == "relu"))
    ax_h.set_xlim(edges[0], edges[-1])
    ax_h.set_ylim(0.7, depth + 1.1)

    layers = np.arange(1, depth + 1)
    shown = [np.clip(np.nan_to_num(stats[key], nan=_TINY, posinf=1e300), _TINY, 1e300)
             for key in ("activation_std", "gradient_std")]
    act_line.set_data(layers, shown[0])
    grad_line.set_data(layers, shown[1])
    ax_s.set_xlim(0.5, depth + 0.5)
    ax_s.set_ylim(*_log_limits(np.concatenate(shown)))
    return {**stats, "counts": counts[:depth].copy(), "edges": edges.copy()}


def initialization_explorer(init="standard_normal", activation="sigmoid", depth=10, *,
                            width=100, n_samples=200, random_state=0, figsize=(8.0, 3.8)):
    """Move the depth, pick an initializer and an activation: watch activations and gradients.

    A slider sets the number of layers (1 to :data:`MAX_DEPTH`), two dropdowns the initializer
    (:data:`INITIALIZERS`) and the activation (:data:`ACTIVATIONS`). The picture is
    :func:`draw_initialization`'s; the line under the controls gives the last layer's
    activation standard deviation, the first and last layers' gradient standard deviations and
    the share of saturated or dead units in the last layer.

    The forward pass of the deepest net is computed once per (initializer, activation) and
    cached, so a move of the depth slider only redoes the backward pass and the drawing.

    Returns an ``ipywidgets.VBox`` with the CSS class ``course-widget``; its attributes
    ``depth_slider``, ``init_dropdown``, ``activation_dropdown``, ``image``, ``readout``,
    ``figure`` and ``axes`` give tests and curious students access to the parts.
    """
    import ipywidgets as widgets

    func = "initialization_explorer"
    depth, width, n_samples, random_state = _check_net(init, activation, depth, width,
                                                       n_samples, random_state, func)

    def draw(fig, depth, init, activation):
        if not fig.axes:
            fig.add_subplot(1, 2, 1)
            fig.add_subplot(1, 2, 2)
        info = draw_initialization(fig.axes[:2], init, activation, depth, width=width,
                                   n_samples=n_samples, random_state=random_state)
        return (f"{activation} layers, {init} weights &nbsp; last layer: activation std <b>{info['activation_std'][-1]:.3g}</b>, "
                f"<b>{100 * info['flat_share'][-1]:.0f}%</b> of its units saturated or dead "
                f"&nbsp; gradient std: layer 1 <b>{info['gradient_std'][0]:.3g}</b>, "
                f"layer {depth} <b>{info['gradient_std'][-1]:.3g}</b>")

    controls = {
        "depth": widgets.IntSlider(value=depth, min=1, max=MAX_DEPTH, step=1,
                                   description="depth (layers)", continuous_update=True,
                                   style={"description_width": "initial"}),
        "init": widgets.Dropdown(options=list(INITIALIZERS), value=init,
                                 description="initializer"),
        "activation": widgets.Dropdown(options=list(ACTIVATIONS), value=activation,
                                       description="activation"),
    }
    box = build_explorer(controls, draw, figsize=figsize, controls_per_row=3)
    box.depth_slider = controls["depth"]
    box.init_dropdown = controls["init"]
    box.activation_dropdown = controls["activation"]
    box.axes = tuple(box.figure.axes[:2])
    return box

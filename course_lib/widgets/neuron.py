"""Chapter 03's pictures: one neuron with sliders, and a dense network with its parameters.

A neuron computes a weighted sum of its inputs plus a bias, then applies its activation::

    z = w_1 x_1 + ... + w_n x_n + b        y = g(z)

:func:`draw_neuron` draws that computation for given numbers (a diagram with every value
written on it, and the output as one input varies); :func:`neuron_explorer` puts sliders on
the inputs, weights and bias. :func:`draw_dense_network` draws a fully connected network with
its bias units and counts its learnable parameters, ``sum over layers of (n_in + 1) * n_out``.
"""
from __future__ import annotations

import numpy as np

from .._validation import as_array, check_choice, check_int, check_real
from ..activations import linear, relu, step
from ._base import as_range, build_explorer, find_artist, float_slider, mark_live

__all__ = ["ACTIVATIONS", "neuron_output", "draw_neuron", "neuron_explorer",
           "draw_dense_network"]

#: The activations this chapter uses, by the name the explorer shows (chapter 04 has the rest).
ACTIVATIONS = {"identity": linear, "relu": relu, "step": step}
_LABELS = {"identity": "identity: g(z) = z", "relu": "ReLU: g(z) = max(z, 0)",
           "step": "step: g(z) = 1 if z ≥ 0 else 0"}

_POSITIVE, _NEGATIVE, _ZERO = "tab:blue", "tab:red", "0.6"
_MAX_INPUTS = 6


def _inputs_and_weights(x, w, func):
    x = as_array(x, "x", func, ndim=(0, 1), shape_hint="(n_inputs,)").astype(np.float64)
    w = as_array(w, "w", func, ndim=(0, 1), shape_hint="(n_inputs,)").astype(np.float64)
    x, w = np.atleast_1d(x), np.atleast_1d(w)
    if x.size == 0:
        raise ValueError(f"{func}: argument 'x' must hold at least one input, got 0")
    if x.shape != w.shape:
        raise ValueError(f"{func}: arguments 'x' and 'w' must have one weight per input, got "
                         f"{x.size} input(s) and {w.size} weight(s)")
    if x.size > _MAX_INPUTS:
        raise ValueError(f"{func}: argument 'x' may hold at most {_MAX_INPUTS} inputs (more do "
                         f"not fit in the picture), got {x.size}")
    return x, w


def neuron_output(x, w, b, activation="identity"):
    """``(z, y)`` for one neuron: ``z = sum_i w_i x_i + b`` and ``y = g(z)``.

    ``x, w: (n_inputs,)`` (or single numbers), ``b``: a number, ``activation``: one of
    ``'identity'``, ``'relu'``, ``'step'``. Both results are Python floats.
    """
    func = "neuron_output"
    x, w = _inputs_and_weights(x, w, func)
    b = check_real(b, "b", func)
    activation = check_choice(activation, "activation", func, tuple(ACTIVATIONS))
    z = float(np.dot(w, x) + b)
    return z, float(ACTIVATIONS[activation](z))


def _fmt(v):
    # "-0.00" reads as a sign error to a student; print zero plainly.
    return f"{v:.2f}" if round(v, 2) != 0 else "0.00"


def _edge_style(weight):
    color = _POSITIVE if weight > 0 else _NEGATIVE if weight < 0 else _ZERO
    return color, 0.8 + 1.2 * min(abs(weight), 3.0)


def _diagram_layout(n):
    """Positions (axes fraction) of the inputs, the bias unit, the sum and the output."""
    ys = [0.62] if n == 1 else list(np.linspace(0.88, 0.36, n))
    return {"inputs": [(0.08, y) for y in ys], "bias": (0.08, 0.10), "sum": (0.52, 0.50),
            "g": (0.74, 0.50), "out": (0.93, 0.50)}


def _build_diagram(ax, n):
    from matplotlib.patches import FancyBboxPatch

    pos = _diagram_layout(n)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_axis_off()
    sx, sy = pos["sum"]
    units = pos["inputs"] + [pos["bias"]]
    for i, (px, py) in enumerate(units):
        ax.plot([px, sx], [py, sy], gid=f"neuron-edge-{i}", zorder=1,
                solid_capstyle="round")
        # The weight is written a third of the way along its connection, on a white patch
        # so the line does not cross it.
        ax.text(px + 0.36 * (sx - px), py + 0.36 * (sy - py), "", ha="center", va="center",
                fontsize=9, zorder=3, gid=f"neuron-weight-{i}",
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white",
                      "edgecolor": "none"})
        ax.text(px, py, "", ha="center", va="center", fontsize=8, zorder=3,
                gid=f"neuron-input-{i}")
    # Scatter markers stay round whatever the axes' aspect ratio.
    ax.scatter([p[0] for p in units], [p[1] for p in units], s=1000, facecolor="white",
               edgecolor="black", zorder=2)
    ax.text(pos["bias"][0] + 0.085, pos["bias"][1], "bias unit", ha="left", va="center",
            fontsize=7, color="0.4")
    ax.scatter([sx], [sy], s=1300, facecolor="0.95", edgecolor="black", zorder=2)
    ax.text(sx, sy, "Σ", ha="center", va="center", fontsize=15, zorder=3)
    ax.text(sx, sy - 0.13, "", ha="center", va="top", fontsize=9, gid="neuron-z")
    gx, gy = pos["g"]
    ax.add_patch(FancyBboxPatch((gx - 0.045, gy - 0.07), 0.09, 0.14,
                                boxstyle="round,pad=0.01", facecolor="0.95",
                                edgecolor="black", zorder=2))
    ax.text(gx, gy, "g", ha="center", va="center", fontsize=13, style="italic", zorder=3)
    ax.text(gx, gy + 0.11, "", ha="center", va="bottom", fontsize=8, gid="neuron-g-name")
    ax.annotate("", xy=(gx - 0.055, gy), xytext=(sx + 0.06, sy),
                arrowprops={"arrowstyle": "->", "color": "black"})
    ox, oy = pos["out"]
    ax.annotate("", xy=(ox - 0.04, oy), xytext=(gx + 0.055, gy),
                arrowprops={"arrowstyle": "->", "color": "black"})
    ax.text(ox, oy - 0.13, "", ha="center", va="top", fontsize=9, gid="neuron-y")
    ax.text(ox, oy, "y", ha="center", va="center", fontsize=13, style="italic")


def _update_diagram(ax, x, w, b, activation, z, y):
    values = list(x) + [1.0]
    weights = list(w) + [b]
    for i, (value, weight) in enumerate(zip(values, weights)):
        color, width = _edge_style(weight)
        edge = find_artist(ax, f"neuron-edge-{i}")
        edge.set_color(color)
        edge.set_linewidth(width)
        is_bias = i == len(x)
        label = f"b = {_fmt(weight)}" if is_bias else f"w{i + 1} = {_fmt(weight)}"
        text = find_artist(ax, f"neuron-weight-{i}")
        text.set_text(label)
        text.set_color(color if weight != 0 else "0.3")
        find_artist(ax, f"neuron-input-{i}").set_text(
            "1" if is_bias else f"x{i + 1}\n{_fmt(value)}")
    find_artist(ax, "neuron-z").set_text(f"z = {_fmt(z)}")
    find_artist(ax, "neuron-g-name").set_text(_LABELS[activation])
    find_artist(ax, "neuron-y").set_text(f"y = {_fmt(y)}")


def draw_neuron(fig, x, w, b, activation="identity", *, x_range=(-3.0, 3.0),
                y_range=(-6.0, 6.0)):
    """Draw one neuron for these numbers onto ``fig``; return ``(z, y)``.

    ``x, w: (n_inputs,)`` with 1 to 6 inputs, ``b`` a number, ``activation`` one of
    ``'identity'``, ``'relu'``, ``'step'``. Two panels:

    * left, the neuron: each input with its value, each connection coloured by the sign of its
      weight (blue positive, red negative, width growing with ``|w_i|``), the bias as the
      weight of a constant input 1, the weighted sum ``z = sum_i w_i x_i + b`` and the output
      ``y = g(z)``;
    * right, ``z`` (dashed) and ``y`` (solid) as the first input ``x_1`` runs over ``x_range``
      with the other inputs held fixed, and a dot at the current ``x_1``. ``y_range`` fixes
      the vertical axis so that a slider move shows as a change of the curve, not of the scale.

    On the first call it adds its two axes; later calls on the same figure (with the same
    number of inputs) update the existing artists in place, which keeps a slider move fast.
    """
    func = "draw_neuron"
    x, w = _inputs_and_weights(x, w, func)
    b = check_real(b, "b", func)
    activation = check_choice(activation, "activation", func, tuple(ACTIVATIONS))
    x_range = as_range(x_range, (-3.0, 3.0), "x_range", func)
    y_range = as_range(y_range, (-6.0, 6.0), "y_range", func)
    g = ACTIVATIONS[activation]
    z = float(np.dot(w, x) + b)
    y = float(g(z))

    if len(fig.axes) == 2 and getattr(fig, "_neuron_inputs", None) == x.size:
        diagram, curve = fig.axes
    else:
        fig.clear()
        diagram, curve = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.25, 1.0]})
        _build_diagram(diagram, x.size)
        curve.axhline(0.0, color="0.8", linewidth=0.8)
        curve.axvline(0.0, color="0.8", linewidth=0.8)
        curve.plot([], [], linestyle="--", color="0.45", label="z (weighted sum)",
                   gid="neuron-curve-z")
        curve.plot([], [], color="black", linewidth=2, label="y = g(z)",
                   gid="neuron-curve-y")
        curve.plot([], [], "o", color="tab:orange", markersize=8, zorder=4,
                   gid="neuron-point")
        curve.set_xlabel("x1 (the other inputs fixed)")
        curve.legend(loc="upper left", fontsize="small")
        fig._neuron_inputs = x.size
    if curve.get_xlim() != x_range or curve.get_ylim() != y_range:
        # Few ticks: every tick label is text to lay out again on each slider move.
        curve.set_xlim(*x_range)
        curve.set_ylim(*y_range)
        # Inner ticks only: a label at the very edge would stick out of the figure.
        curve.set_xticks(np.linspace(*x_range, 5)[1:-1])
        curve.set_yticks(np.linspace(*y_range, 5)[1:-1])
        curve.xaxis.set_major_formatter("{x:g}")
        curve.yaxis.set_major_formatter("{x:g}")

    _update_diagram(diagram, x, w, b, activation, z, y)
    # Everything but x_1 is a constant offset along the curve.
    t = np.linspace(x_range[0], x_range[1], 401)
    z_t = w[0] * t + (z - w[0] * x[0])
    find_artist(curve, "neuron-curve-z").set_data(t, z_t)
    find_artist(curve, "neuron-curve-y").set_data(t, g(z_t))
    find_artist(curve, "neuron-point").set_data([x[0]], [y])
    return z, y


def _readout(x, w, b, activation, z, y):
    terms = " + ".join(f"({_fmt(wi)})·({_fmt(xi)})" for wi, xi in zip(w, x))
    name = {"identity": "identity", "relu": "ReLU", "step": "step"}[activation]
    return (f"weighted sum z = {terms} + ({_fmt(b)}) = <b>{_fmt(z)}</b> &nbsp;→&nbsp; "
            f"output y = {name}(z) = <b>{_fmt(y)}</b>")


def neuron_explorer(n_inputs=2, *, x=None, w=None, b=0.0, activation="identity",
                    x_range=(-3.0, 3.0), w_range=(-3.0, 3.0), b_range=(-3.0, 3.0),
                    y_range=(-6.0, 6.0), figsize=(9.0, 3.6)):
    """One neuron with a slider for every input ``x_i``, every weight ``w_i`` and the bias.

    ``n_inputs`` is 1 to 3; ``x`` and ``w`` give the starting values (``(n_inputs,)``, by
    default inputs 1.0, 0.5, ... and weights 1.0, -0.5, ...); ``activation`` starts the
    drop-down on ``'identity'``, ``'relu'`` or ``'step'``. The picture is
    :func:`draw_neuron`'s; the line under the sliders writes the weighted sum out term by
    term with the output.

    Returns an ``ipywidgets.VBox`` with the CSS class ``course-widget`` and the attributes
    ``x_sliders``, ``w_sliders``, ``b_slider``, ``activation_dropdown``, ``image``,
    ``readout`` and ``figure``.
    """
    import ipywidgets as widgets

    func = "neuron_explorer"
    n = check_int(n_inputs, "n_inputs", func, minimum=1, maximum=3)
    x = np.array([1.0, 0.5, -1.0][:n]) if x is None else x
    w = np.array([1.0, -0.5, 0.5][:n]) if w is None else w
    x, w = _inputs_and_weights(x, w, func)
    if x.size != n:
        raise ValueError(f"{func}: argument 'x' must hold n_inputs = {n} value(s), got "
                         f"{x.size}")
    b = check_real(b, "b", func)
    activation = check_choice(activation, "activation", func, tuple(ACTIVATIONS))
    x_range = as_range(x_range, (-3.0, 3.0), "x_range", func)
    w_range = as_range(w_range, (-3.0, 3.0), "w_range", func)
    b_range = as_range(b_range, (-3.0, 3.0), "b_range", func)
    y_range = as_range(y_range, (-6.0, 6.0), "y_range", func)

    # 120 steps per slider: fine enough to feel continuous, coarse enough to land on round
    # numbers such as 0, 1 and -0.55 for the default ranges.
    def slider(value, bounds, description):
        return float_slider(value, bounds, description, steps=120)

    controls = {}
    for i in range(n):
        controls[f"x{i + 1}"] = slider(x[i], x_range, f"input x{i + 1}")
        controls[f"w{i + 1}"] = slider(w[i], w_range, f"weight w{i + 1}")
    controls["b"] = slider(b, b_range, "bias b")
    controls["activation"] = widgets.Dropdown(
        options=[("identity", "identity"), ("ReLU", "relu"), ("step", "step")],
        value=activation, description="activation g")

    def draw(fig, **values):
        xs = [values[f"x{i + 1}"] for i in range(n)]
        ws = [values[f"w{i + 1}"] for i in range(n)]
        z, y = draw_neuron(fig, xs, ws, values["b"], values["activation"], x_range=x_range,
                           y_range=y_range)
        # A move redraws the connections (and the diagram drawn over them) and the curves;
        # the curve panel's ticks and labels stay as drawn once.
        diagram, curve = fig.axes
        mark_live(*(find_artist(diagram, f"neuron-edge-{i}") for i in range(n + 1)),
                  *(find_artist(curve, gid) for gid in ("neuron-curve-z", "neuron-curve-y",
                                                        "neuron-point")))
        return _readout(xs, ws, values["b"], values["activation"], z, y)

    box = build_explorer(controls, draw, figsize=figsize)
    box.x_sliders = [controls[f"x{i + 1}"] for i in range(n)]
    box.w_sliders = [controls[f"w{i + 1}"] for i in range(n)]
    box.b_slider = controls["b"]
    box.activation_dropdown = controls["activation"]
    return box


def draw_dense_network(ax, layer_sizes, *, show_biases=True, title=True):
    """Draw a fully connected network; return its parameter count per layer.

    ``layer_sizes``: the number of units per layer, input first, e.g. ``[2, 3, 2]``. Every
    unit of one layer is joined to every unit of the next (one weight per line); with
    ``show_biases`` each layer after the input also gets a bias unit "+1" joined by dashed
    lines (one bias per unit). Layer ``l`` then holds ``(n_{l-1} + 1) * n_l`` parameters, which
    the title adds up. Returns the list of per-layer counts, e.g. ``[9, 8]``.
    """
    func = "draw_dense_network"
    if not isinstance(layer_sizes, (list, tuple, np.ndarray)) or len(layer_sizes) < 2:
        raise ValueError(f"{func}: argument 'layer_sizes' must list at least two layer sizes "
                         f"(the input and one layer), got {layer_sizes!r}")
    sizes = [check_int(s, "layer_sizes", func, minimum=1, maximum=12) for s in layer_sizes]
    from matplotlib.collections import LineCollection

    def ys(k):
        return np.linspace(-(k - 1) / 2, (k - 1) / 2, k)[::-1]

    top = max(sizes) / 2 + 0.6
    weights, biases, counts = [], [], []
    for k in range(1, len(sizes)):
        for y0 in ys(sizes[k - 1]):
            for y1 in ys(sizes[k]):
                weights.append([(k - 1, y0), (k, y1)])
        if show_biases:
            for y1 in ys(sizes[k]):
                biases.append([(k - 0.55, top), (k, y1)])
        counts.append((sizes[k - 1] + 1) * sizes[k])

    ax.add_collection(LineCollection(weights, colors="0.35", linewidths=1.0, zorder=1,
                                     gid="network-weights"))
    if show_biases:
        ax.add_collection(LineCollection(biases, colors="tab:orange", linewidths=1.0,
                                         linestyles="--", zorder=1, gid="network-biases"))
        ax.scatter(np.arange(1, len(sizes)) - 0.55, np.full(len(sizes) - 1, top), s=260,
                   marker="s", color="moccasin", edgecolor="tab:orange", zorder=2,
                   gid="network-bias-units")
        for k in range(1, len(sizes)):
            ax.text(k - 0.55, top, "+1", ha="center", va="center", fontsize=8, zorder=3)
    for k, units in enumerate(sizes):
        color = "lightsteelblue" if k == 0 else "white" if k < len(sizes) - 1 else "honeydew"
        ax.scatter(np.full(units, k), ys(units), s=420, color=color, edgecolor="black",
                   zorder=2)
        name = "input" if k == 0 else "output" if k == len(sizes) - 1 else f"hidden {k}"
        ax.text(k, -max(sizes) / 2 - 0.35, f"{name}\n{units} unit{'s' if units > 1 else ''}",
                ha="center", va="top", fontsize=9)
    for k in range(1, len(sizes)):
        ax.text(k - 0.5, -max(sizes) / 2 - 0.35,
                f"{sizes[k - 1]}·{sizes[k]} + {sizes[k]}\n= {counts[k - 1]}",
                ha="center", va="top", fontsize=8, color="tab:purple")
    ax.set_xlim(-0.5, len(sizes) - 0.5)
    ax.set_ylim(-max(sizes) / 2 - 1.5, top + 0.5)
    ax.set_axis_off()
    if title:
        total = " + ".join(str(c) for c in counts)
        text = f"{'-'.join(map(str, sizes))} network: {total} = {sum(counts)} parameters"
        ax.set_title(text if len(counts) > 1 else f"{'-'.join(map(str, sizes))} network: "
                     f"{sum(counts)} parameters", fontsize=10)
    return counts

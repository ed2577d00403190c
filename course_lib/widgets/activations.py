"""Chapter 04's explorer: pick an activation, move ``w`` and ``b``, see ``f(w x + b)`` and its slope.

The top panel is the neuron's output ``y = f(w x + b)`` over an input range; the bottom panel is
its derivative with respect to the input, by the chain rule

``dy/dx = w * f'(w x + b)``.

Where ``f'(w x + b)`` is almost 0 the unit is *saturated* (sigmoid and tanh far from 0) or *dead*
(ReLU for negative sums): a gradient passing back through it is multiplied by almost nothing.
That part of the input range is shaded, and its share is reported.
"""
from __future__ import annotations

import numpy as np

from .. import activations
from .._validation import check_choice, check_int, check_real
from ._base import as_range, build_explorer, find_artist, float_slider, mark_live, set_limits

__all__ = ["ACTIVATIONS", "SATURATION_THRESHOLD", "activation_curve", "draw_activation",
           "activation_explorer"]

#: The elementwise activations the explorer offers (softmax couples several inputs, so it has
#: no curve of one variable).
ACTIVATIONS = ("linear", "step", "sigmoid", "tanh", "relu", "leaky_relu", "elu")

#: Below this value of f'(w x + b) a gradient is counted as (nearly) vanished.
SATURATION_THRESHOLD = 0.01

_GID_CURVE = "activation-curve"
_GID_SLOPE = "activation-slope"
_GID_FLAT_F = "activation-flat-top"
_GID_FLAT_D = "activation-flat-bottom"


def activation_curve(activation, w, b, x):
    """The neuron's output and its input slope on the points ``x``.

    ``x: (N,)``; returns ``(y, dy_dx, local)``, each ``(N,)``, with ``z = w x + b``,
    ``y = f(z)``, ``local = f'(z)`` and ``dy_dx = w f'(z)`` (the chain rule).
    """
    func = "activation_curve"
    check_choice(activation, "activation", func, ACTIVATIONS)
    w = check_real(w, "w", func)
    b = check_real(b, "b", func)
    x = np.asarray(x, dtype=np.float64)
    f, f_prime = activations.get(activation)
    z = w * x + b
    local = np.asarray(f_prime(z), dtype=np.float64)
    return np.asarray(f(z), dtype=np.float64), w * local, local


def _flat_spans(x, flat):
    """(start, end) x-intervals where ``flat`` is True, for shading."""
    edges = np.diff(np.concatenate([[0], flat.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    return [(x[s], x[e]) for s, e in zip(starts, ends)]


def _shade(ax, gid, spans, y_low, y_high):
    """One PolyCollection of vertical bands, reused between calls."""
    from matplotlib.collections import PolyCollection
    polygons = [[(x0, y_low), (x1, y_low), (x1, y_high), (x0, y_high)] for x0, x1 in spans]
    shade = find_artist(ax, gid)
    if shade is None:
        shade = PolyCollection(polygons, facecolors="tab:red", alpha=0.12, edgecolors="none",
                               gid=gid, label=f"f'(wx+b) < {SATURATION_THRESHOLD}")
        ax.add_collection(shade, autolim=False)
    else:
        shade.set_verts(polygons)
    return shade


def _limits(values, include=()):
    low = min(float(np.min(values)), *include)
    high = max(float(np.max(values)), *include)
    pad = 0.08 * (high - low) if high > low else 0.5
    return low - pad, high + pad


def draw_activation(axes, activation, w, b, *, x_range=(-6.0, 6.0), n_points=401):
    """Draw ``y = f(w x + b)`` on ``axes[0]`` and ``dy/dx = w f'(w x + b)`` on ``axes[1]``.

    ``axes``: a pair of matplotlib Axes. ``x_range = (min, max)`` is the input range shown,
    sampled at ``n_points`` points. The parts of the range where ``f'(w x + b) <
    SATURATION_THRESHOLD`` (the gradient nearly vanishes) are shaded in both panels.

    Called again on the same axes it moves the existing artists instead of adding new ones,
    which keeps a slider move fast. Returns a dict with ``'y_at_0'`` (the output for x = 0,
    ``f(b)``), ``'max_slope'`` (the largest ``|dy/dx|`` over the range) and ``'flat_share'``
    (the share of the range where the gradient nearly vanishes, between 0 and 1).
    """
    func = "draw_activation"
    if (not isinstance(axes, (tuple, list)) or len(axes) != 2
            or not all(hasattr(ax, "plot") for ax in axes)):
        raise TypeError(f"{func}: argument 'axes' must be a pair of matplotlib Axes (output, "
                        f"slope), got {axes!r}")
    check_choice(activation, "activation", func, ACTIVATIONS)
    w = check_real(w, "w", func)
    b = check_real(b, "b", func)
    x_low, x_high = as_range(x_range, (-6.0, 6.0), "x_range", func)
    n_points = check_int(n_points, "n_points", func, minimum=2)

    x = np.linspace(x_low, x_high, n_points)
    y, slope, local = activation_curve(activation, w, b, x)
    flat = local < SATURATION_THRESHOLD
    y_at_0 = float(activation_curve(activation, w, b, np.array([0.0]))[0][0])
    ax_f, ax_d = axes

    curve = find_artist(ax_f, _GID_CURVE)
    if curve is None:
        (curve,) = ax_f.plot([], [], color="tab:blue", linewidth=2, gid=_GID_CURVE)
        (slope_line,) = ax_d.plot([], [], color="tab:orange", linewidth=2, gid=_GID_SLOPE)
        from matplotlib.ticker import MaxNLocator
        for ax in axes:
            ax.axhline(0.0, color="gray", linewidth=0.6)
            ax.axvline(0.0, color="gray", linewidth=0.6)
            # Few ticks: laying out tick labels is most of the cost of a redraw.
            ax.xaxis.set_major_locator(MaxNLocator(7))
            ax.yaxis.set_major_locator(MaxNLocator(5))
        ax_f.tick_params(labelbottom=False)
        ax_d.set_xlabel("input x")
        ax_f.set_ylabel("output y")
        ax_d.set_ylabel("slope dy/dx")
    else:
        slope_line = find_artist(ax_d, _GID_SLOPE)
    curve.set_data(x, y)
    slope_line.set_data(x, slope)

    # Bounded activations keep their natural frame so the eye sees the saturation; unbounded
    # ones follow the curve.
    bounds = {"sigmoid": (0.0, 1.0), "step": (0.0, 1.0), "tanh": (-1.0, 1.0)}
    f_limits = _limits(y, bounds.get(activation, (0.0,)))
    d_limits = _limits(slope, (0.0,))
    for ax, limits, gid in ((ax_f, f_limits, _GID_FLAT_F), (ax_d, d_limits, _GID_FLAT_D)):
        # Only where they change: setting limits again would redraw the ticks on every move.
        set_limits(ax, (x_low, x_high), limits)
        _shade(ax, gid, _flat_spans(x, flat), *limits)

    flat_share = float(np.mean(flat))
    ax_f.set_title(f"y = {activation}(w x + b),  w = {w:.2f}, b = {b:.2f}")
    ax_d.set_title(f"dy/dx = w · {activation}'(w x + b);  gradient nearly 0 on "
                   f"{100 * flat_share:.0f}% of the range", fontsize="medium")
    return {"y_at_0": y_at_0, "max_slope": float(np.max(np.abs(slope))),
            "flat_share": flat_share}


def activation_explorer(activation="sigmoid", *, w=1.0, b=0.0, w_range=(-5.0, 5.0),
                        b_range=(-5.0, 5.0), x_range=(-6.0, 6.0), figsize=(6.0, 5.0)):
    """Pick an activation and move ``w`` and ``b``: see ``f(w x + b)`` and its slope.

    A dropdown offers :data:`ACTIVATIONS`; two sliders set the weight ``w`` and the bias ``b``
    (within ``w_range`` and ``b_range``). The picture is :func:`draw_activation`'s; the line
    under the controls gives ``f(b)`` (the output at x = 0), the steepest slope and the share
    of the input range where the gradient nearly vanishes.

    Returns an ``ipywidgets.VBox`` with the CSS class ``course-widget``; its attributes
    ``activation_dropdown``, ``w_slider``, ``b_slider``, ``image``, ``readout``, ``figure`` and
    ``axes`` give tests and curious students access to the parts.
    """
    import ipywidgets as widgets

    func = "activation_explorer"
    check_choice(activation, "activation", func, ACTIVATIONS)
    w = check_real(w, "w", func)
    b = check_real(b, "b", func)
    w_range = as_range(w_range, (-5.0, 5.0), "w_range", func)
    b_range = as_range(b_range, (-5.0, 5.0), "b_range", func)
    x_range = as_range(x_range, (-6.0, 6.0), "x_range", func)


    def draw(fig, activation, w, b):
        if not fig.axes:
            top = fig.add_subplot(2, 1, 1)
            fig.add_subplot(2, 1, 2, sharex=top)
        info = draw_activation(fig.axes[:2], activation, w, b, x_range=x_range)
        top, bottom = fig.axes[:2]
        # A move redraws the slope panel whole (its scale follows w and b) and, on top, the
        # curve, shading and title; its ticks stay as drawn once while its scale is fixed
        # (the bounded activations), else the top panel is redrawn whole too.
        bottom.set_animated(True)
        top.set_animated(activation not in ("sigmoid", "step", "tanh"))
        if not top.get_animated():
            mark_live(find_artist(top, _GID_FLAT_F), find_artist(top, _GID_CURVE))
        return (f"output at x = 0: <b>{info['y_at_0']:.3f}</b> &nbsp; steepest slope: "
                f"<b>{info['max_slope']:.3f}</b> &nbsp; gradient nearly 0 on "
                f"<b>{100 * info['flat_share']:.0f}%</b> of the range")

    controls = {
        "activation": widgets.Dropdown(options=list(ACTIVATIONS), value=activation,
                                       description="activation"),
        "w": float_slider(w, w_range, "w (weight)"),
        "b": float_slider(b, b_range, "b (bias)"),
    }
    box = build_explorer(controls, draw, figsize=figsize, controls_per_row=3)
    box.activation_dropdown = controls["activation"]
    box.w_slider, box.b_slider = controls["w"], controls["b"]
    box.axes = tuple(box.figure.axes[:2])
    return box

"""Chapter 07's explorer: one forward and one backward pass through a tiny sigmoid network.

The notation is the chapter's (3Blue1Brown's and DeepLizard's), with nodes counted from 0 as
in Python. Layer ``l = 1 .. L`` has ``n_l`` nodes, the input is layer 0 (``a^(0) = x``), and

    z_j^(l) = sum_k w_jk^(l) a_k^(l-1) + b_j^(l)        a_j^(l) = sigmoid(z_j^(l))
    C_0     = sum_j (a_j^(L) - y_j)^2                    (the cost of this one example)

``w_jk^(l)`` joins node ``k`` of layer ``l-1`` to node ``j`` of layer ``l``; Keras stores the
same number as ``kernel[k, j]`` of a kernel shaped ``(n_in, n_out)``, and so does this module.
Backwards, with ``delta_j^(l) = dC_0/dz_j^(l)``:

    dC_0/da_j^(L)   = 2 (a_j^(L) - y_j)
    dC_0/da_k^(l-1) = sum_j w_jk^(l) delta_j^(l)        (every path from a_k to C_0 counts)
    delta_j^(l)     = dC_0/da_j^(l) * sigmoid'(z_j^(l))
    dC_0/dw_jk^(l)  = delta_j^(l) a_k^(l-1)              dC_0/db_j^(l) = delta_j^(l)

:func:`network_gradients` computes all of it; :func:`draw_backprop` draws the network as a
graph with every number written on its node or edge, revealed step by step
(:func:`backprop_steps`: the input, each layer forwards, then for each layer backwards first
the deltas, then the weight gradients); :func:`backprop_explorer` puts a step slider and the
two inputs on sliders.
"""
from __future__ import annotations

import numpy as np

from .._validation import as_array, check_int
from ..activations import sigmoid, sigmoid_derivative
from ._base import build_explorer, find_artist, float_slider, mark_live

__all__ = ["WORKED_EXAMPLE", "network_gradients", "backprop_steps", "draw_backprop",
           "backprop_explorer"]

#: The chapter's worked example: a 2-2-1 network, kernels in Keras layout (n_in, n_out).
WORKED_EXAMPLE = {
    "x": np.array([1.0, 0.5]),
    "y": np.array([1.0]),
    "kernels": [np.array([[0.5, 0.3],
                          [-0.4, 0.8]]),
                np.array([[0.7],
                          [-0.6]])],
    "biases": [np.array([0.1, -0.2]), np.array([0.2])],
}

_MAX_NODES, _MAX_LAYERS = 3, 3
_SUB = str.maketrans("0123456789-", "₀₁₂₃₄₅₆₇₈₉₋")
_SUP = str.maketrans("0123456789()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾")
_FORWARD, _BACKWARD, _DONE, _IDLE = "tab:blue", "tab:red", "0.45", "0.82"
_LEGEND = ("on an edge: its weight w_jk (black) and ∂C₀/∂w_jk (red); on a node: a inside, "
           "z and b above, ∂C₀/∂a and δ = ∂C₀/∂z (= ∂C₀/∂b) below (red)")


def _sub(text):
    return str(text).translate(_SUB)


def _sup(layer):
    return f"({layer})".translate(_SUP)


def _fmt(v):
    # Three decimals: the gradients of the worked example are a few hundredths.
    text = f"{v:.3f}"
    return "0.000" if text == "-0.000" else text


def _check_network(x, y, kernels, biases, func):
    """Float64 copies of the arguments, with the sizes checked against each other."""
    if not isinstance(kernels, (list, tuple)) or not 1 <= len(kernels) <= _MAX_LAYERS:
        raise ValueError(f"{func}: argument 'kernels' must be a list of 1 to {_MAX_LAYERS} "
                         f"arrays (n_in, n_out), got {kernels!r}"[:300])
    if not isinstance(biases, (list, tuple)) or len(biases) != len(kernels):
        raise ValueError(f"{func}: argument 'biases' must be a list with one array (n_out,) "
                         f"per kernel ({len(kernels)}), got {biases!r}"[:300])
    x = as_array(x, "x", func, ndim=1, shape_hint="(n_0,)").astype(np.float64)
    y = as_array(y, "y", func, ndim=1, shape_hint="(n_L,)").astype(np.float64)
    ks, bs = [], []
    n_in = x.size
    for l, (w, b) in enumerate(zip(kernels, biases), start=1):
        w = as_array(w, f"kernels[{l - 1}]", func, ndim=2,
                     shape_hint="(n_in, n_out)").astype(np.float64)
        b = as_array(b, f"biases[{l - 1}]", func, ndim=1, shape_hint="(n_out,)").astype(
            np.float64)
        if w.shape[0] != n_in:
            raise ValueError(f"{func}: argument 'kernels[{l - 1}]' must have {n_in} rows (one "
                             f"per node of layer {l - 1}; Keras layout (n_in, n_out)), got "
                             f"shape {w.shape}")
        if b.shape != (w.shape[1],):
            raise ValueError(f"{func}: argument 'biases[{l - 1}]' must have shape "
                             f"({w.shape[1]},), one bias per node of layer {l}, got {b.shape}")
        ks.append(w)
        bs.append(b)
        n_in = w.shape[1]
    if y.size != n_in:
        raise ValueError(f"{func}: argument 'y' must hold one target per output node "
                         f"({n_in}), got shape {y.shape}")
    sizes = [x.size] + [w.shape[1] for w in ks]
    if max(sizes) > _MAX_NODES:
        raise ValueError(f"{func}: arguments 'x' and 'kernels' may give at most {_MAX_NODES} "
                         f"nodes per layer (more do not fit in the picture), got layer sizes "
                         f"{sizes}")
    return x, y, ks, bs


def network_gradients(x, y, kernels, biases):
    """Forward and backward pass of one example through a sigmoid network with cost C_0.

    x: (n_0,), y: (n_L,), kernels[l-1]: (n_{l-1}, n_l) in Keras layout (``kernel[k, j] =
    w_jk``), biases[l-1]: (n_l,); every layer uses the sigmoid, and
    ``C_0 = sum_j (a_j^(L) - y_j)^2``. Returns a dict of lists indexed by layer:

    ``a[l]`` (l = 0..L, ``a[0] = x``), ``z[l]``, ``dC_da[l]``, ``delta[l]`` (= dC_0/dz),
    ``dC_dw[l]`` (shaped like ``kernels[l-1]``) and ``dC_db[l]`` for l = 1..L (index 0 of
    these holds None, so that the list index is the layer), ``dC_da[0]`` = dC_0/dx, and
    ``cost`` (a float). Formulas in the module docstring.
    """
    x, y, ks, bs = _check_network(x, y, kernels, biases, "network_gradients")
    L = len(ks)
    a, z = [x], [None]
    for w, b in zip(ks, bs):
        z.append(a[-1] @ w + b)
        a.append(sigmoid(z[-1]))
    dC_da = [None] * (L + 1)
    delta, dC_dw, dC_db = [None] * (L + 1), [None] * (L + 1), [None] * (L + 1)
    dC_da[L] = 2.0 * (a[L] - y)
    for l in range(L, 0, -1):
        delta[l] = dC_da[l] * sigmoid_derivative(z[l])
        dC_dw[l] = np.outer(a[l - 1], delta[l])       # [k, j] = a_k^(l-1) delta_j^(l)
        dC_db[l] = delta[l].copy()
        dC_da[l - 1] = ks[l - 1] @ delta[l]           # sum over j of w_jk delta_j
    return {"a": a, "z": z, "dC_da": dC_da, "delta": delta, "dC_dw": dC_dw, "dC_db": dC_db,
            "cost": float(np.sum((a[L] - y) ** 2))}


def backprop_steps(n_layers):
    """The steps the explorer walks through, as ``(kind, layer)`` pairs.

    ``('input', 0)``, then ``('forward', l)`` for l = 1..L, then for l = L..1 ``('delta', l)``
    (dC_0/da and delta of layer l) and ``('weights', l)`` (dC_0/dw and dC_0/db of layer l):
    ``1 + 3 L`` steps in all.
    """
    L = check_int(n_layers, "n_layers", "backprop_steps", minimum=1, maximum=_MAX_LAYERS)
    steps = [("input", 0)] + [("forward", l) for l in range(1, L + 1)]
    for l in range(L, 0, -1):
        steps += [("delta", l), ("weights", l)]
    return steps


def _positions(sizes):
    """(x, y) of every node: layer l at x = l, nodes spread evenly around y = 0, node 0 on top."""
    return [[(float(l), (n - 1) / 2 - j) for j in range(n)] for l, n in enumerate(sizes)]


def _label_point(p, q, j, n_out):
    """Where an edge's label sits: a fraction along the edge that depends on the target node,
    so that labels of edges that cross or share an end do not land on each other."""
    t = 0.5 if n_out == 1 else 0.22 + 0.38 * j / (n_out - 1)
    return p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])


def _build(ax, sizes):
    pos = _positions(sizes)
    top = max(sizes) / 2
    ax.set_xlim(-0.45, len(sizes) - 0.55)
    ax.set_ylim(-top - 0.65, top + 0.2)
    ax.set_axis_off()
    box = {"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"}
    for l in range(1, len(sizes)):
        for k, p in enumerate(pos[l - 1]):
            for j, q in enumerate(pos[l]):
                ax.plot([p[0], q[0]], [p[1], q[1]], color=_IDLE, zorder=1,
                        gid=f"edge-{l}-{j}-{k}")
                lx, ly = _label_point(p, q, j, sizes[l])
                ax.text(lx, ly, "", ha="center", va="bottom", fontsize=7, zorder=4,
                        bbox=box, gid=f"w-{l}-{j}-{k}")
                ax.text(lx, ly, "", ha="center", va="top", fontsize=7, zorder=4,
                        color=_BACKWARD, bbox=box, gid=f"dw-{l}-{j}-{k}")
    for l, layer in enumerate(pos):
        xs, ys = zip(*layer)
        color = "lightsteelblue" if l == 0 else "white"
        ax.scatter(xs, ys, s=1300, facecolor=color, edgecolor="black", zorder=2,
                   gid=f"nodes-{l}")
        for j, (px, py) in enumerate(layer):
            ax.text(px, py, "", ha="center", va="center", fontsize=8, zorder=3,
                    gid=f"a-{l}-{j}")
            ax.text(px, py + 0.2, "", ha="center", va="bottom", fontsize=7, color="0.3",
                    zorder=3, gid=f"z-{l}-{j}")
            ax.text(px, py - 0.2, "", ha="center", va="top", fontsize=7, color=_BACKWARD,
                    zorder=3, gid=f"grad-{l}-{j}")
        name = "input" if l == 0 else "output" if l == len(sizes) - 1 else "hidden"
        # Static texts below the edges' zorder (they overlap nothing): an explorer's move then
        # leaves them in the background it keeps (see draw_backprop).
        ax.text(l, -top - 0.3, f"layer {l} ({name})", ha="center", va="bottom", fontsize=8,
                color="0.3", zorder=0.5)
    ax.text(len(sizes) - 1, top + 0.15, "", ha="center", va="top", fontsize=8,
            gid="cost")
    ax.text(-0.45, -top - 0.62, _LEGEND, ha="left", va="bottom", fontsize=7, color="0.3",
            zorder=0.5)
    ax.set_title("", fontsize=9, loc="left")


def _reveal(step_index, steps):
    """How far each part of the picture is revealed at this step."""
    shown = steps[: step_index + 1]
    forward = max((l for kind, l in shown if kind in ("input", "forward")), default=0)
    deltas = {l for kind, l in shown if kind == "delta"}
    weights = {l for kind, l in shown if kind == "weights"}
    return forward, deltas, weights


def _title(kind, l, L):
    if kind == "input":
        return "the input enters the network"
    if kind == "forward":
        return f"forward: layer {l} computes z and a = σ(z)" + (
            ", then the cost C₀" if l == L else "")
    if kind == "delta":
        return f"backward: ∂C₀/∂a and δ = ∂C₀/∂z of layer {l}"
    return f"backward: ∂C₀/∂w and ∂C₀/∂b of layer {l}"


def _caption(kind, l, L, net, ks, bs, y):
    """One line (HTML) with the step's formula and its first node worked out in numbers."""
    a, z, up = net["a"], net["z"], _sup(l)
    if kind == "input":
        return ("a" + _sup(0) + " = x = (" + ", ".join(_fmt(v) for v in a[0]) +
                "): nothing is computed yet.")
    if kind == "forward":
        terms = " + ".join(f"({_fmt(ks[l - 1][k, 0])})({_fmt(a[l - 1][k])})"
                           for k in range(ks[l - 1].shape[0]))
        text = (f"z<sub>j</sub>{up} = Σ<sub>k</sub> w<sub>jk</sub>{up} a<sub>k</sub>"
                f"{_sup(l - 1)} + b<sub>j</sub>{up}, a<sub>j</sub>{up} = σ(z<sub>j</sub>{up}); "
                f"node 0: z = {terms} + ({_fmt(bs[l - 1][0])}) = <b>{_fmt(z[l][0])}</b>, "
                f"a = σ({_fmt(z[l][0])}) = <b>{_fmt(a[l][0])}</b>")
        if l == L:
            text += (f". Cost C₀ = Σ<sub>j</sub>(a<sub>j</sub>{up} − y<sub>j</sub>)² = "
                     f"<b>{_fmt(net['cost'])}</b>")
        return text
    if kind == "delta":
        if l == L:
            first = (f"∂C₀/∂a<sub>j</sub>{up} = 2(a<sub>j</sub>{up} − y<sub>j</sub>); node 0: "
                     f"2({_fmt(a[l][0])} − {_fmt(y[0])}) = <b>{_fmt(net['dC_da'][l][0])}</b>")
        else:
            terms = " + ".join(f"({_fmt(ks[l][0, j])})({_fmt(net['delta'][l + 1][j])})"
                               for j in range(ks[l].shape[1]))
            first = (f"∂C₀/∂a<sub>k</sub>{up} = Σ<sub>j</sub> w<sub>jk</sub>{_sup(l + 1)} "
                     f"δ<sub>j</sub>{_sup(l + 1)} (every path counts); node 0: {terms} = "
                     f"<b>{_fmt(net['dC_da'][l][0])}</b>")
        s = float(a[l][0])
        return (first + f"; δ = ∂C₀/∂a · σ'(z), σ'(z) = a(1 − a): {_fmt(net['dC_da'][l][0])} · "
                f"{_fmt(s * (1 - s))} = <b>{_fmt(net['delta'][l][0])}</b>")
    return (f"∂C₀/∂w<sub>jk</sub>{up} = δ<sub>j</sub>{up} a<sub>k</sub>{_sup(l - 1)}, "
            f"∂C₀/∂b<sub>j</sub>{up} = δ<sub>j</sub>{up}; w<sub>00</sub>: "
            f"({_fmt(net['delta'][l][0])})({_fmt(a[l - 1][0])}) = "
            f"<b>{_fmt(net['dC_dw'][l][0, 0])}</b>")


def draw_backprop(fig, x, y, kernels, biases, step=0):
    """Draw the network onto ``fig`` as it stands after ``step``; return the caption (HTML).

    Arguments as in :func:`network_gradients`; ``step`` indexes :func:`backprop_steps`. Every
    edge shows its weight ``w_jk`` (and, once the backward pass has reached it, its gradient
    ``∂C₀/∂w`` in red); every node shows ``a`` inside, ``z`` and ``b`` above, and, once
    reached backwards, ``∂C₀/∂a`` and ``δ`` below. Edges of the layer the step works on are
    coloured (blue forwards, red backwards). On the first call it adds its axes; later calls
    with the same layer sizes update the texts and colours in place (fast slider moves).
    """
    func = "draw_backprop"
    x, y, ks, bs = _check_network(x, y, kernels, biases, func)
    L = len(ks)
    steps = backprop_steps(L)
    step = check_int(step, "step", func, minimum=0, maximum=len(steps) - 1)
    net = network_gradients(x, y, ks, bs)
    sizes = [x.size] + [w.shape[1] for w in ks]
    if len(fig.axes) == 1 and getattr(fig, "_backprop_sizes", None) == sizes:
        ax = fig.axes[0]
    else:
        fig.clear()
        ax = fig.add_subplot()
        _build(ax, sizes)
        fig._backprop_sizes = sizes

    kind, active = steps[step]
    forward, deltas, weights = _reveal(step, steps)

    for l in range(1, L + 1):
        for j in range(sizes[l]):
            for k in range(sizes[l - 1]):
                edge = find_artist(ax, f"edge-{l}-{j}-{k}")
                if l == active and kind == "forward":
                    edge.set_color(_FORWARD)
                    edge.set_linewidth(2.2)
                elif l == active and kind in ("delta", "weights"):
                    edge.set_color(_BACKWARD)
                    edge.set_linewidth(2.2)
                else:
                    edge.set_color(_DONE if l <= forward else _IDLE)
                    edge.set_linewidth(1.0)
                find_artist(ax, f"w-{l}-{j}-{k}").set_text(
                    f"w{_sub(f'{j}{k}')} = {ks[l - 1][k, j]:.2f}")
                find_artist(ax, f"dw-{l}-{j}-{k}").set_text(
                    _fmt(net["dC_dw"][l][k, j]) if l in weights else "")
    for l in range(L + 1):
        for j in range(sizes[l]):
            if l == 0:
                inside, above = f"{x[j]:.2f}", f"x{_sub(j)}"
            elif l <= forward:
                inside = _fmt(net["a"][l][j])
                above = f"z = {_fmt(net['z'][l][j])}\nb = {bs[l - 1][j]:.2f}"
            else:
                inside, above = "?", f"b = {bs[l - 1][j]:.2f}"
            find_artist(ax, f"a-{l}-{j}").set_text(inside)
            find_artist(ax, f"z-{l}-{j}").set_text(above)
            below = ""
            if l >= 1 and l in deltas:
                below = (f"∂C₀/∂a = {_fmt(net['dC_da'][l][j])}\n"
                         f"δ = {_fmt(net['delta'][l][j])}")
            find_artist(ax, f"grad-{l}-{j}").set_text(below)
    cost = ""
    if forward == L:
        cost = ("C₀ = Σ(a − y)² = " + _fmt(net["cost"]) + "   (y = " +
                ", ".join(_fmt(v) for v in y) + ")")
    find_artist(ax, "cost").set_text(cost)
    ax.set_title(f"step {step} of {len(steps) - 1}: {_title(kind, active, L)}", fontsize=9,
                 loc="left")
    return _caption(kind, active, L, net, ks, bs, y)


def backprop_explorer(x=None, y=None, kernels=None, biases=None, *, step=0, figsize=None):
    """Step through one forward and backward pass; the inputs x_0, x_1 on sliders too.

    Defaults are :data:`WORKED_EXAMPLE` (the chapter's 2-2-1 network). The first control is
    the step slider (0 .. 3 L), then one slider per input in [-2, 2]. The picture is
    :func:`draw_backprop`'s; the line under the sliders gives the step's formula with its
    first node worked out in numbers. ``figsize`` defaults to 9 inches wide and tall enough
    for the largest layer (4.2 inches for two nodes).

    Returns an ``ipywidgets.VBox`` with the CSS class ``course-widget`` and the attributes
    ``step_slider``, ``x_sliders``, ``image``, ``readout`` and ``figure``.
    """
    import ipywidgets as widgets

    func = "backprop_explorer"
    ex = WORKED_EXAMPLE
    x = ex["x"] if x is None else x
    y = ex["y"] if y is None else y
    kernels = ex["kernels"] if kernels is None else kernels
    biases = ex["biases"] if biases is None else biases
    x, y, ks, bs = _check_network(x, y, kernels, biases, func)
    n_steps = len(backprop_steps(len(ks)))
    if figsize is None:
        figsize = (9.0, 1.5 + 1.35 * max([x.size] + [w.shape[1] for w in ks]))
    step = check_int(step, "step", func, minimum=0, maximum=n_steps - 1)

    controls = {"step": widgets.IntSlider(value=step, min=0, max=n_steps - 1, step=1,
                                          description="step", continuous_update=True)}
    for i, value in enumerate(x):
        controls[f"x{i}"] = float_slider(value, (-2.0, 2.0), f"input x{_sub(i)}", steps=80)

    def draw(fig, **values):
        xs = [values[f"x{i}"] for i in range(x.size)]
        caption = draw_backprop(fig, xs, y, ks, bs, values["step"])
        # Everything drawn from the edges up changes with the step or the inputs: live, so a
        # move redraws it over the kept background (the static texts are drawn below it).
        ax = fig.axes[0]
        mark_live(*(a for a in ax.get_children() if str(a.get_gid()).startswith("edge-")))
        return caption

    box = build_explorer(controls, draw, figsize=figsize, controls_per_row=3)
    box.step_slider = controls["step"]
    box.x_sliders = [controls[f"x{i}"] for i in range(x.size)]
    return box

"""Chapter 05's explorer: one predicted probability p against a true label y, two losses.

For a single sample with label y in {0, 1} and predicted probability p = sigmoid(z):

* binary cross-entropy  BCE(p) = -[y log p + (1 - y) log(1 - p)]
* squared error         SE(p)  = (y - p)^2            (the MSE of one sample)

and their gradients, either with respect to p,

    dBCE/dp = (p - y) / (p (1 - p))          dSE/dp = 2 (p - y),

or with respect to the logit z that the network's last layer actually produces (dp/dz = p (1 - p)):

    dBCE/dz = p - y                          dSE/dz = 2 (p - y) p (1 - p).

The picture shows why networks that end in a sigmoid are trained with BCE: for a confident wrong
answer (y = 1, p near 0) dSE/dz vanishes with the factor p (1 - p), while dBCE/dz stays near -1.
"""
from __future__ import annotations

import numpy as np

from .._validation import check_choice, check_in_range, check_real
from ._base import build_explorer, find_artist, float_slider, mark_live

__all__ = ["binary_loss_values", "draw_loss_comparison", "loss_explorer"]

#: p on the curves stays this far from 0 and 1: the ends of BCE and of dBCE/dp are infinite.
P_MARGIN = 1e-3
_GRID = np.linspace(P_MARGIN, 1 - P_MARGIN, 400)
_WRT = ("logit", "probability")
# y-limits of the right-hand panel: dBCE/dp runs off to infinity at the ends, so that view is
# cut at +-10 (the read-out still gives the exact value).
_GRAD_LIMITS = {"logit": (-1.1, 1.1), "probability": (-10.0, 10.0)}
_GRAD_TICKS = {"logit": [-1, 0, 1], "probability": [-10, 0, 10]}
_LOSS_LIMIT = -np.log(P_MARGIN) * 1.05


def binary_loss_values(p, y, wrt="logit"):
    """BCE, squared error and their gradients for label ``y`` (0 or 1) at probability ``p``.

    ``p``: a number or an array in (0, 1) (open: both losses are finite there); returns a dict
    ``{'bce', 'mse', 'bce_grad', 'mse_grad'}`` of arrays shaped like ``p`` (floats for a number),
    the gradients taken with respect to ``wrt``: ``'logit'`` (z, with p = sigmoid(z)) or
    ``'probability'`` (p). Formulas in the module docstring.
    """
    func = "binary_loss_values"
    p_arr = np.asarray(p, dtype=np.float64) if not isinstance(p, (str, bytes)) else None
    if p_arr is None or p_arr.dtype == object:
        raise TypeError(f"{func}: argument 'p' must be a number or an array of numbers, "
                        f"got {p!r}")
    if p_arr.size == 0 or not np.all((p_arr > 0) & (p_arr < 1)):
        raise ValueError(f"{func}: argument 'p' must lie in the open interval (0, 1), where "
                         f"both losses are finite, got {p!r}")
    y = _check_label(y, func)
    wrt = check_choice(wrt, "wrt", func, _WRT)
    error = p_arr - y
    bce = -(y * np.log(p_arr) + (1 - y) * np.log1p(-p_arr))
    mse = error ** 2
    if wrt == "logit":
        slope = p_arr * (1 - p_arr)   # dp/dz of the sigmoid
        bce_grad, mse_grad = error, 2 * error * slope
    else:
        bce_grad, mse_grad = error / (p_arr * (1 - p_arr)), 2 * error
    values = {"bce": bce, "mse": mse, "bce_grad": bce_grad, "mse_grad": mse_grad}
    if p_arr.ndim == 0:
        return {k: float(v) for k, v in values.items()}
    return values


def _check_label(y, func):
    if isinstance(y, bool) or not isinstance(y, (int, np.integer)) or y not in (0, 1):
        raise ValueError(f"{func}: argument 'y' must be the label 0 or 1, got {y!r}")
    return int(y)


def draw_loss_comparison(fig, p, y, wrt="logit"):
    """Draw BCE and squared error over p (left) and their gradients (right) for label ``y``.

    A marker on every curve sits at the chosen ``p`` in [0.001, 0.999]; ``wrt`` picks the
    gradient shown: ``'logit'`` (dL/dz) or ``'probability'`` (dL/dp). On the first call the two
    axes are added to the matplotlib ``fig``; later calls move the existing curves and markers
    (that keeps a slider move fast). Returns the values at ``p`` as
    :func:`binary_loss_values` does.
    """
    func = "draw_loss_comparison"
    p = check_in_range(check_real(p, "p", func), "p", func, P_MARGIN, 1 - P_MARGIN)
    y = _check_label(y, func)
    wrt = check_choice(wrt, "wrt", func, _WRT)
    curves = binary_loss_values(_GRID, y, wrt)
    here = binary_loss_values(p, y, wrt)

    if not fig.axes:
        ax_loss, ax_grad = fig.subplots(1, 2)
        fig._loss_curves_for = None
        for ax, kind in ((ax_loss, ""), (ax_grad, "_grad")):
            ax.plot([], [], color="tab:red", lw=2, label="binary cross-entropy",
                    gid="bce" + kind)
            ax.plot([], [], color="tab:blue", lw=2, label="squared error", gid="mse" + kind)
            ax.plot([], [], "o", color="tab:red", ms=8, gid="bce" + kind + "_at")
            ax.plot([], [], "o", color="tab:blue", ms=8, gid="mse" + kind + "_at")
            ax.axvline(p, color="gray", lw=1, ls="--", gid="p" + kind)
            ax.set_xlim(0, 1)
            # Few ticks: drawing tick labels is most of the cost of a redraw.
            ax.set_xticks([0, 0.5, 1])
            ax.set_xlabel("predicted probability p")
        ax_grad.axhline(0, color="black", lw=0.8)
        ax_loss.set_ylim(0, _LOSS_LIMIT)
        ax_loss.set_yticks([0, 2, 4, 6])
        ax_loss.set_ylabel("loss of this sample")
        ax_loss.legend(loc="upper center", fontsize="small")
    ax_loss, ax_grad = fig.axes[:2]
    # The curves, axes and titles depend on y and wrt only: a move of p leaves them alone (and
    # build_explorer then redraws only the markers, the p lines and what lies over them).
    if getattr(fig, "_loss_curves_for", None) != (y, wrt):
        for ax, kind in ((ax_loss, ""), (ax_grad, "_grad")):
            for name in ("bce", "mse"):
                find_artist(ax, name + kind).set_data(_GRID, curves[name + kind])
        ax_grad.set_ylim(*_GRAD_LIMITS[wrt])
        ax_grad.set_yticks(_GRAD_TICKS[wrt])
        variable = "z" if wrt == "logit" else "p"
        ax_grad.set_ylabel(f"gradient dL/d{variable}")
        ax_grad.set_title(f"gradient w.r.t. the {wrt} {variable}", fontsize="medium")
        ax_loss.set_title(f"true label y = {y}", fontsize="medium")
        fig._loss_curves_for = (y, wrt)
    for ax, kind in ((ax_loss, ""), (ax_grad, "_grad")):
        for name in ("bce", "mse"):
            find_artist(ax, name + kind + "_at").set_data([p], [here[name + kind]])
        find_artist(ax, "p" + kind).set_xdata([p, p])
    return here


def loss_explorer(p=0.05, y=1, wrt="logit", *, figsize=(9.0, 3.6)):
    """Move a predicted probability ``p`` for a true label ``y``; watch BCE, MSE and gradients.

    Controls: a slider for p (0.001 to 0.999, the first control), toggle buttons for y (0/1)
    and for the variable the gradient is taken with respect to (``'logit'`` z or
    ``'probability'`` p). The read-out line gives the four numbers at p.

    Returns an ``ipywidgets.VBox`` with the CSS class ``course-widget``; its attributes
    ``p_slider``, ``y_buttons``, ``wrt_buttons``, ``image``, ``readout`` and ``figure`` give
    tests and curious students access to the parts.
    """
    import ipywidgets as widgets

    func = "loss_explorer"
    p = check_in_range(check_real(p, "p", func), "p", func, P_MARGIN, 1 - P_MARGIN)
    y = _check_label(y, func)
    wrt = check_choice(wrt, "wrt", func, _WRT)
    controls = {
        # 998 steps of 0.001 from 0.001 to 0.999.
        "p": float_slider(p, (P_MARGIN, 1 - P_MARGIN), "predicted p", steps=998,
                          readout_format=".3f"),
        "y": widgets.ToggleButtons(options=[0, 1], value=y, description="true label y",
                                   style={"description_width": "initial",
                                          "button_width": "40px"}),
        "wrt": widgets.ToggleButtons(options=list(_WRT), value=wrt,
                                     description="gradient w.r.t.",
                                     style={"description_width": "initial"}),
    }

    def draw(fig, p, y, wrt):
        first = not fig.axes
        v = draw_loss_comparison(fig, p, y, wrt)
        if first:
            for ax, kind in zip(fig.axes[:2], ("", "_grad")):
                mark_live(*(find_artist(ax, gid) for gid in
                            ("bce" + kind + "_at", "mse" + kind + "_at", "p" + kind)))
        d = "z" if wrt == "logit" else "p"
        return (f"y = {y}, p = {p:.3f}: &nbsp; BCE = <b>{v['bce']:.3f}</b>, "
                f"squared error = <b>{v['mse']:.3f}</b> &nbsp;|&nbsp; "
                f"dBCE/d{d} = <b>{v['bce_grad']:.3f}</b>, "
                f"dSE/d{d} = <b>{v['mse_grad']:.3f}</b>")

    box = build_explorer(controls, draw, figsize=figsize)
    box.p_slider, box.y_buttons, box.wrt_buttons = (
        controls["p"], controls["y"], controls["wrt"])
    return box

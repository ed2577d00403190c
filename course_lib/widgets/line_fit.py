"""Chapter 01's explorer: fit a line ``y_hat = w x + b`` by hand, with live MAE."""
from __future__ import annotations

import numpy as np

from .._validation import as_array, check_real, check_same_shape
from ._base import as_range, build_explorer, find_artist, float_slider, mark_live

__all__ = ["draw_line_fit", "line_fit_explorer"]

# Ids of the artists draw_line_fit makes, so a second call updates them instead of adding more.
_GID_POINTS = "line-fit-points"
_GID_LINE = "line-fit-line"
_GID_RESIDUALS = "line-fit-residuals"


def _line_fit_data(x, y, func):
    x = as_array(x, "x", func, ndim=1, shape_hint="(N,)")
    y = as_array(y, "y", func, ndim=1, shape_hint="(N,)")
    check_same_shape(x, y, "x", "y", func)
    if x.size == 0:
        raise ValueError(f"{func}: arguments 'x' and 'y' must hold at least one point, got 0")
    return x.astype(np.float64), y.astype(np.float64)


def draw_line_fit(ax, x, y, w, b, *, show_mse=True, xlabel="x", ylabel="y"):
    """Draw data, the line ``y_hat = w * x + b`` and its residuals; return ``(mae, mse)``.

    ``x, y: (N,)``. The residuals ``y_i - y_hat_i`` are drawn as vertical segments from each
    point to the line, and the title gives

    ``MAE = mean(|y - y_hat|)`` and ``MSE = mean((y - y_hat)^2)``.

    Called again on the same ``ax`` it moves the existing line and segments instead of adding
    new ones (that is what keeps a slider update fast), so the picture is always exactly the
    one for the latest ``w, b``.
    """
    func = "draw_line_fit"
    x, y = _line_fit_data(x, y, func)
    w = check_real(w, "w", func)
    b = check_real(b, "b", func)
    y_hat = w * x + b
    residual = y - y_hat
    mae = float(np.mean(np.abs(residual)))
    mse = float(np.mean(residual ** 2))

    # The line spans the whole visible x range, not only the data, so it never stops short.
    line = find_artist(ax, _GID_LINE)
    if line is None:
        pad_x = 0.05 * (np.ptp(x) or 1.0)
        pad_y = 0.15 * (np.ptp(y) or 1.0)
        ax.set_xlim(x.min() - pad_x, x.max() + pad_x)
        ax.set_ylim(y.min() - pad_y, y.max() + pad_y)
        from matplotlib.collections import LineCollection
        residuals = LineCollection([], colors="tab:red", linewidths=1.0, alpha=0.7,
                                   label="residuals", gid=_GID_RESIDUALS)
        ax.add_collection(residuals, autolim=False)
        ax.scatter(x, y, s=18, color="tab:blue", zorder=3, label="data", gid=_GID_POINTS)
        (line,) = ax.plot([], [], color="black", linewidth=2, label="y = w x + b",
                          gid=_GID_LINE)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.legend(loc="upper left", fontsize="small")
    else:
        find_artist(ax, _GID_POINTS).set_offsets(np.column_stack([x, y]))
    x0, x1 = ax.get_xlim()
    line.set_data([x0, x1], [w * x0 + b, w * x1 + b])
    segments = np.stack([np.column_stack([x, y]), np.column_stack([x, y_hat])], axis=1)
    find_artist(ax, _GID_RESIDUALS).set_segments(segments)
    title = f"w = {w:.2f}, b = {b:.2f}    MAE = {mae:.3f}"
    if show_mse:
        title += f"    MSE = {mse:.3f}"
    ax.set_title(title)
    return mae, mse


def line_fit_explorer(x, y, *, w=0.0, b=0.0, w_range=None, b_range=None, show_mse=True,
                      xlabel="x", ylabel="y", figsize=(6.0, 4.0)):
    """Fit a line by hand: sliders for ``w`` and ``b`` over the data ``x, y: (N,)``.

    The picture shows the points, the line ``y_hat = w x + b``, each residual as a vertical
    segment, and the live MAE (and MSE) in the title and in a text line under the sliders.
    ``w_range`` and ``b_range`` are ``(min, max)``; by default they are wide enough to hold
    the least-squares line with room on both sides.

    Returns an ``ipywidgets.VBox`` with the CSS class ``course-widget``; its attributes
    ``w_slider``, ``b_slider``, ``image``, ``readout``, ``figure`` and ``ax`` give tests and
    curious students access to the parts.
    """
    func = "line_fit_explorer"
    x, y = _line_fit_data(x, y, func)
    w = check_real(w, "w", func)
    b = check_real(b, "b", func)
    if x.size >= 2 and np.ptp(x) > 0:
        w_fit, b_fit = np.polyfit(x, y, 1)
    else:
        w_fit, b_fit = 0.0, float(np.mean(y))
    spread = max(abs(w_fit), 1.0)
    w_range = as_range(w_range, (w_fit - 2 * spread, w_fit + 2 * spread), "w_range", func)
    b_spread = max(abs(b_fit), float(np.ptp(y)) or 1.0)
    b_range = as_range(b_range, (b_fit - 2 * b_spread, b_fit + 2 * b_spread), "b_range", func)

    def draw(fig, w, b):
        first = not fig.axes
        ax = fig.axes[0] if fig.axes else fig.add_subplot()
        mae, mse = draw_line_fit(ax, x, y, w, b, show_mse=show_mse, xlabel=xlabel,
                                 ylabel=ylabel)
        if first:
            # A move changes these and the title; the ticks and labels are drawn once (what
            # lies over the line, the points, frame and legend, is redrawn with it).
            mark_live(find_artist(ax, _GID_RESIDUALS), find_artist(ax, _GID_LINE))
        text = f"MAE = <b>{mae:.3f}</b>"
        if show_mse:
            text += f" &nbsp; MSE = <b>{mse:.3f}</b>"
        return text

    box = build_explorer({"w": float_slider(w, w_range, "w (slope)"),
                          "b": float_slider(b, b_range, "b (intercept)")}, draw,
                         figsize=figsize)
    box.w_slider, box.b_slider = box.controls["w"], box.controls["b"]
    box.ax = box.figure.axes[0]
    return box

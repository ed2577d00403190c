"""Chapter 12's explorer: the m-estimate smoothing weight against how often each category occurs.

Target encoding with m-estimate smoothing replaces a category c by

``enc(c) = w_c * mean_c + (1 - w_c) * prior``,  with  ``w_c = n_c / (n_c + m)``,

where ``n_c`` is the number of training rows of category c, ``mean_c`` their target mean and
``prior`` the overall target mean (``enc(c) = (n_c * mean_c + m * prior) / (n_c + m)`` written
out). One slider sets ``m``. The left panel shows each category's raw mean (hollow) and its
encoding (filled) against ``n_c``, joined by a line: rare categories are pulled far towards the
prior, frequent ones hardly move. The right panel shows the weight ``w_c`` as a curve of ``n_c``;
it crosses 1/2 at ``n_c = m``.
"""
from __future__ import annotations

import numpy as np

from .._validation import check_nonnegative, check_real
from ._base import as_range, build_explorer, find_artist, mark_live

__all__ = ["smoothing_weights", "draw_smoothing", "smoothing_explorer"]

_GID_ENCODED = "smoothing-encoded"
_GID_PULL = "smoothing-pull"
_GID_CURVE = "smoothing-weight-curve"
_GID_MARKS = "smoothing-weight-marks"
_GID_HALF = "smoothing-half-weight"


def smoothing_weights(counts, means, prior, m):
    """The weights and encodings of the m-estimate for categories seen ``counts`` times.

    ``counts``, ``means``: (K,) the number of rows and the target mean of each category;
    ``prior``: the value the encodings are pulled towards; ``m >= 0``: the smoothing weight.
    Returns ``(weights, encodings)``, each (K,), with ``weights = counts / (counts + m)`` and
    ``encodings = weights * means + (1 - weights) * prior``.
    """
    func = "smoothing_weights"
    counts = np.asarray(counts, dtype=np.float64)
    means = np.asarray(means, dtype=np.float64)
    if counts.ndim != 1 or counts.shape != means.shape:
        raise ValueError(f"{func}: arguments 'counts' and 'means' must be 1-D of the same "
                         f"length (one entry per category), got shapes {counts.shape} and "
                         f"{means.shape}")
    if counts.size == 0 or np.any(counts < 1):
        raise ValueError(f"{func}: argument 'counts' must hold counts >= 1 for at least one "
                         f"category, got {counts!r}")
    prior = check_real(prior, "prior", func)
    m = float(check_nonnegative(m, "m", func))
    weights = counts / (counts + m)
    return weights, weights * means + (1.0 - weights) * prior


def draw_smoothing(axes, counts, means, prior, m, *, labels=None, n_labels=5):
    """Draw the encodings (``axes[0]``) and the weights (``axes[1]``) for smoothing weight ``m``.

    ``counts``, ``means``: (K,) per category, ``prior``: the overall target mean. ``labels``:
    (K,) category names; the ``n_labels`` rarest are written next to their raw means.

    Called again on the same axes it moves the existing artists instead of adding new ones,
    which keeps a slider move fast. Returns a dict with ``'weights'`` and ``'encodings'`` ((K,)
    each, as :func:`smoothing_weights`) and ``'largest_pull'``, the largest ``|enc - mean|``.
    """
    func = "draw_smoothing"
    if (not isinstance(axes, (tuple, list)) or len(axes) != 2
            or not all(hasattr(ax, "plot") for ax in axes)):
        raise TypeError(f"{func}: argument 'axes' must be a pair of matplotlib Axes "
                        f"(encodings, weights), got {axes!r}")
    weights, encodings = smoothing_weights(counts, means, prior, m)
    counts = np.asarray(counts, dtype=np.float64)
    means = np.asarray(means, dtype=np.float64)
    m = float(m)
    ax_enc, ax_w = axes

    encoded = find_artist(ax_enc, _GID_ENCODED)
    if encoded is None:
        from matplotlib.collections import LineCollection

        from matplotlib.ticker import FixedLocator, MaxNLocator, NullLocator, ScalarFormatter

        for ax in axes:
            # Few, fixed ticks: laying out tick labels is most of the cost of a redraw, and a
            # log axis would otherwise label many minor ticks.
            ax.set_xscale("log")
            ax.xaxis.set_major_locator(FixedLocator([1, 10, 100, 1000]))
            ax.xaxis.set_major_formatter(ScalarFormatter())
            ax.xaxis.set_minor_locator(NullLocator())
            ax.yaxis.set_major_locator(MaxNLocator(4))
        # No legend (drawing one costs a quarter of a redraw): the read-out line and the
        # chapter's text say what is what.
        ax_enc.axhline(prior, color="gray", linestyle="--", linewidth=1)
        ax_enc.scatter(counts, means, s=40, facecolors="none", edgecolors="tab:blue")
        encoded = ax_enc.scatter(counts, encodings, s=30, color="tab:orange", zorder=3,
                                 gid=_GID_ENCODED)
        pull = LineCollection([], colors="tab:orange", linewidths=1, alpha=0.7, gid=_GID_PULL)
        ax_enc.add_collection(pull, autolim=False)
        if labels is not None:
            for k in np.argsort(counts, kind="stable")[:n_labels]:
                ax_enc.annotate(str(labels[k]), (counts[k], means[k]), fontsize="x-small",
                                xytext=(4, 2), textcoords="offset points")
        x_low, x_high = 0.7, counts.max() * 1.5
        span = np.ptp(np.append(means, prior)) or 1.0
        ax_enc.set_xlim(x_low, x_high)
        ax_enc.set_ylim(min(means.min(), prior) - 0.08 * span,
                        max(means.max(), prior) + 0.08 * span)
        ax_enc.set_xlabel("rows of the category, n_c (log scale)")
        ax_enc.set_ylabel("target value")
        ax_w.plot([], [], color="tab:green", linewidth=2, gid=_GID_CURVE)
        ax_w.plot([], [], "o", color="tab:orange", markersize=4, gid=_GID_MARKS)
        ax_w.axhline(0.5, color="gray", linewidth=0.6)
        ax_w.axvline(1.0, color="gray", linestyle=":", linewidth=1, gid=_GID_HALF)
        ax_w.set_xlim(x_low, x_high)
        ax_w.set_ylim(-0.03, 1.03)
        ax_w.set_xlabel("rows of the category, n_c (log scale)")
        ax_w.set_ylabel("weight of its own mean")
        # only these move with m: the rest is kept as a picture between moves (see _base)
        mark_live(encoded, pull, find_artist(ax_w, _GID_CURVE), find_artist(ax_w, _GID_MARKS),
                  find_artist(ax_w, _GID_HALF))
    else:
        pull = find_artist(ax_enc, _GID_PULL)

    encoded.set_offsets(np.column_stack([counts, encodings]))
    pull.set_segments([[(n, a), (n, e)] for n, a, e in zip(counts, means, encodings)])
    grid = np.geomspace(*ax_w.get_xlim(), 200)
    find_artist(ax_w, _GID_CURVE).set_data(grid, grid / (grid + m))
    find_artist(ax_w, _GID_MARKS).set_data(counts, weights)
    half = find_artist(ax_w, _GID_HALF)
    half.set_xdata([m, m])
    half.set_visible(m > 0)
    # The titles do not change with m (new text costs a layout on every redraw); the value of
    # m is in the explorer's read-out line and on the slider.
    if not ax_enc.get_title():
        ax_enc.set_title("raw means (hollow) -> encodings (filled)", fontsize="medium")
        ax_w.set_title("weight w = n_c / (n_c + m); 1/2 at n_c = m", fontsize="medium")
    return {"weights": weights, "encodings": encodings,
            "largest_pull": float(np.max(np.abs(encodings - means)))}


def smoothing_explorer(categories, target, *, m=5.0, m_range=(0.0, 50.0), steps=100,
                       figsize=(9.0, 3.8)):
    """Move the smoothing weight ``m``: see every category's encoding and weight follow.

    ``categories``: (n,) labels, ``target``: (n,) numbers (the training rows). The count and
    mean of each category and the prior (the overall mean) are computed once; a slider move
    only recomputes ``n_c / (n_c + m)`` and redraws (:func:`draw_smoothing`). The slider runs
    over ``m_range`` in ``steps`` equal steps and starts at ``m`` rounded to the nearest step.

    Returns an ``ipywidgets.VBox`` with the CSS class ``course-widget``; its attributes
    ``m_slider``, ``table`` (the per-category counts and means), ``prior``, ``image``,
    ``readout``, ``figure`` and ``axes`` give tests and curious students access to the parts.
    """
    import ipywidgets as widgets

    from ..features import MEstimateEncoder     # here, not at the top: it brings in SciPy

    func = "smoothing_explorer"
    m = float(check_nonnegative(m, "m", func))
    low, high = as_range(m_range, (0.0, 50.0), "m_range", func)
    if low < 0:
        raise ValueError(f"{func}: argument 'm_range' must not go below 0, got {m_range!r}")
    if not isinstance(steps, int) or steps < 1:
        raise ValueError(f"{func}: argument 'steps' must be a positive int, got {steps!r}")
    table = MEstimateEncoder(m=0.0).fit(categories, target).table_
    counts = table["count"].to_numpy(dtype=np.float64)
    means = table["mean"].to_numpy(dtype=np.float64)
    labels = [str(c) for c in table.index]
    prior = float(np.sum(counts * means) / np.sum(counts))
    rare = int(np.argmin(counts))
    step = (high - low) / steps
    start = low + step * round((min(max(m, low), high) - low) / step)

    def draw(fig, m):
        if not fig.axes:
            fig.add_subplot(1, 2, 1)
            fig.add_subplot(1, 2, 2)
        info = draw_smoothing(fig.axes[:2], counts, means, prior, m, labels=labels)
        return (f"m = <b>{m:g}</b>: rarest category <b>{labels[rare]}</b> (n = {counts[rare]:.0f}): own mean "
                f"{means[rare]:,.0f}, weight <b>{info['weights'][rare]:.2f}</b>, encoding "
                f"<b>{info['encodings'][rare]:,.0f}</b> &nbsp; largest pull towards the prior: "
                f"<b>{info['largest_pull']:,.0f}</b>")

    slider = widgets.FloatSlider(value=start, min=low, max=high, step=step,
                                 description="m (smoothing)", continuous_update=True,
                                 readout_format=".1f", style={"description_width": "initial"})
    box = build_explorer({"m": slider}, draw, figsize=figsize)
    box.m_slider = slider
    box.table, box.prior = table, prior
    box.axes = tuple(box.figure.axes[:2])
    return box

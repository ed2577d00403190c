"""Chapter 13's PCA explorer: scores, loadings arrows and explained variance, raw or standardised.

The left panel is a *biplot*: every sample at its scores on two chosen principal components,
and one arrow per original feature whose coordinates are that feature's loadings (its entries
in the two components), stretched by one common factor so that they show up next to the
scores. The right panel shows the share of the variance each component explains, the two
chosen components highlighted, and the cumulative share as a line.

A checkbox switches between PCA of the raw features and PCA of the standardised features
(each feature shifted to mean 0 and divided by its standard deviation). On raw data the feature
with the largest numbers takes the first component for itself, whatever it means; after
standardising every feature starts with the same variance, 1. Both fits are made when the
explorer is built, so a control move only redraws.
"""
from __future__ import annotations

import numpy as np

from .._validation import as_data_matrix, check_int
from ..decomposition import PCA
from ._base import build_explorer, find_artist, mark_live

__all__ = ["standardize", "pca_fit", "draw_pca", "pca_explorer"]

_GID_SCORES = "pca-scores"
_GID_ARROWS = "pca-arrows"
_GID_LABEL = "pca-label-{}"
_GID_BARS = "pca-bars"
_GID_CUMULATIVE = "pca-cumulative"


def standardize(X):
    """``(X - mean) / std`` per column, with the population standard deviation (ddof = 0), as
    ``sklearn.preprocessing.StandardScaler`` does; a constant column is only centred.

    X : (n_samples, n_features). Returns an array of the same shape.
    """
    X = as_data_matrix(X, "standardize")
    std = X.std(axis=0)
    return (X - X.mean(axis=0)) / np.where(std > 0, std, 1.0)


def pca_fit(X, standardized=False):
    """All principal components of ``X`` (standardised first when ``standardized``).

    Returns a dict with ``'components'`` (n_components, n_features) (unit rows, sign as
    :class:`course_lib.decomposition.PCA` fixes it), ``'explained_variance_ratio'``
    (n_components,) and ``'scores'`` (n_samples, n_components) = centred data @
    components.T.
    """
    X = as_data_matrix(X, "pca_fit")
    data = standardize(X) if standardized else X
    pca = PCA().fit(data)
    return {"components": pca.components_, "explained_variance_ratio":
            pca.explained_variance_ratio_, "scores": pca.transform(data)}


def _arrow_scale(scores_xy, loadings_xy):
    """One factor for all arrows: the longest arrow reaches 90% of the farthest score."""
    reach = float(np.max(np.abs(scores_xy))) if scores_xy.size else 1.0
    longest = float(np.max(np.hypot(*loadings_xy))) if loadings_xy.size else 1.0
    return 0.9 * reach / longest if longest > 0 else 1.0


def draw_pca(axes, fit, x_component, y_component, feature_names, *, classes=None):
    """Draw a biplot of components ``x_component`` and ``y_component`` (counted from 1) and
    the explained variance ratios, on ``axes = (biplot, variance)``.

    ``fit`` is a :func:`pca_fit` result, ``feature_names`` one name per feature, ``classes``
    an optional (n_samples,) array of integer labels to colour the samples by. Arrow j goes
    from the origin to ``scale * (components[x-1, j], components[y-1, j])`` with one ``scale``
    for all arrows (see the read-out). Called again on the same axes it updates in place.

    Returns a dict: ``'scale'`` (the arrow factor), ``'arrows'`` ((n_features, 2) arrow
    ends), ``'ratio_x'``, ``'ratio_y'`` (the two components' shares of the variance),
    ``'cumulative'`` (the share of the first max(x, y) components together) and ``'top_x'``,
    ``'top_y'`` (the feature with the largest |loading| on each shown component).
    """
    func = "draw_pca"
    if (not isinstance(axes, (tuple, list)) or len(axes) != 2
            or not all(hasattr(ax, "plot") for ax in axes)):
        raise TypeError(f"{func}: argument 'axes' must be a pair of matplotlib Axes (biplot, "
                        f"variance), got {axes!r}")
    components = np.asarray(fit["components"], dtype=float)
    ratio = np.asarray(fit["explained_variance_ratio"], dtype=float)
    scores = np.asarray(fit["scores"], dtype=float)
    n_comp, n_feat = components.shape
    cx = check_int(x_component, "x_component", func, minimum=1, maximum=n_comp) - 1
    cy = check_int(y_component, "y_component", func, minimum=1, maximum=n_comp) - 1
    names = [str(n) for n in feature_names]
    if len(names) != n_feat:
        raise ValueError(f"{func}: argument 'feature_names' must have one name per feature "
                         f"({n_feat}), got {len(names)}")
    ax_bi, ax_var = axes

    xy = scores[:, [cx, cy]]
    loadings = components[[cx, cy], :]                    # (2, n_features)
    scale = _arrow_scale(xy, loadings)
    ends = (loadings * scale).T                           # (n_features, 2)

    dots = find_artist(ax_bi, _GID_SCORES)
    if dots is None:
        from matplotlib.ticker import MaxNLocator
        colour = {} if classes is None else {"c": np.asarray(classes), "cmap": "viridis"}
        dots = ax_bi.scatter(xy[:, 0], xy[:, 1], s=10, alpha=0.6, linewidths=0,
                             gid=_GID_SCORES, **colour)
        ax_bi.quiver(np.zeros(n_feat), np.zeros(n_feat), ends[:, 0], ends[:, 1],
                     angles="xy", scale_units="xy", scale=1, color="tab:red", width=0.006,
                     zorder=3, gid=_GID_ARROWS)
        for j, name in enumerate(names):
            ax_bi.text(0, 0, name, color="darkred", fontsize="x-small", ha="center",
                       va="center", zorder=4, gid=_GID_LABEL.format(j))
        ax_bi.axhline(0, color="gray", linewidth=0.5)
        ax_bi.axvline(0, color="gray", linewidth=0.5)
        ax_var.bar(np.arange(1, n_comp + 1), ratio, color="lightgray", gid=_GID_BARS)
        ax_var.plot(np.arange(1, n_comp + 1), np.cumsum(ratio), color="black", marker=".",
                    gid=_GID_CUMULATIVE)
        ax_var.set_ylim(0, 1.05)
        ax_var.set_xlabel("component")
        ax_var.set_ylabel("share of variance (line: cumulative)")
        # Few ticks: laying out tick labels is most of the cost of a redraw.
        # The scores' values say little: no ticks on the biplot, few on the bars.
        ax_bi.set_xticks([])
        ax_bi.set_yticks([])
        ax_var.yaxis.set_major_locator(MaxNLocator(3))
        ax_var.xaxis.set_major_locator(MaxNLocator(min(n_comp, 7), integer=True))
    else:
        dots.set_offsets(xy)
        find_artist(ax_bi, _GID_ARROWS).set_UVC(ends[:, 0], ends[:, 1])
        bars = [p for p in ax_var.patches]
        for bar, h in zip(bars, ratio):
            bar.set_height(h)
        find_artist(ax_var, _GID_CUMULATIVE).set_ydata(np.cumsum(ratio))
    for j in range(n_feat):
        # the name just beyond the arrow's tip
        find_artist(ax_bi, _GID_LABEL.format(j)).set_position(tuple(ends[j] * 1.12))
    reach = 1.15 * max(float(np.max(np.abs(xy))), float(np.max(np.abs(ends))) * 1.12, 1e-12)
    ax_bi.set_xlim(-reach, reach)
    ax_bi.set_ylim(-reach, reach)
    ax_bi.set_xlabel(f"PC{cx + 1} ({100 * ratio[cx]:.1f}% of the variance)")
    ax_bi.set_ylabel(f"PC{cy + 1} ({100 * ratio[cy]:.1f}%)")
    for k, bar in enumerate(ax_var.patches):
        bar.set_color("tab:red" if k in (cx, cy) else "lightgray")
    cumulative = float(np.sum(ratio[:max(cx, cy) + 1]))
    ax_var.set_title(f"PC1..PC{max(cx, cy) + 1} explain {100 * cumulative:.1f}%",
                     fontsize="medium")
    top_x = names[int(np.argmax(np.abs(components[cx])))]
    top_y = names[int(np.argmax(np.abs(components[cy])))]
    ax_bi.set_title(f"scores and loadings (arrows × {scale:.3g})", fontsize="medium")
    return {"scale": scale, "arrows": ends, "ratio_x": float(ratio[cx]),
            "ratio_y": float(ratio[cy]), "cumulative": cumulative, "top_x": top_x,
            "top_y": top_y}


def pca_explorer(X, feature_names=None, *, classes=None, standardized=False, x_component=1,
                 y_component=2, figsize=(7.6, 3.4)):
    """Explore the principal components of ``X`` (n_samples, n_features).

    Two sliders choose which components go on the biplot's axes (counted from 1), a checkbox
    whether the features are standardised first. ``feature_names`` defaults to the DataFrame
    columns of ``X``, else ``x0, x1, ...``; ``classes`` (n_samples,) integer labels colour the
    samples (PCA itself never sees them).

    Returns an ``ipywidgets.VBox`` with the CSS class ``course-widget``; its attributes
    ``x_slider``, ``y_slider``, ``standardize_checkbox``, ``fits`` (``{False: raw fit, True:
    standardised fit}``, see :func:`pca_fit`), ``image``, ``readout``, ``figure`` and ``axes``.
    """
    import ipywidgets as widgets

    func = "pca_explorer"
    if feature_names is None:
        feature_names = list(getattr(X, "columns", []))
    X = as_data_matrix(X, func)
    if not feature_names:
        feature_names = [f"x{j}" for j in range(X.shape[1])]
    if len(feature_names) != X.shape[1]:
        raise ValueError(f"{func}: argument 'feature_names' must have one name per feature "
                         f"({X.shape[1]}), got {len(feature_names)}")
    if not isinstance(standardized, (bool, np.bool_)):
        raise TypeError(f"{func}: argument 'standardized' must be True or False, got "
                        f"{standardized!r}")
    fits = {False: pca_fit(X, False), True: pca_fit(X, True)}
    n_comp = fits[False]["components"].shape[0]
    if n_comp < 2:
        raise ValueError(f"{func}: argument 'X' must allow at least 2 components (2 samples "
                         f"and 2 features), got shape {X.shape}")
    x_component = check_int(x_component, "x_component", func, minimum=1, maximum=n_comp)
    y_component = check_int(y_component, "y_component", func, minimum=1, maximum=n_comp)

    def draw(fig, x_component, y_component, standardized):
        if not fig.axes:
            fig.add_subplot(1, 2, 1)
            fig.add_subplot(1, 2, 2)
        info = draw_pca(fig.axes[:2], fits[bool(standardized)], x_component, y_component,
                        feature_names, classes=classes)
        # A move redraws the biplot whole (its scale and axis labels follow the components)
        # and the bars with what lies over them; the bar chart's ticks stay as drawn once.
        ax_bi, ax_var = fig.axes[:2]
        mark_live(ax_bi, *ax_var.patches)
        what = "standardised features" if standardized else "raw features"
        return (f"PCA of the {what}: PC{x_component} explains "
                f"<b>{100 * info['ratio_x']:.1f}%</b> (largest loading: "
                f"<b>{info['top_x']}</b>), PC{y_component} <b>{100 * info['ratio_y']:.1f}%</b> "
                f"(largest loading: <b>{info['top_y']}</b>)")

    controls = {
        "x_component": widgets.IntSlider(value=x_component, min=1, max=n_comp, step=1,
                                         description="x axis: PC", continuous_update=True),
        "y_component": widgets.IntSlider(value=y_component, min=1, max=n_comp, step=1,
                                         description="y axis: PC", continuous_update=True),
        "standardized": widgets.Checkbox(value=bool(standardized),
                                         description="standardise first"),
    }
    box = build_explorer(controls, draw, figsize=figsize, dpi=72, controls_per_row=3)
    box.x_slider, box.y_slider = controls["x_component"], controls["y_component"]
    box.standardize_checkbox = controls["standardized"]
    box.fits = fits
    box.feature_names = list(feature_names)
    box.axes = tuple(box.figure.axes[:2])
    return box

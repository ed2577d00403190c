"""Chapter 10's explorer: how the size of a model and the amount of data decide over- and underfitting.

The data are noisy samples of one smooth curve, ``y = sin(pi x) + noise`` on ``-1 <= x <= 1``
(:func:`make_noisy_curve`). The models are polynomials of degree ``d``, that is ``d + 1``
parameters, fitted by least squares (:func:`fit_polynomial`); the degree is the model's size.
Least squares gives the best fit of each size exactly and in microseconds, so every point the
explorer shows comes from a real fit, computed live when a slider moves.

:func:`draw_model_size` draws two panels: the training points, the curve that generated them and
the fitted polynomial on the left; on the right the mean squared error on the training set and
on a separate validation set for every degree from 0 to ``max_degree`` (log scale), with the
chosen degree marked and the noise variance drawn as the floor no model can beat on new data.
:func:`model_size_explorer` adds a degree slider and a training-size slider.
"""
from __future__ import annotations

import numpy as np

from .._validation import _describe, check_int, check_nonnegative
from ._base import build_explorer, find_artist, mark_live

__all__ = ["make_noisy_curve", "true_curve", "polynomial_features", "fit_polynomial",
           "predict_polynomial", "model_size_curves", "draw_model_size", "model_size_explorer"]

_GID = {"fit": "model-size-fit", "train_pts": "model-size-train-points",
        "train_curve": "model-size-train-mse", "val_curve": "model-size-val-mse",
        "marker": "model-size-marker"}


def true_curve(x):
    """The signal behind the data: ``sin(pi x)``, elementwise."""
    return np.sin(np.pi * np.asarray(x, dtype=np.float64))


def make_noisy_curve(n_samples, noise=0.3, random_state=0):
    """``n_samples`` points ``x`` uniform on [-1, 1] and ``y = sin(pi x) + e``, ``e ~ N(0, noise^2)``.

    Returns ``(x, y)``, each float64 ``(n_samples,)``; the same ``random_state`` gives the same
    points, and the first ``k`` points of a larger draw are the points of ``n_samples = k``.
    """
    func = "make_noisy_curve"
    n = check_int(n_samples, "n_samples", func, minimum=1)
    noise = check_nonnegative(noise, "noise", func)
    rng = np.random.default_rng(check_int(random_state, "random_state", func, minimum=0))
    # Three uniforms per point, drawn row by row, so a longer draw starts with the shorter one:
    # x, and two for the Box-Muller transform that turns uniforms into a standard normal e.
    u = rng.random((n, 3))
    x = 2.0 * u[:, 0] - 1.0
    e = np.sqrt(-2.0 * np.log1p(-u[:, 1])) * np.cos(2.0 * np.pi * u[:, 2])
    return x, true_curve(x) + noise * e


def _as_vector(values, name, func):
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{func}: argument '{name}' must be a list or 1-D array of numbers, "
                        f"got {_describe(values)}") from None
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{func}: argument '{name}' must be a non-empty 1-D array, got shape "
                         f"{arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{func}: argument '{name}' must hold finite numbers, got NaN or inf")
    return arr


def polynomial_features(x, degree):
    """The design matrix of a polynomial of ``degree``: ``(N,)`` -> ``(N, degree + 1)``.

    Column ``k`` is the Legendre polynomial ``P_k(x)``: the same functions as the powers
    ``1, x, ..., x^degree`` (any polynomial of that degree is a combination of either), but far
    better conditioned on [-1, 1], so degree 15 fits as accurately as degree 2.
    """
    func = "polynomial_features"
    x = _as_vector(x, "x", func)
    degree = check_int(degree, "degree", func, minimum=0)
    return np.polynomial.legendre.legvander(x, degree)


def fit_polynomial(x, y, degree):
    """Least-squares coefficients (in the basis of :func:`polynomial_features`), ``(degree + 1,)``.

    Minimises ``sum_i (p(x_i) - y_i)^2``; with fewer points than coefficients many polynomials
    pass through every point and the one with the smallest coefficients is returned.
    """
    func = "fit_polynomial"
    x = _as_vector(x, "x", func)
    y = _as_vector(y, "y", func)
    if x.shape != y.shape:
        raise ValueError(f"{func}: arguments 'x' and 'y' must have the same length, got "
                         f"{x.size} and {y.size}")
    coef, *_ = np.linalg.lstsq(polynomial_features(x, degree), y, rcond=None)
    return coef


def predict_polynomial(coef, x):
    """The polynomial with coefficients ``coef`` (from :func:`fit_polynomial`) at ``x``."""
    coef = _as_vector(coef, "coef", "predict_polynomial")
    return polynomial_features(x, coef.size - 1) @ coef


def model_size_curves(x_train, y_train, x_val, y_val, max_degree=15):
    """Training and validation mean squared error of the least-squares fit of every degree.

    Returns a dict with ``'degree'`` (0..max_degree), ``'train_mse'`` and ``'val_mse'``, each
    ``(max_degree + 1,)``, and ``'coef'``, the list of the fitted coefficient vectors.
    """
    func = "model_size_curves"
    max_degree = check_int(max_degree, "max_degree", func, minimum=0)
    x_train, y_train = _as_vector(x_train, "x_train", func), _as_vector(y_train, "y_train", func)
    x_val, y_val = _as_vector(x_val, "x_val", func), _as_vector(y_val, "y_val", func)
    # One design matrix of the largest degree; degree d uses its first d + 1 columns.
    a_train = polynomial_features(x_train, max_degree)
    a_val = polynomial_features(x_val, max_degree)
    train_mse, val_mse, coefs = [], [], []
    for d in range(max_degree + 1):
        coef, *_ = np.linalg.lstsq(a_train[:, :d + 1], y_train, rcond=None)
        coefs.append(coef)
        train_mse.append(np.mean((a_train[:, :d + 1] @ coef - y_train) ** 2))
        val_mse.append(np.mean((a_val[:, :d + 1] @ coef - y_val) ** 2))
    return {"degree": np.arange(max_degree + 1), "train_mse": np.array(train_mse),
            "val_mse": np.array(val_mse), "coef": coefs}


def draw_model_size(axes, degree, x_train, y_train, x_val, y_val, *, max_degree=15,
                    noise=None, curves=None, titles=True):
    """Draw the fit of ``degree`` (left) and the error of every degree (right).

    ``axes``: a pair of matplotlib Axes. ``x_train, y_train`` are the training points,
    ``x_val, y_val`` the validation points (only their errors are drawn). ``noise``, when
    given, is the noise standard deviation: ``noise**2`` is drawn as the lowest mean squared
    error any model can expect on new data. ``curves`` is :func:`model_size_curves`' result
    for these data, if already computed (the explorer caches it per training size).
    ``titles=False`` leaves out the two panel titles (the degree, the training size and both
    errors), which the explorer shows in its read-out line instead.

    Called again on the same axes it updates the existing artists. Returns a dict with
    ``'degree'``, ``'n_params'`` (``degree + 1``), ``'train_mse'`` and ``'val_mse'`` of the
    chosen degree and ``'best_degree'``, the degree with the smallest validation error.
    """
    func = "draw_model_size"
    if (not isinstance(axes, (tuple, list)) or len(axes) != 2
            or not all(hasattr(ax, "plot") for ax in axes)):
        raise TypeError(f"{func}: argument 'axes' must be a pair of matplotlib Axes (fit, "
                        f"errors), got {axes!r}")
    max_degree = check_int(max_degree, "max_degree", func, minimum=0)
    degree = check_int(degree, "degree", func, minimum=0)
    if degree > max_degree:
        raise ValueError(f"{func}: argument 'degree' must be at most max_degree = "
                         f"{max_degree}, got {degree}")
    if curves is None:
        curves = model_size_curves(x_train, y_train, x_val, y_val, max_degree)
    x_train = np.asarray(x_train, dtype=np.float64)
    y_train = np.asarray(y_train, dtype=np.float64)
    ax_fit, ax_err = axes
    grid = np.linspace(-1.0, 1.0, 201)
    fitted = predict_polynomial(curves["coef"][degree], grid)

    fit_line = find_artist(ax_fit, _GID["fit"])
    if fit_line is None:
        ax_fit.plot(grid, true_curve(grid), color="gray", linestyle="--", linewidth=1.2,
                    label="signal sin(πx)")
        ax_fit.scatter([], [], s=14, color="tab:blue", gid=_GID["train_pts"],
                       label="training points")
        (fit_line,) = ax_fit.plot([], [], color="tab:red", linewidth=2, gid=_GID["fit"],
                                  label="fitted polynomial")
        ax_fit.set_xlim(-1.05, 1.05)
        ax_fit.set_ylim(-2.2, 2.2)
        ax_fit.set_xlabel("x")
        ax_fit.set_ylabel("y")
        (train_curve,) = ax_err.plot([], [], "o-", color="tab:blue", markersize=3,
                                     gid=_GID["train_curve"], label="training MSE")
        (val_curve,) = ax_err.plot([], [], "o-", color="tab:orange", markersize=3,
                                   gid=_GID["val_curve"], label="validation MSE")
        ax_err.axvline(degree, color="tab:red", linewidth=1.2, gid=_GID["marker"])
        if noise:
            ax_err.axhline(noise ** 2, color="gray", linestyle=":", linewidth=1.2,
                           label=f"noise variance {noise ** 2:.3g}")
        # Fixed, plain tick labels: laying out log-scale (math text) tick labels would be
        # most of the cost of a redraw.
        from matplotlib.ticker import NullLocator
        ax_err.set_yscale("log")
        ax_err.set_ylim(1e-3, 1e2)
        ax_err.set_yticks([1e-3, 1e-1, 10.0], ["0.001", "0.1", "10"])
        ax_err.yaxis.set_minor_locator(NullLocator())
        ax_err.set_xlim(-0.5, max_degree + 0.5)
        ax_err.set_xticks(np.arange(0, max_degree + 1, 5 if max_degree > 10 else 1))
        ax_fit.set_xticks([-1.0, 0.0, 1.0])
        ax_fit.set_yticks([-2.0, 0.0, 2.0])
        ax_err.set_xlabel("degree of the polynomial (model size)")
        ax_err.set_ylabel("mean squared error")
    else:
        train_curve = find_artist(ax_err, _GID["train_curve"])
        val_curve = find_artist(ax_err, _GID["val_curve"])
    find_artist(ax_fit, _GID["train_pts"]).set_offsets(np.column_stack([x_train, y_train]))
    fit_line.set_data(grid, np.clip(fitted, -10.0, 10.0))
    floor = 1e-3  # a perfect fit has training MSE 0, which a log axis cannot show
    train_curve.set_data(curves["degree"], np.maximum(curves["train_mse"], floor))
    val_curve.set_data(curves["degree"], np.maximum(curves["val_mse"], floor))
    find_artist(ax_err, _GID["marker"]).set_xdata([degree, degree])

    train_mse = float(curves["train_mse"][degree])
    val_mse = float(curves["val_mse"][degree])
    if titles:  # the explorer says the same in its read-out line, which is cheaper to redraw
        ax_fit.set_title(f"degree {degree} ({degree + 1} parameters), {x_train.size} "
                         f"training points", fontsize="medium")
        ax_err.set_title(f"training MSE {train_mse:.3f}, validation MSE {val_mse:.3f}",
                         fontsize="medium")
    return {"degree": degree, "n_params": degree + 1, "train_mse": train_mse,
            "val_mse": val_mse, "best_degree": int(np.argmin(curves["val_mse"]))}


def model_size_explorer(degree=3, n_train=20, *, max_degree=15, max_train=200, n_val=200,
                        noise=0.3, random_state=0, figsize=(8.0, 3.2)):
    """Move the degree and the number of training points: watch the fit and both errors.

    The training points are the first ``n_train`` of ``max_train`` points drawn by
    :func:`make_noisy_curve` (``random_state``), so a larger training set keeps the smaller
    one's points and adds new ones; the ``n_val`` validation points are a separate draw
    (``random_state + 1``). Sliders: ``degree`` from 0 to ``max_degree``, ``n_train`` from 10
    to ``max_train`` in steps of 10. Every fit is a real least-squares fit, computed when a
    slider moves (the 16 fits of one training size take a few milliseconds and are kept).

    Returns an ``ipywidgets.VBox`` with the CSS class ``course-widget``; its attributes
    ``degree_slider``, ``n_train_slider``, ``image``, ``readout``, ``figure`` and ``axes``
    give tests and curious students access to the parts.
    """
    import ipywidgets as widgets

    func = "model_size_explorer"
    max_degree = check_int(max_degree, "max_degree", func, minimum=1)
    max_train = check_int(max_train, "max_train", func, minimum=10)
    max_train -= max_train % 10
    degree = check_int(degree, "degree", func, minimum=0)
    n_train = check_int(n_train, "n_train", func, minimum=10)
    if degree > max_degree:
        raise ValueError(f"{func}: argument 'degree' must be at most max_degree = "
                         f"{max_degree}, got {degree}")
    if n_train > max_train or n_train % 10:
        raise ValueError(f"{func}: argument 'n_train' must be a multiple of 10 between 10 and "
                         f"{max_train}, got {n_train}")
    n_val = check_int(n_val, "n_val", func, minimum=1)
    noise = check_nonnegative(noise, "noise", func)
    random_state = check_int(random_state, "random_state", func, minimum=0)
    x_pool, y_pool = make_noisy_curve(max_train, noise, random_state)
    x_val, y_val = make_noisy_curve(n_val, noise, random_state + 1)
    cache = {}

    def draw(fig, degree, n_train):
        n = int(np.clip(10 * round(n_train / 10), 10, max_train))
        if n not in cache:
            cache[n] = model_size_curves(x_pool[:n], y_pool[:n], x_val, y_val, max_degree)
        if not fig.axes:
            fig.add_subplot(1, 2, 1)
            fig.add_subplot(1, 2, 2)
        info = draw_model_size(fig.axes[:2], degree, x_pool[:n], y_pool[:n], x_val, y_val,
                               max_degree=max_degree, noise=noise, curves=cache[n],
                               titles=False)
        # A move redraws the points, the fit, the error curves and the marker (and what lies
        # over them) over the kept axes: the limits are fixed.
        ax_fit, ax_err = fig.axes[:2]
        mark_live(find_artist(ax_fit, _GID["train_pts"]), find_artist(ax_fit, _GID["fit"]),
                  *(find_artist(ax_err, _GID[k]) for k in ("train_curve", "val_curve",
                                                           "marker")))
        gap = info["val_mse"] - info["train_mse"]
        return (f"<span style='color:#1f77b4'>training</span> / "
                f"<span style='color:#ff7f0e'>validation</span>: "
                f"degree <b>{degree}</b> ({info['n_params']} parameters), <b>{n}</b> training "
                f"points: training MSE <b>{info['train_mse']:.3f}</b>, validation MSE "
                f"<b>{info['val_mse']:.3f}</b> (gap {gap:+.3f}); best degree on validation: "
                f"<b>{info['best_degree']}</b>")

    controls = {
        "degree": widgets.IntSlider(value=degree, min=0, max=max_degree, step=1,
                                    description="degree", continuous_update=True),
        "n_train": widgets.IntSlider(value=n_train, min=10, max=max_train, step=10,
                                     description="training points", continuous_update=True,
                                     style={"description_width": "initial"}),
    }
    box = build_explorer(controls, draw, figsize=figsize, controls_per_row=2)
    box.degree_slider, box.n_train_slider = controls["degree"], controls["n_train"]
    box.axes = tuple(box.figure.axes[:2])
    return box

"""Chapter 13's K-means stepper: Lloyd's algorithm one half-step at a time.

Lloyd's algorithm alternates two steps (see :mod:`course_lib.clustering`):

* **assign**: every sample takes the label of its nearest centre;
* **update**: every centre moves to the mean of the samples it owns.

The stepper runs the whole algorithm once per (seed, init) pair when it is built and keeps every
half-step (:func:`kmeans_trace`); a slider then walks through the stored states, so a slider
move only redraws. The left panel shows the samples coloured by their current cluster, the
centres and the paths they have travelled; the right panel the inertia
``sum_i ||x_i - c_{labels[i]}||^2`` after every half-step, which never rises. Other seeds land in
other local minima; k-means++ seeding lands in good ones more often than uniform random seeding.
"""
from __future__ import annotations

import numpy as np

from .. import clustering
from .._validation import as_data_matrix, as_rng, check_choice, check_int
from ._base import build_explorer, find_artist, mark_live, set_limits

__all__ = ["INITS", "kmeans_trace", "draw_kmeans_step", "kmeans_stepper"]

#: The two seedings the stepper offers, named as in ``KMeans(init=...)``.
INITS = ("random", "k-means++")

_COLORS = np.array([
    (0.122, 0.467, 0.706), (1.000, 0.498, 0.055), (0.173, 0.627, 0.173),
    (0.839, 0.153, 0.157), (0.580, 0.404, 0.741), (0.549, 0.337, 0.294),
    (0.890, 0.467, 0.761), (0.737, 0.741, 0.133), (0.090, 0.745, 0.812),
    (0.498, 0.498, 0.498)])
_UNASSIGNED = (0.78, 0.78, 0.78)
_GID_POINTS = "kmeans-points"
_GID_CENTERS = "kmeans-centers"
_GID_PATH = "kmeans-path-{}"
_GID_INERTIA = "kmeans-inertia"
_GID_NOW = "kmeans-now"
_GID_BEST = "kmeans-best"


def _start(X: np.ndarray, n_clusters: int, init: str, random_state) -> np.ndarray:
    """The starting centres, drawn as ``course_lib.clustering.KMeans`` draws them."""
    if init == "random":
        rng = as_rng(random_state, "kmeans_trace")
        return X[rng.choice(X.shape[0], size=n_clusters, replace=False)].copy()
    return clustering.kmeans_plusplus(X, n_clusters, random_state=random_state)


def kmeans_trace(X, n_clusters, init="random", random_state=0, max_iter=50):
    """Run Lloyd's algorithm from one seeding and keep every half-step.

    Parameters
    ----------
    X : (n_samples, n_features) data.
    n_clusters : int, k.
    init : ``'random'`` (k distinct samples drawn uniformly) or ``'k-means++'``.
    random_state : int seed or Generator for the seeding.
    max_iter : int, the most assign + update iterations.

    Returns
    -------
    dict of lists, one entry per state: state 0 is the seeding (no labels yet, label -1), then
    for each iteration t an ``'assign'`` state (new labels, old centres) and an ``'update'``
    state (same labels, centres moved to the means). The run stops at the first assignment that
    changes no label (its update would move nothing), marked ``converged=True``.

    ``'stage'`` (str), ``'iteration'`` (int), ``'centers'`` ((k, n_features) arrays),
    ``'labels'`` ((n_samples,) int arrays), ``'inertia'`` (floats, NaN for state 0) and the
    scalar ``'converged'`` (bool).
    """
    func = "kmeans_trace"
    X = as_data_matrix(X, func)
    check_choice(init, "init", func, INITS)
    n_clusters = check_int(n_clusters, "n_clusters", func, minimum=1, maximum=X.shape[0])
    max_iter = check_int(max_iter, "max_iter", func, minimum=1)
    centers = _start(X, n_clusters, init, random_state)
    trace = {"stage": ["start"], "iteration": [0], "centers": [centers],
             "labels": [np.full(X.shape[0], -1, dtype=np.intp)], "inertia": [np.nan],
             "converged": False}

    def add(stage, iteration, centers, labels):
        trace["stage"].append(stage)
        trace["iteration"].append(iteration)
        trace["centers"].append(centers)
        trace["labels"].append(labels)
        trace["inertia"].append(clustering.kmeans_inertia(X, centers, labels))

    labels_old = None
    for iteration in range(1, max_iter + 1):
        labels = clustering.kmeans_assign(X, centers)
        add("assign", iteration, centers, labels)
        if labels_old is not None and np.array_equal(labels, labels_old):
            trace["converged"] = True
            break
        centers = clustering.kmeans_update(X, labels, centers)
        add("update", iteration, centers, labels)
        labels_old = labels
    return trace


def _state_text(trace, s):
    stage, it = trace["stage"][s], trace["iteration"][s]
    if stage == "start":
        return "start: k centres seeded, no sample assigned yet"
    if stage == "assign" and trace["converged"] and s == len(trace["stage"]) - 1:
        return f"iteration {it}, assign: no label changed, converged"
    what = "each sample joins its nearest centre" if stage == "assign" else \
        "each centre moves to the mean of its samples"
    return f"iteration {it}, {stage}: {what}"


def draw_kmeans_step(axes, X, trace, step, *, best_inertia=None):
    """Draw state ``step`` of a :func:`kmeans_trace` onto ``axes = (scatter, inertia)``.

    ``X`` must be the data of the trace, first two features shown. ``step`` past the last
    state shows the last state. The scatter panel colours every sample by its label (grey
    before the first assignment), marks the centres and draws the path each centre has taken
    so far; the inertia panel plots the inertia of states 1 .. end, marks the current one and,
    when given, draws ``best_inertia`` (e.g. the lowest final inertia over all seeds) as a
    dashed line. Called again on the same axes it updates the artists in place.

    Returns a dict: ``'state'`` (the state index shown), ``'stage'``, ``'iteration'``,
    ``'inertia'``, ``'labels'``, ``'centers'``, ``'final_inertia'`` and ``'converged'`` (True
    when the state shown is the last state of a converged run).
    """
    func = "draw_kmeans_step"
    if (not isinstance(axes, (tuple, list)) or len(axes) != 2
            or not all(hasattr(ax, "plot") for ax in axes)):
        raise TypeError(f"{func}: argument 'axes' must be a pair of matplotlib Axes (scatter, "
                        f"inertia), got {axes!r}")
    X = as_data_matrix(X, func)
    if X.shape[1] < 2:
        raise ValueError(f"{func}: argument 'X' needs at least 2 features to draw, got "
                         f"{X.shape[1]}")
    n_states = len(trace["stage"])
    if trace["labels"][0].shape[0] != X.shape[0]:
        raise ValueError(f"{func}: argument 'trace' was made for {trace['labels'][0].shape[0]} "
                         f"samples but 'X' has {X.shape[0]}")
    step = check_int(step, "step", func, minimum=0)
    s = min(step, n_states - 1)
    centers, labels = trace["centers"][s], trace["labels"][s]
    k = centers.shape[0]
    ax_pts, ax_in = axes

    points = find_artist(ax_pts, _GID_POINTS)
    if points is None:
        points = ax_pts.scatter(X[:, 0], X[:, 1], s=12, gid=_GID_POINTS, linewidths=0)
        for j in range(k):
            ax_pts.plot([], [], color="black", linewidth=1, alpha=0.6,
                        gid=_GID_PATH.format(j))
        ax_pts.scatter(centers[:, 0], centers[:, 1], s=160, marker="X",
                       c=_COLORS[np.arange(k) % len(_COLORS)], edgecolors="black",
                       linewidths=1.2, zorder=4, gid=_GID_CENTERS)
        pad_x = 0.05 * np.ptp(X[:, 0]) or 0.5
        pad_y = 0.05 * np.ptp(X[:, 1]) or 0.5
        ax_pts.set_xlim(X[:, 0].min() - pad_x, X[:, 0].max() + pad_x)
        ax_pts.set_ylim(X[:, 1].min() - pad_y, X[:, 1].max() + pad_y)
        ax_pts.set_xlabel("feature 1")
        ax_pts.set_ylabel("feature 2")
        # Few ticks: laying out tick labels is most of the cost of a redraw.
        from matplotlib.ticker import MaxNLocator
        # The coordinates themselves say little here: no ticks on the scatter.
        ax_pts.set_xticks([])
        ax_pts.set_yticks([])
        ax_in.yaxis.set_major_locator(MaxNLocator(3))
        ax_in.xaxis.set_major_locator(MaxNLocator(5, integer=True))
        ax_in.plot([], [], color="tab:blue", marker="o", markersize=3, gid=_GID_INERTIA)
        ax_in.plot([], [], color="tab:red", marker="o", markersize=8, linestyle="none",
                   gid=_GID_NOW)
        ax_in.axhline(np.nan, color="gray", linestyle="--", linewidth=1, gid=_GID_BEST)
        ax_in.set_xlabel("half-step (assign, update, ...)")
        ax_in.set_ylabel("inertia")
    colors = np.where(labels[:, None] >= 0, _COLORS[np.maximum(labels, 0) % len(_COLORS)],
                      _UNASSIGNED)
    points.set_facecolors(colors)
    find_artist(ax_pts, _GID_CENTERS).set_offsets(centers[:, :2])
    path = np.stack(trace["centers"][:s + 1])            # (s + 1, k, n_features)
    for j in range(k):
        find_artist(ax_pts, _GID_PATH.format(j)).set_data(path[:, j, 0], path[:, j, 1])
    ax_pts.set_title(_state_text(trace, s), fontsize="medium")

    inertia = np.asarray(trace["inertia"], dtype=float)
    steps = np.arange(1, n_states)
    find_artist(ax_in, _GID_INERTIA).set_data(steps, inertia[1:])
    find_artist(ax_in, _GID_NOW).set_data([s] if s > 0 else [], [inertia[s]] if s > 0 else [])
    best = find_artist(ax_in, _GID_BEST)
    best.set_ydata([best_inertia, best_inertia] if best_inertia is not None else [np.nan] * 2)
    shown = inertia[1:] if best_inertia is None else np.append(inertia[1:], best_inertia)
    low, high = float(np.min(shown)), float(np.max(shown))
    pad = 0.08 * (high - low) if high > low else 0.05 * abs(high) + 1e-12
    # Only where they change (a new run): setting them again would redraw the ticks.
    set_limits(ax_in, (0.5, max(n_states - 0.5, 1.5)), (low - pad, high + pad))
    ax_in.set_title(f"inertia {inertia[s]:.1f}" if s > 0 else "inertia: no labels yet",
                    fontsize="medium")
    return {"state": s, "stage": trace["stage"][s], "iteration": trace["iteration"][s],
            "inertia": float(inertia[s]), "labels": labels, "centers": centers,
            "final_inertia": float(inertia[-1]),
            "converged": bool(trace["converged"] and s == n_states - 1)}


def kmeans_stepper(X, n_clusters=3, *, init="random", seed=0, n_seeds=10, step=0,
                   max_iter=50, figsize=(7.6, 3.2)):
    """Step through K-means on ``X`` (first two features drawn): assign, update, repeat.

    Three controls: ``step`` walks through the half-steps of the run, ``seed`` (0 ..
    ``n_seeds - 1``) picks the random seeding, ``init`` picks ``'random'`` or ``'k-means++'``.
    All ``2 * n_seeds`` runs are computed once here, so moving a control only redraws. The
    read-out gives the inertia now, this run's final inertia and the lowest final inertia over
    all runs (drawn as a dashed line too), so runs stuck in a worse local minimum stand out.

    Returns an ``ipywidgets.VBox`` with the CSS class ``course-widget``; its attributes
    ``step_slider``, ``seed_slider``, ``init_dropdown``, ``traces`` (a dict ``(init, seed) ->
    trace``), ``image``, ``readout``, ``figure`` and ``axes`` give access to the parts.
    """
    import ipywidgets as widgets

    func = "kmeans_stepper"
    X = as_data_matrix(X, func)
    check_choice(init, "init", func, INITS)
    n_seeds = check_int(n_seeds, "n_seeds", func, minimum=1)
    seed = check_int(seed, "seed", func, minimum=0, maximum=n_seeds - 1)
    traces = {(name, s): kmeans_trace(X, n_clusters, name, s, max_iter)
              for name in INITS for s in range(n_seeds)}
    best = min(t["inertia"][-1] for t in traces.values())
    n_steps = max(len(t["stage"]) for t in traces.values()) - 1
    step = check_int(step, "step", func, minimum=0, maximum=n_steps)

    def draw(fig, step, seed, init):
        if not fig.axes:
            fig.add_subplot(1, 2, 1)
            fig.add_subplot(1, 2, 2)
        info = draw_kmeans_step(fig.axes[:2], X, traces[(init, seed)], step, best_inertia=best)
        # A move redraws the points, paths, centres and the inertia curve and marker (and
        # what lies over them); the inertia panel's ticks stay as drawn once per run.
        ax_pts, ax_in = fig.axes[:2]
        mark_live(find_artist(ax_pts, _GID_POINTS), find_artist(ax_in, _GID_INERTIA))
        now = "—" if info["state"] == 0 else f"{info['inertia']:.1f}"
        worse = info["final_inertia"] / best - 1
        verdict = ("the best of all runs" if worse < 1e-9
                   else f"{100 * worse:.0f}% above the best run: a worse local minimum")
        return (f"inertia now: <b>{now}</b> &nbsp; this run ends at "
                f"<b>{info['final_inertia']:.1f}</b> ({verdict}); best of the "
                f"{len(traces)} runs: <b>{best:.1f}</b>")

    controls = {
        "step": widgets.IntSlider(value=step, min=0, max=n_steps, step=1,
                                  description="half-step", continuous_update=True),
        "seed": widgets.IntSlider(value=seed, min=0, max=n_seeds - 1, step=1,
                                  description="seed", continuous_update=True),
        "init": widgets.Dropdown(options=list(INITS), value=init, description="init"),
    }
    box = build_explorer(controls, draw, figsize=figsize, controls_per_row=3)
    box.step_slider, box.seed_slider = controls["step"], controls["seed"]
    box.init_dropdown = controls["init"]
    box.traces = traces
    box.best_inertia = best
    box.axes = tuple(box.figure.axes[:2])
    return box

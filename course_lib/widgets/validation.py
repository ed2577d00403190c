"""Chapter 11's explorer: the fold picture, which rows train and which validate in each round.

One row of the picture per round of a validation scheme, one column per sample (in the data's
order, so for a time series time runs left to right). A cell is

- blue: the sample trains the model of that round,
- orange: the sample validates it,
- grey: the sample is not used in that round (only the time-ordered split leaves rows out).

The schemes are the ones of :mod:`course_lib.model_selection`:

==================  ==========================================================================
``K-fold``          ``kfold_indices(n, k)``: consecutive folds, the first ``n % k`` one row longer
``shuffled K-fold`` ``kfold_indices(n, k, shuffle=True, random_state=seed)``
``iterated K-fold`` ``iterated_kfold_indices(n, k, n_repeats, random_state=seed)``: the rounds
                    of each repeat in turn, a fresh shuffle per repeat
``time series``     ``time_series_indices(n, k)``: train on the past, validate on the next block
==================  ==========================================================================
"""
from __future__ import annotations

import numpy as np

from .. import model_selection
from .._validation import check_choice, check_int
from ._base import build_explorer, find_artist

__all__ = ["SCHEMES", "UNUSED", "TRAIN", "VALIDATE", "fold_assignment", "largest_n_splits", "draw_folds",
           "fold_explorer"]

SCHEMES = ("K-fold", "shuffled K-fold", "iterated K-fold", "time series")

#: The codes of :func:`fold_assignment`'s table.
UNUSED, TRAIN, VALIDATE = 0, 1, 2

_COLORS = ("#d9d9d9", "#1f77b4", "#ff7f0e")   # grey, tab:blue, tab:orange
_GID_IMAGE = "fold-picture"
# The colour key, as HTML under the controls: a legend inside the figure would cost a redraw.
_KEY = " &nbsp; ".join(f'<span style="color:{c}">&#9632;</span> {name}'
                       for c, name in zip((_COLORS[TRAIN], _COLORS[VALIDATE], _COLORS[UNUSED]),
                                          ("train", "validate", "not used")))
_GID_REPEATS = "fold-repeat-lines"


def _splits(scheme, n_samples, n_splits, n_repeats, seed):
    if scheme == "K-fold":
        return model_selection.kfold_indices(n_samples, n_splits)
    if scheme == "shuffled K-fold":
        return model_selection.kfold_indices(n_samples, n_splits, shuffle=True,
                                             random_state=seed)
    if scheme == "iterated K-fold":
        return model_selection.iterated_kfold_indices(n_samples, n_splits, n_repeats,
                                                      random_state=seed)
    return model_selection.time_series_indices(n_samples, n_splits)


def fold_assignment(scheme, n_samples, n_splits, *, n_repeats=1, seed=0):
    """The fold picture as a table: ``(n_rounds, n_samples)`` ints.

    Entry ``[r, i]`` is ``TRAIN`` (1) when sample ``i`` trains the model of round ``r``,
    ``VALIDATE`` (2) when it validates it and ``UNUSED`` (0) otherwise. ``n_rounds`` is
    ``n_splits``, or ``n_splits * n_repeats`` for the iterated K-fold. ``seed`` drives the
    shuffles (ignored by the unshuffled schemes); ``n_repeats`` only matters for the iterated
    K-fold. The index rules, and their limits on ``n_splits``, are those of
    :mod:`course_lib.model_selection`.
    """
    func = "fold_assignment"
    check_choice(scheme, "scheme", func, SCHEMES)
    n_samples = check_int(n_samples, "n_samples", func, minimum=2)
    n_splits = check_int(n_splits, "n_splits", func, minimum=2)
    n_repeats = check_int(n_repeats, "n_repeats", func, minimum=1)
    seed = check_int(seed, "seed", func, minimum=0)
    splits = _splits(scheme, n_samples, n_splits, n_repeats, seed)
    table = np.full((len(splits), n_samples), UNUSED, dtype=np.int64)
    for r, (train_idx, val_idx) in enumerate(splits):
        table[r, train_idx] = TRAIN
        table[r, val_idx] = VALIDATE
    return table


def largest_n_splits(scheme, n_samples):
    """The most rounds a scheme allows for ``n_samples`` rows: ``n`` for the K-folds (one row
    per fold), ``n - 1`` for the time series (a row to train on before the first block)."""
    return n_samples - 1 if scheme == "time series" else n_samples


def draw_folds(ax, scheme, n_samples, n_splits, *, n_repeats=1, seed=0):
    """Draw the fold picture of a scheme on the matplotlib Axes ``ax``.

    Rows are rounds (top to bottom), columns samples 0 .. n-1 (left to right); colours as in
    the module docstring. A ``n_splits`` larger than the scheme allows is lowered to
    :func:`largest_n_splits`. Called again on the same Axes it updates the picture in place.

    Returns a dict: ``'table'`` (:func:`fold_assignment`'s table), ``'n_splits'`` (the number
    of folds drawn), ``'val_sizes'`` and ``'train_sizes'`` (rows per round),
    ``'times_validated'`` (per sample, how many rounds it validates) and ``'n_models'`` (the
    number of models the scheme trains, one per round).
    """
    func = "draw_folds"
    if not hasattr(ax, "imshow"):
        raise TypeError(f"{func}: argument 'ax' must be a matplotlib Axes, got {ax!r}")
    check_choice(scheme, "scheme", func, SCHEMES)
    n_samples = check_int(n_samples, "n_samples", func, minimum=2)
    n_splits = check_int(n_splits, "n_splits", func, minimum=2)
    n_splits = min(n_splits, largest_n_splits(scheme, n_samples))
    table = fold_assignment(scheme, n_samples, n_splits, n_repeats=n_repeats, seed=seed)
    n_rounds = table.shape[0]
    extent = (-0.5, n_samples - 0.5, n_rounds - 0.5, -0.5)

    image = find_artist(ax, _GID_IMAGE)
    if image is None:
        from matplotlib.collections import LineCollection
        from matplotlib.colors import ListedColormap

        image = ax.imshow(table, cmap=ListedColormap(_COLORS), vmin=0, vmax=2,
                          interpolation="nearest", aspect="auto", extent=extent,
                          gid=_GID_IMAGE)
        ax.add_collection(LineCollection([], colors="white", linewidths=1.0,
                                         gid=_GID_REPEATS + "-cells"))
        ax.add_collection(LineCollection([], colors="black", linewidths=2.0,
                                         gid=_GID_REPEATS))
        ax.set_xlabel("sample (row of the data, in its order)", fontsize="small")
    else:
        image.set_data(table)
        image.set_extent(extent)
    # White lines between the cells, black ones between the repeats of the iterated K-fold.
    cells = [[(x, -0.5), (x, n_rounds - 0.5)] for x in np.arange(0.5, n_samples - 1)]
    cells += [[(-0.5, y), (n_samples - 0.5, y)] for y in np.arange(0.5, n_rounds - 1)]
    find_artist(ax, _GID_REPEATS + "-cells").set_segments(cells)
    repeats = []
    if scheme == "iterated K-fold":
        repeats = [[(-0.5, y), (n_samples - 0.5, y)]
                   for y in np.arange(n_splits - 0.5, n_rounds - 1, n_splits)]
    find_artist(ax, _GID_REPEATS).set_segments(repeats)
    ax.set_xlim(-0.5, n_samples - 0.5)
    ax.set_ylim(n_rounds - 0.5, -0.5)

    val_sizes = (table == VALIDATE).sum(axis=1)
    train_sizes = (table == TRAIN).sum(axis=1)
    # Ticks and title change only with the layout; setting them again on every slider move
    # (a new shuffle seed) would cost most of a redraw.
    layout = (scheme, n_samples, n_splits, n_rounds)
    if getattr(ax, "_fold_layout", None) != layout:
        ax._fold_layout = layout
        ax.set_xticks(np.arange(0, n_samples, max(1, -(-n_samples // 5))))
        if scheme == "iterated K-fold":
            ax.set_yticks(np.arange(0, n_rounds, n_splits),
                          [f"repeat {r + 1}" for r in range(n_rounds // n_splits)])
        else:
            ax.set_yticks(np.arange(n_rounds), [str(r + 1) for r in range(n_rounds)])
        ax.set_ylabel("" if scheme == "iterated K-fold" else "round")
        ax.set_title(f"{scheme}: {n_samples} samples, {n_splits} folds"
                     + (f", {n_rounds // n_splits} repeats" if scheme == "iterated K-fold"
                        else ""), fontsize="medium")
    return {"table": table, "n_splits": n_splits, "val_sizes": val_sizes,
            "train_sizes": train_sizes, "times_validated": (table == VALIDATE).sum(axis=0),
            "n_models": n_rounds}


def _readout(scheme, info, asked_splits):
    val, train = info["val_sizes"], info["train_sizes"]
    k = info["n_splits"]
    parts = []
    if asked_splits > k:
        parts.append(f"<i>{asked_splits} folds are too many for these samples: showing {k}.</i>")
    if scheme == "time series":
        never = int(np.sum(info["times_validated"] == 0))
        parts.append(f"validation blocks of <b>{val[0]}</b> rows; training grows "
                     f"<b>{' → '.join(str(t) for t in train)}</b> rows; the first "
                     f"<b>{never}</b> rows are never validated")
    else:
        sizes = ", ".join(str(v) for v in val[:k])
        once = int(info["times_validated"][0])
        parts.append(f"validation folds of <b>{sizes}</b> rows; each sample validated "
                     f"<b>{once}</b> time{'s' if once > 1 else ''}")
    parts.append(f"models trained: <b>{info['n_models']}</b>")
    return _KEY + "<br>" + " &nbsp; ".join(parts)


def fold_explorer(scheme="K-fold", *, n_samples=10, n_splits=3, n_repeats=2, seed=0,
                  figsize=(6.0, 3.2)):
    """The fold picture with controls: samples, folds, repeats, shuffle seed and the scheme.

    Sliders set ``n_samples`` (6 to 40), ``n_splits`` (2 to 10), ``n_repeats`` (1 to 3, for
    the iterated K-fold) and the shuffle ``seed`` (0 to 20, for the shuffled schemes); a
    dropdown picks one of :data:`SCHEMES`. The picture is :func:`draw_folds`'; the line under
    the controls gives the fold sizes and the number of models trained.

    Returns an ``ipywidgets.VBox`` with the CSS class ``course-widget``; ``controls``,
    ``image``, ``readout``, ``figure`` and ``ax`` give access to the parts.
    """
    import ipywidgets as widgets

    func = "fold_explorer"
    check_choice(scheme, "scheme", func, SCHEMES)
    n_samples = check_int(n_samples, "n_samples", func, minimum=6, maximum=40)
    n_splits = check_int(n_splits, "n_splits", func, minimum=2, maximum=10)
    n_repeats = check_int(n_repeats, "n_repeats", func, minimum=1, maximum=3)
    seed = check_int(seed, "seed", func, minimum=0, maximum=20)

    def slider(value, low, high, description):
        return widgets.IntSlider(value=value, min=low, max=high, step=1,
                                 description=description, continuous_update=True,
                                 style={"description_width": "initial"})

    def draw(fig, n_samples, n_splits, n_repeats, seed, scheme):
        if not fig.axes:
            fig.add_subplot(1, 1, 1)
        info = draw_folds(fig.axes[0], scheme, n_samples, n_splits, n_repeats=n_repeats,
                          seed=seed)
        return _readout(scheme, info, n_splits)

    controls = {
        "n_samples": slider(n_samples, 6, 40, "samples n"),
        "n_splits": slider(n_splits, 2, 10, "folds k"),
        "n_repeats": slider(n_repeats, 1, 3, "repeats"),
        "seed": slider(seed, 0, 20, "shuffle seed"),
        "scheme": widgets.Dropdown(options=list(SCHEMES), value=scheme, description="scheme"),
    }
    box = build_explorer(controls, draw, figsize=figsize, controls_per_row=3)
    box.ax = box.figure.axes[0]
    return box

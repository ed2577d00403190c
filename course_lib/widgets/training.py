"""Chapter 08's explorer: training curves, drawn live while ``fit`` runs.

A network is trained by ``model.fit``; after every epoch Keras (and ``course_lib``) records the
epoch's mean training loss and metric and, when there is validation data, the validation loss
and metric, in ``history.history``::

    {"loss": [...], "accuracy": [...], "val_loss": [...], "val_accuracy": [...]}

:func:`draw_training_curves` is a plain function of that dictionary (one value per epoch so
far): the loss panel shows ``loss`` and ``val_loss`` against the epoch number (1, 2, ..., as
Keras prints them), the metric panel the metric and its ``val_`` twin, and a vertical line marks
a chosen epoch. :class:`TrainingCurves` is a :class:`course_lib.callbacks.Callback` that keeps
the history so far and redraws as epochs end (at most every ``min_interval`` seconds, and
always after the last), so the curves grow while ``fit`` runs; when training ends its epoch
slider lets the student walk back through the epochs and read the values. :func:`plot_history` draws the finished history as an ordinary matplotlib figure, for
the static copy of a notebook.
"""
from __future__ import annotations

import numbers
import time

import numpy as np
from matplotlib.ticker import MaxNLocator

from .._validation import _describe, check_int, check_nonnegative
from ..callbacks import Callback
from ._base import build_explorer, find_artist, mark_live

__all__ = ["history_dict", "draw_training_curves", "TrainingCurves", "plot_history"]

_GID = {"train": "training-curve-train", "val": "training-curve-val",
        "marker": "training-curve-marker"}


def history_dict(history, func="history_dict"):
    """``history`` as a dict ``name -> list of floats``, every list of the same length.

    Accepts a :class:`course_lib.callbacks.History` (or anything with a ``.history`` dict, as
    Keras' History) or the dict itself; it must hold ``'loss'``.
    """
    hist = getattr(history, "history", history)
    if not isinstance(hist, dict):
        raise TypeError(f"{func}: argument 'history' must be a History or a dict such as "
                        f"{{'loss': [...], 'val_loss': [...]}}, got {_describe(history)}")
    if "loss" not in hist:
        raise ValueError(f"{func}: argument 'history' must hold a 'loss' entry, got the keys "
                         f"{sorted(hist)}")
    out = {}
    for key, values in hist.items():
        try:
            arr = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"{func}: argument 'history' entry {key!r} must be a list of "
                            f"numbers, got {_describe(values)}") from None
        if arr.ndim != 1:
            raise ValueError(f"{func}: argument 'history' entry {key!r} must be a flat list "
                             f"(one value per epoch), got shape {arr.shape}")
        out[str(key)] = arr.tolist()
    lengths = {key: len(v) for key, v in out.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"{func}: argument 'history' must hold one value per epoch in every "
                         f"entry, got lengths {lengths}")
    return out


def _default_metric(hist):
    """The first recorded metric that is neither the loss nor a validation value, or None."""
    for key in hist:
        if key != "loss" and not key.startswith("val_"):
            return key
    return None


def _check_metric(metric, hist, func):
    if metric is None:
        return None
    if not isinstance(metric, str):
        raise TypeError(f"{func}: argument 'metric' must be a metric name such as 'accuracy', "
                        f"got {_describe(metric)}")
    if metric not in hist:
        known = [k for k in hist if k != "loss" and not k.startswith("val_")]
        raise ValueError(f"{func}: argument 'metric' = {metric!r} is not in the history; it "
                         f"holds {known or 'no metric'}")
    return metric


def _fmt(value):
    return f"{value:.4g}"


def _draw_panel(ax, hist, name, epoch, legend):
    """One panel: ``name`` and ``val_name`` against epochs 1..n, a marker at ``epoch``."""
    n = len(hist["loss"])
    epochs = np.arange(1, n + 1)
    train = find_artist(ax, _GID["train"])
    if train is None:
        (train,) = ax.plot([], [], "-", color="tab:blue", label="training",
                           gid=_GID["train"])
        (val,) = ax.plot([], [], "-", color="tab:orange", label="validation",
                         gid=_GID["val"])
        ax.axvline(1.0, color="gray", linestyle=":", linewidth=1.2, gid=_GID["marker"])
        ax.set_xlabel("epoch")
        # Tick labels are most of a redraw's cost: a few, and whole epochs only.
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
        if legend:
            ax.legend(loc="upper right", fontsize="small")
    val = find_artist(ax, _GID["val"])
    marker = find_artist(ax, _GID["marker"])
    val_values = hist.get(f"val_{name}")
    marker.set_xdata([epoch, epoch])
    marker.set_visible(epoch is not None)
    # The curves, title and scales change only with the history: left alone when only the
    # marked epoch moves (touching them would make an explorer redraw the whole figure).
    curves = (name, tuple(hist.get(name, [])), None if val_values is None else tuple(val_values))
    if getattr(ax, "_training_curves", None) == curves:
        return
    ax._training_curves = curves
    train.set_data(epochs, hist.get(name, []))
    val.set_data(epochs if val_values is not None else [], val_values or [])
    val.set_visible(val_values is not None)

    ax.set_title(name)
    ax.set_xlim(0.5, max(n, 1) + 0.5)
    values = np.concatenate([np.asarray(hist.get(name, []), dtype=float),
                             np.asarray(val_values or [], dtype=float)])
    values = values[np.isfinite(values)]
    if values.size:
        low, high = float(values.min()), float(values.max())
        pad = 0.08 * (high - low) or 0.05 * (abs(high) or 1.0)
        ax.set_ylim(low - pad, high + pad)
    else:
        ax.set_ylim(0.0, 1.0)


def draw_training_curves(fig, history, metric=None, epoch=None):
    """Draw the training curves of ``history`` onto the matplotlib Figure ``fig``.

    history: a History or a dict ``{'loss': [L_1, ..., L_n], 'val_loss': [...], metric: [...],
    'val_' + metric: [...]}``, one value per epoch so far (n may be 0: empty panels).
    metric: the metric panel to draw beside the loss (default: the first recorded metric; no
    second panel when the history has none). epoch: 1..n, marked with a vertical line and read
    out (default: the last epoch).

    The first call adds the axes; later calls on the same figure update the lines in place.
    Returns the read-out text (HTML): the marked epoch's values and the epoch of the lowest
    ``val_loss`` (the epoch a model would be kept from), or a waiting note when n = 0.
    """
    func = "draw_training_curves"
    hist = history_dict(history, func)
    metric = _check_metric(metric, hist, func) if metric is not None else _default_metric(hist)
    n = len(hist["loss"])
    if epoch is None:
        epoch = n if n else None
    elif n == 0:
        raise ValueError(f"{func}: argument 'epoch' must be None while the history is empty, "
                         f"got {epoch!r}")
    else:
        if isinstance(epoch, numbers.Real) and not isinstance(epoch, bool) \
                and float(epoch).is_integer():
            epoch = int(epoch)
        epoch = check_int(epoch, "epoch", func, minimum=1, maximum=n)

    panels = ["loss"] + ([metric] if metric is not None else [])
    if len(fig.axes) != len(panels):
        fig.clear()
        for k in range(len(panels)):
            fig.add_subplot(1, len(panels), k + 1)
    for k, (ax, name) in enumerate(zip(fig.axes, panels)):
        _draw_panel(ax, hist, name, epoch, legend=k == 0)

    if n == 0:
        return "waiting for the first epoch ..."
    parts = [f"{name} {_fmt(hist[name][epoch - 1])}" for name in hist if name in
             {p for p in panels} | {f"val_{p}" for p in panels}]
    text = f"<b>epoch {epoch} of {n}</b>: " + ", ".join(parts)
    if "val_loss" in hist:
        val = np.asarray(hist["val_loss"], dtype=float)
        if np.isfinite(val).any():
            best = int(np.nanargmin(np.where(np.isfinite(val), val, np.nan))) + 1
            text += f"; lowest val_loss at epoch {best}"
    return text


class TrainingCurves(Callback):
    """A callback that draws ``loss`` / ``val_loss`` and a metric / its ``val_`` twin live.

    ``model.fit(x, y, ..., callbacks=[TrainingCurves()])``: when training begins the callback
    shows its explorer (a ``course-widget`` container with an epoch slider, the read-out and the
    picture) and redraws it from the history so far, through :func:`draw_training_curves`, when
    an epoch ends at least ``min_interval`` seconds after the last redraw, and once more when
    training ends. After training, moving the slider marks an epoch and reads its values.
    metric: the metric to draw (default: the model's first compiled metric).
    display: show the explorer when training begins (tests pass False and read ``.widget``).
    min_interval: seconds between redraws while training (0: after every epoch). A redraw
    costs about 70 ms; a small network's epoch takes a few ms, so redrawing every epoch would
    make drawing most of the training time, where four or five pictures a second look as live.

    ``history`` holds the values recorded so far (a dict of lists, as ``History.history``);
    ``widget`` is the container (None before the first ``fit``). Reusing the callback for a
    second ``fit`` starts a new picture in the same container.
    """

    def __init__(self, metric=None, *, display=True, figsize=(8.0, 3.0), dpi=72,
                 min_interval=0.25):
        super().__init__()
        if metric is not None and not isinstance(metric, str):
            raise TypeError(f"TrainingCurves: argument 'metric' must be a metric name such as "
                            f"'accuracy' or None, got {_describe(metric)}")
        self.metric = metric
        self.min_interval = float(check_nonnegative(min_interval, "min_interval",
                                                    "TrainingCurves"))
        self._shown, self._drawn_at = 0, None   # epochs in the picture, and when it was drawn
        self.display = bool(display)
        self.figsize = figsize
        self.dpi = dpi
        self.history = {}
        self.widget = None
        self._panel_metric = None

    def _draw(self, fig, epoch):
        if not self.history.get("loss"):
            # Before the first epoch: the panels the run will fill, so the layout is final.
            empty = {"loss": []}
            if self._panel_metric is not None:
                empty[self._panel_metric] = []
            text = draw_training_curves(fig, empty, self._panel_metric)
        else:
            text = draw_training_curves(fig, self.history, self._panel_metric, epoch=epoch)
        # An epoch move redraws the marker (and the frame and legend over it), not the axes.
        mark_live(*(find_artist(ax, _GID["marker"]) for ax in fig.axes))
        return text

    def on_train_begin(self, logs=None):
        import ipywidgets as widgets

        names = [name for name, _ in getattr(self.model, "metrics", None) or []]
        if self.metric is not None and names and self.metric not in names:
            raise ValueError(f"TrainingCurves: argument 'metric' = {self.metric!r} is not "
                             f"among the model's metrics {names}")
        self._panel_metric = self.metric if self.metric is not None else (
            names[0] if names else None)
        self.history = {}
        if self.widget is None:
            slider = widgets.IntSlider(value=1, min=1, max=1, description="epoch",
                                       continuous_update=True,
                                       style={"description_width": "initial"})
            self.widget = build_explorer({"epoch": slider}, self._draw, figsize=self.figsize,
                                         dpi=self.dpi)
            if self.display:
                from IPython.display import display
                display(self.widget)
        else:
            slider = self.widget.controls["epoch"]
            if slider.value == 1:
                slider.max = 1
                self.widget.update()
            else:
                slider.value = 1      # redraws the empty panels
                slider.max = 1
        self._shown, self._drawn_at = 0, _clock()

    def on_epoch_end(self, epoch, logs=None):
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(float(value))
        n = len(self.history.get("loss", []))
        if self.widget is None or n == 0:
            return
        self.widget.controls["epoch"].max = n
        if _clock() - self._drawn_at >= self.min_interval:
            self._show_epoch(n)

    def on_train_end(self, logs=None):
        n = len(self.history.get("loss", []))
        if self.widget is not None and n and self._shown != n:
            self._show_epoch(n)

    def _show_epoch(self, n):
        slider = self.widget.controls["epoch"]
        if slider.value == n:
            self.widget.update()
        else:
            slider.value = n          # the slider's observer redraws
        self._shown, self._drawn_at = n, _clock()


#: The clock of :class:`TrainingCurves`' redraw interval (a module name, so tests can set it).
_clock = time.monotonic


def plot_history(history, metric=None, epoch=None, figsize=(8.0, 3.0)):
    """The training curves of a finished ``history`` as a pyplot figure (for static output).

    Same picture as :class:`TrainingCurves` after training; returns the Figure.
    """
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=figsize, layout="constrained")
    draw_training_curves(fig, history, metric, epoch)
    return fig

"""The pieces every explorer shares.

An explorer is a drawing function (a plain function of the widget values, called by tests
without a browser) plus the controls that feed it. :func:`build_explorer` does the wiring once
for all of them: it makes a matplotlib ``Figure`` (no pyplot, no interactive backend), redraws
it whenever a control moves, shows it as PNG in an ``ipywidgets.Image`` (works in JupyterLab,
Notebook 7 and VS Code alike), and returns one container with the CSS class ``course-widget``
(the browser smoke test looks for it).

A slider move should feel live (well under 50 ms of kernel time). Most of a full redraw is
text layout (tick labels, legends, titles), which does not change when a slider moves, so the
explorer redraws only what did: a drawing function marks the artists a move changes with
:func:`mark_live` (matplotlib's ``animated`` flag). :func:`build_explorer` then draws the rest
(the background) once, keeps its pixels, and on each move pastes them back and draws only the
live artists over them (blitting). Changing anything that is not live (axis limits, a legend,
a non-live text) makes the figure stale, and the next move redraws the background in full, so
the picture is always the one a full redraw would give. The PNG is encoded fast (RGB, light
zlib compression, no metadata).

In a kernel nobody watches (the grader sets ``COURSE_WIDGETS_HEADLESS=1`` in the kernels it
runs) an explorer still calls its drawing function on every move, but makes no picture.
"""
from __future__ import annotations

import io
import os
from operator import attrgetter

import numpy as np

from .._validation import check_real

__all__ = ["WIDGET_CLASS", "render_png", "find_artist", "as_range", "float_slider",
           "mark_live", "titles_of", "set_limits", "build_explorer"]

WIDGET_CLASS = "course-widget"

#: The environment variable that, set to "1", makes explorers skip their pictures.
HEADLESS_ENV = "COURSE_WIDGETS_HEADLESS"

# zlib level 3 instead of matplotlib's 6: a third faster to encode, about 10 % more bytes.
_PNG_COMPRESS_LEVEL = 3


def render_png(fig, dpi=80) -> bytes:
    """The figure as PNG bytes (what an ``ipywidgets.Image`` shows): all of it, live artists
    included, drawn in full."""
    # savefig draws live artists but not live axes (matplotlib leaves animated axes out of a
    # figure's draw even when saving): they are made ordinary for the time of the save.
    live_axes = [ax for ax in fig.axes if ax.get_animated()]
    buffer = io.BytesIO()
    try:
        for ax in live_axes:
            ax.set_animated(False)
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None},
                    pil_kwargs={"compress_level": _PNG_COMPRESS_LEVEL})
    finally:
        for ax in live_axes:
            ax.set_animated(True)
    return buffer.getvalue()


def _encode_png(canvas) -> bytes:
    """What an Agg canvas holds now, as PNG (RGB when it is opaque: a quarter less to encode)."""
    from PIL import Image

    width, height = canvas.get_width_height(physical=True)
    rgba = canvas.buffer_rgba()
    image = Image.frombuffer("RGBA", (width, height), rgba, "raw", "RGBA", 0, 1)
    if np.asarray(rgba)[:, :, 3].min() == 255:
        image = image.convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="png", compress_level=_PNG_COMPRESS_LEVEL)
    return buffer.getvalue()


def mark_live(*artists):
    """Mark the artists a slider move changes (lines, markers, a title...) as live and return
    the first (an Axes whose limits change on a move can be live as a whole): :func:`build_explorer` redraws only them on a move, over a kept picture of the
    rest (see the module docstring). :func:`render_png` and ``savefig``
    still draw everything. None arguments are skipped. Whatever is drawn over a live artist
    (a later zorder) becomes live by itself, except ticks and grid; see ``_live_artists``."""
    for artist in artists:
        if artist is not None:
            artist.set_animated(True)
    return artists[0] if artists else None


def titles_of(ax):
    """The three titles of ``ax`` (centre, left, right): ``ax.set_title`` moves all three, so
    an explorer that sets a title on every move marks all three live."""
    return ax.title, ax._left_title, ax._right_title


def set_limits(ax, xlim=None, ylim=None):
    """``ax.set_xlim(*xlim)`` and ``ax.set_ylim(*ylim)``, but only where they change: setting
    the same limits again still makes the figure stale (a full redraw on every move)."""
    if xlim is not None and tuple(map(float, xlim)) != tuple(map(float, ax.get_xlim())):
        ax.set_xlim(*xlim)
    if ylim is not None and tuple(map(float, ylim)) != tuple(map(float, ax.get_ylim())):
        ax.set_ylim(*ylim)


def _live_artists(fig):
    """The figure's live artists in drawing order (axes by axes, each by zorder).

    Every artist an axes draws after its first live one (by zorder, then order of adding, as
    ``Axes.draw`` goes) is made live too, so that blitting keeps the stacking of a full draw:
    a legend or a frame over a moving line is redrawn over it. The axes' axis objects (ticks,
    tick labels, grid: most of a full draw's cost) stay in the background."""
    from matplotlib.axis import Axis

    live = []
    for ax in sorted(fig.axes, key=attrgetter("zorder")):
        if ax.get_animated():
            # A live axes (its limits change on every move) is redrawn whole, ticks and all;
            # Axes.draw would leave out any live child of it, so none stays live.
            for child in ax.get_children():
                child.set_animated(False)
            live.append(ax)
            continue
        # What Axes.draw draws: no patch here (it is the background), no frame when the axes
        # are off.
        skip = [ax.patch] + ([] if ax.axison and ax.get_frame_on()
                             else list(ax.spines.values()))
        children = sorted((a for a in ax.get_children() if not any(a is k for k in skip)),
                          key=attrgetter("zorder"))
        first = next((i for i, a in enumerate(children) if a.get_animated()), None)
        if first is None:
            continue
        for artist in children[first:]:
            if not isinstance(artist, Axis):
                artist.set_animated(True)
                live.append(artist)
    return live


class _Blitter:
    """Renders ``fig`` for each move: the background in full only when it changed."""

    def __init__(self, fig):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.fig, self.canvas = fig, FigureCanvasAgg(fig)
        self.background, self.live_key, self.full_draws = None, None, 0

    def render(self):
        fig, canvas = self.fig, self.canvas
        live = _live_artists(fig)
        # A change to any artist that is not live makes the figure stale (live artists do
        # not pass their staleness up): then, and only then, the background is redrawn.
        key = [id(artist) for artist in live]
        if fig.stale or self.background is None or not live or key != self.live_key:
            canvas.draw()  # draws everything but the live artists
            self.full_draws += 1
            self.background = canvas.copy_from_bbox(fig.bbox) if live else None
            self.live_key = key
        else:
            canvas.restore_region(self.background)
        renderer = canvas.get_renderer()
        for artist in live:
            artist.draw(renderer)
        # Drawing may touch the parts of a live artist (a legend sizes its frame), which marks
        # the figure stale although the background did not change.
        fig.stale = False
        return _encode_png(canvas)


def find_artist(ax, gid):
    """The artist of ``ax`` with this gid, or None: lets a drawing function update in place."""
    for artist in ax.get_children():
        if artist.get_gid() == gid:
            return artist
    return None


def as_range(value, default, name, func):
    """A slider range ``(min, max)`` from ``value``, or ``default`` when ``value`` is None."""
    if value is None:
        return (float(default[0]), float(default[1]))
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise ValueError(f"{func}: argument '{name}' must be a pair (min, max), got {value!r}")
    low = check_real(value[0], name, func)
    high = check_real(value[1], name, func)
    if not low < high:
        raise ValueError(f"{func}: argument '{name}' must have min < max, got {value!r}")
    return (low, high)


def float_slider(value, bounds, description, *, steps=200, readout_format=".2f"):
    """A ``FloatSlider`` over ``bounds = (min, max)`` in ``steps`` equal steps, starting at
    ``value`` (clipped into the range), updating continuously while it is dragged.

    The browser only shows values ``min + k * step``: a start value between two steps would be
    snapped there on first display (the picture would then disagree with the code that built
    it). So the grid is laid through ``value``: the range moves by less than half a step."""
    import ipywidgets as widgets

    low, high = bounds
    value = min(max(float(value), low), high)
    step = (high - low) / steps
    below = (value - low) / step
    if abs(below - round(below)) > 1e-9:  # not already on the grid
        low = value - round(below) * step
    return widgets.FloatSlider(value=value, min=low, max=low + steps * step, step=step,
                               description=description, continuous_update=True,
                               readout_format=readout_format,
                               style={"description_width": "initial"})


def build_explorer(controls, draw, *, figsize=(6.0, 4.0), dpi=80, controls_per_row=2):
    """Wire ``controls`` to ``draw`` and return the explorer's container.

    ``controls``: a dict ``name -> ipywidget`` with a ``value`` (sliders, dropdowns, toggles).
    ``draw(fig, **values)``: draws the picture for these values onto the matplotlib ``Figure``
    ``fig`` (on the first call it adds its axes; later calls may update artists in place, which
    keeps a slider move fast) and returns an HTML string for the read-out line, or None.

    Returns an ``ipywidgets.VBox`` with the class ``course-widget`` and the attributes
    ``controls`` (the dict), ``image``, ``readout``, ``figure``, ``update()`` (redraw now) and
    ``blitter`` (its ``full_draws`` counts the redraws of the background), so tests and
    curious students can reach the parts.
    """
    import ipywidgets as widgets
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
    blitter = _Blitter(fig)
    image = widgets.Image(format="png")
    readout = widgets.HTML()

    def update(change=None):
        text = draw(fig, **{name: control.value for name, control in controls.items()})
        if os.environ.get(HEADLESS_ENV) != "1":
            image.value = blitter.render()
        readout.value = text or ""

    for control in controls.values():
        control.observe(update, names="value")
    update()
    # Constrained layout has placed the axes on the first draw; freezing them there keeps them
    # from jittering as titles change. None, not "none": savefig lays out (draws) a figure that
    # has any engine, even the placeholder, so "none" would draw every update twice.
    fig.set_layout_engine(None)

    items = list(controls.values())
    rows = [widgets.HBox(items[i:i + controls_per_row])
            for i in range(0, len(items), controls_per_row)]
    box = widgets.VBox([*rows, readout, image])
    box.add_class(WIDGET_CLASS)
    box.controls, box.image, box.readout, box.figure, box.update = (
        controls, image, readout, fig, update)
    box.blitter = blitter
    return box

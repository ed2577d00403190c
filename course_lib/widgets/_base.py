"""The pieces every explorer shares.

An explorer is a drawing function (a plain function of the widget values, called by tests
without a browser) plus the controls that feed it. :func:`build_explorer` does the wiring once
for all of them: it makes a matplotlib ``Figure`` (no pyplot, no interactive backend), redraws
it whenever a control moves, shows it as PNG in an ``ipywidgets.Image`` (works in JupyterLab,
Notebook 7 and VS Code alike), and returns one container with the CSS class ``course-widget``
(the browser smoke test looks for it).
"""
from __future__ import annotations

import io

from .._validation import check_real

__all__ = ["WIDGET_CLASS", "render_png", "find_artist", "as_range", "float_slider",
           "build_explorer"]

WIDGET_CLASS = "course-widget"


def render_png(fig, dpi=80) -> bytes:
    """The figure as PNG bytes (what an ``ipywidgets.Image`` shows)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


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
    ``controls`` (the dict), ``image``, ``readout``, ``figure`` and ``update()`` (redraw now),
    so tests and curious students can reach the parts.
    """
    import ipywidgets as widgets
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    image = widgets.Image(format="png")
    readout = widgets.HTML()

    def update(change=None):
        text = draw(fig, **{name: control.value for name, control in controls.items()})
        image.value = render_png(fig, dpi=dpi)
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
    return box

"""The shared explorer wiring: controls feed the drawing function, the picture follows them."""
import ipywidgets as widgets
import pytest

from course_lib.widgets._base import HEADLESS_ENV, as_range, build_explorer, find_artist


def test_build_explorer_draws_once_then_on_every_change():
    calls = []

    def draw(fig, a, label):
        ax = fig.axes[0] if fig.axes else fig.add_subplot()
        ax.set_title(f"{label}: {a}")
        calls.append((a, label))
        return f"a = <b>{a}</b>"

    controls = {"a": widgets.IntSlider(value=1, min=0, max=5),
                "label": widgets.Dropdown(options=["x", "y"], value="x")}
    box = build_explorer(controls, draw)
    assert calls == [(1, "x")]
    assert "course-widget" in box._dom_classes
    assert box.readout.value == "a = <b>1</b>"
    first_png = box.image.value
    assert bytes(first_png).startswith(b"\x89PNG")

    controls["a"].value = 4
    controls["label"].value = "y"
    assert calls[-2:] == [(4, "x"), (4, "y")]
    assert box.figure.axes[0].get_title() == "y: 4"
    assert box.readout.value == "a = <b>4</b>"
    assert box.image.value != first_png
    # Both controls are laid out in the container, before the read-out and the picture.
    assert box.children[-1] is box.image and box.children[-2] is box.readout
    assert list(box.children[0].children) == list(controls.values())


def test_a_headless_explorer_draws_and_reads_out_without_making_pictures(monkeypatch):
    # a graded kernel: nobody sees the picture, but the drawing function (and the student's
    # code it calls) runs on every move as it would in JupyterLab
    monkeypatch.setenv(HEADLESS_ENV, "1")
    calls = []

    def draw(fig, a):
        ax = fig.axes[0] if fig.axes else fig.add_subplot()
        ax.set_title(f"a = {a}")
        calls.append(a)
        return f"a = {a}"

    slider = widgets.IntSlider(value=1, min=0, max=5)
    box = build_explorer({"a": slider}, draw)
    slider.value = 3
    assert calls == [1, 3] and box.readout.value == "a = 3"
    assert box.figure.axes[0].get_title() == "a = 3"
    assert bytes(box.image.value) == b""
    monkeypatch.setenv(HEADLESS_ENV, "0")  # anything but "1": pictures again
    slider.value = 4
    assert bytes(box.image.value).startswith(b"\x89PNG")


def test_a_drawing_without_readout_leaves_it_empty():
    def draw(fig, a):
        fig.add_subplot().plot([0, a])

    box = build_explorer({"a": widgets.FloatSlider()}, draw)
    assert box.readout.value == ""


def test_find_artist_and_as_range():
    from matplotlib.figure import Figure
    ax = Figure().add_subplot()
    (line,) = ax.plot([0, 1], [0, 1], gid="mine")
    assert find_artist(ax, "mine") is line and find_artist(ax, "other") is None
    assert as_range(None, (0, 2), "r", "f") == (0.0, 2.0)
    assert as_range([1, 3], (0, 2), "r", "f") == (1.0, 3.0)
    with pytest.raises(ValueError, match="'r' must have min < max"):
        as_range((3, 1), (0, 1), "r", "f")
    with pytest.raises(ValueError, match="'r' must be a pair"):
        as_range(5, (0, 1), "r", "f")


def test_float_slider_clips_the_start_and_divides_the_range():
    from course_lib.widgets._base import float_slider
    s = float_slider(5.0, (-1.0, 1.0), "w", steps=4)
    assert (s.min, s.max, s.value, s.step, s.description) == (-1.0, 1.0, 1.0, 0.5, "w")
    assert s.continuous_update


def _pixels(png):
    import io

    import numpy as np
    from PIL import Image
    return np.asarray(Image.open(io.BytesIO(bytes(png))).convert("RGB"))


def test_a_move_redraws_only_the_live_artists_and_the_picture_is_the_full_one():
    """Blitting: the background (axes, ticks, labels) is drawn once; a move that changes only
    live artists pastes it back and draws them, and the picture is the one a full redraw
    gives. A change to anything else redraws the background."""
    import numpy as np

    from course_lib.widgets._base import mark_live, render_png, set_limits, titles_of

    def draw(fig, a, ylim):
        if not fig.axes:
            ax = fig.add_subplot()
            ax.plot([0, 1], [0, 0], gid="moving")
            ax.set_xlabel("x")
            # The frame lies over the line where it runs along y = 0: it is live too.
            mark_live(find_artist(ax, "moving"), *ax.spines.values(), *titles_of(ax))
        ax = fig.axes[0]
        find_artist(ax, "moving").set_data([0, 1], [0, a])
        ax.set_title(f"a = {a}")
        set_limits(ax, ylim=(0, ylim))  # set_ylim of the same limits would redraw all

    controls = {"a": widgets.IntSlider(value=1, min=0, max=5),
                "ylim": widgets.IntSlider(value=5, min=5, max=9)}
    box = build_explorer(controls, draw)
    controls["a"].value = 2  # the layout is frozen after the first picture: one more full draw
    full = box.blitter.full_draws
    for a in (3, 4, 5):
        controls["a"].value = a
    assert box.blitter.full_draws == full  # three moves, no background redraw
    assert np.array_equal(_pixels(box.image.value),
                          _pixels(render_png(box.figure, dpi=box.figure.dpi)))
    controls["ylim"].value = 9  # the axis changes: the background must follow
    assert box.blitter.full_draws == full + 1
    assert np.array_equal(_pixels(box.image.value),
                          _pixels(render_png(box.figure, dpi=box.figure.dpi)))

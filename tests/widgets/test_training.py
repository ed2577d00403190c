"""Tests for chapter 08's training-curve explorer: the picture reads back the history, the
callback records what fit records, and the slider marks an epoch."""
import time

import ipywidgets as widgets
import numpy as np
import pytest
from matplotlib.figure import Figure

from course_lib.callbacks import History
from course_lib.layers import Dense
from course_lib.models import Sequential
from course_lib.utils import set_random_seed
from course_lib.widgets import WIDGET_CLASS, render_png
from course_lib.widgets import training as training_module
from course_lib.widgets.training import (TrainingCurves, draw_training_curves, history_dict,
                                         plot_history)

# Four epochs written by hand: the lowest val_loss (0.5) is at epoch 3.
HIST = {"loss": [1.0, 0.7, 0.5, 0.4], "accuracy": [0.5, 0.6, 0.7, 0.8],
        "val_loss": [1.1, 0.8, 0.5, 0.6], "val_accuracy": [0.45, 0.55, 0.65, 0.6]}


def lines_by_label(ax):
    return {line.get_label(): line for line in ax.lines}


def data(line):
    return tuple(np.asarray(v, dtype=float) for v in line.get_data())


def test_draw_puts_each_history_entry_on_its_panel_against_epochs_from_1():
    fig = Figure()
    draw_training_curves(fig, HIST)
    loss_ax, metric_ax = fig.axes
    assert loss_ax.get_title() == "loss" and metric_ax.get_title() == "accuracy"
    for ax, name in [(loss_ax, "loss"), (metric_ax, "accuracy")]:
        lines = lines_by_label(ax)
        x, y = data(lines["training"])
        np.testing.assert_array_equal(x, [1, 2, 3, 4])
        np.testing.assert_allclose(y, HIST[name])
        x, y = data(lines["validation"])
        np.testing.assert_array_equal(x, [1, 2, 3, 4])
        np.testing.assert_allclose(y, HIST["val_" + name])
        low, high = ax.get_ylim()
        assert low < min(HIST[name] + HIST["val_" + name])
        assert high > max(HIST[name] + HIST["val_" + name])


def test_readout_gives_the_marked_epoch_and_the_best_validation_epoch():
    fig = Figure()
    text = draw_training_curves(fig, HIST, epoch=2)
    assert "epoch 2 of 4" in text
    for part in ["loss 0.7", "accuracy 0.6", "val_loss 0.8", "val_accuracy 0.55"]:
        assert part in text
    assert "lowest val_loss at epoch 3" in text
    marker = [line for line in fig.axes[0].lines if line.get_linestyle() == ":"]
    assert len(marker) == 1
    np.testing.assert_array_equal(marker[0].get_xdata(), [2, 2])
    assert "epoch 4 of 4" in draw_training_curves(Figure(), HIST)  # default: the last epoch


def test_redraw_updates_in_place_and_follows_a_growing_history():
    fig = Figure()
    for n in range(1, 5):
        partial = {k: v[:n] for k, v in HIST.items()}
        draw_training_curves(fig, partial, epoch=n)
    assert len(fig.axes) == 2
    assert len(fig.axes[0].lines) == 3          # training, validation, marker: no copies
    x, y = data(lines_by_label(fig.axes[0])["training"])
    np.testing.assert_allclose(y, HIST["loss"])
    assert fig.axes[0].get_xlim() == pytest.approx((0.5, 4.5))


def test_history_without_validation_or_metric():
    fig = Figure()
    text = draw_training_curves(fig, {"loss": [3.0, 2.0]})
    assert len(fig.axes) == 1
    assert not lines_by_label(fig.axes[0])["validation"].get_visible()
    assert "val_loss" not in text and "loss 2" in text
    assert draw_training_curves(Figure(), {"loss": []}) .startswith("waiting")


def test_history_object_and_choosing_the_metric():
    h = History()
    h.on_train_begin()
    for epoch in range(4):
        h.on_epoch_end(epoch, {k: v[epoch] for k, v in HIST.items()})
    assert history_dict(h) == HIST
    fig = Figure()
    draw_training_curves(fig, h, metric="accuracy")
    assert fig.axes[1].get_title() == "accuracy"


def test_bad_input_names_the_argument():
    with pytest.raises(TypeError, match="'history'"):
        draw_training_curves(Figure(), [1.0, 2.0])
    with pytest.raises(ValueError, match="'history'"):
        draw_training_curves(Figure(), {"accuracy": [0.5]})
    with pytest.raises(ValueError, match="'history'"):
        draw_training_curves(Figure(), {"loss": [1.0, 0.5], "val_loss": [1.0]})
    with pytest.raises(ValueError, match="'metric'"):
        draw_training_curves(Figure(), HIST, metric="mae")
    with pytest.raises(ValueError, match="'epoch'"):
        draw_training_curves(Figure(), HIST, epoch=5)
    with pytest.raises(ValueError, match="'epoch'"):
        draw_training_curves(Figure(), HIST, epoch=0)
    with pytest.raises(TypeError, match="'metric'"):
        TrainingCurves(metric=3)
    with pytest.raises(TypeError, match="'min_interval'"):
        TrainingCurves(min_interval="0.1")
    with pytest.raises(ValueError, match="'min_interval'"):
        TrainingCurves(min_interval=-1)


def small_fit(callback, epochs=5):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(80, 3))
    y = (x[:, 0] - x[:, 2] > 0).astype(np.int64)
    set_random_seed(0)
    model = Sequential([Dense(4, activation="relu", input_shape=(3,)),
                        Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=epochs, batch_size=16, validation_split=0.25, verbose=0,
                        callbacks=[callback])
    return model, history


def test_callback_redraws_after_every_epoch_and_records_what_fit_records():
    pictures = []

    class Spy(TrainingCurves):
        def on_epoch_end(self, epoch, logs=None):
            super().on_epoch_end(epoch, logs)
            pictures.append((self.widget.controls["epoch"].max, self.widget.image.value))

    curves = Spy(display=False, min_interval=0)
    _, history = small_fit(curves, epochs=5)
    assert curves.history == history.history     # fit's own History, recorded independently
    assert [m for m, _ in pictures] == [1, 2, 3, 4, 5]
    assert len({png for _, png in pictures}) == 5  # a new picture every epoch
    box = curves.widget
    assert isinstance(box, widgets.VBox) and WIDGET_CLASS in box._dom_classes
    slider = box.controls["epoch"]
    assert isinstance(slider, widgets.IntSlider) and (slider.value, slider.max) == (5, 5)
    before = box.image.value
    slider.value = 2
    assert box.image.value != before and "epoch 2 of 5" in box.readout.value
    np.testing.assert_allclose(
        lines_by_label(box.figure.axes[0])["training"].get_ydata(), history.history["loss"])


def _drawn_epochs(curves):
    """The slider's epoch at each new picture of ``curves``' explorer, from now on."""
    drawn = []
    curves.widget.image.observe(
        lambda change: drawn.append(curves.widget.controls["epoch"].value), names="value")
    return drawn


def test_callback_redraws_at_most_every_min_interval_and_always_after_the_last_epoch(
        monkeypatch):
    # A clock that moves 0.1 s per epoch of the second fit: with min_interval=0.25 the picture
    # is redrawn at the epochs 0.3 s after the last picture (3, then 6) and when training ends.
    now = {"t": 0.0, "step": 0.0}
    monkeypatch.setattr(training_module, "_clock", lambda: now["t"])

    class Ticking(TrainingCurves):
        def on_epoch_end(self, epoch, logs=None):
            now["t"] += now["step"]
            super().on_epoch_end(epoch, logs)

    curves = Ticking(display=False, min_interval=0.25)
    small_fit(curves, epochs=1)                   # builds the explorer; the clock stands still
    now["step"] = 0.1
    drawn = _drawn_epochs(curves)
    _, history = small_fit(curves, epochs=7)
    assert drawn == [1, 3, 6, 7]                  # 1: the empty panels of the new fit
    box = curves.widget
    assert box.controls["epoch"].max == 7 and "epoch 7 of 7" in box.readout.value
    np.testing.assert_allclose(
        lines_by_label(box.figure.axes[0])["training"].get_ydata(), history.history["loss"])


def test_callback_that_never_had_time_to_redraw_still_shows_the_whole_run():
    # A one-epoch second fit on a reused explorer: no redraw while training (an hour's
    # interval), one when it ends, or the picture would keep the first fit's empty panels.
    curves = TrainingCurves(display=False, min_interval=3600)
    small_fit(curves, epochs=3)
    drawn = _drawn_epochs(curves)
    _, history = small_fit(curves, epochs=1)
    assert drawn == [1, 1]                        # the empty panels, then epoch 1 of 1
    assert "epoch 1 of 1" in curves.widget.readout.value
    np.testing.assert_allclose(
        lines_by_label(curves.widget.figure.axes[0])["training"].get_ydata(),
        history.history["loss"])


def test_callback_reused_for_a_second_fit_starts_a_new_picture():
    curves = TrainingCurves(display=False)
    small_fit(curves, epochs=4)
    _, history = small_fit(curves, epochs=2)
    assert curves.history == history.history
    assert curves.widget.controls["epoch"].max == 2


def test_callback_rejects_a_metric_the_model_does_not_compute():
    with pytest.raises(ValueError, match="'metric'"):
        small_fit(TrainingCurves(metric="mae", display=False), epochs=1)


def test_plot_history_and_a_redraw_is_quick():
    fig = plot_history(HIST)
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy"]
    import matplotlib.pyplot as plt
    plt.close(fig)
    # Generous bound (a shared CI machine): a slider move redraws and renders one PNG.
    fig = Figure(figsize=(8.0, 3.0))
    draw_training_curves(fig, HIST)
    render_png(fig, dpi=72)
    start = time.process_time()
    for epoch in (1, 3, 2, 4):
        draw_training_curves(fig, HIST, epoch=epoch)
        render_png(fig, dpi=72)
    assert (time.process_time() - start) / 4 < 0.5

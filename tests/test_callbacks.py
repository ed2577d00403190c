"""Tests for course_lib.callbacks: History, EarlyStopping's rules replayed on hand-made logs,
LambdaCallback as the hook of a live plot, the progress printer, and the error messages."""
import io
import re

import numpy as np
import pytest

from course_lib.callbacks import (Callback, EarlyStopping, History, LambdaCallback,
                                  ProgbarLogger)
from course_lib.layers import Dense
from course_lib.models import Sequential
from course_lib.optimizers import SGD
from course_lib.utils import set_random_seed


class FakeModel:
    """Just what EarlyStopping touches: stop_training and the weights."""

    def __init__(self):
        self.stop_training = False
        self.w = 0

    def get_weights(self):
        return [self.w]

    def set_weights(self, weights):
        self.w = weights[0]


def replay(callback, values, key="val_loss"):
    """Feed one logged value per epoch, as fit does; return the epochs that ran."""
    model = FakeModel()
    callback.set_model(model)
    callback.on_train_begin({})
    ran = []
    for epoch, value in enumerate(values):
        model.w = epoch  # the "weights" after this epoch
        ran.append(epoch)
        callback.on_epoch_end(epoch, {key: value})
        if model.stop_training:
            break
    callback.on_train_end({})
    return ran, model


def test_early_stopping_waits_patience_epochs_without_improvement():
    # best at epoch 1; epochs 2, 3 do not improve; patience 2 stops after epoch 3
    ran, _ = replay(EarlyStopping(patience=2), [1.0, 0.5, 0.6, 0.55, 0.1])
    assert ran == [0, 1, 2, 3]


def test_early_stopping_with_patience_0_stops_at_the_first_worse_epoch():
    ran, _ = replay(EarlyStopping(), [1.0, 0.9, 0.95, 0.1])
    assert ran == [0, 1, 2]


def test_early_stopping_min_delta_needs_a_large_enough_improvement():
    # 1.0 -> 0.95 is not better by more than 0.1: one epoch without improvement, stop
    ran, _ = replay(EarlyStopping(min_delta=0.1, patience=1), [1.0, 0.95, 0.92, 0.5])
    assert ran == [0, 1]
    ran, _ = replay(EarlyStopping(min_delta=0.01, patience=1), [1.0, 0.95, 0.92, 0.95, 0.5])
    assert ran == [0, 1, 2, 3]


def test_early_stopping_auto_mode_maximises_accuracy():
    stopper = EarlyStopping(monitor="val_accuracy", patience=1)
    assert stopper.mode == "max"
    ran, _ = replay(stopper, [0.5, 0.7, 0.6, 0.65, 0.9], key="val_accuracy")
    assert ran == [0, 1, 2]
    assert stopper.best == 0.7 and stopper.best_epoch == 1 and stopper.stopped_epoch == 2


def test_early_stopping_restores_the_best_weights():
    ran, model = replay(EarlyStopping(patience=2, restore_best_weights=True),
                        [3.0, 1.0, 2.0, 2.5, 0.0])
    assert ran == [0, 1, 2, 3]
    assert model.w == 1


def test_early_stopping_restores_the_best_weights_also_without_an_early_stop():
    # Keras 3 restores in on_train_end: here patience is never exhausted, the last epoch (4)
    # is worse than epoch 1, and the weights of epoch 1 come back.
    ran, model = replay(EarlyStopping(patience=10, restore_best_weights=True),
                        [3.0, 1.0, 2.0, 2.5, 1.5])
    assert ran == [0, 1, 2, 3, 4]
    assert model.w == 1
    _, model = replay(EarlyStopping(patience=10), [3.0, 1.0, 2.0])
    assert model.w == 2  # without restore_best_weights the last weights stay


def test_early_stopping_in_fit_stops_training():
    set_random_seed(0)
    x = np.linspace(-1, 1, 20)[:, None]
    model = Sequential([Dense(1, input_shape=(1,))])
    model.compile(SGD(learning_rate=0.1), "mse")
    # the loss of a constant target under a huge min_delta never "improves"
    history = model.fit(x, 2 * x, epochs=10, verbose=0,
                        callbacks=[EarlyStopping(monitor="loss", min_delta=1e6, patience=2)])
    assert history.epoch == [0, 1, 2]


def test_early_stopping_on_a_value_that_is_not_logged_says_what_is():
    stopper = EarlyStopping(monitor="val_loss")
    stopper.set_model(FakeModel())
    stopper.on_train_begin({})
    with pytest.raises(ValueError, match="'monitor'.*'val_loss'.*loss"):
        stopper.on_epoch_end(0, {"loss": 1.0})


def test_early_stopping_bad_arguments_name_them():
    with pytest.raises(ValueError, match="'patience'"):
        EarlyStopping(patience=-1)
    with pytest.raises(ValueError, match="'mode'"):
        EarlyStopping(mode="up")
    with pytest.raises(ValueError, match="'min_delta'"):
        EarlyStopping(min_delta=-0.1)


def test_history_collects_each_epochs_logs():
    history = History()
    history.on_train_begin()
    history.on_epoch_end(0, {"loss": 2.0, "mae": 1.0})
    history.on_epoch_end(1, {"loss": 1.0, "mae": 0.5})
    assert history.history == {"loss": [2.0, 1.0], "mae": [1.0, 0.5]}
    assert history.epoch == [0, 1]


def test_lambda_callback_sees_every_epoch_and_batch_in_order():
    set_random_seed(0)
    x = np.arange(10.0)[:, None]
    events = []
    hook = LambdaCallback(
        on_train_begin=lambda logs: events.append("begin"),
        on_epoch_begin=lambda epoch, logs: events.append(f"epoch {epoch}"),
        on_batch_end=lambda batch, logs: events.append(f"batch {batch} {sorted(logs)}"),
        on_epoch_end=lambda epoch, logs: events.append(f"end {epoch} {sorted(logs)}"),
        on_train_end=lambda logs: events.append("done"))
    model = Sequential([Dense(1, input_shape=(1,))])
    model.compile("sgd", "mse", ["mae"])
    model.fit(x, x, batch_size=4, epochs=2, validation_split=0.2, verbose=0, callbacks=[hook])
    # 8 training samples in batches of 4, 4
    assert events == ["begin",
                      "epoch 0", "batch 0 ['loss', 'mae']", "batch 1 ['loss', 'mae']",
                      "end 0 ['loss', 'mae', 'val_loss', 'val_mae']",
                      "epoch 1", "batch 0 ['loss', 'mae']", "batch 1 ['loss', 'mae']",
                      "end 1 ['loss', 'mae', 'val_loss', 'val_mae']",
                      "done"]


def test_a_live_plot_hook_gets_the_growing_curve():
    set_random_seed(0)
    x = np.linspace(-1, 1, 16)[:, None]
    curve = []
    model = Sequential([Dense(1, input_shape=(1,))])
    model.compile(SGD(learning_rate=0.2), "mse")
    history = model.fit(x, 3 * x, epochs=4, verbose=0,
                        callbacks=[LambdaCallback(on_epoch_end=lambda e, logs:
                                                  curve.append(logs["loss"]))])
    assert curve == history.history["loss"]
    assert curve[-1] < curve[0]


def test_a_callback_can_stop_training():
    class StopAfterTwo(Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                self.model.stop_training = True

    model = Sequential([Dense(1, input_shape=(1,))])
    model.compile("sgd", "mse")
    history = model.fit(np.ones((4, 1)), np.ones(4), epochs=5, verbose=0,
                        callbacks=[StopAfterTwo()])
    assert history.epoch == [0, 1]


def test_callback_errors_name_the_argument():
    with pytest.raises(TypeError, match="'on_epoch_end'"):
        LambdaCallback(on_epoch_end="plot")
    model = Sequential([Dense(1, input_shape=(1,))])
    model.compile("sgd", "mse")
    with pytest.raises(TypeError, match="'callbacks'"):
        model.fit(np.ones((4, 1)), np.ones(4), verbose=0, callbacks=[print])
    with pytest.raises(ValueError, match="'verbose'"):
        ProgbarLogger(verbose=3)


def run_progbar(verbose, steps=45, interval=0.0):
    out = io.StringIO()
    bar = ProgbarLogger(verbose=verbose, interval=interval, stream=out)
    bar.set_params({"epochs": 3, "steps": steps})
    bar.on_epoch_begin(0)
    for step in range(steps):
        bar.on_train_batch_end(step, {"loss": 0.5, "accuracy": 0.25})
    bar.on_epoch_end(0, {"loss": 0.5, "accuracy": 0.25, "val_loss": 0.00012})
    return out.getvalue()


def test_progress_bar_draws_in_place_like_keras():
    text = run_progbar(1)
    assert text.startswith("Epoch 1/3\n")
    assert text.count("\n") == 2 and text.count("\r") == 46
    first = text.split("\r")[1]
    assert re.match(r" 1/45 \[>\.{29}\] - ETA: \d+s - ", first)
    assert first.endswith(" - loss: 0.5000 - accuracy: 0.2500")
    middle = text.split("\r")[22]  # step 22 of 45: 14 of 30 cells done
    assert middle.startswith("22/45 [" + "=" * 13 + ">" + "." * 16 + "]")
    last = text.split("\r")[-1]
    assert re.match(r"45/45 \[={30}\] - \d+s \d+[mu]?s/step - loss", last)
    assert last.endswith(" - loss: 0.5000 - accuracy: 0.2500 - val_loss: 1.2000e-04\n")


def test_progress_bar_is_throttled_so_a_notebook_is_not_flooded():
    text = run_progbar(1, steps=1000, interval=60.0)
    # the first step draws (it is more than 60 s after nothing), then only the final line
    assert text.count("\r") <= 2


def test_verbose_2_is_one_line_per_epoch():
    text = run_progbar(2)
    assert "\r" not in text
    lines = text.splitlines()
    assert lines[0] == "Epoch 1/3" and len(lines) == 2
    assert lines[1].startswith("45/45 - ") and "loss: 0.5000 - accuracy: 0.2500" in lines[1]

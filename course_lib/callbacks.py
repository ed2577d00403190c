"""Callbacks: code that ``fit`` runs at fixed points of training, as in ``keras.callbacks``.

``fit`` calls, in this order::

    on_train_begin(logs)
    for each epoch:   on_epoch_begin(epoch, logs)
        for each batch:   on_train_batch_begin(batch, logs); ...; on_train_batch_end(batch, logs)
        on_epoch_end(epoch, logs)      # logs = {'loss': ..., 'accuracy': ..., 'val_loss': ...}
    on_train_end(logs)

``logs`` after a batch hold the running means of the epoch so far; after an epoch they hold the
epoch's means and the validation values. A callback reaches the model as ``self.model`` and can
stop training by setting ``self.model.stop_training = True``.

A live training plot is one ``LambdaCallback``::

    curve = LambdaCallback(on_epoch_end=lambda epoch, logs: redraw(epoch, logs["loss"]))
    model.fit(x, y, epochs=20, callbacks=[curve])
"""
from __future__ import annotations

import sys
import time

import numpy as np

from ._validation import check_choice, check_int, check_nonnegative

__all__ = ["Callback", "History", "EarlyStopping", "LambdaCallback", "ProgbarLogger",
           "CallbackList"]


class Callback:
    """Base class: override the ``on_...`` methods you need; each does nothing by default."""

    def __init__(self):
        self.model = None
        self.params = {}

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = dict(params)

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_train_batch_begin(self, batch, logs=None):
        pass

    def on_train_batch_end(self, batch, logs=None):
        pass


class History(Callback):
    """Records the logs of every epoch: ``history['loss'][e]`` is the loss of epoch ``e``.

    ``fit`` returns its History; ``history.epoch`` lists the epoch numbers that ran.
    """

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)


class LambdaCallback(Callback):
    """A callback made of plain functions, e.g. ``LambdaCallback(on_epoch_end=f)``.

    ``on_epoch_begin/on_epoch_end(epoch, logs)``, ``on_batch_begin/on_batch_end(batch, logs)``
    and ``on_train_begin/on_train_end(logs)``, with the signatures of Keras' LambdaCallback.
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_batch_begin=None,
                 on_batch_end=None, on_train_begin=None, on_train_end=None):
        super().__init__()
        hooks = dict(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end,
                     on_train_batch_begin=on_batch_begin, on_train_batch_end=on_batch_end,
                     on_train_begin=on_train_begin, on_train_end=on_train_end)
        for name, hook in hooks.items():
            if hook is not None:
                if not callable(hook):
                    raise TypeError(f"LambdaCallback: argument '{name}' must be a function, "
                                    f"got {hook!r}")
                setattr(self, name, hook)


class EarlyStopping(Callback):
    """Stop training when ``monitor`` has not improved for ``patience`` epochs (Keras' rules).

    An epoch improves on the best value so far when ``value < best - min_delta`` (mode 'min') or
    ``value > best + min_delta`` (mode 'max'); mode 'auto' means 'max' for accuracies and 'min'
    otherwise. ``restore_best_weights`` puts back the weights of the best epoch when training ends
(after an early stop or after the last epoch, as Keras 3 does; Keras 2 restored them only on an
early stop).
    ``stopped_epoch`` and ``best_epoch`` say what happened.
    """

    def __init__(self, monitor="val_loss", min_delta=0.0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False):
        super().__init__()
        self.monitor = monitor
        self.min_delta = abs(check_nonnegative(min_delta, "min_delta", "EarlyStopping"))
        self.patience = check_int(patience, "patience", "EarlyStopping", minimum=0)
        self.verbose = verbose
        mode = check_choice(mode, "mode", "EarlyStopping", ("auto", "min", "max"))
        if mode == "auto":
            mode = "max" if ("acc" in monitor or "auc" in monitor) else "min"
        self.mode = mode
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights

    def _improves(self, value, reference):
        if self.mode == "min":
            return value < reference - self.min_delta
        return value > reference + self.min_delta

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best_epoch = 0
        self.best = np.inf if self.mode == "min" else -np.inf
        self.best_weights = None

    def on_epoch_end(self, epoch, logs=None):
        value = (logs or {}).get(self.monitor)
        if value is None:
            known = ", ".join(sorted(logs or {}))
            raise ValueError(f"EarlyStopping: argument 'monitor' is {self.monitor!r}, which "
                             f"training does not log; available: {known} (val_ values need "
                             f"validation_split or validation_data)")
        self.wait += 1
        if self._improves(value, self.best):
            self.best, self.best_epoch = value, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._improves(value, self.baseline):
                self.wait = 0
                return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        # As Keras 3: the best weights come back when training ends, whether it stopped early
        # or ran out of epochs.
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose:
                print(f"Restoring model weights from the end of the best epoch: "
                      f"{self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)


def _format_logs(logs):
    parts = []
    for key, value in logs.items():
        parts.append(f" - {key}: {value:.4f}" if abs(value) >= 1e-3 or value == 0
                     else f" - {key}: {value:.4e}")
    return "".join(parts)


def _format_eta(seconds):
    """Keras' ETA: ``7s``, ``2:05`` or ``1:02:05``."""
    seconds = int(seconds)
    if seconds > 3600:
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    if seconds > 60:
        return f"{seconds // 60}:{seconds % 60:02d}"
    return f"{seconds}s"


def _format_per_step(seconds):
    """Keras' time per step: ``1s``, ``12ms`` or ``350us``."""
    if seconds >= 1:
        return f"{seconds:.0f}s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms"
    return f"{seconds * 1e6:.0f}us"


class ProgbarLogger(Callback):
    """Prints training progress as Keras does; ``fit(verbose=...)`` adds one.

    verbose=1: ``Epoch 3/10`` then one line redrawn in place with ``\\r`` (at most every
    ``interval`` seconds, so a notebook is not flooded), ``12/45 [=====>....] - ETA: 1s -
    loss: 0.4312 - accuracy: 0.8750``, finished with the epoch's time and validation values.
    verbose=2: one line per epoch, without the bar.
    """

    def __init__(self, verbose=1, interval=0.1, stream=None):
        super().__init__()
        self.verbose = check_choice(str(verbose), "verbose", "ProgbarLogger", ("1", "2"))
        self.verbose = int(self.verbose)
        self.interval = interval
        self.stream = stream

    def _write(self, text):
        stream = self.stream or sys.stdout
        stream.write(text)
        stream.flush()

    def on_epoch_begin(self, epoch, logs=None):
        self.steps = self.params.get("steps", 0)
        self.start = self.last_draw = time.perf_counter()
        self._write(f"Epoch {epoch + 1}/{self.params.get('epochs', '?')}\n")

    def _bar(self, step):
        width = 30
        done = int(width * step / max(self.steps, 1))
        if step >= self.steps:
            return "=" * width
        return "=" * max(done - 1, 0) + ">" + "." * (width - max(done, 1))

    def _counter(self, step):
        digits = len(str(self.steps))
        return f"{step:>{digits}}/{self.steps}"

    def on_train_batch_end(self, batch, logs=None):
        if self.verbose != 1:
            return
        now = time.perf_counter()
        step = batch + 1
        if step < self.steps and now - self.last_draw < self.interval:
            return
        self.last_draw = now
        eta = (now - self.start) / step * (self.steps - step)
        self._write(f"\r{self._counter(step)} [{self._bar(step)}] - ETA: "
                    f"{_format_eta(eta)}{_format_logs(logs or {})}")

    def on_epoch_end(self, epoch, logs=None):
        elapsed = time.perf_counter() - self.start
        per_step = _format_per_step(elapsed / max(self.steps, 1))
        if self.verbose == 1:
            self._write(f"\r{self._counter(self.steps)} [{self._bar(self.steps)}] - "
                        f"{elapsed:.0f}s {per_step}/step{_format_logs(logs or {})}\n")
        else:
            self._write(f"{self._counter(self.steps)} - {elapsed:.0f}s"
                        f"{_format_logs(logs or {})} - {per_step}/step\n")


class CallbackList:
    """Calls every callback of a list in turn; what ``fit`` uses internally."""

    def __init__(self, callbacks, model, params):
        self.callbacks = list(callbacks)
        for cb in self.callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(f"fit: argument 'callbacks' must hold Callback objects (such "
                                f"as EarlyStopping or LambdaCallback), got {cb!r}")
            cb.set_model(model)
            cb.set_params(params)

    def __getattr__(self, hook):
        if not hook.startswith("on_"):
            raise AttributeError(hook)

        def call_all(*args):
            for cb in self.callbacks:
                getattr(cb, hook)(*args)
        return call_all

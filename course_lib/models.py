"""``Sequential``: a Keras-style model, a stack of layers trained by backpropagation.

::

    set_random_seed(0)
    model = Sequential([Dense(16, input_shape=(4,), activation="relu"),
                        Dense(3, activation="softmax")])
    model.compile(optimizer=Adam(learning_rate=0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, batch_size=32, epochs=20, validation_split=0.2)
    model.evaluate(x_test, y_test)
    model.predict(x_new)

One training step (``train_on_batch``) is the whole algorithm::

    p = model(x, training=True)                 # forward, layer by layer
    L = loss(y, p)
    grad = dL/dp                                # the loss's gradient
    for layer in reversed(model.layers):        # backward: the chain rule, layer by layer
        grad = layer.backward(grad)             # fills layer.grads
    optimizer.apply_gradients(weights, grads)   # w <- w - lr * dL/dw (or Adam's rule)

``compute_gradients(x, y)`` stops before the update and returns ``(L, grads)``, so a notebook
can look at the gradients or check them against finite differences.

When the last layer ends in softmax and the loss is categorical or sparse categorical
cross-entropy (or sigmoid with binary cross-entropy), the model does what TF-Keras does: it
uses the logits z of the last layer, with the loss ``from_logits=True`` and its gradient
``dL/dz = w_i (softmax(z) - y) / N``. That is the same derivative as the chain rule through the
softmax, but exact even where a probability rounds to 0 or 1.

Reproducibility: ``course_lib.utils.set_random_seed(seed)`` seeds the initial weights, the
shuffling in ``fit`` and the dropout masks. Float type: float32 by default, as Keras;
``set_floatx('float64')`` before building (or ``Sequential(..., dtype='float64')``) for
gradient checks.
"""
from __future__ import annotations

import functools
import math

import numpy as np

from . import losses as _losses
from . import metrics as _metrics
from . import optimizers as _optimizers
from ._validation import _describe, as_array, check_in_range, check_int
from .callbacks import CallbackList, History, ProgbarLogger
from .layers import InputLayer, Layer
from .utils import _float_dtype, get_rng, unique_name

__all__ = ["Sequential"]

# Output activation -> the losses whose gradient it can fuse with, as TF-Keras does.
_FUSED = {
    "softmax": {"categorical_crossentropy", "sparse_categorical_crossentropy"},
    "sigmoid": {"binary_crossentropy"},
}


_blas = {}


def _one_blas_thread(method):
    """Run ``method`` with BLAS on one thread.

    Mini-batch matrices are small: waking BLAS threads costs more than it saves, and on a
    shared 2-core machine busy threads made matrix products up to 100 times slower (measured).
    """
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        if "controller" not in _blas:
            from threadpoolctl import ThreadpoolController  # a scikit-learn dependency
            _blas["controller"] = ThreadpoolController()
        with _blas["controller"].limit(limits=1, user_api="blas"):
            return method(*args, **kwargs)
    return wrapper


def _check_bool(value, name, func):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{func}: argument '{name}' must be True or False, got "
                        f"{_describe(value)}")
    return bool(value)


class Sequential:
    """A linear stack of layers: ``Sequential([layer, ...])`` or ``Sequential()`` + ``add``.

    The first layer's ``input_shape`` (without the batch axis) builds the model at once, so
    ``summary()`` and ``count_params()`` work before any data is seen; otherwise the model is
    built on the first batch it gets. Keras 3's spelling, an ``Input(shape=...)`` as the first
    element, does the same: ``Sequential([Input(shape=(8,)), Dense(16)])`` is
    ``Sequential([Dense(16, input_shape=(8,))])``, with the same layers, weights and summary
    (the Input is not one of ``model.layers``, as in Keras). ``dtype`` defaults to
    ``floatx()`` ('float32').

    Automatic names count over the session, as Keras counts them: the first model is
    ``sequential`` with layers ``dense``, ``dense_1``; the next ``sequential_1`` with
    ``dense_2``, ... (``course_lib.utils.clear_session()`` starts again). Two layers of one
    model may not share a name.
    """

    def __init__(self, layers=None, name=None, dtype=None):
        # "sequential", then "sequential_1", ... over the session, as Keras names models
        self.name = unique_name("sequential") if name is None else str(name)
        self._dtype_arg = dtype
        self.dtype = None
        self.layers = []
        self._input_layer = None  # an Input(shape=...) given first, kept out of self.layers
        self.built = False
        self.input_shape = None  # with None for the batch axis, as Keras
        self.optimizer = None
        self.loss = None
        self.compiled = False
        self.stop_training = False
        self.history = None
        if layers is not None:
            if isinstance(layers, Layer) or not isinstance(layers, (list, tuple)):
                raise TypeError(f"Sequential: argument 'layers' must be a list of layers, got "
                                f"{_describe(layers)}")
            for layer in layers:
                self.add(layer)

    def __repr__(self):
        return f"<Sequential name={self.name!r}, {len(self.layers)} layers>"

    # --- structure ---------------------------------------------------------------------
    def add(self, layer):
        """Append a layer (and build it when the input shape is already known).

        An ``Input(shape=...)`` (an ``InputLayer``) is accepted only first; it builds the model
        for that shape and is not appended to ``layers``.
        """
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential.add: argument 'layer' must be a layer such as "
                            f"Dense(3), got {_describe(layer)}")
        if isinstance(layer, InputLayer):
            if self.layers or self.built:
                known = self.input_shape if self.built else "not yet known"
                raise ValueError(f"Sequential.add: argument 'layer' is an Input of shape "
                                 f"{layer.shape}, but an Input must be the model's first "
                                 f"element, once (model '{self.name}' already has "
                                 f"{len(self.layers)} layer(s); input shape {known})")
            self._input_layer = layer
            if self._dtype_arg is None and layer.dtype_arg is not None:
                self._dtype_arg = layer.dtype_arg
            self.build((None, *layer.shape))
            return
        if (self._input_layer is not None and not self.layers
                and layer.input_shape_arg not in (None, self._input_layer.shape)):
            raise ValueError(f"Sequential.add: layer '{layer.name}' has input_shape="
                             f"{layer.input_shape_arg}, but the model's Input has shape="
                             f"{self._input_layer.shape}; give the shape once, in the Input")
        if any(other.name == layer.name and other is not layer for other in self.layers):
            # as Keras 3's Sequential.add: automatic names never clash, given ones can
            raise ValueError(f"Sequential.add: argument 'layer' is named '{layer.name}', like a "
                             f"layer already in model '{self.name}'; the layers of a model "
                             f"need different names: give this one another name=..., or "
                             f"leave name out for an automatic one")
        self.layers.append(layer)
        if self.built:
            self._build_from(len(self.layers) - 1)
        elif len(self.layers) == 1 and layer.input_shape_arg is not None:
            self.build((None, *layer.input_shape_arg))

    def build(self, input_shape):
        """Create every layer's weights for inputs of ``input_shape``, e.g. ``(None, 8)``."""
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) < 2:
            raise ValueError(f"Sequential.build: argument 'input_shape' must include the batch "
                             f"axis, such as (None, 8), got {input_shape!r}")
        shape = tuple(check_int(s, "input_shape", "Sequential.build", minimum=1)
                      for s in input_shape[1:])
        self.dtype = _float_dtype(self._dtype_arg)
        self.input_shape = (None, *shape)
        self.built = True
        self._build_from(0)

    def _build_from(self, start):
        shape = self.input_shape[1:] if start == 0 else self.layers[start - 1].output_shape
        for layer in self.layers[start:]:
            layer._ensure_built(shape, self.dtype)
            shape = layer.output_shape

    @property
    def output_shape(self):
        self._require_built("output_shape")
        return (None, *self.layers[-1].output_shape)

    def _require_built(self, what):
        if not self.built or not self.layers:
            raise ValueError(f"{what}: model '{self.name}' is not built yet, so its shapes are "
                             f"unknown; give the first layer an input_shape (e.g. "
                             f"Dense(16, input_shape=(8,))) or call fit/predict on data first")

    # --- weights -----------------------------------------------------------------------
    @property
    def weights(self):
        return [w for layer in self.layers for w in layer.weights]

    @property
    def trainable_weights(self):
        return [w for layer in self.layers for w in layer.trainable_weights]

    @property
    def non_trainable_weights(self):
        return [w for layer in self.layers for w in layer.non_trainable_weights]

    def get_weights(self):
        """Copies of every layer's weights, layer after layer (as Keras orders them)."""
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        """Load a list shaped like ``get_weights()``; each layer checks its own shapes."""
        self._require_built("set_weights")
        if not isinstance(weights, (list, tuple)) or len(weights) != len(self.weights):
            n = len(weights) if isinstance(weights, (list, tuple)) else _describe(weights)
            raise ValueError(f"Sequential.set_weights: argument 'weights' must be a list of "
                             f"{len(self.weights)} arrays (as get_weights() returns), got {n}")
        start = 0
        for layer in self.layers:
            n = len(layer.weights)
            layer.set_weights(list(weights[start:start + n]))
            start += n

    def count_params(self) -> int:
        """Total number of weights, trainable and not."""
        self._require_built("count_params")
        return sum(layer.count_params() for layer in self.layers)

    def summary(self, line_length=None, positions=None, print_fn=None):
        """Print Keras' table: each layer's name (type), output shape and parameter count,
        then the total, trainable and non-trainable parameter counts. Returns None.

        ``print_fn`` receives the table line by line (default ``print``).
        """
        self._require_built("summary")
        print_fn = print if print_fn is None else print_fn
        line_length = line_length or 65
        positions = positions or [0.45, 0.85, 1.0]
        if positions[-1] <= 1:
            positions = [int(line_length * p) for p in positions]

        def row(fields):
            line = ""
            for i, field in enumerate(fields):
                if i > 0:
                    line = line[:-1] + " "  # a cut-off field still leaves one space
                line += str(field)
                line = line[:positions[i]]
                line += " " * (positions[i] - len(line))
            print_fn(line)

        print_fn(f'Model: "{self.name}"')
        print_fn("_" * line_length)
        row(["Layer (type)", "Output Shape", "Param #"])
        print_fn("=" * line_length)
        for i, layer in enumerate(self.layers):
            row([f"{layer.name} ({type(layer).__name__})", str((None, *layer.output_shape)),
                 layer.count_params()])
            print_fn(("=" if i == len(self.layers) - 1 else "_") * line_length)
        trainable = sum(w.size for w in self.trainable_weights)
        non_trainable = sum(w.size for w in self.non_trainable_weights)
        print_fn(f"Total params: {trainable + non_trainable:,}")
        print_fn(f"Trainable params: {trainable:,}")
        print_fn(f"Non-trainable params: {non_trainable:,}")
        print_fn("_" * line_length)

    # --- compile -----------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, metrics=None):
        """Choose the optimizer, the loss and the metrics to report.

        optimizer: a name ('sgd', 'rmsprop', 'adam') or an object such as ``Adam(lr=1e-3)``;
        loss: a name ('mse', 'binary_crossentropy', 'sparse_categorical_crossentropy', ...) or
        one of ``course_lib.losses``' functions; metrics: a list of names ('accuracy', 'mae',
        ...) or functions ``f(y_true, y_pred)``.
        """
        try:
            self.optimizer = _optimizers.get(optimizer)
        except (ValueError, TypeError) as exc:
            raise type(exc)(f"compile: argument 'optimizer' is not usable: {exc}") from None
        if loss is None:
            raise ValueError("compile: argument 'loss' is required, e.g. loss='mse' for "
                             "regression or loss='sparse_categorical_crossentropy' for classes")
        try:
            self.loss_fn, self.loss_gradient = _losses.get(loss)
        except (ValueError, TypeError) as exc:
            raise type(exc)(f"compile: argument 'loss' is not usable: {exc}") from None
        if self.loss_gradient is None:
            raise ValueError(f"compile: argument 'loss' is a function without a known "
                             f"gradient ({_describe(loss)}); use one of course_lib.losses' "
                             f"functions or its name")
        self.loss = self.loss_fn.__name__
        self._loss_with_gradient = _losses.with_gradient(self.loss_fn, self.loss_gradient)
        if metrics is None:
            metrics = []
        if isinstance(metrics, str) or callable(metrics):
            metrics = [metrics]
        if not isinstance(metrics, (list, tuple)):
            raise TypeError(f"compile: argument 'metrics' must be a list such as ['accuracy'], "
                            f"got {_describe(metrics)}")
        self.metrics = []
        for m in metrics:
            try:
                fn = _metrics.get(m)
            except (ValueError, TypeError) as exc:
                raise type(exc)(f"compile: argument 'metrics' is not usable: {exc}") from None
            self.metrics.append((m if isinstance(m, str) else m.__name__, fn))
        self.compiled = True

    def _require_compiled(self, func):
        if not self.compiled:
            raise RuntimeError(f"{func}: the model must be compiled before training or "
                               f"evaluating; call model.compile(optimizer='adam', loss=...) "
                               f"first")

    # --- data --------------------------------------------------------------------------
    def _inputs(self, x, func, name="x"):
        """x as an array of the model's float type, checked against the input shape."""
        x = as_array(x, name, func)
        if x.ndim == 1:
            x = x[:, None]  # N scalar samples, as Keras reads a 1-D input
        if not self.built:
            self.build((None, *x.shape[1:]))
        if x.shape[1:] != self.input_shape[1:]:
            want = self.input_shape[1:]
            raise ValueError(f"{func}: argument '{name}' has samples of shape {x.shape[1:]} "
                             f"(x.shape = {x.shape}), but the model expects input_shape="
                             f"{want}, i.e. x of shape (N, {', '.join(map(str, want))})")
        return x.astype(self.dtype, copy=False)

    def _targets(self, y, n, func, name="y"):
        """y checked against the loss and the output shape, with a plain message if it fails."""
        sparse = self.loss == "sparse_categorical_crossentropy"
        y = as_array(y, name, func, allow_int=sparse)
        if y.ndim == 0 or y.shape[0] != n:
            raise ValueError(f"{func}: argument '{name}' must hold one target per sample, "
                             f"{n} of them, got shape {y.shape}")
        out_shape = (n, *self.layers[-1].output_shape)
        if not sparse:
            y = y.astype(self.dtype, copy=False)
            if y.ndim == len(out_shape) - 1 and out_shape[-1] == 1:
                y = y[..., None]  # (N,) targets for a single output unit, as Keras
        # A valid prediction of the output's shape lets the loss check the targets with the
        # same rules (and messages) it will apply during training.
        k = out_shape[-1]
        probe = np.full(out_shape, 1.0 / k if k > 1 else 0.5, dtype=self.dtype)
        try:
            self.loss_fn(y, probe)
        except (ValueError, TypeError) as exc:
            raise type(exc)(f"{func}: argument '{name}' does not fit the loss '{self.loss}' "
                            f"and the model's output shape {self.output_shape}: {exc}") from None
        return y

    # --- forward and backward ----------------------------------------------------------
    def __call__(self, x, training=False):
        """The forward pass on a batch: ``model(x)``."""
        out = self._inputs(x, "Sequential.__call__")
        for layer in self.layers:
            out = layer.call(out, training=training)
        return out

    def _fused(self):
        """True when the last layer's activation and the loss share the fused gradient."""
        act = getattr(self.layers[-1], "activation", None)
        return self.loss in _FUSED.get(act, ())

    def _loss_and_output_grad(self, y, out, sample_weight):
        """L and dL/d(output), or dL/dz of the last layer when the gradient is fused."""
        if self._fused():
            return self._loss_with_gradient(y, self.layers[-1].z, sample_weight=sample_weight,
                                            from_logits=True)
        return self._loss_with_gradient(y, out, sample_weight=sample_weight)

    def _forward_backward(self, x, y, sample_weight):
        out = x
        for layer in self.layers:
            out = layer.call(out, training=True)
        loss, grad = self._loss_and_output_grad(y, out, sample_weight)
        last = self.layers[-1]
        grad = last.backward(grad, pre_activation=True) if self._fused() else last.backward(grad)
        for layer in reversed(self.layers[:-1]):
            grad = layer.backward(grad)
        grads = [g for layer in self.layers for g in layer.grads]
        return loss, grads, out

    def _apply_gradients(self, grads):
        """One optimizer step on the layers' own gradients (one per trainable weight, of its
        shape and dtype), so the optimizer skips re-checking the lists every batch."""
        optimizer = self.optimizer
        if type(optimizer).apply_gradients is _optimizers.Optimizer.apply_gradients:
            optimizer._step(self.trainable_weights, grads)
        else:  # a subclass with an apply_gradients of its own: it gets its say
            optimizer.apply_gradients(self.trainable_weights, grads)

    @_one_blas_thread
    def compute_gradients(self, x, y, sample_weight=None):
        """``(L, grads)`` for one batch without changing any weight.

        ``grads[i]`` is dL/dw for ``model.trainable_weights[i]``. The forward pass runs in
        training mode (dropout active, batch norm on batch statistics, and, as in Keras, the
        batch-norm moving averages updated).
        """
        func = "compute_gradients"
        self._require_compiled(func)
        x = self._inputs(x, func)
        y = self._targets(y, x.shape[0], func)
        loss, grads, _ = self._forward_backward(x, y, sample_weight)
        return loss, grads

    @_one_blas_thread
    def train_on_batch(self, x, y, sample_weight=None, class_weight=None):
        """One gradient step on one batch; returns the loss (and metrics) before the step."""
        func = "train_on_batch"
        self._require_compiled(func)
        x = self._inputs(x, func)
        y = self._targets(y, x.shape[0], func)
        w = self._sample_weights(y, sample_weight, class_weight, func)
        loss, grads, out = self._forward_backward(x, y, w)
        self._apply_gradients(grads)
        values = [m(y, out) for m in self._resolved_metrics(y, out)]
        return loss if not values else [loss, *values]

    # --- fit, evaluate, predict --------------------------------------------------------
    def _resolved_metrics(self, y, out):
        return [_metrics.resolve(fn, y.shape, out.shape, self.loss) for _, fn in self.metrics]

    def _sample_weights(self, y, sample_weight, class_weight, func):
        """Per-sample weights: ``sample_weight`` times ``class_weight[label]``, or None."""
        n = y.shape[0]
        w = None
        if sample_weight is not None:
            w = as_array(sample_weight, "sample_weight", func).astype(self.dtype)
            if w.shape not in ((n,), (n, 1)):
                raise ValueError(f"{func}: argument 'sample_weight' must hold one weight per "
                                 f"sample, shape ({n},), got {w.shape}")
            w = w.reshape(n)
        if class_weight is not None:
            class_weight = self._check_class_weight(class_weight, func)
            labels = self._class_labels(y, func)
            missing = sorted(set(np.unique(labels).tolist()) - set(class_weight))
            if missing:
                raise ValueError(f"{func}: argument 'class_weight' must give a weight to every "
                                 f"class in the targets, got keys {sorted(class_weight)} but "
                                 f"no weight for class(es) {missing}")
            cw = np.ones(max(class_weight) + 1, dtype=self.dtype)
            for label, weight in class_weight.items():
                cw[label] = weight
            w = cw[labels] if w is None else w * cw[labels]
        return w

    def _check_class_weight(self, class_weight, func):
        """``class_weight`` checked on its own: a non-empty dict {int label >= 0: weight >= 0}.

        Stricter than Keras, which turns the dict into per-sample weights without checking it:
        Keras 3 gives weight 1 to a class the dict leaves out, reads an empty dict as "no
        weights" (or fails inside TensorFlow), accepts float keys such as 1.0 and ignores keys
        no label uses. Here an empty dict, a key that is not an int (1.0, '1', True) or is
        negative, and a weight that is not a finite number >= 0 are errors.
        """
        if not isinstance(class_weight, dict):
            raise TypeError(f"{func}: argument 'class_weight' must be a dict such as "
                            f"{{0: 3.0, 1: 1.0}}, got {_describe(class_weight)}")
        if not class_weight:
            raise ValueError(f"{func}: argument 'class_weight' must give a weight to each "
                             f"class, such as {{0: 3.0, 1: 1.0}}, got an empty dict (leave it "
                             f"out, or None, for equal weights)")
        checked = {}
        for key, weight in class_weight.items():
            if isinstance(key, (bool, np.bool_)) or not isinstance(key, (int, np.integer)):
                raise TypeError(f"{func}: argument 'class_weight' must have int class labels "
                                f"as keys, such as {{0: 3.0, 1: 1.0}}, got the key "
                                f"{_describe(key)}")
            if key < 0:
                raise ValueError(f"{func}: argument 'class_weight' must have class labels >= 0 "
                                 f"as keys, got the key {int(key)}")
            if isinstance(weight, (bool, np.bool_)) or not isinstance(
                    weight, (int, float, np.integer, np.floating)):
                raise TypeError(f"{func}: argument 'class_weight' must map each class to a "
                                f"number, got {_describe(weight)} for class {int(key)}")
            if not np.isfinite(weight) or weight < 0:
                raise ValueError(f"{func}: argument 'class_weight' must map each class to a "
                                 f"finite weight >= 0, got {weight} for class {int(key)}")
            checked[int(key)] = float(weight)
        return checked

    def _class_labels(self, y, func):
        """The class of each sample for ``class_weight``: a label, a one-hot row or 0/1.

        Keras rounds float targets to the nearest int and takes the argmax of any row; here
        targets that are not class labels (regression values, rows that are not one-hot) are
        an error, since weighting "classes" of a regression means nothing.
        """
        n = y.shape[0]
        if y.ndim > 2:
            raise ValueError(f"{func}: argument 'class_weight' needs one class per sample, but "
                             f"the targets have shape {y.shape}")
        if y.ndim == 2 and y.shape[1] > 1:
            one_hot = np.all((y == 0) | (y == 1), axis=1) & (y.sum(axis=1) == 1)
            if not one_hot.all():
                i = int(np.argmin(one_hot))
                raise ValueError(f"{func}: argument 'class_weight' needs class targets (labels "
                                 f"or one-hot rows), but target row {i} is {y[i].tolist()}, "
                                 f"not one-hot; for regression targets use 'sample_weight'")
            return y.argmax(axis=1)
        flat = y.reshape(n)
        whole = flat == np.round(flat)
        if not whole.all():
            value = flat[np.argmin(whole)]
            raise ValueError(f"{func}: argument 'class_weight' needs class labels as targets "
                             f"(whole numbers 0, 1, ...), but the targets hold non-integer "
                             f"values such as {value:g} (a regression?); use 'sample_weight' to "
                             f"weigh samples instead")
        labels = flat.astype(np.int64)
        if labels.size and labels.min() < 0:
            raise ValueError(f"{func}: argument 'class_weight' needs class labels >= 0 as "
                             f"targets, got {int(labels.min())}")
        return labels

    @_one_blas_thread
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose=1, callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0):
        """Train for ``epochs`` passes over (x, y) in mini-batches; returns a ``History``.

        batch_size: default 32. validation_split: the LAST fraction of the samples (taken
        before shuffling, as Keras) is held out and evaluated after every epoch;
        validation_data: ``(x_val, y_val)`` instead. shuffle: reshuffle the training samples
        every epoch (seeded by ``set_random_seed``). class_weight: ``{label: weight}``, turned
        into per-sample weights of the loss (checked more strictly than Keras: a non-empty dict
        with an int key >= 0 for every class in the training targets, which must be class
        labels, not regression values; see ``_check_class_weight``). verbose: 0 silent, 1 a progress bar per epoch
        redrawn in place, 2 one line per epoch. callbacks: e.g. ``[EarlyStopping(...)]``.

        ``history.history`` has ``'loss'``, each metric, and their ``'val_'`` twins, one value
        per epoch; training values are means over the epoch's batches, as Keras reports them.
        """
        func = "fit"
        self._require_compiled(func)
        if x is None or y is None:
            raise ValueError("fit: arguments 'x' and 'y' are required (inputs and targets)")
        if class_weight is not None:
            self._check_class_weight(class_weight, func)  # before any work on the data
        x = self._inputs(x, func)
        y = self._targets(y, x.shape[0], func)
        if class_weight is not None:
            self._class_labels(y, func)  # all the targets, before the validation split
        batch_size = 32 if batch_size is None else check_int(batch_size, "batch_size", func,
                                                            minimum=1)
        epochs = check_int(epochs, "epochs", func, minimum=0)
        initial_epoch = check_int(initial_epoch, "initial_epoch", func, minimum=0)
        if verbose == "auto":
            verbose = 1
        if verbose not in (0, 1, 2):
            raise ValueError(f"fit: argument 'verbose' must be 0, 1 or 2, got {verbose!r}")
        shuffle = _check_bool(shuffle, "shuffle", func)
        sw = self._sample_weights(y, sample_weight, None, func)

        validation = None
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
                raise TypeError(f"fit: argument 'validation_data' must be a tuple (x_val, y_val) "
                                f"or (x_val, y_val, sample_weight_val), got "
                                f"{_describe(validation_data)}")
            validation = tuple(validation_data) + (None,) * (3 - len(validation_data))
        elif validation_split:
            check_in_range(validation_split, "validation_split", func, 0, 1,
                           high_inclusive=False)
            split = int(math.floor(x.shape[0] * (1.0 - validation_split)))
            if split == 0 or split == x.shape[0]:
                raise ValueError(f"fit: argument 'validation_split' = {validation_split} leaves "
                                 f"{split} of {x.shape[0]} samples for training; choose a "
                                 f"fraction that keeps both parts non-empty")
            validation = (x[split:], y[split:], None if sw is None else sw[split:])
            x, y = x[:split], y[:split]
            sw = None if sw is None else sw[:split]
        # class weights weigh the training samples only, as in Keras
        w = self._sample_weights(y, sw, class_weight, func)

        n = x.shape[0]
        if n == 0:
            raise ValueError("fit: argument 'x' holds no samples")
        steps = math.ceil(n / batch_size)
        history = History()
        cbs = [history] + list(callbacks or [])
        if verbose:
            cbs.insert(1, ProgbarLogger(verbose))
        cb = CallbackList(cbs, self, {"epochs": epochs, "steps": steps, "verbose": verbose})
        self.history = history
        self.stop_training = False
        rng = get_rng()
        names = [name for name, _ in self.metrics]
        metric_fns = None

        cb.on_train_begin({})
        for epoch in range(initial_epoch, epochs):
            cb.on_epoch_begin(epoch, {})
            order = rng.permutation(n) if shuffle else np.arange(n)
            totals = np.zeros(1 + len(names))
            seen = 0
            for step in range(steps):
                cb.on_train_batch_begin(step, {})
                idx = order[step * batch_size:(step + 1) * batch_size]
                xb, yb = x[idx], y[idx]
                loss, grads, out = self._forward_backward(xb, yb, None if w is None else w[idx])
                self._apply_gradients(grads)
                if metric_fns is None:
                    metric_fns = self._resolved_metrics(yb, out)
                nb = len(idx)
                totals += nb * np.array([loss, *(m(yb, out) for m in metric_fns)])
                seen += nb
                logs = dict(zip(["loss", *names], (totals / seen).tolist()))
                cb.on_train_batch_end(step, logs)
            if validation is not None:
                values = self.evaluate(*validation[:2], batch_size=batch_size, verbose=0,
                                       sample_weight=validation[2], return_dict=True)
                logs.update({f"val_{k}": v for k, v in values.items()})
            cb.on_epoch_end(epoch, logs)
            if self.stop_training:
                break
        cb.on_train_end({})
        return history

    def _predict_with_logits(self, x, batch_size):
        outs, logits = [], []
        fused = self.loss is not None and self._fused()
        for start in range(0, x.shape[0], batch_size):
            out = x[start:start + batch_size]
            for layer in self.layers:
                out = layer.call(out, training=False)
            outs.append(out)
            if fused:
                logits.append(self.layers[-1].z)
        return np.concatenate(outs), (np.concatenate(logits) if fused else None)

    @_one_blas_thread
    def predict(self, x, batch_size=None, verbose=0):
        """Outputs for ``x`` in inference mode (no dropout, batch norm on moving averages)."""
        func = "predict"
        x = self._inputs(x, func)
        batch_size = 32 if batch_size is None else check_int(batch_size, "batch_size", func,
                                                            minimum=1)
        return self._predict_with_logits(x, batch_size)[0]

    @_one_blas_thread
    def evaluate(self, x=None, y=None, batch_size=None, verbose=1, sample_weight=None,
                 return_dict=False):
        """Loss and metrics on (x, y) in inference mode.

        Returns the loss alone when no metrics were compiled, else ``[loss, metric, ...]``
        (a dict ``{'loss': ..., name: ...}`` with ``return_dict=True``). verbose=1 prints them.
        """
        func = "evaluate"
        self._require_compiled(func)
        x = self._inputs(x, func)
        y = self._targets(y, x.shape[0], func)
        batch_size = 32 if batch_size is None else check_int(batch_size, "batch_size", func,
                                                            minimum=1)
        w = self._sample_weights(y, sample_weight, None, func)
        out, logits = self._predict_with_logits(x, batch_size)
        if logits is not None:
            loss = self.loss_fn(y, logits, sample_weight=w, from_logits=True)
        else:
            loss = self.loss_fn(y, out, sample_weight=w)
        results = {"loss": float(loss)}
        for (name, _), fn in zip(self.metrics, self._resolved_metrics(y, out)):
            results[name] = float(fn(y, out))
        if verbose:
            steps = math.ceil(x.shape[0] / batch_size)
            print(f"{steps}/{steps} [{'=' * 30}] - "
                  + " - ".join(f"{k}: {v:.4f}" for k, v in results.items()))
        if return_dict:
            return results
        values = list(results.values())
        return values[0] if len(values) == 1 else values

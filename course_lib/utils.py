"""Small helpers the Keras-style models share: one-hot labels, the float type, the random seed.

Like ``keras.utils.set_random_seed`` and ``keras.config.set_floatx``, the seed and the float type
are set once for the whole library, so a notebook cell such as::

    set_random_seed(0)
    model = Sequential([Dense(3, input_shape=(2,)), Dense(1)])
    model.fit(x, y)

draws the same initial weights, the same shuffles and the same dropout masks every time it runs.
"""
from __future__ import annotations

import numpy as np

from ._validation import as_rng, check_choice, check_int, check_labels

__all__ = ["to_categorical", "set_random_seed", "floatx", "set_floatx", "get_rng",
           "clear_session"]

_FLOAT_TYPES = {"float32": np.float32, "float64": np.float64}
_state = {"floatx": "float32", "rng": np.random.default_rng(), "name_uids": {}}


def to_categorical(y, num_classes=None, dtype="float32") -> np.ndarray:
    """One-hot encode integer class labels, as ``keras.utils.to_categorical``.

    y: (N,) or any shape of whole numbers 0..K-1; returns shape ``y.shape + (K,)`` (a trailing
    axis of size 1 is dropped first, as Keras does), with ``out[..., k] = 1`` where ``y == k``.
    ``num_classes`` defaults to ``max(y) + 1``.
    """
    labels = check_labels(y, "y", "to_categorical")
    if labels.ndim > 1 and labels.shape[-1] == 1:
        labels = labels[..., 0]
    if num_classes is None:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    num_classes = check_int(num_classes, "num_classes", "to_categorical", minimum=1)
    labels = check_labels(labels, "y", "to_categorical", n_classes=num_classes)
    # one row per label, not a K x K identity to index: memory grows with N * K, not K * K
    one_hot = np.zeros(labels.shape + (num_classes,), dtype=dtype)
    np.put_along_axis(one_hot, labels[..., None], 1, axis=-1)
    return one_hot


def set_random_seed(seed: int) -> None:
    """Seed every random draw of the models: initial weights, shuffling and dropout masks.

    The course_lib counterpart of ``keras.utils.set_random_seed``. After it, re-running the
    same code gives the same numbers.
    """
    seed = check_int(seed, "seed", "set_random_seed", minimum=0)
    _state["rng"] = np.random.default_rng(seed)


def unique_name(base: str) -> str:
    """The next automatic name for a layer or model of kind ``base`` (snake case), as Keras.

    Keras 3 (``keras.src.utils.naming.uniquify``), like Keras 2 before it, counts names over
    the whole session, not per model: the first ``Dense`` built is ``dense``, the next
    ``dense_1``, then ``dense_2``, whichever model each goes into, and the counter also moves
    for a layer that is never used. :func:`clear_session` starts the count again.
    """
    count = _state["name_uids"].get(base, 0)
    _state["name_uids"][base] = count + 1
    return base if count == 0 else f"{base}_{count}"


def clear_session() -> None:
    """Forget the automatic layer and model names handed out so far, as Keras'
    ``keras.backend.clear_session()`` / ``keras.utils.clear_session()``: the next ``Dense()`` is
    named ``dense`` again and the next ``Sequential()`` ``sequential``. Weights, the seed and
    the float type are not touched."""
    _state["name_uids"] = {}


def get_rng() -> np.random.Generator:
    """The generator that layers and ``fit`` draw from (see ``set_random_seed``)."""
    return _state["rng"]


def floatx() -> str:
    """The float type new models compute in: ``'float32'`` (the default) or ``'float64'``."""
    return _state["floatx"]


def set_floatx(value: str) -> None:
    """Set the float type of models built from now on, like ``keras.config.set_floatx``.

    ``'float32'`` is fast; ``'float64'`` makes finite-difference gradient checks accurate.
    A model keeps the type it was built with.
    """
    _state["floatx"] = check_choice(value, "value", "set_floatx", tuple(_FLOAT_TYPES))


def _float_dtype(dtype=None):
    """The NumPy float type for a layer or model: ``dtype`` if given, else ``floatx()``."""
    name = floatx() if dtype is None else np.dtype(dtype).name
    return np.dtype(_FLOAT_TYPES[check_choice(name, "dtype", "course_lib", tuple(_FLOAT_TYPES))])


def _rng_for(seed):
    """A layer's own generator when it was given a seed, else the shared one."""
    return get_rng() if seed is None else as_rng(seed, "course_lib")

"""Small pre-trained networks shipped with the course, for transfer learning without downloads.

Chapter 15 reuses a convolutional network trained on the digits 0-4 for the digits 5-9. Its
weights live in ``assets/15_cnns/digits04_cnn.npz``, made by ``assets/15_cnns/make_pretrained.py``
(deterministic: the same file every run). The architecture is defined once, here, and both the
script and the notebook build it with :func:`digits_cnn`::

    Conv2D(16, 3, padding='same', relu) -> MaxPooling2D(2) -> Flatten
        -> Dense(32, relu) -> Dense(n_classes, softmax)

on ``(8, 8, 1)`` images: 160 + 0 + 0 + 4,128 + 33 * n_classes parameters.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ._validation import _describe, check_int
from .layers import Conv2D, Dense, Flatten, MaxPooling2D
from .models import Sequential

__all__ = ["ASSET_DIR", "DIGITS04_WEIGHTS", "digits_cnn", "save_weights_npz",
           "load_weights_npz", "load_pretrained_digits04"]

#: Where the chapter's shipped files are: the repository's ``assets/15_cnns`` folder.
ASSET_DIR = Path(__file__).resolve().parents[1] / "assets" / "15_cnns"
#: The weights of :func:`digits_cnn` (5 classes) trained on the digits 0-4.
DIGITS04_WEIGHTS = ASSET_DIR / "digits04_cnn.npz"


def digits_cnn(n_classes=5, filters=16, hidden=32):
    """The chapter's small CNN for ``(8, 8, 1)`` digit images, freshly initialised.

    Layers: ``Conv2D(filters, 3, padding='same', activation='relu')``, ``MaxPooling2D(2)``,
    ``Flatten()``, ``Dense(hidden, activation='relu')``, ``Dense(n_classes,
    activation='softmax')``. The weights are drawn from the shared generator
    (``course_lib.utils.set_random_seed``).
    """
    func = "digits_cnn"
    n_classes = check_int(n_classes, "n_classes", func, minimum=2)
    filters = check_int(filters, "filters", func, minimum=1)
    hidden = check_int(hidden, "hidden", func, minimum=1)
    return Sequential([
        Conv2D(filters, 3, padding="same", activation="relu", input_shape=(8, 8, 1)),
        MaxPooling2D(2),
        Flatten(),
        Dense(hidden, activation="relu"),
        Dense(n_classes, activation="softmax"),
    ])


def save_weights_npz(model, path):
    """Write ``model.get_weights()`` to the ``.npz`` file ``path`` as ``w0, w1, ...``."""
    weights = model.get_weights()
    np.savez(Path(path), **{f"w{i}": w for i, w in enumerate(weights)})


def load_weights_npz(model, path):
    """Load weights saved by :func:`save_weights_npz` into ``model`` (shapes are checked)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"load_weights_npz: argument 'path' names no file: {path}; "
                                f"make it with assets/15_cnns/make_pretrained.py")
    with np.load(path) as data:
        keys = sorted(data.files, key=lambda k: int(k[1:]))
        weights = [data[k] for k in keys]
    if not isinstance(model, Sequential):
        raise TypeError(f"load_weights_npz: argument 'model' must be a Sequential model, got "
                        f"{_describe(model)}")
    model.set_weights(weights)
    return model


def load_pretrained_digits04():
    """:func:`digits_cnn` with 5 outputs and the shipped weights, trained on the digits 0-4."""
    return load_weights_npz(digits_cnn(5), DIGITS04_WEIGHTS)

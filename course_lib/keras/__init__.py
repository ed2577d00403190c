"""A ``keras``-shaped front door to course_lib, so Keras code runs with only its imports changed.

``import keras`` becomes ``from course_lib import keras``; ``from keras.layers import Dense``
becomes ``from course_lib.keras.layers import Dense``. Everything here is a re-export of
course_lib's own modules (``layers``, ``models``, ``optimizers``, ...); nothing is computed here.
"""
from . import (activations, backend, callbacks, config, initializers, layers, losses, metrics,
               models, optimizers, utils)
from .layers import Input
from .models import Sequential

__all__ = ["activations", "backend", "callbacks", "config", "initializers", "layers", "losses",
           "metrics", "models", "optimizers", "utils", "Input", "Sequential"]

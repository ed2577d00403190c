"""``keras.layers``: the layers of course_lib.layers (and ``Input``, as ``keras.layers.Input``)."""
from ...layers import (Activation, AveragePooling2D, BatchNormalization, Conv2D, Dense, Dropout,
                       Flatten, Input, InputLayer, Layer, LeakyReLU, MaxPooling2D)

__all__ = ["Activation", "AveragePooling2D", "BatchNormalization", "Conv2D", "Dense", "Dropout",
           "Flatten", "Input", "InputLayer", "Layer", "LeakyReLU", "MaxPooling2D"]

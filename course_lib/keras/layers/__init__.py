"""``keras.layers``: the layers of course_lib.layers."""
from ...layers import (Activation, AveragePooling2D, BatchNormalization, Conv2D, Dense, Dropout,
                       Flatten, Layer, MaxPooling2D)

__all__ = ["Activation", "AveragePooling2D", "BatchNormalization", "Conv2D", "Dense", "Dropout",
           "Flatten", "Layer", "MaxPooling2D"]

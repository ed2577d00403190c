"""``keras.layers.pooling`` (Keras 2): ``from keras.layers.pooling import *``."""
from ...layers import AveragePooling2D, MaxPooling2D

MaxPool2D, AvgPool2D = MaxPooling2D, AveragePooling2D  # Keras' short aliases

__all__ = ["AveragePooling2D", "AvgPool2D", "MaxPool2D", "MaxPooling2D"]

"""``keras.layers.convolutional`` (Keras 2): ``from keras.layers.convolutional import *``."""
from ...layers import Conv2D

Convolution2D = Conv2D  # the Keras 1 name

__all__ = ["Conv2D", "Convolution2D"]

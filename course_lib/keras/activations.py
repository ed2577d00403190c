"""``keras.activations``."""
from ..activations import elu, get, leaky_relu, linear, relu, sigmoid, softmax, tanh

__all__ = ["elu", "get", "leaky_relu", "linear", "relu", "sigmoid", "softmax", "tanh"]

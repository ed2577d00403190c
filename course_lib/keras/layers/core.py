"""``keras.layers.core`` (Keras 2): the core layers."""
from ...layers import Activation, Dense, Dropout, Flatten

__all__ = ["Activation", "Dense", "Dropout", "Flatten"]

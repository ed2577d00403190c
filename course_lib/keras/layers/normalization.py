"""``keras.layers.normalization`` (Keras 2)."""
from ...layers import BatchNormalization

__all__ = ["BatchNormalization"]

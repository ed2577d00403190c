"""``keras.layers.advanced_activations`` (Keras 2): ``LeakyReLU``."""
from ...layers import LeakyReLU

__all__ = ["LeakyReLU"]

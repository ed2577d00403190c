"""``keras.config`` (Keras 3): the float type."""
from ..utils import floatx, set_floatx

__all__ = ["floatx", "set_floatx"]

"""``keras.backend`` (Keras 2): the float type and the fuzz factor."""
from ..losses import EPSILON
from ..utils import floatx, set_floatx


def epsilon() -> float:
    """The fuzz factor that keeps logs and divisions finite, 1e-7 as in Keras."""
    return EPSILON


__all__ = ["epsilon", "floatx", "set_floatx"]

"""``keras.backend`` (Keras 2): the float type, the fuzz factor and ``clear_session``."""
from ..losses import EPSILON
from ..utils import clear_session, floatx, set_floatx


def epsilon() -> float:
    """The fuzz factor that keeps logs and divisions finite, 1e-7 as in Keras."""
    return EPSILON


__all__ = ["clear_session", "epsilon", "floatx", "set_floatx"]

"""``keras.optimizers``: SGD, RMSprop and Adam (``lr=`` accepted as the older spelling)."""
from ..optimizers import SGD, Adam, Optimizer, RMSprop, get

__all__ = ["SGD", "Adam", "Optimizer", "RMSprop", "get"]

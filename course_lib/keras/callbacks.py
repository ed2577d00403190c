"""``keras.callbacks``."""
from ..callbacks import Callback, EarlyStopping, History, LambdaCallback, ProgbarLogger

__all__ = ["Callback", "EarlyStopping", "History", "LambdaCallback", "ProgbarLogger"]

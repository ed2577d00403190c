"""``keras.utils``: one-hot encoding and the global random seed."""
from ..utils import set_random_seed, to_categorical

__all__ = ["set_random_seed", "to_categorical"]

"""``keras.utils``: one-hot encoding, the global random seed and ``clear_session``."""
from ..utils import clear_session, set_random_seed, to_categorical

__all__ = ["clear_session", "set_random_seed", "to_categorical"]

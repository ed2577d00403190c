"""``keras.losses``: the losses of course_lib.losses."""
from ..losses import (binary_crossentropy, categorical_crossentropy, get, mae, mape,
                      mean_absolute_error, mean_absolute_percentage_error, mean_squared_error,
                      mse, sparse_categorical_crossentropy)

__all__ = ["binary_crossentropy", "categorical_crossentropy", "get", "mae", "mape",
           "mean_absolute_error", "mean_absolute_percentage_error", "mean_squared_error", "mse",
           "sparse_categorical_crossentropy"]

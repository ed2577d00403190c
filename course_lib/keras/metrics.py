"""``keras.metrics``: the accuracies and errors of course_lib.metrics, and (as in Keras 2) the
cross-entropy losses under their metric names."""
from ..losses import (binary_crossentropy, categorical_crossentropy,
                      sparse_categorical_crossentropy)
from ..metrics import (binary_accuracy, categorical_accuracy, get, mae, mape,
                       mean_absolute_error, mean_absolute_percentage_error, mean_squared_error,
                       mse, sparse_categorical_accuracy)

__all__ = ["binary_accuracy", "binary_crossentropy", "categorical_accuracy",
           "categorical_crossentropy", "get", "mae", "mape", "mean_absolute_error",
           "mean_absolute_percentage_error", "mean_squared_error", "mse",
           "sparse_categorical_accuracy", "sparse_categorical_crossentropy"]

"""Reference computations the tests compare course_lib against, written only for the tests."""
import numpy as np


def centred_differences(f, x, eps=1e-6):
    """dL/dx by centred differences, (f(x + eps e_i) - f(x - eps e_i)) / (2 eps) for each entry.

    ``f()`` takes no argument and reads ``x`` (a float array, usually float64) as it stands:
    each entry is nudged in place and put back, so ``f`` may reach ``x`` through a layer's
    weights or a closure.
    """
    grad = np.zeros(x.shape, dtype=np.float64)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = f()
        x[i] = old - eps
        down = f()
        x[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad

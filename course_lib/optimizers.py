"""Gradient-descent optimizers with Keras' update rules: SGD (with momentum), RMSprop, Adam.

Training repeats one step: compute the gradient ``g = dL/dw`` of the loss for every weight
array ``w``, then let the optimizer move ``w`` a little downhill. Plain gradient descent moves
by ``-lr * g``; the others keep a memory of past gradients ("slot variables": velocities and
moments) to move faster along steady directions and more carefully along noisy or steep ones.

All three share the same interface::

    opt = Adam(learning_rate=0.001)            # Adam(lr=0.001) is the older spelling
    for step in range(n_steps):
        grads = compute_gradients(params)      # one array per parameter, same shapes
        opt.apply_gradients(params, grads)     # updates the arrays in ``params`` IN PLACE
    opt.iterations                             # how many updates were applied

Call ``apply_gradients`` once per training step with ALL the trainable arrays: ``iterations``
counts calls, and Adam's bias correction and the ``decay`` schedule depend on it.

Learning-rate decay (the Keras 2 ``decay=`` argument, kept because older code uses it): the
learning rate used for the update number ``t`` (``t = iterations`` before the update, so the
first update has ``t = 0``) is::

    lr_t = learning_rate / (1 + decay * t)

With ``decay=0`` (the default) the learning rate stays constant.
"""
from __future__ import annotations

import math

import numpy as np

from ._validation import (_describe, check_finite, check_in_range, check_nonnegative,
                          check_positive)

__all__ = ["Optimizer", "SGD", "RMSprop", "Adam", "get"]


def _check_bool(value, name: str, func: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{func}: argument '{name}' must be True or False, got "
                        f"{_describe(value)}")
    return bool(value)


class Optimizer:
    """What SGD, RMSprop and Adam share: the learning rate, its decay, the step counter, the
    slot variables and the checks on ``apply_gradients``. Subclasses write ``_update``."""

    _default_learning_rate = 0.01

    def __init__(self, learning_rate=None, decay=0.0, *, lr=None):
        name = type(self).__name__
        if learning_rate is not None and lr is not None:
            raise TypeError(f"{name}: give the learning rate once, as 'learning_rate' (or as "
                            f"its older spelling 'lr'), not both: got learning_rate="
                            f"{learning_rate!r} and lr={lr!r}")
        if learning_rate is None:
            learning_rate = lr if lr is not None else self._default_learning_rate
            arg = "lr" if lr is not None else "learning_rate"
        else:
            arg = "learning_rate"
        self._learning_rate = float(check_positive(learning_rate, arg, name))
        self.decay = float(check_nonnegative(decay, "decay", name))
        self.iterations = 0
        # Slot variables per parameter array, keyed by id(array). The array itself is kept in
        # the entry so that its id cannot be reused by another array while we remember it.
        self._slots: dict[int, tuple[np.ndarray, dict[str, np.ndarray]]] = {}

    # The learning rate can be changed between steps (callbacks such as ReduceLROnPlateau do);
    # ``lr`` is the Keras 2 name for the same value.
    @property
    def learning_rate(self) -> float:
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self._learning_rate = float(check_positive(value, "learning_rate", type(self).__name__))

    @property
    def lr(self) -> float:
        return self._learning_rate

    @lr.setter
    def lr(self, value):
        self._learning_rate = float(check_positive(value, "lr", type(self).__name__))

    @property
    def current_learning_rate(self) -> float:
        """The learning rate the next update will use: ``lr / (1 + decay * iterations)``."""
        return self._learning_rate / (1.0 + self.decay * self.iterations)

    def get_config(self) -> dict:
        """The constructor arguments, as a dict: ``type(opt)(**opt.get_config())`` (without
        ``'name'``) builds a fresh optimizer with the same settings."""
        return {"name": type(self).__name__.lower(), "learning_rate": self._learning_rate,
                "decay": self.decay}

    @classmethod
    def from_config(cls, config: dict):
        """A fresh optimizer (no slots, ``iterations == 0``) from ``get_config()``'s dict."""
        config = {k: v for k, v in config.items() if k != "name"}
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "name")
        return f"{type(self).__name__}({args})"

    def _slot(self, param: np.ndarray, name: str) -> np.ndarray:
        """The slot ``name`` of ``param``, created as zeros of its shape and dtype on first use."""
        entry = self._slots.get(id(param))
        if entry is None or entry[0] is not param:
            entry = (param, {})
            self._slots[id(param)] = entry
        slots = entry[1]
        if name not in slots:
            slots[name] = np.zeros_like(param)
        return slots[name]

    def _check(self, params, grads) -> list[np.ndarray]:
        """Validate everything before touching anything, so a bad call changes no weight."""
        func = f"{type(self).__name__}.apply_gradients"
        for arg, value in (("params", params), ("grads", grads)):
            if isinstance(value, np.ndarray) or not isinstance(value, (list, tuple)):
                raise TypeError(f"{func}: argument '{arg}' must be a list of arrays (one per "
                                f"parameter; wrap a single array as [w]), got "
                                f"{_describe(value)}")
        if len(params) != len(grads):
            raise ValueError(f"{func}: arguments 'params' and 'grads' must have the same length "
                             f"(one gradient per parameter), got {len(params)} parameters and "
                             f"{len(grads)} gradients")
        checked = []
        for i, (param, grad) in enumerate(zip(params, grads)):
            if not isinstance(param, np.ndarray):
                raise TypeError(f"{func}: argument 'params[{i}]' must be a NumPy array (it is "
                                f"updated in place), got {_describe(param)}")
            if not np.issubdtype(param.dtype, np.floating):
                raise TypeError(f"{func}: argument 'params[{i}]' must be a floating-point array "
                                f"(float32 or float64), got dtype {param.dtype}")
            if not param.flags.writeable:
                raise ValueError(f"{func}: argument 'params[{i}]' is read-only and cannot be "
                                 f"updated in place")
            if isinstance(grad, (str, bytes)) or grad is None:
                raise TypeError(f"{func}: argument 'grads[{i}]' must be an array, got "
                                f"{_describe(grad)}")
            try:
                g = np.asarray(grad)
            except (ValueError, TypeError):
                raise TypeError(f"{func}: argument 'grads[{i}]' must be an array with a regular "
                                f"shape, got {_describe(grad)}") from None
            if not (np.issubdtype(g.dtype, np.number) or g.dtype == np.bool_):
                raise TypeError(f"{func}: argument 'grads[{i}]' must contain numbers, got "
                                f"dtype {g.dtype}")
            if g.shape != param.shape:
                raise ValueError(f"{func}: argument 'grads[{i}]' must have the shape of "
                                 f"params[{i}], {param.shape}, got {g.shape}")
            checked.append(g)
        return checked

    def apply_gradients(self, params, grads) -> None:
        """One update step: move every array in ``params`` against its gradient, IN PLACE.

        ``params``: list of float arrays (the model's weights, modified in place);
        ``grads``: list of arrays of the same shapes, ``grads[i] = dL/dparams[i]``.
        Slot variables are created on first sight of each array, with its shape and dtype,
        and belong to that array object: to load new weights, copy into the arrays
        (``w[...] = new``) rather than replacing them, or their history starts afresh.
        Increments ``iterations`` by one.
        """
        self._step(params, self._check(params, grads))

    def _step(self, params, grads) -> None:
        """The update of ``apply_gradients`` once the lists are known to match (``fit`` calls it
        directly with its layers' gradients): a gradient holding NaN or infinity is still
        refused before any weight moves."""
        func = f"{type(self).__name__}.apply_gradients"
        # Computed in the parameter's dtype, as Keras does: float32 weights stay float32.
        grads = [g.astype(w.dtype, copy=False) for w, g in zip(params, grads)]
        for i, g in enumerate(grads):
            check_finite(g, f"grads[{i}]", func)
        self._begin_step()
        lr_t = self.current_learning_rate
        for param, g in zip(params, grads):
            self._update(param, g, lr_t)
        self.iterations += 1

    def _begin_step(self) -> None:
        """Work shared by all parameters of one step (none for most optimizers)."""

    def _update(self, param: np.ndarray, g: np.ndarray, lr: float) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum (Keras' ``SGD``).

    Without momentum: ``w <- w - lr * g``.

    With momentum ``mu`` the optimizer keeps a velocity ``v`` (zeros at first), an exponentially
    decaying sum of past steps, so that steps along a consistent direction build up speed while
    gradients that flip sign cancel out::

        v <- mu * v - lr * g
        w <- w + v

    Nesterov momentum looks one step ahead: it applies the velocity's next move to the current
    gradient step, ``w <- w + mu * v - lr * g`` (with the updated ``v``).

    Args: ``learning_rate`` (> 0, default 0.01; ``lr`` is the older spelling), ``momentum`` in
    [0, 1] (default 0), ``nesterov`` (bool), ``decay`` >= 0 (see the module docstring).
    """

    _default_learning_rate = 0.01

    def __init__(self, learning_rate=None, momentum=0.0, nesterov=False, decay=0.0, *, lr=None):
        super().__init__(learning_rate, decay, lr=lr)
        self.momentum = float(check_in_range(momentum, "momentum", "SGD", 0.0, 1.0))
        self.nesterov = _check_bool(nesterov, "nesterov", "SGD")

    def get_config(self) -> dict:
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}

    def _update(self, w, g, lr):
        if self.momentum == 0.0:
            w -= lr * g
            return
        mu = self.momentum
        v = self._slot(w, "velocity")
        v[...] = mu * v - lr * g
        if self.nesterov:
            w += mu * v - lr * g
        else:
            w += v


class RMSprop(Optimizer):
    """RMSprop (Hinton, 2012): divide each gradient by a running root-mean-square of its size.

    Every weight gets its own step size: where gradients are large the steps shrink, where
    they are small the steps grow. With a running mean ``s`` (zeros at first) of the squared
    gradients::

        s <- rho * s + (1 - rho) * g**2
        w <- w - lr * g / (sqrt(s) + epsilon)

    ``epsilon`` only prevents a division by zero. (Keras 2 puts it outside the square root, as
    here; Keras 3 writes ``sqrt(s + epsilon)``. They differ only while ``s`` is of the order of
    ``epsilon``, that is for gradients of about 1e-4 or smaller.)

    With ``momentum`` > 0, as in Keras, the scaled step is accumulated in a velocity ``m``::

        m <- momentum * m + lr * g / (sqrt(s) + epsilon)
        w <- w - m

    Args: ``learning_rate`` (> 0, default 0.001; ``lr`` is the older spelling), ``rho`` in
    [0, 1) (default 0.9), ``momentum`` in [0, 1] (default 0), ``epsilon`` > 0 (default 1e-7),
    ``decay`` >= 0.
    """

    _default_learning_rate = 0.001

    def __init__(self, learning_rate=None, rho=0.9, momentum=0.0, epsilon=1e-7, decay=0.0, *,
                 lr=None):
        super().__init__(learning_rate, decay, lr=lr)
        self.rho = float(check_in_range(rho, "rho", "RMSprop", 0.0, 1.0, high_inclusive=False))
        self.momentum = float(check_in_range(momentum, "momentum", "RMSprop", 0.0, 1.0))
        self.epsilon = float(check_positive(epsilon, "epsilon", "RMSprop"))

    def get_config(self) -> dict:
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum,
                "epsilon": self.epsilon}

    def _update(self, w, g, lr):
        rho = self.rho
        s = self._slot(w, "mean_square")
        s[...] = rho * s + (1 - rho) * g * g
        step = lr * g / (np.sqrt(s) + self.epsilon)
        if self.momentum > 0:
            m = self._slot(w, "momentum")
            m[...] = self.momentum * m + step
            w -= m
        else:
            w -= step


class Adam(Optimizer):
    """Adam (Kingma and Ba, 2014): momentum plus RMSprop, with a bias correction.

    ``m`` is a running mean of the gradients (the direction), ``v`` a running mean of their
    squares (their size); both start at zero. For the update number ``t = iterations + 1``::

        m <- beta_1 * m + (1 - beta_1) * g
        v <- beta_2 * v + (1 - beta_2) * g**2
        lr_t = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)
        w <- w - lr_t * m / (sqrt(v) + epsilon)

    Because ``m`` and ``v`` start at zero they are too small during the first steps
    (``m`` is ``(1 - beta_1**t)`` times the true mean); ``lr_t`` corrects for both at once. On
    the first step it makes the move ``lr * g / (|g| + epsilon)``, about ``lr`` per weight
    whatever the size of the gradient.

    ``amsgrad=True`` (Reddi et al., 2018) divides by the largest ``v`` seen so far,
    ``v_hat <- max(v_hat, v)``, so that a weight's step size can only shrink.

    Args: ``learning_rate`` (> 0, default 0.001; ``lr`` is the older spelling), ``beta_1`` and
    ``beta_2`` in [0, 1) (defaults 0.9, 0.999), ``epsilon`` > 0 (default 1e-7), ``decay`` >= 0,
    ``amsgrad`` (bool).
    """

    _default_learning_rate = 0.001

    def __init__(self, learning_rate=None, beta_1=0.9, beta_2=0.999, epsilon=1e-7, decay=0.0,
                 amsgrad=False, *, lr=None):
        super().__init__(learning_rate, decay, lr=lr)
        self.beta_1 = float(check_in_range(beta_1, "beta_1", "Adam", 0.0, 1.0,
                                           high_inclusive=False))
        self.beta_2 = float(check_in_range(beta_2, "beta_2", "Adam", 0.0, 1.0,
                                           high_inclusive=False))
        self.epsilon = float(check_positive(epsilon, "epsilon", "Adam"))
        self.amsgrad = _check_bool(amsgrad, "amsgrad", "Adam")

    def get_config(self) -> dict:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon, "amsgrad": self.amsgrad}

    def _begin_step(self) -> None:
        # The bias correction is the same for every parameter of this step.
        t = self.iterations + 1
        self._correction = math.sqrt(1 - self.beta_2 ** t) / (1 - self.beta_1 ** t)

    def _update(self, w, g, lr):
        b1, b2 = self.beta_1, self.beta_2
        m = self._slot(w, "m")
        v = self._slot(w, "v")
        m[...] = b1 * m + (1 - b1) * g
        v[...] = b2 * v + (1 - b2) * g * g
        if self.amsgrad:
            v_hat = self._slot(w, "v_hat")
            np.maximum(v_hat, v, out=v_hat)
            v = v_hat
        lr_t = lr * self._correction
        w -= lr_t * m / (np.sqrt(v) + self.epsilon)


_REGISTRY = {"sgd": SGD, "rmsprop": RMSprop, "adam": Adam}


def get(name_or_optimizer):
    """An optimizer from its name, as in ``model.compile(optimizer='adam')``.

    ``'sgd'``, ``'rmsprop'`` and ``'adam'`` (any capitalisation) give a fresh optimizer with
    Keras' default settings; an optimizer object passes through unchanged (keeping its state).
    """
    if isinstance(name_or_optimizer, Optimizer):
        return name_or_optimizer
    if not isinstance(name_or_optimizer, str):
        raise TypeError(f"get: argument 'name_or_optimizer' must be an optimizer name or an "
                        f"optimizer object such as Adam(), got {_describe(name_or_optimizer)}")
    cls = _REGISTRY.get(name_or_optimizer.lower())
    if cls is None:
        known = ", ".join(repr(k) for k in _REGISTRY)
        raise ValueError(f"get: argument 'name_or_optimizer' must be one of {known}, got "
                         f"{name_or_optimizer!r}")
    return cls()

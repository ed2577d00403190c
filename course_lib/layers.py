"""Keras-style layers, each a forward pass (``call``) and a backward pass (``backward``).

A layer maps a batch ``x`` to a batch ``y``. Shapes are written with the batch axis ``N`` first,
as in Keras; ``input_shape`` (given to the first layer of a model) leaves ``N`` out.

Forward: ``y = layer(x, training=False)`` builds the weights on the first call (from the shape
of ``x``), then runs ``call``, which keeps what the backward pass needs.

Backward: ``dx = layer.backward(dy)`` takes ``dy = dL/dy`` for the batch of the last forward
pass, returns ``dx = dL/dx`` and fills ``layer.grads`` with ``dL/dw`` for every array of
``layer.trainable_weights``, in the same order. The chain rule, one layer at a time, is all
backpropagation is::

    for layer in reversed(model.layers):
        grad = layer.backward(grad)

Weights are NumPy arrays owned by the layer; optimizers update them in place, ``get_weights``
returns copies and ``set_weights`` copies values in, checking the shapes.

Layers that take ``activation=`` compute ``y = g(z)`` with ``z`` the weighted sum (kept as
``layer.z``). Their ``backward(dy, pre_activation=True)`` accepts ``dL/dz`` directly: a model
uses it for the fused softmax + cross-entropy gradient ``(p - y) / N``.
"""
from __future__ import annotations

import difflib
import numbers
import re

import numpy as np

from . import activations as _activations
from . import convolution as _conv
from . import initializers as _initializers
from ._validation import _describe, as_pair, check_choice, check_in_range, check_int
from .utils import _float_dtype, _rng_for, floatx, get_rng, unique_name

__all__ = ["Layer", "Dense", "Conv2D", "MaxPooling2D", "AveragePooling2D", "Flatten",
           "Dropout", "BatchNormalization", "Activation", "LeakyReLU", "InputLayer", "Input"]


def _snake_case(name: str) -> str:
    """Keras' automatic layer names: ``MaxPooling2D`` -> ``max_pooling2d``."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def _check_shape_arg(shape, name, func):
    """An ``input_shape`` such as ``(8,)`` or ``(28, 28, 1)``: a tuple of positive ints."""
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)) or not shape:
        raise TypeError(f"{func}: argument '{name}' must be a tuple of sizes without the batch "
                        f"axis, such as (8,) or (28, 28, 1), got {_describe(shape)}")
    return tuple(check_int(s, name, func, minimum=1) for s in shape)


def _check_initializer(value, name, func):
    """An initializer argument (a name such as 'he_normal', or a function), checked at once.

    Keras also rejects an unknown name when the layer is constructed ("Could not interpret
    initializer identifier"); this message lists the names that would work instead.
    """
    try:
        _initializers.get(value)
    except TypeError:
        raise TypeError(f"{func}: argument '{name}' must be an initializer name such as "
                        f"'glorot_uniform' or a function f(shape, random_state, dtype), got "
                        f"{_describe(value)}") from None
    except ValueError:
        known = list(_initializers._REGISTRY)
        close = ([k for k in known if k.startswith(value.lower())]
                 or difflib.get_close_matches(value, known, n=2))
        hint = f" (did you mean {' or '.join(map(repr, close))}?)" if close else ""
        raise ValueError(f"{func}: argument '{name}' must be one of "
                         f"{', '.join(map(repr, known))} or a function, got {value!r}"
                         f"{hint}") from None
    return value


class Layer:
    """What every layer shares: its name, its weights and their gradients, its shapes.

    Subclasses create their weights in ``build(input_shape)`` with ``add_weight``, compute
    ``call(x, training)`` and ``backward(grad_out)``, and say their ``compute_output_shape``.
    """

    def __init__(self, *, input_shape=None, name=None, trainable=True, **kwargs):
        cls = type(self).__name__
        if "input_dim" in kwargs:  # Keras 2 spelling: Dense(8, input_dim=4)
            input_shape = (kwargs.pop("input_dim"),)
        if kwargs:
            raise TypeError(f"{cls}: unknown keyword argument(s) {', '.join(map(repr, kwargs))}")
        # numbered over the session, as Keras names layers (course_lib.utils.unique_name)
        self.name = name if name is not None else unique_name(_snake_case(cls))
        self.trainable = trainable
        self.input_shape_arg = (None if input_shape is None
                                else _check_shape_arg(input_shape, "input_shape", cls))
        self.built = False
        self.dtype = None
        self.input_shape = None  # without the batch axis, known once built
        self.output_shape = None
        self._trainable_names = []
        self._non_trainable_names = []
        self.grads = []

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r}>"

    # --- weights -----------------------------------------------------------------------
    def add_weight(self, name, shape, initializer, trainable=True, seed=None):
        """Create the array ``self.<name>`` of ``shape``, drawn by ``initializer``."""
        init = _initializers.get(initializer)
        value = init(tuple(shape), random_state=_rng_for(seed), dtype=self.dtype)
        setattr(self, name, np.ascontiguousarray(value, dtype=self.dtype))
        (self._trainable_names if trainable else self._non_trainable_names).append(name)
        return getattr(self, name)

    @property
    def trainable_weights(self):
        """Arrays the optimizer updates (none when ``layer.trainable`` is False)."""
        if not self.trainable:
            return []
        return [getattr(self, n) for n in self._trainable_names]

    @property
    def non_trainable_weights(self):
        """Arrays the optimizer never touches, e.g. batch norm's moving mean and variance."""
        frozen = [] if self.trainable else self._trainable_names
        return [getattr(self, n) for n in frozen + self._non_trainable_names]

    @property
    def weights(self):
        """Every weight array: the trainable ones first, as in Keras."""
        return [getattr(self, n) for n in self._trainable_names + self._non_trainable_names]

    def get_weights(self):
        """Copies of ``weights``, a list of arrays."""
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        """Copy ``weights`` (a list of arrays shaped as ``get_weights()``) into the layer."""
        func = f"{self.name}.set_weights"
        current = self.weights
        if not isinstance(weights, (list, tuple)) or len(weights) != len(current):
            n = len(weights) if isinstance(weights, (list, tuple)) else _describe(weights)
            raise ValueError(f"{func}: argument 'weights' must be a list of {len(current)} "
                             f"arrays with shapes {[w.shape for w in current]}, got {n}")
        new = [np.asarray(w) for w in weights]
        for i, (w, v) in enumerate(zip(current, new)):
            if w.shape != v.shape:
                raise ValueError(f"{func}: argument 'weights[{i}]' must have shape {w.shape} "
                                 f"for layer '{self.name}', got {v.shape}")
        for w, v in zip(current, new):
            w[...] = v  # in place, so the optimizer keeps tracking the same arrays

    def count_params(self) -> int:
        """Number of weights (trainable or not), as Keras counts them."""
        if not self.built:
            raise ValueError(f"count_params: layer '{self.name}' is not built yet; give the "
                             f"first layer an input_shape or call the layer on data first")
        return int(sum(w.size for w in self.weights))

    # --- shapes and building -------------------------------------------------------------
    def compute_output_shape(self, input_shape):
        """Shape of the output, without the batch axis, for an input of ``input_shape``."""
        return tuple(input_shape)

    def build(self, input_shape):
        """Create the weights for inputs of ``input_shape`` (without the batch axis)."""

    def _ensure_built(self, input_shape, dtype=None):
        input_shape = tuple(int(s) for s in input_shape)
        if self.built:
            if input_shape != self.input_shape:
                raise ValueError(f"{self.name}: this layer was built for inputs of shape "
                                 f"{(None, *self.input_shape)}, got {(None, *input_shape)}")
            return
        self.dtype = _float_dtype(dtype)
        self.input_shape = input_shape
        self.output_shape = tuple(self.compute_output_shape(input_shape))
        self.build(input_shape)
        self.built = True

    def __call__(self, x, training=False):
        """Forward pass on a batch; builds the layer on first use (float type: ``floatx()``)."""
        if isinstance(x, InputLayer):
            raise TypeError(f"{self.name}: calling a layer on Input(...) is Keras' functional "
                            f"API, which course_lib does not implement; put the Input first in "
                            f"a Sequential instead: Sequential([Input(shape=...), ...])")
        x = np.asarray(x)
        if x.ndim < 1:
            raise ValueError(f"{self.name}: argument 'x' must be a batch with the samples along "
                             f"axis 0, got a scalar")
        self._ensure_built(x.shape[1:], self.dtype or floatx())
        if x.shape[1:] != self.input_shape:
            raise ValueError(f"{self.name}: argument 'x' must have shape (N, "
                             f"{', '.join(map(str, self.input_shape))}), got {x.shape}")
        return self.call(x.astype(self.dtype, copy=False), training=training)

    def call(self, x, training=False):
        raise NotImplementedError

    def backward(self, grad_out):
        raise NotImplementedError


class _WithActivation(Layer):
    """A layer that ends with ``y = g(z)``; it keeps ``z`` (``self.z``) and ``y`` (``self.y``)."""

    def __init__(self, activation=None, **kwargs):
        super().__init__(**kwargs)
        try:
            self.g, self.g_derivative = _activations.get(activation)
        except (ValueError, TypeError) as exc:
            raise type(exc)(f"{type(self).__name__}: argument 'activation' is not known: "
                            f"{exc}") from None
        self.activation = self.g.__name__

    def activate(self, z):
        self.z = z
        self.y = z if self.activation == "linear" else self.g(z)
        return self.y

    def activation_backward(self, grad_out):
        """dL/dz from dL/dy: ``dy * g'(z)``, or the softmax vector-Jacobian product."""
        if self.activation == "linear":
            return grad_out
        if self.activation == "softmax":
            return _activations.softmax_backward(grad_out, self.y)
        return grad_out * self.g_derivative(self.z)


class Dense(_WithActivation):
    """Fully connected layer: ``y = activation(x @ kernel + bias)``.

    x: (N, ..., d_in) -> y: (N, ..., units); kernel: (d_in, units), bias: (units,). On inputs
    with more than two axes it acts on the last one, as Keras does. Backward, with
    ``dz = dL/dz`` flattened to (M, units) and x to (M, d_in)::

        dkernel = x^T @ dz     dbias = sum of dz over the rows     dx = dz @ kernel^T

    ``kernel_initializer`` / ``bias_initializer``: a name from ``course_lib.initializers`` or a
    function; an unknown name fails here, at construction (as in Keras), listing the known
    ones. Keras also takes initializer objects and config dicts; course_lib does not.
    """

    def __init__(self, units, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", **kwargs):
        super().__init__(activation=activation, **kwargs)
        self.units = check_int(units, "units", "Dense", minimum=1)
        self.use_bias = use_bias
        self.kernel_initializer = _check_initializer(kernel_initializer, "kernel_initializer",
                                                     "Dense")
        self.bias_initializer = _check_initializer(bias_initializer, "bias_initializer", "Dense")

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def build(self, input_shape):
        self.add_weight("kernel", (input_shape[-1], self.units), self.kernel_initializer)
        if self.use_bias:
            self.add_weight("bias", (self.units,), self.bias_initializer)

    def call(self, x, training=False):
        self.x = x
        z = (x.reshape(-1, x.shape[-1]) @ self.kernel).reshape(*x.shape[:-1], self.units)
        if self.use_bias:
            z += self.bias
        return self.activate(z)

    def backward(self, grad_out, pre_activation=False):
        dz = grad_out if pre_activation else self.activation_backward(grad_out)
        dz2 = dz.reshape(-1, self.units)
        x2 = self.x.reshape(-1, self.x.shape[-1])
        self.grads = [x2.T @ dz2] + ([dz2.sum(axis=0)] if self.use_bias else [])
        if not self.trainable:
            self.grads = []
        return (dz2 @ self.kernel.T).reshape(self.x.shape)


class Conv2D(_WithActivation):
    """2-D convolution: ``y = activation(conv2d(x, kernel) + bias)``, channels last.

    x: (N, H, W, C_in) -> y: (N, H_out, W_out, filters); kernel: (kh, kw, C_in, filters),
    bias: (filters,). ``H_out = floor((H - kh) / s) + 1`` for 'valid', ``ceil(H / s)`` for
    'same' (TensorFlow's padding). Parameters: ``kh * kw * C_in * filters + filters``.
    Initializers are checked at construction, as for ``Dense``.
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", activation=None,
                 use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 **kwargs):
        super().__init__(activation=activation, **kwargs)
        self.filters = check_int(filters, "filters", "Conv2D", minimum=1)
        self.kernel_size = as_pair(kernel_size, "kernel_size", "Conv2D")
        self.strides = as_pair(strides, "strides", "Conv2D")
        self.padding = check_choice(padding, "padding", "Conv2D", ("valid", "same"))
        self.use_bias = use_bias
        self.kernel_initializer = _check_initializer(kernel_initializer, "kernel_initializer",
                                                     "Conv2D")
        self.bias_initializer = _check_initializer(bias_initializer, "bias_initializer",
                                                   "Conv2D")

    def compute_output_shape(self, input_shape):
        if len(input_shape) != 3:
            raise ValueError(f"Conv2D '{self.name}': input must be images (N, H, W, C), got "
                             f"shape {(None, *input_shape)}; reshape x or give input_shape="
                             f"(H, W, C)")
        return (*_window_output_size(self, input_shape, self.kernel_size, "kernel_size"),
                self.filters)

    def build(self, input_shape):
        self.add_weight("kernel", (*self.kernel_size, input_shape[-1], self.filters),
                        self.kernel_initializer)
        if self.use_bias:
            self.add_weight("bias", (self.filters,), self.bias_initializer)

    def call(self, x, training=False):
        self.x = x
        bias = self.bias if self.use_bias else None
        return self.activate(_conv.conv2d(x, self.kernel, bias, self.strides, self.padding))

    def backward(self, grad_out, pre_activation=False):
        dz = grad_out if pre_activation else self.activation_backward(grad_out)
        dx, dkernel, dbias = _conv.conv2d_backward(dz, self.x, self.kernel, self.strides,
                                                   self.padding)
        self.grads = [dkernel] + ([dbias] if self.use_bias else [])
        if not self.trainable:
            self.grads = []
        return dx


def _window_output_size(layer, input_shape, window, window_name):
    """(H_out, W_out) of a sliding-window layer, with an error that names the layer."""
    (h, w), (kh, kw), (sh, sw) = input_shape[:2], window, layer.strides
    if layer.padding == "valid" and (kh > h or kw > w):
        raise ValueError(f"{type(layer).__name__} '{layer.name}': {window_name} {window} does "
                         f"not fit in its {h}x{w} input with padding='valid'; use "
                         f"padding='same' or a smaller {window_name}")
    return (_conv.conv_output_size(h, kh, sh, layer.padding),
            _conv.conv_output_size(w, kw, sw, layer.padding))


class _Pooling2D(Layer):
    _forward = _backward = None

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", **kwargs):
        super().__init__(**kwargs)
        cls = type(self).__name__
        self.pool_size = as_pair(pool_size, "pool_size", cls)
        self.strides = self.pool_size if strides is None else as_pair(strides, "strides", cls)
        self.padding = check_choice(padding, "padding", cls, ("valid", "same"))

    def compute_output_shape(self, input_shape):
        if len(input_shape) != 3:
            raise ValueError(f"{type(self).__name__} '{self.name}': input must be images "
                             f"(N, H, W, C), got shape {(None, *input_shape)}")
        return (*_window_output_size(self, input_shape, self.pool_size, "pool_size"),
                input_shape[2])

    def call(self, x, training=False):
        self.x = x
        return type(self)._forward(x, self.pool_size, self.strides, self.padding)

    def backward(self, grad_out):
        return type(self)._backward(grad_out, self.x, self.pool_size, self.strides,
                                    self.padding)


class MaxPooling2D(_Pooling2D):
    """Max pooling: ``y[n, i, j, c]`` = the largest ``x`` in window (i, j) of channel c.

    x: (N, H, W, C) -> (N, H_out, W_out, C); ``strides`` default to ``pool_size``. Backward:
    each window's gradient goes to the pixel that held its maximum. No weights.
    """
    _forward = staticmethod(_conv.max_pool2d)
    _backward = staticmethod(_conv.max_pool2d_backward)


class AveragePooling2D(_Pooling2D):
    """Average pooling: ``y[n, i, j, c]`` = the mean of ``x`` in window (i, j) of channel c.

    x: (N, H, W, C) -> (N, H_out, W_out, C). Backward: each window's gradient is shared
    equally by the pixels it averaged. No weights.
    """
    _forward = staticmethod(_conv.average_pool2d)
    _backward = staticmethod(_conv.average_pool2d_backward)


class Flatten(Layer):
    """Reshape each sample to one vector: (N, d1, d2, ...) -> (N, d1 * d2 * ...). No weights."""

    def compute_output_shape(self, input_shape):
        return (int(np.prod(input_shape)),)

    def call(self, x, training=False):
        self.x_shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, grad_out):
        return grad_out.reshape(self.x_shape)


class Dropout(Layer):
    """Inverted dropout: while training ``y = x * mask / (1 - rate)``; at inference ``y = x``.

    ``mask`` keeps each entry with probability ``1 - rate``; dividing by ``1 - rate`` keeps the
    expected value of ``y`` equal to ``x``, so nothing needs rescaling at inference. Backward:
    ``dx = dy * mask / (1 - rate)`` with the same mask. The mask is drawn from the shared
    generator (``set_random_seed``), or from the layer's own when ``seed`` is given.
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = check_in_range(rate, "rate", "Dropout", 0, 1, high_inclusive=False)
        self.seed = seed
        self.rng = None if seed is None else _rng_for(seed)

    def call(self, x, training=False):
        self.training = training
        if not training or self.rate == 0:
            return x
        rng = self.rng if self.rng is not None else get_rng()
        keep = rng.random(x.shape) >= self.rate
        self.mask = keep.astype(x.dtype) / x.dtype.type(1 - self.rate)
        return x * self.mask

    def backward(self, grad_out):
        if not self.training or self.rate == 0:
            return grad_out
        return grad_out * self.mask


class BatchNormalization(Layer):
    """Batch normalisation over the last axis (the features or channels), as Keras.

    Training: with ``mu`` and ``var`` the mean and variance of the batch over every axis but
    the last (the biased variance, dividing by the count, as Keras 3 does), ::

        x_hat = (x - mu) / sqrt(var + epsilon)        y = gamma * x_hat + beta
        moving_mean <- momentum * moving_mean + (1 - momentum) * mu     (same for the variance)

    Inference: the same with ``moving_mean`` and ``moving_variance`` in place of mu and var.
    ``gamma`` and ``beta`` (shape (C,)) are trained; the moving statistics are not (they count
    as non-trainable parameters: 4 * C parameters, 2 * C of them trainable). Backward in
    training mode, with m the number of values averaged per channel and sums over those::

        dbeta = sum(dy)    dgamma = sum(dy * x_hat)
        dx = gamma / (m * sqrt(var + epsilon)) * (m * dy - dbeta - x_hat * dgamma)
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, **kwargs):
        super().__init__(**kwargs)
        if axis != -1:
            raise ValueError(f"BatchNormalization: argument 'axis' must be -1 (the last axis, "
                             f"channels last), got {axis!r}")
        self.axis = axis
        self.momentum = check_in_range(momentum, "momentum", "BatchNormalization", 0, 1)
        self.epsilon = check_in_range(epsilon, "epsilon", "BatchNormalization", 0, np.inf,
                                      low_inclusive=False)

    def build(self, input_shape):
        c = (input_shape[-1],)
        self.add_weight("gamma", c, "ones")
        self.add_weight("beta", c, "zeros")
        self.add_weight("moving_mean", c, "zeros", trainable=False)
        self.add_weight("moving_variance", c, "ones", trainable=False)

    def call(self, x, training=False):
        self.training = training
        axes = tuple(range(x.ndim - 1))
        if training:
            mu = x.mean(axis=axes)
            centred = x - mu
            var = (centred * centred).mean(axis=axes)
            m = self.momentum
            self.moving_mean[...] = m * self.moving_mean + (1 - m) * mu
            self.moving_variance[...] = m * self.moving_variance + (1 - m) * var
        else:
            centred, var = x - self.moving_mean, self.moving_variance
        self.std = np.sqrt(var + self.dtype.type(self.epsilon))
        self.x_hat = centred / self.std
        return self.gamma * self.x_hat + self.beta

    def backward(self, grad_out):
        axes = tuple(range(grad_out.ndim - 1))
        dbeta = grad_out.sum(axis=axes)
        dgamma = (grad_out * self.x_hat).sum(axis=axes)
        self.grads = [dgamma, dbeta] if self.trainable else []
        if not self.training:
            return grad_out * (self.gamma / self.std)
        m = grad_out.size // grad_out.shape[-1]
        return self.gamma / (m * self.std) * (m * grad_out - dbeta - self.x_hat * dgamma)


class Activation(_WithActivation):
    """Applies an activation on its own: ``y = g(x)``, e.g. ``Activation('relu')``. No weights."""

    def __init__(self, activation, **kwargs):
        super().__init__(activation=activation, **kwargs)

    def call(self, x, training=False):
        return self.activate(x)

    def backward(self, grad_out, pre_activation=False):
        return grad_out if pre_activation else self.activation_backward(grad_out)


class LeakyReLU(Layer):
    """Leaky ReLU as a layer: ``y = x`` where ``x > 0``, else ``negative_slope * x``. No weights.

    ``negative_slope`` (default 0.3, as Keras) is Keras 3's name; Keras 2 called it ``alpha``,
    and ``LeakyReLU(alpha=0.1)`` still works. Backward: ``dx = dy`` where ``x > 0``, else
    ``negative_slope * dy`` (the slope at 0 is ``negative_slope``, as ``leaky_relu_derivative``).

    Stricter than Keras: giving both ``negative_slope`` and ``alpha`` is a ``TypeError`` (Keras 3
    silently lets ``alpha`` win, with a deprecation warning), and the slope must be a finite
    number >= 0 (Keras 3 also rejects a negative slope; Keras 2 accepted any).
    """

    def __init__(self, negative_slope=None, *, alpha=None, **kwargs):
        super().__init__(**kwargs)
        if negative_slope is not None and alpha is not None:
            raise TypeError(f"LeakyReLU: arguments 'negative_slope' and 'alpha' are the same "
                            f"slope (Keras 3 and Keras 2 names); give one of them, got "
                            f"negative_slope={negative_slope!r} and alpha={alpha!r}")
        name, slope = "negative_slope", negative_slope
        if slope is None:
            name, slope = ("alpha", alpha) if alpha is not None else (name, 0.3)
        if isinstance(slope, bool) or not isinstance(slope, numbers.Real):
            raise TypeError(f"LeakyReLU: argument '{name}' must be a number >= 0 such as 0.3, "
                            f"got {_describe(slope)}")
        if not np.isfinite(slope) or slope < 0:
            raise ValueError(f"LeakyReLU: argument '{name}' must be a finite number >= 0 (the "
                             f"slope for x < 0), got {slope}")
        self.negative_slope = float(slope)

    @property
    def alpha(self):
        """Keras 2's name for ``negative_slope``."""
        return self.negative_slope

    def call(self, x, training=False):
        self.x = x
        return np.where(x > 0, x, x * x.dtype.type(self.negative_slope))

    def backward(self, grad_out):
        return np.where(self.x > 0, grad_out, grad_out * grad_out.dtype.type(self.negative_slope))


class InputLayer(Layer):
    """The input of a ``Sequential`` model, as Keras 3 writes it: ``Input(shape=(8, 8, 1))``.

    ``Sequential([Input(shape=(8, 8, 1)), Flatten(), Dense(10)])`` builds the model exactly as
    ``input_shape=(8, 8, 1)`` on its first layer would: the input is not a layer with weights,
    it is not in ``model.layers`` and ``summary()`` does not list it (as Keras'
    ``Sequential.layers`` and summary leave it out). ``shape`` leaves out the batch axis;
    ``batch_shape=(None, 8, 8, 1)`` includes it; ``input_shape=`` (Keras 2's InputLayer
    argument) is the same as ``shape``. ``batch_size`` is accepted and ignored; ``dtype``
    sets the model's float type unless the model was given its own.

    Stricter than Keras: every size must be a positive int (no ``None`` axes), and the Input
    must come first in the model, once.
    """

    def __init__(self, shape=None, batch_size=None, dtype=None, batch_shape=None, name=None,
                 input_shape=None, **kwargs):
        func = type(self).__name__
        given = [k for k, v in (("shape", shape), ("batch_shape", batch_shape),
                                ("input_shape", input_shape)) if v is not None]
        if len(given) > 1:
            raise TypeError(f"{func}: give the input's shape once, with 'shape' (without the "
                            f"batch axis), got {' and '.join(map(repr, given))}")
        if not given:
            raise TypeError(f"{func}: argument 'shape' is required: the shape of one sample, "
                            f"without the batch axis, such as shape=(8,) or shape=(28, 28, 1)")
        if batch_shape is not None:
            if not isinstance(batch_shape, (tuple, list)) or len(batch_shape) < 2:
                raise ValueError(f"{func}: argument 'batch_shape' must include the batch axis, "
                                 f"such as (None, 8), got {batch_shape!r}")
            shape = tuple(batch_shape[1:])
        elif input_shape is not None:
            shape = input_shape
        shape = _check_shape_arg(shape, given[0], func)
        if batch_size is not None:
            batch_size = check_int(batch_size, "batch_size", func, minimum=1)
        super().__init__(name=name, **kwargs)
        self.shape = shape
        self.batch_size = batch_size
        self.dtype_arg = None if dtype is None else _float_dtype(dtype)
        self.input_shape = self.output_shape = shape
        self.built = True

    @property
    def batch_shape(self):
        return (self.batch_size, *self.shape)

    def __repr__(self):
        return f"<InputLayer name={self.name!r}, shape={self.shape}>"

    def call(self, x, training=False):
        return x

    def backward(self, grad_out):
        return grad_out


def Input(shape=None, batch_size=None, dtype=None, batch_shape=None, name=None, **kwargs):
    """Keras' ``keras.Input(shape=...)``: the first element of a ``Sequential`` model.

    Returns an ``InputLayer`` (Keras returns a symbolic tensor for its functional API, which
    course_lib does not implement; in a Sequential model both mean the same).
    """
    return InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, batch_shape=batch_shape,
                      name=name, **kwargs)

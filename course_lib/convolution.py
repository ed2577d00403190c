"""2-D convolution and pooling on channels-last images, forward and backward.

Images are ``x: (N, H, W, C)`` as in Keras; a convolution kernel is ``(kh, kw, C_in, C_out)``.
What deep-learning libraries call *convolution* is, strictly, a **cross-correlation**: the kernel
slides over the image without being flipped,

    y[n, i, j, o] = b[o] + sum_{u, v, c} x_pad[n, i*sh + u, j*sw + v, c] * k[u, v, c, o]

and that is what :func:`conv2d` computes.

Padding follows TensorFlow:

* ``'valid'``: no padding; ``out = floor((n - f) / s) + 1``, the window must fit in the image;
* ``'same'``: ``out = ceil(n / s)``; the total padding is ``max((out - 1) * s + f - n, 0)``,
  ``before = total // 2`` and ``after = total - before`` (an odd extra pixel goes at the
  bottom / right).

Both cases obey ``out = floor((n + p_total - f) / s) + 1`` (:func:`conv_output_size`).

How it is computed: "im2col". A strided view of the padded image lists every window as a row of
``kh * kw * C_in`` numbers; copied into a matrix, one product with the kernel reshaped to
``(kh * kw * C_in, C_out)`` gives every output pixel at once (done a few images at a time, so
that each piece of the matrix is multiplied while it is still in the CPU's cache). The backward
pass works kernel offset by kernel offset (a loop of ``kh * kw`` matrix products, never a loop
over pixels): the pixels each offset meets give ``dkernel``, and ``grad @ kernel[u, v]^T`` is
added back onto them to give ``dx``; see :func:`conv2d_backward` for how it does so without
copying windows.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ._validation import as_array, as_pair, check_choice, check_int

__all__ = [
    "conv_output_size",
    "same_padding",
    "conv2d",
    "conv2d_backward",
    "max_pool2d",
    "max_pool2d_backward",
    "average_pool2d",
    "average_pool2d_backward",
]

_PADDINGS = ("valid", "same")
_IMAGE_AXES = "(N, H, W, C)"


# --------------------------------------------------------------------------------------------
# sizes and padding
# --------------------------------------------------------------------------------------------

def _output_and_padding(n: int, f: int, s: int, padding: str) -> tuple[int, int, int]:
    """(out, before, after) along one axis; assumes the arguments are already checked."""
    if padding == "same":
        out = -(-n // s)  # ceil(n / s) in integers
        total = max((out - 1) * s + f - n, 0)
        before = total // 2
        return out, before, total - before
    return (n - f) // s + 1, 0, 0


def conv_output_size(n, f, stride=1, padding="valid") -> int:
    """Length of a convolution or pooling output along one axis.

    ``out = floor((n + p_total - f) / stride) + 1`` where ``p_total`` is 0 for ``'valid'`` and
    TensorFlow's ``max((ceil(n / stride) - 1) * stride + f - n, 0)`` for ``'same'``, so that
    ``'same'`` gives ``ceil(n / stride)``.

    n: input length (>= 1); f: kernel or pool length (>= 1); stride: step (>= 1);
    padding: ``'valid'`` or ``'same'``. Raises ``ValueError`` when ``f > n`` with ``'valid'``
    (the window does not fit anywhere).
    """
    func = "conv_output_size"
    n = check_int(n, "n", func, minimum=1)
    f = check_int(f, "f", func, minimum=1)
    stride = check_int(stride, "stride", func, minimum=1)
    check_choice(padding, "padding", func, _PADDINGS)
    if padding == "valid" and f > n:
        raise ValueError(f"{func}: argument 'f' ({f}) is larger than the input length 'n' "
                         f"({n}) with padding='valid', so no window fits; use padding='same' "
                         f"or a smaller window")
    return _output_and_padding(n, f, stride, padding)[0]


def same_padding(n, f, stride=1) -> tuple[int, int]:
    """TensorFlow's ``'same'`` padding along one axis, as ``(before, after)``.

    ``total = max((ceil(n / stride) - 1) * stride + f - n, 0)``, ``before = total // 2``,
    ``after = total - before``: when the total is odd the extra zero goes after (bottom / right).
    """
    func = "same_padding"
    n = check_int(n, "n", func, minimum=1)
    f = check_int(f, "f", func, minimum=1)
    stride = check_int(stride, "stride", func, minimum=1)
    _, before, after = _output_and_padding(n, f, stride, "same")
    return before, after


# --------------------------------------------------------------------------------------------
# shared plumbing
# --------------------------------------------------------------------------------------------

def _geometry(func, x_shape, window, strides, padding, window_name):
    """Output size and padding on both spatial axes, with a clear error if nothing fits."""
    (_, h, w, _), (fh, fw), (sh, sw) = x_shape, window, strides
    if padding == "valid" and (fh > h or fw > w):
        raise ValueError(f"{func}: the {fh}x{fw} {window_name} is larger than the {h}x{w} "
                         f"input (argument 'x' of shape {tuple(x_shape)}) with "
                         f"padding='valid', so no window fits; use padding='same' or a "
                         f"smaller {window_name}")
    ho, top, bottom = _output_and_padding(h, fh, sh, padding)
    wo, left, right = _output_and_padding(w, fw, sw, padding)
    return (ho, wo), ((top, bottom), (left, right))


def _pad(x, pads, value=0.0):
    """``x`` with ``value`` rows and columns around it (np.pad's result, made directly: np.pad's
    own bookkeeping cost more than the copy on a training step's small images)."""
    (top, bottom), (left, right) = pads
    if top == bottom == left == right == 0:
        return x
    n, h, w, c = x.shape
    xp = np.full((n, top + h + bottom, left + w + right, c), value, dtype=x.dtype)
    xp[:, top:top + h, left:left + w] = x
    return xp


def _windows(xp, window, strides, out_hw):
    """Read-only view (N, Ho, Wo, fh, fw, C) of every window of the padded image ``xp``.

    Channels stay the last, contiguous axis, so that copying the view into im2col rows reads
    memory in order.
    """
    n, _, _, c = xp.shape
    sn, sy, sx, sc = xp.strides
    (fh, fw), (sh, sw), (ho, wo) = window, strides, out_hw
    return as_strided(xp, shape=(n, ho, wo, fh, fw, c),
                      strides=(sn, sy * sh, sx * sw, sy, sx, sc), writeable=False)


def _offset_slices(window, strides, out_hw):
    """For each window offset (u, v): the slice of the padded image it touches in every window.

    ``xp[slice]`` has the output's shape (N, Ho, Wo, C): entry (n, i, j, c) is the pixel at
    offset (u, v) of window (i, j). Pooling reduces over these slices one offset at a time, and
    backward passes add gradients onto the image through them; at a fixed offset distinct
    windows touch distinct pixels, so ``+=`` on the slice is exact.
    """
    (fh, fw), (sh, sw), (ho, wo) = window, strides, out_hw
    for u in range(fh):
        for v in range(fw):
            yield u, v, (slice(None), slice(u, u + sh * (ho - 1) + 1, sh),
                         slice(v, v + sw * (wo - 1) + 1, sw), slice(None))


def _crop(xp, pads, shape):
    (top, _), (left, _) = pads
    return xp[:, top:top + shape[1], left:left + shape[2], :]


def _float_dtype(*arrays):
    """The dtype to compute in: float32 if every input is float32, else float64."""
    dtype = np.result_type(*[a.dtype for a in arrays])
    return dtype if dtype in (np.float32, np.float64) else np.dtype(np.float64)


def _check_grad_out(func, grad_out, expected_shape):
    grad_out = as_array(grad_out, "grad_out", func, ndim=4, shape_hint="(N, H_out, W_out, C)")
    if grad_out.shape != tuple(expected_shape):
        raise ValueError(f"{func}: argument 'grad_out' must have the shape of the forward "
                         f"output, {tuple(expected_shape)}, got {grad_out.shape}")
    return grad_out


# --------------------------------------------------------------------------------------------
# convolution
# --------------------------------------------------------------------------------------------

def _conv_setup(func, x, kernel, strides, padding):
    x = as_array(x, "x", func, ndim=4, shape_hint=_IMAGE_AXES)
    kernel = as_array(kernel, "kernel", func, ndim=4, shape_hint="(kh, kw, C_in, C_out)")
    strides = as_pair(strides, "strides", func)
    check_choice(padding, "padding", func, _PADDINGS)
    if x.shape[3] != kernel.shape[2]:
        raise ValueError(f"{func}: input has {x.shape[3]} channels but the kernel expects "
                         f"{kernel.shape[2]} (argument 'x' has shape {x.shape}, argument "
                         f"'kernel' has shape {kernel.shape} = (kh, kw, C_in, C_out))")
    if 0 in kernel.shape[:2]:
        raise ValueError(f"{func}: argument 'kernel' must have at least one row and column, "
                         f"got shape {kernel.shape}")
    out_hw, pads = _geometry(func, x.shape, kernel.shape[:2], strides, padding, "kernel")
    return x, kernel, strides, out_hw, pads


#: Bytes of rows that one matrix product works on at a time. Products over the whole batch at
#: once stream tens of megabytes through the caches per kernel offset; in pieces this size
#: (well inside a core's L2 cache) the rows an offset reads are still cached for the next.
_BLOCK_BYTES = 1 << 19


def conv2d(x, kernel, bias=None, strides=1, padding="valid"):
    """2-D convolution (deep-learning style, i.e. cross-correlation) of a batch of images.

    ``y[n, i, j, o] = bias[o] + sum_{u, v, c} x_pad[n, i*sh + u, j*sw + v, c] * kernel[u, v, c, o]``

    x: (N, H, W, C_in); kernel: (kh, kw, C_in, C_out); bias: (C_out,) or None;
    strides: int or pair (sh, sw); padding: ``'valid'`` or ``'same'`` (TensorFlow's rule, see the
    module docstring). Returns y: (N, H_out, W_out, C_out), float32 when the inputs are float32.
    """
    func = "conv2d"
    x, kernel, strides, (ho, wo), pads = _conv_setup(func, x, kernel, strides, padding)
    c_out = kernel.shape[3]
    arrays = [x, kernel]
    if bias is not None:
        bias = as_array(bias, "bias", func, ndim=1, shape_hint="(C_out,)")
        if bias.shape[0] != c_out:
            raise ValueError(f"{func}: argument 'bias' must have one value per filter, "
                             f"C_out = {c_out}, got shape {bias.shape}")
        arrays.append(bias)
    dtype = _float_dtype(*arrays)
    xp = np.ascontiguousarray(_pad(x.astype(dtype, copy=False), pads))
    windows = _windows(xp, kernel.shape[:2], strides, (ho, wo))  # (N, Ho, Wo, kh, kw, C_in)
    k_rows = kernel.astype(dtype, copy=False).reshape(-1, c_out)   # (kh * kw * C_in, C_out)
    n = x.shape[0]
    y = np.empty((n, ho, wo, c_out), dtype=dtype)
    # im2col a few images at a time: each piece of the window matrix is multiplied while it is
    # still in cache (the copy of the windows, not the product, is what costs)
    per = max(1, _BLOCK_BYTES // (ho * wo * k_rows.nbytes // c_out))
    for start in range(0, n, per):
        cols = windows[start:start + per].reshape(-1, k_rows.shape[0])  # the copy: im2col
        np.matmul(cols, k_rows, out=y[start:start + per].reshape(-1, c_out))
    if bias is not None:
        y += bias.astype(dtype, copy=False)
    return y


def conv2d_backward(grad_out, x, kernel, strides=1, padding="valid"):
    """Gradients of a loss L through :func:`conv2d`, given ``grad_out = dL/dy``.

    Write ``X_uv`` for the pixels that kernel offset (u, v) meets, one row per window, and ``G``
    for grad_out, one row per window. Since ``y = sum_{u, v} X_uv @ kernel[u, v] + bias``:

    * ``dkernel[u, v] = X_uv^T @ G``  -> (kh, kw, C_in, C_out)
    * ``dbias = sum of G over its rows``  -> (C_out,)
    * ``dX_uv = G @ kernel[u, v]^T``, added back onto the pixels X_uv was read from
      -> dx: (N, H, W, C_in)

    grad_out: (N, H_out, W_out, C_out), the shape conv2d returned. Returns (dx, dkernel, dbias).

    How, without copying windows: lay the padded image out as one long list of pixels,
    ``(N * Hp * Wp, C_in)``, and put each window's gradient on the pixel at its top-left corner
    (zero on every other pixel). Offset (u, v) from a pixel is then ``u * Wp + v`` rows further
    down the list, so ``X_uv`` is simply a slice of the list, and every product runs directly
    on the image's memory. The zero rows (pixels where no window starts) add nothing.
    """
    func = "conv2d_backward"
    x, kernel, (sh, sw), (ho, wo), pads = _conv_setup(func, x, kernel, strides, padding)
    n, c_out = x.shape[0], kernel.shape[3]
    grad_out = _check_grad_out(func, grad_out, (n, ho, wo, c_out))
    dtype = _float_dtype(x, kernel, grad_out)
    fh, fw, c_in, _ = kernel.shape
    kernel = kernel.astype(dtype, copy=False)

    xp = np.ascontiguousarray(_pad(x.astype(dtype, copy=False), pads))
    _, hp, wp, _ = xp.shape
    if sh == sw == 1:  # grad_out fills the grid's top-left corner: only the rest is zeroed
        g_grid = np.empty((n, hp, wp, c_out), dtype=dtype)
        g_grid[:, :ho, :wo] = grad_out
        g_grid[:, ho:] = 0.0
        g_grid[:, :ho, wo:] = 0.0
    else:
        g_grid = np.zeros((n, hp, wp, c_out), dtype=dtype)
        g_grid[:, :sh * (ho - 1) + 1:sh, :sw * (wo - 1) + 1:sw] = grad_out
    g_rows = g_grid.reshape(-1, c_out)
    x_rows = xp.reshape(-1, c_in)

    dkernel = np.zeros(kernel.shape, dtype=dtype)
    dx_rows = np.zeros(x_rows.shape, dtype=dtype)
    total = len(g_rows)
    # a block of window rows at a time, every offset of the block before the next block: the
    # pixels that neighbouring offsets read overlap, so they come from cache, not memory
    block = max(256, _BLOCK_BYTES // (x_rows.itemsize * (2 * c_in + c_out)))
    dx_here = np.empty((block, c_in), dtype=dtype)  # each offset's G @ kernel[u, v]^T
    offsets = [(u, v, u * wp + v) for u in range(fh) for v in range(fw)]
    for start in range(0, total, block):
        for u, v, shift in offsets:
            stop = min(start + block, total - shift)
            if stop <= start:
                continue
            g_here = g_rows[start:stop]
            dkernel[u, v] += x_rows[start + shift:stop + shift].T @ g_here
            np.matmul(g_here, kernel[u, v].T, out=dx_here[:stop - start])
            dx_rows[start + shift:stop + shift] += dx_here[:stop - start]
    # a matrix-vector product sums the rows far faster than grad_out.sum(axis=(0, 1, 2))
    dbias = g_rows.T @ np.ones(len(g_rows), dtype=dtype)
    return _crop(dx_rows.reshape(xp.shape), pads, x.shape), dkernel, dbias


# --------------------------------------------------------------------------------------------
# pooling
# --------------------------------------------------------------------------------------------

def _pool_setup(func, x, pool_size, strides, padding):
    x = as_array(x, "x", func, ndim=4, shape_hint=_IMAGE_AXES)
    pool = as_pair(pool_size, "pool_size", func)
    # Keras: strides=None means "as large as the pool", windows that do not overlap
    strides = pool if strides is None else as_pair(strides, "strides", func)
    check_choice(padding, "padding", func, _PADDINGS)
    out_hw, pads = _geometry(func, x.shape, pool, strides, padding, "pool")
    return x.astype(_float_dtype(x), copy=False), pool, strides, out_hw, pads


def _real_pixel_counts(n, f, s, out, before):
    """How many real (unpadded) pixels each window covers along one axis: (out,)."""
    start = np.arange(out) * s - before
    return np.minimum(start + f, n) - np.maximum(start, 0)


def _window_max(xp, pool, strides, out_hw):
    """Max of every window of ``xp``, taken offset by offset: (N, Ho, Wo, C).

    ``ph * pw`` element-wise maxima over whole image slices run much faster than a reduction
    over the two small window axes of a strided view.
    """
    y = None
    for _, _, where in _offset_slices(pool, strides, out_hw):
        y = xp[where].copy() if y is None else np.maximum(y, xp[where], out=y)
    return y


def max_pool2d(x, pool_size=2, strides=None, padding="valid"):
    """Max pooling: the largest value in each window, channel by channel.

    ``y[n, i, j, c] = max_{u < ph, v < pw} x_pad[n, i*sh + u, j*sw + v, c]``

    x: (N, H, W, C); pool_size and strides: int or pair, strides default to pool_size;
    padding ``'same'`` pads with -inf, so padding never wins. Returns (N, H_out, W_out, C).
    """
    func = "max_pool2d"
    x, pool, strides, out_hw, pads = _pool_setup(func, x, pool_size, strides, padding)
    return _window_max(_pad(x, pads, value=-np.inf), pool, strides, out_hw)


def max_pool2d_backward(grad_out, x, pool_size=2, strides=None, padding="valid"):
    """Gradient of a loss through :func:`max_pool2d`, given ``grad_out = dL/dy``.

    Each window's gradient goes to the pixel that held the maximum. On a tie it goes to one
    element only, the first in reading order (top row first, left to right), as ``np.argmax``
    would pick; where windows overlap, a pixel collects the gradient of every window it won.
    grad_out: (N, H_out, W_out, C). Returns dx: (N, H, W, C).
    """
    func = "max_pool2d_backward"
    x, pool, strides, out_hw, pads = _pool_setup(func, x, pool_size, strides, padding)
    grad_out = _check_grad_out(func, grad_out, (x.shape[0], *out_hw, x.shape[3]))
    dtype = _float_dtype(x, grad_out)
    g = grad_out.astype(dtype, copy=False)
    xp = _pad(x, pads, value=-np.inf)
    y = _window_max(xp, pool, strides, out_hw)
    # Visit the window offsets in reading order; a window's gradient goes to the first offset
    # that holds its maximum (exact equality is safe: y is one of these very values).
    # The buffers are reused across offsets: fresh temporaries of this size cost as much again.
    done = np.zeros(y.shape, dtype=bool)
    winner = np.empty(y.shape, dtype=bool)
    share = np.empty(y.shape, dtype=dtype)
    dxp = np.zeros(xp.shape, dtype=dtype)
    for _, _, where in _offset_slices(pool, strides, out_hw):
        np.equal(xp[where], y, out=winner)
        winner &= ~done  # only windows that have not found their maximum yet
        done |= winner
        np.multiply(g, winner, out=share)
        dxp[where] += share
    return _crop(dxp, pads, x.shape)


def average_pool2d(x, pool_size=2, strides=None, padding="valid"):
    """Average pooling: the mean of each window, channel by channel.

    ``y[n, i, j, c] = sum_{window} x[n, ., ., c] / (number of real pixels in the window)``

    With ``'same'`` the padded zeros are not counted, as in TensorFlow: a corner window that
    covers 2 of its 4 pixels averages those 2. x: (N, H, W, C); pool_size and strides: int or
    pair, strides default to pool_size. Returns (N, H_out, W_out, C).
    """
    func = "average_pool2d"
    x, pool, strides, (ho, wo), pads = _pool_setup(func, x, pool_size, strides, padding)
    xp = _pad(x, pads, value=0.0)
    sums = np.zeros((x.shape[0], ho, wo, x.shape[3]), dtype=x.dtype)
    for _, _, where in _offset_slices(pool, strides, (ho, wo)):
        sums += xp[where]
    return sums / _pool_counts(x.shape, pool, strides, (ho, wo), pads, sums.dtype)


def _pool_counts(x_shape, pool, strides, out_hw, pads, dtype):
    """Real pixels under each window, shaped (Ho, Wo, 1) to broadcast over N and C."""
    rows = _real_pixel_counts(x_shape[1], pool[0], strides[0], out_hw[0], pads[0][0])
    cols = _real_pixel_counts(x_shape[2], pool[1], strides[1], out_hw[1], pads[1][0])
    return np.multiply.outer(rows, cols).astype(dtype)[:, :, None]


def average_pool2d_backward(grad_out, x, pool_size=2, strides=None, padding="valid"):
    """Gradient of a loss through :func:`average_pool2d`, given ``grad_out = dL/dy``.

    Each window's gradient is shared evenly by the real pixels it averaged:
    ``dx[pixel] = sum over windows containing the pixel of grad_out[window] / count[window]``.
    grad_out: (N, H_out, W_out, C). Returns dx: (N, H, W, C).
    """
    func = "average_pool2d_backward"
    x, pool, strides, (ho, wo), pads = _pool_setup(func, x, pool_size, strides, padding)
    grad_out = _check_grad_out(func, grad_out, (x.shape[0], ho, wo, x.shape[3]))
    dtype = _float_dtype(x, grad_out)
    share = grad_out.astype(dtype, copy=False) / _pool_counts(x.shape, pool, strides, (ho, wo),
                                                              pads, dtype)
    padded_shape = (x.shape[0], x.shape[1] + sum(pads[0]), x.shape[2] + sum(pads[1]), x.shape[3])
    dxp = np.zeros(padded_shape, dtype=dtype)
    for _, _, where in _offset_slices(pool, strides, (ho, wo)):
        dxp[where] += share
    return _crop(dxp, pads, x.shape)

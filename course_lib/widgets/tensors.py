"""Chapter 02's explorer: pick an axis of a tensor and an index along it, see the slice.

Indexing one axis of a rank-r tensor with a single number removes that axis and leaves a
rank-(r-1) tensor: for a batch of images ``x: (N, H, W, C)``,

    x[n]          -> (H, W, C)   image n
    x[:, i]       -> (N, W, C)   pixel row i of every image
    x[:, :, :, c] -> (N, H, W)   channel c of every image

The drawing turns any such slice into one picture (see :func:`slice_picture`) so the student
sees *what* the slice holds next to *its shape*.
"""
from __future__ import annotations

import math

import numpy as np

from .._validation import as_array, check_int
from ._base import build_explorer, find_artist

__all__ = ["tensor_slice", "slice_expression", "slice_picture", "draw_tensor_slice",
           "tensor_slice_explorer"]

_GID_IMAGE = "tensor-slice-image"
# Slices are tiled into a grid when they hold more than one picture; a gap of this many
# pixels keeps neighbouring tiles apart.
_GAP = 1
# A picture whose sides differ by more than this factor is stretched to fill the axes,
# otherwise a 512 x 3 strip would be a hairline.
_MAX_ASPECT = 8.0


def _check_tensor(x, func):
    x = as_array(x, "x", func)
    if not 2 <= x.ndim <= 5:
        raise ValueError(f"{func}: argument 'x' must be a tensor of rank 2 to 5 (a matrix, "
                         f"a batch of images (N, H, W, C), a video batch ...), got shape "
                         f"{x.shape}")
    if x.size == 0:
        raise ValueError(f"{func}: argument 'x' must not be empty, got shape {x.shape}")
    return x


def _check_axis_index(x, axis, index, func):
    axis = check_int(axis, "axis", func, minimum=-x.ndim, maximum=x.ndim - 1) % x.ndim
    n = x.shape[axis]
    index = check_int(index, "index", func, minimum=-n, maximum=n - 1) % n
    return axis, index


def _check_axis_names(axis_names, ndim, func):
    if axis_names is None:
        return None
    if (not isinstance(axis_names, (list, tuple)) or len(axis_names) != ndim
            or not all(isinstance(a, str) for a in axis_names)):
        raise ValueError(f"{func}: argument 'axis_names' must be None or {ndim} strings, one "
                         f"per axis of x, got {axis_names!r}")
    return tuple(axis_names)


def tensor_slice(x, axis, index):
    """``x`` indexed with ``index`` on ``axis`` and ``:`` on every other axis.

    ``x: (d_0, ..., d_{r-1})`` -> shape ``(d_0, ..., d_{axis-1}, d_{axis+1}, ..., d_{r-1})``;
    the same as ``np.take(x, index, axis=axis)``. Negative ``axis`` and ``index`` count from
    the end, as in NumPy.
    """
    func = "tensor_slice"
    x = _check_tensor(x, func)
    axis, index = _check_axis_index(x, axis, index, func)
    return np.take(x, index, axis=axis)


def slice_expression(ndim, axis, index, name="x"):
    """The NumPy expression for the slice, e.g. ``x[:, 3]`` (trailing ``:`` left out)."""
    func = "slice_expression"
    ndim = check_int(ndim, "ndim", func, minimum=1)
    axis = check_int(axis, "axis", func, minimum=-ndim, maximum=ndim - 1) % ndim
    index = check_int(index, "index", func)
    if not isinstance(name, str):
        raise TypeError(f"{func}: argument 'name' must be a string, got {type(name).__name__}")
    return f"{name}[{', '.join([':'] * axis + [str(index)])}]"


def _tile(stack, fill):
    """``stack: (n, h, w[, 3])`` -> one picture, the n tiles in a near-square grid."""
    n, h, w = stack.shape[:3]
    cols = math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    out = np.full((rows * (h + _GAP) - _GAP, cols * (w + _GAP) - _GAP) + stack.shape[3:],
                  fill, dtype=np.float64)
    for k in range(n):   # one copy per tile, never per pixel
        r, c = divmod(k, cols)
        out[r * (h + _GAP):r * (h + _GAP) + h, c * (w + _GAP):c * (w + _GAP) + w] = stack[k]
    return out


def slice_picture(s, rgb=None):
    """One 2-D picture ``(h, w)`` (grey) or ``(h, w, 3)`` (colour) that shows the array ``s``.

    * rank 0 or 1: a single row of values, ``(1, n)``;
    * rank 2: the matrix itself, rows down and columns across; with ``rgb=True`` and 3
      columns, a strip of n colour pixels ``(1, n, 3)`` instead (one row of a photo);
    * rank >= 3: the last axis is read as channels when it has length 1 (dropped: grey) or 3
      (colour; ``rgb=False`` turns that off); the last two remaining axes are the picture's
      height and width, and every leading axis is flattened into a stack of such pictures
      laid out as a grid of tiles separated by a gap (NaN for grey, white for colour).

    ``rgb=None`` reads a last axis of length 3 as colour from rank 3 on, never for a matrix.
    """
    s = np.asarray(s, dtype=np.float64)
    if s.ndim <= 1:
        return s.reshape(1, -1)
    if s.ndim == 2:
        return s[np.newaxis] if rgb and s.shape[-1] == 3 else s
    colour = s.shape[-1] == 3 and rgb is not False
    if s.shape[-1] == 1:
        s = s[..., 0]
    image_rank = 3 if colour else 2
    if s.ndim == image_rank:
        return s
    stack = s.reshape((-1,) + s.shape[s.ndim - image_rank:])
    return _tile(stack, 1.0 if colour else np.nan)


def _describe_rank(rank):
    return {0: "a scalar", 1: "a vector", 2: "a matrix"}.get(rank, f"a rank-{rank} tensor")


def _check_slice_args(x, axis, index, axis_names, name, func):
    """The arguments the drawing and the explorer share, checked once for both."""
    x = _check_tensor(x, func)
    axis, index = _check_axis_index(x, axis, index, func)
    axis_names = _check_axis_names(axis_names, x.ndim, func)
    if not isinstance(name, str):
        raise TypeError(f"{func}: argument 'name' must be a string, got {type(name).__name__}")
    return x, axis, index, axis_names


def draw_tensor_slice(fig, x, axis, index, *, axis_names=None, name="x"):
    """Draw the slice ``x[..., index, ...]`` (``index`` on ``axis``) onto ``fig``.

    ``fig``: a matplotlib ``Figure`` or ``SubFigure`` (several slices side by side).

    ``x``: a tensor of rank 2 to 5, e.g. a batch of images ``(N, H, W, C)``. The picture is
    :func:`slice_picture` of the slice; grey values use one colour scale for the whole of
    ``x`` (``vmin = min(x)``, ``vmax = max(x)``), so slices can be compared by brightness;
    colour pictures are clipped to that range and scaled to [0, 1]. The title gives the
    expression and the slice's shape. Called again on the same figure it replaces the
    picture's data in place. Returns the read-out HTML: expression, shape and rank.
    """
    func = "draw_tensor_slice"
    x, axis, index, axis_names = _check_slice_args(x, axis, index, axis_names, name, func)

    part = np.take(x, index, axis=axis)
    # A last axis of length 3 that survives the slice is the colour of a photo or a video.
    picture = slice_picture(part, rgb=x.shape[-1] == 3 and axis != x.ndim - 1)
    low, high = float(np.min(x)), float(np.max(x))
    if picture.ndim == 3:
        # imshow wants colour in [0, 1]; scale by the tensor's range so dim slices stay dim.
        span = (high - low) or 1.0
        picture = np.clip((picture - low) / span, 0.0, 1.0)

    if fig.axes:
        ax = fig.axes[0]
    else:
        # A fixed frame with room for the title: a layout engine would size the axes for the
        # first picture's aspect, and a taller slice later would then run into the title.
        if hasattr(fig, "set_layout_engine"):   # a SubFigure follows its parent's layout
            fig.set_layout_engine("none")
        ax = fig.add_axes((0.03, 0.03, 0.94, 0.87))
    image = find_artist(ax, _GID_IMAGE)
    h, w = picture.shape[:2]
    if image is None:
        import matplotlib

        cmap = matplotlib.colormaps["gray"].with_extremes(bad="white")
        image = ax.imshow(picture, cmap=cmap, vmin=low, vmax=high if high > low else low + 1,
                          interpolation="nearest", gid=_GID_IMAGE)
        # Tick labels are most of the cost of a redraw (text layout); the read-out and the
        # title carry the numbers that matter, so the picture goes without them.
        ax.set_xticks([])
        ax.set_yticks([])
    else:
        image.set_data(picture)
    image.set_extent((-0.5, w - 0.5, h - 0.5, -0.5))
    ax.set_xlim(-0.5, w - 0.5)
    ax.set_ylim(h - 0.5, -0.5)
    ax.set_aspect("auto" if max(h, w) > _MAX_ASPECT * min(h, w) else "equal")

    expression = slice_expression(x.ndim, axis, index, name)
    shape = tuple(part.shape)
    ax.set_title(f"{expression}  →  shape {shape}", fontsize="medium")
    where = f"axis {axis}" + (f" ({axis_names[axis]})" if axis_names else "")
    kept = ", ".join(axis_names[k] for k in range(x.ndim) if k != axis) if axis_names else ""
    text = (f"<code>{expression}</code>: index {index} of {x.shape[axis]} on {where} of "
            f"<code>{name}</code> {tuple(x.shape)} &rarr; shape <b>{shape}</b>, "
            f"{_describe_rank(part.ndim)}")
    if kept:
        text += f" ({kept})"
    return text


def tensor_slice_explorer(x, *, axis=0, index=0, axis_names=None, name="x",
                          figsize=(5.0, 4.0)):
    """Slice a tensor by axis: a dropdown picks the axis, a slider the index along it.

    ``x``: a tensor of rank 2 to 5 (a batch of digit images ``(N, 8, 8, 1)``, a photo
    ``(H, W, 3)``, ...). ``axis_names`` (one string per axis, e.g. ``("sample", "height",
    "width", "channel")``) label the dropdown and the read-out. When the axis changes, the
    slider's range follows its length. The picture and the read-out show the slice
    ``x[:, ..., index]`` and its shape, as :func:`draw_tensor_slice` draws them.

    Returns an ``ipywidgets.VBox`` with the CSS class ``course-widget``; its attributes
    ``axis_dropdown``, ``index_slider``, ``image``, ``readout``, ``figure`` and ``ax`` give
    tests and curious students access to the parts.
    """
    import ipywidgets as widgets

    func = "tensor_slice_explorer"
    x, axis, index, axis_names = _check_slice_args(x, axis, index, axis_names, name, func)

    options = [(f"{k}" + (f" · {axis_names[k]}" if axis_names else "") + f"  (length {n})", k)
               for k, n in enumerate(x.shape)]
    axis_dropdown = widgets.Dropdown(options=options, value=axis, description="axis",
                                     style={"description_width": "initial"})
    index_slider = widgets.IntSlider(value=index, min=0, max=x.shape[axis] - 1,
                                     description="index", continuous_update=True,
                                     style={"description_width": "initial"})

    # Registered before build_explorer wires the redraw, so the slider's range is already
    # right for the new axis when the picture is redrawn.
    def follow_axis(change):
        index_slider.max = x.shape[change["new"]] - 1

    axis_dropdown.observe(follow_axis, names="value")

    def draw(fig, axis, index):
        # While the dropdown has moved but the slider not yet, index may overshoot briefly.
        index = min(index, x.shape[axis] - 1)
        return draw_tensor_slice(fig, x, axis, index, axis_names=axis_names, name=name)

    box = build_explorer({"axis": axis_dropdown, "index": index_slider}, draw,
                         figsize=figsize)
    box.axis_dropdown, box.index_slider = axis_dropdown, index_slider
    box.ax = box.figure.axes[0]
    return box


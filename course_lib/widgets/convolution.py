"""Chapter 14's explorer: slide a kernel over a real photo and see one output pixel being made.

Three panels, left to right:

1. the input (matplotlib's sample photo in gray, small), zero-padded as TensorFlow pads it for
   the chosen ``padding`` and ``stride``, with the window of the chosen output pixel outlined;
2. the window times the kernel, element by element: every product written in its cell;
3. the whole output (the feature map), with the chosen output pixel outlined.

The read-out line adds the products up: ``output[row, col] = sum of products + bias``. The
output is what :func:`course_lib.convolution.conv2d` computes (cross-correlation: the kernel is
not flipped), so the number built by hand in the middle panel is the library's number.
"""
from __future__ import annotations

import numpy as np

from .. import convolution
from .._validation import as_array, check_choice, check_int
from ._base import build_explorer, find_artist

__all__ = ["KERNELS", "PADDINGS", "conv_window", "draw_convolution", "convolution_explorer"]

#: The kernels the explorer offers, each a 2-D array (kh, kw) for a one-channel image.
KERNELS = {
    "identity 3x3": np.array([[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]]),
    "box blur 3x3": np.full((3, 3), 1.0 / 9.0),
    "box blur 5x5": np.full((5, 5), 1.0 / 25.0),
    "sharpen 3x3": np.array([[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]]),
    "vertical edges (Sobel x) 3x3": np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0],
                                              [-1.0, 0.0, 1.0]]),
    "horizontal edges (Sobel y) 3x3": np.array([[-1.0, -2.0, -1.0], [0.0, 0.0, 0.0],
                                                [1.0, 2.0, 1.0]]),
    "diagonal 2x2": np.array([[1.0, 0.0], [0.0, -1.0]]),
    "1x1 (times 2)": np.array([[2.0]]),
}

PADDINGS = ("valid", "same")

_GID_INPUT = "conv-input"
_GID_WINDOW = "conv-window"
_GID_BORDER = "conv-border"
_GID_PRODUCTS = "conv-products"
_GID_OUTPUT = "conv-output"
_GID_PIXEL = "conv-pixel"


def _check_image(image, func):
    image = as_array(image, "image", func, ndim=2, shape_hint="(H, W), one gray channel")
    return image.astype(np.float64, copy=False)


def _kernel_array(kernel, func):
    if isinstance(kernel, str):
        check_choice(kernel, "kernel", func, tuple(KERNELS))
        return KERNELS[kernel]
    return as_array(kernel, "kernel", func, ndim=2, shape_hint="(kh, kw)").astype(np.float64)


def conv_window(image, kernel, stride=1, padding="valid", row=0, col=0, bias=0.0):
    """Everything about one output pixel of a one-channel convolution, by hand.

    image: (H, W); kernel: (kh, kw) array or a name from :data:`KERNELS`; stride: int >= 1;
    padding: ``'valid'`` or ``'same'`` (TensorFlow's rule: ``out = ceil(n / stride)``, total
    padding ``max((out - 1) * stride + f - n, 0)``, the odd extra zero at the bottom / right).
    row, col: the output pixel, clipped into the output.

    Returns a dict: ``'padded'`` (the zero-padded image), ``'pads'`` ((top, bottom), (left,
    right)), ``'out_shape'`` (Ho, Wo), ``'row'``, ``'col'`` (after clipping), ``'top'``,
    ``'left'`` (the window's corner in padded coordinates, ``row * stride``, ``col * stride``),
    ``'window'`` (kh, kw), ``'products'`` (window * kernel, elementwise) and ``'value'``
    (``products.sum() + bias``).
    """
    func = "conv_window"
    image = _check_image(image, func)
    kernel = _kernel_array(kernel, func)
    stride = check_int(stride, "stride", func, minimum=1)
    check_choice(padding, "padding", func, PADDINGS)
    row = check_int(row, "row", func, minimum=0)
    col = check_int(col, "col", func, minimum=0)
    (h, w), (kh, kw) = image.shape, kernel.shape
    ho = convolution.conv_output_size(h, kh, stride, padding)
    wo = convolution.conv_output_size(w, kw, stride, padding)
    pads = (((0, 0), (0, 0)) if padding == "valid" else
            (convolution.same_padding(h, kh, stride), convolution.same_padding(w, kw, stride)))
    padded = np.pad(image, pads)
    row, col = min(row, ho - 1), min(col, wo - 1)
    top, left = row * stride, col * stride
    window = padded[top:top + kh, left:left + kw]
    products = window * kernel
    return {"padded": padded, "pads": pads, "out_shape": (ho, wo), "row": row, "col": col,
            "top": top, "left": left, "window": window, "products": products,
            "value": float(products.sum() + bias)}


class _OutputCache:
    """The library's conv2d of the image, computed once per (kernel, stride, padding)."""

    def __init__(self, image):
        self.image = image[None, :, :, None]
        self.maps = {}

    def get(self, name, kernel, stride, padding):
        key = (name, stride, padding)
        if key not in self.maps:
            out = convolution.conv2d(self.image, kernel[:, :, None, None], strides=stride,
                                     padding=padding)
            self.maps[key] = out[0, :, :, 0]
        return self.maps[key]


def _set_rect(ax, gid, x0, y0, width, height, color):
    from matplotlib.patches import Rectangle
    rect = find_artist(ax, gid)
    if rect is None:
        rect = Rectangle((x0, y0), width, height, fill=False, edgecolor=color, linewidth=2,
                         gid=gid)
        ax.add_patch(rect)
    else:
        rect.set_bounds(x0, y0, width, height)
    return rect


def _output_limits(out):
    low, high = float(out.min()), float(out.max())
    if high - low < 1e-12:
        return low - 0.5, high + 0.5
    return low, high


def draw_convolution(axes, image, kernel, stride=1, padding="valid", row=0, col=0, *,
                     output=None):
    """Draw one step of the convolution of ``image`` (H, W) on three Axes.

    ``axes``: (input, products, output). The input panel shows the zero-padded image in its own
    pixel coordinates (padding at negative indices and beyond the last row / column; the real
    image outlined in blue) with the window outlined in red; the middle panel the products
    ``window * kernel`` with their values written in; the right panel the output map with the
    chosen pixel outlined. ``output``: the precomputed output map (the explorer passes it to
    avoid recomputing); None computes it with :func:`course_lib.convolution.conv2d`.

    Returns the :func:`conv_window` dict plus ``'output'`` (the output map) and
    ``'library_value'`` (the library's value at the chosen pixel).
    """
    func = "draw_convolution"
    if (not isinstance(axes, (tuple, list)) or len(axes) != 3
            or not all(hasattr(ax, "imshow") for ax in axes)):
        raise TypeError(f"{func}: argument 'axes' must be three matplotlib Axes (input, "
                        f"products, output), got {axes!r}")
    image = _check_image(image, func)
    kernel_values = _kernel_array(kernel, func)
    info = conv_window(image, kernel_values, stride, padding, row, col)
    if output is None:
        output = _OutputCache(image).get(None, kernel_values, stride, padding)
    ax_in, ax_mid, ax_out = axes
    (top, bottom), (left, right) = info["pads"]
    h, w = image.shape
    kh, kw = kernel_values.shape
    ho, wo = info["out_shape"]
    extent_in = (-left - 0.5, w + right - 0.5, h + bottom - 0.5, -top - 0.5)

    shown = find_artist(ax_in, _GID_INPUT)
    if shown is None:
        ax_in.imshow(info["padded"], cmap="gray", vmin=0.0, vmax=1.0, extent=extent_in,
                     interpolation="nearest", gid=_GID_INPUT)
        ax_out.imshow(output, cmap="gray", extent=(-0.5, wo - 0.5, ho - 0.5, -0.5),
                      interpolation="nearest", gid=_GID_OUTPUT)
        for ax in axes:
            ax.set_xticks([])
            ax.set_yticks([])
    else:
        shown.set_data(info["padded"])
        shown.set_extent(extent_in)
        out_img = find_artist(ax_out, _GID_OUTPUT)
        out_img.set_data(output)
        out_img.set_extent((-0.5, wo - 0.5, ho - 0.5, -0.5))
    find_artist(ax_out, _GID_OUTPUT).set_clim(*_output_limits(output))
    ax_in.set_xlim(extent_in[0], extent_in[1])
    ax_in.set_ylim(extent_in[2], extent_in[3])
    ax_out.set_xlim(-0.5, wo - 0.5)
    ax_out.set_ylim(ho - 0.5, -0.5)
    _set_rect(ax_in, _GID_BORDER, -0.5, -0.5, w, h, "tab:blue")
    _set_rect(ax_in, _GID_WINDOW, info["left"] - left - 0.5, info["top"] - top - 0.5, kw, kh,
              "tab:red")
    _set_rect(ax_out, _GID_PIXEL, info["col"] - 0.5, info["row"] - 0.5, 1, 1, "tab:red")

    _draw_products(ax_mid, info["products"])
    ax_in.set_title(f"input {h}x{w}, padded to {info['padded'].shape[0]}x"
                    f"{info['padded'].shape[1]} ({padding})", fontsize="small")
    ax_mid.set_title(f"window x kernel ({kh}x{kw}), products", fontsize="small")
    ax_out.set_title(f"output {ho}x{wo}, stride {stride}", fontsize="small")
    info["output"] = output
    info["library_value"] = float(output[info["row"], info["col"]])
    return info


def _draw_products(ax, products):
    """The products as a small heat map with each value written in; rebuilt only on resize.

    Only the product is written in (each pixel x weight pair is in the explorer's read-out):
    text is most of a redraw's cost.
    """
    kh, kw = products.shape
    grid = find_artist(ax, _GID_PRODUCTS)
    scale = max(float(np.abs(products).max()), 1e-12)
    if grid is None or grid.get_array().shape != products.shape:
        for artist in list(ax.images) + list(ax.texts):
            artist.remove()
        grid = ax.imshow(products, cmap="RdBu_r", vmin=-scale, vmax=scale,
                         interpolation="nearest", gid=_GID_PRODUCTS)
        size = "medium" if max(kh, kw) <= 3 else "x-small"
        for u in range(kh):
            for v in range(kw):
                ax.text(v, u, "", ha="center", va="center", fontsize=size)
        ax.set_xlim(-0.5, kw - 0.5)
        ax.set_ylim(kh - 0.5, -0.5)
    else:
        grid.set_data(products)
        grid.set_clim(-scale, scale)
    for text, value in zip(ax.texts, products.ravel()):
        text.set_text(f"{value:.2f}")


def _readout(info, kernel):
    """The read-out: which image rows / columns the window covers, and the sum written out."""
    kh, kw = kernel.shape
    r0, c0 = info["top"] - info["pads"][0][0], info["left"] - info["pads"][1][0]
    terms = " + ".join(f"{x:.2f}&times;({k:g})"
                       for x, k in zip(info["window"].ravel(), kernel.ravel()))
    if kh * kw > 9:
        terms = f"the {kh * kw} products"
    return (f"window on image rows {r0}..{r0 + kh - 1}, columns {c0}..{c0 + kw - 1} "
            f"(negative or past the edge: padding zeros)<br>output[{info['row']}, "
            f"{info['col']}] = {terms} = <b>{info['value']:.4f}</b> &nbsp; (library conv2d: "
            f"{info['library_value']:.4f})")


def convolution_explorer(image=None, *, kernel="vertical edges (Sobel x) 3x3", stride=1,
                         padding="valid", row=10, col=10, figsize=(9.0, 3.4)):
    """Slide a kernel over a gray photo: choose the kernel, stride, padding and output pixel.

    image: (H, W) gray image in [0, 1]; None uses ``load_sample_image(gray=True, size=(48,
    41))``, matplotlib's sample portrait shrunk so that single pixels show. Controls: the
    output pixel's ``row`` and ``col`` (sliders), the ``stride`` (slider, 1 to 3), the
    ``kernel`` (a dropdown of :data:`KERNELS`) and the ``padding`` (valid / same). Moving the
    stride, padding or kernel changes the output size, and the row / col sliders' ranges follow.

    Returns an ``ipywidgets.VBox`` with the CSS class ``course-widget``; the attributes
    ``row_slider``, ``col_slider``, ``stride_slider``, ``kernel_dropdown``,
    ``padding_buttons``, ``image``, ``readout``, ``figure`` and ``axes`` give access to the
    parts.
    """
    import ipywidgets as widgets

    func = "convolution_explorer"
    if image is None:
        from ..datasets import load_sample_image
        image = load_sample_image(gray=True, size=(48, 41))
    image = _check_image(image, func)
    check_choice(kernel, "kernel", func, tuple(KERNELS))
    stride = check_int(stride, "stride", func, minimum=1, maximum=3)
    check_choice(padding, "padding", func, PADDINGS)
    row = check_int(row, "row", func, minimum=0)
    col = check_int(col, "col", func, minimum=0)
    cache = _OutputCache(image)
    h, w = image.shape

    def out_size(kernel_name, stride_value, padding_value):
        kh, kw = KERNELS[kernel_name].shape
        return (convolution.conv_output_size(h, kh, stride_value, padding_value),
                convolution.conv_output_size(w, kw, stride_value, padding_value))

    ho, wo = out_size(kernel, stride, padding)

    def int_slider(value, high, description):
        return widgets.IntSlider(value=min(value, high), min=0, max=high, step=1,
                                 description=description, continuous_update=True,
                                 style={"description_width": "initial"})

    controls = {
        "row": int_slider(row, ho - 1, "output row"),
        "col": int_slider(col, wo - 1, "output col"),
        "stride": widgets.IntSlider(value=stride, min=1, max=3, step=1, description="stride",
                                    continuous_update=True),
        "kernel": widgets.Dropdown(options=list(KERNELS), value=kernel, description="kernel",
                                   style={"description_width": "initial"}),
        "padding": widgets.ToggleButtons(options=list(PADDINGS), value=padding,
                                         description="padding"),
    }

    def follow_output_size(change=None):
        new_ho, new_wo = out_size(controls["kernel"].value, controls["stride"].value,
                                  controls["padding"].value)
        controls["row"].max, controls["col"].max = new_ho - 1, new_wo - 1

    # Registered before build_explorer's redraw, so the ranges are right when it draws.
    for name in ("stride", "kernel", "padding"):
        controls[name].observe(follow_output_size, names="value")

    def draw(fig, row, col, stride, kernel, padding):
        if not fig.axes:
            fig.add_subplot(1, 3, 1)
            fig.add_subplot(1, 3, 2)
            fig.add_subplot(1, 3, 3)
        kernel_values = KERNELS[kernel]
        output = cache.get(kernel, kernel_values, stride, padding)
        info = draw_convolution(fig.axes[:3], image, kernel_values, stride, padding, row, col,
                                output=output)
        return _readout(info, kernel_values)

    box = build_explorer(controls, draw, figsize=figsize, controls_per_row=3)
    box.row_slider, box.col_slider = controls["row"], controls["col"]
    box.stride_slider, box.kernel_dropdown = controls["stride"], controls["kernel"]
    box.padding_buttons = controls["padding"]
    box.axes = tuple(box.figure.axes[:3])
    return box

"""Chapter 15's explorer: one learned filter of a CNN, the image it looks at, and what it sees.

Four panels for the first ``Conv2D`` layer of a trained model:

1. the input image ``x`` (H, W), one channel;
2. the filter ``k`` (kh, kw), i.e. ``kernel[:, :, 0, f]``, on a colour scale centred on 0
   (red weights excite, blue ones inhibit);
3. its **feature map** ``a = relu(z)`` with ``z[i, j] = b + sum_{u, v} x_pad[i + u, j + v] *
   k[u, v]`` (the layer's cross-correlation with TensorFlow's 'same' padding, stride 1);
4. the feature map after 2 x 2 max pooling (stride 2), what the next layer receives.

Two sliders choose the image and the filter. The feature maps of every image and filter are
computed once, in the builder, by the model's own layers; a slider move only swaps the pictures.
"""
from __future__ import annotations

import numpy as np

from .._validation import as_array, check_int
from .. import convolution as _conv
from ._base import build_explorer, find_artist

__all__ = ["feature_maps", "draw_feature_maps", "feature_map_explorer"]

_GIDS = ("cnn-input", "cnn-filter", "cnn-map", "cnn-pooled")


def feature_maps(image, kernel, bias=0.0, padding="same", pool_size=2):
    """The feature map of one filter on one single-channel image, before and after pooling.

    image: (H, W); kernel: (kh, kw); bias: a number. Returns ``(z, a, pooled)``: ``z`` (H_out,
    W_out) the weighted sums (cross-correlation plus bias, ``padding`` as in ``conv2d``),
    ``a = max(z, 0)`` (ReLU) and ``pooled`` the max over ``pool_size`` x ``pool_size`` windows
    of ``a`` (stride ``pool_size``).
    """
    func = "feature_maps"
    image = as_array(image, "image", func, ndim=2, shape_hint="(H, W)")
    kernel = as_array(kernel, "kernel", func, ndim=2, shape_hint="(kh, kw)")
    pool_size = check_int(pool_size, "pool_size", func, minimum=1)
    z = _conv.conv2d(image[None, :, :, None], kernel[:, :, None, None],
                     np.asarray([bias], dtype=kernel.dtype), 1, padding)[0, :, :, 0]
    a = np.maximum(z, 0)
    pooled = _conv.max_pool2d(a[None, :, :, None], pool_size)[0, :, :, 0]
    return z, a, pooled


def _show(ax, gid, data, cmap, vmin, vmax):
    """An imshow that is created once and then only gets new data and colour limits."""
    artist = find_artist(ax, gid)
    if artist is None:
        artist = ax.imshow(data, cmap=cmap, vmin=vmin, vmax=vmax, gid=gid,
                           interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
    else:
        artist.set_data(data)
        artist.set_clim(vmin, vmax)
    return artist


def draw_feature_maps(axes, image, kernel, bias=0.0, *, maps=None):
    """Draw the image, the filter, its ReLU feature map and the pooled map on four ``axes``.

    image: (H, W); kernel: (kh, kw); bias: a number. ``maps``: the ``(a, pooled)`` pair when
    already computed (the explorer passes the layer's own outputs); otherwise
    :func:`feature_maps` computes them. Called again on the same axes it only replaces the
    pictures. Returns a dict with ``'feature_map'`` and ``'pooled'`` (the arrays shown),
    ``'peak'`` (the largest activation) and ``'peak_at'`` (its (row, column)).
    """
    func = "draw_feature_maps"
    if not isinstance(axes, (tuple, list)) or len(axes) != 4:
        raise TypeError(f"{func}: argument 'axes' must be four matplotlib Axes (image, filter, "
                        f"feature map, pooled), got {axes!r}")
    image = as_array(image, "image", func, ndim=2, shape_hint="(H, W)")
    kernel = as_array(kernel, "kernel", func, ndim=2, shape_hint="(kh, kw)")
    if maps is None:
        _, a, pooled = feature_maps(image, kernel, bias)
    else:
        a, pooled = (np.asarray(m) for m in maps)
    reach = max(float(np.abs(kernel).max()), 1e-6)
    top = max(float(a.max()), 1e-6)
    _show(axes[0], _GIDS[0], image, "gray_r", 0.0, max(float(image.max()), 1e-6))
    _show(axes[1], _GIDS[1], kernel, "RdBu_r", -reach, reach)
    _show(axes[2], _GIDS[2], a, "viridis", 0.0, top)
    _show(axes[3], _GIDS[3], pooled, "viridis", 0.0, top)
    peak_at = tuple(int(i) for i in np.unravel_index(int(np.argmax(a)), a.shape))
    # Short titles that do not change: drawing text is most of the cost of a redraw, so the
    # numbers go to the explorer's read-out line instead.
    if not axes[0].get_title():
        for ax, title in zip(axes, ("input", "filter", "feature map (ReLU)", "max-pooled")):
            ax.set_title(title, fontsize="small")
    return {"feature_map": a, "pooled": pooled, "peak": float(a.max()), "peak_at": peak_at}


def feature_map_explorer(model, images, labels=None, *, index=0, filter_index=0,
                         figsize=(7.0, 2.1)):
    """Browse the first ``Conv2D`` layer of ``model``: pick an image and a filter.

    model: a built ``Sequential`` whose first layer is a ``Conv2D`` on single-channel images,
    optionally followed by a ``MaxPooling2D``; images: (N, H, W, 1); labels: (N,) or None.
    The layer's feature maps for every image are computed once here (by the layer itself), so
    a slider move redraws four small pictures and nothing else.

    Returns an ``ipywidgets.VBox`` with the class ``course-widget``; ``image_slider``,
    ``filter_slider``, ``figure``, ``axes`` and ``maps`` (the ``(N, H, W, F)`` ReLU outputs)
    are attributes, for tests and the curious.
    """
    import ipywidgets as widgets

    func = "feature_map_explorer"
    layers = getattr(model, "layers", None)
    if not layers or type(layers[0]).__name__ != "Conv2D" or not layers[0].built:
        raise TypeError(f"{func}: argument 'model' must be a built model whose first layer is "
                        f"a Conv2D, got {model!r}")
    conv = layers[0]
    images = as_array(images, "images", func, ndim=4, shape_hint="(N, H, W, 1)")
    if images.shape[1:] != conv.input_shape or images.shape[3] != 1:
        raise ValueError(f"{func}: argument 'images' must have shape (N, "
                         f"{', '.join(map(str, conv.input_shape))}) with one channel, got "
                         f"{images.shape}")
    n, n_filters = images.shape[0], conv.filters
    if labels is not None:
        labels = np.asarray(labels).reshape(-1)
        if labels.shape[0] != n:
            raise ValueError(f"{func}: argument 'labels' must hold one label per image, {n}, "
                             f"got {labels.shape[0]}")
    index = check_int(index, "index", func, minimum=0, maximum=n - 1)
    filter_index = check_int(filter_index, "filter_index", func, minimum=0,
                             maximum=n_filters - 1)

    maps = conv(images.astype(conv.dtype))  # (N, H_out, W_out, F), after the activation
    pooled = _conv.max_pool2d(maps, 2, padding="same")
    kernels, biases = conv.kernel[:, :, 0, :], (conv.bias if conv.use_bias
                                                else np.zeros(n_filters, conv.dtype))

    def draw(fig, image, filter):
        if not fig.axes:
            for k in range(4):
                fig.add_subplot(1, 4, k + 1)
        info = draw_feature_maps(fig.axes[:4], images[image, :, :, 0], kernels[:, :, filter],
                                 biases[filter],
                                 maps=(maps[image, :, :, filter], pooled[image, :, :, filter]))
        strongest = int(np.argmax(maps[image].max(axis=(0, 1))))
        digit = "" if labels is None else f" (digit {labels[image]})"
        return (f"image {image}{digit}, filter {filter} ({kernels.shape[0]}x"
                f"{kernels.shape[1]}, bias {float(biases[filter]):+.2f}): feature map "
                f"{info['feature_map'].shape[0]}x{info['feature_map'].shape[1]}, strongest "
                f"activation <b>{info['peak']:.2f}</b> at (row, column) {info['peak_at']}, "
                f"pooled to {info['pooled'].shape[0]}x{info['pooled'].shape[1]}; on this image "
                f"filter <b>{strongest}</b> responds most strongly")

    controls = {
        "image": widgets.IntSlider(value=index, min=0, max=n - 1, step=1, description="image",
                                   continuous_update=True),
        "filter": widgets.IntSlider(value=filter_index, min=0, max=n_filters - 1, step=1,
                                    description="filter", continuous_update=True),
    }
    box = build_explorer(controls, draw, figsize=figsize, controls_per_row=2)
    box.image_slider, box.filter_slider = controls["image"], controls["filter"]
    box.axes = tuple(box.figure.axes[:4])
    box.maps = maps
    return box

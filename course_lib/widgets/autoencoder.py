"""Chapter 16's explorer: noisy digits against what a (denoising) autoencoder makes of them.

Three panels, four with a second model to compare:

1. the clean image ``x`` (H, W), values in [0, 1];
2. the corrupted input ``x_tilde = clip(x + sigma * eps, 0, 1)``, ``eps`` a fixed draw of
   standard normal noise per image (the same draw scaled by every ``sigma``, so moving the
   slider turns the noise up or down instead of drawing new noise);
3. the model's reconstruction ``g(f(x_tilde))`` (and, optionally, another model's in panel 4).

The read-out gives the mean squared errors against the clean image,
``MSE(a, x) = mean_ij (a_ij - x_ij)^2``, of the noisy input and of each reconstruction.

The noisy inputs and reconstructions of every image at every noise level on the slider are
computed once, in the builder (one ``predict`` call per model); a slider move only swaps pictures.
"""
from __future__ import annotations

import numpy as np

from .._validation import as_array, as_rng, check_int, check_real
from ._base import build_explorer, find_artist, float_slider

__all__ = ["corrupt", "reconstruction_errors", "draw_denoising", "denoising_explorer"]

_GIDS = ("ae-clean", "ae-noisy", "ae-recon", "ae-compare")


def corrupt(images, noise_std, unit_noise):
    """Gaussian corruption clipped to the pixel range: ``clip(images + noise_std * unit_noise,
    0, 1)``.

    images: any shape, values in [0, 1]; unit_noise: the same shape, standard normal draws;
    noise_std: a number >= 0. Returns a new float array of the same shape.
    """
    func = "corrupt"
    images = as_array(images, "images", func)
    unit_noise = as_array(unit_noise, "unit_noise", func)
    noise_std = check_real(noise_std, "noise_std", func)
    if noise_std < 0:
        raise ValueError(f"{func}: argument 'noise_std' must be >= 0, got {noise_std}")
    if unit_noise.shape != images.shape:
        raise ValueError(f"{func}: argument 'unit_noise' must have the shape of 'images', "
                         f"{images.shape}, got {unit_noise.shape}")
    return np.clip(images + noise_std * unit_noise, 0.0, 1.0)


def reconstruction_errors(x, x_hat):
    """Mean squared error per image: ``mean over pixels of (x_hat - x)^2``.

    x, x_hat: (N, ...) of the same shape. Returns (N,).
    """
    func = "reconstruction_errors"
    x = as_array(x, "x", func)
    x_hat = as_array(x_hat, "x_hat", func)
    if x.shape != x_hat.shape or x.ndim < 1:
        raise ValueError(f"{func}: arguments 'x' and 'x_hat' must have the same shape (N, ...), "
                         f"got {x.shape} and {x_hat.shape}")
    return np.mean((x_hat - x).reshape(len(x), -1) ** 2, axis=1)


def _show(ax, gid, data, title):
    """An imshow (grey, 0 = white, 1 = black) made once, then only given new data."""
    artist = find_artist(ax, gid)
    if artist is None:
        artist = ax.imshow(data, cmap="gray_r", vmin=0.0, vmax=1.0, gid=gid,
                           interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(title, fontsize="small")
    else:
        artist.set_data(data)
    return artist


def draw_denoising(axes, clean, noisy, reconstructed, compared=None,
                   titles=("clean", "noisy input", "reconstruction", "other model")):
    """Draw the clean image, the noisy input and the reconstruction(s) on ``axes``.

    clean, noisy, reconstructed (and compared, when given): (H, W) arrays in [0, 1]; axes: 3
    matplotlib Axes (4 with ``compared``). Called again on the same axes it only replaces the
    pictures. Returns a dict of mean squared errors against ``clean``: ``'noisy'``,
    ``'reconstructed'`` and, with ``compared``, ``'compared'``.
    """
    func = "draw_denoising"
    pictures = [clean, noisy, reconstructed] + ([] if compared is None else [compared])
    if not isinstance(axes, (tuple, list)) or len(axes) != len(pictures):
        raise TypeError(f"{func}: argument 'axes' must be {len(pictures)} matplotlib Axes, got "
                        f"{axes!r}")
    names = ("clean", "noisy", "reconstructed", "compared")
    arrays = [as_array(p, name, func, ndim=2, shape_hint="(H, W)")
              for p, name in zip(pictures, names)]
    for a, name in zip(arrays[1:], names[1:]):
        if a.shape != arrays[0].shape:
            raise ValueError(f"{func}: argument '{name}' must have the shape of 'clean', "
                             f"{arrays[0].shape}, got {a.shape}")
    for ax, gid, data, title in zip(axes, _GIDS, arrays, titles):
        _show(ax, gid, data, title)
    clean = arrays[0]
    errors = {name: float(np.mean((a - clean) ** 2)) for name, a in zip(names[1:], arrays[1:])}
    return errors


def _predict(model, x, name, func):
    predict = getattr(model, "predict", None)
    if not callable(predict):
        raise TypeError(f"{func}: argument '{name}' must have a predict(x) method (a trained "
                        f"model), got {model!r}")
    out = np.asarray(predict(x), dtype=np.float64)
    if out.shape != x.shape:
        raise ValueError(f"{func}: {name}.predict on rows of shape {x.shape} must give the same "
                         f"shape (a reconstruction), got {out.shape}")
    return out


def denoising_explorer(model, images, labels=None, *, compare=None, noise=0.3, max_noise=0.6,
                       step=0.05, index=0, random_state=0, names=("denoising AE", "plain AE"),
                       figsize=(6.4, 1.9)):
    """Turn the noise up and down on a digit and see what ``model`` reconstructs from it.

    model (and compare, optional): trained models whose ``predict`` maps rows (N, H*W) to
    reconstructions of the same shape; images: (N, H, W) or (N, H, W, 1) in [0, 1]; labels:
    (N,) or None. The noise slider runs from 0 to ``max_noise`` in steps of ``step`` (noise
    must be one of them); every noisy image and reconstruction is computed here, once.

    Returns an ``ipywidgets.VBox`` with the class ``course-widget``; ``noise_slider``,
    ``image_slider``, ``levels`` (the noise levels), ``noisy`` and ``reconstructions``
    ((levels, N, H, W) arrays; ``compared`` too with ``compare``) are attributes.
    """
    import ipywidgets as widgets

    func = "denoising_explorer"
    images = as_array(images, "images", func, shape_hint="(N, H, W) or (N, H, W, 1)")
    if images.ndim == 4 and images.shape[3] == 1:
        images = images[..., 0]
    if images.ndim != 3:
        raise ValueError(f"{func}: argument 'images' must have shape (N, H, W) or (N, H, W, 1), "
                         f"got {images.shape}")
    n, h, w = images.shape
    if labels is not None:
        labels = np.asarray(labels).reshape(-1)
        if labels.shape[0] != n:
            raise ValueError(f"{func}: argument 'labels' must hold one label per image, {n}, "
                             f"got {labels.shape[0]}")
    step = check_real(step, "step", func)
    max_noise = check_real(max_noise, "max_noise", func)
    if not 0 < step <= max_noise:
        raise ValueError(f"{func}: arguments 'step' and 'max_noise' must satisfy 0 < step <= "
                         f"max_noise, got {step} and {max_noise}")
    n_steps = int(round(max_noise / step))
    if abs(n_steps * step - max_noise) > 1e-9:
        raise ValueError(f"{func}: argument 'max_noise' must be a whole number of steps "
                         f"({step}), got {max_noise}")
    noise = check_real(noise, "noise", func)
    k0 = int(round(noise / step))
    if abs(k0 * step - noise) > 1e-9 or not 0 <= k0 <= n_steps:
        raise ValueError(f"{func}: argument 'noise' must be one of the slider's values 0, "
                         f"{step}, ..., {max_noise}, got {noise}")
    index = check_int(index, "index", func, minimum=0, maximum=n - 1)

    levels = np.arange(n_steps + 1) * step
    unit = as_rng(random_state, func).standard_normal(images.shape)
    noisy = np.stack([corrupt(images, s, unit) for s in levels])          # (L, N, H, W)
    rows = noisy.reshape(-1, h * w).astype(np.float32)
    recon = _predict(model, rows, "model", func).reshape(noisy.shape)
    other = None if compare is None else _predict(compare, rows, "compare", func).reshape(
        noisy.shape)
    n_panels = 3 if other is None else 4
    titles = ("clean", "noisy input", names[0], names[1])

    def draw(fig, noise, image):
        if not fig.axes:
            for k in range(n_panels):
                fig.add_subplot(1, n_panels, k + 1)
        k = min(max(int(round(noise / step)), 0), n_steps)
        errors = draw_denoising(fig.axes[:n_panels], images[image], noisy[k, image],
                                recon[k, image], None if other is None else other[k, image],
                                titles=titles)
        digit = "" if labels is None else f" (digit {labels[image]})"
        text = (f"image {image}{digit}, noise std {levels[k]:.2f}: mean squared error against "
                f"the clean image: noisy input <b>{errors['noisy']:.4f}</b>, {names[0]} "
                f"<b>{errors['reconstructed']:.4f}</b>")
        if other is not None:
            text += f", {names[1]} <b>{errors['compared']:.4f}</b>"
        return text

    controls = {
        "noise": float_slider(levels[k0], (0.0, float(levels[-1])), "noise std",
                              steps=n_steps),
        "image": widgets.IntSlider(value=index, min=0, max=n - 1, step=1, description="image",
                                   continuous_update=True),
    }
    box = build_explorer(controls, draw, figsize=figsize, controls_per_row=2)
    box.noise_slider, box.image_slider = controls["noise"], controls["image"]
    box.levels, box.noisy, box.reconstructions = levels, noisy, recon
    if other is not None:
        box.compared = other
    return box

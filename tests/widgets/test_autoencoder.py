"""Tests for chapter 16's denoising explorer: the pictures and read-out hold the right numbers."""
import numpy as np
import pytest
from matplotlib.figure import Figure

from course_lib.widgets.autoencoder import (corrupt, denoising_explorer, draw_denoising,
                                            reconstruction_errors)


class Halver:
    """A stand-in model whose reconstruction is half its input: easy to predict by hand."""

    def predict(self, x):
        return 0.5 * np.asarray(x)


class Blank:
    def predict(self, x):
        return np.zeros_like(np.asarray(x))


def images(n=5, seed=0):
    return np.random.default_rng(seed).random((n, 8, 8, 1))


def test_corrupt_clips_to_the_pixel_range():
    x = np.array([[0.0, 0.5, 1.0]])
    eps = np.array([[-1.0, 2.0, 1.0]])
    np.testing.assert_allclose(corrupt(x, 0.2, eps), [[0.0, 0.9, 1.0]])
    np.testing.assert_allclose(corrupt(x, 0.0, eps), x)
    with pytest.raises(ValueError, match="noise_std"):
        corrupt(x, -0.1, eps)
    with pytest.raises(ValueError, match="unit_noise"):
        corrupt(x, 0.1, eps[:, :2])


def test_reconstruction_errors_by_hand():
    x = np.zeros((2, 2, 2))
    x_hat = np.zeros((2, 2, 2))
    x_hat[0, 0, 0] = 2.0          # one pixel off by 2 in four: 4 / 4 = 1
    x_hat[1] = 0.5                # every pixel off by 0.5: 0.25
    np.testing.assert_allclose(reconstruction_errors(x, x_hat), [1.0, 0.25])
    with pytest.raises(ValueError, match="same shape"):
        reconstruction_errors(x, x_hat[:1])


def test_drawing_shows_the_arrays_and_their_errors():
    rng = np.random.default_rng(1)
    clean, noisy, recon = rng.random((3, 8, 8))
    fig = Figure()
    axes = [fig.add_subplot(1, 3, k + 1) for k in range(3)]
    errors = draw_denoising(axes, clean, noisy, recon)
    for ax, want in zip(axes, (clean, noisy, recon)):
        np.testing.assert_allclose(ax.get_images()[0].get_array(), want)
    assert errors["noisy"] == pytest.approx(np.sum((noisy - clean) ** 2) / 64)
    assert errors["reconstructed"] == pytest.approx(np.sum((recon - clean) ** 2) / 64)
    draw_denoising(axes, recon, clean, noisy)             # a second call updates in place
    assert all(len(ax.get_images()) == 1 for ax in axes)
    np.testing.assert_allclose(axes[0].get_images()[0].get_array(), recon)
    with pytest.raises(TypeError, match="axes"):
        draw_denoising(axes[:2], clean, noisy, recon)


def test_explorer_follows_its_sliders():
    x = images()
    box = denoising_explorer(Halver(), x, labels=[3, 1, 4, 1, 5], noise=0.3, random_state=7)
    assert box.noise_slider.value == pytest.approx(0.3)
    # the same unit noise the explorer drew, computed independently
    unit = np.random.default_rng(7).standard_normal((5, 8, 8))
    box.image_slider.value = 2
    box.noise_slider.value = 0.5
    want_noisy = np.clip(x[2, :, :, 0] + 0.5 * unit[2], 0, 1)
    axes = box.figure.axes
    np.testing.assert_allclose(axes[0].get_images()[0].get_array(), x[2, :, :, 0])
    np.testing.assert_allclose(axes[1].get_images()[0].get_array(), want_noisy, atol=1e-12)
    np.testing.assert_allclose(axes[2].get_images()[0].get_array(), 0.5 * want_noisy,
                               atol=1e-6)
    mse = np.mean((want_noisy - x[2, :, :, 0]) ** 2)
    assert f"<b>{mse:.4f}</b>" in box.readout.value
    assert "digit 4" in box.readout.value and "0.50" in box.readout.value
    # noise 0: the noisy input is the clean image
    box.noise_slider.value = 0.0
    np.testing.assert_allclose(axes[1].get_images()[0].get_array(), x[2, :, :, 0])
    assert "noisy input <b>0.0000</b>" in box.readout.value


def test_second_model_gets_its_own_panel():
    x = images(3)
    box = denoising_explorer(Halver(), x, compare=Blank(), noise=0.0)
    assert len(box.figure.axes) == 4
    np.testing.assert_allclose(box.figure.axes[3].get_images()[0].get_array(), 0.0)
    want = np.mean(x[0, :, :, 0] ** 2)          # the blank model's error on the clean image
    assert f"plain AE <b>{want:.4f}</b>" in box.readout.value


def test_slider_starts_on_a_step_and_bad_input_is_named():
    box = denoising_explorer(Halver(), images(2), noise=0.25, max_noise=0.5, step=0.05)
    s = box.noise_slider
    k = (s.value - s.min) / s.step
    assert abs(k - round(k)) < 1e-9 and s.max == pytest.approx(0.5)
    with pytest.raises(ValueError, match="noise"):
        denoising_explorer(Halver(), images(2), noise=0.33)
    with pytest.raises(TypeError, match="model"):
        denoising_explorer(object(), images(2))
    with pytest.raises(ValueError, match="images"):
        denoising_explorer(Halver(), np.zeros((2, 8, 8, 3)))

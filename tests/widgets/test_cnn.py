"""Tests for chapter 15's feature-map explorer: the pictures hold the right numbers."""
import numpy as np
import pytest
from matplotlib.figure import Figure
from scipy import ndimage, signal

from course_lib.layers import Conv2D, Dense, Flatten, MaxPooling2D
from course_lib.models import Sequential
from course_lib.utils import set_random_seed
from course_lib.widgets.cnn import draw_feature_maps, feature_map_explorer, feature_maps


def reference_maps(image, kernel, bias):
    # Independent: SciPy's 2-D cross-correlation with zero padding of one pixel (a 3x3 kernel,
    # 'same', stride 1), ReLU, then 2 x 2 max pooling written with a reshape.
    z = signal.correlate2d(image, kernel, mode="same", boundary="fill", fillvalue=0) + bias
    a = np.maximum(z, 0)
    h, w = a.shape
    pooled = a[:h // 2 * 2, :w // 2 * 2].reshape(h // 2, 2, w // 2, 2).max(axis=(1, 3))
    return z, a, pooled


def new_axes():
    fig = Figure()
    return [fig.add_subplot(1, 4, k + 1) for k in range(4)]


def test_feature_maps_match_scipy():
    rng = np.random.default_rng(3)
    image, kernel = rng.normal(size=(8, 8)), rng.normal(size=(3, 3))
    for got, want in zip(feature_maps(image, kernel, 0.3), reference_maps(image, kernel, 0.3)):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_hand_computed_vertical_edge():
    # Columns 3 and 4 bright. The filter (-1, 0, 1) in each of its 3 rows: windows whose right
    # column is bright and left column dark answer 3 * 1 = 3 (columns 2 and 3); at column 4
    # the zero padding on the right makes it 3 * (-1) = -3, which ReLU cuts to 0.
    image = np.zeros((5, 5))
    image[:, 3:] = 1.0
    kernel = np.tile([-1.0, 0.0, 1.0], (3, 1))
    z, a, _ = feature_maps(image, kernel)
    np.testing.assert_allclose(z[2], [0, 0, 3, 3, -3])
    np.testing.assert_allclose(a[2], [0, 0, 3, 3, 0])


def test_drawing_shows_the_computed_arrays():
    rng = np.random.default_rng(0)
    image, kernel = rng.random((8, 8)), rng.normal(size=(3, 3))
    axes = new_axes()
    info = draw_feature_maps(axes, image, kernel, -0.1)
    _, a, pooled = reference_maps(image, kernel, -0.1)
    shown = [ax.get_images()[0].get_array() for ax in axes]
    np.testing.assert_allclose(shown[0], image)
    np.testing.assert_allclose(shown[1], kernel)
    np.testing.assert_allclose(shown[2], a, atol=1e-12)
    np.testing.assert_allclose(shown[3], pooled, atol=1e-12)
    assert info["peak"] == pytest.approx(a.max())
    assert a[info["peak_at"]] == pytest.approx(a.max())
    # the filter's colour scale is centred on 0
    low, high = axes[1].get_images()[0].get_clim()
    assert low == pytest.approx(-high) and high == pytest.approx(np.abs(kernel).max())
    # a second call updates in place
    draw_feature_maps(axes, image.T, kernel, 0.0)
    assert all(len(ax.get_images()) == 1 for ax in axes)
    np.testing.assert_allclose(axes[2].get_images()[0].get_array(),
                               reference_maps(image.T, kernel, 0.0)[1], atol=1e-12)


def small_model():
    set_random_seed(1)
    model = Sequential([Conv2D(4, 3, padding="same", activation="relu", input_shape=(8, 8, 1),
                               bias_initializer="random_normal"),
                        MaxPooling2D(2), Flatten(), Dense(3, activation="softmax")],
                       dtype="float64")
    return model


def test_explorer_follows_its_sliders():
    model = small_model()
    rng = np.random.default_rng(5)
    images = rng.random((6, 8, 8, 1))
    box = feature_map_explorer(model, images, labels=[0, 1, 2, 3, 4, 5])
    assert "course-widget" in box._dom_classes
    kernel, bias = model.layers[0].kernel, model.layers[0].bias
    for i, f in [(0, 0), (4, 2), (5, 3)]:
        box.image_slider.value, box.filter_slider.value = i, f
        _, a, pooled = reference_maps(images[i, :, :, 0], kernel[:, :, 0, f], bias[f])
        np.testing.assert_allclose(box.axes[2].get_images()[0].get_array(), a, atol=1e-10)
        np.testing.assert_allclose(box.axes[3].get_images()[0].get_array(), pooled,
                                   atol=1e-10)
        assert f"digit {i}" in box.readout.value and f"filter {f}" in box.readout.value
    # every slider starts on one of its steps
    for s in (box.image_slider, box.filter_slider):
        assert (s.value - s.min) % s.step == 0


def test_bad_arguments_are_named():
    model = small_model()
    with pytest.raises(ValueError, match="images"):
        feature_map_explorer(model, np.zeros((2, 6, 6, 1)))
    with pytest.raises(TypeError, match="model"):
        feature_map_explorer(Sequential([Dense(2, input_shape=(3,))]), np.zeros((2, 8, 8, 1)))
    with pytest.raises(ValueError, match="labels"):
        feature_map_explorer(model, np.zeros((2, 8, 8, 1)), labels=[1, 2, 3])
    with pytest.raises(TypeError, match="axes"):
        draw_feature_maps(new_axes()[:3], np.zeros((8, 8)), np.zeros((3, 3)))

"""Tests for chapter 10's model-size explorer: real fits, read back from the picture."""
import numpy as np
import pytest
from matplotlib.figure import Figure

from course_lib.widgets.regularization import (draw_model_size, fit_polynomial,
                                               make_noisy_curve, model_size_curves,
                                               model_size_explorer, polynomial_features,
                                               predict_polynomial, true_curve)


def new_axes():
    fig = Figure()
    return [fig.add_subplot(1, 2, 1), fig.add_subplot(1, 2, 2)]


def polyfit_mse(x, y, x_eval, y_eval, degree):
    """Independent reference: NumPy's power-basis polyfit, evaluated with polyval."""
    coef = np.polyfit(x, y, degree)
    return np.mean((np.polyval(coef, x_eval) - y_eval) ** 2)


def test_noisy_curve_is_seeded_nested_and_has_the_stated_noise():
    x, y = make_noisy_curve(50, noise=0.3, random_state=4)
    x2, y2 = make_noisy_curve(50, noise=0.3, random_state=4)
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(y, y2)
    big_x, big_y = make_noisy_curve(200, noise=0.3, random_state=4)
    np.testing.assert_array_equal(big_x[:50], x)      # a larger draw starts with the smaller
    np.testing.assert_array_equal(big_y[:50], y)
    assert np.all((x >= -1) & (x <= 1))
    x, y = make_noisy_curve(20000, noise=0.3, random_state=1)
    residual = y - np.sin(np.pi * x)
    assert abs(residual.mean()) < 0.01
    assert residual.std() == pytest.approx(0.3, rel=0.03)
    assert not np.array_equal(make_noisy_curve(5, random_state=0)[0],
                              make_noisy_curve(5, random_state=1)[0])


def test_polynomial_fit_agrees_with_numpy_polyfit():
    x, y = make_noisy_curve(30, random_state=2)
    grid = np.linspace(-1, 1, 7)
    for degree in (0, 1, 3, 7):
        coef = fit_polynomial(x, y, degree)
        assert coef.shape == (degree + 1,)
        np.testing.assert_allclose(predict_polynomial(coef, grid),
                                   np.polyval(np.polyfit(x, y, degree), grid), atol=1e-8)
    # The Legendre columns by hand: P0 = 1, P1 = x, P2 = (3x^2 - 1) / 2.
    np.testing.assert_allclose(polynomial_features([0.5, -1.0], 2),
                               [[1, 0.5, -0.125], [1, -1.0, 1.0]])


def test_curves_are_the_errors_of_real_fits():
    x, y = make_noisy_curve(25, random_state=0)
    xv, yv = make_noisy_curve(100, random_state=1)
    curves = model_size_curves(x, y, xv, yv, max_degree=9)
    np.testing.assert_array_equal(curves["degree"], np.arange(10))
    for d in (0, 2, 5, 9):
        assert curves["train_mse"][d] == pytest.approx(polyfit_mse(x, y, x, y, d), rel=1e-6)
        assert curves["val_mse"][d] == pytest.approx(polyfit_mse(x, y, xv, yv, d), rel=1e-6)
    # Nested models: a larger degree can always copy a smaller one, so training error never
    # rises (up to rounding).
    assert np.all(np.diff(curves["train_mse"]) <= 1e-12)


def test_more_points_than_parameters_needed_to_interpolate():
    x, y = make_noisy_curve(10, random_state=3)
    xv, yv = make_noisy_curve(50, random_state=4)
    curves = model_size_curves(x, y, xv, yv, max_degree=12)
    # 10 points, degree >= 9: the polynomial passes through every training point.
    assert np.all(curves["train_mse"][9:] < 1e-20)
    assert curves["val_mse"][9] > 10 * curves["val_mse"][3]


def test_draw_model_size_shows_the_fit_and_the_errors():
    x, y = make_noisy_curve(20, random_state=0)
    xv, yv = make_noisy_curve(200, random_state=1)
    axes = new_axes()
    info = draw_model_size(axes, 4, x, y, xv, yv, max_degree=10, noise=0.3)
    assert info["degree"] == 4 and info["n_params"] == 5
    assert info["train_mse"] == pytest.approx(polyfit_mse(x, y, x, y, 4), rel=1e-6)
    assert info["val_mse"] == pytest.approx(polyfit_mse(x, y, xv, yv, 4), rel=1e-6)
    expected_val = [polyfit_mse(x, y, xv, yv, d) for d in range(11)]
    assert info["best_degree"] == int(np.argmin(expected_val))
    gx, gy = (np.asarray(v, float) for v in axes[0].lines[1].get_data())   # the fitted curve
    np.testing.assert_allclose(gy, np.polyval(np.polyfit(x, y, 4), gx), atol=1e-8)
    np.testing.assert_allclose(axes[0].lines[0].get_ydata(), true_curve(gx))
    np.testing.assert_allclose(axes[0].collections[0].get_offsets(), np.column_stack([x, y]))
    _, val_drawn = axes[1].lines[1].get_data()
    np.testing.assert_allclose(val_drawn, np.maximum(expected_val, 1e-3), rtol=1e-6)
    marker = [ln for ln in axes[1].lines if ln.get_gid() == "model-size-marker"][0]
    assert list(marker.get_xdata()) == [4, 4]
    noise_line = [ln for ln in axes[1].lines if ln.get_linestyle() == ":"][0]
    assert noise_line.get_ydata()[0] == pytest.approx(0.09)
    # Redrawing on the same axes moves the artists instead of adding new ones.
    n_lines = len(axes[0].lines) + len(axes[1].lines)
    info = draw_model_size(axes, 1, x, y, xv, yv, max_degree=10, noise=0.3)
    assert len(axes[0].lines) + len(axes[1].lines) == n_lines
    assert list(marker.get_xdata()) == [1, 1]
    assert "degree 1" in axes[0].get_title()


def test_draw_model_size_rejects_bad_input():
    x, y = make_noisy_curve(20)
    with pytest.raises(ValueError, match="degree"):
        draw_model_size(new_axes(), 11, x, y, x, y, max_degree=10)
    with pytest.raises(TypeError, match="axes"):
        draw_model_size(None, 1, x, y, x, y)
    with pytest.raises(ValueError, match="same length"):
        fit_polynomial([1.0, 2.0], [1.0], 1)
    with pytest.raises(TypeError, match="x"):
        fit_polynomial("abc", [1.0], 1)


def test_explorer_sliders_refit_and_redraw():
    box = model_size_explorer(degree=3, n_train=20)
    for slider in (box.degree_slider, box.n_train_slider):
        assert (slider.value - slider.min) % slider.step == 0
    x_pool, y_pool = make_noisy_curve(200, 0.3, 0)
    xv, yv = make_noisy_curve(200, 0.3, 1)
    assert f"{polyfit_mse(x_pool[:20], y_pool[:20], xv, yv, 3):.3f}" in box.readout.value
    before = box.image.value
    box.degree_slider.value = 12
    assert box.image.value != before
    assert f"{polyfit_mse(x_pool[:20], y_pool[:20], xv, yv, 12):.3f}" in box.readout.value
    box.n_train_slider.value = 150
    assert "<b>150</b> training points" in box.readout.value
    assert f"{polyfit_mse(x_pool[:150], y_pool[:150], xv, yv, 12):.3f}" in box.readout.value
    assert len(box.axes[0].collections[0].get_offsets()) == 150
    with pytest.raises(ValueError, match="n_train"):
        model_size_explorer(n_train=25)
    with pytest.raises(ValueError, match="degree"):
        model_size_explorer(degree=16)

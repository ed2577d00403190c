"""Tests for chapter 12's smoothing explorer: the drawn encodings and weights read back right."""
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from sklearn.preprocessing import TargetEncoder

from course_lib.datasets import make_car_prices
from course_lib.widgets.preprocessing import (draw_smoothing, smoothing_explorer,
                                              smoothing_weights)


def new_axes():
    fig = Figure()
    return [fig.add_subplot(1, 2, 1), fig.add_subplot(1, 2, 2)]


def sklearn_encodings(categories, target, m):
    """scikit-learn's m-estimate (``smooth=m``), fitted on all rows, per sorted category."""
    enc = TargetEncoder(smooth=m, target_type="continuous")
    enc.fit(np.asarray(categories, dtype=object).reshape(-1, 1), np.asarray(target, float))
    return enc.categories_[0], enc.encodings_[0]


def per_category(categories, target):
    frame = pd.DataFrame({"c": categories, "t": target}).groupby("c")["t"].agg(["count", "mean"])
    return frame.index.to_numpy(), frame["count"].to_numpy(float), frame["mean"].to_numpy()


def test_smoothing_weights_by_hand():
    # Category a: 1 row with target 10; b: 3 rows with mean 2; prior 4; m = 1.
    # w_a = 1/2 -> (10 + 4)/2 = 7; w_b = 3/4 -> 0.75 * 2 + 0.25 * 4 = 2.5.
    weights, encodings = smoothing_weights([1, 3], [10.0, 2.0], 4.0, 1.0)
    np.testing.assert_allclose(weights, [0.5, 0.75])
    np.testing.assert_allclose(encodings, [7.0, 2.5])
    weights, encodings = smoothing_weights([1, 3], [10.0, 2.0], 4.0, 0.0)
    np.testing.assert_allclose(weights, [1.0, 1.0])
    np.testing.assert_allclose(encodings, [10.0, 2.0])


@pytest.mark.parametrize("m", [0.5, 3.0, 25.0])
def test_smoothing_weights_match_scikit_learn(m):
    cars = make_car_prices(200, random_state=3)
    labels, counts, means = per_category(cars["make"], cars["price"])
    _, encodings = smoothing_weights(counts, means, cars["price"].mean(), m)
    sk_labels, sk_encodings = sklearn_encodings(cars["make"], cars["price"], m)
    assert list(sk_labels) == list(labels)
    np.testing.assert_allclose(encodings, sk_encodings, rtol=1e-10)


def test_draw_smoothing_shows_the_encodings_and_weights():
    cars = make_car_prices(120, random_state=1)
    labels, counts, means = per_category(cars["make"], cars["price"])
    prior, m = float(cars["price"].mean()), 7.5
    axes = new_axes()
    info = draw_smoothing(axes, counts, means, prior, m, labels=labels)
    _, sk_encodings = sklearn_encodings(cars["make"], cars["price"], m)
    shown = axes[0].collections[1].get_offsets()            # the filled points
    np.testing.assert_allclose(shown[:, 0], counts)
    np.testing.assert_allclose(shown[:, 1], sk_encodings, rtol=1e-10)
    np.testing.assert_allclose(info["encodings"], sk_encodings, rtol=1e-10)
    np.testing.assert_allclose(info["largest_pull"], np.max(np.abs(sk_encodings - means)))
    curve, marks = axes[1].lines[0], axes[1].lines[1]
    x, y = (np.asarray(v, float) for v in curve.get_data())
    np.testing.assert_allclose(y, x / (x + m))
    # The weight curve crosses 1/2 where n_c = m: interpolate in log n.
    assert np.exp(np.interp(0.5, y, np.log(x))) == pytest.approx(m, rel=1e-2)
    np.testing.assert_allclose(np.asarray(marks.get_ydata(), float), counts / (counts + m))
    # Redrawing moves the same artists instead of adding new ones.
    n_artists = len(axes[0].get_children()), len(axes[1].get_children())
    info = draw_smoothing(axes, counts, means, prior, 0.0, labels=labels)
    assert (len(axes[0].get_children()), len(axes[1].get_children())) == n_artists
    np.testing.assert_allclose(axes[0].collections[1].get_offsets()[:, 1], means)
    assert info["largest_pull"] == 0.0


def test_explorer_slider_starts_on_a_step_and_redraws():
    cars = make_car_prices(300, random_state=0)
    box = smoothing_explorer(cars["make"], cars["price"], m=5.0)
    slider = box.m_slider
    k = (slider.value - slider.min) / slider.step
    assert k == round(k) and slider.value == 5.0
    # The rarest make is one of those with one car; its encoding by hand.
    counts = cars["make"].value_counts()
    rare = box.table["count"].idxmin()
    assert counts[rare] == 1
    own = float(cars.loc[cars["make"] == rare, "price"].iloc[0])
    prior = float(cars["price"].mean())
    assert box.prior == pytest.approx(prior)
    first_png, first_text = bytes(box.image.value), box.readout.value
    assert f"{(own + 5 * prior) / 6:,.0f}" in first_text and "0.17" in first_text
    slider.value = 20.0
    assert bytes(box.image.value) != first_png
    assert f"{(own + 20 * prior) / 21:,.0f}" in box.readout.value
    assert "m = <b>20</b>" in box.readout.value
    assert "course-widget" in box._dom_classes


def test_explorer_snaps_m_to_the_slider_grid():
    cars = make_car_prices(100, random_state=0)
    box = smoothing_explorer(cars["make"], cars["price"], m=3.3, m_range=(0, 10), steps=20)
    assert box.m_slider.value == 3.5


@pytest.mark.parametrize("kwargs, match", [
    ({"m": -1.0}, "'m'"),
    ({"m_range": (-1.0, 5.0)}, "'m_range'"),
    ({"steps": 0}, "'steps'"),
])
def test_explorer_names_bad_arguments(kwargs, match):
    cars = make_car_prices(60, random_state=0)
    with pytest.raises(ValueError, match=match):
        smoothing_explorer(cars["make"], cars["price"], **kwargs)


def test_smoothing_weights_names_bad_input():
    with pytest.raises(ValueError, match="'counts' and 'means'"):
        smoothing_weights([1, 2], [1.0], 0.0, 1.0)
    with pytest.raises(ValueError, match="'counts'"):
        smoothing_weights([0, 2], [1.0, 2.0], 0.0, 1.0)
    with pytest.raises(ValueError, match="'m'"):
        smoothing_weights([1, 2], [1.0, 2.0], 0.0, -3.0)
    with pytest.raises(TypeError, match="'axes'"):
        draw_smoothing("not axes", [1], [1.0], 0.0, 1.0)

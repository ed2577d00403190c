"""A slider move redraws only what it changes (not timed: the benchmarks time; these check
that the background is kept and that the picture is still the full one)."""
import io

import numpy as np
import pytest
from PIL import Image

from course_lib.widgets._base import render_png


def _pixels(png):
    return np.asarray(Image.open(io.BytesIO(bytes(png))).convert("RGB")).astype(int)


def _line_fit():
    from course_lib.widgets.line_fit import line_fit_explorer
    return line_fit_explorer([1.0, 2.0, 3.0, 4.0, 5.0], [2.1, 3.9, 6.2, 7.8, 10.1]), "w"


def _neuron():
    from course_lib.widgets.neuron import neuron_explorer
    return neuron_explorer(n_inputs=2, activation="relu"), "w1"


def _activation():
    from course_lib.widgets.activations import activation_explorer
    return activation_explorer("sigmoid"), "w"


def _losses():
    from course_lib.widgets.losses import loss_explorer
    return loss_explorer(p=0.05, y=1), "p"


def _learning_rate():
    from course_lib.widgets.gradient_descent import learning_rate_explorer
    return learning_rate_explorer(learning_rate=0.05, n_steps=20), "n_steps"


def _minibatch():
    from course_lib.widgets.gradient_descent import minibatch_fit_explorer
    return minibatch_fit_explorer(), "iteration"


def _backprop():
    from course_lib.widgets.backprop import backprop_explorer
    return backprop_explorer(), "step"


def _model_size():
    from course_lib.widgets.regularization import model_size_explorer
    return model_size_explorer(degree=3, n_train=20), "degree"


def _kmeans():
    from course_lib.widgets.kmeans import kmeans_stepper
    rng = np.random.default_rng(0)
    X = np.concatenate([c + rng.normal(0, 0.5, (20, 2)) for c in ([0, 0], [4, 0], [2, 4])])
    return kmeans_stepper(X, 3, n_seeds=2), "step"


def _pca():
    from course_lib.widgets.pca import pca_explorer
    X = np.random.default_rng(0).normal(size=(40, 4)) @ np.diag([3.0, 2.0, 1.0, 0.5])
    return pca_explorer(X), "x_component"


def _smoothing():
    from course_lib.widgets.preprocessing import smoothing_explorer
    rng = np.random.default_rng(0)
    makes = rng.choice(["a", "b", "c", "d"], size=60, p=[0.6, 0.25, 0.1, 0.05])
    return smoothing_explorer(makes, rng.normal(10.0, 2.0, 60), m=5.0), "m"


@pytest.mark.parametrize("build", [_line_fit, _neuron, _activation, _losses, _learning_rate,
                                   _minibatch, _backprop, _model_size, _kmeans, _pca,
                                   _smoothing])
def test_a_move_keeps_the_background_and_gives_the_full_picture(build):
    box, name = build()
    slider = box.controls[name]
    values = [v for v in np.linspace(slider.min, slider.max, 5)[1:]]
    if isinstance(slider.value, int):
        values = sorted({int(round(v)) for v in values} - {slider.value})
    slider.value = values[0]  # the first move after building may lay the background out
    full = box.blitter.full_draws
    for value in values[1:]:
        slider.value = value
    assert box.blitter.full_draws == full, "a slider move redrew the whole figure"
    # The blitted picture is the one a full redraw gives (up to a rounding step of Agg's
    # blending where a live artist meets a tick).
    blitted = _pixels(box.image.value)
    full_picture = _pixels(render_png(box.figure, dpi=box.figure.dpi))
    assert blitted.shape == full_picture.shape
    assert np.abs(blitted - full_picture).max() <= 1

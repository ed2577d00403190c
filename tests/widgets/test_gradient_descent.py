"""Tests for chapter 06's explorers: gradient descent on the bowl, a line fitted batch by batch.

References are independent of the module: losses worked out by hand, centred finite
differences, and the update rules (SGD, momentum, Adam in Keras' form, the line's MSE gradient)
written out as plain loops in the tests.
"""
import math

import ipywidgets as widgets
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from course_lib.widgets.gradient_descent import (
    BOWL_HESSIAN, BOWL_MINIMUM, BOWL_START, DIVERGED_LOSS, OPTIMIZERS, bowl_gradient, bowl_loss,
    descent_path, draw_descent, draw_minibatch_fit, learning_rate_explorer, minibatch_fit_explorer,
    minibatch_sgd_run)


# ---------------------------------------------------------------------------------------------
# the bowl
# ---------------------------------------------------------------------------------------------

def test_bowl_values_worked_out_by_hand():
    # H = [[5.5, 4.5], [4.5, 5.5]]: d = (1, 1) gives d^T H d = 20, d = (1, -1) gives 2.
    assert bowl_loss(BOWL_MINIMUM) == pytest.approx(0.0)
    assert bowl_loss(BOWL_MINIMUM + [1.0, 1.0]) == pytest.approx(10.0)
    assert bowl_loss(BOWL_MINIMUM + [1.0, -1.0]) == pytest.approx(1.0)
    assert bowl_gradient(BOWL_MINIMUM + [1.0, 0.0]) == pytest.approx([5.5, 4.5])
    # Eigenvalues 10 and 1, as the chapter says: plain SGD diverges above 2 / 10.
    assert np.linalg.eigvalsh(BOWL_HESSIAN) == pytest.approx([1.0, 10.0])


@settings(max_examples=30, deadline=None)
@given(w1=st.floats(-5, 5), w2=st.floats(-5, 5))
def test_bowl_gradient_matches_finite_differences(w1, w2):
    h = 1e-5
    numeric = [(bowl_loss([w1 + h, w2]) - bowl_loss([w1 - h, w2])) / (2 * h),
               (bowl_loss([w1, w2 + h]) - bowl_loss([w1, w2 - h])) / (2 * h)]
    assert bowl_gradient([w1, w2]) == pytest.approx(numeric, rel=1e-6, abs=1e-6)


def test_bowl_works_on_a_grid_of_points():
    grid = np.stack(np.meshgrid(np.linspace(-1, 1, 4), np.linspace(0, 2, 3)), axis=-1)
    loss = bowl_loss(grid)
    assert loss.shape == (3, 4)
    assert loss[1, 2] == pytest.approx(bowl_loss(grid[1, 2]))
    assert bowl_gradient(grid).shape == (3, 4, 2)


# ---------------------------------------------------------------------------------------------
# descent paths, against the update rules written out here
# ---------------------------------------------------------------------------------------------

def _plain_sgd(lr, n):
    w = BOWL_START.astype(float).copy()
    out = [w.copy()]
    for _ in range(n):
        g = BOWL_HESSIAN @ (w - BOWL_MINIMUM)
        w = w - lr * g
        out.append(w.copy())
    return np.array(out)


def test_sgd_path_follows_the_rule():
    path, loss = descent_path(0.05, 30, "SGD")
    assert path == pytest.approx(_plain_sgd(0.05, 30))
    d = path - BOWL_MINIMUM
    assert loss == pytest.approx(0.5 * np.einsum("ni,ij,nj->n", d, BOWL_HESSIAN, d))


def test_momentum_path_follows_the_rule():
    lr, mu = 0.02, 0.9
    w, v = BOWL_START.astype(float).copy(), np.zeros(2)
    for _ in range(25):
        v = mu * v - lr * (BOWL_HESSIAN @ (w - BOWL_MINIMUM))
        w = w + v
    path, _ = descent_path(lr, 25, "SGD + momentum 0.9")
    assert path[-1] == pytest.approx(w)


def test_adam_path_follows_kerass_rule():
    lr, b1, b2, eps = 0.3, 0.9, 0.999, 1e-7
    w, m, v = BOWL_START.astype(float).copy(), np.zeros(2), np.zeros(2)
    for t in range(1, 21):
        g = BOWL_HESSIAN @ (w - BOWL_MINIMUM)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        lr_t = lr * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        w = w - lr_t * m / (np.sqrt(v) + eps)
    path, _ = descent_path(lr, 20, "Adam")
    assert path[-1] == pytest.approx(w)


@settings(max_examples=25, deadline=None)
@given(lr=st.floats(1e-3, 0.199))
def test_below_two_over_the_largest_curvature_sgd_never_increases_the_loss(lr):
    _, loss = descent_path(lr, 60, "SGD")
    assert len(loss) == 61
    assert np.all(np.diff(loss) <= 1e-12 * loss[:-1])


@settings(max_examples=25, deadline=None)
@given(lr=st.floats(0.21, 1.0))
def test_above_it_sgd_diverges_and_stops(lr):
    path, loss = descent_path(lr, 100, "SGD")
    assert loss[-1] > DIVERGED_LOSS
    assert len(loss) <= 101 and np.all(np.isfinite(path))
    assert np.all(loss[:-1] <= DIVERGED_LOSS)


def test_zero_steps_is_the_start():
    path, loss = descent_path(0.1, 0)
    assert path.shape == (1, 2) and path[0] == pytest.approx(BOWL_START)
    assert loss[0] == pytest.approx(bowl_loss(BOWL_START))


# ---------------------------------------------------------------------------------------------
# the learning-rate explorer
# ---------------------------------------------------------------------------------------------

def test_draw_descent_updates_in_place_and_reports_divergence():
    fig = Figure()
    final, diverged = draw_descent(fig, 0.1, 40, "SGD")
    assert not diverged and final == pytest.approx(descent_path(0.1, 40)[1][-1])
    n_artists = [len(ax.get_children()) for ax in fig.axes]
    final, diverged = draw_descent(fig, 0.5, 40, "SGD")
    assert diverged and final > DIVERGED_LOSS
    assert "diverged" in fig.axes[0].get_title()
    assert [len(ax.get_children()) for ax in fig.axes] == n_artists
    line = [a for a in fig.axes[0].get_lines() if a.get_gid() == "path"][0]
    assert np.asarray(line.get_xdata()) == pytest.approx(descent_path(0.5, 40)[0][:, 0])


def test_learning_rate_explorer_redraws_when_the_first_slider_moves():
    box = learning_rate_explorer(learning_rate=0.05, n_steps=10)
    assert "course-widget" in box._dom_classes
    first = box.children[0].children[0]
    assert first is box.lr_slider and isinstance(first, widgets.FloatLogSlider)
    before = box.image.value
    box.lr_slider.value = 0.5
    assert box.image.value != before
    assert "diverged" in box.readout.value
    box.optimizer_menu.value = "Adam"
    assert "diverged" not in box.readout.value
    box.steps_slider.value = 0
    assert "after 0 steps" in box.readout.value


# ---------------------------------------------------------------------------------------------
# mini-batch SGD on a line
# ---------------------------------------------------------------------------------------------

@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 40), batch=st.integers(1, 45), epochs=st.integers(1, 3),
       seed=st.integers(0, 1000))
def test_every_epoch_uses_every_sample_once_and_keeps_the_last_batch(n, batch, epochs, seed):
    x = np.linspace(-1, 1, n)
    run = minibatch_sgd_run(x, 3 * x, batch_size=batch, epochs=epochs, random_state=seed)
    per_epoch = -(-n // batch)
    assert run["batches_per_epoch"] == per_epoch
    assert len(run["batches"]) == epochs * per_epoch
    for e in range(epochs):
        chunk = run["batches"][e * per_epoch:(e + 1) * per_epoch]
        assert [len(b) for b in chunk] == [batch] * (n // batch) + ([n % batch] if n % batch
                                                                     else [])
        assert sorted(np.concatenate(chunk).tolist()) == list(range(n))
    assert run["epoch"].tolist() == [0] + [e for e in range(1, epochs + 1)
                                           for _ in range(per_epoch)]


def test_each_update_is_one_sgd_step_on_its_batch():
    rng = np.random.default_rng(3)
    x = rng.normal(size=23)
    y = 0.5 * x - 2 + rng.normal(0, 0.1, 23)
    run = minibatch_sgd_run(x, y, batch_size=5, learning_rate=0.2, epochs=3, random_state=4)
    w, b = 0.0, 0.0
    for k, idx in enumerate(run["batches"], start=1):
        dw = db = 0.0
        for i in idx:                         # dL/dw and dL/db of the batch MSE, by a loop
            err = w * x[i] + b - y[i]
            dw += 2 * err * x[i] / len(idx)
            db += 2 * err / len(idx)
        w, b = w - 0.2 * dw, b - 0.2 * db
        assert (run["w"][k], run["b"][k]) == pytest.approx((w, b))
        mse = sum((w * xi + b - yi) ** 2 for xi, yi in zip(x, y)) / len(x)
        assert run["loss"][k] == pytest.approx(mse)
    assert run["loss"][-1] < run["loss"][0] / 10


def test_full_batch_run_is_plain_gradient_descent_and_is_seeded():
    x = np.linspace(-2, 2, 12)
    y = 2 * x + 1
    run = minibatch_sgd_run(x, y, batch_size=12, learning_rate=0.1, epochs=30)
    w, b = 0.0, 0.0
    for _ in range(30):
        err = w * x + b - y
        w, b = w - 0.1 * 2 * np.mean(err * x), b - 0.1 * 2 * np.mean(err)
    assert (run["w"][-1], run["b"][-1]) == pytest.approx((w, b))
    a = minibatch_sgd_run(batch_size=4, random_state=7)
    c = minibatch_sgd_run(batch_size=4, random_state=7)
    d = minibatch_sgd_run(batch_size=4, random_state=8)
    assert all(np.array_equal(p, q) for p, q in zip(a["batches"], c["batches"]))
    assert not all(np.array_equal(p, q) for p, q in zip(a["batches"], d["batches"]))


def test_draw_minibatch_fit_shows_the_batch_and_the_lines():
    run = minibatch_sgd_run(batch_size=8, random_state=0)
    fig = Figure()
    draw_minibatch_fit(fig, run, 0)
    ax_fit = fig.axes[0]
    batch = [a for a in ax_fit.collections if a.get_gid() == "batch"][0]
    assert len(batch.get_offsets()) == 0
    loss = draw_minibatch_fit(fig, run, 6)
    assert loss == pytest.approx(run["loss"][6])
    idx = run["batches"][5]
    assert np.asarray(batch.get_offsets()) == pytest.approx(
        np.column_stack([run["x"][idx], run["y"][idx]]))
    after = [a for a in ax_fit.get_lines() if a.get_gid() == "after"][0]
    before = [a for a in ax_fit.get_lines() if a.get_gid() == "before"][0]
    x0, x1 = ax_fit.get_xlim()
    assert np.asarray(after.get_ydata()) == pytest.approx(
        [run["w"][6] * x0 + run["b"][6], run["w"][6] * x1 + run["b"][6]])
    assert np.asarray(before.get_ydata()) == pytest.approx(
        [run["w"][5] * x0 + run["b"][5], run["w"][5] * x1 + run["b"][5]])
    assert "epoch 2, batch 2 of 4" in ax_fit.get_title()


def test_minibatch_explorer_resizes_its_slider_with_the_batch_size():
    box = minibatch_fit_explorer(batch_size=8, epochs=5)
    assert "course-widget" in box._dom_classes
    assert box.children[0].children[0] is box.iteration_slider
    assert box.iteration_slider.max == 5 * 4          # 30 points in batches of 8
    before = box.image.value
    box.iteration_slider.value = 20
    assert box.image.value != before
    box.batch_menu.value = 30                        # full batch: 5 iterations in 5 epochs
    assert box.iteration_slider.max == 5 and box.iteration_slider.value == 5
    assert "batch size 30" in box.readout.value
    box.batch_menu.value = 1
    assert box.iteration_slider.max == 150


# ---------------------------------------------------------------------------------------------
# bad input names the argument
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("call, error, name", [
    (lambda: bowl_loss([1.0, 2.0, 3.0]), ValueError, "'w'"),
    (lambda: bowl_gradient("ab"), TypeError, "'w'"),
    (lambda: descent_path(-0.1, 10), ValueError, "'learning_rate'"),
    (lambda: descent_path(0.1, 2.5), TypeError, "'n_steps'"),
    (lambda: descent_path(0.1, 10, "Adagrad"), ValueError, "'optimizer'"),
    (lambda: draw_descent(Figure(), 0.1, -1), ValueError, "'n_steps'"),
    (lambda: learning_rate_explorer(n_steps=500), ValueError, "'n_steps'"),
    (lambda: learning_rate_explorer(optimizer="sgd!"), ValueError, "'optimizer'"),
    (lambda: minibatch_sgd_run([1.0, 2.0], [1.0]), ValueError, "'x' and 'y'"),
    (lambda: minibatch_sgd_run(batch_size=0), ValueError, "'batch_size'"),
    (lambda: minibatch_sgd_run(learning_rate=0), ValueError, "'learning_rate'"),
    (lambda: minibatch_sgd_run(epochs=1.5), TypeError, "'epochs'"),
    (lambda: minibatch_sgd_run(random_state="seed"), TypeError, "'random_state'"),
    (lambda: draw_minibatch_fit(Figure(), minibatch_sgd_run(epochs=1), 99), ValueError,
     "'iteration'"),
    (lambda: minibatch_fit_explorer(batch_size=31), ValueError, "'batch_size'"),
    (lambda: minibatch_fit_explorer(batch_sizes=[0, 4]), ValueError, "'batch_sizes'"),
])
def test_bad_input_names_the_argument(call, error, name):
    with pytest.raises(error, match=name):
        call()


def test_optimizer_names_are_the_menu():
    assert list(OPTIMIZERS) == ["SGD", "SGD + momentum 0.9", "RMSprop", "Adam"]

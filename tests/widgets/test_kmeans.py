"""Tests for chapter 13's K-means stepper: every stored half-step and every drawn number is
compared with a plain re-computation (loops, brute-force distances) and with scikit-learn."""
import ipywidgets as widgets
import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from sklearn.cluster import KMeans as SkKMeans

from course_lib.widgets.kmeans import INITS, draw_kmeans_step, kmeans_stepper, kmeans_trace


def blobs(seed=13, spread=0.7):
    # The chapter's data: six round blobs, 50 points each.
    rng = np.random.default_rng(seed)
    centres = np.array([[0, 0], [4, 0.5], [8, 0], [1.5, 4], [6, 4.5], [3.5, 8]])
    return np.concatenate([c + rng.normal(0, spread, (50, 2)) for c in centres])


def new_axes():
    fig = Figure()
    return [fig.add_subplot(1, 2, 1), fig.add_subplot(1, 2, 2)]


def nearest_by_loop(X, centers):
    return np.array([int(np.argmin([np.sum((x - c) ** 2) for c in centers])) for x in X])


def inertia_by_loop(X, centers, labels):
    return sum(float(np.sum((x - centers[j]) ** 2)) for x, j in zip(X, labels))


def test_random_start_is_k_distinct_samples_drawn_as_kmeans_draws_them():
    X = blobs()
    trace = kmeans_trace(X, 6, "random", random_state=4)
    idx = np.random.default_rng(4).choice(len(X), size=6, replace=False)
    np.testing.assert_array_equal(trace["centers"][0], X[idx])
    assert trace["stage"][0] == "start" and np.all(trace["labels"][0] == -1)
    assert np.isnan(trace["inertia"][0])


@pytest.mark.parametrize("init", INITS)
def test_every_half_step_is_one_assign_or_one_update(init):
    X = blobs()
    trace = kmeans_trace(X, 6, init, random_state=3)
    n = len(trace["stage"])
    assert trace["stage"][1::2] == ["assign"] * len(trace["stage"][1::2])
    assert trace["stage"][2::2] == ["update"] * len(trace["stage"][2::2])
    for s in range(1, n):
        centers, labels = trace["centers"][s], trace["labels"][s]
        if trace["stage"][s] == "assign":
            np.testing.assert_array_equal(centers, trace["centers"][s - 1])
            np.testing.assert_array_equal(labels, nearest_by_loop(X, centers))
        else:
            np.testing.assert_array_equal(labels, trace["labels"][s - 1])
            means = np.array([X[labels == j].mean(axis=0) for j in range(6)])
            np.testing.assert_allclose(centers, means, rtol=1e-12)
        assert trace["inertia"][s] == pytest.approx(inertia_by_loop(X, centers, labels))
    # Neither step can raise the inertia; the run ends on an assignment that changed nothing.
    assert np.all(np.diff(trace["inertia"][1:]) <= 1e-9)
    assert trace["converged"] and trace["stage"][-1] == "assign"
    np.testing.assert_array_equal(trace["labels"][-1], trace["labels"][-2])


@pytest.mark.parametrize("seed", [0, 1, 4])
def test_the_run_ends_where_scikit_learn_ends_from_the_same_start(seed):
    X = blobs()
    trace = kmeans_trace(X, 6, "random", random_state=seed)
    sk = SkKMeans(6, init=trace["centers"][0], n_init=1, tol=0.0, max_iter=300,
                  algorithm="lloyd").fit(X)
    np.testing.assert_allclose(trace["centers"][-1], sk.cluster_centers_, atol=1e-10)
    np.testing.assert_array_equal(trace["labels"][-1], sk.labels_)
    assert trace["inertia"][-1] == pytest.approx(sk.inertia_, rel=1e-10)


def test_restarts_land_in_different_minima_and_kmeans_plus_plus_does_better():
    X = blobs()
    random_ends = [kmeans_trace(X, 6, "random", s)["inertia"][-1] for s in range(10)]
    plusplus_ends = [kmeans_trace(X, 6, "k-means++", s)["inertia"][-1] for s in range(10)]
    best = SkKMeans(6, n_init=20, random_state=0).fit(X).inertia_
    assert min(random_ends) == pytest.approx(best, rel=1e-9)
    assert max(random_ends) > 1.5 * best           # some seeds get stuck
    assert np.mean(plusplus_ends) < np.mean(random_ends)


def test_drawing_shows_the_state_colours_centres_paths_and_inertia():
    X = blobs()
    trace = kmeans_trace(X, 6, "random", 0)
    axes = new_axes()
    info = draw_kmeans_step(axes, X, trace, 0)
    points = axes[0].collections[0]
    assert np.allclose(points.get_facecolors()[:, :3], 0.78)       # grey before assigning
    assert info["stage"] == "start" and np.isnan(info["inertia"])
    info = draw_kmeans_step(axes, X, trace, 3, best_inertia=100.0)
    labels = nearest_by_loop(X, trace["centers"][2])
    colours = points.get_facecolors()
    for j in range(6):
        same = colours[labels == j]
        assert np.all(same == same[0]) and same.shape[0] == np.sum(labels == j)
    assert len({tuple(c) for c in colours}) == 6
    np.testing.assert_allclose(axes[0].collections[1].get_offsets(), trace["centers"][3])
    # each path runs from the seeded centre through the states so far
    path_x, path_y = axes[0].lines[0].get_data()
    np.testing.assert_allclose(path_x, [trace["centers"][s][0, 0] for s in range(4)])
    assert info["inertia"] == pytest.approx(inertia_by_loop(X, trace["centers"][3], labels))
    xs, ys = axes[1].lines[0].get_data()
    np.testing.assert_allclose(ys, trace["inertia"][1:])
    np.testing.assert_allclose(axes[1].lines[2].get_ydata(), [100.0, 100.0])
    assert "iteration 2, assign" in axes[0].get_title()


def test_steps_past_the_end_show_the_converged_state_and_nothing_is_added():
    X = blobs()
    trace = kmeans_trace(X, 6, "k-means++", 2)
    axes = new_axes()
    draw_kmeans_step(axes, X, trace, 1)
    counts = [len(ax.get_children()) for ax in axes]
    info = draw_kmeans_step(axes, X, trace, 999)
    assert [len(ax.get_children()) for ax in axes] == counts
    assert info["state"] == len(trace["stage"]) - 1 and info["converged"]
    assert "converged" in axes[0].get_title()


def test_explorer_is_wired_and_reports_a_stuck_run():
    X = blobs()
    box = kmeans_stepper(X, 6, init="random", seed=0)
    assert isinstance(box, widgets.Box) and "course-widget" in box._dom_classes
    assert list(box.children[0].children) == [box.step_slider, box.seed_slider,
                                              box.init_dropdown]
    assert bytes(box.image.value).startswith(b"\x89PNG")
    best = SkKMeans(6, n_init=20, random_state=0).fit(X).inertia_
    assert box.best_inertia == pytest.approx(best, rel=1e-9)
    png = box.image.value
    box.step_slider.value = 5
    assert box.image.value != png
    stuck = box.traces[("random", 0)]["inertia"][-1]
    assert stuck > 1.5 * best
    assert f"{stuck:.1f}" in box.readout.value and "local minimum" in box.readout.value
    box.init_dropdown.value = "k-means++"
    box.step_slider.value = box.step_slider.max
    assert "the best of all runs" in box.readout.value
    # The slider's start is one of its steps (the browser would snap it otherwise).
    assert box.step_slider.min == 0 and box.step_slider.step == 1


@pytest.mark.parametrize("call, error, arg", [
    (lambda: kmeans_trace(blobs(), 3, "kmeans++"), ValueError, "init"),
    (lambda: kmeans_trace(blobs(), 0), ValueError, "n_clusters"),
    (lambda: kmeans_trace(blobs()[:, 0], 3), ValueError, "X"),
    (lambda: draw_kmeans_step(new_axes()[0], blobs(), kmeans_trace(blobs(), 3), 0), TypeError,
     "axes"),
    (lambda: draw_kmeans_step(new_axes(), blobs(), kmeans_trace(blobs(), 3), -1), ValueError,
     "step"),
    (lambda: draw_kmeans_step(new_axes(), blobs()[:10], kmeans_trace(blobs(), 3), 0),
     ValueError, "trace"),
    (lambda: kmeans_stepper(blobs(), 3, seed=10, n_seeds=10), ValueError, "seed"),
])
def test_bad_arguments_are_named(call, error, arg):
    with pytest.raises(error, match=arg):
        call()

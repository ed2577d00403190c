"""Tests for chapter 11's fold picture: the cells drawn are the folds scikit-learn makes.

References: scikit-learn's ``KFold`` and ``TimeSeriesSplit``, and counts worked out by hand.
"""
import numpy as np
import pytest
from matplotlib.figure import Figure
from sklearn.model_selection import KFold, TimeSeriesSplit

from course_lib.widgets.validation import (SCHEMES, TRAIN, UNUSED, VALIDATE, draw_folds,
                                           fold_assignment, fold_explorer)


def new_ax():
    return Figure().add_subplot(1, 1, 1)


def drawn_table(ax):
    """The picture's cells as the image holds them (what the student sees)."""
    return np.asarray(ax.images[0].get_array())


def table_from(splits, n_samples):
    table = np.full((len(splits), n_samples), UNUSED)
    for r, (train, val) in enumerate(splits):
        table[r, train] = TRAIN
        table[r, val] = VALIDATE
    return table


@pytest.mark.parametrize("n_samples, n_splits", [(10, 3), (7, 7), (23, 5), (40, 10), (6, 4)])
def test_kfold_picture_is_sklearns_kfold(n_samples, n_splits):
    ax = new_ax()
    info = draw_folds(ax, "K-fold", n_samples, n_splits)
    expected = table_from(list(KFold(n_splits).split(np.zeros(n_samples))), n_samples)
    np.testing.assert_array_equal(drawn_table(ax), expected)
    np.testing.assert_array_equal(info["table"], expected)
    # The first n % k folds are one row longer.
    sizes = [n_samples // n_splits + (r < n_samples % n_splits) for r in range(n_splits)]
    assert info["val_sizes"].tolist() == sizes
    assert info["train_sizes"].tolist() == [n_samples - s for s in sizes]
    assert info["times_validated"].tolist() == [1] * n_samples
    assert info["n_models"] == n_splits


def test_kfold_by_hand():
    # 10 rows, 3 folds: validation blocks 0-3, 4-6, 7-9.
    table = fold_assignment("K-fold", 10, 3)
    assert table.tolist() == [[2, 2, 2, 2, 1, 1, 1, 1, 1, 1],
                              [1, 1, 1, 1, 2, 2, 2, 1, 1, 1],
                              [1, 1, 1, 1, 1, 1, 1, 2, 2, 2]]


@pytest.mark.parametrize("n_samples, n_splits", [(10, 3), (20, 4), (13, 12), (40, 9)])
def test_time_series_picture_is_sklearns_time_series_split(n_samples, n_splits):
    ax = new_ax()
    info = draw_folds(ax, "time series", n_samples, n_splits)
    expected = table_from(list(TimeSeriesSplit(n_splits).split(np.zeros(n_samples))),
                          n_samples)
    np.testing.assert_array_equal(drawn_table(ax), expected)
    # Never a training sample to the right of (later than) a validation sample.
    for row in info["table"]:
        assert np.flatnonzero(row == TRAIN).max() < np.flatnonzero(row == VALIDATE).min()
    block = n_samples // (n_splits + 1)
    assert info["val_sizes"].tolist() == [block] * n_splits
    assert info["train_sizes"].tolist() == [n_samples - (n_splits - r) * block
                                            for r in range(n_splits)]


def test_shuffled_and_iterated_pictures_partition_the_rows():
    ax = new_ax()
    info = draw_folds(ax, "shuffled K-fold", 23, 4, seed=3)
    table = drawn_table(ax)
    assert (table != UNUSED).all()
    assert ((table == VALIDATE).sum(axis=0) == 1).all()          # each row validated once
    assert (table == VALIDATE).sum(axis=1).tolist() == [6, 6, 6, 5]
    assert not np.array_equal(table, fold_assignment("K-fold", 23, 4))   # shuffled
    assert not np.array_equal(table, fold_assignment("shuffled K-fold", 23, 4, seed=4))

    info = draw_folds(ax, "iterated K-fold", 23, 4, n_repeats=3, seed=3)
    table = drawn_table(ax)
    assert table.shape == (12, 23) and info["n_models"] == 12
    repeats = table.reshape(3, 4, 23)
    for rep in repeats:
        assert ((rep == VALIDATE).sum(axis=0) == 1).all()
    assert info["times_validated"].tolist() == [3] * 23
    assert not np.array_equal(repeats[0], repeats[1])           # a fresh shuffle per repeat
    # The black lines between the repeats sit at y = 3.5 and 7.5.
    lines = [c for c in ax.collections if c.get_gid() == "fold-repeat-lines"][0]
    assert sorted(seg[0][1] for seg in lines.get_segments()) == [3.5, 7.5]


def test_too_many_folds_are_lowered_and_said():
    info = draw_folds(new_ax(), "time series", 6, 10)
    assert info["n_splits"] == 5 and info["val_sizes"].tolist() == [1] * 5
    box = fold_explorer("K-fold", n_samples=6, n_splits=10)
    assert "too many" in box.readout.value and "showing 6" in box.readout.value


def test_redrawing_on_the_same_axes_updates_in_place():
    ax = new_ax()
    draw_folds(ax, "K-fold", 10, 3)
    draw_folds(ax, "time series", 25, 6)
    assert len(ax.images) == 1
    assert drawn_table(ax).shape == (6, 25)
    assert ax.get_xlim() == (-0.5, 24.5)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["1", "2", "3", "4", "5", "6"]


def test_explorer_controls_are_wired_and_on_their_steps():
    box = fold_explorer()
    controls = box.controls
    assert list(controls) == ["n_samples", "n_splits", "n_repeats", "seed", "scheme"]
    for name in ["n_samples", "n_splits", "n_repeats", "seed"]:
        c = controls[name]
        assert c.min <= c.value <= c.max and (c.value - c.min) % c.step == 0
    assert "4, 3, 3" in box.readout.value and "models trained: <b>3</b>" in box.readout.value
    before = box.image.value
    controls["n_samples"].value = 12
    assert box.image.value != before
    assert drawn_table(box.ax).shape == (3, 12)
    controls["scheme"].value = "iterated K-fold"
    assert drawn_table(box.ax).shape == (6, 12)                 # 3 folds x 2 repeats
    assert "validated <b>2</b> times" in box.readout.value
    controls["scheme"].value = "time series"
    assert "4 → 6 → 9" not in box.readout.value                 # 12 rows: blocks of 3
    assert "training grows <b>3 → 6 → 9</b>" in box.readout.value


@pytest.mark.parametrize("kwargs, exc, name", [
    (dict(scheme="leave-one-out", n_samples=10, n_splits=3), ValueError, "scheme"),
    (dict(scheme="K-fold", n_samples=10, n_splits=1), ValueError, "n_splits"),
    (dict(scheme="K-fold", n_samples=10.0, n_splits=3), TypeError, "n_samples"),
    (dict(scheme="K-fold", n_samples=10, n_splits=3, n_repeats=0), ValueError, "n_repeats"),
    (dict(scheme="K-fold", n_samples=10, n_splits=3, seed=-1), ValueError, "seed"),
])
def test_bad_input_names_the_argument(kwargs, exc, name):
    with pytest.raises(exc, match=name):
        fold_assignment(**kwargs)


def test_bad_explorer_input():
    with pytest.raises(ValueError, match="n_samples"):
        fold_explorer(n_samples=100)
    with pytest.raises(TypeError, match="ax"):
        draw_folds("not an axes", "K-fold", 10, 3)
    assert set(SCHEMES) == {"K-fold", "shuffled K-fold", "iterated K-fold", "time series"}

"""Tests for chapter 13's PCA explorer: the fits against scikit-learn (up to the sign of each
component, which an SVD leaves open), the drawn arrows, bars and read-out against them."""
import ipywidgets as widgets
import numpy as np
import pytest
from matplotlib.figure import Figure
from sklearn.decomposition import PCA as SkPCA
from sklearn.preprocessing import StandardScaler

from course_lib.datasets import load_wine
from course_lib.widgets.pca import draw_pca, pca_explorer, pca_fit, standardize

COLUMNS = ["alcohol", "malic_acid", "magnesium", "flavanoids", "color_intensity", "proline"]


def wine():
    X, y = load_wine()
    return X[COLUMNS], y.to_numpy()


def new_axes():
    fig = Figure()
    return [fig.add_subplot(1, 2, 1), fig.add_subplot(1, 2, 2)]


def same_up_to_sign(a, b):
    """Rows of a equal rows of b, each possibly negated."""
    signs = np.sign(np.sum(a * b, axis=1))
    np.testing.assert_allclose(a, signs[:, None] * b, atol=1e-10)
    return signs


@pytest.mark.parametrize("standardized", [False, True])
def test_fit_matches_scikit_learn_up_to_sign(standardized):
    X, _ = wine()
    data = StandardScaler().fit_transform(X) if standardized else X.to_numpy()
    sk = SkPCA().fit(data)
    fit = pca_fit(X, standardized)
    signs = same_up_to_sign(fit["components"], sk.components_)
    np.testing.assert_allclose(fit["explained_variance_ratio"], sk.explained_variance_ratio_,
                               rtol=1e-10)
    np.testing.assert_allclose(fit["scores"], sk.transform(data) * signs, atol=1e-8)


def test_standardize_is_standard_scaler_and_changes_the_story():
    X, _ = wine()
    np.testing.assert_allclose(standardize(X), StandardScaler().fit_transform(X), atol=1e-12)
    # Raw: proline (hundreds to 1680) is nearly all of PC1; standardised it is not.
    raw, std = pca_fit(X, False), pca_fit(X, True)
    assert raw["explained_variance_ratio"][0] > 0.99
    assert abs(raw["components"][0, COLUMNS.index("proline")]) > 0.99
    assert std["explained_variance_ratio"][0] < 0.5
    np.testing.assert_allclose(standardize([[1.0, 5.0], [3.0, 5.0]]), [[-1, 0], [1, 0]])


def test_arrows_are_the_loadings_times_one_common_factor():
    X, y = wine()
    fit = pca_fit(X, True)
    axes = new_axes()
    info = draw_pca(axes, fit, 1, 3, COLUMNS, classes=y)
    quiver = axes[0].collections[1]
    ends = np.column_stack([quiver.U, quiver.V])
    expected = info["scale"] * fit["components"][[0, 2]].T
    np.testing.assert_allclose(ends, expected, rtol=1e-12)
    np.testing.assert_allclose(info["arrows"], expected)
    # the longest arrow reaches 90% of the farthest score on the shown axes
    far = np.max(np.abs(fit["scores"][:, [0, 2]]))
    assert np.max(np.hypot(ends[:, 0], ends[:, 1])) == pytest.approx(0.9 * far)
    np.testing.assert_allclose(axes[0].collections[0].get_offsets(), fit["scores"][:, [0, 2]])
    # the names sit just beyond the tips
    label = [t for t in axes[0].texts if t.get_text() == "proline"][0]
    np.testing.assert_allclose(label.get_position(), 1.12 * expected[COLUMNS.index("proline")])
    top = COLUMNS[int(np.argmax(np.abs(fit["components"][2])))]
    assert info["top_y"] == top
    assert info["ratio_x"] == pytest.approx(fit["explained_variance_ratio"][0])
    assert info["cumulative"] == pytest.approx(np.sum(fit["explained_variance_ratio"][:3]))


def test_bars_show_the_ratios_with_the_chosen_two_highlighted():
    X, _ = wine()
    fit = pca_fit(X, True)
    axes = new_axes()
    draw_pca(axes, fit, 2, 4, COLUMNS)
    heights = [p.get_height() for p in axes[1].patches]
    np.testing.assert_allclose(heights, SkPCA().fit(standardize(X)).explained_variance_ratio_)
    red = [k for k, p in enumerate(axes[1].patches) if p.get_facecolor()[0] > 0.6
           and p.get_facecolor()[1] < 0.3]
    assert red == [1, 3]
    _, cumulative = axes[1].lines[0].get_data()
    np.testing.assert_allclose(cumulative, np.cumsum(heights))
    assert cumulative[-1] == pytest.approx(1.0)


def test_redrawing_updates_in_place():
    X, _ = wine()
    axes = new_axes()
    draw_pca(axes, pca_fit(X, False), 1, 2, COLUMNS)
    counts = [len(ax.get_children()) for ax in axes]
    fit = pca_fit(X, True)
    info = draw_pca(axes, fit, 2, 1, COLUMNS)
    assert [len(ax.get_children()) for ax in axes] == counts
    np.testing.assert_allclose(axes[0].collections[0].get_offsets(), fit["scores"][:, [1, 0]])
    np.testing.assert_allclose([p.get_height() for p in axes[1].patches],
                               fit["explained_variance_ratio"])
    assert info["ratio_x"] == pytest.approx(fit["explained_variance_ratio"][1])


def test_explorer_controls_switch_between_raw_and_standardised():
    X, y = wine()
    box = pca_explorer(X, classes=y)
    assert isinstance(box, widgets.Box) and "course-widget" in box._dom_classes
    assert list(box.children[0].children) == [box.x_slider, box.y_slider,
                                              box.standardize_checkbox]
    assert box.feature_names == COLUMNS
    assert "raw features" in box.readout.value and "<b>proline</b>" in box.readout.value
    png = box.image.value
    box.standardize_checkbox.value = True
    assert box.image.value != png and "standardised" in box.readout.value
    ratio = SkPCA().fit(StandardScaler().fit_transform(X)).explained_variance_ratio_
    assert f"{100 * ratio[0]:.1f}%" in box.readout.value
    box.y_slider.value = 3
    assert f"PC3 <b>{100 * ratio[2]:.1f}%</b>" in box.readout.value
    assert box.x_slider.min == 1 and box.x_slider.max == len(COLUMNS)


@pytest.mark.parametrize("call, error, arg", [
    (lambda: pca_explorer(wine()[0], feature_names=["a"]), ValueError, "feature_names"),
    (lambda: pca_explorer(wine()[0], standardized="yes"), TypeError, "standardized"),
    (lambda: pca_explorer(wine()[0], x_component=7), ValueError, "x_component"),
    (lambda: pca_explorer(np.ones((5, 1))), ValueError, "X"),
    (lambda: draw_pca(new_axes(), pca_fit(wine()[0]), 1, 0, COLUMNS), ValueError,
     "y_component"),
    (lambda: draw_pca(new_axes()[0], pca_fit(wine()[0]), 1, 2, COLUMNS), TypeError, "axes"),
    (lambda: standardize([1.0, 2.0]), ValueError, "X"),
])
def test_bad_arguments_are_named(call, error, arg):
    with pytest.raises(error, match=arg):
        call()

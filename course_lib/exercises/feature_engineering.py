"""The visible checks of chapter 13_feature_engineering, with their catalogue of known mistakes.

Each exercise's test cell calls its ``check_<exercise>`` with the student's function (and the
notebook data it needs), then runs the hidden tests (kept in the solution notebook, never
released) and ``passed(...)``.
"""
from __future__ import annotations

import numpy as np
from sklearn.cluster import KMeans as SkKMeans
from sklearn.decomposition import PCA as SkPCA
from sklearn.metrics import mutual_info_score
from sklearn.preprocessing import StandardScaler

from course_lib import clustering, features
from course_lib.checks import check_close, check_shape, check_true

__all__ = ["check_entropy", "check_mutual_information", "check_kmeans_step", "check_kmeans",
           "check_pca_svd", "check_loadings_table", "kmeans_checks", "up_to_sign"]


def check_entropy(entropy):
    """Eight labels with shares 1/8, 2/8, 4/8, 1/8 in bits (base=2) and in nats (the default),
    and four equal labels (entropy 0)."""
    labels = ["a", "b", "b", "c", "c", "c", "c", "d"]           # shares 1/8, 2/8, 4/8, 1/8
    p = np.array([1, 2, 4, 1]) / 8
    check_close(entropy(labels, base=2), 1.75,
                "entropy(['a','b','b','c','c','c','c','d'], base=2)",
                mistakes=[(2.0, "2 bits is the entropy of four *equally* frequent labels: "
                                "weight each label's -log p by its own share p = count / n."),
                          (-np.sum(np.log2(p)), "You summed -log p over the labels without "
                                                "weighting each term by its share p."),
                          (np.sum(p * np.log2(p)), "The sign is flipped: log p <= 0, so the "
                                                   "entropy is MINUS the sum of p log p."),
                          (-np.sum(p * np.log(p)), "This is the value in nats: with base=2 "
                                                   "divide by log(2) (log_b p = ln p / ln b).")])
    check_close(entropy(labels), -np.sum(p * np.log(p)),
                "entropy of the same labels with the default base=None (nats)",
                mistakes=[(1.75, "That is the value in bits: with base=None use the natural "
                                 "logarithm np.log (nats), as scikit-learn does."),
                          (-np.sum(p * np.log10(p)), "np.log10 gives the entropy in base 10; "
                                                     "nats need the natural logarithm np.log.")])
    check_close(entropy([7, 7, 7, 7]), 0.0, "entropy([7, 7, 7, 7])",
                hint={"nan": "0 * log(0) is NaN in NumPy: use only the labels that occur (the "
                             "counts from np.unique are all positive)."})


def check_mutual_information(mutual_information):
    """The weather/umbrella example against scikit-learn (with the joint entropy, bits and a
    correlation as known mistakes), two independent columns (0) and a column with itself
    (log 3)."""
    x = np.array(["sun"] * 6 + ["rain"] * 4)
    y = np.array(["no"] * 5 + ["yes"] * 4 + ["no"])
    hx, hy = features.entropy(x), features.entropy(y)
    hxy = features.entropy([a + "/" + b for a, b in zip(x, y)])
    mistakes = [(hxy, "This is the joint entropy H(X, Y), not the mutual information "
                      "H(X) + H(Y) - H(X, Y)."),
                (hx + hy, "H(X) + H(Y) is only the first part: subtract the joint entropy "
                          "H(X, Y), which is what the two columns share."),
                (hx + hy + hxy, "The joint entropy must be SUBTRACTED: "
                                "I = H(X) + H(Y) - H(X, Y)."),
                ((hx + hy - hxy) / np.log(2), "This is the value in bits: use the natural "
                                              "logarithm np.log (nats)."),
                (abs(np.corrcoef(x == "sun", y == "yes")[0, 1]),
                 "This looks like a correlation coefficient, not the mutual information.")]
    check_close(mutual_information(x, y), mutual_info_score(x, y),
                "mutual_information(weather, umbrella) from the example above", rtol=1e-6,
                mistakes=mistakes)
    check_close(mutual_information([0, 0, 1, 1], [0, 1, 0, 1]), 0.0,
                "mutual_information([0, 0, 1, 1], [0, 1, 0, 1]) (independent columns)",
                hint={"nan": "Empty cells of the count table give 0 * log(0) = NaN: sum only "
                             "over the pairs that occur."})
    check_close(mutual_information([1, 2, 3, 1, 2, 3], [1, 2, 3, 1, 2, 3]), np.log(3),
                "mutual_information(x, x) for three equally frequent values",
                hint={"nan": "Empty cells of the count table give 0 * log(0) = NaN: sum only "
                             "over the pairs that occur.",
                      "default": "I(X; X) = H(X) = log 3 here."})


def check_kmeans_step(kmeans_step):
    """One step on the six points of the example with two centres: a (labels, new_centers)
    tuple, labels by the nearest centre, centres moved to the means."""
    X = np.array([[1.0, 1.0], [1.5, 2.0], [3.0, 4.0], [5.0, 7.0], [3.5, 5.0], [4.5, 5.0]])
    C = np.array([[1.0, 1.0], [6.0, 0.5]])
    out = kmeans_step(X, C)
    check_true(isinstance(out, tuple) and len(out) == 2,
               "kmeans_step should return a tuple (labels, new_centers).")
    labels, new = out
    d2 = ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)
    check_close(labels, [0, 0, 0, 1, 0, 1], "the labels of the six points of the example",
                mistakes=[(d2.argmax(axis=1), "Every sample went to its FARTHEST centre: use "
                                              "argmin, not argmax.")])
    in0, in1 = X[[0, 1, 2, 4]], X[[3, 5]]
    right = np.array([in0.mean(axis=0), in1.mean(axis=0)])
    check_close(new, right, "the new centres of the example",
                mistakes=[(C, "The centres did not move: after assigning, move each centre to "
                              "the mean of its samples."),
                          (np.array([in0.sum(axis=0), in1.sum(axis=0)]),
                           "These are the SUMS of each cluster's samples: divide by the number "
                           "of samples to get the mean."),
                          (np.array([np.median(in0, axis=0), np.median(in1, axis=0)]),
                           "These are medians: K-means moves each centre to the MEAN, the point "
                           "with the smallest sum of squared distances.")])


def kmeans_checks(kmeans, X, k, n_init, random_state, what, reveal=True):
    """Run the student's kmeans and check the result is a converged, best K-means result.

    Checks a (centers, labels, inertia) tuple of the right shapes, labels that are the nearest
    centres, and the inertia of those centres; returns the centres, labels and true inertia
    (the hidden tests use it too).
    """
    X = np.asarray(X, dtype=float)
    out = kmeans(X, k, n_init=n_init, random_state=random_state)
    check_true(isinstance(out, tuple) and len(out) == 3,
               "kmeans should return a tuple (centers, labels, inertia).")
    centers, labels, inertia = out
    check_shape(centers, (k, X.shape[1]), f"the centres for {what}", reveal=reveal)
    check_shape(labels, (X.shape[0],), f"the labels for {what}", reveal=reveal)
    centers, labels = np.asarray(centers, dtype=float), np.asarray(labels)
    check_true(np.array_equal(labels, clustering.kmeans_assign(X, centers)),
               f"For {what}, some labels are not the nearest centre of their sample: after the "
               "last update, assign once more so labels and centres match.")
    true_inertia = clustering.kmeans_inertia(X, centers, labels)
    check_close(inertia, true_inertia, f"the inertia you returned for {what}", reveal=reveal,
                mistakes=[(true_inertia / len(X), "This is the MEAN squared distance; the "
                                                  "inertia is the SUM over all samples."),
                          (np.sqrt(((X - centers[labels]) ** 2).sum(axis=1)).sum(),
                           "This sums the distances; the inertia sums SQUARED distances.")])
    return centers, labels, true_inertia


def check_kmeans(kmeans):
    """Six blobs, k=6, n_init=10 with random_state 0, 1 and 2: a converged result with the
    lowest inertia scikit-learn reaches, and its centres."""
    rng = np.random.default_rng(13)
    blob_centres = np.array([[0, 0], [4, 0.5], [8, 0], [1.5, 4], [6, 4.5], [3.5, 8]])
    X = np.concatenate([c + rng.normal(0, 0.7, (50, 2)) for c in blob_centres])
    best = SkKMeans(6, n_init=20, random_state=0).fit(X).inertia_
    for seed in (0, 1, 2):
        centers, labels, inertia = kmeans_checks(kmeans, X, 6, 10, seed,
                                                 f"the six blobs (random_state={seed})")
        check_true(abs(inertia - best) <= 1e-6 * best,
                   f"On the six blobs with random_state={seed} your best run has inertia "
                   f"{inertia:.2f}, but the lowest reachable is {best:.2f}: keep the run with "
                   "the LOWEST inertia among the n_init runs (did you keep only one run, or the "
                   "last?).")
    check_true(np.allclose(np.sort(centers[:, 0]),
                           np.sort(SkKMeans(6, n_init=20, random_state=0)
                                   .fit(X).cluster_centers_[:, 0])),
               "The centres differ from scikit-learn's for the six blobs (in any order).")


def up_to_sign(components, reference):
    """Flip each row of `components` to point the way the reference row points (the hidden tests
    use it too)."""
    components = np.asarray(components, dtype=float)
    if components.shape != reference.shape:
        return components
    signs = np.sign(np.sum(components * reference, axis=1))
    signs[signs == 0] = 1
    return components * signs[:, None]


def check_pca_svd(pca_svd, X_wine):
    """Three components of the standardised wine data against scikit-learn's PCA: a tuple of
    three, the components (up to sign), their variances and variance ratios."""
    X = np.asarray(X_wine, dtype=float)
    sk = SkPCA(3).fit(StandardScaler().fit_transform(X))
    Xs = StandardScaler().fit_transform(X)
    out = pca_svd(Xs, 3)
    check_true(isinstance(out, tuple) and len(out) == 3,
               "pca_svd should return a tuple (components, explained_variance, "
               "explained_variance_ratio).")
    comp, var, ratio = out
    s = np.linalg.svd(Xs - Xs.mean(axis=0), compute_uv=False)
    eig = np.linalg.eigh(np.cov(Xs, rowvar=False))
    check_shape(comp, (3, 6), "components for the standardised wine data, n_components=3")
    check_close(up_to_sign(comp, sk.components_), sk.components_,
                "the components of the standardised wine data (up to sign)", rtol=1e-6,
                atol=1e-8,
                mistakes=[(up_to_sign(eig[1][:, :3].T, sk.components_), "These are the "
                           "eigenvectors of np.linalg.eigh in ITS order, smallest eigenvalue "
                           "first: PCA wants the largest variance first.")])
    check_close(var, sk.explained_variance_,
                "explained_variance for the standardised wine data",
                mistakes=[(s[:3] ** 2 / len(X), "You divided by n; the sample variance divides "
                                                "by n - 1."),
                          (s[:3], "These are the singular values themselves: the variance is "
                                  "s**2 / (n - 1).")])
    check_close(ratio, sk.explained_variance_ratio_,
                "explained_variance_ratio for the standardised wine data",
                mistakes=[(s[:3] / s.sum(), "Shares of the singular values: the variance is "
                                            "their SQUARE, use s**2 / sum(s**2)."),
                          (s[:3] ** 2 / np.sum(s[:3] ** 2), "You divided by the variance of "
                           "the KEPT components only: divide by the total over all components.")])


def check_loadings_table(loadings_table, scaled, wine_columns):
    """The table of the wine PCA's first two components: shape (6, 2), columns PC1 and PC2,
    the features as rows, and proline's loadings."""
    comp = scaled.components_[:2]
    table = loadings_table(comp, wine_columns)
    check_shape(table, (6, 2), "loadings_table(scaled.components_[:2], wine_columns)")
    check_true(list(table.columns) == ["PC1", "PC2"],
               f"The columns should be named ['PC1', 'PC2'], got {list(table.columns)}.")
    check_true(list(table.index) == wine_columns,
               "The rows should be the features, in order: index=feature_names.")
    check_close(table.loc["proline"].to_numpy(), comp[:, 5],
                "the loadings of proline on PC1 and PC2")

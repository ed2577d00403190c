"""The stand-in classifiers that exercise checks hand to a student's model-factory code."""
import numpy as np
import pytest
from sklearn.neighbors import NearestCentroid

from course_lib.standins import FixedProbabilityClassifier, NearestCentroidClassifier


def test_nearest_centroid_predicts_as_scikit_learn_and_its_probabilities_follow_the_rule():
    rng = np.random.default_rng(0)
    X = np.concatenate([rng.normal(c, 1.0, (20, 3)) for c in (0.0, 3.0, 6.0)])
    y = np.repeat([7, -2, 40], 20)
    ours = NearestCentroidClassifier(temperature=2.0).fit(X, y)
    p = ours.predict_proba(X)
    np.testing.assert_array_equal(ours.classes_[p.argmax(axis=1)],
                                  NearestCentroid().fit(X, y).predict(X))
    # by hand for one row: softmax of minus squared distances over the temperature
    d2 = ((X[0] - ours.centroids_) ** 2).sum(axis=1)
    expected = np.exp(-d2 / 2.0) / np.exp(-d2 / 2.0).sum()
    np.testing.assert_allclose(p[0], expected, rtol=1e-12)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)


def test_fixed_probabilities_are_looked_up_by_the_first_feature():
    clf = FixedProbabilityClassifier([[0.9, 0.1], [0.3, 0.7]], classes=[3, 7])
    assert clf.fit([[0.0, 5.0]], [3]) is clf and clf.fitted_on_[1].tolist() == [3]
    np.testing.assert_array_equal(clf.predict_proba([[1.0, 9.0], [0.0, 2.0]]),
                                  [[0.3, 0.7], [0.9, 0.1]])
    with pytest.raises(ValueError, match="'table'.*one column per class"):
        FixedProbabilityClassifier([[0.5, 0.5]], classes=[1, 2, 3])

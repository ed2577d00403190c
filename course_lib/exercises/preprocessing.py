"""The visible checks of chapter 12_preprocessing, with their catalogue of known mistakes.

Each exercise's test cell calls its ``check_<exercise>`` with the student's function, then runs
the hidden tests (kept in the solution notebook, never released) and ``passed(...)``.
"""
from __future__ import annotations

import numpy as np

from course_lib.checks import check_close, check_true
from course_lib.datasets import make_house_prices

__all__ = ["check_impute_with_indicator", "check_m_estimate_encode", "check_leak_free_predict"]


def check_impute_with_indicator(impute_with_indicator):
    """4 training rows and 3 new rows with holes: the holes filled with the training means, one
    indicator per training column with a hole, and the inputs left unchanged."""
    nan = np.nan
    X_train = np.array([[1.0, 10.0, nan], [3.0, 20.0, 4.0], [nan, 30.0, 8.0], [2.0, 40.0, nan]])
    X = np.array([[nan, 5.0, 1.0], [4.0, nan, 2.0], [nan, 6.0, 3.0]])
    X_train_copy, X_copy = X_train.copy(), X.copy()
    # Training means of the known values: 2, 25, 6. Columns 0 and 2 have holes in X_train.
    expected = [[2.0, 5.0, 1.0, 1.0, 0.0], [4.0, 25.0, 2.0, 0.0, 0.0], [2.0, 6.0, 3.0, 1.0, 0.0]]
    out = impute_with_indicator(X_train, X)
    check_close(out, expected, "impute_with_indicator(X_train, X)",
                hint={"nan": "np.mean of a column with a NaN is NaN: use np.nanmean, which skips "
                             "the missing values.",
                      "shape": "3 columns of values plus one indicator per column of X_train "
                               "with a hole (columns 0 and 2): 5 columns, one row per row of "
                               "X."},
                mistakes=[([[4.0, 5.0, 1.0, 1.0, 0.0], [4.0, 5.5, 2.0, 0.0, 0.0],
                            [4.0, 6.0, 3.0, 1.0, 0.0]],
                           "You filled with the means of X itself. The means must come from "
                           "X_train: the rows you transform may not be used to fit the "
                           "imputer."),
                          ([[2.0, 5.0, 1.0, 1.0, 0.0], [4.0, 25.0, 2.0, 0.0, 1.0],
                            [2.0, 6.0, 3.0, 1.0, 0.0]],
                           "Your indicators are for the columns where X has holes (0 and 1). "
                           "They belong to the columns where X_train has holes (0 and 2), so "
                           "that every call gives the same columns."),
                          ([[0.0, 5.0, 1.0, 1.0, 0.0], [4.0, 0.0, 2.0, 0.0, 0.0],
                            [0.0, 6.0, 3.0, 1.0, 0.0]],
                           "You filled the holes with 0; fill them with the training column "
                           "means."),
                          ([[2.0, 5.0, 1.0, 0.0, 1.0], [4.0, 25.0, 2.0, 1.0, 1.0],
                            [2.0, 6.0, 3.0, 0.0, 1.0]],
                           "Your indicators are flipped: 1.0 marks a value that WAS missing.")])
    check_true(np.array_equal(X_train, X_train_copy, equal_nan=True)
               and np.array_equal(X, X_copy, equal_nan=True),
               "impute_with_indicator changed its input arrays. Work on a copy (np.where or "
               "X.copy()), so that the caller's data stays as it was.")


def check_m_estimate_encode(m_estimate_encode):
    """Categories a, b, c with m = 3: the encodings against values worked out by hand, an unseen
    category getting the prior, and a category asked for several times."""
    cats = ["a", "a", "b", "c", "c", "c"]
    target = [10.0, 20.0, 30.0, 5.0, 5.0, 8.0]
    # By hand, prior 13, m = 3: c (18 + 39)/6 = 9.5, a (30 + 39)/5 = 13.8, b (30 + 39)/4 = 17.25.
    check_close(m_estimate_encode(cats, target, ["c", "a", "b"], 3.0), [9.5, 13.8, 17.25],
                "m_estimate_encode(['a','a','b','c','c','c'], [10,20,30,5,5,8], "
                "['c','a','b'], m=3)",
                hint={"shape": "Return one encoded value per entry of `categories`, not one per "
                               "training row or per category."},
                mistakes=[([6.0, 15.0, 30.0], "These are the raw category means: the m pretend "
                                              "rows at the prior are missing (m is not used)."),
                          ([9.5, 14.2, 25.75], "You swapped the weights: the category's own "
                                               "mean gets n_c / (n_c + m), the prior "
                                               "m / (n_c + m)."),
                          ([19.0, 34.5, 69.0], "You added m * prior to the sum but not m to "
                                               "the count: divide by n_c + m."),
                          ([11.5, 16.2, 20.25], "Your prior is the mean of the category means "
                                                "(17); it is the mean of all training targets "
                                                "(13).")])
    check_close(m_estimate_encode(cats, target, ["z", "b"], 3.0), [13.0, 17.25],
                "m_estimate_encode(..., ['z', 'b'], m=3), with 'z' not in the training rows",
                hint={"nan": "A category missing from the training rows has no mean of its "
                             "own: give it the prior, the mean of all training targets."},
                mistakes=[([0.0, 17.25], "An unseen category gets the prior (13), not 0.")])
    check_close(m_estimate_encode(cats, target, ["a", "a", "a"], 3.0), [13.8, 13.8, 13.8],
                "m_estimate_encode(..., ['a', 'a', 'a'], m=3)",
                hint={"shape": "A category that appears several times in `categories` is "
                               "encoded once per appearance."})


def check_leak_free_predict(leak_free_predict):
    """40 training houses and 6 new ones, alpha=10: the predictions of impute -> standardise ->
    Ridge fitted on the training rows only, and the inputs left unchanged."""
    h = make_house_prices(60, random_state=12)
    cols = ["living_area", "overall_quality", "basement_area", "year_built"]
    Xtr, ytr = h[cols].to_numpy()[:40], h["sale_price"].to_numpy()[:40]
    Xnew = h[cols].to_numpy()[40:46]
    Xtr_copy, Xnew_copy = Xtr.copy(), Xnew.copy()
    pred = leak_free_predict(Xtr, ytr, Xnew, alpha=10.0)
    check_close(pred, [251198.34231565, 284938.72034696, 258569.01303737, 278166.4744273,
                       244119.28171707, 309743.30912299],
                "leak_free_predict on 40 training houses, 6 new ones, alpha=10", rtol=1e-6,
                hint={"shape": "Return one prediction per row of X_new, as a 1-D array.",
                      "values": "Check the order: impute (with indicators), then standardise, "
                                "then Ridge(alpha=alpha), all fitted on X_train."},
                mistakes=[([251461.36172341, 285001.20284104, 258447.21726098, 278582.01301387,
                            244439.15139831, 309922.72491178],
                           "These are the predictions of a pipeline whose imputer and scaler "
                           "were fitted on the training AND the new rows together: the leak "
                           "this exercise is about. Fit the preprocessing on X_train only and "
                           "only transform X_new."),
                          ([232094.95535428, 254856.80892266, 217277.23466862, 277472.29896206,
                            218527.36367677, 295706.33841561],
                           "You fitted the imputer and scaler again on X_new (fit_transform on "
                           "the new rows). The new rows must be transformed with the statistics "
                           "learned from X_train: call only transform on them."),
                          ([266282.42563065, 278118.14091497, 251725.45324394, 295128.15322393,
                            258747.54237079, 304491.05669141],
                           "The missing-value indicator is missing: use "
                           "SimpleImputer(strategy='mean', add_indicator=True)."),
                          ([263207.06800654, 289366.34057977, 257145.78947392, 297938.17188063,
                            251881.63106404, 321581.62731821],
                           "The columns are not standardised: put a StandardScaler between the "
                           "imputer and the ridge model."),
                          ([254299.43664964, 292278.43865955, 262392.64614544, 287621.9453066,
                            243441.46240936, 322951.01392854],
                           "These are the predictions for alpha=1: pass the function's alpha "
                           "on to Ridge(alpha=alpha).")])
    check_true(np.array_equal(Xtr, Xtr_copy, equal_nan=True)
               and np.array_equal(Xnew, Xnew_copy, equal_nan=True),
               "leak_free_predict changed its input arrays; the caller's data must stay as it "
               "was.")

"""Behaviour shared by every estimator: report feature names."""

import numpy as np
import pytest
import scipy.sparse as sp

from lad import LADRegressor, LADRegressorCV, LassoL1, LassoL1CV
from tests._oracle import make_problem

ESTIMATORS = [
    LassoL1(alpha=0.05),
    LADRegressor(alpha=0.05),
    LassoL1CV(n_alphas=5, cv=3),
    LADRegressorCV(n_alphas=4, cv=3),
]


@pytest.mark.parametrize("est", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_report_takes_feature_names_for_unnamed_inputs(est):
    # Sparse and NumPy inputs carry no column names; the report takes them.
    X, y = make_problem(60, 6, seed=3)
    names = [f"gene{j}" for j in range(6)]
    model = est.fit(sp.csr_matrix(X), y)
    rep = model.sparsity_report(feature_names=names)
    assert rep.support.size > 0
    assert rep.support_names == [names[j] for j in rep.support]
    assert model.sparsity_report().support_names is None  # printed as x0, x1, ...
    with pytest.raises(ValueError, match="feature_names has 5 entries"):
        model.sparsity_report(feature_names=names[:5])
    assert np.array_equal(model.sparsity_report(feature_names=names).coef, rep.coef)


@pytest.mark.parametrize(
    ("est", "loss"), [(LassoL1, "squared"), (LADRegressor, "absolute")]
)
def test_fit_at_or_above_alpha_max_warns_once_and_names_alpha_max(est, loss):
    import warnings

    from lad import alpha_max

    X, y = make_problem(60, 5, seed=1)
    amax = alpha_max(X, y, loss=loss)
    for alpha in (amax, 3 * amax):
        with pytest.warns(UserWarning, match=r"at or above alpha_max") as record:
            model = est(alpha=alpha).fit(X, y)
        assert not np.any(model.coef_)
        assert len(record) == 1
        assert f"lad.alpha_max(X, y, loss='{loss}')" in str(record[0].message)
        rep = model.sparsity_report()
        assert rep.details["alpha / alpha_max"] == pytest.approx(alpha / amax)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.any(est(alpha=0.5 * amax).fit(X, y).coef_)  # below it: silent

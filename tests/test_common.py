"""The scikit-learn estimator contract, run on every public estimator configuration."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from lad import LADRegressor, LADRegressorCV, LassoL1, LassoL1CV

ESTIMATORS = [
    LassoL1(alpha=0.1),
    LassoL1(alpha=0.1, precompute=True),
    LassoL1(alpha=0.1, selection="random", random_state=0, positive=True),
    LADRegressor(),
    LADRegressor(alpha=0.1, solver="cd"),
    LADRegressor(alpha=0.05, quantile=0.3, solver="irls"),
    LassoL1CV(n_alphas=10),
    LADRegressorCV(n_alphas=5, quantile=0.4),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible(estimator, check):
    check(estimator)

"""The elastic-net mix, penalty factors and coefficient bounds, for both losses.

References: scikit-learn's ElasticNet, Lasso (factors as rescaled columns) and
ElasticNetCV; scipy's L-BFGS-B on the split form of the bounded problem; scipy's
HiGHS on the LP of the absolute loss. R's glmnet is in tests/reference.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import ElasticNet, ElasticNetCV, Lasso
from sklearn.model_selection import KFold
from sklearn.utils._param_validation import InvalidParameterError

from lad import (
    LADRegressor,
    LADRegressorCV,
    LassoL1,
    LassoL1CV,
    alpha_max,
    lad_path,
    lasso_path,
)
from lad.diagnostics import duality_gap, objective
from tests._oracle import (
    absolute_enet_reference,
    bounded_enet_reference,
    lad_lp_penalised,
    make_problem,
)

TIGHT = dict(tol=1e-12, max_iter=100_000)


@pytest.mark.parametrize("l1_ratio", [0.3, 0.7])
@pytest.mark.parametrize("fmt", ["dense", "csc", "csr"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("precompute", [False, True])
def test_l1_ratio_matches_sklearns_elastic_net(l1_ratio, fmt, weighted, precompute):
    X, y = make_problem(90, 15, seed=21)
    sw = np.random.default_rng(21).uniform(0.2, 2.0, 90) if weighted else None
    ref = ElasticNet(alpha=0.1, l1_ratio=l1_ratio, **TIGHT).fit(X, y, sample_weight=sw)
    Xf = {"dense": X, "csc": sp.csc_matrix(X), "csr": sp.csr_matrix(X)}[fmt]
    model = LassoL1(alpha=0.1, l1_ratio=l1_ratio, precompute=precompute, **TIGHT)
    model.fit(Xf, y, sample_weight=sw)
    kw = dict(alpha=0.1, l1_ratio=l1_ratio, sample_weight=sw)
    ours = objective(X, y, model.coef_, model.intercept_, **kw)
    theirs = objective(X, y, ref.coef_, ref.intercept_, **kw)
    assert ours <= theirs * (1 + 1e-9)
    assert ours == pytest.approx(theirs, rel=1e-7)
    np.testing.assert_allclose(model.coef_, ref.coef_, atol=1e-6)
    assert model.dual_gap_ <= 1e-9 * ours
    assert model.sparsity_report().kkt_violation <= 1e-6


def test_penalty_factors_are_the_lasso_of_rescaled_columns():
    X, y = make_problem(100, 12, seed=22)
    pf = np.linspace(0.25, 4.0, 12)
    ref = Lasso(alpha=0.08, **TIGHT).fit(X / pf, y)
    model = LassoL1(alpha=0.08, penalty_factor=pf, **TIGHT).fit(X, y)
    np.testing.assert_allclose(model.coef_, ref.coef_ / pf, atol=1e-7)
    assert model.dual_gap_ <= 1e-10
    rows = model.sparsity_report().details
    assert rows["penalty factors"].startswith("min 0.25, max 4; 0 unpenalised")


@pytest.mark.parametrize("precompute", [False, True])
@pytest.mark.parametrize("sparse", [False, True])
def test_bounds_and_an_unpenalised_feature_against_lbfgsb(precompute, sparse):
    X, y = make_problem(120, 8, seed=23)
    pf = np.array([0.0, 1, 1, 2, 1, 1, 0.5, 1])
    lo = np.array([-np.inf, 0, -0.2, -np.inf, 0, -1, -np.inf, -0.1])
    hi = np.array([np.inf, 0.3, np.inf, 0.1, np.inf, 0, np.inf, 0.1])
    w_ref, b_ref = bounded_enet_reference(X, y, 0.05, 0.7, pf, lo, hi)
    model = LassoL1(alpha=0.05, l1_ratio=0.7, penalty_factor=pf, lower_bounds=lo,
                    upper_bounds=hi, precompute=precompute, **TIGHT)  # fmt: skip
    model.fit(sp.csc_matrix(X) if sparse else X, y)
    assert np.all(model.coef_ >= lo) and np.all(model.coef_ <= hi)
    kw = dict(alpha=0.05, l1_ratio=0.7, penalty_factor=pf, lower_bounds=lo,
              upper_bounds=hi)  # fmt: skip
    ours = objective(X, y, model.coef_, model.intercept_, **kw)
    theirs = objective(X, y, w_ref, b_ref, **kw)
    assert ours <= theirs * (1 + 1e-9)
    assert ours == pytest.approx(theirs, rel=1e-7)
    assert model.coef_[0] != 0  # the unpenalised feature is fitted
    report = model.sparsity_report()
    assert report.kkt_violation <= 1e-6 and report.converged
    assert report.details["at a bound"] != "0 coefficients"


def test_scalar_bounds_and_positive():
    X, y = make_problem(80, 6, seed=24)
    box = LassoL1(alpha=0.05, lower_bounds=-0.2, upper_bounds=0.2, **TIGHT).fit(X, y)
    assert np.all(np.abs(box.coef_) <= 0.2) and np.any(np.abs(box.coef_) == 0.2)
    pos = LassoL1(alpha=0.05, positive=True, **TIGHT).fit(X, y)
    low = LassoL1(alpha=0.05, lower_bounds=0.0, **TIGHT).fit(X, y)
    np.testing.assert_array_equal(pos.coef_, low.coef_)


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({"penalty_factor": [1, -1, 1, 1]}, ValueError, "penalty_factor"),
        ({"penalty_factor": [1, np.inf, 1, 1]}, ValueError, "penalty_factor"),
        ({"penalty_factor": [1, 1, 1]}, ValueError, "penalty_factor"),
        ({"l1_ratio": 1.5}, InvalidParameterError, "l1_ratio"),
        ({"l1_ratio": -0.1}, InvalidParameterError, "l1_ratio"),
        (
            {"lower_bounds": [0, -1, 0, 0], "upper_bounds": [1, -2, 1, 1]},
            ValueError,
            "lower_bounds > upper_bounds",
        ),
        ({"lower_bounds": [0, 0, 0]}, ValueError, "lower_bounds"),
        ({"upper_bounds": -1.0}, ValueError, "contain 0"),
        ({"positive": True, "lower_bounds": -1.0}, ValueError, "positive"),
    ],
)
def test_bad_penalty_parameters_fail_before_any_kernel(params, error, match):
    X, y = make_problem(20, 4, seed=25)
    with pytest.raises(error, match=match):
        LassoL1(alpha=0.1, **params).fit(X, y)


# --- the absolute loss ------------------------------------------------------------

PF = np.array([0.0, 1, 2, 1, 0.5, 1, 1, 3])
LO = np.array([-np.inf, 0, -np.inf, -0.1, -np.inf, 0, -np.inf, -np.inf])
HI = np.array([np.inf, np.inf, 0.2, 0.1, np.inf, 0.05, np.inf, np.inf])


@pytest.mark.parametrize("tau", [0.5, 0.2])
@pytest.mark.parametrize("fmt", ["dense", "csc"])
@pytest.mark.parametrize("weighted", [False, True])
def test_lad_with_factors_and_bounds_is_the_exact_lp(tau, fmt, weighted):
    X, y = make_problem(70, 8, seed=31)
    y[::9] += 8.0  # outliers
    sw = np.random.default_rng(31).uniform(0.2, 3.0, 70) if weighted else None
    alpha = 0.04
    w_lp, b_lp, f_lp = lad_lp_penalised(X, y, alpha * PF, LO, HI, tau, sw)
    model = LADRegressor(alpha=alpha, quantile=tau, penalty_factor=PF,
                         lower_bounds=LO, upper_bounds=HI)  # fmt: skip
    model.fit(sp.csc_matrix(X) if fmt == "csc" else X, y, sample_weight=sw)
    kw = dict(alpha=alpha, loss="absolute", quantile=tau, penalty_factor=PF,
              lower_bounds=LO, upper_bounds=HI, sample_weight=sw)  # fmt: skip
    ours = objective(X, y, model.coef_, model.intercept_, **kw)
    assert ours == pytest.approx(f_lp, rel=1e-9)
    assert np.all(model.coef_ >= LO) and np.all(model.coef_ <= HI)
    assert model.dual_gap_ <= 1e-9 * ours
    assert duality_gap(X, y, model.coef_, model.intercept_, **kw) <= 1e-9 * ours
    report = model.sparsity_report()
    assert report.converged and report.kkt_violation <= 1e-9
    assert "1 unpenalised" in report.details["penalty factors"]
    assert "penalty_factor=..." in report.model


# --- paths, alpha_max and CV ------------------------------------------------------


@pytest.mark.parametrize("precompute", [False, True])
def test_lasso_path_points_equal_single_fits(precompute):
    X, y = make_problem(90, 8, seed=32)
    kw = dict(l1_ratio=0.6, penalty_factor=PF, lower_bounds=LO, upper_bounds=HI)
    path = lasso_path(X, y, alphas=6, precompute=precompute, tol=1e-12, **kw)
    for k, a in enumerate(path.alphas):
        single = LassoL1(alpha=a, **kw, **TIGHT).fit(X, y)
        f_path = objective(X, y, path.coefs[:, k], path.intercepts[k], alpha=a, **kw)
        f_single = objective(X, y, single.coef_, single.intercept_, alpha=a, **kw)
        assert f_path == pytest.approx(f_single, rel=1e-9)
    # The unpenalised feature is fitted at every alpha, alpha_max included.
    assert np.all(path.coefs[0] != 0)


def test_lad_path_points_equal_single_fits():
    X, y = make_problem(60, 8, seed=33)
    kw = dict(penalty_factor=PF, lower_bounds=LO, upper_bounds=HI)
    path = lad_path(X, y, alphas=5, quantile=0.4, **kw)
    for k, a in enumerate(path.alphas):
        _, _, f_lp = lad_lp_penalised(X, y, a * PF, LO, HI, 0.4)
        f_path = objective(X, y, path.coefs[:, k], path.intercepts[k], alpha=a,
                           loss="absolute", quantile=0.4, **kw)  # fmt: skip
        assert f_path == pytest.approx(f_lp, rel=1e-9)


@pytest.mark.parametrize("loss", ["squared", "absolute"])
@pytest.mark.parametrize("bounded", [False, True])
def test_alpha_max_is_the_first_alpha_with_every_penalised_coefficient_zero(
    loss, bounded
):
    X, y = make_problem(80, 8, seed=34)
    pf = np.array([0.0, 1, 2, 1, 0.0, 1, 1, 3])
    kw = dict(penalty_factor=pf)
    if bounded:
        kw.update(lower_bounds=LO, upper_bounds=HI)
    amax = alpha_max(X, y, loss=loss, **kw)
    if loss == "squared":
        fit = lambda a: LassoL1(alpha=a, **kw, **TIGHT).fit(X, y)  # noqa: E731
    else:
        fit = lambda a: LADRegressor(alpha=a, **kw).fit(X, y)  # noqa: E731
    at, below = fit(amax).coef_, fit(0.98 * amax).coef_
    penalised = pf > 0
    assert np.all(at[penalised] == 0) and np.any(at[~penalised] != 0)
    assert np.any(below[penalised] != 0)


def test_alpha_max_scales_with_l1_ratio_and_refuses_when_undefined():
    X, y = make_problem(50, 5, seed=35)
    assert alpha_max(X, y, l1_ratio=0.25) == pytest.approx(4 * alpha_max(X, y))
    with pytest.raises(ValueError, match="l1_ratio=0"):
        alpha_max(X, y, l1_ratio=0.0)
    with pytest.raises(ValueError, match="every penalty_factor is 0"):
        alpha_max(X, y, penalty_factor=np.zeros(5))
    with pytest.raises(ValueError, match="every penalty_factor is 0"):
        lasso_path(X, y, penalty_factor=np.zeros(5))
    # All factors zero with alpha > 0 is the unpenalised fit.
    free = LassoL1(alpha=0.3, penalty_factor=np.zeros(5), **TIGHT).fit(X, y)
    ols = np.linalg.lstsq(np.c_[np.ones(50), X], y, rcond=None)[0]
    np.testing.assert_allclose(free.coef_, ols[1:], atol=1e-8)


@pytest.mark.parametrize("weighted", [False, True])
def test_cv_over_alpha_and_l1_ratio_picks_elastic_net_cvs_pair(weighted):
    X, y = make_problem(120, 10, seed=36)
    sw = np.random.default_rng(36).uniform(0.5, 2.0, 120) if weighted else None
    folds = list(KFold(4, shuffle=True, random_state=0).split(X))
    ratios = [0.2, 0.5, 0.9]
    ref = ElasticNetCV(l1_ratio=ratios, alphas=15, cv=folds, tol=1e-10,
                       max_iter=100_000).fit(X, y, sample_weight=sw)  # fmt: skip
    ours = LassoL1CV(l1_ratio=ratios, alphas=15, cv=folds, tol=1e-10)
    ours.fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(ours.alphas_, ref.alphas_, rtol=1e-10)
    # Each path point stops at its gap tolerance: the errors agree to about tol.
    np.testing.assert_allclose(ours.mse_path_, ref.mse_path_, rtol=1e-4)
    assert ours.l1_ratio_ == ref.l1_ratio_
    assert ours.alpha_ == pytest.approx(ref.alpha_, rel=1e-12)
    kw = dict(alpha=ours.alpha_, l1_ratio=ours.l1_ratio_, sample_weight=sw)
    f_ours = objective(X, y, ours.coef_, ours.intercept_, **kw)
    f_ref = objective(X, y, ref.coef_, ref.intercept_, **kw)
    assert f_ours <= f_ref * (1 + 1e-9) and f_ours == pytest.approx(f_ref, rel=1e-8)
    assert "l1_ratio_ = " in ours.sparsity_report().model


def test_cv_classes_take_factors_and_bounds():
    X, y = make_problem(90, 8, seed=37)
    kw = dict(penalty_factor=PF, lower_bounds=LO, upper_bounds=HI)
    for est in (LassoL1CV(alphas=8, cv=3, **kw), LADRegressorCV(alphas=6, cv=3, **kw)):
        est.fit(X, y)
        assert np.all(est.coef_ >= LO) and np.all(est.coef_ <= HI)
        assert est.coef_[0] != 0
        report = est.sparsity_report()
        assert report.converged
        assert report.details["penalty factors"].endswith("1 unpenalised")


@pytest.mark.parametrize("sparse", [False, True])
def test_wide_problem_with_bounded_unpenalised_features_converges(sparse):
    # Working sets (p > 100), an unpenalised coefficient bounded below but optimal
    # strictly inside, and one unpenalised unbounded: the gap projects off both.
    X, y = make_problem(80, 150, seed=38)
    y = y + 3.0 * X[:, 0] + 2.0 * X[:, 1]
    pf = np.ones(150)
    pf[:2] = 0.0
    lo = np.full(150, -np.inf)
    lo[0] = 0.0
    w_ref, b_ref = bounded_enet_reference(X, y, 0.1, 1.0, pf, lo, np.full(150, np.inf))
    model = LassoL1(alpha=0.1, penalty_factor=pf, lower_bounds=lo, tol=1e-10)
    model.fit(sp.csc_matrix(X) if sparse else X, y)
    kw = dict(alpha=0.1, penalty_factor=pf, lower_bounds=lo)
    ours = objective(X, y, model.coef_, model.intercept_, **kw)
    assert ours == pytest.approx(objective(X, y, w_ref, b_ref, **kw), rel=1e-7)
    assert model.coef_[0] > 0 and model.sparsity_report().converged
    assert model.n_iter_ < 1000


# --- the elastic net of the absolute loss (a QP) ------------------------------------


@pytest.mark.parametrize("l1_ratio", [0.0, 0.5, 0.9])
@pytest.mark.parametrize("tau", [0.5, 0.25])
@pytest.mark.parametrize("fmt", ["dense", "csc"])
def test_lad_elastic_net_matches_clarabel_and_certifies(l1_ratio, tau, fmt):
    pytest.importorskip("cvxpy", reason="cvxpy (the test extra) is the QP reference")
    X, y = make_problem(80, 8, seed=41)
    y[::7] += 10.0
    sw = np.random.default_rng(41).uniform(0.2, 2.0, 80)
    alpha = 0.1
    ref = absolute_enet_reference(X, y, alpha, l1_ratio, tau, PF, LO, HI, sw)
    assert ref is not None, "CLARABEL did not solve the reference problem"
    w_ref, b_ref = ref
    model = LADRegressor(
        alpha=alpha, l1_ratio=l1_ratio, quantile=tau, penalty_factor=PF,
        lower_bounds=LO, upper_bounds=HI,
    )  # fmt: skip
    model.fit(sp.csc_matrix(X) if fmt == "csc" else X, y, sample_weight=sw)
    kw = dict(
        alpha=alpha,
        loss="absolute",
        quantile=tau,
        l1_ratio=l1_ratio,
        penalty_factor=PF,
        lower_bounds=LO,
        upper_bounds=HI,
        sample_weight=sw,
    )
    ours = objective(X, y, model.coef_, model.intercept_, **kw)
    theirs = objective(X, y, w_ref, b_ref, **kw)
    assert ours <= theirs * (1 + 1e-10)
    assert ours == pytest.approx(theirs, rel=1e-8)
    assert model.dual_gap_ <= 1e-9 * ours
    assert duality_gap(X, y, model.coef_, model.intercept_, **kw) <= 1e-9 * ours
    assert model.solver_.startswith("qp-ipm")
    assert np.all(model.coef_ >= LO) and np.all(model.coef_ <= HI)
    if l1_ratio > 0:
        assert np.any(model.coef_ == 0)  # exact zeros, not 1e-12
    assert model.sparsity_report().converged


def test_lad_elastic_net_path_and_cv():
    pytest.importorskip("cvxpy", reason="cvxpy (the test extra) is the QP reference")
    X, y = make_problem(70, 6, seed=42)
    path = lad_path(X, y, alphas=4, l1_ratio=0.5, quantile=0.5)
    for k, a in enumerate(path.alphas):
        single = LADRegressor(alpha=a, l1_ratio=0.5).fit(X, y)
        kw = dict(alpha=a, loss="absolute", l1_ratio=0.5)
        f_path = objective(X, y, path.coefs[:, k], path.intercepts[k], **kw)
        f_single = objective(X, y, single.coef_, single.intercept_, **kw)
        assert f_path == pytest.approx(f_single, rel=1e-10)
    assert np.all(path.coefs[:, 0] == 0)  # alpha_max: the first all-zero alpha
    cv = LADRegressorCV(alphas=5, cv=3, l1_ratio=[0.3, 1.0]).fit(X, y)
    assert cv.l1_ratio_ in (0.3, 1.0) and cv.alphas_.shape == (2, 5)
    refit = LADRegressor(alpha=cv.alpha_, l1_ratio=cv.l1_ratio_).fit(X, y)
    kw = dict(alpha=cv.alpha_, loss="absolute", l1_ratio=cv.l1_ratio_)
    assert objective(X, y, cv.coef_, cv.intercept_, **kw) == pytest.approx(
        objective(X, y, refit.coef_, refit.intercept_, **kw), rel=1e-10
    )


@pytest.mark.parametrize(
    "fit",
    [
        lambda X, y, kw: LADRegressor(alpha=0.1, **kw).fit(X, y),
        lambda X, y, kw: LassoL1CV(cv=2, alphas=3, **kw).fit(X, y),
        lambda X, y, kw: LADRegressorCV(cv=2, alphas=3, **kw).fit(X, y),
        lambda X, y, kw: lasso_path(X, y, alphas=3, **kw),
        lambda X, y, kw: lad_path(X, y, alphas=3, **kw),
        lambda X, y, kw: alpha_max(X, y, **kw),
    ],
    ids=[
        "LADRegressor",
        "LassoL1CV",
        "LADRegressorCV",
        "lasso_path",
        "lad_path",
        "alpha_max",
    ],  # fmt: skip
)
@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"penalty_factor": [1, -1, 1, 1]}, "penalty_factor"),
        ({"penalty_factor": [1, np.nan, 1, 1]}, "penalty_factor"),
        ({"penalty_factor": [1, 1, 1]}, "penalty_factor"),
        (
            {"lower_bounds": [0, -1, 0, 0], "upper_bounds": [1, -2, 1, 1]},
            "lower_bounds",
        ),
        ({"upper_bounds": [1, 1]}, "upper_bounds"),
        ({"lower_bounds": 0.5}, "contain 0"),
        ({"l1_ratio": 1.5}, "l1_ratio"),
    ],
)
def test_every_entry_point_refuses_bad_penalty_parameters(fit, params, match):
    X, y = make_problem(20, 4, seed=43)
    with pytest.raises(ValueError, match=match):
        fit(X, y, params)

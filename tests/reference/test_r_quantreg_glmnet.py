"""Against R: quantreg's exact simplex (rq.fit.br), its L1-penalised fit, and glmnet."""

import numpy as np
import pytest

from lad import LADRegressor, LassoL1
from tests._oracle import lad_objective, lasso_objective
from tests.reference import _r


def _data(seed, n=80, p=4):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X @ rng.standard_normal(p) + rng.standard_t(2, n)
    return X, y


@pytest.mark.parametrize("tau", [0.1, 0.5, 0.75])
@pytest.mark.parametrize("weighted", [False, True])
def test_lad_equals_quantreg_br(tau, weighted):
    _r.require("quantreg")
    X, y = _data(1)
    rng = np.random.default_rng(2)
    sw = rng.uniform(0.2, 3.0, 80) if weighted else np.ones(80)
    res = _r.run(
        "library(quantreg); f <- rq.wfit(cbind(1, X), y, tau = tau, weights = w,"
        " method = 'br'); out <- list(coef = coef(f))",
        X=X, y=y, w=sw, tau=np.array([tau]),
    )  # fmt: skip
    b_r, w_r = res["coef"][0], res["coef"][1:]
    m = LADRegressor(quantile=tau).fit(X, y, sample_weight=sw if weighted else None)
    f_r = lad_objective(X, y, w_r, b_r, 0.0, tau, sw)
    f_lad = lad_objective(X, y, m.coef_, m.intercept_, 0.0, tau, sw)
    assert f_lad == pytest.approx(f_r, rel=1e-9)


@pytest.mark.parametrize("tau", [0.5, 0.3])
def test_lad_lasso_equals_quantreg_lasso(tau):
    # rq.fit.lasso minimises sum rho_tau + (lambda / 2) ||w||_1 (the intercept's
    # lambda set to 0): lambda = n alpha in lad's units.
    _r.require("quantreg")
    X, y = _data(3, n=60, p=6)
    alpha = 0.05
    res = _r.run(
        "library(quantreg); lam <- c(0, rep(n * alpha, ncol(X)));"
        " f <- rq.fit.lasso(cbind(1, X), y, tau = tau, lambda = lam);"
        " out <- list(coef = coef(f))",
        X=X, y=y, tau=np.array([tau]), alpha=np.array([alpha]), n=np.array([60.0]),
    )  # fmt: skip
    b_r, w_r = res["coef"][0], res["coef"][1:]
    m = LADRegressor(alpha=alpha, quantile=tau).fit(X, y)
    f_r = lad_objective(X, y, w_r, b_r, alpha, tau)
    f_lad = lad_objective(X, y, m.coef_, m.intercept_, alpha, tau)
    # quantreg's lasso is an interior point method: lad is exact, never worse.
    assert f_lad <= f_r * (1 + 1e-12)
    assert f_lad == pytest.approx(f_r, rel=1e-6)


@pytest.mark.parametrize("ratio", [0.3, 0.05])
def test_lasso_equals_glmnet(ratio):
    # glmnet with standardize = FALSE minimises (1/2n) RSS + lambda ||w||_1, lad's
    # scaling; it divides y by its standard deviation internally, which leaves the
    # pure Lasso unchanged.
    _r.require("glmnet")
    X, y = _data(4, n=100, p=10)
    from lad import alpha_max

    alpha = ratio * alpha_max(X, y)
    res = _r.run(
        "library(glmnet); f <- glmnet(X, y, lambda = alpha, standardize = FALSE,"
        " thresh = 1e-14, maxit = 1e8); out <- list(coef = as.numeric(coef(f)))",
        X=X, y=y, alpha=np.array([alpha]),
    )  # fmt: skip
    b_r, w_r = res["coef"][0], res["coef"][1:]
    m = LassoL1(alpha=alpha, tol=1e-12).fit(X, y)
    f_r = lasso_objective(X, y, w_r, b_r, alpha)
    f_lad = lasso_objective(X, y, m.coef_, m.intercept_, alpha)
    assert f_lad == pytest.approx(f_r, rel=1e-9)
    assert f_lad <= f_r * (1 + 1e-12)


@pytest.mark.parametrize(("l1_ratio", "sd"), [(1.0, 1.0), (0.5, 1.0), (0.5, 3.0)])
def test_factors_limits_and_elastic_net_equal_glmnet(l1_ratio, sd):
    # glmnet rescales penalty.factor to sum to the number of features, and divides
    # y by its standard deviation sd (1/n) inside, which divides the ridge part by
    # sd: lad's (alpha, l1_ratio) is glmnet's (lambda, a) only when sd = 1, and the
    # user guide's conversion otherwise.
    _r.require("glmnet")
    from lad.diagnostics import objective

    X, y = _data(5, n=100, p=8)
    y = sd * (y - y.mean()) / y.std() + 0.5
    pf = np.array([0.0, 1, 2, 1, 0.5, 1, 1, 3])
    lo = np.array([-np.inf, 0, -1, -0.05, -np.inf, -np.inf, 0, -np.inf])
    hi = np.array([np.inf, np.inf, 0.1, 0.05, np.inf, 0, np.inf, np.inf])
    lam = 0.04 * sd  # glmnet's lambda, scaled with y: the same features stay active
    res = _r.run(
        "library(glmnet); f <- glmnet(X, y, lambda = lam, alpha = a,"
        " penalty.factor = pf, lower.limits = lo, upper.limits = hi,"
        " standardize = FALSE, thresh = 1e-14, maxit = 1e8);"
        " out <- list(coef = as.numeric(coef(f)))",
        X=X, y=y, lam=np.array([lam]), a=np.array([l1_ratio]), pf=pf, lo=lo, hi=hi,
    )  # fmt: skip
    b_r, w_r = res["coef"][0], res["coef"][1:]
    # glmnet meets its limits to rounding (0.05 + 1e-17 is outside them).
    assert np.all(w_r >= lo - 1e-12) and np.all(w_r <= hi + 1e-12)
    w_r = np.clip(w_r, lo, hi)
    pf_lad = pf * pf.size / pf.sum()  # glmnet's rescaling of the factors
    l1, l2 = lam * l1_ratio, lam * (1 - l1_ratio) / sd
    kw = dict(alpha=l1 + l2, l1_ratio=l1 / (l1 + l2), penalty_factor=pf_lad,
              lower_bounds=lo, upper_bounds=hi)  # fmt: skip
    m = LassoL1(tol=1e-12, max_iter=100_000, **kw).fit(X, y)
    f_r = objective(X, y, w_r, b_r, **kw)
    f_lad = objective(X, y, m.coef_, m.intercept_, **kw)
    assert f_lad <= f_r * (1 + 1e-9)
    assert f_lad == pytest.approx(f_r, rel=1e-7)
    assert m.coef_[0] != 0
    assert np.any(m.coef_ == hi) or np.any(m.coef_ == lo)

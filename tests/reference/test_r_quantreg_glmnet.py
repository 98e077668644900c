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

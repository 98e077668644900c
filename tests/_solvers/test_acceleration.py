"""Anderson extrapolation in the CD kernels changes the path, never the optimum."""

import numpy as np
import pytest
import scipy.sparse as sp

from lad import LassoL1
from lad._kernels._columns import col_stats_dense
from lad._kernels.squared import _anderson_csc, _anderson_dense, cd_squared_dense
from lad._solvers import _cd
from tests._oracle import lasso_alpha_max, lasso_kkt, lasso_objective, make_problem


def _ro(a):
    # The drivers pass read-only inputs; doing the same keeps one signature per kernel.
    v = np.ascontiguousarray(a) if a.ndim == 1 else a
    v = v.view()
    v.flags.writeable = False
    return v


def _csc(X):
    Xc = sp.csc_matrix(X)
    return (
        _ro(Xc.data),
        _ro(Xc.indices.astype(np.int32)),
        _ro(Xc.indptr.astype(np.int32)),
    )


def _fit_both(X, y, sw, monkeypatch, **kw):
    assert _cd.ANDERSON_K > 0
    acc = LassoL1(tol=1e-12, max_iter=200_000, **kw).fit(X, y, sample_weight=sw)
    monkeypatch.setattr(_cd, "ANDERSON_K", 0)
    plain = LassoL1(tol=1e-12, max_iter=200_000, **kw).fit(X, y, sample_weight=sw)
    return acc, plain


def _check_same_optimum(X, y, sw, acc, plain, alpha, positive, fit_intercept):
    f_acc = lasso_objective(X, y, acc.coef_, acc.intercept_, alpha, sw)
    f_plain = lasso_objective(X, y, plain.coef_, plain.intercept_, alpha, sw)
    assert f_acc == pytest.approx(f_plain, rel=1e-10)
    kkt = lasso_kkt(X, y, acc.coef_, acc.intercept_, alpha, sample_weight=sw,
                    fit_intercept=fit_intercept, positive=positive)  # fmt: skip
    assert kkt <= 1e-6 * alpha
    if positive:
        assert np.all(acc.coef_ >= 0.0)


@pytest.mark.parametrize("layout", ["dense", "csc"])
@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("n_features", [40, 300])  # plain CD, then working sets
def test_same_optimum_with_and_without_acceleration(
    layout, positive, weighted, fit_intercept, n_features, monkeypatch
):
    density = None if layout == "dense" else 0.2
    X, y = make_problem(60, n_features, seed=7, density=density, offset=0.5)
    sw = np.random.default_rng(7).uniform(0.5, 2, 60) if weighted else None
    amax = lasso_alpha_max(X, y, sw, positive=positive, fit_intercept=fit_intercept)
    alpha = 0.02 * amax
    kw = dict(alpha=alpha, positive=positive, fit_intercept=fit_intercept,
              precompute=False)  # fmt: skip
    acc, plain = _fit_both(X, y, sw, monkeypatch, **kw)
    _check_same_optimum(X, y, sw, acc, plain, alpha, positive, fit_intercept)


@pytest.mark.parametrize("layout", ["dense", "csc"])
def test_ill_conditioned_design_reaches_the_same_optimum(layout, monkeypatch):
    # Nearly collinear columns: CD crawls and many extrapolations are rejected.
    rng = np.random.default_rng(11)
    base = rng.standard_normal((80, 6))
    X = np.repeat(base, 5, axis=1) + 1e-3 * rng.standard_normal((80, 30))
    y = base @ rng.standard_normal(6) + 0.1 * rng.standard_normal(80)
    if layout == "csc":
        X = sp.csc_matrix(X)
    alpha = 1e-3 * lasso_alpha_max(X, y, None)
    acc, plain = _fit_both(X, y, None, monkeypatch, alpha=alpha, precompute=False)
    _check_same_optimum(X, y, None, acc, plain, alpha, False, True)


def test_alpha_max_still_gives_exact_zeros():
    X, y = make_problem(40, 20, seed=2)
    m = LassoL1(alpha=lasso_alpha_max(X, y, None), tol=1e-12).fit(X, y)
    assert np.all(m.coef_ == 0.0)


def _history_around_the_optimum(seed):
    """A problem solved to optimality and a history that ends at the optimum."""
    X, y = make_problem(40, 12, seed=seed)
    Xf = _ro(np.asfortranarray(X))
    sw = _ro(np.empty(0))
    xmean, col_sq = map(_ro, col_stats_dense(Xf, sw, True))
    yc = _ro(y - y.mean())
    ws = np.arange(12, dtype=np.int32)
    alpha = 0.05 * lasso_alpha_max(X, y, None)
    w = np.zeros(12)
    r = yc.copy()
    cd_squared_dense(Xf, yc, sw, w, r, col_sq, xmean, alpha, False, -1, 10_000,
                     1e-14, 0, ws)  # fmt: skip
    # Earlier rows perturbed on the support, last row the optimum itself: any
    # extrapolation that moves away from it raises the (strictly convex) objective.
    K = 5
    hist = np.tile(w, (K + 1, 1))
    rng = np.random.default_rng(seed)
    hist[:K] += 0.1 * rng.standard_normal((K, 12)) * (w != 0)
    return X, y, Xf, yc, sw, xmean, ws, alpha * 40, w, r, hist, K


def test_extrapolation_that_raises_the_objective_is_rejected():
    X, y, Xf, yc, sw, xmean, ws, lam, w, r, hist, K = _history_around_the_optimum(3)
    w0, r0 = w.copy(), r.copy()
    scratch = (np.empty((K, K)), np.empty(K), np.empty(12), np.empty(40))
    assert not _anderson_dense(Xf, sw, w, r, xmean, lam, False, ws, hist, *scratch)
    np.testing.assert_array_equal(w, w0)
    np.testing.assert_array_equal(r, r0)
    ok, offset = _anderson_csc(
        *_csc(X), sw, w, r, 0.0, xmean, lam, False, ws, hist, *scratch
    )
    assert not ok and offset == 0.0
    np.testing.assert_array_equal(w, w0)
    np.testing.assert_array_equal(r, r0)


def test_singular_history_is_rejected():
    # Identical iterates: U U' = 0, so there is nothing to extrapolate.
    X, y, Xf, yc, sw, xmean, ws, lam, w, r, hist, K = _history_around_the_optimum(4)
    hist[:] = w
    scratch = (np.empty((K, K)), np.empty(K), np.empty(12), np.empty(40))
    assert not _anderson_dense(Xf, sw, w, r, xmean, lam, False, ws, hist, *scratch)


@pytest.mark.parametrize("layout", ["dense", "csc"])
def test_accepted_extrapolation_keeps_the_residual_exact(layout):
    # Iterates of plain CD from w = 0 on a correlated design; when the
    # extrapolation is kept, r must still be yc - Xc w and the objective lower.
    rng = np.random.default_rng(5)
    n, p = 50, 10
    X = rng.standard_normal((n, p)) + 0.9 * rng.standard_normal((n, 1))
    y = X[:, :4] @ np.ones(4) + 0.1 * rng.standard_normal(n)
    Xf = _ro(np.asfortranarray(X))
    sw = _ro(np.empty(0))
    xmean, col_sq = map(_ro, col_stats_dense(Xf, sw, True))
    yc = _ro(y - y.mean())
    ws = np.arange(p, dtype=np.int32)
    alpha = 1e-3 * lasso_alpha_max(X, y, None)
    w = np.zeros(p)
    r = yc.copy()
    K = 5
    hist = np.empty((K + 1, p))
    for k in range(K + 1):
        cd_squared_dense(Xf, yc, sw, w, r, col_sq, xmean, alpha, False, -1, 1, 0.0,
                         0, ws)  # fmt: skip
        hist[k] = w
    before = lasso_objective(X, y, w, y.mean() - xmean @ w, alpha)
    scratch = (np.empty((K, K)), np.empty(K), np.empty(p), np.empty(n))
    if layout == "dense":
        ok = _anderson_dense(Xf, sw, w, r, xmean, alpha * n, False, ws, hist, *scratch)
    else:
        ok, offset = _anderson_csc(
            *_csc(X), sw, w, r, 0.0, xmean, alpha * n, False, ws, hist, *scratch
        )
        r += offset
    assert ok
    np.testing.assert_allclose(r, yc - (X - xmean) @ w, atol=1e-10)
    after = lasso_objective(X, y, w, y.mean() - xmean @ w, alpha)
    assert after < before

"""Anderson extrapolation in the CD kernels changes the path, never the optimum."""

import numpy as np
import pytest
import scipy.sparse as sp

from lad import LassoL1
from lad._kernels.squared import _accept
from lad._solvers import squared
from tests._oracle import lasso_alpha_max, lasso_kkt, lasso_objective, make_problem
from tests._solvers._helpers import squared_fit


def _fit_both(X, y, sw, alpha, **kw):
    assert squared.ANDERSON_K > 0
    kw = dict(sample_weight=sw, tol=1e-12, max_iter=200_000, **kw)
    return squared_fit(X, y, alpha, **kw), squared_fit(X, y, alpha, anderson_k=0, **kw)


def _check_same_optimum(X, y, sw, acc, plain, alpha, positive, fit_intercept):
    f_acc = lasso_objective(X, y, acc.coef, acc.intercept, alpha, sw)
    f_plain = lasso_objective(X, y, plain.coef, plain.intercept, alpha, sw)
    assert f_acc == pytest.approx(f_plain, rel=1e-10)
    kkt = lasso_kkt(X, y, acc.coef, acc.intercept, alpha, sample_weight=sw,
                    fit_intercept=fit_intercept, positive=positive)  # fmt: skip
    assert kkt <= 1e-6 * alpha
    if positive:
        assert np.all(acc.coef >= 0.0)


@pytest.mark.parametrize("layout", ["dense", "csc"])
@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("n_features", [40, 300])  # plain CD, then working sets
def test_same_optimum_with_and_without_acceleration(
    layout, positive, weighted, fit_intercept, n_features
):
    density = None if layout == "dense" else 0.2
    X, y = make_problem(60, n_features, seed=7, density=density, offset=0.5)
    sw = np.random.default_rng(7).uniform(0.5, 2, 60) if weighted else None
    amax = lasso_alpha_max(X, y, sw, positive=positive, fit_intercept=fit_intercept)
    alpha = 0.02 * amax
    acc, plain = _fit_both(X, y, sw, alpha, positive=positive,
                           fit_intercept=fit_intercept)  # fmt: skip
    _check_same_optimum(X, y, sw, acc, plain, alpha, positive, fit_intercept)


@pytest.mark.parametrize("layout", ["dense", "csc"])
def test_ill_conditioned_design_reaches_the_same_optimum(layout):
    # Nearly collinear columns: CD crawls and many extrapolations are rejected.
    rng = np.random.default_rng(11)
    base = rng.standard_normal((80, 6))
    X = np.repeat(base, 5, axis=1) + 1e-3 * rng.standard_normal((80, 30))
    y = base @ rng.standard_normal(6) + 0.1 * rng.standard_normal(80)
    if layout == "csc":
        X = sp.csc_matrix(X)
    alpha = 1e-3 * lasso_alpha_max(X, y, None)
    acc, plain = _fit_both(X, y, None, alpha)
    _check_same_optimum(X, y, None, acc, plain, alpha, False, True)


def test_alpha_max_still_gives_exact_zeros():
    X, y = make_problem(40, 20, seed=2)
    m = LassoL1(alpha=lasso_alpha_max(X, y, None), tol=1e-12).fit(X, y)
    assert np.all(m.coef_ == 0.0)


def test_the_accept_step_keeps_only_a_lower_objective():
    # The extrapolated point replaces (w, r) only when the objective drops.
    rng = np.random.default_rng(3)
    n, p = 30, 6
    r = rng.standard_normal(n)
    w = rng.standard_normal(p)
    ws = np.arange(p, dtype=np.int32)
    pen = np.zeros((4, p))
    pen[0] = 0.1
    pen[2], pen[3] = -np.inf, np.inf
    sw = np.empty(0)
    worse_r, worse_w = 2.0 * r, 2.0 * w
    w0, r0 = w.copy(), r.copy()
    assert not _accept(sw, r, 0.0, w, ws, pen, worse_r, 0.0, worse_w, float(n))
    np.testing.assert_array_equal(w, w0)
    np.testing.assert_array_equal(r, r0)
    better_r, better_w = 0.5 * r, 0.5 * w
    assert _accept(sw, r, 0.0, w, ws, pen, better_r, 0.0, better_w, float(n))
    np.testing.assert_array_equal(w, 0.5 * w0)
    np.testing.assert_array_equal(r, 0.5 * r0)

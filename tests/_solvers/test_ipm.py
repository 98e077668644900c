"""Frisch-Newton interior point start: the basis it guesses, and the exact finish."""

import numpy as np
import pytest
import scipy.sparse as sp

import lad
from lad import LADRegressor
from lad._certificate import absolute_certificate
from lad._penalty import l1_vectors
from lad._solvers import _ipm, _simplex, absolute
from tests._oracle import lad_linprog, lad_objective
from tests._solvers._helpers import absolute_problem, unit_l1


def _heavy(n, p, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X[:, : min(p, 3)].sum(axis=1) + rng.standard_t(2, n) + 1.0
    return X, y


def _assert_exact(model, X, y, alpha, tau, sw, fit_intercept):
    n = X.shape[0]
    swn = None if sw is None else sw * n / sw.sum()
    best, _, _ = lad_linprog(X, y, alpha, tau, swn, fit_intercept)
    got = lad_objective(X, y, model.coef_, model.intercept_, alpha, tau, swn)
    assert got == pytest.approx(best, rel=1e-9, abs=1e-12)
    p0 = absolute_problem(X, y, sample_weight=sw, quantile=tau,
                          fit_intercept=fit_intercept).null_objective  # fmt: skip
    assert model.dual_gap_ <= model.tol * p0 + 1e-12


@pytest.mark.parametrize("seed", range(12))
def test_ipm_matches_linprog(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(20, 300))
    p = int(rng.integers(1, 25))
    X, y = _heavy(n, p, seed)
    tau = float(rng.choice([0.5, 0.1, 0.3, 0.75]))
    fit_intercept = bool(seed % 2)
    sw = None
    if seed % 3 == 0:
        sw = rng.uniform(0.0, 3.0, n)
        sw[rng.random(n) < 0.1] = 0.0  # zero weights leave the LP
    amax = lad.alpha_max(X, y, loss="absolute", quantile=tau,
                         fit_intercept=fit_intercept, sample_weight=sw)  # fmt: skip
    alpha = float(rng.choice([0.0, 0.02, 0.2, 0.7])) * amax
    model = LADRegressor(alpha=alpha, quantile=tau, fit_intercept=fit_intercept,
                         solver="ipm").fit(X, y, sample_weight=sw)  # fmt: skip
    assert model.solver_ in ("ipm+simplex", "null")
    _assert_exact(model, X, y, alpha, tau, sw, fit_intercept)


@pytest.mark.parametrize("alpha", [0.0, 0.05])
def test_interior_point_reaches_the_gap_and_guesses_the_basis(alpha):
    X, y = _heavy(200, 6, 0)
    problem = absolute_problem(X, y)
    usable = problem.usable
    sw = np.ones(200)
    gap_tol = 1e-10 * problem.null_objective * 100.0  # LP units: (W / 2) P
    lam = np.full(usable.size, alpha * 100.0)
    sol = _ipm.ipm_lad(X, y, sw, usable, lam=lam, tau=0.5, fit_intercept=True,
                       gap_tol=gap_tol)  # fmt: skip
    assert sol["gap"] <= gap_tol
    best, _, _ = lad_linprog(X, y, alpha)
    got = lad_objective(X, y, sol["coef"], sol["intercept"], alpha)
    assert got == pytest.approx(best, rel=1e-8)
    # Without ties the interior solution identifies the basis: the simplex started
    # there is optimal at once (no pivot).
    res = absolute.solve(problem, alpha, unit_l1(6), plan_=absolute.Plan("ipm", "ipm"))
    assert res.details["pivots"] == 0
    assert lad_objective(X, y, res.coef, res.intercept, alpha) == pytest.approx(
        best, rel=1e-12
    )


@pytest.mark.parametrize("alpha_frac", [0.0, 0.3])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_tied_integer_problem(alpha_frac, fit_intercept):
    # Integer X and y: many rows share residual zero at the optimum (a degenerate
    # vertex) and optima are not unique; the finish must still be exact.
    rng = np.random.default_rng(3)
    X = rng.integers(-2, 3, (150, 4)).astype(float)
    y = X[:, 0] + rng.integers(-2, 3, 150).astype(float)
    amax = lad.alpha_max(X, y, loss="absolute", fit_intercept=fit_intercept)
    alpha = alpha_frac * amax
    model = LADRegressor(alpha=alpha, fit_intercept=fit_intercept, solver="ipm")
    model.fit(X, y)
    assert model.solver_ == "ipm+simplex"
    _assert_exact(model, X, y, alpha, 0.5, None, fit_intercept)


def test_wrong_basis_guess_is_repaired_by_the_simplex():
    # A basis of rows far from zero residual: a valid vertex, but a bad one. The
    # simplex must pivot from it to the optimum.
    X, y = _heavy(100, 5, 2)
    problem = absolute_problem(X, y)
    pen = l1_vectors(0.0, 5)
    lp = absolute._lp(problem, pen)
    r = y - np.median(y)
    far = np.argsort(-np.abs(r))[:6]
    basis = _simplex.from_terms(lp, problem.usable, far, np.zeros(0, dtype=int))
    assert basis is not None
    basis, status, pivots = _simplex.solve(lp, basis, problem.usable, max_pivots=1000)
    assert status == "optimal" and pivots > 0
    coef, b = _simplex.point(lp, basis, 5)
    best, _, _ = lad_linprog(X, y, 0.0)
    assert lad_objective(X, y, coef, b, 0.0) == pytest.approx(best, rel=1e-12)


def test_collinear_columns_skip_the_interior_point():
    X, y = _heavy(80, 3, 4)
    X = np.column_stack([X, X[:, 0] - X[:, 1]])
    sw = np.ones(80)
    sol = _ipm.ipm_lad(X, y, sw, np.arange(4), lam=np.zeros(4), tau=0.5,
                       fit_intercept=True, gap_tol=1e-8)  # fmt: skip
    assert sol is None
    model = LADRegressor(solver="ipm").fit(X, y)
    assert model.solver_ == "ipm+simplex"  # IRLS stood in; the simplex finished
    _assert_exact(model, X, y, 0.0, 0.5, None, True)
    # A penalty makes the LP's normal equations definite again.
    model = LADRegressor(alpha=0.01, solver="ipm").fit(X, y)
    _assert_exact(model, X, y, 0.01, 0.5, None, True)


@pytest.mark.parametrize("alpha_frac", [0.0, 0.1])
def test_sparse_interior_point_matches_the_dense_one(alpha_frac):
    X, y = _heavy(400, 12, 5)
    X[np.random.default_rng(5).random(X.shape) < 0.6] = 0.0
    alpha = alpha_frac * lad.alpha_max(X, y, loss="absolute")
    dense = LADRegressor(alpha=alpha, solver="ipm").fit(X, y)
    sparse = LADRegressor(alpha=alpha, solver="ipm").fit(sp.csc_matrix(X), y)
    assert sparse.solver_ == dense.solver_ == "ipm+simplex"
    _assert_exact(sparse, X, y, alpha, 0.5, None, True)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("alpha_div", [0, 10])
def test_a_wrong_dual_hint_falls_back_to_the_zero_set_certificate(alpha_div):
    # The simplex's dual certifies the point when it is feasible; a corrupted one
    # must not: the certificate then rebuilds its dual by the zero-set LP.
    X, y = _heavy(120, 5, 7)
    alpha = lad.alpha_max(X, y, loss="absolute") / alpha_div if alpha_div else 0.0
    good = LADRegressor(alpha=alpha).fit(X, y)
    sw = np.ones(120)
    pen = l1_vectors(alpha, 5)
    kw = dict(pen=pen, tau=0.5, fit_intercept=True)
    lp = absolute_certificate(X, y, sw, good.coef_, good.intercept_, **kw)
    hinted = absolute_certificate(X, y, sw, good.coef_, good.intercept_,
                                  u_hint=lp["u"], **kw)  # fmt: skip
    assert hinted["gap"] == pytest.approx(lp["gap"], abs=1e-12)
    assert lp["gap"] <= 1e-9 * max(1.0, lp["objective"])
    assert hinted["dual_infeasibility"] <= 1e-9
    bad = absolute_certificate(X, y, sw, good.coef_, good.intercept_,
                               u_hint=np.full(120, 0.5), **kw)  # fmt: skip
    assert bad["dual_infeasibility"] > 1e-3

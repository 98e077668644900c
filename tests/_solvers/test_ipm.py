"""Frisch-Newton interior point route: exact optimum after the crossover."""

import numpy as np
import pytest
import scipy.sparse as sp

import lad
from lad import LADRegressor
from lad._solvers import _ipm
from lad._solvers._lad import choose_solver, null_objective, usable_columns
from lad._validation import as_kernel_inputs
from tests._oracle import lad_linprog, lad_objective


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
    p0, _ = null_objective(y, np.ones(n) if swn is None else swn, tau, fit_intercept)
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
    assert model.solver_.startswith("ipm")
    _assert_exact(model, X, y, alpha, tau, sw, fit_intercept)


@pytest.mark.parametrize("alpha", [0.0, 0.05])
def test_interior_point_reaches_the_gap(alpha):
    X, y = _heavy(200, 6, 0)
    sw = np.ones(200)
    usable = usable_columns(as_kernel_inputs(X), True)
    p0, _ = null_objective(y, sw, 0.5, True)
    gap_tol = 1e-10 * p0 * 100.0  # LP units: (W / 2) P
    sol = _ipm.ipm_lad(X, y, sw, usable, alpha=alpha, tau=0.5, fit_intercept=True,
                       gap_tol=gap_tol)  # fmt: skip
    assert sol["gap"] <= gap_tol
    best, _, _ = lad_linprog(X, y, alpha)
    got = lad_objective(X, y, sol["coef"], sol["intercept"], alpha)
    assert got == pytest.approx(best, rel=1e-8)
    # Without ties the interior solution identifies the basis: no LP is needed.
    out = _ipm.ipm_exact(X, y, sw, usable, alpha=alpha, tau=0.5, fit_intercept=True,
                         null_obj=p0)  # fmt: skip
    assert out[4] == 0
    assert lad_objective(X, y, out[0], out[1], alpha) == pytest.approx(best, rel=1e-12)


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
    assert model.solver_.startswith("ipm")
    _assert_exact(model, X, y, alpha, 0.5, None, fit_intercept)


@pytest.mark.parametrize("alpha", [0.0, 0.03])
@pytest.mark.parametrize("band", [1, 5])
def test_forced_band_finishes_exactly(alpha, band):
    # A band far smaller than the basis: the exact stage must grow it.
    X, y = _heavy(120, 8, 1)
    sw = np.random.default_rng(1).uniform(0.5, 2.0, 120)
    sw *= 120 / sw.sum()
    usable = usable_columns(as_kernel_inputs(X), True)
    p0, _ = null_objective(y, sw, 0.4, True)
    coef, b, _, _, n_lp = _ipm.ipm_exact(
        X, y, sw, usable, alpha=alpha, tau=0.4, fit_intercept=True, null_obj=p0,
        band=band,
    )  # fmt: skip
    assert n_lp >= 1
    best, _, _ = lad_linprog(X, y, alpha, 0.4, sw)
    assert lad_objective(X, y, coef, b, alpha, 0.4, sw) == pytest.approx(best, rel=1e-9)


def test_wrong_basis_guess_falls_back(monkeypatch):
    X, y = _heavy(100, 5, 2)
    right = _ipm.guess_basis

    def wrong(sol, usable, fit_intercept):
        basic, fixed = right(sol, usable, fit_intercept)
        others = np.setdiff1d(np.flatnonzero(sol["theta"] > 0), basic)
        return np.sort(others[: basic.size]), fixed  # rows far from zero residual

    monkeypatch.setattr(_ipm, "guess_basis", wrong)
    sw = np.ones(100)
    usable = np.arange(5)
    p0, _ = null_objective(y, sw, 0.5, True)
    sol = _ipm.ipm_lad(X, y, sw, usable, alpha=0.0, tau=0.5, fit_intercept=True,
                       gap_tol=1e-10 * p0 * 50)  # fmt: skip
    assert _ipm.basis_vertex(X, y, sw, usable, sol, alpha=0.0, tau=0.5,
                             fit_intercept=True) is None  # fmt: skip
    model = LADRegressor(solver="ipm").fit(X, y)
    assert model.solver_ == "ipm+lp"
    _assert_exact(model, X, y, 0.0, 0.5, None, True)


def test_collinear_columns_fall_back_to_lp():
    X, y = _heavy(80, 3, 4)
    X = np.column_stack([X, X[:, 0] - X[:, 1]])
    sw = np.ones(80)
    sol = _ipm.ipm_lad(X, y, sw, np.arange(4), alpha=0.0, tau=0.5,
                       fit_intercept=True, gap_tol=1e-8)  # fmt: skip
    assert sol is None
    model = LADRegressor(solver="ipm").fit(X, y)
    assert model.solver_ == "irls+lp"
    _assert_exact(model, X, y, 0.0, 0.5, None, True)
    # A penalty makes the LP's normal equations definite again.
    model = LADRegressor(alpha=0.01, solver="ipm").fit(X, y)
    assert model.solver_.startswith("ipm")
    _assert_exact(model, X, y, 0.01, 0.5, None, True)


def test_solver_choice():
    X, y = _heavy(60, 4, 5)
    dense = as_kernel_inputs(X)
    sparse = as_kernel_inputs(sp.csc_matrix(X))
    assert choose_solver("auto", dense, 0.0) == "ipm"
    assert choose_solver("auto", dense, 0.1) == "ipm"
    assert choose_solver("ipm", sparse, 0.0) == "irls"
    assert choose_solver("auto", sparse, 0.0) == "irls"
    model = LADRegressor(solver="ipm").fit(sp.csc_matrix(X), y)
    assert model.solver_ == "irls+lp"
    assert LADRegressor().fit(X, y).solver_.startswith("ipm")


def test_uncertified_interior_result_is_redone(monkeypatch):
    # Safety net: should the crossover ever end at a point the certificate rejects,
    # the LP route solves the problem again.
    from lad._solvers import _lad

    def bad(X, y, sw, usable, **kw):
        return np.zeros(X.shape[1]), 0.0, np.zeros(X.shape[0]), 1, 0

    monkeypatch.setattr(_lad, "ipm_exact", bad)
    X, y = _heavy(90, 4, 6)
    model = LADRegressor(solver="ipm").fit(X, y)
    assert model.solver_ == "irls+lp"
    _assert_exact(model, X, y, 0.0, 0.5, None, True)


@pytest.mark.parametrize("alpha_div", [0, 10])
def test_a_wrong_dual_hint_falls_back_to_the_zero_set_certificate(
    monkeypatch, alpha_div
):
    # The crossover's dual certifies the point when it is feasible; a corrupted one
    # must not: the certificate then rebuilds its dual by the zero-set LP, and the
    # optimal point is still certified with a gap within tol.
    from lad import alpha_max
    from lad._solvers import _lad

    real = _lad.ipm_exact

    def corrupt(*args, **kw):
        w, b, u, n_ipm, n_lp = real(*args, **kw)
        return w, b, np.full_like(u, 0.5), n_ipm, n_lp  # box-feasible, not balanced

    X, y = _heavy(120, 5, 7)
    alpha = alpha_max(X, y, loss="absolute") / alpha_div if alpha_div else 0.0
    good = LADRegressor(alpha=alpha, solver="ipm").fit(X, y)
    monkeypatch.setattr(_lad, "ipm_exact", corrupt)
    fixed = LADRegressor(alpha=alpha, solver="ipm").fit(X, y)
    assert fixed.solver_.startswith("ipm")
    assert fixed.dual_gap_ <= 1e-9 * max(1.0, good.sparsity_report().objective)
    np.testing.assert_allclose(fixed.coef_, good.coef_, rtol=1e-12, atol=1e-12)
    _assert_exact(fixed, X, y, alpha, 0.5, None, True)


def test_dual_hint_gives_the_same_gap_as_the_zero_set_lp():
    from lad._certificate import absolute_certificate

    X, y = _heavy(150, 6, 8)
    sw = np.ones(150)
    model = LADRegressor(solver="ipm").fit(X, y)
    kw = dict(alpha=0.0, tau=0.5, fit_intercept=True, penalized=np.ones(6, bool))
    lp = absolute_certificate(X, y, sw, model.coef_, model.intercept_, **kw)
    hinted = absolute_certificate(
        X, y, sw, model.coef_, model.intercept_, u_hint=lp["u"], **kw
    )
    assert hinted["gap"] == pytest.approx(lp["gap"], abs=1e-12)
    assert hinted["dual_infeasibility"] <= 1e-9
    bad = absolute_certificate(
        X, y, sw, model.coef_, model.intercept_, u_hint=np.full(150, 0.5), **kw
    )
    assert bad["dual_infeasibility"] > 1e-3

"""The absolute-loss interface: the plan (every branch of "auto"), the routes, the
null model, warm starts and the certificate of any point."""

import numpy as np
import pytest
import scipy.sparse as sp

from lad._penalty import Penalty
from lad._solvers import absolute
from tests._oracle import lad_linprog, lad_objective
from tests._solvers._helpers import absolute_problem, unit_l1


def _data(n, p, seed=0, density=None):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    if density is not None:
        X = sp.csc_matrix(X * (rng.random((n, p)) < density))
    y = np.asarray(X @ rng.standard_normal(p)).ravel() + rng.standard_t(2, n)
    return X, y


def _plan(X, y, alpha_frac=0.0, solver="auto", unit=None):
    problem = absolute_problem(X, y)
    unit = unit_l1(X.shape[1]) if unit is None else unit
    alpha = alpha_frac * absolute.alpha_max(problem, unit)
    return absolute.plan(problem, alpha, unit, solver)


def test_auto_goes_straight_to_the_simplex_on_small_problems():
    # The cut-off is n (p + 1) <= DIRECT_MAX_ENTRIES.
    n = absolute.DIRECT_MAX_ENTRIES // 5
    assert _plan(*_data(n, 4)).warm == "none"
    assert _plan(*_data(n + 1, 4)).warm == "ipm"


def test_auto_uses_the_interior_point_on_dense_and_sparse_designs():
    assert _plan(*_data(2000, 10)).warm == "ipm"
    assert _plan(*_data(2000, 10, density=0.1)).warm == "ipm"
    assert _plan(*_data(1000, 50), alpha_frac=0.1).warm == "ipm"


def test_auto_falls_back_to_irls_where_the_interior_point_does_not_pay():
    # Wide sparse: the normal equations would be 3000 x 3000.
    assert _plan(*_data(400, 3000, density=0.01), alpha_frac=0.2).warm == "irls"
    # Dense and penalised beyond the flop budget of the normal equations.
    assert not absolute.ipm_pays(2000, 5000, 0.1)
    assert absolute.ipm_pays(2000, 5000, 0.0) is False  # memory: (n + p)(p + 1)
    assert absolute.ipm_pays(10_000, 50, 0.1)


def test_bounds_exclude_the_interior_point():
    X, y = _data(2000, 10)
    bounded = Penalty(1.0, 10, positive=True).array()
    assert _plan(X, y, unit=bounded).warm == "irls"
    assert _plan(X, y, solver="ipm", unit=bounded).warm == "irls"


def test_null_plan_at_and_above_alpha_max_and_for_degenerate_data():
    X, y = _data(300, 5)
    assert _plan(X, y, alpha_frac=1.0).warm == "null"
    assert _plan(X, y, alpha_frac=3.0).warm == "null"
    assert _plan(X, np.full(300, 2.0)).warm == "null"  # y constant: P0 = 0
    assert _plan(np.ones((300, 5)), y).warm == "null"  # no usable column


@pytest.mark.parametrize("solver", ["ipm", "irls", "cd"])
def test_explicit_solvers_are_planned_as_asked(solver):
    assert _plan(*_data(500, 6), alpha_frac=0.1, solver=solver).warm == solver


@pytest.mark.parametrize("warm", ["none", "ipm", "irls", "cd"])
@pytest.mark.parametrize("alpha_frac", [0.0, 0.2])
def test_every_route_reaches_the_lp_optimum(warm, alpha_frac):
    X, y = _data(150, 6, seed=1)
    problem = absolute_problem(X, y, quantile=0.3)
    unit = unit_l1(6)
    alpha = alpha_frac * absolute.alpha_max(problem, unit)
    res = absolute.solve(problem, alpha, unit, plan_=absolute.Plan(warm, warm))
    best, _, _ = lad_linprog(X, y, alpha, 0.3)
    assert lad_objective(X, y, res.coef, res.intercept, alpha, 0.3) == pytest.approx(
        best, rel=1e-10
    )
    assert res.converged and res.dual_gap <= res.tol


def test_a_basis_or_a_point_warm_starts_a_neighbouring_solve():
    X, y = _data(300, 8, seed=2)
    problem = absolute_problem(X, y)
    unit = unit_l1(8)
    amax = absolute.alpha_max(problem, unit)
    first = absolute.solve(problem, 0.3 * amax, unit)
    from_basis = absolute.solve(problem, 0.2 * amax, unit, start=first.state,
                                plan_=absolute.Plan("none", "simplex"))  # fmt: skip
    from_point = absolute.solve(problem, 0.2 * amax, unit,
                                start=(first.coef, first.intercept))  # fmt: skip
    cold = absolute.solve(problem, 0.2 * amax, unit)
    for res in (from_basis, from_point):
        assert res.objective == pytest.approx(cold.objective, rel=1e-12)
    assert from_basis.details["pivots"] <= cold.n_iter


def test_the_certificate_of_any_point_bounds_its_suboptimality():
    X, y = _data(200, 5, seed=3)
    problem = absolute_problem(X, y)
    unit = unit_l1(5)
    best = absolute.solve(problem, 0.01, unit)
    worse = best.coef + 0.05
    cert = absolute.certificate(problem, worse, best.intercept, 0.01, unit,
                                dual=best.dual)  # fmt: skip
    f_worse = lad_objective(X, y, worse, best.intercept, 0.01)
    f_best = lad_objective(X, y, best.coef, best.intercept, 0.01)
    assert cert["objective"] == pytest.approx(f_worse, rel=1e-12)
    assert f_worse - f_best <= cert["gap"] * (1 + 1e-9)

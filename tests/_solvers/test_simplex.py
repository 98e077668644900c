"""The piecewise-linear simplex and its driver: starting bases, crossover, growth of
the working set, degenerate and frozen cases, and the dual certificate."""

import numpy as np
import pytest

from lad._penalty import Penalty, l1_vectors
from lad._solvers import _simplex, absolute
from tests._oracle import lad_linprog, lad_objective
from tests._solvers._helpers import absolute_problem


def _lp(X, y, pen, **kw):
    problem = absolute_problem(X, y, **kw)
    return problem, absolute._lp(problem, pen)


def _heavy(n, p, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    return X, X @ rng.standard_normal(p) + rng.standard_t(2, n)


@pytest.mark.parametrize("alpha", [0.0, 0.05])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_crossover_from_any_point_reaches_the_optimum(alpha, fit_intercept):
    X, y = _heavy(60, 5, 0)
    problem, lp = _lp(X, y, l1_vectors(alpha, 5), fit_intercept=fit_intercept)
    start = np.random.default_rng(1).standard_normal(5)
    basis = _simplex.from_point(lp, problem.usable, start, 0.7 if fit_intercept else 0)
    assert np.all(basis.codes[60 : 60 + basis.n_coords] < 0)  # all virtual
    basis, status, pivots = _simplex.solve(lp, basis, problem.usable, max_pivots=500)
    assert status == "optimal" and pivots >= basis.n_coords
    assert np.all(basis.codes[60 : 60 + basis.n_coords] >= 0)  # a vertex
    coef, b = _simplex.point(lp, basis, 5)
    best, _, _ = lad_linprog(X, y, alpha, fit_intercept=fit_intercept)
    assert lad_objective(X, y, coef, b, alpha) == pytest.approx(best, rel=1e-12)


def test_the_duals_of_an_optimal_basis_certify_it():
    X, y = _heavy(80, 4, 2)
    problem, lp = _lp(X, y, l1_vectors(0.0, 4), quantile=0.25)
    basis = absolute._null_basis(problem, lp, problem.usable.astype(np.int32))
    basis, status, _ = _simplex.solve(lp, basis, problem.usable, max_pivots=500)
    u, mult = _simplex.duals(lp, basis)
    assert np.all((u >= 0.25 - 1 - 1e-12) & (u <= 0.25 + 1e-12))
    assert abs(problem.sw @ u) <= 1e-12 * 80  # the intercept's equation
    np.testing.assert_allclose(X.T @ (problem.sw * u), 0.0, atol=1e-10)


def test_columns_enter_the_working_set_when_their_dual_is_violated():
    X, y = _heavy(100, 30, 3)
    problem, lp = _lp(X, y, l1_vectors(1.0, 30))
    alpha = 0.05 * absolute.alpha_max(problem, l1_vectors(1.0, 30))
    pen = l1_vectors(alpha, 30)
    lp = absolute._lp(problem, pen)
    ws = np.array([0, 1], dtype=np.int32)
    basis = absolute._null_basis(problem, lp, ws)
    basis, status, _ = _simplex.solve(lp, basis, problem.usable, max_pivots=5000)
    assert status == "optimal" and basis.ws.size > 2
    coef, b = _simplex.point(lp, basis, 30)
    best, _, _ = lad_linprog(X, y, alpha)
    assert lad_objective(X, y, coef, b, alpha) == pytest.approx(best, rel=1e-10)


def test_a_zero_column_keeps_its_virtual_term_frozen():
    X, y = _heavy(40, 3, 4)
    X[:, 1] = 0.0  # no breakpoint can pin this coordinate
    problem, lp = _lp(X, y, l1_vectors(0.0, 3))
    ws = np.arange(3, dtype=np.int32)  # the zero column included on purpose
    basis = _simplex.from_point(lp, ws, np.zeros(3), 0.0)
    basis, status, _ = _simplex.solve(lp, basis, ws, max_pivots=500)
    assert status == "optimal"
    coef, b = _simplex.point(lp, basis, 3)
    best, _, _ = lad_linprog(np.delete(X, 1, axis=1), y, 0.0)
    assert lad_objective(X, y, coef, b, 0.0) == pytest.approx(best, rel=1e-12)


def test_bounds_are_kinks_the_line_search_cannot_pass():
    X, y = _heavy(120, 4, 5)
    pen = Penalty(0.01, 4, lower_bounds=[-0.1, 0, -np.inf, -1],
                  upper_bounds=[0.1, np.inf, 0, 1]).array()  # fmt: skip
    problem, lp = _lp(X, y, pen)
    basis = absolute._null_basis(problem, lp, problem.usable.astype(np.int32))
    basis, status, _ = _simplex.solve(lp, basis, problem.usable, max_pivots=500)
    coef, _ = _simplex.point(lp, basis, 4)
    assert status == "optimal"
    assert np.all(coef >= pen[2] - 1e-12) and np.all(coef <= pen[3] + 1e-12)


def test_the_pivot_budget_is_honoured_and_a_refactorisation_resumes():
    X, y = _heavy(300, 8, 6)
    problem, lp = _lp(X, y, l1_vectors(0.0, 8))
    basis = absolute._null_basis(problem, lp, problem.usable.astype(np.int32))
    part, status, pivots = _simplex.solve(lp, basis, problem.usable, max_pivots=3)
    assert status == "budget" and pivots == 3
    done, status, more = _simplex.solve(lp, part, problem.usable, max_pivots=1000)
    assert status == "optimal"
    coef, b = _simplex.point(lp, done, 8)
    best, _, _ = lad_linprog(X, y, 0.0)
    assert lad_objective(X, y, coef, b, 0.0) == pytest.approx(best, rel=1e-12)


def test_a_singular_guess_is_refused():
    X, y = _heavy(50, 3, 7)
    X[:, 2] = X[:, 0]
    problem, lp = _lp(X, y, l1_vectors(0.0, 3))
    assert _simplex.from_terms(lp, np.arange(3), np.arange(4), np.zeros(0, int)) is None


def test_rounding_of_a_degenerate_vertex_is_snapped_to_zero():
    X, y = _heavy(30, 2, 8)
    problem, lp = _lp(X, y, l1_vectors(0.0, 2))
    basis = _simplex.from_point(lp, problem.usable, np.array([1e-40, 2.0]), 0.0)
    coef, _ = _simplex.point(lp, basis, 2)
    assert coef[0] == 0.0 and coef[1] == 2.0

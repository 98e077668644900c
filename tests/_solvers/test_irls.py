"""IRLS, the warm start of the simplex on problems the interior point does not take."""

import numpy as np
import pytest
import scipy.sparse as sp

from lad._penalty import l1_vectors
from lad._solvers._irls import irls_lad, weighted_quantile
from tests._oracle import lad_linprog, lad_objective
from tests._solvers._helpers import absolute_problem


def test_weighted_quantile_minimises_the_pinball_loss():
    rng = np.random.default_rng(0)
    v = rng.standard_normal(25)
    w = rng.uniform(0.1, 2.0, 25)

    def loss(c, q):
        return np.sum(w * np.where(v >= c, q * (v - c), (q - 1) * (v - c)))

    grid = np.linspace(v.min(), v.max(), 2001)
    for q in (0.1, 0.5, 0.9):
        b = weighted_quantile(v, w, q)
        assert loss(b, q) <= min(loss(c, q) for c in grid) + 1e-12


@pytest.mark.parametrize("layout", ["dense", "csc"])
@pytest.mark.parametrize("alpha", [0.0, 0.02])
def test_irls_approaches_the_optimum(layout, alpha):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((400, 6))
    y = X @ rng.standard_normal(6) + rng.standard_t(2, 400)
    A = X if layout == "dense" else sp.csc_matrix(X)
    problem = absolute_problem(A, y)
    w, b, n_iter = irls_lad(problem.design, problem.y, problem.sw, l1_vectors(alpha, 6),
                            tau=0.5, fit_intercept=True, max_iter=100,
                            coef0=np.zeros(6), intercept0=problem.b_null)  # fmt: skip
    best, _, _ = lad_linprog(X, y, alpha)
    start = lad_objective(X, y, np.zeros(6), problem.b_null, alpha)
    got = lad_objective(X, y, w, b, alpha)
    assert 1 <= n_iter <= 100
    assert got - best <= 1e-3 * (start - best)

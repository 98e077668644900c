"""The squared loss's interface: the null gradient in BLAS order and in fixed order."""

import numpy as np
import pytest
import scipy.sparse as sp

from lad._penalty import Penalty
from lad._solvers import squared
from lad._validation import as_kernel_inputs, normalized_weights
from tests._oracle import make_problem


def _problem(X, weighted):
    design = as_kernel_inputs(X, fortran=False)
    sw = np.linspace(0.5, 1.5, X.shape[0]) if weighted else None
    sw = normalized_weights(sw, design.shape[0])
    return squared.prepare(design, sw, fit_intercept=True)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fmt", ["dense", "csc"])
def test_fast_null_gradient_agrees_with_the_fixed_order_one(fmt, weighted):
    X, y = make_problem(120, 15, seed=2)
    X = sp.csc_matrix(X) if fmt == "csc" else X
    problem = _problem(X, weighted)
    fast = squared.target(problem, y, exact=False)
    exact = squared.target(problem, y)
    assert not fast.exact and exact.exact
    np.testing.assert_allclose(fast.g0, exact.g0, rtol=1e-12, atol=1e-12)
    assert fast.y_sq == exact.y_sq and fast.ymean == exact.ymean


@pytest.mark.parametrize("fmt", ["dense", "csc", "csr"])
def test_a_fast_target_at_alpha_max_gives_the_exact_zero_vector(fmt):
    X, y = make_problem(90, 12, seed=5)
    unit = Penalty(1.0, X.shape[1]).unit()
    dense_problem = _problem(X, False)
    amax = squared.alpha_max(dense_problem, squared.target(dense_problem, y), unit)
    Xf = {"dense": X, "csc": sp.csc_matrix(X), "csr": sp.csr_matrix(X)}[fmt]
    problem = _problem(Xf, False)
    res = squared.solve(problem, squared.target(problem, y, exact=False), amax, unit)
    assert not np.any(res.coef) and res.dual_gap == 0.0
    below = squared.solve(
        problem, squared.target(problem, y, exact=False), 0.5 * amax, unit
    )
    assert np.any(below.coef)

"""The interior point kernels, driven as :mod:`lad._solvers._ipm` drives them."""

import numpy as np
import pytest
from scipy.optimize import linprog

from lad._kernels.interior import fn_scale_dense, fn_step_dense
from lad._solvers._ipm import build_lp, ipm_lad

# The driver passes A (built by build_lp) and the iterates as ordinary writable
# C-ordered float64 arrays and U as an F-ordered one; the tests do the same, so each
# kernel keeps its one compiled signature.


def _rho(r, tau):
    return r * (tau - (r < 0))


def _lp_objective(X, y, sw, lam, tau, coef, intercept):
    """``sum_i sw_i rho_tau(y_i - x_i'w - b) + sum_j lam_j |w_j|`` (the LP's units)."""
    return float(sw @ _rho(y - X @ coef - intercept, tau) + lam @ np.abs(coef))


def _linprog_objective(X, y, sw, lam, tau, fit_intercept):
    """The same problem as an LP solved by HiGHS: w = w+ - w-, r = u - v."""
    n, p = X.shape
    nb = int(fit_intercept)
    # Variables: w+ (p), w- (p), b (nb, free), u (n), v (n).
    cost = np.concatenate([lam, lam, np.zeros(nb), tau * sw, (1 - tau) * sw])
    A_eq = np.hstack([X, -X, np.ones((n, nb)), np.eye(n), -np.eye(n)])
    bounds = [(0, None)] * (2 * p) + [(None, None)] * nb + [(0, None)] * (2 * n)
    res = linprog(cost, A_eq=A_eq, b_eq=y, bounds=bounds, method="highs")
    assert res.status == 0, res.message
    return res.fun


def _problem(n, p, seed, *, weighted, penalised):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    coef = np.zeros(p)
    coef[:2] = [2.0, -1.0]
    y = X @ coef + rng.standard_t(2, n) + 1.0
    if weighted:
        sw = rng.uniform(0.5, 2, n)
        sw[4] = 0.0  # a row of zero weight is left out of the LP
        sw *= n / sw.sum()
    else:
        sw = np.ones(n)
    lam = np.zeros(p)
    if penalised == "prefix":
        # The last column unpenalised: the pseudo-rows are those of columns 0..p-2.
        lam[:-1] = rng.uniform(0.5, 3, p - 1)
    elif penalised == "gaps":
        # The first two columns unpenalised (penalty_factor 0): pseudo-rows 2..p-1.
        lam[2:] = rng.uniform(0.5, 3, p - 2)
    return X, y, sw, lam


def test_fn_scale_dense_computes_d_and_b():
    rng = np.random.default_rng(0)
    m, k, mb = 9, 3, 7
    A = np.ascontiguousarray(rng.standard_normal((m, k)))
    a = rng.uniform(0.01, 0.99, m)
    s = 1.0 - a
    z = rng.uniform(0.1, 5, m)
    w = rng.uniform(0.1, 5, m)
    d = np.full(m, np.nan)
    B = np.full((mb, k), np.nan)
    fn_scale_dense(A, a, s, z, w, d, B)
    d_ref = 1.0 / (z / a + w / s)
    np.testing.assert_allclose(d, d_ref, rtol=1e-15)
    np.testing.assert_allclose(B, np.sqrt(d_ref)[:mb, None] * A[:mb], rtol=1e-15)
    # Every row gets its scaling, also the pseudo-rows past mb.
    assert np.all(np.isfinite(d)) and np.all(d > 0)
    B_full = np.empty((m, k))
    fn_scale_dense(A, a, s, z, w, d, B_full)
    np.testing.assert_allclose(B_full, np.sqrt(d_ref)[:, None] * A, rtol=1e-15)


CASES = [
    # tau, fit_intercept, weighted, penalised
    (0.5, True, False, None),
    (0.3, True, True, "prefix"),
    (0.7, False, True, None),
    (0.5, False, False, "prefix"),
    (0.5, True, False, "gaps"),
    (0.3, True, True, "gaps"),
]


@pytest.mark.parametrize(("tau", "fit_intercept", "weighted", "penalised"), CASES)
def test_iterates_stay_feasible_and_the_gap_closes(tau, fit_intercept, weighted,
                                                   penalised):  # fmt: skip
    # The loop of ipm_lad, with NumPy's Cholesky instead of LAPACK's.
    X, y, sw, lam = _problem(25, 3, seed=1, weighted=weighted, penalised=penalised)
    usable = np.arange(X.shape[1])
    A, c, b, a, rows, scale, _ = build_lp(
        X, y, sw, usable, lam=lam, tau=tau, fit_intercept=fit_intercept
    )
    m, k = A.shape
    n_r = rows.size
    beta = np.linalg.solve(A.T @ A, A.T @ c)
    r = c - A @ beta
    s = 1.0 - a
    shift = 0.1 * np.mean(np.abs(r))
    w = np.maximum(r, 0.0) + shift
    z = np.maximum(-r, 0.0) + shift
    d = np.empty(m)
    B = np.empty((n_r, k))
    buf_m = np.zeros((9, m))
    buf_k = np.zeros((3, k))
    gap0 = gap = float(a @ z + s @ w)
    np.testing.assert_allclose(A.T @ a, b, rtol=0, atol=1e-12 * np.abs(b).max())
    for _ in range(60):
        fn_scale_dense(A, a, s, z, w, d, B)
        # A'DA: the data rows through B, the pseudo-rows added directly.
        G = B.T @ B + A[n_r:].T @ (d[n_r:, None] * A[n_r:])
        U = np.linalg.cholesky(G).T  # upper, F-ordered as LAPACK returns it
        assert U.flags.f_contiguous and not U.flags.c_contiguous
        gap, step_p, step_d = fn_step_dense(A, c, b, U, a, s, beta, z, w, d,
                                            buf_m, buf_k)  # fmt: skip
        assert 0 < step_p <= 1 and 0 < step_d <= 1
        # Strictly inside the box, with s = 1 - a tracked up to rounding.
        assert np.all(a > 0) and np.all(s > 0)
        np.testing.assert_allclose(a + s, 1.0, rtol=0, atol=1e-12)
        assert np.all(z > 0) and np.all(w > 0)
        # The returned gap is the complementarity a'z + s'w of the new iterate.
        np.testing.assert_allclose(gap, a @ z + s @ w, rtol=1e-12)
        # The primal equality A'a = b holds throughout (a0 satisfies it).
        np.testing.assert_allclose(A.T @ a, b, rtol=0, atol=1e-9 * np.abs(b).max())
        if gap <= 1e-12 * gap0:
            break
    assert gap <= 1e-12 * gap0
    # Dual feasibility at the end: A beta + w - z = c.
    np.testing.assert_allclose(A @ beta + w - z, c, rtol=0, atol=1e-8 * np.abs(c).max())


@pytest.mark.parametrize(("tau", "fit_intercept", "weighted", "penalised"), CASES)
def test_ipm_lad_matches_linprog(tau, fit_intercept, weighted, penalised):
    X, y, sw, lam = _problem(30, 4, seed=2, weighted=weighted, penalised=penalised)
    usable = np.arange(X.shape[1])
    null = _lp_objective(X, y, sw, lam, tau, np.zeros(4), 0.0)
    gap_tol = 1e-11 * null
    sol = ipm_lad(X, y, sw, usable, lam=lam, tau=tau, fit_intercept=fit_intercept,
                  gap_tol=gap_tol)  # fmt: skip
    assert sol is not None
    assert sol["gap"] <= gap_tol
    assert 0 < sol["n_iter"] < 100
    # The data rows kept stay strictly inside the box: 0 < a < 1.
    kept = sw > 0
    assert np.all(sol["theta"][kept] > 0) and np.all(sol["theta"][~kept] == 0)
    assert np.all(sol["theta"] <= 0.5)
    if penalised:
        expected = [0, 1, 2] if penalised == "prefix" else [2, 3]
        assert sol["pen_cols"].tolist() == expected
        assert np.all(sol["theta_pen"] > 0)
    if not fit_intercept:
        assert sol["intercept"] == 0.0
    got = _lp_objective(X, y, sw, lam, tau, sol["coef"], sol["intercept"])
    ref = _linprog_objective(X, y, sw, lam, tau, fit_intercept)
    np.testing.assert_allclose(got, ref, rtol=1e-8)
    assert got >= ref - 1e-9 * abs(ref)  # HiGHS' optimum is a lower bound

"""Frisch-Newton interior point warm start for dense LAD / quantile problems.

Problem, in the LP's units (``sw`` sums to ``W``, ``lam_j = l1_j W / 2`` per
column)::

    (W/2) P(w, b) = sum_i sw_i rho_tau(y_i - x_i'w - b) + sum_j lam_j |w_j|

With ``xt_i = (x_i, 1)`` (the intercept column only when ``fit_intercept``) the
bounded dual, shifted to ``a_i = u_i + 1 - tau`` in ``[0, 1]``, is::

    max_a  sum_i sw_i y_i a_i
    s.t.   sum_i sw_i xt_i a_i + sum_j 2 lam_j e_j v_j
               = (1 - tau) sum_i sw_i xt_i + sum_j lam_j e_j
           0 <= a_i <= 1,   0 <= v_j <= 1

The weight multiplies the row (``sw_i xt_i``, target ``sw_i y_i``), so the box stays
``[0, 1]`` and ``rho_tau(sw_i r_i) = sw_i rho_tau(r_i)``. Each penalised column adds
one pseudo-row ``2 lam_j e_j`` with target 0: its dual ``2 v_j - 1`` in ``[-1, 1]``
turns the equality into ``|sum_i sw_i x_ij u_i| <= lam_j``, and its pinball loss
plus ``lam_j w_j`` from the right-hand side is ``lam_j |w_j|``. This is the form of
Koenker's ``rq.fit.fnb``; the interior point method (:mod:`lad._kernels.interior`)
solves it to a small gap, and :func:`guess_basis` reads off the rows whose dual
values lie deepest inside the box: the basis from which the simplex
(:mod:`lad._solvers._simplex`) starts, and usually stops at once.
"""

import numpy as np
import scipy.sparse as sp
from scipy.linalg import solve_triangular
from scipy.linalg.blas import dsyrk
from scipy.linalg.lapack import dpotrf

from .._kernels.interior import (
    fn_normal_csr,
    fn_scale,
    fn_scale_dense,
    fn_step_csr,
    fn_step_dense,
)
from .._validation import readonly

# The interior point method stops at this duality gap relative to the null objective:
# close enough that the rows strictly inside the box are the basis.
IPM_RTOL = 1e-10
IPM_MAX_ITER = 100
# Steps shorter than this mean the iterates are stuck (rounding); stop there.
MIN_STEP = 1e-10
# Initial slack added to both parts of each residual: keeps the starting point away
# from the boundary, in units of the mean absolute residual.
START_SHIFT = 0.1
# A squared Cholesky pivot of the unit-norm columns' Gram matrix below this means
# collinear columns.
SINGULAR_PIVOT = 1e-12


def build_lp(X, y, sw, usable, *, lam, tau, fit_intercept):
    """Matrix, targets, right-hand side and feasible start of the bounded dual LP.

    Rows with zero weight are left out and the columns are scaled to unit norm (the
    method is invariant to column scaling; the factorisation is better behaved).
    ``lam`` holds the LP's L1 weight of each usable column; the penalised ones
    (``lam > 0``) get a pseudo-row each. Returns ``(A, c, b, a0, rows, scale,
    pen_cols)`` with ``A`` C-ordered, ``rows`` the data rows kept, ``scale`` the
    column norms (``beta = beta_scaled / scale``) and ``pen_cols`` the positions
    (in ``usable``) of the pseudo-rows' columns.
    """
    rows = np.flatnonzero(sw > 0)
    sw_r = sw[rows]
    n_r, p_u = rows.size, usable.size
    k = p_u + int(fit_intercept)
    pen_cols = np.flatnonzero(lam > 0)
    n_pen = pen_cols.size
    A = np.zeros((n_r + n_pen, k))
    A[:n_r, :p_u] = X[np.ix_(rows, usable)]
    if fit_intercept:
        A[:n_r, p_u] = 1.0
    A[:n_r] *= sw_r[:, None]
    c = np.zeros(n_r + n_pen)
    c[:n_r] = sw_r * y[rows]
    b = (1.0 - tau) * A[:n_r].sum(axis=0)
    a0 = np.full(n_r + n_pen, 1.0 - tau)
    if n_pen:
        A[n_r + np.arange(n_pen), pen_cols] = 2.0 * lam[pen_cols]
        b[pen_cols] += lam[pen_cols]
        a0[n_r:] = 0.5
    scale = np.sqrt(np.einsum("ij,ij->j", A, A))
    scale[scale == 0] = 1.0
    A /= scale
    b /= scale
    return A, c, b, a0, rows, scale, pen_cols


def _cholesky(B, diag=None, cols=None):
    """Upper Cholesky factor (F-ordered) of ``B'B + D``, or None if not positive
    definite; ``D`` adds ``diag`` to the diagonal entries ``cols``."""
    G = dsyrk(1.0, B.T, trans=0, lower=0)
    if diag is not None and diag.size:
        G[cols, cols] += diag
    U, info = dpotrf(G, lower=0, clean=0, overwrite_a=1)
    return U if info == 0 else None


def build_lp_sparse(X, y, sw, usable, *, lam, tau, fit_intercept):
    """:func:`build_lp` for a sparse ``X``: ``A`` as read-only CSR arrays.

    Returns ``((data, indices, indptr), c, b, a0, rows, scale, pen_cols, shape)``.
    """
    rows = np.flatnonzero(sw > 0)
    sw_r = sw[rows]
    n_r, p_u = rows.size, usable.size
    k = p_u + int(fit_intercept)
    pen_cols = np.flatnonzero(lam > 0)
    n_pen = pen_cols.size
    Xr = sp.csr_matrix(X)[rows][:, usable]
    blocks = [sp.diags(sw_r) @ Xr]
    if fit_intercept:
        blocks.append(sp.csr_matrix(sw_r[:, None]))
    A = sp.hstack(blocks).tocsr()
    c = np.zeros(n_r + n_pen)
    c[:n_r] = sw_r * y[rows]
    b = (1.0 - tau) * np.asarray(A.sum(axis=0)).ravel()
    a0 = np.full(n_r + n_pen, 1.0 - tau)
    if n_pen:
        P = sp.csr_matrix((2.0 * lam[pen_cols], (np.arange(n_pen), pen_cols)),
                          shape=(n_pen, k))  # fmt: skip
        A = sp.vstack([A, P]).tocsr()
        b[pen_cols] += lam[pen_cols]
        a0[n_r:] = 0.5
    scale = np.sqrt(np.asarray(A.multiply(A).sum(axis=0)).ravel())
    scale[scale == 0] = 1.0
    A = (A @ sp.diags(1.0 / scale)).tocsr()
    A.sort_indices()
    arrays = (
        readonly(np.ascontiguousarray(A.data, dtype=np.float64)),
        readonly(np.ascontiguousarray(A.indices, dtype=np.int32)),
        readonly(np.ascontiguousarray(A.indptr, dtype=np.int32)),
    )
    return arrays, c, b / scale, a0, rows, scale, pen_cols, A.shape


def _factor(G):
    """Upper Cholesky factor of the F-ordered ``G`` (upper triangle filled)."""
    U, info = dpotrf(G, lower=0, clean=1, overwrite_a=0)
    return U if info == 0 else None


def ipm_lad(X, y, sw, usable, *, lam, tau, fit_intercept, gap_tol,
            max_iter=IPM_MAX_ITER):  # fmt: skip
    """Interior point solution of the LAD / quantile LP to an absolute gap.

    ``X`` is dense or sparse (CSR kernels, normal equations formed from the stored
    entries only). ``gap_tol`` is in the LP's units (``(W/2) P``); ``lam`` the LP's
    L1 weight of each usable column. Returns a dict with ``coef``, ``intercept``,
    ``theta`` (distance of each data row's ``a_i`` to the box ends, 0 for rows of
    zero weight), ``theta_pen`` (the same for each pseudo-row), ``pen_cols`` (their
    columns, as positions in ``usable``), ``gap`` and ``n_iter``; or None when
    ``A'A`` is singular (collinear unpenalised columns).
    """
    n, p = X.shape
    kw = dict(lam=lam, tau=tau, fit_intercept=fit_intercept)
    sparse = sp.issparse(X)
    if sparse:
        csr, c, b, a, rows, scale, pen_cols, (m, k) = build_lp_sparse(
            X, y, sw, usable, **kw
        )
        G = np.zeros((k, k), order="F")
        fn_normal_csr(*csr, np.ones(m), G)
        U = _factor(G)
        Atc = np.asarray(sp.csr_matrix((csr[0], csr[1], csr[2]), shape=(m, k)).T @ c)
    else:
        A, c, b, a, rows, scale, pen_cols = build_lp(X, y, sw, usable, **kw)
        m, k = A.shape
        U = _cholesky(A)
        Atc = A.T @ c
    # Start from least squares (Portnoy and Koenker): A'A beta = A'c. The columns
    # have unit norm, so a tiny pivot means (numerically) collinear columns, which
    # leave the coefficients undetermined: another warm start handles those.
    if U is None or np.min(np.abs(np.diag(U))) ** 2 < SINGULAR_PIVOT:
        return None
    beta = solve_triangular(U, solve_triangular(U, Atc, trans="T"))
    if sparse:
        r = c - sp.csr_matrix((csr[0], csr[1], csr[2]), shape=(m, k)) @ beta
    else:
        r = c - A @ beta
    s = 1.0 - a
    buf_m = np.zeros((9, m))
    buf_k = np.zeros((3, k))
    shift = START_SHIFT * float(np.mean(np.abs(r))) + 1e-300
    w = np.maximum(r, 0.0) + shift
    z = np.maximum(-r, 0.0) + shift
    d = np.empty(m)
    n_r = rows.size
    if not sparse:
        B = np.empty((n_r, k))
        # Pseudo-row j has one entry, in column pen_cols[j]: its share of A'DA is
        # diagonal.
        pen_sq = A[n_r + np.arange(m - n_r), pen_cols] ** 2
    gap = float(a @ z + s @ w)
    n_iter = 0
    while gap > gap_tol and n_iter < max_iter:
        if sparse:
            fn_scale(a, s, z, w, d)
            fn_normal_csr(*csr, d, G)
            U = _factor(G)
        else:
            fn_scale_dense(A, a, s, z, w, d, B)
            U = _cholesky(B, d[n_r:] * pen_sq, pen_cols)
        if U is None:  # rounding at the end of the path: keep the current point
            break
        n_iter += 1
        if sparse:
            gap, step_p, step_d = fn_step_csr(*csr, c, b, U, a, s, beta, z, w, d,
                                              buf_m, buf_k)  # fmt: skip
        else:
            gap, step_p, step_d = fn_step_dense(A, c, b, U, a, s, beta, z, w, d,
                                                buf_m, buf_k)  # fmt: skip
        if max(step_p, step_d) < MIN_STEP:
            break
    beta /= scale
    coef = np.zeros(p)
    coef[usable] = beta[: usable.size]
    theta = np.zeros(n)
    theta[rows] = np.minimum(a[: rows.size], s[: rows.size])
    return {
        "coef": coef,
        "intercept": float(beta[-1]) if fit_intercept else 0.0,
        "theta": theta,
        "theta_pen": np.minimum(a[rows.size :], s[rows.size :]),
        "pen_cols": pen_cols,
        "gap": gap,
        "n_iter": n_iter,
    }


def guess_basis(sol, usable, fit_intercept):
    """Basic data rows and usable columns held at 0 by basic pseudo-rows.

    The ``k`` rows (data rows and pseudo-rows together, ``k`` the number of
    unknowns) whose dual values lie deepest inside the box: at a non-degenerate
    optimum these are exactly the basic rows, the others being at a bound up to the
    duality gap.
    """
    n = sol["theta"].size
    k = usable.size + int(fit_intercept)
    theta = np.concatenate([sol["theta"], sol["theta_pen"]])
    if k == 0:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    top = np.argpartition(-theta, min(k, theta.size) - 1)[:k]
    rows = np.sort(top[top < n])
    cols = usable[sol["pen_cols"][top[top >= n] - n]]
    return rows, np.sort(cols)

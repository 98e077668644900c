"""Frisch-Newton interior point driver for dense LAD / quantile problems, with a
crossover to an exact vertex.

Problem, in the estimator's units (``sw`` sums to ``W``, ``lam = alpha W / 2``)::

    (W/2) P(w, b) = sum_i sw_i rho_tau(y_i - x_i'w - b) + lam ||w||_1

With ``xt_i = (x_i, 1)`` (the intercept column only when ``fit_intercept``) the
bounded dual, shifted to ``a_i = u_i + 1 - tau`` in ``[0, 1]``, is::

    max_a  sum_i sw_i y_i a_i
    s.t.   sum_i sw_i xt_i a_i + 2 lam sum_j e_j v_j = (1 - tau) sum_i sw_i xt_i + lam e
           0 <= a_i <= 1,   0 <= v_j <= 1

The weight multiplies the row (``sw_i xt_i``, target ``sw_i y_i``), so the box stays
``[0, 1]`` and ``rho_tau(sw_i r_i) = sw_i rho_tau(r_i)``. Each penalised column adds
one pseudo-row ``2 lam e_j`` with target 0: its dual ``2 v_j - 1`` in ``[-1, 1]``
turns the equality into ``|sum_i sw_i x_ij u_i| <= lam``, and its pinball loss plus
``lam w_j`` from the right-hand side is ``lam |w_j|``. This is the LP of
:mod:`lad._solvers._lp` in the form of Koenker's ``rq.fit.fnb``; the interior point
method (:mod:`lad._kernels.interior`) solves it to a small gap, then
:func:`crossover` turns the interior solution into an exact vertex.
"""

import numpy as np
from scipy.linalg import solve_triangular
from scipy.linalg.blas import dsyrk
from scipy.linalg.lapack import dpotrf

from .._kernels.interior import fn_scale_dense, fn_step_dense
from ._lp import exact_lad

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
# Dual values within this of the box bounds count as on them in the basis check.
BOX_RTOL = 1e-10
# Rows of the band when the exact stage has to finish: a few times the basis size.
BAND_MIN = 100
BAND_FACTOR = 4


def build_lp(X, y, sw, usable, *, alpha, tau, fit_intercept):
    """Matrix, targets, right-hand side and feasible start of the bounded dual LP.

    Rows with zero weight are left out and the columns are scaled to unit norm (the
    method is invariant to column scaling; the factorisation is better behaved).
    Returns ``(A, c, b, a0, rows, scale)`` with ``A`` C-ordered, ``rows`` the data
    rows kept and ``scale`` the column norms (``beta = beta_scaled / scale``).
    """
    rows = np.flatnonzero(sw > 0)
    sw_r = sw[rows]
    n_r, p_u = rows.size, usable.size
    k = p_u + int(fit_intercept)
    n_pen = p_u if alpha > 0 else 0
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
        lam = alpha * float(sw.sum()) / 2.0
        A[n_r + np.arange(p_u), np.arange(p_u)] = 2.0 * lam
        b[:p_u] += lam
        a0[n_r:] = 0.5
    scale = np.sqrt(np.einsum("ij,ij->j", A, A))
    scale[scale == 0] = 1.0
    A /= scale
    b /= scale
    return A, c, b, a0, rows, scale


def _cholesky(B, diag=None):
    """Upper Cholesky factor (F-ordered) of ``B'B + diag(diag)``, or None if not
    positive definite. ``diag`` may be shorter than ``B``'s width (zeros after)."""
    G = dsyrk(1.0, B.T, trans=0, lower=0)
    if diag is not None and diag.size:
        idx = np.arange(diag.size)
        G[idx, idx] += diag
    U, info = dpotrf(G, lower=0, clean=0, overwrite_a=1)
    return U if info == 0 else None


def ipm_lad(X, y, sw, usable, *, alpha, tau, fit_intercept, gap_tol,
            max_iter=IPM_MAX_ITER):  # fmt: skip
    """Interior point solution of the LAD / quantile LP to an absolute gap.

    ``gap_tol`` is in the LP's units (``(W/2) P``). Returns a dict with ``coef``,
    ``intercept``, ``theta`` (distance of each data row's ``a_i`` to the box ends,
    0 for rows of zero weight), ``theta_pen`` (the same for each usable column's
    pseudo-row, empty when ``alpha == 0``), ``gap`` and ``n_iter``; or None when
    ``A'A`` is singular (collinear usable columns and ``alpha == 0``).
    """
    n, p = X.shape
    A, c, b, a, rows, scale = build_lp(
        X, y, sw, usable, alpha=alpha, tau=tau, fit_intercept=fit_intercept
    )
    m, k = A.shape
    # Start from least squares (Portnoy and Koenker): A'A beta = A'c. The columns
    # have unit norm, so a tiny pivot means (numerically) collinear columns, which
    # leave the coefficients undetermined: the LP route handles those.
    U = _cholesky(A)
    if U is None or np.min(np.abs(np.diag(U))) ** 2 < SINGULAR_PIVOT:
        return None
    beta = solve_triangular(U, solve_triangular(U, A.T @ c, trans="T"))
    r = c - A @ beta
    s = 1.0 - a
    buf_m = np.zeros((9, m))
    buf_k = np.zeros((3, k))
    shift = START_SHIFT * float(np.mean(np.abs(r))) + 1e-300
    w = np.maximum(r, 0.0) + shift
    z = np.maximum(-r, 0.0) + shift
    d = np.empty(m)
    n_r = rows.size
    B = np.empty((n_r, k))
    # Each pseudo-row has one entry, on the diagonal: its part of A'DA is diagonal.
    pen_sq = A[n_r + np.arange(m - n_r), np.arange(m - n_r)] ** 2
    gap = float(a @ z + s @ w)
    n_iter = 0
    while gap > gap_tol and n_iter < max_iter:
        fn_scale_dense(A, a, s, z, w, d, B)
        U = _cholesky(B, d[n_r:] * pen_sq)
        if U is None:  # rounding at the end of the path: keep the current point
            break
        n_iter += 1
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
    return np.sort(top[top < n]), usable[top[top >= n] - n]


def basis_vertex(X, y, sw, usable, sol, *, alpha, tau, fit_intercept):
    """The vertex whose basis is the most interior rows of an IPM solution, if optimal.

    The rows of :func:`guess_basis` are taken as the basis: a basic pseudo-row
    holds its coefficient at 0, the basic data rows are fitted exactly. The vertex
    is returned only if its dual, with every other row at the bound its residual
    sign gives, is feasible: then it is an optimum. Returns ``(coef, intercept, u)``
    or None when the guess fails (a degenerate or tied optimum, or an interior
    solution not yet close enough).
    """
    n, p = X.shape
    lam = alpha * float(sw.sum()) / 2.0
    basic, fixed = guess_basis(sol, usable, fit_intercept)
    E = np.setdiff1d(usable, fixed)
    if basic.size == 0 or basic.size != E.size + int(fit_intercept):
        return None
    M = X[np.ix_(basic, E)]
    if fit_intercept:
        M = np.column_stack([M, np.ones(basic.size)])
    try:
        z = np.linalg.solve(M, y[basic])
        z += np.linalg.solve(M, y[basic] - M @ z)  # one step of iterative refinement
    except np.linalg.LinAlgError:
        return None
    coef = np.zeros(p)
    coef[E] = z[: E.size]
    intercept = float(z[-1]) if fit_intercept else 0.0
    r = y - X @ coef - intercept
    nonbasic = np.ones(n, dtype=bool)
    nonbasic[basic] = False
    scale = np.max(np.abs(y), initial=0.0) + np.max(np.abs(y - r), initial=0.0)
    if np.any(nonbasic & (sw > 0) & (np.abs(r) <= 1e-12 * scale)):
        return None  # a tie: the signs of the other rows do not fix their duals
    if alpha > 0 and np.any(coef[E] == 0):
        return None
    u = np.where(r > 0, tau, tau - 1.0)
    u[basic] = 0.0
    g = X[:, E].T @ (sw * u)
    rhs = lam * np.sign(coef[E]) - g
    if fit_intercept:
        rhs = np.append(rhs, -float(sw @ u))
    try:
        v = np.linalg.solve(M.T, rhs)
    except np.linalg.LinAlgError:
        return None
    u[basic] = v / sw[basic]
    margin = BOX_RTOL
    if np.any((u[basic] < tau - 1.0 - margin) | (u[basic] > tau + margin)):
        return None
    if fixed.size:
        g = np.abs(X[:, fixed].T @ (sw * u))
        if np.any(g > lam * (1.0 + margin)):
            return None
    np.clip(u, tau - 1.0, tau, out=u)
    return coef, intercept, u


def ipm_exact(X, y, sw, usable, *, alpha, tau, fit_intercept, null_obj, band=None):
    """Exact optimum through the interior point method and a crossover.

    ``null_obj`` is the null objective in estimator units (the scale of the stopping
    gap). The crossover first tries :func:`basis_vertex`; if the guessed basis is not
    optimal (or ``band`` is given, which forces this route), the exact stage of
    :func:`lad._solvers._lp.exact_lad` finishes from the interior solution on a band
    of ``band`` rows (default: a few times the basis size) around zero residual,
    growing it if rows outside had the wrong sign. Returns ``(coef, intercept, u,
    n_ipm, n_lp)``, or None when the interior point method cannot start.
    """
    W = float(sw.sum())
    sol = ipm_lad(
        X, y, sw, usable, alpha=alpha, tau=tau, fit_intercept=fit_intercept,
        gap_tol=IPM_RTOL * null_obj * W / 2.0,
    )  # fmt: skip
    if sol is None:
        return None
    if band is None:
        vertex = basis_vertex(
            X, y, sw, usable, sol, alpha=alpha, tau=tau, fit_intercept=fit_intercept
        )
        if vertex is not None:
            return (*vertex, sol["n_iter"], 0)
        k = usable.size + int(fit_intercept)
        band = max(BAND_MIN, BAND_FACTOR * k)
    coef = sol["coef"].copy()
    # Coefficients held by a basic pseudo-row are zero up to the gap; the working
    # set of columns starts from the others.
    coef[guess_basis(sol, usable, fit_intercept)[1]] = 0.0
    w, b, u, n_lp = exact_lad(
        X, y, sw, usable, alpha=alpha, tau=tau, fit_intercept=fit_intercept,
        coef0=coef, intercept0=sol["intercept"], path_band=band,
    )  # fmt: skip
    return w, b, u, sol["n_iter"], n_lp

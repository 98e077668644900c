"""Exact LAD / quantile solves: the bounded dual LP on a band of rows and a working set
of columns, solved by HiGHS, grown until the restricted optimum is the full optimum.

Problem, in the estimator's units (``sw`` sums to ``W``)::

    P(w, b) = (1/W) sum_i sw_i 2 rho_tau(y_i - x_i'w - b) + alpha ||w||_1

Multiplying by ``W/2`` and writing ``lam = alpha W / 2`` gives the LP whose dual is

    max_u  sum_i sw_i u_i y_i
    s.t.   tau - 1 <= u_i <= tau,   sum_i sw_i u_i = 0           (intercept)
           |sum_i sw_i x_ij u_i| <= lam     (= 0 when alpha = 0)

Rows outside the band keep the sign their residual has at the warm start, so their
``u_i`` is fixed at ``tau`` or ``tau - 1`` and they enter only through constants
(Portnoy and Koenker's "globs"). Columns outside the working set are left at zero.
After each LP, rows whose residual changed sign join the band and columns whose dual
constraint is violated join the working set; when neither happens, the restricted
optimum satisfies the optimality conditions of the full problem.
"""

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from .._certificate import HIGHS_OPTIONS

# Problems this small are solved on all rows at once.
FULL_ROWS = 5000
# Above that, the first band holds the rows with the smallest warm-start residuals:
# BAND_PER_COEF rows per coefficient, at least BAND_MIN. Portnoy and Koenker size it
# sqrt(p) n^(2/3) for a subsample pilot fit; the IRLS warm start is far more accurate,
# so the residual signs outside a much smaller band are almost always right, and any
# row whose sign flips is added back and the LP solved again.
BAND_PER_COEF = 50
BAND_MIN = 2000
# Columns added to the warm-start support for the first LP (the strongest violators
# of the dual constraints): the warm start's support is usually nearly right, and
# every extra column makes each simplex iteration dearer.
WS_EXTRA_MIN = 10
WS_EXTRA_DIV = 4
# Above this many matrix entries the LP goes to HiGHS's interior point method (with
# crossover to a vertex), which is faster than dual simplex on wide bands.
IPM_ENTRIES = 200_000

# Relative tolerance on the dual constraints when screening columns.
COL_RTOL = 1e-9
# HiGHS's default feasibility tolerances (1e-7) leave vertices whose objective can be
# off by ~1e-9 relative near a change of support; see _certificate.HIGHS_OPTIONS.


def _submatrix(X, rows, cols):
    if sp.issparse(X):
        return X[rows][:, cols]
    return X[np.ix_(rows, cols)]


def initial_band(r0, n_features, sw, *, path_size=None):
    """Rows whose warm-start residuals are closest to zero (all rows when small).

    ``path_size`` overrides the size for a warm start from a neighbouring solution
    on a path, whose residual signs are mostly right already.
    """
    n = r0.shape[0]
    usable = sw > 0
    m = max(BAND_MIN, BAND_PER_COEF * (n_features + 1))
    if path_size is not None:
        m = path_size
    elif n <= FULL_ROWS:
        m = n
    if m >= n:
        return np.flatnonzero(usable)
    scale = np.abs(r0)
    scale[~usable] = np.inf
    band = np.argpartition(scale, m)[:m]
    return np.sort(band[usable[band]])


def solve_restricted(X, y, sw, rows, cols, psi, *, lam, tau, fit_intercept, alpha_zero):
    """One bounded-dual LP on ``rows`` x ``cols``; other rows fixed at ``psi``.

    Returns ``(w_cols, b, u_rows, status)`` with HiGHS's status (0 = optimal).
    """
    n = y.shape[0]
    out = np.ones(n, dtype=bool)
    out[rows] = False
    sw_out = sw * out
    fixed = sw_out * psi
    g_fixed = np.asarray(X.T @ fixed).ravel()[cols] if cols.size else np.zeros(0)
    s_fixed = float(fixed.sum())

    sw_r = sw[rows]
    Xr = _submatrix(X, rows, cols)
    if sp.issparse(Xr):
        A = sp.csr_matrix(Xr.multiply(sw_r[:, None]).T)
    else:
        A = (Xr * sw_r[:, None]).T
    c = -(sw_r * y[rows])
    bounds = (tau - 1.0, tau)
    eq_rows, eq_rhs, ub_rows, ub_rhs = [], [], [], []
    if fit_intercept:
        eq_rows.append(
            sp.csr_matrix(sw_r[None, :]) if sp.issparse(A) else sw_r[None, :]
        )
        eq_rhs.append([-s_fixed])
    if cols.size:
        if alpha_zero:
            eq_rows.append(A)
            eq_rhs.append(-g_fixed)
        else:
            ub_rows += [A, -A]
            ub_rhs += [lam - g_fixed, lam + g_fixed]
    stack = sp.vstack if sp.issparse(A) else np.vstack
    kw = {}
    if eq_rows:
        kw["A_eq"] = stack(eq_rows)
        kw["b_eq"] = np.concatenate(eq_rhs)
    if ub_rows:
        kw["A_ub"] = stack(ub_rows)
        kw["b_ub"] = np.concatenate(ub_rhs)
    method = "highs-ipm" if rows.size * max(cols.size, 1) > IPM_ENTRIES else "highs"
    res = linprog(c, bounds=bounds, method=method, options=HIGHS_OPTIONS, **kw)
    if res.status != 0:
        return None, None, None, res.status
    k = cols.size
    w = np.zeros(k)
    b = 0.0
    if fit_intercept:
        b = -float(res.eqlin.marginals[0])
    if k:
        if alpha_zero:
            w = -res.eqlin.marginals[int(fit_intercept) :]
        else:
            mu = res.ineqlin.marginals
            w = -(mu[:k] - mu[k:])
    return np.asarray(w, dtype=np.float64), b, np.asarray(res.x), 0


def exact_lad(
    X, y, sw, usable_cols, *, alpha, tau, fit_intercept, coef0, intercept0,
    path_band=None,
):  # fmt: skip
    """Exact minimiser of the LAD / quantile objective, from a warm start.

    ``X`` is an ndarray or CSC matrix, ``sw`` a float64 weight vector summing to
    ``W`` (no empty shortcut here), ``usable_cols`` the columns that may be non-zero
    (constant and all-zero columns are excluded by the caller).

    Returns ``(coef, intercept, u, n_lp)``: the optimum, the dual vector of the last
    LP extended by the fixed signs, and the number of LPs solved. ``path_band`` sets
    the number of rows of the first band (a path passes a small one).
    """
    n, p = X.shape
    W = float(sw.sum())
    lam = alpha * W / 2.0
    alpha_zero = alpha == 0.0
    w = np.zeros(p)
    w[:] = coef0
    b = float(intercept0)
    r = y - np.asarray(X @ w).ravel() - b
    r_start = r
    psi = np.where(r >= 0, tau, tau - 1.0)
    rows = initial_band(r, p, sw, path_size=path_band)
    if alpha_zero:
        cols = usable_cols.copy()
    else:
        u0 = np.where(r > 0, tau, np.where(r < 0, tau - 1.0, 0.0))
        c0 = np.abs(np.asarray(X.T @ (sw * u0)).ravel())
        support = np.intersect1d(np.flatnonzero(w), usable_cols)
        budget = max(WS_EXTRA_MIN, support.size // WS_EXTRA_DIV)
        cand = usable_cols[np.argsort(-c0[usable_cols], kind="stable")[:budget]]
        cols = np.union1d(support, cand).astype(np.intp)
    n_lp = 0
    while True:
        n_lp += 1
        w_c, b_new, u_rows, status = solve_restricted(
            X, y, sw, rows, cols, psi, lam=lam, tau=tau,
            fit_intercept=fit_intercept, alpha_zero=alpha_zero,
        )  # fmt: skip
        if status != 0:
            if rows.size == n:
                raise RuntimeError(
                    f"HiGHS failed on the full LAD problem (status {status})."
                )
            # Misclassified globs made the band infeasible: widen it fourfold around
            # the residuals of the warm start, up to all rows.
            grow = 4 * rows.size
            if grow >= n // 2:
                rows = np.arange(n)
            else:
                rank = np.argpartition(np.abs(r_start), grow)[:grow]
                rows = np.union1d(rows, rank)
            continue
        w = np.zeros(p)
        w[cols] = w_c
        b = b_new if fit_intercept else 0.0
        r = y - np.asarray(X @ w).ravel() - b
        u = psi.copy()
        u[rows] = u_rows
        grew = False
        outside = np.ones(n, dtype=bool)
        outside[rows] = False
        wrong = outside & (sw > 0) & (((psi > 0) & (r < 0)) | ((psi < 0) & (r > 0)))
        if wrong.any():
            rows = np.union1d(rows, np.flatnonzero(wrong))
            psi = np.where(r >= 0, tau, tau - 1.0)
            psi[rows] = 0.0
            grew = True
        if not alpha_zero:
            c = np.abs(np.asarray(X.T @ (sw * u)).ravel())
            excess = c - lam * (1 + COL_RTOL) - 1e-12 * W
            excess[cols] = -np.inf
            excess[np.setdiff1d(np.arange(p), usable_cols)] = -np.inf
            bad = np.flatnonzero(excess > 0)
            if bad.size:
                budget = max(10, cols.size)
                bad = bad[np.argsort(-excess[bad], kind="stable")[:budget]]
                cols = np.union1d(cols, bad).astype(np.intp)
                grew = True
        if not grew:
            return w, b, u, n_lp


def polish_vertex(X, y, sw, w, b, u, usable_cols, *, alpha, tau, fit_intercept):
    """Snap an LP solution onto its vertex by solving the basic system exactly.

    The basic rows are those whose dual value lies strictly inside the box; at a
    vertex their residuals are zero, so ``[X_BE, 1] [w_E; b] = y_B`` is square, with
    ``E`` the columns held by equalities (all usable columns when ``alpha == 0``, the
    support otherwise). The polished point is kept only if its objective is not
    larger. Returns ``(w, b)``.
    """
    margin = 1e-9
    E = usable_cols if alpha == 0 else np.flatnonzero(w)
    basic = np.flatnonzero((u > tau - 1.0 + margin) & (u < tau - margin) & (sw > 0))
    k = E.size + int(fit_intercept)
    if k == 0 or basic.size != k:
        return w, b
    M = _submatrix(X, basic, E)
    M = M.toarray() if sp.issparse(M) else np.asarray(M)
    if fit_intercept:
        M = np.column_stack([M, np.ones(k)])
    try:
        z = np.linalg.solve(M, y[basic])
        z += np.linalg.solve(M, y[basic] - M @ z)  # one step of iterative refinement
    except np.linalg.LinAlgError:
        return w, b
    if not np.all(np.isfinite(z)):
        return w, b
    w2 = np.zeros_like(w)
    w2[E] = z[: E.size]
    b2 = float(z[-1]) if fit_intercept else 0.0
    if _objective(X, y, sw, w2, b2, alpha, tau) <= _objective(
        X, y, sw, w, b, alpha, tau
    ):
        return w2, b2
    return w, b


def _objective(X, y, sw, w, b, alpha, tau):
    r = y - np.asarray(X @ w).ravel() - b
    loss = np.where(r >= 0, tau * r, (tau - 1.0) * r)
    return 2.0 * float(sw @ loss) / float(sw.sum()) + alpha * float(np.abs(w).sum())

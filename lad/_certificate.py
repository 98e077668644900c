"""Duality-gap certificate for the absolute / quantile loss (pure NumPy and SciPy).

Shared by :mod:`lad.diagnostics` and the LAD solver, and independent of the kernels.
With ``lam = alpha W / 2`` the dual of ``(W/2) P`` is::

    max_u  sum_i sw_i u_i y_i
    s.t.   tau - 1 <= u_i <= tau,   sum_i sw_i u_i = 0            (intercept)
           |sum_i sw_i x_ij u_i| <= lam      (= 0 when alpha = 0)

For a candidate ``(w, b)``, rows with a clearly non-zero residual get the subgradient
``u_i = tau`` or ``tau - 1``. The rows fitted exactly (the zero set) get the values
that maximise the dual objective subject to the constraints: a small LP over the zero
set only, solved by HiGHS. When the zero set is too small to meet the equality
constraints (a candidate that is not a vertex optimum), the rows with the smallest
residuals are freed as well until it is; any feasible point gives a valid bound.
HiGHS meets equalities to about 1e-9; the interior entries are then corrected by a
least-squares step so the equalities hold to rounding, the box is enforced by
clipping, and the inequalities by scaling ``u`` by
``min(1, lam / max_j |x_j' S u|)`` (scaling keeps the box and the intercept equation).
"""

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

# The tightest feasibility tolerances HiGHS accepts (its defaults are 1e-7).
HIGHS_OPTIONS = {
    "primal_feasibility_tolerance": 1e-10,
    "dual_feasibility_tolerance": 1e-10,
}
# A residual counts as zero below this fraction of the scale of the fitted values.
ZERO_RTOL = 1e-10


def rho(r, tau):
    """Twice the pinball loss, ``2 rho_tau(r)``; equals ``|r|`` at ``tau = 0.5``."""
    return 2.0 * np.where(r >= 0, tau * r, (tau - 1.0) * r)


def zero_threshold(y, fitted, intercept):
    """Absolute threshold under which a residual is treated as an exact zero."""
    scale = np.max(np.abs(y), initial=0.0) + np.max(np.abs(fitted), initial=0.0)
    return ZERO_RTOL * (scale + abs(intercept)) + 1e-300


def absolute_certificate(
    X, y, sw, w, b, *, alpha, tau, fit_intercept, penalized, u_hint=None
):
    """Feasible dual point and gap for a candidate of the absolute / quantile problem.

    ``penalized`` is a boolean mask of the columns carrying the L1 penalty (all of them
    in ``lad``; unpenalised columns get equality constraints, like ``alpha = 0``).
    ``u_hint``, a dual point from the solver (e.g. of a verified basis), replaces the
    zero-set LP: it goes through the same clipping and scaling, and its equality
    residual is reported as ``dual_infeasibility``, so the caller can tell whether
    the gap it gives is meaningful and fall back to the LP otherwise.
    Returns a dict with ``gap`` (estimator units), ``u``, ``zero_set`` (row indices),
    ``dual_infeasibility`` (largest equality residual, in gradient units) and
    ``objective``.
    """
    n, p = X.shape
    W = float(sw.sum())
    lam = alpha * W / 2.0
    fitted = np.asarray(X @ w).ravel()
    r = y - fitted - b
    delta = zero_threshold(y, fitted, b)
    zero = np.flatnonzero((np.abs(r) <= delta) & (sw > 0))
    u = np.where(r > 0, tau, tau - 1.0)
    u[np.abs(r) <= delta] = 0.0
    eq_cols = np.flatnonzero(~penalized) if alpha > 0 else np.arange(p)
    ineq_cols = np.flatnonzero(penalized) if alpha > 0 else np.zeros(0, dtype=int)
    free = zero
    n_eq = int(fit_intercept) + eq_cols.size
    if u_hint is not None:
        u = np.array(u_hint, dtype=np.float64)
    elif free.size or n_eq:
        # Grow the free rows, nearest residuals first, until the constraints can be met
        # (all rows always suffice: u = 0 is feasible). Any feasible u bounds the
        # optimum, so rows that are not exact fits may be freed too.
        order = np.argsort(np.where(sw > 0, np.abs(r), np.inf), kind="stable")
        order = order[: int(np.count_nonzero(sw > 0))]
        size = free.size
        while True:
            uf, ok = _free_set_duals(
                X, y, sw, u, free, eq_cols, ineq_cols, lam=lam, tau=tau,
                fit_intercept=fit_intercept,
            )  # fmt: skip
            if ok or free.size >= order.size:
                u[free] = uf
                break
            size = min(order.size, max(2 * size, 2 * n_eq + 2, 16))
            free = np.union1d(zero, order[:size])
    np.clip(u, tau - 1.0, tau, out=u)
    c = np.asarray(X.T @ (sw * u)).ravel()
    if ineq_cols.size:
        worst = np.max(np.abs(c[ineq_cols]))
        if worst > lam:
            u *= lam / worst
            c *= lam / worst
    infeas = 0.0
    if fit_intercept:
        infeas = abs(float(sw @ u))
    if eq_cols.size:
        infeas = max(infeas, float(np.max(np.abs(c[eq_cols]))))
    unique = _nondegenerate(X, u, c, w, zero, lam, tau, alpha, fit_intercept)
    primal = float(sw @ rho(r, tau)) / 2.0 + lam * float(np.abs(w).sum())
    dual = float(sw @ (u * y))
    return {
        "gap": max(2.0 * (primal - dual) / W, 0.0),
        "objective": 2.0 * primal / W,
        "u": u,
        "zero_set": zero,
        "dual_infeasibility": 2.0 * infeas / W,
        "unique": unique,
    }


def _nondegenerate(X, u, c, w, zero, lam, tau, alpha, fit_intercept):
    """Sufficient condition for a unique primal optimum: a non-degenerate dual vertex.

    The zero set must be exactly as large as the number of equality-held unknowns
    (all coefficients when ``alpha = 0``, the support otherwise, plus the intercept),
    with a non-singular basis, its dual values strictly inside the box, and every
    penalised coefficient outside the support strictly inside its dual constraint.
    """
    margin = 1e-9
    E = np.arange(X.shape[1]) if alpha == 0 else np.flatnonzero(w)
    k = E.size + int(fit_intercept)
    if zero.size != k:
        return False
    if k and not np.all((u[zero] > tau - 1 + margin) & (u[zero] < tau - margin)):
        return False
    if alpha > 0:
        off = np.ones(X.shape[1], dtype=bool)
        off[E] = False
        if np.any(np.abs(c[off]) >= lam * (1 - margin)):
            return False
    if k == 0:
        return True
    M = X[zero][:, E] if sp.issparse(X) else X[np.ix_(zero, E)]
    M = M.toarray() if sp.issparse(M) else np.asarray(M)
    if fit_intercept:
        M = np.column_stack([M, np.ones(k)])
    return bool(np.linalg.matrix_rank(M) == k)


def _free_set_duals(X, y, sw, u, zero, eq_cols, ineq_cols, *, lam, tau, fit_intercept):
    """Best dual values on a set of free rows, others fixed (small LP + exact repair).

    Returns ``(u_free, feasible)``.
    """
    if zero.size == 0:
        return np.zeros(0), False
    fixed = sw * u
    fixed[zero] = 0.0
    sw_z = sw[zero]
    Xz = X[zero]
    Az = (Xz.multiply(sw_z[:, None]).T.tocsr() if sp.issparse(Xz)
          else (Xz * sw_z[:, None]).T)  # fmt: skip
    g_fixed = np.asarray(X.T @ fixed).ravel()
    stack = sp.vstack if sp.issparse(Az) else np.vstack
    eq_rows, eq_rhs = [], []
    if fit_intercept:
        eq_rows.append(
            sp.csr_matrix(sw_z[None, :]) if sp.issparse(Az) else sw_z[None, :]
        )
        eq_rhs.append([-float(fixed.sum())])
    if eq_cols.size:
        eq_rows.append(Az[eq_cols])
        eq_rhs.append(-g_fixed[eq_cols])
    kw = {}
    if eq_rows:
        kw["A_eq"] = stack(eq_rows)
        kw["b_eq"] = np.concatenate(eq_rhs)
    if ineq_cols.size:
        A = Az[ineq_cols]
        kw["A_ub"] = stack([A, -A])
        kw["b_ub"] = np.concatenate(
            [lam - g_fixed[ineq_cols], lam + g_fixed[ineq_cols]]
        )
    res = linprog(
        -(sw_z * y[zero]), bounds=(tau - 1.0, tau), method="highs",
        options=HIGHS_OPTIONS, **kw,
    )  # fmt: skip
    if res.status != 0:
        return np.zeros(zero.size), False
    uz = np.asarray(res.x, dtype=np.float64)
    if eq_rows:
        A_eq = kw["A_eq"]
        A_eq = A_eq.toarray() if sp.issparse(A_eq) else A_eq
        resid = kw["b_eq"] - A_eq @ uz
        free = (uz > tau - 1.0 + 1e-12) & (uz < tau - 1e-12)
        if not free.any():
            free[:] = True
        step = np.linalg.lstsq(A_eq[:, free], resid, rcond=None)[0]
        uz[free] += step
    return uz, True

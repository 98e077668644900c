"""Duality-gap certificate for the absolute / quantile loss (pure NumPy and SciPy).

Shared by :mod:`lad.diagnostics` and the LAD solver, and independent of the kernels.
With the penalty array ``pen`` of :mod:`lad._penalty` (per-feature L1 and L2
weights and bounds), ``lam_j = l1_j W / 2`` and ``mu_j = l2_j W / 2``, the primal
``(W/2) P = sum_i sw_i rho_tau(r_i) + sum_j h_j(w_j)`` (``h_j = lam_j |.| + mu_j
(.)^2 / 2`` on the bounds) has the dual::

    max_u  sum_i sw_i u_i y_i - sum_j h_j*(g_j),   g = X'S u
    s.t.   tau - 1 <= u_i <= tau,   sum_i sw_i u_i = 0            (intercept)

where ``h_j*`` is infinite when ``|g_j| > lam_j`` on a side without a bound or a
ridge part (so ``|g_j| <= lam_j`` for the plain LAD-Lasso, ``g_j = 0`` for an
unpenalised, unbounded coefficient), piecewise linear with a bound and piecewise
quadratic with a ridge part.

For a candidate ``(w, b)`` a dual point comes from the solver (``u_hint``, the
multipliers of a verified basis) or, independently, from the residuals: rows with a
clearly non-zero residual get the subgradient ``tau`` or ``tau - 1``, the rows
fitted exactly (the zero set) get the values that maximise the dual objective, a
small LP over the zero set solved by HiGHS (a coordinate with a ridge part enters
it through its optimality condition at ``w``: ``g_j = lam_j sign(w_j) + mu_j w_j``
on the support, ``|g_j| <= lam_j`` off it; rows with the smallest residuals are
freed too when the zero set cannot meet the constraints; any feasible point gives a
valid bound). The point is then made feasible: clipped into the box and scaled by
``s <= 1`` until every conjugate is finite (scaling keeps the box and the intercept
equation); what the equalities still miss is reported as ``dual_infeasibility``.

The gap is evaluated in complementarity form,
``sum_i sw_i (rho(r_i) - u_i r_i) + sum_j (h_j(w_j) + h_j*(g_j) - w_j g_j) -
b sum_i sw_i u_i``, which equals ``P - D`` exactly but sums non-negative terms that
vanish one by one at an optimum, so its rounding error is that of the terms, not of
two large sums.
"""

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from ._penalty import L1, L2, LOWER, UPPER, conjugate, dual_limit

# The tightest feasibility tolerances HiGHS accepts (its defaults are 1e-7).
HIGHS_OPTIONS = {
    "primal_feasibility_tolerance": 1e-10,
    "dual_feasibility_tolerance": 1e-10,
}
# A residual counts as zero below this fraction of the scale of the fitted values.
ZERO_RTOL = 1e-10


def rho(r, tau):
    """Twice the pinball loss, ``2 rho_tau(r)``; equals ``|r|`` at ``tau = 0.5``."""
    # The values of np.where(r >= 0, tau r, (tau - 1) r), bit for bit (the
    # certificate's row terms rho - u r then vanish exactly), with one temporary
    # instead of four: at 1e7 rows that was 0.17 s a call.
    r = np.asarray(r, dtype=np.float64)
    out = np.multiply(r, tau, out=np.empty_like(r))
    np.multiply(r, tau - 1.0, out=out, where=r < 0)
    out *= 2.0
    return out


def zero_threshold(y, fitted, intercept):
    """Absolute threshold under which a residual is treated as an exact zero."""
    scale = _max_abs(y) + _max_abs(fitted)
    return ZERO_RTOL * (scale + abs(intercept)) + 1e-300


def _max_abs(v):
    # max(|v|) without the temporary |v|.
    if v.size == 0:
        return 0.0
    return float(max(np.max(v), -np.min(v)))


def kernel_penalty(pen, W):
    """The penalty array in the LP's units: L1 and L2 weights times ``W / 2``."""
    out = np.array(pen, dtype=np.float64)
    out[L1] *= W / 2.0
    out[L2] *= W / 2.0
    return out


def free_columns(pen):
    """Coefficients that are unpenalised and unbounded: their dual is an equality."""
    return ((pen[L1] == 0) & (pen[L2] == 0) & np.isneginf(pen[LOWER])
            & np.isposinf(pen[UPPER]))  # fmt: skip


def _column_max(X):
    if sp.issparse(X):
        return np.asarray(abs(X).max(axis=0).todense()).ravel()
    return np.maximum(np.abs(X.max(axis=0)), np.abs(X.min(axis=0)))


def feasible_dual(X, y, sw, u, pen_k, tau, fit_intercept, col_max=None):
    """Clip and scale ``u`` into the dual's domain; returns ``(u, g, infeasibility)``.

    ``pen_k`` is in the LP's units. A correlation that exceeds its L1 weight by no
    more than the rounding of its own sum (``|g_j| <= lam_j + 64 eps W max|x_j|``)
    is held at the weight and its excess reported with the equality residuals,
    instead of scaling the whole point: at an alpha far below the data's scale
    (1e-12 alpha_max) the scaling would otherwise cost more than the gap itself.
    ``infeasibility`` is the largest such residual (intercept, free columns,
    rounding excess) in the LP's units.
    """
    u = np.clip(np.asarray(u, dtype=np.float64), tau - 1.0, tau)
    g = np.asarray(X.T @ (sw * u)).ravel()
    free = free_columns(pen_k)
    lam, l2 = pen_k[L1], pen_k[1]
    open_up = ~free & (l2 == 0) & np.isposinf(pen_k[UPPER])
    open_down = ~free & (l2 == 0) & np.isneginf(pen_k[LOWER])
    excess = np.maximum(
        np.where(open_up, g - lam, 0.0), np.where(open_down, -g - lam, 0.0)
    )
    if col_max is None:
        col_max = _column_max(X)
    noise = 64 * np.finfo(float).eps * float(sw.sum()) * col_max
    rounding = (excess > 0) & (excess <= noise)
    g_eff = np.where(rounding, np.clip(g, -lam, lam), g)
    rest = ~free & ~rounding
    s = dual_limit(pen_k[:, rest], g[rest]) if rest.any() else 1.0
    if s < 1.0:
        u = u * s
        g = g * s
        g_eff = np.where(rounding, np.clip(g, -lam, lam), g)
    infeas = abs(float(sw @ u)) if fit_intercept else 0.0
    if free.any():
        infeas = max(infeas, float(np.max(np.abs(g[free]))))
    if rounding.any():
        infeas = max(infeas, float(np.max(np.abs(g - g_eff)[rounding])))
    return u, g_eff, infeas


def gap_terms(r, w, b, sw, u, g, pen_k, tau, fit_intercept):
    """``(W/2) (P - D)`` in complementarity form, and ``(W/2) P`` (LP units)."""
    loss = 0.5 * rho(r, tau)
    free = free_columns(pen_k)
    ridge = 0.5 * pen_k[L2] * w * w if np.any(pen_k[L2]) else np.zeros_like(w)
    pen_val = float(pen_k[L1] @ np.abs(w)) + float(ridge.sum())
    conj = conjugate(pen_k[:, ~free], g[~free])
    comp_rows = float(sw @ (loss - u * r))
    comp_cols = float(
        np.sum(pen_k[L1, ~free] * np.abs(w[~free]) + ridge[~free] + conj
               - w[~free] * g[~free])
    )  # fmt: skip
    # Free columns contribute -w_j g_j (their conjugate is 0 at g = 0, which the
    # infeasibility reports); the intercept -b sum sw u likewise.
    comp_free = -float(w[free] @ g[free])
    comp_b = -b * float(sw @ u) if fit_intercept else 0.0
    primal = float(sw @ loss) + pen_val
    return comp_rows + comp_cols + comp_free + comp_b, primal


def absolute_certificate(X, y, sw, w, b, *, pen, tau, fit_intercept, u_hint=None,
                         fitted=None, col_max=None, unique=True):  # fmt: skip
    """Feasible dual point and gap for a candidate of the absolute / quantile problem.

    ``pen`` is the penalty array in estimator units. ``u_hint``, a dual point from
    the solver (e.g. of a verified basis), replaces the zero-set LP: it goes through
    the same clipping and scaling, and its equality residual is reported as
    ``dual_infeasibility``, so the caller can tell whether the gap it gives is
    meaningful. ``fitted`` (``X w``) and ``col_max`` (``max_i |x_ij|``), where the
    caller has them from its own pass, spare the certificate those passes over
    ``X``; ``unique=False`` skips the test of uniqueness (False is then
    reported). Returns a dict with ``gap`` (estimator units), ``u``, ``zero_set``
    (row indices), ``dual_infeasibility`` (largest equality residual, in gradient
    units), ``objective`` and ``unique``.
    """
    n, p = X.shape
    W = float(sw.sum())
    pen_k = kernel_penalty(pen, W)
    w = np.asarray(w, dtype=np.float64)
    fitted = np.asarray(X @ w).ravel() if fitted is None else fitted
    r = y - fitted - b
    delta = zero_threshold(y, fitted, b)
    zero = np.flatnonzero((np.abs(r) <= delta) & (sw > 0))
    if u_hint is not None:
        u = np.array(u_hint, dtype=np.float64)
    else:
        u = _zero_set_duals(X, y, sw, r, zero, pen_k, tau, fit_intercept, w)
    u, g, infeas = feasible_dual(X, y, sw, u, pen_k, tau, fit_intercept, col_max)
    gap, primal = gap_terms(r, w, b, sw, u, g, pen_k, tau, fit_intercept)
    return {
        "gap": max(2.0 * gap / W, 0.0),
        "objective": 2.0 * primal / W,
        "u": u,
        "zero_set": zero,
        "dual_infeasibility": 2.0 * infeas / W,
        "unique": unique
        and _nondegenerate(X, u, g, w, zero, pen_k, tau, fit_intercept),  # fmt: skip
    }


def _zero_set_duals(X, y, sw, r, zero, pen_k, tau, fit_intercept, w):
    """Best dual values on the zero set (growing it until feasible), others fixed."""
    delta_free = zero
    u = np.where(r > 0, tau, tau - 1.0)
    u[zero] = 0.0
    free_cols = free_columns(pen_k)
    n_eq = int(fit_intercept) + int(free_cols.sum())
    if not (zero.size or n_eq):
        return u
    # Grow the free rows, nearest residuals first, until the constraints can be met
    # (all rows always suffice: u = 0 is feasible).
    order = np.argsort(np.where(sw > 0, np.abs(r), np.inf), kind="stable")
    order = order[: int(np.count_nonzero(sw > 0))]
    size = delta_free.size
    free = delta_free
    while True:
        uf, ok = _free_set_duals(X, y, sw, u, free, pen_k, tau, fit_intercept, w)
        if not ok and np.any(pen_k[L2]):
            # At a point that is only near the optimum the ridge coordinates'
            # conditions cannot all hold: meet them as closely as the box allows.
            uf, ok = _free_set_duals(X, y, sw, u, free, pen_k, tau, fit_intercept, w,
                                     relax=True)  # fmt: skip
        if ok or free.size >= order.size:
            u[free] = uf
            return u
        size = min(order.size, max(2 * size, 2 * n_eq + 2, 16))
        free = np.union1d(zero, order[:size])


def _free_set_duals(X, y, sw, u, zero, pen_k, tau, fit_intercept, w, relax=False):
    """Best dual values on a set of free rows, others fixed (small LP + exact repair).

    Variables are ``v = sw_Z u_Z`` (so the matrix holds ``X`` itself, not rows
    scaled by possibly tiny weights, which HiGHS would drop) and, for each finite
    bound, the epigraph ``t`` of its share of the conjugate. Each constraint row is
    normalised. With ``relax`` the ridge coordinates' optimality conditions become
    ``|g_j - target_j| <= t`` with one ``t`` whose cost dominates the objective.
    Returns ``(u_free, feasible)``.
    """
    if zero.size == 0:
        return np.zeros(0), False
    fixed = sw * u
    fixed[zero] = 0.0
    sw_z = sw[zero]
    m = zero.size
    A = sp.csr_matrix(X[zero]).T.tocsr()  # (p, m): row j is column j on the zero set
    g_fixed = np.asarray(X.T @ fixed).ravel()
    lam, lo, hi = pen_k[L1], pen_k[LOWER], pen_k[UPPER]
    free = free_columns(pen_k)
    # One constraint per (column, open side): (column j, factor on g_j, rhs,
    # equality?, epigraph variable or -1).
    cons = []
    n_t = 0
    l2 = pen_k[L2]
    for j in range(pen_k.shape[1]):
        if free[j]:
            cons.append((j, 1.0, -g_fixed[j], True, -1))
            continue
        if l2[j] > 0:
            # The conjugate is finite everywhere: the optimality condition at w
            # points the LP to the optimal dual (no condition at a bound).
            if w[j] == 0:
                for sign, bound in ((1.0, hi[j]), (-1.0, -lo[j])):
                    if bound > 0:  # a side closed by a bound at 0 takes any g_j
                        cons.append((j, sign, lam[j] - sign * g_fixed[j], False, -1))
            elif lo[j] < w[j] < hi[j]:
                target = lam[j] * np.sign(w[j]) + l2[j] * w[j]
                if not relax:
                    cons.append((j, 1.0, target - g_fixed[j], True, -1))
                else:
                    for sign in (1.0, -1.0):
                        cons.append((j, sign, sign * (target - g_fixed[j]), False,
                                     -2))  # fmt: skip
            continue
        for sign, bound in ((1.0, hi[j]), (-1.0, -lo[j])):
            if bound == 0:
                continue  # that side is closed by a bound at 0: no constraint
            if np.isinf(bound):  # sign g_j <= lam_j
                cons.append((j, sign, lam[j] - sign * g_fixed[j], False, -1))
            else:  # bound (sign g_j - lam_j) <= t
                rhs = bound * (lam[j] - sign * g_fixed[j])
                cons.append((j, sign * bound, rhs, False, n_t))
                n_t += 1
    shared = any(c[4] == -2 for c in cons)
    if shared:  # the one deviation of the relaxed ridge conditions
        cons = [c[:4] + (n_t if c[4] == -2 else c[4],) for c in cons]
        n_t += 1
    kw = {}
    eq_parts, eq_b = [], []
    if fit_intercept:
        eq_parts.append(sp.csr_matrix(np.r_[np.ones(m), np.zeros(n_t)][None, :]))
        eq_b.append(np.array([-float(fixed.sum())]))
    if cons:
        j_idx = np.array([c[0] for c in cons], dtype=np.intp)
        factor = np.array([c[1] for c in cons])
        b = np.array([c[2] for c in cons])
        eq = np.array([c[3] for c in cons], dtype=bool)
        t_idx = np.array([c[4] for c in cons], dtype=np.intp)
        rows_A = sp.diags(factor) @ A[j_idx]
        norm = np.sqrt(np.asarray(rows_A.multiply(rows_A).sum(axis=1)).ravel())
        norm[norm == 0] = 1.0
        has_t = np.flatnonzero(t_idx >= 0)
        T = sp.csr_matrix(
            (-np.ones(has_t.size), (has_t, t_idx[has_t])), shape=(len(cons), n_t)
        )
        full = sp.diags(1.0 / norm) @ sp.hstack([rows_A, T]).tocsr()
        b = b / norm
        if eq.any():
            eq_parts.append(full[np.flatnonzero(eq)])
            eq_b.append(b[eq])
        if (~eq).any():
            kw["A_ub"] = full[np.flatnonzero(~eq)]
            kw["b_ub"] = b[~eq]
    if eq_parts:
        kw["A_eq"] = sp.vstack(eq_parts).tocsr()
        kw["b_eq"] = np.concatenate(eq_b)
    c = np.r_[-y[zero], np.ones(n_t)]
    if shared:
        # The deviation first, then the dual objective (y's scale bounds it).
        c[-1] = 1e6 * (float(np.max(np.abs(y[zero]), initial=0.0)) + 1.0) * m
    bounds = np.column_stack(
        [
            np.r_[sw_z * (tau - 1.0), np.zeros(n_t)],
            np.r_[sw_z * tau, np.full(n_t, np.inf)],
        ]
    )
    res = linprog(c, bounds=bounds, method="highs", options=HIGHS_OPTIONS, **kw)
    if res.status != 0:
        return np.zeros(zero.size), False
    vz = np.asarray(res.x[:m], dtype=np.float64)
    if "A_eq" in kw:
        # HiGHS meets equalities to ~1e-9: correct the interior entries by least
        # squares so they hold to rounding.
        A_eq = kw["A_eq"].toarray()[:, :m]
        resid = kw["b_eq"] - A_eq @ vz
        inside = (vz > sw_z * (tau - 1.0) * (1 - 1e-12)) & (
            vz < sw_z * tau * (1 - 1e-12)
        )
        if not inside.any():
            inside[:] = True
        step = np.linalg.lstsq(A_eq[:, inside], resid, rcond=None)[0]
        vz[inside] += step
    return vz / sw_z, True


def _nondegenerate(X, u, g, w, zero, pen_k, tau, fit_intercept):
    """Sufficient condition for a unique primal optimum: a non-degenerate dual vertex.

    The zero set must be exactly as large as the number of equality-held unknowns
    (the free coefficients and the support, plus the intercept), with a
    non-singular basis, its dual values strictly inside the box, and every
    penalised coefficient outside the support strictly inside its dual constraint.
    Bounds that are active are not analysed: the answer is then False.
    """
    margin = 1e-9
    lam = pen_k[L1]
    free = free_columns(pen_k)
    nz = w != 0
    if np.any(nz & ((w == pen_k[LOWER]) | (w == pen_k[UPPER]))):
        return False
    E = np.flatnonzero(free | nz)
    k = E.size + int(fit_intercept)
    if zero.size != k:
        return False
    if k and not np.all((u[zero] > tau - 1 + margin) & (u[zero] < tau - margin)):
        return False
    off = ~(free | nz)
    if np.any(np.abs(g[off]) >= lam[off] * (1 - margin)):
        return False
    if k == 0:
        return True
    M = X[zero][:, E] if sp.issparse(X) else X[np.ix_(zero, E)]
    M = M.toarray() if sp.issparse(M) else np.asarray(M)
    if fit_intercept:
        M = np.column_stack([M, np.ones(k)])
    return bool(np.linalg.matrix_rank(M) == k)

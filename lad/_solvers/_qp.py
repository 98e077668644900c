"""The absolute loss with a ridge part: a primal-dual interior point for the QP.

With ``l1_ratio < 1`` the absolute loss is no longer a linear program::

    min_{w, b}  sum_i s_i rho_tau(r_i) + sum_j (lam_j |w_j| + mu_j w_j^2 / 2)
    s.t.        lower <= w <= upper,   r = y - X w - b

(the LP's units: the estimator's objective times ``W / 2``). Every term is written
as a row ``r_k = y_k - a_k' beta`` with costs ``c+ r+ + c- r-`` on its two parts:
the data rows (``c+ = s tau``, ``c- = s (1 - tau)``), one row ``0 - w_j`` per L1
weight (``c+ = c- = lam_j``), and one row per finite bound, with only the part of
the right sign (``upper_j - w_j = r+``, ``lower_j - w_j = -r-``). The KKT
conditions are ``A' v = M beta`` (``M = diag(mu)``, 0 for the intercept), ``-c- <=
v <= c+`` and complementarity; Mehrotra's predictor-corrector solves them on the
normal equations ``(A' D A + M) d_beta = ...``, which differ from the LP's
(:mod:`lad._solvers._ipm`) only by ``M``: the data rows give ``X' D X`` and the
other rows a diagonal.

The interior point stops near the optimum; :func:`polish` then guesses the active
sets from it (the support and its signs, the bounds that bind, the rows fitted
exactly, whose dual values are strictly inside their box) and solves the KKT
conditions on them as one square linear system, which gives the optimum to
rounding, with exact zeros, when the guess is right (checked; a wrong guess is
corrected by a few primal-dual active-set steps); otherwise the interior point's
own solution, rounded to zero where its dual says so, is kept.
Either way the certificate (:mod:`lad._certificate`) decides convergence.
"""

import numpy as np
import scipy.linalg
import scipy.sparse as sp

from .._penalty import L1, L2, LOWER, UPPER

STEP_FRACTION = 0.99995
MAX_ITER = 200
# Relative complementarity and residuals at which the interior point stops.
IPM_RTOL = 1e-13
RESIDUAL_RTOL = 1e-11
# Iterations without a better merit function after which the interior point stops.
STALL_ITERATIONS = 8
# Active-set corrections, and the largest KKT system, that the polish tries.
POLISH_ROUNDS = 8
POLISH_MAX_SIZE = 5000
# Dual values within this fraction of their box edge count as on it, and residuals
# below this fraction of the scale of y as zero, when the active sets are guessed.
EDGE_RTOL = 1e-7
ZERO_RTOL = 1e-8
# Rows whose costs are below this fraction of the largest (tiny weights, L1 weights
# of a near-ridge l1_ratio) change the objective below its rounding: the interior
# point leaves them out (a box of width 1e-300 has no usable interior) and the
# certificate, which keeps them, says what that cost.
NEGLIGIBLE_COST = 1e-13


def _rows(X, y, sw, tau, pen_lp, fit_intercept):
    """The non-data rows and every row's costs, as flat arrays."""
    p = X.shape[1]
    lam, lo, hi = pen_lp[L1], pen_lp[LOWER], pen_lp[UPPER]
    top = float(np.max(sw, initial=0.0)) * max(tau, 1.0 - tau)
    l1_cols = np.flatnonzero(lam > NEGLIGIBLE_COST * top)
    up_cols = np.flatnonzero(np.isfinite(hi))
    lo_cols = np.flatnonzero(np.isfinite(lo))
    col = np.concatenate([l1_cols, up_cols, lo_cols]).astype(np.intp)
    target = np.concatenate([np.zeros(l1_cols.size), hi[up_cols], lo[lo_cols]])
    inf = np.inf
    c_plus = np.concatenate([sw * tau, lam[l1_cols], np.zeros(up_cols.size),
                             np.full(lo_cols.size, inf)])  # fmt: skip
    c_minus = np.concatenate([sw * (1 - tau), lam[l1_cols], np.full(up_cols.size, inf),
                              np.zeros(lo_cols.size)])  # fmt: skip
    return col, np.concatenate([y, target]), c_plus, c_minus, p


class _Ops:
    """Products with ``A = [[X, 1], [E_col, 0]]`` (data rows, then one-entry rows)."""

    def __init__(self, X, col, fit_intercept, p):
        self.X, self.col, self.fit, self.p = X, col, fit_intercept, p
        self.n = X.shape[0]
        self.sparse = sp.issparse(X)

    def a(self, beta):
        w = beta[: self.p]
        top = np.asarray(self.X @ w).ravel() + (beta[self.p] if self.fit else 0.0)
        return np.concatenate([top, w[self.col]])

    def at(self, v):
        vd, vc = v[: self.n], v[self.n :]
        out = np.zeros(self.p + 1)
        out[: self.p] = np.asarray(self.X.T @ vd).ravel()
        out[: self.p] += np.bincount(self.col, vc, minlength=self.p)
        if self.fit:
            out[self.p] = vd.sum()
        return out

    def normal(self, d, m_diag):
        n, p = self.n, self.p
        dd = d[:n]
        G = np.zeros((p + 1, p + 1))
        if self.sparse:
            Xd = sp.diags(dd) @ self.X
            G[:p, :p] = np.asarray((self.X.T @ Xd).todense())
        else:
            Xs = self.X * np.sqrt(dd)[:, None]
            G[:p, :p] = Xs.T @ Xs
        G[np.arange(p), np.arange(p)] += np.bincount(self.col, d[n:], minlength=p)
        if self.fit:
            xd = np.asarray(self.X.T @ dd).ravel()
            G[:p, p] = xd
            G[p, :p] = xd
            G[p, p] = dd.sum()
        else:
            G[p, p] = 1.0  # the intercept is fixed at 0: a trivial equation
        G[np.arange(p + 1), np.arange(p + 1)] += m_diag
        return G


class _Point:
    """The residual parts and their multipliers (absent parts masked out)."""

    def __init__(self, rp, rm, zp, zm, has_p, has_m):
        self.rp, self.rm, self.zp, self.zm = rp, rm, zp, zm
        self.has_p, self.has_m = has_p, has_m

    def complementarity(self):
        plus = np.where(self.has_p, self.rp * self.zp, 0.0)
        minus = np.where(self.has_m, self.rm * self.zm, 0.0)
        return float(plus.sum() + minus.sum())

    def ratio(self):
        return (np.where(self.has_p, self.rp / self.zp, 0.0)
                + np.where(self.has_m, self.rm / self.zm, 0.0))  # fmt: skip

    def max_step(self, dv, drp, drm):
        """Largest step in [0, 1] keeping every present part and multiplier >= 0."""
        a = 1.0
        for x, dx, on in (
            (self.rp, drp, self.has_p),
            (self.rm, drm, self.has_m),
            (self.zp, -dv, self.has_p),
            (self.zm, dv, self.has_m),
        ):
            neg = on & (dx < 0)
            if neg.any():
                a = min(a, float(np.min(-x[neg] / dx[neg])))
        return a

    def moved(self, a, dv, drp, drm):
        return _Point(self.rp + a * drp, self.rm + a * drm, self.zp - a * dv,
                      self.zm + a * dv, self.has_p, self.has_m)  # fmt: skip


class _Newton:
    """Newton directions for complementarity targets ``(ep, em)``, one factor."""

    def __init__(self, ops, G, factor, d, r_prim, r_dual, pt):
        self.ops, self.G, self.factor, self.d = ops, G, factor, d
        self.r_prim, self.r_dual, self.pt = r_prim, r_dual, pt

    def __call__(self, ep, em):
        pt = self.pt
        rhs0 = (self.r_prim - np.where(pt.has_p, ep / pt.zp, 0.0)
                + np.where(pt.has_m, em / pt.zm, 0.0))  # fmt: skip
        rhs = self.r_dual + self.ops.at(self.d * rhs0)
        dbeta = scipy.linalg.cho_solve(self.factor, rhs, check_finite=False)
        # One step of iterative refinement: the factor of an ill-conditioned
        # A'DA + M (D spans many decades near the optimum) loses digits.
        dbeta += scipy.linalg.cho_solve(self.factor, rhs - self.G @ dbeta,
                                        check_finite=False)  # fmt: skip
        dv = self.d * (rhs0 - self.ops.a(dbeta))
        drp = np.where(pt.has_p, (ep + pt.rp * dv) / pt.zp, 0.0)
        drm = np.where(pt.has_m, (em - pt.rm * dv) / pt.zm, 0.0)
        return dbeta, dv, drp, drm


def ipm_qp(X, y, sw, tau, pen_lp, fit_intercept, *, max_iter=MAX_ITER, log=None):
    """Interior point solution ``(w, b, u, n_iter)``; ``u`` the data rows' duals.

    ``pen_lp`` is the penalty in the LP's units (``W / 2`` times the estimator's),
    ``X`` an ndarray or a CSC matrix. ``u`` is in the certificate's convention
    (``tau - 1 <= u <= tau``). Rows of weight 0 are dropped before the solve.
    ``log`` (a :class:`lad._progress.Progress`) gets a line per iteration at
    ``verbose=2``.
    """
    keep = np.flatnonzero(sw > NEGLIGIBLE_COST * float(np.max(sw, initial=0.0)))
    Xk = X[keep] if keep.size < X.shape[0] else X
    col, yy, cp, cm, p = _rows(Xk, y[keep], sw[keep], tau, pen_lp, fit_intercept)
    ops = _Ops(Xk, col, fit_intercept, p)
    has_p, has_m = np.isfinite(cp), np.isfinite(cm)
    m_diag = np.r_[pen_lp[L2], 0.0]
    scale = max(float(np.max(np.abs(yy), initial=0.0)), 1.0)
    # Start: beta = 0, both parts of every residual positive, v inside its box.
    beta = np.zeros(p + 1)
    r = yy - ops.a(beta)
    rp = np.where(has_p, np.maximum(r, 0.0) + 0.1 * scale, 0.0)
    rm = np.where(has_m, np.maximum(-r, 0.0) + 0.1 * scale, 0.0)
    width = np.where(has_p & has_m, cp + cm, 1.0)
    v = np.where(has_p & has_m, 0.5 * (cp - cm), 0.0)
    v = np.where(has_p & ~has_m, np.where(has_p, cp, 0.0) - 1.0, v)
    v = np.where(has_m & ~has_p, -np.where(has_m, cm, 0.0) + 1.0, v)
    cp_f = np.where(has_p, cp, 0.0)
    cm_f = np.where(has_m, cm, 0.0)
    n_comp = int(has_p.sum() + has_m.sum())
    cost_scale = max(float(np.max(np.where(has_p & has_m, width, 1.0))), 1.0)
    # The multipliers are kept as variables of their own (z+ = c+ - v, z- = c- + v
    # in exact arithmetic): recomputed by subtraction they reach 0 by rounding.
    zp = np.where(has_p, cp_f - v, 1.0)
    zm = np.where(has_m, cm_f + v, 1.0)
    n_iter = 0
    # On a degenerate problem the factor loses accuracy near the end and the
    # residuals grow again: the iterate of least merit function is returned.
    best = (np.inf, beta.copy(), v.copy())
    best_iter = 0
    while n_iter < max_iter:
        n_iter += 1
        pt = _Point(rp, rm, zp, zm, has_p, has_m)
        r_prim = yy - ops.a(beta) - rp + rm
        r_dual = ops.at(v) - m_diag * beta
        comp = pt.complementarity()
        mu = comp / max(n_comp, 1)
        primal = float(cp_f @ rp + cm_f @ rm) + 0.5 * float(beta @ (m_diag * beta))
        size = max(abs(primal), 1.0)
        res_p = float(np.max(np.abs(r_prim), initial=0.0)) / scale
        res_d = float(np.max(np.abs(r_dual), initial=0.0)) / (
            cost_scale * max(float(np.max(np.abs(ops.at(np.abs(v))))), 1.0)
        )
        if log is not None and log.level >= 2:
            log.note(f"interior point {n_iter}: complementarity {comp:.3g}, "
                     f"residuals {res_p:.2g} / {res_d:.2g}, objective "
                     f"{primal:.10g}", 2)  # fmt: skip
        mu_floor = 0.1 * IPM_RTOL * size / max(n_comp, 1)
        merit = max(comp / size, res_p, res_d)
        if merit < best[0]:
            best = (merit, beta.copy(), v.copy())
            best_iter = n_iter
        elif n_iter - best_iter >= STALL_ITERATIONS:
            break  # the factor's accuracy, not the method, limits the residuals
        if (
            res_p <= RESIDUAL_RTOL
            and res_d <= RESIDUAL_RTOL
            and comp <= IPM_RTOL * size
        ):
            break
        d = 1.0 / pt.ratio()
        G = ops.normal(d, m_diag)
        try:
            factor = scipy.linalg.cho_factor(G, check_finite=False)
        except np.linalg.LinAlgError:
            G[np.diag_indices_from(G)] += 1e-14 * np.max(np.abs(np.diag(G)))
            factor = scipy.linalg.cho_factor(G, check_finite=False)
        solve = _Newton(ops, G, factor, d, r_prim, r_dual, pt)
        # Predictor (affine scaling), then Mehrotra's centred corrector.
        aff = solve(-pt.rp * pt.zp, -pt.rm * pt.zm)
        a_aff = pt.max_step(*aff[1:])
        comp_aff = pt.moved(a_aff, *aff[1:]).complementarity()
        sigma = (comp_aff / max(comp, 1e-300)) ** 3
        # Complementarity is not pushed below rounding: the scaling D would span
        # more decades than the factor resolves, and the steps left to take are
        # there to remove the residuals.
        target = max(sigma * mu, mu_floor)
        _, dv_a, drp_a, drm_a = aff
        ep = np.where(has_p, target - rp * zp + drp_a * dv_a, 0.0)
        em = np.where(has_m, target - rm * zm - drm_a * dv_a, 0.0)
        dbeta, dv, drp, drm = solve(ep, em)
        a = min(1.0, STEP_FRACTION * pt.max_step(dv, drp, drm))
        if not (np.all(np.isfinite(dbeta)) and np.all(np.isfinite(dv)) and a > 0):
            break  # a degenerate factor: the iterate reached is the answer
        beta += a * dbeta
        v += a * dv
        rp += a * drp
        rm += a * drm
        zp = np.where(has_p, zp - a * dv, 1.0)
        zm = np.where(has_m, zm + a * dv, 1.0)
    _, beta, v = best
    n = keep.size
    u = np.zeros(X.shape[0])
    u[keep] = v[:n] / sw[keep]
    w = beta[:p].copy()
    b = float(beta[p]) if fit_intercept else 0.0
    return w, b, np.clip(u, tau - 1.0, tau), n_iter


def polish(X, y, sw, tau, pen_lp, fit_intercept, w, b, u):
    """The exact optimum on active sets guessed from ``(w, b, u)``, or None.

    Unknowns: the support's coefficients, the intercept and the dual values of the
    rows fitted exactly; equations: those rows' fits, the support's stationarity
    ``x_j' S u = lam_j sign(w_j) + mu_j w_j`` and ``sum s u = 0``. A solution is
    accepted only if every sign, box and bound it assumed holds; when one fails,
    the sets are corrected (a primal-dual active-set step: a coefficient that
    changed sign leaves the support, a dual value out of its box leaves the zero
    set, a violated condition joins its set) and the system solved again, a few
    times at most.
    """
    lam, mu, lo, hi = pen_lp[L1], pen_lp[L2], pen_lp[LOWER], pen_lp[UPPER]
    wmax = float(np.max(np.abs(w), initial=0.0))
    tiny = 1e-9 * max(wmax, 1e-300)
    at_hi = np.isfinite(hi) & (w >= hi - tiny) & (hi != 0)
    at_lo = np.isfinite(lo) & (w <= lo + tiny) & (lo != 0) & ~at_hi
    unpen = (lam == 0) & (mu == 0)
    sets = {
        "hi": at_hi,
        "lo": at_lo,
        "support": ((np.abs(w) > tiny) | unpen) & ~(at_hi | at_lo),
        "sign": np.where(lam > 0, np.sign(w), 0.0),
    }
    kept = sw > NEGLIGIBLE_COST * float(np.max(sw, initial=0.0))
    dense = X.toarray() if sp.issparse(X) else np.asarray(X)
    # The rows fitted exactly: a residual at the interior point's rounding and a
    # dual value strictly inside its box (either alone misleads near the end).
    r0 = y - dense @ w - b
    y_scale = float(np.max(np.abs(y), initial=0.0)) + abs(b)
    small = np.abs(r0) <= ZERO_RTOL * y_scale
    zero = (u > tau - 1.0 + EDGE_RTOL) & (u < tau - EDGE_RTOL) & kept & small
    # Rows off the zero set take the subgradient of their side, exactly.
    u_side = np.where(u > tau - 0.5, tau, tau - 1.0)
    for _ in range(POLISH_ROUNDS):
        out = _solve_sets(dense, y, sw, tau, lam, mu, lo, hi, fit_intercept, sets,
                          zero, u_side)  # fmt: skip
        if out is None:
            return None
        w_new, b_new, u_new, g = out
        changed = _correct(sets, zero, u_side, w_new, b_new, u_new, g, dense, y,
                           tau, lam, mu, lo, hi, kept, y_scale)  # fmt: skip
        if not changed:
            return w_new, b_new, u_new
    return None


def _solve_sets(dense, y, sw, tau, lam, mu, lo, hi, fit_intercept, sets, zero,
                u_side):  # fmt: skip
    """One square KKT solve on the given sets: ``(w, b, u, g)`` or None."""
    support = np.flatnonzero(sets["support"])
    rows = np.flatnonzero(zero)
    k, m = support.size, rows.size
    size = k + m + int(fit_intercept)
    if size == 0 or size > POLISH_MAX_SIZE:
        return None
    w_fixed = np.where(sets["hi"], hi, np.where(sets["lo"], lo, 0.0))
    u_fix = u_side.copy()
    u_fix[rows] = 0.0
    su_fix = sw * u_fix
    K = np.zeros((size, size))
    rhs = np.zeros(size)
    Xz = dense[rows]
    K[:m, :k] = Xz[:, support]
    if fit_intercept:
        K[:m, k + m] = 1.0
    rhs[:m] = y[rows] - Xz @ w_fixed
    Xs = dense[:, support]
    K[m : m + k, :k] = -np.diag(mu[support])
    K[m : m + k, k : k + m] = (Xs[rows] * sw[rows, None]).T
    rhs[m : m + k] = lam[support] * sets["sign"][support] - Xs.T @ su_fix
    if fit_intercept:
        K[k + m, k : k + m] = sw[rows]
        rhs[k + m] = -float(su_fix.sum())
    try:
        sol = np.linalg.solve(K, rhs)
    except np.linalg.LinAlgError:
        return None
    if not np.all(np.isfinite(sol)):
        return None
    w_new = w_fixed
    w_new[support] = sol[:k]
    u_new = u_fix
    u_new[rows] = sol[k : k + m]
    b_new = float(sol[k + m]) if fit_intercept else 0.0
    return w_new, b_new, u_new, dense.T @ (sw * u_new)


def _correct(sets, zero, u_side, w, b, u, g, dense, y, tau, lam, mu, lo, hi, kept,
             y_scale):  # fmt: skip
    """Check a solution against its sets; fix the sets in place. Changed at all?"""
    changed = False
    sup = sets["support"]
    signed = sup & (lam > 0)
    flipped = signed & (np.sign(w) != sets["sign"])
    if flipped.any():  # through zero: the coefficient leaves the support
        sup[flipped] = False
        sets["sign"][flipped] = 0.0
        changed = True
    for side, past in (("hi", w > hi), ("lo", w < lo)):
        over = sup & past
        if over.any():  # past a bound: the coefficient sits on it
            sup[over] = False
            sets[side][over] = True
            changed = True
    out_box = zero & ((u < tau - 1.0) | (u > tau))
    if out_box.any():  # a dual value left its box: that row is not fitted exactly
        zero[out_box] = False
        u_side[out_box] = np.where(u[out_box] > tau, tau, tau - 1.0)
        changed = True
    r = y - dense @ w - b
    clear = kept & ~zero & (np.abs(r) > 1e-12 * y_scale)
    wrong = clear & (np.where(r > 0, tau, tau - 1.0) != u_side)
    if wrong.any():  # a residual on the wrong side: the row joins the zero set
        zero[wrong] = True
        changed = True
    off = ~sup & ~sets["hi"] & ~sets["lo"]
    slack = 1e-12 * (1.0 + np.abs(g))
    up = off & (hi > 0) & (g > lam + slack)
    down = off & (lo < 0) & (g < -lam - slack)
    if up.any() or down.any():  # a zero coefficient wants to move: it enters
        sup[up | down] = True
        sets["sign"][up] = 1.0
        sets["sign"][down] = -1.0
        sets["sign"][(lam == 0)] = 0.0
        changed = True
    # A binding bound must be pushed against, else the coefficient comes off it.
    hi_f = np.where(np.isfinite(hi), hi, 0.0)
    lo_f = np.where(np.isfinite(lo), lo, 0.0)
    leave_hi = sets["hi"] & (g - lam - mu * hi_f < -slack)
    leave_lo = sets["lo"] & (g + lam - mu * lo_f > slack)
    if leave_hi.any() or leave_lo.any():
        sets["hi"][leave_hi] = False
        sets["lo"][leave_lo] = False
        sup[leave_hi | leave_lo] = True
        sets["sign"][leave_hi | leave_lo] = np.where(
            lam[leave_hi | leave_lo] > 0, np.sign(w[leave_hi | leave_lo]), 0.0
        )
        changed = True
    return changed

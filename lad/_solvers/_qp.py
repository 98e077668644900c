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
rounding, with exact zeros, when the guess is right (checked); otherwise the
interior point's own solution, rounded to zero where its dual says so, is kept.
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
# Dual values within this fraction of their box edge count as on it.
EDGE_RTOL = 1e-7


def _rows(X, y, sw, tau, pen_lp, fit_intercept):
    """The non-data rows and every row's costs, as flat arrays."""
    p = X.shape[1]
    lam, lo, hi = pen_lp[L1], pen_lp[LOWER], pen_lp[UPPER]
    l1_cols = np.flatnonzero(lam > 0)
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

    def __init__(self, ops, factor, d, r_prim, r_dual, pt):
        self.ops, self.factor, self.d = ops, factor, d
        self.r_prim, self.r_dual, self.pt = r_prim, r_dual, pt

    def __call__(self, ep, em):
        pt = self.pt
        rhs0 = (self.r_prim - np.where(pt.has_p, ep / pt.zp, 0.0)
                + np.where(pt.has_m, em / pt.zm, 0.0))  # fmt: skip
        dbeta = scipy.linalg.cho_solve(
            self.factor, self.r_dual + self.ops.at(self.d * rhs0), check_finite=False
        )
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
    keep = np.flatnonzero(sw > 0)
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
    while n_iter < max_iter:
        n_iter += 1
        pt = _Point(rp, rm, zp, zm, has_p, has_m)
        r_prim = yy - ops.a(beta) - rp + rm
        r_dual = ops.at(v) - m_diag * beta
        comp = pt.complementarity()
        mu = comp / max(n_comp, 1)
        primal = float(cp_f @ rp + cm_f @ rm) + 0.5 * float(beta @ (m_diag * beta))
        if log is not None and log.level >= 2:
            log.note(f"interior point {n_iter}: complementarity {comp:.3g}, "
                     f"objective {primal:.10g}", 2)  # fmt: skip
        if (comp <= IPM_RTOL * max(abs(primal), 1.0)
                and np.max(np.abs(r_prim), initial=0.0) <= 1e3 * IPM_RTOL * scale
                and np.max(np.abs(r_dual), initial=0.0)
                <= 1e3 * IPM_RTOL * cost_scale * scale):  # fmt: skip
            break
        d = 1.0 / pt.ratio()
        G = ops.normal(d, m_diag)
        try:
            factor = scipy.linalg.cho_factor(G, check_finite=False)
        except np.linalg.LinAlgError:
            G[np.diag_indices_from(G)] += 1e-14 * np.max(np.abs(np.diag(G)))
            factor = scipy.linalg.cho_factor(G, check_finite=False)
        solve = _Newton(ops, factor, d, r_prim, r_dual, pt)
        # Predictor (affine scaling), then Mehrotra's centred corrector.
        aff = solve(-pt.rp * pt.zp, -pt.rm * pt.zm)
        a_aff = pt.max_step(*aff[1:])
        comp_aff = pt.moved(a_aff, *aff[1:]).complementarity()
        sigma = (comp_aff / max(comp, 1e-300)) ** 3
        _, dv_a, drp_a, drm_a = aff
        ep = np.where(has_p, sigma * mu - rp * zp + drp_a * dv_a, 0.0)
        em = np.where(has_m, sigma * mu - rm * zm - drm_a * dv_a, 0.0)
        dbeta, dv, drp, drm = solve(ep, em)
        a = min(1.0, STEP_FRACTION * pt.max_step(dv, drp, drm))
        beta += a * dbeta
        v += a * dv
        rp += a * drp
        rm += a * drm
        zp = np.where(has_p, zp - a * dv, 1.0)
        zm = np.where(has_m, zm + a * dv, 1.0)
    n = keep.size
    u = np.zeros(X.shape[0])
    u[keep] = v[:n] / sw[keep]
    w = beta[:p].copy()
    b = float(beta[p]) if fit_intercept else 0.0
    return w, b, np.clip(u, tau - 1.0, tau), n_iter


def polish(X, y, sw, tau, pen_lp, fit_intercept, w, b, u):
    """The exact optimum on the active sets guessed from ``(w, b, u)``, or None.

    Unknowns: the support's coefficients, the intercept and the dual values of the
    rows fitted exactly; equations: those rows' fits, the support's stationarity
    ``x_j' S u = lam_j sign(w_j) + mu_j w_j`` and ``sum s u = 0``. The solution is
    accepted only if every sign, box and bound it assumed holds.
    """
    lam, mu, lo, hi = pen_lp[L1], pen_lp[L2], pen_lp[LOWER], pen_lp[UPPER]
    p = w.size
    wmax = float(np.max(np.abs(w), initial=0.0))
    tiny = 1e-9 * max(wmax, 1e-300)
    at_hi = np.isfinite(hi) & (w >= hi - tiny) & (hi != 0)
    at_lo = np.isfinite(lo) & (w <= lo + tiny) & (lo != 0) & ~at_hi
    fixed = at_hi | at_lo
    w_fixed = np.where(at_hi, hi, np.where(at_lo, lo, 0.0))
    unpen = (lam == 0) & (mu == 0)
    support = np.flatnonzero(((np.abs(w) > tiny) | unpen) & ~fixed)
    sgn = np.sign(w[support])
    signed = lam[support] > 0  # an unpenalised coefficient may change sign
    sgn[~signed] = 0.0
    edge = EDGE_RTOL
    inside = (u > tau - 1.0 + edge) & (u < tau - edge) & (sw > 0)
    zero = np.flatnonzero(inside)
    k, m = support.size, zero.size
    size = k + m + int(fit_intercept)
    if size == 0 or size > 5000:
        return None
    dense = X.toarray() if sp.issparse(X) else np.asarray(X)
    # Rows off the zero set take the subgradient of their side, exactly.
    u_fix = np.where(u > tau - 0.5, tau, tau - 1.0)
    u_fix[zero] = 0.0
    su_fix = sw * u_fix
    # Equation blocks: rows (fit), columns (stationarity), intercept.
    K = np.zeros((size, size))
    rhs = np.zeros(size)
    Xz = dense[zero]
    off = np.asarray(dense[zero] @ w_fixed).ravel()
    K[:m, :k] = Xz[:, support]
    if fit_intercept:
        K[:m, k + m] = 1.0
    rhs[:m] = y[zero] - off
    Xs = dense[:, support]
    K[m : m + k, :k] = -np.diag(mu[support])
    K[m : m + k, k : k + m] = (Xs[zero] * sw[zero, None]).T
    rhs[m : m + k] = lam[support] * sgn - Xs.T @ su_fix
    if fit_intercept:
        K[k + m, k : k + m] = sw[zero]
        rhs[k + m] = -float(su_fix.sum())
    try:
        sol = np.linalg.solve(K, rhs)
    except np.linalg.LinAlgError:
        return None
    w_new = w_fixed.copy()
    w_new[support] = sol[:k]
    u_new = u_fix.copy()
    u_new[zero] = sol[k : k + m]
    b_new = float(sol[k + m]) if fit_intercept else 0.0
    # Check every assumption: signs, bounds, boxes, the residual signs, the zeros.
    if np.any(np.sign(w_new[support][signed]) != sgn[signed]):
        return None
    if np.any(w_new < lo) or np.any(w_new > hi):
        return None
    if np.any(u_new[zero] < tau - 1.0) or np.any(u_new[zero] > tau):
        return None
    r = y - dense @ w_new - b_new
    rest = np.setdiff1d(np.flatnonzero(sw > 0), zero)
    clear = np.abs(r[rest]) > 1e-12 * (np.max(np.abs(y), initial=0.0) + abs(b_new))
    expect = np.where(r[rest] > 0, tau, tau - 1.0)
    if np.any(clear & (expect != u_fix[rest])):
        return None
    g = dense.T @ (sw * u_new)
    off_support = np.setdiff1d(np.arange(p), np.r_[support, np.flatnonzero(fixed)])
    # Off the support only the sides the bounds leave open constrain g_j.
    g_off, lam_off = g[off_support], lam[off_support]
    slack = 1e-12 * (1.0 + np.abs(g_off))
    if np.any((hi[off_support] > 0) & (g_off > lam_off + slack)):
        return None
    if np.any((lo[off_support] < 0) & (g_off < -lam_off - slack)):
        return None
    # A binding bound must be pushed against: the gradient points past it.
    g_hi = g[at_hi] - lam[at_hi] - mu[at_hi] * hi[at_hi]
    g_lo = g[at_lo] + lam[at_lo] - mu[at_lo] * lo[at_lo]
    if np.any(g_hi < -1e-12 * (1 + np.abs(g[at_hi]))) or np.any(
        g_lo > 1e-12 * (1 + np.abs(g[at_lo]))
    ):
        return None
    return w_new, b_new, u_new

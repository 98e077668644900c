"""The null model of the absolute loss: its optimal intercepts and the smallest
alpha at which it is optimal (``alpha_max``), computed exactly.

At ``w = 0`` and an optimal intercept ``b``, the subgradient ``u_i`` is fixed by the
sign of every non-zero residual; zero is optimal at ``alpha`` iff some choice of
``u`` on the rows fitted exactly puts ``g = X'S u`` inside ``alpha`` times the
penalty's subdifferential at 0. Without such rows that is a maximum of ratios; with
one (and an intercept) the intercept's equation fixes its ``u``; with more, a small
LP. Both ends of the interval of optimal intercepts are tried.
"""

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from .._certificate import HIGHS_OPTIONS

__all__ = [
    "held_ratio",
    "intercept_interval",
    "null_ratio",
    "one_zero_ratio",
    "zero_set_ratio",
]


# Above this many rows the interval is found among the values near the tau-th
# order statistic (a partition, O(n)) instead of a sort of all of y.
BRACKET_ROWS = 100_000


def intercept_interval(y, sw, tau):
    """Both ends of the set of minimisers of ``sum sw rho_tau(y - b)``."""
    if y.size > BRACKET_ROWS:
        found = _bracketed_interval(y, sw, tau)
        if found is not None:
            return found
    order = np.argsort(y, kind="stable")
    return _interval(y[order], sw[order], float(sw.sum()), tau, 0.0)


def _bracketed_interval(y, sw, tau):
    """:func:`intercept_interval` from a sort of the values between two order
    statistics around rank ``tau n``; None when the weights put the interval
    outside them."""
    n = y.size
    k = int(tau * n)
    d = int(10 * np.sqrt(n)) + 1000
    lo_k, hi_k = max(k - d, 0), min(k + d, n - 1)
    part = np.partition(y, [lo_k, hi_k])
    a, b = part[lo_k], part[hi_k]
    del part
    inside = (y >= a) & (y <= b)
    total = float(sw.sum())
    below_a = float(sw[y < a].sum())
    ys, ws = y[inside], sw[inside]
    order = np.argsort(ys, kind="stable")
    ys, ws = ys[order], ws[order]
    inside_total = float(ws.sum())
    # The lower end must be reached inside, and no value above b may qualify for
    # the upper end (the weight up to b already exceeds tau).
    if not below_a < tau * total - 1e-12 * total < below_a + inside_total:
        return None
    if not below_a + inside_total > tau * total + 1e-12 * total:
        return None
    return _interval(ys, ws, total, tau, below_a)


def _interval(ys, ws, total, tau, offset):
    """Both ends from sorted values ``ys`` with weights ``ws``, after ``offset``
    of the total weight ``total`` below them."""
    cum = offset + np.cumsum(ws)
    k = int(np.searchsorted(cum, tau * total - 1e-12 * total))
    lo = float(ys[min(k, ys.size - 1)])
    # The right end: the largest b with weighted fraction strictly below b <= tau.
    below = cum - ws
    ok = below <= tau * total + 1e-12 * total
    hi = float(ys[ok].max()) if ok.any() else lo
    return lo, max(lo, hi)


def null_ratio(g, c, up, down):
    """``max_j`` of the alpha that column ``j`` needs (inf for an unpenalised one)."""
    need = np.where(up & (g > 0), g, 0.0) + np.where(down & (g < 0), -g, 0.0)
    if np.any((need > 0) & (c == 0)):
        return np.inf
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where(need > 0, need / np.where(c > 0, c, 1.0), 0.0)
    return float(np.max(ratios, initial=0.0))


def one_zero_ratio(X, sw, tau, usable, i, u, g, c, up, down):
    """:func:`alpha_max` with an intercept and one row fitted exactly, exactly.

    That row's dual value is then fixed by ``sum sw u = 0``: no LP (whose absolute
    tolerances would read a dual value of 1e-10 as 0) is needed.
    """
    cols = usable
    xi = np.asarray(X[i].todense()).ravel() if sp.issparse(X) else X[i]
    sw_i = sw[i]
    v = -float(sw @ u)  # u_i = 0 in u
    lo, hi = sw_i * (tau - 1.0), sw_i * tau
    if not lo - 1e-12 * sw_i <= v <= hi + 1e-12 * sw_i:
        return np.inf  # this end of the median interval is not optimal
    g = g + xi * min(max(v, lo), hi)
    return null_ratio(g[cols], c[cols], up[cols], down[cols])


def zero_set_ratio(X, sw, tau, usable, fit_intercept, zero, u, g, c, up, down):
    """``min t`` over the zero rows' dual values, subject to the subdifferential."""
    cols = usable
    Z = X[zero][:, cols]
    Z = Z.toarray() if sp.issparse(Z) else np.asarray(Z)
    sw_z = sw[zero]
    m = zero.size
    # Variables v = sw_Z u_Z (matrix entries are X itself) and t' = t max(c), so
    # that every coefficient is near 1 whatever the scale of alpha; rows normalised.
    c_top = float(np.max(c[cols], initial=0.0)) or 1.0
    c_rel = c[cols] / c_top
    A_ub, b_ub = [], []
    for sign, side in ((1.0, up[cols]), (-1.0, down[cols])):
        for k in np.flatnonzero(side):
            row = np.r_[sign * Z[:, k], -c_rel[k]]
            norm = np.linalg.norm(row) or 1.0
            A_ub.append(row / norm)
            b_ub.append(-sign * g[cols][k] / norm)
    kw = {}
    if fit_intercept:
        kw = {"A_eq": np.r_[np.ones(m), 0.0][None, :], "b_eq": [-float(sw @ u)]}
    bounds = [(s * (tau - 1.0), s * tau) for s in sw_z] + [(0, None)]
    res = linprog(
        np.r_[np.zeros(m), 1.0], A_ub=np.array(A_ub) if A_ub else None,
        b_ub=np.array(b_ub) if b_ub else None, bounds=bounds, method="highs",
        options=HIGHS_OPTIONS, **kw,
    )  # fmt: skip
    return float(res.x[-1]) / c_top if res.status == 0 else np.inf


def held_ratio(X, sw, tau, r, w, unit, c, up, down, fit_intercept, threshold):
    """``alpha_max`` at the fit ``w`` of the unpenalised coefficients alone.

    ``r`` is that fit's residual and ``unit`` the (scaled) unit penalty. With ``u``
    fixed by the sign of every clearly non-zero residual, the penalised columns
    stay at 0 for ``alpha >= t`` iff some choice of ``u`` on the rows fitted
    exactly puts each penalised correlation within ``t c_j`` on its open sides
    while keeping the fit of the unpenalised ones optimal: a zero correlation for
    one strictly inside its bounds, a signed one at a bound, and ``sum sw u = 0``
    with an intercept. The smallest such ``t`` is a small LP over the zero set.
    """
    zero = np.flatnonzero((np.abs(r) <= threshold) & (sw > 0))
    u = np.where(r > 0, tau, tau - 1.0)
    u[zero] = 0.0
    g = np.asarray(X.T @ (sw * u)).ravel()
    unpen = (unit[0] == 0) & (unit[1] == 0)
    Z = X[zero]
    Z = Z.toarray() if sp.issparse(Z) else np.asarray(Z)
    m = zero.size
    pen_cols = np.flatnonzero(~unpen)
    c_top = float(np.max(c[pen_cols], initial=0.0)) or 1.0
    A_ub, b_ub, A_eq, b_eq = [], [], [], []

    def add(rows, rhs, row, value):
        norm = np.linalg.norm(row) or 1.0
        rows.append(row / norm)
        rhs.append(value / norm)

    for j in pen_cols:
        for sign, side in ((1.0, up[j]), (-1.0, down[j])):
            if side:  # sign (g_j + Z_j'v) <= t c_j / c_top
                add(A_ub, b_ub, np.r_[sign * Z[:, j], -c[j] / c_top], -sign * g[j])
    for j in np.flatnonzero(unpen):
        row = np.r_[Z[:, j], 0.0]
        lo, hi = unit[2, j], unit[3, j]
        if lo < w[j] < hi:
            add(A_eq, b_eq, row, -g[j])
        elif w[j] == hi and hi > lo:  # g_j + Z_j'v >= 0
            add(A_ub, b_ub, -row, g[j])
        elif w[j] == lo and hi > lo:
            add(A_ub, b_ub, row, -g[j])
    if fit_intercept:
        add(A_eq, b_eq, np.r_[np.ones(m), 0.0], -float(sw @ u))
    bounds = [(s * (tau - 1.0), s * tau) for s in sw[zero]] + [(0, None)]
    res = linprog(
        np.r_[np.zeros(m), 1.0], A_ub=np.array(A_ub) if A_ub else None,
        b_ub=np.array(b_ub) if b_ub else None, A_eq=np.array(A_eq) if A_eq else None,
        b_eq=np.array(b_eq) if b_eq else None, bounds=bounds, method="highs",
        options=HIGHS_OPTIONS,
    )  # fmt: skip
    return float(res.x[-1]) / c_top if res.status == 0 else np.inf

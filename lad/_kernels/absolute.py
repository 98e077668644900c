"""Coordinate descent for the absolute / quantile loss with a per-feature penalty.

Objective in the kernels' units (``scale = W / 2`` times the estimator's)::

    sum_i sw_i rho_tau(r_i) + scale * sum_j pen_j(w_j),   r = y - Xw - b

Each coordinate step is exact: along one coordinate the loss is convex and piecewise
linear, with a kink at ``z_i / x_ij`` for every row where ``x_ij != 0`` (``z`` the
partial residual); the penalty adds a kink at 0, a ridge term and the bounds. The
minimiser is where the slope changes sign: a weighted quantile of the kinks, moved
by the ridge term within its segment and clipped into the bounds. This kernel is
only a warm start: exact coordinate descent can stall at non-optimal points of this
non-smooth objective, so the driver always finishes with the exact simplex. The
dense and CSC kernels differ only in how they gather a column's kinks.
"""

import numpy as np
from numba import njit

from ._penalty import col, penalty_coord


@njit(cache=True, nogil=True)
def _line_minimiser(kinks, jumps, m, start_slope, l2, lo, hi):
    """Minimiser of a convex piecewise-linear function plus ``l2 v^2 / 2`` on bounds.

    ``start_slope`` is the slope left of every kink and ``jumps`` the slope
    increases at ``kinks[:m]``.
    """
    order = np.argsort(kinks[:m])
    slope = start_slope
    if l2 == 0.0 and slope > 0.0:
        return lo  # increasing everywhere: the lower bound
    for k in range(m):
        idx = order[k]
        at = kinks[idx]
        if l2 > 0.0 and slope + l2 * at > 0.0:
            # The derivative slope + l2 v crosses zero before this kink.
            v = -slope / l2
            return min(max(v, lo), hi)
        slope += jumps[idx]
        if slope + l2 * at >= 0.0:
            return min(max(at, lo), hi)
    if l2 > 0.0:
        v = -slope / l2
    elif slope < 0.0:
        v = hi  # still decreasing past the last kink: the upper bound
    elif m > 0:
        v = kinks[order[m - 1]]
    else:
        v = 0.0
    return min(max(v, lo), hi)


@njit(cache=True, nogil=True)
def _objective(r, sw, w, tau, pen, scale):
    acc = 0.0
    for i in range(r.shape[0]):
        ri = r[i]
        acc += sw[i] * (tau * ri if ri >= 0.0 else (tau - 1.0) * ri)
    for j in range(w.shape[0]):
        acc += penalty_coord(w[j], pen, j, scale)
    return acc


@njit(cache=True, nogil=True)
def _intercept_step(r, sw, intercept, tau, kinks, jumps):
    # Minimise sum sw rho(r + b_old - b) over b: a weighted tau-quantile of r + b_old.
    m = 0
    slope = 0.0
    for i in range(r.shape[0]):
        if sw[i] > 0.0:
            kinks[m] = r[i] + intercept
            jumps[m] = sw[i]
            slope -= sw[i] * tau
            m += 1
    new = _line_minimiser(kinks, jumps, m, slope, 0.0, -np.inf, np.inf)
    delta = new - intercept
    for i in range(r.shape[0]):
        r[i] -= delta
    return new


@njit(cache=True, nogil=True)
def _add_penalty_kink(kinks, jumps, m, slope, pen, j, scale):
    lam = scale * pen[0, col(pen, j)]
    if lam > 0.0:
        kinks[m] = 0.0
        jumps[m] = 2.0 * lam
        return m + 1, slope - lam
    return m, slope


@njit(cache=True, nogil=True)
def _coordinate(kinks, jumps, m, slope, w_j, pen, j, scale):
    m, slope = _add_penalty_kink(kinks, jumps, m, slope, pen, j, scale)
    jj = col(pen, j)
    return _line_minimiser(
        kinks, jumps, m, slope, scale * pen[1, jj], pen[2, jj], pen[3, jj]
    )


@njit(cache=True, nogil=True)
def cd_absolute_dense(
    X, sw, w, r, intercept, pen, params, fit_intercept, max_epochs, tol, kinks, jumps
):
    """Exact coordinate descent on an F-ordered float64 ``X``.

    ``w`` and ``r`` (= y - Xw - intercept) are modified in place; ``params`` is
    ``(tau, scale)``; ``kinks`` and ``jumps`` are scratch buffers of length
    ``n_samples + 1``. Stops when an epoch lowers the objective by less than ``tol``
    relative. Returns ``(intercept, n_epochs, objective)``.
    """
    n_samples, n_features = X.shape
    tau, scale = params[0], params[1]
    obj = _objective(r, sw, w, tau, pen, scale)
    for epoch in range(1, max_epochs + 1):
        for j in range(n_features):
            m = 0
            slope = 0.0
            w_j = w[j]
            for i in range(n_samples):
                x = X[i, j]
                if x == 0.0 or sw[i] == 0.0:
                    continue
                kinks[m] = (r[i] + x * w_j) / x
                jumps[m] = sw[i] * abs(x)
                slope -= jumps[m] * (tau if x > 0.0 else 1.0 - tau)
                m += 1
            if m == 0:
                continue
            new = _coordinate(kinks, jumps, m, slope, w_j, pen, j, scale)
            if new != w_j:
                delta = new - w_j
                for i in range(n_samples):
                    r[i] -= delta * X[i, j]
                w[j] = new
        if fit_intercept:
            intercept = _intercept_step(r, sw, intercept, tau, kinks, jumps)
        new_obj = _objective(r, sw, w, tau, pen, scale)
        if obj - new_obj <= tol * abs(obj):
            return intercept, epoch, new_obj
        obj = new_obj
    return intercept, max_epochs, obj


@njit(cache=True, nogil=True)
def cd_absolute_csc(
    data, indices, indptr, sw, w, r, intercept, pen, params, fit_intercept,
    max_epochs, tol, kinks, jumps,
):  # fmt: skip
    """CSC version of :func:`cd_absolute_dense`; a step costs O(nnz_j log nnz_j)."""
    n_features = indptr.shape[0] - 1
    tau, scale = params[0], params[1]
    obj = _objective(r, sw, w, tau, pen, scale)
    for epoch in range(1, max_epochs + 1):
        for j in range(n_features):
            m = 0
            slope = 0.0
            w_j = w[j]
            for k in range(indptr[j], indptr[j + 1]):
                x = data[k]
                i = indices[k]
                if x == 0.0 or sw[i] == 0.0:
                    continue
                kinks[m] = (r[i] + x * w_j) / x
                jumps[m] = sw[i] * abs(x)
                slope -= jumps[m] * (tau if x > 0.0 else 1.0 - tau)
                m += 1
            if m == 0:
                continue
            new = _coordinate(kinks, jumps, m, slope, w_j, pen, j, scale)
            if new != w_j:
                delta = new - w_j
                for k in range(indptr[j], indptr[j + 1]):
                    r[indices[k]] -= delta * data[k]
                w[j] = new
        if fit_intercept:
            intercept = _intercept_step(r, sw, intercept, tau, kinks, jumps)
        new_obj = _objective(r, sw, w, tau, pen, scale)
        if obj - new_obj <= tol * abs(obj):
            return intercept, epoch, new_obj
        obj = new_obj
    return intercept, max_epochs, obj

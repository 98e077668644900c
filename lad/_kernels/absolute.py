"""Coordinate descent for the absolute / quantile loss with an L1 penalty (warm start).

Objective in the kernels' units (``lam = alpha W / 2``)::

    sum_i sw_i rho_tau(r_i) + lam ||w||_1,   r = y - Xw - b

Each coordinate step is exact: along one coordinate the objective is convex and
piecewise linear, with a kink at ``z_i / x_ij`` for every row where ``x_ij != 0``
(``z`` the partial residual) and one at 0 from the penalty; its minimiser is the
kink where the slope changes sign, a weighted quantile. This kernel is only a warm
start: exact coordinate descent can stall at non-optimal points of this non-smooth
objective, so the driver always finishes with an exact solve.
"""

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def _line_minimiser(kinks, jumps, m, start_slope):
    """Leftmost point where a piecewise-linear convex function stops decreasing."""
    order = np.argsort(kinks[:m])
    slope = start_slope
    for k in range(m):
        idx = order[k]
        slope += jumps[idx]
        if slope >= 0.0:
            return kinks[idx]
    return kinks[order[m - 1]] if m > 0 else 0.0


@njit(cache=True, nogil=True)
def _objective(r, sw, w, tau, lam):
    acc = 0.0
    for i in range(r.shape[0]):
        ri = r[i]
        acc += sw[i] * (tau * ri if ri >= 0.0 else (tau - 1.0) * ri)
    l1 = 0.0
    for j in range(w.shape[0]):
        l1 += abs(w[j])
    return acc + lam * l1


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
    new = _line_minimiser(kinks, jumps, m, slope)
    delta = new - intercept
    for i in range(r.shape[0]):
        r[i] -= delta
    return new


@njit(cache=True, nogil=True)
def cd_absolute_dense(
    X, sw, w, r, intercept, lam, tau, fit_intercept, max_epochs, tol, kinks, jumps
):
    """Exact coordinate descent on an F-ordered float64 ``X``.

    ``w`` and ``r`` (= y - Xw - intercept) are modified in place; ``kinks`` and
    ``jumps`` are scratch buffers of length ``n_samples + 1``. Stops when an epoch
    lowers the objective by less than ``tol`` relative. Returns
    ``(intercept, n_epochs, objective)``.
    """
    n_samples, n_features = X.shape
    obj = _objective(r, sw, w, tau, lam)
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
            if lam > 0.0:
                kinks[m] = 0.0
                jumps[m] = 2.0 * lam
                slope -= lam
                m += 1
            new = _line_minimiser(kinks, jumps, m, slope)
            if new != w_j:
                delta = new - w_j
                for i in range(n_samples):
                    r[i] -= delta * X[i, j]
                w[j] = new
        if fit_intercept:
            intercept = _intercept_step(r, sw, intercept, tau, kinks, jumps)
        new_obj = _objective(r, sw, w, tau, lam)
        if obj - new_obj <= tol * abs(obj):
            return intercept, epoch, new_obj
        obj = new_obj
    return intercept, max_epochs, obj


@njit(cache=True, nogil=True)
def cd_absolute_csc(
    data, indices, indptr, sw, w, r, intercept, lam, tau, fit_intercept, max_epochs,
    tol, kinks, jumps,
):  # fmt: skip
    """CSC version of :func:`cd_absolute_dense`; a step costs O(nnz_j log nnz_j)."""
    n_features = indptr.shape[0] - 1
    obj = _objective(r, sw, w, tau, lam)
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
            if lam > 0.0:
                kinks[m] = 0.0
                jumps[m] = 2.0 * lam
                slope -= lam
                m += 1
            new = _line_minimiser(kinks, jumps, m, slope)
            if new != w_j:
                delta = new - w_j
                for k in range(indptr[j], indptr[j + 1]):
                    r[indices[k]] -= delta * data[k]
                w[j] = new
        if fit_intercept:
            intercept = _intercept_step(r, sw, intercept, tau, kinks, jumps)
        new_obj = _objective(r, sw, w, tau, lam)
        if obj - new_obj <= tol * abs(obj):
            return intercept, epoch, new_obj
        obj = new_obj
    return intercept, max_epochs, obj

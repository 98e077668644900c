"""Coordinate descent for the weighted squared loss with an L1 penalty.

Problem (in the estimator's units, weights normalised to sum to ``n``)::

    (1 / 2n) * sum_i sw_i * (y_i - x_i'w - b)^2 + alpha * ||w||_1

The intercept is profiled out by implicit centring: the kernels see the centred target
``y`` and the weighted column means ``xmean`` and never form a centred copy of ``X``.
``r`` always holds the residual of the centred problem, ``y - (X - xmean) w``.
An empty ``sw`` means unit weights. ``ws`` lists the coordinates the kernel may touch
(all features, or a working set chosen by the driver); the returned gap is the gap of
the problem restricted to ``ws``. The dense and CSC kernels can extrapolate their
iterates (Anderson acceleration on the support, kept only when it lowers the
objective), which cuts the epochs of the slow linear phase on correlated designs.
"""

import numpy as np
from numba import njit

from ._scalar import (
    anderson_point,
    axpy_centered_col,
    cd_update,
    csc_col_axpy,
    csc_col_dot,
    dot_centered_col,
    dot_centered_col_weighted,
    l1_on,
    lasso_gap,
    store_iterate,
    weighted_dot,
    weighted_sum,
    weighted_sum_sq,
)

# The gap costs one extra pass over X, so it is computed at most every GAP_FREQ epochs,
# or earlier when an epoch barely moved the coefficients (scikit-learn's gate). Each
# gated check that fails doubles the spacing of gated checks, so a stalled iterate
# does not pay for a gap at every epoch.
GAP_FREQ = 10
DW_GATE = 1e-4


@njit(cache=True, nogil=True)
def _gap_due(epoch, last_check, spacing, gated, max_epochs):
    since = epoch - last_check
    return since >= GAP_FREQ or (gated and since >= spacing) or epoch == max_epochs


@njit(cache=True, nogil=True, inline="always")
def _pick(ws, k, random):
    if random:
        return ws[np.random.randint(0, ws.shape[0])]
    return ws[k]


@njit(cache=True, nogil=True)
def _anderson_dense(X, sw, w, r, xmean, lam, positive, ws, hist, G, c, w_e, r_e):
    """Extrapolate ``(w, r)`` and keep the point only if the objective drops.

    The residual of the extrapolated point is rebuilt from the change of ``w`` on
    the support (one axpy per moved coordinate), so ``r`` stays exactly
    ``y - Xc w`` up to rounding instead of drifting as a combination of residuals.
    """
    if not anderson_point(hist, G, c, hist[hist.shape[0] - 1], w_e, positive):
        return False
    r_e[:] = r
    for k in range(ws.shape[0]):
        j = ws[k]
        d = w_e[k] - w[j]
        if d != 0.0:
            axpy_centered_col(X, j, xmean[j], -d, r_e)
    old = 0.5 * weighted_sum_sq(sw, r, 0.0) + lam * l1_on(w, ws)
    l1_e = 0.0
    for k in range(ws.shape[0]):
        l1_e += abs(w_e[k])
    if not 0.5 * weighted_sum_sq(sw, r_e, 0.0) + lam * l1_e < old:
        return False
    for k in range(ws.shape[0]):
        w[ws[k]] = w_e[k]
    r[:] = r_e
    return True


@njit(cache=True, nogil=True)
def _gap_squared_dense(X, y, sw, w, r, xmean, alpha, positive, ws):
    n_samples = X.shape[0]
    weighted = sw.shape[0] > 0
    dual_norm = 0.0
    l1 = 0.0
    for k in range(ws.shape[0]):
        j = ws[k]
        if weighted:
            g = dot_centered_col_weighted(X, j, xmean[j], sw, r)
        else:
            g = dot_centered_col(X, j, xmean[j], r)
        dual_norm = max(dual_norm, g if positive else abs(g))
        l1 += abs(w[j])
    rss = weighted_sum_sq(sw, r, 0.0)
    ytr = weighted_dot(sw, y, r, 0.0)
    return lasso_gap(rss, ytr, l1, dual_norm, alpha * n_samples, n_samples)


@njit(cache=True, nogil=True)
def cd_squared_dense(
    X, y, sw, w, r, col_sq, xmean, alpha, positive, seed, max_epochs, tol,
    anderson_k, ws,
):  # fmt: skip
    """Lasso coordinate descent on an F-ordered float64 ``X``.

    ``w`` (n_features,) and ``r`` (n_samples,) are modified in place. ``seed < 0``
    selects coordinates cyclically, otherwise uniformly at random with that seed.
    ``tol`` is an absolute gap in the estimator's units. ``anderson_k > 0`` (cyclic
    selection only) tries an Anderson extrapolation from the last ``anderson_k + 1``
    iterates every ``anderson_k + 1`` epochs, kept only if it lowers the objective;
    0 disables it. Returns ``(n_epochs, gap)``.
    """
    n_samples = X.shape[0]
    n_ws = ws.shape[0]
    lam = alpha * n_samples
    weighted = sw.shape[0] > 0
    random = seed >= 0
    gap = _gap_squared_dense(X, y, sw, w, r, xmean, alpha, positive, ws)
    if gap <= tol:
        return 0, gap
    if random:
        np.random.seed(seed)
    # Anderson scratch, allocated once per call (the working-set driver calls the
    # kernel a few dozen times per fit, never per epoch).
    n_acc = anderson_k if anderson_k > 0 and not random else 0
    hist = np.empty((n_acc + 1, n_ws if n_acc else 0))
    G = np.empty((n_acc, n_acc))
    c = np.empty(n_acc)
    w_e = np.empty(n_ws if n_acc else 0)
    r_e = np.empty(n_samples if n_acc else 0)
    n_stored = 0
    last_check = 0
    spacing = 1
    for epoch in range(1, max_epochs + 1):
        w_max = 0.0
        dw_max = 0.0
        for k in range(n_ws):
            j = _pick(ws, k, random)
            w_j = w[j]
            if col_sq[j] == 0.0:
                # A constant column cannot lower the loss; its optimal weight is 0.
                w[j] = 0.0
                continue
            if weighted:
                g = dot_centered_col_weighted(X, j, xmean[j], sw, r)
            else:
                g = dot_centered_col(X, j, xmean[j], r)
            new = cd_update(w_j, g, col_sq[j], lam, positive)
            if new != w_j:
                axpy_centered_col(X, j, xmean[j], w_j - new, r)
                w[j] = new
            dw_max = max(dw_max, abs(new - w_j))
            w_max = max(w_max, abs(new))
        if n_acc:
            store_iterate(w, ws, hist[n_stored])
            n_stored += 1
            if n_stored == n_acc + 1:
                _anderson_dense(
                    X, sw, w, r, xmean, lam, positive, ws, hist, G, c, w_e, r_e
                )
                n_stored = 0
        gated = w_max == 0.0 or dw_max <= DW_GATE * w_max
        if _gap_due(epoch, last_check, spacing, gated, max_epochs):
            last_check = epoch
            if gated:
                spacing = min(2 * spacing, GAP_FREQ)
            gap = _gap_squared_dense(X, y, sw, w, r, xmean, alpha, positive, ws)
            if gap <= tol:
                return epoch, gap
    return max_epochs, gap


@njit(cache=True, nogil=True)
def _anderson_csc(
    data, indices, indptr, sw, w, r, offset, xmean, lam, positive, ws, hist, G, c,
    w_e, r_e,
):  # fmt: skip
    """CSC twin of :func:`_anderson_dense` for ``r = r_s + offset``.

    Returns ``(accepted, offset)``; on acceptance ``w`` and ``r_s`` are updated in
    place and the new scalar offset is returned.
    """
    if not anderson_point(hist, G, c, hist[hist.shape[0] - 1], w_e, positive):
        return False, offset
    r_e[:] = r
    offset_e = offset
    for k in range(ws.shape[0]):
        j = ws[k]
        d = w_e[k] - w[j]
        if d != 0.0:
            csc_col_axpy(data, indices, indptr, j, -d, r_e)
            offset_e += d * xmean[j]
    old = 0.5 * weighted_sum_sq(sw, r, offset) + lam * l1_on(w, ws)
    l1_e = 0.0
    for k in range(ws.shape[0]):
        l1_e += abs(w_e[k])
    if not 0.5 * weighted_sum_sq(sw, r_e, offset_e) + lam * l1_e < old:
        return False, offset
    for k in range(ws.shape[0]):
        w[ws[k]] = w_e[k]
    r[:] = r_e
    return True, offset_e


@njit(cache=True, nogil=True)
def _gap_squared_csc(
    data, indices, indptr, y, sw, w, r, offset, r_sum, xmean, alpha, positive, ws
):
    n_samples = y.shape[0]
    dual_norm = 0.0
    l1 = 0.0
    for k in range(ws.shape[0]):
        j = ws[k]
        g = csc_col_dot(data, indices, indptr, j, sw, r) - xmean[j] * r_sum
        dual_norm = max(dual_norm, g if positive else abs(g))
        l1 += abs(w[j])
    rss = weighted_sum_sq(sw, r, offset)
    ytr = weighted_dot(sw, y, r, offset)
    return lasso_gap(rss, ytr, l1, dual_norm, alpha * n_samples, n_samples)


@njit(cache=True, nogil=True)
def cd_squared_csc(
    data, indices, indptr, y, sw, w, r, col_sq, xmean, alpha, positive, seed,
    max_epochs, tol, anderson_k, ws,
):  # fmt: skip
    """Lasso coordinate descent on a CSC matrix given as ``(data, indices, indptr)``.

    Centring costs O(nnz_j) per update, not O(n): the kernel keeps ``r`` as
    ``r_s + offset`` with a scalar ``offset`` (glmnet's mean shift) and folds the
    offset back into ``r`` before returning. With ``rs = sum sw r_s`` the centred
    gradient is ``x_j' (sw r_s) - xmean_j * rs``. Same contract as
    :func:`cd_squared_dense`, Anderson extrapolation included; returns
    ``(n_epochs, gap)``.
    """
    n_samples = y.shape[0]
    n_ws = ws.shape[0]
    lam = alpha * n_samples
    random = seed >= 0
    offset = 0.0
    r_sum = weighted_sum(sw, r)
    gap = _gap_squared_csc(
        data, indices, indptr, y, sw, w, r, offset, r_sum, xmean, alpha, positive, ws
    )
    if gap <= tol:
        return 0, gap
    if random:
        np.random.seed(seed)
    n_acc = anderson_k if anderson_k > 0 and not random else 0
    hist = np.empty((n_acc + 1, n_ws if n_acc else 0))
    G = np.empty((n_acc, n_acc))
    c = np.empty(n_acc)
    w_e = np.empty(n_ws if n_acc else 0)
    r_e = np.empty(n_samples if n_acc else 0)
    n_stored = 0
    n_epochs = max_epochs
    last_check = 0
    spacing = 1
    for epoch in range(1, max_epochs + 1):
        w_max = 0.0
        dw_max = 0.0
        for k in range(n_ws):
            j = _pick(ws, k, random)
            w_j = w[j]
            if col_sq[j] == 0.0:
                w[j] = 0.0
                continue
            g = csc_col_dot(data, indices, indptr, j, sw, r) - xmean[j] * r_sum
            new = cd_update(w_j, g, col_sq[j], lam, positive)
            if new != w_j:
                delta = new - w_j
                csc_col_axpy(data, indices, indptr, j, -delta, r)
                offset += delta * xmean[j]
                r_sum -= delta * xmean[j] * n_samples
                w[j] = new
            dw_max = max(dw_max, abs(new - w_j))
            w_max = max(w_max, abs(new))
        if n_acc:
            store_iterate(w, ws, hist[n_stored])
            n_stored += 1
            if n_stored == n_acc + 1:
                accepted, offset = _anderson_csc(
                    data, indices, indptr, sw, w, r, offset, xmean, lam, positive,
                    ws, hist, G, c, w_e, r_e,
                )  # fmt: skip
                if accepted:
                    r_sum = weighted_sum(sw, r)
                n_stored = 0
        gated = w_max == 0.0 or dw_max <= DW_GATE * w_max
        if _gap_due(epoch, last_check, spacing, gated, max_epochs):
            last_check = epoch
            if gated:
                spacing = min(2 * spacing, GAP_FREQ)
            # Re-derive the running sum so rounding drift cannot accumulate.
            r_sum = weighted_sum(sw, r)
            gap = _gap_squared_csc(
                data, indices, indptr, y, sw, w, r, offset, r_sum, xmean, alpha,
                positive, ws,
            )  # fmt: skip
            if gap <= tol:
                n_epochs = epoch
                break
    for i in range(n_samples):
        r[i] += offset
    return n_epochs, gap


@njit(cache=True, nogil=True)
def _gap_squared_gram(Q, q, y_sq, w, H, n_samples, alpha, positive, ws):
    dual_norm = 0.0
    l1 = 0.0
    wq = 0.0
    wH = 0.0
    for k in range(ws.shape[0]):
        j = ws[k]
        g = q[j] - H[j]
        dual_norm = max(dual_norm, g if positive else abs(g))
        l1 += abs(w[j])
        wq += w[j] * q[j]
        wH += w[j] * H[j]
    rss = max(y_sq - 2.0 * wq + wH, 0.0)
    ytr = y_sq - wq
    return lasso_gap(rss, ytr, l1, dual_norm, alpha * n_samples, n_samples)


@njit(cache=True, nogil=True)
def cd_squared_gram(
    Q, q, y_sq, w, H, n_samples, alpha, positive, seed, max_epochs, tol, ws
):
    """Lasso coordinate descent in covariance (Gram) mode, O(p) per coordinate change.

    ``Q`` is the centred weighted Gram matrix ``Xc' S Xc`` (C-ordered, symmetric),
    ``q = Xc' S yc`` and ``y_sq = yc' S yc``. ``H = Q w`` is kept up to date in
    place together with ``w``. Returns ``(n_epochs, gap)``.
    """
    n_ws = ws.shape[0]
    lam = alpha * n_samples
    random = seed >= 0
    gap = _gap_squared_gram(Q, q, y_sq, w, H, n_samples, alpha, positive, ws)
    if gap <= tol:
        return 0, gap
    if random:
        np.random.seed(seed)
    n_features = Q.shape[0]
    last_check = 0
    spacing = 1
    for epoch in range(1, max_epochs + 1):
        w_max = 0.0
        dw_max = 0.0
        for k in range(n_ws):
            j = _pick(ws, k, random)
            w_j = w[j]
            c = Q[j, j]
            if c <= 0.0:
                w[j] = 0.0
                continue
            new = cd_update(w_j, q[j] - H[j], c, lam, positive)
            if new != w_j:
                delta = new - w_j
                for i in range(n_features):
                    H[i] += delta * Q[j, i]
                w[j] = new
            dw_max = max(dw_max, abs(new - w_j))
            w_max = max(w_max, abs(new))
        gated = w_max == 0.0 or dw_max <= DW_GATE * w_max
        if _gap_due(epoch, last_check, spacing, gated, max_epochs):
            last_check = epoch
            if gated:
                spacing = min(2 * spacing, GAP_FREQ)
            gap = _gap_squared_gram(Q, q, y_sq, w, H, n_samples, alpha, positive, ws)
            if gap <= tol:
                return epoch, gap
    return max_epochs, gap


@njit(cache=True, nogil=True)
def grad_squared_csc(data, indices, indptr, sw, r, xmean, col_sq, g):
    """Centred weighted gradient ``g = Xc' S r`` of every column, written into ``g``.

    Constant columns (``col_sq == 0``) get 0. One pass over a CSC ``X`` as fast as
    scipy's ``X.T @ v``, without its per-call conversions and temporaries.
    """
    r_sum = weighted_sum(sw, r)
    for j in range(g.shape[0]):
        if col_sq[j] == 0.0:
            g[j] = 0.0
        else:
            g[j] = csc_col_dot(data, indices, indptr, j, sw, r) - xmean[j] * r_sum


@njit(cache=True, nogil=True)
def screen_and_rank(g, w, norms, scale, radius, positive, candidate, priority):
    """Gap Safe screening and celer's working-set priorities from the full gradient.

    ``scale = s / lam`` maps ``g`` to the dual correlations ``|x_j' theta|``; a
    non-support candidate with ``corr + ||x_j|| radius < 1`` is dropped from
    ``candidate`` (in place) for good. ``priority`` (written in place) is ``-inf`` on
    the support, ``inf`` off the candidates, else ``(1 - corr) / ||x_j||``. Returns
    the number of candidates, support included.
    """
    n_cand = 0
    for j in range(g.shape[0]):
        if w[j] != 0.0:
            priority[j] = -np.inf
            n_cand += 1
            continue
        if not candidate[j]:
            priority[j] = np.inf
            continue
        corr = scale * (g[j] if positive else abs(g[j]))
        if corr + norms[j] * radius < 1.0:
            candidate[j] = False
            priority[j] = np.inf
            continue
        priority[j] = (1.0 - corr) / norms[j]
        n_cand += 1
    return n_cand


@njit(cache=True, nogil=True)
def cd_squared_gram_path(
    Q, q, y_sq, n_samples, alphas, positive, seed, max_epochs, tol, coefs, gaps, iters
):
    """Warm-started covariance-mode CD over a decreasing grid, in one call.

    A path in Gram mode spends as long in Python dispatch per alpha as in the
    epochs themselves on small problems, so the loop over ``alphas`` runs here.
    Same per-alpha contract as :func:`cd_squared_gram` started from the previous
    solution; exact zeros (gap 0, no epoch) while ``alpha >= alpha_max``. Fills
    ``coefs`` (n_features, n_alphas), ``gaps`` and ``iters`` in place.
    """
    n_features = Q.shape[0]
    w = np.zeros(n_features)
    H = np.zeros(n_features)
    ws = np.arange(n_features).astype(np.int32)
    dual_norm0 = 0.0
    for j in range(n_features):
        dual_norm0 = max(dual_norm0, q[j] if positive else abs(q[j]))
    null = True
    for k in range(alphas.shape[0]):
        if null and alphas[k] * n_samples >= dual_norm0:
            gaps[k] = 0.0
            iters[k] = 0
            continue
        null = False
        n_iter, gap = cd_squared_gram(
            Q, q, y_sq, w, H, n_samples, alphas[k], positive, seed, max_epochs, tol, ws
        )
        for j in range(n_features):
            coefs[j, k] = w[j]
        gaps[k] = max(gap, 0.0)
        iters[k] = n_iter

"""Coordinate descent for the weighted squared loss with a per-feature penalty.

Problem (in the estimator's units, weights normalised to sum to ``n``)::

    (1 / 2n) * sum_i sw_i * (y_i - x_i'w - b)^2 + sum_j pen_j(w_j)

with ``pen_j`` the penalty of column ``j`` of the ``(4, n_features)`` array ``pen`` (L1
and L2 weights and bounds, :mod:`lad._penalty`); the kernels work in units of ``n``
times the objective. The intercept is profiled out by implicit centring: the kernels
see the centred target ``y`` and the weighted column means ``xmean`` and never form
a centred copy of ``X``. ``r`` always holds the residual of the centred problem,
``y - (X - xmean) w``. An empty ``sw`` means unit weights. ``ws`` lists the
coordinates the kernel may touch (all features, or a working set chosen by the
driver); the returned gap is the gap of the problem restricted to ``ws``. ``free``
(int32) lists the unpenalised columns and ``proj`` what projects the dual point off
them (:func:`_project_free`); both are empty when there are none.

Every CD kernel computes the gap when it starts (and returns at once if it is met),
then at most every ``GAP_FREQ`` epochs. It stops after ``max_epochs`` epochs without
a final gap, so a driver that calls it again in chunks (to stay responsive to
interrupts) pays no extra pass over ``X``; the returned flag says whether the gap is
that of the returned iterate. The dense and CSC kernels differ only in their column
access and can extrapolate their iterates (Anderson acceleration on the support,
kept only when it lowers the objective).
"""

import numpy as np
from numba import njit

from ._penalty import conjugate_coord, penalty_coord, prox_coord, prox_scalar
from ._scalar import (
    anderson_point,
    axpy_centered_col,
    copy_into,
    csc_col_axpy,
    csc_col_dot,
    dot_centered_col,
    dot_centered_col_weighted,
    soft_threshold,
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


@njit(cache=True, nogil=True, fastmath={"reassoc", "contract"}, inline="always")
def _abs_and_sq_sums(w, ws):
    w_abs = 0.0
    w_sq = 0.0
    for k in range(ws.shape[0]):
        wj = w[ws[k]]
        w_abs += abs(wj)
        w_sq += wj * wj
    return w_abs, w_sq


@njit(cache=True, nogil=True, inline="always")
def _abs_max(g, m):
    """``max |g[:m]|`` with four running maxima: one chain of max ops would set
    the pace (a maximum does not vectorise), and this runs on every feature once
    per outer pass of the working sets."""
    t0 = 0.0
    t1 = 0.0
    t2 = 0.0
    t3 = 0.0
    k = 0
    while k + 4 <= m:
        t0 = max(t0, abs(g[k]))
        t1 = max(t1, abs(g[k + 1]))
        t2 = max(t2, abs(g[k + 2]))
        t3 = max(t3, abs(g[k + 3]))
        k += 4
    while k < m:
        t0 = max(t0, abs(g[k]))
        k += 1
    return max(max(t0, t1), max(t2, t3))


@njit(cache=True, nogil=True)
def _project_free(g, w, ws, pen, free, proj, rss, ytr):
    """Project the dual point S-orthogonally off the free columns, ``g`` in place.

    A coefficient with no penalty (factor 0) strictly inside its bounds has a
    conjugate finite only at 0 on the side the iterate can still move to, so the
    dual point must be orthogonal to its column: scaling cannot get there (``s = 0``
    at the first rounding error), a projection does. ``free`` lists the
    unpenalised columns; those with ``w_j`` strictly inside their bounds (always,
    when unbounded) are projected off, the others (at a bound) keep their
    correlation, whose conjugate is finite on that side. ``proj`` holds, row ``f``:
    ``Xc' S xc_F[f]`` (every feature), then row ``f`` of ``M = Xc_F' S Xc_F``,
    then ``xc_F[f]' S yc``. With the chosen set ``A`` the projected residual
    ``theta = r - Xc_A c``, ``c = M_AA^+ g_A``, has ``xc_j' S theta = g_j - C_j c``,
    ``theta' S theta = rss - c'g_A`` and ``yc' S theta = ytr - c'q_A``: O(k |ws|
    + k^3) work and no pass over ``X``. Every free column must be in ``ws`` (the
    working sets always hold them); if one is not, nothing is projected and the
    gap stays a valid, loose bound. Returns the projected ``(rss, ytr)``.
    """
    k = free.shape[0]
    p = proj.shape[1] - k - 1
    pos = np.empty(k, dtype=np.int64)
    sel = np.empty(k, dtype=np.int64)
    g_sel = np.empty(k)
    m = 0
    for f in range(k):
        j = free[f]
        jj = j if pen.shape[1] > 1 else 0
        lo, hi = pen[2, jj], pen[3, jj]
        if not ((lo == -np.inf or w[j] > lo) and (hi == np.inf or w[j] < hi)):
            continue
        i = np.searchsorted(ws, j)
        if i >= ws.shape[0] or ws[i] != j:
            return rss, ytr
        pos[m] = i
        sel[m] = f
        g_sel[m] = g[i]
        m += 1
    if m == 0:
        return rss, ytr
    M = np.empty((m, m))
    for a in range(m):
        for b in range(m):
            M[a, b] = proj[sel[a], p + sel[b]]
    c = np.linalg.pinv(M, 1e-12) @ g_sel[:m]
    for t in range(ws.shape[0]):
        j = ws[t]
        acc = 0.0
        for a in range(m):
            acc += proj[sel[a], j] * c[a]
        g[t] -= acc
    cg = 0.0
    cq = 0.0
    for a in range(m):
        # What rounding leaves on a free column is the KKT report's business.
        g[pos[a]] = 0.0
        cg += c[a] * g_sel[a]
        cq += c[a] * proj[sel[a], p + k]
    return max(rss - cg, 0.0), ytr - cq


@njit(cache=True, nogil=True)
def squared_gap(g, w, ws, pen, rss, ytr, n_samples, free, proj):
    """Duality gap of the squared loss on the coordinates ``ws``, estimator units.

    ``g[k]`` is the centred weighted gradient ``xc_j' S r`` of ``j = ws[k]``,
    ``rss = r'S r`` and ``ytr = y'S r``. The dual point is the residual, projected
    off the free columns ``free`` (:func:`_project_free`; ``g`` then holds the
    projected gradient), scaled by the largest ``s <= 1`` that makes every penalty
    conjugate finite (for the plain Lasso ``s = min(1, lam / ||g||_inf)``); the
    dual objective is ``s ytr - s^2 rss / 2 - sum_j h_j*(s g_j)`` with the
    projected ``rss`` and ``ytr``. Returns ``(gap, s)``.
    """
    n = float(n_samples)
    s = 1.0
    primal_rss = rss
    if free.shape[0] > 0:
        rss, ytr = _project_free(g, w, ws, pen, free, proj, rss, ytr)
    primal_pen = 0.0
    finite_conj = False  # a ridge part or a bound: the conjugate can be non-zero
    if pen.shape[1] == 1:
        # One penalty for every feature (the common case): the loop-invariant
        # numbers are hoisted and s takes one division, not one per feature.
        l1, l2, lo, hi = n * pen[0, 0], pen[1, 0], pen[2, 0], pen[3, 0]
        up_open = l2 == 0.0 and hi == np.inf
        down_open = l2 == 0.0 and lo == -np.inf
        w_abs, w_sq = _abs_and_sq_sums(w, ws)
        if up_open and down_open:
            top = _abs_max(g, ws.shape[0])
        else:
            top = 0.0
            for k in range(ws.shape[0]):
                gk = g[k]
                if (gk > 0.0 and up_open) or (gk < 0.0 and down_open):
                    top = max(top, abs(gk))
        primal_pen = l1 * w_abs + 0.5 * n * l2 * w_sq
        if top > l1:
            s = l1 / top
        finite_conj = l2 > 0.0 or lo > -np.inf or hi < np.inf
    else:
        # The limit of s written out (dual_limit_coord inlined by hand): this loop
        # runs over every feature once per outer pass of the working sets.
        for k in range(ws.shape[0]):
            j = ws[k]
            l1 = n * pen[0, j]
            l2 = pen[1, j]
            wj = w[j]
            primal_pen += l1 * abs(wj) + 0.5 * n * l2 * wj * wj
            gk = g[k]
            if l2 == 0.0:
                if gk > l1 and pen[3, j] == np.inf:
                    s = min(s, l1 / gk)
                elif gk < -l1 and pen[2, j] == -np.inf:
                    s = min(s, -l1 / gk)
            if l2 > 0.0 or pen[2, j] > -np.inf or pen[3, j] < np.inf:
                finite_conj = True
    conj = 0.0
    if finite_conj:  # the plain Lasso skips this pass: its conjugates are all 0
        for k in range(ws.shape[0]):
            conj += conjugate_coord(s * g[k], pen, ws[k], n)
    primal = 0.5 * primal_rss + primal_pen
    dual = s * ytr - 0.5 * s * s * rss - conj
    return (primal - dual) / n, s


@njit(cache=True, nogil=True, inline="always")
def _gap_due(epoch, last_check, spacing, dw_max, w_max):
    """The gap schedule: ``(due, last_check, spacing)`` after ``epoch``."""
    gated = w_max == 0.0 or dw_max <= DW_GATE * w_max
    since = epoch - last_check
    if since >= GAP_FREQ or (gated and since >= spacing):
        if gated:
            spacing = min(2 * spacing, GAP_FREQ)
        return True, epoch, spacing
    return False, last_check, spacing


@njit(cache=True, nogil=True, inline="always")
def _hoisted(pen, scale):
    """A penalty shared by every feature, read once: ``(uniform, l1, l2, lo, hi)``."""
    return (pen.shape[1] == 1, scale * pen[0, 0], scale * pen[1, 0], pen[2, 0],
            pen[3, 0])  # fmt: skip


@njit(cache=True, nogil=True, inline="always")
def _pick(ws, k, random):
    if random:
        return ws[np.random.randint(0, ws.shape[0])]
    return ws[k]


@njit(cache=True, nogil=True)
def _anderson_buffers(anderson_k, random, n_ws, n_samples):
    """Scratch of the extrapolation, allocated once per call (never per epoch)."""
    n_acc = anderson_k if anderson_k > 0 and not random else 0
    hist = np.empty((n_acc + 1, n_ws if n_acc else 0))
    G = np.empty((n_acc, n_acc))
    c = np.empty(n_acc)
    w_e = np.empty(n_ws if n_acc else 0)
    r_e = np.empty(n_samples if n_acc else 0)
    return n_acc, hist, G, c, w_e, r_e


@njit(cache=True, nogil=True)
def _penalty_on(w, ws, pen, scale):
    acc = 0.0
    for k in range(ws.shape[0]):
        acc += penalty_coord(w[ws[k]], pen, ws[k], scale)
    return acc


@njit(cache=True, nogil=True)
def _penalty_of(w_e, ws, pen, scale):
    acc = 0.0
    for k in range(ws.shape[0]):
        acc += penalty_coord(w_e[k], pen, ws[k], scale)
    return acc


@njit(cache=True, nogil=True)
def _accept(sw, r, offset, w, ws, pen, r_e, offset_e, w_e, scale):
    """Whether the extrapolated point ``(w_e, r_e + offset_e)`` lowers the objective."""
    old = 0.5 * weighted_sum_sq(sw, r, offset) + _penalty_on(w, ws, pen, scale)
    new = 0.5 * weighted_sum_sq(sw, r_e, offset_e) + _penalty_of(w_e, ws, pen, scale)
    if not new < old:
        return False
    for k in range(ws.shape[0]):
        w[ws[k]] = w_e[k]
    copy_into(r_e, r)
    return True


@njit(cache=True, nogil=True)
def _gap_squared_dense(X, y, sw, w, r, xmean, pen, ws, g, free, proj):
    weighted = sw.shape[0] > 0
    for k in range(ws.shape[0]):
        j = ws[k]
        if weighted:
            g[k] = dot_centered_col_weighted(X, j, xmean[j], sw, r)
        else:
            g[k] = dot_centered_col(X, j, xmean[j], r)
    rss = weighted_sum_sq(sw, r, 0.0)
    ytr = weighted_dot(sw, y, r, 0.0)
    return squared_gap(g, w, ws, pen, rss, ytr, X.shape[0], free, proj)[0]


@njit(cache=True, nogil=True)
def cd_squared_dense(
    X, y, sw, w, r, col_sq, xmean, pen, seed, max_epochs, tol, anderson_k, ws, free,
    proj,
):  # fmt: skip
    """Penalised coordinate descent on an F-ordered float64 ``X``.

    ``w`` (n_features,) and ``r`` (n_samples,) are modified in place. ``seed < 0``
    selects coordinates cyclically, otherwise uniformly at random with that seed.
    ``tol`` is an absolute gap in the estimator's units. ``anderson_k > 0`` (cyclic
    selection only) tries an Anderson extrapolation from the last ``anderson_k + 1``
    iterates every ``anderson_k + 1`` epochs, kept only if it lowers the objective.
    Returns ``(n_epochs, gap, current)``: ``current`` is False when the epochs ran
    out after the last gap check (the gap is then that of an earlier iterate).
    """
    n_samples = X.shape[0]
    n_ws = ws.shape[0]
    scale = float(n_samples)
    uniform, u1, u2, ulo, uhi = _hoisted(pen, scale)
    weighted = sw.shape[0] > 0
    random = seed >= 0
    g = np.empty(n_ws)
    gap = _gap_squared_dense(X, y, sw, w, r, xmean, pen, ws, g, free, proj)
    if gap <= tol or max_epochs <= 0:
        return 0, gap, True
    if random:
        np.random.seed(seed)
    n_acc, hist, G, c, w_e, r_e = _anderson_buffers(anderson_k, random, n_ws, n_samples)
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
                gj = dot_centered_col_weighted(X, j, xmean[j], sw, r)
            else:
                gj = dot_centered_col(X, j, xmean[j], r)
            if uniform:
                new = prox_scalar(gj + w_j * col_sq[j], col_sq[j], u1, u2, ulo, uhi)
            else:
                new = prox_coord(gj + w_j * col_sq[j], col_sq[j], pen, j, scale)
            if new != w_j:
                axpy_centered_col(X, j, xmean[j], w_j - new, r)
                w[j] = new
            dw_max = max(dw_max, abs(new - w_j))
            w_max = max(w_max, abs(new))
        if n_acc:
            store_iterate(w, ws, hist[n_stored])
            n_stored += 1
            if n_stored == n_acc + 1:
                n_stored = 0
                if anderson_point(hist, G, c, hist[n_acc], w_e, pen, ws):
                    # Rebuild the residual from the change of w (one axpy per moved
                    # coordinate), so r stays y - Xc w instead of drifting.
                    copy_into(r, r_e)
                    for k in range(n_ws):
                        d = w_e[k] - w[ws[k]]
                        if d != 0.0:
                            axpy_centered_col(X, ws[k], xmean[ws[k]], -d, r_e)
                    _accept(sw, r, 0.0, w, ws, pen, r_e, 0.0, w_e, scale)
        due, last_check, spacing = _gap_due(epoch, last_check, spacing, dw_max, w_max)
        if due:
            gap = _gap_squared_dense(X, y, sw, w, r, xmean, pen, ws, g, free, proj)
            if gap <= tol:
                return epoch, gap, True
    return max_epochs, gap, last_check == max_epochs


@njit(cache=True, nogil=True)
def _gap_squared_csc(
    data, indices, indptr, y, sw, w, r, offset, r_sum, xmean, pen, ws, g, free, proj
):
    for k in range(ws.shape[0]):
        j = ws[k]
        g[k] = csc_col_dot(data, indices, indptr, j, sw, r) - xmean[j] * r_sum
    rss = weighted_sum_sq(sw, r, offset)
    ytr = weighted_dot(sw, y, r, offset)
    return squared_gap(g, w, ws, pen, rss, ytr, y.shape[0], free, proj)[0]


@njit(cache=True, nogil=True)
def cd_squared_csc(
    data, indices, indptr, y, sw, w, r, col_sq, xmean, pen, seed, max_epochs, tol,
    anderson_k, ws, free, proj,
):  # fmt: skip
    """Penalised coordinate descent on a CSC matrix ``(data, indices, indptr)``.

    Centring costs O(nnz_j) per update, not O(n): the kernel keeps ``r`` as
    ``r_s + offset`` with a scalar ``offset`` (glmnet's mean shift) and folds the
    offset back into ``r`` before returning. With ``rs = sum sw r_s`` the centred
    gradient is ``x_j' (sw r_s) - xmean_j * rs``. Same contract as
    :func:`cd_squared_dense`.
    """
    n_samples = y.shape[0]
    n_ws = ws.shape[0]
    scale = float(n_samples)
    uniform, u1, u2, ulo, uhi = _hoisted(pen, scale)
    random = seed >= 0
    g = np.empty(n_ws)
    offset = 0.0
    r_sum = weighted_sum(sw, r)
    gap = _gap_squared_csc(
        data, indices, indptr, y, sw, w, r, offset, r_sum, xmean, pen, ws, g, free,
        proj,
    )  # fmt: skip
    if gap <= tol or max_epochs <= 0:
        return 0, gap, True
    if random:
        np.random.seed(seed)
    n_acc, hist, G, c, w_e, r_e = _anderson_buffers(anderson_k, random, n_ws, n_samples)
    n_stored = 0
    n_epochs = max_epochs
    last_check = 0
    spacing = 1
    current = False
    for epoch in range(1, max_epochs + 1):
        w_max = 0.0
        dw_max = 0.0
        for k in range(n_ws):
            j = _pick(ws, k, random)
            w_j = w[j]
            if col_sq[j] == 0.0:
                w[j] = 0.0
                continue
            gj = csc_col_dot(data, indices, indptr, j, sw, r) - xmean[j] * r_sum
            if uniform:
                new = prox_scalar(gj + w_j * col_sq[j], col_sq[j], u1, u2, ulo, uhi)
            else:
                new = prox_coord(gj + w_j * col_sq[j], col_sq[j], pen, j, scale)
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
                n_stored = 0
                if anderson_point(hist, G, c, hist[n_acc], w_e, pen, ws):
                    copy_into(r, r_e)
                    offset_e = offset
                    for k in range(n_ws):
                        d = w_e[k] - w[ws[k]]
                        if d != 0.0:
                            csc_col_axpy(data, indices, indptr, ws[k], -d, r_e)
                            offset_e += d * xmean[ws[k]]
                    if _accept(sw, r, offset, w, ws, pen, r_e, offset_e, w_e, scale):
                        offset = offset_e
                        r_sum = weighted_sum(sw, r)
        due, last_check, spacing = _gap_due(epoch, last_check, spacing, dw_max, w_max)
        if due:
            # Re-derive the running sum so rounding drift cannot accumulate.
            r_sum = weighted_sum(sw, r)
            gap = _gap_squared_csc(
                data, indices, indptr, y, sw, w, r, offset, r_sum, xmean, pen, ws, g,
                free, proj,
            )  # fmt: skip
            if gap <= tol:
                n_epochs = epoch
                current = True
                break
    else:
        current = last_check == max_epochs
    for i in range(n_samples):
        r[i] += offset
    return n_epochs, gap, current


@njit(cache=True, nogil=True)
def _gap_squared_gram(q, y_sq, w, H, pen, ws, g, n_samples, free, proj):
    wq = 0.0
    wH = 0.0
    for k in range(ws.shape[0]):
        j = ws[k]
        g[k] = q[j] - H[j]
        wq += w[j] * q[j]
        wH += w[j] * H[j]
    rss = max(y_sq - 2.0 * wq + wH, 0.0)
    ytr = y_sq - wq
    return squared_gap(g, w, ws, pen, rss, ytr, n_samples, free, proj)[0]


@njit(cache=True, nogil=True)
def cd_squared_gram(
    Q, q, y_sq, w, H, n_samples, pen, seed, max_epochs, tol, ws, free, proj
):
    """Penalised coordinate descent in covariance (Gram) mode, O(p) per change.

    ``Q`` is the centred weighted Gram matrix ``Xc' S Xc`` (C-ordered, symmetric),
    ``q = Xc' S yc`` and ``y_sq = yc' S yc``. ``H = Q w`` is kept up to date in
    place together with ``w``. Same contract as :func:`cd_squared_dense`.
    """
    n_ws = ws.shape[0]
    scale = float(n_samples)
    uniform, u1, u2, ulo, uhi = _hoisted(pen, scale)
    # The Lasso itself (one L1 weight, no ridge part, no bounds): the bare soft
    # threshold, as before penalty vectors, keeps the epoch at its old cost.
    plain = uniform and u2 == 0.0 and ulo == -np.inf and uhi == np.inf
    random = seed >= 0
    g = np.empty(n_ws)
    gap = _gap_squared_gram(q, y_sq, w, H, pen, ws, g, n_samples, free, proj)
    if gap <= tol or max_epochs <= 0:
        return 0, gap, True
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
            z = q[j] - H[j] + w_j * c
            if plain:
                new = soft_threshold(z, u1) / c
            elif uniform:
                new = prox_scalar(z, c, u1, u2, ulo, uhi)
            else:
                new = prox_coord(z, c, pen, j, scale)
            if new != w_j:
                delta = new - w_j
                for i in range(n_features):
                    H[i] += delta * Q[j, i]
                w[j] = new
            dw_max = max(dw_max, abs(new - w_j))
            w_max = max(w_max, abs(new))
        due, last_check, spacing = _gap_due(epoch, last_check, spacing, dw_max, w_max)
        if due:
            gap = _gap_squared_gram(q, y_sq, w, H, pen, ws, g, n_samples, free, proj)
            if gap <= tol:
                return epoch, gap, True
    return max_epochs, gap, last_check == max_epochs


@njit(cache=True, nogil=True)
def cd_squared_gram_path(
    Q, q, y_sq, n_samples, unit, alphas, alpha_max, seed, max_epochs, tol, state,
    out, start, budget, free, proj,
):  # fmt: skip
    """Warm-started covariance-mode CD over a decreasing grid, many alphas per call.

    A path in Gram mode spends as long in Python dispatch per alpha as in the
    epochs themselves on small problems, so the loop over ``alphas`` runs here.
    ``unit`` is the penalty array at ``alpha = 1`` (bounds included); alpha ``k``
    solves with ``alphas[k]`` times its L1 and L2 columns. Exact zeros (gap 0, no
    epoch) while ``alphas[k] >= alpha_max``. ``state`` (2, n_features) holds ``w``
    and ``H = Q w`` between calls; ``out`` (n_features + 2, n_alphas) receives the
    coefficients, the gap (row ``n_features``) and the epochs (last row). The call
    starts at index ``start`` and returns the next index to solve, after spending
    about ``budget`` coordinate updates (so a driver can stay interruptible).
    """
    n_features = Q.shape[0]
    w = state[0]
    H = state[1]
    ws = np.arange(n_features).astype(np.int32)
    pen = unit.copy()
    spent = 0
    k = start
    while k < alphas.shape[0]:
        a = alphas[k]
        if a >= alpha_max:
            for j in range(n_features):
                out[j, k] = 0.0
            out[n_features, k] = 0.0
            out[n_features + 1, k] = 0.0
            k += 1
            continue
        for j in range(pen.shape[1]):
            pen[0, j] = a * unit[0, j]
            pen[1, j] = a * unit[1, j]
        n_iter, gap, _ = cd_squared_gram(
            Q, q, y_sq, w, H, n_samples, pen, seed, max_epochs, tol, ws, free, proj
        )
        for j in range(n_features):
            out[j, k] = w[j]
        out[n_features, k] = max(gap, 0.0)
        out[n_features + 1, k] = n_iter
        k += 1
        spent += (n_iter + 1) * n_features
        if spent >= budget:
            break
    return k


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
def screen_and_rank(g, w, norms, s, radius, pen, scale, candidate, priority):
    """Gap Safe screening and celer's working-set priorities from the full gradient.

    With the dual point ``s r`` (``s`` from :func:`squared_gap`) and the safe
    sphere radius ``radius = sqrt(2 n gap)``, a non-support candidate whose
    ``s |g_j| + ||x_j|| radius`` stays below its L1 weight ``scale * l1_j`` is zero at
    every optimum and is dropped from ``candidate`` (in place) for good (on a side
    closed by a bound at 0 only that side's correlation counts). ``priority``
    (written in place) is ``-inf`` on the support, ``inf`` off the candidates, else
    ``(1 - s |g_j| / lam_j) / ||x_j||``. Returns the number of candidates, support
    included.
    """
    if pen.shape[1] > 1:
        return _screen_general(g, w, norms, s, radius, pen, scale, candidate, priority)
    # One penalty for every feature: constants hoisted out of the loop.
    lam = scale * pen[0, 0]
    if pen[2, 0] == 0.0 and pen[3, 0] == 0.0:
        lam = -1.0  # every coefficient is fixed at 0: nothing is a candidate
    pos_only, neg_only = pen[2, 0] == 0.0, pen[3, 0] == 0.0
    inv_lam = 1.0 / lam if lam > 0.0 else 0.0
    n_cand = 0
    for j in range(g.shape[0]):
        if w[j] != 0.0:
            priority[j] = -np.inf
            n_cand += 1
            continue
        if not candidate[j]:
            priority[j] = np.inf
            continue
        gj = g[j]
        if pos_only:  # w_j >= 0 only: negative correlations cannot enter
            gj = max(gj, 0.0)
        elif neg_only:
            gj = min(gj, 0.0)
        corr = s * abs(gj)
        if lam < 0.0 or corr + norms[j] * radius < lam:
            candidate[j] = False
            priority[j] = np.inf
            continue
        priority[j] = (1.0 - corr * inv_lam) / norms[j] if lam > 0.0 else -1.0
        n_cand += 1
    return n_cand


@njit(cache=True, nogil=True)
def _screen_general(g, w, norms, s, radius, pen, scale, candidate, priority):
    """:func:`screen_and_rank` for a penalty that differs between features."""
    n_cand = 0
    for j in range(g.shape[0]):
        if w[j] != 0.0:
            priority[j] = -np.inf
            n_cand += 1
            continue
        if not candidate[j]:
            priority[j] = np.inf
            continue
        lam, lo, hi = scale * pen[0, j], pen[2, j], pen[3, j]
        gj = g[j]
        if lo == 0.0:
            gj = max(gj, 0.0)
        if hi == 0.0:
            gj = min(gj, 0.0)
        corr = s * abs(gj)
        if corr + norms[j] * radius < lam or (lo == 0.0 and hi == 0.0):
            candidate[j] = False
            priority[j] = np.inf
            continue
        # An unpenalised coefficient cannot be screened and belongs in every
        # working set (the gap's projection needs the free ones there).
        priority[j] = (1.0 - corr / lam) / norms[j] if lam > 0.0 else -np.inf
        n_cand += 1
    return n_cand

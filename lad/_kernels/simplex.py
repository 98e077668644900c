"""A primal simplex for the absolute / quantile loss with an L1 penalty and bounds.

The objective, in the kernel's units (``scale = W / 2`` times the estimator's)::

    F(beta) = sum_i sw_i rho_tau(y_i - xt_i'beta) + sum_c f_c(beta_c)

over ``beta = (b, w_ws)`` (the intercept first when it is fitted, then the columns
of the working set ``ws``), with ``f_c(v) = lam_c |v|`` on ``[lower_c, upper_c]``
(``lam_c = scale * l1``, ``lower <= 0 <= upper``). ``F`` is convex and piecewise
linear; its kinks are the hyperplanes of the *terms*: a data row (``r_i = 0``) and
the kinks of each column (at ``lower``, 0 and ``upper``).

A vertex is a *basis* of ``K = len(beta)`` terms whose functionals (``xt_i`` or the
unit vector ``e_c``) form a non-singular ``M``; ``beta = M^-1 target``. Its dual
``lambda = M^-T rhs`` (``rhs`` gathers the subgradients of the non-basic terms)
gives, for each basic term, the slope of ``F`` when that term is released in
either direction: ``D_k(+1) = lambda_k + s_right``, ``D_k(-1) = -lambda_k - s_left``
(``s_left, s_right`` the slopes of the term's own loss on either side of its
kink). The vertex is optimal iff no ``D`` is negative: then ``lambda`` is a dual
certificate. Otherwise the most negative term leaves: along ``d = sigma M^-1 e_k``
the objective is piecewise linear and convex, and the exact line search (a
weighted quantile of the breakpoints, found with a heap) moves to its minimiser,
where the term whose breakpoint stops the search enters. This is Barrodale and
Roberts' multi-breakpoint simplex (as in quantreg's ``rq.fit.br``), generalised to
penalty and bound kinks. ``M^-1`` is kept explicitly and updated by Sherman-Morrison
(O(K^2) per pivot); the driver refactors it between calls.

*Virtual* terms (``e_c`` held at the current value, no loss) let the same pivots
start from any point: from a warm start every coordinate is virtual, each virtual
term is released once (never making ``F`` worse), and after at most ``K`` pivots the
point is a vertex. A coordinate no term can pin (a zero column, exact collinearity)
keeps its virtual term.

All tolerances are relative to the size of the terms they compare, so the method
does not depend on the scale of the data or of the weights (HiGHS's absolute
tolerances of 1e-7 to 1e-10 drop rows weighted 1e-10 of the others).

Codes of the terms: ``i < n`` a data row; ``n + 3 c + kink`` the kink
(0 lower, 1 zero, 2 upper) of working column ``c``; ``-1 - coord`` a virtual term.
State (in place): ``vec[0]`` = beta, ``vec[1]`` = targets of the basic terms, ``r``
the residuals, ``codes[:n]`` the side of each data row (+1 / -1, 0 when basic),
``codes[n:n + K]`` the basis, ``codes[n + K:]`` the side of each working column
(+1: in ``[0, upper]``, -1: in ``[lower, 0]``).
"""

import numpy as np
from numba import njit

from ._line_search import kink_slopes, line_search, step
from ._penalty import col

# A released term must lower F by more than this fraction of the terms' total slope
# (the rounding level of the directional derivative) to be worth a pivot.
LS_RTOL = 1e-12
# A basic term is a pricing candidate when its slope is below -PRICE_RTOL times the
# size of the two numbers it is the difference of.
PRICE_RTOL = 1e-12
# Entries of a direction below this fraction of the size of their terms are
# rounding: a few units in the last place of a sum of products.
NOISE = 64 * 2.0**-52
# After this many pivots without progress, the least index rule (Bland) is used.
DEGENERATE_LIMIT = 50

OPTIMAL = 0
BUDGET = 1
UNBOUNDED = 2
# A virtual term that no breakpoint can replace (its coordinate moves nothing) is
# frozen: its code is shifted below -FROZEN so that pricing skips it from then on.
FROZEN = 1 << 40


@njit(cache=True, nogil=True, inline="always")
def virtual_coord(code):
    """The coordinate held by a (possibly frozen) virtual term's code."""
    c = -1 - code
    return c - FROZEN if c >= FROZEN else c


@njit(cache=True, nogil=True)
def dual_values(Minv, rhs, lam):
    """``lam = Minv' rhs``."""
    K = rhs.shape[0]
    for k in range(K):
        acc = 0.0
        for c in range(K):
            acc += Minv[c, k] * rhs[c]
        lam[k] = acc


@njit(cache=True, nogil=True)
def _price(codes, n, K, lam, sw, tau, pen, ws, scale, tried, bland):
    """The basic term to release and its direction, or ``(-1, 0)`` if optimal.

    Virtual terms come first (the crossover to a vertex); then the most negative
    slope (the least index under Bland's rule).
    """
    best = -1
    best_sigma = 0
    best_val = 0.0
    for k in range(K):
        if tried[k]:
            continue
        code = codes[n + k]
        lk = lam[k]
        if code <= -FROZEN:
            continue
        if code < 0:
            return k, (1 if lk <= 0.0 else -1)
        if code < n:
            i = code
            up = lk + sw[i] * (1.0 - tau)
            down = -lk + sw[i] * tau
            size = abs(lk) + sw[i]
        else:
            c = (code - n) // 3
            left, right = kink_slopes(pen, ws[c], scale, (code - n) % 3)
            up = lk + right
            down = -lk - left
            size = abs(lk) + max(abs(left) if left > -np.inf else 0.0,
                                 abs(right) if right < np.inf else 0.0)  # fmt: skip
        for sigma in (1, -1):
            val = up if sigma == 1 else down
            if val < -PRICE_RTOL * size:
                if bland:
                    if best < 0 or code < codes[n + best]:
                        best, best_sigma, best_val = k, sigma, val
                elif val < best_val:
                    best, best_sigma, best_val = k, sigma, val
    return best, best_sigma


@njit(cache=True, nogil=True)
def _release(codes, n, K, k, sigma, r):
    """Make basic term ``k`` non-basic on side ``sigma``; returns its old side."""
    code = codes[n + k]
    if code < 0:
        return 0
    if code < n:
        # The functional grows by sigma, so the residual leaves zero towards -sigma.
        codes[code] = -sigma
        return 0
    c = (code - n) // 3
    old = codes[n + K + c]
    kink = (code - n) % 3
    # Off the zero kink the column moves to the side sigma; off a bound, inwards.
    codes[n + K + c] = sigma if kink == 1 else (-1 if kink == 0 else 1)
    return old


@njit(cache=True, nogil=True)
def _unrelease(codes, n, K, k, old):
    code = codes[n + k]
    if code < 0:
        return
    if code < n:
        codes[code] = 0
        return
    codes[n + K + (code - n) // 3] = old


@njit(cache=True, nogil=True)
def _mark_basic_columns(codes, n, K, colbasic):
    """``colbasic[c]``: whether a kink of working column ``c`` is basic."""
    colbasic[:] = False
    for k in range(K):
        code = codes[n + k]
        if code >= n:
            colbasic[(code - n) // 3] = True


@njit(cache=True, nogil=True)
def _replace_row(Minv, k, row, z):
    """Sherman-Morrison: basis row ``k`` of ``M`` becomes ``row``; updates ``Minv``."""
    K = Minv.shape[0]
    for c in range(K):
        acc = 0.0
        for e in range(K):
            acc += row[e] * Minv[e, c]
        z[c] = acc
    piv = z[k]
    z[k] -= 1.0
    for e in range(K):
        f = Minv[e, k] / piv
        if f != 0.0:
            for c in range(K):
                Minv[e, c] -= f * z[c]


@njit(cache=True, nogil=True)
def _scratch(n, K, n_ws):
    """Buffers of one kernel call (allocated per call, never per pivot)."""
    m = n + 3 * n_ws + 1
    return (
        np.empty(n), np.empty(m), np.empty(m, dtype=np.int64),
        np.empty(m, dtype=np.int64), np.zeros(K, dtype=np.bool_), np.empty(K),
        np.empty(K), np.empty(K), np.empty(K), np.empty(K),
        np.zeros(n_ws, dtype=np.bool_),
    )  # fmt: skip


@njit(cache=True, nogil=True)
def _direction(Minv, k, sigma, d):
    """``d = sigma Minv[:, k]``, with entries at the rounding level of the column
    set to 0 (the refactorisation after the pivot recomputes the vertex exactly)."""
    top = 0.0
    for c in range(Minv.shape[0]):
        d[c] = sigma * Minv[c, k]
        top = max(top, abs(d[c]))
    for c in range(Minv.shape[0]):
        if abs(d[c]) <= NOISE * top:
            d[c] = 0.0


@njit(cache=True, nogil=True)
def _nonbasic_weights(codes, n, sw, tau, v):
    """``v_i = -sw_i u_i`` on non-basic rows (0 on basic ones); returns their sum."""
    total = 0.0
    for i in range(n):
        side = codes[i]
        if side != 0:
            v[i] = -sw[i] * (tau if side > 0 else tau - 1.0)
            total += v[i]
        else:
            v[i] = 0.0
    return total


@njit(cache=True, nogil=True)
def _column_rhs(acc, codes, n, K, c, j, pen, scale, colbasic):
    if colbasic[c]:
        return acc
    lam = scale * pen[0, col(pen, j)]
    return acc + (lam if codes[n + K + c] > 0 else -lam)


@njit(cache=True, nogil=True)
def _try_release(codes, n, K, fi, k, sigma, a, d, vec, r, sw, tau, pen, ws, scale,
                 colbasic, ht, hi, passed, tried):  # fmt: skip
    """Release basic term ``k`` along ``d`` (``a = xt'd`` computed by the caller) and
    line-search; keep it if it pays (or pins a virtual term), else undo it, freeze
    a virtual term that nothing can pin, and mark ``k`` tried.

    Returns ``(accepted, t, entering, n_passed)``.
    """
    code = codes[n + k]
    if code >= n:
        colbasic[(code - n) // 3] = False
    old = _release(codes, n, K, k, sigma, r)
    t, entering, slope0, mass, n_passed = line_search(
        codes, n, K, fi, a, d, vec, r, sw, tau, pen, ws, scale, colbasic, ht, hi,
        passed,
    )  # fmt: skip
    if entering >= 0 and (slope0 < -LS_RTOL * mass or code < 0):
        return True, t, entering, n_passed
    _unrelease(codes, n, K, k, old)
    if code >= n:
        colbasic[(code - n) // 3] = True
    elif code < 0:
        codes[n + k] = code - FROZEN
    tried[k] = True
    return False, t, entering, n_passed


@njit(cache=True, nogil=True)
def _finish_pivot(codes, n, K, k, entering, y, vec, fi, Minv, row, z):
    _replace_row(Minv, k, row, z)
    codes[n + k] = entering
    vec[1, k] = y[entering] if entering < n else vec[0, fi + (entering - n) // 3]


@njit(cache=True, nogil=True)
def _rows_dense(X, ws, fi, d, a, mag):
    """``a = xt'd`` for every row; entries at the rounding level of their terms
    (``|a_i| <= NOISE * sum |xt_ic d_c|``) are set to 0, so that a direction along
    which nothing changes (duplicated columns) shows no spurious breakpoints."""
    n = X.shape[0]
    d0 = d[0] if fi else 0.0
    for i in range(n):
        a[i] = d0
        mag[i] = abs(d0)
    for c in range(ws.shape[0]):
        dc = d[fi + c]
        if dc != 0.0:
            j = ws[c]
            for i in range(n):
                t = X[i, j] * dc
                a[i] += t
                mag[i] += abs(t)
    for i in range(n):
        if abs(a[i]) <= NOISE * mag[i]:
            a[i] = 0.0


@njit(cache=True, nogil=True)
def _rhs_dense(X, sw, tau, ws, fi, codes, n, K, pen, scale, colbasic, v, rhs):
    total = _nonbasic_weights(codes, n, sw, tau, v)
    if fi:
        rhs[0] = total
    for c in range(ws.shape[0]):
        j = ws[c]
        acc = 0.0
        for i in range(n):
            acc += X[i, j] * v[i]
        rhs[fi + c] = _column_rhs(acc, codes, n, K, c, j, pen, scale, colbasic)


@njit(cache=True, nogil=True)
def _term_row_dense(X, ws, fi, code, n, row):
    row[:] = 0.0
    if code < 0:
        row[virtual_coord(code)] = 1.0
    elif code < n:
        if fi:
            row[0] = 1.0
        for c in range(ws.shape[0]):
            row[fi + c] = X[code, ws[c]]
    else:
        row[fi + (code - n) // 3] = 1.0


@njit(cache=True, nogil=True)
def simplex_dense(X, y, sw, ws, pen, params, fit_intercept, vec, r, codes, Minv,
                  max_pivots):  # fmt: skip
    """Pivot from the basis in ``codes`` until optimal or ``max_pivots`` (dense X).

    ``params = (tau, scale)``. ``Minv`` (K, K) is the inverse of the basis matrix,
    updated in place with ``vec``, ``r`` and ``codes`` (layout in the module
    docstring). Returns ``(status, n_pivots)``: :data:`OPTIMAL`, :data:`BUDGET`
    (call again after a refactorisation) or :data:`UNBOUNDED` (no breakpoint
    stopped a descent: rounding trouble).
    """
    n = X.shape[0]
    K = Minv.shape[0]
    fi = 1 if fit_intercept else 0
    tau, scale = params[0], params[1]
    a, ht, hi, passed, tried, d, rhs, lam, row, z, colbasic = _scratch(
        n, K, ws.shape[0]
    )
    v = np.empty(n)
    mag = np.empty(n)
    stalled = 0
    for pivots in range(max_pivots):
        _mark_basic_columns(codes, n, K, colbasic)
        _rhs_dense(X, sw, tau, ws, fi, codes, n, K, pen, scale, colbasic, v, rhs)
        dual_values(Minv, rhs, lam)
        tried[:] = False
        bland = stalled > DEGENERATE_LIMIT
        while True:
            k, sigma = _price(codes, n, K, lam, sw, tau, pen, ws, scale, tried, bland)
            if k < 0:
                return OPTIMAL, pivots
            _direction(Minv, k, sigma, d)
            _rows_dense(X, ws, fi, d, a, mag)
            ok, t, entering, n_passed = _try_release(
                codes, n, K, fi, k, sigma, a, d, vec, r, sw, tau, pen, ws, scale,
                colbasic, ht, hi, passed, tried,
            )  # fmt: skip
            if ok:
                break
        step(codes, n, K, fi, t, entering, a, d, vec, r, pen, ws, passed, n_passed)
        _term_row_dense(X, ws, fi, entering, n, row)
        _finish_pivot(codes, n, K, k, entering, y, vec, fi, Minv, row, z)
        stalled = stalled + 1 if t == 0.0 else 0
    return BUDGET, max_pivots


@njit(cache=True, nogil=True)
def _rows_csc(data, indices, indptr, n, ws, fi, d, a, mag):
    """CSC twin of :func:`_rows_dense`."""
    d0 = d[0] if fi else 0.0
    for i in range(n):
        a[i] = d0
        mag[i] = abs(d0)
    for c in range(ws.shape[0]):
        dc = d[fi + c]
        if dc != 0.0:
            j = ws[c]
            for p in range(indptr[j], indptr[j + 1]):
                t = data[p] * dc
                a[indices[p]] += t
                mag[indices[p]] += abs(t)
    for i in range(n):
        if abs(a[i]) <= NOISE * mag[i]:
            a[i] = 0.0


@njit(cache=True, nogil=True)
def _rhs_csc(data, indices, indptr, sw, tau, ws, fi, codes, n, K, pen, scale,
             colbasic, v, rhs):  # fmt: skip
    total = _nonbasic_weights(codes, n, sw, tau, v)
    if fi:
        rhs[0] = total
    for c in range(ws.shape[0]):
        j = ws[c]
        acc = 0.0
        for p in range(indptr[j], indptr[j + 1]):
            acc += data[p] * v[indices[p]]
        rhs[fi + c] = _column_rhs(acc, codes, n, K, c, j, pen, scale, colbasic)


@njit(cache=True, nogil=True)
def _term_row_csc(data, indices, indptr, ws, fi, code, n, row):
    row[:] = 0.0
    if code < 0:
        row[virtual_coord(code)] = 1.0
    elif code < n:
        if fi:
            row[0] = 1.0
        for c in range(ws.shape[0]):
            j = ws[c]
            lo, up = indptr[j], indptr[j + 1]
            while lo < up:  # binary search for row `code` in column j
                mid = (lo + up) // 2
                if indices[mid] < code:
                    lo = mid + 1
                else:
                    up = mid
            if lo < indptr[j + 1] and indices[lo] == code:
                row[fi + c] = data[lo]
    else:
        row[fi + (code - n) // 3] = 1.0


@njit(cache=True, nogil=True)
def simplex_csc(data, indices, indptr, y, sw, ws, pen, params, fit_intercept, vec, r,
                codes, Minv, max_pivots):  # fmt: skip
    """CSC twin of :func:`simplex_dense`; only the column access differs."""
    n = y.shape[0]
    K = Minv.shape[0]
    fi = 1 if fit_intercept else 0
    tau, scale = params[0], params[1]
    a, ht, hi, passed, tried, d, rhs, lam, row, z, colbasic = _scratch(
        n, K, ws.shape[0]
    )
    v = np.empty(n)
    mag = np.empty(n)
    stalled = 0
    for pivots in range(max_pivots):
        _mark_basic_columns(codes, n, K, colbasic)
        _rhs_csc(data, indices, indptr, sw, tau, ws, fi, codes, n, K, pen, scale,
                 colbasic, v, rhs)  # fmt: skip
        dual_values(Minv, rhs, lam)
        tried[:] = False
        bland = stalled > DEGENERATE_LIMIT
        while True:
            k, sigma = _price(codes, n, K, lam, sw, tau, pen, ws, scale, tried, bland)
            if k < 0:
                return OPTIMAL, pivots
            _direction(Minv, k, sigma, d)
            _rows_csc(data, indices, indptr, n, ws, fi, d, a, mag)
            ok, t, entering, n_passed = _try_release(
                codes, n, K, fi, k, sigma, a, d, vec, r, sw, tau, pen, ws, scale,
                colbasic, ht, hi, passed, tried,
            )  # fmt: skip
            if ok:
                break
        step(codes, n, K, fi, t, entering, a, d, vec, r, pen, ws, passed, n_passed)
        _term_row_csc(data, indices, indptr, ws, fi, entering, n, row)
        _finish_pivot(codes, n, K, k, entering, y, vec, fi, Minv, row, z)
        stalled = stalled + 1 if t == 0.0 else 0
    return BUDGET, max_pivots

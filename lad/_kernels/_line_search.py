"""The exact line search of the piecewise-linear simplex (:mod:`lad._kernels.simplex`).

Along a direction ``d`` the objective is convex and piecewise linear in the step
``t``: every non-basic term whose value moves towards a kink gives a breakpoint,
where the slope rises by the term's jump (``sw_i |xt_i'd|`` for a data row,
``2 lam |d_c|`` at a column's zero kink, ``inf`` at a bound). The minimiser is the
first breakpoint at which the slope turns non-negative, found by popping a binary
heap of the breakpoints: ``O(m + q log m)`` for ``q`` breakpoints passed, a
weighted quantile computed without sorting them all.
"""

import numpy as np
from numba import njit

from ._penalty import col


@njit(cache=True, nogil=True)
def kink_slopes(pen, j, scale, kink):
    """Slopes of a column's penalty just left and right of one of its kinks."""
    lam = scale * pen[0, col(pen, j)]
    if kink == 1:
        left = -lam if pen[2, col(pen, j)] < 0.0 else -np.inf
        right = lam if pen[3, col(pen, j)] > 0.0 else np.inf
        return left, right
    if kink == 0:
        return -np.inf, -lam
    return lam, np.inf


@njit(cache=True, nogil=True)
def kink_value(pen, j, kink):
    if kink == 0:
        return pen[2, col(pen, j)]
    if kink == 2:
        return pen[3, col(pen, j)]
    return 0.0


@njit(cache=True, nogil=True, inline="always")
def _sift_down(ht, hi, k, m):
    """Move entry ``k`` of the min-heap ``(ht, hi)`` of size ``m`` down to its place."""
    while True:
        left = 2 * k + 1
        if left >= m:
            return
        child = left
        if left + 1 < m and ht[left + 1] < ht[left]:
            child = left + 1
        if ht[k] <= ht[child]:
            return
        ht[k], ht[child] = ht[child], ht[k]
        hi[k], hi[child] = hi[child], hi[k]
        k = child


@njit(cache=True, nogil=True)
def _heap_pop(ht, hi, m):
    t = ht[0]
    code = hi[0]
    m -= 1
    ht[0] = ht[m]
    hi[0] = hi[m]
    _sift_down(ht, hi, 0, m)
    return t, code, m


@njit(cache=True, nogil=True)
def _heapify(ht, hi, m):
    for start in range((m - 2) // 2, -1, -1):
        _sift_down(ht, hi, start, m)


@njit(cache=True, nogil=True)
def line_search(codes, n, K, fi, a, d, vec, r, sw, tau, pen, ws, scale, colbasic,
                 ht, hi, passed):  # fmt: skip
    """Exact minimisation of ``F`` along ``d`` after a term was released.

    ``a = xt'd`` for every data row; ``colbasic`` marks the columns held at a kink
    (the released one excluded). Returns ``(t, entering, slope0, mass, n_passed)``:
    the step, the term whose breakpoint stops the search (-1: none), the
    directional derivative at 0, the total size of its terms (for the noise test)
    and the number of breakpoints passed before it (their codes in ``passed``).
    """
    beta = vec[0]
    n_ws = ws.shape[0]
    slope = 0.0
    mass = 0.0
    m = 0
    for i in range(n):
        side = codes[i]
        if side == 0 or sw[i] == 0.0:
            continue
        ai = a[i]
        if ai == 0.0:
            continue
        u = tau if side > 0 else tau - 1.0
        contrib = -sw[i] * u * ai
        slope += contrib
        mass += abs(contrib)
        if (side > 0 and ai > 0.0) or (side < 0 and ai < 0.0):
            t = r[i] / ai
            ht[m] = t if t > 0.0 else 0.0
            hi[m] = i
            m += 1
    for c in range(n_ws):
        dc = d[fi + c]
        if dc == 0.0 or colbasic[c]:
            continue
        j = ws[c]
        lam = scale * pen[0, col(pen, j)]
        s = codes[n + K + c]
        contrib = (lam if s > 0 else -lam) * dc
        slope += contrib
        mass += abs(contrib)
        b = beta[fi + c]
        lo = pen[2, col(pen, j)]
        up = pen[3, col(pen, j)]
        if dc > 0.0:
            if s < 0:  # the zero kink lies ahead
                t = -b / dc
                ht[m] = t if t > 0.0 else 0.0
                hi[m] = n + 3 * c + 1
                m += 1
            if 0.0 < up < np.inf:
                t = (up - b) / dc
                ht[m] = t if t > 0.0 else 0.0
                hi[m] = n + 3 * c + 2
                m += 1
        else:
            if s > 0:
                t = -b / dc
                ht[m] = t if t > 0.0 else 0.0
                hi[m] = n + 3 * c + 1
                m += 1
            if -np.inf < lo < 0.0:
                t = (lo - b) / dc
                ht[m] = t if t > 0.0 else 0.0
                hi[m] = n + 3 * c
                m += 1
    slope0 = slope
    _heapify(ht, hi, m)
    n_passed = 0
    while m > 0:
        t, code, m = _heap_pop(ht, hi, m)
        if code < n:
            slope += sw[code] * abs(a[code])
        else:
            c = (code - n) // 3
            kink = (code - n) % 3
            dc = d[fi + c]
            closed = (dc > 0.0 and pen[3, col(pen, ws[c])] == 0.0) or (
                dc < 0.0 and pen[2, col(pen, ws[c])] == 0.0
            )
            if kink == 1 and not closed:
                slope += 2.0 * scale * pen[0, col(pen, ws[c])] * abs(dc)
            else:  # a bound: the search cannot go past it
                slope = np.inf
        if slope >= 0.0:
            return t, code, slope0, mass, n_passed
        passed[n_passed] = code
        n_passed += 1
    return 0.0, -1, slope0, mass, n_passed


@njit(cache=True, nogil=True)
def step(codes, n, K, fi, t, entering, a, d, vec, r, pen, ws, passed, n_passed):
    """Move by ``t`` along ``d``, flip the terms passed, fix the entering one."""
    beta = vec[0]
    for c in range(K):
        beta[c] += t * d[c]
    if t != 0.0:
        for i in range(n):
            if a[i] != 0.0:
                r[i] -= t * a[i]
    for q in range(n_passed):
        code = passed[q]
        if code < n:
            # The residual crossed zero: it now has the sign of -a.
            codes[code] = -1 if a[code] > 0.0 else 1
        else:
            c = (code - n) // 3
            codes[n + K + c] = 1 if d[fi + c] > 0.0 else -1
    if entering < n:
        codes[entering] = 0
        r[entering] = 0.0
    else:
        c = (entering - n) // 3
        beta[fi + c] = kink_value(pen, ws[c], (entering - n) % 3)

"""Per-column statistics for both layouts: weighted means, centred squared norms and
largest magnitudes, and products ``X'v`` summed in one fixed order.
"""

import numpy as np
from numba import njit


# Pure reductions: "reassoc" lets LLVM vectorise the sums. A running maximum does
# not vectorise, so four of them run side by side (a chain of dependent max ops
# would set the pace of the whole pass).
@njit(cache=True, nogil=True, fastmath={"reassoc", "contract"})
def _col_sum(X, j, sw):
    n = X.shape[0]
    weighted = sw.shape[0] > 0
    acc = 0.0
    t0 = 0.0
    t1 = 0.0
    t2 = 0.0
    t3 = 0.0
    i = 0
    while i + 4 <= n:
        x0 = X[i, j]
        x1 = X[i + 1, j]
        x2 = X[i + 2, j]
        x3 = X[i + 3, j]
        if weighted:
            acc += sw[i] * x0 + sw[i + 1] * x1 + sw[i + 2] * x2 + sw[i + 3] * x3
        else:
            acc += x0 + x1 + x2 + x3
        t0 = max(t0, abs(x0))
        t1 = max(t1, abs(x1))
        t2 = max(t2, abs(x2))
        t3 = max(t3, abs(x3))
        i += 4
    while i < n:
        x = X[i, j]
        acc += sw[i] * x if weighted else x
        t0 = max(t0, abs(x))
        i += 1
    return acc, max(max(t0, t1), max(t2, t3))


@njit(cache=True, nogil=True, fastmath={"reassoc", "contract"})
def _col_centered_sq(X, j, m, sw):
    acc = 0.0
    if sw.shape[0] == 0:
        for i in range(X.shape[0]):
            d = X[i, j] - m
            acc += d * d
    else:
        for i in range(X.shape[0]):
            d = X[i, j] - m
            acc += sw[i] * d * d
    return acc


@njit(cache=True, nogil=True)
def _col_is_constant(X, j):
    # Exits at the first differing entry, so it costs O(1) for almost every column.
    first = X[0, j]
    for i in range(1, X.shape[0]):
        if X[i, j] != first:
            return False
    return True


@njit(cache=True, nogil=True)
def col_stats_dense(X, sw, fit_intercept):
    """Weighted column means, centred weighted squared norms and largest magnitudes.

    ``X`` is F-ordered; ``sw`` sums to ``n_samples`` (or is empty for unit weights).
    Returns ``(xmean, col_sq, col_max)``; ``xmean`` is zero when ``fit_intercept``
    is false. Centring is done per element so that columns with large offsets keep
    their precision. ``col_max`` (``max_i |X[i, j]|``, from the same pass) tells
    the driver whether the column must be rescaled.
    """
    n_samples, n_features = X.shape
    xmean = np.zeros(n_features)
    col_sq = np.zeros(n_features)
    col_max = np.zeros(n_features)
    for j in range(n_features):
        total, col_max[j] = _col_sum(X, j, sw)
        m = total / n_samples if fit_intercept else 0.0
        # A constant column carries no signal once centred; a rounded mean would
        # otherwise leave a tiny norm that CD divides by.
        if fit_intercept and _col_is_constant(X, j):
            col_sq[j] = 0.0
        else:
            col_sq[j] = _col_centered_sq(X, j, m, sw)
        xmean[j] = m
    return xmean, col_sq, col_max


@njit(cache=True, nogil=True)
def col_stats_csc(data, indices, indptr, n_samples, sw, fit_intercept):
    """CSC version of :func:`col_stats_dense`; implicit zeros are never materialised.

    The centred norm is ``sum_nz sw (x - m)^2 + m^2 * (n - sum_nz sw)``, which avoids
    the cancellation of ``sum sw x^2 - n m^2``. Indices must be canonical (no
    duplicates).
    """
    n_features = indptr.shape[0] - 1
    weighted = sw.shape[0] > 0
    xmean = np.zeros(n_features)
    col_sq = np.zeros(n_features)
    col_max = np.zeros(n_features)
    for j in range(n_features):
        m = 0.0
        if fit_intercept:
            for k in range(indptr[j], indptr[j + 1]):
                m += (sw[indices[k]] * data[k]) if weighted else data[k]
            m /= n_samples
        acc = 0.0
        w_nz = 0.0
        lo = np.inf
        hi = -np.inf
        for k in range(indptr[j], indptr[j + 1]):
            wi = sw[indices[k]] if weighted else 1.0
            d = data[k] - m
            acc += wi * d * d
            w_nz += wi
            lo = min(lo, data[k])
            hi = max(hi, data[k])
            col_max[j] = max(col_max[j], abs(data[k]))
        acc += m * m * max(n_samples - w_nz, 0.0)
        n_stored = indptr[j + 1] - indptr[j]
        constant = n_stored == 0 or (lo == hi and (n_stored == n_samples or hi == 0.0))
        if fit_intercept and constant:
            acc = 0.0
        xmean[j] = m
        col_sq[j] = acc
    return xmean, col_sq, col_max


# The products below are summed row by row in increasing order and without
# reassociation: a dense column and the stored entries of the same CSC column then
# give bit-identical sums (adding 0 * v changes nothing), so thresholds such as
# alpha_max do not depend on the format of X.
@njit(cache=True, nogil=True)
def xt_exact_dense(X, V, out):
    """``out[k, j] = sum_i X[i, j] * V[k, i]`` in a fixed order, for an F-ordered X.

    Eight columns advance together (independent sums, so the loop still pipelines);
    each column's sum keeps the row order.
    """
    n_samples, n_features = X.shape
    # Columns outermost: a block of four columns stays in cache while every vector
    # of V passes over it, so X is read from memory once.
    j = 0
    while j + 8 <= n_features:
        for k in range(V.shape[0]):
            v = V[k]
            a0 = 0.0
            a1 = 0.0
            a2 = 0.0
            a3 = 0.0
            a4 = 0.0
            a5 = 0.0
            a6 = 0.0
            a7 = 0.0
            for i in range(n_samples):
                vi = v[i]
                a0 += X[i, j] * vi
                a1 += X[i, j + 1] * vi
                a2 += X[i, j + 2] * vi
                a3 += X[i, j + 3] * vi
                a4 += X[i, j + 4] * vi
                a5 += X[i, j + 5] * vi
                a6 += X[i, j + 6] * vi
                a7 += X[i, j + 7] * vi
            out[k, j] = a0
            out[k, j + 1] = a1
            out[k, j + 2] = a2
            out[k, j + 3] = a3
            out[k, j + 4] = a4
            out[k, j + 5] = a5
            out[k, j + 6] = a6
            out[k, j + 7] = a7
        j += 8
    while j < n_features:
        for k in range(V.shape[0]):
            v = V[k]
            acc = 0.0
            for i in range(n_samples):
                acc += X[i, j] * v[i]
            out[k, j] = acc
        j += 1


@njit(cache=True, nogil=True)
def xt_exact_rows(X, V, out):
    """:func:`xt_exact_dense` for a C-ordered X (covariance mode keeps that layout).

    The loop over rows is outermost, so every column's sum has the same order as in
    the F-ordered and CSC versions, the sums over columns vectorise, and each row
    of ``X`` is read once for all the vectors.
    """
    n_samples, n_features = X.shape
    out[:, :] = 0.0
    for i in range(n_samples):
        xi = X[i]
        for k in range(V.shape[0]):
            vi = V[k, i]
            acc = out[k]
            for j in range(n_features):
                acc[j] += xi[j] * vi


@njit(cache=True, nogil=True)
def xt_exact_csc(data, indices, indptr, V, out):
    """CSC twin of :func:`xt_exact_dense` (canonical, sorted indices)."""
    if V.shape[0] == 2:
        # The common call (a vector and the weights, for centring): one pass over
        # the stored entries serves both sums.
        v0 = V[0]
        v1 = V[1]
        for j in range(indptr.shape[0] - 1):
            a0 = 0.0
            a1 = 0.0
            for p in range(indptr[j], indptr[j + 1]):
                i = indices[p]
                a0 += data[p] * v0[i]
                a1 += data[p] * v1[i]
            out[0, j] = a0
            out[1, j] = a1
        return
    for j in range(indptr.shape[0] - 1):
        for k in range(V.shape[0]):
            acc = 0.0
            for p in range(indptr[j], indptr[j + 1]):
                acc += data[p] * V[k, indices[p]]
            out[k, j] = acc

"""Per-column statistics for both layouts: weighted means, centred squared norms and
largest magnitudes, and products ``X'v`` summed in one fixed order.
"""

import numpy as np
from numba import njit


# Pure reductions: "reassoc" lets LLVM vectorise them.
@njit(cache=True, nogil=True, fastmath={"reassoc", "contract"})
def _col_sum(X, j, sw):
    acc = 0.0
    top = 0.0
    if sw.shape[0] == 0:
        for i in range(X.shape[0]):
            acc += X[i, j]
            top = max(top, abs(X[i, j]))
    else:
        for i in range(X.shape[0]):
            acc += sw[i] * X[i, j]
            top = max(top, abs(X[i, j]))
    return acc, top


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

    Four columns advance together (independent sums, so the loop still pipelines);
    each column's sum keeps the row order.
    """
    n_samples, n_features = X.shape
    for k in range(V.shape[0]):
        v = V[k]
        j = 0
        while j + 4 <= n_features:
            a0 = 0.0
            a1 = 0.0
            a2 = 0.0
            a3 = 0.0
            for i in range(n_samples):
                vi = v[i]
                a0 += X[i, j] * vi
                a1 += X[i, j + 1] * vi
                a2 += X[i, j + 2] * vi
                a3 += X[i, j + 3] * vi
            out[k, j] = a0
            out[k, j + 1] = a1
            out[k, j + 2] = a2
            out[k, j + 3] = a3
            j += 4
        while j < n_features:
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
    for j in range(indptr.shape[0] - 1):
        for k in range(V.shape[0]):
            acc = 0.0
            for p in range(indptr[j], indptr[j + 1]):
                acc += data[p] * V[k, indices[p]]
            out[k, j] = acc

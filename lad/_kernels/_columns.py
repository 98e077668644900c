"""Per-column statistics (weighted means and centred squared norms) for both layouts."""

import numpy as np
from numba import njit


# Pure reductions: "reassoc" lets LLVM vectorise them.
@njit(cache=True, nogil=True, fastmath={"reassoc", "contract"})
def _col_sum(X, j, sw):
    acc = 0.0
    if sw.shape[0] == 0:
        for i in range(X.shape[0]):
            acc += X[i, j]
    else:
        for i in range(X.shape[0]):
            acc += sw[i] * X[i, j]
    return acc


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
    """Weighted column means and centred weighted squared norms of an F-ordered X.

    ``sw`` sums to ``n_samples`` (or is empty for unit weights). Returns
    ``(xmean, col_sq)``; ``xmean`` is zero when ``fit_intercept`` is false. Centring is
    done per element so that columns with large offsets keep their precision.
    """
    n_samples, n_features = X.shape
    xmean = np.zeros(n_features)
    col_sq = np.zeros(n_features)
    for j in range(n_features):
        m = _col_sum(X, j, sw) / n_samples if fit_intercept else 0.0
        # A constant column carries no signal once centred; a rounded mean would
        # otherwise leave a tiny norm that CD divides by.
        if fit_intercept and _col_is_constant(X, j):
            col_sq[j] = 0.0
        else:
            col_sq[j] = _col_centered_sq(X, j, m, sw)
        xmean[j] = m
    return xmean, col_sq


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
        acc += m * m * max(n_samples - w_nz, 0.0)
        n_stored = indptr[j + 1] - indptr[j]
        constant = n_stored == 0 or (lo == hi and (n_stored == n_samples or hi == 0.0))
        if fit_intercept and constant:
            acc = 0.0
        xmean[j] = m
        col_sq[j] = acc
    return xmean, col_sq

"""Scalar and column helpers shared by the dense and CSC kernels.

Keeping them in one place stops the dense and sparse kernels from drifting apart.
Numba's disk cache does not notice edits here from the kernels that inline them:
after changing this file, delete ``lad/**/__pycache__/*.nb[ic]``.
"""

import numpy as np
from numba import njit

from ._penalty import col


@njit(cache=True, nogil=True)
def soft_threshold(x, threshold):
    """Return ``sign(x) * max(|x| - threshold, 0)``."""
    if x > threshold:
        return x - threshold
    if x < -threshold:
        return x + threshold
    return 0.0


# The reductions below are pure sums: "reassoc" lets LLVM vectorise them, which is
# what brings an epoch down to the memory-bandwidth floor of one X'r product.
@njit(cache=True, nogil=True, fastmath={"reassoc", "contract"})
def dot_centered_col(X, j, xmean_j, v):
    """Return ``sum_i (X[i, j] - xmean_j) * v[i]`` for an F-ordered ``X``."""
    acc = 0.0
    for i in range(X.shape[0]):
        acc += (X[i, j] - xmean_j) * v[i]
    return acc


@njit(cache=True, nogil=True, fastmath={"reassoc", "contract"})
def dot_centered_col_weighted(X, j, xmean_j, sw, v):
    """Return ``sum_i (X[i, j] - xmean_j) * sw[i] * v[i]`` for an F-ordered ``X``."""
    acc = 0.0
    for i in range(X.shape[0]):
        acc += (X[i, j] - xmean_j) * (sw[i] * v[i])
    return acc


@njit(cache=True, nogil=True)
def axpy_centered_col(X, j, xmean_j, a, v):
    """In place ``v += a * (X[:, j] - xmean_j)``."""
    for i in range(X.shape[0]):
        v[i] += a * (X[i, j] - xmean_j)


# CSC column helpers. Unsigned positions and row indices spare Numba its negative-index
# wraparound on every gather: that alone made a CSC gradient pass 1.6x slower than
# scipy's ``X.T @ v``; with it the pass matches scipy. CSC indices are never negative.
# ``inline="always"`` because LLVM did not always inline them, and a call per column
# doubled the per-column cost of the kernels on short tf-idf columns.
@njit(cache=True, nogil=True, inline="always")
def csc_col_dot(data, indices, indptr, j, sw, v):
    """Return ``sum_i X[i, j] * sw[i] * v[i]`` over column ``j`` of a CSC matrix.

    An empty ``sw`` means unit weights.
    """
    acc = 0.0
    start, end = np.uint64(indptr[j]), np.uint64(indptr[j + 1])
    if sw.shape[0] == 0:
        for k in range(start, end):
            acc += data[k] * v[np.uint32(indices[k])]
    else:
        for k in range(start, end):
            i = np.uint32(indices[k])
            acc += data[k] * (sw[i] * v[i])
    return acc


@njit(cache=True, nogil=True, inline="always")
def csc_col_axpy(data, indices, indptr, j, a, v):
    """In place ``v += a * X[:, j]`` for column ``j`` of a CSC matrix."""
    for k in range(np.uint64(indptr[j]), np.uint64(indptr[j + 1])):
        v[np.uint32(indices[k])] += a * data[k]


@njit(cache=True, nogil=True, fastmath={"reassoc", "contract"})
def weighted_sum_sq(sw, v, shift):
    """Return ``sum_i sw[i] * (v[i] + shift)^2``; an empty ``sw`` means unit weights."""
    acc = 0.0
    if sw.shape[0] == 0:
        for i in range(v.shape[0]):
            acc += (v[i] + shift) * (v[i] + shift)
    else:
        for i in range(v.shape[0]):
            acc += sw[i] * (v[i] + shift) * (v[i] + shift)
    return acc


@njit(cache=True, nogil=True, fastmath={"reassoc", "contract"})
def weighted_dot(sw, u, v, shift):
    """Return ``sum_i sw[i] * u[i] * (v[i] + shift)``; empty ``sw``: unit weights."""
    acc = 0.0
    if sw.shape[0] == 0:
        for i in range(v.shape[0]):
            acc += u[i] * (v[i] + shift)
    else:
        for i in range(v.shape[0]):
            acc += sw[i] * u[i] * (v[i] + shift)
    return acc


@njit(cache=True, nogil=True, inline="always")
def copy_into(src, out):
    """``out[:] = src`` by a loop: slice assignment from an array compiles Numba's
    shape-error formatting (seconds of first-call compile) into every caller."""
    for i in range(out.shape[0]):
        out[i] = src[i]


@njit(cache=True, nogil=True)
def weighted_sum(sw, v):
    """Return ``sum_i sw[i] * v[i]``; an empty ``sw`` means unit weights."""
    acc = 0.0
    if sw.shape[0] == 0:
        for i in range(v.shape[0]):
            acc += v[i]
    else:
        for i in range(v.shape[0]):
            acc += sw[i] * v[i]
    return acc


# Ridge added to the Anderson system, relative to its largest diagonal entry. In the
# slow linear phase the differences of the iterates are nearly parallel, so U U' is
# numerically singular exactly when extrapolation helps most; a refusal on a pivot
# test rejected most tries on the tf-idf benchmark. The regularised system
# (Scieur, d'Aspremont and Bach 2016) always has a solution, and the objective test
# still rejects a bad point.
ANDERSON_RIDGE = 1e-10


@njit(cache=True, nogil=True)
def anderson_point(hist, G, c, w_ws, out, pen, ws):
    """Anderson extrapolation of the iterates in the rows of ``hist`` into ``out``.

    ``hist`` (K+1, n_ws) holds the last K+1 iterates restricted to the working set,
    oldest first; ``w_ws`` is the current one (the last row). With ``U`` the K
    successive differences, ``c = (U U')^-1 1 / (1' (U U')^-1 1)`` and
    ``out = sum_k c_k hist[k + 1]`` (Anderson 1965; skglm's ``AndersonCD``).
    ``G`` (K, K) and ``c`` (K,) are scratch. Coordinates that are zero in ``w_ws``
    stay zero: once CD has found the support it is a linear fixed-point map there,
    which is where the extrapolation is justified (Bertrand and Massias 2021), and
    the point keeps the exact zeros of a CD iterate; it is clipped into the bounds
    of ``pen`` (rows ``ws``). Returns False when the iterates did not move or the
    point is not finite.
    """
    K = G.shape[0]
    n_ws = hist.shape[1]
    for a in range(K):
        for b in range(a, K):
            acc = 0.0
            for i in range(n_ws):
                acc += (hist[a + 1, i] - hist[a, i]) * (hist[b + 1, i] - hist[b, i])
            G[a, b] = acc
            G[b, a] = acc
        c[a] = 1.0
    scale = 0.0
    for a in range(K):
        scale = max(scale, G[a, a])
    if not scale > 0.0:
        return False
    for a in range(K):
        G[a, a] += ANDERSON_RIDGE * scale
    # Gaussian elimination with partial pivoting; K is tiny.
    for a in range(K):
        piv = a
        for b in range(a + 1, K):
            if abs(G[b, a]) > abs(G[piv, a]):
                piv = b
        if not abs(G[piv, a]) > 0.0:
            return False
        if piv != a:
            for b in range(K):
                G[a, b], G[piv, b] = G[piv, b], G[a, b]
            c[a], c[piv] = c[piv], c[a]
        for b in range(a + 1, K):
            f = G[b, a] / G[a, a]
            for e in range(a, K):
                G[b, e] -= f * G[a, e]
            c[b] -= f * c[a]
    for a in range(K - 1, -1, -1):
        acc = c[a]
        for b in range(a + 1, K):
            acc -= G[a, b] * c[b]
        c[a] = acc / G[a, a]
    total = 0.0
    for a in range(K):
        total += c[a]
    if not np.isfinite(total) or total == 0.0:
        return False
    for i in range(n_ws):
        if w_ws[i] == 0.0:
            out[i] = 0.0
            continue
        acc = 0.0
        for a in range(K):
            acc += c[a] * hist[a + 1, i]
        v = acc / total
        if not np.isfinite(v):
            return False
        # The extrapolated point must stay feasible: clip it into the bounds.
        out[i] = min(max(v, pen[2, col(pen, ws[i])]), pen[3, col(pen, ws[i])])
    return True


@njit(cache=True, nogil=True)
def store_iterate(w, ws, row):
    """Copy ``w[ws]`` into ``row``."""
    for k in range(ws.shape[0]):
        row[k] = w[ws[k]]

"""Frisch-Newton interior point kernels for the bounded-dual LP of quantile regression.

The LP, in the general form the driver builds (``A`` of shape ``(m, k)``)::

    max_a  c'a    s.t.  A'a = b,  0 <= a <= 1

and its dual ``min_beta b'beta + 1'w`` s.t. ``A beta + w - z = c``, ``w, z >= 0``,
whose objective is a sum of pinball losses of ``c - A beta`` (Koenker, *Quantile
Regression*, 2005, section 6.4; Portnoy and Koenker, Statistical Science, 1997).
The method is a primal-dual path-following method with Mehrotra's predictor-
corrector: both directions share one factorisation of ``A' D A``, with
``D = diag(1 / (z/a + w/s))`` and ``s = 1 - a``. The driver forms ``A' D A`` with
BLAS ``dsyrk`` and factors it with LAPACK (faster than ``np.dot`` inside Numba);
these kernels do the O(m k) work around it.
"""

import numpy as np
from numba import njit

from ._scalar import copy_into

# Fraction of the distance to the boundary that a step may cover.
STEP_FRACTION = 0.99995


@njit(cache=True, nogil=True)
def fn_scale_dense(A, a, s, z, w, d, B):
    """Newton scaling ``d = 1 / (z/a + w/s)`` and ``B = sqrt(d) * A[:mb]``, in place.

    ``A`` is C-ordered float64 of shape ``(m, k)`` and ``B`` of shape ``(mb, k)``
    with ``mb <= m``; ``d`` has length ``m``. The rows past ``mb`` (penalty
    pseudo-rows, one entry each) are left to the driver, which adds their diagonal
    contribution to ``B'B`` directly.
    """
    m = A.shape[0]
    mb, k = B.shape
    for i in range(m):
        d[i] = 1.0 / (z[i] / a[i] + w[i] / s[i])
    for i in range(mb):
        root = np.sqrt(d[i])
        for j in range(k):
            B[i, j] = root * A[i, j]


@njit(cache=True, nogil=True)
def _chol_solve(U, rhs, out):
    """Solve ``U'U x = rhs`` for an upper-triangular ``U`` (F-ordered), into ``out``."""
    k = rhs.shape[0]
    for i in range(k):  # U' y = rhs; column i of U is contiguous
        acc = rhs[i]
        for j in range(i):
            acc -= U[j, i] * out[j]
        out[i] = acc / U[i, i]
    for j in range(k - 1, -1, -1):  # U x = y, column by column
        out[j] /= U[j, j]
        xj = out[j]
        for i in range(j):
            out[i] -= U[i, j] * xj


@njit(cache=True, nogil=True)
def _at_dense(A, v, out):
    """``out = A' v``."""
    copy_into(A.T @ v, out)


@njit(cache=True, nogil=True)
def _a_dense(A, v, out):
    """``out = A v``."""
    copy_into(A @ v, out)


@njit(cache=True, nogil=True)
def _at_csr(data, indices, indptr, v, out):
    out[:] = 0.0
    for i in range(indptr.shape[0] - 1):
        vi = v[i]
        if vi != 0.0:
            for p in range(indptr[i], indptr[i + 1]):
                out[indices[p]] += data[p] * vi


@njit(cache=True, nogil=True)
def _a_csr(data, indices, indptr, v, out):
    for i in range(indptr.shape[0] - 1):
        acc = 0.0
        for p in range(indptr[i], indptr[i + 1]):
            acc += data[p] * v[indices[p]]
        out[i] = acc


@njit(cache=True, nogil=True)
def _direction_dense(A, d, q, rp, U, dbeta, Adb, da, tmp):
    """Newton direction for a right-hand side ``q``: ``dbeta``, ``A dbeta``, ``da``.

    ``A'D A dbeta = A'(d q) - rp`` and ``da = d (q - A dbeta)``, so that
    ``A' da = rp``.
    """
    for i in range(q.shape[0]):
        da[i] = d[i] * q[i]
    _at_dense(A, da, tmp)
    tmp -= rp
    _chol_solve(U, tmp, dbeta)
    _a_dense(A, dbeta, Adb)
    for i in range(q.shape[0]):
        da[i] = d[i] * (q[i] - Adb[i])


@njit(cache=True, nogil=True)
def _direction_csr(data, indices, indptr, d, q, rp, U, dbeta, Adb, da, tmp):
    """CSR twin of :func:`_direction_dense`."""
    for i in range(q.shape[0]):
        da[i] = d[i] * q[i]
    _at_csr(data, indices, indptr, da, tmp)
    tmp -= rp
    _chol_solve(U, tmp, dbeta)
    _a_csr(data, indices, indptr, dbeta, Adb)
    for i in range(q.shape[0]):
        da[i] = d[i] * (q[i] - Adb[i])


@njit(cache=True, nogil=True)
def _max_step(x, dx):
    """Largest step keeping ``x + step * dx >= 0`` (``inf`` if unbounded)."""
    step = np.inf
    for i in range(x.shape[0]):
        if dx[i] < 0.0:
            step = min(step, -x[i] / dx[i])
    return step


@njit(cache=True, nogil=True)
def _max_step_box(a, s, da):
    """Largest step keeping ``a + step * da >= 0`` and ``s - step * da >= 0``."""
    step = np.inf
    for i in range(a.shape[0]):
        if da[i] < 0.0:
            step = min(step, -a[i] / da[i])
        elif da[i] > 0.0:
            step = min(step, s[i] / da[i])
    return step


@njit(cache=True, nogil=True)
def _predictor_rhs(c, a, s, z, w, rd, q):
    """``rd = c - A beta - w + z`` (``rd`` holds ``A beta`` on entry) and the
    affine-scaling right-hand side ``q``; returns ``mu = a'z + s'w``."""
    mu = 0.0
    for i in range(a.shape[0]):
        rd[i] = c[i] - rd[i] - w[i] + z[i]
        q[i] = rd[i] + w[i] - z[i]  # affine scaling: centring target 0
        mu += a[i] * z[i] + s[i] * w[i]
    return mu


@njit(cache=True, nogil=True)
def _corrector_rhs(a, s, z, w, rd, da_aff, dz_aff, dw_aff, mu, dz, dw, q):
    """Step lengths of the predictor, Mehrotra's centring and the corrector's rhs."""
    m = a.shape[0]
    for i in range(m):
        dz_aff[i] = -z[i] - z[i] * da_aff[i] / a[i]
        dw_aff[i] = -w[i] + w[i] * da_aff[i] / s[i]
    step_p = min(1.0, _max_step_box(a, s, da_aff))
    step_d = min(1.0, _max_step(z, dz_aff), _max_step(w, dw_aff))
    mu_aff = 0.0
    for i in range(m):
        ds = -da_aff[i]
        mu_aff += (a[i] + step_p * da_aff[i]) * (z[i] + step_d * dz_aff[i])
        mu_aff += (s[i] + step_p * ds) * (w[i] + step_d * dw_aff[i])
    sigma = (mu_aff / mu) ** 3 if mu > 0.0 else 0.0
    target = sigma * mu / (2.0 * m)
    # Corrector: centre towards sigma * mu and cancel the second-order terms.
    for i in range(m):
        ds = -da_aff[i]
        t1 = target - a[i] * z[i] - da_aff[i] * dz_aff[i]
        t2 = target - s[i] * w[i] - ds * dw_aff[i]
        dz[i] = t1  # the centring terms, until the direction is known
        dw[i] = t2
        q[i] = rd[i] - t2 / s[i] + t1 / a[i]


@njit(cache=True, nogil=True)
def _take_step(a, s, beta, z, w, da, dz, dw, dbeta):
    """Complete the directions, take the steps; returns ``(gap, step_p, step_d)``."""
    m = a.shape[0]
    for i in range(m):
        dz[i] = (dz[i] - z[i] * da[i]) / a[i]
        dw[i] = (dw[i] + w[i] * da[i]) / s[i]
    step_p = min(1.0, STEP_FRACTION * _max_step_box(a, s, da))
    step_d = min(1.0, STEP_FRACTION * min(_max_step(z, dz), _max_step(w, dw)))
    gap = 0.0
    for i in range(m):
        a[i] += step_p * da[i]
        s[i] -= step_p * da[i]
        z[i] += step_d * dz[i]
        w[i] += step_d * dw[i]
        gap += a[i] * z[i] + s[i] * w[i]
    for j in range(beta.shape[0]):
        beta[j] += step_d * dbeta[j]
    return gap, step_p, step_d


@njit(cache=True, nogil=True)
def fn_step_dense(A, c, b, U, a, s, beta, z, w, d, buf_m, buf_k):
    """One Mehrotra predictor-corrector step; ``a, s, beta, z, w`` updated in place.

    ``U`` is the upper Cholesky factor (F-ordered) of ``A' D A`` for the scaling
    ``d`` of :func:`fn_scale_dense`. ``buf_m`` is scratch of shape ``(9, m)`` and
    ``buf_k`` of shape ``(3, k)``. Returns ``(gap, step_primal, step_dual)`` where
    ``gap = a'z + s'w`` is the duality gap after the step (the iterates stay
    feasible up to rounding, which the residuals ``rp`` and ``rd`` correct).
    """
    q, da, dz, dw, Adb, rd = buf_m[0], buf_m[1], buf_m[2], buf_m[3], buf_m[4], buf_m[5]
    da_aff, dz_aff, dw_aff = buf_m[6], buf_m[7], buf_m[8]
    rp, dbeta, tmp = buf_k[0], buf_k[1], buf_k[2]
    _at_dense(A, a, rp)
    for j in range(rp.shape[0]):
        rp[j] = b[j] - rp[j]
    _a_dense(A, beta, rd)
    mu = _predictor_rhs(c, a, s, z, w, rd, q)
    # Both directions: A'D A dbeta = A'(d q) - rp, da = d (q - A dbeta).
    _direction_dense(A, d, q, rp, U, dbeta, Adb, da_aff, tmp)
    _corrector_rhs(a, s, z, w, rd, da_aff, dz_aff, dw_aff, mu, dz, dw, q)
    _direction_dense(A, d, q, rp, U, dbeta, Adb, da, tmp)
    return _take_step(a, s, beta, z, w, da, dz, dw, dbeta)


@njit(cache=True, nogil=True)
def fn_normal_csr(data, indices, indptr, d, G):
    """``G = A' D A`` (upper triangle; the rest is left as it was) for a CSR ``A``.

    Each row adds ``d_i`` times the outer product of its stored entries: the cost is
    ``sum_i nnz_i^2``, so a sparse design never forms a dense copy.
    """
    k = G.shape[0]
    for r in range(k):
        for c in range(r, k):
            G[r, c] = 0.0
    for i in range(indptr.shape[0] - 1):
        di = d[i]
        for p in range(indptr[i], indptr[i + 1]):
            vp = di * data[p]
            jp = indices[p]
            for q in range(indptr[i], indptr[i + 1]):
                jq = indices[q]
                if jq >= jp:
                    G[jp, jq] += vp * data[q]


@njit(cache=True, nogil=True)
def fn_scale(a, s, z, w, d):
    """Newton scaling ``d = 1 / (z/a + w/s)`` (layout-free)."""
    for i in range(a.shape[0]):
        d[i] = 1.0 / (z[i] / a[i] + w[i] / s[i])


@njit(cache=True, nogil=True)
def fn_step_csr(data, indices, indptr, c, b, U, a, s, beta, z, w, d, buf_m, buf_k):
    """CSR twin of :func:`fn_step_dense`; only the products with ``A`` differ."""
    q, da, dz, dw, Adb, rd = buf_m[0], buf_m[1], buf_m[2], buf_m[3], buf_m[4], buf_m[5]
    da_aff, dz_aff, dw_aff = buf_m[6], buf_m[7], buf_m[8]
    rp, dbeta, tmp = buf_k[0], buf_k[1], buf_k[2]
    _at_csr(data, indices, indptr, a, rp)
    for j in range(rp.shape[0]):
        rp[j] = b[j] - rp[j]
    _a_csr(data, indices, indptr, beta, rd)
    mu = _predictor_rhs(c, a, s, z, w, rd, q)
    _direction_csr(data, indices, indptr, d, q, rp, U, dbeta, Adb, da_aff, tmp)
    _corrector_rhs(a, s, z, w, rd, da_aff, dz_aff, dw_aff, mu, dz, dw, q)
    _direction_csr(data, indices, indptr, d, q, rp, U, dbeta, Adb, da, tmp)
    return _take_step(a, s, beta, z, w, da, dz, dw, dbeta)

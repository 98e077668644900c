"""The penalty's share of every kernel: proximal step, conjugate and dual limit.

The penalty reaches the kernels as one float64 array ``pen`` of shape
``(4, n_features)`` (rows ``l1, l2, lower, upper`` in the estimator's units, see
:mod:`lad._penalty`); a kernel passes its normalisation ``scale`` (``n`` for the
squared loss) so that ``scale * l1`` and ``scale * l2`` are in its own units. A new
penalty changes these three functions and :mod:`lad._penalty`, nothing else.
"""

import numpy as np
from numba import njit

L1, L2, LOWER, UPPER = 0, 1, 2, 3
# Relative excess over an L1 weight that still counts as on the constraint.
CONJ_RTOL = 1e-12


@njit(cache=True, nogil=True, inline="always")
def col(pen, j):
    """The column of ``pen`` that holds feature ``j``'s penalty.

    A penalty that is the same for every feature reaches the kernels as one column
    (:func:`lad._penalty.for_kernels`), so that the passes over every feature do
    not stream a ``4 x n_features`` array through the cache beside ``X``.
    """
    return j if pen.shape[1] > 1 else 0


@njit(cache=True, nogil=True, inline="always")
def prox_scalar(z, c, l1, l2, lo, hi):
    """Minimiser of ``0.5 c v^2 - z v + l1 |v| + l2 v^2 / 2`` on ``[lo, hi]``.

    ``l1`` and ``l2`` in the kernel's units. The objective is convex in ``v``, so
    clipping the unconstrained minimiser is exact.
    """
    if z > l1:
        v = (z - l1) / (c + l2)
    elif z < -l1:
        v = (z + l1) / (c + l2)
    else:
        return 0.0
    if v < lo:
        return lo
    if v > hi:
        return hi
    return v


@njit(cache=True, nogil=True, inline="always")
def prox_coord(z, c, pen, j, scale):
    """:func:`prox_scalar` with feature ``j``'s penalty from ``pen``.

    With ``z = g_j + c w_j`` (``g_j`` the gradient of the smooth part, ``c`` the
    curvature of coordinate ``j``) this is the exact coordinate-descent step.
    """
    jj = col(pen, j)
    return prox_scalar(z, c, scale * pen[L1, jj], scale * pen[L2, jj], pen[LOWER, jj],
                       pen[UPPER, jj])  # fmt: skip


@njit(cache=True, nogil=True, inline="always")
def penalty_coord(w_j, pen, j, scale):
    """``scale * (l1_j |w_j| + l2_j w_j^2 / 2)``: one coordinate's penalty."""
    jj = col(pen, j)
    return scale * (pen[L1, jj] * abs(w_j) + 0.5 * pen[L2, jj] * w_j * w_j)


@njit(cache=True, nogil=True)
def conjugate_coord(g, pen, j, scale):
    """``sup_{lower <= v <= upper} g v - scale (l1 |v| + l2 v^2 / 2)`` (may be inf)."""
    jj = col(pen, j)
    l1 = scale * pen[L1, jj]
    l2 = scale * pen[L2, jj]
    if g > l1:
        excess = g - l1
        bound = pen[UPPER, jj]
    elif g < -l1:
        excess = -g - l1
        bound = -pen[LOWER, jj]
    else:
        return 0.0
    v = excess / l2 if l2 > 0.0 else np.inf
    if v > bound:
        v = bound
    if v == np.inf:
        # A dual point scaled to |g| = l1 lands a rounding error past it.
        return 0.0 if excess <= CONJ_RTOL * l1 else np.inf
    return excess * v - 0.5 * l2 * v * v


@njit(cache=True, nogil=True, inline="always")
def dual_limit_coord(g, pen, j, scale):
    """Largest ``s`` in [0, 1] keeping :func:`conjugate_coord` finite at ``s g``."""
    jj = col(pen, j)
    if pen[L2, jj] > 0.0:
        return 1.0
    l1 = scale * pen[L1, jj]
    if g > l1 and pen[UPPER, jj] == np.inf:
        return l1 / g
    if g < -l1 and pen[LOWER, jj] == -np.inf:
        return l1 / -g
    return 1.0

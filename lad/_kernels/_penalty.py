"""The penalty's share of every kernel: proximal step, conjugate and dual limit.

The penalty reaches the kernels as one float64 array ``pen`` of shape
``(n_features, 4)`` (columns ``l1, l2, lower, upper`` in the estimator's units, see
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
def prox_coord(z, c, pen, j, scale):
    """Minimiser of ``0.5 c v^2 - z v + scale (l1_j |v| + l2_j v^2 / 2)`` on the bounds.

    With ``z = g_j + c w_j`` (``g_j`` the gradient of the smooth part, ``c`` the
    curvature of coordinate ``j``) this is the exact coordinate-descent step. The
    objective is convex in ``v``, so clipping the unconstrained minimiser is exact.
    """
    l1 = scale * pen[j, L1]
    if z > l1:
        v = (z - l1) / (c + scale * pen[j, L2])
    elif z < -l1:
        v = (z + l1) / (c + scale * pen[j, L2])
    else:
        return 0.0
    lo = pen[j, LOWER]
    hi = pen[j, UPPER]
    if v < lo:
        return lo
    if v > hi:
        return hi
    return v


@njit(cache=True, nogil=True, inline="always")
def penalty_coord(w_j, pen, j, scale):
    """``scale * (l1_j |w_j| + l2_j w_j^2 / 2)``: one coordinate's penalty."""
    return scale * (pen[j, L1] * abs(w_j) + 0.5 * pen[j, L2] * w_j * w_j)


@njit(cache=True, nogil=True)
def conjugate_coord(g, pen, j, scale):
    """``sup_{lower <= v <= upper} g v - scale (l1 |v| + l2 v^2 / 2)`` (may be inf)."""
    l1 = scale * pen[j, L1]
    l2 = scale * pen[j, L2]
    if g > l1:
        excess = g - l1
        bound = pen[j, UPPER]
    elif g < -l1:
        excess = -g - l1
        bound = -pen[j, LOWER]
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
    if pen[j, L2] > 0.0:
        return 1.0
    l1 = scale * pen[j, L1]
    if g > l1 and pen[j, UPPER] == np.inf:
        return l1 / g
    if g < -l1 and pen[j, LOWER] == -np.inf:
        return l1 / -g
    return 1.0

"""Iteratively reweighted least squares for the LAD / quantile objective (warm start).

Each step majorises ``2 rho_tau(r)`` at the current residuals by a weighted square,
``(r + e (2 tau - 1))^2 / (2 e) + const`` with ``e = max(|r|, eps)``, and minimises the
majoriser plus the L1 penalty with the Numba coordinate-descent Lasso kernels. The
smoothing ``eps`` starts at a robust scale of the residuals and shrinks geometrically,
relative to the scale of ``y`` (an absolute floor, as in statsmodels, would make the
answer depend on the units of ``y``). The result only seeds the exact solve.
"""

import numpy as np

from .._validation import DenseDesign, readonly
from ._cd import prepare_squared, solve_lasso
from ._lp import BAND_MIN, BAND_PER_COEF, FULL_ROWS

EPS_SHRINK = 0.2
EPS_FLOOR = 1e-7
EPS_FLOOR_PENALISED = 1e-4
SETTLE = 0.5
# The exact stage needs the residual signs right only outside its band of rows, so
# the smoothing need not go below a small fraction of the band's residual size.
BAND_EPS_FRACTION = 0.05
# Inner Lasso accuracy: in Gram mode (n >> p) an epoch costs O(p^2), so a tight inner
# solve is nearly free and gives residual signs accurate enough for a small band.
INNER_TOL = 1e-6
INNER_TOL_GRAM = 1e-12
INNER_MAX_EPOCHS = 200


def weighted_quantile(values, weights, q):
    """Smallest ``v`` with weighted CDF ``>= q`` (a minimiser of the pinball loss)."""
    order = np.argsort(values, kind="stable")
    cum = np.cumsum(weights[order])
    k = int(np.searchsorted(cum, q * cum[-1] - 1e-12 * cum[-1]))
    return float(values[order][min(k, values.size - 1)])


def _band_residual(r, n_features):
    """Size of the residuals at the edge of the exact stage's first band of rows.

    Zero when the band holds every row: the signs then do not matter, but the
    support does (for ``alpha > 0``), so the smoothing goes down to its floor.
    """
    n = r.shape[0]
    m = max(BAND_MIN, BAND_PER_COEF * (n_features + 1))
    if n <= FULL_ROWS or m >= n:
        return 0.0
    return float(np.partition(np.abs(r), m)[m])


def irls_lad(design, y, sw, *, alpha, tau, fit_intercept, max_iter, coef0, intercept0):
    """Approximate LAD / quantile fit by reweighted Lasso solves.

    ``sw`` is a full float64 weight vector summing to ``n``. Returns
    ``(coef, intercept, n_iter)``.
    """
    n, p = design.shape
    use_gram = isinstance(design, DenseDesign) and n > 2 * p
    w = np.array(coef0, dtype=np.float64)
    b = float(intercept0)
    r = y - design.matvec(w) - b
    scale = float(np.median(np.abs(r - np.median(r)))) or float(np.max(np.abs(r)))
    y_scale = float(np.max(np.abs(y))) or 1.0
    if scale == 0.0:
        return w, b, 0
    eps = scale
    # With a penalty the warm start is for the support; it settles long before the
    # smoothing reaches the precision the row band would need.
    eps_min = (EPS_FLOOR_PENALISED if alpha > 0 else EPS_FLOOR) * y_scale
    n_iter = 0
    while n_iter < max_iter:
        n_iter += 1
        e = np.maximum(np.abs(r), eps)
        v = sw / e
        total = float(v.sum())
        v_norm = readonly(v * (n / total))
        target = y + (2.0 * tau - 1.0) * e
        problem = prepare_squared(
            design, v_norm, fit_intercept=fit_intercept, precompute=use_gram
        )
        res = solve_lasso(
            problem, target, alpha=alpha * n / total,
            max_iter=INNER_MAX_EPOCHS * (10 if use_gram else 1),
            tol=INNER_TOL_GRAM if use_gram else INNER_TOL, coef0=w,
        )  # fmt: skip
        w, b = res.coef, res.intercept
        r_new = y - design.matvec(w) - b
        change = float(np.max(np.abs(r_new - r)))
        r = r_new
        # Shrink the smoothing only once the fit has settled at the current level:
        # shrinking at every step leaves the iterate far from the smoothed optimum.
        floor = max(eps_min, BAND_EPS_FRACTION * _band_residual(r, p))
        if change <= SETTLE * eps:
            if eps <= floor:
                break
            eps = max(eps * EPS_SHRINK, floor)
    return w, b, n_iter

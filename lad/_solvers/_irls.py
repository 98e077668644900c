"""Iteratively reweighted least squares for the LAD / quantile objective (warm start).

Each step majorises ``2 rho_tau(r)`` at the current residuals by a weighted square,
``(r + e (2 tau - 1))^2 / (2 e) + const`` with ``e = max(|r|, eps)``, and minimises the
majoriser plus the penalty with the squared-loss solver. The smoothing ``eps``
starts at a robust scale of the residuals and shrinks geometrically, relative to the
scale of ``y`` (an absolute floor, as in statsmodels, would make the answer depend on
the units of ``y``). The result only seeds the exact simplex, which needs no sign to
be right: a closer start only saves pivots.
"""

import numpy as np

from .._validation import DenseDesign, readonly
from . import squared

EPS_SHRINK = 0.2
EPS_FLOOR = 1e-7
EPS_FLOOR_PENALISED = 1e-4
SETTLE = 0.5
# Inner accuracy: in Gram mode (n >> p) an epoch costs O(p^2), so a tight inner
# solve is nearly free and brings the start (and its residual signs) close.
INNER_TOL = 1e-6
INNER_TOL_GRAM = 1e-12
INNER_MAX_EPOCHS = 200


def weighted_quantile(values, weights, q):
    """Smallest ``v`` with weighted CDF ``>= q`` (a minimiser of the pinball loss)."""
    order = np.argsort(values, kind="stable")
    cum = np.cumsum(weights[order])
    k = int(np.searchsorted(cum, q * cum[-1] - 1e-12 * cum[-1]))
    return float(values[order][min(k, values.size - 1)])


def irls_lad(design, y, sw, pen, *, tau, fit_intercept, max_iter, coef0, intercept0):
    """Approximate LAD / quantile fit by reweighted penalised least squares.

    ``sw`` is a full float64 weight vector summing to ``W``; ``pen`` the penalty
    array in estimator units. Returns ``(coef, intercept, n_iter)``.
    """
    n, p = design.shape
    use_gram = isinstance(design, DenseDesign) and n > 2 * p
    W = float(sw.sum())
    w = np.array(coef0, dtype=np.float64)
    b = float(intercept0)
    r = y - design.matvec(w) - b
    scale = float(np.median(np.abs(r - np.median(r)))) or float(np.max(np.abs(r)))
    y_scale = float(np.max(np.abs(y))) or 1.0
    if scale == 0.0:
        return w, b, 0
    eps = scale
    # With a penalty the warm start is for the support; it settles long before the
    # smoothing reaches the precision of the data.
    penalised = bool(np.any(pen[0] > 0))
    eps_min = (EPS_FLOOR_PENALISED if penalised else EPS_FLOOR) * y_scale
    options = squared.Options(
        max_iter=INNER_MAX_EPOCHS * (10 if use_gram else 1),
        tol=INNER_TOL_GRAM if use_gram else INNER_TOL,
    )
    n_iter = 0
    while n_iter < max_iter:
        n_iter += 1
        e = np.maximum(np.abs(r), eps)
        v = sw / e
        total = float(v.sum())
        v_norm = readonly(v * (n / total))
        target = y + (2.0 * tau - 1.0) * e
        problem = squared.prepare(
            design, v_norm, fit_intercept=fit_intercept, precompute=use_gram
        )
        tgt = squared.target(problem, target)
        res = squared.solve(problem, tgt, W / total, pen, coef0=w, options=options)
        w, b = res.coef, res.intercept
        r_new = y - design.matvec(w) - b
        change = float(np.max(np.abs(r_new - r)))
        r = r_new
        # Shrink the smoothing only once the fit has settled at the current level:
        # shrinking at every step leaves the iterate far from the smoothed optimum.
        if change <= SETTLE * eps:
            if eps <= eps_min:
                break
            eps = max(eps * EPS_SHRINK, eps_min)
    return w, b, n_iter

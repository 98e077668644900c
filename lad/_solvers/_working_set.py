"""Working sets and Gap Safe screening around the squared-loss CD kernels.

Each outer iteration makes one full pass over ``X`` for the gradient ``g = Xc' S r``,
from which it builds a feasible dual point (the residual scaled by
``s = min(1, lam / max|g|)``), the duality gap of the full problem, and:

- **Gap Safe screening** (Fercoq, Gramfort and Salmon 2015; Ndiaye et al. 2017): the
  dual optimum lies within ``sqrt(2 gap) / lam`` of the dual point, so a feature with
  ``s |g_j| / lam + ||x_j|| sqrt(2 gap) / lam < 1`` is zero at every optimum and is
  dropped for the rest of the solve;
- **a working set** of the features most likely to be active, ranked as in celer by
  ``(1 - s |g_j| / lam) / ||x_j||`` (the support always included), on which the CD
  kernel then runs to a fraction of the current gap. The set doubles at each outer
  iteration, so the number of outer iterations is logarithmic in ``n_features``.
"""

import numpy as np

from .._kernels.squared import cd_squared_csc, cd_squared_dense
from .._validation import DenseDesign

# First working-set size, and the fraction of the outer gap asked of the inner solve.
WS_START = 10
INNER_GAP_FRACTION = 0.3


def full_gradient(problem, r):
    """``Xc' S r`` over all features (one pass over X, by BLAS or scipy)."""
    sw = problem.sw
    v = r * sw if sw.shape[0] else r
    g = problem.design.rmatvec(v)
    if problem.fit_intercept:
        g = g - problem.xmean * v.sum()
    g[problem.col_sq == 0.0] = 0.0
    return g


def _gap(problem, yc, r, w, g, lam, positive):
    sw = problem.sw
    rss = float(np.dot(sw, r * r)) if sw.shape[0] else float(np.dot(r, r))
    ytr = float(np.dot(sw, yc * r)) if sw.shape[0] else float(np.dot(yc, r))
    dual_norm = float(np.max(g if positive else np.abs(g), initial=0.0))
    s = 1.0 if dual_norm <= lam else lam / dual_norm
    gap = 0.5 * rss + lam * float(np.abs(w).sum()) - (s * ytr - 0.5 * s * s * rss)
    return max(gap, 0.0), s


def working_set_cd(problem, yc, w, r, *, alpha, positive, seed, max_iter, tol_abs):
    """Solve the Lasso by CD on growing working sets. ``w`` and ``r`` in place.

    ``tol_abs`` is the absolute gap target in the estimator's units. Returns
    ``(n_epochs, gap)``: epochs of the inner solves plus one per outer pass.
    """
    n = problem.n_samples
    lam = alpha * n
    norms = np.sqrt(problem.col_sq)
    candidate = problem.col_sq > 0.0
    ws_size = 0
    epochs = 0
    design = problem.design
    while True:
        g = full_gradient(problem, r)
        gap, s = _gap(problem, yc, r, w, g, lam, positive)
        epochs += 1
        if gap / n <= tol_abs or epochs >= max_iter:
            return epochs, gap / n
        corr = s * (g if positive else np.abs(g)) / lam
        support = w != 0.0
        radius = np.sqrt(2.0 * gap) / lam
        with np.errstate(divide="ignore", invalid="ignore"):
            screened = corr + norms * radius < 1.0
            priority = (1.0 - corr) / norms
        candidate &= ~(screened & ~support)
        priority[~candidate] = np.inf
        priority[support] = -np.inf
        n_cand = int(candidate.sum())
        ws_size = min(n_cand, max(WS_START, 2 * int(support.sum()), 2 * ws_size))
        if ws_size == 0:
            return epochs, gap / n
        ws = np.argpartition(priority, ws_size - 1)[:ws_size]
        ws = np.sort(ws).astype(np.int32)
        inner_tol = max(tol_abs, INNER_GAP_FRACTION * gap / n)
        # Keep one epoch for the final full-gap pass, so the total stays <= max_iter.
        budget = max(max_iter - epochs - 1, 1)
        if isinstance(design, DenseDesign):
            n_in, _ = cd_squared_dense(
                design.X, yc, problem.sw, w, r, problem.col_sq, problem.xmean,
                float(alpha), bool(positive), int(seed), int(budget), inner_tol, ws,
            )  # fmt: skip
        else:
            n_in, _ = cd_squared_csc(
                design.data, design.indices, design.indptr, yc, problem.sw, w, r,
                problem.col_sq, problem.xmean, float(alpha), bool(positive),
                int(seed), int(budget), inner_tol, ws,
            )  # fmt: skip
        epochs += int(n_in)

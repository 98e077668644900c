"""Working sets and Gap Safe screening around the squared-loss CD kernels.

Each outer iteration makes one full pass over ``X`` for the gradient ``g = Xc' S r``
(skipped for the first one from ``w = 0``, whose gradient the driver already has),
from which it builds a feasible dual point (the residual scaled by
``s = min(1, lam / max|g|)``), the duality gap of the full problem, and:

- **Gap Safe screening** (Fercoq, Gramfort and Salmon 2015; Ndiaye et al. 2017): the
  dual optimum lies within ``sqrt(2 gap) / lam`` of the dual point, so a feature with
  ``s |g_j| / lam + ||x_j|| sqrt(2 gap) / lam < 1`` is zero at every optimum and is
  dropped for the rest of the solve;
- **a working set** of the features most likely to be active, ranked as in celer by
  ``(1 - s |g_j| / lam) / ||x_j||`` (the support always included), on which the CD
  kernel then runs to a fraction of the current gap. The set holds twice the
  support, and doubles instead whenever an outer iteration barely lowers the gap.
"""

import numpy as np

from .._kernels.squared import (
    cd_squared_csc,
    cd_squared_dense,
    grad_squared_csc,
    screen_and_rank,
)
from .._validation import DenseDesign
from . import _cd

# First working-set size, and the fraction of the outer gap asked of the inner solve.
WS_START = 10
INNER_GAP_FRACTION = 0.3
# The working set is twice the support (celer's pruning, skglm's rule): doubling it
# regardless of the support grew it to 5k columns for a 74-feature support on a 50k-
# feature tf-idf problem and tripled the fit time. If an outer iteration cuts the gap
# by less than this factor, the size doubles instead, so the set still grows to all
# candidates (plain CD) in the worst case and the solve cannot stall.
STALL_RATIO = 0.9


def full_gradient(problem, r, out):
    """``Xc' S r`` over all features: one pass over X, by BLAS or a Numba kernel."""
    sw = problem.sw
    design = problem.design
    if not isinstance(design, DenseDesign):
        grad_squared_csc(
            design.data, design.indices, design.indptr, sw, r, problem.xmean,
            problem.col_sq, out,
        )  # fmt: skip
        return out
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


def working_set_cd(
    problem, yc, w, r, *, alpha, positive, seed, max_iter, tol_abs, g0=None
):
    """Solve the Lasso by CD on growing working sets. ``w`` and ``r`` in place.

    ``tol_abs`` is the absolute gap target in the estimator's units. ``g0``, when
    given, is the gradient at the starting point and saves the first pass over X.
    Returns ``(n_epochs, gap)``: epochs of the inner solves plus one per outer pass.
    """
    n = problem.n_samples
    lam = alpha * n
    norms = np.sqrt(problem.col_sq)
    candidate = problem.col_sq > 0.0
    g = np.empty(problem.n_features)
    priority = np.empty(problem.n_features)
    ws_size = 0
    prev_gap = np.inf
    epochs = 0
    design = problem.design
    while True:
        if g0 is not None:
            g[:] = g0
            g0 = None
        else:
            g = full_gradient(problem, r, g)
        gap, s = _gap(problem, yc, r, w, g, lam, positive)
        epochs += 1
        if gap / n <= tol_abs or epochs >= max_iter:
            return epochs, gap / n
        radius = np.sqrt(2.0 * gap) / lam
        n_cand = screen_and_rank(
            g, w, norms, s / lam, radius, bool(positive), candidate, priority
        )
        grow = 2 * ws_size if gap > STALL_RATIO * prev_gap else 0
        n_support = int(np.count_nonzero(w))
        ws_size = min(n_cand, max(WS_START, 2 * n_support, grow))
        prev_gap = gap
        if ws_size == 0:
            return epochs, gap / n
        ws = np.argpartition(priority, ws_size - 1)[:ws_size]
        ws = np.sort(ws).astype(np.int32)
        inner_tol = max(tol_abs, INNER_GAP_FRACTION * gap / n)
        # Keep one epoch for the final full-gap pass, so the total stays <= max_iter.
        budget = max(max_iter - epochs - 1, 1)
        acc = int(_cd.ANDERSON_K)
        if isinstance(design, DenseDesign):
            n_in, _ = cd_squared_dense(
                design.X, yc, problem.sw, w, r, problem.col_sq, problem.xmean,
                float(alpha), bool(positive), int(seed), int(budget), inner_tol,
                acc, ws,
            )  # fmt: skip
        else:
            n_in, _ = cd_squared_csc(
                design.data, design.indices, design.indptr, yc, problem.sw, w, r,
                problem.col_sq, problem.xmean, float(alpha), bool(positive),
                int(seed), int(budget), inner_tol, acc, ws,
            )  # fmt: skip
        epochs += int(n_in)

"""Working sets and Gap Safe screening around the squared-loss CD kernels.

Each outer iteration makes one full pass over ``X`` for the gradient ``g = Xc' S r``
(skipped for the first one from ``w = 0``, whose gradient the driver already has),
from which it builds a feasible dual point (the residual scaled by ``s``, see
:func:`lad._kernels.squared.squared_gap`), the duality gap of the full problem, and:

- **Gap Safe screening** (Fercoq, Gramfort and Salmon 2015; Ndiaye et al. 2017): the
  dual optimum lies within ``sqrt(2 n gap)`` of the dual point, so a feature with
  ``s |g_j| + ||x_j|| sqrt(2 n gap) < lam_j`` is zero at every optimum and is
  dropped for the rest of the solve;
- **a working set** of the features most likely to be active, ranked as in celer by
  ``(1 - s |g_j| / lam_j) / ||x_j||`` (the support always included), on which the CD
  kernel then runs to a fraction of the current gap. The set holds twice the
  support, and doubles instead whenever an outer iteration barely lowers the gap.

The driver is layout-blind: the loss module hands it the gradient pass and the
kernel call.
"""

from dataclasses import dataclass

import numpy as np

from .._kernels.squared import screen_and_rank, squared_gap
from ._free import NONE


@dataclass(frozen=True)
class WorkingSetOptions:
    """First size, inner accuracy and stall rule of the working sets.

    The working set is twice the support (celer's pruning, skglm's rule): doubling
    it regardless of the support grew it to 5k columns for a 74-feature support on a
    50k-feature tf-idf problem and tripled the fit time. If an outer iteration cuts
    the gap by less than ``stall_ratio``, the size doubles instead, so the set still
    grows to all candidates (plain CD) in the worst case and the solve cannot stall.
    """

    start: int = 10
    inner_gap_fraction: float = 0.3
    stall_ratio: float = 0.9


def working_set_cd(problem, yc, w, r, pen, *, tol_abs, max_iter, gradient, run,
                   g0=None, options=WorkingSetOptions(), log=None,
                   free=None):  # fmt: skip
    """Solve on growing working sets; ``w`` and ``r`` in place.

    ``yc`` is the centred target (``r = yc - Xc w``).
    ``gradient(r, out)`` fills the full centred gradient; ``run(ws, budget, tol)``
    runs the CD kernel on the int32 index array ``ws`` and returns its epochs.
    ``tol_abs`` is the absolute gap target in the estimator's units; ``g0``, when
    given, is the gradient at the starting point and saves the first pass over X.
    Returns ``(n_epochs, gap)``: inner epochs plus one per outer pass. ``log``
    (a :class:`lad._progress.Progress`) gets a line per outer pass at level 2.
    ``free`` (:class:`lad._solvers._free.Free`) names the unpenalised, unbounded
    columns: every working set holds them, and the gap projects off them.
    """
    n = problem.n_samples
    p = problem.n_features
    norms = np.sqrt(problem.col_sq)
    candidate = problem.col_sq > 0.0
    everything = np.arange(p, dtype=np.int32)
    g = np.empty(p)
    priority = np.empty(p)
    ws_size = 0
    prev_gap = np.inf
    epochs = 0
    sw = problem.sw
    free_cols, proj = (free.columns, free.proj) if free is not None else NONE
    while True:
        if g0 is not None:
            g[:] = g0
            g0 = None
        else:
            gradient(r, g)
        sr = sw * r if sw.shape[0] else r
        rss = float(np.dot(sr, r))
        ytr = float(np.dot(sr, yc))
        gap, s = squared_gap(g, w, everything, pen, rss, ytr, n, free_cols, proj)
        gap = max(gap, 0.0)
        epochs += 1
        if log is not None and log.level >= 2:  # the message itself costs a pass
            log.note(f"outer pass: gap {gap:.3g} (target {tol_abs:.3g}), "
                     f"{np.count_nonzero(w)} non-zero, {epochs} epochs")  # fmt: skip
        if gap <= tol_abs or epochs >= max_iter:
            return epochs, gap
        radius = np.sqrt(2.0 * n * gap)
        n_cand = screen_and_rank(
            g, w, norms, s, radius, pen, float(n), candidate, priority
        )
        grow = 2 * ws_size if gap > options.stall_ratio * prev_gap else 0
        n_support = int(np.count_nonzero(w))
        ws_size = min(n_cand, max(options.start + free_cols.size, 2 * n_support, grow))
        prev_gap = gap
        if ws_size == 0:
            return epochs, gap
        ws = np.argpartition(priority, ws_size - 1)[:ws_size]
        ws = np.sort(ws).astype(np.int32)
        inner_tol = max(tol_abs, options.inner_gap_fraction * gap)
        # Keep one epoch for the final full-gap pass, so the total stays <= max_iter.
        budget = max(max_iter - epochs - 1, 1)
        epochs += int(run(ws, budget, inner_tol))

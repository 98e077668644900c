"""Driver for the weighted-median coordinate descent warm start of ``LADRegressor``."""

import numpy as np

from .._kernels.absolute import cd_absolute_csc, cd_absolute_dense
from .._penalty import for_kernels
from .._validation import DenseDesign, readonly

# Relative objective decrease per epoch below which CD has stalled or converged.
STALL_TOL = 1e-6
# Work (kink sorts, about nnz log nnz) per kernel call: an interrupt acts between
# calls, within about a second.
CHUNK_WORK = 2e8


def cd_lad(design, y, sw, pen, *, tau, fit_intercept, max_iter, coef0, intercept0):
    """Warm start by exact CD; returns ``(coef, intercept, n_epochs)``.

    ``pen`` is the penalty array in estimator units; ``sw`` sums to ``W``.
    """
    n, p = design.shape
    w = np.array(coef0, dtype=np.float64)
    b = float(intercept0) if fit_intercept else 0.0
    if max_iter == 0:
        return w, b, 0
    r = np.ascontiguousarray(y - design.matvec(w) - b)
    params = readonly(np.array([tau, float(sw.sum()) / 2.0]))
    kinks = np.empty(n + 1)
    jumps = np.empty(n + 1)
    sw = readonly(np.ascontiguousarray(sw))
    pen = readonly(for_kernels(pen))
    nnz = n * p if isinstance(design, DenseDesign) else design.data.size
    per = max(1, int(CHUNK_WORK // max(nnz * np.log2(n + 2), 1)))
    done = 0
    obj = np.inf
    while done < max_iter:
        budget = min(per, max_iter - done)
        if isinstance(design, DenseDesign):
            b, n_epochs, new = cd_absolute_dense(
                design.X, sw, w, r, b, pen, params, bool(fit_intercept), int(budget),
                STALL_TOL, kinks, jumps,
            )  # fmt: skip
        else:
            b, n_epochs, new = cd_absolute_csc(
                design.data, design.indices, design.indptr, sw, w, r, b, pen, params,
                bool(fit_intercept), int(budget), STALL_TOL, kinks, jumps,
            )  # fmt: skip
        done += int(n_epochs)
        if n_epochs < budget or obj - new <= STALL_TOL * abs(obj):
            break
        obj = new
    return w, float(b), done

"""Column statistics and fixed-order products of a design, whatever its layout.

The one place that dispatches the :mod:`lad._kernels._columns` kernels on the
design's layout, for both losses.
"""

import numpy as np

from .._kernels._columns import (
    col_stats_csc,
    col_stats_dense,
    xt_exact_csc,
    xt_exact_dense,
    xt_exact_rows,
)
from .._validation import DenseDesign, readonly


def column_stats(design, sw, fit_intercept):
    """``(xmean, col_sq, col_max)`` of a design (F-ordered dense or CSC)."""
    if isinstance(design, DenseDesign):
        return col_stats_dense(design.X, sw, bool(fit_intercept))
    return col_stats_csc(
        design.data, design.indices, design.indptr, design.shape[0], sw,
        bool(fit_intercept),
    )  # fmt: skip


# Bytes per block of a pass over a row-major design: small enough that the max
# reads the block from cache after the min (4 MiB blocks took twice as long).
_BLOCK_BYTES = 2**18


def row_major_extent(X):
    """``(col_min, col_max)`` of a C-ordered dense ``X`` in one pass by blocks of rows.

    The exact solves that run over rows (:mod:`lad._solvers._globs`) keep a
    row-major ``X`` as it is: they need only each column's magnitude and whether
    it varies, not the kernels' F-ordered statistics.
    """
    n, p = X.shape
    lo = np.full(p, np.inf)
    hi = np.full(p, -np.inf)
    step = max(256, _BLOCK_BYTES // (8 * max(p, 1)))
    for start in range(0, n, step):
        block = X[start : start + step]
        np.minimum(lo, block.min(axis=0), out=lo)
        np.maximum(hi, block.max(axis=0), out=hi)
    return lo, hi


def exact_products(design, V):
    """``X' V.T`` summed in one fixed order (identical for dense and CSC ``X``)."""
    V = np.ascontiguousarray(V, dtype=np.float64)
    out = np.empty((V.shape[0], design.shape[1]))
    if not isinstance(design, DenseDesign):
        xt_exact_csc(design.data, design.indices, design.indptr, readonly(V), out)
    elif design.X.flags.f_contiguous:
        xt_exact_dense(design.X, readonly(V), out)
    else:
        xt_exact_rows(design.X, readonly(V), out)
    return out

"""Unpenalised coefficients of the squared loss: the dual point's projection.

A coefficient with penalty factor 0 strictly inside its bounds has a penalty
conjugate finite only at 0, so a dual point must be orthogonal to its column; the CD
kernels project the scaled residual off those "free" columns at every gap check
(:func:`lad._kernels.squared._project_free`) from what :func:`free_columns` builds
here once per problem and target: the cross-products of the unpenalised columns
with every column, their Gram block and their products with the target.

The same numbers give ``alpha_max`` with free features: at the null model of the
penalised ones the free columns are fitted by least squares, and the gradient there
is ``g0 - C' M^+ g0_F``.
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .._penalty import L1, L2, LOWER, UPPER
from .._validation import DenseDesign, readonly

# Up to this many unpenalised columns the gap projects off them (k passes over X
# per fit and a k x k pseudo-inverse per gap check); beyond, the fit would pay more
# for its gap than for its epochs, and the gap stays the scaled residual's (valid,
# loose).
FREE_MAX = 300
# Singular values of the free columns' Gram block below this fraction of the
# largest are rounding (collinear free columns): the projection ignores them.
PINV_RCOND = 1e-12


@dataclass(frozen=True)
class Free:
    """The free columns and what projects the dual point off them.

    ``columns`` (int32) and ``proj`` are the kernels' ``free`` and ``proj``;
    ``unpenalised`` marks every coefficient with no penalty at any alpha;
    ``bounded`` whether one of them has a finite bound.
    """

    columns: np.ndarray
    proj: np.ndarray
    unpenalised: np.ndarray
    bounded: bool = False

    @property
    def any(self):
        """Whether some coefficient is unpenalised."""
        return bool(self.unpenalised.any())

    def null_gradient(self, g0):
        """The gradient at the least-squares fit of the (unbounded) free columns."""
        k = self.columns.size
        if k == 0:
            return g0
        p = self.proj.shape[1] - k - 1
        C = self.proj[:, :p]
        M = self.proj[:, p : p + k]
        c = np.linalg.pinv(M, rcond=PINV_RCOND, hermitian=True) @ g0[self.columns]
        g = g0 - C.T @ c
        g[self.columns] = 0.0
        return g


NONE = (readonly(np.zeros(0, dtype=np.int32)), readonly(np.zeros((0, 1))))


def unpenalised_mask(unit, n_features):
    """Coefficients whose penalty is zero at every alpha (factor 0)."""
    zero = (unit[L1] == 0) & (unit[L2] == 0)
    return np.broadcast_to(zero, (n_features,)).copy()


def free_columns(problem, g0, unit):
    """The :class:`Free` of a squared-loss problem, in its scaled units.

    ``g0`` is the null gradient ``Xc' S yc``; ``unit`` the scaled unit penalty.
    Constant columns are never free (their coefficient is fixed at 0).
    """
    p = problem.n_features
    unpen = unpenalised_mask(unit, p)
    open_ = np.broadcast_to(np.isneginf(unit[LOWER]) & np.isposinf(unit[UPPER]), (p,))
    free = np.flatnonzero(unpen & (problem.col_sq > 0)).astype(np.int32)
    bounded = bool(np.any(unpen & ~open_))
    k = free.size
    if k == 0 or k > FREE_MAX:
        return Free(*NONE, unpen, bounded)
    if problem.gram is not None:
        C = np.array(problem.gram[free])
    else:
        C = _cross_products(problem, free)
    M = C[:, free]
    M = 0.5 * (M + M.T)
    proj = np.ascontiguousarray(np.hstack([C, M, g0[free][:, None]]))
    return Free(readonly(free), readonly(proj), unpen, bounded)


def _cross_products(problem, free):
    """``Xc' S Xc_F`` as ``(k, p)``: one matrix product, one pass over ``X``."""
    design = problem.design
    n = problem.n_samples
    sw = problem.sw
    if isinstance(design, DenseDesign):
        F = np.array(design.X[:, free], dtype=np.float64)
        X = design.X
    else:
        X = sp.csc_matrix((design.data, design.indices, design.indptr),
                          shape=design.shape, copy=False)  # fmt: skip
        F = X[:, free].toarray()
    if problem.fit_intercept:
        F -= (sw @ F) / n if sw.shape[0] else F.mean(axis=0)
    V = F * sw[:, None] if sw.shape[0] else F
    # V's weighted columns sum to 0, so X'V is already the centred product.
    C = np.asarray(X.T @ V).T
    C[:, problem.col_sq == 0.0] = 0.0
    return np.ascontiguousarray(C)

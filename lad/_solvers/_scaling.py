"""Exact rescaling of badly scaled data by powers of two.

Both objectives are equivariant: with ``X = X' diag(d)`` and ``y = s y'``, the
optimum is ``w = s w' / d`` where ``w'`` solves the scaled problem with the penalty
of :func:`lad._penalty.rescale`. Columns whose largest magnitude lies outside
``[2**-SAFE_EXP, 2**SAFE_EXP]`` (and a target outside that range) are brought near
1 by a power of two, which is exact in floating point: the scaled problem is the
same problem, and no square, gap or tolerance under- or overflows (at ``1e-200``
the squared target underflows to 0 and every gap reads 0). Inside the range
nothing is scaled and nothing is copied.
"""

from dataclasses import dataclass

import numpy as np

from .._penalty import rescale
from .._validation import CSCDesign, DenseDesign, readonly

SAFE_EXP = 64


def power_of_two(values):
    """``2**e`` with ``values / 2**e`` in [0.5, 1) (1 for zeros), elementwise."""
    values = np.asarray(values, dtype=np.float64)
    _, e = np.frexp(values)
    return np.where(values > 0, np.ldexp(1.0, e), 1.0)


def _out_of_range(values):
    lo, hi = 2.0**-SAFE_EXP, 2.0**SAFE_EXP
    return (values > 0) & ((values < lo) | (values > hi))


def column_scales(col_max):
    """Power-of-two scales for the columns out of range, or None if none is."""
    bad = _out_of_range(col_max)
    if not bad.any():
        return None
    scales = np.ones(col_max.shape[0])
    scales[bad] = power_of_two(col_max[bad])
    return scales


def target_scale(y):
    """Power-of-two scale of a target out of range, else 1.0."""
    top = float(np.max(np.abs(y), initial=0.0))
    if not _out_of_range(np.array([top]))[0]:
        return 1.0
    return float(power_of_two(top))


def scale_design(design, scales):
    """A copy of the design with column ``j`` divided by ``scales[j]`` (exact)."""
    if isinstance(design, DenseDesign):
        X = np.asfortranarray(design.X / scales)
        return DenseDesign(readonly(X))
    data = np.array(design.data)
    counts = np.diff(design.indptr)
    data /= np.repeat(scales, counts)
    return CSCDesign(readonly(data), design.indices, design.indptr, design.shape)


@dataclass(frozen=True)
class Scaling:
    """Column scales ``col`` (None: all 1) and the target scale ``y`` of a problem."""

    col: object = None
    y: float = 1.0

    @property
    def identity(self):
        """Whether nothing is scaled."""
        return self.col is None and self.y == 1.0

    def penalty(self, pen, degree):
        """The penalty array in scaled units (``degree`` of the loss)."""
        if self.identity:
            return pen
        col = np.ones(pen.shape[1]) if self.col is None else self.col
        return rescale(pen, col, self.y, degree)

    def coef(self, w):
        """Coefficients back in the data's units."""
        w = np.asarray(w, dtype=np.float64) * self.y
        return w if self.col is None else w / self.col

    def coef_in(self, w):
        """Coefficients in the data's units mapped to scaled units (warm starts)."""
        w = np.asarray(w, dtype=np.float64) / self.y
        return w if self.col is None else w * self.col

    def with_target(self, y_scale):
        """The same column scales with another target scale."""
        return Scaling(self.col, float(y_scale))

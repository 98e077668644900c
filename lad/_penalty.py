"""The penalty as plain vectors, one home for everything a penalty means.

A penalty on the coefficients ``w`` is, per feature ``j``::

    l1_j |w_j| + (l2_j / 2) w_j^2,   subject to   lower_j <= w_j <= upper_j

in the estimator's units (the units of ``alpha``). Every layer, from the estimators
to the kernels, passes it as one float64 array of shape ``(4, n_features)`` with
rows :data:`L1`, :data:`L2`, :data:`LOWER`, :data:`UPPER` (each kind contiguous:
the passes over every feature, gaps and screening, read only the rows they need);
each kernel multiplies by
its own normalisation (``n`` for the squared loss, ``W / 2`` for the absolute
loss). Today's scalar ``alpha`` is the array with ``l1 = alpha``, ``l2 = 0`` and
infinite bounds. The bounds always contain 0, as glmnet requires, so ``w = 0`` is
feasible and ``alpha_max`` exists.

:class:`Penalty` builds that array from the public parameters and validates them;
the functions below are its proximal map, conjugate and dual-feasibility limit in
NumPy (the certificates' and diagnostics' side; the kernels have Numba twins in
:mod:`lad._kernels._penalty`).
"""

from dataclasses import dataclass
from numbers import Real

import numpy as np

L1, L2, LOWER, UPPER = 0, 1, 2, 3
# Relative excess over an L1 weight that still counts as on the constraint (the
# dual point scaled to |g| = l1 lands a rounding error past it).
CONJ_RTOL = 1e-12

__all__ = [
    "L1",
    "L2",
    "LOWER",
    "UPPER",
    "Penalty",
    "l1_vectors",
    "value",
    "conjugate",
    "dual_limit",
    "rescale",
    "for_kernels",
    "is_plain",
]


def _vector(value, n_features, name):
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        return np.full(n_features, float(arr))
    if arr.ndim != 1 or arr.shape[0] != n_features:
        raise ValueError(
            f"{name} must be a scalar or an array of shape ({n_features},); got "
            f"shape {arr.shape}."
        )
    return arr.copy()


@dataclass(frozen=True)
class Penalty:
    """``alpha * sum_j pf_j (l1_ratio |w_j| + (1 - l1_ratio) / 2 w_j^2)`` with bounds.

    Parameters
    ----------
    alpha : float
        Overall strength, non-negative.
    n_features : int
        Number of coefficients.
    l1_ratio : float, default=1.0
        Share of the L1 part, in [0, 1].
    penalty_factor : array-like of shape (n_features,), default=None
        Non-negative finite factors ``pf_j`` (all ones when None).
    lower_bounds, upper_bounds : float or array-like of shape (n_features,), \
default=None
        Bounds on the coefficients, ``lower <= 0 <= upper`` (unbounded when None).
    positive : bool, default=False
        Shorthand for ``lower_bounds=0``.
    """

    alpha: float
    n_features: int
    l1_ratio: float = 1.0
    penalty_factor: object = None
    lower_bounds: object = None
    upper_bounds: object = None
    positive: bool = False

    def __post_init__(self):
        if not isinstance(self.alpha, Real) or not self.alpha >= 0:
            raise ValueError(
                f"alpha must be a non-negative number; got {self.alpha!r}."
            )
        if not np.isfinite(self.alpha):
            raise ValueError(f"alpha must be finite; got {self.alpha!r}.")
        if not isinstance(self.l1_ratio, Real) or not 0 <= self.l1_ratio <= 1:
            raise ValueError(f"l1_ratio must be in [0, 1]; got {self.l1_ratio!r}.")
        # Validate once and keep the vectors: a path builds one array per alpha.
        object.__setattr__(self, "_pf", self._factors())
        object.__setattr__(self, "_bounds", self._check_bounds())

    def factors(self):
        """The penalty factors as a float64 vector (ones when not given)."""
        return self._pf.copy()

    def bounds(self):
        """``(lower, upper)`` as float64 vectors, checked to contain 0."""
        return self._bounds[0].copy(), self._bounds[1].copy()

    def _factors(self):
        p = self.n_features
        if self.penalty_factor is None:
            return np.ones(p)
        pf = _vector(self.penalty_factor, p, "penalty_factor")
        if not np.all(np.isfinite(pf)) or np.any(pf < 0):
            raise ValueError(
                "penalty_factor must be finite and non-negative; got "
                f"min {np.min(pf, initial=np.inf)!r}."
            )
        return pf

    def _check_bounds(self):
        p = self.n_features
        if self.lower_bounds is None and self.upper_bounds is None:
            # Nothing given, nothing to check (this runs on every fit).
            lower = np.zeros(p) if self.positive else np.full(p, -np.inf)
            return lower, np.full(p, np.inf)
        lo = np.full(p, -np.inf)
        if self.lower_bounds is not None:
            lo = _vector(self.lower_bounds, p, "lower_bounds")
        if self.positive:
            if self.lower_bounds is not None and np.any(lo != 0):
                raise ValueError(
                    "positive=True means lower_bounds=0; it conflicts with the "
                    "lower_bounds given."
                )
            lo = np.zeros(p)
        hi = np.full(p, np.inf)
        if self.upper_bounds is not None:
            hi = _vector(self.upper_bounds, p, "upper_bounds")
        for name, v in (("lower_bounds", lo), ("upper_bounds", hi)):
            if np.any(np.isnan(v)):
                raise ValueError(f"{name} must not contain NaN.")
        if np.any(lo > hi):
            j = int(np.flatnonzero(lo > hi)[0])
            raise ValueError(
                f"lower_bounds > upper_bounds at feature {j} ({lo[j]!r} > {hi[j]!r})."
            )
        if np.any(lo > 0) or np.any(hi < 0):
            raise ValueError(
                "The bounds must contain 0 (lower_bounds <= 0 <= upper_bounds), as "
                "in glmnet: w = 0 must be feasible."
            )
        return lo, hi

    def array(self, alpha=None):
        """The ``(4, n_features)`` penalty array, for ``alpha`` (default: own)."""
        a = float(self.alpha if alpha is None else alpha)
        pf = self._pf
        lo, hi = self._bounds
        pen = np.empty((4, self.n_features))
        pen[L1] = a * self.l1_ratio * pf
        pen[L2] = a * (1.0 - self.l1_ratio) * pf
        pen[LOWER] = lo
        pen[UPPER] = hi
        return pen

    def unit(self):
        """The penalty array at ``alpha = 1``: ``alpha_max`` is measured in it."""
        return self.array(1.0)


def l1_vectors(alpha, n_features, positive=False):
    """The plain Lasso penalty ``alpha ||w||_1`` (optionally ``w >= 0``) as an array."""
    return Penalty(float(alpha), int(n_features), positive=bool(positive)).array()


def for_kernels(pen):
    """The penalty array as the kernels take it (C-contiguous float64).

    A penalty that is the same for every feature (the plain Lasso, the elastic net
    without factors or bounds) becomes one column: the kernels read column
    ``j if n_columns > 1 else 0`` (:func:`lad._kernels._penalty.col`), and the
    passes over every feature no longer stream a ``4 x n_features`` array through
    the cache beside ``X`` (on a 5000 x 50000 tf-idf Lasso that cost a fifth of the
    fit).
    """
    pen = np.ascontiguousarray(pen, dtype=np.float64)
    if pen.shape[1] > 1 and np.all(pen == pen[:, :1]):
        return np.ascontiguousarray(pen[:, :1])
    return pen


def is_plain(pen):
    """Whether ``pen`` is one L1 weight for every feature, no ridge, no bounds."""
    return bool(
        np.all(pen[L2] == 0)
        and np.all(pen[L1] == pen[L1, 0] if pen.shape[1] else True)
        and np.all(np.isneginf(pen[LOWER]))
        and np.all(np.isposinf(pen[UPPER]))
    )


def value(pen, w):
    """The penalty at ``w`` (``inf`` outside the bounds)."""
    w = np.asarray(w, dtype=np.float64)
    if np.any(w < pen[LOWER]) or np.any(w > pen[UPPER]):
        return np.inf
    l1_part = float(pen[L1] @ np.abs(w))
    if not np.any(pen[L2]):
        return l1_part  # w * w would overflow for |w| > 1e154, times a zero weight
    return l1_part + 0.5 * float(pen[L2] @ (w * w))


def conjugate(pen, g):
    """Convex conjugate of each coordinate's penalty at ``g`` (``inf`` if unbounded).

    ``h_j*(g) = sup_{lower <= v <= upper} g v - l1 |v| - l2 v^2 / 2``; with
    ``lower <= 0 <= upper`` only the side of the sign of ``g`` can contribute.
    """
    g = np.asarray(g, dtype=np.float64)
    l1, l2, lo, hi = pen[L1], pen[L2], pen[LOWER], pen[UPPER]
    out = np.zeros_like(g)
    for side, bound in ((1.0, hi), (-1.0, lo)):
        excess = side * g - l1  # slope of the linear part on this side
        act = excess > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            v = np.where(l2 > 0, excess / np.where(l2 > 0, l2, 1.0), np.inf)
        v = np.minimum(v, side * bound)  # distance to the bound on this side
        finite = np.isfinite(v)
        vf = np.where(finite, v, 0.0)
        # A dual point scaled to |g| = l1 lands a rounding error past it.
        on_edge = excess <= CONJ_RTOL * l1
        val = np.where(finite, excess * vf - 0.5 * l2 * vf * vf,
                       np.where(on_edge, 0.0, np.inf))  # fmt: skip
        out = np.where(act, val, out)
    return out


def dual_limit(pen, g):
    """Largest ``s`` in [0, 1] with every ``h_j*(s g_j)`` finite.

    Only coordinates with no ridge part and no bound on the side of ``g_j`` limit
    it (they need ``|s g_j| <= l1_j``): the Lasso's ``min(1, lam / ||g||_inf)``.
    """
    g = np.asarray(g, dtype=np.float64)
    l1, l2, lo, hi = pen[L1], pen[L2], pen[LOWER], pen[UPPER]
    open_side = np.where(g > 0, np.isposinf(hi), np.isneginf(lo)) & (l2 == 0)
    mag = np.abs(g)
    bad = open_side & (mag > l1)
    if not bad.any():
        return 1.0
    return float(np.min(l1[bad] / mag[bad]))


def rescale(pen, col_scale, y_scale, degree):
    """The penalty of the problem in scaled units.

    With ``X = X' diag(col_scale)`` and ``y = y_scale y'``, the coefficients are
    ``w = y_scale w' / col_scale`` and a loss homogeneous of ``degree`` (2 for the
    squared loss, 1 for the absolute loss) scales by ``y_scale ** degree``; the
    scaled problem, divided by that, has this penalty.
    """
    out = np.empty_like(pen)
    d = np.asarray(col_scale, dtype=np.float64)
    # Divide twice rather than by d * d: the scales can be 2**600.
    out[L1] = pen[L1] * y_scale ** (1 - degree) / d
    out[L2] = pen[L2] * y_scale ** (2 - degree) / d / d
    out[LOWER] = pen[LOWER] * d / y_scale
    out[UPPER] = pen[UPPER] * d / y_scale
    return out

"""The penalty parameters every estimator shares: their constraints, docs and rows.

``l1_ratio``, ``penalty_factor``, ``lower_bounds`` and ``upper_bounds`` mean the
same in :class:`~lad.LassoL1`, :class:`~lad.LADRegressor` and their CV classes;
this mixin turns them into a :class:`lad._penalty.Penalty` (which validates them)
and into the sparsity report's rows.
"""

from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval

from .._penalty import Penalty

PENALTY_CONSTRAINTS = {
    "l1_ratio": [Interval(Real, 0, 1, closed="both")],
    "penalty_factor": ["array-like", None],
    "lower_bounds": [Real, "array-like", None],
    "upper_bounds": [Real, "array-like", None],
}


class PenalisedMixin:
    """Penalty parameters of an estimator as a :class:`lad._penalty.Penalty`."""

    def _penalty_params(self, l1_ratio=None):
        ratio = getattr(self, "l1_ratio", 1.0) if l1_ratio is None else l1_ratio
        return {
            "l1_ratio": float(ratio),
            "penalty_factor": self.penalty_factor,
            "lower_bounds": self.lower_bounds,
            "upper_bounds": self.upper_bounds,
            "positive": bool(getattr(self, "positive", False)),
        }

    def _penalty(self, alpha, n_features, l1_ratio=None):
        return Penalty(float(alpha), int(n_features), **self._penalty_params(l1_ratio))

    def _penalty_suffix(self, l1_ratio=None):
        """The model line's mention of the parameters that differ from the Lasso."""
        ratio = getattr(self, "l1_ratio", 1.0) if l1_ratio is None else l1_ratio
        extra = f", l1_ratio={ratio:g}" if ratio != 1 else ""
        for name in ("penalty_factor", "lower_bounds", "upper_bounds"):
            if getattr(self, name) is not None:
                extra += f", {name}=..."
        return extra

    def _penalty_rows(self, coef, alpha, l1_ratio=None):
        """Report rows for a penalty beyond the plain L1: factors and bounds."""
        rows = {}
        pen = self._penalty(alpha, coef.shape[0], l1_ratio)
        if self.penalty_factor is not None:
            pf = pen.factors()
            rows["penalty factors"] = (
                f"min {pf.min():.3g}, max {pf.max():.3g}; "
                f"{int(np.sum(pf == 0))} unpenalised"
            )
        if self.lower_bounds is not None or self.upper_bounds is not None:
            lo, hi = pen.bounds()
            at = np.flatnonzero((coef != 0) & ((coef == lo) | (coef == hi)))
            rows["at a bound"] = f"{at.size} coefficients"
        return rows

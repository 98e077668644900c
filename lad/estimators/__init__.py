"""Public estimators (re-exports only)."""

from ._lad import LADRegressor
from ._lasso import LassoL1

__all__ = ["LADRegressor", "LassoL1"]

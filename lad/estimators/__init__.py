"""Public estimators (re-exports only)."""

from ._lasso import LassoL1

__all__ = ["LassoL1"]

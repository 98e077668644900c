"""Public estimators (re-exports only)."""

from ._cv import LADRegressorCV, LassoL1CV
from ._lad import LADRegressor
from ._lasso import LassoL1
from ._multi import MultiQuantileRegressor

__all__ = [
    "LADRegressor",
    "LADRegressorCV",
    "LassoL1",
    "LassoL1CV",
    "MultiQuantileRegressor",
]

"""lad: sparse and robust linear regression with certified, Numba-compiled solvers."""

from . import datasets, diagnostics
from ._report import SparsityReport
from .estimators import LADRegressor, LassoL1

__version__ = "0.1.0.dev0"

__all__ = [
    "LADRegressor",
    "LassoL1",
    "SparsityReport",
    "datasets",
    "diagnostics",
    "__version__",
]

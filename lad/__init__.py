"""lad: sparse and robust linear regression with certified, Numba-compiled solvers."""

from . import datasets, diagnostics
from ._report import SparsityReport
from .estimators import LADRegressor, LADRegressorCV, LassoL1, LassoL1CV
from .path import Path, alpha_max, lad_path, lasso_path
from .plotting import plot_cv, plot_path

__version__ = "0.1.0.dev0"

__all__ = [
    "LADRegressor",
    "LADRegressorCV",
    "LassoL1",
    "LassoL1CV",
    "Path",
    "SparsityReport",
    "alpha_max",
    "lad_path",
    "lasso_path",
    "plot_cv",
    "plot_path",
    "datasets",
    "diagnostics",
    "__version__",
]

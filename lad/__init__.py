"""lad: sparse and robust linear regression with certified, Numba-compiled solvers.

Public names are loaded on first use (PEP 562), so ``import lad`` stays cheap and
scikit-learn, SciPy and Numba are imported only when an estimator or function is
first touched.
"""

from importlib import import_module

__version__ = "0.1.0.dev0"

_LAZY = {
    "LADRegressor": "lad.estimators",
    "LADRegressorCV": "lad.estimators",
    "LassoL1": "lad.estimators",
    "LassoL1CV": "lad.estimators",
    "MultiQuantileRegressor": "lad.estimators",
    "Path": "lad.path",
    "SparsityReport": "lad._report",
    "alpha_max": "lad.path",
    "lad_path": "lad.path",
    "lasso_path": "lad.path",
    "plot_cv": "lad.plotting",
    "plot_path": "lad.plotting",
    "plot_quantile_process": "lad.plotting",
}
_SUBMODULES = {"datasets", "diagnostics", "inference", "path", "plotting", "estimators"}

__all__ = [
    "LADRegressor",
    "LADRegressorCV",
    "LassoL1",
    "LassoL1CV",
    "MultiQuantileRegressor",
    "Path",
    "SparsityReport",
    "alpha_max",
    "lad_path",
    "lasso_path",
    "plot_cv",
    "plot_path",
    "plot_quantile_process",
    "datasets",
    "diagnostics",
    "inference",
    "__version__",
]


def __getattr__(name):
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
    elif name in _SUBMODULES:
        value = import_module(f"lad.{name}")
    else:
        raise AttributeError(f"module 'lad' has no attribute {name!r}")
    globals()[name] = value  # later look-ups skip __getattr__
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))

"""Helpers shared by the estimators: seeds, warnings, prediction, stored results."""

import warnings
from numbers import Integral

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from .._validation import Interval, StrOptions, validate_predict_data

# The constraint of every ``verbose`` parameter (see lad._progress).
VERBOSE = [
    Interval(Integral, 0, None, closed="left"),
    "boolean",
    StrOptions({"progress"}),
]


def selection_seed(selection, random_state):
    """Kernel seed: -1 for cyclic selection, else a seed drawn from ``random_state``."""
    if selection != "random":
        return -1
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


def warn_if_unconverged(estimator, result, *, target=None, advice=None):
    """Issue a ``ConvergenceWarning`` stating how far from optimal a solve stopped."""
    if result.converged:
        return
    which = "" if target is None else f" (target {target})"
    warnings.warn(
        f"{type(estimator).__name__} did not converge{which} after "
        f"{result.n_iter} iterations: duality gap {result.dual_gap:.3e} > "
        f"tolerance {result.tol:.3e}. "
        + (
            advice
            or "The returned coefficients are the last iterate; increase `max_iter`, "
            "scale the features, or increase `alpha`."
        ),
        ConvergenceWarning,
        stacklevel=3,
    )


def warn_if_null(estimator, alpha, amax, loss):
    """Say once per fit that ``alpha >= alpha_max`` made every coefficient zero.

    A first ``alpha`` is often on the wrong scale (``alpha_max`` of the absolute
    loss is far below the squared loss's on the same data); an all-zero model that
    looks like an answer should not pass silently.
    """
    if not alpha > 0 or not 0 < amax < np.inf or alpha < amax:
        return  # alpha_max = 0: every alpha gives the constant model on these data
    warnings.warn(
        f"{type(estimator).__name__}: alpha={alpha:.4g} is at or above alpha_max="
        f"{amax:.4g}, so every coefficient is exactly zero (the model predicts a "
        f"constant). Choose alpha below lad.alpha_max(X, y, loss={loss!r}), e.g. "
        f"{amax / 10:.3g}, or let {type(estimator).__name__}CV choose it.",
        UserWarning,
        stacklevel=3,
    )


def alpha_rows(alpha, amax):
    """Report rows that put ``alpha`` on the scale of the data."""
    if np.isnan(amax):
        return {"alpha_max": "not computed at alpha = 0 (lad.alpha_max gives it)"}
    if not np.isfinite(amax):
        return {"alpha_max": "none (an unpenalised coefficient)"}
    ratio = alpha / amax if amax > 0 else np.inf
    return {"alpha_max": float(amax), "alpha / alpha_max": float(ratio)}


def check_finite_result(coef, intercept):
    """Refuse to return non-finite parameters (overflowing data, for instance)."""
    if not (np.all(np.isfinite(coef)) and np.all(np.isfinite(intercept))):
        raise ValueError(
            "The solver produced non-finite coefficients. The input data may "
            "contain values too large to be represented; rescale it."
        )


def predict_linear(estimator, X):
    """``X @ coef_.T + intercept_`` after the usual fitted/feature checks."""
    check_is_fitted(estimator)
    X = validate_predict_data(estimator, X)
    coef = estimator.coef_
    out = X @ coef.T + estimator.intercept_
    return np.asarray(out).astype(coef.dtype, copy=False)


def report_names(estimator, feature_names):
    """Names for a sparsity report: the given ones (checked) or those seen in fit."""
    if feature_names is None:
        return getattr(estimator, "feature_names_in_", None)
    names = np.asarray(feature_names, dtype=object).ravel()
    if names.shape[0] != estimator.n_features_in_:
        raise ValueError(
            f"feature_names has {names.shape[0]} entries; the model was fit on "
            f"{estimator.n_features_in_} features."
        )
    return names.astype(str)

"""Plots of regularization paths and cross-validation curves (matplotlib optional)."""

import numpy as np

__all__ = ["plot_path", "plot_cv"]


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - exercised with matplotlib absent
        raise ImportError(
            "lad's plots need matplotlib, an optional dependency: install it with "
            "`pip install lad[plot]` (or `pip install matplotlib`)."
        ) from exc
    return plt


def _path_arrays(path):
    """``(alphas, coefs, chosen alphas, feature names)`` from a Path or CV estimator."""
    if hasattr(path, "coef_path_"):
        marks = {"alpha_": path.alpha_}
        if getattr(path, "alpha_1se_", path.alpha_) != getattr(
            path, "alpha_min_", None
        ):
            marks = {"min": path.alpha_min_, "1se": path.alpha_1se_}
        names = getattr(path, "feature_names_in_", None)
        return path.alphas_, path.coef_path_, marks, names
    if hasattr(path, "alphas") and hasattr(path, "coefs"):
        return np.asarray(path.alphas), np.asarray(path.coefs), {}, None
    raise TypeError(
        "plot_path expects a lad.Path (from lasso_path or lad_path) or a fitted "
        f"LassoL1CV / LADRegressorCV; got {type(path).__name__}."
    )


def plot_path(path, *, ax=None, feature_names=None, alpha=None, max_labels=10):
    """Plot coefficients against alpha on a log axis.

    Parameters
    ----------
    path : Path or fitted LassoL1CV or LADRegressorCV
        The regularization path to draw; a CV estimator also marks its chosen alpha.
    ax : matplotlib.axes.Axes, default=None
        Axes to draw on; a new figure is made when None.
    feature_names : array-like of str, default=None
        Labels for the features; defaults to the names seen in ``fit`` or ``x0, ...``.
    alpha : float, default=None
        An alpha to mark with a vertical line (in addition to a CV choice).
    max_labels : int, default=10
        Label at most this many curves (those with the largest final magnitude).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from lad import lasso_path, plot_path
    >>> from lad.datasets import make_sparse_regression
    >>> X, y, _ = make_sparse_regression(n_samples=40, n_features=5, random_state=0)
    >>> ax = plot_path(lasso_path(X, y, n_alphas=20))
    >>> len(ax.get_lines())  # five coefficient curves and the zero line
    6
    """
    plt = _pyplot()
    alphas, coefs, marks, names = _path_arrays(path)
    if feature_names is not None:
        names = np.asarray(feature_names)
    if ax is None:
        _, ax = plt.subplots()
    labelled = set(np.argsort(-np.abs(coefs[:, -1]))[:max_labels].tolist())
    # Features that never enter lie on the zero line drawn below; one line each
    # would make wide paths (thousands of features) very slow to draw.
    for j in np.flatnonzero(np.any(coefs != 0, axis=1)):
        label = None
        if j in labelled:
            label = f"x{j}" if names is None else str(names[j])
        ax.plot(alphas, coefs[j], label=label)
    ax.set_xscale("log")
    ax.invert_xaxis()  # alpha decreases along the path, as the model grows
    if alpha is not None:
        marks = {**marks, "alpha": alpha}
    for i, (name, value) in enumerate(marks.items()):
        ax.axvline(value, color="k", linestyle=("--", ":", "-.")[i % 3], linewidth=1,
                   label=f"{name} = {value:.3g}")  # fmt: skip
    ax.axhline(0.0, color="0.7", linewidth=0.5)
    ax.set_xlabel("alpha (log scale)")
    ax.set_ylabel("coefficient")
    ax.set_title("Regularization path")
    if ax.get_legend_handles_labels()[0]:
        # A fixed location: "best" searches every line and is slow on wide paths.
        ax.legend(fontsize="small", loc="upper left")
    return ax


def plot_cv(estimator, *, ax=None):
    """Plot the mean CV error with standard-error bars against alpha.

    Parameters
    ----------
    estimator : fitted LassoL1CV or LADRegressorCV
        The cross-validated estimator.
    ax : matplotlib.axes.Axes, default=None
        Axes to draw on; a new figure is made when None.

    Returns
    -------
    matplotlib.axes.Axes
        The axes of the error curve. The number of non-zero coefficients of the
        full-data path is drawn on a secondary y axis (``ax.right_ax``).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from lad import LassoL1CV, plot_cv
    >>> from lad.datasets import make_sparse_regression
    >>> X, y, _ = make_sparse_regression(n_samples=60, n_features=5, random_state=0)
    >>> ax = plot_cv(LassoL1CV(n_alphas=10, cv=3).fit(X, y))
    >>> ax.get_xscale()
    'log'
    """
    plt = _pyplot()
    if not hasattr(estimator, "cv_error_mean_"):
        raise TypeError(
            "plot_cv expects a fitted LassoL1CV or LADRegressorCV; got "
            f"{type(estimator).__name__}."
        )
    if ax is None:
        _, ax = plt.subplots()
    alphas = estimator.alphas_
    ax.errorbar(alphas, estimator.cv_error_mean_, yerr=estimator.cv_error_se_,
                fmt="o-", markersize=3, capsize=2, color="tab:red",
                label="mean CV error +/- 1 SE")  # fmt: skip
    ax.axvline(estimator.alpha_min_, color="k", linestyle="--", linewidth=1,
               label=f"min: {estimator.alpha_min_:.3g}")  # fmt: skip
    ax.axvline(estimator.alpha_1se_, color="k", linestyle=":", linewidth=1,
               label=f"1se: {estimator.alpha_1se_:.3g}")  # fmt: skip
    ax.set_xscale("log")
    ax.invert_xaxis()
    ax.set_xlabel("alpha (log scale)")
    ax.set_ylabel("CV error")
    right = ax.twinx()
    right.plot(alphas, estimator.n_nonzero_path_, color="tab:blue", linewidth=1,
               label="non-zero coefficients")  # fmt: skip
    right.set_ylabel("non-zero coefficients", color="tab:blue")
    ax.right_ax = right
    handles, labels = ax.get_legend_handles_labels()
    h2, l2 = right.get_legend_handles_labels()
    ax.legend(handles + h2, labels + l2, fontsize="small")
    ax.set_title(f"Cross-validation ({type(estimator).__name__})")
    return ax

"""Plots of regularization paths and cross-validation curves (matplotlib optional)."""

import numpy as np
from sklearn.utils.validation import check_is_fitted

__all__ = ["plot_path", "plot_cv", "plot_quantile_process"]


def _is_cv_estimator(obj):
    return hasattr(obj, "alpha_rule") and hasattr(obj, "get_params")


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - exercised with matplotlib absent
        raise ImportError(
            "lad's plots need matplotlib, an optional dependency: install it with "
            "`pip install lad[plot]` (or `pip install matplotlib`)."
        ) from exc
    return plt


def _new_axes(plt):
    # Constrained layout keeps labels, twin axes and outside legends clear of
    # each other and of neighbouring axes.
    fig = plt.figure(layout="constrained", figsize=(6.4, 4.0))
    return fig.add_subplot()


def _outside_legend(ax, handles=None, labels=None):
    """A legend to the right of the axes: it never covers a curve."""
    if handles is None:
        handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(
            handles,
            labels,
            fontsize="small",
            loc="upper left",
            bbox_to_anchor=(1.02, 1.0),
            borderaxespad=0.0,
            frameon=False,
        )


def _path_arrays(path):
    """``(alphas, coefs, chosen alphas, feature names)`` from a Path or CV estimator."""
    if _is_cv_estimator(path):
        check_is_fitted(path, "coef_path_")
    if hasattr(path, "coef_path_"):
        marks = {"alpha_": path.alpha_}
        if getattr(path, "alpha_1se_", path.alpha_) != getattr(
            path, "alpha_min_", None
        ):
            marks = {"min": path.alpha_min_, "1se": path.alpha_1se_}
        names = getattr(path, "feature_names_in_", None)
        return path.alphas_, path.coef_path_, marks, names
    if hasattr(path, "alphas") and hasattr(path, "coefs"):
        names = getattr(path, "feature_names", None)
        return np.asarray(path.alphas), np.asarray(path.coefs), {}, names
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
        ax = _new_axes(plt)
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
    _outside_legend(ax)
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
    if _is_cv_estimator(estimator):
        check_is_fitted(estimator, "cv_error_mean_")
    if not hasattr(estimator, "cv_error_mean_"):
        raise TypeError(
            "plot_cv expects a fitted LassoL1CV or LADRegressorCV; got "
            f"{type(estimator).__name__}."
        )
    if ax is None:
        ax = _new_axes(plt)
    alphas = estimator.alphas_
    mean, se = estimator.cv_error_mean_, estimator.cv_error_se_
    # A thin band for +/- 1 SE: a hundred error bars form a wall.
    ax.fill_between(alphas, mean - se, mean + se, color="tab:red", alpha=0.2,
                    linewidth=0, label="+/- 1 standard error")  # fmt: skip
    ax.plot(alphas, mean, color="tab:red", linewidth=1.5, label="mean CV error")
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
    # Below the axes: the twin axis already uses the space on the right.
    ax.legend(handles + h2, labels + l2, fontsize="small", loc="upper center",
              bbox_to_anchor=(0.5, -0.18), ncol=3, frameon=False)  # fmt: skip
    ax.set_title(f"Cross-validation ({type(estimator).__name__})")
    return ax


def plot_quantile_process(X, y, *, quantiles=None, sample_weight=None, se="nid",
                          level=0.95, fit_intercept=True, random_state=None,
                          axes=None, model=None):  # fmt: skip
    """Plot each coefficient against the quantile with its band (quantreg's figure).

    Fits a :class:`lad.MultiQuantileRegressor` (unpenalised) at every quantile, or
    takes a fitted one, and draws each coefficient, the intercept first, with the
    intervals of :meth:`lad.LADRegressor.summary` as a band.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Training data.
    y : array-like of shape (n_samples,)
        Target.
    quantiles : array-like of float, default=None
        Quantiles in (0, 1); default ``0.05, 0.10, ..., 0.95``.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the fits.
    se : {"nid", "iid", "ker", "boot", "wild"}, default="nid"
        Standard errors of the bands (see :meth:`lad.LADRegressor.summary`).
    level : float, default=0.95
        Level of the bands.
    fit_intercept : bool, default=True
        Whether to fit (and draw) an intercept.
    random_state : int or None, default=None
        Seed of the bootstrap methods.
    axes : array of matplotlib.axes.Axes, default=None
        One axes per coefficient; a new figure is made when None.
    model : MultiQuantileRegressor, default=None
        A fitted model (on ``X``, ``y``) to draw instead of fitting one; its
        quantiles and intercept are used, and ``quantiles`` and
        ``fit_intercept`` must be left at their defaults.

    Returns
    -------
    ndarray of matplotlib.axes.Axes
        One axes per coefficient (intercept first), titled with its name.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from lad import plot_quantile_process
    >>> from lad.datasets import load_engel
    >>> X, y = load_engel()
    >>> axes = plot_quantile_process(X, y, quantiles=[0.25, 0.5, 0.75])
    >>> [ax.get_title() for ax in axes]
    ['(Intercept)', 'x0']
    """
    from sklearn.utils.validation import check_is_fitted

    from .estimators import MultiQuantileRegressor

    plt = _pyplot()
    if model is None:
        qs = np.arange(0.05, 0.96, 0.05) if quantiles is None else quantiles
        model = MultiQuantileRegressor(np.round(qs, 12) if quantiles is None else qs,
                                       fit_intercept=fit_intercept)  # fmt: skip
        model.fit(X, y, sample_weight=sample_weight)
    else:
        if not isinstance(model, MultiQuantileRegressor):
            raise ValueError(
                "model must be a fitted MultiQuantileRegressor; got "
                f"{type(model).__name__}."
            )
        if quantiles is not None:
            raise ValueError("Give quantiles or a fitted model, not both.")
        check_is_fitted(model)
    order = np.argsort(model.quantiles_)
    qs = model.quantiles_[order]
    tables = model.summary(X, y, sample_weight, se=se, level=level,
                           random_state=random_state)  # fmt: skip
    tables = [tables[k] for k in order]
    names = tables[0].names
    coef = np.array([t.coef for t in tables])
    low = np.array([t.conf_int[:, 0] for t in tables])
    high = np.array([t.conf_int[:, 1] for t in tables])
    if axes is None:
        cols = min(len(names), 3)
        rows = -(-len(names) // cols)
        fig = plt.figure(layout="constrained", figsize=(3.4 * cols, 2.8 * rows))
        axes = np.array([fig.add_subplot(rows, cols, k + 1) for k in range(len(names))])
    axes = np.asarray(axes).ravel()
    for k, ax in enumerate(axes[: len(names)]):
        ax.fill_between(qs, low[:, k], high[:, k], color="tab:gray", alpha=0.3,
                        linewidth=0, label=f"{100 * level:g}% band ({se})")  # fmt: skip
        ax.plot(qs, coef[:, k], "o-", color="k", markersize=3, linewidth=1)
        ax.axhline(0.0, color="tab:red", linewidth=0.8, linestyle=":")
        ax.set_title(names[k])
        ax.set_xlabel("quantile")
    axes[0].legend(fontsize="small", frameon=False)
    return axes[: len(names)]

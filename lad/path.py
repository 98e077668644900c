"""Regularization paths and the smallest all-zero alpha, for both losses."""

from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state

from ._kernels.squared import cd_squared_gram_path
from ._report import SparsityReport
from ._solvers._cd import (
    centered_target,
    null_gradient,
    prepare_squared,
    prepare_target,
    solve_lasso,
)
from ._solvers._lad import (
    alpha_max_absolute,
    null_objective,
    solve_lad,
    usable_columns,
)
from ._validation import (
    DenseDesign,
    as_kernel_inputs,
    full_weights,
    normalized_weights,
    readonly,
    validate_path_data,
)

__all__ = ["Path", "alpha_max", "alpha_grid", "lasso_path", "lad_path"]


@dataclass(frozen=True)
class Path:
    """Solutions along a decreasing grid of ``alpha``, returned by the path functions.

    Unpacks like a tuple: ``alphas, coefs, intercepts, dual_gaps, n_iters = path``.

    Parameters
    ----------
    alphas : ndarray of shape (n_alphas,)
        The grid, in decreasing order.
    coefs : ndarray of shape (n_features, n_alphas)
        Coefficients at each alpha.
    intercepts : ndarray of shape (n_alphas,)
        Intercepts at each alpha.
    dual_gaps : ndarray of shape (n_alphas,)
        Duality gap of each solution, in the objective's units.
    n_iters : ndarray of shape (n_alphas,)
        Iterations spent at each alpha.
    converged : ndarray of shape (n_alphas,)
        Whether each gap reached its tolerance.
    loss : {"squared", "absolute"}
        The loss of the path.

    Attributes
    ----------
    n_nonzero : ndarray of shape (n_alphas,)
        Number of non-zero coefficients at each alpha.
    entry_alphas : ndarray of shape (n_features,)
        Largest alpha at which each feature is non-zero (NaN if never).

    Examples
    --------
    >>> from lad import lasso_path
    >>> from lad.datasets import make_sparse_regression
    >>> X, y, _ = make_sparse_regression(n_samples=30, n_features=4, random_state=0)
    >>> alphas, coefs, intercepts, gaps, n_iters = lasso_path(X, y, n_alphas=3)
    >>> coefs.shape
    (4, 3)
    """

    alphas: np.ndarray
    coefs: np.ndarray
    intercepts: np.ndarray
    dual_gaps: np.ndarray
    n_iters: np.ndarray
    converged: np.ndarray
    loss: str

    def __iter__(self):
        return iter(
            (self.alphas, self.coefs, self.intercepts, self.dual_gaps, self.n_iters)
        )

    @property
    def n_nonzero(self):
        """Number of non-zero coefficients at each alpha.

        Examples
        --------
        >>> from lad import lasso_path
        >>> from lad.datasets import make_sparse_regression
        >>> X, y, _ = make_sparse_regression(n_samples=40, n_features=5,
        ...                                  n_informative=2, random_state=0)
        >>> path = lasso_path(X, y, n_alphas=4)
        >>> path.n_nonzero.tolist()
        [0, 2, 5, 5]
        """
        return np.count_nonzero(self.coefs, axis=0)

    @property
    def entry_alphas(self):
        """For each feature, the largest alpha of the grid at which it is non-zero.

        This is where the feature enters the model as alpha decreases; NaN for
        features that stay at zero along the whole grid.

        Examples
        --------
        >>> from lad import lasso_path
        >>> from lad.datasets import make_sparse_regression
        >>> X, y, _ = make_sparse_regression(n_samples=40, n_features=5,
        ...                                  n_informative=2, random_state=0)
        >>> path = lasso_path(X, y, n_alphas=4)
        >>> (path.entry_alphas == path.alphas[1]).tolist()
        [True, False, False, False, True]
        """
        return entry_alphas(self.alphas, self.coefs)

    def sparsity_report(self, index=-1, *, feature_names=None, top=10):
        """Sparsity report at one alpha of the path, with path-wide details.

        Parameters
        ----------
        index : int, default=-1
            Which alpha of the grid to report on (the smallest by default).
        feature_names : array-like of str, default=None
            Names to show instead of ``x0, x1, ...``.
        top : int, default=10
            Number of largest coefficients to list.

        Returns
        -------
        SparsityReport
            The report at ``alphas[index]``; ``details`` hold the number of
            non-zeros at every alpha and the entry alpha of every feature that enters.
            The objective and KKT violation are not measured here (NaN): they need the
            data, see :func:`lad.diagnostics.certify`.

        Examples
        --------
        >>> from lad import lasso_path
        >>> from lad.datasets import make_sparse_regression
        >>> X, y, _ = make_sparse_regression(n_samples=40, n_features=5,
        ...                                  n_informative=2, random_state=0)
        >>> path = lasso_path(X, y, n_alphas=4)
        >>> path.sparsity_report().n_nonzero
        5
        >>> path.sparsity_report(1, feature_names=list("abcde")).support_names
        ['a', 'e']
        """
        names = None if feature_names is None else np.asarray(feature_names)
        return SparsityReport(
            model=f"{self.loss} path at alpha={self.alphas[index]:.4g}",
            coef=np.asarray(self.coefs[:, index], dtype=np.float64),
            feature_names=names,
            dual_gap=float(self.dual_gaps[index]),
            gap_tol=float("nan"),
            kkt_violation=float("nan"),
            objective=float("nan"),
            converged=bool(self.converged[index]),
            top=top,
            details=path_details(self.alphas, self.coefs, names),
        )


def entry_alphas(alphas, coefs):
    """Largest alpha at which each feature is non-zero (NaN if never)."""
    nz = coefs != 0
    first = np.argmax(nz, axis=1)
    out = np.asarray(alphas, dtype=np.float64)[first].copy()
    out[~nz.any(axis=1)] = np.nan
    return out


def path_details(alphas, coefs, feature_names=None, limit=10):
    """Report rows shared by paths and CV estimators: entry alphas, non-zero counts."""
    entry = entry_alphas(alphas, coefs)
    entered = np.flatnonzero(~np.isnan(entry))
    order = entered[np.argsort(-entry[entered], kind="stable")]
    names = [f"x{j}" if feature_names is None else str(feature_names[j]) for j in order]
    shown = ", ".join(
        f"{nm}@{entry[j]:.3g}" for nm, j in zip(names, order, strict=True)
    )
    if order.size > limit:
        shown = (
            ", ".join(
                f"{nm}@{entry[j]:.3g}"
                for nm, j in zip(names[:limit], order[:limit], strict=True)
            )
            + f", ... ({order.size - limit} more)"
        )
    return {
        "entry alpha (first features)": shown or "none",
        "non-zeros along the path": np.count_nonzero(coefs, axis=0),
    }


# --- alpha_max ---------------------------------------------------------------------


def _check_common(loss, quantile):
    if loss not in ("squared", "absolute"):
        raise ValueError(f"loss must be 'squared' or 'absolute'; got {loss!r}.")
    if not isinstance(quantile, Real) or not 0 < quantile < 1:
        raise ValueError(f"quantile must be in (0, 1); got {quantile!r}.")


def alpha_max(
    X,
    y,
    *,
    loss="squared",
    quantile=0.5,
    sample_weight=None,
    fit_intercept=True,
    positive=False,
):
    """Smallest ``alpha`` at which every coefficient of the optimum is zero.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Training data.
    y : array-like of shape (n_samples,)
        Target.
    loss : {"squared", "absolute"}, default="squared"
        ``"squared"`` for :class:`lad.LassoL1`, ``"absolute"`` for
        :class:`lad.LADRegressor`.
    quantile : float, default=0.5
        Quantile of the absolute loss.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights.
    fit_intercept : bool, default=True
        Whether the models fit an intercept.
    positive : bool, default=False
        Non-negative coefficients (squared loss only).

    Returns
    -------
    float
        ``alpha_max``; 0.0 when no alpha gives a non-zero coefficient.

    Notes
    -----
    Squared loss: ``max_j |xc_j' S yc| / W`` with the weighted-centred data
    (``max_j`` of the signed value if ``positive``). Absolute loss: the all-zero model
    is optimal iff some subgradient ``u`` at the best intercept satisfies
    ``|sum_i sw_i x_ij u_i| <= alpha W / 2``; with ``u_i`` fixed by the sign of each
    non-zero residual, ``alpha_max = (2/W) min_u max_j |x_j' S u|`` over the choices
    left on the rows fitted exactly and over both ends of the interval of optimal
    intercepts (ties and an even split make the median an interval). That minimum
    is a small linear program.

    Examples
    --------
    >>> import numpy as np
    >>> from lad import alpha_max
    >>> X = np.array([[1.0], [2.0], [3.0], [4.0]]); y = np.array([1.0, 2.0, 2.0, 5.0])
    >>> round(alpha_max(X, y), 6)
    1.5
    """
    _check_common(loss, quantile)
    if positive and loss != "squared":
        raise ValueError("positive=True is only supported for loss='squared'.")
    X, y, sample_weight = validate_path_data(X, y, sample_weight)
    # The squared loss needs one product X'v, in any layout: no F-ordered copy.
    design = as_kernel_inputs(X, fortran=loss != "squared")
    return _alpha_max(design, y, sample_weight, loss, quantile, fit_intercept, positive)


def _alpha_max(design, y, sample_weight, loss, quantile, fit_intercept, positive):
    n = design.shape[0]
    if loss == "squared":
        sw = normalized_weights(sample_weight, n)
        if isinstance(design, DenseDesign) and not design.X.flags.f_contiguous:
            g = _null_gradient_any_layout(design.X, y, sw, fit_intercept)
        else:
            problem = prepare_squared(design, sw, fit_intercept=fit_intercept)
            yc, _ = centered_target(problem, y)
            g = null_gradient(problem, yc)
        top = np.max(g if positive else np.abs(g), initial=0.0)
        return float(max(top, 0.0) / n)
    sw = full_weights(sample_weight, n)
    return alpha_max_absolute(design, y, sw, quantile, fit_intercept)


def _null_gradient_any_layout(X, y, sw, fit_intercept):
    # Xc' S yc without the F-ordered copy the CD kernels need. With yc centred a
    # constant column's product is rounding only (~ n eps |c| max|v|); those few
    # columns are confirmed constant exactly and set to 0, as col_stats does.
    n = X.shape[0]
    v = np.asarray(y, dtype=np.float64)
    if fit_intercept:
        ymean = float(np.dot(sw, v)) / n if sw.shape[0] else float(v.mean())
        v = v - ymean
    if sw.shape[0]:
        v = v * sw
    g = X.T @ v
    if fit_intercept:
        xmean = (X.T @ (sw if sw.shape[0] else np.ones(n))) / n
        g -= xmean * v.sum()
        eps = np.finfo(np.float64).eps
        bound = 64.0 * n * eps * np.abs(xmean) * np.max(np.abs(v), initial=0.0)
        for j in np.flatnonzero(np.abs(g) <= bound):
            if np.all(X[:, j] == X[0, j]):
                g[j] = 0.0
    return g


# --- grids and paths -----------------------------------------------------------------


def alpha_grid(alpha_max, *, n_alphas=100, eps=1e-3):
    """Geometric grid from ``alpha_max`` down to ``eps * alpha_max``.

    Parameters
    ----------
    alpha_max : float
        Largest alpha of the grid (from :func:`alpha_max`).
    n_alphas : int, default=100
        Number of values.
    eps : float, default=1e-3
        Ratio of the smallest to the largest alpha, in (0, 1).

    Returns
    -------
    ndarray of shape (n_alphas,)
        Decreasing positive alphas. When ``alpha_max`` is 0 (every alpha gives the
        null model) the grid starts at machine epsilon instead.

    Examples
    --------
    >>> from lad.path import alpha_grid
    >>> alpha_grid(1.0, n_alphas=3, eps=0.01).tolist()
    [1.0, 0.1, 0.01]
    """
    if not isinstance(n_alphas, Integral) or n_alphas < 1:
        raise ValueError(f"n_alphas must be an integer >= 1; got {n_alphas!r}.")
    if not isinstance(eps, Real) or not 0 < eps < 1:
        raise ValueError(f"eps must be in (0, 1); got {eps!r}.")
    top = float(alpha_max) if alpha_max > 0 else float(np.finfo(float).eps)
    if n_alphas == 1:
        return np.array([top])
    return np.geomspace(top, top * eps, n_alphas)


def check_alphas(alphas):
    """Validate a user grid: non-empty, finite, positive and strictly decreasing."""
    alphas = np.asarray(alphas, dtype=np.float64)
    if alphas.ndim != 1 or alphas.size == 0:
        raise ValueError("alphas must be a non-empty 1-D array.")
    if not np.all(np.isfinite(alphas)) or np.any(alphas <= 0):
        raise ValueError("alphas must be finite and strictly positive.")
    if np.any(np.diff(alphas) >= 0):
        raise ValueError(
            "alphas must be strictly decreasing: a path warm-starts each solve from "
            "the previous, larger alpha. Sort them with np.sort(alphas)[::-1]."
        )
    return alphas


def _grid(design, y, sample_weight, alphas, n_alphas, eps, loss, quantile,
          fit_intercept, positive):  # fmt: skip
    if alphas is not None:
        return check_alphas(alphas)
    amax = _alpha_max(design, y, sample_weight, loss, quantile, fit_intercept,
                      positive)  # fmt: skip
    return alpha_grid(amax, n_alphas=n_alphas, eps=eps)


def lasso_path(
    X,
    y,
    *,
    n_alphas=100,
    eps=1e-3,
    alphas=None,
    sample_weight=None,
    fit_intercept=True,
    positive=False,
    precompute="auto",
    max_iter=1000,
    tol=1e-4,
    selection="cyclic",
    random_state=None,
):
    """Warm-started :class:`lad.LassoL1` solutions over a decreasing grid of alphas.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Training data.
    y : array-like of shape (n_samples,)
        Target.
    n_alphas : int, default=100
        Size of the default grid, geometric from :func:`alpha_max` down to
        ``eps * alpha_max``.
    eps : float, default=1e-3
        Ratio of the smallest to the largest alpha of the default grid, in (0, 1).
    alphas : array-like of shape (n_alphas,), default=None
        A strictly decreasing grid to use instead.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights.
    fit_intercept : bool, default=True
        Whether to fit an intercept.
    positive : bool, default=False
        Constrain the coefficients to be non-negative.
    precompute : bool or "auto", default="auto"
        Use the Gram matrix (covariance mode), computed once for the whole path.
        ``"auto"`` uses it for dense ``X`` with ``n_samples > n_features`` (and at
        most 4096 features), as scikit-learn's ``lasso_path`` does.
    max_iter : int, default=1000
        Maximum epochs per alpha.
    tol : float, default=1e-4
        Gap tolerance per alpha, with :class:`lad.LassoL1`'s meaning.
    selection : {"cyclic", "random"}, default="cyclic"
        Coordinate order, as in :class:`lad.LassoL1`.
    random_state : int, RandomState instance or None, default=None
        Seed for ``selection="random"``.

    Returns
    -------
    Path
        ``(alphas, coefs, intercepts, dual_gaps, n_iters)`` and convergence flags.

    Examples
    --------
    >>> from lad import lasso_path
    >>> from lad.datasets import make_sparse_regression
    >>> X, y, _ = make_sparse_regression(n_samples=50, n_features=8, random_state=0)
    >>> path = lasso_path(X, y, n_alphas=5)
    >>> path.coefs.shape, int(path.n_nonzero[0])
    ((8, 5), 0)
    """
    X, y, sample_weight = validate_path_data(X, y, sample_weight)
    if not (isinstance(precompute, bool) or precompute == "auto"):
        raise ValueError(f"precompute must be a bool or 'auto'; got {precompute!r}.")
    if selection not in ("cyclic", "random"):
        raise ValueError(f"selection must be 'cyclic' or 'random'; got {selection!r}.")
    # Validate the grid arguments before any pass over X; the default grid itself
    # needs alpha_max, which comes from the target's null gradient below.
    grid = alpha_grid(1.0, n_alphas=n_alphas, eps=eps) if alphas is None else None
    grid = None if alphas is None else check_alphas(alphas)
    design = as_kernel_inputs(X, fortran=False)
    n = design.shape[0]
    problem = prepare_squared(
        design, normalized_weights(sample_weight, n), fit_intercept=fit_intercept,
        precompute=precompute, n_solves=n_alphas if grid is None else grid.size,
    )  # fmt: skip
    seed = -1
    if selection == "random":
        seed = int(check_random_state(random_state).randint(np.iinfo(np.int32).max))
    return squared_path(
        problem, y, grid, n_alphas=n_alphas, eps=eps, positive=positive,
        max_iter=max_iter, tol=tol, seed=seed,
    )  # fmt: skip


def squared_path(problem, y, grid, *, n_alphas, eps, positive, max_iter, tol, seed):
    """The warm-started path on a prepared problem (``grid=None``: the default)."""
    yv = readonly(np.ascontiguousarray(y, dtype=np.float64))
    target = prepare_target(problem, yv)
    if grid is None:
        g0 = target.g0
        top = np.max(g0 if positive else np.abs(g0), initial=0.0)
        grid = alpha_grid(float(max(top, 0.0)) / problem.n_samples, n_alphas=n_alphas,
                          eps=eps)  # fmt: skip
    if problem.gram is not None:
        return _gram_path(problem, target, grid, positive, max_iter, tol, seed)
    return _run_path(
        grid, problem.n_features, "squared",
        lambda a, w0, b0: solve_lasso(
            problem, yv, alpha=a, positive=positive, max_iter=max_iter, tol=tol,
            coef0=w0, seed=seed, target=target,
        ),
    )  # fmt: skip


def lad_path(
    X,
    y,
    *,
    n_alphas=100,
    eps=1e-3,
    alphas=None,
    quantile=0.5,
    sample_weight=None,
    fit_intercept=True,
    tol=1e-9,
):
    """Warm-started exact :class:`lad.LADRegressor` solutions over decreasing alphas.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Training data.
    y : array-like of shape (n_samples,)
        Target.
    n_alphas : int, default=100
        Size of the default grid, geometric from :func:`alpha_max` (absolute loss)
        down to ``eps * alpha_max``.
    eps : float, default=1e-3
        Ratio of the smallest to the largest alpha of the default grid, in (0, 1).
    alphas : array-like of shape (n_alphas,), default=None
        A strictly decreasing grid to use instead.
    quantile : float, default=0.5
        Quantile of the loss, in (0, 1).
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights.
    fit_intercept : bool, default=True
        Whether to fit an intercept.
    tol : float, default=1e-9
        Relative gap tolerance, with :class:`lad.LADRegressor`'s meaning.

    Returns
    -------
    Path
        ``(alphas, coefs, intercepts, dual_gaps, n_iters)`` and convergence flags.
        ``n_iters`` counts the exact linear programs solved at each alpha.

    Notes
    -----
    Each solve starts its exact stage from the previous solution (its residual signs
    fix the band of rows, its support seeds the working set of columns); the first
    starts from zero coefficients and the best intercept, so no warm-start solver
    (IRLS, CD or interior point) runs at any alpha.

    Examples
    --------
    >>> from lad import lad_path
    >>> from lad.datasets import make_sparse_regression
    >>> X, y, _ = make_sparse_regression(n_samples=50, n_features=8, random_state=0)
    >>> path = lad_path(X, y, n_alphas=5)
    >>> path.coefs.shape, int(path.n_nonzero[0])
    ((8, 5), 0)
    """
    _check_common("absolute", quantile)
    X, y, sample_weight = validate_path_data(X, y, sample_weight)
    design = as_kernel_inputs(X)
    grid = _grid(design, y, sample_weight, alphas, n_alphas, eps, "absolute",
                 quantile, fit_intercept, False)  # fmt: skip
    n, p = design.shape
    sw = full_weights(sample_weight, n)
    usable = usable_columns(design, fit_intercept)
    _, b_null = null_objective(y, sw, quantile, fit_intercept)
    amax = alpha_max_absolute(design, y, sw, quantile, fit_intercept, usable)

    def solve(a, w0, b0):
        res, _ = solve_lad(
            design, y, sw, alpha=a, tau=quantile, fit_intercept=fit_intercept,
            tol=tol, coef0=np.zeros(p) if w0 is None else w0,
            intercept0=b_null if b0 is None else b0, warm=False, usable=usable,
            alpha_max=amax,
        )  # fmt: skip
        return res

    return _run_path(grid, p, "absolute", solve)


def _gram_path(problem, target, grid, positive, max_iter, tol, seed):
    # The whole grid in one kernel call: per-alpha Python overhead matched the
    # epochs themselves on small problems.
    n, p = problem.n_samples, problem.n_features
    tol_abs = float(tol) * target.y_sq / n
    coefs = np.zeros((p, grid.size))
    gaps = np.zeros(grid.size)
    iters = np.zeros(grid.size, dtype=np.int64)
    cd_squared_gram_path(
        problem.gram, target.g0, target.y_sq, n, readonly(np.asarray(grid, float)),
        bool(positive), int(seed), int(max_iter), tol_abs, coefs, gaps, iters,
    )  # fmt: skip
    intercepts = np.zeros(grid.size)
    if problem.fit_intercept:
        intercepts = target.ymean - problem.xmean @ coefs
    return Path(grid, coefs, intercepts, gaps, iters, gaps <= tol_abs, "squared")


def _run_path(grid, n_features, loss, solve):
    k = grid.size
    coefs = np.zeros((n_features, k))
    intercepts = np.zeros(k)
    gaps = np.zeros(k)
    iters = np.zeros(k, dtype=int)
    conv = np.zeros(k, dtype=bool)
    w0, b0 = None, None
    for i, a in enumerate(grid):
        res = solve(float(a), w0, b0)
        coefs[:, i] = res.coef
        intercepts[i] = res.intercept
        gaps[i] = res.dual_gap
        iters[i] = res.n_iter
        conv[i] = res.converged
        w0, b0 = res.coef, res.intercept
    return Path(grid, coefs, intercepts, gaps, iters, conv, loss)

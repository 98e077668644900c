"""Regularization paths and the smallest all-zero alpha, for both losses."""

from dataclasses import dataclass, replace
from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state

from ._penalty import Penalty
from ._progress import Progress, check_verbose, level
from ._report import SparsityReport
from ._solvers import absolute, squared
from ._validation import (
    as_kernel_inputs,
    full_weights,
    normalized_weights,
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
    feature_names : ndarray of shape (n_features,) or None, default=None
        Column names of ``X`` when it was a DataFrame; used by
        :meth:`sparsity_report` and :func:`lad.plot_path`.

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
    feature_names: object = None

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

    def __repr__(self):
        k = self.alphas.size
        nz = self.n_nonzero
        return (
            f"Path(loss={self.loss!r}, n_alphas={k}, alphas={self.alphas[0]:.4g} .. "
            f"{self.alphas[-1]:.4g}, n_features={self.coefs.shape[0]}, non-zero "
            f"{nz.min()} .. {nz.max()}, converged {int(self.converged.sum())}/{k}, "
            f"max gap {float(np.max(self.dual_gaps, initial=0.0)):.3g})"
        )

    def _summary_rows(self):
        nz = self.n_nonzero
        entered = np.flatnonzero(~np.isnan(self.entry_alphas))
        names = self.feature_names
        first = entered[np.argsort(-self.entry_alphas[entered], kind="stable")][:5]
        label = [str(names[j]) if names is not None else f"x{j}" for j in first]
        return [
            ("loss", self.loss),
            ("alphas", f"{self.alphas.size}, from {self.alphas[0]:.4g} to "
                       f"{self.alphas[-1]:.4g}"),
            ("features", f"{self.coefs.shape[0]} ({entered.size} enter the path)"),
            ("non-zero coefficients", f"{nz[0]} at the largest alpha, {nz[-1]} at "
                                      f"the smallest (at most {nz.max()})"),
            ("first to enter", ", ".join(label) or "none"),
            ("converged", f"{int(self.converged.sum())} of {self.alphas.size}"),
            ("largest duality gap",
             f"{float(np.max(self.dual_gaps, initial=0.0)):.3g} (objective units"
             + ("; each alpha within its tol)" if self.converged.all() else ")")),
        ]  # fmt: skip

    def _repr_html_(self):
        import html

        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
            f"<td style='text-align:left'>{html.escape(v)}</td></tr>"
            for k, v in self._summary_rows()
        )
        title = "<b>Regularization path</b>"
        return f"<div class='lad-path'>{title}<table>{rows}</table></div>"

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
        names = self.feature_names if feature_names is None else feature_names
        names = None if names is None else np.asarray(names)
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
        "non-zeros along the path": _counts(np.count_nonzero(coefs, axis=0)),
    }


def _counts(nz, ends=4):
    """``"0, 1, 3, 3, ..., 9, 10 (30 alphas)"``: the ends of a sequence of counts."""
    shown = [str(int(v)) for v in nz]
    if len(shown) > 2 * ends + 1:
        shown = shown[:ends] + ["..."] + shown[-ends:]
    return ", ".join(shown) + f" ({len(nz)} alphas)"


# --- alpha_max ---------------------------------------------------------------------


def feature_names(X):
    """The string column names of a DataFrame ``X``, else None (as scikit-learn)."""
    columns = getattr(X, "columns", None)
    if columns is None:
        return None
    names = np.asarray(columns, dtype=object)
    if names.size and all(isinstance(c, str) for c in names):
        return names
    return None


def check_loss(loss, quantile):
    """Validate the loss name and the quantile of the public path functions."""
    if loss not in ("squared", "absolute"):
        raise ValueError(f"loss must be 'squared' or 'absolute'; got {loss!r}.")
    if not isinstance(quantile, Real) or not 0 < quantile < 1:
        raise ValueError(f"quantile must be in (0, 1); got {quantile!r}.")


def squared_problem(X, sample_weight, fit_intercept, *, precompute=False, n_solves=1,
                    light=False):  # fmt: skip
    """A validated ``X`` as a prepared squared-loss problem (no F copy when light)."""
    design = as_kernel_inputs(X, fortran=False)
    sw = normalized_weights(sample_weight, design.shape[0])
    return squared.prepare(
        design,
        sw,
        fit_intercept=fit_intercept,
        precompute=precompute,
        n_solves=n_solves,
        light=light,
    )


def absolute_problem(X, y, sample_weight, quantile, fit_intercept):
    """A validated ``X`` and ``y`` as a prepared absolute-loss problem."""
    design = as_kernel_inputs(X)
    sw = full_weights(sample_weight, design.shape[0])
    return absolute.prepare(design, y, sw, tau=quantile, fit_intercept=fit_intercept)


def alpha_max(
    X,
    y,
    *,
    loss="squared",
    quantile=0.5,
    sample_weight=None,
    fit_intercept=True,
    positive=False,
    l1_ratio=1.0,
    penalty_factor=None,
    lower_bounds=None,
    upper_bounds=None,
):
    """Smallest ``alpha`` at which every penalised coefficient of the optimum is zero.

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
        Non-negative coefficients (``lower_bounds=0``).
    l1_ratio : float, default=1.0
        Share of the L1 part of the penalty
        ``alpha * sum_j pf_j (l1_ratio |w_j| + (1 - l1_ratio) / 2 w_j^2)``, in [0, 1].
    penalty_factor : array-like of shape (n_features,), default=None
        Non-negative factors ``pf_j`` (all ones when None); 0 leaves a feature
        unpenalised.
    lower_bounds, upper_bounds : float or array-like of shape (n_features,), \
default=None
        Bounds on the coefficients, ``lower_bounds <= 0 <= upper_bounds``.

    Returns
    -------
    float
        ``alpha_max``; 0.0 when no alpha gives a non-zero coefficient.

    Raises
    ------
    ValueError
        When no alpha zeroes the penalised coefficients: ``l1_ratio=0`` (a ridge
        penalty never does), every ``penalty_factor`` 0, or an unpenalised bounded
        coefficient under the absolute loss.

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

    With penalty factors and bounds, coordinate ``j`` needs ``alpha l1_ratio pf_j``
    at least its correlation on each side its bounds leave open; features with
    factor 0 are first fitted, unpenalised (least squares, or the exact LP), and the
    correlations are those of that fit's residual.

    The products ``X'v`` are summed in one fixed order, so the value is the same, to
    the last bit, for dense, CSC and CSR ``X``; a fit at ``alpha = alpha_max``
    returns exact zeros whatever the format.

    Examples
    --------
    >>> import numpy as np
    >>> from lad import alpha_max
    >>> X = np.array([[1.0], [2.0], [3.0], [4.0]]); y = np.array([1.0, 2.0, 2.0, 5.0])
    >>> round(alpha_max(X, y), 6)
    1.5
    """
    check_loss(loss, quantile)
    X, y, sample_weight = validate_path_data(X, y, sample_weight)
    penalty = unit_penalty(X.shape[1], l1_ratio, penalty_factor, lower_bounds,
                           upper_bounds, positive)  # fmt: skip
    if loss == "squared":
        # One product X'v, in any layout: no F-ordered copy (unless unpenalised
        # features must be fitted first).
        light = not np.any(penalty.factors() == 0)
        problem = squared_problem(X, sample_weight, fit_intercept, light=light)
        amax = squared.alpha_max(problem, squared.target(problem, y), penalty.unit())
    else:
        problem = absolute_problem(X, y, sample_weight, quantile, fit_intercept)
        amax = absolute.alpha_max(problem, penalty.unit())
    return finite_alpha_max(amax, penalty)


def unit_penalty(n_features, l1_ratio=1.0, penalty_factor=None, lower_bounds=None,
                 upper_bounds=None, positive=False):  # fmt: skip
    """The validated penalty of the public parameters at ``alpha = 1``."""
    if not isinstance(l1_ratio, Real) or isinstance(l1_ratio, bool):
        raise ValueError(f"l1_ratio must be a number in [0, 1]; got {l1_ratio!r}.")
    return Penalty(1.0, int(n_features), l1_ratio=float(l1_ratio),
                   penalty_factor=penalty_factor, lower_bounds=lower_bounds,
                   upper_bounds=upper_bounds, positive=bool(positive))  # fmt: skip


def finite_alpha_max(amax, penalty):
    """``amax``, or a ``ValueError`` saying why no alpha zeroes the coefficients."""
    nothing = penalty.l1_ratio == 0 or not np.any(penalty.factors())
    if np.isfinite(amax) and not nothing:
        return float(amax)
    if penalty.l1_ratio == 0:
        why = "l1_ratio=0 is a ridge penalty, which never sets a coefficient to 0"
    elif not np.any(penalty.factors()):
        why = "every penalty_factor is 0, so nothing is penalised"
    else:
        why = ("a coefficient with penalty_factor 0 and a bound is not fitted in "
               "closed form at the null model")  # fmt: skip
    raise ValueError(f"alpha_max is not defined: {why}. Pass the alphas explicitly.")


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
    check_grid_size(n_alphas, eps)
    top = float(alpha_max) if 0 < alpha_max < np.inf else float(np.finfo(float).eps)
    if n_alphas == 1:
        return np.array([top])
    return np.geomspace(top, top * eps, n_alphas)


def check_grid_size(n_alphas, eps):
    """Validate the size and span of a default grid."""
    if isinstance(n_alphas, bool) or not isinstance(n_alphas, Integral) or n_alphas < 1:
        raise ValueError(f"n_alphas must be an integer >= 1; got {n_alphas!r}.")
    if not isinstance(eps, Real) or not 0 < eps < 1:
        raise ValueError(f"eps must be in (0, 1); got {eps!r}.")


def resolve_alphas(alphas, n_alphas, eps, *, sort):
    """One rule for every grid argument: ``(grid or None, n_alphas)``.

    ``alphas`` may be an int (the size of the default grid, as in scikit-learn
    >= 1.7), None (then ``n_alphas`` is), or an array-like of positive finite
    values. An array becomes a contiguous float64 copy (so any stride or list
    compiles the kernels' one signature); with ``sort`` it is sorted decreasing
    (an estimator owns its grid), otherwise it must already be strictly
    decreasing (a path returns its solutions in the order given, and warm-starts
    each from the previous, larger alpha). The default grid (``None`` returned)
    needs ``alpha_max`` and is built by the caller.
    """
    if alphas is None or (
        isinstance(alphas, Integral) and not isinstance(alphas, bool)
    ):
        size = n_alphas if alphas is None else int(alphas)
        check_grid_size(size, eps)
        return None, size
    check_grid_size(1, eps)
    grid = np.array(alphas, dtype=np.float64).ravel()
    if grid.size == 0:
        raise ValueError("alphas must be a non-empty 1-D array.")
    if not np.all(np.isfinite(grid)) or np.any(grid <= 0):
        raise ValueError("alphas must be finite and strictly positive.")
    if sort:
        grid = np.unique(grid)[::-1].copy()
    elif np.any(np.diff(grid) >= 0):
        raise ValueError(
            "alphas must be strictly decreasing: a path warm-starts each solve from "
            "the previous, larger alpha. Sort them with np.sort(alphas)[::-1]."
        )
    return np.ascontiguousarray(grid), grid.size


def lasso_path(
    X,
    y,
    *,
    eps=1e-3,
    alphas=None,
    n_alphas=100,
    sample_weight=None,
    fit_intercept=True,
    positive=False,
    l1_ratio=1.0,
    penalty_factor=None,
    lower_bounds=None,
    upper_bounds=None,
    precompute="auto",
    max_iter=1000,
    tol=1e-4,
    selection="cyclic",
    random_state=None,
    verbose=0,
):
    """Warm-started :class:`lad.LassoL1` solutions over a decreasing grid of alphas.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Training data.
    y : array-like of shape (n_samples,)
        Target.
    eps : float, default=1e-3
        Ratio of the smallest to the largest alpha of the default grid, in (0, 1).
    alphas : int or array-like of shape (n_alphas,), default=None
        An int is the size of the default grid, geometric from :func:`alpha_max`
        down to ``eps * alpha_max`` (as in scikit-learn >= 1.7); an array is a
        strictly decreasing grid to use instead. None: ``n_alphas``.
    n_alphas : int, default=100
        Size of the default grid when ``alphas`` is None.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights.
    fit_intercept : bool, default=True
        Whether to fit an intercept.
    positive : bool, default=False
        Constrain the coefficients to be non-negative (``lower_bounds=0``).
    l1_ratio : float, default=1.0
        Share of the L1 part of the penalty
        ``alpha * sum_j pf_j (l1_ratio |w_j| + (1 - l1_ratio) / 2 w_j^2)``, in [0, 1].
    penalty_factor : array-like of shape (n_features,), default=None
        Non-negative factors ``pf_j`` (all ones when None); 0 leaves a feature
        unpenalised.
    lower_bounds, upper_bounds : float or array-like of shape (n_features,), \
default=None
        Bounds on the coefficients, ``lower_bounds <= 0 <= upper_bounds``.
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
    verbose : int, bool or "progress", default=0
        0: silent; 1: a line per alpha; 2: also the solvers' inner rounds;
        ``"progress"``: a tqdm progress bar when tqdm is installed.

    Returns
    -------
    Path
        ``(alphas, coefs, intercepts, dual_gaps, n_iters)``, convergence flags and
        the feature names of a DataFrame ``X``.

    Examples
    --------
    >>> from lad import lasso_path
    >>> from lad.datasets import make_sparse_regression
    >>> X, y, _ = make_sparse_regression(n_samples=50, n_features=8, random_state=0)
    >>> path = lasso_path(X, y, alphas=5)
    >>> path.coefs.shape, int(path.n_nonzero[0])
    ((8, 5), 0)
    """
    names = feature_names(X)
    check_verbose(verbose)
    X, y, sample_weight = validate_path_data(X, y, sample_weight)
    if not (isinstance(precompute, bool) or precompute == "auto"):
        raise ValueError(f"precompute must be a bool or 'auto'; got {precompute!r}.")
    if selection not in ("cyclic", "random"):
        raise ValueError(f"selection must be 'cyclic' or 'random'; got {selection!r}.")
    # Validate the grid arguments before any pass over X; the default grid itself
    # needs alpha_max, which comes from the target's null gradient.
    grid, size = resolve_alphas(alphas, n_alphas, eps, sort=False)
    penalty = unit_penalty(X.shape[1], l1_ratio, penalty_factor, lower_bounds,
                           upper_bounds, positive)  # fmt: skip
    problem = squared_problem(X, sample_weight, fit_intercept, precompute=precompute,
                              n_solves=size)  # fmt: skip
    seed = -1
    if selection == "random":
        seed = int(check_random_state(random_state).randint(np.iinfo(np.int32).max))
    options = squared.Options(max_iter=int(max_iter), tol=float(tol), seed=seed,
                              log=Progress(verbose, 0, "lasso_path"))  # fmt: skip
    with Progress(verbose, size, "lasso_path") as progress:
        path = squared_path(problem, y, grid, size=size, eps=eps, penalty=penalty,
                            options=options, progress=progress)  # fmt: skip
    return replace(path, feature_names=names)


def squared_path(problem, y, grid, *, size, eps, penalty, options, progress=None):
    """The warm-started path on a prepared problem (``grid=None``: the default).

    ``penalty`` is a :class:`lad._penalty.Penalty` (its alpha is ignored).
    """
    unit = penalty.unit()
    tgt = squared.target(problem, y)
    if grid is None:
        amax = finite_alpha_max(squared.alpha_max(problem, tgt, unit), penalty)
        grid = alpha_grid(amax, n_alphas=size, eps=eps)
    res = squared.path(problem, tgt, grid, unit, options=options, progress=progress)
    return Path(grid, res.coefs, res.intercepts, res.dual_gaps, res.n_iters,
                res.converged, "squared")  # fmt: skip


def lad_path(
    X,
    y,
    *,
    eps=1e-3,
    alphas=None,
    n_alphas=100,
    quantile=0.5,
    sample_weight=None,
    fit_intercept=True,
    l1_ratio=1.0,
    penalty_factor=None,
    lower_bounds=None,
    upper_bounds=None,
    tol=1e-9,
    verbose=0,
):
    """Warm-started exact :class:`lad.LADRegressor` solutions over decreasing alphas.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Training data.
    y : array-like of shape (n_samples,)
        Target.
    eps : float, default=1e-3
        Ratio of the smallest to the largest alpha of the default grid, in (0, 1).
    alphas : int or array-like of shape (n_alphas,), default=None
        An int is the size of the default grid, geometric from :func:`alpha_max`
        (absolute loss) down to ``eps * alpha_max``; an array is a strictly
        decreasing grid to use instead. None: ``n_alphas``.
    n_alphas : int, default=100
        Size of the default grid when ``alphas`` is None.
    quantile : float, default=0.5
        Quantile of the loss, in (0, 1).
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights.
    fit_intercept : bool, default=True
        Whether to fit an intercept.
    l1_ratio : float, default=1.0
        Share of the L1 part of the penalty
        ``alpha * sum_j pf_j (l1_ratio |w_j| + (1 - l1_ratio) / 2 w_j^2)``, in [0, 1];
        below 1 each alpha is a quadratic program (see :class:`lad.LADRegressor`).
    penalty_factor : array-like of shape (n_features,), default=None
        Non-negative factors ``pf_j`` of the penalty (all ones when None); 0
        leaves a feature unpenalised.
    lower_bounds, upper_bounds : float or array-like of shape (n_features,), \
default=None
        Bounds on the coefficients, ``lower_bounds <= 0 <= upper_bounds``.
    tol : float, default=1e-9
        Relative gap tolerance, with :class:`lad.LADRegressor`'s meaning.
    verbose : int, bool or "progress", default=0
        0: silent; 1: a line per alpha; 2: also the solvers' inner rounds;
        ``"progress"``: a tqdm progress bar when tqdm is installed.

    Returns
    -------
    Path
        ``(alphas, coefs, intercepts, dual_gaps, n_iters)``, convergence flags and
        the feature names of a DataFrame ``X``. ``n_iters`` counts the simplex
        pivots at each alpha.

    Notes
    -----
    The optimal vertex at one alpha is a vertex at every alpha: only its dual values
    move. Each solve therefore starts the simplex from the previous solution's basis
    and pivots only where the dual leaves its bounds (parametric programming in
    alpha, as in Li and Zhu, 2008); the first non-zero solution starts from the null
    vertex.

    Examples
    --------
    >>> from lad import lad_path
    >>> from lad.datasets import make_sparse_regression
    >>> X, y, _ = make_sparse_regression(n_samples=50, n_features=8, random_state=0)
    >>> path = lad_path(X, y, alphas=5)
    >>> path.coefs.shape, int(path.n_nonzero[0])
    ((8, 5), 0)
    """
    check_loss("absolute", quantile)
    names = feature_names(X)
    check_verbose(verbose)
    X, y, sample_weight = validate_path_data(X, y, sample_weight)
    grid, size = resolve_alphas(alphas, n_alphas, eps, sort=False)
    penalty = unit_penalty(X.shape[1], l1_ratio, penalty_factor, lower_bounds,
                           upper_bounds)  # fmt: skip
    problem = absolute_problem(X, y, sample_weight, quantile, fit_intercept)
    # The solver's own lines come at verbose=2, one level below the path's.
    inner = Progress(max(level(verbose) - 1, 0), 0, "lad_path")
    options = absolute.Options(tol=float(tol), log=inner)
    with Progress(verbose, size, "lad_path") as progress:
        path = absolute_path(problem, grid, size=size, eps=eps, penalty=penalty,
                             options=options, progress=progress)  # fmt: skip
    return replace(path, feature_names=names)


def absolute_path(problem, grid, *, size, eps, penalty, options, progress=None):
    """The warm-started exact path on a prepared problem (``grid=None``: default).

    ``penalty`` is a :class:`lad._penalty.Penalty` (its alpha is ignored).
    """
    unit = penalty.unit()
    if grid is None:
        amax = finite_alpha_max(absolute.alpha_max(problem, unit), penalty)
        grid = alpha_grid(amax, n_alphas=size, eps=eps)
    res = absolute.path(problem, grid, unit, options=options, progress=progress)
    return Path(grid, res.coefs, res.intercepts, res.dual_gaps, res.n_iters,
                res.converged, "absolute")  # fmt: skip

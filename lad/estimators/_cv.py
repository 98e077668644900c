"""``LassoL1CV`` and ``LADRegressorCV``: a path per fold, alpha by CV, a refit."""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.model_selection import check_cv
from sklearn.utils.validation import check_is_fitted

from .. import diagnostics
from .._certificate import rho
from .._progress import Progress, level
from .._report import SparsityReport
from .._solvers import absolute, squared
from .._validation import (
    DenseDesign,
    Interval,
    StrOptions,
    as_kernel_inputs,
    check_params,
    validate_fit_data,
)
from ..path import (
    absolute_path,
    absolute_problem,
    alpha_grid,
    finite_alpha_max,
    path_details,
    resolve_alphas,
    squared_path,
    squared_problem,
)
from ._common import VERBOSE, predict_linear, report_names, selection_seed
from ._penalised import PENALTY_CONSTRAINTS, PenalisedMixin

_COMMON_CONSTRAINTS = {
    "eps": [Interval(Real, 0, 1, closed="neither")],
    "n_alphas": [Interval(Integral, 1, None, closed="left"), None],
    "alphas": [Interval(Integral, 1, None, closed="left"), "array-like", None],
    "fit_intercept": ["boolean"],
    "tol": [Interval(Real, 0, None, closed="left")],
    "cv": ["cv_object"],
    "n_jobs": [Integral, None],
    "alpha_rule": [StrOptions({"min", "1se"})],
    "verbose": VERBOSE,
}


# The tolerance of the refit at the chosen alpha (scikit-learn's meaning of tol).
REFIT_TOL = 1e-10


# Mean CV errors within this relative distance of the lowest are ties.
TIE_RTOL = 1e-9


def _splits(cv, X, y):
    n = X.shape[0]
    cv = check_cv(cv)
    n_splits = cv.get_n_splits(X, y)
    if n_splits is not None and n_splits < 2:
        raise ValueError(f"cv must give at least 2 folds; got {n_splits}.")
    if n_splits is not None and n_splits > n:
        raise ValueError(
            f"cv asks for {n_splits} folds but there are only n_samples={n} samples."
        )
    folds = list(cv.split(X, y))
    if len(folds) < 2:
        raise ValueError(f"cv must give at least 2 folds; got {len(folds)}.")
    return folds


class _PathCV(PenalisedMixin, RegressorMixin, BaseEstimator):
    """Shared fit logic: a warm-started path per fold, alpha by CV error, a refit.

    Subclasses give their loss through five methods: ``_alpha_max`` (the top of the
    default grid), ``_path_runner`` (a path on a subset of rows), ``_fold_error``,
    ``_refit`` (the model at the chosen alpha, from the path's solution) and
    ``_measure`` (the objective and KKT violation of the refit, for the report).
    With several ``l1_ratio`` values each gets its own grid and paths, and the pair
    of least mean CV error wins (as in scikit-learn's ``ElasticNetCV``).
    """

    def _alpha_max(self, X, y, sample_weight, l1_ratio):  # pragma: no cover
        raise NotImplementedError

    def _path_runner(
        self, X, y, sample_weight, alphas, folds, progress, l1_ratio
    ):  # pragma: no cover
        raise NotImplementedError

    def _measure(self, X, y, sample_weight, refit):  # pragma: no cover - abstract
        raise NotImplementedError

    def _fold_error(self, y, pred, sample_weight):  # pragma: no cover - abstract
        raise NotImplementedError

    def _refit(self, X, y, sample_weight, alpha, coef, intercept, l1_ratio,
               problem=None):  # fmt: skip
        # ``problem``: the all-rows problem the path was solved on, when it kept one.
        raise NotImplementedError

    def _grid(self, X, y, sample_weight, l1_ratio):
        n_alphas = 100 if self.n_alphas is None else self.n_alphas
        grid, size = resolve_alphas(self.alphas, n_alphas, self.eps, sort=True)
        if grid is not None:
            return grid
        amax = finite_alpha_max(self._alpha_max(X, y, sample_weight, l1_ratio),
                                self._penalty(1.0, X.shape[1], l1_ratio))  # fmt: skip
        return alpha_grid(amax, n_alphas=size, eps=self.eps)

    def _l1_ratios(self):
        """The ``l1_ratio`` values to try, checked (1.0 for a loss without them)."""
        ratios = np.atleast_1d(np.asarray(getattr(self, "l1_ratio", 1.0), dtype=float))
        if ratios.ndim != 1 or ratios.size == 0:
            raise ValueError("l1_ratio must be a number or a non-empty 1-d list.")
        if not np.all((ratios >= 0) & (ratios <= 1)):
            raise ValueError(f"Every l1_ratio must be in [0, 1]; got {ratios}.")
        return [float(r) for r in ratios]

    def fit(self, X, y, sample_weight=None):
        """Fit a path on every fold, choose alpha by CV error, and refit on all data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Target.
        sample_weight : float or array-like of shape (n_samples,), default=None
            Non-negative weights, used in the fits and in the held-out errors. A
            float (a constant weight) is the same as ``None``.

        Returns
        -------
        self : object
            The fitted estimator.

        Examples
        --------
        >>> from lad import LassoL1CV
        >>> from lad.datasets import make_sparse_regression
        >>> X, y, _ = make_sparse_regression(n_samples=40, n_features=5,
        ...                                  random_state=0)
        >>> model = LassoL1CV(n_alphas=5, cv=3).fit(X, y)
        >>> model.cv_error_path_.shape
        (5, 3)
        >>> bool(model.alpha_ in model.alphas_)
        True
        """
        check_params(self)
        if isinstance(sample_weight, Real):
            sample_weight = None
        X, y, sample_weight = validate_fit_data(
            self, X, y, sample_weight, multi_output=False
        )
        if sp.issparse(X):
            X = X.tocsc()
        ratios = self._l1_ratios()
        # Validate the penalty before any pass over X.
        self._penalty(1.0, X.shape[1], ratios[0])
        folds = _splits(self.cv, X, y)
        name = type(self).__name__
        progress = Progress(self.verbose, len(folds) * len(ratios) + 1, name)
        # The paths' own lines (one per alpha) come at verbose=2.
        inner = Progress(max(level(self.verbose) - 1, 0), 0, name)

        def run(k, train, test, fold_path, alphas):
            sw_te = None if sample_weight is None else sample_weight[test]
            path = fold_path(train, test)
            pred = np.asarray(X[test] @ path.coefs).reshape(len(test), -1)
            pred = pred + path.intercepts
            errors = self._fold_error(y[test], pred, sw_te)
            best = int(np.argmin(errors))
            progress.step(f"fold {k + 1}: path of {alphas.size} alphas, lowest "
                          f"held-out error {errors[best]:.4g} at alpha "
                          f"{alphas[best]:.4g}")  # fmt: skip
            return errors, sp.csc_matrix(path.coefs != 0)

        # The kernels release the GIL, so threads parallelise without copying X
        # into worker processes; joblib's backend (parallel_config) overrides it.
        with progress:
            tried = []
            for ratio in ratios:
                alphas = self._grid(X, y, sample_weight, ratio)
                fold_path = self._path_runner(X, y, sample_weight, alphas, folds,
                                              inner, ratio)  # fmt: skip
                out = Parallel(n_jobs=self.n_jobs, prefer="threads")(
                    delayed(run)(k, train, test, fold_path, alphas)
                    for k, (train, test) in enumerate(folds)
                )
                tried.append((ratio, alphas, fold_path, out, self._choose(out, alphas)))
            # The l1_ratio of least mean CV error; the rule then picks its alpha.
            pick = min(range(len(tried)),
                       key=lambda t: tried[t][4][4][tried[t][4][1]])  # fmt: skip
            ratio, alphas, fold_path, out, chosen = tried[pick]
            errors, i_min, i_1se, idx, mean, se = chosen
            full = fold_path(np.arange(X.shape[0]), np.arange(0))
            best = float(alphas[idx])
            refit = self._refit(X, y, sample_weight, best, full.coefs[:, idx],
                                float(full.intercepts[idx]), ratio,
                                getattr(fold_path, "full_problem", None))  # fmt: skip
            progress.step(f"refit on all rows at alpha_ = {alphas[idx]:.4g}"
                          f"{f', l1_ratio_ = {ratio:g}' if len(ratios) > 1 else ''}: "
                          f"{np.count_nonzero(refit.coef)} non-zero, gap "
                          f"{refit.dual_gap:.3g}")  # fmt: skip
        self.l1_ratio_ = ratio
        self._store(X, y, sample_weight, out, alphas, errors, mean, se, i_min, i_1se,
                    idx, full, refit)  # fmt: skip
        if len(ratios) > 1:
            # As ElasticNetCV: one grid and one error path per l1_ratio.
            self.alphas_ = np.vstack([t[1] for t in tried])
            self.cv_error_path_ = np.stack([t[4][0] for t in tried])
            self.cv_error_mean_ = np.vstack([t[4][4] for t in tried])
            self.cv_error_se_ = np.vstack([t[4][5] for t in tried])
        return self

    def _choose(self, out, alphas):
        errors = np.column_stack([e for e, _ in out])  # (n_alphas, n_folds)
        mean = errors.mean(axis=1)
        se = errors.std(axis=1, ddof=1) / np.sqrt(errors.shape[1])
        # The first minimum (the largest such alpha), counting errors equal to
        # rounding as ties: past the point where every fold's fit interpolates,
        # the mean error is flat, and its last digits depend on the order of the
        # sums (a weighted fit against its repeated rows, say).
        low = float(np.min(mean))
        i_min = int(np.flatnonzero(mean <= low + TIE_RTOL * abs(low))[0])
        within = np.flatnonzero(mean <= mean[i_min] + se[i_min])
        i_1se = int(within.min())
        idx = i_min if self.alpha_rule == "min" else i_1se
        return errors, i_min, i_1se, idx, mean, se

    def _store(self, X, y, sample_weight, out, alphas, errors, mean, se, i_min, i_1se,
               idx, full, refit):  # fmt: skip
        self.n_folds_ = len(out)
        # The chosen l1_ratio's path, which the report reads.
        self._chosen = {"alphas": alphas, "mean": mean, "se": se}
        self.alphas_ = alphas
        self.alpha_ = float(alphas[idx])
        self.alpha_min_ = float(alphas[i_min])
        self.alpha_1se_ = float(alphas[i_1se])
        self.cv_error_path_ = errors
        self.cv_error_mean_ = mean
        self.cv_error_se_ = se
        self.coef_path_ = full.coefs
        self.intercept_path_ = full.intercepts
        self.n_nonzero_path_ = full.n_nonzero
        self.selection_frequency_ = np.asarray(
            sum(mask[:, idx].toarray().ravel() for _, mask in out), dtype=np.float64
        ) / len(out)
        self.coef_ = refit.coef.astype(X.dtype)
        self.intercept_ = X.dtype.type(refit.intercept) if self.fit_intercept else 0.0
        self.dual_gap_ = float(refit.dual_gap)
        self.n_iter_ = int(full.n_iters[idx]) + int(refit.n_iter)
        self._converged = bool(refit.converged)
        self._gap_tol = float(refit.tol)
        self._certificate = self._measure(X, y, sample_weight, refit)

    def predict(self, X):
        """Predict with the model refitted at ``alpha_``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        ndarray of shape (n_samples,)
            ``X @ coef_ + intercept_``.

        Examples
        --------
        >>> from lad import LassoL1CV
        >>> from lad.datasets import make_sparse_regression
        >>> X, y, _ = make_sparse_regression(n_samples=40, n_features=5,
        ...                                  random_state=0)
        >>> model = LassoL1CV(n_alphas=5, cv=3).fit(X, y)
        >>> model.predict(X[:3]).shape
        (3,)
        """
        return predict_linear(self, X)

    def sparsity_report(self, *, top=10, feature_names=None):
        """Sparsity report of the refitted model, with path and stability details.

        Parameters
        ----------
        top : int, default=10
            Number of largest coefficients to list.
        feature_names : array-like of str, default=None
            Names of the features, e.g. of a sparse or NumPy ``X``; defaults to the
            column names seen in ``fit`` (a DataFrame), else ``x0, x1, ...``. For
            the last step of a fitted ``Pipeline``, the earlier steps name its
            inputs: ``pipe[-1].sparsity_report(
            feature_names=pipe[:-1].get_feature_names_out())``.

        Returns
        -------
        SparsityReport
            As for the base estimator; ``details`` add the alpha rule, the CV error at
            ``alpha_``, the entry alpha of each feature along the full-data path, the
            number of non-zeros at every alpha, and the fraction of folds in which each
            selected feature is non-zero at ``alpha_`` (its stability).

        Examples
        --------
        >>> from lad import LassoL1CV
        >>> from lad.datasets import make_sparse_regression
        >>> X, y, _ = make_sparse_regression(n_samples=40, n_features=5,
        ...                                  random_state=0)
        >>> report = LassoL1CV(n_alphas=5, cv=3).fit(X, y).sparsity_report()
        >>> report.n_features, report.details["alpha rule"]
        (5, 'min')
        """
        check_is_fitted(self)
        names = report_names(self, feature_names)
        alphas = self._chosen["alphas"]
        idx = int(np.flatnonzero(alphas == self.alpha_)[0])
        support = np.flatnonzero(self.coef_)
        freq = ", ".join(
            f"{names[j] if names is not None else f'x{j}'}:"
            f"{self.selection_frequency_[j]:.2f}"
            for j in support[np.argsort(-np.abs(self.coef_[support]))][:top]
        )
        details = {
            "alpha rule": self.alpha_rule,
            "alpha_": self.alpha_,
            "alpha_ / alpha_max": self.alpha_ / alphas[0],
            "CV error at alpha_": (
                f"{self._chosen['mean'][idx]:.6g} +/- {self._chosen['se'][idx]:.2g}"
            ),
            "selected in folds (stability)": freq or "none",
        }
        details.update(self._penalty_rows(np.asarray(self.coef_, dtype=np.float64),
                                          self.alpha_, self.l1_ratio_))  # fmt: skip
        details.update(path_details(alphas, self.coef_path_, names))
        cert = self._certificate
        ratio = f", l1_ratio_ = {self.l1_ratio_:g}" if self.l1_ratio_ != 1 else ""
        return SparsityReport(
            model=(
                f"{type(self).__name__} ({self.n_folds_}-fold CV over "
                f"{self.alphas_.size} alphas, rule {self.alpha_rule!r}): refit at "
                f"alpha_ = {self.alpha_:.4g}{ratio}"
            ),  # fmt: skip
            coef=np.asarray(self.coef_, dtype=np.float64),
            feature_names=names,
            dual_gap=self.dual_gap_,
            gap_tol=self._gap_tol,
            kkt_violation=cert["kkt_violation"],
            objective=cert["objective"],
            converged=self._converged,
            top=top,
            details=details,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


class LassoL1CV(_PathCV):
    """:class:`lad.LassoL1` with alpha chosen by cross-validation along a path.

    On every fold of ``cv`` a warm-started path (:func:`lad.lasso_path`) is fit on the
    training part and scored by the mean squared error on the held-out part; alpha is
    the minimiser of the mean error over folds (``alpha_rule="min"``) or the largest
    alpha within one standard error of it (``"1se"``). The model is then refit on all
    the data along the same grid. Objective as :class:`lad.LassoL1`:
    ``(1/2n) ||y - Xw - b||^2 + alpha ||w||_1``.

    Parameters
    ----------
    eps : float, default=1e-3
        Ratio of the smallest to the largest alpha of the default grid, in (0, 1).
    n_alphas : int, default=100
        Number of alphas of the default grid, geometric from ``alpha_max`` (computed
        on all the data) down to ``eps * alpha_max``.
    alphas : int or array-like, default=None
        An int is the size of the default grid (as in scikit-learn >= 1.7, where
        ``LassoCV(alphas=100)`` replaced ``n_alphas``); an array is the grid to use
        instead, sorted in decreasing order. None: ``n_alphas``.
    fit_intercept : bool, default=True
        Whether to fit an intercept.
    precompute : bool or "auto", default="auto"
        Use the Gram matrix in every path; ``"auto"`` as in :func:`lad.lasso_path`
        (dense ``X`` with more training samples than features, and at most 4096
        features).
    max_iter : int, default=1000
        Maximum epochs per alpha.
    tol : float, default=1e-4
        Gap tolerance per alpha, as in :class:`lad.LassoL1`; the refit at
        ``alpha_`` goes on to ``min(tol, 1e-10)``.
    copy_X : bool, default=True
        Kept for compatibility with scikit-learn's ``LassoCV``: ``X`` is never
        modified whatever its value.
    cv : int, cross-validation generator or iterable, default=None
        As in scikit-learn: ``None`` is 5-fold, an int is a number of folds.
    verbose : int, bool or "progress", default=0
        0: silent; 1: a line per fold and for the refit; 2: also a line per alpha
        of every path; ``"progress"``: a tqdm bar over the folds when tqdm is
        installed.
    n_jobs : int, default=None
        Folds fitted in parallel (threads).
    positive : bool, default=False
        Constrain the coefficients to be non-negative (``lower_bounds=0``).
    l1_ratio : float or array-like of floats, default=1.0
        Share of the L1 part of the penalty, in [0, 1], as in
        :class:`lad.LassoL1`. A list is searched with alpha, as in scikit-learn's
        ``ElasticNetCV``: each value gets its own default grid (from its own
        ``alpha_max``), and the pair of least mean CV error is chosen (the
        ``alpha_rule`` then applies along that value's grid).
    penalty_factor : array-like of shape (n_features,), default=None
        Finite, non-negative factors ``pf_j`` of each feature's penalty (all ones
        when None); 0 leaves a feature unpenalised. Not rescaled (glmnet rescales
        its ``penalty.factor`` to sum to ``n_features``).
    lower_bounds, upper_bounds : float or array-like of shape (n_features,), \
default=None
        Bounds on the coefficients, ``lower_bounds <= 0 <= upper_bounds``;
        unbounded when None. The intercept is never bounded.
    random_state : int, RandomState instance or None, default=None
        Seed for ``selection="random"``.
    selection : {"cyclic", "random"}, default="cyclic"
        Coordinate order.
    alpha_rule : {"min", "1se"}, default="min"
        Minimum CV error, or the one-standard-error rule.

    Attributes
    ----------
    alpha_ : float
        The chosen alpha.
    l1_ratio_ : float
        The chosen ``l1_ratio``.
    alpha_min_ : float
        Alpha of minimum mean CV error.
    alpha_1se_ : float
        Largest alpha within one standard error of the minimum.
    alphas_ : ndarray of shape (n_alphas,) or (n_l1_ratio, n_alphas)
        The grid (one row per ``l1_ratio`` when a list is given).
    mse_path_ : ndarray of shape (n_alphas, n_folds) or (n_l1_ratio, n_alphas, \
n_folds)
        Held-out mean squared error of each fold along the grid.
    cv_error_path_ : ndarray, same shape as ``mse_path_``
        Same as ``mse_path_``.
    cv_error_mean_ : ndarray of shape (n_alphas,) or (n_l1_ratio, n_alphas)
        Mean CV error at each alpha.
    cv_error_se_ : ndarray of shape (n_alphas,) or (n_l1_ratio, n_alphas)
        Standard error of the mean CV error (fold standard deviation / sqrt(folds)).
    n_nonzero_path_ : ndarray of shape (n_alphas,)
        Non-zero coefficients of the full-data path at each alpha (at
        ``l1_ratio_``, as the three below).
    coef_path_ : ndarray of shape (n_features, n_alphas)
        The full-data path.
    intercept_path_ : ndarray of shape (n_alphas,)
        Intercepts of the full-data path.
    selection_frequency_ : ndarray of shape (n_features,)
        Fraction of folds in which each feature is non-zero at ``alpha_``.
    coef_ : ndarray of shape (n_features,)
        Coefficients at ``alpha_``.
    intercept_ : float
        Intercept at ``alpha_``.
    dual_gap_ : float
        Duality gap at ``alpha_``.
    n_iter_ : int
        Epochs spent at ``alpha_`` in the full-data path.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    sklearn.linear_model.LassoCV : Same selection with ``alpha_rule="min"``.
    sklearn.linear_model.ElasticNetCV : The same search over ``l1_ratio``.

    Examples
    --------
    >>> from lad import LassoL1CV
    >>> from lad.datasets import make_sparse_regression
    >>> X, y, _ = make_sparse_regression(n_samples=80, n_features=10, random_state=0)
    >>> model = LassoL1CV(n_alphas=20, cv=3).fit(X, y)
    >>> bool(model.alphas_[-1] <= model.alpha_ <= model.alphas_[0])
    True
    """

    _parameter_constraints = {
        **_COMMON_CONSTRAINTS,
        "precompute": ["boolean", StrOptions({"auto"})],
        "copy_X": ["boolean"],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "positive": ["boolean"],
        **PENALTY_CONSTRAINTS,
        "l1_ratio": [Interval(Real, 0, 1, closed="both"), "array-like"],
        "random_state": ["random_state"],
        "selection": [StrOptions({"cyclic", "random"})],
    }

    def __init__(
        self,
        *,
        eps=1e-3,
        n_alphas=100,
        alphas=None,
        fit_intercept=True,
        precompute="auto",
        max_iter=1000,
        tol=1e-4,
        copy_X=True,
        cv=None,
        verbose=0,
        n_jobs=None,
        positive=False,
        l1_ratio=1.0,
        penalty_factor=None,
        lower_bounds=None,
        upper_bounds=None,
        random_state=None,
        selection="cyclic",
        alpha_rule="min",
    ):
        self.eps = eps
        self.n_alphas = n_alphas
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.copy_X = copy_X
        self.cv = cv
        self.verbose = verbose
        self.n_jobs = n_jobs
        self.positive = positive
        self.l1_ratio = l1_ratio
        self.penalty_factor = penalty_factor
        self.lower_bounds = lower_bounds
        self.upper_bounds = upper_bounds
        self.random_state = random_state
        self.selection = selection
        self.alpha_rule = alpha_rule

    _loss_name = "squared"

    def _options(self, tol=None):
        return squared.Options(
            max_iter=int(self.max_iter), tol=float(self.tol if tol is None else tol),
            seed=selection_seed(self.selection, self.random_state),
        )  # fmt: skip

    def _alpha_max(self, X, y, sample_weight, l1_ratio):
        penalty = self._penalty(1.0, X.shape[1], l1_ratio)
        light = not np.any(penalty.factors() == 0)
        problem = squared_problem(X, sample_weight, self.fit_intercept, light=light)
        tgt = squared.target(problem, y)
        return squared.alpha_max(problem, tgt, penalty.unit())

    def _path_runner(self, X, y, sample_weight, alphas, folds, progress, l1_ratio):
        # Unit-weight dense folds share one X'X: each fold's Gram is the total minus
        # its held-out rows' product (n_test p^2 flops instead of n_train p^2).
        n_train = min(train.size for train, _ in folds)
        use_gram = self.precompute is True or (
            self.precompute == "auto"
            and squared.covariance_pays(n_train, X.shape[1], n_solves=alphas.size)
        )
        options = self._options()
        penalty = self._penalty(1.0, X.shape[1], l1_ratio)

        def path_on(problem, y_part):
            return squared_path(problem, y_part, alphas, size=alphas.size, eps=self.eps,
                                penalty=penalty, options=options,
                                progress=progress)  # fmt: skip

        design = as_kernel_inputs(X, fortran=False)
        if (
            not isinstance(design, DenseDesign)
            or sample_weight is not None
            or not use_gram
        ):

            def run(train, test):
                rows = slice(None) if test.size == 0 else train
                sw = None if sample_weight is None else sample_weight[rows]
                problem = squared_problem(X[rows], sw, self.fit_intercept,
                                          precompute=self.precompute,
                                          n_solves=alphas.size)  # fmt: skip
                return path_on(problem, y[rows])

            return run
        fold_problem = squared.fold_problems(design.X, self.fit_intercept)

        def run(train, test):
            problem = fold_problem(train, test)
            if test.size == 0:
                # The refit solves on all rows too: it reuses this Gram instead of
                # an F-ordered copy of X and a coordinate-descent solve.
                run.full_problem = problem
            return path_on(problem, y[train])

        return run

    def _refit(self, X, y, sample_weight, alpha, coef, intercept, l1_ratio,
               problem=None):  # fmt: skip
        # The path stops each alpha at `tol`; the refit goes on from there to a
        # tight gap, so that weights and repeated rows give the same model.
        if problem is None:
            problem = squared_problem(X, sample_weight, self.fit_intercept,
                                      precompute=self.precompute)  # fmt: skip
        tgt = squared.target(problem, y)
        return squared.solve(
            problem,
            tgt,
            alpha,
            self._penalty(1.0, X.shape[1], l1_ratio).unit(),
            coef0=coef,
            options=self._options(min(self.tol, REFIT_TOL)),
        )

    def _fold_error(self, y, pred, sample_weight):
        err = (y[:, None] - pred) ** 2
        return np.average(err, axis=0, weights=sample_weight)

    def _measure(self, X, y, sample_weight, refit):
        # Measured from the data by lad.diagnostics, independently of the solver.
        return diagnostics.certify(
            X, y, refit.coef, refit.intercept, alpha=self.alpha_, loss="squared",
            sample_weight=sample_weight, fit_intercept=self.fit_intercept,
            **self._penalty_params(self.l1_ratio_),
        )  # fmt: skip

    @property
    def mse_path_(self):
        """Held-out mean squared errors, shape (n_alphas, n_folds).

        Examples
        --------
        >>> from lad import LassoL1CV
        >>> from lad.datasets import make_sparse_regression
        >>> X, y, _ = make_sparse_regression(n_samples=40, n_features=5,
        ...                                  random_state=0)
        >>> model = LassoL1CV(n_alphas=5, cv=3).fit(X, y)
        >>> model.mse_path_.shape
        (5, 3)
        """
        check_is_fitted(self)
        return self.cv_error_path_


class LADRegressorCV(_PathCV):
    """:class:`lad.LADRegressor` with alpha chosen by cross-validation along a path.

    Every fold fits an exact warm-started path (:func:`lad.lad_path`) and is scored by
    the held-out mean of ``2 rho_q(y - prediction)`` (the mean absolute error at the
    default ``quantile=0.5``); alpha is chosen by ``alpha_rule`` and the model refit on
    all the data. Objective as :class:`lad.LADRegressor`:
    ``(1/n) sum_i 2 rho_q(y_i - x_i'w - b) + alpha ||w||_1``.

    Parameters
    ----------
    eps : float, default=1e-3
        Ratio of the smallest to the largest alpha of the default grid, in (0, 1).
    n_alphas : int, default=100
        Number of alphas of the default grid, geometric from ``alpha_max`` (absolute
        loss, all the data) down to ``eps * alpha_max``.
    alphas : int or array-like, default=None
        An int is the size of the default grid (as in scikit-learn >= 1.7, where
        ``LassoCV(alphas=100)`` replaced ``n_alphas``); an array is the grid to use
        instead, sorted in decreasing order. None: ``n_alphas``.
    quantile : float, default=0.5
        Quantile of the loss, in (0, 1).
    fit_intercept : bool, default=True
        Whether to fit an intercept.
    tol : float, default=1e-9
        Relative gap tolerance, as in :class:`lad.LADRegressor`.
    cv : int, cross-validation generator or iterable, default=None
        As in scikit-learn: ``None`` is 5-fold, an int is a number of folds.
    verbose : int, bool or "progress", default=0
        0: silent; 1: a line per fold and for the refit; 2: also a line per alpha
        of every path; ``"progress"``: a tqdm bar over the folds when tqdm is
        installed.
    n_jobs : int, default=None
        Folds fitted in parallel (threads).
    alpha_rule : {"min", "1se"}, default="min"
        Minimum CV error, or the one-standard-error rule.
    l1_ratio : float or array-like of floats, default=1.0
        Share of the L1 part of the penalty, in [0, 1], as in
        :class:`lad.LADRegressor`; a list is searched with alpha, as in
        :class:`lad.LassoL1CV`.
    penalty_factor : array-like of shape (n_features,), default=None
        Finite, non-negative factors ``pf_j`` of each feature's penalty (all ones
        when None); 0 leaves a feature unpenalised. Not rescaled (glmnet rescales
        its ``penalty.factor`` to sum to ``n_features``).
    lower_bounds, upper_bounds : float or array-like of shape (n_features,), \
default=None
        Bounds on the coefficients, ``lower_bounds <= 0 <= upper_bounds``;
        unbounded when None. The intercept is never bounded.

    Attributes
    ----------
    alpha_ : float
        The chosen alpha.
    l1_ratio_ : float
        The chosen ``l1_ratio``.
    alpha_min_ : float
        Alpha of minimum mean CV error.
    alpha_1se_ : float
        Largest alpha within one standard error of the minimum.
    alphas_ : ndarray of shape (n_alphas,)
        The grid.
    cv_error_path_ : ndarray of shape (n_alphas, n_folds)
        Held-out mean ``2 rho_q`` loss of each fold along the grid.
    cv_error_mean_ : ndarray of shape (n_alphas,)
        Mean CV error at each alpha.
    cv_error_se_ : ndarray of shape (n_alphas,)
        Standard error of the mean CV error.
    n_nonzero_path_ : ndarray of shape (n_alphas,)
        Non-zero coefficients of the full-data path at each alpha.
    coef_path_ : ndarray of shape (n_features, n_alphas)
        The full-data path.
    intercept_path_ : ndarray of shape (n_alphas,)
        Intercepts of the full-data path.
    selection_frequency_ : ndarray of shape (n_features,)
        Fraction of folds in which each feature is non-zero at ``alpha_``.
    coef_ : ndarray of shape (n_features,)
        Coefficients at ``alpha_``.
    intercept_ : float
        Intercept at ``alpha_``.
    dual_gap_ : float
        Certified duality gap at ``alpha_``.
    n_iter_ : int
        Linear programs solved at ``alpha_`` in the full-data path.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    LADRegressor : The estimator refit at ``alpha_``.

    Examples
    --------
    >>> from lad import LADRegressorCV
    >>> from lad.datasets import make_sparse_regression
    >>> X, y, _ = make_sparse_regression(n_samples=80, n_features=10, outliers=0.1,
    ...                                  random_state=0)
    >>> model = LADRegressorCV(n_alphas=10, cv=3).fit(X, y)
    >>> bool(model.alphas_[-1] <= model.alpha_ <= model.alphas_[0])
    True
    """

    _parameter_constraints = {
        **_COMMON_CONSTRAINTS,
        "quantile": [Interval(Real, 0, 1, closed="neither")],
        "l1_ratio": [Interval(Real, 0, 1, closed="both"), "array-like"],
        "penalty_factor": PENALTY_CONSTRAINTS["penalty_factor"],
        "lower_bounds": PENALTY_CONSTRAINTS["lower_bounds"],
        "upper_bounds": PENALTY_CONSTRAINTS["upper_bounds"],
    }

    def __init__(
        self,
        *,
        eps=1e-3,
        n_alphas=100,
        alphas=None,
        quantile=0.5,
        fit_intercept=True,
        tol=1e-9,
        cv=None,
        verbose=0,
        n_jobs=None,
        alpha_rule="min",
        l1_ratio=1.0,
        penalty_factor=None,
        lower_bounds=None,
        upper_bounds=None,
    ):
        self.eps = eps
        self.n_alphas = n_alphas
        self.alphas = alphas
        self.quantile = quantile
        self.fit_intercept = fit_intercept
        self.tol = tol
        self.cv = cv
        self.verbose = verbose
        self.n_jobs = n_jobs
        self.alpha_rule = alpha_rule
        self.l1_ratio = l1_ratio
        self.penalty_factor = penalty_factor
        self.lower_bounds = lower_bounds
        self.upper_bounds = upper_bounds

    _loss_name = "absolute"

    def _unit(self, n_features, l1_ratio):
        return self._penalty(1.0, n_features, l1_ratio).unit()

    def _alpha_max(self, X, y, sample_weight, l1_ratio):
        problem = absolute_problem(
            X, y, sample_weight, self.quantile, self.fit_intercept
        )
        return absolute.alpha_max(problem, self._unit(X.shape[1], l1_ratio))

    def _path_runner(self, X, y, sample_weight, alphas, folds, progress, l1_ratio):
        options = absolute.Options(tol=float(self.tol))
        penalty = self._penalty(1.0, X.shape[1], l1_ratio)

        def run(train, test):
            rows = slice(None) if test.size == 0 else train
            sw = None if sample_weight is None else sample_weight[rows]
            problem = absolute_problem(X[rows], y[rows], sw, self.quantile,
                                       self.fit_intercept)  # fmt: skip
            return absolute_path(problem, alphas, size=alphas.size, eps=self.eps,
                                 penalty=penalty, options=options,
                                 progress=progress)  # fmt: skip

        return run

    def _refit(self, X, y, sample_weight, alpha, coef, intercept, l1_ratio,
               problem=None):  # fmt: skip
        # The path's solutions are exact vertices already: certify, do not re-solve.
        problem = absolute_problem(
            X, y, sample_weight, self.quantile, self.fit_intercept
        )
        res = absolute.solve(problem, alpha, self._unit(X.shape[1], l1_ratio),
                             start=(coef, intercept),
                             options=absolute.Options(tol=float(self.tol)))  # fmt: skip
        return res

    def _fold_error(self, y, pred, sample_weight):
        return np.average(rho(y[:, None] - pred, self.quantile), axis=0,
                          weights=sample_weight)  # fmt: skip

    def _measure(self, X, y, sample_weight, refit):
        # The refit's own certificate: its dual point comes from the simplex's
        # basis (an independent zero-set LP can cost more than the fit).
        return {"objective": refit.objective, "kkt_violation": refit.kkt}

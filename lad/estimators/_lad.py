"""``LADRegressor``: least absolute deviations (or quantile loss) with an L1 penalty."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted

from .._progress import Progress
from .._report import SparsityReport
from .._solvers import absolute
from .._validation import (
    Interval,
    StrOptions,
    as_kernel_inputs,
    check_params,
    full_weights,
    validate_fit_data,
)
from ._common import (
    VERBOSE,
    alpha_rows,
    check_finite_result,
    predict_linear,
    report_names,
    warn_if_null,
    warn_if_unconverged,
)
from ._penalised import PENALTY_CONSTRAINTS, PenalisedMixin

RESIDUAL_QUANTILES = (0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0)


class LADRegressor(PenalisedMixin, RegressorMixin, BaseEstimator):
    r"""Least absolute deviations regression, with an optional L1 penalty and quantiles.

    Minimises

    .. math::

       \frac{1}{n} \sum_{i=1}^{n} 2\rho_q(y_i - x_i^\top w - b)
       + \alpha \sum_j \mathrm{pf}_j \Big(\rho \lvert w_j \rvert
       + \frac{1 - \rho}{2} w_j^2\Big)
       \quad \text{subject to} \quad l_j \le w_j \le u_j

    where :math:`\rho_q(r) = r\,(q - \mathbb{1}\{r < 0\})` is the pinball loss at
    :math:`q` = ``quantile``,
    so at the default ``quantile=0.5`` the loss is the mean absolute error
    ``(1/n) ||y - Xw - b||_1``. ``alpha=0`` (the default) is classic LAD regression;
    ``alpha > 0`` is the LAD-Lasso. The mix :math:`\rho` (``l1_ratio``, default 1),
    the penalty factors ``pf`` (``penalty_factor``, default all ones) and the
    bounds ``l``, ``u`` (``lower_bounds``, ``upper_bounds``, default none) are
    optional. The intercept is not penalised nor bounded. With
    ``sample_weight`` the terms are weighted and the weights rescaled to sum to
    ``n_samples``.

    Parameters
    ----------
    alpha : float, default=0.0
        Strength of the L1 penalty; non-negative.
    quantile : float, default=0.5
        Quantile ``q`` in (0, 1) that the model estimates; 0.5 is the median (LAD).
    fit_intercept : bool, default=True
        Whether to fit an unpenalised intercept.
    l1_ratio : float, default=1.0
        Share of the L1 part of the penalty, in [0, 1]. Below 1 (the elastic net)
        the problem is a quadratic program, solved by an interior point method and
        an exact polish on its active sets (``solver`` is then not used), to a
        certified gap of at most ``tol``.
    penalty_factor : array-like of shape (n_features,), default=None
        Finite, non-negative factors ``pf_j`` of each feature's L1 penalty (all
        ones when None); 0 leaves a feature unpenalised (hqreg's and rqPen's
        ``penalty.factor``, not rescaled).
    lower_bounds, upper_bounds : float or array-like, default=None
        Bounds on the coefficients (a scalar, or an array of shape
        ``(n_features,)``), ``lower_bounds <= 0 <= upper_bounds``; unbounded when
        None. The problem stays a linear program, solved exactly.
    solver : {"auto", "globs", "ipm", "irls", "cd"}, default="auto"
        The warm start that precedes the exact simplex: ``"ipm"`` (a Frisch-Newton
        interior point method on the dual linear program, dense or sparse ``X``;
        with bounds, IRLS stands in), ``"irls"`` (iteratively reweighted least
        squares), ``"cd"`` (coordinate descent with weighted-median steps),
        ``"globs"`` (Portnoy and Koenker's preprocessing, quantreg's ``pfn``: an
        exact fit on a random subsample of about ``sqrt(n_features + 1) *
        n_samples ** (2 / 3)`` rows, then the exact fit of the rows near its
        quantile plus two pseudo-rows that lump the rows above and below, checked
        on every row and repeated with a wider band until no lumped row changes
        side; the whole problem is solved instead when the band would hold half
        the rows), or ``"auto"``: ``"globs"`` from 50000 rows when the subsample
        is at most a tenth of them (a C-ordered dense ``X`` is then read as it
        is, without a copy); no warm start when
        ``n_samples * (n_features + 1) <= 4000``;
        ``"ipm"`` when it pays (dense: ``(n_samples + n_features) *
        (n_features + 1) <= 2e7`` and, with a penalty, ``(n_samples + n_features) *
        (n_features + 1) ** 2 <= 1e10``; sparse: at most 2000 columns and a small
        cost of the normal equations); ``"irls"`` otherwise. Every route ends with
        the same exact simplex, so all return an optimum of the same objective.
    max_iter : int, default=100
        Maximum number of warm-start iterations: IRLS reweightings or CD epochs
        (``max_iter=0`` skips those warm starts). It does not bound the other two
        stages, which have their own limits: the interior point method stops after
        100 iterations, and the exact simplex after ``50 (n_features + 1) + 1000``
        pivots (a fit that reaches it warns, with its gap). ``n_iter_`` counts all
        three.
    tol : float, default=1e-9
        Convergence is declared when the certified duality gap is at most
        ``tol * P0``, where ``P0`` is the objective of the best constant model.
    warm_start : bool, default=False
        Start from the previous solution when refitting.
    verbose : int, bool or "progress", default=0
        0: silent; 1: a line for the route, the warm start and the exact simplex
        (iterations, pivots, time); 2: also a line per chunk of pivots;
        ``"progress"``: as 1.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        Coefficients, in the dtype of ``X``.
    intercept_ : float
        Intercept; 0.0 when ``fit_intercept=False``.
    n_iter_ : int
        Warm-start iterations (interior point, IRLS or CD) plus simplex pivots.
    dual_gap_ : float
        Primal-dual gap certified by an explicitly built feasible point of the dual
        linear program, in the objective's units.
    solver_ : str
        The route taken, for example ``"ipm+simplex"`` (see ``solver``): ``"simplex"``
        alone when no warm start ran, ``"null"`` when ``alpha >= alpha_max``.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    sklearn.linear_model.QuantileRegressor : Same optimum with ``alpha=alpha / 2``.
    LassoL1 : Squared loss with the same penalty.
    LADRegressorCV : Alpha chosen by cross-validation along an exact path.

    Notes
    -----
    Conversions of ``alpha`` (unit weights, ``n`` samples, quantile ``q``):

    - ``sklearn.linear_model.QuantileRegressor(quantile=q, alpha=alpha / 2)``, whose
      objective is half of this one;
    - ``statsmodels`` ``QuantReg(y, X).fit(q=q)`` for ``alpha = 0`` only (it has no
      penalty; add a constant column for the intercept);
    - R ``quantreg::rq(y ~ x, tau = q, method = "lasso", lambda = n * alpha)``, which
      minimises ``sum rho_q + (lambda / 2) ||w||_1``; ``method = "br"`` or ``"fn"`` for
      ``alpha = 0``.

    For feature selection, ``SelectFromModel(LADRegressor(alpha=a), threshold=1e-300)``
    keeps exactly the non-zero coefficients (scikit-learn's default threshold of
    ``1e-5`` is applied only to classes named like ``Lasso``, "mean" otherwise).

    The solve has three stages, planned once from the shape of the problem (see
    ``solver``). A warm start: a Frisch-Newton interior point method (Portnoy and
    Koenker, 1997) on the bounded dual linear program, whose most interior rows
    guess the optimal basis; or IRLS or coordinate descent (Numba kernels), whose
    closest rows do; or none on small problems. The exact stage: a primal simplex
    for this piecewise-linear objective (Barrodale and Roberts' method, as in
    quantreg's ``rq.fit.br``, with the penalty's kinks), compiled with Numba and
    using only tolerances relative to the numbers compared, which pivots from that
    basis to an optimal vertex on a working set of columns. Its dual values are
    the certificate (see :func:`lad.diagnostics.duality_gap`). Badly scaled columns
    or targets are first rescaled exactly by powers of two. Exact coordinate descent
    alone stalls at non-optimal points on this non-smooth objective and IRLS only
    approaches the optimum; neither result is returned without the simplex.

    Examples
    --------
    >>> from lad import LADRegressor
    >>> from lad.datasets import make_sparse_regression
    >>> X, y, coef = make_sparse_regression(n_samples=100, n_features=5,
    ...                                     outliers=0.1, random_state=0)
    >>> model = LADRegressor().fit(X, y)
    >>> bool(model.dual_gap_ <= 1e-9 * model.sparsity_report().objective + 1e-12)
    True
    """

    _parameter_constraints = {
        "alpha": [Interval(Real, 0, None, closed="left")],
        "quantile": [Interval(Real, 0, 1, closed="neither")],
        "fit_intercept": ["boolean"],
        "l1_ratio": PENALTY_CONSTRAINTS["l1_ratio"],
        "penalty_factor": PENALTY_CONSTRAINTS["penalty_factor"],
        "lower_bounds": PENALTY_CONSTRAINTS["lower_bounds"],
        "upper_bounds": PENALTY_CONSTRAINTS["upper_bounds"],
        "solver": [StrOptions({"auto", "globs", "ipm", "irls", "cd"})],
        "max_iter": [Interval(Integral, 0, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "warm_start": ["boolean"],
        "verbose": VERBOSE,
    }

    def __init__(
        self,
        alpha=0.0,
        *,
        quantile=0.5,
        fit_intercept=True,
        l1_ratio=1.0,
        penalty_factor=None,
        lower_bounds=None,
        upper_bounds=None,
        solver="auto",
        max_iter=100,
        tol=1e-9,
        warm_start=False,
        verbose=0,
    ):
        self.alpha = alpha
        self.quantile = quantile
        self.fit_intercept = fit_intercept
        self.l1_ratio = l1_ratio
        self.penalty_factor = penalty_factor
        self.lower_bounds = lower_bounds
        self.upper_bounds = upper_bounds
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.verbose = verbose

    def fit(self, X, y, sample_weight=None):
        """Fit the model to an exact, certified optimum.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; CSC and CSR matrices are used without densifying.
        y : array-like of shape (n_samples,)
            Target.
        sample_weight : float or array-like of shape (n_samples,), default=None
            Non-negative weights, rescaled internally to sum to ``n_samples``.
            Integer weights give the optimum of the data with repeated rows.

        Returns
        -------
        self : LADRegressor
            The fitted estimator.

        Examples
        --------
        >>> import numpy as np
        >>> from lad import LADRegressor
        >>> from lad.datasets import make_sparse_regression
        >>> X, y, _ = make_sparse_regression(n_samples=40, n_features=5,
        ...                                  n_informative=2, outliers=0.1,
        ...                                  random_state=0)
        >>> model = LADRegressor(alpha=0.3).fit(X, y)
        >>> np.flatnonzero(model.coef_).tolist()
        [0, 4]
        >>> round(float(model.coef_[0]), 1)
        1.7
        """
        check_params(self)
        if isinstance(sample_weight, Real):
            sample_weight = None
        X, y, sample_weight = validate_fit_data(
            self, X, y, sample_weight, multi_output=False
        )
        n_samples, n_features = X.shape
        alpha = float(self.alpha)
        # The penalty's parameters are checked before any pass over X.
        unit = self._penalty(alpha, n_features).unit()
        # The route over rows reads a C-ordered X as it is: no copy of X.
        rows = absolute.rows_layout_pays(n_samples, n_features, self.solver)
        problem = absolute.prepare(
            as_kernel_inputs(X, fortran=not rows), y,
            full_weights(sample_weight, n_samples),
            tau=float(self.quantile), fit_intercept=bool(self.fit_intercept),
        )  # fmt: skip
        # A MultiQuantileRegressor hands over the fit at a neighbouring quantile.
        start = getattr(self, "_neighbour", None)
        if self.warm_start and getattr(self, "coef_", None) is not None:
            if self.coef_.shape == (n_features,):
                start = (self.coef_.astype(np.float64), float(self.intercept_))
        options = absolute.Options(
            tol=float(self.tol), max_iter=int(self.max_iter),
            log=Progress(self.verbose, 0, type(self).__name__),
        )  # fmt: skip
        res = absolute.solve(problem, alpha, unit, solver=self.solver, start=start,
                             options=options)  # fmt: skip
        coef = res.coef.astype(X.dtype)
        intercept = X.dtype.type(res.intercept) if self.fit_intercept else 0.0
        if X.dtype != np.float64:
            # Certify what is returned: the coefficients rounded to X's dtype, with
            # the solver's dual point (still feasible) as the bound.
            cert = absolute.certificate(
                problem, coef.astype(np.float64), float(intercept), alpha, unit,
                dual=res.dual,
            )  # fmt: skip
            res.dual_gap = cert["gap"]
            res.objective = cert["objective"]
        warn_if_null(self, alpha, res.details["alpha_max"], "absolute")
        warn_if_unconverged(
            self,
            res,
            advice="The exact solve ended on a point whose certificate misses the "
            "tolerance, a sign of an ill-conditioned or badly scaled X; rescale the "
            "features or loosen `tol`.",
        )
        check_finite_result(coef, intercept)
        self.coef_ = coef
        self.intercept_ = intercept
        self.n_iter_ = res.n_iter
        self.dual_gap_ = float(res.dual_gap)
        self.solver_ = res.solver
        residuals = (
            y - np.asarray(X @ coef.astype(np.float64)).ravel() - float(intercept)
        )
        self._result = res
        self._info = {
            "objective": res.objective,
            "n_zero_residuals": res.details.get("zero residuals", 0),
            "residual_quantiles": np.quantile(residuals, RESIDUAL_QUANTILES),
            "unique": res.details.get("unique", False),
            "dual_infeasibility": float(res.kkt),
            "n_pivots": res.details.get("pivots", 0),
        }
        return self

    def summary(self, X, y, sample_weight=None, *, se="nid", level=0.95,
                bandwidth="hall-sheather", n_boot=1000, random_state=None,
                n_jobs=None, groups=None, iid=True):  # fmt: skip
        """Standard errors, t and p values and intervals, as R's ``summary.rq``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The data the model was fitted on.
        y : array-like of shape (n_samples,)
            The target it was fitted on.
        sample_weight : array-like of shape (n_samples,), default=None
            The weights of the fit, if any (rows are scaled by them, as quantreg
            does).
        se : {"nid", "iid", "ker", "rank", "boot", "wild"}, default="nid"
            ``"nid"``: Huber's sandwich with local densities from exact fits at
            ``quantile +- h`` (two more fits); ``"iid"``: the sparsity from the
            residuals, for errors independent of ``X``; ``"ker"``: Powell's kernel
            sandwich; ``"rank"``: intervals by inverting a rank test (Koenker
            1994), without standard errors (quantreg's default below 1001 rows;
            note that its ``summary`` gives them at level 0.9); ``"boot"``: the
            xy-pairs bootstrap (``n_boot`` exact fits); ``"wild"``: the wild
            bootstrap of Feng, He and Hu (2011). See :mod:`lad.inference`.
        level : float, default=0.95
            Confidence level of the intervals, in (0, 1).
        bandwidth : {"hall-sheather", "bofinger"}, default="hall-sheather"
            The bandwidth rule (quantreg's ``hs=TRUE`` and ``hs=FALSE``).
        n_boot : int, default=1000
            Bootstrap replicates (``se="boot"`` or ``"wild"``), at least 2.
        random_state : int, RandomState instance or None, default=None
            Seed of the bootstrap draws; with a seed the table is the same whatever
            ``n_jobs``.
        n_jobs : int, default=None
            Replicates fitted in parallel (threads; the kernels release the GIL).
        groups : array-like of shape (n_samples,), default=None
            Cluster labels: ``se="boot"`` then draws whole clusters (the pairs
            cluster bootstrap), for errors correlated within clusters.
        iid : bool, default=True
            ``se="rank"`` only: whether the rank test's scale assumes errors
            independent of ``X`` (quantreg's ``iid``); with False it uses the local
            densities of ``"nid"``.

        Returns
        -------
        CoefficientTable
            Rows: the intercept (when fitted), then the features. It prints as a
            text table, renders as HTML in a notebook, and converts with
            ``to_frame()`` and ``to_dict()``.

        Raises
        ------
        ValueError
            For a penalised (``alpha > 0``) or bounded model: intervals that ignore
            the selection are not valid.

        Examples
        --------
        >>> import numpy as np
        >>> from lad import LADRegressor
        >>> rng = np.random.default_rng(0)
        >>> X = rng.standard_normal((300, 2))
        >>> y = 1 + X @ [2.0, 0.0] + rng.standard_t(3, 300)
        >>> table = LADRegressor().fit(X, y).summary(X, y, se="iid")
        >>> [round(float(c), 1) for c in table.coef]
        [0.9, 2.0, -0.1]
        >>> bool(table.p_values[1] < 1e-6), bool(table.p_values[2] > 0.01)
        (True, True)
        """
        from ..inference import summarize

        return summarize(self, X, y, sample_weight, se=se, level=level,
                         bandwidth=bandwidth, n_boot=n_boot,
                         random_state=random_state, n_jobs=n_jobs,
                         groups=groups, iid=iid)  # fmt: skip

    def predict(self, X):
        """Predict the conditional quantile (the median by default).

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
        >>> import numpy as np
        >>> from lad import LADRegressor
        >>> from lad.datasets import make_sparse_regression
        >>> X, y, _ = make_sparse_regression(n_samples=40, n_features=5,
        ...                                  outliers=0.1, random_state=0)
        >>> model = LADRegressor().fit(X, y)
        >>> model.predict(X[:3]).shape
        (3,)
        >>> bool(np.allclose(model.predict(X), X @ model.coef_ + model.intercept_))
        True
        """
        return predict_linear(self, X)

    def sparsity_report(self, *, top=10, feature_names=None):
        """Summarise the support, the certificate and the fit of the residuals.

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
            Support and sparsity, the certified duality gap, the largest violation of
            the dual constraints, and, under ``details``, the number of observations
            fitted exactly (zero residuals), residual quantiles and whether the
            optimum is certified unique.

        Examples
        --------
        >>> from lad import LADRegressor
        >>> from lad.datasets import make_sparse_regression
        >>> X, y, _ = make_sparse_regression(n_samples=40, n_features=5,
        ...                                  n_informative=2, outliers=0.1,
        ...                                  random_state=0)
        >>> report = LADRegressor(alpha=0.3).fit(X, y).sparsity_report()
        >>> report.support.tolist(), report.converged
        ([0, 4], True)
        >>> report.details["unique optimum"]
        'certified'
        """
        check_is_fitted(self)
        info = self._info
        q = ", ".join(
            f"{p:g}:{v:.4g}"
            for p, v in zip(RESIDUAL_QUANTILES, info["residual_quantiles"], strict=True)
        )
        return SparsityReport(
            model=(
                f"LADRegressor(alpha={self.alpha:g}, quantile={self.quantile:g}"
                f"{self._penalty_suffix()})"
            ),
            coef=np.asarray(self.coef_, dtype=np.float64),
            feature_names=report_names(self, feature_names),
            dual_gap=self._result.dual_gap,
            gap_tol=self._result.tol,
            kkt_violation=info["dual_infeasibility"],
            objective=info["objective"],
            converged=self._result.converged,
            top=top,
            details={
                **alpha_rows(float(self.alpha), self._result.details["alpha_max"]),
                **self._penalty_rows(
                    np.asarray(self.coef_, dtype=np.float64), float(self.alpha)
                ),  # fmt: skip
                "zero residuals": info["n_zero_residuals"],
                "residual quantiles": q,
                "unique optimum": "certified" if info["unique"] else "not certified",
                "solver": self.solver_,
                "simplex pivots": info["n_pivots"],
            },
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

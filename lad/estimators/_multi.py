"""``MultiQuantileRegressor``: several quantiles of one linear model, not crossing."""

from numbers import Integral, Real
from types import SimpleNamespace

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted

from .._report import SparsityReport
from .._validation import (
    Interval,
    StrOptions,
    check_params,
    full_weights,
    validate_fit_data,
    validate_predict_data,
)
from ._common import VERBOSE, check_finite_result, report_names, warn_if_unconverged
from ._lad import LADRegressor
from ._penalised import PENALTY_CONSTRAINTS, PenalisedMixin

NON_CROSSING = (None, "rearrange", "constrain")


def check_quantiles(quantiles):
    """The quantiles as a float array: non-empty, finite, in (0, 1), distinct."""
    try:
        q = np.asarray(quantiles, dtype=np.float64).ravel()
    except (TypeError, ValueError) as exc:
        raise ValueError(f"quantiles must be numbers; got {quantiles!r}.") from exc
    if q.size == 0:
        raise ValueError("quantiles is empty: give at least one quantile in (0, 1).")
    if not np.all(np.isfinite(q)) or np.any((q <= 0) | (q >= 1)):
        raise ValueError(f"Every quantile must be in (0, 1); got {q.tolist()}.")
    if np.unique(q).size != q.size:
        raise ValueError(f"quantiles must be distinct; got {q.tolist()}.")
    return q


class MultiQuantileRegressor(PenalisedMixin, RegressorMixin, BaseEstimator):
    """Several quantiles of a linear model at once, each exact, optionally not crossing.

    Each quantile ``q`` minimises the objective of :class:`LADRegressor` at
    ``quantile=q`` (with the same penalty), so with ``non_crossing=None`` every row
    of ``coef_`` is that estimator's exact, certified optimum.

    Parameters
    ----------
    quantiles : array-like of float, default=(0.1, 0.5, 0.9)
        Distinct quantiles in (0, 1); the rows of ``coef_`` and the columns of
        ``predict`` follow this order.
    alpha : float, default=0.0
        Strength of the penalty, shared by every quantile (see
        :class:`LADRegressor`).
    fit_intercept : bool, default=True
        Whether to fit an unpenalised intercept per quantile.
    non_crossing : {None, "rearrange", "constrain"}, default=None
        None: independent fits. ``"rearrange"``: the same fits, and ``predict``
        sorts each row's predictions across the quantiles (Chernozhukov,
        Fernández-Val and Galichon 2010), so they never cross on any ``X``; the
        coefficients are unchanged. ``"constrain"``: all quantiles fitted together
        subject to not crossing at the training rows (the joint linear program
        of Bondell, Reich and Wang 2010), solved exactly with a certificate;
        ``l1_ratio`` must then be 1.
    l1_ratio : float, default=1.0
        Share of the L1 part of the penalty, as in :class:`LADRegressor`.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature factors of the penalty, as in :class:`LADRegressor`.
    lower_bounds, upper_bounds : float or array-like, default=None
        Bounds on the coefficients, as in :class:`LADRegressor`; every quantile
        shares the penalty and the bounds.
    solver : {"auto", "globs", "ipm", "irls", "cd"}, default="auto"
        Warm start of each exact fit, as in :class:`LADRegressor` (not used by
        ``"constrain"``).
    max_iter : int, default=100
        As in :class:`LADRegressor`.
    tol : float, default=1e-9
        Each fit's certified gap is at most ``tol`` times its best constant
        model's objective (``"constrain"``: the sum over quantiles of both).
    n_jobs : int, default=None
        With 2 or more, the quantiles above and below the one nearest the median
        are fitted on two threads (the kernels release the GIL).
    verbose : int, bool or "progress", default=0
        As in :class:`LADRegressor`, for each quantile's fit.

    Attributes
    ----------
    coef_ : ndarray of shape (n_quantiles, n_features)
        Coefficients, one row per quantile.
    intercept_ : ndarray of shape (n_quantiles,)
        Intercepts.
    quantiles_ : ndarray of shape (n_quantiles,)
        The quantiles, in the given order.
    dual_gap_ : ndarray of shape (n_quantiles,)
        Certified duality gap of each quantile's fit (``"constrain"``: the joint
        problem's gap, repeated).
    n_iter_ : ndarray of shape (n_quantiles,)
        Iterations of each fit.
    estimators_ : list of LADRegressor
        The independent fits (not with ``"constrain"``).
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    LADRegressor : One quantile.

    Examples
    --------
    >>> import numpy as np
    >>> from lad import MultiQuantileRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(0, 4, (300, 1))
    >>> y = X[:, 0] + (1 + 0.5 * X[:, 0]) * rng.standard_normal(300)
    >>> model = MultiQuantileRegressor(quantiles=[0.1, 0.5, 0.9]).fit(X, y)
    >>> model.coef_.shape, model.predict(X).shape
    ((3, 1), (300, 3))
    >>> bool(model.coef_[0, 0] < model.coef_[1, 0] < model.coef_[2, 0])
    True
    """

    _parameter_constraints = {
        "quantiles": ["array-like"],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "fit_intercept": ["boolean"],
        "non_crossing": [StrOptions({"rearrange", "constrain"}), None],
        "l1_ratio": PENALTY_CONSTRAINTS["l1_ratio"],
        "penalty_factor": PENALTY_CONSTRAINTS["penalty_factor"],
        "lower_bounds": PENALTY_CONSTRAINTS["lower_bounds"],
        "upper_bounds": PENALTY_CONSTRAINTS["upper_bounds"],
        "solver": [StrOptions({"auto", "globs", "ipm", "irls", "cd"})],
        "max_iter": [Interval(Integral, 0, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "n_jobs": [Integral, None],
        "verbose": VERBOSE,
    }

    def __init__(
        self,
        quantiles=(0.1, 0.5, 0.9),
        *,
        alpha=0.0,
        fit_intercept=True,
        non_crossing=None,
        l1_ratio=1.0,
        penalty_factor=None,
        lower_bounds=None,
        upper_bounds=None,
        solver="auto",
        max_iter=100,
        tol=1e-9,
        n_jobs=None,
        verbose=0,
    ):
        self.quantiles = quantiles
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.non_crossing = non_crossing
        self.l1_ratio = l1_ratio
        self.penalty_factor = penalty_factor
        self.lower_bounds = lower_bounds
        self.upper_bounds = upper_bounds
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _single(self, q):
        return LADRegressor(
            self.alpha, quantile=float(q), fit_intercept=self.fit_intercept,
            l1_ratio=self.l1_ratio, penalty_factor=self.penalty_factor,
            lower_bounds=self.lower_bounds, upper_bounds=self.upper_bounds,
            solver=self.solver, max_iter=self.max_iter, tol=self.tol,
            verbose=self.verbose,
        )  # fmt: skip

    def fit(self, X, y, sample_weight=None):
        """Fit every quantile.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Target.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights, as in :class:`LADRegressor`.

        Returns
        -------
        self : MultiQuantileRegressor
            The fitted estimator.

        Examples
        --------
        >>> import numpy as np
        >>> from lad import MultiQuantileRegressor
        >>> rng = np.random.default_rng(1)
        >>> X = rng.standard_normal((200, 3))
        >>> y = X @ [1.0, 0.0, -1.0] + rng.normal(size=200)
        >>> model = MultiQuantileRegressor([0.25, 0.75], non_crossing="constrain")
        >>> bool(np.all(np.diff(model.fit(X, y).predict(X), axis=1) >= -1e-9))
        True
        """
        check_params(self)
        q = check_quantiles(self.quantiles)
        if self.non_crossing == "constrain" and float(self.l1_ratio) != 1.0:
            raise ValueError(
                "non_crossing='constrain' solves one linear program, which needs "
                f"l1_ratio=1; got l1_ratio={self.l1_ratio!r}. Use "
                "non_crossing='rearrange' with the elastic net."
            )
        X, y, sample_weight = validate_fit_data(
            self, X, y, sample_weight, multi_output=False
        )
        n_samples, n_features = X.shape
        # The penalty's parameters are checked before any pass over X.
        penalty = self._penalty(float(self.alpha), n_features)
        self.quantiles_ = q
        if self.non_crossing == "constrain":
            self._fit_joint(X, y, sample_weight, penalty)
        else:
            self._fit_each(X, y, sample_weight)
        check_finite_result(self.coef_, self.intercept_)
        return self

    def _fit_each(self, X, y, sample_weight):
        """Fit the quantile nearest the median, then walk outwards from it.

        Each fit starts from its neighbour's residuals (the globs of
        :mod:`lad._solvers._globs`: an exact solve on the rows near the new
        quantile); the two walks run on two threads with ``n_jobs`` > 1.
        """
        from joblib import Parallel, delayed

        from .._solvers._globs import Neighbour

        qs = self.quantiles_
        order = np.argsort(qs)
        mid = int(np.argmin(np.abs(qs[order] - 0.5)))
        fits = [None] * qs.size

        def fit(k, near):
            est = self._single(qs[k])
            est._neighbour = near
            est.fit(X, y, sample_weight)
            del est._neighbour
            fits[k] = est
            r = y - np.asarray(X @ est.coef_.astype(np.float64)).ravel()
            return Neighbour(r - float(est.intercept_), float(qs[k]))

        def walk(ks, near):
            for k in ks:
                near = fit(k, near)

        first = fit(order[mid], None)
        walks = [order[mid + 1 :], order[:mid][::-1]]
        Parallel(n_jobs=min(2, self.n_jobs or 1), prefer="threads")(
            delayed(walk)(ks, first) for ks in walks if len(ks)
        )
        self.estimators_ = fits
        self.coef_ = np.array([f.coef_ for f in fits])
        self.intercept_ = np.array([f.intercept_ for f in fits], dtype=X.dtype)
        self.dual_gap_ = np.array([f.dual_gap_ for f in fits])
        self.n_iter_ = np.array([f.n_iter_ for f in fits])
        self._reports = [f.sparsity_report for f in fits]

    def _fit_joint(self, X, y, sample_weight, penalty):
        from .._solvers._joint import solve_joint
        from .._solvers.absolute import null_objective

        n = X.shape[0]
        w = full_weights(sample_weight, n)
        order = np.argsort(self.quantiles_)
        lo, hi = penalty.bounds()
        fit = solve_joint(
            X.astype(np.float64), y, w, self.quantiles_[order], float(self.alpha),
            penalty.factors(), lo, hi, fit_intercept=bool(self.fit_intercept),
        )  # fmt: skip
        back = np.argsort(order)
        scale = sum(null_objective(y, w, float(q), self.fit_intercept)[0]
                    for q in self.quantiles_)  # fmt: skip
        self.coef_ = fit.coef[back].astype(X.dtype)
        self.intercept_ = fit.intercept[back].astype(X.dtype)
        self.dual_gap_ = np.full(self.quantiles_.size, fit.dual_gap)
        self.n_iter_ = np.full(self.quantiles_.size, fit.n_iter)
        self._joint = fit
        self._joint_objectives = fit.per_quantile[back]
        tol = float(self.tol) * scale + 1e-12 * (1.0 + abs(fit.objective))
        self._joint_converged = fit.dual_gap <= tol and fit.kkt <= 1e-7 * (1 + scale)
        self._joint_tol = tol

        result = SimpleNamespace(converged=self._joint_converged,
                                 dual_gap=fit.dual_gap, tol=tol,
                                 n_iter=fit.n_iter)  # fmt: skip
        advice = "The joint linear program's duals miss the tolerance; rescale X."
        warn_if_unconverged(self, result, advice=advice)

    def predict(self, X):
        """Predict every quantile; with ``"rearrange"`` each row sorted across them.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        ndarray of shape (n_samples, n_quantiles)
            Column ``k`` is the prediction of ``quantiles_[k]``.

        Examples
        --------
        >>> import numpy as np
        >>> from lad import MultiQuantileRegressor
        >>> rng = np.random.default_rng(2)
        >>> X = rng.standard_normal((100, 2)); y = X[:, 0] + rng.normal(size=100)
        >>> model = MultiQuantileRegressor([0.9, 0.1], non_crossing="rearrange")
        >>> pred = model.fit(X, y).predict(100 * X)  # far outside the data
        >>> bool(np.all(pred[:, 0] >= pred[:, 1]))
        True
        """
        check_is_fitted(self)
        X = validate_predict_data(self, X)
        out = np.asarray(X @ self.coef_.T) + self.intercept_
        out = out.astype(self.coef_.dtype, copy=False)
        if self.non_crossing == "rearrange":
            order = np.argsort(self.quantiles_)
            out[:, order] = np.sort(out, axis=1)
        return out

    def score(self, X, y, sample_weight=None):
        """Pinball skill, averaged over the quantiles.

        For each quantile ``q`` the skill is ``1 - L / L0``, with ``L`` the
        (weighted) pinball loss of the predictions at ``q`` and ``L0`` that of the
        best constant, the (weighted) ``q``-quantile of ``y`` (scikit-learn's
        :func:`~sklearn.metrics.d2_pinball_score`); the score is their mean. 1 is
        a perfect fit, 0 no better than constants; higher is better, as
        ``GridSearchCV`` expects.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Test samples.
        y : array-like of shape (n_samples,)
            True values.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights.

        Returns
        -------
        float
            The mean skill.

        Examples
        --------
        >>> import numpy as np
        >>> from lad import MultiQuantileRegressor
        >>> rng = np.random.default_rng(3)
        >>> X = rng.standard_normal((200, 2)); y = 2 * X[:, 0] + rng.normal(size=200)
        >>> 0.3 < MultiQuantileRegressor().fit(X, y).score(X, y) < 1.0
        True
        """
        from sklearn.metrics import d2_pinball_score

        pred = self.predict(X)
        y = np.asarray(y, dtype=np.float64).ravel()
        return float(np.mean([
            d2_pinball_score(y, pred[:, k], sample_weight=sample_weight, alpha=q)
            for k, q in enumerate(self.quantiles_)
        ]))  # fmt: skip

    def sparsity_report(self, *, top=10, feature_names=None):
        """One sparsity report per quantile, in the order of ``quantiles_``.

        Parameters
        ----------
        top : int, default=10
            Number of largest coefficients to list in each.
        feature_names : array-like of str, default=None
            Names of the features, as in :meth:`LADRegressor.sparsity_report`.

        Returns
        -------
        list of SparsityReport
            With ``"constrain"`` each report gives its quantile's objective and
            the certificate of the joint problem.

        Examples
        --------
        >>> import numpy as np
        >>> from lad import MultiQuantileRegressor
        >>> rng = np.random.default_rng(4)
        >>> X = rng.standard_normal((100, 4)); y = 3 * X[:, 0] + rng.normal(size=100)
        >>> reports = MultiQuantileRegressor(alpha=0.2).fit(X, y).sparsity_report()
        >>> [r.support.tolist() for r in reports]
        [[0], [0], [0]]
        """
        check_is_fitted(self)
        if self.non_crossing != "constrain":
            return [
                make(top=top, feature_names=feature_names) for make in self._reports
            ]
        fit = self._joint
        return [
            SparsityReport(
                model=(
                    f"MultiQuantileRegressor(alpha={self.alpha:g}, quantile={q:g},"
                    f" non_crossing='constrain'{self._penalty_suffix()})"
                ),
                coef=np.asarray(self.coef_[k], dtype=np.float64),
                feature_names=report_names(self, feature_names),
                dual_gap=fit.dual_gap,
                gap_tol=self._joint_tol,
                kkt_violation=fit.kkt,
                objective=float(self._joint_objectives[k]),
                converged=self._joint_converged,
                top=top,
                details={
                    "certificate": "of the joint problem (all quantiles)",
                    "joint objective": f"{fit.objective:.10g}",
                },
            )  # fmt: skip
            for k, q in enumerate(self.quantiles_)
        ]

    def summary(self, X, y, sample_weight=None, **kwargs):
        """One coefficient table per quantile, as :meth:`LADRegressor.summary`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The data the model was fitted on.
        y : array-like of shape (n_samples,)
            The target it was fitted on.
        sample_weight : array-like of shape (n_samples,), default=None
            The weights of the fit, if any.
        **kwargs
            ``se``, ``level``, ``bandwidth``, ``n_boot``, ``random_state``,
            ``n_jobs``, ``groups`` and ``iid``, as in
            :meth:`LADRegressor.summary`.

        Returns
        -------
        list of CoefficientTable
            In the order of ``quantiles_``.

        Raises
        ------
        ValueError
            With ``non_crossing="constrain"``: the joint fit's coefficients are
            not the per-quantile estimators the tables are about (the
            rearranged or independent fits are).

        Examples
        --------
        >>> import numpy as np
        >>> from lad import MultiQuantileRegressor
        >>> rng = np.random.default_rng(5)
        >>> X = rng.standard_normal((200, 1)); y = X[:, 0] + rng.standard_t(3, 200)
        >>> tables = MultiQuantileRegressor([0.25, 0.75]).fit(X, y).summary(X, y)
        >>> [t.quantile for t in tables]
        [0.25, 0.75]
        """
        check_is_fitted(self)
        if self.non_crossing == "constrain":
            raise ValueError(
                "summary() covers independent quantile fits; with "
                "non_crossing='constrain' the coefficients solve a joint problem "
                "whose estimators have another distribution. Use "
                "non_crossing='rearrange' (the independent fits, sorted "
                "predictions) for tables."
            )
        return [f.summary(X, y, sample_weight, **kwargs) for f in self.estimators_]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

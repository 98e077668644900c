"""``LassoL1``: squared loss plus L1 penalty, a drop-in for scikit-learn's ``Lasso``."""

import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted

from .. import diagnostics
from .._progress import Progress
from .._report import SparsityReport
from .._solvers import squared
from .._validation import (
    DenseDesign,
    Interval,
    StrOptions,
    as_kernel_inputs,
    check_params,
    normalized_weights,
    validate_fit_data,
)
from ._common import (
    VERBOSE,
    alpha_rows,
    check_finite_result,
    predict_linear,
    report_names,
    selection_seed,
    warn_if_null,
    warn_if_unconverged,
)
from ._penalised import PENALTY_CONSTRAINTS, PenalisedMixin


class LassoL1(PenalisedMixin, RegressorMixin, BaseEstimator):
    """Linear model with an L1 penalty, fit by Numba coordinate descent.

    Minimises, for each target column,

    .. math::

       \\frac{1}{2n} \\lVert y - Xw - b \\rVert_2^2 + \\alpha \\lVert w \\rVert_1

    with exactly the scaling of :class:`sklearn.linear_model.Lasso`, so the same
    parameters reach the same optimum. With ``sample_weight`` the squared residuals
    are weighted and the weights rescaled to sum to ``n_samples``.

    Parameters
    ----------
    alpha : float, default=1.0
        Strength of the L1 penalty; non-negative. At or above
        ``max_j |x_j'(y - mean(y))| / n`` every coefficient is exactly zero.
    fit_intercept : bool, default=True
        Whether to fit an unpenalised intercept. The data are centred implicitly, so
        sparse ``X`` stays sparse.
    precompute : "auto", bool or array-like of shape (n_features, n_features), \
default="auto"
        Use the Gram matrix ``X'X`` (covariance mode: each coordinate step costs
        O(n_features) instead of O(n_samples)); worthwhile when
        ``n_samples >> n_features``. ``"auto"`` builds it for dense ``X`` with at
        most 400 features and at least 4 samples per feature, where it costs less
        than the passes over ``X`` it saves. An array is taken as the precomputed
        Gram matrix of the (weighted) data. Ignored for sparse ``X``, as in
        scikit-learn. The optimum does not depend on this choice.
    copy_X : bool, default=True
        Kept for compatibility with scikit-learn. ``X`` is never modified whatever
        its value.
    max_iter : int, default=1000
        Maximum number of coordinate-descent epochs (full passes over the features).
    tol : float, default=1e-4
        Stop when the duality gap is at most ``tol * ||y - mean(y)||^2 / n_samples``
        (weighted when ``sample_weight`` is given), scikit-learn's criterion.
    warm_start : bool, default=False
        Start from the previous ``coef_`` when refitting.
    positive : bool, default=False
        Constrain the coefficients to be non-negative (``lower_bounds=0``).
    l1_ratio : float, default=1.0
        Share of the L1 part of the penalty, in [0, 1]. The penalty is
        ``alpha * sum_j pf_j (l1_ratio |w_j| + (1 - l1_ratio) / 2 w_j^2)``: with
        every ``pf_j = 1`` exactly :class:`sklearn.linear_model.ElasticNet`'s.
    penalty_factor : array-like of shape (n_features,), default=None
        Finite, non-negative factors ``pf_j`` of each feature's penalty (all ones
        when None); 0 leaves a feature unpenalised. Not rescaled: glmnet rescales
        its ``penalty.factor`` to sum to ``n_features``, so pass
        ``pf * n_features / pf.sum()`` to reproduce glmnet.
    lower_bounds, upper_bounds : float or array-like of shape (n_features,), \
default=None
        Bounds on the coefficients, ``lower_bounds <= 0 <= upper_bounds`` (as
        glmnet's ``lower.limits`` and ``upper.limits``); unbounded when None. The
        intercept is never bounded.
    random_state : int, RandomState instance or None, default=None
        Seed for ``selection="random"``.
    selection : {"cyclic", "random"}, default="cyclic"
        Visit the coordinates in order, or draw one at random at each step.
    verbose : int, bool or "progress", default=0
        0: silent; 1: a line per target (epochs, gap, time); 2: also a line per
        outer pass of the working sets; ``"progress"``: a tqdm bar over the
        targets when tqdm is installed.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        Coefficients, in the dtype of ``X`` (float32 or float64).
    intercept_ : float or ndarray of shape (n_targets,)
        Intercept; 0.0 when ``fit_intercept=False``.
    n_iter_ : int or list of int
        Epochs run, per target for 2-D ``y``.
    dual_gap_ : float or ndarray of shape (n_targets,)
        Duality gap at the solution, in the objective's units.
    sparse_coef_ : scipy.sparse.csr_matrix of shape (n_targets, n_features)
        ``coef_`` as a sparse matrix.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    sklearn.linear_model.Lasso : The reference implementation with the same objective.
    lad.diagnostics.duality_gap : Recompute the certificate from the data.

    Notes
    -----
    Coordinate descent with soft-thresholding; the intercept is profiled out by
    implicit centring (for sparse ``X`` through a scalar mean shift, so an update costs
    O(nnz of the column)). The duality gap is computed from the residual rescaled into
    the dual feasible set, every few epochs or when an epoch barely changes the
    coefficients. The computations run in float64; float32 input gives float32
    attributes. A solve that stops at ``max_iter`` issues a ``ConvergenceWarning``
    stating the gap reached.

    Examples
    --------
    >>> from lad import LassoL1
    >>> from lad.datasets import make_sparse_regression
    >>> X, y, coef = make_sparse_regression(n_samples=100, n_features=20,
    ...                                     n_informative=3, random_state=0)
    >>> model = LassoL1(alpha=0.1).fit(X, y)
    >>> model.sparsity_report().n_nonzero <= 20
    True
    """

    _parameter_constraints = {
        "alpha": [Interval(Real, 0, None, closed="left")],
        "fit_intercept": ["boolean"],
        "precompute": ["boolean", StrOptions({"auto"}), "array-like"],
        "copy_X": ["boolean"],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "warm_start": ["boolean"],
        "positive": ["boolean"],
        **PENALTY_CONSTRAINTS,
        "random_state": ["random_state"],
        "selection": [StrOptions({"cyclic", "random"})],
        "verbose": VERBOSE,
    }

    def __init__(
        self,
        alpha=1.0,
        *,
        fit_intercept=True,
        precompute="auto",
        copy_X=True,
        max_iter=1000,
        tol=1e-4,
        warm_start=False,
        positive=False,
        l1_ratio=1.0,
        penalty_factor=None,
        lower_bounds=None,
        upper_bounds=None,
        random_state=None,
        selection="cyclic",
        verbose=0,
    ):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.copy_X = copy_X
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.positive = positive
        self.random_state = random_state
        self.selection = selection
        self.verbose = verbose
        self.l1_ratio = l1_ratio
        self.penalty_factor = penalty_factor
        self.lower_bounds = lower_bounds
        self.upper_bounds = upper_bounds

    def fit(self, X, y, sample_weight=None):
        """Fit the model by coordinate descent.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; CSC and CSR matrices are used without densifying.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target; each column of a 2-D ``y`` is an independent problem.
        sample_weight : float or array-like of shape (n_samples,), default=None
            Non-negative weights, rescaled internally to sum to ``n_samples``.
            Integer weights give the optimum of the data with repeated rows.

        Returns
        -------
        self : LassoL1
            The fitted estimator.

        Examples
        --------
        >>> import numpy as np
        >>> from lad import LassoL1
        >>> from lad.datasets import make_sparse_regression
        >>> X, y, _ = make_sparse_regression(n_samples=40, n_features=5,
        ...                                  n_informative=2, random_state=0)
        >>> model = LassoL1(alpha=0.2).fit(X, y)
        >>> np.flatnonzero(model.coef_).tolist()
        [0, 4]
        >>> model.coef_[[0, 4]].round(1).tolist()
        [1.8, -1.1]
        """
        check_params(self)
        if self.alpha == 0:
            warnings.warn(
                "With alpha=0 the Lasso is least squares, for which coordinate "
                "descent converges slowly and the duality gap is rarely small; "
                "use sklearn.linear_model.LinearRegression instead.",
                UserWarning,
                stacklevel=2,
            )
        if isinstance(sample_weight, Real):
            sample_weight = None  # a constant weight does not change the optimum
        X, y, sample_weight = validate_fit_data(self, X, y, sample_weight)
        n_samples, n_features = X.shape
        alpha = float(self.alpha)
        # The penalty's parameters are checked before any pass over X.
        unit = self._penalty(alpha, n_features).unit()
        design = as_kernel_inputs(X, fortran=False)  # squared.prepare picks
        sw = normalized_weights(sample_weight, n_samples)
        problem = squared.prepare(
            design, sw, fit_intercept=self.fit_intercept, precompute=self.precompute
        )
        options = squared.Options(
            max_iter=int(self.max_iter),
            tol=float(self.tol),
            seed=selection_seed(self.selection, self.random_state),
            log=Progress(self.verbose, 0, type(self).__name__),
        )

        Y = y.reshape(n_samples, -1)
        n_targets = Y.shape[1]
        coef0 = self._warm_coef(n_targets, n_features)
        results = []
        with Progress(self.verbose, n_targets, type(self).__name__) as progress:
            for k in range(n_targets):
                # BLAS order for the null gradient; solve() redoes it in the
                # fixed order if alpha is within rounding of alpha_max.
                tgt = squared.target(problem, Y[:, k], exact=False)
                res = squared.solve(
                    problem, tgt, alpha, unit, options=options,
                    coef0=None if coef0 is None else coef0[k],
                )  # fmt: skip
                if X.dtype != np.float64:
                    # Certify what is returned: the coefficients rounded to X's dtype.
                    rounded = res.coef.astype(X.dtype).astype(np.float64)
                    res.dual_gap = squared.certificate(
                        problem, tgt, rounded, alpha, unit
                    )
                warn_if_unconverged(self, res, target=k if n_targets > 1 else None)
                warn_if_null(self, alpha, res.details["alpha_max"], "squared")
                results.append(res)
                progress.step(
                    f"{res.solver}: {res.n_iter} epochs, {np.count_nonzero(res.coef)} "
                    f"non-zero, gap {res.dual_gap:.3g} (tol {res.tol:.3g})"
                )

        dtype = X.dtype
        coef = np.array([r.coef for r in results], dtype=dtype)
        intercept = np.array([r.intercept for r in results], dtype=dtype)
        check_finite_result(coef, intercept)
        self._results = results
        # A float32 X was converted once for the solver; measuring on that copy
        # avoids a second float64 copy of X inside the certificate.
        X_measure = X
        if (
            isinstance(problem.design, DenseDesign)
            and X.dtype != np.float64
            and problem.col_scale is None
        ):
            X_measure = problem.design.X
        self._report_stats = [
            self._measure(X_measure, Y[:, k], coef[k], intercept[k], sample_weight)
            for k in range(n_targets)
        ]
        if n_targets == 1:
            self.coef_ = coef[0]
            self.n_iter_ = results[0].n_iter
            self.dual_gap_ = float(results[0].dual_gap)
            self.intercept_ = intercept if y.ndim == 2 else intercept[0]
        else:
            self.coef_ = coef
            self.n_iter_ = [r.n_iter for r in results]
            self.dual_gap_ = np.array([r.dual_gap for r in results])
            self.intercept_ = intercept
        if not self.fit_intercept:
            self.intercept_ = (
                np.zeros_like(self.intercept_)
                if isinstance(self.intercept_, np.ndarray)
                else 0.0
            )
        return self

    def _warm_coef(self, n_targets, n_features):
        if not self.warm_start or not hasattr(self, "coef_"):
            return None
        coef = np.atleast_2d(np.asarray(self.coef_, dtype=np.float64))
        if coef.shape != (n_targets, n_features):
            return None  # the data changed shape: a cold start is the only option
        return coef

    def _model_line(self):
        suffix = self._penalty_suffix()
        return f"LassoL1(alpha={self.alpha:g}, positive={self.positive}{suffix})"

    def _measure(self, X, y, coef, intercept, sample_weight):
        # Measured from the data by lad.diagnostics, independently of the kernels.
        return diagnostics.certify(
            X,
            y,
            coef.astype(np.float64),
            float(intercept),
            alpha=float(self.alpha),
            sample_weight=sample_weight,
            fit_intercept=self.fit_intercept,
            **self._penalty_params(),
        )

    def predict(self, X):
        """Predict with the fitted linear model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_targets)
            ``X @ coef_.T + intercept_``.

        Examples
        --------
        >>> import numpy as np
        >>> from lad import LassoL1
        >>> from lad.datasets import make_sparse_regression
        >>> X, y, _ = make_sparse_regression(n_samples=40, n_features=5,
        ...                                  random_state=0)
        >>> model = LassoL1(alpha=0.2).fit(X, y)
        >>> model.predict(X[:3]).shape
        (3,)
        >>> bool(np.allclose(model.predict(X), X @ model.coef_ + model.intercept_))
        True
        """
        return predict_linear(self, X)

    @property
    def sparse_coef_(self):
        """``coef_`` as a ``scipy.sparse.csr_matrix`` of shape (n_targets, n_features).

        Examples
        --------
        >>> from lad import LassoL1
        >>> from lad.datasets import make_sparse_regression
        >>> X, y, _ = make_sparse_regression(n_samples=40, n_features=5,
        ...                                  n_informative=2, random_state=0)
        >>> model = LassoL1(alpha=0.2).fit(X, y)
        >>> model.sparse_coef_.shape, model.sparse_coef_.nnz
        ((1, 5), 2)
        """
        check_is_fitted(self)
        return sp.csr_matrix(np.atleast_2d(self.coef_))

    def sparsity_report(self, *, target=None, top=10, feature_names=None):
        """Summarise the fitted support and the certificate of optimality.

        Parameters
        ----------
        target : int, default=None
            Which column of a 2-D ``y`` to report on; required when there are
            several targets.
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
            Support, sparsity, duality gap, an independently measured KKT violation
            and convergence; prints as a table and renders as HTML in notebooks.

        Examples
        --------
        >>> from lad import LassoL1
        >>> from lad.datasets import make_sparse_regression
        >>> X, y, _ = make_sparse_regression(n_samples=40, n_features=5,
        ...                                  n_informative=2, random_state=0)
        >>> report = LassoL1(alpha=0.2).fit(X, y).sparsity_report()
        >>> report.support.tolist(), report.converged
        ([0, 4], True)
        >>> print(report)  # doctest: +ELLIPSIS, +NORMALIZE_WHITESPACE
        Sparsity report
        ===============
        model              LassoL1(alpha=0.2, positive=False)
        features           5
        non-zero           2 (40.0 %)
        converged          yes
        ...
        alpha_max          2.54453
        alpha / alpha_max  0.0786001
        ...
        """
        check_is_fitted(self)
        n_targets = len(self._results)
        if target is None:
            if n_targets > 1:
                raise ValueError(
                    f"The model has {n_targets} targets; pass target=0.."
                    f"{n_targets - 1} to choose one."
                )
            target = 0
        if not 0 <= target < n_targets:
            raise ValueError(f"target must be in [0, {n_targets}); got {target}.")
        res = self._results[target]
        coef = np.atleast_2d(self.coef_)[target]
        stats = self._report_stats[target]
        return SparsityReport(
            model=self._model_line(),
            coef=np.asarray(coef, dtype=np.float64),
            feature_names=report_names(self, feature_names),
            dual_gap=res.dual_gap,
            gap_tol=res.tol,
            kkt_violation=stats["kkt_violation"],
            objective=stats["objective"],
            converged=res.converged,
            top=top,
            details={
                **alpha_rows(float(self.alpha), res.details["alpha_max"]),
                **self._penalty_rows(coef, float(self.alpha)),
                "epochs": res.n_iter,
                "solver": res.solver,
            },
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.multi_output = True
        return tags

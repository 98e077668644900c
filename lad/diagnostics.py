"""Certificates and sparsity measures computed from the data, not by the solvers.

Everything here is plain NumPy/SciPy and never calls a kernel, so the tests can use it
as an oracle for what the solvers report.
"""

from numbers import Real

import numpy as np
import scipy.sparse as sp

from ._certificate import absolute_certificate, rho
from ._penalty import (
    L1,
    L2,
    LOWER,
    UPPER,
    Penalty,
    conjugate,
    dual_limit,
    l1_vectors,
    value,
)
from ._report import SparsityReport

__all__ = [
    "certify",
    "objective",
    "duality_gap",
    "kkt_violation",
    "support",
    "SparsityReport",
]

_LOSSES = ("squared", "absolute")


def _prepare(X, y, coef, intercept, sample_weight, alpha, loss, quantile, penalty):
    """Validated arrays, the residual and the penalty array of :mod:`lad._penalty`."""
    if loss not in _LOSSES:
        raise ValueError(f"loss must be one of {_LOSSES}; got {loss!r}.")
    if not isinstance(quantile, Real) or not 0 < quantile < 1:
        raise ValueError(f"quantile must be in (0, 1); got {quantile!r}.")
    if not isinstance(alpha, Real) or alpha < 0:
        raise ValueError(f"alpha must be a non-negative real number; got {alpha!r}.")
    if not sp.issparse(X):
        X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    coef = np.asarray(coef, dtype=np.float64)
    if X.ndim != 2 or y.ndim != 1 or coef.ndim != 1:
        raise ValueError("X must be 2-D, and y and coef 1-D.")
    if X.shape != (y.shape[0], coef.shape[0]):
        raise ValueError(
            f"Shapes do not match: X {X.shape}, y {y.shape}, coef {coef.shape}."
        )
    if sample_weight is None:
        sw = np.ones(y.shape[0])
    else:
        sw = np.asarray(sample_weight, dtype=np.float64)
        if sw.shape != y.shape or np.any(sw < 0) or not sw.sum() > 0:
            raise ValueError(
                "sample_weight must be non-negative, of shape (n_samples,), "
                "with a positive sum."
            )
    r = y - _predict(X, coef) - float(intercept)
    return X, r, coef, sw, _penalty_array(alpha, coef.shape[0], penalty)


def _penalty_array(alpha, n_features, penalty):
    """The penalty array, or None for the plain Lasso penalty.

    ``alpha ||w||_1`` (optionally with ``w >= 0``) has scalar formulas that build
    no p-sized arrays; the estimators' reports call these functions on every fit.
    """
    plain = (
        penalty["penalty_factor"] is None
        and penalty["lower_bounds"] is None
        and penalty["upper_bounds"] is None
        and isinstance(penalty["l1_ratio"], Real)
        and penalty["l1_ratio"] == 1
    )
    if plain:
        return None
    return Penalty(float(alpha), n_features, **penalty).array()


def _predict(X, coef):
    # Sparse models touch only their support columns, so a certificate after a fit
    # costs one pass over X (for X'r), not two.
    nz = np.flatnonzero(coef)
    if 10 * nz.size >= coef.size:
        return np.asarray(X @ coef).ravel()
    if nz.size == 0:
        return np.zeros(X.shape[0])
    return np.asarray(X[:, nz] @ coef[nz]).ravel()


def objective(
    X,
    y,
    coef,
    intercept=0.0,
    *,
    alpha,
    loss="squared",
    quantile=0.5,
    sample_weight=None,
    l1_ratio=1.0,
    penalty_factor=None,
    lower_bounds=None,
    upper_bounds=None,
    positive=False,
):
    """Primal objective of a fitted linear model.

    For ``loss="squared"`` this is ``(1/2W) sum_i sw_i (y_i - x_i'w - b)^2 +
    alpha ||w||_1`` with ``W = sum_i sw_i`` (``W = n`` without weights), the objective
    of :class:`lad.LassoL1` and :class:`sklearn.linear_model.Lasso`. For
    ``loss="absolute"`` it is ``(1/W) sum_i sw_i 2 rho_q(y_i - x_i'w - b) +
    alpha ||w||_1`` with the pinball loss ``rho_q``, the objective of
    :class:`lad.LADRegressor` (the mean absolute error plus penalty at ``q = 0.5``).

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Design matrix.
    y : array-like of shape (n_samples,)
        Target.
    coef : array-like of shape (n_features,)
        Coefficients.
    intercept : float, default=0.0
        Intercept.
    alpha : float
        Penalty strength.
    loss : {"squared", "absolute"}, default="squared"
        Data-fit term: ``"squared"`` for :class:`lad.LassoL1`, ``"absolute"`` for
        :class:`lad.LADRegressor` (twice the pinball loss at ``quantile``).
    quantile : float, default=0.5
        Quantile of the ``"absolute"`` loss, in (0, 1).
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights; ``None`` means unit weights.
    l1_ratio : float, default=1.0
        Share of the L1 part of the penalty, in [0, 1]: the penalty is
        ``alpha * sum_j pf_j (l1_ratio |w_j| + (1 - l1_ratio) / 2 w_j^2)``
        (scikit-learn's ``ElasticNet`` when every ``pf_j`` is 1).
    penalty_factor : array-like of shape (n_features,), default=None
        Non-negative per-feature factors ``pf_j`` (all ones when None); 0 leaves a
        feature unpenalised.
    lower_bounds, upper_bounds : float or array-like of shape (n_features,), \
default=None
        Bounds on the coefficients, ``lower <= 0 <= upper`` (unbounded when None).
    positive : bool, default=False
        Shorthand for ``lower_bounds=0``.

    Returns
    -------
    float
        The objective value (``inf`` when ``coef`` violates the bounds).

    Examples
    --------
    >>> import numpy as np
    >>> from lad.diagnostics import objective
    >>> X = np.eye(2); y = np.array([1.0, 3.0])
    >>> float(objective(X, y, np.zeros(2), 0.0, alpha=0.1))
    2.5
    """
    X, r, coef, sw, pen = _prepare(
        X, y, coef, intercept, sample_weight, alpha, loss, quantile,
        _penalty_kw(l1_ratio, penalty_factor, lower_bounds, upper_bounds, positive),
    )  # fmt: skip
    penalty = _penalty_value(alpha, pen, coef)
    if loss == "absolute":
        return float(sw @ rho(r, quantile)) / float(sw.sum()) + penalty
    return 0.5 * float(sw @ (r * r)) / float(sw.sum()) + penalty


def duality_gap(
    X,
    y,
    coef,
    intercept=0.0,
    *,
    alpha,
    loss="squared",
    quantile=0.5,
    sample_weight=None,
    fit_intercept=True,
    l1_ratio=1.0,
    penalty_factor=None,
    lower_bounds=None,
    upper_bounds=None,
    positive=False,
):
    """Duality gap of a candidate solution, from an explicitly built dual point.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Design matrix.
    y : array-like of shape (n_samples,)
        Target.
    coef : array-like of shape (n_features,)
        Candidate coefficients.
    intercept : float, default=0.0
        Candidate intercept.
    alpha : float
        Penalty strength.
    loss : {"squared", "absolute"}, default="squared"
        Data-fit term: ``"squared"`` for :class:`lad.LassoL1`, ``"absolute"`` for
        :class:`lad.LADRegressor` (twice the pinball loss at ``quantile``).
    quantile : float, default=0.5
        Quantile of the ``"absolute"`` loss, in (0, 1).
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights.
    fit_intercept : bool, default=True
        Whether the intercept is a free variable of the problem.
    l1_ratio : float, default=1.0
        Share of the L1 part of the penalty, in [0, 1]: the penalty is
        ``alpha * sum_j pf_j (l1_ratio |w_j| + (1 - l1_ratio) / 2 w_j^2)``
        (scikit-learn's ``ElasticNet`` when every ``pf_j`` is 1).
    penalty_factor : array-like of shape (n_features,), default=None
        Non-negative per-feature factors ``pf_j`` (all ones when None); 0 leaves a
        feature unpenalised.
    lower_bounds, upper_bounds : float or array-like of shape (n_features,), \
default=None
        Bounds on the coefficients, ``lower <= 0 <= upper`` (unbounded when None).
    positive : bool, default=False
        Whether the coefficients are constrained to be non-negative (shorthand for
        ``lower_bounds=0``).

    Returns
    -------
    float
        ``P(coef, intercept) - D(theta) >= 0`` in the objective's units; zero exactly
        at an optimum (up to rounding).

    Notes
    -----
    With ``S = diag(sw)``, ``W = sum(sw)`` and ``lam = alpha * W``, the primal
    ``P = (1/W) [0.5 ||S^(1/2) r||^2 + lam ||w||_1]`` has the dual

    .. code-block:: text

        max_theta (1/W) [y'S theta - 0.5 theta'S theta]
        s.t. |x_j'S theta| <= lam (x_j'S theta <= lam if positive),
             1'S theta = 0 (if fit_intercept).

    The dual point is the residual, centred when the intercept is free, and scaled
    by ``min(1, lam / max_j |x_j'S theta|)`` into the feasible set. Weak duality makes
    the gap non-negative for any candidate, so a small gap certifies the candidate.

    With penalty factors, a ridge part or bounds, the penalty of coordinate ``j``
    is ``h_j(w) = W (l1_j |w| + l2_j w^2 / 2)`` on ``[lower_j, upper_j]`` and the dual
    objective subtracts ``sum_j h_j*(x_j'S theta)``. The residual is first projected
    (S-orthogonally) off the unpenalised, unbounded columns, whose conjugate is
    finite only at 0, then scaled by the largest ``s <= 1`` that keeps every
    conjugate finite.

    For ``loss="absolute"`` the dual of ``(W/2) P`` is ``max_u sum_i sw_i u_i y_i``
    subject to ``q - 1 <= u_i <= q``, ``sum_i sw_i u_i = 0`` (intercept) and
    ``|sum_i sw_i x_ij u_i| <= alpha W / 2`` (equality with 0 when ``alpha = 0``).
    Rows with a non-zero residual get ``u_i = q`` or ``q - 1``; the rows fitted exactly
    get the best feasible values from a small linear program over them alone, made
    exact by a least-squares correction, clipping and scaling. The equality
    constraints then hold to rounding; what remains is reported by
    :func:`kkt_violation`.

    Examples
    --------
    >>> import numpy as np
    >>> from lad.diagnostics import duality_gap
    >>> X = np.eye(2); y = np.array([1.0, 3.0])
    >>> round(float(duality_gap(X, y, [0.0, 0.0], 2.0, alpha=10.0)), 12)
    0.0
    """
    X, r, coef, sw, pen = _prepare(
        X, y, coef, intercept, sample_weight, alpha, loss, quantile,
        _penalty_kw(l1_ratio, penalty_factor, lower_bounds, upper_bounds, positive),
    )  # fmt: skip
    if loss == "absolute":
        return _absolute(X, y, coef, intercept, sw, pen, quantile,
                         fit_intercept, alpha, positive)["gap"]  # fmt: skip
    free, F = _free_block(X, pen)
    c, xsw, xsF = _correlations(X, r, sw, F)
    return _squared_gap(X, y, r, coef, sw, pen, fit_intercept, c, xsw, alpha, positive,
                        (free, F, xsF))  # fmt: skip


def _penalty_kw(l1_ratio, penalty_factor, lower_bounds, upper_bounds, positive):
    return {"l1_ratio": l1_ratio, "penalty_factor": penalty_factor,
            "lower_bounds": lower_bounds, "upper_bounds": upper_bounds,
            "positive": bool(positive)}  # fmt: skip


def _penalty_value(alpha, pen, coef):
    return alpha * float(np.abs(coef).sum()) if pen is None else value(pen, coef)


def _absolute(X, y, coef, intercept, sw, pen, quantile, fit_intercept, alpha,
              positive):  # fmt: skip
    if pen is None:
        pen = l1_vectors(alpha, coef.shape[0], positive=positive)
    return absolute_certificate(
        X, np.asarray(y, dtype=np.float64), sw, coef, float(intercept),
        pen=pen, tau=quantile, fit_intercept=fit_intercept,
    )  # fmt: skip


def _correlations(X, r, sw, F=None):
    # One pass over X gives X'S r / W, X' sw and, with unpenalised columns F, X'S F.
    parts = [sw * r, sw] if F is None else [sw * r, sw, F * sw[:, None]]
    G = np.asarray(X.T @ np.column_stack(parts))
    return G[:, 0] / sw.sum(), G[:, 1], None if F is None else G[:, 2:]


def _free_block(X, pen):
    """Unpenalised, unbounded columns: ``(mask, dense block)`` or ``(None, None)``."""
    if pen is None:
        return None, None
    free = (pen[L1] == 0) & (pen[L2] == 0) & np.isneginf(pen[LOWER])
    free &= np.isposinf(pen[UPPER])
    if not free.any():
        return None, None
    cols = X[:, np.flatnonzero(free)]
    F = cols.toarray() if sp.issparse(cols) else np.asarray(cols, dtype=np.float64)
    return free, F


def _project_off(sw, theta, g, fit_intercept, F, xsw, xsF):
    # The S-orthogonal projection of theta off the (centred) free columns; X'S F
    # comes from the same pass over X as the correlations.
    mean = (sw @ F) / sw.sum() if fit_intercept else np.zeros(F.shape[1])
    Fc = F - mean
    root = np.sqrt(sw)
    beta = np.linalg.lstsq(Fc * root[:, None], theta * root, rcond=None)[0]
    theta = theta - Fc @ beta
    g = g - (xsF - np.outer(xsw, mean)) @ beta
    return theta, g


def _squared_gap(X, y, r, coef, sw, pen, fit_intercept, c, xsw, alpha, positive,
                 free_block):  # fmt: skip
    if pen is None:
        return _lasso_gap(y, r, coef, sw, alpha, fit_intercept, positive, c, xsw)
    # c = X'S r / W. Centring the dual point shifts X'S theta by (sum S r / W) X'sw.
    # The dual point is the (centred) residual scaled into the domain of the
    # penalty's conjugate; its value is y'S theta - theta'S theta / 2 - sum h*.
    W = sw.sum()
    pen_W = pen.copy()
    pen_W[L1] *= W
    pen_W[L2] *= W
    mean_r = float(sw @ r) / W if fit_intercept else 0.0
    theta = r - mean_r
    g = c * W - mean_r * xsw
    free, F, xsF = free_block
    if free is not None:
        # An unpenalised, unbounded coefficient needs x_j'S theta = 0: project
        # theta off those columns (S-orthogonally, after centring). What rounding
        # leaves there is reported by kkt_violation, not charged to the gap.
        theta, g = _project_off(sw, theta, g, fit_intercept, F, xsw, xsF)
        g = np.where(free, 0.0, g)
    scale = dual_limit(pen_W, g)
    theta *= scale
    primal = 0.5 * float(sw @ (r * r)) + W * value(pen, coef)
    y_arr = np.asarray(y, dtype=np.float64)
    dual = float(sw @ (y_arr * theta)) - 0.5 * float(sw @ (theta * theta))
    if (
        np.any(pen[L2])
        or np.isfinite(pen[LOWER]).any()
        or np.isfinite(pen[UPPER]).any()
    ):
        # A ridge part or a bound: the conjugate can be non-zero (for the plain
        # Lasso it is 0 on the scaled dual point, and this pass is skipped).
        dual -= float(conjugate(pen_W, scale * g).sum())
    return float(max(primal - dual, 0.0) / W)


def kkt_violation(
    X,
    y,
    coef,
    intercept=0.0,
    *,
    alpha,
    loss="squared",
    quantile=0.5,
    sample_weight=None,
    fit_intercept=True,
    l1_ratio=1.0,
    penalty_factor=None,
    lower_bounds=None,
    upper_bounds=None,
    positive=False,
):
    """Largest violation of the optimality (KKT) conditions, in gradient units.

    With ``c_j = x_j'S r / W`` (minus the gradient of the loss) the conditions are
    ``c_j = alpha * sign(w_j)`` where ``w_j != 0``, ``|c_j| <= alpha`` where
    ``w_j == 0`` (``c_j <= alpha`` if ``positive``), and ``sum(S r) = 0`` when the
    intercept is fitted. For ``loss="absolute"`` it is the largest violation of the
    dual equality constraints at the dual point built by :func:`duality_gap` (the
    optimality conditions of a linear program are then the zero gap plus this).

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Design matrix.
    y : array-like of shape (n_samples,)
        Target.
    coef : array-like of shape (n_features,)
        Candidate coefficients.
    intercept : float, default=0.0
        Candidate intercept.
    alpha : float
        Penalty strength.
    loss : {"squared", "absolute"}, default="squared"
        Data-fit term: ``"squared"`` for :class:`lad.LassoL1`, ``"absolute"`` for
        :class:`lad.LADRegressor` (twice the pinball loss at ``quantile``).
    quantile : float, default=0.5
        Quantile of the ``"absolute"`` loss, in (0, 1).
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights.
    fit_intercept : bool, default=True
        Whether the intercept condition is checked.
    l1_ratio : float, default=1.0
        Share of the L1 part of the penalty, in [0, 1]: the penalty is
        ``alpha * sum_j pf_j (l1_ratio |w_j| + (1 - l1_ratio) / 2 w_j^2)``
        (scikit-learn's ``ElasticNet`` when every ``pf_j`` is 1).
    penalty_factor : array-like of shape (n_features,), default=None
        Non-negative per-feature factors ``pf_j`` (all ones when None); 0 leaves a
        feature unpenalised.
    lower_bounds, upper_bounds : float or array-like of shape (n_features,), \
default=None
        Bounds on the coefficients, ``lower <= 0 <= upper`` (unbounded when None).
    positive : bool, default=False
        Whether the coefficients are constrained to be non-negative (shorthand for
        ``lower_bounds=0``).

    Returns
    -------
    float
        ``max_j`` of the violation of coordinate ``j`` (and of the intercept).

    Examples
    --------
    >>> import numpy as np
    >>> from lad.diagnostics import kkt_violation
    >>> X = np.eye(2); y = np.array([1.0, 3.0])
    >>> float(kkt_violation(X, y, [0.0, 0.0], 2.0, alpha=0.1))
    0.4
    """
    X, r, coef, sw, pen = _prepare(
        X, y, coef, intercept, sample_weight, alpha, loss, quantile,
        _penalty_kw(l1_ratio, penalty_factor, lower_bounds, upper_bounds, positive),
    )  # fmt: skip
    if loss == "absolute":
        cert = _absolute(X, y, coef, intercept, sw, pen, quantile, fit_intercept,
                         alpha, positive)  # fmt: skip
        return cert["dual_infeasibility"]
    c = np.asarray(X.T @ (sw * r)).ravel() / sw.sum()
    return _squared_kkt(r, coef, sw, c, pen, fit_intercept, alpha, positive)


def _lasso_gap(y, r, coef, sw, alpha, fit_intercept, positive, c, xsw):
    # The plain Lasso: the dual point is the centred residual scaled by
    # min(1, lam / ||X'S theta||_inf); its conjugate term is 0.
    W = sw.sum()
    lam = alpha * W
    mean_r = float(sw @ r) / W if fit_intercept else 0.0
    theta = r - mean_r
    g = c * W - mean_r * xsw
    dual_norm = float(np.max(g if positive else np.abs(g), initial=0.0))
    theta *= 1.0 if dual_norm <= lam else lam / dual_norm
    primal = 0.5 * float(sw @ (r * r)) + lam * float(np.abs(coef).sum())
    y_arr = np.asarray(y, dtype=np.float64)
    dual = float(sw @ (y_arr * theta)) - 0.5 * float(sw @ (theta * theta))
    return float(max(primal - dual, 0.0) / W)


def _lasso_kkt(r, coef, sw, c, alpha, fit_intercept, positive):
    W = sw.sum()
    viol = np.where(
        coef > 0,
        np.abs(c - alpha),
        np.where(coef < 0, np.abs(c + alpha), np.maximum(np.abs(c) - alpha, 0.0)),
    )
    if positive:
        viol = np.where(coef < 0, np.inf, viol)
        viol = np.where(coef == 0, np.maximum(c - alpha, 0.0), viol)
    worst = float(np.max(viol, initial=0.0))
    if fit_intercept:
        worst = max(worst, abs(float(sw @ r)) / W)
    return worst


def _squared_kkt(r, coef, sw, c, pen, fit_intercept, alpha, positive):
    if pen is None:
        return _lasso_kkt(r, coef, sw, c, alpha, fit_intercept, positive)
    # Optimality: d_j = c_j - l2_j w_j lies in l1_j d|w_j| plus the normal cone of
    # [lower_j, upper_j] at w_j. The violation is the distance to that set.
    W = sw.sum()
    l1, l2, lo, hi = pen[L1], pen[L2], pen[LOWER], pen[UPPER]
    d = c - l2 * coef
    interior = np.where(
        coef > 0,
        np.abs(d - l1),
        np.where(coef < 0, np.abs(d + l1), np.maximum(np.abs(d) - l1, 0.0)),
    )
    at_upper = (coef == hi) & (coef > 0)
    at_lower = (coef == lo) & (coef < 0)
    zero = coef == 0
    viol = np.where(at_upper, np.maximum(l1 - d, 0.0), interior)
    viol = np.where(at_lower, np.maximum(d + l1, 0.0), viol)
    viol = np.where(zero & (lo == 0) & (hi > 0), np.maximum(d - l1, 0.0), viol)
    viol = np.where(zero & (hi == 0) & (lo < 0), np.maximum(-d - l1, 0.0), viol)
    viol = np.where(zero & (lo == 0) & (hi == 0), 0.0, viol)
    viol = np.where((coef < lo) | (coef > hi), np.inf, viol)
    worst = float(np.max(viol, initial=0.0))
    if fit_intercept:
        worst = max(worst, abs(float(sw @ r)) / W)
    return worst


def certify(
    X,
    y,
    coef,
    intercept=0.0,
    *,
    alpha,
    loss="squared",
    quantile=0.5,
    sample_weight=None,
    fit_intercept=True,
    l1_ratio=1.0,
    penalty_factor=None,
    lower_bounds=None,
    upper_bounds=None,
    positive=False,
):
    """Objective, duality gap and KKT violation of a candidate, in one pass over X.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Design matrix.
    y : array-like of shape (n_samples,)
        Target.
    coef : array-like of shape (n_features,)
        Candidate coefficients.
    intercept : float, default=0.0
        Candidate intercept.
    alpha : float
        Penalty strength.
    loss : {"squared", "absolute"}, default="squared"
        Data-fit term: ``"squared"`` for :class:`lad.LassoL1`, ``"absolute"`` for
        :class:`lad.LADRegressor` (twice the pinball loss at ``quantile``).
    quantile : float, default=0.5
        Quantile of the ``"absolute"`` loss, in (0, 1).
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights.
    fit_intercept : bool, default=True
        Whether the intercept is a free variable of the problem.
    l1_ratio : float, default=1.0
        Share of the L1 part of the penalty, in [0, 1]: the penalty is
        ``alpha * sum_j pf_j (l1_ratio |w_j| + (1 - l1_ratio) / 2 w_j^2)``
        (scikit-learn's ``ElasticNet`` when every ``pf_j`` is 1).
    penalty_factor : array-like of shape (n_features,), default=None
        Non-negative per-feature factors ``pf_j`` (all ones when None); 0 leaves a
        feature unpenalised.
    lower_bounds, upper_bounds : float or array-like of shape (n_features,), \
default=None
        Bounds on the coefficients, ``lower <= 0 <= upper`` (unbounded when None).
    positive : bool, default=False
        Whether the coefficients are constrained to be non-negative (shorthand for
        ``lower_bounds=0``).

    Returns
    -------
    dict
        ``{"objective": ..., "duality_gap": ..., "kkt_violation": ...}``, the values
        of :func:`objective`, :func:`duality_gap` and :func:`kkt_violation`.

    Examples
    --------
    >>> import numpy as np
    >>> from lad.diagnostics import certify
    >>> X = np.eye(2); y = np.array([1.0, 3.0])
    >>> {k: round(v, 6) for k, v in certify(X, y, [0.0, 0.0], 2.0, alpha=10.0).items()}
    {'objective': 0.5, 'duality_gap': 0.0, 'kkt_violation': 0.0}
    """
    X, r, coef, sw, pen = _prepare(
        X, y, coef, intercept, sample_weight, alpha, loss, quantile,
        _penalty_kw(l1_ratio, penalty_factor, lower_bounds, upper_bounds, positive),
    )  # fmt: skip
    if loss == "absolute":
        cert = _absolute(X, y, coef, intercept, sw, pen, quantile, fit_intercept,
                         alpha, positive)  # fmt: skip
        return {
            "objective": float(cert["objective"]),
            "duality_gap": float(cert["gap"]),
            "kkt_violation": float(cert["dual_infeasibility"]),
        }
    W = sw.sum()
    free, F = _free_block(X, pen)
    c, xsw, xsF = _correlations(X, r, sw, F)
    gap = _squared_gap(X, y, r, coef, sw, pen, fit_intercept, c, xsw, alpha, positive,
                       (free, F, xsF))  # fmt: skip
    return {
        "objective": float(0.5 * (sw @ (r * r)) / W + _penalty_value(alpha, pen, coef)),
        "duality_gap": float(gap),
        "kkt_violation": _squared_kkt(
            r, coef, sw, c, pen, fit_intercept, alpha, positive
        ),
    }


def support(coef, atol=0.0):
    """Return the indices of the coefficients whose magnitude exceeds ``atol``.

    Parameters
    ----------
    coef : array-like of shape (n_features,)
        Coefficients.
    atol : float, default=0.0
        Magnitudes at or below this count as zero.

    Returns
    -------
    ndarray of shape (n_nonzero,)
        Sorted indices of the non-zero coefficients.

    Examples
    --------
    >>> from lad.diagnostics import support
    >>> support([0.0, 1.5, 0.0, -2.0]).tolist()
    [1, 3]
    """
    coef = np.asarray(coef)
    if coef.ndim != 1:
        raise ValueError(f"coef must be 1-D; got shape {coef.shape}.")
    return np.flatnonzero(np.abs(coef) > atol)

"""Coordinate-descent driver for the squared loss (``LassoL1`` and the paths)."""

import warnings
from dataclasses import dataclass

import numpy as np
from scipy.linalg.blas import dsyrk

from .._kernels._columns import col_stats_csc, col_stats_dense
from .._kernels.squared import cd_squared_csc, cd_squared_dense, cd_squared_gram
from .._validation import CSCDesign, DenseDesign, readonly
from ._result import SolveResult

# Rows per block when the Gram matrix is accumulated, to bound the scratch memory.
_GRAM_BLOCK = 4096
# Above this many features, CD runs on working sets with Gap Safe screening.
WS_MIN_FEATURES = 100
# precompute="auto": the centred Gram matrix costs about n p^2 flops, some p / 40
# passes over X at BLAS speed, after which every epoch is O(p) per changed
# coordinate and never touches X. A path (many solves) amortises it whenever
# n > p, as in scikit-learn's lasso_path; a single fit only when the Gram is cheap
# next to the handful of passes a working-set solve makes. Above GRAM_MAX_FEATURES
# the matrix itself (8 p^2 bytes) would dominate memory.
GRAM_MAX_FEATURES = 4096
_EPS = float(np.finfo(np.float64).eps)
GRAM_SINGLE_MAX_FEATURES = 400
GRAM_SINGLE_MIN_RATIO = 4


def gram_pays(n_samples, n_features, *, n_solves=1):
    """Whether ``precompute="auto"`` builds the Gram matrix for a dense design."""
    if n_features > GRAM_MAX_FEATURES or n_samples <= n_features:
        return False
    if n_solves > 1:
        return True
    return (
        n_features <= GRAM_SINGLE_MAX_FEATURES
        and n_samples >= GRAM_SINGLE_MIN_RATIO * n_features
    )


@dataclass
class SquaredProblem:
    """Data-dependent quantities shared by every solve on the same ``X`` and weights.

    Prepared once per ``fit`` (or per path) by :func:`prepare_squared` so that several
    targets or several alphas do not recompute them.
    """

    design: object
    sw: np.ndarray
    fit_intercept: bool
    xmean: np.ndarray
    col_sq: np.ndarray
    gram: object  # ndarray of shape (p, p), or None

    @property
    def n_samples(self):
        """Number of rows of ``X``."""
        return self.design.shape[0]

    @property
    def n_features(self):
        """Number of columns of ``X``."""
        return self.design.shape[1]


def prepare_squared(design, sw, *, fit_intercept, precompute=False, n_solves=1):
    """Column statistics and, when asked, the centred weighted Gram matrix.

    Parameters
    ----------
    design : DenseDesign or CSCDesign
        A dense design may be in either memory layout: covariance mode reads ``X``
        as it is, and the CD kernels get one F-ordered copy only when they need it.
    sw : ndarray
        Weights summing to ``n_samples``, or an empty array for unit weights.
    fit_intercept : bool
    precompute : bool, "auto" or ndarray of shape (n_features, n_features)
        As in scikit-learn: ignored for sparse ``X``; a user Gram matrix is checked
        on one column and recomputed (with a ``UserWarning``) when ``X`` must be
        centred. ``"auto"`` decides by :func:`gram_pays`.
    n_solves : int, default=1
        How many solves will share the problem (alphas of a path), for ``"auto"``.
    """
    n_samples, n_features = design.shape
    dense = isinstance(design, DenseDesign)
    if isinstance(precompute, str):
        precompute = dense and gram_pays(n_samples, n_features, n_solves=n_solves)
    user_gram = isinstance(precompute, np.ndarray | list | tuple) or hasattr(
        precompute, "__array__"
    )
    gram = None
    if dense and precompute is True:
        xmean, col_sq, gram = _gram_stats(design.X, sw, bool(fit_intercept))
    elif dense:
        if not design.X.flags.f_contiguous:
            design = DenseDesign(readonly(np.asfortranarray(design.X)))
        xmean, col_sq = col_stats_dense(design.X, sw, bool(fit_intercept))
        if user_gram:
            gram = _user_gram(design, sw, xmean, precompute)
    else:
        xmean, col_sq = col_stats_csc(
            design.data, design.indices, design.indptr, n_samples, sw,
            bool(fit_intercept),
        )  # fmt: skip
    if gram is not None:
        zero = col_sq == 0.0
        gram[zero, :] = 0.0
        gram[:, zero] = 0.0
        gram = readonly(gram)
    return SquaredProblem(
        design, sw, bool(fit_intercept), readonly(xmean), readonly(col_sq), gram
    )


def _gram_stats(X, sw, fit_intercept):
    """``(xmean, col_sq, gram)`` from ``X`` in any layout, without copying it."""
    n_samples, n_features = X.shape
    if not sw.shape[0]:
        stats = _gram_uncentred(X, fit_intercept)
        if stats is not None:
            return stats
    if not fit_intercept:
        xmean = np.zeros(n_features)
    elif sw.shape[0]:
        xmean = (sw @ X) / n_samples
    else:
        xmean = (X.T @ np.ones(n_samples)) / n_samples
    gram = _gram(X, sw, xmean)
    col_sq = np.diag(gram).copy()
    if fit_intercept:
        # A constant column c leaves n (c - mean)^2 of rounding in its centred norm
        # (the summed mean is off by at most ~n eps |c|); confirm the few columns
        # that small by an exact test, as col_stats_dense does for every column.
        bound = n_samples * (4.0 * n_samples * _EPS * np.abs(xmean)) ** 2
        _zero_constant_columns(X, col_sq, col_sq <= bound)
    return xmean, col_sq, gram


def _zero_constant_columns(X, col_sq, candidates):
    for j in np.flatnonzero(candidates):
        col = X[:, j]
        if np.all(col == col[0]):
            col_sq[j] = 0.0


def _gram_uncentred(X, fit_intercept):
    """Unit weights: ``X'X - n m m'`` from one BLAS product on ``X`` itself.

    Centring after the product cancels ``m_j^2`` against ``X_j'X_j / n``; the
    rounding left is about ``eps * m_j^2 / var_j`` relative, so this is used only
    when every non-constant column has ``m_j^2 <= 100 var_j`` (error ~1e-14).
    Returns None otherwise, for the blocked centred product.
    """
    n_samples, n_features = X.shape
    gram = np.ascontiguousarray(X.T @ X)
    if not fit_intercept:
        return np.zeros(n_features), np.diag(gram).copy(), gram
    xmean = (X.T @ np.ones(n_samples)) / n_samples
    col_sq = np.diag(gram) - n_samples * xmean * xmean
    msq = n_samples * xmean * xmean
    maybe_constant = col_sq <= 64.0 * n_samples * _EPS * msq
    _zero_constant_columns(X, col_sq, maybe_constant)
    constant = col_sq == 0.0
    if np.any(~constant & (msq > 100.0 * col_sq)):
        return None
    gram -= n_samples * np.outer(xmean, xmean)
    np.fill_diagonal(gram, col_sq)
    return xmean, col_sq, gram


def _gram(X, sw, xmean):
    # Rank-k updates on the upper triangle (BLAS syrk, half the flops of X'X),
    # block by block so centring never copies all of X.
    n_samples, n_features = X.shape
    gram = np.zeros((n_features, n_features), order="F")
    for start in range(0, n_samples, _GRAM_BLOCK):
        block = X[start : start + _GRAM_BLOCK] - xmean  # keeps X's layout
        if sw.shape[0]:
            block *= np.sqrt(sw[start : start + _GRAM_BLOCK])[:, None]
        if block.flags.f_contiguous:
            gram = dsyrk(1.0, block, beta=1.0, c=gram, trans=1, overwrite_c=1)
        else:  # a C-ordered block is the F-ordered transpose: syrk without trans
            gram = dsyrk(1.0, block.T, beta=1.0, c=gram, trans=0, overwrite_c=1)
    upper = np.triu(gram)
    return np.ascontiguousarray(upper + np.triu(upper, 1).T)


def _user_gram(design, sw, xmean, precompute):
    gram = np.array(precompute, dtype=np.float64, order="C")
    p = design.shape[1]
    if gram.shape != (p, p):
        raise ValueError(
            f"precompute should be a Gram matrix of shape ({p}, {p}); "
            f"got shape {gram.shape}."
        )
    if not np.all(np.isfinite(gram)):
        raise ValueError("The precomputed Gram matrix contains NaN or infinity.")
    if np.any(xmean != 0.0):
        warnings.warn(
            "Gram matrix was provided but X was centered to fit intercept: "
            "recomputing Gram matrix.",
            UserWarning,
            stacklevel=4,
        )
        return _gram(design.X, sw, xmean)
    # A cheap sanity check of one column, as scikit-learn does.
    X = design.X
    xs = X * np.sqrt(sw)[:, None] if sw.shape[0] else X
    j = p - 1
    expected = xs.T @ xs[:, j]
    atol = 1e-10 * (1.0 + np.abs(expected).max())
    if not np.allclose(gram[:, j], expected, rtol=1e-4, atol=atol):
        raise ValueError(
            "Gram matrix passed in via 'precompute' parameter did not pass "
            f"validation when a single column was checked (column {j})."
        )
    return gram


def null_gradient(problem, yc):
    """Return ``Xc' S yc`` for a centred target ``yc``: the gradient at ``w = 0``."""
    sw = problem.sw
    v = yc * sw if sw.shape[0] else yc
    g = problem.design.rmatvec(v)
    if problem.fit_intercept:
        g = g - problem.xmean * v.sum()
    g[problem.col_sq == 0.0] = 0.0
    return g


@dataclass(frozen=True)
class SquaredTarget:
    """Target-dependent quantities, computed once per target and shared by a path."""

    yc: np.ndarray  # centred target (read-only)
    ymean: float
    y_sq: float  # sum sw yc^2
    g0: np.ndarray  # Xc' S yc, the gradient at w = 0 (read-only)


def prepare_target(problem, y):
    """Centre ``y`` and compute the null gradient: one pass over ``X``."""
    sw = problem.sw
    yc, ymean = centered_target(problem, y)
    y_sq = float(np.dot(sw, yc * yc)) if sw.shape[0] else float(np.dot(yc, yc))
    g0 = null_gradient(problem, yc)
    return SquaredTarget(readonly(yc), ymean, y_sq, readonly(g0))


def centered_target(problem, y):
    """Return ``(yc, ymean)``: the weighted-centred target and its weighted mean."""
    if not problem.fit_intercept:
        return np.ascontiguousarray(y, dtype=np.float64), 0.0
    sw = problem.sw
    ymean = float(np.dot(sw, y) / problem.n_samples) if sw.shape[0] else float(y.mean())
    return np.ascontiguousarray(y - ymean), ymean


def solve_lasso(
    problem,
    y,
    *,
    alpha,
    positive=False,
    max_iter=1000,
    tol=1e-4,
    seed=-1,
    coef0=None,
    target=None,
):
    """Minimise ``(1/2n) sum sw (y - Xw - b)^2 + alpha ||w||_1`` by coordinate descent.

    ``tol`` has scikit-learn's meaning: stop when the duality gap is at most
    ``tol * sum sw yc^2 / n``. ``seed < 0`` means cyclic selection. Returns a
    :class:`SolveResult` with float64 ``coef`` and an exact zero vector when
    ``alpha >= alpha_max``. ``target`` (from :func:`prepare_target` on the same
    ``y``) saves a pass over ``X`` when several alphas share one target.
    """
    n_samples, n_features = problem.n_samples, problem.n_features
    sw = problem.sw
    if target is None:
        target = prepare_target(problem, y)
    yc, ymean, y_sq, g0 = target.yc, target.ymean, target.y_sq, target.g0
    tol_abs = float(tol) * y_sq / n_samples
    ws = np.arange(n_features, dtype=np.int32)
    dual_norm0 = float(np.max(g0 if positive else np.abs(g0), initial=0.0))

    w = np.zeros(n_features)
    if coef0 is not None:
        w[:] = coef0
        if positive:
            np.maximum(w, 0.0, out=w)
        w[problem.col_sq == 0.0] = 0.0

    if not np.any(w) and alpha * n_samples >= dual_norm0:
        # alpha >= alpha_max: the null model is optimal, and the residual itself is
        # a feasible dual point with the same objective, so the gap is exactly 0.
        return SolveResult(w, ymean, 0, 0.0, True, tol_abs, "cd")

    if problem.gram is not None:
        H = problem.gram @ w
        n_iter, gap = cd_squared_gram(
            problem.gram, g0, y_sq, w, H, n_samples, float(alpha), bool(positive),
            int(seed), int(max_iter), tol_abs, ws,
        )  # fmt: skip
        solver = "cd-gram"
    else:
        r = np.array(yc)
        if np.any(w):
            r -= problem.design.matvec(w) - float(problem.xmean @ w)
        design = problem.design
        if n_features > WS_MIN_FEATURES:
            from ._working_set import working_set_cd

            n_iter, gap = working_set_cd(
                problem, yc, w, r, alpha=float(alpha), positive=bool(positive),
                seed=int(seed), max_iter=int(max_iter), tol_abs=tol_abs,
            )  # fmt: skip
        elif isinstance(design, DenseDesign):
            n_iter, gap = cd_squared_dense(
                design.X, yc, sw, w, r, problem.col_sq, problem.xmean, float(alpha),
                bool(positive), int(seed), int(max_iter), tol_abs, ws,
            )  # fmt: skip
        elif isinstance(design, CSCDesign):
            n_iter, gap = cd_squared_csc(
                design.data, design.indices, design.indptr, yc, sw, w, r,
                problem.col_sq, problem.xmean, float(alpha), bool(positive),
                int(seed), int(max_iter), tol_abs, ws,
            )  # fmt: skip
        else:  # pragma: no cover - as_kernel_inputs only builds the two above
            raise TypeError(f"unknown design {type(design).__name__}")
        solver = "cd"
    intercept = ymean - float(problem.xmean @ w) if problem.fit_intercept else 0.0
    return SolveResult(
        w,
        intercept,
        int(n_iter),
        max(float(gap), 0.0),
        bool(gap <= tol_abs),
        tol_abs,
        solver,
    )

"""Coordinate-descent driver for the squared loss (``LassoL1`` and the paths)."""

from dataclasses import dataclass

import numpy as np

from .._kernels._columns import col_stats_csc, col_stats_dense
from .._kernels.squared import cd_squared_csc, cd_squared_dense, cd_squared_gram
from .._validation import CSCDesign, DenseDesign, readonly
from ._gram import gram_pays, gram_stats, user_gram
from ._result import SolveResult

# Above this many features, CD runs on working sets with Gap Safe screening.
WS_MIN_FEATURES = 100
# Anderson extrapolation of the CD iterates (skglm's AndersonCD): the last
# ANDERSON_K + 1 iterates on the working set give one extrapolated point every
# ANDERSON_K + 1 epochs, kept only if it lowers the objective; 0 disables it. It
# saves a third of the epochs on correlated designs at small alpha and costs nothing
# measurable where CD already needs few epochs (a rejected try is one pass over the
# support), so it is on at every working-set size. Read at call time by both the
# plain and the working-set paths, so tests can switch it off.
ANDERSON_K = 5


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
    given = isinstance(precompute, np.ndarray | list | tuple) or hasattr(
        precompute, "__array__"
    )
    gram = None
    if dense and precompute is True:
        xmean, col_sq, gram = gram_stats(design.X, sw, bool(fit_intercept))
    elif dense:
        if not design.X.flags.f_contiguous:
            design = DenseDesign(readonly(np.asfortranarray(design.X)))
        xmean, col_sq = col_stats_dense(design.X, sw, bool(fit_intercept))
        if given:
            gram = user_gram(design, sw, xmean, precompute)
    else:
        xmean, col_sq = col_stats_csc(
            design.data, design.indices, design.indptr, n_samples, sw,
            bool(fit_intercept),
        )  # fmt: skip
    return problem_from_stats(design, sw, fit_intercept, xmean, col_sq, gram)


def problem_from_stats(design, sw, fit_intercept, xmean, col_sq, gram=None):
    """Assemble a :class:`SquaredProblem`; constant columns get zero Gram rows."""
    if gram is not None:
        zero = col_sq == 0.0
        gram[zero, :] = 0.0
        gram[:, zero] = 0.0
        gram = readonly(gram)
    return SquaredProblem(
        design, sw, bool(fit_intercept), readonly(xmean), readonly(col_sq), gram
    )


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
        nz = np.flatnonzero(w)  # warm starts along a path are sparse
        H = problem.gram[:, nz] @ w[nz] if nz.size else np.zeros(n_features)
        n_iter, gap = cd_squared_gram(
            problem.gram, g0, y_sq, w, H, n_samples, float(alpha), bool(positive),
            int(seed), int(max_iter), tol_abs, ws,
        )  # fmt: skip
        solver = "cd-gram"
    else:
        r = np.array(yc)
        cold = not np.any(w)
        if not cold:
            r -= problem.design.matvec(w) - float(problem.xmean @ w)
        design = problem.design
        if n_features > WS_MIN_FEATURES:
            from ._working_set import working_set_cd

            # From w = 0 the first outer gradient is the null gradient we already have.
            n_iter, gap = working_set_cd(
                problem, yc, w, r, alpha=float(alpha), positive=bool(positive),
                seed=int(seed), max_iter=int(max_iter), tol_abs=tol_abs,
                g0=g0 if cold else None,
            )  # fmt: skip
        elif isinstance(design, DenseDesign):
            n_iter, gap = cd_squared_dense(
                design.X, yc, sw, w, r, problem.col_sq, problem.xmean, float(alpha),
                bool(positive), int(seed), int(max_iter), tol_abs,
                int(ANDERSON_K), ws,
            )  # fmt: skip
        elif isinstance(design, CSCDesign):
            n_iter, gap = cd_squared_csc(
                design.data, design.indices, design.indptr, yc, sw, w, r,
                problem.col_sq, problem.xmean, float(alpha), bool(positive),
                int(seed), int(max_iter), tol_abs, int(ANDERSON_K), ws,
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

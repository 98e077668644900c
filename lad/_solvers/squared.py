"""The squared loss behind the loss interface: ``prepare``, ``target``, ``alpha_max``,
``solve``, ``path`` and ``certificate``.

Problem (weights ``sw`` normalised to sum to ``n``; ``pen`` a penalty array of
:mod:`lad._penalty`, here always ``alpha`` times a unit penalty)::

    (1 / 2n) sum_i sw_i (y_i - x_i'w - b)^2 + sum_j pen_j(w_j)

The intercept is profiled out by implicit centring. Badly scaled columns and targets
are rescaled exactly (:mod:`lad._solvers._scaling`); every quantity returned is in
the data's units. Long solves run the Numba kernels in chunks of bounded work, so an
interrupt (Ctrl-C) acts between two chunks.
"""

from dataclasses import dataclass, field, replace

import numpy as np

from .._kernels.squared import (
    cd_squared_csc,
    cd_squared_dense,
    cd_squared_gram,
    cd_squared_gram_path,
    grad_squared_csc,
    squared_gap,
)
from .._penalty import L1, L2, LOWER, UPPER, for_kernels
from .._progress import Progress
from .._validation import DenseDesign, readonly
from ._columns import column_stats, exact_products
from ._free import free_columns
from ._gram import FoldGrams, gram_pays, gram_stats, user_gram
from ._result import SolveResult
from ._scaling import SAFE_EXP as SAFE_RANGE
from ._scaling import Scaling, column_scales, scale_design, target_scale
from ._working_set import WorkingSetOptions, working_set_cd

DEGREE = 2
# Above this many features, CD runs on working sets with Gap Safe screening.
WS_MIN_FEATURES = 100
# Anderson extrapolation of the CD iterates (skglm's AndersonCD): the last
# ANDERSON_K + 1 iterates on the working set give one extrapolated point every
# ANDERSON_K + 1 epochs, kept only if it lowers the objective; 0 disables it. It
# saves a third of the epochs on correlated designs at small alpha and costs nothing
# measurable where CD already needs few epochs.
ANDERSON_K = 5
# Work (multiply-adds) per kernel call: about 0.1-0.5 s, the latency of Ctrl-C.
CHUNK_WORK = 3e8
MIN_CHUNK_EPOCHS = 20
# Targets above this scale have squares beyond float64 (2**1024).
SQUARE_LIMIT = 2.0**511

# Relative distance to alpha_max within which a single fit recomputes the null
# gradient in the fixed order (BLAS rounding is far below it).
NEAR_ALPHA_MAX = 1e-6


@dataclass(frozen=True)
class Options:
    """Controls of a squared-loss solve; tests steer the solver through these.

    ``tol`` has scikit-learn's meaning (the gap relative to ``sum sw yc^2 / n``);
    ``seed < 0`` is cyclic selection; ``working_sets`` None decides by the number
    of features; ``log`` prints the inner rounds at ``verbose=2``.
    """

    max_iter: int = 1000
    tol: float = 1e-4
    seed: int = -1
    anderson_k: int = ANDERSON_K
    working_sets: object = None
    ws_options: WorkingSetOptions = field(default_factory=WorkingSetOptions)
    chunk_work: float = CHUNK_WORK
    log: object = field(default_factory=lambda: Progress(0, 0, "lad"))


@dataclass
class Problem:
    """Quantities of ``X`` and the weights shared by every solve on them.

    ``design`` is the (possibly rescaled) design the kernels read; ``col_scale``
    the power-of-two column scales (None: unscaled).
    """

    design: object
    sw: np.ndarray
    fit_intercept: bool
    xmean: np.ndarray
    col_sq: np.ndarray
    gram: object  # ndarray of shape (p, p), or None
    col_scale: object = None

    @property
    def n_samples(self):
        """Number of rows of ``X``."""
        return self.design.shape[0]

    @property
    def n_features(self):
        """Number of columns of ``X``."""
        return self.design.shape[1]


def covariance_pays(n_samples, n_features, n_solves):
    """Whether covariance (Gram) mode pays for ``n_solves`` solves on dense data."""
    return gram_pays(n_samples, n_features, n_solves=n_solves)


def fold_problems(X, fit_intercept):
    """``problem(train, test)``: covariance-mode problems of row subsets (CV folds).

    One ``X'X`` over all rows serves every fold: a fold's Gram is the total minus
    its held-out rows' product (``n_test p^2`` flops instead of ``n_train p^2``).
    Dense ``X`` and unit weights only. An empty ``test`` gives the all-rows problem.
    """
    grams = FoldGrams(X)

    def problem(train, test):
        X_tr, (xmean, col_sq, gram) = grams.stats(train, test, fit_intercept)
        return problem_from_stats(DenseDesign(readonly(X_tr)), readonly(np.empty(0)),
                                  fit_intercept, xmean, col_sq, gram)  # fmt: skip

    return problem


def prepare(design, sw, *, fit_intercept, precompute=False, n_solves=1, light=False):
    """Column statistics, the column scales and, when asked, the centred Gram matrix.

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
        centred. ``"auto"`` decides by :func:`lad._solvers._gram.gram_pays`.
    n_solves : int, default=1
        How many solves will share the problem (alphas of a path), for ``"auto"``.
    light : bool, default=False
        Only :func:`target` and :func:`alpha_max` will be used: a C-ordered dense
        ``X`` is then read in place (no F-ordered copy).
    """
    n_samples, n_features = design.shape
    dense = isinstance(design, DenseDesign)
    if isinstance(precompute, str):
        precompute = dense and gram_pays(n_samples, n_features, n_solves=n_solves)
    given = not isinstance(precompute, bool)
    if dense and precompute is True:
        # Extreme magnitudes over- or underflow the products: _gram_scales sees it
        # in the numbers and the Gram is rebuilt from rescaled columns.
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            xmean, col_sq, gram = gram_stats(design.X, sw, bool(fit_intercept))
        scales = _gram_scales(design.X, gram, xmean, n_samples)
        if scales is None:
            return problem_from_stats(design, sw, fit_intercept, xmean, col_sq, gram)
        # Extreme magnitudes: the products over- or underflowed; rebuild them from
        # exactly rescaled columns.
        design = scale_design(design, scales)
        xmean, col_sq, gram = gram_stats(design.X, sw, bool(fit_intercept))
        return problem_from_stats(
            design, sw, fit_intercept, xmean, col_sq, gram, scales
        )
    if dense and not design.X.flags.f_contiguous:
        if light:
            return _light_problem(design, sw, fit_intercept)
        design = DenseDesign(readonly(np.asfortranarray(design.X)))
    xmean, col_sq, col_max = column_stats(design, sw, fit_intercept)
    scales = column_scales(col_max)
    if scales is not None:
        design = scale_design(design, scales)
        xmean, col_sq, _ = column_stats(design, sw, fit_intercept)
    gram = None
    if dense and given:
        gram = user_gram(design, sw, xmean, precompute)
        if scales is not None:
            gram = gram / np.outer(scales, scales)
    return problem_from_stats(design, sw, fit_intercept, xmean, col_sq, gram, scales)


def _gram_scales(X, gram, xmean, n_samples):
    """Column scales when the Gram's numbers say the products over- or underflowed.

    ``m_j^2 + gram_jj / n`` is the mean square of column ``j``: finite and well
    inside the exponent range for ordinary data, so only a suspicious column costs
    the pass that measures its largest entry.
    """
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        mean_sq = xmean * xmean + np.diag(gram) / n_samples
    lo, hi = 2.0 ** (-2 * SAFE_RANGE), 2.0 ** (2 * SAFE_RANGE)
    ok = np.isfinite(mean_sq) & (mean_sq > lo) & (mean_sq < hi)
    if ok.all():
        return None
    col_max = np.zeros(X.shape[1])
    for j in np.flatnonzero(~ok):
        col_max[j] = np.max(np.abs(X[:, j]), initial=0.0)
    return column_scales(col_max)


def _light_problem(design, sw, fit_intercept):
    # Column reductions along axis 0 need no copy of X, whatever its layout. Only
    # "constant" matters in col_sq here (the null gradient of such a column is 0).
    X = design.X
    top, bottom = X.max(axis=0), X.min(axis=0)
    col_max = np.maximum(np.abs(top), np.abs(bottom))
    constant = top == bottom if fit_intercept else col_max == 0
    scales = column_scales(col_max)
    if scales is not None:
        design = scale_design(design, scales)
    col_sq = np.where(constant, 0.0, 1.0)
    return problem_from_stats(design, sw, fit_intercept, np.zeros(X.shape[1]),
                              col_sq, None, scales)  # fmt: skip


def problem_from_stats(design, sw, fit_intercept, xmean, col_sq, gram=None,
                       col_scale=None):  # fmt: skip
    """Assemble a :class:`Problem`; constant columns get zero Gram rows."""
    if gram is not None:
        zero = col_sq == 0.0
        gram[zero, :] = 0.0
        gram[:, zero] = 0.0
        gram = readonly(gram)
    return Problem(
        design, sw, bool(fit_intercept), readonly(xmean), readonly(col_sq), gram,
        col_scale,
    )  # fmt: skip


@dataclass(frozen=True)
class Target:
    """Target-dependent quantities, computed once per target and shared by a path.

    All in scaled units: ``y = y_data / scale``.
    """

    yc: np.ndarray  # centred target (read-only)
    ymean: float
    y_sq: float  # sum sw yc^2
    g0: np.ndarray  # Xc' S yc, the gradient at w = 0 (read-only)
    scale: float
    exact: bool = True  # g0 summed in the fixed order (else by BLAS, to rounding)


def target(problem, y, exact=True):
    """Scale and centre ``y`` and compute the null gradient: one pass over ``X``.

    The null gradient is summed in a fixed order (:func:`exact_products`) so that
    ``alpha_max`` and the all-zero answer at and above it do not depend on the
    format of ``X``. With the target centred, ``sum sw yc`` is rounding only, so
    the mean correction ``xmean_j sum sw yc`` costs no precision. ``exact=False``
    (a single fit) takes BLAS's order, about twice as fast; :func:`solve` redoes it
    in the fixed order when ``alpha`` is within rounding of ``alpha_max``, the
    only place where the order can change the answer.
    """
    y = np.asarray(y, dtype=np.float64)
    scale = target_scale(y)
    if scale > SQUARE_LIMIT:
        raise ValueError(
            "The squared loss of this y overflows float64 (max |y| = "
            f"{float(np.max(np.abs(y))):.3g}): the objective, its gap and its "
            "tolerance cannot be represented. Divide y by a constant (the optimum "
            "scales with it) or use LADRegressor, whose loss is linear in y."
        )
    if scale != 1.0:
        y = y / scale
    sw = problem.sw
    n = problem.n_samples
    if problem.fit_intercept:
        ymean = float(np.dot(sw, y) / n) if sw.shape[0] else float(y.mean())
        yc = y - ymean
    else:
        ymean = 0.0
        yc = np.array(y)
    v = yc * sw if sw.shape[0] else yc
    y_sq = float(np.dot(v, yc))
    yc = np.ascontiguousarray(yc)
    if not exact:
        # Before yc turns read-only: the gradient kernel takes a writable residual
        # (one compiled signature).
        g0 = _gradient(problem)(yc, np.empty(problem.n_features))
        return Target(readonly(yc), ymean, y_sq, readonly(g0), scale, exact=False)
    yc = readonly(yc)
    return Target(yc, ymean, y_sq, readonly(_exact_null_gradient(problem, yc)), scale)


def _exact_null_gradient(problem, yc):
    sw = problem.sw
    n = problem.n_samples
    v = yc * sw if sw.shape[0] else yc
    if problem.fit_intercept:
        ones = sw if sw.shape[0] else np.ones(n)
        raw, sums = exact_products(problem.design, np.vstack([v, ones]))
        g0 = raw - (sums / n) * float(v.sum())
    else:
        g0 = exact_products(problem.design, v[None, :])[0]
    g0[problem.col_sq == 0.0] = 0.0
    return g0


def _exact_target(problem, tgt):
    """``tgt`` with its null gradient summed in the fixed order."""
    if tgt.exact:
        return tgt
    g0 = readonly(_exact_null_gradient(problem, tgt.yc))
    return replace(tgt, g0=g0, exact=True)


def _scaling(problem, tgt):
    return Scaling(problem.col_scale, tgt.scale)


def _alpha_max_scaled(problem, g0, unit):
    # Coordinate j leaves 0 once alpha n l1_j < |g0_j| on a side its bounds leave
    # open (g0 is 0 on constant columns). One penalty for all features: one max.
    n = problem.n_samples
    if unit.shape[1] and np.all(unit == unit[:, :1]):
        l1, lo, hi = unit[L1, 0] * n, unit[LOWER, 0], unit[UPPER, 0]
        up = float(np.max(g0, initial=0.0)) if hi > 0 else 0.0
        down = float(-np.min(g0, initial=0.0)) if lo < 0 else 0.0
        top = max(up, down)
        if top == 0.0:
            return 0.0
        return np.inf if l1 == 0 else top / l1
    side_open = np.where(g0 > 0, unit[UPPER] > 0, unit[LOWER] < 0)
    need = np.where(side_open, np.abs(g0), 0.0)
    l1 = unit[L1] * n
    if np.any((need > 0) & (l1 == 0)):
        return np.inf  # an unpenalised coefficient moves at every alpha
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.max(need / l1, initial=0.0, where=need > 0))


def alpha_max(problem, tgt, unit):
    """Smallest ``alpha`` at which every penalised coefficient is 0.

    Without unpenalised coefficients, ``w = 0`` is optimal iff
    ``|xc_j' S yc| <= n alpha l1_j`` on every side the bounds leave open. With
    them, the same test holds for the gradient at the fit of the unpenalised
    coefficients alone (:func:`_null_gradient`). Returned in the data's units (the
    rescaling leaves alpha unchanged). ``inf`` when nothing is penalised.
    """
    unit_s = _scaling(problem, tgt).penalty(unit, DEGREE)
    free = free_columns(problem, tgt.g0, unit_s)
    return _alpha_max_scaled(problem, _null_gradient(problem, tgt, unit_s, free),
                             unit_s)  # fmt: skip


def _null_gradient(problem, tgt, unit_s, free):
    """The gradient at the fit of the unpenalised coefficients alone (scaled units).

    Free ones are fitted in closed form
    (:meth:`lad._solvers._free.Free.null_gradient`); with an
    unpenalised coefficient that is bounded, the fit is a small bounded least
    squares: the solver itself with every penalised coefficient held at 0.
    """
    if not free.any:
        return tgt.g0
    p = problem.n_features
    if not free.bounded:
        return free.null_gradient(tgt.g0)
    n = problem.n_samples
    held = np.array(np.broadcast_to(unit_s, (4, p)))
    held[LOWER, ~free.unpenalised] = 0.0
    held[UPPER, ~free.unpenalised] = 0.0
    held[L1] = 0.0
    held[L2] = 0.0
    w = np.zeros(p)
    r = np.array(tgt.yc)
    opts = Options(tol=1e-14, max_iter=100_000)
    run, _ = _kernel_runner(problem, tgt.yc, w, r, _times(held, 1.0), opts, free)
    run(np.arange(p, dtype=np.int32), opts.max_iter, 1e-14 * tgt.y_sq / n)
    g = _gradient(problem)(r, np.empty(p))
    g[free.unpenalised] = 0.0
    return g


def _times(unit, alpha):
    """``alpha`` times the unit penalty, as the kernels take it.

    Writable, like the copy the Gram path kernel makes inside Numba: one signature.
    """
    pen = np.array(for_kernels(unit))
    pen[L1] *= alpha
    pen[L2] *= alpha
    return pen


def _chunked(call, max_iter, work_per_epoch, chunk_work, tol):
    """Run ``call(budget) -> (epochs, gap, current)`` in chunks up to ``max_iter``."""
    per = max(MIN_CHUNK_EPOCHS, int(chunk_work // max(work_per_epoch, 1)))
    epochs = 0
    while True:
        budget = min(per, max_iter - epochs)
        n_ep, gap, current = call(budget)
        epochs += int(n_ep)
        if gap <= tol and current:
            return epochs, gap
        if epochs >= max_iter:
            if not current:
                _, gap, _ = call(0)
            return epochs, gap


def _kernel_runner(problem, yc, w, r, pen, options, free):
    """``run(ws, budget, tol) -> epochs`` on the layout of the design, chunked."""
    design = problem.design
    sw = problem.sw
    seed = int(options.seed)
    acc = int(options.anderson_k)
    rows = design.shape[0] if isinstance(design, DenseDesign) else design.data.size
    last = {"gap": np.inf}

    def run(ws, budget, tol):
        work = rows * ws.size if isinstance(design, DenseDesign) else rows
        if isinstance(design, DenseDesign):

            def call(m):
                return cd_squared_dense(
                    design.X, yc, sw, w, r, problem.col_sq, problem.xmean, pen, seed,
                    int(m), tol, acc, ws, free.columns, free.proj,
                )  # fmt: skip
        else:

            def call(m):
                return cd_squared_csc(
                    design.data, design.indices, design.indptr, yc, sw, w, r,
                    problem.col_sq, problem.xmean, pen, seed, int(m), tol, acc, ws,
                    free.columns, free.proj,
                )  # fmt: skip

        epochs, last["gap"] = _chunked(call, budget, work, options.chunk_work, tol)
        return epochs

    return run, last


def _gradient(problem):
    design = problem.design
    sw = problem.sw

    def gradient(r, out):
        if not isinstance(design, DenseDesign):
            grad_squared_csc(design.data, design.indices, design.indptr, sw, r,
                             problem.xmean, problem.col_sq, out)  # fmt: skip
            return out
        v = r * sw if sw.shape[0] else r
        out[:] = design.X.T @ v
        if problem.fit_intercept:
            out -= problem.xmean * v.sum()
        out[problem.col_sq == 0.0] = 0.0
        return out

    return gradient


def solve(problem, tgt, alpha, unit, *, coef0=None, options=Options(), free=None):
    """Minimise the squared loss with the penalty ``alpha * unit``.

    Returns a :class:`SolveResult` in the data's units, with an exact zero vector
    when ``alpha >= alpha_max`` (and no coefficient is unpenalised); ``tol`` as in
    :class:`Options`. ``free`` is the problem's :class:`lad._solvers._free.Free`
    when the caller has it (a path).
    """
    n, p = problem.n_samples, problem.n_features
    sc = _scaling(problem, tgt)
    unit_s = sc.penalty(unit, DEGREE)
    pen = _times(unit_s, float(alpha))
    if free is None:
        free = free_columns(problem, tgt.g0, unit_s)
    tol_abs = float(options.tol) * tgt.y_sq / n
    w = np.zeros(p)
    if coef0 is not None:
        w[:] = sc.coef_in(coef0)
        np.clip(w, unit_s[LOWER], unit_s[UPPER], out=w)
        w[problem.col_sq == 0.0] = 0.0
    if free.any:
        # The unpenalised coefficients are fitted at every alpha: no all-zero exit.
        amax = _alpha_max_scaled(problem, _null_gradient(problem, tgt, unit_s, free),
                                 unit_s)  # fmt: skip
    else:
        amax = _alpha_max_scaled(problem, tgt.g0, unit_s)
    if not free.any and not tgt.exact and alpha >= (1.0 - NEAR_ALPHA_MAX) * amax:
        # Near the threshold the summation order decides between the exact zero
        # vector and a tiny non-zero one: decide it in the fixed order.
        tgt = _exact_target(problem, tgt)
        amax = _alpha_max_scaled(problem, tgt.g0, unit_s)
    if not free.any and not np.any(w) and alpha >= amax:
        # The null model is optimal, and the residual itself is a feasible dual
        # point with the same objective, so the gap is exactly 0.
        return _result(problem, tgt, sc, w, 0, 0.0, tol_abs, "cd", amax)
    max_iter = int(options.max_iter)
    if problem.gram is not None:
        nz = np.flatnonzero(w)  # warm starts along a path are sparse
        H = problem.gram[:, nz] @ w[nz] if nz.size else np.zeros(p)
        ws = np.arange(p, dtype=np.int32)

        def call(m):
            return cd_squared_gram(problem.gram, tgt.g0, tgt.y_sq, w, H, n, pen,
                                   int(options.seed), int(m), tol_abs, ws,
                                   free.columns, free.proj)  # fmt: skip

        n_iter, gap = _chunked(call, max_iter, p * p, options.chunk_work, tol_abs)
        return _result(problem, tgt, sc, w, n_iter, gap, tol_abs, "cd-gram", amax)
    r = np.array(tgt.yc)
    cold = not np.any(w)
    if not cold:
        r -= problem.design.matvec(w) - float(problem.xmean @ w)
    run, last = _kernel_runner(problem, tgt.yc, w, r, pen, options, free)
    use_ws = options.working_sets
    if use_ws is None:
        use_ws = p > WS_MIN_FEATURES
    if use_ws:
        # From w = 0 the first outer gradient is the null gradient we already have.
        n_iter, gap = working_set_cd(
            problem, tgt.yc, w, r, pen, tol_abs=tol_abs, max_iter=max_iter,
            gradient=_gradient(problem), run=run, g0=tgt.g0 if cold else None,
            options=options.ws_options, log=options.log, free=free,
        )  # fmt: skip
    else:
        n_iter = run(np.arange(p, dtype=np.int32), max_iter, tol_abs)
        gap = last["gap"]
    return _result(problem, tgt, sc, w, n_iter, gap, tol_abs, "cd", amax)


def _result(problem, tgt, sc, w, n_iter, gap, tol_abs, solver, amax):
    intercept = tgt.ymean - float(problem.xmean @ w) if problem.fit_intercept else 0.0
    s2 = tgt.scale**2
    gap = max(float(gap), 0.0)
    return SolveResult(
        sc.coef(w), intercept * tgt.scale, int(n_iter), gap * s2, bool(gap <= tol_abs),
        tol_abs * s2, solver, details={"alpha_max": float(amax)},
    )  # fmt: skip


@dataclass(frozen=True)
class PathResult:
    """Arrays of a path, in the data's units."""

    coefs: np.ndarray  # (n_features, n_alphas)
    intercepts: np.ndarray
    dual_gaps: np.ndarray
    n_iters: np.ndarray
    converged: np.ndarray


def path(problem, tgt, alphas, unit, *, options=Options(), progress=None):
    """Warm-started solutions over a decreasing grid ``alphas`` (estimator units).

    ``progress`` (a :class:`lad._progress.Progress`) is told of each alpha solved.
    """
    alphas = np.ascontiguousarray(alphas, dtype=np.float64)
    progress = progress or Progress(0, 0, "lad")
    if problem.gram is not None:
        return _gram_path(problem, tgt, alphas, unit, options, progress)
    k = alphas.size
    p = problem.n_features
    coefs = np.zeros((p, k))
    intercepts = np.zeros(k)
    gaps = np.zeros(k)
    iters = np.zeros(k, dtype=int)
    conv = np.zeros(k, dtype=bool)
    w0 = None
    unit_s = _scaling(problem, tgt).penalty(unit, DEGREE)
    free = free_columns(problem, tgt.g0, unit_s)
    for i, a in enumerate(alphas):
        res = solve(problem, tgt, float(a), unit, coef0=w0, options=options,
                    free=free)  # fmt: skip
        coefs[:, i] = res.coef
        intercepts[i] = res.intercept
        gaps[i] = res.dual_gap
        iters[i] = res.n_iter
        conv[i] = res.converged
        w0 = res.coef
        progress.step(f"alpha {a:.4g}: {np.count_nonzero(res.coef)} non-zero, "
                      f"gap {res.dual_gap:.3g}")  # fmt: skip
    return PathResult(coefs, intercepts, gaps, iters, conv)


def _gram_path(problem, tgt, alphas, unit, options, progress):
    # Many alphas per kernel call: per-alpha Python overhead matched the epochs
    # themselves on small problems; the work budget keeps each call short.
    n, p = problem.n_samples, problem.n_features
    sc = _scaling(problem, tgt)
    unit_s = sc.penalty(unit, DEGREE)
    free = free_columns(problem, tgt.g0, unit_s)
    # With unpenalised coefficients no alpha gives the zero vector: the kernel's
    # all-zero shortcut is switched off.
    amax = np.inf if free.any else _alpha_max_scaled(problem, tgt.g0, unit_s)
    unit_s = readonly(for_kernels(unit_s))
    tol_abs = float(options.tol) * tgt.y_sq / n
    state = np.zeros((2, p))
    out = np.zeros((p + 2, alphas.size))
    budget = max(int(options.chunk_work // max(p, 1)), 1)
    if progress.level >= 1:
        budget = 1  # one solved alpha per call, so every alpha gets its line
    k = 0
    while k < alphas.size:
        done = k
        k = cd_squared_gram_path(
            problem.gram, tgt.g0, tgt.y_sq, n, unit_s, readonly(alphas), amax,
            int(options.seed), int(options.max_iter), tol_abs, state, out, k, budget,
            free.columns, free.proj,
        )  # fmt: skip
        for i in range(done, k):
            progress.step(f"alpha {alphas[i]:.4g}: {np.count_nonzero(out[:p, i])} "
                          f"non-zero, gap {out[p, i] * tgt.scale**2:.3g}, "
                          f"{int(out[p + 1, i])} epochs (covariance mode)")  # fmt: skip
    coefs = out[:p]
    gaps = out[p]
    intercepts = np.zeros(alphas.size)
    if problem.fit_intercept:
        intercepts = tgt.ymean - problem.xmean @ coefs
    s = tgt.scale
    coefs_out = (
        coefs * s
        if problem.col_scale is None
        else coefs * s / problem.col_scale[:, None]
    )
    return PathResult(
        coefs_out, intercepts * s, gaps * s * s, out[p + 1].astype(np.int64),
        gaps <= tol_abs,
    )  # fmt: skip


def certificate(problem, tgt, coef, alpha, unit):
    """Duality gap (data units) of any point ``coef`` with its best intercept.

    Used to certify what is returned when the coefficients are rounded (float32
    ``X``): one pass over ``X``.
    """
    sc = _scaling(problem, tgt)
    unit_s = sc.penalty(unit, DEGREE)
    pen = _times(unit_s, float(alpha))
    free = free_columns(problem, tgt.g0, unit_s)
    w = sc.coef_in(coef)
    r = np.array(tgt.yc)
    if np.any(w):
        r -= problem.design.matvec(w) - float(problem.xmean @ w)
    g = _gradient(problem)(r, np.empty(problem.n_features))
    sr = problem.sw * r if problem.sw.shape[0] else r
    gap, _ = squared_gap(
        g,
        w,
        np.arange(w.size, dtype=np.int32),
        pen,
        float(sr @ r),
        float(sr @ tgt.yc),
        problem.n_samples,
        free.columns,
        free.proj,
    )
    return max(gap, 0.0) * tgt.scale**2

"""The absolute / quantile loss behind the loss interface: ``prepare``,
``alpha_max``, ``plan``, ``solve``, ``path`` and ``certificate``.

Problem (weights ``sw`` summing to ``W``; the penalty ``alpha * unit``, a penalty
array of :mod:`lad._penalty` with L1 weights and bounds)::

    P(w, b) = (1/W) sum_i sw_i 2 rho_tau(y_i - x_i'w - b) + sum_j pen_j(w_j)

A solve is planned once (:class:`Plan`: which warm start, from shapes, sparsity and
alpha), then: the warm start (an interior point, IRLS or coordinate descent, or
none), the exact stage (the piecewise-linear simplex of
:mod:`lad._solvers._simplex`, started from the warm start's basis or point), and
the certificate (from the simplex's dual values, :mod:`lad._certificate`). Badly
scaled columns and targets are rescaled exactly first; every number returned is in
the data's units.
"""

import dataclasses
import time
from dataclasses import dataclass, field

import numpy as np

from .._certificate import absolute_certificate, rho, zero_threshold
from .._penalty import L1, L2, LOWER, UPPER
from .._progress import Progress
from .._validation import DenseDesign, _fortran_float64, readonly
from . import _globs, _qp, _simplex
from ._cd_absolute import cd_lad
from ._columns import column_stats, exact_products, row_major_extent
from ._globs import Neighbour
from ._ipm import guess_basis, ipm_lad
from ._irls import irls_lad, weighted_quantile
from ._null_model import (
    held_ratio,
    intercept_interval,
    null_ratio,
    one_zero_ratio,
    zero_set_ratio,
)
from ._result import SolveResult
from ._scaling import Scaling, column_scales, scale_design, target_scale

DEGREE = 1
# The interior point method (dense X only) beat every other start on unpenalised
# problems above a few thousand rows. With a penalty each iteration costs about
# (n + p) p^2 flops for the normal equations (one pseudo-row per column); it won
# up to about 1e10 of them and lost beyond. Its LP holds about three copies of X.
IPM_MAX_FLOPS = 1e10
IPM_MAX_ENTRIES = 20_000_000
# The interior point stops at this gap relative to the null objective: the simplex
# that follows makes the answer exact. 1e-8 saved 1-3 iterations against 1e-10 with
# the same starting basis (0 pivots) at 10000x50, 20000x100 and 2000x1000 and on
# the globs' small problems at 1e6x20 (1.09 -> 0.92 s); 1e-6 began to cost pivots.
IPM_GAP = 1e-8
# Up to this many entries (n_samples * (n_features + 1)) the simplex starts from the
# null vertex directly: its few pivots per coefficient cost less than any warm
# start (measured: 0.8 ms against 1.0 ms on 21x3 and 235x1; the interior point
# start wins from about 200x20 on, by 4-9x at 300x100).
DIRECT_MAX_ENTRIES = 4000
# The sparse interior point forms A'DA from the stored entries (sum_i nnz_i^2) and
# factors it (k^3 / 3, k = p + 1) at every iteration. It beat the IRLS start on
# every sparse problem measured up to k = 1001 (2000 x 1000 at 1 %: 0.5 s against
# 1.4 s; 20000 x 100 at alpha = 0: 0.1 s against 4.7 s); beyond a few thousand
# columns the dense factor dominates.
SPARSE_IPM_MAX_COLUMNS = 2000
SPARSE_IPM_MAX_FLOPS = 5e9
# Portnoy and Koenker's preprocessing (a subsample, then the band and the globs)
# from this many rows on, when the subsample is at most this share of the rows.
GLOBS_MIN_ROWS = 50_000
GLOBS_MAX_SHARE = 0.1
# Columns in the first working set of a penalised solve from the null vertex.
WS_START = 10
# The gap certifies the returned point only when the dual point meets the equality
# constraints to this fraction of the largest possible correlation.
FEASIBILITY_RTOL = 1e-9

# Seconds between the lines of a long simplex at verbose=1.
SIMPLEX_LINE_SECONDS = 5.0


@dataclass(frozen=True)
class Options:
    """Controls of an absolute-loss solve; tests steer the solver through these.

    ``tol`` is relative to the null objective; ``max_iter`` bounds the warm
    start's iterations (IRLS reweightings or CD epochs); ``max_pivots`` the
    simplex (default: 50 per coefficient plus 1000); ``unique`` whether the
    certificate tests the optimum for uniqueness (a path's points skip it); ``log`` a
    :class:`lad._progress.Progress` for the ``verbose`` lines.
    """

    tol: float = 1e-9
    max_iter: int = 100
    max_pivots: object = None
    unique: bool = True
    log: object = field(default_factory=lambda: Progress(0, 0, "lad"))


@dataclass
class Problem:
    """``X`` (possibly rescaled), ``y``, the weights and what every solve reuses."""

    design: object
    y: np.ndarray
    sw: np.ndarray
    tau: float
    fit_intercept: bool
    usable: np.ndarray
    col_max: np.ndarray
    scaling: Scaling
    null_objective: float  # P at w = 0 with the best intercept (scaled units)
    b_null: float
    intercept_ends: tuple = field(default=(0.0, 0.0))

    @property
    def shape(self):
        """``(n_samples, n_features)``."""
        return self.design.shape

    @property
    def W(self):
        """Sum of the weights."""
        return float(self.sw.sum())


def as_matrix(design):
    """The design as an ndarray or a CSC matrix, for SciPy (no copy)."""
    if isinstance(design, DenseDesign):
        return design.X
    return design.matrix


def null_objective(y, sw, tau, fit_intercept):
    """Objective at ``w = 0`` with the best intercept: the scale of relative ``tol``."""
    b = weighted_quantile(y, sw, tau) if fit_intercept else 0.0
    return float(sw @ rho(y - b, tau)) / float(sw.sum()), b


def prepare(design, y, sw, *, tau, fit_intercept):
    """Column statistics, exact rescaling and the null model, once per ``X`` and ``y``.

    ``design`` must be F-ordered (dense) or CSC; ``sw`` a full weight vector.
    """
    col_sq, col_max = _column_extent(design, fit_intercept)
    scales = column_scales(col_max)
    if scales is not None:
        # The squared norms of tiny columns underflowed: measure them again.
        design = scale_design(design, scales)
        col_sq, col_max = _column_extent(design, fit_intercept)
    y = np.asarray(y, dtype=np.float64)
    y_scale = target_scale(y)
    if y_scale != 1.0:
        y = y / y_scale
    y = readonly(np.ascontiguousarray(y))
    sw = readonly(np.ascontiguousarray(sw, dtype=np.float64))
    usable = np.flatnonzero(col_sq > 0)
    # One sort gives both ends of the optimal intercepts; the lower end is the null
    # model's intercept (the weighted quantile).
    ends = intercept_interval(y, sw, tau) if fit_intercept else (0.0, 0.0)
    b_null = ends[0]
    p0 = float(sw @ rho(y - b_null, tau)) / float(sw.sum())
    return Problem(
        design, y, sw, float(tau), bool(fit_intercept), usable, col_max,
        Scaling(scales, y_scale), p0, b_null, ends,
    )  # fmt: skip


def _column_extent(design, fit_intercept):
    """``(col_sq, col_max)``: a positive ``col_sq`` marks a usable column."""
    if isinstance(design, DenseDesign) and not design.X.flags.f_contiguous:
        lo, hi = row_major_extent(design.X)
        col_max = np.maximum(np.abs(lo), np.abs(hi))
        varies = (hi > lo) if fit_intercept else (col_max > 0)
        return varies.astype(np.float64), col_max
    _, col_sq, col_max = column_stats(design, readonly(np.empty(0)), fit_intercept)
    return col_sq, col_max


def rows_layout_pays(n, p, solver):
    """Whether a dense C-ordered ``X`` is kept as it is (no F-ordered copy): the
    route over rows (:func:`globs_pay`) needs no other layout."""
    return solver in ("auto", "globs") and globs_pay(n, p)


def _kernel_layout(problem):
    """The problem with an F-ordered design, for the kernels of a whole-problem
    solve (after the route over rows did not pay)."""
    design = problem.design
    if isinstance(design, DenseDesign) and not design.X.flags.f_contiguous:
        X = readonly(_fortran_float64(design.X))
        return dataclasses.replace(problem, design=DenseDesign(X))
    return problem


def _scaled_unit(problem, unit):
    return problem.scaling.penalty(unit, DEGREE)


def alpha_max(problem, unit, *, cheap=False):
    """Exact smallest ``alpha`` at which ``w = 0`` is optimal for ``alpha * unit``.

    At ``w = 0`` and an optimal intercept ``b``, with ``u_i`` fixed by the sign of
    each non-zero residual, zero is optimal iff some choice of ``u`` on the rows
    fitted exactly makes ``g = X'S u`` lie in ``alpha`` times the penalty's
    subdifferential at 0 (``|g_j| <= alpha lam_j`` on every side a bound leaves
    open). Without such rows that is a maximum; with them a small LP; both ends of
    the interval of optimal intercepts are tried. The products are summed in a
    fixed order, so the value is the same for dense and sparse ``X``; the solver
    tests ``alpha >= alpha_max`` with the same numbers.

    With ``cheap`` (a fit at ``alpha = 0``, where the value only tells whether
    ``w = 0`` is among the optima), NaN instead of an LP or a solve: a
    millisecond fit would otherwise spend most of its time here.
    """
    if problem.usable.size == 0:
        return 0.0
    unit_s = _scaled_unit(problem, unit)
    W = problem.W
    y, sw, tau = problem.y, problem.sw, problem.tau
    c = unit_s[L1] * W / 2.0
    up = unit_s[UPPER] > 0
    down = unit_s[LOWER] < 0
    unpen = (unit_s[L1] == 0) & (unit_s[L2] == 0)
    if unpen[problem.usable].any():
        if cheap:
            return np.nan
        return _held_alpha_max(problem, unit, unit_s, c, up, down)
    best = np.inf
    for b in sorted(set(problem.intercept_ends)):
        r = y - b
        zero = np.flatnonzero((r == 0) & (sw > 0))
        u = np.where(r > 0, tau, tau - 1.0)
        u[zero] = 0.0
        g = exact_products(problem.design, (sw * u)[None, :])[0]
        cols = problem.usable
        if zero.size == 0:
            if problem.fit_intercept and abs(float(sw @ u)) > 1e-9 * W:
                continue  # b is not an optimal intercept
            best = min(best, null_ratio(g[cols], c[cols], up[cols], down[cols]))
            continue
        X = as_matrix(problem.design)
        args = (X, sw, tau, cols)
        if zero.size == 1 and problem.fit_intercept:
            best = min(best, one_zero_ratio(*args, zero[0], u, g, c, up, down))
        elif cheap:
            return np.nan
        else:
            best = min(best, zero_set_ratio(*args, problem.fit_intercept, zero, u, g,
                                            c, up, down))  # fmt: skip
    if not np.isfinite(best) and best != np.inf:  # pragma: no cover
        raise RuntimeError("alpha_max is not a number")
    return float(best)


def _held_alpha_max(problem, unit, unit_s, c, up, down):
    """:func:`alpha_max` with unpenalised coefficients: fitted first, exactly.

    The exact solve with every penalised coefficient held at 0 gives the null
    model; :func:`lad._solvers._null_model.held_ratio` the smallest alpha at
    which it stays optimal.
    """
    unpen = (unit[L1] == 0) & (unit[L2] == 0)
    held = np.array(unit)
    held[LOWER, ~unpen] = 0.0
    held[UPPER, ~unpen] = 0.0
    res = solve(problem, 1.0, held, amax=np.inf)
    w = problem.scaling.coef_in(res.coef)
    b = res.intercept / problem.scaling.y
    X = as_matrix(problem.design)
    fitted = np.asarray(X @ w).ravel() + b
    r = problem.y - fitted
    usable = np.zeros(problem.shape[1], dtype=bool)
    usable[problem.usable] = True
    unit_u = np.array(unit_s)
    # Constant columns are fixed at 0: neither constraint nor variable.
    unit_u[L1, ~usable] = 1.0
    return held_ratio(X, problem.sw, problem.tau, r, w, unit_u, c,
                      up & usable, down & usable, problem.fit_intercept,
                      zero_threshold(problem.y, fitted, b))  # fmt: skip


@dataclass(frozen=True)
class Plan:
    """How a solve proceeds: the warm start, decided once from the problem.

    ``warm`` is ``"null"`` (the null model is optimal), ``"none"`` (the simplex
    from the null vertex), ``"ipm"``, ``"irls"`` or ``"cd"``; ``label`` the name
    reported as ``solver_``.
    """

    warm: str
    label: str


def ipm_pays(n, p, alpha):
    """Whether ``"auto"`` uses the interior point method on a dense design."""
    if (n + p) * (p + 1) > IPM_MAX_ENTRIES:
        return False
    return alpha == 0 or (n + p) * (p + 1) ** 2 <= IPM_MAX_FLOPS


def sparse_ipm_pays(design, alpha):
    """Whether ``"auto"`` uses the interior point method on a CSC design."""
    n, p = design.shape
    k = p + 2
    if k > SPARSE_IPM_MAX_COLUMNS:
        return False
    per_row = np.diff(np.asarray(design.indptr))  # column counts; rows from CSC
    nnz = float(per_row.sum())
    row_sq = (nnz / max(n, 1) + 1.0) ** 2 * n  # sum_i (nnz_i + 1)^2 if spread evenly
    return row_sq + k**3 / 3.0 <= SPARSE_IPM_MAX_FLOPS


def globs_pay(n, p):
    """Whether ``"auto"`` solves through the subsample and the globs
    (:func:`lad._solvers._globs.solve_subsampled`)."""
    return n >= GLOBS_MIN_ROWS and _globs.subsample_size(n, p) <= GLOBS_MAX_SHARE * n


def plan(problem, alpha, unit, solver="auto", *, amax=None, globs=True):
    """Decide the route of a solve (see :class:`Plan`).

    ``"auto"``: the null model at or above ``alpha_max``; the simplex from the null
    vertex up to :data:`DIRECT_MAX_ENTRIES` entries; the interior point method when
    no bound is finite and it pays (:func:`ipm_pays` for dense ``X``,
    :func:`sparse_ipm_pays` for sparse); IRLS otherwise (coordinate descent, a
    poorer start for the simplex on every problem measured, only when asked). An
    explicit ``"ipm"`` with bounds becomes ``"irls"``.
    """
    n, p = problem.shape
    dense = isinstance(problem.design, DenseDesign)
    bounded = bool(np.any(np.isfinite(unit[LOWER])) or np.any(np.isfinite(unit[UPPER])))
    if problem.usable.size == 0 or problem.null_objective == 0.0:
        return Plan("null", "null")
    # At alpha = 0 too: alpha_max = 0 promises the zero vector even where other
    # optima exist (one pass over X; a solve makes several).
    amax = alpha_max(problem, unit, cheap=alpha == 0) if amax is None else amax
    unpenalised = (unit[L1, problem.usable] == 0) & (unit[L2, problem.usable] == 0)
    if alpha >= amax and not unpenalised.any():
        # (With unpenalised coefficients they are fitted at every alpha.)
        return Plan("null", "null")
    if solver == "ipm" and bounded:
        solver = "irls"
    if solver != "auto":
        return Plan(solver, solver)
    if globs and globs_pay(n, p):
        return Plan("globs", "globs")
    if n * (p + 1) <= DIRECT_MAX_ENTRIES:
        return Plan("none", "simplex")
    if not bounded and dense and ipm_pays(n, p, alpha):
        return Plan("ipm", "ipm")
    if not bounded and not dense and sparse_ipm_pays(problem.design, alpha):
        return Plan("ipm", "ipm")
    return Plan("irls", "irls")


def _lp(problem, pen):
    return _simplex.LP(
        problem.design, problem.y, problem.sw, problem.tau, problem.fit_intercept,
        readonly(np.ascontiguousarray(pen)), problem.W / 2.0, problem.col_max,
    )  # fmt: skip


def _times(unit, alpha):
    pen = np.array(unit)
    pen[L1] *= alpha
    pen[L2] *= alpha
    return pen


def _initial_columns(problem, lp, u_null, alpha):
    """Working columns of a penalised solve from scratch: the strongest violators."""
    if alpha == 0:
        return problem.usable
    new = _simplex.price_columns(
        lp, np.zeros(0, dtype=np.int32), u_null, problem.usable
    )
    return np.sort(new[:WS_START])


def _null_basis(problem, lp, ws):
    """The vertex ``w = 0``, ``b`` = a weighted quantile (one row basic)."""
    rows = []
    if problem.fit_intercept:
        hit = np.flatnonzero((problem.y == problem.b_null) & (problem.sw > 0))
        rows = [int(hit[0])]
    return _simplex.from_terms(lp, ws, rows, ws, problem.b_null)


def _support_columns(problem, lp, coef, b, alpha):
    if alpha == 0:
        return problem.usable
    r = problem.y - as_matrix(problem.design) @ coef - b
    u = np.where(r > 0, problem.tau, problem.tau - 1.0)
    support = np.intersect1d(np.flatnonzero(coef), problem.usable)
    extra = _simplex.price_columns(lp, support, u, problem.usable)
    budget = max(WS_START, support.size // 4)
    return np.union1d(support, extra[:budget]).astype(np.int32)


def _warm_basis(problem, lp, pln, alpha, pen, options, start):
    """The starting basis of the simplex, and the warm start's iteration count."""
    n, p = problem.shape
    if start is not None:
        if isinstance(start, _simplex.Basis):
            return _simplex.copy(start), 0
        coef, b = start
        coef = np.clip(problem.scaling.coef_in(coef), pen[LOWER], pen[UPPER])
        coef[np.setdiff1d(np.arange(p), problem.usable)] = 0.0
        b = float(b) / problem.scaling.y if problem.fit_intercept else 0.0
        return _from_point(problem, lp, coef, b, alpha), 0
    if pln.warm == "none":
        r = problem.y - problem.b_null
        u = np.where(r > 0, problem.tau, problem.tau - 1.0)
        ws = _initial_columns(problem, lp, u, alpha).astype(np.int32)
        return _null_basis(problem, lp, ws), 0
    X = as_matrix(problem.design)
    if pln.warm == "ipm":
        lam = lp.scale * pen[L1, problem.usable]
        sol = ipm_lad(
            X, problem.y, problem.sw, problem.usable, lam=lam, tau=problem.tau,
            fit_intercept=problem.fit_intercept,
            gap_tol=IPM_GAP * problem.null_objective * lp.scale,
        )  # fmt: skip
        if sol is not None:
            rows, zero_cols = guess_basis(sol, problem.usable, problem.fit_intercept)
            basis = _simplex.from_terms(lp, problem.usable, rows, zero_cols,
                                        sol["intercept"])  # fmt: skip
            if basis is not None:
                return basis, sol["n_iter"]
            return _simplex.from_point(lp, problem.usable, sol["coef"],
                                       sol["intercept"]), sol["n_iter"]  # fmt: skip
        pln_warm = "irls"
    else:
        pln_warm = pln.warm
    w0 = np.zeros(p)
    b0 = problem.b_null
    fn = cd_lad if pln_warm == "cd" else irls_lad
    w0, b0, n_warm = fn(
        problem.design, problem.y, problem.sw, pen, tau=problem.tau,
        fit_intercept=problem.fit_intercept, max_iter=options.max_iter,
        coef0=w0, intercept0=b0,
    )  # fmt: skip
    w0 = np.clip(w0, pen[LOWER], pen[UPPER])
    w0[np.setdiff1d(np.arange(p), problem.usable)] = 0.0
    b0 = b0 if problem.fit_intercept else 0.0
    return _from_point(problem, lp, w0, b0, alpha), n_warm


def _from_point(problem, lp, coef, b, alpha):
    """The basis guessed from a warm-start point, or a crossover from it."""
    ws = _support_columns(problem, lp, coef, b, alpha)
    basis = _simplex.from_residuals(lp, ws, coef, b)
    if basis is not None and _no_worse(problem, lp, basis, coef, b):
        return basis
    return _simplex.from_point(lp, ws, coef, b)


def _no_worse(problem, lp, basis, coef, b):
    """Whether a guessed vertex is at least as good as the point it came from.

    A guess from an inaccurate start can be a poor vertex, far (in pivots) from the
    optimum, or outside the bounds; the crossover from the point itself never
    raises the objective.
    """

    def value(w, b0):
        r = problem.y - as_matrix(problem.design) @ w - b0
        return float(problem.sw @ rho(r, problem.tau)) / 2.0 + lp.scale * float(
            lp.pen[L1] @ np.abs(w)
        )

    w_guess, b_guess = _simplex.point(lp, basis, problem.shape[1])
    # The guessed rows may put a bounded coefficient outside its bounds, where the
    # objective is infinite (the value above does not see it).
    lower, upper = lp.pen[LOWER], lp.pen[UPPER]
    if np.any((w_guess < lower) | (w_guess > upper)):
        return False
    return value(w_guess, b_guess) <= value(coef, b)


def solve(problem, alpha, unit, *, solver="auto", plan_=None, start=None,
          options=Options(), amax=None):  # fmt: skip
    """Certified minimiser for the penalty ``alpha * unit``.

    ``start`` is a :class:`lad._solvers._simplex.Basis` of a neighbouring solve
    (a path), a point ``(coef, intercept)`` in the data's units, or a
    :class:`lad._solvers._globs.Neighbour` (a fit at a nearby quantile). Returns a
    :class:`SolveResult` whose ``state`` is the final basis.
    """
    n, p = problem.shape
    unit_s = _scaled_unit(problem, unit)
    pen = _times(unit_s, float(alpha))
    if amax is None:
        amax = alpha_max(problem, unit, cheap=alpha == 0)
    pln = plan_ or plan(problem, alpha, unit, solver, amax=amax)
    tol_abs = _tolerance(problem, options.tol)
    log = options.log
    if pln.warm == "null":
        w = np.zeros(p)
        b = problem.b_null if problem.fit_intercept else 0.0
        return _finish(problem, pen, w, b, None, 0, 0, tol_abs, "null", None, amax,
                       unique=options.unique)  # fmt: skip
    found = None
    if isinstance(start, Neighbour):
        found = _globbed(problem, alpha, unit_s, start, options)
        start = None
    elif pln.warm == "globs" and start is None:
        found = _globbed(problem, alpha, unit_s, None, options)
    if found is not None:
        log.note(f"route {found.label}", 1)
        return _finish(problem, pen, found.coef, found.intercept, found.u,
                       found.n_iter, 0, tol_abs, found.label, None, amax,
                       fitted=found.fitted, unique=options.unique)  # fmt: skip
    if pln.warm == "globs":
        pln = plan(problem, alpha, unit, "auto", amax=amax, globs=False)
    problem = _kernel_layout(problem)
    if np.any(pen[L2] > 0):
        return _solve_qp(problem, pen, tol_abs, amax, log)
    log.note(f"route {pln.label}+simplex on {n} x {p} (alpha / alpha_max = "
             f"{alpha / amax if amax > 0 else np.inf:.3g})", 1)  # fmt: skip
    lp = _lp(problem, pen)
    t0 = time.perf_counter()
    basis, n_warm = _warm_basis(problem, lp, pln, alpha, pen, options, start)
    log.note(f"warm start ({pln.warm}): {n_warm} iterations, "
             f"{time.perf_counter() - t0:.2f} s", 1)  # fmt: skip
    if basis is None:  # the null vertex is singular only if X is degenerate there
        basis = _simplex.from_point(lp, problem.usable, np.zeros(p), problem.b_null)
    max_pivots = options.max_pivots or 50 * (problem.usable.size + 1) + 1000

    # verbose=1 hears from a long simplex every few seconds, verbose=2 every chunk.
    last = [time.perf_counter()]

    def progress(pivots, ws_size):
        now = time.perf_counter()
        detail = 1 if now - last[0] >= SIMPLEX_LINE_SECONDS else 2
        if detail == 1:
            last[0] = now
        log.note(f"simplex: {pivots} pivots so far, working set of {ws_size} "
                 f"columns ({now - t0:.1f} s)", detail)  # fmt: skip

    basis, status, pivots = _simplex.solve(lp, basis, problem.usable,
                                           max_pivots=max_pivots,
                                           verbose=progress)  # fmt: skip
    if status == "singular":
        # Rounding made a refactorisation fail: restart from the point reached.
        coef, b = _simplex.point(lp, basis, p)
        basis = _simplex.from_point(lp, problem.usable, coef, b)
        basis, status, more = _simplex.solve(lp, basis, problem.usable,
                                             max_pivots=max_pivots,
                                           verbose=progress)  # fmt: skip
        pivots += more
    coef, b = _simplex.point(lp, basis, p)
    u = basis.u if status == "optimal" else _simplex.duals(lp, basis)[0]
    label = "simplex" if pln.warm == "none" else f"{pln.label}+simplex"
    log.note(f"simplex: {pivots} pivots ({status}); {time.perf_counter() - t0:.2f} s "
             "in all", 1)  # fmt: skip
    return _finish(problem, pen, coef, b, u, n_warm, pivots, tol_abs, label, basis,
                   amax, unique=options.unique)  # fmt: skip


def _globbed(problem, alpha, unit_s, near, options):
    """The exact solve through the globs (:mod:`lad._solvers._globs`) from a
    neighbouring quantile's fit or, with ``near=None``, from a subsample: a
    :class:`lad._solvers._globs.Globbed`, or None where it does not pay."""
    from .._validation import as_kernel_inputs

    if near is not None and problem.shape[0] < _globs.MIN_ROWS:
        return None

    def solve_small(Xs, ys, ws, unit_small):
        small = prepare(as_kernel_inputs(Xs), ys, ws, tau=problem.tau,
                        fit_intercept=problem.fit_intercept)  # fmt: skip
        # alpha_max once, for the plan and the solve.
        amax = alpha_max(small, unit_small, cheap=alpha == 0)
        pln = plan(small, alpha, unit_small, "auto", amax=amax, globs=False)
        quiet = Options(tol=options.tol, max_iter=options.max_iter)
        return solve(small, alpha, unit_small, plan_=pln, options=quiet, amax=amax)

    if near is None:
        return _globs.solve_subsampled(problem, unit_s, solve_small, options.log)
    return _globs.solve_globbed(problem, unit_s, near, solve_small)


def _solve_qp(problem, pen, tol_abs, amax, log):
    """The elastic net of the absolute loss: interior point, then the exact polish.

    A quadratic program has no vertex for the simplex to reach; the interior point
    of :mod:`lad._solvers._qp` goes to rounding, its active sets give the exact
    optimum by one linear solve when they are right, and the certificate decides.
    """
    n, p = problem.shape
    t0 = time.perf_counter()
    X_all = as_matrix(problem.design)
    W = problem.W
    # Constant columns and coefficients held at 0 by their bounds stay out: the
    # interior point needs an interior, and a constant column duplicates the
    # intercept.
    held = (pen[LOWER] == 0) & (pen[UPPER] == 0)
    cols = np.setdiff1d(problem.usable, np.flatnonzero(held))
    X = X_all[:, cols]
    pen_lp = np.array(pen[:, cols])
    pen_lp[L1] *= W / 2.0
    pen_lp[L2] *= W / 2.0
    w_c, b, u, n_iter = _qp.ipm_qp(X, problem.y, problem.sw, problem.tau, pen_lp,
                                   problem.fit_intercept, log=log)  # fmt: skip
    w_c = np.clip(w_c, pen_lp[LOWER], pen_lp[UPPER])
    polished = _qp.polish(X, problem.y, problem.sw, problem.tau, pen_lp,
                          problem.fit_intercept, w_c, b, u)  # fmt: skip
    label = "qp-ipm"
    if polished is not None:
        w_c, b, u = polished
        label = "qp-ipm+polish"
    else:
        # Rounding of the interior point: coefficients whose dual says zero.
        g = np.asarray(X.T @ (problem.sw * u)).ravel()
        tiny = 1e-9 * max(float(np.max(np.abs(w_c), initial=0.0)), 1e-300)
        w_c = np.where((np.abs(w_c) <= tiny) & (np.abs(g) < pen_lp[L1]), 0.0, w_c)
    w = np.zeros(p)
    w[cols] = w_c
    log.note(f"route {label} on {n} x {p}: {n_iter} interior point iterations, "
             f"{time.perf_counter() - t0:.2f} s", 1)  # fmt: skip
    return _finish(problem, pen, w, b, u, n_iter, 0, tol_abs, label, None, amax)


def _tolerance(problem, tol):
    # A gap at the rounding level of the objective cannot be reduced further.
    floor = 64 * np.finfo(float).eps * problem.null_objective
    y_floor = 4 * np.finfo(float).eps * float(np.max(np.abs(problem.y), initial=0.0))
    return max(float(tol) * problem.null_objective, floor, y_floor, 1e-300)


def _finish(problem, pen, coef, b, u, n_warm, pivots, tol_abs, label, basis, amax,
            fitted=None, unique=True):  # fmt: skip
    X = as_matrix(problem.design)
    cert = absolute_certificate(
        X, problem.y, problem.sw, coef, b, pen=pen, tau=problem.tau,
        fit_intercept=problem.fit_intercept, u_hint=u, fitted=fitted,
        col_max=problem.col_max, unique=unique,
    )  # fmt: skip
    scale_g = 1.0 + float(np.max(problem.col_max, initial=0.0))
    feasible = cert["dual_infeasibility"] <= FEASIBILITY_RTOL * scale_g
    if u is not None and not (feasible and cert["gap"] <= tol_abs):
        # The basis' multipliers did not certify (rounding on an ill-conditioned
        # basis): the independent zero-set construction may.
        other = absolute_certificate(
            X, problem.y, problem.sw, coef, b, pen=pen, tau=problem.tau,
            fit_intercept=problem.fit_intercept,
        )  # fmt: skip
        if other["gap"] < cert["gap"]:
            cert = other
            feasible = cert["dual_infeasibility"] <= FEASIBILITY_RTOL * scale_g
    converged = bool(cert["gap"] <= tol_abs and feasible)
    s = problem.scaling.y
    details = {
        "zero residuals": int(cert["zero_set"].size),
        "unique": bool(cert["unique"]),
        "pivots": int(pivots),
        "alpha_max": float(amax),
    }
    return SolveResult(
        problem.scaling.coef(coef), float(b) * s if problem.fit_intercept else 0.0,
        int(n_warm + pivots), cert["gap"] * s, converged, tol_abs * s, label,
        objective=cert["objective"] * s, kkt=cert["dual_infeasibility"] * s,
        details=details, dual=cert["u"], state=basis,
    )  # fmt: skip


def certificate(problem, coef, intercept, alpha, unit, *, dual=None):
    """Certificate of any point (data units); ``dual`` a dual point to reuse."""
    pen = _times(_scaled_unit(problem, unit), float(alpha))
    w = problem.scaling.coef_in(coef)
    b = float(intercept) / problem.scaling.y
    cert = absolute_certificate(
        as_matrix(problem.design), problem.y, problem.sw, w, b, pen=pen,
        tau=problem.tau, fit_intercept=problem.fit_intercept, u_hint=dual,
    )  # fmt: skip
    s = problem.scaling.y
    return {**cert, "gap": cert["gap"] * s, "objective": cert["objective"] * s,
            "dual_infeasibility": cert["dual_infeasibility"] * s}  # fmt: skip


@dataclass(frozen=True)
class PathResult:
    """Arrays of a path, in the data's units."""

    coefs: np.ndarray
    intercepts: np.ndarray
    dual_gaps: np.ndarray
    n_iters: np.ndarray
    converged: np.ndarray


def path(problem, alphas, unit, *, options=Options(), progress=None):
    """Exact solutions over a decreasing grid, each simplex started from the basis
    of the previous one (the vertex stays, only its dual moves with alpha).

    ``progress`` (a :class:`lad._progress.Progress`) is told of each alpha solved.
    """
    alphas = np.asarray(alphas, dtype=np.float64)
    progress = progress or Progress(0, 0, "lad")
    options = dataclasses.replace(options, unique=False)
    k = alphas.size
    p = problem.shape[1]
    coefs = np.zeros((p, k))
    intercepts = np.zeros(k)
    gaps = np.zeros(k)
    iters = np.zeros(k, dtype=int)
    conv = np.zeros(k, dtype=bool)
    amax = alpha_max(problem, unit) if np.any(alphas > 0) else 0.0
    state = None
    for i, a in enumerate(alphas):
        pln = None if state is None else Plan("none", "simplex")
        res = solve(problem, float(a), unit, plan_=pln, start=state, options=options,
                    amax=amax)  # fmt: skip
        coefs[:, i] = res.coef
        intercepts[i] = res.intercept
        gaps[i] = res.dual_gap
        iters[i] = res.n_iter
        conv[i] = res.converged
        state = res.state if res.state is not None else state
        pivots = res.details.get("pivots", 0)
        progress.step(f"alpha {a:.4g}: {np.count_nonzero(res.coef)} non-zero, "
                      f"{pivots} pivots, gap {res.dual_gap:.3g}")  # fmt: skip
    return PathResult(coefs, intercepts, gaps, iters, conv)

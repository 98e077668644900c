"""Driver for ``LADRegressor``: warm start, exact LP finish, polishing, certificate."""

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from .._certificate import HIGHS_OPTIONS, absolute_certificate, rho
from .._kernels._columns import col_stats_csc, col_stats_dense
from .._validation import DenseDesign, readonly
from ._cd_absolute import cd_lad
from ._ipm import ipm_exact
from ._irls import irls_lad, weighted_quantile
from ._lp import FULL_ROWS, exact_lad, polish_vertex
from ._result import SolveResult


def as_matrix(design):
    """The design as an ndarray or a CSC matrix, for SciPy and HiGHS (no copy)."""
    if isinstance(design, DenseDesign):
        return design.X
    return sp.csc_matrix(
        (design.data, design.indices, design.indptr), shape=design.shape, copy=False
    )


def usable_columns(design, fit_intercept):
    """Columns that may be non-zero: not all-zero, not constant with an intercept."""
    sw = readonly(np.empty(0))
    if isinstance(design, DenseDesign):
        _, col_sq = col_stats_dense(design.X, sw, bool(fit_intercept))
    else:
        _, col_sq = col_stats_csc(
            design.data, design.indices, design.indptr, design.shape[0], sw,
            bool(fit_intercept),
        )  # fmt: skip
    return np.flatnonzero(col_sq > 0)


def null_objective(y, sw, tau, fit_intercept):
    """Objective at ``w = 0`` with the best intercept: the scale of relative ``tol``."""
    b = weighted_quantile(y, sw, tau) if fit_intercept else 0.0
    return float(sw @ rho(y - b, tau)) / float(sw.sum()), b


# Band of rows for a solve warm-started from a neighbouring path solution: a few
# times the basis size, and a fixed fraction of the rows. Misclassified rows are
# added back by the exact stage, so this only trades LP size against LP rounds.
PATH_BAND_MIN = 50
PATH_BAND_FACTOR = 8
PATH_BAND_DIV = 5

# The interior point method (dense X only) beat HiGHS on the whole LP, and the IRLS
# or CD warm start followed by HiGHS on a band, on every unpenalised problem
# measured (n from 50 to 20000). With a penalty each iteration costs about
# (n + p) p^2 flops for the normal equations (one pseudo-row per column); it won
# up to about 1e10 of them (n=200, p=2000: 4.5 s against 5.2 s) and lost beyond
# (n=100, p=4000: 14 s against 2 s). Its LP holds about three copies of X, so very
# tall problems keep the banded LP route.
IPM_MAX_FLOPS = 1e10
IPM_MAX_ENTRIES = 20_000_000


def ipm_pays(n, p, alpha):
    """Whether ``"auto"`` uses the interior point method on a dense design."""
    if (n + p) * (p + 1) > IPM_MAX_ENTRIES:
        return False
    return alpha == 0 or (n + p) * (p + 1) ** 2 <= IPM_MAX_FLOPS


# Below this fraction of stored entries a CD step (O(nnz_j log nnz_j)) is cheap.
SPARSE_CD_DENSITY = 0.05


def choose_solver(solver, design, alpha):
    """Resolve ``"auto"`` (and ``"ipm"`` on a sparse design, which becomes IRLS).

    Dense problems get the interior point method when it pays (see
    :func:`ipm_pays`). Otherwise penalised problems that are wide, or sparse enough
    that a weighted-median step only sorts a column's non-zeros, get coordinate
    descent; everything else gets IRLS.
    """
    dense = isinstance(design, DenseDesign)
    if solver == "ipm" and not dense:
        return "irls"
    if solver != "auto":
        return solver
    n, p = design.shape
    if dense and ipm_pays(n, p, alpha):
        return "ipm"
    if alpha > 0 and p >= n:
        return "cd"
    if alpha > 0 and not isinstance(design, DenseDesign):
        if design.data.shape[0] <= SPARSE_CD_DENSITY * n * p:
            return "cd"
    return "irls"


def solve_lad(
    design, y, sw, *, alpha, tau, fit_intercept, solver="auto", max_iter=100,
    tol=1e-9, coef0=None, intercept0=None, warm=True, usable=None, alpha_max=None,
):  # fmt: skip
    """Certified minimiser of ``(1/W) sum sw 2 rho_tau(y - Xw - b) + alpha ||w||_1``.

    ``sw`` is a full float64 weight vector summing to ``n``. ``tol`` is relative to the
    null objective. With ``warm=False`` and a ``coef0`` (a neighbouring solution on a
    path), the warm-start solver is skipped and the exact stage starts from
    ``coef0``. Returns ``(SolveResult, info)`` where ``info`` holds the dual vector,
    the zero set, the dual infeasibility and counts of the phases.
    """
    n, p = design.shape
    X = as_matrix(design)
    p0, b_null = null_objective(y, sw, tau, fit_intercept)
    if usable is None:
        usable = usable_columns(design, fit_intercept)
    if coef0 is None:
        w0, b0 = np.zeros(p), b_null
    else:
        w0 = np.array(coef0, dtype=np.float64)
        b0 = float(intercept0) if fit_intercept else 0.0
    method = choose_solver(solver, design, alpha)
    n_warm = 0
    null = not usable.size or p0 == 0
    if not null and alpha > 0:
        # At or above alpha_max the null model is optimal, but an LP solver may return
        # another optimal vertex on the boundary; return exact zeros, as LassoL1 does.
        if alpha_max is None:
            alpha_max = alpha_max_absolute(design, y, sw, tau, fit_intercept, usable)
        null = alpha >= alpha_max
    exact = None
    if method == "ipm" and coef0 is not None and not warm:
        method = "irls"  # a path step: the exact stage starts from coef0 directly
    if not null and method == "ipm":
        exact = ipm_exact(
            X, y, sw, usable, alpha=alpha, tau=tau, fit_intercept=fit_intercept,
            null_obj=p0,
        )  # fmt: skip
        if exact is None:  # collinear columns: the LP route copes with them
            method = "irls"
    if exact is not None:
        w, b, u, n_warm, n_lp = exact
        w, b = polish_vertex(
            X, y, sw, w, b, u, usable, alpha=alpha, tau=tau,
            fit_intercept=fit_intercept,
        )  # fmt: skip
    elif not null:
        if coef0 is not None and not warm:
            pass
        elif alpha == 0 and n <= FULL_ROWS:
            # The exact stage will take every row and every column: a warm start
            # would change nothing it does.
            pass
        elif method == "cd":
            w0, b0, n_warm = cd_lad(
                design, y, sw, alpha=alpha, tau=tau, fit_intercept=fit_intercept,
                max_iter=max_iter, coef0=w0, intercept0=b0,
            )  # fmt: skip
        else:
            w0, b0, n_warm = irls_lad(
                design, y, sw, alpha=alpha, tau=tau, fit_intercept=fit_intercept,
                max_iter=max_iter, coef0=w0, intercept0=b0,
            )  # fmt: skip
        w0[np.setdiff1d(np.arange(p), usable)] = 0.0
        path_band = None
        if coef0 is not None and not warm:
            k = int(np.count_nonzero(w0)) + 1
            path_band = max(PATH_BAND_MIN, PATH_BAND_FACTOR * k, n // PATH_BAND_DIV)
        w, b, u, n_lp = exact_lad(
            X, y, sw, usable, alpha=alpha, tau=tau, fit_intercept=fit_intercept,
            coef0=w0, intercept0=b0, path_band=path_band,
        )  # fmt: skip
        w, b = polish_vertex(
            X, y, sw, w, b, u, usable, alpha=alpha, tau=tau,
            fit_intercept=fit_intercept,
        )  # fmt: skip
    else:
        # No usable column, or y is fitted exactly by a constant: the null model is
        # optimal.
        w, b, n_lp = np.zeros(p), b_null, 0
    y_scale = float(np.max(np.abs(y), initial=0.0))
    # A gap at the rounding level of the data cannot be reduced further, whatever tol.
    tol_abs = max(tol * p0, 4.0 * np.finfo(float).eps * (1.0 + y_scale))
    # The gap is meaningful only for a dual point that meets the equality constraints;
    # they hold to rounding after the exact repair, relative to the size of X.
    x_scale = float(abs(X).max()) if X.shape[0] * X.shape[1] else 0.0
    penalized = np.ones(p, dtype=bool)
    cert = None
    if exact is not None:
        # The crossover's dual (of a verified basis, or of the exact LP) usually
        # certifies the polished point by itself; the zero-set LP, which costs more
        # than the solve on wide penalised problems, is then not needed.
        cert = absolute_certificate(
            X, y, sw, w, b, alpha=alpha, tau=tau, fit_intercept=fit_intercept,
            penalized=penalized, u_hint=exact[2],
        )  # fmt: skip
        ok = cert["dual_infeasibility"] <= 1e-9 * (1.0 + x_scale)
        if not (ok and cert["gap"] <= tol_abs):
            cert = None
    if cert is None:
        cert = absolute_certificate(
            X, y, sw, w, b, alpha=alpha, tau=tau, fit_intercept=fit_intercept,
            penalized=penalized,
        )  # fmt: skip
    feasible = cert["dual_infeasibility"] <= 1e-9 * (1.0 + x_scale)
    converged = bool(cert["gap"] <= tol_abs and feasible)
    if exact is not None and not converged:
        # Not expected (the crossover ends at a verified vertex or at the exact
        # stage), but the interior route must never be worse than the LP route.
        other = solve_lad(
            design, y, sw, alpha=alpha, tau=tau, fit_intercept=fit_intercept,
            solver="irls", max_iter=max_iter, tol=tol, usable=usable,
            alpha_max=alpha_max,
        )  # fmt: skip
        if other[0].converged or other[0].dual_gap < cert["gap"]:
            return other
    finish = "vertex" if exact is not None and n_lp == 0 else "lp"
    result = SolveResult(
        w, float(b) if fit_intercept else 0.0, int(n_warm + n_lp), cert["gap"],
        converged, tol_abs, f"{method}+{finish}",
    )  # fmt: skip
    info = {
        "u": cert["u"],
        "zero_set": cert["zero_set"],
        "dual_infeasibility": cert["dual_infeasibility"],
        "objective": cert["objective"],
        "unique": cert["unique"],
        "null_objective": p0,
        "n_warm": n_warm,
        "n_lp": n_lp,
    }
    return result, info


def _intercept_interval(y, sw, tau):
    """Both ends of the set of minimisers of ``sum sw rho_tau(y - b)``."""
    lo = weighted_quantile(y, sw, tau)
    # The right end: the largest b with weighted fraction strictly below b <= tau.
    order = np.argsort(y, kind="stable")
    ys, ws = y[order], sw[order]
    total = ws.sum()
    below = np.cumsum(ws) - ws  # weight strictly before each sorted point
    ok = below <= tau * total + 1e-12 * total
    hi = float(ys[ok].max()) if ok.any() else lo
    return lo, max(lo, hi)


def alpha_max_absolute(design, y, sw, tau, fit_intercept, usable=None):
    """Exact smallest alpha with an all-zero optimum (see :func:`lad.alpha_max`)."""
    X = as_matrix(design)
    if usable is None:
        usable = usable_columns(design, fit_intercept)
    if usable.size == 0:
        return 0.0
    W = float(sw.sum())
    ends = _intercept_interval(y, sw, tau) if fit_intercept else (0.0, 0.0)
    best = np.inf
    for b in sorted(set(ends)):
        r = y - b
        zero = np.flatnonzero((r == 0) & (sw > 0))
        u = np.where(r > 0, tau, tau - 1.0)
        u[zero] = 0.0
        g = np.asarray(X.T @ (sw * u)).ravel()[usable]
        if zero.size == 0:
            if fit_intercept and abs(float(sw @ u)) > 1e-9 * W:
                continue  # b is not an optimal intercept
            best = min(best, float(np.abs(g).max()))
            continue
        # min t  s.t.  -t <= g + A u_Z <= t, sum sw_Z u_Z = -sum sw u, u_Z in box.
        Z = X[zero][:, usable] if sp.issparse(X) else X[np.ix_(zero, usable)]
        Z = Z.toarray() if sp.issparse(Z) else np.asarray(Z)
        A = (Z * sw[zero][:, None]).T
        m = zero.size
        c = np.r_[np.zeros(m), 1.0]
        ones = np.ones((A.shape[0], 1))
        A_ub = np.vstack([np.hstack([A, -ones]), np.hstack([-A, -ones])])
        b_ub = np.r_[-g, g]
        kw = {}
        if fit_intercept:
            kw = dict(A_eq=np.r_[sw[zero], 0.0][None, :], b_eq=[-float(sw @ u)])
        bounds = [(tau - 1.0, tau)] * m + [(0, None)]
        res = linprog(c, A_ub=A_ub, b_ub=b_ub, bounds=bounds, method="highs",
                      options=HIGHS_OPTIONS, **kw)  # fmt: skip
        if res.status == 0:
            best = min(best, float(res.x[-1]))
    if not np.isfinite(best):  # pragma: no cover - an optimal intercept always exists
        raise RuntimeError("Could not determine alpha_max for the absolute loss.")
    return 2.0 * best / W

"""Driver of the piecewise-linear simplex (:mod:`lad._kernels.simplex`).

It builds starting bases (the null vertex, a guessed basis, or any point through
virtual terms), runs the kernel in chunks of pivots, refactors the basis matrix
between chunks (the kernel's Sherman-Morrison updates drift), grows the working set
of columns when a column outside it violates its dual constraint, and returns the
dual values of the final basis, which certify it.

The state of a solve (:class:`Basis`) is what a neighbouring solve (the next alpha
of a path, the next quantile) starts from: the primal vertex does not depend on the
penalty or the quantile, only its dual does.
"""

import warnings
from dataclasses import dataclass, replace

import numpy as np
import scipy.linalg as sla

from .._kernels.simplex import (
    BUDGET,
    FROZEN,
    OPTIMAL,
    dual_values,
    simplex_csc,
    simplex_dense,
)
from .._penalty import for_kernels
from .._validation import DenseDesign, readonly

# Pivots per kernel call: the basis is refactored between calls.
CHUNK_PIVOTS = 64
# Coefficients whose largest contribution to a fitted value is below this fraction
# of the data's scale are rounding of a degenerate vertex (see :func:`point`).
SNAP_RTOL = 2.0**-46
# Columns admitted per pricing round, at least this many, and at most as many again
# as the working set holds.
WS_GROW_MIN = 10
# A column outside the working set violates its dual constraint when it exceeds it
# by more than this fraction of its largest possible correlation.
COL_RTOL = 1e-11


@dataclass
class Basis:
    """A basis and the point it defines, in the kernel's layout.

    ``ws`` (int32) are the working columns; coordinate 0 is the intercept when it
    is fitted, then the columns. ``codes``, ``vec`` and ``r`` as documented in
    :mod:`lad._kernels.simplex`; ``Minv`` the inverse basis matrix; ``u`` the
    rows' dual values where :func:`solve` ended optimal (else None).
    """

    ws: np.ndarray
    codes: np.ndarray
    vec: np.ndarray
    r: np.ndarray
    Minv: np.ndarray
    u: object = None

    @property
    def n_coords(self):
        """Number of coordinates ``K``."""
        return self.Minv.shape[0]


@dataclass(frozen=True)
class LP:
    """The data of a simplex solve, in the kernel's units.

    ``pen`` is the penalty array (estimator units) and ``scale = W / 2``;
    ``col_max`` bounds each column's entries (for the pricing tolerance).
    """

    design: object
    y: np.ndarray
    sw: np.ndarray
    tau: float
    fit_intercept: bool
    pen: np.ndarray
    scale: float
    col_max: np.ndarray

    @property
    def fi(self):
        """1 when the intercept is a coordinate."""
        return int(self.fit_intercept)


def _columns(design, rows, ws):
    """``X[rows][:, ws]`` as a dense array (a few rows: the basic ones)."""
    if isinstance(design, DenseDesign):
        return design.X[np.ix_(rows, ws)]
    return _matrix(design)[rows][:, ws].toarray()


def _matrix(design):
    if isinstance(design, DenseDesign):
        return design.X
    return design.matrix


def _matvec(design, ws, beta_cols):
    """``X[:, ws] @ beta_cols`` without copying the columns of ``X``."""
    coef = np.zeros(design.shape[1])
    coef[ws] = beta_cols
    return np.asarray(_matrix(design) @ coef).ravel()


def _rmatvec(design, v):
    return np.asarray(_matrix(design).T @ v).ravel()


def basis_matrix(lp, basis):
    """The basis matrix ``M`` (one row per basic term)."""
    n = lp.y.shape[0]
    fi = lp.fi
    K = basis.n_coords
    codes = basis.codes[n : n + K]
    M = np.zeros((K, K))
    data = np.flatnonzero((codes >= 0) & (codes < n))
    if data.size:
        if fi:
            M[data, 0] = 1.0
        M[data, fi:] = _columns(lp.design, codes[data], basis.ws)
    for k in np.flatnonzero(codes >= n):
        M[k, fi + (codes[k] - n) // 3] = 1.0
    for k in np.flatnonzero(codes < 0):
        c = -1 - int(codes[k])
        M[k, c - FROZEN if c >= FROZEN else c] = 1.0
    return M


def refactor(lp, basis):
    """Refactor ``M``, recompute the vertex and its residuals; False if singular."""
    M = basis_matrix(lp, basis)
    try:
        with warnings.catch_warnings():
            # Singularity is tested below, with a relative threshold.
            warnings.simplefilter("ignore", sla.LinAlgWarning)
            lu = sla.lu_factor(M, check_finite=True)
    except (ValueError, sla.LinAlgError):
        return False
    diag = np.abs(np.diag(lu[0]))
    if diag.size and not diag.min() > 1e-14 * max(diag.max(), 1e-300):
        return False
    Minv = sla.lu_solve(lu, np.eye(M.shape[0]))
    target = basis.vec[1]
    beta = Minv @ target
    beta += Minv @ (target - M @ beta)  # one step of iterative refinement
    basis.Minv = np.ascontiguousarray(Minv)
    basis.vec[0] = beta
    basis.r[:] = residuals(lp, basis.ws, beta)
    n = lp.y.shape[0]
    K = basis.n_coords
    for k in range(K):
        code = basis.codes[n + k]
        if 0 <= code < n:
            basis.r[code] = 0.0
    return True


def residuals(lp, ws, beta):
    """``y - xt'beta`` for a coordinate vector over ``ws``."""
    fi = lp.fi
    r = lp.y - _matvec(lp.design, ws, beta[fi:])
    if fi:
        r = r - beta[0]
    return r


def _sides(r):
    return np.where(r < 0, -1, 1).astype(np.int64)


def _column_sides(beta_cols):
    return np.where(beta_cols < 0, -1, 1).astype(np.int64)


def _assemble(lp, ws, basic_codes, beta):
    n = lp.y.shape[0]
    fi = lp.fi
    K = ws.size + fi
    r = residuals(lp, ws, beta)
    codes = np.concatenate([_sides(r), basic_codes, _column_sides(beta[fi:])])
    codes[basic_codes[(basic_codes >= 0) & (basic_codes < n)]] = 0
    vec = np.zeros((2, K))
    vec[0] = beta
    for k, code in enumerate(basic_codes):
        if code < 0:
            vec[1, k] = beta[-1 - code]
        elif code < n:
            vec[1, k] = lp.y[code]
        else:
            c = (code - n) // 3
            kink = (code - n) % 3
            j = ws[c]
            vec[1, k] = (lp.pen[2, j], 0.0, lp.pen[3, j])[kink]
    return Basis(np.asarray(ws, dtype=np.int32), codes, vec, r, np.eye(K))


def from_point(lp, ws, coef, intercept):
    """A basis of virtual terms at any feasible point (a warm start)."""
    fi = lp.fi
    ws = np.asarray(ws, dtype=np.int32)
    beta = np.concatenate([[intercept] if fi else [], np.asarray(coef)[ws]])
    K = ws.size + fi
    basis = _assemble(lp, ws, -1 - np.arange(K, dtype=np.int64), beta)
    return basis


def from_terms(lp, ws, rows, zero_cols, intercept0=0.0):
    """The vertex of the given basic data rows and columns held at zero, or None."""
    n = lp.y.shape[0]
    fi = lp.fi
    ws = np.asarray(ws, dtype=np.int32)
    pos = {int(j): c for c, j in enumerate(ws)}
    codes = [int(i) for i in rows] + [n + 3 * pos[int(j)] + 1 for j in zero_cols]
    if len(codes) != ws.size + fi:
        return None
    beta = np.zeros(ws.size + fi)
    if fi:
        beta[0] = intercept0
    basis = _assemble(lp, ws, np.asarray(codes, dtype=np.int64), beta)
    if not refactor(lp, basis):
        return None
    basis.codes[:n][:] = _sides(basis.r)
    basis.codes[np.asarray(rows, dtype=np.int64)] = 0
    basis.codes[n + basis.n_coords :] = _column_sides(basis.vec[0, fi:])
    return basis


def from_residuals(lp, ws, coef, intercept):
    """Guess the vertex near a warm-start point: the rows it fits most closely.

    The penalised columns at zero are held at their zero kink and the rows with the
    smallest residuals fill the basis. From an accurate warm start this is the
    optimal basis (no pivot), and any guess is a vertex the simplex can start from;
    None when the guessed rows are singular (the caller then crosses over).
    """
    fi = lp.fi
    ws = np.asarray(ws, dtype=np.int32)
    w = np.asarray(coef)[ws]
    zero_cols = ws[(w == 0) & (lp.pen[0, ws] > 0)]
    need = ws.size + fi - zero_cols.size
    beta = np.concatenate([[intercept] if fi else [], w])
    r = np.abs(residuals(lp, ws, beta))
    r[lp.sw <= 0] = np.inf
    if need > np.count_nonzero(np.isfinite(r)):
        return None
    rows = np.argpartition(r, need - 1)[:need] if need else np.zeros(0, np.intp)
    return from_terms(lp, ws, np.sort(rows), zero_cols, intercept)


def add_columns(lp, basis, new):
    """Append columns to the working set, each held at its zero kink (exact)."""
    n = lp.y.shape[0]
    K = basis.n_coords
    m = new.size
    codes = basis.codes[n : n + K]
    B = np.zeros((K, m))
    data = np.flatnonzero((codes >= 0) & (codes < n))
    if data.size:
        B[data] = _columns(lp.design, codes[data], new)
    Minv = np.zeros((K + m, K + m))
    Minv[:K, :K] = basis.Minv
    Minv[:K, K:] = -basis.Minv @ B
    Minv[K:, K:] = np.eye(m)
    n_ws = basis.ws.size
    new_codes = n + 3 * (n_ws + np.arange(m)) + 1
    basis.codes = np.concatenate([
        basis.codes[: n + K], new_codes, basis.codes[n + K :], np.ones(m, np.int64)
    ])  # fmt: skip
    vec = np.zeros((2, K + m))
    vec[:, :K] = basis.vec
    basis.vec = vec
    basis.ws = np.concatenate([basis.ws, new]).astype(np.int32)
    basis.Minv = np.ascontiguousarray(Minv)


def duals(lp, basis):
    """``(u, lam)``: the data rows' dual values (in the box where feasible) and the
    basic terms' multipliers of the current basis."""
    n = lp.y.shape[0]
    fi = lp.fi
    K = basis.n_coords
    codes = basis.codes
    side = codes[:n]
    u = np.where(side > 0, lp.tau, lp.tau - 1.0)
    u[side == 0] = 0.0
    v = -lp.sw * u
    rhs = np.zeros(K)
    if fi:
        rhs[0] = v.sum()
    g = _columns_dot(lp.design, basis.ws, v)
    basic_cols = set(int((code - n) // 3) for code in codes[n : n + K] if code >= n)
    lam = lp.scale * lp.pen[0, basis.ws]
    col_side = codes[n + K :]
    slope = np.where(col_side > 0, lam, -lam)
    for c in basic_cols:
        slope[c] = 0.0
    rhs[fi:] = g + slope
    mult = np.empty(K)
    dual_values(basis.Minv, rhs, mult)
    basic = codes[n : n + K]
    rows = (basic >= 0) & (basic < n)
    with np.errstate(divide="ignore", invalid="ignore"):
        u[basic[rows]] = mult[rows] / lp.sw[basic[rows]]
    return u, mult


def _columns_dot(design, ws, v):
    """``X[:, ws].T @ v`` without copying the columns of ``X``."""
    return _rmatvec(design, v)[ws]


def price_columns(lp, ws, u, candidates):
    """Candidate columns outside the working set that violate their dual constraint.

    At ``w_j = 0`` optimality needs ``g_j = sum_i sw_i u_i x_ij`` in the
    subdifferential of the column's penalty at 0, ``[-lam_j, lam_j]`` (one side
    unbounded where a bound sits at 0). Returns them, most violated first.
    """
    outside = np.setdiff1d(candidates, ws)
    if outside.size == 0:
        return outside
    g = _rmatvec(lp.design, lp.sw * u)[outside]
    lam = lp.scale * lp.pen[0, outside]
    lo, hi = lp.pen[2, outside], lp.pen[3, outside]
    slack = COL_RTOL * (lam + lp.scale * 2.0 * lp.col_max[outside])
    over = np.where(hi > 0, g - lam, 0.0)
    under = np.where(lo < 0, -g - lam, 0.0)
    excess = np.maximum(over, under) - slack
    bad = excess > 0
    order = np.argsort(-excess[bad], kind="stable")
    return outside[bad][order]


def solve(lp, basis, candidates, *, max_pivots, verbose=None):
    """Pivot to an optimal basis on the whole candidate set of columns.

    Returns ``(basis, status, n_pivots)``; ``status`` is ``"optimal"`` (the
    basis then carries its rows' dual values as ``basis.u``), ``"budget"``
    (``max_pivots`` reached) or ``"singular"`` (a refactorisation failed: the
    caller falls back to a fresh start).
    """
    design = lp.design
    params = readonly(np.array([lp.tau, lp.scale]))
    pen = readonly(for_kernels(lp.pen))
    total = 0
    while True:
        budget = min(CHUNK_PIVOTS, max_pivots - total)
        if budget <= 0:
            return basis, "budget", total
        ws = readonly(basis.ws)
        if isinstance(design, DenseDesign):
            status, done = simplex_dense(
                design.X, lp.y, lp.sw, ws, pen, params, lp.fit_intercept, basis.vec,
                basis.r, basis.codes, basis.Minv, int(budget),
            )  # fmt: skip
        else:
            status, done = simplex_csc(
                design.data, design.indices, design.indptr, lp.y, lp.sw, ws, pen,
                params, lp.fit_intercept, basis.vec, basis.r, basis.codes,
                basis.Minv, int(budget),
            )  # fmt: skip
        total += int(done)
        if verbose is not None:
            verbose(total, basis.ws.size)
        if done and not refactor(lp, basis):
            return basis, "singular", total
        if status == BUDGET:
            continue
        if status != OPTIMAL:
            return basis, "singular", total
        u, _ = duals(lp, basis)
        new = price_columns(lp, basis.ws, u, candidates)
        if new.size == 0:
            basis.u = u  # the caller's certificate reuses them
            return basis, "optimal", total
        grow = max(WS_GROW_MIN, basis.ws.size)
        add_columns(lp, basis, new[:grow].astype(np.int32))


def point(lp, basis, n_features):
    """``(coef, intercept)`` of the basis' vertex, coefficients of all columns.

    A degenerate vertex can hold a coefficient that is zero by a data row rather
    than by its zero kink; solving the basis then leaves rounding (1e-33, say)
    where the optimum has an exact 0. Coefficients whose contribution to any fitted
    value is below the rounding level of the data are set to 0.
    """
    coef = np.zeros(n_features)
    fi = lp.fi
    w = basis.vec[0, fi:].copy()
    scale = float(np.max(np.abs(lp.y), initial=0.0)) + (
        abs(basis.vec[0, 0]) if fi else 0.0
    )
    tiny = np.abs(w) * lp.col_max[basis.ws] <= SNAP_RTOL * scale
    w[tiny] = 0.0
    coef[basis.ws] = w
    return coef, float(basis.vec[0, 0]) if fi else 0.0


def copy(basis):
    """An independent copy (a path keeps the previous solution's basis)."""
    return replace(
        basis, ws=basis.ws.copy(), codes=basis.codes.copy(), vec=basis.vec.copy(),
        r=basis.r.copy(), Minv=basis.Minv.copy(), u=None,
    )  # fmt: skip

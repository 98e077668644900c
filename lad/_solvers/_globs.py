"""Exact quantile fits on a small problem: Portnoy and Koenker's globs.

Given a guess of the signs of the residuals at the optimum, rows whose guess
ranks far above (below) a band around the quantile are lumped into one
pseudo-row each, their weighted mean with their total weight; the small problem
(the band plus the two globs, with the full penalty) is solved exactly. Since
``rho(mean) <= mean(rho)`` the small objective is below the full one everywhere
and equal to it where every lumped row keeps its side, so when a pass over the
rows finds no lumped row on the wrong side the small optimum is the full
optimum. Otherwise the rows found on the wrong side join the band and the small
problem is solved again. The certificate is the full problem's, from the
verifying pass's residuals, with the small problem's dual values (the glob's
value for each of its rows) as the hint.

Two guesses: the residuals of an exact fit at a neighbouring quantile
(:class:`Neighbour`, several quantiles in a row), and Portnoy and Koenker's
(1997) preprocessing of one large problem (:func:`solve_subsampled`): the fit on
a random subsample of about ``sqrt(p) n^(2/3)`` rows, its residuals scaled by
each row's prediction spread. The full data are touched only through the passes
of :class:`lad._solvers._rows.ArrayRows`.
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .._certificate import zero_threshold
from ._rows import ArrayRows

# Below this many rows a fit costs milliseconds and the globs do not pay.
MIN_ROWS = 2000
# The band from a neighbour: neighbour-residual ranks within this margin around
# both quantiles.
MARGIN = 0.03
# The band from a subsample of m rows holds about BAND_FACTOR * m rows; quantreg's
# pfn keeps 0.8 m, but at 1e6 x 20 that band missed ~600 rows, and the repair round
# (a second solve) cost more than the wider band; SUBSAMPLE_FACTOR * sqrt(p + 1) *
# n^(2/3) rows are sampled (half as many was slower there too).
BAND_FACTOR = 1.6
SUBSAMPLE_FACTOR = 1.0
# Give up (and let the caller solve the whole problem) when the band reaches
# this share of the rows, or after this many rounds. A round that finds more than
# WIDEN_SHARE of the band's size on the wrong side doubles the band's width (as
# quantreg's pfn doubles its subsample) instead of adding those rows.
MAX_SHARE = 0.5
MAX_ROUNDS = 6
WIDEN_SHARE = 0.1
# The thresholds of the band are quantiles of the guess over at most this many
# rows (any thresholds give an exact answer; these only size the band).
THRESHOLD_ROWS = 200_000
# The sample is the same on every call (the result is exact whichever it is, and
# a fixed one makes a refit reproduce the same optimum among several).
SEED = 0


@dataclass(frozen=True)
class Neighbour:
    """Residuals (data units) of an exact fit at the quantile ``quantile``."""

    residuals: np.ndarray
    quantile: float


@dataclass(frozen=True)
class Globbed:
    """An exact solve through the globs, in the problem's scaled units.

    ``u`` is the full dual hint, ``fitted`` the verifying pass's ``X coef`` (the
    certificate's pass), ``label`` the route.
    """

    coef: np.ndarray
    intercept: float
    u: np.ndarray
    n_iter: int
    label: str
    fitted: np.ndarray


def _small(rows, band, above, below):
    """The band's rows and the two globs: design, target and weights."""
    Xb, yb, wb = rows.take(np.flatnonzero(band))
    parts, ys, ws = [Xb], [yb], [wb]
    sides = [s for s in (above, below) if s.any()]
    for xs, ys_sum, W in rows.side_sums(sides):
        if W > 0:
            parts.append(xs[None, :] / W)
            ys.append([ys_sum / W])
            ws.append([W])
    if sp.issparse(Xb):
        Xs = sp.vstack([sp.csr_matrix(part) for part in parts], format="csc")
    else:
        Xs = np.vstack(parts)
    return Xs, np.concatenate(ys), np.concatenate(ws)


def _rows_of(problem):
    from .absolute import as_matrix

    return ArrayRows(as_matrix(problem.design), problem.y, problem.sw)


def _weighted_thresholds(score, sw, probs):
    """Weighted quantiles ``probs`` of ``score`` (over a subsample of the rows)."""
    if score.size > THRESHOLD_ROWS:
        # With replacement: a draw without it permutes all n indices.
        pick = np.random.default_rng(SEED).integers(0, score.size, THRESHOLD_ROWS)
        score, sw = score[pick], sw[pick]
    order = np.argsort(score, kind="stable")
    cum = np.cumsum(sw[order])
    cum /= cum[-1]
    out = []
    for p in probs:
        if p <= 0:
            out.append(-np.inf)
        elif p >= 1:
            out.append(np.inf)
        else:
            k = min(int(np.searchsorted(cum, p)), order.size - 1)
            out.append(float(score[order[k]]))
    return out


def _rounds(problem, rows, score, thresholds, unit_s, solve_small, n_iter, prefix):
    """Solve on the band ``t_lo <= score <= t_hi`` plus globs until every lumped row
    keeps its side; a :class:`Globbed`, or None when the band grows too large.

    ``thresholds(k)`` gives ``(t_lo, t_hi)`` for a band ``2^k`` times as wide as
    the first: a round that finds many rows on the wrong side widens it.
    """
    sw, q = problem.sw, problem.tau
    n = problem.y.shape[0]
    live = sw > 0
    forced = np.zeros(n, dtype=bool)
    level = 0
    t_lo, t_hi = thresholds(level)
    for _ in range(MAX_ROUNDS):
        band = live & (forced | ((score >= t_lo) & (score <= t_hi)))
        m = int(band.sum())
        if m > MAX_SHARE * n:
            return None
        above = live & ~band & (score > t_hi)
        below = live & ~band & (score < t_lo)
        Xs, ys, ws = _small(rows, band, above, below)
        res = solve_small(Xs, ys, ws, unit_s)
        n_iter += res.n_iter
        if not res.converged:
            return None  # not the small optimum: the whole problem decides
        r, fitted = rows.residuals(res.coef, res.intercept)
        thr = zero_threshold(problem.y, fitted, res.intercept)
        wrong = (above & (r < -thr)) | (below & (r > thr))
        if not wrong.any():
            u = np.where(r > 0, q, q - 1.0)
            u[band] = res.dual[:m]
            k = m
            for side in (above, below):
                if side.any() and sw[side].sum() > 0:
                    u[side] = res.dual[k]
                    k += 1
            label = f"{prefix}globs({m} rows)+{res.solver}"
            return Globbed(res.coef, res.intercept, u, n_iter, label, fitted)
        many = wrong.sum() > WIDEN_SHARE * m
        wider = thresholds(level + 1) if many else (t_lo, t_hi)
        if many and tuple(wider) != (t_lo, t_hi):
            # So many rows on the wrong side: the small fit is far off, and many
            # of them would be right for the wider band's fit.
            level += 1
            t_lo, t_hi = wider
        else:
            forced |= wrong
    return None


def solve_globbed(problem, unit_s, near, solve_small):
    """The exact solve from a neighbouring quantile's fit (:class:`Neighbour`).

    ``unit_s`` is the penalty in the problem's scaled units; ``solve_small(Xs,
    ys, ws, unit_s)`` solves a small problem exactly and returns its
    :class:`SolveResult`. Returns a :class:`Globbed`, or None when the globs did
    not pay (the band grew past ``MAX_SHARE``) and the caller solves the whole
    problem.
    """
    q = problem.tau
    r0 = np.asarray(near.residuals, dtype=np.float64)

    def thresholds(level):
        margin = MARGIN * 2**level
        lo_q = min(q, near.quantile) - margin
        hi_q = max(q, near.quantile) + margin
        return np.quantile(r0, [max(lo_q, 0.0), min(hi_q, 1.0)])

    return _rounds(problem, _rows_of(problem), r0, thresholds, unit_s, solve_small,
                   0, "")  # fmt: skip


def _spread_root(Xs, ws, fit_intercept):
    """``(root, offset)`` with ``||x' root + offset||^2 = z' A^-1 z``, ``z = (x, 1)``
    and ``A = Z' diag(ws) Z`` the subsample's cross-product (a tiny ridge keeps
    it positive definite when a column is constant or absent there)."""
    Z = Xs.toarray() if sp.issparse(Xs) else np.asarray(Xs)
    if fit_intercept:
        Z = np.column_stack([Z, np.ones(Z.shape[0])])
    A = Z.T @ (ws[:, None] * Z)
    k = A.shape[0]
    A[np.diag_indices(k)] += 1e-10 * max(float(np.max(np.diag(A))), 1e-300)
    try:
        L = np.linalg.cholesky(A)
    except np.linalg.LinAlgError:
        # Every row's spread 1: the band by the residual alone.
        return np.zeros((Xs.shape[1], 1)), np.ones(1)
    R = np.linalg.inv(L).T
    p = Xs.shape[1]
    return R[:p], (R[p] if fit_intercept else np.zeros(k))


def subsample_size(n, p):
    """Rows of the first subsample: ``sqrt(p + 1) n^(2/3)`` (Portnoy and Koenker)."""
    return int(np.ceil(SUBSAMPLE_FACTOR * np.sqrt(p + 1) * n ** (2.0 / 3.0)))


def solve_subsampled(problem, unit_s, solve_small, log=None):
    """Portnoy and Koenker's preprocessing of one large problem.

    An exact fit on a subsample guesses the signs; the guess of row ``i`` is its
    residual over its prediction spread ``sqrt(x_i' A^-1 x_i)`` (``A`` the
    subsample's weighted cross-product), so that rows whose sign the subsample
    cannot tell are the ones kept in the band. Returns a :class:`Globbed` or None
    (as :func:`solve_globbed`).
    """
    rows = _rows_of(problem)
    n, p = problem.shape
    q, sw = problem.tau, problem.sw
    live = np.flatnonzero(sw > 0)
    m = subsample_size(n, p)
    if live.size < 2 * m:
        return None
    pick = np.sort(np.random.default_rng(SEED).choice(live, m, replace=False))
    Xs, ys, ws = rows.take(pick)
    res = solve_small(Xs, ys, ws, unit_s)
    # (An inexact subsample fit is still a guess: the rounds decide.)
    root, offset = _spread_root(Xs, ws, problem.fit_intercept)
    score = rows.scores(res.coef, res.intercept, root, offset)
    half = 0.5 * BAND_FACTOR * m / live.size
    if log is not None:
        log.note(f"subsample of {m} rows solved ({res.solver}); band of about "
                 f"{2 * half:.2%} of the rows", 1)  # fmt: skip

    def thresholds(level):
        h = half * 2**level
        return _weighted_thresholds(score[live], sw[live], [q - h, q + h])

    return _rounds(problem, rows, score, thresholds, unit_s, solve_small, res.n_iter,
                   f"subsample({m})+")  # fmt: skip

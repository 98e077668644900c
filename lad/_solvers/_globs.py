"""An exact fit at quantile ``q`` from a fit at a neighbouring quantile.

Portnoy and Koenker's (1997) globbing, with the neighbour's residuals as the
guess of the signs. Rows whose neighbour residual ranks far above (below) the
band around ``q`` are lumped into one pseudo-row each, their weighted mean with
their total weight; the small problem (the band plus the two globs, with the
full penalty) is solved exactly. Since ``rho(mean) <= mean(rho)`` the small
objective is below the full one everywhere and equal to it where every lumped
row keeps its side, so when a pass over the rows finds no lumped row on the
wrong side the small optimum is the full optimum. Otherwise the rows found on
the wrong side join the band and the small problem is solved again. The
certificate is the full problem's, with the small problem's dual values (the
glob's value for each of its rows) as the hint.
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .._certificate import zero_threshold

# Below this many rows a fit costs milliseconds and the globs do not pay.
MIN_ROWS = 2000
# The band: neighbour-residual ranks within this margin around both quantiles.
MARGIN = 0.03
# Give up (and let the caller solve the whole problem) when the band reaches
# this share of the rows, or after this many rounds.
MAX_SHARE = 0.5
MAX_ROUNDS = 6


@dataclass(frozen=True)
class Neighbour:
    """Residuals (data units) of an exact fit at the quantile ``quantile``."""

    residuals: np.ndarray
    quantile: float


def _rows(X, mask):
    return X[np.flatnonzero(mask)]


def _small(X, y, sw, band, above, below):
    """The band's rows and the two globs: design, target and weights."""
    rows, ys, ws = [_rows(X, band)], [y[band]], [sw[band]]
    for side in (above, below):
        W = float(sw[side].sum())
        if W > 0:
            mean = np.asarray(sw[side] @ _rows(X, side)).ravel() / W
            rows.append(mean[None, :] if not sp.issparse(X) else sp.csr_matrix(mean))
            ys.append([float(sw[side] @ y[side]) / W])
            ws.append([W])
    Xs = sp.vstack(rows, format="csc") if sp.issparse(X) else np.vstack(rows)
    return Xs, np.concatenate(ys), np.concatenate(ws)


def solve_globbed(problem, unit_s, alpha, near, solve_small):
    """``(coef, intercept, u, n_iter, label)`` in the problem's scaled units, or None.

    ``unit_s`` is the penalty in the problem's scaled units; ``solve_small(Xs,
    ys, ws, unit_s)`` solves a small problem exactly and returns its
    :class:`SolveResult`. None means the globs did not pay (the band grew past
    ``MAX_SHARE``), and the caller solves the whole problem.
    """
    from .absolute import as_matrix

    X = as_matrix(problem.design)
    y, sw, q = problem.y, problem.sw, problem.tau
    n = y.shape[0]
    r0 = np.asarray(near.residuals, dtype=np.float64)
    lo_q = min(q, near.quantile) - MARGIN
    hi_q = max(q, near.quantile) + MARGIN
    t_lo, t_hi = np.quantile(r0, [max(lo_q, 0.0), min(hi_q, 1.0)])
    forced = np.zeros(n, dtype=bool)
    n_iter = 0
    for _ in range(MAX_ROUNDS):
        band = forced | ((r0 >= t_lo) & (r0 <= t_hi)) | (sw <= 0)
        if band.sum() > MAX_SHARE * n:
            return None
        above = ~band & (r0 > t_hi)
        below = ~band & (r0 < t_lo)
        Xs, ys, ws = _small(X, y, sw, band, above, below)
        res = solve_small(Xs, ys, ws, unit_s)
        n_iter += res.n_iter
        fitted = np.asarray(X @ res.coef).ravel()
        r = y - fitted - res.intercept
        thr = zero_threshold(y, fitted, res.intercept)
        wrong = (above & (r < -thr)) | (below & (r > thr))
        if not wrong.any():
            u = np.where(above, q, q - 1.0)
            m = int(band.sum())
            u[band] = res.dual[:m]
            k = m
            for side in (above, below):
                if sw[side].sum() > 0:
                    u[side] = res.dual[k]
                    k += 1
            return res.coef, res.intercept, u, n_iter, f"globs({m} rows)+{res.solver}"
        forced |= wrong
    return None

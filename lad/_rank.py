"""Intervals by inverting a rank test (Koenker 1994), as quantreg's ``rq.fit.br``.

For coefficient ``j`` and a trial value ``b``, fit the quantile regression of
``y - b x_j`` on the other columns ``Z`` and take its regression rank scores
``a(b)`` in [0, 1] (the dual solution: ``a_i = 1`` above the fit, 0 below, and the
basic rows' values fixed by ``Z'(a - (1 - q)) = 0``). The rank-score statistic

    T(b) = x_j'(a(b) - (1 - q)) / sqrt(q_n q (1 - q))

is 0 at the estimate and the interval is the set of ``b`` with ``|T(b)| <``
``t_{1 - alpha/2, n - p}``. ``q_n`` is the residual sum of squares of ``x_j`` on
``Z`` (iid errors: ``1 / [(X'X)^-1]_jj``) or of its regression weighted by the
local densities (``iid=False``).

``a(b)`` is a step function: it changes where a residual of the restricted fit
changes sign. The walk follows those breakpoints exactly, as a parametric dual
simplex over the right-hand side: the residuals are linear in ``b`` while the
basis (the rows fitted exactly) stays; at a breakpoint the crossing row's rank
score flips, and when a basic rank score would leave [0, 1] the crossing row
enters the basis and that one leaves. quantreg's ``rqbr`` walks the same vertices
with its own simplex tableau. As there, the ends are interpolated linearly
between the statistic at the start of the last accepted step and at the first
rejected one, and a walk that never rejects gives an infinite end.
"""

import numpy as np


def _lines(Z, y, x, basis):
    """Residuals ``c - b d`` of the restricted fit that zeroes the rows ``basis``."""
    if Z.shape[1] == 0:
        return y.copy(), x.copy()
    G = np.linalg.solve(Z[basis], np.column_stack([y[basis], x[basis]]))
    return y - Z @ G[:, 0], x - Z @ G[:, 1]


def _basic_scores(Z, a, basis, target):
    """The basic rows' rank scores from ``Z'a = target`` given the others."""
    if Z.shape[1] == 0:
        return a
    rest = np.ones(a.shape[0], dtype=bool)
    rest[basis] = False
    a = a.copy()
    a[basis] = np.linalg.solve(Z[basis].T, target - Z[rest].T @ a[rest])
    return a


def _start(Z, y, x, b0, zero_rows, q):
    """The basis and rank scores just above ``b0``.

    At ``b0`` the rows with a non-zero residual have their rank scores (0 or 1)
    and the rows fitted exactly (at least ``p`` of them, more in degenerate data)
    may take any scores in [0, 1] that solve ``Z'a = (1 - q) Z'1``. Just above
    ``b0`` the dual objective gains ``-(b - b0) x'a``, so the scores there are the
    ones of least ``x'a``: a small LP over the exactly fitted rows. Its
    fractional scores mark the basis (completed from the rows at 0 or 1 when the
    data are degenerate).
    """
    from scipy.optimize import linprog

    m = Z.shape[1]
    r = y - b0 * x - Z @ _fit(Z, y - b0 * x, zero_rows)
    a = (r > 0).astype(np.float64)
    free = np.zeros(y.shape[0], dtype=bool)
    free[zero_rows] = True
    a[free] = 0.0
    rhs = (1.0 - q) * Z.sum(axis=0) - Z[~free].T @ a[~free]
    res = linprog(x[free], A_eq=Z[free].T if m else None, b_eq=rhs if m else None,
                  bounds=(0.0, 1.0), method="highs")  # fmt: skip
    if res.status != 0:
        raise ValueError(
            "The rank intervals need the estimate to be an exact quantile regression "
            f"fit; the scores at it are not feasible ({res.message})."
        )
    a[zero_rows] = np.clip(res.x, 0.0, 1.0)
    s = a[zero_rows]
    inner = np.minimum(s, 1.0 - s)
    basis = []
    for i in zero_rows[np.argsort(-inner, kind="stable")]:
        if len(basis) == m:
            break
        if np.linalg.matrix_rank(Z[basis + [int(i)]]) == len(basis) + 1:
            basis.append(int(i))
    if len(basis) < m:
        raise ValueError(
            "The rank intervals need a fit at a vertex (p rows fitted exactly with a "
            "non-singular design); this design has none."
        )
    return basis, _basic_scores(Z, a, basis, (1.0 - q) * Z.sum(axis=0))


def _fit(Z, target, rows):
    """Least squares on the exactly fitted rows: the restricted fit at the estimate."""
    if Z.shape[1] == 0:
        return np.zeros(0)
    return np.linalg.lstsq(Z[rows], target[rows], rcond=None)[0]


def steps(Z, y, x, b0, basis, a, q, scale, tol=1e-9):
    """The walk up from ``b0``: ``(b, T, basis)`` for each step, from its start.

    On ``(b, next b)`` the restricted fit zeroes the rows ``basis`` and the
    statistic is ``T``; after the last breakpoint the next ``b`` is ``inf``.
    """
    n = y.shape[0]
    target = (1.0 - q) * Z.sum(axis=0)
    basis = list(basis)
    dtol = 1e-12 * (1.0 + float(np.abs(x).max(initial=0.0)))
    b = b0
    for _ in range(20 * n + 100):
        tn = float(x @ (a + q - 1.0)) / scale
        c, d = _lines(Z, y, x, basis)
        nonbasic = np.ones(n, dtype=bool)
        nonbasic[basis] = False
        # A row crosses upwards where its residual c - b d, of the sign its
        # rank score says, reaches 0: positive rows with d > 0, negative with d < 0.
        moving = nonbasic & (((a > 0.5) & (d > dtol)) | ((a < 0.5) & (d < -dtol)))
        if not moving.any():
            yield b, tn, list(basis)
            yield np.inf, np.nan, list(basis)
            return
        at = np.where(moving, c / np.where(moving, d, 1.0), np.inf)
        i = int(np.argmin(at))
        # A step of length zero (a degenerate pivot at one breakpoint) is no
        # step: its statistic holds nowhere.
        if at[i] > b + 1e-12 * (1.0 + abs(b)):
            yield b, tn, list(basis)
        b = max(b, float(at[i]))
        basis, a = _cross(Z, a, basis, i, target)
        # Every other row at zero here whose side disagrees with its score flips
        # too, one at a time (integer data puts several rows on one breakpoint).
        for _ in range(n + 1):
            c, d = _lines(Z, y, x, basis)
            nonbasic = np.ones(n, dtype=bool)
            nonbasic[basis] = False
            at_zero = np.abs(c - b * d) <= tol * (np.abs(c) + np.abs(b * d)) + 1e-300
            wrong = (
                nonbasic
                & at_zero
                & (((a > 0.5) & (d > dtol)) | ((a < 0.5) & (d < -dtol)))
            )
            if not wrong.any():
                break
            basis, a = _cross(Z, a, basis, int(np.flatnonzero(wrong)[0]), target)
    raise RuntimeError("The rank-inversion walk did not end; please report this.")


def _end(walk, b0, cutoff):
    """The interpolated end, from the last accepted and the first rejected step."""
    last = (b0, 0.0)  # quantreg's start: the estimate, where T = 0
    for b, tn, _ in walk:
        if np.isinf(b):
            return np.inf
        if abs(tn) >= cutoff:
            b3, t3 = last
            with np.errstate(divide="ignore", invalid="ignore"):
                end = b3 + abs(b - b3) * (cutoff - abs(t3)) / abs(tn - t3)
            return float(end) if np.isfinite(end) else float(b3)
        last = (b, tn)
    raise AssertionError("unreachable")  # pragma: no cover


def _cross(Z, a, basis, i, target):
    """Flip row ``i``'s rank score, or pivot it into the basis part of the way."""
    step = 1.0 - 2.0 * a[i]  # +1 from 0 to 1, -1 from 1 to 0
    a = a.copy()
    if Z.shape[1] == 0:
        a[i] += step
        return basis, a
    v = -np.linalg.solve(Z[basis].T, Z[i] * step)
    ab = a[basis]
    with np.errstate(divide="ignore", invalid="ignore"):
        theta = np.where(v > 0, (1.0 - ab) / v, np.where(v < 0, -ab / v, np.inf))
    theta = np.maximum(theta, 0.0)
    k = int(np.argmin(theta))
    if theta[k] >= 1.0:
        a[i] += step
        a[basis] = ab + v
        return basis, _basic_scores(Z, a, basis, target)
    t = float(theta[k])
    a[basis] = ab + t * v
    leaving = basis[k]
    a[leaving] = 1.0 if v[k] > 0 else 0.0
    a[i] += t * step
    basis = basis[:k] + basis[k + 1 :] + [i]
    return basis, _basic_scores(Z, a, basis, target)


def _zero_rows(X, y, coef, tol):
    """The rows fitted exactly (at least the ``p`` of smallest residual)."""
    p = X.shape[1]
    size = tol * (1.0 + np.abs(y) + np.abs(X) @ np.abs(coef))
    live = np.abs(X).sum(axis=1) > 0  # a row of weight 0 is no constraint
    rel = np.where(live, np.abs(y - X @ coef) / size, np.inf)
    order = np.argsort(rel, kind="stable")
    k = max(p, int(np.sum(rel <= 1.0)))
    return np.sort(order[:k]), bool(np.all(rel[order[:p]] <= 1.0))


def is_vertex(X, y, coef, tol=1e-9):
    """Whether ``coef`` fits ``p`` rows exactly, with those rows non-singular."""
    rows, exact = _zero_rows(X, y, coef, tol)
    return exact and np.linalg.matrix_rank(X[rows]) == X.shape[1]


def rank_intervals(X, y, coef, q, *, cutoff, qn, tol=1e-9):
    """Rank-inversion intervals for every coefficient, shape ``(p, 2)``.

    Parameters
    ----------
    X : ndarray of shape (n, p)
        The design (intercept column included, rows already weighted).
    y : ndarray of shape (n,)
        The response (weighted as ``X``).
    coef : ndarray of shape (p,)
        The fit at quantile ``q``: a vertex, ``p`` rows fitted exactly.
    q : float
        The quantile.
    cutoff : float
        The critical value of ``|T|``.
    qn : ndarray of shape (p,)
        The statistic's scale per coefficient.
    tol : float, default=1e-9
        Relative tolerance for a residual at zero.

    Returns
    -------
    ndarray of shape (p, 2)
        Lower and upper ends (``-inf`` / ``inf`` where the test never rejects).
    """
    n, p = X.shape
    zero_rows, _ = _zero_rows(X, y, coef, tol)
    out = np.empty((p, 2))
    denom = np.sqrt(qn * q * (1.0 - q))
    for j in range(p):
        Z = np.delete(X, j, axis=1)
        for side, sgn in ((1, 1.0), (0, -1.0)):
            x = sgn * X[:, j]
            b0 = sgn * coef[j]
            basis, a = _start(Z, y, x, b0, zero_rows, q)
            walk = steps(Z, y, x, b0, basis, a, q, denom[j], tol)
            out[j, side] = sgn * _end(walk, b0, cutoff)
    return out

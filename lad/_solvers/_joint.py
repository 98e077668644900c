"""Several quantiles fitted together, not crossing at the training rows.

The joint linear program of Bondell, Reich and Wang (2010): the sum over the
quantiles ``q_1 < ... < q_K`` of each one's LADRegressor objective, subject to
``x_i'w_{k+1} + b_{k+1} >= x_i'w_k + b_k`` at every training row. Variables per
quantile: ``w = w+ - w-`` (``0 <= w+ <= max(u, 0)``, ``0 <= w- <= max(-l, 0)``,
which the bounds' containing 0 makes exact), a free intercept and the residuals'
positive and negative parts. HiGHS's dual simplex solves it to a vertex; the
certificate is built here from its duals: the reduced costs are recomputed from
the constraint matrix, every sign and bound condition is checked, and the gap is
the primal objective minus the dual objective of that point.
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


@dataclass
class JointFit:
    """Coefficients ``(K, p)``, intercepts ``(K,)`` and the joint certificate."""

    coef: np.ndarray
    intercept: np.ndarray
    objective: float
    per_quantile: np.ndarray
    dual_gap: float
    kkt: float
    n_iter: int


def _blocks(X, K, p, n, fit_intercept):
    """Equality and non-crossing blocks of the joint constraint matrix."""
    X = sp.csr_matrix(X)
    one = sp.csr_matrix(np.ones((n, 1)) if fit_intercept else np.zeros((n, 0)))
    eye = sp.identity(n, format="csr")
    # One quantile's columns: [w+, w-, b, u, v]; the fitted values are F @ those.
    F = sp.hstack([X, -X, one, sp.csr_matrix((n, 2 * n))], format="csr")
    E = sp.hstack([X, -X, one, eye, -eye], format="csr")
    A_eq = sp.block_diag([E] * K, format="csr")
    rows = []
    zero = sp.csr_matrix(F.shape)
    for k in range(K - 1):
        row = [zero] * K
        row[k], row[k + 1] = F, -F  # fit_k - fit_{k+1} <= 0
        rows.append(sp.hstack(row, format="csr"))
    A_ub = sp.vstack(rows, format="csr") if rows else None
    return A_eq, A_ub


def solve_joint(X, y, w, quantiles, alpha, factors, lower, upper, *, fit_intercept):
    """The non-crossing joint fit; ``quantiles`` sorted, weights summing to ``n``.

    Returns a :class:`JointFit` with the rows in the order of ``quantiles``.
    """
    from scipy.optimize import linprog

    n, p = X.shape
    K = len(quantiles)
    m = 2 * p + int(fit_intercept) + 2 * n
    cost = np.empty(K * m)
    lo = np.zeros(K * m)
    hi = np.full(K * m, np.inf)
    for k, q in enumerate(quantiles):
        s = k * m
        pen = alpha * factors
        cost[s : s + 2 * p] = np.r_[pen, pen]
        hi[s : s + p] = np.maximum(upper, 0.0)
        hi[s + p : s + 2 * p] = np.maximum(-lower, 0.0)
        t = s + 2 * p
        if fit_intercept:
            cost[t], lo[t] = 0.0, -np.inf
            t += 1
        cost[t : t + n] = 2.0 * q * w / n
        cost[t + n : t + 2 * n] = 2.0 * (1.0 - q) * w / n
    A_eq, A_ub = _blocks(X, K, p, n, fit_intercept)
    b_eq = np.tile(y, K)
    b_ub = None if A_ub is None else np.zeros(A_ub.shape[0])
    res = linprog(cost, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq,
                  bounds=np.column_stack([lo, hi]), method="highs-ds")  # fmt: skip
    if res.status != 0:
        raise RuntimeError(f"The joint linear program failed: {res.message}")
    z = res.x
    lam = res.eqlin.marginals
    mu = np.minimum(res.ineqlin.marginals, 0.0) if A_ub is not None else np.zeros(0)
    # The certificate: reduced costs from the matrix, not from the solver.
    red = cost - A_eq.T @ lam
    if A_ub is not None:
        red -= A_ub.T @ mu
    pos, neg = np.maximum(red, 0.0), np.minimum(red, 0.0)
    infeasible = np.r_[pos[np.isinf(lo)], -neg[np.isinf(hi)]]
    kkt = float(infeasible.max(initial=0.0))
    with np.errstate(invalid="ignore"):
        bound_part = (
            np.where(np.isfinite(lo), lo * pos, 0.0).sum()
            + np.where(np.isfinite(hi), hi * neg, 0.0).sum()
        )
    dual = float(b_eq @ lam + (0.0 if b_ub is None else b_ub @ mu) + bound_part)
    coef = np.empty((K, p))
    intercept = np.zeros(K)
    per = np.empty(K)
    for k, q in enumerate(quantiles):
        s = k * m
        coef[k] = z[s : s + p] - z[s + p : s + 2 * p]
        if fit_intercept:
            intercept[k] = z[s + 2 * p]
        r = y - X @ coef[k] - intercept[k]
        loss = 2.0 * np.sum(w * np.where(r > 0, q * r, (q - 1.0) * r)) / n
        per[k] = loss + alpha * float(np.sum(factors * np.abs(coef[k])))
    primal = float(per.sum())
    return JointFit(coef, intercept, primal, per, max(primal - dual, 0.0), kkt,
                    int(getattr(res, "nit", 0)))  # fmt: skip

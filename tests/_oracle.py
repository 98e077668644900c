"""An independent oracle for the Lasso objective, KKT conditions and alpha_max.

Written for the tests alone: nothing here calls ``lad``, so these helpers can catch
mistakes that the library's own diagnostics would repeat.
"""

import warnings

import numpy as np
import scipy.sparse as sp


def make_problem(n_samples, n_features, *, seed=0, density=None, offset=0.0):
    """Gaussian X in general position (optionally sparse), y with 5 true features."""
    rng = np.random.default_rng(seed)
    if density is None:
        X = rng.standard_normal((n_samples, n_features)) + offset
    else:
        X = sp.random(
            n_samples, n_features, density=density, format="csc", random_state=seed,
            data_rvs=rng.standard_normal,
        )  # fmt: skip
        if offset:
            X.data += offset
    w = np.zeros(n_features)
    k = min(5, n_features)
    w[:k] = rng.uniform(1, 2, k) * rng.choice([-1, 1], k)
    y = X @ w + 0.5 * rng.standard_normal(n_samples) + 3.0
    return X, np.asarray(y).ravel()


def lasso_objective(X, y, coef, intercept, alpha, sample_weight=None):
    """(1/2W) sum sw (y - Xw - b)^2 + alpha ||w||_1, computed in float64."""
    X = X.astype(np.float64) if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    coef = np.asarray(coef, dtype=np.float64)
    sw = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, float)
    r = np.asarray(y, dtype=np.float64) - X @ coef - float(intercept)
    return 0.5 * np.sum(sw * r**2) / sw.sum() + alpha * np.abs(coef).sum()


def lasso_kkt(X, y, coef, intercept, alpha, *, sample_weight=None,
              fit_intercept=True, positive=False):  # fmt: skip
    """Largest violation of the Lasso optimality conditions (subgradient units)."""
    X = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    coef = np.asarray(coef, dtype=np.float64)
    sw = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, float)
    r = y - X @ coef - intercept
    c = X.T @ (sw * r) / sw.sum()
    worst = 0.0
    for j, wj in enumerate(coef):
        if wj > 0:
            v = abs(c[j] - alpha)
        elif wj < 0:
            v = np.inf if positive else abs(c[j] + alpha)
        else:
            v = max(c[j] - alpha, 0.0) if positive else max(abs(c[j]) - alpha, 0.0)
        worst = max(worst, v)
    if fit_intercept:
        worst = max(worst, abs(np.sum(sw * r)) / sw.sum())
    return worst


def lasso_alpha_max(X, y, sample_weight=None, fit_intercept=True, positive=False):
    """Smallest alpha with an all-zero solution, from the centred weighted data."""
    X = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    sw = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, float)
    if fit_intercept:
        X = X - sw @ X / sw.sum()
        y = y - sw @ y / sw.sum()
    g = X.T @ (sw * y) / sw.sum()
    return max(g.max(), 0.0) if positive else np.abs(g).max()


def lad_objective(X, y, coef, intercept, alpha, tau=0.5, sample_weight=None):
    """(1/W) sum sw 2 rho_tau(y - Xw - b) + alpha ||w||_1, in float64."""
    X = X.astype(np.float64) if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    sw = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, float)
    r = np.asarray(y, float) - X @ np.asarray(coef, float) - float(intercept)
    loss = np.where(r >= 0, tau * r, (tau - 1) * r)
    return 2 * float(sw @ loss) / sw.sum() + alpha * np.abs(coef).sum()


def lad_linprog(X, y, alpha, tau=0.5, sample_weight=None, fit_intercept=True):
    """Exact optimum of the LAD / quantile objective from the primal LP (HiGHS).

    Variables (w+, w-, b, r+, r-) >= 0 except b free: minimise
    alpha 1'(w+ + w-) + (2/W) sw'(tau r+ + (1 - tau) r-)
    subject to X(w+ - w-) + b + r+ - r- = y.
    """
    from scipy.optimize import linprog

    X = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    n, p = X.shape
    sw = np.ones(n) if sample_weight is None else np.asarray(sample_weight, float)
    W = sw.sum()
    c = np.r_[alpha * np.ones(2 * p), 0.0, 2 * tau * sw / W, 2 * (1 - tau) * sw / W]
    ones = np.ones((n, 1)) if fit_intercept else np.zeros((n, 1))
    A = sp.hstack([sp.csr_matrix(X), sp.csr_matrix(-X), sp.csr_matrix(ones),
                   sp.eye(n), -sp.eye(n)]).tocsc()  # fmt: skip
    bounds = [(0, None)] * (2 * p) + [(None, None)] + [(0, None)] * (2 * n)
    res = linprog(c, A_eq=A, b_eq=y, bounds=bounds, method="highs")
    assert res.status == 0, res.message
    coef = res.x[:p] - res.x[p : 2 * p]
    return res.fun, coef, res.x[2 * p]


def lad_vertex_optimum(X, y, alpha, tau=0.5, sample_weight=None, fit_intercept=True):
    """Exact LAD / quantile optimum by enumerating every vertex (tiny problems only).

    The objective is piecewise linear and bounded below, so some optimum is a vertex:
    K = p + (intercept) terms at a kink, each term a row fitted exactly (``r_i = 0``)
    or, when ``alpha > 0``, a coefficient at zero. Every K-subset of terms with a
    non-singular system is solved and the best objective kept. No tolerance is
    involved, so the answer does not depend on the scale of the weights (HiGHS's
    absolute tolerances do). Returns ``(objective, coef, intercept)``.
    """
    from itertools import combinations

    X = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    n, p = X.shape
    sw = np.ones(n) if sample_weight is None else np.asarray(sample_weight, float)
    fi = int(fit_intercept)
    K = p + fi
    rows = [np.r_[[1.0] * fi, X[i]] for i in range(n) if sw[i] > 0]
    targets = [y[i] for i in range(n) if sw[i] > 0]
    if alpha > 0:
        for j in range(p):
            e = np.zeros(K)
            e[fi + j] = 1.0
            rows.append(e)
            targets.append(0.0)
    rows, targets = np.array(rows), np.array(targets)
    best = (np.inf, None, None)
    for subset in combinations(range(len(rows)), K):
        M = rows[list(subset)]
        if abs(np.linalg.det(M)) < 1e-12 * max(1.0, np.abs(M).max()) ** K:
            continue
        beta = np.linalg.solve(M, targets[list(subset)])
        b = beta[0] if fi else 0.0
        coef = beta[fi:]
        f = lad_objective(X, y, coef, b, alpha, tau, sw)
        if f < best[0]:
            best = (f, coef, b)
    return best


def bounded_enet_reference(X, y, alpha, l1_ratio, pf, lo, hi):
    """The bounded elastic net by L-BFGS-B on w = w+ - w- (intercept free)."""
    from scipy.optimize import minimize

    n, p = X.shape
    Xc, yc = X - X.mean(0), y - y.mean()
    l1 = alpha * l1_ratio * pf
    l2 = alpha * (1 - l1_ratio) * pf

    def fun(z):
        w = z[:p] - z[p:]
        r = yc - Xc @ w
        val = 0.5 * r @ r / n + l1 @ (z[:p] + z[p:]) + 0.5 * l2 @ (w * w)
        gw = -Xc.T @ r / n + l2 * w
        return val, np.concatenate([gw + l1, -gw + l1])

    bounds = [(0, max(h, 0)) for h in hi] + [(0, max(-lo_j, 0)) for lo_j in lo]
    opts = {"ftol": 1e-15, "gtol": 1e-13, "maxiter": 50_000}
    z = minimize(fun, np.zeros(2 * p), jac=True, method="L-BFGS-B", bounds=bounds,
                 options=opts).x  # fmt: skip
    w = z[:p] - z[p:]
    return w, float(y.mean() - X.mean(0) @ w)


def lad_lp_penalised(X, y, l1, lo, hi, tau, sample_weight=None):
    """min (1/W) sum sw 2 rho_tau(r) + l1'|w| s.t. lo <= w <= hi, by HiGHS.

    Returns ``(coef, intercept, objective)``.
    """
    from scipy.optimize import linprog

    X = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    n, p = X.shape
    sw = np.ones(n) if sample_weight is None else np.asarray(sample_weight, float)
    W = sw.sum()
    # Variables: w+ (p), w- (p), b (1), r+ (n), r- (n).
    c = np.concatenate([l1, l1, [0.0], 2 * tau * sw / W, 2 * (1 - tau) * sw / W])
    A = sp.hstack([sp.csr_matrix(X), sp.csr_matrix(-X), sp.csr_matrix(np.ones((n, 1))),
                   sp.eye(n), -sp.eye(n)]).tocsc()  # fmt: skip
    bounds = ([(0, max(h, 0)) for h in hi] + [(0, max(-v, 0)) for v in lo]
              + [(None, None)] + [(0, None)] * (2 * n))  # fmt: skip
    res = linprog(c, A_eq=A, b_eq=y, bounds=bounds, method="highs")
    assert res.status == 0, res.message
    return res.x[:p] - res.x[p : 2 * p], float(res.x[2 * p]), float(res.fun)


def absolute_enet_reference(X, y, alpha, l1_ratio, tau, pf, lo, hi, sample_weight):
    """The absolute loss with the elastic-net penalty and bounds, by cvxpy's CLARABEL.

    Returns ``(coef, intercept)``, clipped into the bounds (an interior point meets
    them to its tolerance only), or None when CLARABEL reports anything but
    "optimal".
    """
    import cvxpy as cp

    X = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    n, p = X.shape
    sw = np.ones(n) if sample_weight is None else np.asarray(sample_weight, float)
    w, b = cp.Variable(p), cp.Variable()
    r = y - X @ w - b
    loss = cp.sum(cp.multiply(sw, 2 * (tau * cp.pos(r) + (1 - tau) * cp.neg(r))))
    pen = cp.sum(cp.multiply(pf, l1_ratio * cp.abs(w)
                             + (1 - l1_ratio) / 2 * cp.square(w)))  # fmt: skip
    cons = []
    for side, bound in ((1, hi), (-1, lo)):
        k = np.flatnonzero(np.isfinite(bound))
        if k.size:
            cons.append(side * w[k] <= side * bound[k])
    prob = cp.Problem(cp.Minimize(loss / sw.sum() + alpha * pen), cons)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "may be inaccurate": checked
        prob.solve(solver="CLARABEL", tol_gap_abs=1e-12, tol_gap_rel=1e-12,
                   tol_feas=1e-12)  # fmt: skip
    if prob.status != "optimal":
        return None  # degenerate problems defeat the reference itself
    return np.clip(w.value, lo, hi), float(b.value)

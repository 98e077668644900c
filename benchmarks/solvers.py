"""The Python solvers (lad and its anchors), each solving lad's exact problem.

Every solver is a :class:`Solver` whose ``fit(tol)`` returns a normalised output:

- ``"fit"``: ``(coef, intercept)``
- ``"path"``: ``(coefs of shape (p, n_alphas), intercepts)``
- ``"cv"`` / ``"grid"``: ``(selected alpha in lad's scaling, coef, intercept)``

Scalings: sklearn, skglm, celer and glmnet share lad's Lasso alpha (and, for the
elastic net, sklearn's ``alpha (l1_ratio ||w||_1 + (1 - l1_ratio) / 2 ||w||^2)``);
``QuantileRegressor`` minimises ``(1/n) sum rho_q + alpha ||w||_1``, i.e. half of
lad's LAD objective, so it gets ``alpha / 2``.
"""

import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from problems import CV

import lad

LADDER = (1e-4, 1e-6, 1e-8, 1e-10, 1e-12)
LAD_LADDER = (1e-9, 1e-12)  # LADRegressor is exact; tol is a relative gap target
MAX_ITER = 1_000_000


@dataclass
class Solver:
    name: str
    fit: object  # tol -> normalised output
    tols: tuple = LADDER
    anchor: bool = True
    exact: bool = False  # exact LP / simplex-type solver (LAD problems)
    jit: bool = False  # needs an in-process warm-up before forked timings
    fork: bool = True  # False: run in-process (no time cap), e.g. with n_jobs
    budget: bool = False  # runs to a time budget: reported, never a speed anchor


def _quiet(fn):
    def wrapped(*args):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(*args)

    return wrapped


def _est(model):
    return np.ravel(model.coef_).copy(), float(model.intercept_)


# --- the seeds' way: Adam on the L1 loss --------------------------------------------

# Seconds an Adam run may take (its best objective within them is reported).
ADAM_BUDGET = 30.0
ADAM_BATCH = 256
ADAM_LR = 1e-2


def _pinball(r, q):
    return float(np.mean(np.where(r >= 0, q * r, (q - 1.0) * r)))


def adam_l1(X, y, q=0.5, budget=ADAM_BUDGET, seed=0):
    """A linear model trained as the tutorials train it: ``torch.nn.L1Loss`` (the
    pinball loss for ``q != 0.5``), mini-batch Adam, float32, learning rate
    ``ADAM_LR`` divided by 10 whenever an epoch does not improve the full
    objective; stops at ``budget`` seconds and returns the best epoch's
    ``(coef, intercept, label)``. Without PyTorch a NumPy Adam with the same
    schedule stands in (the label says which)."""
    import time

    try:
        import torch
    except ImportError:
        torch = None
    rng = np.random.default_rng(seed)
    n, p = X.shape
    Xd = np.asarray(X.toarray() if sp.issparse(X) else X)
    t_end = time.perf_counter() + budget
    best = (np.inf, np.zeros(p), float(np.median(y)))
    lr = ADAM_LR
    if torch is not None:
        torch.set_num_threads(1)
        torch.manual_seed(seed)
        Xt = torch.from_numpy(Xd.astype(np.float32))
        yt = torch.from_numpy(np.asarray(y, dtype=np.float32))
        model = torch.nn.Linear(p, 1)
        opt = torch.optim.Adam(model.parameters(), lr=lr)

        def loss_fn(pred, target):
            r = target - pred
            if q == 0.5:
                return torch.nn.functional.l1_loss(pred, target)
            return torch.mean(torch.maximum(q * r, (q - 1.0) * r))

        while time.perf_counter() < t_end:
            for idx in np.array_split(rng.permutation(n), max(n // ADAM_BATCH, 1)):
                i = torch.from_numpy(idx)
                opt.zero_grad()
                loss_fn(model(Xt[i]).ravel(), yt[i]).backward()
                opt.step()
                if time.perf_counter() >= t_end:
                    break
            w = model.weight.detach().numpy().ravel().astype(np.float64)
            b = float(model.bias.detach().numpy()[0])
            f = _pinball(y - Xd @ w - b, q)
            if f < best[0]:
                best = (f, w, b)
            else:
                lr /= 10
                for g in opt.param_groups:
                    g["lr"] = lr
        return best[1], best[2], "torch"
    # NumPy stand-in: Adam (beta 0.9, 0.999) on the subgradient, same schedule.
    theta = np.zeros(p + 1)
    theta[-1] = best[2]
    m1 = np.zeros(p + 1)
    m2 = np.zeros(p + 1)
    t = 0
    Xf = Xd.astype(np.float32)
    while time.perf_counter() < t_end:
        for idx in np.array_split(rng.permutation(n), max(n // ADAM_BATCH, 1)):
            r = y[idx] - Xf[idx] @ theta[:p] - theta[p]
            s = np.where(r > 0, -q, 1.0 - q) / idx.size
            g = np.concatenate([Xf[idx].T @ s, [s.sum()]])
            t += 1
            m1 = 0.9 * m1 + 0.1 * g
            m2 = 0.999 * m2 + 0.001 * g * g
            theta -= lr * (m1 / (1 - 0.9**t)) / (np.sqrt(m2 / (1 - 0.999**t)) + 1e-8)
            if time.perf_counter() >= t_end:
                break
        f = _pinball(y - Xd @ theta[:p] - theta[p], q)
        if f < best[0]:
            best = (f, theta[:p].copy(), float(theta[p]))
        else:
            lr /= 10
    return best[1], best[2], "numpy"


def adam_solver(X, y, q):
    """The :func:`adam_l1` row of an unpenalised LAD problem (``ADAM_BUDGET`` s,
    which run.py lowers to half the per-fit cap)."""
    try:
        import torch  # noqa: F401

        name = "torch Adam on L1Loss (float32)"
    except ImportError:
        name = "NumPy Adam on L1 (stand-in: no torch)"

    def fit(tol):
        coef, b, _ = adam_l1(X, y, q, ADAM_BUDGET)
        return coef, b

    return Solver(name, fit, (None,), anchor=False, budget=True)


# --- exact LP references (scipy HiGHS) -----------------------------------------------


def lp_quantile(X, y, q=0.5):
    """Unpenalised quantile regression via the bounded dual LP (Koenker).

    ``max y'a  s.t.  X1'a = (1 - q) X1'1,  0 <= a <= 1`` with ``X1 = [1, X]``; the
    primal coefficients are minus the equality marginals of the minimisation.
    """
    from scipy.optimize import linprog

    n = X.shape[0]
    X1 = np.column_stack([np.ones(n), X])
    res = linprog(
        -y,
        A_eq=X1.T,
        b_eq=(1 - q) * X1.sum(axis=0),
        bounds=(0, 1),
        method="highs",
    )
    if res.status != 0:
        raise RuntimeError(res.message)
    beta = -res.eqlin.marginals
    return beta[1:].copy(), float(beta[0])


def lp_quantile_lasso(X, y, alpha, q=0.5):
    """LAD-Lasso primal LP: ``(2/n) sum (q u + (1-q) v) + alpha ||w||_1``."""
    from scipy.optimize import linprog

    n, p = X.shape
    one = np.ones((n, 1))
    Xs = sp.csr_matrix(X)
    eye = sp.identity(n, format="csr")
    A = sp.hstack([one, -one, Xs, -Xs, eye, -eye], format="csc")
    c = np.concatenate(
        [[0.0, 0.0], np.full(2 * p, alpha), np.full(n, 2 * q / n)]
        + [np.full(n, 2 * (1 - q) / n)]
    )
    res = linprog(c, A_eq=A, b_eq=y, bounds=(0, None), method="highs")
    if res.status != 0:
        raise RuntimeError(res.message)
    x = res.x
    return x[2 : 2 + p] - x[2 + p : 2 + 2 * p], float(x[0] - x[1])


# --- solvers per problem kind --------------------------------------------------------


def _center(X, y):
    """Centre for the intercept-free path solvers (exact for the squared loss)."""
    xm = np.asarray(X.mean(axis=0)).ravel()
    return X - xm, y - y.mean(), xm, y.mean()


def penalised_solvers(prob):
    """Elastic net and penalty factors: ``LassoL1`` against ``ElasticNet`` (sklearn,
    skglm, celer; all in lad's scaling) or skglm's ``WeightedL1`` (the same
    ``alpha * sum_j pf_j |w_j|``, zeros unpenalised; sklearn has no factors and
    celer's must be strictly positive)."""
    import skglm

    d = prob.data
    X, y, alpha = d["X"], d["y"], d["alpha"]
    l1_ratio, pf = d["l1_ratio"], d["penalty_factor"]

    def lad_fit(tol):
        m = lad.LassoL1(
            alpha, l1_ratio=l1_ratio, penalty_factor=pf, tol=tol, max_iter=MAX_ITER
        )
        return _est(m.fit(X, y))

    out = [Solver("lad LassoL1", _quiet(lad_fit), anchor=False, jit=True)]
    if pf is None:
        import celer
        from sklearn.linear_model import ElasticNet

        def sk_fit(tol):
            m = ElasticNet(alpha, l1_ratio=l1_ratio, tol=tol, max_iter=MAX_ITER)
            return _est(m.fit(X, y))

        def skglm_fit(tol):
            m = skglm.ElasticNet(alpha, l1_ratio=l1_ratio, tol=tol, max_iter=1000)
            return _est(m.fit(X, y))

        def celer_fit(tol):
            m = celer.ElasticNet(alpha, l1_ratio=l1_ratio, tol=tol, max_iter=1000)
            return _est(m.fit(X, y))

        return out + [
            Solver("sklearn ElasticNet", _quiet(sk_fit)),
            Solver("skglm ElasticNet", _quiet(skglm_fit), jit=True),
            Solver("celer ElasticNet", _quiet(celer_fit)),
        ]
    if l1_ratio != 1.0:
        raise NotImplementedError("penalty factors with an elastic net")
    from skglm.datafits import Quadratic
    from skglm.penalties import WeightedL1
    from skglm.solvers import AndersonCD

    def skglm_fit(tol):
        m = skglm.GeneralizedLinearEstimator(
            Quadratic(),
            WeightedL1(alpha, np.asarray(pf, dtype=np.float64)),
            AndersonCD(max_iter=1000, tol=tol, fit_intercept=True),
        )
        return _est(m.fit(X, y))

    return out + [Solver("skglm WeightedL1", _quiet(skglm_fit), jit=True)]


def fit_solvers(prob):
    X, y, alpha, q = prob.data["X"], prob.data["y"], prob.data["alpha"], prob.quantile
    if prob.loss == "squared" and (
        prob.l1_ratio != 1.0 or prob.data.get("penalty_factor") is not None
    ):
        return penalised_solvers(prob)
    if prob.loss == "squared":
        import celer
        import skglm
        from sklearn.linear_model import Lasso

        def lad_fit(tol):
            return _est(lad.LassoL1(alpha, tol=tol, max_iter=MAX_ITER).fit(X, y))

        def sk_fit(tol):
            return _est(Lasso(alpha, tol=tol, max_iter=MAX_ITER).fit(X, y))

        def skglm_fit(tol):
            m = skglm.Lasso(alpha, fit_intercept=True, tol=tol, max_iter=1000)
            return _est(m.fit(X, y))

        def celer_fit(tol):
            return _est(celer.Lasso(alpha, tol=tol, max_iter=1000).fit(X, y))

        return [
            Solver("lad LassoL1", _quiet(lad_fit), anchor=False, jit=True),
            Solver("sklearn Lasso", _quiet(sk_fit)),
            Solver("skglm Lasso", _quiet(skglm_fit), jit=True),
            Solver("celer Lasso", _quiet(celer_fit)),
        ]

    from sklearn.linear_model import QuantileRegressor

    def lad_fit(tol):
        return _est(lad.LADRegressor(alpha, quantile=q, tol=tol).fit(X, y))

    def qr_fit(tol):
        m = QuantileRegressor(quantile=q, alpha=alpha / 2, solver="highs")
        return _est(m.fit(X, y))

    out = [
        Solver("lad LADRegressor", _quiet(lad_fit), LAD_LADDER, False, True, True),
        Solver("sklearn QuantileRegressor", _quiet(qr_fit), (None,), exact=True),
    ]
    if alpha == 0:
        import statsmodels.api as sm

        X1 = sm.add_constant(X, has_constant="add")

        def sm_fit(tol):
            r = sm.QuantReg(y, X1).fit(q=q, p_tol=tol, max_iter=100_000)
            return np.asarray(r.params[1:]).copy(), float(r.params[0])

        out.append(Solver("statsmodels QuantReg", _quiet(sm_fit), LADDER[:4]))
        out.append(adam_solver(X, y, q))
        out.append(
            Solver(
                "scipy linprog dual LP",
                lambda tol: lp_quantile(X, y, q),
                (None,),
                exact=True,
            )
        )
    else:
        out.append(
            Solver(
                "scipy linprog primal LP",
                lambda tol: lp_quantile_lasso(X, y, alpha, q),
                (None,),
                exact=True,
            )
        )
    return out


def path_solvers(prob):
    from celer import celer_path
    from sklearn.linear_model import lasso_path

    X, y, alphas = prob.data["X"], prob.data["y"], prob.data["alphas"]

    def lad_fit(tol):
        path = lad.lasso_path(X, y, alphas=alphas, tol=tol, max_iter=MAX_ITER)
        return np.asarray(path.coefs), np.asarray(path.intercepts)

    def centred(solve):
        def fit(tol):
            Xc, yc, xm, ym = _center(X, y)
            coefs = solve(Xc, yc, tol)
            return coefs, ym - xm @ coefs

        return fit

    def sk(Xc, yc, tol):
        return lasso_path(Xc, yc, alphas=alphas, tol=tol, max_iter=MAX_ITER)[1]

    def cel(Xc, yc, tol):
        return celer_path(Xc, yc, "lasso", alphas=alphas, tol=tol)[1]

    return [
        Solver("lad lasso_path", _quiet(lad_fit), anchor=False, jit=True),
        Solver("sklearn lasso_path", _quiet(centred(sk))),
        Solver("celer celer_path", _quiet(centred(cel))),
    ]


def cv_solvers(prob):
    from sklearn.linear_model import LassoCV

    X, y, alphas = prob.data["X"], prob.data["y"], prob.data["alphas"]
    if prob.loss == "absolute":
        return lad_cv_solvers(prob)

    def lad_fit(tol):
        m = lad.LassoL1CV(alphas=alphas, cv=CV, tol=tol, max_iter=MAX_ITER).fit(X, y)
        return (float(m.alpha_),) + _est(m)

    def sk_fit(tol):
        m = LassoCV(alphas=alphas, cv=CV, tol=tol, max_iter=MAX_ITER).fit(X, y)
        return (float(m.alpha_),) + _est(m)

    return [
        Solver("lad LassoL1CV", _quiet(lad_fit), anchor=False, jit=True),
        Solver("sklearn LassoCV", _quiet(sk_fit)),
    ]


def lad_cv_solvers(prob):
    """LADRegressorCV against GridSearchCV(QuantileRegressor), same grid and folds,
    both in one process (the error of a fold: the mean pinball loss)."""
    from sklearn.linear_model import QuantileRegressor
    from sklearn.metrics import make_scorer, mean_pinball_loss
    from sklearn.model_selection import GridSearchCV

    X, y, alphas, q = prob.data["X"], prob.data["y"], prob.data["alphas"], prob.quantile

    def lad_fit(tol):
        m = lad.LADRegressorCV(alphas=alphas, quantile=q, cv=CV, tol=tol).fit(X, y)
        return (float(m.alpha_),) + _est(m)

    def qr_fit(tol):
        est = QuantileRegressor(quantile=q, solver="highs")
        score = make_scorer(mean_pinball_loss, alpha=q, greater_is_better=False)
        gs = GridSearchCV(est, {"alpha": list(alphas / 2)}, cv=CV, scoring=score)
        gs.fit(X, y)
        return (float(gs.best_params_["alpha"]) * 2,) + _est(gs.best_estimator_)

    return [
        Solver("lad LADRegressorCV", _quiet(lad_fit), LAD_LADDER, False, jit=True),
        Solver(
            "sklearn GridSearchCV(QuantileRegressor)",
            _quiet(qr_fit),
            (None,),
            exact=True,
        ),  # fmt: skip
    ]


def grid_solvers(prob):
    from sklearn.linear_model import Lasso, QuantileRegressor
    from sklearn.model_selection import GridSearchCV

    X, y, alphas = prob.data["X"], prob.data["y"], prob.data["alphas"]

    def search(est, grid, scale, scoring):
        gs = GridSearchCV(est, {"alpha": list(grid)}, cv=CV, n_jobs=2, scoring=scoring)
        gs.fit(X, y)
        best = gs.best_estimator_
        return (float(gs.best_params_["alpha"]) * scale,) + _est(best)

    if prob.loss == "squared":
        mse = "neg_mean_squared_error"

        def lad_fit(tol):
            return search(lad.LassoL1(tol=tol, max_iter=MAX_ITER), alphas, 1, mse)

        def sk_fit(tol):
            return search(Lasso(tol=tol, max_iter=MAX_ITER), alphas, 1, mse)

        return [
            Solver("lad LassoL1 grid", _quiet(lad_fit), anchor=False, fork=False),
            Solver("sklearn Lasso grid", _quiet(sk_fit), fork=False),
        ]
    mae = "neg_mean_absolute_error"

    def lad_fit(tol):
        return search(lad.LADRegressor(tol=tol), alphas, 1, mae)

    def qr_fit(tol):
        est = QuantileRegressor(quantile=prob.quantile, solver="highs")
        return search(est, alphas / 2, 2, mae)

    return [
        Solver("lad LADRegressor grid", _quiet(lad_fit), LAD_LADDER, False, fork=False),
        Solver(
            "sklearn QuantileRegressor grid",
            _quiet(qr_fit),
            (None,),
            exact=True,
            fork=False,
        ),
    ]


def python_solvers(prob):
    return {
        "fit": fit_solvers,
        "path": path_solvers,
        "cv": cv_solvers,
        "grid": grid_solvers,
    }[prob.kind](prob)

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


def _quiet(fn):
    def wrapped(*args):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(*args)

    return wrapped


def _est(model):
    return np.ravel(model.coef_).copy(), float(model.intercept_)


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

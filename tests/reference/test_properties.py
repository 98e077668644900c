"""Property tests over random problems: LADRegressor against the exact LP optimum
(HiGHS, and vertex enumeration where HiGHS's tolerances cannot be trusted), LassoL1
against scikit-learn's Lasso. Shapes, quantiles, alphas in [0, 2 alpha_max],
weights (with zeros and wide ratios), ties, duplicated columns and sparse X."""

import warnings
from math import comb

import numpy as np
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lasso

from lad import LADRegressor, LassoL1, alpha_max
from tests._oracle import (
    lad_linprog,
    lad_objective,
    lad_vertex_optimum,
    lasso_objective,
)


@st.composite
def problems(draw, max_n=30, max_p=6):
    seed = draw(st.integers(0, 2**31 - 1))
    n = draw(st.integers(2, max_n))
    p = draw(st.integers(1, max_p))
    kind = draw(st.sampled_from(["gauss", "ties", "sparse", "duplicate", "constant"]))
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X @ rng.standard_normal(p) + rng.standard_t(2, n)
    if kind == "ties":
        X, y = np.round(X), np.round(y)
    elif kind == "sparse":
        X[rng.random((n, p)) < 0.6] = 0.0
    elif kind == "duplicate" and p > 1:
        X[:, -1] = X[:, 0]
    elif kind == "constant":
        X[:, 0] = 2.0
    weights = draw(st.sampled_from(["none", "uniform", "zeros", "wide"]))
    sw = None
    if weights == "uniform":
        sw = rng.uniform(0.1, 3.0, n)
    elif weights == "zeros":
        sw = rng.uniform(0.1, 3.0, n) * (rng.random(n) < 0.7)
        if not sw.sum() > 0:
            sw[0] = 1.0
    elif weights == "wide":
        sw = 10.0 ** rng.uniform(-6, 6, n)
    layout = draw(st.sampled_from(["dense", "csr", "csc"]))
    A = X if layout == "dense" else getattr(sp, f"{layout}_matrix")(X)
    return X, A, y, sw, weights


@given(problems(), st.sampled_from([0.5, 0.5, 0.1, 0.3, 0.9]),
       st.floats(0.0, 2.0), st.booleans())  # fmt: skip
def test_lad_reaches_the_exact_optimum(problem, tau, frac, fit_intercept):
    X, A, y, sw, weights = problem
    n, p = X.shape
    amax = alpha_max(A, y, loss="absolute", quantile=tau, sample_weight=sw,
                     fit_intercept=fit_intercept)  # fmt: skip
    alpha = frac * amax
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        m = LADRegressor(alpha=alpha, quantile=tau, fit_intercept=fit_intercept)
        m.fit(A, y, sample_weight=sw)
    swn = None if sw is None else sw * n / sw.sum()
    got = lad_objective(X, y, m.coef_, m.intercept_, alpha, tau, swn)
    scale = lad_objective(X, y, np.zeros(p), 0.0, 0.0, tau, swn) + 1e-300
    best = np.inf
    exact = False
    if weights != "wide":
        best = lad_linprog(X, y, alpha, tau, swn, fit_intercept)[0]
    K = p + int(fit_intercept)
    if comb(n + (p if alpha > 0 else 0), K) <= 3000:
        vertex = lad_vertex_optimum(X, y, alpha, tau, swn, fit_intercept)[0]
        exact = np.isfinite(vertex)
        best = min(best, vertex)
    if np.isfinite(best):
        # Never worse than the best known optimum, and the dual bound is honest.
        assert got <= best + 1e-9 * scale
        assert got - m.dual_gap_ <= best + 1e-12 * scale
        if exact:
            assert got >= best - 1e-12 * scale
    if alpha >= amax:
        assert np.all(m.coef_ == 0.0)
    if not caught:
        assert m.dual_gap_ <= m.tol * scale * 2 + 1e-15


@given(problems(max_n=40, max_p=8), st.floats(0.02, 2.0), st.booleans())
def test_lasso_matches_sklearn(problem, frac, fit_intercept):
    X, A, y, sw, weights = problem
    if weights == "wide":
        sw = None if sw is None else np.clip(sw, 1e-3, 1e3)
    amax = alpha_max(A, y, sample_weight=sw, fit_intercept=fit_intercept)
    if not amax > 0:
        return
    alpha = frac * amax
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        m = LassoL1(alpha=alpha, fit_intercept=fit_intercept, tol=1e-12,
                    max_iter=100_000).fit(A, y, sample_weight=sw)  # fmt: skip
        ref = Lasso(alpha=alpha, fit_intercept=fit_intercept, tol=1e-12,
                    max_iter=100_000).fit(X, y, sample_weight=sw)  # fmt: skip
    f = lasso_objective(X, y, m.coef_, m.intercept_, alpha, sw)
    f_ref = lasso_objective(X, y, ref.coef_, ref.intercept_, alpha, sw)
    assert f <= f_ref * (1 + 1e-7) + 1e-12
    if frac >= 1.0:
        assert np.all(m.coef_ == 0.0)


@st.composite
def penalties(draw, p):
    """Random factors (some 0), an l1_ratio and bounds that contain 0."""
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    pf = rng.choice([0.0, 0.5, 1.0, 2.0], size=p, p=[0.2, 0.2, 0.4, 0.2])
    lo = np.where(rng.random(p) < 0.3, -rng.uniform(0, 0.5, p), -np.inf)
    hi = np.where(rng.random(p) < 0.3, rng.uniform(0, 0.5, p), np.inf)
    lo[rng.random(p) < 0.15] = 0.0
    return pf, lo, hi


@given(problems(max_n=30, max_p=5), st.data(), st.sampled_from([0.5, 0.2, 0.8]),
       st.floats(0.0, 0.95), st.floats(0.05, 1.5))  # fmt: skip
def test_lad_elastic_net_with_factors_and_bounds_reaches_clarabels_optimum(
    problem, data, tau, l1_ratio, frac
):
    import pytest

    pytest.importorskip("cvxpy", reason="cvxpy (the test extra) is the QP reference")
    from lad.diagnostics import objective
    from tests._oracle import absolute_enet_reference

    X, A, y, sw, weights = problem
    if weights == "wide":
        return  # CLARABEL's tolerances are absolute: no reference at 1e12 ratios
    n, p = X.shape
    pf, lo, hi = data.draw(penalties(p))
    alpha = frac * max(float(np.max(np.abs(X.T @ (y - np.median(y))))) / n, 1e-3)
    kw = dict(
        alpha=alpha,
        loss="absolute",
        quantile=tau,
        l1_ratio=l1_ratio,
        penalty_factor=pf,
        lower_bounds=lo,
        upper_bounds=hi,
        sample_weight=sw,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        m = LADRegressor(
            alpha=alpha,
            quantile=tau,
            l1_ratio=l1_ratio,
            penalty_factor=pf,
            lower_bounds=lo,
            upper_bounds=hi,
        ).fit(A, y, sample_weight=sw)
    got = objective(X, y, m.coef_, m.intercept_, **kw)
    ref = absolute_enet_reference(X, y, alpha, l1_ratio, tau, pf, lo, hi, sw)
    if ref is None:
        return  # CLARABEL could not solve it: no reference to compare with
    best = objective(X, y, *ref, **kw)
    scale = objective(X, y, np.zeros(p), float(np.median(y)), **kw) + 1e-300
    # The certificate is honest, converged or not.
    assert got - m.dual_gap_ <= best + 1e-9 * scale
    if not caught:
        # Without a ConvergenceWarning: the optimum, to the tolerance. (A tiny
        # degenerate problem can stall the interior point; it then warns with
        # its true gap, which the line above checks.)
        assert got <= best + 1e-8 * scale
        assert m.dual_gap_ <= m.tol * scale * 2 + 1e-15

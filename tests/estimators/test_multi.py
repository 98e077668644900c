"""MultiQuantileRegressor: each quantile exact, rearranged, and the joint LP.

References: HiGHS (tests/_oracle.py) for each quantile's LP, R's quantreg for
Engel's published fits, and cvxpy (CLARABEL) for the joint problem of Bondell,
Reich and Wang (2010).
"""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.metrics import d2_pinball_score
from sklearn.model_selection import GridSearchCV, cross_val_score

from lad import LADRegressor, MultiQuantileRegressor
from lad.diagnostics import objective
from tests._oracle import lad_linprog
from tests.reference import _r


def _het(n, seed=0, p=2):
    rng = np.random.default_rng(seed)
    X = rng.uniform(0.0, 4.0, (n, p))
    y = 1 + X[:, 0] + (1 + 0.5 * X[:, 0]) * rng.standard_normal(n)
    return X, y


@pytest.mark.parametrize("case", ["plain", "weights", "penalty", "sparse"])
def test_each_quantile_is_the_exact_lp(case):
    rng = np.random.default_rng(1)
    X, y = _het(120, seed=1, p=4)
    w = rng.uniform(0.2, 3.0, 120) if case == "weights" else None
    alpha = 0.05 if case in ("penalty", "sparse") else 0.0
    if case == "sparse":
        X = sp.csr_matrix(X * (rng.random(X.shape) < 0.5))
    qs = [0.9, 0.1, 0.5, 0.25]
    model = MultiQuantileRegressor(qs, alpha=alpha).fit(X, y, sample_weight=w)
    assert model.coef_.shape == (4, 4) and model.intercept_.shape == (4,)
    np.testing.assert_array_equal(model.quantiles_, qs)
    for k, q in enumerate(qs):
        best, _, _ = lad_linprog(X, y, alpha, tau=q, sample_weight=w)
        got = objective(X, y, model.coef_[k], model.intercept_[k], alpha=alpha,
                        loss="absolute", quantile=q, sample_weight=w)  # fmt: skip
        assert got <= best * (1 + 1e-9) + 1e-12
        assert model.dual_gap_[k] <= 1e-9 * max(1.0, best)
        single = LADRegressor(alpha, quantile=q).fit(X, y, sample_weight=w)
        np.testing.assert_allclose(model.coef_[k], single.coef_, atol=1e-10)


def test_engel_published_quantile_fits():
    _r.require("quantreg")
    from lad.datasets import load_engel

    X, y = load_engel()
    taus = np.array([0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95])
    ref = _r.run(
        "library(quantreg); f <- rq(y ~ x, tau = taus);"
        " out <- list(b = as.numeric(coef(f)))",
        x=X[:, 0], y=y, taus=taus,
    )["b"].reshape(-1, 2)  # fmt: skip
    model = MultiQuantileRegressor(taus).fit(X, y)
    np.testing.assert_allclose(model.intercept_, ref[:, 0], rtol=1e-9)
    np.testing.assert_allclose(model.coef_[:, 0], ref[:, 1], rtol=1e-9)


def test_rearranged_predictions_are_sorted_everywhere():
    X, y = _het(80, seed=2)
    qs = [0.5, 0.05, 0.95, 0.3]
    raw = MultiQuantileRegressor(qs).fit(X, y)
    sorted_ = MultiQuantileRegressor(qs, non_crossing="rearrange").fit(X, y)
    np.testing.assert_array_equal(sorted_.coef_, raw.coef_)
    grid = np.random.default_rng(0).uniform(-100, 100, (500, 2))  # far outside
    P_raw, P = raw.predict(grid), sorted_.predict(grid)
    order = np.argsort(qs)
    assert np.any(np.diff(P_raw[:, order], axis=1) < 0)  # the raw fits do cross
    assert np.all(np.diff(P[:, order], axis=1) >= 0)
    np.testing.assert_array_equal(P[:, order], np.sort(P_raw, axis=1))


def _joint_reference(X, y, qs, alpha=0.0):
    import cvxpy as cp

    n, p = X.shape
    W = cp.Variable((len(qs), p))
    b = cp.Variable(len(qs))
    total = 0
    for k, q in enumerate(qs):
        r = y - X @ W[k] - b[k]
        total += 2 * cp.sum(cp.maximum(q * r, (q - 1) * r)) / n + alpha * cp.norm1(W[k])
    fits = [X @ W[k] + b[k] for k in range(len(qs))]
    cons = [fits[k + 1] >= fits[k] for k in range(len(qs) - 1)]
    prob = cp.Problem(cp.Minimize(total), cons)
    prob.solve(solver=cp.CLARABEL, tol_gap_abs=1e-11, tol_gap_rel=1e-11,
               tol_feas=1e-11)  # fmt: skip
    return prob.value


@pytest.mark.parametrize("alpha", [0.0, 0.02])
def test_constrained_fit_is_the_joint_optimum_where_independent_fits_cross(alpha):
    X, y = _het(60, seed=5, p=3)
    qs = [0.2, 0.25, 0.3]  # close quantiles on few rows: independent fits cross
    free = MultiQuantileRegressor(qs, alpha=alpha).fit(X, y)
    assert np.any(np.diff(free.predict(X), axis=1) < -1e-6)
    joint = MultiQuantileRegressor(qs, alpha=alpha, non_crossing="constrain").fit(X, y)
    P = joint.predict(X)
    assert np.all(np.diff(P, axis=1) >= -1e-9)
    ours = sum(
        objective(X, y, joint.coef_[k], joint.intercept_[k], alpha=alpha,
                  loss="absolute", quantile=q)
        for k, q in enumerate(qs)
    )  # fmt: skip
    ref = _joint_reference(X, y, qs, alpha)
    assert ours == pytest.approx(ref, rel=1e-7)
    assert joint.dual_gap_[0] <= 1e-9 * ours
    # The constraint costs something: the joint objective exceeds the free sum.
    free_total = sum(
        objective(X, y, free.coef_[k], free.intercept_[k], alpha=alpha,
                  loss="absolute", quantile=q)
        for k, q in enumerate(qs)
    )  # fmt: skip
    assert ours > free_total
    reports = joint.sparsity_report()
    assert len(reports) == 3 and all(r.converged for r in reports)


def test_constrained_order_follows_the_given_quantiles():
    X, y = _het(60, seed=5, p=3)
    a = MultiQuantileRegressor([0.2, 0.25, 0.3], non_crossing="constrain").fit(X, y)
    b = MultiQuantileRegressor([0.3, 0.2, 0.25], non_crossing="constrain").fit(X, y)
    np.testing.assert_allclose(b.coef_, a.coef_[[2, 0, 1]], atol=1e-9)


def test_weighted_and_repeated_fits_reach_the_same_objective():
    # The reason for the expected failures of sklearn's sample-weight checks: the
    # two fits may stop at different optimal vertices, never at different optima.
    rng = np.random.default_rng(0)
    X = rng.integers(0, 5, (15, 2)).astype(float)
    y = rng.integers(0, 5, 15).astype(float)
    w = rng.integers(0, 3, 15).astype(float)
    Xr, yr = np.repeat(X, w.astype(int), axis=0), np.repeat(y, w.astype(int))
    a = MultiQuantileRegressor().fit(X, y, sample_weight=w)
    b = MultiQuantileRegressor().fit(Xr, yr)
    for k, q in enumerate(a.quantiles_):
        fa = objective(Xr, yr, a.coef_[k], a.intercept_[k], alpha=0.0,
                       loss="absolute", quantile=q)  # fmt: skip
        fb = objective(Xr, yr, b.coef_[k], b.intercept_[k], alpha=0.0,
                       loss="absolute", quantile=q)  # fmt: skip
        assert fa == pytest.approx(fb, rel=1e-12, abs=1e-12)


def test_score_is_the_mean_pinball_skill_and_searches_work():
    X, y = _het(150, seed=3)
    model = MultiQuantileRegressor([0.1, 0.9]).fit(X, y)
    P = model.predict(X)
    want = np.mean([d2_pinball_score(y, P[:, k], alpha=q)
                    for k, q in enumerate([0.1, 0.9])])  # fmt: skip
    assert model.score(X, y) == pytest.approx(want)
    search = GridSearchCV(MultiQuantileRegressor([0.1, 0.9]),
                          {"alpha": [0.0, 0.01, 1.0]}, cv=3).fit(X, y)  # fmt: skip
    assert search.best_params_["alpha"] in (0.0, 0.01)
    assert cross_val_score(MultiQuantileRegressor(), X, y, cv=3).shape == (3,)


def test_summary_is_each_quantiles_table():
    X, y = _het(200, seed=4)
    model = MultiQuantileRegressor([0.25, 0.75]).fit(X, y)
    tables = model.summary(X, y, se="iid")
    for table, q in zip(tables, [0.25, 0.75], strict=True):
        single = LADRegressor(quantile=q).fit(X, y).summary(X, y, se="iid")
        np.testing.assert_allclose(table.std_err, single.std_err)
        assert table.quantile == q
    joint = MultiQuantileRegressor([0.25, 0.75], non_crossing="constrain").fit(X, y)
    with pytest.raises(ValueError, match="joint problem"):
        joint.summary(X, y)


@pytest.mark.parametrize(
    ("quantiles", "match"),
    [([], "empty"), ([0.5, 1.0], r"in \(0, 1\)"), ([0.0], r"in \(0, 1\)"),
     ([0.5, np.nan], r"in \(0, 1\)"), ([0.3, 0.3], "distinct"), (["a"], "numbers")],
)  # fmt: skip
def test_bad_quantiles_are_refused(quantiles, match):
    X, y = _het(30)
    with pytest.raises(ValueError, match=match):
        MultiQuantileRegressor(quantiles).fit(X, y)


def test_bad_options_are_refused():
    X, y = _het(30)
    with pytest.raises(ValueError, match="non_crossing"):
        MultiQuantileRegressor(non_crossing="sort").fit(X, y)
    with pytest.raises(ValueError, match="l1_ratio=1"):
        MultiQuantileRegressor(alpha=0.1, l1_ratio=0.5, non_crossing="constrain").fit(
            X, y
        )
    with pytest.raises(ValueError, match="penalty_factor"):
        MultiQuantileRegressor(penalty_factor=[1.0]).fit(X, y)

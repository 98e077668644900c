"""lad.diagnostics against brute-force computations and weak duality."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import Lasso

from lad.diagnostics import certify, duality_gap, kkt_violation, objective, support
from tests._oracle import lasso_kkt, lasso_objective, make_problem


def test_objective_matches_the_oracle():
    X, y = make_problem(30, 6, seed=0)
    coef = np.random.default_rng(0).normal(size=6)
    sw = np.random.default_rng(1).uniform(0.1, 2, 30)
    for weights in (None, sw):
        assert objective(X, y, coef, 0.7, alpha=0.3, sample_weight=weights) == (
            pytest.approx(lasso_objective(X, y, coef, 0.7, 0.3, weights), rel=1e-14)
        )
    assert objective(sp.csr_matrix(X), y, coef, 0.7, alpha=0.3) == pytest.approx(
        lasso_objective(X, y, coef, 0.7, 0.3)
    )


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("positive", [True, False])
def test_gap_is_nonnegative_for_any_candidate(fit_intercept, positive):
    # Weak duality: the constructed dual point is feasible, so P - D >= 0 always.
    X, y = make_problem(25, 8, seed=2)
    rng = np.random.default_rng(2)
    for _ in range(200):
        coef = rng.normal(size=8) * rng.integers(0, 2, 8)
        if positive:
            coef = np.abs(coef)
        b = rng.normal() if fit_intercept else 0.0
        gap = duality_gap(
            X, y, coef, b, alpha=rng.uniform(0.01, 1), fit_intercept=fit_intercept,
            positive=positive, sample_weight=rng.uniform(0, 2, 25),
        )  # fmt: skip
        assert gap >= 0.0


@pytest.mark.parametrize("positive", [True, False])
def test_gap_and_kkt_vanish_at_the_sklearn_optimum(positive):
    X, y = make_problem(60, 12, seed=3)
    m = Lasso(alpha=0.05, tol=1e-14, max_iter=100_000, positive=positive).fit(X, y)
    gap = duality_gap(X, y, m.coef_, m.intercept_, alpha=0.05, positive=positive)
    assert gap <= 1e-12
    kkt = kkt_violation(X, y, m.coef_, m.intercept_, alpha=0.05, positive=positive)
    assert kkt <= 1e-8
    assert kkt == pytest.approx(
        lasso_kkt(X, y, m.coef_, m.intercept_, 0.05, positive=positive), abs=1e-12
    )


def test_gap_detects_a_suboptimal_point():
    X, y = make_problem(60, 12, seed=4)
    m = Lasso(alpha=0.05, tol=1e-14, max_iter=100_000).fit(X, y)
    worse = m.coef_.copy()
    worse[0] *= 0.5
    p_opt = lasso_objective(X, y, m.coef_, m.intercept_, 0.05)
    p_bad = lasso_objective(X, y, worse, m.intercept_, 0.05)
    gap = duality_gap(X, y, worse, m.intercept_, alpha=0.05)
    assert gap >= p_bad - p_opt - 1e-12  # the gap bounds the suboptimality
    assert kkt_violation(X, y, worse, m.intercept_, alpha=0.05) > 1e-3


def test_support_and_input_errors():
    assert support([0.0, 1e-9, -2.0], atol=1e-6).tolist() == [2]
    with pytest.raises(ValueError, match="1-D"):
        support(np.zeros((2, 2)))
    X, y = make_problem(10, 3)
    with pytest.raises(ValueError, match="loss"):
        objective(X, y, np.zeros(3), alpha=0.1, loss="hinge")
    with pytest.raises(ValueError, match="alpha"):
        duality_gap(X, y, np.zeros(3), alpha=-1.0)
    with pytest.raises(ValueError, match="Shapes"):
        kkt_violation(X, y, np.zeros(4), alpha=0.1)
    with pytest.raises(ValueError, match="sample_weight"):
        objective(X, y, np.zeros(3), alpha=0.1, sample_weight=-np.ones(10))


# --- absolute / quantile loss --------------------------------------------------------


@pytest.mark.parametrize("alpha", [0.0, 0.05])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_absolute_gap_bounds_suboptimality_of_any_candidate(alpha, fit_intercept):
    # Weak duality: for any candidate, gap >= P(candidate) - P(optimum) >= 0.
    from tests._oracle import lad_linprog, lad_objective

    rng = np.random.default_rng(5)
    X = rng.standard_normal((30, 4))
    y = X @ rng.normal(size=4) + rng.standard_t(2, 30)
    sw = rng.uniform(0.2, 2, 30)
    f_opt, w_opt, b_opt = lad_linprog(X, y, alpha, 0.3, sw, fit_intercept)
    for k in range(100):
        w = w_opt + (rng.normal(size=4) * 0.1 if k else 0.0)
        b = (b_opt + rng.normal() * 0.1 if k else b_opt) if fit_intercept else 0.0
        gap = duality_gap(X, y, w, b, alpha=alpha, loss="absolute", quantile=0.3,
                          sample_weight=sw, fit_intercept=fit_intercept)  # fmt: skip
        f = lad_objective(X, y, w, b, alpha, 0.3, sw)
        assert gap >= f - f_opt - 1e-10
        if k == 0:
            assert gap <= 1e-8  # HiGHS's vertex, certified by the rebuilt dual point


def test_absolute_objective_and_certify_agree():
    from tests._oracle import lad_objective

    X, y = make_problem(40, 5, seed=6)
    coef = np.random.default_rng(6).normal(size=5)
    f = objective(X, y, coef, 0.2, alpha=0.1, loss="absolute", quantile=0.7)
    assert f == pytest.approx(lad_objective(X, y, coef, 0.2, 0.1, 0.7), rel=1e-14)
    cert = certify(X, y, coef, 0.2, alpha=0.1, loss="absolute", quantile=0.7)
    assert cert["objective"] == pytest.approx(f, rel=1e-12)
    assert cert["duality_gap"] > 0
    with pytest.raises(ValueError, match="quantile"):
        objective(X, y, coef, alpha=0.1, loss="absolute", quantile=1.0)
    with pytest.raises(ValueError, match="positive"):
        duality_gap(X, y, coef, alpha=0.1, loss="absolute", positive=True)

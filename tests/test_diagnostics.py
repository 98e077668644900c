"""lad.diagnostics against brute-force computations and weak duality."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import Lasso

from lad.diagnostics import certify, duality_gap, kkt_violation, objective, support
from tests._oracle import (
    bounded_enet_reference,
    lad_lp_penalised,
    lasso_kkt,
    lasso_objective,
    make_problem,
)


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
    # Bounds (positive=True is lower_bounds=0) are part of the absolute problem too.
    bounded = duality_gap(X, y, np.abs(coef), alpha=0.1, loss="absolute",
                          positive=True)  # fmt: skip
    assert 0 < bounded < np.inf


# --- penalty factors, the elastic net and bounds --------------------------------
# References: scikit-learn's ElasticNet and Lasso, scipy's L-BFGS-B on the split
# (w = w+ - w-) form of the bounded problem, and HiGHS for the absolute loss.


def _enet_objective(X, y, w, b, alpha, l1_ratio, pf, sw=None):
    sw = np.ones(len(y)) if sw is None else sw
    r = y - X @ w - b
    pen = alpha * np.sum(pf * (l1_ratio * np.abs(w) + 0.5 * (1 - l1_ratio) * w * w))
    return 0.5 * float(sw @ (r * r)) / sw.sum() + pen


@pytest.mark.parametrize("l1_ratio", [0.2, 0.5, 0.9])
@pytest.mark.parametrize("sparse", [False, True])
def test_elastic_net_certificate_at_sklearns_optimum(l1_ratio, sparse):
    from sklearn.linear_model import ElasticNet

    X, y = make_problem(80, 12, seed=11)
    ref = ElasticNet(alpha=0.2, l1_ratio=l1_ratio, tol=1e-14, max_iter=100_000)
    ref.fit(X, y)
    Xf = sp.csr_matrix(X) if sparse else X
    kw = dict(alpha=0.2, l1_ratio=l1_ratio)
    f = objective(Xf, y, ref.coef_, ref.intercept_, **kw)
    assert f == pytest.approx(
        _enet_objective(X, y, ref.coef_, ref.intercept_, 0.2, l1_ratio, 1.0), rel=1e-13
    )
    assert duality_gap(Xf, y, ref.coef_, ref.intercept_, **kw) <= 1e-10 * f
    assert kkt_violation(Xf, y, ref.coef_, ref.intercept_, **kw) <= 1e-7
    cert = certify(Xf, y, ref.coef_, ref.intercept_, **kw)
    assert cert["objective"] == pytest.approx(f, rel=1e-13)
    # A perturbed candidate: weak duality bounds its excess over the optimum.
    w = ref.coef_ + 0.05
    gap = duality_gap(Xf, y, w, ref.intercept_, **kw)
    assert gap >= objective(Xf, y, w, ref.intercept_, **kw) - f - 1e-12
    assert kkt_violation(Xf, y, w, ref.intercept_, **kw) > 1e-3


def test_penalty_factors_certify_the_lasso_of_rescaled_columns():
    # pf_j |w_j| = |w'_j| with w'_j = pf_j w_j: the Lasso on X / pf solves it.
    X, y = make_problem(90, 10, seed=12)
    pf = np.linspace(0.3, 3.0, 10)
    ref = Lasso(alpha=0.1, tol=1e-14, max_iter=100_000).fit(X / pf, y)
    w = ref.coef_ / pf
    kw = dict(alpha=0.1, penalty_factor=pf)
    f = objective(X, y, w, ref.intercept_, **kw)
    assert f == pytest.approx(
        _enet_objective(X, y, w, ref.intercept_, 0.1, 1.0, pf), rel=1e-13
    )
    assert duality_gap(X, y, w, ref.intercept_, **kw) <= 1e-10 * f
    assert kkt_violation(X, y, w, ref.intercept_, **kw) <= 1e-7
    # The same point is not optimal for the unweighted Lasso.
    assert kkt_violation(X, y, w, ref.intercept_, alpha=0.1) > 1e-3


def test_bounds_and_an_unpenalised_feature_against_lbfgsb():
    X, y = make_problem(100, 8, seed=13)
    pf = np.array([0.0, 1, 1, 2, 1, 1, 0.5, 1])
    lo = np.array([-np.inf, 0, -0.2, -np.inf, 0, -1, -np.inf, -0.1])
    hi = np.array([np.inf, 0.3, np.inf, 0.1, np.inf, 0, np.inf, 0.1])
    w, b = bounded_enet_reference(X, y, 0.05, 0.7, pf, lo, hi)
    kw = dict(alpha=0.05, l1_ratio=0.7, penalty_factor=pf, lower_bounds=lo,
              upper_bounds=hi)  # fmt: skip
    f = objective(X, y, w, b, **kw)
    assert duality_gap(X, y, w, b, **kw) <= 1e-8 * f
    assert kkt_violation(X, y, w, b, **kw) <= 1e-5
    assert np.any(w == hi) or np.any(w == lo)  # some bound is active
    outside = w.copy()
    outside[1] = 0.5  # above its upper bound of 0.3
    assert objective(X, y, outside, b, **kw) == np.inf
    assert kkt_violation(X, y, outside, b, **kw) == np.inf


@pytest.mark.parametrize("tau", [0.5, 0.25])
def test_absolute_certificate_with_factors_and_bounds_at_the_lp_optimum(tau):
    X, y = make_problem(60, 6, seed=14)
    pf = np.array([0.0, 1, 2, 1, 0.5, 1])
    lo = np.array([-np.inf, 0, -np.inf, -0.1, -np.inf, 0])
    hi = np.array([np.inf, np.inf, 0.2, 0.1, np.inf, 0.05])
    alpha = 0.05
    w, b, f_lp = lad_lp_penalised(X, y, alpha * pf, lo, hi, tau)
    kw = dict(alpha=alpha, loss="absolute", quantile=tau, penalty_factor=pf,
              lower_bounds=lo, upper_bounds=hi)  # fmt: skip
    f = objective(X, y, w, b, **kw)
    assert f == pytest.approx(f_lp, rel=1e-9)
    assert duality_gap(X, y, w, b, **kw) <= 1e-9 * f
    assert kkt_violation(X, y, w, b, **kw) <= 1e-9
    # Without the bounds the same point is not optimal (some bound binds).
    assert duality_gap(X, y, w, b, alpha=alpha, loss="absolute", quantile=tau,
                       penalty_factor=pf) > 1e-6  # fmt: skip


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"penalty_factor": [1.0, -1.0, 1.0]}, "penalty_factor"),
        ({"penalty_factor": [1.0, np.nan, 1.0]}, "penalty_factor"),
        ({"penalty_factor": [1.0, 1.0]}, "penalty_factor"),
        ({"l1_ratio": 1.5}, "l1_ratio"),
        ({"lower_bounds": 0.5}, "contain 0"),
        (
            {"lower_bounds": [-1.0, -1.0, -1.0], "upper_bounds": [1.0, -2.0, 1.0]},
            "lower_bounds > upper_bounds",
        ),
        ({"positive": True, "lower_bounds": -1.0}, "positive"),
    ],
)
def test_bad_penalty_parameters_are_refused(kw, match):
    X, y = make_problem(20, 3, seed=15)
    for fn in (objective, duality_gap, kkt_violation, certify):
        with pytest.raises(ValueError, match=match):
            fn(X, y, np.zeros(3), 0.0, alpha=0.1, **kw)

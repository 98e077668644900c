"""Reliability at the edges: extreme scales, huge weight ratios, near-collinear X,
tiny alphas, alpha_max exactly, and float32 certificates (regression tests)."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from lad import LADRegressor, LassoL1, alpha_max
from lad.diagnostics import objective
from tests._oracle import (
    lad_linprog,
    lad_objective,
    lad_vertex_optimum,
    lasso_objective,
)


def _small(seed=0, n=41, p=3):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X @ np.array([1.0, -2.0, 0.5])[:p] + rng.standard_normal(n)
    return X, y


# --- extreme magnitudes: the optimum is scale-equivariant --------------------------


@pytest.mark.parametrize("c", [1e200, 1e-200, 1e150, 1e-150])
def test_lad_is_exact_at_extreme_scales_of_x_and_y(c):
    X, y = _small()
    ref = LADRegressor(alpha=0.05).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow, no ConvergenceWarning
        on_x = LADRegressor(alpha=0.05 * c).fit(X * c, y)
        on_y = LADRegressor(alpha=0.05).fit(X, y * c)
    np.testing.assert_allclose(on_x.coef_ * c, ref.coef_, rtol=1e-9)
    np.testing.assert_allclose(on_y.coef_ / c, ref.coef_, rtol=1e-9)
    assert np.array_equal(on_x.coef_ != 0, ref.coef_ != 0)
    assert on_y.intercept_ / c == pytest.approx(ref.intercept_, rel=1e-9)
    assert on_y.dual_gap_ <= 1e-9 * c * ref.sparsity_report().objective


@pytest.mark.parametrize("c", [1e200, 1e-200, 1e150, 1e-150])
def test_lasso_is_exact_at_extreme_scales_of_x(c):
    X, y = _small()
    kw = dict(tol=1e-10, max_iter=100_000)
    ref = LassoL1(alpha=0.05, **kw).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        on_x = LassoL1(alpha=0.05 * c, **kw).fit(X * c, y)
    np.testing.assert_allclose(on_x.coef_ * c, ref.coef_, rtol=1e-7)
    assert np.array_equal(on_x.coef_ != 0, ref.coef_ != 0)


@pytest.mark.parametrize("c", [1e-200, 1e150, 1e-150])
def test_lasso_is_exact_at_extreme_scales_of_y(c):
    X, y = _small()
    kw = dict(tol=1e-10, max_iter=100_000)
    ref = LassoL1(alpha=0.05, **kw).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        on_y = LassoL1(alpha=0.05 * c, **kw).fit(X, y * c)
    np.testing.assert_allclose(on_y.coef_ / c, ref.coef_, rtol=1e-7)
    assert np.array_equal(on_y.coef_ != 0, ref.coef_ != 0)


def test_lasso_refuses_a_target_whose_squares_overflow():
    X, y = _small()
    with pytest.raises(ValueError, match="overflows float64"):
        LassoL1(alpha=1e199).fit(X, y * 1e200)


def test_mixed_column_scales_are_solved_exactly():
    # Columns at 1e-200, 1 and 1e200 in the same X: per-column rescaling.
    X, y = _small(p=3)
    scales = np.array([1e-200, 1.0, 1e200])
    ref = LADRegressor(alpha=0.0).fit(X, y)
    got = LADRegressor(alpha=0.0).fit(X * scales, y)
    np.testing.assert_allclose(got.coef_ * scales, ref.coef_, rtol=1e-9)
    ref = LassoL1(alpha=0.01, tol=1e-12).fit(X, y)
    # The Lasso penalty is not equivariant per column; with unit penalties on
    # rescaled columns the optimum changes, but it must match the exact oracle.
    lasso = LassoL1(alpha=0.01, tol=1e-12).fit(X * scales, y)
    assert np.all(np.isfinite(lasso.coef_))
    f = lasso_objective(X * scales, y, lasso.coef_, lasso.intercept_, 0.01)
    assert f <= lasso_objective(X, y, np.zeros(3), y.mean(), 0.01)


# --- huge weight ratios: the light rows still count --------------------------------


def test_two_points_with_a_weight_ratio_of_1e10_are_interpolated():
    X = np.array([[1.0], [0.0]])
    y = np.array([0.0, 1.0])
    m = LADRegressor().fit(X, y, sample_weight=[1e10, 1.0])
    np.testing.assert_allclose(m.predict(X), y, atol=1e-12)
    assert m.coef_[0] == pytest.approx(-1.0) and m.intercept_ == pytest.approx(1.0)
    assert m.dual_gap_ <= 1e-15


def test_four_points_with_a_weight_of_1e11_reach_the_exact_optimum():
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([0.0, 2.0, 4.0, 7.0])
    sw = np.array([1e11, 1.0, 1.0, 1.0])
    m = LADRegressor().fit(X, y, sample_weight=sw)
    swn = sw * 4 / sw.sum()
    best, _, _ = lad_vertex_optimum(X, y, 0.0, sample_weight=swn)
    got = lad_objective(X, y, m.coef_, m.intercept_, 0.0, sample_weight=swn)
    assert got == pytest.approx(best, rel=1e-9)
    # The certificate bounds the true suboptimality: P - gap <= optimum.
    assert got - m.dual_gap_ <= best * (1 + 1e-9)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_forty_rows_with_two_weighted_1e11(seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((12, 2))
    y = X @ [1.0, 2.0] + rng.standard_normal(12)
    sw = np.ones(12)
    sw[:2] = 1e11
    m = LADRegressor().fit(X, y, sample_weight=sw)
    swn = sw * 12 / sw.sum()
    best, _, _ = lad_vertex_optimum(X, y, 0.0, sample_weight=swn)
    got = lad_objective(X, y, m.coef_, m.intercept_, 0.0, sample_weight=swn)
    assert got == pytest.approx(best, rel=1e-9)
    assert got - m.dual_gap_ <= best * (1 + 1e-9)
    assert m.sparsity_report().converged


# --- near-collinear X: an optimum, never a bare RuntimeError -----------------------


def test_near_collinear_columns_give_the_optimum_of_their_span():
    rng = np.random.default_rng(2)
    x, z = rng.standard_normal(30), rng.standard_normal(30)
    X = np.column_stack([x, x + 1e-10 * z])
    y = x + rng.standard_normal(30)
    # Same column space, well conditioned: HiGHS is reliable there.
    best, _, _ = lad_linprog(np.column_stack([x, z]), y, 0.0)
    for solver in ("auto", "ipm", "irls", "cd"):
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            m = LADRegressor(solver=solver).fit(X, y)
        got = lad_objective(X, y, m.coef_, m.intercept_, 0.0)
        assert got == pytest.approx(best, rel=1e-7)


def test_singular_values_down_to_1e_12_give_a_certified_optimum():
    rng = np.random.default_rng(3)
    U, _ = np.linalg.qr(rng.standard_normal((300, 10)))
    V, _ = np.linalg.qr(rng.standard_normal((10, 10)))
    X = U @ np.diag(np.logspace(0, -12, 10)) @ V.T
    y = rng.standard_normal(300)
    # HiGHS fails on this X at alpha = 0 (the reason for this test); with a small
    # penalty it returns a point, whose alpha = 0 objective bounds the optimum.
    upper = np.inf
    for alpha in (1e-8, 1e-6, 1e-4, 1e-2):
        try:
            _, w_ref, b_ref = lad_linprog(X, y, alpha)
        except AssertionError:
            continue
        upper = min(upper, lad_objective(X, y, w_ref, b_ref, 0.0))
    assert np.isfinite(upper)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m = LADRegressor().fit(X, y)
    got = lad_objective(X, y, m.coef_, m.intercept_, 0.0)
    assert got <= upper * (1 + 1e-9)
    # The dual bound is honest: it lies below every primal value.
    assert got - m.dual_gap_ <= upper * (1 + 1e-12)
    converged = not any(w.category is ConvergenceWarning for w in caught)
    assert converged == m.sparsity_report().converged
    if converged:
        assert m.dual_gap_ <= 1e-9 * m.sparsity_report().objective


# --- tiny alphas: a valid problem, solved and certified like alpha = 0 -------------


@pytest.mark.parametrize("alpha", [2e-11, 1.6e-11, 3.2e-11, 1e-12, 1e-9])
@pytest.mark.parametrize("quantile,fit_intercept", [(0.5, True), (0.1, True),
                                                    (0.5, False)])  # fmt: skip
def test_tiny_alphas_on_a_three_point_problem(alpha, quantile, fit_intercept):
    X = np.array([[1.0, 0.0, -1.0], [0.0, 0.0, 0.0], [-1.0, 1.0, -4.0]])
    y = np.array([0.0, 0.0, 1.0])
    m = LADRegressor(alpha=alpha, quantile=quantile, fit_intercept=fit_intercept)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        m.fit(X, y)
    best, _, _ = lad_vertex_optimum(X, y, alpha, quantile, fit_intercept=fit_intercept)
    got = lad_objective(X, y, m.coef_, m.intercept_, alpha, quantile)
    assert got == pytest.approx(best, rel=1e-9, abs=1e-15)


@pytest.mark.parametrize("ratio", [1e-9, 1e-12])
def test_tiny_alpha_is_certified_without_a_warning(ratio):
    rng = np.random.default_rng(3)
    X = rng.standard_normal((200, 5))
    y = X @ rng.standard_normal(5) + rng.standard_normal(200)
    alpha = ratio * alpha_max(X, y, loss="absolute")
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        m = LADRegressor(alpha=alpha).fit(X, y)
    best, _, _ = lad_linprog(X, y, alpha)
    assert lad_objective(X, y, m.coef_, m.intercept_, alpha) == pytest.approx(
        best, rel=1e-9
    )
    assert m.dual_gap_ <= 1e-9 * m.sparsity_report().objective


# --- alpha_max: format-independent, exact zeros at and above it --------------------


@pytest.mark.parametrize("loss", ["squared", "absolute"])
@pytest.mark.parametrize("seed", range(5))
def test_alpha_max_is_the_same_for_every_format(loss, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((37, 9)) * (rng.random((37, 9)) < 0.4)
    y = X @ rng.standard_normal(9) + rng.standard_t(2, 37)
    values = {
        fmt: alpha_max(A, y, loss=loss)
        for fmt, A in [("dense", X), ("F", np.asfortranarray(X)),
                       ("csr", sp.csr_matrix(X)), ("csc", sp.csc_matrix(X))]
    }  # fmt: skip
    assert len(set(values.values())) == 1, values
    Est = LADRegressor if loss == "absolute" else LassoL1
    for A in (sp.csr_matrix(X), sp.csc_matrix(X), X):
        m = Est(alpha=values["dense"]).fit(A, y)
        assert np.all(m.coef_ == 0.0)


def test_a_fit_at_alpha_max_zero_returns_exact_zeros():
    # Every subgradient choice balances at w = 0: alpha_max = 0, and the fit at
    # alpha = 0 must return the zero vector, not rounding such as 3e-71.
    X = np.array([[1.0], [-1.0], [1.0], [-1.0]])
    y = np.array([1.0, 1.0, -1.0, -1.0])
    assert alpha_max(X, y, loss="absolute") == 0.0
    m = LADRegressor(alpha=0.0).fit(X, y)
    assert np.all(m.coef_ == 0.0)


# --- float32: the certificate is that of the returned (rounded) point --------------


@pytest.mark.parametrize("alpha", [0.0, 0.05])
def test_float32_gap_bounds_the_suboptimality_of_the_returned_coef(alpha):
    rng = np.random.default_rng(7)
    X = rng.standard_normal((300, 8)).astype(np.float32)
    y = (X @ rng.standard_normal(8) + rng.standard_t(2, 300)).astype(np.float32)
    m = LADRegressor(alpha=alpha).fit(X, y)
    assert m.coef_.dtype == np.float32
    X64, y64 = X.astype(np.float64), y.astype(np.float64)
    best, _, _ = lad_linprog(X64, y64, alpha)
    got = objective(X64, y64, m.coef_.astype(np.float64), float(m.intercept_),
                    alpha=alpha, loss="absolute")  # fmt: skip
    assert got - best <= m.dual_gap_ * (1 + 1e-6) + 1e-14
    lasso = LassoL1(alpha=0.01, tol=1e-12, max_iter=100_000).fit(X, y)
    got = lasso_objective(X64, y64, lasso.coef_, lasso.intercept_, 0.01)
    ref = LassoL1(alpha=0.01, tol=1e-14, max_iter=100_000).fit(X64, y64)
    best = lasso_objective(X64, y64, ref.coef_, ref.intercept_, 0.01)
    assert got - best <= lasso.dual_gap_ * (1 + 1e-6) + 1e-14

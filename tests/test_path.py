"""alpha_max and the regularization paths of both losses."""

import numpy as np
import pytest
import scipy.sparse as sp

from lad import LADRegressor, LassoL1, alpha_max, lad_path, lasso_path
from lad.path import alpha_grid
from tests._oracle import lad_objective, lasso_alpha_max, lasso_objective, make_problem


def _lad_data(seed, n=60, p=6, ties=False):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X[:, 0] * 2 - X[:, 1] + rng.standard_t(2, n)
    if ties:
        y = np.round(y)
    return X, y


# --- alpha_max -----------------------------------------------------------------------


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("positive", [False, True])
def test_alpha_max_squared_matches_the_oracle_and_the_fits(fit_intercept, positive):
    X, y = make_problem(50, 12, seed=1)
    sw = np.random.default_rng(1).uniform(0.5, 2, 50)
    amax = alpha_max(X, y, sample_weight=sw, fit_intercept=fit_intercept,
                     positive=positive)  # fmt: skip
    assert amax == pytest.approx(
        lasso_alpha_max(X, y, sw, fit_intercept, positive), rel=1e-12
    )
    kw = dict(fit_intercept=fit_intercept, positive=positive, tol=1e-12,
              max_iter=100_000)  # fmt: skip
    above = LassoL1(alpha=amax * (1 + 1e-9), **kw).fit(X, y, sample_weight=sw)
    below = LassoL1(alpha=amax * (1 - 1e-4), **kw).fit(X, y, sample_weight=sw)
    assert np.count_nonzero(above.coef_) == 0
    assert np.count_nonzero(below.coef_) >= 1


@pytest.mark.parametrize(
    "fit_intercept,ties,quantile,weighted",
    [(True, False, 0.5, False), (True, True, 0.5, False), (False, True, 0.5, False),
     (True, True, 0.3, True), (True, False, 0.8, True), (False, False, 0.25, False)],
)  # fmt: skip
def test_alpha_max_absolute_is_the_first_nonzero_alpha(
    fit_intercept, ties, quantile, weighted
):
    X, y = _lad_data(2, ties=ties)
    n = len(y)
    if ties and fit_intercept:
        y[: n // 2] = np.median(y)  # many ties at the median: an interval of optima
    sw = np.random.default_rng(2).integers(1, 4, n).astype(float) if weighted else None
    amax = alpha_max(X, y, loss="absolute", quantile=quantile, sample_weight=sw,
                     fit_intercept=fit_intercept)  # fmt: skip
    assert amax > 0
    kw = dict(quantile=quantile, fit_intercept=fit_intercept)
    above = LADRegressor(alpha=amax * (1 + 1e-7), **kw).fit(X, y, sample_weight=sw)
    below = LADRegressor(alpha=amax * (1 - 1e-4), **kw).fit(X, y, sample_weight=sw)
    assert np.count_nonzero(above.coef_) == 0
    assert np.count_nonzero(below.coef_) >= 1


def test_alpha_max_absolute_by_bisection():
    # An independent check: bisect on the fitted support of LADRegressor.
    X, y = _lad_data(3, ties=True)
    amax = alpha_max(X, y, loss="absolute")
    lo, hi = 0.0, 10 * amax
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        if np.any(LADRegressor(alpha=mid).fit(X, y).coef_):
            lo = mid
        else:
            hi = mid
    assert amax == pytest.approx(hi, rel=1e-6)


def test_alpha_max_of_degenerate_data_is_zero():
    X = np.ones((10, 3))
    y = np.arange(10.0)
    assert alpha_max(X, y) == 0.0
    assert alpha_max(X, y, loss="absolute") == 0.0
    assert alpha_max(np.random.default_rng(0).normal(size=(10, 3)), np.ones(10)) == 0


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("weighted", [False, True])
def test_alpha_max_squared_ignores_constant_columns_in_either_layout(order, weighted):
    # C-ordered X takes a product without the kernels' F copy; a large constant
    # column leaves rounding there that must not become alpha_max.
    X, y = make_problem(200, 5, seed=2)
    X[:, 1] = 1e8
    X = np.asarray(X, order=order)
    sw = np.random.default_rng(2).uniform(0.5, 2, 200) if weighted else None
    assert alpha_max(X, y, sample_weight=sw) == pytest.approx(
        lasso_alpha_max(X, y, sw), rel=1e-12
    )
    assert alpha_max(np.asarray(X[:, [1, 1]], order=order), y) == 0.0


# --- paths -------------------------------------------------------------------------


# The first alpha of a path is alpha_max: its single fit warns of a null model.
@pytest.mark.parametrize("layout", ["dense", "csc"])
@pytest.mark.parametrize("weighted", [False, True])
def test_lasso_path_matches_single_fits(layout, weighted):
    X, y = make_problem(60, 30, seed=4, density=None if layout == "dense" else 0.4)
    sw = np.random.default_rng(4).uniform(0.5, 2, 60) if weighted else None
    path = lasso_path(X, y, n_alphas=15, sample_weight=sw, tol=1e-10)
    assert path.alphas[0] == pytest.approx(lasso_alpha_max(X, y, sw), rel=1e-12)
    assert np.all(path.coefs[:, 0] == 0)
    for k, a in enumerate(path.alphas):
        single = LassoL1(alpha=a, tol=1e-10).fit(X, y, sample_weight=sw)
        f_path = lasso_objective(X, y, path.coefs[:, k], path.intercepts[k], a, sw)
        f_single = lasso_objective(X, y, single.coef_, single.intercept_, a, sw)
        assert f_path == pytest.approx(f_single, rel=1e-7)
    assert path.converged.all()


# The first alpha of a path is alpha_max: its single fit warns of a null model.
@pytest.mark.parametrize("layout", ["dense", "csc"])
@pytest.mark.parametrize("quantile,weighted", [(0.5, False), (0.3, True)])
def test_lad_path_matches_single_fits(layout, quantile, weighted):
    X, y = _lad_data(5, n=50, p=8)
    sw = np.random.default_rng(5).uniform(0.5, 2, 50) if weighted else None
    A = X if layout == "dense" else sp.csc_matrix(X)
    path = lad_path(A, y, n_alphas=12, quantile=quantile, sample_weight=sw)
    amax = alpha_max(X, y, loss="absolute", quantile=quantile, sample_weight=sw)
    assert path.alphas[0] == pytest.approx(amax)
    assert np.all(path.coefs[:, 0] == 0) and np.any(path.coefs[:, 1])
    for k, a in enumerate(path.alphas):
        single = LADRegressor(alpha=a, quantile=quantile).fit(A, y, sample_weight=sw)
        f_path = lad_objective(X, y, path.coefs[:, k], path.intercepts[k], a,
                               quantile, sw)  # fmt: skip
        f_single = lad_objective(X, y, single.coef_, single.intercept_, a, quantile, sw)
        assert f_path == pytest.approx(f_single, rel=1e-9)


# The first alpha of a path is alpha_max: its single fit warns of a null model.
def test_warm_started_paths_do_less_work_than_cold_fits():
    # Counted in iterations, not seconds (no timing in tests): epochs for the Lasso,
    # warm-start iterations plus linear programs for LAD.
    X, y = make_problem(100, 400, seed=6)
    path = lasso_path(X, y, n_alphas=30, tol=1e-4)
    cold = [LassoL1(alpha=a, tol=1e-4).fit(X, y).n_iter_ for a in path.alphas]
    assert path.n_iters.sum() < 0.5 * np.sum(cold)
    Xl, yl = _lad_data(7, n=80, p=10)
    lpath = lad_path(Xl, yl, n_alphas=15)
    lcold = [LADRegressor(alpha=a).fit(Xl, yl).n_iter_ for a in lpath.alphas]
    assert lpath.n_iters.sum() < 0.5 * np.sum(lcold)


def test_path_object_unpacks_and_summarises():
    X, y = make_problem(40, 6, seed=8)
    path = lasso_path(X, y, n_alphas=10)
    alphas, coefs, intercepts, gaps, n_iters = path
    assert coefs.shape == (6, 10) and intercepts.shape == gaps.shape == (10,)
    entry = path.entry_alphas
    for j in range(6):
        nz = np.flatnonzero(coefs[j])
        if nz.size:
            assert entry[j] == alphas[nz[0]]
        else:
            assert np.isnan(entry[j])
    np.testing.assert_array_equal(path.n_nonzero, np.count_nonzero(coefs, axis=0))
    rep = path.sparsity_report(feature_names=[f"f{j}" for j in range(6)])
    assert "entry alpha" in str(rep) and "not measured" in str(rep)


def test_constant_features_give_an_all_zero_path():
    X = np.tile([1.0, 2.0, 3.0], (20, 1))
    y = np.random.default_rng(9).normal(size=20)
    for path in (lasso_path(X, y, n_alphas=5), lad_path(X, y, n_alphas=5)):
        assert np.all(path.coefs == 0) and np.all(np.isfinite(path.intercepts))
        assert np.all(path.alphas > 0)


@pytest.mark.parametrize("fn", [lasso_path, lad_path])
def test_bad_grids_get_clear_errors(fn):
    X, y = make_problem(20, 3, seed=10)
    with pytest.raises(ValueError, match="non-empty"):
        fn(X, y, alphas=[])
    with pytest.raises(ValueError, match="positive"):
        fn(X, y, alphas=[1.0, 0.0])
    with pytest.raises(ValueError, match="decreasing"):
        fn(X, y, alphas=[0.1, 1.0])
    with pytest.raises(ValueError, match="eps"):
        fn(X, y, eps=1.5)
    with pytest.raises(ValueError, match="eps"):
        fn(X, y, eps=0.0)
    with pytest.raises(ValueError, match="n_alphas"):
        fn(X, y, n_alphas=0)
    with pytest.raises(ValueError, match="NaN"):
        fn(np.r_[X[:-1], [[np.nan] * 3]], y)


def test_alpha_grid():
    grid = alpha_grid(2.0, n_alphas=4, eps=1e-3)
    assert grid[0] == 2.0 and grid[-1] == pytest.approx(2e-3)
    assert np.all(np.diff(grid) < 0)
    assert alpha_grid(0.0, n_alphas=3).min() > 0

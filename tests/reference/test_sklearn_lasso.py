"""LassoL1 against scikit-learn's Lasso: same parameters, same optimum."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lasso

from lad import LassoL1
from tests._oracle import lasso_alpha_max, lasso_kkt, lasso_objective, make_problem

TIGHT = dict(tol=1e-12, max_iter=100_000)

# (n_samples, n_features, layout, weighted, positive, fit_intercept, dtype)
CASES = [
    (80, 20, "dense", False, False, True, np.float64),
    (80, 20, "dense", False, False, False, np.float64),
    (80, 20, "dense", True, False, True, np.float64),
    (80, 20, "dense", False, True, True, np.float64),
    (80, 20, "dense", True, True, False, np.float64),
    (30, 120, "dense", False, False, True, np.float64),
    (30, 120, "dense", True, True, True, np.float64),
    (80, 20, "csc", False, False, True, np.float64),
    (80, 20, "csr", True, False, True, np.float64),
    (40, 150, "csc", True, True, True, np.float64),
    (40, 150, "csc", False, False, False, np.float64),
    (80, 20, "dense", False, False, True, np.float32),
    (30, 120, "csc", True, False, True, np.float32),
]


def _data(n, p, layout, weighted, dtype, seed):
    density = None if layout == "dense" else 0.3
    X, y = make_problem(n, p, seed=seed, density=density)
    if layout == "csr":
        X = X.tocsr()
    X = X.astype(dtype)
    sw = None
    if weighted:
        sw = np.random.default_rng(seed + 1).uniform(0.2, 3.0, n)
    return X, y, sw


def _sklearn_fit(X, y, sw, **params):
    # The reference optimum is computed in float64 so float32 runs of lad are judged
    # against the true optimum, not against scikit-learn's float32 rounding.
    X64 = X.astype(np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return Lasso(**params).fit(X64, y, sample_weight=sw)


@pytest.mark.parametrize("case", CASES, ids=lambda c: "-".join(map(str, c[:6])))
@pytest.mark.parametrize("ratio", [0.5, 0.1, 0.01])
def test_objective_matches_sklearn(case, ratio):
    n, p, layout, weighted, positive, fit_intercept, dtype = case
    X, y, sw = _data(n, p, layout, weighted, dtype, seed=n + p)
    amax = lasso_alpha_max(X, y, sw, fit_intercept, positive)
    alpha = ratio * amax
    params = dict(alpha=alpha, positive=positive, fit_intercept=fit_intercept, **TIGHT)
    ours = LassoL1(**params).fit(X, y, sample_weight=sw)
    ref = _sklearn_fit(X, y, sw, **params)

    assert ours.coef_.dtype == dtype
    f_ours = lasso_objective(X, y, ours.coef_, ours.intercept_, alpha, sw)
    f_ref = lasso_objective(X, y, ref.coef_, ref.intercept_, alpha, sw)
    # Never worse than the reference by more than 1e-7 relative; float32 output
    # coefficients cost only a second-order change of the objective.
    assert f_ours <= f_ref * (1 + 1e-7)
    assert f_ours == pytest.approx(f_ref, rel=1e-7)
    if dtype == np.float64:
        assert lasso_kkt(
            X, y, ours.coef_, ours.intercept_, alpha, sample_weight=sw,
            fit_intercept=fit_intercept, positive=positive,
        ) <= 1e-6 * max(alpha, 1e-3)  # fmt: skip
    if positive:
        assert np.all(ours.coef_ >= 0)


@pytest.mark.parametrize("layout", ["dense", "csc"])
@pytest.mark.parametrize("weighted", [False, True])
def test_coefficients_match_where_unique(layout, weighted):
    # Gaussian X with n > p is in general position, so the Lasso optimum is unique.
    X, y, sw = _data(100, 15, layout, weighted, np.float64, seed=3)
    alpha = 0.05 * lasso_alpha_max(X, y, sw)
    ours = LassoL1(alpha=alpha, **TIGHT).fit(X, y, sample_weight=sw)
    ref = _sklearn_fit(X, y, sw, alpha=alpha, **TIGHT)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-6)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-6)
    np.testing.assert_allclose(ours.predict(X), ref.predict(X.astype(float)), atol=1e-6)


def test_default_tolerance_stops_like_sklearn():
    # At the default tol both solvers certify a gap below tol * ||y - ybar||^2 / n.
    X, y = make_problem(200, 50, seed=7)
    alpha = 0.02 * lasso_alpha_max(X, y)
    ours = LassoL1(alpha=alpha).fit(X, y)
    ref = Lasso(alpha=alpha).fit(X, y)
    bound = 1e-4 * np.sum((y - y.mean()) ** 2) / len(y)
    assert ours.dual_gap_ <= bound
    assert ref.dual_gap_ <= bound
    f_ours = lasso_objective(X, y, ours.coef_, ours.intercept_, alpha)
    f_ref = lasso_objective(X, y, ref.coef_, ref.intercept_, alpha)
    assert abs(f_ours - f_ref) <= 2 * bound


def test_multi_output_matches_sklearn():
    X, y = make_problem(60, 10, seed=4)
    Y = np.c_[y, -2 * y + X[:, 3], np.sin(y)]
    ours = LassoL1(alpha=0.05, **TIGHT).fit(X, Y)
    ref = Lasso(alpha=0.05, **TIGHT).fit(X, Y)
    assert ours.coef_.shape == ref.coef_.shape == (3, 10)
    assert np.shape(ours.intercept_) == np.shape(ref.intercept_)
    assert np.shape(ours.dual_gap_) == np.shape(ref.dual_gap_)
    assert len(ours.n_iter_) == 3
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-6)
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), atol=1e-6)


def test_single_column_2d_y_shapes_match_sklearn():
    X, y = make_problem(40, 6, seed=5)
    ours = LassoL1(alpha=0.1).fit(X, y[:, None])
    ref = Lasso(alpha=0.1).fit(X, y[:, None])
    assert ours.coef_.shape == ref.coef_.shape
    assert np.shape(ours.intercept_) == np.shape(ref.intercept_)
    assert ours.predict(X).shape == ref.predict(X).shape


def test_sparse_with_large_offsets_matches_dense():
    # Columns whose mean dwarfs their spread stress implicit centring.
    X, y = make_problem(120, 30, seed=6, density=0.5, offset=0.0)
    X = X.tocsc()
    X.data += 1e4
    Xd = X.toarray()
    alpha = 0.05 * lasso_alpha_max(Xd, y)
    sparse_fit = LassoL1(alpha=alpha, **TIGHT).fit(X, y)
    dense_fit = LassoL1(alpha=alpha, **TIGHT).fit(Xd, y)
    ref = Lasso(alpha=alpha, **TIGHT).fit(Xd, y)
    f = [lasso_objective(Xd, y, m.coef_, m.intercept_, alpha)
         for m in (sparse_fit, dense_fit, ref)]  # fmt: skip
    assert f[0] == pytest.approx(f[2], rel=1e-7)
    assert f[1] == pytest.approx(f[2], rel=1e-7)
    assert sp.issparse(X)  # the caller's matrix was not densified in place

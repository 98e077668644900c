"""LADRegressor: properties (hypothesis), degenerate data, errors and plumbing."""

import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.utils._param_validation import InvalidParameterError

from lad import LADRegressor
from tests._oracle import lad_linprog, lad_objective

PROPERTY = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _data(seed, n=40, p=3):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X @ rng.uniform(-2, 2, p) + rng.standard_t(3, n) + 0.5
    return X, y


# --- properties ----------------------------------------------------------------------


@PROPERTY
@given(seed=st.integers(0, 10_000), c=st.floats(1e-3, 1e3),
       tau=st.sampled_from([0.5, 0.3, 0.8]))  # fmt: skip
def test_scale_equivariance(seed, c, tau):
    X, y = _data(seed)
    base = LADRegressor(quantile=tau).fit(X, y)
    scaled = LADRegressor(quantile=tau).fit(X, c * y)
    np.testing.assert_allclose(scaled.coef_, c * base.coef_, rtol=1e-7, atol=1e-9 * c)
    assert scaled.intercept_ == pytest.approx(
        c * base.intercept_, rel=1e-7, abs=1e-9 * c
    )


@PROPERTY
@given(seed=st.integers(0, 10_000), beta=st.lists(st.floats(-5, 5), min_size=3,
                                                   max_size=3))  # fmt: skip
def test_regression_equivariance(seed, beta):
    X, y = _data(seed)
    beta = np.array(beta)
    base = LADRegressor().fit(X, y)
    shifted = LADRegressor().fit(X, y + X @ beta)
    np.testing.assert_allclose(shifted.coef_, base.coef_ + beta, atol=1e-8)


@PROPERTY
@given(seed=st.integers(0, 10_000), tau=st.sampled_from([0.2, 0.35, 0.5, 0.9]),
       alpha=st.sampled_from([0.0, 0.05]))  # fmt: skip
def test_quantile_mirror(seed, tau, alpha):
    # fit(X, -y) at 1 - tau is the mirror image of fit(X, y) at tau: same objective,
    # and opposite coefficients when the optimum is unique.
    X, y = _data(seed)
    a = LADRegressor(alpha=alpha, quantile=tau).fit(X, y)
    b = LADRegressor(alpha=alpha, quantile=1 - tau).fit(X, -y)
    fa = lad_objective(X, y, a.coef_, a.intercept_, alpha, tau)
    fb = lad_objective(X, y, -b.coef_, -b.intercept_, alpha, tau)
    assert fb == pytest.approx(fa, rel=1e-10)
    if a.sparsity_report().details["unique optimum"] == "certified":
        np.testing.assert_allclose(b.coef_, -a.coef_, atol=1e-8)


@PROPERTY
@given(seed=st.integers(0, 10_000), shift=st.floats(1.0, 1e6))
def test_outliers_with_fixed_signs_leave_the_fit_unchanged(seed, shift):
    X, y = _data(seed)
    base = LADRegressor().fit(X, y)
    r = y - base.predict(X)
    y2 = y.copy()
    up, down = r > 1e-8, r < -1e-8
    y2[up] += shift  # push points further away on the side they already lie
    y2[down] -= shift
    moved = LADRegressor().fit(X, y2)
    np.testing.assert_allclose(moved.coef_, base.coef_, atol=1e-8 * (1 + shift))
    f_moved = lad_objective(X, y2, moved.coef_, moved.intercept_, 0.0)
    f_base_on_moved = lad_objective(X, y2, base.coef_, base.intercept_, 0.0)
    assert f_moved == pytest.approx(f_base_on_moved, rel=1e-12)


# --- degenerate data ---------------------------------------------------------------


def test_constant_y_and_perfect_fit():
    X, _ = _data(1)
    m = LADRegressor(alpha=0.1).fit(X, np.full(40, 3.0))
    assert np.all(m.coef_ == 0) and m.intercept_ == 3.0 and m.dual_gap_ <= 1e-15
    beta = np.array([1.0, -2.0, 0.5])
    m = LADRegressor().fit(X, X @ beta + 4.0)
    np.testing.assert_allclose(m.coef_, beta, atol=1e-10)
    assert m.intercept_ == pytest.approx(4.0)
    assert m.sparsity_report().details["zero residuals"] == 40


def test_duplicate_and_zero_columns():
    X, y = _data(2)
    Xd = np.c_[X, X[:, 0], np.zeros(40)]
    m = LADRegressor(alpha=0.05).fit(Xd, y)
    ref = LADRegressor(alpha=0.05).fit(X, y)
    assert m.coef_[4] == 0.0
    assert lad_objective(Xd, y, m.coef_, m.intercept_, 0.05) == pytest.approx(
        lad_objective(X, y, ref.coef_, ref.intercept_, 0.05), rel=1e-10
    )
    m0 = LADRegressor().fit(Xd, y)  # alpha = 0: coefficients are not identified
    f_ref, _, _ = lad_linprog(Xd, y, 0.0)
    assert lad_objective(Xd, y, m0.coef_, m0.intercept_, 0.0) == pytest.approx(
        f_ref, rel=1e-9
    )
    assert m0.sparsity_report().details["unique optimum"] == "not certified"


def test_duplicated_rows_equal_integer_weights():
    X, y = _data(3)
    counts = np.random.default_rng(3).integers(0, 4, 40)
    rows = np.repeat(np.arange(40), counts)
    for alpha, tau in [(0.0, 0.5), (0.05, 0.3)]:
        a = LADRegressor(alpha=alpha, quantile=tau).fit(X, y, sample_weight=counts)
        b = LADRegressor(alpha=alpha, quantile=tau).fit(X[rows], y[rows])
        fa = lad_objective(X, y, a.coef_, a.intercept_, alpha, tau, counts)
        fb = lad_objective(X, y, b.coef_, b.intercept_, alpha, tau, counts)
        assert fa == pytest.approx(fb, rel=1e-10)


def test_n_less_than_p():
    rng = np.random.default_rng(4)
    X = rng.standard_normal((15, 40))
    y = X[:, 0] * 3 + rng.standard_normal(15)
    m = LADRegressor(alpha=0.01).fit(X, y)
    f_ref, _, _ = lad_linprog(X, y, 0.01)
    assert lad_objective(X, y, m.coef_, m.intercept_, 0.01) == pytest.approx(
        f_ref, rel=1e-9
    )
    m0 = LADRegressor().fit(X, y)  # alpha = 0, n < p: interpolation
    np.testing.assert_allclose(m0.predict(X), y, atol=1e-8)


def test_ties_and_non_unique_optimum():
    # Intercept only, y = 1..4 at the median: every value in [2, 3] is optimal.
    X = np.zeros((4, 1))
    y = np.array([1.0, 2.0, 3.0, 4.0])
    m = LADRegressor().fit(X, y)
    assert 2.0 <= m.intercept_ <= 3.0
    assert m.dual_gap_ <= 1e-12
    assert m.sparsity_report().details["unique optimum"] == "not certified"
    # Many ties in y.
    rng = np.random.default_rng(5)
    X = rng.standard_normal((60, 2))
    y = rng.integers(0, 3, 60).astype(float)
    m = LADRegressor(quantile=0.4).fit(X, y)
    f_ref, _, _ = lad_linprog(X, y, 0.0, 0.4)
    assert lad_objective(X, y, m.coef_, m.intercept_, 0.0, 0.4) == pytest.approx(
        f_ref, rel=1e-9
    )


def test_cd_stall_counterexample_is_finished_exactly():
    # Ten rows x=(1,-1), y=0 and one row x=(1,1), y=2: (0, 0) is a coordinate-wise
    # minimum with objective 2/11 but (1, 1) fits everything.
    X = np.r_[np.tile([[1.0, -1.0]], (10, 1)), [[1.0, 1.0]]]
    y = np.r_[np.zeros(10), 2.0]
    m = LADRegressor(solver="cd", fit_intercept=False).fit(X, y)
    np.testing.assert_allclose(m.coef_, [1.0, 1.0], atol=1e-12)


def test_float32_sparse_and_dataframe_inputs():
    X, y = _data(6)
    dense = LADRegressor(alpha=0.02).fit(X, y)
    for A in (sp.csc_matrix(X), sp.csr_matrix(X)):
        m = LADRegressor(alpha=0.02).fit(A, y)
        np.testing.assert_allclose(m.coef_, dense.coef_, atol=1e-9)
    m32 = LADRegressor(alpha=0.02).fit(X.astype(np.float32), y.astype(np.float32))
    assert m32.coef_.dtype == np.float32
    np.testing.assert_allclose(m32.coef_, dense.coef_, atol=1e-4)
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame(X, columns=["a", "b", "c"])
    m = LADRegressor(alpha=0.02).fit(df, y)
    assert list(m.feature_names_in_) == ["a", "b", "c"]
    assert set(m.sparsity_report().support_names) <= {"a", "b", "c"}


def test_inputs_not_modified_and_warm_start():
    X, y = _data(7, n=200, p=5)
    sw = np.random.default_rng(7).uniform(0.5, 2, 200)
    copies = X.copy(), y.copy(), sw.copy()
    m = LADRegressor(alpha=0.01, warm_start=True).fit(X, y, sample_weight=sw)
    np.testing.assert_array_equal(X, copies[0])
    np.testing.assert_array_equal(y, copies[1])
    np.testing.assert_array_equal(sw, copies[2])
    cold = LADRegressor(alpha=0.012).fit(X, y, sample_weight=sw)
    m.set_params(alpha=0.012).fit(X, y, sample_weight=sw)
    f = [lad_objective(X, y, e.coef_, e.intercept_, 0.012, 0.5, sw) for e in (m, cold)]
    assert f[0] == pytest.approx(f[1], rel=1e-10)


def test_report_details():
    X, y = _data(8, n=50)
    m = LADRegressor().fit(X, y)
    rep = m.sparsity_report()
    r = y - m.predict(X)
    assert rep.details["zero residuals"] == int(np.sum(np.abs(r) < 1e-9))
    assert rep.details["zero residuals"] >= 4  # a vertex: at least p + 1 exact fits
    assert "residual quantiles" in str(rep) and "unique optimum" in str(rep)
    assert rep.converged and rep.dual_gap <= rep.gap_tol
    assert m.solver_ in ("simplex", "irls+simplex", "cd+simplex", "ipm+simplex")


# --- errors and plumbing --------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        dict(quantile=0.0),
        dict(quantile=1.0),
        dict(quantile=1.5),
        dict(alpha=-0.1),
        dict(solver="simplex"),
        dict(tol=-1.0),
    ],
)
def test_invalid_parameters(params):
    X, y = _data(9)
    with pytest.raises(InvalidParameterError):
        LADRegressor(**params).fit(X, y)


def test_bad_input_errors():
    X, y = _data(10)
    Xn = X.copy()
    Xn[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        LADRegressor().fit(Xn, y)
    with pytest.raises(ValueError, match="infinity"):
        LADRegressor().fit(X, np.r_[np.inf, y[1:]])
    with pytest.raises(ValueError, match="non-zero|sum to zero"):
        LADRegressor().fit(X, y, sample_weight=np.zeros(40))
    with pytest.raises(ValueError, match="[Nn]egative"):
        LADRegressor().fit(X, y, sample_weight=-np.ones(40))
    with pytest.raises(ValueError):
        LADRegressor().fit(X, np.c_[y, y])
    with pytest.raises(NotFittedError):
        LADRegressor().predict(X)
    with pytest.raises(NotFittedError):
        LADRegressor().sparsity_report()


def test_grid_search_and_pickle():
    X, y = _data(11, n=90)
    search = GridSearchCV(
        LADRegressor(), {"alpha": [0.0, 0.05], "quantile": [0.4, 0.5]}, cv=3,
        scoring="neg_mean_absolute_error",
    ).fit(X, y)  # fmt: skip
    best = search.best_estimator_
    clone = pickle.loads(pickle.dumps(best))
    np.testing.assert_array_equal(clone.predict(X), best.predict(X))


def test_alpha_zero_skips_the_alpha_max_lp_and_says_so():
    # Integer y with ties at its median: alpha_max needs an LP over the rows
    # fitted exactly by the null model. An unpenalised fit does not pay for it;
    # its report says so, and lad.alpha_max still gives the exact value.
    from lad import alpha_max

    rng = np.random.default_rng(12)
    X = rng.standard_normal((40, 3))
    y = rng.integers(0, 4, 40).astype(float) + X[:, 0]
    y[:10] = np.median(y)
    model = LADRegressor().fit(X, y)
    best = lad_linprog(X, y, 0.0)[0]
    assert lad_objective(X, y, model.coef_, model.intercept_, 0.0) == pytest.approx(
        best, rel=1e-12
    )
    details = model.sparsity_report().details
    assert "not computed at alpha = 0" in str(details["alpha_max"])
    amax = alpha_max(X, y, loss="absolute")
    assert amax > 0
    at = LADRegressor(alpha=amax).fit(X, y)
    assert not np.any(at.coef_)
    assert at.sparsity_report().details["alpha_max"] == pytest.approx(amax)

"""LassoL1 behaviour: inputs, degenerate data, errors, warm starts, sklearn plumbing."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from lad import LassoL1
from lad.diagnostics import duality_gap
from tests._oracle import lasso_alpha_max, lasso_kkt, lasso_objective, make_problem

TIGHT = dict(tol=1e-12, max_iter=100_000)


# --- exact zeros and the alpha_max boundary --------------------------------------


@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("layout", ["dense", "csc"])
def test_alpha_at_or_above_alpha_max_gives_exact_zeros(positive, layout):
    X, y = make_problem(50, 30, seed=1, density=None if layout == "dense" else 0.4)
    amax = lasso_alpha_max(X, y, positive=positive)
    for alpha in (amax, amax * (1 + 1e-12), 10 * amax):
        m = LassoL1(alpha=alpha, positive=positive, tol=0.0).fit(X, y)
        assert np.all(m.coef_ == 0.0)
        assert m.n_iter_ == 0
        assert m.intercept_ == pytest.approx(y.mean())
        assert m.dual_gap_ == 0.0
    below = LassoL1(alpha=amax * (1 - 1e-3), positive=positive, **TIGHT).fit(X, y)
    assert np.count_nonzero(below.coef_) >= 1


def test_kkt_holds_on_random_problems():
    for seed in range(8):
        n, p = [(50, 10), (20, 60), (200, 40), (10, 10)][seed % 4]
        X, y = make_problem(n, p, seed=seed)
        sw = np.random.default_rng(seed).uniform(0.5, 2, n) if seed % 2 else None
        alpha = 0.1 * lasso_alpha_max(X, y, sw)
        m = LassoL1(alpha=alpha, **TIGHT).fit(X, y, sample_weight=sw)
        assert lasso_kkt(X, y, m.coef_, m.intercept_, alpha, sample_weight=sw) <= (
            1e-7 * alpha
        )


# --- sample weights ---------------------------------------------------------------


@pytest.mark.parametrize("layout", ["dense", "csc"])
def test_integer_weights_equal_repeated_rows(layout):
    X, y = make_problem(40, 12, seed=2, density=None if layout == "dense" else 0.5)
    counts = np.random.default_rng(2).integers(0, 4, size=40)
    counts[0] = 1
    rows = np.repeat(np.arange(40), counts)
    Xr = X[rows]
    weighted = LassoL1(alpha=0.05, **TIGHT).fit(X, y, sample_weight=counts)
    repeated = LassoL1(alpha=0.05, **TIGHT).fit(Xr, y[rows])
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, atol=1e-8)
    np.testing.assert_allclose(weighted.intercept_, repeated.intercept_, atol=1e-8)


def test_weight_scaling_and_ones_do_not_change_the_fit():
    X, y = make_problem(40, 8, seed=3)
    sw = np.random.default_rng(3).uniform(0.5, 2, 40)
    a = LassoL1(alpha=0.05, **TIGHT).fit(X, y, sample_weight=sw)
    b = LassoL1(alpha=0.05, **TIGHT).fit(X, y, sample_weight=7.5 * sw)
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-9)
    c = LassoL1(alpha=0.05, **TIGHT).fit(X, y, sample_weight=np.ones(40))
    d = LassoL1(alpha=0.05, **TIGHT).fit(X, y)
    np.testing.assert_allclose(c.coef_, d.coef_, atol=1e-10)


def test_zero_weight_equals_dropping_the_row():
    X, y = make_problem(40, 8, seed=4)
    sw = np.ones(40)
    sw[:5] = 0.0
    a = LassoL1(alpha=0.05, **TIGHT).fit(X, y, sample_weight=sw)
    b = LassoL1(alpha=0.05, **TIGHT).fit(X[5:], y[5:])
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-8)
    np.testing.assert_allclose(a.intercept_, b.intercept_, atol=1e-8)


# --- layouts, dtypes and input types ----------------------------------------------


def test_dense_csc_csr_agree():
    X, y = make_problem(60, 25, seed=5, density=0.3)
    fits = [LassoL1(alpha=0.02, **TIGHT).fit(A, y) for A in (X.toarray(), X, X.tocsr())]
    for m in fits[1:]:
        np.testing.assert_allclose(m.coef_, fits[0].coef_, atol=1e-9)
        np.testing.assert_allclose(m.intercept_, fits[0].intercept_, atol=1e-9)


def test_float32_is_kept_and_close_to_float64():
    X, y = make_problem(60, 10, seed=6)
    m32 = LassoL1(alpha=0.05).fit(X.astype(np.float32), y.astype(np.float32))
    m64 = LassoL1(alpha=0.05).fit(X, y)
    assert m32.coef_.dtype == np.float32
    assert np.asarray(m32.intercept_).dtype == np.float32
    assert m32.predict(X.astype(np.float32)).dtype == np.float32
    np.testing.assert_allclose(m32.coef_, m64.coef_, atol=1e-4)


def test_int_list_readonly_and_memmap_inputs(tmp_path):
    X, y = make_problem(30, 5, seed=7)
    Xi = np.round(X * 10).astype(np.int64)
    ref = LassoL1(alpha=0.1).fit(Xi.astype(float), y)
    for data in (Xi, Xi.tolist()):
        np.testing.assert_allclose(LassoL1(alpha=0.1).fit(data, y).coef_, ref.coef_)
    ro = Xi.astype(float)
    ro.flags.writeable = False
    np.testing.assert_allclose(LassoL1(alpha=0.1).fit(ro, y).coef_, ref.coef_)
    mm = np.lib.format.open_memmap(
        tmp_path / "X.npy", mode="w+", dtype=float, shape=Xi.shape
    )
    mm[:] = Xi
    mm.flush()
    mm = np.load(tmp_path / "X.npy", mmap_mode="r")
    np.testing.assert_allclose(LassoL1(alpha=0.1).fit(mm, y).coef_, ref.coef_)


def test_dataframe_feature_names_reach_the_report():
    pd = pytest.importorskip("pandas")
    X, y = make_problem(50, 6, seed=8)
    df = pd.DataFrame(X, columns=[f"f{j}" for j in range(6)])
    m = LassoL1(alpha=0.05).fit(df, y)
    assert list(m.feature_names_in_) == list(df.columns)
    rep = m.sparsity_report()
    assert rep.support_names == [f"f{j}" for j in rep.support]
    with pytest.warns(UserWarning, match="feature names"):
        np.testing.assert_allclose(m.predict(df), m.predict(X))


def test_inputs_are_not_modified():
    X, y = make_problem(40, 10, seed=9)
    sw = np.random.default_rng(9).uniform(0.5, 2, 40)
    Xs = sp.csr_matrix(X * (np.abs(X) > 1))
    copies = X.copy(), y.copy(), sw.copy(), Xs.copy()
    LassoL1(alpha=0.01).fit(X, y, sample_weight=sw)
    LassoL1(alpha=0.01, precompute=True).fit(X, y, sample_weight=sw)
    LassoL1(alpha=0.01).fit(Xs, y, sample_weight=sw)
    np.testing.assert_array_equal(X, copies[0])
    np.testing.assert_array_equal(y, copies[1])
    np.testing.assert_array_equal(sw, copies[2])
    assert (Xs != copies[3]).nnz == 0
    assert Xs.format == "csr"


# --- degenerate but valid data -----------------------------------------------------


def test_one_sample():
    m = LassoL1(alpha=0.1).fit([[1.0, 2.0]], [3.0])
    assert np.all(m.coef_ == 0) and m.intercept_ == 3.0
    m = LassoL1(alpha=0.1, fit_intercept=False, **TIGHT).fit([[1.0, 2.0]], [3.0])
    f = lasso_objective(np.array([[1.0, 2.0]]), np.array([3.0]), m.coef_, 0.0, 0.1)
    # Closed form: all weight on the larger column, w2 = (2*3 - 0.1) / 4.
    assert f == pytest.approx(
        lasso_objective(np.array([[1.0, 2.0]]), np.array([3.0]), [0, 1.475], 0, 0.1)
    )


@pytest.mark.parametrize("layout", ["dense", "csc"])
def test_zero_and_constant_columns_get_zero_coefficients(layout):
    X, y = make_problem(50, 6, seed=10)
    X[:, 1] = 0.0
    X[:, 4] = 3.7
    A = X if layout == "dense" else sp.csc_matrix(X)
    m = LassoL1(alpha=0.01, **TIGHT).fit(A, y)
    assert m.coef_[1] == 0.0 and m.coef_[4] == 0.0
    assert lasso_kkt(X, y, m.coef_, m.intercept_, 0.01) <= 1e-9
    # Without an intercept a constant column acts as one, as in scikit-learn.
    m2 = LassoL1(alpha=0.01, fit_intercept=False, **TIGHT).fit(A, y)
    assert m2.coef_[4] != 0.0


def test_constant_y():
    X, _ = make_problem(30, 5, seed=11)
    m = LassoL1(alpha=0.1).fit(X, np.full(30, 2.5))
    assert np.all(m.coef_ == 0) and m.intercept_ == 2.5 and np.isfinite(m.dual_gap_)


def test_n_less_than_p_support_is_at_most_n():
    X, y = make_problem(15, 200, seed=12)
    alpha = 0.01 * lasso_alpha_max(X, y)
    m = LassoL1(alpha=alpha, tol=1e-10, max_iter=100_000).fit(X, y)
    assert np.count_nonzero(m.coef_) <= 15
    assert lasso_kkt(X, y, m.coef_, m.intercept_, alpha) <= 1e-5 * alpha


def test_duplicated_columns_objective_and_sum():
    X, y = make_problem(40, 5, seed=13)
    Xd = np.c_[X, X[:, 0]]
    m = LassoL1(alpha=0.05, **TIGHT).fit(Xd, y)
    single = LassoL1(alpha=0.05, **TIGHT).fit(X, y)
    assert m.coef_[0] + m.coef_[5] == pytest.approx(single.coef_[0], abs=1e-8)
    np.testing.assert_allclose(m.predict(Xd), single.predict(X), atol=1e-8)


# --- solver options -----------------------------------------------------------------


def test_precompute_modes_reach_the_same_optimum():
    X, y = make_problem(300, 20, seed=14)
    sw = np.random.default_rng(14).uniform(0.5, 2, 300)
    plain = LassoL1(alpha=0.02, **TIGHT).fit(X, y, sample_weight=sw)
    gram = LassoL1(alpha=0.02, precompute=True, **TIGHT).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(gram.coef_, plain.coef_, atol=1e-9)
    G = X.T @ X
    user = LassoL1(alpha=0.02, precompute=G, fit_intercept=False, **TIGHT).fit(X, y)
    ref = LassoL1(alpha=0.02, fit_intercept=False, **TIGHT).fit(X, y)
    np.testing.assert_allclose(user.coef_, ref.coef_, atol=1e-9)
    with pytest.warns(UserWarning, match="recomputing Gram"):
        LassoL1(alpha=0.02, precompute=G).fit(X + 1.0, y)
    with pytest.raises(ValueError, match="Gram matrix"):
        LassoL1(alpha=0.02, precompute=G[:5, :5], fit_intercept=False).fit(X, y)
    with pytest.raises(ValueError, match="did not pass validation"):
        LassoL1(alpha=0.02, precompute=2 * G, fit_intercept=False).fit(X, y)


def test_random_selection_is_reproducible_and_optimal():
    X, y = make_problem(60, 30, seed=15)
    a = LassoL1(alpha=0.02, selection="random", random_state=3, tol=1e-3).fit(X, y)
    b = LassoL1(alpha=0.02, selection="random", random_state=3, tol=1e-3).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    r = LassoL1(alpha=0.02, selection="random", random_state=0, **TIGHT).fit(X, y)
    c = LassoL1(alpha=0.02, **TIGHT).fit(X, y)
    assert lasso_objective(X, y, r.coef_, r.intercept_, 0.02) == pytest.approx(
        lasso_objective(X, y, c.coef_, c.intercept_, 0.02), rel=1e-10
    )


def test_warm_start_takes_fewer_iterations():
    X, y = make_problem(200, 100, seed=16)
    amax = lasso_alpha_max(X, y)
    cold = LassoL1(alpha=0.01 * amax, tol=1e-8).fit(X, y)
    warm = LassoL1(alpha=0.012 * amax, tol=1e-8, warm_start=True).fit(X, y)
    warm.set_params(alpha=0.01 * amax).fit(X, y)
    assert warm.n_iter_ < cold.n_iter_
    np.testing.assert_allclose(warm.coef_, cold.coef_, atol=1e-5)


def test_unconverged_solve_warns_with_the_gap():
    X, y = make_problem(20, 200, seed=17)
    with pytest.warns(ConvergenceWarning, match=r"duality gap \d\.\d+e[-+]\d+ >"):
        m = LassoL1(alpha=1e-4, max_iter=3, tol=1e-12).fit(X, y)
    assert m.n_iter_ == 3 and m.dual_gap_ > 0
    rep = m.sparsity_report()
    assert not rep.converged


def test_reported_gap_equals_the_independent_certificate():
    for layout, precompute in [("dense", False), ("dense", True), ("csc", False)]:
        X, y = make_problem(80, 40, seed=18, density=None if layout == "dense" else 0.3)
        m = LassoL1(alpha=0.03, tol=1e-3, precompute=precompute).fit(X, y)
        ref = duality_gap(X, y, m.coef_, m.intercept_, alpha=0.03)
        assert m.dual_gap_ == pytest.approx(ref, rel=1e-6, abs=1e-14)


# --- errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        dict(alpha=-1.0),
        dict(tol=-1e-3),
        dict(max_iter=0),
        dict(selection="greedy"),
        dict(alpha="big"),
    ],  # fmt: skip
)
def test_invalid_parameters(params):
    X, y = make_problem(10, 3)
    with pytest.raises(InvalidParameterError):
        LassoL1(**params).fit(X, y)


def test_bad_data_gets_clear_errors():
    X, y = make_problem(10, 3)
    bad_X = X.copy()
    bad_X[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        LassoL1().fit(bad_X, y)
    bad_X[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        LassoL1().fit(bad_X, y)
    with pytest.raises(ValueError, match="NaN"):
        LassoL1().fit(X, np.r_[np.nan, y[1:]])
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        LassoL1().fit(X, y[:-1])
    with pytest.raises(ValueError, match="0 sample"):
        LassoL1().fit(np.empty((0, 3)), np.empty(0))
    with pytest.raises(ValueError, match="0 feature"):
        LassoL1().fit(np.empty((5, 0)), np.ones(5))
    with pytest.raises(ValueError, match="[Cc]omplex"):
        LassoL1().fit(X + 1j, y)
    with pytest.raises(ValueError):
        LassoL1().fit(np.array([["a", "b"], ["c", "d"]]), [1.0, 2.0])
    with pytest.raises(ValueError, match="2D array"):
        LassoL1().fit(y, y)
    sp_bad = sp.csc_matrix(X)
    sp_bad.data[0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        LassoL1().fit(sp_bad, y)


def test_bad_sample_weight_gets_clear_errors():
    X, y = make_problem(10, 3)
    with pytest.raises(ValueError, match="[Nn]egative"):
        LassoL1().fit(X, y, sample_weight=np.r_[-1.0, np.ones(9)])
    with pytest.raises(ValueError, match="non-zero|sum to zero"):
        LassoL1().fit(X, y, sample_weight=np.zeros(10))
    with pytest.raises(ValueError, match="NaN"):
        LassoL1().fit(X, y, sample_weight=np.r_[np.nan, np.ones(9)])
    with pytest.raises(ValueError, match="shape"):
        LassoL1().fit(X, y, sample_weight=np.ones(9))


def test_unfitted_estimator_raises_not_fitted():
    m = LassoL1()
    for call in (lambda: m.predict([[1.0]]), m.sparsity_report, lambda: m.sparse_coef_):
        with pytest.raises(NotFittedError):
            call()


def test_predict_checks_the_number_of_features():
    X, y = make_problem(20, 4)
    m = LassoL1(alpha=0.1).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        m.predict(X[:, :3])


# --- sklearn plumbing ---------------------------------------------------------------


def test_grid_search_in_a_pipeline_and_pickle_round_trip():
    X, y = make_problem(120, 15, seed=19)
    pipe = make_pipeline(StandardScaler(), LassoL1())
    search = GridSearchCV(pipe, {"lassol1__alpha": [0.01, 0.1, 1.0]}, cv=3)
    search.fit(X, y)
    assert search.best_params_["lassol1__alpha"] in (0.01, 0.1, 1.0)
    best = search.best_estimator_
    clone = pickle.loads(pickle.dumps(best))
    np.testing.assert_array_equal(clone.predict(X), best.predict(X))
    rep = pickle.loads(pickle.dumps(best[-1].sparsity_report()))
    assert rep.n_nonzero == np.count_nonzero(best[-1].coef_)


def test_sparse_coef_matches_coef():
    X, y = make_problem(30, 8, seed=20)
    m = LassoL1(alpha=0.2).fit(X, y)
    assert sp.issparse(m.sparse_coef_)
    np.testing.assert_array_equal(m.sparse_coef_.toarray().ravel(), m.coef_)


def test_alpha_zero_warns_like_sklearn():
    X, y = make_problem(30, 3, seed=21)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with pytest.warns(UserWarning, match="alpha=0"):
            LassoL1(alpha=0.0, max_iter=50).fit(X, y)

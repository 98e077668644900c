"""Covariance (Gram) mode: when "auto" picks it, fold downdating, same optima."""

import numpy as np
import pytest

from lad import LassoL1, lasso_path
from lad._solvers import _gram
from lad._validation import as_kernel_inputs
from tests._oracle import lasso_alpha_max, lasso_kkt, lasso_objective, make_problem


def test_gram_pays_rules():
    # A path amortises the Gram whenever n > p; a single fit only when p is small
    # and the design tall; never past the memory cap or when n <= p.
    assert _gram.gram_pays(5000, 1000, n_solves=100)
    assert not _gram.gram_pays(1000, 1000, n_solves=100)
    assert not _gram.gram_pays(10**6, _gram.GRAM_MAX_FEATURES + 1, n_solves=100)
    assert _gram.gram_pays(100_000, 100)
    assert not _gram.gram_pays(5000, 1000)
    assert not _gram.gram_pays(300, 100)


def test_blocked_gram_equals_the_centred_weighted_gram():
    # Several row blocks, weights and centring: the syrk accumulation must equal
    # the textbook Xc' S Xc.
    X, _ = make_problem(50, 6, seed=1)
    sw = np.random.default_rng(1).uniform(0.5, 2, 50)
    sw *= 50 / sw.sum()
    xmean = sw @ X / 50
    G = _gram.centred_gram(np.asfortranarray(X), sw, xmean, block_rows=7)
    Xc = X - xmean
    np.testing.assert_allclose(G, Xc.T @ (sw[:, None] * Xc), rtol=1e-12, atol=1e-12)
    assert G.flags.c_contiguous


def test_auto_uses_the_gram_on_tall_dense_data_only():
    X, y = make_problem(2000, 20, seed=2)
    tall = LassoL1(alpha=0.01).fit(X, y)
    assert tall._results[0].solver == "cd-gram"
    wide = LassoL1(alpha=0.01).fit(X[:30], y[:30])
    assert wide._results[0].solver == "cd"
    off = LassoL1(alpha=0.01, precompute=False).fit(X, y)
    assert off._results[0].solver == "cd"


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("fit_intercept", [False, True])
def test_gram_single_fit_matches_plain_cd(weighted, positive, fit_intercept):
    X, y = make_problem(800, 25, seed=3)
    X[:, 4] = 3.0  # a constant column must stay at zero in both modes
    sw = np.random.default_rng(3).uniform(0.5, 2, 800) if weighted else None
    alpha = 0.05 * lasso_alpha_max(X, y, sw, positive=positive)
    kw = dict(alpha=alpha, positive=positive, fit_intercept=fit_intercept, tol=1e-12)
    gram = LassoL1(precompute="auto", **kw).fit(X, y, sample_weight=sw)
    plain = LassoL1(precompute=False, **kw).fit(X, y, sample_weight=sw)
    assert gram._results[0].solver == "cd-gram"
    f_gram = lasso_objective(X, y, gram.coef_, gram.intercept_, alpha, sw)
    f_plain = lasso_objective(X, y, plain.coef_, plain.intercept_, alpha, sw)
    assert f_gram == pytest.approx(f_plain, rel=1e-10)
    if fit_intercept:
        assert gram.coef_[4] == 0.0
    kkt = lasso_kkt(X, y, gram.coef_, gram.intercept_, alpha, sample_weight=sw,
                    positive=positive, fit_intercept=fit_intercept)  # fmt: skip
    assert kkt <= 1e-6 * alpha


@pytest.mark.parametrize("weighted", [False, True])
def test_gram_path_matches_plain_path(weighted):
    X, y = make_problem(400, 60, seed=4)
    sw = np.random.default_rng(4).uniform(0.5, 2, 400) if weighted else None
    auto = lasso_path(X, y, n_alphas=30, sample_weight=sw, tol=1e-12)
    plain = lasso_path(X, y, n_alphas=30, sample_weight=sw, tol=1e-12, precompute=False)
    for k, a in enumerate(auto.alphas):
        f_auto = lasso_objective(X, y, auto.coefs[:, k], auto.intercepts[k], a, sw)
        f_plain = lasso_objective(X, y, plain.coefs[:, k], plain.intercepts[k], a, sw)
        assert f_auto == pytest.approx(f_plain, rel=1e-10)
    assert as_kernel_inputs(X).shape == X.shape


def test_path_rejects_an_unknown_precompute():
    X, y = make_problem(40, 5, seed=5)
    with pytest.raises(ValueError, match="precompute"):
        lasso_path(X, y, n_alphas=3, precompute="always")


@pytest.mark.parametrize("offset", [0.0, 1.0, 1e6])
@pytest.mark.parametrize("layout", ["C", "F"])
def test_gram_stats_match_the_centred_definition(offset, layout):
    # Small offsets take the one-product route (X'X - n m m'); large ones fall back
    # to blocked centring. Either way: the centred Gram, exact zeros for constants.
    X, _ = make_problem(300, 8, seed=6)
    X = X + offset
    X[:, 2] = 7.25 + offset
    X = np.asarray(X, order=layout)
    xmean, col_sq, G = _gram.gram_stats(X, np.empty(0), True)
    Xc = X - X.mean(axis=0)
    ref = Xc.T @ Xc
    keep = np.arange(8) != 2
    scale = np.sqrt(np.outer(np.diag(ref), np.diag(ref)))[np.ix_(keep, keep)]
    err = np.abs(G - ref)[np.ix_(keep, keep)] / scale
    assert err.max() <= 1e-10
    assert col_sq[2] == 0.0
    np.testing.assert_allclose(xmean, X.mean(axis=0), rtol=1e-14)
    np.testing.assert_allclose(col_sq[keep], np.diag(ref)[keep], rtol=1e-10)


@pytest.mark.parametrize("fit_intercept", [False, True])
def test_fold_grams_equal_the_gram_of_the_training_rows(fit_intercept):
    X, _ = make_problem(120, 7, seed=7)
    X[:, 3] = 2.5  # constant on every subset
    folds = _gram.FoldGrams(X)
    test = np.arange(30, 55)
    train = np.setdiff1d(np.arange(120), test)
    X_tr, (xmean, col_sq, G) = folds.stats(train, test, fit_intercept)
    ref_mean, ref_sq, ref_G = _gram.gram_stats(X[train], np.empty(0), fit_intercept)
    np.testing.assert_array_equal(X_tr, X[train])
    np.testing.assert_allclose(xmean, ref_mean, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(G, ref_G, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(col_sq, ref_sq, rtol=1e-10, atol=1e-10)
    assert (col_sq[3] == 0.0) == fit_intercept
    X_all, (_, _, G_all) = folds.stats(np.arange(120), np.arange(0), fit_intercept)
    assert X_all is X
    np.testing.assert_allclose(
        G_all, _gram.gram_stats(X, np.empty(0), fit_intercept)[2]
    )


@pytest.mark.parametrize("positive", [False, True])
def test_cv_with_fold_grams_matches_cv_without(positive):
    from sklearn.model_selection import KFold

    from lad import LassoL1CV

    X, y = make_problem(300, 40, seed=8)
    kw = dict(cv=KFold(4), n_alphas=25, tol=1e-12, positive=positive)
    fast = LassoL1CV(**kw).fit(X, y)
    plain = LassoL1CV(precompute=False, **kw).fit(X, y)
    np.testing.assert_allclose(fast.cv_error_path_, plain.cv_error_path_, rtol=1e-8)
    assert fast.alpha_ == plain.alpha_
    np.testing.assert_allclose(fast.coef_path_, plain.coef_path_, atol=1e-8)

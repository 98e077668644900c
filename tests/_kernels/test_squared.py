"""Direct tests of the squared-loss kernels on tiny problems."""

import numpy as np
import pytest
import scipy.sparse as sp

from lad._kernels._columns import col_stats_csc, col_stats_dense
from lad._kernels.squared import (
    cd_squared_csc,
    cd_squared_dense,
    cd_squared_gram,
    grad_squared_csc,
    screen_and_rank,
    squared_gap,
)
from lad._penalty import Penalty
from lad._solvers._free import NONE
from tests._oracle import lasso_objective, make_problem


def _ro(a):
    # The drivers pass read-only inputs; doing the same keeps one signature per kernel.
    v = np.ascontiguousarray(a) if a.ndim == 1 else a
    v = v.view()
    v.flags.writeable = False
    return v


def _csc(X):
    Xc = sp.csc_matrix(X)
    return (
        _ro(Xc.data),
        _ro(Xc.indices.astype(np.int32)),
        _ro(Xc.indptr.astype(np.int32)),
    )


def test_column_stats_dense_and_csc_agree():
    X, _ = make_problem(20, 6, seed=1, density=0.4)
    sw = np.random.default_rng(1).uniform(0.5, 2, 20)
    sw *= 20 / sw.sum()
    Xd = np.asfortranarray(X.toarray())
    m1, c1, t1 = col_stats_dense(_ro(Xd), _ro(sw), True)
    m2, c2, t2 = col_stats_csc(*_csc(X), 20, _ro(sw), True)
    np.testing.assert_allclose(m1, sw @ Xd / 20)
    np.testing.assert_allclose(c1, sw @ (Xd - m1) ** 2)
    np.testing.assert_allclose(m2, m1)
    np.testing.assert_allclose(c2, c1)
    np.testing.assert_array_equal(t1, np.abs(Xd).max(axis=0))
    np.testing.assert_array_equal(t2, t1)


def _problem(n, p, seed):
    X, y = make_problem(n, p, seed=seed)
    Xf = np.asfortranarray(X)
    xmean = X.mean(axis=0)
    col_sq = ((X - xmean) ** 2).sum(axis=0)
    yc = y - y.mean()
    return X, y, Xf, xmean, col_sq, yc


@pytest.mark.parametrize("layout", ["dense", "csc"])
@pytest.mark.parametrize("penalty", ["l1", "enet-bounds"])
def test_one_epoch_never_increases_the_objective(layout, penalty):
    X, y, Xf, xmean, col_sq, yc = _problem(25, 10, 2)
    alpha = 0.05
    if penalty == "l1":
        pen = Penalty(alpha, 10).array()
    else:
        pen = Penalty(alpha, 10, l1_ratio=0.5, lower_bounds=-0.3,
                      upper_bounds=np.linspace(0.1, 2, 10)).array()  # fmt: skip
    w = np.zeros(10)
    r = yc.copy()
    ws = np.arange(10, dtype=np.int32)
    sw = np.empty(0)

    def objective(w):
        b = y.mean() - xmean @ w
        rr = y - X @ w - b
        return 0.5 * rr @ rr / 25 + pen[0] @ np.abs(w) + 0.5 * pen[1] @ w**2

    prev = objective(w)
    for _ in range(15):
        if layout == "dense":
            cd_squared_dense(_ro(Xf), _ro(yc), _ro(sw), w, r, _ro(col_sq), _ro(xmean),
                             pen, -1, 1, 0.0, 0, ws, *NONE)  # fmt: skip
        else:
            cd_squared_csc(*_csc(X), _ro(yc), _ro(sw), w, r, _ro(col_sq), _ro(xmean),
                           pen, -1, 1, 0.0, 0, ws, *NONE)  # fmt: skip
        np.testing.assert_allclose(r, yc - (X - xmean) @ w, atol=1e-10)
        assert np.all(w >= pen[2]) and np.all(w <= pen[3])
        cur = objective(w)
        assert cur <= prev + 1e-12
        prev = cur


def test_kernels_report_whether_the_gap_is_current():
    # max_epochs = 0: only the entry gap, which is current; a budget that runs out
    # between gap checks says so, and the entry gap of the next call is fresh.
    X, y, Xf, xmean, col_sq, yc = _problem(30, 8, 3)
    pen = Penalty(1e-4, 8).array()
    ws = np.arange(8, dtype=np.int32)
    w = np.zeros(8)
    r = yc.copy()
    args = (_ro(Xf), _ro(yc), _ro(np.empty(0)), w, r, _ro(col_sq), _ro(xmean), pen, -1)
    n, gap0, current = cd_squared_dense(*args, 0, 0.0, 0, ws, *NONE)
    assert n == 0 and current and gap0 > 0
    n, gap, current = cd_squared_dense(*args, 3, 0.0, 0, ws, *NONE)
    assert n == 3 and not current and gap == gap0
    n, gap1, current = cd_squared_dense(*args, 0, 0.0, 0, ws, *NONE)
    assert current and gap1 < gap0


def test_gram_kernel_equals_the_dense_kernel():
    X, y, Xf, xmean, col_sq, yc = _problem(40, 6, 4)
    Xc = X - xmean
    Q = _ro(np.ascontiguousarray(Xc.T @ Xc))
    q = _ro(Xc.T @ yc)
    pen = Penalty(0.05, 6, positive=True).array()
    ws = np.arange(6, dtype=np.int32)
    w1, H = np.zeros(6), np.zeros(6)
    n1, g1, _ = cd_squared_gram(Q, q, float(yc @ yc), w1, H, 40, pen, -1, 10_000,
                                1e-14, ws, *NONE)  # fmt: skip
    w2, r = np.zeros(6), yc.copy()
    cd_squared_dense(_ro(Xf), _ro(yc), _ro(np.empty(0)), w2, r, _ro(col_sq),
                     _ro(xmean), pen, -1, 10_000, 1e-14, 0, ws, *NONE)  # fmt: skip
    np.testing.assert_allclose(w1, w2, atol=1e-8)
    np.testing.assert_allclose(H, Q @ w1, atol=1e-10)
    assert np.all(w1 >= 0)


def test_squared_gap_is_the_lasso_gap_and_zero_at_the_optimum():
    X, y, Xf, xmean, col_sq, yc = _problem(50, 5, 5)
    alpha = 0.1
    pen = Penalty(alpha, 5).array()
    ws = np.arange(5, dtype=np.int32)
    w = np.zeros(5)
    r = yc.copy()
    g = (X - xmean).T @ r
    gap, s = squared_gap(g, w, ws, pen, r @ r, yc @ r, 50, *NONE)
    lam = alpha * 50
    s_ref = min(1.0, lam / np.abs(g).max())
    ref = (0.5 * r @ r - (s_ref * yc @ r - 0.5 * s_ref**2 * r @ r)) / 50
    assert s == pytest.approx(s_ref) and gap == pytest.approx(ref)
    cd_squared_dense(_ro(Xf), _ro(yc), _ro(np.empty(0)), w, r, _ro(col_sq),
                     _ro(xmean), pen, -1, 10_000, 1e-15, 0, ws, *NONE)  # fmt: skip
    g = (X - xmean).T @ r
    gap, _ = squared_gap(g, w, ws, pen, r @ r, yc @ r, 50, *NONE)
    assert 0 <= gap <= 1e-14
    obj = lasso_objective(X, y, w, y.mean() - xmean @ w, alpha)
    assert obj > 0


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [False, True])
def test_grad_squared_csc_is_the_centred_weighted_gradient(weighted, fit_intercept):
    X, _ = make_problem(30, 12, seed=5, density=0.3)
    dense = X.toarray()
    dense[:, 3] = 0.0  # an empty (constant) column
    X = sp.csc_matrix(dense)
    rng = np.random.default_rng(5)
    sw = rng.uniform(0.5, 2, 30) if weighted else np.empty(0)
    if weighted:
        sw *= 30 / sw.sum()
    r = rng.standard_normal(30)
    xmean, col_sq, _ = col_stats_csc(*_csc(X), 30, _ro(sw), fit_intercept)
    g = np.full(12, np.nan)
    grad_squared_csc(*_csc(X), _ro(sw), _ro(r), _ro(xmean), _ro(col_sq), g)
    v = r * sw if weighted else r
    Xc = X.toarray() - (xmean if fit_intercept else 0.0)
    expected = Xc.T @ v
    expected[col_sq == 0.0] = 0.0
    assert g[3] == 0.0
    np.testing.assert_allclose(g, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("positive", [False, True])
def test_screen_and_rank_matches_its_definition(positive):
    rng = np.random.default_rng(6)
    p = 40
    g = rng.standard_normal(p)
    w = np.where(rng.random(p) < 0.2, rng.standard_normal(p), 0.0)
    if positive:
        w = np.abs(w)
    norms = rng.uniform(0.5, 2, p)
    candidate = rng.random(p) < 0.8
    candidate |= w != 0.0  # the support is never screened
    s, radius, n = 0.4, 0.1, 10.0
    pen = Penalty(0.1, p, positive=positive).array()
    lam = n * pen[0]
    before = candidate.copy()
    priority = np.empty(p)
    n_cand = screen_and_rank(_ro(g), _ro(w), _ro(norms), s, radius, pen, n,
                             candidate, priority)  # fmt: skip
    gg = np.maximum(g, 0.0) if positive else g
    corr = s * np.abs(gg)
    support = w != 0.0
    keep = before & (support | (corr + norms * radius >= lam))
    np.testing.assert_array_equal(candidate, keep)
    assert n_cand == keep.sum()
    expected = np.where(keep, (1.0 - corr / lam) / norms, np.inf)
    expected[support] = -np.inf
    np.testing.assert_allclose(priority, expected)

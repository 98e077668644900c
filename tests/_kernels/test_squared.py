"""Direct tests of the squared-loss kernels on tiny problems."""

import numpy as np
import pytest

from lad._kernels._columns import col_stats_csc, col_stats_dense
from lad._kernels._scalar import cd_update, soft_threshold
from lad._kernels.squared import (
    cd_squared_csc,
    cd_squared_dense,
    grad_squared_csc,
    screen_and_rank,
)
from tests._oracle import lasso_objective, make_problem


def _ro(a):
    # The drivers pass read-only inputs; doing the same keeps one signature per kernel.
    v = np.ascontiguousarray(a) if a.ndim == 1 else a
    v = v.view()
    v.flags.writeable = False
    return v


def test_soft_threshold():
    assert soft_threshold(3.0, 1.0) == 2.0
    assert soft_threshold(-3.0, 1.0) == -2.0
    assert soft_threshold(0.5, 1.0) == 0.0


def test_cd_update_minimises_along_the_coordinate():
    # 0.5 * c * v^2 - (g + c w) v + pen |v| has its minimum at the returned value.
    rng = np.random.default_rng(0)
    for _ in range(50):
        w, g, c, pen = rng.normal(), rng.normal(), rng.uniform(0.1, 3), rng.uniform()
        for positive in (False, True):
            v = cd_update(w, g, c, pen, positive)
            grid = np.linspace(-5, 5, 20001)
            if positive:
                grid = grid[grid >= 0]
            f = 0.5 * c * grid**2 - (g + c * w) * grid + pen * np.abs(grid)
            best = grid[np.argmin(f)]
            assert abs(v - best) < 1e-3


def test_column_stats_dense_and_csc_agree():
    import scipy.sparse as sp

    X, _ = make_problem(20, 6, seed=1, density=0.4)
    sw = np.random.default_rng(1).uniform(0.5, 2, 20)
    sw *= 20 / sw.sum()
    Xd = np.asfortranarray(X.toarray())
    Xc = sp.csc_matrix(X)
    m1, c1 = col_stats_dense(_ro(Xd), _ro(sw), True)
    m2, c2 = col_stats_csc(
        _ro(Xc.data), _ro(Xc.indices.astype(np.int32)),
        _ro(Xc.indptr.astype(np.int32)), 20, _ro(sw), True,
    )  # fmt: skip
    np.testing.assert_allclose(m1, sw @ Xd / 20)
    np.testing.assert_allclose(c1, sw @ (Xd - m1) ** 2)
    np.testing.assert_allclose(m2, m1)
    np.testing.assert_allclose(c2, c1)


@pytest.mark.parametrize("layout", ["dense", "csc"])
def test_one_epoch_never_increases_the_objective(layout):
    import scipy.sparse as sp

    X, y = make_problem(25, 10, seed=2)
    Xf = np.asfortranarray(X)
    xmean = X.mean(axis=0)
    col_sq = ((X - xmean) ** 2).sum(axis=0)
    yc = y - y.mean()
    w = np.zeros(10)
    r = yc.copy()
    ws = np.arange(10, dtype=np.int32)
    sw = np.empty(0)
    alpha = 0.05
    Xc = sp.csc_matrix(X)
    prev = lasso_objective(X, y, w, y.mean() - xmean @ w, alpha)
    for _ in range(15):
        if layout == "dense":
            cd_squared_dense(
                _ro(Xf), _ro(yc), _ro(sw), w, r, _ro(col_sq), _ro(xmean), alpha,
                False, -1, 1, 0.0, 0, ws,
            )  # fmt: skip
        else:
            cd_squared_csc(
                _ro(Xc.data), _ro(Xc.indices.astype(np.int32)),
                _ro(Xc.indptr.astype(np.int32)), _ro(yc), _ro(sw), w, r,
                _ro(col_sq), _ro(xmean), alpha, False, -1, 1, 0.0, 0, ws,
            )  # fmt: skip
        np.testing.assert_allclose(r, yc - (X - xmean) @ w, atol=1e-10)
        cur = lasso_objective(X, y, w, y.mean() - xmean @ w, alpha)
        assert cur <= prev + 1e-12
        prev = cur


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [False, True])
def test_grad_squared_csc_is_the_centred_weighted_gradient(weighted, fit_intercept):
    import scipy.sparse as sp

    X, _ = make_problem(30, 12, seed=5, density=0.3)
    dense = X.toarray()
    dense[:, 3] = 0.0  # an empty (constant) column
    X = sp.csc_matrix(dense)
    rng = np.random.default_rng(5)
    sw = rng.uniform(0.5, 2, 30) if weighted else np.empty(0)
    if weighted:
        sw *= 30 / sw.sum()
    r = rng.standard_normal(30)
    indices, indptr = X.indices.astype(np.int32), X.indptr.astype(np.int32)
    xmean, col_sq = col_stats_csc(
        _ro(X.data), _ro(indices), _ro(indptr), 30, _ro(sw), fit_intercept
    )
    g = np.full(12, np.nan)
    grad_squared_csc(
        _ro(X.data), _ro(indices), _ro(indptr), _ro(sw), _ro(r), _ro(xmean),
        _ro(col_sq), g,
    )  # fmt: skip
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
    norms = rng.uniform(0.5, 2, p)
    candidate = rng.random(p) < 0.8
    candidate |= w != 0.0  # the support is never screened
    scale, radius = 0.4, 0.1
    before = candidate.copy()
    priority = np.empty(p)
    n_cand = screen_and_rank(
        _ro(g), _ro(w), _ro(norms), scale, radius, positive, candidate, priority
    )
    corr = scale * (g if positive else np.abs(g))
    support = w != 0.0
    keep = before & (support | (corr + norms * radius >= 1.0))
    np.testing.assert_array_equal(candidate, keep)
    assert n_cand == keep.sum()
    expected = np.where(keep, (1.0 - corr) / norms, np.inf)
    expected[support] = -np.inf
    np.testing.assert_array_equal(priority, expected)

"""The scalar and column helpers shared by the kernels, against NumPy."""

import numpy as np
import pytest
import scipy.sparse as sp

from lad._kernels._scalar import (
    anderson_point,
    axpy_centered_col,
    csc_col_axpy,
    csc_col_dot,
    dot_centered_col,
    dot_centered_col_weighted,
    soft_threshold,
    weighted_dot,
    weighted_sum,
    weighted_sum_sq,
)

INF = np.inf


def _ro(a):
    # The drivers pass read-only inputs: one signature per kernel.
    v = a.view()
    v.flags.writeable = False
    return v


@pytest.mark.parametrize(
    ("x", "t", "expected"),
    [(3.0, 1.0, 2.0), (-3.0, 1.0, -2.0), (0.5, 1.0, 0.0), (-0.5, 1.0, 0.0),
     (1.0, 1.0, 0.0), (-1.0, 1.0, 0.0), (2.5, 0.0, 2.5), (-2.5, 0.0, -2.5),
     (0.0, 0.0, 0.0), (1e300, 1e299, 9e299)],
)  # fmt: skip
def test_soft_threshold(x, t, expected):
    got = soft_threshold(x, t)
    assert got == pytest.approx(expected, rel=1e-15)
    assert got == np.sign(x) * max(abs(x) - t, 0.0)


def _problem(seed, n=17, p=5):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    X[rng.random((n, p)) < 0.4] = 0.0
    X[:, 2] = 0.0  # an empty CSC column
    v = rng.standard_normal(n)
    sw = rng.uniform(0.5, 2, n)
    return X, v, sw


@pytest.mark.parametrize("j", [0, 2, 4])
def test_dense_column_helpers(j):
    X, v, sw = _problem(0)
    Xf = _ro(np.asfortranarray(X))
    m = 0.37
    ref = (X[:, j] - m) @ v
    np.testing.assert_allclose(dot_centered_col(Xf, j, m, _ro(v)), ref, rtol=1e-13)
    ref_w = (X[:, j] - m) @ (sw * v)
    got_w = dot_centered_col_weighted(Xf, j, m, _ro(sw), _ro(v))
    np.testing.assert_allclose(got_w, ref_w, rtol=1e-13)
    out = v.copy()
    axpy_centered_col(Xf, j, m, -1.5, out)
    np.testing.assert_allclose(out, v - 1.5 * (X[:, j] - m), rtol=1e-15, atol=1e-15)


@pytest.mark.parametrize("j", [0, 1, 2, 4])
def test_csc_column_helpers(j):
    X, v, sw = _problem(1)
    Xs = sp.csc_matrix(X)
    Xs.sort_indices()
    data = _ro(Xs.data.astype(np.float64))
    indices = _ro(Xs.indices.astype(np.int32))
    indptr = _ro(Xs.indptr.astype(np.int32))
    empty = _ro(np.empty(0))
    got = csc_col_dot(data, indices, indptr, j, empty, _ro(v))
    np.testing.assert_allclose(got, X[:, j] @ v, rtol=1e-13, atol=1e-300)
    got_w = csc_col_dot(data, indices, indptr, j, _ro(sw), _ro(v))
    np.testing.assert_allclose(got_w, X[:, j] @ (sw * v), rtol=1e-13, atol=1e-300)
    if j == 2:
        assert got == 0.0 and got_w == 0.0
    out = v.copy()
    csc_col_axpy(data, indices, indptr, j, 0.75, out)
    np.testing.assert_allclose(out, v + 0.75 * X[:, j], rtol=1e-15, atol=1e-15)
    # Only the rows stored in column j move.
    moved = out != v
    assert np.all(X[moved, j] != 0)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shift", [0.0, -1.25])
def test_weighted_reductions(weighted, shift):
    rng = np.random.default_rng(2)
    n = 23
    u = rng.standard_normal(n)
    v = rng.standard_normal(n)
    sw_full = rng.uniform(0.5, 2, n) if weighted else np.ones(n)
    sw = _ro(sw_full if weighted else np.empty(0))  # empty: unit weights
    np.testing.assert_allclose(
        weighted_sum_sq(sw, _ro(v), shift), sw_full @ (v + shift) ** 2, rtol=1e-13
    )
    np.testing.assert_allclose(
        weighted_dot(sw, _ro(u), _ro(v), shift), sw_full @ (u * (v + shift)),
        rtol=1e-13,
    )  # fmt: skip
    np.testing.assert_allclose(weighted_sum(sw, _ro(v)), sw_full @ v, rtol=1e-13)


# ---------------------------------------------------------------------------
# anderson_point


def _free_pen(p):
    pen = np.zeros((4, p))
    pen[2], pen[3] = -INF, INF
    return pen


def _linear_iterates(n, K, seed, burn_in=15):
    """K + 1 iterates of x <- A x + b (A a symmetric contraction), its fixed point."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    A = Q @ np.diag(rng.uniform(0.5, 0.95, n)) @ Q.T
    b = rng.standard_normal(n)
    fixed = np.linalg.solve(np.eye(n) - A, b)
    x = fixed + 3.0 * rng.standard_normal(n)
    for _ in range(burn_in):
        x = A @ x + b
    hist = np.empty((K + 1, n))
    for k in range(K + 1):
        hist[k] = x
        x = A @ x + b
    return hist, fixed


def _anderson(hist, pen, ws):
    K = hist.shape[0] - 1
    G = np.empty((K, K))
    c = np.empty(K)
    out = np.full(hist.shape[1], np.nan)
    ok = anderson_point(hist, G, c, hist[K], out, _ro(pen), _ro(ws))
    return ok, out


def test_anderson_refuses_identical_iterates():
    hist = np.tile(np.array([1.0, -2.0, 0.5]), (5, 1))
    ok, _ = _anderson(hist, _free_pen(3), np.arange(3, dtype=np.int32))
    assert ok is False


def test_anderson_refuses_non_finite_iterates():
    hist, _ = _linear_iterates(4, 4, seed=0)
    hist[2, 1] = np.nan
    ok, _ = _anderson(hist, _free_pen(4), np.arange(4, dtype=np.int32))
    assert ok is False


@pytest.mark.parametrize(
    ("n", "K", "seed"), [(4, 5, 0), (3, 4, 1), (5, 6, 2), (2, 3, 2)]
)
def test_anderson_extrapolates_a_linear_map_to_its_fixed_point(n, K, seed):
    hist, fixed = _linear_iterates(n, K, seed)
    assert np.all(hist[K] != 0)
    ok, out = _anderson(hist, _free_pen(n), np.arange(n, dtype=np.int32))
    assert ok is True
    last = np.linalg.norm(hist[K] - fixed)
    # With K > n differences the extrapolation is exact but for the ridge term.
    assert np.linalg.norm(out - fixed) <= 1e-2 * last
    # It is an affine combination of the iterates: with c from the normal equations.
    U = np.diff(hist, axis=0)
    M = U @ U.T
    M += 1e-10 * np.max(np.diag(M)) * np.eye(K)
    coef = np.linalg.solve(M, np.ones(K))
    coef /= coef.sum()
    np.testing.assert_allclose(out, coef @ hist[1:], rtol=1e-6, atol=1e-8 * last)


def test_anderson_clips_into_the_bounds_of_the_working_set():
    n, K = 4, 5
    hist, _ = _linear_iterates(n, K, seed=3)
    ws = np.array([5, 1, 3, 0], dtype=np.int32)  # columns of pen, not 0..n-1
    ok, free = _anderson(hist, _free_pen(6), ws)
    assert ok
    pen = _free_pen(6)
    # Bounds through each coordinate's unclipped value, on alternating sides.
    for i, j in enumerate(ws):
        if i % 2 == 0:
            pen[3, j] = free[i] - 0.1  # below the value: clipped down
        else:
            pen[2, j] = free[i] + 0.1  # above the value: clipped up
    pen[2:, 2], pen[2:, 4] = (-1e-9, 1e-9), (-1e-9, 1e-9)  # features not in ws
    ok, out = _anderson(hist, pen, ws)
    assert ok
    np.testing.assert_array_equal(out, np.clip(free, pen[2, ws], pen[3, ws]))
    assert np.all(out >= pen[2, ws]) and np.all(out <= pen[3, ws])
    np.testing.assert_allclose(out[::2], free[::2] - 0.1, rtol=1e-15)
    np.testing.assert_allclose(out[1::2], free[1::2] + 0.1, rtol=1e-15)


def test_anderson_keeps_the_zeros_of_the_last_iterate():
    n, K = 5, 5
    hist, _ = _linear_iterates(n, K, seed=4)
    hist[K, [1, 3]] = 0.0  # zero in the current iterate only
    ok, out = _anderson(hist, _free_pen(n), np.arange(n, dtype=np.int32))
    assert ok
    assert out[1] == 0.0 and out[3] == 0.0
    assert np.all(out[[0, 2, 4]] != 0.0)
    # A zero in an older iterate does not pin the coordinate.
    hist, _ = _linear_iterates(n, K, seed=4)
    hist[0, 2] = 0.0
    ok, out = _anderson(hist, _free_pen(n), np.arange(n, dtype=np.int32))
    assert ok and out[2] != 0.0

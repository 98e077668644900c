"""Column statistics and exact products, dense and CSC, against NumPy."""

import numpy as np
import pytest

from lad._kernels._columns import (
    col_stats_csc,
    col_stats_dense,
    xt_exact_csc,
    xt_exact_dense,
    xt_exact_rows,
)


def _ro(a):
    # The drivers pass read-only inputs: one signature per kernel.
    v = a.view()
    v.flags.writeable = False
    return v


def _csc(X, explicit):
    """Read-only CSC arrays of ``X``: its nonzeros and the zeros in ``explicit``."""
    keep = (X != 0) | explicit
    data, indices, indptr = [], [], [0]
    for j in range(X.shape[1]):
        rows = np.flatnonzero(keep[:, j])
        data.extend(X[rows, j])
        indices.extend(rows)
        indptr.append(indptr[-1] + rows.size)
    return (
        _ro(np.array(data, dtype=np.float64)),
        _ro(np.array(indices, dtype=np.int32)),
        _ro(np.array(indptr, dtype=np.int32)),
    )


def _matrix(n, rng):
    """Columns: general, sparse, constant 0.1, all zeros, large offset, constant -3."""
    X = np.empty((n, 6))
    X[:, 0] = rng.standard_normal(n)
    X[:, 1] = np.where(rng.random(n) < 0.5, 0.0, rng.standard_normal(n))
    X[:, 2] = 0.1
    X[:, 3] = 0.0
    X[:, 4] = 1e6 + rng.standard_normal(n)
    X[:, 5] = -3.0
    explicit = rng.random((n, 6)) < 0.4
    explicit[:, 3] = True  # a column of stored zeros only
    return X, explicit


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_col_stats_dense_and_csc(weighted, fit_intercept):
    n = 13
    rng = np.random.default_rng(0)
    X, explicit = _matrix(n, rng)
    if weighted:
        sw = rng.uniform(0.5, 2, n)
        sw[2] = 0.0
        sw *= n / sw.sum()
        full = sw
    else:
        sw = np.empty(0)
        full = np.ones(n)
    m_ref = full @ X / n if fit_intercept else np.zeros(6)
    sq_ref = full @ (X - m_ref) ** 2
    max_ref = np.abs(X).max(axis=0)
    if fit_intercept:
        sq_ref[[2, 3, 5]] = 0.0  # constant columns carry no signal once centred
    dense = col_stats_dense(_ro(np.asfortranarray(X)), _ro(sw), fit_intercept)
    sparse = col_stats_csc(*_csc(X, explicit), n, _ro(sw), fit_intercept)
    for xmean, col_sq, col_max in (dense, sparse):
        np.testing.assert_allclose(xmean, m_ref, rtol=1e-13, atol=0)
        np.testing.assert_allclose(col_sq, sq_ref, rtol=1e-9, atol=0)
        np.testing.assert_array_equal(col_max, max_ref)
        if fit_intercept:
            # Exactly zero, although a rounded mean of 0.1 would leave a tiny norm.
            assert col_sq[2] == 0.0 and col_sq[3] == 0.0 and col_sq[5] == 0.0
        else:
            assert np.all(xmean == 0.0)
            assert col_sq[3] == 0.0 and col_sq[5] > 0.0
        # Centred per element: the column with a 1e6 offset keeps its precision.
        np.testing.assert_allclose(col_sq[4], sq_ref[4], rtol=1e-9)


def test_col_stats_csc_constant_detection():
    # Stored values all equal but implicit zeros elsewhere: not a constant column.
    n = 6
    X = np.zeros((n, 3))
    X[:3, 0] = 2.0  # 2 on half the rows, 0 elsewhere
    X[:, 1] = 2.0  # constant 2, every row stored
    X[[0, 4], 2] = 5.0
    explicit = np.zeros((n, 3), dtype=bool)
    explicit[1, 2] = True  # a stored 0 and stored 5s in column 2
    _, col_sq, _ = col_stats_csc(*_csc(X, explicit), n, _ro(np.empty(0)), True)
    np.testing.assert_allclose(col_sq, ((X - X.mean(axis=0)) ** 2).sum(axis=0))
    assert col_sq[0] > 0 and col_sq[1] == 0.0 and col_sq[2] > 0


def _sequential(X, V):
    """``X' V'`` summed row by row in increasing order, in plain Python floats."""
    out = np.empty((V.shape[0], X.shape[1]))
    for k in range(V.shape[0]):
        for j in range(X.shape[1]):
            acc = 0.0
            for i in range(X.shape[0]):
                acc += float(X[i, j]) * float(V[k, i])
            out[k, j] = acc
    return out


@pytest.mark.parametrize("n_features", [7, 5, 8, 2])
@pytest.mark.parametrize("n_rows_v", [1, 3])
def test_xt_exact_all_layouts_bit_identical(n_features, n_rows_v):
    rng = np.random.default_rng(n_features)
    n = 11
    # Magnitudes over 16 decades: a different summation order changes the bits.
    X = rng.standard_normal((n, n_features)) * 10.0 ** rng.uniform(-8, 8, (n, 1))
    X[rng.random(X.shape) < 0.4] = 0.0
    X[:, 0] = 0.0  # an all-zero column
    explicit = rng.random(X.shape) < 0.5
    V = rng.standard_normal((n_rows_v, n)) * 10.0 ** rng.uniform(-4, 4, n)
    V_ro = _ro(np.ascontiguousarray(V))
    out_f = np.full((n_rows_v, n_features), np.nan)
    out_c = np.full((n_rows_v, n_features), np.nan)
    out_s = np.full((n_rows_v, n_features), np.nan)
    xt_exact_dense(_ro(np.asfortranarray(X)), V_ro, out_f)
    xt_exact_rows(_ro(np.ascontiguousarray(X)), V_ro, out_c)
    data, indices, indptr = _csc(X, explicit)
    assert np.any(np.asarray(data) == 0.0)
    xt_exact_csc(data, indices, indptr, V_ro, out_s)
    ref = V @ X
    bound = 1e-12 * (np.abs(V) @ np.abs(X))
    assert np.all(np.abs(out_f - ref) <= bound)
    assert np.array_equal(out_f, out_c)
    assert np.array_equal(out_f, out_s)
    # The fixed order is the row order: the same bits as a plain sequential sum.
    assert np.array_equal(out_f, _sequential(X, V))
    assert np.all(out_f[:, 0] == 0.0)


def test_xt_exact_overwrites_out():
    # xt_exact_rows accumulates into out: it must start from zero, not from out.
    rng = np.random.default_rng(9)
    X = rng.standard_normal((4, 3))
    V = _ro(np.ascontiguousarray(rng.standard_normal((2, 4))))
    for kernel, Xk in ((xt_exact_dense, np.asfortranarray(X)),
                       (xt_exact_rows, np.ascontiguousarray(X))):  # fmt: skip
        out = np.full((2, 3), 123.0)
        kernel(_ro(Xk), V, out)
        np.testing.assert_allclose(out, V @ X, rtol=1e-13)
    out = np.full((2, 3), 123.0)
    xt_exact_csc(*_csc(X, np.zeros(X.shape, dtype=bool)), V, out)
    np.testing.assert_allclose(out, V @ X, rtol=1e-13)

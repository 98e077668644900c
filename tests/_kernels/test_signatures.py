"""Every kernel compiles exactly one signature whatever the user passes."""

import numpy as np
import scipy.sparse as sp

from lad import (
    LADRegressor,
    LADRegressorCV,
    LassoL1,
    LassoL1CV,
    alpha_max,
    lad_path,
    lasso_path,
)
from lad._kernels import _columns, absolute, interior, simplex, squared
from tests._oracle import make_problem

# Every kernel that a driver calls from Python (the others are inlined helpers).
ENTRY_KERNELS = [
    squared.cd_squared_dense,
    squared.cd_squared_csc,
    squared.cd_squared_gram,
    squared.cd_squared_gram_path,
    squared.grad_squared_csc,
    squared.screen_and_rank,
    squared.squared_gap,
    _columns.col_stats_dense,
    _columns.col_stats_csc,
    _columns.xt_exact_dense,
    _columns.xt_exact_rows,
    _columns.xt_exact_csc,
    absolute.cd_absolute_dense,
    absolute.cd_absolute_csc,
    interior.fn_scale_dense,
    interior.fn_step_dense,
    simplex.simplex_dense,
    simplex.simplex_csc,
    simplex.dual_values,
]

# Only wide problems (working sets) reach these.
WORKING_SET_HELPERS = [squared.screen_and_rank, squared.grad_squared_csc]


def _inputs(X):
    ro = X.copy()
    ro.flags.writeable = False
    return [
        X,
        np.ascontiguousarray(X),
        ro,
        X.astype(np.float32),
        np.round(X * 10).astype(np.int64),
        X.tolist(),
        sp.csc_matrix(X),
        sp.csr_matrix(X.astype(np.float32)),
        sp.csc_matrix(X).astype(np.float32),
        X[:, :1],  # one column: C- and F-contiguous at once
        np.asfortranarray(X[:, :1]),
        X[:, ::2],  # a strided view
    ]


def test_one_signature_per_kernel():
    X, y = make_problem(30, 8, seed=0)
    sw = np.random.default_rng(0).uniform(0.5, 2, 30)
    for data in _inputs(X):
        for weights in (None, sw):
            for precompute in (False, True):
                LassoL1(alpha=0.05, precompute=precompute).fit(
                    data, y.astype(np.float32), sample_weight=weights
                )
                LassoL1(alpha=0.05, selection="random", positive=True).fit(
                    data, np.round(y).astype(int).tolist(), sample_weight=weights
                )
            for solver in ("cd", "irls", "ipm", "auto"):
                LADRegressor(alpha=0.05, solver=solver, quantile=0.3).fit(
                    data, y.astype(np.float32), sample_weight=weights
                )
            LADRegressor(solver="ipm", fit_intercept=False).fit(
                data, y, sample_weight=weights
            )
            alpha_max(data, y, sample_weight=weights)
            alpha_max(data, y, loss="absolute", sample_weight=weights)
    # One row: a 1 x p matrix is C- and F-contiguous too.
    LassoL1(alpha=0.05).fit(X[:1], y[:1])
    LADRegressor(alpha=0.05).fit(X[:1], y[:1])
    # Grids of every kind: lists, strided and reversed views, ints.
    grid = np.geomspace(1.0, 1e-3, 12)
    for alphas in (grid[::2], grid[::-1][::-1], list(grid[:4]), 5):
        lasso_path(X, y, alphas=alphas)
        lad_path(X, y, alphas=alphas)
    LassoL1CV(alphas=grid[::-2], cv=3).fit(X, y)
    LassoL1CV(alphas=7, cv=3).fit(X, y)
    LADRegressorCV(alphas=grid[::-3], cv=3).fit(X, y)
    for kernel in ENTRY_KERNELS:
        expected = {1} if kernel not in WORKING_SET_HELPERS else {0, 1}
        assert len(kernel.signatures) in expected, (kernel.__name__, kernel.signatures)


def test_working_set_helpers_compile_one_signature():
    # The outer-pass helpers only run on wide problems (working sets).
    X, y = make_problem(30, 150, seed=1, density=0.3)
    ro = X.toarray()
    ro.flags.writeable = False
    sw = np.random.default_rng(1).uniform(0.5, 2, 30)
    for data in (X, X.astype(np.float32), sp.csr_matrix(X), X.toarray(), ro):
        for weights in (None, sw):
            for positive in (False, True):
                LassoL1(alpha=0.05, positive=positive).fit(
                    data, y.astype(np.float32), sample_weight=weights
                )
            LADRegressor(alpha=0.05).fit(data, y, sample_weight=weights)
    for kernel in ENTRY_KERNELS:
        expected = {1} if kernel in WORKING_SET_HELPERS else {0, 1}
        assert len(kernel.signatures) in expected, (kernel.__name__, kernel.signatures)

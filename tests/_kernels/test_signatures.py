"""Every kernel compiles exactly one signature whatever the user passes."""

import numpy as np
import scipy.sparse as sp

from lad import LADRegressor, LassoL1
from lad._kernels import _columns, absolute, interior, squared
from tests._oracle import make_problem

KERNELS = [
    squared.cd_squared_dense,
    squared.cd_squared_csc,
    squared.cd_squared_gram,
    _columns.col_stats_dense,
    _columns.col_stats_csc,
    absolute.cd_absolute_dense,
    absolute.cd_absolute_csc,
    interior.fn_scale_dense,
    interior.fn_step_dense,
]


def test_one_signature_per_kernel():
    X, y = make_problem(30, 8, seed=0)
    ro = X.copy()
    ro.flags.writeable = False
    inputs = [
        X,
        np.ascontiguousarray(X),
        ro,
        X.astype(np.float32),
        np.round(X * 10).astype(np.int64),
        X.tolist(),
        sp.csc_matrix(X),
        sp.csr_matrix(X.astype(np.float32)),
        sp.csc_matrix(X).astype(np.float32),
    ]
    sw = np.random.default_rng(0).uniform(0.5, 2, 30)
    for data in inputs:
        for weights in (None, sw):
            for precompute in (False, True):
                LassoL1(alpha=0.05, precompute=precompute).fit(
                    data, y.astype(np.float32), sample_weight=weights
                )
                LassoL1(alpha=0.05, selection="random", positive=True).fit(
                    data, np.round(y).astype(int).tolist(), sample_weight=weights
                )
            for solver in ("cd", "irls", "ipm"):
                LADRegressor(alpha=0.05, solver=solver, quantile=0.3).fit(
                    data, y.astype(np.float32), sample_weight=weights
                )
            LADRegressor(solver="ipm", fit_intercept=False).fit(
                data, y, sample_weight=weights
            )
    for kernel in KERNELS:
        assert len(kernel.signatures) == 1, (kernel.__name__, kernel.signatures)


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
    for kernel in (squared.grad_squared_csc, squared.screen_and_rank):
        assert len(kernel.signatures) == 1, (kernel.__name__, kernel.signatures)

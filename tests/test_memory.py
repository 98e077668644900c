"""No temporary the size of X when X already has the kernels' layout (a read-only,
F-ordered memmap): traced peak allocations during one fit, in units of X."""

import tracemalloc

import numpy as np
import pytest

from lad import LADRegressor, LassoL1


@pytest.fixture(scope="module")
def memmap_problem(tmp_path_factory):
    n, p = 100_000, 100
    rng = np.random.default_rng(0)
    path = tmp_path_factory.mktemp("mm") / "X.npy"
    X = np.lib.format.open_memmap(path, mode="w+", dtype=np.float64, shape=(n, p),
                                  fortran_order=True)  # fmt: skip
    X[:] = rng.standard_normal((n, p))
    y = X[:, :5].sum(axis=1) + rng.standard_t(2, n)
    X.flush()
    del X
    X = np.load(path, mmap_mode="r")
    assert X.flags.f_contiguous and not X.flags.writeable
    return X, np.asarray(y)


@pytest.mark.parametrize(
    "est",
    [
        LassoL1(alpha=0.01),  # covariance mode
        LassoL1(alpha=0.01, precompute=False),
        LADRegressor(solver="irls"),
        LADRegressor(alpha=0.01, solver="irls"),
        LADRegressor(alpha=0.01, solver="cd"),
    ],
    ids=repr,
)
def test_peak_allocation_is_a_small_fraction_of_x(memmap_problem, est):
    X, y = memmap_problem
    est.fit(X[:500], y[:500])  # load the compiled kernels first
    tracemalloc.start()
    try:
        est.fit(X, y)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Vectors of n_samples (1 % of X each) and blocks of 4096 rows are allowed; a
    # copy of X (or of most of its columns) is not.
    assert peak <= 0.25 * X.nbytes, f"peak {peak / X.nbytes:.2f} x X"

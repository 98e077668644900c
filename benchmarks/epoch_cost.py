"""Cost of one coordinate-descent epoch against one ``X.T @ r`` product.

Run by hand: ``OMP_NUM_THREADS=1 python benchmarks/epoch_cost.py``. Reports medians of
repeated runs after a warm-up call. The epoch cost is ``(T(41 epochs) - T(1 epoch)) /
40``, so it includes the amortised duality-gap checks (one every 10 epochs).
"""

import time

import numpy as np
import scipy.sparse as sp

from lad._kernels._columns import col_stats_csc, col_stats_dense
from lad._kernels.squared import cd_squared_csc, cd_squared_dense
from lad._penalty import l1_vectors
from lad._solvers._free import NONE
from lad._validation import readonly


def median_time(fn, repeat=7):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def per_epoch(run, k=41):
    run(1)  # compile / warm up
    return (median_time(lambda: run(k)) - median_time(lambda: run(1))) / (k - 1)


def random_csc(n, p, density, seed):
    # scipy.sparse.random draws from all n*p positions, which does not fit in memory
    # at these sizes; drawing row indices per non-zero is equivalent up to duplicates.
    rng = np.random.default_rng(seed)
    nnz = int(n * p * density)
    rows = rng.integers(0, n, nnz)
    cols = rng.integers(0, p, nnz)
    X = sp.csc_matrix((rng.standard_normal(nnz), (rows, cols)), shape=(n, p))
    X.sum_duplicates()
    return X


def dense_case(n, p, seed=0):
    rng = np.random.default_rng(seed)
    X = readonly(np.asfortranarray(rng.standard_normal((n, p))))
    y = readonly(rng.standard_normal(n))
    sw = readonly(np.empty(0))
    xmean, col_sq, _ = col_stats_dense(X, sw, True)
    xmean, col_sq = readonly(xmean), readonly(col_sq)
    ws = np.arange(p, dtype=np.int32)
    w = np.zeros(p)
    r = np.array(y)
    # alpha above alpha_max keeps w at 0, so an epoch is pure gradient work: the floor.
    pen = readonly(l1_vectors(1e6, p))

    def run(k):
        cd_squared_dense(X, y, sw, w, r, col_sq, xmean, pen, -1, k, -1.0, 0, ws, *NONE)

    return per_epoch(run), median_time(lambda: X.T @ r)


def csc_case(n, p, density, seed=0):
    X = random_csc(n, p, density, seed)
    data, indices = readonly(X.data), readonly(X.indices.astype(np.int32))
    indptr = readonly(X.indptr.astype(np.int32))
    rng = np.random.default_rng(seed)
    y = readonly(rng.standard_normal(n))
    sw = readonly(np.empty(0))
    xmean, col_sq, _ = col_stats_csc(data, indices, indptr, n, sw, True)
    xmean, col_sq = readonly(xmean), readonly(col_sq)
    ws = np.arange(p, dtype=np.int32)
    w = np.zeros(p)
    r = np.array(y)
    pen = readonly(l1_vectors(1e6, p))

    def run(k):
        cd_squared_csc(
            data, indices, indptr, y, sw, w, r, col_sq, xmean, pen, -1, k, -1.0, 0,
            ws, *NONE,
        )  # fmt: skip

    return per_epoch(run), median_time(lambda: X.T @ r)


CASES = [
    ("dense", 10000, 1000, None),
    ("dense", 1000, 1000, None),
    ("dense", 500, 20000, None),
    ("csc", 100000, 10000, 1e-3),
    ("csc", 20000, 200000, 5e-4),
]


def measure():
    """One row per case: epoch and ``X.T @ r`` medians (seconds) and their ratio."""
    rows = []
    for layout, n, p, density in CASES:
        if layout == "dense":
            e, g = dense_case(n, p)
            label = f"dense {n}x{p}"
        else:
            e, g = csc_case(n, p, density)
            label = f"csc {n}x{p} density {density:g}"
        rows.append({"case": label, "epoch": e, "xtr": g, "ratio": e / g})
    return rows


if __name__ == "__main__":
    for row in measure():
        print(f"{row['case']}: epoch {row['epoch'] * 1e3:.2f} ms, "
              f"X.T@r {row['xtr'] * 1e3:.2f} ms, ratio {row['ratio']:.2f}")  # fmt: skip

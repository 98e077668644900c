"""``LassoL1`` against scikit-learn's ``Lasso`` on the same problems, same ``tol``.

Run by hand: ``OMP_NUM_THREADS=1 python benchmarks/lasso_vs_sklearn.py``. Prints the
median wall time of 5 fits after a warm-up fit, the ratio lad / sklearn, and the
relative objective difference (lad minus sklearn; negative means lad is lower).
"""

import time
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lasso

from lad import LassoL1
from lad.datasets import make_sparse_regression
from lad.diagnostics import objective


def median_fit(make, X, y, repeat=5):
    make().fit(X, y)
    times = []
    for _ in range(repeat):
        model = make()
        t0 = time.perf_counter()
        model.fit(X, y)
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), model


def alpha_max(X, y):
    yc = y - y.mean()
    g = X.T @ yc - np.asarray(X.mean(axis=0)).ravel() * yc.sum()
    return np.abs(g).max() / len(y)


def problems():
    X, y, _ = make_sparse_regression(
        2000, 5000, n_informative=50, correlation=0.5, random_state=0
    )
    yield "dense 2000x5000 rho=0.5", X, y, 20
    X, y, _ = make_sparse_regression(10000, 200, n_informative=20, random_state=1)
    yield "dense 10000x200", X, y, 100
    rng = np.random.default_rng(2)
    Xs = sp.random(5000, 20000, density=2e-3, format="csc", random_state=2)
    w = np.zeros(20000)
    w[:40] = rng.standard_normal(40)
    ys = Xs @ w + 0.1 * rng.standard_normal(5000)
    yield "csc 5000x20000 density 2e-3", Xs, ys, 20


if __name__ == "__main__":
    warnings.simplefilter("ignore", ConvergenceWarning)
    print(f"{'problem':32} {'alpha':>10} {'tol':>6} {'lad s':>8} {'sk s':>8} "
          f"{'ratio':>6} {'rel obj diff':>13}")  # fmt: skip
    for name, X, y, div in problems():
        alpha = alpha_max(X, y) / div
        for tol in (1e-4, 1e-8):
            kw = dict(alpha=alpha, tol=tol, max_iter=100_000)
            t_lad, m_lad = median_fit(lambda kw=kw: LassoL1(**kw), X, y)
            t_sk, m_sk = median_fit(lambda kw=kw: Lasso(**kw), X, y)
            f_lad = objective(X, y, m_lad.coef_, m_lad.intercept_, alpha=alpha)
            f_sk = objective(X, y, m_sk.coef_, m_sk.intercept_, alpha=alpha)
            print(f"{name:32} {alpha:10.3g} {tol:6.0e} {t_lad:8.3f} {t_sk:8.3f} "
                  f"{t_lad / t_sk:6.2f} {(f_lad - f_sk) / f_sk:13.2e}")  # fmt: skip

"""The globbed solve from a neighbouring quantile (lad._solvers._globs).

Every result is compared with an independent exact fit (HiGHS for the LP, or a
fresh LADRegressor) by objective, and must carry its own certificate.
"""

import numpy as np
import pytest
import scipy.sparse as sp

from lad import LADRegressor, MultiQuantileRegressor
from lad._solvers import _globs
from lad.diagnostics import objective
from tests._oracle import lad_linprog


def _data(n=2500, p=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X @ rng.standard_normal(p) + (1 + 0.5 * np.abs(X[:, 0])) * rng.standard_t(3, n)
    return X, y, rng


def _objectives(model, X, y, alpha, w=None):
    return [
        objective(X, y, model.coef_[k], model.intercept_[k], alpha=alpha,
                  loss="absolute", quantile=q, sample_weight=w)
        for k, q in enumerate(model.quantiles_)
    ]  # fmt: skip


@pytest.mark.parametrize("case", ["plain", "weights", "penalty", "sparse", "enet"])
def test_globbed_fits_are_exact_and_certified(case):
    X, y, rng = _data()
    w = rng.uniform(0.1, 3.0, y.size) if case == "weights" else None
    alpha = 0.01 if case in ("penalty", "sparse", "enet") else 0.0
    if case == "sparse":
        X = sp.csc_matrix(X * (rng.random(X.shape) < 0.3))
    ratio = 0.5 if case == "enet" else 1.0
    qs = [0.2, 0.5, 0.7]
    model = MultiQuantileRegressor(qs, alpha=alpha, l1_ratio=ratio).fit(
        X, y, sample_weight=w
    )
    routes = [e.solver_ for e in model.estimators_]
    assert sum(r.startswith("globs") for r in routes) == 2, routes
    got = _objectives(model, X, y, alpha, w)
    for k, q in enumerate(qs):
        if case == "enet":
            ref = LADRegressor(alpha, quantile=q, l1_ratio=ratio).fit(X, y)
            best = objective(X, y, ref.coef_, ref.intercept_, alpha=alpha,
                             loss="absolute", quantile=q, l1_ratio=ratio)  # fmt: skip
            got[k] = objective(X, y, model.coef_[k], model.intercept_[k],
                               alpha=alpha, loss="absolute", quantile=q,
                               l1_ratio=ratio)  # fmt: skip
        else:
            best = lad_linprog(X, y, alpha, tau=q, sample_weight=w)[0]
        assert got[k] <= best * (1 + 1e-9) + 1e-12, (q, got[k], best)
        assert model.estimators_[k].sparsity_report().converged


def test_rows_on_the_wrong_side_join_the_band(monkeypatch):
    # With no margin the first band misses rows that change sign: the pass over
    # the rows finds them, and the second solve is exact.
    X, y, _ = _data(seed=1)
    rounds = []
    original = _globs._small

    def counting(*args):
        rounds.append(int(args[3].sum()))
        return original(*args)

    monkeypatch.setattr(_globs, "MARGIN", 0.0)
    monkeypatch.setattr(_globs, "_small", counting)
    model = MultiQuantileRegressor([0.5, 0.6]).fit(X, y)
    assert len(rounds) >= 2 and rounds[1] > rounds[0]
    best = lad_linprog(X, y, 0.0, tau=0.6)[0]
    assert _objectives(model, X, y, 0.0)[1] <= best * (1 + 1e-9)


def test_a_band_too_large_falls_back_to_the_whole_problem(monkeypatch):
    X, y, _ = _data(seed=2)
    monkeypatch.setattr(_globs, "MAX_SHARE", 0.01)
    model = MultiQuantileRegressor([0.3, 0.5]).fit(X, y)
    assert not any(e.solver_.startswith("globs") for e in model.estimators_)
    best = lad_linprog(X, y, 0.0, tau=0.3)[0]
    assert _objectives(model, X, y, 0.0)[0] <= best * (1 + 1e-9)

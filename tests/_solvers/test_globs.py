"""The globbed solves (lad._solvers._globs): from a neighbouring quantile, and
Portnoy and Koenker's preprocessing from a subsample (``solver="globs"``, forced
here on problems small enough for the references).

Every result is compared with an independent exact fit (HiGHS for the LP, or a
fresh LADRegressor) by objective, and must carry its own certificate.
"""

import numpy as np
import pytest
import scipy.sparse as sp

from lad import LADRegressor, MultiQuantileRegressor
from lad._solvers import _globs, _null_model
from lad.diagnostics import objective
from tests._oracle import lad_linprog, lad_lp_penalised


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


def _band_sizes(monkeypatch):
    """The list that receives the band's size at each round of the globs."""
    sizes = []
    original = _globs._small

    def counting(rows, band, above, below):
        sizes.append(int(band.sum()))
        return original(rows, band, above, below)

    monkeypatch.setattr(_globs, "_small", counting)
    return sizes


def test_rows_on_the_wrong_side_join_the_band(monkeypatch):
    # With no margin the first band misses rows that change sign: the pass over
    # the rows finds them, and the second solve is exact.
    X, y, _ = _data(seed=1)
    rounds = _band_sizes(monkeypatch)
    monkeypatch.setattr(_globs, "MARGIN", 0.0)
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


# --- the preprocessing of one large problem (a subsample, then the globs) ---------


def _ties(n=3000, p=4, seed=3):
    """Integer X and y: many rows fitted exactly and ties among the residuals."""
    rng = np.random.default_rng(seed)
    X = rng.integers(-3, 4, (n, p)).astype(float)
    y = X @ np.array([1.0, -2.0, 0.0, 1.0])[:p] + rng.integers(-2, 3, n)
    return X, y


def _subsampled(X, y, **kw):
    sw = kw.pop("sample_weight", None)
    model = LADRegressor(solver="globs", **kw).fit(X, y, sample_weight=sw)
    assert model.solver_.startswith("subsample("), model.solver_
    return model


@pytest.mark.parametrize("q", [0.5, 0.03, 0.97, 0.3])
@pytest.mark.parametrize("case", ["plain", "weights", "ties", "sparse"])
def test_subsample_route_reaches_the_lp_optimum(case, q):
    X, y, rng = _data(n=3000, p=5, seed=4)
    if case == "ties":
        X, y = _ties()
    if case == "sparse":
        X = sp.csr_matrix(X * (rng.random(X.shape) < 0.4))
    w = rng.uniform(0.0, 3.0, y.size) if case == "weights" else None
    if w is not None:
        w[::7] = 0.0  # rows without weight take no part
    model = _subsampled(X, y, quantile=q, sample_weight=w)
    got = objective(X, y, model.coef_, model.intercept_, alpha=0.0, loss="absolute",
                    quantile=q, sample_weight=w)  # fmt: skip
    best = lad_linprog(X, y, 0.0, tau=q, sample_weight=w)[0]
    assert got == pytest.approx(best, rel=1e-9, abs=1e-12)
    assert model.dual_gap_ <= 1e-9 * best
    report = model.sparsity_report()
    assert report.converged


@pytest.mark.parametrize("sparse", [False, True])
def test_subsample_route_keeps_the_penalty_factors_and_bounds(sparse):
    X, y, rng = _data(n=3000, p=6, seed=5)
    pf = np.array([1.0, 0.0, 2.0, 1.0, 0.5, 1.0])
    lo = np.array([-np.inf, -np.inf, 0.0, -0.2, -np.inf, -np.inf])
    hi = np.array([np.inf, 0.3, np.inf, np.inf, np.inf, 0.0])
    w = rng.uniform(0.2, 2.0, y.size)
    alpha, q = 0.02, 0.7
    Xf = sp.csc_matrix(X) if sparse else X
    model = _subsampled(Xf, y, alpha=alpha, quantile=q, penalty_factor=pf,
                        lower_bounds=lo, upper_bounds=hi, sample_weight=w)  # fmt: skip
    kw = dict(alpha=alpha, loss="absolute", quantile=q, penalty_factor=pf,
              lower_bounds=lo, upper_bounds=hi, sample_weight=w)  # fmt: skip
    got = objective(X, y, model.coef_, model.intercept_, **kw)
    best = lad_lp_penalised(X, y, alpha * pf, lo, hi, q, w)[2]
    assert got == pytest.approx(best, rel=1e-9)
    assert np.all(model.coef_ >= lo) and np.all(model.coef_ <= hi)
    assert model.sparsity_report().converged


def test_subsample_route_with_the_elastic_net():
    X, y, _ = _data(n=3000, p=5, seed=6)
    kw = dict(alpha=0.02, quantile=0.4, l1_ratio=0.5)
    model = _subsampled(X, y, **kw)
    ref = LADRegressor(solver="ipm", **kw).fit(X, y)
    obj = dict(alpha=0.02, loss="absolute", quantile=0.4, l1_ratio=0.5)
    got = objective(X, y, model.coef_, model.intercept_, **obj)
    best = objective(X, y, ref.coef_, ref.intercept_, **obj)
    assert got <= best * (1 + 1e-9)
    assert model.sparsity_report().converged


def test_a_band_too_narrow_is_repaired_in_further_rounds(monkeypatch):
    # A band of a tenth of the subsample misses many rows: the rounds that follow
    # widen it while the misses are many, then add the few left, and the end is
    # exact.
    X, y, _ = _data(n=4000, p=4, seed=7)
    rounds = _band_sizes(monkeypatch)
    monkeypatch.setattr(_globs, "BAND_FACTOR", 0.1)
    model = _subsampled(X, y, quantile=0.6)
    assert len(rounds) >= 3 and rounds == sorted(rounds) and rounds[-1] > rounds[0]
    best = lad_linprog(X, y, 0.0, tau=0.6)[0]
    got = objective(
        X, y, model.coef_, model.intercept_, alpha=0.0, loss="absolute", quantile=0.6
    )
    assert got == pytest.approx(best, rel=1e-9)


def test_subsample_route_falls_back_when_the_band_would_be_most_rows(monkeypatch):
    X, y, _ = _data(n=3000, p=4, seed=8)
    monkeypatch.setattr(_globs, "MAX_SHARE", 0.05)
    model = LADRegressor(solver="globs").fit(X, y)
    assert not model.solver_.startswith("subsample"), model.solver_
    best = lad_linprog(X, y, 0.0)[0]
    got = objective(X, y, model.coef_, model.intercept_, alpha=0.0, loss="absolute")
    assert got == pytest.approx(best, rel=1e-9)


def test_auto_takes_the_subsample_route_on_tall_data_and_keeps_its_layout():
    # 60000 x 3: "auto" preprocesses; a C-ordered X is read as it is. The
    # reference is the whole problem's interior point and simplex.
    rng = np.random.default_rng(9)
    X = rng.standard_normal((60_000, 3))
    y = X @ [1.0, 0.0, -1.0] + rng.standard_t(2, 60_000)
    model = LADRegressor().fit(X, y)
    assert model.solver_.startswith("subsample(")
    ref = LADRegressor(solver="ipm").fit(X, y)
    assert ref.solver_.startswith("ipm")
    ours = objective(X, y, model.coef_, model.intercept_, alpha=0.0, loss="absolute")
    theirs = objective(X, y, ref.coef_, ref.intercept_, alpha=0.0, loss="absolute")
    assert ours == pytest.approx(theirs, rel=1e-10)
    assert model.dual_gap_ <= 1e-9 * ours


@pytest.mark.parametrize("kind", ["normal", "ties", "weights", "skewed weights"])
def test_intercept_interval_by_partition_equals_the_sort(kind):
    rng = np.random.default_rng(10)
    n = _null_model.BRACKET_ROWS + 5000
    y = rng.standard_normal(n) if kind != "ties" else rng.integers(0, 5, n) * 1.0
    sw = np.ones(n) if kind in ("normal", "ties") else rng.exponential(1.0, n)
    if kind == "skewed weights":
        sw[y > 0.5] *= 50.0  # the weighted quantile far from the rank tau n
    for tau in (0.001, 0.3, 0.5, 0.999):
        order = np.argsort(y, kind="stable")
        ref = _null_model._interval(y[order], sw[order], float(sw.sum()), tau, 0.0)
        assert _null_model.intercept_interval(y, sw, tau) == ref

"""LADRegressor against exact LP optima (HiGHS), QuantileRegressor and statsmodels."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import QuantileRegressor

from lad import LADRegressor
from lad.diagnostics import duality_gap
from tests._oracle import lad_linprog, lad_objective


def _problem(n, p, seed, *, density=None, heavy=True):
    rng = np.random.default_rng(seed)
    if density is None:
        X = rng.standard_normal((n, p))
    else:
        X = sp.random(n, p, density=density, format="csc", random_state=seed,
                      data_rvs=rng.standard_normal)  # fmt: skip
    w = np.zeros(p)
    k = min(3, p)
    w[:k] = rng.uniform(1, 3, k) * rng.choice([-1, 1], k)
    noise = rng.standard_t(2, n) if heavy else rng.standard_normal(n)
    y = np.asarray(X @ w).ravel() + noise + 1.0
    out = rng.choice(n, max(1, n // 20), replace=False)
    y[out] += 30.0  # gross outliers in y
    return X, y


def _cases():
    rng = np.random.default_rng(2024)
    cases = []
    shapes = [(60, 4), (120, 10), (40, 60), (200, 3), (30, 30), (80, 150)]
    for i in range(24):
        n, p = shapes[i % len(shapes)]
        cases.append(
            dict(
                n=n, p=p, seed=i,
                alpha=float(rng.choice([0.0, 0.01, 0.05, 0.3])) if p < n else
                float(rng.choice([0.01, 0.05, 0.3])),
                tau=float(rng.choice([0.5, 0.5, 0.2, 0.75, 0.05])),
                weighted=bool(i % 3 == 1),
                fit_intercept=bool(i % 5 != 4),
                density=None if i % 4 else 0.3,
                solver=["auto", "irls", "cd"][i % 3],
            )
        )  # fmt: skip
    return cases


@pytest.mark.parametrize(
    "case",
    _cases(),
    ids=lambda c: "-".join(
        f"{k}={v}" for k, v in c.items() if k in ("n", "p", "alpha", "tau", "solver")
    ),
)
def test_objective_matches_linprog(case):
    X, y = _problem(case["n"], case["p"], case["seed"], density=case["density"])
    sw = None
    if case["weighted"]:
        sw = np.random.default_rng(case["seed"]).uniform(0.1, 3.0, case["n"])
    kw = dict(alpha=case["alpha"], quantile=case["tau"],
              fit_intercept=case["fit_intercept"])  # fmt: skip
    model = LADRegressor(solver=case["solver"], **kw).fit(X, y, sample_weight=sw)
    f_ref, _, _ = lad_linprog(X, y, case["alpha"], case["tau"], sw,
                              case["fit_intercept"])  # fmt: skip
    f = lad_objective(X, y, model.coef_, model.intercept_, case["alpha"],
                      case["tau"], sw)  # fmt: skip
    assert f == pytest.approx(f_ref, rel=1e-9, abs=1e-12)
    # The certificate: small, and equal to the one rebuilt from the data alone.
    assert model.dual_gap_ <= 1e-9 * f_ref + 1e-12
    rebuilt = duality_gap(
        X, y, model.coef_, model.intercept_, alpha=case["alpha"], loss="absolute",
        quantile=case["tau"], sample_weight=sw, fit_intercept=case["fit_intercept"],
    )  # fmt: skip
    assert rebuilt == pytest.approx(model.dual_gap_, abs=1e-12 * (1 + f_ref))


@pytest.mark.parametrize("tau", [0.5, 0.25, 0.9])
@pytest.mark.parametrize("alpha", [0.0, 0.02, 0.2])
def test_same_objective_as_quantile_regressor(tau, alpha):
    X, y = _problem(150, 8, seed=int(100 * tau + 1000 * alpha))
    ours = LADRegressor(alpha=alpha, quantile=tau).fit(X, y)
    ref = QuantileRegressor(quantile=tau, alpha=alpha / 2, solver="highs").fit(X, y)
    f_ours = lad_objective(X, y, ours.coef_, ours.intercept_, alpha, tau)
    f_ref = lad_objective(X, y, ref.coef_, ref.intercept_, alpha, tau)
    assert f_ours <= f_ref * (1 + 1e-9)
    assert f_ours == pytest.approx(f_ref, rel=1e-7)


def test_same_fit_as_statsmodels_quantreg():
    sm = pytest.importorskip("statsmodels.api")
    X, y = _problem(300, 4, seed=7, heavy=False)
    ours = LADRegressor(quantile=0.3).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sm.QuantReg(y, sm.add_constant(X)).fit(q=0.3, max_iter=5000)
    # statsmodels' IRLS stops early (absolute 1e-6 steps): compare at 1e-4.
    np.testing.assert_allclose(ours.coef_, res.params[1:], atol=1e-4)
    assert ours.intercept_ == pytest.approx(res.params[0], abs=1e-4)


def test_no_convergence_warning_at_default_settings():
    X, y = _problem(100, 6, seed=11)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        LADRegressor(alpha=0.05).fit(X, y)

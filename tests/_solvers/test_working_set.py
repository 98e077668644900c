"""Working sets and Gap Safe screening reach the same optimum as plain CD."""

import numpy as np
import pytest
import scipy.sparse as sp

from lad import LassoL1
from lad._solvers import _cd
from tests._oracle import lasso_alpha_max, lasso_kkt, lasso_objective, make_problem


@pytest.mark.parametrize("layout", ["dense", "csc"])
@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ratio", [0.3, 0.03])
def test_same_optimum_with_and_without_working_sets(
    layout, positive, weighted, ratio, monkeypatch
):
    X, y = make_problem(60, 400, seed=3, density=None if layout == "dense" else 0.2)
    sw = np.random.default_rng(3).uniform(0.5, 2, 60) if weighted else None
    alpha = ratio * lasso_alpha_max(X, y, sw, positive=positive)
    kw = dict(alpha=alpha, positive=positive, tol=1e-12, max_iter=200_000)
    assert X.shape[1] > _cd.WS_MIN_FEATURES
    ws = LassoL1(**kw).fit(X, y, sample_weight=sw)
    monkeypatch.setattr(_cd, "WS_MIN_FEATURES", 10**9)
    plain = LassoL1(**kw).fit(X, y, sample_weight=sw)
    f_ws = lasso_objective(X, y, ws.coef_, ws.intercept_, alpha, sw)
    f_plain = lasso_objective(X, y, plain.coef_, plain.intercept_, alpha, sw)
    assert f_ws == pytest.approx(f_plain, rel=1e-10)
    assert lasso_kkt(X, y, ws.coef_, ws.intercept_, alpha, sample_weight=sw,
                     positive=positive) <= 1e-6 * alpha  # fmt: skip


def test_screening_never_drops_an_active_feature():
    # Warm start from a point with a wrong support: screening must not freeze it.
    X, y = make_problem(50, 300, seed=4)
    alpha = 0.05 * lasso_alpha_max(X, y)
    ref = LassoL1(alpha=alpha, tol=1e-12, max_iter=100_000).fit(X, y)
    m = LassoL1(alpha=alpha, tol=1e-12, max_iter=100_000, warm_start=True)
    m.coef_ = np.random.default_rng(4).normal(size=300) * (
        np.random.default_rng(5).random(300) < 0.1
    )
    m.fit(X, y)
    assert lasso_objective(X, y, m.coef_, m.intercept_, alpha) == pytest.approx(
        lasso_objective(X, y, ref.coef_, ref.intercept_, alpha), rel=1e-10
    )
    assert sp.issparse(sp.csr_matrix(m.coef_))

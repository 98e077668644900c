"""Working sets and Gap Safe screening reach the same optimum as plain CD."""

import numpy as np
import pytest
import scipy.sparse as sp

from lad import LassoL1
from lad._solvers import squared
from lad._solvers._working_set import WorkingSetOptions
from tests._oracle import lasso_alpha_max, lasso_kkt, lasso_objective, make_problem
from tests._solvers._helpers import squared_fit


@pytest.mark.parametrize("layout", ["dense", "csc"])
@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ratio", [0.3, 0.03])
def test_same_optimum_with_and_without_working_sets(layout, positive, weighted, ratio):
    X, y = make_problem(60, 400, seed=3, density=None if layout == "dense" else 0.2)
    sw = np.random.default_rng(3).uniform(0.5, 2, 60) if weighted else None
    alpha = ratio * lasso_alpha_max(X, y, sw, positive=positive)
    kw = dict(sample_weight=sw, positive=positive, tol=1e-12, max_iter=200_000)
    assert X.shape[1] > squared.WS_MIN_FEATURES
    ws = squared_fit(X, y, alpha, **kw)
    plain = squared_fit(X, y, alpha, working_sets=False, **kw)
    f_ws = lasso_objective(X, y, ws.coef, ws.intercept, alpha, sw)
    f_plain = lasso_objective(X, y, plain.coef, plain.intercept, alpha, sw)
    assert f_ws == pytest.approx(f_plain, rel=1e-10)
    assert lasso_kkt(X, y, ws.coef, ws.intercept, alpha, sample_weight=sw,
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


@pytest.mark.parametrize("layout", ["dense", "csc"])
@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_stall_fallback_reaches_the_same_optimum(layout, positive, weighted):
    # stall_ratio = 0 takes the doubling branch at every outer iteration (the
    # working set grows geometrically whatever the support), the fallback that
    # guarantees progress; it must land on the same optimum as the default rule.
    X, y = make_problem(60, 400, seed=7, density=None if layout == "dense" else 0.2)
    sw = np.random.default_rng(7).uniform(0.5, 2, 60) if weighted else None
    alpha = 0.05 * lasso_alpha_max(X, y, sw, positive=positive)
    kw = dict(sample_weight=sw, positive=positive, tol=1e-12, max_iter=200_000)
    ref = squared_fit(X, y, alpha, **kw)
    grown = squared_fit(X, y, alpha, ws_options=WorkingSetOptions(stall_ratio=0.0),
                        **kw)  # fmt: skip
    f_ref = lasso_objective(X, y, ref.coef, ref.intercept, alpha, sw)
    f_grown = lasso_objective(X, y, grown.coef, grown.intercept, alpha, sw)
    assert f_grown == pytest.approx(f_ref, rel=1e-10)
    assert lasso_kkt(X, y, ref.coef, ref.intercept, alpha, sample_weight=sw,
                     positive=positive) <= 1e-6 * alpha  # fmt: skip


@pytest.mark.parametrize("layout", ["dense", "csc"])
def test_warm_start_skips_the_null_gradient_shortcut(layout):
    # A warm start must not reuse the null gradient: its first outer pass is a
    # real gradient at coef0. Same optimum as a cold fit, and a certified gap.
    X, y = make_problem(60, 400, seed=8, density=None if layout == "dense" else 0.2)
    alpha = 0.05 * lasso_alpha_max(X, y)
    kw = dict(alpha=alpha, tol=1e-12, max_iter=200_000)
    cold = LassoL1(**kw).fit(X, y)
    warm = LassoL1(**kw, warm_start=True)
    warm.coef_ = cold.coef_ * 0.5
    warm.fit(X, y)
    f_cold = lasso_objective(X, y, cold.coef_, cold.intercept_, alpha)
    f_warm = lasso_objective(X, y, warm.coef_, warm.intercept_, alpha)
    assert f_warm == pytest.approx(f_cold, rel=1e-10)

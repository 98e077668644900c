"""The rank-inversion walk (lad._rank) against HiGHS, step by step.

Each step of the walk claims that on ``(b, next b)`` the restricted fit of
``y - b x_j`` on the other columns zeroes the rows ``basis`` and that the rank
score statistic is ``T``. At the midpoint of every step up to the first rejected
one, HiGHS solves the restricted LP: its optimum must equal the objective of the
walk's basis, and the statistic from HiGHS's duals (the rank scores) must equal
``T``. This is what makes the intervals exact where quantreg's own walk is not
(see test_inference.py, the stack loss data at q = 0.5).
"""

import numpy as np
import pytest
from scipy import stats
from scipy.optimize import linprog

from lad import LADRegressor, _rank
from tests.test_inference import _engel, _random, _stackloss


def _highs(Z, target, q):
    """Optimum and rank scores of the quantile regression of ``target`` on ``Z``."""
    n, m = Z.shape
    cost = np.r_[np.zeros(m), np.full(n, q), np.full(n, 1 - q)]
    A = np.hstack([Z, np.eye(n), -np.eye(n)])
    bounds = [(None, None)] * m + [(0, None)] * (2 * n)
    res = linprog(cost, A_eq=A, b_eq=target, bounds=bounds, method="highs")
    assert res.status == 0
    return res.fun, res.eqlin.marginals + (1 - q)


def _pinball(r, q):
    return float(np.sum(np.where(r > 0, q * r, (q - 1) * r)))


def _walks(D, y, coef, q, cutoff):
    """Every coefficient's two walks, up to one step past the first rejection."""
    qn = 1.0 / np.diag(np.linalg.inv(D.T @ D))
    rows, _ = _rank._zero_rows(D, y, coef, 1e-9)
    for j in range(D.shape[1]):
        Z = np.delete(D, j, axis=1)
        for sgn in (1.0, -1.0):
            x, b0 = sgn * D[:, j], sgn * coef[j]
            basis, a = _rank._start(Z, y, x, b0, rows, q)
            scale = np.sqrt(qn[j] * q * (1 - q))
            taken = []
            for step in _rank.steps(Z, y, x, b0, basis, a, q, scale):
                taken.append(step)
                if len(taken) > 1 and abs(taken[-2][1]) >= cutoff:
                    break
            yield Z, x, scale, taken


def _data(name, q):
    if name == "engel":
        X, y = _engel()
    elif name == "stackloss":
        X, y = _stackloss()
    elif name == "ties":  # integer data: many rows on one breakpoint
        rng = np.random.default_rng(3)
        X = rng.integers(0, 4, (60, 2)).astype(float)
        y = X @ [1.0, -1.0] + rng.integers(-3, 4, 60)
    else:
        X, y, w = _random(8, n=80)
        X, y = X * w[:, None], y * w  # a weighted fit is the fit of scaled rows
    return X, y


@pytest.mark.parametrize(
    ("name", "q"),
    [("stackloss", 0.5), ("stackloss", 0.25), ("engel", 0.5), ("engel", 0.9),
     ("weighted", 0.3), ("ties", 0.5), ("ties", 0.75)],
)  # fmt: skip
def test_every_step_of_the_walk_is_the_restricted_optimum(name, q):
    X, y = _data(name, q)
    model = LADRegressor(quantile=q, fit_intercept=name != "weighted").fit(X, y)
    D = np.column_stack([np.ones(len(y)), X]) if name != "weighted" else X
    coef = np.r_[model.intercept_, model.coef_] if name != "weighted" else model.coef_
    n, p = D.shape
    cutoff = stats.t.ppf(0.975, n - p)
    checked = 0
    for Z, x, scale, taken in _walks(D, y, coef, q, cutoff):
        for (b, tn, basis), (b1, _, _) in zip(taken, taken[1:], strict=False):
            mid = 0.5 * (b + b1) if np.isfinite(b1) else b + 1.0
            target = y - mid * x
            best, scores = _highs(Z, target, q)
            g = np.linalg.solve(Z[basis], target[basis]) if basis else np.zeros(0)
            own = _pinball(target - Z @ g, q)
            assert own <= best + 1e-9 * max(1.0, abs(best)), (b, b1, own, best)
            assert tn == pytest.approx(float(x @ (scores + q - 1)) / scale, abs=1e-7)
            checked += 1
    assert checked >= 2 * p


def test_one_column_walks_the_sorted_responses():
    # With no other column the restricted fit is empty: the rank scores are the
    # residuals' signs, the breakpoints are the responses, and the ends follow
    # from counting, interpolated as quantreg does.
    rng = np.random.default_rng(0)
    n, q = 41, 0.5
    y = rng.standard_normal(n)
    b0 = float(np.median(y))
    cut = stats.t.ppf(0.975, n - 1)
    ci = _rank.rank_intervals(np.ones((n, 1)), y, np.array([b0]), q, cutoff=cut,
                              qn=np.array([float(n)]))  # fmt: skip

    def stat(b, side):  # T just past b in the walk's direction
        above = np.sum(y > b) if side > 0 else np.sum(y >= b)
        return (above - n * (1 - q)) / np.sqrt(n * q * (1 - q))

    for side, col in ((1, 1), (-1, 0)):
        starts = [b0] + sorted(y[side * (y - b0) > 0], key=lambda v: side * v)
        last = (b0, 0.0)
        for b in starts:
            tn = stat(b, side)
            if abs(tn) >= cut:
                want = last[0] + side * abs(b - last[0]) * (cut - abs(last[1])) / abs(
                    tn - last[1]
                )
                break
            last = (b, tn)
        assert ci[0, col] == pytest.approx(want, rel=1e-12)
    assert ci[0, 0] < b0 < ci[0, 1]


def test_a_walk_that_never_rejects_ends_at_infinity():
    # With no critical value to reach the interval is the whole line (quantreg
    # prints the largest double).
    X, y = _engel()
    model = LADRegressor().fit(X, y)
    D = np.column_stack([np.ones(len(y)), X])
    coef = np.r_[model.intercept_, model.coef_]
    ci = _rank.rank_intervals(D, y, coef, 0.5, cutoff=np.inf, qn=np.ones(2))
    assert np.all(ci[:, 0] == -np.inf) and np.all(ci[:, 1] == np.inf)

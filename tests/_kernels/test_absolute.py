"""The absolute-loss coordinate descent kernels against brute force on tiny problems."""

import numpy as np
import pytest

from lad._kernels.absolute import _line_minimiser, cd_absolute_csc, cd_absolute_dense
from lad._penalty import Penalty, value

INF = np.inf


def _ro(a):
    # The drivers pass read-only inputs: one signature per kernel.
    v = a.view()
    v.flags.writeable = False
    return v


# ---------------------------------------------------------------------------
# _line_minimiser


def _pl_objective(v, kinks, jumps, start_slope, l2):
    v = np.asarray(v, dtype=np.float64)
    hinge = np.maximum(v[:, None] - kinks[None, :], 0.0) @ jumps
    return start_slope * v + hinge + 0.5 * l2 * v * v


def _grid_min(kinks, jumps, start_slope, l2, lo, hi, n_grid=100_001):
    a, b = max(lo, -5.0), min(hi, 5.0)
    grid = np.concatenate(
        [np.linspace(a, b, n_grid), kinks[(kinks >= a) & (kinks <= b)]]
    )
    f = _pl_objective(grid, kinks, jumps, start_slope, l2)
    k = int(np.argmin(f))
    return grid[k], f[k], (b - a) / (n_grid - 1)


def _call_line_minimiser(kinks, jumps, start_slope, l2, lo, hi):
    # The kernels pass scratch buffers longer than m: garbage past m must be ignored.
    m = kinks.size
    kb = np.append(kinks, -100.0)
    jb = np.append(jumps, 1e6)
    return _line_minimiser(kb, jb, m, float(start_slope), float(l2), lo, hi)


BOUNDS = [(-INF, INF), (-1.0, 0.5), (0.0, INF), (-INF, 0.0), (0.3, 2.0), (-4.5, -3.5)]


@pytest.mark.parametrize(("lo", "hi"), BOUNDS)
@pytest.mark.parametrize("l2", [0.0, 0.7])
def test_line_minimiser_matches_grid(lo, hi, l2):
    # The regime of the kernels: slope <= 0 left of every kink, >= 0 right of them.
    rng = np.random.default_rng(0)
    for _ in range(10):
        m = int(rng.integers(1, 9))
        kinks = rng.uniform(-3, 3, m)
        jumps = rng.uniform(0.1, 2, m)
        start_slope = -rng.uniform(0.05, 0.95) * jumps.sum()
        got = _call_line_minimiser(kinks, jumps, start_slope, l2, lo, hi)
        assert lo <= got <= hi
        v_grid, f_grid, h = _grid_min(kinks, jumps, start_slope, l2, lo, hi)
        assert abs(got - v_grid) <= 2 * h, (got, v_grid)
        f_got = _pl_objective([got], kinks, jumps, start_slope, l2)[0]
        assert f_got <= f_grid + 1e-12 * (1 + abs(f_grid))
        if l2 == 0.0:
            # Without the ridge term the minimiser is a kink or a bound, exactly.
            assert got in set(kinks) | {lo, hi}


def test_line_minimiser_known_values():
    kinks = np.array([-1.0, 0.0, 2.0])
    jumps = np.array([1.0, 1.0, 1.0])
    # Slopes -1.5, -0.5, 0.5, 1.5: the minimiser is the kink at 0.
    assert _call_line_minimiser(kinks, jumps, -1.5, 0.0, -INF, INF) == 0.0
    # Slopes -2.5, -1.5, -0.5, 0.5: the kink at 2, or the upper bound below it.
    assert _call_line_minimiser(kinks, jumps, -2.5, 0.0, -INF, INF) == 2.0
    assert _call_line_minimiser(kinks, jumps, -2.5, 0.0, -INF, 1.25) == 1.25
    # A ridge term: slopes -2.5, -1.5, -0.5, 0.5, so the derivative -0.5 + v on
    # (0, 2) is zero at 0.5; slopes -3, -2, -1, 0: -1 + v is zero at 1.
    assert _call_line_minimiser(kinks, jumps, -2.5, 1.0, -INF, INF) == 0.5
    assert _call_line_minimiser(kinks, jumps, -3.0, 1.0, -INF, INF) == 1.0
    # The ridge term cannot move a minimiser off a kink where the slope changes sign.
    assert _call_line_minimiser(kinks, jumps, -1.5, 1.0, -INF, INF) == 0.0
    # A quantile of the kinks: the weighted median of {1, 2, 3} with weights 1, 1, 3.
    k2 = np.array([3.0, 1.0, 2.0])
    j2 = np.array([3.0, 1.0, 1.0])
    assert _call_line_minimiser(k2, j2, -2.5, 0.0, -INF, INF) == 3.0


@pytest.mark.parametrize(
    ("start_slope", "expected"),
    [(-2.0, 1.0), (0.5, -1.0)],
)
def test_line_minimiser_on_bounds_with_monotone_slopes(start_slope, expected):
    # "Convex piecewise-linear plus l2 v^2 / 2 on bounds": with l2 = 0 and a slope
    # of one sign everywhere (-2 then -1, or 0.5 then 1.5) the minimiser on
    # [-1, 1] is the bound the function decreases towards. (The CD kernels always
    # start below 0 and end above it, so they never reach this case.)
    kinks = np.array([0.0])
    jumps = np.array([1.0])
    got = _call_line_minimiser(kinks, jumps, start_slope, 0.0, -1.0, 1.0)
    grid = np.linspace(-1, 1, 2001)
    f = _pl_objective(grid, kinks, jumps, start_slope, 0.0)
    assert grid[np.argmin(f)] == expected
    assert got == expected


# ---------------------------------------------------------------------------
# cd_absolute_dense / cd_absolute_csc


def _rho(r, tau):
    return r * (tau - (r < 0))


def _objective(X, y, sw, w, b, pen, tau):
    scale = sw.sum() / 2.0
    return float(sw @ _rho(y - X @ w - b, tau)) + scale * value(pen, w)


def _csc_with_explicit_zeros(X, rng):
    """CSC arrays of ``X`` storing its nonzeros and some of its zeros explicitly."""
    keep = (X != 0) | (rng.random(X.shape) < 0.5)
    data, indices, indptr = [], [], [0]
    for j in range(X.shape[1]):
        rows = np.flatnonzero(keep[:, j])
        data.extend(X[rows, j])
        indices.extend(rows)
        indptr.append(indptr[-1] + rows.size)
    return (
        _ro(np.array(data, dtype=np.float64)),
        _ro(np.array(indices, dtype=np.int32)),
        _ro(np.array(indptr, dtype=np.int32)),
    )


def _data(n, p, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    X[rng.random((n, p)) < 0.3] = 0.0
    coef = np.zeros(p)
    coef[:2] = [1.5, -2.0]
    y = X @ coef + 0.3 * rng.standard_normal(n) + 3.0
    y[:2] += [8.0, -6.0]  # outliers
    sw = rng.uniform(0.5, 2, n)
    sw[3] = 0.0  # a row of zero weight
    sw *= n / sw.sum()
    return X, y, sw, rng


def _penalty(kind, p):
    if kind == "l1":
        return Penalty(0.05, p).array()
    return Penalty(0.08, p, l1_ratio=0.5, lower_bounds=-0.5,
                   upper_bounds=np.linspace(0.2, 3.0, p)).array()  # fmt: skip


@pytest.mark.parametrize("kind", ["l1", "enet-bounds"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("tau", [0.5, 0.3])
def test_epochs_never_increase_the_objective_dense_equals_csc(kind, fit_intercept, tau):
    n, p = 20, 5
    X, y, sw, rng = _data(n, p, seed=1)
    pen = _penalty(kind, p)
    Xf = _ro(np.asfortranarray(X))
    data, indices, indptr = _csc_with_explicit_zeros(X, rng)
    assert np.any(np.asarray(data) == 0.0)  # explicit zeros are stored
    sw_ro, pen_ro = _ro(sw), _ro(np.ascontiguousarray(pen))
    params = _ro(np.array([tau, sw.sum() / 2.0]))
    b0 = 0.0
    w_d, w_s = np.zeros(p), np.zeros(p)
    r_d = np.ascontiguousarray(y - b0)
    r_s = r_d.copy()
    b_d = b_s = b0
    kinks, jumps = np.empty(n + 1), np.empty(n + 1)
    obj = _objective(X, y, sw, w_d, b_d, pen, tau)
    first = obj
    for _ in range(8):
        b_d, ep_d, obj_d = cd_absolute_dense(
            Xf, sw_ro, w_d, r_d, b_d, pen_ro, params, fit_intercept, 1, 0.0,
            kinks, jumps,
        )  # fmt: skip
        b_s, ep_s, obj_s = cd_absolute_csc(
            data, indices, indptr, sw_ro, w_s, r_s, b_s, pen_ro, params,
            fit_intercept, 1, 0.0, kinks, jumps,
        )  # fmt: skip
        assert ep_d == ep_s == 1
        # Dense and CSC take the very same steps.
        np.testing.assert_array_equal(w_s, w_d)
        np.testing.assert_array_equal(r_s, r_d)
        assert b_s == b_d and obj_s == obj_d
        if not fit_intercept:
            assert b_d == 0.0
        # The residual stays y - X w - b, the iterate feasible.
        np.testing.assert_allclose(r_d, y - X @ w_d - b_d, rtol=0, atol=1e-12)
        assert np.all(w_d >= pen[2]) and np.all(w_d <= pen[3])
        new = _objective(X, y, sw, w_d, b_d, pen, tau)
        np.testing.assert_allclose(obj_d, new, rtol=1e-12)
        assert new <= obj + 1e-12 * abs(obj)
        obj = new
    assert obj < 0.95 * first  # the epochs did move


def _grid_argmin(f, lo, hi, n_grid=40_001):
    # f maps an array of points to their objective values.
    grid = np.linspace(lo, hi, n_grid)
    vals = f(grid)
    k = int(np.argmin(vals))
    return grid[k], vals[k], (hi - lo) / (n_grid - 1)


@pytest.mark.parametrize(
    ("l1_ratio", "lower", "upper"),
    [(1.0, -INF, INF), (0.3, -INF, INF), (1.0, -INF, 0.8), (0.5, 0.0, INF)],
)
def test_one_coordinate_step_is_exact(l1_ratio, lower, upper):
    # Column 1 is all zeros (skipped): one epoch minimises exactly over w_0.
    n, tau = 12, 0.4
    X, y, sw, _ = _data(n, 2, seed=2)
    X[:, 1] = 0.0
    pen = Penalty(0.3, 2, l1_ratio=l1_ratio, lower_bounds=lower,
                  upper_bounds=upper).array()  # fmt: skip
    params = _ro(np.array([tau, sw.sum() / 2.0]))
    w = np.zeros(2)
    r = np.ascontiguousarray(y.copy())
    kinks, jumps = np.empty(n + 1), np.empty(n + 1)
    b, _, obj = cd_absolute_dense(
        _ro(np.asfortranarray(X)), _ro(sw), w, r, 0.0, _ro(pen), params, False, 1,
        0.0, kinks, jumps,
    )  # fmt: skip
    assert b == 0.0 and w[1] == 0.0

    def f(v):
        # The objective along w_0 (w_1 = 0, b = 0); v inside the bounds.
        v = np.atleast_1d(v)
        loss = sw @ _rho(y[:, None] - X[:, :1] * v[None, :], tau)
        return loss + sw.sum() / 2.0 * (pen[0, 0] * np.abs(v) + 0.5 * pen[1, 0] * v**2)

    v_grid, f_grid, h = _grid_argmin(f, max(lower, -6.0), min(upper, 6.0))
    assert abs(w[0] - v_grid) <= 2 * h, (w[0], v_grid)
    f_got = f(w[0])[0]
    assert f_got <= f_grid + 1e-12 * abs(f_grid)
    np.testing.assert_allclose(obj, f_got, rtol=1e-12)
    np.testing.assert_allclose(
        f_got, _objective(X, y, sw, w, 0.0, pen, tau), rtol=1e-13
    )


@pytest.mark.parametrize("tau", [0.5, 0.25, 0.8])
def test_intercept_step_is_a_weighted_quantile(tau):
    n = 11
    X, y, sw, _ = _data(n, 2, seed=3)
    X[:] = 0.0  # no column moves: the epoch is the intercept step alone
    params = _ro(np.array([tau, sw.sum() / 2.0]))
    pen = Penalty(0.1, 2).array()
    b0 = 1.0
    w = np.zeros(2)
    r = np.ascontiguousarray(y - b0)
    kinks, jumps = np.empty(n + 1), np.empty(n + 1)
    b, _, _ = cd_absolute_csc(
        _ro(np.zeros(0)), _ro(np.zeros(0, dtype=np.int32)),
        _ro(np.zeros(3, dtype=np.int32)), _ro(sw), w, r, b0, _ro(pen), params, True,
        1, 0.0, kinks, jumps,
    )  # fmt: skip

    def f(c):
        return sw @ _rho(y[:, None] - np.atleast_1d(c)[None, :], tau)

    # The minimiser is one of the y_i of positive weight.
    cands = y[sw > 0]
    vals = f(cands)
    f_b = f(b)[0]
    assert f_b <= vals.min() + 1e-12 * abs(vals.min())
    assert b in set(cands)
    np.testing.assert_allclose(r, y - b, rtol=0, atol=1e-12)
    _, grid_f, _ = _grid_argmin(f, y.min(), y.max())
    assert f_b <= grid_f + 1e-12 * abs(grid_f)

"""The penalty kernels and their NumPy twins against brute force on tiny problems."""

import numpy as np
import pytest

from lad._kernels._penalty import (
    conjugate_coord,
    dual_limit_coord,
    penalty_coord,
    prox_coord,
)
from lad._penalty import Penalty, conjugate, dual_limit, rescale, value

INF = np.inf


def _ro(a):
    # The drivers pass read-only C-contiguous arrays: one signature per kernel.
    v = np.ascontiguousarray(a, dtype=np.float64).view()
    v.flags.writeable = False
    return v


def _pen(rows):
    """A read-only ``(4, p)`` penalty array from per-feature (l1, l2, lo, hi)."""
    return _ro(np.ascontiguousarray(np.array(rows, dtype=np.float64).reshape(-1, 4).T))


def _random_pen(rng, p):
    """Rows mixing zero and positive l1/l2 with infinite, finite and zero bounds."""
    pen = np.empty((4, p))
    pen[0] = np.where(rng.random(p) < 0.2, 0.0, rng.uniform(0.1, 2, p))
    pen[1] = np.where(rng.random(p) < 0.5, 0.0, rng.uniform(0.1, 2, p))
    pen[2] = rng.choice([-INF, 0.0, -0.5, -2.0], p)
    pen[3] = rng.choice([INF, 0.0, 0.7, 3.0], p)
    return pen


def _scaled(pen, scale):
    out = np.array(pen)
    out[:2] *= scale
    return out


# ---------------------------------------------------------------------------
# prox_coord


def _prox_objective(v, z, c, l1, l2, scale):
    return 0.5 * c * v * v - z * v + scale * (l1 * np.abs(v) + 0.5 * l2 * v * v)


def _grid_argmin(z, c, l1, l2, lo, hi, scale, n_grid=200_001):
    # The unconstrained minimiser lies within |z| / c of 0.
    reach = 2.0 * abs(z) / c + 1.0
    a, b = max(lo, -reach), min(hi, reach)
    grid = np.unique(np.concatenate([np.linspace(a, b, n_grid), [a, b, 0.0]]))
    grid = grid[(grid >= lo) & (grid <= hi)]
    f = _prox_objective(grid, z, c, l1, l2, scale)
    k = int(np.argmin(f))
    return grid[k], f[k], (b - a) / (n_grid - 1)


PROX_CASES = [
    # z, c, l1, l2, lower, upper, scale, expected (None: grid only)
    (3.0, 2.0, 1.0, 0.0, -INF, INF, 1.0, 1.0),
    (-3.0, 2.0, 1.0, 0.0, -INF, INF, 1.0, -1.0),
    (0.5, 2.0, 1.0, 0.0, -INF, INF, 1.0, 0.0),  # inside the dead zone
    (-1.0, 2.0, 1.0, 0.0, -INF, INF, 1.0, 0.0),  # on its edge
    (5.0, 1.0, 1.0, 1.0, -INF, INF, 2.0, 1.0),  # (5 - 2) / (1 + 2)
    (5.0, 1.0, 0.5, 0.0, -INF, 2.0, 1.0, 2.0),  # clipped at the upper bound
    (-5.0, 1.0, 0.5, 0.0, -0.25, INF, 1.0, -0.25),  # clipped at the lower bound
    (-5.0, 1.0, 0.5, 0.0, 0.0, INF, 1.0, 0.0),  # positive: stays at 0
    (4.0, 0.5, 0.0, 0.0, -INF, INF, 1.0, 8.0),  # no penalty: z / c
    (0.3, 3.0, 0.0, 2.0, -1.0, 1.0, 0.5, 0.075),  # ridge only
]


@pytest.mark.parametrize(("z", "c", "l1", "l2", "lo", "hi", "scale", "expected"),
                         PROX_CASES)  # fmt: skip
def test_prox_coord_known_values_and_grid(z, c, l1, l2, lo, hi, scale, expected):
    pen = _pen([[9.0, 9.0, -1.0, 1.0], [l1, l2, lo, hi]])  # row 1 is the one used
    got = prox_coord(z, c, pen, 1, scale)
    np.testing.assert_allclose(got, expected, rtol=1e-14, atol=1e-15)
    v_grid, f_grid, h = _grid_argmin(z, c, l1, l2, lo, hi, scale)
    assert abs(got - v_grid) <= 2 * h
    f_got = _prox_objective(got, z, c, l1, l2, scale)
    assert f_got <= f_grid + 1e-12 * (1 + abs(f_grid))


def test_prox_coord_random_against_grid():
    rng = np.random.default_rng(0)
    pen = _random_pen(rng, 40)
    pen_ro = _ro(pen)
    for j in range(pen.shape[1]):
        z = rng.uniform(-6, 6)
        c = rng.uniform(0.2, 3)
        scale = rng.uniform(0.5, 3)
        l1, l2, lo, hi = pen[:, j]
        got = prox_coord(z, c, pen_ro, j, scale)
        assert lo <= got <= hi
        v_grid, f_grid, h = _grid_argmin(z, c, l1, l2, lo, hi, scale, n_grid=20_001)
        assert abs(got - v_grid) <= 2 * h, (j, got, v_grid)
        assert _prox_objective(got, z, c, l1, l2, scale) <= f_grid + 1e-12 * (
            1 + abs(f_grid)
        )


# ---------------------------------------------------------------------------
# penalty_coord and value


def test_penalty_coord_and_value_agree_with_the_formula():
    rng = np.random.default_rng(1)
    p = 12
    pen = _random_pen(rng, p)
    pen[2], pen[3] = -INF, INF
    pen_ro = _ro(pen)
    w = rng.standard_normal(p) * 2
    scale = 1.7
    expected = scale * (pen[0] * np.abs(w) + 0.5 * pen[1] * w * w)
    got = np.array([penalty_coord(w[j], pen_ro, j, scale) for j in range(p)])
    np.testing.assert_allclose(got, expected, rtol=1e-14)
    np.testing.assert_allclose(value(pen, w), expected.sum() / scale, rtol=1e-13)
    # value is 0 at 0 and inf outside the bounds (and finite on them).
    assert value(pen, np.zeros(p)) == 0.0
    bounded = pen.copy()
    bounded[2], bounded[3] = -1.0, np.linspace(0.5, 2, p)
    on_bounds = bounded[3].copy()
    assert np.isfinite(value(bounded, on_bounds))
    for j, delta in ((0, 1e-9), (p - 1, 1e-9)):
        outside = on_bounds.copy()
        outside[j] += delta
        assert value(bounded, outside) == INF
    below = np.zeros(p)
    below[3] = -1.0 - 1e-12
    assert value(bounded, below) == INF


# ---------------------------------------------------------------------------
# conjugate_coord / conjugate


def _brute_conjugate(g, l1, l2, lo, hi, scale, n_grid=100_001):
    grid = np.unique(np.concatenate([np.linspace(lo, hi, n_grid), [lo, 0.0, hi]]))
    f = g * grid - scale * (l1 * np.abs(grid) + 0.5 * l2 * grid * grid)
    h = (hi - lo) / (n_grid - 1)
    slope = abs(g) + scale * (l1 + l2 * max(abs(lo), abs(hi)))
    return f.max(), h * slope


def test_conjugate_coord_matches_brute_force_on_finite_bounds():
    rng = np.random.default_rng(2)
    for trial in range(30):
        l1 = 0.0 if trial % 5 == 0 else rng.uniform(0.1, 2)
        l2 = 0.0 if trial % 3 == 0 else rng.uniform(0.1, 2)
        lo = 0.0 if trial % 7 == 0 else -rng.uniform(0.1, 3)
        hi = 0.0 if trial % 11 == 0 else rng.uniform(0.1, 3)
        scale = rng.uniform(0.5, 2)
        g = rng.uniform(-5, 5)
        pen = _pen([[l1, l2, lo, hi], [1.0, 1.0, -1.0, 1.0]])
        got = conjugate_coord(g, pen, 0, scale)
        ref, err = _brute_conjugate(g, l1, l2, lo, hi, scale)
        assert np.isfinite(got)
        # The grid never beats the true supremum, and comes within its spacing.
        assert ref <= got + 1e-12 * (1 + abs(got)), (trial, got, ref)
        assert got - ref <= err + 1e-12, (trial, got, ref)
        np.testing.assert_allclose(
            conjugate(_scaled(pen, scale), [g, 0.0])[0], got, rtol=1e-14, atol=1e-300
        )


CONJ_CASES = [
    # g, l1, l2, lower, upper, scale, expected
    (3.0, 1.0, 0.0, -INF, INF, 1.0, INF),  # Lasso, |g| > l1
    (-3.0, 1.0, 0.0, -INF, INF, 1.0, INF),
    (0.9, 1.0, 0.0, -INF, INF, 1.0, 0.0),  # inside the ball
    (-1.0, 1.0, 0.0, -INF, INF, 1.0, 0.0),  # on its edge
    (3.0, 1.0, 0.0, -INF, INF, 4.0, 0.0),  # scale multiplies l1
    (3.0, 1.0, 0.0, -INF, 2.0, 1.0, 4.0),  # capped by the upper bound
    (3.0, 1.0, 0.0, -2.0, INF, 1.0, INF),  # lower bound is on the other side
    (-3.0, 1.0, 0.0, -2.0, INF, 1.0, 4.0),
    (-3.0, 1.0, 0.0, 0.0, INF, 1.0, 0.0),  # positive: a negative g costs nothing
    (3.0, 1.0, 2.0, -INF, INF, 1.0, 1.0),  # ridge: excess^2 / (2 l2)
    (3.0, 1.0, 1.0, -INF, INF, 0.5, 2.5**2 / 1.0),  # scale multiplies l2 too
    (3.0, 1.0, 2.0, -INF, 0.5, 1.0, 0.75),  # ridge capped: 2*0.5 - 0.5*2*0.25
    (3.0, 0.0, 0.0, -INF, INF, 1.0, INF),  # no penalty at all
    (0.0, 0.0, 0.0, -INF, INF, 1.0, 0.0),
    # A dual point scaled to |g| = l1 lands a rounding error past it: still 0 ...
    (1.0 + 1e-13, 1.0, 0.0, -INF, INF, 1.0, 0.0),
    # ... but a real excess is not.
    (1.0 + 1e-9, 1.0, 0.0, -INF, INF, 1.0, INF),
]


@pytest.mark.parametrize(("g", "l1", "l2", "lo", "hi", "scale", "expected"),
                         CONJ_CASES)  # fmt: skip
def test_conjugate_coord_known_values(g, l1, l2, lo, hi, scale, expected):
    pen = _pen([[0.3, 0.0, -1.0, 1.0], [l1, l2, lo, hi]])
    got = conjugate_coord(g, pen, 1, scale)
    np.testing.assert_allclose(got, expected, rtol=1e-14)
    np.testing.assert_allclose(
        conjugate(_scaled(pen, scale), [0.0, g])[1], expected, rtol=1e-14
    )


def test_conjugate_numba_and_numpy_agree():
    rng = np.random.default_rng(3)
    p = 60
    pen = _random_pen(rng, p)
    pen_ro = _ro(pen)
    scale = 1.3
    g = rng.uniform(-4, 4, p)
    g[::7] = scale * pen[0, ::7]  # exactly on the edge of the L1 ball
    g[3::7] = -scale * pen[0, 3::7]
    g[5] = 0.0
    ref = conjugate(_scaled(pen, scale), g)
    got = np.array([conjugate_coord(g[j], pen_ro, j, scale) for j in range(p)])
    assert np.isinf(got).any() and np.isfinite(got).any() and (got > 0).any()
    np.testing.assert_array_equal(np.isinf(got), np.isinf(ref))
    np.testing.assert_allclose(got, ref, rtol=1e-14, atol=0)
    # The conjugate of a penalty with h(0) = 0 is never negative.
    assert np.all(got >= 0)


# ---------------------------------------------------------------------------
# dual_limit_coord / dual_limit


def test_dual_limit_lasso_value():
    pen = _pen([[1.0, 0.0, -INF, INF]] * 3)
    g = np.array([0.5, -4.0, 2.0])
    got = [dual_limit_coord(gj, pen, j, 1.0) for j, gj in enumerate(g)]
    np.testing.assert_allclose(got, [1.0, 0.25, 0.5], rtol=1e-15)
    assert dual_limit(pen, g) == pytest.approx(0.25, rel=1e-15)
    # With scale 8 no coordinate limits it.
    assert [dual_limit_coord(gj, pen, j, 8.0) for j, gj in enumerate(g)] == [1.0] * 3
    assert dual_limit(_scaled(pen, 8.0), g) == 1.0


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_dual_limit_numba_numpy_and_conjugate_agree(seed):
    rng = np.random.default_rng(seed)
    p = 30
    pen = _random_pen(rng, p)
    pen[0] = np.maximum(pen[0], 0.05)  # an l1 of 0 would give a limit of 0
    pen[:, :3] = np.array(
        [[1.0, 0.0, -INF, INF], [0.5, 0.0, 0.0, INF], [0.0, 0.0, -INF, INF]]
    ).T
    pen_ro = _ro(pen)
    scale = 0.8
    g = rng.uniform(-5, 5, p)
    g[:3] = [4.0, -3.0, 0.0]
    s_coord = np.array([dual_limit_coord(g[j], pen_ro, j, scale) for j in range(p)])
    assert np.all((s_coord > 0) & (s_coord <= 1))
    s = dual_limit(_scaled(pen, scale), g)
    assert s == s_coord.min()
    assert s < 1.0  # row 0 limits it: 0.8 / 4
    # Every conjugate is finite at s g (the scaled point may round past l1) ...
    conj = [conjugate_coord(s * g[j], pen_ro, j, scale) for j in range(p)]
    assert np.all(np.isfinite(conj))
    per_coord = [conjugate_coord(s_coord[j] * g[j], pen_ro, j, scale) for j in range(p)]
    assert np.all(np.isfinite(per_coord))
    # ... and each limiting coordinate is infinite just past its limit.
    for j in np.flatnonzero(s_coord < 1):
        assert conjugate_coord(s_coord[j] * (1 + 1e-9) * g[j], pen_ro, j, scale) == INF


# ---------------------------------------------------------------------------
# rescale


@pytest.mark.parametrize("degree", [1, 2])
def test_rescale_is_the_penalty_in_scaled_units(degree):
    rng = np.random.default_rng(7)
    p = 6
    pen = _random_pen(rng, p)
    pen[2] = [-INF, -1.0, 0.0, -2.0, -0.5, -INF]
    pen[3] = [INF, 2.0, 1.0, 0.0, INF, 3.0]
    d = rng.uniform(0.1, 10, p)
    ys = 3.5
    out = rescale(pen, d, ys, degree)
    np.testing.assert_array_equal(out[2:], pen[2:] * d[None, :] / ys)
    # h'(w') = h(ys w' / d) / ys^degree for w' inside the scaled bounds.
    lo = np.maximum(out[2], -5.0)
    hi = np.minimum(out[3], 5.0)
    for _ in range(5):
        w_s = rng.uniform(lo, hi)
        np.testing.assert_allclose(
            value(out, w_s), value(pen, ys * w_s / d) / ys**degree, rtol=1e-13
        )
    # Past a scaled bound is past the original one.
    w_s = np.zeros(p)
    w_s[1] = out[3, 1] * (1 + 1e-12)
    assert value(out, w_s) == INF and value(pen, ys * w_s / d) == INF


def test_rescale_survives_extreme_scales():
    pen = np.array([[2.0**500, 2.0**1000, -1.0, 1.0]]).T
    out = rescale(pen, np.array([2.0**600]), 1.0, 2)
    assert out[0, 0] == 2.0**-100
    assert out[1, 0] == 2.0**-200  # d * d would overflow to inf and give 0
    assert out[2, 0] == -(2.0**600) and out[3, 0] == 2.0**600


# ---------------------------------------------------------------------------
# Penalty validation


def test_penalty_array_layout():
    pen = Penalty(2.0, 3, l1_ratio=0.25, penalty_factor=[1.0, 0.0, 2.0],
                  lower_bounds=-1.0, upper_bounds=[1.0, 2.0, INF]).array()  # fmt: skip
    expected = [[0.5, 1.5, -1.0, 1.0], [0.0, 0.0, -1.0, 2.0], [1.0, 3.0, -1.0, INF]]
    np.testing.assert_array_equal(pen, np.array(expected).T)
    assert pen.dtype == np.float64 and pen.flags.c_contiguous and pen.shape == (4, 3)
    plain = Penalty(0.5, 2).array()
    np.testing.assert_array_equal(plain, np.array([[0.5, 0.0, -INF, INF]] * 2).T)
    pos = Penalty(0.5, 2, positive=True, lower_bounds=0.0).array()
    np.testing.assert_array_equal(pos[2], [0.0, 0.0])
    np.testing.assert_array_equal(Penalty(0.5, 2, positive=True).array()[2], 0.0)
    np.testing.assert_array_equal(Penalty(1.0, 2).array(3.0)[0], [3.0, 3.0])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"penalty_factor": [1.0, -1.0, 1.0]}, "penalty_factor must be finite"),
        ({"penalty_factor": [1.0, np.nan, 1.0]}, "penalty_factor must be finite"),
        ({"penalty_factor": [1.0, INF, 1.0]}, "penalty_factor must be finite"),
        ({"penalty_factor": -1.0}, "penalty_factor must be finite"),
        ({"penalty_factor": [1.0, 1.0]}, "penalty_factor must be a scalar"),
        ({"penalty_factor": np.ones((3, 1))}, "penalty_factor must be a scalar"),
        ({"lower_bounds": [-1.0, -1.0]}, "lower_bounds must be a scalar"),
        ({"upper_bounds": np.ones(4)}, "upper_bounds must be a scalar"),
        ({"l1_ratio": -0.1}, "l1_ratio must be in"),
        ({"l1_ratio": 1.5}, "l1_ratio must be in"),
        ({"l1_ratio": np.nan}, "l1_ratio must be in"),
        ({"lower_bounds": [-1.0, -1.0, -1.0], "upper_bounds": [-2.0, 1.0, 1.0]},
         "lower_bounds > upper_bounds at feature 0"),
        ({"lower_bounds": [-1.0, 2.0, -1.0], "upper_bounds": [1.0, 1.0, 1.0]},
         "lower_bounds > upper_bounds at feature 1"),
        ({"lower_bounds": 0.5}, "must contain 0"),
        ({"upper_bounds": [1.0, -0.5, 1.0]}, "must contain 0"),
        ({"lower_bounds": [0.0, np.nan, 0.0]}, "lower_bounds must not contain NaN"),
        ({"upper_bounds": np.nan}, "upper_bounds must not contain NaN"),
        ({"positive": True, "lower_bounds": -1.0}, "positive=True"),
        ({"positive": True, "lower_bounds": [0.0, 0.0, -0.5]}, "positive=True"),
    ],
)  # fmt: skip
def test_penalty_rejects_invalid_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Penalty(1.0, 3, **kwargs)


@pytest.mark.parametrize("alpha", [-1.0, np.nan, INF, "1"])
def test_penalty_rejects_invalid_alpha(alpha):
    with pytest.raises(ValueError, match="alpha must be"):
        Penalty(alpha, 3)

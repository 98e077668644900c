"""Exact rescaling by powers of two."""

import numpy as np
import scipy.sparse as sp

from lad._penalty import Penalty
from lad._solvers import _scaling
from lad._validation import as_kernel_inputs


def test_powers_of_two_bring_magnitudes_to_half_one():
    v = np.array([3e-200, 1.0, 7.5e200, 0.0])
    s = _scaling.power_of_two(v)
    assert np.all((v[:3] / s[:3] >= 0.5) & (v[:3] / s[:3] < 1.0))
    assert s[3] == 1.0
    assert np.all(np.log2(s) == np.round(np.log2(s)))


def test_only_columns_out_of_range_are_scaled_and_exactly():
    col_max = np.array([1.0, 2.0**70, 2.0**-70, 2.0**60])
    scales = _scaling.column_scales(col_max)
    np.testing.assert_array_equal(scales, [1.0, 2.0**71, 2.0**-69, 1.0])
    assert _scaling.column_scales(np.array([1e-10, 1e10])) is None
    X = np.random.default_rng(0).standard_normal((5, 4)) * col_max
    for A in (X, sp.csc_matrix(X)):
        scaled = _scaling.scale_design(as_kernel_inputs(A), scales)
        dense = (
            scaled.X
            if hasattr(scaled, "X")
            else sp.csc_matrix(
                (scaled.data, scaled.indices, scaled.indptr), shape=scaled.shape
            ).toarray()
        )
        np.testing.assert_array_equal(dense * scales, X)  # no rounding at all


def test_the_scaled_penalty_gives_the_same_objective():
    # loss(y - Xw) = s^degree loss(y' - X'w'), w = s w' / d: the penalty of w must be
    # s^degree times the scaled penalty of w'.
    pen = Penalty(0.3, 3, l1_ratio=0.6, lower_bounds=-2.0, upper_bounds=5.0).array()
    d = np.array([2.0**-30, 1.0, 2.0**40])
    s = 2.0**20
    w = np.array([1e-9, 0.5, 3e-13])
    for degree in (1, 2):
        sc = _scaling.Scaling(d, s)
        scaled = sc.penalty(pen, degree)
        w_scaled = sc.coef_in(w)
        np.testing.assert_allclose(sc.coef(w_scaled), w)
        p_orig = pen[0] @ np.abs(w) + 0.5 * pen[1] @ w**2
        p_scaled = scaled[0] @ np.abs(w_scaled) + 0.5 * scaled[1] @ w_scaled**2
        assert p_orig == np.float64(s**degree * p_scaled) or np.isclose(
            p_orig, s**degree * p_scaled, rtol=1e-14
        )
        np.testing.assert_allclose(scaled[2], pen[2] * d / s)

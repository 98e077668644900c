"""Kernel inputs: layouts and dtypes are converted once, exactly."""

import numpy as np
import pytest

from lad._validation import _fortran_float64, as_kernel_inputs


@pytest.mark.parametrize("shape", [(3000, 400), (5000, 3), (7, 4)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_blocked_fortran_copy_is_exact(shape, dtype):
    # Tall C-ordered inputs take the blocked row copy; every entry must survive.
    X = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    F = _fortran_float64(X)
    assert F.flags.f_contiguous and F.dtype == np.float64
    np.testing.assert_array_equal(F, X.astype(np.float64))
    Xf = np.asfortranarray(X, dtype=np.float64)
    assert _fortran_float64(Xf) is Xf  # already in kernel layout: no copy


def test_deferred_layout_keeps_a_c_ordered_matrix():
    X = np.random.default_rng(1).standard_normal((50, 6))
    kept = as_kernel_inputs(X, fortran=False).X
    assert kept.flags.c_contiguous and np.shares_memory(kept, X)
    assert as_kernel_inputs(X).X.flags.f_contiguous


def test_a_dtype_conversion_is_made_in_kernel_layout():
    # float32 must be copied anyway; the copy is the F-ordered one, so the solver
    # never makes a second (layout) copy.
    X32 = np.random.default_rng(2).standard_normal((40, 5)).astype(np.float32)
    X = as_kernel_inputs(X32, fortran=False).X
    assert X.dtype == np.float64 and X.flags.f_contiguous
    np.testing.assert_array_equal(X, X32.astype(np.float64))

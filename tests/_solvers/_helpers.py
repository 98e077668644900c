"""Drive the solver layer directly, with its options as arguments (the test seams)."""

import numpy as np

from lad._penalty import Penalty
from lad._solvers import absolute, squared
from lad._validation import as_kernel_inputs, full_weights, normalized_weights


def squared_fit(
    X,
    y,
    alpha,
    *,
    sample_weight=None,
    positive=False,
    fit_intercept=True,
    precompute=False,
    coef0=None,
    **options,
):
    """``SolveResult`` of the squared solver with ``squared.Options(**options)``."""
    design = as_kernel_inputs(X, fortran=False)
    sw = normalized_weights(sample_weight, design.shape[0])
    problem = squared.prepare(design, sw, fit_intercept=fit_intercept,
                              precompute=precompute)  # fmt: skip
    tgt = squared.target(problem, np.asarray(y, dtype=np.float64))
    unit = Penalty(1.0, design.shape[1], positive=positive).unit()
    return squared.solve(problem, tgt, float(alpha), unit, coef0=coef0,
                         options=squared.Options(**options))  # fmt: skip


def absolute_problem(X, y, *, sample_weight=None, quantile=0.5, fit_intercept=True):
    """A prepared absolute-loss problem."""
    design = as_kernel_inputs(X)
    sw = full_weights(sample_weight, design.shape[0])
    return absolute.prepare(design, np.asarray(y, dtype=np.float64), sw,
                            tau=quantile, fit_intercept=fit_intercept)  # fmt: skip


def unit_l1(n_features):
    """The plain L1 penalty at alpha = 1."""
    return Penalty(1.0, n_features).unit()

"""The one result type every driver returns."""

from dataclasses import dataclass

import numpy as np


@dataclass
class SolveResult:
    """Outcome of one solve.

    Attributes
    ----------
    coef : ndarray of shape (n_features,)
        Coefficients, float64.
    intercept : float
        Intercept (0.0 when it is not fitted).
    n_iter : int
        Iterations used, in the unit the solver documents (epochs for CD).
    dual_gap : float
        Duality gap at the returned point, in the objective's units.
    converged : bool
        Whether the gap reached the requested tolerance.
    tol : float
        The absolute gap tolerance the solver aimed at.
    solver : str
        Name of the algorithm that produced the point.
    """

    coef: np.ndarray
    intercept: float
    n_iter: int
    dual_gap: float
    converged: bool
    tol: float
    solver: str

"""The one result type every driver returns."""

from dataclasses import dataclass, field

import numpy as np


@dataclass
class SolveResult:
    """Outcome of one solve, in the data's units.

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
        Name of the algorithms that produced the point.
    objective : float
        Objective at the returned point (NaN when the driver does not compute it).
    kkt : float
        Largest violation of the dual equality constraints at the certificate's
        dual point (0.0 where the construction meets them exactly).
    details : dict
        Loss-specific facts for the report (for example the number of zero
        residuals of an LAD fit).
    dual : ndarray or None
        The certificate's dual point (in the solver's internal units), reusable to
        certify a nearby point such as the rounded coefficients.
    state : object
        What a warm-started neighbouring solve can reuse (a basis), or None.
    """

    coef: np.ndarray
    intercept: float
    n_iter: int
    dual_gap: float
    converged: bool
    tol: float
    solver: str
    objective: float = float("nan")
    kkt: float = 0.0
    details: dict = field(default_factory=dict)
    dual: object = None
    state: object = None

"""The sparsity report: one object that every estimator in ``lad`` fills."""

import html
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class SparsityReport:
    """Which features a fitted model uses, and how certain its optimum is.

    Built by ``estimator.sparsity_report()``; every estimator in ``lad`` fills the same
    fields, and adds what is specific to it under ``details``.

    Parameters
    ----------
    model : str
        Short description of the fitted model (class and penalty).
    coef : ndarray of shape (n_features,)
        Fitted coefficients.
    feature_names : ndarray of shape (n_features,) or None
        Column names when the model was fit on a DataFrame.
    dual_gap : float
        Duality gap reported by the solver, in the objective's units.
    gap_tol : float
        Gap below which the solver declares convergence.
    kkt_violation : float
        Largest violation of the optimality conditions, measured from the training
        data by :func:`lad.diagnostics.kkt_violation`, not by the solver.
    objective : float
        Objective value at the fitted coefficients, measured from the data.
    converged : bool
        Whether the solver reached its tolerance.
    top : int, default=10
        How many of the largest coefficients :attr:`largest` lists.
    details : dict, default={}
        Estimator-specific entries (for example residual statistics, or path and
        cross-validation summaries), shown after the common rows.

    Attributes
    ----------
    n_features : int
        Number of coefficients.
    n_nonzero : int
        Number of coefficients that are exactly non-zero.
    nonzero_fraction : float
        ``n_nonzero / n_features``.
    support : ndarray of shape (n_nonzero,)
        Indices of the non-zero coefficients.
    support_names : list of str or None
        Names of the non-zero features when known.
    largest : list of tuple
        ``(index, name, coef)`` of the largest coefficients in magnitude.

    Examples
    --------
    >>> import numpy as np
    >>> from lad.diagnostics import SparsityReport
    >>> rep = SparsityReport("demo", np.array([0.0, 2.0, -1.0]), None, 0.0, 1e-8,
    ...                      0.0, 1.0, True)
    >>> rep.n_nonzero, rep.support.tolist()
    (2, [1, 2])
    """

    model: str
    coef: np.ndarray
    feature_names: object
    dual_gap: float
    gap_tol: float
    kkt_violation: float
    objective: float
    converged: bool
    top: int = 10
    details: dict = field(default_factory=dict)

    @property
    def n_features(self):
        """Number of coefficients.

        Examples
        --------
        >>> import numpy as np
        >>> from lad import SparsityReport
        >>> rep = SparsityReport("demo", np.array([0.0, 2.0, -1.0]), None, 0.0, 1e-8,
        ...                      0.0, 1.0, True)
        >>> rep.n_features
        3
        """
        return int(self.coef.shape[0])

    @property
    def support(self):
        """Indices of the exactly non-zero coefficients.

        Examples
        --------
        >>> import numpy as np
        >>> from lad import SparsityReport
        >>> rep = SparsityReport("demo", np.array([0.0, 2.0, -1.0]), None, 0.0, 1e-8,
        ...                      0.0, 1.0, True)
        >>> rep.support.tolist()
        [1, 2]
        """
        return np.flatnonzero(self.coef)

    @property
    def n_nonzero(self):
        """Number of exactly non-zero coefficients.

        Examples
        --------
        >>> import numpy as np
        >>> from lad import SparsityReport
        >>> rep = SparsityReport("demo", np.array([0.0, 2.0, -1.0]), None, 0.0, 1e-8,
        ...                      0.0, 1.0, True)
        >>> rep.n_nonzero
        2
        """
        return int(self.support.shape[0])

    @property
    def nonzero_fraction(self):
        """Fraction of coefficients that are non-zero.

        Examples
        --------
        >>> import numpy as np
        >>> from lad import SparsityReport
        >>> rep = SparsityReport("demo", np.array([0.0, 2.0, -1.0]), None, 0.0, 1e-8,
        ...                      0.0, 1.0, True)
        >>> round(rep.nonzero_fraction, 3)
        0.667
        """
        return self.n_nonzero / self.n_features if self.n_features else 0.0

    @property
    def support_names(self):
        """Names of the non-zero features, or None when the names are unknown.

        Examples
        --------
        >>> import numpy as np
        >>> from lad import SparsityReport
        >>> rep = SparsityReport("demo", np.array([0.0, 2.0, -1.0]),
        ...                      np.array(["a", "b", "c"]), 0.0, 1e-8, 0.0, 1.0, True)
        >>> rep.support_names
        ['b', 'c']
        """
        if self.feature_names is None:
            return None
        return [str(self.feature_names[j]) for j in self.support]

    def _name(self, j):
        if self.feature_names is None:
            return f"x{j}"
        return str(self.feature_names[j])

    @property
    def largest(self):
        """``(index, name, coef)`` of the largest coefficients, biggest first.

        Examples
        --------
        >>> import numpy as np
        >>> from lad import SparsityReport
        >>> rep = SparsityReport("demo", np.array([0.0, 2.0, -1.0]), None, 0.0, 1e-8,
        ...                      0.0, 1.0, True)
        >>> rep.largest
        [(1, 'x1', 2.0), (2, 'x2', -1.0)]
        """
        idx = self.support
        order = idx[np.argsort(-np.abs(self.coef[idx]), kind="stable")][: self.top]
        return [(int(j), self._name(j), float(self.coef[j])) for j in order]

    def to_dict(self):
        """Return the report as a plain dict of Python scalars and lists.

        Returns
        -------
        dict
            Every field and derived quantity, JSON-serialisable.

        Examples
        --------
        >>> import numpy as np
        >>> from lad import SparsityReport
        >>> rep = SparsityReport("demo", np.array([0.0, 2.0, -1.0]), None, 0.0, 1e-8,
        ...                      0.0, 1.0, True)
        >>> d = rep.to_dict()
        >>> d["support"], d["largest"], d["converged"]
        ([1, 2], [[1, 'x1', 2.0], [2, 'x2', -1.0]], True)
        """
        return {
            "model": self.model,
            "n_features": self.n_features,
            "n_nonzero": self.n_nonzero,
            "nonzero_fraction": self.nonzero_fraction,
            "support": self.support.tolist(),
            "support_names": self.support_names,
            "largest": [list(t) for t in self.largest],
            "dual_gap": float(self.dual_gap),
            "gap_tol": float(self.gap_tol),
            "kkt_violation": float(self.kkt_violation),
            "objective": float(self.objective),
            "converged": bool(self.converged),
            "details": {k: _plain(v) for k, v in self.details.items()},
        }

    def _rows(self):
        rows = [
            ("model", self.model),
            ("features", f"{self.n_features}"),
            (
                "non-zero",
                f"{self.n_nonzero} ({100 * self.nonzero_fraction:.1f} %)",
            ),
            ("converged", "yes" if self.converged else "NO"),
            ("duality gap", self._gap_text()),
            ("KKT violation", _measured(self.kkt_violation, "{:.3e}")),
            ("objective", _measured(self.objective, "{:.10g}")),
        ]
        rows += [(k, _fmt(v)) for k, v in self.details.items()]
        return rows

    def _gap_text(self):
        if np.isnan(self.gap_tol):
            return f"{self.dual_gap:.3e}"
        return f"{self.dual_gap:.3e} (tol {self.gap_tol:.3e})"

    def __str__(self):
        rows = self._rows()
        width = max(len(k) for k, _ in rows)
        lines = ["Sparsity report", "=" * 15]
        lines += [f"{k:<{width}}  {v}" for k, v in rows]
        largest = self.largest
        if largest:
            lines += ["", f"Largest coefficients (top {len(largest)}):"]
            nw = max(len(name) for _, name, _ in largest)
            lines += [f"  {name:<{nw}}  {c: .6g}" for _, name, c in largest]
        else:
            lines += ["", "Largest coefficients: none (every coefficient is zero)"]
        return "\n".join(lines)

    def explain(self):
        """A one-line gloss of every row of the report, for readers new to it.

        Returns
        -------
        str
            One line per row present in this report.

        Examples
        --------
        >>> import numpy as np
        >>> from lad import SparsityReport
        >>> rep = SparsityReport("demo", np.array([0.0, 2.0]), None, 0.0, 1e-8,
        ...                      0.0, 1.0, True)
        >>> print(rep.explain().splitlines()[0])
        model: the estimator and the parameters that set the penalty.
        """
        keys = [k for k, _ in self._rows()]
        lines = [f"{k}: {GLOSSARY[k]}" for k in keys if k in GLOSSARY]
        return "\n".join(lines)

    def __repr__(self):
        return str(self)

    def _repr_html_(self):
        esc = html.escape
        body = "".join(
            f"<tr><th style='text-align:left'>{esc(k)}</th>"
            f"<td style='text-align:left'>{esc(v)}</td></tr>"
            for k, v in self._rows()
        )
        coefs = "".join(
            f"<tr><td>{j}</td><td>{esc(name)}</td><td>{c:.6g}</td></tr>"
            for j, name, c in self.largest
        )
        if not coefs:
            return (
                "<div class='lad-sparsity-report'><b>Sparsity report</b>"
                f"<table>{body}</table><b>Largest coefficients</b>: none (every "
                "coefficient is zero)</div>"
            )
        return (
            "<div class='lad-sparsity-report'><b>Sparsity report</b>"
            f"<table>{body}</table>"
            "<b>Largest coefficients</b><table><tr><th>index</th><th>feature</th>"
            f"<th>coef</th></tr>{coefs}</table></div>"
        )


# One line per row a report can hold (common rows first, then estimator details).
GLOSSARY = {
    "model": "the estimator and the parameters that set the penalty.",
    "features": "the number of coefficients.",
    "non-zero": "how many coefficients are exactly non-zero (the selected features).",
    "converged": "whether the certified duality gap reached the tolerance.",
    "duality gap": "an upper bound on how far the objective is above its minimum "
    "(0 means optimal), from an explicitly built dual point; tol is the target.",
    "KKT violation": "the largest violation of the optimality conditions, measured "
    "from the data; at rounding level for an optimum.",
    "objective": "the value of the minimised objective at the fitted coefficients.",
    "alpha_max": "the smallest alpha at which every coefficient is zero "
    "(lad.alpha_max); it sets the scale of alpha for these data.",
    "alpha / alpha_max": "where alpha sits on that scale: 1 or more gives the "
    "constant model, 0.01 keeps most features.",
    "epochs": "passes of coordinate descent over the features.",
    "solver": "the algorithms that ran (see the user guide's solvers page).",
    "zero residuals": "how many observations the fit passes through exactly; an "
    "LAD optimum is a vertex, which fits as many as it has free parameters.",
    "residual quantiles": "minimum, 5, 25, 50, 75, 95 % quantiles and maximum of "
    "the training residuals.",
    "unique optimum": "'certified' when the dual vertex is non-degenerate, which "
    "proves no other coefficients reach the same objective.",
    "simplex pivots": "steps of the exact simplex from its starting vertex to the "
    "optimal one (0: the warm start's guess was optimal).",
    "alpha rule": "how alpha_ was chosen: 'min' CV error, or '1se', the largest "
    "alpha within one standard error of it.",
    "alpha_": "the chosen alpha.",
    "alpha_ / alpha_max": "the chosen alpha on the scale of alpha_max.",
    "CV error at alpha_": "the mean held-out error across folds, +/- its standard "
    "error.",
    "selected in folds (stability)": "the fraction of folds in which each selected "
    "feature is also non-zero at alpha_.",
    "entry alpha (first features)": "the largest alpha at which each feature "
    "enters the path, strongest first.",
    "non-zeros along the path": "the number of non-zero coefficients from the "
    "largest alpha to the smallest.",
}


def _measured(value, fmt):
    return "not measured" if np.isnan(value) else fmt.format(value)


def _plain(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _fmt(value):
    if isinstance(value, float | np.floating):
        return f"{value:.6g}"
    if isinstance(value, np.ndarray):
        return np.array2string(value, precision=4, threshold=20)
    return str(value)

"""Inference for unpenalised quantile regression: standard errors as R's quantreg.

:meth:`lad.LADRegressor.summary` returns a :class:`CoefficientTable`. The methods
follow Koenker, *Quantile Regression* (2005), ch. 3, and the documentation of
quantreg's ``summary.rq``, whose numbers they reproduce (the test suite compares
them through ``Rscript``):

- ``"iid"``: the sparsity ``s = 1 / f(F^-1(q))`` from the residuals (Siddiqui's
  difference quotient, as a median regression of the ordered residuals near 0 on
  their ranks), then ``cov = s^2 q (1 - q) (X'X)^-1``;
- ``"nid"``: Huber's sandwich ``q (1 - q) (X'FX)^-1 X'X (X'FX)^-1`` with local
  densities ``f_i = 2h / x_i'(b(q + h) - b(q - h))`` from exact fits at ``q +- h``;
- ``"ker"``: the same sandwich with Powell's kernel densities of the residuals;
- ``"rank"``: intervals by inverting the regression rank-score test (Koenker
  1994; Gutenbrunner, Jurečková, Koenker and Portnoy 1993), walked exactly and
  interpolated as quantreg's ``rq.fit.br(ci=TRUE)`` does (``lad._rank``); there
  is no standard error, so ``std_err``, ``t_values`` and ``p_values`` are NaN. The
  test's scale assumes iid errors, or with ``iid=False`` uses the local densities
  of ``"nid"``;
- ``"boot"``: the xy-pairs bootstrap (rows, or whole clusters with ``groups``,
  drawn with replacement: each replicate is the exact weighted fit with the draw
  counts as weights), standard errors from the replicates' covariance as in
  quantreg's ``boot.rq``;
- ``"wild"``: the wild bootstrap of Feng, He and Hu (2011): ``y* = x'b + w |r|``
  with ``w = 2 (1 - q)`` with probability ``1 - q`` and ``-2q`` otherwise.

``h`` is the bandwidth of Hall and Sheather (1988) or of Bofinger (1975) at ``n``
and ``q``, halved until ``q +- h`` lies in (0, 1). With weights ``s_i``, the rows of
``X``, ``y`` and the residuals are multiplied by ``s_i`` first, as quantreg does.
t and p values use Student's t with ``n - p`` degrees of freedom (``p`` counts the
intercept); the intervals are ``coef +- t_{(1+level)/2, n-p} se``.
"""

import html
import warnings
from numbers import Integral, Real

import numpy as np
from scipy import stats

__all__ = ["CoefficientTable", "bandwidth"]

# quantreg's tolerance for a residual at zero and in the local densities.
EPS = np.finfo(float).eps ** (2.0 / 3.0)
METHODS = ("iid", "nid", "ker", "rank", "boot", "wild")
BANDWIDTHS = ("hall-sheather", "bofinger")


def bandwidth(q, n, kind="hall-sheather", alpha=0.05):
    """The bandwidth ``h`` of the sparsity estimate at quantile ``q`` and size ``n``.

    Parameters
    ----------
    q : float
        Quantile, in (0, 1).
    n : int
        Number of observations.
    kind : {"hall-sheather", "bofinger"}, default="hall-sheather"
        Hall and Sheather's rate ``n^(-1/3)`` (tuned for intervals at level
        ``1 - alpha``) or Bofinger's ``n^(-1/5)`` (tuned for the mean squared error).
    alpha : float, default=0.05
        Level of the intervals Hall and Sheather's rule is tuned for.

    Returns
    -------
    float
        The bandwidth, as quantreg's ``bandwidth.rq``.

    Examples
    --------
    >>> from lad.inference import bandwidth
    >>> round(bandwidth(0.5, 100), 4)
    0.2093
    """
    if kind not in BANDWIDTHS:
        raise ValueError(f"bandwidth must be one of {BANDWIDTHS}; got {kind!r}.")
    x0 = stats.norm.ppf(q)
    f0 = stats.norm.pdf(x0)
    if kind == "hall-sheather":
        return float(n ** (-1 / 3) * stats.norm.ppf(1 - alpha / 2) ** (2 / 3)
                     * ((1.5 * f0**2) / (2 * x0**2 + 1)) ** (1 / 3))  # fmt: skip
    return float(n**-0.2 * ((4.5 * f0**4) / (2 * x0**2 + 1) ** 2) ** 0.2)


def _inside(q, h):
    """``h`` halved until ``q +- h`` is in (0, 1), with a warning when it is."""
    shrunk = False
    while q - h < 0 or q + h > 1:
        h /= 2.0
        shrunk = True
    if shrunk:
        warnings.warn(
            f"The bandwidth put q +- h outside (0, 1) at q = {q:g}; it was halved "
            f"to h = {h:.4g}, as quantreg does.",
            UserWarning,
            stacklevel=4,
        )
    return h


def _inv_cross(X, f=None):
    """``(X' diag(f) X)^-1`` through a QR of ``sqrt(f) X``, as quantreg forms it."""
    A = X if f is None else X * np.sqrt(f)[:, None]
    R = np.linalg.qr(A, mode="r")
    diag = np.abs(np.diag(R))
    if diag.size == 0 or not np.min(diag) > 1e-12 * np.max(diag):
        zeros = "" if f is None else f" ({int(np.sum(f == 0))} local densities are 0)"
        raise ValueError(
            "The design weighted by the local densities is singular" + zeros + ": "
            "the standard errors are not defined. Use se='ker' or se='iid', or the "
            "other bandwidth."
        )
    Rinv = np.linalg.solve(R, np.eye(R.shape[0]))
    return Rinv @ Rinv.T


def _iid(X, resid, q, h_kind, fit_median):
    n, p = X.shape
    pz = int(np.sum(np.abs(resid) < EPS))
    h = max(p + 1, int(np.ceil(n * bandwidth(q, n, h_kind))))
    ir = np.arange(pz + 1, h + pz + 2)  # quantreg's 1-based ranks
    ir = ir[ir <= n]
    by_size = resid[np.argsort(np.abs(resid), kind="stable")]
    ord_resid = np.sort(by_size[ir - 1])
    xt = ir / (n - p)
    sparsity = fit_median(xt, ord_resid)
    return sparsity**2 * q * (1 - q) * _inv_cross(X), None


def _sandwich(X, f, q):
    fxxinv = _inv_cross(X, f)
    return q * (1 - q) * fxxinv @ (X.T @ X) @ fxxinv


def _spread(X, q, h_kind, fit_at):
    """The bandwidth and the fitted spread ``x_i'(b(q + h) - b(q - h))``."""
    h = _inside(q, bandwidth(q, X.shape[0], h_kind))
    return h, X @ (fit_at(q + h) - fit_at(q - h))


def _nid(X, q, h_kind, fit_at):
    h, dyhat = _spread(X, q, h_kind, fit_at)
    bad = int(np.sum(dyhat <= 0))
    if bad:
        warnings.warn(
            f"{bad} non-positive local densities (the fits at q +- h cross at those "
            "rows); they are set to 0, as quantreg does.",
            UserWarning,
            stacklevel=4,
        )
    f = np.maximum(0.0, (2 * h) / (dyhat - EPS))
    return _sandwich(X, f, q), h


def _ker(X, resid, q, h_kind):
    n = X.shape[0]
    h = _inside(q, bandwidth(q, n, h_kind))
    q75, q25 = np.quantile(resid, [0.75, 0.25])
    spread = min(float(np.std(resid, ddof=1)), float(q75 - q25) / 1.34)
    h = (stats.norm.ppf(q + h) - stats.norm.ppf(q - h)) * spread
    f = stats.norm.pdf(resid / h) / h
    return _sandwich(X, f, q), h


def _rank(X, y, coef, q, level, h_kind, fit_at, iid):
    """Rank-inversion intervals and the bandwidth (None for iid), as ``rq.fit.br``."""
    from ._rank import is_vertex, rank_intervals

    n, p = X.shape
    h = None
    if iid:
        qn = 1.0 / np.diag(_inv_cross(X))
    else:
        # rq.fit.br's scale: residual sums of squares of each column on the
        # others, by least squares weighted with the local densities.
        h, dyhat = _spread(X, q, h_kind, fit_at)
        f = np.maximum(EPS, (2 * h) / (dyhat - EPS))
        sw = np.sqrt(f)
        qn = np.empty(p)
        for j in range(p):
            Z = np.delete(X, j, axis=1)
            g = np.linalg.lstsq(Z * sw[:, None], X[:, j] * sw, rcond=None)[0]
            qn[j] = float(np.sum((X[:, j] - Z @ g) ** 2))
    # The walk starts from a vertex of the fit: the estimate when it is one.
    start = coef if is_vertex(X, y, coef) else fit_at(q)
    cutoff = stats.t.ppf(0.5 + level / 2, n - p)
    return rank_intervals(X, y, start, q, cutoff=cutoff, qn=qn), h


def bootstrap_draws(kind, n, q, n_boot, random_state, groups=None, resid=None):
    """The replicates' row weights (``"boot"``) or residual signs (``"wild"``).

    Drawn all at once from ``random_state`` (a ``numpy.random.RandomState``), so
    that the result does not depend on how the replicates are scheduled. Returns an
    array of shape ``(n_boot, n)``.
    """
    if kind == "wild":
        up = random_state.random_sample((n_boot, n)) >= q
        return np.where(up, 2.0 * (1.0 - q), -2.0 * q)
    if groups is None:
        return random_state.multinomial(n, np.full(n, 1.0 / n), size=n_boot).astype(
            np.float64
        )
    labels, index = np.unique(np.asarray(groups), return_inverse=True)
    g = labels.size
    counts = random_state.multinomial(g, np.full(g, 1.0 / g), size=n_boot)
    return counts[:, index].astype(np.float64)


def bootstrap_cov(replicates):
    """The covariance of the replicates' coefficients (rows), as R's ``cov``."""
    return np.atleast_2d(np.cov(np.asarray(replicates), rowvar=False, ddof=1))


def coefficient_table(X, y, coef, q, *, se, level, h_kind, names, fit_median, fit_at,
                      weights=None, replicates=None, iid=True):  # fmt: skip
    """The table for the design ``X`` (intercept column first when fitted).

    ``fit_median(x, y)`` returns the slope of the median regression of ``y`` on
    ``x`` (with an intercept); ``fit_at(q)`` the coefficients of the exact fit at
    quantile ``q`` on the same data, in ``X``'s column order; ``replicates()`` the
    bootstrap coefficients, shape ``(n_boot, p)``.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    resid = y - X @ coef
    if weights is not None:
        w = np.asarray(weights, dtype=np.float64)
        X, y, resid = X * w[:, None], y * w, resid * w
    n, p = X.shape
    if n <= p:
        raise ValueError(
            f"Standard errors need more observations than coefficients; got n = {n} "
            f"and p = {p} (the intercept included)."
        )
    df = n - p
    if se == "rank":
        ci, h = _rank(X, y, coef, q, level, h_kind, fit_at, iid)
        nan = np.full(p, np.nan)
        return CoefficientTable(names, coef, nan, nan, nan, ci, se=se,
                                level=level, n_samples=n, quantile=q, df=df,
                                bandwidth=h)  # fmt: skip
    if se in ("boot", "wild"):
        cov, h = bootstrap_cov(replicates()), None
    elif se == "iid":
        cov, h = _iid(X, resid, q, h_kind, fit_median)
    elif se == "nid":
        cov, h = _nid(X, q, h_kind, fit_at)
    else:
        cov, h = _ker(X, resid, q, h_kind)
    std_err = np.sqrt(np.diag(cov))
    with np.errstate(divide="ignore", invalid="ignore"):
        t = coef / std_err
    p_values = 2 * stats.t.sf(np.abs(t), df)
    crit = stats.t.ppf(0.5 + level / 2, df)
    ci = np.column_stack([coef - crit * std_err, coef + crit * std_err])
    return CoefficientTable(names, coef, std_err, t, p_values, ci, se=se, level=level,
                            n_samples=n, quantile=q, df=df, bandwidth=h)  # fmt: skip


class CoefficientTable:
    """Coefficients with standard errors, t and p values and confidence intervals.

    Returned by :meth:`lad.LADRegressor.summary`; rows are the intercept (when
    fitted) and then the features, in R's order.

    Parameters
    ----------
    names : list of str
        Row names.
    coef, std_err, t_values, p_values : ndarray of shape (n_rows,)
        Estimates, standard errors, ``coef / std_err`` and two-sided p values.
    conf_int : ndarray of shape (n_rows, 2)
        Lower and upper ends of the intervals at ``level``.
    se : str
        The method (``"iid"``, ``"nid"``, ``"ker"``, ``"rank"``, ``"boot"`` or
        ``"wild"``); ``"rank"`` has intervals only (the other columns are NaN).
    level : float
        Confidence level of ``conf_int``.
    n_samples : int
        Number of observations.
    quantile : float
        The quantile of the fit.
    df : int
        Residual degrees of freedom, ``n_samples - n_rows``.
    bandwidth : float or None
        The bandwidth used (``"nid"`` and ``"rank"`` with ``iid=False``: on the
        quantile scale; ``"ker"``: on the residuals' scale); None for the others.

    Examples
    --------
    >>> import numpy as np
    >>> from lad import LADRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((200, 2)); y = X @ [1.0, -2.0] + rng.standard_t(3, 200)
    >>> table = LADRegressor().fit(X, y).summary(X, y, se="nid")
    >>> table.names
    ['(Intercept)', 'x0', 'x1']
    >>> bool(np.all(table.conf_int[:, 0] < table.coef))
    True
    """

    def __init__(self, names, coef, std_err, t_values, p_values, conf_int, *, se,
                 level, n_samples, quantile, df, bandwidth):  # fmt: skip
        self.names = list(names)
        self.coef = np.asarray(coef, dtype=np.float64)
        self.std_err = np.asarray(std_err, dtype=np.float64)
        self.t_values = np.asarray(t_values, dtype=np.float64)
        self.p_values = np.asarray(p_values, dtype=np.float64)
        self.conf_int = np.asarray(conf_int, dtype=np.float64)
        self.se = se
        self.level = float(level)
        self.n_samples = int(n_samples)
        self.quantile = float(quantile)
        self.df = int(df)
        self.bandwidth = None if bandwidth is None else float(bandwidth)

    def _columns(self):
        pct = f"{100 * self.level:g}%"
        if self.se == "rank":  # intervals without standard errors
            return ["coef", f"[{pct}", f"{pct}]"]
        return ["coef", "std err", "t", "P>|t|", f"[{pct}", f"{pct}]"]

    def _cells(self):
        rows = []
        for k, name in enumerate(self.names):
            ends = [f"{self.conf_int[k, 0]:.6g}", f"{self.conf_int[k, 1]:.6g}"]
            if self.se == "rank":
                rows.append([name, f"{self.coef[k]:.6g}", *ends])
                continue
            rows.append(
                [
                    name,
                    f"{self.coef[k]:.6g}",
                    f"{self.std_err[k]:.6g}",
                    f"{self.t_values[k]:.3f}",
                    f"{self.p_values[k]:.3g}",
                    *ends,
                ]
            )
        return rows

    def _title(self):
        return (f"Quantile regression at q = {self.quantile:g}: n = {self.n_samples}, "
                f"df = {self.df}, se = {self.se!r}")  # fmt: skip

    def __repr__(self):
        head = [""] + self._columns()
        rows = self._cells()
        widths = [max(len(r[c]) for r in [head] + rows) for c in range(len(head))]
        lines = [self._title(), ""]
        fmt = [lambda s, w: s.ljust(w)] + [lambda s, w: s.rjust(w)] * (len(head) - 1)
        for r in [head] + rows:
            cells = zip(fmt, r, widths, strict=True)
            lines.append("  ".join(f(s, w) for f, s, w in cells))
        return "\n".join(lines)

    def _repr_html_(self):
        head = "".join(f"<th>{html.escape(c)}</th>" for c in [""] + self._columns())
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
            for row in self._cells()
        )
        return (f"<table class='lad-coef-table'><caption>{html.escape(self._title())}"
                f"</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody>"
                "</table>")  # fmt: skip

    def to_dict(self):
        """The table as a dict of lists (one entry per column, rows in order).

        Returns
        -------
        dict
            Keys ``"names", "coef", "std_err", "t_values", "p_values",
            "conf_low", "conf_high"``.

        Examples
        --------
        >>> import numpy as np
        >>> from lad import LADRegressor
        >>> rng = np.random.default_rng(1)
        >>> X = rng.standard_normal((100, 1)); y = X[:, 0] + rng.standard_t(3, 100)
        >>> d = LADRegressor().fit(X, y).summary(X, y, se="iid").to_dict()
        >>> d["names"], len(d["std_err"])
        (['(Intercept)', 'x0'], 2)
        """
        return {
            "names": list(self.names),
            "coef": self.coef.tolist(),
            "std_err": self.std_err.tolist(),
            "t_values": self.t_values.tolist(),
            "p_values": self.p_values.tolist(),
            "conf_low": self.conf_int[:, 0].tolist(),
            "conf_high": self.conf_int[:, 1].tolist(),
        }

    def to_frame(self):
        """The table as a pandas DataFrame indexed by the row names (needs pandas).

        Returns
        -------
        pandas.DataFrame
            Columns ``coef, std_err, t, p, conf_low, conf_high``.

        Examples
        --------
        >>> import numpy as np
        >>> from lad import LADRegressor
        >>> rng = np.random.default_rng(1)
        >>> X = rng.standard_normal((100, 1)); y = X[:, 0] + rng.standard_t(3, 100)
        >>> frame = LADRegressor().fit(X, y).summary(X, y, se="iid").to_frame()
        >>> list(frame.columns)
        ['coef', 'std_err', 't', 'p', 'conf_low', 'conf_high']
        """
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - pandas is in the test extra
            raise ImportError("to_frame() needs pandas: pip install pandas") from exc
        d = self.to_dict()
        return pd.DataFrame(
            {"coef": d["coef"], "std_err": d["std_err"], "t": d["t_values"],
             "p": d["p_values"], "conf_low": d["conf_low"],
             "conf_high": d["conf_high"]},
            index=pd.Index(d["names"], name=None),
        )  # fmt: skip


def summarize(model, X, y, sample_weight=None, *, se, level, bandwidth, n_boot,
              random_state, n_jobs, groups, iid=True):  # fmt: skip
    """:meth:`lad.LADRegressor.summary`: checks, the design, and the table."""
    from sklearn.utils.validation import check_is_fitted

    from ._validation import validate_predict_data
    from .estimators._common import report_names

    check_is_fitted(model)
    if float(model.alpha) > 0:
        raise ValueError(
            f"summary() needs an unpenalised model (alpha=0); this one has alpha="
            f"{model.alpha:g}. Intervals computed as if the selected features had "
            "been chosen in advance are not valid after selection. Refit with "
            "alpha=0 on the selected features using new data (sample splitting), "
            "or bootstrap the whole selection."
        )
    if model.lower_bounds is not None or model.upper_bounds is not None:
        raise ValueError(
            "summary() does not cover bounded coefficients: at a bound the "
            "estimator's distribution is not normal. Refit without bounds."
        )
    if se not in METHODS:
        raise ValueError(f"se must be one of {METHODS}; got {se!r}.")
    if bandwidth not in BANDWIDTHS:
        raise ValueError(f"bandwidth must be one of {BANDWIDTHS}; got {bandwidth!r}.")
    if not isinstance(level, Real) or not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1); got {level!r}.")
    if se in ("boot", "wild") and (
        not isinstance(n_boot, Integral) or isinstance(n_boot, bool) or n_boot < 2
    ):
        raise ValueError(f"n_boot must be an integer >= 2; got {n_boot!r}.")
    if groups is not None and se != "boot":
        raise ValueError("groups is used by se='boot' (the cluster bootstrap) only.")
    if not isinstance(iid, (bool, np.bool_)):
        raise ValueError(f"iid must be True or False; got {iid!r}.")
    if not iid and se != "rank":
        raise ValueError(
            "iid=False is used by se='rank' only (the other methods are named: "
            "se='nid' or 'ker' for non-iid errors)."
        )
    X = validate_predict_data(model, X)
    X = np.asarray(X.toarray() if hasattr(X, "toarray") else X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).ravel()
    if y.shape[0] != X.shape[0]:
        raise ValueError(
            f"X has {X.shape[0]} rows but y has {y.shape[0]}: pass the data the "
            "model was fitted on."
        )
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, dtype=np.float64)
        if sample_weight.shape != y.shape:
            raise ValueError("sample_weight must have one entry per row of X.")
    if groups is not None and np.asarray(groups).shape != y.shape:
        raise ValueError("groups must have one label per row of X.")
    names = report_names(model, None)
    names = [f"x{j}" for j in range(X.shape[1])] if names is None else list(names)
    coef = np.asarray(model.coef_, dtype=np.float64)
    D = X
    if model.fit_intercept:
        D = np.column_stack([np.ones(X.shape[0]), X])
        coef = np.r_[float(model.intercept_), coef]
        names = ["(Intercept)"] + names
    fits = _Fits(model, X, y, sample_weight)
    return coefficient_table(
        D, y, coef, float(model.quantile), se=se, level=level, h_kind=bandwidth,
        names=names, fit_median=fits.median_slope, fit_at=fits.at,
        weights=sample_weight,
        replicates=lambda: fits.bootstrap(se, n_boot, random_state, n_jobs, groups),
        iid=iid,
    )  # fmt: skip


class _Fits:
    """The exact fits the methods need, on the data of the table.

    Every fit is the exact solver itself, without an estimator's validation and
    report, and none starts from the estimate: from there every residual that
    changes sign costs a simplex pivot, and the solver's own start (the interior
    point) was 2.6 times as fast for bootstrap replicates and twice as fast for the
    fits at ``q +- h`` (n = 10000, p = 20).
    """

    def __init__(self, model, X, y, sample_weight):
        from ._solvers import absolute
        from ._validation import as_kernel_inputs

        self.model, self.X, self.y, self.sw = model, X, y, sample_weight
        self.design = as_kernel_inputs(X)
        self.unit = model._penalty(0.0, X.shape[1]).unit()
        self.options = absolute.Options(tol=float(model.tol))

    def _solve(self, y, sw, q):
        """Coefficients (intercept first) of the fit of ``y`` with weights ``sw``."""
        from ._solvers import absolute
        from ._validation import full_weights

        fit_intercept = bool(self.model.fit_intercept)
        problem = absolute.prepare(self.design, y, full_weights(sw, y.shape[0]),
                                   tau=q, fit_intercept=fit_intercept)  # fmt: skip
        res = absolute.solve(problem, 0.0, self.unit, options=self.options)
        b = np.asarray(res.coef, dtype=np.float64)
        return np.r_[float(res.intercept), b] if fit_intercept else b

    def at(self, q):
        """Coefficients (intercept first) of the unpenalised fit at quantile ``q``."""
        return self._solve(self.y, self.sw, q)

    def median_slope(self, x, r):
        """Slope of the median regression of ``r`` on ``x`` (with an intercept)."""
        from .estimators import LADRegressor

        return float(LADRegressor(tol=self.model.tol).fit(x[:, None], r).coef_[0])

    def bootstrap(self, kind, n_boot, random_state, n_jobs, groups):
        """The replicates' coefficients ``(n_boot, p)``, intercept first.

        Each replicate is the exact weighted fit (the draw counts times the
        weights), on threads.
        """
        from joblib import Parallel, delayed
        from sklearn.utils import check_random_state

        n = self.X.shape[0]
        q = float(self.model.quantile)
        draws = bootstrap_draws(kind, n, q, int(n_boot),
                                check_random_state(random_state), groups)  # fmt: skip
        base = np.ones(n) if self.sw is None else self.sw
        fitted = self.X @ np.asarray(self.model.coef_, dtype=np.float64) + float(
            self.model.intercept_
        )
        abs_resid = np.abs(self.y - fitted)

        def one(d):
            if kind == "wild":
                return self._solve(fitted + d * abs_resid, base, q)
            return self._solve(self.y, base * d, q)

        out = Parallel(n_jobs=n_jobs, prefer="threads")(delayed(one)(d) for d in draws)
        return np.asarray(out)

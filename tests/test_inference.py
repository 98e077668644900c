"""Standard errors of LADRegressor.summary against R's quantreg (summary.rq).

quantreg runs through Rscript (tests/reference/_r.py), skipped with the reason where
R or quantreg is missing; the data are Koenker's Engel data and the stack loss data
(statsmodels' copies) and random problems with weights.
"""

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from lad import LADRegressor
from lad.inference import CoefficientTable, bandwidth
from tests.reference import _r


def _engel():
    from statsmodels.datasets import engel

    d = engel.load_pandas().data
    return d[["income"]].to_numpy(), d["foodexp"].to_numpy()


def _stackloss():
    from statsmodels.datasets import stackloss

    d = stackloss.load_pandas().data
    return d[["AIRFLOW", "WATERTEMP", "ACIDCONC"]].to_numpy(), d["STACKLOSS"].to_numpy()


def _random(seed, n=120, p=3):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = (
        1
        + X @ rng.standard_normal(p)
        + (1 + 0.5 * np.abs(X[:, 0])) * rng.standard_t(3, n)
    )
    return X, y, rng.uniform(0.5, 2.0, n)


def _quantreg(X, y, tau, se, hs, w=None):
    code = (
        "library(quantreg); f <- rq(y ~ X, tau = tau, weights = w);"
        f" s <- summary(f, se = '{se}', hs = {'TRUE' if hs else 'FALSE'});"
        " out <- list(tab = as.numeric(s$coefficients))"
    )
    res = _r.run(code, X=X, y=y, tau=np.array([tau]), w=np.ones(len(y)) if w is None
                 else w)  # fmt: skip
    return res["tab"].reshape(4, -1).T  # rows: coefficients; cols: value, se, t, p


CASES = [
    ("engel", 0.5), ("engel", 0.25), ("engel", 0.9), ("stackloss", 0.5),
    ("stackloss", 0.25), ("random", 0.5), ("random", 0.75), ("weighted", 0.5),
    ("weighted", 0.3),
]  # fmt: skip


METHODS = [("iid", True), ("nid", True), ("nid", False), ("ker", True)]
# Not compared: iid on the 21 stack loss rows at q = 0.25, where quantreg's window
# of ordered residuals (h + pz + 1 ranks) runs past n and R indexes NA.
GRID = [(d, t, se, hs) for d, t in CASES for se, hs in METHODS
        if not (d == "stackloss" and se == "iid" and t == 0.25)]  # fmt: skip


@pytest.mark.parametrize(("data", "tau", "se", "hs"), GRID)
def test_standard_errors_equal_quantreg(data, tau, se, hs):
    _r.require("quantreg")
    w = None
    if data == "engel":
        X, y = _engel()
    elif data == "stackloss":
        X, y = _stackloss()
    else:
        X, y, w_all = _random(7 if data == "random" else 8)
        w = w_all if data == "weighted" else None
    ref = _quantreg(X, y, tau, se, hs, w)
    model = LADRegressor(quantile=tau).fit(X, y, sample_weight=w)
    with _no_fail():
        table = model.summary(
            X,
            y,
            sample_weight=w,
            se=se,
            bandwidth="hall-sheather" if hs else "bofinger",
        )
    np.testing.assert_allclose(table.coef, ref[:, 0], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(table.std_err, ref[:, 1], rtol=1e-6)
    np.testing.assert_allclose(table.t_values, ref[:, 2], rtol=1e-6, atol=1e-9)
    # quantreg's 2 (1 - pt(|t|)) rounds to 0 below 1e-16; lad's survival function
    # does not, so tiny p values agree only to that absolute level.
    np.testing.assert_allclose(table.p_values, ref[:, 3], rtol=1e-6, atol=1e-14)


class _no_fail:
    """Warnings (a shrunk bandwidth, crossing fits) are quantreg's too: let them be."""

    def __enter__(self):
        import warnings

        self._ctx = warnings.catch_warnings()
        self._ctx.__enter__()
        warnings.simplefilter("ignore", UserWarning)

    def __exit__(self, *exc):
        return self._ctx.__exit__(*exc)


def test_table_prints_renders_and_converts():
    X, y = _engel()
    table = LADRegressor().fit(X, y).summary(X, y, se="nid", level=0.9)
    assert isinstance(table, CoefficientTable)
    text = repr(table)
    assert "(Intercept)" in text and "[90%" in text and "se = 'nid'" in text
    assert "<table" in table._repr_html_()
    d = table.to_dict()
    assert d["names"] == ["(Intercept)", "x0"] and len(d["conf_low"]) == 2
    frame = table.to_frame()
    assert list(frame.index) == ["(Intercept)", "x0"]
    np.testing.assert_allclose(frame["std_err"], table.std_err)
    # The interval is coef +- t_{0.95, n - p} se.
    from scipy import stats

    crit = stats.t.ppf(0.95, 235 - 2)
    np.testing.assert_allclose(table.conf_int[:, 1] - table.coef, crit * table.std_err)


def test_feature_names_come_from_a_dataframe():
    pd = pytest.importorskip("pandas")
    X, y = _stackloss()
    frame = pd.DataFrame(X, columns=["air", "water", "acid"])
    table = LADRegressor().fit(frame, y).summary(frame, y, se="ker")
    assert table.names == ["(Intercept)", "air", "water", "acid"]


def test_bandwidths_are_quantregs_formulas():
    from scipy import stats

    q, n = 0.3, 500
    x0, f0 = stats.norm.ppf(q), stats.norm.pdf(stats.norm.ppf(q))
    hs = (
        n ** (-1 / 3)
        * stats.norm.ppf(0.975) ** (2 / 3)
        * (1.5 * f0**2 / (2 * x0**2 + 1)) ** (1 / 3)
    )
    bof = n**-0.2 * (4.5 * f0**4 / (2 * x0**2 + 1) ** 2) ** 0.2
    assert bandwidth(q, n) == pytest.approx(hs, rel=1e-14)
    assert bandwidth(q, n, "bofinger") == pytest.approx(bof, rel=1e-14)


def test_a_bandwidth_past_the_unit_interval_is_halved_with_a_warning():
    X, y, _ = _random(9, n=40)
    model = LADRegressor(quantile=0.97).fit(X, y)
    with pytest.warns(UserWarning, match="halved"):
        table = model.summary(X, y, se="ker")
    assert np.all(np.isfinite(table.std_err))


@pytest.mark.filterwarnings("ignore:The bandwidth put:UserWarning")
def test_non_positive_densities_are_counted_never_nan():
    X, y, _ = _random(9, n=40)
    model = LADRegressor(quantile=0.03).fit(X, y)
    with pytest.warns(UserWarning, match="non-positive local densities"):
        try:
            table = model.summary(X, y, se="nid", bandwidth="bofinger")
        except ValueError as exc:  # too many: the sandwich is singular, and says so
            assert "singular" in str(exc)
        else:
            assert np.all(np.isfinite(table.std_err))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"se": "boot2"}, "se must be one of"),
        ({"level": 1.0}, "level"),
        ({"level": 0.0}, "level"),
        ({"bandwidth": "silverman"}, "bandwidth"),
    ],
)
def test_bad_arguments_are_refused(kwargs, match):
    X, y = _engel()
    model = LADRegressor().fit(X, y)
    with pytest.raises(ValueError, match=match):
        model.summary(X, y, **kwargs)


def test_refusals():
    X, y = _engel()
    with pytest.raises(NotFittedError):
        LADRegressor().summary(X, y)
    with pytest.raises(ValueError, match="not valid after selection"):
        LADRegressor(alpha=0.1).fit(X, y).summary(X, y)
    with pytest.raises(ValueError, match="bounded"):
        LADRegressor(lower_bounds=0.0).fit(X, y).summary(X, y)
    model = LADRegressor().fit(X, y)
    with pytest.raises(ValueError, match="rows"):
        model.summary(X, y[:-1])
    with pytest.raises(ValueError, match="features"):
        model.summary(np.c_[X, X], y)


@pytest.mark.parametrize(("se", "bsmethod"), [("boot", "xy"), ("wild", "wild")])
def test_bootstrap_standard_errors_agree_with_quantreg(se, bsmethod):
    # Different random streams: the standard errors of 2000 replicates each agree
    # to their sampling error (about 1.6 % each here), well inside 12 %.
    _r.require("quantreg")
    X, y = _engel()
    res = _r.run(
        "library(quantreg); set.seed(1); f <- rq(y ~ X, tau = 0.5);"
        f" s <- summary(f, se = 'boot', bsmethod = '{bsmethod}', R = 2000);"
        " out <- list(tab = as.numeric(s$coefficients))",
        X=X, y=y,
    )  # fmt: skip
    ref = res["tab"].reshape(4, -1).T
    table = LADRegressor().fit(X, y).summary(X, y, se=se, n_boot=2000,
                                             random_state=0, n_jobs=2)  # fmt: skip
    np.testing.assert_allclose(table.std_err, ref[:, 1], rtol=0.12)


def test_bootstrap_is_deterministic_and_the_cluster_draws_reduce_to_pairs():
    X, y, _ = _random(11, n=80)
    model = LADRegressor().fit(X, y)
    a = model.summary(X, y, se="boot", n_boot=40, random_state=3, n_jobs=2)
    b = model.summary(X, y, se="boot", n_boot=40, random_state=3)
    np.testing.assert_array_equal(a.std_err, b.std_err)
    # One cluster per row is the pairs bootstrap itself, draw for draw.
    c = model.summary(X, y, se="boot", n_boot=40, random_state=3, groups=np.arange(80))
    np.testing.assert_array_equal(a.std_err, c.std_err)


def test_cluster_bootstrap_sees_correlation_within_clusters():
    rng = np.random.default_rng(12)
    g = np.repeat(np.arange(30), 10)
    x = rng.standard_normal(30)[g] + 0.3 * rng.standard_normal(300)
    y = 1 + x + rng.standard_normal(30)[g] + 0.3 * rng.standard_t(3, 300)
    X = x[:, None]
    model = LADRegressor().fit(X, y)
    pairs = model.summary(X, y, se="boot", n_boot=300, random_state=0)
    cluster = model.summary(X, y, se="boot", n_boot=300, random_state=0, groups=g)
    assert cluster.std_err[1] > 1.5 * pairs.std_err[1]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"se": "boot", "n_boot": 1}, "n_boot"),
        ({"se": "wild", "n_boot": 2.5}, "n_boot"),
        ({"se": "nid", "groups": np.zeros(235)}, "groups"),
        ({"se": "boot", "groups": np.zeros(3)}, "groups"),
    ],
)
def test_bad_bootstrap_arguments_are_refused(kwargs, match):
    X, y = _engel()
    with pytest.raises(ValueError, match=match):
        LADRegressor().fit(X, y).summary(X, y, **kwargs)


def _quantreg_rank(X, y, tau, level, iid, w=None):
    code = (
        "library(quantreg); f <- rq(y ~ X, tau = tau, weights = w);"
        " s <- summary(f, se = 'rank', alpha = 1 - level,"
        f" iid = {'TRUE' if iid else 'FALSE'});"
        " out <- list(tab = as.numeric(s$coefficients))"
    )
    res = _r.run(code, X=X, y=y, tau=np.array([tau]), level=np.array([level]),
                 w=np.ones(len(y)) if w is None else w)  # fmt: skip
    tab = res["tab"].reshape(3, -1).T  # rows: coefficients; cols: value, lower, upper
    big = np.finfo(float).max  # quantreg's end of a walk that never rejects
    return np.where(np.abs(tab) >= big, np.sign(tab) * np.inf, tab)


def _case(data):
    if data == "engel":
        return (*_engel(), None)
    if data == "stackloss":
        return (*_stackloss(), None)
    X, y, w_all = _random(7 if data == "random" else 8)
    return X, y, (w_all if data == "weighted" else None)


RANK_GRID = [(d, t, level, iid) for d, t in CASES for level, iid in
             [(0.95, True), (0.9, True), (0.95, False)]]  # fmt: skip
# Where quantreg's walk leaves the optimum: on the stack loss data at q = 0.5 its
# lower end for AIRFLOW interpolates from a step it starts at b = 18/35, a vertex
# whose restricted objective at b = 0.512 is 26.152 against the optimum 26.065
# (HiGHS). lad's walk has one step on (0.5079, 0.5278), checked optimal step by
# step in tests/test_rank.py; the ends differ by 0.4% (level 0.95) and 1.6% (0.9)
# of the width. Every other end of the grid is compared.
QUANTREG_OFF_THE_OPTIMUM = {("stackloss", 0.5, True): (1, 0)}  # (row, lower end)


@pytest.mark.parametrize(("data", "tau", "level", "iid"), RANK_GRID)
def test_rank_intervals_equal_quantreg(data, tau, level, iid):
    _r.require("quantreg")
    X, y, w = _case(data)
    ref = _quantreg_rank(X, y, tau, level, iid, w)
    model = LADRegressor(quantile=tau).fit(X, y, sample_weight=w)
    with _no_fail():
        table = model.summary(X, y, sample_weight=w, se="rank", level=level, iid=iid)
    np.testing.assert_allclose(table.coef, ref[:, 0], rtol=1e-9, atol=1e-12)
    width = ref[:, 2] - ref[:, 1]
    width = np.where(np.isfinite(width), width, 1.0)
    off = QUANTREG_OFF_THE_OPTIMUM.get((data, tau, iid))
    for k in (0, 1):
        ends, want = table.conf_int[:, k], ref[:, k + 1]
        same_inf = np.isinf(want) & (ends == want)
        err = np.where(same_inf, 0.0, np.abs(ends - want) / width)
        if off is not None and off[1] == k:
            assert 1e-3 < err[off[0]] < 0.05  # the documented difference, no other
            err[off[0]] = 0.0
        assert np.all(err <= 1e-6), (k, ends, want)
    assert np.all(np.isnan(table.std_err)) and np.all(np.isnan(table.p_values))

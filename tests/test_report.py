"""The sparsity report: content, text, HTML and dict forms."""

import json

import numpy as np
import pytest

from lad import LassoL1, SparsityReport
from tests._oracle import lasso_kkt, make_problem


def test_report_content_matches_the_fit():
    X, y = make_problem(80, 30, seed=0)
    m = LassoL1(alpha=0.1).fit(X, y)
    rep = m.sparsity_report(top=3)
    nz = np.flatnonzero(m.coef_)
    assert rep.n_features == 30
    assert rep.n_nonzero == len(nz)
    assert rep.nonzero_fraction == pytest.approx(len(nz) / 30)
    assert rep.support.tolist() == nz.tolist()
    assert rep.support_names is None
    assert rep.dual_gap == m.dual_gap_
    assert rep.converged
    assert rep.kkt_violation == pytest.approx(
        lasso_kkt(X, y, m.coef_, m.intercept_, 0.1), abs=1e-12
    )
    largest = rep.largest
    assert len(largest) == 3
    mags = [abs(c) for _, _, c in largest]
    assert mags == sorted(mags, reverse=True)
    assert mags[0] == np.abs(m.coef_).max()


def test_report_renders_as_text_html_and_dict():
    pd = pytest.importorskip("pandas")
    X, y = make_problem(50, 5, seed=1)
    df = pd.DataFrame(X, columns=["a", "b", "c", "d", "<e>"])
    rep = LassoL1(alpha=0.05).fit(df, y).sparsity_report()
    text = str(rep)
    assert "non-zero" in text and "duality gap" in text and "KKT violation" in text
    for name in rep.support_names:
        assert name in text
    html = rep._repr_html_()
    assert html.startswith("<div") and "<table>" in html
    assert "<e>" not in html  # names are escaped
    d = rep.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["n_nonzero"] == rep.n_nonzero and d["support_names"] == rep.support_names


def test_all_zero_model_and_multi_target():
    X, y = make_problem(30, 4, seed=2)
    rep = LassoL1(alpha=1e6).fit(X, y).sparsity_report()
    assert rep.n_nonzero == 0 and "Largest coefficients: none" in str(rep)
    m = LassoL1(alpha=0.1).fit(X, np.c_[y, -y])
    with pytest.raises(ValueError, match="target"):
        m.sparsity_report()
    with pytest.raises(ValueError, match="target"):
        m.sparsity_report(target=2)
    np.testing.assert_array_equal(
        m.sparsity_report(target=1).coef, m.coef_[1].astype(float)
    )


def test_report_is_constructible_by_other_estimators():
    rep = SparsityReport(
        "custom", np.array([0.0, 3.0]), np.array(["u", "v"]), 1e-9, 1e-6, 0.0, 1.0,
        True, details={"zero residuals": 4, "residual quantiles": np.array([1, 2])},
    )  # fmt: skip
    assert "zero residuals" in str(rep)
    assert rep.to_dict()["details"]["residual quantiles"] == [1, 2]

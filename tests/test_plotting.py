"""Path and CV plots, rendered with the Agg backend."""

import sys

import matplotlib
import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from lad import LADRegressorCV, LassoL1CV, lasso_path, plot_cv, plot_path  # noqa: E402
from lad.datasets import make_sparse_regression  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _data():
    X, y, _ = make_sparse_regression(60, 6, n_informative=3, random_state=0)
    return X, y


def test_plot_path_from_a_path():
    X, y = _data()
    path = lasso_path(X, y, n_alphas=25)
    fig, ax = plt.subplots()
    out = plot_path(path, ax=ax, feature_names=list("abcdef"), alpha=path.alphas[10])
    assert out is ax
    assert ax.get_xscale() == "log"
    curves = [ln for ln in ax.get_lines() if len(ln.get_xdata()) == 25]
    assert len(curves) == 6
    for j, ln in enumerate(curves):
        np.testing.assert_array_equal(ln.get_ydata(), path.coefs[j])
    labels = {t.get_text() for t in ax.get_legend().get_texts()}
    assert {"a", "b", "c"} & labels
    assert any(t.startswith("alpha =") for t in labels)


def test_plot_path_and_cv_from_a_cv_estimator():
    pd = pytest.importorskip("pandas")
    X, y = _data()
    df = pd.DataFrame(X, columns=[f"g{j}" for j in range(6)])
    est = LADRegressorCV(n_alphas=10, cv=3).fit(df, y)
    ax = plot_path(est)
    xs = [ln.get_xdata()[0] for ln in ax.get_lines() if len(ln.get_xdata()) == 2]
    assert est.alpha_min_ in xs
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(lbl.startswith("g") for lbl in labels)

    ax = plot_cv(est)
    assert ax.get_xscale() == "log"
    # The mean curve, and a band from mean - SE to mean + SE.
    curves = [ln for ln in ax.get_lines() if len(ln.get_xdata()) == len(est.alphas_)]
    np.testing.assert_allclose(curves[0].get_ydata(), est.cv_error_mean_)
    (band,) = ax.collections
    edges = band.get_paths()[0].vertices[:, 1]
    lo = est.cv_error_mean_ - est.cv_error_se_
    hi = est.cv_error_mean_ + est.cv_error_se_
    assert np.isclose(edges.min(), lo.min()) and np.isclose(edges.max(), hi.max())
    vlines = [ln.get_xdata()[0] for ln in ax.get_lines() if len(ln.get_xdata()) == 2]
    assert est.alpha_min_ in vlines and est.alpha_1se_ in vlines
    (nz,) = ax.right_ax.get_lines()
    np.testing.assert_array_equal(nz.get_ydata(), est.n_nonzero_path_)


def test_wrong_inputs_and_missing_matplotlib(monkeypatch):
    with pytest.raises(TypeError, match="lad.Path"):
        plot_path(object())
    with pytest.raises(NotFittedError):
        plot_cv(LassoL1CV())
    with pytest.raises(NotFittedError):
        plot_path(LassoL1CV())
    with pytest.raises(TypeError, match="fitted LassoL1CV"):
        plot_cv(object())
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"lad\[plot\]"):
        plot_path(object())


def test_quantile_process_draws_each_coefficient_and_its_band():
    from lad import LADRegressor, plot_quantile_process
    from lad.datasets import load_engel

    X, y = load_engel()
    qs = [0.1, 0.5, 0.9]
    axes = plot_quantile_process(X, y, quantiles=qs, se="iid", level=0.9)
    assert [ax.get_title() for ax in axes] == ["(Intercept)", "x0"]
    slope = axes[1].lines[0].get_ydata()
    for q, value in zip(qs, slope, strict=True):
        assert value == LADRegressor(quantile=q).fit(X, y).coef_[0]
    band = axes[1].collections[0].get_paths()[0].vertices[:, 1]
    table = LADRegressor(quantile=0.5).fit(X, y).summary(X, y, se="iid", level=0.9)
    assert np.any(np.isclose(band, table.conf_int[1, 0]))
    with pytest.raises(ValueError, match="quantile"):
        plot_quantile_process(X, y, quantiles=[0.5, 1.0])


def test_quantile_process_takes_a_fitted_multi_quantile_model():
    from lad import MultiQuantileRegressor, plot_quantile_process
    from lad.datasets import load_engel

    X, y = load_engel()
    model = MultiQuantileRegressor([0.75, 0.25, 0.5]).fit(X, y)
    axes = plot_quantile_process(X, y, model=model, se="rank")
    qs = axes[1].lines[0].get_xdata()
    np.testing.assert_array_equal(qs, [0.25, 0.5, 0.75])
    np.testing.assert_array_equal(
        axes[1].lines[0].get_ydata(), model.coef_[[1, 2, 0], 0]
    )
    with pytest.raises(ValueError, match="not both"):
        plot_quantile_process(X, y, model=model, quantiles=[0.5])
    with pytest.raises(ValueError, match="MultiQuantileRegressor"):
        plot_quantile_process(X, y, model=object())

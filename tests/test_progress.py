"""verbose and progress bars: what every estimator and path function prints."""

import re

import numpy as np
import pytest

from lad import LADRegressor, LADRegressorCV, LassoL1, LassoL1CV, lad_path, lasso_path
from lad._progress import Progress, check_verbose
from tests._oracle import make_problem


@pytest.fixture
def data():
    return make_problem(80, 6, seed=3)


@pytest.mark.parametrize("path_fn", [lasso_path, lad_path])
def test_verbose_1_prints_one_line_per_path_point(data, path_fn, capsys):
    X, y = data
    path_fn(X, y, n_alphas=7, verbose=1)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 7
    for k, line in enumerate(lines, start=1):
        assert line.startswith(f"[{path_fn.__name__}] {k}/7 alpha ")
        assert "non-zero" in line


@pytest.mark.parametrize("path_fn", [lasso_path, lad_path])
def test_verbose_0_is_silent(data, path_fn, capsys):
    X, y = data
    path_fn(X, y, n_alphas=5, verbose=0)
    LassoL1(alpha=0.1).fit(X, y)
    LADRegressor(alpha=0.01).fit(X, y)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("est", [LassoL1CV, LADRegressorCV])
def test_cv_verbose_1_prints_a_line_per_fold_and_the_refit(data, est, capsys):
    X, y = data
    est(n_alphas=5, cv=3, verbose=1).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4
    for k in range(3):
        assert re.match(
            rf"\[{est.__name__}\] {k + 1}/4 fold {k + 1}: path of 5", lines[k]
        )
    assert lines[3].startswith(f"[{est.__name__}] 4/4 refit on all rows at alpha_ = ")


@pytest.mark.parametrize("est", [LassoL1CV, LADRegressorCV])
def test_cv_verbose_2_adds_the_paths_lines(data, est, capsys):
    X, y = data
    est(n_alphas=5, cv=3, verbose=2).fit(X, y)
    out = capsys.readouterr().out
    assert out.count(" fold ") == 3
    assert out.count(" alpha ") >= 3 * 5  # the fold paths' own lines


def test_lad_verbose_1_names_the_route_and_the_stages(capsys):
    X, y = make_problem(300, 20, seed=0)
    LADRegressor(alpha=0.01, verbose=1).fit(X, y)
    out = capsys.readouterr().out
    assert "[LADRegressor] route " in out
    assert re.search(r"simplex: \d+ pivots \(optimal\)", out)


def test_progress_bar_uses_tqdm_when_installed(data, capsys):
    pytest.importorskip("tqdm")
    X, y = data
    LADRegressorCV(n_alphas=4, cv=3, verbose="progress").fit(X, y)
    captured = capsys.readouterr()
    assert "LADRegressorCV" in captured.err and "4/4" in captured.err  # the bar
    assert captured.out == ""  # no lines beside the bar


def test_progress_without_tqdm_falls_back_to_lines(monkeypatch, capsys):
    import builtins

    real_import = builtins.__import__

    def no_tqdm(name, *args, **kwargs):
        if name == "tqdm" or name.startswith("tqdm."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_tqdm)
    with Progress("progress", 2, "demo") as progress:
        progress.step("one")
        progress.step("two")
    out = capsys.readouterr().out.splitlines()
    assert "tqdm is not installed" in out[0]
    assert out[1].startswith("[demo] 1/2 one") and out[2].startswith("[demo] 2/2 two")


@pytest.mark.parametrize("bad", [-1, 1.5, "loud", None])
def test_bad_verbose_is_refused(bad):
    with pytest.raises(ValueError, match="verbose"):
        check_verbose(bad)


@pytest.mark.parametrize("bad", [-1, "loud"])
def test_estimators_refuse_bad_verbose_before_fitting(data, bad):
    X, y = data
    for est in (LassoL1(verbose=bad), LADRegressor(verbose=bad)):
        with pytest.raises(ValueError, match="verbose"):
            est.fit(X, y)
    with pytest.raises(ValueError, match="verbose"):
        lasso_path(X, y, verbose=bad)
    assert np.isfinite(LassoL1(verbose=2).fit(X, y).coef_).all()

"""The documentation's own code: API coverage and the benchmark-table generator."""

import json
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
sys.path.insert(0, str(DOCS / "sphinxext"))
lad_benchmarks = pytest.importorskip("lad_benchmarks")
lad_api_check = pytest.importorskip("lad_api_check")


def _parse_rst(text):
    """Parse with docutils, turning every warning into an exception."""
    core = pytest.importorskip("docutils.core")
    return core.publish_doctree(
        text, settings_overrides={"halt_level": 2, "report_level": 2}
    )


def test_api_lists_every_public_name():
    assert lad_api_check.missing((DOCS / "api.rst").read_text()) == []
    assert "LassoL1" in lad_api_check.public_names()
    assert lad_api_check.missing("   LassoL1\n") != []


ROW = {
    "problem": "lasso dense 20x50 amax/20",
    "solver": "lad LassoL1",
    "tol": 1e-4,
    "objective": 1.25,
    "subopt": 1e-9,
    "nnz": 3,
    "seconds": 0.01,
    "ratio": 0.8,
    "fastest_anchor": "sklearn Lasso",
    "note": "",
}


def _payload(**env):
    return {
        "environment": {"date": "2026-01-01 00:00 UTC", "quick": True, **env},
        "startup": {"cold cache": {"import lad": 0.001}, "warm cache": {}},
        "results": [
            ROW,
            {**ROW, "solver": "sklearn Lasso", "ratio": None, "anchor": True},
        ],
    }


def test_render_complete_run_parses():
    data = _payload(
        complete=True,
        cpu="CPU",
        cores=2,
        versions={"python": "3.11", "R": "R 4.2 | glmnet 4.1"},
        epoch_cost=[{"case": "dense", "epoch": 1e-3, "xtr": 1e-3, "ratio": 1.0}],
        memory={
            "LassoL1 tall": {"x_mib": 76.0, "extra_mib": 0.0, "extra_over_x": 0.0},
            "LAD tall": {"error": "Traceback ... MemoryError"},
        },
    )
    text = lad_benchmarks.render(data)
    _parse_rst(text)
    for title in ("lad / fastest anchor", "All solvers", "Start-up", "epoch", "memory"):
        assert title in text
    assert "Partial results" not in text


def test_render_partial_and_odd_values_parse():
    # A run in progress: no sections but the results, odd notes and non-finite values.
    data = {
        "environment": {"quick": False, "complete": False},
        "results": [
            {**ROW, "note": "timed out after 20 s: |x| *bold* `coef_` [1] - x_"},
            {"problem": "lad tall", "solver": "R rq br", "seconds": None, "note": "-"},
            {**ROW, "problem": "lad wide", "ratio": "inf", "objective": "nan"},
            {**ROW, "problem": "lad path", "ratio": 1.5, "ratio_exact": 2.0,
             "fastest_exact_anchor": "LP highs"},
        ],
    }  # fmt: skip
    text = lad_benchmarks.render(data)
    _parse_rst(text)
    assert "Partial results" in text
    assert "Start-up" not in text


@pytest.mark.parametrize("data", [None, {}, {"environment": {}, "results": []}])
def test_render_without_results_parses(data):
    _parse_rst(lad_benchmarks.render(data, figure=False))


def test_generate_writes_tables_and_figure(tmp_path):
    pytest.importorskip("matplotlib")
    src = tmp_path / "latest.json"
    src.write_text(json.dumps(_payload()))
    paths = lad_benchmarks.generate(src, tmp_path / "out")
    assert [p.name for p in paths] == [lad_benchmarks.TABLES, lad_benchmarks.FIGURE]
    assert paths[1].read_bytes().startswith(b"\x89PNG")
    mtime = paths[0].stat().st_mtime_ns
    lad_benchmarks.generate(src, tmp_path / "out")  # unchanged: not rewritten
    assert paths[0].stat().st_mtime_ns == mtime

    # No ratio (and a missing file): no figure, and the page says why.
    src.write_text(json.dumps({"results": [{**ROW, "ratio": None}]}))
    assert [p.name for p in lad_benchmarks.generate(src, tmp_path / "out")] == [
        lad_benchmarks.TABLES
    ]
    assert not (tmp_path / "out" / lad_benchmarks.FIGURE).exists()
    text = lad_benchmarks.generate(tmp_path / "absent.json", tmp_path / "o2")[0]
    assert "No benchmark results" in text.read_text()

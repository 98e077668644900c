"""Benchmark tables and figure for the docs, generated from ``benchmarks/results``.

A Sphinx extension: on ``builder-inited`` it reads ``benchmarks/results/latest.json``
(written by ``benchmarks/report.py``) and writes ``generated/benchmarks_tables.rst`` and
``generated/benchmarks_ratio.png`` under the docs source directory; ``benchmarks.rst``
includes both. Any run is accepted: quick or full, complete or partial, with or
without the start-up, epoch-cost and memory sections. Files are rewritten only when
their content changes, so incremental builds stay incremental.

``python docs/sphinxext/lad_benchmarks.py [latest.json [out_dir]]`` runs the
generator by hand.
"""

import json
import math
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_JSON = REPO / "benchmarks" / "results" / "latest.json"
TABLES = "benchmarks_tables.rst"
FIGURE = "benchmarks_ratio.png"

_ESCAPE = re.compile(r"([\\`*_|<>\[\]:])")


def esc(value):
    """Plain text for an rst table cell: inline markup characters escaped."""
    text = " ".join(str(value).split())
    text = _ESCAPE.sub(r"\\\1", text)
    if text[:1] in "-+#" and text[:1]:
        text = "\\" + text  # never a bullet or enumerated list
    return text


def _num(x):
    """``x`` as a finite float, or None (report.py writes inf/nan as strings)."""
    if isinstance(x, bool) or x is None:
        return None
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def fmt(x, spec):
    num = _num(x)
    if num is None:
        return "" if x is None else esc(x)
    return format(num, spec)


def fmt_tol(row):
    tol = row.get("tol")
    if tol is None:
        return "exact" if row.get("exact") else "default"
    return fmt(tol, ".0e")


def fmt_ratio(row):
    parts = []
    ratio = _num(row.get("ratio"))
    if ratio is not None:
        parts.append(f"**{ratio:.2f}** vs {esc(row.get('fastest_anchor', '?'))}")
    exact = _num(row.get("ratio_exact"))
    if exact is not None and row.get("fastest_exact_anchor") != row.get(
        "fastest_anchor"
    ):
        parts.append(
            f"{exact:.2f} vs exact {esc(row.get('fastest_exact_anchor', '?'))}"
        )
    return "; ".join(parts)


def list_table(header, rows, widths=None, title=None):
    """An rst ``list-table``; cells are already rst-safe strings."""
    out = [f".. list-table:: {title}" if title else ".. list-table::"]
    out.append("   :header-rows: 1")
    if widths:
        out.append("   :widths: " + " ".join(str(w) for w in widths))
    out.append("   :class: lad-benchmarks")
    out.append("")
    for cells in [header, *rows]:
        first = True
        for cell in cells:
            lead = "   * - " if first else "     - "
            out.append(lead + cell if cell else lead.rstrip())
            first = False
    out.append("")
    return out


def _section(title, char="-"):
    return ["", title, char * len(title), ""]


def ratio_rows(results):
    """The rows carrying a lad / fastest-anchor ratio, with their plot labels."""
    rows = [r for r in results if _num(r.get("ratio")) is not None]
    per_problem = {}
    for r in rows:
        per_problem[r.get("problem")] = per_problem.get(r.get("problem"), 0) + 1
    labelled = []
    for r in rows:
        label = str(r.get("problem", "?"))
        if per_problem[r.get("problem")] > 1:
            label += f" ({r.get('solver', '?')})"
        labelled.append((label, r))
    return labelled


def environment_lines(env, n_results):
    mode = "quick" if env.get("quick") else "full"
    lines = []
    if not env.get("complete", True):
        lines += [
            ".. note::",
            "",
            "   Partial results: the run was still in progress when these files were",
            f"   written ({n_results} result rows so far).",
            "",
        ]
    items = [
        ("Date", env.get("date")),
        ("Sizes", f"{mode} (``--quick``)" if mode == "quick" else mode),
    ]
    if env.get("cpu") is not None:
        cores = env.get("cores")
        machine = esc(env["cpu"]) + (f", {cores} cores" if cores else "")
        if env.get("platform"):
            machine += f" ({esc(env['platform'])})"
        items.append(("Machine", machine))
    if env.get("repeats") is not None:
        timing = f"median of {env['repeats']} runs after a warm-up"
        cap = _num(env.get("cap_seconds_per_fit"))
        if cap is not None:
            timing += f"; per-fit cap {cap:.0f} s"
        items.append(("Timing", timing))
    threads = env.get("threads") or {}
    if threads:
        items.append(
            (
                "Threads",
                ", ".join(f"``{k}={v}``" for k, v in threads.items() if v is not None)
                or "not pinned",
            )
        )
    total = _num(env.get("total_seconds"))
    if total:
        items.append(("Wall time of the run", f"{total:.0f} s"))
    lines += [".. rubric:: Run", ""]
    for key, value in items:
        if value is not None:
            lines.append(f"- **{key}**: {value if key != 'Date' else esc(value)}")
    versions = env.get("versions") or {}
    if versions:
        lines += ["", ".. rubric:: Versions", ""]
        for name, version in versions.items():
            lines.append(f"- {esc(name)}: {esc(version)}")
    lines.append("")
    return lines


def results_lines(results):
    if not results:
        return ["No solver results in this run yet.", ""]
    header = [
        "problem",
        "solver",
        "tol",
        "objective",
        "rel. subopt",
        "nnz",
        "median s",
        "lad / fastest anchor",
        "note",
    ]
    rows = []
    for r in results:
        solver = esc(r.get("solver", ""))
        if "ratio" in r:
            solver = f"**{solver}**"
        rows.append(
            [
                esc(r.get("problem", "")),
                solver,
                fmt_tol(r),
                fmt(r.get("objective"), ".10g"),
                fmt(r.get("subopt"), ".1e"),
                esc(r.get("nnz", "")),
                fmt(r.get("seconds"), ".4f"),
                fmt_ratio(r),
                esc(str(r.get("note") or "")[:160]),
            ]
        )
    return list_table(header, rows, widths=[24, 14, 6, 10, 7, 5, 7, 17, 10])


def summary_lines(results):
    rows = ratio_rows(results)
    if not rows:
        return ["No problem has both a lad timing and an anchor timing yet.", ""]
    exact = any(_num(r.get("ratio_exact")) is not None for _, r in rows)
    header = ["problem", "lad solver", "lad / fastest anchor", "fastest anchor"]
    if exact:
        header += ["lad / fastest exact anchor", "fastest exact anchor"]
    body = []
    for _, r in rows:
        cells = [
            esc(r.get("problem", "")),
            esc(r.get("solver", "")),
            f"**{_num(r['ratio']):.2f}**",
            esc(r.get("fastest_anchor", "")),
        ]
        if exact:
            ratio_exact = _num(r.get("ratio_exact"))
            if r.get("fastest_exact_anchor") == r.get("fastest_anchor"):
                ratio_exact = None  # the fastest anchor is exact: same column
            cells += [
                "" if ratio_exact is None else f"{ratio_exact:.2f}",
                esc(
                    r.get("fastest_exact_anchor", "") if ratio_exact is not None else ""
                ),
            ]
        body.append(cells)
    return list_table(header, body)


def startup_lines(startup):
    columns = [c for c, v in startup.items() if isinstance(v, dict)]
    if not columns:
        return []
    labels = []
    for c in columns:
        labels += [k for k in startup[c] if k not in labels]
    body = [
        [esc(label)] + [fmt(startup[c].get(label), ".3f") for c in columns]
        for label in labels
    ]
    return [
        *list_table(["step"] + [esc(c) for c in columns], body),
        "Cold: ``NUMBA_CACHE_DIR`` is a new empty directory (everything compiles);",
        "warm: a second fresh process with the same cache directory.",
        "",
    ]


def epoch_lines(epochs):
    body = []
    for row in epochs:
        if not isinstance(row, dict):
            continue
        ms = [_num(row.get(k)) for k in ("epoch", "xtr")]
        body.append(
            [esc(row.get("case", ""))]
            + ["" if m is None else f"{m * 1e3:.2f}" for m in ms]
            + [fmt(row.get("ratio"), ".2f")]
        )
    if not body:
        return []
    return [
        *list_table(["case", "epoch (ms)", "X.T @ r (ms)", "ratio"], body),
        "Epoch: (T(41 epochs) - T(1 epoch)) / 40 at ``alpha`` above ``alpha_max``",
        "(pure gradient work, amortised gap checks included); medians of 7 runs.",
        "",
    ]


def memory_lines(memory):
    body = []
    for label, v in memory.items():
        if not isinstance(v, dict):
            continue
        if "error" in v:
            body.append([esc(label), "", "", esc("error: " + str(v["error"])[-80:])])
            continue
        body.append(
            [
                esc(label),
                fmt(v.get("x_mib"), ".0f"),
                fmt(v.get("extra_mib"), ".0f"),
                fmt(v.get("extra_over_x"), ".2f"),
            ]
        )
    if not body:
        return []
    return [
        *list_table(["fit", "X (MiB)", "extra peak RSS (MiB)", "extra / X"], body),
        "Growth of the peak resident set during one fit (validation, copies, solve,",
        "certificate), after a small warm-up fit loaded the code.",
        "",
    ]


def render(data, figure=True, source="benchmarks/results/latest.json"):
    """The rst of the benchmark tables for one ``latest.json`` payload (or None)."""
    lines = [
        ".. This file is generated by docs/sphinxext/lad_benchmarks.py; do not edit.",
        "",
    ]
    if not isinstance(data, dict):
        lines += [
            ".. note::",
            "",
            f"   No benchmark results found (``{source}``): run",
            "   ``python benchmarks/run.py --quick`` and rebuild the docs.",
            "",
        ]
        return "\n".join(lines) + "\n"
    env = data.get("environment") or {}
    results = [r for r in data.get("results") or [] if isinstance(r, dict)]
    lines += environment_lines(env, len(results))
    lines += _section("lad / fastest anchor")
    lines += [
        "Median time of lad divided by the median time of the fastest anchor that",
        "reached the same accuracy on the same problem: below 1 means lad is faster.",
        "",
    ]
    if figure:
        lines += [
            f".. figure:: /generated/{FIGURE}",
            "   :alt: lad time over the fastest anchor's time, per problem, log scale",
            "   :width: 100%",
            "",
            "   lad / fastest anchor per problem (log scale; the line marks parity).",
            "",
        ]
    lines += summary_lines(results)
    lines += _section("All solvers")
    lines += results_lines(results)
    startup = data.get("startup")
    if isinstance(startup, dict) and startup:
        section = startup_lines(startup)
        if section:
            lines += _section("Start-up (fresh processes, seconds)") + section
    epochs = env.get("epoch_cost")
    if isinstance(epochs, list) and epochs:
        section = epoch_lines(epochs)
        if section:
            lines += _section("One CD epoch against one X.T @ r") + section
    memory = env.get("memory")
    if isinstance(memory, dict) and memory:
        section = memory_lines(memory)
        if section:
            lines += _section("Peak memory of the tall fits") + section
    return "\n".join(lines).rstrip() + "\n"


def figure_png(data):
    """PNG bytes of the lad / fastest-anchor bar chart, or None without ratios."""
    results = (data or {}).get("results") or []
    rows = ratio_rows([r for r in results if isinstance(r, dict)])
    if not rows:
        return None
    import io

    from matplotlib.figure import Figure
    from matplotlib.ticker import NullFormatter

    labels = [label for label, _ in rows][::-1]
    ratios = [_num(r["ratio"]) for _, r in rows][::-1]
    height = 1.2 + 0.38 * len(rows)
    fig = Figure(figsize=(8, height), layout="constrained")
    ax = fig.add_subplot()
    colors = ["tab:green" if x <= 1 else "tab:orange" for x in ratios]
    # Bars grow from parity (1.0) towards each ratio: left is faster, right slower.
    ax.barh(range(len(ratios)), [x - 1.0 for x in ratios], left=1.0, color=colors)
    ax.set_xscale("log")
    ax.axvline(1.0, color="black", linewidth=1)
    lo, hi = min(ratios + [1.0]) / 1.6, max(ratios + [1.0]) * 1.6
    ax.set_xlim(lo, hi)
    ticks = [
        m * 10.0**e for e in range(-4, 5) for m in (1, 2, 5) if lo <= m * 10.0**e <= hi
    ]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_yticks(range(len(ratios)), labels, fontsize=8)
    for i, x in enumerate(ratios):
        ax.annotate(
            f"{x:.2f}",
            (x, i),
            xytext=(3 if x >= 1 else -3, 0),
            textcoords="offset points",
            va="center",
            ha="left" if x >= 1 else "right",
            fontsize=8,
        )
    ax.set_xlabel("lad time / fastest anchor time (log scale; < 1: lad is faster)")
    ax.grid(axis="x", which="major", alpha=0.3)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=120, metadata={"Software": None})
    return buf.getvalue()


def load(path, attempts=3, delay=1.0):
    """The JSON payload, or None if the file does not exist.

    A benchmark run rewrites the file while it runs; a half-written file is read
    again after ``delay`` seconds before the error is raised.
    """
    path = Path(path)
    for attempt in range(attempts):
        if not path.exists():
            return None
        try:
            return json.loads(path.read_text())
        except json.JSONDecodeError:
            if attempt == attempts - 1:
                raise
            time.sleep(delay)


def _write_if_changed(path, content):
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode() if isinstance(content, str) else content
    if path.exists() and path.read_bytes() == data:
        return False
    path.write_bytes(data)
    return True


def generate(json_path=DEFAULT_JSON, out_dir="generated"):
    """Write the tables (and the figure, if any ratio exists); returns the paths."""
    out_dir = Path(out_dir)
    data = load(json_path)
    png = figure_png(data)
    figure = out_dir / FIGURE
    if png is not None:
        _write_if_changed(figure, png)
    elif figure.exists():
        figure.unlink()
    tables = out_dir / TABLES
    _write_if_changed(tables, render(data, figure=png is not None))
    return [tables] + ([figure] if png is not None else [])


def _builder_inited(app):
    generate(DEFAULT_JSON, Path(app.srcdir) / "generated")


def setup(app):
    app.connect("builder-inited", _builder_inited)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    args = sys.argv[1:]
    src = args[0] if args else DEFAULT_JSON
    out = (
        args[1] if len(args) > 1 else Path(__file__).resolve().parents[1] / "generated"
    )
    for p in generate(src, out):
        print(p)

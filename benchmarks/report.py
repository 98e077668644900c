"""Machine / version information and the JSON and Markdown reports."""

import json
import math
import os
import platform
from datetime import datetime, timezone
from pathlib import Path

import r_anchors

RESULTS = Path(__file__).resolve().parent / "results"


def _cpu():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(module):
    try:
        return __import__(module).__version__
    except ImportError:
        return "absent"


def environment(quick, cap, repeats, thread_vars):
    import lad

    versions = {"python": platform.python_version(), "lad": lad.__version__}
    for mod in ("numpy", "scipy", "sklearn", "numba", "skglm", "celer", "statsmodels"):
        versions[mod] = _version(mod)
    versions["R"] = r_anchors.versions()
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "quick": quick,
        "cpu": _cpu(),
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "threads": {v: os.environ.get(v) for v in thread_vars},
        "cap_seconds_per_fit": cap,
        "repeats": repeats,
        "versions": versions,
    }


def _fmt(x, spec):
    return "" if x is None else format(x, spec)


def _tol(r):
    if r.get("tol") is None:
        return "exact" if r.get("exact") else "default"
    return f"{r['tol']:.0e}"


def _ratio(r):
    parts = []
    if "ratio" in r:
        parts.append(f"**{r['ratio']:.2f}** vs {r['fastest_anchor']}")
    if "ratio_exact" in r and r.get("fastest_exact_anchor") != r.get("fastest_anchor"):
        parts.append(f"{r['ratio_exact']:.2f} vs exact {r['fastest_exact_anchor']}")
    return "; ".join(parts)


def row_line(r):
    """One console line per result row."""
    secs = "-" if r.get("seconds") is None else f"{r['seconds']:.4f}s"
    return (
        f"{r['solver']:32} tol={_tol(r):6} subopt={_fmt(r.get('subopt'), '.1e'):8} "
        f"nnz={r.get('nnz', '')!s:6} {secs:10} {_ratio(r)} {r.get('note', '')}"
    )


def markdown(env, first, rows):
    mode = "quick" if env["quick"] else "full"
    v = env["versions"]
    lines = [
        f"# lad benchmarks ({mode} sizes, {env['date']})",
        "",
        "" if env.get("complete", True) else "**Partial results: run in progress.**",
        f"- Machine: {env['cpu']}, {env['cores']} cores ({env['platform']})",
        "- Threads: every solver single-threaded (OMP/OpenBLAS/MKL/Numba = 1); "
        "GridSearchCV rows use n_jobs=2 processes.",
        f"- Timing: median of {env['repeats']} runs after a warm-up; "
        f"per-fit cap {env['cap_seconds_per_fit']:.0f} s.",
        "- Accuracy: the tolerance reported is the loosest on the solver's ladder "
        "whose objective is within 1e-6 relative of the best objective any solver "
        "found (1e-9 for lad on LAD problems); objectives from "
        "`lad.diagnostics.objective`.",
        "- Versions: " + ", ".join(f"{k} {val}" for k, val in v.items()),
        f"- Total wall time of the run: {env.get('total_seconds', 0):.0f} s",
        "",
        "| problem | solver | tol | objective | rel. subopt | nnz | median s "
        "| lad / fastest anchor | note |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['problem']} | {r['solver']} | {_tol(r)} "
            f"| {_fmt(r.get('objective'), '.10g')} | {_fmt(r.get('subopt'), '.1e')} "
            f"| {r.get('nnz', '')} | {_fmt(r.get('seconds'), '.4f')} "
            f"| {_ratio(r)} | {r.get('note', '')} |"
        )
    ours = [r for r in rows if "ratio" in r]
    if ours:
        lines += ["", "## lad / fastest anchor", "", "| problem | lad solver | ratio |"]
        lines.append("|---|---|---|")
        for r in ours:
            lines.append(f"| {r['problem']} | {r['solver']} | {_ratio(r)} |")
    if first:
        lines += ["", "## Start-up (fresh processes, seconds)", ""]
        labels = list(next(iter(first.values())))
        lines.append("| | " + " | ".join(first) + " |")
        lines.append("|---" * (len(first) + 1) + "|")
        for label in labels:
            vals = [first[c].get(label) for c in first]
            lines.append(
                f"| {label} | "
                + " | ".join(_fmt(x, ".3f") if x is not None else "" for x in vals)
                + " |"
            )
        lines.append("")
        lines.append(
            "Cold: `NUMBA_CACHE_DIR` is a new empty directory (everything compiles); "
            "warm: a second fresh process with the same cache directory."
        )
    epochs = env.get("epoch_cost")
    if epochs:
        lines += ["", "## One CD epoch against one X.T @ r (same columns)", ""]
        lines.append("| case | epoch (ms) | X.T @ r (ms) | ratio |")
        lines.append("|---|---|---|---|")
        for row in epochs:
            lines.append(
                f"| {row['case']} | {row['epoch'] * 1e3:.2f} | {row['xtr'] * 1e3:.2f} "
                f"| {row['ratio']:.2f} |"
            )
        lines.append("")
        lines.append(
            "Epoch: (T(41 epochs) - T(1 epoch)) / 40 at alpha above alpha_max (pure "
            "gradient work, amortised gap checks included); medians of 7 runs."
        )
    mem = env.get("memory")
    if mem:
        lines += ["", "## Peak memory of the tall fits (fresh processes)", ""]
        lines.append("| fit | X (MiB) | extra peak RSS (MiB) | extra / X |")
        lines.append("|---|---|---|---|")
        for label, v in mem.items():
            if "error" in v:
                lines.append(f"| {label} | | | error: {v['error'][-80:]} |")
                continue
            lines.append(
                f"| {label} | {v['x_mib']:.0f} | {v['extra_mib']:.0f} "
                f"| {v['extra_over_x']:.2f} |"
            )
        lines.append("")
        lines.append(
            "Growth of the peak resident set during one fit (validation, copies, "
            "solve, certificate), after a small warm-up fit loaded the code."
        )
    return "\n".join(lines) + "\n"


def anchor_table(rows):
    """Markdown: per problem, lad's median time, each anchor's, lad / anchor and the
    objective difference (anchor - lad, relative to lad's objective)."""
    lines = [
        "| problem | lad solver | lad s | anchor | anchor tol | anchor s "
        "| lad / anchor | (f_anchor - f_lad) / f_lad | note |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for problem in dict.fromkeys(r["problem"] for r in rows):
        group = [r for r in rows if r["problem"] == problem]
        ours = [r for r in group if not r.get("anchor", True)]
        if not ours:
            continue
        lad_row = ours[0]
        t_lad, f_lad = lad_row.get("seconds"), lad_row.get("objective")
        for a in (r for r in group if r.get("anchor")):
            t_a, f_a = a.get("seconds"), a.get("objective")
            ratio = "" if None in (t_lad, t_a) else f"**{t_lad / t_a:.2f}**"
            diff = "" if None in (f_lad, f_a) else f"{(f_a - f_lad) / abs(f_lad):+.1e}"
            lines.append(
                f"| {problem} | {lad_row['solver']} (tol {_tol(lad_row)}) "
                f"| {_fmt(t_lad, '.4f')} | {a['solver']} | {_tol(a)} "
                f"| {_fmt(t_a, '.4f')} | {ratio} | {diff} "
                f"| {'; '.join(filter(None, [lad_row.get('note'), a.get('note')]))} |"
            )
    return "\n".join(lines) + "\n"


def write(env, first, rows, final=True, out=""):
    """Write latest.{json,md} (and dated copies if ``final``), or only
    ``{out}.{json,md}`` with the per-anchor table added; returns the paths."""
    RESULTS.mkdir(exist_ok=True)
    payload = {"environment": env, "startup": first, "results": _finite(rows)}
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M")
    stamp += "-quick" if env["quick"] else ""
    paths = []
    env = {**env, "complete": final}
    payload["environment"] = env
    md = markdown(env, first, rows)
    if out:
        md += "\n## lad / each anchor (median times)\n\n" + anchor_table(rows)
    text = json.dumps(payload, indent=1, default=_jsonable)
    stems = ("latest", stamp) if final else ("latest",)
    for stem in (out,) if out else stems:
        (RESULTS / f"{stem}.json").write_text(text)
        (RESULTS / f"{stem}.md").write_text(md)
        paths += [RESULTS / f"{stem}.json", RESULTS / f"{stem}.md"]
    return paths


def _jsonable(x):
    if hasattr(x, "tolist"):
        return x.tolist()
    return str(x)


def _finite(x):
    """Strict JSON: infinite / NaN floats become strings."""
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_finite(v) for v in x]
    if isinstance(x, float) and not math.isfinite(x):
        return str(x)
    return x

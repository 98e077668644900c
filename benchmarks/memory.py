"""Peak memory of lad's fits on the tall problems, each in a fresh process.

The data are generated in one process and saved as ``.npy`` files; a second process
loads them, runs a small warm-up fit (so libraries and compiled kernels are loaded),
fits, and reports the growth of its peak resident set size (``ru_maxrss``) during the
fit, in units of ``X.nbytes``. The fit includes everything a user call does
(validation, any copy of ``X``, the solve and the certificate).
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

_GEN = r"""
import sys
import numpy as np
sys.path.insert(0, {bench!r})
from problems import heavy_tailed, toeplitz
n = {n}
if {kind!r} == "lasso":
    X, y = toeplitz(n, 100, 0.5, 10, 2)
else:
    X, y = heavy_tailed(n, 20, 10, 6)
np.save({x!r}, X)
np.save({y!r}, y)
"""

_FIT = r"""
import json, resource
import numpy as np
import lad
X = np.load({x!r})
y = np.load({y!r})
alpha = lad.alpha_max(X, y) / 100 if {kind!r} == "lasso" else 0.0
# Load the libraries and compiled kernels first (a small fit of the same kind), so
# the growth below is the fit's data, not code.
small = slice(0, 2000)
if {kind!r} == "lasso":
    lad.LassoL1(alpha=alpha, tol=1e-4).fit(X[small], y[small])
else:
    lad.LADRegressor().fit(X[small], y[small])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
if {kind!r} == "lasso":
    lad.LassoL1(alpha=alpha, tol=1e-4).fit(X, y)
else:
    lad.LADRegressor().fit(X, y)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({{"x_bytes": X.nbytes, "extra_bytes": max(after - before, 0)}}))
"""


def measure(quick):
    """``{label: {"x_mib", "extra_mib", "extra_over_x"}}`` for the tall problems."""
    bench = str(Path(__file__).resolve().parent)
    out = {}
    for kind, n_full, n_quick, label in [
        ("lasso", 1_000_000, 100_000, "LassoL1 tall {n}x100"),
        ("lad", 1_000_000, 20_000, "LADRegressor tall {n}x20"),
        ("lad", 10_000_000, 50_000, "LADRegressor tall {n}x20"),
    ]:
        n = n_quick if quick else n_full
        with tempfile.TemporaryDirectory(prefix="lad-bench-mem-") as tmp:
            x, y = os.path.join(tmp, "X.npy"), os.path.join(tmp, "y.npy")
            fmt = dict(bench=bench, n=n, kind=kind, x=x, y=y)
            subprocess.run(
                [sys.executable, "-c", _GEN.format(**fmt)], check=True, timeout=900
            )
            res = subprocess.run(
                [sys.executable, "-c", _FIT.format(**fmt)],
                capture_output=True,
                text=True,
                timeout=900,
            )
        name = label.format(n=n)
        if res.returncode != 0:
            out[name] = {"error": res.stderr.strip()[-500:]}
            continue
        vals = json.loads(res.stdout.strip().splitlines()[-1])
        out[name] = {
            "x_mib": vals["x_bytes"] / 2**20,
            "extra_mib": vals["extra_bytes"] / 2**20,
            "extra_over_x": vals["extra_bytes"] / vals["x_bytes"],
        }
    return out


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    res = measure(quick)
    print(json.dumps(res, indent=1))
    if not quick:
        lines = [
            "# Peak memory of the tall fits",
            "",
            "Growth of the peak resident set during one fit (validation, copies, "
            "solve, certificate), in a fresh process after a small warm-up fit; "
            "C-ordered float64 X as np.load gives it.",
            "",
            "| fit | X (MiB) | extra (MiB) | extra / X |",
            "|---|---|---|---|",
        ]
        for label, v in res.items():
            if "error" in v:
                lines.append(f"| {label} | | | error: {v['error'][:80]} |")
                continue
            lines.append(f"| {label} | {v['x_mib']:.0f} | {v['extra_mib']:.0f} "
                         f"| {v['extra_over_x']:.2f} |")  # fmt: skip
        out = Path(__file__).resolve().parent / "results" / "memory.md"
        out.write_text("\n".join(lines) + "\n")

"""The fixed cost of one small fit: what validation, planning, the solve and the
certificate cost where the arithmetic itself takes microseconds.

``LADRegressor`` (and ``LassoL1`` for scale) on the 21 x 3 stack loss data and the
235 x 1 Engel data, warm (kernels compiled, 20 fits first), median of 200 fits in
this process; against R's ``rq.fit.br`` (the simplex that quantreg's ``rq`` calls
for such sizes), without ``rq``'s formula handling,
timed in R as the mean of 2000 calls (R's clock ticks in milliseconds). Run by
hand::

    python benchmarks/fixed_cost.py          # prints a markdown table
"""

import os

# Single-threaded, as the suite (set before NumPy is imported): BLAS threads cost
# more than they give on matrices of a few rows.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
             "NUMBA_NUM_THREADS"):  # fmt: skip
    os.environ[_var] = "1"

import json  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

REPEATS = 200


def datasets():
    """``{name: (X, y)}``: stack loss (statsmodels' copy of R's) and Engel."""
    from statsmodels.datasets import stackloss

    from lad.datasets import load_engel

    d = stackloss.load_pandas().data
    X_e, y_e = load_engel()
    return {
        "stack loss 21x3": (
            d.iloc[:, 1:].to_numpy(dtype=float),
            d.iloc[:, 0].to_numpy(dtype=float),
        ),
        "Engel 235x1": (
            np.asarray(X_e, dtype=float).reshape(len(y_e), -1),
            np.asarray(y_e, dtype=float),
        ),
    }


def _median_ms(fit):
    for _ in range(20):
        fit()
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        fit()
        times.append(time.perf_counter() - t0)
    return 1e3 * float(np.median(times))


_R = r"""
suppressMessages(library(quantreg))
X <- as.matrix(read.csv("{x}", header = FALSE))
y <- read.csv("{y}", header = FALSE)[, 1]
X1 <- cbind(1, X)
for (i in 1:20) rq.fit.br(X1, y, tau = 0.5)
t0 <- proc.time()[[3]]
for (i in 1:{reps}) rq.fit.br(X1, y, tau = 0.5)
per <- (proc.time()[[3]] - t0) / {reps}
cat(per * 1000, "\n")
"""


def r_rq_br_ms(X, y):
    """Milliseconds per ``rq.fit.br`` call (mean over a loop: R's clock ticks at 1 ms),
    or None without Rscript."""
    if shutil.which("Rscript") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        x, yy = os.path.join(tmp, "X.csv"), os.path.join(tmp, "y.csv")
        np.savetxt(x, X, delimiter=",")
        np.savetxt(yy, y)
        out = subprocess.run(
            ["Rscript", "-e", _R.format(x=x, y=yy, reps=REPEATS * 10)],
            capture_output=True,
            text=True,
            timeout=600,
        )
    if out.returncode != 0:
        return None
    return float(out.stdout.strip().split()[-1])


def measure():
    """``{dataset: {solver: ms}}``."""
    import lad

    out = {}
    for name, (X, y) in datasets().items():
        alpha = 0.01 * lad.alpha_max(X, y)
        row = {
            "lad LADRegressor": _median_ms(
                lambda X=X, y=y: lad.LADRegressor().fit(X, y)
            ),
            "lad LassoL1 (alpha = alpha_max / 100)": _median_ms(
                lambda X=X, y=y, a=alpha: lad.LassoL1(alpha=a).fit(X, y)
            ),
        }
        row["R rq.fit.br"] = r_rq_br_ms(X, y)
        out[name] = row
    return out


def table(res):
    """Markdown table of :func:`measure`'s result."""
    lines = ["| data | solver | ms per fit |", "|---|---|---|"]
    for name, row in res.items():
        for solver, ms in row.items():
            val = "R absent" if ms is None else f"{ms:.3f}"
            lines.append(f"| {name} | {solver} | {val} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import datetime
    import pathlib
    import platform

    runs = [measure() for _ in range(3)]
    res = {
        name: {
            solver: (
                None
                if runs[0][name][solver] is None
                else float(np.median([r[name][solver] for r in runs]))
            )
            for solver in runs[0][name]
        }
        for name in runs[0]
    }
    print(json.dumps(res, indent=1))
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    text = (
        f"# The fixed cost of one small fit ({stamp})\n\n"
        f"- Machine: {platform.platform()}, {os.cpu_count()} cores, one thread.\n"
        f"- Median of {REPEATS} warm fits in one process (R: mean of "
        f"{10 * REPEATS} calls), median of 3 such runs.\n\n" + table(res)
    )
    out = pathlib.Path(__file__).resolve().parent / "results" / "fixed_cost.md"
    out.write_text(text)
    print(text)

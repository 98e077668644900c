"""Cost of LADRegressor.summary against R's quantreg and statsmodels (run by hand).

    python benchmarks/inference.py [--n 10000] [--p 20] [--repeats 5] [--boot 1000]

Medians of ``--repeats`` warm runs, all in one process per tool, on one data set
(Student-t(3) noise whose scale grows with the first feature). Rows:

- the fit alone; ``summary(se="nid")`` in units of fits (the issue asks for at most
  three: the estimate's own plus the fits at ``q +- h``);
- ``summary(se="boot")`` with ``--boot`` xy-pairs replicates against quantreg's
  ``summary(rq(...), se = "boot", R = ...)`` (``boot.rq``, method ``"xy"``), and
  against a loop of statsmodels ``QuantReg`` fits on resampled rows (statsmodels
  has no bootstrap; the loop runs ``--sm-boot`` replicates and is scaled to
  ``--boot``, which the table says).

Writes ``benchmarks/results/inference.md``.
"""

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from lad import LADRegressor

RESULTS = Path(__file__).parent / "results"


def data(n, p, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    scale = 1.0 + 0.5 * np.abs(X[:, 0])
    y = 1.0 + X @ rng.standard_normal(p) + scale * rng.standard_t(3, n)
    return X, y


def median_time(fn, repeats):
    fn()  # warm: compiled kernels, caches
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return float(np.median(times))


def r_times(X, y, repeats, n_boot):
    """``(fit, nid, boot)`` medians in R, or None without Rscript/quantreg."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        X.T.tofile(d / "X.bin")
        y.tofile(d / "y.bin")
        n, p = X.shape
        code = f"""
suppressMessages(library(quantreg))
X <- matrix(readBin('{d / "X.bin"}', 'double', {n * p}), {n}, {p})
y <- readBin('{d / "y.bin"}', 'double', {n})
med <- function(f, k) {{
  f(); median(sapply(1:k, function(i) system.time(f())[["elapsed"]]))
}}
set.seed(1)
fit <- med(function() rq(y ~ X, tau = 0.5), {repeats})
f <- rq(y ~ X, tau = 0.5)
nid <- med(function() summary(f, se = "nid"), {repeats})
boot <- med(function() summary(f, se = "boot", R = {n_boot}), max(1, {repeats} %/% 2))
cat(fit, nid, boot, "\\n")
"""
        (d / "b.R").write_text(code)
        out = subprocess.run([rscript, str(d / "b.R")], capture_output=True,
                             text=True, timeout=3600)  # fmt: skip
        if out.returncode != 0:
            return None
        return [float(v) for v in out.stdout.split()]


def statsmodels_boot(X, y, n_rep):
    try:
        from statsmodels.regression.quantile_regression import QuantReg
    except ImportError:
        return None
    rng = np.random.default_rng(0)
    A = np.column_stack([np.ones(len(y)), X])

    def loop():
        for _ in range(n_rep):
            rows = rng.integers(0, len(y), len(y))
            QuantReg(y[rows], A[rows]).fit(q=0.5)

    t = time.perf_counter()
    loop()
    return time.perf_counter() - t


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--p", type=int, default=20)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--boot", type=int, default=1000)
    ap.add_argument("--sm-boot", type=int, default=50)
    args = ap.parse_args(argv)
    X, y = data(args.n, args.p)
    model = LADRegressor().fit(X, y)
    fit = median_time(lambda: LADRegressor().fit(X, y), args.repeats)
    nid = median_time(lambda: model.summary(X, y, se="nid"), args.repeats)
    boot = median_time(
        lambda: model.summary(X, y, se="boot", n_boot=args.boot, random_state=0,
                              n_jobs=2),
        max(1, args.repeats // 2),
    )  # fmt: skip
    r = r_times(X, y, args.repeats, args.boot)
    sm = statsmodels_boot(X, y, args.sm_boot)
    sm_scaled = None if sm is None else sm * args.boot / args.sm_boot
    rows = [
        ("fit", fit, None if r is None else r[0], None),
        ("summary se='nid'", nid, None if r is None else r[1], None),
        (f"summary se='boot', {args.boot} replicates", boot,
         None if r is None else r[2], sm_scaled),
    ]  # fmt: skip

    def cell(t):
        return "n/a" if t is None else f"{t:.3f}"

    def ratio(a, b):
        return "n/a" if b is None else f"**{a / b:.2f}**"

    lines = [
        f"# LADRegressor.summary: n = {args.n}, p = {args.p}, medians of "
        f"{args.repeats} warm runs",
        "",
        f"summary(se='nid') costs {nid / fit:.2f} fits (its two extra fits and the "
        "sandwich; the estimate itself is already fitted).",
        "",
        "| step | lad s | quantreg s | lad / quantreg | statsmodels s | "
        "lad / statsmodels |",
        "|---|---|---|---|---|---|",
    ]
    for name, t_lad, t_r, t_sm in rows:
        lines.append(f"| {name} | {cell(t_lad)} | {cell(t_r)} | {ratio(t_lad, t_r)} | "
                     f"{cell(t_sm)} | {ratio(t_lad, t_sm)} |")  # fmt: skip
    lines += [
        "",
        f"statsmodels has no bootstrap: its time is a loop of {args.sm_boot} QuantReg "
        f"fits on resampled rows, scaled to {args.boot}. lad's bootstrap runs on 2 "
        "threads (n_jobs=2); quantreg's boot.rq on one core.",
    ]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "inference.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

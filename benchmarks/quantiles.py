"""Nine quantiles at once: MultiQuantileRegressor against loops and R (run by hand).

    python benchmarks/quantiles.py [--n 10000] [--p 50] [--repeats 3] [--sklearn]

One data set (Student-t(3) noise whose scale grows with the first feature),
quantiles 0.1, 0.2, ..., 0.9. Rows, medians of ``--repeats`` warm runs:

- ``MultiQuantileRegressor`` (one thread), whose fits after the first start
  from their neighbour's residuals;
- a loop of ``LADRegressor`` fits (the same exact solver, each from scratch);
- R's ``rq(y ~ X, tau = taus)`` with ``method = "br"`` (simplex) and ``"fn"``
  (interior point), in one Rscript process;
- with ``--sklearn``, a loop of scikit-learn's ``QuantileRegressor(alpha=0,
  solver="highs")`` (slow: hours at 1e6 rows, so off by default).

Every fit's objective is checked against the loop of LADRegressor fits (exact):
the table gives the largest relative excess. Appends to
``benchmarks/results/quantiles.md``.
"""

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from lad import LADRegressor, MultiQuantileRegressor
from lad.diagnostics import objective

RESULTS = Path(__file__).parent / "results"
TAUS = np.round(np.arange(1, 10) / 10, 2)


def data(n, p, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = (
        1.0
        + X @ rng.standard_normal(p)
        + (1 + 0.5 * np.abs(X[:, 0])) * rng.standard_t(3, n)
    )
    return X, y


def median_time(fn, repeats):
    out = fn()  # warm: compiled kernels
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return float(np.median(times)), out


def r_times(X, y, repeats, methods):
    """Median seconds and coefficients of rq br and fn, or None without R."""
    if shutil.which("Rscript") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        X.T.tofile(d / "X.bin")
        y.tofile(d / "y.bin")
        n, p = X.shape
        code = f"""
suppressMessages(library(quantreg))
X <- matrix(readBin('{d}/X.bin', 'double', {n * p}), {n}, {p})
y <- readBin('{d}/y.bin', 'double', {n})
taus <- c({", ".join(str(t) for t in TAUS)})
for (m in c({", ".join(repr(m) for m in methods)})) {{
  f <- rq(y ~ X, tau = taus, method = m)
  t <- c()
  for (i in 1:{repeats}) t <- c(t, system.time(f <- rq(y ~ X, tau = taus,
                                                        method = m))[3])
  write.table(t(coef(f)), paste0('{d}/coef_', m), row.names = FALSE,
              col.names = FALSE)
  cat(m, median(t), '\\n')
}}
"""
        out = subprocess.run(["Rscript", "-e", code], capture_output=True, text=True,
                             check=True).stdout  # fmt: skip
        res = {}
        for line in out.strip().splitlines():
            m, t = line.split()
            coef = np.loadtxt(d / f"coef_{m}")
            res[m] = (float(t), coef[:, 1:], coef[:, 0])
        return res


def excess(X, y, coefs, intercepts, best):
    worst = 0.0
    for k, q in enumerate(TAUS):
        f = objective(X, y, coefs[k], intercepts[k], alpha=0.0, loss="absolute",
                      quantile=float(q))  # fmt: skip
        worst = max(worst, (f - best[k]) / best[k])
    return worst


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--p", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sklearn", action="store_true")
    parser.add_argument("--r-methods", default="br,fn",
                        help="rq methods, comma-separated (br is O(n^2): drop it "
                        "at 1e6 rows)")  # fmt: skip
    args = parser.parse_args()
    X, y = data(args.n, args.p)

    t_loop, loop = median_time(
        lambda: [LADRegressor(quantile=float(q)).fit(X, y) for q in TAUS], args.repeats
    )
    best = [
        objective(X, y, m.coef_, m.intercept_, alpha=0.0, loss="absolute",
                  quantile=float(q))
        for m, q in zip(loop, TAUS, strict=True)
    ]  # fmt: skip
    t_multi, multi = median_time(lambda: MultiQuantileRegressor(TAUS).fit(X, y),
                                 args.repeats)  # fmt: skip
    rows = [("MultiQuantileRegressor", t_multi,
             excess(X, y, multi.coef_, multi.intercept_, best)),
            ("loop of LADRegressor", t_loop, 0.0)]  # fmt: skip
    r = r_times(X, y, args.repeats, args.r_methods.split(","))
    if r is not None:
        for m, (t, coef, icpt) in r.items():
            rows.append((f"R rq(tau = 1:9/10, method = '{m}')", t,
                         excess(X, y, coef, icpt, best)))  # fmt: skip
    if args.sklearn:
        from sklearn.linear_model import QuantileRegressor

        t_sk, sk = median_time(
            lambda: [QuantileRegressor(quantile=float(q), alpha=0.0,
                                       solver="highs").fit(X, y) for q in TAUS],
            1,
        )  # fmt: skip
        rows.append(("loop of sklearn QuantileRegressor", t_sk,
                     excess(X, y, [m.coef_ for m in sk], [m.intercept_ for m in sk],
                            best)))  # fmt: skip
    lines = [
        f"## n = {args.n}, p = {args.p}, 9 quantiles (0.1 ... 0.9), "
        f"median of {args.repeats} warm runs, {time.strftime('%Y-%m-%d')}",
        "",
        "| method | seconds | ratio to MultiQuantileRegressor | objective excess |",
        "|---|---|---|---|",
    ]
    for name, t, e in rows:
        lines.append(f"| {name} | {t:.3f} | {t / t_multi:.2f} | {e:.1e} |")
    text = "\n".join(lines) + "\n\n"
    print(text)
    RESULTS.mkdir(exist_ok=True)
    with open(RESULTS / "quantiles.md", "a") as fh:
        fh.write(text)


if __name__ == "__main__":
    main()

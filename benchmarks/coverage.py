"""Coverage of LADRegressor.summary's 95 % intervals on simulated data (run by hand).

    python benchmarks/coverage.py [--reps 400] [--boot-reps 200] [--n-boot 100]

Two designs, ``y = 1 + x1 + x2 + s(x1) e`` with ``x1 ~ U(0, 4)``, ``x2 ~ N(0, 1)``
and ``e ~ N(0, 1)``:

- ``iid``: ``s = 1``, so every quantile's slopes are (1, 1);
- ``het``: ``s(x1) = 1 + 0.5 x1``, so at quantile ``q`` the slope on ``x1`` is
  ``1 + 0.5 z_q`` (``z_q`` the normal quantile) and the one on ``x2`` stays 1.

For ``n`` in (50, 200, 1000) and ``q`` in (0.5, 0.9), each method's interval for
both slopes is computed on ``--reps`` data sets (``--boot-reps`` for the bootstrap
methods, with ``--n-boot`` replicates each), and the table gives the fraction that
contains the true slope and the median width. The Monte Carlo standard error of a
coverage near 0.95 is 0.011 at 400 data sets and 0.015 at 200.

Writes ``benchmarks/results/coverage.csv`` (read by the user guide, which draws
the figure), ``coverage_x1.csv`` and ``coverage_x2.csv`` (one slope's coverage,
methods as columns: the user guide's tables) and ``coverage.md``. With
``--tables-only`` the two pivots are rebuilt from ``coverage.csv``.
"""

import argparse
import csv
import time
import warnings
from pathlib import Path

import numpy as np
from scipy import stats

from lad import LADRegressor

RESULTS = Path(__file__).parent / "results"
METHODS = ("iid", "nid", "ker", "rank", "boot", "wild")
SIZES = (50, 200, 1000)
QUANTILES = (0.5, 0.9)
DESIGNS = ("iid", "het")


def simulate(design, n, rng):
    x1 = rng.uniform(0.0, 4.0, n)
    x2 = rng.standard_normal(n)
    scale = 1.0 if design == "iid" else 1.0 + 0.5 * x1
    y = 1.0 + x1 + x2 + scale * rng.standard_normal(n)
    return np.column_stack([x1, x2]), y


def truth(design, q):
    """The true slopes of the q-th conditional quantile."""
    z = stats.norm.ppf(q)
    return np.array([1.0 + (0.5 * z if design == "het" else 0.0), 1.0])


def one_setting(design, n, q, method, reps, n_boot, seed):
    hits = np.zeros(2)
    widths = [[], []]
    failed = 0
    for rep in range(reps):
        rng = np.random.default_rng([seed, rep])
        X, y = simulate(design, n, rng)
        model = LADRegressor(quantile=q).fit(X, y)
        kwargs = (
            {"n_boot": n_boot, "random_state": rep}
            if method in ("boot", "wild")
            else {}
        )
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                table = model.summary(X, y, se=method, **kwargs)
        except ValueError:
            failed += 1  # counted as not covering
            continue
        ci = table.conf_int[1:]  # the slopes (the intercept is row 0)
        beta = truth(design, q)
        hits += (ci[:, 0] <= beta) & (beta <= ci[:, 1])
        for k in range(2):
            widths[k].append(ci[k, 1] - ci[k, 0])
    return {
        "design": design, "n": n, "q": q, "method": method, "reps": reps,
        "cover_x1": hits[0] / reps, "cover_x2": hits[1] / reps,
        "width_x1": float(np.median(widths[0])) if widths[0] else np.nan,
        "width_x2": float(np.median(widths[1])) if widths[1] else np.nan,
        "failed": failed,
    }  # fmt: skip


def pivot():
    """One table per slope: a row per (design, q, n), a column per method."""
    with open(RESULTS / "coverage.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for slope in ("x1", "x2"):
        cells = {}
        for r in rows:
            key = (r["design"], r["q"], r["n"])
            cells.setdefault(key, {})[r["method"]] = f"{float(r['cover_' + slope]):.3f}"
        with open(RESULTS / f"coverage_{slope}.csv", "w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["design", "q", "n", *METHODS])
            for key, by in cells.items():
                writer.writerow([*key, *(by.get(m, "") for m in METHODS)])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=400)
    parser.add_argument("--boot-reps", type=int, default=200)
    parser.add_argument("--n-boot", type=int, default=100)
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--tables-only", action="store_true")
    args = parser.parse_args()
    if args.tables_only:
        pivot()
        return
    rows = []
    start = time.perf_counter()
    for design in DESIGNS:
        for n in SIZES:
            for q in QUANTILES:
                for method in METHODS:
                    reps = args.boot_reps if method in ("boot", "wild") else args.reps
                    row = one_setting(design, n, q, method, reps, args.n_boot,
                                      args.seed)  # fmt: skip
                    rows.append(row)
                    took = time.perf_counter() - start
                    print(f"{design} n={n} q={q} {method:5s} cover x1 "
                          f"{row['cover_x1']:.3f} x2 {row['cover_x2']:.3f} "
                          f"({took:.0f} s)", flush=True)  # fmt: skip
    RESULTS.mkdir(exist_ok=True)
    with open(RESULTS / "coverage.csv", "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: (f"{v:.4g}" if isinstance(v, float) else v)
                             for k, v in row.items()})  # fmt: skip
    lines = [
        "# Coverage of 95 % intervals (benchmarks/coverage.py)",
        "",
        f"{args.reps} data sets per setting ({args.boot_reps} for boot and wild, "
        f"{args.n_boot} replicates each); x1 is the slope whose error scale varies "
        "in the het design. Failed: tables refused (singular density-weighted "
        "design), counted as not covering.",
        "",
        "| design | n | q | method | cover x1 | cover x2 | width x1 | width x2 "
        "| failed |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['design']} | {r['n']} | {r['q']} | {r['method']} | "
            f"{r['cover_x1']:.3f} | {r['cover_x2']:.3f} | {r['width_x1']:.3g} | "
            f"{r['width_x2']:.3g} | {r['failed']} |"
        )
    lines.append("")
    lines.append(f"Total time {time.perf_counter() - start:.0f} s.")
    (RESULTS / "coverage.md").write_text("\n".join(lines) + "\n")
    pivot()


if __name__ == "__main__":
    main()

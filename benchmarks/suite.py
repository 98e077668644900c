"""Side-by-side benchmark of lad against the anchors, at equal accuracy.

Run by hand (never by CI), after ``pip install -e ".[bench]"``::

    python benchmarks/suite.py --quick        # under 5 minutes on 2 cores
    python benchmarks/suite.py                # the full sizes of the issue

Every solver runs single-threaded (BLAS threads pinned to 1 before NumPy loads). For
each problem, each solver's tolerance is tightened along a ladder until its
objective is within 1e-6 relative of the best objective any solver found (1e-9 for
lad on LAD problems); that configuration is then timed: median of ``--repeats`` runs
after a warm-up. Objectives are all computed by ``lad.diagnostics.objective`` on the
same data. Results go to ``benchmarks/results/latest.{json,md}``.
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402

import lad  # noqa: E402
from lad.diagnostics import objective  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
import anchors_r  # noqa: E402

LADDER = [1e-4, 1e-6, 1e-8, 1e-10, 1e-12]
RESULTS = Path(__file__).parent / "results"


# --- problems (fixed seeds) ----------------------------------------------------------


def _toeplitz(n, p, rho, k, seed):
    X, y, _ = lad.datasets.make_sparse_regression(
        n, p, n_informative=k, correlation=rho, random_state=seed
    )
    return X, y


def _tfidf(n, p, density, seed):
    rng = np.random.default_rng(seed)
    nnz = int(n * p * density)
    rows, cols = rng.integers(0, n, nnz), rng.integers(0, p, nnz)
    X = sp.csc_matrix((rng.exponential(1.0, nnz), (rows, cols)), shape=(n, p))
    X.sum_duplicates()
    w = np.zeros(p)
    w[rng.choice(p, 50, replace=False)] = rng.normal(0, 3, 50)
    return X, np.asarray(X @ w).ravel() + rng.normal(size=n)


def _lad(n, p, k, seed):
    X, y, _ = lad.datasets.make_sparse_regression(
        n, p, n_informative=k, noise_df=2, outliers=0.05, random_state=seed
    )
    return X, y


def problems(quick):
    """``(name, loss, X, y, alpha)`` for every benchmark problem."""
    s = 0.25 if quick else 1.0
    tall = 0.02 if quick else 1.0

    def lasso_alpha(X, y, div):
        return lad.alpha_max(X, y) / div

    def lad_alpha(X, y, div):
        return lad.alpha_max(X, y, loss="absolute") / div

    n, p = int(2000 * s), int(5000 * s)
    X, y = _toeplitz(n, p, 0.5, 50, 0)
    for div in (20, 100):
        yield (
            f"lasso dense {n}x{p} rho=.5 amax/{div}",
            "squared",
            X,
            y,
            (lasso_alpha(X, y, div)),
        )
    n, p = int(20000 * s * s), int(200000 * s * s)
    X, y = _tfidf(n, p, 5e-4, 1)
    yield f"lasso csc {n}x{p} d=5e-4 amax/20", "squared", X, y, lasso_alpha(X, y, 20)
    n = int(1e6 * tall)
    X, y = _toeplitz(n, 100, 0.0, 10, 2)
    yield f"lasso tall {n}x100 amax/100", "squared", X, y, lasso_alpha(X, y, 100)
    n = int(10000 * s)
    X, y = _lad(n, 50, 10, 3)
    yield f"lad t2+outliers {n}x50", "absolute", X, y, 0.0
    n = int(1e6 * tall)
    X, y = _lad(n, 20, 10, 4)
    yield f"lad tall {n}x20", "absolute", X, y, 0.0
    n, p = int(2000 * s), int(1000 * s)
    X, y = _lad(n, p, 20, 5)
    yield f"lad-lasso wide {n}x{p} amax/10", "absolute", X, y, lad_alpha(X, y, 10)


# --- solvers -------------------------------------------------------------------------


# scikit-learn's QuantileRegressor solves the primal LP with 2n + 2p columns; above
# this many rows it takes minutes (41 s a fit at n=2e4, p=20 here), so it is skipped
# and the report says so.
QR_MAX_ROWS = 10_000


def python_solvers(loss, alpha, n_samples=0):
    """``name -> (make(tol), is_anchor, exact)``; ``make`` returns a new model."""
    from sklearn.linear_model import Lasso, QuantileRegressor

    out = {}
    if loss == "squared":
        out["lad LassoL1"] = (
            lambda tol: lad.LassoL1(alpha, tol=tol, max_iter=10**6),
            False,
            False,
        )
        out["sklearn Lasso"] = (
            lambda tol: Lasso(alpha, tol=tol, max_iter=10**6),
            True,
            False,
        )
        try:
            import skglm

            out["skglm Lasso"] = (
                lambda tol: skglm.Lasso(
                    alpha, tol=tol, fit_intercept=True, max_iter=1000
                ),
                True,
                False,
            )
        except ImportError:
            pass
        try:
            import celer

            out["celer Lasso"] = (
                lambda tol: celer.Lasso(alpha, tol=tol, max_iter=1000),
                True,
                False,
            )
        except ImportError:
            pass
    else:
        out["lad LADRegressor"] = (lambda tol: lad.LADRegressor(alpha), False, True)
        if n_samples > QR_MAX_ROWS:
            return out
        out["sklearn QuantileRegressor"] = (
            lambda tol: QuantileRegressor(
                quantile=0.5, alpha=alpha / 2, solver="highs"
            ),
            True,
            True,
        )
    return out


def _fit(make, tol, X, y):
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = make(tol).fit(X, y)
    return time.perf_counter() - t0, np.ravel(model.coef_), float(model.intercept_)


def bench_problem(name, loss, X, y, alpha, repeats, cap):
    rows = []
    results = {}
    if loss == "absolute" and X.shape[0] > QR_MAX_ROWS:
        print(f"    sklearn QuantileRegressor skipped: n > {QR_MAX_ROWS}")
    for sname, (make, anchor, exact) in python_solvers(loss, alpha, X.shape[0]).items():
        ladder = [None] if exact else LADDER
        results[sname] = []
        for tol in ladder:
            seconds, coef, b = _fit(make, tol, X, y)
            f = objective(X, y, coef, b, alpha=alpha, loss=loss)
            results[sname].append((tol, seconds, f, coef, b, make, anchor))
            if seconds > cap:
                break
    if anchors_r.available():
        methods = (
            ["glmnet"]
            if loss == "squared"
            else (["rq-br", "rq-fn", "rq-pfn"] if alpha == 0 else ["rq-lasso"])
        )
        for m in methods:
            results[f"R {m}"] = []
            for tol in LADDER[1:] if m == "glmnet" else [None]:
                try:
                    secs, coef, b = anchors_r.run(
                        m, X, y, alpha=alpha, tol=tol or 0.0, repeats=repeats
                    )
                except Exception as exc:  # noqa: BLE001 - report, do not crash
                    print(f"    R {m} failed: {exc}")
                    break
                f = objective(X, y, coef, b, alpha=alpha, loss=loss)
                results[f"R {m}"].append((tol, secs, f, coef, b, None, True))
    best = min(r[2] for runs in results.values() for r in runs)
    for sname, runs in results.items():
        target = 1e-9 if (loss == "absolute" and sname.startswith("lad")) else 1e-6
        chosen = next((r for r in runs if (r[2] - best) / abs(best) <= target), None)
        if chosen is None:
            tol, secs, f, coef, b, make, anchor = runs[-1]
            rows.append(
                dict(
                    problem=name,
                    solver=sname,
                    tol=tol,
                    objective=f,
                    subopt=(f - best) / abs(best),
                    nnz=int(np.sum(coef != 0)),
                    seconds=None,
                    anchor=anchor,
                    note="accuracy not reached",
                )
            )
            continue
        tol, secs, f, coef, b, make, anchor = chosen
        if make is not None:
            times = [_fit(make, tol, X, y)[0] for _ in range(repeats)]
            secs = float(np.median(times))
        rows.append(
            dict(
                problem=name,
                solver=sname,
                tol=tol,
                objective=f,
                subopt=(f - best) / abs(best),
                nnz=int(np.sum(coef != 0)),
                seconds=secs,
                anchor=anchor,
                note="",
            )
        )
    ours = [r for r in rows if not r["anchor"] and r["seconds"] is not None]
    anchors = [r for r in rows if r["anchor"] and r["seconds"] is not None]
    if ours and anchors:
        fastest = min(anchors, key=lambda r: r["seconds"])
        for r in ours:
            r["ratio"] = r["seconds"] / fastest["seconds"]
            r["fastest_anchor"] = fastest["solver"]
    return rows


# --- start-up costs ------------------------------------------------------------------


def startup_costs():
    """``import lad``, first estimator import, first fit with cold and warm caches."""
    code = (
        "import time; t=time.perf_counter(); import lad; t1=time.perf_counter();"
        "from lad import LassoL1, LADRegressor; t2=time.perf_counter();"
        "import numpy as np; X=np.random.default_rng(0).normal(size=(50,5));"
        "y=X[:,0]+1; t3=time.perf_counter(); LassoL1(alpha=0.1).fit(X,y);"
        "t4=time.perf_counter(); LADRegressor(alpha=0.1).fit(X,y);"
        "t5=time.perf_counter(); print(t1-t, t2-t1, t4-t3, t5-t4)"
    )
    out = {}
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        for label in ("cold cache", "warm cache"):
            res = subprocess.run(
                [sys.executable, "-c", code],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            a, b, c, d = map(float, res.stdout.split())
            out[label] = {
                "import lad": a,
                "import estimators (sklearn)": b,
                "first LassoL1 fit": c,
                "first LADRegressor fit": d,
            }
    return out


# --- report --------------------------------------------------------------------------


def environment(quick):
    import numba
    import scipy
    import sklearn

    versions = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "scikit-learn": sklearn.__version__,
        "numba": numba.__version__,
        "lad": lad.__version__,
    }
    for mod in ("skglm", "celer", "statsmodels"):
        try:
            versions[mod] = __import__(mod).__version__
        except ImportError:
            versions[mod] = "absent"
    if anchors_r.available():
        r = subprocess.run(
            [
                anchors_r.RSCRIPT,
                "-e",
                "cat(R.version.string, "
                "as.character(packageVersion('glmnet')), "
                "as.character(packageVersion('quantreg')))",
            ],
            capture_output=True,
            text=True,
        )
        versions["R (glmnet, quantreg)"] = r.stdout.strip()
    else:
        versions["R"] = "absent: R anchors skipped"
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": date.today().isoformat(),
        "quick": quick,
        "cpu": cpu,
        "cores": os.cpu_count(),
        "threads": "1 (BLAS pinned)",
        "versions": versions,
    }


def markdown(env, rows, startup):
    lines = [
        f"# lad benchmarks ({'quick' if env['quick'] else 'full'}, {env['date']})",
        "",
        f"Machine: {env['cpu']}, {env['cores']} cores, single-threaded runs.",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in env["versions"].items()),
        "",
        "| problem | solver | tol | rel. subopt | nnz | median s | "
        "lad / fastest anchor |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        secs = "—" if r["seconds"] is None else f"{r['seconds']:.3f}"
        ratio = f"{r['ratio']:.2f} (vs {r['fastest_anchor']})" if "ratio" in r else ""
        tol = "exact" if r["tol"] is None else f"{r['tol']:.0e}"
        lines.append(
            f"| {r['problem']} | {r['solver']} | {tol} | {r['subopt']:.1e} | "
            f"{r['nnz']} | {secs} {r['note']} | {ratio} |"
        )
    lines += ["", "Start-up (fresh processes):", ""]
    for label, vals in startup.items():
        lines.append(
            f"- {label}: " + ", ".join(f"{k} {v:.3f} s" for k, v in vals.items())
        )
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", default="", help="substring of problem names")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--cap",
        type=float,
        default=120.0,
        help="stop tightening a solver past this many seconds per fit",
    )
    args = parser.parse_args()
    env = environment(args.quick)
    startup = startup_costs()
    rows = []
    for name, loss, X, y, alpha in problems(args.quick):
        if args.only and args.only not in name:
            continue
        print(f"== {name}", flush=True)
        for r in bench_problem(name, loss, X, y, alpha, args.repeats, args.cap):
            print(
                f"   {r['solver']:28} tol={r['tol']} subopt={r['subopt']:.1e} "
                f"s={r['seconds']} ratio={r.get('ratio', '')}",
                flush=True,
            )
            rows.append(r)
        save(env, rows, startup)  # partial results survive an interrupted run
    print(markdown(env, rows, startup))


def save(env, rows, startup):
    RESULTS.mkdir(exist_ok=True)
    payload = {"environment": env, "startup": startup, "results": rows}
    (RESULTS / "latest.json").write_text(json.dumps(payload, indent=1, default=str))
    (RESULTS / "latest.md").write_text(markdown(env, rows, startup))


if __name__ == "__main__":
    main()

"""Side-by-side benchmark of lad against its anchors, at equal accuracy.

Run by hand (never by CI)::

    python benchmarks/run.py --quick              # reduced sizes, under 5 minutes
    python benchmarks/run.py                      # the sizes of the performance issue
    python benchmarks/run.py --only "lad tall" --repeats 5

Every solver is pinned to one thread (BLAS / OpenMP variables set below, before
NumPy is imported; GridSearchCV problems use ``n_jobs=2`` processes of one thread).
For each problem each solver's tolerance is tightened along its ladder until the
objective stops moving; the first tolerance whose objective is within 1e-6 relative
of the best objective any solver found (1e-9 for lad on LAD problems) is the one
timed: median of ``--repeats`` runs after a warm-up. Each Python fit runs in a
forked child so the per-fit time cap (``--cap``) can be enforced (fits under 1 s are
timed on a second call there); R anchors are timed inside R. Results go to
``benchmarks/results/latest.{json,md}`` plus a dated copy.
"""

import os

THREAD_VARS = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "NUMBA_NUM_THREADS",
)
for _var in THREAD_VARS:
    os.environ[_var] = "1"

import argparse  # noqa: E402
import multiprocessing as mp  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

import epoch_cost  # noqa: E402
import memory  # noqa: E402
import r_anchors  # noqa: E402
import report  # noqa: E402
import solvers as solver_defs  # noqa: E402
import startup  # noqa: E402
from problems import problems  # noqa: E402
from solvers import python_solvers  # noqa: E402

from lad.diagnostics import objective  # noqa: E402

TARGET = 1e-6  # relative suboptimality every solver must reach
TARGET_LAD = 1e-9  # ... and lad on LAD problems


def log(msg):
    print(msg, flush=True)


# --- running one fit -----------------------------------------------------------------


# Fits shorter than this are run twice in their forked child and the second timed.
REFIT_BELOW = 1.0


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def run_capped(fn, cap, fork=True):
    """``(status, seconds, output)``; status is "ok", "timeout" or "error: ...".

    With ``fork`` the fit runs in a forked child (sharing the warmed-up parent's
    compiled code and data) that is killed after ``cap`` seconds; a fit shorter than
    ``REFIT_BELOW`` is run a second time there and that call is timed.
    """
    if not fork:
        try:
            secs, out = _timed(fn)
        except Exception as exc:  # report, do not crash the suite
            return f"error: {exc!r}"[:300], None, None
        return ("ok" if secs <= cap else "over cap"), secs, out
    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)

    def child():
        try:
            secs, out = _timed(fn)
            if secs < REFIT_BELOW:
                # The first call in a fresh fork pays copy-on-write page faults (2-3x
                # on a 10 ms fit, for every Python solver); R anchors are timed on
                # in-process repeats, so short fits are timed on a second call.
                secs, out = _timed(fn)
            send.send(("ok", secs, out))
        except BaseException as exc:
            send.send((f"error: {exc!r}"[:300], None, None))

    proc = ctx.Process(target=child, daemon=True)
    proc.start()
    send.close()
    try:
        if recv.poll(cap):
            return recv.recv()
        return "timeout", None, None
    except EOFError:
        return "error: child died (out of memory?)", None, None
    finally:
        proc.kill()
        proc.join()
        recv.close()


# --- scoring -------------------------------------------------------------------------


def score(prob, output):
    """``(objective vector, nnz, key)``; ``key`` is the selected alpha for CV kinds."""
    d = prob.data
    X, y = d["X"], d["y"]
    kw = dict(loss=prob.loss, quantile=prob.quantile, l1_ratio=prob.l1_ratio)
    kw["penalty_factor"] = d.get("penalty_factor")
    if prob.kind == "fit":
        coef, b = output
        f = [objective(X, y, coef, b, alpha=d["alpha"], **kw)]
        return np.array(f), int(np.count_nonzero(coef)), None
    if prob.kind == "path":
        coefs, bs = output
        f = [
            objective(X, y, coefs[:, k], bs[k], alpha=a, **kw)
            for k, a in enumerate(d["alphas"])
        ]
        return np.array(f), int(np.count_nonzero(coefs[:, -1])), None
    a, coef, b = output
    f = [objective(X, y, coef, b, alpha=a, **kw)]
    return np.array(f), int(np.count_nonzero(coef)), float(f"{a:.8g}")


def target_for(prob, solver):
    return TARGET_LAD if (prob.loss == "absolute" and not solver["anchor"]) else TARGET


# --- one problem ---------------------------------------------------------------------


def ladder_python(prob, s, cap):
    """Run solver ``s`` along its tolerance ladder; a list of run dicts."""
    runs = []
    if s.jit or not s.fork:  # compile / start workers in the parent, untimed
        status, secs, _ = run_capped(lambda: s.fit(s.tols[0]), cap, fork=False)
        if not status.startswith("ok"):
            log(f"     {s.name}: warm-up {status}")
    prev = None
    for tol in s.tols:
        status, secs, out = run_capped(lambda tol=tol: s.fit(tol), cap, s.fork)
        run = dict(tol=tol, status=status, seconds=secs, n_timed=1)
        runs.append(run)
        if status != "ok":
            break
        run["f"], run["nnz"], run["key"] = score(prob, out)
        if prev is not None and np.all(
            np.abs(run["f"] - prev) <= 1e-12 * np.abs(prev) + 1e-300
        ):
            break  # converged: tightening further changes nothing
        prev = run["f"]
    return runs


def ladder_r(prob, method, repeats, cap):
    try:
        res, err = r_anchors.run(method, prob, repeats=repeats, cap=cap)
    except Exception as exc:
        status = "timeout" if "exceeded the cap" in str(exc) else f"error: {exc}"
        return [dict(tol=None, status=status[:300], seconds=None)]
    runs = []
    for r in res:
        run = dict(tol=r["tol"], seconds=r["seconds"], n_timed=r["n_timed"])
        run["status"] = "ok" if r["seconds"] <= cap else "over cap"
        run["f"], run["nnz"], run["key"] = score(prob, r["output"])
        runs.append(run)
    if err and "exceeded the cap" in err:  # the next tolerance timed out
        runs.append(dict(tol=None, status="timeout", seconds=None))
    return runs or [dict(tol=None, status="no result", seconds=None)]


def bench_problem(prob, repeats, cap):
    solvers = []
    for s in python_solvers(prob):
        log(f"   {s.name} ...")
        runs = ladder_python(prob, s, cap)
        solvers.append(dict(name=s.name, anchor=s.anchor, exact=s.exact, obj=s,
                            budget=s.budget))  # fmt: skip
        solvers[-1]["runs"] = runs
    for method in r_anchors.methods_for(prob):
        log(f"   R {method} ...")
        exact = method == "rq br"  # simplex; fn / pfn are interior point
        runs = ladder_r(prob, method, repeats, cap)
        solvers.append(dict(name=f"R {method}", anchor=True, exact=exact, obj=None))
        solvers[-1]["runs"] = runs

    done = [r for s in solvers for r in s["runs"] if "f" in r]
    if not done:
        return [dict(problem=prob.name, solver="all", note="every solver failed")]
    finals = [[r for r in s["runs"] if "f" in r][-1:] for s in solvers]
    ref_key = Counter(r[0]["key"] for r in finals if r).most_common(1)[0][0]
    best = np.min([r["f"] for r in done if r["key"] == ref_key], axis=0)
    for r in done:
        if r["key"] != ref_key:
            r["subopt"] = np.inf
        else:
            r["subopt"] = float(np.max((r["f"] - best) / np.abs(best)))

    rows = [finish(prob, s, repeats, cap) for s in solvers]
    add_ratios(rows)
    return rows


def finish(prob, s, repeats, cap):
    """Pick the first tolerance that reaches the target and time it."""
    target = target_for(prob, s)
    runs = s["runs"]
    row = dict(
        problem=prob.name,
        solver=s["name"],
        anchor=s["anchor"],
        exact=s["exact"],
        target=target,
        ladder=[
            dict(
                tol=r["tol"],
                status=r["status"],
                seconds=r["seconds"],
                subopt=r.get("subopt"),
            )
            for r in runs
        ],
        seconds=None,
        note="",
    )
    if s.get("budget"):
        # Run to a time budget: its best objective and the time it took, once.
        row["budget"] = True
        scored = [r for r in runs if "f" in r]
        if scored:
            row.update(_summary(prob, scored[-1]))
            row["seconds"] = scored[-1]["seconds"]
            row["n_timed"] = 1
        row["tol"] = None
        row["note"] = (
            f"best of a {solver_defs.ADAM_BUDGET:.0f} s budget, batch "
            f"{solver_defs.ADAM_BATCH}, lr {solver_defs.ADAM_LR:g} / 10 "
            "per epoch without progress; not an equal-accuracy anchor"
        )
        if not scored:
            row["note"] = runs[-1]["status"]
        return row
    ok = [r for r in runs if r["status"] == "ok" and r.get("subopt", 1) <= target]
    if not ok:
        last = runs[-1]
        scored = [r for r in runs if "f" in r]
        if scored:
            last = scored[-1]
            row.update(_summary(prob, last))
        reason = last["status"] if last["status"] != "ok" else "accuracy not reached"
        if last.get("key") is not None and last.get("subopt") == np.inf:
            reason = f"selected a different alpha ({last['key']:.4g})"
        row["note"] = f"{reason} (cap {cap:.0f} s/fit)"
        row["tol"] = last["tol"]
        return row
    chosen = ok[0]
    row.update(_summary(prob, chosen))
    row["tol"] = chosen["tol"]
    times = [chosen["seconds"]]
    if s["obj"] is not None:  # Python: more forked fits at the chosen tolerance
        solver = s["obj"]
        for _ in range(repeats - 1):
            status, secs, _ = run_capped(
                lambda: solver.fit(chosen["tol"]), cap, solver.fork
            )
            if secs is not None:
                times.append(secs)
        row["n_timed"] = len(times)
    else:  # R: median of repeats already taken inside R
        row["n_timed"] = chosen["n_timed"]
    row["seconds"] = float(np.median(times))
    return row


def _summary(prob, run):
    out = dict(subopt=run["subopt"], nnz=run["nnz"])
    # paths: the objective at the smallest alpha
    out["objective"] = float(run["f"][-1] if prob.kind == "path" else run["f"][0])
    if run["key"] is not None:
        out["selected_alpha"] = run["key"]
    return out


def add_ratios(rows):
    timed = [r for r in rows if r.get("seconds") is not None]
    anchors = [r for r in timed if r["anchor"] and not r.get("budget")]
    exact = [r for r in anchors if r["exact"]]
    for r in timed:
        if r["anchor"] or r.get("budget"):
            continue
        if anchors:
            fastest = min(anchors, key=lambda a: a["seconds"])
            r["ratio"] = r["seconds"] / fastest["seconds"]
            r["fastest_anchor"] = fastest["solver"]
        if exact:
            fastest = min(exact, key=lambda a: a["seconds"])
            r["ratio_exact"] = r["seconds"] / fastest["seconds"]
            r["fastest_exact_anchor"] = fastest["solver"]


# --- main ----------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="reduced sizes")
    parser.add_argument(
        "--only", default="", help="substring of problem names ('|' separates several)"
    )
    parser.add_argument("--repeats", type=int, default=3, help="timed runs (>= 3)")
    parser.add_argument(
        "--cap", type=float, default=None, help="seconds per fit (120, quick 20)"
    )
    parser.add_argument(
        "--no-startup", action="store_true", help="skip start-up and memory"
    )
    parser.add_argument(
        "--startup", action="store_true", help="measure start-up costs with --only"
    )
    parser.add_argument(
        "--out",
        default="",
        help="write results/OUT.{json,md} (with a per-anchor ratio table) instead of "
        "latest and a dated copy",
    )
    args = parser.parse_args(argv)
    cap = args.cap or (20.0 if args.quick else 120.0)
    solver_defs.ADAM_BUDGET = min(solver_defs.ADAM_BUDGET, cap / 2)
    t_start = time.perf_counter()
    env = report.environment(args.quick, cap, args.repeats, THREAD_VARS)
    log(f"{env['cpu']}, {env['cores']} cores; R: {env['versions']['R']}")
    first = None
    only = [part for part in args.only.split("|") if part]
    if not args.no_startup and only and args.startup:
        log("== start-up costs (fresh processes)")
        first = startup.measure()
        for label, vals in first.items():
            log(f"   {label}: {vals}")
    if not args.no_startup and not only:
        log("== start-up costs (fresh processes)")
        first = startup.measure()
        for label, vals in first.items():
            log(f"   {label}: {vals}")
        log("== one CD epoch against one X.T @ r")
        env["epoch_cost"] = epoch_cost.measure()
        for row in env["epoch_cost"]:
            log(f"   {row['case']}: ratio {row['ratio']:.2f}")
        log("== peak memory of the tall fits (fresh processes)")
        env["memory"] = memory.measure(args.quick)
        for label, vals in env["memory"].items():
            log(f"   {label}: {vals}")
    rows = []
    for prob in problems(args.quick):
        if only and not any(part in prob.name for part in only):
            continue
        log(f"== {prob.name}")
        t0 = time.perf_counter()
        prob.build()
        new = bench_problem(prob, args.repeats, cap)
        prob.release()
        for r in new:
            log("   " + report.row_line(r))
        log(f"   ({time.perf_counter() - t0:.0f} s)")
        rows.extend(new)
        report.write(env, first, rows, final=False, out=args.out)  # partial results
    env["total_seconds"] = time.perf_counter() - t_start
    paths = report.write(env, first, rows, out=args.out)
    log(report.markdown(env, first, rows))
    log("written: " + ", ".join(str(p) for p in paths))
    log(f"total {env['total_seconds']:.0f} s")


if __name__ == "__main__":
    main()

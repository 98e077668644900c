"""R anchors (glmnet, quantreg) driven through ``Rscript``, timed inside R.

The data go to binary files in a temporary directory (dense column-major, or the
CSC arrays for sparse ``X``). R warms up on the first 1000 rows, then for every
tolerance of the ladder times ``repeats`` solves with ``system.time`` (only the solve)
and writes the coefficients back, so objectives are computed in Python with
``lad.diagnostics.objective`` like every other solver's.

Scalings: glmnet with ``standardize=FALSE`` minimises ``(1/2n) RSS + lambda ||b||_1``
(lad's Lasso, ``lambda = alpha``). With ``alpha = l1_ratio`` it is lad's elastic net
only if sd(y) = 1 (population): gaussian glmnet divides ``y`` by its sd, which
rescales the ridge part (the elastic-net problem standardises ``y``). glmnet rescales
``penalty.factor`` to sum to ``p``, so lad's ``alpha * pf_j`` is
``lambda = alpha * sum(pf) / p`` with the same factors. ``rq.fit.lasso`` minimises
``sum rho_tau + (lambda/2) ||b||_1``, so ``lambda = n * alpha`` is lad's LAD-Lasso
(checked against the LP on a small problem; the intercept gets ``lambda = 0``).
"""

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

RSCRIPT = shutil.which("Rscript")
GLMNET_LADDER = (1e-7, 1e-9, 1e-11, 1e-13)

_SCRIPT = r"""
args <- commandArgs(trailingOnly = TRUE)
d <- args[1]
rd <- function(f, what, k) readBin(file.path(d, f), what, k)
dims <- scan(file.path(d, "dims.txt"), quiet = TRUE)
n <- dims[1]; p <- dims[2]; nnz <- dims[3]
if (dims[4] == 1) {
  suppressMessages(library(Matrix))
  X <- sparseMatrix(i = rd("indices.bin", "integer", nnz),
                    p = rd("indptr.bin", "integer", p + 1),
                    x = rd("data.bin", "double", nnz),
                    dims = c(n, p), index1 = FALSE)
} else {
  X <- matrix(rd("X.bin", "double", n * p), n, p)
}
y <- rd("y.bin", "double", n)
alphas <- rd("alphas.bin", "double", dims[5])
alpha <- alphas[1]
PENALTY_SETUP
tols <- c(TOLS); repeats <- REPEATS; cap <- CAP; tau <- TAU
suppressMessages(LIBRARY)
if (exists("glmnet.control")) glmnet.control(fdev = 0, devmax = 1)
fit <- function(tol, X, y) { CALL }
m <- min(n, 1000)
tick <- function() invisible(file.create(file.path(d, "tick")))
tick()
invisible(fit(tols[1], X[1:m, , drop = FALSE], y[1:m]))  # warm-up
for (k in seq_along(tols)) {
  times <- c()
  for (r in seq_len(repeats)) {
    tick()
    t <- system.time(res <- fit(tols[k], X, y))[["elapsed"]]
    times <- c(times, t)
    if (t > cap) break
  }
  writeBin(as.double(EXTRACT), file.path(d, sprintf("out_%d.bin", k)))
  cat(median(times), length(times), "\n", file = file.path(d, "times.txt"),
      append = TRUE)
  if (max(times) > cap) break
}
"""

_GLMNET = "glmnet(X, y, family = 'gaussian', lambda = {lam}, standardize = FALSE, "
_GLMNET += "intercept = TRUE, thresh = tol, maxit = 1e8PENALTY_ARGS)"
_RQ = "rq.fit(cbind(1, X), y, tau = tau, method = '{m}')"

METHODS = {
    # name: (library, call, extract, tols or None for the single exact solve)
    "glmnet": (
        "library(glmnet)",
        _GLMNET.format(lam="alpha"),
        "as.matrix(coef(res))",
        GLMNET_LADDER,
    ),
    "glmnet path": (
        "library(glmnet)",
        _GLMNET.format(lam="alphas"),
        "as.matrix(coef(res))",
        GLMNET_LADDER,
    ),
    "cv.glmnet": (
        "library(glmnet)",
        "cv.glmnet(X, y, lambda = alphas, foldid = rep(1:5, each = length(y) / 5), "
        "standardize = FALSE, thresh = tol, maxit = 1e8)",
        "c(res$lambda.min, as.matrix(coef(res, s = 'lambda.min')))",
        GLMNET_LADDER,
    ),
    "rq br": ("library(quantreg)", _RQ.format(m="br"), "res$coefficients", None),
    "rq fn": ("library(quantreg)", _RQ.format(m="fn"), "res$coefficients", None),
    "rq pfn": ("library(quantreg)", _RQ.format(m="pfn"), "res$coefficients", None),
    "rq.fit.lasso": (
        "library(quantreg)",
        "rq.fit.lasso(cbind(1, X), y, tau = tau, "
        "lambda = c(0, rep(length(y) * alpha, ncol(X))))",
        "res$coefficients",
        None,
    ),
}


def available():
    """Whether ``Rscript`` is on the PATH."""
    return RSCRIPT is not None


def versions():
    if not available():
        return "absent: R anchors skipped"
    pv = "tryCatch(as.character(packageVersion('{}')), error=function(e) 'absent')"
    code = "cat(R.version.string, '| glmnet', {}, '| quantreg', {})".format(
        pv.format("glmnet"), pv.format("quantreg")
    )
    res = subprocess.run([RSCRIPT, "-e", code], capture_output=True, text=True)
    return res.stdout.strip()


def methods_for(prob):
    """The R methods that solve ``prob`` (empty without R)."""
    if not available():
        return []
    if prob.loss == "squared":
        return {"fit": ["glmnet"], "path": ["glmnet path"], "cv": ["cv.glmnet"]}.get(
            prob.kind, []
        )
    if prob.kind != "fit":
        return []
    return ["rq br", "rq fn", "rq pfn"] if prob.data["alpha"] == 0 else ["rq.fit.lasso"]


def _write(d, X, y, alphas, repeats):
    n, p = X.shape
    if sp.issparse(X):
        X = sp.csc_matrix(X)
        X.data.astype(np.float64).tofile(d / "data.bin")
        X.indices.astype(np.int32).tofile(d / "indices.bin")
        X.indptr.astype(np.int32).tofile(d / "indptr.bin")
        nnz, sparse = X.nnz, 1
    else:
        np.asarray(X, dtype=np.float64).ravel(order="F").tofile(d / "X.bin")
        nnz, sparse = n * p, 0
    np.asarray(y, dtype=np.float64).tofile(d / "y.bin")
    alphas = np.atleast_1d(np.asarray(alphas, dtype=np.float64))
    alphas.tofile(d / "alphas.bin")
    (d / "dims.txt").write_text(f"{n} {p} {nnz} {sparse} {alphas.size}\n")


def _normalise(kind, out, p):
    if kind == "path":
        block = out.reshape(-1, p + 1).T  # (p + 1, n_alphas), column-major from R
        return block[1:].copy(), block[0].copy()
    if kind == "cv":
        return float(out[0]), out[2:].copy(), float(out[1])
    return out[1:].copy(), float(out[0])


def _wait(d, cap, load_timeout=600):
    """Run the script; kill R once one solve (a "tick" older than cap) overruns."""
    proc = subprocess.Popen(
        [RSCRIPT, str(d / "fit.R"), str(d)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    t0 = time.monotonic()
    tick = d / "tick"
    while proc.poll() is None:
        time.sleep(0.2)
        last = tick.stat().st_mtime if tick.exists() else None
        overrun = last is not None and time.time() - last > cap + 2
        if overrun or time.monotonic() - t0 > load_timeout + cap * 50:
            proc.kill()
            proc.wait()
            return f"killed: one solve exceeded the cap of {cap:.0f} s"
    if proc.returncode != 0:
        return " ".join(proc.stderr.read().strip().splitlines()[-3:])
    return ""


def run(method, prob, *, repeats=3, cap=120.0):
    """Run an R method over its tolerance ladder.

    Returns a list of ``dict(tol, seconds, n_timed, output)``, one per tolerance
    reached before the cap; raises ``RuntimeError`` if R fails outright.
    """
    library, call, extract, tols = METHODS[method]
    X, y = prob.data["X"], prob.data["y"]
    alphas = prob.data.get("alphas", prob.data.get("alpha"))
    ladder = tols or (0.0,)
    script = _SCRIPT
    l1_ratio = prob.data.get("l1_ratio", 1.0)
    pf = prob.data.get("penalty_factor")
    if "glmnet" in library and (l1_ratio != 1.0 or pf is not None):
        if method != "glmnet":
            raise NotImplementedError(f"R {method} with an elastic net or factors")
        setup, extra = "", f", alpha = {float(l1_ratio)!r}"
        if pf is not None:  # glmnet rescales penalty.factor to sum to p
            setup = 'pf <- rd("pf.bin", "double", p); alpha <- alpha * sum(pf) / p'
            extra += ", penalty.factor = pf"
        script = script.replace("PENALTY_SETUP", setup)
        call = call.replace("PENALTY_ARGS", extra)
    script = (
        script.replace("TOLS", ", ".join(repr(float(t)) for t in ladder))
        .replace("REPEATS", str(int(repeats)))
        .replace("CAP", repr(float(cap)))
        .replace("TAU", repr(float(prob.quantile)))
        .replace("LIBRARY", library)
        .replace("CALL", call)
        .replace("EXTRACT", extract)
    )
    script = script.replace("PENALTY_SETUP", "").replace("PENALTY_ARGS", "")
    results = []
    with tempfile.TemporaryDirectory(prefix="lad-bench-r-") as tmp:
        d = Path(tmp)
        _write(d, X, y, alphas, repeats)
        if pf is not None:
            np.asarray(pf, dtype=np.float64).tofile(d / "pf.bin")
        (d / "fit.R").write_text(script)
        err = _wait(d, cap)
        lines = []
        if (d / "times.txt").exists():
            lines = (d / "times.txt").read_text().split("\n")
        for k, line in enumerate(filter(None, lines)):
            secs, n_timed = line.split()
            out = np.fromfile(d / f"out_{k + 1}.bin", dtype=np.float64)
            results.append(
                dict(
                    tol=tols[k] if tols else None,
                    seconds=float(secs),
                    n_timed=int(n_timed),
                    output=_normalise(prob.kind, out, X.shape[1]),
                )
            )
        if not results and err:
            raise RuntimeError(f"R {method}: {err}")
    if err and results:
        results[-1]["note"] = err
    return results, err

"""R anchors (glmnet, quantreg) driven through Rscript, timed inside R.

Data go through binary files in a temporary directory; R reads them, times only
the solve (median of repeats after a warm-up), and writes back the coefficients so
the objective is computed in Python on the same scale as every other solver.
"""

import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

RSCRIPT = shutil.which("Rscript")

_TEMPLATE = r"""
args <- commandArgs(trailingOnly = TRUE)
d <- args[1]
dims <- scan(file.path(d, "dims.txt"), quiet = TRUE)
n <- dims[1]; p <- dims[2]; repeats <- dims[3]
X <- matrix(readBin(file.path(d, "X.bin"), "double", n * p), n, p)
y <- readBin(file.path(d, "y.bin"), "double", n)
suppressMessages({{ {library} }})
fit <- function() {{ {call} }}
res <- fit()
times <- numeric(repeats)
for (k in seq_len(repeats)) times[k] <- system.time(res <- fit())[["elapsed"]]
coef <- {extract}
writeBin(as.double(coef), file.path(d, "coef.bin"))
cat(median(times), "\n", file = file.path(d, "time.txt"))
"""

METHODS = {
    "glmnet": dict(
        library="library(glmnet)",
        call="glmnet(X, y, family='gaussian', lambda={alpha!r}, standardize=FALSE, "
        "intercept=TRUE, thresh={tol!r}, maxit=1e7)",
        extract="as.numeric(coef(res))",
    ),
    "rq-br": dict(
        library="library(quantreg)",
        call="rq.fit(cbind(1, X), y, tau={tau!r}, method='br')",
        extract="res$coefficients",
    ),
    "rq-fn": dict(
        library="library(quantreg)",
        call="rq.fit(cbind(1, X), y, tau={tau!r}, method='fn')",
        extract="res$coefficients",
    ),
    "rq-pfn": dict(
        library="library(quantreg)",
        call="rq.fit(cbind(1, X), y, tau={tau!r}, method='pfn')",
        extract="res$coefficients",
    ),
    # rq.fit.lasso minimises sum rho + (lambda/2)|b|: lambda = n * alpha; b0 free.
    "rq-lasso": dict(
        library="library(quantreg)",
        call="rq.fit.lasso(cbind(1, X), y, tau={tau!r}, "
        "lambda=c(0, rep(n * {alpha!r}, p)))",
        extract="res$coefficients",
    ),
}


def available():
    """Whether Rscript is on the PATH."""
    return RSCRIPT is not None


def run(method, X, y, *, alpha=0.0, tau=0.5, tol=1e-7, repeats=3, timeout=600):
    """Fit with an R method; returns ``(median_seconds, coef, intercept)``."""
    spec = METHODS[method]
    X = np.asarray(X.toarray() if hasattr(X, "toarray") else X, dtype=np.float64)
    n, p = X.shape
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        np.asfortranarray(X).T.ravel().tofile(d / "X.bin")  # column-major for R
        np.asarray(y, dtype=np.float64).tofile(d / "y.bin")
        (d / "dims.txt").write_text(f"{n} {p} {repeats}\n")
        script = _TEMPLATE.format(
            library=spec["library"],
            call=spec["call"].format(
                alpha=float(alpha), tau=float(tau), tol=float(tol)
            ),
            extract=spec["extract"],
        )
        (d / "fit.R").write_text(script)
        subprocess.run(
            [RSCRIPT, str(d / "fit.R"), str(d)],
            check=True,
            timeout=timeout,
            capture_output=True,
        )
        seconds = float((d / "time.txt").read_text().split()[0])
        coef = np.fromfile(d / "coef.bin", dtype=np.float64)
    return seconds, coef[1:], float(coef[0])

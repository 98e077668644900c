"""Run R code on arrays through ``Rscript`` (quantreg and glmnet references).

Data go to binary files (column-major doubles), results come back as text with 17
significant digits. Tests call :func:`require` first: it skips, with the reason,
where ``Rscript`` or a package is missing (CI installs them: ``.ci/run``).
"""

import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest

RSCRIPT = shutil.which("Rscript")
_CHECKED = {}


def require(*packages):
    """Skip the calling test unless Rscript and ``packages`` are available."""
    if RSCRIPT is None:
        pytest.skip("R is not installed (Rscript not found); .ci/run installs "
                    "r-base-core, r-cran-quantreg and r-cran-glmnet")  # fmt: skip
    for pkg in packages:
        if pkg not in _CHECKED:
            code = f"quit(status = !requireNamespace('{pkg}', quietly = TRUE))"
            _CHECKED[pkg] = (
                subprocess.run(
                    [RSCRIPT, "-e", code], capture_output=True, timeout=120
                ).returncode
                == 0
            )
        if not _CHECKED[pkg]:
            pytest.skip(f"the R package {pkg} is not installed (r-cran-{pkg})")


def run(code, **arrays):
    """Run ``code`` with each array bound to an R variable of the same name.

    1-D arrays become vectors, 2-D arrays matrices. ``code`` must assign a list of
    numeric vectors to ``out``; returns it as a dict of float64 arrays.
    """
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        lines = []
        for name, value in arrays.items():
            a = np.asarray(value, dtype=np.float64)
            a.T.tofile(d / f"{name}.bin") if a.ndim == 2 else a.tofile(
                d / f"{name}.bin"
            )
            path = (d / f"{name}.bin").as_posix()
            read = f"readBin('{path}', 'double', {a.size})"
            if a.ndim == 2:
                lines.append(f"{name} <- matrix({read}, {a.shape[0]}, {a.shape[1]})")
            else:
                lines.append(f"{name} <- {read}")
        out = (d / "out.txt").as_posix()
        lines.append(code)
        lines.append(
            "con <- file('" + out + "', 'w'); for (k in names(out)) "
            "{ writeLines(paste(k, paste(sprintf('%.17g', as.double(out[[k]])), "
            "collapse = ' ')), con) }; close(con)"
        )
        script = d / "script.R"
        script.write_text("\n".join(lines))
        proc = subprocess.run([RSCRIPT, str(script)], capture_output=True, text=True,
                              timeout=600)  # fmt: skip
        if proc.returncode != 0:
            raise RuntimeError(f"R failed:\n{proc.stderr}")
        result = {}
        for line in Path(out).read_text().splitlines():
            key, *values = line.split(" ")
            result[key] = np.array([float(v) for v in values if v], dtype=np.float64)
        return result

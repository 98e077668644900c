"""Start-up costs, each measured in a fresh Python process.

``import lad`` alone (public names load lazily), the first estimator import (which
imports scikit-learn, SciPy and Numba), and the first fit of each estimator, once
with an empty Numba cache (``NUMBA_CACHE_DIR`` pointed at a new temporary
directory: every kernel is compiled) and once more in a second fresh process with
the same, now warm, cache directory.
"""

import json
import os
import subprocess
import sys
import tempfile

_CODE = r"""
import json, time
t0 = time.perf_counter()
import lad
t1 = time.perf_counter()
from lad import LADRegressor, LassoL1
t2 = time.perf_counter()
import numpy as np
import scipy.sparse as sp
rng = np.random.default_rng(0)
X = rng.standard_normal((200, 20))
y = X[:, 0] - X[:, 1] + rng.standard_normal(200)
Xs = sp.random(200, 300, density=0.05, format="csc", random_state=0)
pf = np.r_[np.zeros(2), np.ones(16), 2.0, 2.0]
out = {"import lad": t1 - t0, "import estimators (sklearn, numba)": t2 - t1}
for label, fit in [
    ("first LassoL1 fit (dense)", lambda: LassoL1(alpha=0.01).fit(X, y)),
    ("first LassoL1 fit (CSC)", lambda: LassoL1(alpha=0.001).fit(Xs, y)),
    ("first LADRegressor fit", lambda: LADRegressor().fit(X, y)),
    ("first LADRegressor fit (alpha>0)", lambda: LADRegressor(0.01).fit(X, y)),
    ("first LassoL1 fit (l1_ratio=0.5)", lambda: LassoL1(0.01, l1_ratio=0.5).fit(X, y)),
    ("first LassoL1 fit (penalty_factor)",
     lambda: LassoL1(0.01, penalty_factor=pf).fit(X, y)),
]:
    t = time.perf_counter()
    fit()
    out[label] = time.perf_counter() - t
print(json.dumps(out))
"""


def measure():
    """``{"cold cache": {...}, "warm cache": {...}}`` in seconds."""
    out = {}
    with tempfile.TemporaryDirectory(prefix="lad-bench-numba-") as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        for label in ("cold cache", "warm cache"):
            res = subprocess.run(
                [sys.executable, "-c", _CODE],
                env=env,
                capture_output=True,
                text=True,
                timeout=900,
            )
            if res.returncode != 0:
                out[label] = {"error": res.stderr.strip()[-500:]}
                continue
            out[label] = json.loads(res.stdout.strip().splitlines()[-1])
    return out


if __name__ == "__main__":
    print(json.dumps(measure(), indent=1))

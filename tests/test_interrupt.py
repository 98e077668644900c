"""A long fit stops within seconds of Ctrl-C (SIGINT), with a KeyboardInterrupt."""

import signal
import subprocess
import sys
import time

import pytest

SCRIPT = """
import numpy as np
from lad import LassoL1
rng = np.random.default_rng(0)
X = rng.standard_normal((2000, 4000))
y = X[:, :50] @ rng.standard_normal(50) + rng.standard_normal(2000)
LassoL1(alpha=0.1).fit(X[:60, :150], y[:60])  # compile before the clock starts
print("ready", flush=True)
LassoL1(alpha=1e-7, tol=1e-16, max_iter=10**7).fit(X, y)
print("finished", flush=True)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT semantics differ")
def test_ctrl_c_stops_a_long_coordinate_descent_fit():
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(2.0)
        sent = time.perf_counter()
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        waited = time.perf_counter() - sent
    finally:
        proc.kill()
    assert "KeyboardInterrupt" in err
    assert waited <= 3.0, f"took {waited:.1f} s to stop"

"""The compiled kernels are cached in a per-user directory, never in the package."""

import os
import subprocess
import sys
from pathlib import Path

import lad

FIT = (
    "import numpy as np, numba.core.config as c; from lad import LassoL1;"
    "X = np.random.default_rng(0).standard_normal((30, 3)); y = X.sum(1);"
    "LassoL1(alpha=0.01, precompute=True).fit(X, y);"
    "print(repr(c.CACHE_DIR))"
)


def _run(env_overrides, tmp_path, stderr=False):
    drop = ("LAD_CACHE_DIR", "NUMBA_CACHE_DIR", "XDG_CACHE_HOME")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(env_overrides)
    out = subprocess.run(
        [sys.executable, "-c", FIT], env=env, cwd=tmp_path, capture_output=True,
        text=True, timeout=600, check=True,
    )  # fmt: skip
    return (out.stdout.strip(), out.stderr) if stderr else out.stdout.strip()


def _package_cache_files():
    return set(Path(lad.__file__).parent.rglob("*.nb[ic]"))


def test_default_cache_is_the_users_cache_directory(tmp_path):
    before = _package_cache_files()
    numba_setting = _run({"XDG_CACHE_HOME": str(tmp_path / "xdg")}, tmp_path)
    assert list((tmp_path / "xdg" / "lad").rglob("*.nbi"))
    assert _package_cache_files() <= before  # nothing new inside the package
    assert numba_setting == "''"  # Numba's own setting is left as it was


def test_lad_cache_dir_overrides_and_numba_cache_dir_is_respected(tmp_path):
    _run({"LAD_CACHE_DIR": str(tmp_path / "mine"),
          "NUMBA_CACHE_DIR": str(tmp_path / "numba")}, tmp_path)  # fmt: skip
    assert list((tmp_path / "mine").rglob("*.nbi"))
    assert not (tmp_path / "numba").exists()
    _run({"NUMBA_CACHE_DIR": str(tmp_path / "numba")}, tmp_path)
    assert list((tmp_path / "numba").rglob("*.nbi"))


def test_a_cold_cache_is_announced_once_and_a_warm_one_not_at_all(tmp_path):
    env = {"LAD_CACHE_DIR": str(tmp_path / "cache")}
    _, cold = _run(env, tmp_path, stderr=True)
    assert cold.count("lad: compiling its Numba kernels for first use") == 1
    assert str(tmp_path / "cache") in cold  # says where the cache goes
    _, warm = _run(env, tmp_path, stderr=True)
    assert "compiling" not in warm

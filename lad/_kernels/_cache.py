"""Where the compiled kernels are cached: a per-user directory chosen by ``lad``.

Numba caches next to the source by default: inside ``site-packages/lad`` for a
regular install. ``pip uninstall`` then leaves those files behind, and the
left-over ``site-packages/lad`` directory (a namespace package, once its
``__init__.py`` is gone) shadows a later editable install. ``lad`` therefore
sends its kernels' cache to a directory of the user's:

1. ``$LAD_CACHE_DIR`` when set;
2. ``$NUMBA_CACHE_DIR`` when set (Numba's own setting, respected);
3. the platform's user cache directory: ``$XDG_CACHE_HOME/lad`` or
   ``~/.cache/lad`` on Linux, ``~/Library/Caches/lad`` on macOS,
   ``%LOCALAPPDATA%\\lad\\Cache`` on Windows;
4. a directory under the system's temporary directory when none of these is
   writable.

Numba keys the cache by the kernel's source path and modification time, so several
installs (or versions) of ``lad`` never mix their files.
"""

import logging
import os
import sys
import tempfile
from pathlib import Path

from numba.core import event


def _platform_cache():
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "lad" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "lad"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "lad"


def _writable(path):
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".probe-{os.getpid()}"
        probe.write_text("")
        probe.unlink()
        return True
    except OSError:
        return False


def cache_dir():
    """The directory the kernels cache their compiled code in (created if needed)."""
    for var in ("LAD_CACHE_DIR", "NUMBA_CACHE_DIR"):
        if os.environ.get(var):
            return Path(os.environ[var]).expanduser()
    for path in (
        _platform_cache(),
        Path(tempfile.gettempdir())
        / f"lad-cache-{os.getuid() if hasattr(os, 'getuid') else 'user'}",
    ):
        if _writable(path):
            return path
    return None


_LOGGER = logging.getLogger("lad")


class _FirstCompileNotice(event.Listener):
    """Say once per process, through the ``lad`` logger, that kernels are compiling.

    Numba fires ``numba:compile`` only on a cache miss (a load from the disk cache is
    silent), so this speaks on the first use in a new environment or after an
    upgrade, never on a warm start. The message is logged at WARNING so that it
    shows without any logging set-up; ``logging.getLogger("lad").setLevel("ERROR")``
    silences it.
    """

    def __init__(self):
        self.said = False

    def on_start(self, ev):
        if self.said:
            return
        dispatcher = ev.data.get("dispatcher") if ev.data else None
        # Functions Numba generates (jitclass methods, e.g. skglm's) have
        # ``__module__ = None``: other libraries' compiles are ignored, never broken.
        module = getattr(getattr(dispatcher, "py_func", None), "__module__", None)
        if not isinstance(module, str) or not module.startswith("lad."):
            return
        self.said = True
        where = cache_dir()
        _LOGGER.warning(
            "lad: compiling its Numba kernels for first use (once per environment: "
            "up to ~20 s over the first fits); later processes load them from %s.",
            where if where is not None else "memory only (no writable cache directory)",
        )

    def on_end(self, ev):
        pass


def notice_first_compile():
    """Register the one-time compile notice (idempotent)."""
    global _NOTICE
    if _NOTICE is None:
        _NOTICE = _FirstCompileNotice()
        event.register("numba:compile", _NOTICE)


_NOTICE = None

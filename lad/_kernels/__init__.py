"""Numba kernels: plain functions over arrays, one per (algorithm, loss, layout).

Importing this package decorates every kernel with its disk cache in the directory of
:func:`lad._kernels._cache.cache_dir` (never inside the installed package), and
leaves Numba's own setting as it found it for the user's functions.
"""

import numba.core.config as _config

from ._cache import cache_dir as _cache_dir
from ._cache import notice_first_compile as _notice_first_compile

_previous = _config.CACHE_DIR
_where = _cache_dir()
if _where is not None:
    _config.CACHE_DIR = str(_where)
try:
    # The cache location is fixed when a function is decorated: import them all now.
    from . import _columns, _penalty, _scalar, absolute, interior, simplex, squared  # noqa: F401
finally:
    _config.CACHE_DIR = _previous

_notice_first_compile()

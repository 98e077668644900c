"""The first-compile notice listens to every Numba compile and must never break one."""

from types import SimpleNamespace

from lad._kernels._cache import _FirstCompileNotice


def _event(module):
    def func():
        return None

    func.__module__ = module
    return SimpleNamespace(data={"dispatcher": SimpleNamespace(py_func=func)})


def test_compiles_of_other_libraries_are_ignored_even_without_a_module():
    # Numba's generated functions (skglm's jitclass methods) have __module__ None.
    notice = _FirstCompileNotice()
    for module in (None, "skglm.penalties", ""):
        notice.on_start(_event(module))
    notice.on_start(SimpleNamespace(data=None))
    assert not notice.said


def test_a_compile_of_lad_is_announced(caplog):
    notice = _FirstCompileNotice()
    with caplog.at_level("WARNING", logger="lad"):
        notice.on_start(_event("lad._kernels.squared"))
    assert notice.said and "compiling its Numba kernels" in caplog.text

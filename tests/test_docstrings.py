"""numpydoc validation of every public name."""

import inspect

import pytest

numpydoc_validate = pytest.importorskip("numpydoc.validate")

import lad  # noqa: E402
from lad import datasets, diagnostics, inference  # noqa: E402

# Extended summary, See Also and a named return are optional; everything else that
# numpydoc checks (parameters documented and in order, returns, summaries) is not.
IGNORED = frozenset({"ES01", "SA01", "RT02", "GL01", "GL02"})


def _ours(cls):
    """Whether ``cls`` is defined in ``lad`` (not scikit-learn, not ``object``)."""
    return cls.__module__ == "lad" or cls.__module__.startswith("lad.")


def _public_members(cls):
    """Public methods and properties of ``cls``, including those it inherits from
    our own (private) base classes; scikit-learn's ``get_params``, ``set_params``,
    ``score``, ... are documented by scikit-learn and skipped."""
    seen = set()
    for klass in cls.__mro__:
        if not _ours(klass):
            continue
        for attr, member in vars(klass).items():
            if attr.startswith("_") or attr in seen:
                continue
            seen.add(attr)  # the first class in the MRO defines the member
            if callable(member) or isinstance(member, property):
                yield attr


def _public_names():
    names = []
    for module, exported in (
        (lad, lad.__all__),
        (diagnostics, diagnostics.__all__),
        (datasets, datasets.__all__),
        (inference, inference.__all__),
    ):
        for name in exported:
            obj = getattr(module, name)
            if inspect.ismodule(obj) or name.startswith("__"):
                continue
            qual = f"{obj.__module__}.{obj.__qualname__}"
            if inspect.isclass(obj):
                qual = f"{module.__name__}.{name}"
                names.append((qual, IGNORED))
                for attr in _public_members(obj):
                    names.append((f"{qual}.{attr}", IGNORED))
            else:
                names.append((f"{module.__name__}.{name}", IGNORED))
    return sorted(set(names), key=lambda item: item[0])


@pytest.mark.parametrize(
    "name,ignored", _public_names(), ids=[n for n, _ in _public_names()]
)
def test_docstring(name, ignored):
    result = numpydoc_validate.validate(name)
    errors = [(code, msg) for code, msg in result["errors"] if code not in ignored]
    assert not errors, errors

"""Check that ``api.rst`` has an entry for every public name of lad.

A Sphinx extension: a missing name is a warning, so an error under ``-W``.
"""

from pathlib import Path

API_RST = Path(__file__).resolve().parents[1] / "api.rst"
MODULES = {"datasets", "diagnostics", "inference", "__version__"}


def public_names():
    """Entries expected in ``api.rst``, relative to ``currentmodule:: lad``."""
    import lad
    import lad.datasets
    import lad.diagnostics
    import lad.inference

    names = [n for n in lad.__all__ if n not in MODULES]
    names += [f"datasets.{n}" for n in lad.datasets.__all__]
    names += [f"inference.{n}" for n in lad.inference.__all__]
    # lad.diagnostics.SparsityReport is lad.SparsityReport: one page per object.
    names += [
        f"diagnostics.{n}"
        for n in lad.diagnostics.__all__
        if getattr(lad.diagnostics, n) is not getattr(lad, n, None)
    ]
    return names


def missing(api_text):
    """Public names without an autosummary entry in ``api_text``."""
    entries = {line.strip() for line in api_text.splitlines()}
    return [name for name in public_names() if name not in entries]


def _check(app):
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    for name in missing(API_RST.read_text()):
        logger.warning("public name lad.%s has no entry in docs/api.rst", name)


def setup(app):
    app.connect("builder-inited", _check)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

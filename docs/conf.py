"""Sphinx configuration of the lad documentation.

Build (offline, warnings as errors), from the repository root::

    python -m sphinx -W --keep-going -b html docs docs/_build/html
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot: no display at build time

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS.parent))  # the lad package of this checkout
sys.path.insert(0, str(DOCS / "sphinxext"))  # local extensions

import lad  # noqa: E402

# -- Project ----------------------------------------------------------------------
project = "lad"
author = "lad developers"
copyright = "lad developers, BSD-3-Clause"  # noqa: A001
release = lad.__version__
version = ".".join(release.split(".")[:2])

# -- General ----------------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.doctest",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",  # bundles MathJax: math renders without network
    "numpydoc",
    "matplotlib.sphinxext.plot_directive",
    "sphinx_gallery.gen_gallery",
    "lad_benchmarks",  # docs/sphinxext: benchmark tables and figure from the JSON
    "lad_api_check",  # docs/sphinxext: every public name has an API page
]

templates_path = ["_templates"]
source_suffix = {".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = [
    "_build",
    "Thumbs.db",
    ".DS_Store",
    "sphinxext",
    # Included by other pages, never standalone documents.
    "generated/benchmarks_tables.rst",
    "auto_examples/*.ipynb",
    "auto_examples/*.py",
    "auto_examples/*.zip",
    "auto_examples/*.json",
    "auto_examples/*.md5",
]
default_role = "literal"  # `x` renders as code, as in docstrings written for numpydoc
pygments_style = "sphinx"
language = "en"

# Cross-references to lad itself must resolve: an unresolved `lad.X` is an error.
# External names cannot resolve without intersphinx (the build is offline), so only
# they are ignored, the way scikit-learn ignores them.
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"(numpy|np|scipy|sklearn|matplotlib|pandas|numba|statsmodels)(\..*)?"),
    (r"py:.*", r"(array-like|sparse matrix|ndarray|callable|iterable|Generator)"),
    (r"py:.*", r"(int|float|bool|str|dict|list|tuple|None|object|optional)"),
    # Fitted attributes (``coef_``, ``dual_gap_``, ...) are listed in the numpydoc
    # Attributes section, which creates no cross-reference targets (as in
    # scikit-learn); properties such as ``sparse_coef_`` do get pages and resolve.
    (r"py:attr", r"lad\.\w+\.\w+_"),
]

# -- autodoc / autosummary --------------------------------------------------------
autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {}  # the autosummary templates choose the members
autodoc_typehints = "none"  # types come from the numpydoc docstrings
autodoc_member_order = "groupwise"
add_module_names = False
python_use_unqualified_type_names = True

# -- numpydoc ---------------------------------------------------------------------
numpydoc_show_class_members = False  # autosummary class pages list the methods
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False

# -- math -------------------------------------------------------------------------
# sphinx-mathjax-offline copies its MathJax into _static/mathjax and points
# mathjax_path there; no CDN is contacted.

# -- plot directive (figures computed by the build) ---------------------------------
plot_include_source = True
plot_html_show_formats = False
plot_html_show_source_link = False
plot_formats = [("png", 100)]
plot_rcparams = {"savefig.bbox": "tight"}
plot_pre_code = "import numpy as np\nimport matplotlib.pyplot as plt\n"

# -- sphinx-gallery ---------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # Every script is executed, not only plot_*.py (quickstart.py prints, no figure).
    "filename_pattern": r"/.*\.py",
    # Only helper modules are skipped: private names and __init__.py.
    "ignore_pattern": r"^_.*\.py$",
    "within_subsection_order": "gallery_order.QuickstartFirst",
    "image_scrapers": ("matplotlib",),
    "matplotlib_animations": False,
    "remove_config_comments": True,
    "download_all_examples": True,  # zipped .py and .ipynb of the whole gallery
    "doc_module": ("lad",),
    "reference_url": {"lad": None},  # link names in the code to the API pages
    "backreferences_dir": "generated/backreferences",
    "prefer_full_module": set(),
    "plot_gallery": "True",
    "abort_on_example_error": False,
    "only_warn_on_example_error": False,  # a failing example fails the build
    "capture_repr": ("_repr_html_", "__repr__"),
    "show_memory": False,
    # No sg_execution_times pages: they load DataTables from a CDN (not offline).
    "write_computation_times": False,
    "min_reported_time": 1,
    "default_thumb_file": None,
}

# -- HTML -------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"lad {release}"
html_static_path = ["_static"]
html_css_files = ["lad.css"]
html_show_sourcelink = False
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "secondary_sidebar_items": ["page-toc", "sg_download_links", "sg_launcher_links"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version", "theme-version"],
}
html_context = {"default_mode": "light"}
html_last_updated_fmt = None


# Labels of scikit-learn's user guide cited by the docstrings lad's estimators inherit
# (``score``). Without intersphinx they cannot resolve; these labels,
# and only these, become links to scikit-learn's site.
SKLEARN_DOCS = "https://scikit-learn.org/stable/"
SKLEARN_LABELS = {
    "r2_score": "modules/model_evaluation.html#r2-score",
}


def _sklearn_docstring_ref(app, env, node, contnode):
    """Resolve ``:ref:`` targets that come from scikit-learn's own docstrings."""
    from docutils import nodes

    page = SKLEARN_LABELS.get(node["reftarget"])
    if node.get("reftype") != "ref" or page is None:
        return None  # anything else still warns
    return nodes.reference("", "", contnode, refuri=SKLEARN_DOCS + page, internal=False)


def setup(app):
    app.connect("missing-reference", _sklearn_docstring_ref)

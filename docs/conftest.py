"""Doctests of the documentation pages: only the .rst sources, not build outputs."""

collect_ignore = ["conf.py", "_build", "auto_examples", "generated", "sphinxext"]

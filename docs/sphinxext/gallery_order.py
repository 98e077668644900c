"""Order of the examples inside the gallery: the quickstart first, then by file name."""

import os


class QuickstartFirst:
    """``within_subsection_order`` key for sphinx-gallery (a class, as it expects)."""

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename):
        name = os.path.basename(filename)
        return (name != "quickstart.py", name)

    def __repr__(self):
        return f"<{self.__class__.__name__}>"

"""Sphinx configuration of the skfrl documentation.

Build (from the repository root, warnings are errors)::

    .venv/bin/python -m sphinx -W --keep-going -b html docs docs/_build/html

Environment variables:

``SKFRL_DOCS_INTERSPHINX=1``
    Link to the scikit-learn, skorch, fairlearn, PyTorch, NumPy and pandas
    docs through intersphinx. Off by default because it downloads their
    inventories, and the build must pass offline with ``-W``.
``SKFRL_EXAMPLES_FULL=1``
    Read by the gallery scripts themselves: fuller settings (more epochs and
    seeds), hence a longer build.
"""

import importlib
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import torch  # noqa: E402

import skfrl  # noqa: E402

# The gallery runs the examples one after another in this process; their
# networks are tiny, and one thread is faster than several fighting over
# the cores (and keeps the build time stable on a busy machine).
torch.set_num_threads(1)

DOCS = Path(__file__).resolve().parent

# -- project ------------------------------------------------------------------
project = "skfrl"
author = "skfrl developers"
copyright = "skfrl developers, BSD-3-Clause"
release = skfrl.__version__
version = ".".join(release.split(".")[:2])

# -- general ------------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "sphinxcontrib.bibtex",
]
templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "sg_execution_times.rst"]
default_role = "literal"
nitpicky = False

# -- autodoc / autosummary / numpydoc ------------------------------------------
autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_show_inherited_class_members = False
numpydoc_class_members_toctree = False
# numpydoc's own checks are for the linters; here the build only has to render.
numpydoc_validation_checks = set()
numpydoc_xref_param_type = False

# -- bibliography -----------------------------------------------------------------
bibtex_bibfiles = ["references.bib"]
bibtex_default_style = "unsrt"
bibtex_reference_style = "author_year"

# -- intersphinx (opt-in: it needs network) --------------------------------------
_INTERSPHINX = {
    "python": ("https://docs.python.org/3", None),
    "numpy": ("https://numpy.org/doc/stable/", None),
    "pandas": ("https://pandas.pydata.org/docs/", None),
    "sklearn": ("https://scikit-learn.org/stable/", None),
    "skorch": ("https://skorch.readthedocs.io/en/stable/", None),
    "fairlearn": ("https://fairlearn.org/main/", None),
    "torch": ("https://docs.pytorch.org/docs/stable/", None),
    "imblearn": ("https://imbalanced-learn.org/stable/", None),
}
intersphinx_mapping = (
    _INTERSPHINX if os.environ.get("SKFRL_DOCS_INTERSPHINX") == "1" else {}
)
intersphinx_timeout = 10

# -- sphinx-gallery ------------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "subsection_order": [
        "../examples/models",
        "../examples/attacks",
        "../examples/evaluation",
    ],
    "within_subsection_order": "FileNameSortKey",
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"__init__\.py",
    "doc_module": ("skfrl",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"skfrl": None},
    "abort_on_example_error": True,
    "plot_gallery": "True",
    "capture_repr": ("_repr_html_", "__repr__"),
    "remove_config_comments": True,
    "show_memory": False,
    "min_reported_time": 1,
    "write_computation_times": True,
    "matplotlib_animations": False,
}

# -- html ---------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"skfrl {release}"
html_static_path = ["_static"]
html_css_files = ["skfrl.css"]
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc", "sourcelink"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version", "theme-version"],
}
html_sidebars = {"index": []}
html_show_sourcelink = True


# -- check that api.rst lists every public name --------------------------------------
def _documented_names(api_rst):
    """Full names of the entries of the autosummary blocks of ``api_rst``."""
    names, module, in_block = set(), None, False
    for line in api_rst.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith(".. currentmodule::"):
            module, in_block = stripped.split("::")[1].strip(), False
        elif stripped.startswith(".. autosummary::"):
            in_block = True
        elif in_block and line and not line.startswith(" "):
            in_block = False
        elif in_block and stripped and not stripped.startswith(":"):
            names.add(f"{module}.{stripped}")
    return names


def _public_names():
    """``skfrl.<module>.<name>`` for every name in every public ``__all__``."""
    modules = [m for m in skfrl.__all__ if not m.startswith("_")]
    modules += ["base", "utils.discovery", "utils.estimator_checks"]
    names = set()
    for module_name in modules:
        module = importlib.import_module(f"skfrl.{module_name}")
        names.update(f"skfrl.{module_name}.{name}" for name in module.__all__)
    return names


def _check_api_coverage(app):
    from sphinx.util import logging

    missing = _public_names() - _documented_names(DOCS / "api.rst")
    if missing:
        logging.getLogger(__name__).warning(
            "api.rst lacks these public names: %s", ", ".join(sorted(missing))
        )


def setup(app):
    app.connect("builder-inited", _check_api_coverage)

"""Sphinx configuration for the options-nt documentation."""

from __future__ import annotations

from pathlib import Path

from nautilus_options import __version__
from nautilus_options.bridge.reference import write_reference

project = "options-nt"
author = "options-nt contributors"
copyright = "2026, options-nt contributors"
release = __version__
version = __version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.intersphinx",
    "sphinx.ext.viewcode",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build", "_generated"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

napoleon_google_docstring = False
napoleon_numpy_docstring = True
autodoc_typehints = "description"
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True, "show-inheritance": True}
# Nautilus is a Cython extension: its own types cannot always be cross-referenced.
nitpicky = False
suppress_warnings = ["myst.header", "autodoc.import_object"]

html_theme = "furo"
html_title = f"options-nt {__version__}"

# The bridge's OpenAPI document and its endpoint table, written at each build (api/bridge.md
# offers the document for download and renders the table).
write_reference(Path(__file__).parent / "_generated")

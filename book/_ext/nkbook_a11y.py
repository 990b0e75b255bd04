"""Accessibility fixes for what the book's HTML toolchain writes (tests/test_a11y.py runs
axe-core over every page).

* Theme templates: ``book/_templates`` comes first in ``templates_path``, so its copies of
  pydata-sphinx-theme's search button and colour-mode button win over the theme's. Their
  accessible names now contain their visible text (axe ``label-content-name-mismatch``);
  the sidebar's logo link (the book's title) sits in a navigation landmark (axe ``region``).
* Code-cell toggles (myst-nb's "Show code" / "Hide code"): the ``<summary>`` is named by its
  visible words instead of a fixed ``aria-label`` "Toggle hidden content".
* Bibliography entries (docutils' citation list, which sphinxcontrib-bibtex fills): the
  container keeps ``role="list"`` and each entry is a ``listitem`` (docutils writes the
  deprecated ``doc-biblioentry``, which leaves the list without the items ARIA requires).
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from docutils import nodes

TEMPLATES = Path(__file__).resolve().parent.parent / "_templates"


def templates_first(app, config) -> None:
    path = str(TEMPLATES)
    if path in config.templates_path:
        config.templates_path.remove(path)
    config.templates_path.insert(0, path)


def visit_hidden_cell(self, node) -> None:
    """myst-nb's toggle above a hidden code cell, its summary named by the words it shows."""
    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {classes}">\n<summary>\n')
    self.body.append(f'<p class="collapsed admonition-title">{escape(node["prompt_show"])}</p>\n')
    self.body.append(f'<p class="expanded admonition-title">{escape(node["prompt_hide"])}</p>\n')
    self.body.append("</summary>\n")


def depart_hidden_cell(self, node) -> None:
    self.body.append("</details>\n")


def visit_citation(self, node) -> None:
    """As docutils' HTML5 writer, with each entry a list item of the citation list."""
    if not isinstance(node.previous_sibling(), type(node)):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def depart_citation(self, node) -> None:
    self.body.append("</div>\n")
    if not isinstance(node.next_node(descend=False, siblings=True), type(node)):
        self.body.append("</div>\n")


def override_visitors(app) -> None:
    """After every extension has registered its nodes (myst-nb's included)."""
    from myst_nb.sphinx_ import HideCodeCellNode

    app.add_node(HideCodeCellNode, override=True, html=(visit_hidden_cell, depart_hidden_cell))
    app.add_node(nodes.citation, override=True, html=(visit_citation, depart_citation))


def setup(app):
    app.connect("config-inited", templates_first)
    app.connect("builder-inited", override_visitors, priority=100)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

"""The book's helper package: every chapter starts with ``import nkbook as nk``.

Modules, each holding one thing:

* ``crosschecks``: the checks across tables (ids naming no row, the hypotheses matrix)
* ``data``: validated loading of ``data/`` (``load``), coded-list tests (``has_code``), source
  flags, date labels
* ``theme``: the chart theme and the colours of actors, stances and outcomes
* ``charts``: the chart builders the chapters call (``stance_ladder``, ``visits_chart`` ...)
* ``panels``: published figures as small multiples, one axis per quantity (``estimates_panels``)
* ``render``: how a chart is output (interactive HTML and PDF in the book, SVG in a notebook)
* ``text``: ``glue`` for numbers and figures in the prose, ``table`` for captioned tables
* ``judgments``: the judgments of ``data/judgments.csv`` as the chapters show them, and the
  chart of the sources behind the key judgments (``evidence_chart``)
* ``claims``: ``claim``, the check on a typed sentence the data could falsify
* ``ach``: the matrix of competing hypotheses (``ach.matrix``, ``ach.tally``)
* ``bibliography``: ``book/references.bib`` generated from ``data/sources.csv``
* ``codebook``: the schema as tables for the codebook
* ``explore``: the interactive tables of the "Explore the data" page (``explore_table``,
  ``explore_setup``; itables with the DataTables bundle it ships)

The names below are the ones the chapters use; ``pd`` is pandas, for the chapters' own code.
"""

import pandas as pd

from .bibliography import BIB_PATH, ZENODO_PATH, bibtex, zenodo
from .charts import first_response_chart, stance_ladder, strip_chart, timeline_chart, visits_chart
from . import ach
from .claims import ClaimFalsified, claim
from .codebook import schema_table
from .explore import explore_setup, explore_table
from .data import (DATA, PACKAGE, ROOT, DataValidationError, data_digest, date_label, flags,
                   has_code, load, package, source_flags, sources_of, validation_errors,
                   _validated)
from .judgments import evidence_chart, judgment, key_judgments
from .panels import estimates_panels
from .render import IN_BOOK_BUILD, SPEC_MIME, render_bundle
from .text import glue, md_escape, table
from .theme import (ACTOR_COLORS, OUTCOME_COLORS, OUTCOMES, PALETTE, STANCE_COLORS,
                    STANCE_ORDER)

CUTOFF = pd.Timestamp(package()["x-cutoff"])

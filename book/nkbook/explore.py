"""The "Explore the data" page: events, statements and estimates as interactive tables.

The tables are itables (DataTables and its SearchPanes and SearchBuilder extensions, from
the bundle itables ships): search, sort, filter by actor, stance or category (SearchPanes)
and by a date range (SearchBuilder). In the book build the bundle is served from the
book's own static files (``book/_ext/nkbook_sphinx.py`` copies it to ``BUNDLE_DIR``); in
JupyterLab ``explore_setup`` loads it into the notebook (``connected=False``). Nothing comes
from a CDN. Each row's id links to ``explore.html#<row id>``; ``book/_static/nk-explore.js``
shows the row that the address names.
"""

from __future__ import annotations

import html
from importlib.metadata import version
from pathlib import Path

import pandas as pd

from .data import sources_of
from .render import IN_BOOK_BUILD

#: where the book's static files hold the DataTables bundle (under book/_static/)
BUNDLE_DIR = f"vendor/itables-{version('itables')}"

#: the columns of each table: (column in the data, header on the page)
COLUMNS = {
    "events": [("id", "Row id"), ("date", "Date"), ("actor", "Actor"), ("category", "Category"),
               ("topics", "Topics"), ("label", "Event"), ("summary", "Summary"),
               ("cites", "Sources")],
    "statements": [("id", "Row id"), ("date", "Date"), ("precision", "Date precision"),
                   ("actor", "Actor"), ("speaker", "Speaker"), ("stance", "Stance"),
                   ("topics", "Topics"), ("summary", "Summary"), ("cites", "Sources")],
    "estimates": [("id", "Row id"), ("date", "Date"), ("precision", "Date precision"),
                  ("publisher_actor", "Actor"), ("publisher", "Publisher"),
                  ("quantity", "Quantity"), ("figure", "Figure"), ("unit", "Unit"),
                  ("summary", "Summary"), ("cites", "Sources")],
}
#: the columns offered as filter panes (SearchPanes)
PANES = {"events": ["actor", "category"], "statements": ["actor", "stance"],
         "estimates": ["publisher_actor", "quantity"]}
#: the headers of columns that hold text to read (given room to wrap)
WIDE = {"Event", "Summary", "Speaker", "Publisher"}
CAPTIONS = {"events": "Events", "statements": "Statements", "estimates": "Estimates"}

# Registers each table, once, for the row-address script (nk-explore.js), after the table's
# first draw. (itables 2.9.1 drops an ``initComplete`` given as a JavascriptFunction.)
_REGISTER = ("function (settings) { if (settings.nkExplore) return; settings.nkExplore = true; "
             "var api = settings.api || settings.oInstance.api(); setTimeout(function () { "
             "(window.nkExploreTables = window.nkExploreTables || []).push(api); "
             "document.dispatchEvent(new CustomEvent('nk-explore-table', {detail: api})); }, 0); }")


def bundle_files() -> list[Path]:
    """The DataTables bundle (script and stylesheet) that itables ships."""
    import itables

    folder = Path(itables.__file__).parent / "html"
    return [folder / "dt_bundle.js", folder / "dt_bundle.css"]


def _number(value) -> str:
    return "" if pd.isna(value) else f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def _figure(row: pd.Series) -> str:
    """The estimate as published: its value, and the range where one is given."""
    value, low, high = (_number(row[c]) for c in ("value", "low", "high"))
    if (low or high) and (low, high) != (value, value):
        return f"{value} ({low or '…'}–{high or '…'})"
    return value


def _source_links(keys: list[str], urls: dict[str, str]) -> str:
    return "; ".join(f'<a href="{html.escape(urls[k], quote=True)}">{html.escape(k)}</a>'
                     for k in keys)


def explore_frame(name: str, table: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``table`` as the page shows them: HTML-escaped text, ISO dates, the
    row id as a link to its own address, the sources linked to their URLs."""
    urls = dict(zip(sources["key"], sources["url"]))
    rows = table.sort_values(["date", "id"]).assign(
        precision=table["date_precision"].where(table["date_precision"] != "day", ""),
        cites=table.apply(lambda r: _source_links(sources_of(r), urls), axis=1))
    if name == "estimates":
        rows = rows.assign(figure=rows.apply(_figure, axis=1))
    out = pd.DataFrame(index=rows.index)
    for column, header in COLUMNS[name]:
        values = rows[column]
        if column == "date":
            values = values.dt.strftime("%Y-%m-%d")
        elif column == "id":
            values = values.map(lambda i: f'<a href="#{html.escape(i)}">'
                                          f"{html.escape(i)}</a>")
        elif column not in ("cites", "figure"):
            values = values.map(html.escape)
        out[header] = values
    return out.reset_index(drop=True)


def explore_options(name: str, frame: pd.DataFrame) -> dict:
    """itables options (documented ones only) for one table."""
    headers = dict(COLUMNS[name])
    panes = [list(frame.columns).index(headers[c]) for c in PANES[name]]
    options = {
        "table_id": f"nk-explore-{name}", "caption": f"{CAPTIONS[name]} ({len(frame)} rows)",
        "allow_html": True, "maxBytes": 0, "classes": "display compact nk-explore-table",
        "style": "table-layout:auto;width:100%;margin:0;caption-side:top",
        "display_logo_when_loading": False, "pageLength": 10, "autoWidth": False,
        "columnDefs": [{"targets": [list(frame.columns).index(h) for h in frame.columns
                                    if h in WIDE], "className": "nk-wide"}],
        "lengthMenu": [10, 25, 50, 100, {"label": "All", "value": -1}],
        "layout": {"top2": "searchPanes", "top1": "searchBuilder"},
        "searchPanes": {"columns": panes, "layout": f"columns-{len(panes)}",
                        "cascadePanes": True, "initCollapsed": False},
        "searchBuilder": {"columns": [list(frame.columns).index("Date")]},
        "drawCallback": _javascript_function(_REGISTER),
    }
    if IN_BOOK_BUILD:  # the page is book/explore.html; the static files are one level up
        options["dt_url"] = f"../_static/{BUNDLE_DIR}/dt_bundle.js"
        options["connected"] = True
    else:
        options["connected"] = False
    return options


def _javascript_function(code: str):
    from itables import JavascriptFunction

    return JavascriptFunction(code)


class ExploreTable:
    """One interactive table: HTML for the web book and JupyterLab, a sentence for the PDF."""

    def __init__(self, name: str, table: pd.DataFrame, sources: pd.DataFrame):
        self.name, self.frame = name, explore_frame(name, table, sources)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        from itables import to_html_datatable

        table = to_html_datatable(self.frame, **explore_options(self.name, self.frame))
        note = (f"{CAPTIONS[self.name]}: {len(self.frame)} rows, searchable in the web edition "
                f"of this page; all of them are in `data/{self.name}.csv`.")
        return {"text/html": f'<div class="nk-explore">{table}</div>', "text/markdown": note,
                "text/plain": note}


def explore_table(name: str, table: pd.DataFrame, sources: pd.DataFrame) -> ExploreTable:
    """The interactive table of ``name`` (events, statements or estimates)."""
    return ExploreTable(name, table, sources)


def explore_setup() -> None:
    """In JupyterLab, load the DataTables bundle that itables ships into the notebook
    (offline). The book build serves it from its static files instead."""
    if not IN_BOOK_BUILD:
        import itables

        itables.init_notebook_mode(all_interactive=False, connected=False)

"""Numbers and tables from the data into the prose: ``glue``, ``table``, ``md_escape``."""

from __future__ import annotations

import re

import altair as alt
import pandas as pd
from IPython.display import Markdown
from myst_nb import glue as _nb_glue

from .render import IN_BOOK_BUILD


class _Text:
    """A string that pastes without quotes ({glue:text} shows the plain-text repr)."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(self.text)


def glue(name: str, value) -> None:
    """Store ``value`` under ``name`` for ``{glue:text}`` / ``{glue:figure}``.

    Strings are pasted as they are (without the quotes of their Python repr). In the book
    build nothing is shown where the cell runs (the prose and figures show the values). In a
    notebook a chart is shown below its cell and a number is printed with its name, so a
    reader who runs a cell sees what it computed.
    """
    is_chart = isinstance(value, alt.TopLevelMixin)
    if not IN_BOOK_BUILD and not is_chart:
        print(f"{name} = {value}")
    _nb_glue(name, _Text(value) if isinstance(value, str) else value,
             display=is_chart and not IN_BOOK_BUILD)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~$])")


def md_escape(text: str) -> str:
    """Escape text from the data so MyST renders it literally (no markup, no HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def table(
    frame: pd.DataFrame,
    columns: dict[str, str],
    *,
    caption: str,
    label: str,
    cite_column: str | None = None,
    widths: list[int] | None = None,
) -> Markdown | pd.io.formats.style.Styler:
    """A numbered, captioned MyST ``list-table`` built from ``frame``.

    ``columns`` maps data columns to headers. Text is escaped; the optional ``cite_column``
    holds source keys, rendered as ``{cite:p}`` citations. The result is a real table in
    both the HTML and the PDF build and can be referenced with ``{numref}`label```.
    """
    if not IN_BOOK_BUILD:  # in a notebook: the same rows as a table JupyterLab shows
        shown = frame[list(columns)].rename(columns=columns)
        if cite_column:
            shown[columns[cite_column]] = frame[cite_column].map("; ".join)
        return shown.style.set_caption(caption).hide(axis="index")
    headers = list(columns.values())
    lines = [f"```{{list-table}} {caption}", ":header-rows: 1", f":name: {label}"]
    if widths:
        lines.append(":widths: " + " ".join(str(w) for w in widths))
    lines.append(":class: nk-table longtable")
    lines.append("")
    lines.append("* - " + "\n  - ".join(md_escape(h) for h in headers))
    for _, row in frame.iterrows():
        cells = []
        for col in columns:
            if col == cite_column:
                keys = row[col]
                cells.append("{cite:p}`" + ",".join(keys) + "`" if keys else "")
            else:
                cells.append(md_escape(row[col]))
        lines.append("* - " + "\n  - ".join(c if c else " " for c in cells))
    if frame.empty:  # keep the numbered, referenceable table; say that it has no rows
        lines.append("* - " + "\n  - ".join(["(none)"] + [" "] * (len(headers) - 1)))
    lines.append("```")
    return Markdown("\n".join(lines))


# --------------------------------------------------------------------------------------
# Chart builders used by the chapters

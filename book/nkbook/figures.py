"""A chart as data a reader can take away: its plotted rows, their columns, its text alternative.

Everything here reads the chart's Vega-Lite spec (the same spec the web book draws), so the
downloads and the "Data" table under a figure hold exactly the rows the chart draws:

* ``plotted_rows(spec)``: the rows of every dataset the spec draws, once each, with the date
  as ``YYYY-MM-DD``;
* ``columns(spec)``: the fields a reader sees (tooltip, axes, colour, size ...) with the titles
  the chart gives them;
* ``alt_text(spec)``: one or two sentences, generated from the spec, for screen readers.

``book/_ext/nkbook_figures.py`` turns these into the CSV, the table and the citation.
"""

from __future__ import annotations

import pandas as pd

from .data import long_date

#: How a mark reads in a sentence ("Dot chart", "Bar chart" ...).
MARK_NAMES = {"circle": "Dot", "point": "Dot", "square": "Dot", "tick": "Tick", "bar": "Bar",
              "line": "Line", "area": "Area", "rect": "Heat-map", "rule": "Range"}
CHANNELS = ("x", "y", "color", "size", "shape", "column", "row", "facet")


def _walk(node):
    """Every dict in the spec, depth first (views, layers, encodings)."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def title_of(spec: dict) -> str:
    """The chart's title as one string (a title may be a list of lines or a dict)."""
    title = spec.get("title") or next((n["title"] for n in _walk(spec.get("vconcat", []))
                                       if isinstance(n.get("title"), (str, dict, list))), "")
    if isinstance(title, dict):
        title = title.get("text", "")
    return " ".join(title) if isinstance(title, list) else str(title)


def plotted_rows(spec: dict) -> pd.DataFrame:
    """The rows the chart draws: every dataset of the spec, each row once.

    Columns: ``id`` and ``date`` first (where the data have them), then the other fields in
    the order they first appear. A row drawn by several layers (points and their labels)
    appears once.
    """
    frames = [pd.DataFrame(rows) for rows in spec.get("datasets", {}).values() if rows]
    if not frames:
        return pd.DataFrame()
    data = pd.concat(frames, ignore_index=True, sort=False)
    data = data.astype(object).where(data.notna(), "")
    if "date" in data:
        data["date"] = data["date"].map(lambda d: str(d)[:10])
    order = [c for c in ("id", "date") if c in data] + [c for c in data if c not in ("id", "date")]
    data = data[order]
    return data.loc[~data.astype(str).duplicated()].reset_index(drop=True)


def _human(field: str) -> str:
    return field.replace("_", " ").capitalize()


def columns(spec: dict, rows: pd.DataFrame | None = None) -> dict[str, str]:
    """The fields a reader sees, field -> title: tooltips first, then encoded channels, then
    (given ``rows``) the data's other fields. A date shown as a label (``when``) stands for
    ``date``; the row id comes first; each title is used once.
    """
    seen: dict[str, str] = {}

    def add(field: str, title) -> None:
        if field in seen:
            return
        title = str(title) if title else _human(field)
        seen[field] = title if title not in seen.values() else _human(field)

    encodings = [n["encoding"] for n in _walk(spec) if isinstance(n.get("encoding"), dict)]
    for enc in encodings:
        tips = enc.get("tooltip", [])
        for tip in tips if isinstance(tips, list) else [tips]:
            if isinstance(tip, dict) and "field" in tip:
                add(tip["field"], tip.get("title"))
    for enc in encodings:
        for channel in CHANNELS:
            if isinstance(enc.get(channel), dict) and "field" in enc[channel]:
                add(enc[channel]["field"], enc[channel].get("title"))
    for field in ([] if rows is None else rows.columns):
        add(field, None)
    if "when" in seen:
        seen.pop("date", None)
    return {"id": seen.pop("id"), **seen} if "id" in seen else seen


def _marks(spec: dict) -> list[str]:
    marks = []
    for node in _walk(spec):
        mark = node.get("mark")
        kind = mark.get("type") if isinstance(mark, dict) else mark
        if isinstance(kind, str) and kind not in marks:
            marks.append(kind)
    return marks


def alt_text(spec: dict, printed: bool = False) -> str:
    """One or two sentences on what the chart draws, generated from its spec.

    ``printed``: for the PDF, which has no Data table under the chart (the web edition and
    its CSV download have the rows)."""
    marks = sorted(_marks(spec), key=lambda m: list(MARK_NAMES).index(m) if m in MARK_NAMES else 99)
    kind = MARK_NAMES.get(marks[0], "Data") if marks else "Data"
    rows = plotted_rows(spec)
    first = f"{kind} chart: {title_of(spec).rstrip('.')}."
    span = ""
    if "date" in rows and (rows["date"] != "").any():
        dates = sorted(d for d in rows["date"] if d)
        span = f", dated {long_date(dates[0])} to {long_date(dates[-1])}"
    shown = [title.lower() for field, title in columns(spec).items() if field != "id"]
    fields = f" ({', '.join(shown[:3])}{' and more' if len(shown) > 3 else ''})" if shown else ""
    where = ("the web edition lists them under the chart" if printed
             else "the Data table under the chart lists them")
    return f"{first} It draws {len(rows)} rows{fields}{span}; {where}."

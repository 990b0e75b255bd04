"""Shared helpers for the chapters of the book.

Every chapter imports this module in a hidden first cell. It does four things and no more:

1. ``load(name)`` returns a table from ``data/`` after the whole Data Package has been
   validated against ``data/datapackage.json`` with Frictionless; invalid data raise
   :class:`DataValidationError`, whose message names the file, line, row id and column of
   every problem.
2. One chart theme (fonts, colours per actor and per stance) and chart builders that the
   chapters call in one line.
3. Every Altair chart is emitted as one mime bundle: ``text/html`` (a container with the
   Vega-Lite spec, drawn in the browser by the locally served vega-embed bundle: no CDN) and
   ``application/pdf`` (a vector image rendered by vl-convert for the LaTeX/PDF build).
   myst-nb picks one per builder (``nb_mime_priority_overrides`` in ``_config.yml``).
4. ``glue`` / ``table`` helpers that put numbers and tables from the data into the prose.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
import re
import urllib.parse
from pathlib import Path

import altair as alt
import pandas as pd
import vl_convert as vlc
from IPython.display import Markdown
from myst_nb import glue as _nb_glue

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
PACKAGE = DATA / "datapackage.json"

#: Vega-Lite version that matches the installed Altair; the HTML bundle uses the same one.
VL_VERSION = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])

# --------------------------------------------------------------------------------------
# 1. Data: validated loading
# --------------------------------------------------------------------------------------


class DataValidationError(ValueError):
    """Raised when a table in ``data/`` does not match its schema."""


def _row_ids(path: Path) -> dict[int, str]:
    """Map a CSV line number (header = line 1) to the row's id (first column)."""
    import csv

    ids: dict[int, str] = {}
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            for number, row in enumerate(csv.reader(fh), start=1):
                ids[number] = row[0] if row else ""
    except (OSError, UnicodeDecodeError):
        pass
    return ids


def validation_errors(package_path: Path | str = PACKAGE) -> list[str]:
    """Validate the Data Package; return one readable message per problem (empty if valid).

    The checks are those the Table Schema declares (types, enums, required fields, unique
    ids, primary and foreign keys, patterns, date bounds), run by Frictionless.
    """
    from frictionless import Package

    package_path = Path(package_path)
    try:
        package = Package(str(package_path))
    except Exception as exc:  # a broken descriptor is itself a validation failure
        return [f"{package_path}: invalid Data Package descriptor: {exc}"]
    report = package.validate()
    messages: list[str] = []
    tasks = [(task.place, task.errors) for task in report.tasks]
    # Row checks that involve several columns (date precision, low <= value <= high) are
    # Frictionless row-constraint checks, declared per table under "x-checks".
    from frictionless import Checklist, checks

    descriptor = json.loads(package_path.read_text(encoding="utf-8"))
    for res in descriptor["resources"]:
        rules = res.get("x-checks", [])
        if not rules or not (package_path.parent / res["path"]).exists():
            continue
        checklist = Checklist(checks=[checks.row_constraint(formula=r["formula"]) for r in rules])
        try:
            extra = package.get_resource(res["name"]).validate(checklist)
        except Exception as exc:
            messages.append(f"{res['path']}: row checks could not run: {exc}")
            continue
        by_formula = {r["formula"]: r for r in rules}
        found = [e for t in extra.tasks for e in t.errors if e.type == "row-constraint"]
        for e in found:
            rule = next((r for f, r in by_formula.items() if f in (e.note or "")), None)
            if rule:
                e.field_name = rule["field"]
                e.note = f"{rule['message']} ({rule['formula']})"
        tasks.append((res["path"], found))
    for place, errors in tasks:
        csv_path = package_path.parent / place
        try:
            shown = csv_path.relative_to(ROOT)
        except ValueError:
            shown = csv_path
        ids = _row_ids(csv_path)
        for error in errors:
            row = getattr(error, "row_number", None)
            field = getattr(error, "field_name", None)
            if not field and getattr(error, "field_names", None):
                field = ", ".join(error.field_names)
            if not field and getattr(error, "label", None):
                field = error.label
            where = [str(shown)]
            if row:
                row_id = ids.get(row, "")
                where.append(f"line {row}" + (f" (id {row_id!r})" if row_id else ""))
            if field:
                where.append(f"column {field!r}")
            if error.type == "encoding-error":
                where += _encoding_location(csv_path, error.note or "")
            messages.append(f"{', '.join(where)}: [{error.type}] {error.note or error.message}")
    return messages


def _encoding_location(path: Path, note: str) -> list[str]:
    """Line, row id and column of the first byte that is not UTF-8."""
    import csv
    import io

    match = re.search(r"position (\d+)", note)
    if not match:
        return []
    raw = path.read_bytes()
    pos = int(match.group(1))
    start = raw.rfind(b"\n", 0, pos) + 1
    line = raw.count(b"\n", 0, pos) + 1
    prefix = raw[start:pos].decode("utf-8", errors="replace")
    header = next(csv.reader(io.StringIO(raw.split(b"\n", 1)[0].decode("utf-8", errors="replace"))))
    fields_before = next(csv.reader(io.StringIO(prefix))) if prefix else [""]
    column = header[len(fields_before) - 1] if 0 < len(fields_before) <= len(header) else "?"
    row_id = raw[start:].split(b",", 1)[0].decode("utf-8", errors="replace")
    return [f"line {line} (id {row_id!r})", f"column {column!r}"]


@functools.lru_cache(maxsize=None)
def _validated(package_path: str, stamp: tuple) -> bool:
    problems = validation_errors(package_path)
    if problems:
        raise DataValidationError(
            f"{len(problems)} problem(s) in the data:\n  " + "\n  ".join(problems)
        )
    return True


def _stamp(package_path: Path) -> tuple:
    files = [package_path, *sorted(package_path.parent.glob("*.csv"))]
    return tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files)


def load(name: str, package_path: Path | str = PACKAGE) -> pd.DataFrame:
    """Return table ``name`` of the Data Package, after validating the whole package.

    Every row is kept (all cells read as text, nothing coerced to NaN or dropped); ``date``
    columns become datetimes and ``integer`` columns integers, as the schema says.
    """
    package_path = Path(package_path)
    _validated(str(package_path), _stamp(package_path))
    descriptor = json.loads(package_path.read_text(encoding="utf-8"))
    resource = next((r for r in descriptor["resources"] if r["name"] == name), None)
    if resource is None:
        known = ", ".join(r["name"] for r in descriptor["resources"])
        raise KeyError(f"no table {name!r} in {package_path} (tables: {known})")
    frame = pd.read_csv(
        package_path.parent / resource["path"],
        dtype=str,
        keep_default_na=False,
        encoding="utf-8",
    )
    for field in resource["schema"]["fields"]:
        col = field["name"]
        if field["type"] == "date":
            frame[col] = pd.to_datetime(frame[col], format="%Y-%m-%d")
        elif field["type"] == "integer":
            frame[col] = frame[col].astype(int)
        elif field["type"] == "number":
            frame[col] = pd.to_numeric(frame[col].replace("", None), errors="raise")
        elif field["type"] == "boolean":
            frame[col] = frame[col].map({"true": True, "false": False})
    return frame


WEAK_SOURCE_TYPES = {"aggregator or reprint", "partisan outlet"}


def flags(keys: list[str], kinds: dict[str, str]) -> tuple[bool, bool]:
    """(single_source, weak_sources_only) for a row citing ``keys``; ``kinds``: key -> type."""
    return len(keys) == 1, all(kinds.get(k) in WEAK_SOURCE_TYPES for k in keys)


def source_flags(frame: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """The ``single_source`` and ``weak_sources_only`` flags each row should carry."""
    kinds = dict(zip(sources["key"], sources["source_type"]))
    pairs = frame.apply(sources_of, axis=1).map(lambda k: flags(k, kinds))
    return pd.DataFrame({"single_source": pairs.str[0], "weak_sources_only": pairs.str[1]},
                        index=frame.index)


def sources_of(row: pd.Series) -> list[str]:
    """The source keys of a row, in order (columns ``source_1``, ``source_2``, ...)."""
    cols = sorted(c for c in row.index if re.fullmatch(r"source_\d+", c))
    return [row[c] for c in cols if row[c]]


def date_label(row: pd.Series) -> str:
    """A date as precise as the data say it is: '28 Apr 2025', 'Apr 2025' or '2025'."""
    d, precision = row["date"], row["date_precision"]
    if precision == "day":
        return f"{d.day} {d:%b %Y}"
    if precision == "month":
        return f"{d:%b %Y}"
    return f"{d:%Y}"


# --------------------------------------------------------------------------------------
# 2. Chart theme
# --------------------------------------------------------------------------------------

FONT = "Noto Sans, DejaVu Sans, Helvetica, Arial, sans-serif"

#: One colour per actor, used by every chart in the book.
ACTOR_COLORS = {
    "Russia": "#c0392b",
    "DPRK": "#1f4e9c",
    "Russia-DPRK": "#7b3f99",
    "Ukraine": "#e0a100",
    "ROK": "#2a9d8f",
    "USA": "#555555",
    "Japan": "#b56576",
    "China": "#8c564b",
    "NATO": "#4c78a8",
    "EU": "#72b7b2",
    "UN": "#5fa2dd",
    "G7": "#9d755d",
    "other": "#9e9e9e",
}

#: One colour per stance, ordered from denial to acknowledgment.
STANCE_ORDER = ["deny", "evade", "acknowledge", "praise", "assert", "condemn", "other"]
STANCE_COLORS = {
    "deny": "#b2182b",
    "evade": "#ef8a62",
    "acknowledge": "#2166ac",
    "praise": "#67a9cf",
    "assert": "#5e5e5e",
    "condemn": "#1b7837",
    "other": "#bdbdbd",
}


@alt.theme.register("nkbook", enable=True)
def _theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": FONT,
            "view": {"stroke": None},
            "background": "white",
            "title": {"fontSize": 14, "anchor": "start", "fontWeight": 600},
            "axis": {
                "labelFontSize": 11,
                "titleFontSize": 12,
                "gridColor": "#e6e6e6",
                "domainColor": "#888888",
                "tickColor": "#888888",
            },
            "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "bottom"},
        }
    }


#: Neutral qualitative palette for categories without a fixed colour.
PALETTE = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#ff9da6",
           "#9d755d", "#bab0ac", "#eeca3b"]


def _scale(colors: dict[str, str], order: list[str] | None = None, present=None) -> alt.Scale:
    """A fixed colour per value; ``present`` limits the legend to the values in the chart."""
    keys = [k for k in (order or list(colors)) if present is None or k in set(present)]
    return alt.Scale(domain=keys, range=[colors[k] for k in keys])


# --------------------------------------------------------------------------------------
# 3. One mime bundle per chart: interactive HTML (no CDN) + vector PDF for LaTeX
# --------------------------------------------------------------------------------------

PDF_WIDTH = 620


def _static_spec(spec: dict) -> dict:
    """The spec with fixed widths, for the PDF (no browser container to size against)."""
    spec = json.loads(json.dumps(spec))

    def fix(node):
        if isinstance(node, dict):
            if node.get("width") == "container":
                node["width"] = PDF_WIDTH
            for value in node.values():
                fix(value)
        elif isinstance(node, list):
            for value in node:
                fix(value)

    fix(spec)
    return spec


def _json_for_script(spec: dict) -> str:
    """JSON that can sit inside <script type="application/json"> without ending it."""
    text = json.dumps(spec, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_bundle(spec: dict) -> dict[str, str]:
    """The mime bundle for one Vega-Lite spec (also used as the Altair renderer)."""
    description = spec.get("description") or "Chart"
    digest = hashlib.sha256(_json_for_script(spec).encode()).hexdigest()[:12]
    html_out = (
        f'<div class="nk-chart" id="nk-chart-{digest}" role="figure" '
        f'aria-label="{html.escape(description, quote=True)}">'
        f'<script type="application/json" class="nk-chart-spec">{_json_for_script(spec)}</script>'
        f'<noscript><p class="nk-chart-noscript">{html.escape(description)} '
        "(This interactive chart needs JavaScript; the PDF edition shows it as an image.)"
        "</p></noscript></div>"
    )
    pdf = vlc.vegalite_to_pdf(_static_spec(spec), vl_version=VL_VERSION)
    return {
        "text/html": html_out,
        "application/pdf": base64.b64encode(pdf).decode("ascii"),
        "text/plain": f"<Chart: {description}>",
    }


alt.renderers.register("nkbook", render_bundle)
alt.renderers.enable("nkbook")


# --------------------------------------------------------------------------------------
# 4. Glue and tables
# --------------------------------------------------------------------------------------


class _Text:
    """A string that pastes without quotes ({glue:text} shows the plain-text repr)."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(self.text)


def glue(name: str, value) -> None:
    """Store ``value`` under ``name`` for ``{glue:text}`` / ``{glue:figure}``; show nothing.

    Strings are pasted as they are (without the quotes of their Python repr).
    """
    _nb_glue(name, _Text(value) if isinstance(value, str) else value, display=False)


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
) -> Markdown:
    """A numbered, captioned MyST ``list-table`` built from ``frame``.

    ``columns`` maps data columns to headers. Text is escaped; the optional ``cite_column``
    holds source keys, rendered as ``{cite:p}`` citations. The result is a real table in
    both the HTML and the PDF build and can be referenced with ``{numref}`label```.
    """
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
# --------------------------------------------------------------------------------------


def _time_axis() -> alt.X:
    return alt.X("date:T", title=None, axis=alt.Axis(format="%b %y", labelAngle=0, tickCount="month",
                                                     labelOverlap="greedy"))


def _tooltips(**columns: str) -> list[alt.Tooltip]:
    """Tooltip: the row's date, the given columns (name=title), then its row id."""
    fields = {"when": "Date", **columns, "id": "Row id"}
    return [alt.Tooltip(f"{col}:N", title=title) for col, title in fields.items()]


def timeline_chart(events: pd.DataFrame, *, title: str, description: str) -> alt.Chart:
    """Events as labelled points on a time axis, one lane per category."""
    data = events.assign(
        when=events.apply(date_label, axis=1),
        sources=events.apply(lambda r: "; ".join(sources_of(r)), axis=1),
    )[["id", "date", "when", "category", "actor", "label", "sources"]]
    base = alt.Chart(data, title=title, description=description).encode(
        x=_time_axis(),
        y=alt.Y("category:N", title=None, sort=None, axis=alt.Axis(labelLimit=160)),
    )
    points = base.mark_point(filled=True, size=90, opacity=0.9).encode(
        color=alt.Color("actor:N", title="Actor", scale=_scale(ACTOR_COLORS, present=data["actor"])),
        shape=alt.Shape("actor:N", title="Actor", scale=alt.Scale(domain=list(_scale(ACTOR_COLORS, present=data["actor"]).domain))),
        tooltip=_tooltips(label="Event", actor="Actor", sources="Sources"),
    )
    return points.properties(width="container", height=240)


def stance_chart(statements: pd.DataFrame, *, actors: list[str], title: str, description: str) -> alt.Chart:
    """Every statement as a dot: time across, one row per actor, colour = stance."""
    data = statements[statements["actor"].isin(actors)].assign(
        when=lambda d: d.apply(date_label, axis=1),
    )[["id", "date", "when", "actor", "speaker", "stance", "summary"]]
    return (
        alt.Chart(data, title=title, description=description)
        .mark_circle(size=110, opacity=0.85, stroke="white", strokeWidth=0.8)
        .encode(
            x=_time_axis(),
            y=alt.Y("actor:N", title=None, sort=actors),
            yOffset=alt.YOffset("stance:N", sort=STANCE_ORDER),
            color=alt.Color("stance:N", title="Stance",
                            scale=_scale(STANCE_COLORS, STANCE_ORDER, present=data["stance"])),
            tooltip=_tooltips(speaker="Speaker", stance="Stance", summary="Summary"),
        )
        # a fixed height in pixels that follows the number of rows: a "step" height together
        # with a container width makes Vega-Lite warn (dropping "fit-y") in every browser
        .properties(width="container",
                    height=9 * len(actors) * max(1, data["stance"].nunique()))
    )


def monthly_chart(frame: pd.DataFrame, *, color: str, title: str, description: str,
                  colors: dict[str, str] | None = None, order: list[str] | None = None,
                  color_title: str | None = None) -> alt.Chart:
    """Rows per month as stacked bars, split by the categorical column ``color``."""
    data = frame.assign(
        month=frame["date"].dt.to_period("M").dt.to_timestamp(),
        when=frame.apply(date_label, axis=1),
    )[["id", "month", "when", color]]
    keys = order or sorted(data[color].unique())
    palette = colors or dict(zip(keys, PALETTE * (len(keys) // len(PALETTE) + 1)))
    return (
        alt.Chart(data, title=title, description=description)
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(month):O", title=None,
                    axis=alt.Axis(format="%b %y", labelAngle=0, labelOverlap="greedy")),
            y=alt.Y("count():Q", title="Rows per month", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(f"{color}:N", title=color_title or color.replace("_", " ").capitalize(),
                            scale=_scale(palette, keys, present=data[color])),
            tooltip=[alt.Tooltip("yearmonth(month):T", title="Month", format="%B %Y"),
                     alt.Tooltip(f"{color}:N", title=color_title or color),
                     alt.Tooltip("count():Q", title="Rows")],
        )
        .properties(width="container", height=220)
    )


def strip_chart(frame: pd.DataFrame, *, y: str, color: str, title: str, description: str,
                y_order: list[str] | None = None, colors: dict[str, str] | None = None,
                order: list[str] | None = None, detail: dict[str, str] | None = None) -> alt.Chart:
    """Every row as a dot: time across, one row per value of ``y``, coloured by ``color``.

    ``detail`` adds tooltip columns (name -> title); the date and row id are always shown.
    """
    detail = detail or {"summary": "Summary"}
    data = frame.assign(when=frame.apply(date_label, axis=1))[
        list(dict.fromkeys(["id", "date", "when", y, color, *detail]))]
    keys = order or sorted(data[color].unique())
    palette = colors or dict(zip(keys, PALETTE * (len(keys) // len(PALETTE) + 1)))
    return (
        alt.Chart(data, title=title, description=description)
        .mark_circle(size=110, opacity=0.85, stroke="white", strokeWidth=0.8)
        .encode(
            x=_time_axis(),
            y=alt.Y(f"{y}:N", title=None, sort=y_order, axis=alt.Axis(labelLimit=200)),
            color=alt.Color(f"{color}:N", title=color.replace("_", " ").capitalize(),
                            scale=_scale(palette, keys, present=data[color])),
            tooltip=_tooltips(**detail),
        )
        .properties(width="container", height=34 * max(1, data[y].nunique()))
    )


def _range_label(row: pd.Series) -> str:
    low, high = row["low"], row["high"]
    if pd.notna(low) and pd.notna(high):
        return f"{low:,.0f} to {high:,.0f}"
    if pd.notna(low):
        return f"at least {low:,.0f}"
    if pd.notna(high):
        return f"up to {high:,.0f}"
    return ""


def estimates_chart(estimates: pd.DataFrame, *, title: str, description: str) -> alt.Chart:
    """Published numbers over time: a dot per value, a bar per low-high range, by publisher.

    A row with only a lower (or upper) bound is plotted at that bound; its tooltip says
    "at least" (or "up to"). Rows without any number cannot be plotted and are left out.
    """
    estimates = estimates[estimates[["value", "low", "high"]].notna().any(axis=1)]
    data = estimates.assign(
        when=estimates.apply(date_label, axis=1),
        # the plotted number: the value; else the middle of a range; else the one bound given
        shown=estimates["value"].fillna((estimates["low"] + estimates["high"]) / 2)
        .fillna(estimates["low"]).fillna(estimates["high"]),
        range=estimates.apply(_range_label, axis=1),
        number=estimates["value"].map(lambda v: "" if pd.isna(v) else f"{v:,.0f}"),
    )[["id", "date", "when", "publisher_actor", "publisher", "quantity", "shown", "low", "high",
       "range", "number", "summary"]]
    base = alt.Chart(data).encode(
        x=_time_axis(),
        color=alt.Color("publisher_actor:N", title="Published by",
                        scale=_scale(ACTOR_COLORS, present=data["publisher_actor"])),
    )
    ranges = base.transform_filter("datum.low != null && datum.high != null").mark_rule(strokeWidth=3, opacity=0.6).encode(
        y=alt.Y("low:Q", title="Persons"), y2="high:Q")
    dots = base.mark_circle(size=90, opacity=0.9).encode(
        y=alt.Y("shown:Q", title="Persons", scale=alt.Scale(zero=True)),
        tooltip=_tooltips(publisher="Published by", quantity="Quantity", number="Value",
                          range="Range", summary="Summary"),
    )
    # the range layer only when some figure is a range (an empty layer has no extent)
    layers = [ranges, dots] if (data["low"].notna() & data["high"].notna()).any() else [dots]
    return (alt.layer(*layers, data=data)
            .properties(title=title, description=description, width="container", height=260))


OUTCOMES = ["confirmed", "partly", "not borne out", "too early to tell"]
OUTCOME_COLORS = dict(zip(OUTCOMES, ["#1b7837", "#a6dba0", "#c2a5cf", "#bdbdbd"]))


def scorecard_chart(scorecard: pd.DataFrame, *, chapters: dict[str, str], title: str,
                    description: str) -> alt.Chart:
    """Expectations per chapter as horizontal stacked bars, coloured by outcome."""
    data = scorecard.assign(chapter_name=scorecard["chapter"].map(chapters), n=1)[
        ["id", "chapter_name", "expectation", "outcome", "confidence", "n"]]
    return (
        alt.Chart(data, title=title, description=description)
        .mark_bar()
        .encode(
            y=alt.Y("chapter_name:N", title=None, sort=list(chapters.values())),
            x=alt.X("sum(n):Q", title="Expectations", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("outcome:N", title="Outcome",
                            scale=_scale(OUTCOME_COLORS, OUTCOMES, present=data["outcome"])),
            order=alt.Order("outcome_rank:Q"),
            tooltip=[alt.Tooltip("expectation:N", title="Expectation"),
                     alt.Tooltip("outcome:N", title="Outcome"),
                     alt.Tooltip("confidence:N", title="Confidence"),
                     alt.Tooltip("id:N", title="Row id")],
        )
        .transform_calculate(outcome_rank=f"indexof({json.dumps(OUTCOMES)}, datum.outcome)")
        .properties(width="container", height=28 * max(1, data["chapter_name"].nunique()))
    )


def _span(dates: pd.Series) -> str:
    first, last = dates.min(), dates.max()
    if first.to_period("M") == last.to_period("M"):
        return f"{first:%b %Y}"
    return f"{first:%b %Y} to {last:%b %Y}"


def describe(frame: pd.DataFrame, *, by: str, within: str, order: list[str] | None = None,
             within_order: list[str] | None = None) -> str:
    """A text description of a chart, generated from its data.

    For each value of ``by`` (e.g. actor), the number of rows of each value of ``within``
    (e.g. stance) and the months they span: "Russia: 1 deny (Oct 2024); 7 evade (Oct 2024
    to Jan 2025). DPRK: ...". Because it is computed, it stays true when the data change.
    """
    parts = []
    groups = order or sorted(frame[by].unique())
    for key in groups:
        sub = frame[frame[by] == key]
        if sub.empty:
            continue
        inner = within_order or sorted(sub[within].unique())
        items = [f"{(sub[within] == w).sum()} {w} ({_span(sub.loc[sub[within] == w, 'date'])})"
                 for w in inner if (sub[within] == w).any()]
        parts.append(f"{key}: " + "; ".join(items))
    return ". ".join(parts) + "."


def describe_monthly(frame: pd.DataFrame, *, color: str, order: list[str] | None = None) -> str:
    """Text description of a monthly chart: per month, the number of rows of each value."""
    months = frame.assign(month=frame["date"].dt.to_period("M"))
    parts = []
    for month, group in months.groupby("month", sort=True):
        keys = [k for k in (order or sorted(group[color].unique())) if (group[color] == k).any()]
        parts.append(f"{month.to_timestamp():%b %Y}: "
                     + ", ".join(f"{(group[color] == k).sum()} {k}" for k in keys))
    return "; ".join(parts) + "."


def describe_estimates(frame: pd.DataFrame) -> str:
    """Text description of an estimates chart: each figure with its date and publisher."""
    rows = frame.sort_values(["date", "id"])
    items = []
    for _, r in rows.iterrows():
        number = f"{r['value']:,.0f}" if pd.notna(r["value"]) else _range_label(r)
        items.append(f"{date_label(r)}, {r['publisher']}: {r['quantity']} {number}")
    return "; ".join(items) + "."


# --------------------------------------------------------------------------------------
# The bibliography is generated from data/sources.csv (one source of truth)
# --------------------------------------------------------------------------------------

BIB_PATH = ROOT / "book" / "references.bib"
_BASIS = {
    "page": "publication date shown on the page",
    "dateline": "publication date taken from the article's dateline",
    "url": "publication date taken from the page address",
    "inferred": "publication date inferred from the events the page reports",
    "undated": "undated reference page",
}


def _bib_text(text: str) -> str:
    """Protect text for BibTeX: balanced braces only, no stray backslashes."""
    return str(text).replace("\\", "/").replace("{", "(").replace("}", ")")


def bibtex(sources: pd.DataFrame | None = None) -> str:
    """BibTeX for every row of ``sources.csv`` (``@misc``; the outlet is the author).

    ``year`` holds the full ISO date, so author-year citations read
    "(The Kyiv Independent, 2024-10-21)" and stay unambiguous for a daily news source.
    """
    sources = load("sources") if sources is None else sources
    out = [
        "% Generated from data/sources.csv by book/nkbook.py (python3 run.py bib).",
        "% Do not edit by hand: edit data/sources.csv instead.",
        "",
    ]
    for _, s in sources.sort_values("key").iterrows():
        note = _BASIS[s["published_basis"]].capitalize()
        if s["title_supplied"] == "true":
            note += "; no headline shown, title supplied by the book"
        if s["language"] != "en":
            note += f"; in {s['language']}"
        fields = {
            "author": "{" + _bib_text(s["outlet"]) + "}",
            "title": "{" + _bib_text(s["title"]) + "}",
            "year": "n.d." if pd.isna(s["published"]) else s["published"].strftime("%Y-%m-%d"),
            "date": "" if pd.isna(s["published"]) else s["published"].strftime("%Y-%m-%d"),
            # non-ASCII characters percent-encoded: LaTeX sets URLs in a monospaced font
            # without CJK glyphs, and an encoded address works the same in a browser
            "url": urllib.parse.quote(s["url"], safe=":/?#[]@!$&'()*+,;=%~"),
            "note": note,
            "keywords": s["source_type"],
            "language": s["language"],
        }
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items() if v)
        out.append(f"@misc{{{s['key']},\n{body}\n}}\n")
    return "\n".join(out)


# --------------------------------------------------------------------------------------
# The schema as tables, for the codebook
# --------------------------------------------------------------------------------------


def package() -> dict:
    """The Data Package descriptor (data/datapackage.json)."""
    return json.loads(PACKAGE.read_text(encoding="utf-8"))


def schema_table(name: str) -> pd.DataFrame:
    """One row per column of table ``name``: type, required, allowed values, description."""
    res = next(r for r in package()["resources"] if r["name"] == name)
    rows = []
    for f in res["schema"]["fields"]:
        c = f.get("constraints", {})
        allowed = []
        if "enum" in c:
            allowed.append(", ".join(c["enum"]))
        if "pattern" in c:
            allowed.append(f"pattern {c['pattern']}")
        for k, label in (("minimum", "from"), ("maximum", "to"), ("maxLength", "max. length")):
            if k in c:
                allowed.append(f"{label} {c[k]}")
        if c.get("unique"):
            allowed.append("unique")
        rows.append({
            "column": f["name"],
            "type": f["type"],
            "required": "yes" if c.get("required") else "no",
            "allowed": "; ".join(allowed),
            "description": f.get("description", ""),
        })
    return pd.DataFrame(rows)

"""Every chart a figure a reader can take away (Sphinx side of ``nkbook.figures``).

For each numbered figure that holds a chart, when its page is written:

* HTML: the files ``_figures/<figure id>.csv`` (exactly the rows the chart draws, with their
  source keys), ``.png`` (2x) and ``.svg``, made from the chart's own spec by vl-convert, and
  ``.vl.json`` (that Vega-Lite spec); the page draws the spec compiled to Vega; under
  the caption, a collapsible "Data" table of those rows, the download links, a permalink and
  "Cite this figure" (text and BibTeX with the figure number, anchor and the book's version,
  and the same citation as ``_figures/<figure id>.bib``, ``.ris`` and ``.json`` to download).
  The chart's text alternative (its ``aria-label``) becomes the sentences of
  ``nkbook.figures.alt_text``.
* LaTeX: the same sentences, in their print wording, as a short description under the
  caption (a figure legend). They are noted at ``doctree-read``, while the chart's HTML is
  still in the doctree (myst-nb keeps only the PDF image for the LaTeX builder).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import vl_convert as vlc
from docutils import nodes

import nkbook as nk
import nkbook_sphinx as book
from nkbook import figures
from nkbook.render import VL_VERSION, _json_for_script, _static_spec, spec_from_html

#: The tables whose rows the explore page lists (``explore.html#<row id>``).
EXPLORED = ("events", "statements", "estimates")


#: Row id -> its source keys ("; "-separated), and the ids the explore page lists: read
#: once, when the build starts (read_rows), right after run.py validated data/, so that a
#: data file saved while pages are being written (in the preview) is not read half-way.
ROWS: dict[str, dict[str, str] | set[str]] = {}


def read_rows(app) -> None:
    keys = {}
    for name in (*EXPLORED, "legal"):
        for _, row in nk.load(name).iterrows():
            keys[row["id"]] = "; ".join(nk.sources_of(row))
    ROWS["keys"] = keys
    ROWS["linked"] = {i for name in EXPLORED for i in nk.load(name)["id"]}


def figure_rows(spec: dict, keys: dict[str, str]):
    """The CSV's rows: the plotted rows plus a ``sources`` column (from the data, by row id)."""
    rows = figures.plotted_rows(spec)
    if rows.empty:
        return rows
    if "sources" not in rows:
        lookup = rows["id"].map(lambda i: keys.get(i, "")) if "id" in rows else ""
        direct = rows["key"] if "key" in rows else ""  # a row that is itself a source
        rows["sources"] = lookup if "id" in rows else direct
    return rows


def _chart_raw(figure: nodes.figure):
    for raw in figure.findall(nodes.raw):
        if 'class="nk-chart-spec"' in raw.astext():
            return raw
    return None


def _number(app, docname: str, figid: str) -> str:
    numbers = app.env.toc_fignumbers.get(docname, {}).get("figure", {}).get(figid)
    if not numbers:
        raise RuntimeError(f"{docname}: figure {figid} has no number (is it in the toctree?)")
    return ".".join(str(n) for n in numbers)


def data_table(spec: dict, rows, page_prefix: str, linked: set[str]) -> str:
    """The "Data" table: one header cell per column, one row per plotted row."""
    cols = figures.columns(spec, rows)
    cols.setdefault("sources", "Sources")
    head = "".join(f'<th scope="col">{html.escape(t)}</th>' for t in cols.values())
    body = []
    for _, row in rows.iterrows():
        cells = []
        for field in cols:
            value = html.escape(str(row.get(field, "")))
            if field == "id" and row.get("id") in linked:
                value = f'<a href="{page_prefix}explore.html#{value}">{value}</a>'
            tag = "th scope=\"row\"" if field == "id" else "td"
            cells.append(f"<{tag}>{value}</{tag.split()[0]}>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<table class="nk-figure-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def tools_html(app, docname: str, figid: str, number: str, spec: dict, rows, linked) -> str:
    depth = docname.count("/")
    up = "../" * depth
    files = f"{up}_figures/{figid}"
    title = figures.title_of(spec)
    meta = book.metadata()
    cite = (app, docname, meta, figid, f"Figure {number}: {title}", "a figure of")
    text, bib = book.citations(*cite)
    book.write_citation_files(Path(app.outdir) / "_figures" / figid, book.citation_record(*cite))
    page = f"{Path(docname).name}.html#{figid}"
    base = book.base_url(app)
    permalink = f"{base}/{docname}.html#{figid}" if base else page
    where = Path(docname).parent.as_posix()
    prefix = "" if where == "book" else f"{up}book/"
    return (
        f'<div class="nk-figure-tools" data-figure="{figid}">'
        f'<p class="nk-figure-downloads">Download figure {number}: '
        f'<a href="{files}.csv" download>data (CSV, {len(rows)} rows)</a> · '
        f'<a href="{files}.png" download>image (PNG)</a> · '
        f'<a href="{files}.svg" download>image (SVG)</a> · '
        f'<a href="{files}.vl.json" download>chart (Vega-Lite JSON)</a> · '
        f'<a class="nk-permalink" href="{html.escape(permalink)}">permalink</a></p>'
        f'<details class="nk-figure-data"><summary>Data: the {len(rows)} rows this chart draws'
        f'</summary><div class="nk-table-scroll" tabindex="0" role="region" '
        f'aria-label="Data of figure {number}">{data_table(spec, rows, prefix, linked)}</div>'
        "</details>"
        f'<details class="nk-figure-cite"><summary>Cite this figure</summary>'
        f"{book._copyable(text)}{book._copyable(bib)}"
        f"{book.citation_links(files, f'figure {number}')}</details></div>"
    )


def write_files(outdir: Path, figid: str, spec: dict, rows) -> None:
    """CSV, Vega-Lite spec, PNG (2x) and SVG of the figure."""
    target = outdir / "_figures"
    target.mkdir(parents=True, exist_ok=True)
    rows.to_csv(target / f"{figid}.csv", index=False, lineterminator="\n")
    (target / f"{figid}.vl.json").write_text(_json_for_script(spec), encoding="utf-8")
    static = _static_spec(spec)
    (target / f"{figid}.svg").write_text(vlc.vegalite_to_svg(static, vl_version=VL_VERSION),
                                         encoding="utf-8")
    (target / f"{figid}.png").write_bytes(vlc.vegalite_to_png(static, vl_version=VL_VERSION, scale=2))


def note_alt_text(app, doctree) -> None:
    """While every output is still in the doctree (before myst-nb keeps one per builder), note
    each chart figure's text alternative on the figure, for the PDF's description."""
    for figure in doctree.findall(nodes.figure):
        raw = _chart_raw(figure)
        if raw is not None:
            figure["nk_alt_print"] = figures.alt_text(spec_from_html(raw.astext()), printed=True)


def figure_tools(app, doctree, docname) -> None:
    keys = linked = None
    for figure in list(doctree.findall(nodes.figure)):
        if app.builder.format == "latex" and figure.get("nk_alt_print"):
            figure += nodes.legend("", nodes.paragraph(text=figure["nk_alt_print"]))
            continue
        raw = _chart_raw(figure)
        ids = [i for i in figure.get("ids", []) if i.startswith("fig-")]
        if raw is None or not ids or app.builder.format != "html":
            continue
        figid = ids[0]
        spec = spec_from_html(raw.astext())
        sentence = figures.alt_text(spec)
        if keys is None:
            keys, linked = ROWS["keys"], ROWS["linked"]
        rows = figure_rows(spec, keys)
        number = _number(app, docname, figid)
        write_files(Path(app.outdir), figid, spec, rows)
        label = html.escape(sentence, quote=True)
        raw_html = re.sub(r'aria-label="[^"]*"', f'aria-label="{label}"', raw.astext(), count=1)
        start = raw_html.index('class="nk-chart-spec">') + len('class="nk-chart-spec">')
        end = raw_html.index("</script>", start)  # the page draws the spec compiled to Vega
        raw_html = raw_html[:start] + _json_for_script(book.to_vega(spec)) + raw_html[end:]
        raw.replace_self(nodes.raw("", raw_html, format="html"))
        figure += nodes.raw("", tools_html(app, docname, figid, number, spec, rows, linked),
                            format="html")


def setup(app):
    app.connect("builder-inited", read_rows)
    app.connect("doctree-read", note_alt_text)
    app.connect("doctree-resolved", figure_tools)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

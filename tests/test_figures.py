"""Each figure travels: its rows as CSV, its image as PNG and SVG, its citation, a permalink and a
"Data" table, all made from the chart the page draws (book/_ext/nkbook_figures.py)."""

from __future__ import annotations

import csv
import html as htmllib
import json
import re
import struct
import xml.etree.ElementTree as ET
import zlib

import pytest
import vl_convert as vlc

from nkbook import figures
from nkbook.render import VL_VERSION, _static_spec, spec_from_html

FIGURE = re.compile(r'<figure[^>]*id="(fig-[^"]+)".*?</figure>', re.S)


@pytest.fixture(scope="module")
def chart_figures(html_dir):
    """(page, figure id, figure HTML, spec) for every figure that holds a chart."""
    found = []
    for page in sorted((html_dir / "book").glob("*.html")):
        for match in FIGURE.finditer(page.read_text(encoding="utf-8")):
            link = re.search(r'href="([^"]+\.vl\.json)"', match.group(0))
            if 'class="nk-chart-spec"' in match.group(0):
                assert link, f"{match.group(1)}: no Vega-Lite spec download"
                spec = json.loads((page.parent / link.group(1)).read_text(encoding="utf-8"))
                # the page draws that spec, compiled to Vega
                assert spec_from_html(match.group(0)) == vlc.vegalite_to_vega(spec, vl_version=VL_VERSION)
                found.append((page, match.group(1), match.group(0), spec))
    assert len(found) >= 12, f"only {len(found)} chart figures found"
    return found


def read_csv(path):
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def png_size_and_colours(data: bytes) -> tuple[int, int, int]:
    """Width, height and the number of distinct byte values in the decoded pixels."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", chunk[:8])
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    return width, height, len(set(zlib.decompress(idat)))


def test_every_chart_has_its_files_and_tools(chart_figures, html_dir):
    problems = []
    for page, figid, block, spec in chart_figures:
        tools = re.search(r'<div class="nk-figure-tools" data-figure="' + figid + '">.*?</div>',
                          block, re.S)
        if not tools:
            problems.append(f"{page.name} {figid}: no download/data/cite block under the chart")
            continue
        for ext in ("csv", "vl.json", "png", "svg"):
            href = f"../_figures/{figid}.{ext}"
            if f'href="{href}"' not in block:
                problems.append(f"{page.name} {figid}: no link to {href}")
            if not (html_dir / "_figures" / f"{figid}.{ext}").stat().st_size:
                problems.append(f"{figid}.{ext} is empty")
        if f'class="nk-permalink" href="{page.name}#{figid}"' not in block:
            problems.append(f"{page.name} {figid}: no permalink to #{figid}")
    assert not problems, "\n".join(problems)


def test_csv_holds_exactly_the_rows_the_chart_draws(chart_figures, html_dir, nk):
    sources = {}
    for name in ("events", "statements", "estimates", "legal"):
        for _, row in nk.load(name).iterrows():
            sources[row["id"]] = "; ".join(nk.sources_of(row))
    for page, figid, block, spec in chart_figures:
        rows = read_csv(html_dir / "_figures" / f"{figid}.csv")
        drawn = figures.plotted_rows(spec)
        assert len(rows) == len(drawn), f"{figid}: {len(rows)} CSV rows, the chart draws {len(drawn)}"
        assert list(rows[0])[:2] == list(drawn.columns[:2]), f"{figid}: CSV starts {list(rows[0])[:2]}"
        assert "sources" in rows[0], f"{figid}: no sources column"
        for got, (_, want) in zip(rows, drawn.iterrows()):
            for field, value in want.items():
                assert got[field] == str(value), f"{figid} row {got.get('id')}: {field} differs"
            if got.get("id") in sources and "key" not in got:
                assert got["sources"] == sources[got["id"]], f"{figid} {got['id']}: sources differ"
            assert got["sources"], f"{figid} row {got.get('id') or got}: no source keys"
        if "date" in drawn:  # ISO dates for a reader's spreadsheet
            assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", r["date"]) for r in rows if r["date"]), figid


def test_png_and_svg_are_images_of_the_chart(chart_figures, html_dir):
    for page, figid, block, spec in chart_figures:
        svg_text = (html_dir / "_figures" / f"{figid}.svg").read_text(encoding="utf-8")
        root = ET.fromstring(svg_text)
        assert root.tag.endswith("svg"), f"{figid}.svg is not an SVG image"
        # the file is the picture of this page's chart: the same spec draws the same SVG
        assert svg_text == vlc.vegalite_to_svg(_static_spec(spec), vl_version=VL_VERSION), figid
        title = figures.title_of(spec)
        texts = " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
        assert title.split(":")[0] in htmllib.unescape(texts), f"{figid}.svg lacks its title"
        width, height, colours = png_size_and_colours((html_dir / "_figures" / f"{figid}.png").read_bytes())
        assert (width, height) == (2 * float(root.get("width")), 2 * float(root.get("height"))), (
            f"{figid}.png is {width}x{height}, not twice the SVG")
        assert colours > 8, f"{figid}.png looks blank"


def test_data_table_and_text_alternative(chart_figures):
    problems = []
    for page, figid, block, spec in chart_figures:
        rows = figures.plotted_rows(spec)
        label = re.search(r'class="nk-chart" id="[^"]+" role="figure" aria-label="([^"]*)"', block)
        alt = htmllib.unescape(label.group(1)) if label else ""
        if alt != figures.alt_text(spec):
            problems.append(f"{figid}: aria-label is not the generated text: {alt[:80]}")
        if not 1 <= len(re.findall(r"[.;!?](?:\s|$)", alt.rstrip(".") + ".")) <= 3:
            problems.append(f"{figid}: text alternative is not one or two sentences")
        data = re.search(r'<details class="nk-figure-data"><summary>(.*?)</summary>(.*?)</details>',
                         block, re.S)
        if not data:
            problems.append(f"{figid}: no collapsible Data table")
            continue
        table = data.group(2)
        heads = re.findall(r'<th scope="col">', table)
        body = re.findall(r"<tr><th scope=\"row\">|<tr><td>", table)
        if len(heads) < 3 or len(body) != len(rows):
            problems.append(f"{figid}: Data table has {len(heads)} header cells, {len(body)} rows "
                            f"for {len(rows)} plotted")
        for rid in re.findall(r'<a href="explore\.html#([^"]+)">', table):
            if rid not in set(rows.get("id", [])):
                problems.append(f"{figid}: Data table links a row it does not draw: {rid}")
    assert not problems, "\n".join(problems)


def test_cite_this_figure(chart_figures, nk):
    import yaml

    version = yaml.safe_load((nk.ROOT / "CITATION.cff").read_text(encoding="utf-8"))["version"]
    for page, figid, block, spec in chart_figures:
        cite = re.search(r'<details class="nk-figure-cite"><summary>Cite this figure</summary>'
                         r"(.*?)</details>", block, re.S)
        assert cite, f"{figid}: no Cite this figure"
        text = htmllib.unescape(cite.group(1))
        number = re.search(r"Download figure (\d+\.\d+):", block).group(1)
        assert f"Figure {number}: {figures.title_of(spec)}" in text, f"{figid}: no number or title"
        assert f"#{figid}" in text and f"Version {version}" in text, f"{figid}: {text[:200]}"
        assert re.search(r"@incollection\{nk_acknowledgment_" + figid.replace("-", "_") + ",", text)
        assert f"edition = {{{version}}}" in text, figid


def test_pdf_figures_keep_a_short_description(pdf_path, chart_figures):
    import subprocess

    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"], capture_output=True,
                          text=True, check=True).stdout
    flat = re.sub(r"-\s+", "-", " ".join(text.split()))
    for page, figid, block, spec in chart_figures:
        assert f"It draws {len(figures.plotted_rows(spec))} rows" in flat, f"{figid}: no description"
    assert flat.count("the web edition lists them under the chart") == len(chart_figures)

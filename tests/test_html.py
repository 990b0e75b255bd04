"""The built HTML book: the chapter, its charts, offline assets, and numbers from the data."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
import vl_convert as vlc
from conftest import chart_specs
from nkbook.render import VL_VERSION


class Resources(HTMLParser):
    """Collects every URL a page loads (scripts, styles, fonts, images, frames)."""

    def __init__(self):
        super().__init__()
        self.loaded: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in {"script", "img", "iframe", "audio", "video", "source", "embed"} and a.get("src"):
            self.loaded.append(a["src"])
        if tag == "link" and a.get("href"):
            rel = (a.get("rel") or "").lower()
            if any(r in rel for r in ("stylesheet", "preload", "icon", "modulepreload", "prefetch")):
                self.loaded.append(a["href"])
        if tag == "object" and a.get("data"):
            self.loaded.append(a["data"])


def is_external(url: str) -> bool:
    return bool(re.match(r"^(https?:)?//", url.strip(), flags=re.I))


def pages(html_dir: Path) -> list[Path]:
    return sorted(p for p in html_dir.rglob("*.html") if "_static" not in p.parts)


def test_no_page_loads_anything_from_the_network(html_dir):
    offenders = []
    for page in pages(html_dir):
        parser = Resources()
        parser.feed(page.read_text(encoding="utf-8"))
        offenders += [f"{page.relative_to(html_dir)}: {u}" for u in parser.loaded if is_external(u)]
        # inline styles and scripts must not pull fonts or code either
        text = page.read_text(encoding="utf-8")
        for m in re.finditer(r"(@import\s+url\(|url\()\s*['\"]?(https?:)?//[^)'\"]+", text):
            offenders.append(f"{page.relative_to(html_dir)}: {m.group(0)}")
    for css in (html_dir / "_static").rglob("*.css"):
        for m in re.finditer(r"url\(\s*['\"]?((https?:)?//[^)'\"]+)", css.read_text(errors="replace")):
            offenders.append(f"{css.relative_to(html_dir)}: {m.group(1)}")
    assert not offenders, "external resources:\n" + "\n".join(offenders)
    assert len(pages(html_dir)) >= 4


def test_the_checker_catches_external_resources():
    parser = Resources()
    parser.feed('<script src="https://cdn.jsdelivr.net/npm/vega@5"></script>'
                '<link rel="stylesheet" href="//fonts.googleapis.com/css">')
    assert [is_external(u) for u in parser.loaded] == [True, True]


@pytest.fixture(scope="module")
def chapter(html_dir) -> str:
    path = html_dir / "book" / "background.html"
    assert path.exists()
    return path.read_text(encoding="utf-8")


def test_chapter_has_title_label_and_sections(chapter):
    assert "Background and implications of the acknowledgment" in chapter
    for anchor in ("ch-background", "ch-background-denial", "ch-background-why-then"):
        assert f'id="{anchor}"' in chapter


def test_chapter_charts_are_embedded_with_their_data(chapter, html_dir, nk):
    specs = chart_specs(html_dir / "book" / "background.html")
    assert len(specs) == 3
    events = chapter_window(nk.load("events"))
    timeline = next(s for s in specs if "key events" in json.dumps(s.get("title")))
    rows = next(iter(timeline["datasets"].values()))
    assert sorted(r["id"] for r in rows) == sorted(events["id"])
    # the first-response chart: one bar per government and trigger, each the days from the
    # trigger to that government's first statement taking a position on or after it
    response = next(s for s in specs if "How fast" in json.dumps(s.get("title")))
    rows = next(iter(response["datasets"].values()))
    statements = nk.load("statements")
    positions = statements[statements["stance"] != "other"]
    dates = nk.load("events").set_index("id")["date"]
    for row in rows:
        trigger = dates[row["trigger_id"]]
        later = positions[(positions["actor"] == row["actor"]) & (positions["date"] >= trigger)]
        assert row["days"] == (later["date"].min() - trigger).days, row
        assert row["id"] in set(later[later["date"] == later["date"].min()]["id"])
    # the forces chart: one panel per quantity, each drawing only its own quantity
    forces = next(s for s in specs if "vconcat" in s)
    for panel in forces["vconcat"]:
        for layer in panel["layer"]:
            data = forces["datasets"].get(layer.get("data", {}).get("name"), [])
            assert len({r["quantity"] for r in data}) <= 1
    for spec in specs:
        assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6")
        assert spec.get("description"), "every chart needs a text alternative"
    # each chart container is a labelled figure, referenced from the text
    assert chapter.count('class="nk-chart"') == 3
    assert len(re.findall(r'class="nk-chart"[^>]*aria-label="[^"]{20,}"', chapter)) == 3
    for label in ("fig-ch2-timeline", "fig-ch2-stances", "fig-ch2-forces"):
        assert f'id="{label}"' in chapter
        assert f'href="#{label}"' in chapter


def test_chart_libraries_are_served_locally_and_only_where_needed(html_dir, chapter):
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', chapter)
    bundle = [s for s in scripts if "nk-vega-" in s]
    assert len(bundle) == 1 and "nk-charts.js" in " ".join(scripts)
    path = (html_dir / "book" / bundle[0].split("?")[0]).resolve()
    code = path.read_text(encoding="utf-8")
    # Vega alone: the pages carry their charts compiled to Vega, each the compiled figure spec
    assert ".vega={}" in code[:300] and f'version="{vlc.get_vega_version()}"' in code, code[:300]
    assert "vegaLite" not in code and "vegaEmbed" not in code
    drawn = [json.loads(b) for b in re.findall(r'class="nk-chart-spec">(.*?)</script>', chapter, re.S)]
    assert drawn == [vlc.vegalite_to_vega(s, vl_version=VL_VERSION) for s in
                     chart_specs(html_dir / "book" / "background.html")]
    assert all(s["$schema"].startswith("https://vega.github.io/schema/vega/v6") for s in drawn)
    bib = (html_dir / "book" / "bibliography.html").read_text(encoding="utf-8")
    assert "nk-vega-" not in bib, "pages without charts should not load the chart bundle"


def chapter_window(frame):
    return frame[(frame["date"] >= "2024-06-01") & (frame["date"] <= "2025-04-30")]


def test_glued_numbers_equal_counts_from_the_data(chapter, nk):
    # the chapter glues one number into its prose: the smallest of four governments' troop
    # figures by 5 November 2024 (the others are in the charts and tables)
    estimates = nk.load("estimates").set_index("id")
    ten_k = ["ES-20241016-hur-source-10000", "ES-20241028-pentagon-10000-russia",
             "ES-20241101-ukdi-10000-in-russia", "ES-20241105-rok-mnd-10000-kursk"]
    pasted = re.findall(r'<span class="pasted-text">([^<]*)</span>', chapter)
    assert pasted == [f"{int(estimates.loc[ten_k, 'value'].min()):,}"]


def test_key_statements_table_lists_sources(chapter, nk):
    table = re.search(r'<table[^>]*id="tbl-ch2-key-statements".*?</table>', chapter, re.S)
    assert table, "the key-statements table is missing"
    body = table.group(0)
    statements = chapter_window(nk.load("statements"))
    key = statements[statements["actor"].isin(["Russia", "DPRK"]) & (statements["date"] >= "2024-10-01")]
    assert body.count("<tr") == len(key) + 1
    assert body.count('href="bibliography.html#') >= len(key)


def test_bibliography_lists_every_source(html_dir, nk):
    page = (html_dir / "book" / "bibliography.html").read_text(encoding="utf-8")
    # one list item per source in the citation list (book/_ext/nkbook_a11y.py)
    entries = re.findall(r'<div class="citation" id="[^"]+" role="listitem">', page)
    assert len(entries) == len(nk.load("sources"))
    for url in nk.load("sources")["url"].head(5):
        assert url.replace("&", "&amp;") in page


def test_codebook_documents_every_table_and_column(html_dir, nk):
    page = (html_dir / "book" / "data-methods.html").read_text(encoding="utf-8")
    for res in nk.package()["resources"]:
        anchor = "tbl-codebook-" + res["name"].replace("_", "-")
        table = re.search(rf'<table[^>]*id="{anchor}".*?</table>', page, re.S)
        assert table, f"no codebook table for {res['name']}"
        for field in res["schema"]["fields"]:
            assert f"<p>{field['name']}</p>" in table.group(0), f"{res['name']}.{field['name']}"
    for section in ("data-methods-stance", "data-methods-sources", "data-methods-dates",
                    "data-methods-inclusion", "data-methods-disagreements",
                    "data-methods-confidence", "data-methods-gaps"):
        assert f'id="{section}"' in page


def test_downloads_are_in_the_built_site(html_dir):
    page = (html_dir / "book" / "data-download.html").read_text(encoding="utf-8")
    links = re.findall(r'href="(\.\./_downloads/[^"]+)"', page)
    names = {link.rsplit("/", 1)[-1] for link in links}
    expected = {"events.csv", "statements.csv", "estimates.csv", "legal.csv", "sources.csv",
                "scorecard.csv", "glossary.csv", "exclusions.csv", "datapackage.json",
                "references.bib"}
    assert expected <= names, expected - names
    for link in links:
        target = (html_dir / "book" / link).resolve()
        assert target.exists() and target.stat().st_size > 0, link


def test_chronology_lists_every_event(html_dir, nk):
    page = (html_dir / "book" / "data-download.html").read_text(encoding="utf-8")
    table = re.search(r'<table[^>]*id="tbl-chronology".*?</table>', page, re.S)
    assert table
    events = nk.load("events")
    assert table.group(0).count("<tr") == len(events) + 1
    for row_id in events["id"]:
        assert row_id in table.group(0)

"""Every citation in the formats reference managers import: BibTeX, RIS and CSL-JSON files
for the book, each page and each figure, linked from the page, each parsed by a maintained
library (pybtex, rispy, jsonschema with the published CSL-JSON schema); the same record in
all three, with the version and date of CITATION.cff and, in a build with a base URL, its
address. Also the sitemap and OpenGraph image (only with a base URL) and ``.zenodo.json``.

Each check is a function that raises on a bad file; the ``*_rejects_*`` tests feed it broken
copies, so the checks are shown to fail."""

from __future__ import annotations

import html as htmllib
import json
import re
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import ROOT
from nkbook import figures

SCHEMAS = ROOT / "tests" / "schemas"
LINKS = re.compile(r'<p class="nk-cite-files">Download the citation of ([^:]+): (.*?)</p>', re.S)
HREF = re.compile(r'<a href="([^"]+)" download>citation \(([^)]+)\)</a>')
FORMATS = {".bib": "BibTeX", ".ris": "RIS", ".json": "CSL-JSON"}
BIB_TYPES = {"book": "book", "chapter": "incollection", "figure": "incollection", "dataset": "misc"}
RIS_TYPES = {"book": "BOOK", "chapter": "CHAP", "figure": "FIGURE", "dataset": "DATA"}


@pytest.fixture(scope="module")
def cff() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def cited_files(html_dir: Path) -> list[tuple[Path, str, str]]:
    """(files without suffix, kind, whose) of every citation-download line of the book,
    after checking that it links the three formats and that they exist."""
    found = []
    for page in sorted((html_dir / "book").glob("*.html")):
        for whose, links in LINKS.findall(page.read_text(encoding="utf-8")):
            hrefs = HREF.findall(links)
            assert [name for _, name in hrefs] == list(FORMATS.values()), f"{page.name}: {links}"
            stems = {str((page.parent / h).resolve().with_suffix("")) for h, _ in hrefs}
            assert len(stems) == 1, f"{page.name}: the three links name different files: {hrefs}"
            for href, _ in hrefs:
                assert (page.parent / href).resolve().is_file(), f"{page.name}: {href} missing"
            kind = ("book" if whose in ("this book", "the book") else
                    "dataset" if whose == "the data set" else
                    "figure" if whose.startswith("figure ") else "chapter")
            found.append((Path(stems.pop()), kind, f"{page.name}: {whose}"))
    return found


# ---- one check per format: raises on a file that does not parse or is not this citation ----


def check_bibtex(text: str, kind: str, cff: dict, url: str | None) -> dict:
    from pybtex.database import parse_string

    entries = parse_string(text, "bibtex").entries  # strict: a syntax error raises
    assert len(entries) == 1, f"{len(entries)} BibTeX entries"
    (key, entry), = entries.items()
    assert entry.type == BIB_TYPES[kind], entry.type
    fields = entry.fields
    assert fields["edition"] == cff["version"] and fields["year"] == str(cff["date-released"])[:4]
    assert str(cff["date-released"]) in fields["note"]
    authors = [str(p) for p in entry.persons["author"]]
    assert authors == ["{" + cff["authors"][0]["name"] + "}"], authors  # one entity, braced
    assert fields.get("url") == url, (fields.get("url"), url)
    return {"id": key, "title": fields["title"], "url": fields.get("url")}


def check_ris(text: str, kind: str, cff: dict, url: str | None) -> dict:
    import rispy

    records = rispy.loads(text)  # lenient: a record without ER is dropped, unknown tags kept
    assert len(records) == 1, f"{len(records)} RIS records"
    record = records[0]
    assert "unknown_tag" not in record, record.get("unknown_tag")
    assert record["type_of_reference"] == RIS_TYPES[kind], record["type_of_reference"]
    assert record["edition"] == cff["version"], record.get("edition")
    assert record["date"] == str(cff["date-released"]).replace("-", "/")
    assert record["authors"] == [cff["authors"][0]["name"]]
    assert record.get("urls", [None])[0] == url, (record.get("urls"), url)
    return {"id": record["id"], "title": record["title"], "url": url}


CSL_SCHEMA = json.loads((SCHEMAS / "csl-data.json").read_text(encoding="utf-8"))


def check_csl(text: str, kind: str, cff: dict, url: str | None) -> dict:
    items = json.loads(text)
    jsonschema.Draft7Validator(CSL_SCHEMA).validate(items)
    assert len(items) == 1, f"{len(items)} CSL items"
    item = items[0]
    assert item["type"] == kind, item["type"]
    assert item["version"] == item["edition"] == cff["version"]
    released = [int(p) for p in str(cff["date-released"]).split("-")]
    assert item["issued"] == {"date-parts": [released]}, item["issued"]
    assert item["author"] == [{"literal": cff["authors"][0]["name"]}]
    assert item.get("URL") == url, (item.get("URL"), url)
    return {"id": item["id"], "title": item["title"], "url": url}


CHECKS = {".bib": check_bibtex, ".ris": check_ris, ".json": check_csl}


def check_citation_files(html_dir: Path, cff: dict, base: str | None) -> int:
    """Every citation download of the build: three files, each parsed, one and the same
    citation (key, title, address: the page's under ``base``, none without)."""
    found = cited_files(html_dir)
    kinds = {kind for _, kind, _ in found}
    assert kinds == {"book", "chapter", "figure", "dataset"}, kinds
    for stem, kind, where in found:
        if base is None:
            url = None
        else:  # the address of the page (and anchor) the citation is for
            bib = stem.with_suffix(".bib").read_text(encoding="utf-8")
            url = re.search(r"url = \{([^}]*)\}", bib)[1]
            assert url.startswith(base + "/"), f"{where}: {url}"
            assert (html_dir / url[len(base) + 1:].split("#")[0]).is_file(), f"{where}: {url}"
        parsed = [CHECKS[suffix](stem.with_name(stem.name + suffix).read_text(encoding="utf-8"),
                                 kind, cff, url) for suffix in FORMATS]
        assert parsed[0] == parsed[1] == parsed[2], f"{where}: the formats disagree: {parsed}"
    return len(found)


def test_book_chapters_and_figures_offer_three_citation_files(html_dir, cff):
    assert check_citation_files(html_dir, cff, base=None) >= 8 + 12 + 2  # chapters, charts, book
    # on the How-to-cite page too, and the figures' beside their data and images
    cite = (html_dir / "book" / "how-to-cite.html").read_text(encoding="utf-8")
    assert 'href="../_citations/book.ris" download>citation (RIS)</a>' in cite
    assert 'href="../_figures/fig-ch2-timeline.json" download>citation (CSL-JSON)</a>' in (
        html_dir / "book" / "background.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def good(html_dir):
    read = lambda suffix: (html_dir / "_citations" / f"background{suffix}").read_text(encoding="utf-8")
    return {suffix: read(suffix) for suffix in FORMATS}


def test_bibtex_check_rejects_broken_copies(good, cff):
    from pybtex.scanner import PybtexSyntaxError

    check_bibtex(good[".bib"], "chapter", cff, None)
    with pytest.raises(PybtexSyntaxError):
        check_bibtex(good[".bib"].rstrip().rstrip("}"), "chapter", cff, None)  # unclosed entry
    with pytest.raises(AssertionError):
        check_bibtex(good[".bib"] + "\n" + good[".bib"].replace("{nk_", "{other_", 1),
                     "chapter", cff, None)  # two entries
    with pytest.raises(AssertionError):
        check_bibtex(good[".bib"].replace(cff["version"], "0.0.1"), "chapter", cff, None)


def test_ris_check_rejects_broken_copies(good, cff):
    check_ris(good[".ris"], "chapter", cff, None)
    with pytest.raises(AssertionError):
        check_ris(good[".ris"].replace("ER  - \n", ""), "chapter", cff, None)  # no record
    with pytest.raises(AssertionError):
        check_ris(good[".ris"].replace("LA  - en", "XX  - en"), "chapter", cff, None)
    with pytest.raises(AssertionError):
        check_ris(good[".ris"].replace("TY  - CHAP", "TY  - BOOK"), "chapter", cff, None)


def test_csl_check_rejects_broken_copies(good, cff):
    check_csl(good[".json"], "chapter", cff, None)
    item = json.loads(good[".json"])[0]
    for broken in ({k: v for k, v in item.items() if k != "type"},  # type is required
                   dict(item, type="chapter-of-a-book"),  # not a CSL type
                   dict(item, booktitle=item["container-title"]),  # not a CSL variable
                   dict(item, issued="2026-12-01")):  # dates are date-parts objects
        with pytest.raises(jsonschema.ValidationError):
            check_csl(json.dumps([broken]), "chapter", cff, None)


# ---- with and without a base URL: sitemap and OpenGraph image ----


def test_no_sitemap_or_og_image_without_a_base_url(html_dir):
    assert not (html_dir / "sitemap.xml").exists()
    for page in (html_dir / "book").glob("*.html"):
        assert 'property="og:image' not in page.read_text(encoding="utf-8"), page.name


def check_sitemap(html_dir: Path, base: str) -> list[str]:
    """sitemap.xml parses, and lists every page of the book (not search or genindex) under
    ``base``, each an existing file; return its addresses."""
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.parse(html_dir / "sitemap.xml").getroot()
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset", root.tag
    locs = [loc.text for loc in root.findall("s:url/s:loc", ns)]
    assert len(locs) == len(set(locs)), "a page listed twice"
    for loc in locs:
        assert loc.startswith(base + "/"), loc
        assert (html_dir / loc[len(base) + 1:]).is_file(), f"{loc}: no such page"
    pages = {f"{base}/{p.relative_to(html_dir).as_posix()}" for p in (html_dir / "book").glob("*.html")}
    pages -= {f"{base}/book/{name}.html" for name in ("search", "genindex")}
    assert pages and pages <= set(locs), f"pages missing from the sitemap: {sorted(pages - set(locs))}"
    assert not [loc for loc in locs if loc.endswith(("/search.html", "/genindex.html"))]
    return locs


def vl_spec(html_dir: Path, figid: str) -> dict:
    """The chart's Vega-Lite spec, its figure's download (the page draws it compiled to Vega)."""
    return json.loads((html_dir / "_figures" / f"{figid}.vl.json").read_text(encoding="utf-8"))


def check_og_images(html_dir: Path, base: str) -> int:
    """On each page with a chart: og:image is its first chart's PNG, which exists, with the
    PNG's type and size and the chart's text alternative; pages without one have none."""
    count = 0
    for page in sorted((html_dir / "book").glob("*.html")):
        text = page.read_text(encoding="utf-8")
        og = {k: htmllib.unescape(v) for k, v in
              re.findall(r'<meta property="(og:image[a-z:]*)" content="([^"]*)"', text)}
        first = re.search(r'data-figure="(fig-[^"]+)"', text)
        if not first:
            assert not og, f"{page.name}: og:image without a chart"
            continue
        count += 1
        assert og["og:image"] == f"{base}/_figures/{first[1]}.png", (page.name, og)
        png = (html_dir / "_figures" / f"{first[1]}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and og["og:image:type"] == "image/png"
        assert (int(og["og:image:width"]), int(og["og:image:height"])) == struct.unpack(">II", png[16:24])
        assert og["og:image:alt"] == figures.alt_text(vl_spec(html_dir, first[1])), page.name
    return count


def check_based_build(html_dir: Path, base: str) -> None:
    """Everything this module checks that depends on the base URL (tests/test_publish.py runs
    it on its build with NKBOOK_BASE_URL set)."""
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    check_citation_files(html_dir, cff, base)
    assert len(check_sitemap(html_dir, base)) >= 15
    assert check_og_images(html_dir, base) >= 7  # every chapter but the scorecard has a chart


def test_sitemap_check_rejects_a_broken_sitemap(tmp_path, html_dir):
    base = "https://example.org/nk"
    page = f"{base}/book/background.html"
    good = ('<?xml version="1.0" encoding="utf-8"?><urlset xmlns='
            '"http://www.sitemaps.org/schemas/sitemap/0.9">{}</urlset>')
    all_pages = "".join(f"<url><loc>{base}/{p.relative_to(html_dir).as_posix()}</loc></url>"
                        for p in sorted((html_dir / "book").glob("*.html"))
                        if p.stem not in ("search", "genindex"))
    for broken in (good.format(f"<url><loc>{page}</loc></url>"),  # pages missing
                   good.format(all_pages.replace(base, "https://example.org/other")),
                   good.format(all_pages + f"<url><loc>{base}/book/nothing.html</loc></url>"),
                   good.format(all_pages)[:-5]):  # not well-formed
        (html_dir / "sitemap.xml").write_text(broken, encoding="utf-8")
        try:
            with pytest.raises((AssertionError, ET.ParseError)):
                check_sitemap(html_dir, base)
        finally:
            (html_dir / "sitemap.xml").unlink()
    (html_dir / "sitemap.xml").write_text(good.format(all_pages), encoding="utf-8")
    try:
        check_sitemap(html_dir, base)
    finally:
        (html_dir / "sitemap.xml").unlink()


# ---- .zenodo.json ----

ZENODO_SCHEMA = json.loads((SCHEMAS / "zenodo-metadata.json").read_text(encoding="utf-8"))


def check_zenodo(record: dict, cff: dict) -> None:
    jsonschema.Draft7Validator(ZENODO_SCHEMA).validate(record)
    assert "doi" not in record, "no DOI before Zenodo assigns one"
    for field in ("title", "description", "access_right", "upload_type", "creators"):
        assert record.get(field), f".zenodo.json: no {field}"
    assert (record["title"], record["version"], record["publication_date"], record["license"]) == (
        cff["title"], cff["version"], str(cff["date-released"]), cff["license"])
    assert record["keywords"] == cff["keywords"]
    assert record["creators"] == [{"name": a["name"]} for a in cff["authors"]]


def test_zenodo_json_is_generated_from_citation_cff_and_valid(nk, cff):
    text = nk.ZENODO_PATH.read_text(encoding="utf-8")
    assert text == nk.zenodo(), ".zenodo.json is stale: run python3 run.py zenodo"
    check_zenodo(json.loads(text), cff)


def test_zenodo_check_rejects_broken_copies(nk, cff):
    record = json.loads(nk.zenodo())
    for broken in (dict(record, doi="10.5281/zenodo.1"), dict(record, language="English"),
                   dict(record, licence=record["license"]), dict(record, version="0.0.1"),
                   {k: v for k, v in record.items() if k != "title"}):
        with pytest.raises((AssertionError, jsonschema.ValidationError)):
            check_zenodo(broken, cff)


def test_a_stale_zenodo_json_fails_the_build(nk, monkeypatch, tmp_path):
    import run

    stale = tmp_path / ".zenodo.json"
    stale.write_text(nk.zenodo().replace(nk.zenodo().split('"version": "')[1].split('"')[0],
                                         "0.0.1"), encoding="utf-8")
    monkeypatch.setattr(nk, "ZENODO_PATH", stale)
    monkeypatch.setattr(run, "nkbook", lambda: nk)
    monkeypatch.setenv("NKBOOK_VALIDATED_DATA", "")
    with pytest.raises(SystemExit):
        run.check_data()
    stale.unlink()
    with pytest.raises(SystemExit):  # missing
        run.check_data()


def test_og_image_check_rejects_wrong_tags(tmp_path, html_dir):
    """On a copy of a built chapter given og:image tags: the right ones pass, a wrong size,
    address, type or text alternative fails, and so does an og:image on a page without chart."""
    import shutil

    base = "https://example.org/nk"
    text = (html_dir / "book" / "background.html").read_text(encoding="utf-8")
    figid = re.search(r'data-figure="(fig-[^"]+)"', text)[1]
    (tmp_path / "book").mkdir()
    (tmp_path / "_figures").mkdir()
    for suffix in (".png", ".vl.json"):
        shutil.copy(html_dir / "_figures" / f"{figid}{suffix}", tmp_path / "_figures")
    width, height = struct.unpack(">II", (tmp_path / "_figures" / f"{figid}.png").read_bytes()[16:24])
    alt = figures.alt_text(vl_spec(tmp_path, figid))
    right = {"og:image": f"{base}/_figures/{figid}.png", "og:image:type": "image/png",
             "og:image:width": str(width), "og:image:height": str(height), "og:image:alt": alt}

    def page(tags: dict, name: str = "background.html", body: str = text) -> None:
        meta = "".join(f'<meta property="{k}" content="{htmllib.escape(v)}" />' for k, v in tags.items())
        (tmp_path / "book" / name).write_text(body.replace("<head>", "<head>" + meta, 1), encoding="utf-8")

    page(right)
    assert check_og_images(tmp_path, base) == 1
    for wrong in ({"og:image:width": str(width + 1)}, {"og:image": f"{base}/_figures/other.png"},
                  {"og:image:type": "image/svg+xml"}, {"og:image:alt": "A chart."}):
        page(dict(right, **wrong))
        with pytest.raises((AssertionError, KeyError, FileNotFoundError)):
            check_og_images(tmp_path, base)
    page(right)
    page(right, "glossary.html", (html_dir / "book" / "glossary.html").read_text(encoding="utf-8"))
    with pytest.raises(AssertionError):
        check_og_images(tmp_path, base)

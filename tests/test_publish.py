"""Publishing and citing: CITATION.cff, licences, version and cut-off on every page and in
the PDF, citation meta tags, "Cite this chapter" blocks, the How-to-cite and changelog pages,
and the deployment workflow."""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest
import yaml

from conftest import ROOT, build_copy, copy_project

CUTOFF_TEXT = "data cut-off 22 December 2025"


@pytest.fixture(scope="module")
def cff() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def book_pages(html_dir):
    return sorted((html_dir / "book").glob("*.html"))


def test_citation_cff_is_valid(cff):
    import jsonschema

    schema = json.loads((ROOT / "tests" / "schemas" / "citation-file-format-1.2.0.json").read_text())
    jsonschema.validate(json.loads(json.dumps(cff, default=str)), schema)
    assert cff["license"] == "CC-BY-4.0" and cff["version"] and cff["date-released"]


def test_citation_cff_validator_rejects_a_broken_file(cff):
    import jsonschema

    schema = json.loads((ROOT / "tests" / "schemas" / "citation-file-format-1.2.0.json").read_text())
    broken = dict(cff, **{"cff-version": "1.2.0"})
    broken.pop("authors")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(json.loads(json.dumps(broken, default=str)), schema)


def test_licence_files():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "CC BY 4.0" in text and "MIT" in text and "Third-party material" in text
    assert "Permission is hereby granted, free of charge" in (ROOT / "LICENSE-CODE").read_text()


def test_every_page_shows_version_cutoff_licence_and_links(html_dir, cff):
    pages = book_pages(html_dir)
    assert len(pages) >= 14
    for page in pages:
        text = page.read_text(encoding="utf-8")
        line = re.search(r'<p class="nk-edition">(.*?)</p>', text, re.S)
        assert line, f"{page.name}: no edition line"
        assert f"Version {cff['version']}" in line.group(1) and CUTOFF_TEXT in line.group(1)
        for target in ("book.pdf", "data-download.html", "how-to-cite.html", "changelog.html"):
            if target == page.name:  # a page's link to itself is "#"
                continue
            href = re.search(rf'href="([^"]*{re.escape(target)})"', line.group(1))
            assert href, f"{page.name}: no link to {target}"
            assert (page.parent / href.group(1)).resolve().exists(), f"{page.name}: {href.group(1)}"
        assert "CC BY 4.0" in text and "Last updated on" in text


def test_every_page_has_citation_meta_tags(html_dir, cff):
    for page in book_pages(html_dir):
        text = page.read_text(encoding="utf-8")
        tags = dict(re.findall(r'<meta name="(citation_[a-z_]+)" content="([^"]*)"', text))
        og = dict(re.findall(r'<meta property="(og:[a-z_]+)" content="([^"]*)"', text))
        for name in ("citation_title", "citation_author", "citation_publication_date",
                     "citation_pdf_url", "citation_language"):
            assert tags.get(name), f"{page.name}: no {name}"
        assert tags["citation_publication_date"] == str(cff["date-released"]).replace("-", "/")
        assert (page.parent / tags["citation_pdf_url"]).resolve().exists()
        assert og.get("og:title") and og.get("og:type") and og.get("og:site_name")
        if page.stem not in ("intro",):
            assert tags.get("citation_book_title") == cff["title"]


CHAPTERS = ["summary", "background", "legitimacy", "visit", "cobelligerent", "relations",
            "domestic", "scorecard"]


@pytest.mark.parametrize("number,stem", list(enumerate(CHAPTERS, start=1)))
def test_every_chapter_has_a_cite_block(html_dir, cff, number, stem):
    text = (html_dir / "book" / f"{stem}.html").read_text(encoding="utf-8")
    block = re.search(r'<section class="nk-cite" id="cite-this-page".*?</section>', text, re.S)
    assert block and "Cite this chapter" in block.group(0)
    body = block.group(0)
    title = re.search(r'<meta name="citation_title" content="([^"]*)"', text).group(1)
    import html as html_lib
    assert html_lib.unescape(title) in html_lib.unescape(body)
    for needle in (f"chapter {number}", f"Version {cff['version']}", CUTOFF_TEXT,
                   f"book/{stem}.html", "@incollection", f"chapter = {{{number}}}",
                   cff["authors"][0]["name"]):
        assert needle in html_lib.unescape(body), f"{stem}: {needle!r} missing from the cite block"
    # every explicit section label of the chapter can be cited
    labels = set(re.findall(r'<span id="(ch-[a-z]+-[a-z0-9-]+)"></span>', text))
    for label in labels:
        assert f"book/{stem}.html#{label}" in body, f"{stem}: no citation for section {label}"
    assert len(labels) >= 2


def test_how_to_cite_and_changelog_pages(html_dir, cff):
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    assert "book/how-to-cite" in toc and "book/changelog" in toc
    cite = (html_dir / "book" / "how-to-cite.html").read_text(encoding="utf-8")
    assert '<div class="nk-book-citation"><div class="highlight"><pre>' in cite
    assert "@book{" in cite and "original source" in cite
    log = (html_dir / "book" / "changelog.html").read_text(encoding="utf-8")
    assert f"{cff['version']} — {cff['date-released']}" in log
    assert f"## {cff['version']} — {cff['date-released']}" in (ROOT / "CHANGELOG.md").read_text()


def test_pdf_title_page_and_lists(pdf_path, cff):
    first = subprocess.run(["pdftotext", "-l", "2", str(pdf_path), "-"], capture_output=True,
                           text=True, check=True).stdout
    assert f"Version {cff['version']}" in first and CUTOFF_TEXT in first
    full = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, text=True).stdout
    assert "LIST OF FIGURES" in full.upper() and "LIST OF TABLES" in full.upper()


def test_deployment_workflow_uses_the_readme_command():
    flow = yaml.safe_load((ROOT / ".github" / "workflows" / "book.yml").read_text(encoding="utf-8"))
    steps = json.dumps(flow)
    assert "./.ci/run" in steps and "NKBOOK_BASE_URL" in steps
    assert "actions/deploy-pages" in steps and "gh release create" in steps
    # the site is the editions, assembled from every tag as tests/test_editions.py does
    jobs = flow["jobs"]
    assert "python3 run.py editions --site-url" in json.dumps(jobs["editions"])
    checkout = next(s for s in jobs["editions"]["steps"] if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    assert jobs["deploy"]["needs"] == "editions"
    assert "upload-pages-artifact" not in json.dumps(jobs["build"])  # main is not published
    assert "python3 run.py test" in (ROOT / ".ci" / "run").read_text()


def test_public_address_from_the_environment(tmp_path):
    """With NKBOOK_BASE_URL set (as the workflow does), pages carry absolute addresses."""
    project = copy_project(tmp_path)
    build_copy(project, env=dict(os.environ, NKBOOK_BASE_URL="https://example.org/nk-book"))
    page = (project / "_build" / "html" / "book" / "background.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://example.org/nk-book/book/background.html"' in page
    assert 'content="https://example.org/nk-book/book/background.html"' in page  # og:url
    assert "url = {https://example.org/nk-book/book/background.html}" in page
    assert 'name="citation_pdf_url" content="https://example.org/nk-book/book.pdf"' in page
    # the citation files, sitemap.xml and og:image, under the same address
    from test_citation_formats import check_based_build, check_sitemap

    check_based_build(project / "_build" / "html", "https://example.org/nk-book")
    # an incremental build writes only the changed page: the sitemap still lists them all
    glossary = project / "book" / "glossary.md"
    glossary.write_text(glossary.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    build_copy(project, env=dict(os.environ, NKBOOK_BASE_URL="https://example.org/nk-book"))
    check_sitemap(project / "_build" / "html", "https://example.org/nk-book")
    # then a local build, without a base URL: no sitemap (not even the last one), no og:image
    build_copy(project, env={k: v for k, v in os.environ.items() if k != "NKBOOK_BASE_URL"})
    assert not (project / "_build" / "html" / "sitemap.xml").exists()
    assert 'property="og:image"' not in (project / "_build" / "html" / "book" / "background.html").read_text(encoding="utf-8")

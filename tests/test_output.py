"""The built site as output: internal links resolve, text from the data is always escaped,
and a second clean build gives identical charts and tables."""

from __future__ import annotations

import csv
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from conftest import build_copy, copy_project


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        for key in ("href", "src"):
            if a.get(key) and tag in {"a", "link", "script", "img"}:
                self.links.append(a[key])


def parse(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_internal_links_have_targets(html_dir, nk):
    pages = [p for p in html_dir.rglob("*.html") if "_static" not in p.parts]
    # the explore page draws its rows (and their ids) in the browser: a link to one of them
    # must name a row of its tables (tests/test_explore.py opens such links in Chromium)
    rows = {i for name in ("events", "statements", "estimates") for i in nk.load(name)["id"]}
    explore = (html_dir / "book" / "explore.html").resolve()
    parsed = {p.resolve(): parse(p) for p in pages}
    broken = []
    for page, links in parsed.items():
        for link in links.links:
            url = urlparse(link)
            if url.scheme or link.startswith(("//", "mailto:", "javascript:")):
                continue
            target = page if not url.path else (page.parent / unquote(url.path)).resolve()
            if not target.exists():
                broken.append(f"{page.relative_to(html_dir.resolve())}: {link}")
                continue
            if url.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else parse(target).ids
                ids = ids | rows if target == explore else ids
                if unquote(url.fragment) not in ids:
                    broken.append(f"{page.relative_to(html_dir.resolve())}: {link} (no such anchor)")
    assert not broken, "\n".join(broken[:30])
    assert sum(len(l.links) for l in parsed.values()) > 1000


def chapter_outputs(html_dir: Path) -> dict[str, list[str]]:
    out = {}
    for page in sorted((html_dir / "book").glob("*.html")):
        text = page.read_text(encoding="utf-8")
        specs = re.findall(r'<script type="application/json" class="nk-chart-spec">(.*?)</script>', text, re.S)
        tables = re.findall(r"<table.*?</table>", text, re.S)
        out[page.name] = specs + tables
    return out


def build(project: Path) -> None:
    build_copy(project)


def test_two_clean_builds_give_identical_charts_and_tables(tmp_path, html_dir):
    project = copy_project(tmp_path)
    build(project)
    first, second = chapter_outputs(html_dir), chapter_outputs(project / "_build" / "html")
    assert first.keys() == second.keys()
    for name in first:
        assert first[name] == second[name], f"{name}: charts or tables differ between builds"
    assert sum(len(v) for v in first.values()) > 30


INJECTED = '<script>alert("injected")</script> <b>bold</b> <img src=x onerror=alert(1)> & more'


def test_text_from_the_data_is_escaped_everywhere(tmp_path):
    project = copy_project(tmp_path)
    path = project / "data" / "statements.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, list(reader)
    template = next(r for r in rows if r["actor"] == "Russia" and r["date"] == "2024-10-21")
    rows.append(dict(template, id="ST-20250120-injected-markup", date="2025-01-20",
                     speaker=INJECTED, summary="Injected: " + INJECTED, quote="", quote_language="",
                     quote_rendering="", quote_translator="",
                     registry_ids="", disagreement="", note=""))
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    build(project)
    page = (project / "_build" / "html" / "book" / "background.html").read_text(encoding="utf-8")
    for raw in ('<script>alert("injected")', "<b>bold</b>", "<img src=x"):
        assert raw not in page, f"unescaped markup in the page: {raw}"
    assert "&lt;script&gt;alert" in page            # shown as text in the statements table
    summary = (project / "_build" / "html" / "book" / "summary.html").read_text(encoding="utf-8")
    for raw in ('<script>alert("injected")', "<b>bold</b>", "<img src=x"):
        assert raw not in summary, f"unescaped markup in the summary: {raw}"
    assert "\\u003cscript\\u003ealert" in summary    # inert inside the stance chart's JSON spec
    # and in a real browser nothing runs: no alert, the chart draws, the text is visible
    if shutil.which("chromium") and shutil.which("chromedriver"):
        from selenium import webdriver
        from selenium.common.exceptions import NoAlertPresentException
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium")
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--host-resolver-rules=MAP * ~NOTFOUND"):
            options.add_argument(arg)
        driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
        try:
            driver.get((project / "_build" / "html" / "book" / "background.html").as_uri())
            import time

            time.sleep(3)
            with pytest.raises(NoAlertPresentException):
                driver.switch_to.alert.text
            text = driver.execute_script("return document.body.innerText")
            assert "<script>alert(" in text and "<b>bold</b>" in text  # shown as text
            assert driver.execute_script("return document.querySelectorAll('.nk-chart-ready').length") == 3
        finally:
            driver.quit()

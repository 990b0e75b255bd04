"""The PDF book: the chapter, its charts as images, real tables, the bibliography, and
Korean and Russian in their own scripts."""

from __future__ import annotations

import re
import subprocess

import pytest

from conftest import LATEX


@pytest.fixture(scope="module")
def pdf_text(pdf_path) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"],
                         capture_output=True, text=True, check=True)
    return re.sub(r"\s+", " ", out.stdout)


@pytest.fixture(scope="module")
def tex() -> str:
    return (LATEX / "book.tex").read_text(encoding="utf-8")


def test_pdf_holds_hangul_and_cyrillic(pdf_text):
    for needle in ("조선중앙통신", "Курская область", "Герасимов отметил роль бойцов КНДР"):
        assert needle in pdf_text, f"{needle!r} not in the PDF text"


def test_latex_log_has_no_missing_glyphs():
    log = (LATEX / "book.log").read_text(encoding="utf-8", errors="replace")
    assert "Missing character" not in log


def test_pdf_has_the_chapter_and_numbered_figures_and_table(pdf_text):
    assert "Background and implications of the acknowledgment".upper() in pdf_text.upper()
    # Chapter 2 of the book: its figures and table are numbered 2.x
    assert re.search(r"Figure 2\.1: Key events", pdf_text)
    assert re.search(r"Figure 2\.2: Published figures of North Korean troops", pdf_text)
    assert re.search(r"Figure 2\.3: Days from Ukraine", pdf_text)
    assert re.search(r"Table 2\.1: Russian and North Korean statements", pdf_text)


def test_pdf_has_every_chapter_in_order(tex, pdf_path):
    chapters = re.findall(r"\\chapter\{(.*?)\}\n", tex)
    expected = ["Summary", "Background and implications of the acknowledgment",
                "Justification as a legitimate act of a normal state",
                "A pretext for Kim Jong Un", "co\\sphinxhyphen{}belligerent",
                "Strengthening Russia", "Managing domestic opinion", "What happened next",
                "Glossary", "Data and methods", "Data downloads", "Bibliography"]
    found = [next((i for i, c in enumerate(chapters) if e in c), -1) for e in expected]
    assert -1 not in found, dict(zip(expected, found))
    assert found == sorted(found), chapters
    info = subprocess.run(["pdfinfo", str(pdf_path)], capture_output=True, text=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) > 50
def test_charts_are_included_as_vector_images(tex):
    graphics = re.findall(r"\\sphinxincludegraphics(?:\[[^\]]*\])?\{\{?([^}]+?)\}?\}", tex)
    pdfs = [g for g in graphics if g.endswith(".pdf") or (LATEX / f"{g}.pdf").exists()]
    assert len(pdfs) >= 2, graphics
    for g in pdfs:
        name = g if g.endswith(".pdf") else f"{g}.pdf"
        assert (LATEX / name).stat().st_size > 5_000


def test_tables_are_real_latex_tables(tex):
    assert re.search(r"\\begin\{longtable\}", tex)
    assert "tbl-ch2-key-statements" in tex


def test_pdf_has_the_bibliography(pdf_text, nk):
    assert "Bibliography" in pdf_text
    sources = nk.load("sources")
    found = [t for t in sources["title"] if t[:40] in pdf_text]
    assert len(found) >= 0.9 * len(sources), f"only {len(found)} of {len(sources)} titles found"


def test_every_html_chart_has_its_image_in_the_pdf(tex, html_dir):
    charts = sum(p.read_text(encoding="utf-8").count('class="nk-chart"')
                 for p in (html_dir / "book").glob("*.html"))
    graphics = re.findall(r"\\sphinxincludegraphics(?:\[[^\]]*\])?\{\{?([^}]+?)\}?\}", tex)
    pdfs = {g for g in graphics if g.endswith(".pdf") or (LATEX / f"{g}.pdf").exists()}
    assert charts >= 10
    assert len(graphics) >= charts, f"{charts} charts in the HTML, {len(graphics)} images in the PDF"
    assert len(pdfs) >= charts - 1  # identical charts share one file

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


# --------------------------------------------------------------------------------------
# The PDF reads like a book: front matter, running head, tables in the text block, captions
# --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pdf_pages(pdf_path) -> list[str]:
    """The text of each page (pdftotext separates pages by form feeds), whitespace collapsed."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"],
                         capture_output=True, text=True, check=True)
    return [re.sub(r"\s+", " ", page).strip() for page in out.stdout.split("\f")]


@pytest.fixture(scope="module")
def latex_log() -> str:
    return (LATEX / "book.log").read_text(encoding="utf-8", errors="replace")


def _first_chapter(pages: list[str]) -> int:
    starts = [i for i, page in enumerate(pages) if re.match(r"CHAPTER ONE\b", page)]
    assert starts, "no page opens chapter one"
    return starts[0]


def test_front_matter_has_no_empty_or_heading_only_page(pdf_pages, pdf_path):
    info = subprocess.run(["pdfinfo", str(pdf_path)], capture_output=True, text=True).stdout
    title = re.search(r"^Title:\s+(.+)$", info, re.M).group(1).strip()
    head = re.compile(r"^" + r"\s+".join(map(re.escape, title.split())) + r",? Version \S+ ?")
    body = _first_chapter(pdf_pages)
    assert 0 < body < 20, body
    for number, page in enumerate(pdf_pages[1:body], start=2):
        words = head.sub("", page).split()
        assert len(words) >= 30, f"page {number} holds only {words}"


def test_contents_appear_once_as_the_table_of_contents(pdf_pages):
    body = _first_chapter(pdf_pages)
    headed = [i for i, page in enumerate(pdf_pages) if re.match(r"(CONTENTS|Contents)\b", page)]
    assert len(headed) == 1, f"pages opening with a Contents heading: {[i + 1 for i in headed]}"
    toc = pdf_pages[headed[0]]
    assert headed[0] < body and re.search(r"\. \. \. \.", toc), toc[:300]
    # chapter 1 on page 1, the appendices listed too, the Introduction before chapter 1
    assert re.search(r"1 Summary 1\b", toc), toc[:300]
    assert re.search(r"Introduction [ivx]+ ", toc), toc[:300]
    assert "Glossary" in " ".join(pdf_pages[headed[0]:body])
    intro = [i for i, page in enumerate(pdf_pages[:body]) if page.startswith("INTRODUCTION")]
    assert intro and intro[0] > headed[0], "the introduction comes after the contents"
    everywhere = [i + 1 for i, page in enumerate(pdf_pages)
                  if re.search(r"(^| )Contents( |$)", page) and i != headed[0]]
    assert not everywhere, f"a 'Contents' heading on pages {everywhere}"


def test_latex_log_has_no_header_height_warning(latex_log):
    assert "Package fancyhdr Warning" not in latex_log
    assert "\\headheight is too small" not in latex_log


def test_nothing_is_wider_than_the_text_block(latex_log, tex):
    """No line, table cell or title wider than its box by more than 3 pt (tables included:
    a cell's word sticking out into the next column is an overfull box too)."""
    lines = tex.splitlines()
    overfull = [(float(pt), int(at)) for pt, at in re.findall(
        r"Overfull \\hbox \(([\d.]+)pt too wide\) (?:in paragraph at lines|in alignment at lines"
        r"|detected at line) (\d+)", latex_log)]
    assert re.search(r"\\begin\{longtable\}", tex)  # the check covers the tables
    wide = [f"{pt:.1f}pt at line {at}: {lines[at - 1][:80]}" for pt, at in overfull if pt > 3]
    assert not wide, f"{len(wide)} overfull boxes:\n" + "\n".join(wide[:20])


def test_every_figure_caption_keeps_its_data_source(pdf_pages, tex):
    body = " ".join(pdf_pages[_first_chapter(pdf_pages):])
    figures = tex.count("\\begin{figure}")
    captions = re.split(r"(?=Figure \d+\.\d+: )", body)[1:]
    numbers = {re.match(r"Figure (\d+\.\d+)", c).group(1) for c in captions}
    assert figures >= 10 and len(numbers) == figures, (figures, sorted(numbers))
    for caption in captions:
        number = re.match(r"Figure (\d+\.\d+)", caption).group(1)
        # (an inline literal may wrap after its dot: "data/statements. csv" in the text)
        assert re.search(r"Data: data/ ?[\w-]+\. ?csv", caption[:900]), \
            f"Figure {number} has no 'Data:' line: {caption[:300]}"


def test_pdf_links_have_targets():
    """Every internal link of the PDF lands somewhere (the judgments' links included)."""
    log = (LATEX / "book.log").read_text(encoding="utf-8", errors="replace")
    dead = re.findall(r"Hyper reference `([^']+)' on page", log.replace("\n", ""))
    assert not dead, f"{len(dead)} PDF links without a target, e.g. {dead[:3]}"

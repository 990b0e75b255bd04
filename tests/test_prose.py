"""The book reads like an analytic briefing: bottom line first, short sentences, what happened
before what the dataset holds, numbered notes, rival explanations weighed, charts that
measure the world. Figures come from tools/prose.py (the same script the closing notes quote).
"""

from __future__ import annotations

import html as html_lib
import json
import re
import subprocess
import sys

import pytest

from conftest import ROOT

CHAPTERS = ["background", "legitimacy", "visit", "cobelligerent", "relations", "domestic"]


@pytest.fixture(scope="module")
def figures():
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "prose.py"), "--json"],
                         capture_output=True, text=True, check=True).stdout
    return {row["chapter"]: row for row in json.loads(out)}


def main_text(page: str) -> str:
    """The words a reader reads in a page's article: no tables, figures, code, notes."""
    body = page[page.index('<article class="bd-article"'):page.index("</article>")]
    for tag in ("table", "figure", "details", "script", "style", "aside"):
        body = re.sub(rf"<{tag}\b.*?</{tag}>", " ", body, flags=re.S)
    body = re.sub(r'<div class="cell_input.*?</div>\s*</div>', " ", body, flags=re.S)
    body = re.sub(r'<section id="ch-[a-z]+-notes".*?</section>', " ", body, flags=re.S)
    body = re.sub(r'<section class="nk-cite".*?</section>', " ", body, flags=re.S)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def test_prose_figures_script_runs_on_every_chapter(figures):
    assert set(CHAPTERS) | {"summary", "scorecard"} <= set(figures)
    for stem, row in figures.items():
        assert row["sentences"] > 5 and row["words"] > 100, row


@pytest.mark.parametrize("stem", CHAPTERS + ["summary", "scorecard"])
def test_sentences_are_short(figures, stem):
    row = figures[stem]
    assert row["mean_sentence_words"] <= 22, f"{stem}: {row['mean_sentence_words']} words a sentence"
    assert row["sentences_over_35_words"] <= max(3, row["sentences"] // 12), row


@pytest.mark.parametrize("stem", CHAPTERS + ["summary", "scorecard"])
def test_the_book_tells_what_happened_not_what_its_data_hold(figures, stem):
    row = figures[stem]
    assert row["the_data_as_subject"] == 0, f"{stem}: 'the data' as a subject {row['the_data_as_subject']}x"
    assert row["the_data"] <= 2, f"{stem}: 'the data' {row['the_data']}x"


def test_summary_is_at_most_900_words(html_dir):
    page = (html_dir / "book" / "summary.html").read_text(encoding="utf-8")
    words = len(main_text(page).split())
    assert 300 <= words <= 900, f"summary: {words} words of prose"


@pytest.mark.parametrize("stem", CHAPTERS)
def test_chapter_opens_with_its_question_and_answer(stem, html_dir, nk):
    judgments = nk.load("judgments")
    answers = judgments[(judgments["chapter"] == f"ch-{stem}") & judgments["question"].notna()]
    assert len(answers) == 1, f"{stem}: {len(answers)} answer rows in data/judgments.csv"
    row = answers.iloc[0]
    page = (html_dir / "book" / f"{stem}.html").read_text(encoding="utf-8")
    article = page[page.index('<article class="bd-article"'):]
    h1 = article.index("</h1>")
    first_block = article.index('class="admonition', h1)
    # nothing but the answer between the title and the answer block (no paragraph first)
    assert "<p>" not in article[h1:first_block], f"{stem}: prose before the answer"
    block = article[first_block:article.index("</div>", article.index(f'id="{row["id"].lower()}"'))]
    text = " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", block)).split())
    assert f"In brief · {row['confidence']} confidence" in text
    assert " ".join(row["question"].split()) in text and "The answer:" in text
    if re.match(r"^(No|Partly)\b", row["wording"]):
        assert re.search(r"The answer: (No|Partly)\b", text)


@pytest.mark.parametrize("stem", CHAPTERS)
def test_citations_are_numbered_notes(stem, html_dir):
    page = (html_dir / "book" / f"{stem}.html").read_text(encoding="utf-8")
    source = (ROOT / "book" / f"{stem}.md").read_text(encoding="utf-8")
    assert "[^" not in source, f"{stem}: a MyST footnote (the notes come from the bibliography)"
    prose = re.sub(r"^```\{code-cell\}.*?^```$", "", source, flags=re.S | re.M)
    assert "{cite:p}" not in prose and "{cite:t}" not in prose, f"{stem}: an author-year citation"
    notes = re.search(r'<section id="ch-[a-z]+-notes".*?</section>', page, re.S)
    assert notes, f"{stem}: no Notes section"
    entries = re.findall(r'<aside class="footnote brackets" id="([^"]+)"', notes.group(0))
    calls = re.findall(r'class="footnote-reference brackets" href="#([^"]+)"', page)
    assert len(entries) >= 8, f"{stem}: {len(entries)} notes"
    assert set(calls) == set(entries), f"{stem}: notes without a call or calls without a note"


@pytest.mark.parametrize("stem", CHAPTERS + ["summary"])
def test_no_generated_description_in_the_body(stem, html_dir):
    page = (html_dir / "book" / f"{stem}.html").read_text(encoding="utf-8")
    assert "Text description of" not in main_text(page), f"{stem}: a generated description in the text"


def _views(spec: dict):
    yield spec
    for key in ("layer", "vconcat", "hconcat", "concat"):
        for sub in spec.get(key, []):
            yield from _views(sub)


def test_no_chart_counts_the_books_rows_or_mixes_quantities(html_dir, nk):
    specs = []
    for page in sorted((html_dir / "book").glob("*.html")):
        text = page.read_text(encoding="utf-8")
        for block in re.findall(r'class="nk-chart-spec">(.*?)</script>', text, re.S):
            specs.append((page.name, json.loads(block)))
    assert len(specs) >= 10, len(specs)
    for name, spec in specs:
        datasets = spec.get("datasets", {})
        for view in _views(spec):
            enc = view.get("encoding", {})
            for channel in ("x", "y"):
                title = str(enc.get(channel, {}).get("title") or "")
                assert not re.search(r"\b(rows?|statements per|events per)\b", title, re.I), \
                    f"{name}: an axis counts the book's rows: {title!r}"
            rows = datasets.get(view.get("data", {}).get("name", ""), [])
            quantities = {r.get("quantity") for r in rows if isinstance(r, dict)} - {None}
            if quantities and "y" in enc and enc["y"].get("type") == "quantitative":
                assert len(quantities) == 1, f"{name}: one axis mixes {sorted(quantities)}"

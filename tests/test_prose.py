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

from conftest import ROOT, chart_specs

CHAPTERS = ["background", "legitimacy", "visit", "cobelligerent", "relations", "domestic"]


@pytest.fixture(scope="module")
def figures():
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "prose.py"), "--json"],
                         capture_output=True, text=True, check=True).stdout
    return {row["chapter"]: row for row in json.loads(out)}


def main_text(page: str) -> str:
    """The words a reader reads in a page's article: no tables, figures, code, notes."""
    body = page[page.index('<article class="bd-article"'):page.index("</article>")]
    # the book's own lines above every page (edition, corrections, notebook links)
    body = re.sub(r'<p class="nk-(edition|corrected|notebook|chart-noscript)".*?</p>', " ", body, flags=re.S)
    for tag in ("table", "figure", "details", "summary", "script", "style", "aside"):
        body = re.sub(rf"<{tag}\b.*?</{tag}>", " ", body, flags=re.S)
    body = re.sub(r'<div class="cell_input.*?</div>\s*</div>', " ", body, flags=re.S)
    body = re.sub(r'<span id="ch-[a-z]+-notes"></span>.*', " ", body, flags=re.S)  # the notes
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
    answers = judgments[(judgments["chapter"] == f"ch-{stem}") & (judgments["question"].fillna("") != "")]
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
    assert f'<span id="ch-{stem}-notes"></span>' in page, f"{stem}: no Notes section"
    notes = page[page.index(f'<span id="ch-{stem}-notes"></span>'):]
    entries = re.findall(r'<aside class="footnote brackets" id="([^"]+)"', notes)
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
        specs += [(page.name, spec) for spec in chart_specs(page)]
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


# --- rival explanations, context, what to watch, the briefing's scorecard -----------------


def test_rival_explanations_are_weighed_in_a_matrix(nk, html_dir):
    hypotheses, ach = nk.load("hypotheses"), nk.load("ach")
    assert len(hypotheses) >= 4
    assert set(ach["hypothesis"]) == set(hypotheses["id"])
    evidence = set(ach["evidence"])
    assert len(evidence) >= 10 and len(ach) == len(evidence) * len(hypotheses)
    assert ach.groupby("evidence")["diagnostic"].first().sum() >= 5, "few rows discriminate"
    page = (html_dir / "book" / "background.html").read_text(encoding="utf-8")
    verdicts = html_lib.unescape(re.search(r'<table[^>]*id="tbl-ch2-verdicts".*?</table>', page, re.S).group(0))
    matrix = re.search(r'<table[^>]*id="tbl-ch2-matrix".*?</table>', page, re.S).group(0)
    for _, h in hypotheses.iterrows():  # named in the verdicts, by code in the matrix's header
        assert h["name"] in verdicts and h["verdict"] in verdicts, h["id"]
        assert f"<p>H{h['rank']}</p>" in verdicts and f"<p>H{h['rank']}</p>" in matrix, h["id"]
    assert matrix.count("<tr") == len(evidence) + 1
    # the chapter's answer rests on rows of the matrix
    answer = nk.load("judgments").set_index("id").loc["JU-background-answer"]
    assert set(answer["evidence"].split("; ")) & evidence, "the answer does not follow from the matrix"


def test_the_missing_context_is_there(nk, html_dir):
    page = (html_dir / "book" / "background.html").read_text(encoding="utf-8")
    for label in ("ch-background-military", "ch-background-ceasefire",
                  "ch-background-implications", "ch-background-watch"):
        assert f'id="{label}"' in page, f"background: no section {label}"
    start = page.index('id="ch-background-implications"')
    implications = html_lib.unescape(page[start:page.index('id="ch-background-watch"')])
    for who in ("South Korea|Seoul", "United States|Washington|US ", "Japan|Tokyo", "NATO",
                "China|Beijing"):
        assert re.search(who, implications), f"implications for {who} missing"
    statements, events = nk.load("statements"), nk.load("events")
    assert (nk.has_code(events, "ceasefire").sum() + nk.has_code(statements, "ceasefire").sum()) >= 10
    assert (statements["actor"] == "China").sum() >= 5
    assert (nk.has_code(statements, "military-gains")).sum() >= 5


def test_what_to_watch_has_a_status_for_every_indicator(nk, html_dir):
    watch = nk.load("watch")
    assert len(watch) >= 8 and watch["status"].notna().all()
    observed = watch[watch["status"] != "not observed"]
    assert (observed["evidence"].fillna("") != "").all(), "an observed indicator without its evidence rows"
    page = (html_dir / "book" / "background.html").read_text(encoding="utf-8")
    table = re.search(r'<table[^>]*id="tbl-ch2-watch".*?</table>', page, re.S).group(0)
    assert table.count("<tr") == len(watch) + 1


def test_the_scorecard_tests_the_briefings_own_expectations(nk, html_dir):
    scorecard, judgments = nk.load("scorecard"), nk.load("judgments").set_index("id")
    assert (scorecard["briefing_where"].fillna("") != "").all(), "an expectation attributed to no place in the briefing"
    linked = scorecard[scorecard["judgment"].fillna("") != ""]
    assert len(linked) >= 6, "few expectations tied to the chapters' judgments"
    for _, row in linked.iterrows():
        assert row["judgment"] in judgments.index, row["id"]
        assert row["confidence"] == judgments.loc[row["judgment"], "confidence"], \
            f"{row['id']}: {row['confidence']} but {row['judgment']} is {judgments.loc[row['judgment'], 'confidence']}"
    page = html_lib.unescape((html_dir / "book" / "scorecard.html").read_text(encoding="utf-8"))
    for where in scorecard["briefing_where"]:
        assert where in page

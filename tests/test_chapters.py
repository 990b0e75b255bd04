"""Every chapter of the book: length, sources, charts with text descriptions, tables,
confidence-marked judgments and cross-references; the summary and the scorecard."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT

CHAPTERS = {  # file stem: (label, minimum words of prose)
    "summary": ("ch-summary", 500),
    "background": ("ch-background", 1000),
    "legitimacy": ("ch-legitimacy", 1000),
    "visit": ("ch-visit", 1000),
    "cobelligerent": ("ch-cobelligerent", 1000),
    "relations": ("ch-relations", 1000),
    "domestic": ("ch-domestic", 1000),
    "scorecard": ("ch-scorecard", 300),
}


def prose_words(stem: str) -> int:
    text = (ROOT / "book" / f"{stem}.md").read_text(encoding="utf-8")
    text = re.sub(r"^---\n.*?\n---\n", "", text, flags=re.S)          # front matter
    text = re.sub(r"```.*?```", "", text, flags=re.S)                  # code cells, directives
    text = re.sub(r"\{(foot)?cite:[pt]\}`[^`]*`", "", text)              # citations
    text = re.sub(r"\{[a-z:]+\}`([^`]*)`", r"\1", text)                 # other roles
    text = re.sub(r"^\(.*\)=$", "", text, flags=re.M)                   # labels
    return len(text.split())


@pytest.fixture(scope="module")
def pages(html_dir):
    return {stem: (html_dir / "book" / f"{stem}.html").read_text(encoding="utf-8") for stem in CHAPTERS}


def test_toc_lists_every_chapter_in_order():
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    positions = [toc.index(f"book/{stem}\n") for stem in CHAPTERS]
    assert positions == sorted(positions)


@pytest.mark.parametrize("stem", CHAPTERS)
def test_chapter_length_and_label(stem, pages, nk):
    label, minimum = CHAPTERS[stem]
    assert f'id="{label}"' in pages[stem]
    words = prose_words(stem)
    if stem == "summary":  # its key judgments are prose rendered from data/judgments.csv
        key = nk.load("judgments").dropna(subset=["summary_rank"])
        words += sum(len(f"{h} {w}".split()) for h, w in zip(key["headline"], key["wording"]))
    assert words >= minimum, f"{stem}: {words} words of prose"


@pytest.mark.parametrize("stem", [s for s in CHAPTERS if s not in ("summary", "scorecard")])
def test_chapter_cites_at_least_8_sources(stem, pages):
    # the prose cites in numbered notes (one per source, in the chapter's Notes section);
    # the tables cite in author-year links to the bibliography
    notes = pages[stem][pages[stem].index(f'id="ch-{stem}-notes"'):]
    cited = set(re.findall(r'<aside class="footnote brackets" id="([^"]+)"', notes))
    assert len(cited) >= 8, f"{stem}: {len(cited)} distinct sources cited"


@pytest.mark.parametrize("stem", [s for s in CHAPTERS if s != "scorecard"])  # a table page
def test_chapter_has_referenced_charts_with_text_alternatives(stem, pages):
    page = pages[stem]
    figures = re.findall(r'<figure[^>]*id="(fig-[^"]+)"', page)
    assert figures, f"{stem}: no labelled figure"
    assert page.count('class="nk-chart"') >= len(figures)
    for fig in figures:
        assert f'href="#{fig}"' in page, f"{stem}: {fig} is never referenced"
    # each chart's text alternative is its description (the aria-label), not body text
    for spec in re.findall(r'class="nk-chart"[^>]*aria-label="([^"]*)"', page):
        assert len(spec) > 30


@pytest.mark.parametrize("stem", [s for s in CHAPTERS if s != "summary"])
def test_chapter_has_a_referenced_table_from_the_data(stem, pages):
    tables = re.findall(r'<table[^>]*id="(tbl-[^"]+)"', pages[stem])
    assert tables, f"{stem}: no labelled table"
    assert any(f'href="#{t}"' in pages[stem] for t in tables), f"{stem}: tables never referenced"


@pytest.mark.parametrize("stem", ["background", "legitimacy", "visit", "cobelligerent",
                                  "relations", "domestic"])
def test_judgments_carry_confidence_levels(stem, pages):
    levels = re.findall(r'<p class="admonition-title">Judgment · (high|moderate|low) confidence</p>',
                        pages[stem])
    assert levels, f"{stem}: no judgment marked with a confidence level"


@pytest.mark.parametrize("stem", ["background", "legitimacy", "visit", "cobelligerent",
                                  "relations", "domestic"])
def test_chapters_link_to_other_chapters(stem, pages):
    others = [label for s, (label, _) in CHAPTERS.items() if s != stem]
    links = re.findall(r'href="([a-z]+)\.html#(ch-[a-z-]+)"', pages[stem])
    assert any(target == other or target.startswith(other + "-") for _, target in links
               for other in others), f"{stem}: no link to another chapter"


def test_summary_has_key_judgments_with_confidence_and_evidence(pages):
    page = pages["summary"]
    section = page[page.index('id="ch-summary-judgments"'):]
    items = re.findall(r"<li[^>]*>(.*?)</li>", section[: section.index("<table")], re.S)
    assert 6 <= len(items) <= 10, len(items)
    for item in items:
        assert re.search(r"\((high|moderate|low)\s+confidence[;)]", item), item[:120]
        assert re.search(r'href="[a-z]+\.html#ch-', item), "each judgment links to its chapter"
    table = re.search(r'<table[^>]*id="tbl-summary-evidence".*?</table>', page, re.S).group(0)
    for n in range(1, len(items) + 1):
        assert re.search(rf"<td><p>{n}</p></td>", table), f"no evidence rows for judgment {n}"


def test_scorecard_covers_every_expectation(pages, nk):
    page = pages["scorecard"]
    scorecard = nk.load("scorecard")
    table = re.search(r'<table[^>]*id="tbl-scorecard".*?</table>', page, re.S).group(0)
    assert table.count("<tr") == len(scorecard) + 1
    for outcome in scorecard["outcome"].unique():
        assert outcome in table


def test_scorecard_evidence_rows_exist(nk):
    import pandas as pd

    ids = set(pd.concat([nk.load(t)["id"] for t in ("events", "statements", "estimates", "legal")]))
    for _, row in nk.load("scorecard").iterrows():
        missing = [i for i in row["evidence"].split("; ") if i not in ids]
        assert not missing, f"{row['id']}: unknown evidence rows {missing}"


def test_glossary_shows_korean_and_russian_forms(html_dir, nk):
    page = (html_dir / "book" / "glossary.html").read_text(encoding="utf-8")
    glossary = nk.load("glossary")
    assert len(glossary) >= 20
    assert re.search(r"[\uac00-\ud7af]", page) and re.search(r"[\u0400-\u04ff]", page)
    for form in glossary.loc[glossary["korean"] != "", "korean"].head(10):
        assert form.split(";")[0].strip() in page

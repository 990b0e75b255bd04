"""Judgments, typed claims, systematic coverage, quote provenance and corrections.

* every judgment of data/judgments.csv is shown in its chapter with its level, and the Summary
  lists the key ones at the same level; no level is typed by hand in a chapter's prose;
* the judgment rules (whose intent, coverage behind a high-confidence negative claim, evidence
  rows that exist) and the quote provenance rules reject a bad copy of the data;
* each ``nk.claim`` quotes its chapter's prose exactly;
* the coverage table and the corrections page show every row of their tables.
"""

from __future__ import annotations

import ast
import csv
import re
import shutil

import pytest

from conftest import ROOT

CHAPTER_FILES = ["summary", "background", "legitimacy", "visit", "cobelligerent", "relations",
                 "domestic", "scorecard"]


def cells(stem: str) -> tuple[str, list[str]]:
    """(the prose of a MyST notebook without its code cells, the code cells' sources)."""
    text = (ROOT / "book" / f"{stem}.md").read_text(encoding="utf-8")
    text = re.sub(r"^---\n.*?\n---\n", "", text, flags=re.S)
    code = re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", text, flags=re.S)
    prose = re.sub(r"```\{code-cell\}.*?```", "", text, flags=re.S)
    return prose, [re.sub(r"^:tags:.*\n", "", c, flags=re.M) for c in code]


def flat(text: str) -> str:
    """Text without emphasis marks, with straight quotes (Sphinx prints curly ones) and
    single spaces."""
    for curly, straight in (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"')):
        text = text.replace(curly, straight)
    return " ".join(text.replace("**", "").replace("*", "").split())


def html_text(fragment: str) -> str:
    import html

    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


# --- judgments in the chapters -----------------------------------------------------------


def test_enough_judgments_for_every_chapter(nk):
    judgments = nk.load("judgments")
    per_chapter = judgments["chapter"].value_counts()
    for label in ("ch-background", "ch-legitimacy", "ch-visit", "ch-cobelligerent",
                  "ch-relations", "ch-domestic"):
        assert per_chapter.get(label, 0) >= 2, f"{label}: {per_chapter.get(label, 0)} judgments"
    assert set(judgments["confidence"]) == {"high", "moderate", "low"}


def test_every_judgment_is_shown_in_its_chapter_at_its_level(nk, html_dir):
    for _, row in nk.load("judgments").iterrows():
        page = (html_dir / "book" / f"{row['chapter'][3:]}.html").read_text(encoding="utf-8")
        anchor = f'id="{row["id"].lower()}"'
        assert page.count(anchor) == 1, f"{row['id']}: {page.count(anchor)} blocks in its chapter"
        start = page.rindex("<div", 0, page.index(anchor))
        block = flat(html_text(page[start:page.index("</div>", page.index(anchor) + 1)]))
        kind = "In brief" if row["question"] else "Judgment"   # a chapter's answer, or another
        assert f"{kind} · {row['confidence']} confidence" in block, block[:200]
        assert flat(row["wording"]) in block, f"{row['id']}: wording not shown"
        for evidence in row["evidence"].split("; "):
            assert evidence in block, f"{row['id']}: evidence {evidence} not shown"


def test_summary_lists_the_key_judgments_at_their_levels(nk, html_dir):
    page = (html_dir / "book" / "summary.html").read_text(encoding="utf-8")
    section = page[page.index('id="ch-summary-judgments"'):]
    items = [flat(html_text(i)) for i in re.findall(r"<li[^>]*>(.*?)</li>", section[:section.index("<table")], re.S)]
    key = nk.load("judgments").dropna(subset=["summary_rank"]).sort_values("summary_rank")
    assert len(items) == len(key) >= 6
    for item, (_, row) in zip(items, key.iterrows()):
        assert item.startswith(f"{flat(row['headline'])} ({row['confidence']} confidence;"), item[:160]
        assert f'#{row["id"].lower()}"' in section, f"{row['id']}: no link to the judgment"


@pytest.mark.parametrize("stem", CHAPTER_FILES)
def test_no_confidence_level_is_typed_in_the_prose(stem):
    prose, _ = cells(stem)
    typed = re.findall(r"[^.]*\b(?:high|moderate|low)\W{0,3}confidence[^.]*", prose, flags=re.I)
    assert not typed, f"{stem}: a level typed by hand (render it from data/judgments.csv): {typed[:2]}"


# --- claims ------------------------------------------------------------------------------


def claims(stem: str) -> list[str]:
    found = []
    for source in cells(stem)[1]:
        for node in ast.walk(ast.parse(source)):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "claim"):
                assert isinstance(node.args[0], ast.Constant), f"{stem}: a claim's text must be literal"
                found.append(node.args[0].value)
    return found


def test_claims_quote_the_prose_exactly():
    total = 0
    for stem in CHAPTER_FILES:
        prose = flat(re.sub(r"\{[a-z:]+\}`[^`]*`", "", cells(stem)[0]))
        for text in claims(stem):
            assert flat(text) in prose, f"{stem}: nk.claim text not in the prose: {text!r}"
            total += 1
    assert total >= 10, f"only {total} typed claims are asserted"


def test_a_falsified_claim_fails_with_the_sentence(nk):
    with pytest.raises(nk.ClaimFalsified, match="“the largest”.*no longer bear it out"):
        nk.claim("the largest", 1 > 2)
    nk.claim("holds", True)


# --- data rules --------------------------------------------------------------------------


def _rows(path):
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path, rows):
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _damaged(tmp_path, file, pick, change):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    rows = _rows(data / file)
    index = next(i for i, r in enumerate(rows) if pick(r))
    change(rows[index])
    _write(data / file, rows)
    return data, index + 2, rows[index].get("id", "")


DAMAGE = {
    "intent without whose_intent": ("judgments.csv", lambda r: r["kind"] == "intent",
                                    lambda r: r.update(whose_intent=""), "whose_intent", "row-constraint"),
    "negative at high without coverage": ("judgments.csv", lambda r: r["kind"] == "negative",
                                          lambda r: r.update(confidence="high", coverage=""),
                                          "coverage", "row-constraint"),
    "unknown evidence row": ("judgments.csv", lambda r: True,
                             lambda r: r.update(evidence=r["evidence"] + "; EV-20250101-no-such-row"),
                             "evidence", "reference-error"),
    "unknown coverage search": ("judgments.csv", lambda r: True,
                                lambda r: r.update(coverage="CV-no-such-search"), "coverage",
                                "reference-error"),
    "quote without rendering": ("statements.csv", lambda r: r["quote"] != "",
                                lambda r: r.update(quote_rendering=""), "quote_rendering",
                                "row-constraint"),
    "translation without translator": ("statements.csv", lambda r: r["quote_rendering"] == "outlet translation",
                                       lambda r: r.update(quote_translator=""), "quote_rendering",
                                       "row-constraint"),
}


@pytest.mark.parametrize("case", DAMAGE)
def test_bad_judgment_or_quote_is_rejected_with_location(nk, tmp_path, case):
    file, pick, change, column, kind = DAMAGE[case]
    data, line, row_id = _damaged(tmp_path, file, pick, change)
    problems = nk.validation_errors(data / "datapackage.json")
    hits = [p for p in problems if file in p and f"line {line}" in p and f"'{column}'" in p]
    assert hits, problems[:4]
    assert f"[{kind}]" in hits[0] and row_id in hits[0], hits[0]


def test_coverage_queries_in_three_languages_per_search(nk):
    coverage, queries = nk.load("coverage"), nk.load("coverage_queries")
    assert len(coverage) >= 7
    for _, row in coverage.iterrows():
        langs = set(queries.loc[queries["coverage_id"] == row["id"], "language"])
        assert {"en", "ko", "ru"} <= langs, f"{row['id']}: languages {sorted(langs)}"
        assert (queries["coverage_id"] == row["id"]).sum() == row["queries"]


# --- pages -------------------------------------------------------------------------------


def test_methods_page_shows_scale_judgments_and_coverage(nk, html_dir):
    page = (html_dir / "book" / "data-methods.html").read_text(encoding="utf-8")
    for label, table in (("tbl-methods-judgments", "judgments"), ("tbl-methods-coverage", "coverage")):
        found = re.search(rf'<table[^>]*id="{label}".*?</table>', page, re.S).group(0)
        assert found.count("<tr") == len(nk.load(table)) + 1, label
    assert "ICD 203" in page and 'id="data-methods-confidence"' in page


def test_corrections_page_lists_every_correction_and_every_page_links_to_it(nk, html_dir):
    corrections = nk.load("corrections")
    assert len(corrections) >= 2
    page = (html_dir / "book" / "corrections.html").read_text(encoding="utf-8")
    table = re.search(r'<table[^>]*id="tbl-corrections".*?</table>', page, re.S).group(0)
    assert table.count("<tr") == len(corrections) + 1
    for _, row in corrections.iterrows():
        assert row["id"] in table
    for path in (html_dir / "book").glob("*.html"):
        edition = re.search(r'<p class="nk-edition">.*?</p>', path.read_text(encoding="utf-8"), re.S)
        link = '<a href="#">' if path.name == "corrections.html" else '<a href="corrections.html">'
        assert edition and link + "Corrections</a>" in edition.group(0), path.name


def test_release_is_1_2_0():
    import yaml

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert str(cff["version"]) == "1.2.0"
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## 1\.2\.0 — {cff['date-released']}", changelog, flags=re.M), \
        "CHANGELOG.md needs a dated 1.2.0 section"


def test_a_corrected_chapter_says_so_under_its_edition_line(nk, html_dir):
    corrections = nk.load("corrections")
    domestic = corrections[corrections["chapter"] == "ch-domestic"]
    assert len(domestic) >= 1
    page = (html_dir / "book" / "domestic.html").read_text(encoding="utf-8")
    line = re.search(r'<p class="nk-corrected">(.*?)</p>', page, re.S)
    assert line and all(i in line.group(1) for i in domestic["id"]), "no correction line"
    assert 'class="nk-corrected"' not in (html_dir / "book" / "glossary.html").read_text(encoding="utf-8")

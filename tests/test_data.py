"""The data validate against their schema, and malformed data are rejected with the file,
line and column named in the message."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT

STANCES = {"deny", "evade", "acknowledge", "praise", "condemn", "assert", "other"}


def test_package_is_valid(nk):
    assert nk.validation_errors() == []


def test_enough_rows_for_chapter_2(nk):
    assert len(nk.load("events")) + len(nk.load("statements")) >= 40


def test_schema_declares_what_the_issue_requires():
    import json

    pkg = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    res = {r["name"]: r for r in pkg["resources"]}
    for name in ("events", "statements"):
        schema = res[name]["schema"]
        fields = {f["name"]: f for f in schema["fields"]}
        for col in ("id", "date", "date_precision", "actor", "summary", "quote", "source_1"):
            assert col in fields, f"{name}: column {col} missing from the schema"
        assert fields["id"]["constraints"]["unique"] is True
        assert fields["date"]["type"] == "date"
        assert fields["date"]["constraints"]["maximum"] == "2025-12-22"
        assert schema["primaryKey"] == ["id"]
        refs = {fk["fields"][0]: fk["reference"] for fk in schema["foreignKeys"]}
        assert refs["source_1"] == {"resource": "sources", "fields": ["key"]}
    st_fields = {f["name"]: f for f in res["statements"]["schema"]["fields"]}
    assert set(st_fields["stance"]["constraints"]["enum"]) == STANCES
    assert st_fields["speaker"]["constraints"]["required"] is True


def test_quotes_are_short(nk):
    for name in ("events", "statements"):
        for _, row in nk.load(name).iterrows():
            assert len(row["quote"].split()) <= 25, f"{name} {row['id']}: quote over 25 words"


def test_bibliography_is_generated_from_sources(nk):
    bib = nk.BIB_PATH.read_text(encoding="utf-8")
    assert bib == nk.bibtex(), "book/references.bib is stale: run python3 run.py bib"
    sources = nk.load("sources")
    keys = re.findall(r"^@misc\{([^,]+),", bib, flags=re.M)
    assert sorted(keys) == sorted(sources["key"])
    for entry in bib.split("@misc{")[1:]:
        fields = ("author", "title", "year", "url") if "year = {n.d.}" in entry else \
            ("author", "title", "year", "date", "url")
        for field in fields:
            assert re.search(rf"^\s+{field} = \{{.+\}},?$", entry, flags=re.M), (
                f"bib entry {entry.split(',')[0]} lacks {field}"
            )


def test_every_source_is_used_and_every_key_resolves(nk):
    sources = set(nk.load("sources")["key"])
    used = set()
    for name in ("events", "statements", "estimates", "legal", "glossary"):
        frame = nk.load(name)
        for col in [c for c in frame.columns if c.startswith("source_")]:
            used |= set(frame[col]) - {""}
    used |= set(nk.load("corrections")["source_1"]) - {""}
    # a few sources are cited only in the prose (the confidence scale's standard)
    for md in (ROOT / "book").glob("*.md"):
        for group in re.findall(r"\{cite:p\}`([^`]+)`", md.read_text(encoding="utf-8")):
            used |= set(group.split(","))
    assert used <= sources
    assert sources <= used, f"sources never used: {sorted(sources - used)}"


# --- malformed copies --------------------------------------------------------------------


def _copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target


def _edit(path: Path, line: int, column: str, value: str) -> None:
    """Set one cell; ``line`` is the CSV line number (header = line 1)."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    rows[line - 1][header.index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def _cell(path: Path, line: int, column: str) -> str:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[line - 1][rows[0].index(column)]


CASES = [
    ("statements.csv", 5, "date", "2024-13-45", "type-error"),
    ("statements.csv", 7, "date", "2026-01-15", "constraint-error"),
    ("statements.csv", 9, "stance", "shrug", "constraint-error"),
    ("statements.csv", 4, "source_1", "no-such-source", "foreign-key"),
    ("events.csv", 6, "id", "<previous>", "unique-error"),
    ("events.csv", 3, "summary", "", "constraint-error"),
    ("events.csv", 8, "actor", "Atlantis", "constraint-error"),
    ("statements.csv", 10, "quote", " ".join(["word"] * 26), "constraint-error"),
    ("sources.csv", 2, "published", "yesterday", "type-error"),
]


@pytest.mark.parametrize("file,line,column,value,kind", CASES,
                         ids=[f"{c[0]}:{c[2]}:{c[4]}" for c in CASES])
def test_malformed_copy_is_rejected_with_location(nk, tmp_path, file, line, column, value, kind):
    data = _copy_data(tmp_path)
    path = data / file
    if value == "<previous>":
        value = _cell(path, line - 1, column)
    row_id = _cell(path, line, column if column == "id" else "id" if file != "sources.csv" else "key")
    _edit(path, line, column, value)
    problems = nk.validation_errors(data / "datapackage.json")
    assert problems, "the malformed copy was accepted"
    hits = [p for p in problems if file in p and f"line {line}" in p and f"'{column}'" in p]
    assert hits, f"no message names {file}, line {line}, column {column!r}: {problems}"
    assert kind in hits[0]
    if column != "id":
        assert row_id in hits[0], "the message should also name the row id"
    # load() refuses the data with the same messages, so a chapter (and the build) fails.
    with pytest.raises(nk.DataValidationError, match=re.escape(f"line {line}")):
        nk._validated.cache_clear()
        nk.load("events", data / "datapackage.json")


def test_nothing_is_dropped_on_load(nk):
    for name in ("events", "statements", "sources"):
        path = ROOT / "data" / f"{name}.csv"
        with path.open(encoding="utf-8", newline="") as fh:
            n_rows = sum(1 for _ in csv.reader(fh)) - 1
        assert len(nk.load(name)) == n_rows


# --- structural damage: whole columns, encodings, numbers --------------------------------


def _drop_column(path: Path, column: str) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    i = rows[0].index(column)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([r[:i] + r[i + 1:] for r in rows])


def _add_column(path: Path, column: str) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows = [r + ([column] if n == 0 else ["x"]) for n, r in enumerate(rows)]
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def _latin1_cell(path: Path, line: int, column: str) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[line - 1][rows[0].index(column)] = "Caf\u00e9 statement"
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode("latin-1", errors="replace"))


STRUCTURAL = [
    # (file, damage, argument, expected line or None, expected column, error type)
    ("legal.csv", _drop_column, "relevance", None, "relevance", "missing-label"),
    ("glossary.csv", _add_column, "unexpected", None, "unexpected", "extra-label"),
    ("scorecard.csv", _latin1_cell, ("assessment", 3), 3, "assessment", "encoding-error"),
    ("estimates.csv", lambda p, a: _edit(p, 4, "value", "about 300"), None, 4, "value", "type-error"),
]


@pytest.mark.parametrize("file,damage,arg,line,column,kind", STRUCTURAL,
                         ids=[c[5] for c in STRUCTURAL])
def test_structural_damage_is_rejected_with_location(nk, tmp_path, file, damage, arg, line, column, kind):
    data = _copy_data(tmp_path)
    path = data / file
    if damage is _latin1_cell:
        damage(path, arg[1], arg[0])
    else:
        damage(path, arg)
    problems = nk.validation_errors(data / "datapackage.json")
    hits = [p for p in problems if file in p and f"'{column}'" in p and f"[{kind}]" in p]
    assert hits, problems[:5]
    if line:
        assert f"line {line}" in hits[0]
    nk._validated.cache_clear()
    with pytest.raises(nk.DataValidationError):
        nk.load("sources", data / "datapackage.json")


def test_month_precision_must_fall_on_the_first(nk, tmp_path):
    data = _copy_data(tmp_path)
    path = data / "events.csv"
    line = next(n for n in range(2, 40) if not _cell(path, n, "date").endswith("-01"))
    _edit(path, line, "date_precision", "month")
    problems = nk.validation_errors(data / "datapackage.json")
    hits = [p for p in problems if "events.csv" in p and f"line {line}" in p and "'date'" in p]
    assert hits and "first of the month" in hits[0], problems[:3]


def test_bibtex_keeps_a_percent_sign_in_a_title(nk):
    """A "40%" in a headline must not become a LaTeX comment that unbalances the entry."""
    import codecs

    import latexcodec  # noqa: F401  (registers the ulatex codec pybtex uses)
    from pybtex.database import parse_string
    from pybtex.richtext import Text

    sources = nk.load("sources").head(1).assign(title="Supplies 40% of the {ammunition}")
    entry = next(iter(parse_string(nk.bibtex(sources), "bibtex").entries.values()))
    text = str(Text.from_latex(entry.fields["title"]))
    assert "40%" in text and "ammunition" in text

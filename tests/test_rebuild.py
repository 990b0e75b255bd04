"""Never stale: after a data edit the next build re-executes exactly the notebooks that read
the edited table and shows the new numbers and chart data; with no change, the execution
cache is reused."""

from __future__ import annotations

import csv
import re

from conftest import build_copy, copy_project


def build(project):
    result = build_copy(project)
    return result.stdout + result.stderr


def executed(log: str) -> set[str]:
    return set(re.findall(r"book/([a-z-]+)\.md: Executing notebook", log))


def pasted(project, page):
    html = (project / "_build" / "html" / "book" / f"{page}.html").read_text(encoding="utf-8")
    return re.findall(r'<span class="pasted-text">([^<]*)</span>', html), html


def test_data_edit_reexecutes_only_dependent_notebooks(tmp_path):
    project = copy_project(tmp_path)

    first = build(project)
    assert {"background", "summary", "glossary"} <= executed(first)
    before, _ = pasted(project, "data-download")

    second = build(project)                       # nothing changed
    assert executed(second) == set(), "a no-change rebuild re-executed notebooks"

    path = project / "data" / "events.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, list(reader)
    new = dict(rows[0], id="EV-20250301-test-added-row", date="2025-03-01", date_precision="day",
               actor="Russia", category="combat", label="Row added by the rebuild test",
               summary="A row added by the rebuild test.", quote="", quote_language="",
               quote_rendering="", quote_translator="", topics="", short_label="", registry_ids="",
               disagreement="", note="")
    rows.append(new)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)

    third = build(project)
    ran = executed(third)
    assert {"background", "summary", "relations", "visit"} <= ran
    assert "glossary" not in ran, "the glossary does not read events.csv and must not re-run"
    after, _ = pasted(project, "data-download")
    count = len(rows)                     # the download page's glued row count of events.csv
    assert str(count - 1) in before and str(count) in after and str(count) not in before
    _, html = pasted(project, "background")
    assert "EV-20250301-test-added-row" in html                          # chart data

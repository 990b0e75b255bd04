"""The build fails loudly on invalid data, a failing notebook cell and an unknown citation.

Each case copies the project (sharing its virtual environment) and runs the README's build
command on the copy.
"""

from __future__ import annotations

import re

import pytest

from conftest import build_copy, copy_project


def project_copy(tmp_path):
    return copy_project(tmp_path)


def run_build(project):
    return build_copy(project, check=False)


def test_invalid_data_stops_the_build_with_file_line_and_column(tmp_path):
    project = project_copy(tmp_path)
    path = project / "data" / "statements.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    target = next(i for i, line in enumerate(lines) if ",evade," in line)
    lines[target] = lines[target].replace(",evade,", ",shrug,", 1)
    path.write_text("".join(lines), encoding="utf-8")
    line_no = target + 1
    result = run_build(project)
    assert result.returncode != 0
    assert f"data/statements.csv, line {line_no}" in result.stderr, result.stderr
    assert "column 'stance'" in result.stderr, result.stderr
    assert not (project / "_build" / "html").exists()


def test_a_row_that_falsifies_a_typed_claim_fails_the_build_quoting_it(tmp_path):
    """The domestic chapter asserts that the highest published casualty figure is the one it
    names; a copy with a higher figure must fail the build with that sentence in the message."""
    import csv

    project = project_copy(tmp_path)
    path = project / "data" / "estimates.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    model = next(r for r in rows if r["quantity"] == "casualties" and r["value"])
    rows.append({**model, "id": "ES-20251220-test-falsifier", "date": "2025-12-20",
                 "value": "99000", "low": "", "high": "", "conflict_group": ""})
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    result = run_build(project)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-2000:]
    assert "ClaimFalsified" in output, output[-3000:]
    assert re.search(r"The chapter says “[^”]*highest[^”]*”, but the data no longer bear it out",
                     output), output[-3000:]


@pytest.mark.parametrize("case", ["failing cell", "unknown citation", "broken reference"])
def test_broken_chapter_fails_the_build(tmp_path, case):
    project = project_copy(tmp_path)
    chapter = project / "book" / "background.md"
    text = chapter.read_text(encoding="utf-8")
    if case == "failing cell":
        text += "\n```{code-cell} ipython3\nraise RuntimeError('deliberate failure')\n```\n"
    elif case == "unknown citation":
        text += "\nA claim {cite:p}`no-such-key-2025`.\n"
    else:
        text += "\nSee {numref}`fig-does-not-exist`.\n"
    chapter.write_text(text, encoding="utf-8")
    result = run_build(project)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-2000:]
    marker = {"failing cell": "deliberate failure", "unknown citation": "no-such-key-2025",
              "broken reference": "fig-does-not-exist"}[case]
    assert marker in output

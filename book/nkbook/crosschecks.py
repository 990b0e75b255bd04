"""Checks across the tables of data/ that Frictionless cannot make: ids in a cell that name
no row, and a matrix of competing hypotheses with a missing cell or a wrong flag. Both return
messages naming the file, line, row and column, like the rest of the validation."""

from __future__ import annotations

from pathlib import Path

ROW_TABLES = ("events", "statements", "estimates", "legal")


def reference_errors(package_path: Path, descriptor: dict, root: Path) -> list[str]:
    """Ids listed in a cell ('; '-separated) that name no row: the evidence of scorecard and
    judgments rows (x-row-references: rows of events, statements, estimates, legal) and the
    coverage searches of judgments (x-coverage-references: rows of coverage)."""
    import csv

    def rows_of(res):  # errors="replace": a bad byte is reported by Frictionless already
        with (package_path.parent / res["path"]).open(encoding="utf-8", errors="replace",
                                                      newline="") as fh:
            return list(csv.DictReader(fh))

    present = [r for r in descriptor["resources"] if (package_path.parent / r["path"]).exists()]
    ids = {r["name"]: {row.get("id", "") for row in rows_of(r)} for r in present}
    targets = {"x-row-references": (ROW_TABLES, "row of events, statements, estimates or legal"),
               "x-coverage-references": (("coverage",), "row of coverage")}
    messages = []
    for res in present:
        path = package_path.parent / res["path"]
        shown = path.relative_to(root) if path.is_relative_to(root) else path
        for key, (names, what) in targets.items():
            known = set().union(*(ids.get(n, set()) for n in names))
            for column in res.get(key, []):
                for line, row in enumerate(rows_of(res), start=2):
                    for ref in filter(None, (row.get(column) or "").split("; ")):
                        if ref not in known:
                            messages.append(f"{shown}, line {line} (id {row.get('id', '')!r}), "
                                            f"column {column!r}: [reference-error] {ref!r} is no "
                                            f"{what}")
    return messages


def matrix_errors(package_path: Path, root: Path) -> list[str]:
    """The matrix of competing hypotheses (ach.csv) is complete: every evidence row is rated
    against every hypothesis of hypotheses.csv, and ``diagnostic`` is true exactly when a
    row's ratings differ between hypotheses."""
    import csv

    ach_path, hyp_path = package_path.parent / "ach.csv", package_path.parent / "hypotheses.csv"
    if not (ach_path.exists() and hyp_path.exists()):
        return []
    with hyp_path.open(encoding="utf-8", errors="replace", newline="") as fh:
        hypotheses = [r.get("id", "") for r in csv.DictReader(fh)]
    with ach_path.open(encoding="utf-8", errors="replace", newline="") as fh:
        rows = list(csv.DictReader(fh))
    shown = ach_path.relative_to(root) if ach_path.is_relative_to(root) else ach_path
    ratings: dict[str, dict[str, str]] = {}
    for row in rows:
        ratings.setdefault(row.get("evidence", ""), {})[row.get("hypothesis", "")] = row.get("rating", "")
    messages = [f"{shown}, evidence {evidence!r}: [matrix-error] not rated against "
                f"{', '.join(h for h in hypotheses if h not in rated)}"
                for evidence, rated in ratings.items() if set(hypotheses) - set(rated)]
    for line, row in enumerate(rows, start=2):
        diagnostic = len(set(ratings[row.get("evidence", "")].values())) > 1
        if (row.get("diagnostic", "").lower() == "true") != diagnostic:
            messages.append(f"{shown}, line {line} (evidence {row.get('evidence')!r}, hypothesis "
                            f"{row.get('hypothesis')!r}), column 'diagnostic': [matrix-error] "
                            f"should be {str(diagnostic).lower()}: the row's ratings "
                            f"{'differ' if diagnostic else 'are the same'} across hypotheses")
    return messages

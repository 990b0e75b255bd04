"""Validated loading of the tables in ``data/`` and the small facts about rows.

``load(name)`` validates the whole Data Package (once per state of the files) against
``data/datapackage.json`` with Frictionless before it returns a table; invalid data raise
:class:`DataValidationError`, whose message names the file, line, row id and column.
In the book build, run.py validates once and passes the kernels the digest of what it
validated (``NKBOOK_VALIDATED_DATA``); ``load`` skips validating only data that hash to it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from pathlib import Path

import pandas as pd

from .crosschecks import matrix_errors, reference_errors

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
PACKAGE = DATA / "datapackage.json"


class DataValidationError(ValueError):
    """Raised when a table in ``data/`` does not match its schema."""


def _row_ids(path: Path) -> dict[int, str]:
    """Map a CSV line number (header = line 1) to the row's id (first column)."""
    import csv

    ids: dict[int, str] = {}
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            for number, row in enumerate(csv.reader(fh), start=1):
                ids[number] = row[0] if row else ""
    except (OSError, UnicodeDecodeError):
        pass
    return ids


def validation_errors(package_path: Path | str = PACKAGE) -> list[str]:
    """Validate the Data Package; return one readable message per problem (empty if valid).

    The checks are those the Table Schema declares (types, enums, required fields, unique
    ids, primary and foreign keys, patterns, date bounds), run by Frictionless.
    """
    from frictionless import Package

    package_path = Path(package_path)
    try:
        package = Package(str(package_path))
    except Exception as exc:  # a broken descriptor is itself a validation failure
        return [f"{package_path}: invalid Data Package descriptor: {exc}"]
    report = package.validate()
    messages: list[str] = []
    tasks = [(task.place, task.errors) for task in report.tasks]
    # Row checks that involve several columns (date precision, low <= value <= high) are
    # Frictionless row-constraint checks, declared per table under "x-checks".
    from frictionless import Checklist, checks

    descriptor = json.loads(package_path.read_text(encoding="utf-8"))
    for res in descriptor["resources"]:
        rules = res.get("x-checks", [])
        if not rules or not (package_path.parent / res["path"]).exists():
            continue
        checklist = Checklist(checks=[checks.row_constraint(formula=r["formula"]) for r in rules])
        try:
            extra = package.get_resource(res["name"]).validate(checklist)
        except Exception as exc:
            messages.append(f"{res['path']}: row checks could not run: {exc}")
            continue
        by_formula = {r["formula"]: r for r in rules}
        found = [e for t in extra.tasks for e in t.errors if e.type == "row-constraint"]
        for e in found:
            rule = next((r for f, r in by_formula.items() if f in (e.note or "")), None)
            if rule:
                e.field_name = rule["field"]
                e.note = f"{rule['message']} ({rule['formula']})"
        tasks.append((res["path"], found))
    messages += reference_errors(package_path, descriptor, ROOT)
    messages += matrix_errors(package_path, ROOT)
    for place, errors in tasks:
        csv_path = package_path.parent / place
        try:
            shown = csv_path.relative_to(ROOT)
        except ValueError:
            shown = csv_path
        ids = _row_ids(csv_path)
        for error in errors:
            row = getattr(error, "row_number", None)
            field = getattr(error, "field_name", None)
            if not field and getattr(error, "field_names", None):
                field = ", ".join(error.field_names)
            if not field and getattr(error, "label", None):
                field = error.label
            where = [str(shown)]
            if row:
                row_id = ids.get(row, "")
                where.append(f"line {row}" + (f" (id {row_id!r})" if row_id else ""))
            if field:
                where.append(f"column {field!r}")
            if error.type == "encoding-error":
                where += _encoding_location(csv_path, error.note or "")
            messages.append(f"{', '.join(where)}: [{error.type}] {error.note or error.message}")
    return messages


def _encoding_location(path: Path, note: str) -> list[str]:
    """Line, row id and column of the first byte that is not UTF-8."""
    import csv
    import io

    match = re.search(r"position (\d+)", note)
    if not match:
        return []
    raw = path.read_bytes()
    pos = int(match.group(1))
    start = raw.rfind(b"\n", 0, pos) + 1
    line = raw.count(b"\n", 0, pos) + 1
    prefix = raw[start:pos].decode("utf-8", errors="replace")
    header = next(csv.reader(io.StringIO(raw.split(b"\n", 1)[0].decode("utf-8", errors="replace"))))
    fields_before = next(csv.reader(io.StringIO(prefix))) if prefix else [""]
    column = header[len(fields_before) - 1] if 0 < len(fields_before) <= len(header) else "?"
    row_id = raw[start:].split(b",", 1)[0].decode("utf-8", errors="replace")
    return [f"line {line} (id {row_id!r})", f"column {column!r}"]


@functools.lru_cache(maxsize=None)
def _validated(package_path: str, stamp: tuple) -> bool:
    problems = validation_errors(package_path)
    if problems:
        raise DataValidationError(
            f"{len(problems)} problem(s) in the data:\n  " + "\n  ".join(problems)
        )
    return True


def _stamp(package_path: Path) -> tuple:
    files = [package_path, *sorted(package_path.parent.glob("*.csv"))]
    return tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files)


def data_digest(package_path: Path | str = PACKAGE) -> str:
    """SHA-256 of every file in the Data Package's folder (names and contents)."""
    folder = Path(package_path).parent
    h = hashlib.sha256()
    for f in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(f.relative_to(folder).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()


def load(name: str, package_path: Path | str = PACKAGE) -> pd.DataFrame:
    """Return table ``name`` of the Data Package, after validating the whole package.

    Validation is skipped only when ``NKBOOK_VALIDATED_DATA`` (set by run.py after it
    validated data/) is the digest of the files about to be read. Every row is kept (all
    cells read as text, nothing coerced to NaN or dropped); ``date`` columns become datetimes
    and ``integer`` columns integers, as the schema says.
    """
    package_path = Path(package_path)
    if os.environ.get("NKBOOK_VALIDATED_DATA") != data_digest(package_path):
        _validated(str(package_path), _stamp(package_path))
    descriptor = json.loads(package_path.read_text(encoding="utf-8"))
    resource = next((r for r in descriptor["resources"] if r["name"] == name), None)
    if resource is None:
        known = ", ".join(r["name"] for r in descriptor["resources"])
        raise KeyError(f"no table {name!r} in {package_path} (tables: {known})")
    frame = pd.read_csv(
        package_path.parent / resource["path"],
        dtype=str,
        keep_default_na=False,
        encoding="utf-8",
    )
    for field in resource["schema"]["fields"]:
        col = field["name"]
        if field["type"] == "date":
            frame[col] = pd.to_datetime(frame[col], format="%Y-%m-%d")
        elif field["type"] == "integer":  # nullable: an optional integer may be empty
            frame[col] = pd.to_numeric(frame[col].replace("", None), errors="raise").astype("Int64")
        elif field["type"] == "number":
            frame[col] = pd.to_numeric(frame[col].replace("", None), errors="raise")
        elif field["type"] == "boolean":
            frame[col] = frame[col].map({"true": True, "false": False})
    return frame


WEAK_SOURCE_TYPES = {"aggregator or reprint", "partisan outlet"}


def flags(keys: list[str], kinds: dict[str, str]) -> tuple[bool, bool]:
    """(single_source, weak_sources_only) for a row citing ``keys``; ``kinds``: key -> type."""
    return len(keys) == 1, all(kinds.get(k) in WEAK_SOURCE_TYPES for k in keys)


def source_flags(frame: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """The ``single_source`` and ``weak_sources_only`` flags each row should carry."""
    kinds = dict(zip(sources["key"], sources["source_type"]))
    pairs = frame.apply(sources_of, axis=1).map(lambda k: flags(k, kinds))
    return pd.DataFrame({"single_source": pairs.str[0], "weak_sources_only": pairs.str[1]},
                        index=frame.index)


def sources_of(row: pd.Series) -> list[str]:
    """The source keys of a row, in order (columns ``source_1``, ``source_2``, ...)."""
    cols = sorted(c for c in row.index if re.fullmatch(r"source_\d+", c))
    return [row[c] for c in cols if row[c]]


def has_code(frame: pd.DataFrame, code: str, column: str = "topics") -> pd.Series:
    """Whether each row's '; '-separated codes in ``column`` (topics, legal_bases) include ``code``."""
    return frame[column].str.split("; ").map(lambda codes: code in codes)


def long_date(day) -> str:
    """A day written out: '28 April 2025' (a date, a datetime or an ISO string)."""
    day = pd.Timestamp(day)
    return f"{day.day} {day:%B %Y}"


def date_label(row: pd.Series) -> str:
    """A date as precise as the data say it is: '28 Apr 2025', 'Apr 2025' or '2025'."""
    d, precision = row["date"], row["date_precision"]
    if precision == "day":
        return f"{d.day} {d:%b %Y}"
    if precision == "month":
        return f"{d:%b %Y}"
    return f"{d:%Y}"


# --------------------------------------------------------------------------------------


def package() -> dict:
    """The Data Package descriptor (data/datapackage.json)."""
    return json.loads(PACKAGE.read_text(encoding="utf-8"))

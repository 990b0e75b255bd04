"""The complete dataset: coverage of the registry, stable ids, sourcing flags and the
consistency rules the codebook promises."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from conftest import ROOT

CUTOFF = pd.Timestamp("2025-12-22")
CODED = ("events", "statements", "estimates", "legal")
MINIMUM = {"events": 80, "statements": 120, "estimates": 40}


@pytest.fixture(scope="module")
def data(nk):
    return {name: nk.load(name) for name in (*CODED, "sources", "exclusions")}


@pytest.mark.parametrize("name,minimum", MINIMUM.items())
def test_row_count_minimums(data, name, minimum):
    assert len(data[name]) >= minimum, f"{name}: {len(data[name])} rows, at least {minimum} needed"


def test_legal_table_covers_the_instruments_discussed(data):
    text = " ".join(data["legal"]["instrument"] + " " + data["legal"]["provision"]).lower()
    for needle in ("article 4", "article 51", "geneva", "article 47", "resolution", "rome statute"):
        assert needle in text, f"legal.csv mentions nothing on {needle!r}"


def test_no_date_after_the_cutoff(data):
    for name in CODED:
        assert (data[name]["date"] <= CUTOFF).all(), name
    assert (data["sources"]["published"].dropna() <= CUTOFF).all()
    undated = data["sources"]["published"].isna()
    assert (undated == (data["sources"]["published_basis"] == "undated")).all()
    assert (data["estimates"]["as_of"].dropna() <= CUTOFF).all()


def test_events_and_statements_start_with_the_treaty_period(data):
    for name in ("events", "statements", "estimates"):
        assert (data[name]["date"] >= pd.Timestamp("2024-06-01")).all(), name


def test_ids_are_unique_across_tables(data):
    ids = pd.concat([data[name]["id"] for name in CODED])
    assert ids.is_unique, ids[ids.duplicated()].tolist()


def test_released_ids_never_disappear(data):
    released = (ROOT / "data" / "released_ids.txt").read_text(encoding="utf-8").split()
    current = set(pd.concat([data[name]["id"] for name in CODED]))
    retired = set(data["exclusions"].loc[data["exclusions"]["reason"] == "retired", "id"])
    gone = [i for i in released if i not in current and i not in retired]
    assert not gone, f"released ids missing without an exclusion record: {gone}"
    unrecorded = sorted(current - set(released))
    assert not unrecorded, f"new ids not in data/released_ids.txt (run python3 run.py ids): {unrecorded}"


def registry_fact_ids() -> set[str]:
    ids = set()
    for path in sorted((ROOT / "data" / "registry").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            ids |= {row["fact_id"] for row in csv.DictReader(fh)}
    return ids


def test_every_registry_fact_is_used_or_excluded_with_a_reason(data):
    used = set()
    for name in CODED:
        for value in data[name]["registry_ids"]:
            used |= {x.strip() for x in value.split(";") if x.strip()}
    excluded = set(data["exclusions"]["id"])
    registry = registry_fact_ids()
    assert len(registry) > 250
    vanished = sorted(registry - used - excluded)
    assert not vanished, f"registry facts neither used nor excluded: {vanished}"
    assert not (used & excluded), f"facts both used and excluded: {sorted(used & excluded)}"
    assert used <= registry, f"unknown registry ids: {sorted(used - registry)}"
    assert (data["exclusions"]["detail"].str.len() > 10).all()


def test_source_flags_match_the_sources(nk, data):
    for name in CODED:
        frame = data[name]
        want = nk.source_flags(frame, data["sources"])
        for flag in ("single_source", "weak_sources_only"):
            wrong = frame.loc[frame[flag] != want[flag], "id"].tolist()
            assert not wrong, f"{name}.{flag} wrong for {wrong} (run python3 run.py flags)"


def test_no_duplicate_rows(data):
    for name, who in (("statements", "speaker"), ("events", "agent"), ("estimates", "publisher")):
        frame = data[name]
        dup = frame[frame.duplicated(["date", who, "summary"], keep=False)]
        assert dup.empty, f"{name}: same date, {who} and summary: {dup['id'].tolist()}"


def test_estimate_ranges_are_ordered(data):
    es = data["estimates"]
    assert ((es["low"].isna()) | (es["high"].isna()) | (es["low"] <= es["high"])).all()
    assert ((es["low"].isna()) | (es["value"].isna()) | (es["low"] <= es["value"])).all()
    assert ((es["high"].isna()) | (es["value"].isna()) | (es["value"] <= es["high"])).all()
    numberless = es[es["value"].isna() & es["low"].isna() & es["high"].isna()]
    assert numberless["note"].str.startswith("No number given").all(), numberless["id"].tolist()


def test_conflicting_estimates_keep_both_sides(data):
    groups = data["estimates"].loc[data["estimates"]["conflict_group"] != ""].groupby("conflict_group")
    for name, group in groups:
        assert len(group) >= 2, f"conflict group {name} has a single row"


def test_quotes_at_most_25_words(data):
    for name in CODED:
        long = data[name].loc[data[name]["quote"].str.split().str.len() > 25, "id"].tolist()
        assert not long, f"{name}: quotes over 25 words: {long}"


def test_weak_and_single_sourced_rows_are_flagged_not_hidden(data):
    # the flags exist and are used: the codebook reports them
    total = sum(int(data[n]["single_source"].sum()) for n in CODED)
    assert total > 0


def test_estimate_with_low_above_high_is_rejected(nk, tmp_path):
    import shutil

    shutil.copytree(ROOT / "data", tmp_path / "data")
    path = tmp_path / "data" / "estimates.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    target = next(i for i, r in enumerate(rows[1:], start=2)
                  if r[header.index("low")] and r[header.index("high")])
    rows[target - 1][header.index("low")] = str(float(rows[target - 1][header.index("high")]) + 1)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    problems = nk.validation_errors(tmp_path / "data" / "datapackage.json")
    hits = [p for p in problems if "estimates.csv" in p and f"line {target}" in p and "'low'" in p]
    assert hits, problems
    assert "low must not exceed high" in hits[0]


def test_schema_file_is_generated_from_tools_schema():
    import importlib.util
    import json

    spec = importlib.util.spec_from_file_location("schema", ROOT / "tools" / "schema.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    on_disk = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert on_disk == module.package, "data/datapackage.json is stale: run python3 tools/schema.py"

"""The "Explore the data" page (book/explore.md) in Chromium with the network blocked: the
tables (itables, with the DataTables bundle it ships) load from the site's own files, hold
every row of the data, narrow on a search, a filter pane and a date range, link each row's
sources to their URLs, and open at the row an address names (explore.html#<row id>)."""

from __future__ import annotations

import csv
import json
import re
import time
from urllib.parse import urlparse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from conftest import ROOT

TABLES = ("events", "statements", "estimates")


def rows_of(name: str) -> list[dict]:
    with (ROOT / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def wait_for(browser, script: str, timeout: float = 20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = browser.execute_script(script)
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for: {script}")


def open_page(browser, site, fragment: str = ""):
    browser.get("about:blank")
    browser.get(f"{site}/book/explore.html{fragment}")
    wait_for(browser, "return (window.nkExploreTables || []).length === 3")
    time.sleep(0.3)


def api(name: str) -> str:
    """JavaScript for the DataTables API of one table."""
    return (f"window.nkExploreTables.find(a => a.table().node().id === 'nk-explore-{name}')")


def text(html: str) -> str:
    return re.sub(r"<[^>]*>", "", html).replace("&amp;", "&").replace("&quot;", '"').replace(
        "&#x27;", "'").replace("&lt;", "<").replace("&gt;", ">")


def data(browser, name: str, selector: str = "{}") -> list[list[str]]:
    return browser.execute_script(f"return {api(name)}.rows({selector}).data().toArray()")


def headers(browser, name: str) -> list[str]:
    return browser.execute_script(
        f"return {api(name)}.columns().header().toArray().map(h => h.textContent.trim())")


def test_tables_load_from_the_sites_own_files_only(browser, site):
    browser.get_log("performance"), browser.get_log("browser")
    open_page(browser, site)
    requested = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            requested.append(message["params"]["request"]["url"])
    outside = [u for u in requested if not u.startswith(("data:", "blob:", "about:"))
               and urlparse(u).hostname != "127.0.0.1"]
    assert not outside, outside
    bundle = [u for u in requested if re.search(r"/_static/vendor/itables-[\d.]+/dt_bundle\.js$", u)]
    assert bundle, "the DataTables bundle was not loaded from the book's static files"
    assert any(u.endswith("dt_bundle.css") for u in requested)
    errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors
    # the tables are DataTables with the filter panes and the search builder
    for name in TABLES:
        wrapper = browser.find_element(By.ID, f"nk-explore-{name}_wrapper")
        assert wrapper.find_elements(By.CSS_SELECTOR, ".dtsp-panesContainer .dtsp-searchPane")
        assert wrapper.find_elements(By.CSS_SELECTOR, ".dtsb-searchBuilder")


@pytest.mark.parametrize("name", TABLES)
def test_every_row_of_the_data_is_in_its_table(browser, site, name):
    open_page(browser, site)
    expected = {r["id"] for r in rows_of(name)}
    got = [text(row[0]) for row in data(browser, name)]
    assert len(got) == len(expected) and set(got) == expected
    info = browser.find_element(By.ID, f"nk-explore-{name}_info").text
    assert f"of {len(expected)} entries" in info, info


def test_typing_a_speakers_name_narrows_the_statements(browser, site):
    statements = rows_of("statements")
    speakers = {}
    for row in statements:
        speakers[row["speaker"]] = speakers.get(row["speaker"], 0) + 1
    name = "Dmitry Peskov" if "Dmitry Peskov" in speakers else max(speakers, key=speakers.get)
    assert name in speakers, f"{name} is not a speaker in data/statements.csv"
    own = {r["id"] for r in statements if r["speaker"] == name}
    open_page(browser, site)
    box = browser.find_element(By.CSS_SELECTOR, "#nk-explore-statements_wrapper input[type=search]")
    box.send_keys(name)
    wait_for(browser, f"return {api('statements')}.rows({{search: 'applied'}}).count() < {len(statements)}")
    remaining = data(browser, "statements", "{search: 'applied'}")
    assert 0 < len(remaining) < len(statements)
    for row in remaining:
        for word in name.lower().split():
            assert word in text(" ".join(row)).lower(), (name, row[0])
    assert own <= {text(row[0]) for row in remaining}, "rows of that speaker were filtered out"
    shown = browser.find_elements(By.CSS_SELECTOR, "#nk-explore-statements tbody tr")
    assert shown and all(name.split()[-1] in tr.text for tr in shown)
    box.send_keys(Keys.CONTROL, "a", Keys.DELETE)


def test_an_actor_pane_narrows_the_events(browser, site):
    events = rows_of("events")
    want = sum(r["actor"] == "Russia" for r in events)
    assert 0 < want < len(events)
    open_page(browser, site)
    column = headers(browser, "events").index("Actor")
    pane = browser.find_elements(By.CSS_SELECTOR, "#nk-explore-events_wrapper .dtsp-searchPane")[0]
    assert pane.find_element(By.CSS_SELECTOR, "input.dtsp-search").get_attribute("placeholder") == "Actor"
    item = next(e for e in pane.find_elements(By.CSS_SELECTOR, "tbody tr")
                if e.find_element(By.CSS_SELECTOR, ".dtsp-name").text.strip() == "Russia")
    item.click()
    wait_for(browser, f"return {api('events')}.rows({{search: 'applied'}}).count() === {want}")
    remaining = data(browser, "events", "{search: 'applied'}")
    assert len(remaining) == want and all(text(row[column]) == "Russia" for row in remaining)


def test_a_date_range_narrows_the_estimates(browser, site):
    estimates = rows_of("estimates")
    low, high = "2025-04-01", "2025-06-30"
    want = sum(low <= r["date"] <= high for r in estimates)
    assert 0 < want < len(estimates)
    open_page(browser, site)
    browser.execute_script(
        f"{api('estimates')}.searchBuilder.rebuild({{logic: 'AND', criteria: [{{"
        f"data: 'Date', condition: 'between', type: 'date', value: ['{low}', '{high}']}}]}});")
    wait_for(browser, f"return {api('estimates')}.rows({{search: 'applied'}}).count() < {len(estimates)}")
    remaining = data(browser, "estimates", "{search: 'applied'}")
    assert all(low <= row[1] <= high for row in remaining)
    assert len(remaining) == want


def in_view(browser, row_id: str) -> bool:
    return browser.execute_script(
        "const r = document.getElementById(arguments[0]); if (!r) return false;"
        "const b = r.getBoundingClientRect();"
        "return r.classList.contains('nk-row-target') && b.top >= 0 && b.bottom <= innerHeight;",
        row_id)


def test_a_row_address_shows_that_row(browser, site):
    statements = sorted(rows_of("statements"), key=lambda r: (r["date"], r["id"]))
    target = statements[-3]["id"]       # on the last page of its table
    open_page(browser, site, f"#{target}")
    wait_for(browser, f"return document.getElementById('{target}') !== null")
    page = browser.execute_script(f"return {api('statements')}.page()")
    assert page > 0, "the row should be on a later page than the first"
    assert in_view(browser, target)
    assert browser.find_element(By.ID, target).tag_name == "tr"
    # the same when the address changes, even if a filter hides the row
    event = sorted(rows_of("events"), key=lambda r: (r["date"], r["id"]))[-1]["id"]
    box = browser.find_element(By.CSS_SELECTOR, "#nk-explore-events_wrapper input[type=search]")
    box.send_keys("no row holds this text")
    wait_for(browser, f"return {api('events')}.rows({{search: 'applied'}}).count() === 0")
    browser.execute_script("location.hash = arguments[0]", event)
    wait_for(browser, f"return document.getElementById('{event}') !== null")
    assert in_view(browser, event)
    assert not browser.find_elements(By.CSS_SELECTOR, f"tr.nk-row-target:not([id='{event}'])")


def test_the_documented_example_address_is_a_row(browser, site):
    assert "EV-20241018-stratcom-video" in {r["id"] for r in rows_of("events")}
    open_page(browser, site, "#EV-20241018-stratcom-video")
    wait_for(browser, "return document.getElementById('EV-20241018-stratcom-video') !== null")
    assert in_view(browser, "EV-20241018-stratcom-video")


def test_sources_link_to_their_urls(browser, site):
    with (ROOT / "data" / "sources.csv").open(encoding="utf-8", newline="") as fh:
        urls = {r["key"]: r["url"] for r in csv.DictReader(fh)}
    open_page(browser, site)
    for name in TABLES:
        column = headers(browser, name).index("Sources")
        cells = {text(row[0]): row[column] for row in data(browser, name)}
        for row in rows_of(name):
            keys = [row[c] for c in sorted(k for k in row if re.fullmatch(r"source_\d", k)) if row[c]]
            links = re.findall(r'<a href="([^"]*)">([^<]*)</a>', cells[row["id"]])
            assert [k for _, k in links] == keys, row["id"]
            assert all(text(href) == urls[k] for href, k in links), row["id"]
    # and in the page as a reader sees it
    first = browser.find_element(By.CSS_SELECTOR, "#nk-explore-events tbody tr")
    link = first.find_elements(By.CSS_SELECTOR, "td a")[-1]
    assert link.get_attribute("href") == urls[link.text]


def test_inputs_are_labelled_and_headers_are_header_cells(browser, site):
    open_page(browser, site)
    unlabelled = browser.execute_script("""
        return Array.from(document.querySelectorAll('.nk-explore input, .nk-explore select'))
          .filter(e => e.offsetParent !== null && e.type !== 'hidden')
          .filter(e => !(e.labels && e.labels.length) && !(e.getAttribute('aria-label') || '').trim()
                       && !e.getAttribute('aria-labelledby') && !(e.title || '').trim())
          .map(e => e.outerHTML.slice(0, 120));""")
    assert not unlabelled, unlabelled
    for name in TABLES:
        ths = browser.find_elements(By.CSS_SELECTOR, f"#nk-explore-{name} thead th")
        assert [t.text.strip() for t in ths] == headers(browser, name)
        assert "Row id" in headers(browser, name) and "Sources" in headers(browser, name)

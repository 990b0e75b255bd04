"""Every built page checked by axe-core (the pinned release run.py fetches) in the shared
headless Chromium, in the theme's light and dark modes, as loaded and again with every
<details> opened (code cells, BibTeX, the charts' action menus): no critical and no serious
violation anywhere, the theme's own buttons included. axe runs with its defaults (WCAG 2.x
A and AA rules plus best practices). The counts per page, mode and impact (nodes, both
states together) are written to _build/axe-report.json."""

from __future__ import annotations

import json
from collections import Counter

import pytest

import run
from conftest import ROOT, wait_for_charts
from test_browser import page_paths

MODES = ("light", "dark")
IMPACTS = ("critical", "serious", "moderate", "minor")
REPORT = ROOT / "_build" / "axe-report.json"

RUN_AXE = """
const done = arguments[arguments.length - 1];
// after the fade-in of opened <details> (myst-nb animates it): colours are final
const finite = document.getAnimations().filter(
  a => a.effect && a.effect.getComputedTiming().endTime !== Infinity);
Promise.all(finite.map(a => a.finished)).then(
  () => axe.run(document, {resultTypes: ["violations"]})).then(
  r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(" "))}))),
  e => done({error: String(e)}));
"""


def set_mode(browser, site, mode: str) -> None:
    """The theme reads the colour mode from localStorage before it draws the page."""
    browser.get(f"{site}/index.html")
    browser.execute_script("localStorage.setItem('mode', arguments[0]);"
                           "localStorage.setItem('theme', arguments[0]);", mode)


def merged(*runs: list[dict]) -> list[dict]:
    """One list of violations per rule, each node once, from several axe runs of a page."""
    rules: dict[str, dict] = {}
    for found in runs:
        for v in found:
            rule = rules.setdefault(v["id"], {**v, "targets": []})
            rule["targets"] += [t for t in v["targets"] if t not in rule["targets"]]
    return list(rules.values())


@pytest.fixture(scope="module")
def axe_results(browser, site, html_dir):
    assert run.AXE_JS.exists(), (
        f"{run.AXE_JS} missing: `python3 run.py test` downloads axe-core {run.AXE_VERSION}")
    script = run.AXE_JS.read_text(encoding="utf-8")
    assert f"axe v{run.AXE_VERSION}" in script[:100], f"{run.AXE_JS} is not axe {run.AXE_VERSION}"
    timeout = browser.timeouts.script
    browser.set_script_timeout(120)
    results = {}
    try:
        for mode in MODES:
            set_mode(browser, site, mode)
            for path in page_paths(html_dir):
                browser.get(f"{site}/{path}")
                wait_for_charts(browser)
                shown = browser.execute_script("return document.documentElement.dataset.theme")
                assert shown == mode, f"{path}: theme shows {shown!r}, expected {mode!r}"
                browser.execute_script(script)
                found = browser.execute_async_script(RUN_AXE)
                assert "error" not in found, f"{path} ({mode}): axe failed: {found}"
                browser.execute_script("document.querySelectorAll('details').forEach("
                                       "d => { d.open = true; });")
                opened = browser.execute_async_script(RUN_AXE)
                assert "error" not in opened, f"{path} ({mode}, details open): {opened}"
                results[(path, mode)] = merged(found, opened)
    finally:
        set_mode(browser, site, "light")
        browser.set_script_timeout(timeout)
    report = {"axe-core": run.AXE_VERSION, "pages": {}}
    for (path, mode), found in sorted(results.items()):
        counts = Counter()
        for v in found:
            counts[v["impact"]] += len(v["targets"])
        entry = report["pages"].setdefault(path, {})
        entry[mode] = {impact: counts[impact] for impact in IMPACTS}
        entry[mode]["rules"] = sorted({v["id"] for v in found})
    REPORT.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return results


def fake_tarball(script: bytes) -> bytes:
    import io
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        info = tarfile.TarInfo("package/axe.min.js")
        info.size = len(script)
        tar.addfile(info, io.BytesIO(script))
    return buffer.getvalue()


def test_axe_download_is_checked_against_the_pinned_integrity(tmp_path, monkeypatch):
    """ensure_axe keeps axe.min.js only from a tarball with the pinned sha512 (no network
    here: the registry's answer is a tarball made in the test)."""
    import base64
    import hashlib
    import io
    import urllib.request

    assert run.AXE_JS.parent.name == f"axe-core-{run.AXE_VERSION}"
    good = fake_tarball(b"/*! axe v0 */")
    served = []
    monkeypatch.setattr(urllib.request, "urlopen",
                        lambda url, timeout: served.append(url) or io.BytesIO(good))
    monkeypatch.setattr(run, "AXE_JS", tmp_path / "axe.min.js")
    with pytest.raises(SystemExit):  # the tarball is not the pinned release
        run.ensure_axe()
    assert not run.AXE_JS.exists()
    assert served == [f"https://registry.npmjs.org/axe-core/-/axe-core-{run.AXE_VERSION}.tgz"]
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(good).digest()).decode()
    monkeypatch.setattr(run, "AXE_INTEGRITY", integrity)
    run.ensure_axe()
    assert run.AXE_JS.read_bytes() == b"/*! axe v0 */"


def test_axe_finds_what_the_fixes_removed(browser, site, html_dir):
    """The check can fail: an icon-only <summary> and a button whose aria-label leaves out
    its visible text, put on a built page, are reported as serious."""
    assert run.AXE_JS.exists(), f"{run.AXE_JS} missing: run `python3 run.py test`"
    browser.get(f"{site}/book/intro.html")
    browser.execute_script(
        "document.querySelector('main').insertAdjacentHTML('beforeend', arguments[0]);",
        '<details><summary><svg width="9" height="9"></svg></summary>x</details>'
        '<button aria-label="Mode">Light</button>')
    browser.execute_script(run.AXE_JS.read_text(encoding="utf-8"))
    found = {v["id"]: v["impact"] for v in browser.execute_async_script(RUN_AXE)}
    assert found.get("summary-name") == "serious", found
    assert found.get("label-content-name-mismatch") == "serious", found


def test_every_page_has_no_critical_or_serious_violation(axe_results, html_dir):
    assert len(axe_results) == len(MODES) * len(page_paths(html_dir)) >= 30
    problems = []
    for (path, mode), found in sorted(axe_results.items()):
        for v in found:
            if v["impact"] in ("critical", "serious"):
                problems.append(f"{path} ({mode}): {v['impact']} {v['id']} ({v['help']}), "
                                f"{len(v['targets'])} nodes: {v['targets'][:3]}")
    assert not problems, "\n".join(problems)
    report = json.loads(REPORT.read_text(encoding="utf-8"))
    assert set(report["pages"]) == set(page_paths(html_dir))

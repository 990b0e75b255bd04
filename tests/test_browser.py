"""Every built page in a real headless Chromium (Debian's chromium + chromium-driver) with the
network blocked: nothing is requested from outside the site, the console stays free of
errors and Vega warnings, every chart is drawn, and charts and images have text
alternatives."""

from __future__ import annotations

import json
import time
from urllib.parse import urlparse

from conftest import wait_for_charts


def page_paths(html_dir):
    return sorted(str(p.relative_to(html_dir)) for p in html_dir.rglob("*.html")
                  if "_static" not in p.parts and "_sources" not in p.parts)


def test_every_page_offline(browser, site, html_dir):
    pages = page_paths(html_dir)
    assert len(pages) >= 15
    problems = []
    charts_seen = 0
    for path in pages:
        browser.get_log("performance"), browser.get_log("browser")   # clear the logs
        browser.get(f"{site}/{path}")
        expected = wait_for_charts(browser)
        time.sleep(0.3)
        drawn = browser.execute_script(
            "return Array.from(document.querySelectorAll('.nk-chart')).filter("
            "c => c.querySelector('svg, canvas') && c.classList.contains('nk-chart-ready')).length")
        charts_seen += drawn
        if drawn != expected:
            problems.append(f"{path}: {drawn} of {expected} charts drawn")
        unlabelled = browser.execute_script(
            "return Array.from(document.querySelectorAll('.nk-chart')).filter("
            "c => !(c.getAttribute('aria-label') || '').trim()).length")
        if unlabelled:
            problems.append(f"{path}: {unlabelled} charts without aria-label")
        no_alt = browser.execute_script(
            "return Array.from(document.images).filter(i => !(i.getAttribute('alt') || '').trim())"
            ".map(i => i.src)")
        if no_alt:
            problems.append(f"{path}: images without alt text: {no_alt}")
        for entry in browser.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] != "Network.requestWillBeSent":
                continue
            url = message["params"]["request"]["url"]
            host = urlparse(url).hostname
            if url.startswith(("data:", "blob:", "about:")) or host == "127.0.0.1":
                continue
            problems.append(f"{path}: request leaves the site: {url}")
        for entry in browser.get_log("browser"):
            if entry["level"] == "SEVERE" or '"WARN"' in entry["message"]:
                problems.append(f"{path}: console: {entry['message'][:200]}")
    assert not problems, "\n".join(problems)
    assert charts_seen >= 11

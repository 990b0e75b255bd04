"""Every built page in a real headless Chromium (Debian's chromium + chromium-driver) with the
network blocked: nothing is requested from outside the site, the console stays free of
errors and Vega warnings, every chart is drawn, and charts and images have text
alternatives."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
import time
from urllib.parse import urlparse

import pytest

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(html_dir):
    handler = functools.partial(Quiet, directory=str(html_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    assert shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER), (
        "install Debian's chromium and chromium-driver (.ci/run does)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-sync",
                "--disable-component-update", "--window-size=1280,1000",
                # the network is blocked: every host but the local test server is unknown
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


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
        expected = browser.execute_script("return document.querySelectorAll('.nk-chart').length")
        deadline = time.time() + 15
        while time.time() < deadline:
            done = browser.execute_script(
                "return document.querySelectorAll('.nk-chart-ready, .nk-chart-error').length")
            if done >= expected:
                break
            time.sleep(0.2)
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

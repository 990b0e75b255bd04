"""Shared fixtures: the repository, the helper module and the built book.

The HTML and PDF tests read what `python3 run.py build` produced; `python3 run.py test`
builds first. A missing build is a test failure, never a skip.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "book"))

import nkbook  # noqa: E402

HTML = ROOT / "_build" / "html"
LATEX = ROOT / "_build" / "latex"


def chart_specs(page: Path) -> list[dict]:
    """The Vega-Lite spec of each chart of a built page, in page order: its figure's
    ``.vl.json`` download (the page draws that spec compiled to Vega)."""
    text = page.read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+\.vl\.json)"', text)
    assert len(links) == text.count('class="nk-chart"'), f"{page}: a chart without its .vl.json"
    return [json.loads((page.parent / link).read_text(encoding="utf-8")) for link in links]


@pytest.fixture(scope="session")
def nk():
    return nkbook


@pytest.fixture(scope="session")
def html_dir() -> Path:
    index = HTML / "index.html"
    assert index.exists(), f"{index} missing: build the book first (python3 run.py build)"
    return HTML


@pytest.fixture(scope="session")
def pdf_path() -> Path:
    pdf = LATEX / "book.pdf"
    assert pdf.exists(), f"{pdf} missing: build the book first (python3 run.py build)"
    return pdf


def copy_project(tmp_path: Path) -> Path:
    """A copy of the project (sources and data, no build output) sharing this .venv."""
    import os
    import shutil

    project = tmp_path / "book-copy"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(
        ".venv", "_build", ".git", ".pytest_cache", "__pycache__"))
    os.symlink(ROOT / ".venv", project / ".venv")
    return project


def build_copy(project: Path, env: dict | None = None, check: bool = True):
    """Run the README's build command (HTML only) on a copy; return the finished process."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "run.py", "build", "--html-only"], cwd=project,
                            env=env, capture_output=True, text=True, timeout=900)
    if check:
        assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    return result


# --------------------------------------------------------------------------------------
# A real browser: Debian's chromium with the network blocked, on a local server of the site
# --------------------------------------------------------------------------------------

import functools  # noqa: E402
import http.server  # noqa: E402
import shutil  # noqa: E402
import threading  # noqa: E402

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site(html_dir):
    handler = functools.partial(Quiet, directory=str(html_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
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


def wait_for_charts(browser, timeout: float = 15) -> int:
    """Wait until every chart of the open page is drawn or failed; return how many there are.

    The browser is shared by the whole session: a test that resizes the window or switches
    the colour mode puts it back (1280 x 1000, light) before it ends."""
    import time

    expected = browser.execute_script("return document.querySelectorAll('.nk-chart').length")
    deadline = time.time() + timeout
    while time.time() < deadline:
        done = browser.execute_script(
            "return document.querySelectorAll('.nk-chart-ready, .nk-chart-error').length")
        if done >= expected:
            break
        time.sleep(0.2)
    return expected

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


def test_chart_tooltips_and_image_downloads(browser, site):
    """Each chart shows its tooltip fields on pointing at a mark, and its action menu saves
    the drawing as SVG and PNG (made by Vega from the view on the page)."""
    from selenium.webdriver.common.action_chains import ActionChains

    browser.get(f"{site}/book/background.html")
    wait_for_charts(browser)
    chart = browser.find_element("css selector", ".nk-chart")
    mark = chart.find_element("css selector", ".role-mark path")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", mark)
    ActionChains(browser).move_to_element(mark).perform()
    deadline = time.time() + 5
    shown = None
    while time.time() < deadline and not shown:
        time.sleep(0.1)
        shown = browser.execute_script(
            "const t = document.querySelector('.nk-chart-tooltip');"
            "return t && !t.hidden ? Array.from(t.querySelectorAll('td')).map(c => c.textContent) : null")
    assert shown and "Event" in shown and "Actor" in shown, shown
    summary = chart.find_element("css selector", ".vega-embed details > summary")
    assert summary.get_attribute("aria-label") == "Chart actions"
    summary.click()
    links = chart.find_elements("css selector", ".vega-actions a")
    assert [a.text for a in links] == ["Save as SVG", "Save as PNG"]
    for link, ext in zip(links, ("svg", "png")):
        assert link.get_attribute("download") == f"{chart.get_attribute('id')}.{ext}"
        link.click()
        deadline = time.time() + 5
        while time.time() < deadline and link.get_attribute("href").endswith("#"):
            time.sleep(0.1)
        # Vega's toImageURL: the SVG as a blob URL, the PNG as a data URL
        image = browser.execute_async_script(
            "const done = arguments[1]; fetch(arguments[0]).then(r => r.blob())"
            ".then(b => b.text().then(t => done([b.type, b.size, t.slice(0, 5)])))",
            link.get_attribute("href"))
        assert image[0] == ("image/svg+xml" if ext == "svg" else "image/png"), image
        assert image[1] > 5000, f"{ext}: an empty image {image}"
        assert image[2] == "<svg " if ext == "svg" else image[2][1:4] == "PNG", image

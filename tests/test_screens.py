"""Every page on a phone, a tablet and a desktop (360, 768 and 1280 px wide) in the shared
headless Chromium: the page never scrolls sideways, every chart is drawn inside its column
with all its text inside its drawing, charts are drawn again when their column changes width,
and in the theme's dark mode every chart's text is legible against the page (contrast >= 4.5).
"""

from __future__ import annotations

import time

import pytest

from conftest import wait_for_charts
from test_browser import page_paths

WIDTHS = (360, 768, 1280)
MIN_CONTRAST = 4.5

# Page overflow, and every chart's drawing against its container, the viewport and its text.
LAYOUT_JS = """
const doc = document.documentElement, problems = [];
if (doc.scrollWidth > window.innerWidth) {
  problems.push(`page ${doc.scrollWidth} px wide in a ${window.innerWidth} px window`);
}
document.querySelectorAll('.nk-chart').forEach(chart => {
  const svg = chart.querySelector('svg');
  if (!svg) { problems.push(`${chart.id}: no drawing`); return; }
  const c = chart.getBoundingClientRect(), s = svg.getBoundingClientRect();
  if (s.left < c.left - 1 || s.right > c.right + 1) {
    problems.push(`${chart.id}: drawing ${Math.round(s.left)}-${Math.round(s.right)} outside `
                  + `its container ${Math.round(c.left)}-${Math.round(c.right)}`);
  }
  if (s.left < 0 || s.right > doc.clientWidth + 1) {
    problems.push(`${chart.id}: drawing ${Math.round(s.left)}-${Math.round(s.right)} outside `
                  + `the viewport 0-${doc.clientWidth}`);
  }
  svg.querySelectorAll('text').forEach(t => {
    const r = t.getBoundingClientRect();
    if (!r.width || !t.textContent.trim()) return;
    if (r.left < s.left - 1 || r.right > s.right + 1 || r.top < s.top - 1 || r.bottom > s.bottom + 1) {
      problems.push(`${chart.id}: text "${t.textContent}" cut off by the drawing's edge`);
    }
  });
});
return problems;
"""

# The contrast ratio (WCAG 2) of every chart text's fill against the page's background.
CONTRAST_JS = """
function rgb(colour) {
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.fillStyle = '#000'; ctx.fillStyle = colour; ctx.fillRect(0, 0, 1, 1);
  return Array.from(ctx.getImageData(0, 0, 1, 1).data);
}
function luminance([r, g, b]) {
  const lin = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}
const page = rgb(getComputedStyle(document.body).backgroundColor);
const lp = luminance(page), rows = [];
document.querySelectorAll('.nk-chart svg text').forEach(t => {
  if (!t.textContent.trim()) return;
  const style = getComputedStyle(t);
  const fill = rgb(style.fill);
  // a half-transparent fill shows blended with the page behind it
  const alpha = parseFloat(style.fillOpacity) * parseFloat(style.opacity) * fill[3] / 255;
  if (alpha === 0) return;   // not shown: an axis label Vega hid where labels would overlap
  const shown = [0, 1, 2].map(i => fill[i] * alpha + page[i] * (1 - alpha));
  const lt = luminance(shown);
  rows.push([t.closest('.nk-chart').id, t.textContent,
             (Math.max(lt, lp) + 0.05) / (Math.min(lt, lp) + 0.05)]);
});
return {page: page, modes: Array.from(document.querySelectorAll('.nk-chart'))
                               .map(c => c.dataset.nkMode), rows: rows};
"""


def settle(browser, timeout: float = 15) -> None:
    """Wait until every chart of the open page is drawn for the current window: drawn or
    failed, no drawing in progress, none waiting for the (debounced) redraw after a resize."""
    wait_for_charts(browser, timeout)
    deadline = time.time() + timeout
    quiet_since = None
    while time.time() < deadline:
        busy = browser.execute_script(
            "return Array.from(document.querySelectorAll('.nk-chart')).filter(c => "
            "c.dataset.nkDrawing || !(c.classList.contains('nk-chart-ready') "
            "|| c.classList.contains('nk-chart-error'))).length")
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.time()
        elif time.time() - quiet_since > 0.5:   # longer than the redraw's debounce
            return
        time.sleep(0.1)


@pytest.fixture
def screen(browser):
    """The shared browser, put back to 1280 x 1000 and light mode afterwards."""
    yield browser
    browser.execute_script("localStorage.removeItem('mode'); localStorage.removeItem('theme');"
                           "document.documentElement.dataset.theme = 'light';"
                           "document.documentElement.dataset.mode = 'light';")
    browser.set_window_size(1280, 1000)


def test_every_page_fits_every_width(screen, site, html_dir):
    pages = page_paths(html_dir)
    assert len(pages) >= 15
    problems, charts = [], 0
    for width in WIDTHS:
        screen.set_window_size(width, 900)
        assert screen.execute_script("return window.innerWidth") == width
        for path in pages:
            screen.get(f"{site}/{path}")
            settle(screen)
            charts += screen.execute_script("return document.querySelectorAll('.nk-chart svg').length")
            problems += [f"{width} px, {path}: {p}" for p in screen.execute_script(LAYOUT_JS)]
    assert not problems, "\n".join(problems)
    assert charts >= 3 * 11


def test_charts_follow_their_column(screen, site):
    """A chart is drawn again, to the new width, when the window narrows and widens."""
    screen.get(f"{site}/book/summary.html")
    settle(screen)
    widths = []
    for width in (1280, 600, 420, 1280):   # (at 768 the sidebars fold: a wider column)
        screen.set_window_size(width, 900)
        settle(screen)
        drawn = screen.execute_script(
            "const c = document.querySelector('.nk-chart'), v = c.querySelector('.nk-chart-view');"
            "const s = getComputedStyle(v);"
            "return [c.querySelector('svg').getBoundingClientRect().width,"
            " v.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight),"
            " Number(c.dataset.nkWidth)]")
        svg_width, room, drawn_for = drawn
        assert drawn_for == int(room), f"{width} px: drawn for {drawn_for} px, column {room} px"
        assert room - 2 <= svg_width <= room + 1, f"{width} px: drawing {svg_width}, room {room}"
        widths.append(svg_width)
    assert widths[0] > widths[1] > widths[2] and abs(widths[3] - widths[0]) <= 1, widths


def test_dark_mode_text_is_legible(screen, site, html_dir):
    chart_pages = [p for p in page_paths(html_dir)
                   if 'class="nk-chart"' in (html_dir / p).read_text(encoding="utf-8")]
    assert len(chart_pages) >= 5
    screen.get(f"{site}/index.html")
    screen.execute_script("localStorage.setItem('mode', 'dark')")   # as the theme's button does
    problems, texts = [], 0
    for path in chart_pages:
        screen.get(f"{site}/{path}")
        settle(screen)
        found = screen.execute_script(CONTRAST_JS)
        assert sum(found["page"][:3]) < 3 * 80, f"{path}: the page is not dark: {found['page']}"
        if set(found["modes"]) != {"dark"}:
            problems.append(f"{path}: charts drawn in {found['modes']}")
        texts += len(found["rows"])
        problems += [f"{path}: {chart} {text!r} contrast {ratio:.2f}"
                     for chart, text, ratio in found["rows"] if ratio < MIN_CONTRAST]
    assert not problems, "\n".join(problems)
    assert texts > 100


def test_charts_follow_a_change_of_mode(screen, site):
    """Switching the mode on an open page redraws its charts, and back."""
    screen.get(f"{site}/book/relations.html")
    settle(screen)
    for mode in ("dark", "light"):
        screen.execute_script(f"document.documentElement.dataset.theme = '{mode}'")
        time.sleep(0.1)
        settle(screen)
        found = screen.execute_script(CONTRAST_JS)
        assert set(found["modes"]) == {mode}
        low = [row for row in found["rows"] if row[2] < MIN_CONTRAST]
        assert not low, f"{mode}: {low}"

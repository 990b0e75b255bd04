"""Light pages (issue 13): every page's weight, all it loads included, within the limits;
Font Awesome's 1.5 MB script on no page and no web font fetched; every theme icon still drawn;
the vendored stylesheets without unused rules, yet every rule a page uses still there
(book/_ext/nkbook_weight.py, book/_templates/layout.html)."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from conftest import ROOT, wait_for_charts

sys.path.insert(0, str(ROOT / "tools"))
from benchmark import LIMIT_GZIP, LIMIT_RAW, file_weight, page_loads, page_weights  # noqa: E402

ICONS = ".fa-solid, .fa-regular, .fa-brands, .fas, .far, .fab"
# Theme rules that draw an icon before or after an element (nk-icons.css redraws them).
PSEUDO_ICONS = {".admonition > .admonition-title": "::after", "a.reference.download": "::before"}


def pages(html_dir: Path) -> list[Path]:
    """Every built page but the root's index.html (a redirect to the first page)."""
    return sorted(p for p in html_dir.rglob("*.html")
                  if not {"_static", "_sources"} & set(p.parts) and p != html_dir / "index.html")


def test_gzip_weight_within_limit(html_dir):
    weights = page_weights(html_dir)
    assert len(weights) >= 15
    heavy = [f"{name}: {packed / 1e3:.0f} kB" for name, _, packed in weights if packed > LIMIT_GZIP]
    assert not heavy, f"pages over {LIMIT_GZIP / 1e3:.0f} kB with gzip, all they load included: {heavy}"


def test_uncompressed_weight_within_limit(html_dir):
    heavy = [f"{name}: {raw / 1e6:.2f} MB" for name, raw, _ in page_weights(html_dir) if raw > LIMIT_RAW]
    assert not heavy, f"pages over {LIMIT_RAW / 1e6:.1f} MB uncompressed: {heavy}"


def test_no_icon_script_and_every_icon_class_styled(html_dir):
    css = (html_dir / "_static" / "nk-icons.css").read_text(encoding="utf-8")
    used = set()
    for page in pages(html_dir):
        text = page.read_text(encoding="utf-8")
        assert "fontawesome.js" not in text, f"{page} still loads Font Awesome's script"
        for classes in re.findall(r'class="([^"]*\bfa-[^"]*)"', text):
            used.update(c[3:] for c in classes.split() if c.startswith("fa-")
                        and c not in {"fa-solid", "fa-regular", "fa-brands", "fa-lg", "fa-fw"})
    assert {"bars", "list", "magnifying-glass", "sun", "moon", "download"} <= used
    missing = [name for name in sorted(used) if f".fa-{name}::before" not in css]
    assert not missing, f"icon classes without a rule in nk-icons.css: {missing}"
    loads = {p.name for p in page_loads(html_dir / "book" / "intro.html")}
    assert not loads & {"searchindex.js", "searchtools.js", "language_data.js"}, loads
    assert {"searchindex.js", "searchtools.js"} <= {p.name for p in page_loads(html_dir / "search.html")}


def fetched(browser, site: str, html_dir: Path) -> set[Path]:
    """Files of the site the open page fetched (from cache or not), by Resource Timing."""
    urls = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
        ".concat([location.href])")
    files = set()
    for url in urls:
        parsed = urlparse(url)
        if url.startswith(site) and parsed.path:
            files.add((html_dir / unquote(parsed.path).lstrip("/")).resolve())
    return files


def icon_drawn(browser, element, pseudo: str) -> bool:
    """The element looks different with its icon (the pseudo-element) hidden: pixels drawn."""
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    before = element.screenshot_as_png
    browser.execute_script(
        "const s = document.createElement('style'); s.id = 'nk-hide-icon';"
        "s.textContent = '.nk-hide-icon' + arguments[1] + '{visibility: hidden !important}';"
        "document.head.append(s); arguments[0].classList.add('nk-hide-icon')", element, pseudo)
    after = element.screenshot_as_png
    browser.execute_script(
        "document.getElementById('nk-hide-icon').remove(); arguments[0].classList.remove('nk-hide-icon')",
        element)
    return before != after


def shown_icons(browser, selector: str, pseudo: str):
    """Displayed elements matching selector whose pseudo-element draws a mask of non-zero size."""
    return browser.execute_script("""
        const [sel, pseudo] = arguments, out = [];
        for (const el of document.querySelectorAll(sel)) {
          if (!el.getClientRects().length) continue;
          const s = getComputedStyle(el, pseudo);
          const mask = s.maskImage || s.webkitMaskImage || "";
          out.push([el, mask.startsWith('url("data:image/svg+xml'),
                    parseFloat(s.width) > 0 && parseFloat(s.height) > 0, el.className]);
        }
        return out;""", selector, pseudo)


def test_pages_fetch_only_what_is_counted_and_icons_are_drawn(browser, site, html_dir):
    problems, checked = [], set()
    for page in pages(html_dir):
        path = str(page.relative_to(html_dir))
        browser.get(f"{site}/{path}")
        wait_for_charts(browser)
        got = fetched(browser, site, html_dir)
        counted = set(page_loads(page))
        extra = sorted(str(p.relative_to(html_dir.resolve())) for p in got - counted)
        if extra:
            problems.append(f"{path}: fetches what page_weights does not count: {extra}")
        fonts = [p.name for p in got if p.suffix in {".woff2", ".woff", ".ttf", ".otf"}]
        if fonts:
            problems.append(f"{path}: fetches web fonts {fonts}")
        raw, packed = (sum(x) for x in zip(*(file_weight(p) for p in got | counted)))
        if packed > LIMIT_GZIP:
            problems.append(f"{path}: {packed / 1e3:.0f} kB with gzip")
        targets = [(ICONS, "::before")] + list(PSEUDO_ICONS.items())
        for selector, pseudo in targets:
            for element, masked, sized, classes in shown_icons(browser, selector, pseudo):
                key = (selector, classes)
                if not (masked and sized):
                    problems.append(f"{path}: {classes!r}: no icon (mask {masked}, size {sized})")
                elif key not in checked:  # the pixel check once per kind of icon
                    checked.add(key)
                    if not icon_drawn(browser, element, pseudo):
                        problems.append(f"{path}: {classes!r}: the icon draws nothing")
    assert not problems, "\n".join(problems)
    kinds = " ".join(c for _, c in checked)
    for name in ("fa-bars", "fa-list", "fa-magnifying-glass", "fa-sun", "fa-download", "fa-expand"):
        assert name in kinds, f"no displayed {name} icon was checked: {kinds}"
    assert any(s.startswith(".admonition") for s, _ in checked), "no admonition icon checked"


def test_colour_mode_button_shows_each_icon(browser, site):
    browser.get(f"{site}/book/intro.html")
    seen = []
    try:
        for _ in range(3):
            shown = [(el, masked, sized, cls) for el, masked, sized, cls in
                     shown_icons(browser, ".theme-switch-button .theme-switch", "::before")]
            assert len(shown) == 1, f"{len(shown)} colour-mode icons shown at once"
            element, masked, sized, classes = shown[0]
            assert masked and sized and icon_drawn(browser, element, "::before"), classes
            seen.append(classes.split()[2])
            browser.execute_script("document.querySelector('.theme-switch-button').click()")
    finally:
        browser.execute_script("localStorage.setItem('mode', 'light'); localStorage.setItem('theme', 'light')")
        browser.refresh()
    assert sorted(seen) == ["fa-circle-half-stroke", "fa-moon", "fa-sun"], seen


def test_search_still_finds_pages(browser, site):
    """The search box's form opens search.html, which still loads the index itself."""
    import time

    browser.get(f"{site}/book/intro.html")
    browser.execute_script("document.querySelector('.search-button__button').click()")
    field = browser.execute_script("return document.querySelector('#pst-search-dialog input[name=q]')")
    field.send_keys("Kursk\n")
    deadline = time.time() + 15
    found = 0
    while time.time() < deadline and not found:
        time.sleep(0.3)
        found = browser.execute_script(
            "return location.pathname.endsWith('/search.html') ? "
            "document.querySelectorAll('#search-results li').length : 0")
    assert found >= 3, f"search for 'Kursk' found {found} pages"


def test_purge_keeps_what_may_match_and_drops_the_rest():
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    import tinycss2
    from nkbook_weight import purged

    css = (".used{a:1}.gone{b:2}.used .gone,.used>p{c:3}p:not(.gone){d:4}"
           "@media (min-width:1px){.gone{e:5}.used{f:6}}@media print{.gone{g:7}}"
           ".bs-tooltip-auto{h:8}.bs-other-thing{i:9}.dtsp-columns-2{k:11}.dtsp-columns-3{l:12}"
           "[class*=gone]{j:10}@font-face{font-family:x}")
    out = purged(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True),
                 {"used", "tooltip", "auto", "columns-2"}, {"bs-", "dtsp-"})
    assert out == (".used{a:1}.used>p{c:3}p:not(.gone){d:4}@media (min-width:1px){.used{f:6}}"
                   ".bs-tooltip-auto{h:8}.dtsp-columns-2{k:11}[class*=gone]{j:10}"
                   "@font-face{font-family:x}"), out


def original_stylesheets(html_dir: Path) -> dict[Path, Path]:
    """Built stylesheet -> the file it was copied from (before the purge)."""
    import itables
    import myst_nb
    import pydata_sphinx_theme
    import sphinx_design

    theme = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"
    static = html_dir / "_static"
    return {static / "styles" / "pydata-sphinx-theme.css": theme / "styles" / "pydata-sphinx-theme.css",
            static / "sphinx-design.min.css": Path(sphinx_design.__file__).parent / "static" / "sphinx-design.min.css",
            next(static.glob("mystnb.*.css")): Path(myst_nb.__file__).parent / "static" / "mystnb.css",
            next(static.glob("vendor/itables-*/dt_bundle.css")): Path(itables.__file__).parent / "html" / "dt_bundle.css"}


def selectors(css: str) -> set[str]:
    import tinycss2

    found = set()
    todo = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    while todo:
        rule = todo.pop()
        if rule.type == "qualified-rule":
            found.update(s.strip() for s in tinycss2.serialize(rule.prelude).split(",") if s.strip())
        elif rule.type == "at-rule" and rule.content is not None and rule.lower_at_keyword in {"media", "supports"}:
            todo += tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
    return found


def test_purged_stylesheets_keep_every_selector_a_page_matches(browser, site, html_dir):
    """Each built stylesheet is at most half its original, and every selector of the original
    that matches an element of a page, in Chromium, as loaded, is still in it."""
    pairs = original_stylesheets(html_dir)
    dropped = {}
    for built, source in pairs.items():
        before, after = source.read_text(encoding="utf-8"), built.read_text(encoding="utf-8")
        assert len(after) < len(before) * (0.8 if "dt_bundle" in built.name else 0.5), built
        dropped[built.name] = sorted(selectors(before) - selectors(after))
        assert dropped[built.name], built
    problems = []
    for page in pages(html_dir):
        browser.get(f"{site}/{page.relative_to(html_dir)}")
        wait_for_charts(browser)
        for name, sels in dropped.items():
            matched = browser.execute_script("""
                return arguments[0].filter(s => {
                  const plain = s.replace(/::?(before|after|placeholder|marker|selection|-webkit-[\\w-]+|-moz-[\\w-]+)\\b/g, '');
                  try { return document.querySelector(plain || '*') !== null; } catch (e) { return false; }
                });""", sels)
            problems += [f"{page.name}: {name}: {s}" for s in matched]
    assert not problems, "rules the page uses were purged:\n" + "\n".join(problems[:40])

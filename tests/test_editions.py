"""Citable editions (issue 14): tools/editions.py, run on a copy of the project with two
release tags, builds each tag as its own edition under /vX.Y.Z/ (the latest also at the
root), with one switcher.json, a banner on the older edition's pages, and addresses that
stay in their edition. The same script is what the workflow publishes."""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
import yaml
from conftest import ROOT, Quiet, copy_project

sys.path.insert(0, str(ROOT / "tools"))
import editions  # noqa: E402

EXTRA = "book/extra-page"  # a page only the older edition has


def git(repo: Path, *args: str) -> str:
    ident = ["-c", "user.name=Edition test", "-c", "user.email=editions@example.invalid",
             "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"]
    return subprocess.run(["git", "-C", str(repo), *ident, *args], check=True, capture_output=True,
                          text=True).stdout


def bump(version: str) -> str:
    major, minor, _ = (int(x) for x in version.split("."))
    return f"{major}.{minor + 1}.0"


@pytest.fixture(scope="module")
def two_editions(tmp_path_factory, html_dir):
    """A copy of the project as a repository with tags vA (this version, plus an extra page)
    and vB (the next minor version, without it), assembled by tools/editions.py for a local
    server's address, reusing the main build's executed notebooks."""
    tmp = tmp_path_factory.mktemp("editions")
    src = copy_project(tmp)
    cff_path = src / "CITATION.cff"
    version_a = yaml.safe_load(cff_path.read_text(encoding="utf-8"))["version"]
    version_b = bump(version_a)
    toc_path = src / "_toc.yml"
    toc_b = toc_path.read_text(encoding="utf-8")
    toc = yaml.safe_load(toc_b)
    toc["parts"][-1]["chapters"].append({"file": EXTRA})
    toc_path.write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")
    (src / f"{EXTRA}.md").write_text("(extra-page)=\n# An extra page\n\nOnly in the older edition.\n",
                                     encoding="utf-8")
    git(src, "init", "-q", "-b", "main")
    git(src, "add", "-A")
    git(src, "commit", "-q", "-m", f"release {version_a}")
    git(src, "tag", f"v{version_a}")
    (src / f"{EXTRA}.md").unlink()
    toc_path.write_text(toc_b, encoding="utf-8")
    cff = cff_path.read_text(encoding="utf-8")
    cff_path.write_text(cff.replace(f'version: "{version_a}"', f'version: "{version_b}"'), encoding="utf-8")
    # as a release does (README, "How a release becomes an edition")
    subprocess.run([sys.executable, "run.py", "zenodo"], cwd=src, check=True, capture_output=True)
    git(src, "commit", "-q", "-am", f"release {version_b}")
    git(src, "tag", f"v{version_b}")

    out = tmp / "site"
    out.mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    site = f"http://127.0.0.1:{server.server_address[1]}/"
    started = time.time()
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "editions.py"), "--repo", str(src), "--site-url", site,
         "--out", str(out), "--cache", str(tmp / "cache"), "--html-only", "--seed-cache", str(ROOT / "_build")],
        capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    logs = {v: (tmp / "cache" / "builds").glob(f"v{v}-*/build.log") for v in (version_a, version_b)}
    yield {"out": out, "site": site, "a": version_a, "b": version_b, "stdout": result.stdout,
           "logs": {v: next(iter(p)).read_text(encoding="utf-8") for v, p in logs.items()},
           "seconds": time.time() - started}
    server.shutdown()


def html_pages(tree: Path) -> list[Path]:
    return editions.pages(tree)


def test_both_editions_and_the_root(two_editions):
    out, a, b = two_editions["out"], two_editions["a"], two_editions["b"]
    for v in (a, b):
        assert (out / f"v{v}" / "book" / "background.html").exists(), f"no edition v{v}"
    assert (out / f"v{a}" / f"{EXTRA}.html").exists() and not (out / f"v{b}" / f"{EXTRA}.html").exists()
    # the root is the latest edition
    latest = {p.relative_to(out / f"v{b}") for p in html_pages(out / f"v{b}")}
    root = {p.relative_to(out) for p in html_pages(out) if not p.relative_to(out).parts[0].startswith("v")}
    assert root == latest
    for rel in latest:
        assert (out / rel).read_bytes() == (out / f"v{b}" / rel).read_bytes(), rel
    # each edition's pages carry their own version
    for v in (a, b):
        page = (out / f"v{v}" / "book" / "background.html").read_text(encoding="utf-8")
        assert f"Version {v} · released" in page
        assert f"theme_switcher_version_match = '{v}'" in page


def test_no_notebook_ran_again(two_editions):
    """The editions reuse the executed notebooks: a release (a version bump, a new page in the
    table of contents) does not run the chapters again (run.py PAGE_INPUTS)."""
    for v, log in two_editions["logs"].items():
        ran = sorted(set(re.findall(r"book/([a-z-]+)\.md: Executing notebook", log)))
        assert not ran, f"v{v} executed {ran}"


def test_switcher_lists_every_edition(two_editions):
    out, site, a, b = two_editions["out"], two_editions["site"], two_editions["a"], two_editions["b"]
    texts = {(folder / "switcher.json").read_text(encoding="utf-8") for folder in (out, out / f"v{a}", out / f"v{b}")}
    assert len(texts) == 1, "switcher.json differs between the editions"
    entries = json.loads(texts.pop())
    assert [e["version"] for e in entries] == [b, a]
    assert [e for e in entries if e.get("preferred")] == [entries[0]]
    assert entries[0]["name"] == f"Version {b} (latest)" and entries[1]["name"] == f"Version {a}"
    for entry in entries:
        assert entry["url"] == f"{site}v{entry['version']}/"
        assert (out / f"v{entry['version']}" / "book" / "intro.html").exists()


def test_banner_on_every_older_page_only(two_editions):
    out, a, b = two_editions["out"], two_editions["a"], two_editions["b"]
    sentence = re.compile(r"You are reading version (\S+); the latest is <a href=\"([^\"]+)\"[^>]*>([^<]+)</a>\.")
    old = [p for p in html_pages(out / f"v{a}") if "<body" in p.read_text(encoding="utf-8")]
    assert len(old) >= 15
    for page in old:
        found = sentence.findall(page.read_text(encoding="utf-8"))
        assert len(found) == 1, f"{page}: {len(found)} banners"
        version, href, latest = found[0]
        assert (version, latest) == (a, b), page
        target = (page.parent / href).resolve()
        same = (out / f"v{b}" / page.relative_to(out / f"v{a}")).resolve()
        assert target == (same if same.exists() else (out / f"v{b}" / "index.html").resolve()), (page, href)
    extra = (out / f"v{a}" / f"{EXTRA}.html").read_text(encoding="utf-8")
    assert sentence.search(extra).group(2) == f"../../v{b}/index.html"  # not in the latest: its first page
    root = [p for p in html_pages(out) if not p.relative_to(out).parts[0].startswith("v")]
    for page in html_pages(out / f"v{b}") + root:
        assert "nk-edition-banner" not in page.read_text(encoding="utf-8"), page


LINK = re.compile(r'(?:href|src)="([^"#?]+)')


def test_links_stay_in_their_edition(two_editions):
    out, site, a, b = two_editions["out"], two_editions["site"], two_editions["a"], two_editions["b"]
    problems = []
    for v in (a, b):
        tree = (out / f"v{v}").resolve()
        for page in html_pages(tree):
            text = page.read_text(encoding="utf-8")
            # the banner leads to the latest edition; the cite block names the site's address of
            # the latest edition beside the permanent one (both checked elsewhere)
            text = re.sub(r'<aside class="[^"]*nk-edition-banner.*?</aside>', "", text, flags=re.S)
            text = re.sub(r'<p class="nk-cite-address">.*?</p>', "", text, flags=re.S)
            for link in LINK.findall(text):
                if link.startswith(site):
                    if not link.startswith(f"{site}v{v}/"):
                        problems.append(f"v{v}/{page.relative_to(tree)}: {link} leaves the edition")
                    continue
                if urlparse(link).scheme or link.startswith(("//", "mailto:", "data:")):
                    continue
                target = (page.parent / link).resolve()
                if tree not in target.parents and target != tree:
                    problems.append(f"v{v}/{page.relative_to(tree)}: {link} leaves the edition")
                elif not target.exists() and not link.endswith("book.pdf"):  # --html-only
                    problems.append(f"v{v}/{page.relative_to(tree)}: {link} does not exist")
    assert not problems, problems[:20]


def test_citations_name_the_edition(two_editions):
    out, site, a, b = two_editions["out"], two_editions["site"], two_editions["a"], two_editions["b"]
    for folder, v in ((f"v{a}", a), (f"v{b}", b), (".", b)):
        page = (out / folder / "book" / "background.html").read_text(encoding="utf-8")
        here = f"{site}v{v}/book/background.html"
        assert f'<link rel="canonical" href="{here}"' in page, folder
        assert f'name="citation_public_url" content="{here}"' in page, folder
        assert f'property="og:url" content="{here}"' in page, folder
        assert f"url = {{{here}}}" in page, folder  # BibTeX
        assert f"edition = {{{v}}}" in page, folder
        assert f"Version {v}, " in page, folder  # the text citation
        assert f'name="citation_pdf_url" content="{site}v{v}/book.pdf"' in page, folder
        assert f'Permanent address of this page in version {v}: <a href="{here}">' in page, folder
        latest = f"{site}book/background.html"
        assert f'The address <a href="{latest}">{latest}</a> always shows the latest edition' in page
        # figure citations and permalinks
        assert f"{site}v{v}/book/background.html#fig-" in page, folder
        assert not re.search(re.escape(site) + r"(?!v\d)[a-z_]+[^\"]*\.html", page.replace(latest, "")), \
            f"{folder}: an address outside the edition"
    # the citation files (BibTeX, RIS, CSL-JSON) and og:image name each edition's address
    from test_citation_formats import check_citation_files, check_og_images

    check_citation_files(out / f"v{a}", yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8")),
                         f"{site}v{a}")
    for v in (a, b):
        assert check_og_images(out / f"v{v}", f"{site}v{v}") >= 7
    cite = (out / f"v{a}" / "book" / "how-to-cite.html").read_text(encoding="utf-8")
    assert f"url = {{{site}v{a}/book/intro.html}}" in cite


def test_sitemap_lists_the_latest_edition(two_editions):
    out, site, b = two_editions["out"], two_editions["site"], two_editions["b"]
    if not (out / f"v{b}" / "sitemap.xml").exists() and not (out / "sitemap.xml").exists():
        pytest.skip("this build writes no sitemap")
    tree = ET.parse(out / "sitemap.xml")
    locs = [e.text for e in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert len(locs) >= 15
    for loc in locs:
        assert loc.startswith(f"{site}v{b}/"), loc
        assert (out / f"v{b}" / loc[len(f"{site}v{b}/"):]).exists(), loc
    assert f"Sitemap: {site}sitemap.xml" in (out / "robots.txt").read_text(encoding="utf-8")
    assert not (out / f"v{two_editions['a']}" / "sitemap.xml").exists()


def test_switcher_in_a_browser(two_editions, browser):
    """On the older edition's page, the theme's switcher lists both editions and the latest
    one leads to the same page in it; nothing is fetched from elsewhere."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    site, a, b = two_editions["site"], two_editions["a"], two_editions["b"]
    browser.get(f"{site}v{a}/book/visit.html")
    wait = WebDriverWait(browser, 15)
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".version-switcher__menu a")) >= 2)
    button = next(e for e in browser.find_elements(By.CSS_SELECTOR, ".version-switcher__button") if e.is_displayed())
    assert button.text.strip() == f"Version {a}"
    button.click()
    menu = [e for e in browser.find_elements(By.CSS_SELECTOR, ".version-switcher__menu a") if e.is_displayed()]
    assert [e.text for e in menu] == [f"Version {b} (latest)", f"Version {a}"]
    menu[0].click()
    wait.until(EC.url_to_be(f"{site}v{b}/book/visit.html"))
    wait.until(lambda d: d.execute_script("return document.readyState") == "complete")
    assert not browser.find_elements(By.CSS_SELECTOR, ".nk-edition-banner")
    requests = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    outside = [u for u in requests if not u.startswith(site)]
    assert not outside, outside
    browser.get(f"{site}v{a}/book/visit.html")
    banner = browser.find_element(By.CSS_SELECTOR, ".nk-edition-banner")
    assert banner.is_displayed() and banner.text == f"You are reading version {a}; the latest is {b}."
    assert urljoin(browser.current_url, banner.find_element(By.TAG_NAME, "a").get_attribute("href")) \
        == f"{site}v{b}/book/visit.html"


def test_a_tag_that_disagrees_with_its_citation_file_is_refused(tmp_path):
    (tmp_path / "CITATION.cff").write_text('cff-version: 1.2.0\nversion: "1.4.0"\n', encoding="utf-8")
    with pytest.raises(editions.EditionError, match=r"tag v1\.5\.0: its CITATION.cff says version '1\.4\.0'"):
        editions.version_of(tmp_path, "v1.5.0")
    assert editions.version_of(tmp_path, "v1.4.0") == "1.4.0"


def test_only_release_tags_in_version_order(tmp_path):
    git(tmp_path, "init", "-q")
    (tmp_path / "f").write_text("x")
    git(tmp_path, "add", "f")
    git(tmp_path, "commit", "-q", "-m", "x")
    for name in ("v1.10.0", "v1.2.0", "v1.9.1", "v2.0.0-rc1", "latest", "v1.2"):
        git(tmp_path, "tag", name)
    assert editions.release_tags(tmp_path) == ["v1.2.0", "v1.9.1", "v1.10.0"]


def test_out_folder_not_made_by_the_script_is_not_emptied(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(editions.EditionError, match="was not made by tools/editions.py"):
        editions.prepare_out(tmp_path)
    assert (tmp_path / "keep.txt").exists()


def test_older_edition_page_passes_axe(two_editions, browser):
    """The banner and the version menu add no critical or serious accessibility problem
    (colour contrast of the banner and its link included), in light and dark mode."""
    import run
    from conftest import wait_for_charts
    from test_a11y import RUN_AXE, set_mode

    site, a = two_editions["site"].rstrip("/"), two_editions["a"]
    script = run.AXE_JS.read_text(encoding="utf-8")
    timeout = browser.timeouts.script
    browser.set_script_timeout(120)
    try:
        for mode in ("light", "dark"):
            set_mode(browser, site, mode)
            browser.get(f"{site}/v{a}/book/visit.html")
            wait_for_charts(browser)
            assert browser.find_element("css selector", ".nk-edition-banner").is_displayed()
            browser.execute_script(script)
            found = browser.execute_async_script(RUN_AXE)
            assert "error" not in found, found
            bad = [v for v in found if v["impact"] in ("critical", "serious")]
            assert not bad, (mode, bad)
    finally:
        set_mode(browser, site, "light")
        browser.set_script_timeout(timeout)

#!/usr/bin/env python3
"""Benchmark the book's builds on this machine (run inside .venv: .venv/bin/python tools/benchmark.py).

Measures, on a fresh copy of the project (sharing .venv):
  1. clean HTML build (empty _build)          4. PDF build (LaTeX + xelatex, cache warm)
  2. no-change HTML rebuild                   5. bare sequential execution of every notebook
  3. HTML rebuild after one data edit            (nbclient, for reference)
  6. transferred size of every page (HTML + the scripts, styles, images and fonts it loads)
Prints a Markdown report; record it in BENCHMARKS.md. Nothing is asserted.
"""

from __future__ import annotations

import csv
import gzip
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parent.parent


def timed(cmd, cwd, env=None) -> float:
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{(result.stdout + result.stderr)[-2000:]}")
    return elapsed


def bare_execution(project: Path) -> float:
    import nbclient
    from myst_nb.core.read import read_myst_markdown_notebook

    total = 0.0
    for md in sorted((project / "book").glob("*.md")):
        text = md.read_text(encoding="utf-8")
        if "{code-cell}" not in text:
            continue
        nb = read_myst_markdown_notebook(text)
        start = time.perf_counter()
        nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                resources={"metadata": {"path": str(md.parent)}}).execute()
        total += time.perf_counter() - start
    return total


LIMIT_RAW, LIMIT_GZIP = 1_500_000, 600_000  # bytes a page may weigh, all it loads included (issue 13)
TEXT_TYPES = {".html", ".js", ".mjs", ".css", ".svg", ".json", ".txt", ".ttf", ".otf"}
LOADING_RELS = {"stylesheet", "preload", "modulepreload", "icon"}


class _Loads(HTMLParser):
    """What an HTML page loads: scripts (modules' imports included), stylesheets, preloads,
    icons, images and embedded media; not what it only links to (pages, downloads)."""

    def __init__(self):
        super().__init__()
        self.refs: list[str] = []
        self._module = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in {"script", "img", "source", "iframe", "embed", "audio", "video", "track"} and a.get("src"):
            self.refs.append(a["src"])
        if tag in {"img", "source"} and a.get("srcset"):
            self.refs += [part.split()[0] for part in a["srcset"].split(",") if part.strip()]
        if tag == "link" and LOADING_RELS & set((a.get("rel") or "").lower().split()) and a.get("href"):
            self.refs.append(a["href"])
        if tag == "object" and a.get("data"):
            self.refs.append(a["data"])
        self._module = tag == "script" and a.get("type") == "module"

    def handle_data(self, data):
        if self._module:  # import ... from "x.js", import("x.js")
            self.refs += re.findall(r"""\bimport\b[^'"]*?['"]([^'"]+\.m?js)['"]""", data)

    def handle_endtag(self, tag):
        self._module = False


def _local(base: Path, ref: str) -> Path | None:
    ref = ref.split("#")[0].split("?")[0]
    if not ref or re.match(r"^([a-z][a-z0-9+.-]*:|//)", ref, re.I):
        return None
    target = (base.parent / unquote(ref)).resolve()
    return target if target.is_file() else None


def _css_loads(css: Path) -> list[Path]:
    """Files a stylesheet loads: @import and url() outside @font-face. A web font loads only
    when some text is set in it (the theme declares Font Awesome's three fonts, which no page
    uses any more: book/_ext/nkbook_weight.py); tests/test_weight.py checks in Chromium that a
    page fetches nothing this count leaves out, fonts included."""
    text = re.sub(r"/\*.*?\*/", "", css.read_text(encoding="utf-8", errors="replace"), flags=re.S)
    text = re.sub(r"@font-face\s*\{[^}]*\}", "", text)
    refs = re.findall(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""", text)
    refs += re.findall(r"""@import\s+['"]([^'"]+)['"]""", text)
    return [p for p in (_local(css, r) for r in refs) if p]


def page_loads(page: Path) -> list[Path]:
    """The page and every local file it loads, stylesheets' fonts and images included."""
    parser = _Loads()
    parser.feed(page.read_text(encoding="utf-8"))
    found: list[Path] = [page.resolve()]
    todo = [p for p in (_local(page, r) for r in parser.refs) if p]
    while todo:
        path = todo.pop(0)
        if path not in found:
            found.append(path)
            todo += _css_loads(path) if path.suffix == ".css" else []
    return found


def file_weight(path: Path, _sizes: dict = {}) -> tuple[int, int]:  # noqa: B006 (a cache)
    """(bytes, gzip bytes): what a static host that compresses text (GitHub Pages does)
    transfers; fonts and images are sent as they are."""
    if path not in _sizes:
        data = path.read_bytes()
        packed = len(gzip.compress(data, 6)) if path.suffix in TEXT_TYPES else len(data)
        _sizes[path] = (len(data), packed)
    return _sizes[path]


def page_weights(html_dir: Path) -> list[tuple[str, int, int]]:
    """(page, raw bytes, gzip bytes) of every page with everything it loads, on a first visit
    with an empty cache (HTML, scripts, styles, images, fonts), heaviest (gzip) first."""
    weights = []
    for page in sorted(p for p in html_dir.rglob("*.html") if "_static" not in p.parts):
        sizes = [file_weight(p) for p in page_loads(page)]
        weights.append((str(page.relative_to(html_dir)), sum(s[0] for s in sizes), sum(s[1] for s in sizes)))
    return sorted(weights, key=lambda w: -w[2])


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="nkbench-"))
    project = tmp / "book"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(".venv", "_build", ".git", ".pytest_cache"))
    os.symlink(ROOT / ".venv", project / ".venv")
    py = str(ROOT / ".venv" / "bin" / "python")
    html = [py, "run.py", "build", "--html-only"]

    clean = timed(html, project)
    nochange = timed(html, project)
    path = project / "data" / "events.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, list(reader)
    rows.append(dict(rows[0], id="EV-20250301-benchmark-row", date="2025-03-01", label="Benchmark row",
                     summary="A row added by the benchmark.", registry_ids=""))
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    edit = timed(html, project)
    env = dict(os.environ, PYTHONPATH=str(project / "book"))
    shutil.rmtree(project / "_build" / "latex", ignore_errors=True)
    pdf = timed([str(ROOT / ".venv" / "bin" / "jupyter-book"), "build", ".", "--builder", "pdflatex",
                 "-W", "-n", "--keep-going"], project, env)
    sys.path.insert(0, str(project / "book"))
    bare = bare_execution(project)
    weights = page_weights(project / "_build" / "html")

    cpu = platform.processor() or platform.machine()
    print(f"Machine: {platform.platform()}, {os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}")
    print()
    print("| Measurement | Seconds | Target |")
    print("| --- | ---: | --- |")
    print(f"| Clean HTML build | {clean:.1f} | <= bare execution ({bare:.1f} s): {'met' if clean <= bare else f'not met ({clean / bare:.1f}x)'} |")
    print(f"| No-change HTML rebuild | {nochange:.1f} | <= 15 % of clean ({0.15 * clean:.1f} s): {'met' if nochange <= 0.15 * clean else 'not met'} |")
    print(f"| HTML rebuild after one data edit (events.csv) | {edit:.1f} | |")
    print(f"| PDF build (LaTeX + xelatex, cache warm) | {pdf:.1f} | |")
    print(f"| Bare sequential execution of all notebooks (nbclient) | {bare:.1f} | reference |")
    print()
    print("| Page | Uncompressed (kB) | Transferred, gzip (kB) |")
    print("| --- | ---: | ---: |")
    for name, raw, packed in weights:
        print(f"| {name} | {raw / 1000:.0f} | {packed / 1000:.0f} |")
    by_gzip, by_raw = weights[0], max(weights, key=lambda w: w[1])
    print()
    print(f"Heaviest page: {by_gzip[0]}, {by_gzip[2] / 1e6:.2f} MB transferred with gzip (target "
          f"<= {LIMIT_GZIP / 1e6:.1f} MB: {'met' if by_gzip[2] <= LIMIT_GZIP else 'not met'}); heaviest "
          f"uncompressed: {by_raw[0]}, {by_raw[1] / 1e6:.2f} MB (target <= {LIMIT_RAW / 1e6:.1f} MB: "
          f"{'met' if by_raw[1] <= LIMIT_RAW else 'not met'})")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

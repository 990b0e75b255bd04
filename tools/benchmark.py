#!/usr/bin/env python3
"""Benchmark the book's builds against plain Jupyter Book, in one run on one machine.

    .venv/bin/python tools/benchmark.py [--markdown FILE]

On a fresh copy of the project (sharing .venv), one after another:
  1. ours, clean: `python3 run.py build --html-only` from an empty _build
  2. ours, no change: the same command again
  3. ours, one row added to data/events.csv: the same command (the new row id must then be
     in the HTML, or the benchmark stops)
  4. ours, PDF with the cache warm: `python3 run.py build --pdf-only`
  5. the peer: plain `jupyter-book build .` from an empty _build, on the same tree as 1
  6. the weight of every page of build 1 (HTML and everything it loads)
Prints a Markdown report with each ratio against the target issue 13 set, met or by how
much not; --markdown also writes it to FILE. The targets are reported, never asserted: a
build that fails stops the benchmark, a slow one does not.
"""

from __future__ import annotations

import argparse
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
NEW_ROW_ID = "EV-20250301-benchmark-row"

#: (measurement, numerator, denominator, at most): the ratios issue 13 asks for.
TARGETS = [
    ("Clean HTML build, ours / plain `jupyter-book build .`", "clean", "peer", 0.55),
    ("One row added to events.csv, to updated HTML / our clean build", "edit", "clean", 0.70),
    ("No-change rebuild / our clean build", "nochange", "clean", 0.15),
    ("PDF build, cache warm / our clean HTML build", "pdf", "clean", 0.50),
]


def timed(cmd, cwd, env=None, output: list | None = None) -> float:
    """Seconds the command took (its messages appended to ``output``); stops on a failure."""
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"benchmark: failed: {' '.join(map(str, cmd))}\n{(result.stdout + result.stderr)[-3000:]}")
    if output is not None:
        output.append(result.stdout + result.stderr)
    return elapsed


def reexecuted(messages: str) -> list[str]:
    """The notebooks run.py re-executed after a data edit (its "data changed for:" line)."""
    found = re.search(r"data changed for: (.+?) \(re-executing", messages)
    return found.group(1).split(", ") if found else []


def add_event_row(project: Path) -> None:
    """Append one row to data/events.csv: a copy of the first row under a new id."""
    path = project / "data" / "events.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, list(reader)
    rows.append(dict(rows[0], id=NEW_ROW_ID, date="2025-03-01", label="Benchmark row",
                     summary="A row added by the benchmark.", registry_ids=""))
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def in_html(html_dir: Path, text: str) -> list[str]:
    return sorted(str(p.relative_to(html_dir)) for p in html_dir.rglob("*.html")
                  if text in p.read_text(encoding="utf-8"))


def machine() -> str:
    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.M)
        model = found.group(1).strip() if found else model
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        found = re.search(r"^MemTotal:\s*(\d+) kB", meminfo.read_text(), re.M)
        memory = f", {int(found.group(1)) / 1e6:.1f} GB RAM" if found else ""
    load = f", load average {os.getloadavg()[0]:.2f} at the start" if hasattr(os, "getloadavg") else ""
    return (f"{platform.platform()}, {os.cpu_count()} CPUs ({model}){memory}, "
            f"Python {platform.python_version()}{load}")


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
    text = page.read_text(encoding="utf-8")
    parser.feed(text)
    found: list[Path] = [page.resolve()]
    todo = [p for p in (_local(page, r) for r in parser.refs) if p]
    # the theme's version menu fetches its switcher.json, relative to the edition's root
    switcher = re.search(r"theme_switcher_json_url = '([^':]+)'", text)
    root = re.search(r'data-content_root="([^"]*)"', text)
    if switcher and root and (page.parent / root[1] / switcher[1]).is_file():
        todo.append((page.parent / root[1] / switcher[1]).resolve())
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


def verdict(ratio: float, limit: float) -> str:
    return "met" if ratio <= limit else f"not met: {ratio / limit:.2f} x the target"


def report(seconds: dict[str, float], weights, where: str, rerun: str) -> str:
    lines = [f"Machine: {where}", "",
             "| Build | Seconds |", "| --- | ---: |",
             f"| Ours, clean HTML (`python3 run.py build --html-only`, empty `_build`) | {seconds['clean']:.1f} |",
             f"| Ours, no-change rebuild | {seconds['nochange']:.1f} |",
             f"| Ours, one row added to `data/events.csv` ({rerun} notebooks read it and run again) "
             f"| {seconds['edit']:.1f} |",
             f"| Ours, PDF with the cache warm (`python3 run.py build --pdf-only`) | {seconds['pdf']:.1f} |",
             f"| Peer, plain `jupyter-book build .` (empty `_build`) | {seconds['peer']:.1f} |",
             "", "| Ratio | Measured | Target | |", "| --- | ---: | ---: | --- |"]
    for name, num, den, limit in TARGETS:
        ratio = seconds[num] / seconds[den]
        lines.append(f"| {name} | {ratio:.2f} | <= {limit:.2f} | {verdict(ratio, limit)} |")
    lines += ["", "| Page | Uncompressed (kB) | Transferred, gzip (kB) |", "| --- | ---: | ---: |"]
    lines += [f"| {name} | {raw / 1000:.0f} | {packed / 1000:.0f} |" for name, raw, packed in weights]
    by_gzip, by_raw = weights[0], max(weights, key=lambda w: w[1])
    lines += ["", f"Heaviest page with gzip: {by_gzip[0]}, {by_gzip[2] / 1000:.0f} kB (target <= "
              f"{LIMIT_GZIP / 1000:.0f} kB: {verdict(by_gzip[2] / LIMIT_GZIP, 1)}). Heaviest "
              f"uncompressed: {by_raw[0]}, {by_raw[1] / 1000:.0f} kB (target <= {LIMIT_RAW / 1000:.0f} kB: "
              f"{verdict(by_raw[1] / LIMIT_RAW, 1)}; "
              f"{sum(1 for w in weights if w[1] > LIMIT_RAW)} of {len(weights)} pages over)."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", type=Path, help="also write the report to this file")
    args = parser.parse_args(argv)
    where = machine()
    tmp = Path(tempfile.mkdtemp(prefix="nkbench-"))
    project = tmp / "book"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(".venv", "_build", ".git", ".pytest_cache"))
    os.symlink(ROOT / ".venv", project / ".venv")
    py = str(ROOT / ".venv" / "bin" / "python")
    ours = [py, "run.py", "build", "--html-only"]
    build = project / "_build"
    seconds = {}
    try:
        print("benchmark: ours, clean", flush=True)
        seconds["clean"] = timed(ours, project)
        weights = page_weights(build / "html")
        print("benchmark: ours, no change", flush=True)
        seconds["nochange"] = timed(ours, project)
        events = (project / "data" / "events.csv").read_bytes()
        add_event_row(project)
        print("benchmark: ours, one row added to data/events.csv", flush=True)
        messages: list[str] = []
        seconds["edit"] = timed(ours, project, output=messages)
        rerun = reexecuted(messages[0])
        if not in_html(build / "html", NEW_ROW_ID):
            sys.exit(f"benchmark: the row {NEW_ROW_ID} added to data/events.csv is in no page after the rebuild")
        print("benchmark: ours, PDF with the cache warm", flush=True)
        seconds["pdf"] = timed([py, "run.py", "build", "--pdf-only"], project)
        (project / "data" / "events.csv").write_bytes(events)  # the peer builds the tree of build 1
        shutil.rmtree(build)
        print("benchmark: the peer, plain jupyter-book build .", flush=True)
        seconds["peer"] = timed([str(ROOT / ".venv" / "bin" / "jupyter-book"), "build", "."], project)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    notebooks = sum("{code-cell}" in p.read_text(encoding="utf-8") for p in (ROOT / "book").glob("*.md"))
    text = report(seconds, weights, where, f"{len(rerun)} of {notebooks}")
    print(text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()

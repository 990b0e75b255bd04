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
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def page_weights(html_dir: Path) -> list[tuple[str, int, int]]:
    """(page, raw bytes, gzip bytes) of the HTML and the scripts, styles and images it loads.

    Fonts are not counted: the theme draws its icons with an SVG script and loads no web
    font. "gzip" is what a static host that compresses text (GitHub Pages does) transfers
    on a first visit with an empty cache.
    """
    import gzip

    sizes: dict[Path, tuple[int, int]] = {}

    def size(path: Path) -> tuple[int, int]:
        if path not in sizes:
            data = path.read_bytes()
            packed = len(gzip.compress(data, 6)) if path.suffix in {".html", ".js", ".css", ".svg"} else len(data)
            sizes[path] = (len(data), packed)
        return sizes[path]

    weights = []
    for page in sorted(p for p in html_dir.rglob("*.html") if "_static" not in p.parts):
        raw, packed = size(page)
        seen = set()
        for ref in re.findall(r'(?:src|href)="([^"#?]+)[^"]*"', page.read_text(encoding="utf-8")):
            if ref.startswith(("http", "//", "mailto:")) or not re.search(r"\.(js|css|png|svg|jpg)$", ref):
                continue
            target = (page.parent / ref).resolve()
            if target in seen or not target.exists():
                continue
            seen.add(target)
            r, g = size(target)
            raw, packed = raw + r, packed + g
        weights.append((str(page.relative_to(html_dir)), raw, packed))
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
        print(f"| {name} | {raw / 1024:.0f} | {packed / 1024:.0f} |")
    heaviest = weights[0][2] / 1024 / 1024
    print()
    print(f"Heaviest page: {weights[0][0]}, {heaviest:.2f} MB transferred with gzip, "
          f"{weights[0][1] / 1024 / 1024:.2f} MB uncompressed (target <= 2 MB: "
          f"{'met' if heaviest <= 2 else 'not met'} for the transferred size)")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

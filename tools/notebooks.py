"""Run a chapter as a reader does, and read what a notebook glued.

``execute_chapter("visit", outdir)`` opens ``book/visit.md`` with jupytext (as JupyterLab's
jupytext contents manager does), executes it top to bottom in a fresh ``python3`` kernel
whose working directory is ``book/`` (as "Run All Cells" in JupyterLab), and writes the
executed notebook to ``outdir/visit.ipynb``. Nothing of the book build is used: no
``PYTHONPATH``, no ``NKBOOK_BUILD``, no cache.

``glued(notebook)`` returns every value a notebook stored with ``nk.glue``: charts as their
Vega-Lite specification, everything else as the text the prose pastes. The tests compare a
reader's run with the book build through it (``python3 run.py rerun`` uses it too).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
GLUE_PREFIX = "application/papermill.record/"

import sys  # noqa: E402

sys.path.insert(0, str(BOOK))
from nkbook.render import spec_from_html  # noqa: E402


def chapters() -> list[str]:
    """Every page of the book that is a notebook (holds code cells), in file order."""
    return [p.stem for p in sorted(BOOK.glob("*.md")) if "{code-cell}" in p.read_text(encoding="utf-8")]


def execute_chapter(name: str, outdir: Path, timeout: int = 600) -> Path:
    import jupytext
    import nbformat
    from nbclient import NotebookClient

    source = BOOK / f"{name}.md"
    if not source.exists():
        raise FileNotFoundError(f"no chapter {name!r}: {source} does not exist (chapters: {', '.join(chapters())})")
    nb = jupytext.read(source)
    saved = {k: os.environ.pop(k) for k in ("NKBOOK_BUILD", "PYTHONPATH") if k in os.environ}
    try:
        NotebookClient(nb, timeout=timeout, kernel_name="python3",
                       resources={"metadata": {"path": str(BOOK)}}).execute()
    finally:
        os.environ.update(saved)
    outdir.mkdir(parents=True, exist_ok=True)
    out = outdir / f"{name}.ipynb"
    nbformat.write(nb, out)
    return out


def built_glue(name: str, build: Path = ROOT / "_build") -> dict[str, dict]:
    """What the book build glued for chapter ``name`` (myst-nb keeps it in <page>.glue.json)."""
    path = build / "jupyter_execute" / "book" / f"{name}.glue.json"
    outputs = json.loads(path.read_text(encoding="utf-8"))
    return glued({"cells": [{"outputs": list(outputs.values())}]})


def glued(notebook: dict) -> dict[str, dict]:
    """name -> {"kind": "chart" | "text", "value": Vega-Lite spec or pasted text}."""
    found: dict[str, dict] = {}
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if not name:
                continue
            data = {(k[len(GLUE_PREFIX):] if k.startswith(GLUE_PREFIX) else k): v
                    for k, v in output.get("data", {}).items()}
            spec = next((v for k, v in data.items() if k.startswith("application/vnd.vegalite.")), None)
            if spec is None and "nk-chart-spec" in "".join(data.get("text/html", "")):
                spec = spec_from_html("".join(data["text/html"]))
            if spec is not None:
                found[name] = {"kind": "chart", "value": spec if isinstance(spec, dict) else json.loads(spec)}
            else:
                text = data.get("text/markdown", data.get("text/plain"))
                found[name] = {"kind": "text", "value": "".join(text) if isinstance(text, list) else text}
    return found

"""Shared fixtures: the repository, the helper module and the built book.

The HTML and PDF tests read what `python3 run.py build` produced; `python3 run.py test`
builds first. A missing build is a test failure, never a skip.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "book"))

import nkbook  # noqa: E402

HTML = ROOT / "_build" / "html"
LATEX = ROOT / "_build" / "latex"


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

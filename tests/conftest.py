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

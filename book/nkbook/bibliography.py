"""Generated files, each from one source of truth: ``book/references.bib`` from
``data/sources.csv``, ``.zenodo.json`` (Zenodo's deposit metadata) from ``CITATION.cff``."""

from __future__ import annotations

import urllib.parse

import pandas as pd

from .data import ROOT, load

BIB_PATH = ROOT / "book" / "references.bib"
ZENODO_PATH = ROOT / ".zenodo.json"
#: CITATION.cff ``preferred-citation`` type -> Zenodo upload and publication type
ZENODO_TYPES = {"book": ("publication", "book")}
_BASIS = {
    "page": "publication date shown on the page",
    "dateline": "publication date taken from the article's dateline",
    "url": "publication date taken from the page address",
    "inferred": "publication date inferred from the events the page reports",
    "undated": "undated reference page",
}


def _bib_text(text: str) -> str:
    """Protect text for BibTeX: balanced braces only, no stray backslashes, and a percent sign
    escaped (unescaped, it starts a LaTeX comment and swallows the rest of the field)."""
    return (str(text).replace("\\", "/").replace("{", "(").replace("}", ")")
            .replace("%", "\\%"))


def bibtex(sources: pd.DataFrame | None = None) -> str:
    """BibTeX for every row of ``sources.csv`` (``@misc``; the outlet is the author).

    ``year`` holds the full ISO date, so author-year citations read
    "(The Kyiv Independent, 2024-10-21)" and stay unambiguous for a daily news source.
    """
    sources = load("sources") if sources is None else sources
    out = [
        "% Generated from data/sources.csv by book/nkbook.py (python3 run.py bib).",
        "% Do not edit by hand: edit data/sources.csv instead.",
        "",
    ]
    for _, s in sources.sort_values("key").iterrows():
        note = _BASIS[s["published_basis"]].capitalize()
        if s["title_supplied"] == "true":
            note += "; no headline shown, title supplied by the book"
        if s["language"] != "en":
            note += f"; in {s['language']}"
        fields = {
            "author": "{" + _bib_text(s["outlet"]) + "}",
            "title": "{" + _bib_text(s["title"]) + "}",
            "year": "n.d." if pd.isna(s["published"]) else s["published"].strftime("%Y-%m-%d"),
            "date": "" if pd.isna(s["published"]) else s["published"].strftime("%Y-%m-%d"),
            # non-ASCII characters percent-encoded: LaTeX sets URLs in a monospaced font
            # without CJK glyphs, and an encoded address works the same in a browser
            "url": urllib.parse.quote(s["url"], safe=":/?#[]@!$&'()*+,;=%~"),
            "note": note,
            "keywords": s["source_type"],
            "language": s["language"],
        }
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items() if v)
        out.append(f"@misc{{{s['key']},\n{body}\n}}\n")
    return "\n".join(out)



def zenodo() -> str:
    """``.zenodo.json`` from ``CITATION.cff``: Zenodo reads only this file when it exists, so
    it carries the same title, abstract, author, version, date, licence and keywords. No DOI:
    Zenodo assigns one on deposit."""
    import json

    import yaml

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    preferred = cff.get("preferred-citation", {})
    kind = preferred.get("type", cff.get("type"))
    if kind not in ZENODO_TYPES:
        raise ValueError(f"CITATION.cff: preferred-citation type {kind!r} has no Zenodo upload "
                         f"type (known: {', '.join(ZENODO_TYPES)}; book/nkbook/bibliography.py)")
    upload, publication = ZENODO_TYPES[kind]
    record = {
        "title": cff["title"],
        "description": " ".join(str(cff["abstract"]).split()),
        "creators": [{"name": a["name"]} for a in cff["authors"]],
        "upload_type": upload,
        "publication_type": publication,
        "access_right": "open",
        "license": cff["license"],
        "version": str(cff["version"]),
        "publication_date": str(cff["date-released"]),
        "keywords": list(cff.get("keywords", [])),
        "language": "eng",
        "notes": preferred.get("notes", ""),
    }
    return json.dumps({k: v for k, v in record.items() if v}, ensure_ascii=False, indent=2) + "\n"

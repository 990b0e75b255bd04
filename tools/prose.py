"""Prose figures of the chapters: sentence length, "the data" as a subject, words of prose.

    python3 tools/prose.py            # a table, one row per chapter
    python3 tools/prose.py --json     # the same figures as JSON (the tests read them)

Prose is what a reader reads: the Markdown outside code cells, without headings, labels,
directive lines and their options, with citations removed, a glued number counted as one
word, a cross-reference counted by its link text. Sentences end at ".", "?" or "!" followed
by a space and a capital, a quote or a bracket, or at the end of a paragraph or list item.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

BOOK = Path(__file__).resolve().parent.parent / "book"
CHAPTERS = ["summary", "background", "legitimacy", "visit", "cobelligerent", "relations",
            "domestic", "scorecard"]
#: "the data" as the grammatical subject: "The data hold ...", "the data show ..."
DATA_SUBJECT = re.compile(
    r"\b[Tt]he data(?: set)? (?:hold|holds|show|shows|record|records|contain|contains|list|"
    r"lists|give|gives|have|has|include|includes|count|counts|do|does|are|is|name|names|"
    r"note|notes|carry|carries|find|finds|bear|suggest|suggests|put|date|dates)\b")
ROLE = re.compile(r"\{(?P<role>[a-z:]+)\}`(?P<body>[^`]*)`")


def _role(match: re.Match) -> str:
    role, body = match["role"], match["body"]
    if "cite" in role:
        return ""
    if role.startswith("glue"):
        return "N"
    if role in ("ref", "numref", "doc"):
        text = re.sub(r"\s*<[^>]*>$", "", body)
        return "Figure N" if role == "numref" and text == body else text
    return body


def prose_blocks(text: str) -> list[str]:
    """The paragraphs and list items of a MyST notebook that a reader reads as prose."""
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)                 # front matter
    text = re.sub(r"^```\{code-cell\}.*?^```\s*$", "", text, flags=re.S | re.M)
    text = re.sub(r"^```\{(?:footbibliography|bibliography|toctree)\}.*?^```\s*$", "", text,
                  flags=re.S | re.M)
    blocks, current = [], []
    for line in text.splitlines():
        stripped = line.strip()
        if (not stripped or stripped.startswith(("#", "```", ":::", "(", "|", "<"))
                or re.match(r"^:[a-z-]+:", stripped)):
            if current:
                blocks.append(" ".join(current))
            current = []
            continue
        if re.match(r"^([-*]|\d+\.)\s", stripped) and current:       # a new list item
            blocks.append(" ".join(current))
            current = []
        current.append(re.sub(r"^([-*]|\d+\.)\s+", "", stripped))
    if current:
        blocks.append(" ".join(current))
    out = []
    for block in blocks:
        block = ROLE.sub(_role, block)
        block = re.sub(r"\*\*?|`", "", block)
        block = re.sub(r"\s+", " ", block).strip()
        if len(block.split()) >= 3:
            out.append(block)
    return out


def sentences(block: str) -> list[str]:
    parts = re.split(r"(?<=[.?!])[”\"’)]?\s+(?=[A-Z“\"(‘'0-9])", block)
    # "e.g." "U.S." "No." and initials do not end a sentence
    merged: list[str] = []
    for part in parts:
        if merged and re.search(r"(\b(?:e\.g|i\.e|cf|No|Art|para|U\.S|St|Mr|Dr|vs)\.|\b[A-Z]\.)$",
                                merged[-1]):
            merged[-1] += " " + part
        else:
            merged.append(part)
    return [s for s in merged if s.split()]


def figures(stem: str) -> dict:
    text = (BOOK / f"{stem}.md").read_text(encoding="utf-8")
    blocks = prose_blocks(text)
    sents = [s for b in blocks for s in sentences(b)]
    lengths = [len(s.split()) for s in sents]
    words = sum(lengths)
    prose = " ".join(blocks)
    return {
        "chapter": stem,
        "words": words,
        "sentences": len(sents),
        "mean_sentence_words": round(words / len(sents), 1) if sents else 0.0,
        "sentences_over_35_words": sum(n > 35 for n in lengths),
        "the_data": len(re.findall(r"\b[Tt]he data\b", prose)),
        "the_data_as_subject": len(DATA_SUBJECT.findall(prose)),
        "citation_groups": len(re.findall(r"\{(?:foot)?cite:[pt]\}", text)),
    }


def main(argv: list[str]) -> int:
    rows = [figures(stem) for stem in CHAPTERS]
    if "--json" in argv:
        print(json.dumps(rows, indent=1))
        return 0
    cols = list(rows[0])
    print(" | ".join(cols))
    for row in rows:
        print(" | ".join(str(row[c]) for c in cols))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

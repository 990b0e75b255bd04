"""The book's judgments (``data/judgments.csv``), rendered where the chapters state them.

A chapter states a judgment with ``nk.judgment(judgments, "JU-...")`` in a cell of its own:
the wording, the confidence, the evidence rows and what would change it all come from the
table, so a judgment reads the same, at the same level, wherever it is shown. The Summary
lists the key judgments with ``nk.key_judgments(judgments)``.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
from IPython.display import Markdown

from .data import sources_of

from .render import IN_BOOK_BUILD
from .text import md_escape
from .theme import PALETTE

CHAPTER_TITLES = {"ch-background": "Background", "ch-legitimacy": "Legitimate act",
                  "ch-visit": "Pretext for a visit", "ch-cobelligerent": "Co-belligerent",
                  "ch-relations": "Stronger relations", "ch-domestic": "Domestic opinion"}


def label(judgment_id: str) -> str:
    """The cross-reference label of a judgment (Sphinx labels are lower case)."""
    return judgment_id.lower()


def _row(judgments: pd.DataFrame, judgment_id: str) -> pd.Series:
    rows = judgments[judgments["id"] == judgment_id]
    if rows.empty:
        raise KeyError(f"no judgment {judgment_id!r} in data/judgments.csv")
    return rows.iloc[0]


def is_answer(row: pd.Series) -> bool:
    """The chapter's answer to the question its title poses (a row with a question)."""
    return isinstance(row.get("question"), str) and bool(row["question"])


def title(row: pd.Series) -> str:
    if is_answer(row):
        return f"In brief · {row['confidence']} confidence"
    return f"Judgment · {row['confidence']} confidence"


def judgment(judgments: pd.DataFrame, judgment_id: str) -> Markdown:
    """One judgment as a titled block with its confidence, evidence and what would change it."""
    row = _row(judgments, judgment_id)
    # ids as plain text, not code: a line may break at their hyphens (in the PDF too)
    evidence = ", ".join(row["evidence"].split("; "))
    body = ([f"*The question:* {md_escape(row['question'])}", "",
             f"*The answer:* {md_escape(row['wording'])}", ""] if is_answer(row)
            else [md_escape(row["wording"]), ""])
    body += [
            f"*Evidence:* {evidence}. *Would change it:* {md_escape(row['would_change'])}"]
    if row["kind"] == "intent":
        body[-1] += f" *Whose intent:* {md_escape(row['whose_intent'])}."
    if row["coverage"]:
        body[-1] += " *Searches:* " + ", ".join(row["coverage"].split("; ")) + "."
    if not IN_BOOK_BUILD:  # JupyterLab renders Markdown, not MyST directives
        return Markdown("\n".join(["> **" + title(row) + "** (`" + judgment_id + "`)", ">"]
                                  + ["> " + line for line in body]))
    return Markdown("\n".join([
        f":::{{admonition}} {title(row)}",
        f":class: nk-judgment nk-confidence-{row['confidence']}"
        + (" nk-answer" if is_answer(row) else ""),
        f":name: {label(judgment_id)}",
        "", *body, f" *Id:* {judgment_id}.", ":::"]))


def key_judgments(judgments: pd.DataFrame) -> Markdown:
    """The Summary's numbered list: headline, confidence, links to the chapter and judgment."""
    rows = judgments[judgments["summary_rank"].notna()].sort_values("summary_rank")
    lines = []
    for n, (_, row) in enumerate(rows.iterrows(), start=1):
        if int(row["summary_rank"]) != n:
            raise ValueError(f"summary_rank of data/judgments.csv must run 1, 2, 3 ...: "
                             f"{row['id']} has {int(row['summary_rank'])}, expected {n}")
        where = (f"{{ref}}`{CHAPTER_TITLES[row['chapter']]} <{row['chapter']}>`, "
                 f"{{ref}}`judgment <{label(row['id'])}>`") if IN_BOOK_BUILD else row["chapter"]
        # the headline only: the full wording, evidence and what would change it are in the
        # chapter's judgment block, one link away
        lines.append(f"{n}. **{md_escape(row['headline'])}** ({row['confidence']} confidence; "
                     f"{where})")
    return Markdown("\n".join(lines))


def evidence_chart(judgments: pd.DataFrame, rows: pd.DataFrame, sources: pd.DataFrame, *,
                   title: str, description: str) -> alt.Chart:
    """What each key judgment rests on: the sources of its evidence rows, by type, and how
    many of those rows rest on one source only."""
    key = judgments.dropna(subset=["summary_rank"]).sort_values("summary_rank")
    kinds = sources.set_index("key")["source_type"]
    by_id = rows.set_index("id")
    records = []
    for _, j in key.iterrows():
        label = f"{int(j['summary_rank'])}. {j['headline']}"
        ids = j["evidence"].split("; ")
        keys = sorted({k for i in ids for k in sources_of(by_id.loc[i])})
        for k in keys:
            records.append({"judgment": label, "source_type": kinds[k], "key": k,
                            "single": int(sum(bool(by_id.loc[i]["single_source"]) for i in ids))})
    data = pd.DataFrame(records)
    order = list(dict.fromkeys(data["judgment"]))
    types = [t for t in kinds.unique() if t in set(data["source_type"])]
    return (
        alt.Chart(data, title=title, description=description)
        .mark_bar()
        .encode(
            y=alt.Y("judgment:N", title=None, sort=order, axis=alt.Axis(labelLimit=320)),
            x=alt.X("count():Q", title="Distinct sources behind the judgment's evidence",
                    axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("source_type:N", title="Type of source", sort=types,
                            scale=alt.Scale(domain=types, range=PALETTE[:len(types)])),
            tooltip=[alt.Tooltip("judgment:N", title="Judgment"),
                     alt.Tooltip("source_type:N", title="Type"),
                     alt.Tooltip("count():Q", title="Sources"),
                     alt.Tooltip("single:Q", title="Evidence rows with a single source")],
        )
        .properties(width="container", height=26 * len(order))
    )

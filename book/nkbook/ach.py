"""Analysis of competing hypotheses: ``data/hypotheses.csv`` and ``data/ach.csv`` as the
matrix the Background chapter shows (evidence down, explanations across) and the tally
behind each explanation's verdict."""

from __future__ import annotations

import pandas as pd

from .data import date_label, sources_of

#: How a rating reads in a cell of the matrix.
MARKS = {"consistent": "fits", "inconsistent": "against", "neutral": "·"}


def code(rank: int) -> str:
    """The short name of a hypothesis in the matrix's header: H1, H2 ..."""
    return f"H{int(rank)}"


def matrix(hypotheses: pd.DataFrame, ach: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """One line per evidence row (date order): its date, id, summary and sources, then one
    column per hypothesis (headed H1, H2 ... by rank, as in ``tally``) saying whether the row
    fits it."""
    order = hypotheses.sort_values("rank")
    wide = ach.pivot(index="evidence", columns="hypothesis", values="rating")
    by_id = rows.set_index("id")
    evidence = by_id.loc[wide.index].reset_index()
    out = pd.DataFrame({
        "id": evidence["id"], "date": evidence["date"],
        "when": evidence.apply(date_label, axis=1), "summary": evidence["summary"],
        "cites": evidence.apply(sources_of, axis=1),
        "diagnostic": evidence["id"].map(ach.groupby("evidence")["diagnostic"].first()).astype(bool),
    })
    for _, h in order.iterrows():
        out[code(h["rank"])] = [MARKS[wide.loc[i, h["id"]]] for i in out["id"]]
    return out.sort_values(["date", "id"]).reset_index(drop=True)


def tally(hypotheses: pd.DataFrame, ach: pd.DataFrame) -> pd.DataFrame:
    """Per hypothesis: evidence rows that fit it, that go against it, and its verdict. In
    this method the explanation with the least evidence against it is the strongest."""
    counts = ach.groupby(["hypothesis", "rating"]).size().unstack(fill_value=0)
    out = hypotheses.sort_values("rank").set_index("id")
    out["code"] = out["rank"].map(code)
    for rating in MARKS:
        out[rating] = counts.get(rating, pd.Series(dtype=int)).reindex(out.index).fillna(0).astype(int)
    return out.reset_index()

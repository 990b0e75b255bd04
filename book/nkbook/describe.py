"""Text descriptions of charts, generated from the data they plot."""

from __future__ import annotations

import pandas as pd

from .charts import _range_label
from .data import date_label


def _span(dates: pd.Series) -> str:
    first, last = dates.min(), dates.max()
    if first.to_period("M") == last.to_period("M"):
        return f"{first:%b %Y}"
    return f"{first:%b %Y} to {last:%b %Y}"


def describe(frame: pd.DataFrame, *, by: str, within: str, order: list[str] | None = None,
             within_order: list[str] | None = None) -> str:
    """A text description of a chart, generated from its data.

    For each value of ``by`` (e.g. actor), the number of rows of each value of ``within``
    (e.g. stance) and the months they span: "Russia: 1 deny (Oct 2024); 7 evade (Oct 2024
    to Jan 2025). DPRK: ...". Because it is computed, it stays true when the data change.
    """
    parts = []
    groups = order or sorted(frame[by].unique())
    for key in groups:
        sub = frame[frame[by] == key]
        if sub.empty:
            continue
        inner = within_order or sorted(sub[within].unique())
        items = [f"{(sub[within] == w).sum()} {w} ({_span(sub.loc[sub[within] == w, 'date'])})"
                 for w in inner if (sub[within] == w).any()]
        parts.append(f"{key}: " + "; ".join(items))
    return ". ".join(parts) + "."


def describe_monthly(frame: pd.DataFrame, *, color: str, order: list[str] | None = None) -> str:
    """Text description of a monthly chart: per month, the number of rows of each value."""
    months = frame.assign(month=frame["date"].dt.to_period("M"))
    parts = []
    for month, group in months.groupby("month", sort=True):
        keys = [k for k in (order or sorted(group[color].unique())) if (group[color] == k).any()]
        parts.append(f"{month.to_timestamp():%b %Y}: "
                     + ", ".join(f"{(group[color] == k).sum()} {k}" for k in keys))
    return "; ".join(parts) + "."


def describe_estimates(frame: pd.DataFrame) -> str:
    """Text description of an estimates chart: each figure with its date and publisher."""
    rows = frame.sort_values(["date", "id"])
    items = []
    for _, r in rows.iterrows():
        number = f"{r['value']:,.0f}" if pd.notna(r["value"]) else _range_label(r)
        items.append(f"{date_label(r)}, {r['publisher']}: {r['quantity']} {number}")
    return "; ".join(items) + "."

"""Published figures (``data/estimates.csv``) as small multiples: one panel and one axis per
quantity, so that killed, wounded and total casualties, or engineers and workers, never share
an axis."""

from __future__ import annotations

import altair as alt
import pandas as pd

from .charts import _tooltips
from .data import date_label
from .theme import ACTOR_COLORS, _scale


def _range_label(row: pd.Series) -> str:
    low, high = row["low"], row["high"]
    if pd.notna(low) and pd.notna(high):
        return f"{low:,.0f} to {high:,.0f}"
    if pd.notna(low):
        return f"at least {low:,.0f}"
    if pd.notna(high):
        return f"up to {high:,.0f}"
    return ""


#: The published figures shown as small multiples, one panel per quantity, in this order.
PANEL_TITLES = {"troops deployed": "Troops deployed", "killed": "Killed",
                "wounded": "Wounded", "casualties": "Casualties (killed and wounded)",
                "captured": "Captured", "workers": "Workers and builders",
                "reinforcements": "Reinforcements"}


def estimates_panels(estimates: pd.DataFrame, *, quantities: list[str], title: str,
                     description: str, floor_actor: str | None = "DPRK") -> alt.VConcatChart:
    """Published figures as small multiples: one panel and one axis per quantity (never
    killed, wounded and total on one axis); a dot per figure, a bar per range, coloured by
    who published it. In the "killed" panel a dashed step line marks the floor: the most
    dead that ``floor_actor`` (Pyongyang) itself had disclosed by each date. Casualty figures
    show in their tooltip the loss rate they imply against the latest deployment figure of
    the same publisher."""
    plotted = estimates[estimates["quantity"].isin(quantities)
                        & estimates[["value", "low", "high"]].notna().any(axis=1)]
    deployed = estimates[estimates["quantity"] == "troops deployed"].sort_values("date")

    def implied_rate(row: pd.Series) -> str:
        if row["quantity"] not in ("killed", "wounded", "casualties"):
            return ""
        base = deployed[(deployed["publisher_actor"] == row["publisher_actor"])
                        & (deployed["date"] <= row["date"])]
        base = base["value"].fillna(base["high"]).dropna()
        if base.empty:
            return ""
        return f"{row['shown'] / base.iloc[-1]:.0%} of {base.iloc[-1]:,.0f} deployed"

    data = plotted.assign(
        when=plotted.apply(date_label, axis=1),
        shown=plotted["value"].fillna((plotted["low"] + plotted["high"]) / 2)
        .fillna(plotted["low"]).fillna(plotted["high"]),
        range=plotted.apply(_range_label, axis=1),
        number=plotted["value"].map(lambda v: "" if pd.isna(v) else f"{v:,.0f}"),
    )
    data = data.assign(rate=data.apply(implied_rate, axis=1))[
        ["id", "date", "when", "publisher_actor", "publisher", "quantity", "shown", "low", "high",
         "range", "number", "rate", "summary"]]
    color = alt.Color("publisher_actor:N", title="Published by",
                      scale=_scale(ACTOR_COLORS, present=data["publisher_actor"]))
    x = alt.X("date:T", title=None, scale=alt.Scale(domain=[data["date"].min().isoformat(),
                                                            data["date"].max().isoformat()]),
              axis=alt.Axis(format="%b %y", labelAngle=0, tickCount="month", labelOverlap="greedy"))
    panels = []
    for quantity in [q for q in quantities if q in set(data["quantity"])]:
        part = data[data["quantity"] == quantity]
        top = part[["shown", "high"]].max().max()
        base = alt.Chart(part).encode(x=x, color=color)
        layers = [base.mark_circle(size=80, opacity=0.9).encode(
            y=alt.Y("shown:Q", title="Persons", scale=alt.Scale(zero=True),
                    # whole persons: small counts get one tick per person, no half ticks
                    axis=alt.Axis(format=",d", tickMinStep=1,
                                  values=list(range(0, int(top) + 1)) if top <= 5 else alt.Undefined)),
            tooltip=_tooltips(publisher="Published by", number="Value", range="Range",
                              rate="Implied loss rate", summary="Summary"))]
        if (part["low"].notna() & part["high"].notna()).any():
            layers.insert(0, base.transform_filter("datum.low != null && datum.high != null")
                          .mark_rule(strokeWidth=3, opacity=0.5).encode(y="low:Q", y2="high:Q"))
        floor = part[part["publisher_actor"] == floor_actor] if floor_actor else part.iloc[:0]
        if quantity == "killed" and not floor.empty:
            steps = floor.sort_values("date").assign(floor=lambda d: d["shown"].cummax())
            layers.append(alt.Chart(steps).mark_line(interpolate="step-after", strokeDash=[5, 3],
                                                     color=ACTOR_COLORS[floor_actor])
                          .encode(x=x, y="floor:Q"))
        panels.append(alt.layer(*layers).properties(
            title=alt.TitleParams(PANEL_TITLES.get(quantity, quantity.capitalize()),
                                  fontSize=12, fontWeight=500),
            width=520, height=140))
    return alt.vconcat(*panels, title=title, description=description).resolve_scale(
        color="shared")

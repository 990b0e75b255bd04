"""Chart builders: each chapter makes its charts in one call to one of these."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from .data import date_label, sources_of
from .theme import ACTOR_COLORS, OUTCOME_COLORS, OUTCOMES, PALETTE, STANCE_COLORS, STANCE_ORDER, _scale


def _time_axis() -> alt.X:
    return alt.X("date:T", title=None, axis=alt.Axis(format="%b %y", labelAngle=0, tickCount="month",
                                                     labelOverlap="greedy"))


def _tooltips(**columns: str) -> list[alt.Tooltip]:
    """Tooltip: the row's date, the given columns (name=title), then its row id."""
    fields = {"when": "Date", **columns, "id": "Row id"}
    return [alt.Tooltip(f"{col}:N", title=title) for col, title in fields.items()]


def timeline_chart(events: pd.DataFrame, *, title: str, description: str) -> alt.Chart:
    """Events as labelled points on a time axis, one lane per category."""
    data = events.assign(
        when=events.apply(date_label, axis=1),
        sources=events.apply(lambda r: "; ".join(sources_of(r)), axis=1),
    )[["id", "date", "when", "category", "actor", "label", "sources"]]
    base = alt.Chart(data, title=title, description=description).encode(
        x=_time_axis(),
        y=alt.Y("category:N", title=None, sort=None, axis=alt.Axis(labelLimit=160)),
    )
    points = base.mark_point(filled=True, size=90, opacity=0.9).encode(
        color=alt.Color("actor:N", title="Actor", scale=_scale(ACTOR_COLORS, present=data["actor"])),
        shape=alt.Shape("actor:N", title="Actor", scale=alt.Scale(domain=list(_scale(ACTOR_COLORS, present=data["actor"]).domain))),
        tooltip=_tooltips(label="Event", actor="Actor", sources="Sources"),
    )
    return points.properties(width="container", height=240)


def stance_chart(statements: pd.DataFrame, *, actors: list[str], title: str, description: str) -> alt.Chart:
    """Every statement as a dot: time across, one row per actor, colour = stance."""
    data = statements[statements["actor"].isin(actors)].assign(
        when=lambda d: d.apply(date_label, axis=1),
    )[["id", "date", "when", "actor", "speaker", "stance", "summary"]]
    return (
        alt.Chart(data, title=title, description=description)
        .mark_circle(size=110, opacity=0.85, stroke="white", strokeWidth=0.8)
        .encode(
            x=_time_axis(),
            y=alt.Y("actor:N", title=None, sort=actors),
            yOffset=alt.YOffset("stance:N", sort=STANCE_ORDER),
            color=alt.Color("stance:N", title="Stance",
                            scale=_scale(STANCE_COLORS, STANCE_ORDER, present=data["stance"])),
            tooltip=_tooltips(speaker="Speaker", stance="Stance", summary="Summary"),
        )
        # a fixed height in pixels that follows the number of rows: a "step" height together
        # with a container width makes Vega-Lite warn (dropping "fit-y") in every browser
        .properties(width="container",
                    height=9 * len(actors) * max(1, data["stance"].nunique()))
    )


def monthly_chart(frame: pd.DataFrame, *, color: str, title: str, description: str,
                  colors: dict[str, str] | None = None, order: list[str] | None = None,
                  color_title: str | None = None) -> alt.Chart:
    """Rows per month as stacked bars, split by the categorical column ``color``."""
    data = frame.assign(
        month=frame["date"].dt.to_period("M").dt.to_timestamp(),
        when=frame.apply(date_label, axis=1),
    )[["id", "month", "when", color]]
    keys = order or sorted(data[color].unique())
    palette = colors or dict(zip(keys, PALETTE * (len(keys) // len(PALETTE) + 1)))
    return (
        alt.Chart(data, title=title, description=description)
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(month):O", title=None,
                    axis=alt.Axis(format="%b %y", labelAngle=0, labelOverlap="greedy")),
            y=alt.Y("count():Q", title="Rows per month", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(f"{color}:N", title=color_title or color.replace("_", " ").capitalize(),
                            scale=_scale(palette, keys, present=data[color])),
            tooltip=[alt.Tooltip("yearmonth(month):T", title="Month", format="%B %Y"),
                     alt.Tooltip(f"{color}:N", title=color_title or color),
                     alt.Tooltip("count():Q", title="Rows")],
        )
        .properties(width="container", height=220)
    )


def strip_chart(frame: pd.DataFrame, *, y: str, color: str, title: str, description: str,
                y_order: list[str] | None = None, colors: dict[str, str] | None = None,
                order: list[str] | None = None, detail: dict[str, str] | None = None) -> alt.Chart:
    """Every row as a dot: time across, one row per value of ``y``, coloured by ``color``.

    ``detail`` adds tooltip columns (name -> title); the date and row id are always shown.
    """
    detail = detail or {"summary": "Summary"}
    data = frame.assign(when=frame.apply(date_label, axis=1))[
        list(dict.fromkeys(["id", "date", "when", y, color, *detail]))]
    keys = order or sorted(data[color].unique())
    palette = colors or dict(zip(keys, PALETTE * (len(keys) // len(PALETTE) + 1)))
    return (
        alt.Chart(data, title=title, description=description)
        .mark_circle(size=110, opacity=0.85, stroke="white", strokeWidth=0.8)
        .encode(
            x=_time_axis(),
            y=alt.Y(f"{y}:N", title=None, sort=y_order, axis=alt.Axis(labelLimit=200)),
            color=alt.Color(f"{color}:N", title=color.replace("_", " ").capitalize(),
                            scale=_scale(palette, keys, present=data[color])),
            tooltip=_tooltips(**detail),
        )
        .properties(width="container", height=34 * max(1, data[y].nunique()))
    )


def _range_label(row: pd.Series) -> str:
    low, high = row["low"], row["high"]
    if pd.notna(low) and pd.notna(high):
        return f"{low:,.0f} to {high:,.0f}"
    if pd.notna(low):
        return f"at least {low:,.0f}"
    if pd.notna(high):
        return f"up to {high:,.0f}"
    return ""


def estimates_chart(estimates: pd.DataFrame, *, title: str, description: str) -> alt.Chart:
    """Published numbers over time: a dot per value, a bar per low-high range, by publisher.

    A row with only a lower (or upper) bound is plotted at that bound; its tooltip says
    "at least" (or "up to"). Rows without any number cannot be plotted and are left out.
    """
    estimates = estimates[estimates[["value", "low", "high"]].notna().any(axis=1)]
    data = estimates.assign(
        when=estimates.apply(date_label, axis=1),
        # the plotted number: the value; else the middle of a range; else the one bound given
        shown=estimates["value"].fillna((estimates["low"] + estimates["high"]) / 2)
        .fillna(estimates["low"]).fillna(estimates["high"]),
        range=estimates.apply(_range_label, axis=1),
        number=estimates["value"].map(lambda v: "" if pd.isna(v) else f"{v:,.0f}"),
    )[["id", "date", "when", "publisher_actor", "publisher", "quantity", "shown", "low", "high",
       "range", "number", "summary"]]
    base = alt.Chart(data).encode(
        x=_time_axis(),
        color=alt.Color("publisher_actor:N", title="Published by",
                        scale=_scale(ACTOR_COLORS, present=data["publisher_actor"])),
    )
    ranges = base.transform_filter("datum.low != null && datum.high != null").mark_rule(strokeWidth=3, opacity=0.6).encode(
        y=alt.Y("low:Q", title="Persons"), y2="high:Q")
    dots = base.mark_circle(size=90, opacity=0.9).encode(
        y=alt.Y("shown:Q", title="Persons", scale=alt.Scale(zero=True)),
        tooltip=_tooltips(publisher="Published by", quantity="Quantity", number="Value",
                          range="Range", summary="Summary"),
    )
    # the range layer only when some figure is a range (an empty layer has no extent)
    layers = [ranges, dots] if (data["low"].notna() & data["high"].notna()).any() else [dots]
    return (alt.layer(*layers, data=data)
            .properties(title=title, description=description, width="container", height=260))


OUTCOMES = ["confirmed", "partly", "not borne out", "too early to tell"]
OUTCOME_COLORS = dict(zip(OUTCOMES, ["#1b7837", "#a6dba0", "#c2a5cf", "#bdbdbd"]))


def scorecard_chart(scorecard: pd.DataFrame, *, chapters: dict[str, str], title: str,
                    description: str) -> alt.Chart:
    """Expectations per chapter as horizontal stacked bars, coloured by outcome."""
    data = scorecard.assign(chapter_name=scorecard["chapter"].map(chapters), n=1)[
        ["id", "chapter_name", "expectation", "outcome", "confidence", "n"]]
    return (
        alt.Chart(data, title=title, description=description)
        .mark_bar()
        .encode(
            y=alt.Y("chapter_name:N", title=None, sort=list(chapters.values())),
            x=alt.X("sum(n):Q", title="Expectations", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("outcome:N", title="Outcome",
                            scale=_scale(OUTCOME_COLORS, OUTCOMES, present=data["outcome"])),
            order=alt.Order("outcome_rank:Q"),
            tooltip=[alt.Tooltip("expectation:N", title="Expectation"),
                     alt.Tooltip("outcome:N", title="Outcome"),
                     alt.Tooltip("confidence:N", title="Confidence"),
                     alt.Tooltip("id:N", title="Row id")],
        )
        .transform_calculate(outcome_rank=f"indexof({json.dumps(OUTCOMES)}, datum.outcome)")
        .properties(width="container", height=28 * max(1, data["chapter_name"].nunique()))
    )

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


# --- charts that measure the world (issue 11) ------------------------------------------

#: The rungs of the stance ladder, from denial to praise, as a reader would name them.
LADDER = {"deny": "Denied", "evade": "Evaded", "acknowledge": "Acknowledged",
          "praise": "Praised the troops"}
SPEAKER_SIZES = {"leader": 170, "senior official": 80, "spokesperson or other": 30}


def _trigger_layers(triggers: pd.DataFrame) -> list[alt.Chart]:
    """Dashed rules at the trigger events, each labelled at the top of the plot."""
    triggers = triggers.assign(short_label=triggers["short_label"].fillna(triggers["label"]))
    marks = triggers.assign(when=triggers.apply(date_label, axis=1))[
        ["id", "date", "when", "short_label"]]
    base = alt.Chart(marks).encode(x=alt.X("date:T"))
    rules = base.mark_rule(strokeDash=[4, 3], color="#777777").encode(
        tooltip=_tooltips(short_label="Event"))
    labels = base.mark_text(align="left", dx=3, dy=2, fontSize=10, color="#444444",
                            baseline="top").encode(text="short_label:N", y=alt.value(0))
    return [rules, labels]


def stance_ladder(statements: pd.DataFrame, *, actors: list[str], triggers: pd.DataFrame,
                  title: str, description: str) -> alt.Chart:
    """Each government's position on the deployment over time, on a ladder from denial to
    praise: one step line per government, a dot per statement sized by the speaker's level,
    dashed rules at the events that might have moved it."""
    data = statements[statements["actor"].isin(actors) & statements["stance"].isin(LADDER)]
    data = data.assign(when=data.apply(date_label, axis=1), rung=data["stance"].map(LADDER))[
        ["id", "date", "when", "actor", "speaker", "speaker_level", "stance", "rung", "summary"]]
    rungs = list(LADDER.values())
    y = alt.Y("rung:N", title=None, sort=list(reversed(rungs)), scale=alt.Scale(domain=list(reversed(rungs))),
              axis=alt.Axis(labelLimit=160))
    color = alt.Color("actor:N", title="Government", scale=_scale(ACTOR_COLORS, actors,
                                                                    present=data["actor"]))
    base = alt.Chart(data).encode(x=_time_axis(), y=y, color=color)
    line = base.mark_line(interpolate="step-after", opacity=0.5, strokeWidth=1.5).encode(
        detail="actor:N", order="date:T")
    dots = base.mark_circle(opacity=0.85, stroke="white", strokeWidth=0.8).encode(
        size=alt.Size("speaker_level:N", title="Speaker",
                      scale=alt.Scale(domain=list(SPEAKER_SIZES), range=list(SPEAKER_SIZES.values()))),
        tooltip=_tooltips(actor="Government", speaker="Speaker", rung="Position",
                          summary="Summary"),
    )
    height = 200
    return (alt.layer(line, dots, *_trigger_layers(triggers))
            .properties(title=title, description=description, width="container", height=height))


def first_response_chart(statements: pd.DataFrame, *, triggers: pd.DataFrame,
                         actors: list[str], title: str, description: str) -> alt.Chart:
    """Days from each trigger event to each government's first statement on or after it."""
    rows = []
    triggers = triggers.assign(short_label=triggers["short_label"].fillna(triggers["label"]))
    for _, trigger in triggers.iterrows():
        for actor in actors:
            after = statements[(statements["actor"] == actor) & (statements["date"] >= trigger["date"])]
            if after.empty:
                continue
            first = after.sort_values("date").iloc[0]
            rows.append({"trigger": trigger["short_label"], "trigger_id": trigger["id"],
                         "actor": actor, "days": int((first["date"] - trigger["date"]).days),
                         "id": first["id"], "when": date_label(first), "speaker": first["speaker"],
                         "summary": first["summary"]})
    data = pd.DataFrame(rows)
    order = list(dict.fromkeys(triggers["short_label"]))
    return (
        alt.Chart(data, title=title, description=description)
        .mark_bar(height=9)
        .encode(
            y=alt.Y("actor:N", title=None, sort=actors),
            yOffset=alt.YOffset("trigger:N", sort=order),
            x=alt.X("days:Q", title="Days until the government's first public statement"),
            color=alt.Color("trigger:N", title="After", sort=order,
                            scale=alt.Scale(range=PALETTE[:len(order)])),
            tooltip=[alt.Tooltip("trigger:N", title="After"),
                     alt.Tooltip("days:Q", title="Days"), *_tooltips(speaker="Speaker",
                                                                     summary="Statement")],
        )
        .properties(width="container", height=30 * len(actors))
    )


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
        base = alt.Chart(part).encode(x=x, color=color)
        layers = [base.mark_circle(size=80, opacity=0.9).encode(
            y=alt.Y("shown:Q", title="Persons", scale=alt.Scale(zero=True),
                    axis=alt.Axis(format=",d", tickMinStep=1)),
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


def visits_chart(events: pd.DataFrame, statements: pd.DataFrame, *, title: str,
                 description: str) -> alt.Chart:
    """High-level visits between the two countries: one lane per direction, a mark per visit,
    filled where the visitor or host publicly praised the troops during the visit (a
    statement of stance "praise" on the visit's topic within three days of it)."""
    lanes = {"russian-envoy-in-dprk": "Russian officials in Pyongyang",
             "dprk-envoy-in-russia": "North Korean officials in Russia",
             "summit": "Kim and Putin meet"}
    rows = []
    for _, event in events[events["category"] == "visit"].iterrows():
        codes = [t for t in lanes if t in str(event["topics"] or "").split("; ")]
        if not codes:
            continue
        code = codes[-1] if "summit" in codes else codes[0]
        near = statements[(statements["stance"] == "praise")
                          & ((statements["date"] - event["date"]).abs().dt.days <= 3)
                          & statements["topics"].fillna("").str.split("; ").map(
                              lambda ts: code in ts)]
        rows.append({"id": event["id"], "date": event["date"], "when": date_label(event),
                     "lane": lanes[code], "label": event["short_label"] or event["label"],
                     "praised": "praised the troops" if len(near) else "no praise recorded",
                     "praise_ids": "; ".join(near["id"]) or "none"})
    data = pd.DataFrame(rows)
    return (
        alt.Chart(data, title=title, description=description)
        .mark_point(size=140, strokeWidth=2)
        .encode(
            x=_time_axis(),
            y=alt.Y("lane:N", title=None, sort=list(lanes.values()), axis=alt.Axis(labelLimit=220)),
            color=alt.Color("lane:N", legend=None,
                            scale=alt.Scale(domain=list(lanes.values()),
                                            range=[ACTOR_COLORS["Russia"], ACTOR_COLORS["DPRK"],
                                                   ACTOR_COLORS["Russia-DPRK"]])),
            fill=alt.Fill("praised:N", title="During the visit",
                          scale=alt.Scale(domain=["praised the troops", "no praise recorded"],
                                          range=["#333333", "white"])),
            tooltip=_tooltips(label="Visit", praised="Troops", praise_ids="Praise statements"),
        )
        .properties(width="container", height=150)
    )


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

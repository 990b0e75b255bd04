"""Chart builders: each chapter makes its charts in one call to one of these."""

from __future__ import annotations

import altair as alt
import pandas as pd

from .data import date_label, sources_of
from .theme import ACTOR_COLORS, PALETTE, _scale


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


# --- charts that measure the world (issue 11) ------------------------------------------

#: The rungs of the stance ladder, from denial to praise, as a reader would name them.
LADDER = {"deny": "Denied", "evade": "Evaded", "acknowledge": "Acknowledged",
          "praise": "Praised the troops"}
SPEAKER_SIZES = {"leader": 170, "senior official": 80, "spokesperson or other": 30}


def _short_label(events: pd.DataFrame) -> pd.Series:
    """An event's short label, or its label where it has none."""
    short = events["short_label"].fillna("")
    return short.where(short != "", events["label"])


def _trigger_layers(triggers: pd.DataFrame) -> list[alt.Chart]:
    """Dashed rules at the trigger events, each labelled at the top of the plot."""
    triggers = triggers.assign(short_label=_short_label(triggers))
    marks = triggers.sort_values("date").assign(
        when=lambda d: d.apply(date_label, axis=1),
        # labels on alternating lines, so that close events do not overprint each other
        line=lambda d: [11 * (i % 2) for i in range(len(d))])[
        ["id", "date", "when", "short_label", "line"]]
    base = alt.Chart(marks).encode(x=alt.X("date:T"))
    rules = base.mark_rule(strokeDash=[4, 3], color="#777777").encode(
        tooltip=_tooltips(short_label="Event"))
    labels = [base.transform_filter(f"datum.line == {line}")
              .mark_text(align="left", dx=3, dy=2 + line, fontSize=10, color="#444444",
                         baseline="top").encode(text="short_label:N", y=alt.value(0))
              for line in sorted(set(marks["line"]))]
    return [rules, *labels]


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
        size=alt.Size("speaker_level:O", title="Speaker", sort=list(SPEAKER_SIZES),
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
    triggers = triggers.assign(short_label=_short_label(triggers))
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
    base = alt.Chart(data).encode(
        y=alt.Y("actor:N", title=None, sort=actors),
        yOffset=alt.YOffset("trigger:N", sort=order),
        x=alt.X("days:Q", title="Days until the government's first public statement"),
        tooltip=[alt.Tooltip("trigger:N", title="After"),
                 alt.Tooltip("days:Q", title="Days"), *_tooltips(speaker="Speaker",
                                                                 summary="Statement")],
    )
    bars = base.mark_bar(height=9).encode(
        color=alt.Color("trigger:N", title="After", sort=order,
                        scale=alt.Scale(range=PALETTE[:len(order)]),
                        legend=alt.Legend(labelLimit=320, direction="vertical")))
    # the number at the end of each bar, so that a same-day answer (0 days) shows too
    labels = base.mark_text(align="left", dx=3, fontSize=10, color="#333333").encode(
        text="days:Q")
    return (alt.layer(bars, labels)
            .properties(title=title, description=description, width="container",
                        height=30 * len(actors)))


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

"""The book's chart theme: fonts, one colour per actor, stance and outcome."""

from __future__ import annotations

import altair as alt

FONT = "Noto Sans, DejaVu Sans, Helvetica, Arial, sans-serif"

#: One colour per actor, used by every chart in the book.
ACTOR_COLORS = {
    "Russia": "#c0392b",
    "DPRK": "#1f4e9c",
    "Russia-DPRK": "#7b3f99",
    "Ukraine": "#e0a100",
    "ROK": "#2a9d8f",
    "USA": "#555555",
    "Japan": "#b56576",
    "China": "#8c564b",
    "NATO": "#4c78a8",
    "EU": "#72b7b2",
    "UN": "#5fa2dd",
    "G7": "#9d755d",
    "other": "#9e9e9e",
}

#: One colour per stance, ordered from denial to acknowledgment.
STANCE_ORDER = ["deny", "evade", "acknowledge", "praise", "assert", "condemn", "other"]
STANCE_COLORS = {
    "deny": "#b2182b",
    "evade": "#ef8a62",
    "acknowledge": "#2166ac",
    "praise": "#67a9cf",
    "assert": "#5e5e5e",
    "condemn": "#1b7837",
    "other": "#bdbdbd",
}


@alt.theme.register("nkbook", enable=True)
def _theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": FONT,
            "view": {"stroke": None},
            "background": "white",
            "title": {"fontSize": 14, "anchor": "start", "fontWeight": 600},
            "axis": {
                "labelFontSize": 11,
                "titleFontSize": 12,
                "gridColor": "#e6e6e6",
                "domainColor": "#888888",
                "tickColor": "#888888",
            },
            "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "bottom"},
        }
    }


#: Neutral qualitative palette for categories without a fixed colour.
PALETTE = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#ff9da6",
           "#9d755d", "#bab0ac", "#eeca3b"]


def _scale(colors: dict[str, str], order: list[str] | None = None, present=None) -> alt.Scale:
    """A fixed colour per value; ``present`` limits the legend to the values in the chart."""
    keys = [k for k in (order or list(colors)) if present is None or k in set(present)]
    return alt.Scale(domain=keys, range=[colors[k] for k in keys])


# --------------------------------------------------------------------------------------


OUTCOMES = ["confirmed", "partly", "not borne out", "too early to tell"]
OUTCOME_COLORS = dict(zip(OUTCOMES, ["#1b7837", "#a6dba0", "#c2a5cf", "#bdbdbd"]))

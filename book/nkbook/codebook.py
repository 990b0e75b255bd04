"""The schema as tables, for the codebook in the appendix "Data and methods"."""

from __future__ import annotations

import pandas as pd

from .data import package


def schema_table(name: str) -> pd.DataFrame:
    """One row per column of table ``name``: type, required, allowed values, description."""
    res = next(r for r in package()["resources"] if r["name"] == name)
    rows = []
    for f in res["schema"]["fields"]:
        c = f.get("constraints", {})
        allowed = []
        if "enum" in c:
            allowed.append(", ".join(c["enum"]))
        if "pattern" in c:
            allowed.append(f"pattern {c['pattern']}")
        for k, label in (("minimum", "from"), ("maximum", "to"), ("maxLength", "max. length")):
            if k in c:
                allowed.append(f"{label} {c[k]}")
        if c.get("unique"):
            allowed.append("unique")
        rows.append({
            "column": f["name"],
            "type": f["type"],
            "required": "yes" if c.get("required") else "no",
            "allowed": "; ".join(allowed),
            "description": f.get("description", ""),
        })
    return pd.DataFrame(rows)

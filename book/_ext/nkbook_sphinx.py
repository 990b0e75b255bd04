"""Sphinx glue for the book: serve the chart libraries locally, only where charts are.

* At ``config-inited`` the extension writes one JavaScript bundle holding vega, vega-lite
  and vega-embed (from ``vl-convert-python``, in the Vega-Lite version Altair uses) into
  ``book/_static/vendor/``. Nothing is fetched from a CDN, so the HTML book works offline.
* At ``html-page-context`` it adds that bundle and ``nk-charts.js`` to the pages that hold
  a chart, and to no other page (pages without charts stay small).
"""

from __future__ import annotations

from pathlib import Path

import altair as alt
import vl_convert as vlc

HERE = Path(__file__).resolve().parent
STATIC = HERE.parent / "_static"
VL_VERSION = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])


def bundle_name() -> str:
    return (
        f"vendor/nk-vega-{vlc.get_vega_version()}-lite-{VL_VERSION}"
        f"-embed-{vlc.get_vega_embed_version()}.js"
    )


def write_bundle(app, config) -> None:
    target = STATIC / bundle_name()
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        for old in target.parent.glob("nk-vega-*.js"):
            old.unlink()
        code = vlc.javascript_bundle(vl_version=VL_VERSION)
        if "window.vegaEmbed" not in code:
            raise RuntimeError("vl-convert bundle does not define window.vegaEmbed")
        # Wrapped in a function scope: the minified bundle's top-level const/let names would
        # otherwise share the page's global lexical scope with other scripts and can clash.
        target.write_text("(function () {\n" + code + "\n})();\n", encoding="utf-8")
    static_dir = str(STATIC)
    if static_dir not in config.html_static_path:
        config.html_static_path.append(static_dir)


def add_chart_scripts(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body", "")
    if 'class="nk-chart"' in body:
        app.add_js_file(bundle_name(), loading_method="defer")
        app.add_js_file("nk-charts.js", loading_method="defer")


def setup(app):
    app.connect("config-inited", write_bundle)
    app.connect("html-page-context", add_chart_scripts)
    app.add_css_file("nk.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

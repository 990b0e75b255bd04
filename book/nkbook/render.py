"""One mime bundle per chart, for every place a chart is shown.

In the book build (``NKBOOK_BUILD`` set by the Sphinx extension): ``text/html`` (the
Vega-Lite spec; the extension compiles it to Vega when the page is written, and the locally
served Vega draws it; no CDN) and ``application/pdf`` (vector image for LaTeX); myst-nb picks
one per builder. In a notebook (JupyterLab, a reader's "Run all"): ``image/svg+xml`` made by
vl-convert, which JupyterLab shows offline, and the Vega-Lite spec under its own mime type.
The build's executed notebooks keep the same Vega-Lite spec, so a reader's run can be
compared with the build (``tools/notebooks.py``).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os

import altair as alt
import vl_convert as vlc

VL_VERSION = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
PDF_WIDTH = 620


def _static_spec(spec: dict) -> dict:
    """The spec with fixed widths, for the PDF (no browser container to size against)."""
    spec = json.loads(json.dumps(spec))

    def fix(node):
        if isinstance(node, dict):
            if node.get("width") == "container":
                node["width"] = PDF_WIDTH
            for value in node.values():
                fix(value)
        elif isinstance(node, list):
            for value in node:
                fix(value)

    fix(spec)
    return spec


def _json_for_script(spec: dict) -> str:
    """JSON that can sit inside <script type="application/json"> without ending it."""
    text = json.dumps(spec, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


#: True while Sphinx builds the book (the extension book/_ext/nkbook_sphinx.py sets it before
#: any notebook runs); False in JupyterLab or any other kernel a reader starts.
IN_BOOK_BUILD = os.environ.get("NKBOOK_BUILD") == "1"
SPEC_MIME = f"application/vnd.vegalite.v{VL_VERSION.split('.')[0]}+json"


def _chart_html(spec: dict, description: str) -> str:
    digest = hashlib.sha256(_json_for_script(spec).encode()).hexdigest()[:12]
    return (
        f'<div class="nk-chart" id="nk-chart-{digest}" role="figure" '
        f'aria-label="{html.escape(description, quote=True)}">'
        f'<script type="application/json" class="nk-chart-spec">{_json_for_script(spec)}</script>'
        f'<noscript><p class="nk-chart-noscript">{html.escape(description)} '
        "(This interactive chart needs JavaScript; the PDF edition shows it as an image.)"
        "</p></noscript></div>"
    )


def render_bundle(spec: dict, book: bool | None = None) -> dict:
    """The mime bundle for one Vega-Lite spec (also used as the Altair renderer)."""
    book = IN_BOOK_BUILD if book is None else book
    description = spec.get("description") or "Chart"
    static = _static_spec(spec)
    bundle = {
        "image/svg+xml": vlc.vegalite_to_svg(static, vl_version=VL_VERSION),
        "text/plain": f"<Chart: {description}>",
    }
    if book:  # the HTML carries the spec (myst-nb warns on a mime type it does not know)
        pdf = vlc.vegalite_to_pdf(static, vl_version=VL_VERSION)
        bundle["text/html"] = _chart_html(spec, description)
        bundle["application/pdf"] = base64.b64encode(pdf).decode("ascii")
    else:
        bundle[SPEC_MIME] = json.loads(json.dumps(spec))
    return bundle


def spec_from_html(text: str) -> dict | None:
    """The Vega-Lite spec inside a chart's HTML (as written by ``render_bundle``)."""
    start = text.find('class="nk-chart-spec">')
    if start < 0:
        return None
    start += len('class="nk-chart-spec">')
    return json.loads(text[start:text.index("</script>", start)])


alt.renderers.register("nkbook", render_bundle)
alt.renderers.enable("nkbook")

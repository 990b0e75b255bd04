"""Sphinx glue for the book.

* Chart libraries: the charts are compiled from Vega-Lite to Vega when their page is written
  (``nkbook_figures``, by ``vl-convert-python`` in the Vega-Lite version Altair uses), so the
  pages need Vega alone: at ``config-inited`` Vega's own browser build, of the version
  vl-convert compiles for (``run.py`` fetches it), is copied to ``book/_static/vendor/``; ``html-page-context`` adds
  it, with ``nk-charts.js`` and ``nk-charts.css``, to the pages that hold a chart and to no
  other page. Nothing comes from a CDN. The DataTables bundle that itables ships is copied there too, for the "Explore the data" page (only that page
  loads it, with ``nk-explore.js`` and ``nk-explore.css``).
* Edition and citation: the version and release date come from ``CITATION.cff`` and the data
  cut-off from ``data/datapackage.json``. Every HTML page gets a line with the version, the
  cut-off and links to the PDF, the data and "How to cite"; Highwire Press ``citation_*`` and
  OpenGraph meta tags; and, on the book's pages, a "Cite this page" block (APA-like text and
  BibTeX for the page and for each of its labelled sections, each copyable in one click).
  The LaTeX title page shows the version and the cut-off. The same citation, from one record
  (``citation_record``), is written as BibTeX, RIS and CSL-JSON files to download:
  ``_citations/book.*``, ``_citations/<page>.*`` and, by nkbook_figures, ``_figures/<id>.*``.
* Found and shared, with a base URL only: ``sitemap.xml`` (sphinx-sitemap, every page) and
  each page's first chart as its ``og:image``.
* Notebooks: every chapter page offers its executed notebook (``.ipynb`` with outputs) beside
  its MyST source, in the theme's download menu and in a line under the chapter title; the
  PDF shows no code (code cells are collapsed behind "Show code" in the web book, removed
  from the LaTeX doctree). ``NKBOOK_BUILD=1`` tells the helper package that it runs in the
  book build, before any notebook executes.
* The public address: ``html_baseurl`` (``_config.yml`` ``html.baseurl``) or, if set, the
  environment variable ``NKBOOK_BASE_URL`` (the deployment workflow sets it). Without one,
  citations give the page's path in the book instead of an invented address.
* Editions: tools/editions.py builds every release tag with ``NKBOOK_BASE_URL`` set to its
  edition's address (``<site>/vX.Y.Z``) and ``NKBOOK_SITE_URL`` to the site's, so every
  citation names the edition, and the cite block says which address to cite. Each HTML build
  writes a one-entry ``switcher.json`` for the theme's version menu (``version_match`` is
  the version); tools/editions.py replaces it with every edition.
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
from datetime import date
from pathlib import Path

import altair as alt
import vl_convert as vlc
import yaml
from docutils import nodes

# The helper package (book/nkbook) outputs charts for the book (HTML + PDF) when this is set,
# and for JupyterLab (SVG) otherwise. Kernels inherit it from this process.
os.environ["NKBOOK_BUILD"] = "1"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from nkbook.data import long_date  # noqa: E402
from nkbook.render import SPEC_MIME, spec_from_html  # noqa: E402  (after NKBOOK_BUILD is set)

HERE = Path(__file__).resolve().parent
STATIC = HERE.parent / "_static"
ROOT = HERE.parent.parent
VL_VERSION = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])


# --------------------------------------------------------------------------------------
# Metadata
# --------------------------------------------------------------------------------------


def metadata() -> dict:
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    package = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    released = date.fromisoformat(str(cff["date-released"]))
    cutoff = date.fromisoformat(package["x-cutoff"])
    return {
        "title": cff["title"],
        "author": cff["authors"][0]["name"],
        "version": str(cff["version"]),
        "released": released,
        "cutoff": cutoff,
        "abstract": " ".join(str(cff.get("abstract", "")).split()),
        "keywords": cff.get("keywords", []),
        "data_title": package["title"],
    }


def base_url(app) -> str:
    url = os.environ.get("NKBOOK_BASE_URL") or app.config.html_baseurl or ""
    return url.rstrip("/")


# --------------------------------------------------------------------------------------
# Chart libraries
# --------------------------------------------------------------------------------------


def bundle_name() -> str:
    return f"vendor/nk-vega-{vlc.get_vega_version()}.js"


def to_vega(spec: dict) -> dict:
    """The Vega spec a Vega-Lite spec compiles to (for the Vega of the bundle)."""
    return vlc.vegalite_to_vega(spec, vl_version=VL_VERSION)


def write_bundle(app, config) -> None:
    """Copy Vega's own browser build (``vega.min.js``, which ``run.py`` fetched from the npm
    registry and checked) of the version vl-convert compiles for, to ``_static/vendor``."""
    version = vlc.get_vega_version()
    source = Path(sys.prefix) / "share" / f"vega-{version}" / "vega.min.js"
    if not source.exists():
        raise RuntimeError(f"{source} missing: vl-convert compiles for Vega {version}; "
                           "`python3 run.py build` fetches the Vega that run.py pins (VEGA_VERSION)")
    target = STATIC / bundle_name()
    if not target.exists() or target.read_bytes() != source.read_bytes():
        target.parent.mkdir(parents=True, exist_ok=True)
        for old in target.parent.glob("nk-vega-*.js"):
            old.unlink()
        target.write_bytes(source.read_bytes())
    static_dir = str(STATIC)
    if static_dir not in config.html_static_path:
        config.html_static_path.append(static_dir)


def write_explore_bundle(app, config) -> None:
    """The "Explore the data" page's tables: copy the DataTables bundle that itables ships
    (script and stylesheet) to ``book/_static/vendor/`` (nkbook.explore names the folder)."""
    import shutil

    from nkbook.explore import BUNDLE_DIR, bundle_files

    target = STATIC / BUNDLE_DIR
    target.mkdir(parents=True, exist_ok=True)
    for old in target.parent.glob("itables-*"):
        if old != target:
            shutil.rmtree(old)
    for source in bundle_files():
        if not (target / source.name).exists() or (target / source.name).read_bytes() != source.read_bytes():
            shutil.copyfile(source, target / source.name)


def _drop_listeners(app, module: str) -> None:
    """Disconnect every event handler that the extension ``module`` connected."""
    for event, listeners in app.events.listeners.items():
        listeners[:] = [
            listener for listener in listeners
            if not (getattr(listener.handler, "__module__", None) or "").startswith(module)
        ]


def sitemap_only_with_base(app, config) -> None:
    """sphinx-sitemap writes ``sitemap.xml`` with absolute addresses only: with a base URL it
    lists every page under it; without one (local builds) it is switched off, instead of
    warning (fatal under -W) that it has no address."""
    base = base_url(app)
    if base:
        config.site_url = base + "/"  # sphinx-sitemap appends each page's path as it is
    else:
        _drop_listeners(app, "sphinx_sitemap")
        # nor one left by an earlier build with a base URL, naming its addresses
        (Path(app.outdir) / config.sitemap_filename).unlink(missing_ok=True)


def sitemap_every_page(app, exception) -> None:
    """sphinx-sitemap lists the pages written by this build; an incremental build writes only
    the changed ones. Add every other page of the book before it writes the file."""
    from sphinx_sitemap import is_excluded

    links = getattr(app.env.app, "sitemap_links", None)
    if exception or links is None or app.builder.format != "html":
        return
    found = {}
    while not links.empty():
        link, modified = links.get_nowait()
        found[link] = modified
    for doc in app.env.found_docs:
        found.setdefault(doc + app.builder.out_suffix, None)
    for link in sorted(found):
        if not is_excluded(link, app.config.sitemap_excludes):
            links.put((link, found[link]))


def disable_thebe(app, config) -> None:
    """Jupyter Book always loads sphinx-thebe. With launch buttons off it only adds two inline
    scripts (declaring the same const twice: a console error on every page) and a config
    block naming an unpkg.com bundle and a Binder repository. Remove its event handlers and
    its stylesheet so no page carries any of that."""
    _drop_listeners(app, "sphinx_thebe")
    app.registry.css_files[:] = [c for c in app.registry.css_files if "thebe" not in str(c[0])]
    app.registry.js_files[:] = [j for j in app.registry.js_files if "thebe" not in str(j[0])]


def set_edition(app, config) -> None:
    """Version, release and the LaTeX title-page date line from CITATION.cff."""
    meta = metadata()
    config.version = config.release = meta["version"]
    config.today = f"{long_date(meta['released'])} · data cut-off {long_date(meta['cutoff'])}"
    base = os.environ.get("NKBOOK_BASE_URL")
    if base:
        config.html_baseurl = base.rstrip("/") + "/"
    # The version switcher (pydata-sphinx-theme): this edition's entry in switcher.json.
    switcher = config.html_theme_options.get("switcher")
    if switcher is not None:
        switcher["version_match"] = meta["version"]


def site_url() -> str:
    """The address that always shows the latest edition (``NKBOOK_SITE_URL``, set by
    tools/editions.py), or "" when the build is not one edition of a multi-edition site."""
    return os.environ.get("NKBOOK_SITE_URL", "").rstrip("/")


SWITCHER = "switcher.json"


def write_switcher(app, exception) -> None:
    """A one-entry switcher.json (this edition) in every HTML build, so that the switcher
    works in a build of its own; tools/editions.py replaces it with the list of every
    edition. Entry addresses are edition roots: the theme appends the page's path."""
    if exception is not None or app.builder.format != "html":
        return
    version = app.config.version
    base = base_url(app)
    entry = {"name": f"Version {version}", "version": version, "url": base + "/" if base else "/",
             "preferred": True}
    Path(app.outdir, SWITCHER).write_text(json.dumps([entry], indent=1) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------------------
# Per page: scripts, edition line, meta tags, citation block
# --------------------------------------------------------------------------------------


def _page_title(app, pagename: str) -> str:
    title = app.env.titles.get(pagename)
    return title.astext() if title is not None else ""


def _chapter_number(app, pagename: str) -> str:
    """The chapter's number: its position in the "Chapters" part of _toc.yml."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    for part in toc.get("parts", []):
        if part.get("caption") == "Chapters":
            files = [c["file"] for c in part.get("chapters", [])]
            return str(files.index(pagename) + 1) if pagename in files else ""
    return ""


def _sections(app, pagename: str) -> list[tuple[str, str]]:
    """(anchor, title) of every explicit label on the page other than the page's own."""
    labels = app.env.domaindata["std"]["labels"]
    found = []
    page_title = _page_title(app, pagename)
    for name, (docname, anchor, title) in labels.items():
        if (docname == pagename and anchor and title and name == anchor and "-" in name
                and not name.startswith(("fig-", "tbl-")) and title != page_title):
            found.append((anchor, title))
    order = {name: i for i, name in enumerate(app.env.domaindata["std"]["labels"])}
    return sorted(found, key=lambda x: order.get(x[0], 0))


def _bibtex_key(pagename: str, anchor: str = "") -> str:
    stem = re.sub(r"[^a-z0-9]+", "_", (anchor or pagename.split("/")[-1]).lower()).strip("_")
    return f"nk_acknowledgment_{stem}"


def citation_record(app, pagename: str, meta: dict, anchor: str = "", section: str = "",
                    part_of: str = "section of") -> dict:
    """One citation (the book, a page, one of its labelled sections or figures): what the
    text, BibTeX, RIS and CSL-JSON writers below share. ``part_of`` names the relation in the
    title of a section or figure; the address is ``base_url`` or, without one, empty."""
    base = base_url(app)
    page_path = f"{pagename}.html" + (f"#{anchor}" if anchor else "")
    title = _page_title(app, pagename)
    number = _chapter_number(app, pagename)
    is_book = pagename == app.config.root_doc
    return {
        "key": _bibtex_key("book") if is_book else _bibtex_key(pagename, anchor),
        "kind": "book" if is_book else "figure" if anchor.startswith("fig-") else "chapter",
        "title": meta["title"] if is_book else (
            f"{section} ({part_of}: {title})" if section else title),
        "page_title": title,
        "container": "" if is_book else meta["title"],
        "chapter": number,
        "part": "" if is_book else (f"chapter {number}" if number else "appendix"),
        "author": meta["author"], "released": meta["released"], "version": meta["version"],
        "note": (f"Version {meta['version']}, released {meta['released'].isoformat()}; "
                 f"data cut-off {meta['cutoff'].isoformat()}"),
        "edition": (f"Version {meta['version']}, {long_date(meta['released'])}; "
                    f"data cut-off {long_date(meta['cutoff'])}"),
        "url": f"{base}/{page_path}" if base else "",
        "where": f"{base}/{page_path}" if base else f"{page_path} (in the online book)",
    }


DATA_PAGE = "book/data-download"  # where the data set is described, downloaded and cited


def dataset_record(app, meta: dict) -> dict:
    """The data set (data/datapackage.json's title) as this edition publishes it: cited at
    the data page's address, with the book's version, release and cut-off."""
    return {**citation_record(app, DATA_PAGE, meta), "key": "nk_russia_acknowledgment_data",
            "kind": "dataset", "title": meta["data_title"], "container": meta["title"], "chapter": ""}


def to_bibtex(rec: dict) -> str:
    if rec["kind"] == "book":
        bib = [f"@book{{{rec['key']},", f"  title = {{{rec['title']}}},"]
    elif rec["kind"] == "dataset":  # BibTeX has no data-set type: @misc, said in the note
        bib = [f"@misc{{{rec['key']},", f"  title = {{{rec['title']}}},",
               f"  howpublished = {{Data set, part of {rec['container']}}},"]
    else:
        bib = [f"@incollection{{{rec['key']},", f"  title = {{{rec['title']}}},",
               f"  booktitle = {{{rec['container']}}},"]
        if rec["chapter"]:
            bib.append(f"  chapter = {{{rec['chapter']}}},")
    bib += [f"  author = {{{{{rec['author']}}}}},", f"  year = {{{rec['released'].year}}},",
            f"  edition = {{{rec['version']}}},", f"  note = {{{rec['note']}}},"]
    if rec["url"]:
        bib.append(f"  url = {{{rec['url']}}},")
    return "\n".join(bib + ["}"])


RIS_TYPES = {"book": "BOOK", "chapter": "CHAP", "figure": "FIGURE", "dataset": "DATA"}


def to_ris(rec: dict) -> str:
    """RIS (the tagged format of EndNote, Zotero, Mendeley): one record, ending in ER."""
    tags = [("TY", RIS_TYPES[rec["kind"]]), ("ID", rec["key"]), ("TI", rec["title"]),
            ("T2", rec["container"]), ("AU", rec["author"]), ("PY", str(rec["released"].year)),
            ("DA", rec["released"].strftime("%Y/%m/%d")), ("ET", rec["version"]),
            ("LA", "en"), ("UR", rec["url"]), ("N1", rec["note"])]
    return "".join(f"{tag}  - {value}\n" for tag, value in tags if value) + "ER  - \n"


def to_csl(rec: dict) -> str:
    """CSL-JSON (citeproc's input: Zotero, Pandoc, Mendeley): a list of one item."""
    item = {"id": rec["key"], "type": rec["kind"], "title": rec["title"],
            "container-title": rec["container"], "chapter-number": rec["chapter"],
            "author": [{"literal": rec["author"]}],
            "issued": {"date-parts": [[rec["released"].year, rec["released"].month,
                                       rec["released"].day]]},
            "edition": rec["version"], "version": rec["version"], "language": "en",
            "URL": rec["url"], "note": rec["note"]}
    return json.dumps([{k: v for k, v in item.items() if v}], ensure_ascii=False, indent=1) + "\n"


#: The downloadable citation files: suffix, writer, link text.
CITATION_FORMATS = ((".bib", to_bibtex, "BibTeX"), (".ris", to_ris, "RIS"),
                    (".json", to_csl, "CSL-JSON"))


def write_citation_files(target: Path, rec: dict) -> None:
    """``target`` + .bib, .ris and .json: the record in each format."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix, writer, _ in CITATION_FORMATS:
        text = writer(rec).rstrip("\n") + "\n"
        target.with_name(target.name + suffix).write_text(text, encoding="utf-8")


def citation_links(href: str, what: str) -> str:
    """Download links to the files ``write_citation_files`` wrote (``href`` without suffix,
    relative to the page); ``what`` says whose citation they hold."""
    links = " · ".join(f'<a href="{html.escape(href + suffix)}" download>citation ({name})</a>'
                       for suffix, _, name in CITATION_FORMATS)
    return f'<p class="nk-cite-files">Download the citation of {what}: {links}</p>'


def citations(app, pagename: str, meta: dict, anchor: str = "", section: str = "",
              part_of: str = "section of") -> tuple[str, str]:
    """APA-like text and BibTeX for a page (or one of its labelled sections or figures:
    ``part_of`` says which, in the BibTeX title)."""
    rec = citation_record(app, pagename, meta, anchor, section, part_of)
    return citation_text(rec, section), to_bibtex(rec)


def citation_text(rec: dict, section: str = "") -> str:
    """The APA-like text of a record (``section``: the labelled section or figure it cites)."""
    start = f"{rec['author']} ({rec['released'].year})."
    if rec["kind"] == "book":
        return f"{start} {rec['title']} ({rec['edition']}). {rec['where']}"
    if rec["kind"] == "dataset":
        return (f"{start} {rec['title']} [data set] ({rec['edition']}). Part of {rec['container']}. "
                f"{rec['where']}")
    what = f"{section}. In {rec['page_title']}" if section else rec["page_title"]
    return f"{start} {what}. In {rec['container']} ({rec['part']}; {rec['edition']}). {rec['where']}"


def citation_files_href(pagename: str, stem: str) -> str:
    """The address, relative to the page, of the citation files ``_citations/<stem>.*``."""
    return "../" * pagename.count("/") + f"_citations/{stem}"


def page_citation_files(app, pagename: str, meta: dict) -> str:
    """Write the page's citation files (the book's, on the root page) to ``_citations/``;
    return the path, relative to the page, of those files without suffix."""
    stem = "book" if pagename == app.config.root_doc else Path(pagename).name
    write_citation_files(Path(app.outdir) / "_citations" / stem,
                         citation_record(app, pagename, meta))
    return citation_files_href(pagename, stem)


def _copyable(text: str) -> str:
    # sphinx-copybutton adds a one-click copy button to every "div.highlight pre"
    return f'<div class="highlight"><pre>{html.escape(text)}</pre></div>'


def cite_block(app, pagename: str, meta: dict) -> str:
    is_book = pagename == app.config.root_doc
    text, bib = citations(app, pagename, meta)
    heading = "Cite this book" if is_book else (
        "Cite this chapter" if _chapter_number(app, pagename) else "Cite this page")
    parts = [
        f'<section class="nk-cite" id="cite-this-page" aria-label="{heading}">',
        f"<h2>{heading}</h2>",
        _copyable(text),
        "<details><summary>BibTeX</summary>" + _copyable(bib) + "</details>",
        citation_links(page_citation_files(app, pagename, meta),
                       "this book" if is_book else f"this {heading.split()[-1]}"),
    ]
    sections = _sections(app, pagename)
    if sections and not is_book:
        items = []
        for anchor, title in sections:
            s_text, s_bib = citations(app, pagename, meta, anchor, title)
            items.append(f"<li><a href=\"#{anchor}\">{html.escape(title)}</a>"
                         + _copyable(s_text) + _copyable(s_bib) + "</li>")
        parts.append("<details><summary>Cite a section of this page</summary><ul>"
                     + "".join(items) + "</ul></details>")
    parts.append(edition_address(app, pagename, meta))
    parts.append("<p class=\"nk-cite-note\">Please also cite the original source of any "
                 "statement or figure you use: the bibliography gives each source's address.</p>")
    parts.append("</section>")
    return "\n".join(parts)


def edition_address(app, pagename: str, meta: dict) -> str:
    """Which address to cite: this edition's, which never changes (tools/editions.py
    publishes every release under /vX.Y.Z/), not the site's, which shows the latest."""
    base = base_url(app)
    if not base:
        return ""
    here = f"{base}/{pagename}.html"
    text = (f'Permanent address of this page in version {html.escape(meta["version"])}: '
            f'<a href="{html.escape(here)}">{html.escape(here)}</a>.')
    site = site_url()
    if site and site != base:
        latest = f"{site}/{pagename}.html"
        text += (f" The address <a href=\"{html.escape(latest)}\">{html.escape(latest)}</a> always "
                 "shows the latest edition: cite the permanent one.")
    return f'<p class="nk-cite-address">{text}</p>'


def meta_tags(app, pagename: str, meta: dict, context: dict) -> str:
    base = base_url(app)
    is_book = pagename == app.config.root_doc
    title = meta["title"] if is_book else _page_title(app, pagename)
    pdf = f"{base}/book.pdf" if base else context["pathto"]("book.pdf", 1)
    tags = [
        ("citation_title", title),
        ("citation_author", meta["author"]),
        ("citation_publication_date", meta["released"].strftime("%Y/%m/%d")),
        ("citation_online_date", meta["released"].strftime("%Y/%m/%d")),
        ("citation_language", "en"),
        ("citation_pdf_url", pdf),
        ("citation_keywords", "; ".join(meta["keywords"])),
    ]
    if not is_book:
        tags += [("citation_book_title", meta["title"]), ("citation_inbook_title", meta["title"])]
    if base:
        tags.append(("citation_public_url", f"{base}/{pagename}.html"))
    out = [f'<meta name="{n}" content="{html.escape(str(v), quote=True)}" />' for n, v in tags]
    og = [
        ("og:title", title),
        ("og:type", "book" if is_book else "article"),
        ("og:site_name", meta["title"]),
        ("og:description", meta["abstract"] if is_book else f"{title}. A chapter of {meta['title']}, "
                                                            f"version {meta['version']}."),
        ("og:locale", "en_GB"),
    ]
    if base:
        og.append(("og:url", f"{base}/{pagename}.html"))
        og += og_image(app, base, context.get("body", ""))
    out += [f'<meta property="{n}" content="{html.escape(str(v), quote=True)}" />' for n, v in og]
    return "\n".join(out) + "\n"


def og_image(app, base: str, body: str) -> list[tuple[str, str]]:
    """The page's first chart as its OpenGraph image: the PNG nkbook_figures wrote to
    ``_figures/`` (its size read from the PNG header), with the chart's text alternative."""
    import struct

    figure = re.search(r'data-figure="(fig-[^"]+)"', body)
    if not figure:
        return []
    png = Path(app.outdir) / "_figures" / f"{figure[1]}.png"
    head = png.read_bytes()[:24]
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        raise RuntimeError(f"{png}: not a PNG (the og:image of the page)")
    width, height = struct.unpack(">II", head[16:24])
    alt = re.search(rf'id="{figure[1]}".*?class="nk-chart"[^>]*?aria-label="([^"]*)"', body, re.S)
    if not alt:
        raise RuntimeError(f"{figure[1]}: no text alternative for the og:image")
    return [("og:image", f"{base}/_figures/{figure[1]}.png"), ("og:image:type", "image/png"),
            ("og:image:width", str(width)), ("og:image:height", str(height)),
            ("og:image:alt", html.unescape(alt[1]))]


def edition_line(app, pagename: str, meta: dict, context: dict) -> str:
    rel = context["pathto"]
    links = [
        f'<a href="{rel("book.pdf", 1)}">PDF</a>',
        f'<a href="{rel("book/data-download")}">Data</a>',
        f'<a href="{rel("book/how-to-cite")}">How to cite</a>',
        f'<a href="{rel("book/changelog")}">Changes</a>',
        f'<a href="{rel("book/corrections")}">Corrections</a>',
    ]
    return (f'<p class="nk-edition">Version {html.escape(meta["version"])} · released '
            f'{long_date(meta["released"])} · data cut-off {long_date(meta["cutoff"])} · '
            + " · ".join(links) + "</p>\n")


def correction_line(app, pagename: str, context: dict) -> str:
    """On a chapter that a release corrected: which corrections, linked to the Corrections page."""
    import csv

    labels = app.env.domaindata["std"]["labels"]
    with (ROOT / "data" / "corrections.csv").open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if labels.get(r["chapter"], ("",))[0] == pagename]
    if not rows:
        return ""
    versions = sorted({r["version"] for r in rows})
    ids = ", ".join(r["id"] for r in rows)
    return (f'<p class="nk-corrected">Corrected in version {", ".join(versions)}: {html.escape(ids)} '
            f'(<a href="{context["pathto"]("book/corrections")}">Corrections</a>).</p>\n')


def page_context(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body", "")
    if 'class="nk-chart"' in body:
        if '"$schema":"https://vega.github.io/schema/vega-lite/' in body:
            raise RuntimeError(f"{pagename}: a chart outside a numbered figure (its Vega-Lite "
                               "spec was not compiled to Vega, see nkbook_figures)")
        app.add_js_file(bundle_name(), loading_method="defer")
        app.add_js_file("nk-charts.js", loading_method="defer")
        app.add_css_file("nk-charts.css")
    if 'class="nk-explore"' in body:  # the "Explore the data" page: row addresses
        app.add_js_file("nk-explore.js", loading_method="defer")
        app.add_css_file("nk-explore.css")
    if doctree is None:  # genindex, search: no edition line or citation
        return
    meta = metadata()
    if 'class="nk-data-citation"' in body:  # the data page: the data set's citation
        rec = dataset_record(app, meta)
        write_citation_files(Path(app.outdir) / "_citations" / "data", rec)
        body = body.replace('<div class="nk-data-citation"></div>',
                            '<div class="nk-data-citation">' + _copyable(citation_text(rec))
                            + _copyable(to_bibtex(rec))
                            + citation_links(citation_files_href(pagename, "data"), "the data set")
                            + "</div>")
    if 'class="nk-book-citation"' in body:
        text, bib = citations(app, app.config.root_doc, meta)
        files = citation_files_href(pagename, "book")  # the root page writes them
        body = body.replace('<div class="nk-book-citation"></div>',
                            '<div class="nk-book-citation">' + _copyable(text) + _copyable(bib)
                            + citation_links(files, "the book") + "</div>")
    context["metatags"] = context.get("metatags", "") + meta_tags(app, pagename, meta, context)
    context["body"] = (edition_line(app, pagename, meta, context) + correction_line(app, pagename, context)
                       + context.get("nk_notebook_line", "")
                       + body + cite_block(app, pagename, meta))


# --------------------------------------------------------------------------------------
# Chapters as notebooks: the executed .ipynb to download; no code in the PDF
# --------------------------------------------------------------------------------------

BOOK_ONLY_MIMES = {"text/html", "application/pdf"}


def reader_notebook(path: Path) -> dict:
    """The executed notebook as a reader gets it: each glued chart shown under its cell.

    myst-nb keeps glued values out of the executed notebook (in ``<page>.glue.json`` beside
    it), and a chart's HTML needs the book's scripts. The download puts each glued chart back
    under the cell that glued it, as the SVG image and Vega-Lite spec made at build time, as
    a "Run All Cells" in JupyterLab shows it.
    """
    nb = json.loads(path.read_text(encoding="utf-8"))
    glue_file = path.with_suffix(".glue.json")
    glued = json.loads(glue_file.read_text(encoding="utf-8")) if glue_file.exists() else {}
    for name, output in glued.items():
        spec = spec_from_html("".join(output.get("data", {}).get("text/html", "")))
        if spec is None:
            continue
        cell = next((c for c in nb["cells"] if c["cell_type"] == "code"
                     and f'glue("{name}"' in "".join(c["source"])), None)
        if cell is None:
            raise RuntimeError(f"{path}: no cell glues the chart {name!r}")
        data = {k: v for k, v in output["data"].items() if k not in BOOK_ONLY_MIMES}
        data[SPEC_MIME] = spec
        cell.setdefault("outputs", []).append({
            "output_type": "display_data", "data": data,
            "metadata": {"scrapbook": {"name": name, "mime_prefix": ""}}})
    return nb


def is_notebook_page(app, pagename: str) -> bool:
    source = Path(app.env.doc2path(pagename))
    return source.suffix == ".md" and "{code-cell}" in source.read_text(encoding="utf-8")


def notebook_downloads(app, pagename, templatename, context, doctree) -> None:
    """Copy the page's executed notebook to _sources/ and offer it for download."""
    if doctree is None or not is_notebook_page(app, pagename):
        return
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if not executed.exists():
        raise RuntimeError(f"{pagename}: no executed notebook at {executed}; was it executed?")
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(reader_notebook(executed), ensure_ascii=False, indent=1),
                      encoding="utf-8")
    context["ipynb_source"] = f"{pagename}.ipynb"  # the theme's download menu lists it
    rel = context["pathto"]("_sources", 1)
    md = f"{rel}/{pagename}.md"
    nb_link = f"{rel}/{pagename}.ipynb"
    name = Path(pagename).name
    context["nk_notebook_line"] = (
        '<p class="nk-notebook">This page is a notebook: '
        f'<a class="nk-download-ipynb" href="{nb_link}" download="{name}.ipynb">executed notebook (.ipynb)</a> · '
        f'<a class="nk-download-md" href="{md}" download="{name}.md">MyST source (.md)</a> · '
        "to rerun it, see the README (<code>python3 run.py lab</code>). "
        "Each chart and table has a “Show code” toggle above it.</p>\n")


def drop_code_from_latex(app, doctree, docname) -> None:
    """The PDF shows no code: remove every code cell's source from the LaTeX doctree."""
    if app.builder.format != "latex":
        return
    for node in list(doctree.findall(nodes.container)):
        if node.get("nb_element") == "cell_code_source":
            node.parent.remove(node)
    for node in list(doctree.findall(nodes.container)):
        if node.get("nb_element") == "cell_code" and not node.children:
            node.parent.remove(node)


def latex_admonition_targets(app, doctree, docname) -> None:
    """A link target in the PDF for every named admonition (the judgments, ``:name: ju-...``):
    Sphinx's LaTeX writer writes none for admonitions, so links to them were dead."""
    if app.builder.format != "latex":
        return
    labels = app.env.domaindata["std"]["anonlabels"]  # label -> (docname, id)
    for node in list(doctree.findall(nodes.Admonition)):
        targets = [(labels[i][0], i) for i in node.get("ids", []) if i in labels]
        if not targets:
            continue
        tex = "".join(rf"\phantomsection\label{{\detokenize{{{doc}:{i}}}}}" for doc, i in targets)
        # after the title, which the writer sets as the environment's argument
        node.insert(1 if node.children and isinstance(node[0], nodes.title) else 0,
                    nodes.raw("", tex, format="latex"))


def latex_front_matter(app, doctree, docname) -> None:
    """In the PDF the root page's toctrees become the chapters themselves and the contents
    are LaTeX's (``tableofcontents`` in _config.yml's latex_elements): a rubric introducing
    a toctree would be a heading alone before chapter 1. The first one becomes the switch
    to arabic page numbers (chapter 1 starts on page 1); any other is dropped."""
    if app.builder.format != "latex" or docname != app.config.root_doc:
        return
    first = True
    for rubric in list(doctree.findall(nodes.rubric)):
        following = rubric.next_node(descend=False, siblings=True)
        if isinstance(following, nodes.compound) and "toctree-wrapper" in following["classes"]:
            if first:
                rubric.parent.insert(rubric.parent.index(rubric), nodes.raw(
                    "", "\\clearpage\\pagenumbering{arabic}\n", format="latex"))
            rubric.parent.remove(rubric)
            first = False


# Extensions that do not declare whether Sphinx may read and write in parallel (-j; run.py
# builds with it), each checked, at the pinned version, to be safe:
# * sphinx-multitoc-numbering 0.1.3 only replaces the toctree collector's section numbering,
#   which runs in the main process once all documents are read;
# * sphinx-external-toc 1.1.0 declares parallel reading safe; at writing time it only writes
#   the root index.html redirect, at build-finished, in the main process.
PARALLEL_SAFE = {"sphinx_multitoc_numbering": "0.1.3", "sphinx_external_toc": "1.1.0"}


def declare_parallel_safe(app, config) -> None:
    """Record, for the extensions checked above, what their setup() does not declare: without
    it Sphinx warns (an error under -W) and reads or writes serially."""
    from importlib.metadata import version

    from sphinx.errors import ExtensionError

    for name, checked in PARALLEL_SAFE.items():
        ext = app.extensions.get(name)
        if ext is None:
            continue
        if version(name.replace("_", "-")) != checked:
            raise ExtensionError(f"{name} {version(name.replace('_', '-'))} is not the version "
                                 f"{checked} checked for parallel builds (book/_ext/nkbook_sphinx.py)")
        for attr in ("parallel_read_safe", "parallel_write_safe"):
            if getattr(ext, attr) is None:
                setattr(ext, attr, True)


# Pages to read again although their source did not change: run.py (prepare) lists, beside
# the conf.py it generates, the notebooks whose data files changed since the last build.
STALE_PAGES = "stale-pages.json"


def reread_stale_pages(app, env, added, changed, removed) -> list[str]:
    path = Path(app.confdir) / STALE_PAGES
    if not path.exists():
        return []
    pages = json.loads(path.read_text(encoding="utf-8"))
    path.unlink()  # read by this build; a failed build drops the whole environment (run.py)
    return [page for page in pages if page in env.found_docs and page not in added | changed]


def setup(app):
    app.connect("config-inited", declare_parallel_safe)
    app.connect("env-get-outdated", reread_stale_pages)
    app.connect("html-page-context", notebook_downloads, priority=450)
    app.connect("doctree-resolved", drop_code_from_latex)
    app.connect("doctree-resolved", latex_front_matter)
    app.connect("doctree-resolved", latex_admonition_targets)
    app.connect("config-inited", disable_thebe)
    app.connect("config-inited", write_bundle)
    app.connect("config-inited", write_explore_bundle)
    app.connect("config-inited", set_edition)
    app.connect("build-finished", write_switcher)
    app.setup_extension("sphinx_sitemap")  # sitemap.xml, with a base URL only
    app.connect("config-inited", sitemap_only_with_base, priority=600)  # after set_edition
    app.connect("build-finished", sitemap_every_page, priority=400)  # before sphinx-sitemap's
    app.connect("html-page-context", page_context)
    app.add_css_file("nk.css")
    app.setup_extension("nkbook_figures")  # downloads, data table and citation of each chart
    app.setup_extension("nkbook_a11y")  # accessibility fixes (book/_ext/nkbook_a11y.py)
    app.setup_extension("nkbook_weight")  # light pages: icons as CSS, search index on search.html only
    return {"version": "1.1", "parallel_read_safe": True, "parallel_write_safe": True}

"""Light pages: only the icons the book shows, and no script a page does not use.

* Icons. pydata-sphinx-theme puts Font Awesome's SVG-with-JavaScript framework
  (``_static/scripts/fontawesome.js``, 1.5 MB: every free icon) on every page, and its
  stylesheet draws a few more icons (admonition titles, download links) with Font Awesome's
  web font (150 kB). ``book/_templates/layout.html`` drops that script; at the end of the
  build this module writes ``_static/nk-icons.css``: for each ``fa-*`` icon class that occurs
  in the built pages or the theme's scripts, and for each theme rule that draws a Font
  Awesome glyph with ``content``, the same icon as an SVG mask in the text colour (in the
  page's own font family, so that no box asks for Font Awesome's font). The
  shapes are the theme's own (its copy of Font Awesome Free, CC BY 4.0), read from that
  script at build time, so they follow the theme's version; no web font is loaded.
* Search. With ``search_as_you_type`` off (the theme's default) the search box opens
  ``search.html``; the other pages do not need Sphinx's search index (250 kB) and search
  tools, which the theme loads on every page. The template drops them there.
* Stylesheets. The theme's stylesheet (Bootstrap's included), sphinx-design's, MyST-NB's,
  Sphinx's and the DataTables bundle's hold rules for many classes no page of this book has.
  At the end of the build each of those files in ``_static`` (not the book's own ``nk*``
  stylesheets) is rewritten without the selectors that need a class that occurs neither in a
  built page (its ``class`` attributes and inline scripts) nor in a script in ``_static``;
  classes inside ``:not()``, ``:is()``, ``:where()`` or ``:has()`` are never required (a
  selector may match without them). A class that a script composes (Bootstrap's
  ``bs-${name}-auto``) counts as used when the script has its first part as a string
  (``"bs-"``) and the rest, or each later part, as a word. Rules, at-rules and their order
  are kept.

tests/test_weight.py checks every page's weight, all it loads included, and that every
icon is drawn in Chromium.
"""

from __future__ import annotations

import re
from pathlib import Path

import tinycss2
from sphinx.util import logging
from urllib.parse import quote

ICONS_CSS = "nk-icons.css"
FA_SCRIPT = "fontawesome.js"
PACKS = {"fas": ("fa-solid", "fas", "fa"), "far": ("fa-regular", "far"), "fab": ("fa-brands", "fab")}
_ENTRY = re.compile(r'(?:"([^"]+)"|([\w$]+)):\[(\d+),(\d+),\[([^\]]*)\],"([0-9a-f]+)","([^"]+)"\]')
_PACK = re.compile(r'var p=\{(.*?)\};.*?d\("(fa[srb])",p\)', re.S)
_WORD = re.compile(r"[A-Za-z_][\w-]*")
_PREFIX = re.compile(r"[\"'`]([A-Za-z_][\w-]*-)(?:[\"'`]|\$\{)")  # "bs-" or `bs-${
OWN_CSS = re.compile(r"nk[.-]")
logger = logging.getLogger(__name__)


def without_lines(markup, *needles):
    """Jinja filter: the rendered markup without the lines that contain any of ``needles``."""
    from markupsafe import Markup

    return Markup("\n".join(line for line in str(markup).split("\n")
                            if not any(n in line for n in needles)))


def icon_table(script: str) -> dict[str, dict[str, tuple[int, int, str, str]]]:
    """{pack: {name or alias: (width, height, codepoint, path)}} from Font Awesome's script."""
    packs: dict[str, dict[str, tuple[int, int, str, str]]] = {}
    for body, prefix in _PACK.findall(script):
        table = packs.setdefault(prefix, {})
        for quoted, bare, w, h, aliases, code, path in _ENTRY.findall(body):
            icon = (int(w), int(h), code, path)
            table[quoted or bare] = icon
            for alias in re.findall(r'"([^"]+)"', aliases):
                table.setdefault(alias, icon)
    if set(packs) != set(PACKS) or not all(packs.values()):
        raise RuntimeError(f"could not read Font Awesome's icons from {FA_SCRIPT} (packs: {sorted(packs)})")
    return packs


def mask(icon: tuple[int, int, str, str]) -> str:
    """The icon as the ``--nk-icon`` mask image of an empty ``content``."""
    w, h, _, path = icon
    svg = f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {w} {h}'><path d='{path}'/></svg>"
    return 'content:"";--nk-icon:url("data:image/svg+xml,' + quote(svg, safe=" /=:',.-") + '")'


def box(icon: tuple[int, int, str, str], height: str = "1em") -> str:
    """Draw ``--nk-icon`` 1em high in the text colour (and in the page's font: no box asks
    for Font Awesome's font)."""
    return (f";font-family:inherit;display:inline-block;width:{icon[0] / icon[1]:.4f}em;"
            f"height:{height};vertical-align:-.125em;background-color:currentColor;"
            "-webkit-mask:var(--nk-icon) center/contain no-repeat;mask:var(--nk-icon) center/contain no-repeat")


def used_classes(outdir: Path) -> set[str]:
    """Every ``fa-*`` token in the built pages and in the theme's scripts (which add some)."""
    found: set[str] = set()
    files = [*outdir.rglob("*.html"), *(outdir / "_static").rglob("*.js")]
    for path in files:
        if path.name == FA_SCRIPT or "vendor" in path.parts:
            continue
        found.update(re.findall(r"\bfa-([a-z0-9-]+)", path.read_text(encoding="utf-8", errors="replace")))
    return found


def glyph_rules(css: str, packs: dict) -> list[str]:
    """The theme's rules that draw a Font Awesome glyph with ``content`` (directly or through
    custom properties such as ``--pst-icon-admonition-note``), redrawn as masks."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    props = dict(re.findall(r"(--[\w-]+):([^;{}]+)", css)[::-1])  # the first definition wins

    def resolve(value: str, depth: int = 0) -> str:
        m = re.fullmatch(r"\s*var\((--[\w-]+)(?:,[^)]*)?\)\s*", value)
        return resolve(props.get(m.group(1), ""), depth + 1) if m and depth < 8 else value.strip()

    by_code = {}
    for prefix in ("fab", "far", "fas"):  # solid wins over regular, regular over brands
        by_code.update({icon[2]: icon for icon in packs[prefix].values()})
    rules = []
    for selector, body in re.findall(r"([^{}@;]+)\{([^{}]*)\}", css):
        content = re.search(r"(?:^|;)\s*content:([^;]+)", body)
        if not content or re.search(r"\.fa-[\w-]+:+before", selector):
            continue
        value = resolve(content.group(1))
        m = re.fullmatch(r'"(?:\\([0-9a-fA-F]{4,5})\s?|([\ue000-\uf8ff]))"', value)
        if m:
            code = (m.group(1) or f"{ord(m.group(2)):x}").lower()
            if code in by_code:  # the base rule (it sets the font) also gets the box
                icon = by_code[code]
                sized = box(icon, "1lh" if "position:absolute" in body else "1em") if "font" in body else ""
                rules.append(f"{selector.strip()}{{{mask(icon)}{sized}}}")
    return rules


def used_words(outdir: Path) -> tuple[set[str], set[str]]:
    """(words, prefixes): the class names of the built pages and the words of their inline
    scripts and of the scripts in ``_static``; the strings ending in "-" those scripts
    compose class names from."""
    words: set[str] = set()
    prefixes: set[str] = set()
    for page in sorted(outdir.rglob("*.html")):
        text = page.read_text(encoding="utf-8", errors="replace")
        for value in re.findall(r'\bclass="([^"]*)"', text):
            words.update(value.split())
        for script in re.findall(r"<script\b[^>]*>(.*?)</script>", text, re.S):
            words.update(_WORD.findall(script))
    for path in sorted((outdir / "_static").rglob("*.js")):
        if path.name != FA_SCRIPT:  # no page loads it (see the module docstring)
            code = path.read_text(encoding="utf-8", errors="replace")
            words.update(_WORD.findall(code))
            prefixes.update(_PREFIX.findall(code))
    return words, prefixes


def class_used(name: str, words: set[str], prefixes: set[str]) -> bool:
    """The class occurs as a word, or is a prefix of a script followed by a word or by words
    joined with "-" (``"dtsp-" + layout`` with layout ``"columns-2"``)."""
    if name in words:
        return True
    rests = [name[len(p):] for p in prefixes if name.startswith(p)]
    return any(rest in words or all(part in words for part in rest.split("-")) for rest in rests)


def purged(rules, words: set[str], prefixes: set[str]) -> str:
    """The CSS of ``rules`` (tinycss2 nodes) without the selectors that need an unused class."""
    out = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors, current = [], []
            for token in [*rule.prelude, None]:
                if token is None or (token.type == "literal" and token.value == ","):
                    # a class is ".name" at the top level: not inside :not(...) or [...]
                    names = [b.value for a, b in zip(current, current[1:])
                             if a.type == "literal" and a.value == "." and b.type == "ident"]
                    if all(class_used(n, words, prefixes) for n in names):
                        selectors.append(tinycss2.serialize(current).strip())
                    current = []
                else:
                    current.append(token)
            if selectors:
                out.append(",".join(selectors) + "{" + tinycss2.serialize(rule.content) + "}")
        elif rule.type == "at-rule" and rule.content is not None and rule.lower_at_keyword in {
                "media", "supports", "layer", "container"}:
            inner = purged(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True),
                           words, prefixes)
            if inner:
                out.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{{inner}}}")
        elif rule.type == "at-rule":  # @font-face, @keyframes, @import, @charset, ...
            out.append(tinycss2.serialize([rule]))
        elif rule.type == "error":
            raise ValueError(f"CSS parse error: {rule.message} (line {rule.source_line})")
    return "".join(out)


def purge_stylesheets(outdir: Path) -> None:
    words, prefixes = used_words(outdir)
    for path in sorted((outdir / "_static").rglob("*.css")):
        if OWN_CSS.match(path.name):
            continue
        text = path.read_text(encoding="utf-8")
        try:
            rules = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
            css = purged(rules, words, prefixes) + "\n"
        except ValueError as exc:
            raise RuntimeError(f"{path}: {exc}") from exc
        path.write_text(css, encoding="utf-8")
        logger.info("purged unused CSS rules: %s, %d -> %d bytes", path.relative_to(outdir),
                    len(text.encode()), len(css.encode()))


def write_icons(app, exception) -> None:
    if exception or app.builder.format != "html":
        return
    import pydata_sphinx_theme

    purge_stylesheets(Path(app.outdir))  # first: only the glyphs of rules still there are redrawn

    theme = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"
    packs = icon_table((theme / "scripts" / FA_SCRIPT).read_text(encoding="utf-8"))
    outdir = Path(app.outdir)
    rules = ["/* Written by book/_ext/nkbook_weight.py: the icons this book uses, from Font Awesome "
             "Free 6 (https://fontawesome.com, icons CC BY 4.0) as shipped by pydata-sphinx-theme. */"]
    # An icon element keeps no Font Awesome font either: an empty line's strut would load it.
    rules.append(",".join(f".{c}" for classes in PACKS.values() for c in classes) + "{font-family:inherit}")
    for name in sorted(used_classes(outdir)):
        for prefix, classes in PACKS.items():
            if name in packs[prefix]:
                selectors = ",".join(f".{c}.fa-{name}::before" for c in classes)
                rules.append(f"{selectors}{{{mask(packs[prefix][name])}{box(packs[prefix][name])}}}")
    for css in sorted((outdir / "_static" / "styles").glob("*.css")):
        rules += glyph_rules(css.read_text(encoding="utf-8"), packs)
    (outdir / "_static" / ICONS_CSS).write_text("\n".join(rules) + "\n", encoding="utf-8")


def add_filter(app) -> None:
    if hasattr(app.builder, "templates"):
        app.builder.templates.environment.filters["nk_without_lines"] = without_lines


def setup(app):
    app.connect("builder-inited", add_filter)
    # after the other extensions' build-finished handlers (myst-nb copies its stylesheet in one)
    app.connect("build-finished", write_icons, priority=900)
    app.add_css_file(ICONS_CSS)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

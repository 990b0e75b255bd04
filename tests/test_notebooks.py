"""The chapters as notebooks for their readers (issue 9).

* JupyterLab (python3 run.py lab) serves a chapter as a notebook through jupytext;
* a reader's "Run all" in a fresh kernel gives the book's glued values and chart specs;
* every chapter page offers its executed notebook and its MyST source;
* the code of every chart and table sits in a "Show code" cell just before it; the PDF
  shows no code; only imports and loading are hidden; cells are short;
* no chapter classifies rows by keyword rules: the coded columns do it.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT))
import notebooks  # noqa: E402

CHAPTERS = notebooks.chapters()
EXECUTED = ROOT / "_build" / "jupyter_execute" / "book"
CELL = re.compile(r"```\{code-cell\}[^\n]*\n(.*?)```", re.S)


def cells(name: str) -> list[tuple[list[str], str]]:
    """(tags, code) of every code cell of book/<name>.md."""
    out = []
    for body in CELL.findall((ROOT / "book" / f"{name}.md").read_text(encoding="utf-8")):
        match = re.match(r":tags: \[(.*?)\]\n", body)
        tags = [t.strip() for t in match.group(1).split(",")] if match else []
        out.append((tags, body[match.end():] if match else body))
    return out


def test_every_page_with_code_is_found():
    assert {"summary", "background", "legitimacy", "visit", "cobelligerent", "relations",
            "domestic", "scorecard"} <= set(CHAPTERS)


# ------------------------------------------------------------------------------------------
# 1. JupyterLab serves every chapter as a notebook
# ------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab_server():
    import run

    port, token = free_port(), "nkbook-test-token"
    cmd = run.lab_command(port) + [f"--IdentityProvider.token={token}"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            pytest.fail("JupyterLab exited early:\n" + proc.stdout.read()[-3000:])
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("JupyterLab did not answer within 120 s")
    yield base, token
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def contents(base: str, token: str, path: str) -> dict:
    url = f"{base}/api/contents/{path}?type=notebook&content=1&token={token}"
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.loads(response.read())


def test_lab_opens_a_chapter_as_a_notebook(lab_server):
    base, token = lab_server
    model = contents(base, token, "book/visit.md")
    assert model["type"] == "notebook", model["type"]
    nb = model["content"]
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert len(code) >= 3 and any(c["cell_type"] == "markdown" for c in nb["cells"])
    assert "import nkbook as nk" in code[0]["source"]
    assert any("hide-input" in c["metadata"].get("tags", []) for c in code)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


def listening_addresses(port: int) -> set[str]:
    """Local addresses of the sockets listening on ``port`` (Linux /proc/net/tcp, tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, hexport = local.rsplit(":", 1)
            if state == "0A" and int(hexport, 16) == port:
                found.add(address)
    return found


def test_lab_listens_on_loopback_only(lab_server):
    base, _ = lab_server
    port = int(base.rsplit(":", 1)[1])
    addresses = listening_addresses(port)
    assert addresses, f"nothing listens on port {port}"
    # 0100007F is 127.0.0.1 in /proc's byte order; anything else (0.0.0.0, ::) is not loopback
    assert addresses == {"0100007F"}, f"JupyterLab listens on {addresses}"


def test_every_chapter_opens_as_a_notebook(lab_server):
    base, token = lab_server
    for name in CHAPTERS:
        model = contents(base, token, f"book/{name}.md")
        assert model["type"] == "notebook", name
        nbformat.validate(nbformat.from_dict(model["content"]))


# ------------------------------------------------------------------------------------------
# 2. A reader's rerun gives the book's results
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CHAPTERS)
def test_rerun_in_a_fresh_kernel_matches_the_build(name, tmp_path):
    built = EXECUTED / f"{name}.glue.json"
    assert built.exists(), f"{built} missing: build the book first"
    expected = notebooks.built_glue(name)
    assert expected, f"{name}: the build glued nothing"
    rerun = notebooks.execute_chapter(name, tmp_path)
    got = notebooks.glued(json.loads(rerun.read_text(encoding="utf-8")))
    assert set(got) == set(expected), set(got) ^ set(expected)
    for key in expected:
        assert got[key] == expected[key], f"{name}: {key} differs between the build and a rerun"
    # in the reader's notebook every chart is shown where its cell ran (SVG, offline)
    shown = [o for c in json.loads(rerun.read_text())["cells"] for o in c.get("outputs", [])
             if "image/svg+xml" in o.get("data", {})]
    assert len(shown) == sum(v["kind"] == "chart" for v in got.values())


# ------------------------------------------------------------------------------------------
# 3. Every chapter page offers its executed notebook and its source
# ------------------------------------------------------------------------------------------


def chart_count(html: str) -> int:
    return html.count('class="nk-chart"')


@pytest.mark.parametrize("name", CHAPTERS)
def test_page_offers_the_executed_notebook_and_source(name, html_dir):
    page = html_dir / "book" / f"{name}.html"
    html = page.read_text(encoding="utf-8")
    links = dict(re.findall(r'class="nk-download-(ipynb|md)" href="([^"]+)"', html))
    assert set(links) == {"ipynb", "md"}, f"{name}: download links missing"
    notebook = (page.parent / links["ipynb"]).resolve()
    source = (page.parent / links["md"]).resolve()
    assert source.read_text(encoding="utf-8") == (ROOT / "book" / f"{name}.md").read_text(encoding="utf-8")
    nb = nbformat.read(notebook, as_version=4)
    nbformat.validate(nb)
    assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code"), "no outputs"
    charts = [o for c in nb.cells for o in c.get("outputs", [])
              if any(k.startswith("application/vnd.vegalite.") for k in o.get("data", {}))]
    assert len(charts) == chart_count(html), f"{name}: charts in the notebook vs on the page"
    assert all("image/svg+xml" in o["data"] for o in charts)
    # the theme's download menu lists the notebook too
    assert f'{name}.ipynb' in html and "download-notebook-button" in html


# ------------------------------------------------------------------------------------------
# 4. The method is visible: a code toggle before every chart and table; no code in the PDF
# ------------------------------------------------------------------------------------------


TOGGLE = 'tag_hide-input'


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_chart_and_table_has_its_code_toggle_just_before_it(name, html_dir):
    html = (html_dir / "book" / f"{name}.html").read_text(encoding="utf-8")
    starts = [m.start() for m in re.finditer(r'class="nk-chart"', html)]
    starts += [m.start() for m in re.finditer(r'<table class="[^"]*nk-table', html)]
    for start in starts:
        before = html[:start]
        toggle = before.rfind(TOGGLE)
        assert toggle >= 0, f"{name}: a chart or table without a code toggle before it"
        # no other chart between the toggle and this one: the toggle is this chart's
        assert html[toggle:start].count('class="nk-chart"') == 0, f"{name}: toggle belongs to another chart"
    # each toggle shows code (a collapsed <details> with the cell source)
    for m in re.finditer(TOGGLE, html):
        chunk = html[m.start(): m.start() + 4000]
        assert "<details" in chunk and "highlight-ipython3" in chunk


@pytest.mark.parametrize("name", CHAPTERS)
def test_the_cell_that_makes_a_figure_comes_just_before_it(name):
    text = (ROOT / "book" / f"{name}.md").read_text(encoding="utf-8")
    for key in re.findall(r"```\{glue:figure\} (\S+)", text):
        place = text.index("```{glue:figure} " + key)
        made = text.rfind(f'nk.glue("{key}"', 0, place)
        assert made >= 0, f"{name}: {key} is not glued before its figure"
        cell_start = text.rfind("```{code-cell}", 0, made)
        assert ":tags: [hide-input" in text[cell_start:made], f"{name}: {key}'s cell is not hide-input"
        assert "```{glue:figure}" not in text[made:place], f"{name}: another figure between {key}'s cell and it"


LOADING = re.compile(r"^(import \w+( as \w+)?|from [\w.]+ import .+|\w+ = nk\.load\(\"\w+\"\)|#.*|)$")
# a judgment or the Summary's list, rendered from data/judgments.csv without a code toggle
JUDGMENT = re.compile(r'^(nk\.judgment\(judgments, "JU-[a-z0-9-]+"\)|nk\.key_judgments\(judgments\)|#.*|)$')


@pytest.mark.parametrize("name", CHAPTERS)
def test_only_imports_and_loading_are_hidden_and_cells_are_short(name):
    chapter = cells(name)
    assert chapter, name
    first_tags, first = chapter[0]
    assert "remove-cell" in first_tags
    assert len(first.strip().splitlines()) <= 11, f"{name}: first cell longer than before"
    for tags, code in chapter:
        if "remove-cell" in tags or "remove-input" in tags:
            rule = JUDGMENT if "remove-input" in tags else LOADING
            bad = [line for line in code.strip().splitlines() if not rule.match(line)]
            assert not bad, f"{name}: hidden cell does more than import and load: {bad[:3]}"
        else:
            assert "hide-input" in tags, f"{name}: a code cell without a Show-code toggle"
        lines = len(code.strip().splitlines())
        assert lines <= 22, f"{name}: a cell of {lines} lines:\n{code[:300]}"


def test_the_pdf_shows_no_code(pdf_path):
    text = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, text=True,
                          check=True).stdout
    for code in ("nk.glue(", "import nkbook", "nk.load(", "nk.table("):
        assert code not in text, f"code in the PDF: {code}"


# ------------------------------------------------------------------------------------------
# 5. Coding belongs in the data
# ------------------------------------------------------------------------------------------


KEYWORD_CODING = re.compile(
    r"^import re\b|\bre\.(search|match|findall|fullmatch|sub)\(|"
    r"\[\"(summary|quote|label|note|channel)\"\]\.str\.(contains|match|extract|findall)", re.M)


@pytest.mark.parametrize("name", CHAPTERS)
def test_no_chapter_codes_rows_by_keywords(name):
    for _, code in cells(name):
        found = KEYWORD_CODING.search(code)
        assert not found, f"{name}: keyword rule in a chapter: {found.group(0)!r}"


def test_coded_columns_are_in_the_schema_and_codebook(nk, html_dir):
    sys.path.insert(0, str(ROOT / "tools"))
    import schema

    fields = {r["name"]: {f["name"]: f for f in r["schema"]["fields"]} for r in nk.package()["resources"]}
    for table in ("events", "statements", "estimates"):
        assert "pattern" in fields[table]["topics"]["constraints"]
    assert fields["statements"]["setting"]["constraints"]["enum"] == schema.SETTINGS
    assert fields["statements"]["legal_basis_main"]["constraints"]["enum"] == list(schema.LEGAL_BASES)
    codebook = (html_dir / "book" / "data-methods.html").read_text(encoding="utf-8")
    for value in [*schema.TOPICS, *schema.LEGAL_BASES, "legal_basis_main", "setting"]:
        assert value in codebook, f"codebook does not explain {value}"
    statements = nk.load("statements")
    assert (statements["legal_bases"] != "").sum() > 0
    for table in ("events", "statements", "estimates"):
        assert (nk.load(table)["topics"] != "").sum() > 0, table


# ------------------------------------------------------------------------------------------
# 6. A helper package whose modules say what they hold
# ------------------------------------------------------------------------------------------


def test_helper_is_a_small_package():
    package = ROOT / "book" / "nkbook"
    assert not (ROOT / "book" / "nkbook.py").exists()
    modules = {p.stem: len(p.read_text(encoding="utf-8").splitlines()) for p in package.glob("*.py")}
    assert {"data", "theme", "charts", "render", "text", "bibliography"} <= set(modules)
    big = {m: n for m, n in modules.items() if n > 260}
    assert not big, f"modules too long: {big}"

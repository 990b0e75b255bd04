#!/usr/bin/env python3
"""Build and test the book with one command each (see README.md).

    python3 run.py build   # HTML in _build/html/, PDF in _build/latex/book.pdf
                           # (--html-only, --pdf-only: one of them)
    python3 run.py preview [--port N]  # serve the book on 127.0.0.1:N (8000) and rebuild it
                           # when a chapter, book/nkbook, book/_ext or a data file changes
    python3 run.py prepare # validate data/, drop stale cache records (build's first step,
                           # the preview's pre-build hook; --keep-html keeps the pages)
    python3 run.py test    # the build above, then pytest on its real outputs (fetches the
                           # pinned axe-core for the accessibility test first, see ensure_axe)
    (the build fetches the pinned Vega that the chart pages load once, see ensure_vega)
    python3 run.py bib     # regenerate book/references.bib from data/sources.csv
    python3 run.py zenodo  # regenerate .zenodo.json (Zenodo's metadata) from CITATION.cff
    python3 run.py flags   # recompute the single_source / weak_sources_only flags
    python3 run.py ids     # record new row ids in data/released_ids.txt (ids are forever)
    python3 run.py lab     # JupyterLab on 127.0.0.1: every chapter opens as a notebook
    python3 run.py editions --site-url URL  # every release tag vX.Y.Z built as its own
                           # edition under /vX.Y.Z/, the latest also at the root, in
                           # _build/site/ (tools/editions.py; what the workflow publishes)
    python3 run.py rerun visit  # execute one chapter in a fresh kernel, as "Run all" does

The first run creates a virtual environment in .venv/ and installs requirements.txt
(exact pins) with constraints.txt (the full locked set); later runs reuse it until either
file changes. The build is strict: a Sphinx warning, a failing notebook cell, a broken
reference, an unknown citation or invalid data stops it with a non-zero exit status.
The HTML build validates data/ once, then runs sphinx-build -j auto (notebooks execute in
parallel in its reader processes) with the conf.py that `jupyter-book config sphinx`
generates, written to _build/.sphinx/ (see sphinx_conf).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VPY = VENV / "bin" / "python"
BUILD = ROOT / "_build"
PDF = BUILD / "latex" / "book.pdf"
STRICT = ["-W", "-n", "--keep-going"]
PDF_TOOLS = ["xelatex", "latexmk", "make", "pdftotext"]


def say(msg: str) -> None:
    print(f"[run.py] {msg}", flush=True)


def fail(msg: str) -> None:
    print(f"[run.py] ERROR: {msg}", file=sys.stderr, flush=True)
    sys.exit(1)


def digest(paths: list[Path], root: Path = ROOT) -> str:
    """SHA-256 of the files under paths, by their paths relative to root and their bytes (so
    equal in any checkout of the same files)."""
    h = hashlib.sha256()
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for f in files:
            if "__pycache__" in f.parts:
                continue
            h.update(str(f.relative_to(root)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def pins_digest(root: Path = ROOT) -> str:
    """What a venv's stamp records: the digest of root's requirements and constraints."""
    return digest([root / "requirements.txt", root / "constraints.txt"], root=root)


def ensure_venv(root: Path = ROOT, env_dir: Path = VENV) -> None:
    """Create the venv env_dir (.venv) and install root's pinned requirements when they
    changed (tools/editions.py also makes one per set of pins of an older release)."""
    stamp = env_dir / ".requirements.sha256"
    python = env_dir / "bin" / "python"
    want = pins_digest(root)
    if not python.exists():
        say(f"creating the virtual environment {env_dir}")
        try:
            venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
        except Exception as exc:  # Debian's python3 without python3-venv lacks ensurepip
            say(f"could not create {env_dir} ({exc})")
            ensure_system("venv")
            venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    if not stamp.exists() or stamp.read_text() != want:
        say(f"installing pinned requirements into {env_dir}")
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "-r", "requirements.txt", "-c", "constraints.txt"],
            cwd=root,
            check=True,
        )
        stamp.write_text(want)


def ensure_lab() -> None:
    """Install the pinned JupyterLab and jupytext (requirements-lab.txt) on first use.

    They are not part of the book build; constraints.txt keeps every package the book uses
    at its pin, and constraints-lab.txt locks what JupyterLab adds.
    """
    stamp = VENV / ".requirements-lab.sha256"
    want = digest([ROOT / "requirements-lab.txt", ROOT / "constraints-lab.txt", ROOT / "constraints.txt"])
    if stamp.exists() and stamp.read_text() == want:
        return
    say("installing pinned JupyterLab and jupytext into .venv/ (first use)")
    subprocess.run(
        [str(VPY), "-m", "pip", "install", "-q", "-r", "requirements-lab.txt",
         "-c", "constraints.txt", "-c", "constraints-lab.txt"],
        cwd=ROOT, check=True,
    )
    # JupyterLab opens the chapters (MyST markdown) as notebooks on a double click.
    settings = VENV / "share" / "jupyter" / "lab" / "settings"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "overrides.json").write_text(json.dumps({
        "@jupyterlab/docmanager-extension:plugin": {
            "defaultViewers": {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}},
        "@jupyterlab/apputils-extension:notification": {"fetchNews": "false",
                                                        "checkForUpdates": False},
    }, indent=1))
    stamp.write_text(want)


def lab_command(port: int) -> list[str]:
    """The JupyterLab server: loopback only, the repository as its root, jupytext contents."""
    return [
        str(VENV / "bin" / "jupyter"), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
        "--ServerApp.port_retries=0", f"--ServerApp.root_dir={ROOT}",
        "--ServerApp.contents_manager_class=jupytext.TextFileContentsManager",
        # no update checks or extension searches over the network
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
    ]


def lab(argv: list[str]) -> None:
    ensure_lab()
    port = int(argv[argv.index("--port") + 1]) if "--port" in argv else 8888
    say("starting JupyterLab on 127.0.0.1; open the URL it prints (with its token). "
        "Chapters are in book/: double-click one, then Run > Run All Cells. Ctrl+C stops it.")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "book"))
    try:
        sys.exit(subprocess.run(lab_command(port), cwd=ROOT, env=env).returncode)
    except KeyboardInterrupt:
        say("JupyterLab stopped")


def rerun(argv: list[str]) -> None:
    """Execute chapters in a fresh kernel from the repository, as a reader's "Run all"."""
    ensure_lab()
    sys.path.insert(0, str(ROOT / "tools"))
    import notebooks

    names = argv or notebooks.chapters()
    for name in names:
        out = notebooks.execute_chapter(name, BUILD / "rerun")
        glued = notebooks.glued(json.loads(out.read_text(encoding="utf-8")))
        charts = sum(1 for v in glued.values() if v["kind"] == "chart")
        say(f"{name}: ran in a fresh kernel; {len(glued)} glued values ({charts} charts); "
            f"executed notebook: {out.relative_to(ROOT)}")


# Files of pinned npm releases, checked against the registry's integrity
# (npm view PACKAGE@VERSION dist.integrity), kept in .venv/share/PACKAGE-VERSION/:
# axe-core, the accessibility checker tests/test_a11y.py runs in Chromium, and Vega's own
# browser build, which the chart pages load (the version vl-convert compiles the charts for:
# book/_ext/nkbook_sphinx.py reads it from there and stops if vl-convert wants another).
AXE_VERSION = "4.14.1"
AXE_INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
AXE_JS = VENV / "share" / f"axe-core-{AXE_VERSION}" / "axe.min.js"
VEGA_VERSION = "6.2.0"
VEGA_INTEGRITY = "sha512-BIwalIcEGysJdQDjeVUmMWB3e50jPDNAMfLJscjEvpunU9bSt7X1OYnQxkg3uBwuRRI4nWfFZO9uIW910nLeGw=="
VEGA_JS = VENV / "share" / f"vega-{VEGA_VERSION}" / "vega.min.js"


def ensure_npm_file(package: str, version: str, integrity: str, member: str, target: Path) -> None:
    """Download the pinned tarball from the npm registry (no node needed), verify its sha512
    integrity and extract ``member`` to ``target``; nothing to do when it is there."""
    if target.exists():
        return
    import base64
    import io
    import tarfile
    import urllib.request

    url = f"https://registry.npmjs.org/{package}/-/{package}-{version}.tgz"
    say(f"downloading {package} {version} from {url}")
    with urllib.request.urlopen(url, timeout=120) as response:
        data = response.read()
    got = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if got != integrity:
        fail(f"{package} {version} tarball integrity {got} is not the pinned {integrity}")
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        script = tar.extractfile(f"package/{member}").read()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.with_suffix(".tmp").write_bytes(script)
    target.with_suffix(".tmp").replace(target)
    say(f"{package} {version}: {target}")


def ensure_axe() -> None:
    ensure_npm_file("axe-core", AXE_VERSION, AXE_INTEGRITY, "axe.min.js", AXE_JS)


def ensure_vega() -> None:
    ensure_npm_file("vega", VEGA_VERSION, VEGA_INTEGRITY, "build/vega.min.js", VEGA_JS)


def ensure_system(purpose: str) -> None:
    """The Debian packages the PDF (and, for the tests, Chromium) needs: installed by
    tools/system.py when this runs as root or with password-less sudo, else the exact
    command to run. Elsewhere than Debian/Ubuntu: the tools must be on PATH."""
    sys.path.insert(0, str(ROOT / "tools"))
    import system

    if not system.is_debian():
        missing = [t for t in PDF_TOOLS if shutil.which(t) is None]
        if missing:
            fail(f"the PDF needs {', '.join(missing)} (Debian/Ubuntu packages: "
                 f"{' '.join(system.PURPOSES[purpose])})")
        return
    try:
        system.ensure(system.PURPOSES[purpose], say=say)
    except system.SetupError as exc:
        fail(str(exc))


def in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def nkbook():
    sys.path.insert(0, str(ROOT / "book"))
    import nkbook as module

    return module


def validation_inputs() -> str:
    """Digest of what a validation's verdict depends on: data/ (schema included), the helper
    package that checks it and the pinned packages (Frictionless among them)."""
    return digest([ROOT / "data", ROOT / "book" / "nkbook", ROOT / "constraints.txt"])


def check_data() -> str:
    """Validate data/ and check the BibTeX; return the digest of the data validated.

    Data that passed validation are not validated again while neither they nor the code
    that validates them changed (their digest is kept in _build/.sphinx/): a no-change
    rebuild, or a preview rebuild after a chapter edit, does not pay for it."""
    nk = nkbook()
    validated = nk.data_digest()  # taken first: data edited meanwhile will not match it
    inputs = validation_inputs()
    if PASSED.exists() and PASSED.read_text(encoding="ascii") == inputs:
        say("data/ and the code that validates it unchanged since they passed validation")
    else:
        PASSED.unlink(missing_ok=True)
        problems = nk.validation_errors()
        if problems:
            fail(f"{len(problems)} problem(s) in data/:\n  " + "\n  ".join(problems))
        PASSED.parent.mkdir(parents=True, exist_ok=True)
        PASSED.write_text(inputs, encoding="ascii")
        say("data valid")
    os.environ["NKBOOK_VALIDATED_DATA"] = validated  # nk.load (nk.bibtex) need not validate again
    if nk.BIB_PATH.read_text(encoding="utf-8") != nk.bibtex():
        fail("book/references.bib is out of date with data/sources.csv; run: python3 run.py bib")
    say("book/references.bib matches data/sources.csv")
    if not nk.ZENODO_PATH.exists() or nk.ZENODO_PATH.read_text(encoding="utf-8") != nk.zenodo():
        fail(".zenodo.json is missing or out of date with CITATION.cff; run: python3 run.py zenodo")
    say(".zenodo.json matches CITATION.cff")
    return validated


GLOBAL_INPUTS = [
    ROOT / "book" / "nkbook", ROOT / "book" / "_ext",
    ROOT / "book" / "_static" / "nk-charts.js", ROOT / "book" / "_static" / "nk-charts.css",
    ROOT / "book" / "_static" / "nk.css",
    ROOT / "_config.yml", ROOT / "constraints.txt", ROOT / "data" / "datapackage.json",
]
# Inputs that every page shows but no notebook reads (no chapter's code opens them): the
# edition (version, date) and the table of contents. A change rebuilds every
# page from scratch but keeps the executed notebooks, so a release (a version bump) or an
# edition built from a tag (tools/editions.py) does not run the notebooks again.
PAGE_INPUTS = [ROOT / "CITATION.cff", ROOT / "_toc.yml"]


def chapter_inputs() -> dict[str, list[Path]]:
    """For each notebook page, the data files it reads (tables named in its code)."""
    import json

    tables = [r["name"] for r in json.loads((ROOT / "data" / "datapackage.json").read_text())["resources"]]
    deps = {}
    for md in sorted((ROOT / "book").glob("*.md")):
        text = md.read_text(encoding="utf-8")
        if "{code-cell}" not in text:
            continue
        deps[str(md.relative_to(ROOT))] = [ROOT / "data" / f"{t}.csv" for t in tables if f'"{t}"' in text]
        # the extension writes each corrected chapter's correction line from corrections.csv
        deps[str(md.relative_to(ROOT))].append(ROOT / "data" / "corrections.csv")
    return deps


def invalidate_stale_cache(keep_html: bool = False) -> None:
    """Re-execute exactly the notebooks whose inputs changed since the last build.

    Sphinx re-reads a page only when its own source changes, and the jupyter-cache
    re-executes a notebook only when its code cells change; neither notices an edited data
    file. So: if a global input changed (helper module, extension, configuration, schema,
    pinned packages), everything is rebuilt from scratch; if only data files changed, each
    notebook that reads one of them loses its cache record and is listed for Sphinx to read
    again (STALE), and the other notebooks keep their cached outputs.
    """
    import json

    stamp = BUILD / ".inputs.json"
    previous = json.loads(stamp.read_text()) if stamp.exists() else {}
    current = {"global": digest(GLOBAL_INPUTS), "pages": digest(PAGE_INPUTS)}
    deps = chapter_inputs()
    for page, files in deps.items():
        current[page] = digest(files) if files else ""
    if previous.get("global") != current["global"]:
        stale = [BUILD / d for d in (".jupyter_cache", ".doctrees", "jupyter_execute", "latex")]
        if not keep_html:  # the preview keeps serving the last pages until they are rewritten
            stale.append(BUILD / "html")
        if any(p.exists() for p in stale):
            say("helper module, extension, configuration or schema changed: rebuilding everything")
        for path in stale:
            shutil.rmtree(path, ignore_errors=True)
    else:
        if previous.get("pages") != current["pages"]:
            say("edition or table of contents changed: writing every page again "
                "(the executed notebooks are kept)")
            for name in (".doctrees", "jupyter_execute", "latex", *(() if keep_html else ("html",))):
                shutil.rmtree(BUILD / name, ignore_errors=True)
        changed = [page for page in deps if previous.get(page) != current[page]]
        if changed:
            say("data changed for: " + ", ".join(changed) + " (re-executing these notebooks)")
            from jupyter_cache import get_cache

            cache = get_cache(str(BUILD / ".jupyter_cache"))
            for record in cache.list_cache_records():
                if any(Path(record.uri).resolve() == (ROOT / page).resolve() for page in changed):
                    cache.remove_cache(record.pk)
            # Sphinx re-reads a page when its source changes; these are listed for the
            # extension to add (book/_ext/nkbook_sphinx.py, reread_stale_pages). Bumping their
            # mtimes instead would make the preview see the chapters change and build again.
            pending = set(json.loads(STALE.read_text(encoding="utf-8"))) if STALE.exists() else set()
            STALE.parent.mkdir(parents=True, exist_ok=True)
            STALE.write_text(json.dumps(sorted(pending | {Path(p).with_suffix("").as_posix() for p in changed})),
                             encoding="utf-8")
    BUILD.mkdir(exist_ok=True)
    stamp.write_text(json.dumps(current, indent=1, sort_keys=True))


# ---- Parallel HTML build, validation once, live preview (issue 13) -----------------------
# The HTML is built by sphinx-build itself, with the configuration that `jupyter-book config
# sphinx` generates from _config.yml and _toc.yml, so that it can read (and so execute) the
# notebooks in parallel: myst-nb executes each notebook while Sphinx reads it, in the reader
# processes of `-j`, each against the one jupyter-cache in _build/.jupyter_cache.
CONF_DIR = BUILD / ".sphinx"  # the generated conf.py: build output, never committed
VALIDATED = CONF_DIR / "validated-data.sha256"  # digest of the data/ that run.py validated
PASSED = CONF_DIR / "passed-validation.sha256"  # validation_inputs() of the last data that passed
STALE = CONF_DIR / "stale-pages.json"  # pages whose data changed, for the next build to read again
# Reader processes: NKBOOK_JOBS overrides; "auto" is one per core.
JOBS = os.environ.get("NKBOOK_JOBS", "auto")
# Options that Sphinx resolves against the directory of conf.py. jupyter-book runs Sphinx
# with the book's root as that directory; the generated conf.py lives in _build/.sphinx/, so
# their relative values are made absolute (relative to the root, as jupyter-book reads them).
CONFDIR_PATHS = ("html_favicon", "html_logo", "latex_logo", "bibtex_bibfiles", "html_static_path",
                 "html_extra_path", "templates_path", "latex_additional_files")


def sphinx_conf() -> Path:
    """Write _build/.sphinx/conf.py: what `jupyter-book config sphinx .` writes (its code,
    get_final_config, on the same options), plus the local extensions' folders on sys.path
    and the kernels' VALIDATED digest. Regenerated when _config.yml, _toc.yml or the pinned
    packages change (their digest is the file's first line)."""
    conf = CONF_DIR / "conf.py"
    stamp = "# inputs " + digest([ROOT / "_config.yml", ROOT / "_toc.yml", ROOT / "constraints.txt",
                                 Path(__file__).resolve()]) + f" {ROOT}"  # it holds absolute paths
    if conf.exists() and conf.read_text(encoding="utf-8").startswith(stamp + "\n"):
        return CONF_DIR
    import yaml
    from jupyter_book.config import get_final_config

    # external_toc_path as `jupyter-book build` sets it (absolute), so that the PDF build,
    # which runs through jupyter-book on the same environment, does not see a changed
    # configuration and re-read every document.
    config, meta = get_final_config(user_yaml=ROOT / "_config.yml", sourcedir=ROOT, cli_config={
        "external_toc_path": (ROOT / "_toc.yml").as_posix(), "latex_individualpages": False})
    # A failing cell must not raise inside a reader process: Sphinx then drops that
    # process's messages and can hang on the others (a worker blocked writing its results to
    # a pipe nobody reads). myst-nb reports it as a warning instead, with the cell's
    # traceback (nb_execution_show_tb), and -W --keep-going fails the build at its end.
    config["nb_execution_raise_on_error"] = False
    for key in CONFDIR_PATHS:
        value = config.get(key)
        if isinstance(value, str) and value and "://" not in value:
            config[key] = str(ROOT / value)
        elif isinstance(value, list):
            config[key] = [str(ROOT / v) if isinstance(v, str) else v for v in value]
    local = yaml.safe_load((ROOT / "_config.yml").read_text())["sphinx"].get("local_extensions", {})
    lines = [stamp, "# Generated by run.py (sphinx_conf) from _config.yml and _toc.yml, as",
             "# `jupyter-book config sphinx .` generates it; do not edit: edit those files.",
             "import os", "import sys", ""]
    lines += [f"sys.path.insert(0, {str(ROOT / p)!r})" for p in local.values()]
    lines += [f"{key} = {config[key]!r}" for key in sorted(config)]
    # jupyter-book applies _config.yml's latex_documents (targetname, title) once Sphinx has
    # computed its default (jupyter_book.sphinx.build_sphinx); `config sphinx` leaves them out.
    lines += ["", "# _config.yml's latex_documents, applied as jupyter-book applies them.",
              f"_latex_doc_overrides = {meta['latex_doc_overrides']!r}", "",
              "def _latex_documents(app, config):",
              "    from jupyter_book.pdf import update_latex_documents",
              "    config.latex_documents = update_latex_documents(config.latex_documents, _latex_doc_overrides)",
              "", "def setup(app):  # after sphinx-external-toc has set the root document", "    app.connect('config-inited', _latex_documents, priority=900)"]
    lines += ["", "# The digest of data/ that run.py validated before this build (also the preview's",
              "# pre-build step): nkbook.load skips validating only data that hash to it.",
              f"_validated = {str(VALIDATED)!r}",
              "if os.path.exists(_validated):",
              "    with open(_validated, encoding='ascii') as _fh:",
              "        os.environ['NKBOOK_VALIDATED_DATA'] = _fh.read().strip()",
              "else:",
              "    os.environ.pop('NKBOOK_VALIDATED_DATA', None)"]
    CONF_DIR.mkdir(parents=True, exist_ok=True)
    conf.write_text("\n".join(lines) + "\n", encoding="utf-8")
    say(f"wrote {conf.relative_to(ROOT)} (jupyter-book config sphinx, from _config.yml and _toc.yml)")
    return CONF_DIR


def sphinx_args(builder: str = "html") -> list[str]:
    """The arguments of sphinx-build (and sphinx-autobuild) for the book, strict.

    -T: should a reader process still fail, Sphinx drops that process's log messages and
    reports only the exception; its full traceback holds the error."""
    return ["-b", builder, "-c", str(sphinx_conf()), "-d", str(BUILD / ".doctrees"), "-j", JOBS,
            "-T", *STRICT, str(ROOT), str(BUILD / builder)]


def build_env() -> dict:
    """The environment of the Sphinx process and so of the kernels: the helper package
    importable (and NKBOOK_VALIDATED_DATA, once check_data has validated data/)."""
    return dict(os.environ, PYTHONPATH=str(ROOT / "book"))


def sphinx_build(builder: str = "html") -> None:
    cmd = [str(VENV / "bin" / "sphinx-build"), *sphinx_args(builder)]
    say(" ".join(["sphinx-build", *cmd[1:]]))
    result = subprocess.run(cmd, cwd=ROOT, env=build_env())
    if result.returncode != 0:
        # Sphinx keeps a page read with warnings (a failing cell) as up to date; without its
        # environment the next build re-reads every page (executed notebooks stay cached).
        (BUILD / ".doctrees" / "environment.pickle").unlink(missing_ok=True)
        fail(f"sphinx-build {builder} build failed (exit {result.returncode}); see the messages above")


def prepare(keep_html: bool = False) -> None:
    """Validate data/ once, record its digest for the kernels, drop stale cache records;
    fetch the pinned Vega the chart pages load (once)."""
    ensure_vega()
    VALIDATED.unlink(missing_ok=True)
    validated = check_data()
    invalidate_stale_cache(keep_html=keep_html)
    sphinx_conf()
    # jupyter-cache creates its sqlite database on first use; two reader processes doing
    # that at once race ("table settings already exists", sphinx-doc/sphinx#12481).
    from jupyter_cache import get_cache

    get_cache(str(BUILD / ".jupyter_cache")).list_cache_records()
    VALIDATED.write_text(validated + "\n", encoding="ascii")


# Not watched by the preview: build output, tests, tools, editors' and Python's leftovers.
PREVIEW_IGNORE = [BUILD, ROOT / "tests", ROOT / "tools", ROOT / ".ci", ROOT / ".github",
                  ROOT / "book" / "_static" / "vendor"]
PREVIEW_IGNORE_RE = [r"__pycache__", r"\.ipynb_checkpoints", r"\.py[co]$", r"~$", r"\.sw[px]$",
                     r"/\.#"]


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def preview(argv: list[str]) -> None:
    """Serve the book on 127.0.0.1 and rebuild it when a chapter, the helper package, the
    extension, the configuration or a data file changes (sphinx-autobuild). Each rebuild
    first runs `run.py prepare --keep-html` (validation, cache invalidation); when that
    fails, sphinx-autobuild prints its messages and keeps serving the last good build."""
    port = int(argv[argv.index("--port") + 1]) if "--port" in argv else 8000
    port = port or free_port()
    import shlex

    hook = shlex.join([str(VPY), str(Path(__file__).resolve()), "prepare", "--keep-html"])
    cmd = [str(VPY), "-m", "sphinx_autobuild", *sphinx_args("html"), "--host", "127.0.0.1",
           "--port", str(port), "--pre-build", hook]
    cmd += [a for path in PREVIEW_IGNORE for a in ("--ignore", str(path))]
    cmd += [a for rx in PREVIEW_IGNORE_RE for a in ("--re-ignore", rx)]
    say(f"preview: http://127.0.0.1:{port}/ (first a build, then a rebuild on every change; "
        "Ctrl+C stops it)")
    try:
        sys.exit(subprocess.run(cmd, cwd=ROOT, env=build_env()).returncode)
    except KeyboardInterrupt:
        say("preview stopped")


def build(html: bool = True, pdf: bool = True) -> None:
    prepare()
    if html:
        sphinx_build("html")
        say(f"HTML: {BUILD / 'html' / 'index.html'}")
    if not pdf:
        return
    ensure_system("build")
    # A fresh LaTeX directory each time: a stale .aux from an earlier, different book can
    # break the first xelatex pass ("File ended while scanning use of \bibcite").
    shutil.rmtree(BUILD / "latex", ignore_errors=True)
    # As `jupyter-book build --builder pdflatex` does (the LaTeX builder, then the Makefile it
    # writes: latexmk with xelatex), but on the HTML build's configuration and environment:
    # the documents are not read again.
    sphinx_build("latex")
    say("make all-pdf (latexmk, xelatex) in _build/latex")
    result = subprocess.run(["make", "all-pdf"], cwd=BUILD / "latex", env=build_env())
    if result.returncode != 0:
        fail(f"LaTeX failed (make all-pdf, exit {result.returncode}); see {BUILD / 'latex' / 'book.log'}")
    if not PDF.exists():
        fail(f"LaTeX ran but {PDF} was not produced")
    log = (BUILD / "latex" / "book.log").read_text(encoding="utf-8", errors="replace")
    missing_chars = [line for line in log.splitlines() if "Missing character" in line]
    if missing_chars:
        fail("glyphs missing from the PDF fonts:\n  " + "\n  ".join(missing_chars[:20]))
    if (BUILD / "html").is_dir():  # the web edition links to it
        shutil.copy2(PDF, BUILD / "html" / "book.pdf")
        say(f"PDF: {PDF} (also copied to {BUILD / 'html' / 'book.pdf'})")
    else:
        say(f"PDF: {PDF}")


def write_flags() -> None:
    """Recompute each row's source flags from data/sources.csv and rewrite the tables."""
    import csv

    nk = nkbook()
    with (ROOT / "data" / "sources.csv").open(encoding="utf-8", newline="") as fh:
        kinds = {row["key"]: row["source_type"] for row in csv.DictReader(fh)}
    for name in ("events", "statements", "estimates", "legal"):
        path = ROOT / "data" / f"{name}.csv"
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            fields, rows = reader.fieldnames, list(reader)
        for row in rows:
            keys = [row[c] for c in fields if c.startswith("source_") and row.get(c)]
            single, weak = nk.flags(keys, kinds)
            row["single_source"] = "true" if single else "false"
            row["weak_sources_only"] = "true" if weak else "false"
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        say(f"flags written to data/{name}.csv ({len(rows)} rows)")


def record_ids() -> None:
    """Append the ids of new rows to data/released_ids.txt (never removes one)."""
    import csv

    path = ROOT / "data" / "released_ids.txt"
    known = [line for line in path.read_text(encoding="utf-8").splitlines() if line] if path.exists() else []
    current = []
    for name in ("events", "statements", "estimates", "legal"):
        with (ROOT / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
            current += [row["id"] for row in csv.DictReader(fh)]
    new = [i for i in current if i not in set(known)]
    path.write_text("\n".join(known + sorted(new)) + "\n", encoding="utf-8")
    say(f"{len(new)} new id(s) recorded in data/released_ids.txt ({len(known) + len(new)} in all)")


def main(argv: list[str]) -> None:
    usage = ("usage: python3 run.py {build [--html-only | --pdf-only] | preview [--port N] | prepare [--keep-html] "
             "| test | bib | zenodo | flags | ids | prose | lab [--port N] | rerun [chapter ...] "
             "| editions [--site-url URL] [--out DIR] [--html-only] [--cache DIR]}")
    if not argv or argv[0] not in {"build", "preview", "prepare", "test", "bib", "zenodo", "flags", "ids",
                                   "prose", "lab", "rerun", "editions"}:
        fail(usage)
    if not in_venv():
        ensure_venv()
        os.execv(str(VPY), [str(VPY), str(Path(__file__).resolve()), *argv])
    command = argv[0]
    if command == "bib":
        nk = nkbook()
        nk.BIB_PATH.write_text(nk.bibtex(), encoding="utf-8")
        say(f"wrote {nk.BIB_PATH.relative_to(ROOT)}")
    elif command == "zenodo":
        nk = nkbook()
        nk.ZENODO_PATH.write_text(nk.zenodo(), encoding="utf-8")
        say(f"wrote {nk.ZENODO_PATH.relative_to(ROOT)} from CITATION.cff")
    elif command == "flags":
        write_flags()
    elif command == "ids":
        record_ids()
    elif command == "prose":  # sentence length, "the data" as a subject, words per chapter
        sys.exit(subprocess.run([sys.executable, str(ROOT / "tools" / "prose.py"), *argv[1:]]).returncode)
    elif command == "editions":  # every release tag's edition, as the workflow publishes them
        sys.exit(subprocess.run([sys.executable, str(ROOT / "tools" / "editions.py"), *argv[1:]]).returncode)
    elif command == "lab":
        lab(argv[1:])
    elif command == "rerun":
        rerun(argv[1:])
    elif command == "build":
        build(html="--pdf-only" not in argv, pdf="--html-only" not in argv)
    elif command == "preview":
        preview(argv[1:])
    elif command == "prepare":
        prepare(keep_html="--keep-html" in argv)
    elif command == "test":
        ensure_system("test")  # the PDF's packages and Chromium for the browser tests
        ensure_lab()  # the tests open a chapter in JupyterLab and rerun every chapter
        build(pdf=True)
        ensure_axe()  # the accessibility test runs axe-core in Chromium
        result = subprocess.run([sys.executable, "-m", "pytest", "-q", "tests", *argv[1:]], cwd=ROOT)
        sys.exit(result.returncode)


if __name__ == "__main__":
    main(sys.argv[1:])

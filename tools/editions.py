"""Assemble the multi-edition site from the repository's release tags (issue 14).

    python3 run.py editions --site-url https://example.org/book/ [--out _build/site]
        [--html-only] [--cache DIR] [--seed-cache BUILD] [--repo PATH]

Every tag ``vX.Y.Z`` is built, in a temporary clone of the repository, by its own
``python3 run.py build`` (its own pins: a virtual environment per requirements digest), with
``NKBOOK_BASE_URL=<site>/vX.Y.Z`` so that its canonical addresses, citations and meta tags
name that edition, and ``NKBOOK_SITE_URL=<site>`` so that its pages say which address to
cite. Then, in ``--out``:

* ``vX.Y.Z/``: each edition's pages, unchanged but for the banner below; they never move;
* the root: a copy of the latest edition (its citations still name ``/vX.Y.Z/``), with
  its ``sitemap.xml``, a ``robots.txt`` naming it and ``.nojekyll``;
* ``switcher.json`` (the theme's version switcher), the same in every edition and the root,
  newest first, the latest "preferred";
* in every page of an older edition, a banner "You are reading version X; the latest is Y",
  linking to the same page in the latest edition where it exists (else to its first page).
  It is static HTML, so it also covers editions built before the switcher existed.

Builds are kept in ``--cache`` by tag commit and site address (a tag never moves), so a
new release builds only itself. ``--seed-cache BUILD`` copies BUILD's executed notebooks
into each build (the tests use it: notebooks whose code did not change do not run again).
The workflow (.github/workflows/book.yml) runs exactly this command.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from run import ensure_venv, pins_digest  # noqa: E402  (how run.py makes and stamps a venv)

TAG = re.compile(r"^v(\d+)\.(\d+)\.(\d+)$")
MARKER = ".nkbook-site"  # marks an --out folder this script made (and may empty)
BANNER_CLASS = "nk-edition-banner"


class EditionError(RuntimeError):
    pass


def say(msg: str) -> None:
    print(f"[editions] {msg}", flush=True)


def git(repo: Path, *args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, **kw)


def release_tags(repo: Path) -> list[str]:
    """The tags vX.Y.Z, oldest first (by version number, not by name)."""
    names = git(repo, "tag", "--list", "v*", text=True).stdout.split()
    found = [n for n in names if TAG.match(n)]
    return sorted(found, key=lambda n: tuple(int(x) for x in TAG.match(n).groups()))


def version_of(tree: Path, tag: str) -> str:
    """The version in the tag's CITATION.cff, which must be the tag's own."""
    cff = yaml.safe_load((tree / "CITATION.cff").read_text(encoding="utf-8"))
    version = str(cff.get("version", ""))
    if f"v{version}" != tag:
        raise EditionError(f"tag {tag}: its CITATION.cff says version {version!r}; "
                           f"tag the commit whose CITATION.cff has version: \"{tag[1:]}\"")
    return version


def link_venv(tree: Path, cache: Path) -> None:
    """Give the tag's tree a .venv with its own pins: this checkout's when the pins
    are the same, else one made once per pins digest in the cache (run.py's ensure_venv)."""
    want = pins_digest(tree)
    ours = ROOT / ".venv"
    stamp = ours / ".requirements.sha256"
    if stamp.exists() and stamp.read_text() == want:
        target = ours
    else:
        target = cache / "venvs" / want[:16]
        say(f"{tree.name}: other pins, the virtual environment {target}")
        ensure_venv(tree, target)
    if (tree / ".venv").is_symlink():
        (tree / ".venv").unlink()
    (tree / ".venv").symlink_to(target.resolve())


def build_edition(clone: Path, tag: str, site: str, work: Path, cache: Path,
                  html_only: bool, seed: Path | None) -> tuple[str, Path]:
    """Build one tag (or take it from the cache); return its version and its pages."""
    commit = git(clone, "rev-parse", f"{tag}^{{commit}}", text=True).stdout.strip()
    key = hashlib.sha256(f"{commit} {site} {'html' if html_only else 'html+pdf'}".encode()).hexdigest()[:20]
    kept = cache / "builds" / f"{tag}-{key}"
    tree = work / tag
    tree.mkdir()
    archive = subprocess.run(["git", "-C", str(clone), "archive", tag], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    version = version_of(tree, tag)
    if (kept / "complete").exists():
        say(f"{tag}: built before (commit {commit[:10]}), taken from {kept}")
        return version, kept / "html"
    link_venv(tree, cache)
    if seed is not None:  # executed notebooks and the stamp that says what they were run on
        (tree / "_build").mkdir()
        for name in (".jupyter_cache", ".inputs.json"):
            if (seed / name).is_dir():
                shutil.copytree(seed / name, tree / "_build" / name)
            elif (seed / name).exists():
                shutil.copy2(seed / name, tree / "_build" / name)
    env = dict(os.environ, NKBOOK_BASE_URL=site + tag, NKBOOK_SITE_URL=site.rstrip("/"))
    env.pop("VIRTUAL_ENV", None)
    command = [sys.executable, "run.py", "build", *(["--html-only"] if html_only else [])]
    say(f"{tag}: building (commit {commit[:10]}, address {site}{tag}/)")
    log = work / f"{tag}.log"
    with log.open("w", encoding="utf-8") as out:
        result = subprocess.run(command, cwd=tree, env=env, stdout=out, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-4000:]
        raise EditionError(f"tag {tag}: `{' '.join(command[1:])}` failed (exit {result.returncode}):\n{tail}")
    shutil.rmtree(kept, ignore_errors=True)
    shutil.copytree(tree / "_build" / "html", kept / "html", symlinks=True)
    shutil.copy2(log, kept / "build.log")
    (kept / "complete").write_text(commit + "\n")
    return version, kept / "html"


def switcher(site: str, versions: list[str]) -> str:
    """The theme's switcher.json: every edition, newest first; the latest is preferred."""
    latest = versions[-1]
    entries = [{"name": f"Version {v}" + (" (latest)" if v == latest else ""), "version": v,
                "url": f"{site}v{v}/", **({"preferred": True} if v == latest else {})}
               for v in reversed(versions)]
    return json.dumps(entries, indent=1) + "\n"


def pages(tree: Path) -> list[Path]:
    return sorted(p for p in tree.rglob("*.html") if "_static" not in p.relative_to(tree).parts)


def banner(page: Path, tree: Path, latest_tree: Path, version: str, latest: str) -> str:
    """The old-edition banner for one page: its link goes to the same page in the latest
    edition if that edition has it, else to the latest edition's first page."""
    same = latest_tree / page.relative_to(tree)
    target = same if same.exists() else latest_tree / "index.html"
    href = os.path.relpath(target, page.parent).replace(os.sep, "/")
    return (f'<aside class="bd-header-announcement d-print-none {BANNER_CLASS}" aria-label="Edition">'
            f'<div class="bd-header-announcement__content">You are reading version {html.escape(version)}; '
            f'the latest is <a href="{html.escape(href)}" style="color: inherit; text-decoration: underline">'
            f'{html.escape(latest)}</a>.</div></aside>')


def add_banners(tree: Path, latest_tree: Path, version: str, latest: str) -> int:
    """Write the banner into every page of an older edition, before the theme's banner area
    (pydata-sphinx-theme 0.17) or else right after <body>. Returns the number of pages."""
    count = 0
    for page in pages(tree):
        text = page.read_text(encoding="utf-8")
        if BANNER_CLASS in text:
            raise EditionError(f"{page}: already has an edition banner")
        mark = re.search(r'<div class="pst-async-banner-revealer', text) or re.search(r"<body[^>]*>", text)
        if mark is None:
            if "http-equiv=\"Refresh\"" in text:  # the root index.html redirect has no body
                continue
            raise EditionError(f"{page}: no <body> to put the edition banner in")
        at = mark.start() if mark.group(0).startswith("<div") else mark.end()
        page.write_text(text[:at] + banner(page, tree, latest_tree, version, latest) + text[at:],
                        encoding="utf-8")
        count += 1
    return count


def prepare_out(out: Path) -> None:
    """Empty --out if this script made it; refuse a folder that holds anything else."""
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).exists():
            raise EditionError(f"{out} exists and was not made by tools/editions.py: "
                               "choose an empty or new folder")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("made by tools/editions.py; emptied on its next run\n")


def assemble(repo: Path, site: str, out: Path, cache: Path, html_only: bool, seed: Path | None) -> list[str]:
    site = site.rstrip("/") + "/"
    out, cache = out.resolve(), cache.resolve()
    with tempfile.TemporaryDirectory(prefix="nkbook-editions-") as tmp:
        work = Path(tmp)
        clone = work / "repo"
        subprocess.run(["git", "clone", "--quiet", "--no-local", "--no-checkout", str(repo), str(clone)],
                       check=True)
        tags = release_tags(clone)
        if not tags:
            raise EditionError(f"{repo}: no release tag vX.Y.Z (tag a release: git tag v1.2.0 <commit>)")
        say("editions: " + ", ".join(tags))
        built = [build_edition(clone, tag, site, work, cache, html_only, seed) for tag in tags]
        prepare_out(out)
        versions = [v for v, _ in built]
        for (version, html_dir) in built:
            shutil.copytree(html_dir, out / f"v{version}", symlinks=True)
    latest = versions[-1]
    latest_tree = out / f"v{latest}"
    for version in versions[:-1]:
        tree = out / f"v{version}"
        n = add_banners(tree, latest_tree, version, latest)
        (tree / "sitemap.xml").unlink(missing_ok=True)  # only the latest edition is listed
        say(f"v{version}: banner on {n} pages")
    shutil.copytree(latest_tree, out, dirs_exist_ok=True, symlinks=True)
    data = switcher(site, versions)
    for folder in [out, *(out / f"v{v}" for v in versions)]:
        (folder / "switcher.json").write_text(data, encoding="utf-8")
    if (out / "sitemap.xml").exists():
        (out / "robots.txt").write_text(f"User-agent: *\nAllow: /\nSitemap: {site}sitemap.xml\n", encoding="utf-8")
    (out / ".nojekyll").write_text("")
    say(f"site in {out}: {len(versions)} edition(s), the latest ({latest}) also at the root")
    return versions


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site-url", required=True, help="the site's public address, as https://host/path/")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "site")
    parser.add_argument("--cache", type=Path, default=ROOT / "_build" / "editions-cache")
    parser.add_argument("--repo", type=Path, default=ROOT)
    parser.add_argument("--html-only", action="store_true", help="no PDF (tests)")
    parser.add_argument("--seed-cache", type=Path, help="a _build whose executed notebooks to reuse")
    args = parser.parse_args(argv)
    try:
        assemble(args.repo, args.site_url, args.out, args.cache, args.html_only, args.seed_cache)
    except (EditionError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", None) or ""
        if isinstance(detail, bytes):
            detail = detail.decode(errors="replace")
        print(f"[editions] ERROR: {exc}" + (f"\n{detail}" if detail else ""), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

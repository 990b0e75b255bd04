"""`python3 run.py preview` serves the book on 127.0.0.1 and rebuilds it on a data edit; bad
data print the validation message while the last good build stays served.

On a copy of the project: start the preview, wait for the served book, add a row to
data/events.csv and poll the served background page (its timeline's chart data hold every
event id) until the new id appears; then break that row's date and wait for the validation
message (file, line, row id, column) while the page served is still the last good one; then
stop the preview and check that it and every process it started have ended.
"""

from __future__ import annotations

import csv
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from conftest import copy_project

NEW_ID = "EV-20250301-preview-added-row"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(condition, timeout: float, what: str, log: list[str]):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(1)
    raise AssertionError(f"timed out ({timeout:.0f} s) waiting for {what}; preview output:\n"
                         + "".join(log)[-4000:])


def processes_in(project: Path) -> list[str]:
    """Processes whose working directory is inside the copy (the preview, its builds, kernels)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cwd = Path(os.readlink(proc / "cwd"))
        except OSError:
            continue
        if cwd == project or project in cwd.parents:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            found.append(f"{proc.name}: {cmdline[:200]}")
    return found


def add_row(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, list(reader)
    rows.append(dict(rows[0], id=NEW_ID, date="2025-03-01", date_precision="day",
                     label="Row added by the preview test", summary="A row added by the preview test.",
                     quote="", quote_language="", quote_rendering="", quote_translator="", topics="",
                     short_label="", registry_ids="", disagreement="", note=""))
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows) + 1                       # the new row's line (the header is line 1)


def test_preview_rebuilds_on_a_data_edit_and_keeps_the_last_good_build(tmp_path):
    project = copy_project(tmp_path)
    port = free_port()
    log: list[str] = []
    proc = subprocess.Popen([sys.executable, "run.py", "preview", "--port", str(port)], cwd=project,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    reader = threading.Thread(target=lambda: log.extend(iter(proc.stdout.readline, "")), daemon=True)
    reader.start()
    page = f"http://127.0.0.1:{port}/book/background.html"
    try:
        wait_for(lambda: f"http://127.0.0.1:{port}/" in "".join(log), 60, "the URL", log)
        first = wait_for(lambda: fetch(page), 400, "the first build to be served", log)
        assert "timeline" in first.lower() and NEW_ID not in first

        line = add_row(project / "data" / "events.csv")
        updated = wait_for(lambda: (fetch(page) or "").count(NEW_ID) and fetch(page), 240,
                           f"{NEW_ID} on the served background page", log)
        assert NEW_ID in updated
        # the page is served as soon as it is written; the rebuild ends with "Serving on"
        wait_for(lambda: "Serving on" in "".join(log).rsplit("Rebuilding...", 1)[-1], 240,
                 "the rebuild after the new row to finish", log)
        built = project / "_build" / "html" / "book" / "background.html"
        good_mtime = built.stat().st_mtime_ns

        path = project / "data" / "events.csv"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(f"{NEW_ID},2025-03-01,", f"{NEW_ID},2025-02-30,"),
                        encoding="utf-8")
        message = f"data/events.csv, line {line} (id '{NEW_ID}'), column 'date'"
        wait_for(lambda: message in "".join(log), 120, "the validation message", log)
        time.sleep(3)
        assert "Sphinx exited" not in "".join(log).split(message)[-1]
        served = fetch(page)
        assert served is not None and NEW_ID in served, "the last good build is no longer served"
        assert built.stat().st_mtime_ns == good_mtime, "broken data were built over the last good page"
        assert proc.poll() is None, "the preview stopped on bad data"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
    assert fetch(page) is None, "the server still answers after the preview was stopped"
    deadline = time.time() + 20
    while processes_in(project) and time.time() < deadline:
        time.sleep(0.5)
    assert not processes_in(project), f"left running: {processes_in(project)}"

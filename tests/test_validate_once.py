"""The data are validated once per build, never skipped for data nobody validated.

run.py validates data/ and passes the kernels the digest of what it validated
(NKBOOK_VALIDATED_DATA); nkbook.load skips validating only data that hash to that digest.
A kernel started by hand (JupyterLab, `run.py rerun`) has no digest and validates.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

from conftest import ROOT, build_copy, copy_project

LOAD = "import nkbook as nk, sys; nk.load('events', sys.argv[1]); print('loaded')"


def kernel_load(package, digest: str | None):
    """nk.load in a fresh Python process, as a kernel runs it, with or without a digest."""
    env = {k: v for k, v in os.environ.items() if k != "NKBOOK_VALIDATED_DATA"}
    env["PYTHONPATH"] = str(ROOT / "book")
    if digest is not None:
        env["NKBOOK_VALIDATED_DATA"] = digest
    return subprocess.run([sys.executable, "-c", LOAD, str(package)], env=env,
                          capture_output=True, text=True, timeout=300)


def break_a_precision(data):
    """A value outside the schema's enum on line 2 (one that pandas would still read)."""
    path = data / "events.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert re.match(r"[^,]+,\d{4}-\d{2}-\d{2},day,", lines[1]), lines[1][:80]
    lines[1] = lines[1].replace(",day,", ",fortnight,", 1)
    path.write_text("".join(lines), encoding="utf-8")


def test_a_kernel_with_a_stale_or_absent_digest_validates_and_refuses_invalid_data(nk, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    package = data / "datapackage.json"
    valid = nk.data_digest(package)
    break_a_precision(data)
    assert nk.data_digest(package) != valid
    for digest in (valid, None, ""):              # stale (the data changed since), absent, empty
        result = kernel_load(package, digest)
        assert result.returncode != 0, f"digest {digest!r}: invalid data were loaded"
        assert "DataValidationError" in result.stderr and "loaded" not in result.stdout
        assert "line 2" in result.stderr and "'date_precision'" in result.stderr, result.stderr[-1500:]
    # Only the digest of exactly these files skips validation (what run.py passes after it
    # validated them); this shows that the skip is real, so the count below means something.
    result = kernel_load(package, nk.data_digest(package))
    assert result.returncode == 0 and "loaded" in result.stdout, result.stderr[-1500:]


COUNTER = '''

# --- added by tests/test_validate_once.py: count every validation of the package ---
_counted_validation_errors = validation_errors


def validation_errors(package_path=PACKAGE):
    with open(os.environ["NKBOOK_TEST_VALIDATIONS"], "a", encoding="utf-8") as fh:
        fh.write(f"{os.getpid()}\\n")
    return _counted_validation_errors(package_path)
'''


def test_the_build_validates_exactly_once(tmp_path):
    project = copy_project(tmp_path)
    module = project / "book" / "nkbook" / "data.py"
    module.write_text(module.read_text(encoding="utf-8") + COUNTER, encoding="utf-8")
    log = tmp_path / "validations.log"
    log.write_text("")
    result = build_copy(project, env=dict(os.environ, NKBOOK_TEST_VALIDATIONS=str(log)))
    output = result.stdout + result.stderr
    executed = re.findall(r"book/([a-z-]+)\.md: Executing notebook", output)
    assert len(executed) >= 10, output[-2000:]               # the kernels did call nk.load
    runs = log.read_text().split()
    assert len(runs) == 1, f"{len(runs)} validations in one build of {len(executed)} notebooks"

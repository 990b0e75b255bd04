"""The Debian/Ubuntu packages the book needs, and installing the missing ones (issue 13).

One list: ``PDF`` (XeLaTeX, fonts, pdftotext: ``python3 run.py build``), ``BROWSER``
(Chromium for the tests) and ``VENV`` (``python3-venv``, when Python cannot create .venv). ``run.py`` asks :func:`ensure` before the PDF build; ``.ci/run``
reads the list with ``python3 tools/system.py --list test``.

:func:`ensure` checks each package with ``dpkg-query`` and, if some are missing, runs
``apt-get update`` and ``apt-get install -y --no-install-recommends ...`` itself when it
runs as root or may use sudo without a password (``sudo -n true``), saying what it installs;
otherwise it stops with the exact command to run. The check and the runner are parameters,
so that tests/test_setup.py exercises every case without installing anything.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from typing import Callable, Sequence

PDF = ("make", "latexmk", "texlive-xetex", "texlive-latex-recommended", "texlive-latex-extra",
       "texlive-fonts-recommended", "fonts-freefont-otf", "fonts-noto-cjk", "poppler-utils")
BROWSER = ("chromium", "chromium-driver")
VENV = ("python3-venv",)  # only where Debian's Python lacks ensurepip (run.py asks then)
PURPOSES = {"build": PDF, "test": PDF + BROWSER, "venv": VENV}


class SetupError(RuntimeError):
    """Packages are missing and this process may not install them; the message says how."""


def installed(package: str) -> bool:
    """dpkg's own answer (as ``dpkg -s``): is the package installed?"""
    result = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package],
                            capture_output=True, text=True)
    return result.returncode == 0 and result.stdout.strip().endswith("installed")


def run(cmd: Sequence[str]) -> int:
    return subprocess.run(list(cmd), env=dict(os.environ, DEBIAN_FRONTEND="noninteractive")).returncode


def can_sudo() -> bool:
    """sudo without a password (``sudo -n true``)."""
    return shutil.which("sudo") is not None and subprocess.run(
        ["sudo", "-n", "true"], capture_output=True).returncode == 0


def commands(missing: Sequence[str], prefix: Sequence[str] = ()) -> list[list[str]]:
    return [[*prefix, "apt-get", "update"],
            [*prefix, "apt-get", "install", "-y", "--no-install-recommends", *missing]]


def is_debian() -> bool:
    return shutil.which("dpkg-query") is not None and shutil.which("apt-get") is not None


def ensure(packages: Sequence[str], *, is_installed: Callable[[str], bool] | None = None,
           runner: Callable[[Sequence[str]], int] | None = None, is_root: bool | None = None,
           sudo_ok: Callable[[], bool] | None = None, say: Callable[[str], None] = print) -> list[str]:
    """Install the missing packages if allowed; return them (empty: nothing was run).
    Unset, the check is :func:`installed`, the runner :func:`run`, root ``os.geteuid() == 0``
    and the sudo test :func:`can_sudo`."""
    is_installed, runner, sudo_ok = is_installed or installed, runner or run, sudo_ok or can_sudo
    missing = [p for p in packages if not is_installed(p)]
    if not missing:
        return []
    root = os.geteuid() == 0 if is_root is None else is_root
    if not root and not sudo_ok():
        line = " && ".join(shlex.join(c) for c in commands(missing, ["sudo"]))
        raise SetupError(f"missing Debian packages: {' '.join(missing)}; install them with:\n  {line}")
    cmds = commands(missing, [] if root else ["sudo", "-n"])
    say(f"installing the missing Debian packages: {' '.join(missing)}")
    for cmd in cmds:
        say(shlex.join(cmd))
        code = runner(cmd)
        if code != 0:
            raise SetupError(f"{shlex.join(cmd)} failed (exit {code})")
    return missing


if __name__ == "__main__":  # python3 tools/system.py --list build|test|venv
    if len(sys.argv) != 3 or sys.argv[1] != "--list" or sys.argv[2] not in PURPOSES:
        sys.exit("usage: python3 tools/system.py --list build|test|venv")
    print(" ".join(PURPOSES[sys.argv[2]]))

"""Two commands on a fresh Debian/Ubuntu machine (issue 13): the build installs the Debian
packages it lacks when it may (root, password-less sudo) and otherwise stops with the exact
command. Tested with the package check and the runner injected: nothing is installed."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT))
import system  # noqa: E402

MISSING = {"texlive-xetex", "fonts-noto-cjk"}


def fake(missing=MISSING, code=0):
    calls, messages = [], []

    def runner(cmd):
        calls.append(list(cmd))
        return code

    return dict(is_installed=lambda p: p not in missing, runner=runner, say=messages.append), calls, messages


def install_line(prefix):
    wanted = [p for p in system.PDF if p in MISSING]
    return [[*prefix, "apt-get", "update"],
            [*prefix, "apt-get", "install", "-y", "--no-install-recommends", *wanted]]


def test_root_installs_the_missing_packages_and_says_so():
    kwargs, calls, messages = fake()
    got = system.ensure(system.PDF, is_root=True, sudo_ok=lambda: False, **kwargs)
    assert got == [p for p in system.PDF if p in MISSING] == ["texlive-xetex", "fonts-noto-cjk"]
    assert calls == install_line([])
    assert messages[0] == "installing the missing Debian packages: texlive-xetex fonts-noto-cjk"
    assert messages[1:] == ["apt-get update",
                            "apt-get install -y --no-install-recommends texlive-xetex fonts-noto-cjk"]


def test_sudo_user_installs_through_sudo_without_a_password():
    kwargs, calls, messages = fake()
    system.ensure(system.PDF, is_root=False, sudo_ok=lambda: True, **kwargs)
    assert calls == install_line(["sudo", "-n"])
    assert "sudo -n apt-get install -y --no-install-recommends texlive-xetex fonts-noto-cjk" in messages


def test_plain_user_gets_the_exact_command_and_nothing_runs():
    kwargs, calls, messages = fake()
    with pytest.raises(system.SetupError) as info:
        system.ensure(system.PDF, is_root=False, sudo_ok=lambda: False, **kwargs)
    assert calls == [] and messages == []
    assert str(info.value) == (
        "missing Debian packages: texlive-xetex fonts-noto-cjk; install them with:\n"
        "  sudo apt-get update && sudo apt-get install -y --no-install-recommends "
        "texlive-xetex fonts-noto-cjk")


@pytest.mark.parametrize("root, sudo", [(True, False), (False, True), (False, False)])
def test_nothing_runs_when_nothing_is_missing(root, sudo):
    kwargs, calls, messages = fake(missing=set())
    assert system.ensure(system.PURPOSES["test"], is_root=root, sudo_ok=lambda: sudo, **kwargs) == []
    assert calls == [] and messages == []


def test_a_failed_install_stops_the_build():
    kwargs, calls, _ = fake(code=100)
    with pytest.raises(system.SetupError, match="apt-get update failed \\(exit 100\\)"):
        system.ensure(system.PDF, is_root=True, **kwargs)
    assert len(calls) == 1


def test_the_package_check_asks_dpkg():
    assert system.is_debian(), "these tests run on Debian/Ubuntu (dpkg-query, apt-get)"
    assert system.installed("dpkg")
    assert not system.installed("nkbook-no-such-package")
    # the packages this machine has for the PDF build are reported installed
    assert all(system.installed(p) for p in system.PDF)


def test_run_py_stops_with_the_command_for_a_plain_user(monkeypatch, capsys):
    import run

    monkeypatch.setattr(system, "installed", lambda p: p != "latexmk")
    monkeypatch.setattr(system.os, "geteuid", lambda: 1000)
    monkeypatch.setattr(system, "can_sudo", lambda: False)
    monkeypatch.setattr(system, "run", lambda cmd: pytest.fail(f"ran {cmd}"))
    with pytest.raises(SystemExit) as info:
        run.ensure_system("build")
    assert info.value.code == 1
    assert ("sudo apt-get update && sudo apt-get install -y --no-install-recommends latexmk"
            in capsys.readouterr().err)


def test_one_list_for_ci_and_run_py():
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "system.py"), "--list", "test"],
                         capture_output=True, text=True, check=True).stdout.split()
    assert out == list(system.PDF + system.BROWSER)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 run.py test" in ci and "texlive" not in ci
    assert "texlive" not in (ROOT / "run.py").read_text(encoding="utf-8")

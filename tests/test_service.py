"""``rituals service``: the systemd user unit, installed into a temporary ``XDG_CONFIG_HOME`` through a
fake ``systemctl`` (a script that records its arguments), and the one line where systemd is absent."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from voice.home.service import UNIT, ServiceError, Systemd, find_systemd, install, uninstall

ROOT = Path(__file__).resolve().parents[1]


def rituals(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "voice", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})}, cwd=ROOT)


def exec_start(unit: str) -> list[str]:
    [line] = [l for l in unit.splitlines() if l.startswith("ExecStart=")]
    # systemd's quoting is the shell's double quotes, plus %% and $$ for its own specifiers
    return [w.replace("%%", "%").replace("$$", "$") for w in shlex.split(line.removeprefix("ExecStart="))]


def test_the_printed_unit_runs_this_interpreter_on_this_data_dir_restarts_with_a_back_off_and_logs_to_the_journal(tmp_path):
    data = tmp_path / "our data 100%"
    result = rituals("--data-dir", str(data), "service", "install", "--print")
    assert result.returncode == 0, result.stderr
    unit = result.stdout
    assert exec_start(unit) == [sys.executable, "-m", "voice", "--data-dir", str(data.resolve()), "listen"]
    for setting in ("Restart=on-failure", "RestartSec=30", "StartLimitBurst=5", "StartLimitIntervalSec=600",
                    "StandardOutput=journal", "StandardError=journal", "WantedBy=default.target"):
        assert setting in unit.splitlines()
    assert not re.search(r"\.log\b", unit)           # no log files of its own
    assert not data.exists()                          # printing creates nothing


def test_the_units_command_works_from_anywhere(tmp_path):
    words = exec_start(rituals("--data-dir", str(tmp_path / "d"), "service", "install", "--print").stdout)
    listed = subprocess.run(words[:-1] + ["list"], capture_output=True, text=True, cwd="/", timeout=120)
    assert listed.returncode == 0 and "six_second_kiss" in listed.stdout


@pytest.mark.parametrize("action", ["install", "uninstall", "status", "logs"])
def test_without_systemd_each_action_is_one_line_saying_how_to_run_the_skill_instead(tmp_path, action):
    bin_dir = tmp_path / "bin"                         # a PATH with python but no systemctl
    bin_dir.mkdir()
    os.symlink(sys.executable, bin_dir / "python3")
    config = tmp_path / "config"
    result = rituals("--data-dir", str(tmp_path / "data"), "service", action,
                     env={"PATH": str(bin_dir), "XDG_CONFIG_HOME": str(config)})
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "does not run systemd" in result.stderr
    assert "make run" in result.stderr and "rituals listen" in result.stderr
    assert not config.exists()


def test_this_machine_without_systemd_as_init_is_told_so_even_with_systemctl_installed(tmp_path):
    fake = fake_systemctl(tmp_path)
    with pytest.raises(ServiceError, match="does not run systemd"):
        find_systemd(booted=tmp_path / "no-such-run-dir", environ={"PATH": str(fake.parent)})


def fake_systemctl(tmp_path: Path, fail: str = "") -> Path:
    """A ``systemctl`` that appends its arguments to calls.txt (and fails on ``fail``)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    script = bin_dir / "systemctl"
    script.write_text(f'#!/bin/sh\necho "$@" >> {tmp_path}/calls.txt\n'
                      f'case "$*" in *"{fail or "never"}"*) echo "Failed: bus says no" >&2; exit 1;; esac\n')
    script.chmod(0o755)
    return script


def test_install_writes_the_unit_reloads_enables_and_explains_linger_then_uninstall_removes_it(tmp_path):
    booted = tmp_path / "run-systemd"
    booted.mkdir()
    fake_systemctl(tmp_path)
    systemd = find_systemd(booted, {"PATH": str(tmp_path / "bin"), "XDG_CONFIG_HOME": str(tmp_path / "cfg")})
    assert systemd.path == tmp_path / "cfg" / "systemd" / "user" / UNIT
    said = install(systemd, "[Unit]\n")
    assert systemd.path.read_text() == "[Unit]\n"
    assert (tmp_path / "calls.txt").read_text().splitlines() == ["--user daemon-reload", f"--user enable --now {UNIT}"]
    assert any("loginctl enable-linger" in line for line in said)   # no loginctl here: cannot tell, so say it
    said = uninstall(systemd)
    assert not systemd.path.exists() and "journal" in said[0]
    assert (tmp_path / "calls.txt").read_text().splitlines()[2:] == [f"--user disable --now {UNIT}",
                                                                      "--user daemon-reload"]
    assert "not installed" in uninstall(systemd)[0]


def test_a_failing_systemctl_is_one_line_naming_the_step(tmp_path):
    systemd = Systemd(str(fake_systemctl(tmp_path, fail="enable")), None, tmp_path / "units")
    with pytest.raises(ServiceError) as caught:
        install(systemd, "[Unit]\n")
    assert "\n" not in str(caught.value)
    assert "enable --now" in str(caught.value) and "bus says no" in str(caught.value)

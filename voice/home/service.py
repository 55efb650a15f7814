"""The skill as a home appliance: a systemd *user* unit that starts it at boot and restarts it.

The unit runs ``python -m voice listen`` with this very interpreter and data directory, restarts it
on failure with a pause between tries and gives up after a burst (a broken microphone must not
spin the CPU for months), and leaves its output to the journal (``journalctl --user``), which
rotates itself: the skill writes no log files of its own. A machine without systemd gets one line
saying how to run the skill instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from voice.errors import RitualsError

UNIT = "rituals.service"
RUN_INSTEAD = ("run the skill with 'make run' (or 'rituals listen') instead, e.g. from the desktop's "
               "autostart or a terminal that stays open")


class ServiceError(RitualsError):
    """The service cannot be installed, asked about or removed here; the message says what to do."""


def unit_dir(environ: dict[str, str] | None = None) -> Path:
    """Where systemd looks for a user's units: ``$XDG_CONFIG_HOME/systemd/user``."""
    env = os.environ if environ is None else environ
    base = Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else Path.home() / ".config"
    return base / "systemd" / "user"


def _quote(word: str) -> str:
    """One ExecStart word as systemd reads it: quoted, with its own specifiers escaped (a data
    directory with a space or a '%' must reach the skill as it is)."""
    escaped = word.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%").replace("$", "$$")
    return f'"{escaped}"'


def command(data_dir: Path, config: Path | None, python: str = sys.executable) -> list[str]:
    """The command line the service runs: this interpreter, this data directory (and config)."""
    words = [python, "-m", "voice", "--data-dir", str(data_dir.resolve())]
    if config is not None:
        words += ["--config", str(config.resolve())]
    return words + ["listen"]


def unit_text(words: Sequence[str]) -> str:
    """The unit file for running ``words``."""
    return f"""[Unit]
Description=spoken-rituals: the couple's voice skill
After=sound.target pipewire.service pulseaudio.service
# Give up after 5 failures in 10 minutes: a broken device must not restart the skill for months.
StartLimitIntervalSec=600
StartLimitBurst=5

[Service]
Type=simple
ExecStart={" ".join(_quote(w) for w in words)}
Restart=on-failure
# 30 s between tries: time for a replugged microphone to settle, and a back-off against a loop.
RestartSec=30
# Exit status 2 is a mistake to fix (a bad config), which restarting does not fix.
RestartPreventExitStatus=2
Environment=PYTHONUNBUFFERED=1
# Output goes to the journal (journalctl --user -u {UNIT}), which rotates it: no log files here.
StandardOutput=journal
StandardError=journal
SyslogIdentifier=rituals

[Install]
WantedBy=default.target
"""


@dataclass(frozen=True)
class Systemd:
    """The user's systemd, through its command-line tools."""

    systemctl: str
    loginctl: str | None
    units: Path

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([self.systemctl, "--user", *args], capture_output=True, text=True, timeout=60)

    def check(self, *args: str) -> None:
        result = self.run(*args)
        if result.returncode != 0:
            why = (result.stderr.strip().splitlines() or ["no reason given"])[-1]
            raise ServiceError(f"systemctl --user {' '.join(args)} failed ({why}): check "
                               "'systemctl --user status' and try again.")

    @property
    def path(self) -> Path:
        return self.units / UNIT

    def lingering(self) -> bool | None:
        """Whether the user's services start at boot without a login (``None``: cannot tell)."""
        if self.loginctl is None:
            return None
        user = os.environ.get("USER") or os.environ.get("LOGNAME") or ""
        result = subprocess.run([self.loginctl, "show-user", user, "--property=Linger"], capture_output=True,
                                text=True, timeout=30)
        value = result.stdout.strip().partition("=")[2]
        return None if result.returncode != 0 or not value else value == "yes"


def find_systemd(booted: Path = Path("/run/systemd/system"), environ: dict[str, str] | None = None) -> Systemd:
    """The user's systemd, or a ``ServiceError`` saying how to run the skill without it.

    ``booted``: systemd's own sign that it runs as init (sd_booted); ``systemctl`` alone is not
    enough (a container has the tool but no systemd to talk to)."""
    env = os.environ if environ is None else environ
    systemctl = shutil.which("systemctl", path=env.get("PATH"))
    if systemctl is None or not booted.is_dir():
        raise ServiceError(f"This machine does not run systemd, so there is no service to set up: {RUN_INSTEAD}.")
    return Systemd(systemctl, shutil.which("loginctl", path=env.get("PATH")), unit_dir(env))


def install(systemd: Systemd, text: str) -> list[str]:
    """Write the unit, enable and start it; returns what to tell the user."""
    try:
        systemd.units.mkdir(parents=True, exist_ok=True)
        systemd.path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ServiceError(f"Cannot write {systemd.path} ({exc.strerror}): check that folder's permissions.") from exc
    systemd.check("daemon-reload")
    systemd.check("enable", "--now", UNIT)
    lines = [f"Installed and started {UNIT} ({systemd.path}).",
             f"Its output: rituals service logs (or journalctl --user -u {UNIT})."]
    if systemd.lingering() is not True:
        user = os.environ.get("USER") or "$USER"
        lines.append("It starts when you log in. To start it at boot without anyone logging in, run once: "
                     f"sudo loginctl enable-linger {user}")
    return lines


def uninstall(systemd: Systemd) -> list[str]:
    """Stop, disable and remove the unit (the journal and the data directory stay)."""
    if not systemd.path.exists():
        return [f"{UNIT} is not installed; nothing to remove."]
    systemd.check("disable", "--now", UNIT)
    systemd.path.unlink()
    systemd.check("daemon-reload")
    return [f"Stopped and removed {UNIT}. The journal and everything saved stay where they are."]

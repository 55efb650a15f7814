"""``rituals service install | uninstall | status | logs``: the skill as a systemd user service."""

from __future__ import annotations

import argparse
import shutil
import subprocess

from voice.cli.app import App
from voice.home.service import UNIT, ServiceError, command, find_systemd, install, uninstall, unit_text


def _unit(app: App) -> str:
    return unit_text(command(app.data_dir, app.config.path))


def cmd_install(app: App, args: argparse.Namespace) -> int:
    if args.print:  # shown anywhere, systemd or not: it is only text
        print(_unit(app), end="")
        return 0
    systemd = find_systemd()
    for line in install(systemd, _unit(app)):
        print(line)
    return 0


def cmd_uninstall(app: App, args: argparse.Namespace) -> int:
    for line in uninstall(find_systemd()):
        print(line)
    return 0


def cmd_status(app: App, args: argparse.Namespace) -> int:
    systemd = find_systemd()
    if not systemd.path.exists():
        print(f"{UNIT} is not installed: 'rituals service install' sets it up.")
        return 1
    result = systemd.run("status", "--no-pager", UNIT)
    print(result.stdout, end="")
    return 0 if result.returncode == 0 else 1   # systemctl: 3 is "not running", not an error of ours


def cmd_logs(app: App, args: argparse.Namespace) -> int:
    find_systemd()
    journalctl = shutil.which("journalctl")
    if journalctl is None:
        raise ServiceError("journalctl is missing, so the service's output cannot be shown: install systemd's "
                           "journal tools, or run 'rituals listen' in a terminal to see it.")
    words = [journalctl, "--user", "-u", UNIT, "--no-pager", "-n", str(args.lines)]
    return subprocess.run(words + (["--follow"] if args.follow else [])).returncode


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("service", help="start the skill at boot: a systemd user service")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    q = actions.add_parser("install", help="install, enable and start it")
    q.add_argument("--print", action="store_true", help="only show the unit, install nothing")
    q.set_defaults(func=cmd_install, reads_only=True)
    q = actions.add_parser("uninstall", help="stop and remove it (the journal stays)")
    q.set_defaults(func=cmd_uninstall, reads_only=True)
    q = actions.add_parser("status", help="whether it runs")
    q.set_defaults(func=cmd_status, reads_only=True)
    q = actions.add_parser("logs", help="its recent output, from the journal")
    q.add_argument("-n", "--lines", type=int, default=50)
    q.add_argument("-f", "--follow", action="store_true")
    q.set_defaults(func=cmd_logs, reads_only=True)

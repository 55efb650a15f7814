"""``rituals journal check`` and ``rituals journal restore [BACKUP]``: is the journal sound, and
bringing back a backup when it is not."""

from __future__ import annotations

import argparse
import sqlite3

from voice.cli.app import App
from voice.journal.backup import Backups, restore
from voice.journal.files import require_writable
from voice.journal.health import examine_file
from voice.journal.opening import translate
from voice.journal.schema import MIGRATIONS


def cmd_check(app: App, args: argparse.Namespace) -> int:
    path = app.journal_path
    if not path.exists():
        print(f"No journal yet at {path}: nothing to check.")
        return 0
    try:
        health = examine_file(path)
    except sqlite3.Error as exc:
        raise translate(path, exc) from exc
    backups = Backups(path)
    kept = f"{len(backups.all())} backup(s) in {backups.folder}"
    if health.ok and health.schema > len(MIGRATIONS):
        print(f"The journal at {path} was written by a newer spoken-rituals (schema {health.schema}): SQLite "
              f"finds it sound; upgrade this one to check the rest. {kept}.")
        return 0
    if health.ok:
        print(f"The journal at {path} is sound: {health.sessions} session(s), schema {health.schema}; {kept}.")
        return 0
    print(f"The journal at {path} is damaged ({health.problem}): run 'rituals journal restore' to bring back "
          f"the newest sound backup ({kept}).")
    return 1


def cmd_restore(app: App, args: argparse.Namespace) -> int:
    require_writable(app.data_dir)
    done = restore(app.journal_path, args.backup)
    kept = f"; the journal it replaced is kept as {done.kept_as.name}" if done.kept_as else ""
    print(f"Restored {done.backup.name} ({done.sessions} session(s)){kept}.")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("journal", help="check the journal, or restore a backup of it")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    q = actions.add_parser("check", help="is the journal sound? (exit status 1 when it is damaged)")
    q.set_defaults(func=cmd_check)
    q = actions.add_parser("restore", help="bring back a backup (default: the newest sound one); "
                           "the current journal is kept aside")
    q.add_argument("backup", nargs="?", help="a backup's name in the backups folder, or its path")
    q.set_defaults(func=cmd_restore)

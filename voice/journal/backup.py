"""Rotating backups of the journal, and bringing one back.

Backups are made with SQLite's online backup API (a consistent copy even while the journal is in
use) after every session and before migrations and imports, into ``backups/`` beside the journal.
Each is written under a temporary name, checked, then renamed: a file named like a backup is always
a whole one. The newest few are kept.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from voice.errors import JournalError
from voice.journal.files import connect_readonly, move_aside, stamp
from voice.journal.health import Health, examine, examine_file, is_damage

KEEP = 5
"""How many backups are kept; the oldest beyond this are removed."""
FOLDER = "backups"


@dataclass(frozen=True)
class Backup:
    path: Path
    reason: str
    """Why it was made: ``session``, ``migration`` or ``import``."""


class Backups:
    """The backups of the journal at ``journal_path``."""

    def __init__(self, journal_path: Path, keep: int = KEEP) -> None:
        self.journal_path = journal_path
        self.folder = journal_path.parent / FOLDER
        self.keep = keep

    def _name(self, reason: str, moment: datetime) -> str:
        return f"{self.journal_path.stem}-{stamp(moment)}-{reason}{self.journal_path.suffix}"

    def all(self) -> list[Backup]:
        """Newest first (the names start with a sortable time)."""
        if not self.folder.is_dir():
            return []
        prefix, suffix = f"{self.journal_path.stem}-", self.journal_path.suffix
        found = sorted((p for p in self.folder.iterdir() if p.name.startswith(prefix) and p.name.endswith(suffix)),
                       key=lambda p: p.name, reverse=True)
        return [Backup(p, p.name[len(prefix):-len(suffix)].rpartition("-")[2]) for p in found]

    def make(self, db: sqlite3.Connection, reason: str) -> Path:
        """Copy the journal open on ``db`` into a new backup, then drop the oldest beyond ``keep``."""
        target = self.folder / self._name(reason, datetime.now(timezone.utc))
        partial = target.with_name(f".{target.name}.partial")
        try:
            self.folder.mkdir(mode=0o700, exist_ok=True)
            os.close(os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))  # private from the start
            copy = sqlite3.connect(partial)
            try:
                db.backup(copy)
                health = examine(copy, quick=True)
            finally:
                copy.close()
            if not health.ok:
                # A copy of a damaged journal must not push a good backup out of the rotation.
                raise JournalError(f"The journal at {self.journal_path} is damaged ({health.problem}); "
                                   "no backup was made: run 'rituals journal check'.")
            os.replace(partial, target)
        except (OSError, sqlite3.Error) as exc:
            raise JournalError(f"Could not back up the journal into {self.folder} ({exc}); what was "
                               "saved is still in the journal: free some space or fix the folder's permissions.") from exc
        finally:
            partial.unlink(missing_ok=True)
        for old in self.all()[self.keep:]:
            old.path.unlink()
        return target

    def start_over(self, db: sqlite3.Connection) -> None:
        """After ``forget``: one new backup, and every older one (holding what was forgotten) wiped."""
        newest = self.make(db, "forget")
        for old in self.all():
            if old.path != newest:
                with old.path.open("r+b") as f:  # overwritten first: unlinking alone leaves the bytes on disk
                    f.write(b"\0" * old.path.stat().st_size)
                    f.flush()
                    os.fsync(f.fileno())
                old.path.unlink()

    def health(self, path: Path) -> Health:
        """The full check of one backup; one that cannot even be read is not sound either."""
        try:
            return examine_file(path, immutable=True)
        except sqlite3.Error as exc:
            return Health(f"cannot be read ({exc})")

    def choose(self, name: str | None) -> tuple[Backup, Health]:
        """The backup called ``name`` (a path or a name in the folder), or the newest sound one."""
        if name:
            wanted = Path(name)
            path = wanted if wanted.is_file() else self.folder / wanted.name
            if not path.is_file():
                known = ", ".join(b.path.name for b in self.all()) or "none yet"
                raise JournalError(f"No backup called {name}. The backups in {self.folder}: {known}.")
            health = self.health(path)
            if not health.ok:
                raise JournalError(f"The backup {path} is damaged too ({health.problem}): choose another "
                                   "or leave out BACKUP to take the newest sound one.")
            return Backup(path, "chosen"), health
        for backup in self.all():
            health = self.health(backup.path)
            if health.ok:
                return backup, health
        raise JournalError(f"No sound backup in {self.folder}: nothing was changed. "
                           "If you have an export, 'rituals import FILE' brings it back.")


@dataclass(frozen=True)
class Restored:
    backup: Path
    sessions: int
    kept_as: Path | None
    """Where the journal it replaced now is (``None``: there was none)."""


def _refuse_if_in_use(journal_path: Path) -> None:
    """A journal another ``rituals`` has open must not be swapped under it (it would go on writing
    into the file set aside). Exclusive locking waits for no one: it fails while anyone has it open."""
    if not journal_path.exists():
        return
    db = sqlite3.connect(journal_path, timeout=0.5, isolation_level=None)
    try:
        db.execute("PRAGMA locking_mode = EXCLUSIVE")
        db.execute("BEGIN IMMEDIATE")
        db.execute("ROLLBACK")
    except sqlite3.Error as exc:
        if not is_damage(exc):  # a damaged file is what restore is for
            raise JournalError(f"The journal at {journal_path} is in use by another program: close the other "
                               "'rituals' and try again.") from exc
    finally:
        db.close()


def restore(journal_path: Path, name: str | None = None) -> Restored:
    """Put a backup in the journal's place; the journal it replaces is moved aside, never deleted."""
    backup, health = Backups(journal_path).choose(name)
    _refuse_if_in_use(journal_path)
    partial = journal_path.with_name(f".{journal_path.name}.restoring")
    try:
        os.close(os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
        source, copy = connect_readonly(backup.path, immutable=True), sqlite3.connect(partial)
        try:
            source.backup(copy)
        finally:
            source.close()
            copy.close()
        kept_as = move_aside(journal_path, "replaced", datetime.now(timezone.utc)) if journal_path.exists() else None
        os.replace(partial, journal_path)
    except (OSError, sqlite3.Error) as exc:
        raise JournalError(f"Could not restore {backup.path} ({exc}); the journal is as it was.") from exc
    finally:
        partial.unlink(missing_ok=True)
    return Restored(backup.path, health.sessions, kept_as)

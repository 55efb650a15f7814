"""Getting a sound connection to the journal file, or a one-line reason why not.

Every start goes through here: a read-only data directory, a file in use, a newer schema or a
damaged file each end in one line that says what to do. A damaged file is first moved aside (never
deleted), so that the next start is a clean one and ``rituals journal restore`` has its place free.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from voice.errors import JournalError
from voice.journal.backup import Backups
from voice.journal.files import connect_readonly, move_aside, require_writable
from voice.journal.health import examine


def damaged(path: Path) -> JournalError:
    """The journal at ``path`` holds what it cannot (its structure, or text and times inside it)."""
    return JournalError(f"The journal at {path} is damaged: run 'rituals journal check', then "
                        "'rituals journal restore' to bring back the newest backup.")


def translate(path: Path, exc: sqlite3.Error) -> JournalError:
    """A SQLite error on the journal at ``path`` as the one line a user sees."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return JournalError(f"The journal at {path} is in use by another program: close the other "
                            "'rituals' and try again.")
    if "not a database" in text or "malformed" in text or "corrupt" in text or "Could not decode" in text:
        return damaged(path)
    if "readonly" in text:
        return JournalError(f"The journal at {path} is read-only: fix its permissions or choose "
                            "another --data-dir.")
    return JournalError(f"The journal at {path} failed ({text}).")


def _set_aside(path: Path, problem: str) -> JournalError:
    """Move the damaged journal at ``path`` aside and say so, in one line, with what to do next."""
    try:
        kept = move_aside(path, "damaged", datetime.now(timezone.utc))
    except OSError:
        return JournalError(f"The journal at {path} is damaged ({problem}) and could not be moved aside: "
                            f"make {path.parent} writable, then run 'rituals journal restore'.")
    return JournalError(f"The journal at {path} was damaged ({problem}), so it was moved aside to {kept.name} "
                        "(nothing was deleted): run 'rituals journal restore' to bring back the newest backup.")


def _require_sound(db: sqlite3.Connection, path: Path) -> None:
    """The start-up check (``PRAGMA quick_check`` and the schema); closes ``db`` when it fails."""
    try:
        health = examine(db, quick=True)
    except sqlite3.Error as exc:
        db.close()
        raise translate(path, exc) from exc
    if not health.ok:
        db.close()
        raise _set_aside(path, health.problem or "damaged")


def connect_for_writing(path: Path) -> sqlite3.Connection:
    """Open (creating it, owner-only) a checked connection in WAL mode with full syncs."""
    require_writable(path.parent)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size == 0 and Backups(path).all():
            # SQLite reads an empty file as a new journal; with backups beside it, it was one.
            raise _set_aside(path, "the file is empty, though there are backups of it")
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        db = sqlite3.connect(path, timeout=3.0, isolation_level=None, check_same_thread=False)
    except OSError as exc:
        raise JournalError(f"Cannot create the journal at {path} ({exc.strerror}): "
                           "choose a writable --data-dir.") from exc
    except sqlite3.Error as exc:
        raise JournalError(f"Cannot open the journal at {path} ({exc}): check the file's permissions.") from exc
    _require_sound(db, path)
    try:
        db.execute("PRAGMA foreign_keys = ON")
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode != "wal":
            raise JournalError(f"The journal at {path} cannot use WAL mode ({mode}): put the data "
                               "directory on a local disk.")
        db.execute("PRAGMA synchronous = FULL")
        db.execute("PRAGMA secure_delete = ON")  # forgotten sessions are overwritten, not just unlinked
    except sqlite3.Error as exc:
        db.close()
        raise translate(path, exc) from exc
    except JournalError:
        db.close()
        raise
    return db


def connect_for_reading(path: Path) -> sqlite3.Connection:
    """A checked read-only connection, for a data directory nobody may write (see ``connect_readonly``)."""
    try:
        db = connect_readonly(path)
    except sqlite3.Error as exc:
        raise JournalError(f"Cannot open the journal at {path} ({exc}): check the file's permissions.") from exc
    _require_sound(db, path)
    return db

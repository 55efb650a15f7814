"""Is a journal file sound? SQLite's own check, then the project's expectations of what it holds.

The expected schema is not written down a second time: it is built from the same migrations in an
in-memory database and compared table by table, column by column. The full check also reads every
event as ``voice.core.journal_events`` does, so a row that history or show would call damaged is named here.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from voice.errors import EventError
from voice.journal.files import connect_readonly
from voice.journal.schema import MIGRATIONS, STATUSES, from_stored, migration_statements, parse_iso

# SQLite's primary result codes for "this file is damaged" (SQLITE_CORRUPT, SQLITE_NOTADB). Anything
# else (busy, locked, cannot open, read-only) says nothing about the file's contents.
_DAMAGE_CODES = frozenset({11, 26})


def is_damage(exc: sqlite3.Error) -> bool:
    """Whether a SQLite error means the file itself is damaged (not busy, locked or unreadable)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in _DAMAGE_CODES


@dataclass(frozen=True)
class Health:
    """The verdict on one journal file."""

    problem: str | None
    """What is wrong, in a few words; ``None`` when the file is sound."""
    sessions: int = 0
    schema: int = 0

    @property
    def ok(self) -> bool:
        return self.problem is None


def _shape(db: sqlite3.Connection) -> list[tuple[object, ...]]:
    """Every table and index, with every column's name, type, nullability, default and key."""
    objects = db.execute("SELECT type, name, tbl_name FROM sqlite_master "
                         "WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").fetchall()
    shape: list[tuple[object, ...]] = list(objects)
    for kind, name, _table in objects:
        if kind == "table":
            shape.extend((name, *column[1:]) for column in db.execute(f'PRAGMA table_info("{name}")'))
    return shape


def _expected_shape(version: int) -> list[tuple[object, ...]]:
    fresh = sqlite3.connect(":memory:")
    try:
        for number in range(version):
            for statement in migration_statements(number):
                fresh.execute(statement)
        return _shape(fresh)
    finally:
        fresh.close()


def _event_problem(db: sqlite3.Connection) -> str | None:
    """The first event row that is not an event this program can read (a newer one's are not ours to judge)."""
    columns = {column[1] for column in db.execute("PRAGMA table_info(events)")}
    version = "version" if "version" in columns else "1"  # journals from before events had versions
    for event_id, kind, data, written_in in db.execute(f"SELECT id, kind, data, {version} FROM events ORDER BY id"):
        try:
            from_stored(kind, data, written_in)
        except EventError as exc:
            if not exc.newer:
                return f"event {event_id} cannot be read: {exc.reason}"
        except (ValueError, TypeError):
            return f"event {event_id} cannot be read: its details are not JSON"
    return None


def _content_problem(db: sqlite3.Connection, quick: bool) -> str | None:
    if db.execute("PRAGMA foreign_key_check").fetchone() is not None:
        return "some events belong to no session"
    marks = ", ".join("?" * (len(STATUSES) + 1))
    if db.execute(f"SELECT 1 FROM sessions WHERE status NOT IN ({marks}) LIMIT 1", (*STATUSES, "open")).fetchone():
        return "a session has an unknown status"
    for session_id, *times in db.execute("SELECT id, started_at, ended_at FROM sessions"):
        for text in filter(None, times):
            try:
                aware = parse_iso(text).tzinfo is not None
            except (TypeError, ValueError):
                aware = False
            if not aware:
                return f"session {session_id} has a time that is not a UTC time ({text!r})"
    return None if quick else _event_problem(db)  # every start-up need not read every event


def examine(db: sqlite3.Connection, quick: bool = False) -> Health:
    """Check an open connection; ``quick`` uses ``PRAGMA quick_check`` (for every start-up).

    Busy or locked files raise their ``sqlite3.Error``: they are in use, not damaged.
    """
    try:
        found = [row[0] for row in db.execute("PRAGMA quick_check" if quick else "PRAGMA integrity_check")]
        if found != ["ok"]:
            return Health(f"SQLite reports: {found[0]}")
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        if version > len(MIGRATIONS):
            return Health(None, schema=version)  # a newer program's schema: not ours to judge
        if _shape(db) != _expected_shape(version):
            return Health(f"its tables are not those of schema {version}", schema=version)
        if version == 0:
            return Health(None)  # a new, still empty journal
        problem = _content_problem(db, quick)
        sessions = int(db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0])
        return Health(problem, sessions, version)
    except sqlite3.Error as exc:
        if is_damage(exc):
            return Health(f"SQLite reports: {exc}")
        raise
    except UnicodeDecodeError:  # the check's own report quotes bytes that are no longer text
        return Health("SQLite's check reports damage it cannot put into words")


def examine_file(path: Path, immutable: bool | None = None) -> Health:
    """The full check of the journal or backup at ``path``, opened read-only."""
    try:
        db = connect_readonly(path, immutable)
    except sqlite3.Error as exc:
        if is_damage(exc):
            return Health(f"SQLite reports: {exc}")
        raise
    try:
        return examine(db)
    finally:
        db.close()

"""The session journal: SQLite (standard library) in the data directory.

WAL mode, one transaction per write and ``synchronous=FULL``, so a killed process loses nothing it
had written. The schema is versioned with ``PRAGMA user_version`` and migrated forward in order.
Times are stored as ISO 8601 UTC text with milliseconds; events also keep their offset in seconds
from the session's start on the driver's clock (exact for timers). After each session, and before
migrations and imports, a rotating backup is made (``voice.journal.backup``).

Beside this module: ``journal_schema`` (migrations, rows), ``journal_open`` (a sound connection or a
one-line reason), ``journal_health`` (the integrity check), ``journal_files`` (the files on disk).
"""

from __future__ import annotations

import os
import socket
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from voice.errors import EventError, JournalError
from voice.journal.backup import Backups
from voice.journal.files import is_writable
from voice.journal.opening import connect_for_reading, connect_for_writing, damaged, translate
from voice.core.journal_events import JournalEvent
from voice.journal.schema import (MIGRATIONS, STATUSES, E, EventRow, NewSession, SessionRow, from_stored,  # noqa: F401
                                  iso, migration_statements, parse_iso, stored)

_INSERT_EVENT = "INSERT INTO events (session_id, at, offset_s, kind, data, version) VALUES (?, ?, ?, ?, ?, ?)"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _died_here(pid: int | None, host: str | None) -> bool:
    """Whether the process that opened a session was on this machine and is gone (not this one)."""
    return pid is not None and pid != os.getpid() and host == socket.gethostname() and not _pid_alive(pid)


class Journal:
    """The couple's journal; open with ``Journal.open(path)`` (or ``open_for_reading``), close with ``close()``."""

    def __init__(self, connection: sqlite3.Connection, path: Path, backups: Backups | None = None) -> None:
        self._db = connection
        self.path = path
        self.backups = backups
        """Where copies go after each session and before migrations and imports; ``None``: nowhere."""

    @classmethod
    def open(cls, path: Path) -> Journal:
        """Open (creating it, owner-only), check and migrate, for a command that writes.

        A read-only data directory, a locked file or a damaged one raise a one-line ``JournalError``
        or ``DataDirError``; a damaged file is first moved aside, never deleted.
        """
        journal = cls(connect_for_writing(path), path, Backups(path))
        try:
            journal._migrate()
        except BaseException:
            journal.close()
            raise
        return journal

    @classmethod
    def open_for_reading(cls, path: Path) -> Journal:
        """Open for a command that only reads: it works in a read-only data directory too.

        Where the directory is writable this is ``open`` (the usual checks, migrations and tidy WAL
        files). Where it is not, SQLite opens the file read-only and nothing is created beside it. A
        journal that does not exist yet reads as an empty one, without creating it.
        """
        if not path.exists():
            empty = cls(sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False), path)
            empty._migrate()
            return empty
        if is_writable(path.parent):
            return cls.open(path)
        journal = cls(connect_for_reading(path), path)
        if journal.schema_version < len(MIGRATIONS):
            journal.close()
            raise JournalError(f"The journal at {path} needs upgrading, which the read-only data directory "
                               f"does not allow: make {path.parent} writable once.")
        return journal

    def close(self) -> None:
        self._db.close()

    def _translate(self, exc: sqlite3.Error) -> JournalError:
        return translate(self.path, exc)

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise self._translate(exc) from exc

    def _read(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        try:
            cursor = self._db.execute(sql, args)
            return cursor.fetchall()
        except sqlite3.Error as exc:
            raise self._translate(exc) from exc
        except UnicodeDecodeError as exc:  # garbled text passes SQLite's own checks
            raise self._damaged(exc) from exc

    def _damaged(self, exc: Exception) -> JournalError:
        return damaged(self.path)  # exc is chained by the caller (raise ... from exc)

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise JournalError(f"The journal at {self.path} was written by a newer spoken-rituals "
                               f"(schema {version}): upgrade this one.")
        if 0 < version < len(MIGRATIONS):
            self.backup("migration")  # the journal as it was, should the new schema ever disappoint
        for number in range(version, len(MIGRATIONS)):
            with self._write() as db:
                for statement in migration_statements(number):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {number + 1}")

    def backup(self, reason: str) -> None:
        """A rotating backup of what is committed now (when this journal has a place for them)."""
        if self.backups is not None:
            self.backups.make(self._db, reason)

    @property
    def schema_version(self) -> int:
        return int(self._read("PRAGMA user_version")[0][0])

    # ---- writing ---------------------------------------------------------------------------------

    def begin(self, ritual_id: str, first_partner: int, first_name: str, started_at: datetime) -> int:
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO sessions (ritual_id, started_at, status, first_partner, first_name, pid, host)"
                " VALUES (?, ?, 'open', ?, ?, ?, ?)",
                (ritual_id, iso(started_at), first_partner, first_name, os.getpid(), socket.gethostname()))
            return int(cursor.lastrowid or 0)

    def event(self, session_id: int, at: datetime, offset_s: float, event: JournalEvent) -> None:
        with self._write() as db:
            db.execute(_INSERT_EVENT, (session_id, iso(at), round(offset_s, 6), *stored(event)))

    def end(self, session_id: int, status: str, ended_at: datetime) -> None:
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        with self._write() as db:
            db.execute("UPDATE sessions SET status = ?, ended_at = ? WHERE id = ? AND status = 'open'",
                       (status, iso(ended_at), session_id))
        self.backup("session")

    def recover_interrupted(self) -> list[int]:
        """Mark sessions left open by a crashed process as ``interrupted``; returns their ids.

        A session still open in a live process on this host (a running ``rituals listen`` seen by
        ``rituals history``) is left alone.
        """
        host = socket.gethostname()
        stale = [row[0] for row in self._read("SELECT id, pid, host FROM sessions WHERE status = 'open'")
                 if row[2] != host or row[1] is None or row[1] == os.getpid() or not _pid_alive(row[1])]
        # (broader than _died_here: at the start of a writing command no session of ours is open yet,
        # and one from another host cannot be asked whether it still runs)
        for session_id in stale:
            last = self._read("SELECT MAX(at) FROM events WHERE session_id = ?", (session_id,))[0][0]
            with self._write() as db:
                db.execute("UPDATE sessions SET status = 'interrupted', ended_at = COALESCE(?, started_at) "
                           "WHERE id = ? AND status = 'open'", (last, session_id))
        return stale

    # ---- reading ---------------------------------------------------------------------------------

    def sessions(self, ritual_id: str | None = None, since: datetime | None = None,
                 session_id: int | None = None) -> list[SessionRow]:
        sql = "SELECT id, ritual_id, started_at, ended_at, status, first_partner, first_name, pid, host FROM sessions"
        where, args = [], []
        if session_id is not None:
            where.append("id = ?")
            args.append(session_id)
        if ritual_id:
            where.append("ritual_id = ?")
            args.append(ritual_id)
        if since:
            where.append("started_at >= ?")
            args.append(iso(since))
        if where:
            sql += " WHERE " + " AND ".join(where)
        rows = self._read(sql + " ORDER BY started_at, id", tuple(args))
        try:
            # A session left open by a process that died (kill -9, power cut) is shown as what it is,
            # interrupted, even by commands that only read; the next writing command records it so.
            return [SessionRow(r[1], parse_iso(r[2]), parse_iso(r[3]) if r[3] else None,
                               "interrupted" if r[4] == "open" and _died_here(r[7], r[8]) else r[4], r[5], r[6],
                               id=r[0]) for r in rows]
        except (ValueError, TypeError) as exc:  # a time that is not one: damage SQLite cannot see
            raise self._damaged(exc) from exc

    def session(self, session_id: int) -> SessionRow | None:
        found = self.sessions(session_id=session_id)
        return found[0] if found else None

    def events(self, session_id: int | None = None, kind: type[E] = JournalEvent,
               ritual_id: str | None = None) -> list[EventRow[E]]:
        """The events (of one session, of one kind, of one ritual's sessions), in the order they happened.

        A row that is not an event of a kind this program knows is damage (``EventError`` says why);
        one written by a newer spoken-rituals says to upgrade.
        """
        sql = ("SELECT e.id, e.session_id, e.at, e.offset_s, e.kind, e.data, e.version FROM events e "
               "JOIN sessions s ON s.id = e.session_id")
        where, args = [], []
        for column, value in (("e.session_id", session_id), ("e.kind", kind.KIND or None), ("s.ritual_id", ritual_id)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        if where:
            sql += " WHERE " + " AND ".join(where)
        rows = self._read(sql + " ORDER BY e.id", tuple(args))
        try:
            return [EventRow(parse_iso(r[2]), r[3], from_stored(r[4], r[5], r[6]), id=r[0], session_id=r[1])
                    for r in rows]
        except EventError as exc:
            if exc.newer:
                raise
            raise self._damaged(exc) from exc
        except (ValueError, TypeError) as exc:  # garbled event data or time
            raise self._damaged(exc) from exc

    # ---- days apart, forgetting, importing ---------------------------------------------------------

    def away_days(self) -> list[str]:
        """ISO dates (YYYY-MM-DD) marked as apart."""
        return [r[0] for r in self._read("SELECT day FROM away_days ORDER BY day")]

    def mark_away(self, days: list[str], noted_at: datetime) -> None:
        with self._write() as db:
            db.executemany("INSERT OR IGNORE INTO away_days (day, noted_at) VALUES (?, ?)",
                           [(day, iso(noted_at)) for day in days])

    def forget(self, session_ids: list[int]) -> int:
        """Delete these sessions and their events, then compact so nothing of them stays on disk.

        The backups all hold them too, so they are replaced by one backup of the journal without them.
        """
        with self._write() as db:
            db.executemany("DELETE FROM events WHERE session_id = ?", [(i,) for i in session_ids])
            count = sum(db.execute("DELETE FROM sessions WHERE id = ?", (i,)).rowcount for i in session_ids)
        try:
            self._db.execute("VACUUM")
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as exc:
            raise self._translate(exc) from exc
        if self.backups is not None:
            self.backups.start_over(self._db)
        return count

    def import_sessions(self, sessions: list[NewSession], away: list[str], noted_at: datetime) -> tuple[int, int]:
        """Add checked sessions (with their events) not already here, all or nothing, after a backup.

        A session is already here when one of the same ritual started at the same moment exists
        (compared as moments, so a time written another way is still the same session).
        Returns (added, skipped).
        """
        existing = {(r[0], parse_iso(r[1])) for r in self._read("SELECT ritual_id, started_at FROM sessions")}
        fresh = [s for s in sessions if (s.ritual_id, s.started_at) not in existing]
        self.backup("import")
        with self._write() as db:
            for s in fresh:
                cursor = db.execute(
                    "INSERT INTO sessions (ritual_id, started_at, ended_at, status, first_partner, first_name) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (s.ritual_id, iso(s.started_at), iso(s.ended_at) if s.ended_at else None, s.status,
                     s.first_partner, s.first_name))
                db.executemany(_INSERT_EVENT, [(cursor.lastrowid, iso(e.at), e.offset_s, *stored(e.event))
                                               for e in s.events])
            db.executemany("INSERT OR IGNORE INTO away_days (day, noted_at) VALUES (?, ?)",
                           [(day, iso(noted_at)) for day in away])
        return len(fresh), len(sessions) - len(fresh)

    def last_first_partner(self, ritual_id: str) -> int | None:
        rows = self._read("SELECT first_partner FROM sessions WHERE ritual_id = ? "
                          "ORDER BY started_at DESC, id DESC LIMIT 1", (ritual_id,))
        return int(rows[0][0]) if rows else None

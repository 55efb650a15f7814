"""What the journal holds: the schema's migrations, its one time format and its rows.

Kept apart from ``voice.journal.store`` (the connection and its writes), so that whatever checks a journal
or the records for one reads the same definitions the journal is built from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Generic, TypeVar

from voice.core.journal_events import EVENT_VERSION, JournalEvent, decode, encode

MIGRATIONS: tuple[str, ...] = (
    # 1: sessions and their events
    """
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        ritual_id TEXT NOT NULL,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        status TEXT NOT NULL CHECK (status IN ('open', 'completed', 'stopped', 'interrupted')),
        first_partner INTEGER NOT NULL CHECK (first_partner IN (0, 1)),
        first_name TEXT NOT NULL DEFAULT '',
        pid INTEGER,
        host TEXT
    );
    CREATE INDEX sessions_ritual ON sessions (ritual_id, started_at);
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        offset_s REAL NOT NULL,
        kind TEXT NOT NULL,
        data TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX events_session ON events (session_id, id);
    """,
    # 2: days the couple was apart (they never break a streak)
    """
    CREATE TABLE away_days (
        day TEXT PRIMARY KEY,
        noted_at TEXT NOT NULL
    );
    """,
    # 3: the version each event was written in (voice.journal_events); every earlier row is version 1
    """
    ALTER TABLE events ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
    """,
    # 4: invitations (a ritual at a local time, daily or on a weekday) and the offers made for them.
    # A removed invitation is kept (removed_at) so the answers it had stay in the stats.
    """
    CREATE TABLE invitations (
        id INTEGER PRIMARY KEY,
        ritual_id TEXT NOT NULL,
        at TEXT NOT NULL,
        weekday INTEGER CHECK (weekday BETWEEN 0 AND 6),
        created_at TEXT NOT NULL,
        removed_at TEXT
    );
    CREATE TABLE offers (
        id INTEGER PRIMARY KEY,
        invitation_id INTEGER NOT NULL REFERENCES invitations (id),
        ritual_id TEXT NOT NULL,
        day TEXT NOT NULL,
        offered_at TEXT NOT NULL,
        again INTEGER NOT NULL DEFAULT 0,
        answer TEXT CHECK (answer IN ('accepted', 'declined', 'later', 'no_answer')),
        answered_at TEXT
    );
    CREATE INDEX offers_day ON offers (day, invitation_id);
    """,
)

STATUSES = ("completed", "stopped", "interrupted")


def iso(moment: datetime) -> str:
    """UTC ISO 8601 with milliseconds, the journal's one time format."""
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


@dataclass(frozen=True)
class Session:
    """What a session is, whether journaled (``SessionRow``) or about to be (``NewSession``)."""

    ritual_id: str
    started_at: datetime
    ended_at: datetime | None
    status: str
    """``open`` while running, then ``completed``, ``stopped`` or ``interrupted``."""
    first_partner: int
    first_name: str

    @property
    def duration(self) -> float | None:
        """Seconds from start to end, when it ended."""
        return (self.ended_at - self.started_at).total_seconds() if self.ended_at else None


@dataclass(frozen=True)
class SessionRow(Session):
    """One ritual session as journaled."""

    id: int

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "ritual": self.ritual_id, "started_at": iso(self.started_at),
                "ended_at": iso(self.ended_at) if self.ended_at else None, "status": self.status,
                "first_partner": self.first_partner, "first_name": self.first_name,
                "duration_s": None if self.duration is None else round(self.duration, 3)}


E = TypeVar("E", bound=JournalEvent)


@dataclass(frozen=True)
class Event(Generic[E]):
    """What an event is: its moment, its offset from the session's start, and what happened."""

    at: datetime
    offset_s: float
    event: E
    """One of the kinds of ``voice.core.journal_events``."""


@dataclass(frozen=True)
class EventRow(Event[E]):
    """One timestamped event of a session, as journaled."""

    id: int
    session_id: int


def stored(event: JournalEvent) -> tuple[str, str, int]:
    """The ``kind``, ``data`` and ``version`` columns that hold ``event``."""
    kind, data = encode(event)
    return kind, json.dumps(data, sort_keys=True), EVENT_VERSION


def from_stored(kind: str, data: str, version: int) -> JournalEvent:
    """The event those columns hold; raises ``ValueError`` for data that is not JSON and
    ``voice.errors.EventError`` for JSON that is not one of the kinds."""
    return decode(kind, json.loads(data), version)


def migration_statements(number: int) -> list[str]:
    """The SQL statements of migration ``number`` (0-based), in order."""
    return [statement for statement in MIGRATIONS[number].split(";") if statement.strip()]


@dataclass(frozen=True)
class NewSession(Session):
    """A finished session to add (from an import), checked: it ends after it starts, in the past.
    Its events' times are checked and time-zone aware too."""

    events: list[Event] = field(default_factory=list)

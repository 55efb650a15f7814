"""Checking every record of an export before any of it is imported.

A record is refused when it could never have been journaled: it ends before it starts, it is in the
future, its ritual is unknown, its time has no time zone (the journal keeps moments, and a bare
local time is not one), or it is the same session as an earlier record of the file. Every bad record
is reported, each with where it is (a CSV line or a JSON index); one bad record imports nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from voice.errors import EventError
from voice.core.journal_events import decode
from voice.journal.schema import STATUSES, Event, NewSession

EXPORTED_EVENT_VERSION = 1
"""The ``voice.core.journal_events`` version of the events in an export of format version 1. Exports are
encoded at ``EVENT_VERSION``: whoever raises that raises the export's version too."""

CLOCK_SKEW = timedelta(minutes=5)
"""How far past "now" a time may be: the two devices' clocks are rarely exactly the same."""


@dataclass(frozen=True)
class Problem:
    where: str
    """``line 7`` (CSV) or ``session 3, event 2`` (JSON)."""
    what: str


@dataclass
class Record:
    """One session, event or day apart as read from the file, with where it was."""

    where: str
    data: Any
    events: list[Record] = field(default_factory=list)


@dataclass
class Checked:
    sessions: list[NewSession] = field(default_factory=list)
    away_days: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class _Bad(ValueError):
    """One record's reason for refusal."""


def _moment(record: dict[str, Any], key: str, now: datetime) -> datetime:
    text = record[key]
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise _Bad(f"{key} {text!r} is not a time") from None
    if moment.tzinfo is None:
        raise _Bad(f"{key} {text!r} has no time zone: add one, e.g. {text}+00:00 for UTC")
    if moment > now + CLOCK_SKEW:
        raise _Bad(f"{key} {text!r} is in the future")
    return moment


def _event(record: Record, now: datetime) -> Event:
    e = record.data
    if not isinstance(e, dict) or not {"at", "offset_s", "kind", "data"} <= set(e):
        raise _Bad("incomplete")
    if isinstance(e["offset_s"], bool) or not isinstance(e["offset_s"], (int, float)) \
            or not isinstance(e["data"], dict) or not isinstance(e["kind"], str):
        raise _Bad("wrong types")
    try:
        event = decode(e["kind"], e["data"], EXPORTED_EVENT_VERSION)
    except EventError as exc:
        raise _Bad(exc.reason) from None
    return Event(_moment(e, "at", now), float(e["offset_s"]), event)


def _session(record: Record, rituals: Collection[str], now: datetime) -> NewSession:
    s = record.data
    if not isinstance(s, dict):
        raise _Bad("not a record")
    for key in ("ritual", "started_at", "status", "first_partner", "first_name", "events"):
        if key not in s:
            raise _Bad(f"missing '{key}'")
    if s["ritual"] not in rituals:
        raise _Bad(f"unknown ritual {s['ritual']!r} ('rituals list' shows the known ones)")
    if s["status"] not in (*STATUSES, "open"):
        raise _Bad(f"unknown status {s['status']!r}")
    if s["first_partner"] not in (0, 1) or isinstance(s["first_partner"], bool):
        raise _Bad("first_partner must be 0 or 1")
    if not isinstance(s["first_name"], str):
        raise _Bad("first_name must be text")
    started = _moment(s, "started_at", now)
    ended = _moment(s, "ended_at", now) if s.get("ended_at") else None
    if ended is not None and ended < started:
        raise _Bad(f"it ends ({s['ended_at']}) before it starts ({s['started_at']})")
    status = "interrupted" if s["status"] == "open" else s["status"]  # open when exported: it never finished
    return NewSession(s["ritual"], started, ended, status, s["first_partner"], s["first_name"])


def check(sessions: list[Record], away_days: list[Record], rituals: Collection[str], now: datetime) -> Checked:
    """Every record checked; the sessions and days as they will be written, and every problem."""
    out = Checked()
    seen: dict[tuple[str, datetime], str] = {}
    for record in sessions:
        try:
            session: NewSession | None = _session(record, rituals, now)
        except _Bad as bad:
            out.problems.append(Problem(record.where, str(bad)))
            session = None
        events = []
        for event in record.events:  # checked even under a bad session: every bad record is named
            try:
                events.append(_event(event, now))
            except _Bad as bad:
                out.problems.append(Problem(event.where, str(bad)))
        if session is None:
            continue
        key = (session.ritual_id, session.started_at)
        if key in seen:
            out.problems.append(Problem(record.where, f"the same session as {seen[key]} (same ritual, same start)"))
            continue
        seen[key] = record.where
        session.events.extend(events)
        out.sessions.append(session)
    for record in away_days:
        try:
            datetime.strptime(record.data, "%Y-%m-%d")
            out.away_days.append(record.data)
        except (TypeError, ValueError):
            out.problems.append(Problem(record.where, f"{record.data!r} is not a date"))
    return out

"""Export and import of the whole journal (JSON or CSV), so a couple can move devices.

Both formats hold every session, every event and the days apart, and both import back. An import
is checked completely before anything is written (``validate``: every bad record is reported), and
then written in one transaction, after a backup: a damaged file changes nothing.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from voice.errors import RitualsError
from voice.journal.store import EventRow, Journal, iso
from voice.core.journal_events import encode
from voice.review.validate import Problem, Record, check

FORMAT = "spoken-rituals-journal"
VERSION = 1
CSV_FIELDS = ["record", "session", "ritual", "started_at", "ended_at", "status", "first_partner", "first_name",
              "at", "offset_s", "kind", "data", "day"]


def event_json(e: EventRow) -> dict[str, Any]:
    """One event as exports and ``rituals show --json`` give it."""
    kind, data = encode(e.event)
    return {"at": iso(e.at), "offset_s": e.offset_s, "kind": kind, "data": data}


def collect(journal: Journal) -> dict[str, Any]:
    events: dict[int, list[dict[str, Any]]] = {}
    for e in journal.events():
        events.setdefault(e.session_id, []).append(event_json(e))
    sessions = []
    for s in journal.sessions():
        row = s.to_json()
        row.pop("duration_s")
        row["events"] = events.get(s.id, [])
        sessions.append(row)
    return {"format": FORMAT, "version": VERSION, "sessions": sessions, "away_days": journal.away_days()}


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


def to_csv(data: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_FIELDS)
    writer.writeheader()
    writer.writerow({"record": "format", "kind": FORMAT, "data": VERSION})
    for s in data["sessions"]:
        writer.writerow({"record": "session", "session": s["id"], "ritual": s["ritual"], "started_at": s["started_at"],
                         "ended_at": s["ended_at"] or "", "status": s["status"],
                         "first_partner": s["first_partner"], "first_name": s["first_name"]})
        for e in s["events"]:
            writer.writerow({"record": "event", "session": s["id"], "at": e["at"], "offset_s": e["offset_s"],
                             "kind": e["kind"], "data": json.dumps(e["data"], sort_keys=True)})
    for day in data["away_days"]:
        writer.writerow({"record": "away", "day": day})
    return out.getvalue()


def write_private(path: Path, text: str) -> None:
    """Write ``text`` readable by the owner only (mode 0600), replacing any file atomically."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(tmp, 0o600)
    tmp.replace(path)


class ImportError_(RitualsError):
    """The export file is damaged or holds impossible records; nothing was imported."""


_UNCHANGED = "nothing was imported (the journal is unchanged)"


def _bad(path: Path, where: str, what: str) -> ImportError_:
    return ImportError_(f"{path}: {where}: {what}; {_UNCHANGED}.")


def _rejected(path: Path, problems: list[Problem]) -> ImportError_:
    """Every bad record on a line of its own; one alone keeps the single line of ``_bad``."""
    if len(problems) == 1:
        return _bad(path, problems[0].where, problems[0].what)
    lines = [f"{path}: {p.where}: {p.what}" for p in problems]
    return ImportError_("\n".join([*lines, f"{path}: {len(problems)} bad records; {_UNCHANGED}: fix them and "
                                    "import again."]))


@dataclass
class Export:
    """An export as read, every record still to be checked (``validate.check``)."""

    sessions: list[Record] = field(default_factory=list)
    away_days: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    """Records that could not even be read (CSV lines)."""


def read(path: Path) -> Export:
    """Read an export (JSON or CSV, detected by content); a file that is not one raises at once."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportError_(f"Cannot read {path} ({exc.__class__.__name__}): check the file.") from exc
    if not text.lstrip().startswith("{"):
        return _from_csv(path, text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _bad(path, f"line {exc.lineno}", "not valid JSON") from exc
    _check_header(path, data)
    sessions = data.get("sessions")
    if not isinstance(sessions, list):
        raise _bad(path, "sessions", "missing")
    away = data.get("away_days", [])
    if not isinstance(away, list):
        raise _bad(path, "away_days", "not a list")
    out = Export(away_days=[Record(f"away_days item {n}", day) for n, day in enumerate(away, 1)])
    for n, s in enumerate(sessions, 1):
        record = Record(f"session {n}", s)
        events = s.get("events") if isinstance(s, dict) else None
        if isinstance(s, dict) and "events" in s and not isinstance(events, list):
            out.problems.append(Problem(record.where, "'events' is not a list"))
            continue
        record.events = [Record(f"session {n}, event {m}", e) for m, e in enumerate(events or [], 1)]
        out.sessions.append(record)
    return out


def _check_header(path: Path, data: Any) -> None:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _bad(path, "start", "not a spoken-rituals export")
    if data.get("version") != VERSION:
        raise _bad(path, "version", f"version {data.get('version')} is not supported")


def _from_csv(path: Path, text: str) -> Export:
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames != CSV_FIELDS:
        raise _bad(path, "line 1", "not a spoken-rituals CSV header")
    header: dict[str, Any] = {}
    out = Export()
    by_id: dict[str, Record] = {}
    for row in reader:
        where = f"line {reader.line_num}"
        try:
            if row["record"] == "format":
                header["format"], header["version"] = row["kind"], int(row["data"])
            elif row["record"] == "session":
                record = Record(where, {"ritual": row["ritual"], "started_at": row["started_at"],
                                        "ended_at": row["ended_at"] or None, "status": row["status"],
                                        "first_partner": int(row["first_partner"]),
                                        "first_name": row["first_name"], "events": []})
                by_id[row["session"]] = record
                out.sessions.append(record)
            elif row["record"] == "event":
                if row["session"] not in by_id:
                    raise ValueError(f"an event of session {row['session']!r}, which has no session line above it")
                by_id[row["session"]].events.append(Record(where, {
                    "at": row["at"], "offset_s": float(row["offset_s"]), "kind": row["kind"],
                    "data": json.loads(row["data"])}))
            elif row["record"] == "away":
                out.away_days.append(Record(where, row["day"]))
            else:
                raise ValueError(f"unknown record {row['record']!r}")
        except (ValueError, TypeError) as exc:  # json.JSONDecodeError is a ValueError
            out.problems.append(Problem(where, str(exc) or "damaged"))
    _check_header(path, header)
    return out


def import_file(journal: Journal, path: Path, rituals: Collection[str]) -> tuple[int, int]:
    """Import ``path`` into ``journal`` if every record is sound (``rituals``: the known ritual ids)."""
    export = read(path)
    now = datetime.now(timezone.utc)
    checked = check(export.sessions, export.away_days, rituals, now)
    problems = sorted(export.problems + checked.problems, key=_order)
    if problems:
        raise _rejected(path, problems)
    return journal.import_sessions(checked.sessions, checked.away_days, now)


def _order(problem: Problem) -> int:
    """CSV problems in line order (read and checked ones interleave); JSON ones keep their order."""
    return int(problem.where.split()[1]) if problem.where.startswith("line ") else 0

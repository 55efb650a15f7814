"""Export and import of the whole journal (JSON or CSV), so a couple can move devices.

Both formats hold every session, every event and the days apart, and both import back. An import
is checked completely before anything is written, and then written in one transaction: a damaged
file changes nothing.
"""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from voice.errors import RitualsError
from voice.journal import STATUSES, EventRow, Journal, iso

FORMAT = "spoken-rituals-journal"
VERSION = 1
CSV_FIELDS = ["record", "session", "ritual", "started_at", "ended_at", "status", "first_partner", "first_name",
              "at", "offset_s", "kind", "data", "day"]


def event_json(e: EventRow) -> dict[str, Any]:
    """One event as exports and ``rituals show --json`` give it."""
    return {"at": iso(e.at), "offset_s": e.offset_s, "kind": e.kind, "data": e.data}


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
    """The export file is damaged; nothing was imported."""


def _bad(path: Path, where: str, what: str) -> ImportError_:
    return ImportError_(f"{path}: {where}: {what}; nothing was imported (the journal is unchanged).")


def parse(path: Path) -> dict[str, Any]:
    """Read an export (JSON or CSV, detected by content), fully validated."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportError_(f"Cannot read {path} ({exc.__class__.__name__}): check the file.") from exc
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _bad(path, f"line {exc.lineno}", "not valid JSON") from exc
    else:
        data = _from_csv(path, text)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _bad(path, "start", "not a spoken-rituals export")
    if data.get("version") != VERSION:
        raise _bad(path, "version", f"version {data.get('version')} is not supported")
    sessions = data.get("sessions")
    if not isinstance(sessions, list):
        raise _bad(path, "sessions", "missing")
    for n, s in enumerate(sessions, 1):
        _check_session(path, n, s)
    away = data.get("away_days", [])
    for day in away:
        try:
            datetime.strptime(day, "%Y-%m-%d")
        except (TypeError, ValueError) as exc:
            raise _bad(path, "away_days", f"{day!r} is not a date") from exc
    return {"sessions": sessions, "away_days": away}


def _check_session(path: Path, n: int, s: Any) -> None:
    where = f"session {n}"
    if not isinstance(s, dict):
        raise _bad(path, where, "not a record")
    for key in ("ritual", "started_at", "status", "first_partner", "first_name", "events"):
        if key not in s:
            raise _bad(path, where, f"missing '{key}'")
    if s["status"] not in (*STATUSES, "open"):
        raise _bad(path, where, f"unknown status {s['status']!r}")
    if s["status"] == "open":
        s["status"] = "interrupted"  # a session open when exported never finished
    for key in ("started_at", "ended_at"):
        if s.get(key):
            try:
                datetime.fromisoformat(s[key])
            except (TypeError, ValueError) as exc:
                raise _bad(path, where, f"{key} {s[key]!r} is not a time") from exc
    if s["first_partner"] not in (0, 1):
        raise _bad(path, where, "first_partner must be 0 or 1")
    for m, e in enumerate(s["events"], 1):
        if not isinstance(e, dict) or not {"at", "offset_s", "kind", "data"} <= set(e):
            raise _bad(path, f"{where}, event {m}", "incomplete")
        if not isinstance(e["offset_s"], (int, float)) or not isinstance(e["data"], dict):
            raise _bad(path, f"{where}, event {m}", "wrong types")


def _from_csv(path: Path, text: str) -> dict[str, Any]:
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames != CSV_FIELDS:
        raise _bad(path, "line 1", "not a spoken-rituals CSV header")
    data: dict[str, Any] = {"sessions": [], "away_days": []}
    by_id: dict[str, dict[str, Any]] = {}
    for row in reader:
        line = reader.line_num
        try:
            if row["record"] == "format":
                data["format"], data["version"] = row["kind"], int(row["data"])
            elif row["record"] == "session":
                s = {"ritual": row["ritual"], "started_at": row["started_at"], "ended_at": row["ended_at"] or None,
                     "status": row["status"], "first_partner": int(row["first_partner"]),
                     "first_name": row["first_name"], "events": []}
                by_id[row["session"]] = s
                data["sessions"].append(s)
            elif row["record"] == "event":
                by_id[row["session"]]["events"].append({"at": row["at"], "offset_s": float(row["offset_s"]),
                                                        "kind": row["kind"], "data": json.loads(row["data"])})
            elif row["record"] == "away":
                data["away_days"].append(row["day"])
            else:
                raise ValueError(f"unknown record {row['record']!r}")
        except (KeyError, ValueError, TypeError, json.JSONDecodeError) as exc:
            raise _bad(path, f"line {line}", str(exc) or "damaged") from exc
    return data


def import_file(journal: Journal, path: Path) -> tuple[int, int]:
    data = parse(path)
    return journal.import_sessions(data["sessions"], data["away_days"], datetime.now(timezone.utc))

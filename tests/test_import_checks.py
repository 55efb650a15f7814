"""Import refuses impossible records: each bad one is reported on its own line with where it is (a
CSV line, a JSON index) and why, and one bad record imports nothing at all."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from voice.journal.store import Journal
from voice.core.journal_events import TurnEnd

T0 = datetime(2026, 11, 20, 21, 0, tzinfo=timezone.utc)


def rituals(data: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "voice", "--data-dir", str(data), *args],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture()
def export(tmp_path: Path) -> dict:
    """The JSON export of three finished sessions (with events) and a day apart."""
    source = tmp_path / "source"
    journal = Journal.open(source / "journal.sqlite3")
    for day, ritual in enumerate(("bedtime_check_in", "six_second_kiss", "bedtime_check_in")):
        start = T0 + timedelta(days=day)
        sid = journal.begin(ritual, day % 2, "Alex", start)
        journal.event(sid, start + timedelta(seconds=30), 30.0, TurnEnd("first", 0, 30.0, "done"))
        journal.end(sid, "completed", start + timedelta(minutes=5))
    journal.mark_away(["2026-11-25"], T0)
    journal.close()
    out = tmp_path / "export.json"
    assert rituals(source, "export", "--out", str(out)).returncode == 0
    return json.loads(out.read_text())


def _import(tmp_path: Path, data: dict, fmt: str = "json") -> tuple[subprocess.CompletedProcess, Path]:
    from voice.review.exchange import to_csv, to_json
    path = tmp_path / f"changed.{fmt}"
    path.write_text(to_json(data) if fmt == "json" else to_csv(data))
    target = tmp_path / "target"
    return rituals(target, "import", str(path)), target


def _earlier(text: str) -> str:
    return (datetime.fromisoformat(text) - timedelta(hours=1)).isoformat(timespec="milliseconds")


def _future() -> str:
    return (datetime.now(timezone.utc) + timedelta(days=2)).isoformat(timespec="milliseconds")


SESSION_2 = ("session 2", "line 5")                # CSV: header, format, session 1 and its event, session 2
EVENT_2 = ("session 2, event 1", "line 6")
BAD = {   # kind: (how session 2 is changed, the reason given, where it is in JSON and in CSV)
    "ends before it starts": (lambda s: s.update(ended_at=_earlier(s["started_at"])), "before it starts", SESSION_2),
    "starts in the future": (lambda s: s.update(started_at=_future(), ended_at=None), "is in the future", SESSION_2),
    "ends in the future": (lambda s: s.update(ended_at=_future()), "is in the future", SESSION_2),
    "unknown ritual": (lambda s: s.update(ritual="six_second_hug"), "unknown ritual 'six_second_hug'", SESSION_2),
    "no time zone": (lambda s: s.update(started_at="2026-11-21T21:00:00"), "has no time zone", SESSION_2),
    "event without a time zone": (lambda s: s["events"][0].update(at="2026-11-21T21:00:30"), "has no time zone",
                                  EVENT_2),
    "event of no known kind": (lambda s: s["events"][0].update(kind="hug"), "no event is of kind 'hug'", EVENT_2),
    "event details not its kind's": (lambda s: s["events"][0]["data"].update(seconds="long"), "'seconds' is 'long'",
                                     EVENT_2),
}


@pytest.mark.parametrize("fmt", ["json", "csv"])
@pytest.mark.parametrize("kind", list(BAD))
def test_an_impossible_record_is_named_and_nothing_is_imported(export, tmp_path, kind, fmt):
    change, reason, (in_json, in_csv) = BAD[kind]
    change(export["sessions"][1])
    result, target = _import(tmp_path, export, fmt)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert reason in result.stderr and "nothing was imported" in result.stderr
    assert f": {in_json if fmt == 'json' else in_csv}: " in result.stderr
    history = rituals(target, "history", "--json")
    assert history.returncode == 0 and json.loads(history.stdout) == []


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_the_same_session_twice_in_the_file_is_refused(export, tmp_path, fmt):
    twin = json.loads(json.dumps(export["sessions"][0]))
    twin["id"] = 99
    twin["started_at"] = twin["started_at"].replace("+00:00", "Z")    # the same moment, written another way
    export["sessions"].append(twin)
    result, target = _import(tmp_path, export, fmt)
    assert result.returncode == 2 and "the same session as " + ("session 1" if fmt == "json" else "line 3") \
        in result.stderr, result.stderr
    assert json.loads(rituals(target, "history", "--json").stdout) == []


def test_every_bad_record_is_reported_on_its_own_line_with_its_csv_line(export, tmp_path):
    BAD["ends before it starts"][0](export["sessions"][0])
    BAD["unknown ritual"][0](export["sessions"][2])
    BAD["event without a time zone"][0](export["sessions"][2])
    result, target = _import(tmp_path, export, "csv")
    rows = list(csv.reader(io.StringIO((tmp_path / "changed.csv").read_text())))
    lines = [n for n, row in enumerate(rows, 1) if row[0] in ("session", "event")]
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"rituals: {tmp_path / 'changed.csv'}: line {lines[0]}: it ends (2026-11-20T20:00:00.000+00:00) before it "
        "starts (2026-11-20T21:00:00.000+00:00)",
        f"rituals: {tmp_path / 'changed.csv'}: line {lines[4]}: unknown ritual 'six_second_hug' ('rituals list' "
        "shows the known ones)",
        f"rituals: {tmp_path / 'changed.csv'}: line {lines[5]}: at '2026-11-21T21:00:30' has no time zone: add one, "
        "e.g. 2026-11-21T21:00:30+00:00 for UTC",
        f"rituals: {tmp_path / 'changed.csv'}: 3 bad records; nothing was imported (the journal is unchanged): "
        "fix them and import again."]
    assert json.loads(rituals(target, "history", "--json").stdout) == []


def test_sessions_already_here_are_not_added_again_however_their_times_are_written(export, tmp_path):
    result, target = _import(tmp_path, export)
    assert result.stdout.startswith("Imported 3 session(s)"), result.stderr
    for s in export["sessions"]:     # the same moments, as another device (an hour east) would write them
        start = datetime.fromisoformat(s["started_at"]).astimezone(timezone(timedelta(hours=1)))
        s["started_at"] = start.isoformat()
    again, _ = _import(tmp_path, export)
    assert again.stdout.startswith("Imported 0 session(s); 3 were already here"), again.stderr
    assert len(json.loads(rituals(target, "history", "--json").stdout)) == 3


def test_an_import_is_backed_up_first(export, tmp_path):
    first, target = _import(tmp_path, export)
    assert first.returncode == 0, first.stderr
    export["sessions"][0]["started_at"] = "2026-11-10T21:00:00.000+00:00"
    export["sessions"][0]["ended_at"] = "2026-11-10T21:05:00.000+00:00"
    assert _import(tmp_path, export)[0].stdout.startswith("Imported 1 session(s)")
    [*_, before_second] = sorted((target / "backups").glob("*-import.sqlite3"))
    assert Journal.open(before_second).sessions().__len__() == 3      # the journal as it was before it

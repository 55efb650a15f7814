"""Journal events: one typed kind each, written and read through encode/decode, old rows still read."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from voice.core import journal_events as je
from voice.errors import EventError, JournalError
from voice.journal.store import MIGRATIONS, Journal
from voice.review.account import LINES
from voice.review.exchange import collect

T0 = datetime(2026, 11, 20, 21, 0, tzinfo=timezone.utc)

OLD_ROWS = [   # (kind, data) exactly as the code before typed events wrote them, old shapes included
    ("session_start", {"ritual": "bedtime_check_in", "first": 1}),
    ("step", {"index": 0, "type": "turn"}),
    ("question", {"deck": "day", "question": "What made you smile today?"}),
    ("turn_start", {"who": "first", "partner": 1}),
    ("heard", {"intent": None, "context": "turn", "score": None}),                  # spoken text not kept
    ("heard", {"intent": "pause", "context": "turn", "score": 0.9, "text": "pause"}),
    ("pause", {"remaining": 47.5}),
    ("resume", {"remaining": 47.5}),
    ("pause", {"remaining": None}),
    ("reprompt", {"reason": "silence"}),
    ("turn_end", {"who": "first", "partner": 1, "seconds": 55.5, "ended_by": "time"}),  # before 'spoke'
    ("turn_end", {"who": "second", "partner": 0, "seconds": 4.0, "ended_by": "skip", "spoke": False}),
    ("timer_start", {"seconds": 6}),                                                # a whole number, from YAML
    ("timer_end", {"seconds": 30.0}),                                               # before 'ended_by'
    ("timer_end", {"seconds": 2.5, "ended_by": "stop"}),
    ("skip", {"index": 3}),
    ("ask_start", {"index": 4}),
    ("answer", {"yes": False}),
    ("session_end", {"status": "stopped"}),
]

EXPECTED = [
    je.SessionStart("bedtime_check_in", 1), je.StepStart(0, "turn"),
    je.Question("day", "What made you smile today?"), je.TurnStart("first", 1),
    je.SpeechHeard(None, "turn", None), je.SpeechHeard("pause", "turn", 0.9, text="pause"),
    je.Pause(47.5), je.Resume(47.5), je.Pause(None), je.Reprompt("silence"),
    je.TurnEnd("first", 1, 55.5, "time"), je.TurnEnd("second", 0, 4.0, "skip", spoke=False),
    je.TimerStart(6), je.TimerEnd(30.0), je.TimerEnd(2.5, ended_by="stop"), je.Skip(3), je.AskStart(4),
    je.Answer(False), je.SessionEnd("stopped"),
]


def _old_journal(path: Path, rows: list[tuple[str, str]]) -> None:
    """A journal as the code before typed events left it (schema 2), its rows written by raw SQL."""
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0] + ";" + MIGRATIONS[1] + "; PRAGMA user_version = 2;")
    db.execute("INSERT INTO sessions (ritual_id, started_at, ended_at, status, first_partner, first_name) "
               "VALUES ('bedtime_check_in', ?, ?, 'stopped', 1, 'Sam')",
               (T0.isoformat(timespec="milliseconds"), (T0 + timedelta(minutes=3)).isoformat(timespec="milliseconds")))
    db.executemany("INSERT INTO events (session_id, at, offset_s, kind, data) VALUES (1, ?, ?, ?, ?)",
                   [((T0 + timedelta(seconds=i)).isoformat(timespec="milliseconds"), float(i), kind, data)
                    for i, (kind, data) in enumerate(rows)])
    db.commit()
    db.close()


def test_the_samples_cover_every_kind_and_each_kind_has_a_line_in_show():
    assert {type(e) for e in EXPECTED} == set(je.KINDS.values()) == set(LINES)


def test_rows_written_by_the_old_code_read_back_typed_and_export_unchanged(tmp_path):
    path = tmp_path / "journal.sqlite3"
    _old_journal(path, [(kind, json.dumps(data, sort_keys=True)) for kind, data in OLD_ROWS])
    journal = Journal.open(path)                       # migrated: every old row is event version 1
    try:
        assert [row.event for row in journal.events()] == EXPECTED
        assert [(e["kind"], e["data"]) for e in collect(journal)["sessions"][0]["events"]] == OLD_ROWS
        assert [row.event for row in journal.events(kind=je.TurnEnd)] == EXPECTED[10:12]
    finally:
        journal.close()


def test_an_export_written_by_the_old_code_imports_and_reads_back_typed(tmp_path):
    start = T0.isoformat(timespec="milliseconds")
    export = {"format": "spoken-rituals-journal", "version": 1, "away_days": [], "sessions": [
        {"id": 7, "ritual": "bedtime_check_in", "started_at": start, "status": "stopped", "first_partner": 1,
         "ended_at": (T0 + timedelta(minutes=3)).isoformat(timespec="milliseconds"), "first_name": "Sam",
         "events": [{"at": start, "offset_s": float(i), "kind": kind, "data": data}
                    for i, (kind, data) in enumerate(OLD_ROWS)]}]}
    (tmp_path / "old-export.json").write_text(json.dumps(export, indent=2))
    result = rituals(tmp_path / "data", "import", str(tmp_path / "old-export.json"))
    assert result.returncode == 0, result.stderr
    journal = Journal.open(tmp_path / "data" / "journal.sqlite3")
    try:
        assert [row.event for row in journal.events()] == EXPECTED
    finally:
        journal.close()
    shown = json.loads(rituals(tmp_path / "data", "show", "1", "--json").stdout)
    assert [(e["kind"], e["data"]) for e in shown["events"]] == OLD_ROWS


def test_encode_then_decode_gives_the_same_event_and_the_same_json():
    for event, (kind, data) in zip(EXPECTED, OLD_ROWS):
        assert je.encode(event) == (kind, data)
        assert je.decode(*je.encode(event)) == event


def test_an_event_of_the_wrong_types_is_never_written():
    with pytest.raises(TypeError, match="TimerStart.seconds is '6'"):
        je.encode(je.TimerStart("6"))  # type: ignore[arg-type]


@pytest.mark.parametrize("kind, data, version, reason", [
    ("hug", {}, 1, "no event is of kind 'hug'"),
    ("turn_end", {"who": "first", "seconds": 3.0, "ended_by": "done"}, 1, "it lacks 'partner'"),
    ("turn_end", {"who": "first", "partner": 0, "seconds": "long", "ended_by": "done"}, 1, "'seconds' is 'long'"),
    ("timer_start", {"seconds": True}, 1, "'seconds' is True"),
    ("answer", {"yes": 1}, 1, "'yes' is 1"),
    ("skip", {"index": 2, "why": "bored"}, 1, "'why' is not a detail of a skip event"),
    ("skip", ["index", 2], 1, "not a JSON object"),
    ("skip", {"index": 2}, 0, "0 is not an event version"),
])
def test_a_row_that_is_no_known_event_is_a_one_line_journal_error(kind, data, version, reason):
    with pytest.raises(EventError) as caught:
        je.decode(kind, data, version)
    assert isinstance(caught.value, JournalError) and reason in caught.value.reason and not caught.value.newer
    assert "\n" not in str(caught.value) and "rituals journal restore" in str(caught.value)


def test_an_event_from_a_newer_version_says_to_upgrade():
    with pytest.raises(EventError, match="newer spoken-rituals.*upgrade") as caught:
        je.decode("skip", {"index": 2}, je.EVENT_VERSION + 1)
    assert caught.value.newer


def rituals(data: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "voice", "--data-dir", str(data), *args],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("kind, data, read_by_report", [
    ("turn_end", '{"ended_by": "done", "partner": 0, "seconds": "long", "who": "first"}', True),
    ("hug", "{}", False),                               # the report reads turns only
])
def test_a_damaged_event_row_is_one_line_where_read_and_journal_check_names_it(tmp_path, kind, data, read_by_report):
    _old_journal(tmp_path / "journal.sqlite3", [("turn_end", json.dumps(dict(OLD_ROWS[10][1]))), (kind, data)])
    report = ("report", "--out", str(tmp_path / "report.html"))
    for command, reads_it in ((("show", "1"), True), (("export", "--out", str(tmp_path / "x.json")), True),
                              (("history",), False), (report, read_by_report)):
        result = rituals(tmp_path, *command)
        if reads_it:
            assert result.returncode == 2 and result.stderr.count("\n") == 1, (command, result.stderr)
            assert "damaged" in result.stderr and "rituals journal check" in result.stderr
        else:
            assert result.returncode == 0 and result.stderr == "", (command, result.stderr)
    check = rituals(tmp_path, "journal", "check")
    assert check.returncode == 1 and "event 2 cannot be read" in check.stdout, check.stdout
    assert check.stdout.count("\n") == 1
    rows = sqlite3.connect(tmp_path / "journal.sqlite3").execute("SELECT kind, data FROM events").fetchall()
    assert rows[1] == (kind, data)                     # nothing was changed or dropped

"""The journal: WAL, migrations, durability across a kill, crash recovery, damaged files."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from voice.errors import JournalError
from voice.journal.store import MIGRATIONS, Journal
from voice.core.journal_events import SpeechHeard, TimerStart, TurnStart

from conftest import ScriptedCouple

T0 = datetime(2026, 11, 20, 21, 0, tzinfo=timezone.utc)


def _rituals(*args: str, data_dir: Path, stdin=None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "voice", "--data-dir", str(data_dir), *args],
                          input=stdin, capture_output=True, text=True, timeout=60, **kw)


def test_journal_is_wal_versioned_and_owner_only(journal):
    assert journal.schema_version == len(MIGRATIONS)
    mode = journal._db.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    assert oct(journal.path.stat().st_mode & 0o777) == "0o600"


def test_session_and_events_round_trip(journal):
    sid = journal.begin("six_second_kiss", 1, "Sam", T0)
    journal.event(sid, T0, 0.0, TimerStart(6))
    journal.end(sid, "completed", T0.replace(second=8))
    [session] = journal.sessions()
    assert (session.ritual_id, session.status, session.first_partner, session.duration) == (
        "six_second_kiss", "completed", 1, 8.0)
    assert [e.event for e in journal.events(sid)] == [TimerStart(6)]


def test_spoken_content_is_stored_only_when_the_config_says_so(make_world):
    from voice.core.devices import Utterance
    script = [(0.0, Utterance("let's check in"))]
    world = make_world(script, respond=ScriptedCouple(), store_content=False)
    world.runner.run()
    heard = [e.event for e in world.journal.events(kind=SpeechHeard)]
    assert heard and all(h.text is None for h in heard)
    stored = world.journal._db.execute("SELECT data FROM events WHERE kind = 'heard'").fetchall()
    assert stored and all('"text"' not in row[0] for row in stored)
    world = make_world(script, respond=ScriptedCouple(), store_content=True)
    world.runner.run()
    texts = [e.event.text for e in world.journal.events(kind=SpeechHeard)]
    assert "it was a good day really" in texts


def test_a_killed_process_leaves_an_interrupted_session_and_earlier_sessions_intact(tmp_path):
    done = _rituals("run", "six_second_kiss", "--text", data_dir=tmp_path, stdin="")
    assert done.returncode == 0, done.stderr
    # A long ritual with stdin held open (the room is quiet, nothing ends it), then SIGKILL.
    proc = subprocess.Popen([sys.executable, "-m", "voice", "--data-dir", str(tmp_path), "run", "morning_coffee",
                             "--text"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = tmp_path / "journal.sqlite3"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        rows = sqlite3.connect(db).execute(
            "SELECT COUNT(*) FROM events e JOIN sessions s ON s.id = e.session_id "
            "WHERE s.ritual_id = 'morning_coffee' AND e.kind = 'timer_start'").fetchone()
        if rows[0]:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    journal = Journal.open(db)
    # Shown as what it is at once (its process is gone); recorded so by the next writing command.
    assert [s.status for s in journal.sessions()] == ["completed", "interrupted"]
    assert journal.recover_interrupted() == [2]
    kiss, coffee = journal.sessions()
    assert (kiss.ritual_id, kiss.status) == ("six_second_kiss", "completed")
    assert coffee.status == "interrupted" and coffee.ended_at is not None
    assert journal.events(coffee.id, kind=TimerStart)  # what was written before the kill survived
    assert len(journal.events(kiss.id)) > 5
    journal.close()


def test_an_open_session_of_a_live_process_is_not_marked_interrupted(journal):
    journal.begin("six_second_kiss", 0, "Alex", T0)       # open, owned by this (live) process
    journal._db.execute("UPDATE sessions SET pid = ?", (os.getppid(),))
    assert journal.recover_interrupted() == []


def test_interrupted_driver_closes_its_session(make_world):
    from voice.core.devices import Utterance

    class DeviceUnplugged(RuntimeError):
        pass

    def unplug(action, now):
        from voice.core.events import Log
        if isinstance(action, Log) and isinstance(action.event, TurnStart):
            raise DeviceUnplugged("microphone gone")
        return []

    world = make_world([(0.0, Utterance("let's check in"))], respond=unplug)
    with pytest.raises(DeviceUnplugged):
        world.runner.run()
    assert world.journal.sessions()[-1].status == "interrupted"


def test_a_damaged_journal_gives_one_line_and_is_kept_untouched_aside(tmp_path):
    db = tmp_path / "journal.sqlite3"
    db.write_bytes(b"this is not a database, it is a shopping list\n" * 100)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    result = _rituals("history", data_dir=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "damaged" in result.stderr and "Traceback" not in result.stderr
    [aside] = tmp_path.glob("journal-damaged-*.sqlite3")
    assert hashlib.sha256(aside.read_bytes()).hexdigest() == before


def test_a_locked_journal_gives_one_line(tmp_path):
    Journal.open(tmp_path / "journal.sqlite3").close()
    holder = sqlite3.connect(tmp_path / "journal.sqlite3", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = _rituals("run", "six_second_kiss", "--text", data_dir=tmp_path, stdin="")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 2
    assert "in use by another program" in result.stderr and result.stderr.count("\n") == 1


def test_a_newer_schema_is_refused_not_downgraded(tmp_path):
    db = tmp_path / "journal.sqlite3"
    Journal.open(db).close()
    sqlite3.connect(db).execute("PRAGMA user_version = 99")
    with pytest.raises(JournalError, match="newer spoken-rituals"):
        Journal.open(db)


def test_a_session_whose_process_died_reads_as_interrupted_even_to_commands_that_only_read(tmp_path):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()                                    # a pid that was real and is no more
    journal = Journal.open(tmp_path / "journal.sqlite3")
    sid = journal.begin("six_second_kiss", 0, "Sam", datetime(2026, 11, 30, 21, 0, tzinfo=timezone.utc))
    with journal._write() as db:                   # as if that process had begun it, then been killed
        db.execute("UPDATE sessions SET pid = ? WHERE id = ?", (gone.pid, sid))
    journal.close()
    history = _rituals("history", "--json", data_dir=tmp_path)
    assert history.returncode == 0 and '"status": "interrupted"' in history.stdout


def test_garbled_text_in_the_journal_is_one_line_pointing_to_restore(tmp_path):
    journal = Journal.open(tmp_path / "journal.sqlite3")
    sid = journal.begin("six_second_kiss", 0, "Sam", datetime(2026, 11, 30, 21, 0, tzinfo=timezone.utc))
    with journal._write() as db:                   # bytes that are not UTF-8 where text belongs
        db.execute("UPDATE sessions SET first_name = CAST(X'fffe41' AS TEXT) WHERE id = ?", (sid,))
    journal.close()
    history = _rituals("history", data_dir=tmp_path)
    assert history.returncode == 2 and history.stderr.count("\n") == 1
    assert "damaged" in history.stderr and "rituals journal restore" in history.stderr

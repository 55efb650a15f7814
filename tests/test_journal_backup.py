"""A damaged journal has a way back: rotating backups, 'rituals journal check' and 'restore', and a
start-up that moves a damaged file aside instead of crashing. Real files, damaged byte by byte."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from voice.journal.store import MIGRATIONS, Journal
from voice.core.journal_events import TimerStart

T0 = datetime(2026, 11, 20, 21, 0, tzinfo=timezone.utc)


def rituals(data: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "voice", "--data-dir", str(data), *args], input=stdin,
                          capture_output=True, text=True, timeout=120)


def add_sessions(journal: Journal, count: int, first_day: int = 0) -> None:
    for day in range(first_day, first_day + count):
        start = T0 + timedelta(days=day)
        sid = journal.begin("six_second_kiss", day % 2, "Alex", start)
        journal.event(sid, start, 0.0, TimerStart(6))
        journal.end(sid, "completed", start + timedelta(seconds=8))


def sessions_in(path: Path) -> int:
    db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        return db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
    finally:
        db.close()


def backups(data: Path) -> list[Path]:
    folder = data / "backups"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def garble(path: Path) -> None:
    """Overwrite the header of every b-tree page after the first (what a bad disk sector does)."""
    raw = bytearray(path.read_bytes())
    for page in range(1, len(raw) // 4096):
        raw[page * 4096:page * 4096 + 16] = b"\xa5" * 16
    path.write_bytes(bytes(raw))


def truncate(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


@pytest.fixture()
def kept(tmp_path: Path) -> Path:
    """A data directory whose journal holds 3 sessions (and so has 3 backups), closed cleanly."""
    data = tmp_path / "data"
    journal = Journal.open(data / "journal.sqlite3")
    add_sessions(journal, 3)
    journal.close()
    return data


def test_a_backup_follows_every_session_and_only_the_newest_five_are_kept(tmp_path):
    journal = Journal.open(tmp_path / "journal.sqlite3")
    add_sessions(journal, 7)
    journal.close()
    found = backups(tmp_path)
    assert len(found) == 5 and all(p.name.endswith("-session.sqlite3") for p in found)
    assert [sessions_in(p) for p in found] == [3, 4, 5, 6, 7]      # the two oldest were dropped
    assert all(oct(p.stat().st_mode & 0o777) == "0o600" for p in found)


def test_a_backup_is_made_before_a_migration(tmp_path):
    db_path = tmp_path / "journal.sqlite3"
    old = sqlite3.connect(db_path)
    old.executescript(MIGRATIONS[0] + "; PRAGMA user_version = 1;")
    old.execute("INSERT INTO sessions (ritual_id, started_at, status, first_partner) "
                "VALUES ('six_second_kiss', '2026-11-20T21:00:00.000+00:00', 'completed', 0)")
    old.commit()
    old.close()
    Journal.open(db_path).close()
    [backup] = backups(tmp_path)
    assert backup.name.endswith("-migration.sqlite3")
    copy = sqlite3.connect(backup)
    assert copy.execute("PRAGMA user_version").fetchone()[0] == 1 and sessions_in(backup) == 1
    copy.close()


def test_check_says_sound_in_one_line(kept):
    result = rituals(kept, "journal", "check")
    assert result.returncode == 0 and result.stdout.count("\n") == 1
    assert "is sound: 3 session(s)" in result.stdout and "3 backup(s)" in result.stdout


@pytest.mark.parametrize("damage", [garble, truncate])
def test_check_finds_damage_without_touching_the_file(kept, damage):
    path = kept / "journal.sqlite3"
    damage(path)
    before = path.read_bytes()
    result = rituals(kept, "journal", "check")
    assert result.returncode == 1 and result.stdout.count("\n") == 1 and "damaged" in result.stdout
    assert "rituals journal restore" in result.stdout and "Traceback" not in result.stderr
    assert path.read_bytes() == before


def test_check_holds_the_journal_to_the_projects_own_schema(kept):
    db = sqlite3.connect(kept / "journal.sqlite3")
    db.execute("DROP TABLE away_days")     # SQLite itself finds nothing wrong with this file
    db.close()
    result = rituals(kept, "journal", "check")
    assert result.returncode == 1 and f"not those of schema {len(MIGRATIONS)}" in result.stdout


@pytest.mark.parametrize("damage", [garble, truncate])
@pytest.mark.parametrize("command", [("history",), ("run", "kiss", "--text")])
def test_a_damaged_journal_is_moved_aside_at_start_and_restore_brings_its_sessions_back(kept, damage, command):
    before = rituals(kept, "history", "--json").stdout
    path = kept / "journal.sqlite3"
    damage(path)
    damaged = path.read_bytes()
    result = rituals(kept, *command)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "moved aside" in result.stderr and "rituals journal restore" in result.stderr
    [aside] = kept.glob("journal-damaged-*.sqlite3")
    assert aside.read_bytes() == damaged and not path.exists()     # kept byte for byte, never deleted
    restored = rituals(kept, "journal", "restore")
    assert restored.returncode == 0 and "(3 session(s))" in restored.stdout, restored.stderr
    assert rituals(kept, "history", "--json").stdout == before
    assert aside.read_bytes() == damaged


def test_an_emptied_journal_with_backups_is_moved_aside_not_taken_for_a_new_one(kept):
    os.truncate(kept / "journal.sqlite3", 0)
    result = rituals(kept, "history")
    assert result.returncode == 2 and "moved aside" in result.stderr
    assert "(3 session(s))" in rituals(kept, "journal", "restore").stdout
    assert len(json.loads(rituals(kept, "history", "--json").stdout)) == 3


def test_restore_keeps_the_journal_it_replaces_and_takes_a_named_backup(kept):
    oldest = backups(kept)[0]                       # one session
    result = rituals(kept, "journal", "restore", oldest.name)
    assert result.returncode == 0 and f"Restored {oldest.name} (1 session(s))" in result.stdout
    [replaced] = kept.glob("journal-replaced-*.sqlite3")
    assert replaced.name in result.stdout and sessions_in(replaced) == 3
    assert len(json.loads(rituals(kept, "history", "--json").stdout)) == 1


def test_restore_passes_over_a_damaged_backup(kept):
    *_, second, newest = backups(kept)
    garble(newest)
    result = rituals(kept, "journal", "restore")
    assert result.returncode == 0 and f"Restored {second.name} (2 session(s))" in result.stdout


def test_restore_with_no_backup_changes_nothing(tmp_path):
    Journal.open(tmp_path / "journal.sqlite3").close()
    before = (tmp_path / "journal.sqlite3").read_bytes()
    result = rituals(tmp_path, "journal", "restore")
    assert result.returncode == 2 and "No sound backup" in result.stderr and result.stderr.count("\n") == 1
    assert (tmp_path / "journal.sqlite3").read_bytes() == before and not list(tmp_path.glob("journal-*"))


def test_restore_refuses_while_another_program_has_the_journal_open(kept):
    holder = sqlite3.connect(kept / "journal.sqlite3")
    holder.execute("SELECT COUNT(*) FROM sessions").fetchone()
    try:
        result = rituals(kept, "journal", "restore")
    finally:
        holder.close()
    assert result.returncode == 2 and "in use by another program" in result.stderr
    assert not list(kept.glob("journal-replaced-*"))


def test_forgetting_a_session_forgets_it_in_the_backups_too(kept):
    journal = Journal.open(kept / "journal.sqlite3")
    secret = journal.begin("bedtime_check_in", 0, "Zephyrine", T0 + timedelta(days=9))
    journal.end(secret, "completed", T0 + timedelta(days=9, minutes=5))
    journal.close()
    assert any(b"Zephyrine" in p.read_bytes() for p in backups(kept))
    assert rituals(kept, "forget", "--session", str(secret), "--yes").returncode == 0
    [backup] = backups(kept)
    assert backup.name.endswith("-forget.sqlite3") and sessions_in(backup) == 3
    assert b"Zephyrine" not in backup.read_bytes()

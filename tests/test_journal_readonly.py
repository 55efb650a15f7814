"""A read-only data directory: looking back still works and creates nothing there; anything that
would write says, in one line, that the directory is read-only and where it is.

The directory is made read-only with a real ``chmod``. Root ignores permissions, so when the tests
run as root the commands run without the capabilities that let root do so (``setpriv``), and each
test first proves that such a process really cannot create a file there.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from voice.journal.store import Journal
from voice.core.journal_events import TurnEnd

T0 = datetime(2026, 11, 20, 21, 0, tzinfo=timezone.utc)
ROOT_POWERS = "-dac_override,-dac_read_search,-fowner"


def _as_user() -> list[str]:
    """The prefix that makes a command obey file permissions as an ordinary user's would be obeyed."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: root ignores a read-only directory")
    return ["setpriv", f"--bounding-set={ROOT_POWERS}", "--"]


def rituals(data: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([*_as_user(), sys.executable, "-m", "voice", "--data-dir", str(data), *args],
                          input=stdin, capture_output=True, text=True, timeout=120)


def listing(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() if p.is_file() else b"" for p in sorted(folder.rglob("*"))}


@pytest.fixture()
def read_only(tmp_path: Path) -> Iterator[Path]:
    """A data directory with a journal of two sessions, then ``chmod a-w`` on all of it."""
    data = tmp_path / "data"
    journal = Journal.open(data / "journal.sqlite3")
    for day in range(2):
        start = T0 + timedelta(days=day)
        sid = journal.begin("bedtime_check_in", day, "Alex", start)
        journal.event(sid, start + timedelta(seconds=40), 40.0, TurnEnd("first", 0, 40.0, "done"))
        journal.end(sid, "completed", start + timedelta(minutes=6))
    journal.close()
    paths = [data, *data.rglob("*")]
    for path in paths:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    probe = subprocess.run([*_as_user(), sys.executable, "-c", f"open({str(data / 'probe')!r}, 'w')"],
                           capture_output=True, text=True)
    assert probe.returncode != 0 and "Permission denied" in probe.stderr   # the directory really is read-only
    yield data
    for path in paths:
        path.chmod(path.stat().st_mode | stat.S_IWUSR)


def test_reading_commands_work_in_a_read_only_data_dir_and_create_nothing(read_only, tmp_path):
    before = listing(read_only)
    history = rituals(read_only, "history", "--json")
    assert history.returncode == 0, history.stderr
    assert [s["status"] for s in json.loads(history.stdout)] == ["completed", "completed"]
    assert "Alex talked for 40.0 s" in rituals(read_only, "show", "1").stdout
    stats = rituals(read_only, "stats", "--json")
    assert stats.returncode == 0 and json.loads(stats.stdout), stats.stderr
    export = rituals(read_only, "export", "--format", "csv", "--out", str(tmp_path / "out.csv"))
    assert export.returncode == 0 and (tmp_path / "out.csv").read_text().count("\nsession,") == 2, export.stderr
    report = rituals(read_only, "report", "--out", str(tmp_path / "report.html"))
    assert report.returncode == 0 and "bedtime check-in" in (tmp_path / "report.html").read_text(), report.stderr
    check = rituals(read_only, "journal", "check")
    assert check.returncode == 0 and "sound: 2 session(s)" in check.stdout, check.stderr
    assert listing(read_only) == before


@pytest.mark.parametrize("command", [
    ("run", "kiss", "--text"), ("chat",), ("away", "--from", "2026-11-01"), ("import", "export.json"),
    ("forget", "--all", "--yes"), ("journal", "restore"), ("listen", "--input", "in.wav", "--output", "out.wav"),
])
def test_writing_commands_say_in_one_line_that_the_data_dir_is_read_only(read_only, command):
    before = listing(read_only)
    result = rituals(read_only, *command)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert f"The data directory {read_only} is read-only" in result.stderr and "Traceback" not in result.stderr
    assert listing(read_only) == before

"""``rituals listen --input IN --output OUT --start-at "YYYY-MM-DD HH:MM:SS"``: the session's wall
clock starts there and advances with the recording's sample clock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from speech import say, silence, write


def rituals(data: Path, *args: str, tz: str = "Europe/Berlin") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "voice", "--data-dir", str(data), *args],
                          capture_output=True, text=True, timeout=300, env={**os.environ, "TZ": tz})


def test_a_render_started_before_midnight_journals_its_session_on_the_next_day_at_the_sample_time(tmp_path):
    inp = write(tmp_path / "in.wav", np.concatenate([silence(3.0), say("let's do the six second kiss"), silence(1)]))
    data = tmp_path / "data"
    result = rituals(data, "listen", "--input", str(inp), "--output", str(tmp_path / "out.wav"),
                     "--engine", "pocketsphinx", "--start-at", "2026-12-01 23:59:58")
    assert result.returncode == 0, result.stderr
    [session] = json.loads(rituals(data, "history", "--json").stdout)
    started = datetime.fromisoformat(session["started_at"]).astimezone(ZoneInfo("Europe/Berlin"))
    origin = datetime(2026, 12, 1, 23, 59, 58, tzinfo=ZoneInfo("Europe/Berlin"))
    # the request ends about 5 s into the recording: the session starts then, on the sample clock
    assert timedelta(seconds=4) < started - origin < timedelta(seconds=7)
    assert started.date().isoformat() == "2026-12-02"
    assert session["duration_s"] > 6.0   # the six seconds of the kiss passed on the same clock
    import sqlite3
    db = sqlite3.connect(data / "journal.sqlite3")
    for at, offset in db.execute("SELECT at, offset_s FROM events"):
        assert abs((datetime.fromisoformat(at) - datetime.fromisoformat(session["started_at"])).total_seconds()
                   - offset) < 0.002


def test_a_start_at_that_is_not_a_time_is_one_line_and_nothing_is_journaled(tmp_path):
    inp = write(tmp_path / "in.wav", silence(1.0))
    result = rituals(tmp_path / "data", "listen", "--input", str(inp), "--output", str(tmp_path / "out.wav"),
                     "--start-at", "tonight at ten")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "--start-at 'tonight at ten' is not a time" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data" / "journal.sqlite3").exists()


def test_start_at_without_a_recording_is_one_line():
    result = rituals(Path("/nonexistent-data"), "listen", "--start-at", "2026-12-01 21:59:50")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "--start-at are for files" in result.stderr


def test_a_render_started_before_an_invitation_chimes_offers_and_a_spoken_yes_starts_the_ritual(tmp_path):
    from voice.audio.convert import read_wav
    from voice.audio.measure import sound_spans
    data = tmp_path / "data"
    assert rituals(data, "invitations", "add", "check in", "--at", "22:00").returncode == 0
    inp = write(tmp_path / "in.wav", np.concatenate([silence(11.0), say("yes"), silence(2.0)]))
    result = rituals(data, "listen", "--input", str(inp), "--output", str(tmp_path / "out.wav"),
                     "--engine", "pocketsphinx", "--start-at", "2026-12-01 21:59:55")
    assert result.returncode == 0, result.stderr
    assert "It's time for the bedtime check-in, if you'd like. Shall we?" in result.stdout
    first_sound = sound_spans(read_wav(tmp_path / "out.wav"), min_gap=0.3)[0][0]
    assert abs(first_sound - 5.0) < 0.05                 # the chime, at ten o'clock on the sample clock
    [session] = json.loads(rituals(data, "history", "--json").stdout)
    assert session["ritual"] == "bedtime_check_in"
    started = datetime.fromisoformat(session["started_at"]).astimezone(ZoneInfo("Europe/Berlin"))
    origin = datetime(2026, 12, 1, 21, 59, 55, tzinfo=ZoneInfo("Europe/Berlin"))
    assert timedelta(seconds=11) < started - origin < timedelta(seconds=14)   # when "yes" was heard
    import sqlite3
    assert sqlite3.connect(data / "journal.sqlite3").execute("SELECT answer FROM offers").fetchall() == [("accepted",)]

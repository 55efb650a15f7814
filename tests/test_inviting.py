"""Invitations in the running skill: the real App's runner over a virtual room on a virtual clock
whose wall time starts just before an invitation, the real journal underneath."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import datetime, time, timedelta, timezone
from pathlib import Path

import pytest

from voice.cli.app import App
from voice.core.events import Chime, Say
from voice.home.invitation_store import InvitationStore
from voice.core.devices import EndOfInput, Utterance
from voice.device.virtual import VirtualClock, VirtualRoom
from voice.home.wallclock import WallClock

START = datetime(2026, 12, 1, 21, 59, 50).astimezone()   # local time on this machine; a Tuesday


def make_app(tmp_path: Path, config: str = "") -> App:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "config.toml").write_text('partners = ["Alex", "Sam"]\n' + config)
    return App(tmp_path / "config.toml", tmp_path / "data")


def run(app: App, script: list[tuple[float, object]], until: float | None = None, start: datetime = START,
        invite: tuple[str, time, int | None] | None = ("bedtime_check_in", time(22, 0), None)) -> VirtualRoom:
    """Run the device from ``start`` with ``script`` (seconds from the start) until ``until`` s."""
    if invite is not None:
        InvitationStore(app.journal).add(*invite, datetime.now(timezone.utc))
    clock = VirtualClock(0.0)
    items = list(script) + ([(until, EndOfInput())] if until is not None else [])
    room = VirtualRoom(clock, items, end_input=until is None, limit=3 * 86400)
    app.runner(room, room, clock, wall=WallClock(0.0, start)).run()
    return room


def offers(app: App) -> list[tuple[str, str | None, int]]:
    with sqlite3.connect(app.journal_path) as db:
        return db.execute("SELECT day, answer, again FROM offers ORDER BY id").fetchall()


def offered_at(room: VirtualRoom) -> list[float]:
    """When the soft chime of an offer played."""
    return [p.at for p in room.log if isinstance(p.action, Chime) and p.action.name == "soft"]


def test_at_its_time_the_device_chimes_softly_says_one_line_and_yes_starts_the_ritual(tmp_path):
    app = make_app(tmp_path)
    room = run(app, [(14.0, Utterance("yes"))])
    assert offered_at(room) == [pytest.approx(10.0)]
    chime_at = room.log.index(next(p for p in room.log if isinstance(p.action, Chime)))
    assert room.log[chime_at + 1].action == Say("It's time for the bedtime check-in, if you'd like. Shall we?")
    [session] = app.journal.sessions()
    assert session.ritual_id == "bedtime_check_in"
    assert session.started_at == (START + timedelta(seconds=14)).astimezone(timezone.utc)
    assert offers(app) == [("2026-12-01", "accepted", 0)]


def test_later_offers_once_more_after_the_set_delay_and_silence_then_lets_it_go(tmp_path):
    app = make_app(tmp_path, "[invitations]\nlater_minutes = 5\n")
    room = run(app, [(14.0, Utterance("maybe later"))], until=3600.0)
    first, again = offered_at(room)
    assert first == pytest.approx(10.0) and again == pytest.approx(14.0 + 300.0)
    assert "Still up for the bedtime check-in?" in room.said()
    assert offers(app) == [("2026-12-01", "later", 0), ("2026-12-01", "no_answer", 1)]
    assert app.journal.sessions() == []


def test_a_second_later_is_a_no_for_tonight(tmp_path):
    app = make_app(tmp_path, "[invitations]\nlater_minutes = 5\n")
    room = run(app, [(14.0, Utterance("later")), (320.0, Utterance("later"))], until=3600.0)
    assert len(offered_at(room)) == 2 and room.said()[-1] == "Okay. Another time."
    assert offers(app) == [("2026-12-01", "later", 0), ("2026-12-01", "declined", 1)]


def test_not_tonight_lets_it_go_until_the_next_evening(tmp_path):
    app = make_app(tmp_path)
    room = run(app, [(13.0, Utterance("not tonight"))], until=86400.0 + 60.0)
    assert offered_at(room) == [pytest.approx(10.0), pytest.approx(86410.0)]
    assert "Okay. Another time." in room.said()
    assert offers(app) == [("2026-12-01", "declined", 0), ("2026-12-02", "no_answer", 0)]


def test_no_invitation_for_a_ritual_already_done_that_day_on_a_day_apart_or_while_a_ritual_runs(tmp_path):
    done = make_app(tmp_path / "done")
    kiss = run(done, [(1.0, Utterance("let's do the six second kiss"))], until=60.0,
               invite=("six_second_kiss", time(22, 0), None))
    assert len(done.journal.sessions()) == 1 and offered_at(kiss) == []

    apart = make_app(tmp_path / "apart")
    room = run(apart, [(1.0, Utterance("we're apart today"))], until=60.0)
    assert "Got it. Today won't count against your streaks." in room.said() and offered_at(room) == []

    busy = make_app(tmp_path / "busy")   # the kiss runs across ten o'clock: the offer waits for its end
    room = run(busy, [(8.0, Utterance("let's do the six second kiss"))], until=120.0)
    [session] = busy.journal.sessions()
    assert offered_at(room) and offered_at(room)[0] >= (session.ended_at - START).total_seconds()


def test_no_invitation_in_quiet_hours(tmp_path):
    app = make_app(tmp_path, '[invitations]\nquiet_hours = "21:30-06:00"\n')
    room = run(app, [], until=600.0)
    assert offered_at(room) == [] and offers(app) == []


def test_invitations_are_set_and_cleared_by_voice(tmp_path):
    app = make_app(tmp_path)
    room = run(app, [(1.0, Utterance("remind us of the check-in at ten every evening")),
                     (8.0, Utterance("every sunday evening, the weekly check in"))], invite=None)
    assert room.said()[:2] == ["Okay: every evening at 10, I'll offer the bedtime check-in.",
                               "Okay: every Sunday at 8, I'll offer the weekly check-in."]
    store = InvitationStore(app.journal)
    assert [(i.ritual_id, i.at, i.weekday) for i in store.active()] == [
        ("weekly_check_in", time(20, 0), 6), ("bedtime_check_in", time(22, 0), None)]
    room = run(app, [(1.0, Utterance("no more reminders"))], invite=None, start=START - timedelta(hours=1))
    assert room.said() == ["Okay, no more reminders."] and store.active() == []


def test_answers_show_in_stats_and_the_report_and_never_touch_a_streak(tmp_path):
    app = make_app(tmp_path)
    run(app, [(13.0, Utterance("not tonight"))], until=120.0)
    data = ["--config", str(tmp_path / "config.toml"), "--data-dir", str(tmp_path / "data")]
    app.close()
    stats = subprocess.run([sys.executable, "-m", "voice", *data, "stats"], capture_output=True, text=True)
    assert "Invitations, last 30 days: 0 accepted, 1 declined, 0 no answer." in stats.stdout
    as_json = subprocess.run([sys.executable, "-m", "voice", *data, "stats", "--json"], capture_output=True, text=True)
    assert all(s["streak"]["current"] == 0 and s["total"] == 0 for s in __import__("json").loads(as_json.stdout))
    report = tmp_path / "r.html"
    subprocess.run([sys.executable, "-m", "voice", *data, "report", "--out", str(report)], check=True,
                   capture_output=True)
    assert "<h2>Invitations</h2>" in report.read_text() and "1 declined" in report.read_text()


def test_an_offer_left_waiting_by_a_stopped_device_counts_as_no_answer_and_is_not_made_again(tmp_path):
    app = make_app(tmp_path)
    store = InvitationStore(app.journal)
    invitation = store.add("bedtime_check_in", time(22, 0), None, datetime.now(timezone.utc))
    store.offered(invitation, START.date(), False, START)          # the device stopped while asking
    room = run(app, [], until=120.0, invite=None)
    assert offers(app) == [("2026-12-01", "no_answer", 0)] and offered_at(room) == []


@pytest.mark.parametrize("setting, says", [('quiet_hours = "late"', 'quiet_hours must look like "23:00-07:00"'),
                                           ("later_minutes = 0", "later_minutes must be 1 to 240"),
                                           ("nag = true", "unknown setting 'invitations.nag'")])
def test_a_wrong_invitation_setting_is_one_line(tmp_path, setting, says):
    (tmp_path / "config.toml").write_text(f"[invitations]\n{setting}\n")
    result = subprocess.run([sys.executable, "-m", "voice", "--config", str(tmp_path / "config.toml"),
                             "--data-dir", str(tmp_path / "data"), "invitations", "list"], capture_output=True, text=True)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and says in result.stderr

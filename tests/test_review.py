"""Looking back: history filters, stats and fair streaks, export/import, forget, spoken answers, the report."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from voice.journal.store import Journal
from voice.core.journal_events import TurnEnd, decode

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def rituals(data: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "voice", "--data-dir", str(data), *args], input=stdin,
                          capture_output=True, text=True, timeout=120)


def local_evening(days_ago: int) -> datetime:
    now = datetime.now().astimezone()
    return (now - timedelta(days=days_ago)).replace(hour=21, minute=30, second=0, microsecond=0)


@pytest.fixture()
def evenings(tmp_path) -> Path:
    """A journal with a couple's recent weeks: check-ins most evenings, kisses, one stopped session."""
    data = tmp_path / "data"
    journal = Journal.open(data / "journal.sqlite3")
    for days_ago in [1, 2, 3, 5, 6, 7, 9, 10, 11, 12, 20, 21]:
        start = local_evening(days_ago)
        sid = journal.begin("bedtime_check_in", days_ago % 2, "Alex" if days_ago % 2 == 0 else "Sam", start)
        for i, secs in enumerate((40.0, 65.5, 30.0, 52.0)):
            journal.event(sid, start + timedelta(seconds=60 * (i + 1)), 60.0 * (i + 1),
                          TurnEnd("first" if i < 2 else "second", i // 2, secs, "done"))
        journal.end(sid, "completed", start + timedelta(minutes=6))
    for days_ago in [1, 8, 15]:
        sid = journal.begin("six_second_kiss", 0, "Alex", local_evening(days_ago) - timedelta(hours=2))
        journal.end(sid, "completed", local_evening(days_ago) - timedelta(hours=2) + timedelta(seconds=12))
    for days_ago in [5, 6]:                         # a morning habit that has lapsed since
        sid = journal.begin("morning_coffee", 0, "Alex", local_evening(days_ago) - timedelta(hours=13))
        journal.end(sid, "completed", local_evening(days_ago) - timedelta(hours=12, minutes=50))
    sid = journal.begin("weekly_check_in", 0, "Alex", local_evening(4))
    journal.end(sid, "stopped", local_evening(4) + timedelta(minutes=3))
    journal.close()
    return data


def test_history_filters_by_ritual_and_date(evenings):
    kisses = json.loads(rituals(evenings, "history", "--ritual", "kiss", "--json").stdout)
    assert [s["ritual"] for s in kisses] == ["six_second_kiss"] * 3
    since = (local_evening(3)).date().isoformat()
    recent = json.loads(rituals(evenings, "history", "--since", since, "--json").stdout)
    assert len(recent) == 4   # check-ins 1, 2 and 3 days ago, the kiss yesterday
    assert {s["ritual"] for s in recent} == {"bedtime_check_in", "six_second_kiss"}


def test_impossible_dates_and_unknown_sessions_get_one_line(evenings):
    for args in (("history", "--since", "2026-02-30"), ("show", "999"), ("away", "--from", "2026-13-01"),
                 ("forget", "--session", "999", "--yes")):
        result = rituals(evenings, *args)
        assert result.returncode == 2 and result.stderr.count("\n") == 1, args
        assert "Traceback" not in result.stderr


def test_stats_count_streaks_fairly_and_name_a_missed_day_gently(evenings):
    stats = {s["ritual"]: s for s in json.loads(rituals(evenings, "stats", "--json").stdout)}
    check_in = stats["bedtime_check_in"]
    assert check_in["streak"]["current"] == 3            # yesterday, 2 and 3 days ago; 4 days ago missed
    assert check_in["streak"]["best"] == 4               # 9-12 days ago
    assert check_in["completion_rate"] == 1.0 and check_in["average_minutes"] == 6.0
    assert stats["weekly_check_in"]["completion_rate"] == 0.0
    # Mark the missed day (4 days ago) as apart: the streak now runs on through it.
    day = local_evening(4).date().isoformat()
    assert rituals(evenings, "away", "--from", day).returncode == 0
    stats = {s["ritual"]: s for s in json.loads(rituals(evenings, "stats", "--json").stdout)}
    assert stats["bedtime_check_in"]["streak"]["current"] == 6
    text = rituals(evenings, "stats").stdout
    coffee = stats["morning_coffee"]["streak"]
    assert (coffee["current"], coffee["missed"]) == (0, 3)   # 1-3 days ago (4 days ago they were apart)
    assert stats["morning_coffee"]["days_since_last"] == 5
    assert "It's been 5 days since the last one. No pressure" in text   # the calendar's count, not the missed days


def test_show_lists_turn_durations(evenings):
    out = rituals(evenings, "show", "1").stdout
    assert "Sam talked for 40.0 s, until they said they were done." in out


def test_show_tells_a_session_in_plain_words_and_json_keeps_every_event(tmp_path):
    data = tmp_path / "data"
    journal = Journal.open(data / "journal.sqlite3")
    start = local_evening(1)
    sid = journal.begin("bedtime_check_in", 1, "Sam", start)
    moments = [(0.0, "session_start", {"ritual": "bedtime_check_in", "first": 1}),
               (0.0, "step", {"index": 0, "type": "say"}),
               (5.1, "step", {"index": 1, "type": "turn"}),
               (5.1, "question", {"deck": "day", "question": "What made you smile today?"}),
               (8.0, "turn_start", {"who": "first", "partner": 1}),
               (20.0, "heard", {"intent": None, "context": "turn", "score": None}),
               (31.0, "reprompt", {"reason": "silence"}),
               (40.0, "heard", {"intent": "pause", "context": "turn", "score": 0.9}),
               (40.0, "pause", {"remaining": 47.5}),
               (52.0, "resume", {"remaining": 47.5}),
               (75.5, "turn_end", {"who": "first", "partner": 1, "seconds": 55.5, "ended_by": "time"}),
               (75.5, "step", {"index": 2, "type": "timer"}),
               (75.5, "timer_start", {"seconds": 30.0}),
               (105.5, "timer_end", {"seconds": 30.0}),
               (105.5, "step", {"index": 3, "type": "turn"}),
               (107.0, "turn_start", {"who": "second", "partner": 0}),
               (130.0, "heard", {"intent": "skip", "context": "turn", "score": 1.0}),
               (130.0, "skip", {"index": 3}),
               (130.0, "turn_end", {"who": "second", "partner": 0, "seconds": 23.0, "ended_by": "skip"}),
               (130.0, "step", {"index": 4, "type": "ask"}),
               (133.0, "ask_start", {"index": 4}),
               (135.0, "answer", {"yes": False}),
               (140.0, "heard", {"intent": "stop", "context": "turn", "score": 1.0}),
               (140.0, "session_end", {"status": "stopped"})]
    for offset, kind, detail in moments:
        journal.event(sid, start + timedelta(seconds=offset), offset, decode(kind, detail))
    journal.end(sid, "stopped", start + timedelta(seconds=141))
    journal.close()
    with_names = tmp_path / "config.toml"
    with_names.write_text('partners = ["Alex", "Sam"]\n')
    shown = subprocess.run([sys.executable, "-m", "voice", "--data-dir", str(data), "--config", str(with_names),
                            "show", str(sid)], capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == "Session 1: bedtime check-in, stopped."
    assert lines[1].startswith(f"Started {start:%A} {start.day} {start:%B %Y} at 21:30, lasted 2 min 21 s; Sam")
    assert lines[2:] == [
        "   0:00  Step 1: the device spoke.",
        "   0:05  Step 2: a turn to talk.",
        '   0:05    The question: "What made you smile today?"',
        "   0:08    Sam's turn began.",
        "   0:31    Nobody spoke, so the device asked again.",
        '   0:40    Heard "pause".',
        "   0:40    Paused with 48 s left.",
        "   0:52    Resumed.",
        "   1:15    Sam talked for 55.5 s, until the turn's time ran out.",
        "   1:15  Step 3: a timer.",
        "   1:15    A 30-second timer started.",
        "   1:45    The timer ran its 30 s.",
        "   1:45  Step 4: a turn to talk.",
        "   1:47    Alex's turn began.",
        '   2:10    Heard "skip".',
        "   2:10    Step 4 was skipped.",
        "   2:10    Alex talked for 23.0 s, until the turn was skipped.",
        "   2:10  Step 5: a question for you both.",
        "   2:15    The answer was no.",
        '   2:20    Heard "stop".',
        "   2:20  It was stopped before the end."]
    as_json = json.loads(rituals(data, "show", str(sid), "--json").stdout)
    assert as_json["status"] == "stopped" and as_json["first_name"] == "Sam"
    assert [(e["offset_s"], e["kind"], e["data"]) for e in as_json["events"]] == moments


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_is_complete_private_and_imports_back_after_forgetting_everything(evenings, tmp_path, fmt):
    before = rituals(evenings, "history", "--json").stdout
    out = tmp_path / f"backup.{fmt}"
    assert rituals(evenings, "export", "--format", fmt, "--out", str(out)).returncode == 0
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert rituals(evenings, "forget", "--all", "--yes").returncode == 0
    assert json.loads(rituals(evenings, "history", "--json").stdout) == []
    result = rituals(evenings, "import", str(out))
    assert result.stdout.startswith("Imported 18 session(s)")
    restored = json.loads(rituals(evenings, "history", "--json").stdout)
    strip = lambda rows: [{k: v for k, v in r.items() if k != "id"} for r in rows]  # noqa: E731
    assert strip(restored) == strip(json.loads(before))
    assert "Sam talked for 40.0 s" in rituals(evenings, "show", str(restored[0]["id"])).stdout
    again = rituals(evenings, "import", str(out))
    assert again.stdout.startswith("Imported 0 session(s); 18 were already here")


def test_a_damaged_export_gives_one_line_and_leaves_the_journal_untouched(evenings, tmp_path):
    out = tmp_path / "backup.json"
    rituals(evenings, "export", "--out", str(out))
    data = json.loads(out.read_text())
    data["sessions"][3]["started_at"] = "last tuesday"
    damaged = tmp_path / "damaged.json"
    damaged.write_text(json.dumps(data))
    rituals(evenings, "forget", "--all", "--yes")
    before = rituals(evenings, "history", "--json").stdout
    result = rituals(evenings, "import", str(damaged))
    assert result.returncode == 2 and "session 4" in result.stderr and result.stderr.count("\n") == 1
    truncated = tmp_path / "truncated.json"
    truncated.write_text(out.read_text()[:500])
    assert "not valid JSON" in rituals(evenings, "import", str(truncated)).stderr
    assert rituals(evenings, "history", "--json").stdout == before


def test_forget_asks_first_and_keeps_everything_unless_confirmed(evenings):
    assert rituals(evenings, "forget", "--session", "1", stdin="no\n").returncode == 1
    assert len(json.loads(rituals(evenings, "history", "--json").stdout)) == 18
    assert rituals(evenings, "forget", "--session", "1", stdin="forget\n").returncode == 0
    ids = [s["id"] for s in json.loads(rituals(evenings, "history", "--json").stdout)]
    assert 1 not in ids and len(ids) == 17
    db = (evenings / "journal.sqlite3").read_bytes() + (evenings / "journal.sqlite3-wal").read_bytes() \
        if (evenings / "journal.sqlite3-wal").exists() else (evenings / "journal.sqlite3").read_bytes()
    assert db.count(b"65.5") <= 11 * 1          # session 1's events are gone from the file, not just hidden


def test_journal_file_is_owner_only(evenings):
    assert oct((evenings / "journal.sqlite3").stat().st_mode & 0o777) == "0o600"


def test_spoken_questions_about_the_journal_get_one_short_sentence(evenings):
    chat = rituals(evenings, "chat", stdin="how many check-ins did we do this month\nwhat's our streak\n"
                                           "when did we last do the six second kiss\nwe're apart today\n").stdout
    lines = [line for line in chat.splitlines() if line.startswith("device:")]
    # "This month" is the last thirty days, as in 'rituals stats': the 1st of a month resets nothing.
    assert lines[0] == "device: 12 bedtime check-in sessions in the last thirty days."
    # The couple's streak first (a check-in or a kiss on each of the last three days), then the best ritual's.
    assert lines[1] == ("device: You've made time for a ritual 3 days in a row. Your longest streak right now "
                        "is the bedtime check-in, 3 days.")
    assert lines[2] == "device: You last did the six second kiss yesterday."
    assert lines[3] == "device: Got it. Today won't count against your streaks."


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    pytest.fail("Chromium is missing: 'make test' installs Debian's chromium")


def test_report_renders_in_a_real_browser_with_heatmap_bars_and_streaks(evenings, tmp_path):
    report = tmp_path / "report.html"
    assert rituals(evenings, "report", "--out", str(report)).returncode == 0
    page = report.read_text()
    assert "http://" not in page and "https://" not in page and "<script" not in page   # self-contained
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report.png"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'chrome'}", "--hide-scrollbars"]
    dom = subprocess.run([_chromium(), *flags, "--dump-dom", report.as_uri()], capture_output=True, text=True,
                         timeout=120).stdout
    assert "bedtime check-in" in dom and "Every day we showed up" in dom
    assert '<div class="n">5</div><div class="s">of the last 7 days' in dom    # 1, 2, 3, 5 and 6 days ago
    subprocess.run([_chromium(), *flags, "--window-size=1100,1300", f"--screenshot={shot}", report.as_uri()],
                   capture_output=True, timeout=120, check=True)
    import numpy as np
    from PIL import Image
    pixels = np.asarray(Image.open(shot).convert("RGB")).reshape(-1, 3).astype(int)
    coloured = (pixels.max(axis=1) - pixels.min(axis=1) > 60).sum()   # calendar cells, bars, streak numbers
    assert coloured > 5000, "the coloured calendar and bars should be visible"
    assert len(np.unique(pixels, axis=0)) > 50     # not a blank page


# ---- on a fixed day: the journal's figures say what the couple did --------------------------------------

DEC_2 = datetime(2026, 12, 2).date()   # a Wednesday, the 2nd of the month
NOON_DEC_2 = datetime(2026, 12, 2, 12, 0).astimezone()   # the wall clock then, on the couple's calendar


def at(day: int, month: int = 11, hour: int = 21, minute: int = 30) -> datetime:
    """A moment on the couple's own (local) calendar."""
    return datetime(2026, month, day, hour, minute).astimezone()


def check_in(journal: Journal, start: datetime, spoke: tuple[bool, ...] = (True, True), partner_seconds=(40.0, 50.0),
             status: str = "completed") -> int:
    sid = journal.begin("bedtime_check_in", 0, "Alex", start)
    for i, (said, secs) in enumerate(zip(spoke, partner_seconds)):
        journal.event(sid, start + timedelta(seconds=60 * (i + 1)), 60.0 * (i + 1),
                      TurnEnd(("first", "second")[i % 2], i % 2, secs, "done", spoke=said))
    journal.end(sid, status, start + timedelta(minutes=5))
    return sid


def _stats(journal, library, ritual="bedtime_check_in", today=DEC_2):
    from voice.review.stats import ritual_stats
    return next(s for s in ritual_stats(journal, library, today) if s.ritual == ritual)


def test_on_the_2nd_of_a_month_a_good_last_week_still_leads_and_nothing_reads_zero(journal, library):
    from voice.review.report import render_report
    import re
    for day in range(23, 28):                      # Monday to Friday last week, then a few quiet days
        check_in(journal, at(day))
    st = _stats(journal, library)
    assert (st.recent.done, st.recent.of, st.last_7_days, st.last_30_days) == (2, 7, 2, 5)  # 26 and 27 Nov
    assert (st.streak.current, st.streak.best, st.days_since_last) == (0, 5, 5)
    page = render_report(journal, library, ("Alex", "Sam"), DEC_2)
    leads = re.findall(r'<div class="n">(\d+)</div><div class="s">([^<]*)<br>([^<]*)<br>([^<]*)<', page)
    assert leads == [("2", "of the last 7 days", "best run 5 days", "last done 5 days ago")]
    assert "5 sessions (5 done together) since 23 November 2026" in page


def test_the_report_and_stats_lead_with_the_month_when_the_week_was_quiet(journal, library):
    from voice.review.report import render_report
    check_in(journal, at(10))
    st = _stats(journal, library)
    assert (st.recent.done, st.last_30_days) == (0, 1)
    assert '<div class="n">1</div><div class="s">in the last 30 days' in render_report(
        journal, library, ("Alex", "Sam"), DEC_2)


def test_days_since_the_last_session_follow_the_calendar_not_the_hours(journal, library):
    from voice.review.answers import JournalAnswers
    from voice.core.matcher import Match
    check_in(journal, at(1, month=12, hour=23, minute=50))   # ten minutes before midnight
    answers = JournalAnswers(journal, library, clock=lambda: NOON_DEC_2)
    assert _stats(journal, library).days_since_last == 1
    assert answers(Match("ask_last", {"ritual": "bedtime_check_in"})) == "You last did the bedtime check-in yesterday."


def test_stats_say_how_many_calendar_days_it_has_been(journal, library):
    from voice.cli.review import stats_lines
    from voice.review.stats import ritual_stats
    check_in(journal, at(29))                      # three days before the 2nd (30 Nov and 1 Dec missed)
    st = _stats(journal, library)
    assert (st.days_since_last, st.streak.missed) == (3, 2)
    assert stats_lines(ritual_stats(journal, library, DEC_2), library.system) == [
        "bedtime check-in: 1 of the last 7 days; 1 session in the last 30 days; best run 1 day; "
        "last done 3 days ago, 5 min on average, 100% completed",
        "   It's been 3 days since the last one. No pressure: pick it up whenever it feels right."]


def test_a_session_nobody_spoke_in_is_shown_but_never_counted(journal, library):
    from voice.review.report import render_report
    check_in(journal, at(1, month=12), spoke=(False, False))
    st = _stats(journal, library)
    assert (st.total, st.last_done, st.streak.current, st.completion_rate) == (0, None, 0, 0.0)
    page = render_report(journal, library, ("Alex", "Sam"), DEC_2)
    assert "1 session (1 with nobody speaking) since 01 December 2026" in page and "No turns yet." in page
    check_in(journal, at(2, month=12), spoke=(True, False))    # one partner spoke: they did it
    st = _stats(journal, library)
    assert (st.total, st.streak.current, st.completion_rate) == (1, 1, 0.5)


def test_talk_time_is_shown_per_partner_in_seconds_or_minutes_and_scaled(journal, library):
    from voice.review.report import render_report
    import re
    check_in(journal, at(1, month=12), partner_seconds=(2.0, 4.0))
    page = render_report(journal, library, ("Alex", "Sam"), DEC_2)
    bars = re.findall(r'<text x="0" y="\d+">(\w+)</text><rect x="190" y="\d+" width="([\d.]+)"[^>]*/>'
                      r'<text[^>]*>([^<]*)</text>', page)
    assert bars == [("Alex", "210.0", "2 s a turn (1 turn)"), ("Sam", "420.0", "4 s a turn (1 turn)")]
    check_in(journal, at(2, month=12), partner_seconds=(150.0, 0.0), spoke=(True, True))
    page = render_report(journal, library, ("Alex", "Sam"), DEC_2)
    assert "1.3 min a turn (2 turns)" in page and "2 s a turn (2 turns)" in page


def test_a_zero_talk_time_draws_no_bar(journal, library):
    from voice.review.report import render_report
    check_in(journal, at(1, month=12), partner_seconds=(0.0, 0.0))
    page = render_report(journal, library, ("Alex", "Sam"), DEC_2)
    assert page.count('width="0.0" height="18"') == 2


def test_one_session_reads_in_the_singular(journal, library):
    from voice.review.answers import JournalAnswers
    from voice.review.report import render_report
    from voice.core.matcher import Match
    check_in(journal, at(1, month=12))
    answers = JournalAnswers(journal, library, clock=lambda: NOON_DEC_2)
    assert answers(Match("ask_count", {"ritual": "bedtime_check_in", "period": "week"})) == \
        "One bedtime check-in session in the last seven days."
    assert "1 session (1 done together) since" in render_report(journal, library, ("Alex", "Sam"), DEC_2)


def test_our_streak_is_the_couples_then_the_best_rituals_and_a_named_ritual_gets_its_own(journal, library):
    from voice.review.answers import JournalAnswers
    from voice.core.matcher import Match
    for day in (28, 29, 30):
        check_in(journal, at(day))
    for day in (1, 2):                               # then kisses on the last two days
        sid = journal.begin("six_second_kiss", 0, "Alex", at(day, month=12))
        journal.end(sid, "completed", at(day, month=12) + timedelta(seconds=12))
    answers = JournalAnswers(journal, library, clock=lambda: NOON_DEC_2)
    assert answers(Match("ask_streak", {})) == ("You've made time for a ritual 5 days in a row. Your longest "
                                                 "streak right now is the six second kiss, 2 days.")
    assert answers(Match("ask_streak", {"ritual": "bedtime_check_in"})) == "No streak right now, and that's okay. " \
        "Tonight is a good night to start one."


def test_the_answers_about_the_journal_read_the_injected_clock_not_the_machines(journal, library):
    from datetime import timezone
    from voice.core.matcher import Match
    from voice.review.answers import JournalAnswers
    moment = datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc)   # not today on any machine running this
    answers = JournalAnswers(journal, library, clock=lambda: moment)
    assert answers(Match("apart_today", {})) == library.system.get("apart_noted")
    assert journal.away_days() == [moment.astimezone().date().isoformat()]


def test_the_skill_answers_questions_about_the_journal_through_its_history_port(library):
    from voice.core.events import Heard, Say
    from voice.core.matcher import Match
    from voice.core.skill import Skill
    asked: list[str] = []

    def history(match):
        asked.append(match.intent)
        return "Three this week."
    skill = Skill(library, ("Alex", "Sam"), history=history)
    said = skill.handle(Heard(1.0, Match("ask_count", {"ritual": "bedtime_check_in", "period": "week"}), "how many"))
    assert [a.text for a in said if isinstance(a, Say)] == ["Three this week."] and asked == ["ask_count"]

"""Per-ritual statistics from the journal, on the couple's local calendar.

Counts are over rolling windows (the last 7 and the last 30 days, today included), so the figures
never reset on a Monday or on the 1st: "5 of the last 7 days" on the 2nd of a month still says what
the couple did last week. Only sessions that count (``voice.review.counting``) are counted. The
day "today" is always given by the caller (the command line reads the clock), never read here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from voice.library.rituals import RitualLibrary, SystemPrompts
from voice.journal.store import Journal, SessionRow
from voice.review.counting import counted_sessions
from voice.review.streaks import Streak, streak


@dataclass(frozen=True)
class Recent:
    """How many of the latest periods the ritual was done in: days for a daily ritual (of the last 7),
    rolling weeks for a weekly one (of the last 4)."""

    done: int
    of: int
    unit: str
    """``day`` or ``week``."""


@dataclass(frozen=True)
class RitualStats:
    ritual: str
    name: str
    cadence: str
    recent: Recent
    """What the couple did lately, the figure to lead with."""
    last_7_days: int
    """Sessions in the last 7 days (today and the 6 before)."""
    last_30_days: int
    """Sessions in the last 30 days."""
    total: int
    """Sessions ever."""
    last_done: str | None
    """Local date of the last session."""
    days_since_last: int | None
    """Calendar days from ``last_done`` to today (0: today, 1: yesterday)."""
    streak: Streak
    average_minutes: float | None
    """Mean length of the sessions."""
    completion_rate: float | None
    """Sessions that count / all finished sessions (stopped, interrupted and silent ones included)."""

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["streak"] = asdict(self.streak)
        data["recent"] = asdict(self.recent)
        return data


def local_day(moment: datetime) -> date:
    """The date on the couple's own calendar (the machine's time zone), not a count of hours."""
    return moment.astimezone().date()


def local_today() -> date:
    """Today on the couple's calendar: read at the edges (commands, the running skill), passed in."""
    return datetime.now().astimezone().date()


def within(day: date, today: date, days: int) -> bool:
    """Whether ``day`` is one of the ``days`` days up to and including ``today``."""
    return today - timedelta(days=days - 1) <= day <= today


def days_ago(system: SystemPrompts, days: int) -> str:
    """"today", "yesterday" or "N days ago", from whole calendar days."""
    if days == 0:
        return system.get("when_today")
    return system.get("when_yesterday") if days == 1 else system.get("when_days_ago", count=days)


def _recent(days: set[date], today: date, cadence: str) -> Recent:
    if cadence == "daily":
        return Recent(sum(1 for d in range(7) if today - timedelta(days=d) in days), 7, "day")
    windows = [{today - timedelta(days=7 * w + d) for d in range(7)} for w in range(4)]
    return Recent(sum(1 for window in windows if window & days), 4, "week")


def ritual_stats(journal: Journal, library: RitualLibrary, today: date) -> list[RitualStats]:
    away = {date.fromisoformat(d) for d in journal.away_days()}
    by_ritual: dict[str, list[SessionRow]] = {}
    for session in counted_sessions(journal):
        by_ritual.setdefault(session.ritual_id, []).append(session)
    finished: dict[str, int] = {}
    for session in journal.sessions():
        if session.status != "open":
            finished[session.ritual_id] = finished.get(session.ritual_id, 0) + 1
    out = []
    for ritual in library.rituals.values():
        done = by_ritual.get(ritual.id, [])
        days = [local_day(s.started_at) for s in done]
        last = max(days, default=None)
        durations = [s.duration for s in done if s.duration is not None]
        out.append(RitualStats(
            ritual.id, ritual.name, ritual.cadence, _recent(set(days), today, ritual.cadence),
            sum(1 for d in days if within(d, today, 7)), sum(1 for d in days if within(d, today, 30)), len(done),
            last.isoformat() if last else None, (today - last).days if last else None,
            streak(set(days), away, today, ritual.cadence),
            round(sum(durations) / len(durations) / 60, 1) if durations else None,
            round(len(done) / finished[ritual.id], 3) if finished.get(ritual.id) else None,
        ))
    return out


def plural(count: int, word: str) -> str:
    """"1 session", "2 sessions"."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def headline(stats: RitualStats) -> tuple[int, str]:
    """The figure to lead with and what it counts: what the couple did lately ("5", "of the last 7
    days"), else over the month, else ever. Never a zero for a ritual they have done."""
    if stats.recent.done:
        return stats.recent.done, f"of the last {plural(stats.recent.of, stats.recent.unit)}"
    if stats.last_30_days:
        return stats.last_30_days, "in the last 30 days"
    return stats.total, "so far"


def streak_text(stats: RitualStats) -> str:
    """The streak, kindly: the run that is alive, or the best one ever when none is (no "0 days")."""
    s = stats.streak
    if s.current:
        return f"{plural(s.current, s.unit)} in a row, best {s.best}"
    return f"best run {plural(s.best, s.unit)}" if s.best else ""

"""Fair streaks: pure functions over the days a ritual was done.

A streak counts periods (days for a daily ritual, ISO weeks for a weekly one) with at least one
completed session, back from today. Periods marked as apart are skipped: they neither count nor
break the streak. The current period, not yet done, does not break it either: there is still time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Streak:
    """Where a ritual's streak stands."""

    current: int
    """Periods in a row up to now."""
    best: int
    """The longest run ever."""
    missed: int
    """Periods missed since the last one done (0 when the streak is alive)."""
    unit: str
    """``day`` or ``week``."""


def _period(day: date, cadence: str) -> date:
    """The period a day belongs to: the day itself, or the Monday of its ISO week."""
    return day if cadence == "daily" else day - timedelta(days=day.weekday())


def _step(cadence: str) -> timedelta:
    return timedelta(days=1 if cadence == "daily" else 7)


def _away_periods(away: set[date], cadence: str) -> set[date]:
    if cadence == "daily":
        return set(away)
    weeks: dict[date, int] = {}
    for day in away:
        weeks[_period(day, cadence)] = weeks.get(_period(day, cadence), 0) + 1
    return {week for week, n in weeks.items() if n == 7}  # a week counts as apart only when wholly apart


def streak(done_days: set[date], away_days: set[date], today: date, cadence: str) -> Streak:
    """The streak of a ritual done on ``done_days``."""
    done = {_period(d, cadence) for d in done_days if d <= today}
    away = _away_periods(away_days, cadence) - done
    step = _step(cadence)
    unit = "day" if cadence == "daily" else "week"
    now = _period(today, cadence)

    current, missed, period = 0, 0, now
    if now not in done:
        period = now - step               # today (this week) is not over: it cannot break the streak
    first = min(done | away | {now})
    while period >= first:
        if period in done:
            current += 1
        elif period in away:
            pass
        else:
            break
        period -= step
    if current == 0 and done:
        missed_period = now - step if now not in done else now
        while missed_period > max(done):
            if missed_period not in away:
                missed += 1
            missed_period -= step

    best = run = 0
    period = first
    while period <= now:
        if period in done:
            run += 1
            best = max(best, run)
        elif period not in away and period != now:
            run = 0
        period += step
    return Streak(current, max(best, current), missed, unit)
